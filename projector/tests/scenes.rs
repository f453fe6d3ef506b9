//! The view model, scene by scene, without any terminal: what the room is
//! shown for a given snapshot and moment.

mod common;

use common::*;
use projector::app::App;
use projector::model::*;
use projector::Lang;
use yuanzhuo_protocol::*;

fn body(s: &Snapshot, now: u64, lang: Lang) -> Body {
    scene(s, now, lang).body
}

#[test]
fn setup_says_the_meeting_has_not_opened() {
    let s = demo(Phase::Setup);
    let sc = scene(&s, T0, Lang::Zh);
    assert_eq!(sc.meeting, "幸福里社区“幸福微实事”项目筛选大会");
    assert_eq!(sc.phase_label, "准备");
    let Body::NotOpen(n) = sc.body else { panic!("{:?}", sc.body) };
    assert_eq!(n.message, "会议尚未开始");
    assert!(n.detail.contains("60 个提案") && n.detail.contains("6 桌"), "{}", n.detail);
    assert!(!sc.footer.text.contains("规则指纹"), "no fingerprint before opening: {}", sc.footer.text);
    let Body::NotOpen(n) = body(&s, T0, Lang::En) else { panic!() };
    assert_eq!(n.message, "The meeting has not opened yet");
}

#[test]
fn welcome_shows_the_rules_card_and_fingerprint() {
    let s = demo(Phase::CheckIn);
    let sc = scene(&s, T0, Lang::Zh);
    assert!(
        sc.footer.text.contains("3F2A-91C0") && sc.footer.text.contains("9c1e 4f2a 7b3d 5e6f"),
        "{}",
        sc.footer.text
    );
    assert!(sc.footer.text.contains("42"));
    let Body::Welcome(w) = sc.body else { panic!() };
    assert_eq!(w.fingerprint, FINGERPRINT);
    assert_eq!(w.date, "2026-11-28");
    let rule =
        |label: &str| w.rules.iter().find(|r| r.label == label).unwrap_or_else(|| panic!("{label}")).value.clone();
    assert_eq!(rule("桌数"), "6 桌，每桌讨论 10 个提案");
    assert_eq!(rule("每桌推选"), "3 项");
    assert_eq!(rule("每张选票"), "最多选 10 项（共 60 个提案）");
    assert_eq!(rule("预算"), "300,000 元");
    assert!(rule("资助规则").contains("跳过"));
    assert!(rule("同票规则").contains("造价低者优先"));
    assert!(rule("计票").contains("实时"));
    assert!(w.timer.is_none());

    let mut hidden = demo(Phase::CheckIn);
    hidden.rules.tally = TallyVisibility::HiddenUntilClose;
    hidden.rules.tie_break = TieBreak::Lot;
    hidden.rules.allocation = Allocation::GreedyStop;
    let Body::Welcome(w) = body(&hidden, T0, Lang::En) else { panic!() };
    let rule = |label: &str| w.rules.iter().find(|r| r.label == label).unwrap().value.clone();
    assert_eq!(rule("Budget"), "¥300,000");
    assert_eq!(rule("Each ballot"), "at most 10 of the 60 proposals");
    assert_eq!(rule("Tally"), yuanzhuo_protocol::words::tally(TallyVisibility::HiddenUntilClose).en);
    assert!(rule("Ties").contains("lot"));
    assert!(rule("Funding").contains("stop"));
    assert_eq!(w.fingerprint_label, "Rules fingerprint");

    // Every allocation rule in the vocabulary's words, as the landing page and the notice say it.
    for a in [Allocation::GreedySkip, Allocation::GreedyStop, Allocation::EqualShares] {
        let mut s = demo(Phase::CheckIn);
        s.rules.allocation = a;
        for (lang, label, said) in [
            (Lang::Zh, "资助规则", yuanzhuo_protocol::words::allocation(a).zh),
            (Lang::En, "Funding", yuanzhuo_protocol::words::allocation(a).en),
        ] {
            let Body::Welcome(w) = body(&s, T0, lang) else { panic!() };
            let value = w.rules.iter().find(|r| r.label == label).map(|r| r.value.clone());
            assert_eq!(value.as_deref(), Some(said), "{a:?} {lang:?}");
        }
    }
}

#[test]
fn the_countdown_follows_the_hub_clock_and_goes_negative() {
    let mut s = demo(Phase::Discussion);
    s.timer = Some(timer("分桌讨论", 40, T0));
    fn at_of(s: &Snapshot, now: u64) -> TimerView {
        let Body::Discussion(d) = body(s, now, Lang::Zh) else { panic!() };
        d.timer.expect("a timer")
    }
    let at = |now: u64| at_of(&s, now);
    let t = at(T0);
    assert_eq!((t.text.as_str(), t.state), ("40:00", TimerState::Running));
    assert_eq!(t.caption, "分桌讨论");
    assert_eq!(at(T0 + 10 * 60_000 + 500).text, "30:00");
    assert_eq!(at(T0 + 40 * 60_000).text, "0:00");
    let over = at(T0 + 40 * 60_000 + 5_000);
    assert_eq!((over.text.as_str(), over.state), ("0:05", TimerState::Overtime));
    assert!(over.caption.contains("超时"));
    assert_eq!(at(T0 + 42 * 60_000 + 30_000).text, "2:30");
    assert!(at(T0 + 41 * 60_000).remaining_ms < 0);

    // Paused after 5 minutes: frozen at 35:00 whatever the clock says.
    s.timer = Some(Timer { paused: true, used_before_ms: 5 * 60_000, ..timer("分桌讨论", 40, T0) });
    for now in [T0, T0 + 3_600_000] {
        let t = at_of(&s, now);
        assert_eq!((t.text.as_str(), t.state), ("35:00", TimerState::Paused));
        assert!(t.caption.contains("已暂停"));
    }
    // The clocks the hub starts by itself are named in the room's words.
    s.timer = Some(timer("discussion", 40, T0));
    assert_eq!(at_of(&s, T0).caption, "分桌讨论");
    s.timer = Some(timer("pitch", 3, T0));
    let Body::Discussion(d) = body(&s, T0, Lang::En) else { panic!() };
    assert_eq!(d.timer.unwrap().caption, "Pitch time");
    // No timer: the phase name stands in for the clock.
    s.timer = None;
    let Body::Discussion(d) = body(&s, T0, Lang::Zh) else { panic!() };
    assert!(d.timer.is_none());
    assert_eq!(d.no_timer, "分桌讨论");
}

#[test]
fn the_projector_counts_down_on_the_hub_clock_not_its_own() {
    // The projector's clock runs 7 s behind the hub's.
    let mut s = demo(Phase::Discussion);
    s.timer = Some(timer("分桌讨论", 40, T0));
    s.server_now_ms = T0 + 60_000;
    let local = T0 + 60_000 - 7_000;
    let mut app = App::new("ws://127.0.0.1:1/ws".into(), "http://127.0.0.1:1".into(), Some(Lang::Zh), false);
    app.on_link(
        yuanzhuo_client::LinkEvent::Message(ServerMsg::Welcome {
            you: Identity { role: Role::Projector, table: None, all_tables: false, label: "投影".into(), desk: None },
            snapshot: Box::new(s),
        }),
        local,
    );
    assert_eq!(app.hub_now(local), T0 + 60_000);
    let screen = app.screen(local + 1_000);
    let Body::Discussion(d) = screen.scene.unwrap().body else { panic!() };
    assert_eq!(d.timer.unwrap().text, "38:59");
}

#[test]
fn discussion_shows_each_tables_status_and_speaker() {
    let mut s = demo(Phase::Picks);
    s.tables[0].speaking = Some("5号".into());
    s.tables[1].picks = vec!["P11".into(), "P14".into(), "P19".into()];
    s.tables[2].picks = vec!["P21".into(), "P22".into(), "P23".into()];
    s.tables[2].picks_locked = true;
    let Body::Discussion(d) = body(&s, T0, Lang::Zh) else { panic!() };
    assert_eq!(d.tables.len(), 6);
    assert_eq!(d.tables[0].status, TableStatus::Discussing);
    assert_eq!(d.tables[0].status_text, "讨论中");
    assert_eq!(d.tables[0].speaking.as_deref(), Some("发言：5号"));
    assert_eq!(d.tables[1].status, TableStatus::Picked);
    assert_eq!(d.tables[1].status_text, "已选 3/3 项");
    assert_eq!(d.tables[1].picks[0], format!("P11 {}", s.proposal("P11").unwrap().title));
    assert_eq!(d.tables[2].status, TableStatus::Locked);
    assert_eq!(d.summary, "已推选 2/6 桌 · 已锁定 1/6 桌");
    assert_eq!(d.tables[0].balance, None, "no balance before anyone queued");
    let Body::Discussion(d) = body(&s, T0, Lang::En) else { panic!() };
    assert_eq!(d.tables[2].status_text, "locked");
    assert_eq!(d.tables[0].speaking.as_deref(), Some("speaking: 5号"));
}

#[test]
fn discussion_shows_each_tables_speaking_balance_from_a_delta() {
    let mut s = demo(Phase::Discussion);
    // One speaker change: who speaks and the balance, for table 2 only.
    s.apply(&Update {
        seq: s.seq + 1,
        speaking: Some(TableSpeaking { table: 2, speaking: Some("4号".into()), spoken: 2, seats: 5 }),
        ..Default::default()
    });
    let Body::Discussion(d) = body(&s, T0, Lang::Zh) else { panic!() };
    assert_eq!(d.tables[1].speaking.as_deref(), Some("发言：4号"));
    assert_eq!(d.tables[1].balance.as_deref(), Some("已发言 2/5 位"));
    assert_eq!(d.tables[0].balance, None);
    let Body::Discussion(d) = body(&s, T0, Lang::En) else { panic!() };
    assert_eq!(d.tables[1].balance.as_deref(), Some("spoke 2/5"));
}

fn pitching() -> Snapshot {
    let mut s = demo(Phase::Pitches);
    for (i, t) in s.tables.iter_mut().enumerate() {
        t.picks = t.share.iter().take(3).cloned().collect();
        t.picks_locked = i < 5;
    }
    s.tables[5].picks.clear();
    s.pitch = Some(Pitch { table: 2, next: Some(3), done: vec![1] });
    s.timer = Some(timer("第2桌推介", 3, T0));
    s.annotations = vec![
        annotation("P11", Feasibility::Feasible, None, Some(15_000), "建议同步更换楼道开关"),
        annotation("P12", Feasibility::Excluded, Some(2), None, "请向物业公司反映"),
    ];
    s
}

#[test]
fn pitches_show_the_table_on_stage_with_advisers_remarks() {
    let s = pitching();
    let Body::Pitches(p) = body(&s, T0 + 60_000, Lang::Zh) else { panic!() };
    assert_eq!(p.on_stage.as_deref(), Some("第2桌 上台推介"));
    assert_eq!(p.progress, "第 2 / 5 桌");
    assert_eq!(p.next, "下一桌：第3桌");
    assert_eq!(p.done, "已推介：第1桌");
    assert_eq!(p.timer.as_ref().unwrap().text, "2:00");
    assert_eq!(p.cards.len(), 3);
    let p11 = s.proposal("P11").unwrap();
    let c = &p.cards[0];
    assert_eq!((c.id.as_str(), c.title.as_str()), ("P11", p11.title.as_str()));
    assert_eq!(c.location, format!("地点：{}", p11.location));
    // The one cost (the list's, until the organiser adopts the estimate); the estimate beside it, labelled.
    assert_eq!(c.cost, format!("造价：{} 元", projector::text::thousands(p11.cost)));
    assert_eq!(c.cost_note.as_deref(), Some("顾问估算 15,000 元（仅供参考，计票用上面的造价）"));
    assert_eq!(c.adviser.as_deref(), Some("顾问：可行"));
    assert_eq!(c.remark.as_deref(), Some("建议同步更换楼道开关"));
    // An adviser's exclusion is a recommendation, and says who decides.
    let c = &p.cards[1];
    assert_eq!(c.feasibility, Some(Feasibility::Excluded));
    assert_eq!(c.excluded, None);
    let adviser = c.adviser.as_deref().unwrap();
    assert!(adviser.starts_with("顾问建议排除（第2条：应由其他主体负责（如物业））"), "{adviser}");
    assert!(adviser.contains("由组织者决定") && adviser.contains("属物业维修范围"), "{adviser}");
    assert_eq!(c.remark.as_deref(), Some("请向物业公司反映"));
    assert_eq!(
        (p.cards[2].adviser.as_ref(), p.cards[2].remark.as_ref(), p.cards[2].cost_note.as_ref()),
        (None, None, None)
    );

    let Body::Pitches(p) = body(&s, T0 + 4 * 60_000, Lang::En) else { panic!() };
    assert_eq!(p.timer.unwrap().state, TimerState::Overtime);
    assert_eq!(p.next, "Next: 第3桌");
    assert!(p.cards[1].adviser.as_deref().unwrap().contains("recommends excluding it (rule 2"));

    let mut last = pitching();
    last.pitch = Some(Pitch { table: 5, next: None, done: vec![1, 2, 3, 4] });
    let Body::Pitches(p) = body(&last, T0, Lang::Zh) else { panic!() };
    assert_eq!((p.next.as_str(), p.progress.as_str()), ("这是最后一桌", "第 5 / 5 桌"));

    let mut nobody = demo(Phase::Pitches);
    nobody.pitch = None;
    let Body::Pitches(p) = body(&nobody, T0, Lang::Zh) else { panic!() };
    assert!(p.empty.is_some() && p.cards.is_empty());
}

#[test]
fn a_confirmed_exclusion_and_an_adopted_cost_are_announced_and_shown_on_the_card() {
    let mut s = pitching();
    s.exclusions = vec![Exclusion { proposal: "P12".into(), rule: 2, reason: String::new(), at_ms: T0 }];
    // The organiser adopted the adviser's 15,000 for P11: the proposal carries it as its cost.
    let list_cost = s.proposal("P11").unwrap().cost;
    s.proposals.iter_mut().find(|p| p.id == "P11").unwrap().cost = 15_000;
    s.adopted_costs = vec![AdoptedCost { proposal: "P11".into(), cost: 15_000, list_cost }];
    let sc = scene(&s, T0, Lang::Zh);
    let Body::Pitches(p) = &sc.body else { panic!() };
    assert_eq!(p.cards[0].cost, "造价：15,000 元");
    let list = projector::text::money(list_cost, "CNY", projector::text::Lang::Zh);
    assert_eq!(p.cards[0].cost_note.as_deref(), Some(format!("采用顾问估算；清单造价 {list}").as_str()));
    assert_eq!(p.cards[1].excluded.as_deref(), Some("P12 已确认排除：第2条 应由其他主体负责（如物业）"));
    assert_eq!(p.cards[1].adviser, None, "the recommendation is decided: only the exclusion is shown");
    let said: Vec<(AnnouncementKind, &str)> = sc.announcements.iter().map(|a| (a.kind, a.text.as_str())).collect();
    assert!(
        said.contains(&(AnnouncementKind::Exclusion, "P12 已确认排除：第2条 应由其他主体负责（如物业）")),
        "{said:?}"
    );
    let cost = format!("P11 造价采用顾问估算 15,000 元（清单造价 {list}）");
    assert!(said.contains(&(AnnouncementKind::Cost, cost.as_str())), "{said:?}");

    // Marked on the list during the vote.
    let mut v = with_votes(s.clone(), spread, 40);
    v.phase = Phase::Voting;
    let Body::Voting(vo) = body(&v, T0, Lang::Zh) else { panic!() };
    let bars = vo.bars.unwrap();
    assert!(bars.iter().find(|b| b.id == "P12").unwrap().excluded);
    assert_eq!(bars.iter().filter(|b| b.excluded).count(), 1);
    assert_eq!(vo.excluded_label, "已确认排除");
}

#[test]
fn before_the_vote_the_room_sees_the_electorate_beside_the_rules() {
    let mut s = demo(Phase::CheckIn);
    s.electorate = electorate(120, 0, 0);
    let sc = scene(&s, T0, Lang::Zh);
    assert!(sc.footer.text.contains("规则指纹 3F2A-91C0 · 选民指纹 7D41-0C9E（投票卡 120 张）"), "{}", sc.footer.text);
    let Body::Welcome(w) = sc.body else { panic!() };
    assert_eq!(w.electorate.text, "已发投票卡 120 张");
    assert_eq!((w.electorate.fingerprint_label.as_str(), w.electorate.fingerprint.as_str()), ("选民指纹", "7D41-0C9E"));
    // Cancelled cards and the door register are part of it.
    s.electorate.cards_cancelled = 2;
    s.turnout.register = Some(RegisterCounts { registered: 90, cards: 80, paper: 8, sticker_sheets: 2, stickers: 20 });
    let Body::Welcome(w) = body(&s, T0, Lang::En) else { panic!() };
    assert_eq!(w.electorate.text, "Voter cards issued: 120, cancelled 2; registered at the door 90");
    // Before opening too.
    let mut s = demo(Phase::Setup);
    s.electorate = electorate(120, 0, 0);
    let Body::NotOpen(n) = body(&s, T0, Lang::Zh) else { panic!() };
    assert_eq!((n.electorate.text.as_str(), n.electorate.fingerprint.as_str()), ("已发投票卡 120 张", "7D41-0C9E"));
}

#[test]
fn during_the_vote_card_issues_claims_and_cancellations_are_announced() {
    let mut s = with_votes(demo(Phase::Voting), spread, 40);
    // 19:08 in UTC+8.
    let late = T0 + 120_000;
    s.electorate = electorate(120, 5, late);
    claim(&mut s.electorate, "counter-1", "192.168.1.23", late + 60_000, &[]);
    claim(&mut s.electorate, "counter-2", "192.168.1.20", late + 120_000, &["organiser"]);
    s.electorate.cancellations =
        vec![CardCancellation { seq: 70, at_ms: late, serial: "V0042".into(), reason: "改用纸质选票".into() }];
    s.electorate.cards_cancelled = 1;
    let sc = scene_at(&s, T0, Lang::Zh, 8 * 3600);
    let said: Vec<(AnnouncementKind, String, bool)> =
        sc.announcements.iter().map(|a| (a.kind, a.text.clone(), a.flagged)).collect();
    assert_eq!(said[0], (AnnouncementKind::CardsIssued, "19:08 追加发卡 5 张（V0121–V0125）：迟到居民".into(), false));
    assert_eq!(
        said[1],
        (AnnouncementKind::Claim, "点票员 2 已认领 · 19:10 · 192.168.1.20 · 同一地址：组织者控制台".into(), true)
    );
    assert_eq!(said[2], (AnnouncementKind::Claim, "点票员 1 已认领 · 19:09 · 192.168.1.23".into(), false));
    assert_eq!(
        said[3],
        (AnnouncementKind::Cancelled, "已作废投票卡 1 张（最近：19:08 V0042 已作废：改用纸质选票）".into(), false)
    );
    assert_eq!(said.len(), 4, "the issue before the meeting is not news: {said:?}");
    // Not over the results.
    let done = counted(s, Phase::Counted);
    assert!(scene(&done, T0, Lang::Zh).announcements.is_empty());
}

#[test]
fn voting_sorts_the_live_tally_and_shares_ranks_on_ties() {
    let mut s = with_votes(demo(Phase::Voting), |i| [5, 9, 5, 0, 9][i % 5] + u64::from(i == 7), 23);
    s.timer = Some(timer("投票", 15, T0));
    let Body::Voting(v) = body(&s, T0, Lang::Zh) else { panic!() };
    assert_eq!(v.ballots, 23);
    assert_eq!(v.ballots_text, "已收到 23 张（有效 23，废票 0）");
    assert_eq!(v.instruction, "每人最多选 10 项（共 60 个提案）");
    assert_eq!(v.timer.unwrap().text, "15:00");
    let bars = v.bars.expect("a live tally");
    assert_eq!(bars.len(), 60);
    assert_eq!(v.max_votes, 9);
    // Most votes first; equal votes in list order, sharing the rank.
    assert_eq!(bars[0].id, "P02");
    assert_eq!((bars[0].rank, bars[1].rank), (1, 1));
    assert_eq!(bars[1].id, "P05");
    let votes: Vec<u64> = bars.iter().map(|b| b.votes).collect();
    assert!(votes.windows(2).all(|w| w[0] >= w[1]));
    let nines = bars.iter().filter(|b| b.votes == 9).count() as u32;
    let p08 = bars.iter().find(|b| b.id == "P08").unwrap();
    assert_eq!((p08.votes, p08.rank), (6, nines + 1), "P08 has 6, alone after the nines");
    let first_five = bars.iter().position(|b| b.votes == 5).unwrap();
    assert!(bars[first_five..].iter().take_while(|b| b.votes == 5).all(|b| b.rank == first_five as u32 + 1));
    assert_eq!(bars.last().unwrap().votes, 0);
    assert_eq!(bars[0].label, format!("P02 {}", s.proposal("P02").unwrap().title));
    assert!(v.hidden_note.is_none());
}

#[test]
fn a_hidden_tally_shows_only_the_turnout() {
    let mut s = demo(Phase::Voting);
    s.rules.tally = TallyVisibility::HiddenUntilClose;
    s.tally = None;
    s.turnout = Turnout { ballots: 31, phone: 31, valid: 31, ..Default::default() };
    let Body::Voting(v) = body(&s, T0, Lang::Zh) else { panic!() };
    assert!(v.bars.is_none());
    assert_eq!(v.ballots, 31);
    assert!(v.hidden_note.unwrap().contains("投票结束后公布"));
    // Even if a tally arrived, the rules say hide it until the close.
    let s = with_votes(s, spread, 31);
    let Body::Voting(v) = body(&s, T0, Lang::En) else { panic!() };
    assert!(v.bars.is_none());
    assert_eq!(v.ballots_text, "Ballots received: 31 (31 valid, 0 void)");
    // Live rules but no tally for this screen: turnout only, said plainly.
    let mut s = demo(Phase::Voting);
    s.tally = None;
    s.turnout = Turnout { ballots: 4, ..Default::default() };
    let Body::Voting(v) = body(&s, T0, Lang::Zh) else { panic!() };
    assert!(v.bars.is_none() && v.ballots == 4 && v.hidden_note.is_some());
}

#[test]
fn results_show_the_budget_line_ties_and_the_hash() {
    // P03 (86,000) and P04 (62,000) tie on 30 votes; the cheaper ranks first.
    let votes = |i: usize| match i {
        2 | 3 => 30,
        0 => 40,
        5 | 6 => 2,
        _ => 0,
    };
    let mut s = with_votes(demo(Phase::Voting), votes, 45);
    // P06 excluded by the organiser on the adviser's word; P07 only recommended for exclusion.
    s.annotations = vec![
        annotation("P06", Feasibility::Excluded, Some(2), None, "请向物业公司反映"),
        annotation("P07", Feasibility::Excluded, Some(6), None, ""),
    ];
    s.exclusions = vec![Exclusion { proposal: "P06".into(), rule: 2, reason: String::new(), at_ms: T0 }];
    let s = counted(s, Phase::Counted);
    let r = s.results.clone().unwrap();
    let sc = scene(&s, T0, Lang::Zh);
    assert_eq!(sc.phase_label, "计票完成");
    let Body::Results(v) = sc.body else { panic!() };
    assert!(!v.published);
    assert_eq!(v.status, "计票完成 · 待公示");
    assert_eq!(v.ballots_text, "已收到 45 张（有效 45，废票 0）");
    assert_eq!(v.void_text, None);
    assert_eq!(v.budget.funded, r.funded.len());
    assert_eq!(v.budget.total, r.total_cost);
    let total = projector::text::money(r.total_cost, "CNY", projector::text::Lang::Zh);
    assert_eq!(
        v.budget.text,
        format!(
            "获资助 {} 项 · 合计 {total} / 预算 300,000 元 · 结余 {}",
            r.funded.len(),
            projector::text::money(300_000 - r.total_cost, "CNY", projector::text::Lang::Zh)
        )
    );
    assert_eq!(v.rows.len(), 60);
    assert_eq!(v.rows[0].id, "P01");
    assert_eq!((v.rows[1].id.as_str(), v.rows[2].id.as_str()), ("P04", "P03"), "lower cost first on a tie");
    assert!(v.rows[1].tied && v.rows[2].tied && !v.rows[0].tied);
    assert_eq!((v.rows[1].rank, v.rows[2].rank), (2, 2));
    assert_eq!((v.rows[1].position, v.rows[2].position), (2, 3));
    for (row, rr) in v.rows.iter().zip(&r.ranking) {
        assert_eq!(row.funded, rr.funded);
        if row.funded {
            assert_eq!(
                row.outcome,
                format!("累计 {}", projector::text::money(rr.running_total, "CNY", projector::text::Lang::Zh))
            );
        }
    }
    let p06 = v.rows.iter().find(|x| x.id == "P06").unwrap();
    assert_eq!((p06.funded, p06.outcome.as_str()), (false, "投票前已确认排除"));
    let p07 = v.rows.iter().find(|x| x.id == "P07").unwrap();
    assert_ne!(p07.outcome, "投票前已确认排除", "a recommendation alone excludes nothing");
    assert_ne!(
        r.ranking.iter().find(|x| x.proposal == "P07").unwrap().unfunded_reason.map(|r| r.as_str()),
        Some("excluded")
    );
    let zero = v.rows.iter().find(|x| x.votes == 0).unwrap();
    assert_eq!(zero.outcome, "无人投票");
    assert_eq!(v.ties.len(), r.ties.len());
    let tie = v.ties.iter().find(|t| t.votes == 30).expect("the 30-vote tie");
    assert_eq!(tie.proposals, vec!["P04".to_string(), "P03".to_string()]);
    assert!(tie.text.starts_with("30 票并列：P04 "), "{}", tie.text);
    assert!(tie.text.contains(if tie.decisive { "影响资助结果" } else { "不影响资助结果" }));
    assert!(v.rules_text.contains("造价低者优先"));
    assert_eq!(v.closed_at_head, HEAD);
    assert_eq!(v.head_label, "计票时日志哈希");

    let published = counted(s.clone(), Phase::Published);
    let Body::Results(v) = body(&published, T0, Lang::En) else { panic!() };
    assert!(v.published);
    assert_eq!(v.status, "Results published");
    assert!(v.budget.text.starts_with(&format!("{} funded · total ", r.funded.len())));
}

#[test]
fn a_tie_across_the_budget_line_is_decisive() {
    // Budget 100,000: P01 (14,000) is funded; P03 (86,000) and P04 (62,000)
    // tie and only one more fits: the tie-break decides which.
    let mut s = with_votes(demo(Phase::Voting), |i| [9, 0, 5, 5][i.min(3)] * u64::from(i < 4), 12);
    s.rules.budget.amount = 100_000;
    let s = counted(s, Phase::Counted);
    let Body::Results(v) = body(&s, T0, Lang::Zh) else { panic!() };
    let tie = v.ties.iter().find(|t| t.votes == 5).unwrap();
    assert!(tie.decisive, "{tie:?}");
    assert!(tie.text.contains("此并列影响资助结果"), "{}", tie.text);
    let p04 = v.rows.iter().find(|x| x.id == "P04").unwrap();
    let p03 = v.rows.iter().find(|x| x.id == "P03").unwrap();
    assert!(p04.funded && !p03.funded);
    assert_eq!(p03.outcome, "超出剩余预算");
    assert_eq!(v.budget.text, "获资助 2 项 · 合计 76,000 元 / 预算 100,000 元 · 结余 24,000 元");
}

#[test]
fn updates_apply_in_order_and_stale_ones_are_ignored() {
    let mut app = App::new("ws://h/ws".into(), "http://h".into(), None, true);
    let s = demo(Phase::Voting);
    let base = s.seq;
    app.on_link(yuanzhuo_client::LinkEvent::Message(ServerMsg::Snapshot { snapshot: Box::new(s) }), T0);
    let up = |seq: u64, ballots: u64| {
        yuanzhuo_client::LinkEvent::Message(ServerMsg::Update(Box::new(Update {
            seq,
            log_head: format!("h{seq}"),
            server_now_ms: T0,
            turnout: Some(Turnout { ballots, ..Default::default() }),
            ..Default::default()
        })))
    };
    app.on_link(up(base + 3, 1), T0);
    // Several updates for one batch of entries share its position: all apply.
    let phase = Update {
        seq: base + 3,
        log_head: format!("h{}", base + 3),
        server_now_ms: T0,
        phase: Some(Phase::Counted),
        ..Default::default()
    };
    app.on_link(yuanzhuo_client::LinkEvent::Message(ServerMsg::Update(Box::new(phase))), T0);
    // One at or below the snapshot is in it already.
    app.on_link(up(base, 99), T0);
    let snap = app.snapshot.as_ref().unwrap();
    assert_eq!((snap.seq, snap.turnout.ballots, snap.phase), (base + 3, 1, Phase::Counted));
    // The meeting's language decides until someone presses L.
    assert_eq!(app.lang, Lang::Zh);
    app.on_key(projector::app::Key::Char('l'));
    assert_eq!(app.lang, Lang::En);
    app.on_key(projector::app::Key::Char('q'));
    assert!(app.quit);
}

#[test]
fn results_name_paper_void_stickers_and_explain_equal_shares() {
    let s = with_votes(demo(Phase::Voting), |i| if i < 4 { 10 - i as u64 } else { 0 }, 20);
    let mut s = counted(s, Phase::Counted);
    s.turnout = Turnout { ballots: 22, phone: 12, paper: 10, valid: 20, void: 2, stickers: 5, ..Default::default() };
    s.turnout.void_reasons.insert(VoidReason::OverLimit, 1);
    s.turnout.void_reasons.insert(VoidReason::Blank, 1);
    let r = s.results.as_mut().unwrap();
    r.paper = 8;
    r.void = 2;
    r.stickers = 5;
    r.equal_shares = Some(yuanzhuo_protocol::EqualSharesOutcome {
        voters: 20,
        share: "15000.00".into(),
        selected: vec!["P01".into(), "P03".into()],
        completion: vec!["P02".into()],
    });
    let Body::Results(v) = scene(&s, T0, Lang::Zh).body else { panic!() };
    assert_eq!(v.ballots_text, "已收到 22 张（有效 20，废票 2）；手机 12，纸质 10；贴纸 5");
    assert_eq!(v.void_text.as_deref(), Some("废票原因：空白票 1，超过可选项数 1"));
    let m = v.method_text.expect("explained");
    assert!(m.starts_with("平均分配法：20 位投票人每人 15000.00 元；份额选出："), "{m}");
    assert!(m.contains("余下预算按票数补足"), "{m}");
    let Body::Results(v) = scene(&s, T0, Lang::En).body else { panic!() };
    assert_eq!(v.ballots_text, "Ballots received: 22 (20 valid, 2 void); by phone 12, on paper 10; stickers 5");
    assert_eq!(v.void_text.as_deref(), Some("Void: blank 1, more marks than allowed 1"));
    assert!(v.method_text.unwrap().starts_with("Equal shares: 20 voters, 15000.00 each"));
    // Without equal shares there is nothing to explain.
    let plain = counted(with_votes(demo(Phase::Voting), |_| 1, 3), Phase::Counted);
    let Body::Results(v) = scene(&plain, T0, Lang::Zh).body else { panic!() };
    assert!(v.method_text.is_none());
}
