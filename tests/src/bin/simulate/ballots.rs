//! What simulated residents vote for. Deterministic: voter i's ballot
//! depends only on the seed and i, so the same seed gives the same ballots
//! whatever the concurrency, and a re-run after a crash re-sends exactly
//! the ballots (and command ids) of the first run.
//!
//! Skewed so that the ranking is interesting: popularity falls off along a
//! seeded order of the proposals (Zipf-like), the tables' picks are pitched
//! from the stage and draw more votes, and most voters choose several.

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

pub struct BallotMaker {
    ids: Vec<String>,
    weights: Vec<f64>,
    max: usize,
    seed: u64,
}

impl BallotMaker {
    pub fn new(ids: &[String], picks: &[String], max_choices: usize, seed: u64) -> BallotMaker {
        let mut order: Vec<usize> = (0..ids.len()).collect();
        order.shuffle(&mut StdRng::seed_from_u64(seed ^ 0x9e37_79b9_7f4a_7c15));
        let mut weights = vec![0.0; ids.len()];
        for (rank, i) in order.iter().enumerate() {
            let pitched = if picks.contains(&ids[*i]) { 3.0 } else { 1.0 };
            weights[*i] = pitched / ((rank + 1) as f64).powf(0.8);
        }
        BallotMaker { ids: ids.to_vec(), weights, max: max_choices.clamp(1, ids.len().max(1)), seed }
    }

    /// Popularity order (most popular first), for the chairs' picks.
    pub fn popularity(&self, among: &[String]) -> Vec<String> {
        let mut v: Vec<(f64, &String)> = among
            .iter()
            .filter_map(|id| self.ids.iter().position(|x| x == id).map(|i| (self.weights[i], id)))
            .collect();
        v.sort_by(|a, b| b.0.total_cmp(&a.0));
        v.into_iter().map(|(_, id)| id.clone()).collect()
    }

    /// Voter `i`'s ballot: 1..=max distinct known proposals, more often
    /// several than one (P(k) ∝ k).
    pub fn ballot(&self, i: usize) -> Vec<String> {
        let mut rng = StdRng::seed_from_u64(self.seed.wrapping_mul(1_000_003).wrapping_add(i as u64));
        let total: usize = (1..=self.max).sum();
        let mut pick = rng.gen_range(0..total);
        let mut k = 1;
        while pick >= k {
            pick -= k;
            k += 1;
        }
        let mut left: Vec<usize> = (0..self.ids.len()).collect();
        let mut out = Vec::with_capacity(k);
        for _ in 0..k.min(left.len()) {
            let sum: f64 = left.iter().map(|i| self.weights[*i]).sum();
            let mut x = rng.gen_range(0.0..sum);
            let mut at = left.len() - 1;
            for (j, i) in left.iter().enumerate() {
                x -= self.weights[*i];
                if x <= 0.0 {
                    at = j;
                    break;
                }
            }
            out.push(self.ids[left.swap_remove(at)].clone());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn ids() -> Vec<String> {
        (1..=60).map(|i| format!("P{i:02}")).collect()
    }

    #[test]
    fn ballots_are_valid_and_reproducible() {
        let m = BallotMaker::new(&ids(), &["P03".into()], 10, 7);
        for i in 0..500 {
            let b = m.ballot(i);
            assert!((1..=10).contains(&b.len()));
            assert_eq!(b.iter().collect::<HashSet<_>>().len(), b.len(), "distinct");
            assert_eq!(b, m.ballot(i), "same seed, same ballot");
        }
        let other = BallotMaker::new(&ids(), &["P03".into()], 10, 8);
        assert!((0..50).any(|i| other.ballot(i) != m.ballot(i)));
    }

    #[test]
    fn the_ranking_is_skewed() {
        let m = BallotMaker::new(&ids(), &[], 10, 1);
        let mut count = std::collections::HashMap::new();
        for i in 0..2000 {
            for c in m.ballot(i) {
                *count.entry(c).or_insert(0) += 1;
            }
        }
        let mut v: Vec<i32> = count.values().copied().collect();
        v.sort_unstable();
        assert!(v[v.len() - 1] > 4 * v[0].max(1), "top {} vs bottom {}", v[v.len() - 1], v[0]);
    }
}
