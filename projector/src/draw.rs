//! Drawing: a [`Screen`] (the scene plus the projector's own chrome) into
//! terminal cells. A pure function of its input, so that what the room sees
//! is tested with ratatui's `TestBackend` at real screen sizes.
//!
//! Colours: the terminal's own foreground for text (readable on light and
//! dark backgrounds), reverse video for badges, green/magenta/red only for
//! marks, and an explicit light background behind the QR code.

use crate::digits;
use crate::model::*;
use crate::qr;
use crate::text::{both, fit, fit_right, grouped_hash, truncate, width, wrap};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::Frame;
use yuanzhuo_protocol::words::ui;

/// Everything the projector shows: the meeting's scene (None until the
/// first snapshot), the connection marker, the join address, and a notice
/// when something needs saying over the scene.
#[derive(Debug, Clone, PartialEq)]
pub struct Screen {
    pub scene: Option<Scene>,
    pub marker: Marker,
    /// The address residents open (and the QR code's content).
    pub join_url: String,
    pub notice: Option<Notice>,
    /// "L 中文/English · Q 退出", in the footer's corner.
    pub keys: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    pub text: String,
    pub level: Level,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Ok,
    Warn,
    Error,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub title: String,
    pub lines: Vec<String>,
    pub level: Level,
}

fn bold() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}
fn dim() -> Style {
    Style::new().add_modifier(Modifier::DIM)
}
fn badge() -> Style {
    Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
}
fn level_colour(l: Level) -> Color {
    match l {
        Level::Ok => Color::Green,
        Level::Warn => Color::Magenta,
        Level::Error => Color::Red,
    }
}
fn timer_colour(s: TimerState) -> Color {
    match s {
        TimerState::Running => Color::Reset,
        TimerState::Paused => Color::Magenta,
        TimerState::Overtime => Color::Red,
    }
}

pub fn draw(frame: &mut Frame, screen: &Screen) {
    let area = frame.area();
    render(screen, area, frame.buffer_mut());
}

/// Write `text` at (x, y), at most `max` cells; returns the column after it.
fn put(buf: &mut Buffer, x: u16, y: u16, text: &str, max: u16, style: Style) -> u16 {
    let a = buf.area;
    if y < a.top() || y >= a.bottom() || x < a.left() || x >= a.right() || max == 0 {
        return x;
    }
    let t = truncate(text, max as usize);
    buf.set_stringn(x, y, &t, max as usize, style).0
}

/// `text` centred on row `y` of `area`.
fn put_centre(buf: &mut Buffer, area: Rect, y: u16, text: &str, style: Style) {
    let t = truncate(text, area.width as usize);
    let x = area.x + (area.width.saturating_sub(width(&t) as u16)) / 2;
    put(buf, x, y, &t, area.width, style);
}

fn rows(area: Rect, from: u16, height: u16) -> Rect {
    let y = (area.y + from).min(area.bottom());
    Rect::new(area.x, y, area.width, height.min(area.bottom() - y))
}

pub fn render(screen: &Screen, area: Rect, buf: &mut Buffer) {
    if area.width < 24 || area.height < 8 {
        put(buf, area.x, area.y, &both(ui::WINDOW_TOO_SMALL, &[]), area.width, bold());
        return;
    }
    let mut body = Rect::new(area.x + 1, area.y + 2, area.width - 2, area.height - 3);
    if let Some(scene) = &screen.scene {
        header(buf, area, scene, &screen.marker);
        footer(buf, area, scene, &screen.keys);
        let used = announcements(buf, body, &scene.announcements);
        if used > 0 {
            body = Rect::new(body.x, body.y + used + 1, body.width, body.height.saturating_sub(used + 1));
        }
        // The scene draws into a buffer of the body's size, so that nothing
        // it writes can spill over the header or the footer.
        let mut sub = Buffer::empty(body);
        let b = &mut sub;
        match &scene.body {
            Body::NotOpen(n) => not_open(b, body, scene, n, &screen.join_url),
            Body::Welcome(w) => welcome(b, body, w, &screen.join_url),
            Body::Discussion(d) => discussion(b, body, d),
            Body::Pitches(p) => pitches(b, body, p),
            Body::Voting(v) => voting(b, body, v),
            Body::Results(r) => results(b, body, r),
        }
        buf.merge(&sub);
    }
    marker(buf, area, &screen.marker);
    if let Some(n) = &screen.notice {
        notice(buf, area, n);
    }
}

fn header(buf: &mut Buffer, area: Rect, scene: &Scene, m: &Marker) {
    let phase = format!(" {} ", scene.phase_label);
    let room = area.width.saturating_sub(width(&phase) as u16 + width(&m.text) as u16 + 6);
    let x = put(buf, area.x + 1, area.y, &scene.meeting, room, bold());
    put(buf, x + 2, area.y, &phase, width(&phase) as u16, badge());
}

/// The connection state, discreetly in the top-right corner.
fn marker(buf: &mut Buffer, area: Rect, m: &Marker) {
    let w = width(&m.text) as u16;
    let x = area.right().saturating_sub(w + 1).max(area.x);
    let style = Style::new().fg(level_colour(m.level)).add_modifier(if m.level == Level::Ok {
        Modifier::empty()
    } else {
        Modifier::BOLD
    });
    put(buf, x, area.y, &m.text, w, style);
}

fn footer(buf: &mut Buffer, area: Rect, scene: &Scene, keys: &str) {
    let y = area.bottom() - 1;
    let keys_w = width(keys) as u16;
    let text_w = width(&scene.footer.text) as u16;
    let show_keys = text_w + keys_w + 4 <= area.width;
    put(buf, area.x + 1, y, &scene.footer.text, area.width - 2, dim());
    if show_keys {
        put(buf, area.right() - keys_w - 1, y, keys, keys_w, dim());
    }
}

/// The announcements at the top of the body: every card issued during the
/// vote first (never left out), then exclusions, adopted costs, flagged
/// claims, the other claims on one line, cancellations; at most a quarter
/// of the body. Returns the rows used.
fn announcements(buf: &mut Buffer, body: Rect, list: &[Announcement]) -> u16 {
    if list.is_empty() || body.height < 8 {
        return 0;
    }
    let mut lines: Vec<(String, Style)> = vec![];
    let issue = Style::new().fg(Color::Magenta).add_modifier(Modifier::BOLD | Modifier::REVERSED);
    for a in list.iter().filter(|a| a.kind == AnnouncementKind::CardsIssued) {
        lines.push((format!(" ⚠ {} ", a.text), issue));
    }
    for a in list.iter().filter(|a| matches!(a.kind, AnnouncementKind::Exclusion | AnnouncementKind::Cost)) {
        let style = if a.kind == AnnouncementKind::Exclusion { bold().fg(Color::Red) } else { bold() };
        lines.push((a.text.clone(), style));
    }
    for a in list.iter().filter(|a| a.kind == AnnouncementKind::Claim && a.flagged) {
        lines.push((format!("⚠ {}", a.text), bold().fg(Color::Red)));
    }
    let claims: Vec<&str> =
        list.iter().filter(|a| a.kind == AnnouncementKind::Claim && !a.flagged).map(|a| a.text.as_str()).collect();
    if !claims.is_empty() {
        lines.push((claims.join(ui::SEMICOLON.zh), Style::new()));
    }
    for a in list.iter().filter(|a| a.kind == AnnouncementKind::Cancelled) {
        lines.push((a.text.clone(), Style::new()));
    }
    let issues = list.iter().filter(|a| a.kind == AnnouncementKind::CardsIssued).count();
    let room = (body.height / 4).max(issues as u16).max(1) as usize;
    if lines.len() > room {
        let more = lines.len() - (room - 1);
        lines.truncate(room - 1);
        lines.push((format!("… +{more} · /board"), dim()));
    }
    for (i, (t, s)) in lines.iter().enumerate() {
        put(buf, body.x, body.y + i as u16, t, body.width, *s);
    }
    lines.len() as u16
}

fn notice(buf: &mut Buffer, area: Rect, n: &Notice) {
    let w = (area.width - 4).min(90);
    let inner_w = w - 4;
    let mut lines: Vec<(String, Style)> =
        vec![(n.title.clone(), bold().fg(level_colour(n.level))), (String::new(), Style::new())];
    for l in &n.lines {
        for part in wrap(l, inner_w as usize) {
            lines.push((part, Style::new()));
        }
    }
    let h = (lines.len() as u16 + 2).min(area.height - 2);
    let x = area.x + (area.width - w) / 2;
    let y = area.y + (area.height - h) / 2;
    let boxed = Rect::new(x, y, w, h);
    for yy in boxed.top()..boxed.bottom() {
        for xx in boxed.left()..boxed.right() {
            buf[(xx, yy)].reset();
        }
    }
    let frame = Style::new().fg(level_colour(n.level));
    let horiz = "─".repeat(w as usize - 2);
    put(buf, x, y, &format!("┌{horiz}┐"), w, frame);
    put(buf, x, y + h - 1, &format!("└{horiz}┘"), w, frame);
    for yy in y + 1..y + h - 1 {
        put(buf, x, yy, "│", 1, frame);
        put(buf, x + w - 1, yy, "│", 1, frame);
    }
    for (i, (text, style)) in lines.iter().enumerate().take(h as usize - 2) {
        put(buf, x + 2, y + 1 + i as u16, text, inner_w, *style);
    }
}

/// A caption above big digits; falls back to one line of text when the
/// area is too small for the digits.
fn big_timer(buf: &mut Buffer, area: Rect, t: &TimerView) {
    if area.height == 0 {
        return;
    }
    let colour = timer_colour(t.state);
    let style = bold().fg(colour);
    put_centre(buf, area, area.y, &t.caption, style);
    let digits_area = rows(area, 1, area.height.saturating_sub(1));
    if !digits::draw(buf, digits_area, &t.text, colour) && digits_area.height > 0 {
        put_centre(buf, digits_area, digits_area.y, &t.text, style);
    }
}

/// How a list of `n` items is laid out in columns (filled top to bottom).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Grid {
    cols: u16,
    rows: u16,
    col_w: u16,
    gap: u16,
    /// Items drawn; when some do not fit, the last slot says how many more.
    shown: usize,
    hidden: usize,
}

fn grid(n: usize, area: Rect, min_col_w: u16, gap: u16) -> Grid {
    let rows = area.height.max(1) as usize;
    let max_cols = ((area.width + gap) / (min_col_w + gap)).max(1) as usize;
    let cols = n.div_ceil(rows).clamp(1, max_cols);
    let capacity = cols * rows;
    let (shown, hidden) =
        if n <= capacity { (n, 0) } else { (capacity.saturating_sub(1), n - capacity.saturating_sub(1)) };
    let rows_used = if hidden == 0 { n.div_ceil(cols).max(1) } else { rows };
    let col_w = (area.width.saturating_sub(gap * (cols as u16 - 1))) / cols as u16;
    Grid { cols: cols as u16, rows: rows_used as u16, col_w, gap, shown, hidden }
}

impl Grid {
    /// Where slot `i` goes.
    fn slot(&self, area: Rect, i: usize) -> (u16, u16) {
        let col = (i / self.rows as usize) as u16;
        let row = (i % self.rows as usize) as u16;
        (area.x + col * (self.col_w + self.gap), area.y + row)
    }
}

// ---------------------------------------------------------------- scenes

fn not_open(buf: &mut Buffer, body: Rect, scene: &Scene, n: &NotOpen, join: &str) {
    let (text_area, qr_area) = split_for_qr(body);
    let fp = if n.electorate.fingerprint.is_empty() {
        String::new()
    } else {
        format!("{}  {}", n.electorate.fingerprint_label, n.electorate.fingerprint)
    };
    let lines = [
        (scene.meeting.as_str(), bold()),
        ("", Style::new()),
        (n.message.as_str(), badge()),
        ("", Style::new()),
        (n.venue.as_str(), Style::new()),
        (n.date.as_str(), Style::new()),
        ("", Style::new()),
        (n.detail.as_str(), dim()),
        ("", Style::new()),
        (n.electorate.text.as_str(), bold()),
        (fp.as_str(), bold()),
    ];
    let top = text_area.y + text_area.height.saturating_sub(lines.len() as u16) / 2;
    for (i, (t, s)) in lines.iter().enumerate() {
        let t = if *s == badge() { format!("  {t}  ") } else { t.to_string() };
        put_centre(buf, text_area, top + i as u16, &t, *s);
    }
    if let Some(qa) = qr_area {
        join_code(buf, qa, join, None);
    }
}

/// Split off a column for the QR code when the body is wide enough.
fn split_for_qr(body: Rect) -> (Rect, Option<Rect>) {
    let qr_w = if body.width >= 120 {
        body.width * 2 / 5
    } else if body.width >= 70 {
        31
    } else {
        return (body, None);
    };
    let left = Rect::new(body.x, body.y, body.width - qr_w - 2, body.height);
    let right = Rect::new(body.right() - qr_w, body.y, qr_w, body.height);
    (left, Some(right))
}

/// The QR code with the hint and the address below it.
fn join_code(buf: &mut Buffer, area: Rect, join: &str, hint: Option<&str>) {
    let url_lines = wrap(join, area.width as usize);
    let hint_lines = hint.map(|h| wrap(h, area.width as usize)).unwrap_or_default();
    let text_rows = (url_lines.len() + hint_lines.len()) as u16 + 1;
    let code_area = Rect::new(area.x, area.y, area.width, area.height.saturating_sub(text_rows));
    let placed = qr::draw(buf, code_area, join);
    let mut y = placed.map_or(area.y, |r| r.bottom() + 1);
    for l in hint_lines {
        put_centre(buf, area, y, &l, Style::new());
        y += 1;
    }
    for l in url_lines {
        put_centre(buf, area, y, &l, bold());
        y += 1;
    }
}

/// One row of text made of pieces at column offsets.
type Row = Vec<(u16, String, Style)>;

fn welcome(buf: &mut Buffer, body: Rect, w: &Welcome, join: &str) {
    let (left, qr_area) = split_for_qr(body);
    let one = |t: String, s: Style| -> Row { vec![(0, t, s)] };
    let place = format!("{} · {}", w.venue, w.date);
    let mut lines: Vec<Row> = if width(&place) <= left.width as usize {
        vec![one(place, bold())]
    } else {
        vec![one(w.venue.clone(), bold()), one(w.date.clone(), bold())]
    };
    lines.extend([vec![], one(w.rules_title.clone(), bold().add_modifier(Modifier::UNDERLINED))]);
    let label_w = w.rules.iter().map(|r| width(&r.label)).max().unwrap_or(0) as u16 + 2;
    let value_w = (left.width.saturating_sub(label_w) as usize).max(10);
    for r in &w.rules {
        for (i, part) in wrap(&r.value, value_w).into_iter().enumerate() {
            let lab = if i == 0 { r.label.clone() } else { String::new() };
            lines.push(vec![(0, lab, dim()), (label_w, part, Style::new())]);
        }
    }
    lines.push(vec![]);
    let fp_label = format!("{}  ", w.fingerprint_label);
    let fp_x = width(&fp_label) as u16;
    let rules_fp = format!(" {} ", w.fingerprint);
    let mut fp_row = vec![(0, fp_label, bold()), (fp_x, rules_fp.clone(), badge())];
    // The electorate's fingerprint beside the rules' (below it when the row is too narrow).
    if !w.electorate.fingerprint.is_empty() {
        let label = format!("{}  ", w.electorate.fingerprint_label);
        let value = format!(" {} ", w.electorate.fingerprint);
        let beside = fp_x + width(&rules_fp) as u16 + 3;
        if beside + (width(&label) + width(&value)) as u16 <= left.width {
            fp_row.push((beside, label.clone(), bold()));
            fp_row.push((beside + width(&label) as u16, value, badge()));
            lines.push(fp_row);
        } else {
            lines.push(fp_row);
            lines.push(vec![(0, label.clone(), bold()), (width(&label) as u16, value, badge())]);
        }
    } else {
        lines.push(fp_row);
    }
    lines.push(one(w.electorate.text.clone(), bold()));
    lines.push(one(w.locked_note.clone(), dim()));

    let mut y = left.y;
    for row in lines.iter().take(left.height as usize) {
        for (off, t, s) in row {
            put(buf, left.x + off, y, t, left.width.saturating_sub(*off), *s);
        }
        y += 1;
    }
    if let Some(t) = &w.timer {
        if y + 3 < left.bottom() {
            let area = Rect::new(left.x, y + 1, left.width, (left.bottom() - y - 1).min(8));
            big_timer(buf, area, t);
            y = area.bottom();
        }
    }
    // Where there is room, the fingerprint again in big type: photographed
    // from the back of the hall, it still reads.
    if !w.fingerprint.is_empty() && y + 6 <= left.bottom() {
        let area = Rect::new(left.x, y + 2, left.width, (left.bottom() - y - 2).min(9));
        put_centre(buf, area, area.y, &w.fingerprint_label, dim());
        digits::draw(buf, rows(area, 1, area.height.saturating_sub(1)), &w.fingerprint, Color::Reset);
    }
    match qr_area {
        Some(qa) => join_code(buf, qa, join, Some(&w.scan_hint)),
        None => {
            if y < left.bottom() {
                put(buf, left.x, left.bottom() - 1, join, left.width, bold());
            }
        }
    }
}

fn discussion(buf: &mut Buffer, body: Rect, d: &Discussion) {
    let n = d.tables.len() as u16;
    let table_rows = n.min(body.height / 2).max(1);
    let timer_h = body.height.saturating_sub(table_rows + 2).clamp(2, 24);
    let timer_area = rows(body, 0, timer_h);
    match &d.timer {
        Some(t) => big_timer(buf, timer_area, t),
        None => put_centre(buf, timer_area, timer_area.y + timer_h / 2, &format!("  {}  ", d.no_timer), badge()),
    }
    put_centre(buf, body, body.y + timer_h, &d.summary, bold());
    let list = rows(body, timer_h + 1, body.height.saturating_sub(timer_h + 1));
    let g = grid(d.tables.len(), list, 60, 3);
    let name_w = d.tables.iter().map(|t| width(&t.name)).max().unwrap_or(0).min(14) as u16 + 2;
    let speaking_w =
        d.tables.iter().filter_map(|t| t.speaking.as_deref().map(width)).max().map_or(0, |w| w.min(20) as u16 + 2);
    let balance_w =
        d.tables.iter().filter_map(|t| t.balance.as_deref().map(width)).max().map_or(0, |w| w.min(16) as u16 + 2);
    for (i, t) in d.tables.iter().take(g.shown).enumerate() {
        let (x, y) = g.slot(list, i);
        let end = x + g.col_w;
        let mut cx = put(buf, x, y, &fit(&t.name, name_w as usize), name_w, bold());
        let (status_style, mark) = match t.status {
            TableStatus::Discussing => (Style::new(), "· "),
            TableStatus::Picked => (Style::new().fg(Color::Magenta).add_modifier(Modifier::BOLD), "◐ "),
            TableStatus::Locked => (Style::new().fg(Color::Green).add_modifier(Modifier::BOLD), "✓ "),
        };
        let status = fit(&format!("{mark}{}", t.status_text), 14);
        cx = put(buf, cx, y, &status, end.saturating_sub(cx), status_style);
        if balance_w > 0 {
            let s = fit(t.balance.as_deref().unwrap_or(""), balance_w as usize);
            cx = put(buf, cx, y, &s, end.saturating_sub(cx), dim());
        }
        if speaking_w > 0 {
            let s = fit(t.speaking.as_deref().unwrap_or(""), speaking_w as usize);
            cx = put(buf, cx, y, &s, end.saturating_sub(cx), Style::new());
        }
        if !t.picks.is_empty() {
            put(buf, cx, y, &t.picks.join(ui::LIST_SEP.zh), end.saturating_sub(cx), Style::new());
        }
    }
    if g.hidden > 0 {
        let (x, y) = g.slot(list, g.shown);
        put(buf, x, y, &format!("… +{}", g.hidden), g.col_w, dim());
    }
}

fn pitches(buf: &mut Buffer, body: Rect, p: &Pitches) {
    if let Some(e) = &p.empty {
        let timer_area = rows(body, 0, body.height / 2);
        if let Some(t) = &p.timer {
            big_timer(buf, timer_area, t);
        }
        put_centre(buf, body, body.y + body.height / 2 + 1, e, bold());
        return;
    }
    let stage = p.on_stage.as_deref().unwrap_or("");
    let x = put(buf, body.x, body.y, &format!(" {stage} "), body.width, badge());
    put(buf, x + 2, body.y, &p.progress, body.right().saturating_sub(x + 2), bold());
    let next_w = width(&p.next) as u16;
    if x + width(&p.progress) as u16 + next_w + 6 < body.right() {
        put(buf, body.right() - next_w, body.y, &p.next, next_w, bold());
    }
    put(buf, body.x, body.y + 1, &p.done, body.width, dim());

    let n = p.cards.len().max(1) as u16;
    let free = body.height.saturating_sub(3);
    let side_by_side = body.width / n >= 40 && free >= 14;
    // The picks come first: cards as tall as their content, the clock takes
    // what is left, up to 40 % of the screen.
    let card_w = if side_by_side { (body.width - 2 * (n - 1)) / n } else { body.width };
    let cards_h = if side_by_side {
        let inner = card_w.saturating_sub(4) as usize;
        p.cards.iter().map(|c| boxed_lines(c, inner, 1).len() as u16 + 2).max().unwrap_or(0)
    } else {
        3 * n
    };
    let timer_h = free.saturating_sub(cards_h).min(body.height * 2 / 5).max(2);
    // What is left over goes above and below, so the group sits mid-screen.
    let top = 2 + free.saturating_sub(timer_h + cards_h) / 2;
    if let Some(t) = &p.timer {
        big_timer(buf, rows(body, top, timer_h), t);
    }
    let cards_area = rows(body, top + timer_h + 1, body.height.saturating_sub(top + timer_h + 1));
    for (i, c) in p.cards.iter().enumerate() {
        let i = i as u16;
        if side_by_side {
            let area = Rect::new(cards_area.x + i * (card_w + 2), cards_area.y, card_w, cards_area.height.min(cards_h));
            card_boxed(buf, area, c, i as usize + 1);
        } else {
            let h = cards_area.height / n;
            let area = Rect::new(cards_area.x, cards_area.y + i * h, cards_area.width, h);
            card_compact(buf, area, c, i as usize + 1);
        }
    }
}

fn feasibility_style(f: Option<yuanzhuo_protocol::Feasibility>) -> Style {
    use yuanzhuo_protocol::Feasibility::*;
    match f {
        Some(Feasible) => Style::new().fg(Color::Green),
        Some(Doubtful) => Style::new().fg(Color::Magenta),
        Some(Excluded) => Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        None => Style::new(),
    }
}

fn card_lines(c: &PitchCard, w: usize) -> Vec<(String, Style)> {
    let mut out = Vec::new();
    for l in wrap(&c.location, w) {
        out.push((l, Style::new()));
    }
    out.push((c.cost.clone(), bold()));
    if let Some(n) = &c.cost_note {
        for l in wrap(n, w) {
            out.push((l, dim()));
        }
    }
    if let Some(x) = &c.excluded {
        for l in wrap(x, w) {
            out.push((l, bold().fg(Color::Red)));
        }
    }
    if let Some(a) = &c.adviser {
        for l in wrap(a, w) {
            out.push((l, feasibility_style(c.feasibility)));
        }
    }
    if let Some(r) = &c.remark {
        for l in wrap(&format!("“{r}”"), w) {
            out.push((l, Style::new().add_modifier(Modifier::ITALIC)));
        }
    }
    out
}

/// A card's lines at `w` cells: title, description, then the facts.
fn boxed_lines(c: &PitchCard, w: usize, n: usize) -> Vec<(String, Style)> {
    let title = format!("{n}. {} {}", c.id, c.title);
    let mut lines: Vec<(String, Style)> = wrap(&title, w).into_iter().map(|l| (l, bold())).collect();
    if !c.description.is_empty() {
        lines.extend(wrap(&c.description, w).into_iter().map(|l| (l, dim())));
    }
    lines.push((String::new(), Style::new()));
    lines.extend(card_lines(c, w));
    lines
}

fn card_boxed(buf: &mut Buffer, area: Rect, c: &PitchCard, n: usize) {
    if area.height < 3 {
        return;
    }
    let w = area.width as usize;
    let horiz = "─".repeat(w.saturating_sub(2));
    put(buf, area.x, area.y, &format!("┌{horiz}┐"), area.width, Style::new());
    put(buf, area.x, area.bottom() - 1, &format!("└{horiz}┘"), area.width, Style::new());
    for y in area.y + 1..area.bottom() - 1 {
        put(buf, area.x, y, "│", 1, Style::new());
        put(buf, area.right() - 1, y, "│", 1, Style::new());
    }
    let inner = Rect::new(area.x + 2, area.y + 1, area.width.saturating_sub(4), area.height.saturating_sub(2));
    for (i, (t, s)) in boxed_lines(c, inner.width as usize, n).iter().enumerate().take(inner.height as usize) {
        put(buf, inner.x, inner.y + i as u16, t, inner.width, *s);
    }
}

fn card_compact(buf: &mut Buffer, area: Rect, c: &PitchCard, n: usize) {
    if area.height == 0 {
        return;
    }
    let head = format!("{n}. {} {}", c.id, c.title);
    let x = put(buf, area.x, area.y, &head, area.width, bold());
    put(buf, x + 2, area.y, &c.cost, area.right().saturating_sub(x + 2), bold());
    let mut detail = c.location.clone();
    for extra in [&c.excluded, &c.cost_note].into_iter().flatten() {
        detail.push_str(" · ");
        detail.push_str(extra);
    }
    if let Some(a) = &c.adviser {
        detail.push_str(" · ");
        detail.push_str(a);
    }
    if let Some(r) = &c.remark {
        detail.push_str(&format!(" · “{r}”"));
    }
    let style = feasibility_style(c.feasibility);
    for (i, l) in wrap(&detail, area.width.saturating_sub(3) as usize).iter().enumerate().take(area.height as usize - 1)
    {
        put(
            buf,
            area.x + 3,
            area.y + 1 + i as u16,
            l,
            area.width - 3,
            if c.adviser.is_some() || c.excluded.is_some() { style } else { Style::new() },
        );
    }
}

/// A horizontal bar `cells` wide at most, in eighths of a cell.
fn bar(value: u64, max: u64, cells: u16) -> String {
    if max == 0 || value == 0 || cells == 0 {
        return String::new();
    }
    let eighths = (value as u128 * cells as u128 * 8 / max as u128).max(1) as usize;
    const PARTS: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];
    format!("{}{}", "█".repeat(eighths / 8), PARTS[eighths % 8])
}

fn voting(buf: &mut Buffer, body: Rect, v: &Voting) {
    // Row 1: the instruction, the clock on the right; row 2: the one count.
    put(buf, body.x, body.y, &v.instruction, body.width, Style::new());
    if let Some(t) = &v.timer {
        let text = format!("{}  {}", t.caption, t.text);
        let tw = width(&text) as u16;
        let left_end = body.x + width(&v.instruction) as u16 + 2;
        let x = body.right().saturating_sub(tw);
        if x > left_end {
            put(buf, x, body.y, &text, tw, bold().fg(timer_colour(t.state)));
        }
    }
    put(buf, body.x, body.y + 1, &v.ballots_text, body.width, bold());
    let list = rows(body, 2, body.height.saturating_sub(2));
    let Some(bars) = &v.bars else {
        let big = rows(list, 0, list.height.saturating_sub(4).min(22));
        digits::draw(buf, big, &v.ballots.to_string(), Color::Reset);
        let y = big.bottom() + 1;
        put_centre(buf, list, y, &v.ballots_text, bold());
        if let Some(note) = &v.hidden_note {
            put_centre(buf, list, y + 2, note, Style::new());
        }
        return;
    };
    let g = grid(bars.len(), list, 37, 3);
    let count_w = (v.max_votes.to_string().len() + width(&v.votes_unit)).max(2) as u16;
    let rank_w = 3u16;
    let longest = bars.iter().map(|b| width(&b.label)).max().unwrap_or(0) as u16;
    // Titles first: the bar shrinks before the title does, down to 8 cells.
    let label_w = longest.min(g.col_w.saturating_sub(rank_w + 1 + count_w + 2 + 8)).min(g.col_w * 3 / 5).max(6);
    let bar_w = g.col_w.saturating_sub(rank_w + 1 + label_w + 1 + 1 + count_w);
    for (i, b) in bars.iter().take(g.shown).enumerate() {
        let (x, y) = g.slot(list, i);
        let mut cx = put(buf, x, y, &fit_right(&b.rank.to_string(), rank_w as usize), rank_w, dim());
        let label_style = if b.excluded { Style::new().add_modifier(Modifier::CROSSED_OUT) } else { Style::new() };
        cx = put(buf, cx + 1, y, &fit(&b.label, label_w as usize), label_w, label_style);
        let end = if b.excluded {
            put(buf, cx + 1, y, &v.excluded_label, bar_w, bold().fg(Color::Red))
        } else {
            put(buf, cx + 1, y, &bar(b.votes, v.max_votes, bar_w), bar_w, Style::new().fg(Color::Green))
        };
        let count = format!("{}{}", b.votes, v.votes_unit);
        put(buf, end.max(cx + 1) + 1, y, &count, count_w, bold());
    }
    if g.hidden > 0 {
        let (x, y) = g.slot(list, g.shown);
        put(buf, x, y, &v.more_label.replacen("{}", &g.hidden.to_string(), 1), g.col_w, dim());
    }
}

fn results(buf: &mut Buffer, body: Rect, r: &ResultsScene) {
    let mut y = body.y;
    let x = put(buf, body.x, y, &format!(" {} ", r.status), body.width, badge());
    put(buf, x + 2, y, &r.ballots_text, body.right().saturating_sub(x + 2), bold());
    y += 1;
    // The budget line, and a gauge of the budget used.
    let x = put(buf, body.x, y, &r.budget.text, body.width, bold());
    let gauge_w = body.right().saturating_sub(x + 4).min(40);
    if gauge_w >= 10 && r.budget.budget > 0 {
        let used = ((r.budget.total as u128 * gauge_w as u128) / r.budget.budget as u128).min(gauge_w as u128) as usize;
        let g = format!("{}{}", "█".repeat(used), "░".repeat(gauge_w as usize - used));
        put(buf, x + 2, y, &g, gauge_w, Style::new().fg(Color::Green));
    }
    y += 1;
    put(buf, body.x, y, &r.rules_text, body.width, dim());
    y += 1;
    if let Some(v) = &r.void_text {
        put(buf, body.x, y, v, body.width, Style::new());
        y += 1;
    }
    if let Some(m) = &r.method_text {
        put(buf, body.x, y, m, body.width, Style::new());
        y += 1;
    }
    // Ties, decisive ones first; at most a few lines.
    let max_ties = (body.height / 8).max(1) as usize;
    if !r.ties.is_empty() {
        let mut ties: Vec<&TieLine> = r.ties.iter().collect();
        ties.sort_by_key(|t| !t.decisive);
        for t in ties.iter().take(max_ties) {
            let style = if t.decisive { bold().fg(Color::Magenta) } else { Style::new() };
            put(buf, body.x, y, &t.text, body.width, style);
            y += 1;
        }
        if ties.len() > max_ties {
            put(
                buf,
                body.x,
                y,
                &r.ties_more.replacen("{}", &(ties.len() - max_ties).to_string(), 1),
                body.width,
                dim(),
            );
            y += 1;
        }
    }
    y += 1;
    // The whole hash at close in groups of four; where it does not fit, its first 16 digits (64 bits).
    let full = format!("{}  {}", r.head_label, grouped_hash(&r.closed_at_head, 64));
    let head = if width(&full) <= body.width as usize {
        full
    } else {
        format!("{}  {} …", r.head_label, grouped_hash(&r.closed_at_head, 16))
    };
    let list = Rect::new(body.x, y, body.width, body.bottom().saturating_sub(y + 1));
    put(buf, body.x, body.bottom() - 1, &head, body.width, bold());

    let g = grid(r.rows.len(), list, 62, 3);
    let count_w = (r.rows.iter().map(|x| x.votes).max().unwrap_or(0).to_string().len() + width(&r.votes_unit)) as u16;
    let cost_w = r.rows.iter().map(|x| width(&x.cost)).max().unwrap_or(0) as u16;
    let mark_w = width(&r.funded_mark).max(width(&r.unfunded_mark)) as u16;
    let outcome_w = r.rows.iter().map(|x| width(&x.outcome)).max().unwrap_or(0).min(16) as u16;
    let fixed = 4 + 1 + count_w + 1 + cost_w + 1 + mark_w + 1 + outcome_w;
    let longest = r.rows.iter().map(|x| width(&x.label)).max().unwrap_or(0) as u16;
    let label_w = longest.min(g.col_w.saturating_sub(fixed + 1)).max(6);
    for (i, row) in r.rows.iter().take(g.shown).enumerate() {
        let (x, y) = g.slot(list, i);
        let end = x + g.col_w;
        let pos = format!("{:>3}{}", row.position, if row.tied { "=" } else { " " });
        let row_style = if row.funded { bold() } else { Style::new() };
        let mut cx = put(buf, x, y, &pos, 4, dim());
        cx = put(buf, cx + 1, y, &fit(&row.label, label_w as usize), label_w, row_style);
        cx = put(
            buf,
            cx + 1,
            y,
            &fit_right(&format!("{}{}", row.votes, r.votes_unit), count_w as usize),
            count_w,
            bold(),
        );
        cx = put(buf, cx + 1, y, &fit_right(&row.cost, cost_w as usize), cost_w, Style::new());
        let (mark, mstyle) =
            if row.funded { (&r.funded_mark, bold().fg(Color::Green)) } else { (&r.unfunded_mark, dim()) };
        cx = put(buf, cx + 1, y, &fit(mark, mark_w as usize), mark_w, mstyle);
        put(buf, cx + 1, y, &row.outcome, end.saturating_sub(cx + 1), if row.funded { Style::new() } else { dim() });
    }
    if g.hidden > 0 {
        let hidden_funded = r.rows.iter().skip(g.shown).filter(|x| x.funded).count();
        let text = r.more_label.replacen("{}", &g.hidden.to_string(), 1).replacen("{}", &hidden_funded.to_string(), 1);
        let (x, y) = g.slot(list, g.shown);
        put(buf, x, y, &text, g.col_w, dim());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_uses_columns_then_gives_up_gracefully() {
        let g = grid(60, Rect::new(0, 0, 158, 41), 40, 3);
        assert_eq!((g.cols, g.rows, g.hidden), (2, 30, 0));
        let g = grid(60, Rect::new(0, 0, 78, 20), 37, 3);
        assert_eq!((g.cols, g.shown, g.hidden), (2, 39, 21));
        let g = grid(6, Rect::new(0, 0, 158, 20), 60, 3);
        assert_eq!((g.cols, g.rows), (1, 6));
    }

    #[test]
    fn bars_in_eighths() {
        assert_eq!(bar(0, 10, 20), "");
        assert_eq!(bar(10, 10, 4), "████");
        assert_eq!(bar(1, 10, 4), "▍");
        assert_eq!(bar(1, 1000, 4), "▏");
    }
}
