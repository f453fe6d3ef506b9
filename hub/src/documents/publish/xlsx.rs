//! The results workbook a street office files: "结果 Results" (the ranking
//! with the budget line drawn under the last funded row, and the totals),
//! "选票 Ballots" (every ballot: phone by receipt, paper by batch and number,
//! void ones with the reason), "提案 Proposals" (the list with the advisers'
//! annotations and the tables' picks), "规则 Rules" (the rules, the
//! fingerprint, the log head), and "贴纸 Stickers" when sticker boards were
//! counted. Headers are Chinese with the English beneath; numbers are
//! numbers, so that the office can sum and sort.
//!
//! Every text goes in with `write_string*` (never `write`, never a
//! `Formula`): a title such as `=HYPERLINK(…)` is a string cell, shown as
//! typed and never evaluated (tests/tests/system/exports.rs reads every
//! sheet back and finds no formula).

use anyhow::Result;
use rust_xlsxwriter::{Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet};

use super::*;

pub const RESULTS: &str = "结果 Results";
pub const BALLOTS: &str = "选票 Ballots";
pub const PROPOSALS: &str = "提案 Proposals";
pub const RULES: &str = "规则 Rules";
pub const STICKERS: &str = "贴纸 Stickers";

/// First data row of the results sheet (below the title block and header).
pub const RESULTS_FIRST_ROW: u32 = 6;

const FUNDED_FILL: u32 = 0xE3F1E3;
const LINE_RED: u32 = 0xB00000;
const HEADER_FILL: u32 = 0xE8E8E8;

/// The styles of one workbook.
struct Styles {
    title: Format,
    bold: Format,
    warn: Format,
    header: Format,
    wrap: Format,
}

impl Styles {
    fn new() -> Styles {
        Styles {
            title: Format::new().set_bold().set_font_size(14),
            bold: Format::new().set_bold(),
            warn: Format::new().set_bold().set_font_color(Color::RGB(LINE_RED)),
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_background_color(Color::RGB(HEADER_FILL))
                .set_border(FormatBorder::Thin),
            wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
        }
    }

    /// A cell of the ranking: funded rows filled, the row above the budget
    /// line with a thick red bottom border.
    fn cell(number: bool, funded: bool, line: bool) -> Format {
        let mut f = Format::new().set_border(FormatBorder::Thin).set_align(FormatAlign::Top);
        if number {
            f = f.set_num_format("#,##0");
        } else {
            f = f.set_text_wrap();
        }
        if funded {
            f = f.set_background_color(Color::RGB(FUNDED_FILL));
        }
        if line {
            f = f.set_border_bottom(FormatBorder::Thick).set_border_bottom_color(Color::RGB(LINE_RED));
        }
        f
    }
}

/// A column: header (Chinese, English) and width.
type Col = (&'static str, &'static str, f64);

fn header(ws: &mut Worksheet, row: u32, cols: &[Col], st: &Styles) -> Result<()> {
    for (i, (zh, en, w)) in cols.iter().enumerate() {
        ws.write_string_with_format(row, i as u16, format!("{zh}\n{en}"), &st.header)?;
        ws.set_column_width(i as u16, *w)?;
    }
    ws.set_row_height(row, 30)?;
    Ok(())
}

/// The workbook as the bytes of an `.xlsx` file.
pub fn workbook(o: &Outcome) -> Result<Vec<u8>> {
    let st = Styles::new();
    let mut wb = Workbook::new();
    let m = &o.def.meeting;
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!("{} · 结果 Results", m.name))
            .set_author("Yuanzhuo 圆桌")
            .set_comment(format!("log head {}", o.log_head))
            .set_creation_datetime(&ExcelDateTime::from_timestamp((o.last_entry_ms / 1000) as i64)?),
    );
    wb.push_worksheet(results_sheet(o, &st)?);
    wb.push_worksheet(ballots_sheet(o, &st)?);
    wb.push_worksheet(proposals_sheet(o, &st)?);
    wb.push_worksheet(rules_sheet(o, &st)?);
    if o.turnout.boards > 0 {
        wb.push_worksheet(stickers_sheet(o, &st)?);
    }
    Ok(wb.save_to_buffer()?)
}

const RESULT_COLS: [Col; 13] = [
    ("名次", "Rank", 7.0),
    ("位次", "Position", 8.0),
    ("编号", "ID", 8.0),
    ("项目", "Title", 30.0),
    ("地点", "Location", 22.0),
    ("得票", "Votes", 8.0),
    ("造价（元）", "Cost", 11.0),
    ("资助", "Funded", 14.0),
    ("累计（元）", "Running total", 12.0),
    ("未资助原因", "Reason not funded", 22.0),
    ("说明", "Note", 34.0),
    ("其中纸质票", "Paper votes", 9.0),
    ("其中贴纸", "Sticker votes", 9.0),
];

fn results_sheet(o: &Outcome, st: &Styles) -> Result<Worksheet> {
    let mut ws = Worksheet::new();
    ws.set_name(RESULTS)?;
    let m = &o.def.meeting;
    let r = &o.def.rules;
    let cur = o.currency();
    ws.write_string_with_format(0, 0, &m.name, &st.title)?;
    ws.write_string(
        1,
        0,
        [m.venue.as_str(), m.date.as_str()].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(" · "),
    )?;
    if o.final_ {
        ws.write_string_with_format(2, 0, "最终结果（投票已结束） Final results: the vote is closed", &st.bold)?;
    } else {
        ws.write_string_with_format(
            2,
            0,
            "临时结果：投票尚未结束，以最终结果为准 Provisional: the vote is not closed yet",
            &st.warn,
        )?;
    }
    let (alloc_zh, alloc_en) = allocation_text(r.allocation);
    let (tie_zh, tie_en) = tie_break_text(r.tie_break);
    ws.write_string(
        3,
        0,
        format!("预算 Budget {} {cur} · {alloc_zh} / {alloc_en} · {tie_zh} / {tie_en}", grouped(r.budget.amount)),
    )?;
    header(&mut ws, RESULTS_FIRST_ROW - 1, &RESULT_COLS, st)?;
    let mut row = RESULTS_FIRST_ROW;
    for (i, l) in o.lines.iter().enumerate() {
        let (funded, line) = (l.row.funded, i + 1 == o.line);
        let text = Styles::cell(false, funded, line);
        let num = Styles::cell(true, funded, line);
        let funded_text = match l.funding {
            Some(Funding::Shares) => "资助 funded（份额 shares）",
            Some(Funding::Completion) => "资助 funded（补足 completion）",
            Some(Funding::Greedy) => "资助 funded",
            None => "未资助 not funded",
        };
        let reason = match &l.row.unfunded_reason {
            Some(code) => {
                let (zh, en) = reason_text(code);
                format!("{zh} {en}")
            }
            None => String::new(),
        };
        ws.write_number_with_format(row, 0, l.row.rank, &num)?;
        ws.write_number_with_format(row, 1, l.row.position, &num)?;
        ws.write_string_with_format(row, 2, &l.proposal.id, &text)?;
        ws.write_string_with_format(row, 3, &l.proposal.title, &text)?;
        ws.write_string_with_format(row, 4, &l.proposal.location, &text)?;
        ws.write_number_with_format(row, 5, l.row.votes as f64, &num)?;
        ws.write_number_with_format(row, 6, l.row.cost as f64, &num)?;
        ws.write_string_with_format(row, 7, funded_text, &text)?;
        ws.write_number_with_format(row, 8, l.row.running_total as f64, &num)?;
        ws.write_string_with_format(row, 9, reason, &text)?;
        ws.write_string_with_format(row, 10, note(l), &text)?;
        ws.write_number_with_format(row, 11, l.paper_votes as f64, &num)?;
        ws.write_number_with_format(row, 12, l.stickers as f64, &num)?;
        row += 1;
    }
    let last = row.saturating_sub(1).max(RESULTS_FIRST_ROW);
    ws.autofilter(RESULTS_FIRST_ROW - 1, 0, last, (RESULT_COLS.len() - 1) as u16)?;
    ws.set_freeze_panes(RESULTS_FIRST_ROW, 0)?;

    // Totals and where the line is.
    row += 1;
    let left = o.results.budget.saturating_sub(o.results.total_cost);
    let tu = &o.turnout;
    let line_text = match o.at_line() {
        Some(a) => format!(
            "在第 {p} 位之后（红色粗线）：线上最后一项 {id}，{v} 票 / under position {p} (thick red line): the last funded is {id} with {v} votes",
            p = a.row.position,
            id = a.proposal.id,
            v = a.row.votes
        ),
        None => "没有项目获得资助 / nothing funded".to_string(),
    };
    let totals: Vec<(&str, String)> = vec![
        ("合计 Totals", String::new()),
        ("资助项目数 Proposals funded", o.results.funded.len().to_string()),
        ("资助合计 Funded total", format!("{} {cur}", grouped(o.results.total_cost))),
        ("预算 Budget", format!("{} {cur}", grouped(o.results.budget))),
        ("余额 Left", format!("{} {cur}", grouped(left))),
        ("预算线 Budget line", line_text),
        (
            "有效选票 Ballots that count",
            format!("{}（手机 phone {}，纸质 paper {}）", tu.counting(), tu.phone, tu.paper),
        ),
        ("作废纸质票 Void paper ballots", tu.void_total().to_string()),
        ("贴纸 Stickers", format!("{}（{} 块展板 boards）", tu.stickers, tu.boards)),
    ];
    for (k, v) in totals {
        ws.write_string_with_format(row, 3, k, &st.bold)?;
        ws.write_string(row, 4, v)?;
        row += 1;
    }
    ws.set_landscape().set_paper_size(9).set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(RESULTS_FIRST_ROW - 1, RESULTS_FIRST_ROW - 1)?;
    ws.set_header(format!("&C{}", m.name.replace('&', "&&")));
    ws.set_footer("&C&P / &N");
    Ok(ws)
}

/// The note on a ranking row: the exclusion rule and the adviser's words,
/// or how equal shares funded it.
fn note(l: &Line) -> String {
    if let Some((n, zh, en)) = l.exclusion() {
        let mut s = format!("第{n}条 rule {n}：{zh} / {en}");
        if let Some(a) = l.annotation {
            if !a.reason.trim().is_empty() {
                s.push_str(&format!("；顾问 adviser：{}", a.reason.trim()));
            }
        }
        return s;
    }
    match l.funding {
        Some(Funding::Shares) => "由投票人份额买下 bought by the voters' equal shares".into(),
        Some(Funding::Completion) => "份额用完后按排名补足 funded by the completion step".into(),
        _ => String::new(),
    }
}

const BALLOT_COLS: [Col; 9] = [
    ("方式", "Method", 9.0),
    ("回执码", "Receipt", 12.0),
    ("批次", "Batch", 7.0),
    ("票号", "Ballot number", 10.0),
    ("所选提案", "Choices", 40.0),
    ("项数", "Marks", 7.0),
    ("是否有效", "Counts", 10.0),
    ("作废原因", "Void reason", 26.0),
    ("日志序号", "Log entry", 9.0),
];

fn ballots_sheet(o: &Outcome, st: &Styles) -> Result<Worksheet> {
    let mut ws = Worksheet::new();
    ws.set_name(BALLOTS)?;
    ws.write_string_with_format(0, 0, format!("{} · 选票 Ballots", o.def.meeting.name), &st.title)?;
    header(&mut ws, 1, &BALLOT_COLS, st)?;
    let mut row = 2u32;
    for b in &o.state.ballots {
        ws.write_string(row, 0, "手机 phone")?;
        ws.write_string(row, 1, &b.receipt)?;
        ws.write_string(row, 4, b.choices.join(", "))?;
        ws.write_number(row, 5, b.choices.len() as f64)?;
        ws.write_string(row, 6, "有效 valid")?;
        ws.write_number(row, 8, b.seq as f64)?;
        row += 1;
    }
    for (n, batch) in &o.state.desk.batches {
        if batch.status != PaperStatus::Agreed {
            continue;
        }
        for p in &batch.ballots {
            ws.write_string(row, 0, "纸质 paper")?;
            ws.write_number(row, 2, *n)?;
            ws.write_string(row, 3, &p.number)?;
            ws.write_string(row, 4, p.marks.join(", "))?;
            ws.write_number(row, 5, p.marks.len() as f64)?;
            match &p.void {
                None => {
                    ws.write_string(row, 6, "有效 valid")?;
                }
                Some(code) => {
                    let (zh, en) = void_text(code);
                    ws.write_string_with_format(row, 6, "作废 void", &st.warn)?;
                    ws.write_string(row, 7, format!("{zh} {en} ({code})"))?;
                }
            }
            row += 1;
        }
    }
    ws.autofilter(1, 0, row.saturating_sub(1).max(1), (BALLOT_COLS.len() - 1) as u16)?;
    ws.set_freeze_panes(2, 0)?;
    ws.set_paper_size(9).set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(1, 1)?;
    Ok(ws)
}

const PROPOSAL_COLS: [Col; 15] = [
    ("编号", "ID", 8.0),
    ("标题", "Title", 28.0),
    ("描述", "Description", 40.0),
    ("地点", "Location", 20.0),
    ("类别", "Category", 12.0),
    ("提议人", "Proposer", 16.0),
    ("估算金额（元）", "Cost", 12.0),
    ("层级", "Level", 10.0),
    ("讨论桌", "Discussed at", 10.0),
    ("推选桌", "Picked by", 12.0),
    ("顾问判断", "Feasibility", 11.0),
    ("排除规则", "Exclusion rule", 26.0),
    ("顾问理由", "Adviser's reason", 30.0),
    ("顾问估算（元）", "Adviser's estimate", 12.0),
    ("顾问备注", "Adviser's remark", 30.0),
];

fn proposals_sheet(o: &Outcome, st: &Styles) -> Result<Worksheet> {
    let mut ws = Worksheet::new();
    ws.set_name(PROPOSALS)?;
    ws.write_string_with_format(0, 0, format!("{} · 提案 Proposals", o.def.meeting.name), &st.title)?;
    header(&mut ws, 1, &PROPOSAL_COLS, st)?;
    let money_fmt = Format::new().set_num_format("#,##0").set_align(FormatAlign::Top);
    for (i, p) in o.def.proposals.iter().enumerate() {
        let row = 2 + i as u32;
        ws.write_string_with_format(row, 0, &p.id, &st.wrap)?;
        ws.write_string_with_format(row, 1, &p.title, &st.wrap)?;
        ws.write_string_with_format(row, 2, &p.description, &st.wrap)?;
        ws.write_string_with_format(row, 3, &p.location, &st.wrap)?;
        ws.write_string_with_format(row, 4, &p.category, &st.wrap)?;
        ws.write_string_with_format(row, 5, &p.proposer, &st.wrap)?;
        ws.write_number_with_format(row, 6, p.cost as f64, &money_fmt)?;
        ws.write_string_with_format(row, 7, level_text(p.level), &st.wrap)?;
        if let Some(t) = o.discussed_at(&p.id) {
            ws.write_string_with_format(row, 8, o.table_name(t), &st.wrap)?;
        }
        let picked: Vec<String> = o.picked_by(&p.id).into_iter().map(|t| o.table_name(t)).collect();
        ws.write_string_with_format(row, 9, picked.join("、"), &st.wrap)?;
        if let Some(a) = o.state.annotations.get(&p.id) {
            let (zh, en) = feasibility_text(a.feasibility);
            ws.write_string_with_format(row, 10, format!("{zh} {en}"), &st.wrap)?;
            if let Some(n) = a.exclusion_rule {
                let text = EXCLUSION_RULES
                    .get(usize::from(n).wrapping_sub(1))
                    .map_or(String::new(), |(zh, en)| format!("{zh} / {en}"));
                ws.write_string_with_format(row, 11, format!("第{n}条 rule {n}：{text}"), &st.wrap)?;
            }
            ws.write_string_with_format(row, 12, &a.reason, &st.wrap)?;
            if let Some(c) = a.cost_estimate {
                ws.write_number_with_format(row, 13, c as f64, &money_fmt)?;
            }
            ws.write_string_with_format(row, 14, &a.remark, &st.wrap)?;
        }
    }
    let last = (1 + o.def.proposals.len()) as u32;
    ws.autofilter(1, 0, last, (PROPOSAL_COLS.len() - 1) as u16)?;
    ws.set_freeze_panes(2, 1)?;
    ws.set_landscape().set_paper_size(9).set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(1, 1)?;
    Ok(ws)
}

fn level_text(l: Level) -> &'static str {
    match l {
        Level::Community => "社区 community",
        Level::Street => "街道 street",
    }
}

fn rules_sheet(o: &Outcome, st: &Styles) -> Result<Worksheet> {
    let mut ws = Worksheet::new();
    ws.set_name(RULES)?;
    let m = &o.def.meeting;
    let r = &o.def.rules;
    let cur = o.currency();
    ws.write_string_with_format(0, 0, format!("{} · 规则 Rules", m.name), &st.title)?;
    header(&mut ws, 1, &[("项目", "Item", 34.0), ("内容", "Value", 90.0)], st)?;
    let (alloc_zh, alloc_en) = allocation_text(r.allocation);
    let (tie_zh, tie_en) = tie_break_text(r.tie_break);
    let (tally_zh, tally_en) = tally_text(r.tally);
    let mut items: Vec<(&str, String)> = vec![
        ("会议 Meeting", m.name.clone()),
        ("地点 Venue", m.venue.clone()),
        ("日期 Date", m.date.clone()),
        ("桌数 Tables", format!("{}：{}", r.tables.len(), r.tables.join("、"))),
        ("提案数 Proposals", o.def.proposals.len().to_string()),
        ("每桌推选 Picks per table", r.picks_per_table.to_string()),
        ("每张选票最多 Most choices per ballot", format!("{}（超过即作废 more is void）", r.max_choices)),
        ("预算 Budget", format!("{} {cur}", grouped(r.budget.amount))),
        ("资助规则 Funding rule", format!("{} — {alloc_zh} / {alloc_en}", allocation_code(r.allocation))),
        ("同票规则 Tie-break", format!("{} — {tie_zh} / {tie_en}", tie_code(r.tie_break))),
        ("计票公开 Tally", format!("{tally_zh} / {tally_en}")),
        (
            "公开看板 Public board",
            match r.board {
                BoardDisclosure::Choices => "回执码与所选提案 receipts and choices".into(),
                BoardDisclosure::ReceiptsOnly => "仅回执码 receipts only".into(),
            },
        ),
        (
            "讨论 Discussion",
            format!("{} 分钟 minutes · 推介 pitch {} 分钟 minutes", r.discussion_minutes, r.pitch_minutes),
        ),
        ("规则指纹 Rules fingerprint", o.state.fingerprint.clone()),
        ("阶段 Phase", format!("{} {}", o.state.phase.zh(), o.state.phase.en())),
        ("结果 Results", if o.final_ { "最终 final".into() } else { "临时（投票尚未结束） provisional".into() }),
        ("日志条数 Log entries", o.log_length.to_string()),
        ("日志哈希 Log head", o.log_head.clone()),
        ("投票结束时的日志哈希 Log head at the close (lot seed)", o.results.closed_at_head.clone()),
        ("有效选票 Ballots that count", o.turnout.counting().to_string()),
        ("其中手机 of which by phone", o.turnout.phone.to_string()),
        ("其中纸质 of which on paper", o.turnout.paper.to_string()),
        ("作废纸质票 Void paper ballots", o.turnout.void_total().to_string()),
        ("贴纸 Stickers", o.turnout.stickers.to_string()),
    ];
    for (code, n) in &o.turnout.void {
        let (zh, en) = void_text(code);
        items.push(("　作废原因 void because", format!("{zh} {en} ({code}): {n}")));
    }
    if let Some(e) = &o.results.equal_shares {
        items.push(("平均分配：投票人 Equal shares: voters", e.voters.to_string()));
        items.push(("平均分配：每人份额 Equal shares: share each", format!("{} {cur}", e.share)));
        items.push(("份额买下（按顺序） Bought by the shares, in order", e.selected.join(", ")));
        items.push(("余额补足 Funded by completion", e.completion.join(", ")));
    }
    items.push((
        "核对 How to check",
        format!("hub verify --data 数据文件夹 --head {}", o.log_head.get(..16).unwrap_or(&o.log_head)),
    ));
    for (i, (k, v)) in items.iter().enumerate() {
        let row = 2 + i as u32;
        ws.write_string_with_format(row, 0, *k, &st.bold)?;
        ws.write_string_with_format(row, 1, v, &st.wrap)?;
    }
    ws.set_paper_size(9).set_print_fit_to_pages(1, 0);
    Ok(ws)
}

fn allocation_code(a: Allocation) -> &'static str {
    match a {
        Allocation::GreedySkip => "greedy_skip",
        Allocation::GreedyStop => "greedy_stop",
        Allocation::EqualShares => "equal_shares",
    }
}

fn tie_code(t: TieBreak) -> &'static str {
    match t {
        TieBreak::LowerCost => "lower_cost",
        TieBreak::ListOrder => "list_order",
        TieBreak::Lot => "lot",
    }
}

fn stickers_sheet(o: &Outcome, st: &Styles) -> Result<Worksheet> {
    let mut ws = Worksheet::new();
    ws.set_name(STICKERS)?;
    ws.write_string_with_format(0, 0, format!("{} · 贴纸 Stickers", o.def.meeting.name), &st.title)?;
    header(
        &mut ws,
        1,
        &[("展板", "Board", 8.0), ("编号", "ID", 8.0), ("项目", "Title", 30.0), ("贴纸", "Stickers", 9.0)],
        st,
    )?;
    let mut row = 2u32;
    for (n, board) in &o.state.desk.boards {
        if board.status != PaperStatus::Agreed {
            continue;
        }
        for (id, k) in &board.counts {
            ws.write_number(row, 0, *n)?;
            ws.write_string(row, 1, id)?;
            ws.write_string(row, 2, o.def.proposals.iter().find(|p| &p.id == id).map_or("", |p| p.title.as_str()))?;
            ws.write_number(row, 3, *k as f64)?;
            row += 1;
        }
    }
    Ok(ws)
}
