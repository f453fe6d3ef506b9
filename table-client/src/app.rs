//! The app's state as plain data, and `update`: one event in (a key, a
//! paste, a tick, something from the link, the outbox read from disk),
//! state changed, effects out (connect, send, save the outbox, quit). The
//! main loop performs the effects; drawing (`ui`) only reads this state.
//!
//! Role views live in their own modules (`chair`, `notes`, `adviser`,
//! `prompt`) as further `impl App` blocks; this one owns the connection,
//! the outbox bookkeeping and the keys every screen shares.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use yuanzhuo_client::{LinkEvent, LinkStatus};
use yuanzhuo_protocol::*;

use crate::adviser::{AdviserView, AnnotateForm};
use crate::chair::{ChairView, SpeakerForm};
use crate::clock::Clock;
use crate::i18n::{Lang, Words};
use crate::notes::{NoteForm, NotesView};
use crate::outbox::{Answer, Entry, Outbox};
use crate::prompt::PromptForm;
use yuanzhuo_protocol::words::{terminal, ui, Words as Word};

/// Fixed for the run (from the command line).
#[derive(Debug, Clone)]
pub struct Config {
    pub lang: Lang,
    /// The agreed length of one speaking turn.
    pub turn_ms: u64,
    /// Seats at the table (residents "1号" … "N号"), for "not spoken yet".
    pub seats: u16,
    /// Random per run; command ids are `{prefix}-{counter}`.
    pub id_prefix: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Key(KeyEvent),
    /// Bracketed paste, or an input method committing a whole phrase.
    Paste(String),
    Resize(u16, u16),
    Tick,
    Link(LinkEvent),
    /// The link's task has ended (after a refusal).
    LinkGone,
    /// The token's outbox as read from disk when connecting.
    Opened(Result<Vec<Entry>, OpenError>),
    /// Whether the last outbox write reached the disk.
    Saved(Result<(), String>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum OpenError {
    /// Another window on this computer has this token open.
    Busy,
    /// The file could not be read (it was kept aside).
    Unreadable(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Take the token's outbox lock, read its outbox, start the link.
    Connect {
        url: String,
        token: String,
    },
    /// Stop the link and release the token's outbox.
    Disconnect,
    Send(ClientMsg),
    /// Write `outbox` to disk (always before the Send that follows it).
    SaveOutbox,
    /// Keep a refused entry's words on disk.
    Journal(Entry, ErrorMsg),
    Quit,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Screen {
    /// Asking for the hub address and the token.
    Prompt(PromptForm),
    Main,
}

/// The pages of the main screen; which ones a role has is `App::tabs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Proposals,
    Queue,
    Picks,
    Notes,
    Advice,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Confirm {
    Quit,
    LockPicks,
    Withdraw(u64),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Modal {
    Help,
    Log,
    Confirm(Confirm),
    Speaker(SpeakerForm),
    Note(NoteForm),
    Annotate(AnnotateForm),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warn,
    Error,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub at_ms: u64,
    pub level: Level,
    pub text: String,
    /// More to read in the message log (e.g. the words of a refused note).
    pub detail: Option<String>,
}

const LOG_KEEP: usize = 100;

#[derive(Debug, Clone)]
pub struct App {
    pub cfg: Config,
    pub screen: Screen,
    /// The hub's WebSocket URL (after the prompt).
    pub hub_url: String,
    /// Kept only to reconnect and to refill the prompt after a refusal;
    /// never drawn on the main screen.
    token: String,
    pub link: Option<LinkStatus>,
    /// A welcome has arrived on the current connection.
    pub welcomed: bool,
    pub you: Option<Identity>,
    pub snap: Option<Snapshot>,
    pub clock: Clock,
    pub outbox: Outbox,
    pub tab: usize,
    pub modal: Option<Modal>,
    pub log: Vec<Message>,
    pub chair: ChairView,
    pub notes: NotesView,
    pub adviser: AdviserView,
    pub size: (u16, u16),
    next_id: u64,
    pub quit: bool,
}

impl App {
    /// A new app. With both a hub and a token it connects at once;
    /// otherwise it starts on the prompt screen.
    pub fn new(cfg: Config, hub: Option<String>, token: Option<String>, now_ms: u64) -> (App, Vec<Effect>) {
        let mut app = App {
            cfg,
            screen: Screen::Main,
            hub_url: String::new(),
            token: String::new(),
            link: None,
            welcomed: false,
            you: None,
            snap: None,
            clock: Clock { local_ms: now_ms, offset_ms: 0 },
            outbox: Outbox::default(),
            tab: 0,
            modal: None,
            log: vec![],
            chair: ChairView::default(),
            notes: NotesView::default(),
            adviser: AdviserView::default(),
            size: (80, 24),
            next_id: 0,
            quit: false,
        };
        let mut fx = vec![];
        let form = PromptForm::new(hub.as_deref().unwrap_or(""), token.as_deref().unwrap_or(""));
        match form.resolve(app.cfg.lang) {
            Ok((url, token)) if hub.is_some() && token_given(&token) => fx.extend(app.connect(url, token)),
            _ => app.screen = Screen::Prompt(form),
        }
        (app, fx)
    }

    pub fn lang(&self) -> Lang {
        self.cfg.lang
    }

    /// An entry of the one vocabulary in the interface language.
    pub fn word(&self, w: Word) -> &'static str {
        self.cfg.lang.word(w)
    }

    // ------------------------------------------------------------ reading

    pub fn role(&self) -> Option<Role> {
        self.you.as_ref().map(|y| y.role)
    }

    /// The table this connection works at (the selected one for an
    /// all-tables adviser).
    pub fn table(&self) -> Option<TableNo> {
        let you = self.you.as_ref()?;
        if you.all_tables {
            return Some(self.adviser.table.max(1));
        }
        you.table
    }

    pub fn summary(&self, t: TableNo) -> Option<&TableSummary> {
        self.snap.as_ref()?.tables.iter().find(|s| s.table == t)
    }

    pub fn detail(&self, t: TableNo) -> Option<&TableDetail> {
        self.snap.as_ref()?.table_details.iter().find(|d| d.table == t)
    }

    /// The proposals a table discusses, in list order.
    pub fn share(&self, t: TableNo) -> Vec<&Proposal> {
        let (Some(s), Some(snap)) = (self.summary(t), self.snap.as_ref()) else { return vec![] };
        s.share.iter().filter_map(|id| snap.proposal(id)).collect()
    }

    pub fn annotation(&self, id: &str) -> Option<&Annotation> {
        self.snap.as_ref()?.annotations.iter().find(|a| a.proposal == id)
    }

    /// The organiser's confirmed exclusion of a proposal, if any.
    pub fn exclusion(&self, id: &str) -> Option<&Exclusion> {
        self.snap.as_ref()?.exclusions.iter().find(|x| x.proposal == id)
    }

    /// Proposals this connection's table picked (every table's, for an all-tables adviser).
    fn our_picks(&self) -> Vec<ProposalId> {
        let (Some(s), Some(you)) = (self.snap.as_ref(), self.you.as_ref()) else { return vec![] };
        s.tables.iter().filter(|t| you.all_tables || Some(t.table) == you.table).flat_map(|t| t.picks.clone()).collect()
    }

    pub fn picks_per_table(&self) -> usize {
        self.snap.as_ref().map_or(3, |s| s.rules.picks_per_table as usize)
    }

    pub fn phase(&self) -> Option<Phase> {
        self.snap.as_ref().map(|s| s.phase)
    }

    pub fn now(&self) -> u64 {
        self.clock.server_now()
    }

    pub fn tabs(&self) -> &'static [Tab] {
        match self.role() {
            Some(Role::Chair) => &[Tab::Proposals, Tab::Queue, Tab::Picks, Tab::Notes],
            Some(Role::Recorder) => &[Tab::Notes, Tab::Proposals],
            Some(Role::Adviser) => &[Tab::Advice],
            _ => &[],
        }
    }

    pub fn current_tab(&self) -> Option<Tab> {
        self.tabs().get(self.tab).copied()
    }

    /// "第2桌 桌长" / "Table 2 chair".
    pub fn who(&self) -> String {
        let Some(you) = &self.you else { return String::new() };
        let role = self.lang().role(you.role);
        if you.all_tables {
            return self.lang().fill(terminal::ALL_TABLES_ROLE, &[("role", role)]);
        }
        match you.table {
            Some(t) => {
                let n = t.to_string();
                // A table without a name is "第2桌" in either language (as before).
                let name = self.summary(t).map_or_else(|| ui::TABLE.fill(&[("n", &n)]).0, |s| s.name.clone());
                self.lang().fill(terminal::TABLE_ROLE, &[("name", &name), ("n", &n), ("role", role)])
            }
            None => role.to_string(),
        }
    }

    // ------------------------------------------------------------ messages

    pub fn say(&mut self, level: Level, text: impl Into<String>) {
        self.say_more(level, text, None);
    }

    pub fn say_more(&mut self, level: Level, text: impl Into<String>, detail: Option<String>) {
        self.log.push(Message { at_ms: self.clock.local_ms, level, text: text.into(), detail });
        if self.log.len() > LOG_KEEP {
            self.log.remove(0);
        }
    }

    /// A phase change, in the message log and the status line.
    fn say_phase(&mut self, p: Phase) {
        let text = format!("{}{}", self.word(ui::NOW), self.lang().phase(p));
        self.say(Level::Info, text);
    }

    pub fn last_message(&self) -> Option<&Message> {
        self.log.last()
    }

    // ------------------------------------------------------------ commands

    /// Make a command: give it an id, put it in the outbox (saved to disk
    /// first), then send what may go now.
    pub fn command(&mut self, command: Command) -> Vec<Effect> {
        self.next_id += 1;
        let id = format!("{}-{}", self.cfg.id_prefix, self.next_id);
        self.outbox.push(id, command, self.clock.local_ms);
        let mut fx = vec![Effect::SaveOutbox];
        fx.extend(self.pump());
        fx
    }

    /// Send whatever the outbox says is due, if the hub is listening.
    fn pump(&mut self) -> Vec<Effect> {
        if !self.welcomed {
            return vec![];
        }
        self.outbox.due(self.clock.local_ms).into_iter().map(Effect::Send).collect()
    }

    pub fn connect(&mut self, url: String, token: String) -> Vec<Effect> {
        self.hub_url = url.clone();
        self.token = token.clone();
        self.screen = Screen::Main;
        self.link = Some(LinkStatus::Connecting { attempt: 1 });
        self.welcomed = false;
        vec![Effect::Connect { url, token }]
    }

    /// Back to the prompt (a refused or unsuitable token). The outbox of the
    /// old token stays on disk for when it is used again.
    fn back_to_prompt(&mut self, error: String, keep_token: bool) -> Vec<Effect> {
        let mut form = PromptForm::new(&self.hub_url, if keep_token { &self.token } else { "" });
        form.error = Some(error);
        if !keep_token {
            form.field = 1;
        }
        self.screen = Screen::Prompt(form);
        self.token.clear();
        self.link = None;
        self.welcomed = false;
        self.you = None;
        self.snap = None;
        self.outbox = Outbox::default();
        self.modal = None;
        self.tab = 0;
        vec![Effect::Disconnect]
    }

    // ------------------------------------------------------------ update

    pub fn update(&mut self, ev: Event, now_ms: u64) -> Vec<Effect> {
        self.clock.local_ms = now_ms;
        let mut fx = match ev {
            Event::Key(k) => self.key(k),
            Event::Paste(s) => self.paste(&s),
            Event::Resize(w, h) => {
                self.size = (w, h);
                vec![]
            }
            Event::Tick => vec![],
            Event::Link(LinkEvent::Status(s)) => self.status(s),
            Event::Link(LinkEvent::Message(m)) => self.message(m),
            Event::LinkGone => {
                self.welcomed = false;
                vec![]
            }
            Event::Opened(r) => self.opened(r),
            Event::Saved(Ok(())) => vec![],
            Event::Saved(Err(e)) => {
                self.say(Level::Error, format!("{}{e}", self.word(terminal::OUTBOX_UNWRITABLE)));
                vec![]
            }
        };
        if !self.quit {
            fx.extend(self.pump());
        }
        fx
    }

    fn opened(&mut self, r: Result<Vec<Entry>, OpenError>) -> Vec<Effect> {
        match r {
            Ok(entries) => {
                let n = self.outbox.restore(entries);
                if n > 0 {
                    let text = self.lang().fill(terminal::UNSENT_FROM_LAST_TIME, &[("n", &n.to_string())]);
                    self.say(Level::Info, text);
                }
                vec![]
            }
            Err(OpenError::Unreadable(e)) => {
                self.say(Level::Error, format!("{}{e}", self.word(terminal::OUTBOX_UNREADABLE_KEPT)));
                vec![]
            }
            Err(OpenError::Busy) => {
                let msg = self.word(terminal::TOKEN_OPEN_ELSEWHERE);
                self.back_to_prompt(msg.to_string(), true)
            }
        }
    }

    fn status(&mut self, s: LinkStatus) -> Vec<Effect> {
        let fx = match &s {
            LinkStatus::Refused(e) => {
                // The token stays in the field so that a typo can be fixed.
                let text = self.lang().error(e);
                return self.back_to_prompt(text, true);
            }
            LinkStatus::Online => vec![],
            _ => {
                // Said once per drop, in the log and the status line (a stale
                // "shutting down" never outlives the connection it was about).
                if self.welcomed {
                    self.say(Level::Warn, self.word(terminal::LINK_LOST_RECONNECTING));
                }
                self.welcomed = false;
                self.outbox.reset_sent();
                vec![]
            }
        };
        self.link = Some(s);
        fx
    }

    fn message(&mut self, m: ServerMsg) -> Vec<Effect> {
        match m {
            ServerMsg::Welcome { you, snapshot } => {
                if !you.role.is_table_role() {
                    let hint = self.wrong_role_hint(you.role);
                    return self.back_to_prompt(hint, false);
                }
                self.clock.observe(snapshot.server_now_ms);
                self.you = Some(you);
                let was = self.snap.as_ref().map(|s| s.phase);
                let now = snapshot.phase;
                let again = was.is_some();
                self.snap = Some(*snapshot);
                self.welcomed = true;
                if again {
                    self.say(Level::Info, self.word(terminal::RECONNECTED));
                }
                if again && was != Some(now) {
                    self.say_phase(now);
                }
                self.outbox.reset_sent();
                self.after_change();
                vec![]
            }
            ServerMsg::Snapshot { snapshot } => {
                self.clock.observe(snapshot.server_now_ms);
                self.snap = Some(*snapshot);
                self.after_change();
                vec![]
            }
            ServerMsg::Update(u) => {
                self.clock.observe(u.server_now_ms);
                let before: Vec<ProposalId> = self
                    .snap
                    .as_ref()
                    .map(|s| s.exclusions.iter().map(|x| x.proposal.clone()).collect())
                    .unwrap_or_default();
                let was = self.snap.as_ref().map(|s| s.phase);
                if let Some(s) = &mut self.snap {
                    s.apply(&u);
                }
                if let Some(p) = u.phase.filter(|p| was != Some(*p)) {
                    self.say_phase(p);
                }
                if u.exclusions.is_some() {
                    self.announce_exclusions(&before);
                }
                self.after_change();
                vec![]
            }
            // Raw log frames go only to witnesses that ask for them.
            ServerMsg::Log(_) => vec![],
            ServerMsg::Ack { id, .. } => match self.outbox.ack(&id) {
                Answer::Done(e) => {
                    self.acknowledged(&e);
                    vec![Effect::SaveOutbox]
                }
                _ => vec![],
            },
            ServerMsg::Error(err) => match self.outbox.error(&err, self.clock.local_ms) {
                Answer::Refused(entry, err) => {
                    self.refused(&entry, &err);
                    vec![Effect::SaveOutbox, Effect::Journal(entry, err)]
                }
                Answer::Retry | Answer::Done(_) => vec![],
                Answer::Unknown => {
                    if err.id.is_none() {
                        let level = if err.code == ErrorCode::ShuttingDown { Level::Warn } else { Level::Error };
                        let text = self.lang().error(&err);
                        self.say(level, text);
                    }
                    vec![]
                }
            },
        }
    }

    /// Where a token that is not for this program belongs.
    fn wrong_role_hint(&self, role: Role) -> String {
        let base = self.hub_url.replacen("ws://", "http://", 1).replacen("wss://", "https://", 1);
        let base = base.strip_suffix("/ws").unwrap_or(&base).to_string();
        let name = self.lang().role(role);
        let w = match role {
            Role::Organiser => terminal::WRONG_ROLE_ORGANISER,
            Role::Voter => terminal::WRONG_ROLE_VOTER,
            Role::Projector => terminal::WRONG_ROLE_PROJECTOR,
            Role::Counter => terminal::WRONG_ROLE_COUNTER,
            Role::Screen => terminal::WRONG_ROLE_SCREEN,
            Role::Scrutineer => terminal::WRONG_ROLE_SCRUTINEER,
            Role::Registrar => terminal::WRONG_ROLE_REGISTRAR,
            _ => terminal::WRONG_ROLE_OTHER,
        };
        self.lang().fill(w, &[("name", name), ("base", &base)])
    }

    /// A confirmed exclusion of a proposal this table picked is announced to
    /// the table (the chair, the recorder, the adviser), and kept in the
    /// message log.
    fn announce_exclusions(&mut self, before: &[ProposalId]) {
        let picks = self.our_picks();
        let news: Vec<Exclusion> = self
            .snap
            .as_ref()
            .map(|s| {
                s.exclusions
                    .iter()
                    .filter(|x| !before.contains(&x.proposal) && picks.contains(&x.proposal))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        for x in news {
            let what = yuanzhuo_client::words::exclusion_text(&x, self.lang());
            let text = self.lang().fill(terminal::PICK_EXCLUDED, &[("what", &what)]);
            let detail = (!x.reason.is_empty()).then(|| x.reason.clone());
            self.say_more(Level::Warn, text, detail);
        }
    }

    /// The hub's view changed: keep the views' selections and drafts sensible.
    fn after_change(&mut self) {
        self.chair_sync();
        self.notes_clamp();
        self.adviser_clamp();
    }

    fn acknowledged(&mut self, e: &Entry) {
        match &e.command {
            Command::SetPicks { proposals, .. } => {
                if &self.chair.draft == proposals {
                    self.chair.dirty = false;
                }
                self.say(Level::Info, self.word(terminal::PICKS_SUBMITTED));
            }
            Command::LockPicks { .. } => self.say(Level::Info, self.word(terminal::PICKS_LOCKED)),
            Command::AddNote { .. } => self.say(Level::Info, self.word(terminal::NOTE_SAVED)),
            Command::EditNote { .. } => self.say(Level::Info, self.word(terminal::NOTE_CHANGED)),
            Command::WithdrawNote { .. } => self.say(Level::Info, self.word(terminal::NOTE_WITHDRAWN)),
            Command::Annotate { proposal, feasibility, exclusion_rule, .. } => {
                let mut text = format!("{} {proposal}", self.word(terminal::ANNOTATION_SAVED));
                if let (Feasibility::Excluded, Some(r)) = (feasibility, exclusion_rule) {
                    text.push_str(self.word(ui::COLON));
                    text.push_str(&yuanzhuo_client::words::recommend_text(*r, self.lang()));
                }
                self.say(Level::Info, text)
            }
            _ => {}
        }
    }

    fn refused(&mut self, e: &Entry, err: &ErrorMsg) {
        let what = self.lang().command(&e.command);
        let why = self.lang().error(err);
        let text = self.lang().fill(terminal::NOT_ACCEPTED, &[("what", &what), ("why", &why)]);
        // Keep the words of a refused note or annotation where they can be read.
        let detail = match &e.command {
            Command::AddNote { text, .. } | Command::EditNote { text, .. } => Some(text.clone()),
            Command::Annotate { reason, remark, .. } => Some(format!("{reason}\n{remark}")),
            _ => None,
        };
        if matches!(e.command, Command::SetPicks { .. }) {
            self.chair.dirty = true;
        }
        self.say_more(Level::Error, text, detail);
    }

    // ------------------------------------------------------------ keys

    fn paste(&mut self, s: &str) -> Vec<Effect> {
        match (&mut self.screen, &mut self.modal) {
            (Screen::Prompt(form), _) => form.paste(s),
            (Screen::Main, Some(Modal::Note(f))) => {
                let dropped = f.editor.paste(s);
                if dropped > 0 {
                    let text = format!("{} {dropped}", self.word(terminal::PASTE_OVER_LIMIT));
                    self.say(Level::Warn, text);
                }
            }
            (Screen::Main, Some(Modal::Speaker(f))) => {
                f.name.paste(s);
            }
            (Screen::Main, Some(Modal::Annotate(f))) => f.paste(s),
            _ => {}
        }
        vec![]
    }

    fn key(&mut self, k: KeyEvent) -> Vec<Effect> {
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        if let Screen::Prompt(_) = self.screen {
            return self.prompt_key(k);
        }
        if ctrl && k.code == KeyCode::Char('c') {
            return self.ask_quit();
        }
        if let Some(m) = self.modal.take() {
            return self.modal_key(m, k);
        }
        // Keys every page shares.
        match k.code {
            KeyCode::Char('?') | KeyCode::F(1) => {
                self.modal = Some(Modal::Help);
                return vec![];
            }
            KeyCode::Char('q') => return self.ask_quit(),
            KeyCode::Char('m') => {
                self.modal = Some(Modal::Log);
                return vec![];
            }
            KeyCode::Esc if self.you.is_none() => {
                // Still connecting: go back and fix the address or the token.
                let msg = self.word(terminal::CONNECTION_CANCELLED).to_string();
                return self.back_to_prompt(msg, true);
            }
            KeyCode::Tab => {
                let n = self.tabs().len().max(1);
                self.tab = (self.tab + 1) % n;
                return vec![];
            }
            KeyCode::BackTab => {
                let n = self.tabs().len().max(1);
                self.tab = (self.tab + n - 1) % n;
                return vec![];
            }
            KeyCode::Char(c @ '1'..='9') => {
                let i = c as usize - '1' as usize;
                if i < self.tabs().len() {
                    self.tab = i;
                }
                return vec![];
            }
            _ => {}
        }
        match self.current_tab() {
            Some(Tab::Proposals) => self.proposals_key(k),
            Some(Tab::Queue) => self.queue_key(k),
            Some(Tab::Picks) => self.picks_key(k),
            Some(Tab::Notes) => self.notes_key(k),
            Some(Tab::Advice) => self.advice_key(k),
            None => vec![],
        }
    }

    fn ask_quit(&mut self) -> Vec<Effect> {
        let editing = matches!(&self.modal, Some(Modal::Note(f)) if !f.editor.is_blank())
            || matches!(&self.modal, Some(Modal::Annotate(_)));
        if self.outbox.is_empty() && !editing {
            self.quit = true;
            return vec![Effect::Quit];
        }
        self.modal = Some(Modal::Confirm(Confirm::Quit));
        vec![]
    }

    fn modal_key(&mut self, m: Modal, k: KeyEvent) -> Vec<Effect> {
        match m {
            Modal::Help | Modal::Log => {
                // Any of these closes; other keys keep it open.
                if !matches!(
                    k.code,
                    KeyCode::Esc
                        | KeyCode::Enter
                        | KeyCode::Char('?')
                        | KeyCode::Char('q')
                        | KeyCode::Char('m')
                        | KeyCode::F(1)
                ) {
                    self.modal = Some(m);
                }
                vec![]
            }
            Modal::Confirm(c) => match k.code {
                KeyCode::Char('y') | KeyCode::Char('Y') => self.confirmed(c),
                KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => vec![],
                _ => {
                    self.modal = Some(Modal::Confirm(c));
                    vec![]
                }
            },
            Modal::Speaker(f) => self.speaker_form_key(f, k),
            Modal::Note(f) => self.note_form_key(f, k),
            Modal::Annotate(f) => self.annotate_form_key(f, k),
        }
    }

    fn confirmed(&mut self, c: Confirm) -> Vec<Effect> {
        match c {
            Confirm::Quit => {
                self.quit = true;
                vec![Effect::Quit]
            }
            Confirm::LockPicks => self.lock_picks(),
            Confirm::Withdraw(note) => self.command(Command::WithdrawNote { note }),
        }
    }
}

fn token_given(t: &str) -> bool {
    !t.trim().is_empty()
}

/// Keep a selection inside a list of `len` items.
pub fn clamp(sel: usize, len: usize) -> usize {
    if len == 0 {
        0
    } else {
        sel.min(len - 1)
    }
}

/// Move a selection by one for Up/Down (and k/j), within `len` items.
pub fn step(sel: usize, len: usize, code: KeyCode) -> Option<usize> {
    match code {
        KeyCode::Up | KeyCode::Char('k') => Some(sel.saturating_sub(1)),
        KeyCode::Down | KeyCode::Char('j') => Some(clamp(sel + 1, len)),
        KeyCode::PageUp => Some(sel.saturating_sub(10)),
        KeyCode::PageDown => Some(clamp(sel + 10, len)),
        KeyCode::Home => Some(0),
        KeyCode::End => Some(len.saturating_sub(1)),
        _ => None,
    }
}
