//! The adviser's page: the table's proposals with their feasibility flags,
//! the selected one's detail and annotation; all-tables advisers see which
//! table they are looking at.

use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::chair::{detail_pane, split};
use super::widgets::*;
use crate::app::App;
use crate::i18n::Words;
use yuanzhuo_protocol::words::terminal;

pub fn page(f: &mut Frame, area: Rect, app: &App) {
    let Some(table) = app.table() else { return };
    let l = app.lang();
    let share = app.share(table);
    let [list, detail] = split(area);
    let name = app.summary(table).map(|s| s.name.clone()).unwrap_or_default();
    let done = share.iter().filter(|p| app.annotation(&p.id).is_some()).count();
    let many = app.adviser_tables().len() > 1;
    let title = l.fill(
        if many { terminal::ADVISER_TITLE_TABLES } else { terminal::ADVISER_TITLE },
        &[("name", &name), ("table", &table.to_string()), ("done", &done.to_string()), ("n", &share.len().to_string())],
    );
    let block = boxed(&title, list);
    let inner = block.inner(list);
    f.render_widget(block, list);
    let h = inner.height as usize;
    let off = offset(app.adviser.sel, share.len(), h);
    let lines: Vec<Line> = share
        .iter()
        .enumerate()
        .skip(off)
        .take(h)
        .map(|(i, p)| proposal_row(app, p, "", inner.width as usize, i == app.adviser.sel))
        .collect();
    f.render_widget(Paragraph::new(lines), inner);
    if let Some(p) = share.get(app.adviser.sel) {
        detail_pane(f, detail, app, p);
    }
}
