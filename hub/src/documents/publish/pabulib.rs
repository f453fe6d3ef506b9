//! The meeting as a Pabulib `.pb` file (https://pabulib.org/format), the
//! format participatory-budgeting researchers share data in: `META`
//! (key;value), `PROJECTS` and `VOTES`, `;`-separated with CSV quoting,
//! UTF-8.
//!
//! How the meeting maps onto it (docs/export.md has the full table):
//! - every proposal is a project with its real cost, listed in the hub's
//!   ranking order (so that a stable sort by votes breaks ties as the hub
//!   did); `selected` is 1 for every funded proposal and 0 otherwise, as
//!   Pabulib uses it; how equal shares funded each (by the shares or by the
//!   completion step) is in the comment;
//! - the rule: `greedy_skip` is `greedy-threshold` with
//!   `min_project_score_threshold` 1 (only proposals with a vote are funded),
//!   `greedy_stop` is `greedy-no-skip`, `equal_shares` is `equalshares` when
//!   the shares bought everything funded. What no standard rule name
//!   describes gets the name Pabulib has for it and an explanation in the
//!   comment: a greedy meeting in which an adviser excluded a proposal that
//!   received votes, or one with sticker boards, is `greedy-custom`; equal
//!   shares followed by a completion that funded something, or with such an
//!   exclusion, is `unknown` (Pabulib has no name for equal shares completed
//!   by the greedy walk);
//! - `VOTES` holds every ballot that counts: phone ballots (`internet`) and
//!   valid paper ballots (`paper`); void paper ballots are only counted in the
//!   comment, as are sticker votes, which have no voters;
//! - META `country`, `unit`, `subunit` come from the meeting file (defaults:
//!   China, the venue or the meeting name, none), the dates from its `date`
//!   in Pabulib's `DD.MM.YYYY`, else from the log.
//!
//! The file's own text (META `description` and `comment`, the rule's and
//! tie-break's explanations) is English, the language Pabulib's files are
//! written and read in, and is written here: it has no Chinese to pair with
//! in `words::print`. The Chinese it carries (the meeting's kind, the
//! refusals) comes from there.

use anyhow::{bail, Result};
use std::collections::HashSet;
use std::fmt::Write;

use super::*;

/// The `.pb` text (only once the vote is closed).
pub fn pabulib(o: &Outcome) -> Result<String> {
    require_final(o, print::A_PABULIB_FILE.zh, print::A_PABULIB_FILE.en)?;
    let def = o.def;
    let m = &def.meeting;
    let r = &def.rules;
    for p in &def.proposals {
        // The meeting file refuses these ids (hub check); a meeting defined
        // before it did may still hold one.
        if p.id.is_empty() || p.id != p.id.trim() || p.id.contains([';', ',', '"', '\n', '\r']) {
            let (zh, en) = print::PABULIB_ID_CHARACTER.fill(&[("id", &p.id)]);
            bail!("{zh} / {en}");
        }
    }
    let stickers = o.turnout.stickers > 0;
    // Excluded by an adviser and voted for: a standard rule over the file's
    // projects would fund it where the hub could not.
    let excluded_voted: Vec<&Line> =
        o.lines.iter().filter(|l| l.row.unfunded_reason == Some(UnfundedReason::Excluded)).collect();
    let excluded: Vec<&Line> = o.lines.iter().filter(|l| is_excluded(l)).collect();
    let too_dear: Vec<&Line> = o.lines.iter().filter(|l| l.row.cost > r.budget.amount).collect();
    let completed: Vec<&Line> = o.lines.iter().filter(|l| l.funding == Some(Funding::Completion)).collect();
    let bought: Vec<&Line> = o.lines.iter().filter(|l| l.funding == Some(Funding::Shares)).collect();
    // An exclusion matters to a reader of the file only if the meeting's
    // rule, run over every project in it, would fund something else: count
    // again as if nobody had been excluded.
    let counted = o.state.counted_definition().unwrap_or_else(|| def.clone());
    let everything = yuanzhuo_engine::CountInput { excluded: Default::default(), ..o.state.count_input() };
    let plain = yuanzhuo_engine::count(&counted, &everything, &o.results.closed_at_head);
    let exclusions_matter = !excluded_voted.is_empty()
        && (plain.funded != o.results.funded
            || plain.equal_shares.as_ref().map(|e| &e.selected)
                != o.results.equal_shares.as_ref().map(|e| &e.selected));
    let rule = match (r.allocation, stickers || exclusions_matter) {
        (Allocation::GreedySkip | Allocation::GreedyStop, true) => "greedy-custom",
        (Allocation::GreedySkip, false) => "greedy-threshold",
        (Allocation::GreedyStop, false) => "greedy-no-skip",
        (Allocation::EqualShares, true) => "unknown",
        (Allocation::EqualShares, false) if !completed.is_empty() => "unknown",
        (Allocation::EqualShares, false) => "equalshares",
    };
    let votes = ballots(o);

    // Dates: the meeting's day as written, else the day the vote ran
    // (China Standard Time).
    let from_log = |ms: Option<u64>| ms.map(cst_date);
    let (begin, end) = match parse_date(&m.date) {
        Some(d) => (Some(d), Some(d)),
        None => (from_log(o.voting_opened_ms), from_log(o.counted_ms).or(from_log(o.voting_opened_ms))),
    };
    let dmy = |d: (u32, u32, u32)| format!("{:02}.{:02}.{}", d.0, d.1, d.2);
    let year = begin.or(end).map(|d| d.2.to_string()).unwrap_or_else(|| m.date.clone());
    let ids = |ls: &[&Line]| ls.iter().map(|l| l.row.proposal.clone()).collect::<Vec<_>>().join(", ");

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
        "PROJECTS are listed in the hub's ranking order (a stable sort by votes reproduces its tie-breaks), each with its estimated cost. Only proposals with at least one vote can be funded; selected 1 marks every funded proposal".to_string(),
    );
    if r.allocation == Allocation::EqualShares {
        let e = o.results.equal_shares.as_ref();
        let mut c = format!(
            "allocation: the Method of Equal Shares with cost utilities in exact arithmetic ({} voters, share {} each), equal prices broken by the ranking, then completion: the remaining budget goes down the ranking funding what fits. Bought by the shares: {}. Funded by the completion step: {}",
            e.map_or(0, |e| e.voters),
            e.map_or_else(|| "0".to_string(), |e| e.share.clone()),
            if bought.is_empty() { "none".to_string() } else { ids(&bought) },
            if completed.is_empty() { "none".to_string() } else { ids(&completed) },
        );
        if rule == "unknown" {
            c.push_str(". The rule is given as unknown because Pabulib has no name for equal shares followed by this completion (or for the exclusions below); the allocation is fully described here");
        }
        comments.push(c);
    }
    if !excluded.is_empty() {
        let list: Vec<String> = excluded
            .iter()
            .map(|l| match l.exclusion() {
                Some((n, _, _)) => format!("{} (rule {n})", l.row.proposal),
                None => l.row.proposal.clone(),
            })
            .collect();
        let mut c = format!(
            "{} proposals were excluded before the vote (on the technical adviser's advice, confirmed by the organisers) under the seven exclusion rules and could not be funded; they keep their real costs and their votes: {}",
            excluded.len(),
            list.join(", ")
        );
        if exclusions_matter && r.allocation != Allocation::EqualShares {
            c.push_str(". The rule is therefore greedy-custom: greedy by votes over the proposals not excluded");
            if r.allocation == Allocation::GreedyStop {
                c.push_str(", stopping at the first that does not fit");
            }
        } else if !excluded_voted.is_empty() && !exclusions_matter {
            let _ = write!(
                c,
                ". The exclusions changed nothing: {rule} over all the projects of this file funds the same proposals"
            );
        }
        comments.push(c);
    }
    if !too_dear.is_empty() {
        comments.push(format!(
            "{} proposals cost more than the whole budget, so no rule could fund them; they keep their real costs (pabulib-checker reports each as a single project exceeding the whole budget): {}",
            too_dear.len(),
            ids(&too_dear)
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
    let comment: Vec<String> =
        comments.iter().enumerate().map(|(i, c)| format!("#{}: {}", i + 1, one_line(c))).collect();

    let all_costs: u64 = o.lines.iter().map(|l| l.row.cost).sum();
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
    let kind = print::SCREENING_MEETING;
    let _ = write!(description, ". {} ({}) run with Yuanzhuo", kind.en, kind.zh);
    meta("description", field(&description));
    meta("country", field(&country(&m.country)));
    let unit = [&m.unit, &m.venue, &m.name].into_iter().find(|s| !s.trim().is_empty()).cloned().unwrap_or_default();
    meta("unit", field(&unit));
    if !m.subunit.trim().is_empty() {
        meta("subunit", field(&m.subunit));
    }
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
    if r.allocation != Allocation::EqualShares && !stickers {
        meta("min_project_score_threshold", "1".into());
    }
    if m.language == "zh" || m.language == "en" {
        meta("language", m.language.clone());
    }
    let currency = r.budget.currency.trim();
    if currency.len() == 3 && currency.chars().all(|c| c.is_ascii_uppercase()) {
        meta("currency", currency.to_string());
    }
    if r.budget.amount >= all_costs {
        meta("fully_funded", "1".into());
    }
    meta("comment", field(&comment.join(" ")));

    out.push_str("PROJECTS\nproject_id;cost;votes;name;category;selected\n");
    for l in &o.lines {
        let _ = writeln!(
            out,
            "{};{};{};{};{};{}",
            l.row.proposal,
            l.row.cost,
            l.row.votes.saturating_sub(l.stickers),
            field(&l.proposal.title),
            field(&l.proposal.category),
            u8::from(l.funding.is_some())
        );
    }
    out.push_str("VOTES\nvoter_id;vote;voting_method\n");
    for v in &votes {
        let _ = writeln!(out, "{};{};{}", v.id, v.choices.join(","), v.method);
    }
    Ok(out)
}

/// Pabulib wants an English country name (pabulib-checker looks it up in
/// ISO 3166); the meetings this toolkit serves are in China, and a meeting
/// file may name it in Chinese (`words::CHINA`, input as it is written).
fn country(written: &str) -> String {
    match written.trim() {
        "" => "China".to_string(),
        name if yuanzhuo_protocol::words::CHINA.contains(&name) => "China".to_string(),
        other => other.to_string(),
    }
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

/// Free text on one line: line breaks and tabs become spaces, runs of
/// spaces one, no surrounding spaces (pabulib-checker refuses them).
pub fn one_line(s: &str) -> String {
    let spaced: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Free text as a Pabulib cell, written as the format allows: on one line,
/// and in double quotes (with `"` doubled) when it holds the separator `;`
/// or a `"`, as CSV does. Nothing else is changed.
pub fn field(s: &str) -> String {
    let line = one_line(s);
    if line.contains([';', '"']) {
        format!("\"{}\"", line.replace('"', "\"\""))
    } else {
        line
    }
}

fn id_safe(s: &str) -> String {
    one_line(s).replace([',', ' ', ';', '"'], "_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_as_the_format_allows() {
        assert_eq!(field("  修路;加灯\n\"夜里\"  "), "\"修路;加灯 \"\"夜里\"\"\"");
        assert_eq!(field("a\tb"), "a b");
        assert_eq!(field("环境整治,安全"), "环境整治,安全");
        assert_eq!(id_safe("B 1,2"), "B_1_2");
        assert_eq!(country(""), "China");
        assert_eq!(country("中国"), "China");
        assert_eq!(country("Poland"), "Poland");
    }
}
