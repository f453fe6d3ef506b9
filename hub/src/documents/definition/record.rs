//! Reading the pre-screening record (预审记录): the clerk's sheet of every
//! proposal residents made, one row each, with what became of it — kept as
//! a proposal of the meeting, merged into one (and how), or struck under one
//! of the seven rules (and why). Works on the [`Grid`]s of `sheet.rs` like
//! the proposals table: the sheet chosen by its content (or named), the
//! header found below title rows, header names matched against [`SYNONYMS`],
//! totals rows skipped with a note, every message naming the sheet, the row,
//! the column and the header as written. Hidden rows are read (a resident's
//! proposal hidden in Excel is still in the record) and named in a note.
//!
//! The rules a record must follow (`yuanzhuo_engine::record_problems`) are
//! the engine's, so that the hub, `hub verify` and `scripts/verify-count`
//! apply the same ones; here they are reported against the rows. Contacts
//! are read but never enter the record: they stay in the data folder.

use std::collections::HashMap;

use yuanzhuo_protocol::{MergeKind, Prescreening, Proposal, RawOutcome, RawProposal, EXCLUSION_RULES};

use super::sheet::{column_letter, Grid, Row};
use super::table::{fold_id, fold_width, normalise, totals_label};
use super::{At, DefinitionError, Problem};

/// Rows searched for the header.
const HEADER_SEARCH_ROWS: usize = 30;

/// The columns of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    RawId,
    Text,
    Location,
    Proposer,
    Contact,
    Outcome,
    Proposal,
    Merge,
    Rule,
    Reason,
}

impl Column {
    const REQUIRED: [Column; 3] = [Column::RawId, Column::Text, Column::Outcome];

    fn zh(self) -> &'static str {
        match self {
            Column::RawId => "原始编号",
            Column::Text => "建议内容",
            Column::Location => "地点",
            Column::Proposer => "提议人",
            Column::Contact => "联系方式",
            Column::Outcome => "处理结果",
            Column::Proposal => "会议编号",
            Column::Merge => "合并方式",
            Column::Rule => "排除规则",
            Column::Reason => "理由",
        }
    }

    fn en(self) -> &'static str {
        match self {
            Column::RawId => "raw id",
            Column::Text => "text",
            Column::Location => "location",
            Column::Proposer => "proposer",
            Column::Contact => "contact",
            Column::Outcome => "outcome",
            Column::Proposal => "meeting id",
            Column::Merge => "merge",
            Column::Rule => "rule",
            Column::Reason => "reason",
        }
    }
}

/// Header names, compared after `normalise` (full-width folded, lower case,
/// no spaces). docs/meeting-file.md lists them.
pub const SYNONYMS: &[(Column, &[&str])] = &[
    (Column::RawId, &["原始编号", "提议编号", "建议编号", "征集编号", "原编号", "序号", "raw_id", "rawid", "raw id"]),
    (Column::Text, &["建议内容", "提议内容", "内容", "建议", "提议", "项目内容", "建议事项", "text", "proposal"]),
    (Column::Location, &["地点", "提议地点", "位置", "项目地点", "location"]),
    (Column::Proposer, &["提议人", "建议人", "提议居民", "居民姓名", "姓名", "提出人", "proposer", "name"]),
    (Column::Contact, &["联系方式", "联系电话", "电话", "手机", "手机号", "联系人电话", "contact", "phone"]),
    (
        Column::Outcome,
        &["处理结果", "处理", "结果", "预审结果", "初选结果", "筛选结果", "处理意见", "结论", "outcome", "result"],
    ),
    (
        Column::Proposal,
        &["会议编号", "提案编号", "项目编号", "并入", "并入提案", "并入项目", "归入", "对应提案", "meeting_id", "into"],
    ),
    (Column::Merge, &["合并方式", "合并类型", "合并方法", "merge", "merge_kind"]),
    (Column::Rule, &["排除规则", "排除依据", "规则", "依据", "排除条款", "rule"]),
    (Column::Reason, &["理由", "排除理由", "原因", "说明", "reason"]),
];

/// What was read: the record, the contacts kept apart (raw id → contact),
/// and notes for `hub check`.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordRead {
    pub record: Prescreening,
    pub contacts: Vec<(String, String)>,
    pub notes: Vec<String>,
    /// Where each raw proposal was read: its sheet row.
    pub rows: Vec<usize>,
}

impl RecordRead {
    /// The summary `hub check` prints.
    pub fn summary(&self) -> String {
        let (mut kept, mut merged, mut struck) = (0, 0, 0);
        let mut by_rule = [0usize; 7];
        for r in &self.record.raw {
            match &r.outcome {
                RawOutcome::Kept { .. } => kept += 1,
                RawOutcome::Merged { .. } => merged += 1,
                RawOutcome::Struck { rule, .. } => {
                    struck += 1;
                    if let Some(n) = by_rule.get_mut(usize::from(*rule).wrapping_sub(1)) {
                        *n += 1;
                    }
                }
            }
        }
        let mut out = format!(
            "预审记录 / pre-screening record: {} 条原始提议 raw proposals — 保留 kept {kept}，合并 merged {merged}，排除 struck {struck}；有联系方式 with a contact {}\n",
            self.record.raw.len(),
            self.contacts.len()
        );
        for (i, n) in by_rule.iter().enumerate().filter(|(_, n)| **n > 0) {
            let (zh, en) = EXCLUSION_RULES[i];
            out.push_str(&format!("  第 {} 条 rule {}（{zh} / {en}）：{n}\n", i + 1, i + 1));
        }
        for n in &self.notes {
            out.push_str(&format!("  {n}\n"));
        }
        out
    }
}

fn error(sheet: Option<String>, problems: Vec<Problem>) -> DefinitionError {
    DefinitionError::Record { file: String::new(), sheet, problems }
}

fn column_of(header: &str) -> Option<Column> {
    let n = normalise(header);
    let n = n.split(['(', '（']).next().unwrap_or("");
    SYNONYMS.iter().find(|(_, names)| names.iter().any(|s| normalise(s) == n)).map(|(c, _)| *c)
}

/// The header row of `grid`: the first row (of the first rows) that names
/// the required columns, with each column's place.
fn find_header(grid: &Grid) -> Option<(usize, HashMap<Column, usize>)> {
    for (i, row) in grid.rows.iter().enumerate().take(HEADER_SEARCH_ROWS) {
        let mut cols = HashMap::new();
        for (c, cell) in row.cells.iter().enumerate() {
            if let Some(col) = column_of(&cell.value.text()) {
                cols.entry(col).or_insert(c);
            }
        }
        if Column::REQUIRED.iter().all(|c| cols.contains_key(c)) {
            return Some((i, cols));
        }
    }
    None
}

/// Read the record from `grids` (the sheet named `wanted`, or the first whose
/// header names the record's columns), with its proposal ids matched to the
/// meeting's `proposals` the way every part of the toolkit compares ids.
pub fn read(grids: Vec<Grid>, wanted: Option<&str>, proposals: &[Proposal]) -> Result<RecordRead, DefinitionError> {
    read_for(grids, wanted, Some(proposals))
}

/// The meeting's proposals list drafted from a record (`hub prescreen`): one
/// proposal per meeting id the record names, in the order first named; the
/// kept row's text as the title (else the first merged row's), the places
/// of every row behind it, their proposers, and a description saying which
/// residents' proposals it was made from. Costs are left blank for the clerk
/// (`hub check` refuses the list until each has one). As CSV with a byte
/// order mark and the headers the loader reads.
pub fn draft(grids: Vec<Grid>, wanted: Option<&str>) -> Result<(String, RecordRead), DefinitionError> {
    let read = read_for(grids, wanted, None)?;
    let mut order: Vec<String> = vec![];
    let mut behind: HashMap<String, Vec<&RawProposal>> = HashMap::new();
    for r in &read.record.raw {
        if let Some(p) = r.outcome.proposal() {
            if !behind.contains_key(p) {
                order.push(p.clone());
            }
            behind.entry(p.clone()).or_default().push(r);
        }
    }
    let mut w = csv::Writer::from_writer(crate::documents::export::UTF8_BOM.as_bytes().to_vec());
    let header = ["编号", "标题", "描述", "地点", "类别", "提议人", "估算金额", "层级"];
    let problem = |e: csv::Error| error(None, vec![Problem::new(At::File, e.to_string(), e.to_string())]);
    w.write_record(header).map_err(problem)?;
    for id in &order {
        let rows = &behind[id];
        let base = rows.iter().find(|r| matches!(r.outcome, RawOutcome::Kept { .. })).unwrap_or(&rows[0]);
        let distinct = |f: fn(&RawProposal) -> &str| {
            let mut seen: Vec<&str> = vec![];
            for r in rows {
                let v = f(r).trim();
                if !v.is_empty() && !seen.contains(&v) {
                    seen.push(v);
                }
            }
            seen.join("、")
        };
        let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        let description = if rows.len() > 1 {
            format!("由 {} 条居民建议合并：{}", rows.len(), ids.join("、"))
        } else {
            format!("居民建议 {}", base.id)
        };
        let cells = [
            id.clone(),
            base.text.clone(),
            description,
            distinct(|r| &r.location),
            String::new(),
            distinct(|r| &r.proposer),
            String::new(),
            "社区".into(),
        ];
        w.write_record(cells.iter().map(|c| crate::documents::export::neutralise(c).into_owned())).map_err(problem)?;
    }
    let bytes = w.into_inner().map_err(|e| error(None, vec![Problem::new(At::File, e.to_string(), e.to_string())]))?;
    Ok((String::from_utf8_lossy(&bytes).into_owned(), read))
}

fn read_for(
    grids: Vec<Grid>,
    wanted: Option<&str>,
    proposals: Option<&[Proposal]>,
) -> Result<RecordRead, DefinitionError> {
    let names: Vec<String> = grids.iter().filter_map(|g| g.name.clone()).collect();
    let found = match wanted.filter(|_| !names.is_empty()) {
        Some(want) => grids.iter().position(|g| g.name.as_deref().map(str::trim) == Some(want.trim())).ok_or_else(|| {
            error(
                None,
                vec![Problem::new(
                    At::File,
                    format!("没有名为“{want}”的工作表；工作表有：{}", names.join("、")),
                    format!("no sheet is named \"{want}\"; the sheets are: {}", names.join(", ")),
                )],
            )
        })?,
        None => grids.iter().position(|g| find_header(g).is_some()).ok_or_else(|| {
            let wanted: Vec<String> = Column::REQUIRED.iter().map(|c| format!("{}（{}）", c.zh(), c.en())).collect();
            let read = if names.is_empty() { String::new() } else { format!("：{}", names.join("、")) };
            error(
                None,
                vec![Problem::new(
                    At::File,
                    format!(
                        "在前 {HEADER_SEARCH_ROWS} 行找不到预审记录的表头（须有 {}）；读过的工作表{read}",
                        wanted.join("、")
                    ),
                    format!(
                        "no header of a pre-screening record in the first {HEADER_SEARCH_ROWS} rows (it needs {}); sheets read{read}",
                        wanted.join(", ")
                    ),
                )],
            )
        })?,
    };
    let grid = grids.into_iter().nth(found).unwrap_or_default();
    let sheet = grid.name.clone();
    let (header_index, cols) = find_header(&grid).ok_or_else(|| {
        error(
            sheet.clone(),
            vec![Problem::new(
                At::File,
                "这张工作表没有预审记录的表头（原始编号、建议内容、处理结果）",
                "this sheet has no pre-screening header (raw id, text, outcome)",
            )],
        )
    })?;
    let header = &grid.rows[header_index];
    let at = |row: &Row, col: Column| {
        let c = cols.get(&col).copied().unwrap_or(0);
        At::Cell { row: row.number, column: column_letter(c), header: header.text(c) }
    };
    let text = |row: &Row, col: Column| cols.get(&col).map(|c| row.text(*c).trim().to_string()).unwrap_or_default();
    let by_key: HashMap<String, &Proposal> =
        proposals.unwrap_or_default().iter().map(|p| (fold_id(&p.id), p)).collect();
    // Drafting the list: the meeting ids as the record first writes them.
    let mut named: HashMap<String, String> = HashMap::new();

    let mut out = RecordRead { record: Prescreening { raw: vec![] }, contacts: vec![], notes: vec![], rows: vec![] };
    let mut problems = vec![];
    let mut hidden = vec![];
    for row in &grid.rows[header_index + 1..] {
        if row.is_blank(&grid.hidden_columns) {
            continue;
        }
        let id = text(row, Column::RawId);
        let outcome_text = text(row, Column::Outcome);
        if outcome_text.is_empty() {
            let first = row.cells.iter().map(|c| c.value.text()).find(|t| !t.trim().is_empty()).unwrap_or_default();
            if totals_label(&first).is_some() || first.starts_with("制表") || first.starts_with("审核") {
                out.notes.push(format!(
                    "第 {} 行“{first}”不是提议，已跳过 / row {} (\"{first}\") is not a proposal: skipped",
                    row.number, row.number
                ));
                continue;
            }
        }
        if row.hidden {
            hidden.push(row.number.to_string());
        }
        let mut bad = |at: At, zh: String, en: String| problems.push(Problem::new(at, zh, en));
        if id.is_empty() {
            bad(at(row, Column::RawId), "没有原始编号".into(), "no raw id".into());
        }
        let outcome = match parse_outcome(&outcome_text) {
            None => {
                bad(
                    at(row, Column::Outcome),
                    format!("处理结果“{outcome_text}”无法识别：请写 保留、合并 或 排除"),
                    format!("outcome \"{outcome_text}\" not understood: write kept, merged or struck (保留/合并/排除)"),
                );
                continue;
            }
            Some(Outcome::Struck) => {
                let rule_text = text(row, Column::Rule);
                let reason = text(row, Column::Reason);
                let Some(rule) = parse_rule(&rule_text) else {
                    bad(
                        at(row, Column::Rule),
                        format!("排除须写明七条规则中的哪一条（1 到 7），这里是“{rule_text}”"),
                        format!("a strike names one of the seven rules (1 to 7), not \"{rule_text}\""),
                    );
                    continue;
                };
                if reason.is_empty() {
                    bad(at(row, Column::Reason), "排除须写一句理由".into(), "a strike needs a one-line reason".into());
                    continue;
                }
                RawOutcome::Struck { rule, reason }
            }
            Some(kind) => {
                let written = text(row, Column::Proposal);
                let found = match proposals {
                    Some(_) => by_key.get(&fold_id(&written)).map(|p| p.id.clone()),
                    None if written.is_empty() => None,
                    None => Some(named.entry(fold_id(&written)).or_insert_with(|| fold_id(&written)).clone()),
                };
                let Some(proposal) = found else {
                    let (zh, en) = if written.is_empty() {
                        (
                            "须写明会议编号（保留为哪个提案、并入哪个提案）".to_string(),
                            "name the meeting's proposal it is kept as or merged into".to_string(),
                        )
                    } else {
                        (
                            format!("会议编号“{written}”不在提案表里"),
                            format!("the meeting id \"{written}\" is not in the proposals table"),
                        )
                    };
                    bad(at(row, Column::Proposal), zh, en);
                    continue;
                };
                if kind == Outcome::Kept {
                    RawOutcome::Kept { proposal }
                } else {
                    let merge_text = text(row, Column::Merge);
                    let Some(merge) = parse_merge(&merge_text) else {
                        bad(
                            at(row, Column::Merge),
                            format!("合并须写明合并方式（1 合并内容、地点分列；2 内容和地点都合并；3 按内容和地点综合合并），这里是“{merge_text}”"),
                            format!("a merge names how (1 same content, places kept apart; 2 same content and place; 3 content and place together), not \"{merge_text}\""),
                        );
                        continue;
                    };
                    RawOutcome::Merged { proposal, merge }
                }
            }
        };
        let contact = text(row, Column::Contact);
        if !contact.is_empty() {
            out.contacts.push((id.clone(), contact));
        }
        out.rows.push(row.number);
        out.record.raw.push(RawProposal {
            id,
            text: text(row, Column::Text),
            location: text(row, Column::Location),
            proposer: text(row, Column::Proposer),
            contact: !text(row, Column::Contact).is_empty(),
            outcome,
        });
    }
    if !hidden.is_empty() {
        out.notes.push(format!(
            "隐藏的第 {} 行也已读入（预审记录包括每一条提议） / hidden rows {} were read too (the record holds every proposal)",
            hidden.join("、"),
            hidden.join(", ")
        ));
    }
    // Drafting: the proposals are those the record names.
    let drafted: Vec<Proposal>;
    let proposals = match proposals {
        Some(p) => p,
        None => {
            let mut ids: Vec<&String> = named.values().collect();
            ids.sort();
            drafted = ids
                .into_iter()
                .map(|id| Proposal {
                    id: id.clone(),
                    title: id.clone(),
                    description: String::new(),
                    location: String::new(),
                    category: String::new(),
                    proposer: String::new(),
                    cost: 0,
                    level: yuanzhuo_protocol::Level::Community,
                })
                .collect();
            &drafted
        }
    };
    if problems.is_empty() {
        for p in yuanzhuo_engine::record_problems(proposals, &out.record) {
            let at = match p.raw.and_then(|i| out.rows.get(i)) {
                Some(n) => At::Row(*n),
                None => At::File,
            };
            problems.push(Problem::new(at, p.zh, p.en));
        }
    }
    if !problems.is_empty() {
        return Err(error(sheet, problems));
    }
    Ok(out)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Kept,
    Merged,
    Struck,
}

fn parse_outcome(s: &str) -> Option<Outcome> {
    let n = normalise(s);
    Some(match n.as_str() {
        "保留" | "入选" | "采纳" | "保留提案" | "kept" | "keep" => Outcome::Kept,
        "合并" | "并入" | "已合并" | "merged" | "merge" => Outcome::Merged,
        "排除" | "删除" | "剔除" | "不采纳" | "已排除" | "struck" | "strike" | "excluded" => {
            Outcome::Struck
        }
        _ => return None,
    })
}

/// 1..=7 as written: `2`, `２`, `第2条`, `第二条`, `规则2`, or the rule's own words.
fn parse_rule(s: &str) -> Option<u8> {
    let n = normalise(s);
    if n.is_empty() {
        return None;
    }
    let inner = n.trim_start_matches("第").trim_start_matches("规则").trim_start_matches("rule");
    let inner = inner.trim_end_matches(['条', '项', '款']);
    let numerals = ["一", "二", "三", "四", "五", "六", "七"];
    if let Some(i) = numerals.iter().position(|c| *c == inner) {
        return Some(i as u8 + 1);
    }
    if let Ok(k) = inner.parse::<u8>() {
        return (1..=7).contains(&k).then_some(k);
    }
    EXCLUSION_RULES.iter().position(|(zh, en)| normalise(zh) == n || normalise(en) == n).map(|i| i as u8 + 1)
}

/// 1..=3, the merge kind's words (either language), or its wire name.
fn parse_merge(s: &str) -> Option<MergeKind> {
    let n = normalise(&fold_width(s));
    let inner = n.trim_start_matches("第").trim_end_matches("种");
    let by_number = match inner {
        "1" | "一" => Some(MergeKind::Content),
        "2" | "二" => Some(MergeKind::ContentAndPlace),
        "3" | "三" => Some(MergeKind::Combined),
        _ => None,
    };
    by_number.or_else(|| {
        MergeKind::ALL.into_iter().find(|k| {
            let wire = serde_json::to_value(k).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
            normalise(k.zh()) == n || normalise(k.en()) == n || wire == n
        })
    })
}

#[cfg(test)]
mod tests {
    use super::super::sheet::{csv_grid, decode_csv};
    use super::*;

    fn proposal(id: &str) -> Proposal {
        Proposal {
            id: id.into(),
            title: id.into(),
            description: String::new(),
            location: String::new(),
            category: String::new(),
            proposer: String::new(),
            cost: 1000,
            level: yuanzhuo_protocol::Level::Community,
        }
    }

    fn read_csv(text: &str) -> Result<RecordRead, DefinitionError> {
        let (text, _) = decode_csv(text.as_bytes()).unwrap();
        read(vec![csv_grid(&text).unwrap()], None, &[proposal("P01"), proposal("P02")])
    }

    #[test]
    fn a_clerks_record_is_read_with_its_words() {
        let got = read_csv(
            "幸福里社区提议征集汇总\n\
             序号,提议人,联系电话,建议内容,地点,处理结果,并入,合并方式,排除依据,理由\n\
             Y001,张三,13800000001,修路灯,3栋,保留,p01,,,\n\
             Y002,李四,,修路灯,5栋,合并,Ｐ０１,第一种,,\n\
             Y003,王五,13800000003,物业修电梯,2栋,排除,,,第二条,属物业维修责任\n\
             Y004,赵六,,加装座椅,广场,保留,P02,,,\n\
             合计,4 条,,,,,,,,\n",
        )
        .unwrap();
        let raw = &got.record.raw;
        assert_eq!(raw.len(), 4);
        assert_eq!(raw[0].outcome, RawOutcome::Kept { proposal: "P01".into() });
        assert_eq!(raw[1].outcome, RawOutcome::Merged { proposal: "P01".into(), merge: MergeKind::Content });
        assert_eq!(raw[2].outcome, RawOutcome::Struck { rule: 2, reason: "属物业维修责任".into() });
        assert_eq!(got.contacts, vec![("Y001".into(), "13800000001".into()), ("Y003".into(), "13800000003".into())]);
        assert!(raw[0].contact && !raw[1].contact);
        assert!(got.notes.iter().any(|n| n.contains("合计")), "{:?}", got.notes);
        let json = serde_json::to_string(&got.record).unwrap();
        assert!(!json.contains("1380000"), "contacts stay out of the record: {json}");
    }

    #[test]
    fn every_problem_names_its_row_and_column() {
        let e = read_csv(
            "原始编号,建议内容,处理结果,会议编号,合并方式,排除规则,理由\n\
             Y1,a,保留,P01,,,\n\
             Y2,b,合并,P01,随便,,\n\
             Y3,c,排除,,,8,太贵\n\
             Y4,d,排除,,,3,\n\
             Y5,e,待定,,,,\n\
             Y6,f,保留,P09,,,\n",
        )
        .unwrap_err()
        .to_string();
        for want in [
            "第 3 行 E 列“合并方式”",
            "第 4 行 F 列“排除规则”",
            "第 5 行 G 列“理由”",
            "第 6 行 C 列“处理结果”",
            "第 7 行 D 列“会议编号”",
        ] {
            assert!(e.contains(want), "{want} in {e}");
        }
    }

    #[test]
    fn the_engines_rules_are_reported_against_rows() {
        let e =
            read_csv("原始编号,建议内容,处理结果,会议编号\nY1,a,保留,P01\ny1,b,保留,P01\n").unwrap_err().to_string();
        assert!(e.contains("第 3 行") && e.contains("重复"), "{e}");
        assert!(e.contains("P02"), "the uncovered proposal is named: {e}");
    }
}
