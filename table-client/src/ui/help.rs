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
use crate::text::{fit, wrap};

pub fn help(f: &mut Frame, area: Rect, app: &App) {
    let l = app.lang();
    let r = Rect { x: area.x + 1, y: area.y, width: area.width.saturating_sub(2), height: area.height };
    clear_under(f, r);
    let block = boxed(l.t("帮助（按 Esc 或 ? 关闭）", "Help (Esc or ? closes)"), r).border_style(bold());
    let inner = block.inner(r);
    f.render_widget(block, r);
    let mut keys: Vec<(&str, &str)> = vec![
        ("Tab / 1-4", l.t("换页", "switch page")),
        ("↑↓ PgUp PgDn", l.t("在列表中移动", "move in a list")),
        ("m", l.t("消息记录（含未被接受的内容）", "message log (incl. anything refused)")),
        ("?", l.t("帮助", "help")),
        ("q", l.t("退出（有未发送的内容时会先确认）", "quit (asks first if anything is unsent)")),
    ];
    match app.role() {
        Some(Role::Chair) => keys.extend([
            ("空格 / Space", l.t("项目页：推选或取消（正好选满才能提交）", "Proposals: mark or unmark a pick")),
            (
                "a",
                l.t(
                    "项目页：为该项目写记录；发言页：加人（座位号或姓名）",
                    "Proposals: note on it; Speakers: add (seat or name)",
                ),
            ),
            ("n", l.t("发言页：下一位开始发言", "Speakers: next speaker starts")),
            (
                "Enter",
                l.t("发言页：让选中的人开始；推选页：提交推选", "Speakers: start the selected one; Picks: submit"),
            ),
            ("s / x", l.t("发言页：结束当前发言 / 移出选中的人", "Speakers: stop the turn / remove the selected one")),
            (
                "r / t",
                l.t(
                    "发言页：告诉组织者本桌已就绪 / 需要更多时间（再按撤回）",
                    "Speakers: tell the organiser ready / more time (again: take back)",
                ),
            ),
            ("L", l.t("推选页：锁定推选（先确认，锁定后不能改）", "Picks: lock (asks first; final)")),
            ("a e w", l.t("记录页：新记录 / 修改 / 撤回", "Notes: new / edit / withdraw")),
        ]),
        Some(Role::Recorder) => keys.extend([
            ("← →", l.t("在议题和记录之间切换", "between topics and notes")),
            ("a", l.t("为选中的议题写新记录", "new note on the selected topic")),
            ("e / Enter", l.t("修改选中的记录", "edit the selected note")),
            ("w", l.t("撤回选中的记录（先确认）", "withdraw the selected note (asks first)")),
        ]),
        Some(Role::Adviser) => keys.extend([
            ("Enter / e", l.t("填写或修改选中项目的技术意见", "annotate the selected proposal")),
            ("t [ ]", l.t("换桌（管全部桌的顾问）", "switch table (all-tables advisers)")),
        ]),
        _ => {}
    }
    keys.extend([
        ("Ctrl+S", l.t("表单中：保存并发送", "in a form: save and send")),
        ("Tab", l.t("表单中：换标签 / 下一项", "in a form: tag / next field")),
        ("Esc", l.t("表单中：取消", "in a form: cancel")),
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
    let about = l.t(
        "第一行：桌号和角色、连接状态（在线 / 连接中 / 离线）、待发送条数、会场计时、当前阶段。每条操作都先存到本机，会场服务器确认后才算送达；断网时照常记录，联网后自动补发，不会重复。",
        "Top line: table and role, connection (online / connecting / offline), unsent count, the meeting clock, the phase. Every entry is saved on this computer first and counts as delivered only when the hub confirms it; offline, keep working — it is sent when the link returns, never twice.",
    );
    for s in wrap(about, w) {
        lines.push(Line::styled(s, dim()));
    }
    f.render_widget(Paragraph::new(lines), inner);
}

pub fn log(f: &mut Frame, area: Rect, app: &App) {
    let l = app.lang();
    let r = Rect { x: area.x + 1, y: area.y, width: area.width.saturating_sub(2), height: area.height };
    clear_under(f, r);
    let block = boxed(l.t("消息记录（按 Esc 关闭）", "Messages (Esc closes)"), r).border_style(bold());
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
        lines.push(Line::styled(l.t("还没有消息", "No messages yet").to_string(), dim()));
    }
    f.render_widget(Paragraph::new(lines), inner);
}
