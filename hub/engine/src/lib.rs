//! The meeting engine: the rules of a screening meeting as plain Rust.
//!
//! `State::decide` turns a command from an actor into events (or a rejection);
//! `State::evolve` applies one recorded event. Nothing here reads a clock,
//! draws a random number or touches a file or socket: time and the log head
//! come in through [`Ctx`] and [`Recorded`], so the same log always replays to
//! the same state.

mod chain;
mod count;
mod decide;
mod electorate;
mod equal_shares;
mod event;
mod paper;
mod prescreen;
mod state;
mod verify;
mod view;

pub use chain::{chain_hash, fingerprint, receipt_from_hash, GENESIS_PREV};
pub use count::{count, recount, CountInput};
pub use decide::MAX_CARDS_AT_ONCE;
pub use electorate::{card_commitment, card_number, chain_step, voter_number, voter_serial, Electorate, NumberStatus};
pub use event::{ack_result, Actor, Event, Recorded, StaffCard};
pub use paper::{verdict, Desk};
pub use prescreen::{prescreening_digest, raw_id_key, record_problems, RecordProblem, MAX_RAW_PROPOSALS};
pub use state::{BallotRecord, State, TableState};
pub use verify::{event_name, parse_actor, Checker, Entry, Violation};
pub use view::{Audience, Changed, Feed, Viewer};
pub use yuanzhuo_protocol as protocol;
pub use yuanzhuo_protocol::scrutineer_letter;

use yuanzhuo_protocol::ErrorCode;

/// Facts from outside the engine that a decision may depend on.
#[derive(Debug, Clone, Default)]
pub struct Ctx {
    /// Server clock, ms since the Unix epoch.
    pub now_ms: u64,
    /// Hash of the last committed log entry (the lot seed when voting closes).
    pub head: String,
}

/// Why a command was refused: a stable code and, where useful, specifics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub code: ErrorCode,
    pub detail: Option<String>,
    /// With `paper_open` and `paper_count_mismatch`: what keeps the vote from closing.
    pub blockers: Vec<yuanzhuo_protocol::CloseBlocker>,
    /// What the refusal is about, as data (`error.about`).
    pub about: Option<Box<yuanzhuo_protocol::ErrorAbout>>,
}

impl Rejection {
    pub fn new(code: ErrorCode) -> Self {
        Rejection { code, detail: None, blockers: vec![], about: None }
    }
    pub fn with(code: ErrorCode, detail: impl ToString) -> Self {
        Rejection { code, detail: Some(detail.to_string()), blockers: vec![], about: None }
    }
    /// The same refusal, saying what it is about as data.
    pub fn about(mut self, about: yuanzhuo_protocol::ErrorAbout) -> Self {
        self.about = Some(Box::new(about));
        self
    }
    /// The refusal as the wire's `error` answering command `id`.
    pub fn to_msg(self, id: Option<String>) -> yuanzhuo_protocol::ErrorMsg {
        let mut m = yuanzhuo_protocol::ErrorMsg::new(id, self.code, self.detail);
        m.blockers = self.blockers;
        m.about = self.about;
        m
    }
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.code)?;
        if let Some(d) = &self.detail {
            write!(f, " ({d})")?;
        }
        Ok(())
    }
}
