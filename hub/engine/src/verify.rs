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

/// A broken rule, at the entry where it shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub seq: u64,
    pub problem: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "entry {}: {}", self.seq, self.problem)
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
            return Err(Violation { seq, problem: "its time is earlier than the entry before".into() });
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
            return Err(Violation { seq: r.seq, problem: "entries of one command with different times".into() });
        }
        let decided = self.redecide(actor, prev, first, &logged).map_err(|problem| Violation { seq, problem })?;
        if decided.len() != logged.len() || decided.iter().zip(&logged).any(|(a, b)| a != *b) {
            let at = decided.iter().zip(&logged).position(|(a, b)| a != *b).unwrap_or(decided.len().min(logged.len()));
            let at_seq = group.get(at).map_or(seq, |(r, ..)| r.seq);
            let expected = match decided.get(at) {
                Some(e) => format!("the rules give {}", event_name(e)),
                None => "the rules give nothing more".into(),
            };
            return Err(Violation {
                seq: at_seq,
                problem: format!("{} breaks the rules ({expected})", what(&logged, at)),
            });
        }
        for (r, ..) in &group {
            self.state.evolve(r);
        }
        Ok(())
    }

    /// The events the engine gives for the command behind this group.
    fn redecide(&self, actor: &str, prev: &str, first: &Recorded, group: &[&Event]) -> Result<Vec<Event>, String> {
        let s = &self.state;
        let refused = |r: crate::Rejection| format!("{} was refused by the rules: {r}", event_name(&first.event));
        if let Event::MeetingDefined { .. } = first.event {
            return if first.seq == 1 && actor == "hub" {
                Ok(vec![first.event.clone()])
            } else {
                Err("a meeting definition that is not the log's first entry".into())
            };
        }
        if first.seq == 1 {
            return Err("the log does not begin with the meeting's definition".into());
        }
        let who = parse_actor(actor).ok_or_else(|| format!("unknown actor {actor:?}"))?;
        let ctx = Ctx { now_ms: first.at_ms, head: prev.to_string() };
        let cmd = match &first.event {
            Event::StaffCardsIssued { cards } => {
                return if actor == "hub" {
                    s.issue_staff_cards(cards.clone()).map_err(refused)
                } else {
                    Err("staff cards issued by someone other than the hub".into())
                };
            }
            Event::VoterCardsIssued { commitments, reason, .. } => {
                let who = if actor == "hub" { Actor::organiser() } else { who };
                return s.issue_voter_cards(&who, commitments.clone(), reason).map_err(refused);
            }
            Event::CardClaimed { serial, device, address, same_address_as } => {
                if who.desk_card().as_deref() != Some(serial.as_str()) {
                    return Err(format!("card {serial} claimed by {actor}"));
                }
                return s.claim(serial, device, address, same_address_as.clone()).map_err(refused);
            }
            other => command_of(group).ok_or_else(|| format!("{} cannot begin a command", event_name(other)))?,
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
        (Role::Adviser, "*") => Actor { role, table: None, all_tables: true, serial: None },
        (Role::Chair | Role::Recorder | Role::Adviser, t) => Actor::at_table(role, t.parse().ok()?),
        (Role::Voter | Role::Counter | Role::Observer | Role::Registrar, n) if !n.is_empty() => {
            Actor { role, table: None, all_tables: false, serial: Some(n.to_string()) }
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

fn what(logged: &[&Event], at: usize) -> String {
    match logged.get(at) {
        Some(e) => format!("this {}", event_name(e)),
        None => "the command".into(),
    }
}
