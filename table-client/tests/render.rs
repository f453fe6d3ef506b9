//! Every view drawn on ratatui's TestBackend at 80×24 and 120×40, with the
//! demo meeting's Chinese proposals: what a volunteer must be able to read
//! is there, and wide titles are cut without pushing a border.

mod common;

use common::*;
use crossterm::event::KeyCode;
use std::time::Duration;
use table_client::app::{App, Event};
use table_client::i18n::Lang;
use yuanzhuo_client::{LinkEvent, LinkStatus};
use yuanzhuo_protocol::*;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn row_with<'a>(lines: &'a [String], needle: &str) -> (usize, &'a String) {
    lines
        .iter()
        .enumerate()
        .find(|(_, l)| l.contains(needle))
        .unwrap_or_else(|| panic!("no row with {needle:?}:\n{}", lines.join("\n")))
}

#[test]
fn chair_proposals_show_the_status_line_the_share_and_a_cut_wide_title() {
    for (w, h) in SIZES {
        let mut app = welcomed(Role::Chair, Lang::Zh);
        let b = render(&mut app, w, h);
        let s = screen(&b);
        assert_rows_fit(&b);
        let l = lines(&b);
        // Who, connection, unsent, the hub's clock (40:00 − 8:35), the phase.
        assert!(l[0].contains("第1桌 桌长"), "{}", l[0]);
        assert!(l[0].contains(" 在线 "), "{}", l[0]);
        assert!(l[0].contains("全部已送达"), "{}", l[0]);
        assert!(l[0].contains("讨论 31:25"), "{}", l[0]);
        assert!(l[0].contains("分桌讨论"), "{}", l[0]);
        assert!(l[1].contains(" 3 推选 0/3 "), "{}", l[1]);
        assert!(s.contains("本桌项目（10个） 已选 0/3"), "{s}");
        for id in ["P01", "P05", "P10"] {
            assert!(s.contains(id), "{id} missing at {w}x{h}:\n{s}");
        }
        assert!(!s.contains("P11"), "another table's proposal shown");
        // The long title is cut with "…" and the list's right border stays in its column.
        let (y, row) = row_with(&l, "P02");
        assert!(row.contains("楼梯加装扶手") && row.contains('…'), "{row}");
        assert!(!row.contains(LONG_TITLE), "{row}");
        let list_right = table_client::ui::list_width(w) - 1;
        assert_eq!(at(&b, list_right, y as u16), "│", "border moved at {w}x{h}: {row}");
        // The adviser's flag and the cost.
        let (_, p05) = row_with(&l, "P05");
        // An adviser's exclusion is a recommendation, flagged as one.
        assert!(p05.contains("建议排除") && p05.contains("9,600"), "{p05}");
        // Wide enough: where, too.
        assert_eq!(row_with(&l, "[ ] P01").1.contains("朝阳新村3区"), w >= 110, "{}", row_with(&l, "[ ] P01").1);
        // The detail pane: the selected proposal in full.
        assert!(s.contains("楼道声控灯改造"), "{s}");
        assert!(s.contains("造价：14,000 元"), "the one cost\n{s}");
    }
}

#[test]
fn the_picks_counter_follows_the_marks_and_stops_at_three() {
    for (w, h) in SIZES {
        let mut app = welcomed(Role::Chair, Lang::Zh);
        press(&mut app, KeyCode::Char(' '));
        press(&mut app, KeyCode::Down);
        press(&mut app, KeyCode::Down);
        press(&mut app, KeyCode::Char(' '));
        let b = render(&mut app, w, h);
        let l = lines(&b);
        assert!(l[1].contains(" 3 推选 2/3 "), "{}", l[1]);
        assert!(screen(&b).contains("已选 2/3"));
        let s = screen(&b);
        assert!(s.contains("[x] P01") && s.contains("[x] P03") && s.contains("[ ] P02"), "{s}");
        for _ in 0..2 {
            press(&mut app, KeyCode::Down);
            press(&mut app, KeyCode::Char(' '));
        }
        let b = render(&mut app, w, h);
        let l = lines(&b);
        assert!(l[1].contains(" 3 推选 3/3 "), "{}", l[1]);
        assert!(screen(&b).contains("[ ] P05"), "a fourth mark is refused");
        assert!(l[h as usize - 2].contains("已选满 3 个"), "{}", l[h as usize - 2]);
        // The review page lists them with the total and every table's progress.
        press(&mut app, KeyCode::Char('3'));
        let b = render(&mut app, w, h);
        let s = screen(&b);
        assert_rows_fit(&b);
        assert!(s.contains("本桌推选 已选 3/3"), "{s}");
        assert!(s.contains("1. P01") && s.contains("2. P03") && s.contains("3. P04"), "{s}");
        assert!(s.contains("合计造价 162,000 元（预算 300,000 元）"), "{s}");
        assert!(s.contains("有改动未提交"), "{s}");
        assert!(s.contains("各桌进度"), "{s}");
        let l = lines(&b);
        let (_, t3) = row_with(&l, "第3桌");
        assert!(t3.contains("3/3") && t3.contains("已锁定"), "{t3}");
    }
}

#[test]
fn the_queue_shows_the_timebox_the_balance_and_who_has_not_spoken() {
    for (w, h) in SIZES {
        let mut app = welcomed(Role::Chair, Lang::Zh);
        press(&mut app, KeyCode::Char('2'));
        let b = render(&mut app, w, h);
        let s = screen(&b);
        assert_rows_fit(&b);
        assert!(s.contains("正在发言：3号（反对）"), "{s}");
        // 75 s into a 60 s turn: red and says so in words.
        assert!(s.contains(" 1:15 / 1:00 超时 "), "{s}");
        let cell = b.content.iter().find(|c| c.symbol() == "超").unwrap();
        assert_eq!(cell.bg, ratatui::style::Color::Red);
        let l = lines(&b);
        let (_, waiting) = row_with(&l, "王阿姨");
        assert!(waiting.contains("提问") && waiting.contains("等候 1"), "{waiting}");
        // Talk time: 5号's finished 1:10; 3号's current turn counts too.
        assert!(row_with(&l, "5号").1.contains("1:10"), "{s}");
        let (_, three) = l.iter().enumerate().rfind(|(_, r)| r.contains("3号") && r.contains("1次")).unwrap();
        assert!(three.contains("1:15"), "{three}");
        assert!(s.contains("尚未发言：1号 2号 4号 6号 王阿姨"), "{s}");
        // The floor is visible from every page.
        assert!(l[1].contains("发言中：3号"), "{}", l[1]);
    }
}

#[test]
fn the_timebox_is_green_then_amber() {
    let mut app = welcomed(Role::Chair, Lang::Zh);
    press(&mut app, KeyCode::Char('2'));
    let started = NOW - 75_000;
    let mut color_at = |elapsed: u64| {
        app.update(Event::Tick, started + elapsed);
        let b = render_at(&mut app, 120, 40, started + elapsed);
        let (x, y) = find(&b, " / 1:00").unwrap_or_else(|| panic!("{}", screen(&b)));
        b[(x, y)].bg
    };
    assert_eq!(color_at(10_000), ratatui::style::Color::Green);
    assert_eq!(color_at(50_000), ratatui::style::Color::Yellow);
    assert_eq!(color_at(61_000), ratatui::style::Color::Red);
}

#[test]
fn recorder_notes_per_topic_and_the_editor_with_chinese() {
    for (w, h) in SIZES {
        let mut app = welcomed(Role::Recorder, Lang::Zh);
        let b = render(&mut app, w, h);
        let s = screen(&b);
        assert_rows_fit(&b);
        assert!(lines(&b)[0].contains("第1桌 记录员"));
        assert!(s.contains("综合（不针对具体项目）"), "{s}");
        assert!(s.contains("建议先做一次居民问卷"), "{s}");
        assert!(s.contains("[新想法]"), "{s}");
        // P03 has one note; go there.
        for _ in 0..3 {
            press(&mut app, KeyCode::Down);
        }
        let b = render(&mut app, w, h);
        let s = screen(&b);
        assert!(s.contains("P03 公共厕所翻新 的记录"), "{s}");
        assert!(s.contains("[担忧] #1 2分钟前 记录员"), "{s}");
        assert!(s.contains("晚上噪音会影响三楼住户"), "{s}");
        // The editor: typed and pasted Chinese, the counter, the tag row.
        press(&mut app, KeyCode::Char('a'));
        type_text(&mut app, "居民说：");
        app.update(Event::Paste("晚上噪音\n会影响老人休息".into()), NOW);
        // No tag until one is chosen: none is drawn reversed, and the row asks.
        let b = render(&mut app, w, h);
        let tag = b.content.iter().position(|c| c.symbol() == "支").unwrap();
        assert!(!b.content[tag].modifier.contains(ratatui::style::Modifier::REVERSED));
        assert!(screen(&b).contains("请选择"), "{}", screen(&b));
        press(&mut app, KeyCode::Tab);
        press(&mut app, KeyCode::Tab);
        let b = render(&mut app, w, h);
        let s = screen(&b);
        assert_rows_fit(&b);
        assert!(s.contains("新记录 · P03 公共厕所翻新"), "{s}");
        assert!(s.contains("居民说：晚上噪音"), "{s}");
        assert!(s.contains("会影响老人休息"), "{s}");
        assert!(s.contains("16/2000"), "{s}");
        assert!(s.contains("Ctrl+S 保存"), "{s}");
        // Tab chose 支持, then 担忧: the chosen one is drawn reversed.
        let tag = b.content.iter().position(|c| c.symbol() == "担").unwrap();
        assert!(b.content[tag].modifier.contains(ratatui::style::Modifier::REVERSED));
    }
}

#[test]
fn an_unsent_note_shows_as_unsent_with_the_pending_count() {
    for (w, h) in SIZES {
        let mut app = welcomed(Role::Recorder, Lang::Zh);
        app.update(
            Event::Link(LinkEvent::Status(LinkStatus::Offline {
                reason: "connection closed".into(),
                retry_in: Duration::from_secs(3),
            })),
            NOW,
        );
        press(&mut app, KeyCode::Char('a'));
        type_text(&mut app, "先修下水道");
        press(&mut app, KeyCode::F(2));
        app.update(ctrl('s'), NOW);
        let b = render(&mut app, w, h);
        let l = lines(&b);
        assert!(l[0].contains(" 离线，3秒后重连 "), "{}", l[0]);
        assert!(l[0].contains(" 1 条待发送 "), "{}", l[0]);
        let (_, row) = row_with(&l, "[支持]");
        assert!(row.contains(" 待发送 "), "the note itself is marked: {row}");
        assert!(screen(&b).contains("先修下水道"));
    }
}

#[test]
fn adviser_sees_flags_and_the_annotation_form() {
    for (w, h) in SIZES {
        let mut app = welcomed(Role::Adviser, Lang::Zh);
        let b = render(&mut app, w, h);
        assert_rows_fit(&b);
        let s = screen(&b);
        assert!(lines(&b)[0].contains("第1桌 技术顾问"));
        assert!(s.contains("第1桌的项目 已填 1/10"), "{s}");
        assert!(!s.contains("t 换桌"), "a one-table adviser has no table switcher");
        for _ in 0..4 {
            press(&mut app, KeyCode::Down);
        }
        let b = render(&mut app, w, h);
        let s = screen(&b);
        assert!(s.contains("顾问建议排除（第2条"), "a recommendation, not an exclusion\n{s}");
        assert!(s.replace(['│', ' ', '\n'], "").contains("由组织者决定"), "{s}");
        assert!(s.contains("顾问估算：8,000 元"), "{s}");
        assert!(s.contains("属物业维修范围"), "{s}");
        press(&mut app, KeyCode::Enter);
        let b = render(&mut app, w, h);
        assert_rows_fit(&b);
        let s = screen(&b);
        assert!(s.contains("技术意见 · P05"), "{s}");
        assert!(s.contains("排除规则"), "{s}");
        assert!(s.contains("2 应由其他主体负责（如物业）"), "{s}");
        assert!(s.contains("建议向物业公司反映"), "{s}");
        assert!(s.contains("8000"), "{s}");
    }
}

#[test]
fn a_confirmed_exclusion_and_the_one_cost_in_the_detail_pane() {
    for (w, h) in SIZES {
        let mut app = welcomed(Role::Chair, Lang::Zh);
        let snap = app.snap.as_mut().unwrap();
        snap.exclusions = vec![Exclusion { proposal: "P05".into(), rule: 2, reason: String::new(), at_ms: NOW }];
        let l = lines(&render(&mut app, w, h));
        let (_, p05) = row_with(&l, "P05");
        assert!(p05.contains("已排除2"), "{p05}");
        for _ in 0..4 {
            press(&mut app, KeyCode::Down);
        }
        let b = render(&mut app, w, h);
        assert_rows_fit(&b);
        let flat = screen(&b).replace(['│', ' ', '\n'], "");
        assert!(flat.contains("P05已确认排除：第2条应由其他主体负责（如物业）"), "{}", screen(&b));
        // The estimate, labelled as one, beside the one cost.
        assert!(flat.contains("造价：9,600元"), "{}", screen(&b));
        assert!(flat.contains("顾问估算：8,000元（仅为估算，计票用上面的造价）"), "{}", screen(&b));
    }
}

#[test]
fn an_all_tables_adviser_switches_tables() {
    for (w, h) in SIZES {
        let mut app = welcomed_as(identity(Role::Adviser, None, true), Lang::Zh);
        let b = render(&mut app, w, h);
        assert!(lines(&b)[0].contains("全部桌 技术顾问"), "{}", lines(&b)[0]);
        assert!(screen(&b).contains("t 换桌"));
        press(&mut app, KeyCode::Char('t'));
        let b = render(&mut app, w, h);
        let s = screen(&b);
        assert!(s.contains("第2桌的项目"), "{s}");
        assert!(s.contains("P11") && !s.contains("P01 "), "{s}");
    }
}

#[test]
fn help_overlay_lists_the_keys() {
    for (w, h) in SIZES {
        let mut app = welcomed(Role::Chair, Lang::Zh);
        press(&mut app, KeyCode::Char('?'));
        let b = render(&mut app, w, h);
        assert_rows_fit(&b);
        let s = screen(&b);
        assert!(s.contains("帮助（按 Esc 或 ? 关闭）"), "{s}");
        for k in ["空格 / Space", "推选或取消", "下一位开始发言", "锁定推选", "Ctrl+S"] {
            assert!(s.contains(k), "{k}:\n{s}");
        }
        press(&mut app, KeyCode::Esc);
        assert!(!screen(&render(&mut app, w, h)).contains("帮助（按"));
    }
}

#[test]
fn the_prompt_screen_asks_for_address_and_token() {
    for (w, h) in SIZES {
        let (mut app, fx) = App::new(config(Lang::Zh), None, None, NOW);
        assert!(fx.is_empty());
        let b = render(&mut app, w, h);
        assert_rows_fit(&b);
        let s = screen(&b);
        assert!(s.contains("会场服务器地址："), "{s}");
        assert!(s.contains("令牌："), "{s}");
        assert!(s.contains("加入链接"), "{s}");
        assert!(s.contains("Enter 连接"), "{s}");
    }
}

#[test]
fn english_on_request() {
    for (w, h) in SIZES {
        let mut app = welcomed(Role::Chair, Lang::En);
        let b = render(&mut app, w, h);
        assert_rows_fit(&b);
        let l = lines(&b);
        assert!(l[0].contains("Table 1 chair"), "{}", l[0]);
        assert!(l[0].contains(" online "), "{}", l[0]);
        assert!(l[0].contains("all sent"), "{}", l[0]);
        assert!(l[1].contains("Picks 0/3"), "{}", l[1]);
        assert!(screen(&b).contains("Proposals (10), picked 0/3"));
    }
}

#[test]
fn a_wrong_role_is_sent_back_politely() {
    let (mut app, _) =
        App::new(config(Lang::Zh), Some("ws://10.0.0.5:8470/ws".into()), Some("ORGANISER-SECRET-XX".into()), NOW);
    app.update(Event::Opened(Ok(vec![])), NOW);
    let fx = app.update(
        Event::Link(LinkEvent::Message(ServerMsg::Welcome {
            you: identity(Role::Organiser, None, false),
            snapshot: Box::new(snapshot()),
        })),
        NOW,
    );
    assert!(fx.contains(&table_client::app::Effect::Disconnect));
    let b = render(&mut app, 80, 24);
    let s = screen(&b);
    assert!(s.contains("组织者"), "{s}");
    assert!(s.contains("http://10.0.0.5:8470/admin"), "{s}");
    assert!(!s.contains("ORGANISER-SECRET"), "the organiser's secret is not shown again:\n{s}");
}

#[test]
fn every_view_survives_any_window_size() {
    // Small, odd and large windows, with each page and each form open.
    let setups: Vec<(Role, Vec<KeyCode>)> = vec![
        (Role::Chair, vec![]),
        (Role::Chair, vec![KeyCode::Char('2')]),
        (Role::Chair, vec![KeyCode::Char('2'), KeyCode::Char('a')]),
        (Role::Chair, vec![KeyCode::Char('3')]),
        (Role::Chair, vec![KeyCode::Char('3'), KeyCode::Char(' '), KeyCode::Char('L')]),
        (Role::Chair, vec![KeyCode::Char('?')]),
        (Role::Recorder, vec![KeyCode::Char('a')]),
        (Role::Recorder, vec![KeyCode::Right]),
        (Role::Recorder, vec![KeyCode::Char('m')]),
        (Role::Adviser, vec![KeyCode::Enter]),
    ];
    for (role, keys) in setups {
        for (w, h) in [(20, 6), (33, 11), (47, 15), (80, 24), (81, 25), (121, 41), (200, 60)] {
            let mut app = welcomed(role, Lang::Zh);
            for k in &keys {
                press(&mut app, *k);
            }
            let b = render(&mut app, w, h);
            assert_rows_fit(&b);
        }
    }
}
