//! Test fixtures: a snapshot shaped like the demo meeting (its 60 Chinese
//! proposals, 6 tables of 10, 3 picks per table), an app that has been
//! welcomed with it, and a way to read a drawn screen as text.

#![allow(dead_code)]

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::Terminal;
use table_client::app::{App, Config, Effect, Event};
use table_client::i18n::Lang;
use yuanzhuo_client::{LinkEvent, LinkStatus};
use yuanzhuo_protocol::*;

pub const NOW: u64 = 1_795_000_000_000;
/// A title far wider than any list column.
pub const LONG_TITLE: &str = "楼梯加装扶手并在每层平台增设休息座椅和夜间感应照明灯具";

pub fn proposals() -> Vec<Proposal> {
    let csv = include_str!("../../../hub/demo/proposals.csv");
    csv.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            Proposal {
                id: f[0].into(),
                title: if f[0] == "P02" { LONG_TITLE.into() } else { f[1].into() },
                description: f[2].into(),
                location: f[3].into(),
                category: f[4].into(),
                proposer: f[5].into(),
                cost: f[6].parse().unwrap(),
                level: if f[7] == "街道" { Level::Street } else { Level::Community },
            }
        })
        .collect()
}

pub fn snapshot() -> Snapshot {
    let proposals = proposals();
    assert_eq!(proposals.len(), 60);
    let tables: Vec<TableSummary> = (0..6)
        .map(|i| TableSummary {
            table: i as u16 + 1,
            name: format!("第{}桌", i + 1),
            share: proposals[i * 10..i * 10 + 10].iter().map(|p| p.id.clone()).collect(),
            picks: if i == 2 { vec!["P21".into(), "P24".into(), "P27".into()] } else { vec![] },
            picks_locked: i == 2,
            speaking: if i == 0 { Some("3号".into()) } else { None },
            signal: None,
            spoken: if i == 0 { 2 } else { 0 },
            seats: if i == 0 { 4 } else { 0 },
        })
        .collect();
    let entry = |entry, name: &str, turn, state, started: Option<u64>, ended: Option<u64>| QueueEntry {
        entry,
        name: name.into(),
        turn,
        state,
        queued_at_ms: NOW - 600_000,
        started_at_ms: started,
        ended_at_ms: ended,
    };
    let detail = TableDetail {
        table: 1,
        queue: vec![
            entry(1, "5号", TurnKind::For, TurnState::Done, Some(NOW - 300_000), Some(NOW - 230_000)),
            // Speaking for 75 s: past a 60 s turn.
            entry(2, "3号", TurnKind::Against, TurnState::Speaking, Some(NOW - 75_000), None),
            entry(3, "王阿姨", TurnKind::Question, TurnState::Waiting, None, None),
        ],
        balance: vec![SpeakerBalance { name: "5号".into(), turns: 1, total_ms: 70_000 }],
        notes: vec![
            Note {
                note: 1,
                table: 1,
                proposal: Some("P03".into()),
                tag: NoteTag::Concern,
                text: "晚上噪音会影响三楼住户".into(),
                by: Role::Recorder,
                at_ms: NOW - 120_000,
                edited_at_ms: None,
                withdrawn: false,
            },
            Note {
                note: 2,
                table: 1,
                proposal: None,
                tag: NoteTag::NewIdea,
                text: "建议先做一次居民问卷".into(),
                by: Role::Chair,
                at_ms: NOW - 60_000,
                edited_at_ms: None,
                withdrawn: false,
            },
        ],
    };
    Snapshot {
        seq: 40,
        log_head: "ab".repeat(32),
        log_tag: String::new(),
        server_now_ms: NOW,
        meeting: MeetingInfo {
            name: "幸福里社区“幸福微实事”项目筛选大会".into(),
            venue: "党群服务中心".into(),
            date: "2026-11-28".into(),
            language: "zh".into(),
            ..Default::default()
        },
        rules: Rules {
            tables: (1..=6).map(|i| format!("第{i}桌")).collect(),
            picks_per_table: 3,
            max_choices: 10,
            discussion_minutes: 40,
            pitch_minutes: 3,
            budget: Budget { amount: 300_000, currency: "CNY".into() },
            allocation: Allocation::GreedySkip,
            tie_break: TieBreak::LowerCost,
            tally: TallyVisibility::Live,
            assignment: Assignment::SplitEvenly,
            board: Default::default(),
            registration: Default::default(),
        },
        fingerprint: "3F2A-91C0".into(),
        phase: Phase::Discussion,
        timer: Some(Timer {
            label: "discussion".into(),
            duration_ms: 40 * 60_000,
            started_at_ms: NOW - 8 * 60_000 - 35_000,
            used_before_ms: 0,
            paused: false,
        }),
        pitch: None,
        proposals,
        tables,
        table_details: vec![detail],
        annotations: vec![Annotation {
            proposal: "P05".into(),
            feasibility: Feasibility::Excluded,
            exclusion_rule: Some(2),
            reason: "属物业维修范围".into(),
            cost_estimate: Some(8000),
            remark: "建议向物业公司反映".into(),
            by_table: Some(1),
            at_ms: NOW - 100_000,
        }],
        turnout: Turnout { ballots: 0, ..Default::default() },
        tally: None,
        results: None,
        my_ballot: None,
        paper: None,
        paper_copies: vec![],
        electorate: Default::default(),
        exclusions: vec![],
        adopted_costs: vec![],
        my_card: None,
        register: None,
    }
}

pub fn identity(role: Role, table: Option<u16>, all_tables: bool) -> Identity {
    Identity { role, table, all_tables, label: format!("{} · 第1桌", role.zh()), desk: None }
}

pub fn config(lang: Lang) -> Config {
    Config { lang, turn_ms: 60_000, seats: 6, id_prefix: "tctest".into() }
}

/// An app welcomed as `role` at table 1 (all tables for `all_tables`).
pub fn welcomed(role: Role, lang: Lang) -> App {
    welcomed_as(identity(role, Some(1), false), lang)
}

pub fn welcomed_as(you: Identity, lang: Lang) -> App {
    let (mut app, fx) =
        App::new(config(lang), Some("ws://127.0.0.1:8470/ws".into()), Some("K7M2-Q9XP-2HDR-ABCD".into()), NOW);
    assert!(matches!(fx.as_slice(), [Effect::Connect { .. }]), "{fx:?}");
    app.update(Event::Opened(Ok(vec![])), NOW);
    app.update(Event::Link(LinkEvent::Status(LinkStatus::Online)), NOW);
    app.update(Event::Link(LinkEvent::Message(ServerMsg::Welcome { you, snapshot: Box::new(snapshot()) })), NOW);
    app
}

pub fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new_with_kind(code, KeyModifiers::NONE, KeyEventKind::Press))
}

pub fn ctrl(c: char) -> Event {
    Event::Key(KeyEvent::new_with_kind(KeyCode::Char(c), KeyModifiers::CONTROL, KeyEventKind::Press))
}

pub fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    app.update(key(code), NOW)
}

pub fn type_text(app: &mut App, s: &str) {
    for c in s.chars() {
        app.update(key(KeyCode::Char(c)), NOW);
    }
}

/// The commands among effects, with their ids.
pub fn sent(fx: &[Effect]) -> Vec<(String, Command)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Send(ClientMsg::Command { id, command }) => Some((id.clone(), command.clone())),
            _ => None,
        })
        .collect()
}

/// Draw the app on a w×h test terminal.
pub fn render(app: &mut App, w: u16, h: u16) -> Buffer {
    render_at(app, w, h, NOW)
}

/// Draw at a given local time.
pub fn render_at(app: &mut App, w: u16, h: u16, now: u64) -> Buffer {
    app.update(Event::Resize(w, h), now);
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| table_client::ui::draw(f, app)).unwrap();
    t.backend().buffer().clone()
}

/// The screen as text lines; a wide character's second cell is skipped.
pub fn lines(b: &Buffer) -> Vec<String> {
    let w = b.area.width as usize;
    b.content
        .chunks(w)
        .map(|row| {
            let mut s = String::new();
            let mut skip = 0usize;
            for c in row {
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                s.push_str(c.symbol());
                skip = unicode_width::UnicodeWidthStr::width(c.symbol()).saturating_sub(1);
            }
            s
        })
        .collect()
}

pub fn screen(b: &Buffer) -> String {
    lines(b).join("\n")
}

/// Every line is exactly the terminal's width in columns (nothing pushed out).
pub fn assert_rows_fit(b: &Buffer) {
    for (i, l) in lines(b).iter().enumerate() {
        assert_eq!(unicode_width::UnicodeWidthStr::width(l.as_str()), b.area.width as usize, "row {i}: {l}");
    }
}

/// The symbol at column x (0-based) of row y.
pub fn at(b: &Buffer, x: u16, y: u16) -> String {
    b[(x, y)].symbol().to_string()
}

/// Column and row where `needle` first appears on screen.
pub fn find(b: &Buffer, needle: &str) -> Option<(u16, u16)> {
    for (y, l) in lines(b).iter().enumerate() {
        if let Some(i) = l.find(needle) {
            return Some((unicode_width::UnicodeWidthStr::width(&l[..i]) as u16, y as u16));
        }
    }
    None
}
