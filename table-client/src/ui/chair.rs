//! The chair's pages (the proposals page is the recorder's too): the
//! table's proposals with the picks marked and a detail pane; the speaking
//! queue with the turn's timebox and the talk-time balance; the picks
//! review with every table's progress.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use yuanzhuo_protocol::*;

use super::widgets::*;
use crate::app::App;
use crate::i18n::Words;
use crate::text::{clock, fit, fit_right, one_line, pack, width, wrap};
use yuanzhuo_protocol::words::{terminal, ui};

/// Split a page into a list (left) and a detail pane (right).
pub fn split(area: Rect) -> [Rect; 2] {
    let left = super::list_width(area.width);
    Layout::horizontal([Constraint::Length(left.min(area.width)), Constraint::Min(0)]).areas(area)
}

pub fn proposals(f: &mut Frame, area: Rect, app: &App) {
    let Some(table) = app.table() else { return };
    let l = app.lang();
    let share = app.share(table);
    let chair = app.role() == Some(Role::Chair);
    let [list, detail] = split(area);
    let title = if chair {
        let (n, max) = (app.chair.draft.len(), app.picks_per_table());
        l.fill(
            terminal::PROPOSALS_TITLE_PICKED,
            &[("count", &share.len().to_string()), ("n", &n.to_string()), ("max", &max.to_string())],
        )
    } else {
        l.fill(terminal::PROPOSALS_TITLE, &[("count", &share.len().to_string())])
    };
    let block = boxed(&title, list);
    let inner = block.inner(list);
    f.render_widget(block, list);
    let h = inner.height as usize;
    let off = offset(app.chair.sel, share.len(), h);
    let lines: Vec<Line> = share
        .iter()
        .enumerate()
        .skip(off)
        .take(h)
        .map(|(i, p)| {
            let mark = if !chair {
                let n = app.topic_count(&Some(p.id.clone()));
                if n > 0 {
                    fit(&format!("{n}"), 3)
                } else {
                    "   ".into()
                }
            } else if app.chair.draft.contains(&p.id) {
                "[x]".into()
            } else {
                "[ ]".into()
            };
            proposal_row(app, p, &format!("{mark} "), inner.width as usize, i == app.chair.sel)
        })
        .collect();
    if lines.is_empty() {
        f.render_widget(Paragraph::new(l.word(terminal::NO_PROPOSALS_HERE)), inner);
    } else {
        f.render_widget(Paragraph::new(lines), inner);
    }
    if let Some(p) = share.get(app.chair.sel) {
        detail_pane(f, detail, app, p);
    }
}

pub fn detail_pane(f: &mut Frame, area: Rect, app: &App, p: &Proposal) {
    if area.width < 8 {
        return;
    }
    let block = boxed(app.word(ui::DETAILS), area);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let mut lines = proposal_detail(app, p, inner.width as usize);
    let n = app.topic_count(&Some(p.id.clone()));
    if n > 0 {
        lines.push(Line::raw(""));
        lines.push(Line::raw(app.lang().fill(terminal::NOTES_AT_TABLE, &[("n", &n.to_string())])));
    }
    f.render_widget(Paragraph::new(lines), inner);
}

pub fn queue(f: &mut Frame, area: Rect, app: &App) {
    let l = app.lang();
    let [left, right] = split(area);
    let block = boxed(l.word(ui::SPEAKING_QUEUE), left);
    let inner = block.inner(left);
    f.render_widget(block, left);
    let w = inner.width as usize;
    let mut lines: Vec<Line> = vec![];
    // Who has the floor, with the timebox.
    match app.speaking() {
        Some(e) => {
            let elapsed = app.now().saturating_sub(e.started_at_ms.unwrap_or(app.now()));
            let kind = l.fill(terminal::TURN_KIND_SPACED, &[("turn", l.turn(e.turn))]);
            lines.push(Line::from(vec![
                Span::styled(l.word(ui::SPEAKING).to_string(), bold()),
                Span::styled(format!("{}{kind}", one_line(&e.name)), bold()),
                super::timebox_span(app, elapsed),
            ]));
        }
        None => lines.push(Line::styled(l.word(terminal::NOBODY_SPEAKING).to_string(), dim())),
    }
    lines.push(Line::raw(""));
    let rows = app.queue_rows();
    let waiting: Vec<_> = rows.iter().enumerate().collect();
    if rows.is_empty() {
        lines.push(Line::styled(l.word(terminal::QUEUE_EMPTY).to_string(), dim()));
    }
    let room = (inner.height as usize).saturating_sub(lines.len() + 4);
    let off = offset(app.chair.queue_sel, rows.len(), room.max(1));
    let mut pos = 0;
    for (i, r) in waiting.iter().skip(off).take(room.max(1)) {
        let sel = *i == app.chair.queue_sel;
        let base = if sel { selected() } else { Style::default() };
        let state = match (r.entry, r.state) {
            (None, _) => Span::styled(format!(" {} ", l.word(ui::UNSENT)), badge(Color::Yellow)),
            (_, TurnState::Speaking) => Span::styled(l.word(terminal::SPEAKING).to_string(), bold()),
            _ => {
                pos += 1;
                Span::raw(format!("{}{pos}", l.word(terminal::WAITING)))
            }
        };
        let name_w = w.saturating_sub(14 + width(&state.content) + 2).max(4);
        lines.push(Line::from(vec![
            Span::styled(fit(&format!(" {}", one_line(&r.name)), name_w), base),
            Span::styled(fit(l.turn(r.turn), 14), base),
            state,
        ]));
    }
    let done = app.done_turns();
    if !done.is_empty() {
        lines.push(Line::raw(""));
        let items: Vec<String> = done
            .iter()
            .take(8)
            .map(|e| {
                let ms = e.ended_at_ms.unwrap_or(0).saturating_sub(e.started_at_ms.unwrap_or(0));
                format!("{} {}", one_line(&e.name), clock(ms as i64))
            })
            .collect();
        for s in pack(l.word(terminal::SPOKEN), &items, w).into_iter().take(2) {
            lines.push(Line::styled(s, dim()));
        }
    }
    f.render_widget(Paragraph::new(lines), inner);
    balance(f, right, app);
}

fn balance(f: &mut Frame, area: Rect, app: &App) {
    if area.width < 12 {
        return;
    }
    let l = app.lang();
    let block = boxed(l.word(terminal::TALK_TIME), area);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let w = inner.width as usize;
    let rows = app.balance_rows();
    let most = rows.iter().map(|r| r.total_ms).max().unwrap_or(0).max(1);
    let mut lines: Vec<Line> = vec![];
    let name_w = (w / 3).clamp(4, 14);
    let bar_w = w.saturating_sub(name_w + 12);
    let unspoken = app.not_spoken();
    let room = (inner.height as usize).saturating_sub(if unspoken.is_empty() { 0 } else { 3 });
    for r in rows.iter().take(room) {
        let filled = (r.total_ms as usize * bar_w).div_ceil(most as usize).min(bar_w);
        let turns = l.fill(terminal::TURNS, &[("n", &r.turns.to_string())]);
        lines.push(Line::from(vec![
            Span::styled(fit(&one_line(&r.name), name_w), if r.speaking { bold() } else { Style::default() }),
            Span::raw(fit_right(&turns, 4)),
            Span::raw(fit_right(&clock(r.total_ms as i64), 6)),
            Span::raw(" "),
            Span::styled(" ".repeat(filled), Style::default().bg(if r.speaking { Color::Green } else { Color::Blue })),
        ]));
    }
    if rows.is_empty() {
        lines.push(Line::styled(l.word(terminal::NOBODY_SPOKEN_YET).to_string(), dim()));
    }
    if !unspoken.is_empty() {
        lines.push(Line::raw(""));
        for s in pack(l.word(terminal::NOT_SPOKEN_YET), &unspoken, w).into_iter().take(2) {
            lines.push(Line::styled(s, bold()));
        }
    }
    f.render_widget(Paragraph::new(lines), inner);
}

pub fn picks(f: &mut Frame, area: Rect, app: &App) {
    let l = app.lang();
    let [left, right] = split(area);
    let max = app.picks_per_table();
    let n = app.chair.draft.len();
    let title = l.fill(terminal::PICKS_TITLE, &[("n", &n.to_string()), ("max", &max.to_string())]);
    let block = boxed(&title, left);
    let inner = block.inner(left);
    f.render_widget(block, left);
    let w = inner.width as usize;
    let mut lines: Vec<Line> = vec![];
    let snap = app.snap.as_ref();
    let mut total = 0;
    for (i, id) in app.chair.draft.iter().enumerate() {
        let Some(p) = snap.and_then(|s| s.proposal(id)) else { continue };
        total += p.cost;
        lines.push(proposal_row(app, p, &format!("{}. ", i + 1), w, i == app.chair.picks_sel));
    }
    for i in n..max {
        lines.push(Line::styled(format!("{}. {}", i + 1, l.word(terminal::NOT_CHOSEN)), dim()));
    }
    // A pick the organiser excluded, said where the picks are.
    for x in app.chair.draft.iter().filter_map(|id| app.exclusion(id)) {
        for s in wrap(&yuanzhuo_client::words::exclusion_text(x, l), w) {
            lines.push(Line::styled(s, error()));
        }
    }
    lines.push(Line::raw(""));
    if let Some(s) = snap {
        let budget = &s.rules.budget;
        let cash = |n: u64| {
            let (zh, en) = yuanzhuo_protocol::words::money(n, &budget.currency);
            l.t(&zh, &en).to_string()
        };
        lines.push(Line::raw(
            l.fill(terminal::PICKS_TOTAL, &[("total", &cash(total)), ("budget", &cash(budget.amount))]),
        ));
    }
    let (hub, locked) = app.hub_picks();
    let status = if locked {
        Line::styled(l.word(terminal::PICKS_FINAL).to_string(), badge(Color::Green))
    } else if app.picks_pending() {
        Line::styled(format!(" {} ", l.word(terminal::SUBMISSION_UNSENT)), badge(Color::Yellow))
    } else if app.chair.dirty {
        Line::styled(l.word(terminal::CHANGED_NOT_SUBMITTED).to_string(), bold())
    } else if hub.is_empty() {
        Line::styled(l.word(terminal::NOT_SUBMITTED_YET).to_string(), bold())
    } else {
        Line::styled(l.word(terminal::SUBMITTED_NOT_LOCKED).to_string(), good())
    };
    lines.push(status);
    lines.push(Line::raw(""));
    for s in wrap(l.word(terminal::PICKS_HOW_TO), w) {
        lines.push(Line::styled(s, dim()));
    }
    f.render_widget(Paragraph::new(lines), inner);
    progress(f, right, app);
}

/// Every table's progress: picked or not, locked, who is speaking.
fn progress(f: &mut Frame, area: Rect, app: &App) {
    if area.width < 12 {
        return;
    }
    let l = app.lang();
    let block = boxed(l.word(terminal::TABLES_PROGRESS), area);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let Some(s) = app.snap.as_ref() else { return };
    let max = s.rules.picks_per_table;
    let w = inner.width as usize;
    let mine = app.table();
    let lines: Vec<Line> = s
        .tables
        .iter()
        .map(|t| {
            let state = if t.picks_locked {
                Span::styled(l.word(ui::PROJ_LOCKED).to_string(), good())
            } else if t.picks.is_empty() {
                Span::styled(l.word(terminal::TABLE_NO_PICKS).to_string(), dim())
            } else {
                Span::styled(l.word(terminal::TABLE_SUBMITTED).to_string(), bold())
            };
            let name = if Some(t.table) == mine { format!("{} *", t.name) } else { t.name.clone() };
            let name_w = (w / 2).clamp(6, 14);
            let speaking = t
                .speaking
                .as_deref()
                .map(|n| format!(" {}{}", l.word(terminal::SPEAKING_AT_TABLE), one_line(n)))
                .unwrap_or_default();
            Line::from(vec![
                Span::styled(fit(&name, name_w), if Some(t.table) == mine { bold() } else { Style::default() }),
                Span::raw(fit_right(&format!("{}/{max} ", t.picks.len()), 5)),
                state,
                Span::styled(crate::text::truncate(&speaking, w.saturating_sub(name_w + 11)), dim()),
            ])
        })
        .collect();
    f.render_widget(Paragraph::new(lines), inner);
}
