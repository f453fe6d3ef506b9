//! Property tests: random meetings driven by random commands from random
//! actors (valid and invalid, biased towards valid so that voting and
//! counting are reached), checked after every step.
//!
//! (a) replaying the log gives the live state;
//! (b) the incremental tally equals a recount of the ballots;
//! (c) accepted ballots are 1..=max distinct known ids, one per voter;
//! (d) once counted, the results are consistent (checked from first principles);
//! (e) a rejected command changes nothing (state and every role's snapshot);
//! (f) the rules and fingerprint never change once the meeting is open;
//! (g) every role's view kept up to date by `updates` equals a fresh snapshot,
//!     and role filtering holds (voters never see a tally or table details,
//!     a hidden tally stays hidden until counted).

mod common;

use common::Rng; // not proptest's
use common::*;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{FileFailurePersistence, TestRunner};
use std::collections::{BTreeMap, HashSet};
use yuanzhuo_engine::protocol::*;
use yuanzhuo_engine::{ack_result, fingerprint, receipt_from_hash, recount, Actor, Changed, Event, State};

// ================================================================ generation

#[derive(Debug, Clone)]
struct Step {
    who: u8,
    what: u8,
    seed: u64,
    dt: u16,
}

#[derive(Debug, Clone)]
struct Run {
    opts: Opts,
    steps: Vec<Step>,
    /// Whether the counting desk takes part (paper batches, a sticker board).
    paper: bool,
}

fn opts_strategy() -> impl Strategy<Value = Opts> {
    (
        1usize..=4,
        1u32..=3,
        0usize..=2,
        0usize..=3,
        1u32..=10,
        0u64..=30,
        prop_oneof![Just(Allocation::GreedySkip), Just(Allocation::GreedyStop), Just(Allocation::EqualShares)],
        prop_oneof![Just(TieBreak::LowerCost), Just(TieBreak::ListOrder), Just(TieBreak::Lot)],
        prop_oneof![Just(TallyVisibility::Live), Just(TallyVisibility::HiddenUntilClose)],
        prop_oneof![3 => Just(Assignment::SplitEvenly), 1 => Just(Assignment::AllTables)],
        prop_oneof![2 => Just(Registration::None), 1 => Just(Registration::Door)],
    )
        .prop_map(
            |(
                tables,
                picks,
                spare,
                extra,
                max_choices,
                budget,
                allocation,
                tie_break,
                tally,
                assignment,
                registration,
            )| Opts {
                tables,
                // Every share holds at least `picks` proposals.
                proposals: tables * (picks as usize + spare) + extra.min(tables - 1),
                picks_per_table: picks,
                max_choices,
                discussion_minutes: 40,
                pitch_minutes: 3,
                budget: budget * 10_000,
                allocation,
                tie_break,
                tally,
                assignment,
                board: BoardDisclosure::Choices,
                registration,
            },
        )
}

fn step_strategy() -> impl Strategy<Value = Step> {
    (any::<u8>(), any::<u8>(), any::<u64>(), any::<u16>()).prop_map(|(who, what, seed, dt)| Step {
        who,
        what,
        seed,
        dt,
    })
}

fn run_strategy() -> impl Strategy<Value = Run> {
    (opts_strategy(), prop::collection::vec(step_strategy(), 30..=260), prop::bool::weighted(0.45))
        .prop_map(|(opts, steps, paper)| Run { opts, steps, paper })
}

const VOTERS: u64 = 30;
const TURNS: [TurnKind; 4] = [TurnKind::For, TurnKind::Against, TurnKind::Question, TurnKind::PointOfOrder];
const TAGS: [NoteTag; 5] =
    [NoteTag::Support, NoteTag::Concern, NoteTag::Objection, NoteTag::NewIdea, NoteTag::Question];

/// Turn one random step into an actor and a command, looking at the state
/// to make most of them plausible.
fn interpret(s: &State, step: &Step, paper: bool) -> (Actor, Command) {
    let rules = s.rules().expect("defined");
    let n = rules.tables.len() as u64;
    let mut r = Rng(step.seed);
    let mut who = step.who % 100;
    let what = step.what % 100;
    // Outside voting, most would-be voters and counters become table people instead.
    if (54..=95).contains(&who) && s.phase != Phase::Voting && !r.chance(15) {
        who = 20 + who % 34;
    }
    // During voting, most table people become voters or counters.
    if (20..=53).contains(&who) && s.phase == Phase::Voting && r.chance(70) {
        who = 54 + who % 42;
    }
    // Without paper, would-be counters vote; with paper, many voters count
    // instead (the desk has a lot to key before the vote can close).
    if (90..=95).contains(&who) && !paper {
        who = 54 + who % 36;
    }
    if (54..=89).contains(&who) && paper && s.phase == Phase::Voting && r.chance(65) {
        who = 90;
    }
    // With a door register, residents keep arriving until the vote closes.
    if s.door() && (20..=89).contains(&who) && s.phase <= Phase::Voting && r.chance(30) {
        return registrar_step(s, &mut r);
    }
    // A table: usually a real one, sometimes 0 or one past the end.
    let any_table = |r: &mut Rng| -> TableNo {
        if r.chance(90) {
            1 + r.below(n) as TableNo
        } else {
            r.below(n + 2) as TableNo
        }
    };
    match who {
        // ---------------------------------------------------- organiser
        0..=19 => {
            let o = Actor::organiser();
            // Advance often, but linger in voting so that ballots come in.
            let advance_p = if s.phase == Phase::Voting { 12 } else { 45 };
            if what < advance_p {
                let to = if r.chance(90) {
                    s.phase.next().unwrap_or(Phase::Published)
                } else {
                    Phase::ALL[r.below(8) as usize]
                };
                if s.phase == Phase::Setup && r.chance(50) {
                    return (o, Command::OpenMeeting);
                }
                return (o, Command::AdvancePhase { to });
            }
            let cmd = match r.below(14) {
                10 | 11 => return (o, organiser_decision(s, &mut r)),
                12 => Command::CancelCard {
                    serial: format!("V{:04}", 1 + r.below(VOTERS + 2)),
                    reason: if r.chance(10) { String::new() } else { "卡片遗失".into() },
                },
                13 => {
                    Command::ReleaseClaim { serial: format!("counter-{}", 3 + r.below(2)), reason: "换设备".into() }
                }
                0 | 1 => Command::StartTimer {
                    label: ["休息", "", "讨论", &"x".repeat(41)][r.below(4) as usize].to_string(),
                    minutes: r.below(15) as u32,
                },
                2 => Command::PauseTimer,
                3 => Command::ResumeTimer,
                4 => Command::ExtendTimer { minutes: r.below(125) as u32 },
                5 | 6 => Command::SetPitchTable { table: any_table(&mut r) },
                7 => Command::OpenMeeting,
                _ => {
                    let t = any_table(&mut r);
                    table_command(s, &mut r, t)
                }
            };
            (o, cmd)
        }
        // ---------------------------------------------------- chairs
        20..=39 => {
            let own = 1 + r.below(n) as TableNo;
            let target = if r.chance(85) { own } else { any_table(&mut r) };
            (Actor::at_table(Role::Chair, own), table_command(s, &mut r, target))
        }
        // ---------------------------------------------------- recorders
        40..=47 => {
            let own = 1 + r.below(n) as TableNo;
            let target = if r.chance(85) { own } else { any_table(&mut r) };
            let cmd = if r.chance(80) { note_command(s, &mut r, target) } else { table_command(s, &mut r, target) };
            (Actor::at_table(Role::Recorder, own), cmd)
        }
        // ---------------------------------------------------- advisers
        48..=53 => {
            let actor = if r.chance(25) {
                Actor { all_tables: true, ..Actor::read_only(Role::Adviser) }
            } else {
                Actor::at_table(Role::Adviser, 1 + r.below(n) as TableNo)
            };
            let own_share = actor.table.and_then(|t| s.table(t)).map(|t| t.share.clone());
            let all: Vec<ProposalId> = s.definition.as_ref().unwrap().proposals.iter().map(|p| p.id.clone()).collect();
            let proposal = match (r.below(10), own_share) {
                (0, _) => "P99".to_string(),
                (1 | 2, _) => r.choose(&all, 1)[0].clone(),
                (_, Some(share)) => r.choose(&share, 1)[0].clone(),
                (_, None) => r.choose(&all, 1)[0].clone(),
            };
            let feasibility =
                [Feasibility::Feasible, Feasibility::Doubtful, Feasibility::Excluded][r.below(3) as usize];
            let exclusion_rule = match (feasibility, r.below(10)) {
                (Feasibility::Excluded, 0) => None,
                (_, 1) => Some(r.below(10) as u8),
                (Feasibility::Excluded, _) => Some(1 + r.below(7) as u8),
                (Feasibility::Doubtful, 2..=4) => Some(1 + r.below(7) as u8),
                _ => None,
            };
            let cmd = Command::Annotate {
                proposal,
                feasibility,
                exclusion_rule,
                reason: if r.chance(50) { String::new() } else { "属物业维修范围".into() },
                cost_estimate: if r.chance(50) { None } else { Some(r.below(200_000)) },
                remark: if r.chance(5) { "x".repeat(2001) } else { String::new() },
            };
            (actor, cmd)
        }
        // ---------------------------------------------------- voters
        54..=89 => {
            let v = Actor::voter(format!("V{:04}", 1 + r.below(VOTERS)));
            if r.chance(3) {
                return (v, Command::OpenMeeting);
            }
            (v, Command::CastBallot { choices: ballot_choices(s, &mut r) })
        }
        // ---------------------------------------------------- counting desk
        90..=95 => paper_step(s, &mut r),
        // ---------------------------------------------------- read-only, and the scrutineer's count
        _ => {
            let role = [Role::Scrutineer, Role::Projector, Role::Public][r.below(3) as usize];
            let cmd = match r.below(4) {
                0 => Command::OpenMeeting,
                1 => Command::AdvancePhase { to: s.phase.next().unwrap_or(Phase::Published) },
                2 => Command::CastBallot { choices: ballot_choices(s, &mut r) },
                _ => table_command(s, &mut r, 1),
            };
            (Actor::read_only(role), cmd)
        }
    }
}

/// The organiser settles an exclusion or a cost (before the vote; often
/// without the adviser's recommendation, or with another rule).
fn organiser_decision(s: &State, r: &mut Rng) -> Command {
    let def = s.definition.as_ref().unwrap();
    let all: Vec<ProposalId> = def.proposals.iter().map(|p| p.id.clone()).collect();
    let recommended: Vec<(ProposalId, u8)> = s
        .annotations
        .values()
        .filter(|a| a.feasibility == Feasibility::Excluded)
        .filter_map(|a| Some((a.proposal.clone(), a.exclusion_rule?)))
        .collect();
    match r.below(6) {
        0..=2 => {
            let (proposal, rule) = if !recommended.is_empty() && r.chance(80) {
                let (p, rule) = recommended[r.below(recommended.len() as u64) as usize].clone();
                (p, if r.chance(90) { rule } else { 1 + r.below(8) as u8 })
            } else {
                (r.choose(&all, 1)[0].clone(), 1 + r.below(7) as u8)
            };
            Command::ConfirmExclusion { proposal, rule, reason: String::new() }
        }
        3 => {
            let excluded: Vec<ProposalId> = s.exclusions.keys().cloned().collect();
            let proposal =
                if excluded.is_empty() { r.choose(&all, 1)[0].clone() } else { r.choose(&excluded, 1)[0].clone() };
            Command::LiftExclusion { proposal, reason: "顾问撤回建议".into() }
        }
        _ => Command::SetCost {
            proposal: r.choose(&all, 1)[0].clone(),
            source: if r.chance(70) { CostSource::Adviser } else { CostSource::List },
        },
    }
}

/// The door register: a card, a paper ballot of the box's, or stickers
/// for an arriving resident; now and then a switch, a second card for the
/// same person, a number already handed out.
fn registrar_step(s: &State, r: &mut Rng) -> (Actor, Command) {
    let actor = registrar(1 + r.below(2) as u16);
    let max = s.rules().unwrap().max_choices;
    let issue = |r: &mut Rng| match r.below(10) {
        0..=4 => Issue::Card { serial: format!("V{:04}", 1 + r.below(VOTERS)) },
        5..=7 => {
            let batch = 1 + r.below(PAPER_BATCHES) as u32;
            let truth = paper_truth(batch);
            Issue::Paper { number: truth[r.below(truth.len() as u64) as usize].0.clone() }
        }
        _ => Issue::Stickers { stickers: if r.chance(90) { max } else { max + 1 } },
    };
    let registered = s.electorate.register.len() as u64;
    if registered > 0 && r.chance(15) {
        let register = 1 + r.below(registered + 1) as u32;
        let reason = if r.chance(10) { String::new() } else { "手机没电".into() };
        return (actor, Command::Reissue { register, issue: issue(r), reason });
    }
    let holder = r.chance(30).then(|| format!("holder-{}", r.below(40)));
    (actor, Command::Register { holder, issue: issue(r) })
}

const PAPER_BATCHES: u64 = 2;

/// The paper in the box: batch b holds ballots "b01", "b02"… with these marks
/// (some of them void: blank, over the limit, unknown, repeated).
fn paper_truth(batch: u32) -> Vec<(String, Vec<ProposalId>)> {
    let mut r = Rng(7 + batch as u64);
    (1..=2 + batch)
        .map(|k| {
            let marks = match r.below(8) {
                0 => vec![],
                1 => (1..=12).map(pid).collect(),
                2 => vec![pid(1), "P99".into()],
                3 => vec![pid(2), pid(2)],
                _ => (1..=1 + r.below(3) as usize).map(|i| pid(i + k as usize % 3)).collect(),
            };
            (format!("{batch}{k:02}"), marks)
        })
        .collect()
}

/// A counter at work: key what is on the paper (mostly correctly), correct
/// what differs, finish; a sticker board; the scrutineer's hand count; and
/// now and then a slip (a third counter, a batch that does not exist…).
fn paper_step(s: &State, r: &mut Rng) -> (Actor, Command) {
    let open: Vec<u32> = (1..=PAPER_BATCHES as u32)
        .filter(|b| s.desk.batches.get(b).is_none_or(|x| x.status != PaperStatus::Agreed))
        .collect();
    if r.chance(15) {
        // The scrutineer counts a batch's sheets by hand (and miscounts now and then).
        let uncounted: Vec<u32> = (1..=PAPER_BATCHES as u32)
            .filter(|b| {
                s.desk.batches.get(b).and_then(|x| x.sheets.get(&Some(1)).copied())
                    != Some(paper_truth(*b).len() as u32)
            })
            .collect();
        let batch = if uncounted.is_empty() { 1 } else { uncounted[r.below(uncounted.len() as u64) as usize] };
        let right = paper_truth(batch).len() as u32;
        let sheets = if r.chance(75) { right } else { right + 1 };
        return (Actor::scrutineer(1), Command::DeclareSheets { batch, sheets });
    }
    if r.chance(3) {
        // A third counter tries a batch two others are keying.
        return (Actor::counter(3), Command::KeyPaper { batch: 1, number: "101".into(), marks: vec![pid(1)] });
    }
    let desk = 1 + r.below(2) as u16;
    let actor = Actor::counter(desk);
    let board_open = s.desk.boards.get(&1).is_none_or(|b| b.status != PaperStatus::Agreed);
    if r.chance(if open.is_empty() { 60 } else { 10 }) && (board_open || r.chance(10)) {
        let def = s.definition.as_ref().unwrap();
        let counts = def
            .proposals
            .iter()
            .take(3)
            .enumerate()
            .map(|(i, p)| {
                let slip = u64::from(!r.chance(85));
                (p.id.clone(), i as u64 + slip)
            })
            .collect();
        return (actor, Command::KeyBoard { board: 1, counts });
    }
    let batch = match (open.is_empty(), r.chance(96)) {
        (false, true) => open[r.below(open.len() as u64) as usize],
        (true, true) => 1 + r.below(PAPER_BATCHES) as u32,
        _ => [0, 10_000][r.below(2) as usize],
    };
    let truth = paper_truth(batch.max(1));
    if r.chance(4) {
        return (actor, Command::RemovePaper { batch, number: truth[0].0.clone() });
    }
    let mine = s.desk.batches.get(&batch).and_then(|b| b.copies.get(&desk));
    let wrong = truth.iter().find(|(n, m)| mine.is_none_or(|c| c.ballots.get(n) != Some(m)));
    match wrong {
        Some((number, marks)) if r.chance(92) => {
            let marks = if r.chance(88) { marks.clone() } else { vec![pid(3)] };
            (actor, Command::KeyPaper { batch, number: number.clone(), marks })
        }
        _ => (actor, Command::FinishPaper { batch }),
    }
}

/// Choices for a ballot: mostly valid, sometimes each kind of invalid.
fn ballot_choices(s: &State, r: &mut Rng) -> Vec<ProposalId> {
    let def = s.definition.as_ref().unwrap();
    let all: Vec<ProposalId> = def.proposals.iter().map(|p| p.id.clone()).collect();
    let max = def.rules.max_choices as u64;
    match r.below(20) {
        0 => vec![],
        1 => {
            // One too many (with repeats when there are not enough proposals).
            let mut c = r.choose(&all, max as usize + 1);
            while c.len() < max as usize + 1 {
                c.push(all[0].clone());
            }
            c
        }
        2 => {
            let k = 1 + r.below(max) as usize;
            let mut c = r.choose(&all, k);
            c.push(c[0].clone());
            c
        }
        3 => {
            let k = r.below(max) as usize;
            let mut c = r.choose(&all, k);
            c.push("P00".into());
            c
        }
        _ => {
            let k = 1 + r.below(max.min(all.len() as u64)) as usize;
            r.choose(&all, k)
        }
    }
}

fn note_command(s: &State, r: &mut Rng, table: TableNo) -> Command {
    let text = match r.below(12) {
        0 => String::new(),
        1 => "   ".into(),
        2 => "记".repeat(MAX_TEXT_CHARS + 1),
        3 => "记".repeat(MAX_TEXT_CHARS),
        _ => format!("居民意见 {}", r.below(1000)),
    };
    let tag = TAGS[r.below(5) as usize];
    let n = s.notes.len() as u64;
    // Edits of notes that do not exist yet are mostly pointless.
    let kind = if n == 0 && r.chance(80) { 0 } else { r.below(6) };
    match kind {
        0..=2 => {
            let def = s.definition.as_ref().unwrap();
            let proposal = match r.below(4) {
                0 => None,
                1 => Some("P99".into()),
                _ => Some(def.proposals[r.below(def.proposals.len() as u64) as usize].id.clone()),
            };
            Command::AddNote { table, proposal, tag, text }
        }
        3 | 4 => Command::EditNote { note: r.below(n + 2), tag, text },
        _ => Command::WithdrawNote { note: r.below(n + 2) },
    }
}

/// Work at a table: the speaking queue, picks, notes (and a stray ballot).
fn table_command(s: &State, r: &mut Rng, table: TableNo) -> Command {
    let last = s.last_entry;
    match r.below(13) {
        0 | 1 => Command::QueueSpeaker {
            table,
            name: ["1号", "2号", "张阿姨", "李师傅", "", &"名".repeat(41)][r.below(6) as usize].to_string(),
            turn: TURNS[r.below(4) as usize],
        },
        2 | 3 => Command::StartSpeaker { table, entry: if r.chance(30) { Some(r.below(last + 3)) } else { None } },
        4 => Command::StopSpeaker { table },
        5 => Command::RemoveSpeaker { table, entry: r.below(last + 2) },
        6..=8 => Command::SetPicks { table, proposals: pick_ids(s, r, table) },
        9 => Command::LockPicks { table },
        10 | 11 => note_command(s, r, table),
        _ => Command::CastBallot { choices: ballot_choices(s, r) },
    }
}

fn pick_ids(s: &State, r: &mut Rng, table: TableNo) -> Vec<ProposalId> {
    let def = s.definition.as_ref().unwrap();
    let k = def.rules.picks_per_table as usize;
    let all: Vec<ProposalId> = def.proposals.iter().map(|p| p.id.clone()).collect();
    let share = s.table(table).map(|t| t.share.clone()).unwrap_or_else(|| all.clone());
    match r.below(10) {
        0 => {
            let wrong = if r.chance(50) { k + 1 } else { k - 1 };
            r.choose(&share, wrong)
        }
        1 => {
            let mut c = r.choose(&share, k);
            let last = c.len() - 1;
            c[last] = c[0].clone();
            c
        }
        2 => {
            let mut c = r.choose(&share, k);
            c[0] = "P99".into();
            c
        }
        3 => r.choose(&all, k),
        _ => r.choose(&share, k),
    }
}

// ================================================================ checking

/// What a run did, for the anti-vacuity test.
#[derive(Debug, Default)]
struct Outcome {
    reached: Phase,
    ballots: usize,
    /// Agreed paper ballots (valid, void) and sticker votes.
    paper: usize,
    void: usize,
    stickers: u64,
    equal_shares: bool,
    accepted: usize,
    rejected: BTreeMap<&'static str, usize>,
}

fn viewers(n_tables: usize) -> Vec<Actor> {
    let t2 = n_tables.min(2) as TableNo;
    vec![
        Actor::organiser(),
        Actor::at_table(Role::Chair, 1),
        Actor::at_table(Role::Recorder, t2),
        Actor::at_table(Role::Adviser, n_tables as TableNo),
        Actor { all_tables: true, ..Actor::read_only(Role::Adviser) },
        Actor::voter("V0001"),
        Actor::voter("V0002"),
        Actor::scrutineer(1),
        registrar(1),
        Actor::read_only(Role::Projector),
        Actor::read_only(Role::Public),
        Actor::counter(1),
        Actor::counter(2),
    ]
}

/// The parts of a view that updates keep current (the position, the clock
/// and `my_ballot` are carried by other messages).
fn comparable(mut s: Snapshot) -> Snapshot {
    s.seq = 0;
    s.log_head.clear();
    s.server_now_ms = 0;
    s.my_ballot = None;
    s
}

fn check_views(state: &State, vs: &[Actor], now: u64) {
    let rules = state.rules().unwrap();
    for v in vs {
        let s = state.snapshot(v, now);
        if v.role == Role::Voter {
            assert_eq!(s.tally, None, "a voter sees the tally");
            assert!(s.table_details.is_empty(), "a voter sees table details");
            assert_eq!(s.turnout, Turnout::default(), "a voter sees the turnout");
        }
        if rules.tally == TallyVisibility::HiddenUntilClose && state.phase < Phase::Counted {
            assert_eq!(s.tally, None, "{} sees a hidden tally in {:?}", v.key(), state.phase);
            // Nor the desk's marks or sticker counts, but in a counter's own copy.
            if let Some(p) = &s.paper {
                assert!(p.marks_hidden, "{}", v.key());
                assert!(p.batches.iter().all(|b| b.ballots.iter().all(|x| x.marks.is_empty())), "{}", v.key());
                assert!(p.boards.iter().all(|b| b.counts.is_empty()), "{}", v.key());
            }
            for c in s.paper_copies.iter().filter(|c| v.desk() != Some(c.counter)) {
                assert!(c.ballots.iter().all(|x| x.marks.is_empty()) && c.counts.is_empty(), "{} sees {c:?}", v.key());
            }
        }
        let seen: Vec<TableNo> = s.table_details.iter().map(|d| d.table).collect();
        let expected: Vec<TableNo> = match (v.role, v.table, v.all_tables) {
            (Role::Organiser | Role::Scrutineer, _, _) | (Role::Adviser, _, true) => {
                (1..=state.tables.len() as TableNo).collect()
            }
            (Role::Chair | Role::Recorder | Role::Adviser, Some(t), _) => vec![t],
            _ => vec![],
        };
        assert_eq!(seen, expected, "{} sees the wrong table details", v.key());
        assert_eq!(s.results, state.results, "results are public");
        if let Some(t) = &s.tally {
            assert_eq!(t.counts, state.tally);
        }
    }
}

fn check_ballots(state: &State) {
    let def = state.definition.as_ref().unwrap();
    let known: HashSet<&str> = def.proposals.iter().map(|p| p.id.as_str()).collect();
    let mut voters = HashSet::new();
    for (i, b) in state.ballots.iter().enumerate() {
        assert!(!b.choices.is_empty(), "an empty ballot was accepted");
        assert!(b.choices.len() <= def.rules.max_choices as usize, "a ballot over max_choices was accepted");
        let distinct: HashSet<&str> = b.choices.iter().map(|c| c.as_str()).collect();
        assert_eq!(distinct.len(), b.choices.len(), "a ballot with a repeated choice was accepted");
        assert!(distinct.is_subset(&known), "a ballot with an unknown id was accepted");
        assert!(voters.insert(b.voter.as_str()), "{} voted twice", b.voter);
        assert_eq!(state.voted.get(&b.voter), Some(&i));
    }
    assert_eq!(state.voted.len(), state.ballots.len());
}

/// Nobody votes twice by any mix of ways: every counted phone ballot came
/// from a card issued and not cancelled (and, with the register, handed out
/// at the door); each register entry used at most one of what it ever held;
/// the boards hold no more stickers than were handed out.
fn check_electorate(state: &State) {
    let door = state.door();
    for b in &state.ballots {
        let card = state.electorate.cards.get(&b.voter).expect("a ballot from a card never issued");
        assert!(card.cancelled.is_none(), "{} voted and was cancelled", b.voter);
        assert!(!door || card.register.is_some(), "{} voted without being registered", b.voter);
    }
    if !door {
        return;
    }
    let valid_paper: HashSet<&str> = state.desk.valid_ballots().map(|b| b.number.as_str()).collect();
    for (i, r) in state.electorate.register.iter().enumerate() {
        let uses = std::iter::once(&r.issue)
            .chain(r.replaced.iter().map(|x| &x.issue))
            .filter(|issue| match issue {
                Issue::Card { serial } => state.voted.contains_key(serial),
                Issue::Paper { number } => valid_paper.contains(number.as_str()),
                Issue::Stickers { .. } => false,
            })
            .count();
        assert!(uses <= 1, "register entry {} voted {uses} times", i + 1);
    }
    for n in &valid_paper {
        assert!(state.electorate.paper.contains_key(*n), "paper ballot {n} counted without being handed out");
    }
    assert!(state.desk.stickers() <= state.electorate.stickers, "more stickers counted than handed out");
}

fn lot_seed_of(log: &[yuanzhuo_engine::Recorded]) -> Option<String> {
    log.iter().find_map(|r| match &r.event {
        Event::PhaseChanged { to: Phase::Counted, lot_seed, .. } => Some(lot_seed.clone().unwrap_or_default()),
        _ => None,
    })
}

fn execute(run: &Run) -> Outcome {
    // Voters are drawn from the first `VOTERS`; a few more cards are issued as it goes.
    let mut m = Meeting::with_voters(definition(&run.opts), VOTERS as u32 + 2);
    let vs = viewers(run.opts.tables);
    let mut views: Vec<Snapshot> = vs.iter().map(|v| m.state.snapshot(v, m.now)).collect();
    let mut opened: Option<(Definition, String)> = None;
    let mut out = Outcome::default();

    let mut after_publication = 0;
    // What the vote opened with: no exclusion or cost may change afterwards.
    let mut fixed_at_voting: Option<(Vec<Exclusion>, Vec<AdoptedCost>, Vec<Proposal>)> = None;
    for step in &run.steps {
        // Now and then the organiser issues a few more voter cards (with a
        // reason, or without one, refused once the vote is open).
        if step.seed % 23 == 0 {
            let reason = if step.seed % 2 == 0 { "迟到居民" } else { "" };
            let n = 1 + (step.seed % 3) as u32;
            let before = m.state.clone();
            match m.issue_voters(n, reason) {
                Ok(recs) => {
                    let mut changed = Changed::default();
                    recs.iter().for_each(|r| changed.add(&r.event));
                    for (aud, u) in m.state.updates(&changed, m.now) {
                        for (i, v) in vs.iter().enumerate() {
                            if aud.includes(v) {
                                views[i].apply(&u);
                            }
                        }
                    }
                    assert!(
                        before.phase < Phase::Voting || !reason.is_empty(),
                        "cards issued during the vote without a reason"
                    );
                }
                Err(rej) => {
                    assert_eq!(m.state, before);
                    *out.rejected.entry(rej.code.as_str()).or_default() += 1;
                }
            }
        }
        // A few commands after publication are enough (all refused).
        if m.state.phase == Phase::Published {
            after_publication += 1;
            if after_publication > 10 {
                break;
            }
        }
        m.now += 1 + step.dt as u64 % 5_000;
        let (actor, cmd) = interpret(&m.state, step, run.paper);
        let ctx = m.ctx();
        let before = m.state.clone();
        let phase_before = m.state.phase;
        match m.state.decide(&actor, &cmd, &ctx) {
            Err(rej) => {
                // (e) nothing changed, for anyone.
                assert_eq!(m.state, before);
                for v in &vs {
                    assert_eq!(before.snapshot(v, m.now), m.state.snapshot(v, m.now));
                }
                if actor.role.is_read_only() {
                    assert_eq!(rej.code, ErrorCode::ReadOnly);
                }
                *out.rejected.entry(rej.code.as_str()).or_default() += 1;
            }
            Ok(events) => {
                out.accepted += 1;
                assert!(!events.is_empty(), "an accepted command recorded nothing");
                assert!(!actor.role.is_read_only(), "a read-only role changed the meeting");
                let mut changed = Changed::default();
                m.begin(&actor);
                let recs: Vec<_> = events
                    .into_iter()
                    .map(|e| {
                        changed.add(&e);
                        m.record(e)
                    })
                    .collect();
                let ack = ack_result(&recs);
                for rec in &recs {
                    match &rec.event {
                        Event::BallotCast { voter, choices } => {
                            // (c) at acceptance.
                            assert_eq!(actor.voter_serial(), Some(voter));
                            assert!(!before.voted.contains_key(voter), "{voter} voted twice");
                            assert_eq!(before.check_ballot(choices, m.rules().max_choices), Ok(()));
                            assert_eq!(phase_before, Phase::Voting);
                            assert_eq!(ack.receipt, Some(receipt_from_hash(&rec.hash)));
                            assert_eq!(m.state.ballots.last().unwrap().receipt, receipt_from_hash(&rec.hash));
                        }
                        Event::PhaseChanged { from, to, lot_seed } => {
                            assert_eq!(*from, phase_before);
                            assert_eq!(Some(*to), phase_before.next(), "phases move one step at a time");
                            if *to == Phase::Counted {
                                assert_eq!(lot_seed.as_deref(), Some(ctx.head.as_str()), "the lot seed is the head");
                            }
                        }
                        Event::PicksSet { table, proposals } => {
                            let t = before.table(*table).unwrap();
                            assert!(!t.picks_locked);
                            assert_eq!(proposals.len(), m.rules().picks_per_table as usize);
                            assert!(proposals.iter().all(|p| t.share.contains(p)));
                        }
                        _ => {}
                    }
                }
                // (g) views kept current by updates equal fresh snapshots.
                for (aud, u) in m.state.updates(&changed, m.now) {
                    for (i, v) in vs.iter().enumerate() {
                        if aud.includes(v) {
                            views[i].apply(&u);
                        }
                    }
                }
                for (i, v) in vs.iter().enumerate() {
                    assert_eq!(
                        comparable(views[i].clone()),
                        comparable(m.state.snapshot(v, m.now)),
                        "{}'s view drifted after {}",
                        v.key(),
                        cmd.name()
                    );
                }
            }
        }

        // Every step: the log and the state agree on the position.
        assert_eq!(m.state.seq, m.log.len() as u64);
        assert_eq!(m.state.head, m.head());
        // (b) the running tally is a recount.
        let def = m.def().clone();
        let phone = m.state.ballots.iter().map(|b| b.choices.as_slice());
        let paper = m.state.desk.valid_ballots().map(|b| b.marks.as_slice());
        let fresh = recount(&def.proposals, phone.chain(paper), m.state.desk.agreed_boards());
        assert_eq!(m.state.tally, fresh, "the running tally differs from the recount");
        // (c)
        check_ballots(&m.state);
        check_electorate(&m.state);
        if m.state.phase >= Phase::Voting {
            let now = (m.state.exclusion_list(), m.state.adopted_costs(), m.state.snapshot(&vs[0], m.now).proposals);
            match &fixed_at_voting {
                None => fixed_at_voting = Some(now),
                Some(fixed) => assert_eq!(fixed, &now, "an exclusion or a cost changed after the vote opened"),
            }
        }
        // (f) rules are frozen once opened.
        if !m.state.fingerprint.is_empty() {
            match &opened {
                None => {
                    assert_eq!(m.state.fingerprint, fingerprint(&def));
                    opened = Some((def.clone(), m.state.fingerprint.clone()));
                }
                Some((d, f)) => {
                    assert_eq!(&def, d, "the definition changed after opening");
                    assert_eq!(&m.state.fingerprint, f, "the fingerprint changed after opening");
                }
            }
        } else {
            assert_eq!(m.state.phase, Phase::Setup);
        }
        // (d) results once counted.
        if m.state.phase >= Phase::Counted {
            let r = m.state.results.as_ref().expect("results once counted");
            let seed = lot_seed_of(&m.log).expect("a counted phase change");
            let counted = m.state.counted_definition().unwrap();
            let excluded = m.state.count_input().excluded;
            check_results(&counted, &fresh, m.state.counted_ballots(), &excluded, &seed, r);
        } else {
            assert!(m.state.results.is_none());
        }
        check_views(&m.state, &vs, m.now);
    }

    // (d) the funding and the decisive ties are §7's, checked once (slowly)
    // against the definition by the letter.
    if let Some(r) = &m.state.results {
        common::reference::check_allocation(&m.state.counted_definition().unwrap(), &m.state.count_input(), r);
    }

    // (a) replay from scratch gives the live state.
    let replayed = State::replay(&m.log);
    assert_eq!(replayed, m.state, "replay differs from the live state");
    // And the checker, deciding every command again, accepts the log.
    match m.check_log() {
        Ok(checked) => assert_eq!(checked, m.state, "the checked replay differs from the live state"),
        Err(v) => panic!("the checker refused a log the engine wrote: {v}"),
    }
    // And so does replaying any prefix and then the rest.
    let cut = m.log.len() / 2;
    let mut s = State::replay(&m.log[..cut]);
    for r in &m.log[cut..] {
        s.evolve(r);
    }
    assert_eq!(s, m.state);

    out.reached = m.state.phase;
    out.ballots = m.state.ballots.len();
    out.paper = m.state.desk.agreed_ballots().count();
    out.void = m.state.desk.agreed_ballots().filter(|b| b.void.is_some()).count();
    out.stickers = m.state.desk.stickers();
    out.equal_shares = m.state.results.as_ref().is_some_and(|r| r.equal_shares.is_some());
    out
}

// ================================================================ the tests

proptest! {
    #![proptest_config(ProptestConfig {
        // PROPTEST_CASES lowers it for a quick run (scripts/check).
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(256),
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct("tests/proptest-regressions/properties.txt"))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_meetings_keep_every_invariant(run in run_strategy()) {
        execute(&run);
    }
}

/// The properties above are only worth something if the random meetings
/// actually get somewhere: sample the same generator and check that most
/// runs reach the count with ballots in it, and that the rejections cover
/// the rules.
#[test]
fn random_meetings_reach_the_count() {
    let mut runner = TestRunner::deterministic();
    let strategy = run_strategy();
    let samples = 150;
    let (mut counted, mut counted_with_ballots, mut voting) = (0, 0, 0);
    let (mut with_paper, mut with_void, mut with_stickers, mut by_equal_shares) = (0, 0, 0, 0);
    let mut codes: BTreeMap<&'static str, usize> = BTreeMap::new();
    let (mut accepted, mut rejected) = (0, 0);
    for _ in 0..samples {
        let run = strategy.new_tree(&mut runner).expect("a run").current();
        let out = execute(&run);
        if out.reached >= Phase::Voting {
            voting += 1;
        }
        if out.reached >= Phase::Counted {
            counted += 1;
            if out.ballots > 0 {
                counted_with_ballots += 1;
            }
            with_paper += usize::from(out.paper > 0);
            with_void += usize::from(out.void > 0);
            with_stickers += usize::from(out.stickers > 0);
            by_equal_shares += usize::from(out.equal_shares);
        }
        accepted += out.accepted;
        for (c, k) in out.rejected {
            rejected += k;
            *codes.entry(c).or_default() += k;
        }
    }
    eprintln!(
        "{samples} runs: {voting} reached voting, {counted} counted ({counted_with_ballots} with ballots); \
         {accepted} commands accepted, {rejected} rejected: {codes:?}"
    );
    assert!(counted * 100 >= samples * 50, "only {counted}/{samples} runs reached counted");
    assert!(
        counted_with_ballots * 100 >= samples * 40,
        "only {counted_with_ballots}/{samples} counted runs had ballots"
    );
    assert!(accepted >= rejected / 4, "mostly rejections: {accepted} accepted, {rejected} rejected");
    eprintln!("counted with agreed paper: {with_paper}, with void paper: {with_void}, with stickers: {with_stickers}, by equal shares: {by_equal_shares}");
    assert!(with_paper >= 8 && with_void >= 5 && with_stickers >= 3, "the counting desk was hardly exercised");
    assert!(by_equal_shares >= 15, "equal shares was hardly exercised");
    for code in [
        "read_only",
        "forbidden",
        "wrong_table",
        "wrong_phase",
        "bad_phase_transition",
        "unknown_proposal",
        "not_in_share",
        "picks_wrong_count",
        "duplicate_pick",
        "picks_locked",
        "empty_ballot",
        "too_many_choices",
        "duplicate_choice",
        "already_voted",
        "unknown_table",
        "unknown_entry",
        "nobody_speaking",
        "nobody_waiting",
        "unknown_note",
        "not_your_note",
        "invalid_field",
        "exclusion_rule_required",
        "no_timer",
        "unknown_batch",
        "batch_agreed",
        "batch_taken",
        "unknown_paper_ballot",
        "copy_finished",
        "paper_open",
        "paper_count_mismatch",
        "boards_not_allowed",
        "card_cancelled",
        "not_registered",
        "already_issued",
        "already_registered",
        "unknown_register",
        "proposal_excluded",
        "not_recommended",
        "not_excluded",
        "reason_required",
    ] {
        assert!(codes.contains_key(code), "no command was ever rejected with {code}: {codes:?}");
    }
}
