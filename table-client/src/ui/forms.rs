//! The modal forms: adding a speaker, writing a note, an adviser's
//! annotation, and yes/no confirmations. Each is drawn over the page with
//! its own keys at the bottom; the cursor goes where typing will land.

use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use yuanzhuo_protocol::*;

use super::widgets::*;
use crate::adviser::{AnnotateForm, FEASIBILITY, F_COST, F_FEASIBILITY, F_REASON, F_REMARK, F_RULE};
use crate::app::{App, Confirm};
use crate::chair::{SpeakerForm, TURNS};
use crate::editor::Editor;
use crate::i18n::{Lang, Words};
use crate::notes::{editor_width, NoteForm, TAGS};
use crate::text::{one_line, wrap};
use yuanzhuo_protocol::words::{terminal, ui};

/// An editor's visible lines (scrolled so that the cursor shows) and where
/// the cursor is, relative to the box.
fn editor_view(e: &Editor, w: usize, h: usize) -> (Vec<String>, (usize, usize)) {
    let laid = e.layout(w);
    let (row, col) = laid.cursor;
    let first = (row + 1).saturating_sub(h.max(1));
    let lines = laid.lines.into_iter().skip(first).take(h).collect();
    (lines, (row - first, col))
}

fn place_cursor(f: &mut Frame, area: Rect, at: (usize, usize)) {
    let x = area.x + (at.1 as u16).min(area.width.saturating_sub(1));
    let y = area.y + (at.0 as u16).min(area.height.saturating_sub(1));
    f.set_cursor_position(Position { x, y });
}

/// A row of choices with the current one reversed: "[支持] 反对 提问".
fn choices<T: PartialEq + Copy>(
    all: &[T],
    current: Option<T>,
    name: impl Fn(T) -> String,
    active: bool,
) -> Vec<Span<'static>> {
    let mut out = vec![];
    for c in all {
        let text = format!(" {} ", name(*c));
        out.push(if Some(*c) == current {
            Span::styled(text, if active { selected() } else { bold() })
        } else {
            Span::raw(text)
        });
    }
    out
}

pub fn confirm(f: &mut Frame, area: Rect, app: &App, c: &Confirm) {
    let l = app.lang();
    let (title, body): (String, Vec<String>) = match c {
        Confirm::Quit => {
            let n = app.outbox.len();
            let mut body = vec![];
            if n > 0 {
                body.push(l.fill(terminal::UNSENT_COUNT, &[("n", &n.to_string())]));
                body.push(l.word(terminal::UNSENT_KEPT_HERE).into());
            } else {
                body.push(l.word(terminal::TYPING_LOST).into());
            }
            (l.word(terminal::QUIT_QUESTION).into(), body)
        }
        Confirm::LockPicks => {
            let max = app.picks_per_table();
            let picks = app.chair.draft.join(" ");
            (
                l.word(terminal::LOCK_PICKS_QUESTION).into(),
                vec![
                    l.fill(terminal::LOCK_PICKS_LIST, &[("max", &max.to_string()), ("picks", &picks)]),
                    l.word(terminal::LOCK_IS_FINAL).into(),
                ],
            )
        }
        Confirm::Withdraw(n) => (
            l.word(terminal::WITHDRAW_NOTE_QUESTION).into(),
            vec![l.fill(terminal::WITHDRAW_NOTE_STAYS, &[("n", &n.to_string())])],
        ),
    };
    let w = 60u16.min(area.width.saturating_sub(2));
    let inner_w = w.saturating_sub(4) as usize;
    let mut lines: Vec<Line> = vec![];
    for b in &body {
        for s in wrap(b, inner_w) {
            lines.push(Line::raw(s));
        }
    }
    lines.push(Line::raw(""));
    lines.push(hints(&[("y", l.word(terminal::KEY_YES)), ("n", l.word(terminal::KEY_NO))]));
    let r = popup(area, w, lines.len() as u16 + 2);
    clear_under(f, r);
    f.render_widget(Paragraph::new(lines).block(boxed(&title, r).border_style(bold())), r);
}

pub fn speaker(f: &mut Frame, area: Rect, app: &App, s: &SpeakerForm) {
    let l = app.lang();
    let r = popup(area, 64, 8);
    clear_under(f, r);
    let block = boxed(l.word(terminal::QUEUE_FORM_TITLE), r).border_style(bold());
    let inner = block.inner(r);
    f.render_widget(block, r);
    let label = l.word(terminal::SEAT_OR_NAME);
    let lw = crate::text::width(label);
    let field_w = (inner.width as usize).saturating_sub(lw + 1);
    let (text, cur) = editor_view(&s.name, field_w, 1);
    let mut kinds = vec![Span::raw(l.word(terminal::TURN_KIND).to_string())];
    kinds.extend(choices(&TURNS, Some(s.turn), |t| l.turn(t).to_string(), true));
    let lines = vec![
        Line::from(vec![Span::raw(label.to_string()), Span::styled(text.first().cloned().unwrap_or_default(), bold())]),
        Line::styled(l.word(terminal::BARE_NUMBER_IS_SEAT).to_string(), dim()),
        Line::from(kinds),
        Line::raw(""),
        hints(&[
            ("Enter", l.word(terminal::KEY_ADD)),
            ("Tab", l.word(terminal::KEY_KIND)),
            ("Esc", l.word(terminal::KEY_CANCEL)),
        ]),
    ];
    f.render_widget(Paragraph::new(lines), inner);
    place_cursor(f, Rect { x: inner.x + lw as u16, width: field_w as u16, height: 1, ..inner }, cur);
}

pub fn note(f: &mut Frame, area: Rect, app: &App, n: &NoteForm) {
    let l = app.lang();
    let r = Rect {
        x: area.x + 2,
        y: area.y + 1,
        width: area.width.saturating_sub(4),
        height: area.height.saturating_sub(2),
    };
    clear_under(f, r);
    let topic = match &n.proposal {
        None => l.word(terminal::GENERAL).to_string(),
        Some(id) => {
            let t = app.snap.as_ref().and_then(|s| s.proposal(id)).map(|p| one_line(&p.title)).unwrap_or_default();
            format!("{id} {t}")
        }
    };
    let title = match n.editing {
        Some(id) => l.fill(terminal::EDIT_NOTE_TITLE, &[("id", &id.to_string()), ("topic", &topic)]),
        None => l.fill(terminal::NEW_NOTE_TITLE, &[("topic", &topic)]),
    };
    let block = boxed(&title, r).border_style(bold());
    let inner = block.inner(r);
    f.render_widget(block, r);
    if inner.height < 5 {
        return;
    }
    let mut tags = vec![Span::raw(l.word(terminal::NOTE_TAG).to_string())];
    tags.extend(choices(&TAGS, n.tag, |t| l.tag(t).to_string(), true));
    tags.push(Span::styled(
        if n.tag.is_some() { l.word(terminal::TAB_SWITCHES) } else { l.word(terminal::CHOOSE_TAG) }.to_string(),
        dim(),
    ));
    f.render_widget(Paragraph::new(Line::from(tags)), Rect { height: 1, ..inner });
    let text_area = Rect {
        x: inner.x + 1,
        y: inner.y + 2,
        width: editor_width(app.size).min(inner.width.saturating_sub(2) as usize) as u16,
        height: inner.height - 4,
    };
    let (lines, cur) = editor_view(&n.editor, text_area.width as usize, text_area.height as usize);
    f.render_widget(Paragraph::new(lines.into_iter().map(Line::raw).collect::<Vec<_>>()), text_area);
    let count = format!("{}/{}", n.editor.char_count(), MAX_TEXT_CHARS);
    let foot = Rect { y: inner.y + inner.height - 1, height: 1, ..inner };
    let line = if n.discard {
        Line::from(vec![
            Span::styled(l.word(terminal::DISCARD_TEXT_QUESTION).to_string(), error()),
            Span::raw(" "),
            Span::styled("y".to_string(), selected()),
            Span::raw(l.word(terminal::DISCARD_OR_KEEP_EDITING).to_string()),
        ])
    } else {
        let mut h = hints(&[
            ("Ctrl+S", l.word(terminal::KEY_SAVE)),
            ("Tab", l.word(terminal::KEY_TAG)),
            ("Ctrl+R", l.word(terminal::KEY_INSERT_SPEAKER)),
            ("Esc", l.word(terminal::KEY_CANCEL)),
        ]);
        h.spans.push(Span::styled(format!("  {count}"), if n.editor.is_full() { error() } else { dim() }));
        h
    };
    f.render_widget(Paragraph::new(line), foot);
    if !n.discard {
        place_cursor(f, text_area, cur);
    }
}

pub fn annotate(f: &mut Frame, area: Rect, app: &App, a: &AnnotateForm) {
    let l = app.lang();
    let r = popup(area, 96, 19);
    clear_under(f, r);
    let title = {
        let t = app.snap.as_ref().and_then(|s| s.proposal(&a.proposal)).map(|p| one_line(&p.title)).unwrap_or_default();
        format!("{} · {} {t}", l.word(terminal::ANNOTATION_TITLE), a.proposal)
    };
    let block = boxed(&title, r).border_style(bold());
    let inner = block.inner(r);
    f.render_widget(block, r);
    let label_w = if l == Lang::Zh { 14 } else { 16 };
    let field_w = (inner.width as usize).saturating_sub(label_w + 1).max(4);
    let label = |i: usize, text: &str| -> Span<'static> {
        let t = crate::text::fit(text, label_w);
        if a.field == i {
            Span::styled(t, selected())
        } else {
            Span::styled(t, bold())
        }
    };
    let mut lines: Vec<Line> = vec![];
    let mut f_line = vec![label(F_FEASIBILITY, l.word(ui::FEASIBILITY))];
    f_line.extend(choices(
        &FEASIBILITY,
        Some(a.feasibility),
        |x| l.feasibility(x).to_string(),
        a.field == F_FEASIBILITY,
    ));
    lines.push(Line::from(f_line));
    let rule_text = match a.rule {
        Some(n) => format!("{n} {}", l.rule(n)),
        None => l.word(terminal::NONE).to_string(),
    };
    let rule_style =
        if a.feasibility == Feasibility::Excluded && a.rule.is_none() { error() } else { Style::default() };
    lines.push(Line::from(vec![
        label(F_RULE, l.word(terminal::EXCLUSION_RULE)),
        Span::styled(format!(" {rule_text}"), rule_style),
    ]));
    let mut cursor = None;
    let mut text_field =
        |lines: &mut Vec<Line<'static>>, i: usize, name: &str, e: &Editor, rows: usize, suffix: &str| {
            let (shown, cur) = editor_view(e, field_w.saturating_sub(1), rows);
            if a.field == i {
                cursor = Some((lines.len() + cur.0, label_w + 1 + cur.1));
            }
            for k in 0..rows {
                let first = if k == 0 { label(i, name) } else { Span::raw(" ".repeat(label_w)) };
                let mut text = shown.get(k).cloned().unwrap_or_default();
                if k == 0 && !suffix.is_empty() {
                    text.push_str(suffix);
                }
                lines.push(Line::from(vec![first, Span::raw(" "), Span::raw(text)]));
            }
        };
    text_field(&mut lines, F_REASON, l.word(ui::REASON), &a.reason, 2, "");
    text_field(&mut lines, F_COST, l.word(terminal::COST_ESTIMATE), &a.cost, 1, "");
    text_field(&mut lines, F_REMARK, l.word(terminal::FOR_RESIDENTS), &a.remark, 2, "");
    lines.push(Line::raw(""));
    // What the rules are, so the choice is informed.
    if a.field == F_RULE || a.feasibility != Feasibility::Feasible {
        for n in 1..=7u8 {
            let style = if a.rule == Some(n) { selected() } else { dim() };
            lines
                .push(Line::styled(crate::text::truncate(&format!(" {n} {}", l.rule(n)), inner.width as usize), style));
        }
    } else {
        lines.push(Line::styled(l.word(terminal::EXCLUDE_RULE_HINT).to_string(), dim()));
    }
    let foot_y = inner.y + inner.height.saturating_sub(1);
    f.render_widget(Paragraph::new(lines), Rect { height: inner.height.saturating_sub(1), ..inner });
    let foot = if a.discard {
        Line::from(vec![
            Span::styled(l.word(terminal::DISCARD_CHANGES_QUESTION).to_string(), error()),
            Span::raw(" "),
            Span::styled("y".to_string(), selected()),
            Span::raw(l.word(terminal::DISCARD_OR_CONTINUE).to_string()),
        ])
    } else {
        hints(&[
            ("Ctrl+S", l.word(terminal::KEY_SAVE)),
            ("Tab", l.word(terminal::KEY_NEXT_FIELD)),
            ("←→", l.word(terminal::KEY_CHOOSE)),
            ("0-7", l.word(terminal::KEY_RULE)),
            ("Esc", l.word(terminal::KEY_CANCEL)),
        ])
    };
    f.render_widget(Paragraph::new(foot), Rect { y: foot_y, height: 1, ..inner });
    if let (Some((row, col)), false) = (cursor, a.discard) {
        place_cursor(f, inner, (row, col));
    }
}
