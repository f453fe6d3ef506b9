//! Fixtures for the projector's tests: the demo meeting (6 tables, the 60
//! Chinese proposals of hub/demo/proposals.csv, 300,000 CNY) as the
//! snapshot a projector receives, moved to any phase; and reading a
//! TestBackend buffer back as text.

#![allow(dead_code)]

use ratatui::buffer::Buffer;
use std::collections::BTreeMap;
use unicode_width::UnicodeWidthStr;
use yuanzhuo_protocol::*;

pub const DEMO_CSV: &str = include_str!("../../../hub/demo/proposals.csv");
pub const T0: u64 = 1_795_000_000_000;
pub const HEAD: &str = "9c1e4f2a7b3d5e6f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7";
pub const FINGERPRINT: &str = "3F2A-91C0";

/// The 60 demo proposals, parsed from the CSV (no quoted fields in it).
pub fn proposals() -> Vec<Proposal> {
    DEMO_CSV
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            assert_eq!(f.len(), 8, "{l}");
            Proposal {
                id: f[0].into(),
                title: f[1].into(),
                description: f[2].into(),
                location: f[3].into(),
                category: f[4].into(),
                proposer: f[5].into(),
                cost: f[6].parse().expect("cost"),
                level: if f[7] == "街道" { Level::Street } else { Level::Community },
            }
        })
        .collect()
}

pub fn definition() -> Definition {
    Definition {
        meeting: MeetingInfo {
            name: "幸福里社区“幸福微实事”项目筛选大会".into(),
            venue: "南昌市西湖区幸福里社区党群服务中心多功能厅".into(),
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
        proposals: proposals(),
        prescreening: String::new(),
    }
}

/// The demo meeting as the projector sees it in `phase` (no picks, no
/// votes yet; the caller adds them).
pub fn demo(phase: Phase) -> Snapshot {
    let def = definition();
    let tables = (1..=6u16)
        .map(|t| TableSummary {
            table: t,
            name: format!("第{t}桌"),
            share: def.proposals[(t as usize - 1) * 10..t as usize * 10].iter().map(|p| p.id.clone()).collect(),
            picks: vec![],
            picks_locked: false,
            speaking: None,
            signal: None,
            spoken: 0,
            seats: 0,
        })
        .collect();
    let counts: BTreeMap<String, u64> = def.proposals.iter().map(|p| (p.id.clone(), 0)).collect();
    Snapshot {
        seq: 42,
        log_head: HEAD.into(),
        log_tag: String::new(),
        server_now_ms: T0,
        meeting: def.meeting,
        rules: def.rules,
        fingerprint: if phase == Phase::Setup { String::new() } else { FINGERPRINT.into() },
        phase,
        timer: None,
        pitch: None,
        proposals: def.proposals,
        tables,
        table_details: vec![],
        annotations: vec![],
        turnout: Turnout { ballots: 0, ..Default::default() },
        tally: (phase >= Phase::Voting).then_some(Tally { counts, ballots: 0 }),
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

pub fn timer(label: &str, minutes: u64, started_at_ms: u64) -> Timer {
    Timer { label: label.into(), duration_ms: minutes * 60_000, started_at_ms, used_before_ms: 0, paused: false }
}

/// Votes for proposal i (0-based): a spread with many ties, every proposal
/// between 0 and 40 votes, out of `ballots`.
pub fn spread(i: usize) -> u64 {
    ((i * 37 + 11) % 41) as u64
}

pub fn with_votes(mut s: Snapshot, votes: impl Fn(usize) -> u64, ballots: u64) -> Snapshot {
    let counts = s.proposals.iter().enumerate().map(|(i, p)| (p.id.clone(), votes(i))).collect();
    s.tally = Some(Tally { counts, ballots });
    s.turnout = Turnout { ballots, phone: ballots, valid: ballots, ..Default::default() };
    s
}

/// The electorate of `n` voter cards issued before the meeting, and `late`
/// more during the vote at `at_ms` ("迟到居民").
pub fn electorate(n: u32, late: u32, at_ms: u64) -> Electorate {
    let mut issuances = vec![CardIssuance {
        seq: 2,
        at_ms: T0 - 3_600_000,
        first: "V0001".into(),
        last: format!("V{n:04}"),
        count: n,
        reason: String::new(),
        during_vote: false,
    }];
    if late > 0 {
        issuances.push(CardIssuance {
            seq: 60,
            at_ms,
            first: format!("V{:04}", n + 1),
            last: format!("V{:04}", n + late),
            count: late,
            reason: "迟到居民".into(),
            during_vote: true,
        });
    }
    Electorate {
        cards_issued: (n + late) as u64,
        cards_cancelled: 0,
        fingerprint: "7D41-0C9E".into(),
        issuances,
        cancellations: vec![],
        desk: (1..=2)
            .map(|i| DeskCard { serial: format!("counter-{i}"), role: Role::Counter, number: i, claim: None })
            .chain((1..=2).map(|i| DeskCard {
                serial: format!("scrutineer-{i}"),
                role: Role::Scrutineer,
                number: i,
                claim: None,
            }))
            .collect(),
    }
}

/// A claim of desk card `serial` from `address` at `at_ms`, with what else was on that address.
pub fn claim(e: &mut Electorate, serial: &str, address: &str, at_ms: u64, same: &[&str]) {
    let d = e.desk.iter_mut().find(|d| d.serial == serial).expect("a desk card");
    d.claim = Some(Claim {
        seq: 50,
        at_ms,
        device: "3f2a91c0".into(),
        address: address.into(),
        same_address_as: same.iter().map(|s| s.to_string()).collect(),
    });
}

/// Close the vote: results by the real count, as the hub computes them.
pub fn counted(mut s: Snapshot, phase: Phase) -> Snapshot {
    let def = Definition {
        meeting: s.meeting.clone(),
        rules: s.rules.clone(),
        proposals: s.proposals.clone(),
        prescreening: String::new(),
    };
    let tally = s.tally.clone().expect("a tally to count");
    s.results = Some(yuanzhuo_engine::count(
        &def,
        &yuanzhuo_engine::CountInput {
            tally: tally.counts.clone(),
            ballots: vec![vec![]; tally.ballots as usize],
            excluded: s.exclusions.iter().map(|x| x.proposal.clone()).collect(),
            ..Default::default()
        },
        HEAD,
    ));
    s.phase = phase;
    s
}

pub fn annotation(
    proposal: &str,
    feasibility: Feasibility,
    rule: Option<u8>,
    cost: Option<u64>,
    remark: &str,
) -> Annotation {
    Annotation {
        proposal: proposal.into(),
        feasibility,
        exclusion_rule: rule,
        reason: if rule.is_some() { "属物业维修范围".into() } else { String::new() },
        cost_estimate: cost,
        remark: remark.into(),
        by_table: Some(1),
        at_ms: T0,
    }
}

/// The buffer's rows as text, a wide character counted once (ratatui
/// blanks the cell it covers).
pub fn lines(buf: &Buffer) -> Vec<String> {
    let area = buf.area;
    (area.top()..area.bottom())
        .map(|y| {
            let mut s = String::new();
            let mut x = area.left();
            while x < area.right() {
                let sym = buf[(x, y)].symbol();
                s.push_str(sym);
                x += UnicodeWidthStr::width(sym).max(1) as u16;
            }
            s
        })
        .collect()
}

pub fn text(buf: &Buffer) -> String {
    lines(buf).join("\n")
}
