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
use crate::i18n::Words;
use crate::text::{clock, countdown, fit, truncate, width};

mod adviser;
mod chair;
mod forms;
mod help;
mod notes;
mod prompt;
pub mod widgets;

use widgets::*;
use yuanzhuo_protocol::words::{terminal, ui};

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
        f.render_widget(Paragraph::new(app.word(terminal::WINDOW_TOO_SMALL)), area);
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
            Span::styled(format!(" {} ", l.word(terminal::ONLINE)), badge(Color::Green))
        }
        Some(LinkStatus::Online) | Some(LinkStatus::Connecting { .. }) => {
            let n = match &app.link {
                Some(LinkStatus::Connecting { attempt }) => *attempt,
                _ => 1,
            };
            let text = match n {
                0 | 1 => l.word(terminal::CONNECTING).to_string(),
                n => l.fill(terminal::CONNECTING_TRY, &[("n", &n.to_string())]),
            };
            Span::styled(text, badge(Color::Yellow))
        }
        Some(LinkStatus::Offline { retry_in, .. }) => {
            let s = retry_in.as_secs_f32().ceil() as u64;
            let text = l.fill(terminal::OFFLINE_RETRY, &[("s", &s.to_string())]);
            Span::styled(
                text,
                Style::default().fg(Color::White).bg(Color::Red).add_modifier(ratatui::style::Modifier::BOLD),
            )
        }
        Some(LinkStatus::Refused(_)) | None => {
            Span::styled(format!(" {} ", l.word(terminal::NOT_CONNECTED)), badge(Color::Red))
        }
    }
}

/// "2 条待发送" / "2 unsent", or that everything has arrived.
pub fn unsent(app: &App) -> Span<'static> {
    let n = app.outbox.len();
    if n == 0 {
        return Span::styled(app.word(terminal::ALL_SENT).to_string(), dim());
    }
    let text = app.lang().fill(terminal::N_UNSENT, &[("n", &n.to_string())]);
    Span::styled(text, badge(Color::Yellow))
}

/// The meeting clock the hub runs: "讨论 31:25", over time "讨论 超时 1:05".
pub fn meeting_clock(app: &App) -> Option<Span<'static>> {
    let t = app.snap.as_ref()?.timer.as_ref()?;
    let left = t.remaining_ms(app.now());
    let label = app.lang().timer_label(&t.label).to_string();
    let mut text = format!("{label} {}", countdown(left, app.lang()));
    if t.paused {
        text.push_str(app.word(ui::PAUSED));
    }
    Some(if yuanzhuo_client::text::is_over(left) { Span::styled(text, error()) } else { Span::styled(text, bold()) })
}

fn header(app: &App, w: usize) -> Line<'static> {
    let sep = || Span::styled(" │ ", dim());
    let mut spans = vec![];
    if w >= 100 {
        spans.push(Span::styled(app.word(terminal::YUANZHUO_BADGE).to_string(), selected()));
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
        Tab::Proposals => app.word(ui::PROPOSALS).to_string(),
        Tab::Queue => app.word(terminal::TAB_SPEAKERS).to_string(),
        Tab::Picks => {
            let n = app.chair.draft.len();
            let max = app.picks_per_table();
            format!("{} {n}/{max}", app.word(ui::PICKS_TAB))
        }
        Tab::Notes => app.word(ui::NOTES_TAB).to_string(),
        Tab::Advice => app.word(terminal::TAB_ANNOTATIONS).to_string(),
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
    let kind = l.fill(terminal::TURN_KIND_PAREN, &[("turn", l.turn(e.turn))]);
    let mut out = vec![Span::raw(format!("{}{name}{kind} ", l.word(terminal::SPEAKING_NOW)))];
    out.push(timebox_span(app, elapsed));
    Some(out)
}

/// "0:42 / 1:00" on green, amber, or red once past the agreed turn.
pub fn timebox_span(app: &App, elapsed_ms: u64) -> Span<'static> {
    let turn = app.cfg.turn_ms;
    let (bg, word) = match timebox(elapsed_ms, turn) {
        Timebox::Green => (Color::Green, ""),
        Timebox::Amber => (Color::Yellow, app.word(terminal::TIME_NEARLY_UP)),
        Timebox::Red => (Color::Red, app.word(terminal::TIME_OVER)),
    };
    Span::styled(format!(" {} / {}{word} ", clock(elapsed_ms as i64), clock(turn as i64)), badge(bg))
}

fn message_line(app: &App, w: usize) -> Line<'static> {
    let Some(m) = app.last_message() else { return Line::raw("") };
    let (prefix, style) = match m.level {
        Level::Error => (app.word(terminal::ERROR_PREFIX), error()),
        Level::Warn => ("", bold()),
        Level::Info => ("", good()),
    };
    let more = if m.detail.is_some() { app.word(terminal::M_FOR_MORE) } else { "" };
    let text = format!(" {prefix}{}{more}", crate::text::one_line(&m.text));
    Line::styled(fit(&text, w), style)
}

fn key_line(app: &App) -> Line<'static> {
    let l = app.lang();
    if app.modal.is_some() {
        return Line::raw("");
    }
    if app.you.is_none() {
        return hints(&[("Esc", l.word(terminal::KEY_BACK_TO_PROMPT)), ("q", l.word(terminal::KEY_QUIT))]);
    }
    let chair = app.role() == Some(yuanzhuo_protocol::Role::Chair);
    let mut pairs: Vec<(&str, &str)> = match app.current_tab() {
        Some(Tab::Proposals) if chair => vec![
            ("↑↓", l.word(terminal::KEY_SELECT)),
            (l.word(terminal::KEY_SPACE), l.word(terminal::KEY_PICK)),
            ("a", l.word(terminal::CMD_NOTE)),
        ],
        Some(Tab::Proposals) => vec![("↑↓", l.word(terminal::KEY_SELECT)), ("a", l.word(terminal::CMD_NOTE))],
        Some(Tab::Queue) => vec![
            ("a", l.word(terminal::KEY_ADD_SPEAKER)),
            ("n", l.word(terminal::KEY_NEXT_SPEAKER)),
            ("Enter", l.word(terminal::KEY_START)),
            ("s", l.word(terminal::KEY_STOP)),
            ("x", l.word(terminal::KEY_REMOVE)),
            ("r/t", l.word(terminal::KEY_SIGNAL)),
        ],
        Some(Tab::Picks) => {
            vec![
                ("Enter", l.word(terminal::KEY_SUBMIT)),
                ("L", l.word(terminal::KEY_LOCK)),
                ("x", l.word(terminal::KEY_UNMARK)),
            ]
        }
        Some(Tab::Notes) => vec![
            ("←→", l.word(terminal::KEY_PANE)),
            ("a", l.word(terminal::KEY_NEW_NOTE)),
            ("e", l.word(terminal::KEY_EDIT)),
            ("w", l.word(terminal::KEY_WITHDRAW)),
        ],
        Some(Tab::Advice) if app.adviser_tables().len() > 1 => {
            vec![
                ("↑↓", l.word(terminal::KEY_SELECT)),
                ("Enter", l.word(terminal::KEY_ANNOTATE)),
                ("t", l.word(terminal::KEY_TABLE)),
            ]
        }
        Some(Tab::Advice) => vec![("↑↓", l.word(terminal::KEY_SELECT)), ("Enter", l.word(terminal::KEY_ANNOTATE))],
        None => vec![],
    };
    if app.tabs().len() > 1 {
        pairs.push(("Tab", l.word(terminal::KEY_PAGE)));
    }
    pairs.push(("?", l.word(terminal::KEY_HELP)));
    pairs.push(("q", l.word(terminal::KEY_QUIT)));
    hints(&pairs)
}

fn connecting(f: &mut Frame, area: Rect, app: &App) {
    let l = app.lang();
    let mut lines = vec![Line::raw("")];
    let what = match &app.link {
        Some(LinkStatus::Offline { reason, .. }) => {
            l.fill(terminal::CANNOT_REACH_HUB, &[("hub", &app.hub_url), ("reason", reason)])
        }
        _ => l.fill(terminal::CONNECTING_TO_HUB, &[("hub", &app.hub_url)]),
    };
    for s in crate::text::wrap(&what, area.width.saturating_sub(4) as usize) {
        lines.push(Line::raw(format!("  {s}")));
    }
    lines.push(Line::raw(""));
    lines.push(Line::raw(format!("  {}", l.word(terminal::RETRYING_KEPT_HERE))));
    let block = boxed(l.word(terminal::CONNECTION_TITLE), area);
    f.render_widget(Clear, area);
    f.render_widget(Paragraph::new(lines).block(block).wrap(ratatui::widgets::Wrap { trim: false }), area);
}
