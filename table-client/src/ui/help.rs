//! The help overlay (`?`): every key of the role's pages and what the
//! status line means; and the message log (`m`) with the words of anything
//! the hub refused.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use yuanzhuo_protocol::Role;

use super::widgets::*;
use crate::app::{App, Level};
use crate::i18n::{both, Words};
use crate::text::{fit, wrap};
use yuanzhuo_protocol::words::terminal;

pub fn help(f: &mut Frame, area: Rect, app: &App) {
    let l = app.lang();
    let r = Rect { x: area.x + 1, y: area.y, width: area.width.saturating_sub(2), height: area.height };
    clear_under(f, r);
    let block = boxed(l.word(terminal::HELP_TITLE), r).border_style(bold());
    let inner = block.inner(r);
    f.render_widget(block, r);
    let space = both(terminal::KEY_SPACE, &[]);
    let mut keys: Vec<(&str, &str)> = vec![
        ("Tab / 1-4", l.word(terminal::HELP_SWITCH_PAGE)),
        ("↑↓ PgUp PgDn", l.word(terminal::HELP_MOVE)),
        ("m", l.word(terminal::HELP_MESSAGES)),
        ("?", l.word(terminal::KEY_HELP)),
        ("q", l.word(terminal::HELP_QUIT)),
    ];
    match app.role() {
        Some(Role::Chair) => keys.extend([
            (space.as_str(), l.word(terminal::HELP_PICK)),
            ("a", l.word(terminal::HELP_NOTE_OR_ADD)),
            ("n", l.word(terminal::HELP_NEXT_SPEAKER)),
            ("Enter", l.word(terminal::HELP_START_OR_SUBMIT)),
            ("s / x", l.word(terminal::HELP_STOP_OR_REMOVE)),
            ("r / t", l.word(terminal::HELP_SIGNAL)),
            ("L", l.word(terminal::HELP_LOCK)),
            ("a e w", l.word(terminal::HELP_NOTES)),
        ]),
        Some(Role::Recorder) => keys.extend([
            ("← →", l.word(terminal::HELP_PANES)),
            ("a", l.word(terminal::HELP_NEW_NOTE)),
            ("e / Enter", l.word(terminal::HELP_EDIT_NOTE)),
            ("w", l.word(terminal::HELP_WITHDRAW_NOTE)),
        ]),
        Some(Role::Adviser) => keys
            .extend([("Enter / e", l.word(terminal::HELP_ANNOTATE)), ("t [ ]", l.word(terminal::HELP_SWITCH_TABLE))]),
        _ => {}
    }
    keys.extend([
        ("Ctrl+S", l.word(terminal::HELP_FORM_SAVE)),
        ("Tab", l.word(terminal::HELP_FORM_NEXT)),
        ("Esc", l.word(terminal::HELP_FORM_CANCEL)),
    ]);
    let w = inner.width as usize;
    let kw = 16.min(w / 3);
    let mut lines: Vec<Line> = keys
        .iter()
        .map(|(k, what)| {
            Line::from(vec![
                Span::styled(fit(k, kw), bold()),
                Span::raw(" "),
                Span::raw(crate::text::truncate(what, w.saturating_sub(kw + 1))),
            ])
        })
        .collect();
    lines.push(Line::raw(""));
    let about = l.word(terminal::HELP_TOP_LINE);
    for s in wrap(about, w) {
        lines.push(Line::styled(s, dim()));
    }
    f.render_widget(Paragraph::new(lines), inner);
}

pub fn log(f: &mut Frame, area: Rect, app: &App) {
    let l = app.lang();
    let r = Rect { x: area.x + 1, y: area.y, width: area.width.saturating_sub(2), height: area.height };
    clear_under(f, r);
    let block = boxed(l.word(terminal::MESSAGES_TITLE), r).border_style(bold());
    let inner = block.inner(r);
    f.render_widget(block, r);
    let w = inner.width as usize;
    let mut lines: Vec<Line> = vec![];
    for m in app.log.iter().rev() {
        let style = match m.level {
            Level::Error => error(),
            Level::Warn => bold(),
            Level::Info => good(),
        };
        for s in wrap(&crate::text::one_line(&m.text), w) {
            lines.push(Line::styled(s, style));
        }
        if let Some(d) = &m.detail {
            for s in wrap(d, w.saturating_sub(2)) {
                lines.push(Line::raw(format!("  {s}")));
            }
        }
        if lines.len() > inner.height as usize {
            break;
        }
    }
    if lines.is_empty() {
        lines.push(Line::styled(l.word(terminal::NO_MESSAGES_YET).to_string(), dim()));
    }
    f.render_widget(Paragraph::new(lines), inner);
}
