//! The count on a realistic meeting (6 tables, 60 proposals, 500 random
//! ballots) under both allocation rules, checked against a recount from the
//! log alone; and a tiny meeting whose results were worked out by hand.

mod common;

use common::*;
use std::collections::{BTreeMap, HashMap};
use yuanzhuo_engine::protocol::*;
use yuanzhuo_engine::{chain_hash, count, receipt_from_hash, recount, Event, State, GENESIS_PREV};

// ================================================================ realistic meeting

const PROPOSALS: usize = 60;
const BALLOTS: u32 = 500;

fn realistic_opts(allocation: Allocation, tie_break: TieBreak) -> Opts {
    Opts {
        tables: 6,
        proposals: PROPOSALS,
        picks_per_table: 3,
        max_choices: 10,
        budget: 300_000,
        allocation,
        tie_break,
        tally: TallyVisibility::HiddenUntilClose,
        ..Opts::default()
    }
}

/// Costs from 5,000 to 80,000 yuan, in thousands, fixed by the seed.
fn realistic_costs() -> Vec<u64> {
    let mut r = Rng(2018);
    (0..PROPOSALS).map(|_| 1_000 * (5 + r.below(76))).collect()
}

/// 500 ballots of 1 to 10 distinct choices, some proposals far more popular
/// than others (as at a real meeting).
fn realistic_ballots() -> Vec<Vec<ProposalId>> {
    let mut r = Rng(1_000_000);
    let weights: Vec<u64> = (0..PROPOSALS).map(|_| 1 + r.below(20) * r.below(20)).collect();
    (0..BALLOTS)
        .map(|_| {
            let k = 1 + r.below(10) as usize;
            let mut left: Vec<usize> = (0..PROPOSALS).collect();
            let mut choices = vec![];
            for _ in 0..k {
                let total: u64 = left.iter().map(|i| weights[*i]).sum();
                let mut x = r.below(total);
                let pos = left
                    .iter()
                    .position(|i| {
                        if x < weights[*i] {
                            true
                        } else {
                            x -= weights[*i];
                            false
                        }
                    })
                    .unwrap();
                choices.push(pid(left.remove(pos) + 1));
            }
            choices
        })
        .collect()
}

/// The ballots as cast by phone: P07 was excluded before the vote, so no
/// phone can choose it (a ballot left empty chooses P01 instead).
fn phone_ballots() -> Vec<Vec<ProposalId>> {
    realistic_ballots()
        .into_iter()
        .map(|b| {
            let b: Vec<ProposalId> = b.into_iter().filter(|p| p != "P07").collect();
            if b.is_empty() {
                vec![pid(1)]
            } else {
                b
            }
        })
        .collect()
}

/// Run the whole meeting through the engine and count.
fn realistic_meeting(allocation: Allocation, tie_break: TieBreak) -> Meeting {
    let o = realistic_opts(allocation, tie_break);
    let mut m = Meeting::new(definition_with_costs(&o, &realistic_costs()));
    m.advance_to(Phase::Discussion);
    // One popular proposal is excluded: the adviser recommends it (over the
    // budget limit), the organiser confirms it before the vote.
    m.ok(&adviser_all(), &annotate("P07", Feasibility::Excluded, Some(7)));
    m.ok(&organiser(), &Command::ConfirmExclusion { proposal: "P07".into(), rule: 7, reason: "超出预算上限".into() });
    m.set_all_picks();
    m.advance_to(Phase::Voting);
    for (i, b) in phone_ballots().into_iter().enumerate() {
        m.tick(250);
        m.ok(&voter(i as u32 + 1), &ballot_ids(b));
    }
    m.advance_to(Phase::Counted);
    m
}

/// Recount from the log's ballot entries alone, as a scrutineer with the
/// export would.
fn recount_from_log(m: &Meeting) -> BTreeMap<ProposalId, u64> {
    let ballots: Vec<&[ProposalId]> = m
        .log
        .iter()
        .filter_map(|r| match &r.event {
            Event::BallotCast { choices, .. } => Some(choices.as_slice()),
            _ => None,
        })
        .collect();
    assert_eq!(ballots.len(), BALLOTS as usize);
    recount(&m.def().proposals, ballots, std::iter::empty())
}

#[test]
fn a_realistic_meeting_recounts_to_the_same_results() {
    for allocation in [Allocation::GreedySkip, Allocation::GreedyStop, Allocation::EqualShares] {
        for tie_break in [TieBreak::LowerCost, TieBreak::ListOrder, TieBreak::Lot] {
            let m = realistic_meeting(allocation, tie_break);
            let s = &m.state;
            let fresh = recount_from_log(&m);
            assert_eq!(s.tally, fresh, "running tally vs recount from the log");
            let choices: usize = phone_ballots().iter().map(Vec::len).sum();
            assert_eq!(fresh.values().sum::<u64>(), choices as u64, "every choice counted once");
            assert_eq!(fresh.len(), PROPOSALS);

            let r = s.results.as_ref().unwrap();
            let seed = r.closed_at_head.clone();
            let excluded: std::collections::BTreeSet<ProposalId> = ["P07".to_string()].into();
            check_results(m.def(), &fresh, BALLOTS as u64, &excluded, &seed, r);
            common::reference::check_allocation(m.def(), &s.count_input(), r);
            let input = yuanzhuo_engine::CountInput { excluded, ..count_input(&fresh, phone_ballots()) };
            assert_eq!(r, &count(m.def(), &input, &seed));
            assert_eq!(m.check_log().expect("the log keeps the rules"), m.state);
            assert_eq!(State::replay(&m.log).results.as_ref(), Some(r));
            // The meeting has a winner list that uses most of the budget.
            assert!(!r.funded.is_empty());
            assert!(r.ranking[0].votes > r.ranking[PROPOSALS - 1].votes);
            let p07 = r.ranking.iter().find(|x| x.proposal == "P07").unwrap();
            assert_eq!((p07.votes, p07.unfunded_reason.map(|r| r.as_str())), (0, Some("no_votes")));

            // Every ballot is traceable: its receipt finds its entry.
            let by_receipt: HashMap<String, &yuanzhuo_engine::Recorded> = m
                .log
                .iter()
                .filter(|r| matches!(r.event, Event::BallotCast { .. }))
                .map(|r| (receipt_from_hash(&r.hash), r))
                .collect();
            for b in &s.ballots {
                let rec = by_receipt.get(&b.receipt).expect("receipt found in the log");
                assert_eq!(rec.seq, b.seq);
                assert!(
                    matches!(&rec.event, Event::BallotCast { voter, choices } if *voter == b.voter && *choices == b.choices)
                );
            }
        }
    }
}

#[test]
fn greedy_stop_funds_a_prefix_of_what_greedy_skip_funds() {
    for tie_break in [TieBreak::LowerCost, TieBreak::ListOrder] {
        let skip = realistic_meeting(Allocation::GreedySkip, tie_break).state.results.unwrap();
        let stop = realistic_meeting(Allocation::GreedyStop, tie_break).state.results.unwrap();
        // The allocation rule does not change the order.
        let order = |r: &Results| {
            r.ranking.iter().map(|x| (x.proposal.clone(), x.votes, x.rank, x.position)).collect::<Vec<_>>()
        };
        assert_eq!(order(&skip), order(&stop));
        assert!(stop.funded.len() <= skip.funded.len());
        assert_eq!(stop.funded[..], skip.funded[..stop.funded.len()], "stop funds a prefix of skip's list");
        assert!(stop.total_cost <= skip.total_cost);
        // Rows up to the first misfit are identical.
        let first_misfit =
            stop.ranking.iter().position(|x| x.unfunded_reason.map(|r| r.as_str()) == Some("does_not_fit"));
        if let Some(i) = first_misfit {
            assert_eq!(stop.ranking[..=i], skip.ranking[..=i]);
            assert!(stop.ranking[i + 1..].iter().all(|x| !x.funded));
            // In this meeting skip does find something cheaper further down.
            assert!(skip.funded.len() > stop.funded.len(), "skip should fund past the first misfit here");
        }
        // Greedy skip leaves no voted, eligible proposal that would still fit.
        let left = skip.budget - skip.total_cost;
        for row in skip.ranking.iter().filter(|x| x.unfunded_reason.map(|r| r.as_str()) == Some("does_not_fit")) {
            assert!(row.cost > left, "{} ({}) would still fit in {left}", row.proposal, row.cost);
        }
    }
}

#[test]
fn a_changed_ballot_no_longer_matches_its_hash() {
    let m = realistic_meeting(Allocation::GreedySkip, TieBreak::LowerCost);
    let i = m.log.iter().position(|r| matches!(r.event, Event::BallotCast { .. })).unwrap();
    let prev = if i == 0 { GENESIS_PREV.to_string() } else { m.log[i - 1].hash.clone() };
    let rec = &m.log[i];
    assert_eq!(chain_hash(&prev, &body(rec.seq, rec.at_ms, &rec.event)), rec.hash);
    let mut forged = rec.event.clone();
    if let Event::BallotCast { choices, .. } = &mut forged {
        choices[0] = if choices[0] == "P01" { "P02".into() } else { "P01".into() };
    }
    assert_ne!(chain_hash(&prev, &body(rec.seq, rec.at_ms, &forged)), rec.hash);
}

// ================================================================ tiny meeting, by hand

/// One table, four proposals: P1 50k, P2 80k, P3 30k, P4 10k; budget 120k.
/// Ballots: three of P2+P1+P3, one of P2+P4, so P2 4 votes, P1 3, P3 3, P4 1.
fn tiny(allocation: Allocation, tie_break: TieBreak) -> Results {
    let o = Opts {
        tables: 1,
        proposals: 4,
        picks_per_table: 1,
        max_choices: 3,
        budget: 120_000,
        allocation,
        tie_break,
        ..Opts::default()
    };
    let mut m = Meeting::new(definition_with_costs(&o, &[50_000, 80_000, 30_000, 10_000]));
    m.advance_to(Phase::Voting);
    for v in 1..=3 {
        m.ok(&voter(v), &ballot(&["P02", "P01", "P03"]));
    }
    m.ok(&voter(4), &ballot(&["P02", "P04"]));
    m.advance_to(Phase::Counted);
    let expected_tally: BTreeMap<ProposalId, u64> =
        [("P01", 3), ("P02", 4), ("P03", 3), ("P04", 1)].iter().map(|(k, v)| (k.to_string(), *v)).collect();
    assert_eq!(m.state.tally, expected_tally);
    m.state.results.unwrap()
}

type Row = (&'static str, u32, u32, u64, bool, u64, Option<&'static str>);
/// A ranking row as compared: (proposal, rank, position, votes, funded, running total, reason).
type Got = (String, u32, u32, u64, bool, u64, Option<String>);

fn rows(r: &Results) -> Vec<Got> {
    r.ranking
        .iter()
        .map(|x| {
            (
                x.proposal.clone(),
                x.rank,
                x.position,
                x.votes,
                x.funded,
                x.running_total,
                x.unfunded_reason.map(|r| r.to_string()),
            )
        })
        .collect()
}

fn expect(rs: &[Row]) -> Vec<Got> {
    rs.iter()
        .map(|(p, rk, pos, v, f, run, why)| (p.to_string(), *rk, *pos, *v, *f, *run, why.map(str::to_string)))
        .collect()
}

#[test]
fn tiny_meeting_lower_cost_greedy_skip() {
    let r = tiny(Allocation::GreedySkip, TieBreak::LowerCost);
    // Order P2 (4), then the 3-3 tie broken by cost: P3 (30k) before P1 (50k), then P4.
    assert_eq!(
        rows(&r),
        expect(&[
            ("P02", 1, 1, 4, true, 80_000, None),
            ("P03", 2, 2, 3, true, 110_000, None),
            ("P01", 2, 3, 3, false, 110_000, Some("does_not_fit")),
            ("P04", 4, 4, 1, true, 120_000, None),
        ])
    );
    assert_eq!(r.funded, ids(&["P02", "P03", "P04"]));
    assert_eq!((r.total_cost, r.budget, r.ballots), (120_000, 120_000, 4));
    // Not decisive: with 40k left, P01 (50k) does not fit whichever goes first,
    // and P03 is funded either way.
    assert_eq!(r.ties, vec![TieGroup { votes: 3, proposals: ids(&["P03", "P01"]), decisive: false }]);
}

#[test]
fn tiny_meeting_lower_cost_greedy_stop() {
    let r = tiny(Allocation::GreedyStop, TieBreak::LowerCost);
    assert_eq!(
        rows(&r),
        expect(&[
            ("P02", 1, 1, 4, true, 80_000, None),
            ("P03", 2, 2, 3, true, 110_000, None),
            ("P01", 2, 3, 3, false, 110_000, Some("does_not_fit")),
            ("P04", 4, 4, 1, false, 110_000, Some("stopped")),
        ])
    );
    assert_eq!(r.funded, ids(&["P02", "P03"]));
    assert_eq!(r.total_cost, 110_000);
    assert_eq!(r.ties, vec![TieGroup { votes: 3, proposals: ids(&["P03", "P01"]), decisive: true }]);
}

#[test]
fn tiny_meeting_list_order_greedy_skip() {
    let r = tiny(Allocation::GreedySkip, TieBreak::ListOrder);
    // The tie goes to P1 (listed first); it does not fit, P3 and P4 do.
    assert_eq!(
        rows(&r),
        expect(&[
            ("P02", 1, 1, 4, true, 80_000, None),
            ("P01", 2, 2, 3, false, 80_000, Some("does_not_fit")),
            ("P03", 2, 3, 3, true, 110_000, None),
            ("P04", 4, 4, 1, true, 120_000, None),
        ])
    );
    assert_eq!(r.funded, ids(&["P02", "P03", "P04"]));
    assert_eq!(r.total_cost, 120_000);
    assert_eq!(r.ties.len(), 1);
    assert_eq!(r.ties[0].proposals, ids(&["P01", "P03"]));
}

#[test]
fn tiny_meeting_list_order_greedy_stop() {
    let r = tiny(Allocation::GreedyStop, TieBreak::ListOrder);
    // P1 does not fit and stops the funding: only P2.
    assert_eq!(
        rows(&r),
        expect(&[
            ("P02", 1, 1, 4, true, 80_000, None),
            ("P01", 2, 2, 3, false, 80_000, Some("does_not_fit")),
            ("P03", 2, 3, 3, false, 80_000, Some("stopped")),
            ("P04", 4, 4, 1, false, 80_000, Some("stopped")),
        ])
    );
    assert_eq!(r.funded, ids(&["P02"]));
    assert_eq!(r.total_cost, 80_000);
    assert_eq!(r.ties.len(), 1);
    assert_eq!(r.ties[0].proposals, ids(&["P01", "P03"]));
}

/// The same tiny meeting under list order and greedy stop: the 3-3 tie
/// between P1 (50k, listed first) and P3 (30k) decided the funding. With P1
/// first, P1 does not fit and the funding stops, so P3 is not funded; had the
/// tie gone the other way P3 would have been funded (80k + 30k <= 120k).
/// `TieGroup::decisive` ("whether the tie decided something") must say so.
#[test]
fn a_tie_that_decides_funding_under_greedy_stop_is_decisive() {
    let r = tiny(Allocation::GreedyStop, TieBreak::ListOrder);
    assert_eq!(r.ties[0].proposals, ids(&["P01", "P03"]));
    assert!(r.ties[0].decisive, "the P1/P3 tie decided that P3 was not funded, but is not flagged decisive");
}
