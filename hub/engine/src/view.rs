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
    /// Those who see a table's detail: its members, the organiser, observers,
    /// and advisers who cover every table.
    Table(TableNo),
    /// The counting desk's shared view: organiser, observers, counters.
    Paper,
    /// One keyed copy: the organiser, the observers, and the counter whose
    /// copy it is (desk number) — never the other counter.
    Copy(u16),
    /// The door register, entry by entry: registrars, the organiser, observers.
    Register,
    /// One voter card, by number: its holder learns that it was cancelled
    /// or handed out at the door.
    Voter(u32),
    /// Only the counter at this desk (their own copy, whole, while a hidden
    /// tally keeps the marks from everyone else).
    Counter(u16),
    /// The organiser and the observers (copies without marks while the
    /// tally is hidden).
    Overseers,
}

impl Audience {
    pub fn includes(self, v: &Viewer) -> bool {
        match self {
            Audience::All => true,
            Audience::Watchers => v.role != Role::Voter,
            Audience::Table(t) => sees_table(v, t),
            Audience::Paper => matches!(v.role, Role::Organiser | Role::Observer | Role::Counter),
            Audience::Copy(d) => matches!(v.role, Role::Organiser | Role::Observer) || desk_no(v) == Some(d),
            Audience::Register => matches!(v.role, Role::Organiser | Role::Observer | Role::Registrar),
            Audience::Voter(n) => v.voter_serial().and_then(|s| crate::electorate::voter_number(s)) == Some(n),
            Audience::Counter(d) => v.role == Role::Counter && desk_no(v) == Some(d),
            Audience::Overseers => matches!(v.role, Role::Organiser | Role::Observer),
        }
    }
}

/// A counter's desk as a number ("2" → 2).
fn desk_no(v: &Viewer) -> Option<u16> {
    v.desk().and_then(|d| d.parse().ok())
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
    /// The organiser, observers and all-table advisers: every update
    /// (a connection still drops what its role may not see).
    Everything,
}

impl Feed {
    pub fn of(v: &Viewer) -> Feed {
        match v.role {
            Role::Voter => Feed::Voters,
            Role::Organiser | Role::Observer => Feed::Everything,
            Role::Adviser if v.all_tables => Feed::Everything,
            Role::Chair | Role::Recorder | Role::Adviser => match v.table {
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
            (Feed::Voters, Audience::Voter(_)) => true,
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
        Role::Organiser | Role::Observer => true,
        Role::Adviser if v.all_tables => true,
        Role::Chair | Role::Recorder | Role::Adviser => v.table == Some(t),
        _ => false,
    }
}

/// Which parts of the view one event changes, so that only those are sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changed {
    pub phase: bool,
    pub fingerprint: bool,
    pub timer: bool,
    pub pitch: bool,
    pub tables: bool,
    pub annotations: bool,
    pub tally: bool,
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
    /// Bit n-1 set: table n's detail changed (tables beyond 128 always resend).
    pub table_details: u128,
    pub many_tables: bool,
    /// The counting desk's shared view.
    pub paper: bool,
    /// Keyed copies that changed: (batch or board, counter desk).
    pub paper_copies: Vec<(PaperUnit, String)>,
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
                // …and the desk's marks with it.
                self.paper |= *to == Phase::Counted;
                self.pitch |= *to == Phase::Pitches || *to == Phase::Voting;
            }
            Event::TimerStarted { .. }
            | Event::TimerPaused
            | Event::TimerResumed
            | Event::TimerExtended { .. }
            | Event::TimerCleared => self.timer = true,
            Event::PitchTableSet { .. } => self.pitch = true,
            Event::SpeakerStarted { table, .. } | Event::SpeakerStopped { table, .. } => {
                self.tables = true;
                self.detail(*table);
            }
            Event::SpeakerQueued { table, .. }
            | Event::SpeakerRemoved { table, .. }
            | Event::NoteAdded { table, .. }
            | Event::NoteEdited { table, .. }
            | Event::NoteWithdrawn { table, .. } => self.detail(*table),
            Event::PicksSet { .. } | Event::PicksLocked { .. } | Event::TableSignalled { .. } => self.tables = true,
            Event::Annotated { .. } => self.annotations = true,
            Event::BallotCast { .. } => self.tally = true,
            Event::PaperKeyed { batch, counter, .. }
            | Event::PaperRemoved { batch, counter, .. }
            | Event::PaperFinished { batch, counter } => {
                self.paper = true;
                self.copy(PaperUnit::Batch(*batch), counter);
            }
            Event::BoardKeyed { board, counter, .. } => {
                self.paper = true;
                self.copy(PaperUnit::Board(*board), counter);
            }
            Event::PaperDisputed { .. } | Event::BoardDisputed { .. } | Event::SheetsDeclared { .. } => {
                self.paper = true
            }
            Event::PaperAgreed { .. } | Event::BoardAgreed { .. } => {
                self.paper = true;
                self.tally = true;
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
                if !self.register.contains(register) {
                    self.register.push(*register);
                }
            }
            Event::ExclusionConfirmed { .. } | Event::ExclusionLifted { .. } => self.exclusions = true,
            Event::CostSet { proposal, .. } => {
                if !self.proposals.contains(proposal) {
                    self.proposals.push(proposal.clone());
                }
            }
        }
    }

    fn card(&mut self, serial: &str) {
        if let Some(n) = crate::electorate::voter_number(serial) {
            if !self.cards.contains(&n) {
                self.cards.push(n);
            }
        }
    }

    fn copy(&mut self, unit: PaperUnit, counter: &str) {
        if !self.paper_copies.iter().any(|(u, c)| *u == unit && c == counter) {
            self.paper_copies.push((unit, counter.to_string()));
        }
    }

    fn detail(&mut self, t: TableNo) {
        if (1..=128).contains(&t) {
            self.table_details |= 1u128 << (t - 1);
        } else {
            self.many_tables = true;
        }
    }

    pub fn tables_with_detail(&self, n_tables: usize) -> Vec<TableNo> {
        (1..=n_tables as TableNo)
            .filter(|t| self.many_tables && *t > 128 || (*t <= 128 && self.table_details & (1u128 << (t - 1)) != 0))
            .collect()
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
            tables: self.table_summaries(),
            table_details,
            annotations: self.annotation_list(),
            turnout: if Audience::Watchers.includes(v) { self.turnout() } else { Turnout::default() },
            tally: if Audience::Watchers.includes(v) { self.visible_tally() } else { None },
            results: self.results.clone(),
            my_ballot,
            paper: Audience::Paper.includes(v).then(|| self.paper_view()),
            paper_copies: match v.role {
                Role::Organiser | Role::Observer if self.tally_hidden() => {
                    self.desk.copies(None).into_iter().map(without_marks).collect()
                }
                Role::Organiser | Role::Observer => self.desk.copies(None),
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
        if changed.annotations {
            all.annotations = Some(self.annotation_list());
            any_all = true;
        }
        if changed.results && self.results.is_some() {
            all.results = self.results.clone();
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
        out.extend(costs);
        if changed.tally || changed.turnout {
            let mut w = base.clone();
            w.turnout = Some(self.turnout());
            if changed.tally {
                w.tally = self.visible_tally();
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
        for t in changed.tables_with_detail(self.tables.len()) {
            let mut u = base.clone();
            u.table_detail = Some(self.table_detail(t));
            out.push((Audience::Table(t), u));
        }
        if changed.paper {
            let mut u = base.clone();
            u.paper = Some(self.paper_view());
            out.push((Audience::Paper, u));
        }
        let hidden = self.tally_hidden();
        for (unit, counter) in &changed.paper_copies {
            if let (Some(copy), Ok(desk)) = (self.desk.copy(*unit, counter), counter.parse::<u16>()) {
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
                *void_reasons.entry(r.clone()).or_insert(0) += 1;
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
        self.tables
            .iter()
            .enumerate()
            .map(|(i, t)| TableSummary {
                table: i as TableNo + 1,
                name: t.name.clone(),
                share: t.share.clone(),
                picks: t.picks.clone(),
                picks_locked: t.picks_locked,
                speaking: t.queue.iter().find(|e| e.state == TurnState::Speaking).map(|e| e.name.clone()),
                signal: t.signal,
            })
            .collect()
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
            Actor::read_only(Role::Observer),
            Actor::read_only(Role::Projector),
            Actor::read_only(Role::Public),
            Actor { role: Role::Adviser, table: None, all_tables: true, serial: None },
            Actor::counter("1"),
            Actor::counter("2"),
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
