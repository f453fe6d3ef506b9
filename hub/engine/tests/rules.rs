//! One focused test per rule of the meeting: who may do what, when, and the
//! exact error code (and detail) of each refusal; the side effects of phase
//! changes, timers and the speaking queue; and what each role's snapshot shows.

mod common;

use common::*;
use std::collections::BTreeMap;
use yuanzhuo_engine::protocol::*;
use yuanzhuo_engine::{ack_result, count, fingerprint, receipt_from_hash, Audience, Changed, Ctx, Event, State};
use ErrorCode as E;

fn meeting() -> Meeting {
    Meeting::with(&Opts::default())
}

fn meeting_in(phase: Phase) -> Meeting {
    let mut m = meeting();
    m.advance_to(phase);
    m
}

// ================================================================ authorisation

#[test]
fn read_only_roles_get_read_only_for_every_command() {
    let mut m = meeting();
    let cmds = [
        Command::OpenMeeting,
        advance(Phase::CheckIn),
        Command::StartTimer { label: "x".into(), minutes: 5 },
        picks(1, &["P01", "P02", "P03"]),
        queue(1, "5号"),
        note(1, "hello"),
        annotate("P01", Feasibility::Feasible, None),
        ballot(&["P01"]),
    ];
    for phase in [Phase::Setup, Phase::Discussion, Phase::Voting] {
        m.advance_to(phase);
        for who in [scrutineer(), projector(), public()] {
            for c in &cmds {
                m.refuses(&who, c, E::ReadOnly, None);
            }
        }
    }
    // Even a read-only role that claims a table or a voter serial.
    let sneaky = yuanzhuo_engine::Actor {
        role: Role::Scrutineer,
        table: Some(1),
        all_tables: true,
        serial: Some("V0001".into()),
        number: Some(1),
    };
    m.refuses(&sneaky, &ballot(&["P01"]), E::ReadOnly, None);
}

#[test]
fn nothing_is_accepted_before_the_meeting_is_defined() {
    let s = State::default();
    let ctx = Ctx::default();
    let r = s.decide(&organiser(), &Command::OpenMeeting, &ctx).unwrap_err();
    assert_eq!(r.code, E::NotOpen);
    // Read-only is still the first answer for read-only roles.
    let r = s.decide(&scrutineer(), &Command::OpenMeeting, &ctx).unwrap_err();
    assert_eq!(r.code, E::ReadOnly);
}

#[test]
fn a_voter_cannot_open_the_meeting_or_run_it() {
    let mut m = meeting();
    m.refuses(&voter(1), &Command::OpenMeeting, E::Forbidden, None);
    m.refuses(&voter(1), &advance(Phase::CheckIn), E::Forbidden, None);
    m.refuses(&chair(1), &Command::OpenMeeting, E::Forbidden, None);
    m.refuses(&adviser_all(), &Command::OpenMeeting, E::Forbidden, None);
    m.advance_to(Phase::Discussion);
    m.refuses(&voter(1), &Command::StartTimer { label: "x".into(), minutes: 5 }, E::Forbidden, None);
    m.refuses(&chair(1), &Command::PauseTimer, E::Forbidden, None);
    m.refuses(&recorder(2), &Command::ExtendTimer { minutes: 5 }, E::Forbidden, None);
    m.refuses(&voter(1), &picks(1, &["P01", "P02", "P03"]), E::Forbidden, None);
    m.refuses(&voter(1), &note(1, "x"), E::Forbidden, None);
    m.refuses(&voter(1), &annotate("P01", Feasibility::Feasible, None), E::Forbidden, None);
    assert_eq!(m.state.phase, Phase::Discussion);
}

#[test]
fn only_voters_cast_ballots() {
    let mut m = meeting_in(Phase::Voting);
    for who in [organiser(), chair(1), recorder(1), adviser(1), adviser_all()] {
        m.refuses(&who, &ballot(&["P01"]), E::Forbidden, None);
    }
    // A voter role without a serial cannot vote either.
    let anonymous =
        yuanzhuo_engine::Actor { role: Role::Voter, table: None, all_tables: false, serial: None, number: None };
    m.refuses(&anonymous, &ballot(&["P01"]), E::Forbidden, None);
    assert!(m.state.ballots.is_empty());
}

#[test]
fn a_chair_cannot_act_for_another_table() {
    let mut m = meeting_in(Phase::Discussion);
    let c1 = chair(1);
    m.refuses(&c1, &picks(2, &["P05", "P06", "P07"]), E::WrongTable, Some("2"));
    m.refuses(&c1, &lock(2), E::WrongTable, Some("2"));
    m.refuses(&c1, &queue(2, "5号"), E::WrongTable, Some("2"));
    m.refuses(&c1, &start_next(2), E::WrongTable, Some("2"));
    m.refuses(&c1, &stop(2), E::WrongTable, Some("2"));
    m.refuses(&c1, &Command::RemoveSpeaker { table: 2, entry: 1 }, E::WrongTable, Some("2"));
    m.refuses(&c1, &note(2, "x"), E::WrongTable, Some("2"));
    m.refuses(&recorder(1), &note(3, "x"), E::WrongTable, Some("3"));
    // Its own table is fine.
    m.ok(&c1, &queue(1, "5号"));
    m.ok(&c1, &picks(1, &["P01", "P02", "P03"]));
}

#[test]
fn a_table_that_does_not_exist_is_unknown_table() {
    let mut m = meeting_in(Phase::Discussion);
    m.refuses(&organiser(), &picks(4, &["P01", "P02", "P03"]), E::UnknownTable, Some("4"));
    m.refuses(&organiser(), &queue(0, "x"), E::UnknownTable, Some("0"));
    m.refuses(&chair(1), &note(9, "x"), E::UnknownTable, Some("9"));
}

#[test]
fn a_recorder_cannot_set_picks_or_run_the_queue() {
    let mut m = meeting_in(Phase::Picks);
    m.refuses(&recorder(1), &picks(1, &["P01", "P02", "P03"]), E::Forbidden, None);
    m.refuses(&recorder(1), &lock(1), E::Forbidden, None);
    m.refuses(&recorder(1), &queue(1, "5号"), E::Forbidden, None);
    m.refuses(&recorder(1), &start_next(1), E::Forbidden, None);
    m.refuses(&adviser(1), &picks(1, &["P01", "P02", "P03"]), E::Forbidden, None);
    m.refuses(&adviser(1), &note(1, "x"), E::Forbidden, None);
    // But a recorder takes notes.
    let r = m.ok(&recorder(1), &note(1, "说要加装路灯"));
    assert!(matches!(&r[0].event, Event::NoteAdded { by: Role::Recorder, .. }));
}

#[test]
fn the_organiser_may_stand_in_for_any_table() {
    let mut m = meeting_in(Phase::Discussion);
    let o = organiser();
    m.ok(&o, &picks(2, &["P05", "P06", "P07"]));
    m.ok(&o, &lock(2));
    assert!(m.state.tables[1].picks_locked);
    let q = m.ok(&o, &queue(3, "7号"));
    assert_eq!(ack_result(&q).entry, Some(1));
    m.ok(&o, &start_next(3));
    m.ok(&o, &stop(3));
    let n = m.ok(&o, &note(1, "代记"));
    assert!(matches!(&n[0].event, Event::NoteAdded { table: 1, note: 1, by: Role::Organiser, .. }));
    m.ok(&o, &edit(1, "代记（改）"));
    m.ok(&o, &Command::WithdrawNote { note: 1 });
    // Standing in does not make the organiser an adviser or a voter.
    m.refuses(&o, &annotate("P01", Feasibility::Feasible, None), E::Forbidden, None);
}

// ================================================================ picks

#[test]
fn picks_wrong_count() {
    let mut m = meeting_in(Phase::Discussion);
    m.refuses(&chair(1), &picks(1, &["P01", "P02"]), E::PicksWrongCount, Some("2/3"));
    m.refuses(&chair(1), &picks(1, &["P01", "P02", "P03", "P04"]), E::PicksWrongCount, Some("4/3"));
    m.refuses(&chair(1), &picks(1, &[]), E::PicksWrongCount, Some("0/3"));
}

#[test]
fn picks_duplicate() {
    let mut m = meeting_in(Phase::Discussion);
    m.refuses(&chair(1), &picks(1, &["P01", "P02", "P01"]), E::DuplicatePick, Some("P01"));
}

#[test]
fn picks_unknown_proposal() {
    let mut m = meeting_in(Phase::Discussion);
    m.refuses(&chair(1), &picks(1, &["P01", "P99", "P02"]), E::UnknownProposal, Some("P99"));
}

#[test]
fn picks_not_in_share() {
    let mut m = meeting_in(Phase::Discussion);
    assert_eq!(m.share(1), ids(&["P01", "P02", "P03", "P04"]));
    m.refuses(&chair(1), &picks(1, &["P01", "P05", "P02"]), E::NotInShare, Some("P05"));
    // The organiser standing in is held to the same share.
    m.refuses(&organiser(), &picks(1, &["P01", "P12", "P02"]), E::NotInShare, Some("P12"));
}

#[test]
fn picks_with_all_tables_assignment_may_come_from_anywhere() {
    let mut m = Meeting::with(&Opts { assignment: Assignment::AllTables, ..Opts::default() });
    m.advance_to(Phase::Discussion);
    assert_eq!(m.share(2).len(), 12);
    m.ok(&chair(1), &picks(1, &["P12", "P05", "P01"]));
    m.ok(&chair(2), &picks(2, &["P12", "P05", "P01"]));
}

#[test]
fn picks_can_be_replaced_until_locked() {
    let mut m = meeting_in(Phase::Discussion);
    m.ok(&chair(1), &picks(1, &["P01", "P02", "P03"]));
    m.advance_to(Phase::Picks);
    m.ok(&chair(1), &picks(1, &["P04", "P02", "P03"]));
    assert_eq!(m.state.tables[0].picks, ids(&["P04", "P02", "P03"]));
    m.ok(&chair(1), &lock(1));
    m.refuses(&chair(1), &picks(1, &["P01", "P02", "P03"]), E::PicksLocked, None);
    m.refuses(&organiser(), &picks(1, &["P01", "P02", "P03"]), E::PicksLocked, None);
    m.refuses(&chair(1), &lock(1), E::PicksLocked, None);
    assert_eq!(m.state.tables[0].picks, ids(&["P04", "P02", "P03"]));
}

#[test]
fn lock_without_picks_is_no_picks() {
    let mut m = meeting_in(Phase::Picks);
    m.refuses(&chair(2), &lock(2), E::NoPicks, None);
}

#[test]
fn picks_outside_discussion_and_picks_are_wrong_phase() {
    let mut m = meeting();
    let p = picks(1, &["P01", "P02", "P03"]);
    m.refuses(&chair(1), &p, E::NotOpen, None);
    m.advance_to(Phase::CheckIn);
    m.refuses(&chair(1), &p, E::WrongPhase, Some("check_in"));
    m.advance_to(Phase::Discussion);
    m.ok(&chair(1), &p);
    m.advance_to(Phase::Picks);
    m.ok(&chair(1), &p);
    m.advance_to(Phase::Pitches);
    m.refuses(&chair(2), &picks(2, &["P05", "P06", "P07"]), E::WrongPhase, Some("pitches"));
    m.refuses(&chair(2), &lock(2), E::WrongPhase, Some("pitches"));
    m.advance_to(Phase::Voting);
    m.refuses(&chair(2), &picks(2, &["P05", "P06", "P07"]), E::WrongPhase, Some("voting"));
}

// ================================================================ phases

#[test]
fn phases_cannot_be_skipped() {
    let mut m = meeting();
    m.refuses(&organiser(), &advance(Phase::Discussion), E::BadPhaseTransition, Some("setup → discussion"));
    m.advance_to(Phase::CheckIn);
    m.refuses(&organiser(), &advance(Phase::Picks), E::BadPhaseTransition, Some("check_in → picks"));
    m.refuses(&organiser(), &advance(Phase::Setup), E::BadPhaseTransition, Some("check_in → setup"));
    m.advance_to(Phase::Pitches);
    m.refuses(&organiser(), &advance(Phase::Counted), E::BadPhaseTransition, Some("pitches → counted"));
    m.refuses(&organiser(), &advance(Phase::Picks), E::BadPhaseTransition, Some("pitches → picks"));
    m.advance_to(Phase::Published);
    m.refuses(&organiser(), &advance(Phase::Published), E::BadPhaseTransition, Some("published → published"));
    assert_eq!(m.state.phase, Phase::Published);
}

#[test]
fn the_meeting_opens_once() {
    let mut m = meeting();
    let recs = m.ok(&organiser(), &Command::OpenMeeting);
    let fp = fingerprint(m.def());
    assert_eq!(
        events(&recs),
        vec![
            Event::MeetingOpened { fingerprint: fp.clone() },
            Event::PhaseChanged { from: Phase::Setup, to: Phase::CheckIn, lot_seed: None }
        ]
    );
    let ack = ack_result(&recs);
    assert_eq!(ack.fingerprint.as_deref(), Some(fp.as_str()));
    assert_eq!(ack.phase, Some(Phase::CheckIn));
    assert_eq!(m.state.fingerprint, fp);
    m.refuses(&organiser(), &Command::OpenMeeting, E::WrongPhase, Some("check_in"));
    m.refuses(&organiser(), &advance(Phase::CheckIn), E::BadPhaseTransition, Some("check_in → check_in"));
    m.advance_to(Phase::Voting);
    m.refuses(&organiser(), &Command::OpenMeeting, E::WrongPhase, Some("voting"));
}

#[test]
fn advancing_from_setup_to_check_in_is_opening() {
    let m = meeting();
    let a = m.state.decide(&organiser(), &advance(Phase::CheckIn), &m.ctx()).unwrap();
    let b = m.state.decide(&organiser(), &Command::OpenMeeting, &m.ctx()).unwrap();
    assert_eq!(a, b);
}

#[test]
fn the_fingerprint_follows_the_definition() {
    let a = definition(&Opts::default());
    let mut b = a.clone();
    b.proposals[3].cost += 1;
    let mut c = a.clone();
    c.rules.max_choices += 1;
    assert_ne!(fingerprint(&a), fingerprint(&b));
    assert_ne!(fingerprint(&a), fingerprint(&c));
    assert_eq!(fingerprint(&a), fingerprint(&a.clone()));
    let fp = fingerprint(&a);
    assert_eq!(fp.len(), 9);
    assert_eq!(&fp[4..5], "-");
}

#[test]
fn discussion_starts_its_clock_and_each_phase_change_clears_the_timer() {
    let mut m = meeting_in(Phase::CheckIn);
    m.ok(&organiser(), &Command::StartTimer { label: "签到".into(), minutes: 15 });
    m.tick(1_000);
    let recs = m.ok(&organiser(), &advance(Phase::Discussion));
    assert_eq!(
        events(&recs),
        vec![
            Event::TimerCleared,
            Event::PhaseChanged { from: Phase::CheckIn, to: Phase::Discussion, lot_seed: None },
            Event::TimerStarted { label: "discussion".into(), duration_ms: 40 * 60_000 },
        ]
    );
    let t = m.state.timer.clone().unwrap();
    assert_eq!((t.duration_ms, t.started_at_ms, t.used_before_ms, t.paused), (2_400_000, m.now, 0, false));
    let recs = m.ok(&organiser(), &advance(Phase::Picks));
    assert_eq!(events(&recs)[0], Event::TimerCleared);
    assert!(m.state.timer.is_none());
    // No timer, nothing to clear.
    let recs = m.ok(&organiser(), &advance(Phase::Pitches));
    assert!(!events(&recs).contains(&Event::TimerCleared));
}

// ================================================================ pitches

#[test]
fn moving_to_pitches_locks_complete_picks_and_puts_the_first_table_on_stage() {
    let mut m = meeting_in(Phase::Picks);
    // Table 1 sets and locks; table 3 sets but does not lock; table 2 sets nothing.
    m.ok(&chair(1), &picks(1, &["P01", "P02", "P03"]));
    m.ok(&chair(1), &lock(1));
    m.ok(&chair(3), &picks(3, &["P09", "P10", "P11"]));
    let recs = m.ok(&organiser(), &advance(Phase::Pitches));
    assert_eq!(
        events(&recs),
        vec![
            Event::PhaseChanged { from: Phase::Picks, to: Phase::Pitches, lot_seed: None },
            Event::PicksLocked { table: 3 },
            Event::PitchTableSet { table: 1 },
            Event::TimerStarted { label: "pitch".into(), duration_ms: 3 * 60_000 },
        ]
    );
    assert!(m.state.tables[0].picks_locked && m.state.tables[2].picks_locked);
    assert!(!m.state.tables[1].picks_locked);
    assert_eq!(m.state.pitch, Some(Pitch { table: 1, next: Some(3), done: vec![] }));

    // The organiser calls the next table: table 1 is done, nobody is left.
    m.tick(180_000);
    let recs = m.ok(&organiser(), &Command::SetPitchTable { table: 3 });
    assert_eq!(
        events(&recs),
        vec![Event::PitchTableSet { table: 3 }, Event::TimerStarted { label: "pitch".into(), duration_ms: 180_000 }]
    );
    assert_eq!(m.state.pitch, Some(Pitch { table: 3, next: None, done: vec![1] }));
    assert_eq!(m.state.timer.as_ref().unwrap().started_at_ms, m.now);
    m.refuses(&organiser(), &Command::SetPitchTable { table: 4 }, E::UnknownTable, Some("4"));
    m.refuses(&chair(3), &Command::SetPitchTable { table: 3 }, E::Forbidden, None);

    // Voting ends the pitches.
    m.advance_to(Phase::Voting);
    assert_eq!(m.state.pitch, None);
    m.refuses(&organiser(), &Command::SetPitchTable { table: 1 }, E::WrongPhase, Some("voting"));
}

/// Calling the table on stage again (to restart its pitch, e.g. after the
/// microphone failed) must not list it as done while it is still on stage;
/// nor must going back to a table that pitched before.
#[test]
fn the_table_on_stage_is_never_listed_as_done() {
    let mut m = meeting_in(Phase::Picks);
    m.set_all_picks();
    m.advance_to(Phase::Pitches);
    assert_eq!(m.state.pitch, Some(Pitch { table: 1, next: Some(2), done: vec![] }));
    m.ok(&organiser(), &Command::SetPitchTable { table: 1 });
    let p = m.state.pitch.clone().unwrap();
    assert!(!p.done.contains(&p.table), "table {} is on stage and listed as done: {p:?}", p.table);
    m.ok(&organiser(), &Command::SetPitchTable { table: 2 });
    m.ok(&organiser(), &Command::SetPitchTable { table: 1 });
    let p = m.state.pitch.clone().unwrap();
    assert!(!p.done.contains(&p.table), "table {} is on stage and listed as done: {p:?}", p.table);
}

#[test]
fn pitches_with_no_picks_put_nobody_on_stage() {
    let mut m = meeting_in(Phase::Picks);
    let recs = m.ok(&organiser(), &advance(Phase::Pitches));
    assert_eq!(events(&recs), vec![Event::PhaseChanged { from: Phase::Picks, to: Phase::Pitches, lot_seed: None }]);
    assert_eq!(m.state.pitch, None);
}

#[test]
fn set_pitch_table_only_during_pitches() {
    let mut m = meeting_in(Phase::Picks);
    m.refuses(&organiser(), &Command::SetPitchTable { table: 1 }, E::WrongPhase, Some("picks"));
}

// ================================================================ ballots

#[test]
fn a_voters_ballot_succeeds_in_voting() {
    let mut m = meeting_in(Phase::Voting);
    let recs = m.ok(&voter(7), &ballot(&["P03", "P11"]));
    assert_eq!(events(&recs), vec![Event::BallotCast { voter: "V0007".into(), choices: ids(&["P03", "P11"]) }]);
    let ack = ack_result(&recs);
    let receipt = receipt_from_hash(&recs[0].hash);
    assert_eq!(ack.receipt.as_deref(), Some(receipt.as_str()));
    assert_eq!(ack.choices, Some(ids(&["P03", "P11"])));
    assert_eq!(m.state.tally["P03"], 1);
    assert_eq!(m.state.tally["P11"], 1);
    assert_eq!(m.state.tally["P01"], 0);
    assert_eq!(m.state.ballots.len(), 1);
    assert_eq!(m.state.ballots[0].seq, recs[0].seq);
    assert_eq!(m.state.ballots[0].receipt, receipt);
    let s = m.state.snapshot(&voter(7), m.now);
    assert_eq!(s.my_ballot, Some(MyBallot { receipt, choices: ids(&["P03", "P11"]) }));
    assert_eq!(m.state.snapshot(&voter(8), m.now).my_ballot, None);
    // A full ballot of max_choices is fine.
    m.ok(&voter(8), &ballot(&["P01", "P02", "P03", "P04"]));
}

#[test]
fn an_empty_ballot_is_refused() {
    let mut m = meeting_in(Phase::Voting);
    m.refuses(&voter(1), &ballot(&[]), E::EmptyBallot, None);
}

#[test]
fn eleven_choices_of_max_ten_is_too_many() {
    let mut m = Meeting::with(&Opts { max_choices: 10, ..Opts::default() });
    m.advance_to(Phase::Voting);
    let eleven: Vec<ProposalId> = (1..=11).map(pid).collect();
    m.refuses(&voter(1), &ballot_ids(eleven.clone()), E::TooManyChoices, Some("11/10"));
    m.ok(&voter(1), &ballot_ids(eleven[..10].to_vec()));
}

#[test]
fn a_ballot_with_a_repeated_choice_is_refused() {
    let mut m = meeting_in(Phase::Voting);
    m.refuses(&voter(1), &ballot(&["P01", "P02", "P02"]), E::DuplicateChoice, Some("P02"));
}

#[test]
fn a_ballot_with_an_unknown_id_is_refused() {
    let mut m = meeting_in(Phase::Voting);
    m.refuses(&voter(1), &ballot(&["P01", "P13"]), E::UnknownProposal, Some("P13"));
    m.refuses(&voter(1), &ballot(&["P01", "Q01"]), E::UnknownProposal, Some("Q01"));
    assert!(m.state.ballots.is_empty());
    assert!(m.state.tally.values().all(|v| *v == 0));
}

#[test]
fn ballot_ids_are_read_like_paper_marks() {
    let mut m = meeting_in(Phase::Voting);
    // Case and full-width forms do not matter, as on paper and in the meeting file.
    let recs = m.ok(&voter(1), &ballot(&["p03", "Ｐ１１"]));
    assert_eq!(events(&recs), vec![Event::BallotCast { voter: "V0001".into(), choices: ids(&["P03", "P11"]) }]);
    assert_eq!(ack_result(&recs).choices, Some(ids(&["P03", "P11"])));
    assert_eq!(m.state.tally["P03"], 1);
    // The same proposal twice, however written, is one proposal twice.
    m.refuses(&voter(2), &ballot(&["P01", "p01"]), E::DuplicateChoice, Some("P01"));
}

#[test]
fn a_second_ballot_is_already_voted_with_the_first_receipt() {
    let mut m = meeting_in(Phase::Voting);
    let first = m.ok(&voter(3), &ballot(&["P01"]));
    let receipt = ack_result(&first).receipt.unwrap();
    m.refuses(&voter(3), &ballot(&["P02"]), E::AlreadyVoted, Some(receipt.as_str()));
    // Even an invalid second ballot is answered with already_voted.
    m.refuses(&voter(3), &ballot(&[]), E::AlreadyVoted, Some(receipt.as_str()));
    assert_eq!(m.state.tally["P01"], 1);
    assert_eq!(m.state.tally["P02"], 0);
    // Another voter is unaffected.
    m.ok(&voter(4), &ballot(&["P02"]));
}

#[test]
fn ballots_outside_voting_are_wrong_phase() {
    let mut m = meeting();
    m.refuses(&voter(1), &ballot(&["P01"]), E::NotOpen, None);
    for phase in [Phase::CheckIn, Phase::Discussion, Phase::Picks, Phase::Pitches] {
        m.advance_to(phase);
        m.refuses(&voter(1), &ballot(&["P01"]), E::WrongPhase, Some(phase.as_str()));
    }
    m.advance_to(Phase::Counted);
    m.refuses(&voter(1), &ballot(&["P01"]), E::WrongPhase, Some("counted"));
    m.advance_to(Phase::Published);
    m.refuses(&voter(1), &ballot(&["P01"]), E::WrongPhase, Some("published"));
}

// ================================================================ annotations

#[test]
fn excluded_without_a_rule_is_refused() {
    let mut m = meeting_in(Phase::Discussion);
    m.refuses(&adviser(1), &annotate("P01", Feasibility::Excluded, None), E::ExclusionRuleRequired, None);
}

#[test]
fn exclusion_rules_are_one_to_seven() {
    let mut m = meeting_in(Phase::Discussion);
    m.refuses(&adviser(1), &annotate("P01", Feasibility::Excluded, Some(8)), E::ExclusionRuleRequired, Some("8"));
    m.refuses(&adviser(1), &annotate("P01", Feasibility::Excluded, Some(0)), E::ExclusionRuleRequired, Some("0"));
    m.refuses(&adviser(1), &annotate("P01", Feasibility::Doubtful, Some(9)), E::ExclusionRuleRequired, Some("9"));
    for rule in 1..=7 {
        m.ok(&adviser(1), &annotate("P01", Feasibility::Excluded, Some(rule)));
        assert_eq!(m.state.annotations["P01"].exclusion_rule, Some(rule));
    }
}

#[test]
fn a_feasible_proposal_takes_no_exclusion_rule() {
    let mut m = meeting_in(Phase::Discussion);
    m.refuses_code(&adviser(1), &annotate("P01", Feasibility::Feasible, Some(2)), E::InvalidField);
    // A doubtful one may point at the rule that may apply.
    m.ok(&adviser(1), &annotate("P01", Feasibility::Doubtful, Some(2)));
}

#[test]
fn a_table_adviser_cannot_annotate_another_tables_proposal() {
    let mut m = meeting_in(Phase::Discussion);
    m.refuses(&adviser(1), &annotate("P05", Feasibility::Feasible, None), E::WrongTable, Some("P05"));
    m.refuses(&adviser(1), &annotate("P99", Feasibility::Feasible, None), E::UnknownProposal, Some("P99"));
    let r = m.ok(&adviser(1), &annotate("P04", Feasibility::Doubtful, None));
    assert!(matches!(&r[0].event, Event::Annotated { by_table: Some(1), .. }));
    assert_eq!(m.state.annotations["P04"].at_ms, m.now);
}

#[test]
fn an_all_tables_adviser_may_annotate_any_proposal() {
    let mut m = meeting_in(Phase::Discussion);
    for p in ["P01", "P05", "P12"] {
        let r = m.ok(&adviser_all(), &annotate(p, Feasibility::Excluded, Some(2)));
        assert!(matches!(&r[0].event, Event::Annotated { by_table: None, .. }));
    }
    assert_eq!(m.state.annotations.len(), 3);
}

#[test]
fn an_annotation_replaces_the_previous_one() {
    let mut m = meeting_in(Phase::Discussion);
    m.ok(&adviser_all(), &annotate("P02", Feasibility::Excluded, Some(7)));
    m.tick(5);
    let cmd = Command::Annotate {
        proposal: "P02".into(),
        feasibility: Feasibility::Feasible,
        exclusion_rule: None,
        reason: "  重新评估  ".into(),
        cost_estimate: Some(12_000),
        remark: "可行".into(),
    };
    m.ok(&adviser(1), &cmd);
    let a = &m.state.annotations["P02"];
    assert_eq!(
        a,
        &Annotation {
            proposal: "P02".into(),
            feasibility: Feasibility::Feasible,
            exclusion_rule: None,
            reason: "重新评估".into(),
            cost_estimate: Some(12_000),
            remark: "可行".into(),
            by_table: Some(1),
            at_ms: m.now,
        }
    );
}

#[test]
fn annotation_fields_are_bounded() {
    let mut m = meeting_in(Phase::Discussion);
    let mut cmd = annotate("P01", Feasibility::Feasible, None);
    if let Command::Annotate { cost_estimate, .. } = &mut cmd {
        *cost_estimate = Some(10_000_000_001);
    }
    m.refuses(&adviser(1), &cmd, E::InvalidField, Some("cost_estimate"));
    let mut cmd = annotate("P01", Feasibility::Feasible, None);
    if let Command::Annotate { reason, .. } = &mut cmd {
        *reason = "理".repeat(2001);
    }
    m.refuses_code(&adviser(1), &cmd, E::InvalidField);
}

#[test]
fn annotations_only_from_check_in_to_pitches() {
    let mut m = meeting();
    let a = annotate("P01", Feasibility::Feasible, None);
    m.refuses(&adviser(1), &a, E::NotOpen, None);
    m.advance_to(Phase::CheckIn);
    m.ok(&adviser(1), &a);
    m.advance_to(Phase::Pitches);
    m.ok(&adviser(1), &a);
    m.advance_to(Phase::Voting);
    m.refuses(&adviser(1), &a, E::WrongPhase, Some("voting"));
}

#[test]
fn an_advisers_exclusion_is_a_recommendation_until_the_organiser_confirms_it() {
    let mut m = Meeting::with(&Opts { budget: 1_000_000, ..Opts::default() });
    m.advance_to(Phase::Discussion);
    m.ok(&adviser_all(), &annotate("P01", Feasibility::Excluded, Some(2)));
    assert!(!m.state.is_excluded("P01"), "one adviser alone excludes nothing");
    m.advance_to(Phase::Voting);
    m.ok(&voter(1), &ballot(&["P01", "P02"]));
    m.advance_to(Phase::Counted);
    let r = m.state.results.clone().unwrap();
    assert_eq!(r.funded, ids(&["P01", "P02"]), "an unconfirmed recommendation changes nothing");
}

#[test]
fn a_confirmed_exclusion_is_never_funded_and_no_phone_can_choose_it() {
    let mut m = Meeting::with(&Opts { budget: 1_000_000, ..Opts::default() });
    m.advance_to(Phase::Discussion);
    let confirm = |rule| Command::ConfirmExclusion { proposal: "P01".into(), rule, reason: String::new() };
    m.refuses(&organiser(), &confirm(2), E::NotRecommended, Some("P01: rule 2"));
    m.ok(
        &adviser_all(),
        &Command::Annotate {
            proposal: "P01".into(),
            feasibility: Feasibility::Excluded,
            exclusion_rule: Some(2),
            reason: "属物业维修范围".into(),
            cost_estimate: None,
            remark: String::new(),
        },
    );
    m.refuses(&adviser_all(), &confirm(2), E::Forbidden, None);
    m.refuses(&organiser(), &confirm(3), E::NotRecommended, Some("P01: rule 3"));
    let recs = m.ok(&organiser(), &confirm(2));
    // The adviser's reason stands when the organiser gives none.
    assert_eq!(
        events(&recs),
        vec![Event::ExclusionConfirmed { proposal: "P01".into(), rule: 2, reason: "属物业维修范围".into() }]
    );
    assert_eq!(m.state.snapshot(&public(), m.now).exclusions.len(), 1, "the room sees it");
    m.set_all_picks();
    m.advance_to(Phase::Voting);
    m.refuses(
        &organiser(),
        &Command::LiftExclusion { proposal: "P01".into(), reason: "x".into() },
        E::WrongPhase,
        Some("voting"),
    );
    m.refuses(&voter(1), &ballot(&["P01", "P02"]), E::ProposalExcluded, Some("P01"));
    m.ok(&voter(1), &ballot(&["P02"]));
    // A paper ballot printed with P01 still counts, and its mark is a vote that funds nothing.
    m.ok(&counter(1), &key_paper(1, "7", &["P01", "P03"]));
    m.ok(&counter(2), &key_paper(1, "7", &["P01", "P03"]));
    m.ok(&counter(1), &finish_paper(1));
    m.ok(&counter(2), &finish_paper(1));
    m.ok(&scrutineer(), &sheets(1, 1));
    m.advance_to(Phase::Counted);
    let r = m.state.results.clone().unwrap();
    let row = r.ranking.iter().find(|x| x.proposal == "P01").unwrap();
    assert_eq!((row.votes, row.funded, row.unfunded_reason.map(|r| r.as_str())), (1, false, Some("excluded")));
    assert_eq!(r.funded, ids(&["P03", "P02"]), "ranking order: the cheaper one first in the tie");
    assert_eq!(m.check_log().unwrap(), m.state);
}

#[test]
fn exclusions_and_costs_are_settled_before_the_vote_and_only_by_the_organiser() {
    let mut m = meeting_in(Phase::Discussion);
    let lift = Command::LiftExclusion { proposal: "P02".into(), reason: "顾问撤回".into() };
    m.refuses(&organiser(), &lift, E::NotExcluded, Some("P02"));
    m.ok(&adviser(1), &annotate("P02", Feasibility::Excluded, Some(6)));
    m.ok(&organiser(), &Command::ConfirmExclusion { proposal: "P02".into(), rule: 6, reason: "不可行".into() });
    m.refuses(
        &organiser(),
        &Command::LiftExclusion { proposal: "P02".into(), reason: " ".into() },
        E::ReasonRequired,
        None,
    );
    m.ok(&organiser(), &lift);
    assert!(!m.state.is_excluded("P02"));
    // The cost: the list's unless the organiser adopts the adviser's estimate.
    let adopt = Command::SetCost { proposal: "P03".into(), source: CostSource::Adviser };
    m.refuses(&organiser(), &adopt, E::NoEstimate, Some("P03"));
    m.ok(
        &adviser(1),
        &Command::Annotate {
            proposal: "P03".into(),
            feasibility: Feasibility::Feasible,
            exclusion_rule: None,
            reason: String::new(),
            cost_estimate: Some(12_345),
            remark: String::new(),
        },
    );
    assert_eq!(m.state.cost("P03"), Some(m.def().proposals[2].cost), "an estimate alone changes nothing");
    m.refuses(&adviser(1), &adopt, E::Forbidden, None);
    m.ok(&organiser(), &adopt);
    assert_eq!(m.state.cost("P03"), Some(12_345));
    let seen = m.state.snapshot(&voter(1), m.now);
    assert_eq!(seen.proposals[2].cost, 12_345, "every screen shows the one cost");
    let list_cost = m.def().proposals[2].cost;
    assert_eq!(seen.adopted_costs, vec![AdoptedCost { proposal: "P03".into(), cost: 12_345, list_cost }]);
    m.set_all_picks();
    m.advance_to(Phase::Voting);
    m.refuses(&organiser(), &adopt, E::WrongPhase, Some("voting"));
    m.refuses(
        &organiser(),
        &Command::SetCost { proposal: "P03".into(), source: CostSource::List },
        E::WrongPhase,
        Some("voting"),
    );
    m.ok(&voter(1), &ballot(&["P03"]));
    m.advance_to(Phase::Counted);
    let r = m.state.results.clone().unwrap();
    assert_eq!(r.ranking[0].cost, 12_345, "the count uses the adopted cost");
}

// ================================================================ notes

#[test]
fn an_empty_note_is_refused() {
    let mut m = meeting_in(Phase::Discussion);
    m.refuses(&recorder(1), &note(1, ""), E::InvalidField, Some("text is empty"));
    m.refuses(&recorder(1), &note(1, "  \n\t "), E::InvalidField, Some("text is empty"));
    m.ok(&recorder(1), &note(1, "x"));
    m.refuses(&recorder(1), &edit(1, "   "), E::InvalidField, Some("text is empty"));
}

#[test]
fn a_note_over_2000_characters_is_refused() {
    let mut m = meeting_in(Phase::Discussion);
    // Characters, not bytes: 2000 Chinese characters are 6000 bytes and fine.
    let ok = "路".repeat(MAX_TEXT_CHARS);
    let r = m.ok(&recorder(1), &note(1, &ok));
    assert!(matches!(&r[0].event, Event::NoteAdded { text, .. } if text.chars().count() == 2000));
    let long = "路".repeat(MAX_TEXT_CHARS + 1);
    m.refuses(&recorder(1), &note(1, &long), E::InvalidField, Some("text: at most 2000 characters"));
    m.refuses(&recorder(1), &edit(1, &long), E::InvalidField, Some("text: at most 2000 characters"));
    // Surrounding whitespace does not count.
    m.ok(&recorder(1), &note(1, &format!("  {ok}\n")));
}

#[test]
fn notes_name_known_proposals() {
    let mut m = meeting_in(Phase::Discussion);
    let cmd = Command::AddNote { table: 1, proposal: Some("P77".into()), tag: NoteTag::Question, text: "?".into() };
    m.refuses(&recorder(1), &cmd, E::UnknownProposal, Some("P77"));
    let cmd = Command::AddNote { table: 1, proposal: Some("P02".into()), tag: NoteTag::Question, text: "?".into() };
    let r = m.ok(&recorder(1), &cmd);
    assert_eq!(ack_result(&r).note, Some(1));
}

#[test]
fn a_note_is_about_one_of_its_tables_proposals() {
    let mut m = meeting_in(Phase::Discussion);
    // P05 is table 2's: table 1's recorder, chair, and the organiser writing for table 1 are refused.
    let cmd = Command::AddNote { table: 1, proposal: Some("P05".into()), tag: NoteTag::Support, text: "好".into() };
    m.refuses(&recorder(1), &cmd, E::WrongTable, Some("P05"));
    m.refuses(&chair(1), &cmd, E::WrongTable, Some("P05"));
    m.refuses(&organiser(), &cmd, E::WrongTable, Some("P05"));
    assert!(m.state.notes.is_empty());
    let cmd = Command::AddNote { table: 2, proposal: Some("P05".into()), tag: NoteTag::Support, text: "好".into() };
    m.ok(&recorder(2), &cmd);
    // When every table sees every proposal, any proposal will do.
    let mut m = Meeting::with(&Opts { assignment: Assignment::AllTables, ..Opts::default() });
    m.advance_to(Phase::Discussion);
    let cmd = Command::AddNote { table: 1, proposal: Some("P12".into()), tag: NoteTag::Support, text: "好".into() };
    m.ok(&recorder(1), &cmd);
}

#[test]
fn a_note_of_another_table_is_not_yours() {
    let mut m = meeting_in(Phase::Discussion);
    m.ok(&recorder(1), &note(1, "一桌的记录"));
    m.refuses(&recorder(2), &edit(1, "改"), E::NotYourNote, Some("1"));
    m.refuses(&chair(2), &Command::WithdrawNote { note: 1 }, E::NotYourNote, Some("1"));
    m.refuses(&adviser(1), &edit(1, "改"), E::Forbidden, None);
    m.refuses(&voter(1), &edit(1, "改"), E::Forbidden, None);
    // Its own table's chair and recorder may edit it.
    m.tick(10);
    m.ok(&chair(1), &edit(1, "桌长改"));
    let n = &m.state.notes[0];
    assert_eq!(
        (n.text.as_str(), n.tag, n.edited_at_ms, n.by),
        ("桌长改", NoteTag::Concern, Some(m.now), Role::Recorder)
    );
}

#[test]
fn a_withdrawn_note_cannot_be_edited() {
    let mut m = meeting_in(Phase::Discussion);
    m.ok(&recorder(1), &note(1, "写错了"));
    m.tick(10);
    m.ok(&recorder(1), &Command::WithdrawNote { note: 1 });
    assert!(m.state.notes[0].withdrawn);
    assert_eq!(m.state.notes[0].edited_at_ms, Some(m.now));
    m.refuses(&recorder(1), &edit(1, "再改"), E::UnknownNote, Some("1 withdrawn"));
    m.refuses(&recorder(1), &Command::WithdrawNote { note: 1 }, E::UnknownNote, Some("1 withdrawn"));
    // It stays in the table's detail, marked withdrawn.
    let d = m.state.table_detail(1);
    assert_eq!(d.notes.len(), 1);
    assert!(d.notes[0].withdrawn);
}

#[test]
fn unknown_notes() {
    let mut m = meeting_in(Phase::Discussion);
    m.refuses(&recorder(1), &edit(1, "x"), E::UnknownNote, Some("1"));
    m.refuses(&recorder(1), &edit(0, "x"), E::UnknownNote, Some("0"));
    m.ok(&recorder(1), &note(1, "x"));
    m.refuses(&recorder(1), &Command::WithdrawNote { note: 2 }, E::UnknownNote, Some("2"));
}

#[test]
fn notes_are_numbered_across_tables() {
    let mut m = meeting_in(Phase::CheckIn);
    let a = m.ok(&recorder(2), &note(2, "a"));
    let b = m.ok(&recorder(1), &note(1, "b"));
    let c = m.ok(&chair(2), &note(2, "c"));
    assert_eq!([ack_result(&a).note, ack_result(&b).note, ack_result(&c).note], [Some(1), Some(2), Some(3)]);
    assert_eq!(m.state.tables[1].notes, vec![1, 3]);
    assert_eq!(m.state.table_detail(2).notes.iter().map(|n| n.text.as_str()).collect::<Vec<_>>(), ["a", "c"]);
}

#[test]
fn notes_only_from_check_in_to_pitches() {
    let mut m = meeting();
    m.refuses(&recorder(1), &note(1, "x"), E::NotOpen, None);
    m.advance_to(Phase::Pitches);
    m.ok(&recorder(1), &note(1, "x"));
    m.advance_to(Phase::Voting);
    m.refuses(&recorder(1), &note(1, "x"), E::WrongPhase, Some("voting"));
    m.refuses(&recorder(1), &edit(1, "y"), E::WrongPhase, Some("voting"));
    m.refuses(&recorder(1), &Command::WithdrawNote { note: 1 }, E::WrongPhase, Some("voting"));
}

// ================================================================ speaking queue

#[test]
fn start_with_nobody_waiting() {
    let mut m = meeting_in(Phase::Discussion);
    m.refuses(&chair(1), &start_next(1), E::NobodyWaiting, None);
    m.ok(&chair(1), &queue(1, "A"));
    m.ok(&chair(1), &start_next(1));
    m.refuses(&chair(1), &start_next(1), E::NobodyWaiting, None);
    // Someone waiting at another table does not count.
    m.ok(&chair(2), &queue(2, "B"));
    m.refuses(&chair(1), &start_next(1), E::NobodyWaiting, None);
}

#[test]
fn stop_with_nobody_speaking() {
    let mut m = meeting_in(Phase::Discussion);
    m.refuses(&chair(1), &stop(1), E::NobodySpeaking, None);
    m.ok(&chair(1), &queue(1, "A"));
    m.refuses(&chair(1), &stop(1), E::NobodySpeaking, None);
    m.ok(&chair(1), &start_next(1));
    m.ok(&chair(1), &stop(1));
    m.refuses(&chair(1), &stop(1), E::NobodySpeaking, None);
}

#[test]
fn starting_the_next_speaker_ends_the_current_turn_and_the_balance_accumulates() {
    let mut m = meeting_in(Phase::Discussion);
    let c = chair(1);
    m.at(100_000);
    m.ok(&c, &queue(1, "张"));
    m.ok(&c, &queue(1, "李"));
    m.ok(&c, &queue(1, "张"));
    m.at(101_000);
    let r = m.ok(&c, &start_next(1));
    assert_eq!(events(&r), vec![Event::SpeakerStarted { table: 1, entry: 1 }]);
    assert_eq!(m.state.table_summaries()[0].speaking.as_deref(), Some("张"));
    m.at(161_000); // 张 spoke 60 s
    let r = m.ok(&c, &start_next(1));
    assert_eq!(
        events(&r),
        vec![Event::SpeakerStopped { table: 1, entry: 1 }, Event::SpeakerStarted { table: 1, entry: 2 }]
    );
    assert_eq!(m.state.table_summaries()[0].speaking.as_deref(), Some("李"));
    m.at(191_000); // 李 spoke 30 s
    m.ok(&c, &start_next(1));
    m.at(231_000); // 张 again, 40 s
    m.ok(&c, &stop(1));
    assert_eq!(m.state.table_summaries()[0].speaking, None);

    let d = m.state.table_detail(1);
    assert_eq!(
        d.balance,
        vec![
            SpeakerBalance { name: "张".into(), turns: 2, total_ms: 100_000 },
            SpeakerBalance { name: "李".into(), turns: 1, total_ms: 30_000 },
        ]
    );
    let q: Vec<_> =
        d.queue.iter().map(|e| (e.entry, e.state, e.queued_at_ms, e.started_at_ms, e.ended_at_ms)).collect();
    assert_eq!(
        q,
        vec![
            (1, TurnState::Done, T0 + 100_000, Some(T0 + 101_000), Some(T0 + 161_000)),
            (2, TurnState::Done, T0 + 100_000, Some(T0 + 161_000), Some(T0 + 191_000)),
            (3, TurnState::Done, T0 + 100_000, Some(T0 + 191_000), Some(T0 + 231_000)),
        ]
    );
    // The other tables' balances are untouched.
    assert!(m.state.table_detail(2).balance.is_empty());
}

#[test]
fn starting_a_chosen_entry() {
    let mut m = meeting_in(Phase::Discussion);
    let c = chair(2);
    m.ok(&c, &queue(2, "A"));
    m.ok(&c, &queue(2, "B"));
    let r = m.ok(&c, &Command::StartSpeaker { table: 2, entry: Some(2) });
    assert_eq!(events(&r), vec![Event::SpeakerStarted { table: 2, entry: 2 }]);
    // The one speaking is not waiting; an entry of another table is unknown here.
    m.refuses(&c, &Command::StartSpeaker { table: 2, entry: Some(2) }, E::UnknownEntry, Some("2"));
    m.ok(&chair(1), &queue(1, "C"));
    m.refuses(&c, &Command::StartSpeaker { table: 2, entry: Some(3) }, E::UnknownEntry, Some("3"));
    m.refuses(&c, &Command::StartSpeaker { table: 2, entry: Some(42) }, E::UnknownEntry, Some("42"));
}

#[test]
fn removing_speakers() {
    let mut m = meeting_in(Phase::Discussion);
    let c = chair(1);
    m.ok(&c, &queue(1, "A"));
    m.ok(&c, &queue(1, "B"));
    m.ok(&c, &queue(1, "C"));
    // Removing a waiting entry drops it from the queue shown.
    let r = m.ok(&c, &Command::RemoveSpeaker { table: 1, entry: 2 });
    assert_eq!(events(&r), vec![Event::SpeakerRemoved { table: 1, entry: 2 }]);
    assert_eq!(m.state.table_detail(1).queue.iter().map(|e| e.entry).collect::<Vec<_>>(), [1, 3]);
    // Removing the one speaking ends the turn (and counts it).
    m.ok(&c, &start_next(1));
    m.tick(5_000);
    let r = m.ok(&c, &Command::RemoveSpeaker { table: 1, entry: 1 });
    assert_eq!(events(&r), vec![Event::SpeakerStopped { table: 1, entry: 1 }]);
    assert_eq!(m.state.table_detail(1).balance, vec![SpeakerBalance { name: "A".into(), turns: 1, total_ms: 5_000 }]);
    // Done, removed, or unknown entries cannot be removed.
    for e in [1, 2, 99] {
        m.refuses(&c, &Command::RemoveSpeaker { table: 1, entry: e }, E::UnknownEntry, Some(&e.to_string()));
    }
    // Start next skips the removed entry.
    let r = m.ok(&c, &start_next(1));
    assert_eq!(events(&r), vec![Event::SpeakerStarted { table: 1, entry: 3 }]);
}

#[test]
fn queue_entries_are_numbered_across_the_meeting() {
    let mut m = meeting_in(Phase::CheckIn);
    let a = m.ok(&chair(1), &queue(1, "A"));
    let b = m.ok(&chair(3), &queue(3, "B"));
    let c = m.ok(&chair(1), &queue(1, "C"));
    assert_eq!([ack_result(&a).entry, ack_result(&b).entry, ack_result(&c).entry], [Some(1), Some(2), Some(3)]);
}

#[test]
fn speaker_names_are_1_to_40_characters() {
    let mut m = meeting_in(Phase::Discussion);
    m.refuses(&chair(1), &queue(1, "  "), E::InvalidField, Some("name: 1..=40 characters"));
    m.refuses(&chair(1), &queue(1, &"名".repeat(41)), E::InvalidField, Some("name: 1..=40 characters"));
    m.refuses(&chair(1), &queue(1, "a\u{7}b"), E::InvalidField, Some("name: 1..=40 characters"));
    m.ok(&chair(1), &queue(1, &"名".repeat(40)));
    m.ok(&chair(1), &queue(1, " 5号 "));
    assert_eq!(m.state.tables[0].queue[1].name, "5号");
}

#[test]
fn the_queue_runs_from_check_in_to_picks_but_a_turn_can_always_be_ended() {
    let mut m = meeting();
    m.refuses(&chair(1), &queue(1, "A"), E::NotOpen, None);
    m.advance_to(Phase::Picks);
    m.ok(&chair(1), &queue(1, "A"));
    m.ok(&chair(1), &queue(1, "B"));
    m.ok(&chair(1), &start_next(1));
    m.advance_to(Phase::Pitches);
    m.refuses(&chair(1), &queue(1, "C"), E::WrongPhase, Some("pitches"));
    m.refuses(&chair(1), &start_next(1), E::WrongPhase, Some("pitches"));
    // The turn still running when table work ended was stopped by the phase
    // change (its talk time counted); a waiting entry can still be dropped.
    assert_eq!(m.state.tables[0].balance.len(), 1);
    assert!(m.state.tables[0].queue.iter().all(|e| e.state != TurnState::Speaking));
    m.refuses(&chair(1), &stop(1), E::NobodySpeaking, None);
    m.ok(&chair(1), &Command::RemoveSpeaker { table: 1, entry: 2 });
}

// ================================================================ timers

#[test]
fn timer_pause_resume_extend_arithmetic() {
    let mut m = meeting_in(Phase::CheckIn);
    let o = organiser();
    m.at(1_000);
    m.ok(&o, &Command::StartTimer { label: " 休息 ".into(), minutes: 10 });
    let t = m.state.timer.clone().unwrap();
    assert_eq!(
        t,
        Timer {
            label: "休息".into(),
            duration_ms: 600_000,
            started_at_ms: T0 + 1_000,
            used_before_ms: 0,
            paused: false
        }
    );
    assert_eq!(t.remaining_ms(T0 + 61_000), 540_000);

    m.at(61_000);
    m.ok(&o, &Command::PauseTimer);
    let t = m.state.timer.clone().unwrap();
    assert_eq!((t.used_before_ms, t.paused), (60_000, true));
    assert_eq!(t.remaining_ms(T0 + 999_000), 540_000, "a paused timer does not run");
    m.refuses(&o, &Command::PauseTimer, E::NoTimer, None);

    m.at(100_000);
    m.ok(&o, &Command::ResumeTimer);
    let t = m.state.timer.clone().unwrap();
    assert_eq!((t.started_at_ms, t.used_before_ms, t.paused), (T0 + 100_000, 60_000, false));
    assert_eq!(t.remaining_ms(T0 + 160_000), 480_000);
    m.refuses(&o, &Command::ResumeTimer, E::NoTimer, None);

    m.at(160_000);
    m.ok(&o, &Command::ExtendTimer { minutes: 5 });
    let t = m.state.timer.clone().unwrap();
    assert_eq!(t.duration_ms, 900_000);
    assert_eq!(t.remaining_ms(T0 + 160_000), 780_000);

    // Pause again: the second run adds to the time used.
    m.at(220_000);
    m.ok(&o, &Command::PauseTimer);
    let t = m.state.timer.clone().unwrap();
    assert_eq!(t.used_before_ms, 60_000 + 120_000);
    assert_eq!(t.remaining_ms(T0 + 500_000), 900_000 - 180_000);
    // Extending a paused timer is fine, it stays paused.
    m.ok(&o, &Command::ExtendTimer { minutes: 1 });
    assert!(m.state.timer.as_ref().unwrap().paused);
    assert_eq!(m.state.timer.as_ref().unwrap().duration_ms, 960_000);

    // Running out goes negative.
    m.at(300_000);
    m.ok(&o, &Command::ResumeTimer);
    let t = m.state.timer.clone().unwrap();
    assert_eq!(t.remaining_ms(T0 + 300_000 + 780_000 + 1), -1);

    // Restarting replaces the timer.
    m.at(400_000);
    m.ok(&o, &Command::StartTimer { label: "讨论".into(), minutes: 1 });
    let t = m.state.timer.clone().unwrap();
    assert_eq!(
        t,
        Timer {
            label: "讨论".into(),
            duration_ms: 60_000,
            started_at_ms: T0 + 400_000,
            used_before_ms: 0,
            paused: false
        }
    );
}

#[test]
fn timer_commands_without_a_timer_are_no_timer() {
    let mut m = meeting_in(Phase::CheckIn);
    m.refuses(&organiser(), &Command::PauseTimer, E::NoTimer, None);
    m.refuses(&organiser(), &Command::ResumeTimer, E::NoTimer, None);
    m.refuses(&organiser(), &Command::ExtendTimer { minutes: 3 }, E::NoTimer, None);
}

#[test]
fn timer_minutes_and_labels_are_bounded() {
    let mut m = meeting_in(Phase::CheckIn);
    let o = organiser();
    m.refuses(
        &o,
        &Command::StartTimer { label: "x".into(), minutes: 0 },
        E::InvalidField,
        Some("minutes must be 1..=600"),
    );
    m.refuses(
        &o,
        &Command::StartTimer { label: "x".into(), minutes: 601 },
        E::InvalidField,
        Some("minutes must be 1..=600"),
    );
    m.refuses(
        &o,
        &Command::StartTimer { label: "".into(), minutes: 5 },
        E::InvalidField,
        Some("label: 1..=40 characters"),
    );
    m.ok(&o, &Command::StartTimer { label: "x".into(), minutes: 600 });
    m.refuses(&o, &Command::ExtendTimer { minutes: 0 }, E::InvalidField, Some("minutes must be 1..=120"));
    m.refuses(&o, &Command::ExtendTimer { minutes: 121 }, E::InvalidField, Some("minutes must be 1..=120"));
    m.ok(&o, &Command::ExtendTimer { minutes: 120 });
    assert_eq!(m.state.timer.as_ref().unwrap().duration_ms, 720 * 60_000);
}

#[test]
fn timers_run_from_check_in_to_voting() {
    let mut m = meeting();
    let start = Command::StartTimer { label: "x".into(), minutes: 5 };
    m.refuses(&organiser(), &start, E::NotOpen, None);
    m.advance_to(Phase::Voting);
    m.ok(&organiser(), &start);
    m.advance_to(Phase::Counted);
    assert!(m.state.timer.is_none(), "counting clears the timer");
    m.refuses(&organiser(), &start, E::WrongPhase, Some("counted"));
    m.advance_to(Phase::Published);
    m.refuses(&organiser(), &start, E::WrongPhase, Some("published"));
}

// ================================================================ counting

#[test]
fn counting_computes_results_with_the_log_head_as_lot_seed() {
    let mut m = Meeting::with(&Opts { tie_break: TieBreak::Lot, budget: 60_000, ..Opts::default() });
    m.advance_to(Phase::Voting);
    m.ok(&organiser(), &Command::StartTimer { label: "投票".into(), minutes: 20 });
    for (v, b) in [(1, ["P01", "P02"]), (2, ["P03", "P04"]), (3, ["P05", "P06"])] {
        m.ok(&voter(v), &ballot(&b));
    }
    let head = m.head();
    let ctx = m.ctx();
    assert_eq!(ctx.head, head);
    let recs = m.ok(&organiser(), &advance(Phase::Counted));
    // The timer is cleared first; the seed is the head when the command was decided.
    assert_eq!(
        events(&recs),
        vec![
            Event::TimerCleared,
            Event::PhaseChanged { from: Phase::Voting, to: Phase::Counted, lot_seed: Some(head.clone()) }
        ]
    );
    let r = m.state.results.clone().expect("results once counted");
    assert_eq!(r.closed_at_head, head);
    assert_eq!(r, count(&m.state.counted_definition().unwrap(), &m.state.count_input(), &head));
    check_results(m.def(), &m.state.tally, 3, &m.state.count_input().excluded, &head, &r);
    // Six proposals tie on one vote each: their order is the lot's.
    assert_eq!(r.ties.len(), 1);
    let mut expected: Vec<ProposalId> = (1..=6).map(pid).collect();
    expected.sort_by_key(|p| lot(&head, p));
    assert_eq!(r.ties[0].proposals, expected);
    assert_eq!(r.ranking[..6].iter().map(|x| x.proposal.clone()).collect::<Vec<_>>(), expected);

    // A different head would have given a different seed (and is recorded as such).
    let other = Ctx { now_ms: m.now, head: "ab".repeat(32) };
    let alt = {
        let mut s = State::replay(&m.log[..m.log.len() - 2]);
        assert_eq!(s.phase, Phase::Voting);
        let evs = s.decide(&organiser(), &advance(Phase::Counted), &other).unwrap();
        assert!(evs.contains(&Event::PhaseChanged {
            from: Phase::Voting,
            to: Phase::Counted,
            lot_seed: Some("ab".repeat(32))
        }));
        for (i, e) in evs.into_iter().enumerate() {
            s.evolve(&yuanzhuo_engine::Recorded {
                seq: 1000 + i as u64,
                at_ms: m.now,
                hash: format!("{i:064}"),
                event: e,
            });
        }
        s.results.unwrap()
    };
    assert_eq!(alt.closed_at_head, "ab".repeat(32));
    check_results(m.def(), &m.state.tally, 3, &m.state.count_input().excluded, &"ab".repeat(32), &alt);

    // Results stay through publication.
    m.advance_to(Phase::Published);
    assert_eq!(m.state.results, Some(r));
}

#[test]
fn counting_with_no_ballots_funds_nothing() {
    let mut m = meeting();
    m.advance_to(Phase::Counted);
    let r = m.state.results.clone().unwrap();
    assert_eq!(r.ballots, 0);
    assert!(r.funded.is_empty());
    assert_eq!(r.total_cost, 0);
    assert!(r.ranking.iter().all(|x| x.unfunded_reason.map(|r| r.as_str()) == Some("no_votes") && x.rank == 1));
    assert!(r.ties.is_empty(), "zero-vote proposals are not reported as a tie");
}

#[test]
fn no_results_before_counting() {
    let mut m = meeting_in(Phase::Voting);
    m.ok(&voter(1), &ballot(&["P01"]));
    assert!(m.state.results.is_none());
    assert!(m.state.snapshot(&organiser(), m.now).results.is_none());
}

// ================================================================ views

fn all_viewers() -> Vec<yuanzhuo_engine::Actor> {
    vec![
        organiser(),
        chair(1),
        recorder(2),
        adviser(3),
        adviser_all(),
        voter(1),
        voter(2),
        scrutineer(),
        projector(),
        public(),
    ]
}

/// A meeting with some activity at every table, in voting, with two ballots.
fn busy_meeting(tally: TallyVisibility) -> Meeting {
    let mut m = Meeting::with(&Opts { tally, ..Opts::default() });
    m.advance_to(Phase::Discussion);
    for t in 1..=3 {
        m.ok(&chair(t), &queue(t, "A"));
        m.ok(&recorder(t), &note(t, "记录"));
    }
    m.set_all_picks();
    m.advance_to(Phase::Voting);
    m.ok(&voter(1), &ballot(&["P01", "P02"]));
    m.ok(&voter(2), &ballot(&["P01"]));
    m
}

#[test]
fn a_hidden_tally_is_hidden_from_the_projector_until_counted() {
    let mut m = busy_meeting(TallyVisibility::HiddenUntilClose);
    for v in all_viewers() {
        let s = m.state.snapshot(&v, m.now);
        assert_eq!(s.tally, None, "{} sees a hidden tally", v.key());
    }
    // Turnout is not hidden from watchers.
    assert_eq!(m.state.snapshot(&projector(), m.now).turnout.ballots, 2);
    // The live update of a ballot carries no tally either.
    let mut ch = Changed::default();
    let r = m.ok(&voter(3), &ballot(&["P02"]));
    ch.add(&r[0].event);
    for (aud, u) in m.state.updates(&ch, m.now) {
        assert_eq!(u.tally, None, "{aud:?} update carries a hidden tally");
    }
    m.advance_to(Phase::Counted);
    let s = m.state.snapshot(&projector(), m.now);
    let t = s.tally.expect("shown once counted");
    assert_eq!(t.ballots, 3);
    assert_eq!((t.counts["P01"], t.counts["P02"], t.counts["P03"]), (2, 2, 0));
    assert!(s.results.is_some());
}

#[test]
fn a_live_tally_is_shown_to_the_projector_during_voting() {
    let m = busy_meeting(TallyVisibility::Live);
    let t = m.state.snapshot(&projector(), m.now).tally.unwrap();
    assert_eq!((t.ballots, t.counts["P01"], t.counts["P02"]), (2, 2, 1));
    assert_eq!(t.counts.len(), 12, "every proposal, zeros included");
    assert_eq!(m.state.snapshot(&public(), m.now).tally, Some(t));
}

#[test]
fn voters_never_see_the_tally_or_table_details() {
    for tally in [TallyVisibility::Live, TallyVisibility::HiddenUntilClose] {
        let mut m = busy_meeting(tally);
        for phase in [Phase::Voting, Phase::Counted, Phase::Published] {
            m.advance_to(phase);
            for v in [voter(1), voter(30)] {
                let s = m.state.snapshot(&v, m.now);
                assert_eq!(s.tally, None);
                assert!(s.table_details.is_empty());
                assert_eq!(s.turnout, Turnout::default());
                assert_eq!(s.results.is_some(), phase >= Phase::Counted, "voters see the results");
            }
            assert!(!Audience::Watchers.includes(&voter(1)));
            for t in 1..=3 {
                assert!(!Audience::Table(t).includes(&voter(1)));
            }
        }
        assert_eq!(m.state.snapshot(&voter(1), m.now).my_ballot.unwrap().choices, ids(&["P01", "P02"]));
    }
}

#[test]
fn a_chair_sees_only_its_own_tables_detail() {
    let m = busy_meeting(TallyVisibility::Live);
    let tables_seen = |v: &yuanzhuo_engine::Actor| -> Vec<TableNo> {
        m.state.snapshot(v, m.now).table_details.iter().map(|d| d.table).collect()
    };
    assert_eq!(tables_seen(&chair(1)), [1]);
    assert_eq!(tables_seen(&chair(2)), [2]);
    assert_eq!(tables_seen(&recorder(2)), [2]);
    assert_eq!(tables_seen(&adviser(3)), [3]);
    assert_eq!(tables_seen(&adviser_all()), [1, 2, 3]);
    assert_eq!(tables_seen(&organiser()), [1, 2, 3]);
    assert_eq!(tables_seen(&scrutineer()), [1, 2, 3]);
    assert!(tables_seen(&projector()).is_empty());
    assert!(tables_seen(&public()).is_empty());
    let s = m.state.snapshot(&chair(1), m.now);
    assert_eq!(s.table_details[0], m.state.table_detail(1));
    assert_eq!(s.table_details[0].notes.len(), 1);
    // Every role sees every table's summary (picks are public).
    assert_eq!(s.tables.len(), 3);
    assert_eq!(s.tables[1].picks, ids(&["P05", "P06", "P07"]));
    // And a table's detail updates reach only that table's people.
    assert!(Audience::Table(1).includes(&chair(1)));
    assert!(!Audience::Table(2).includes(&chair(1)));
    assert!(!Audience::Table(1).includes(&projector()));
}

#[test]
fn the_snapshot_reflects_the_log_position_and_fingerprint() {
    let mut m = meeting();
    let s = m.state.snapshot(&projector(), 5);
    let at = m.log.len() as u64;
    assert_eq!((s.seq, s.log_head.as_str(), s.fingerprint.as_str()), (at, m.head().as_str(), ""));
    assert_eq!(s.server_now_ms, 5);
    m.advance_to(Phase::CheckIn);
    let s = m.state.snapshot(&projector(), 6);
    assert_eq!(s.seq, at + 2);
    assert_eq!(s.log_head, m.head());
    assert_eq!(s.fingerprint, fingerprint(m.def()));
    assert_eq!(s.rules, m.def().rules);
    assert_eq!(s.proposals, m.def().proposals);
}

// ================================================================ count edge cases

#[test]
fn count_does_not_overflow_on_huge_costs() {
    // A proposal whose cost is near u64::MAX must be "does_not_fit", not
    // wrap the running total around (release) or panic (debug).
    let o = Opts { tables: 1, proposals: 3, picks_per_table: 1, budget: 100, ..Opts::default() };
    let def = definition_with_costs(&o, &[60, u64::MAX, 30]);
    let tally: BTreeMap<ProposalId, u64> =
        [("P01", 3), ("P02", 2), ("P03", 1)].iter().map(|(k, v)| (k.to_string(), *v)).collect();
    let r = std::panic::catch_unwind(|| count(&def, &count_input(&tally, vec![vec![]; 3]), ""));
    let r = r.expect("count panicked on a huge cost (u64 overflow in `running + p.cost`)");
    assert_eq!(r.funded, ids(&["P01", "P03"]));
    assert_eq!(r.total_cost, 90);
}

#[test]
fn a_chair_signals_ready_or_more_time_until_the_phase_changes() {
    let mut m = meeting_in(Phase::Discussion);
    let signal = |table, s| Command::SignalTable { table, signal: s };
    let r = m.ok(&chair(1), &signal(1, Some(TableSignal::MoreTime)));
    assert!(matches!(&r[0].event, Event::TableSignalled { table: 1, signal: Some(TableSignal::MoreTime) }));
    m.ok(&chair(2), &signal(2, Some(TableSignal::Ready)));
    m.refuses(&chair(1), &signal(2, Some(TableSignal::Ready)), E::WrongTable, Some("2"));
    m.refuses(&recorder(1), &signal(1, Some(TableSignal::Ready)), E::Forbidden, None);
    let tables = m.state.snapshot(&organiser(), m.now).tables;
    assert_eq!(tables[0].signal, Some(TableSignal::MoreTime));
    assert_eq!(tables[1].signal, Some(TableSignal::Ready));
    // Taken back.
    m.ok(&chair(1), &signal(1, None));
    assert_eq!(m.state.snapshot(&organiser(), m.now).tables[0].signal, None);
    // A new phase starts with no word from anyone.
    m.advance_to(Phase::Picks);
    assert!(m.state.snapshot(&organiser(), m.now).tables.iter().all(|t| t.signal.is_none()));
    m.ok(&chair(2), &signal(2, Some(TableSignal::Ready)));
    m.advance_to(Phase::Pitches);
    m.refuses(&chair(2), &signal(2, Some(TableSignal::Ready)), E::WrongPhase, Some("pitches"));
    // The JSON the chair's page sends.
    let c: Command = serde_json::from_str(r#"{"kind":"signal_table","table":1,"signal":"more_time"}"#).unwrap();
    assert_eq!(c, signal(1, Some(TableSignal::MoreTime)));
}
