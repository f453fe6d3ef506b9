//! The count: ranking with ties, the tie-break, and the budget allocation.
//! Deterministic from the tally, the definition and the lot seed.

use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use yuanzhuo_protocol::*;

/// Rank every proposal and allocate the budget.
///
/// Order: votes descending, then the tie-break rule. Funding walks that order:
/// a proposal with no votes, or excluded by an adviser under one of the seven
/// rules, is never funded; otherwise it is funded if it fits the remaining
/// budget (`greedy_skip` then tries the next one, `greedy_stop` stops there).
pub fn count(
    def: &Definition,
    tally: &BTreeMap<ProposalId, u64>,
    ballots: u64,
    annotations: &BTreeMap<ProposalId, Annotation>,
    lot_seed: &str,
) -> Results {
    let rules = &def.rules;
    let votes = |id: &str| tally.get(id).copied().unwrap_or(0);
    let mut order: Vec<(usize, &Proposal)> = def.proposals.iter().enumerate().collect();
    let lot = |id: &str| -> String {
        let mut h = Sha256::new();
        h.update(lot_seed.as_bytes());
        h.update(id.as_bytes());
        hex::encode(h.finalize())
    };
    order.sort_by(|(ia, a), (ib, b)| {
        votes(&b.id).cmp(&votes(&a.id)).then_with(|| match rules.tie_break {
            TieBreak::LowerCost => a.cost.cmp(&b.cost).then(ia.cmp(ib)),
            TieBreak::ListOrder => ia.cmp(ib),
            TieBreak::Lot => lot(&a.id).cmp(&lot(&b.id)),
        })
    });

    let budget = rules.budget.amount;
    let mut running = 0u64;
    let mut stopped = false;
    let mut ranking = Vec::with_capacity(order.len());
    let mut rank = 0u32;
    let mut last_votes = None;
    for (pos, (_, p)) in order.iter().enumerate() {
        let v = votes(&p.id);
        if last_votes != Some(v) {
            rank = pos as u32 + 1;
            last_votes = Some(v);
        }
        let excluded = annotations.get(&p.id).is_some_and(|a| a.feasibility == Feasibility::Excluded);
        let reason = if v == 0 {
            Some("no_votes")
        } else if excluded {
            Some("excluded")
        } else if stopped {
            Some("stopped")
        } else if running + p.cost > budget {
            if rules.allocation == Allocation::GreedyStop {
                stopped = true;
            }
            Some("does_not_fit")
        } else {
            None
        };
        if reason.is_none() {
            running += p.cost;
        }
        ranking.push(RankRow {
            rank,
            position: pos as u32 + 1,
            proposal: p.id.clone(),
            votes: v,
            cost: p.cost,
            funded: reason.is_none(),
            running_total: running,
            unfunded_reason: reason.map(str::to_string),
        });
    }

    let mut ties = Vec::new();
    let mut i = 0;
    while i < ranking.len() {
        let j = ranking[i..].iter().position(|r| r.votes != ranking[i].votes).map_or(ranking.len(), |k| i + k);
        if j - i > 1 && ranking[i].votes > 0 {
            let group = &ranking[i..j];
            let budget_line = |r: &RankRow| matches!(r.unfunded_reason.as_deref(), Some("does_not_fit" | "stopped"));
            let decisive = group.iter().any(|r| r.funded) && group.iter().any(budget_line);
            ties.push(TieGroup {
                votes: ranking[i].votes,
                proposals: group.iter().map(|r| r.proposal.clone()).collect(),
                decisive,
            });
        }
        i = j;
    }

    Results {
        ballots,
        funded: ranking.iter().filter(|r| r.funded).map(|r| r.proposal.clone()).collect(),
        total_cost: running,
        budget,
        allocation: rules.allocation,
        tie_break: rules.tie_break,
        ties,
        closed_at_head: lot_seed.to_string(),
        ranking,
    }
}

/// Tally recomputed from scratch from the ballots (for checks and `hub verify`).
pub fn recount<'a>(proposals: &[Proposal], ballots: impl IntoIterator<Item = &'a [ProposalId]>) -> BTreeMap<ProposalId, u64> {
    let mut t: BTreeMap<ProposalId, u64> = proposals.iter().map(|p| (p.id.clone(), 0)).collect();
    for b in ballots {
        for c in b {
            *t.entry(c.clone()).or_insert(0) += 1;
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn def(costs: &[u64], budget: u64, allocation: Allocation, tie_break: TieBreak) -> Definition {
        Definition {
            meeting: MeetingInfo { name: "t".into(), venue: "v".into(), date: "d".into(), language: "zh".into() },
            rules: Rules {
                tables: vec!["A".into()],
                picks_per_table: 1,
                max_choices: 3,
                discussion_minutes: 40,
                pitch_minutes: 3,
                budget: Budget { amount: budget, currency: "CNY".into() },
                allocation,
                tie_break,
                tally: TallyVisibility::Live,
                assignment: Assignment::SplitEvenly,
            },
            proposals: costs
                .iter()
                .enumerate()
                .map(|(i, c)| Proposal {
                    id: format!("P{}", i + 1),
                    title: format!("项目{}", i + 1),
                    description: String::new(),
                    location: String::new(),
                    category: String::new(),
                    proposer: String::new(),
                    cost: *c,
                    level: Level::Community,
                })
                .collect(),
        }
    }

    fn tally(v: &[u64]) -> BTreeMap<ProposalId, u64> {
        v.iter().enumerate().map(|(i, n)| (format!("P{}", i + 1), *n)).collect()
    }

    #[test]
    fn greedy_skip_tries_the_next_one() {
        let d = def(&[60, 50, 30], 100, Allocation::GreedySkip, TieBreak::ListOrder);
        let r = count(&d, &tally(&[9, 8, 7]), 10, &BTreeMap::new(), "");
        assert_eq!(r.funded, vec!["P1", "P3"]);
        assert_eq!(r.total_cost, 90);
        assert_eq!(r.ranking[1].unfunded_reason.as_deref(), Some("does_not_fit"));
    }

    #[test]
    fn greedy_stop_stops_at_first_misfit() {
        let d = def(&[60, 50, 30], 100, Allocation::GreedyStop, TieBreak::ListOrder);
        let r = count(&d, &tally(&[9, 8, 7]), 10, &BTreeMap::new(), "");
        assert_eq!(r.funded, vec!["P1"]);
        assert_eq!(r.ranking[2].unfunded_reason.as_deref(), Some("stopped"));
    }

    #[test]
    fn ties_share_a_rank_and_lower_cost_wins() {
        let d = def(&[50, 40, 30, 10], 80, Allocation::GreedySkip, TieBreak::LowerCost);
        let r = count(&d, &tally(&[5, 7, 7, 0]), 10, &BTreeMap::new(), "");
        let order: Vec<_> = r.ranking.iter().map(|x| (x.proposal.as_str(), x.rank, x.position)).collect();
        assert_eq!(order, vec![("P3", 1, 1), ("P2", 1, 2), ("P1", 3, 3), ("P4", 4, 4)]);
        assert_eq!(r.funded, vec!["P3", "P2"]);
        assert_eq!(r.ties.len(), 1);
        assert!(!r.ties[0].decisive);
        assert_eq!(r.ranking[3].unfunded_reason.as_deref(), Some("no_votes"));
    }

    #[test]
    fn decisive_tie_is_flagged_and_lot_is_reproducible() {
        let d = def(&[60, 60], 100, Allocation::GreedySkip, TieBreak::Lot);
        let a = count(&d, &tally(&[3, 3]), 3, &BTreeMap::new(), "seed-a");
        let b = count(&d, &tally(&[3, 3]), 3, &BTreeMap::new(), "seed-a");
        assert_eq!(a, b);
        assert!(a.ties[0].decisive);
        assert_eq!(a.funded.len(), 1);
    }
}
