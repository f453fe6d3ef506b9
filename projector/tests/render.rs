//! What the screen shows, drawn into ratatui's TestBackend at the sizes
//! that matter: 160×45 (a 1080p projector at a readable font size) and
//! 80×24 (the smallest terminal anyone should use), for every scene.

mod common;

use common::*;
use projector::draw::{self, Level, Marker, Screen};
use projector::model::scene;
use projector::Lang;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::Terminal;
use yuanzhuo_protocol::*;

const JOIN: &str = "http://192.168.1.20:8470";

fn screen_of(s: &Snapshot, now: u64, lang: Lang) -> Screen {
    Screen {
        scene: Some(scene(s, now, lang)),
        marker: Marker { text: "● 已连接".into(), level: Level::Ok },
        join_url: JOIN.into(),
        notice: None,
        keys: "L English · Q 退出".into(),
    }
}

fn render(screen: &Screen, w: u16, h: u16) -> Buffer {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| draw::draw(f, screen)).unwrap();
    t.backend().buffer().clone()
}

fn count_blocks(buf: &Buffer) -> usize {
    buf.content().iter().filter(|c| matches!(c.symbol(), "▀" | "▄" | "█")).count()
}

/// What follows `label` on the row where its count follows it (the bar
/// chart or ranking row, not a mention elsewhere on the screen).
fn row_after(lines: &[String], label: &str) -> Option<(u64, String)> {
    lines.iter().find_map(|line| {
        let at = line.find(label)?;
        let rest = &line[at + label.len()..];
        let end = rest.find('票')?;
        let between = &rest[..end];
        if !between.chars().all(|c| c == ' ' || c.is_ascii_digit() || ('\u{2580}'..='\u{259f}').contains(&c)) {
            return None;
        }
        let digits: String = between.chars().rev().take_while(|c| c.is_ascii_digit()).collect();
        let n = digits.chars().rev().collect::<String>().parse().ok()?;
        Some((n, rest[end..].to_string()))
    })
}

/// The count shown right after `label` on its row ("…改造 ████ 40票" → 40):
/// only spaces, bar cells and digits may come between.
fn count_after(lines: &[String], label: &str) -> Option<u64> {
    row_after(lines, label).map(|(n, _)| n)
}

/// How many "N票" counts a row shows.
fn counts_in(line: &str) -> usize {
    let chars: Vec<char> = line.chars().collect();
    chars.windows(2).filter(|w| w[0].is_ascii_digit() && w[1] == '票').count()
}

const SIZES: [(u16, u16); 2] = [(160, 45), (80, 24)];

#[test]
fn setup_scene_says_not_open_yet() {
    let s = demo(Phase::Setup);
    for (w, h) in SIZES {
        let t = text(&render(&screen_of(&s, T0, Lang::Zh), w, h));
        assert!(t.contains("会议尚未开始"), "{w}×{h}\n{t}");
        assert!(t.contains("幸福里社区“幸福微实事”项目筛选大会"));
        assert!(!t.contains("规则指纹"), "no fingerprint before the rules are locked\n{t}");
        assert!(t.contains("日志第 42 条"), "{t}");
    }
}

#[test]
fn welcome_scene_shows_rules_fingerprint_and_a_scannable_code() {
    let mut s = demo(Phase::CheckIn);
    s.electorate = electorate(120, 0, 0);
    for (w, h) in SIZES {
        let buf = render(&screen_of(&s, T0, Lang::Zh), w, h);
        let t = text(&buf);
        for needle in [
            "幸福里社区“幸福微实事”项目筛选大会",
            "会议规则",
            "3F2A-91C0",
            "300,000 元",
            "最多选 10 项（共 60 个提案）",
            "3 项",
            "造价低者优先",
            "实时公开计票",
            JOIN,
            "9c1e 4f2a 7b3d 5e6f",
            "● 已连接",
            "选民指纹",
            "7D41-0C9E",
            "已发投票卡 120 张",
        ] {
            assert!(t.contains(needle), "{w}×{h}: no {needle:?}\n{t}");
        }
        // The code: block characters, dark on an explicitly light background.
        assert!(count_blocks(&buf) > 150, "{w}×{h}: {} block cells\n{t}", count_blocks(&buf));
        let light = buf.content().iter().filter(|c| c.bg == ratatui::style::Color::White).count();
        let dark_on_light = buf
            .content()
            .iter()
            .filter(|c| {
                c.symbol() != " " && c.bg == ratatui::style::Color::White && c.fg == ratatui::style::Color::Black
            })
            .count();
        assert!(light > 300 && dark_on_light > 150, "{w}×{h}: light {light}, dark-on-light {dark_on_light}");
    }
    let t = text(&render(&screen_of(&s, T0, Lang::En), 160, 45));
    assert!(
        t.contains("Rules fingerprint") && t.contains("3F2A-91C0") && t.contains("at most 10 of the 60 proposals"),
        "{t}"
    );
}

fn discussing() -> Snapshot {
    let mut s = demo(Phase::Discussion);
    s.timer = Some(timer("分桌讨论", 40, T0));
    s.tables[0].speaking = Some("5号".into());
    (s.tables[0].spoken, s.tables[0].seats) = (3, 7);
    s.tables[1].picks = vec!["P11".into(), "P14".into(), "P19".into()];
    s.tables[2].picks = vec!["P21".into(), "P22".into(), "P23".into()];
    s.tables[2].picks_locked = true;
    s
}

#[test]
fn discussion_scene_has_a_big_countdown_and_every_table() {
    let s = discussing();
    for (w, h) in SIZES {
        let buf = render(&screen_of(&s, T0 + 65_000, Lang::Zh), w, h);
        let t = text(&buf);
        for needle in [
            "分桌讨论",
            "第1桌",
            "第6桌",
            "讨论中",
            "已选 3/3 项",
            "已锁定",
            "已发言 3/7 位",
            "发言：5号",
            "P11 垃圾分类投放亭",
            "已推选 2/6 桌",
        ] {
            assert!(t.contains(needle), "{w}×{h}: no {needle:?}\n{t}");
        }
        // The digits are big: many block cells, across several rows.
        let digit_rows = lines(&buf).iter().filter(|l| l.contains('█')).count();
        assert!(digit_rows >= 3, "{w}×{h}: digits on {digit_rows} rows\n{t}");
        if w == 160 {
            assert!(digit_rows >= 15, "the room reads the clock from the back: {digit_rows} rows\n{t}");
        }
    }
    // Over time: the clock turns red and the caption says 超时.
    let buf = render(&screen_of(&s, T0 + 40 * 60_000 + 61_000, Lang::Zh), 160, 45);
    assert!(text(&buf).contains("超时"));
    assert!(buf.content().iter().any(|c| c.symbol() == "█" && c.fg == ratatui::style::Color::Red));
    // Tiny terminal: the digits give way to text, nothing panics.
    let t = text(&render(&screen_of(&s, T0, Lang::Zh), 40, 10));
    assert!(t.contains("40:00") || t.contains('█'), "{t}");
}

fn pitching() -> Snapshot {
    let mut s = demo(Phase::Pitches);
    for t in s.tables.iter_mut() {
        t.picks = t.share.iter().take(3).cloned().collect();
        t.picks_locked = true;
    }
    s.pitch = Some(Pitch { table: 2, next: Some(3), done: vec![1] });
    s.timer = Some(timer("第2桌推介", 3, T0));
    s.annotations = vec![
        annotation("P11", Feasibility::Feasible, None, Some(15_000), "建议同步更换楼道开关"),
        annotation("P12", Feasibility::Excluded, Some(2), None, "请向物业公司反映"),
    ];
    s
}

#[test]
fn pitch_scene_shows_the_picks_with_advisers_remarks() {
    let s = pitching();
    for (w, h) in SIZES {
        let buf = render(&screen_of(&s, T0 + 65_000, Lang::Zh), w, h);
        let t = text(&buf);
        for needle in [
            "第2桌 上台推介",
            "下一桌：第3桌",
            "已推介：第1桌",
            "P11 垃圾分类投放亭",
            "P12 单元门口无障碍坡道",
            "P13 主干道路面修补",
            "造价：35,000 元",
            "地点：桃花苑南门",
            "顾问估算 15,000 元",
            "顾问建议排除",
            "建议同步更换楼道开关",
            "请向物业公司反映",
            "第2桌推介",
        ] {
            assert!(t.contains(needle), "{w}×{h}: no {needle:?}\n{t}");
        }
        assert!(count_blocks(&buf) > 20, "a pitch clock\n{t}");
    }
    // Wide screens also show what was proposed.
    let t = text(&render(&screen_of(&s, T0, Lang::Zh), 160, 45));
    assert!(t.contains("垃圾桶露天摆放脏乱招蚊蝇"), "{t}");
}

#[test]
fn sixty_chinese_titles_and_their_counts_fit_at_160_by_45() {
    let s = with_votes(demo(Phase::Voting), spread, 57);
    let buf = render(&screen_of(&s, T0, Lang::Zh), 160, 45);
    let rows = lines(&buf);
    let t = rows.join("\n");
    assert!(t.contains("已收到 57 张（有效 57，废票 0）") && t.contains("每人最多选 10 项"), "{t}");
    assert!(!t.contains("还有"), "nothing is left out at 160×45\n{t}");
    for (i, p) in s.proposals.iter().enumerate() {
        let label = format!("{} {}", p.id, p.title);
        assert_eq!(count_after(&rows, &label), Some(spread(i)), "{label} should show {} votes\n{t}", spread(i));
    }
    // Sorted: the first row holds a 40-vote proposal.
    let first = rows.iter().find(|l| counts_in(l) > 0).unwrap();
    assert!(first.contains("40票"), "{first}");
}

#[test]
fn long_titles_are_cut_by_display_width_and_keep_their_counts() {
    let mut s = with_votes(demo(Phase::Voting), spread, 57);
    s.proposals[0].title = "老旧小区加装电梯及楼道整体改造暨无障碍通道建设示范工程".into();
    let buf = render(&screen_of(&s, T0, Lang::Zh), 160, 45);
    let rows = lines(&buf);
    let row = rows.iter().find(|l| l.contains("P01 老旧小区")).expect("the long title, cut");
    let start = row.find("P01 老旧小区").unwrap();
    let cut = &row[start..start + row[start..].find('…').expect("cut with …") + '…'.len_utf8()];
    let full = format!("P01 {}", s.proposals[0].title);
    assert!(unicode_width::UnicodeWidthStr::width(cut) < unicode_width::UnicodeWidthStr::width(full.as_str()), "{cut}");
    assert_eq!(count_after(&rows, cut), Some(spread(0)), "{row}");
    // Neither column spills into the other: every row fits the screen.
    for r in &rows {
        assert!(unicode_width::UnicodeWidthStr::width(r.as_str()) <= 160, "{r}");
    }
}

#[test]
fn voting_at_80_by_24_shows_the_top_and_says_how_many_more() {
    let s = with_votes(demo(Phase::Voting), spread, 57);
    let buf = render(&screen_of(&s, T0, Lang::Zh), 80, 24);
    let rows = lines(&buf);
    let t = rows.join("\n");
    let shown = rows.iter().map(|l| counts_in(l)).sum::<usize>();
    assert!(shown >= 30, "{shown} shown\n{t}");
    assert!(t.contains(&format!("… 还有 {} 项", 60 - shown)), "{t}");
    // The top of the ranking is there, counts intact even where titles are cut.
    assert!(t.contains("P45 楼道灭火器配置") && count_after(&rows, "P45 楼道灭火器配置") == Some(40), "{t}");
    assert_eq!(count_after(&rows, "P04 出入口及主干道…"), Some(40), "{t}");
    let t = text(&render(&screen_of(&s, T0, Lang::En), 80, 24));
    assert!(t.contains("Ballots received: 57 (57 valid, 0 void)") && t.contains("more"), "{t}");
}

#[test]
fn a_hidden_tally_shows_only_the_turnout_on_screen() {
    let mut s = demo(Phase::Voting);
    s.rules.tally = TallyVisibility::HiddenUntilClose;
    s.tally = None;
    s.turnout = Turnout { ballots: 31, phone: 28, paper: 3, valid: 30, void: 1, ..Default::default() };
    for (w, h) in SIZES {
        let buf = render(&screen_of(&s, T0, Lang::Zh), w, h);
        let t = text(&buf);
        assert!(
            t.contains("已收到 31 张（有效 30，废票 1）；手机 28，纸质 3") && t.contains("投票结束后公布"),
            "{w}×{h}\n{t}"
        );
        assert!(!t.contains("P01") && !t.contains("楼道声控灯改造"), "no proposal is shown with a count\n{t}");
        assert!(count_blocks(&buf) > 10, "the turnout in big digits\n{t}");
    }
}

fn results_snapshot() -> Snapshot {
    let mut s = with_votes(demo(Phase::Voting), spread, 57);
    s.annotations = vec![annotation("P45", Feasibility::Excluded, Some(2), None, "请向物业公司反映")];
    s.exclusions = vec![Exclusion { proposal: "P45".into(), rule: 2, reason: String::new(), at_ms: T0 }];
    counted(s, Phase::Counted)
}

#[test]
fn results_show_funded_marks_the_budget_total_ties_and_the_hash() {
    let s = results_snapshot();
    let r = s.results.clone().unwrap();
    let total = projector::text::money(r.total_cost, "CNY", projector::text::Lang::Zh);
    let buf = render(&screen_of(&s, T0, Lang::Zh), 160, 45);
    let rows = lines(&buf);
    let t = rows.join("\n");
    assert!(t.contains(&format!("获资助 {} 项 · 合计 {total} / 预算 300,000 元", r.funded.len())), "{t}");
    assert_eq!(t.matches("✓ 资助").count(), r.funded.len(), "{t}");
    let grouped = projector::text::grouped_hash(HEAD, 64);
    assert!(t.contains(&grouped), "the full hash at close, in groups of four\n{t}");
    assert!(t.contains("票并列") && t.contains("计票完成 · 待公示"), "{t}");
    // Every proposal, with its votes and, when funded, the running total.
    for row in &r.ranking {
        let p = s.proposal(&row.proposal).unwrap();
        let label = format!("{} {}", p.id, p.title);
        let (votes, seg) = row_after(&rows, &label).unwrap_or_else(|| panic!("{label}\n{t}"));
        assert_eq!(votes, row.votes, "{label}");
        if row.funded {
            assert!(
                seg.contains(&format!(
                    "累计 {}",
                    projector::text::money(row.running_total, "CNY", projector::text::Lang::Zh)
                )),
                "{seg}"
            );
        }
    }
    let (_, p45) = row_after(&rows, "P45 楼道灭火器配置").unwrap();
    assert!(p45.contains("投票前已确认排除"), "{p45}");
    assert!(t.contains("已收到 57 张（有效 57，废票 0）"), "the one count\n{t}");

    let buf = render(&screen_of(&s, T0, Lang::Zh), 80, 24);
    let t = text(&buf);
    assert!(t.contains(&format!("合计 {total}")) && t.contains("✓ 资助"), "{t}");
    assert!(t.contains("… 还有") && t.contains("项获资助）"), "{t}");
    assert!(t.contains(&format!("{} …", &grouped[..19])), "at least 64 bits of it, grouped\n{t}");

    let published = counted(results_snapshot(), Phase::Published);
    let t = text(&render(&screen_of(&published, T0, Lang::En), 160, 45));
    assert!(t.contains("Results published") && t.contains("✓ funded") && t.contains("Log hash at close"), "{t}");
}

#[test]
fn the_room_is_told_of_late_cards_claims_and_exclusions_during_the_vote() {
    let mut s = with_votes(demo(Phase::Voting), spread, 57);
    s.electorate = electorate(120, 5, T0 + 120_000);
    claim(&mut s.electorate, "counter-1", "192.168.1.23", T0 + 180_000, &[]);
    claim(&mut s.electorate, "counter-2", "192.168.1.20", T0 + 240_000, &["organiser"]);
    s.exclusions = vec![Exclusion { proposal: "P45".into(), rule: 6, reason: String::new(), at_ms: T0 }];
    for (w, h) in SIZES {
        let screen = Screen {
            scene: Some(projector::model::scene_at(&s, T0, Lang::Zh, 8 * 3600)),
            ..screen_of(&s, T0, Lang::Zh)
        };
        let buf = render(&screen, w, h);
        let rows = lines(&buf);
        let t = rows.join("\n");
        // The late cards first, never left out; the count line below the announcements.
        let issue = rows.iter().position(|l| l.contains("19:08 追加发卡 5 张（V0121–V0125）：迟到居民")).expect(&t);
        assert_eq!(issue, 2, "right under the header\n{t}");
        assert!(t.contains("已收到 57 张"), "{w}×{h}\n{t}");
        if w == 160 {
            assert!(t.contains("P45 已确认排除：第6条 技术上不可行"), "{t}");
            assert!(t.contains("⚠ 点票员 2 已认领 · 19:10 · 192.168.1.20 · 同一地址：组织者控制台"), "{t}");
            assert!(t.contains("点票员 1 已认领 · 19:09 · 192.168.1.23"), "{t}");
            // The excluded proposal is marked on the list, its votes still shown.
            let row = rows.iter().find(|l| l.contains("P45 楼道灭火器配置")).expect(&t);
            assert!(row.contains("已确认排除"), "{row}");
        }
        let red = buf.content().iter().any(|c| c.symbol() == "⚠" && c.fg == ratatui::style::Color::Red);
        assert!(red || w < 160, "a claim beside the organiser's console is flagged in red\n{t}");
    }
}

#[test]
fn the_connection_state_shows_without_hiding_the_last_view() {
    let s = with_votes(demo(Phase::Voting), spread, 57);
    let mut screen = screen_of(&s, T0, Lang::Zh);
    screen.marker = Marker { text: "○ 重新连接中…".into(), level: Level::Warn };
    let t = text(&render(&screen, 160, 45));
    assert!(t.lines().next().unwrap().ends_with("○ 重新连接中… "), "{t}");
    assert!(t.contains("P04 出入口及主干道监控"), "the last known tally stays\n{t}");
}

#[test]
fn a_refusal_is_said_plainly_on_screen() {
    use projector::app::{App, Connection};
    let mut app = App::new("ws://10.0.0.5:8470/ws".into(), "http://10.0.0.5:8470".into(), None, true);
    let t = text(&render(&app.screen(T0), 80, 24));
    assert!(t.contains("正在连接会场服务器") && t.contains("ws://10.0.0.5:8470/ws"), "{t}");
    app.on_link(
        yuanzhuo_client::LinkEvent::Status(yuanzhuo_client::LinkStatus::Refused(ErrorMsg::new(
            None,
            ErrorCode::UnknownToken,
            None,
        ))),
        T0,
    );
    assert!(matches!(app.connection, Connection::Refused { .. }));
    for (w, h) in SIZES {
        let t = text(&render(&app.screen(T0), w, h));
        assert!(
            t.contains("会场服务器拒绝了此投影") && t.contains("--no-public") && t.contains("YZ_TOKEN"),
            "{w}×{h}\n{t}"
        );
        assert!(t.contains("unknown_token") && t.contains("✕ 连接被拒绝"), "{t}");
    }
}

#[test]
fn every_scene_draws_at_any_size_without_breaking() {
    let scenes = [
        demo(Phase::Setup),
        demo(Phase::CheckIn),
        discussing(),
        pitching(),
        with_votes(demo(Phase::Voting), spread, 57),
        results_snapshot(),
    ];
    let mut hidden = demo(Phase::Voting);
    hidden.rules.tally = TallyVisibility::HiddenUntilClose;
    hidden.tally = None;
    for s in scenes.iter().chain([&hidden]) {
        for w in [20u16, 24, 30, 41, 50, 64, 70, 79, 80, 100, 119, 120, 160, 200, 250] {
            for h in [5u16, 8, 9, 12, 16, 20, 24, 30, 45, 60] {
                for lang in [Lang::Zh, Lang::En] {
                    let buf = render(&screen_of(s, T0 + 65_000, lang), w, h);
                    let t = text(&buf);
                    if w >= 24 && h >= 8 {
                        let footer = lines(&buf).pop().unwrap();
                        assert!(footer.contains("42"), "{w}×{h} {:?}: footer {footer:?}\n{t}", s.phase);
                    } else {
                        assert!(t.contains("窗口太小"), "{w}×{h}\n{t}");
                    }
                }
            }
        }
    }
}
