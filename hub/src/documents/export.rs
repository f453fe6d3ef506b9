//! Exports and verification, read straight from the data folder (they work
//! whether or not a hub is serving it). The JSON export is a contract:
//! docs/export.md describes every key.

use anyhow::{bail, Result};
use serde_json::{json, Value};
use std::path::Path;
use yuanzhuo_engine::{count, recount, verdict, CountInput, State};
use yuanzhuo_protocol::words::{fill_in, print, terminal, ui, Words};
use yuanzhuo_protocol::*;

use crate::meeting::store::{Row, Store};

/// An entry in both languages as the command line says it, "中文 / English",
/// each `{name}` filled in.
fn said(w: Words, values: &[(&str, &str)]) -> String {
    let (zh, en) = w.fill(values);
    format!("{zh} / {en}")
}

/// One line of the report: "标签 / label: 中文 / English".
fn report_line(label: Words, w: Words, values: &[(&str, &str)]) -> String {
    let (zh, en) = w.fill(values);
    format!("{} / {}: {zh} / {en}\n", label.zh, label.en)
}

fn no_meeting_in_folder() -> anyhow::Error {
    anyhow::anyhow!("{}", said(print::NO_MEETING_IN_DATA_FOLDER, &[]))
}

pub struct Loaded {
    pub rows: Vec<Row>,
    pub state: State,
}

pub fn load(data: &Path) -> Result<Loaded> {
    // The head record first: the log read after it can only be longer.
    let recorded = crate::meeting::folder::HeadRecord::read(data)?;
    let store = Store::open_read_only(data)?;
    let rows = store.rows()?;
    if let Some(problem) = recorded.and_then(|h| {
        crate::meeting::folder::shortfall(&h, rows.len() as u64, |seq| {
            seq.checked_sub(1).and_then(|i| rows.get(i as usize)).map(|r| r.hash.clone())
        })
    }) {
        // The second line is the command to run, as typed.
        bail!(
            "{}: {problem}\nhub restore --from WITNESS_COPY --data {}",
            said(print::LOG_NOT_WHOLE, &[]),
            data.display()
        );
    }
    let (state, _) = crate::meeting::replay::checked(&rows)
        .map_err(|f| anyhow::anyhow!("{}\n  {}\n  {}", said(print::LOG_FAILS_VERIFICATION, &[]), f.zh, f.en))?;
    Ok(Loaded { state, rows })
}

/// Results as they stand: final once counted, otherwise provisional (the
/// count of the ballots so far, seeded with the current head).
fn results(s: &State) -> Option<(Results, bool)> {
    if let Some(r) = &s.results {
        return Some((r.clone(), true));
    }
    let def = s.counted_definition()?;
    Some((count(&def, &s.count_input(), &s.head), false))
}

/// Every ballot: by phone (with its receipt), then paper (by batch and
/// number, with the rules' verdict). While the tally is hidden, no choices.
fn ballots(s: &State) -> Vec<Value> {
    let hidden = s.tally_hidden();
    let phone = s.ballots.iter().map(move |b| {
        json!({"receipt": b.receipt, "choices": (!hidden).then_some(&b.choices), "void": false, "void_reason": null,
               "method": "phone", "seq": b.seq})
    });
    let paper = s.desk.batches.iter().filter(|(_, b)| b.status == PaperStatus::Agreed).flat_map(move |(n, b)| {
        b.ballots.iter().map(move |p| {
            json!({"receipt": null, "paper": p.number, "batch": n, "choices": (!hidden).then_some(&p.marks),
                   "void": p.void.is_some(), "void_reason": p.void, "method": "paper"})
        })
    });
    phone.chain(paper).collect()
}

pub fn json(l: &Loaded) -> Result<Value> {
    let s = &l.state;
    let def = s.definition.as_ref().ok_or_else(no_meeting_in_folder)?;
    // A hidden tally: everything but the counts per proposal (docs/export.md).
    let hidden = s.tally_hidden();
    let (results, final_) = results(s).expect("defined");
    let tables: Vec<Value> = s
        .table_summaries()
        .into_iter()
        .map(|t| {
            let d = s.table_detail(t.table);
            json!({
                "table": t.table, "name": t.name, "share": t.share,
                "picks": t.picks, "picks_locked": t.picks_locked,
                "queue": d.queue, "balance": d.balance, "notes": d.notes,
            })
        })
        .collect();
    Ok(json!({
        "format": "yuanzhuo-export/2",
        "meeting": def.meeting,
        "rules": def.rules,
        "fingerprint": s.fingerprint,
        "phase": s.phase,
        "proposals": def.proposals,
        "prescreening": s.prescreening,
        "picks": tables.iter().map(|t| json!({"table": t["table"], "name": t["name"], "proposals": t["picks"], "locked": t["picks_locked"]})).collect::<Vec<_>>(),
        "tables": tables,
        "annotations": s.annotation_list(),
        "exclusions": s.exclusion_list(),
        "adopted_costs": s.adopted_costs(),
        "electorate": s.electorate.view(),
        "register": if s.door() { json!(s.electorate.register_view()) } else { Value::Null },
        "ballots": ballots(s),
        "paper": s.paper_view(),
        "turnout": s.turnout(),
        "tally_hidden": hidden,
        "tally": (!hidden).then_some(&s.tally),
        "results": if hidden { Value::Null } else { json!({
            "final": final_,
            "ranking": results.ranking,
            "funded": results.funded,
            "total_cost": results.total_cost,
            "budget": results.budget,
            "ties": results.ties,
            "ballots": results.ballots,
            "paper": results.paper,
            "void": results.void,
            "stickers": results.stickers,
            "equal_shares": results.equal_shares,
            "closed_at_head": results.closed_at_head,
        })},
        "log_head": s.head,
        "log_length": l.rows.len(),
    }))
}

/// The language of a CSV's headers and words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Chinese headers and words (the default: for people, in Excel).
    #[default]
    Zh,
    /// English headers and the codes of the JSON export (for scripts).
    En,
}

impl Lang {
    /// The download's file name.
    pub fn csv_file_name(self) -> &'static str {
        match self {
            Lang::Zh => print::CSV_FILE_NAME.zh,
            Lang::En => print::CSV_FILE_NAME.en,
        }
    }
}

/// The CSV's columns: the English CSV's header is the column's code (the
/// JSON export's), the Chinese CSV's the entry's Chinese. docs/export.md
/// lists them.
const CSV_COLUMNS: [(&str, Words); 16] = [
    ("rank", ui::RANK),
    ("position", print::POSITION),
    ("id", print::NOTICE_ID),
    ("title", print::TITLE),
    ("location", ui::LOCATION),
    ("votes", print::VOTES_HEADER),
    ("cost", ui::COST),
    ("funded", print::FUNDED_HEADER),
    ("running_total", print::RUNNING_TOTAL_COST),
    ("unfunded_reason", print::REASON_NOT_FUNDED),
    ("final", print::FINAL_HEADER),
    ("phone_votes", print::PHONE_VOTES_HEADER),
    ("paper_votes", print::PAPER_VOTES_HEADER),
    ("sticker_votes", print::STICKER_VOTES_HEADER),
    ("exclusion_rule", terminal::EXCLUSION_RULE),
    ("funded_by", ui::FUNDING),
];

/// The byte order mark that tells Excel (Chinese Excel above all) the file
/// is UTF-8; without it Chinese text opens as mojibake.
pub const UTF8_BOM: &str = "\u{feff}";

/// A cell as a spreadsheet may safely read it (OWASP, "CSV Injection"): text
/// that starts with `=`, `+`, `-`, `@`, a tab, a carriage return or a NUL
/// would be read as a formula, so it gets a leading `'`, which spreadsheets
/// take as "this is text" and do not show.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '\0') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

/// The ranking as CSV, for spreadsheets and the notice board: one row per
/// proposal in ranking order; the votes split by where they came from
/// (phone, valid paper, sticker boards), the adviser's exclusion rule, and
/// how a funded row was funded. Void paper ballots count for no proposal;
/// they are in the XLSX and JSON exports. UTF-8 with a byte order mark;
/// headers and words in `lang`; every cell neutralised (`neutralise`).
/// Refused while the tally is hidden.
pub fn csv(l: &Loaded, lang: Lang) -> Result<String> {
    use crate::documents::publish::{reason_text, require_tally_shown, Funding, Outcome};
    require_tally_shown(&l.state, print::THE_CSV_RANKING.zh, print::THE_CSV_RANKING.en)?;
    let o = Outcome::of(&l.state)?;
    let zh = lang == Lang::Zh;
    // The English CSV writes the JSON export's codes (true, false, greedy…).
    let yes_no = |b: bool| match (zh, b) {
        (true, true) => ui::YES.zh,
        (true, false) => ui::ANSWER_NO.zh,
        (false, true) => "true",
        (false, false) => "false",
    };
    let mut w = csv::Writer::from_writer(UTF8_BOM.as_bytes().to_vec());
    w.write_record(CSV_COLUMNS.iter().map(|(code, words)| if zh { words.zh } else { *code }))?;
    for line in &o.lines {
        let r = &line.row;
        let p = line.proposal;
        let funded_by = match (line.funding, zh) {
            (Some(Funding::Greedy), false) => "greedy",
            (Some(Funding::Shares), false) => "shares",
            (Some(Funding::Completion), false) => "completion",
            (Some(Funding::Greedy), true) => print::BY_THE_RANKING.zh,
            (Some(Funding::Shares), true) => print::BY_EQUAL_SHARES.zh,
            (Some(Funding::Completion), true) => ui::HOW_FUNDED_COMPLETION.zh,
            (None, _) => "",
        };
        let reason = match (&r.unfunded_reason, zh) {
            (Some(code), true) => reason_text(code).0.to_string(),
            (Some(code), false) => code.to_string(),
            (None, _) => String::new(),
        };
        let cells = [
            r.rank.to_string(),
            r.position.to_string(),
            r.proposal.clone(),
            p.title.clone(),
            p.location.clone(),
            r.votes.to_string(),
            r.cost.to_string(),
            yes_no(r.funded).to_string(),
            r.running_total.to_string(),
            reason,
            yes_no(o.final_).to_string(),
            r.votes.saturating_sub(line.paper_votes + line.stickers).to_string(),
            line.paper_votes.to_string(),
            line.stickers.to_string(),
            line.exclusion().map(|(n, _, _)| n.to_string()).unwrap_or_default(),
            funded_by.to_string(),
        ];
        w.write_record(cells.iter().map(|c| neutralise(c).into_owned()))?;
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}

/// The contact list for calls and texts (内部): one row per resident's
/// proposal of the pre-screening record, with the contact kept in the data
/// folder (never in the log, the public exports or a page) and what became
/// of the proposal in words — struck (rule and reason), merged, kept, and
/// once the vote is closed whether its proposal was funded and why not.
/// UTF-8 with a byte order mark, Chinese headers, every cell neutralised.
pub fn contacts(l: &Loaded, data: &Path) -> Result<String> {
    use crate::documents::publish::{reason_text, Outcome};
    let s = &l.state;
    let Some(record) = &s.prescreening else {
        bail!("{}", said(print::THIS_MEETING_HAS_NO_PRESCREENING, &[]));
    };
    let contacts: std::collections::HashMap<String, String> =
        Store::open_read_only(data)?.contacts()?.into_iter().collect();
    // The results only once counted, and never while the tally is hidden.
    let outcome = if s.phase >= Phase::Counted && !s.tally_hidden() { Some(Outcome::of(&l.state)?) } else { None };
    let mut w = csv::Writer::from_writer(UTF8_BOM.as_bytes().to_vec());
    w.write_record(
        [
            print::ORIGINAL_NO,
            ui::PROPOSER,
            print::CONTACT,
            print::WHAT_WAS_PROPOSED,
            ui::LOCATION,
            print::PRESCREENING_OUTCOME,
            print::MEETING_PROPOSAL,
            print::MEETING_OUTCOME,
            print::REASON_TO_TELL,
        ]
        .map(|w| w.zh),
    )?;
    for raw in &record.raw {
        let (pre, reason) = match &raw.outcome {
            RawOutcome::Kept { .. } => (print::KEPT.zh.to_string(), String::new()),
            RawOutcome::Merged { merge, .. } => (fill_in(print::MERGED_HOW.zh, &[("how", merge.zh())]), String::new()),
            RawOutcome::Struck { rule, reason } => {
                let text = EXCLUSION_RULES.get(usize::from(*rule).wrapping_sub(1)).map_or("", |r| r.0);
                (fill_in(print::STRUCK_RULE_TEXT.zh, &[("n", &rule.to_string()), ("rule", text)]), reason.clone())
            }
        };
        let result = match (raw.outcome.proposal(), &outcome) {
            (None, _) => String::new(),
            (Some(_), None) => print::VOTE_NOT_CLOSED.zh.to_string(),
            (Some(id), Some(o)) => match o.lines.iter().find(|l| &l.row.proposal == id) {
                Some(l) if l.row.funded => print::FUNDED_AT_MEETING.zh.to_string(),
                Some(l) => match crate::documents::publish::letters::letter_reason(l) {
                    Some(why) => fill_in(print::NOT_FUNDED_BECAUSE.zh, &[("reason", reason_text(&why).0)]),
                    None => print::NOT_FUNDED_AT_MEETING.zh.to_string(),
                },
                None => String::new(),
            },
        };
        let cells = [
            raw.id.clone(),
            raw.proposer.clone(),
            contacts.get(&raw.id).cloned().unwrap_or_default(),
            raw.text.clone(),
            raw.location.clone(),
            pre,
            raw.outcome.proposal().cloned().unwrap_or_default(),
            result,
            reason,
        ];
        w.write_record(cells.iter().map(|c| neutralise(c).into_owned()))?;
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}

/// Replay the chain, recount every ballot and compare; optionally confirm
/// that a head hash seen earlier is part of the log. Returns the report.
pub fn verify(data: &Path, head: Option<&str>) -> Result<String> {
    let l = load(data)?;
    let s = &l.state;
    let def = s.definition.as_ref().ok_or_else(no_meeting_in_folder)?;
    // Every paper verdict again, from the rules.
    let known = |id: &str| def.proposals.iter().any(|p| p.id == id);
    let mut numbers = std::collections::HashSet::new();
    for p in s.desk.agreed_ballots() {
        // A number not handed out at the door was judged against the register
        // as it stood when its batch agreed (the checked replay did that).
        let by_number = matches!(p.void, Some(VoidReason::UnissuedNumber | VoidReason::CancelledNumber));
        if by_number && !s.door() {
            bail!("{}", said(print::VOID_BY_REGISTER_WITHOUT_ONE, &[("number", &p.number)]));
        }
        let again = if by_number { p.void } else { verdict(&p.marks, def.rules.max_choices, known) };
        if again != p.void {
            bail!(
                "{}",
                said(
                    print::VERDICT_DIFFERS,
                    &[("number", &p.number), ("recorded", &format!("{:?}", p.void)), ("again", &format!("{again:?}"))]
                )
            );
        }
        if !numbers.insert(&p.number) {
            bail!("{}", said(print::PAPER_NUMBER_TWICE, &[("number", &p.number)]));
        }
    }
    let counting: Vec<&[ProposalId]> = s
        .ballots
        .iter()
        .map(|b| b.choices.as_slice())
        .chain(s.desk.valid_ballots().map(|b| b.marks.as_slice()))
        .collect();
    let fresh = recount(&def.proposals, counting.iter().copied(), s.desk.agreed_boards());
    if fresh != s.tally {
        bail!("{}", said(print::RECOUNT_DIFFERS, &[]));
    }
    let mut voters = std::collections::HashSet::new();
    for b in &s.ballots {
        if !voters.insert(&b.voter) {
            bail!("{}", said(print::VOTER_TWICE, &[("voter", &b.voter.to_string())]));
        }
        if b.choices.is_empty() || b.choices.len() > def.rules.max_choices as usize {
            bail!(
                "{}",
                said(print::BALLOT_WITH_N_CHOICES, &[("seq", &b.seq.to_string()), ("n", &b.choices.len().to_string())])
            );
        }
    }
    if let Some(r) = &s.results {
        let input = CountInput {
            tally: fresh.clone(),
            ballots: counting.iter().map(|b| b.to_vec()).collect(),
            paper: s.desk.valid_ballots().count() as u64,
            void: s.desk.agreed_ballots().filter(|b| b.void.is_some()).count() as u64,
            stickers: s.desk.stickers(),
            excluded: s.exclusions.keys().cloned().collect(),
        };
        let counted = s.counted_definition().ok_or_else(no_meeting_in_folder)?;
        let again = count(&counted, &input, &r.closed_at_head);
        if &again != r {
            bail!("{}", said(print::RESULTS_DIFFER, &[]));
        }
        if r.total_cost > def.rules.budget.amount {
            bail!("{}", said(print::FUNDED_OVER_BUDGET, &[]));
        }
    }
    let t = s.turnout();
    let paper = if t.paper > 0 || s.desk.stickers() > 0 {
        print::PAPER_COUNTED
            .fill(&[
                ("phone", &s.ballots.len().to_string()),
                ("paper", &(t.paper - t.void).to_string()),
                ("void", &t.void.to_string()),
                ("stickers", &s.desk.stickers().to_string()),
            ])
            .1
    } else {
        String::new()
    };
    let intact = said(
        print::LOG_INTACT,
        &[
            ("entries", &l.rows.len().to_string()),
            ("ballots", &s.counted_ballots().to_string()),
            ("paper", &paper),
            ("phase", s.phase.as_str()),
        ],
    );
    // "head HASH" is read by scripts (and tests): a format, as the log's own key is.
    let mut out = format!("{intact}\nhead {}\n", s.head);
    out.push_str(&electorate_report(s));
    if let Some(h) = head {
        let h = crate::meeting::head::parse_seen(h).map_err(|why| anyhow::anyhow!("--head: {why}"))?;
        match l.rows.iter().find(|r| r.hash.starts_with(&h)) {
            Some(r) => {
                let (seq, after) = (r.seq.to_string(), (l.rows.len() as u64 - r.seq).to_string());
                out.push_str(&said(print::HEAD_IS_ENTRY, &[("h", &h), ("seq", &seq), ("after", &after)]));
                out.push('\n');
            }
            None => bail!("{}", said(print::HEAD_NOT_IN_LOG, &[("h", &h)])),
        }
    }
    Ok(out)
}

/// The count's numbers (`turnout`, in the words every screen uses) and who
/// could vote and count: cards issued and cancelled, the electorate's
/// fingerprint, the door register, the desk's claims, exclusions and costs.
fn electorate_report(s: &State) -> String {
    use crate::documents::publish::void_text;
    let t = s.turnout();
    let e = &s.electorate;
    let mut out = report_line(
        print::COUNT_LABEL,
        print::BALLOTS_RECEIVED_REPORT,
        &[
            ("ballots", &t.ballots.to_string()),
            ("valid", &t.valid.to_string()),
            ("void", &t.void.to_string()),
            ("phone", &t.phone.to_string()),
            ("paper", &t.paper.to_string()),
            ("stickers", &t.stickers.to_string()),
        ],
    );
    if !t.void_reasons.is_empty() {
        let zh: Vec<String> = t.void_reasons.iter().map(|(k, n)| format!("{} {n}", void_text(k).0)).collect();
        let en: Vec<String> = t.void_reasons.iter().map(|(k, n)| format!("{} {n}", void_text(k).1)).collect();
        let (zh, en) = (zh.join(ui::COMMA.zh), en.join(ui::COMMA.en));
        out += &format!("  {} / {}: {zh} / {en}\n", print::VOID_LABEL.zh, print::VOID_LABEL.en);
    }
    let fp = if t.cards_issued == 0 { "—".to_string() } else { e.fingerprint() };
    out += &report_line(
        print::CARDS_LABEL,
        print::CARDS_REPORT,
        &[("issued", &t.cards_issued.to_string()), ("cancelled", &t.cards_cancelled.to_string()), ("fp", &fp)],
    );
    for i in e.issuances.iter().filter(|i| i.during_vote) {
        let (seq, first, last, count) =
            (i.seq.to_string(), i.first.to_string(), i.last.to_string(), i.count.to_string());
        let values = [("seq", &*seq), ("first", &first), ("last", &last), ("count", &count), ("reason", &i.reason)];
        out += &format!("  {}\n", said(print::CARDS_ISSUED_DURING_VOTE, &values));
    }
    for c in &e.cancellations {
        let (seq, serial) = (c.seq.to_string(), c.serial.to_string());
        let values = [("seq", &*seq), ("serial", &serial), ("reason", &c.reason)];
        out += &format!("  {}\n", said(print::CARD_CANCELLED, &values));
    }
    if let Some(r) = &t.register {
        out += &report_line(
            print::DOOR_REGISTER_LABEL,
            print::REGISTER_REPORT,
            &[
                ("registered", &r.registered.to_string()),
                ("cards", &r.cards.to_string()),
                ("paper", &r.paper.to_string()),
                ("sheets", &r.sticker_sheets.to_string()),
                ("stickers", &r.stickers.to_string()),
            ],
        );
    }
    for d in e.desk_cards() {
        let (zh, en) = match d.role {
            Role::Scrutineer => {
                let l = yuanzhuo_engine::scrutineer_letter(d.number);
                (format!("{} {l}", Role::Scrutineer.zh()), format!("{} {l}", Role::Scrutineer.en()))
            }
            _ => (format!("{} {}", Role::Counter.zh(), d.number), format!("{} {}", Role::Counter.en(), d.number)),
        };
        let serial = d.serial.to_string();
        out += &match &d.claim {
            None => report_line(
                print::DESK_LABEL,
                print::DESK_CARD_NOT_CLAIMED,
                &[("who_zh", &zh), ("who_en", &en), ("serial", &serial)],
            ),
            Some(c) => {
                let (same_zh, same_en) = if c.same_address_as.is_empty() {
                    (String::new(), String::new())
                } else {
                    let w = print::SAME_ADDRESS_AS;
                    (
                        fill_in(w.zh, &[("others", &c.same_address_as.join(ui::LIST_SEP.zh))]),
                        fill_in(w.en, &[("others", &c.same_address_as.join(ui::LIST_SEP.en))]),
                    )
                };
                report_line(
                    print::DESK_LABEL,
                    print::DESK_CARD_CLAIMED,
                    &[
                        ("who_zh", &zh),
                        ("who_en", &en),
                        ("serial", &serial),
                        ("seq", &c.seq.to_string()),
                        ("device", &c.device.to_string()),
                        ("address", &c.address.to_string()),
                        ("same_zh", &same_zh),
                        ("same_en", &same_en),
                    ],
                )
            }
        };
    }
    for x in s.exclusion_list() {
        out += &report_line(
            print::EXCLUDED_BEFORE_THE_VOTE_LABEL,
            print::EXCLUDED_REPORT,
            &[("proposal", &x.proposal.to_string()), ("rule", &x.rule.to_string()), ("reason", &x.reason.to_string())],
        );
    }
    for c in s.adopted_costs() {
        out += &report_line(
            print::COST_ADOPTED_LABEL,
            print::COST_ADOPTED_REPORT,
            &[("proposal", &c.proposal.to_string()), ("cost", &c.cost.to_string()), ("list", &c.list_cost.to_string())],
        );
    }
    out
}

/// The log itself, one JSON object per line: `seq`, `prev`, `hash` and
/// `body` (the exact text that was hashed). What scripts/verify-count and any
/// other independent checker read (docs/verification.md). Refused while the
/// tally is hidden: every ballot is in it.
pub fn log_lines(l: &Loaded) -> Result<String> {
    crate::documents::publish::require_tally_shown(&l.state, print::THE_LOG.zh, print::THE_LOG.en)?;
    let mut out = String::new();
    for r in &l.rows {
        out.push_str(&json!({"seq": r.seq, "prev": r.prev, "hash": r.hash, "body": r.body}).to_string());
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_a_spreadsheet_would_evaluate_are_neutralised() {
        for (cell, want) in [
            ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-2+3", "'-2+3"),
            ("@SUM(1)", "'@SUM(1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("楼道声控灯=改造", "楼道声控灯=改造"),
            ("", ""),
            ("300000", "300000"),
        ] {
            assert_eq!(neutralise(cell), want, "{cell:?}");
        }
    }
}
