//! §7 of docs/verification.md by the letter, slowly: the Method of Equal
//! Shares in rationals, and a tie group decisive when running the whole
//! allocation again with a member moved to the front of its group changes
//! what is funded. The engine finds the same answers another way (one run,
//! and second runs only where a moved member would be bought earlier); these
//! tests hold it to the definition.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::Zero;
use std::collections::BTreeSet;
use yuanzhuo_engine::protocol::*;
use yuanzhuo_engine::CountInput;

/// What the shares buy, in order: `candidates` (id, cost) in ranking order.
pub fn equal_shares(candidates: &[(&str, u64)], ballots: &[Vec<ProposalId>], budget: u64) -> Vec<String> {
    let n = ballots.len();
    if n == 0 {
        return vec![];
    }
    let mut money = vec![BigRational::new(BigInt::from(budget), BigInt::from(n)); n];
    let supporters: Vec<Vec<usize>> =
        candidates.iter().map(|(id, _)| (0..n).filter(|&v| ballots[v].iter().any(|c| c == id)).collect()).collect();
    let mut left: Vec<usize> = (0..candidates.len()).collect();
    let mut bought = vec![];
    loop {
        // (candidate, ρ, ρ / cost): the lowest price, the first ranked among equals.
        let mut best: Option<(usize, BigRational, BigRational)> = None;
        let mut still = vec![];
        for &c in &left {
            let (_, cost) = candidates[c];
            let s = &supporters[c];
            let cost_r = BigRational::from_integer(BigInt::from(cost));
            let total: BigRational = s.iter().map(|&v| money[v].clone()).sum();
            if s.is_empty() || total < cost_r {
                continue;
            }
            still.push(c);
            let (rho, price) = if cost == 0 {
                (BigRational::zero(), BigRational::zero())
            } else {
                let mut by_money: Vec<&BigRational> = s.iter().map(|&v| &money[v]).collect();
                by_money.sort();
                let mut paid = BigRational::zero();
                let mut k = by_money.len();
                let mut rho = None;
                for m in by_money {
                    let r = (&cost_r - &paid) / BigRational::from_integer(BigInt::from(k));
                    if r > *m {
                        paid += m;
                        k -= 1;
                    } else {
                        rho = Some(r);
                        break;
                    }
                }
                let rho = rho.expect("affordable");
                let price = &rho / &cost_r;
                (rho, price)
            };
            if best.as_ref().is_none_or(|(_, _, p)| price < *p) {
                best = Some((c, rho, price));
            }
        }
        left = still;
        let Some((c, rho, _)) = best else { return bought };
        for &v in &supporters[c] {
            money[v] = if money[v] > rho { &money[v] - &rho } else { BigRational::zero() };
        }
        bought.push(candidates[c].0.to_string());
        left.retain(|&x| x != c);
    }
}

/// §7 along `order` (ids): the funded set, and what the shares bought.
pub fn allocate(def: &Definition, input: &CountInput, order: &[&str]) -> (BTreeSet<String>, Vec<String>) {
    let rules = &def.rules;
    let budget = rules.budget.amount;
    let cost = |id: &str| def.proposals.iter().find(|p| p.id == id).expect("known").cost;
    let votes = |id: &str| input.tally.get(id).copied().unwrap_or(0);
    let excluded = |id: &str| input.excluded.contains(id);
    let eligible: Vec<&str> = order.iter().copied().filter(|id| votes(id) > 0 && !excluded(id)).collect();
    let mut funded = BTreeSet::new();
    let mut selected = vec![];
    let mut left = budget;
    match rules.allocation {
        Allocation::GreedySkip | Allocation::GreedyStop => {
            for id in eligible {
                if cost(id) <= left {
                    left -= cost(id);
                    funded.insert(id.to_string());
                } else if rules.allocation == Allocation::GreedyStop {
                    break;
                }
            }
        }
        Allocation::EqualShares => {
            let candidates: Vec<(&str, u64)> = eligible.iter().map(|id| (*id, cost(id))).collect();
            selected = equal_shares(&candidates, &input.ballots, budget);
            for id in &selected {
                left -= cost(id);
                funded.insert(id.clone());
            }
            for id in eligible {
                if !funded.contains(id) && cost(id) <= left {
                    left -= cost(id);
                    funded.insert(id.to_string());
                }
            }
        }
    }
    (funded, selected)
}

/// The results' funding, equal-shares selection and decisive flags are the
/// definition's (the ranking itself is checked by `check_results`).
#[track_caller]
pub fn check_allocation(def: &Definition, input: &CountInput, r: &Results) {
    let order: Vec<&str> = r.ranking.iter().map(|x| x.proposal.as_str()).collect();
    let (funded, selected) = allocate(def, input, &order);
    assert_eq!(r.funded.iter().cloned().collect::<BTreeSet<_>>(), funded, "funded set");
    if let Some(e) = &r.equal_shares {
        assert_eq!(e.selected, selected, "what the shares bought, in order");
    }
    for t in &r.ties {
        let i = order.iter().position(|id| *id == t.proposals[0]).expect("ranked");
        let decisive = (1..t.proposals.len()).any(|k| {
            let mut alt = order.clone();
            alt[i..=i + k].rotate_right(1);
            allocate(def, input, &alt).0 != funded
        });
        assert_eq!(t.decisive, decisive, "tie at {} votes {:?}: decisive", t.votes, t.proposals);
    }
}
