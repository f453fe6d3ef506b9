//! What each role may see: snapshots filtered by role, and the audiences of
//! live updates. The only place that decides visibility.

use std::collections::BTreeMap;
use yuanzhuo_protocol::*;

use crate::event::{Actor, Event};
use crate::paper::without_marks;
use crate::state::State;

/// Who is looking: the actor behind a connection.
pub type Viewer = Actor;

/// Who receives a live update.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Audience {
    /// Every connection.
    All,
    /// Everyone but voters: turnout and the tally (when the rules show it).
    /// Voters' phones are the crowd; they get phases and results, not every count.
    Watchers,
    /// Voters only (what they see of a change, when it differs from what
    /// the watchers see: a table's picks without who speaks).
    Voters,
    /// Those who see a table's detail: its members, the organiser, scrutineers,
    /// and advisers who cover every table.
    Table(TableNo),
    /// The counting desk's shared view: organiser, scrutineers, counters.
    Paper,
    /// One keyed copy: the organiser, the scrutineers, and the counter whose
    /// copy it is (desk number) — never the other counter.
    Copy(DeskNo),
    /// The door register, entry by entry: registrars, the organiser, scrutineers.
    Register,
    /// One voter card, by number: its holder learns that it was cancelled
    /// or handed out at the door.
    Voter(u32),
    /// Only the counter at this desk (their own copy, whole, while a hidden
    /// tally keeps the marks from everyone else).
    Counter(DeskNo),
    /// The organiser and the scrutineers (copies without marks while the
    /// tally is hidden).
    Overseers,
}

impl Audience {
    pub fn includes(self, v: &Viewer) -> bool {
        match self {
            Audience::All => true,
            Audience::Watchers => v.role != Role::Voter,
            Audience::Voters => v.role == Role::Voter,
            Audience::Table(t) => sees_table(v, t),
            Audience::Paper => matches!(v.role, Role::Organiser | Role::Scrutineer | Role::Counter),
            Audience::Copy(d) => matches!(v.role, Role::Organiser | Role::Scrutineer) || v.desk() == Some(d),
            Audience::Register => matches!(v.role, Role::Organiser | Role::Scrutineer | Role::Registrar),
            Audience::Voter(n) => v.voter_serial().and_then(|s| crate::electorate::voter_number(s)) == Some(n),
            Audience::Counter(d) => v.role == Role::Counter && v.desk() == Some(d),
            Audience::Overseers => matches!(v.role, Role::Organiser | Role::Scrutineer),
        }
    }
}

/// The stream of live updates a connection follows: exactly the audiences
/// that include it, so that the hub never wakes a connection for an update
/// it would throw away (5,000 voters' phones do not hear every ballot).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Feed {
    /// Voters: what everyone sees (phase, timer, tables, results).
    Voters,
    /// Projectors and the public view: also turnout and the tally.
    Watchers,
    /// A table's chair, recorder and adviser: also their table's detail.
    Table(TableNo),
    /// Counters: also the counting desk (and, filtered by desk, their copies).
    Counting,
    /// Registrars: also the door register.
    Door,
    /// The organiser, scrutineers and all-table advisers: every update
    /// (a connection still drops what its role may not see).
    Everything,
}

impl Feed {
    pub fn of(v: &Viewer) -> Feed {
        match v.role {
            Role::Voter => Feed::Voters,
            Role::Organiser | Role::Scrutineer => Feed::Everything,
            Role::Adviser if v.all_tables => Feed::Everything,
            Role::Chair | Role::Recorder | Role::Adviser | Role::Screen => match v.table {
                Some(t) => Feed::Table(t),
                None => Feed::Watchers,
            },
            Role::Projector | Role::Public => Feed::Watchers,
            Role::Counter => Feed::Counting,
            Role::Registrar => Feed::Door,
        }
    }

    /// Every feed a meeting with `tables` tables needs.
    pub fn all(tables: usize) -> Vec<Feed> {
        let mut v = vec![Feed::Voters, Feed::Watchers, Feed::Counting, Feed::Door, Feed::Everything];
        v.extend((1..=tables as TableNo).map(Feed::Table));
        v
    }

    /// Whether updates for `a` go into this feed.
    pub fn carries(self, a: Audience) -> bool {
        match (self, a) {
            (_, Audience::All) | (Feed::Everything, _) => true,
            (Feed::Voters, Audience::Voter(_) | Audience::Voters) => true,
            (Feed::Voters, _) => false,
            (_, Audience::Watchers) => true,
            (Feed::Table(t), Audience::Table(u)) => t == u,
            (Feed::Counting, Audience::Paper | Audience::Copy(_) | Audience::Counter(_)) => true,
            (Feed::Door, Audience::Register) => true,
            _ => false,
        }
    }
}

fn sees_table(v: &Viewer, t: TableNo) -> bool {
    match v.role {
        Role::Organiser | Role::Scrutineer => true,
        Role::Adviser if v.all_tables => true,
        Role::Chair | Role::Recorder | Role::Adviser | Role::Screen => v.table == Some(t),
        _ => false,
    }
}

/// Which parts of the view one event changes, so that only those are sent:
/// each live update costs bytes in proportion to what changed, never to the
/// meeting's history (one keyed ballot, one annotation, one speaker).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changed {
    pub phase: bool,
    pub fingerprint: bool,
    pub timer: bool,
    pub pitch: bool,
    /// Every table's summary (the meeting defined).
    pub tables: bool,
    /// Every table's summary, for the screens that show the chairs'
    /// signals: a phase change clears them (voters' pages do not show them).
    pub signals: bool,
    /// Tables whose picks changed (everyone sees them).
    pub picks: Vec<TableNo>,
    /// Tables whose speaker or speaking balance changed (everyone but
    /// voters sees who speaks).
    pub speakers: Vec<TableNo>,
    /// Queue entries that changed, by table.
    pub queue: Vec<(TableNo, u64)>,
    /// Notes that changed, by table.
    pub notes: Vec<(TableNo, u64)>,
    /// Proposals whose annotation changed.
    pub annotations: Vec<ProposalId>,
    pub tally: bool,
    /// Proposals a ballot in this batch chose: with `tally` alone, only
    /// their counts are sent (`tally_change`).
    pub votes: Vec<ProposalId>,
    /// The tally changed otherwise (a batch or board agreed, the close):
    /// sent whole.
    pub tally_whole: bool,
    /// Turnout without the tally (cards issued or cancelled, the register).
    pub turnout: bool,
    pub electorate: bool,
    pub exclusions: bool,
    /// Proposals whose cost changed.
    pub proposals: Vec<ProposalId>,
    /// Door register entries that changed.
    pub register: Vec<u32>,
    /// Voter cards whose status changed (by number).
    pub cards: Vec<u32>,
    pub results: bool,
    /// The counting desk's whole shared view (the close reveals its marks).
    pub paper: bool,
    /// Batches and boards whose shared view changed.
    pub paper_units: Vec<PaperUnit>,
    /// Keyed copies sent whole (boards: a count per proposal).
    pub paper_copies: Vec<(PaperUnit, DeskNo)>,
    /// Keyed copies of batches that changed: (batch, counter desk, numbers
    /// keyed or taken out; none when only finished).
    pub copy_changes: Vec<(u32, DeskNo, Vec<String>)>,
    /// Empty batches the organiser discarded.
    pub discarded: Vec<u32>,
}

fn push<T: PartialEq>(v: &mut Vec<T>, x: T) {
    if !v.contains(&x) {
        v.push(x);
    }
}

impl Changed {
    pub fn add(&mut self, e: &Event) {
        match e {
            Event::MeetingDefined { .. } => {
                self.phase = true;
                self.tables = true;
            }
            Event::MeetingOpened { .. } => self.fingerprint = true,
            // Written with the meeting, before anyone connects; no screen shows it live.
            Event::PrescreeningRecorded { .. } => {}
            Event::PhaseChanged { to, .. } => {
                self.phase = true;
                // The results appear, and a hidden tally is revealed, when the
                // vote closes; publishing changes nothing but the phase.
                self.results |= *to == Phase::Counted;
                self.tally |= *to == Phase::Counted;
                self.tally_whole |= *to == Phase::Counted;
                // …and the desk's marks with it.
                self.paper |= *to == Phase::Counted;
                self.pitch |= *to == Phase::Pitches || *to == Phase::Voting;
                // Every chair's signal was about the phase that ended.
                self.signals = true;
            }
            Event::TimerStarted { .. }
            | Event::TimerPaused
            | Event::TimerResumed
            | Event::TimerExtended { .. }
            | Event::TimerCleared => self.timer = true,
            Event::PitchTableSet { .. } => self.pitch = true,
            Event::SpeakerStarted { table, entry } | Event::SpeakerStopped { table, entry } => {
                push(&mut self.speakers, *table);
                push(&mut self.queue, (*table, *entry));
            }
            // The table's balance counts the seats queued.
            Event::SpeakerQueued { table, entry, .. } | Event::SpeakerRemoved { table, entry } => {
                push(&mut self.speakers, *table);
                push(&mut self.queue, (*table, *entry));
            }
            Event::NoteAdded { table, note, .. }
            | Event::NoteEdited { table, note, .. }
            | Event::NoteWithdrawn { table, note } => push(&mut self.notes, (*table, *note)),
            Event::PicksSet { table, .. } | Event::PicksLocked { table } | Event::TableSignalled { table, .. } => {
                push(&mut self.picks, *table)
            }
            Event::Annotated { proposal, .. } => push(&mut self.annotations, proposal.clone()),
            Event::BallotCast { choices, .. } => {
                self.tally = true;
                for c in choices {
                    push(&mut self.votes, c.clone());
                }
            }
            Event::PaperKeyed { batch, counter, number, .. } | Event::PaperRemoved { batch, counter, number } => {
                push(&mut self.paper_units, PaperUnit::Batch(*batch));
                self.copy_change(*batch, *counter, Some(number));
            }
            Event::PaperFinished { batch, counter } => {
                push(&mut self.paper_units, PaperUnit::Batch(*batch));
                self.copy_change(*batch, *counter, None);
            }
            Event::BoardKeyed { board, counter, .. } => {
                push(&mut self.paper_units, PaperUnit::Board(*board));
                push(&mut self.paper_copies, (PaperUnit::Board(*board), *counter));
            }
            Event::PaperDisputed { batch, .. } | Event::SheetsDeclared { batch, .. } => {
                push(&mut self.paper_units, PaperUnit::Batch(*batch))
            }
            Event::BoardDisputed { board, .. } => push(&mut self.paper_units, PaperUnit::Board(*board)),
            Event::BatchDiscarded { batch } => push(&mut self.discarded, *batch),
            Event::PaperAgreed { batch, .. } => {
                push(&mut self.paper_units, PaperUnit::Batch(*batch));
                self.tally = true;
                self.tally_whole = true;
            }
            Event::BoardAgreed { board, .. } => {
                push(&mut self.paper_units, PaperUnit::Board(*board));
                self.tally = true;
                self.tally_whole = true;
            }
            Event::StaffCardsIssued { .. } | Event::CardClaimed { .. } | Event::ClaimReleased { .. } => {
                self.electorate = true
            }
            Event::VoterCardsIssued { .. } => {
                self.electorate = true;
                self.turnout = true;
            }
            Event::CardCancelled { serial, .. } => {
                self.electorate = true;
                self.turnout = true;
                self.card(serial);
            }
            Event::Registered { register, issue, .. } | Event::Reissued { register, issue, .. } => {
                self.turnout = true;
                if let Event::Reissued { cancelled: Issue::Card { serial }, .. } = e {
                    // A switch from a card cancels it.
                    self.electorate = true;
                    self.card(serial);
                }
                if let Issue::Card { serial } = issue {
                    self.card(serial);
                }
                push(&mut self.register, *register);
            }
            Event::ExclusionConfirmed { .. } | Event::ExclusionLifted { .. } => self.exclusions = true,
            Event::CostSet { proposal, .. } => push(&mut self.proposals, proposal.clone()),
        }
    }

    fn card(&mut self, serial: &str) {
        if let Some(n) = crate::electorate::voter_number(serial) {
            push(&mut self.cards, n);
        }
    }

    fn copy_change(&mut self, batch: u32, counter: DeskNo, number: Option<&String>) {
        let at = match self.copy_changes.iter().position(|(b, c, _)| *b == batch && *c == counter) {
            Some(i) => i,
            None => {
                self.copy_changes.push((batch, counter, vec![]));
                self.copy_changes.len() - 1
            }
        };
        if let Some(n) = number {
            push(&mut self.copy_changes[at].2, n.clone());
        }
    }

    /// Tables whose detail changed, in order.
    pub fn tables_with_detail(&self) -> Vec<TableNo> {
        let mut t: Vec<TableNo> = self.queue.iter().chain(&self.notes).map(|(t, _)| *t).collect();
        t.sort_unstable();
        t.dedup();
        t
    }
}

impl State {
    /// The full view for `v` at `now_ms`.
    pub fn snapshot(&self, v: &Viewer, now_ms: u64) -> Snapshot {
        let def = self.definition.as_ref().expect("a meeting is defined before anyone connects");
        let table_details =
            (1..=self.tables.len() as TableNo).filter(|t| sees_table(v, *t)).map(|t| self.table_detail(t)).collect();
        let my_ballot = v.voter_serial().and_then(|id| self.voted.get(id)).map(|i| {
            let b = &self.ballots[*i];
            MyBallot { receipt: b.receipt.clone(), choices: b.choices.clone() }
        });
        let my_card = v.voter_serial().and_then(|serial| self.my_card(serial));
        Snapshot {
            seq: self.seq,
            log_head: self.head.clone(),
            log_tag: String::new(),
            server_now_ms: now_ms,
            meeting: def.meeting.clone(),
            rules: def.rules.clone(),
            fingerprint: self.fingerprint.clone(),
            phase: self.phase,
            timer: self.timer.clone(),
            pitch: self.pitch.clone(),
            proposals: def.proposals.iter().map(|p| self.proposal_view(p)).collect(),
            tables: match v.role {
                // Voters' pages do not show who speaks; a speaker change is not sent them.
                Role::Voter => self
                    .table_summaries()
                    .into_iter()
                    .map(|t| TableSummary { speaking: None, signal: None, spoken: 0, seats: 0, ..t })
                    .collect(),
                _ => self.table_summaries(),
            },
            table_details,
            annotations: self.annotation_list(),
            turnout: if Audience::Watchers.includes(v) { self.turnout() } else { Turnout::default() },
            tally: if Audience::Watchers.includes(v) { self.visible_tally() } else { None },
            results: self.results.clone(),
            my_ballot,
            paper: Audience::Paper.includes(v).then(|| self.paper_view()),
            paper_copies: match v.role {
                Role::Organiser | Role::Scrutineer if self.tally_hidden() => {
                    self.desk.copies(None).into_iter().map(without_marks).collect()
                }
                Role::Organiser | Role::Scrutineer => self.desk.copies(None),
                Role::Counter => v.desk().map(|d| self.desk.copies(Some(d))).unwrap_or_default(),
                _ => vec![],
            },
            electorate: self.electorate.view(),
            exclusions: self.exclusion_list(),
            adopted_costs: self.adopted_costs(),
            my_card,
            register: (self.door() && Audience::Register.includes(v)).then(|| self.electorate.register_view()),
        }
    }

    /// Updates for the parts in `changed`, one per audience, in send order.
    pub fn updates(&self, changed: &Changed, now_ms: u64) -> Vec<(Audience, Update)> {
        let base = Update { seq: self.seq, log_head: self.head.clone(), server_now_ms: now_ms, ..Default::default() };
        let mut out = vec![];
        let mut all = base.clone();
        let mut any_all = false;
        if changed.phase {
            all.phase = Some(self.phase);
            any_all = true;
        }
        if changed.fingerprint {
            all.fingerprint = Some(self.fingerprint.clone());
            any_all = true;
        }
        if changed.timer {
            all.timer = Some(self.timer.clone());
            any_all = true;
        }
        if changed.pitch {
            all.pitch = Some(self.pitch.clone());
            any_all = true;
        }
        if changed.tables {
            all.tables = Some(self.table_summaries());
            any_all = true;
        }
        if changed.electorate {
            all.electorate = Some(self.electorate.view());
            any_all = true;
        }
        if changed.exclusions {
            all.exclusions = Some(self.exclusion_list());
            any_all = true;
        }
        if changed.signals && !changed.tables {
            out.push((Audience::Watchers, Update { tables: Some(self.table_summaries()), ..base.clone() }));
        }
        // One update per proposal whose cost changed (rare, before the vote).
        let mut costs = vec![];
        for id in &changed.proposals {
            if let Some(p) = self.proposal(id) {
                let mut u = base.clone();
                u.proposal = Some(self.proposal_view(p));
                u.adopted_costs = Some(self.adopted_costs());
                costs.push((Audience::All, u));
            }
        }
        if any_all {
            out.push((Audience::All, all));
        }
        // The results follow the phase as an update of their own at the same
        // position: the close reaches every phone as a few dozen bytes first,
        // and the results (which grow with the proposals) come after it.
        if changed.results && self.results.is_some() {
            out.push((Audience::All, Update { results: self.results.clone(), ..base.clone() }));
        }
        out.extend(costs);
        // One small update per table summary, annotation, table detail change.
        // Voters' pages do not show who speaks: a speaker change is not theirs.
        for t in &changed.picks {
            if let Some(summary) = self.table_summary(*t) {
                let voters = TableSummary { speaking: None, signal: None, spoken: 0, seats: 0, ..summary.clone() };
                out.push((Audience::Voters, Update { table: Some(voters), ..base.clone() }));
                out.push((Audience::Watchers, Update { table: Some(summary), ..base.clone() }));
            }
        }
        for t in changed.speakers.iter().filter(|t| !changed.picks.contains(t)) {
            if let Some(summary) = self.table_summary(*t) {
                let speaking = TableSpeaking {
                    table: *t,
                    speaking: summary.speaking,
                    spoken: summary.spoken,
                    seats: summary.seats,
                };
                out.push((Audience::Watchers, Update { speaking: Some(speaking), ..base.clone() }));
            }
        }
        for id in &changed.annotations {
            if let Some(a) = self.annotations.get(id) {
                out.push((Audience::All, Update { annotation: Some(a.clone()), ..base.clone() }));
            }
        }
        if changed.tally || changed.turnout {
            let mut w = base.clone();
            w.turnout = Some(self.turnout());
            if changed.tally {
                if changed.tally_whole {
                    w.tally = self.visible_tally();
                } else if self.rules().is_some() && !self.tally_hidden() {
                    // Ballots only: the counts they moved (a few, of hundreds).
                    let counts =
                        changed.votes.iter().filter_map(|id| Some((id.clone(), *self.tally.get(id)?))).collect();
                    w.tally_change = Some(Tally { counts, ballots: self.counted_ballots() });
                }
            }
            out.push((Audience::Watchers, w));
        }
        for n in &changed.cards {
            let serial = crate::electorate::voter_serial(*n);
            let mut u = base.clone();
            u.my_card = self.my_card(&serial);
            out.push((Audience::Voter(*n), u));
        }
        for n in &changed.register {
            let mut u = base.clone();
            u.register_entry = self.electorate.register_entry(*n);
            out.push((Audience::Register, u));
        }
        for t in changed.tables_with_detail() {
            if let Some(c) = self.table_change(t, changed) {
                out.push((Audience::Table(t), Update { table_change: Some(c), ..base.clone() }));
            }
        }
        let hidden = self.tally_hidden();
        if changed.paper {
            let mut u = base.clone();
            u.paper = Some(self.paper_view());
            out.push((Audience::Paper, u));
        } else if !changed.paper_units.is_empty() {
            let mut totals = self.desk.totals();
            totals.marks_hidden = hidden;
            for unit in &changed.paper_units {
                let mut u = Update { paper_totals: Some(totals.clone()), ..base.clone() };
                match *unit {
                    PaperUnit::Batch(n) => {
                        u.paper_batch = self.desk.batch_view(n).map(|mut b| {
                            if hidden {
                                crate::paper::batch_without_marks(&mut b);
                            }
                            b
                        })
                    }
                    PaperUnit::Board(n) => {
                        u.paper_board = self.desk.board_view(n).map(|mut b| {
                            if hidden {
                                b.counts.clear();
                            }
                            b
                        })
                    }
                }
                out.push((Audience::Paper, u));
            }
        }
        for n in &changed.discarded {
            out.push((Audience::Paper, Update { batch_discarded: Some(*n), ..base.clone() }));
        }
        for (batch, counter, numbers) in &changed.copy_changes {
            let desk = *counter;
            let Some(copy) = self.desk.batches.get(batch).and_then(|b| b.copies.get(counter)) else {
                continue;
            };
            let mut c = CopyChange {
                unit: PaperUnit::Batch(*batch),
                counter: desk,
                finished: copy.finished,
                keyed: vec![],
                removed: vec![],
            };
            for n in numbers {
                match copy.ballots.get(n) {
                    Some(marks) => c.keyed.push(KeyedBallot { number: n.clone(), marks: marks.clone() }),
                    None => c.removed.push(n.clone()),
                }
            }
            if hidden {
                let mut others = c.clone();
                others.keyed.iter_mut().for_each(|b| b.marks.clear());
                out.push((Audience::Counter(desk), Update { copy_change: Some(c), ..base.clone() }));
                out.push((Audience::Overseers, Update { copy_change: Some(others), ..base.clone() }));
            } else {
                out.push((Audience::Copy(desk), Update { copy_change: Some(c), ..base.clone() }));
            }
        }
        for (unit, counter) in &changed.paper_copies {
            let desk = *counter;
            if let Some(copy) = self.desk.copy(*unit, desk) {
                let mut u = base.clone();
                if hidden {
                    let mut others = base.clone();
                    others.paper_copy = Some(without_marks(copy.clone()));
                    u.paper_copy = Some(copy);
                    out.push((Audience::Counter(desk), u));
                    out.push((Audience::Overseers, others));
                } else {
                    u.paper_copy = Some(copy);
                    out.push((Audience::Copy(desk), u));
                }
            }
        }
        // A hidden tally revealed at the close: the copies, now whole.
        if changed.results && !hidden && self.rules().is_some_and(|r| r.tally == TallyVisibility::HiddenUntilClose) {
            for copy in self.desk.copies(None) {
                let mut u = base.clone();
                u.paper_copy = Some(copy);
                out.push((Audience::Overseers, u));
            }
        }
        out
    }

    /// The count's numbers, the same on every screen: ballots received
    /// (phone, and agreed paper batches with their void ballots), valid and
    /// void by reason, stickers, cards issued and cancelled, the register.
    pub fn turnout(&self) -> Turnout {
        let mut paper = 0;
        let mut void_reasons = BTreeMap::new();
        for b in self.desk.agreed_ballots() {
            paper += 1;
            if let Some(r) = &b.void {
                *void_reasons.entry(*r).or_insert(0) += 1;
            }
        }
        let void: u64 = void_reasons.values().sum();
        let phone = self.ballots.len() as u64;
        Turnout {
            ballots: phone + paper,
            paper,
            void,
            phone,
            valid: phone + paper - void,
            void_reasons,
            stickers: self.desk.stickers(),
            cards_issued: self.electorate.cards.len() as u64,
            cards_cancelled: self.electorate.cancelled(),
            register: self.door().then(|| self.electorate.register_counts()),
        }
    }

    /// A voter card's status as its holder sees it.
    pub fn my_card(&self, serial: &str) -> Option<MyCard> {
        let card = self.electorate.cards.get(serial)?;
        Some(MyCard {
            serial: serial.to_string(),
            status: self.electorate.card_status(serial, self.door())?,
            reason: card.cancelled.clone(),
        })
    }

    pub fn exclusion_list(&self) -> Vec<Exclusion> {
        self.exclusions.values().cloned().collect()
    }

    /// Ballots that count: phone and valid paper.
    pub fn counted_ballots(&self) -> u64 {
        self.ballots.len() as u64 + self.desk.valid_ballots().count() as u64
    }

    /// Whether the rules hide every per-proposal count from everyone now
    /// (`tally = "hidden_until_close"` and the vote not yet closed): the
    /// tally, the desk's marks and sticker counts, and the exports.
    pub fn tally_hidden(&self) -> bool {
        self.rules().is_some_and(|r| r.tally == TallyVisibility::HiddenUntilClose) && self.phase < Phase::Counted
    }

    /// The tally, unless the rules hide it until the vote has closed.
    pub fn visible_tally(&self) -> Option<Tally> {
        self.rules()?;
        (!self.tally_hidden()).then(|| Tally { counts: self.tally.clone(), ballots: self.counted_ballots() })
    }

    /// The counting desk's shared view, without marks while the tally is hidden.
    pub fn paper_view(&self) -> PaperView {
        if self.tally_hidden() {
            self.desk.view_without_marks()
        } else {
            self.desk.view()
        }
    }

    pub fn table_summaries(&self) -> Vec<TableSummary> {
        (1..=self.tables.len() as TableNo).filter_map(|t| self.table_summary(t)).collect()
    }

    pub fn table_summary(&self, table: TableNo) -> Option<TableSummary> {
        let i = (table as usize).checked_sub(1)?;
        let t = self.tables.get(i)?;
        // Seats that have spoken or speak now, of those that queued.
        let mut spoken: Vec<&str> = t.balance.iter().map(|b| b.name.as_str()).collect();
        let mut seats = spoken.clone();
        for e in t.queue.iter().filter(|e| e.state != TurnState::Removed) {
            if e.state == TurnState::Speaking {
                push(&mut spoken, e.name.as_str());
            }
            push(&mut seats, e.name.as_str());
        }
        Some(TableSummary {
            table,
            name: t.name.clone(),
            share: t.share.clone(),
            picks: t.picks.clone(),
            picks_locked: t.picks_locked,
            speaking: t.queue.iter().find(|e| e.state == TurnState::Speaking).map(|e| e.name.clone()),
            signal: t.signal,
            spoken: spoken.len() as u32,
            seats: seats.len() as u32,
        })
    }

    /// What `changed` changed in a table's detail: its changed queue
    /// entries (removed ones too, so that clients drop them), the balance
    /// rows of their speakers, its changed notes.
    pub fn table_change(&self, table: TableNo, changed: &Changed) -> Option<TableChange> {
        let t = self.tables.get((table as usize).checked_sub(1)?)?;
        let mut c = TableChange { table, queue: vec![], balance: vec![], notes: vec![] };
        for (_, entry) in changed.queue.iter().filter(|(x, _)| *x == table) {
            if let Some(e) = t.queue.iter().find(|e| e.entry == *entry) {
                if let Some(b) = t.balance.iter().find(|b| b.name == e.name) {
                    if !c.balance.contains(b) {
                        c.balance.push(b.clone());
                    }
                }
                c.queue.push(e.clone());
            }
        }
        for (_, note) in changed.notes.iter().filter(|(x, _)| *x == table) {
            if let Some(n) = (*note as usize).checked_sub(1).and_then(|i| self.notes.get(i)) {
                c.notes.push(n.clone());
            }
        }
        Some(c)
    }

    pub fn table_detail(&self, table: TableNo) -> TableDetail {
        let t = &self.tables[table as usize - 1];
        TableDetail {
            table,
            queue: t.queue.iter().filter(|e| e.state != TurnState::Removed).cloned().collect(),
            balance: t.balance.clone(),
            notes: t.notes.iter().map(|n| self.notes[*n as usize - 1].clone()).collect(),
        }
    }

    pub fn annotation_list(&self) -> Vec<Annotation> {
        self.annotations.values().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn viewers() -> Vec<Viewer> {
        let mut v = vec![
            Actor::organiser(),
            Actor::voter("V0001"),
            Actor::read_only(Role::Scrutineer),
            Actor::read_only(Role::Projector),
            Actor::read_only(Role::Public),
            Actor { all_tables: true, ..Actor::read_only(Role::Adviser) },
            Actor::counter(1),
            Actor::counter(2),
        ];
        for t in 1..=4 {
            for r in [Role::Chair, Role::Recorder, Role::Adviser] {
                v.push(Actor::at_table(r, t));
            }
        }
        v
    }

    #[test]
    fn a_feed_carries_all_its_viewers_may_see_and_the_crowd_nothing_more() {
        let audiences = [
            Audience::All,
            Audience::Watchers,
            Audience::Voters,
            Audience::Table(1),
            Audience::Table(2),
            Audience::Table(4),
            Audience::Paper,
            Audience::Copy(1),
            Audience::Copy(2),
            Audience::Counter(1),
            Audience::Counter(2),
            Audience::Overseers,
        ];
        for v in viewers() {
            let f = Feed::of(&v);
            assert!(Feed::all(4).contains(&f), "{f:?} is a feed of the meeting");
            for a in audiences {
                if a.includes(&v) {
                    assert!(f.carries(a), "{} on {f:?} misses {a:?}", v.key());
                }
                // Voters, projectors and table members are the many: their
                // feeds carry nothing they would throw away.
                if matches!(f, Feed::Voters | Feed::Watchers | Feed::Table(_)) {
                    assert_eq!(f.carries(a), a.includes(&v), "{} on {f:?} for {a:?}", v.key());
                }
            }
        }
    }
}
