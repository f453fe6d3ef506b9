//! Checking a log against the rules: every entry must be exactly what the
//! engine would have written for the command that caused it.
//!
//! The entries one command wrote share its actor and command id. For each
//! such group the checker rebuilds the command from the group's first
//! event, decides it again against the state before the group (with the
//! group's time and, for the lot seed, the hash before its first entry),
//! and requires the same events, in the same order. So whatever `decide`
//! enforces — who may do what and when, one ballot per card, cards issued
//! and not cancelled, the door register, the desk's double entry and its
//! verdicts, exclusions and costs fixed before the vote, the lot seed — a
//! log that breaks it is caught, and the entry is named. The hub refuses
//! to serve such a log; `hub verify` reports it.

use yuanzhuo_protocol::*;

use crate::event::{Actor, Event, Recorded};
use crate::state::State;
use crate::Ctx;

/// One entry of the log as the checker needs it.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    pub record: &'a Recorded,
    /// The body's `actor` ("organiser", "voter:V0042", "hub"…).
    pub actor: &'a str,
    pub command_id: Option<&'a str>,
    /// The hash of the entry before.
    pub prev: &'a str,
}

/// A broken rule, at the entry where it shows: what is wrong, in English
/// (`problem`, with the error code where the rules refused the command)
/// and in Chinese (`zh`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub seq: u64,
    pub problem: String,
    pub zh: String,
}

impl Violation {
    fn new(seq: u64, zh: impl Into<String>, en: impl Into<String>) -> Violation {
        Violation { seq, problem: en.into(), zh: zh.into() }
    }
}

/// "第 130 条记录：… / entry 130: …", as `scripts/verify-count` names an entry.
impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "第 {} 条记录：{} / entry {}: {}", self.seq, self.zh, self.seq, self.problem)
    }
}

/// Why an entry breaks the rules, in both languages.
struct Problem {
    zh: String,
    en: String,
}

impl Problem {
    fn new(zh: impl Into<String>, en: impl Into<String>) -> Problem {
        Problem { zh: zh.into(), en: en.into() }
    }
}

/// Replays entries one command at a time, checking each against the rules.
#[derive(Debug, Default)]
pub struct Checker {
    state: State,
    /// Entries of the command being gathered.
    group: Vec<(Recorded, String, Option<String>, String)>,
    last_at_ms: u64,
}

impl Checker {
    pub fn new() -> Checker {
        Checker::default()
    }

    /// Take the next entry (in log order). Entries of one command are
    /// checked together, when the next command begins or at `finish`.
    pub fn push(&mut self, e: Entry<'_>) -> Result<(), Violation> {
        let seq = e.record.seq;
        if e.record.at_ms < self.last_at_ms {
            self.group.clear();
            return Err(Violation::new(seq, "时间早于上一条记录", "its time is earlier than the entry before"));
        }
        self.last_at_ms = e.record.at_ms;
        let same = self
            .group
            .first()
            .is_some_and(|(_, a, id, _)| e.command_id.is_some() && a == e.actor && id.as_deref() == e.command_id);
        if !same {
            self.flush()?;
        }
        self.group.push((e.record.clone(), e.actor.to_string(), e.command_id.map(str::to_string), e.prev.to_string()));
        Ok(())
    }

    /// Check the last command; the state after the whole log.
    pub fn finish(mut self) -> Result<State, Violation> {
        self.flush()?;
        Ok(self.state)
    }

    /// The state after every entry checked so far.
    pub fn state(&self) -> &State {
        &self.state
    }

    fn flush(&mut self) -> Result<(), Violation> {
        let group = std::mem::take(&mut self.group);
        let Some((first, actor, _, prev)) = group.first() else { return Ok(()) };
        let seq = first.seq;
        let logged: Vec<&Event> = group.iter().map(|(r, ..)| &r.event).collect();
        if let Some((r, ..)) = group.iter().find(|(r, ..)| r.at_ms != first.at_ms) {
            return Err(Violation::new(
                r.seq,
                "同一操作的几条记录时间不同",
                "entries of one command with different times",
            ));
        }
        let decided =
            self.redecide(actor, prev, first, &logged).map_err(|p| Violation { seq, problem: p.en, zh: p.zh })?;
        if decided.len() != logged.len() || decided.iter().zip(&logged).any(|(a, b)| a != *b) {
            let at = decided.iter().zip(&logged).position(|(a, b)| a != *b).unwrap_or(decided.len().min(logged.len()));
            let at_seq = group.get(at).map_or(seq, |(r, ..)| r.seq);
            let p = mismatch(logged.get(at).copied(), decided.get(at));
            return Err(Violation { seq: at_seq, problem: p.en, zh: p.zh });
        }
        for (r, ..) in &group {
            self.state.evolve(r);
        }
        Ok(())
    }

    /// The events the engine gives for the command behind this group.
    fn redecide(&self, actor: &str, prev: &str, first: &Recorded, group: &[&Event]) -> Result<Vec<Event>, Problem> {
        let s = &self.state;
        let name = event_name(&first.event);
        let refused = |r: crate::Rejection| {
            let (code, detail) = (r.code, r.detail.map(|d| format!("，{d}")).unwrap_or_default());
            let detail_en = detail.replacen('，', ": ", 1);
            Problem::new(
                format!("{actor} 的 {name} 违反规则：{}（{}{detail}）", code.zh(), code.as_str()),
                format!("{name} by {actor} breaks the rules: {} ({}{detail_en})", code.en(), code.as_str()),
            )
        };
        if let Event::MeetingDefined { .. } = first.event {
            return if first.seq == 1 && actor == "hub" {
                Ok(vec![first.event.clone()])
            } else {
                Err(Problem::new(
                    "会议定义只能是日志的第一条",
                    "a meeting definition that is not the log's first entry",
                ))
            };
        }
        if first.seq == 1 {
            return Err(Problem::new(
                "日志的第一条不是会议定义",
                "the log does not begin with the meeting's definition",
            ));
        }
        // Entry 2 is the staff cards, issued by the hub with the meeting, and
        // nothing else is: no staff card is added later.
        if (first.seq == 2) != matches!(first.event, Event::StaffCardsIssued { .. }) {
            return Err(Problem::new(
                "日志的第 2 条，且只有第 2 条，是工作人员卡（staff_cards_issued）",
                "entry 2, and only entry 2, is the staff cards (staff_cards_issued)",
            ));
        }
        // A meeting defined with a pre-screening record has it at entry 3.
        let names_record = s.definition.as_ref().is_some_and(|d| !d.prescreening.is_empty());
        if first.seq == 3 && names_record && !matches!(first.event, Event::PrescreeningRecorded { .. }) {
            return Err(Problem::new(
                "会议定义写明了预审记录，但日志第 3 条不是它（prescreening_recorded）",
                "the definition names a pre-screening record, but entry 3 is not it (prescreening_recorded)",
            ));
        }
        let who = parse_actor(actor)
            .ok_or_else(|| Problem::new(format!("未知的操作者 {actor:?}"), format!("unknown actor {actor:?}")))?;
        let ctx = Ctx { now_ms: first.at_ms, head: prev.to_string() };
        let cmd = match &first.event {
            Event::StaffCardsIssued { cards } => {
                return if actor == "hub" {
                    s.issue_staff_cards(cards.clone()).map_err(refused)
                } else {
                    Err(Problem::new(
                        format!("工作人员卡只能由会场服务器发放，这里是 {actor}"),
                        format!("staff cards issued by {actor}, not by the hub"),
                    ))
                };
            }
            Event::PrescreeningRecorded { record } => {
                // Written by the hub as it creates the meeting, right after
                // the staff cards: before anything else can happen.
                return if actor == "hub" && first.seq == 3 {
                    s.record_prescreening(record.clone()).map_err(refused)
                } else {
                    Err(Problem::new(
                        format!("预审记录只能由会场服务器在创建会议时写入第 3 条，这里是第 {} 条、{actor}", first.seq),
                        format!(
                            "the pre-screening record is written by the hub as entry 3 when it creates the meeting, \
                             not as entry {} by {actor}",
                            first.seq
                        ),
                    ))
                };
            }
            Event::VoterCardsIssued { commitments, reason, .. } => {
                // The hub issues voter cards itself only as it creates the
                // meeting (entry 3, or 4 after a pre-screening record).
                let created_at = if s.prescreening.is_some() { 4 } else { 3 };
                if actor == "hub" && first.seq != created_at {
                    return Err(Problem::new(
                        format!("会场服务器在会议创建之后自行发放选民卡（第 {} 条）", first.seq),
                        format!("voter cards issued by the hub after the meeting was created (entry {})", first.seq),
                    ));
                }
                let who = if actor == "hub" { Actor::organiser() } else { who };
                return s.issue_voter_cards(&who, commitments.clone(), reason).map_err(refused);
            }
            Event::CardClaimed { serial, device, address, same_address_as } => {
                if who.desk_card().as_deref() != Some(serial.as_str()) {
                    return Err(Problem::new(
                        format!("卡 {serial} 由 {actor} 认领：只能由持卡人自己认领"),
                        format!("card {serial} claimed by {actor}, not by its own actor"),
                    ));
                }
                return s.claim(serial, device, address, same_address_as.clone()).map_err(refused);
            }
            other => command_of(group).ok_or_else(|| {
                let name = event_name(other);
                Problem::new(
                    format!("{name} 只能随另一项操作一起记录，不能单独出现"),
                    format!("{name} comes only with another command, never on its own"),
                )
            })?,
        };
        s.decide(&who, &cmd, &ctx).map_err(refused)
    }
}

/// The actor behind a log body's `actor`.
pub fn parse_actor(key: &str) -> Option<Actor> {
    let (role, rest) = key.split_once(':').unwrap_or((key, ""));
    let role: Role = serde_json::from_value(serde_json::Value::String(role.to_string())).ok().or(match role {
        "hub" => Some(Role::Organiser),
        _ => None,
    })?;
    Some(match (role, rest) {
        (Role::Adviser, "*") => Actor { all_tables: true, ..Actor::read_only(role) },
        (Role::Chair | Role::Recorder | Role::Adviser | Role::Screen, t) => Actor::at_table(role, t.parse().ok()?),
        (Role::Voter, v) if !v.is_empty() => Actor::voter(v),
        (Role::Counter | Role::Scrutineer | Role::Registrar, n) => {
            Actor { number: Some(n.parse().ok()?), ..Actor::read_only(role) }
        }
        (_, "") => Actor::read_only(role),
        _ => return None,
    })
}

/// The command that writes `group`, from its first event (after the
/// `timer_cleared` a phase change may begin with).
fn command_of(group: &[&Event]) -> Option<Command> {
    let first = group.iter().find(|e| !matches!(e, Event::TimerCleared))?;
    // Starting a speaker ends the current turn first.
    if let Some(Event::SpeakerStarted { table, entry }) =
        group.iter().find(|e| matches!(e, Event::SpeakerStarted { .. }))
    {
        return Some(Command::StartSpeaker { table: *table, entry: Some(*entry) });
    }
    Some(match (*first).clone() {
        Event::MeetingOpened { .. } => Command::OpenMeeting,
        Event::PhaseChanged { to, .. } => Command::AdvancePhase { to },
        Event::TimerCleared => return None,
        Event::TimerStarted { label, duration_ms } => {
            Command::StartTimer { label, minutes: u32::try_from(duration_ms / 60_000).ok()? }
        }
        Event::TimerPaused => Command::PauseTimer,
        Event::TimerResumed => Command::ResumeTimer,
        Event::TimerExtended { by_ms } => Command::ExtendTimer { minutes: u32::try_from(by_ms / 60_000).ok()? },
        Event::PitchTableSet { table } => Command::SetPitchTable { table },
        Event::SpeakerQueued { table, name, turn, .. } => Command::QueueSpeaker { table, name, turn },
        Event::SpeakerStarted { table, entry } => Command::StartSpeaker { table, entry: Some(entry) },
        Event::SpeakerStopped { table, .. } => Command::StopSpeaker { table },
        Event::SpeakerRemoved { table, entry } => Command::RemoveSpeaker { table, entry },
        Event::PicksSet { table, proposals } => Command::SetPicks { table, proposals },
        Event::PicksLocked { table } => Command::LockPicks { table },
        Event::TableSignalled { table, signal } => Command::SignalTable { table, signal },
        Event::NoteAdded { table, proposal, tag, text, .. } => Command::AddNote { table, proposal, tag, text },
        Event::NoteEdited { note, tag, text, .. } => Command::EditNote { note, tag, text },
        Event::NoteWithdrawn { note, .. } => Command::WithdrawNote { note },
        Event::Annotated { proposal, feasibility, exclusion_rule, reason, cost_estimate, remark, .. } => {
            Command::Annotate { proposal, feasibility, exclusion_rule, reason, cost_estimate, remark }
        }
        Event::BallotCast { choices, .. } => Command::CastBallot { choices },
        Event::PaperKeyed { batch, number, marks, .. } => Command::KeyPaper { batch, number, marks },
        Event::PaperRemoved { batch, number, .. } => Command::RemovePaper { batch, number },
        Event::PaperFinished { batch, .. } => Command::FinishPaper { batch },
        Event::BoardKeyed { board, counts, .. } => Command::KeyBoard { board, counts },
        Event::SheetsDeclared { batch, sheets, .. } => Command::DeclareSheets { batch, sheets },
        Event::BatchDiscarded { batch } => Command::DiscardBatch { batch },
        Event::CardCancelled { serial, reason } => Command::CancelCard { serial, reason },
        Event::ClaimReleased { serial, reason } => Command::ReleaseClaim { serial, reason },
        Event::Registered { holder, issue, .. } => Command::Register { holder, issue },
        Event::Reissued { register, issue, reason, .. } => Command::Reissue { register, issue, reason },
        Event::ExclusionConfirmed { proposal, rule, reason } => Command::ConfirmExclusion { proposal, rule, reason },
        Event::ExclusionLifted { proposal, reason } => Command::LiftExclusion { proposal, reason },
        Event::CostSet { proposal, source, .. } => Command::SetCost { proposal, source },
        // Written only as a consequence of another command, or by the hub.
        Event::MeetingDefined { .. }
        | Event::PaperDisputed { .. }
        | Event::PaperAgreed { .. }
        | Event::BoardDisputed { .. }
        | Event::BoardAgreed { .. }
        | Event::StaffCardsIssued { .. }
        | Event::PrescreeningRecorded { .. }
        | Event::VoterCardsIssued { .. }
        | Event::CardClaimed { .. } => return None,
    })
}

/// The `type` of an event in the log ("ballot_cast").
pub fn event_name(e: &Event) -> String {
    serde_json::to_value(e)
        .ok()
        .and_then(|v| v.get("type").and_then(|t| t.as_str()).map(str::to_string))
        .unwrap_or_else(|| "an event".into())
}

/// Where a logged entry differs from what the rules give for its command:
/// the first field that differs, with both values.
fn mismatch(logged: Option<&Event>, decided: Option<&Event>) -> Problem {
    match (logged, decided) {
        (Some(l), Some(d)) => {
            let (name, given) = (event_name(l), event_name(d));
            let (a, b) = (serde_json::to_value(l).unwrap_or_default(), serde_json::to_value(d).unwrap_or_default());
            match first_difference(&a, &b, String::new()) {
                Some((path, got, want)) if name == given => Problem::new(
                    format!("这条 {name} 与规则不符：{path} 记为 {got}，按规则应为 {want}"),
                    format!("this {name} is not what the rules give: {path} is {got}, the rules give {want}"),
                ),
                _ => Problem::new(
                    format!("这里记为 {name}，按规则应为 {given}"),
                    format!("this {name} is not what the rules give ({given})"),
                ),
            }
        }
        (Some(l), None) => {
            let name = event_name(l);
            Problem::new(
                format!("这条 {name} 是多出来的：规则对这项操作没有给出它"),
                format!("this {name} is more than the rules give for its command"),
            )
        }
        (None, Some(d)) => {
            let given = event_name(d);
            Problem::new(
                format!("这项操作缺少规则给出的 {given}"),
                format!("the command lacks the {given} the rules give"),
            )
        }
        (None, None) => Problem::new("与规则不符", "not what the rules give"),
    }
}

/// The first place two JSON values differ: (path, this one, that one).
/// Array elements with a `number` (paper ballots) are named by it.
fn first_difference(a: &serde_json::Value, b: &serde_json::Value, path: String) -> Option<(String, String, String)> {
    use serde_json::Value;
    let at = |p: &str, k: &str| if p.is_empty() { k.to_string() } else { format!("{p}.{k}") };
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for k in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                let (u, v) = (x.get(k).unwrap_or(&Value::Null), y.get(k).unwrap_or(&Value::Null));
                if u != v {
                    return first_difference(u, v, at(&path, k));
                }
            }
            None
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            let (i, (u, v)) = x.iter().zip(y).enumerate().find(|(_, (u, v))| u != v)?;
            let label = match u.get("number").and_then(Value::as_str) {
                Some(n) => format!("{path}[{n}]"),
                None => format!("{path}[{i}]"),
            };
            first_difference(u, v, label)
        }
        _ if a == b => None,
        _ => Some((path, brief(a), brief(b))),
    }
}

/// A JSON value, at most 70 characters of it.
fn brief(v: &serde_json::Value) -> String {
    let s = match v {
        serde_json::Value::Null => "nothing".to_string(),
        v => v.to_string(),
    };
    match s.char_indices().nth(70) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s,
    }
}
