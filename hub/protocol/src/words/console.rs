//! The hub's own words on the command line and to the organiser: its
//! refusals, warnings and notes (`hub serve`, `verify`, `restore`,
//! `witness`, …) and the HTTP answers of the WebSocket door, in Chinese and
//! English, each once.
//!
//! The same form as the pages' table (`ui`): `NAME = "中文", "English";`,
//! `{name}` for a value (`Words::fill`). The hub says most of them as
//! "中文 / English" on one line, or Chinese then English on two. A word the
//! pages, the documents or the reader also say is their entry, not a second
//! one here. Commands to type and lines scripts read stay in the code. The
//! hub's tests fail on a pair written twice, on an entry the hub does not
//! use, and on Chinese written in the hub's code outside this table.

use super::Words;

ui_words! {
    // The WebSocket door (wire/upgrade.rs).
    CANNOT_UPGRADE = "此连接不能升级为 WebSocket", "this connection cannot be upgraded";
    ONLY_WEBSOCKET = "这里只接受 WebSocket 连接", "only WebSocket connections are accepted here";
    WRONG_WEBSOCKET_VERSION = "WebSocket 版本须为 {version}", "WebSocket version must be {version}";
    MISSING_WEBSOCKET_KEY = "缺少 Sec-WebSocket-Key", "missing Sec-WebSocket-Key";
    // A socket's message the hub cannot read, said English first (http/connection.rs).
    INVALID_UTF8 = "不是有效的 UTF-8 文本", "invalid UTF-8";
    PIN_DIGITS = "4至6位数字", "pin: 4 to 6 digits";
    // A head typed by a person (meeting/head.rs).
    HEAD_NOT_HEX = "哈希只能包含十六进制数字（0-9、a-f），这里有“{bad}”", "a head is hex digits (0-9, a-f) only, not “{bad}”";
    HEAD_TOO_SHORT = "哈希至少要 {min} 位十六进制数字（64 位），这里只有 {n} 位：位数太少的哈希可以在几分钟内伪造出来。请抄下投影上完整的一组（如 76da 4c1c 9e02 b3f1）。", "A head needs at least {min} hex digits (64 bits), this one has {n}: a head that short can be forged in minutes on one computer. Copy the whole group shown (e.g. 76da 4c1c 9e02 b3f1).";
    HEAD_TOO_LONG = "哈希最多 64 位十六进制数字，这里有 {n} 位", "a head has at most 64 hex digits, this one has {n}";
    // Replaying the log (meeting/replay.rs).
    CHAIN_BROKEN_AT = "第 {n} 条记录：哈希链不成立（记录被改动、删除或调换过）", "entry {n}: the hash chain does not hold (an entry was changed, removed or swapped)";
    CHAIN_BROKEN = "哈希链不成立", "the hash chain does not hold";
    ENTRY_UNREADABLE = "第 {seq} 条记录无法读取", "entry {seq}: {reason}";
    AT_ENTRY = "第 {seq} 条记录：{zh}", "entry {seq}: {en}";
    // The database file (meeting/store.rs).
    NO_MEETING_DATA_AT = "没有会议数据：{path}", "no meeting data at {path}";
    DATABASE_DAMAGED = "数据库文件已损坏", "the database file {path} is damaged: {problems}";
    NOT_OVERWRITTEN = "{path} 已存在，不会覆盖", "{path} already exists; it is not overwritten";
    // The witness (tools/witness.rs).
    WITNESS_COPY_UNREADABLE = "见证副本 {path} 无法读取或已损坏：请把它另存，再用新文件开始", "the witness copy {path} cannot be read or is damaged: keep it aside and start a new file";
    HUB_REWROTE_ENTRY = "会场服务器发来的第 {seq} 条记录（哈希 {new}）与本见证副本保存的（哈希 {old}）不同：会场服务器的日志被改写了，或者这是另一场会议。本副本保持原样，不再写入。请把它交给监票员和组织者核对。", "The hub sent entry {seq} with hash {new}, but this witness copy holds hash {old}: the hub's log was rewritten, or this is another meeting. This copy is kept as it was and nothing more is written to it; give it to the scrutineers and the organiser to check.";
    OPENED_BODY_MISMATCH = "会场服务器打开的第 {seq} 条记录与其哈希不符", "the hub opened entry {seq} with a body that does not match its hash: {problem}";
    ENTRY_DOES_NOT_FOLLOW = "会场服务器发来的记录无法接在本副本之后", "the hub sent an entry that does not follow this copy: {problem}";
    /// `见证副本 / witness copy: FILE — N 条记录 / entries`.
    WITNESS_COPY = "见证副本", "witness copy";
    ENTRIES_UNIT = "条记录", "entries";
    WITNESS_STOPPED = "见证已停止，副本已保存", "witness stopped; the copy is saved: {path} ({n} entries)";
    CONNECTION_LOST = "连接中断，正在重连", "connection lost, reconnecting: {error}";
    HUB_ADDRESS_FORM = "--hub 应为 ws://主机:端口/ws", "--hub must be ws://HOST:PORT/ws";
    WARNING = "警告", "warning";
    HUB_LOST_ENTRIES = "会场服务器的日志只有 {hub} 条，本见证副本有 {n} 条：会场服务器丢失了已确认的记录。请组织者停止服务器，用本副本恢复：hub restore --from {path} --data 数据文件夹", "The hub's log has {hub} entries, this witness copy has {n}: the hub has lost acknowledged entries. The organiser should stop it and restore from this copy: hub restore --from {path} --data DATA-FOLDER";
    CONNECTED_AS = "已连接", "connected as {label} — the hub's log: {n} entries";
    THE_HUB = "会场服务器", "the hub";
    SEALED_UNTIL_CLOSE = "密封至投票结束", "sealed until the close";
    WITNESS_REPORT = "见证", "witness: {n} entries verified, head {head}{sealed}";
    // Restoring and backing up (tools/restore.rs).
    HOLDS_NO_ENTRIES = "{path} 里没有记录", "{path} holds no entries";
    DATABASE_CANNOT_OPEN = "数据文件夹 {path} 的数据库无法打开，请恢复到一个新文件夹（--data 新文件夹）", "the database in {path} cannot be opened; restore into a new folder (--data NEW-FOLDER)";
    LOG_CANNOT_BE_READ = "数据文件夹 {path} 的日志无法读取，请恢复到一个新文件夹", "the log in {path} cannot be read; restore into a new folder";
    FOLDER_LOG_DAMAGED = "数据文件夹里的日志已损坏，请恢复到一个新文件夹", "the folder's log is damaged ({problem}); restore into a new folder";
    FOLDER_LOG_LONGER = "数据文件夹 {path} 的日志（{have} 条）比副本（{copy} 条）更长，不会被覆盖。", "The data folder {path} holds a longer log ({have} entries) than the copy ({copy} entries); it is not overwritten.";
    FOLDER_LOG_DIFFERS = "数据文件夹 {path} 的日志在第 {seq} 条与副本不同（{have} 对 {copy}）：不是同一份日志，不会被覆盖。", "The data folder {path}'s log differs from the copy at entry {seq} ({have} against {copy}): not the same log; it is not overwritten.";
    COPY_NOT_THIS_MEETING = "副本第 {seq} 条与会场服务器确认过的不同：不是这场会议的日志", "the copy's entry {seq} differs from what the hub acknowledged there: it is not this meeting's log";
    COPY_DAMAGED = "副本已损坏", "the copy is damaged: {problem}";
    RESTORED_WOULD_NOT_VERIFY = "恢复后的日志无法校验，未写入", "the restored log would not verify, nothing written: {problem}";
    COPY_BREAKS_RULES = "副本中的记录违反会议规则，未写入：{zh}", "The copy holds an entry that breaks the meeting's rules; nothing written: {en}";
    RESTORED = "已恢复", "restored";
    NEW_ENTRIES = "{n} 条新记录", "new entries ({had} were already there)";
    LOG_NOW_HAS = "日志现有 {n} 条", "the log now has {n} entries, head {head}";
    SEALED_CANNOT_OPEN = "注意：副本从第 {seq} 条起是投票期间密封的记录，本文件夹的密钥打不开（{why}）。请恢复到原来的数据文件夹，或在投票结束后从见证处取得打开的副本。", "Note: from entry {seq} on the copy holds entries sealed during the vote that this folder's key cannot open ({why}). Restore into the meeting's own data folder, or get an opened copy from a witness after the close.";
    STILL_SHORT = "注意：会场服务器确认过到第 {seq} 条，恢复后仍然缺少记录，服务器仍会拒绝启动；请用更完整的见证副本再恢复一次。", "Note: the hub had acknowledged up to entry {seq}; the log is still short of it and the hub will still refuse to start. Restore again from a longer witness copy.";
    WITNESS_COPY_HAS_NO_CARDS = "注意：见证副本里没有卡的代码（日志只记录承诺，从不记录代码）。在新文件夹里，这场会议可以核对和导出（hub verify、hub export），但不能继续开：没有卡能打开它。要继续开会，请恢复到会议原来的数据文件夹，或者用含有卡片的备份（hub backup）恢复。", "Note: a witness copy holds no card codes (the log keeps only their commitments, never the codes). In a new folder the meeting can be checked and exported (hub verify, hub export) but not continued: no card opens it. To go on with the meeting, restore into its own data folder, or from a backup (hub backup), which holds the cards.";
    CHECK_IT = "请核对", "check it";
    BACKUP_FAILS_VERIFICATION = "备份里的日志无法校验", "the backup's log fails verification: {problem}";
    BACKUP_NOT_ACKNOWLEDGED = "备份与这个文件夹确认过的日志不符（第 {seq} 条）", "the backup does not hold what this folder's hub acknowledged (entry {seq})";
    RESTORED_FROM_BACKUP = "已从备份恢复", "restored from the backup";
    ENTRIES_WITH_CARDS = "{n} 条记录", "entries, head {head}, with its cards and key";
    LOG_NOT_WHOLE = "不备份不完整的日志", "a log that is not whole is not backed up: {problem}";
    BACKED_UP = "已备份", "backed up";
    BACKUP_HOLDS_MEETING = "这一个文件包含整场会议：日志、卡片（令牌）和会场服务器的密钥，请像保管卡片一样保管它。在另一台电脑上：hub restore --from {path} --data 新文件夹", "This one file holds the whole meeting: the log, the cards (tokens) and the hub's key; keep it as safe as the cards. On another computer: hub restore --from {path} --data NEW-FOLDER";
    LOG_DAMAGED_CANNOT_GO_ON = "日志已损坏，不能继续", "the log is damaged and cannot go on: {problem}";
    NO_MEETING_IN_FOLDER = "数据文件夹中没有会议", "the data folder holds no meeting";
    ENTRIES_LOST = "第 {from} 至 {to} 条记录（{n} 条）已确认但丢失，不能恢复。", "Entries {from} to {to} ({n} entries) were acknowledged and are lost.";
    ENTRY_DIFFERS_LOG_STANDS = "日志第 {seq} 条与会场服务器确认过的不同；从此以本日志为准。", "Entry {seq} differs from what the hub acknowledged; this log stands from now on.";
    HEAD_RECORD_AGREES = "日志末端记录与日志一致；客户端此前见过的位置不再作为证据。", "The head record agrees with the log; positions clients saw before no longer count as evidence.";
    LOG_GOES_ON = "日志从第 {seq} 条（哈希 {head}）继续。丢失的选票不在日志中：这些投票人可以重新投票。请告知会场，并在会议记录中写明。", "The log goes on from entry {seq} (hash {head}). Lost ballots are not in the log: those voters may vote again. Tell the room, and note it in the meeting's minutes. (tag epoch {epoch})";
    // Loading and serving the log (meeting/task.rs, http/server.rs).
    LOG_FAILS_VERIFICATION_AT_START = "日志校验失败，拒绝启动", "the log fails verification, refusing to start: {problem}";
    LOG_FAILS_VERIFICATION = "日志校验失败", "the log fails verification: {problem}";
    NO_MEETING_DEFINITION_IN_FOLDER = "数据文件夹中没有会议定义", "the data folder holds no meeting definition";
    SHORTENED_LOG_REFUSED = "拒绝启动：不会把缺了记录的日志当作完整的提供。如果 meeting.sqlite-wal 还在别处，请把它放回数据文件夹；否则用见证副本恢复：hub restore --from 见证副本 --data {path}", "Refusing to start: a shortened log is never served as whole. If meeting.sqlite-wal is elsewhere, put it back in the data folder; otherwise restore from a witness copy: hub restore --from WITNESS_COPY --data {path}";
    NO_HEAD_RECORD = "注意：数据文件夹 {path} 没有日志末端记录（{file}），无法确认日志是否完整（是不是只复制了 meeting.sqlite？）。客户端重新连接时会报告它们见过的位置。", "Warning: the data folder {path} has no head record ({file}), so the hub cannot tell whether the log is whole (was meeting.sqlite copied alone?). Clients report what they saw when they reconnect.";
    LOG_SHORTER_THAN_SEEN = "本服务器的日志只到第 {len} 条，但 {who} 已见过第 {seq} 条（哈希 {head}）：已确认的记录丢失了。", "This hub's log ends at entry {len}, but {who} has seen entry {seq} (hash {head}): acknowledged entries are missing.";
    LOG_DIFFERS_FROM_SEEN = "本服务器日志第 {seq} 条的哈希是 {here}，但 {who} 见过的是 {head}：日志被改动或换成了别的日志。", "Entry {seq} of this hub's log has hash {here}, but {who} was shown {head}: the log was changed or replaced.";
    /// Said after LOG_SHORTER_THAN_SEEN or LOG_DIFFERS_FROM_SEEN.
    HALTED_FOR_A_SHORTENED_LOG = "数据文件夹里的 meeting.sqlite-wal 可能丢失了，或者只复制了 meeting.sqlite。会场服务器已停止服务，不会把缺了记录的日志当作完整的提供。请停止服务器（Ctrl+C），用见证副本恢复：hub restore --from 见证副本 --data {path}，然后重新启动。", "meeting.sqlite-wal may have been lost, or meeting.sqlite copied without it. The hub has stopped serving and will not present the shortened log as whole. Stop it (Ctrl+C), restore from a witness copy (hub restore --from WITNESS_COPY --data {path}) and start it again.";
    ERROR = "错误", "error";
    CANNOT_RELOAD_AFTER_FAILED_WRITE = "写入失败后无法重新读取日志（{error}）。会场服务器已停止服务。请检查磁盘，然后重新启动。", "After a failed write the log cannot be read again ({error}). The hub has stopped serving. Check the disk, then start it again.";
    COMMAND_ID_ANSWERED_TWICE = "日志第 {first} 条重复使用了 {actor} 的操作编号 {id}（第 {earlier} 条已用过），日志已损坏", "entry {first}: command id {id} of {actor} was already answered at entry {earlier}; the log is damaged";
    HEAD_RECORD_WITHOUT_DATABASE = "数据文件夹 {path} 里有一场会议的日志末端记录（到第 {seq} 条），但数据库是空的：meeting.sqlite 丢失了。请用见证副本或备份恢复（hub restore），或者为新会议换一个文件夹。", "The data folder {path} has the head record of a meeting (up to entry {seq}) but an empty database: meeting.sqlite is missing. Restore it from a witness copy or a backup (hub restore), or use a new folder for a new meeting.";
    // Starting and stopping the hub (http/server.rs).
    /// `注意 / warning: …` before a warning of the meeting file.
    ATTENTION = "注意", "warning";
    MEETING_CREATED = "已创建会议", "created meeting “{name}” in {path}";
    RULES_LOCKED_IN_FOLDER = "数据文件夹 {path} 已有会议“{name}”，规则已锁定，不能更换。新会议请用新的 --data 文件夹。", "The data folder {path} already holds the meeting “{name}” with locked rules; use a new --data folder for a new meeting.";
    HUB_STOPPED_DATA_SAVED = "会场服务器已停止，数据已保存", "hub stopped, data saved.";
    CANNOT_ACCEPT_CONNECTIONS = "无法接受新连接", "cannot accept connections: {error} ({open} open; limits {limits})";
    FILE_LIMIT_RAISED = "打开文件数上限", "open-files limit raised from {before} to {now} for {n} connections";
    FILE_LIMIT_TOO_LOW = "打开文件数上限", "open-files limit is {now} and the system allows no more: the hub takes at most {max} phones and viewers and {staff} staff connections, and refuses more with server_full; for the full cap it needs {needed} (`ulimit -n {needed}` before starting it)";
    FOREIGN_ORIGIN_REFUSED = "拒绝来自其他网站的连接", "connections from a foreign Origin are refused";
    /// After the banner's connections cap.
    LIMITED_BY_FILE_LIMIT = "受系统打开文件数上限 {now} 所限", "limited by the system's open-files limit {now} (full cap: ulimit -n {needed})";
    /// The banner's labels (the projector's is TOKEN_PROJECTOR).
    BANNER_RESIDENTS_OPEN = "居民手机扫码或打开", "residents open";
    BANNER_HUB_WEBSOCKET = "会场服务器", "hub WebSocket";
    BANNER_DATA = "数据", "data";
    BANNER_TOKENS = "令牌", "tokens";
    BANNER_CONNECTIONS = "连接", "connections";
    BANNER_STOP = "停止", "stop";
    // The command line (main.rs).
    /// `hub --help`'s first line, "中文 English".
    HUB_ABOUT = "圆桌", "Yuanzhuo venue hub: runs a participatory-budgeting screening meeting";
    OPTION_NOT_WHOLE_NUMBER = "{name} 应为正整数（收到“{value}”）", "{name} must be a whole number (got “{value}”)";
    HINT = "提示", "note";
    SHEET_FOR_SERVING = "正式开会时请在会议文件 [meeting] 中写 proposals_sheet = \"{sheet}\"", "to use this sheet when serving, add proposals_sheet = \"{sheet}\" under [meeting] (--sheet {given})";
    /// `hub check`'s summary: `可以使用 / OK: “NAME” — 3 桌 tables, …`.
    CHECK_OK = "可以使用", "OK";
    TABLES_UNIT = "桌", "tables";
    PROPOSALS_UNIT = "个提案", "proposals";
    /// Said "每桌推选 2 picks per table".
    CHECK_PICKS_PER_TABLE = "每桌推选", "picks per table";
    /// Said "每人最多 3 choices".
    CHECK_MOST_CHOICES = "每人最多", "choices";
    CHECK_BUDGET = "预算", "budget";
    RULES_FINGERPRINT = "规则指纹", "rules fingerprint";
    CARDS_AT_ONCE = "一次最多发 {max} 张投票卡", "at most {max} voter cards at a time";
    MEETING_EXISTS_HUB_SERVING = "会场服务器（pid {pid}）正在使用数据文件夹 {path}：会议已创建，不要再给 --meeting / --proposals。", "A hub (pid {pid}) is serving {path}: the meeting exists; leave out --meeting / --proposals.";
    CARDS_AT_ONCE_WHILE_SERVING = "会场服务器运行时一次最多发 {max} 张投票卡（可分几次发，每次都记入日志）", "while a hub serves the folder, at most {max} voter cards at a time (issue them in several goes, each logged)";
    CANNOT_CREATE_DATA_FOLDER = "无法创建数据文件夹", "cannot create the data folder {path}";
    XLSX_NEEDS_OUT = "XLSX 是二进制文件，请用 --out 指定文件名（如 --out 结果.xlsx）", "XLSX is a binary file: give --out FILE.xlsx";
    CONTACTS_ARE_INTERNAL = "内部资料：含居民联系方式，只供组织方告知结果，勿公开、勿张贴", "internal: residents' contacts, for the organisers to tell them the outcome; never publish or post it";
    CANNOT_WRITE = "无法写入", "cannot write {path}";
    PROPOSALS_DRAFTED = "已起草 {n} 个提案：请在“估算金额”一列填写造价，再用 hub check 检查；会议文件写 prescreening = \"{path}\" 把预审记录一并锁定。", "Drafted {n} proposals: fill in the 估算金额 (cost) column, check with hub check, and name the record in the meeting file (prescreening = \"{path}\") so that it is locked with the rules.";
    NO_MEETING_DATA_IN = "没有会议数据", "no meeting data in {path}";
    NO_TABLE = "没有第 {t} 桌", "There is no table {t}";
    // Issuing cards through the running hub (main.rs).
    NO_ORGANISER_CARD = "数据文件夹中没有组织者卡", "the data folder holds no organiser card";
    HUB_ADDRESS_NOT_YET_SAID = "正在运行的会场服务器（pid {pid}）还没有写明它的地址，请稍后再试", "the running hub (pid {pid}) has not said where it listens yet; try again";
    CANNOT_REACH_HUB = "无法连接正在运行的会场服务器（{address}，pid {pid}）", "cannot reach the running hub ({address}, pid {pid})";
    NO_ANSWER_FROM_HUB = "会场服务器没有回答", "no answer from the running hub";
    HUB_REFUSED = "会场服务器拒绝了", "the hub refused";
    HUB_ISSUED_CARDS = "会场服务器（pid {pid}）已发放 {n} 张投票卡", "the running hub (pid {pid}) issued {n} voter cards";
    // The cards and the tokens table (meeting/tokens.rs).
    OLD_FOLDER = "这个数据文件夹由旧版圆桌创建（监票员卡 {serial} 用的是旧名），请用创建它的版本继续这场会议；它的日志仍可用 hub verify 核验、用 hub export 导出。", "This data folder was made by an earlier Yuanzhuo (scrutineer card {serial} has the role's old name): carry on this meeting with the version that made it; its log can still be checked with hub verify and exported with hub export.";
    ROLE_OR_TABLE_DIFFERS = "角色或桌号与日志不符", "role or table differs from the log";
    NOT_IN_LOG = "不在日志中", "not issued in the log";
    CODE_DOES_NOT_MATCH = "代码与日志的承诺不符", "code does not match the log's commitment";
    TOKENS_DO_NOT_MATCH = "令牌表与日志不符，拒绝启动", "the tokens table does not match the log, refusing to start ({n} cards): {problems}";
    CARDS_WITHOUT_CODE = "注意：日志发放的 {n} 张卡在令牌表中没有代码，无法使用（{shown}{more}）。请在控制台注销这些卡并补发。", "Warning: {n} cards the log issued have no code in the tokens table and cannot be used ({shown}{more}). Cancel them in the console and issue others.";
    /// The tokens list (`hub tokens`): each card's label, "中文 English".
    TOKENS_KEEP_SECRET = "令牌", "tokens (keep them secret)";
    TOKEN_ADVISER = "技术顾问", "adviser";
    TOKEN_SCREEN = "桌面屏", "screen";
    /// Said in Chinese after the screen's label.
    READ_ONLY = "只读", "read-only";
    TOKEN_ADVISER_ALL_TABLES = "顾问(全部桌)", "adviser*";
    TOKEN_PROJECTOR = "投影", "projector";
    VOTER_CARDS_SHOWN = "投票卡", "voter cards ({shown} shown, {total} in total)";
    VOTER_CARDS_MINTED = "投票卡", "voter cards: {n} minted (mint more with --voters N, list them with --all-voters)";
    // The data folder (meeting/folder.rs).
    FOLDER_IN_USE = "另一个程序（{who}）正在使用数据文件夹 {path}：一个文件夹同时只能由一个会场服务器使用。", "Another process ({who}) is using the data folder {path}: one hub per data folder. Stop it first, or use another --data folder.";
    DISK_READ_ONLY = "磁盘是只读的", "the disk is read-only";
    NO_PERMISSION_TO_WRITE = "没有写入权限", "no permission to write there";
    DISK_FULL = "磁盘已满", "the disk is full";
    CANNOT_BE_WRITTEN = "无法写入", "it cannot be written";
    LAST_WRITE_FAILED = "最近一次保存失败", "the last write failed";
    DISK_STATE_UNREADABLE = "无法读取磁盘状态", "the disk's state cannot be read";
    FOLDER_NOT_WRITABLE = "数据文件夹 {path} 不能写入（{zh}），会场服务器无法保存任何记录，拒绝启动。请换一个可写的文件夹（--data）。", "The data folder {path} cannot be written ({en}: {error}); the hub could not save anything, so it will not start. Use a writable folder (--data).";
    HEAD_RECORD_DAMAGED = "日志末端记录 {path} 已损坏，无法读取", "the head record {path} is damaged. If the log is known to be whole, delete that file and start again (clients will still tell the hub if it lost anything); otherwise restore from a witness copy (hub restore).";
    ACKNOWLEDGED_MISSING = "日志只到第 {len} 条，但会场服务器已确认到第 {seq} 条（哈希 {head}）：已确认的记录丢失了。", "The log ends at entry {len}, but the hub had acknowledged up to entry {seq} (hash {head}): acknowledged entries are missing.";
    LOG_CHANGED = "日志第 {seq} 条的哈希是 {have}，与会场服务器确认过的 {want} 不同：日志被改动或换成了别的日志。", "Entry {seq} of the log has hash {have}, not {want} as the hub acknowledged: the log was changed or replaced.";
    // The hub's HTTP answers (http/board.rs, http/door.rs, http/notice.rs, http/admin.rs).
    HUB_STOPPING = "会场服务器正在停止，请稍后再试", "The hub is stopping; try again shortly";
    REFUSING_CONNECTIONS = "拒绝连接", "refusing connections ({code}): {crowd} of {max} phones and viewers, {staff} staff ({kept} slots kept), {public} of {pmax} public views ({per} per address); {n} refused since the last message";
    NOTICE_CANNOT_BE_MADE = "暂时无法生成结果公示，请联系组织者。", "The results notice cannot be made just now; please tell the organiser.";
    EXPORT_FAILED = "导出失败：{error}", "The export failed: {error}";
    ORGANISER_SECRET_REQUIRED = "需要组织者密码（Authorization: Bearer 组织者密码）", "The organiser's secret is required (Authorization: Bearer SECRET)";
    WRONG_ORGANISER_SECRET = "组织者密码不正确（其他卡片上的代码不能用于此处）", "That is not the organiser's secret (codes from other cards do not work here)";
    STORAGE_FAILED = "读取数据失败，请重试", "Could not read the data folder; try again";
    CARD_RANGE_FORM = "范围应为卡号：from=起始号&to=结束号（正整数）", "The range is card numbers: from=N&to=M (positive whole numbers)";
    TOO_MANY_CARDS_PER_SHEET = "一次最多打印 {max} 张，请缩小卡号范围", "At most {max} cards per sheet: choose a smaller range";
    SAY_HOW_MANY_CARDS = "请给出张数：{\"count\": 1 到 {max}}", "Say how many cards: {\"count\": 1 to {max}}";
    CONTACTS_FILE_NAME = "圆桌-联系名单（内部，勿公开）.csv", "yuanzhuo-contacts (internal, do not publish).csv";
    PRINT_FAILED = "打印文件生成失败：{error}", "The document cannot be made: {error}";
    FIELD_NOT_WHOLE_NUMBER = "“{field}”应为正整数", "“{field}” must be a whole number";
}
