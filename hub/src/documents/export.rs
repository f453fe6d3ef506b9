//! Exports and verification, read straight from the data folder (they work
//! whether or not a hub is serving it). The JSON export is a contract:
//! docs/export.md describes every key.

use anyhow::{bail, Result};
use serde_json::{json, Value};
use std::path::Path;
use yuanzhuo_engine::{count, recount, verdict, CountInput, State};
use yuanzhuo_protocol::*;

use crate::meeting::store::{Row, Store};

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
        bail!(
            "日志不完整 / the log is not whole: {problem}\nhub restore --from WITNESS_COPY --data {}",
            data.display()
        );
    }
    let (state, _) = crate::meeting::replay::checked(&rows)
        .map_err(|f| anyhow::anyhow!("日志未通过校验 / the log fails verification\n  {}\n  {}", f.zh, f.en))?;
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
    let def = s.definition.as_ref().ok_or_else(|| anyhow::anyhow!("数据文件夹中没有会议定义 / no meeting defined"))?;
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
            Lang::Zh => "圆桌-结果排名.csv",
            Lang::En => "yuanzhuo-ranking.csv",
        }
    }
}

/// The CSV's columns: (English, Chinese). docs/export.md lists them.
const CSV_COLUMNS: [(&str, &str); 16] = [
    ("rank", "名次"),
    ("position", "位次"),
    ("id", "编号"),
    ("title", "项目"),
    ("location", "地点"),
    ("votes", "得票"),
    ("cost", "造价"),
    ("funded", "是否资助"),
    ("running_total", "累计造价"),
    ("unfunded_reason", "未资助原因"),
    ("final", "是否最终结果"),
    ("phone_votes", "手机票"),
    ("paper_votes", "纸质票"),
    ("sticker_votes", "贴纸票"),
    ("exclusion_rule", "排除规则"),
    ("funded_by", "资助方式"),
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
    require_tally_shown(&l.state, "CSV 排名", "the CSV ranking")?;
    let o = Outcome::of(&l.state)?;
    let zh = lang == Lang::Zh;
    let yes_no = |b: bool| {
        if zh {
            if b {
                "是"
            } else {
                "否"
            }
        } else if b {
            "true"
        } else {
            "false"
        }
    };
    let mut w = csv::Writer::from_writer(UTF8_BOM.as_bytes().to_vec());
    w.write_record(CSV_COLUMNS.iter().map(|(en, zh_)| if zh { *zh_ } else { *en }))?;
    for line in &o.lines {
        let r = &line.row;
        let p = line.proposal;
        let funded_by = match (line.funding, zh) {
            (Some(Funding::Greedy), false) => "greedy",
            (Some(Funding::Shares), false) => "shares",
            (Some(Funding::Completion), false) => "completion",
            (Some(Funding::Greedy), true) => "按排名",
            (Some(Funding::Shares), true) => "平均分配份额",
            (Some(Funding::Completion), true) => "补足",
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
        bail!("这场会议没有预审记录（会议文件未写 prescreening） / this meeting has no pre-screening record (the meeting file names none)");
    };
    let contacts: std::collections::HashMap<String, String> =
        Store::open_read_only(data)?.contacts()?.into_iter().collect();
    // The results only once counted, and never while the tally is hidden.
    let outcome = if s.phase >= Phase::Counted && !s.tally_hidden() { Some(Outcome::of(&l.state)?) } else { None };
    let mut w = csv::Writer::from_writer(UTF8_BOM.as_bytes().to_vec());
    w.write_record([
        "原始编号",
        "提议人",
        "联系方式",
        "建议内容",
        "地点",
        "预审结果",
        "会议提案",
        "会议结果",
        "告知理由",
    ])?;
    for raw in &record.raw {
        let (pre, reason) = match &raw.outcome {
            RawOutcome::Kept { .. } => ("保留".to_string(), String::new()),
            RawOutcome::Merged { merge, .. } => (format!("合并（{}）", merge.zh()), String::new()),
            RawOutcome::Struck { rule, reason } => {
                let text = EXCLUSION_RULES.get(usize::from(*rule).wrapping_sub(1)).map_or("", |r| r.0);
                (format!("排除（第{rule}条：{text}）"), reason.clone())
            }
        };
        let result = match (raw.outcome.proposal(), &outcome) {
            (None, _) => String::new(),
            (Some(_), None) => "投票尚未结束".to_string(),
            (Some(id), Some(o)) => match o.lines.iter().find(|l| &l.row.proposal == id) {
                Some(l) if l.row.funded => "获得资助".to_string(),
                Some(l) => match crate::documents::publish::letters::letter_reason(l) {
                    Some(why) => format!("未获资助：{}", reason_text(&why).0),
                    None => "未获资助".to_string(),
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
    let def = s.definition.as_ref().ok_or_else(|| anyhow::anyhow!("数据文件夹中没有会议定义 / no meeting defined"))?;
    // Every paper verdict again, from the rules.
    let known = |id: &str| def.proposals.iter().any(|p| p.id == id);
    let mut numbers = std::collections::HashSet::new();
    for p in s.desk.agreed_ballots() {
        // A number not handed out at the door was judged against the register
        // as it stood when its batch agreed (the checked replay did that).
        let by_number = matches!(p.void, Some(VoidReason::UnissuedNumber | VoidReason::CancelledNumber));
        if by_number && !s.door() {
            bail!(
                "纸质选票 {} 按门口登记作废，但本次会议不设门口登记 / paper ballot {}: void by the door register, but the rules have none",
                p.number,
                p.number
            );
        }
        let again = if by_number { p.void } else { verdict(&p.marks, def.rules.max_choices, known) };
        if again != p.void {
            bail!(
                "纸质选票 {} 的判定有误 / paper ballot {}: recorded {:?}, the rules say {:?}",
                p.number,
                p.number,
                p.void,
                again
            );
        }
        if !numbers.insert(&p.number) {
            bail!("纸质选票编号 {} 计入两次 / paper ballot number {} counted twice", p.number, p.number);
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
        bail!("重新计票与记录不符 / the recount differs from the running tally");
    }
    let mut voters = std::collections::HashSet::new();
    for b in &s.ballots {
        if !voters.insert(&b.voter) {
            bail!("投票卡 {} 投了两次 / voter {} appears twice", b.voter, b.voter);
        }
        if b.choices.is_empty() || b.choices.len() > def.rules.max_choices as usize {
            bail!(
                "第 {} 条记录：选票选了 {} 项 / entry {}: a ballot with {} choices",
                b.seq,
                b.choices.len(),
                b.seq,
                b.choices.len()
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
        let counted =
            s.counted_definition().ok_or_else(|| anyhow::anyhow!("数据文件夹中没有会议定义 / no meeting defined"))?;
        let again = count(&counted, &input, &r.closed_at_head);
        if &again != r {
            bail!("重新计算的结果与记录不符 / recomputed results differ");
        }
        if r.total_cost > def.rules.budget.amount {
            bail!("入选项目合计超过预算 / the funded total exceeds the budget");
        }
    }
    let t = s.turnout();
    let paper = if t.paper > 0 || s.desk.stickers() > 0 {
        format!(
            " counted ({} by phone, {} on paper; {} more paper ballots void; {} stickers)",
            s.ballots.len(),
            t.paper - t.void,
            t.void,
            s.desk.stickers()
        )
    } else {
        String::new()
    };
    let mut out = format!(
        "日志完整，每条记录都符合规则 / log intact, every entry within the rules: {} entries, {} ballots{paper}, phase {}\nhead {}\n",
        l.rows.len(),
        s.counted_ballots(),
        s.phase.as_str(),
        s.head
    );
    out.push_str(&electorate_report(s));
    if let Some(h) = head {
        let h = crate::meeting::head::parse_seen(h).map_err(|why| anyhow::anyhow!("--head: {why}"))?;
        match l.rows.iter().find(|r| r.hash.starts_with(&h)) {
            Some(r) => out.push_str(&format!(
                "哈希 {h} 是第 {} 条记录，其后有 {} 条 / {h} is entry {} of the log; {} entries follow it\n",
                r.seq,
                l.rows.len() as u64 - r.seq,
                r.seq,
                l.rows.len() as u64 - r.seq
            )),
            None => bail!("哈希 {h} 不在本日志中 / {h} is not part of this log"),
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
    let mut out = format!(
        "计票 / count: 已收到 {} 张（有效 {}，废票 {}）；手机 {}，纸质 {}；贴纸 {} / \
         ballots received: {} ({} valid, {} void); by phone {}, on paper {}; stickers {}\n",
        t.ballots,
        t.valid,
        t.void,
        t.phone,
        t.paper,
        t.stickers,
        t.ballots,
        t.valid,
        t.void,
        t.phone,
        t.paper,
        t.stickers
    );
    if !t.void_reasons.is_empty() {
        let zh: Vec<String> = t.void_reasons.iter().map(|(k, n)| format!("{} {n}", void_text(k).0)).collect();
        let en: Vec<String> = t.void_reasons.iter().map(|(k, n)| format!("{} {n}", void_text(k).1)).collect();
        out += &format!("  废票 / void: {} / {}\n", zh.join("，"), en.join(", "));
    }
    let fp = if t.cards_issued == 0 { "—".to_string() } else { e.fingerprint() };
    out += &format!(
        "投票卡 / cards: 发放 {} 张，作废 {} 张，选民指纹 {fp} / {} issued, {} cancelled, electorate fingerprint {fp}\n",
        t.cards_issued, t.cards_cancelled, t.cards_issued, t.cards_cancelled
    );
    for i in e.issuances.iter().filter(|i| i.during_vote) {
        out += &format!(
            "  第 {} 条：投票中追加发卡 {}–{}（{} 张），原因：{} / entry {}: cards {}–{} ({}) issued during the vote: {}\n",
            i.seq, i.first, i.last, i.count, i.reason, i.seq, i.first, i.last, i.count, i.reason
        );
    }
    for c in &e.cancellations {
        out += &format!(
            "  第 {} 条：作废 {}，原因：{} / entry {}: {} cancelled: {}\n",
            c.seq, c.serial, c.reason, c.seq, c.serial, c.reason
        );
    }
    if let Some(r) = &t.register {
        out += &format!(
            "门口登记 / door register: {} 人：投票卡 {}，纸质票 {}，贴纸 {} 张（共 {} 枚） / \
             {} registered: {} cards, {} paper ballots, {} sticker sheets ({} stickers)\n",
            r.registered,
            r.cards,
            r.paper,
            r.sticker_sheets,
            r.stickers,
            r.registered,
            r.cards,
            r.paper,
            r.sticker_sheets,
            r.stickers
        );
    }
    for d in e.desk_cards() {
        let (zh, en) = match d.role {
            Role::Scrutineer => {
                let l = yuanzhuo_engine::scrutineer_letter(d.number);
                (format!("监票员 {l}"), format!("scrutineer {l}"))
            }
            _ => (format!("点票员 {}", d.number), format!("counter {}", d.number)),
        };
        out += &match &d.claim {
            None => format!("点票台 / desk: {zh}（{}）未认领 / {en} ({}) not claimed\n", d.serial, d.serial),
            Some(c) => {
                let same = if c.same_address_as.is_empty() {
                    (String::new(), String::new())
                } else {
                    (
                        format!("，与 {} 同一地址", c.same_address_as.join("、")),
                        format!(", same address as {}", c.same_address_as.join(", ")),
                    )
                };
                format!(
                    "点票台 / desk: {zh}（{}）第 {} 条认领，设备 {}，{}{} / {en} ({}) claimed at entry {}, device {}, {}{}\n",
                    d.serial, c.seq, c.device, c.address, same.0, d.serial, c.seq, c.device, c.address, same.1
                )
            }
        };
    }
    for x in s.exclusion_list() {
        out += &format!(
            "投票前排除 / excluded before the vote: {}（第 {} 条规则：{}） / {} (rule {}: {})\n",
            x.proposal, x.rule, x.reason, x.proposal, x.rule, x.reason
        );
    }
    for c in s.adopted_costs() {
        out += &format!(
            "采用技术顾问估算 / cost adopted from the adviser: {} {}（清单 {}） / {} {} (list {})\n",
            c.proposal, c.cost, c.list_cost, c.proposal, c.cost, c.list_cost
        );
    }
    out
}

/// The log itself, one JSON object per line: `seq`, `prev`, `hash` and
/// `body` (the exact text that was hashed). What scripts/verify-count and any
/// other independent checker read (docs/verification.md). Refused while the
/// tally is hidden: every ballot is in it.
pub fn log_lines(l: &Loaded) -> Result<String> {
    crate::documents::publish::require_tally_shown(&l.state, "日志", "the log")?;
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
