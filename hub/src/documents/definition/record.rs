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

use yuanzhuo_protocol::words::{fill_in, print, reader, ui, Words};
use yuanzhuo_protocol::{MergeKind, Prescreening, Proposal, RawOutcome, RawProposal, EXCLUSION_RULES};

use super::aliases;
use super::sheet::{column_letter, Grid, Row};
use super::table::{fold_id, fold_width, normalise, totals_label, Field};
use super::{both, fill, fill_apart, At, DefinitionError, Problem};

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

    /// The column's name in messages (the first of its header names).
    pub(super) fn words(self) -> Words {
        match self {
            Column::RawId => reader::RECORD_RAW_ID,
            Column::Text => reader::RECORD_TEXT,
            Column::Location => reader::LOCATION,
            Column::Proposer => reader::PROPOSER,
            Column::Contact => reader::RECORD_CONTACT,
            Column::Outcome => reader::RECORD_OUTCOME,
            Column::Proposal => reader::RECORD_MEETING_ID,
            Column::Merge => reader::RECORD_MERGE,
            Column::Rule => reader::RECORD_RULE,
            Column::Reason => reader::RECORD_REASON,
        }
    }

    fn zh(self) -> &'static str {
        self.words().zh
    }

    fn en(self) -> &'static str {
        self.words().en
    }
}

/// Header names, compared after `normalise` (full-width folded, lower case,
/// no spaces): the names in `aliases.rs`. docs/meeting-file.md lists them.
pub const SYNONYMS: &[(Column, &[&str])] = aliases::RECORD_HEADERS;

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
        // Each count after its label in both languages: "保留 kept 3".
        let label = |w: Words, n: &dyn std::fmt::Display| format!("{} {} {n}", w.zh, w.en);
        let (record, raw) = (reader::PRESCREENING_RECORD, reader::N_RAW_PROPOSALS);
        let counts = [label(print::KEPT, &kept), label(reader::MERGED, &merged), label(reader::STRUCK, &struck)]
            .join(ui::COMMA.zh);
        let mut out = format!(
            "{} / {}: {} {} — {counts}{}{}\n",
            record.zh,
            record.en,
            fill_in(raw.zh, &[("n", &self.record.raw.len().to_string())]),
            raw.en,
            ui::SEMICOLON.zh,
            label(reader::WITH_A_CONTACT, &self.contacts.len())
        );
        for (i, n) in by_rule.iter().enumerate().filter(|(_, n)| **n > 0) {
            let (zh, en) = EXCLUSION_RULES[i];
            let rule = fill(reader::RULE_N, &[("n", &(i + 1))]);
            let (label, words) = (format!("{} {}", rule.0, rule.1), format!("{zh} / {en}"));
            let line =
                fill_in(reader::LABEL_WORDS_COUNT.zh, &[("label", &label), ("words", &words), ("n", &n.to_string())]);
            out.push_str(&format!("  {line}\n"));
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
    let n = n.split(aliases::RECORD_REMARK_OPENS).next().unwrap_or("");
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
    let header = Field::ALL.map(Field::zh);
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
            seen.join(ui::LIST_SEP.zh)
        };
        let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        // The list is the clerk's, in Chinese.
        let description = if rows.len() > 1 {
            let n = rows.len().to_string();
            fill_in(reader::DRAFT_MERGED_FROM.zh, &[("n", &n), ("ids", &ids.join(ui::LIST_SEP.zh))])
        } else {
            fill_in(reader::DRAFT_FROM.zh, &[("id", &base.id)])
        };
        let cells = [
            id.clone(),
            base.text.clone(),
            description,
            distinct(|r| &r.location),
            String::new(),
            distinct(|r| &r.proposer),
            String::new(),
            print::COMMUNITY.zh.into(),
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
        Some(want) => {
            grids.iter().position(|g| g.name.as_deref().map(str::trim) == Some(want.trim())).ok_or_else(|| {
                error(
                    None,
                    vec![Problem::listing(At::File, reader::NO_SHEET_NAMED, &[("want", &want)], ("sheets", &names))],
                )
            })?
        }
        None => grids.iter().position(|g| find_header(g).is_some()).ok_or_else(|| {
            let wanted: Vec<String> = Column::REQUIRED
                .iter()
                .map(|c| fill_in(print::IN_PARENS.zh, &[("a", c.zh()), ("b", c.en())]))
                .collect();
            // The sheets read, after a colon (the English says it as the Chinese does).
            let list = names.join(ui::LIST_SEP.zh);
            let read =
                if names.is_empty() { String::new() } else { fill_in(reader::COLON_LIST.zh, &[("list", &list)]) };
            let values: [(&str, &dyn std::fmt::Display); 2] = [("rows", &HEADER_SEARCH_ROWS), ("read", &read)];
            error(None, vec![Problem::listing(At::File, reader::RECORD_NO_HEADER_IN, &values, ("needed", &wanted))])
        })?,
    };
    let grid = grids.into_iter().nth(found).unwrap_or_default();
    let sheet = grid.name.clone();
    let (header_index, cols) = find_header(&grid)
        .ok_or_else(|| error(sheet.clone(), vec![Problem::said(At::File, reader::RECORD_SHEET_NO_HEADER, &[])]))?;
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
            if totals_label(&first).is_some() || aliases::RECORD_FOOTERS.iter().any(|f| first.starts_with(f)) {
                out.notes.push(both(reader::RECORD_NOT_A_PROPOSAL, &[("row", &row.number), ("first", &first)]));
                continue;
            }
        }
        if row.hidden {
            hidden.push(row.number.to_string());
        }
        let mut bad =
            |at: At, w: Words, values: &[(&str, &dyn std::fmt::Display)]| problems.push(Problem::said(at, w, values));
        if id.is_empty() {
            bad(at(row, Column::RawId), reader::NO_RAW_ID, &[]);
        }
        let outcome = match parse_outcome(&outcome_text) {
            None => {
                let values: [(&str, &dyn std::fmt::Display); 4] = [
                    ("text", &outcome_text),
                    ("kept", &print::KEPT.zh),
                    ("merged", &reader::MERGED.zh),
                    ("struck", &reader::STRUCK.zh),
                ];
                bad(at(row, Column::Outcome), reader::OUTCOME_NOT_UNDERSTOOD, &values);
                continue;
            }
            Some(Outcome::Struck) => {
                let rule_text = text(row, Column::Rule);
                let reason = text(row, Column::Reason);
                let Some(rule) = parse_rule(&rule_text) else {
                    bad(at(row, Column::Rule), reader::STRIKE_NAMES_A_RULE, &[("text", &rule_text)]);
                    continue;
                };
                if reason.is_empty() {
                    bad(at(row, Column::Reason), reader::STRIKE_NEEDS_A_REASON, &[]);
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
                    if written.is_empty() {
                        bad(at(row, Column::Proposal), reader::NAME_THE_MEETING_ID, &[]);
                    } else {
                        bad(at(row, Column::Proposal), reader::MEETING_ID_NOT_IN_TABLE, &[("id", &written)]);
                    }
                    continue;
                };
                if kind == Outcome::Kept {
                    RawOutcome::Kept { proposal }
                } else {
                    let merge_text = text(row, Column::Merge);
                    let Some(merge) = parse_merge(&merge_text) else {
                        bad(at(row, Column::Merge), reader::MERGE_NAMES_HOW, &[("text", &merge_text)]);
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
        let (zh, en) = (hidden.join(ui::LIST_SEP.zh), hidden.join(ui::LIST_SEP.en));
        let (zh, en) = fill_apart(reader::HIDDEN_ROWS_READ, &[("rows", &zh)], &[("rows", &en)]);
        out.notes.push(format!("{zh} / {en}"));
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
    let is = |words: &[&str]| words.contains(&n.as_str());
    if is(aliases::KEPT) {
        Some(Outcome::Kept)
    } else if is(aliases::MERGED) {
        Some(Outcome::Merged)
    } else if is(aliases::STRUCK) {
        Some(Outcome::Struck)
    } else {
        None
    }
}

/// 1..=7 as written: `2`, `２`, `第2条`, `第二条`, `规则2`, or the rule's own words.
fn parse_rule(s: &str) -> Option<u8> {
    let n = normalise(s);
    if n.is_empty() {
        return None;
    }
    let inner = aliases::RULE_BEFORE.iter().fold(n.as_str(), |s, p| s.trim_start_matches(p));
    let inner = inner.trim_end_matches(aliases::RULE_AFTER);
    if let Some(i) = numeral(inner).filter(|i| *i < 7) {
        return Some(i as u8 + 1);
    }
    if let Ok(k) = inner.parse::<u8>() {
        return (1..=7).contains(&k).then_some(k);
    }
    EXCLUSION_RULES.iter().position(|(zh, en)| normalise(zh) == n || normalise(en) == n).map(|i| i as u8 + 1)
}

/// The place of a Chinese numeral written alone ("二" → 1).
fn numeral(s: &str) -> Option<usize> {
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => aliases::NUMERALS.chars().position(|n| n == c),
        _ => None,
    }
}

/// 1..=3, the merge kind's words (either language), or its wire name.
fn parse_merge(s: &str) -> Option<MergeKind> {
    let n = normalise(&fold_width(s));
    let inner = n.trim_start_matches(aliases::MERGE_BEFORE).trim_end_matches(aliases::MERGE_AFTER);
    let by_number = match (inner, numeral(inner)) {
        ("1", _) | (_, Some(0)) => Some(MergeKind::Content),
        ("2", _) | (_, Some(1)) => Some(MergeKind::ContentAndPlace),
        ("3", _) | (_, Some(2)) => Some(MergeKind::Combined),
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
