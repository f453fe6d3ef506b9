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

mod aliases;
mod pb;
mod record;
mod sheet;
pub(crate) use sheet::civil_from_days;
mod table;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use yuanzhuo_protocol::words::{fill_in, grouped, reader, ui, Words};

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

    /// A problem in the reader's words (`words::reader`), each `{name}` filled in.
    fn said(at: At, w: Words, values: &[(&str, &dyn fmt::Display)]) -> Self {
        let (zh, en) = fill(w, values);
        Problem { at, zh, en }
    }
}

impl Problem {
    /// [`Problem::said`], with `{key}` the items of a list as each language
    /// lists them ("、", ", ").
    fn listing(at: At, w: Words, values: &[(&str, &dyn fmt::Display)], (key, list): (&str, &[String])) -> Self {
        let values: Vec<(&str, String)> = values.iter().map(|(k, v)| (*k, v.to_string())).collect();
        let say = |template: &str, sep: &str| {
            let joined = list.join(sep);
            let mut all: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
            all.push((key, &joined));
            fill_in(template, &all)
        };
        Problem { at, zh: say(w.zh, ui::LIST_SEP.zh), en: say(w.en, ui::LIST_SEP.en) }
    }
}

/// An entry of the vocabulary with each `{name}` filled in, (Chinese, English).
fn fill(w: Words, values: &[(&str, &dyn fmt::Display)]) -> (String, String) {
    let values: Vec<(&str, String)> = values.iter().map(|(k, v)| (*k, v.to_string())).collect();
    let values: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
    w.fill(&values)
}

/// An entry filled with values that differ by language (a sheet's name
/// said in each), (Chinese, English).
fn fill_apart(w: Words, zh: &[(&str, &str)], en: &[(&str, &str)]) -> (String, String) {
    (fill_in(w.zh, zh), fill_in(w.en, en))
}

/// "中文 / English": how a note, a warning or a reason says both.
fn both(w: Words, values: &[(&str, &dyn fmt::Display)]) -> String {
    let (zh, en) = fill(w, values);
    format!("{zh} / {en}")
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (zh, en) = (&self.zh, &self.en);
        let said = match &self.at {
            At::File => return write!(f, "{zh} / {en}"),
            At::Row(n) => both(reader::AT_ROW, &[("n", n), ("zh", zh), ("en", en)]),
            At::Line(n) => both(reader::AT_LINE, &[("n", n), ("zh", zh), ("en", en)]),
            At::Cell { row, column, header } if header.is_empty() => {
                both(reader::AT_CELL, &[("row", row), ("column", column), ("zh", zh), ("en", en)])
            }
            At::Cell { row, column, header } => both(
                reader::AT_CELL_HEADER,
                &[("row", row), ("column", column), ("header", header), ("zh", zh), ("en", en)],
            ),
        };
        f.write_str(&said)
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
            DefinitionError::Read { file, reason } => {
                f.write_str(&both(reader::CANNOT_READ_FILE, &[("file", file), ("reason", reason)]))
            }
            DefinitionError::UnsupportedFormat { file } => {
                f.write_str(&both(reader::UNSUPPORTED_PROPOSALS_FILE, &[("file", file)]))
            }
            DefinitionError::NoProposalsFile { file } => {
                f.write_str(&both(reader::NO_PROPOSALS_FILE, &[("file", file)]))
            }
            DefinitionError::Meeting { file, problems } => {
                write_problems(f, fill(reader::MEETING_FILE_HAS_ERRORS, &[("file", file)]), problems)
            }
            DefinitionError::Proposals { file, sheet, problems } => write_problems(
                f,
                file_has_problems(reader::PROPOSALS_FILE_HAS_PROBLEMS, file, sheet, problems),
                problems,
            ),
            DefinitionError::Record { file, sheet, problems } => {
                write_problems(f, file_has_problems(reader::RECORD_HAS_PROBLEMS, file, sheet, problems), problems)
            }
            DefinitionError::Invalid { file, problems } => {
                write_problems(f, fill(reader::RULES_AND_PROPOSALS_DISAGREE, &[("file", file)]), problems)
            }
        }
    }
}

/// "The file (, sheet) has n problems", the sheet named in each language.
fn file_has_problems(w: Words, file: &str, sheet: &Option<String>, problems: &[Problem]) -> (String, String) {
    let (zh, en) = match sheet {
        Some(s) => fill(reader::IN_SHEET, &[("sheet", s)]),
        None => (String::new(), String::new()),
    };
    let n = problems.len().to_string();
    fill_apart(w, &[("file", file), ("sheet", &zh), ("n", &n)], &[("file", file), ("sheet", &en), ("n", &n)])
}

fn write_problems(f: &mut fmt::Formatter<'_>, (zh, en): (String, String), problems: &[Problem]) -> fmt::Result {
    write!(f, "{zh} / {en}:")?;
    for p in problems.iter().take(MAX_SHOWN_PROBLEMS) {
        write!(f, "\n  {p}")?;
    }
    if problems.len() > MAX_SHOWN_PROBLEMS {
        let more = problems.len() - MAX_SHOWN_PROBLEMS;
        write!(f, "\n  {}", both(reader::AND_N_MORE, &[("n", &more)]))?;
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
        problems: vec![Problem::said(At::File, reader::NOT_UTF8, &[])],
    })
}

fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

fn read_bytes(path: &Path) -> Result<Vec<u8>, DefinitionError> {
    std::fs::read(path).map_err(|e| {
        let reason = match e.kind() {
            std::io::ErrorKind::NotFound => both(reader::NO_SUCH_FILE, &[]),
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
        table.report.notes.push(both(reader::NOT_A_WORKBOOK, &[("file", &label), ("sheet", &s)]));
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
    let said = if let Some(key) = quoted_after(&msg, "unknown field `") {
        Problem::said(at, reader::UNKNOWN_SETTING, &[("key", &key), ("message", &msg)])
    } else if let Some(key) = quoted_after(&msg, "missing field `") {
        Problem::said(at, reader::MISSING_SETTING, &[("key", &key), ("message", &msg)])
    } else {
        Problem::said(at, reader::MEETING_FILE_MALFORMED, &[("message", &msg)])
    };
    meeting_error(vec![said])
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
        (Some(n), Some(list)) if n as usize != list.len() => {
            Err(Problem::said(At::File, reader::TABLES_DISAGREE, &[("n", &n), ("names", &list.len())]))
        }
        (_, Some(list)) => Ok(list.into_iter().map(|s| s.trim().to_string()).collect()),
        // Refuse absurd counts here, before allocating a name for each.
        (Some(n), None) if n as usize > MAX_TABLES => Err(too_many_tables(n as usize)),
        (Some(n), None) => {
            Ok((1..=n).map(|i| fill_in(yuanzhuo_protocol::words::ui::TABLE.zh, &[("n", &i.to_string())])).collect())
        }
        (None, None) => Err(Problem::said(At::File, reader::NO_TABLES, &[])),
    }
}

fn too_many_tables(n: usize) -> Problem {
    Problem::said(At::File, reader::TOO_MANY_TABLES, &[("max", &MAX_TABLES), ("n", &n)])
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
        problems: vec![Problem::said(At::File, reader::EMPTY_FILE, &[])],
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

fn problem(w: Words, values: &[(&str, &dyn fmt::Display)]) -> Problem {
    Problem::said(At::File, w, values)
}

fn check_meeting(m: &MeetingInfo, out: &mut Vec<Problem>) {
    if m.name.trim().is_empty() {
        out.push(problem(reader::MEETING_NAME_EMPTY, &[]));
    }
    if !matches!(m.language.as_str(), "zh" | "en") {
        out.push(problem(reader::LANGUAGE_ZH_OR_EN, &[("language", &m.language)]));
    }
}

fn check_rules(r: &Rules, out: &mut Vec<Problem>) {
    let n = r.tables.len();
    if n == 0 {
        out.push(problem(reader::AT_LEAST_ONE_TABLE, &[]));
    } else if n > MAX_TABLES {
        out.push(too_many_tables(n));
    }
    for (i, name) in r.tables.iter().enumerate() {
        if name.trim().is_empty() {
            out.push(problem(reader::TABLE_NAME_EMPTY, &[("n", &(i + 1))]));
        } else if r.tables[..i].contains(name) {
            out.push(problem(reader::TABLE_NAME_TWICE, &[("name", name)]));
        }
    }
    let at_least_one = [
        (r.picks_per_table, reader::PICKS_PER_TABLE),
        (r.max_choices, reader::MAX_CHOICES),
        (r.discussion_minutes, reader::DISCUSSION_MINUTES),
        (r.pitch_minutes, reader::PITCH_MINUTES),
    ];
    for (value, key) in at_least_one {
        if value == 0 {
            let w = reader::SETTING_AT_LEAST_ONE;
            let (zh, en) = fill_apart(w, &[("key", key.zh)], &[("key", key.en)]);
            out.push(Problem::new(At::File, zh, en));
        }
    }
    if r.budget.amount == 0 {
        out.push(problem(reader::BUDGET_NOT_POSITIVE, &[]));
    }
    if r.budget.currency.trim().is_empty() {
        out.push(problem(reader::CURRENCY_EMPTY, &[]));
    }
}

/// Proposals built by other code than the file parsers get the same basic
/// checks (the parsers have already reported these with row numbers).
fn check_proposals(list: &[Proposal], out: &mut Vec<Problem>) {
    if list.is_empty() {
        out.push(problem(reader::NO_PROPOSALS, &[]));
    } else if list.len() > MAX_PROPOSALS {
        out.push(problem(reader::TOO_MANY_PROPOSALS, &[("max", &MAX_PROPOSALS), ("n", &list.len())]));
    }
    // Ids are compared as the engine compares a counter's marks: case and
    // full-width forms ignored.
    let mut seen: HashMap<String, &str> = HashMap::new();
    for (i, p) in list.iter().enumerate() {
        if p.id.trim().is_empty() {
            out.push(problem(reader::PROPOSAL_N_HAS_NO_ID, &[("n", &(i + 1))]));
        } else if let Some((zh, en)) = id_problem(&p.id) {
            out.push(Problem::new(At::File, zh, en));
        } else if let Some(first) = seen.insert(fold_id(&p.id), &p.id) {
            out.push(problem(reader::ID_TWICE_SAME_AS, &[("id", &p.id), ("first", &first)]));
        }
        if p.title.trim().is_empty() {
            out.push(problem(reader::PROPOSAL_HAS_NO_TITLE, &[("id", &p.id)]));
        }
    }
}

/// Rules that depend on the number of proposals.
fn check_fit(def: &Definition, out: &mut Vec<Problem>) {
    let r = &def.rules;
    let n = def.proposals.len();
    let tables = r.tables.len();
    if n > 0 && r.max_choices as usize > n {
        out.push(problem(reader::MAX_CHOICES_OVER_PROPOSALS, &[("max", &r.max_choices), ("n", &n)]));
    }
    // Each table must have enough proposals in front of it to pick from.
    let smallest_share = match r.assignment {
        Assignment::SplitEvenly if tables > 0 => n / tables,
        _ => n,
    };
    if n > 0 && tables > 0 && smallest_share < r.picks_per_table as usize {
        let (zh_how, en_how) = if r.assignment == Assignment::SplitEvenly {
            fill(reader::SMALLEST_SHARE, &[("n", &n), ("tables", &tables), ("share", &smallest_share)])
        } else {
            fill(reader::ONLY_N_PROPOSALS, &[("n", &n)])
        };
        let picks = r.picks_per_table.to_string();
        let (zh, en) = fill_apart(
            reader::PICKS_OVER_SHARE,
            &[("picks", &picks), ("how", &zh_how)],
            &[("picks", &picks), ("how", &en_how)],
        );
        out.push(Problem::new(At::File, zh, en));
    }
}

fn warnings(def: &Definition) -> Vec<String> {
    let r = &def.rules;
    let n = def.proposals.len();
    let tables = r.tables.len();
    let mut out = Vec::new();
    let m = &def.meeting;
    if !m.date.trim().is_empty() && crate::documents::publish::parse_date(&m.date).is_none() {
        out.push(both(reader::DATE_NOT_RECOGNISED, &[("date", &m.date)]));
    }
    // MEETING.md: the merged list is sized to a multiple of the tables so
    // that every table gets an equal share.
    if r.assignment == Assignment::SplitEvenly && tables > 0 && !n.is_multiple_of(tables) {
        let (base, extra) = (n / tables, n % tables);
        let values: [(&str, &dyn fmt::Display); 5] =
            [("n", &n), ("tables", &tables), ("extra", &extra), ("more", &(base + 1)), ("base", &base)];
        out.push(both(reader::UNEVEN_SPLIT, &values));
    }
    for p in &def.proposals {
        if p.cost > r.budget.amount {
            let (cost, budget) = (grouped(p.cost), grouped(r.budget.amount));
            let values: [(&str, &dyn fmt::Display); 4] =
                [("id", &p.id), ("title", &p.title), ("cost", &cost), ("budget", &budget)];
            out.push(both(reader::OVER_THE_WHOLE_BUDGET, &values));
        } else if p.cost == 0 {
            out.push(both(reader::COSTS_NOTHING, &[("id", &p.id), ("title", &p.title)]));
        }
    }
    out
}

// ---------------------------------------------------------------- tests

/// The reader's source files whose words come from `words::reader` (and
/// `ui`, `print`), without their tests: the vocabulary tests read them.
/// `aliases.rs` is not among them: it holds what a clerk's spreadsheet may
/// say, and the pages' test checks it holds nothing but `const` tables.
#[cfg(test)]
pub fn source_files(hub: &std::path::Path) -> Vec<(String, String)> {
    const COVERED: &[&str] =
        &["definition.rs", "definition/pb.rs", "definition/record.rs", "definition/sheet.rs", "definition/table.rs"];
    super::code_of(hub, COVERED)
}

/// The input aliases (`definition/aliases.rs`), without its tests.
#[cfg(test)]
pub fn aliases_file(hub: &std::path::Path) -> (String, String) {
    let path = hub.join("src/documents/definition/aliases.rs");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (
        "hub/src/documents/definition/aliases.rs".into(),
        text.split("#[cfg(test)]").next().unwrap_or_default().to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use yuanzhuo_protocol::Level;

    /// Every entry of the reader's table is used by the reader (its code
    /// or its aliases, which name the entries they share with messages).
    #[test]
    fn every_reader_word_is_used() {
        let hub = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let files = source_files(hub);
        assert_eq!(files.len(), 5);
        let code: String = files.into_iter().chain([aliases_file(hub)]).map(|(_, t)| t).collect();
        let used: std::collections::BTreeSet<String> = code
            .split("reader::")
            .skip(1)
            .map(|p| p.chars().take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_').collect())
            .collect();
        let unused: Vec<_> = reader::ALL.iter().map(|(k, _)| *k).filter(|k| !used.contains(*k)).collect();
        assert!(unused.is_empty(), "words the reader does not use (remove them): {unused:?}");
    }

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
