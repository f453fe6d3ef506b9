//! The Method of Equal Shares (Peters, Pierczyński, Skowron), for approval
//! ballots with cost utilities, in exact rational arithmetic so that any
//! other exact implementation (scripts/verify-count, pabutools) gets the
//! same outcome, ties included.
//!
//! Every voter starts with an equal share of the budget. A proposal can be
//! bought if its supporters together still hold its cost; it then costs each
//! supporter the same amount ρ (or all they have left, if less). Each round
//! buys the proposal with the lowest price per yuan of cost, ρ / cost (for
//! cost utilities that is "most supporters' money per yuan"); equal prices
//! go to the proposal ranked higher. It stops when nothing can be bought.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, Zero};
use std::collections::HashMap;
use yuanzhuo_protocol::{Proposal, ProposalId};

/// What the voters' shares buy, in the order bought. `candidates` are the
/// eligible proposals in ranking order (the tie-break for equal prices);
/// `ballots` are the approval sets of every voter whose ballot counts.
pub fn equal_shares(candidates: &[&Proposal], ballots: &[Vec<ProposalId>], budget: u64) -> Vec<ProposalId> {
    let n = ballots.len();
    if n == 0 || candidates.is_empty() {
        return vec![];
    }
    let share = BigRational::new(BigInt::from(budget), BigInt::from(n));
    let mut money: Vec<BigRational> = vec![share; n];
    let index: HashMap<&str, usize> = candidates.iter().enumerate().map(|(i, p)| (p.id.as_str(), i)).collect();
    let mut supporters: Vec<Vec<usize>> = vec![vec![]; candidates.len()];
    for (v, b) in ballots.iter().enumerate() {
        for id in b {
            if let Some(&k) = index.get(id.as_str()) {
                supporters[k].push(v);
            }
        }
    }
    // Prices only rise as voters spend, so the last price seen is a lower
    // bound: a proposal whose bound is already worse than the best need not
    // be priced again this round.
    let mut bound: Vec<Option<BigRational>> = vec![Some(BigRational::zero()); candidates.len()];
    let mut bought = vec![];
    loop {
        let mut best: Option<(usize, BigRational, BigRational)> = None; // (index, ρ, ρ/cost)
        for k in 0..candidates.len() {
            let Some(lb) = &bound[k] else { continue };
            if let Some((_, _, best_price)) = &best {
                // Ranked lower, so only a strictly lower price would win.
                if lb >= best_price {
                    continue;
                }
            }
            match price(candidates[k].cost, &supporters[k], &money) {
                None => bound[k] = None, // unaffordable now, and forever: money only shrinks
                Some((rho, per_yuan)) => {
                    bound[k] = Some(per_yuan.clone());
                    let better = best.as_ref().is_none_or(|(_, _, p)| per_yuan < *p);
                    if better {
                        best = Some((k, rho, per_yuan));
                    }
                }
            }
        }
        let Some((k, rho, _)) = best else { break };
        for &v in &supporters[k] {
            if money[v] > rho {
                money[v] -= &rho;
            } else {
                money[v] = BigRational::zero();
            }
        }
        bound[k] = None;
        bought.push(candidates[k].id.clone());
    }
    bought
}

/// The payment ρ each supporter makes (those with less pay all they have),
/// and the price per yuan ρ / cost; None if the supporters cannot afford it.
fn price(cost: u64, supporters: &[usize], money: &[BigRational]) -> Option<(BigRational, BigRational)> {
    if supporters.is_empty() {
        return None;
    }
    let cost_r = BigRational::from_integer(BigInt::from(cost));
    if cost == 0 {
        return Some((BigRational::zero(), BigRational::zero()));
    }
    let total: BigRational = supporters.iter().map(|v| &money[*v]).sum();
    if total < cost_r {
        return None;
    }
    let mut by_money: Vec<&BigRational> = supporters.iter().map(|v| &money[*v]).collect();
    by_money.sort();
    let mut paid = BigRational::zero();
    let mut left = by_money.len();
    for m in by_money {
        let rho = (&cost_r - &paid) / BigRational::from_integer(BigInt::from(left));
        if rho > *m {
            paid += m;
            left -= 1;
        } else {
            let per_yuan = &rho / &cost_r;
            debug_assert!(!per_yuan.is_negative());
            return Some((rho, per_yuan));
        }
    }
    // Unreachable: the supporters hold at least the cost, so the richest of
    // them can always pay what is left.
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use yuanzhuo_protocol::Level;

    fn p(id: &str, cost: u64) -> Proposal {
        Proposal {
            id: id.into(),
            title: id.into(),
            description: String::new(),
            location: String::new(),
            category: String::new(),
            proposer: String::new(),
            cost,
            level: Level::Community,
        }
    }

    fn ballots(v: &[&[&str]]) -> Vec<Vec<ProposalId>> {
        v.iter().map(|b| b.iter().map(|s| s.to_string()).collect()).collect()
    }

    #[test]
    fn a_majority_cannot_take_everything() {
        // Budget 100, 10 voters (10 each). Six want A and B (60 each), four want C (40).
        // Greedy by votes would fund A then stop (B does not fit after A, C fits: A+C).
        // Equal shares: the six hold 60 -> buy A; the four hold 40 -> buy C.
        let (a, b, c) = (p("A", 60), p("B", 60), p("C", 40));
        let mut v: Vec<&[&str]> = vec![&["A", "B"]; 6];
        v.extend(vec![&["C"][..]; 4]);
        let got = equal_shares(&[&a, &b, &c], &ballots(&v), 100);
        assert_eq!(got, vec!["A", "C"]);
    }

    #[test]
    fn the_minority_gets_its_share_even_when_it_is_small() {
        // 9 voters want X (cost 90), 1 voter wants Y (cost 10); budget 100.
        let (x, y) = (p("X", 90), p("Y", 10));
        let mut v: Vec<&[&str]> = vec![&["X"]; 9];
        v.push(&["Y"]);
        assert_eq!(equal_shares(&[&x, &y], &ballots(&v), 100), vec!["X", "Y"]);
        // With a budget of 80 (8 each) neither group can afford its proposal
        // alone: the shares buy nothing (completion then goes by votes).
        assert!(equal_shares(&[&x, &y], &ballots(&v), 80).is_empty());
    }

    #[test]
    fn equal_prices_go_to_the_higher_ranked() {
        let (a, b) = (p("A", 50), p("B", 50));
        let v: Vec<&[&str]> = vec![&["A", "B"]; 4];
        assert_eq!(equal_shares(&[&a, &b], &ballots(&v), 60), vec!["A"]);
        assert_eq!(equal_shares(&[&b, &a], &ballots(&v), 60), vec!["B"]);
    }

    #[test]
    fn poorer_supporters_pay_what_they_have() {
        // Budget 40, 4 voters (10 each). A (12) by voters 0-2: 4 each, price 1/3;
        // B (14) by voters 2-3: 7 each, price 1/2. A first; then voter 2 has 6
        // and pays it all, voter 3 pays the other 8: B is still bought.
        let (a, b) = (p("A", 12), p("B", 14));
        let v: Vec<&[&str]> = vec![&["A"], &["A"], &["A", "B"], &["B"]];
        assert_eq!(equal_shares(&[&a, &b], &ballots(&v), 40), vec!["A", "B"]);
        // With a budget of 28 (7 each) voter 2 keeps 3 after A, and 3 + 7 < 14:
        // B's supporters can no longer afford it.
        assert_eq!(equal_shares(&[&a, &b], &ballots(&v), 28), vec!["A"]);
    }
}
