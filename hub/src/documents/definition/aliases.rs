//! What a clerk's spreadsheet may say, as the reader recognises it: header
//! names, units, totals and signature labels, outcome, rule and level
//! values. This is input, not words shown: nothing here is printed except
//! where an entry is also the name a message shows, and then it is that
//! entry of the vocabulary (`reader::TITLE.zh` is both the column named in a
//! message and the first header name recognised for it). The words the
//! reader says are in `yuanzhuo_protocol::words::reader`; this is the one
//! file of the reader allowed to hold Chinese of its own (the vocabulary
//! test reads it as input, and fails on anything here but `const` tables).
//! docs/meeting-file.md lists these names for the organiser.

use yuanzhuo_protocol::words::{print, reader};

use super::record::Column;
use super::table::{Field, Unit};

// ---------------------------------------------------------------- the proposals table

/// Header names of the proposals table, compared after `normalise`
/// (full-width folded, lower case, no spaces or `*`, no bracketed unit).
pub const PROPOSAL_HEADERS: &[(Field, &[&str])] = &[
    (
        Field::Id,
        &[
            "id",
            reader::ID.zh,
            "项目编号",
            "提案编号",
            "建议编号",
            "项目代码",
            "代码",
            "项目id",
            "no",
            "code",
            "project_id",
        ],
    ),
    (
        Field::Title,
        &[
            "title",
            "name",
            reader::TITLE.zh,
            "名称",
            "项目名称",
            "提案名称",
            "建议名称",
            "项目名",
            "提案名",
            "项目",
            "提案",
            "项目标题",
            "提案标题",
            "题目",
            "事项",
        ],
    ),
    (
        Field::Description,
        &[
            "description",
            reader::DESCRIPTION.zh,
            "项目描述",
            "说明",
            "项目说明",
            "内容",
            "项目内容",
            "提案内容",
            "建议内容",
            "简介",
            "项目简介",
            "具体内容",
            "建设内容",
            "主要内容",
            "实施内容",
            "项目概况",
            "概况",
            "详细说明",
        ],
    ),
    (
        Field::Location,
        &[
            "location",
            reader::LOCATION.zh,
            "位置",
            "项目地点",
            "实施地点",
            "建设地点",
            "地址",
            "所在位置",
            "具体位置",
            "项目位置",
            "所在地",
            "区域",
            "小区",
            "所在小区",
        ],
    ),
    (
        Field::Category,
        &["category", print::CATEGORY.zh, "分类", "类型", "项目类别", "项目类型", "项目分类", "所属类别", "领域"],
    ),
    (
        Field::Proposer,
        &[
            "proposer",
            reader::PROPOSER.zh,
            "提案人",
            "建议人",
            "提出人",
            "申报人",
            "申报单位",
            "提议者",
            "提出者",
            "提案者",
            "建议者",
            "提议单位",
            "提出单位",
        ],
    ),
    (
        Field::Cost,
        &[
            "cost",
            reader::COST.zh,
            "预算",
            "金额",
            "预算金额",
            "估算费用",
            "预估金额",
            "预计金额",
            "预算资金",
            "所需资金",
            "资金",
            "资金需求",
            "费用",
            "估算",
            "投资",
            "估算投资",
            "投资估算",
            "预计投资",
            "经费",
            "项目经费",
            "预计费用",
            "造价",
            "估算造价",
            "估价",
            "项目预算",
            "预算费用",
            "amount",
            "budget",
            "price",
        ],
    ),
    (Field::Level, &["level", reader::LEVEL.zh, "级别", "项目层级", "项目级别"]),
];

/// Read as the id only when no column is named as one: 序号 is often the
/// only numbering a clerk's list has, but next to 编号 it is just a count.
/// The first is named in the message that lists accepted names.
pub const ID_FALLBACK: &[&str] = &["序号", "序", "number", "num", "#"];

/// A header that ends with one of these (and is not a remark, a date or a
/// phone number) is read as that field, when no column has an exact name
/// for it: 项目预算金额, 建设地址, 申报项目名称.
pub const HEADER_ENDINGS: &[(Field, &[&str])] = &[
    (Field::Id, &[reader::ID.zh, "代码"]),
    (Field::Title, &["名称", reader::TITLE.zh]),
    (Field::Description, &["内容", reader::DESCRIPTION.zh, "简介", "概况"]),
    (Field::Location, &[reader::LOCATION.zh, "位置", "地址"]),
    (Field::Category, &[print::CATEGORY.zh, "类型", "分类"]),
    (Field::Proposer, &[reader::PROPOSER.zh, "提案人", "建议人", "申报人", "提出人", "申请人", "申报单位"]),
    (Field::Cost, &[reader::AMOUNT.zh, "预算", "费用", "造价", "经费", "投资"]),
    (Field::Level, &[reader::LEVEL.zh, "级别"]),
];

/// A header holding one of these is never read by its ending.
pub const NOT_BY_ENDING: &[&str] = &["备注", "日期", "时间", "电话", "联系"];

/// Brackets around a header's unit or remark: "(万元)", "（单位：元）", "[必填]".
pub const OPEN_BRACKETS: &[char] = &['(', '[', '【', '〔', '《', '<'];
pub const CLOSE_BRACKETS: &[char] = &[')', ']', '】', '〕', '》', '>'];
/// "项目内容/简介", "预算/估算金额": parts of one header.
pub const HEADER_PARTS: &[char] = &['/', '、', '|'];

/// "单位：万元": the word before a unit, in a header or a line above it
/// (and in the note that names that line).
pub const UNIT_LABEL: &str = "单位";
/// Where a unit line's unit ends: "单位：万元，…".
pub const UNIT_LINE_ENDS: &[char] = &[',', ';', '。', ')', ']', '】'];
/// A bracket that holds one of these but no unit is a unit unclear.
pub const UNIT_HINTS: &[char] = &['元', '万'];
/// "人民币" before or after a unit or an amount.
pub const RMB: &str = "人民币";

/// Units as a header or a unit line writes them (the first of each is the
/// unit's name in messages).
pub const UNITS: &[(Unit, &[&str])] = &[
    (Unit::Yuan, &[reader::UNIT_YUAN.zh, "yuan", "rmb", "cny", "¥", "￥"]),
    (Unit::Qian, &[reader::UNIT_QIAN.zh, "千"]),
    (Unit::Wan, &[reader::UNIT_WAN.zh, "万"]),
];

/// Units a cost cell may end with, longest first: `3万`, `3000元`.
pub const COST_SUFFIXES: &[(&str, Unit)] = &[
    (reader::UNIT_WAN.zh, Unit::Wan),
    (reader::UNIT_QIAN.zh, Unit::Qian),
    (reader::UNIT_YUAN.zh, Unit::Yuan),
    ("万", Unit::Wan),
    ("千", Unit::Qian),
    ("yuan", Unit::Yuan),
];

/// The full-width yen sign, read as `¥`.
pub const FULL_WIDTH_YEN: char = '￥';
/// What a cost cell may start with: `约5万`, `¥12000`.
pub const COST_PREFIXES: &[&str] = &["大约", "约为", "约", "预计", "¥", "rmb", "cny"];
/// A cost cell holding one of these is a range: `3~5万`, `3至5万`.
pub const RANGE_MARKS: &[char] = &['~', '至'];

/// Level values: a community proposal (also an empty cell), a street one.
pub const LEVEL_COMMUNITY: &[&str] = &["", "community", print::COMMUNITY.zh, "社区级", "村", "村级"];
pub const LEVEL_STREET: &[&str] = &["street", print::STREET.zh, "街道级", "镇", "镇级", "乡镇"];

// ---------------------------------------------------------------- rows that are not proposals

/// A subtotal: "小计…", "subtotal".
pub const SUBTOTALS: [&str; 2] = ["小计", "subtotal"];
/// A grand total: "合计", "合计：", "合计(万元)", "总计 60 项", but not "总计划生育宣传栏".
pub const GRAND_TOTALS: &[&str] =
    &["合计", "总计", "共计", "总合计", "汇总", "总金额", "金额合计", "total", "grandtotal", "sum"];
/// "共60项", "共 60 个项目", "合计60项": what comes before and after the count.
pub const COUNT_BEFORE: &[&str] = &["共计", "合计", "总计", "共"];
pub const COUNT_AFTER: &[&str] = &["项", "个", "条", "个项目", "项目", "个提案", "件"];

/// 制表人：…, 审核：…, 注：…, 日期：…: signature and notes lines below a table.
pub const FOOTERS: &[&str] = &[
    "制表人",
    "制表",
    "填表人",
    "填表",
    "填报人",
    "审核人",
    "审核",
    "审批人",
    "审批",
    "负责人",
    "经办人",
    "联系人",
    "联系电话",
    "电话",
    "签字",
    "签名",
    "签章",
    "盖章",
    "日期",
    "填报日期",
    "制表日期",
    "备注",
    "注",
    "说明",
    "附注",
    "单位负责人",
    "领导签字",
    "主管领导",
];

/// Numbers as Chinese writes them: section headings ("一、环境整治类"),
/// rules ("第二条"), merge kinds ("第一种").
pub const NUMERALS: &str = "一二三四五六七八九十";
/// What follows a section heading's number: "一、", "（二）".
pub const SECTION_MARKS: &[char] = &['、', '.', ')', '．'];

// ---------------------------------------------------------------- the pre-screening record

/// Header names of the pre-screening record (the first of each is the
/// column's name in messages).
pub const RECORD_HEADERS: &[(Column, &[&str])] = &[
    (
        Column::RawId,
        &[reader::RECORD_RAW_ID.zh, "提议编号", "建议编号", "征集编号", "原编号", "序号", "raw_id", "rawid", "raw id"],
    ),
    (
        Column::Text,
        &[reader::RECORD_TEXT.zh, "提议内容", "内容", "建议", "提议", "项目内容", "建议事项", "text", "proposal"],
    ),
    (Column::Location, &[reader::LOCATION.zh, "提议地点", "位置", "项目地点", "location"]),
    (Column::Proposer, &[reader::PROPOSER.zh, "建议人", "提议居民", "居民姓名", "姓名", "提出人", "proposer", "name"]),
    (
        Column::Contact,
        &[reader::RECORD_CONTACT.zh, "联系电话", "电话", "手机", "手机号", "联系人电话", "contact", "phone"],
    ),
    (
        Column::Outcome,
        &[
            reader::RECORD_OUTCOME.zh,
            "处理",
            "结果",
            "预审结果",
            "初选结果",
            "筛选结果",
            "处理意见",
            "结论",
            "outcome",
            "result",
        ],
    ),
    (
        Column::Proposal,
        &[
            reader::RECORD_MEETING_ID.zh,
            "提案编号",
            "项目编号",
            "并入",
            "并入提案",
            "并入项目",
            "归入",
            "对应提案",
            "meeting_id",
            "into",
        ],
    ),
    (Column::Merge, &[reader::RECORD_MERGE.zh, "合并类型", "合并方法", "merge", "merge_kind"]),
    (Column::Rule, &[reader::RECORD_RULE.zh, "排除依据", "规则", "依据", "排除条款", "rule"]),
    (Column::Reason, &[reader::RECORD_REASON.zh, "排除理由", "原因", "说明", "reason"]),
];

/// A record's header with a remark after its name: "联系方式（选填）".
pub const RECORD_REMARK_OPENS: &[char] = &['(', '（'];

/// A record's row that starts with one of these and has no outcome is a
/// signature line.
pub const RECORD_FOOTERS: &[&str] = &["制表", "审核"];

/// Outcomes (the first of each is the word a message asks for).
pub const KEPT: &[&str] = &[print::KEPT.zh, "入选", "采纳", "保留提案", "kept", "keep"];
pub const MERGED: &[&str] = &[reader::MERGED.zh, "并入", "已合并", "merged", "merge"];
pub const STRUCK: &[&str] = &[reader::STRUCK.zh, "删除", "剔除", "不采纳", "已排除", "struck", "strike", "excluded"];

/// A rule as written: `第2条`, `第二条`, `规则2`, `rule 2` (prefixes taken off in this order).
pub const RULE_BEFORE: &[&str] = &["第", "规则", "rule"];
pub const RULE_AFTER: &[char] = &['条', '项', '款'];
/// A merge kind as written: `第1种`.
pub const MERGE_BEFORE: &str = "第";
pub const MERGE_AFTER: &str = "种";
