//! Who may vote and who counts: voter cards issued in the log, cancelled
//! cards, the door register (one person, one way to vote), the desk's cards
//! claimed by the people who use them, two scrutineers told apart, paper
//! numbers that count once however they are typed; and the checker that
//! decides every command of a log again, catching forged entries.

mod common;

use common::*;
use yuanzhuo_engine::protocol::*;
use yuanzhuo_engine::{Event, Recorded};
use ErrorCode as E;

fn door() -> Meeting {
    Meeting::with(&Opts { registration: Registration::Door, budget: 1_000_000, ..Opts::default() })
}

fn register(m: &mut Meeting, issue: Issue) -> Vec<Recorded> {
    m.ok(&registrar(1), &Command::Register { holder: None, issue })
}

fn card(n: u32) -> Issue {
    Issue::Card { serial: format!("V{n:04}") }
}

fn paper(number: &str) -> Issue {
    Issue::Paper { number: number.into() }
}

/// Key `number` with `marks` into batch `batch` by counters 1 and 2, finish,
/// and have scrutineer A count `sheets` sheets.
fn agree(m: &mut Meeting, batch: u32, ballots: &[(&str, &[&str])], sheets_counted: u32) {
    for c in [counter(1), counter(2)] {
        for (number, marks) in ballots {
            m.ok(&c, &key_paper(batch, number, marks));
        }
        m.ok(&c, &finish_paper(batch));
    }
    m.ok(&scrutineer(), &sheets(batch, sheets_counted));
}

// ================================================================ cards

#[test]
fn voter_cards_are_issued_by_the_log_and_late_ones_need_a_reason() {
    let mut m = Meeting::bare(definition(&Opts::default()));
    assert_eq!(m.state.electorate.cards.len(), 0);
    m.issue_voters(3, "").unwrap();
    let e = m.state.snapshot(&public(), m.now).electorate;
    assert_eq!((e.cards_issued, e.issuances[0].first.as_str(), e.issuances[0].last.as_str()), (3, "V0001", "V0003"));
    let f = e.fingerprint.clone();
    assert_eq!(f.len(), 9);
    m.set_all_picks_after(Phase::Voting);
    // A card that was never issued cannot vote.
    m.refuses(&voter(4), &ballot(&["P01"]), E::UnknownCard, Some("V0004"));
    let r = m.issue_voters(2, "").unwrap_err();
    assert_eq!(r.code, E::ReasonRequired, "cards issued during the vote need a reason");
    let recs = m.issue_voters(2, "迟到居民").unwrap();
    assert!(matches!(&recs[0].event, Event::VoterCardsIssued { first: 4, reason, .. } if reason == "迟到居民"));
    let e = m.state.snapshot(&public(), m.now).electorate;
    assert!(e.issuances[1].during_vote, "the room is told");
    assert_ne!(e.fingerprint, f, "the electorate's fingerprint follows every card");
    m.ok(&voter(4), &ballot(&["P01"]));
    assert_eq!(m.check_log().unwrap(), m.state);
}

#[test]
fn a_cancelled_card_cannot_vote_and_a_card_that_voted_cannot_be_cancelled() {
    let mut m = meeting_voting();
    let cancel = |s: &str| Command::CancelCard { serial: s.into(), reason: "卡片遗失".into() };
    m.refuses(
        &organiser(),
        &Command::CancelCard { serial: "V0002".into(), reason: "".into() },
        E::ReasonRequired,
        None,
    );
    m.refuses(&chair(1), &cancel("V0002"), E::Forbidden, None);
    m.ok(&organiser(), &cancel("v2"));
    assert_eq!(m.state.snapshot(&voter(2), m.now).my_card.unwrap().status, CardStatus::Cancelled);
    m.refuses(&voter(2), &ballot(&["P01"]), E::CardCancelled, Some("V0002"));
    m.refuses(&organiser(), &cancel("V0002"), E::CardCancelled, Some("V0002"));
    m.refuses(&organiser(), &cancel("V9999"), E::UnknownCard, Some("V9999"));
    let receipt = m.ok(&voter(1), &ballot(&["P01"]));
    let receipt = yuanzhuo_engine::receipt_from_hash(&receipt[0].hash);
    m.refuses(&organiser(), &cancel("V0001"), E::AlreadyVoted, Some(&receipt));
    let t = m.state.turnout();
    assert_eq!((t.cards_issued, t.cards_cancelled), (TEST_VOTERS as u64, 1));
}

fn meeting_voting() -> Meeting {
    let mut m = Meeting::with(&Opts::default());
    m.set_all_picks_after(Phase::Voting);
    m
}

trait Drive {
    fn set_all_picks_after(&mut self, to: Phase);
}

impl Drive for Meeting {
    /// Advance to discussion, set every table's picks, then advance to `to`.
    fn set_all_picks_after(&mut self, to: Phase) {
        self.advance_to(Phase::Discussion);
        self.set_all_picks();
        self.advance_to(to);
    }
}

// ================================================================ the door register

#[test]
fn with_the_door_register_only_cards_handed_out_vote() {
    let mut m = door();
    m.set_all_picks_after(Phase::Voting);
    m.refuses(&voter(1), &ballot(&["P01"]), E::NotRegistered, Some("V0001"));
    assert_eq!(m.state.snapshot(&voter(1), m.now).my_card.unwrap().status, CardStatus::NotRegistered);
    m.refuses(&organiser(), &Command::Register { holder: None, issue: card(1) }, E::Forbidden, None);
    let recs = register(&mut m, Issue::Card { serial: "ｖ１".into() });
    assert_eq!(events(&recs), vec![Event::Registered { register: 1, holder: None, issue: card(1) }]);
    m.ok(&voter(1), &ballot(&["P01"]));
    // One card, one person.
    m.refuses(&registrar(2), &Command::Register { holder: None, issue: card(1) }, E::AlreadyIssued, Some("V0001"));
    let t = m.state.turnout();
    assert_eq!(t.register, Some(RegisterCounts { registered: 1, cards: 1, ..Default::default() }));
    // Without the register there is nothing to keep.
    let mut plain = meeting_voting();
    plain.refuses(&registrar(1), &Command::Register { holder: None, issue: card(1) }, E::NoRegister, None);
}

#[test]
fn a_resident_who_switches_to_paper_cannot_then_vote_by_phone() {
    let mut m = door();
    m.set_all_picks_after(Phase::Voting);
    register(&mut m, card(1));
    let switch = Command::Reissue { register: 1, issue: paper("0117"), reason: "手机没电".into() };
    let recs = m.ok(&registrar(1), &switch);
    // One entry: the card cancelled and the paper ballot handed out.
    assert_eq!(
        events(&recs),
        vec![Event::Reissued { register: 1, cancelled: card(1), issue: paper("117"), reason: "手机没电".into() }]
    );
    m.refuses(&voter(1), &ballot(&["P01"]), E::CardCancelled, Some("V0001"));
    assert_eq!(m.state.electorate.cancellations.len(), 1);
    // The paper ballot counts under its number however it is typed.
    agree(&mut m, 1, &[("０１１７", &["P02"])], 1);
    assert_eq!(m.state.desk.valid_ballots().count(), 1);
    // A switch after voting is refused.
    register(&mut m, card(2));
    m.ok(&voter(2), &ballot(&["P03"]));
    let late = Command::Reissue { register: 2, issue: paper("200"), reason: "想改纸质".into() };
    assert_eq!(m.rejects(&registrar(1), &late).code, E::AlreadyVoted);
    let again = Command::Reissue { register: 1, issue: card(3), reason: "又换回手机".into() };
    assert_eq!(m.rejects(&registrar(1), &again).code, E::AlreadyVoted, "the paper ballot was counted");
    assert_eq!(m.check_log().unwrap(), m.state);
}

#[test]
fn a_card_cancelled_and_then_switched_away_counts_as_cancelled_once() {
    let mut m = door();
    register(&mut m, card(1));
    m.ok(&organiser(), &Command::CancelCard { serial: "V0001".into(), reason: "卡片遗失".into() });
    let switch = Command::Reissue { register: 1, issue: paper("7"), reason: "改用纸质票".into() };
    m.ok(&registrar(1), &switch);
    let e = &m.state.electorate;
    assert_eq!((e.cancelled(), e.cancellations[0].reason.as_str()), (1, "卡片遗失"), "one card, one cancellation");
    assert_eq!(m.state.turnout().cards_cancelled, 1);
    assert_eq!(m.check_log().unwrap(), m.state);
}

#[test]
fn with_the_register_paper_counts_only_under_a_number_handed_out() {
    let mut m = door();
    m.set_all_picks_after(Phase::Voting);
    register(&mut m, paper("1"));
    register(&mut m, paper("2"));
    m.ok(&registrar(1), &Command::Reissue { register: 2, issue: card(5), reason: "改用手机".into() });
    agree(&mut m, 1, &[("1", &["P01"]), ("2", &["P02"]), ("3", &["P03"])], 3);
    let b = &m.state.desk.batches[&1].ballots;
    let verdicts: Vec<(&str, Option<&str>)> =
        b.iter().map(|x| (x.number.as_str(), x.void.map(|r| r.as_str()))).collect();
    assert_eq!(verdicts, vec![("1", None), ("2", Some("cancelled_number")), ("3", Some("unissued_number"))]);
    let t = m.state.turnout();
    assert_eq!((t.ballots, t.valid, t.void), (3, 1, 2));
    assert_eq!(t.void_reasons.get(&VoidReason::UnissuedNumber), Some(&1));
    // A number handed out once is never handed out again.
    m.refuses(&registrar(1), &Command::Register { holder: None, issue: paper("002") }, E::AlreadyIssued, Some("2"));
}

#[test]
fn a_person_registers_once_by_the_hash_of_their_name() {
    let mut m = door();
    m.advance_to(Phase::CheckIn);
    let reg = |h: &str, issue| Command::Register { holder: Some(h.into()), issue };
    m.ok(&registrar(1), &reg("h-abc", card(1)));
    m.refuses(&registrar(2), &reg("h-abc", card(2)), E::AlreadyRegistered, Some("register 1"));
    assert_eq!(m.rejects(&registrar(2), &reg("h-abc", card(2))).about.and_then(|a| a.register), Some(1));
    m.ok(&registrar(2), &reg("h-def", card(2)));
    // Only a registrar card the log issued keeps the register.
    m.refuses(&registrar(99), &reg("h-ghi", card(3)), E::UnknownCard, Some("registrar-99"));
}

#[test]
fn stickers_on_the_boards_never_exceed_those_handed_out() {
    let mut m = door();
    m.set_all_picks_after(Phase::Voting);
    register(&mut m, Issue::Stickers { stickers: 4 });
    register(&mut m, Issue::Stickers { stickers: 4 });
    m.refuses(
        &registrar(1),
        &Command::Register { holder: None, issue: Issue::Stickers { stickers: 5 } },
        E::InvalidField,
        Some("stickers: 1..=4"),
    );
    let too_many = key_board(1, &[("P01", 6), ("P02", 3)]);
    m.refuses_code(&counter(1), &too_many, E::StickersOverIssued);
    m.ok(&counter(1), &key_board(1, &[("P01", 5), ("P02", 3)]));
    m.ok(&counter(2), &key_board(1, &[("P01", 5), ("P02", 3)]));
    assert_eq!(m.state.desk.stickers(), 8);
    m.refuses_code(&counter(3), &key_board(2, &[("P01", 1)]), E::StickersOverIssued);
}

// ================================================================ paper numbers

#[test]
fn a_paper_number_counts_once_however_it_is_typed() {
    let mut m = meeting_voting();
    agree(&mut m, 1, &[("0117", &["P01"])], 1);
    for typed in ["117", "０１１７", "00117"] {
        let r = m.rejects(&counter(3), &key_paper(2, typed, &["P01"]));
        assert_eq!((r.code, r.detail.as_deref()), (E::BallotNumberUsed, Some("117: batch 1")), "{typed}");
    }
    // Re-keying in a copy corrects the same ballot, whatever the zeros.
    m.ok(&counter(3), &key_paper(2, "5", &["P01"]));
    m.ok(&counter(3), &key_paper(2, "005", &["P02"]));
    assert_eq!(m.state.desk.batches[&2].copies[&3].ballots.len(), 1);
    m.ok(&counter(3), &Command::RemovePaper { batch: 2, number: "０５".into() });
}

// ================================================================ the desk's cards

#[test]
fn desk_cards_are_claimed_once_on_one_device_and_their_claims_are_public() {
    let mut m = Meeting::bare(definition(&Opts::default()));
    m.issue_voters(5, "").unwrap();
    m.set_all_picks_after(Phase::Voting);
    m.refuses(&counter(1), &key_paper(1, "1", &["P01"]), E::NotClaimed, Some("counter-1"));
    m.refuses(&scrutineer(), &sheets(1, 1), E::NotClaimed, Some("scrutineer-1"));
    m.claim("counter-1", "dev-a", "192.168.1.20");
    let r = m.try_claim("counter-2", "dev-a", "192.168.1.20").unwrap_err();
    assert_eq!((r.code, r.detail.as_deref()), (E::DeviceHasCard, Some("counter-1")), "one device, one desk card");
    assert_eq!(m.try_claim("counter-1", "dev-b", "192.168.1.21").unwrap_err().code, E::ClaimedElsewhere);
    m.claim("counter-2", "dev-b", "192.168.1.21");
    let desk = m.state.snapshot(&public(), m.now).electorate.desk;
    let claimed: Vec<(&str, Option<&str>)> =
        desk.iter().map(|d| (d.serial.as_str(), d.claim.as_ref().map(|c| c.address.as_str()))).collect();
    assert_eq!(claimed[0], ("counter-1", Some("192.168.1.20")));
    assert_eq!(claimed[1], ("counter-2", Some("192.168.1.21")));
    assert_eq!(claimed[2].1, None);
    m.ok(&counter(1), &key_paper(1, "1", &["P01"]));
    m.ok(&counter(1), &key_board(1, &[("P01", 3)]));
    // Counter 2 hands their card to counter 1's device (released, reclaimed):
    // that device may not key the other copy of a batch it keyed.
    let release = Command::ReleaseClaim { serial: "counter-1".into(), reason: "换手机".into() };
    m.refuses(&counter(2), &release, E::Forbidden, None);
    m.ok(&organiser(), &release);
    m.refuses(&counter(1), &key_paper(1, "2", &["P01"]), E::NotClaimed, Some("counter-1"));
    m.ok(&organiser(), &Command::ReleaseClaim { serial: "counter-2".into(), reason: "换手机".into() });
    m.claim("counter-2", "dev-a", "192.168.1.20");
    m.refuses(&counter(2), &key_paper(1, "1", &["P01"]), E::SameDevice, Some("batch 1: counter 1"));
    m.refuses(&counter(2), &key_board(1, &[("P01", 3)]), E::SameDevice, Some("board 1: counter 1"));
    let about = m.rejects(&counter(2), &key_board(1, &[("P01", 3)])).about;
    assert_eq!(*about.unwrap(), ErrorAbout { counters: vec![1], ..ErrorAbout::unit(PaperKind::Board, 1) });
    assert_eq!(m.check_log().unwrap(), m.state);
}

#[test]
fn two_scrutineers_are_two_actors_and_both_counts_must_match() {
    let mut m = meeting_voting();
    for c in [counter(1), counter(2)] {
        m.ok(&c, &key_paper(1, "1", &["P01"]));
        m.ok(&c, &key_paper(1, "2", &["P02"]));
        m.ok(&c, &finish_paper(1));
    }
    let recs = m.ok(&scrutineer(), &sheets(1, 2));
    assert!(matches!(&recs[0].event, Event::SheetsDeclared { scrutineer: Some(s), .. } if *s == 1));
    m.ok(&scrutineer_b(), &sheets(1, 3));
    let view = m.state.desk.view();
    assert_eq!(view.batches[0].sheets, None, "they disagree");
    assert_eq!(view.batches[0].sheet_counts.len(), 2, "neither count replaces the other");
    m.refuses(
        &organiser(),
        &advance(Phase::Counted),
        E::PaperCountMismatch,
        Some("batch 1: 2 keyed, 3 sheets counted"),
    );
    m.ok(&scrutineer_b(), &sheets(1, 2));
    m.ok(&organiser(), &advance(Phase::Counted));
    assert_eq!(scrutineer_b().key(), "scrutineer:2");
}

// ================================================================ the checker

/// A counted meeting with a phone ballot, a paper batch and a lot.
fn counted() -> Meeting {
    let mut m = Meeting::with(&Opts { tie_break: TieBreak::Lot, ..Opts::default() });
    m.set_all_picks_after(Phase::Voting);
    m.ok(&voter(1), &ballot(&["P01", "P02"]));
    m.ok(&voter(2), &ballot(&["P03"]));
    agree(&mut m, 1, &[("1", &["P04"])], 1);
    m.advance_to(Phase::Counted);
    m
}

/// The meeting's log with entry `seq` replaced by `event` (hashes are not
/// the checker's business: the chain check catches a changed entry; a
/// forger recomputes them, so the rules must catch it).
fn forged(m: &Meeting, seq: u64, event: Event) -> Meeting {
    let mut f = m.clone();
    f.log[seq as usize - 1].event = event;
    f
}

fn seq_of(m: &Meeting, pred: impl Fn(&Event) -> bool) -> u64 {
    m.log.iter().find(|r| pred(&r.event)).expect("an entry").seq
}

#[test]
fn the_checker_accepts_what_the_engine_wrote() {
    let m = counted();
    assert_eq!(m.check_log().unwrap(), m.state);
}

#[test]
fn a_ballot_from_a_card_never_issued_is_caught() {
    let m = counted();
    let seq = seq_of(&m, |e| matches!(e, Event::BallotCast { .. }));
    let mut f = forged(&m, seq, Event::BallotCast { voter: "V9999".into(), choices: ids(&["P01", "P02"]) });
    f.written[seq as usize - 1].0 = "voter:V9999".into();
    let v = f.check_log().unwrap_err();
    assert_eq!(v.seq, seq);
    assert!(v.problem.contains("unknown_card"), "{v}");
    // Named plainly, in Chinese first and English too.
    let text = v.to_string();
    assert!(text.starts_with(&format!("第 {seq} 条记录：voter:V9999 的 ballot_cast 违反规则：没有这张卡")), "{text}");
    assert!(
        text.contains(&format!("/ entry {seq}: ballot_cast by voter:V9999 breaks the rules: No such card")),
        "{text}"
    );
}

#[test]
fn a_ballot_cast_in_another_cards_name_is_caught() {
    let m = counted();
    let seq = seq_of(&m, |e| matches!(e, Event::BallotCast { .. }));
    let f = forged(&m, seq, Event::BallotCast { voter: "V0003".into(), choices: ids(&["P01", "P02"]) });
    let v = f.check_log().unwrap_err();
    assert_eq!(v.seq, seq, "{v}");
}

#[test]
fn a_card_that_votes_after_its_cancellation_is_caught() {
    let mut m = meeting_voting();
    m.ok(&organiser(), &Command::CancelCard { serial: "V0001".into(), reason: "卡片遗失".into() });
    m.ok(&voter(2), &ballot(&["P01"]));
    let seq = m.log.len() as u64;
    let mut f = forged(&m, seq, Event::BallotCast { voter: "V0001".into(), choices: ids(&["P01"]) });
    f.written[seq as usize - 1].0 = "voter:V0001".into();
    let v = f.check_log().unwrap_err();
    assert_eq!(v.seq, seq);
    assert!(v.problem.contains("card_cancelled"), "{v}");
}

#[test]
fn a_double_vote_and_a_ballot_after_the_close_are_caught() {
    let m = counted();
    // A second ballot by voter 1, written in the place of voter 2's.
    let seq = m.log.iter().filter(|r| matches!(r.event, Event::BallotCast { .. })).nth(1).unwrap().seq;
    let mut f = forged(&m, seq, Event::BallotCast { voter: "V0001".into(), choices: ids(&["P03"]) });
    f.written[seq as usize - 1].0 = "voter:V0001".into();
    let v = f.check_log().unwrap_err();
    assert_eq!(v.seq, seq);
    assert!(v.problem.contains("already_voted"), "{v}");
    // A ballot appended after the close.
    let mut late = m.clone();
    late.ok(&organiser(), &advance(Phase::Published));
    let n = late.log.len();
    late.log[n - 1].event = Event::BallotCast { voter: "V0009".into(), choices: ids(&["P05"]) };
    late.written[n - 1].0 = "voter:V0009".into();
    let v = late.check_log().unwrap_err();
    assert_eq!(v.seq, n as u64);
    assert!(v.problem.contains("wrong_phase"), "{v}");
}

#[test]
fn a_steered_lot_seed_is_caught() {
    let m = counted();
    let seq = seq_of(&m, |e| matches!(e, Event::PhaseChanged { to: Phase::Counted, .. }));
    let f = forged(
        &m,
        seq,
        Event::PhaseChanged { from: Phase::Voting, to: Phase::Counted, lot_seed: Some("ab".repeat(32)) },
    );
    let v = f.check_log().unwrap_err();
    assert_eq!(v.seq, seq, "{v}");
    // The field that differs is named, with both values.
    assert!(v.problem.starts_with("this phase_changed is not what the rules give: lot_seed is \"abab"), "{v}");
    assert!(v.zh.starts_with("这条 phase_changed 与规则不符：lot_seed 记为 \"abab"), "{v}");
    // A missing seed is no seed.
    let f = forged(&m, seq, Event::PhaseChanged { from: Phase::Voting, to: Phase::Counted, lot_seed: None });
    assert_eq!(f.check_log().unwrap_err().seq, seq);
}

#[test]
fn a_forged_claim_and_a_forged_agreement_are_caught() {
    let m = counted();
    // Counter 2's claim made on counter 1's device.
    let seq = seq_of(&m, |e| matches!(e, Event::CardClaimed { serial, .. } if serial == "counter-2"));
    let f = forged(
        &m,
        seq,
        Event::CardClaimed {
            serial: "counter-2".into(),
            device: "device-counter-1".into(),
            address: "192.168.1.50".into(),
            same_address_as: vec![],
        },
    );
    let v = f.check_log().unwrap_err();
    assert_eq!(v.seq, seq);
    assert!(v.problem.contains("device_has_card"), "{v}");
    // A claim written by someone else than the card's holder.
    let mut f = m.clone();
    f.written[seq as usize - 1].0 = "organiser".into();
    assert_eq!(f.check_log().unwrap_err().seq, seq);
    // An agreed batch whose ballots are not what both counters keyed.
    let seq = seq_of(&m, |e| matches!(e, Event::PaperAgreed { .. }));
    let f = forged(
        &m,
        seq,
        Event::PaperAgreed {
            batch: 1,
            ballots: vec![PaperBallot { number: "1".into(), marks: ids(&["P05"]), void: None }],
        },
    );
    assert_eq!(f.check_log().unwrap_err().seq, seq);
}

#[test]
fn an_exclusion_after_the_vote_opened_is_caught() {
    let mut m = meeting_voting();
    m.ok(&voter(1), &ballot(&["P01"]));
    let seq = m.log.len() as u64;
    let mut f = forged(&m, seq, Event::ExclusionConfirmed { proposal: "P01".into(), rule: 1, reason: "x".into() });
    f.written[seq as usize - 1].0 = "organiser".into();
    let v = f.check_log().unwrap_err();
    assert_eq!(v.seq, seq);
    assert!(v.problem.contains("wrong_phase"), "{v}");
}
