//! The proposals table as the clerk's program shows it: a grid of cells
//! with what each cell holds (text, a number, a date, an error, a formula
//! whose result was never saved), which rows and columns are hidden, and
//! which cells were merged. Both file formats are reduced to this, so that
//! `table.rs` reads them with one set of rules.
//!
//! - `.xlsx`: calamine reads the values, the formulas and the merged regions;
//!   it does not expose hidden rows and columns, so those come from the
//!   sheet's own XML (`<row hidden="1">`, `<col hidden="1">`), read with the
//!   `zip` and `quick-xml` crates calamine itself is built on.
//! - `.csv`: UTF-8 (with or without a byte-order mark), UTF-16 with a BOM
//!   (Excel's "Unicode text"), or GBK/GB18030 (the plain "CSV" of a Chinese
//!   Windows), told apart by the bytes; `,` `;` or tab separated.

use std::collections::{BTreeSet, HashMap};
use std::io::Read;
use std::path::Path;

use super::{both, At, DefinitionError, Problem};
use yuanzhuo_protocol::words::reader;

/// What a cell holds, as far as the loader cares.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Empty,
    Text(String),
    Number(f64),
    /// A cell formatted as a date or a time, as Excel would show it.
    Date(String),
    /// An error value such as `#REF!`.
    Error(String),
    /// A formula whose result was never saved (the file was written by a
    /// program that does not compute formulas): the formula itself.
    Unsaved(String),
}

impl Value {
    /// The cell as text, the way the clerk sees it ("" for nothing).
    pub fn text(&self) -> String {
        match self {
            Value::Empty | Value::Unsaved(_) => String::new(),
            Value::Text(s) => s.trim().to_string(),
            Value::Number(n) => number_text(*n),
            Value::Date(s) | Value::Error(s) => s.clone(),
        }
    }

    pub fn is_empty(&self) -> bool {
        match self {
            Value::Empty => true,
            Value::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

/// 12000.0 → "12000", 0.5 → "0.5": how Excel shows a number in General format.
pub fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub value: Value,
    /// The formula, when the cell has one (without the leading `=`).
    pub formula: Option<String>,
    /// Set on every cell of a merged region's first column, rows included:
    /// the region's first and last row (0-based). Cells below the first hold
    /// a copy of the first cell's value (`filled`).
    pub merged: Option<(usize, usize)>,
    pub filled: bool,
}

impl Cell {
    pub fn new(value: Value) -> Cell {
        Cell { value, formula: None, merged: None, filled: false }
    }
}

/// One row, numbered as the spreadsheet shows it (first row = 1).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub number: usize,
    pub cells: Vec<Cell>,
    pub hidden: bool,
}

impl Row {
    pub fn cell(&self, col: usize) -> Option<&Cell> {
        self.cells.get(col)
    }

    pub fn text(&self, col: usize) -> String {
        self.cell(col).map(|c| c.value.text()).unwrap_or_default()
    }

    /// Nothing the clerk typed on this row (a merged cell's copies do not
    /// count: they belong to the row the merge starts on).
    pub fn is_blank(&self, hidden_columns: &BTreeSet<usize>) -> bool {
        self.cells.iter().enumerate().all(|(i, c)| c.value.is_empty() || c.filled || hidden_columns.contains(&i))
    }
}

/// One worksheet (or the whole CSV file).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Grid {
    /// The worksheet's name; `None` for a CSV file.
    pub name: Option<String>,
    pub visible: bool,
    pub rows: Vec<Row>,
    pub hidden_columns: BTreeSet<usize>,
    /// How the file was read, worth telling the clerk (an encoding guessed).
    pub notes: Vec<String>,
}

/// Column index (0-based) as Excel names it: 0 → A, 26 → AA.
pub fn column_letter(mut col: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

// ---------------------------------------------------------------- CSV

/// Decode a CSV file's bytes: UTF-8 (BOM or not), UTF-16 with its BOM, or
/// else GBK/GB18030, which is what Excel's plain "CSV" is on a Chinese
/// Windows. Returns the text and a note when it was not UTF-8.
pub fn decode_csv(bytes: &[u8]) -> Result<(String, Option<String>), DefinitionError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest).map(|s| (s.to_string(), None)).map_err(|_| not_decodable());
    }
    if let Some((encoding, _)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _, bad) = encoding.decode(bytes);
        if bad {
            return Err(not_decodable());
        }
        let note = both(reader::ENCODING_READ_AS, &[("encoding", &encoding.name())]);
        return Ok((text.into_owned(), Some(note)));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((text.to_string(), None));
    }
    match encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => Ok((text.into_owned(), Some(both(reader::READ_AS_GBK, &[])))),
        None => Err(not_decodable()),
    }
}

fn not_decodable() -> DefinitionError {
    let problem = Problem::said(At::File, reader::ENCODING_UNKNOWN, &[]);
    DefinitionError::Proposals { file: String::new(), sheet: None, problems: vec![problem] }
}

/// The CSV text as a grid, rows numbered as Excel would show them: a quoted
/// field with line breaks is one row, and an empty line is a row too (the
/// csv crate skips empty lines, so they are counted back here).
pub fn csv_grid(text: &str) -> Result<Grid, DefinitionError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(text))
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut number = 0;
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(&e))?;
        // A record's position is where the previous one ended, so any empty
        // lines the reader skipped lie at the start of this span.
        let start = record.position().map(|p| p.byte() as usize).unwrap_or(0);
        let mut span = text.get(start..).unwrap_or("");
        if start > 0 && text.as_bytes()[start - 1] == b'\r' {
            // The previous record ended at the '\r' of a "\r\n" (Excel's line end).
            span = span.strip_prefix('\n').unwrap_or(span);
        }
        number += 1 + leading_empty_lines(span);
        let cells = record
            .iter()
            .map(|c| {
                let c = c.trim();
                Cell::new(if c.is_empty() { Value::Empty } else { Value::Text(c.to_string()) })
            })
            .collect();
        rows.push(Row { number, cells, hidden: false });
    }
    Ok(Grid { name: None, visible: true, rows, hidden_columns: BTreeSet::new(), notes: vec![] })
}

fn leading_empty_lines(mut s: &str) -> usize {
    let mut n = 0;
    while let Some(rest) = s.strip_prefix("\r\n").or_else(|| s.strip_prefix('\n')).or_else(|| s.strip_prefix('\r')) {
        s = rest;
        n += 1;
    }
    n
}

fn csv_error(e: &csv::Error) -> DefinitionError {
    let at = e.position().map(|p| At::Line(p.line() as usize)).unwrap_or(At::File);
    DefinitionError::Proposals {
        file: String::new(),
        sheet: None,
        problems: vec![Problem::said(at, reader::MALFORMED_CSV, &[("error", e)])],
    }
}

/// Excel writes ';' in some locales and WPS can export tab-separated text;
/// the header line tells which one this file uses.
fn sniff_delimiter(text: &str) -> u8 {
    let header = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| (header.bytes().filter(|b| b == d).count(), *d == b','))
        .unwrap_or(b',')
}

// ---------------------------------------------------------------- XLSX

/// Every worksheet of an `.xlsx` workbook, in the workbook's order.
pub fn xlsx_grids(path: &Path) -> Result<Vec<Grid>, DefinitionError> {
    use calamine::{open_workbook, Reader, SheetType, SheetVisible, Xlsx};
    let read_error = |reason: String| DefinitionError::Read { file: path.display().to_string(), reason };
    if !path.exists() {
        return Err(read_error(both(reader::NO_SUCH_FILE, &[])));
    }
    // A renamed .xls or .et file fails here; say what to do about it.
    let mut book: Xlsx<_> = open_workbook(path)
        .map_err(|e: calamine::XlsxError| read_error(both(reader::NOT_AN_XLSX, &[("error", &e)])))?;
    let hidden = hidden_rows_and_columns(path).map_err(read_error)?;
    let sheets: Vec<(String, bool)> = book
        .sheets_metadata()
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet)
        .map(|s| (s.name.clone(), s.visible == SheetVisible::Visible))
        .collect();
    let mut grids = Vec::new();
    for (name, visible) in sheets {
        let values = book.worksheet_range(&name).map_err(|e| read_error(format!("{name}: {e}")))?;
        let formulas = book.worksheet_formula(&name).map_err(|e| read_error(format!("{name}: {e}")))?;
        let merges = match book.worksheet_merge_cells(&name) {
            Some(m) => m.map_err(|e| read_error(format!("{name}: {e}")))?,
            None => vec![],
        };
        let (hidden_rows, hidden_columns) = hidden.get(&name).cloned().unwrap_or_default();
        grids.push(build_grid(name, visible, &values, &formulas, &merges, &hidden_rows, hidden_columns));
    }
    Ok(grids)
}

fn build_grid(
    name: String,
    visible: bool,
    values: &calamine::Range<calamine::Data>,
    formulas: &calamine::Range<String>,
    merges: &[calamine::Dimensions],
    hidden_rows: &BTreeSet<usize>,
    hidden_columns: BTreeSet<usize>,
) -> Grid {
    let mut cells: HashMap<(usize, usize), Cell> = HashMap::new();
    let (mut rows_end, mut cols_end) = (0usize, 0usize);
    let mut extend = |r: usize, c: usize| {
        rows_end = rows_end.max(r + 1);
        cols_end = cols_end.max(c + 1);
    };
    if let Some((r0, c0)) = values.start() {
        for (r, c, data) in values.cells() {
            let at = (r0 as usize + r, c0 as usize + c);
            let value = data_value(data);
            if value != Value::Empty {
                extend(at.0, at.1);
                cells.insert(at, Cell::new(value));
            }
        }
    }
    if let Some((r0, c0)) = formulas.start() {
        for (r, c, f) in formulas.cells() {
            if f.trim().is_empty() {
                continue;
            }
            let at = (r0 as usize + r, c0 as usize + c);
            extend(at.0, at.1);
            let cell = cells.entry(at).or_insert_with(|| Cell::new(Value::Empty));
            let f = f.trim().trim_start_matches('=').to_string();
            if cell.value.is_empty() {
                cell.value = Value::Unsaved(f.clone());
            }
            cell.formula = Some(f);
        }
    }
    for r in hidden_rows {
        extend(*r, 0);
    }
    // Merged regions: the first column of each is filled down, so that a
    // category merged over a run of rows reaches every row of the run.
    for m in merges {
        let (r1, c1) = (m.start.0 as usize, m.start.1 as usize);
        let r2 = m.end.0 as usize;
        extend(r2, c1);
        let origin = cells.get(&(r1, c1)).cloned().unwrap_or_else(|| Cell::new(Value::Empty));
        for r in r1..=r2 {
            let cell = cells.entry((r, c1)).or_insert_with(|| Cell::new(Value::Empty));
            if r > r1 {
                cell.value = origin.value.clone();
                cell.formula = origin.formula.clone();
                cell.filled = true;
            }
            if r2 > r1 {
                cell.merged = Some((r1, r2));
            }
        }
    }
    let rows = (0..rows_end)
        .map(|r| Row {
            number: r + 1,
            cells: (0..cols_end).map(|c| cells.remove(&(r, c)).unwrap_or_else(|| Cell::new(Value::Empty))).collect(),
            hidden: hidden_rows.contains(&r),
        })
        .collect();
    Grid { name: Some(name), visible, rows, hidden_columns, notes: vec![] }
}

fn data_value(d: &calamine::Data) -> Value {
    use calamine::Data;
    match d {
        Data::Empty => Value::Empty,
        Data::String(s) if s.trim().is_empty() => Value::Empty,
        Data::String(s) => Value::Text(s.clone()),
        Data::Float(f) => Value::Number(*f),
        Data::Int(i) => Value::Number(*i as f64),
        Data::Bool(b) => Value::Text(if *b { "TRUE" } else { "FALSE" }.to_string()),
        Data::DateTime(dt) => Value::Date(excel_date_text(dt.as_f64(), dt.is_duration())),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Value::Date(s.clone()),
        Data::Error(e) => Value::Error(e.to_string()),
    }
}

/// An Excel serial date (days since 1899-12-30) as `2026-03-05` (with the
/// time when it has one); a duration as hours and minutes.
pub fn excel_date_text(serial: f64, duration: bool) -> String {
    let minutes = ((serial.fract() * 1440.0).round() as i64).rem_euclid(1440);
    if duration {
        let total = (serial * 1440.0).round() as i64;
        return format!("{}:{:02}", total / 60, total % 60);
    }
    let days = serial.floor() as i64 - 25_569; // days since 1970-01-01
    let (y, m, d) = civil_from_days(days);
    if minutes == 0 {
        format!("{y}-{m:02}-{d:02}")
    } else {
        format!("{y}-{m:02}-{d:02} {}:{:02}", minutes / 60, minutes % 60)
    }
}

/// Howard Hinnant's civil-from-days: days since 1970-01-01 → (y, m, d).
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Per worksheet name: its hidden rows and columns (0-based). calamine does
/// not read them, so this reads `xl/workbook.xml` (sheet name → relationship
/// id), its relationships (id → part) and each sheet part's `<row hidden>`
/// and `<col hidden>` attributes.
type Hidden = HashMap<String, (BTreeSet<usize>, BTreeSet<usize>)>;

fn hidden_rows_and_columns(path: &Path) -> Result<Hidden, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(|e| e.to_string())?;
    let mut part = |name: &str| -> Result<Option<Vec<u8>>, String> {
        match zip.by_name(name) {
            Ok(mut f) => {
                let mut buf = Vec::new();
                f.read_to_end(&mut buf).map_err(|e| e.to_string())?;
                Ok(Some(buf))
            }
            Err(zip::result::ZipError::FileNotFound) => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    };
    let Some(workbook) = part("xl/workbook.xml")? else { return Ok(Hidden::new()) };
    let rels = part("xl/_rels/workbook.xml.rels")?.unwrap_or_default();
    let mut targets = HashMap::new();
    for_each_element(&rels, |name, attrs| {
        if name == b"Relationship" {
            if let (Some(id), Some(target)) = (attrs.get("Id"), attrs.get("Target")) {
                let target = match target.strip_prefix('/') {
                    Some(abs) => abs.to_string(),
                    None => format!("xl/{target}"),
                };
                targets.insert(id.clone(), target);
            }
        }
    })?;
    let mut sheets = Vec::new();
    for_each_element(&workbook, |name, attrs| {
        if name == b"sheet" {
            if let (Some(n), Some(id)) = (attrs.get("name"), attrs.get("id")) {
                sheets.push((n.clone(), id.clone()));
            }
        }
    })?;
    let mut out = Hidden::new();
    for (sheet, id) in sheets {
        let Some(target) = targets.get(&id) else { continue };
        let Some(xml) = part(target)? else { continue };
        let (mut rows, mut cols) = (BTreeSet::new(), BTreeSet::new());
        for_each_element(&xml, |name, attrs| {
            let hidden = attrs.get("hidden").is_some_and(|v| v == "1" || v == "true");
            if !hidden {
                return;
            }
            if name == b"row" {
                if let Some(r) = attrs.get("r").and_then(|r| r.parse::<usize>().ok()) {
                    rows.insert(r - 1);
                }
            } else if name == b"col" {
                let min = attrs.get("min").and_then(|v| v.parse::<usize>().ok());
                let max = attrs.get("max").and_then(|v| v.parse::<usize>().ok());
                if let (Some(min), Some(max)) = (min, max) {
                    // A `<col>` may style every column to the sheet's end
                    // (max 16384); only columns that can hold data matter.
                    cols.extend((min.max(1) - 1)..max.min(1024));
                }
            }
        })?;
        out.insert(sheet, (rows, cols));
    }
    Ok(out)
}

/// Call `f` with the local name and the attributes (local names, unescaped
/// values) of every start or empty element of an XML document.
fn for_each_element(xml: &[u8], mut f: impl FnMut(&[u8], &HashMap<String, String>)) -> Result<(), String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf).map_err(|e| e.to_string())? {
            Event::Start(e) | Event::Empty(e) => {
                let mut attrs = HashMap::new();
                for a in e.attributes().flatten() {
                    let key = String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned();
                    let value = a
                        .decode_and_unescape_value(reader.decoder())
                        .map(|v| v.into_owned())
                        .unwrap_or_else(|_| String::from_utf8_lossy(&a.value).into_owned());
                    attrs.insert(key, value);
                }
                f(e.local_name().as_ref(), &attrs);
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
        buf.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_follow_excel() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn excel_dates_read_as_the_sheet_shows_them() {
        assert_eq!(excel_date_text(46_086.0, false), "2026-03-05");
        assert_eq!(excel_date_text(46_086.5, false), "2026-03-05 12:00");
        assert_eq!(excel_date_text(1.5, true), "36:00");
    }

    #[test]
    fn csv_encodings_are_told_apart() {
        let (text, note) = decode_csv("编号,标题".as_bytes()).unwrap();
        assert_eq!((text.as_str(), note), ("编号,标题", None));
        let (text, note) = decode_csv(b"\xEF\xBB\xBFid").unwrap();
        assert_eq!((text.as_str(), note), ("id", None));
        let (gbk, _, _) = encoding_rs::GBK.encode("编号,标题,估算金额");
        let (text, note) = decode_csv(&gbk).unwrap();
        assert_eq!(text, "编号,标题,估算金额");
        assert!(note.unwrap().contains("GBK"));
        let mut utf16 = vec![0xFF, 0xFE];
        for u in "编号\t标题".encode_utf16() {
            utf16.extend(u.to_le_bytes());
        }
        let (text, note) = decode_csv(&utf16).unwrap();
        assert_eq!(text, "编号\t标题");
        assert!(note.unwrap().contains("UTF-16"));
        assert!(decode_csv(b"\xEF\xBB\xBF\xff\xfe\xfd").is_err());
    }
}
