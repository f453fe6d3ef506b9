//! Drawing: a pure function of the app's state. The frame is a status line
//! (who, connection, unsent count, clock, phase), the pages' tabs, the page,
//! the latest message and the keys of what is on screen; modals go on top.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;
use yuanzhuo_client::LinkStatus;

use crate::app::{App, Level, Modal, Screen, Tab};
use crate::clock::{timebox, Timebox};
use crate::i18n::{Lang, Words};
use crate::text::{clock, countdown, fit, truncate, width};

mod adviser;
mod chair;
mod forms;
mod help;
mod notes;
mod prompt;
pub mod widgets;

use widgets::*;

/// Width of the list column on a page `w` columns wide (the detail pane
/// takes the rest).
pub fn list_width(w: u16) -> u16 {
    if w >= 110 {
        w * 58 / 100
    } else {
        (w * 58 / 100).max(30)
    }
}

pub fn draw(f: &mut Frame, app: &App) {
    let area = f.area();
    if area.width < 20 || area.height < 6 {
        f.render_widget(Paragraph::new(app.t("窗口太小", "Too small")), area);
        return;
    }
    match &app.screen {
        Screen::Prompt(form) => prompt::draw(f, area, app, form),
        Screen::Main => main_screen(f, area, app),
    }
}

fn main_screen(f: &mut Frame, area: Rect, app: &App) {
    let [head, tabs, body, msg, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    f.render_widget(Paragraph::new(header(app, head.width as usize)), head);
    f.render_widget(Paragraph::new(tab_line(app, tabs.width as usize)), tabs);
    match (app.snap.is_some() && app.you.is_some(), app.current_tab()) {
        (true, Some(Tab::Proposals)) => chair::proposals(f, body, app),
        (true, Some(Tab::Queue)) => chair::queue(f, body, app),
        (true, Some(Tab::Picks)) => chair::picks(f, body, app),
        (true, Some(Tab::Notes)) => notes::page(f, body, app),
        (true, Some(Tab::Advice)) => adviser::page(f, body, app),
        _ => connecting(f, body, app),
    }
    f.render_widget(Paragraph::new(message_line(app, msg.width as usize)), msg);
    f.render_widget(Paragraph::new(key_line(app)), keys);
    match &app.modal {
        None => {}
        Some(Modal::Help) => help::help(f, area, app),
        Some(Modal::Log) => help::log(f, area, app),
        Some(Modal::Confirm(c)) => forms::confirm(f, area, app, c),
        Some(Modal::Speaker(s)) => forms::speaker(f, area, app, s),
        Some(Modal::Note(n)) => forms::note(f, area, app, n),
        Some(Modal::Annotate(a)) => forms::annotate(f, area, app, a),
    }
}

/// The connection state as a badge: text and colour both say it.
pub fn status_badge(app: &App) -> Span<'static> {
    let l = app.lang();
    match &app.link {
        Some(LinkStatus::Online) if app.welcomed => {
            Span::styled(format!(" {} ", l.t("在线", "online")), badge(Color::Green))
        }
        Some(LinkStatus::Online) | Some(LinkStatus::Connecting { .. }) => {
            let n = match &app.link {
                Some(LinkStatus::Connecting { attempt }) => *attempt,
                _ => 1,
            };
            let text = match l {
                Lang::Zh if n > 1 => format!(" 连接中（第{n}次） "),
                Lang::Zh => " 连接中 ".to_string(),
                Lang::En if n > 1 => format!(" connecting (try {n}) "),
                Lang::En => " connecting ".to_string(),
            };
            Span::styled(text, badge(Color::Yellow))
        }
        Some(LinkStatus::Offline { retry_in, .. }) => {
            let s = retry_in.as_secs_f32().ceil() as u64;
            let text = match l {
                Lang::Zh => format!(" 离线，{s}秒后重连 "),
                Lang::En => format!(" offline, retry in {s}s "),
            };
            Span::styled(
                text,
                Style::default().fg(Color::White).bg(Color::Red).add_modifier(ratatui::style::Modifier::BOLD),
            )
        }
        Some(LinkStatus::Refused(_)) | None => {
            Span::styled(format!(" {} ", l.t("未连接", "not connected")), badge(Color::Red))
        }
    }
}

/// "2 条待发送" / "2 unsent", or that everything has arrived.
pub fn unsent(app: &App) -> Span<'static> {
    let n = app.outbox.len();
    if n == 0 {
        return Span::styled(app.t("全部已送达", "all sent").to_string(), dim());
    }
    let text = match app.lang() {
        Lang::Zh => format!(" {n} 条待发送 "),
        Lang::En => format!(" {n} unsent "),
    };
    Span::styled(text, badge(Color::Yellow))
}

/// The meeting clock the hub runs: "讨论 31:25", over time "讨论 超时 1:05".
pub fn meeting_clock(app: &App) -> Option<Span<'static>> {
    let t = app.snap.as_ref()?.timer.as_ref()?;
    let left = t.remaining_ms(app.now());
    let label = app.lang().timer_label(&t.label).to_string();
    let mut text = format!("{label} {}", countdown(left, app.lang()));
    if t.paused {
        text.push_str(app.t("（暂停）", " (paused)"));
    }
    Some(if yuanzhuo_client::text::is_over(left) { Span::styled(text, error()) } else { Span::styled(text, bold()) })
}

fn header(app: &App, w: usize) -> Line<'static> {
    let sep = || Span::styled(" │ ", dim());
    let mut spans = vec![];
    if w >= 100 {
        spans.push(Span::styled(app.t(" 圆桌 ", " Yuanzhuo ").to_string(), selected()));
        spans.push(Span::raw(" "));
    }
    let who = app.who();
    if !who.is_empty() {
        spans.push(Span::styled(who, bold()));
        spans.push(sep());
    }
    spans.push(status_badge(app));
    spans.push(sep());
    spans.push(unsent(app));
    if let Some(c) = meeting_clock(app) {
        spans.push(sep());
        spans.push(c);
    }
    if let Some(p) = app.phase() {
        spans.push(sep());
        spans.push(Span::raw(app.lang().phase(p).to_string()));
    }
    Line::from(spans)
}

fn tab_name(app: &App, t: Tab) -> String {
    match t {
        Tab::Proposals => app.t("项目", "Proposals").to_string(),
        Tab::Queue => app.t("发言", "Speakers").to_string(),
        Tab::Picks => {
            let n = app.chair.draft.len();
            let max = app.picks_per_table();
            format!("{} {n}/{max}", app.t("推选", "Picks"))
        }
        Tab::Notes => app.t("记录", "Notes").to_string(),
        Tab::Advice => app.t("技术意见", "Annotations").to_string(),
    }
}

fn tab_line(app: &App, w: usize) -> Line<'static> {
    let mut spans = vec![];
    let mut used = 0;
    for (i, t) in app.tabs().iter().enumerate() {
        let text = format!(" {} {} ", i + 1, tab_name(app, *t));
        used += width(&text) + 1;
        let style =
            if i == app.tab { selected().add_modifier(ratatui::style::Modifier::BOLD) } else { Style::default() };
        spans.push(Span::styled(text, style));
        spans.push(Span::raw(" "));
    }
    // The floor, visible from every page.
    if let Some(right) = floor(app) {
        let rw: usize = right.iter().map(|s| width(&s.content)).sum();
        if used + rw < w {
            spans.push(Span::raw(" ".repeat(w - used - rw)));
            spans.extend(right);
        }
    }
    Line::from(spans)
}

/// Who has the floor, and for the chair the turn's timebox.
fn floor(app: &App) -> Option<Vec<Span<'static>>> {
    let e = app.speaking()?;
    let elapsed = app.now().saturating_sub(e.started_at_ms.unwrap_or(app.now()));
    let l = app.lang();
    let name = truncate(&crate::text::one_line(&e.name), 12);
    let kind = match l {
        Lang::Zh => format!("（{}）", l.turn(e.turn)),
        Lang::En => format!(" ({})", l.turn(e.turn)),
    };
    let mut out = vec![Span::raw(format!("{}{name}{kind} ", l.t("发言中：", "speaking: ")))];
    out.push(timebox_span(app, elapsed));
    Some(out)
}

/// "0:42 / 1:00" on green, amber, or red once past the agreed turn.
pub fn timebox_span(app: &App, elapsed_ms: u64) -> Span<'static> {
    let turn = app.cfg.turn_ms;
    let (bg, word) = match timebox(elapsed_ms, turn) {
        Timebox::Green => (Color::Green, ""),
        Timebox::Amber => (Color::Yellow, app.t(" 快到时间", " nearly up")),
        Timebox::Red => (Color::Red, app.t(" 超时", " over")),
    };
    Span::styled(format!(" {} / {}{word} ", clock(elapsed_ms as i64), clock(turn as i64)), badge(bg))
}

fn message_line(app: &App, w: usize) -> Line<'static> {
    let Some(m) = app.last_message() else { return Line::raw("") };
    let (prefix, style) = match m.level {
        Level::Error => (app.t("错误：", "Error: "), error()),
        Level::Warn => ("", bold()),
        Level::Info => ("", good()),
    };
    let more = if m.detail.is_some() { app.t("（m 查看）", " (m: more)") } else { "" };
    let text = format!(" {prefix}{}{more}", crate::text::one_line(&m.text));
    Line::styled(fit(&text, w), style)
}

fn key_line(app: &App) -> Line<'static> {
    let l = app.lang();
    if app.modal.is_some() {
        return Line::raw("");
    }
    if app.you.is_none() {
        return hints(&[
            ("Esc", l.t("返回修改地址或令牌", "back to the address and token")),
            ("q", l.t("退出", "quit")),
        ]);
    }
    let chair = app.role() == Some(yuanzhuo_protocol::Role::Chair);
    let mut pairs: Vec<(&str, &str)> = match app.current_tab() {
        Some(Tab::Proposals) if chair => vec![
            ("↑↓", l.t("选择", "select")),
            (l.t("空格", "Space"), l.t("推选/取消", "pick/unpick")),
            ("a", l.t("记录", "note")),
        ],
        Some(Tab::Proposals) => vec![("↑↓", l.t("选择", "select")), ("a", l.t("记录", "note"))],
        Some(Tab::Queue) => vec![
            ("a", l.t("加人", "add")),
            ("n", l.t("下一位", "next")),
            ("Enter", l.t("指定开始", "start")),
            ("s", l.t("结束", "stop")),
            ("x", l.t("移除", "remove")),
            ("r/t", l.t("就绪/要时间", "ready/more time")),
        ],
        Some(Tab::Picks) => {
            vec![("Enter", l.t("提交", "submit")), ("L", l.t("锁定", "lock")), ("x", l.t("取消选中", "unmark"))]
        }
        Some(Tab::Notes) => vec![
            ("←→", l.t("栏", "pane")),
            ("a", l.t("新记录", "new")),
            ("e", l.t("修改", "edit")),
            ("w", l.t("撤回", "withdraw")),
        ],
        Some(Tab::Advice) if app.adviser_tables().len() > 1 => {
            vec![("↑↓", l.t("选择", "select")), ("Enter", l.t("填写意见", "annotate")), ("t", l.t("换桌", "table"))]
        }
        Some(Tab::Advice) => vec![("↑↓", l.t("选择", "select")), ("Enter", l.t("填写意见", "annotate"))],
        None => vec![],
    };
    if app.tabs().len() > 1 {
        pairs.push(("Tab", l.t("换页", "page")));
    }
    pairs.push(("?", l.t("帮助", "help")));
    pairs.push(("q", l.t("退出", "quit")));
    hints(&pairs)
}

fn connecting(f: &mut Frame, area: Rect, app: &App) {
    let l = app.lang();
    let mut lines = vec![Line::raw("")];
    let what = match &app.link {
        Some(LinkStatus::Offline { reason, .. }) => match l {
            Lang::Zh => format!("暂时连不上会场服务器 {}：{reason}", app.hub_url),
            Lang::En => format!("Cannot reach the hub at {}: {reason}", app.hub_url),
        },
        _ => match l {
            Lang::Zh => format!("正在连接会场服务器 {} …", app.hub_url),
            Lang::En => format!("Connecting to the hub at {} …", app.hub_url),
        },
    };
    for s in crate::text::wrap(&what, area.width.saturating_sub(4) as usize) {
        lines.push(Line::raw(format!("  {s}")));
    }
    lines.push(Line::raw(""));
    lines.push(Line::raw(format!(
        "  {}",
        l.t(
            "会自动重试。已做的记录都保存在本机，联网后自动发送。",
            "Retrying by itself. Everything entered is kept on this computer and goes out once connected."
        )
    )));
    let block = boxed(l.t("连接", "Connection"), area);
    f.render_widget(Clear, area);
    f.render_widget(Paragraph::new(lines).block(block).wrap(ratatui::widgets::Wrap { trim: false }), area);
}
