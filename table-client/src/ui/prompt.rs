//! The sign-in screen: the hub's address and the token (typed from the
//! card or pasted as a join link), and why the last attempt did not work.

use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::widgets::*;
use crate::app::App;
use crate::i18n::Words;
use crate::prompt::PromptForm;
use crate::text::{truncate, width, wrap};
use yuanzhuo_protocol::words::terminal;

pub fn draw(f: &mut Frame, area: Rect, app: &App, form: &PromptForm) {
    let l = app.lang();
    let r = popup(area, 76, 18);
    clear_under(f, r);
    let block = boxed(l.word(terminal::PROMPT_TITLE), r).border_style(bold());
    let inner = block.inner(r);
    f.render_widget(block, r);
    let w = inner.width as usize;
    let labels = [l.word(terminal::HUB_ADDRESS), l.word(terminal::TOKEN)];
    let lw = labels.iter().map(|s| width(s)).max().unwrap_or(0) + 1;
    let field_w = w.saturating_sub(lw + 2).max(4);
    let mut lines: Vec<Line> = vec![];
    for s in wrap(l.word(terminal::PROMPT_HOW), w) {
        lines.push(Line::raw(s));
    }
    lines.push(Line::raw(""));
    let field_rows = [lines.len(), lines.len() + 2];
    let mut cursor = None;
    for (i, e) in [&form.hub, &form.token].into_iter().enumerate() {
        let laid = e.layout(usize::MAX / 2);
        let text = laid.lines.first().cloned().unwrap_or_default();
        // Show the end of a long entry: that is where typing happens.
        let shown = if width(&text) >= field_w { tail(&text, field_w - 1) } else { text.clone() };
        let label_style = if form.field == i { selected() } else { bold() };
        lines.push(Line::from(vec![
            Span::styled(crate::text::fit(labels[i], lw), label_style),
            Span::raw(" "),
            Span::styled(shown.clone(), bold()),
        ]));
        lines.push(Line::raw(""));
        if form.field == i {
            let before: String = text.chars().take(e.cursor()).collect();
            let col = width(&before).min(width(&shown));
            cursor = Some((field_rows[i], lw + 1 + col));
        }
    }
    if let Some(e) = &form.error {
        for s in wrap(e, w) {
            lines.push(Line::styled(s, error()));
        }
        lines.push(Line::raw(""));
    }
    lines.push(Line::styled(truncate(l.word(terminal::TOKEN_STAYS_PRIVATE), w), dim()));
    let foot_y = inner.y + inner.height.saturating_sub(1);
    f.render_widget(Paragraph::new(lines), Rect { height: inner.height.saturating_sub(1), ..inner });
    f.render_widget(
        Paragraph::new(hints(&[
            ("Enter", l.word(terminal::KEY_CONNECT)),
            ("Tab", l.word(terminal::KEY_SWITCH_FIELD)),
            ("Esc", l.word(terminal::KEY_QUIT)),
        ])),
        Rect { y: foot_y, height: 1, ..inner },
    );
    if let Some((row, col)) = cursor {
        f.set_cursor_position(Position { x: inner.x + col as u16, y: inner.y + row as u16 });
    }
}

/// The last `w` columns of a string.
fn tail(s: &str, w: usize) -> String {
    let mut out: Vec<char> = vec![];
    let mut used = 0;
    for c in s.chars().rev() {
        let cw = crate::text::char_width(c);
        if used + cw > w {
            break;
        }
        used += cw;
        out.push(c);
    }
    out.into_iter().rev().collect()
}
