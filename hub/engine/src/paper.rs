//! The counting desk: paper ballots and sticker boards, keyed twice.
//!
//! Two counters key each batch of paper ballots independently, each into
//! their own copy; when both have finished, the copies are compared. If they
//! agree the batch counts, every ballot judged by the rules (more marks than
//! `max_choices`, an unknown or repeated proposal, or none: void, with the
//! reason — never trimmed); if not, the differences are listed and the
//! counters re-check the paper, correct and finish again. Sticker boards
//! work the same way, with a count per proposal instead of ballots. The
//! scrutineer counts each batch's sheets by hand; the vote cannot close
//! until every batch agrees and matches its sheets.

use crate::Rejection;
use std::collections::{BTreeMap, HashMap, HashSet};
use yuanzhuo_protocol::*;

/// One counter's copy of a batch (ballots by number) or a board (counts).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Copy {
    pub finished: bool,
    /// The claim device of the counter who keyed it (a short hash).
    pub device: Option<String>,
    pub ballots: BTreeMap<String, Vec<ProposalId>>,
    pub counts: BTreeMap<ProposalId, u64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    /// By counter desk; at most two.
    pub copies: BTreeMap<DeskNo, Copy>,
    /// The scrutineers' hand counts of the sheets, by scrutineer number
    /// (`None` for logs written before scrutineers were told apart).
    pub sheets: BTreeMap<Option<DeskNo>, u32>,
    pub status: PaperStatus,
    pub differences: Vec<PaperDifference>,
    /// Once agreed.
    pub ballots: Vec<PaperBallot>,
}

impl Default for Batch {
    fn default() -> Self {
        Batch {
            copies: BTreeMap::new(),
            sheets: BTreeMap::new(),
            status: PaperStatus::Keying,
            differences: vec![],
            ballots: vec![],
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Board {
    pub copies: BTreeMap<DeskNo, Copy>,
    pub status: PaperStatus,
    pub differences: Vec<PaperDifference>,
    pub counts: BTreeMap<ProposalId, u64>,
}

impl Default for Board {
    fn default() -> Self {
        Board { copies: BTreeMap::new(), status: PaperStatus::Keying, differences: vec![], counts: BTreeMap::new() }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Desk {
    pub batches: BTreeMap<u32, Batch>,
    pub boards: BTreeMap<u32, Board>,
    /// Ballot number → the agreed batch it was counted in.
    pub numbers: HashMap<String, u32>,
}

/// The rules' verdict on one paper ballot (docs/verification.md).
pub fn verdict(marks: &[ProposalId], max_choices: u32, known: impl Fn(&str) -> bool) -> Option<VoidReason> {
    if marks.is_empty() {
        return Some(VoidReason::Blank);
    }
    if marks.len() > max_choices as usize {
        return Some(VoidReason::OverLimit);
    }
    if marks.iter().any(|m| !known(m)) {
        return Some(VoidReason::UnknownProposal);
    }
    let distinct: HashSet<&ProposalId> = marks.iter().collect();
    if distinct.len() != marks.len() {
        return Some(VoidReason::RepeatedMark);
    }
    None
}

/// Marks compared as read off the paper: order does not matter, repeats do.
fn same_marks(a: &[ProposalId], b: &[ProposalId]) -> bool {
    let mut a = a.to_vec();
    let mut b = b.to_vec();
    a.sort();
    b.sort();
    a == b
}

/// Where two copies of a batch differ, and numbers already counted elsewhere.
pub fn batch_differences(a: &Copy, b: &Copy, used: &HashMap<String, u32>) -> Vec<PaperDifference> {
    let mut out = vec![];
    let numbers: std::collections::BTreeSet<&String> = a.ballots.keys().chain(b.ballots.keys()).collect();
    for n in numbers {
        let reason = match (a.ballots.get(n), b.ballots.get(n)) {
            (Some(x), Some(y)) if !same_marks(x, y) => Some(DifferenceReason::MarksDiffer),
            (Some(_), Some(_)) if used.contains_key(n) => Some(DifferenceReason::NumberUsed),
            (Some(_), Some(_)) => None,
            _ => Some(DifferenceReason::OnlyInOne),
        };
        if let Some(reason) = reason {
            out.push(PaperDifference { at: n.clone(), reason });
        }
    }
    out
}

/// Where two readings of a board differ (zero and absent are the same).
pub fn board_differences(a: &Copy, b: &Copy) -> Vec<PaperDifference> {
    let ids: std::collections::BTreeSet<&String> = a.counts.keys().chain(b.counts.keys()).collect();
    ids.into_iter()
        .filter(|id| a.counts.get(*id).copied().unwrap_or(0) != b.counts.get(*id).copied().unwrap_or(0))
        .map(|id| PaperDifference { at: id.clone(), reason: DifferenceReason::CountDiffers })
        .collect()
}

/// Drop zero counts: a board's reading as compared and recorded.
pub fn nonzero(counts: &BTreeMap<ProposalId, u64>) -> BTreeMap<ProposalId, u64> {
    counts.iter().filter(|(_, n)| **n > 0).map(|(k, n)| (k.clone(), *n)).collect()
}

impl Desk {
    /// Agreed paper ballots that count (not void), in the order agreed.
    pub fn valid_ballots(&self) -> impl Iterator<Item = &PaperBallot> {
        self.agreed_ballots().filter(|b| b.void.is_none())
    }

    pub fn agreed_ballots(&self) -> impl Iterator<Item = &PaperBallot> {
        self.batches.values().filter(|b| b.status == PaperStatus::Agreed).flat_map(|b| b.ballots.iter())
    }

    pub fn agreed_boards(&self) -> impl Iterator<Item = &BTreeMap<ProposalId, u64>> {
        self.boards.values().filter(|b| b.status == PaperStatus::Agreed).map(|b| &b.counts)
    }

    pub fn stickers(&self) -> u64 {
        self.agreed_boards().flat_map(|c| c.values()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.batches.is_empty() && self.boards.is_empty()
    }

    /// Everything that keeps the vote from closing, in the order the
    /// refusal lists it: unfinished batches, unfinished boards, then sheet
    /// counts. Empty when the desk is done.
    pub fn blockers(&self) -> Vec<CloseBlocker> {
        let unfinished = self.batches.iter().filter_map(|(n, b)| b.unfinished(*n));
        let boards = self.boards.iter().filter_map(|(n, b)| b.blocker(*n));
        let counts = self.batches.iter().filter_map(|(n, b)| b.count_blocker(*n));
        unfinished.chain(boards).chain(counts).collect()
    }

    /// Why the vote may not close yet, if anything is unfinished: the
    /// first blocker's code, every blocker, and a line for the log.
    pub fn blocks_close(&self) -> Option<Rejection> {
        let blockers = self.blockers();
        let first = blockers.first()?;
        Some(Rejection { code: first.code, detail: Some(blocker_line(first)), blockers, about: None })
    }

    pub fn view(&self) -> PaperView {
        let t = self.totals();
        PaperView {
            batches: self.batches.keys().filter_map(|n| self.batch_view(*n)).collect(),
            boards: self.boards.keys().filter_map(|n| self.board_view(*n)).collect(),
            counted: t.counted,
            void: t.void,
            stickers: t.stickers,
            marks_hidden: false,
        }
    }

    /// The desk's totals: agreed ballots counted and void, agreed stickers.
    pub fn totals(&self) -> PaperTotals {
        let (mut counted, mut void) = (0, 0);
        for b in self.agreed_ballots() {
            if b.void.is_some() {
                void += 1;
            } else {
                counted += 1;
            }
        }
        PaperTotals { counted, void, stickers: self.stickers(), marks_hidden: false }
    }

    /// One batch as the shared view shows it.
    pub fn batch_view(&self, n: u32) -> Option<BatchView> {
        let b = self.batches.get(&n)?;
        Some(BatchView {
            batch: n,
            status: b.status,
            copies: summary(&b.copies),
            sheets: agreed_sheets(&b.sheets),
            sheet_counts: b.sheets.iter().map(|(by, n)| SheetCount { scrutineer: *by, sheets: *n }).collect(),
            differences: b.differences.clone(),
            ballots: b.ballots.clone(),
            blocker: b.unfinished(n).or_else(|| b.count_blocker(n)),
        })
    }

    /// One board as the shared view shows it.
    pub fn board_view(&self, n: u32) -> Option<BoardView> {
        let b = self.boards.get(&n)?;
        Some(BoardView {
            board: n,
            status: b.status,
            copies: summary(&b.copies),
            differences: b.differences.clone(),
            counts: b.counts.clone(),
            blocker: b.blocker(n),
        })
    }

    /// The shared view while the tally is hidden: progress, differences,
    /// sheets and every agreed ballot's verdict, but no marks and no sticker
    /// counts per proposal.
    pub fn view_without_marks(&self) -> PaperView {
        let mut v = self.view();
        v.marks_hidden = true;
        v.batches.iter_mut().for_each(batch_without_marks);
        v.boards.iter_mut().for_each(|b| b.counts.clear());
        v
    }

    /// Every copy, or those of one counter, as the wire shows them.
    pub fn copies(&self, only: Option<DeskNo>) -> Vec<PaperCopy> {
        let mut out = vec![];
        for (n, b) in &self.batches {
            for (c, x) in &b.copies {
                if only.is_none_or(|o| o == *c) {
                    out.push(copy_view(PaperUnit::Batch(*n), *c, x));
                }
            }
        }
        for (n, b) in &self.boards {
            for (c, x) in &b.copies {
                if only.is_none_or(|o| o == *c) {
                    out.push(copy_view(PaperUnit::Board(*n), *c, x));
                }
            }
        }
        out
    }

    pub fn copy(&self, unit: PaperUnit, counter: DeskNo) -> Option<PaperCopy> {
        let x = match unit {
            PaperUnit::Batch(n) => self.batches.get(&n)?.copies.get(&counter)?,
            PaperUnit::Board(n) => self.boards.get(&n)?.copies.get(&counter)?,
        };
        Some(copy_view(unit, counter, x))
    }
}

impl Batch {
    /// The hand count of the sheets, when every scrutineer who counted agrees.
    pub fn agreed_sheets(&self) -> Option<u32> {
        agreed_sheets(&self.sheets)
    }

    /// Nothing keyed in either copy and no sheets counted: the organiser may discard it.
    pub fn is_empty(&self) -> bool {
        self.status != PaperStatus::Agreed
            && self.copies.values().all(|c| c.ballots.is_empty())
            && self.sheets.values().all(|s| *s == 0)
    }

    /// Not agreed yet: still keyed, disputed, or counted but not keyed.
    fn unfinished(&self, n: u32) -> Option<CloseBlocker> {
        let why = match (self.status, self.copies.is_empty()) {
            (PaperStatus::Agreed, _) => return None,
            (PaperStatus::Disputed, _) => BlockerReason::Disputed,
            (_, true) => BlockerReason::NothingKeyed,
            _ => BlockerReason::Keying,
        };
        let mut b = blocker(PaperKind::Batch, n, why, ErrorCode::PaperOpen);
        b.discardable = self.is_empty();
        Some(b)
    }

    /// Agreed, but the ballots keyed and the sheets counted by hand do not match.
    fn count_blocker(&self, n: u32) -> Option<CloseBlocker> {
        if self.status != PaperStatus::Agreed {
            return None;
        }
        let keyed = self.ballots.len() as u32;
        let mut b = blocker(PaperKind::Batch, n, BlockerReason::NoSheets, ErrorCode::PaperCountMismatch);
        b.keyed = Some(keyed);
        // An agreed empty batch (both copies finished with nothing) has no sheets to count.
        if self.sheets.is_empty() {
            return (keyed > 0).then_some(b);
        }
        let s = *self.sheets.values().find(|s| **s != keyed)?;
        b.why = BlockerReason::Mismatch;
        b.sheets = Some(s);
        Some(b)
    }
}

impl Board {
    fn blocker(&self, n: u32) -> Option<CloseBlocker> {
        let why = match self.status {
            PaperStatus::Agreed => return None,
            PaperStatus::Disputed => BlockerReason::Disputed,
            PaperStatus::Keying => BlockerReason::Keying,
        };
        Some(blocker(PaperKind::Board, n, why, ErrorCode::PaperOpen))
    }
}

fn blocker(unit: PaperKind, n: u32, why: BlockerReason, code: ErrorCode) -> CloseBlocker {
    CloseBlocker { unit, n, why, code, keyed: None, sheets: None, discardable: false }
}

/// A blocker as one line of English, for the log and `detail` (pages use the fields).
pub fn blocker_line(b: &CloseBlocker) -> String {
    let unit = match b.unit {
        PaperKind::Batch => "batch",
        PaperKind::Board => "board",
    };
    let what = match b.why {
        BlockerReason::Keying => "still being keyed".to_string(),
        BlockerReason::Disputed => "the two copies differ".to_string(),
        BlockerReason::NothingKeyed => "sheets counted but nothing keyed".to_string(),
        BlockerReason::NoSheets => "no sheet count from the scrutineer".to_string(),
        BlockerReason::Mismatch => {
            format!("{} keyed, {} sheets counted", b.keyed.unwrap_or(0), b.sheets.unwrap_or(0))
        }
    };
    format!("{unit} {}: {what}", b.n)
}

/// The hand count when every scrutineer who counted agrees.
fn agreed_sheets(counts: &BTreeMap<Option<DeskNo>, u32>) -> Option<u32> {
    let mut it = counts.values();
    let first = *it.next()?;
    it.all(|n| *n == first).then_some(first)
}

/// A batch's agreed ballots with their verdicts but without marks.
pub fn batch_without_marks(b: &mut BatchView) {
    for p in &mut b.ballots {
        p.marks.clear();
    }
}

/// What a counter may know of each copy: finished, and how many entries.
fn summary(copies: &BTreeMap<DeskNo, Copy>) -> Vec<CopySummary> {
    copies
        .iter()
        .map(|(c, x)| CopySummary {
            counter: *c,
            finished: x.finished,
            entries: (x.ballots.len() + x.counts.values().filter(|n| **n > 0).count()) as u32,
        })
        .collect()
}

/// A copy as others may see it while the tally is hidden: the numbers
/// keyed and whether it is finished, no marks or counts.
pub fn without_marks(mut c: PaperCopy) -> PaperCopy {
    for b in &mut c.ballots {
        b.marks.clear();
    }
    c.counts.clear();
    c
}

fn copy_view(unit: PaperUnit, counter: DeskNo, x: &Copy) -> PaperCopy {
    PaperCopy {
        unit,
        counter,
        finished: x.finished,
        ballots: x.ballots.iter().map(|(n, m)| KeyedBallot { number: n.clone(), marks: m.clone() }).collect(),
        counts: x.counts.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(v: &[&str]) -> Vec<ProposalId> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_rules_judge_each_ballot() {
        let known = |id: &str| id.starts_with('P');
        assert_eq!(verdict(&ids(&["P1", "P2"]), 2, known), None);
        assert_eq!(verdict(&[], 2, known), Some(VoidReason::Blank));
        assert_eq!(verdict(&ids(&["P1", "P2", "P3"]), 2, known), Some(VoidReason::OverLimit));
        assert_eq!(verdict(&ids(&["P1", "X9"]), 2, known), Some(VoidReason::UnknownProposal));
        assert_eq!(verdict(&ids(&["P1", "P1"]), 2, known), Some(VoidReason::RepeatedMark));
        // Over the limit wins over everything else: the rule of the source documents.
        assert_eq!(verdict(&ids(&["X", "X", "X"]), 2, known), Some(VoidReason::OverLimit));
    }

    #[test]
    fn copies_are_compared_number_by_number() {
        let mut a = Copy::default();
        let mut b = Copy::default();
        a.ballots.insert("1".into(), ids(&["P1", "P2"]));
        b.ballots.insert("1".into(), ids(&["P2", "P1"]));
        assert!(batch_differences(&a, &b, &HashMap::new()).is_empty(), "order of marks does not matter");
        a.ballots.insert("2".into(), ids(&["P3"]));
        b.ballots.insert("2".into(), ids(&["P4"]));
        a.ballots.insert("3".into(), ids(&["P3"]));
        let used = HashMap::from([("1".to_string(), 7)]);
        let d = batch_differences(&a, &b, &used);
        let got: Vec<(&str, DifferenceReason)> = d.iter().map(|x| (x.at.as_str(), x.reason)).collect();
        use DifferenceReason::*;
        assert_eq!(got, vec![("1", NumberUsed), ("2", MarksDiffer), ("3", OnlyInOne)]);
    }
}
