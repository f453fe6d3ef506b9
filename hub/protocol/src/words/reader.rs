//! The words of the meeting-file reader (`hub check`, `hub serve`, `hub
//! prescreen`): its refusals, warnings and notes about the meeting file, the
//! proposals table (CSV, XLSX, Pabulib `.pb`) and the pre-screening record,
//! naming the sheet, row and column, in Chinese and English, each once.
//!
//! The same form as the pages' table (`ui`): `NAME = "中文", "English";`,
//! `{name}` for a value (`Words::fill`). A word the pages or the documents
//! also say is their entry (`ui`, `print`), not a second one here. The
//! header names and values the reader recognises in a clerk's spreadsheet
//! are input, not words shown: they are in the hub's
//! `documents/definition/aliases.rs`. The hub's tests fail on a pair written
//! twice (here, in `ui`, `terminal` or `print`), on an entry the reader does
//! not use, and on Chinese written in the reader's code outside this table.

use super::Words;

ui_words! {
    // Where a problem is, and the file it is in (`{zh}`/`{en}`: the problem in that language).
    AT_ROW = "第 {n} 行：{zh}", "row {n}: {en}";
    AT_LINE = "第 {n} 行：{zh}", "line {n}: {en}";
    AT_CELL = "第 {row} 行 {column} 列：{zh}", "row {row}, column {column}: {en}";
    AT_CELL_HEADER = "第 {row} 行 {column} 列“{header}”：{zh}", "row {row}, column {column} \"{header}\": {en}";
    CANNOT_READ_FILE = "无法读取文件 {file}", "cannot read {file}: {reason}";
    NO_SUCH_FILE = "找不到该文件", "no such file";
    UNSUPPORTED_PROPOSALS_FILE = "提案表 {file} 的格式不支持，请另存为 .xlsx 或 .csv（排练时也可用 Pabulib 的 .pb 文件）", "unsupported proposals file {file}: save it as .xlsx or .csv (or, for a rehearsal, use a Pabulib .pb file)";
    NO_PROPOSALS_FILE = "会议文件 {file} 没有指定提案表：请在 [meeting] 中写 proposals = \"提案.xlsx\"，或用 --proposals 指定", "the meeting file {file} names no proposals file: add proposals = \"proposals.xlsx\" under [meeting] or pass --proposals";
    MEETING_FILE_HAS_ERRORS = "会议文件 {file} 有误", "meeting file {file} has errors";
    /// `{sheet}` of the two below.
    IN_SHEET = "（工作表“{sheet}”）", ", sheet \"{sheet}\",";
    PROPOSALS_FILE_HAS_PROBLEMS = "提案表 {file}{sheet} 有 {n} 处问题", "proposals file {file}{sheet} has {n} problem(s)";
    RECORD_HAS_PROBLEMS = "预审记录 {file}{sheet} 有 {n} 处问题", "pre-screening record {file}{sheet} has {n} problem(s)";
    RULES_AND_PROPOSALS_DISAGREE = "会议规则与提案不符（{file}）", "the rules and proposals do not make a valid meeting ({file})";
    AND_N_MORE = "……另有 {n} 处", "… and {n} more";
    NOT_UTF8 = "文件不是 UTF-8 编码：请用记事本或 VS Code 另存为 UTF-8", "the file is not UTF-8: save it as UTF-8 (Notepad, VS Code)";
    NOT_A_WORKBOOK = "{file} 不是工作簿，工作表名“{sheet}”未使用", "{file} is not a workbook: the sheet name \"{sheet}\" was not used";
    EMPTY_FILE = "文件是空的，没有任何提案", "the file is empty: no proposals";

    // The meeting file (`{message}`: the TOML reader's own English).
    UNKNOWN_SETTING = "未知的设置项 {key}（拼写错误？）", "{message}";
    MISSING_SETTING = "缺少必填项 {key}", "{message}";
    MEETING_FILE_MALFORMED = "会议文件格式有误", "{message}";
    TABLES_DISAGREE = "tables = {n} 与 table_names 的 {names} 个桌名不一致，只写其中一项即可", "tables = {n} disagrees with the {names} names in table_names; give only one of them";
    NO_TABLES = "[rules] 中缺少桌数：请写 tables = 6 或 table_names = [\"第一桌\", …]", "[rules] has no tables: write tables = 6 or table_names = [\"Table 1\", …]";
    TOO_MANY_TABLES = "桌数最多 {max} 张，现在是 {n} 张", "at most {max} tables, got {n}";
    MEETING_NAME_EMPTY = "会议名称不能为空", "the meeting name is empty";
    LANGUAGE_ZH_OR_EN = "language 只能是 zh 或 en，现在是“{language}”", "language must be zh or en, not \"{language}\"";
    AT_LEAST_ONE_TABLE = "至少需要 1 张桌", "at least 1 table is needed";
    TABLE_NAME_EMPTY = "第 {n} 张桌的桌名为空", "table {n} has an empty name";
    TABLE_NAME_TWICE = "桌名“{name}”重复", "duplicate table name \"{name}\"";
    /// `{key}`: one of the four below.
    SETTING_AT_LEAST_ONE = "{key} 至少为 1", "{key} must be at least 1";
    PICKS_PER_TABLE = "picks_per_table（每桌推选数）", "picks_per_table";
    MAX_CHOICES = "max_choices（每人最多投票数）", "max_choices";
    DISCUSSION_MINUTES = "discussion_minutes（讨论时长）", "discussion_minutes";
    PITCH_MINUTES = "pitch_minutes（推介时长）", "pitch_minutes";
    BUDGET_NOT_POSITIVE = "预算金额必须大于 0", "the budget amount must be more than 0";
    CURRENCY_EMPTY = "预算币种不能为空", "the budget currency is empty";

    // Rules and proposals together.
    NO_PROPOSALS = "没有任何提案", "there are no proposals";
    TOO_MANY_PROPOSALS = "提案最多 {max} 个，现在有 {n} 个", "at most {max} proposals, got {n}";
    PROPOSAL_N_HAS_NO_ID = "第 {n} 个提案缺少编号", "proposal {n} has no id";
    ID_TWICE_SAME_AS = "项目编号 {id} 重复（与 {first} 是同一个编号）", "duplicate proposal id {id} (the same id as {first})";
    PROPOSAL_HAS_NO_TITLE = "项目 {id} 缺少标题", "proposal {id} has no title";
    MAX_CHOICES_OVER_PROPOSALS = "每人最多可投 {max} 项，但只有 {n} 个提案", "max_choices is {max} but there are only {n} proposals";
    /// `{how}`: one of the two below.
    PICKS_OVER_SHARE = "每桌要推选 {picks} 个，但{how}", "each table picks {picks}, but {how}";
    SMALLEST_SHARE = " {n} 个提案分给 {tables} 张桌，最少的桌只分到 {share} 个", "{n} proposals over {tables} tables leaves the smallest share with {share}";
    ONLY_N_PROPOSALS = "只有 {n} 个提案", "there are only {n} proposals";
    DATE_NOT_RECOGNISED = "会议日期“{date}”无法识别为日期（请写 2026-11-28、2026/11/28、2026年11月28日 或 28.11.2026），它会照原样显示；Pabulib 导出将使用投票当天的日期", "the meeting date \"{date}\" is not recognised as a date (write 2026-11-28, 2026/11/28, 2026年11月28日 or 28.11.2026): it is shown as written, and the Pabulib export uses the day of the vote";
    UNEVEN_SPLIT = "提案数 {n} 不是桌数 {tables} 的整数倍：前 {extra} 张桌各分到 {more} 个，其余各 {base} 个", "{n} proposals is not a multiple of {tables} tables: the first {extra} tables get {more} each, the others {base}";
    OVER_THE_WHOLE_BUDGET = "项目 {id} “{title}”估算 {cost} 元，超过总预算 {budget} 元，选上也无法实施", "proposal {id} \"{title}\" costs {cost}, more than the whole budget of {budget}: it cannot be funded";
    COSTS_NOTHING = "项目 {id} “{title}”估算金额为 0，是否漏填？", "proposal {id} \"{title}\" costs 0: is the estimate missing?";

    // Cells: the file's encoding and form (`{error}`: the reading library's own words).
    ENCODING_READ_AS = "文件编码为 {encoding}，已按此读取", "the file is {encoding} text and was read as such";
    READ_AS_GBK = "文件不是 UTF-8，已按 GBK（中文 Windows 的 Excel“CSV”格式）读取；请核对下面读到的内容", "the file is not UTF-8 and was read as GBK (Excel's plain CSV on a Chinese Windows): check what was read below";
    ENCODING_UNKNOWN = "文件编码无法识别（既不是 UTF-8 也不是 GBK）：请在 Excel 中另存为“CSV UTF-8（逗号分隔）”，或直接使用 .xlsx 文件", "cannot tell the file's encoding (neither UTF-8 nor GBK): in Excel, save as \"CSV UTF-8 (comma delimited)\", or use the .xlsx file";
    MALFORMED_CSV = "CSV 格式有误：{error}", "malformed CSV: {error}";
    NOT_AN_XLSX = "{error}（不是有效的 .xlsx 文件？请在 Excel/WPS 中另存为 .xlsx", "not a valid .xlsx file? save it as .xlsx in Excel or WPS)";

    // A Pabulib `.pb` instance read as the proposals.
    PB_NOT_UTF8 = "Pabulib 文件应为 UTF-8 编码", "a Pabulib file is UTF-8 text";
    PB_MALFORMED = "格式有误：{error}", "malformed: {error}";
    PB_NO_PROJECT_ID = "缺少 project_id", "missing project_id";
    PB_ID_TWICE = "project_id {id} 重复（与 {first} 是同一个编号）", "duplicate project_id {id} (the same id as {first})";
    PB_COST_NOT_A_NUMBER = "项目 {id} 的 cost“{raw}”不是数字", "project {id}: cost \"{raw}\" is not a number";
    PB_COST_NOT_AN_AMOUNT = "项目 {id} 的 cost“{raw}”不是有效金额", "project {id}: cost \"{raw}\" is not a valid amount";
    PB_WITHDRAWN = "第 {line} 行：项目 {id} 的费用是 Pabulib 的“撤回”标记 999999999，未读入", "line {line}: project {id} carries Pabulib's withdrawn cost 999999999 and was left out";
    PB_ROUNDED = "第 {line} 行：项目 {id} 的费用 {raw} 已取整为 {yuan}", "line {line}: project {id}'s cost {raw} rounded to {yuan}";
    /// The title of a project without a name (in Chinese, as the meeting's data).
    PB_UNNAMED = "项目 {id}", "project {id}";
    PB_INSTANCE = "Pabulib 实例（{place}）：只读入项目；投票、当年的入选结果和预算（{budget} {currency}）不使用，规则以会议文件为准", "a Pabulib instance ({place}): only its projects were read; its votes, selection and budget ({budget} {currency}) are not used, the rules are the meeting file's";
    PB_TOTAL = "费用合计 {total}", "the costs add up to {total}";

    // The column names of the proposals table and of the pre-screening record
    // (each the first of the header names the reader recognises for it).
    ID = "编号", "id";
    TITLE = "标题", "title";
    DESCRIPTION = "描述", "description";
    LOCATION = "地点", "location";
    PROPOSER = "提议人", "proposer";
    COST = "估算金额", "cost";
    LEVEL = "层级", "level";
    RECORD_RAW_ID = "原始编号", "raw id";
    RECORD_TEXT = "建议内容", "text";
    RECORD_CONTACT = "联系方式", "contact";
    RECORD_OUTCOME = "处理结果", "outcome";
    RECORD_MEETING_ID = "会议编号", "meeting id";
    RECORD_MERGE = "合并方式", "merge";
    RECORD_RULE = "排除规则", "rule";
    RECORD_REASON = "理由", "reason";

    // The pre-screening record: what `hub check` sums up, what it refuses.
    PRESCREENING_RECORD = "预审记录", "pre-screening record";
    /// The summary writes each count after its label in both languages ("保留 kept 3").
    N_RAW_PROPOSALS = "{n} 条原始提议", "raw proposals";
    MERGED = "合并", "merged";
    STRUCK = "排除", "struck";
    WITH_A_CONTACT = "有联系方式", "with a contact";
    RULE_N = "第 {n} 条", "rule {n}";
    /// A summary line: "第 1 条 rule 1（…）：3".
    LABEL_WORDS_COUNT = "{label}（{words}）：{n}", "{label} ({words}): {n}";
    /// The drafted proposals list's descriptions (the clerk's list, in Chinese).
    DRAFT_MERGED_FROM = "由 {n} 条居民建议合并：{ids}", "merged from {n} residents' proposals: {ids}";
    DRAFT_FROM = "居民建议 {id}", "resident's proposal {id}";
    NO_SHEET_NAMED = "没有名为“{want}”的工作表；工作表有：{sheets}", "no sheet is named \"{want}\"; the sheets are: {sheets}";
    /// `{read}` below: the sheets read, after a colon (the English writes it as the Chinese does).
    COLON_LIST = "：{list}", ": {list}";
    RECORD_NO_HEADER_IN = "在前 {rows} 行找不到预审记录的表头（须有 {needed}）；读过的工作表{read}", "no header of a pre-screening record in the first {rows} rows (it needs {needed}); sheets read{read}";
    RECORD_SHEET_NO_HEADER = "这张工作表没有预审记录的表头（原始编号、建议内容、处理结果）", "this sheet has no pre-screening header (raw id, text, outcome)";
    RECORD_NOT_A_PROPOSAL = "第 {row} 行“{first}”不是提议，已跳过", "row {row} (\"{first}\") is not a proposal: skipped";
    NO_RAW_ID = "没有原始编号", "no raw id";
    OUTCOME_NOT_UNDERSTOOD = "处理结果“{text}”无法识别：请写 {kept}、{merged} 或 {struck}", "outcome \"{text}\" not understood: write kept, merged or struck ({kept}/{merged}/{struck})";
    STRIKE_NAMES_A_RULE = "排除须写明七条规则中的哪一条（1 到 7），这里是“{text}”", "a strike names one of the seven rules (1 to 7), not \"{text}\"";
    STRIKE_NEEDS_A_REASON = "排除须写一句理由", "a strike needs a one-line reason";
    NAME_THE_MEETING_ID = "须写明会议编号（保留为哪个提案、并入哪个提案）", "name the meeting's proposal it is kept as or merged into";
    MEETING_ID_NOT_IN_TABLE = "会议编号“{id}”不在提案表里", "the meeting id \"{id}\" is not in the proposals table";
    MERGE_NAMES_HOW = "合并须写明合并方式（1 合并内容、地点分列；2 内容和地点都合并；3 按内容和地点综合合并），这里是“{text}”", "a merge names how (1 same content, places kept apart; 2 same content and place; 3 content and place together), not \"{text}\"";
    HIDDEN_ROWS_READ = "隐藏的第 {rows} 行也已读入（预审记录包括每一条提议）", "hidden rows {rows} were read too (the record holds every proposal)";

    // The proposals table: what `hub check` shows of it (each heading in both languages, "工作表 / sheet:").
    PROPOSALS_TABLE = "提案表", "proposals";
    SHEET = "工作表", "sheet";
    HEADER = "表头", "header";
    COLUMNS = "各列", "columns";
    NOTES = "说明", "notes";
    READ = "读到", "read";
    TOTAL = "合计", "total";
    /// Written as "12 个提案 proposals".
    N_PROPOSALS = "{n} 个提案", "proposals";
    FIRST_N_AS_READ = "前 {n} 个（请与表格核对）", "the first {n} as read (compare them with the sheet)";
    ROW_N = "第 {n} 行", "row {n}";
    LINE_N = "第 {n} 行", "line {n}";
    ROWS_SPAN = "第 {a}–{b} 行", "rows {a}–{b}";
    LINES_SPAN = "第 {a}–{b} 行", "lines {a}–{b}";
    /// Units of cost (the first header name or unit the reader recognises for each).
    UNIT_YUAN = "元", "yuan";
    UNIT_QIAN = "千元", "thousands of yuan (千元)";
    UNIT_WAN = "万元", "tens of thousands of yuan (万元)";

    // The proposals table: choosing the sheet, reading the header.
    IS_A_HIDDEN_SHEET = "是隐藏的工作表", "is a hidden sheet";
    HAS_NO_PROPOSALS_HEADER = "里没有提案表头（编号、标题、估算金额）", "has no proposals header (id, title, cost)";
    SHEET_SKIPPED = "第 {n} 个工作表“{s}”{why}，已跳过；读取的是工作表“{r}”", "sheet {n} \"{s}\" {why} and was skipped; read the sheet \"{r}\"";
    NO_PROPOSALS_HEADER = "没有提案表头（编号、标题、估算金额）", "no proposals header (id, title, cost)";
    IS_EMPTY = "是空的", "is empty";
    A_HIDDEN_SHEET = "（隐藏的工作表）", " (a hidden sheet)";
    SHEET_PROBLEM = "工作表“{name}”{hidden}：{why}", "sheet \"{name}\"{hidden}: {why}";
    SEVERAL_SHEETS = "有几个工作表都像提案表：{list}。请指定要读的一个：在会议文件 [meeting] 中写 proposals_sheet = \"{first}\"（或 hub check --sheet {first}）", "several sheets look like a proposals table: {list}. Name the one to read: proposals_sheet = \"{first}\" under [meeting] in the meeting file (or hub check --sheet {first})";
    A_HIDDEN_COLUMN_OF = "隐藏列（{field}），未读", "a hidden column ({field}), not read";
    HIDDEN_NOT_READ = "隐藏列，未读", "hidden, not read";
    NOT_RECOGNISED = "未识别", "not recognised";
    FIELD_NAMES = "{field}：{names}", "{field}: {names}";
    HEADER_MISSING = "表头找不到{need}列。读到的表头：{seen}。可用的列名（{accepted}）见 docs/meeting-file.md", "the header has no {need} column. The header as read: {seen}. Accepted names are in docs/meeting-file.md";
    /// Between the columns a header lacks.
    ALTERNATIVES = "、", " or ";
    SHEET_PREFIX = "工作表“{sheet}”", "sheet \"{sheet}\", ";
    HEADER_BELOW_TITLES = "表头在第 {r} 行，上面的标题行已忽略", "the header is on row {r}; the title rows above it were ignored";
    SAME_FIELD_TWICE = "有 {n} 列都是“{field}”：{list}；请删去或改名，只留一列", "{n} columns are the {field}: {list}; delete or rename all but one";
    UNIT_FROM_HEADER = "表头", "the header";
    UNIT_FROM_LINE_ABOVE = "表格上方的“单位”行", "the unit line above the table";
    UNIT_DISAGREES = "“{text}”与金额列表头“{header}”的单位（{unit}）不一致，无法确定金额单位", "\"{text}\" ({above}) disagrees with the unit of the cost header \"{header}\" ({unit}): cannot tell the unit of the costs";
    UNIT_UNCLEAR = "看不出金额单位“{text}”：请写成（{yuan}）、（{qian}）或（{wan}）", "cannot tell the unit \"{text}\": write ({yuan}), ({qian}) or ({wan})";
    /// `{label}`: the word the reader recognises before a unit ("单位").
    UNIT_FROM_ROW = "金额单位取自第 {r} 行的“{label}：{unit}”", "the cost unit is {unit} as stated on row {r}";
    FIELD_IN_PARENS = "（{field}）", " ({field})";
    HIDDEN_COLUMN_NOT_READ = "{sheet}{letter} 列“{written}”{field}是隐藏列，未读入；如果要用它，请在表格中取消隐藏", "{sheet}column {letter} \"{written}\"{field} is hidden and was not read; unhide it to use it";
    NO_HEADER_WARNING = "{sheet}{letter} 列没有表头，其中的内容已忽略", "{sheet}column {letter} has no header; its contents were ignored";
    NO_HEADER_IGNORED = "没有表头，忽略", "no header, ignored";
    /// Between the fields one header names.
    BOTH_FIELDS = "和", " and the ";
    TWO_FIELDS = "一列表头同时写了{fields}：请分成两列，或改成其中一个", "the header names both the {fields}: split the column, or name only one";
    AMBIGUOUS = "含糊：{fields}", "ambiguous: {fields}";
    COST_UNIT_FROM = "，单位：{unit}（见{source}）", ", in {unit} (from {source})";
    COST_NO_UNIT = "，单位：元（没写单位，按元读）", ", in yuan (no unit written: read as yuan)";
    READ_AS_TIMES = "，读作 ×{factor}", ", read as ×{factor}";
    BY_ITS_ENDING = "（按列名结尾识别）", " (recognised by its ending)";
    COLUMN_NOT_READ = "{letter} 列“{written}”未读：{field}在 {mz} 列“{me}”", "column {letter} \"{written}\" not read: the {field} is column {mz} \"{me}\"";
    IGNORED_FIELD_IS = "忽略（{field}在 {mz} 列）", "ignored (the {field} is column {mz})";
    UNRECOGNISED_COLUMN = "{sheet}忽略未识别的列 {letter}“{written}”", "{sheet}ignored the unrecognised column {letter} \"{written}\"";
    NOT_RECOGNISED_IGNORED = "未识别，忽略", "not recognised, ignored";

    // The proposals table: rows that are not proposals, totals.
    TOTALS_ROW_SKIPPED = "第 {r} 行是合计行（“{label}”），已跳过", "row {r} is a totals row (\"{label}\"), skipped";
    FOOTER_ROW_SKIPPED = "第 {r} 行是签字或说明行（“{text}”），已跳过", "row {r} is a signature or notes row (\"{text}\"), skipped";
    SECTION_ROW_SKIPPED = "第 {r} 行是分组标题（“{text}”），已跳过", "row {r} is a section heading (\"{text}\"), skipped";
    HIDDEN_ROWS_NOT_READ = "{sheet}第 {rows} 行是隐藏行，未读入（{what}）；如果它们应该上会，请在表格中取消隐藏", "{sheet}row(s) {rows} are hidden and were not read ({what}); unhide them if they belong in the meeting";
    MERGED_CELL_FILLED = "第 {a}–{b} 行 {letter} 列“{header}”是合并单元格，已逐行填入“{shown}”", "rows {a}–{b} of column {letter} \"{header}\" are one merged cell: \"{shown}\" filled into each row";
    COUNT_AS_READ = "第 {row} 行写明共 {stated} 项，与读到的一致", "row {row} states {stated} items, as read";
    COUNT_WITH_HIDDEN = "第 {row} 行写明共 {stated} 项，含 {hidden} 个隐藏行", "row {row} states {stated} items, counting {hidden} hidden row(s)";
    COUNT_DIFFERS = "合计行“{label}”写明共 {stated} 项，但读到 {n} 个提案：请核对（或删去合计行）", "the totals row \"{label}\" states {stated} items, but {n} proposals were read: check them (or delete the totals row)";
    TOTAL_AS_READ = "第 {row} 行的合计 {s} 元与读到的提案金额之和一致", "the total on row {row}, {s}, matches the costs read";
    TOTAL_WITH_HIDDEN = "第 {row} 行的合计 {s} 元含隐藏行的金额；读到的提案之和为 {r} 元", "the total on row {row}, {s}, includes the hidden rows; the proposals read add up to {r}";
    TOTAL_DIFFERS = "合计行的金额 {s} 元与读到的 {n} 个提案金额之和 {r} 元不符：请核对各行金额和单位（或删去合计行）", "the totals row says {s} but the {n} proposals read add up to {r}: check the costs and their unit (or delete the totals row)";

    // The proposals table: one row's cells.
    CELL_IS_A_DATE = "单元格是日期格式（显示为 {shown}）：Excel 可能把输入改成了日期，请把该列设为“文本”格式后重新输入", "the cell is a date (shows {shown}): Excel may have turned what was typed into a date; format the column as text and type it again";
    CELL_SHOWS_ERROR = "单元格显示错误 {error}", "the cell shows the error {error}";
    MISSING_ID = "缺少项目编号", "missing proposal id";
    ID_TWICE_ON_ROW = "项目编号 {id} 重复（第 {first} 行已有）", "duplicate proposal id {id} (already on row {first})";
    ID_SAME_AS_ON_ROW = "项目编号 {id} 与第 {first} 行的 {first_id} 是同一个编号（不分大小写和全角半角），重复", "duplicate proposal id: {id} is the same id as {first_id} on row {first} (case and full-width forms are ignored)";
    ID_HAS_SEPARATORS = "项目编号“{id}”含有逗号、分号、引号或换行：编号要能写进选票清单和 Pabulib 文件，请改掉这些字符", "proposal id \"{id}\" holds a comma, semicolon, quote or line break: ids go into ballot lists and Pabulib files; remove them";
    MISSING_TITLE = "缺少标题", "missing title";
    /// `{what}` of a merged cell: the id (`ID`) or this.
    AMOUNT = "金额", "cost";
    MERGED_CELL = "第 {a}–{b} 行的{what}是一个合并单元格：每个提案要有自己的{what}，请取消合并并逐行填写", "rows {a}–{b} share one merged {what} cell: each proposal needs its own {what}; unmerge it and fill in each row";
    FORMULA_UNSAVED = "公式 ={formula} 没有保存计算结果（文件可能由别的程序生成）：请用 Excel 或 WPS 打开并保存一次", "the formula ={formula} has no saved result (the file was perhaps written by another program): open it in Excel or WPS and save it once";
    FORMULA_ZERO = "公式 ={formula} 保存的结果是 0，可能从未计算过（文件可能由别的程序生成）：请用 Excel 或 WPS 打开并保存一次；如果确实是 0，请直接填写 0", "the formula ={formula} has 0 as its saved result and was perhaps never computed (the file was perhaps written by another program): open it in Excel or WPS and save it once; if it really is 0, type 0";
    COST_ROUNDED = "{sheet}第 {r} 行：估算金额 {c} 已取整为 {y} 元", "{sheet}row {r}: cost {c} rounded to {y} yuan";
    UNKNOWN_LEVEL = "层级“{raw}”无法识别（应为“{community}”或“{street}”）", "unknown level \"{raw}\" (expected community or street)";

    // Costs.
    MISSING_COST = "缺少估算金额", "missing cost";
    COST_CELL_IS_A_DATE = "金额单元格是日期格式（显示为 {shown}）：请把单元格格式改为“数值”后重新填写金额", "the cost cell is formatted as a date (shows {shown}): format it as a number and type the cost again";
    COST_CELL_SHOWS_ERROR = "金额单元格显示错误 {error}", "the cost cell shows the error {error}";
    COST_NEGATIVE = "估算金额不能为负数：{raw}", "cost cannot be negative: {raw}";
    COST_TOO_LARGE = "估算金额过大：{raw}", "cost is too large: {raw}";
    COST_NOT_A_NUMBER = "估算金额“{raw}”不是数字", "cost \"{raw}\" is not a number";
    COST_RANGE = "估算金额“{raw}”是一个范围：请只写一个金额", "cost \"{raw}\" is a range: write one amount";
    COST_COMMA_IN_DOUBT = "估算金额“{raw}”中的逗号位置不对，看不出是多少（1,2万 是 1.2万 还是 12万？）：小数请用点（1.2万），千位分隔请每三位一个逗号（12,000）", "cost \"{raw}\": its comma is not a thousands separator, so the amount is in doubt (is 1,2万 1.2万 or 12万?): write decimals with a point (1.2万) and group thousands by three (12,000)";
    COST_THREE_DECIMALS = "估算金额“{raw}”有三位小数，看不出是多少（12.000 是 12 元还是 12,000 元？）：千位分隔请用逗号（12,000），元的小数最多两位", "cost \"{raw}\" has three decimals, so the amount is in doubt (is 12.000 twelve or twelve thousand?): group thousands with commas (12,000); yuan have at most two decimals";
    /// `{larger}` below: what to type after the number (the Chinese, in both languages' messages).
    TEN_THOUSAND = "万", "ten thousand";
    HUNDRED_MILLION = "亿", "hundred million";
    FAR_BELOW_THE_MEDIAN = "金额“{shown}”读作 {as_read} 元，比本列的中位数 {m} 元小得多：如果是 {shown}{larger}，请写“{shown}{larger}”；如果确实是 {as_read} 元，请写“{as_read}元”", "the cost \"{shown}\" reads as {as_read} yuan, far below the column's median of {m}: write \"{shown}{larger}\" if that is what it means, or \"{as_read}元\" if it really is {as_read} yuan";
    FAR_ABOVE_THE_MEDIAN = "金额“{shown}”按本列单位（{unit}）读作 {as_read} 元，比本列的中位数 {m} 元大得多：如果是 {shown} 元，请写“{shown}元”；如果确实是 {as_read} 元，请写明单位（如“{shown}{unit}”）", "the cost \"{shown}\" in the column's unit ({unit}) reads as {as_read} yuan, far above the column's median of {m}: write \"{shown}元\" if it is in yuan, or write its unit in the cell (\"{shown}{unit}\") if it really is {as_read} yuan";
}
