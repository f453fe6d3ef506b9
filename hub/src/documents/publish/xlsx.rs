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
use yuanzhuo_protocol::words::terminal;

/// An entry as one cell: "中文 English".
fn both(w: Words) -> String {
    format!("{} {}", w.zh, w.en)
}

/// `a（b）`, as a cell writes a value and its detail.
fn in_parens(a: &str, b: &str) -> String {
    fill_in(print::IN_PARENS.zh, &[("a", a), ("b", b)])
}

/// "第{n}条 rule {n}".
fn rule_n(n: u8) -> String {
    let (zh, en) = print::RULE_N.fill(&[("n", &n.to_string())]);
    format!("{zh} {en}")
}

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

/// A column: header (Chinese above English) and width.
type Col = (Words, f64);

fn header(ws: &mut Worksheet, row: u32, cols: &[Col], st: &Styles) -> Result<()> {
    for (i, (h, w)) in cols.iter().enumerate() {
        ws.write_string_with_format(row, i as u16, format!("{}\n{}", h.zh, h.en), &st.header)?;
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
            .set_title(format!("{} · {}", m.name, both(print::RESULTS)))
            .set_author(format!("{} {}", ui::YUANZHUO.en, ui::YUANZHUO.zh))
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
    (ui::RANK, 7.0),
    (print::POSITION, 8.0),
    (print::NOTICE_ID, 8.0),
    (print::TITLE, 30.0),
    (ui::LOCATION, 22.0),
    (print::VOTES_HEADER, 8.0),
    (print::COST_YUAN, 11.0),
    (ui::FUNDED, 14.0),
    (print::RUNNING_TOTAL_YUAN, 12.0),
    (print::REASON_NOT_FUNDED, 22.0),
    (print::NOTE, 34.0),
    (print::PAPER_VOTES, 9.0),
    (print::STICKER_VOTES, 9.0),
];

fn results_sheet(o: &Outcome, st: &Styles) -> Result<Worksheet> {
    let mut ws = Worksheet::new();
    ws.set_name(both(print::RESULTS))?;
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
        ws.write_string_with_format(2, 0, both(print::FINAL_RESULTS_VOTE_CLOSED), &st.bold)?;
    } else {
        ws.write_string_with_format(2, 0, both(print::PROVISIONAL_RESULTS), &st.warn)?;
    }
    let (alloc_zh, alloc_en) = allocation_text(r.allocation);
    let (tie_zh, tie_en) = tie_break_text(r.tie_break);
    ws.write_string(
        3,
        0,
        format!(
            "{} {} {cur} · {alloc_zh} / {alloc_en} · {tie_zh} / {tie_en}",
            both(ui::BUDGET),
            grouped(r.budget.amount)
        ),
    )?;
    header(&mut ws, RESULTS_FIRST_ROW - 1, &RESULT_COLS, st)?;
    let mut row = RESULTS_FIRST_ROW;
    for (i, l) in o.lines.iter().enumerate() {
        let (funded, line) = (l.row.funded, i + 1 == o.line);
        let text = Styles::cell(false, funded, line);
        let num = Styles::cell(true, funded, line);
        let funded_text = match l.funding {
            Some(Funding::Shares) => in_parens(&both(print::FUNDED), &both(ui::SHARES)),
            Some(Funding::Completion) => in_parens(&both(print::FUNDED), &both(ui::HOW_FUNDED_COMPLETION)),
            Some(Funding::Greedy) => both(print::FUNDED),
            None => both(print::NOT_FUNDED),
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
        ws.write_string_with_format(row, 7, &funded_text, &text)?;
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
        Some(a) => {
            let (zh, en) = print::LINE_UNDER_POSITION.fill(&[
                ("p", &a.row.position.to_string()),
                ("id", &a.proposal.id),
                ("v", &a.row.votes.to_string()),
            ]);
            format!("{zh} / {en}")
        }
        None => format!("{} / {}", print::NOTHING_FUNDED.zh, print::NOTHING_FUNDED.en),
    };
    let by_method =
        format!("{} {}{}{} {}", both(print::BY_PHONE), tu.phone, ui::COMMA.zh, both(print::ON_PAPER), tu.paper);
    let totals: Vec<(Words, String)> = vec![
        (print::TOTALS, String::new()),
        (print::PROPOSALS_FUNDED, o.results.funded.len().to_string()),
        (print::FUNDED_TOTAL, format!("{} {cur}", grouped(o.results.total_cost))),
        (ui::BUDGET, format!("{} {cur}", grouped(o.results.budget))),
        (print::LEFT, format!("{} {cur}", grouped(left))),
        (ui::BUDGET_LINE, line_text),
        (print::BALLOTS_THAT_COUNT, in_parens(&tu.counting().to_string(), &by_method)),
        (print::VOID_PAPER_BALLOTS, tu.void_total().to_string()),
        (ui::STICKERS, in_parens(&tu.stickers.to_string(), &format!("{} {}", tu.boards, both(print::BOARDS_UNIT)))),
    ];
    for (k, v) in totals {
        ws.write_string_with_format(row, 3, both(k), &st.bold)?;
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
        let mut s = format!("{}{}{zh} / {en}", rule_n(n), ui::COLON.zh);
        if let Some(a) = l.annotation {
            if !a.reason.trim().is_empty() {
                s.push_str(&format!(
                    "{}{}{}{}",
                    ui::SEMICOLON.zh,
                    both(ui::ADVISER_SHORT),
                    ui::COLON.zh,
                    a.reason.trim()
                ));
            }
        }
        return s;
    }
    match l.funding {
        Some(Funding::Shares) => both(print::BOUGHT_BY_EQUAL_SHARES),
        Some(Funding::Completion) => both(print::FUNDED_BY_COMPLETION_STEP),
        _ => String::new(),
    }
}

const BALLOT_COLS: [Col; 9] = [
    (print::METHOD, 9.0),
    (ui::RECEIPT, 12.0),
    (ui::BATCH, 7.0),
    (print::BALLOT_NUMBER, 10.0),
    (print::CHOICES, 40.0),
    (print::MARKS, 7.0),
    (print::COUNTS, 10.0),
    (print::VOID_REASON, 26.0),
    (print::LOG_ENTRY, 9.0),
];

fn ballots_sheet(o: &Outcome, st: &Styles) -> Result<Worksheet> {
    let mut ws = Worksheet::new();
    ws.set_name(both(ui::BALLOTS))?;
    ws.write_string_with_format(0, 0, format!("{} · {}", o.def.meeting.name, both(ui::BALLOTS)), &st.title)?;
    header(&mut ws, 1, &BALLOT_COLS, st)?;
    let mut row = 2u32;
    for b in &o.state.ballots {
        ws.write_string(row, 0, both(print::BY_PHONE))?;
        ws.write_string(row, 1, &b.receipt)?;
        ws.write_string(row, 4, b.choices.join(", "))?;
        ws.write_number(row, 5, b.choices.len() as f64)?;
        ws.write_string(row, 6, both(ui::VALID))?;
        ws.write_number(row, 8, b.seq as f64)?;
        row += 1;
    }
    for (n, batch) in &o.state.desk.batches {
        if batch.status != PaperStatus::Agreed {
            continue;
        }
        for p in &batch.ballots {
            ws.write_string(row, 0, both(print::ON_PAPER))?;
            ws.write_number(row, 2, *n)?;
            ws.write_string(row, 3, &p.number)?;
            ws.write_string(row, 4, p.marks.join(", "))?;
            ws.write_number(row, 5, p.marks.len() as f64)?;
            match &p.void {
                None => {
                    ws.write_string(row, 6, both(ui::VALID))?;
                }
                Some(code) => {
                    let (zh, en) = void_text(code);
                    ws.write_string_with_format(row, 6, both(print::VOID), &st.warn)?;
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
    (print::NOTICE_ID, 8.0),
    (print::PROPOSAL_TITLE, 28.0),
    (print::DESCRIPTION, 40.0),
    (ui::LOCATION, 20.0),
    (ui::CATEGORY, 12.0),
    (ui::PROPOSER, 16.0),
    (print::ESTIMATED_COST_YUAN, 12.0),
    (print::LEVEL, 10.0),
    (print::DISCUSSED_AT_TABLE, 10.0),
    (print::PICKED_BY, 12.0),
    (print::ADVISERS_JUDGEMENT, 11.0),
    (terminal::EXCLUSION_RULE, 26.0),
    (print::ADVISERS_REASON_HEADER, 30.0),
    (print::ADVISERS_ESTIMATE_YUAN, 12.0),
    (print::ADVISERS_REMARK_HEADER, 30.0),
];

fn proposals_sheet(o: &Outcome, st: &Styles) -> Result<Worksheet> {
    let mut ws = Worksheet::new();
    ws.set_name(both(print::PROPOSALS))?;
    ws.write_string_with_format(0, 0, format!("{} · {}", o.def.meeting.name, both(print::PROPOSALS)), &st.title)?;
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
        ws.write_string_with_format(row, 9, picked.join(ui::LIST_SEP.zh), &st.wrap)?;
        if let Some(a) = o.state.annotations.get(&p.id) {
            let (zh, en) = feasibility_text(a.feasibility);
            ws.write_string_with_format(row, 10, format!("{zh} {en}"), &st.wrap)?;
            if let Some(n) = a.exclusion_rule {
                let text = EXCLUSION_RULES
                    .get(usize::from(n).wrapping_sub(1))
                    .map_or(String::new(), |(zh, en)| format!("{zh} / {en}"));
                ws.write_string_with_format(row, 11, format!("{}{}{text}", rule_n(n), ui::COLON.zh), &st.wrap)?;
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

fn level_text(l: Level) -> String {
    both(match l {
        Level::Community => print::COMMUNITY,
        Level::Street => print::STREET,
    })
}

fn rules_sheet(o: &Outcome, st: &Styles) -> Result<Worksheet> {
    let mut ws = Worksheet::new();
    ws.set_name(both(print::RULES))?;
    let m = &o.def.meeting;
    let r = &o.def.rules;
    let cur = o.currency();
    ws.write_string_with_format(0, 0, format!("{} · {}", m.name, both(print::RULES)), &st.title)?;
    header(&mut ws, 1, &[(print::ITEM, 34.0), (print::VALUE, 90.0)], st)?;
    let (alloc_zh, alloc_en) = allocation_text(r.allocation);
    let (tie_zh, tie_en) = tie_break_text(r.tie_break);
    let (tally_zh, tally_en) = tally_text(r.tally);
    let phase = o.state.phase;
    let mut items: Vec<(String, String)> = vec![
        (both(ui::MEETING), m.name.clone()),
        (both(print::VENUE), m.venue.clone()),
        (both(print::DATE_HEADER), m.date.clone()),
        (both(ui::TABLE_COUNT), format!("{}{}{}", r.tables.len(), ui::COLON.zh, r.tables.join(ui::LIST_SEP.zh))),
        (both(print::PROPOSAL_COUNT), o.def.proposals.len().to_string()),
        (both(ui::PICKS_PER_TABLE), r.picks_per_table.to_string()),
        (both(print::MOST_CHOICES_PER_BALLOT), in_parens(&r.max_choices.to_string(), &both(print::MORE_IS_VOID))),
        (both(ui::BUDGET), format!("{} {cur}", grouped(r.budget.amount))),
        (both(print::FUNDING_RULE), format!("{} — {alloc_zh} / {alloc_en}", allocation_code(r.allocation))),
        (both(print::TIE_BREAK), format!("{} — {tie_zh} / {tie_en}", tie_code(r.tie_break))),
        (both(print::TALLY_SHOWN), format!("{tally_zh} / {tally_en}")),
        (
            both(print::PUBLIC_BOARD),
            both(match r.board {
                BoardDisclosure::Choices => print::RECEIPTS_AND_CHOICES,
                BoardDisclosure::ReceiptsOnly => print::RECEIPTS_ONLY,
            }),
        ),
        (
            both(print::DISCUSSION),
            format!(
                "{} {} · {} {} {}",
                r.discussion_minutes,
                both(print::MINUTES_UNIT),
                both(terminal::TIMER_PITCH),
                r.pitch_minutes,
                both(print::MINUTES_UNIT)
            ),
        ),
        (both(ui::RULES_FINGERPRINT), o.state.fingerprint.clone()),
        (both(print::PHASE), format!("{} {}", phase.zh(), phase.en())),
        (both(print::RESULTS), both(if o.final_ { print::FINAL } else { print::PROVISIONAL })),
        (both(print::LOG_ENTRIES), o.log_length.to_string()),
        (both(print::LOG_HEAD), o.log_head.clone()),
        (both(print::LOG_HEAD_AT_CLOSE), o.results.closed_at_head.clone()),
        (both(print::BALLOTS_THAT_COUNT), o.turnout.counting().to_string()),
        (both(print::OF_WHICH_BY_PHONE), o.turnout.phone.to_string()),
        (both(print::OF_WHICH_ON_PAPER), o.turnout.paper.to_string()),
        (both(print::VOID_PAPER_BALLOTS), o.turnout.void_total().to_string()),
        (both(ui::STICKERS), o.turnout.stickers.to_string()),
    ];
    for (code, n) in &o.turnout.void {
        let (zh, en) = void_text(code);
        items.push((
            format!("{}{}", print::WIDE_SPACE.zh, both(print::VOID_BECAUSE)),
            format!("{zh} {en} ({code}): {n}"),
        ));
    }
    if let Some(e) = &o.results.equal_shares {
        items.push((both(print::EQUAL_SHARES_VOTERS), e.voters.to_string()));
        items.push((both(print::EQUAL_SHARES_SHARE_EACH), format!("{} {cur}", e.share)));
        items.push((both(print::BOUGHT_BY_THE_SHARES_IN_ORDER), e.selected.join(", ")));
        items.push((both(print::FUNDED_BY_COMPLETION), e.completion.join(", ")));
    }
    let head = o.log_head.get(..16).unwrap_or(&o.log_head);
    items.push((both(print::HOW_TO_CHECK), fill_in(print::VERIFY_COMMAND.zh, &[("head", head)])));
    for (i, (k, v)) in items.iter().enumerate() {
        let row = 2 + i as u32;
        ws.write_string_with_format(row, 0, k, &st.bold)?;
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
    ws.set_name(both(ui::STICKERS))?;
    ws.write_string_with_format(0, 0, format!("{} · {}", o.def.meeting.name, both(ui::STICKERS)), &st.title)?;
    header(&mut ws, 1, &[(print::BOARD, 8.0), (print::NOTICE_ID, 8.0), (print::TITLE, 30.0), (ui::STICKERS, 9.0)], st)?;
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
