//! The Method of Equal Shares (Peters, Pierczyński, Skowron), for approval
//! ballots with cost utilities, in exact arithmetic so that any other exact
//! implementation (scripts/verify-count, pabutools) gets the same outcome,
//! ties included.
//!
//! Every voter starts with an equal share of the budget. A proposal can be
//! bought if its supporters together still hold its cost; it then costs each
//! supporter the same amount ρ (or all they have left, if less). Each round
//! buys the proposal with the lowest price per yuan of cost, ρ / cost (for
//! cost utilities that is "most supporters' money per yuan"); equal prices
//! go to the proposal ranked higher. It stops when nothing can be bought.
//!
//! How it stays exact and fast:
//! - every voter's money is an integer over one common denominator
//!   (`money[i] / den`): sums and comparisons are plain integer work, and a
//!   purchase multiplies the denominator by the (reduced) number of voters
//!   who pay ρ in full, so nothing is ever rounded;
//! - prices only rise as voters spend, so a price seen earlier is a lower
//!   bound: the candidates wait in a queue by bound, and a round prices only
//!   those whose bound could still beat the best price found (as pabutools
//!   does);
//! - whether a tie group was decisive (docs/verification.md §7) needs what
//!   the shares buy with each member moved to the front of its group. That
//!   run is the real one until a round t where the moved member k has the
//!   lowest price together with a member of its group ranked above it, which
//!   the real run buys. If the real run buys k later, at t′, and none of
//!   k's supporters pays less than ρ in any purchase from t to t′, the
//!   order changes nothing (every supporter pays the same ρ either way, and
//!   every other price and choice in between is the same). Only the others
//!   get a second run, from round t, in step with the real one, dropped as
//!   soon as it is back in the real run's state (the same proposals bought,
//!   every voter holding the same money): from there on the two are one.
//!
//! `tests/shares.rs` holds all this to the definition run by the letter.

use num_bigint::BigUint;
use num_traits::{ToPrimitive, Zero};
use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashMap};
use std::rc::Rc;
use yuanzhuo_protocol::{Proposal, ProposalId};

/// What the voters' shares buy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shares {
    /// Indices into the candidates, in the order bought.
    pub selected: Vec<usize>,
    /// For each candidate: what the shares buy (indices, in the order
    /// bought) if that candidate is moved to the first place among the
    /// candidates of its group, when that is not the same set as
    /// `selected`; `None` when it is.
    pub moved: Vec<Option<Vec<usize>>>,
}

/// Run the method. `candidates` are the eligible proposals in ranking order
/// (the tie-break for equal prices), `votes` their votes (a group is a run
/// of candidates with equal votes), `ballots` the approval sets of every
/// voter whose ballot counts.
pub fn equal_shares(candidates: &[&Proposal], votes: &[u64], ballots: &[Vec<ProposalId>], budget: u64) -> Shares {
    let m = candidates.len();
    let n = ballots.len();
    if n == 0 || m == 0 {
        return Shares { selected: vec![], moved: vec![None; m] };
    }
    let index: HashMap<&str, usize> = candidates.iter().enumerate().map(|(i, p)| (p.id.as_str(), i)).collect();
    let mut supporters: Vec<Vec<u32>> = vec![vec![]; m];
    for (v, b) in ballots.iter().enumerate() {
        for id in b {
            if let Some(&k) = index.get(id.as_str()) {
                supporters[k].push(v as u32);
            }
        }
    }
    let cost: Vec<u64> = candidates.iter().map(|p| p.cost).collect();
    let group_start: Vec<usize> = (0..m)
        .scan(0, |start, c| {
            if c > 0 && votes[c] != votes[c - 1] {
                *start = c;
            }
            Some(*start)
        })
        .collect();
    let setup = Setup { cost: &cost, supporters: &supporters, votes, group_start: &group_start, voters: n, budget };

    // The real run; where a moved member would be bought earlier, and who
    // paid less than ρ in each round.
    let real = setup.lockstep(&[]);
    // A moved member bought at round t instead of the real run's choice,
    // and by the real run at a later round t′, changes nothing when none of
    // its supporters pays less than ρ in any round from t to t′: then they
    // pay the same in either order, every other price and choice in
    // between is the same, and after t′ both runs hold the same.
    let mut bought_at = vec![None; m];
    for (r, c) in real.selected.iter().enumerate() {
        bought_at[*c] = Some(r);
    }
    let mut supporting = vec![false; n];
    let second: Vec<(usize, usize)> = real
        .diverged
        .iter()
        .copied()
        .filter(|&(k, t)| {
            let Some(later) = bought_at[k] else { return true };
            for &v in &supporters[k] {
                supporting[v as usize] = true;
            }
            let commutes = real.poor[t..=later].iter().flatten().all(|&v| !supporting[v as usize]);
            for &v in &supporters[k] {
                supporting[v as usize] = false;
            }
            !commutes
        })
        .collect();
    if second.is_empty() {
        return Shares { selected: real.selected, moved: vec![None; m] };
    }
    // The others: run again, with a second run from each such round.
    let again = setup.lockstep(&second);
    Shares { selected: again.selected, moved: again.moved }
}

/// What every run shares.
struct Setup<'a> {
    cost: &'a [u64],
    supporters: &'a [Vec<u32>],
    votes: &'a [u64],
    group_start: &'a [usize],
    voters: usize,
    budget: u64,
}

/// The real run, with what `Setup::lockstep` learnt on the way.
struct Course {
    selected: Vec<usize>,
    moved: Vec<Option<Vec<usize>>>,
    /// (k, t): moved to the front of its group, candidate k would be bought
    /// at round t instead of the real run's choice.
    diverged: Vec<(usize, usize)>,
    /// Per round: the supporters who paid less than ρ (all they had).
    poor: Vec<Vec<u32>>,
}

impl Setup<'_> {
    /// The real run, with a second run (in lockstep) for each (k, t) of
    /// `second`: the allocation with k moved to the front of its group,
    /// from round t, where it buys k. A second run back in the real run's
    /// state is dropped (from there on they are one).
    fn lockstep(&self, second: &[(usize, usize)]) -> Course {
        let (m, votes) = (self.cost.len(), self.votes);
        let mut main = Run::new(self.cost, self.supporters, self.voters, self.budget);
        let mut course = Course { selected: vec![], moved: vec![None; m], diverged: vec![], poor: vec![] };
        let mut alts: Vec<Alt> = vec![];
        let mut seen = vec![false; m];
        let mut main_done = false;
        loop {
            let fresh_from = alts.len();
            if !main_done {
                let Some(offer) = main.choose() else {
                    main_done = true;
                    continue;
                };
                let round = course.poor.len();
                if second.is_empty() {
                    // Group members ranked below the one bought whose price
                    // is just as low: moved to the front, they would be
                    // bought now.
                    let w = offer.c;
                    let price = offer.price(&main.den, self.cost[w]);
                    for k in (w + 1..m).take_while(|&k| votes[k] == votes[w]) {
                        let low = main.bound[k].as_ref().is_some_and(|b| b.cmp(&price) != Ordering::Greater);
                        if seen[k] || !low {
                            continue;
                        }
                        let same = main.price(k).is_some_and(|o| o.price(&main.den, self.cost[k]).cmp(&price).is_eq());
                        if same {
                            seen[k] = true;
                            course.diverged.push((k, round));
                        }
                    }
                } else {
                    for &(k, _) in second.iter().filter(|(_, t)| *t == round) {
                        let Some(theirs) = main.price(k) else { continue };
                        let mut run = main.clone();
                        run.move_to_front(k, self.group_start[k]);
                        let touched = self.supporters[k].clone();
                        run.buy(theirs);
                        alts.push(Alt { k, run, diff: 1, done: false, touched });
                    }
                }
                let w = offer.c;
                course.poor.push(main.buy(offer));
                for a in &mut alts {
                    a.diff = if a.run.is_bought[w] { a.diff - 1 } else { a.diff + 1 };
                    a.touched.extend(&self.supporters[w]);
                }
            }
            for a in alts[..fresh_from].iter_mut().filter(|a| !a.done) {
                match a.run.choose() {
                    Some(offer) => {
                        let c = offer.c;
                        a.run.buy(offer);
                        a.diff = if main.is_bought[c] { a.diff - 1 } else { a.diff + 1 };
                        a.touched.extend(&self.supporters[c]);
                    }
                    None => a.done = true,
                }
            }
            // A second run back in the real run's state goes on as the real one.
            alts.retain(|a| !(a.diff == 0 && a.run.same_money(&main, &a.touched)));
            if main_done && alts.iter().all(|a| a.done) {
                break;
            }
        }
        for a in alts {
            if a.diff != 0 {
                course.moved[a.k] = Some(a.run.bought);
            }
        }
        course.selected = main.bought;
        course
    }
}

/// A second run: the allocation with candidate `k` moved to the front of
/// its group, and how many candidates are bought by one run and not the
/// other.
struct Alt<'a> {
    k: usize,
    run: Run<'a>,
    diff: usize,
    done: bool,
    /// The voters who paid for something in either run since it started
    /// (the others hold the same money in both).
    touched: Vec<u32>,
}

/// A price per yuan, `num / den`, compared exactly (never reduced). Its
/// base-2 logarithm, good to 1e-10, settles most comparisons without
/// multiplying; prices closer than 1e-9 (in the logarithm) are compared
/// exactly, and so are all prices of numbers too long for the logarithm's
/// precision (NaN).
#[derive(Debug)]
struct Price {
    num: BigUint,
    den: BigUint,
    log2: f64,
}

impl Price {
    fn new(num: BigUint, den: BigUint) -> Rc<Price> {
        let log2 = if num.bits().max(den.bits()) < 100_000 { log2(&num) - log2(&den) } else { f64::NAN };
        Rc::new(Price { num, den, log2 })
    }

    fn zero() -> Rc<Price> {
        Price::new(BigUint::zero(), BigUint::from(1u32))
    }

    fn cmp(&self, other: &Price) -> Ordering {
        let d = self.log2 - other.log2;
        if d > 1e-9 {
            Ordering::Greater
        } else if d < -1e-9 {
            Ordering::Less
        } else if self.num == other.num && self.den == other.den {
            Ordering::Equal
        } else {
            cmp_products(&self.num, &other.den, &other.num, &self.den)
        }
    }
}

/// a·b against c·d, on the stack when the products are small.
fn cmp_products(a: &BigUint, b: &BigUint, c: &BigUint, d: &BigUint) -> Ordering {
    const LIMBS: usize = 16;
    fn product(x: &BigUint, y: &BigUint) -> [u64; LIMBS] {
        let mut out = [0u64; LIMBS];
        for (i, xi) in x.iter_u64_digits().enumerate() {
            let mut carry = 0u128;
            for (j, yj) in y.iter_u64_digits().enumerate() {
                let t = u128::from(xi) * u128::from(yj) + u128::from(out[i + j]) + carry;
                out[i + j] = t as u64;
                carry = t >> 64;
            }
            let mut k = i + y.iter_u64_digits().len();
            while carry > 0 {
                let t = u128::from(out[k]) + carry;
                out[k] = t as u64;
                carry = t >> 64;
                k += 1;
            }
        }
        out
    }
    let small = |x: &BigUint, y: &BigUint| x.bits() + y.bits() < (LIMBS as u64 - 1) * 64;
    if small(a, b) && small(c, d) {
        cmp_limbs(&product(a, b), &product(c, d))
    } else {
        (a * b).cmp(&(c * d))
    }
}

/// log2(x) from its top 64 bits: off by at most 2e-11 below 2^100000;
/// −∞ for 0.
fn log2(x: &BigUint) -> f64 {
    let bits = x.bits();
    if bits <= 64 {
        return x.to_u64().map_or(f64::NEG_INFINITY, |v| (v as f64).log2());
    }
    let top = (x >> (bits - 64)).to_u64().unwrap_or(u64::MAX);
    (bits - 64) as f64 + (top as f64).log2()
}

/// A candidate waiting in the queue with a lower bound on its price.
#[derive(Debug, Clone)]
struct Queued {
    bound: Rc<Price>,
    place: u32,
    c: u32,
}

impl PartialEq for Queued {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Queued {}
impl PartialOrd for Queued {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Queued {
    fn cmp(&self, other: &Self) -> Ordering {
        self.bound.cmp(&other.bound).then(self.place.cmp(&other.place))
    }
}

/// What buying candidate `c` now would cost: `payers` voters pay
/// ρ = rest / (payers · den) each, the others (poorer) all they have.
struct Offer {
    c: usize,
    rest: BigUint,
    payers: u64,
}

impl Offer {
    /// ρ / cost.
    fn price(&self, den: &BigUint, cost: u64) -> Rc<Price> {
        if cost == 0 {
            return Price::zero();
        }
        Price::new(self.rest.clone(), den * self.payers * cost)
    }
}

/// Every voter's money, an integer over the common denominator: `width`
/// 64-bit limbs each (least significant first), all in one block, so that a
/// second run copies it at once and a purchase rescales it in one pass.
#[derive(Clone)]
struct Purses {
    width: usize,
    limbs: Vec<u64>,
}

impl Purses {
    fn of(&self, v: u32) -> &[u64] {
        let at = v as usize * self.width;
        &self.limbs[at..at + self.width]
    }

    /// Multiply every purse by `f`, widened first to `width` limbs.
    fn scale(&mut self, f: u64, width: usize) {
        if width > self.width {
            let mut wide = vec![0u64; self.limbs.len() / self.width * width];
            for (from, to) in self.limbs.chunks(self.width).zip(wide.chunks_mut(width)) {
                to[..from.len()].copy_from_slice(from);
            }
            (self.width, self.limbs) = (width, wide);
        }
        for purse in self.limbs.chunks_mut(self.width) {
            let mut carry = 0u128;
            for x in purse {
                let t = u128::from(*x) * u128::from(f) + carry;
                *x = t as u64;
                carry = t >> 64;
            }
            debug_assert_eq!(carry, 0, "purses are wide enough");
        }
    }

    /// Voter `v` pays `pay`, or all they hold if less; false when they
    /// held less.
    fn pay(&mut self, v: u32, pay: &[u64]) -> bool {
        let at = v as usize * self.width;
        let purse = &mut self.limbs[at..at + self.width];
        match cmp_limbs(purse, pay) {
            Ordering::Greater => {
                sub_limbs(purse, pay);
                true
            }
            Ordering::Equal => {
                purse.fill(0);
                true
            }
            Ordering::Less => {
                purse.fill(0);
                false
            }
        }
    }
}

/// One run of the method: the voters' money and what is bought.
#[derive(Clone)]
struct Run<'a> {
    cost: &'a [u64],
    supporters: &'a [Vec<u32>],
    /// Each candidate's place in this run's order (equal prices: lower first).
    place: Vec<u32>,
    /// Voter i holds purses.of(i) / den.
    purses: Purses,
    den: BigUint,
    den_limbs: Vec<u64>,
    /// A lower bound on each candidate's price; None once bought or
    /// unaffordable (for good: money only decreases).
    bound: Vec<Option<Rc<Price>>>,
    /// The candidates still in the race by (bound, place); entries of
    /// candidates bought since are dropped when they come up.
    queue: BinaryHeap<Reverse<Queued>>,
    bought: Vec<usize>,
    is_bought: Vec<bool>,
}

impl<'a> Run<'a> {
    fn new(cost: &'a [u64], supporters: &'a [Vec<u32>], voters: usize, budget: u64) -> Run<'a> {
        let m = cost.len();
        let g = gcd(budget, voters as u64).max(1);
        let zero = Price::zero();
        let queue = (0..m).map(|c| Reverse(Queued { bound: zero.clone(), place: c as u32, c: c as u32 })).collect();
        let den = BigUint::from(voters as u64 / g);
        Run {
            cost,
            supporters,
            place: (0..m as u32).collect(),
            // Each holds budget / voters; at most budget·den ever (money only shrinks).
            purses: Purses { width: 2, limbs: [budget / g, 0].repeat(voters) },
            den_limbs: den.to_u64_digits(),
            den,
            bound: vec![Some(zero); m],
            queue,
            bought: vec![],
            is_bought: vec![false; m],
        }
    }

    /// What buying `c` would cost now; None if its supporters cannot afford it.
    fn price(&self, c: usize) -> Option<Offer> {
        let s = &self.supporters[c];
        if s.is_empty() {
            return None;
        }
        if self.cost[c] == 0 {
            return Some(Offer { c, rest: BigUint::zero(), payers: 1 });
        }
        let width = self.purses.width;
        let mut rest = vec![];
        mul_limbs(&mut rest, &self.den_limbs, self.cost[c]);
        let mut total = vec![0u64; width + 1];
        for &v in s {
            add_limbs(&mut total, self.purses.of(v));
        }
        if cmp_limbs(&total, &rest) == Ordering::Less {
            return None;
        }
        let mut by_money = s.clone();
        by_money.sort_unstable_by(|&a, &b| cmp_limbs(self.purses.of(a), self.purses.of(b)));
        let mut payers = by_money.len() as u64;
        let mut share = Vec::with_capacity(width + 1);
        for v in by_money {
            // ρ = rest / (payers · den): a voter holding less pays all they have.
            let held = self.purses.of(v);
            mul_limbs(&mut share, held, payers);
            if cmp_limbs(&rest, &share) == Ordering::Greater {
                sub_limbs(&mut rest, held);
                payers -= 1;
            } else {
                return Some(Offer { c, rest: from_limbs(&rest), payers });
            }
        }
        // Unreachable: the supporters hold at least the cost, so the richest
        // of them can always pay what is left.
        None
    }

    /// The affordable candidate with the lowest price (the first placed
    /// among equals), or None when nothing can be bought.
    fn choose(&mut self) -> Option<Offer> {
        let mut best: Option<(Offer, Rc<Price>)> = None;
        let mut again = vec![];
        while let Some(Reverse(top)) = self.queue.peek() {
            let c = top.c as usize;
            if self.bound[c].is_none() {
                self.queue.pop();
                continue;
            }
            if let Some((b, price)) = &best {
                // Every candidate left has a price at least its bound, and
                // those with a bound equal to the best price come by place:
                // none of them can win any more.
                match top.bound.cmp(price) {
                    Ordering::Greater => break,
                    Ordering::Equal if top.place > self.place[b.c] => break,
                    _ => {}
                }
            }
            self.queue.pop();
            match self.price(c) {
                None => self.bound[c] = None,
                Some(offer) => {
                    let p = offer.price(&self.den, self.cost[c]);
                    let better = best.as_ref().is_none_or(|(b, bp)| match p.cmp(bp) {
                        Ordering::Less => true,
                        Ordering::Equal => self.place[c] < self.place[b.c],
                        Ordering::Greater => false,
                    });
                    self.bound[c] = Some(p.clone());
                    again.push(Reverse(Queued { bound: p.clone(), place: self.place[c], c: c as u32 }));
                    if better {
                        best = Some((offer, p));
                    }
                }
            }
        }
        self.queue.extend(again);
        best.map(|(offer, _)| offer)
    }

    /// Buy: each supporter pays ρ, or all they have if less. Returns those
    /// who had less.
    fn buy(&mut self, offer: Offer) -> Vec<u32> {
        let Offer { c, rest, payers } = offer;
        // ρ = rest / (payers · den) = pay / (den · f) once reduced.
        let g = gcd(payers, (&rest % payers).to_u64().unwrap_or(0)).max(1);
        let (f, pay) = (payers / g, rest / g);
        if f > 1 {
            self.den *= f;
            self.den_limbs = self.den.to_u64_digits();
            // Nobody holds more than the budget (< 2^64) times den.
            self.purses.scale(f, self.den_limbs.len() + 1);
        }
        let pay = pay.to_u64_digits();
        let mut poor = vec![];
        for &v in &self.supporters[c] {
            if !self.purses.pay(v, &pay) {
                poor.push(v);
            }
        }
        self.bound[c] = None;
        self.is_bought[c] = true;
        self.bought.push(c);
        poor
    }

    /// Move candidate `k` to the first place of its group (which starts at
    /// `start`), the others keeping their order.
    fn move_to_front(&mut self, k: usize, start: usize) {
        for c in start..k {
            self.place[c] += 1;
        }
        self.place[k] = start as u32;
        let mut queued = std::mem::take(&mut self.queue).into_vec();
        queued.retain(|q| self.bound[q.0.c as usize].is_some());
        for q in &mut queued {
            q.0.place = self.place[q.0.c as usize];
        }
        self.queue = BinaryHeap::from(queued);
    }

    /// These voters hold the same money in both runs.
    fn same_money(&self, other: &Run, voters: &[u32]) -> bool {
        voters.iter().all(|&v| {
            let (a, b) = (self.purses.of(v), other.purses.of(v));
            if self.den == other.den {
                cmp_limbs(a, b) == Ordering::Equal
            } else {
                from_limbs(a) * &other.den == from_limbs(b) * &self.den
            }
        })
    }
}

// Unsigned integers as little-endian 64-bit limbs, of any lengths (missing
// high limbs are zeros).

fn cmp_limbs(a: &[u64], b: &[u64]) -> Ordering {
    for i in (0..a.len().max(b.len())).rev() {
        let (x, y) = (a.get(i).copied().unwrap_or(0), b.get(i).copied().unwrap_or(0));
        if x != y {
            return x.cmp(&y);
        }
    }
    Ordering::Equal
}

/// acc += x (acc has room for the result).
fn add_limbs(acc: &mut [u64], x: &[u64]) {
    let mut carry = 0u64;
    for (i, a) in acc.iter_mut().enumerate() {
        let (s, c1) = a.overflowing_add(x.get(i).copied().unwrap_or(0));
        let (s, c2) = s.overflowing_add(carry);
        *a = s;
        carry = u64::from(c1 || c2);
        if carry == 0 && i >= x.len() {
            return;
        }
    }
    debug_assert_eq!(carry, 0, "room for the sum");
}

/// acc −= x (acc ≥ x).
fn sub_limbs(acc: &mut [u64], x: &[u64]) {
    let mut borrow = 0u64;
    for (i, a) in acc.iter_mut().enumerate() {
        let (d, b1) = a.overflowing_sub(x.get(i).copied().unwrap_or(0));
        let (d, b2) = d.overflowing_sub(borrow);
        *a = d;
        borrow = u64::from(b1 || b2);
        if borrow == 0 && i >= x.len() {
            return;
        }
    }
    debug_assert_eq!(borrow, 0, "no negative money");
}

/// out = x · k.
fn mul_limbs(out: &mut Vec<u64>, x: &[u64], k: u64) {
    out.clear();
    let mut carry = 0u128;
    for &d in x {
        let t = u128::from(d) * u128::from(k) + carry;
        out.push(t as u64);
        carry = t >> 64;
    }
    out.push(carry as u64);
}

fn from_limbs(x: &[u64]) -> BigUint {
    BigUint::from_slice(&x.iter().flat_map(|&d| [d as u32, (d >> 32) as u32]).collect::<Vec<u32>>())
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
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

    /// What the shares buy, by id; votes all different (no groups).
    fn bought(candidates: &[&Proposal], v: &[&[&str]], budget: u64) -> Vec<String> {
        let votes: Vec<u64> = (0..candidates.len() as u64).rev().collect();
        let s = equal_shares(candidates, &votes, &ballots(v), budget);
        s.selected.iter().map(|&c| candidates[c].id.clone()).collect()
    }

    #[test]
    fn a_majority_cannot_take_everything() {
        // Budget 100, 10 voters (10 each). Six want A and B (60 each), four want C (40).
        // Greedy by votes would fund A then stop (B does not fit after A, C fits: A+C).
        // Equal shares: the six hold 60 -> buy A; the four hold 40 -> buy C.
        let (a, b, c) = (p("A", 60), p("B", 60), p("C", 40));
        let mut v: Vec<&[&str]> = vec![&["A", "B"]; 6];
        v.extend(vec![&["C"][..]; 4]);
        assert_eq!(bought(&[&a, &b, &c], &v, 100), vec!["A", "C"]);
    }

    #[test]
    fn the_minority_gets_its_share_even_when_it_is_small() {
        // 9 voters want X (cost 90), 1 voter wants Y (cost 10); budget 100.
        let (x, y) = (p("X", 90), p("Y", 10));
        let mut v: Vec<&[&str]> = vec![&["X"]; 9];
        v.push(&["Y"]);
        assert_eq!(bought(&[&x, &y], &v, 100), vec!["X", "Y"]);
        // With a budget of 80 (8 each) neither group can afford its proposal
        // alone: the shares buy nothing (completion then goes by votes).
        assert!(bought(&[&x, &y], &v, 80).is_empty());
    }

    #[test]
    fn equal_prices_go_to_the_higher_ranked() {
        let (a, b) = (p("A", 50), p("B", 50));
        let v: Vec<&[&str]> = vec![&["A", "B"]; 4];
        assert_eq!(bought(&[&a, &b], &v, 60), vec!["A"]);
        assert_eq!(bought(&[&b, &a], &v, 60), vec!["B"]);
    }

    #[test]
    fn poorer_supporters_pay_what_they_have() {
        // Budget 40, 4 voters (10 each). A (12) by voters 0-2: 4 each, price 1/3;
        // B (14) by voters 2-3: 7 each, price 1/2. A first; then voter 2 has 6
        // and pays it all, voter 3 pays the other 8: B is still bought.
        let (a, b) = (p("A", 12), p("B", 14));
        let v: Vec<&[&str]> = vec![&["A"], &["A"], &["A", "B"], &["B"]];
        assert_eq!(bought(&[&a, &b], &v, 40), vec!["A", "B"]);
        // With a budget of 28 (7 each) voter 2 keeps 3 after A, and 3 + 7 < 14:
        // B's supporters can no longer afford it.
        assert_eq!(bought(&[&a, &b], &v, 28), vec!["A"]);
    }

    #[test]
    fn a_moved_member_is_reported_only_when_it_changes_what_is_bought() {
        // A and B tie (2 votes each, same price), 60 each, budget 60 for 4
        // voters who all want both: whichever goes first is bought alone.
        let (a, b) = (p("A", 60), p("B", 60));
        let v: Vec<&[&str]> = vec![&["A", "B"]; 2];
        let s = equal_shares(&[&a, &b], &[2, 2], &ballots(&v), 60);
        assert_eq!(s.selected, vec![0]);
        assert_eq!(s.moved, vec![None, Some(vec![1])]);
        // Disjoint supporters with money for both: B first, then A — the same set.
        let v: Vec<&[&str]> = vec![&["A"], &["A"], &["B"], &["B"]];
        let s = equal_shares(&[&a, &b], &[2, 2], &ballots(&v), 240);
        assert_eq!(s.selected, vec![0, 1]);
        assert_eq!(s.moved, vec![None, None]);
    }
}
