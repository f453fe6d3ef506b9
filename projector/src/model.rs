//! The projector's view model: what the room sees for a given snapshot, at
//! a given moment of the hub's clock, in a given language. Plain data, no
//! IO and no terminal: `draw` turns a [`Scene`] into cells, and the tests
//! check scenes directly.
//!
//! One scene per stage of the meeting: not yet open (setup), welcome
//! (check-in), discussion (discussion and picks), pitches, voting, results
//! (counted and published).

use crate::text::{clock, fill, grouped_hash, is_over, money, say, Lang};
use yuanzhuo_client::words;
use yuanzhuo_protocol::words::ui;
use yuanzhuo_protocol::{
    Allocation, Annotation, Feasibility, Phase, Snapshot, TableSummary, TallyVisibility, TieBreak, Timer,
};

/// Everything on the screen that comes from the meeting.
#[derive(Debug, Clone, PartialEq)]
pub struct Scene {
    pub phase: Phase,
    /// The meeting's name, the heading of every scene.
    pub meeting: String,
    /// The phase in the room's words ("分桌讨论").
    pub phase_label: String,
    pub body: Body,
    /// What the room must be told as it happens (every scene but the results).
    pub announcements: Vec<Announcement>,
    pub footer: Footer,
}

/// One thing announced to the room, under the header.
#[derive(Debug, Clone, PartialEq)]
pub struct Announcement {
    pub kind: AnnouncementKind,
    pub text: String,
    /// Drawn as a warning (a claim made where the organiser's console was).
    pub flagged: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnnouncementKind {
    /// Voter cards issued after the vote opened (every one is announced).
    CardsIssued,
    /// A proposal excluded by the organiser on an adviser's recommendation.
    Exclusion,
    /// A cost adopted from the adviser.
    Cost,
    /// A counter's or scrutineer's card claimed.
    Claim,
    /// How many voter cards were cancelled.
    Cancelled,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    NotOpen(NotOpen),
    Welcome(Welcome),
    Discussion(Discussion),
    Pitches(Pitches),
    Voting(Voting),
    Results(ResultsScene),
}

/// Shown on every scene so that each photograph of the screen records
/// where the log stood.
#[derive(Debug, Clone, PartialEq)]
pub struct Footer {
    pub seq: u64,
    /// The first 16 hex digits of the log head.
    pub log_head: String,
    pub fingerprint: String,
    pub text: String,
}

/// The meeting clock as the room sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct TimerView {
    /// What the clock is for, with its state ("分桌讨论 · 已暂停").
    pub caption: String,
    /// "39:12"; once over time the time over, "0:41" (the caption says "超时").
    pub text: String,
    pub remaining_ms: i64,
    pub state: TimerState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimerState {
    Running,
    Paused,
    /// Time is up (paused or not): drawn in warning colours.
    Overtime,
}

/// Setup: the organiser has not opened the meeting yet.
#[derive(Debug, Clone, PartialEq)]
pub struct NotOpen {
    pub venue: String,
    pub date: String,
    pub message: String,
    pub detail: String,
    pub electorate: Electorate,
}

/// Who may vote, before the vote opens: the size of the electorate and the
/// fingerprint of every card issued (beside the rules' fingerprint).
#[derive(Debug, Clone, PartialEq)]
pub struct Electorate {
    /// "已发投票卡 120 张，已作废 2 张；门口登记 90 人"
    pub text: String,
    pub fingerprint_label: String,
    /// "XXXX-XXXX", empty before any card.
    pub fingerprint: String,
}

/// Check-in: who, where, and the rules everyone can see before anything happens.
#[derive(Debug, Clone, PartialEq)]
pub struct Welcome {
    pub venue: String,
    pub date: String,
    pub rules_title: String,
    pub rules: Vec<RuleLine>,
    pub fingerprint_label: String,
    pub fingerprint: String,
    pub locked_note: String,
    /// Above the QR code: what phones can do with it.
    pub scan_hint: String,
    pub timer: Option<TimerView>,
    pub electorate: Electorate,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RuleLine {
    pub label: String,
    pub value: String,
}

/// Discussion and picks: the clock and how far each table has got.
#[derive(Debug, Clone, PartialEq)]
pub struct Discussion {
    pub timer: Option<TimerView>,
    /// Shown in place of the clock when none runs.
    pub no_timer: String,
    pub summary: String,
    pub tables: Vec<TableRow>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TableRow {
    pub table: u16,
    pub name: String,
    pub status: TableStatus,
    pub status_text: String,
    /// "发言：5号" when someone has the floor.
    pub speaking: Option<String>,
    /// The speaking balance, "已发言 3/5 位" (None before anyone queued).
    pub balance: Option<String>,
    /// "P01 楼道声控灯改造" for each pick so far.
    pub picks: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableStatus {
    Discussing,
    Picked,
    Locked,
}

/// Pitches: the table on stage, its picks, the pitch clock, who is next.
#[derive(Debug, Clone, PartialEq)]
pub struct Pitches {
    /// "第2桌 上台推介" (None when no table has picks to pitch).
    pub on_stage: Option<String>,
    /// "第 2 / 6 桌".
    pub progress: String,
    pub timer: Option<TimerView>,
    pub cards: Vec<PitchCard>,
    /// "下一桌：第3桌" or "这是最后一桌".
    pub next: String,
    /// "已推介：第1桌" (empty when none).
    pub done: String,
    /// Why nothing is on stage, when nothing is.
    pub empty: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PitchCard {
    pub id: String,
    pub title: String,
    /// What the proposer asked for (shown where there is room).
    pub description: String,
    /// "地点：朝阳新村3区"
    pub location: String,
    /// "造价：¥14,000": the one cost, the one the count uses.
    pub cost: String,
    /// Beside it, labelled: the adviser's estimate (not adopted), or the
    /// list's cost when the estimate was adopted.
    pub cost_note: Option<String>,
    /// "P12 已确认排除：第6条 技术上不可行".
    pub excluded: Option<String>,
    /// "顾问：可行" / "顾问建议排除（第6条：…），由组织者决定" when an adviser annotated it.
    pub adviser: Option<String>,
    pub feasibility: Option<Feasibility>,
    /// The adviser's remark for residents.
    pub remark: Option<String>,
}

/// Voting: the live tally as bars, or only the turnout when the rules hide the tally.
#[derive(Debug, Clone, PartialEq)]
pub struct Voting {
    /// Ballots received (the one count's first number).
    pub ballots: u64,
    /// The one count: "已收到 57 张（有效 56，废票 1）；手机 50，纸质 7"
    pub ballots_text: String,
    /// "每人最多选 10 项（共 60 个提案）"
    pub instruction: String,
    pub timer: Option<TimerView>,
    /// Every proposal, most votes first; None when the tally is not shown.
    pub bars: Option<Vec<Bar>>,
    pub max_votes: u64,
    /// Why only the turnout is shown.
    pub hidden_note: Option<String>,
    /// Labels for the drawing: "… 还有 {} 项" and "票".
    pub more_label: String,
    pub votes_unit: String,
    /// Drawn in place of the bar of a proposal excluded before the vote.
    pub excluded_label: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// Competition rank (equal votes share a rank).
    pub rank: u32,
    pub id: String,
    /// "P01 楼道声控灯改造"
    pub label: String,
    pub votes: u64,
    /// Excluded before the vote: marked on the list.
    pub excluded: bool,
}

/// Counted and published: the ranking, the budget line, the ties, the hash.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultsScene {
    pub published: bool,
    /// "计票完成 · 待公示" / "结果已公示"
    pub status: String,
    /// The one count, as during the vote.
    pub ballots_text: String,
    /// "废票原因：空白票 2，超过可选项数 1", when there were void ballots.
    pub void_text: Option<String>,
    pub budget: BudgetLine,
    /// "资助规则：…；同票规则：…"
    pub rules_text: String,
    /// With equal shares: what the shares bought and what completion added.
    pub method_text: Option<String>,
    /// "… 另有 {} 组并列"
    pub ties_more: String,
    pub ties: Vec<TieLine>,
    pub rows: Vec<ResultRow>,
    /// "计票时日志哈希" and the full hash, so anyone can check the count later.
    pub head_label: String,
    pub closed_at_head: String,
    /// "… 还有 {} 项（其中 {} 项获资助）"
    pub more_label: String,
    pub votes_unit: String,
    pub funded_mark: String,
    pub unfunded_mark: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BudgetLine {
    pub funded: usize,
    pub total: u64,
    pub budget: u64,
    /// "获资助 7 项 · 合计 ¥285,000 / 预算 ¥300,000 · 结余 ¥15,000"
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TieLine {
    pub votes: u64,
    pub proposals: Vec<String>,
    pub decisive: bool,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResultRow {
    pub position: u32,
    pub rank: u32,
    /// Shares its vote count with another proposal.
    pub tied: bool,
    pub id: String,
    pub label: String,
    pub votes: u64,
    pub cost: String,
    pub funded: bool,
    /// The running total when funded, else why not.
    pub outcome: String,
}

// ---------------------------------------------------------------- building

/// The scene for `snap` at `now_ms` on the hub's clock, times of day in UTC.
pub fn scene(snap: &Snapshot, now_ms: u64, lang: Lang) -> Scene {
    scene_at(snap, now_ms, lang, 0)
}

/// The scene, with times of day (card issues, claims) `utc_offset_s`
/// seconds from UTC: the zone of the machine the room looks at.
pub fn scene_at(snap: &Snapshot, now_ms: u64, lang: Lang, utc_offset_s: i32) -> Scene {
    let body = match snap.phase {
        Phase::Setup => Body::NotOpen(not_open(snap, lang)),
        Phase::CheckIn => Body::Welcome(welcome(snap, now_ms, lang)),
        Phase::Discussion | Phase::Picks => Body::Discussion(discussion(snap, now_ms, lang)),
        Phase::Pitches => Body::Pitches(pitches(snap, now_ms, lang)),
        Phase::Voting => Body::Voting(voting(snap, now_ms, lang)),
        Phase::Counted | Phase::Published => match results(snap, lang) {
            Some(r) => Body::Results(r),
            // The results follow the close's phase in an update of their
            // own at the same log position; until they arrive, the closed
            // tally is the best there is to show.
            None => Body::Voting(voting(snap, now_ms, lang)),
        },
    };
    let announcements = if matches!(body, Body::Results(_)) { vec![] } else { announcements(snap, lang, utc_offset_s) };
    Scene {
        phase: snap.phase,
        meeting: snap.meeting.name.clone(),
        phase_label: lang.t(snap.phase.zh(), snap.phase.en()).to_string(),
        body,
        announcements,
        footer: footer(snap, lang),
    }
}

/// What the room must be told as it happens: every card issue made during
/// the vote (first), confirmed exclusions, costs adopted from the adviser,
/// the desk cards' claims (newest first) and how many cards were cancelled.
pub fn announcements(snap: &Snapshot, lang: Lang, utc_offset_s: i32) -> Vec<Announcement> {
    let e = &snap.electorate;
    let a = |kind, text: String, flagged| Announcement { kind, text, flagged };
    let mut out: Vec<Announcement> = e
        .issuances
        .iter()
        .rev()
        .filter(|i| i.during_vote)
        .map(|i| a(AnnouncementKind::CardsIssued, words::issue_text(i, lang, utc_offset_s), false))
        .collect();
    out.extend(
        snap.exclusions.iter().rev().map(|x| a(AnnouncementKind::Exclusion, words::exclusion_text(x, lang), false)),
    );
    let currency = &snap.rules.budget.currency;
    out.extend(snap.adopted_costs.iter().map(|c| {
        let (cost, list) = (money(c.cost, currency, lang), money(c.list_cost, currency, lang));
        let text =
            fill(ui::ADOPTED_ESTIMATE_NOTICE, lang, &[("proposal", &c.proposal), ("money", &cost), ("money2", &list)]);
        a(AnnouncementKind::Cost, text, false)
    }));
    let mut claims: Vec<(u64, Announcement)> = e
        .desk
        .iter()
        .filter_map(|d| {
            let c = words::claim_text(d, lang, utc_offset_s)?;
            let text = if c.also.is_empty() { c.text } else { format!("{} · {}", c.text, c.also) };
            Some((d.claim.as_ref().map_or(0, |c| c.at_ms), a(AnnouncementKind::Claim, text, c.flagged)))
        })
        .collect();
    claims.sort_by_key(|c| std::cmp::Reverse(c.0));
    out.extend(claims.into_iter().map(|(_, a)| a));
    if let Some(last) = e.cancellations.last() {
        let n = e.cancellations.len();
        let latest = words::cancel_text(last, lang, utc_offset_s);
        let text = fill(ui::VOTER_CARDS_CANCELLED_LATEST, lang, &[("n", &n.to_string()), ("cancelText", &latest)]);
        out.push(a(AnnouncementKind::Cancelled, text, false));
    }
    out
}

/// The electorate's size and fingerprint, in words.
fn electorate(snap: &Snapshot, lang: Lang) -> Electorate {
    let e = &snap.electorate;
    let mut text = fill(ui::PROJ_CARDS_ISSUED, lang, &[("n", &e.cards_issued.to_string())]);
    if e.cards_cancelled > 0 {
        text.push_str(&fill(ui::PROJ_CARDS_CANCELLED, lang, &[("n", &e.cards_cancelled.to_string())]));
    }
    if let Some(r) = &snap.turnout.register {
        text.push_str(&fill(ui::PROJ_REGISTERED, lang, &[("n", &r.registered.to_string())]));
    }
    Electorate {
        text,
        fingerprint_label: say(ui::ELECTORATE_FINGERPRINT, lang).to_string(),
        fingerprint: e.fingerprint.clone(),
    }
}

fn footer(snap: &Snapshot, lang: Lang) -> Footer {
    let head = grouped_hash(&snap.log_head, 16);
    let head_shown = if head.is_empty() { "—".to_string() } else { format!("{head}…") };
    let mut text = fill(ui::PROJ_LOG_ENTRY_HEAD, lang, &[("seq", &snap.seq.to_string()), ("head", &head_shown)]);
    if !snap.fingerprint.is_empty() {
        text.push_str(&fill(ui::PROJ_RULES_FINGERPRINT, lang, &[("fp", &snap.fingerprint)]));
    }
    let e = &snap.electorate;
    if !e.fingerprint.is_empty() {
        text.push_str(&fill(
            ui::PROJ_ELECTORATE_FINGERPRINT,
            lang,
            &[("fp", &e.fingerprint), ("n", &e.cards_issued.to_string())],
        ));
    }
    Footer { seq: snap.seq, log_head: head, fingerprint: snap.fingerprint.clone(), text }
}

/// The clock at `now_ms`, or None when no timer runs.
pub fn timer_view(t: Option<&Timer>, now_ms: u64, lang: Lang) -> Option<TimerView> {
    let t = t?;
    let remaining_ms = t.remaining_ms(now_ms);
    let state = if is_over(remaining_ms) {
        TimerState::Overtime
    } else if t.paused {
        TimerState::Paused
    } else {
        TimerState::Running
    };
    let mut caption = timer_label(&t.label, lang);
    // The one countdown format ("超时 0:07"): the word in the caption, the digits big.
    if is_over(remaining_ms) {
        caption.push_str(say(ui::CAPTION_OVER, lang));
    }
    if t.paused {
        caption.push_str(say(ui::CAPTION_PAUSED, lang));
    }
    Some(TimerView { caption, text: clock(remaining_ms), remaining_ms, state })
}

/// The hub names the clocks it starts itself `discussion` and `pitch`;
/// the organiser's own timers carry the organiser's words.
fn timer_label(label: &str, lang: Lang) -> String {
    match label {
        "discussion" => say(ui::TIMER_LABEL_DISCUSSION, lang).to_string(),
        "pitch" => say(ui::PITCH_TIME, lang).to_string(),
        other => other.to_string(),
    }
}

/// "P01 楼道声控灯改造", or the bare id if the proposal is unknown.
fn label(snap: &Snapshot, id: &str) -> String {
    match snap.proposal(id) {
        Some(p) => format!("{} {}", p.id, p.title),
        None => id.to_string(),
    }
}

fn table_name(snap: &Snapshot, table: u16, lang: Lang) -> String {
    snap.tables
        .iter()
        .find(|t| t.table == table)
        .map(|t| t.name.clone())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| fill(ui::TABLE, lang, &[("n", &table.to_string())]))
}

fn not_open(snap: &Snapshot, lang: Lang) -> NotOpen {
    let n = snap.proposals.len();
    let tables = snap.rules.tables.len();
    NotOpen {
        venue: snap.meeting.venue.clone(),
        date: snap.meeting.date.clone(),
        message: say(ui::MEETING_NOT_OPEN_YET, lang).to_string(),
        detail: fill(ui::PROJ_NOT_OPEN_DETAIL, lang, &[("n", &n.to_string()), ("tables", &tables.to_string())]),
        electorate: electorate(snap, lang),
    }
}

/// The rule in the words every screen uses (`yuanzhuo_protocol::words`).
pub fn allocation_text(a: Allocation, lang: Lang) -> &'static str {
    let w = yuanzhuo_protocol::words::allocation(a);
    lang.t(w.zh, w.en)
}

/// The rule in the words every screen uses (`yuanzhuo_protocol::words`).
pub fn tie_break_text(t: TieBreak, lang: Lang) -> &'static str {
    let w = yuanzhuo_protocol::words::tie_break(t);
    lang.t(w.zh, w.en)
}

/// The rule in the words every screen uses (`yuanzhuo_protocol::words`).
pub fn tally_text(t: TallyVisibility, lang: Lang) -> &'static str {
    let w = yuanzhuo_protocol::words::tally(t);
    lang.t(w.zh, w.en)
}

fn welcome(snap: &Snapshot, now_ms: u64, lang: Lang) -> Welcome {
    let r = &snap.rules;
    let n = snap.proposals.len();
    let shares: Vec<usize> = snap.tables.iter().map(|t| t.share.len()).collect();
    let (lo, hi) = (shares.iter().min().copied().unwrap_or(0), shares.iter().max().copied().unwrap_or(0));
    let per_table = if lo == hi { lo.to_string() } else { format!("{lo}–{hi}") };
    let tables_words = match r.assignment {
        yuanzhuo_protocol::Assignment::AllTables => ui::PROJ_TABLES_DISCUSS_ALL,
        _ => ui::PROJ_TABLES_DISCUSS_EACH,
    };
    let tables = fill(
        tables_words,
        lang,
        &[("tables", &r.tables.len().to_string()), ("n", &n.to_string()), ("per_table", &per_table)],
    );
    let line = |label: &str, value: String| RuleLine { label: label.to_string(), value };
    let rules = vec![
        line(say(ui::TABLE_COUNT, lang), tables),
        line(say(ui::PICKS_PER_TABLE, lang), fill(ui::PROJ_N_ITEMS, lang, &[("n", &r.picks_per_table.to_string())])),
        line(
            say(ui::EACH_BALLOT, lang),
            fill(ui::PROJ_AT_MOST_OF, lang, &[("max", &r.max_choices.to_string()), ("n", &n.to_string())]),
        ),
        line(say(ui::BUDGET, lang), money(r.budget.amount, &r.budget.currency, lang)),
        line(say(ui::FUNDING_RULE, lang), allocation_text(r.allocation, lang).to_string()),
        line(say(ui::TIE_RULE, lang), tie_break_text(r.tie_break, lang).to_string()),
        line(say(ui::TALLY_RULE, lang), tally_text(r.tally, lang).to_string()),
        line(
            say(ui::TIME, lang),
            fill(
                ui::PROJ_TIME_LINE,
                lang,
                &[("discussion", &r.discussion_minutes.to_string()), ("pitch", &r.pitch_minutes.to_string())],
            ),
        ),
    ];
    Welcome {
        venue: snap.meeting.venue.clone(),
        date: snap.meeting.date.clone(),
        rules_title: say(ui::RULES, lang).to_string(),
        rules,
        fingerprint_label: say(ui::RULES_FINGERPRINT, lang).to_string(),
        fingerprint: snap.fingerprint.clone(),
        locked_note: say(ui::LOCKED_WHEN_THE_MEETING_OPENED, lang).to_string(),
        scan_hint: say(ui::SCAN_TO_FOLLOW_THE_MEETING, lang).to_string(),
        timer: timer_view(snap.timer.as_ref(), now_ms, lang),
        electorate: electorate(snap, lang),
    }
}

fn table_row(snap: &Snapshot, t: &TableSummary, lang: Lang) -> TableRow {
    let wanted = snap.rules.picks_per_table as usize;
    let status = if t.picks_locked {
        TableStatus::Locked
    } else if !t.picks.is_empty() {
        TableStatus::Picked
    } else {
        TableStatus::Discussing
    };
    let status_text = match status {
        TableStatus::Discussing => say(ui::TABLE_STATE_DISCUSSING, lang).to_string(),
        TableStatus::Picked => {
            fill(ui::PROJ_PICKED_OF, lang, &[("picked", &t.picks.len().to_string()), ("wanted", &wanted.to_string())])
        }
        TableStatus::Locked => say(ui::PROJ_LOCKED, lang).to_string(),
    };
    TableRow {
        table: t.table,
        name: if t.name.is_empty() { table_name(snap, t.table, lang) } else { t.name.clone() },
        status,
        status_text,
        speaking: t.speaking.as_ref().map(|n| fill(ui::PROJ_SPEAKING, lang, &[("n", n)])),
        balance: (t.seats > 0)
            .then(|| fill(ui::PROJ_SPOKE, lang, &[("spoken", &t.spoken.to_string()), ("seats", &t.seats.to_string())])),
        picks: t.picks.iter().map(|id| label(snap, id)).collect(),
    }
}

fn discussion(snap: &Snapshot, now_ms: u64, lang: Lang) -> Discussion {
    let tables: Vec<TableRow> = snap.tables.iter().map(|t| table_row(snap, t, lang)).collect();
    let n = tables.len();
    let picked = tables.iter().filter(|t| t.status != TableStatus::Discussing).count();
    let locked = tables.iter().filter(|t| t.status == TableStatus::Locked).count();
    Discussion {
        timer: timer_view(snap.timer.as_ref(), now_ms, lang),
        no_timer: lang.t(snap.phase.zh(), snap.phase.en()).to_string(),
        summary: fill(
            ui::PROJ_TABLES_SUMMARY,
            lang,
            &[("picked", &picked.to_string()), ("locked", &locked.to_string()), ("n", &n.to_string())],
        ),
        tables,
    }
}

/// The adviser's word: an exclusion is only a recommendation, the organiser decides.
fn feasibility_text(a: &Annotation, lang: Lang) -> String {
    match (a.feasibility, a.exclusion_rule) {
        (Feasibility::Feasible, _) => format!("{}{}", say(ui::ADVISER_SAYS, lang), say(ui::FEASIBLE_LOWER, lang)),
        (Feasibility::Doubtful, _) => format!("{}{}", say(ui::ADVISER_SAYS, lang), say(ui::DOUBTFUL_LOWER, lang)),
        (Feasibility::Excluded, Some(n)) => words::recommend_text(n, lang),
        (Feasibility::Excluded, None) => say(ui::THE_ADVISER_RECOMMENDS_EXCLUDING_IT, lang).to_string(),
    }
}

fn pitch_card(snap: &Snapshot, id: &str, lang: Lang) -> PitchCard {
    let p = snap.proposal(id);
    let currency = &snap.rules.budget.currency;
    let a = snap.annotations.iter().find(|a| a.proposal == id);
    let excluded = snap.exclusions.iter().find(|x| x.proposal == id);
    let adviser = a.filter(|_| excluded.is_none()).map(|a| {
        let mut s = feasibility_text(a, lang);
        if !a.reason.trim().is_empty() {
            s.push_str(&format!(" · {}", a.reason.trim()));
        }
        s
    });
    let adopted = snap.adopted_costs.iter().find(|c| c.proposal == id);
    let cost_note = match (adopted, a.and_then(|a| a.cost_estimate), p) {
        (Some(c), _, _) => {
            Some(fill(ui::ADVISERS_ESTIMATE_ADOPTED_LIST_COST, lang, &[("money", &money(c.list_cost, currency, lang))]))
        }
        (None, Some(e), Some(p)) if e != p.cost => {
            Some(fill(ui::ADVISERS_ESTIMATE_FOR_REFERENCE_COUNT, lang, &[("money", &money(e, currency, lang))]))
        }
        _ => None,
    };
    PitchCard {
        id: id.to_string(),
        title: p.map(|p| p.title.clone()).unwrap_or_else(|| id.to_string()),
        description: p.map(|p| p.description.trim().to_string()).unwrap_or_default(),
        location: format!(
            "{}{}",
            say(ui::WHERE_PREFIX, lang),
            p.map(|p| p.location.as_str()).filter(|l| !l.is_empty()).unwrap_or("—")
        ),
        cost: format!(
            "{}{}",
            say(ui::COST_COLON, lang),
            p.map(|p| money(p.cost, currency, lang)).unwrap_or_else(|| "—".into())
        ),
        cost_note,
        excluded: excluded.map(|x| words::exclusion_text(x, lang)),
        adviser,
        feasibility: if excluded.is_some() { Some(Feasibility::Excluded) } else { a.map(|a| a.feasibility) },
        remark: a.map(|a| a.remark.trim().to_string()).filter(|r| !r.is_empty()),
    }
}

fn pitches(snap: &Snapshot, now_ms: u64, lang: Lang) -> Pitches {
    let timer = timer_view(snap.timer.as_ref(), now_ms, lang);
    let with_picks = snap.tables.iter().filter(|t| !t.picks.is_empty()).count();
    let Some(pitch) = &snap.pitch else {
        return Pitches {
            on_stage: None,
            progress: String::new(),
            timer,
            cards: vec![],
            next: String::new(),
            done: String::new(),
            empty: Some(say(ui::NO_TABLE_HAS_PICKS, lang).to_string()),
        };
    };
    let name = table_name(snap, pitch.table, lang);
    let cards = snap
        .tables
        .iter()
        .find(|t| t.table == pitch.table)
        .map(|t| t.picks.iter().map(|id| pitch_card(snap, id, lang)).collect())
        .unwrap_or_default();
    let position = pitch.done.len() + 1;
    let done_names: Vec<String> = pitch.done.iter().map(|t| table_name(snap, *t, lang)).collect();
    Pitches {
        on_stage: Some(fill(ui::PROJ_PRESENTS, lang, &[("name", &name)])),
        progress: fill(
            ui::PROJ_PITCH_PROGRESS,
            lang,
            &[("position", &position.to_string()), ("of", &with_picks.to_string())],
        ),
        timer,
        cards,
        next: match pitch.next {
            Some(t) => format!("{}{}", say(ui::NEXT_TABLE_PREFIX, lang), table_name(snap, t, lang)),
            None => say(ui::THIS_IS_LAST_TABLE, lang).to_string(),
        },
        done: if done_names.is_empty() {
            String::new()
        } else {
            format!("{}{}", say(ui::DONE_TABLES_PREFIX, lang), done_names.join(say(ui::LIST_SEP, lang)))
        },
        empty: None,
    }
}

fn voting(snap: &Snapshot, now_ms: u64, lang: Lang) -> Voting {
    let n = snap.proposals.len();
    let hidden = snap.rules.tally == TallyVisibility::HiddenUntilClose && snap.phase < Phase::Counted;
    let tally = if hidden { None } else { snap.tally.as_ref() };
    // The one count: ballots received (phone, and agreed paper batches, void included).
    let ballots = snap.turnout.ballots;
    let bars = tally.map(|t| {
        // Most votes first; equal votes keep the list order (what the
        // proposal sheet in residents' hands shows).
        let mut rows: Vec<(usize, &yuanzhuo_protocol::Proposal, u64)> =
            snap.proposals.iter().enumerate().map(|(i, p)| (i, p, t.counts.get(&p.id).copied().unwrap_or(0))).collect();
        rows.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
        let mut out = Vec::with_capacity(rows.len());
        let mut rank = 0;
        let mut last = None;
        for (pos, (_, p, votes)) in rows.into_iter().enumerate() {
            if last != Some(votes) {
                rank = pos as u32 + 1;
                last = Some(votes);
            }
            let excluded = snap.exclusions.iter().any(|x| x.proposal == p.id);
            out.push(Bar { rank, id: p.id.clone(), label: format!("{} {}", p.id, p.title), votes, excluded });
        }
        out
    });
    let max_votes = bars.as_ref().and_then(|b| b.iter().map(|b| b.votes).max()).unwrap_or(0);
    let hidden_note = bars.is_none().then(|| {
        if hidden { say(ui::TALLY_SHOWN_AT_CLOSE, lang) } else { say(ui::TALLY_NOT_VISIBLE, lang) }.to_string()
    });
    Voting {
        ballots,
        ballots_text: words::count_line(&snap.turnout, lang),
        instruction: fill(
            ui::PROJ_CHOOSE_AT_MOST,
            lang,
            &[("max", &snap.rules.max_choices.to_string()), ("n", &n.to_string())],
        ),
        timer: timer_view(snap.timer.as_ref(), now_ms, lang),
        bars,
        max_votes,
        hidden_note,
        more_label: say(ui::AND_MORE, lang).to_string(),
        votes_unit: say(ui::VOTES_UNIT, lang).to_string(),
        excluded_label: say(ui::EXCLUDED_CONFIRMED, lang).to_string(),
    }
}

pub fn unfunded_reason_text(reason: &str, lang: Lang) -> String {
    match reason {
        "no_votes" => say(ui::NO_VOTES, lang),
        "excluded" => say(ui::EXCLUDED_BEFORE_VOTE_SHORT, lang),
        "does_not_fit" => say(ui::OVER_THE_BUDGET_LEFT, lang),
        "stopped" => say(ui::FUNDING_STOPPED, lang),
        other => other,
    }
    .to_string()
}

fn results(snap: &Snapshot, lang: Lang) -> Option<ResultsScene> {
    let r = snap.results.as_ref()?;
    let currency = &snap.rules.budget.currency;
    let tied_ids: std::collections::HashSet<&str> =
        r.ties.iter().flat_map(|g| g.proposals.iter().map(String::as_str)).collect();
    let rows = r
        .ranking
        .iter()
        .map(|row| ResultRow {
            position: row.position,
            rank: row.rank,
            tied: tied_ids.contains(row.proposal.as_str()),
            id: row.proposal.clone(),
            label: label(snap, &row.proposal),
            votes: row.votes,
            cost: money(row.cost, currency, lang),
            funded: row.funded,
            outcome: if row.funded {
                format!("{}{}", say(ui::RUNNING_TOTAL_PREFIX, lang), money(row.running_total, currency, lang))
            } else {
                unfunded_reason_text(row.unfunded_reason.map_or("", |r| r.as_str()), lang)
            },
        })
        .collect();
    let funded = r.funded.len();
    let left = r.budget.saturating_sub(r.total_cost);
    let (total, budget, left) =
        (money(r.total_cost, currency, lang), money(r.budget, currency, lang), money(left, currency, lang));
    let budget_line = BudgetLine {
        funded,
        total: r.total_cost,
        budget: r.budget,
        text: fill(
            ui::PROJ_BUDGET_LINE,
            lang,
            &[("funded", &funded.to_string()), ("total", &total), ("budget", &budget), ("left", &left)],
        ),
    };
    let rule = tie_break_text(r.tie_break, lang);
    let ties = r
        .ties
        .iter()
        .map(|g| {
            let names: Vec<String> = g.proposals.iter().map(|id| label(snap, id)).collect();
            let sep = say(ui::RANK_GT, lang);
            let effect =
                if g.decisive { say(ui::TIE_DECIDED_FUNDING, lang) } else { say(ui::TIE_CHANGES_NOTHING, lang) };
            TieLine {
                votes: g.votes,
                proposals: g.proposals.clone(),
                decisive: g.decisive,
                text: fill(
                    ui::PROJ_TIE_LINE,
                    lang,
                    &[("votes", &g.votes.to_string()), ("names", &names.join(sep)), ("effect", effect)],
                ),
            }
        })
        .collect();
    Some(ResultsScene {
        published: snap.phase == Phase::Published,
        status: if snap.phase == Phase::Published {
            say(ui::RESULTS_PUBLISHED_CAPTION, lang)
        } else {
            say(ui::COUNT_COMPLETE_TO_BE_PUBLISHED, lang)
        }
        .to_string(),
        ballots_text: words::count_line(&snap.turnout, lang),
        void_text: (snap.turnout.void > 0)
            .then(|| format!("{}{}", say(ui::VOID_REASONS_PREFIX, lang), words::void_line(&snap.turnout, lang))),
        method_text: r.equal_shares.as_ref().map(|e| {
            let names = |ids: &[String]| -> String {
                if ids.is_empty() {
                    say(ui::NONE_LOWER, lang).to_string()
                } else {
                    ids.iter().map(|id| label(snap, id)).collect::<Vec<_>>().join(say(ui::LIST_SEP, lang))
                }
            };
            fill(
                ui::PROJ_EQUAL_SHARES_LINE,
                lang,
                &[
                    ("voters", &e.voters.to_string()),
                    ("share", &e.share.to_string()),
                    ("bought", &names(&e.selected)),
                    ("rest", &names(&e.completion)),
                ],
            )
        }),
        budget: budget_line,
        rules_text: fill(
            ui::PROJ_RULES_LINE,
            lang,
            &[("allocation", allocation_text(r.allocation, lang)), ("rule", rule)],
        ),
        ties_more: say(ui::MORE_TIES, lang).to_string(),
        ties,
        rows,
        head_label: say(ui::LOG_HASH_AT_CLOSE_LABEL, lang).to_string(),
        closed_at_head: r.closed_at_head.clone(),
        more_label: say(ui::AND_MORE_OF_THEM_FUNDED, lang).to_string(),
        votes_unit: say(ui::VOTES_UNIT, lang).to_string(),
        funded_mark: say(ui::FUNDED_MARK, lang).to_string(),
        unfunded_mark: lang.t("✗", "✗").to_string(),
    })
}
