//! The words of the meeting engine and of the terminal clients' shared
//! crate: what `hub verify` (and the hub, refusing a log) says of an entry
//! that breaks the rules, the problems of a pre-screening record, an
//! actor's label, and a hub address that cannot be read, in Chinese and
//! English, each once.
//!
//! The same form as the pages' table (`ui`): `NAME = "中文", "English";`,
//! `{name}` for a value (`Words::fill`). A word the pages, the documents or
//! the reader also say is their entry (`ui`, `print`, `reader`), not a
//! second one here. The engine's tests fail on a pair written twice (here,
//! in `ui`, `terminal`, `print` or `reader`), on an entry neither
//! `hub/engine/src` nor `hub/client/src` uses, and on Chinese written there
//! outside this table.

use super::Words;

ui_words! {
    // `hub verify`: an entry that breaks the rules (`{zh}`/`{en}`: the problem in that language).
    AT_ENTRY = "第 {n} 条记录：{zh}", "entry {n}: {en}";
    TIME_BEFORE_ENTRY_BEFORE = "时间早于上一条记录", "its time is earlier than the entry before";
    ONE_COMMAND_AT_TWO_TIMES = "同一操作的几条记录时间不同", "entries of one command with different times";
    /// `{why}` the error code's words, `{code}` the code itself.
    BREAKS_THE_RULES = "{actor} 的 {name} 违反规则：{why}（{code}）", "{name} by {actor} breaks the rules: {why} ({code})";
    BREAKS_THE_RULES_DETAIL = "{actor} 的 {name} 违反规则：{why}（{code}，{detail}）", "{name} by {actor} breaks the rules: {why} ({code}: {detail})";
    DEFINITION_NOT_FIRST = "会议定义只能是日志的第一条", "a meeting definition that is not the log's first entry";
    FIRST_ENTRY_NOT_DEFINITION = "日志的第一条不是会议定义", "the log does not begin with the meeting's definition";
    STAFF_CARDS_ARE_ENTRY_TWO = "日志的第 2 条，且只有第 2 条，是工作人员卡（staff_cards_issued）", "entry 2, and only entry 2, is the staff cards (staff_cards_issued)";
    RECORD_NOT_ENTRY_THREE = "会议定义写明了预审记录，但日志第 3 条不是它（prescreening_recorded）", "the definition names a pre-screening record, but entry 3 is not it (prescreening_recorded)";
    UNKNOWN_ACTOR = "未知的操作者 {actor}", "unknown actor {actor}";
    STAFF_CARDS_NOT_BY_HUB = "工作人员卡只能由会场服务器发放，这里是 {actor}", "staff cards issued by {actor}, not by the hub";
    RECORD_NOT_BY_HUB_AT_CREATION = "预审记录只能由会场服务器在创建会议时写入第 3 条，这里是第 {n} 条、{actor}", "the pre-screening record is written by the hub as entry 3 when it creates the meeting, not as entry {n} by {actor}";
    VOTER_CARDS_BY_HUB_LATER = "会场服务器在会议创建之后自行发放选民卡（第 {n} 条）", "voter cards issued by the hub after the meeting was created (entry {n})";
    CARD_CLAIMED_BY_ANOTHER = "卡 {serial} 由 {actor} 认领：只能由持卡人自己认领", "card {serial} claimed by {actor}, not by its own actor";
    ONLY_WITH_ANOTHER_COMMAND = "{name} 只能随另一项操作一起记录，不能单独出现", "{name} comes only with another command, never on its own";
    /// `{path}` the first field that differs, `{got}` as logged, `{want}` as the rules give it.
    FIELD_NOT_WHAT_RULES_GIVE = "这条 {name} 与规则不符：{path} 记为 {got}，按规则应为 {want}", "this {name} is not what the rules give: {path} is {got}, the rules give {want}";
    EVENT_NOT_WHAT_RULES_GIVE = "这里记为 {name}，按规则应为 {given}", "this {name} is not what the rules give ({given})";
    MORE_THAN_RULES_GIVE = "这条 {name} 是多出来的：规则对这项操作没有给出它", "this {name} is more than the rules give for its command";
    LACKS_WHAT_RULES_GIVE = "这项操作缺少规则给出的 {given}", "the command lacks the {given} the rules give";
    NOT_WHAT_RULES_GIVE = "与规则不符", "not what the rules give";

    // The pre-screening record's problems (the hub's reader says them against the clerk's rows too).
    RECORD_HOLDS_NO_PROPOSALS = "预审记录里没有任何原始提议", "the pre-screening record holds no proposals";
    RECORD_TOO_LONG = "预审记录最多 {max} 条，这里有 {n} 条", "a pre-screening record holds at most {max} proposals, not {n}";
    RAW_ID_LENGTH = "原始编号须为 1 到 {max} 个字符", "a raw id is 1 to {max} characters";
    RAW_ID_TWICE = "原始编号 {id} 重复（与第 {first} 条相同）", "the raw id {id} is used twice (as by proposal {first})";
    RAW_TEXT_LENGTH = "建议内容须为 1 到 {max} 个字符", "a proposal's text is 1 to {max} characters";
    PROPOSER_AND_LOCATION_LENGTH = "提议人最多 {proposer} 个字符，地点最多 {location} 个字符", "a proposer is at most {proposer} characters, a location {location}";
    PROPOSAL_NOT_IN_TABLE = "会议提案 {proposal} 不在提案表里", "the meeting's proposal {proposal} is not in the proposals table";
    PROPOSAL_ALREADY_KEPT = "提案 {proposal} 已由原始提议 {first} 保留：其余并入它的提议请标为“合并”并写明合并方式", "the proposal {proposal} is already kept from {first}: mark the others merged, with how";
    RULE_NOT_ONE_OF_SEVEN = "排除规则须为 1 到 7（七条排除规则之一），这里是 {rule}", "the exclusion rule is one of the seven (1 to 7), not {rule}";
    STRIKE_NEEDS_REASON = "排除须写一句理由（1 到 {max} 个字符）", "a strike needs a one-line reason (1 to {max} characters)";
    PROPOSAL_HAS_NO_SOURCE = "会议提案 {proposal} 在预审记录里没有来源（没有保留或并入它的原始提议）", "the meeting's proposal {proposal} has no source in the record (no raw proposal kept as or merged into it)";

    // An actor as people read it ("点票员 · 2号"; the table's name or `ui::TABLE`, `ui::EVERY_TABLE`).
    DESK_NUMBER = "{n}号", "no. {n}";

    // A hub address a person typed that cannot be used (said in both languages: "{zh} / {en}").
    HUB_ADDRESS_EMPTY = "会场服务器地址为空", "the hub address is empty";
    UNSUPPORTED_ADDRESS_SCHEME = "不支持的地址类型 {scheme}://", "unsupported address scheme {scheme}://";
    CANNOT_READ_ADDRESS = "无法识别的地址 {address}", "cannot read the address {address}";
}
