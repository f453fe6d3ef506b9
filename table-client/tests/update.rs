//! `App::update` without a screen: the speaking queue, the picks rules, the
//! note editor with Chinese typed and pasted, and the outbox — what is
//! saved, sent, re-sent, and when an entry may leave.

mod common;

use common::*;
use crossterm::event::KeyCode;
use std::time::Duration;
use table_client::app::{App, Effect, Event, Level, Modal, Screen};
use table_client::i18n::Lang;
use table_client::outbox::Entry;
use yuanzhuo_client::{LinkEvent, LinkStatus};
use yuanzhuo_protocol::*;

fn offline(app: &mut App) {
    app.update(
        Event::Link(LinkEvent::Status(LinkStatus::Offline { reason: "gone".into(), retry_in: Duration::from_secs(1) })),
        NOW,
    );
}

fn welcome(app: &mut App, role: Role) -> Vec<Effect> {
    app.update(Event::Link(LinkEvent::Status(LinkStatus::Online)), NOW);
    app.update(
        Event::Link(LinkEvent::Message(ServerMsg::Welcome {
            you: identity(role, Some(1), false),
            snapshot: Box::new(snapshot()),
        })),
        NOW,
    )
}

fn ack(app: &mut App, id: &str) -> Vec<Effect> {
    app.update(
        Event::Link(LinkEvent::Message(ServerMsg::Ack {
            id: id.into(),
            seq: 41,
            log_head: String::new(),
            log_tag: String::new(),
            result: AckResult::default(),
        })),
        NOW,
    )
}

fn error(app: &mut App, id: &str, code: ErrorCode, detail: Option<&str>) -> Vec<Effect> {
    app.update(
        Event::Link(LinkEvent::Message(ServerMsg::Error(ErrorMsg::new(
            Some(id.into()),
            code,
            detail.map(String::from),
        )))),
        NOW,
    )
}

fn last_text(app: &App) -> String {
    app.last_message().map(|m| m.text.clone()).unwrap_or_default()
}

#[test]
fn the_queue_keys_make_the_commands_the_hub_expects() {
    let mut app = welcomed(Role::Chair, Lang::Zh);
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('a'));
    assert!(matches!(app.modal, Some(Modal::Speaker(_))));
    type_text(&mut app, "5");
    press(&mut app, KeyCode::Tab);
    let fx = press(&mut app, KeyCode::Enter);
    assert_eq!(
        sent(&fx).into_iter().map(|(_, c)| c).collect::<Vec<_>>(),
        vec![Command::QueueSpeaker { table: 1, name: "5号".into(), turn: TurnKind::Against }]
    );
    assert!(app.modal.is_none());
    // The unsent one is in the queue already, marked as such.
    let rows = app.queue_rows();
    assert_eq!(rows.last().map(|r| (r.name.as_str(), r.entry)), Some(("5号", None)));
    // An empty name is not sent.
    press(&mut app, KeyCode::Char('a'));
    let fx = press(&mut app, KeyCode::Enter);
    assert!(sent(&fx).is_empty());
    assert!(last_text(&app).contains("座位号或姓名"));
    press(&mut app, KeyCode::Esc);

    let fx = press(&mut app, KeyCode::Char('n'));
    assert_eq!(sent(&fx)[0].1, Command::StartSpeaker { table: 1, entry: None });
    // Row 0 is 3号 (speaking), row 1 王阿姨 (entry 3): start that one.
    press(&mut app, KeyCode::Down);
    let fx = press(&mut app, KeyCode::Enter);
    assert_eq!(sent(&fx)[0].1, Command::StartSpeaker { table: 1, entry: Some(3) });
    let fx = press(&mut app, KeyCode::Char('s'));
    assert_eq!(sent(&fx)[0].1, Command::StopSpeaker { table: 1 });
    let fx = press(&mut app, KeyCode::Char('x'));
    assert_eq!(sent(&fx)[0].1, Command::RemoveSpeaker { table: 1, entry: 3 });
    // The chair's word to the organiser; the same key again takes it back.
    let fx = press(&mut app, KeyCode::Char('t'));
    assert_eq!(sent(&fx)[0].1, Command::SignalTable { table: 1, signal: Some(TableSignal::MoreTime) });
    let mut snap = app.snap.clone().unwrap();
    snap.tables[0].signal = Some(TableSignal::Ready);
    app.snap = Some(snap);
    let fx = press(&mut app, KeyCode::Char('r'));
    assert_eq!(sent(&fx)[0].1, Command::SignalTable { table: 1, signal: None });
    // Ids are unique per run: prefix plus counter.
    let ids: Vec<String> = app.outbox.entries().iter().map(|e| e.id.clone()).collect();
    assert_eq!(ids, ["tctest-1", "tctest-2", "tctest-3", "tctest-4", "tctest-5", "tctest-6", "tctest-7"]);
}

#[test]
fn picks_exactly_three_submit_then_lock_after_confirming() {
    let mut app = welcomed(Role::Chair, Lang::Zh);
    for id in ["P01", "P03"] {
        app.toggle_pick(id);
    }
    assert_eq!(app.chair.draft, ["P01", "P03"]);
    press(&mut app, KeyCode::Char('3'));
    let fx = press(&mut app, KeyCode::Enter);
    assert!(sent(&fx).is_empty(), "two of three is not submitted");
    assert!(last_text(&app).contains("已选 2/3"), "{}", last_text(&app));
    app.toggle_pick("P07");
    app.toggle_pick("P08");
    assert_eq!(app.chair.draft, ["P01", "P03", "P07"], "a fourth is refused");
    assert!(last_text(&app).contains("已选满 3 个"));
    // Unmark the selected one on the review page, mark another.
    let fx = press(&mut app, KeyCode::Char('x'));
    assert!(fx.is_empty());
    assert_eq!(app.chair.draft, ["P03", "P07"]);
    app.toggle_pick("P09");
    let fx = press(&mut app, KeyCode::Enter);
    let (id, cmd) = sent(&fx).remove(0);
    assert_eq!(cmd, Command::SetPicks { table: 1, proposals: vec!["P03".into(), "P07".into(), "P09".into()] });
    assert!(app.chair.dirty);
    ack(&mut app, &id);
    assert!(!app.chair.dirty);
    assert_eq!(last_text(&app), "推选已提交");
    // The hub's picks arrive in an update; the draft follows them.
    let mut tables = snapshot().tables;
    tables[0].picks = vec!["P03".into(), "P07".into(), "P09".into()];
    app.update(
        Event::Link(LinkEvent::Message(ServerMsg::Update(Box::new(Update {
            seq: 42,
            server_now_ms: NOW,
            tables: Some(tables.clone()),
            ..Default::default()
        })))),
        NOW,
    );
    // Lock asks first; "n" does nothing.
    let fx = press(&mut app, KeyCode::Char('L'));
    assert!(fx.is_empty());
    assert!(matches!(app.modal, Some(Modal::Confirm(_))));
    assert!(press(&mut app, KeyCode::Char('n')).is_empty());
    press(&mut app, KeyCode::Char('L'));
    let fx = press(&mut app, KeyCode::Char('y'));
    assert_eq!(sent(&fx).into_iter().map(|(_, c)| c).collect::<Vec<_>>(), vec![Command::LockPicks { table: 1 }]);
    // Once locked, marks are refused.
    tables[0].picks_locked = true;
    app.update(
        Event::Link(LinkEvent::Message(ServerMsg::Update(Box::new(Update {
            seq: 43,
            server_now_ms: NOW,
            tables: Some(tables),
            ..Default::default()
        })))),
        NOW,
    );
    app.toggle_pick("P01");
    assert_eq!(app.chair.draft, ["P03", "P07", "P09"]);
    assert!(last_text(&app).contains("已锁定"));
}

#[test]
fn locking_a_changed_draft_submits_it_first_in_order() {
    let mut app = welcomed(Role::Chair, Lang::Zh);
    for id in ["P02", "P04", "P06"] {
        app.toggle_pick(id);
    }
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Char('L'));
    let fx = press(&mut app, KeyCode::Char('y'));
    let cmds: Vec<Command> = sent(&fx).into_iter().map(|(_, c)| c).collect();
    assert_eq!(
        cmds,
        vec![
            Command::SetPicks { table: 1, proposals: vec!["P02".into(), "P04".into(), "P06".into()] },
            Command::LockPicks { table: 1 }
        ]
    );
}

#[test]
fn the_note_editor_takes_chinese_typed_and_pasted() {
    let mut app = welcomed(Role::Recorder, Lang::Zh);
    // Topic P03 (general is first).
    for _ in 0..3 {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Char('a'));
    // An input method commits characters one by one…
    type_text(&mut app, "三楼住户说：");
    // …or a whole phrase as a paste.
    app.update(Event::Paste("晚上噪音\r\n影响休息".into()), NOW);
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "要求限时");
    press(&mut app, KeyCode::Backspace);
    type_text(&mut app, "开放");
    // No tag chosen yet: nothing is saved, and the chair is told why.
    assert!(sent(&app.update(ctrl('s'), NOW)).is_empty());
    assert!(last_text(&app).contains("选择标签"));
    assert!(matches!(app.modal, Some(Modal::Note(_))));
    press(&mut app, KeyCode::Tab); // none → support
    press(&mut app, KeyCode::Tab); // support → concern
    let fx = app.update(ctrl('s'), NOW);
    let fx_kinds: Vec<&Effect> = fx.iter().collect();
    assert!(matches!(fx_kinds[0], Effect::SaveOutbox), "saved before sent: {fx:?}");
    let (_, cmd) = sent(&fx).remove(0);
    assert_eq!(
        cmd,
        Command::AddNote {
            table: 1,
            proposal: Some("P03".into()),
            tag: NoteTag::Concern,
            text: "三楼住户说：晚上噪音\n影响休息\n要求限开放".into()
        }
    );
    assert!(app.modal.is_none());

    // Edit the hub's note #1 on P03, then withdraw it (after confirming).
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Char('e'));
    let Some(Modal::Note(f)) = &app.modal else { panic!("no editor") };
    assert_eq!(f.editor.text(), "晚上噪音会影响三楼住户");
    press(&mut app, KeyCode::End);
    type_text(&mut app, "和老人");
    let fx = app.update(ctrl('s'), NOW);
    assert_eq!(
        sent(&fx)[0].1,
        Command::EditNote { note: 1, tag: NoteTag::Concern, text: "晚上噪音会影响三楼住户和老人".into() }
    );
    press(&mut app, KeyCode::Char('w'));
    let fx = press(&mut app, KeyCode::Char('y'));
    assert_eq!(sent(&fx)[0].1, Command::WithdrawNote { note: 1 });
    // The unsent new note cannot be edited yet (it has no number).
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char('e'));
    assert!(app.modal.is_none());
    assert!(last_text(&app).contains("还在发送中"));
}

#[test]
fn escape_from_a_written_note_asks_before_throwing_it_away() {
    let mut app = welcomed(Role::Recorder, Lang::Zh);
    press(&mut app, KeyCode::Char('a'));
    type_text(&mut app, "重要的话");
    press(&mut app, KeyCode::Esc);
    assert!(matches!(&app.modal, Some(Modal::Note(f)) if f.discard));
    press(&mut app, KeyCode::Char('n'));
    assert!(matches!(&app.modal, Some(Modal::Note(f)) if !f.discard && f.editor.text() == "重要的话"));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('y'));
    assert!(app.modal.is_none());
    // An empty note closes at once.
    press(&mut app, KeyCode::Char('a'));
    press(&mut app, KeyCode::Esc);
    assert!(app.modal.is_none());
}

#[test]
fn the_outbox_keeps_entries_until_answered_and_resends_them_on_welcome() {
    let mut app = welcomed(Role::Recorder, Lang::Zh);
    offline(&mut app);
    press(&mut app, KeyCode::Char('a'));
    type_text(&mut app, "第一条");
    press(&mut app, KeyCode::F(2));
    let fx = app.update(ctrl('s'), NOW);
    assert_eq!(fx, vec![Effect::SaveOutbox], "offline: saved, not sent");
    press(&mut app, KeyCode::Char('a'));
    type_text(&mut app, "第二条");
    press(&mut app, KeyCode::F(2));
    app.update(ctrl('s'), NOW);
    assert_eq!(app.outbox.len(), 2);

    // Back online: both go, in order, with their ids.
    let fx = welcome(&mut app, Role::Recorder);
    let out = sent(&fx);
    assert_eq!(out.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(), ["tctest-1", "tctest-2"]);
    // The first is acknowledged; the connection drops before the second is.
    let fx = ack(&mut app, "tctest-1");
    assert_eq!(fx, vec![Effect::SaveOutbox]);
    assert_eq!(app.outbox.len(), 1);
    offline(&mut app);
    let fx = welcome(&mut app, Role::Recorder);
    assert_eq!(sent(&fx).iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(), ["tctest-2"], "the same id again");
    // "Try again" answers keep it.
    for code in [ErrorCode::StorageFailed, ErrorCode::RateLimited, ErrorCode::ShuttingDown] {
        error(&mut app, "tctest-2", code, None);
        assert_eq!(app.outbox.len(), 1, "{code:?}");
    }
    // It goes again after a short wait.
    let later = NOW + table_client::outbox::RETRY_AFTER_MS;
    let fx = app.update(Event::Tick, later);
    assert_eq!(sent(&fx).len(), 1);
    // A definitive refusal removes it, keeps its words, and says so plainly.
    let fx = error(&mut app, "tctest-2", ErrorCode::WrongPhase, Some("voting"));
    assert!(app.outbox.is_empty());
    assert!(fx.contains(&Effect::SaveOutbox));
    assert!(fx.iter().any(
        |e| matches!(e, Effect::Journal(entry, err) if entry.id == "tctest-2" && err.code == ErrorCode::WrongPhase)
    ));
    let m = app.last_message().unwrap();
    assert_eq!(m.level, Level::Error);
    assert!(m.text.contains("当前阶段不允许此操作（voting）"), "{}", m.text);
    assert_eq!(m.detail.as_deref(), Some("第二条"));
}

#[test]
fn english_errors_read_in_english() {
    let mut app = welcomed(Role::Chair, Lang::En);
    for id in ["P01", "P02", "P03"] {
        app.toggle_pick(id);
    }
    press(&mut app, KeyCode::Char('3'));
    let fx = press(&mut app, KeyCode::Enter);
    let (id, _) = sent(&fx).remove(0);
    error(&mut app, &id, ErrorCode::PicksWrongCount, Some("3/4"));
    assert!(last_text(&app).contains("Wrong number of picks (3/4)"), "{}", last_text(&app));
    assert!(app.chair.dirty, "the draft stays for another try");
}

#[test]
fn entries_from_the_last_run_go_out_first_on_welcome() {
    let (mut app, _) = App::new(config(Lang::Zh), Some("ws://127.0.0.1:1/ws".into()), Some("TOKEN".into()), NOW);
    let old = Entry {
        id: "tcold-7".into(),
        command: Command::AddNote { table: 1, proposal: None, tag: NoteTag::Support, text: "上次的".into() },
        made_at_ms: NOW - 1000,
        sent_at_ms: None,
        not_before_ms: 0,
    };
    app.update(Event::Opened(Ok(vec![old])), NOW);
    assert_eq!(app.outbox.len(), 1);
    assert!(last_text(&app).contains("1 条上次未发送"));
    let fx = welcome(&mut app, Role::Recorder);
    assert_eq!(sent(&fx)[0].0, "tcold-7");
}

#[test]
fn quitting_with_unsent_entries_asks_first() {
    let mut app = welcomed(Role::Chair, Lang::Zh);
    assert_eq!(press(&mut app, KeyCode::Char('q')), vec![Effect::Quit], "nothing unsent: quits");
    let mut app = welcomed(Role::Chair, Lang::Zh);
    offline(&mut app);
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('n'));
    assert!(press(&mut app, KeyCode::Char('q')).is_empty());
    assert!(matches!(app.modal, Some(Modal::Confirm(_))));
    assert!(press(&mut app, KeyCode::Esc).is_empty());
    assert!(!app.quit);
    app.update(ctrl('c'), NOW);
    assert_eq!(press(&mut app, KeyCode::Char('y')), vec![Effect::Quit]);
    assert!(app.quit);
}

#[test]
fn countdowns_follow_the_hub_clock_not_ours() {
    // This computer's clock is an hour fast; the hub's timer still reads right.
    let mut app = welcomed(Role::Chair, Lang::Zh);
    let skew = 3_600_000;
    app.update(
        Event::Link(LinkEvent::Message(ServerMsg::Update(Box::new(Update {
            seq: 41,
            server_now_ms: NOW,
            ..Default::default()
        })))),
        NOW + skew,
    );
    app.update(Event::Tick, NOW + skew + 5_000);
    assert_eq!(app.now(), NOW + 5_000);
    let b = render_at(&mut app, 80, 24, NOW + skew + 5_000);
    assert!(lines(&b)[0].contains("讨论 31:20"), "{}", lines(&b)[0]);
}

#[test]
fn a_join_link_pasted_at_the_prompt_connects() {
    let (mut app, fx) = App::new(config(Lang::Zh), None, None, NOW);
    assert!(fx.is_empty());
    app.update(Event::Paste("http://192.168.1.20:8470/j/K7M2Q9XP2HDRABCD".into()), NOW);
    let fx = press(&mut app, KeyCode::Enter);
    assert_eq!(fx, vec![Effect::Connect { url: "ws://192.168.1.20:8470/ws".into(), token: "K7M2Q9XP2HDRABCD".into() }]);
    // The hub refuses the token: back to the prompt with the reason, the token kept to fix a typo.
    app.update(
        Event::Link(LinkEvent::Status(LinkStatus::Refused(ErrorMsg::new(None, ErrorCode::UnknownToken, None)))),
        NOW,
    );
    let b = render(&mut app, 80, 24);
    let s = screen(&b);
    assert!(s.contains("令牌无效，请核对卡片上的代码"), "{s}");
    assert!(s.contains("K7M2Q9XP2HDRABCD"), "{s}");
}

#[test]
fn a_second_window_with_the_same_token_is_turned_away() {
    let (mut app, _) = App::new(config(Lang::Zh), Some("ws://127.0.0.1:1/ws".into()), Some("TOKEN".into()), NOW);
    let fx = app.update(Event::Opened(Err(table_client::app::OpenError::Busy)), NOW);
    assert_eq!(fx, vec![Effect::Disconnect]);
    assert!(screen(&render(&mut app, 80, 24)).contains("另一个窗口"));
}

#[test]
fn a_confirmed_exclusion_of_the_tables_pick_is_announced_to_the_table() {
    // Table 3 picked P21, P24, P27 (the fixture); its recorder hears of P24's exclusion.
    for role in [Role::Chair, Role::Recorder, Role::Adviser] {
        let mut app = welcomed_as(identity(role, Some(3), false), Lang::Zh);
        let before = app.log.len();
        let exclude = |proposal: &str, rule| Update {
            seq: 50,
            log_head: "h50".into(),
            server_now_ms: NOW,
            exclusions: Some(vec![Exclusion {
                proposal: proposal.into(),
                rule,
                reason: "经现场勘查".into(),
                at_ms: NOW,
            }]),
            ..Default::default()
        };
        app.update(Event::Link(LinkEvent::Message(ServerMsg::Update(Box::new(exclude("P24", 6))))), NOW);
        assert_eq!(app.log.len(), before + 1, "{role:?}");
        let m = app.last_message().unwrap();
        assert_eq!(m.level, Level::Warn);
        assert_eq!(m.text, "本桌推选的 P24 已确认排除：第6条 技术上不可行：它不能再被选中，也不会获得资助");
        assert_eq!(m.detail.as_deref(), Some("经现场勘查"));
        // The same list again (another update) is not news.
        let mut again = exclude("P24", 6);
        again.seq = 51;
        app.update(Event::Link(LinkEvent::Message(ServerMsg::Update(Box::new(again)))), NOW);
        assert_eq!(app.log.len(), before + 1);
    }
    // Another table's proposal is not announced here.
    let mut app = welcomed(Role::Chair, Lang::Zh);
    let before = app.log.len();
    let u = Update {
        seq: 50,
        log_head: "h50".into(),
        server_now_ms: NOW,
        exclusions: Some(vec![Exclusion { proposal: "P24".into(), rule: 6, reason: String::new(), at_ms: NOW }]),
        ..Default::default()
    };
    app.update(Event::Link(LinkEvent::Message(ServerMsg::Update(Box::new(u)))), NOW);
    assert_eq!(app.log.len(), before);
}

#[test]
fn saving_a_recommendation_to_exclude_says_the_organiser_decides() {
    let mut app = welcomed(Role::Adviser, Lang::Zh);
    press(&mut app, KeyCode::Enter);
    // Feasibility: the third choice; the rule: 6.
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char('6'));
    let fx = app.update(ctrl('s'), NOW);
    let id = sent(&fx)
        .into_iter()
        .find_map(|(id, c)| matches!(c, Command::Annotate { exclusion_rule: Some(6), .. }).then_some(id))
        .expect("the annotation is sent");
    ack(&mut app, &id);
    assert_eq!(last_text(&app), "技术意见已保存 P01：顾问建议排除（第6条：技术上不可行），由组织者决定");
}

/// A card that is not for this program says which page it belongs to.
#[test]
fn a_card_of_another_role_names_its_own_page() {
    for (role, lang, page) in [
        (Role::Scrutineer, Lang::Zh, "http://10.0.0.5:8470/scrutineer 监督点票"),
        (Role::Counter, Lang::En, "Open http://10.0.0.5:8470/count in a browser"),
        (Role::Registrar, Lang::En, "That is a registrar's token. Open http://10.0.0.5:8470/door"),
        (Role::Registrar, Lang::Zh, "登记员的令牌。请在浏览器打开 http://10.0.0.5:8470/door"),
    ] {
        let (mut app, _) = App::new(config(lang), Some("ws://10.0.0.5:8470/ws".into()), Some("TOKEN".into()), NOW);
        let fx = welcome(&mut app, role);
        assert!(fx.iter().any(|e| matches!(e, Effect::Disconnect)), "{role:?}");
        let Screen::Prompt(form) = &app.screen else { panic!("{role:?}: back to the prompt") };
        let said = form.error.clone().unwrap_or_default();
        assert!(said.contains(page), "{role:?}: {said}");
    }
}
