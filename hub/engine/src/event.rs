//! Events: the facts the log records, and who caused them.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use yuanzhuo_protocol::*;

/// Everything that can happen to a meeting. Serialised into the log as
/// `{"type": "...", ...}`; field names are part of the log format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// First entry of every log: the meeting as defined.
    MeetingDefined {
        definition: Definition,
    },
    MeetingOpened {
        fingerprint: String,
    },
    PhaseChanged {
        from: Phase,
        to: Phase,
        /// Log head when voting closed: the seed of `tie_break = lot`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        lot_seed: Option<String>,
    },
    TimerStarted {
        label: String,
        duration_ms: u64,
    },
    TimerPaused,
    TimerResumed,
    TimerExtended {
        by_ms: u64,
    },
    TimerCleared,
    PitchTableSet {
        table: TableNo,
    },
    SpeakerQueued {
        table: TableNo,
        entry: u64,
        name: String,
        turn: TurnKind,
    },
    SpeakerStarted {
        table: TableNo,
        entry: u64,
    },
    SpeakerStopped {
        table: TableNo,
        entry: u64,
    },
    SpeakerRemoved {
        table: TableNo,
        entry: u64,
    },
    PicksSet {
        table: TableNo,
        proposals: Vec<ProposalId>,
    },
    PicksLocked {
        table: TableNo,
    },
    NoteAdded {
        table: TableNo,
        note: u64,
        proposal: Option<ProposalId>,
        tag: NoteTag,
        text: String,
        by: Role,
    },
    NoteEdited {
        table: TableNo,
        note: u64,
        tag: NoteTag,
        text: String,
    },
    NoteWithdrawn {
        table: TableNo,
        note: u64,
    },
    Annotated {
        proposal: ProposalId,
        feasibility: Feasibility,
        exclusion_rule: Option<u8>,
        reason: String,
        cost_estimate: Option<u64>,
        remark: String,
        by_table: Option<TableNo>,
    },
    BallotCast {
        voter: String,
        choices: Vec<ProposalId>,
    },
    // The counting desk. `counter` is the counter's desk number.
    PaperKeyed {
        batch: u32,
        counter: String,
        number: String,
        marks: Vec<ProposalId>,
    },
    PaperRemoved {
        batch: u32,
        counter: String,
        number: String,
    },
    PaperFinished {
        batch: u32,
        counter: String,
    },
    /// Both copies finished, and they differ.
    PaperDisputed {
        batch: u32,
        differences: Vec<PaperDifference>,
    },
    /// Both copies agree: the batch's ballots with the rules' verdict on each.
    PaperAgreed {
        batch: u32,
        ballots: Vec<PaperBallot>,
    },
    SheetsDeclared {
        batch: u32,
        sheets: u32,
    },
    BoardKeyed {
        board: u32,
        counter: String,
        counts: BTreeMap<ProposalId, u64>,
    },
    BoardDisputed {
        board: u32,
        differences: Vec<PaperDifference>,
    },
    BoardAgreed {
        board: u32,
        counts: BTreeMap<ProposalId, u64>,
    },
}

/// An event as committed to the log: its position, time and hash.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    pub seq: u64,
    pub at_ms: u64,
    pub hash: String,
    pub event: Event,
}

/// Who issues a command, as established by the token at connect.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Actor {
    pub role: Role,
    pub table: Option<TableNo>,
    /// Advisers (and only they) may be granted every table.
    pub all_tables: bool,
    /// The public serial of a voter card ("V0042") or a counter's desk
    /// number ("2"); the token itself is secret.
    pub serial: Option<String>,
}

impl Actor {
    pub fn organiser() -> Self {
        Actor { role: Role::Organiser, table: None, all_tables: false, serial: None }
    }
    pub fn at_table(role: Role, table: TableNo) -> Self {
        Actor { role, table: Some(table), all_tables: false, serial: None }
    }
    pub fn voter(serial: impl Into<String>) -> Self {
        Actor { role: Role::Voter, table: None, all_tables: false, serial: Some(serial.into()) }
    }
    /// A counter at desk `desk` ("1", "2"…).
    pub fn counter(desk: impl Into<String>) -> Self {
        Actor { role: Role::Counter, table: None, all_tables: false, serial: Some(desk.into()) }
    }
    /// The voter card's serial, for voters only.
    pub fn voter_serial(&self) -> Option<&String> {
        self.serial.as_ref().filter(|_| self.role == Role::Voter)
    }
    /// The counter's desk, for counters only.
    pub fn desk(&self) -> Option<&String> {
        self.serial.as_ref().filter(|_| self.role == Role::Counter)
    }
    pub fn read_only(role: Role) -> Self {
        Actor { role, table: None, all_tables: false, serial: None }
    }

    /// Stable public name of the actor in the log: "organiser", "chair:2",
    /// "adviser:*", "voter:V0042".
    pub fn key(&self) -> String {
        match (self.role, self.table, &self.serial) {
            (Role::Voter, _, Some(v)) => format!("voter:{v}"),
            (Role::Counter, _, Some(d)) => format!("counter:{d}"),
            (r, _, _) if r == Role::Adviser && self.all_tables => "adviser:*".to_string(),
            (r, Some(t), _) => format!("{}:{t}", r.en()),
            (r, None, _) => r.en().to_string(),
        }
    }

    /// Short label for people: "桌长 · 第2桌".
    pub fn label(&self, rules: Option<&Rules>) -> String {
        if let Some(v) = self.voter_serial() {
            return v.clone();
        }
        if let Some(d) = self.desk() {
            return format!("{} · {d}号", self.role.zh());
        }
        match self.table {
            Some(t) if !self.all_tables => {
                let name = rules
                    .and_then(|r| r.tables.get((t as usize).checked_sub(1)?).cloned())
                    .unwrap_or_else(|| format!("第{t}桌"));
                format!("{} · {name}", self.role.zh())
            }
            _ if self.all_tables => format!("{} · 全部桌", self.role.zh()),
            _ => self.role.zh().to_string(),
        }
    }
}

/// The answer to an accepted command, derived from the entries it produced
/// (so that a re-sent command id gets the very same answer after a restart).
pub fn ack_result(records: &[Recorded]) -> AckResult {
    let mut res = AckResult::default();
    for r in records {
        match &r.event {
            Event::BallotCast { choices, .. } => {
                res.receipt = Some(crate::chain::receipt_from_hash(&r.hash));
                res.choices = Some(choices.clone());
            }
            Event::NoteAdded { note, .. } => res.note = Some(*note),
            Event::SpeakerQueued { entry, .. } => res.entry = Some(*entry),
            Event::PhaseChanged { to, .. } => res.phase = Some(*to),
            Event::MeetingOpened { fingerprint } => res.fingerprint = Some(fingerprint.clone()),
            _ => {}
        }
    }
    res
}
