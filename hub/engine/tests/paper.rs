//! The counting desk: paper ballots keyed twice, void ballots, ballot
//! numbers used once, sticker boards, and the hand count of sheets that the
//! vote's close waits for.

mod common;

use common::*;
use yuanzhuo_engine::protocol::*;
use yuanzhuo_engine::Event;

fn voting() -> Meeting {
    // 3 tables, 12 proposals, at most 4 choices.
    let mut m = Meeting::with(&Opts::default());
    m.advance_to(Phase::Voting);
    m
}

/// Both counters key `ballots` into batch 1 and finish.
fn key_both(m: &mut Meeting, batch: u32, ballots: &[(&str, &[&str])]) -> Vec<Event> {
    for desk in [1, 2] {
        for (n, marks) in ballots {
            m.ok(&counter(desk), &key_paper(batch, n, marks));
        }
    }
    m.ok(&counter(1), &finish_paper(batch));
    events(&m.ok(&counter(2), &finish_paper(batch)))
}

#[test]
fn two_copies_that_agree_count_and_a_ballot_over_the_limit_is_void_with_its_reason() {
    let mut m = voting();
    let evs = key_both(
        &mut m,
        1,
        &[
            ("1", &["P01", "P02"]),
            ("2", &["P01", "P02", "P03", "P04", "P05"]),
            ("3", &[]),
            ("4", &["P09", "P09"]),
            ("5", &["P03", "P77"]),
        ],
    );
    let Some(Event::PaperAgreed { batch: 1, ballots }) = evs.last() else { panic!("agreed: {evs:?}") };
    let verdicts: Vec<(&str, Option<&str>)> =
        ballots.iter().map(|b| (b.number.as_str(), b.void.map(|r| r.as_str()))).collect();
    assert_eq!(
        verdicts,
        vec![
            ("1", None),
            ("2", Some("over_limit")),
            ("3", Some("blank")),
            ("4", Some("repeated_mark")),
            ("5", Some("unknown_proposal"))
        ]
    );
    // Never trimmed: the void ballot keeps all five marks, and none of them counts.
    assert_eq!(ballots[1].marks.len(), 5);
    assert_eq!((m.state.tally["P01"], m.state.tally["P02"], m.state.tally["P05"]), (1, 1, 0));
    let t = m.state.turnout();
    assert_eq!((t.ballots, t.paper, t.void), (5, 5, 4));
    assert_eq!(m.state.counted_ballots(), 1);
}

#[test]
fn marks_typed_in_lower_case_or_full_width_are_the_proposal_meant_and_a_mark_matching_none_stays_void() {
    let mut m = voting();
    let evs = key_both(&mut m, 1, &[("1", &["p01", "Ｐ０２"]), ("2", &["P03", "q03"])]);
    let Some(Event::PaperAgreed { ballots, .. }) = evs.last() else { panic!("agreed: {evs:?}") };
    assert_eq!(ballots[0].marks, vec!["P01".to_string(), "P02".to_string()]);
    assert_eq!(ballots[0].void, None);
    assert_eq!(ballots[1].marks, vec!["P03".to_string(), "q03".to_string()], "kept as typed, never guessed");
    assert_eq!(ballots[1].void.map(|r| r.as_str()), Some("unknown_proposal"));
    assert_eq!((m.state.tally["P01"], m.state.tally["P02"], m.state.tally["P03"]), (1, 1, 0));
}

#[test]
fn copies_that_differ_are_flagged_and_count_only_once_corrected() {
    let mut m = voting();
    m.ok(&counter(1), &key_paper(1, "1", &["P01"]));
    m.ok(&counter(1), &key_paper(1, "2", &["P02", "P03"]));
    m.ok(&counter(2), &key_paper(1, "1", &["P01"]));
    m.ok(&counter(2), &key_paper(1, "2", &["P02", "P04"]));
    m.ok(&counter(2), &key_paper(1, "3", &["P05"]));
    m.ok(&counter(1), &finish_paper(1));
    let evs = events(&m.ok(&counter(2), &finish_paper(1)));
    let Some(Event::PaperDisputed { differences, .. }) = evs.last() else { panic!("disputed: {evs:?}") };
    let d: Vec<(&str, &str)> = differences.iter().map(|x| (x.at.as_str(), x.reason.as_str())).collect();
    assert_eq!(d, vec![("2", "marks_differ"), ("3", "only_in_one")]);
    assert_eq!(m.state.tally["P01"], 0, "a disputed batch counts nothing");
    // The close waits.
    m.refuses_code(&organiser(), &advance(Phase::Counted), ErrorCode::PaperOpen);
    // Re-checked against the paper: counter 1 misread ballot 2 and missed 3.
    m.ok(&counter(1), &key_paper(1, "2", &["P02", "P04"]));
    m.ok(&counter(1), &key_paper(1, "3", &["P05"]));
    let evs = events(&m.ok(&counter(1), &finish_paper(1)));
    assert!(matches!(evs.last(), Some(Event::PaperAgreed { .. })), "{evs:?}");
    assert_eq!((m.state.tally["P02"], m.state.tally["P04"], m.state.tally["P03"]), (1, 1, 0));
    // Agreed is final.
    m.refuses_code(&counter(2), &key_paper(1, "9", &["P01"]), ErrorCode::BatchAgreed);
    m.refuses_code(&counter(1), &finish_paper(1), ErrorCode::BatchAgreed);
}

#[test]
fn a_ballot_number_counts_once_across_batches() {
    let mut m = voting();
    key_both(&mut m, 1, &[("17", &["P01"])]);
    let r = m.rejects(&counter(1), &key_paper(2, "17", &["P02"]));
    assert_eq!((r.code, r.detail.as_deref()), (ErrorCode::BallotNumberUsed, Some("17: batch 1")));
    // Keyed into two open batches at once: caught when the second agrees.
    m.ok(&counter(1), &key_paper(2, "18", &["P01"]));
    m.ok(&counter(1), &key_paper(3, "18", &["P01"]));
    m.ok(&counter(2), &key_paper(2, "18", &["P01"]));
    m.ok(&counter(2), &key_paper(3, "18", &["P01"]));
    for b in [2, 3] {
        m.ok(&counter(1), &finish_paper(b));
    }
    assert!(matches!(events(&m.ok(&counter(2), &finish_paper(2))).last(), Some(Event::PaperAgreed { .. })));
    let evs = events(&m.ok(&counter(2), &finish_paper(3)));
    let Some(Event::PaperDisputed { differences, .. }) = evs.last() else { panic!("{evs:?}") };
    assert_eq!((differences[0].at.as_str(), differences[0].reason.as_str()), ("18", "number_used"));
}

#[test]
fn a_batch_is_keyed_by_two_counters_only_and_only_by_counters() {
    let mut m = voting();
    m.ok(&counter(1), &key_paper(1, "1", &["P01"]));
    m.ok(&counter(2), &key_paper(1, "1", &["P01"]));
    let r = m.rejects(&counter(3), &key_paper(1, "1", &["P01"]));
    assert_eq!((r.code, r.detail.as_deref()), (ErrorCode::BatchTaken, Some("counters 1, 2")));
    // What it is about, as data for the pages: the batch and the two desks.
    assert_eq!(*r.about.unwrap(), ErrorAbout { counters: vec![1, 2], ..ErrorAbout::unit(PaperKind::Batch, 1) });
    for who in [organiser(), voter(1), chair(1)] {
        m.refuses_code(&who, &key_paper(1, "2", &["P01"]), ErrorCode::Forbidden);
    }
    m.refuses_code(&scrutineer(), &key_paper(1, "2", &["P01"]), ErrorCode::ReadOnly);
    m.refuses_code(&projector(), &sheets(1, 1), ErrorCode::ReadOnly);
    m.refuses_code(&counter(1), &sheets(1, 1), ErrorCode::Forbidden);
    m.refuses_code(&counter(1), &finish_paper(9), ErrorCode::UnknownBatch);
    m.refuses_code(&counter(1), &Command::RemovePaper { batch: 1, number: "7".into() }, ErrorCode::UnknownPaperBallot);
    m.refuses_code(&counter(1), &key_paper(0, "1", &["P01"]), ErrorCode::InvalidField);
    m.refuses_code(&counter(1), &key_paper(1, " ", &["P01"]), ErrorCode::InvalidField);
    m.ok(&counter(1), &finish_paper(1));
    m.refuses_code(&counter(1), &finish_paper(1), ErrorCode::CopyFinished);
    // Correcting reopens the copy.
    m.ok(&counter(1), &Command::RemovePaper { batch: 1, number: "1".into() });
    assert!(!m.state.desk.batches[&1].copies[&1].finished);
}

#[test]
fn the_vote_closes_only_when_the_keyed_ballots_match_the_sheets_counted() {
    let mut m = voting();
    key_both(&mut m, 1, &[("1", &["P01"]), ("2", &["P02"])]);
    let r = m.rejects(&organiser(), &advance(Phase::Counted));
    assert_eq!(
        (r.code, r.detail.as_deref()),
        (ErrorCode::PaperCountMismatch, Some("batch 1: no sheet count from the scrutineer"))
    );
    m.ok(&scrutineer(), &sheets(1, 3));
    let r = m.rejects(&organiser(), &advance(Phase::Counted));
    assert_eq!(
        (r.code, r.detail.as_deref()),
        (ErrorCode::PaperCountMismatch, Some("batch 1: 2 keyed, 3 sheets counted"))
    );
    // The scrutineer counts again: two sheets after all.
    m.ok(&scrutineer(), &sheets(1, 2));
    m.ok(&voter(1), &ballot(&["P01", "P03"]));
    m.ok(&organiser(), &advance(Phase::Counted));
    let r = m.state.results.clone().unwrap();
    assert_eq!((r.ballots, r.paper, r.void), (3, 2, 0));
    assert_eq!(r.ranking[0].proposal, "P01");
    assert_eq!(r.ranking[0].votes, 2);
    // Sheets counted for a batch nobody keyed block the close too.
    let mut m = voting();
    m.ok(&scrutineer(), &sheets(4, 30));
    m.refuses_code(&organiser(), &advance(Phase::Counted), ErrorCode::PaperOpen);
}

#[test]
fn a_sticker_board_counts_once_two_readings_agree() {
    let mut m = voting();
    m.ok(&counter(1), &key_board(1, &[("P01", 12), ("P02", 5), ("P03", 0)]));
    let evs = events(&m.ok(&counter(2), &key_board(1, &[("P01", 12), ("P02", 6)])));
    let Some(Event::BoardDisputed { differences, .. }) = evs.last() else { panic!("{evs:?}") };
    assert_eq!(differences[0].at, "P02");
    m.refuses_code(&organiser(), &advance(Phase::Counted), ErrorCode::PaperOpen);
    let evs = events(&m.ok(&counter(2), &key_board(1, &[("P01", 12), ("P02", 5)])));
    assert!(matches!(evs.last(), Some(Event::BoardAgreed { .. })), "{evs:?}");
    assert_eq!((m.state.tally["P01"], m.state.tally["P02"]), (12, 5));
    m.refuses_code(&counter(1), &key_board(1, &[("P01", 1)]), ErrorCode::BatchAgreed);
    m.refuses_code(&counter(1), &key_board(2, &[("P99", 1)]), ErrorCode::UnknownProposal);
    m.ok(&organiser(), &advance(Phase::Counted));
    let r = m.state.results.clone().unwrap();
    assert_eq!((r.ballots, r.stickers), (0, 17));
    assert_eq!(r.ranking[0].votes, 12);
}

#[test]
fn sticker_boards_do_not_mix_with_equal_shares() {
    let mut m = Meeting::with(&Opts { allocation: Allocation::EqualShares, ..Opts::default() });
    m.advance_to(Phase::Voting);
    m.refuses_code(&counter(1), &key_board(1, &[("P01", 1)]), ErrorCode::BoardsNotAllowed);
}

#[test]
fn counters_see_their_own_copy_only_and_the_scrutineer_sees_every_keystroke() {
    let mut m = voting();
    m.ok(&counter(1), &key_paper(1, "1", &["P01"]));
    m.ok(&counter(2), &key_paper(1, "1", &["P02"]));
    let mine = m.state.snapshot(&counter(1), m.now);
    assert_eq!(mine.paper_copies.len(), 1);
    assert_eq!(mine.paper_copies[0].ballots[0].marks, ids(&["P01"]));
    let desk = mine.paper.unwrap();
    assert_eq!(desk.batches[0].copies.len(), 2, "who keys what is known");
    assert_eq!(desk.batches[0].copies[1].entries, 1, "how much the other keyed, not what");
    let seen = m.state.snapshot(&scrutineer(), m.now);
    assert_eq!(seen.paper_copies.len(), 2);
    for v in [voter(1), projector(), public(), chair(1)] {
        let s = m.state.snapshot(&v, m.now);
        assert!(s.paper.is_none() && s.paper_copies.is_empty(), "{} sees the desk", v.key());
    }
}

/// Every actor who may connect, for the hidden-tally checks.
fn everyone() -> Vec<yuanzhuo_engine::Actor> {
    vec![
        organiser(),
        scrutineer(),
        counter(1),
        counter(2),
        counter(3),
        chair(1),
        recorder(2),
        adviser(3),
        adviser_all(),
        voter(1),
        projector(),
        public(),
    ]
}

#[test]
fn a_hidden_tally_keeps_the_desk_marks_from_everyone_but_the_counter_who_keyed_them_until_the_close() {
    let mut m = Meeting::with(&Opts { tally: TallyVisibility::HiddenUntilClose, ..Opts::default() });
    m.advance_to(Phase::Voting);
    key_both(&mut m, 1, &[("1", &["P01", "P02"]), ("2", &["P01"]), ("3", &["P01", "P02", "P03", "P04", "P05"])]);
    m.ok(&counter(1), &key_board(1, &[("P03", 7)]));
    m.ok(&counter(2), &key_board(1, &[("P03", 7)]));
    m.ok(&scrutineer(), &sheets(1, 3));
    // A second batch being keyed: every keystroke is an update.
    let mut ch = yuanzhuo_engine::Changed::default();
    for r in m.ok(&counter(1), &key_paper(2, "4", &["P09"])) {
        ch.add(&r.event);
    }
    assert_eq!(m.state.tally["P01"], 2, "the count goes on, hidden");

    let marks_in = |text: &str| ["P01", "P02", "P03", "P09"].iter().filter(|p| text.contains(*p)).count();
    for v in everyone() {
        let s = m.state.snapshot(&v, m.now);
        assert_eq!(s.tally, None, "{}", v.key());
        if let Some(p) = &s.paper {
            assert!(p.marks_hidden, "{}", v.key());
            let b = &p.batches[0];
            assert_eq!(b.status, PaperStatus::Agreed);
            let verdicts: Vec<(&str, Option<&str>)> =
                b.ballots.iter().map(|x| (x.number.as_str(), x.void.map(|r| r.as_str()))).collect();
            assert_eq!(verdicts, vec![("1", None), ("2", None), ("3", Some("over_limit"))], "verdicts stay");
            assert!(b.ballots.iter().all(|x| x.marks.is_empty()), "{} sees agreed marks", v.key());
            assert!(p.boards[0].counts.is_empty(), "{} sees a board's counts", v.key());
            assert_eq!((p.counted, p.void, p.stickers), (2, 1, 7), "totals are not per proposal");
        }
        for c in &s.paper_copies {
            let own = v.role == Role::Counter && v.desk() == Some(c.counter);
            if !own {
                assert!(c.ballots.iter().all(|x| x.marks.is_empty()) && c.counts.is_empty(), "{} sees {c:?}", v.key());
            }
        }
        // Nothing that names a proposal with a number beside it: only the
        // counter's own copies, whole.
        let mut others = s.clone();
        others.paper_copies.retain(|c| !(v.role == Role::Counter && v.desk() == Some(c.counter)));
        others.proposals.clear();
        others.tables.clear();
        others.table_details.clear();
        others.annotations.clear();
        others.rules.tables.clear();
        assert_eq!(marks_in(&serde_json::to_string(&others).unwrap()), 0, "{}: {others:?}", v.key());
    }
    // The counter's own copy stays whole, for re-keying.
    let own = m.state.snapshot(&counter(1), m.now);
    assert!(own.paper_copies.iter().any(|c| c.ballots.iter().any(|x| x.marks == ids(&["P01", "P02"]))));

    // The live update of a keystroke: whole to its counter, without marks to everyone else.
    let updates = m.state.updates(&ch, m.now);
    for v in everyone() {
        for (a, u) in &updates {
            if !a.includes(&v) {
                continue;
            }
            let text = serde_json::to_string(u).unwrap();
            if v.key() == counter(1).key() && u.copy_change.is_some() {
                assert!(text.contains("P09"), "the counter's own keystroke");
            } else {
                assert_eq!(marks_in(&text), 0, "{} hears {text}", v.key());
            }
        }
    }
    assert!(
        updates.iter().any(|(a, u)| a.includes(&scrutineer()) && u.copy_change.is_some()),
        "the scrutineer sees it"
    );

    // The close reveals everything: the desk's view and every copy.
    m.ok(&counter(2), &key_paper(2, "4", &["P09"]));
    m.ok(&counter(1), &finish_paper(2));
    m.ok(&counter(2), &finish_paper(2));
    m.ok(&scrutineer(), &sheets(2, 1));
    let mut ch = yuanzhuo_engine::Changed::default();
    for r in m.ok(&organiser(), &advance(Phase::Counted)) {
        ch.add(&r.event);
    }
    let updates = m.state.updates(&ch, m.now);
    let desk = updates.iter().find_map(|(a, u)| (*a == yuanzhuo_engine::Audience::Paper).then_some(u)).unwrap();
    let p = desk.paper.as_ref().unwrap();
    assert!(!p.marks_hidden);
    assert_eq!(p.batches[0].ballots[0].marks, ids(&["P01", "P02"]));
    assert_eq!(p.boards[0].counts["P03"], 7);
    let copies = updates.iter().filter(|(a, u)| a.includes(&scrutineer()) && u.paper_copy.is_some()).count();
    assert_eq!(copies, 6, "every copy, whole, to the organiser and scrutineers");
    let s = m.state.snapshot(&scrutineer(), m.now);
    assert!(s.paper_copies.iter().any(|c| c.ballots.iter().any(|x| !x.marks.is_empty())));
    assert!(s.tally.is_some());
}

#[test]
fn a_live_tally_shows_the_desk_whole() {
    let mut m = voting();
    key_both(&mut m, 1, &[("1", &["P01", "P02"])]);
    let s = m.state.snapshot(&counter(3), m.now);
    let p = s.paper.unwrap();
    assert!(!p.marks_hidden);
    assert_eq!(p.batches[0].ballots[0].marks, ids(&["P01", "P02"]));
    assert_eq!(m.state.snapshot(&scrutineer(), m.now).paper_copies[0].ballots[0].marks, ids(&["P01", "P02"]));
}

#[test]
fn a_stray_empty_batch_is_finished_by_both_counters_and_does_not_block_the_close() {
    let mut m = voting();
    // Counter 1 opens batch 5, keys a ballot and takes it out again; counter 2 never keyed it.
    m.ok(&counter(1), &key_paper(5, "9", &["P01"]));
    m.ok(&counter(1), &Command::RemovePaper { batch: 5, number: "9".into() });
    m.refuses_code(&organiser(), &advance(Phase::Counted), ErrorCode::PaperOpen);
    m.ok(&counter(1), &finish_paper(5));
    // The other counter finishes an empty copy: the copies agree on nothing.
    let ev = events(&m.ok(&counter(2), &finish_paper(5)));
    assert!(ev.iter().any(|e| matches!(e, Event::PaperAgreed { batch: 5, ballots } if ballots.is_empty())), "{ev:?}");
    m.refuses_code(&counter(2), &finish_paper(5), ErrorCode::BatchAgreed);
    // No sheets to count in it: the vote closes.
    m.ok(&organiser(), &advance(Phase::Counted));
    // A batch that does not exist is still unknown.
    let mut m = voting();
    m.refuses_code(&counter(2), &finish_paper(6), ErrorCode::UnknownBatch);
}

fn blocker(unit: PaperKind, n: u32, why: BlockerReason, code: ErrorCode) -> CloseBlocker {
    CloseBlocker { unit, n, why, code, keyed: None, sheets: None, discardable: false }
}

#[test]
fn what_blocks_the_close_is_data_in_the_view_and_in_the_refusal() {
    let mut m = voting();
    use BlockerReason::*;
    use PaperKind::*;
    // Batch 1 agrees with 2 ballots and no sheets; batch 2 is disputed; board 1 waits for its second reading.
    key_both(&mut m, 1, &[("1", &["P01"]), ("2", &["P02"])]);
    m.ok(&counter(1), &key_paper(2, "5", &["P01"]));
    m.ok(&counter(2), &key_paper(2, "5", &["P02"]));
    m.ok(&counter(1), &finish_paper(2));
    m.ok(&counter(2), &finish_paper(2));
    m.ok(&counter(1), &key_board(1, &[("P01", 3)]));
    let no_sheets = CloseBlocker { keyed: Some(2), ..blocker(Batch, 1, NoSheets, ErrorCode::PaperCountMismatch) };
    let want = vec![
        blocker(Batch, 2, Disputed, ErrorCode::PaperOpen),
        blocker(Board, 1, Keying, ErrorCode::PaperOpen),
        no_sheets.clone(),
    ];
    assert_eq!(m.state.desk.blockers(), want);
    // The refusal carries them all; its code is the first one's.
    let r = m.rejects(&organiser(), &advance(Phase::Counted));
    assert_eq!((r.code, &r.blockers), (ErrorCode::PaperOpen, &want));
    let msg = r.to_msg(Some("c1".into()));
    let json = serde_json::to_value(&msg).unwrap();
    assert_eq!(
        json["blockers"][0],
        serde_json::json!({"unit": "batch", "n": 2, "why": "disputed", "code": "paper_open"})
    );
    assert_eq!(
        json["blockers"][2],
        serde_json::json!({"unit": "batch", "n": 1, "why": "no_sheets", "code": "paper_count_mismatch", "keyed": 2})
    );
    // Each batch and board says its own in the desk's view.
    let p = m.state.snapshot(&organiser(), m.now).paper.unwrap();
    assert_eq!(p.batches[0].blocker, Some(no_sheets));
    assert_eq!(p.batches[1].blocker, Some(blocker(Batch, 2, Disputed, ErrorCode::PaperOpen)));
    assert_eq!(p.boards[0].blocker, Some(blocker(Board, 1, Keying, ErrorCode::PaperOpen)));
    // A hand count that differs names both numbers.
    m.ok(&scrutineer(), &sheets(1, 3));
    let mismatch =
        CloseBlocker { keyed: Some(2), sheets: Some(3), ..blocker(Batch, 1, Mismatch, ErrorCode::PaperCountMismatch) };
    assert_eq!(m.state.desk.blockers().last(), Some(&mismatch));
    // Sheets counted for a batch nobody keyed.
    m.ok(&scrutineer(), &sheets(4, 30));
    assert!(m.state.desk.blockers().contains(&blocker(Batch, 4, NothingKeyed, ErrorCode::PaperOpen)));
}

#[test]
fn the_organiser_discards_an_empty_batch_and_it_no_longer_blocks_the_close() {
    let mut m = voting();
    // Counter 1 opens batch 5, keys a ballot and takes it out again, and leaves.
    m.ok(&counter(1), &key_paper(5, "9", &["P01"]));
    m.ok(&counter(1), &Command::RemovePaper { batch: 5, number: "9".into() });
    let b = &m.state.desk.blockers()[0];
    assert_eq!((b.n, b.why, b.discardable), (5, BlockerReason::Keying, true));
    let discard = |batch| Command::DiscardBatch { batch };
    // Only the organiser, only a batch that exists.
    m.refuses_code(&counter(1), &discard(5), ErrorCode::Forbidden);
    m.refuses_code(&organiser(), &discard(6), ErrorCode::UnknownBatch);
    // A batch with a ballot in either copy, or sheets counted, is not empty.
    m.ok(&counter(2), &key_paper(7, "1", &["P01"]));
    assert!(!m.state.desk.blockers().iter().any(|b| b.n == 7 && b.discardable));
    m.refuses_code(&organiser(), &discard(7), ErrorCode::BatchNotEmpty);
    m.ok(&scrutineer(), &sheets(8, 4));
    m.refuses_code(&organiser(), &discard(8), ErrorCode::BatchNotEmpty);
    // An agreed batch stays, even an empty one.
    m.ok(&counter(1), &key_paper(9, "2", &["P01"]));
    m.ok(&counter(1), &Command::RemovePaper { batch: 9, number: "2".into() });
    m.ok(&counter(1), &finish_paper(9));
    m.ok(&counter(2), &finish_paper(9));
    m.refuses_code(&organiser(), &discard(9), ErrorCode::BatchAgreed);
    let before = m.state.snapshot(&counter(1), m.now);
    let rec = m.ok(&organiser(), &discard(5));
    assert_eq!(events(&rec), vec![Event::BatchDiscarded { batch: 5 }]);
    assert!(!m.state.desk.batches.contains_key(&5));
    assert!(m.state.desk.blockers().iter().all(|b| b.n != 5));
    // The counter's screen drops the batch and its copy: the update, applied, is the snapshot.
    let mut changed = yuanzhuo_engine::Changed::default();
    rec.iter().for_each(|r| changed.add(&r.event));
    let mut seen = before;
    for (a, u) in m.state.updates(&changed, m.now) {
        if a.includes(&counter(1)) {
            seen.apply(&u);
        }
    }
    let now = m.state.snapshot(&counter(1), m.now);
    assert_eq!((seen.paper, seen.paper_copies), (now.paper, now.paper_copies));
    // Keying batch 5 again starts afresh; the log checks out.
    m.ok(&counter(2), &key_paper(5, "3", &["P02"]));
    assert_eq!(m.state.desk.batches[&5].copies.len(), 1);
    m.check_log().expect("the log checks out");
    m.refuses_code(&organiser(), &discard(5), ErrorCode::BatchNotEmpty);
}
