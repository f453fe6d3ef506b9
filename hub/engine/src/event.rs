//! Events: the facts the log records, and who caused them.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use yuanzhuo_protocol::words::{fill_in, ui, verify};
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
    /// A chair's word to the organiser (ready / more time / taken back).
    TableSignalled {
        table: TableNo,
        signal: Option<TableSignal>,
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
    // The counting desk. `counter` is the counter's desk number (a string
    // in logs from before 2026-12: `older::desk`).
    PaperKeyed {
        batch: u32,
        #[serde(deserialize_with = "older::desk")]
        counter: DeskNo,
        number: String,
        marks: Vec<ProposalId>,
    },
    PaperRemoved {
        batch: u32,
        #[serde(deserialize_with = "older::desk")]
        counter: DeskNo,
        number: String,
    },
    PaperFinished {
        batch: u32,
        #[serde(deserialize_with = "older::desk")]
        counter: DeskNo,
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
    /// A scrutineer's hand count of a batch's sheets (`scrutineer`: their
    /// number; absent in logs written before scrutineers were told apart).
    SheetsDeclared {
        batch: u32,
        sheets: u32,
        #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "older::some_desk")]
        scrutineer: Option<DeskNo>,
    },
    /// The organiser discarded a batch with nothing keyed and no sheets counted.
    BatchDiscarded {
        batch: u32,
    },
    BoardKeyed {
        board: u32,
        #[serde(deserialize_with = "older::desk")]
        counter: DeskNo,
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
    // Who may vote and who counts.
    /// The staff cards of the meeting (entry 2 of a new meeting): each
    /// card's role and a commitment to its code, never the code.
    StaffCardsIssued {
        cards: Vec<StaffCard>,
    },
    /// The pre-screening record (entry 3 when the meeting has one, written
    /// by the hub as it creates the meeting): what became of every proposal
    /// residents made. Its digest is the definition's `prescreening`.
    PrescreeningRecorded {
        record: Prescreening,
    },
    /// Voter cards `V{first}`, `V{first+1}`… one per commitment (see
    /// `card_commitment`). After the meeting opens, with a reason.
    VoterCardsIssued {
        first: u32,
        commitments: Vec<String>,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        reason: String,
    },
    CardCancelled {
        serial: String,
        reason: String,
    },
    /// A counter's or scrutineer's card claimed by the person using it, on
    /// one device (`device`: a short hash of its id), from `address`.
    CardClaimed {
        #[serde(deserialize_with = "older::serial")]
        serial: String,
        device: String,
        address: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty", deserialize_with = "older::serials")]
        same_address_as: Vec<String>,
    },
    ClaimReleased {
        #[serde(deserialize_with = "older::serial")]
        serial: String,
        reason: String,
    },
    /// A resident at the door register: number `register`, holding `issue`.
    /// `holder`: a salted hash of the name or ID written down, if any.
    Registered {
        register: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        holder: Option<String>,
        issue: Issue,
    },
    /// A registered resident switched: `cancelled` is void from now on.
    Reissued {
        register: u32,
        cancelled: Issue,
        issue: Issue,
        reason: String,
    },
    // Exclusions and costs, fixed before the vote.
    ExclusionConfirmed {
        proposal: ProposalId,
        rule: u8,
        reason: String,
    },
    ExclusionLifted {
        proposal: ProposalId,
        reason: String,
    },
    /// The cost the count uses for `proposal` from now on.
    CostSet {
        proposal: ProposalId,
        cost: u64,
        source: CostSource,
    },
}

/// A staff card as the log records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffCard {
    /// "organiser", "chair-2", "counter-1", "scrutineer-2", "registrar-1"…
    #[serde(deserialize_with = "older::serial")]
    pub serial: String,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<TableNo>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub all_tables: bool,
    pub commitment: String,
}

/// Names that logs written by earlier versions use, read as today's.
/// Before 2026-12 the scrutineer's role was called `observer` on the wire
/// and in the log (`observer-1`, `observer:1`); the role reads both
/// (`Role`'s serde alias), and card serials are read here. Writing always
/// uses today's names; a log's bytes and hashes are never rewritten.
mod older {
    use serde::{Deserialize, Deserializer};
    use yuanzhuo_protocol::DeskNo;

    /// A card serial as today's hub names it.
    pub fn current(serial: String) -> String {
        match serial.strip_prefix("observer-") {
            Some(n) => format!("scrutineer-{n}"),
            None => serial,
        }
    }

    pub fn serial<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        String::deserialize(d).map(current)
    }

    pub fn serials<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
        Vec::<String>::deserialize(d).map(|v| v.into_iter().map(current).collect())
    }

    /// A desk number as written: a number, or (before 2026-12) its digits
    /// as a string ("2").
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Written {
        Number(DeskNo),
        Digits(String),
    }

    impl Written {
        fn number<E: serde::de::Error>(self) -> Result<DeskNo, E> {
            match self {
                Written::Number(n) => Ok(n),
                // Exactly the digits a number is written with: not "02" or "+2", which
                // `scripts/verify-count` (comparing text) would not take as desk 2 either.
                Written::Digits(s) => s
                    .parse::<DeskNo>()
                    .ok()
                    .filter(|n| n.to_string() == s)
                    .ok_or_else(|| E::custom(format!("desk number {s:?} is not a number"))),
            }
        }
    }

    pub fn desk<'de, D: Deserializer<'de>>(d: D) -> Result<DeskNo, D::Error> {
        Written::deserialize(d)?.number()
    }

    pub fn some_desk<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DeskNo>, D::Error> {
        Option::<Written>::deserialize(d)?.map(Written::number).transpose()
    }
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
    /// The public serial of a voter card ("V0042"), for voters only; the
    /// token itself is secret.
    pub serial: Option<String>,
    /// The number of a counter's desk, a scrutineer or a registrar.
    pub number: Option<DeskNo>,
}

impl Actor {
    pub fn organiser() -> Self {
        Actor::read_only(Role::Organiser)
    }
    pub fn at_table(role: Role, table: TableNo) -> Self {
        Actor { table: Some(table), ..Actor::read_only(role) }
    }
    pub fn voter(serial: impl Into<String>) -> Self {
        Actor { serial: Some(serial.into()), ..Actor::read_only(Role::Voter) }
    }
    /// A counter at desk `desk`.
    pub fn counter(desk: DeskNo) -> Self {
        Actor { number: Some(desk), ..Actor::read_only(Role::Counter) }
    }
    /// The voter card's serial, for voters only.
    pub fn voter_serial(&self) -> Option<&String> {
        self.serial.as_ref().filter(|_| self.role == Role::Voter)
    }
    /// The counter's desk, for counters only.
    pub fn desk(&self) -> Option<DeskNo> {
        self.number.filter(|_| self.role == Role::Counter)
    }
    /// A scrutineer with a number.
    pub fn scrutineer(n: DeskNo) -> Self {
        Actor { number: Some(n), ..Actor::read_only(Role::Scrutineer) }
    }
    /// A registrar at the door.
    pub fn registrar(n: DeskNo) -> Self {
        Actor { number: Some(n), ..Actor::read_only(Role::Registrar) }
    }
    /// The staff card serial of a desk role ("counter-2", "scrutineer-1").
    pub fn desk_card(&self) -> Option<String> {
        match (self.role, self.number) {
            (Role::Counter | Role::Scrutineer, Some(n)) => Some(format!("{}-{n}", self.role.en())),
            _ => None,
        }
    }
    pub fn read_only(role: Role) -> Self {
        Actor { role, table: None, all_tables: false, serial: None, number: None }
    }

    /// Stable public name of the actor in the log: "organiser", "chair:2",
    /// "adviser:*", "voter:V0042", "counter:2".
    pub fn key(&self) -> String {
        match (self.role, self.table, &self.serial, self.number) {
            (Role::Voter, _, Some(v), _) => format!("voter:{v}"),
            (Role::Counter | Role::Scrutineer | Role::Registrar, _, _, Some(n)) => format!("{}:{n}", self.role.en()),
            (r, _, _, _) if r == Role::Adviser && self.all_tables => "adviser:*".to_string(),
            (r, Some(t), _, _) => format!("{}:{t}", r.en()),
            (r, None, _, _) => r.en().to_string(),
        }
    }

    /// Short label for people: "桌长 · 第2桌".
    pub fn label(&self, rules: Option<&Rules>) -> String {
        if let Some(v) = self.voter_serial() {
            return v.clone();
        }
        match (self.role, self.number) {
            (Role::Scrutineer, Some(n)) => return format!("{} {}", self.role.zh(), scrutineer_letter(n)),
            (Role::Counter | Role::Registrar, Some(n)) => {
                return format!("{} · {}", self.role.zh(), fill_in(verify::DESK_NUMBER.zh, &[("n", &n.to_string())]))
            }
            _ => {}
        }
        match self.table {
            Some(t) if !self.all_tables => {
                let name = rules
                    .and_then(|r| r.tables.get((t as usize).checked_sub(1)?).cloned())
                    .unwrap_or_else(|| fill_in(ui::TABLE.zh, &[("n", &t.to_string())]));
                format!("{} · {name}", self.role.zh())
            }
            _ if self.all_tables => format!("{} · {}", self.role.zh(), ui::EVERY_TABLE.zh),
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
            Event::Registered { register, .. } | Event::Reissued { register, .. } => res.register = Some(*register),
            _ => {}
        }
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_desk_number_is_written_as_a_number_and_read_as_either() {
        let e = Event::PaperFinished { batch: 3, counter: 2 };
        let written = serde_json::to_string(&e).unwrap();
        assert_eq!(written, r#"{"type":"paper_finished","batch":3,"counter":2}"#);
        // Logs from before 2026-12 wrote the digits as a string.
        let old: Event = serde_json::from_str(r#"{"type":"paper_finished","batch":3,"counter":"2"}"#).unwrap();
        assert_eq!(old, e);
        let sheets = r#"{"type":"sheets_declared","batch":1,"sheets":9,"scrutineer":"1"}"#;
        assert!(matches!(serde_json::from_str(sheets).unwrap(), Event::SheetsDeclared { scrutineer: Some(1), .. }));
        let unnamed = r#"{"type":"sheets_declared","batch":1,"sheets":9}"#;
        assert!(matches!(serde_json::from_str(unnamed).unwrap(), Event::SheetsDeclared { scrutineer: None, .. }));
        // Anything else is refused, not read as some desk.
        for bad in [r#""two""#, r#""""#, r#""02""#, r#""+2""#, r#"" 2""#, "-1", "70000", "1.5", "null"] {
            let text = format!(r#"{{"type":"paper_finished","batch":3,"counter":{bad}}}"#);
            assert!(serde_json::from_str::<Event>(&text).is_err(), "{text} was read");
        }
    }

    #[test]
    fn an_actor_is_labelled_by_role_and_place() {
        let label = |key: &str| crate::parse_actor(key).map(|a| a.label(None));
        assert_eq!(label("chair:5").as_deref(), Some("桌长 · 第5桌"));
        assert_eq!(label("adviser:*").as_deref(), Some("技术顾问 · 全部桌"));
        assert_eq!(label("counter:2").as_deref(), Some("点票员 · 2号"));
        assert_eq!(label("registrar:3").as_deref(), Some("登记员 · 3号"));
        assert_eq!(label("voter:V0042").as_deref(), Some("V0042"));
    }
}
