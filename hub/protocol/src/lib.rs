//! Wire types of a Yuanzhuo meeting: what travels over `/ws` and what the
//! meeting file describes. Serde only, so that every client (table-client,
//! projector, simulator) can use them without pulling in the server.
//!
//! `docs/protocol.md` is the normative description; the types here follow it.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

mod errors;
pub mod words;
pub use errors::ErrorCode;

/// Largest text frame the hub accepts, in bytes. A ballot is under 1 KiB;
/// the largest legitimate message is a long recorder note.
pub const MAX_FRAME_BYTES: usize = 16 * 1024;
/// Longest note, remark or reason, in characters.
pub const MAX_TEXT_CHARS: usize = 2000;
/// Longest client command id, in bytes.
pub const MAX_COMMAND_ID_BYTES: usize = 64;
/// Seconds a connection has to send `hello`, counted from the moment the
/// hub accepted the TCP connection (not from the WebSocket upgrade).
pub const AUTH_TIMEOUT_SECS: u64 = 10;
/// Frames (commands, snapshot requests, pings, pongs) a connection may send
/// at once; after that [`RATE_PER_SEC`] a second. Beyond, `rate_limited`.
pub const RATE_BURST: u32 = 30;
/// Frames a connection may send per second, sustained.
pub const RATE_PER_SEC: u32 = 15;
/// The token a read-only public view presents (if the hub allows it).
pub const PUBLIC_TOKEN: &str = "public";

pub type ProposalId = String;

/// A token as the hub reads it, from a card typed by hand or scanned: case,
/// dashes and spaces ignored, O read as 0, I and L as 1 (the alphabet has
/// none of them, so a misread letter still works).
pub fn normalize_token(input: &str) -> String {
    input
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | '\t'))
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect()
}

/// Full-width ASCII forms (what a Chinese input method types: `Ｐ０３`,
/// `１１７`, the ideographic space) folded to plain ASCII.
pub fn fold_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

/// A paper ballot's printed number as the hub keeps and compares it, so
/// that one sheet counts once however it was typed: full-width folded,
/// spaces and dashes dropped, upper case, and a number of digits only
/// without its leading zeros (`0117`, `117`, `０１１７`, `01 17` → `117`;
/// `000` → `0`; `a-17` → `A17`).
pub fn normalize_ballot_number(s: &str) -> String {
    let folded: String =
        fold_width(s).chars().filter(|c| !c.is_whitespace() && *c != '-').flat_map(char::to_uppercase).collect();
    if !folded.is_empty() && folded.bytes().all(|b| b.is_ascii_digit()) {
        let trimmed = folded.trim_start_matches('0');
        return if trimmed.is_empty() { "0".to_string() } else { trimmed.to_string() };
    }
    folded
}

pub type TableNo = u16;

/// The number on a desk card: a counter's desk (counter 1, 2…), a
/// scrutineer's (1 = A, 2 = B…) or a registrar's. A number on the wire and
/// in the log (logs written before 2026-12 wrote it as a string, "2").
pub type DeskNo = u16;

/// Scrutineers are told apart by letter: 1 → "A", 2 → "B" (past 26, the number).
pub fn scrutineer_letter(n: DeskNo) -> String {
    match n {
        1..=26 => ((b'A' + n as u8 - 1) as char).to_string(),
        _ => n.to_string(),
    }
}

// ---------------------------------------------------------------- definition

/// The whole meeting as the organiser defines it before opening.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Definition {
    pub meeting: MeetingInfo,
    pub rules: Rules,
    pub proposals: Vec<Proposal>,
    /// The digest of the pre-screening record (`Prescreening`, entry 3 of
    /// the log), so that the record is fixed with the rules and counts in
    /// their fingerprint; empty (and left out of the JSON, keeping older
    /// fingerprints) when the meeting has none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub prescreening: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MeetingInfo {
    pub name: String,
    pub venue: String,
    pub date: String,
    /// "zh" or "en": the default language of the pages.
    pub language: String,
    /// Where the meeting is, for researchers (the Pabulib export's `country`,
    /// `unit` and `subunit`): e.g. "China", "南昌市西湖区", "幸福里社区".
    /// Optional, and left out of the JSON when empty, so that a definition
    /// written before they existed keeps its fingerprint.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub country: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub unit: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub subunit: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rules {
    /// Table names, in order; table numbers are 1-based positions here.
    pub tables: Vec<String>,
    pub picks_per_table: u32,
    pub max_choices: u32,
    pub discussion_minutes: u32,
    pub pitch_minutes: u32,
    pub budget: Budget,
    pub allocation: Allocation,
    pub tie_break: TieBreak,
    pub tally: TallyVisibility,
    pub assignment: Assignment,
    /// What the public board shows of each ballot.
    #[serde(default)]
    pub board: BoardDisclosure,
    /// Whether residents are registered at the door, each handed exactly one
    /// way to vote (a card, a numbered paper ballot or a sticker sheet).
    #[serde(default, skip_serializing_if = "Registration::is_off")]
    pub registration: Registration,
}

/// The door register (`registration = "door"` in the meeting file).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Registration {
    /// No register: every card issued in the log may vote; paper numbers are
    /// not checked against a list.
    #[default]
    None,
    /// A register at the door: each resident gets a register number and one
    /// way to vote, recorded in the log. Only cards handed out at the door
    /// vote, only issued paper numbers count, stickers are capped by the
    /// sheets handed out, and turnout has a denominator.
    Door,
}

impl Registration {
    pub fn is_off(&self) -> bool {
        *self == Registration::None
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Budget {
    /// Whole currency units (yuan).
    pub amount: u64,
    pub currency: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Allocation {
    /// Fund from the top of the ranking; a proposal that no longer fits is
    /// skipped and the next one is tried.
    GreedySkip,
    /// Fund from the top; stop at the first proposal that does not fit.
    GreedyStop,
    /// The Method of Equal Shares (approval ballots, cost utilities): the
    /// budget is split equally among the voters and a proposal is funded by
    /// its supporters' shares; what is left is then filled from the top of
    /// the ranking (the completion step). See docs/verification.md.
    EqualShares,
}

/// What the public board shows of each accepted ballot.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BoardDisclosure {
    /// Receipt code and choices: every voter can check their own ballot.
    #[default]
    Choices,
    /// Only the receipt codes (and the totals): no one can show how they voted.
    ReceiptsOnly,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TieBreak {
    /// Equal votes: the cheaper proposal ranks first (more projects funded).
    LowerCost,
    /// Equal votes: the proposal listed first ranks first.
    ListOrder,
    /// Equal votes: ordered by SHA-256(log head at close ‖ proposal id), a lot
    /// that nobody can steer and anyone can recompute.
    Lot,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TallyVisibility {
    Live,
    HiddenUntilClose,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Assignment {
    /// Proposals are split into contiguous, near-equal shares in list order.
    SplitEvenly,
    /// Every table discusses every proposal.
    AllTables,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Proposal {
    pub id: ProposalId,
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub location: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub proposer: String,
    /// Estimated cost in whole currency units: the one cost the count, every
    /// screen and every document use.
    pub cost: u64,
    pub level: Level,
}

/// A cost the organiser adopted from the technical adviser before the vote:
/// `cost` is then the proposal's one cost (in `proposals` too); `list_cost`
/// is the proposal list's, shown only as a remark.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdoptedCost {
    pub proposal: ProposalId,
    pub cost: u64,
    pub list_cost: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Community,
    Street,
}

// ---------------------------------------------------------------- meeting

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    #[default]
    Setup,
    CheckIn,
    Discussion,
    Picks,
    Pitches,
    Voting,
    Counted,
    Published,
}

impl Phase {
    pub const ALL: [Phase; 8] = [
        Phase::Setup,
        Phase::CheckIn,
        Phase::Discussion,
        Phase::Picks,
        Phase::Pitches,
        Phase::Voting,
        Phase::Counted,
        Phase::Published,
    ];
    pub fn next(self) -> Option<Phase> {
        let i = Phase::ALL.iter().position(|p| *p == self)?;
        Phase::ALL.get(i + 1).copied()
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Setup => "setup",
            Phase::CheckIn => "check_in",
            Phase::Discussion => "discussion",
            Phase::Picks => "picks",
            Phase::Pitches => "pitches",
            Phase::Voting => "voting",
            Phase::Counted => "counted",
            Phase::Published => "published",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            Phase::Setup => "准备",
            Phase::CheckIn => "签到",
            Phase::Discussion => "分桌讨论",
            Phase::Picks => "各桌推选",
            Phase::Pitches => "上台推介",
            Phase::Voting => "投票",
            Phase::Counted => "计票完成",
            Phase::Published => "结果公示",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            Phase::Setup => "Setup",
            Phase::CheckIn => "Check-in",
            Phase::Discussion => "Discussion",
            Phase::Picks => "Picks",
            Phase::Pitches => "Pitches",
            Phase::Voting => "Voting",
            Phase::Counted => "Counted",
            Phase::Published => "Published",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Organiser,
    Chair,
    Recorder,
    Adviser,
    Voter,
    /// A scrutineer (监票员): reads everything, counts a paper batch's
    /// sheets by hand, follows the raw log (`/scrutineer`). Logs written
    /// before 2026-12 call the role `observer`; it is read as this one.
    #[serde(alias = "observer")]
    Scrutineer,
    Projector,
    /// Anonymous read-only view (the landing page), if the hub allows it.
    Public,
    /// A counter (点票员) at the counting desk: keys paper ballots and
    /// sticker boards, each batch independently of a second counter.
    Counter,
    /// Keeps the door register (登记员): gives each arriving resident a
    /// register number and one way to vote.
    Registrar,
    /// The table screen (桌面屏): a tablet or spare phone in the middle of
    /// one table showing its speaker, countdown and talk-time balance
    /// (`/table-screen`). Sees its own table only; sends no command.
    Screen,
}

impl Role {
    /// Desk roles: their cards are claimed by the person who uses them
    /// (a PIN chosen on first use), each claim logged and shown to the room.
    pub fn is_desk_role(self) -> bool {
        matches!(self, Role::Counter | Role::Scrutineer)
    }
    pub fn is_table_role(self) -> bool {
        matches!(self, Role::Chair | Role::Recorder | Role::Adviser)
    }
    /// Roles that change nothing. (Scrutineers read
    /// everything and give one command: the physical count of a paper batch.)
    pub fn is_read_only(self) -> bool {
        matches!(self, Role::Projector | Role::Public | Role::Screen)
    }
    pub fn zh(self) -> &'static str {
        match self {
            Role::Organiser => "组织者",
            Role::Chair => "桌长",
            Role::Recorder => "记录员",
            Role::Adviser => "技术顾问",
            Role::Voter => "投票人",
            Role::Scrutineer => "监票员",
            Role::Projector => "投影",
            Role::Public => "公众",
            Role::Counter => "点票员",
            Role::Registrar => "登记员",
            Role::Screen => "桌面屏",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            Role::Organiser => "organiser",
            Role::Chair => "chair",
            Role::Recorder => "recorder",
            Role::Adviser => "adviser",
            Role::Voter => "voter",
            Role::Scrutineer => "scrutineer",
            Role::Projector => "projector",
            Role::Public => "public",
            Role::Counter => "counter",
            Role::Registrar => "registrar",
            Role::Screen => "screen",
        }
    }
}

/// A chair's word to the organiser about the table's work in this phase
/// (`signal_table`): done, or asking for more time. It decides nothing; the
/// console shows it, and it is cleared when the phase changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TableSignal {
    Ready,
    MoreTime,
}

/// Kind of turn in the speaking queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TurnKind {
    For,
    Against,
    Question,
    PointOfOrder,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteTag {
    Support,
    Concern,
    Objection,
    NewIdea,
    Question,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Feasibility {
    Feasible,
    Doubtful,
    Excluded,
}

/// The seven pre-screening exclusion rules (MEETING.md), numbered 1..=7.
pub const EXCLUSION_RULES: [(&str, &str); 7] = [
    ("不属于公共利益", "Not in the public interest"),
    ("应由其他主体负责（如物业）", "Another party is responsible (e.g. property management)"),
    ("违反政策或法律", "Violates policy or law"),
    ("与政府已建或在建项目重复", "Duplicates a government project built or planned"),
    ("超出街道实施能力", "Beyond the street's capacity to build"),
    ("技术上不可行", "Not technically feasible"),
    ("明显超出预算上限", "Clearly over the budget limit"),
];

// ---------------------------------------------------------------- pre-screening

/// The pre-screening record (预审记录): every proposal residents made before
/// the meeting and what became of it — kept as a proposal of the meeting,
/// merged into one, or struck under one of the seven rules. Entry 3 of the
/// log when the meeting has one, fixed with the rules (the definition holds
/// its digest, `Definition::prescreening`). Contacts are never in it: they
/// stay in the data folder (docs/meeting-file.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prescreening {
    pub raw: Vec<RawProposal>,
}

/// One proposal as a resident made it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProposal {
    /// Its number in the collection (`Y0001`), unique in the record.
    pub id: String,
    /// What the resident proposed, as collected.
    pub text: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub location: String,
    /// Who proposed it (a name, or a household); letters are addressed to them.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub proposer: String,
    /// Whether a contact (phone, address) is kept for it in the data folder.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub contact: bool,
    pub outcome: RawOutcome,
}

/// What became of a resident's proposal before the meeting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum RawOutcome {
    /// It is the proposal `proposal` of the meeting (one kept proposal each).
    Kept { proposal: ProposalId },
    /// Merged into the meeting's proposal `proposal`, in the way `merge`.
    Merged { proposal: ProposalId, merge: MergeKind },
    /// Struck under one of the seven rules (`EXCLUSION_RULES`, 1..=7), with a
    /// one-line reason.
    Struck { rule: u8, reason: String },
}

impl RawOutcome {
    /// The meeting's proposal it went into, if any.
    pub fn proposal(&self) -> Option<&ProposalId> {
        match self {
            RawOutcome::Kept { proposal } | RawOutcome::Merged { proposal, .. } => Some(proposal),
            RawOutcome::Struck { .. } => None,
        }
    }
}

/// The three ways of merging proposals (the Meilan and Xihu practice).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MergeKind {
    /// The same content, the places kept apart.
    Content,
    /// The same content and the same place.
    ContentAndPlace,
    /// Content and places weighed together.
    Combined,
}

impl MergeKind {
    pub const ALL: [MergeKind; 3] = [MergeKind::Content, MergeKind::ContentAndPlace, MergeKind::Combined];

    pub fn zh(self) -> &'static str {
        match self {
            MergeKind::Content => "合并内容，地点分列",
            MergeKind::ContentAndPlace => "内容和地点都合并",
            MergeKind::Combined => "按内容和地点综合合并",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            MergeKind::Content => "same content, places kept apart",
            MergeKind::ContentAndPlace => "same content and place",
            MergeKind::Combined => "content and place together",
        }
    }
}

// ---------------------------------------------------------------- commands

/// What a client asks the hub to do. Each is wrapped in a [`ClientMsg::Command`]
/// with a client-chosen id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Command {
    // organiser
    /// setup → check_in; locks the rules.
    OpenMeeting,
    /// Move to the next phase; `to` must be exactly the next one.
    AdvancePhase {
        to: Phase,
    },
    /// Start (or restart) the meeting timer.
    StartTimer {
        label: String,
        minutes: u32,
    },
    PauseTimer,
    ResumeTimer,
    ExtendTimer {
        minutes: u32,
    },
    /// Which table is on stage during pitches (starts its pitch timer).
    SetPitchTable {
        table: TableNo,
    },
    // chair
    QueueSpeaker {
        table: TableNo,
        name: String,
        turn: TurnKind,
    },
    /// Start the next waiting speaker (or `entry`), ending the current turn.
    StartSpeaker {
        table: TableNo,
        #[serde(default)]
        entry: Option<u64>,
    },
    /// End the current turn.
    StopSpeaker {
        table: TableNo,
    },
    RemoveSpeaker {
        table: TableNo,
        entry: u64,
    },
    /// Set the table's picks (exactly `picks_per_table`, from its share).
    SetPicks {
        table: TableNo,
        proposals: Vec<ProposalId>,
    },
    /// Lock the picks; no change afterwards.
    LockPicks {
        table: TableNo,
    },
    /// The chair tells the organiser the table is ready, or needs more time
    /// (`null` takes the word back). Logged; decides nothing.
    SignalTable {
        table: TableNo,
        signal: Option<TableSignal>,
    },
    // recorder (chairs may also take notes)
    AddNote {
        table: TableNo,
        #[serde(default)]
        proposal: Option<ProposalId>,
        tag: NoteTag,
        text: String,
    },
    EditNote {
        note: u64,
        tag: NoteTag,
        text: String,
    },
    WithdrawNote {
        note: u64,
    },
    // adviser
    Annotate {
        proposal: ProposalId,
        feasibility: Feasibility,
        /// 1..=7, required when excluded.
        #[serde(default)]
        exclusion_rule: Option<u8>,
        #[serde(default)]
        reason: String,
        #[serde(default)]
        cost_estimate: Option<u64>,
        #[serde(default)]
        remark: String,
    },
    // voter
    CastBallot {
        choices: Vec<ProposalId>,
    },
    // counter (paper ballots and sticker boards, double entry)
    /// Key one paper ballot of a batch into this counter's copy: its printed
    /// number and the proposals marked on it, as marked (the hub decides
    /// validity when both copies agree). Keying a number again corrects it.
    KeyPaper {
        batch: u32,
        number: String,
        marks: Vec<ProposalId>,
    },
    /// Take a ballot number out of this counter's copy of the batch.
    RemovePaper {
        batch: u32,
        number: String,
    },
    /// This counter has keyed the whole batch; once both copies are
    /// finished they are compared.
    FinishPaper {
        batch: u32,
    },
    /// The sticker counts of one board, per proposal, as this counter read
    /// them; a second counter's reading must agree.
    KeyBoard {
        board: u32,
        counts: BTreeMap<ProposalId, u64>,
    },
    // scrutineer
    /// The physical number of sheets in a paper batch, counted by hand.
    DeclareSheets {
        batch: u32,
        sheets: u32,
    },
    // organiser: the counting desk
    /// Discard a batch nobody keyed anything into (a counter opened it,
    /// perhaps keyed and removed a ballot, and left): no ballot in either
    /// copy, no sheets counted, not agreed. Logged; it no longer blocks the close.
    DiscardBatch {
        batch: u32,
    },
    // organiser: the electorate, exclusions and costs
    /// Cancel a voter card (lost, or its holder chose paper): it can no
    /// longer vote. Not once it has voted.
    CancelCard {
        serial: String,
        reason: String,
    },
    /// Confirm an adviser's recommendation to exclude a proposal under one
    /// of the seven rules (the same rule the adviser named). Before the vote only.
    ConfirmExclusion {
        proposal: ProposalId,
        rule: u8,
        reason: String,
    },
    /// Undo a confirmed exclusion. Before the vote only.
    LiftExclusion {
        proposal: ProposalId,
        reason: String,
    },
    /// Which cost the count uses for a proposal: the list's, or the
    /// adviser's current estimate. Before the vote only.
    SetCost {
        proposal: ProposalId,
        source: CostSource,
    },
    /// Free a desk card claimed on a device that is gone, so that it can be
    /// claimed again (the old device can no longer use it).
    ReleaseClaim {
        serial: String,
        reason: String,
    },
    // registrar (the door register, with `registration = "door"`)
    /// A resident arrives: a new register number and one way to vote.
    /// `holder` (optional): a name or ID number as written; only a salted
    /// hash of it reaches the log, to refuse a second registration.
    Register {
        #[serde(default)]
        holder: Option<String>,
        issue: Issue,
    },
    /// A registered resident switches (phone dead → paper): what they held
    /// is cancelled and the new one issued, in one entry.
    Reissue {
        register: u32,
        issue: Issue,
        reason: String,
    },
}

/// What a registered resident is handed at the door: one way to vote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Issue {
    /// A voter card, by its serial ("V0042").
    Card { serial: String },
    /// A numbered paper ballot, by its printed number.
    Paper { number: String },
    /// A sheet of `stickers` stickers (at most `max_choices`).
    Stickers { stickers: u32 },
}

/// Where the cost used by the count comes from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CostSource {
    /// The proposal list's cost.
    #[default]
    List,
    /// The technical adviser's estimate, adopted by the organiser.
    Adviser,
}

impl Command {
    /// The table a table command names, if it names one.
    pub fn table(&self) -> Option<TableNo> {
        match self {
            Command::QueueSpeaker { table, .. }
            | Command::StartSpeaker { table, .. }
            | Command::StopSpeaker { table }
            | Command::RemoveSpeaker { table, .. }
            | Command::SetPicks { table, .. }
            | Command::LockPicks { table }
            | Command::SignalTable { table, .. }
            | Command::AddNote { table, .. } => Some(*table),
            _ => None,
        }
    }

    /// Commands that carry nothing but their `kind`.
    pub fn takes_no_fields(&self) -> bool {
        matches!(self, Command::OpenMeeting | Command::PauseTimer | Command::ResumeTimer)
    }

    pub fn name(&self) -> &'static str {
        match self {
            Command::OpenMeeting => "open_meeting",
            Command::AdvancePhase { .. } => "advance_phase",
            Command::StartTimer { .. } => "start_timer",
            Command::PauseTimer => "pause_timer",
            Command::ResumeTimer => "resume_timer",
            Command::ExtendTimer { .. } => "extend_timer",
            Command::SetPitchTable { .. } => "set_pitch_table",
            Command::QueueSpeaker { .. } => "queue_speaker",
            Command::StartSpeaker { .. } => "start_speaker",
            Command::StopSpeaker { .. } => "stop_speaker",
            Command::RemoveSpeaker { .. } => "remove_speaker",
            Command::SetPicks { .. } => "set_picks",
            Command::LockPicks { .. } => "lock_picks",
            Command::SignalTable { .. } => "signal_table",
            Command::AddNote { .. } => "add_note",
            Command::EditNote { .. } => "edit_note",
            Command::WithdrawNote { .. } => "withdraw_note",
            Command::Annotate { .. } => "annotate",
            Command::CastBallot { .. } => "cast_ballot",
            Command::KeyPaper { .. } => "key_paper",
            Command::RemovePaper { .. } => "remove_paper",
            Command::FinishPaper { .. } => "finish_paper",
            Command::KeyBoard { .. } => "key_board",
            Command::DeclareSheets { .. } => "declare_sheets",
            Command::DiscardBatch { .. } => "discard_batch",
            Command::CancelCard { .. } => "cancel_card",
            Command::ConfirmExclusion { .. } => "confirm_exclusion",
            Command::LiftExclusion { .. } => "lift_exclusion",
            Command::SetCost { .. } => "set_cost",
            Command::ReleaseClaim { .. } => "release_claim",
            Command::Register { .. } => "register",
            Command::Reissue { .. } => "reissue",
        }
    }
}

/// Client → hub.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientMsg {
    /// Must be the first message; nothing else is accepted before it.
    Hello {
        token: String,
        #[serde(default)]
        client: Option<String>,
        /// A random id the device keeps (the page's local storage): a desk
        /// card is bound to the device that claimed it.
        #[serde(default)]
        device: Option<String>,
        /// Desk cards (counters, scrutineers): the PIN chosen when the card
        /// was claimed; on an unclaimed card, the PIN that claims it.
        #[serde(default)]
        pin: Option<String>,
        /// The last log position this client saw, with the hub's tag for it
        /// (from a `welcome`, `snapshot`, `update` or `ack`): a hub whose log
        /// no longer holds it has lost acknowledged entries and stops.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        seen: Option<Seen>,
    },
    Command {
        id: String,
        #[serde(deserialize_with = "strict_command")]
        command: Command,
    },
    /// Ask for a fresh snapshot (e.g. after the client suspects it missed
    /// something). No fields: `{"type": "snapshot", "x": 1}` is refused.
    Snapshot {},
    /// Scrutineers and the organiser: send the raw log from entry `from` on,
    /// then every entry as it is committed (`log` messages). A witness keeps it.
    FollowLog { from: u64 },
}

/// A command as sent, with nothing but its fields: serde lets unit variants
/// of a tagged enum (`open_meeting`, `pause_timer`, `resume_timer`) through
/// with any extra field, so they are checked here.
fn strict_command<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Command, D::Error> {
    use serde::de::Error;
    let value = serde_json::Value::deserialize(d)?;
    let extra = value.as_object().and_then(|o| o.keys().find(|k| *k != "kind").cloned());
    let command = Command::deserialize(value).map_err(D::Error::custom)?;
    match extra {
        Some(field) if command.takes_no_fields() => {
            Err(D::Error::custom(format!("unknown field `{field}`: `{}` takes no fields", command.name())))
        }
        _ => Ok(command),
    }
}

/// A log position a client saw: entry `seq` had hash `head`, and `tag` is the
/// hub's proof that it said so (`log_tag` of the message it came in).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seen {
    pub seq: u64,
    pub head: String,
    #[serde(default)]
    pub tag: String,
}

/// Raw log entries for a witness (`follow_log`), in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogFrame {
    pub rows: Vec<LogRow>,
    /// The hub's tag for the last row's (seq, hash), as in `seen`.
    #[serde(default)]
    pub log_tag: String,
}

/// One log entry as stored (docs/verification.md §1). While a hidden tally
/// is closed to everyone, the body of an entry written during the vote comes
/// `sealed` instead (docs/protocol.md, "Witnesses").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogRow {
    pub seq: u64,
    pub prev: String,
    pub hash: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed: Option<String>,
}

/// Hub → client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMsg {
    Welcome {
        you: Identity,
        snapshot: Box<Snapshot>,
    },
    Snapshot {
        snapshot: Box<Snapshot>,
    },
    Update(Box<Update>),
    Ack {
        id: String,
        seq: u64,
        /// Hash of entry `seq` and the hub's tag for it (see `Seen`).
        #[serde(default, skip_serializing_if = "String::is_empty")]
        log_head: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        log_tag: String,
        result: AckResult,
    },
    Error(ErrorMsg),
    /// Raw log entries, the answer to `follow_log`.
    Log(LogFrame),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorMsg {
    /// The command id this answers, if it answers one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub code: ErrorCode,
    pub zh: String,
    pub en: String,
    /// Specifics (the offending proposal id, row, limit…), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// With `rate_limited`: send again no sooner than this many milliseconds from now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_ms: Option<u64>,
    /// With `paper_open` and `paper_count_mismatch`: everything that keeps
    /// the vote from closing, in order (unfinished batches, unfinished
    /// boards, then sheet counts).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blockers: Vec<CloseBlocker>,
    /// What the refusal is about, as data (`detail` says the same for a
    /// person reading a log; pages word the refusal from this instead).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about: Option<Box<ErrorAbout>>,
}

/// What a refusal is about, as numbers and ids a page can word: the batch
/// or board, the ballot number, the counters' desks, the register number,
/// the receipt, the field. Only what applies is present.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorAbout {
    /// The batch or board concerned, with `n`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<PaperKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n: Option<u32>,
    /// A paper ballot's number, as normalised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// Counters' desk numbers: the other copy's counter (`same_device`) or
    /// the two keying a batch (`batch_taken`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub counters: Vec<DeskNo>,
    /// A door-register number (`already_registered`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub register: Option<u32>,
    /// The receipt of the ballot already cast (`already_voted`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<String>,
    /// The field refused (`invalid_field`), as named in the command.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl ErrorAbout {
    /// A batch or board by number.
    pub fn unit(unit: PaperKind, n: u32) -> Self {
        ErrorAbout { unit: Some(unit), n: Some(n), ..Default::default() }
    }
    /// A field of a command.
    pub fn field(field: impl Into<String>) -> Self {
        ErrorAbout { field: Some(field.into()), ..Default::default() }
    }
}

impl ErrorMsg {
    pub fn new(id: Option<String>, code: ErrorCode, detail: Option<String>) -> Self {
        ErrorMsg {
            id,
            code,
            zh: code.zh().to_string(),
            en: code.en().to_string(),
            detail,
            retry_after_ms: None,
            blockers: vec![],
            about: None,
        }
    }

    /// The same error, saying when to try again.
    pub fn retry_after(mut self, ms: u64) -> Self {
        self.retry_after_ms = Some(ms);
        self
    }
}

/// What an acknowledged command produced.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AckResult {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choices: Option<Vec<ProposalId>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<Phase>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    /// `register`, `reissue`: the resident's register number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub register: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Identity {
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<TableNo>,
    /// Advisers whose token covers every table.
    #[serde(default)]
    pub all_tables: bool,
    /// A short public label: "桌长 · 第2桌", "V0042".
    pub label: String,
    /// Counters, scrutineers and registrars: the number of their desk card
    /// (the same number as `counter` in the desk's copies and `scrutineer`
    /// in its sheet counts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desk: Option<DeskNo>,
}

// ---------------------------------------------------------------- views

/// Everything a connection may see, filtered for its role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub seq: u64,
    pub log_head: String,
    /// The hub's tag for (`seq`, `log_head`): what a client sends back in `hello` as `seen`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub log_tag: String,
    pub server_now_ms: u64,
    pub meeting: MeetingInfo,
    pub rules: Rules,
    /// Short fingerprint of the locked rules and proposals ("" before opening).
    pub fingerprint: String,
    pub phase: Phase,
    pub timer: Option<Timer>,
    pub pitch: Option<Pitch>,
    pub proposals: Vec<Proposal>,
    pub tables: Vec<TableSummary>,
    /// Full detail of the tables this connection works at (its own; every
    /// table for organiser, scrutineers and all-table advisers).
    pub table_details: Vec<TableDetail>,
    pub annotations: Vec<Annotation>,
    pub turnout: Turnout,
    /// Per-proposal counts, when this role may see them.
    pub tally: Option<Tally>,
    pub results: Option<Results>,
    /// A voter's own ballot, once cast.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub my_ballot: Option<MyBallot>,
    /// The counting desk: paper batches and sticker boards (organiser,
    /// scrutineers and counters only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paper: Option<PaperView>,
    /// The keyed copies this connection may read: every copy for the
    /// organiser and scrutineers, a counter's own copies for a counter (so that
    /// the second keying stays independent of the first).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub paper_copies: Vec<PaperCopy>,
    /// Who may vote and who counts, as the log records it (everyone).
    #[serde(default)]
    pub electorate: Electorate,
    /// Proposals excluded by the organiser on an adviser's recommendation
    /// (everyone). An excluded proposal is never funded.
    #[serde(default)]
    pub exclusions: Vec<Exclusion>,
    /// Costs adopted from the technical adviser (everyone); `proposals`
    /// already carry them as `cost`.
    #[serde(default)]
    pub adopted_costs: Vec<AdoptedCost>,
    /// A voter's own card: whether it may vote.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub my_card: Option<MyCard>,
    /// The door register, entry by entry (registrars, the organiser,
    /// scrutineers), when the rules have one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub register: Option<Vec<RegisterEntry>>,
}

/// Who may vote and who counts: every voter card the log issued (how many,
/// when, why), the cancelled ones, and the counting desk's cards with their
/// claims. The same for everyone.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Electorate {
    /// Voter cards issued in the log.
    pub cards_issued: u64,
    /// Of those, cancelled.
    pub cards_cancelled: u64,
    /// Fingerprint of the issued cards' commitments, "XXXX-XXXX" ("" before
    /// any card): changes whenever a card is issued.
    pub fingerprint: String,
    /// Each issue of voter cards, in log order.
    pub issuances: Vec<CardIssuance>,
    /// Each cancelled card, in log order.
    pub cancellations: Vec<CardCancellation>,
    /// The counters' and scrutineers' cards and who claimed them.
    pub desk: Vec<DeskCard>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CardIssuance {
    pub seq: u64,
    pub at_ms: u64,
    /// First and last serial ("V0001", "V0120").
    pub first: String,
    pub last: String,
    pub count: u32,
    /// Required once the meeting is open ("" before).
    pub reason: String,
    /// Issued after the vote opened: the room is told.
    pub during_vote: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CardCancellation {
    pub seq: u64,
    pub at_ms: u64,
    pub serial: String,
    pub reason: String,
}

/// A counter's or scrutineer's card: its number at the desk and its claim.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeskCard {
    /// "counter-1", "scrutineer-2".
    pub serial: String,
    pub role: Role,
    /// The desk number (counter 1, 2…) or the scrutineer's (1 = A, 2 = B).
    pub number: DeskNo,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim: Option<Claim>,
}

/// A desk card claimed by the person using it, on one device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    pub seq: u64,
    pub at_ms: u64,
    /// A short hash of the device's id (the device itself stays private).
    pub device: String,
    /// The network address the claim came from.
    pub address: String,
    /// Other cards (and "organiser") connected from the same address when
    /// the claim was made: shown to the room, never hidden.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub same_address_as: Vec<String>,
}

/// A proposal excluded under one of the seven rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Exclusion {
    pub proposal: ProposalId,
    /// 1..=7 (`EXCLUSION_RULES`).
    pub rule: u8,
    pub reason: String,
    pub at_ms: u64,
}

/// Whether a voter's card may vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CardStatus {
    Usable,
    /// Cancelled (lost, or its holder switched to paper).
    Cancelled,
    /// With the door register: the card has not been handed out at the door.
    NotRegistered,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MyCard {
    pub serial: String,
    pub status: CardStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// One resident at the door register.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegisterEntry {
    /// 1, 2, 3… in order of arrival.
    pub register: u32,
    pub at_ms: u64,
    /// What they hold now.
    pub issue: Issue,
    /// Whether a name or ID was recorded (only its salted hash is in the log).
    pub holder: bool,
    /// Earlier issues, cancelled by a switch, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replaced: Vec<Replaced>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Replaced {
    pub at_ms: u64,
    pub issue: Issue,
    pub reason: String,
}

/// A part of the snapshot that changed; every present field replaces the
/// snapshot's field of the same name (`table_detail` replaces the entry with
/// the same table number in `table_details`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Update {
    pub seq: u64,
    pub log_head: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub log_tag: String,
    pub server_now_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<Phase>,
    /// `Some(None)` clears the timer.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "double_option")]
    pub timer: Option<Option<Timer>>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "double_option")]
    pub pitch: Option<Option<Pitch>>,
    /// Every table's summary (only when the meeting is defined).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tables: Option<Vec<TableSummary>>,
    /// Replaces the summary with the same `table` in `tables` (its picks
    /// or who speaks changed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<TableSummary>,
    /// Who speaks now at one table and its balance (sets `speaking`,
    /// `spoken` and `seats` of the summary with the same `table`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaking: Option<TableSpeaking>,
    /// A table's whole detail (replaces the one with the same `table`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table_detail: Option<TableDetail>,
    /// What changed in one table's detail: merged into `table_details`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table_change: Option<TableChange>,
    /// Replaces (or adds) the annotation of the same `proposal` in `annotations`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotation: Option<Annotation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turnout: Option<Turnout>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tally: Option<Tally>,
    /// The counts that changed (only the proposals some ballot chose) and
    /// the ballots now: merged into `tally`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tally_change: Option<Tally>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub results: Option<Results>,
    /// The whole counting desk (sent live only when the vote closes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paper: Option<PaperView>,
    /// Replaces (or adds) the batch with the same number in `paper.batches`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paper_batch: Option<BatchView>,
    /// Replaces (or adds) the board with the same number in `paper.boards`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paper_board: Option<BoardView>,
    /// The desk's totals (`paper.counted`, `void`, `stickers`, `marks_hidden`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paper_totals: Option<PaperTotals>,
    /// Replaces the copy with the same `unit` and `counter` in `paper_copies`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paper_copy: Option<PaperCopy>,
    /// What changed in one keyed copy of a batch: merged into `paper_copies`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copy_change: Option<CopyChange>,
    /// The organiser discarded this empty batch: remove it from
    /// `paper.batches` and its copies from `paper_copies`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_discarded: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub electorate: Option<Electorate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclusions: Option<Vec<Exclusion>>,
    /// Replaces the proposal with the same `id` in `proposals` (its cost
    /// changed; `adopted_costs` comes with it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposal: Option<Proposal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adopted_costs: Option<Vec<AdoptedCost>>,
    /// The voter's own card changed (cancelled, or handed out at the door).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub my_card: Option<MyCard>,
    /// Replaces (or adds) the entry with the same `register` number in `register`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub register_entry: Option<RegisterEntry>,
}

impl Snapshot {
    /// Apply an update in place (what every client does with `update`).
    pub fn apply(&mut self, u: &Update) {
        self.seq = u.seq;
        self.log_head = u.log_head.clone();
        self.log_tag = u.log_tag.clone();
        self.server_now_ms = u.server_now_ms;
        if let Some(f) = &u.fingerprint {
            self.fingerprint = f.clone();
        }
        if let Some(p) = u.phase {
            self.phase = p;
        }
        if let Some(t) = &u.timer {
            self.timer = t.clone();
        }
        if let Some(p) = &u.pitch {
            self.pitch = p.clone();
        }
        if let Some(t) = &u.tables {
            self.tables = t.clone();
        }
        if let Some(t) = &u.table {
            match self.tables.iter_mut().find(|x| x.table == t.table) {
                Some(slot) => *slot = t.clone(),
                None => {
                    self.tables.push(t.clone());
                    self.tables.sort_by_key(|x| x.table);
                }
            }
        }
        if let Some(x) = &u.speaking {
            if let Some(t) = self.tables.iter_mut().find(|t| t.table == x.table) {
                t.speaking = x.speaking.clone();
                t.spoken = x.spoken;
                t.seats = x.seats;
            }
        }
        if let Some(c) = &u.table_change {
            match self.table_details.iter_mut().find(|x| x.table == c.table) {
                Some(d) => d.merge(c),
                None => {
                    let mut d = TableDetail { table: c.table, queue: vec![], balance: vec![], notes: vec![] };
                    d.merge(c);
                    self.table_details.push(d);
                    self.table_details.sort_by_key(|x| x.table);
                }
            }
        }
        if let Some(a) = &u.annotation {
            match self.annotations.binary_search_by(|x| x.proposal.as_str().cmp(&a.proposal)) {
                Ok(i) => self.annotations[i] = a.clone(),
                Err(i) => self.annotations.insert(i, a.clone()),
            }
        }
        if let Some(d) = &u.table_detail {
            match self.table_details.iter_mut().find(|x| x.table == d.table) {
                Some(slot) => *slot = d.clone(),
                None => {
                    self.table_details.push(d.clone());
                    self.table_details.sort_by_key(|x| x.table);
                }
            }
        }
        if let Some(t) = &u.turnout {
            self.turnout = t.clone();
        }
        if let Some(t) = &u.tally {
            self.tally = Some(t.clone());
        }
        if let (Some(c), Some(t)) = (&u.tally_change, &mut self.tally) {
            t.counts.extend(c.counts.iter().map(|(k, v)| (k.clone(), *v)));
            t.ballots = c.ballots;
        }
        if let Some(r) = &u.results {
            self.results = Some(r.clone());
        }
        if let Some(p) = &u.paper {
            self.paper = Some(p.clone());
        }
        if u.paper_batch.is_some() || u.paper_board.is_some() || u.paper_totals.is_some() {
            let p = self.paper.get_or_insert_with(|| PaperView {
                batches: vec![],
                boards: vec![],
                counted: 0,
                void: 0,
                stickers: 0,
                marks_hidden: false,
            });
            if let Some(b) = &u.paper_batch {
                match p.batches.binary_search_by_key(&b.batch, |x| x.batch) {
                    Ok(i) => p.batches[i] = b.clone(),
                    Err(i) => p.batches.insert(i, b.clone()),
                }
            }
            if let Some(b) = &u.paper_board {
                match p.boards.binary_search_by_key(&b.board, |x| x.board) {
                    Ok(i) => p.boards[i] = b.clone(),
                    Err(i) => p.boards.insert(i, b.clone()),
                }
            }
            if let Some(t) = &u.paper_totals {
                (p.counted, p.void, p.stickers, p.marks_hidden) = (t.counted, t.void, t.stickers, t.marks_hidden);
            }
        }
        if let Some(e) = &u.electorate {
            self.electorate = e.clone();
        }
        if let Some(x) = &u.exclusions {
            self.exclusions = x.clone();
        }
        if let Some(c) = &u.my_card {
            self.my_card = Some(c.clone());
        }
        if let Some(a) = &u.adopted_costs {
            self.adopted_costs = a.clone();
        }
        if let Some(p) = &u.proposal {
            if let Some(slot) = self.proposals.iter_mut().find(|x| x.id == p.id) {
                *slot = p.clone();
            }
        }
        if let Some(e) = &u.register_entry {
            let list = self.register.get_or_insert_with(Vec::new);
            match list.binary_search_by_key(&e.register, |x| x.register) {
                Ok(i) => list[i] = e.clone(),
                Err(i) => list.insert(i, e.clone()),
            }
        }
        if let Some(c) = &u.paper_copy {
            *self.copy_mut(c.unit, c.counter) = c.clone();
        }
        if let Some(c) = &u.copy_change {
            self.copy_mut(c.unit, c.counter).merge(c);
        }
        if let Some(n) = u.batch_discarded {
            if let Some(p) = &mut self.paper {
                p.batches.retain(|b| b.batch != n);
            }
            self.paper_copies.retain(|c| c.unit != PaperUnit::Batch(n));
        }
    }

    /// The copy of `unit` keyed at `counter`'s desk, added empty if missing.
    fn copy_mut(&mut self, unit: PaperUnit, counter: DeskNo) -> &mut PaperCopy {
        let at = match self.paper_copies.binary_search_by(|x| (x.unit, x.counter).cmp(&(unit, counter))) {
            Ok(i) => i,
            Err(i) => {
                let empty = PaperCopy { unit, counter, finished: false, ballots: vec![], counts: BTreeMap::new() };
                self.paper_copies.insert(i, empty);
                i
            }
        };
        &mut self.paper_copies[at]
    }

    pub fn proposal(&self, id: &str) -> Option<&Proposal> {
        self.proposals.iter().find(|p| p.id == id)
    }
}

/// The meeting clock. Remaining time is computed by the client from
/// `server_now_ms`, so that every screen shows the same countdown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Timer {
    pub label: String,
    pub duration_ms: u64,
    /// When the current run started (server clock, ms since the Unix epoch).
    pub started_at_ms: u64,
    /// Time already used before the current run (after pauses).
    pub used_before_ms: u64,
    pub paused: bool,
}

impl Timer {
    /// Remaining milliseconds at `now_ms` (negative once over time).
    pub fn remaining_ms(&self, now_ms: u64) -> i64 {
        let used = self.used_before_ms + if self.paused { 0 } else { now_ms.saturating_sub(self.started_at_ms) };
        self.duration_ms as i64 - used as i64
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pitch {
    pub table: TableNo,
    /// The next table to pitch, if any has not pitched yet.
    pub next: Option<TableNo>,
    pub done: Vec<TableNo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableSummary {
    pub table: TableNo,
    pub name: String,
    /// Proposal ids this table discusses.
    pub share: Vec<ProposalId>,
    pub picks: Vec<ProposalId>,
    pub picks_locked: bool,
    /// Name of who is speaking now, if anyone.
    pub speaking: Option<String>,
    /// The chair's word in this phase: ready, or needs more time.
    #[serde(default)]
    pub signal: Option<TableSignal>,
    /// The table's speaking balance: how many seats have spoken (or speak
    /// now) of the `seats` that have queued to speak.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub spoken: u32,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub seats: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableDetail {
    pub table: TableNo,
    pub queue: Vec<QueueEntry>,
    /// Talk time per speaker, in order of first appearance.
    pub balance: Vec<SpeakerBalance>,
    pub notes: Vec<Note>,
}

/// Who speaks now at a table (an `update`'s `speaking`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableSpeaking {
    pub table: TableNo,
    pub speaking: Option<String>,
    /// The table's balance (sets `spoken` and `seats` of the summary).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub spoken: u32,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub seats: u32,
}

/// What changed in one table's detail (an `update`'s `table_change`):
/// queue entries, speakers' balance rows and notes, each replacing the one
/// with the same key (`entry`, `name`, `note`) or added at the end; a queue
/// entry whose state is `removed` leaves the queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableChange {
    pub table: TableNo,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub queue: Vec<QueueEntry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub balance: Vec<SpeakerBalance>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
}

impl TableDetail {
    /// Apply a [`TableChange`] of this table.
    pub fn merge(&mut self, c: &TableChange) {
        for e in &c.queue {
            let at = self.queue.iter().position(|x| x.entry == e.entry);
            match (at, e.state) {
                (Some(i), TurnState::Removed) => drop(self.queue.remove(i)),
                (None, TurnState::Removed) => {}
                (Some(i), _) => self.queue[i] = e.clone(),
                (None, _) => self.queue.push(e.clone()),
            }
        }
        for b in &c.balance {
            match self.balance.iter_mut().find(|x| x.name == b.name) {
                Some(slot) => *slot = b.clone(),
                None => self.balance.push(b.clone()),
            }
        }
        for n in &c.notes {
            match self.notes.iter_mut().find(|x| x.note == n.note) {
                Some(slot) => *slot = n.clone(),
                None => self.notes.push(n.clone()),
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueEntry {
    pub entry: u64,
    pub name: String,
    pub turn: TurnKind,
    pub state: TurnState,
    pub queued_at_ms: u64,
    pub started_at_ms: Option<u64>,
    pub ended_at_ms: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TurnState {
    Waiting,
    Speaking,
    Done,
    Removed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpeakerBalance {
    pub name: String,
    pub turns: u32,
    /// Completed talk time; the current turn is added by the client from
    /// the queue entry's `started_at_ms`.
    pub total_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Note {
    pub note: u64,
    pub table: TableNo,
    pub proposal: Option<ProposalId>,
    pub tag: NoteTag,
    pub text: String,
    pub by: Role,
    pub at_ms: u64,
    pub edited_at_ms: Option<u64>,
    pub withdrawn: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Annotation {
    pub proposal: ProposalId,
    pub feasibility: Feasibility,
    pub exclusion_rule: Option<u8>,
    pub reason: String,
    pub cost_estimate: Option<u64>,
    pub remark: String,
    /// The adviser's table (advisers are seated at a table).
    pub by_table: Option<TableNo>,
    pub at_ms: u64,
}

/// The count's numbers, the same on every screen, export and `hub verify`:
/// who may vote, ballots received, valid and void, by source.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Turnout {
    /// Ballots received: by phone, and from agreed paper batches (void included).
    pub ballots: u64,
    /// Of those, from paper (agreed batches, void included).
    #[serde(default)]
    pub paper: u64,
    /// Of the paper ballots, void under the rules.
    #[serde(default)]
    pub void: u64,
    /// Of `ballots`, by phone.
    #[serde(default)]
    pub phone: u64,
    /// Ballots that count: phone and valid paper (`ballots` − `void`).
    #[serde(default)]
    pub valid: u64,
    /// Void paper ballots by reason (`blank`, `over_limit`, …).
    #[serde(default)]
    pub void_reasons: BTreeMap<VoidReason, u64>,
    /// Votes from agreed sticker boards.
    #[serde(default)]
    pub stickers: u64,
    /// Voter cards issued in the log, and of them cancelled.
    #[serde(default)]
    pub cards_issued: u64,
    #[serde(default)]
    pub cards_cancelled: u64,
    /// With the door register: who was registered and handed what.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub register: Option<RegisterCounts>,
}

/// The door register in numbers.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RegisterCounts {
    /// Residents registered (each holds one way to vote).
    pub registered: u64,
    /// Of them holding a voter card, a paper ballot, a sticker sheet.
    pub cards: u64,
    pub paper: u64,
    pub sticker_sheets: u64,
    /// Stickers handed out in all.
    pub stickers: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tally {
    /// Proposal id → votes, for every proposal (zeros included).
    pub counts: BTreeMap<ProposalId, u64>,
    pub ballots: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MyBallot {
    pub receipt: String,
    pub choices: Vec<ProposalId>,
}

/// The count, ranking and budget allocation once voting has closed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Results {
    pub ballots: u64,
    pub ranking: Vec<RankRow>,
    pub funded: Vec<ProposalId>,
    pub total_cost: u64,
    pub budget: u64,
    pub allocation: Allocation,
    pub tie_break: TieBreak,
    /// Groups of proposals with equal votes, and how their order was decided.
    pub ties: Vec<TieGroup>,
    /// Log head when voting closed (the lot seed for `tie_break = lot`).
    pub closed_at_head: String,
    /// Of `ballots`, those keyed from paper.
    #[serde(default)]
    pub paper: u64,
    /// Paper ballots void under the rules (not in `ballots`, not counted).
    #[serde(default)]
    pub void: u64,
    /// Votes from sticker boards (in the votes, not in `ballots`).
    #[serde(default)]
    pub stickers: u64,
    /// How the Method of Equal Shares decided, when that is the rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equal_shares: Option<EqualSharesOutcome>,
}

/// The Method of Equal Shares, explained: each voter's share of the budget,
/// what the shares bought (in that order), and what the completion step
/// then added from the top of the ranking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EqualSharesOutcome {
    /// Voters whose ballots counted (phone and valid paper).
    pub voters: u64,
    /// Budget ÷ voters, in yuan, to two decimals (rounded down).
    pub share: String,
    /// Funded by the voters' shares, in the order the method chose them.
    pub selected: Vec<ProposalId>,
    /// Funded afterwards from the top of the ranking with what was left.
    pub completion: Vec<ProposalId>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankRow {
    /// Competition rank: equal votes share a rank (1, 2, 2, 4…).
    pub rank: u32,
    /// Position after the tie-break (1, 2, 3, 4…), the order funding follows.
    pub position: u32,
    pub proposal: ProposalId,
    pub votes: u64,
    pub cost: u64,
    pub funded: bool,
    /// Sum of costs funded so far, this one included if funded.
    pub running_total: u64,
    /// Why it is not funded (when not).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unfunded_reason: Option<UnfundedReason>,
}

/// Why a proposal in the ranking is not funded (docs/protocol.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnfundedReason {
    /// What is left of the budget is less than its cost.
    DoesNotFit,
    /// `allocation = "greedy_stop"`: funding stopped at an earlier proposal that did not fit.
    Stopped,
    /// No votes at all: never funded, whatever is left.
    NoVotes,
    /// Excluded after the advisers' pre-screening was confirmed.
    Excluded,
}

impl std::fmt::Display for UnfundedReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl UnfundedReason {
    pub fn as_str(self) -> &'static str {
        match self {
            UnfundedReason::DoesNotFit => "does_not_fit",
            UnfundedReason::Stopped => "stopped",
            UnfundedReason::NoVotes => "no_votes",
            UnfundedReason::Excluded => "excluded",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TieGroup {
    pub votes: u64,
    /// In the order the tie-break put them.
    pub proposals: Vec<ProposalId>,
    /// Whether the tie decided something (straddles the budget line).
    pub decisive: bool,
}

// ---------------------------------------------------------------- paper

/// A paper batch (a stack of ballots counted together) or a sticker board.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaperUnit {
    Batch(u32),
    Board(u32),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaperStatus {
    /// Being keyed (or one copy finished, waiting for the other).
    Keying,
    /// Both copies finished and they differ: re-check the paper, correct, finish again.
    Disputed,
    /// Both copies agree: the batch or board counts.
    Agreed,
}

/// One paper ballot as keyed: its printed number and the marks on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyedBallot {
    pub number: String,
    pub marks: Vec<ProposalId>,
}

/// A paper ballot of an agreed batch, with the verdict of the rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaperBallot {
    pub number: String,
    pub marks: Vec<ProposalId>,
    /// Why it does not count; absent if valid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub void: Option<VoidReason>,
}

/// Why a paper ballot does not count (declared in alphabetical order, so
/// that maps keyed by it keep the order they had as strings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VoidReason {
    /// No marks.
    Blank,
    /// With the door register: its number was handed out and then cancelled.
    CancelledNumber,
    /// More marks than `max_choices` (wins over the reasons below).
    OverLimit,
    /// The same proposal marked twice.
    RepeatedMark,
    /// With the door register: its number was never handed out.
    UnissuedNumber,
    /// A mark that is no proposal of the meeting.
    UnknownProposal,
}

impl std::fmt::Display for VoidReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl VoidReason {
    pub fn as_str(self) -> &'static str {
        match self {
            VoidReason::Blank => "blank",
            VoidReason::CancelledNumber => "cancelled_number",
            VoidReason::OverLimit => "over_limit",
            VoidReason::RepeatedMark => "repeated_mark",
            VoidReason::UnissuedNumber => "unissued_number",
            VoidReason::UnknownProposal => "unknown_proposal",
        }
    }
}

/// Where two copies of a batch differ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaperDifference {
    /// The ballot number (batches) or proposal id (boards).
    pub at: String,
    pub reason: DifferenceReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DifferenceReason {
    /// The two copies have different marks for this number.
    MarksDiffer,
    /// Keyed by one counter only.
    OnlyInOne,
    /// The number was already counted in another batch.
    NumberUsed,
    /// Boards: the two readings of this proposal's stickers differ.
    CountDiffers,
}

impl DifferenceReason {
    pub fn as_str(self) -> &'static str {
        match self {
            DifferenceReason::MarksDiffer => "marks_differ",
            DifferenceReason::OnlyInOne => "only_in_one",
            DifferenceReason::NumberUsed => "number_used",
            DifferenceReason::CountDiffers => "count_differs",
        }
    }
}

/// Batch or board, in a close blocker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaperKind {
    Batch,
    Board,
}

/// What keeps one batch or board from letting the vote close.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockerReason {
    /// Still being keyed: a copy (or, for a board, the second reading) is not finished.
    Keying,
    /// Both copies finished and they differ.
    Disputed,
    /// A scrutineer counted its sheets but nobody has keyed it.
    NothingKeyed,
    /// Agreed, but no scrutineer has entered the hand count of its sheets.
    NoSheets,
    /// Agreed, and the ballots keyed (`keyed`) differ from a hand count (`sheets`).
    Mismatch,
}

/// One thing that keeps the vote from closing (the counting desk): in a
/// batch's or board's view (`blocker`) and, all of them, in the refusal of
/// the close (`error.blockers`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloseBlocker {
    pub unit: PaperKind,
    /// The batch's or board's number.
    pub n: u32,
    pub why: BlockerReason,
    /// The refusal's code: `paper_open` (keying, disputed, nothing_keyed)
    /// or `paper_count_mismatch` (no_sheets, mismatch).
    pub code: ErrorCode,
    /// With `no_sheets` and `mismatch`: the ballots keyed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keyed: Option<u32>,
    /// With `mismatch`: the hand count that differs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheets: Option<u32>,
    /// A batch with no ballot in either copy and no sheets counted: the
    /// organiser may discard it (`discard_batch`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub discardable: bool,
}

/// One counter's copy of a batch or board, as keyed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaperCopy {
    pub unit: PaperUnit,
    /// The counter's desk number.
    pub counter: DeskNo,
    pub finished: bool,
    /// Batches: the ballots keyed, by number.
    #[serde(default)]
    pub ballots: Vec<KeyedBallot>,
    /// Boards: stickers per proposal.
    #[serde(default)]
    pub counts: BTreeMap<ProposalId, u64>,
}

/// What changed in one counter's copy of a batch (an `update`'s
/// `copy_change`): ballots keyed or corrected (replacing the one with the
/// same number), numbers taken out, and whether the copy is finished.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CopyChange {
    pub unit: PaperUnit,
    pub counter: DeskNo,
    pub finished: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keyed: Vec<KeyedBallot>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<String>,
}

impl PaperCopy {
    /// Apply a [`CopyChange`] of this copy (ballots stay in number order).
    pub fn merge(&mut self, c: &CopyChange) {
        self.finished = c.finished;
        for b in &c.keyed {
            match self.ballots.binary_search_by(|x| x.number.cmp(&b.number)) {
                Ok(i) => self.ballots[i] = b.clone(),
                Err(i) => self.ballots.insert(i, b.clone()),
            }
        }
        for n in &c.removed {
            if let Ok(i) = self.ballots.binary_search_by(|x| x.number.cmp(n)) {
                self.ballots.remove(i);
            }
        }
    }
}

/// The counting desk's totals (an `update`'s `paper_totals`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaperTotals {
    pub counted: u64,
    pub void: u64,
    pub stickers: u64,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub marks_hidden: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetCount {
    /// The scrutineer's number (1 = A); `null` in a log written before
    /// scrutineers were told apart.
    pub scrutineer: Option<DeskNo>,
    pub sheets: u32,
}

/// A copy, summarised (what a counter may know of the other copy).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CopySummary {
    pub counter: DeskNo,
    pub finished: bool,
    /// Ballots keyed (batches) or proposals with stickers (boards).
    pub entries: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchView {
    pub batch: u32,
    pub status: PaperStatus,
    pub copies: Vec<CopySummary>,
    /// Sheets counted by hand: the count when every scrutineer who counted
    /// agrees, else absent.
    pub sheets: Option<u32>,
    /// Each scrutineer's hand count (`scrutineer`: their number).
    #[serde(default)]
    pub sheet_counts: Vec<SheetCount>,
    pub differences: Vec<PaperDifference>,
    /// Once agreed: the ballots of the batch, valid and void.
    #[serde(default)]
    pub ballots: Vec<PaperBallot>,
    /// What this batch keeps from closing the vote, if anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocker: Option<CloseBlocker>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardView {
    pub board: u32,
    pub status: PaperStatus,
    pub copies: Vec<CopySummary>,
    pub differences: Vec<PaperDifference>,
    /// Once agreed: stickers per proposal.
    #[serde(default)]
    pub counts: BTreeMap<ProposalId, u64>,
    /// What this board keeps from closing the vote, if anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocker: Option<CloseBlocker>,
}

/// The counting desk as everyone at it may see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaperView {
    pub batches: Vec<BatchView>,
    pub boards: Vec<BoardView>,
    /// Agreed paper ballots: counted, and void.
    pub counted: u64,
    pub void: u64,
    /// Agreed sticker votes.
    pub stickers: u64,
    /// True while a hidden tally (`tally = "hidden_until_close"`) keeps
    /// per-proposal counts from everyone: agreed ballots then carry their
    /// number and verdict but no marks, agreed boards no counts, and the
    /// copies the organiser and scrutineers see no marks (a counter still
    /// sees their own copy whole).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub marks_hidden: bool,
}

/// Serde helper: distinguish "absent" from "null" for optional fields.
mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    pub fn serialize<T: Serialize, S: Serializer>(v: &Option<Option<T>>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(inner) => inner.serialize(s),
            None => s.serialize_none(),
        }
    }
    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(d).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_wire_shape() {
        let m: ClientMsg = serde_json::from_str(
            r#"{"type":"command","id":"c1","command":{"kind":"cast_ballot","choices":["P01","P07"]}}"#,
        )
        .unwrap();
        assert_eq!(
            m,
            ClientMsg::Command {
                id: "c1".into(),
                command: Command::CastBallot { choices: vec!["P01".into(), "P07".into()] }
            }
        );
        let unit: ClientMsg =
            serde_json::from_str(r#"{"type":"command","id":"c2","command":{"kind":"open_meeting"}}"#).unwrap();
        assert!(matches!(unit, ClientMsg::Command { command: Command::OpenMeeting, .. }));
        assert!(serde_json::from_str::<ClientMsg>(
            r#"{"type":"command","id":"c","command":{"kind":"cast_ballot","choices":[],"x":1}}"#
        )
        .is_err());
        // Commands and messages without fields refuse unknown ones too.
        for unit in ["open_meeting", "pause_timer", "resume_timer"] {
            let text = format!(r#"{{"type":"command","id":"c","command":{{"kind":"{unit}","x":1}}}}"#);
            let e = serde_json::from_str::<ClientMsg>(&text).unwrap_err().to_string();
            assert!(e.contains("unknown field `x`"), "{unit}: {e}");
        }
        let e = serde_json::from_str::<ClientMsg>(r#"{"type":"snapshot","x":1}"#).unwrap_err().to_string();
        assert!(e.contains("unknown field `x`"), "{e}");
        assert_eq!(serde_json::from_str::<ClientMsg>(r#"{"type":"snapshot"}"#).unwrap(), ClientMsg::Snapshot {});
        assert_eq!(serde_json::to_string(&ClientMsg::Snapshot {}).unwrap(), r#"{"type":"snapshot"}"#);
    }

    #[test]
    fn update_timer_null_clears_and_absent_keeps() {
        let u: Update = serde_json::from_str(r#"{"seq":1,"log_head":"","server_now_ms":0,"timer":null}"#).unwrap();
        assert_eq!(u.timer, Some(None));
        let u: Update = serde_json::from_str(r#"{"seq":1,"log_head":"","server_now_ms":0}"#).unwrap();
        assert_eq!(u.timer, None);
        let text = serde_json::to_string(&Update { timer: Some(None), ..Default::default() }).unwrap();
        assert!(text.contains(r#""timer":null"#), "{text}");
    }

    #[test]
    fn ballot_numbers_count_once_however_typed() {
        for typed in ["117", "0117", "００１１７", "０１１７", " 0117 ", "01 17", "0-117"] {
            assert_eq!(normalize_ballot_number(typed), "117", "{typed:?}");
        }
        assert_eq!(normalize_ballot_number("000"), "0");
        assert_eq!(normalize_ballot_number("ａ-１７"), "A17");
        assert_eq!(normalize_ballot_number("B0117"), "B0117", "letters keep their zeros");
        assert_eq!(normalize_ballot_number(""), "");
    }

    #[test]
    fn phases_advance_in_order() {
        let mut p = Phase::Setup;
        let mut seen = vec![p];
        while let Some(n) = p.next() {
            assert!(n > p);
            p = n;
            seen.push(p);
        }
        assert_eq!(seen, Phase::ALL);
    }

    #[test]
    fn timer_counts_down_and_pauses() {
        let mut t =
            Timer { label: "x".into(), duration_ms: 60_000, started_at_ms: 1000, used_before_ms: 0, paused: false };
        assert_eq!(t.remaining_ms(11_000), 50_000);
        t.paused = true;
        t.used_before_ms = 10_000;
        assert_eq!(t.remaining_ms(99_000), 50_000);
    }
}
