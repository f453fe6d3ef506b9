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

use yuanzhuo_protocol::words::{fill_in, verify, Words};
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
    fn said(seq: u64, w: Words) -> Violation {
        Violation { seq, problem: w.en.into(), zh: w.zh.into() }
    }
}

/// "第 130 条记录：… / entry 130: …", as `scripts/verify-count` names an entry.
impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.seq.to_string();
        let zh = fill_in(verify::AT_ENTRY.zh, &[("n", &n), ("zh", &self.zh)]);
        let en = fill_in(verify::AT_ENTRY.en, &[("n", &n), ("en", &self.problem)]);
        write!(f, "{zh} / {en}")
    }
}

/// Why an entry breaks the rules, in both languages.
struct Problem {
    zh: String,
    en: String,
}

impl Problem {
    /// The entry `w` with its `{name}`s filled in.
    fn said(w: Words, values: &[(&str, &str)]) -> Problem {
        let (zh, en) = w.fill(values);
        Problem { zh, en }
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
            return Err(Violation::said(seq, verify::TIME_BEFORE_ENTRY_BEFORE));
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
            return Err(Violation::said(r.seq, verify::ONE_COMMAND_AT_TWO_TIMES));
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
            let (w, detail) = match &r.detail {
                Some(d) => (verify::BREAKS_THE_RULES_DETAIL, d.as_str()),
                None => (verify::BREAKS_THE_RULES, ""),
            };
            let values = |why| {
                [("actor", actor), ("name", name.as_str()), ("why", why), ("code", r.code.as_str()), ("detail", detail)]
            };
            Problem { zh: fill_in(w.zh, &values(r.code.zh())), en: fill_in(w.en, &values(r.code.en())) }
        };
        if let Event::MeetingDefined { .. } = first.event {
            return if first.seq == 1 && actor == "hub" {
                Ok(vec![first.event.clone()])
            } else {
                Err(Problem::said(verify::DEFINITION_NOT_FIRST, &[]))
            };
        }
        if first.seq == 1 {
            return Err(Problem::said(verify::FIRST_ENTRY_NOT_DEFINITION, &[]));
        }
        // Entry 2 is the staff cards, issued by the hub with the meeting, and
        // nothing else is: no staff card is added later.
        if (first.seq == 2) != matches!(first.event, Event::StaffCardsIssued { .. }) {
            return Err(Problem::said(verify::STAFF_CARDS_ARE_ENTRY_TWO, &[]));
        }
        // A meeting defined with a pre-screening record has it at entry 3.
        let names_record = s.definition.as_ref().is_some_and(|d| !d.prescreening.is_empty());
        if first.seq == 3 && names_record && !matches!(first.event, Event::PrescreeningRecorded { .. }) {
            return Err(Problem::said(verify::RECORD_NOT_ENTRY_THREE, &[]));
        }
        let who = parse_actor(actor)
            .ok_or_else(|| Problem::said(verify::UNKNOWN_ACTOR, &[("actor", &format!("{actor:?}"))]))?;
        let ctx = Ctx { now_ms: first.at_ms, head: prev.to_string() };
        let cmd = match &first.event {
            Event::StaffCardsIssued { cards } => {
                return if actor == "hub" {
                    s.issue_staff_cards(cards.clone()).map_err(refused)
                } else {
                    Err(Problem::said(verify::STAFF_CARDS_NOT_BY_HUB, &[("actor", actor)]))
                };
            }
            Event::PrescreeningRecorded { record } => {
                // Written by the hub as it creates the meeting, right after
                // the staff cards: before anything else can happen.
                return if actor == "hub" && first.seq == 3 {
                    s.record_prescreening(record.clone()).map_err(refused)
                } else {
                    Err(Problem::said(
                        verify::RECORD_NOT_BY_HUB_AT_CREATION,
                        &[("n", &first.seq.to_string()), ("actor", actor)],
                    ))
                };
            }
            Event::VoterCardsIssued { commitments, reason, .. } => {
                // The hub issues voter cards itself only as it creates the
                // meeting (entry 3, or 4 after a pre-screening record).
                let created_at = if s.prescreening.is_some() { 4 } else { 3 };
                if actor == "hub" && first.seq != created_at {
                    return Err(Problem::said(verify::VOTER_CARDS_BY_HUB_LATER, &[("n", &first.seq.to_string())]));
                }
                let who = if actor == "hub" { Actor::organiser() } else { who };
                return s.issue_voter_cards(&who, commitments.clone(), reason).map_err(refused);
            }
            Event::CardClaimed { serial, device, address, same_address_as } => {
                if who.desk_card().as_deref() != Some(serial.as_str()) {
                    return Err(Problem::said(
                        verify::CARD_CLAIMED_BY_ANOTHER,
                        &[("serial", serial), ("actor", actor)],
                    ));
                }
                return s.claim(serial, device, address, same_address_as.clone()).map_err(refused);
            }
            other => command_of(group)
                .ok_or_else(|| Problem::said(verify::ONLY_WITH_ANOTHER_COMMAND, &[("name", &event_name(other))]))?,
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
                Some((path, got, want)) if name == given => Problem::said(
                    verify::FIELD_NOT_WHAT_RULES_GIVE,
                    &[("name", &name), ("path", &path), ("got", &got), ("want", &want)],
                ),
                _ => Problem::said(verify::EVENT_NOT_WHAT_RULES_GIVE, &[("name", &name), ("given", &given)]),
            }
        }
        (Some(l), None) => Problem::said(verify::MORE_THAN_RULES_GIVE, &[("name", &event_name(l))]),
        (None, Some(d)) => Problem::said(verify::LACKS_WHAT_RULES_GIVE, &[("given", &event_name(d))]),
        (None, None) => Problem::said(verify::NOT_WHAT_RULES_GIVE, &[]),
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// The Rust files of `hub/engine/src`, `hub/client/src` and `hub/deflate/src`, each without
    /// its `#[cfg(test)]` module (the last thing in a file: tests may assert
    /// Chinese text) and without comments.
    fn code_files() -> Vec<(String, String)> {
        let hub = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut out = Vec::new();
        for folder in ["engine/src", "client/src", "deflate/src"] {
            let dir = hub.join(folder);
            for e in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())).flatten() {
                if e.path().extension().is_some_and(|x| x == "rs") {
                    let text = std::fs::read_to_string(e.path()).unwrap_or_else(|err| panic!("{err}"));
                    let code = text.split("#[cfg(test)]").next().unwrap_or_default();
                    out.push((format!("hub/{folder}/{}", e.file_name().to_string_lossy()), without_comments(code)));
                }
            }
        }
        out.sort();
        out
    }

    /// Code without `/* … */` and without `//` comments (at the start of a
    /// line or after a space, so that "ws://" stays).
    fn without_comments(text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(i) = rest.find("/*") {
            out.push_str(&rest[..i]);
            rest = rest[i + 2..].split_once("*/").map_or("", |(_, r)| r);
        }
        out.push_str(rest);
        out.lines()
            .map(|l| match l.find("//").filter(|&i| i == 0 || l[..i].ends_with(char::is_whitespace)) {
                Some(i) => &l[..i],
                None => l,
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn is_cjk(c: char) -> bool {
        matches!(c, '\u{3000}'..='\u{303f}' | '\u{3400}'..='\u{9fff}' | '\u{ff00}'..='\u{ffef}')
    }

    /// Every word the engine and the clients' shared crate show comes from
    /// the vocabulary (`yuanzhuo_protocol::words`): none of their code
    /// writes Chinese itself.
    #[test]
    fn the_engine_and_the_client_write_no_chinese() {
        let files = code_files();
        for must in [
            "hub/engine/src/verify.rs",
            "hub/engine/src/event.rs",
            "hub/client/src/address.rs",
            "hub/deflate/src/lib.rs",
        ] {
            assert!(files.iter().any(|(f, _)| f == must), "{must} not read: {files:?}");
        }
        let found: Vec<String> = files
            .iter()
            .flat_map(|(name, code)| {
                code.lines()
                    .enumerate()
                    .filter(|(_, l)| l.chars().any(is_cjk))
                    .map(move |(n, l)| format!("{name}:{}: {}", n + 1, l.trim()))
            })
            .collect();
        assert!(found.is_empty(), "Chinese written outside yuanzhuo_protocol::words:\n{}", found.join("\n"));
    }

    /// Each entry of `words::verify` is used by the engine or the client.
    #[test]
    fn every_verify_word_is_used() {
        let code: String = code_files().into_iter().map(|(_, c)| c).collect();
        let used: std::collections::BTreeSet<String> = code
            .split("verify::")
            .skip(1)
            .map(|p| p.chars().take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_').collect())
            .collect();
        let unused: Vec<_> = verify::ALL.iter().map(|(k, _)| *k).filter(|k| !used.contains(*k)).collect();
        assert!(
            unused.is_empty(),
            "words::verify entries neither the engine nor the client uses (remove them): {unused:?}"
        );
    }

    #[test]
    fn a_violation_names_its_entry_in_both_languages() {
        let v = Violation::said(130, verify::TIME_BEFORE_ENTRY_BEFORE);
        assert_eq!(
            v.to_string(),
            "第 130 条记录：时间早于上一条记录 / entry 130: its time is earlier than the entry before"
        );
        // A value is not read again as a template.
        let v = Violation { seq: 7, problem: "{zh}".into(), zh: "{en}".into() };
        assert_eq!(v.to_string(), "第 7 条记录：{en} / entry 7: {zh}");
    }

    #[test]
    fn a_log_begins_with_the_definition() {
        let mut c = Checker::new();
        let r = Recorded { seq: 1, at_ms: 5, hash: String::new(), event: Event::TimerPaused };
        c.push(Entry { record: &r, actor: "organiser", command_id: Some("c1"), prev: "" }).expect("gathered");
        let v = c.finish().map(|_| ()).map_err(|v| v.to_string());
        assert_eq!(
            v,
            Err(
                "第 1 条记录：日志的第一条不是会议定义 / entry 1: the log does not begin with the meeting's definition"
                    .into()
            )
        );
    }
}
