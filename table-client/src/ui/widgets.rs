//! Drawing pieces the pages share: styles that read on light and dark
//! terminals (bold, reverse and the terminal's own colours; colour only
//! with an explicit background), popups, list scrolling, the proposal
//! list and its detail pane.

use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear};
use ratatui::Frame;
use yuanzhuo_protocol::*;

use crate::app::App;
use crate::i18n::{Lang, Words};
use crate::text::{fit, fit_right, money, one_line, truncate, wrap};
use yuanzhuo_client::words;
use yuanzhuo_protocol::words::{terminal, ui};

pub fn bold() -> Style {
    Style::default().add_modifier(Modifier::BOLD)
}
pub fn selected() -> Style {
    Style::default().add_modifier(Modifier::REVERSED)
}
pub fn dim() -> Style {
    Style::default().add_modifier(Modifier::DIM)
}
pub fn error() -> Style {
    Style::default().fg(Color::Red).add_modifier(Modifier::BOLD)
}
pub fn good() -> Style {
    Style::default().fg(Color::Green)
}
/// A badge: dark text on a coloured background, readable on any theme.
pub fn badge(bg: Color) -> Style {
    Style::default().fg(Color::Black).bg(bg).add_modifier(Modifier::BOLD)
}

/// Clear a dialog's area before drawing it, and the wide (Chinese)
/// character that starts just left of it: the terminal would otherwise draw
/// that character's right half over the dialog's left border.
pub fn clear_under(f: &mut Frame, r: Rect) {
    f.render_widget(Clear, r);
    if r.x == 0 {
        return;
    }
    let buf = f.buffer_mut();
    for y in r.top()..r.bottom() {
        if let Some(cell) = buf.cell_mut((r.x - 1, y)) {
            if crate::text::width(cell.symbol()) > 1 {
                cell.set_symbol(" ");
            }
        }
    }
}

/// A bordered box whose title is cut to fit (wide characters measured).
pub fn boxed(title: &str, area: Rect) -> Block<'static> {
    let t = truncate(&one_line(title), (area.width as usize).saturating_sub(4));
    Block::default().borders(Borders::ALL).title(Span::styled(format!(" {t} "), bold()))
}

pub fn boxed_focus(title: &str, area: Rect, focus: bool) -> Block<'static> {
    let b = boxed(title, area);
    if focus {
        b.border_style(bold())
    } else {
        b.border_style(dim())
    }
}

/// A centred rectangle of at most `w`×`h` inside `area`.
pub fn popup(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h }
}

/// First row to show so that `sel` stays in view, roughly centred.
pub fn offset(sel: usize, len: usize, height: usize) -> usize {
    if height == 0 || len <= height {
        return 0;
    }
    sel.saturating_sub(height / 2).min(len - height)
}

/// Key hints: the key in bold, then what it does.
pub fn hints(pairs: &[(&str, &str)]) -> Line<'static> {
    let mut spans = vec![Span::raw(" ")];
    for (i, (k, what)) in pairs.iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw("  "));
        }
        spans.push(Span::styled(k.to_string(), selected()));
        spans.push(Span::raw(format!(" {what}")));
    }
    Line::from(spans)
}

/// A proposal's short flag: the organiser's confirmed exclusion ("已排除6"),
/// else the adviser's word: "可行", "存疑", "建议排除" (a recommendation,
/// not an exclusion).
pub fn flag(lang: Lang, a: Option<&Annotation>, excluded: Option<&Exclusion>) -> (String, Style) {
    if let Some(x) = excluded {
        return (
            format!("{}{}", lang.word(terminal::BADGE_EXCLUDED), x.rule),
            error().add_modifier(Modifier::REVERSED),
        );
    }
    match a {
        None => (String::new(), Style::default()),
        Some(a) => match a.feasibility {
            Feasibility::Feasible => (lang.word(terminal::BADGE_FEASIBLE).to_string(), good()),
            Feasibility::Doubtful => (
                lang.word(terminal::BADGE_DOUBTFUL).to_string(),
                Style::default().fg(Color::Magenta).add_modifier(Modifier::BOLD),
            ),
            Feasibility::Excluded => (lang.word(terminal::BADGE_RECOMMEND_EXCLUDING).to_string(), error()),
        },
    }
}

/// One row of a proposal list, exactly `w` columns: a mark, the id, the
/// title (cut to fit), the location when there is room, the cost and the
/// adviser's flag.
pub fn proposal_row(app: &App, p: &Proposal, mark: &str, w: usize, sel: bool) -> Line<'static> {
    let mark_w = crate::text::width(mark);
    let (flag_text, flag_style) = flag(app.lang(), app.annotation(&p.id), app.exclusion(&p.id));
    let fixed = mark_w + 5 + 9 + 9;
    let rest = w.saturating_sub(fixed).max(4);
    // Wide lists also show where: two fifths of the room.
    let place_w = if rest >= 36 { rest * 2 / 5 } else { 0 };
    let title_w = rest - place_w;
    let base = if sel { selected() } else { Style::default() };
    let mut spans = vec![
        Span::styled(mark.to_string(), base.add_modifier(Modifier::BOLD)),
        Span::styled(fit(&p.id, 4), base),
        Span::styled(" ", base),
        Span::styled(fit(&one_line(&p.title), title_w), base),
    ];
    if place_w > 0 {
        let place_style = if sel { base } else { dim() };
        spans.push(Span::styled(fit(&one_line(&p.location), place_w), place_style));
    }
    spans.extend([
        Span::styled(fit_right(&money(p.cost), 8), base),
        Span::styled(" ", base),
        Span::styled(fit(&flag_text, 8), if sel { base } else { flag_style }),
        Span::styled(" ", base),
    ]);
    Line::from(spans)
}

/// What to know about a proposal, wrapped to `w` columns.
pub fn proposal_detail(app: &App, p: &Proposal, w: usize) -> Vec<Line<'static>> {
    let lang = app.lang();
    let currency = app.snap.as_ref().map(|s| s.rules.budget.currency.clone()).unwrap_or_default();
    // Money in the one format of every screen (yuanzhuo_protocol::words::money).
    let cash = |n: u64| {
        let (zh, en) = yuanzhuo_protocol::words::money(n, &currency);
        lang.t(&zh, &en).to_string()
    };
    let mut out: Vec<Line<'static>> = vec![];
    for l in wrap(&format!("{} {}", p.id, one_line(&p.title)), w) {
        out.push(Line::styled(l, bold()));
    }
    let field = |out: &mut Vec<Line<'static>>, label: &str, value: &str| {
        if value.is_empty() {
            return;
        }
        for l in wrap(&format!("{label}{value}"), w) {
            out.push(Line::raw(l));
        }
    };
    field(&mut out, lang.word(ui::WHERE_PREFIX), &p.location);
    // The one cost: the one the count and every document use.
    field(&mut out, lang.word(ui::COST_COLON), &cash(p.cost));
    let adopted = app.snap.as_ref().and_then(|s| s.adopted_costs.iter().find(|c| c.proposal == p.id));
    if let Some(c) = adopted {
        let note = lang.fill(terminal::ESTIMATE_ADOPTED_LIST_COST, &[("cost", &cash(c.list_cost))]);
        out.push(Line::styled(note, dim()));
    }
    field(&mut out, lang.word(terminal::CATEGORY), &p.category);
    field(&mut out, lang.word(terminal::PROPOSED_BY), &p.proposer);
    if !p.description.is_empty() {
        out.push(Line::raw(""));
        for l in wrap(&p.description, w) {
            out.push(Line::raw(l));
        }
    }
    out.push(Line::raw(""));
    if let Some(x) = app.exclusion(&p.id) {
        for l in wrap(&words::exclusion_text(x, lang), w) {
            out.push(Line::styled(l, error()));
        }
        if !x.reason.is_empty() {
            field(&mut out, lang.word(terminal::ORGANISER_REASON), &x.reason);
        }
    }
    match app.annotation(&p.id) {
        None => out.push(Line::styled(lang.word(terminal::NO_ANNOTATION_YET).to_string(), dim())),
        Some(a) => {
            let (_, style) = flag(lang, Some(a), None);
            // An exclusion from the adviser is a recommendation; the organiser decides.
            let head = match (a.feasibility, a.exclusion_rule) {
                (Feasibility::Excluded, Some(r)) => words::recommend_text(r, lang),
                (f, _) => format!("{}{}", lang.word(terminal::ADVISER_PREFIX), lang.feasibility(f)),
            };
            for l in wrap(&head, w) {
                out.push(Line::styled(l, style));
            }
            field(&mut out, lang.word(ui::REASON_PREFIX), &a.reason);
            if let Some(c) = a.cost_estimate {
                let note =
                    lang.word(if adopted.is_some() { terminal::ESTIMATE_ADOPTED } else { terminal::ESTIMATE_ONLY });
                field(&mut out, lang.word(terminal::ADVISERS_ESTIMATE), &format!("{}{note}", cash(c)));
            }
            field(&mut out, lang.word(terminal::FOR_RESIDENTS_LABEL), &a.remark);
        }
    }
    out
}

/// "3 分钟前" from hub timestamps (the hub's clock on both sides, so no
/// time zone is needed).
pub fn ago(lang: Lang, now_ms: u64, at_ms: u64) -> String {
    let s = now_ms.saturating_sub(at_ms) / 1000;
    match s {
        0..=59 => lang.word(terminal::JUST_NOW).into(),
        60..=3599 => lang.fill(terminal::MINUTES_AGO, &[("n", &(s / 60).to_string())]),
        _ => lang.fill(terminal::HOURS_AGO, &[("n", &(s / 3600).to_string())]),
    }
}
