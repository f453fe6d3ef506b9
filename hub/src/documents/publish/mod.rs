//! What is printed and published after the vote: the results workbook
//! (`xlsx`), the results notice for the notice board (`notice`, 公示), the
//! letters to proposers whose proposals were not selected (`letters`) and the
//! Pabulib file for researchers (`pabulib`). And what is printed for the hall
//! (`hall`, made from the log at any time, with no count in it): numbered
//! paper ballots (`ballots`), sticker-board posters (`posters`), each
//! table's handout (`handouts`) and the minutes per table (`minutes`).
//!
//! All of them are drawn from one [`Outcome`]: the meeting's count read back
//! from a verified log (`export::load`), with each ranking row joined to its
//! proposal and adviser's annotation, the budget line, the turnout by kind
//! and, for every row that was not funded, the facts that explain why. The
//! formats only lay these facts out; none of them decides anything.

pub mod ballots;
pub mod hall;
pub mod handouts;
pub mod html;
pub mod letters;
pub mod minutes;
pub mod notice;
pub mod pabulib;
pub mod posters;
pub mod record;
pub mod xlsx;

use anyhow::{anyhow, Result};
use std::collections::BTreeMap;
use yuanzhuo_engine::State;
use yuanzhuo_protocol::words::{fill_in, print, ui, Words};
use yuanzhuo_protocol::*;

use crate::documents::export::Loaded;

/// The documents this module makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Doc {
    Xlsx,
    Notice,
    Letters,
    Pabulib,
}

impl Doc {
    /// Content type and download file name.
    pub fn kind(self) -> (&'static str, &'static str) {
        match self {
            Doc::Xlsx => ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "yuanzhuo-results.xlsx"),
            Doc::Notice => ("text/html; charset=utf-8", "yuanzhuo-notice.html"),
            Doc::Letters => ("text/html; charset=utf-8", "yuanzhuo-letters.html"),
            Doc::Pabulib => ("text/plain; charset=utf-8", "yuanzhuo.pb"),
        }
    }
}

/// One document of a loaded meeting, as the bytes of its file.
pub fn render(l: &Loaded, doc: Doc) -> Result<Vec<u8>> {
    let Words { zh, en } = match doc {
        Doc::Xlsx => print::THE_RESULTS_WORKBOOK,
        Doc::Notice => print::THE_RESULTS_NOTICE,
        Doc::Letters => print::THE_LETTERS_TO_PROPOSERS,
        Doc::Pabulib => print::THE_PABULIB_FILE,
    };
    require_tally_shown(&l.state, zh, en)?;
    let o = Outcome::of(&l.state)?;
    Ok(match doc {
        Doc::Xlsx => xlsx::workbook(&o)?,
        Doc::Notice => notice::notice(&o)?.into_bytes(),
        Doc::Letters => letters::letters(&o)?.into_bytes(),
        Doc::Pabulib => pabulib::pabulib(&o)?.into_bytes(),
    })
}

/// How a funded row was funded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Funding {
    /// From the top of the ranking (greedy rules).
    Greedy,
    /// Bought by the voters' equal shares.
    Shares,
    /// Added by the completion step after equal shares.
    Completion,
}

/// One row of the ranking with everything a page or a letter says about it.
#[derive(Debug, Clone)]
pub struct Line<'a> {
    pub row: RankRow,
    pub proposal: &'a Proposal,
    /// The adviser's latest annotation, if any (advice: a remark, an
    /// estimate, a recommendation to exclude).
    pub annotation: Option<&'a Annotation>,
    /// The exclusion the organiser confirmed before the vote, if any.
    pub excluded: Option<&'a Exclusion>,
    /// `Some` when funded.
    pub funding: Option<Funding>,
    /// What was left of the budget when this row's turn came in the walk
    /// down the ranking (for equal shares: in the completion walk, after
    /// everything the shares bought).
    pub left_at_turn: u64,
    /// Votes from sticker boards (included in `row.votes`).
    pub stickers: u64,
    /// Votes from counting paper ballots (included in `row.votes`).
    pub paper_votes: u64,
}

impl Line<'_> {
    /// The exclusion rule (1..=7) and its texts, when excluded under one
    /// (confirmed by the organiser before the vote, on the adviser's advice).
    pub fn exclusion(&self) -> Option<(u8, &'static str, &'static str)> {
        let n = self.excluded?.rule;
        let (zh, en) = EXCLUSION_RULES.get(usize::from(n).checked_sub(1)?)?;
        Some((n, zh, en))
    }
}

/// How the ballots came in.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Turnout {
    pub phone: u64,
    /// Paper ballots of agreed batches that count.
    pub paper: u64,
    /// Paper ballots void under the rules, by reason code.
    pub void: BTreeMap<VoidReason, u64>,
    pub stickers: u64,
    /// Sticker boards agreed.
    pub boards: u64,
    /// Paper batches agreed.
    pub batches: u64,
}

impl Turnout {
    pub fn void_total(&self) -> u64 {
        self.void.values().sum()
    }
    /// Ballots that count (phone and valid paper).
    pub fn counting(&self) -> u64 {
        self.phone + self.paper
    }
}

/// The meeting's count, joined up for publication.
pub struct Outcome<'a> {
    pub def: &'a Definition,
    pub state: &'a State,
    pub results: Results,
    /// True once the vote was closed (otherwise a provisional count).
    pub final_: bool,
    pub lines: Vec<Line<'a>>,
    /// Rows above the budget line: down to the last funded row.
    pub line: usize,
    pub turnout: Turnout,
    pub log_head: String,
    pub log_length: usize,
    /// Server clock (ms) when the vote opened and when it was closed.
    pub voting_opened_ms: Option<u64>,
    pub counted_ms: Option<u64>,
    /// Server clock of the last log entry (documents made from the same log
    /// carry the same date, so that they come out byte for byte the same).
    pub last_entry_ms: u64,
}

impl<'a> Outcome<'a> {
    /// Refused while the tally is hidden: every document made from an
    /// outcome shows counts per proposal.
    pub fn of(s: &'a State) -> Result<Outcome<'a>> {
        require_tally_shown(s, print::COUNTS_PER_PROPOSAL.zh, print::COUNTS_PER_PROPOSAL.en)?;
        let def = s.definition.as_ref().ok_or_else(|| anyhow!("{}", no_meeting()))?;
        let (results, final_) = match &s.results {
            Some(r) => (r.clone(), true),
            None => {
                let counted = s.counted_definition().ok_or_else(|| anyhow!("{}", no_meeting()))?;
                (yuanzhuo_engine::count(&counted, &s.count_input(), &s.head), false)
            }
        };
        let mut stickers: BTreeMap<&str, u64> = BTreeMap::new();
        for counts in s.desk.agreed_boards() {
            for (id, n) in counts {
                *stickers.entry(id.as_str()).or_default() += n;
            }
        }
        let mut paper_votes: BTreeMap<&str, u64> = BTreeMap::new();
        for b in s.desk.valid_ballots() {
            for id in &b.marks {
                *paper_votes.entry(id.as_str()).or_default() += 1;
            }
        }
        let bought: Vec<&str> =
            results.equal_shares.iter().flat_map(|e| e.selected.iter().map(String::as_str)).collect();
        let completion: Vec<&str> =
            results.equal_shares.iter().flat_map(|e| e.completion.iter().map(String::as_str)).collect();
        let cost_of = |id: &str| def.proposals.iter().find(|p| p.id == id).map_or(0, |p| p.cost);
        // The completion walk starts with what the shares left.
        let mut left = results.budget.saturating_sub(bought.iter().map(|id| cost_of(id)).sum());
        let mut lines = Vec::with_capacity(results.ranking.len());
        for row in &results.ranking {
            let proposal = def
                .proposals
                .iter()
                .find(|p| p.id == row.proposal)
                .ok_or_else(|| anyhow!("ranking names an unknown proposal {}", row.proposal))?;
            let funding = match (row.funded, results.allocation) {
                (false, _) => None,
                (true, Allocation::EqualShares) if bought.contains(&row.proposal.as_str()) => Some(Funding::Shares),
                (true, Allocation::EqualShares) => Some(Funding::Completion),
                (true, _) => Some(Funding::Greedy),
            };
            let left_at_turn = match results.allocation {
                Allocation::EqualShares => left,
                _ => results.budget.saturating_sub(row.running_total - if row.funded { row.cost } else { 0 }),
            };
            if results.allocation == Allocation::EqualShares && completion.contains(&row.proposal.as_str()) {
                left = left.saturating_sub(row.cost);
            }
            lines.push(Line {
                stickers: stickers.get(row.proposal.as_str()).copied().unwrap_or(0),
                paper_votes: paper_votes.get(row.proposal.as_str()).copied().unwrap_or(0),
                annotation: s.annotations.get(&row.proposal),
                excluded: s.exclusions.get(&row.proposal),
                row: row.clone(),
                proposal,
                funding,
                left_at_turn,
            });
        }
        let line = lines.iter().rposition(|l| l.row.funded).map_or(0, |i| i + 1);
        let mut turnout = Turnout {
            phone: s.ballots.len() as u64,
            stickers: s.desk.stickers(),
            boards: s.desk.boards.values().filter(|b| b.status == PaperStatus::Agreed).count() as u64,
            batches: s.desk.batches.values().filter(|b| b.status == PaperStatus::Agreed).count() as u64,
            ..Default::default()
        };
        for b in s.desk.agreed_ballots() {
            match &b.void {
                Some(why) => *turnout.void.entry(*why).or_default() += 1,
                None => turnout.paper += 1,
            }
        }
        Ok(Outcome {
            def,
            state: s,
            results,
            final_,
            lines,
            line,
            turnout,
            log_head: s.head.clone(),
            log_length: s.seq as usize,
            voting_opened_ms: s.voting_opened_ms,
            counted_ms: s.counted_ms,
            last_entry_ms: s.last_at_ms,
        })
    }

    /// The rows that were not funded (each gets a letter).
    pub fn unfunded(&self) -> impl Iterator<Item = &Line<'a>> {
        self.lines.iter().filter(|l| !l.row.funded)
    }

    /// The last funded row: the one just above the budget line.
    pub fn at_line(&self) -> Option<&Line<'a>> {
        self.line.checked_sub(1).and_then(|i| self.lines.get(i))
    }

    /// For `greedy_stop`: the row where funding stopped (the first misfit).
    pub fn stop_row(&self) -> Option<&Line<'a>> {
        self.lines.iter().find(|l| l.row.unfunded_reason == Some(UnfundedReason::DoesNotFit))
    }

    /// Each voter's share under equal shares, exactly (budget ÷ voters), as
    /// yuan with two decimals rounded down; and the share times `k`.
    pub fn shares_of(&self, k: u64) -> Option<String> {
        let n = self.results.equal_shares.as_ref()?.voters;
        if n == 0 {
            return None;
        }
        let cents = self.results.budget as u128 * 100 * k as u128 / n as u128;
        Some(format!("{}.{:02}", cents / 100, cents % 100))
    }

    /// Whether a proposal's supporters' initial shares together fall short
    /// of its cost (then equal shares could never buy it).
    pub fn shares_fall_short(&self, l: &Line) -> bool {
        let Some(e) = &self.results.equal_shares else { return false };
        // votes × budget / n < cost, in integers (no stickers with equal shares).
        e.voters > 0
            && (l.row.votes as u128) * (self.results.budget as u128) < (l.row.cost as u128) * (e.voters as u128)
    }

    pub fn currency(&self) -> &str {
        &self.def.rules.budget.currency
    }

    pub fn table_name(&self, t: TableNo) -> String {
        self.def
            .rules
            .tables
            .get(usize::from(t).wrapping_sub(1))
            .cloned()
            .unwrap_or_else(|| fill_in(ui::TABLE.zh, &[("n", &t.to_string())]))
    }

    /// Tables that picked a proposal.
    pub fn picked_by(&self, id: &str) -> Vec<TableNo> {
        self.state
            .tables
            .iter()
            .enumerate()
            .filter(|(_, t)| t.picks.iter().any(|p| p == id))
            .map(|(i, _)| i as TableNo + 1)
            .collect()
    }

    /// The table whose share holds a proposal (the first, for `all_tables`).
    pub fn discussed_at(&self, id: &str) -> Option<TableNo> {
        self.state.table_of(id)
    }
}

/// A document asked for before the vote was closed, or while the rules
/// hide the tally: `code` is `not_counted` or `tally_hidden`.
#[derive(Debug)]
pub struct NotFinal {
    pub code: &'static str,
    pub zh: String,
    pub en: String,
}

impl std::fmt::Display for NotFinal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} / {}", self.zh, self.en)
    }
}

impl std::error::Error for NotFinal {}

/// Refuse a document that only makes sense once the vote is closed.
pub fn require_final(o: &Outcome, what_zh: &str, what_en: &str) -> Result<()> {
    if o.final_ {
        Ok(())
    } else {
        Err(NotFinal {
            code: "not_counted",
            zh: fill_in(print::VOTE_NOT_CLOSED_CANNOT_MAKE.zh, &[("what", what_zh)]),
            en: fill_in(print::VOTE_NOT_CLOSED_CANNOT_MAKE.en, &[("what", what_en)]),
        }
        .into())
    }
}

/// Refuse an export that carries counts per proposal while the rules hide
/// the tally (`tally = "hidden_until_close"` and the vote not closed): no
/// one, the organiser included, sees them before the close.
pub fn require_tally_shown(s: &State, what_zh: &str, what_en: &str) -> Result<()> {
    if s.tally_hidden() {
        Err(NotFinal {
            code: "tally_hidden",
            zh: fill_in(print::TALLY_HIDDEN_EXPORT_AFTER_CLOSE.zh, &[("what", what_zh)]),
            en: fill_in(print::TALLY_HIDDEN_EXPORT_AFTER_CLOSE.en, &[("what", what_en)]),
        }
        .into())
    } else {
        Ok(())
    }
}

// ---------------------------------------------------------------- words

/// Amounts as residents read them: one format, `yuanzhuo_protocol::words`.
pub use yuanzhuo_protocol::words::{grouped, money};

/// Why a row is not funded, in both languages.
pub fn reason_text(code: &UnfundedReason) -> (&'static str, &'static str) {
    let w = match code {
        UnfundedReason::NoVotes => ui::NO_VOTES,
        UnfundedReason::Excluded => ui::EXCLUDED_BEFORE_VOTE_SHORT,
        UnfundedReason::DoesNotFit => ui::DOES_NOT_FIT_REMAINING_BUDGET,
        UnfundedReason::Stopped => print::BELOW_THE_BUDGET_LINE_STOPPED,
    };
    (w.zh, w.en)
}

/// A void paper ballot's reason, in both languages.
pub fn void_text(code: &VoidReason) -> (&'static str, &'static str) {
    let w = match code {
        VoidReason::OverLimit => ui::VOID_OVER_LIMIT,
        VoidReason::Blank => ui::VOID_BLANK,
        VoidReason::UnknownProposal => ui::VOID_UNKNOWN_PROPOSAL,
        VoidReason::RepeatedMark => ui::VOID_REPEATED_MARK,
        VoidReason::UnissuedNumber => print::VOID_UNISSUED_BALLOT_NUMBER,
        VoidReason::CancelledNumber => print::VOID_CANCELLED_BALLOT_NUMBER,
    };
    (w.zh, w.en)
}

/// "No meeting defined", in both languages.
pub fn no_meeting() -> String {
    format!("{} / {}", print::NO_MEETING_DEFINED.zh, print::NO_MEETING_DEFINED.en)
}

/// The rule in the words every screen uses (`yuanzhuo_protocol::words`).
pub fn allocation_text(a: Allocation) -> (&'static str, &'static str) {
    let w = yuanzhuo_protocol::words::allocation(a);
    (w.zh, w.en)
}

/// The rule in the words every screen uses (`yuanzhuo_protocol::words`).
pub fn tie_break_text(t: TieBreak) -> (&'static str, &'static str) {
    let w = yuanzhuo_protocol::words::tie_break(t);
    (w.zh, w.en)
}

/// The rule in the words every screen uses (`yuanzhuo_protocol::words`).
pub fn tally_text(t: TallyVisibility) -> (&'static str, &'static str) {
    let w = yuanzhuo_protocol::words::tally(t);
    (w.zh, w.en)
}

/// The rule in the words every screen uses (`yuanzhuo_protocol::words`).
pub fn feasibility_text(f: Feasibility) -> (&'static str, &'static str) {
    let w = yuanzhuo_protocol::words::feasibility(f);
    (w.zh, w.en)
}

/// A 64-digit hash in groups of eight, so that it can be read aloud and
/// compared by eye.
pub fn spaced_hash(h: &str) -> String {
    h.as_bytes().chunks(8).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ")
}

/// The meeting date as day, month, year when it is written as a date: year
/// first (`2026-11-28`, `2026/3/5`, `2026.11.28`, `2026年3月5日`, full-width
/// digits too), or day first with dots as Pabulib and most of Europe write
/// it (`31.10.2022`). Day-first with slashes (`05/03/2026`) is refused: it
/// reads as 5 March or May 3 depending on who wrote it.
pub fn parse_date(text: &str) -> Option<(u32, u32, u32)> {
    let text: String = text
        .trim()
        .chars()
        .map(|c| match c {
            // Full-width digits (U+FF10..U+FF19) as ASCII.
            '\u{ff10}'..='\u{ff19}' => char::from(b'0' + (c as u32 - 0xff10) as u8),
            c => c,
        })
        .collect();
    let parts: Vec<&str> = text.split(|c: char| !c.is_ascii_digit()).filter(|s| !s.is_empty()).collect();
    let seps: String = text.chars().filter(|c| !c.is_ascii_digit() && !c.is_whitespace()).collect();
    let digits: Vec<u32> = parts.iter().map(|s| s.parse().ok()).collect::<Option<Vec<_>>>()?;
    let valid = |y: u32, m: u32, d: u32| {
        (1900..=2999).contains(&y) && (1..=12).contains(&m) && (1..=days_in(y, m)).contains(&d)
    };
    match (digits.as_slice(), parts.as_slice()) {
        ([y, m, d], [ys, ..]) if ys.len() == 4 && valid(*y, *m, *d) => Some((*d, *m, *y)),
        ([d, m, y], [_, _, ys]) if ys.len() == 4 && seps == ".." && valid(*y, *m, *d) => Some((*d, *m, *y)),
        _ => None,
    }
}

fn days_in(y: u32, m: u32) -> u32 {
    match m {
        2 if (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Day, month, year of a server timestamp in China Standard Time (UTC+8):
/// the meetings this toolkit serves are held there, and the hub knows no
/// time zone.
pub fn cst_date(ms: u64) -> (u32, u32, u32) {
    let days = ((ms / 1000 + 8 * 3600) / 86_400) as i64;
    let (y, m, d) = crate::documents::definition::civil_from_days(days);
    (d, m, y as u32)
}

/// The documents' source files whose words come from `words::print` (and
/// `words::ui`), without their tests: the vocabulary tests read them. The
/// exports (`export.rs`: the CSV, the contact list, `hub verify`) are
/// documents too.
#[cfg(test)]
pub fn source_files(hub: &std::path::Path) -> Vec<(String, String)> {
    const COVERED: &[&str] = &[
        "publish/mod.rs",
        "publish/html.rs",
        "publish/notice.rs",
        "publish/hall.rs",
        "publish/handouts.rs",
        "publish/posters.rs",
        "publish/record.rs",
        "publish/minutes.rs",
        "publish/ballots.rs",
        "publish/letters.rs",
        "publish/xlsx.rs",
        "publish/pabulib.rs",
        "export.rs",
    ];
    super::code_of(hub, COVERED)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every entry of the documents' table is used by a document (the
    /// pages' entries are checked by the pages' test), and the table does
    /// not repeat a page word.
    #[test]
    fn every_document_word_is_used() {
        let code: String =
            source_files(std::path::Path::new(env!("CARGO_MANIFEST_DIR"))).into_iter().map(|(_, t)| t).collect();
        let used: std::collections::BTreeSet<String> = code
            .split("print::")
            .skip(1)
            .map(|p| p.chars().take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_').collect())
            .collect();
        let unused: Vec<_> = print::ALL.iter().map(|(k, _)| *k).filter(|k| !used.contains(*k)).collect();
        assert!(unused.is_empty(), "words no document uses (remove them): {unused:?}");
    }

    #[test]
    fn dates_are_read_as_written_or_not_at_all() {
        assert_eq!(parse_date("2026-11-28"), Some((28, 11, 2026)));
        assert_eq!(parse_date("2026年11月8日"), Some((8, 11, 2026)));
        assert_eq!(parse_date("2026/02/29"), None);
        assert_eq!(parse_date("2024/02/29"), Some((29, 2, 2024)));
        assert_eq!(parse_date("十一月"), None);
        assert_eq!(parse_date(""), None);
        assert_eq!(parse_date("31.10.2022"), Some((31, 10, 2022)));
        assert_eq!(parse_date("2026/3/5"), Some((5, 3, 2026)));
        assert_eq!(parse_date("2026年3月5日"), Some((5, 3, 2026)));
        assert_eq!(parse_date("２０２６年３月５日"), Some((5, 3, 2026)));
        assert_eq!(parse_date(" 2026-11-28 "), Some((28, 11, 2026)));
        assert_eq!(parse_date("05/03/2026"), None, "day or month first? refused");
        assert_eq!(parse_date("31.02.2022"), None);
        assert_eq!(parse_date("26-11-28"), None);
    }

    #[test]
    fn server_time_in_china() {
        // 2026-11-28 15:59:59 UTC is 23:59:59 in Beijing; a second later it is the 29th.
        assert_eq!(cst_date(1_795_881_599_000), (28, 11, 2026));
        assert_eq!(cst_date(1_795_881_600_000), (29, 11, 2026));
        assert_eq!(cst_date(0), (1, 1, 1970));
    }

    #[test]
    fn hashes_are_grouped() {
        assert_eq!(spaced_hash("0123456789abcdef01"), "01234567 89abcdef 01");
        assert_eq!(grouped(1234567), "1,234,567");
        assert_eq!(grouped(12), "12");
    }
}
