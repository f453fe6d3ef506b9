//! The chair's work: the table's proposals and picks, and the speaking
//! queue with its talk-time balance. State (selections, the picks draft)
//! and the keys that change it; what the hub holds is read from the
//! snapshot, what is still on its way from the outbox.

use crossterm::event::{KeyCode, KeyEvent};
use yuanzhuo_protocol::*;

use crate::app::{step, App, Confirm, Effect, Level, Modal};
use crate::editor::Editor;
use crate::i18n::Words;
use crate::notes::NoteForm;
use yuanzhuo_protocol::words::terminal;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChairView {
    /// Selected proposal in the proposals page.
    pub sel: usize,
    pub queue_sel: usize,
    pub picks_sel: usize,
    /// The picks being put together, in the order they were marked.
    pub draft: Vec<ProposalId>,
    /// The draft differs from what the hub has acknowledged.
    pub dirty: bool,
}

pub const TURNS: [TurnKind; 4] = [TurnKind::For, TurnKind::Against, TurnKind::Question, TurnKind::PointOfOrder];

#[derive(Debug, Clone, PartialEq)]
pub struct SpeakerForm {
    pub name: Editor,
    pub turn: TurnKind,
}

impl Default for SpeakerForm {
    fn default() -> Self {
        SpeakerForm { name: Editor::single_line(40), turn: TurnKind::For }
    }
}

/// A line of the speaking queue as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueRow {
    /// None while the queueing is still on its way to the hub.
    pub entry: Option<u64>,
    pub name: String,
    pub turn: TurnKind,
    pub state: TurnState,
    pub started_at_ms: Option<u64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BalanceRow {
    pub name: String,
    pub turns: u32,
    /// Finished turns plus the current one.
    pub total_ms: u64,
    pub speaking: bool,
}

/// Seat `n`'s name, "5号", the same in either interface language: it is
/// written in the log and read by everyone.
pub fn seat(n: impl std::fmt::Display) -> String {
    terminal::SEAT.fill(&[("n", &n.to_string())]).0
}

/// "5" (or "５") is seat 5: "5号". Anything else is a name, trimmed.
pub fn speaker_name(input: &str) -> String {
    let t = input.trim();
    let digits: String = t
        .chars()
        .map(|c| match c {
            // Full-width digits, as a Chinese input method types them.
            '\u{ff10}'..='\u{ff19}' => char::from_u32(c as u32 - 0xff10 + '0' as u32).unwrap_or(c),
            c => c,
        })
        .collect();
    match digits.parse::<u32>() {
        Ok(n) if digits.chars().all(|c| c.is_ascii_digit()) => seat(n),
        _ => t.to_string(),
    }
}

impl App {
    // ------------------------------------------------------------ reading

    /// The hub's picks for the working table, and whether they are locked.
    pub fn hub_picks(&self) -> (Vec<ProposalId>, bool) {
        self.table().and_then(|t| self.summary(t)).map(|s| (s.picks.clone(), s.picks_locked)).unwrap_or_default()
    }

    /// Picks commands still on their way.
    pub fn picks_pending(&self) -> bool {
        self.outbox.entries().iter().any(|e| matches!(e.command, Command::SetPicks { .. } | Command::LockPicks { .. }))
    }

    pub fn speaking(&self) -> Option<&QueueEntry> {
        self.detail(self.table()?)?.queue.iter().find(|e| e.state == TurnState::Speaking)
    }

    /// Who has the floor and waits, in order, then what is still unsent.
    pub fn queue_rows(&self) -> Vec<QueueRow> {
        let mut rows = vec![];
        if let Some(d) = self.table().and_then(|t| self.detail(t)) {
            let mut live: Vec<&QueueEntry> =
                d.queue.iter().filter(|e| matches!(e.state, TurnState::Speaking | TurnState::Waiting)).collect();
            live.sort_by_key(|e| (e.state != TurnState::Speaking, e.entry));
            rows.extend(live.into_iter().map(|e| QueueRow {
                entry: Some(e.entry),
                name: e.name.clone(),
                turn: e.turn,
                state: e.state,
                started_at_ms: e.started_at_ms,
            }));
        }
        for e in self.outbox.entries() {
            if let Command::QueueSpeaker { name, turn, .. } = &e.command {
                rows.push(QueueRow {
                    entry: None,
                    name: name.clone(),
                    turn: *turn,
                    state: TurnState::Waiting,
                    started_at_ms: None,
                });
            }
        }
        rows
    }

    /// Finished turns, the latest first.
    pub fn done_turns(&self) -> Vec<&QueueEntry> {
        let Some(d) = self.table().and_then(|t| self.detail(t)) else { return vec![] };
        let mut done: Vec<&QueueEntry> = d.queue.iter().filter(|e| e.state == TurnState::Done).collect();
        done.sort_by_key(|e| std::cmp::Reverse(e.ended_at_ms));
        done
    }

    /// Talk time per speaker, the current turn included.
    pub fn balance_rows(&self) -> Vec<BalanceRow> {
        let Some(d) = self.table().and_then(|t| self.detail(t)) else { return vec![] };
        let now = self.now();
        let current = self.speaking().map(|e| (e.name.clone(), now.saturating_sub(e.started_at_ms.unwrap_or(now))));
        let mut rows: Vec<BalanceRow> = d
            .balance
            .iter()
            .map(|b| BalanceRow { name: b.name.clone(), turns: b.turns, total_ms: b.total_ms, speaking: false })
            .collect();
        if let Some((name, ms)) = current {
            match rows.iter_mut().find(|r| r.name == name) {
                Some(r) => {
                    r.turns += 1;
                    r.total_ms += ms;
                    r.speaking = true;
                }
                None => rows.push(BalanceRow { name, turns: 1, total_ms: ms, speaking: true }),
            }
        }
        rows
    }

    /// Seats (and queued names) that have not had the floor yet.
    pub fn not_spoken(&self) -> Vec<String> {
        let spoken: Vec<String> = self.balance_rows().into_iter().map(|r| r.name).collect();
        let mut out: Vec<String> = (1..=self.cfg.seats).map(seat).filter(|s| !spoken.contains(s)).collect();
        for r in self.queue_rows() {
            if !spoken.contains(&r.name) && !out.contains(&r.name) {
                out.push(r.name);
            }
        }
        out
    }

    // ------------------------------------------------------------ sync

    /// After the hub's view changed: an untouched draft follows the hub's picks.
    pub(crate) fn chair_sync(&mut self) {
        let (picks, _) = self.hub_picks();
        if !self.chair.dirty {
            self.chair.draft = picks;
        }
        let n = self.table().map(|t| self.share(t).len()).unwrap_or(0);
        self.chair.sel = crate::app::clamp(self.chair.sel, n);
        self.chair.queue_sel = crate::app::clamp(self.chair.queue_sel, self.queue_rows().len());
        self.chair.picks_sel = crate::app::clamp(self.chair.picks_sel, self.chair.draft.len());
    }

    /// Mark or unmark a proposal as one of the table's picks.
    pub fn toggle_pick(&mut self, id: &str) {
        let (hub, locked) = self.hub_picks();
        if locked {
            self.say(Level::Warn, self.word(terminal::PICKS_LOCKED_NO_CHANGE));
            return;
        }
        let max = self.picks_per_table();
        if let Some(i) = self.chair.draft.iter().position(|p| p == id) {
            self.chair.draft.remove(i);
        } else if self.chair.draft.len() >= max {
            let text = self.lang().fill(terminal::PICKS_FULL, &[("max", &max.to_string())]);
            self.say(Level::Warn, text);
            return;
        } else {
            self.chair.draft.push(id.to_string());
        }
        self.chair.dirty = self.chair.draft != hub;
        self.chair.picks_sel = crate::app::clamp(self.chair.picks_sel, self.chair.draft.len());
    }

    fn submit_picks(&mut self) -> Vec<Effect> {
        let Some(table) = self.table() else { return vec![] };
        let (_, locked) = self.hub_picks();
        let max = self.picks_per_table();
        if locked {
            self.say(Level::Warn, self.word(terminal::PICKS_LOCKED_NO_CHANGE));
            return vec![];
        }
        if self.chair.draft.len() != max {
            let n = self.chair.draft.len();
            let text =
                self.lang().fill(terminal::PICKS_SUBMIT_NEEDS, &[("n", &n.to_string()), ("max", &max.to_string())]);
            self.say(Level::Warn, text);
            return vec![];
        }
        self.command(Command::SetPicks { table, proposals: self.chair.draft.clone() })
    }

    pub(crate) fn lock_picks(&mut self) -> Vec<Effect> {
        let Some(table) = self.table() else { return vec![] };
        let mut fx = vec![];
        if self.chair.dirty {
            fx.extend(self.submit_picks());
            if fx.is_empty() {
                return fx;
            }
        }
        fx.extend(self.command(Command::LockPicks { table }));
        fx
    }

    fn ask_lock(&mut self) {
        let (hub, locked) = self.hub_picks();
        let max = self.picks_per_table();
        if locked {
            self.say(Level::Warn, self.word(terminal::PICKS_ALREADY_LOCKED));
        } else if self.chair.draft.len() != max || (hub.is_empty() && !self.chair.dirty) {
            let text = self.lang().fill(terminal::PICKS_LOCK_NEEDS, &[("max", &max.to_string())]);
            self.say(Level::Warn, text);
        } else {
            self.modal = Some(Modal::Confirm(Confirm::LockPicks));
        }
    }

    // ------------------------------------------------------------ keys

    /// The proposals page (chair and recorder).
    pub(crate) fn proposals_key(&mut self, k: KeyEvent) -> Vec<Effect> {
        let Some(table) = self.table() else { return vec![] };
        let share: Vec<ProposalId> = self.share(table).iter().map(|p| p.id.clone()).collect();
        if let Some(s) = step(self.chair.sel, share.len(), k.code) {
            self.chair.sel = s;
            return vec![];
        }
        let Some(id) = share.get(self.chair.sel).cloned() else { return vec![] };
        match k.code {
            KeyCode::Char(' ') | KeyCode::Enter if self.role() == Some(Role::Chair) => self.toggle_pick(&id),
            KeyCode::Char('a') => {
                self.modal = Some(Modal::Note(NoteForm::new(table, Some(id))));
            }
            _ => {}
        }
        vec![]
    }

    pub(crate) fn queue_key(&mut self, k: KeyEvent) -> Vec<Effect> {
        let Some(table) = self.table() else { return vec![] };
        let rows = self.queue_rows();
        if let Some(s) = step(self.chair.queue_sel, rows.len(), k.code) {
            self.chair.queue_sel = s;
            return vec![];
        }
        let selected = rows.get(self.chair.queue_sel);
        match k.code {
            KeyCode::Char('a') | KeyCode::Insert => {
                self.modal = Some(Modal::Speaker(SpeakerForm::default()));
                vec![]
            }
            KeyCode::Char('n') => self.command(Command::StartSpeaker { table, entry: None }),
            KeyCode::Enter => match selected {
                Some(QueueRow { entry: Some(e), state: TurnState::Waiting, .. }) => {
                    self.command(Command::StartSpeaker { table, entry: Some(*e) })
                }
                Some(QueueRow { entry: None, .. }) => {
                    self.say(Level::Warn, self.word(terminal::SPEAKER_STILL_SENDING));
                    vec![]
                }
                _ => vec![],
            },
            KeyCode::Char('s') => self.command(Command::StopSpeaker { table }),
            KeyCode::Char('r') => self.signal(table, TableSignal::Ready),
            KeyCode::Char('t') => self.signal(table, TableSignal::MoreTime),
            KeyCode::Char('x') | KeyCode::Delete => match selected {
                Some(QueueRow { entry: Some(e), .. }) => self.command(Command::RemoveSpeaker { table, entry: *e }),
                _ => vec![],
            },
            _ => vec![],
        }
    }

    /// The chair's word to the organiser (ready / more time); the same key again takes it back.
    fn signal(&mut self, table: TableNo, signal: TableSignal) -> Vec<Effect> {
        let now = self.summary(table).and_then(|t| t.signal);
        let signal = if now == Some(signal) { None } else { Some(signal) };
        self.command(Command::SignalTable { table, signal })
    }

    pub(crate) fn picks_key(&mut self, k: KeyEvent) -> Vec<Effect> {
        if let Some(s) = step(self.chair.picks_sel, self.chair.draft.len(), k.code) {
            self.chair.picks_sel = s;
            return vec![];
        }
        match k.code {
            KeyCode::Char('x') | KeyCode::Char(' ') | KeyCode::Delete => {
                if let Some(id) = self.chair.draft.get(self.chair.picks_sel).cloned() {
                    self.toggle_pick(&id);
                }
                vec![]
            }
            KeyCode::Enter | KeyCode::Char('s') => self.submit_picks(),
            KeyCode::Char('L') | KeyCode::Char('l') => {
                self.ask_lock();
                vec![]
            }
            _ => vec![],
        }
    }

    pub(crate) fn speaker_form_key(&mut self, mut f: SpeakerForm, k: KeyEvent) -> Vec<Effect> {
        let turn_at = TURNS.iter().position(|t| *t == f.turn).unwrap_or(0);
        match k.code {
            KeyCode::Esc => return vec![],
            KeyCode::Tab | KeyCode::Down => f.turn = TURNS[(turn_at + 1) % TURNS.len()],
            KeyCode::BackTab | KeyCode::Up => f.turn = TURNS[(turn_at + TURNS.len() - 1) % TURNS.len()],
            KeyCode::F(n @ 2..=5) => f.turn = TURNS[n as usize - 2],
            KeyCode::Enter => {
                let name = speaker_name(&f.name.text());
                if name.is_empty() {
                    self.say(Level::Warn, self.word(terminal::SEAT_OR_NAME_MISSING));
                    self.modal = Some(Modal::Speaker(f));
                    return vec![];
                }
                let Some(table) = self.table() else { return vec![] };
                return self.command(Command::QueueSpeaker { table, name, turn: f.turn });
            }
            _ => {
                f.name.key(k, 40);
            }
        }
        self.modal = Some(Modal::Speaker(f));
        vec![]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_number_is_a_seat() {
        assert_eq!(speaker_name(" 5 "), "5号");
        assert_eq!(speaker_name("１２"), "12号");
        assert_eq!(speaker_name("5号"), "5号");
        assert_eq!(speaker_name("王阿姨"), "王阿姨");
        assert_eq!(speaker_name("  "), "");
    }
}
