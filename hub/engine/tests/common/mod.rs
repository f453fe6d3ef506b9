//! Shared helpers for the engine's integration tests: small definitions, a
//! meeting driver that records events the way the hub's log does (hash
//! chain from `GENESIS_PREV`), actors, command builders, a deterministic
//! RNG and an independent checker of count results.
#![allow(dead_code)]

pub mod reference;

use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use yuanzhuo_engine::protocol::*;
use yuanzhuo_engine::{
    card_commitment, chain_hash, Actor, Checker, Ctx, Entry, Event, Recorded, Rejection, StaffCard, State, GENESIS_PREV,
};

/// The clock at the start of every test meeting (ms since the epoch).
pub const T0: u64 = 1_790_000_000_000;

// ------------------------------------------------------------ definitions

#[derive(Debug, Clone)]
pub struct Opts {
    pub tables: usize,
    pub proposals: usize,
    pub picks_per_table: u32,
    pub max_choices: u32,
    pub discussion_minutes: u32,
    pub pitch_minutes: u32,
    pub budget: u64,
    pub allocation: Allocation,
    pub tie_break: TieBreak,
    pub tally: TallyVisibility,
    pub assignment: Assignment,
    pub board: BoardDisclosure,
    pub registration: Registration,
}

impl Default for Opts {
    /// 3 tables, 12 proposals (shares P01-P04, P05-P08, P09-P12), 3 picks per
    /// table, at most 4 choices, a budget of 100,000.
    fn default() -> Self {
        Opts {
            tables: 3,
            proposals: 12,
            picks_per_table: 3,
            max_choices: 4,
            discussion_minutes: 40,
            pitch_minutes: 3,
            budget: 100_000,
            allocation: Allocation::GreedySkip,
            tie_break: TieBreak::LowerCost,
            tally: TallyVisibility::Live,
            assignment: Assignment::SplitEvenly,
            board: BoardDisclosure::Choices,
            registration: Registration::None,
        }
    }
}

/// Proposal id of the `i`-th proposal (1-based): "P01", "P02"…
pub fn pid(i: usize) -> String {
    format!("P{i:02}")
}

/// Default cost of the `i`-th proposal: 10,000 … 50,000.
pub fn default_cost(i: usize) -> u64 {
    10_000 * (1 + (i as u64 * 7) % 5)
}

pub fn definition(o: &Opts) -> Definition {
    let costs: Vec<u64> = (1..=o.proposals).map(default_cost).collect();
    definition_with_costs(o, &costs)
}

pub fn definition_with_costs(o: &Opts, costs: &[u64]) -> Definition {
    Definition {
        meeting: MeetingInfo {
            name: "西湖社区项目筛选大会".into(),
            venue: "社区活动中心".into(),
            date: "2018-06-01".into(),
            language: "zh".into(),
            ..Default::default()
        },
        rules: Rules {
            tables: (1..=o.tables).map(|t| format!("第{t}桌")).collect(),
            picks_per_table: o.picks_per_table,
            max_choices: o.max_choices,
            discussion_minutes: o.discussion_minutes,
            pitch_minutes: o.pitch_minutes,
            budget: Budget { amount: o.budget, currency: "CNY".into() },
            allocation: o.allocation,
            tie_break: o.tie_break,
            tally: o.tally,
            assignment: o.assignment,
            board: o.board,
            registration: o.registration,
        },
        proposals: costs
            .iter()
            .enumerate()
            .map(|(i, c)| Proposal {
                id: pid(i + 1),
                title: format!("项目{}", i + 1),
                description: String::new(),
                location: String::new(),
                category: String::new(),
                proposer: String::new(),
                cost: *c,
                level: Level::Community,
            })
            .collect(),
        prescreening: String::new(),
    }
}

// ------------------------------------------------------------ actors

pub fn organiser() -> Actor {
    Actor::organiser()
}
pub fn chair(t: TableNo) -> Actor {
    Actor::at_table(Role::Chair, t)
}
pub fn recorder(t: TableNo) -> Actor {
    Actor::at_table(Role::Recorder, t)
}
pub fn adviser(t: TableNo) -> Actor {
    Actor::at_table(Role::Adviser, t)
}
pub fn adviser_all() -> Actor {
    Actor { all_tables: true, ..Actor::read_only(Role::Adviser) }
}
/// Voter `n` with the public serial "V0001"…
pub fn voter(n: u32) -> Actor {
    Actor::voter(format!("V{n:04}"))
}
/// Scrutineer A (their card claimed when the meeting was created).
pub fn scrutineer() -> Actor {
    Actor::scrutineer(1)
}
/// Scrutineer B.
pub fn scrutineer_b() -> Actor {
    Actor::scrutineer(2)
}
/// Registrar `n` at the door.
pub fn registrar(n: u16) -> Actor {
    Actor::registrar(n)
}
/// The counter at desk `n`.
pub fn counter(n: u16) -> Actor {
    Actor::counter(n)
}
pub fn projector() -> Actor {
    Actor::read_only(Role::Projector)
}
pub fn public() -> Actor {
    Actor::read_only(Role::Public)
}

// ------------------------------------------------------------ commands

pub fn ids(xs: &[&str]) -> Vec<ProposalId> {
    xs.iter().map(|s| s.to_string()).collect()
}
pub fn picks(table: TableNo, xs: &[&str]) -> Command {
    Command::SetPicks { table, proposals: ids(xs) }
}
pub fn lock(table: TableNo) -> Command {
    Command::LockPicks { table }
}
pub fn ballot(xs: &[&str]) -> Command {
    Command::CastBallot { choices: ids(xs) }
}
pub fn ballot_ids(xs: Vec<ProposalId>) -> Command {
    Command::CastBallot { choices: xs }
}
pub fn advance(to: Phase) -> Command {
    Command::AdvancePhase { to }
}
pub fn queue(table: TableNo, name: &str) -> Command {
    Command::QueueSpeaker { table, name: name.into(), turn: TurnKind::For }
}
pub fn start_next(table: TableNo) -> Command {
    Command::StartSpeaker { table, entry: None }
}
pub fn stop(table: TableNo) -> Command {
    Command::StopSpeaker { table }
}
pub fn note(table: TableNo, text: &str) -> Command {
    Command::AddNote { table, proposal: None, tag: NoteTag::Support, text: text.into() }
}
pub fn edit(note: u64, text: &str) -> Command {
    Command::EditNote { note, tag: NoteTag::Concern, text: text.into() }
}
pub fn key_paper(batch: u32, number: &str, marks: &[&str]) -> Command {
    Command::KeyPaper { batch, number: number.into(), marks: ids(marks) }
}
pub fn finish_paper(batch: u32) -> Command {
    Command::FinishPaper { batch }
}
pub fn sheets(batch: u32, sheets: u32) -> Command {
    Command::DeclareSheets { batch, sheets }
}
pub fn key_board(board: u32, counts: &[(&str, u64)]) -> Command {
    Command::KeyBoard { board, counts: counts.iter().map(|(k, n)| (k.to_string(), *n)).collect() }
}

/// What `count` is given, from a tally and the ballots that count.
pub fn count_input(tally: &BTreeMap<ProposalId, u64>, ballots: Vec<Vec<ProposalId>>) -> yuanzhuo_engine::CountInput {
    yuanzhuo_engine::CountInput { tally: tally.clone(), ballots, ..Default::default() }
}

pub fn annotate(proposal: &str, feasibility: Feasibility, rule: Option<u8>) -> Command {
    Command::Annotate {
        proposal: proposal.into(),
        feasibility,
        exclusion_rule: rule,
        reason: String::new(),
        cost_estimate: None,
        remark: String::new(),
    }
}

// ------------------------------------------------------------ the meeting driver

/// A meeting as the hub runs it: decide, then record each event in a hash
/// chain and evolve the state with it.
#[derive(Debug, Clone)]
pub struct Meeting {
    pub state: State,
    pub log: Vec<Recorded>,
    /// Beside each log entry: who wrote it, with which command id, and the
    /// hash before it (what the hub's log body and row hold).
    pub written: Vec<(String, Option<String>, String)>,
    pub now: u64,
    /// The actor and command id the next recorded events belong to.
    writer: (String, Option<String>),
    commands: u64,
}

/// Voter cards issued with every test meeting (V0001…).
pub const TEST_VOTERS: u32 = 500;

/// The code of a test card: derived from its serial.
pub fn test_code(serial: &str) -> String {
    format!("CODE-{serial}")
}

/// The staff cards of a test meeting: the organiser, four counters, two
/// scrutineers and two registrars.
pub fn test_staff(meeting: &str) -> Vec<StaffCard> {
    let mut cards = vec![("organiser".to_string(), Role::Organiser)];
    cards.extend((1..=4).map(|i| (format!("counter-{i}"), Role::Counter)));
    cards.extend((1..=2).map(|i| (format!("scrutineer-{i}"), Role::Scrutineer)));
    cards.extend((1..=2).map(|i| (format!("registrar-{i}"), Role::Registrar)));
    cards
        .into_iter()
        .map(|(serial, role)| StaffCard {
            commitment: card_commitment(meeting, &serial, &test_code(&serial)),
            serial,
            role,
            table: None,
            all_tables: false,
        })
        .collect()
}

/// The body that is hashed: a deterministic serialisation of (seq, at_ms, event).
pub fn body(seq: u64, at_ms: u64, event: &Event) -> String {
    format!("{seq}|{at_ms}|{}", serde_json::to_string(event).expect("events serialise"))
}

impl Meeting {
    /// A meeting with its staff cards, `TEST_VOTERS` voter cards, and the
    /// counters' and scrutineers' cards claimed (each on its own device).
    pub fn new(def: Definition) -> Self {
        Meeting::with_voters(def, TEST_VOTERS)
    }

    /// As `new`, with `voters` voter cards.
    pub fn with_voters(def: Definition, voters: u32) -> Self {
        let mut m = Meeting::bare(def);
        m.issue_voters(voters, "").expect("voter cards");
        for serial in ["counter-1", "counter-2", "counter-3", "counter-4", "scrutineer-1", "scrutineer-2"] {
            m.claim(serial, &format!("device-{serial}"), "192.168.1.50");
        }
        m
    }

    /// A meeting with its staff cards only: no voter card, nothing claimed.
    pub fn bare(def: Definition) -> Self {
        let mut m = Meeting {
            state: State::default(),
            log: vec![],
            written: vec![],
            now: T0,
            writer: ("hub".into(), None),
            commands: 0,
        };
        m.record(Event::MeetingDefined { definition: def });
        let staff = test_staff(&m.state.electorate.meeting);
        let events = m.state.issue_staff_cards(staff).expect("staff cards");
        for ev in events {
            m.record(ev);
        }
        m
    }

    /// Issue `n` voter cards (as the organiser), with `reason`.
    #[track_caller]
    pub fn issue_voters(&mut self, n: u32, reason: &str) -> Result<Vec<Recorded>, Rejection> {
        let first = self.state.electorate.last_voter + 1;
        let meeting = self.state.electorate.meeting.clone();
        let commitments = (first..first + n)
            .map(|i| {
                let serial = format!("V{i:04}");
                card_commitment(&meeting, &serial, &test_code(&serial))
            })
            .collect();
        let events = self.state.issue_voter_cards(&organiser(), commitments, reason)?;
        self.begin(&organiser());
        Ok(events.into_iter().map(|e| self.record(e)).collect())
    }

    /// Claim desk card `serial` on `device` from `address`.
    pub fn try_claim(&mut self, serial: &str, device: &str, address: &str) -> Result<Vec<Recorded>, Rejection> {
        let events = self.state.claim(serial, device, address, vec![])?;
        let (role, n) = serial.rsplit_once('-').expect("desk serial");
        self.writer = (format!("{role}:{n}"), Some(format!("claim-{}", self.log.len())));
        Ok(events.into_iter().map(|e| self.record(e)).collect())
    }

    #[track_caller]
    pub fn claim(&mut self, serial: &str, device: &str, address: &str) -> Vec<Recorded> {
        match self.try_claim(serial, device, address) {
            Ok(r) => r,
            Err(e) => panic!("claim of {serial} refused: {e}"),
        }
    }

    /// The next events are one command of `actor`'s.
    pub fn begin(&mut self, actor: &Actor) {
        self.commands += 1;
        self.writer = (actor.key(), Some(format!("c{}", self.commands)));
    }

    /// Check the whole log with the engine's checker (every entry what the
    /// rules give) and that replaying it gives the live state.
    #[track_caller]
    pub fn check_log(&self) -> Result<State, yuanzhuo_engine::Violation> {
        let mut c = Checker::new();
        for (rec, (actor, id, prev)) in self.log.iter().zip(&self.written) {
            c.push(Entry { record: rec, actor, command_id: id.as_deref(), prev })?;
        }
        c.finish()
    }

    pub fn with(o: &Opts) -> Self {
        Meeting::new(definition(o))
    }

    pub fn def(&self) -> &Definition {
        self.state.definition.as_ref().expect("defined")
    }

    pub fn rules(&self) -> &Rules {
        &self.def().rules
    }

    /// Hash of the last entry (the `prev` of the next one).
    pub fn head(&self) -> String {
        self.log.last().map(|r| r.hash.clone()).unwrap_or_else(|| GENESIS_PREV.to_string())
    }

    pub fn ctx(&self) -> Ctx {
        Ctx { now_ms: self.now, head: self.head() }
    }

    pub fn tick(&mut self, ms: u64) {
        self.now += ms;
    }

    /// Set the clock to `T0 + ms`.
    pub fn at(&mut self, ms: u64) {
        assert!(T0 + ms >= self.now, "the clock only moves forward");
        self.now = T0 + ms;
    }

    /// Append one event to the chain at the current time and apply it.
    pub fn record(&mut self, event: Event) -> Recorded {
        let seq = self.log.len() as u64 + 1;
        let prev = self.head();
        let hash = chain_hash(&prev, &body(seq, self.now, &event));
        let rec = Recorded { seq, at_ms: self.now, hash, event };
        self.state.evolve(&rec);
        self.log.push(rec.clone());
        self.written.push((self.writer.0.clone(), self.writer.1.clone(), prev));
        rec
    }

    /// Decide and, if accepted, record. A rejection must leave the state as it was.
    pub fn exec(&mut self, actor: &Actor, cmd: &Command) -> Result<Vec<Recorded>, Rejection> {
        let before = self.state.clone();
        match self.state.decide(actor, cmd, &self.ctx()) {
            Err(r) => {
                assert_eq!(self.state, before, "a rejected command changed the state");
                Err(r)
            }
            Ok(events) => {
                self.begin(actor);
                Ok(events.into_iter().map(|e| self.record(e)).collect())
            }
        }
    }

    #[track_caller]
    pub fn ok(&mut self, actor: &Actor, cmd: &Command) -> Vec<Recorded> {
        match self.exec(actor, cmd) {
            Ok(r) => r,
            Err(e) => panic!("{} by {} refused: {e}", cmd.name(), actor.key()),
        }
    }

    #[track_caller]
    pub fn rejects(&mut self, actor: &Actor, cmd: &Command) -> Rejection {
        match self.exec(actor, cmd) {
            Ok(r) => panic!("{} by {} accepted: {:?}", cmd.name(), actor.key(), events(&r)),
            Err(e) => e,
        }
    }

    /// Assert a rejection with this code and detail.
    #[track_caller]
    pub fn refuses(&mut self, actor: &Actor, cmd: &Command, code: ErrorCode, detail: Option<&str>) {
        let r = self.rejects(actor, cmd);
        assert_eq!((r.code, r.detail.as_deref()), (code, detail), "{} by {}: wrong rejection", cmd.name(), actor.key());
    }

    /// Assert a rejection with this code, whatever the detail.
    #[track_caller]
    pub fn refuses_code(&mut self, actor: &Actor, cmd: &Command, code: ErrorCode) {
        let r = self.rejects(actor, cmd);
        assert_eq!(r.code, code, "{} by {}: wrong rejection ({r})", cmd.name(), actor.key());
    }

    /// The organiser moves the meeting forward one phase at a time up to `to`.
    #[track_caller]
    pub fn advance_to(&mut self, to: Phase) {
        while self.state.phase < to {
            let next = self.state.phase.next().expect("a next phase");
            if self.state.phase == Phase::Setup {
                self.ok(&organiser(), &Command::OpenMeeting);
            } else {
                self.ok(&organiser(), &advance(next));
            }
        }
        assert_eq!(self.state.phase, to);
    }

    /// Table `t`'s share.
    pub fn share(&self, t: TableNo) -> Vec<ProposalId> {
        self.state.table(t).expect("table").share.clone()
    }

    /// Every table's chair sets the first `picks_per_table` of its share.
    #[track_caller]
    pub fn set_all_picks(&mut self) {
        let n = self.rules().picks_per_table as usize;
        for t in 1..=self.state.tables.len() as TableNo {
            let p: Vec<ProposalId> = self.share(t).into_iter().take(n).collect();
            self.ok(&chair(t), &Command::SetPicks { table: t, proposals: p });
        }
    }
}

pub fn events(recs: &[Recorded]) -> Vec<Event> {
    recs.iter().map(|r| r.event.clone()).collect()
}

// ------------------------------------------------------------ randomness

/// SplitMix64: a small deterministic generator for test data.
#[derive(Debug, Clone)]
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in 0..n (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    /// `k` distinct elements of `xs`, in random order.
    pub fn choose<T: Clone>(&mut self, xs: &[T], k: usize) -> Vec<T> {
        let mut v: Vec<T> = xs.to_vec();
        let k = k.min(v.len());
        for i in 0..k {
            let j = i + self.below((v.len() - i) as u64) as usize;
            v.swap(i, j);
        }
        v.truncate(k);
        v
    }
}

// ------------------------------------------------------------ results checker

/// The lot of the `lot` tie-break, recomputed independently.
pub fn lot(seed: &str, id: &str) -> String {
    let mut h = Sha256::new();
    h.update(seed.as_bytes());
    h.update(id.as_bytes());
    hex::encode(h.finalize())
}

/// Check `results` against the definition, the tally, the annotations and
/// the lot seed, from first principles (not by calling `count`).
#[track_caller]
pub fn check_results(
    def: &Definition,
    tally: &BTreeMap<ProposalId, u64>,
    ballots: u64,
    excluded: &BTreeSet<ProposalId>,
    lot_seed: &str,
    r: &Results,
) {
    let rules = &def.rules;
    let budget = rules.budget.amount;
    let index = |id: &str| def.proposals.iter().position(|p| p.id == id).expect("known proposal");
    assert_eq!(r.ballots, ballots, "ballots");
    assert_eq!(r.budget, budget, "budget");
    assert_eq!(r.allocation, rules.allocation);
    assert_eq!(r.tie_break, rules.tie_break);
    assert_eq!(r.closed_at_head, lot_seed, "closed_at_head is the lot seed");

    // Every proposal exactly once.
    assert_eq!(r.ranking.len(), def.proposals.len(), "ranking length");
    let seen: HashSet<&str> = r.ranking.iter().map(|x| x.proposal.as_str()).collect();
    assert_eq!(seen.len(), def.proposals.len(), "a proposal appears twice in the ranking");
    for p in &def.proposals {
        assert!(seen.contains(p.id.as_str()), "{} missing from the ranking", p.id);
    }

    let excluded = |id: &str| excluded.contains(id);
    let mut running = 0u64;
    let mut stopped = false;
    for (i, row) in r.ranking.iter().enumerate() {
        let p = &def.proposals[index(&row.proposal)];
        let votes = tally.get(&row.proposal).copied().unwrap_or(0);
        assert_eq!(row.position as usize, i + 1, "positions run 1, 2, 3…");
        assert_eq!(row.votes, votes, "{}: votes", row.proposal);
        assert_eq!(row.cost, p.cost, "{}: cost", row.proposal);
        // Competition rank: one more than the number with strictly more votes.
        let better = r.ranking.iter().filter(|x| x.votes > row.votes).count();
        assert_eq!(row.rank as usize, better + 1, "{}: competition rank", row.proposal);
        if i > 0 {
            let prev = &r.ranking[i - 1];
            assert!(prev.votes >= row.votes, "votes must not increase down the ranking");
            if prev.votes == row.votes {
                let (a, b) = (index(&prev.proposal), index(&row.proposal));
                let (pa, pb) = (&def.proposals[a], &def.proposals[b]);
                let ordered = match rules.tie_break {
                    TieBreak::ListOrder => a < b,
                    TieBreak::LowerCost => (pa.cost, a) < (pb.cost, b),
                    TieBreak::Lot => lot(lot_seed, &pa.id) < lot(lot_seed, &pb.id),
                };
                assert!(ordered, "tie {} / {} broken against {:?}", pa.id, pb.id, rules.tie_break);
            }
        }
        // Funding, walked independently (for equal shares: what the method
        // and its completion report, checked for consistency below).
        let mes_funded = r
            .equal_shares
            .as_ref()
            .is_some_and(|e| e.selected.contains(&row.proposal) || e.completion.contains(&row.proposal));
        let expected_reason = if votes == 0 {
            Some("no_votes")
        } else if excluded(&row.proposal) {
            Some("excluded")
        } else if rules.allocation == Allocation::EqualShares {
            if mes_funded {
                None
            } else {
                Some("does_not_fit")
            }
        } else if stopped {
            Some("stopped")
        } else if p.cost > budget - running {
            if rules.allocation == Allocation::GreedyStop {
                stopped = true;
            }
            Some("does_not_fit")
        } else {
            None
        };
        if expected_reason.is_none() {
            running += p.cost;
        }
        assert_eq!(row.unfunded_reason.map(|r| r.as_str()), expected_reason, "{}: unfunded reason", row.proposal);
        assert_eq!(row.funded, expected_reason.is_none(), "{}: funded", row.proposal);
        assert_eq!(row.running_total, running, "{}: running total", row.proposal);
    }
    let funded: Vec<ProposalId> = r.ranking.iter().filter(|x| x.funded).map(|x| x.proposal.clone()).collect();
    assert_eq!(r.funded, funded, "funded equals the funded rows, in ranking order");
    let total: u64 = r.ranking.iter().filter(|x| x.funded).map(|x| x.cost).sum();
    assert_eq!(r.total_cost, total, "total cost");
    assert!(r.total_cost <= budget, "over budget: {} > {budget}", r.total_cost);
    match (&r.equal_shares, rules.allocation) {
        (Some(e), Allocation::EqualShares) => {
            assert_eq!(e.voters, ballots, "equal shares: voters");
            let mut both: Vec<&ProposalId> = e.selected.iter().chain(&e.completion).collect();
            both.sort();
            let mut f: Vec<&ProposalId> = r.funded.iter().collect();
            f.sort();
            assert_eq!(both, f, "the shares and the completion together are what is funded");
            let mut d = both.clone();
            d.dedup();
            assert_eq!(d.len(), both.len(), "funded twice");
            // Completion follows the ranking, and is exhaustive: nothing
            // eligible and unfunded would still fit.
            let pos = |id: &str| r.ranking.iter().position(|x| x.proposal == id).expect("ranked");
            assert!(e.completion.windows(2).all(|w| pos(&w[0]) < pos(&w[1])), "completion in ranking order");
            for row in r.ranking.iter().filter(|x| x.unfunded_reason.map(|r| r.as_str()) == Some("does_not_fit")) {
                assert!(row.cost > budget - r.total_cost, "{} would still fit", row.proposal);
            }
        }
        (None, Allocation::EqualShares) => panic!("equal shares without an explanation"),
        (Some(_), _) => panic!("an equal-shares explanation under {:?}", rules.allocation),
        (None, _) => {}
    }

    // Ties: every maximal run of equal, non-zero votes longer than one.
    let mut groups = vec![];
    let mut i = 0;
    while i < r.ranking.len() {
        let mut j = i + 1;
        while j < r.ranking.len() && r.ranking[j].votes == r.ranking[i].votes {
            j += 1;
        }
        if j - i > 1 && r.ranking[i].votes > 0 {
            let g = &r.ranking[i..j];
            groups.push((r.ranking[i].votes, g.iter().map(|x| x.proposal.clone()).collect::<Vec<_>>()));
        }
        i = j;
    }
    let got: Vec<(u64, Vec<ProposalId>)> = r.ties.iter().map(|g| (g.votes, g.proposals.clone())).collect();
    assert_eq!(got, groups, "tie groups");
}
