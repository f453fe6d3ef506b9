//! The count: ranking with ties, the tie-break, and the budget allocation
//! (greedy, or the Method of Equal Shares with a completion step).
//! Deterministic from the ballots, the definition and the lot seed.

use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use yuanzhuo_protocol::*;

use crate::equal_shares::equal_shares;

/// What the count is computed from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CountInput {
    /// Proposal id → votes (ballots and sticker boards).
    pub tally: BTreeMap<ProposalId, u64>,
    /// Every ballot that counts (phone and valid paper): approval sets, for
    /// the Method of Equal Shares.
    pub ballots: Vec<Vec<ProposalId>>,
    /// Of `ballots`, those from paper.
    pub paper: u64,
    pub void: u64,
    pub stickers: u64,
    /// Proposals excluded by the organiser before the vote: never funded.
    pub excluded: BTreeSet<ProposalId>,
}

/// How the budget went, along one order of the ranking: `None` funded,
/// else why not; and for equal shares, the positions completion added.
struct Funding {
    reasons: Vec<Option<UnfundedReason>>,
    completion: Vec<usize>,
}

/// The walk down one order of the ranking that marks each proposal funded
/// or not (§7 of docs/verification.md).
struct Walk<'a> {
    ordered: &'a [&'a Proposal],
    /// Per ranking position: why it is never funded (`no_votes`, `excluded`).
    why_not: &'a [Option<UnfundedReason>],
    budget: u64,
    allocation: Allocation,
}

impl Walk<'_> {
    /// Walk `order` (positions in the ranking). Greedy: funded if it fits
    /// what is left (`greedy_stop`: nothing after the first misfit). Equal
    /// shares: what the shares `bought` (by position), then completion in
    /// this order with what is left.
    fn fund(&self, order: &[usize], bought: Option<&[bool]>) -> Funding {
        let mut left = self.budget;
        if let Some(b) = bought {
            left -= order.iter().filter(|&&p| b[p]).map(|&p| self.ordered[p].cost).sum::<u64>();
        }
        let mut stopped = false;
        let mut completion = vec![];
        let reasons = order
            .iter()
            .map(|&p| {
                let cost = self.ordered[p].cost;
                if let Some(why) = self.why_not[p] {
                    Some(why)
                } else if bought.is_some_and(|b| b[p]) {
                    None
                } else if stopped {
                    Some(UnfundedReason::Stopped)
                } else if cost > left {
                    stopped = self.allocation == Allocation::GreedyStop;
                    Some(UnfundedReason::DoesNotFit)
                } else {
                    left -= cost;
                    if bought.is_some() {
                        completion.push(p);
                    }
                    None
                }
            })
            .collect();
        Funding { reasons, completion }
    }
}

/// Rank every proposal and allocate the budget.
///
/// Order: votes descending, then the tie-break rule. A proposal with no
/// votes, or excluded under one of the seven rules (`input.excluded`), is
/// never funded. Each proposal's cost is `def`'s (the caller passes the
/// costs fixed before the vote). `greedy_skip` / `greedy_stop` walk the order funding what fits
/// (skipping, or stopping at, the first misfit); `equal_shares` runs the
/// Method of Equal Shares and then completes greedily in ranking order.
pub fn count(def: &Definition, input: &CountInput, lot_seed: &str) -> Results {
    let rules = &def.rules;
    let tally = &input.tally;
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
    let is_excluded = |id: &str| input.excluded.contains(id);
    let ordered: Vec<&Proposal> = order.iter().map(|(_, p)| *p).collect();
    let votes_at: Vec<u64> = ordered.iter().map(|p| votes(&p.id)).collect();
    let why_not: Vec<Option<UnfundedReason>> = ordered
        .iter()
        .map(|p| {
            if votes(&p.id) == 0 {
                Some(UnfundedReason::NoVotes)
            } else if is_excluded(&p.id) {
                Some(UnfundedReason::Excluded)
            } else {
                None
            }
        })
        .collect();
    let walk = Walk { ordered: &ordered, why_not: &why_not, budget, allocation: rules.allocation };
    let straight: Vec<usize> = (0..ordered.len()).collect();

    // Equal shares: the method runs once, and also says what it would buy
    // with each candidate moved to the front of its tie group (for the
    // decisive ties below).
    let shares = (rules.allocation == Allocation::EqualShares).then(|| {
        let at: Vec<usize> = (0..ordered.len()).filter(|&i| why_not[i].is_none()).collect();
        let candidates: Vec<&Proposal> = at.iter().map(|&i| ordered[i]).collect();
        let cand_votes: Vec<u64> = at.iter().map(|&i| votes_at[i]).collect();
        let s = equal_shares(&candidates, &cand_votes, &input.ballots, budget);
        let bought = |set: &[usize]| {
            let mut b = vec![false; ordered.len()];
            for &c in set {
                b[at[c]] = true;
            }
            b
        };
        let selected = bought(&s.selected);
        let mut moved: Vec<Option<Vec<bool>>> = vec![None; ordered.len()];
        for (c, alt) in s.moved.iter().enumerate() {
            moved[at[c]] = alt.as_deref().map(bought);
        }
        let selected_ids: Vec<ProposalId> = s.selected.iter().map(|&c| candidates[c].id.clone()).collect();
        (selected_ids, selected, moved)
    });
    let funding = walk.fund(&straight, shares.as_ref().map(|s| s.1.as_slice()));
    let reasons = &funding.reasons;

    let mut running = 0u64;
    let mut ranking = Vec::with_capacity(ordered.len());
    let mut rank = 0u32;
    let mut last_votes = None;
    for (pos, (p, reason)) in ordered.iter().zip(reasons).enumerate() {
        let v = votes_at[pos];
        if last_votes != Some(v) {
            rank = pos as u32 + 1;
            last_votes = Some(v);
        }
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
            unfunded_reason: *reason,
        });
    }

    // A tie is decisive when putting any of its members first would change
    // what gets funded: then the tie-break, not the voters, decided. Only
    // the walk is redone per member; equal shares said above what it would
    // buy in that order.
    let actual: Vec<bool> = reasons.iter().map(Option::is_none).collect();
    let mut ties = Vec::new();
    let mut i = 0;
    while i < ranking.len() {
        let j = ranking[i..].iter().position(|r| r.votes != ranking[i].votes).map_or(ranking.len(), |k| i + k);
        if j - i > 1 && ranking[i].votes > 0 {
            let decisive = (i + 1..j).any(|k| {
                let mut alt = straight.clone();
                alt[i..=k].rotate_right(1);
                let bought = shares.as_ref().map(|(_, selected, moved)| moved[k].as_deref().unwrap_or(selected));
                let again = walk.fund(&alt, bought);
                alt.iter().zip(&again.reasons).any(|(&p, r)| r.is_none() != actual[p])
            });
            ties.push(TieGroup {
                votes: ranking[i].votes,
                proposals: ranking[i..j].iter().map(|r| r.proposal.clone()).collect(),
                decisive,
            });
        }
        i = j;
    }

    let voters = input.ballots.len() as u64;
    Results {
        ballots: voters,
        funded: ranking.iter().filter(|r| r.funded).map(|r| r.proposal.clone()).collect(),
        total_cost: running,
        budget,
        allocation: rules.allocation,
        tie_break: rules.tie_break,
        ties,
        closed_at_head: lot_seed.to_string(),
        ranking,
        paper: input.paper,
        void: input.void,
        stickers: input.stickers,
        equal_shares: shares.map(|(selected, _, _)| EqualSharesOutcome {
            voters,
            share: share_text(budget, voters),
            selected,
            completion: funding.completion.iter().map(|&p| ordered[p].id.clone()).collect(),
        }),
    }
}

/// Budget ÷ voters in yuan, two decimals, rounded down ("2999.99").
fn share_text(budget: u64, voters: u64) -> String {
    if voters == 0 {
        return "0.00".into();
    }
    let cents = budget as u128 * 100 / voters as u128;
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// Tally recomputed from scratch from the ballots that count and the
/// agreed sticker boards (for checks and `hub verify`).
pub fn recount<'a>(
    proposals: &[Proposal],
    ballots: impl IntoIterator<Item = &'a [ProposalId]>,
    boards: impl IntoIterator<Item = &'a BTreeMap<ProposalId, u64>>,
) -> BTreeMap<ProposalId, u64> {
    let mut t: BTreeMap<ProposalId, u64> = proposals.iter().map(|p| (p.id.clone(), 0)).collect();
    for b in ballots {
        for c in b {
            *t.entry(c.clone()).or_insert(0) += 1;
        }
    }
    for counts in boards {
        for (id, n) in counts {
            *t.entry(id.clone()).or_insert(0) += n;
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn def(costs: &[u64], budget: u64, allocation: Allocation, tie_break: TieBreak) -> Definition {
        Definition {
            meeting: MeetingInfo {
                name: "t".into(),
                venue: "v".into(),
                date: "d".into(),
                language: "zh".into(),
                ..Default::default()
            },
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
                board: BoardDisclosure::Choices,
                registration: Registration::None,
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
            prescreening: String::new(),
        }
    }

    fn tally(v: &[u64]) -> BTreeMap<ProposalId, u64> {
        v.iter().enumerate().map(|(i, n)| (format!("P{}", i + 1), *n)).collect()
    }

    fn input(v: &[u64], ballots: u64) -> CountInput {
        CountInput { tally: tally(v), ballots: vec![vec![]; ballots as usize], ..Default::default() }
    }

    #[test]
    fn greedy_skip_tries_the_next_one() {
        let d = def(&[60, 50, 30], 100, Allocation::GreedySkip, TieBreak::ListOrder);
        let r = count(&d, &input(&[9, 8, 7], 10), "");
        assert_eq!(r.funded, vec!["P1", "P3"]);
        assert_eq!(r.total_cost, 90);
        assert_eq!(r.ranking[1].unfunded_reason, Some(UnfundedReason::DoesNotFit));
    }

    #[test]
    fn greedy_stop_stops_at_first_misfit() {
        let d = def(&[60, 50, 30], 100, Allocation::GreedyStop, TieBreak::ListOrder);
        let r = count(&d, &input(&[9, 8, 7], 10), "");
        assert_eq!(r.funded, vec!["P1"]);
        assert_eq!(r.ranking[2].unfunded_reason, Some(UnfundedReason::Stopped));
    }

    #[test]
    fn ties_share_a_rank_and_lower_cost_wins() {
        let d = def(&[50, 40, 30, 10], 80, Allocation::GreedySkip, TieBreak::LowerCost);
        let r = count(&d, &input(&[5, 7, 7, 0], 10), "");
        let order: Vec<_> = r.ranking.iter().map(|x| (x.proposal.as_str(), x.rank, x.position)).collect();
        assert_eq!(order, vec![("P3", 1, 1), ("P2", 1, 2), ("P1", 3, 3), ("P4", 4, 4)]);
        assert_eq!(r.funded, vec!["P3", "P2"]);
        assert_eq!(r.ties.len(), 1);
        assert!(!r.ties[0].decisive);
        assert_eq!(r.ranking[3].unfunded_reason, Some(UnfundedReason::NoVotes));
    }

    #[test]
    fn decisive_tie_is_flagged_and_lot_is_reproducible() {
        let d = def(&[60, 60], 100, Allocation::GreedySkip, TieBreak::Lot);
        let a = count(&d, &input(&[3, 3], 3), "seed-a");
        let b = count(&d, &input(&[3, 3], 3), "seed-a");
        assert_eq!(a, b);
        assert!(a.ties[0].decisive);
        assert_eq!(a.funded.len(), 1);
    }
}
