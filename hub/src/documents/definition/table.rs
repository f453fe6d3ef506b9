//! Reading the proposals table the way the clerk meant it, or saying
//! exactly why not. Works on the [`Grid`]s of `sheet.rs`, so a workbook and
//! a CSV file go through the same rules (docs/meeting-file.md describes them
//! for the organiser):
//!
//! - the sheet is chosen by its content (the first one whose header names an
//!   id, a title and a cost), or named (`proposals_sheet`, `--sheet`);
//! - the header row may sit below title rows; header names are matched
//!   against a table of the names clerks use ([`SYNONYMS`]), with a unit
//!   (元, 千元, 万元) in the header, in a "单位：万元" line above it, or in
//!   the cell;
//! - totals, subtotal, section and signature rows are recognised and
//!   skipped with a note (a total is checked against what was read); hidden
//!   rows and columns are skipped with a warning naming them; a merged cell
//!   is filled down (but a merged id or cost is refused);
//! - dates, error values, formulas whose result was never saved, costs whose
//!   separators or size make them ambiguous (`1,2万`, `12.000`, a bare `3` in
//!   a column of tens of thousands) are refused with the row, column and
//!   header as written;
//! - ids are compared the way every other part of the toolkit compares them
//!   (case and full-width forms ignored), kept as written otherwise, and may
//!   not hold what a Pabulib file cannot (`,` `;` `"`).
//!
//! Everything read is summed up in a [`TableReport`] that `hub check` prints
//! for the clerk to compare with the spreadsheet.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

use yuanzhuo_protocol::words::{fill_in, print, reader, ui, Words};
use yuanzhuo_protocol::{Level, Proposal};

use super::aliases;
use super::sheet::{column_letter, number_text, Grid, Row, Value};
use super::{both, fill, fill_apart, grouped, At, DefinitionError, Problem};

/// Rows searched for the header (title rows, notes, a blank line or two).
const HEADER_SEARCH_ROWS: usize = 30;
/// Proposals shown in the preview.
const PREVIEW_ROWS: usize = 5;
/// A cost more than this many times away from the column's median, with no
/// unit written in its cell, is refused as ambiguous (a bare `3` meant as
/// 3万 among tens of thousands of yuan; 14000 typed in yuan under a 万元
/// header).
const SCALE_RATIO: f64 = 100.0;
/// Costs needed before the median means anything.
const SCALE_MIN_COSTS: usize = 5;

type Message = (String, String);

// ---------------------------------------------------------------- fields and headers

/// The columns the loader understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Id,
    Title,
    Description,
    Location,
    Category,
    Proposer,
    Cost,
    Level,
}

impl Field {
    pub const ALL: [Field; 8] = [
        Field::Id,
        Field::Title,
        Field::Description,
        Field::Location,
        Field::Category,
        Field::Proposer,
        Field::Cost,
        Field::Level,
    ];
    pub const REQUIRED: [Field; 3] = [Field::Id, Field::Title, Field::Cost];

    /// The field's name in messages (the first Chinese header name recognised for it).
    pub fn words(self) -> Words {
        match self {
            Field::Id => reader::ID,
            Field::Title => reader::TITLE,
            Field::Description => reader::DESCRIPTION,
            Field::Location => reader::LOCATION,
            Field::Category => print::CATEGORY,
            Field::Proposer => reader::PROPOSER,
            Field::Cost => reader::COST,
            Field::Level => reader::LEVEL,
        }
    }

    pub fn zh(self) -> &'static str {
        self.words().zh
    }

    pub fn en(self) -> &'static str {
        self.words().en
    }
}

/// Header names, compared after [`normalise`] (full-width folded, lower
/// case, no spaces or `*`, no bracketed unit): the names in `aliases.rs`.
/// The table in docs/meeting-file.md is this one.
pub const SYNONYMS: &[(Field, &[&str])] = aliases::PROPOSAL_HEADERS;

/// Read as the id only when no column is named as one (`aliases.rs`).
pub const ID_FALLBACK: &[&str] = aliases::ID_FALLBACK;

/// A currency unit for costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Yuan,
    Qian,
    Wan,
}

impl Unit {
    pub fn factor(self) -> f64 {
        match self {
            Unit::Yuan => 1.0,
            Unit::Qian => 1_000.0,
            Unit::Wan => 10_000.0,
        }
    }

    /// The unit's name: Chinese, and English for the cost column's report.
    pub fn words(self) -> Words {
        match self {
            Unit::Yuan => reader::UNIT_YUAN,
            Unit::Qian => reader::UNIT_QIAN,
            Unit::Wan => reader::UNIT_WAN,
        }
    }

    pub fn zh(self) -> &'static str {
        self.words().zh
    }

    /// A unit as written ("万元", "(单位：元)" without brackets, "rmb").
    fn parse(s: &str) -> Option<Unit> {
        let s = s.trim_start_matches(aliases::UNIT_LABEL).trim_start_matches(':').trim();
        let s = s.trim_start_matches(aliases::RMB);
        let s = s.strip_suffix(aliases::RMB).unwrap_or(s);
        aliases::UNITS.iter().find(|(_, names)| names.contains(&s)).map(|(u, _)| *u)
    }
}

/// Full-width ASCII (ＡＢＣ１２３，（：) folded to ASCII: what a Chinese
/// input method types is read like the half-width form.
pub fn fold_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            c => c,
        })
        .collect()
}

/// An id as every part of the toolkit compares it (the engine's
/// `fold_mark`): full-width folded, upper case. `P05`, `Ｐ０５` and `p05` are
/// one id.
pub fn fold_id(s: &str) -> String {
    fold_width(s.trim()).chars().flat_map(char::to_uppercase).collect()
}

/// How a header was read.
#[derive(Debug, Clone, PartialEq)]
struct HeaderRead {
    field: Option<Field>,
    /// 2: an exact name; 1: by its ending; 0: 序号 as a fallback id.
    priority: u8,
    unit: Option<Unit>,
    /// Text in brackets that looks like a unit but is not one ("元/万元").
    unit_unclear: Option<String>,
    /// A header naming two different fields ("编号/名称").
    two_fields: Vec<Field>,
}

/// Lower case, full-width folded, no spaces, `*` or trailing colon.
pub(super) fn normalise(h: &str) -> String {
    fold_width(h)
        .trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '*' | '※'))
        .collect::<String>()
        .to_lowercase()
        .trim_end_matches([':', '.'])
        .to_string()
}

fn exact(name: &str) -> Option<Field> {
    SYNONYMS.iter().find(|(_, names)| names.contains(&name)).map(|(f, _)| *f)
}

fn by_ending(name: &str) -> Option<Field> {
    if aliases::NOT_BY_ENDING.iter().any(|w| name.contains(w)) {
        return None;
    }
    aliases::HEADER_ENDINGS
        .iter()
        .find(|(_, ends)| ends.iter().any(|e| name.ends_with(e) && name != *e))
        .map(|(f, _)| *f)
}

fn read_header(written: &str) -> HeaderRead {
    let mut out = HeaderRead { field: None, priority: 0, unit: None, unit_unclear: None, two_fields: vec![] };
    let s = normalise(written);
    if s.is_empty() {
        return out;
    }
    // Bracketed parts: "(万元)", "（单位：元）", "[必填]".
    let mut base = String::new();
    let mut brackets = vec![];
    let mut inside: Option<String> = None;
    for c in s.chars() {
        match (c, &mut inside) {
            (c, None) if aliases::OPEN_BRACKETS.contains(&c) => inside = Some(String::new()),
            (c, Some(b)) if aliases::CLOSE_BRACKETS.contains(&c) => {
                brackets.push(std::mem::take(b));
                inside = None;
            }
            (c, Some(b)) => b.push(c),
            (c, None) => base.push(c),
        }
    }
    if let Some(b) = inside {
        base.push_str(&b);
    }
    // "金额单位:万元" written without brackets.
    if let Some(i) = base.find(aliases::UNIT_LABEL) {
        if i > 0 {
            brackets.push(base[i..].to_string());
            base.truncate(i);
        }
    }
    let mut base = base.trim_end_matches(':').to_string();
    for b in &brackets {
        match Unit::parse(b) {
            Some(u) => out.unit = Some(u),
            None if b.contains(aliases::UNIT_HINTS) => out.unit_unclear = Some(b.clone()),
            None => {}
        }
    }
    // "金额万元", "估算金额/万元": a unit after a cost name.
    for unit in [Unit::Wan, Unit::Qian, Unit::Yuan] {
        if let Some(rest) = base.strip_suffix(unit.zh()) {
            let rest = rest.trim_end_matches(['/', '-', '_']);
            if exact(rest) == Some(Field::Cost) || by_ending(rest) == Some(Field::Cost) {
                out.unit = out.unit.or(Some(unit));
                base = rest.to_string();
                break;
            }
        }
    }
    if let Some(f) = exact(&base) {
        out.field = Some(f);
        out.priority = 2;
        return out;
    }
    // "项目内容/简介", "预算/估算金额": every part names the same field.
    let parts: Vec<&str> = base.split(aliases::HEADER_PARTS).filter(|p| !p.is_empty()).collect();
    if parts.len() > 1 {
        let mut fields = BTreeSet::new();
        for p in &parts {
            match Unit::parse(p) {
                Some(u) => out.unit = out.unit.or(Some(u)),
                None => {
                    if let Some(f) = exact(p).or_else(|| by_ending(p)) {
                        fields.insert(f);
                    }
                }
            }
        }
        match fields.len() {
            0 => {}
            1 => {
                out.field = fields.into_iter().next();
                out.priority = 2;
                return out;
            }
            _ => {
                out.two_fields = fields.into_iter().collect();
                return out;
            }
        }
    }
    if let Some(f) = by_ending(&base) {
        out.field = Some(f);
        out.priority = 1;
    } else if ID_FALLBACK.contains(&base.as_str()) {
        out.field = Some(Field::Id);
        out.priority = 0;
    }
    out
}

// ---------------------------------------------------------------- report

/// How one column of the header was read.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnReport {
    /// The column letter (`A`, `B`…; `1`, `2`… for a `.pb` file).
    pub column: String,
    /// The header as written.
    pub header: String,
    /// What was made of it, in both languages.
    pub zh: String,
    pub en: String,
}

/// What the loader read from the proposals table, for the clerk to compare
/// with the spreadsheet (`hub check` prints it).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TableReport {
    /// The file as named on the command line or in the meeting file.
    pub file: String,
    /// The worksheet read (`.xlsx`).
    pub sheet: Option<String>,
    /// Where the header is (row as Excel numbers it; line for `.pb`).
    pub header_row: usize,
    pub columns: Vec<ColumnReport>,
    /// Things done that the clerk should know about: the sheet chosen, rows
    /// skipped and why, cells filled from merged cells, the encoding.
    pub notes: Vec<String>,
    /// The row each proposal was read from.
    pub rows: Vec<usize>,
    /// Rows are lines of a text file (`.pb`), not spreadsheet rows.
    pub by_line: bool,
}

impl TableReport {
    /// The preview `hub check` prints: where the table was found, every
    /// column mapped or ignored, the notes, the count and total, and the
    /// first proposals as read.
    pub fn preview(&self, proposals: &[Proposal], currency: &str) -> String {
        let mut out = String::new();
        // A heading says both languages: "工作表 / sheet: …".
        let heading = |w: Words| format!("{} / {}:", w.zh, w.en);
        let _ = writeln!(out, "{} {}", heading(reader::PROPOSALS_TABLE), self.file);
        if let Some(s) = &self.sheet {
            let _ = writeln!(out, "  {} “{s}”", heading(reader::SHEET));
        }
        let (row_n, rows_span) =
            if self.by_line { (reader::LINE_N, reader::LINES_SPAN) } else { (reader::ROW_N, reader::ROWS_SPAN) };
        if self.header_row > 0 {
            let _ = writeln!(out, "  {} {}", heading(reader::HEADER), both(row_n, &[("n", &self.header_row)]));
        }
        if !self.columns.is_empty() {
            let _ = writeln!(out, "  {}", heading(reader::COLUMNS));
            for c in &self.columns {
                let _ = writeln!(out, "    {} “{}” → {} / {}", c.column, c.header, c.zh, c.en);
            }
        }
        if !self.notes.is_empty() {
            let _ = writeln!(out, "  {}", heading(reader::NOTES));
            for n in &self.notes {
                let _ = writeln!(out, "    {n}");
            }
        }
        let total: u64 = proposals.iter().map(|p| p.cost).sum();
        let span = match (self.rows.first(), self.rows.last()) {
            (Some(a), Some(b)) => {
                fill_in(print::IN_PARENS.zh, &[("a", ""), ("b", &both(rows_span, &[("a", a), ("b", b)]))])
            }
            _ => String::new(),
        };
        let (n, sum) = (fill(reader::N_PROPOSALS, &[("n", &proposals.len())]), reader::TOTAL);
        let _ = writeln!(
            out,
            "  {} {} {}{span}{}{} {} {} {currency}",
            heading(reader::READ),
            n.0,
            n.1,
            ui::COMMA.zh,
            sum.zh,
            sum.en,
            grouped(total)
        );
        let (zh, en) = fill(reader::FIRST_N_AS_READ, &[("n", &PREVIEW_ROWS)]);
        let _ = writeln!(out, "  {zh}/ {en}:");
        for (p, row) in proposals.iter().zip(self.rows.iter()).take(PREVIEW_ROWS) {
            let mut cells = vec![p.id.clone(), p.title.clone(), format!("{} {currency}", grouped(p.cost))];
            for extra in [&p.location, &p.category, &p.proposer] {
                if !extra.is_empty() {
                    cells.push(extra.clone());
                }
            }
            let level = match p.level {
                Level::Community => print::COMMUNITY,
                Level::Street => print::STREET,
            };
            cells.push(format!("{} {}", level.zh, level.en));
            let (zh, en) = fill(row_n, &[("n", row)]);
            let at = format!("{zh} {en}");
            let _ = writeln!(out, "    {at}: {}", cells.join(" | "));
        }
        out
    }
}

/// A proposals table as read: the proposals, the warnings every command
/// prints, and the report `hub check` prints.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub proposals: Vec<Proposal>,
    pub warnings: Vec<String>,
    pub report: TableReport,
}

// ---------------------------------------------------------------- choosing the sheet

/// The header a sheet offers: where, and what each column reads as.
struct Found {
    index: usize,
    headers: Vec<HeaderRead>,
}

impl Found {
    fn names(&self, f: Field) -> bool {
        self.headers.iter().any(|h| h.field == Some(f))
    }

    fn complete(&self) -> bool {
        Field::REQUIRED.iter().all(|f| self.names(*f))
    }

    fn score(&self) -> usize {
        Field::ALL.iter().filter(|f| self.names(**f)).count()
    }
}

/// The first of the top rows that names an id, a title and a cost; else the
/// row that names the most fields (for the error message).
fn find_header(grid: &Grid) -> Option<Found> {
    let mut best: Option<Found> = None;
    let candidates = grid.rows.iter().enumerate().filter(|(_, r)| !r.hidden && !r.is_blank(&grid.hidden_columns));
    for (index, row) in candidates.take(HEADER_SEARCH_ROWS) {
        let headers: Vec<HeaderRead> = row
            .cells
            .iter()
            .enumerate()
            .map(|(c, cell)| {
                if grid.hidden_columns.contains(&c) {
                    HeaderRead { field: None, priority: 0, unit: None, unit_unclear: None, two_fields: vec![] }
                } else {
                    read_header(&cell.value.text())
                }
            })
            .collect();
        let found = Found { index, headers };
        if found.complete() {
            return Some(found);
        }
        if best.as_ref().is_none_or(|b| found.score() > b.score()) {
            best = Some(found);
        }
    }
    best
}

/// Read the proposals table from the sheets of a file. `wanted` names the
/// sheet to read (`--sheet`, `proposals_sheet`); otherwise the first visible
/// sheet whose header names an id, a title and a cost is read.
pub fn read(grids: Vec<Grid>, wanted: Option<&str>) -> Result<Table, DefinitionError> {
    let mut notes = vec![];
    let names: Vec<String> = grids.iter().filter_map(|g| g.name.clone()).collect();
    let chosen = if let Some(want) = wanted.filter(|_| !names.is_empty()) {
        let want = want.trim();
        let Some(i) = grids.iter().position(|g| g.name.as_deref().map(str::trim) == Some(want)) else {
            return Err(DefinitionError::Proposals {
                file: String::new(),
                sheet: None,
                problems: vec![Problem::said(
                    At::File,
                    reader::NO_SHEET_NAMED,
                    &[("want", &want), ("sheets", &quoted(&names))],
                )],
            });
        };
        i
    } else {
        choose_sheet(&grids, &mut notes)?
    };
    let grid = grids.into_iter().nth(chosen).unwrap_or_default();
    notes.extend(grid.notes.iter().cloned());
    let sheet = grid.name.clone();
    read_sheet(grid, notes).map_err(|e| match e {
        DefinitionError::Proposals { file, problems, .. } => DefinitionError::Proposals { file, sheet, problems },
        other => other,
    })
}

fn quoted(names: &[String]) -> String {
    names.iter().map(|n| format!("“{n}”")).collect::<Vec<_>>().join(ui::LIST_SEP.zh)
}

fn choose_sheet(grids: &[Grid], notes: &mut Vec<String>) -> Result<usize, DefinitionError> {
    if grids.is_empty() {
        return Err(super::empty_file());
    }
    if grids.len() == 1 {
        return Ok(0);
    }
    let found: Vec<Option<Found>> = grids.iter().map(find_header).collect();
    let usable: Vec<usize> =
        (0..grids.len()).filter(|i| grids[*i].visible && found[*i].as_ref().is_some_and(Found::complete)).collect();
    let name = |i: usize| grids[i].name.clone().unwrap_or_default();
    match usable.as_slice() {
        [one] => {
            for (i, grid) in grids.iter().enumerate() {
                if i == *one {
                    continue;
                }
                let why = if !grid.visible {
                    reader::IS_A_HIDDEN_SHEET
                } else if i < *one {
                    reader::HAS_NO_PROPOSALS_HEADER
                } else {
                    continue;
                };
                let (n, s, r) = ((i + 1).to_string(), name(i), name(*one));
                let (zh, en) = fill_apart(
                    reader::SHEET_SKIPPED,
                    &[("n", &n), ("s", &s), ("why", why.zh), ("r", &r)],
                    &[("n", &n), ("s", &s), ("why", why.en), ("r", &r)],
                );
                notes.push(format!("{zh} / {en}"));
            }
            Ok(*one)
        }
        [] => {
            let problems = (0..grids.len())
                .map(|i| {
                    let (zh, en) = match &found[i] {
                        Some(f) if f.score() >= 2 => {
                            missing_columns(&grids[i].rows[f.index], &f.headers, &grids[i].hidden_columns)
                        }
                        Some(_) => fill(reader::NO_PROPOSALS_HEADER, &[]),
                        None => fill(reader::IS_EMPTY, &[]),
                    };
                    let hidden = if grids[i].visible {
                        ("", "")
                    } else {
                        (reader::A_HIDDEN_SHEET.zh, reader::A_HIDDEN_SHEET.en)
                    };
                    let name = name(i);
                    let (zh, en) = fill_apart(
                        reader::SHEET_PROBLEM,
                        &[("name", &name), ("hidden", hidden.0), ("why", &zh)],
                        &[("name", &name), ("hidden", hidden.1), ("why", &en)],
                    );
                    Problem::new(
                        match &found[i] {
                            Some(f) if f.score() >= 2 => At::Row(grids[i].rows[f.index].number),
                            _ => At::File,
                        },
                        zh,
                        en,
                    )
                })
                .collect();
            Err(DefinitionError::Proposals { file: String::new(), sheet: None, problems })
        }
        several => {
            let list: Vec<String> = several.iter().map(|i| name(*i)).collect();
            let list_en: Vec<String> = list.iter().map(|n| format!("\"{n}\"")).collect();
            Err(DefinitionError::Proposals {
                file: String::new(),
                sheet: None,
                problems: vec![{
                    let (zh, en) = fill_apart(
                        reader::SEVERAL_SHEETS,
                        &[("list", &quoted(&list)), ("first", &list[0])],
                        &[("list", &list_en.join(ui::LIST_SEP.en)), ("first", &list[0])],
                    );
                    Problem::new(At::File, zh, en)
                }],
            })
        }
    }
}

/// Why a header row does not make a proposals table: what each column was
/// read as, and which required columns are missing.
fn missing_columns(row: &Row, headers: &[HeaderRead], hidden: &BTreeSet<usize>) -> Message {
    let missing: Vec<Field> =
        Field::REQUIRED.iter().copied().filter(|f| !headers.iter().any(|h| h.field == Some(*f))).collect();
    let mut seen_zh = vec![];
    let mut seen_en = vec![];
    for (c, h) in headers.iter().enumerate() {
        let written = row.text(c);
        if written.is_empty() {
            continue;
        }
        let letter = column_letter(c);
        let (zh, en) = match h.field {
            _ if hidden.contains(&c) => match read_header(&written).field {
                Some(f) => fill_apart(reader::A_HIDDEN_COLUMN_OF, &[("field", f.zh())], &[("field", f.en())]),
                None => fill(reader::HIDDEN_NOT_READ, &[]),
            },
            Some(f) => fill(f.words(), &[]),
            None => fill(reader::NOT_RECOGNISED, &[]),
        };
        seen_zh.push(format!("{letter}“{written}”→{zh}"));
        seen_en.push(format!("{letter} \"{written}\" → {en}"));
    }
    let need_zh: Vec<String> = missing.iter().map(|f| format!("“{}”", f.zh())).collect();
    let need_en: Vec<&str> = missing.iter().map(|f| f.en()).collect();
    let accepted_zh: Vec<String> = missing
        .iter()
        .map(|f| fill_in(reader::FIELD_NAMES.zh, &[("field", f.zh()), ("names", &accepted(*f))]))
        .collect();
    fill_apart(
        reader::HEADER_MISSING,
        &[
            ("need", &need_zh.join(reader::ALTERNATIVES.zh)),
            ("seen", &seen_zh.join(ui::COMMA.zh)),
            ("accepted", &accepted_zh.join(ui::SEMICOLON.zh)),
        ],
        &[("need", &need_en.join(reader::ALTERNATIVES.en)), ("seen", &seen_en.join(ui::COMMA.en))],
    )
}

/// A few accepted names of a field, for a message.
fn accepted(f: Field) -> String {
    let names = SYNONYMS.iter().find(|(g, _)| *g == f).map(|(_, n)| *n).unwrap_or(&[]);
    let mut shown: Vec<&str> = names.iter().copied().filter(|n| !n.is_ascii()).take(5).collect();
    if f == Field::Id {
        shown.extend(ID_FALLBACK.first());
    }
    shown.join(ui::LIST_SEP.zh)
}

// ---------------------------------------------------------------- reading one sheet

/// Where each field is, and the unit of the cost column.
struct Columns {
    at: HashMap<Field, usize>,
    headers: Vec<String>,
    cost_unit: Unit,
}

impl Columns {
    fn get(&self, f: Field) -> Option<usize> {
        self.at.get(&f).copied()
    }

    fn header(&self, col: usize) -> &str {
        self.headers.get(col).map(String::as_str).unwrap_or("")
    }

    fn at(&self, row: &Row, f: Field) -> At {
        let col = self.get(f).unwrap_or(0);
        At::Cell { row: row.number, column: column_letter(col), header: self.header(col).to_string() }
    }
}

/// Sheet-level context for warnings: "工作表“汇总”" or nothing for a CSV.
fn sheet_prefix(grid: &Grid) -> (String, String) {
    match &grid.name {
        Some(n) => fill(reader::SHEET_PREFIX, &[("sheet", n)]),
        None => (String::new(), String::new()),
    }
}

fn read_sheet(grid: Grid, mut notes: Vec<String>) -> Result<Table, DefinitionError> {
    let proposals_error = |problems| DefinitionError::Proposals { file: String::new(), sheet: None, problems };
    let Some(found) = find_header(&grid) else { return Err(super::empty_file()) };
    let header_row = &grid.rows[found.index];
    if !found.complete() {
        let (zh, en) = missing_columns(header_row, &found.headers, &grid.hidden_columns);
        return Err(proposals_error(vec![Problem::new(At::Row(header_row.number), zh, en)]));
    }
    let (sheet_zh, sheet_en) = sheet_prefix(&grid);
    let mut warnings = vec![];
    let mut problems = vec![];
    if found.index > 0 && grid.rows[..found.index].iter().any(|r| !r.is_blank(&grid.hidden_columns)) {
        let r = header_row.number;
        notes.push(both(reader::HEADER_BELOW_TITLES, &[("r", &r)]));
    }
    let (columns, reports) = map_columns(&grid, &found, &mut warnings, &mut notes, &mut problems);
    let Some(columns) = columns else { return Err(proposals_error(problems)) };

    // The rows under the header.
    let data: Vec<&Row> = grid.rows[found.index + 1..].iter().collect();
    let mut proposals = vec![];
    let mut rows = vec![];
    let mut costs: Vec<CostCell> = vec![];
    let mut seen: HashMap<String, (usize, String)> = HashMap::new();
    let mut hidden_rows: Vec<(usize, String)> = vec![];
    let mut hidden_cost = 0.0;
    let mut merged_noted: BTreeSet<(usize, usize)> = BTreeSet::new();
    let mut grand_total: Option<(usize, String, Option<f64>, Option<usize>)> = None;
    for row in data {
        if row.is_blank(&grid.hidden_columns) {
            continue;
        }
        if row.hidden {
            let id = columns.get(Field::Id).map(|c| row.text(c)).unwrap_or_default();
            let title = columns.get(Field::Title).map(|c| row.text(c)).unwrap_or_default();
            hidden_rows.push((row.number, format!("{id} {title}").trim().to_string()));
            if let Some(c) = columns.get(Field::Cost) {
                if let Some(Ok(a)) = row.cell(c).map(|cell| parse_amount(&cell.value, columns.cost_unit)) {
                    hidden_cost += a.exact;
                }
            }
            continue;
        }
        match classify(row, &columns, &grid) {
            Kind::Total { label, grand } => {
                let cost_cell = columns.get(Field::Cost).and_then(|c| row.cell(c));
                let amount = cost_cell.and_then(|cell| parse_amount(&cell.value, columns.cost_unit).ok());
                let count = row.cells.iter().find_map(|c| count_label(&c.value.text()));
                notes.push(both(reader::TOTALS_ROW_SKIPPED, &[("r", &row.number), ("label", &label)]));
                if grand {
                    grand_total = Some((row.number, label, amount.map(|a| a.exact), count));
                }
                continue;
            }
            Kind::Footer(text) => {
                notes.push(both(reader::FOOTER_ROW_SKIPPED, &[("r", &row.number), ("text", &text)]));
                continue;
            }
            Kind::Section(text) => {
                notes.push(both(reader::SECTION_ROW_SKIPPED, &[("r", &row.number), ("text", &text)]));
                continue;
            }
            Kind::Proposal => {}
        }
        note_merges(row, &columns, &grid, &mut merged_noted, &mut notes);
        if let Some(p) =
            read_row(row, &columns, &mut seen, &mut costs, &mut problems, &mut warnings, &sheet_zh, &sheet_en)
        {
            proposals.push(p);
            rows.push(row.number);
        }
    }
    check_scale(&costs, &columns, &mut problems);
    if let Some((r, label, amount, count)) = grand_total {
        check_total(
            r,
            &label,
            amount,
            count,
            &proposals,
            &costs,
            hidden_rows.len(),
            hidden_cost,
            &columns,
            &mut notes,
            &mut problems,
        );
    }
    if !hidden_rows.is_empty() {
        let nums: Vec<String> = hidden_rows.iter().map(|(r, _)| r.to_string()).collect();
        let what: Vec<String> = hidden_rows.iter().filter(|(_, t)| !t.is_empty()).map(|(_, t)| t.clone()).collect();
        let (zh, en) = fill_apart(
            reader::HIDDEN_ROWS_NOT_READ,
            &[("sheet", &sheet_zh), ("rows", &nums.join(ui::LIST_SEP.zh)), ("what", &what.join(ui::SEMICOLON.zh))],
            &[("sheet", &sheet_en), ("rows", &nums.join(ui::LIST_SEP.en)), ("what", &what.join(ui::SEMICOLON.en))],
        );
        warnings.push(format!("{zh} / {en}"));
    }
    if !problems.is_empty() {
        return Err(proposals_error(problems));
    }
    if proposals.is_empty() {
        return Err(super::empty_file());
    }
    Ok(Table {
        proposals,
        warnings,
        report: TableReport {
            file: String::new(),
            sheet: grid.name.clone(),
            header_row: header_row.number,
            columns: reports,
            notes,
            rows,
            by_line: false,
        },
    })
}

/// Decide which column is which. Of several columns read as one field, the
/// one with an exact name wins over one read by its ending, which wins over
/// 序号; two at the same level are an error.
fn map_columns(
    grid: &Grid,
    found: &Found,
    warnings: &mut Vec<String>,
    notes: &mut Vec<String>,
    problems: &mut Vec<Problem>,
) -> (Option<Columns>, Vec<ColumnReport>) {
    let header_row = &grid.rows[found.index];
    let (sheet_zh, sheet_en) = sheet_prefix(grid);
    let headers: Vec<String> = header_row.cells.iter().map(|c| c.value.text()).collect();
    let mut at: HashMap<Field, usize> = HashMap::new();
    for f in Field::ALL {
        let best = found.headers.iter().filter(|h| h.field == Some(f)).map(|h| h.priority).max();
        let Some(best) = best else { continue };
        let cols: Vec<usize> = (0..found.headers.len())
            .filter(|c| found.headers[*c].field == Some(f) && found.headers[*c].priority == best)
            .collect();
        if cols.len() > 1 {
            let list_zh: Vec<String> = cols.iter().map(|c| format!("{}“{}”", column_letter(*c), headers[*c])).collect();
            let list_en: Vec<String> =
                cols.iter().map(|c| format!("{} \"{}\"", column_letter(*c), headers[*c])).collect();
            let n = cols.len().to_string();
            let (zh, en) = fill_apart(
                reader::SAME_FIELD_TWICE,
                &[("n", &n), ("field", f.zh()), ("list", &list_zh.join(ui::LIST_SEP.zh))],
                &[("n", &n), ("field", f.en()), ("list", &list_en.join(ui::LIST_SEP.en))],
            );
            problems.push(Problem::new(At::Row(header_row.number), zh, en));
        }
        at.insert(f, cols[0]);
    }
    // The unit of the cost column: its header, or a "单位：万元" line above.
    let mut cost_unit = Unit::Yuan;
    let mut unit_source = None;
    if let Some(c) = at.get(&Field::Cost) {
        let h = &found.headers[*c];
        let above = stated_unit(&grid.rows[..found.index]);
        if let Some(u) = h.unit {
            cost_unit = u;
            unit_source = Some(reader::UNIT_FROM_HEADER);
            if let Some((u2, text, r)) = above.filter(|(u2, _, _)| *u2 != u) {
                let values: [(&str, &dyn std::fmt::Display); 4] =
                    [("text", &text), ("above", &u2.zh()), ("header", &headers[*c]), ("unit", &u.zh())];
                problems.push(Problem::said(At::Row(r), reader::UNIT_DISAGREES, &values));
            }
        } else if let Some(text) = &h.unit_unclear {
            let values: [(&str, &dyn std::fmt::Display); 4] =
                [("text", text), ("yuan", &Unit::Yuan.zh()), ("qian", &Unit::Qian.zh()), ("wan", &Unit::Wan.zh())];
            problems.push(Problem::said(
                At::Cell { row: header_row.number, column: column_letter(*c), header: headers[*c].clone() },
                reader::UNIT_UNCLEAR,
                &values,
            ));
        } else if let Some((u, _, r)) = above {
            cost_unit = u;
            unit_source = Some(reader::UNIT_FROM_LINE_ABOVE);
            let values: [(&str, &dyn std::fmt::Display); 3] =
                [("r", &r), ("label", &aliases::UNIT_LABEL), ("unit", &u.zh())];
            notes.push(both(reader::UNIT_FROM_ROW, &values));
        }
    }
    let mut reports = vec![];
    for (c, written) in headers.iter().enumerate() {
        if written.is_empty() && !column_has_data(grid, found.index, c) {
            continue;
        }
        let h = &found.headers[c];
        let letter = column_letter(c);
        let hidden = grid.hidden_columns.contains(&c);
        let (zh, en) = if hidden {
            let field = read_header(written).field;
            let (fz, fe) = field.map_or((String::new(), String::new()), |f| {
                fill_apart(reader::FIELD_IN_PARENS, &[("field", f.zh())], &[("field", f.en())])
            });
            let (zh, en) = fill_apart(
                reader::HIDDEN_COLUMN_NOT_READ,
                &[("sheet", &sheet_zh), ("letter", &letter), ("written", written), ("field", &fz)],
                &[("sheet", &sheet_en), ("letter", &letter), ("written", written), ("field", &fe)],
            );
            warnings.push(format!("{zh} / {en}"));
            (format!("{}{fz}", reader::HIDDEN_NOT_READ.zh), format!("{}{fe}", reader::HIDDEN_NOT_READ.en))
        } else if written.is_empty() {
            let (zh, en) = fill_apart(
                reader::NO_HEADER_WARNING,
                &[("sheet", &sheet_zh), ("letter", &letter)],
                &[("sheet", &sheet_en), ("letter", &letter)],
            );
            warnings.push(format!("{zh} / {en}"));
            fill(reader::NO_HEADER_IGNORED, &[])
        } else if !h.two_fields.is_empty() {
            let zh: Vec<&str> = h.two_fields.iter().map(|f| f.zh()).collect();
            let en: Vec<&str> = h.two_fields.iter().map(|f| f.en()).collect();
            let (both_zh, both_en) = (zh.join(reader::BOTH_FIELDS.zh), en.join(reader::BOTH_FIELDS.en));
            let (pz, pe) = fill_apart(reader::TWO_FIELDS, &[("fields", &both_zh)], &[("fields", &both_en)]);
            problems.push(Problem::new(
                At::Cell { row: header_row.number, column: letter.clone(), header: written.clone() },
                pz,
                pe,
            ));
            fill_apart(reader::AMBIGUOUS, &[("fields", &zh.join("/"))], &[("fields", &en.join("/"))])
        } else {
            match h.field {
                Some(f) if at.get(&f) == Some(&c) => {
                    let mut zh = f.zh().to_string();
                    let mut en = f.en().to_string();
                    let mut add = |(z, e): (String, String)| {
                        zh.push_str(&z);
                        en.push_str(&e);
                    };
                    if f == Field::Cost {
                        let unit = cost_unit.words();
                        add(match unit_source {
                            Some(source) => fill_apart(
                                reader::COST_UNIT_FROM,
                                &[("unit", unit.zh), ("source", source.zh)],
                                &[("unit", unit.en), ("source", source.en)],
                            ),
                            None => fill(reader::COST_NO_UNIT, &[]),
                        });
                        if cost_unit != Unit::Yuan {
                            add(fill(reader::READ_AS_TIMES, &[("factor", &grouped(cost_unit.factor() as u64))]));
                        }
                    }
                    if h.priority == 1 {
                        add(fill(reader::BY_ITS_ENDING, &[]));
                    }
                    (zh, en)
                }
                Some(f) => {
                    let main = at.get(&f).copied().unwrap_or(0);
                    let (mz, me) = (column_letter(main), headers[main].clone());
                    let (zh, en) = fill_apart(
                        reader::COLUMN_NOT_READ,
                        &[("letter", &letter), ("written", written), ("field", f.zh()), ("mz", &mz), ("me", &me)],
                        &[("letter", &letter), ("written", written), ("field", f.en()), ("mz", &mz), ("me", &me)],
                    );
                    notes.push(format!("{zh} / {en}"));
                    fill_apart(
                        reader::IGNORED_FIELD_IS,
                        &[("field", f.zh()), ("mz", &mz)],
                        &[("field", f.en()), ("mz", &mz)],
                    )
                }
                None => {
                    let (zh, en) = fill_apart(
                        reader::UNRECOGNISED_COLUMN,
                        &[("sheet", &sheet_zh), ("letter", &letter), ("written", written)],
                        &[("sheet", &sheet_en), ("letter", &letter), ("written", written)],
                    );
                    warnings.push(format!("{zh} / {en}"));
                    fill(reader::NOT_RECOGNISED_IGNORED, &[])
                }
            }
        };
        reports.push(ColumnReport { column: letter, header: written.clone(), zh, en });
    }
    if !problems.is_empty() {
        return (None, reports);
    }
    (Some(Columns { at, headers, cost_unit }), reports)
}

fn column_has_data(grid: &Grid, header_index: usize, col: usize) -> bool {
    grid.rows[header_index + 1..].iter().any(|r| r.cell(col).is_some_and(|c| !c.value.is_empty() && !c.filled))
}

/// A "单位：万元" line in the title rows above the header: its unit, the
/// text and its row.
fn stated_unit(rows: &[Row]) -> Option<(Unit, String, usize)> {
    for row in rows {
        for cell in &row.cells {
            let text = cell.value.text();
            let n = normalise(&text);
            if let Some(i) = n.find(aliases::UNIT_LABEL) {
                let rest = &n[i..];
                let rest = rest.split(aliases::UNIT_LINE_ENDS).next().unwrap_or(rest);
                if let Some(u) = Unit::parse(rest) {
                    return Some((u, text, row.number));
                }
            }
        }
    }
    None
}

enum Kind {
    Proposal,
    /// 合计 / 小计 / 共60项 / =SUM(…); `grand` unless a subtotal.
    Total {
        label: String,
        grand: bool,
    },
    /// 制表人：… 审核：… 注：…
    Footer(String),
    /// "一、环境整治类" on a row of its own.
    Section(String),
}

fn classify(row: &Row, columns: &Columns, grid: &Grid) -> Kind {
    let id_text = columns.get(Field::Id).map(|c| row.text(c)).unwrap_or_default();
    let title_text = columns.get(Field::Title).map(|c| row.text(c)).unwrap_or_default();
    let first = row
        .cells
        .iter()
        .enumerate()
        .find(|(i, c)| !c.value.is_empty() && !grid.hidden_columns.contains(i))
        .map(|(_, c)| c.value.text())
        .unwrap_or_default();
    for text in [&id_text, &title_text, &first] {
        if let Some(grand) = totals_label(text) {
            return Kind::Total { label: text.clone(), grand };
        }
    }
    // A total by formula: the cost adds up a range of rows, and the row has
    // no id of its own.
    let cost_formula = columns.get(Field::Cost).and_then(|c| row.cell(c)).and_then(|c| c.formula.clone());
    if let Some(f) = cost_formula {
        if is_column_sum(&f) && (id_text.is_empty() || title_text.is_empty()) {
            return Kind::Total { label: format!("={f}"), grand: !f.to_uppercase().contains("SUBTOTAL") };
        }
    }
    let id_is_label = id_text.is_empty() || footer_label(&id_text);
    let cost_empty = columns.get(Field::Cost).and_then(|c| row.cell(c)).is_none_or(|c| match &c.value {
        Value::Number(_) => false,
        v => parse_amount(v, Unit::Yuan).is_err(),
    });
    if id_is_label && cost_empty {
        if let Some(text) = row.cells.iter().map(|c| c.value.text()).find(|t| footer_label(t)) {
            return Kind::Footer(text);
        }
    }
    let filled: Vec<String> = row
        .cells
        .iter()
        .enumerate()
        .filter(|(i, c)| !c.value.is_empty() && !c.filled && !grid.hidden_columns.contains(i))
        .map(|(_, c)| c.value.text())
        .collect();
    if let [only] = filled.as_slice() {
        if section_heading(only) {
            return Kind::Section(only.clone());
        }
    }
    Kind::Proposal
}

/// 合计, 总计, 小计, 共计, 共60项, 合计：60项, Total: `Some(false)` for a
/// subtotal, `Some(true)` for a grand total.
pub(super) fn totals_label(text: &str) -> Option<bool> {
    let n = normalise(text);
    if n.is_empty() {
        return None;
    }
    let [subtotal, subtotal_en] = aliases::SUBTOTALS;
    if n.starts_with(subtotal) || n == subtotal_en {
        return Some(false);
    }
    // "合计", "合计：", "合计(万元)", "总计 60 项", but not "总计划生育宣传栏".
    let grand = aliases::GRAND_TOTALS;
    let after_label = |rest: &str| {
        rest.is_empty() || rest.starts_with([':', '(', '[']) || rest.starts_with(|c: char| c.is_ascii_digit())
    };
    if grand.iter().any(|g| n.strip_prefix(g).is_some_and(after_label)) {
        return Some(true);
    }
    count_label(text).map(|_| true)
}

/// "共60项", "共 60 个项目", "合计60项": the count stated.
fn count_label(text: &str) -> Option<usize> {
    let n = normalise(text);
    let rest = aliases::COUNT_BEFORE.iter().find_map(|p| n.strip_prefix(p))?;
    let rest = rest.trim_start_matches(':');
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let tail = &rest[digits.len()..];
    if digits.is_empty() || !aliases::COUNT_AFTER.contains(&tail) {
        return None;
    }
    digits.parse().ok()
}

/// `SUM(G4:G63)`, `SUBTOTAL(9,G4:G63)`: a formula that adds up a run of
/// rows (not `SUM(D5:F5)`, the parts of one proposal's cost).
fn is_column_sum(formula: &str) -> bool {
    let f = formula.to_uppercase().replace("_XLFN.", "");
    if !(f.starts_with("SUM(") || f.starts_with("SUBTOTAL(")) {
        return false;
    }
    let rows: BTreeSet<String> = f
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '$')
        .filter_map(|r| {
            let r = r.trim_start_matches('$');
            let letters = r.chars().take_while(char::is_ascii_alphabetic).count();
            let digits = r[letters..].trim_start_matches('$');
            (letters > 0 && !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()))
                .then(|| digits.to_string())
        })
        .collect();
    rows.len() > 1
}

/// 制表人：…, 审核：…, 注：…, 日期：…: signature and notes lines below a table.
fn footer_label(text: &str) -> bool {
    let n = normalise(text);
    aliases::FOOTERS.iter().any(|w| {
        n == *w
            || n.strip_prefix(w).is_some_and(|rest| {
                rest.starts_with(':') || (rest.starts_with(|c: char| c.is_ascii_digit()) && rest.contains(':'))
            })
    })
}

/// "一、环境整治类", "（二）设施改造": a heading that groups the rows below it.
fn section_heading(text: &str) -> bool {
    let t = fold_width(text.trim());
    let t = t.trim_start_matches('(');
    let numeral: String = t.chars().take_while(|c| aliases::NUMERALS.contains(*c)).collect();
    if numeral.is_empty() {
        return false;
    }
    let rest = &t[numeral.len()..];
    rest.starts_with(aliases::SECTION_MARKS)
}

/// A cost cell, kept until every row is read so that each can be compared
/// with the column as a whole.
struct CostCell {
    row: usize,
    shown: String,
    amount: Amount,
}

/// Read one data row into a proposal, or record why it cannot be one.
#[allow(clippy::too_many_arguments)]
fn read_row(
    row: &Row,
    columns: &Columns,
    seen: &mut HashMap<String, (usize, String)>,
    costs: &mut Vec<CostCell>,
    problems: &mut Vec<Problem>,
    warnings: &mut Vec<String>,
    sheet_zh: &str,
    sheet_en: &str,
) -> Option<Proposal> {
    let before = problems.len();
    let cell = |f: Field| columns.get(f).and_then(|c| row.cell(c));
    let text = |f: Field, problems: &mut Vec<Problem>| -> String {
        let Some(c) = cell(f) else { return String::new() };
        if let Some(formula) = zero_formula(c) {
            problems.push(unsaved_zero(columns.at(row, f), formula));
            return String::new();
        }
        match &c.value {
            Value::Date(shown) => {
                problems.push(Problem::said(columns.at(row, f), reader::CELL_IS_A_DATE, &[("shown", shown)]));
                String::new()
            }
            Value::Error(e) => {
                problems.push(Problem::said(columns.at(row, f), reader::CELL_SHOWS_ERROR, &[("error", e)]));
                String::new()
            }
            Value::Unsaved(formula) => {
                problems.push(unsaved(columns.at(row, f), formula));
                String::new()
            }
            v => v.text(),
        }
    };
    let id = text(Field::Id, problems);
    let title = text(Field::Title, problems);
    let description = text(Field::Description, problems);
    let location = text(Field::Location, problems);
    let category = text(Field::Category, problems);
    let proposer = text(Field::Proposer, problems);
    let level_text = text(Field::Level, problems);
    // A row under a merged id or cost cell: the merge is reported once, on
    // the row it starts on.
    let mut follows_merge = false;
    let id_cell = cell(Field::Id);
    match id_cell.and_then(|c| c.merged.map(|m| (m, c.filled))) {
        Some(((r1, r2), false)) => problems.push(merged_problem(columns.at(row, Field::Id), r1, r2, reader::ID)),
        Some((_, true)) => follows_merge = true,
        None if problems.len() > before => {}
        None if id.is_empty() => problems.push(Problem::said(columns.at(row, Field::Id), reader::MISSING_ID, &[])),
        None => {
            if let Some((zh, en)) = id_problem(&id) {
                problems.push(Problem::new(columns.at(row, Field::Id), zh, en));
            } else if let Some((first, first_id)) = seen.get(&fold_id(&id)) {
                let w = if *first_id == id { reader::ID_TWICE_ON_ROW } else { reader::ID_SAME_AS_ON_ROW };
                let values: [(&str, &dyn std::fmt::Display); 3] =
                    [("id", &id), ("first", first), ("first_id", first_id)];
                problems.push(Problem::said(columns.at(row, Field::Id), w, &values));
            } else {
                seen.insert(fold_id(&id), (row.number, id.clone()));
            }
        }
    }
    if title.is_empty() && cell(Field::Title).is_none_or(|c| matches!(c.value, Value::Empty | Value::Text(_))) {
        problems.push(Problem::said(columns.at(row, Field::Title), reader::MISSING_TITLE, &[]));
    }
    let mut cost = None;
    let cost_cell = cell(Field::Cost);
    match cost_cell.and_then(|c| c.merged.map(|m| (m, c.filled))) {
        Some(((r1, r2), false)) => problems.push(merged_problem(columns.at(row, Field::Cost), r1, r2, reader::AMOUNT)),
        Some((_, true)) => follows_merge = true,
        None if cost_cell.and_then(zero_formula).is_some() => {
            let formula = cost_cell.and_then(zero_formula).unwrap_or_default();
            problems.push(unsaved_zero(columns.at(row, Field::Cost), formula));
        }
        None => {
            let value = cost_cell.map(|c| c.value.clone()).unwrap_or(Value::Empty);
            match parse_amount(&value, columns.cost_unit) {
                Ok(a) => {
                    if a.rounded {
                        let (r, c, y) = (row.number.to_string(), value.text(), a.yuan.to_string());
                        let (zh, en) = fill_apart(
                            reader::COST_ROUNDED,
                            &[("sheet", sheet_zh), ("r", &r), ("c", &c), ("y", &y)],
                            &[("sheet", sheet_en), ("r", &r), ("c", &c), ("y", &y)],
                        );
                        warnings.push(format!("{zh} / {en}"));
                    }
                    cost = Some(a.yuan);
                    costs.push(CostCell { row: row.number, shown: value.text(), amount: a });
                }
                Err((zh, en)) => problems.push(Problem::new(columns.at(row, Field::Cost), zh, en)),
            }
        }
    }
    let level = match parse_level(&level_text) {
        Ok(l) => Some(l),
        Err((zh, en)) => {
            problems.push(Problem::new(columns.at(row, Field::Level), zh, en));
            None
        }
    };
    if problems.len() > before || follows_merge {
        return None;
    }
    Some(Proposal { id, title, description, location, category, proposer, cost: cost?, level: level? })
}

/// What an id may not hold: what a Pabulib file (and a paper ballot keyed
/// at the desk, a comma-separated list) cannot carry.
pub fn id_problem(id: &str) -> Option<Message> {
    if id.contains([',', ';', '"']) || id.chars().any(char::is_control) {
        return Some(fill(reader::ID_HAS_SEPARATORS, &[("id", &id)]));
    }
    None
}

fn merged_problem(at: At, r1: usize, r2: usize, what: Words) -> Problem {
    let (a, b) = ((r1 + 1).to_string(), (r2 + 1).to_string());
    let (zh, en) = fill_apart(
        reader::MERGED_CELL,
        &[("a", &a), ("b", &b), ("what", what.zh)],
        &[("a", &a), ("b", &b), ("what", what.en)],
    );
    Problem::new(at, zh, en)
}

fn unsaved(at: At, formula: &str) -> Problem {
    Problem::said(at, reader::FORMULA_UNSAVED, &[("formula", &formula)])
}

/// A formula whose saved result is 0: what programs that write workbooks
/// without computing them (report generators, scripts) store by default. No
/// cost, id or title is 0 by formula, so it is read as a result never saved.
fn zero_formula(c: &super::sheet::Cell) -> Option<&str> {
    match (&c.formula, &c.value) {
        (Some(f), Value::Number(n)) if *n == 0.0 => Some(f),
        _ => None,
    }
}

fn unsaved_zero(at: At, formula: &str) -> Problem {
    Problem::said(at, reader::FORMULA_ZERO, &[("formula", &formula)])
}

/// Note each merged region of a descriptive column once, when its first
/// row is read.
fn note_merges(
    row: &Row,
    columns: &Columns,
    grid: &Grid,
    noted: &mut BTreeSet<(usize, usize)>,
    notes: &mut Vec<String>,
) {
    for f in [Field::Title, Field::Description, Field::Location, Field::Category, Field::Proposer, Field::Level] {
        let Some(c) = columns.get(f) else { continue };
        let Some(cell) = row.cell(c) else { continue };
        let Some((r1, r2)) = cell.merged else { continue };
        if !noted.insert((r1, c)) {
            continue;
        }
        let shown = grid.rows.get(r1).map(|r| r.text(c)).unwrap_or_default();
        let letter = column_letter(c);
        let header = columns.header(c);
        let values: [(&str, &dyn std::fmt::Display); 5] =
            [("a", &(r1 + 1)), ("b", &(r2 + 1)), ("letter", &letter), ("header", &header), ("shown", &shown)];
        notes.push(both(reader::MERGED_CELL_FILLED, &values));
    }
}

fn cell_at(columns: &Columns, row: usize) -> At {
    let col = columns.get(Field::Cost).unwrap_or(0);
    At::Cell { row, column: column_letter(col), header: columns.header(col).to_string() }
}

/// Refuse a cost with no unit of its own that is a hundred times smaller or
/// larger than the column's median: a bare `3` among tens of thousands of
/// yuan was most likely meant as 3万.
fn check_scale(costs: &[CostCell], columns: &Columns, problems: &mut Vec<Problem>) {
    let mut values: Vec<f64> = costs.iter().map(|c| c.amount.exact).filter(|v| *v > 0.0).collect();
    if values.len() < SCALE_MIN_COSTS {
        return;
    }
    values.sort_by(f64::total_cmp);
    let median = values[values.len() / 2];
    let unit = columns.cost_unit;
    for c in costs.iter().filter(|c| !c.amount.explicit && c.amount.exact > 0.0) {
        let shown = &c.shown;
        let as_read = grouped(c.amount.yuan);
        let m = grouped(median.round() as u64);
        if c.amount.exact * SCALE_RATIO < median {
            let larger = if unit == Unit::Wan { reader::HUNDRED_MILLION } else { reader::TEN_THOUSAND };
            let values: [(&str, &dyn std::fmt::Display); 4] =
                [("shown", shown), ("as_read", &as_read), ("m", &m), ("larger", &larger.zh)];
            problems.push(Problem::said(cell_at(columns, c.row), reader::FAR_BELOW_THE_MEDIAN, &values));
        } else if c.amount.exact > median * SCALE_RATIO {
            let values: [(&str, &dyn std::fmt::Display); 4] =
                [("shown", shown), ("as_read", &as_read), ("m", &m), ("unit", &unit.zh())];
            problems.push(Problem::said(cell_at(columns, c.row), reader::FAR_ABOVE_THE_MEDIAN, &values));
        }
    }
}

/// The grand total row, when it states a cost or a count, must agree with
/// what was read; a difference means something was read differently from
/// what the clerk added up.
#[allow(clippy::too_many_arguments)]
fn check_total(
    row: usize,
    label: &str,
    amount: Option<f64>,
    count: Option<usize>,
    proposals: &[Proposal],
    costs: &[CostCell],
    hidden: usize,
    hidden_cost: f64,
    columns: &Columns,
    notes: &mut Vec<String>,
    problems: &mut Vec<Problem>,
) {
    let n = proposals.len();
    if let Some(stated) = count {
        if stated == n {
            notes.push(both(reader::COUNT_AS_READ, &[("row", &row), ("stated", &stated)]));
        } else if stated == n + hidden {
            notes.push(both(reader::COUNT_WITH_HIDDEN, &[("row", &row), ("stated", &stated), ("hidden", &hidden)]));
        } else {
            let values: [(&str, &dyn std::fmt::Display); 3] = [("label", &label), ("stated", &stated), ("n", &n)];
            problems.push(Problem::said(At::Row(row), reader::COUNT_DIFFERS, &values));
        }
    }
    let Some(stated) = amount else { return };
    let read: f64 = costs.iter().map(|c| c.amount.exact).sum();
    let tolerance = 0.5 + 0.01 * n as f64;
    let (s, r) = (grouped(stated.round() as u64), grouped(read.round() as u64));
    if (stated - read).abs() <= tolerance {
        notes.push(both(reader::TOTAL_AS_READ, &[("row", &row), ("s", &s)]));
    } else if hidden > 0 && (stated - read - hidden_cost).abs() <= tolerance {
        notes.push(both(reader::TOTAL_WITH_HIDDEN, &[("row", &row), ("s", &s), ("r", &r)]));
    } else {
        problems.push(Problem::said(cell_at(columns, row), reader::TOTAL_DIFFERS, &[("s", &s), ("n", &n), ("r", &r)]));
    }
}

// ---------------------------------------------------------------- costs

/// A cost as read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Amount {
    /// Whole yuan.
    pub yuan: u64,
    /// The exact value in yuan, before rounding.
    pub exact: f64,
    /// A fraction of a yuan was rounded away.
    pub rounded: bool,
    /// The cell wrote its own unit (`3万`, `3000元`).
    pub explicit: bool,
}

/// A cost cell in the column's unit: a number, or text as clerks write it:
/// `12,000`, `12000.00`, `¥12000元`, `1.2万`, `3千元`, `约5万`, full-width
/// digits. Refused: dates, errors, formulas never computed, ranges, and
/// separators that leave the amount in doubt (`1,2万`, `12.000`).
pub fn parse_amount(value: &Value, unit: Unit) -> Result<Amount, Message> {
    match value {
        Value::Empty => Err(fill(reader::MISSING_COST, &[])),
        Value::Text(s) if s.trim().is_empty() => Err(fill(reader::MISSING_COST, &[])),
        Value::Number(n) => amount(*n * unit.factor(), false, &number_text(*n)),
        Value::Text(s) => parse_cost_text(s.trim(), unit),
        Value::Date(shown) => Err(fill(reader::COST_CELL_IS_A_DATE, &[("shown", shown)])),
        Value::Error(e) => Err(fill(reader::COST_CELL_SHOWS_ERROR, &[("error", e)])),
        Value::Unsaved(f) => {
            let p = unsaved(At::File, f);
            Err((p.zh, p.en))
        }
    }
}

fn amount(yuan: f64, explicit: bool, raw: &str) -> Result<Amount, Message> {
    if yuan < 0.0 {
        return Err(fill(reader::COST_NEGATIVE, &[("raw", &raw)]));
    }
    if !yuan.is_finite() || yuan > 1e15 {
        return Err(fill(reader::COST_TOO_LARGE, &[("raw", &raw)]));
    }
    let whole = yuan.round();
    Ok(Amount { yuan: whole as u64, exact: yuan, rounded: (yuan - whole).abs() >= 0.005, explicit })
}

fn parse_cost_text(raw: &str, column_unit: Unit) -> Result<Amount, Message> {
    let not_number = || fill(reader::COST_NOT_A_NUMBER, &[("raw", &raw)]);
    let folded: String = fold_width(raw)
        .chars()
        .map(|c| if c == aliases::FULL_WIDTH_YEN { '¥' } else { c })
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
        .collect::<String>()
        .to_lowercase();
    let mut text = folded.as_str();
    for prefix in aliases::COST_PREFIXES {
        text = text.strip_prefix(prefix).unwrap_or(text);
    }
    text = text.strip_suffix(aliases::RMB).unwrap_or(text);
    let mut unit = None;
    for &(suffix, u) in aliases::COST_SUFFIXES {
        if let Some(rest) = text.strip_suffix(suffix) {
            text = rest;
            unit = Some(u);
            break;
        }
    }
    if text.is_empty() {
        return Err(not_number());
    }
    if text.contains(aliases::RANGE_MARKS) || text.chars().skip(1).any(|c| c == '-') {
        return Err(fill(reader::COST_RANGE, &[("raw", &raw)]));
    }
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    // Only plain decimals: f64's parser would also take "inf", "1e9", "NaN".
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',') {
        return Err(not_number());
    }
    let (int_part, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    if frac.is_some_and(|f| f.contains(['.', ',']) || f.is_empty()) || int_part.is_empty() {
        return Err(not_number());
    }
    if int_part.contains(',') {
        let groups: Vec<&str> = int_part.split(',').collect();
        let ok = (1..=3).contains(&groups[0].len()) && groups[1..].iter().all(|g| g.len() == 3);
        if !ok {
            return Err(fill(reader::COST_COMMA_IN_DOUBT, &[("raw", &raw)]));
        }
    }
    let effective = unit.unwrap_or(column_unit);
    if effective == Unit::Yuan && frac.is_some_and(|f| f.len() == 3) && !int_part.contains(',') {
        return Err(fill(reader::COST_THREE_DECIMALS, &[("raw", &raw)]));
    }
    let number: f64 = digits.replace(',', "").parse().map_err(|_| not_number())?;
    let value = if negative { -number } else { number };
    amount(value * effective.factor(), unit.is_some(), raw)
}

pub fn parse_level(raw: &str) -> Result<Level, Message> {
    let n = normalise(raw);
    if aliases::LEVEL_COMMUNITY.contains(&n.as_str()) {
        Ok(Level::Community)
    } else if aliases::LEVEL_STREET.contains(&n.as_str()) {
        Ok(Level::Street)
    } else {
        let values: [(&str, &dyn std::fmt::Display); 3] =
            [("raw", &raw), ("community", &print::COMMUNITY.zh), ("street", &print::STREET.zh)];
        Err(fill(reader::UNKNOWN_LEVEL, &values))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cost(s: &str) -> Result<u64, Message> {
        parse_amount(&Value::Text(s.into()), Unit::Yuan).map(|a| a.yuan)
    }

    #[test]
    fn costs_are_read_the_way_organisers_write_them() {
        for (text, yuan) in [
            ("12,000", 12_000),
            ("12000", 12_000),
            ("12000.00", 12_000),
            ("1.2万", 12_000),
            ("¥8000元", 8_000),
            ("１２０００", 12_000),
            ("１．２万", 12_000),
            ("3万元", 30_000),
            ("3千元", 3_000),
            ("约5万", 50_000),
            ("RMB 1,234,567", 1_234_567),
            ("12 000", 12_000),
        ] {
            assert_eq!(cost(text), Ok(yuan), "{text}");
        }
        for bad in ["abc", "1e5", "inf", "万", "12-3", "3-5万", "1,2万", "12,00", "12.000", "1.2.3", "-", "1,2345"] {
            assert!(cost(bad).is_err(), "{bad}");
        }
        assert!(cost("-5").unwrap_err().1.contains("negative"));
        assert!(cost("1,2万").unwrap_err().0.contains("逗号"));
        let a = parse_amount(&Value::Text("100.4".into()), Unit::Yuan).unwrap();
        assert_eq!((a.yuan, a.rounded, a.explicit), (100, true, false));
        // The column's unit applies to bare numbers, a written unit wins.
        let wan = |v: Value| parse_amount(&v, Unit::Wan).map(|a| (a.yuan, a.explicit));
        assert_eq!(wan(Value::Number(1.4)), Ok((14_000, false)));
        assert_eq!(wan(Value::Text("3".into())), Ok((30_000, false)));
        assert_eq!(wan(Value::Text("3000元".into())), Ok((3_000, true)));
        assert_eq!(wan(Value::Text("1.235".into())), Ok((12_350, false)), "three decimals of 万 are whole yuan");
        assert!(parse_amount(&Value::Date("2026-03-05".into()), Unit::Yuan).unwrap_err().1.contains("date"));
        assert!(parse_amount(&Value::Unsaved("B2*3".into()), Unit::Yuan).unwrap_err().1.contains("no saved result"));
    }

    #[test]
    fn headers_are_read_with_their_units() {
        let h = |s: &str| {
            let r = read_header(s);
            (r.field, r.unit)
        };
        assert_eq!(h("估算金额（万元）"), (Some(Field::Cost), Some(Unit::Wan)));
        assert_eq!(h("估算金额(元)"), (Some(Field::Cost), Some(Unit::Yuan)));
        assert_eq!(h("预算/估算金额(元)"), (Some(Field::Cost), Some(Unit::Yuan)));
        assert_eq!(h("金额（单位：千元）"), (Some(Field::Cost), Some(Unit::Qian)));
        assert_eq!(h("金额万元"), (Some(Field::Cost), Some(Unit::Wan)));
        assert_eq!(h("Cost (yuan)"), (Some(Field::Cost), Some(Unit::Yuan)));
        assert_eq!(h("项目预算金额"), (Some(Field::Cost), None));
        assert_eq!(h("项目内容/简介"), (Some(Field::Description), None));
        assert_eq!(h(" 项目名称* "), (Some(Field::Title), None));
        assert_eq!(h("ＩＤ"), (Some(Field::Id), None));
        assert_eq!(h("备注"), (None, None));
        assert_eq!(h("备注说明"), (None, None));
        assert_eq!(h("楼栋单元"), (None, None));
        assert_eq!(read_header("序号").priority, 0);
        assert_eq!(read_header("编号/名称").two_fields, [Field::Id, Field::Title]);
        assert_eq!(read_header("金额（元/万元）").unit_unclear.as_deref(), Some("元/万元"));
    }

    #[test]
    fn ids_fold_like_the_engine_folds_marks() {
        assert_eq!(fold_id("Ｐ０５"), "P05");
        assert_eq!(fold_id(" p05 "), "P05");
        assert!(id_problem("P1,2").is_some() && id_problem("A;B").is_some() && id_problem("\"x\"").is_some());
        assert!(id_problem("P-05").is_none() && id_problem("Ｐ０５").is_none());
    }

    #[test]
    fn totals_footers_and_sections_are_told_from_proposals() {
        for t in ["合计", "合 计", "总计：", "共60项", "共 60 个项目", "Total", "小计", "合计（万元）"]
        {
            assert!(totals_label(t).is_some(), "{t}");
        }
        assert_eq!(totals_label("小计"), Some(false));
        for t in ["合作社活动室", "总结会", "共享单车停放点", "P01", "共建花园"] {
            assert!(totals_label(t).is_none(), "{t}");
        }
        assert_eq!(count_label("共60项"), Some(60));
        assert_eq!(count_label("合计：12 个"), Some(12));
        assert_eq!(count_label("共享单车"), None);
        assert!(is_column_sum("SUM(G4:G63)") && is_column_sum("_xlfn.SUBTOTAL(9,$G$4:$G$63)"));
        assert!(!is_column_sum("SUM(D5:F5)") && !is_column_sum("B2*3"));
        for t in ["制表人：王芳", "审核：", "注：金额为估算", "日期: 2026-11-01", "注1: 见附件"] {
            assert!(footer_label(t), "{t}");
        }
        for t in ["注意安全", "说明会场地", "审核流程优化"] {
            assert!(!footer_label(t), "{t}");
        }
        assert!(section_heading("一、环境整治类") && section_heading("（二）设施改造"));
        assert!(!section_heading("一楼大厅") && !section_heading("十字路口"));
    }
}
