//! The meeting definition loader: turns the organiser's files (a TOML meeting
//! file and a CSV or XLSX proposals table) into a checked [`Definition`],
//! and owns the built-in demo meeting (`hub/demo/`).
//!
//! Everything here runs before the meeting exists, on the organiser's laptop,
//! often the evening before. So every message is bilingual (Chinese first),
//! names the file, the sheet, the row number as the organiser sees it in
//! Excel, the column and its header as written, and a file's problems are
//! reported all at once, so that one round of fixing in Excel is enough. The
//! file format is described in `docs/meeting-file.md`.
//!
//! The proposals table is read in three steps: `sheet.rs` turns a workbook
//! or a CSV file into cells (with hidden rows, merges, dates, formulas),
//! `table.rs` reads those the way the clerk meant them, and `pb.rs` reads a
//! Pabulib `.pb` instance instead, for rehearsals with real data.

mod pb;
mod record;
mod sheet;
pub(crate) use sheet::civil_from_days;
mod table;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use yuanzhuo_protocol::words::grouped;

pub use record::RecordRead;
pub use table::{fold_id, id_problem, ColumnReport, Table, TableReport};

use serde::Deserialize;
use yuanzhuo_protocol::{
    Allocation, Assignment, BoardDisclosure, Budget, Definition, MeetingInfo, Proposal, Registration, Rules,
    TallyVisibility, TieBreak,
};

/// Most tables a meeting may have (MEETING.md, "numbers to design for").
pub const MAX_TABLES: usize = 30;
/// Most proposals a meeting may have.
pub const MAX_PROPOSALS: usize = 500;

const DEMO_MEETING: &str = include_str!("../../demo/meeting.toml");
const DEMO_PROPOSALS: &str = include_str!("../../demo/proposals.csv");
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
    /// A line of a text file (the TOML meeting file, a `.pb` file).
    Line(usize),
    /// A cell of the proposals table: its row as Excel shows it, its column
    /// letter and the column's header as written.
    Cell { row: usize, column: String, header: String },
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
        match &self.at {
            At::File => write!(f, "{} / {}", self.zh, self.en),
            At::Row(n) => write!(f, "第 {n} 行：{} / row {n}: {}", self.zh, self.en),
            At::Line(n) => write!(f, "第 {n} 行：{} / line {n}: {}", self.zh, self.en),
            At::Cell { row, column, header } if header.is_empty() => {
                write!(f, "第 {row} 行 {column} 列：{} / row {row}, column {column}: {}", self.zh, self.en)
            }
            At::Cell { row, column, header } => write!(
                f,
                "第 {row} 行 {column} 列“{header}”：{} / row {row}, column {column} \"{header}\": {}",
                self.zh, self.en
            ),
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
    /// The proposals table has problems; all of them are listed. `sheet` is
    /// the worksheet they are on (a workbook).
    Proposals { file: String, sheet: Option<String>, problems: Vec<Problem> },
    /// The pre-screening record has problems; all of them are listed.
    Record { file: String, sheet: Option<String>, problems: Vec<Problem> },
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
            | DefinitionError::Record { file, .. }
            | DefinitionError::Invalid { file, .. } => *file = name.to_string(),
        }
        self
    }

    /// The individual problems, if the error has a list of them.
    pub fn problems(&self) -> &[Problem] {
        match self {
            DefinitionError::Meeting { problems, .. }
            | DefinitionError::Proposals { problems, .. }
            | DefinitionError::Record { problems, .. }
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
                "提案表 {file} 的格式不支持，请另存为 .xlsx 或 .csv（排练时也可用 Pabulib 的 .pb 文件） / \
                 unsupported proposals file {file}: save it as .xlsx or .csv (or, for a rehearsal, use a Pabulib .pb file)"
            ),
            DefinitionError::NoProposalsFile { file } => write!(
                f,
                "会议文件 {file} 没有指定提案表：请在 [meeting] 中写 proposals = \"提案.xlsx\"，或用 --proposals 指定 / \
                 the meeting file {file} names no proposals file: add proposals = \"proposals.xlsx\" under [meeting] or pass --proposals"
            ),
            DefinitionError::Meeting { file, problems } => {
                write_problems(f, &format!("会议文件 {file} 有误"), &format!("meeting file {file} has errors"), problems)
            }
            DefinitionError::Proposals { file, sheet, problems } => {
                let (zh, en) = match sheet {
                    Some(s) => (format!("（工作表“{s}”）"), format!(", sheet \"{s}\",")),
                    None => (String::new(), String::new()),
                };
                write_problems(
                    f,
                    &format!("提案表 {file}{zh} 有 {} 处问题", problems.len()),
                    &format!("proposals file {file}{en} has {} problem(s)", problems.len()),
                    problems,
                )
            }
            DefinitionError::Record { file, sheet, problems } => {
                let (zh, en) = match sheet {
                    Some(s) => (format!("（工作表“{s}”）"), format!(", sheet \"{s}\",")),
                    None => (String::new(), String::new()),
                };
                write_problems(
                    f,
                    &format!("预审记录 {file}{zh} 有 {} 处问题", problems.len()),
                    &format!("pre-screening record {file}{en} has {} problem(s)", problems.len()),
                    problems,
                )
            }
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
/// meeting can still run with them), with the report of how the proposals
/// table was read (`hub check` prints it).
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub definition: Definition,
    pub warnings: Vec<String>,
    pub table: TableReport,
    /// The pre-screening record the meeting file names, if any, with the
    /// contacts read beside it (kept out of the log).
    pub record: Option<RecordRead>,
}

/// How to read the files beyond what they say themselves.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Options {
    /// The worksheet to read (`hub check --sheet`); wins over the meeting
    /// file's `proposals_sheet`.
    pub sheet: Option<String>,
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
    load_with(meeting, proposals, &Options::default())
}

/// [`load`], with a worksheet named on the command line.
pub fn load_with(
    meeting: Option<&Path>,
    proposals: Option<&Path>,
    options: &Options,
) -> Result<Loaded, DefinitionError> {
    let (meeting_label, text) = match meeting {
        Some(p) => (p.display().to_string(), read_text(p)?),
        None => (DEMO_MEETING_LABEL.to_string(), DEMO_MEETING.to_string()),
    };
    let file = parse_meeting_file(&text).map_err(|e| e.in_file(&meeting_label))?;
    let sheet = options.sheet.clone().or(file.proposals_sheet);

    let (proposals_label, table) = match (proposals, meeting, file.proposals) {
        (Some(p), _, _) => (p.display().to_string(), read_proposals(p, sheet.as_deref())?),
        (None, None, _) => (
            DEMO_PROPOSALS_LABEL.to_string(),
            parse_proposals_csv(DEMO_PROPOSALS.as_bytes()).map_err(|e| e.in_file(DEMO_PROPOSALS_LABEL))?,
        ),
        (None, Some(m), Some(name)) => {
            let p = beside(m, &name);
            (p.display().to_string(), read_proposals(&p, sheet.as_deref())?)
        }
        (None, Some(_), None) => return Err(DefinitionError::NoProposalsFile { file: meeting_label }),
    };
    let Table { proposals: list, mut warnings, report: mut table } = table;
    table.file = proposals_label.clone();

    let mut definition =
        Definition { meeting: file.info, rules: file.rules, proposals: list, prescreening: String::new() };
    let both = format!("{meeting_label} + {proposals_label}");
    warnings.extend(validate(&definition).map_err(|e| e.in_file(&both))?);
    let record = match (meeting, &file.prescreening) {
        (Some(m), Some(name)) => {
            let path = beside(m, name);
            let read = read_record(&path, file.prescreening_sheet.as_deref(), &definition.proposals)?;
            definition.prescreening = yuanzhuo_engine::prescreening_digest(&read.record);
            Some(read)
        }
        _ => None,
    };
    Ok(Loaded { definition, warnings, table, record })
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

fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
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
/// workbook, sometimes Excel's CSV export, and for a rehearsal a Pabulib
/// instance.
fn read_proposals(path: &Path, sheet: Option<&str>) -> Result<Table, DefinitionError> {
    let label = path.display().to_string();
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let parsed = match ext.as_str() {
        "csv" => parse_proposals_csv(&read_bytes(path)?),
        "xlsx" => parse_proposals_xlsx(path, sheet),
        "pb" => pb::parse_pb(&read_bytes(path)?),
        _ => return Err(DefinitionError::UnsupportedFormat { file: label }),
    };
    let mut table = parsed.map_err(|e| e.in_file(&label))?;
    if let (Some(s), "csv" | "pb") = (sheet, ext.as_str()) {
        table.report.notes.push(format!(
            "{label} 不是工作簿，工作表名“{s}”未使用 / {label} is not a workbook: the sheet name \"{s}\" was not used"
        ));
    }
    Ok(table)
}

/// Read the pre-screening record (`.xlsx` or `.csv`) for `proposals`.
fn read_record(path: &Path, sheet: Option<&str>, proposals: &[Proposal]) -> Result<RecordRead, DefinitionError> {
    let label = path.display().to_string();
    record::read(record_grids(path)?, sheet, proposals).map_err(|e| e.in_file(&label))
}

/// The meeting's proposals list drafted from a pre-screening record (`hub
/// prescreen`): CSV text for the clerk to complete with costs, and the record.
pub fn draft_list(path: &Path, sheet: Option<&str>) -> Result<(String, RecordRead), DefinitionError> {
    let label = path.display().to_string();
    record::draft(record_grids(path)?, sheet).map_err(|e| e.in_file(&label))
}

fn record_grids(path: &Path) -> Result<Vec<sheet::Grid>, DefinitionError> {
    let label = path.display().to_string();
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    Ok(match ext.as_str() {
        "csv" => {
            let (text, note) = sheet::decode_csv(&read_bytes(path)?).map_err(|e| e.in_file(&label))?;
            let mut grid = sheet::csv_grid(&text).map_err(|e| e.in_file(&label))?;
            grid.notes.extend(note);
            vec![grid]
        }
        "xlsx" => sheet::xlsx_grids(path).map_err(|e| e.in_file(&label))?,
        _ => return Err(DefinitionError::UnsupportedFormat { file: label }),
    })
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
    /// The worksheet of the proposals workbook to read.
    #[serde(default)]
    proposals_sheet: Option<String>,
    /// The pre-screening record (预审记录), and its worksheet.
    #[serde(default)]
    prescreening: Option<String>,
    #[serde(default)]
    prescreening_sheet: Option<String>,
    /// For researchers (the Pabulib export): the country, the body holding
    /// the participatory budget, and the part of it this meeting is for.
    #[serde(default)]
    country: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    subunit: String,
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

/// The meeting file as read.
#[derive(Debug, Clone, PartialEq)]
pub struct MeetingFileRead {
    pub info: MeetingInfo,
    pub rules: Rules,
    /// The proposals file it names, if any.
    pub proposals: Option<String>,
    /// The worksheet to read in it, if named.
    pub proposals_sheet: Option<String>,
    /// The pre-screening record it names, and that record's worksheet.
    pub prescreening: Option<String>,
    pub prescreening_sheet: Option<String>,
}

/// Parse the meeting file. Checks its shape (keys, types, tables given one
/// way); the numbers themselves are checked by [`validate`], which also sees
/// the proposals. Returns the proposals path named in the file, if any.
pub fn parse_meeting_toml(text: &str) -> Result<(MeetingInfo, Rules, Option<String>), DefinitionError> {
    parse_meeting_file(text).map(|f| (f.info, f.rules, f.proposals))
}

/// [`parse_meeting_toml`], with everything the file says.
pub fn parse_meeting_file(text: &str) -> Result<MeetingFileRead, DefinitionError> {
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
        country: m.country.trim().to_string(),
        unit: m.unit.trim().to_string(),
        subunit: m.subunit.trim().to_string(),
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
    let named = |s: Option<String>| s.map(|p| p.trim().to_string()).filter(|p| !p.is_empty());
    let proposals_sheet = named(m.proposals_sheet);
    let (prescreening, prescreening_sheet) = (named(m.prescreening), named(m.prescreening_sheet));
    Ok(MeetingFileRead { info, rules, proposals, proposals_sheet, prescreening, prescreening_sheet })
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

/// Parse a proposals table exported as CSV (UTF-8 with or without BOM,
/// UTF-16 with BOM, or GBK).
pub fn parse_proposals_csv(bytes: &[u8]) -> Result<Table, DefinitionError> {
    let (text, note) = sheet::decode_csv(bytes)?;
    let mut grid = sheet::csv_grid(&text)?;
    grid.notes.extend(note);
    table::read(vec![grid], None)
}

/// Parse an Excel workbook: the sheet named `sheet`, or else the one whose
/// content is a proposals table.
pub fn parse_proposals_xlsx(path: &Path, sheet: Option<&str>) -> Result<Table, DefinitionError> {
    table::read(sheet::xlsx_grids(path)?, sheet)
}

fn empty_file() -> DefinitionError {
    DefinitionError::Proposals {
        file: String::new(),
        sheet: None,
        problems: vec![Problem::new(At::File, "文件是空的，没有任何提案", "the file is empty: no proposals")],
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
    // Ids are compared as the engine compares a counter's marks: case and
    // full-width forms ignored.
    let mut seen: HashMap<String, &str> = HashMap::new();
    for (i, p) in list.iter().enumerate() {
        if p.id.trim().is_empty() {
            out.push(problem(format!("第 {} 个提案缺少编号", i + 1), format!("proposal {} has no id", i + 1)));
        } else if let Some((zh, en)) = id_problem(&p.id) {
            out.push(problem(zh, en));
        } else if let Some(first) = seen.insert(fold_id(&p.id), &p.id) {
            out.push(problem(
                format!("项目编号 {} 重复（与 {first} 是同一个编号）", p.id),
                format!("duplicate proposal id {} (the same id as {first})", p.id),
            ));
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
    let m = &def.meeting;
    if !m.date.trim().is_empty() && crate::documents::publish::parse_date(&m.date).is_none() {
        out.push(format!(
            "会议日期“{}”无法识别为日期（请写 2026-11-28、2026/11/28、2026年11月28日 或 28.11.2026），它会照原样显示；Pabulib 导出将使用投票当天的日期 / \
             the meeting date \"{}\" is not recognised as a date (write 2026-11-28, 2026/11/28, 2026年11月28日 or 28.11.2026): it is shown as written, and the Pabulib export uses the day of the vote",
            m.date, m.date
        ));
    }
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

// ---------------------------------------------------------------- tests

#[cfg(test)]
mod tests {
    use super::*;
    use yuanzhuo_protocol::Level;

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
        assert!(shown.contains("第 4 行 A 列“id”：项目编号 P01 重复（第 2 行已有）"), "{shown}");
        assert!(shown.contains("row 4, column A \"id\": duplicate proposal id P01 (already on row 2)"), "{shown}");
        assert!(shown.contains("第 5 行 B 列“title”：缺少标题 / row 5, column B \"title\": missing title"), "{shown}");
        assert!(shown.contains("第 6 行 G 列“cost”：估算金额“很多”不是数字"), "{shown}");
        assert!(shown.contains("row 6, column G \"cost\": cost \"很多\" is not a number"), "{shown}");
    }

    #[test]
    fn other_row_errors_are_caught() {
        let text = csv_with(&[",无编号,,,,,5000,", "P02,负数,,,,,-5,", "P03,区级,,,,,5,区级", "P04,空金额,,,,,,"]);
        let shown = parse_proposals_csv(text.as_bytes()).unwrap_err().to_string();
        for needle in [
            "row 2, column A \"id\": missing proposal id",
            "row 3, column G \"cost\": cost cannot be negative",
            "row 4, column H \"level\": unknown level",
            "row 5, column G \"cost\": missing cost",
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
        assert!(e.to_string().contains("row 1: the header has no cost column"), "{e}");
        assert!(e.to_string().contains("A \"id\" → id, B \"title\" → title"), "{e}");
    }

    #[test]
    fn bom_is_stripped_and_blank_rows_skipped() {
        let text = format!("\u{feff}{}", csv_with(&["P01,路灯,,,,,5000,", ",,,,,,,", "P02,座椅,,,,,6000,社区"]));
        let Table { proposals: list, warnings, .. } = parse_proposals_csv(text.as_bytes()).unwrap();
        assert_eq!(list.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), ["P01", "P02"]);
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn row_numbers_follow_excel_across_blank_rows_and_multiline_cells() {
        let text = csv_with(&["P01,路灯,\"第一行\n第二行\",,,,5000,", "", "P02,,,,,,6000,", "P03,,,,,,6000,"]);
        let shown = parse_proposals_csv(text.as_bytes()).unwrap_err().to_string();
        assert!(shown.contains("row 4, column B \"title\": missing title"), "{shown}");
        assert!(shown.contains("row 5, column B \"title\": missing title"), "{shown}");
        let crlf = text.replace('\n', "\r\n");
        assert_eq!(parse_proposals_csv(crlf.as_bytes()).unwrap_err().to_string(), shown);
    }

    #[test]
    fn chinese_headers_with_units_are_understood() {
        let text = "编号,名称,描述,地点,类别,提议人,估算金额（元）,层级,备注\n\
                    P01,楼道照明,换灯,3栋,设施改造,王女士,\"12,000\",街道,急\n";
        let Table { proposals: list, warnings, .. } = parse_proposals_csv(text.as_bytes()).unwrap();
        let p = &list[0];
        assert_eq!(
            (p.title.as_str(), p.proposer.as_str(), p.cost, p.level),
            ("楼道照明", "王女士", 12_000, Level::Street)
        );
        assert_eq!(warnings.len(), 1, "the 备注 column is reported as ignored: {warnings:?}");
    }

    #[test]
    fn a_title_row_above_the_header_is_skipped() {
        let text =
            format!("幸福里社区微实事项目汇总表,,,,,,,\n{}", csv_with(&["P01,路灯,,,,,5000,", "P02,,,,,,5000,"]));
        let shown = parse_proposals_csv(text.as_bytes()).unwrap_err().to_string();
        assert!(shown.contains("row 4, column B \"title\": missing title"), "{shown}");
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
        let from_xlsx = parse_proposals_xlsx(&path, None).unwrap();

        let csv: String = std::iter::once(header.join(","))
            .chain(rows.iter().map(|r| r.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(",")))
            .collect::<Vec<_>>()
            .join("\n");
        let from_csv = parse_proposals_csv(csv.as_bytes()).unwrap();
        assert_eq!((&from_xlsx.proposals, &from_xlsx.warnings), (&from_csv.proposals, &from_csv.warnings));
        assert_eq!(from_xlsx.proposals.iter().map(|p| p.cost).collect::<Vec<_>>(), [12_000, 12_000, 8_500]);
        assert_eq!(from_xlsx.proposals[2].id, "7");

        // And through `load`, named by a meeting file and picked by extension.
        let meeting = "[meeting]\nname = \"小会\"\nproposals = \"提案.xlsx\"\n\
                       [rules]\ntables = 1\nmax_choices = 2\n[rules.budget]\namount = 50000\n";
        std::fs::write(dir.path().join("meeting.toml"), meeting).unwrap();
        let loaded = load(Some(&dir.path().join("meeting.toml")), None).unwrap();
        assert_eq!(loaded.definition.proposals, from_xlsx.proposals);
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
