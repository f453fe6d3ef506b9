//! The count against §7 of docs/verification.md by the letter
//! (`common::reference`: equal shares in rationals, every tie member moved
//! to the front and the whole allocation run again) on thousands of random
//! instances made to tie: few voters, few distinct costs, so that votes and
//! prices are often equal, with exclusions, sticker votes, zero costs and
//! budgets from nothing to plenty, under every rule and tie-break.

mod common;

use common::reference::check_allocation;
use common::*;
use std::collections::BTreeMap;
use yuanzhuo_engine::protocol::*;
use yuanzhuo_engine::{count, CountInput};

struct Instance {
    def: Definition,
    input: CountInput,
}

fn instance(r: &mut Rng, proposals: usize, voters: usize, allocation: Allocation, tie_break: TieBreak) -> Instance {
    let costs_from = [0u64, 10, 20, 20, 30, 30, 40, 60, 90];
    let costs: Vec<u64> = (0..proposals)
        .map(|_| {
            let c = costs_from[r.below(costs_from.len() as u64) as usize];
            // Zero costs are rare at a meeting (a missing estimate).
            if c == 0 && r.below(4) > 0 {
                10
            } else {
                c
            }
        })
        .collect();
    let total: u64 = costs.iter().sum();
    let o = Opts {
        tables: 1,
        proposals,
        max_choices: proposals.min(4) as u32,
        budget: r.below(total + 20),
        allocation,
        tie_break,
        ..Opts::default()
    };
    let def = definition_with_costs(&o, &costs);
    // A few popular proposals, so that supporters overlap.
    let weights: Vec<u64> = (0..proposals).map(|_| 1 + r.below(4)).collect();
    let ballots: Vec<Vec<ProposalId>> = (0..voters)
        .map(|_| {
            let k = 1 + r.below(o.max_choices as u64) as usize;
            let mut left: Vec<usize> = (0..proposals).collect();
            let mut b = vec![];
            for _ in 0..k {
                let sum: u64 = left.iter().map(|&i| weights[i]).sum();
                let mut x = r.below(sum);
                let at = left
                    .iter()
                    .position(|&i| {
                        let hit = x < weights[i];
                        x = x.saturating_sub(weights[i]);
                        hit
                    })
                    .expect("within the sum");
                b.push(pid(left.remove(at) + 1));
            }
            b
        })
        .collect();
    let mut tally: BTreeMap<ProposalId, u64> = def.proposals.iter().map(|p| (p.id.clone(), 0)).collect();
    for b in &ballots {
        for c in b {
            *tally.get_mut(c).expect("known") += 1;
        }
    }
    // Now and then a sticker board: votes without a ballot behind them.
    let mut stickers = 0;
    if r.below(5) == 0 {
        for p in &def.proposals {
            let n = r.below(3);
            *tally.get_mut(&p.id).expect("known") += n;
            stickers += n;
        }
    }
    let excluded = def.proposals.iter().filter(|_| r.below(8) == 0).map(|p| p.id.clone()).collect();
    let input = CountInput { tally, ballots, paper: 0, void: 0, stickers, excluded };
    Instance { def, input }
}

fn check(i: &Instance, seed: &str) -> Results {
    let r = count(&i.def, &i.input, seed);
    check_results(&i.def, &i.input.tally, i.input.ballots.len() as u64, &i.input.excluded, seed, &r);
    check_allocation(&i.def, &i.input, &r);
    r
}

#[test]
fn small_tied_instances_follow_the_definition() {
    let mut r = Rng(15);
    let (mut groups, mut decisive) = (0, 0);
    for case in 0..3000u64 {
        let allocation =
            [Allocation::EqualShares, Allocation::EqualShares, Allocation::GreedySkip, Allocation::GreedyStop]
                [(case % 4) as usize];
        let tie_break = [TieBreak::LowerCost, TieBreak::ListOrder, TieBreak::Lot][(case / 4 % 3) as usize];
        let proposals = 2 + r.below(9) as usize;
        let voters = r.below(48) as usize;
        let i = instance(&mut r, proposals, voters, allocation, tie_break);
        let res = check(&i, &format!("{case:064x}"));
        groups += res.ties.len();
        decisive += res.ties.iter().filter(|t| t.decisive).count();
    }
    // The instances are only worth something if they tie, decisively or not.
    eprintln!("tie groups: {groups}, decisive: {decisive}");
    assert!(groups > 2000 && decisive > 200 && decisive < groups, "{groups} groups, {decisive} decisive");
}

#[test]
fn larger_tied_instances_follow_the_definition() {
    let mut r = Rng(2026);
    let mut decisive = 0;
    for case in 0..6u64 {
        let tie_break = [TieBreak::LowerCost, TieBreak::ListOrder, TieBreak::Lot][(case % 3) as usize];
        let (proposals, voters) = (25 + r.below(10) as usize, 30 + r.below(50) as usize);
        let i = instance(&mut r, proposals, voters, Allocation::EqualShares, tie_break);
        let res = check(&i, &format!("{case:064x}"));
        decisive += res.ties.iter().filter(|t| t.decisive).count();
    }
    assert!(decisive > 0, "no decisive tie among the larger instances");
}
