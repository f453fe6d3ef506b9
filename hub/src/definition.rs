//! The meeting definition loader: turns the organiser's files (a TOML meeting
//! file and a CSV or XLSX proposals table) into a checked [`Definition`],
//! and owns the built-in demo meeting (`hub/demo/`).
//!
//! Everything here runs before the meeting exists, on the organiser's laptop,
//! often the evening before. So every message is bilingual (Chinese first),
//! names the file and the row number as the organiser sees it in Excel
//! (header = row 1), and a file's problems are reported all at once, so that
//! one round of fixing in Excel is enough. The file format is described in
//! `docs/meeting-file.md`.

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use yuanzhuo_protocol::{
    Allocation, Assignment, BoardDisclosure, Budget, Definition, Level, MeetingInfo, Proposal, Registration, Rules,
    TallyVisibility, TieBreak,
};

/// Most tables a meeting may have (MEETING.md, "numbers to design for").
pub const MAX_TABLES: usize = 30;
/// Most proposals a meeting may have.
pub const MAX_PROPOSALS: usize = 500;

const DEMO_MEETING: &str = include_str!("../demo/meeting.toml");
const DEMO_PROPOSALS: &str = include_str!("../demo/proposals.csv");
const DEMO_MEETING_LABEL: &str = "demo/meeting.toml";
const DEMO_PROPOSALS_LABEL: &str = "demo/proposals.csv";
/// Longest error listing printed; the rest is summarised as a count.
const MAX_SHOWN_PROBLEMS: usize = 50;

// ---------------------------------------------------------------- errors

/// Where in a file a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum At {
    /// The file as a whole (empty, wrong encoding, rules that do not fit).
    File,
    /// A spreadsheet row, numbered as Excel shows it (header = 1).
    Row(usize),
    /// A line of a text file (the TOML meeting file).
    Line(usize),
}

/// One thing wrong with a file, in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub at: At,
    pub zh: String,
    pub en: String,
}

impl Problem {
    fn new(at: At, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Problem { at, zh: zh.into(), en: en.into() }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.at {
            At::File => write!(f, "{} / {}", self.zh, self.en),
            At::Row(n) => write!(f, "第 {n} 行：{} / row {n}: {}", self.zh, self.en),
            At::Line(n) => write!(f, "第 {n} 行：{} / line {n}: {}", self.zh, self.en),
        }
    }
}

/// Why a meeting definition could not be loaded. `file` names the file as
/// given on the command line (or `demo/…` for the built-in demo).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DefinitionError {
    /// The file could not be opened or read.
    Read { file: String, reason: String },
    /// The proposals file is neither `.csv` nor `.xlsx`.
    UnsupportedFormat { file: String },
    /// The meeting file names no proposals file and none was given.
    NoProposalsFile { file: String },
    /// The meeting file (TOML) is malformed, or has an unknown key or value.
    Meeting { file: String, problems: Vec<Problem> },
    /// The proposals table has problems; all of them are listed.
    Proposals { file: String, problems: Vec<Problem> },
    /// Rules and proposals are each well-formed but do not make a meeting.
    Invalid { file: String, problems: Vec<Problem> },
}

impl DefinitionError {
    /// Name the file the error is about (the parsers work on text and bytes,
    /// so only the caller knows the file name).
    pub fn in_file(mut self, name: &str) -> Self {
        match &mut self {
            DefinitionError::Read { file, .. }
            | DefinitionError::UnsupportedFormat { file }
            | DefinitionError::NoProposalsFile { file }
            | DefinitionError::Meeting { file, .. }
            | DefinitionError::Proposals { file, .. }
            | DefinitionError::Invalid { file, .. } => *file = name.to_string(),
        }
        self
    }

    /// The individual problems, if the error has a list of them.
    pub fn problems(&self) -> &[Problem] {
        match self {
            DefinitionError::Meeting { problems, .. }
            | DefinitionError::Proposals { problems, .. }
            | DefinitionError::Invalid { problems, .. } => problems,
            _ => &[],
        }
    }
}

impl fmt::Display for DefinitionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DefinitionError::Read { file, reason } => write!(f, "无法读取文件 {file} / cannot read {file}: {reason}"),
            DefinitionError::UnsupportedFormat { file } => write!(
                f,
                "提案表 {file} 的格式不支持，请另存为 .xlsx 或 .csv（UTF-8） / \
                 unsupported proposals file {file}: save it as .xlsx or .csv (UTF-8)"
            ),
            DefinitionError::NoProposalsFile { file } => write!(
                f,
                "会议文件 {file} 没有指定提案表：请在 [meeting] 中写 proposals = \"提案.xlsx\"，或用 --proposals 指定 / \
                 the meeting file {file} names no proposals file: add proposals = \"proposals.xlsx\" under [meeting] or pass --proposals"
            ),
            DefinitionError::Meeting { file, problems } => {
                write_problems(f, &format!("会议文件 {file} 有误"), &format!("meeting file {file} has errors"), problems)
            }
            DefinitionError::Proposals { file, problems } => write_problems(
                f,
                &format!("提案表 {file} 有 {} 处问题", problems.len()),
                &format!("proposals file {file} has {} problem(s)", problems.len()),
                problems,
            ),
            DefinitionError::Invalid { file, problems } => write_problems(
                f,
                &format!("会议规则与提案不符（{file}）"),
                &format!("the rules and proposals do not make a valid meeting ({file})"),
                problems,
            ),
        }
    }
}

fn write_problems(f: &mut fmt::Formatter<'_>, zh: &str, en: &str, problems: &[Problem]) -> fmt::Result {
    write!(f, "{zh} / {en}:")?;
    for p in problems.iter().take(MAX_SHOWN_PROBLEMS) {
        write!(f, "\n  {p}")?;
    }
    if problems.len() > MAX_SHOWN_PROBLEMS {
        let more = problems.len() - MAX_SHOWN_PROBLEMS;
        write!(f, "\n  ……另有 {more} 处 / … and {more} more")?;
    }
    Ok(())
}

impl std::error::Error for DefinitionError {}

// ---------------------------------------------------------------- loading

/// A checked definition and the warnings the organiser should read (the
/// meeting can still run with them).
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub definition: Definition,
    pub warnings: Vec<String>,
}

/// The built-in demo meeting. It goes through the same parser as the
/// organiser's files, so the demo is also a test of the loader.
pub fn demo() -> Definition {
    match load(None, None) {
        Ok(l) => l.definition,
        Err(e) => panic!("the built-in demo meeting is broken: {e}"),
    }
}

/// Load and check a meeting. `meeting = None` is the built-in demo meeting
/// file; `proposals = None` is the file the meeting file names (relative to
/// the meeting file's folder), or the demo proposals for the demo.
pub fn load(meeting: Option<&Path>, proposals: Option<&Path>) -> Result<Loaded, DefinitionError> {
    let (meeting_label, text) = match meeting {
        Some(p) => (p.display().to_string(), read_text(p)?),
        None => (DEMO_MEETING_LABEL.to_string(), DEMO_MEETING.to_string()),
    };
    let (info, rules, named) = parse_meeting_toml(&text).map_err(|e| e.in_file(&meeting_label))?;

    let (proposals_label, (list, mut warnings)) = match (proposals, meeting, named) {
        (Some(p), _, _) => (p.display().to_string(), read_proposals(p)?),
        (None, None, _) => (
            DEMO_PROPOSALS_LABEL.to_string(),
            parse_proposals_csv(DEMO_PROPOSALS.as_bytes()).map_err(|e| e.in_file(DEMO_PROPOSALS_LABEL))?,
        ),
        (None, Some(m), Some(name)) => {
            let p = beside(m, &name);
            (p.display().to_string(), read_proposals(&p)?)
        }
        (None, Some(_), None) => return Err(DefinitionError::NoProposalsFile { file: meeting_label }),
    };

    let definition = Definition { meeting: info, rules, proposals: list };
    let both = format!("{meeting_label} + {proposals_label}");
    warnings.extend(validate(&definition).map_err(|e| e.in_file(&both))?);
    Ok(Loaded { definition, warnings })
}

/// A path named inside the meeting file is relative to that file's folder,
/// so the two files can be moved together.
fn beside(meeting: &Path, name: &str) -> PathBuf {
    let named = Path::new(name);
    match meeting.parent() {
        Some(dir) if named.is_relative() => dir.join(named),
        _ => named.to_path_buf(),
    }
}

fn read_text(path: &Path) -> Result<String, DefinitionError> {
    let bytes = read_bytes(path)?;
    String::from_utf8(strip_bom(&bytes).to_vec()).map_err(|_| DefinitionError::Meeting {
        file: path.display().to_string(),
        problems: vec![Problem::new(
            At::File,
            "文件不是 UTF-8 编码：请用记事本或 VS Code 另存为 UTF-8",
            "the file is not UTF-8: save it as UTF-8 (Notepad, VS Code)",
        )],
    })
}

fn read_bytes(path: &Path) -> Result<Vec<u8>, DefinitionError> {
    std::fs::read(path).map_err(|e| {
        let reason = match e.kind() {
            std::io::ErrorKind::NotFound => "找不到该文件 / no such file".to_string(),
            _ => e.to_string(),
        };
        DefinitionError::Read { file: path.display().to_string(), reason }
    })
}

/// Pick the parser by extension; the organiser's table is usually an Excel
/// workbook, sometimes Excel's CSV export.
fn read_proposals(path: &Path) -> Result<(Vec<Proposal>, Vec<String>), DefinitionError> {
    let label = path.display().to_string();
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let parsed = match ext.as_str() {
        "csv" => parse_proposals_csv(&read_bytes(path)?),
        "xlsx" => parse_proposals_xlsx(path),
        _ => return Err(DefinitionError::UnsupportedFormat { file: label }),
    };
    parsed.map_err(|e| e.in_file(&label))
}

// ---------------------------------------------------------------- meeting file

// Private mirror of the TOML file. `deny_unknown_fields` turns a misspelt
// key (`max_choice = 5`) into an error instead of a silently ignored rule.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MeetingFile {
    meeting: MeetingSection,
    rules: RulesSection,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MeetingSection {
    name: String,
    #[serde(default)]
    venue: String,
    /// A string or a bare TOML date (`date = 2026-11-28`); both are common.
    #[serde(default)]
    date: Option<toml::Value>,
    #[serde(default = "default_language")]
    language: String,
    #[serde(default)]
    proposals: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesSection {
    #[serde(default)]
    tables: Option<u32>,
    #[serde(default)]
    table_names: Option<Vec<String>>,
    #[serde(default = "default_picks")]
    picks_per_table: u32,
    #[serde(default = "default_max_choices")]
    max_choices: u32,
    #[serde(default = "default_discussion")]
    discussion_minutes: u32,
    #[serde(default = "default_pitch")]
    pitch_minutes: u32,
    #[serde(default = "default_tally")]
    tally: TallyVisibility,
    #[serde(default = "default_assignment")]
    assignment: Assignment,
    #[serde(default = "default_allocation")]
    allocation: Allocation,
    #[serde(default = "default_tie_break")]
    tie_break: TieBreak,
    /// What the public board shows of each ballot: "choices" or "receipts_only".
    #[serde(default)]
    board: BoardDisclosure,
    /// "none" (default) or "door": a register at the door.
    #[serde(default)]
    registration: Registration,
    budget: BudgetSection,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BudgetSection {
    amount: u64,
    #[serde(default = "default_currency")]
    currency: String,
}

fn default_language() -> String {
    "zh".into()
}
fn default_picks() -> u32 {
    3
}
fn default_max_choices() -> u32 {
    10
}
fn default_discussion() -> u32 {
    40
}
fn default_pitch() -> u32 {
    3
}
fn default_tally() -> TallyVisibility {
    TallyVisibility::Live
}
fn default_assignment() -> Assignment {
    Assignment::SplitEvenly
}
fn default_allocation() -> Allocation {
    Allocation::GreedySkip
}
fn default_tie_break() -> TieBreak {
    TieBreak::LowerCost
}
fn default_currency() -> String {
    "CNY".into()
}

/// Parse the meeting file. Checks its shape (keys, types, tables given one
/// way); the numbers themselves are checked by [`validate`], which also sees
/// the proposals. Returns the proposals path named in the file, if any.
pub fn parse_meeting_toml(text: &str) -> Result<(MeetingInfo, Rules, Option<String>), DefinitionError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let file: MeetingFile = toml::from_str(text).map_err(|e| toml_error(text, &e))?;
    let m = file.meeting;
    let r = file.rules;
    let tables = table_names(r.tables, r.table_names).map_err(|p| meeting_error(vec![p]))?;
    let info = MeetingInfo {
        name: m.name.trim().to_string(),
        venue: m.venue.trim().to_string(),
        date: date_text(m.date),
        language: m.language.trim().to_string(),
    };
    let rules = Rules {
        tables,
        picks_per_table: r.picks_per_table,
        max_choices: r.max_choices,
        discussion_minutes: r.discussion_minutes,
        pitch_minutes: r.pitch_minutes,
        budget: Budget { amount: r.budget.amount, currency: r.budget.currency.trim().to_string() },
        allocation: r.allocation,
        tie_break: r.tie_break,
        tally: r.tally,
        assignment: r.assignment,
        board: r.board,
        registration: r.registration,
    };
    let proposals = m.proposals.map(|p| p.trim().to_string()).filter(|p| !p.is_empty());
    Ok((info, rules, proposals))
}

fn meeting_error(problems: Vec<Problem>) -> DefinitionError {
    DefinitionError::Meeting { file: String::new(), problems }
}

/// A TOML error as a problem on its line. Serde's messages are English; the
/// common ones (misspelt key, missing key) get a Chinese explanation.
fn toml_error(text: &str, e: &toml::de::Error) -> DefinitionError {
    let at = match e.span() {
        Some(span) => At::Line(text.get(..span.start).unwrap_or(text).matches('\n').count() + 1),
        None => At::File,
    };
    let msg = e.message().trim().to_string();
    let zh = if let Some(key) = quoted_after(&msg, "unknown field `") {
        format!("未知的设置项 {key}（拼写错误？）")
    } else if let Some(key) = quoted_after(&msg, "missing field `") {
        format!("缺少必填项 {key}")
    } else {
        "会议文件格式有误".to_string()
    };
    meeting_error(vec![Problem::new(at, zh, msg)])
}

/// The text between `prefix` and the next backquote, e.g. the key in
/// "unknown field `max_choice`, expected …".
fn quoted_after<'a>(msg: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = &msg[msg.find(prefix)? + prefix.len()..];
    rest.split('`').next()
}

fn date_text(v: Option<toml::Value>) -> String {
    match v {
        None => String::new(),
        Some(toml::Value::String(s)) => s.trim().to_string(),
        Some(other) => other.to_string(),
    }
}

/// Tables are given as a count (named 第1桌…第N桌) or as a list of names.
fn table_names(count: Option<u32>, names: Option<Vec<String>>) -> Result<Vec<String>, Problem> {
    match (count, names) {
        (Some(n), Some(list)) if n as usize != list.len() => Err(Problem::new(
            At::File,
            format!("tables = {n} 与 table_names 的 {} 个桌名不一致，只写其中一项即可", list.len()),
            format!("tables = {n} disagrees with the {} names in table_names; give only one of them", list.len()),
        )),
        (_, Some(list)) => Ok(list.into_iter().map(|s| s.trim().to_string()).collect()),
        // Refuse absurd counts here, before allocating a name for each.
        (Some(n), None) if n as usize > MAX_TABLES => Err(too_many_tables(n as usize)),
        (Some(n), None) => Ok((1..=n).map(|i| format!("第{i}桌")).collect()),
        (None, None) => Err(Problem::new(
            At::File,
            "[rules] 中缺少桌数：请写 tables = 6 或 table_names = [\"第一桌\", …]",
            "[rules] has no tables: write tables = 6 or table_names = [\"Table 1\", …]",
        )),
    }
}

fn too_many_tables(n: usize) -> Problem {
    Problem::new(
        At::File,
        format!("桌数最多 {MAX_TABLES} 张，现在是 {n} 张"),
        format!("at most {MAX_TABLES} tables, got {n}"),
    )
}

// ---------------------------------------------------------------- proposals table

/// The columns the loader understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
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
    const REQUIRED: [Field; 3] = [Field::Id, Field::Title, Field::Cost];

    /// Header spellings, compared after [`normalise_header`] (lower case,
    /// no spaces, no "(元)"-style unit suffix).
    fn from_header(h: &str) -> Option<Field> {
        Some(match h {
            "id" | "编号" | "项目编号" | "提案编号" => Field::Id,
            "title" | "name" | "标题" | "名称" | "项目名称" | "提案名称" => Field::Title,
            "description" | "描述" | "项目描述" | "说明" => Field::Description,
            "location" | "地点" | "位置" | "项目地点" => Field::Location,
            "category" | "类别" | "分类" | "类型" => Field::Category,
            "proposer" | "提议人" | "提案人" | "建议人" => Field::Proposer,
            "cost" | "估算金额" | "预算" | "金额" | "预算金额" | "估算费用" => Field::Cost,
            "level" | "层级" | "级别" => Field::Level,
            _ => return None,
        })
    }

    fn zh(self) -> &'static str {
        match self {
            Field::Id => "编号",
            Field::Title => "标题",
            Field::Description => "描述",
            Field::Location => "地点",
            Field::Category => "类别",
            Field::Proposer => "提议人",
            Field::Cost => "估算金额",
            Field::Level => "层级",
        }
    }

    fn en(self) -> &'static str {
        match self {
            Field::Id => "id",
            Field::Title => "title",
            Field::Description => "description",
            Field::Location => "location",
            Field::Category => "category",
            Field::Proposer => "proposer",
            Field::Cost => "cost",
            Field::Level => "level",
        }
    }
}

/// One row of the table as text, with its row number as Excel shows it.
/// Both file formats are reduced to this, so they share every check.
struct SheetRow {
    row: usize,
    cells: Vec<String>,
}

impl SheetRow {
    fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.trim().is_empty())
    }
}

/// Parse a proposals table exported as CSV (UTF-8, with or without BOM).
pub fn parse_proposals_csv(bytes: &[u8]) -> Result<(Vec<Proposal>, Vec<String>), DefinitionError> {
    let text = std::str::from_utf8(strip_bom(bytes)).map_err(|_| not_utf8())?;
    proposals_from_rows(csv_rows(text)?)
}

/// Parse the first worksheet of an Excel workbook.
pub fn parse_proposals_xlsx(path: &Path) -> Result<(Vec<Proposal>, Vec<String>), DefinitionError> {
    use calamine::{open_workbook, Reader, Xlsx};
    let read_error = |reason: String| DefinitionError::Read { file: path.display().to_string(), reason };
    if !path.exists() {
        return Err(read_error("找不到该文件 / no such file".into()));
    }
    // A renamed .xls or .et file fails here; say what to do about it.
    let mut book: Xlsx<_> = open_workbook(path).map_err(|e: calamine::XlsxError| {
        read_error(format!("{e}（不是有效的 .xlsx 文件？请在 Excel/WPS 中另存为 .xlsx / not a valid .xlsx file? save it as .xlsx in Excel or WPS)"))
    })?;
    let range = match book.worksheet_range_at(0) {
        Some(r) => r.map_err(|e| read_error(e.to_string()))?,
        None => return Err(empty_file()),
    };
    // The range starts at the first used cell, not necessarily A1.
    let first_row = range.start().map(|(r, _)| r as usize).unwrap_or(0);
    let rows = range
        .rows()
        .enumerate()
        .map(|(i, cells)| SheetRow { row: first_row + i + 1, cells: cells.iter().map(cell_text).collect() })
        .collect();
    proposals_from_rows(rows)
}

/// A cell as the organiser sees it. Numbers come back without a trailing
/// ".0" (calamine stores whole numbers typed in Excel as floats), so an id
/// typed as 7 stays "7" and a cost of 12000 parses like the CSV text.
fn cell_text(cell: &calamine::Data) -> String {
    cell.to_string().trim().to_string()
}

fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// Excel's plain "CSV" export on a Chinese Windows is GBK, not UTF-8.
fn not_utf8() -> DefinitionError {
    DefinitionError::Proposals {
        file: String::new(),
        problems: vec![Problem::new(
            At::File,
            "文件不是 UTF-8 编码（可能是 GBK）：请在 Excel 中另存为“CSV UTF-8（逗号分隔）”，或直接使用 .xlsx 文件",
            "the file is not UTF-8 (perhaps GBK): in Excel, save as \"CSV UTF-8 (comma delimited)\", or use the .xlsx file",
        )],
    }
}

fn empty_file() -> DefinitionError {
    DefinitionError::Proposals {
        file: String::new(),
        problems: vec![Problem::new(At::File, "文件是空的，没有任何提案", "the file is empty: no proposals")],
    }
}

/// Split CSV text into rows numbered as Excel would show them: a quoted
/// field with line breaks is one row, and an empty line is a row too (the
/// csv crate skips empty lines, so they are counted back here).
fn csv_rows(text: &str) -> Result<Vec<SheetRow>, DefinitionError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(text))
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut row = 0;
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
        row += 1 + leading_empty_lines(span);
        rows.push(SheetRow { row, cells: record.iter().map(|c| c.trim().to_string()).collect() });
    }
    Ok(rows)
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
        problems: vec![Problem::new(at, format!("CSV 格式有误：{e}"), format!("malformed CSV: {e}"))],
    }
}

/// Excel writes ';' in some locales and WPS can export tab-separated text;
/// the header line tells which one this file uses.
fn sniff_delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| (header.bytes().filter(|b| b == d).count(), *d == b','))
        .unwrap_or(b',')
}

/// The shared half of both parsers: find the header, read every data row,
/// and collect every problem before giving up.
fn proposals_from_rows(rows: Vec<SheetRow>) -> Result<(Vec<Proposal>, Vec<String>), DefinitionError> {
    let rows: Vec<SheetRow> = rows.into_iter().filter(|r| !r.is_blank()).collect();
    let Some(header_at) = find_header(&rows) else { return Err(empty_file()) };
    let mut warnings = Vec::new();
    if header_at > 0 {
        let r = rows[header_at].row;
        warnings.push(format!(
            "表头在第 {r} 行，上面的标题行已忽略 / the header is on row {r}; the title rows above it were ignored"
        ));
    }
    let columns = map_columns(&rows[header_at], &mut warnings)?;
    let data = &rows[header_at + 1..];
    if data.is_empty() {
        return Err(empty_file());
    }
    let mut problems = Vec::new();
    let mut seen = HashSet::new();
    let mut proposals = Vec::new();
    for row in data {
        if let Some(p) = read_row(row, &columns, &mut seen, &mut problems, &mut warnings) {
            proposals.push(p);
        }
    }
    if problems.is_empty() {
        Ok((proposals, warnings))
    } else {
        Err(DefinitionError::Proposals { file: String::new(), problems })
    }
}

/// The header is normally the first non-blank row, but Chinese office
/// spreadsheets often put a merged title row ("××社区微实事项目汇总表")
/// above it; take the first of the top rows that names every required column.
fn find_header(rows: &[SheetRow]) -> Option<usize> {
    let names_required = |r: &SheetRow| {
        let fields: Vec<Field> = r.cells.iter().filter_map(|c| Field::from_header(&normalise_header(c))).collect();
        Field::REQUIRED.iter().all(|f| fields.contains(f))
    };
    if rows.is_empty() {
        return None;
    }
    Some(rows.iter().take(10).position(names_required).unwrap_or(0))
}

/// Lower case, no spaces or BOM, and no trailing unit in brackets:
/// "估算金额（元）" and "Cost (yuan)" are the cost column.
fn normalise_header(h: &str) -> String {
    let h = h.trim_start_matches('\u{feff}').trim();
    let h = match h.find(['(', '（']) {
        Some(i) if i > 0 => &h[..i],
        _ => h,
    };
    h.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase()
}

/// Column index → field. Unknown columns (备注, 序号…) are ignored with a
/// warning, so that a misspelt header does not silently drop data.
fn map_columns(header: &SheetRow, warnings: &mut Vec<String>) -> Result<Vec<Option<Field>>, DefinitionError> {
    let mut problems = Vec::new();
    let mut columns = Vec::new();
    for (i, cell) in header.cells.iter().enumerate() {
        let field = Field::from_header(&normalise_header(cell));
        match field {
            Some(f) if columns.contains(&Some(f)) => problems.push(Problem::new(
                At::Row(header.row),
                format!("有两列都是“{}”（第 {} 列“{cell}”），请删去一列", f.zh(), i + 1),
                format!("two columns are the {} (column {}, \"{cell}\"); delete one", f.en(), i + 1),
            )),
            None if !cell.trim().is_empty() => {
                warnings.push(format!("忽略未识别的列“{cell}” / ignored the unrecognised column \"{cell}\""))
            }
            _ => {}
        }
        columns.push(field);
    }
    for f in Field::REQUIRED {
        if !columns.contains(&Some(f)) {
            problems.push(Problem::new(
                At::Row(header.row),
                format!("缺少“{}”列", f.zh()),
                format!("missing the {} column", f.en()),
            ));
        }
    }
    if problems.is_empty() {
        Ok(columns)
    } else {
        Err(DefinitionError::Proposals { file: String::new(), problems })
    }
}

/// Read one data row into a proposal, or record why it cannot be one.
fn read_row(
    row: &SheetRow,
    columns: &[Option<Field>],
    seen: &mut HashSet<String>,
    problems: &mut Vec<Problem>,
    warnings: &mut Vec<String>,
) -> Option<Proposal> {
    let get = |f: Field| cell(row, columns, f);
    let before = problems.len();
    let at = At::Row(row.row);
    let id = get(Field::Id);
    if id.is_empty() {
        problems.push(Problem::new(at.clone(), "缺少项目编号", "missing proposal id"));
    } else if !seen.insert(id.to_uppercase()) {
        // Case-insensitive: "p03" and "P03" would be the same on a paper ballot.
        problems.push(Problem::new(at.clone(), format!("项目编号 {id} 重复"), format!("duplicate proposal id {id}")));
    }
    let title = get(Field::Title);
    if title.is_empty() {
        problems.push(Problem::new(at.clone(), "缺少标题", "missing title"));
    }
    let cost = match parse_cost(get(Field::Cost)) {
        Ok((yuan, rounded)) => {
            if rounded {
                warnings.push(format!(
                    "第 {r} 行：估算金额 {c} 已取整为 {yuan} 元 / row {r}: cost {c} rounded to {yuan} yuan",
                    r = row.row,
                    c = get(Field::Cost)
                ));
            }
            Some(yuan)
        }
        Err(p) => {
            problems.push(Problem::new(at.clone(), p.0, p.1));
            None
        }
    };
    let level = parse_level(get(Field::Level)).map_err(|(zh, en)| problems.push(Problem::new(at, zh, en))).ok();
    if problems.len() > before {
        return None;
    }
    Some(Proposal {
        id: id.to_string(),
        title: title.to_string(),
        description: get(Field::Description).to_string(),
        location: get(Field::Location).to_string(),
        category: get(Field::Category).to_string(),
        proposer: get(Field::Proposer).to_string(),
        cost: cost?,
        level: level?,
    })
}

/// The trimmed text of `field` in `row` ("" if the column is absent or short).
fn cell<'a>(row: &'a SheetRow, columns: &[Option<Field>], field: Field) -> &'a str {
    let i = columns.iter().position(|c| *c == Some(field));
    i.and_then(|i| row.cells.get(i)).map(|s| s.trim()).unwrap_or("")
}

type Message = (String, String);

/// A cost as organisers write it: "12,000", "12000.00", "¥12000元", "1.2万".
/// Returns whole yuan and whether a fraction of a yuan was rounded away.
fn parse_cost(raw: &str) -> Result<(u64, bool), Message> {
    if raw.is_empty() {
        return Err(("缺少估算金额".into(), "missing cost".into()));
    }
    let not_number = || (format!("估算金额“{raw}”不是数字"), format!("cost \"{raw}\" is not a number"));
    // Full-width digits come from Chinese input methods.
    let text: String = raw
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '．' => '.',
            _ => c,
        })
        .filter(|c| !matches!(c, ',' | '，' | '¥' | '￥' | ' ' | '\u{3000}'))
        .collect();
    let text = text.strip_suffix('元').unwrap_or(&text);
    let (number, scale) = match text.strip_suffix('万') {
        Some(n) => (n, 10_000.0),
        None => (text, 1.0),
    };
    // Only plain decimals: f64's parser would also take "inf", "1e9", "NaN".
    if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit() || c == '.' || c == '-') {
        return Err(not_number());
    }
    let value: f64 = number.parse().map_err(|_| not_number())?;
    let yuan = value * scale;
    if yuan < 0.0 {
        return Err((format!("估算金额不能为负数：{raw}"), format!("cost cannot be negative: {raw}")));
    }
    if yuan > 1e15 {
        return Err((format!("估算金额过大：{raw}"), format!("cost is too large: {raw}")));
    }
    let whole = yuan.round();
    Ok((whole as u64, (yuan - whole).abs() >= 0.005))
}

fn parse_level(raw: &str) -> Result<Level, Message> {
    match raw.to_lowercase().as_str() {
        "" | "community" | "社区" | "社区级" => Ok(Level::Community),
        "street" | "街道" | "街道级" => Ok(Level::Street),
        _ => Err((
            format!("层级“{raw}”无法识别（应为“社区”或“街道”）"),
            format!("unknown level \"{raw}\" (expected community or street)"),
        )),
    }
}

// ---------------------------------------------------------------- validation

/// Check that rules and proposals make a meeting that can run. Errors list
/// every problem; warnings are things the organiser should know but that do
/// not stop the meeting (an uneven split, a proposal over the whole budget).
pub fn validate(def: &Definition) -> Result<Vec<String>, DefinitionError> {
    let mut problems = Vec::new();
    check_meeting(&def.meeting, &mut problems);
    check_rules(&def.rules, &mut problems);
    check_proposals(&def.proposals, &mut problems);
    check_fit(def, &mut problems);
    if !problems.is_empty() {
        return Err(DefinitionError::Invalid { file: String::new(), problems });
    }
    Ok(warnings(def))
}

fn problem(zh: String, en: String) -> Problem {
    Problem::new(At::File, zh, en)
}

fn check_meeting(m: &MeetingInfo, out: &mut Vec<Problem>) {
    if m.name.trim().is_empty() {
        out.push(problem("会议名称不能为空".into(), "the meeting name is empty".into()));
    }
    if !matches!(m.language.as_str(), "zh" | "en") {
        out.push(problem(
            format!("language 只能是 zh 或 en，现在是“{}”", m.language),
            format!("language must be zh or en, not \"{}\"", m.language),
        ));
    }
}

fn check_rules(r: &Rules, out: &mut Vec<Problem>) {
    let n = r.tables.len();
    if n == 0 {
        out.push(problem("至少需要 1 张桌".into(), "at least 1 table is needed".into()));
    } else if n > MAX_TABLES {
        out.push(too_many_tables(n));
    }
    for (i, name) in r.tables.iter().enumerate() {
        if name.trim().is_empty() {
            out.push(problem(format!("第 {} 张桌的桌名为空", i + 1), format!("table {} has an empty name", i + 1)));
        } else if r.tables[..i].contains(name) {
            out.push(problem(format!("桌名“{name}”重复"), format!("duplicate table name \"{name}\"")));
        }
    }
    let at_least_one = [
        (r.picks_per_table, "picks_per_table（每桌推选数）", "picks_per_table"),
        (r.max_choices, "max_choices（每人最多投票数）", "max_choices"),
        (r.discussion_minutes, "discussion_minutes（讨论时长）", "discussion_minutes"),
        (r.pitch_minutes, "pitch_minutes（推介时长）", "pitch_minutes"),
    ];
    for (value, zh, en) in at_least_one {
        if value == 0 {
            out.push(problem(format!("{zh} 至少为 1"), format!("{en} must be at least 1")));
        }
    }
    if r.budget.amount == 0 {
        out.push(problem("预算金额必须大于 0".into(), "the budget amount must be more than 0".into()));
    }
    if r.budget.currency.trim().is_empty() {
        out.push(problem("预算币种不能为空".into(), "the budget currency is empty".into()));
    }
}

/// Proposals built by other code than the file parsers get the same basic
/// checks (the parsers have already reported these with row numbers).
fn check_proposals(list: &[Proposal], out: &mut Vec<Problem>) {
    if list.is_empty() {
        out.push(problem("没有任何提案".into(), "there are no proposals".into()));
    } else if list.len() > MAX_PROPOSALS {
        out.push(problem(
            format!("提案最多 {MAX_PROPOSALS} 个，现在有 {} 个", list.len()),
            format!("at most {MAX_PROPOSALS} proposals, got {}", list.len()),
        ));
    }
    let mut seen = HashSet::new();
    for (i, p) in list.iter().enumerate() {
        if p.id.trim().is_empty() {
            out.push(problem(format!("第 {} 个提案缺少编号", i + 1), format!("proposal {} has no id", i + 1)));
        } else if !seen.insert(p.id.trim().to_uppercase()) {
            out.push(problem(format!("项目编号 {} 重复", p.id), format!("duplicate proposal id {}", p.id)));
        }
        if p.title.trim().is_empty() {
            out.push(problem(format!("项目 {} 缺少标题", p.id), format!("proposal {} has no title", p.id)));
        }
    }
}

/// Rules that depend on the number of proposals.
fn check_fit(def: &Definition, out: &mut Vec<Problem>) {
    let r = &def.rules;
    let n = def.proposals.len();
    let tables = r.tables.len();
    if n > 0 && r.max_choices as usize > n {
        out.push(problem(
            format!("每人最多可投 {} 项，但只有 {n} 个提案", r.max_choices),
            format!("max_choices is {} but there are only {n} proposals", r.max_choices),
        ));
    }
    // Each table must have enough proposals in front of it to pick from.
    let smallest_share = match r.assignment {
        Assignment::SplitEvenly if tables > 0 => n / tables,
        _ => n,
    };
    if n > 0 && tables > 0 && smallest_share < r.picks_per_table as usize {
        let zh_how = if r.assignment == Assignment::SplitEvenly {
            format!(" {n} 个提案分给 {tables} 张桌，最少的桌只分到 {smallest_share} 个")
        } else {
            format!("只有 {n} 个提案")
        };
        let en_how = if r.assignment == Assignment::SplitEvenly {
            format!("{n} proposals over {tables} tables leaves the smallest share with {smallest_share}")
        } else {
            format!("there are only {n} proposals")
        };
        out.push(problem(
            format!("每桌要推选 {} 个，但{zh_how}", r.picks_per_table),
            format!("each table picks {}, but {en_how}", r.picks_per_table),
        ));
    }
}

fn warnings(def: &Definition) -> Vec<String> {
    let r = &def.rules;
    let n = def.proposals.len();
    let tables = r.tables.len();
    let mut out = Vec::new();
    // MEETING.md: the merged list is sized to a multiple of the tables so
    // that every table gets an equal share.
    if r.assignment == Assignment::SplitEvenly && tables > 0 && !n.is_multiple_of(tables) {
        let (base, extra) = (n / tables, n % tables);
        out.push(format!(
            "提案数 {n} 不是桌数 {tables} 的整数倍：前 {extra} 张桌各分到 {} 个，其余各 {base} 个 / \
             {n} proposals is not a multiple of {tables} tables: the first {extra} tables get {} each, the others {base}",
            base + 1,
            base + 1
        ));
    }
    for p in &def.proposals {
        if p.cost > r.budget.amount {
            out.push(format!(
                "项目 {} “{}”估算 {} 元，超过总预算 {} 元，选上也无法实施 / \
                 proposal {} \"{}\" costs {}, more than the whole budget of {}: it cannot be funded",
                p.id,
                p.title,
                grouped(p.cost),
                grouped(r.budget.amount),
                p.id,
                p.title,
                grouped(p.cost),
                grouped(r.budget.amount)
            ));
        } else if p.cost == 0 {
            out.push(format!(
                "项目 {} “{}”估算金额为 0，是否漏填？ / proposal {} \"{}\" costs 0: is the estimate missing?",
                p.id, p.title, p.id, p.title
            ));
        }
    }
    out
}

/// 300000 → "300,000": costs are read aloud and compared at a glance.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

// ---------------------------------------------------------------- tests

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "id,title,description,location,category,proposer,cost,level\n";

    fn csv_with(rows: &[&str]) -> String {
        let mut s = HEADER.to_string();
        for r in rows {
            s.push_str(r);
            s.push('\n');
        }
        s
    }

    fn demo_with(proposals: Vec<Proposal>) -> Definition {
        Definition { proposals, ..demo() }
    }

    #[test]
    fn demo_parses_with_60_proposals_and_6_tables() {
        let loaded = load(None, None).expect("demo loads");
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
        let d = loaded.definition;
        assert_eq!(d.proposals.len(), 60);
        assert_eq!(d.rules.tables.len(), 6);
        assert_eq!(d.rules.tables[0], "第1桌");
        assert_eq!(d.rules.budget, Budget { amount: 300_000, currency: "CNY".into() });
        assert_eq!((d.rules.picks_per_table, d.rules.max_choices), (3, 10));
        assert_eq!(d.proposals[0].id, "P01");
        assert_eq!(d.proposals[59].id, "P60");
        assert!(d.proposals.iter().all(|p| (3_000..=120_000).contains(&p.cost)));
        assert!(d.proposals.iter().any(|p| p.level == Level::Street));
        assert_eq!(d, demo());
    }

    #[test]
    fn demo_files_also_load_from_disk() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("demo");
        let loaded = load(Some(&dir.join("meeting.toml")), None).expect("demo files load as user files");
        assert_eq!(loaded.definition, demo());
    }

    #[test]
    fn all_row_problems_are_reported_together() {
        let text = csv_with(&[
            "P01,路灯,,,,,5000,",
            "P02,座椅,,,,,6000,",
            "P01,扶手,,,,,7000,", // row 4: duplicate
            "P03,,,,,,8000,",     // row 5: missing title
            "P04,雨棚,,,,,很多,", // row 6: not a number
        ]);
        let err = parse_proposals_csv(text.as_bytes()).unwrap_err();
        assert_eq!(err.problems().len(), 3, "{err}");
        let shown = err.in_file("提案.csv").to_string();
        assert!(shown.contains("提案.csv"), "{shown}");
        assert!(shown.contains("第 4 行：项目编号 P01 重复 / row 4: duplicate proposal id P01"), "{shown}");
        assert!(shown.contains("第 5 行：缺少标题 / row 5: missing title"), "{shown}");
        assert!(shown.contains("第 6 行：估算金额“很多”不是数字"), "{shown}");
        assert!(shown.contains("row 6: cost \"很多\" is not a number"), "{shown}");
    }

    #[test]
    fn other_row_errors_are_caught() {
        let text = csv_with(&[",无编号,,,,,5000,", "P02,负数,,,,,-5,", "P03,区级,,,,,5,区级", "P04,空金额,,,,,,"]);
        let shown = parse_proposals_csv(text.as_bytes()).unwrap_err().to_string();
        for needle in [
            "row 2: missing proposal id",
            "row 3: cost cannot be negative",
            "row 4: unknown level",
            "row 5: missing cost",
        ] {
            assert!(shown.contains(needle), "{needle} in {shown}");
        }
    }

    #[test]
    fn empty_files_and_missing_columns_are_errors() {
        for text in ["", "\u{feff}", HEADER, "id,title,cost\n,,\n\n"] {
            let e = parse_proposals_csv(text.as_bytes()).unwrap_err();
            assert!(e.to_string().contains("empty"), "{text:?}: {e}");
        }
        let e = parse_proposals_csv("id,title\nP01,x\n".as_bytes()).unwrap_err();
        assert!(e.to_string().contains("row 1: missing the cost column"), "{e}");
    }

    #[test]
    fn bom_is_stripped_and_blank_rows_skipped() {
        let text = format!("\u{feff}{}", csv_with(&["P01,路灯,,,,,5000,", ",,,,,,,", "P02,座椅,,,,,6000,社区"]));
        let (list, warnings) = parse_proposals_csv(text.as_bytes()).unwrap();
        assert_eq!(list.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), ["P01", "P02"]);
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn row_numbers_follow_excel_across_blank_rows_and_multiline_cells() {
        let text = csv_with(&["P01,路灯,\"第一行\n第二行\",,,,5000,", "", "P02,,,,,,6000,", "P03,,,,,,6000,"]);
        let shown = parse_proposals_csv(text.as_bytes()).unwrap_err().to_string();
        assert!(shown.contains("row 4: missing title") && shown.contains("row 5: missing title"), "{shown}");
        let crlf = text.replace('\n', "\r\n");
        assert_eq!(parse_proposals_csv(crlf.as_bytes()).unwrap_err().to_string(), shown);
    }

    #[test]
    fn chinese_headers_with_units_are_understood() {
        let text = "编号,名称,描述,地点,类别,提议人,估算金额（元）,层级,备注\n\
                    P01,楼道照明,换灯,3栋,设施改造,王女士,\"12,000\",街道,急\n";
        let (list, warnings) = parse_proposals_csv(text.as_bytes()).unwrap();
        let p = &list[0];
        assert_eq!(
            (p.title.as_str(), p.proposer.as_str(), p.cost, p.level),
            ("楼道照明", "王女士", 12_000, Level::Street)
        );
        assert_eq!(warnings.len(), 1, "the 备注 column is reported as ignored: {warnings:?}");
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
            ("3万元", 30_000),
        ] {
            assert_eq!(parse_cost(text).map(|c| c.0), Ok(yuan), "{text}");
        }
        for bad in ["abc", "1e5", "inf", "万", "12-3"] {
            assert!(parse_cost(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_cost("100.4"), Ok((100, true)));
    }

    #[test]
    fn a_title_row_above_the_header_is_skipped() {
        let text =
            format!("幸福里社区微实事项目汇总表,,,,,,,\n{}", csv_with(&["P01,路灯,,,,,5000,", "P02,,,,,,5000,"]));
        let shown = parse_proposals_csv(text.as_bytes()).unwrap_err().to_string();
        assert!(shown.contains("row 4: missing title"), "{shown}");
    }

    #[test]
    fn a_count_not_a_multiple_of_tables_is_a_warning() {
        let mut proposals = demo().proposals;
        proposals.pop();
        let warnings = validate(&demo_with(proposals)).expect("59 proposals still make a meeting");
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("59") && warnings[0].contains("not a multiple of 6 tables"), "{warnings:?}");
    }

    #[test]
    fn rules_that_cannot_run_are_errors() {
        let mut d = demo();
        d.rules.tables = (1..=25).map(|i| format!("T{i}")).collect();
        d.rules.max_choices = 61;
        d.rules.budget.amount = 0;
        let e = validate(&d).unwrap_err();
        let shown = e.to_string();
        assert_eq!(e.problems().len(), 3, "{shown}");
        assert!(shown.contains("smallest share with 2"), "{shown}");
        assert!(shown.contains("max_choices is 61"), "{shown}");
        assert!(shown.contains("budget amount"), "{shown}");
    }

    #[test]
    fn an_over_budget_proposal_is_a_warning_naming_it() {
        let mut d = demo();
        d.proposals[2].cost = 350_000;
        let warnings = validate(&d).unwrap();
        assert!(warnings.iter().any(|w| w.contains("P03") && w.contains("350,000")), "{warnings:?}");
    }

    #[test]
    fn meeting_file_defaults_and_table_names() {
        let text = "[meeting]\nname = \"x\"\ndate = 2026-11-28\n[rules]\ntable_names = [\"东桌\", \"西桌\"]\n[rules.budget]\namount = 1000\n";
        let (info, rules, proposals) = parse_meeting_toml(text).unwrap();
        assert_eq!((info.language.as_str(), info.date.as_str()), ("zh", "2026-11-28"));
        assert_eq!(rules.tables, ["东桌", "西桌"]);
        assert_eq!(
            (rules.picks_per_table, rules.max_choices, rules.discussion_minutes, rules.pitch_minutes),
            (3, 10, 40, 3)
        );
        assert_eq!(rules.budget.currency, "CNY");
        assert_eq!((rules.tally, rules.assignment), (TallyVisibility::Live, Assignment::SplitEvenly));
        assert_eq!((rules.allocation, rules.tie_break), (Allocation::GreedySkip, TieBreak::LowerCost));
        assert_eq!(proposals, None);
    }

    #[test]
    fn an_unknown_meeting_key_is_an_error_naming_it() {
        let text = "[meeting]\nname = \"x\"\n[rules]\ntables = 3\nmax_choice = 5\n[rules.budget]\namount = 1000\n";
        let e = parse_meeting_toml(text).unwrap_err().in_file("m.toml");
        let shown = e.to_string();
        assert!(shown.contains("max_choice") && shown.contains("m.toml"), "{shown}");
        assert!(shown.contains("第 5 行：未知的设置项 max_choice"), "{shown}");
    }

    #[test]
    fn meeting_file_names_its_proposals_relative_to_itself() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("会议");
        std::fs::create_dir(&sub).unwrap();
        let meeting = DEMO_MEETING.replace("proposals.csv", "项目.csv");
        std::fs::write(sub.join("meeting.toml"), meeting).unwrap();
        std::fs::write(sub.join("项目.csv"), DEMO_PROPOSALS).unwrap();
        let loaded = load(Some(&sub.join("meeting.toml")), None).unwrap();
        assert_eq!(loaded.definition, demo());

        std::fs::write(sub.join("bad.txt"), "x").unwrap();
        let e = load(None, Some(&sub.join("bad.txt"))).unwrap_err();
        assert!(matches!(e, DefinitionError::UnsupportedFormat { .. }), "{e}");
        std::fs::write(sub.join("renamed.xlsx"), "not a zip").unwrap();
        let e = load(None, Some(&sub.join("renamed.xlsx"))).unwrap_err();
        assert!(matches!(e, DefinitionError::Read { .. }) && e.to_string().contains("renamed.xlsx"), "{e}");
        let e = load(None, Some(&sub.join("missing.csv"))).unwrap_err();
        assert!(e.to_string().contains("missing.csv"), "{e}");
    }

    /// Writes the header and rows to the first sheet; cells that parse as
    /// numbers are written as numbers, like a real Excel file.
    fn write_xlsx(path: &Path, header: &[&str], rows: &[Vec<&str>]) {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (c, h) in header.iter().enumerate() {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32 + 1, c as u16);
                match cell.parse::<f64>() {
                    Ok(n) => sheet.write_number(r, c, n).unwrap(),
                    Err(_) => sheet.write_string(r, c, *cell).unwrap(),
                };
            }
        }
        book.save(path).unwrap();
    }

    #[test]
    fn xlsx_loads_like_the_equivalent_csv() {
        let header = ["编号", "标题", "描述", "地点", "类别", "提议人", "估算金额", "层级"];
        let rows = vec![
            vec!["P01", "楼道照明", "换声控灯", "3栋", "设施改造", "王女士", "12000", "社区"], // numeric cost cell
            vec!["P02", "加装扶手", "", "5栋", "养老助老", "李先生", "1.2万", ""],             // text cost cell
            vec!["7", "晾衣架", "", "", "便民服务", "", "8,500", "街道"],                      // numeric id cell
        ];
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("提案.xlsx");
        write_xlsx(&path, &header, &rows);
        let from_xlsx = parse_proposals_xlsx(&path).unwrap();

        let csv: String = std::iter::once(header.join(","))
            .chain(rows.iter().map(|r| r.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(",")))
            .collect::<Vec<_>>()
            .join("\n");
        assert_eq!(from_xlsx, parse_proposals_csv(csv.as_bytes()).unwrap());
        assert_eq!(from_xlsx.0.iter().map(|p| p.cost).collect::<Vec<_>>(), [12_000, 12_000, 8_500]);
        assert_eq!(from_xlsx.0[2].id, "7");

        // And through `load`, named by a meeting file and picked by extension.
        let meeting = "[meeting]\nname = \"小会\"\nproposals = \"提案.xlsx\"\n\
                       [rules]\ntables = 1\nmax_choices = 2\n[rules.budget]\namount = 50000\n";
        std::fs::write(dir.path().join("meeting.toml"), meeting).unwrap();
        let loaded = load(Some(&dir.path().join("meeting.toml")), None).unwrap();
        assert_eq!(loaded.definition.proposals, from_xlsx.0);
    }

    #[test]
    fn xlsx_errors_name_the_row() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.xlsx");
        write_xlsx(&path, &["id", "title", "cost"], &[vec!["P01", "a", "100"], vec!["P02", "b", "待定"]]);
        let e = load(None, Some(&path)).unwrap_err();
        let shown = e.to_string();
        assert!(shown.contains("p.xlsx") && shown.contains("第 3 行") && shown.contains("row 3"), "{shown}");
    }
}
