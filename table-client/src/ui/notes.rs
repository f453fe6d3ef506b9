//! The notes page: topics on the left ("general" and the table's
//! proposals, with how many notes each has), the chosen topic's notes on
//! the right, unsent ones marked.

use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::chair::split;
use super::widgets::*;
use crate::app::App;
use crate::i18n::Words;
use crate::notes::Pending;
use crate::text::{fit, fit_right, one_line, wrap};
use yuanzhuo_protocol::words::{terminal, ui};

pub fn page(f: &mut Frame, area: Rect, app: &App) {
    let l = app.lang();
    let [left, right] = split_notes(area);
    let topics = app.topics();
    let block = boxed_focus(l.word(terminal::TOPICS), left, !app.notes.in_notes);
    let inner = block.inner(left);
    f.render_widget(block, left);
    let w = inner.width as usize;
    let h = inner.height as usize;
    let off = offset(app.notes.topic, topics.len(), h);
    let snap = app.snap.as_ref();
    let lines: Vec<Line> = topics
        .iter()
        .enumerate()
        .skip(off)
        .take(h)
        .map(|(i, t)| {
            let label = match t {
                None => l.word(terminal::GENERAL_TOPIC).to_string(),
                Some(id) => {
                    let title = snap.and_then(|s| s.proposal(id)).map(|p| one_line(&p.title)).unwrap_or_default();
                    format!("{id} {title}")
                }
            };
            let n = app.topic_count(t);
            let count = if n > 0 { format!("{n}") } else { String::new() };
            let style = if i == app.notes.topic { selected() } else { Style::default() };
            Line::from(vec![
                Span::styled(fit(&label, w.saturating_sub(4)), style),
                Span::styled(fit_right(&count, 4), style),
            ])
        })
        .collect();
    f.render_widget(Paragraph::new(lines), inner);

    let topic = app.topic();
    let title = match &topic {
        None => l.word(terminal::GENERAL_NOTES).to_string(),
        Some(id) => {
            let t = snap.and_then(|s| s.proposal(id)).map(|p| one_line(&p.title)).unwrap_or_default();
            l.fill(terminal::NOTES_ON, &[("id", id), ("title", &t)])
        }
    };
    let block = boxed_focus(&title, right, app.notes.in_notes);
    let inner = block.inner(right);
    f.render_widget(block, right);
    let w = inner.width as usize;
    let rows = app.note_rows(&topic);
    if rows.is_empty() {
        let hint = l.word(terminal::NO_NOTES_YET);
        f.render_widget(Paragraph::new(Line::styled(hint.to_string(), dim())), inner);
        return;
    }
    // Each note: a heading line and its wrapped text; keep the selected one in view.
    let now = app.now();
    let mut blocks: Vec<Vec<Line>> = vec![];
    for (i, r) in rows.iter().enumerate() {
        let sel = app.notes.in_notes && i == app.notes.sel;
        let mut head = vec![Span::styled(format!("[{}]", l.tag(r.tag)), if sel { selected() } else { bold() })];
        if let Some(n) = r.note {
            head.push(Span::raw(format!(" #{n}")));
        }
        if let Some(at) = r.at_ms {
            head.push(Span::styled(format!(" {}", ago(l, now, at)), dim()));
        }
        if let Some(by) = r.by {
            head.push(Span::styled(format!(" {}", l.role(by)), dim()));
        }
        if r.edited {
            head.push(Span::styled(l.word(terminal::EDITED).to_string(), dim()));
        }
        if r.withdrawn {
            head.push(Span::styled(l.word(terminal::WITHDRAWN).to_string(), error()));
        }
        match r.pending {
            Some(Pending::Add) => head.push(Span::styled(format!(" {} ", l.word(ui::UNSENT)), badge(Color::Yellow))),
            Some(Pending::Edit) => {
                head.push(Span::styled(format!(" {} ", l.word(terminal::EDIT_UNSENT)), badge(Color::Yellow)))
            }
            Some(Pending::Withdraw) => {
                head.push(Span::styled(format!(" {} ", l.word(terminal::WITHDRAWAL_UNSENT)), badge(Color::Yellow)))
            }
            None => {}
        }
        let mut b = vec![Line::from(head)];
        let text_style = if r.withdrawn { dim() } else { Style::default() };
        for s in wrap(&r.text, w.saturating_sub(2)) {
            b.push(Line::styled(format!("  {s}"), text_style));
        }
        blocks.push(b);
    }
    let h = inner.height as usize;
    // Start at a note such that the selected one fits.
    let sel = app.notes.sel.min(blocks.len() - 1);
    let mut first = 0;
    loop {
        let used: usize = blocks[first..=sel].iter().map(|b| b.len() + 1).sum();
        if used <= h || first == sel {
            break;
        }
        first += 1;
    }
    let mut lines: Vec<Line> = vec![];
    for b in blocks.into_iter().skip(first) {
        lines.extend(b);
        lines.push(Line::raw(""));
    }
    f.render_widget(Paragraph::new(lines), inner);
}

fn split_notes(area: Rect) -> [Rect; 2] {
    // Topics narrower than a proposal list: the notes need the room.
    let [a, b] = split(area);
    let left = (area.width * 40 / 100).max(24).min(a.width + b.width);
    [Rect { width: left, ..area }, Rect { x: area.x + left, width: area.width - left, ..area }]
}
