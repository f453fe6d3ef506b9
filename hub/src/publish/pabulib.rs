//! The meeting as a Pabulib `.pb` file (https://pabulib.org/format), the
//! format participatory-budgeting researchers share data in: `META`
//! (key;value), `PROJECTS` and `VOTES`, `;`-separated, UTF-8.
//!
//! How the meeting maps onto it (docs/export.md has the full table):
//! - every proposal is a project, listed in the hub's ranking order (so that
//!   a stable sort by votes breaks ties as the hub did); `selected` is 1 for
//!   funded (for equal shares: bought by the shares), 2 for funded by the
//!   equal-shares completion step, 0 otherwise;
//! - a proposal excluded by an adviser keeps its votes but gets Pabulib's
//!   sentinel cost 999999999 ("withdrawn, never fundable"), and so does one
//!   that costs more than the whole budget (no rule could fund it, and the
//!   checker would call its cost an error); their estimated costs are in the
//!   comment;
//! - `VOTES` holds every ballot that counts: phone ballots (`internet`) and
//!   valid paper ballots (`paper`); void paper ballots are only counted in the
//!   comment, as are sticker votes, which have no voters (a meeting with
//!   sticker boards cannot be recomputed from the file: its rule is then
//!   `greedy-custom`);
//! - the rules: `greedy_skip` is `greedy-threshold` with
//!   `min_project_score_threshold` 1 (only proposals with a vote are funded),
//!   `greedy_stop` is `greedy-no-skip` (same threshold), `equal_shares` is
//!   `equalshares` (cost utilities; completion marked `selected` 2).

use anyhow::{bail, Result};
use std::collections::HashSet;
use std::fmt::Write;

use super::*;

/// Pabulib's cost for a project that can never be funded (withdrawn or
/// excluded after the vote): pabulib-checker treats it as intentional.
pub const SENTINEL_COST: u64 = 999_999_999;

/// The `.pb` text (only once the vote is closed).
pub fn pabulib(o: &Outcome) -> Result<String> {
    require_final(o, " Pabulib 文件", "a Pabulib file")?;
    let def = o.def;
    let m = &def.meeting;
    let r = &def.rules;
    for p in &def.proposals {
        if p.id.is_empty() || p.id != p.id.trim() || p.id.contains([';', ',', '"', '\n', '\r']) {
            bail!(
                "提案编号“{}”含有 Pabulib 格式不允许的字符（分号、逗号、引号或首尾空格） / proposal id “{}” has a character the Pabulib format cannot hold (; , \" or surrounding spaces)",
                p.id,
                p.id
            );
        }
    }
    let stickers = o.turnout.stickers > 0;
    let rule = match (r.allocation, stickers) {
        (_, true) => "greedy-custom",
        (Allocation::GreedySkip, _) => "greedy-threshold",
        (Allocation::GreedyStop, _) => "greedy-no-skip",
        (Allocation::EqualShares, _) => "equalshares",
    };
    let excluded: Vec<&Line> = o.lines.iter().filter(|l| is_excluded(l)).collect();
    // More than the whole budget: never fundable under any rule, and an
    // error for pabulib-checker; they carry the sentinel too.
    let too_dear: Vec<&Line> = o.lines.iter().filter(|l| !is_excluded(l) && l.row.cost > r.budget.amount).collect();
    let cost = |l: &Line| if is_excluded(l) || l.row.cost > r.budget.amount { SENTINEL_COST } else { l.row.cost };
    let votes = ballots(o);

    // Dates: the meeting's day as written, else the day the vote ran
    // (China Standard Time).
    let from_log = |ms: Option<u64>| ms.map(cst_date);
    let (begin, end) = match parse_date(&m.date) {
        Some(d) => (Some(d), Some(d)),
        None => (from_log(o.voting_opened_ms), from_log(o.counted_ms).or(from_log(o.voting_opened_ms))),
    };
    let dmy = |d: (u32, u32, u32)| format!("{:02}.{:02}.{}", d.0, d.1, d.2);
    let year = begin.or(end).map(|d| d.2.to_string()).unwrap_or_else(|| field(&m.date));

    let mut comments: Vec<String> = vec![];
    comments.push(format!(
        "exported by Yuanzhuo from the meeting log of {} entries (log head {}; rules fingerprint {}). Approval ballots: each voter chose 1 to {} of the {} proposals; ranking by votes then tie-break {}",
        o.log_length,
        o.log_head,
        o.state.fingerprint,
        r.max_choices,
        def.proposals.len(),
        tie_break_name(r.tie_break)
    ));
    comments.push(
        "PROJECTS are listed in the hub's ranking order (a stable sort by votes reproduces its tie-breaks). Only proposals with at least one vote can be funded".to_string(),
    );
    if r.allocation == Allocation::EqualShares {
        let e = o.results.equal_shares.as_ref();
        comments.push(format!(
            "allocation: the Method of Equal Shares with cost utilities in exact arithmetic ({} voters, share {} each), equal prices broken by the ranking, then completion: the remaining budget goes down the ranking funding what fits. selected 1 = bought by the shares, selected 2 = funded by the completion step",
            e.map_or(0, |e| e.voters),
            e.map_or_else(|| "0".to_string(), |e| e.share.clone())
        ));
    }
    if !excluded.is_empty() {
        let list: Vec<String> = excluded
            .iter()
            .map(|l| match l.exclusion() {
                Some((n, _, _)) => format!("{} (estimated cost {}, rule {n})", l.row.proposal, l.row.cost),
                None => format!("{} (estimated cost {})", l.row.proposal, l.row.cost),
            })
            .collect();
        comments.push(format!(
            "{} proposals were excluded before the vote (on the technical adviser's advice, confirmed by the organisers) under the seven exclusion rules and could not be funded. They keep their votes and carry the sentinel cost {SENTINEL_COST}: {}",
            excluded.len(),
            list.join(", ")
        ));
    }
    if !too_dear.is_empty() {
        let list: Vec<String> =
            too_dear.iter().map(|l| format!("{} (estimated cost {})", l.row.proposal, l.row.cost)).collect();
        comments.push(format!(
            "{} proposals cost more than the whole budget, so no rule could fund them. They keep their votes and carry the sentinel cost {SENTINEL_COST}: {}",
            too_dear.len(),
            list.join(", ")
        ));
    }
    if o.turnout.void_total() > 0 {
        let by: Vec<String> = o.turnout.void.iter().map(|(k, n)| format!("{k} {n}")).collect();
        comments.push(format!(
            "{} paper ballots were void under the meeting's rules and are not in VOTES ({}). VOTES holds the {} ballots that count",
            o.turnout.void_total(),
            by.join(", "),
            votes.len()
        ));
    }
    if stickers {
        let by: Vec<String> =
            o.lines.iter().filter(|l| l.stickers > 0).map(|l| format!("{} {}", l.row.proposal, l.stickers)).collect();
        comments.push(format!(
            "{} votes came from stickers on {} {} (per proposal: {}). Stickers have no voters, so they are not in VOTES nor in the votes of PROJECTS, but the hub ranked by votes plus stickers: the selection cannot be recomputed from this file alone",
            o.turnout.stickers,
            o.turnout.boards,
            if o.turnout.boards == 1 { "board" } else { "boards" },
            by.join(", ")
        ));
    }
    comments.push(
        "voting_method internet = a phone ballot over the venue's own network (the receipt code is the voter_id when the meeting's public board shows choices), paper = a paper ballot keyed twice by two counters (voter_id paper-NUMBER)".to_string(),
    );
    let comment: Vec<String> = comments.iter().enumerate().map(|(i, c)| format!("#{}: {}", i + 1, field(c))).collect();

    let written_total: u64 = o.lines.iter().map(cost).sum();
    let mut out = String::new();
    out.push_str("META\nkey;value\n");
    let mut meta = |k: &str, v: String| {
        let _ = writeln!(out, "{k};{v}");
    };
    let mut description = m.name.clone();
    if !m.venue.is_empty() {
        description.push_str(&format!(", {}", m.venue));
    }
    if !m.date.is_empty() {
        description.push_str(&format!(", {}", m.date));
    }
    description.push_str(". Community screening meeting (项目筛选大会) run with Yuanzhuo");
    meta("description", field(&description));
    meta("country", "China".into());
    meta("unit", field(if m.venue.trim().is_empty() { &m.name } else { &m.venue }));
    meta("instance", field(&year));
    meta("num_projects", def.proposals.len().to_string());
    meta("num_votes", votes.len().to_string());
    meta("budget", r.budget.amount.to_string());
    meta("vote_type", "approval".into());
    meta("rule", rule.into());
    if let Some(d) = begin {
        meta("date_begin", dmy(d));
    }
    if let Some(d) = end {
        meta("date_end", dmy(d));
    }
    meta("min_length", "1".into());
    meta("max_length", r.max_choices.to_string());
    // (Not with stickers: a proposal with only sticker votes has 0 votes in
    // the file, and the threshold would call its funding a violation.)
    if matches!(rule, "greedy-threshold" | "greedy-no-skip") {
        meta("min_project_score_threshold", "1".into());
    }
    if m.language == "zh" || m.language == "en" {
        meta("language", m.language.clone());
    }
    let currency = r.budget.currency.trim();
    if currency.len() == 3 && currency.chars().all(|c| c.is_ascii_uppercase()) {
        meta("currency", currency.to_string());
    }
    if r.budget.amount >= written_total {
        meta("fully_funded", "1".into());
    }
    meta("comment", comment.join(" "));

    out.push_str("PROJECTS\nproject_id;cost;votes;name;category;selected\n");
    for l in &o.lines {
        let selected = match l.funding {
            Some(Funding::Completion) => 2,
            Some(_) => 1,
            None => 0,
        };
        let _ = writeln!(
            out,
            "{};{};{};{};{};{selected}",
            l.row.proposal,
            cost(l),
            l.row.votes.saturating_sub(l.stickers),
            field(&l.proposal.title),
            field(&l.proposal.category).replace(',', "/")
        );
    }
    out.push_str("VOTES\nvoter_id;vote;voting_method\n");
    for v in &votes {
        let _ = writeln!(out, "{};{};{}", v.id, v.choices.join(","), v.method);
    }
    Ok(out)
}

fn is_excluded(l: &Line) -> bool {
    l.annotation.is_some_and(|a| a.feasibility == Feasibility::Excluded)
}

fn tie_break_name(t: TieBreak) -> &'static str {
    match t {
        TieBreak::LowerCost => "lower_cost (lower cost first, then list order)",
        TieBreak::ListOrder => "list_order (earlier in the proposal list first)",
        TieBreak::Lot => "lot (SHA-256 of the log head at close and the proposal id, ascending)",
    }
}

/// One row of VOTES.
pub struct Vote {
    pub id: String,
    pub choices: Vec<ProposalId>,
    pub method: &'static str,
}

/// Every ballot that counts, with a unique voter id: phone ballots first
/// (by receipt when the public board shows choices anyway, else numbered in
/// receipt order so that the file reveals no more than the board), then
/// valid paper ballots by batch and number.
pub fn ballots(o: &Outcome) -> Vec<Vote> {
    let s = o.state;
    let mut seen = HashSet::new();
    let mut unique = |base: String| {
        let mut id = base.clone();
        let mut k = 2;
        while !seen.insert(id.clone()) {
            id = format!("{base}-{k}");
            k += 1;
        }
        id
    };
    let mut out = vec![];
    let mut phone: Vec<_> = s.ballots.iter().collect();
    match o.def.rules.board {
        BoardDisclosure::Choices => {
            for b in phone {
                out.push(Vote { id: unique(b.receipt.clone()), choices: b.choices.clone(), method: "internet" });
            }
        }
        BoardDisclosure::ReceiptsOnly => {
            phone.sort_by(|a, b| a.receipt.cmp(&b.receipt));
            for (i, b) in phone.into_iter().enumerate() {
                out.push(Vote {
                    id: unique(format!("phone-{}", i + 1)),
                    choices: b.choices.clone(),
                    method: "internet",
                });
            }
        }
    }
    for b in s.desk.valid_ballots() {
        out.push(Vote {
            id: unique(format!("paper-{}", id_safe(&b.number))),
            choices: b.marks.clone(),
            method: "paper",
        });
    }
    out
}

/// Free text as a Pabulib cell: one line, no `;` (the separator) or `"`
/// (a CSV quote), no surrounding spaces.
pub fn field(s: &str) -> String {
    let one_line: String = s
        .chars()
        .map(|c| match c {
            ';' => ',',
            '"' => '\'',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    one_line.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn id_safe(s: &str) -> String {
    field(s).replace([',', ' '], "_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_stay_on_one_line_without_separators() {
        assert_eq!(field("  修路;加灯\n\"夜里\"  "), "修路,加灯 '夜里'");
        assert_eq!(field("a\tb"), "a b");
        assert_eq!(id_safe("B 1,2"), "B_1_2");
    }
}
