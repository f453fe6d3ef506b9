//! Who may vote and who counts, as the log records it: the voter cards
//! issued (with a commitment to each code, never the code), the cancelled
//! ones, the staff cards and the claims of the counting desk's cards, and
//! the door register (each resident holding exactly one way to vote).
//!
//! Pure bookkeeping: `decide` asks it what is allowed, `evolve` tells it
//! what happened. The hub alone knows the codes; it proves which card is
//! which by recomputing `card_commitment` at start.

use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap, HashSet};
use yuanzhuo_protocol::*;

use crate::event::StaffCard;

/// Commitment to a card's code: the first 128 bits of SHA-256 over
/// `"yuanzhuo-card\n" ‖ meeting ‖ "\n" ‖ serial ‖ "\n" ‖ code`, lower-case
/// hex. `meeting` is the hash of the log's first entry, so that no table of
/// codes can be computed in advance; the code has 60 bits or more, so the
/// commitment does not give it away.
pub fn card_commitment(meeting: &str, serial: &str, code: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"yuanzhuo-card\n");
    h.update(meeting.as_bytes());
    h.update(b"\n");
    h.update(serial.as_bytes());
    h.update(b"\n");
    h.update(code.as_bytes());
    hex::encode(&h.finalize()[..16])
}

/// The serial of voter card number `n`: "V0042".
pub fn voter_serial(n: u32) -> String {
    format!("V{n:04}")
}

/// The number of a voter serial ("V0042" → 42).
pub fn voter_number(serial: &str) -> Option<u32> {
    serial.strip_prefix('V')?.parse().ok()
}

/// A voter card as the log knows it.
#[derive(Debug, Clone, PartialEq)]
pub struct VoterCard {
    pub commitment: String,
    pub issued_seq: u64,
    /// Why it can no longer vote, if cancelled.
    pub cancelled: Option<String>,
    /// With the door register: the register entry holding it.
    pub register: Option<u32>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StaffState {
    pub card: StaffCard,
    pub claim: Option<Claim>,
}

/// One resident at the door.
#[derive(Debug, Clone, PartialEq)]
pub struct RegisterState {
    pub at_ms: u64,
    pub holder: Option<String>,
    pub issue: Issue,
    pub replaced: Vec<Replaced>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Electorate {
    /// Hash of the log's first entry: the `meeting` of every commitment.
    pub meeting: String,
    /// Voter cards by serial, in serial order.
    pub cards: BTreeMap<String, VoterCard>,
    /// Highest voter card number issued.
    pub last_voter: u32,
    /// Running hash over every issued card (`fingerprint`).
    pub chain: String,
    pub issuances: Vec<CardIssuance>,
    pub cancellations: Vec<CardCancellation>,
    /// Staff cards by serial.
    pub staff: BTreeMap<String, StaffState>,
    /// The door register; entry n is `register[n - 1]`.
    pub register: Vec<RegisterState>,
    /// Holder hash → register number.
    pub holders: HashMap<String, u32>,
    /// Paper ballot numbers (normalised) handed out → register number.
    pub paper: HashMap<String, u32>,
    /// Paper numbers handed out and then cancelled by a switch.
    pub paper_cancelled: HashSet<String>,
    /// Stickers currently handed out.
    pub stickers: u64,
}

/// Where a paper ballot's number stands with the door register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberStatus {
    Issued,
    Unissued,
    Cancelled,
}

impl Electorate {
    /// Add a batch of voter cards (`VoterCardsIssued`).
    pub fn issue_voters(
        &mut self,
        seq: u64,
        at_ms: u64,
        first: u32,
        commitments: &[String],
        reason: &str,
        voting: bool,
    ) {
        for (i, c) in commitments.iter().enumerate() {
            let serial = voter_serial(first + i as u32);
            self.chain = chain_step(&self.chain, &serial, c);
            self.cards
                .insert(serial, VoterCard { commitment: c.clone(), issued_seq: seq, cancelled: None, register: None });
        }
        let last = first + commitments.len().saturating_sub(1) as u32;
        self.last_voter = self.last_voter.max(last);
        self.issuances.push(CardIssuance {
            seq,
            at_ms,
            first: voter_serial(first),
            last: voter_serial(last),
            count: commitments.len() as u32,
            reason: reason.to_string(),
            during_vote: voting,
        });
    }

    /// "XXXX-XXXX": the first 32 bits of the running hash over every issued
    /// card, in the order issued ("" before any card).
    pub fn fingerprint(&self) -> String {
        if self.chain.is_empty() {
            return String::new();
        }
        let up = self.chain.to_uppercase();
        format!("{}-{}", &up[0..4], &up[4..8])
    }

    /// Cancel a card (once: a card cancelled already stays as it was).
    pub fn cancel(&mut self, seq: u64, at_ms: u64, serial: &str, reason: &str) {
        if let Some(c) = self.cards.get_mut(serial).filter(|c| c.cancelled.is_none()) {
            c.cancelled = Some(reason.to_string());
            self.cancellations.push(CardCancellation {
                seq,
                at_ms,
                serial: serial.to_string(),
                reason: reason.to_string(),
            });
        }
    }

    pub fn cancelled(&self) -> u64 {
        self.cancellations.len() as u64
    }

    /// Whether voter card `serial` may vote now, and if not why.
    pub fn card_status(&self, serial: &str, door: bool) -> Option<CardStatus> {
        let c = self.cards.get(serial)?;
        Some(if c.cancelled.is_some() {
            CardStatus::Cancelled
        } else if door && c.register.is_none() {
            CardStatus::NotRegistered
        } else {
            CardStatus::Usable
        })
    }

    /// With the door register: where paper number `number` (normalised) stands.
    pub fn number_status(&self, number: &str) -> NumberStatus {
        if self.paper.contains_key(number) {
            NumberStatus::Issued
        } else if self.paper_cancelled.contains(number) {
            NumberStatus::Cancelled
        } else {
            NumberStatus::Unissued
        }
    }

    /// Hand `issue` to register entry `register` (new or switching).
    pub fn hand(&mut self, register: u32, issue: &Issue) {
        match issue {
            Issue::Card { serial } => {
                if let Some(c) = self.cards.get_mut(serial) {
                    c.register = Some(register);
                }
            }
            Issue::Paper { number } => {
                self.paper.insert(number.clone(), register);
            }
            Issue::Stickers { stickers } => self.stickers += *stickers as u64,
        }
    }

    /// Take back what a switching resident held: a card is cancelled, a
    /// paper number void, stickers returned.
    pub fn take_back(&mut self, seq: u64, at_ms: u64, issue: &Issue, reason: &str) {
        match issue {
            Issue::Card { serial } => self.cancel(seq, at_ms, serial, reason),
            Issue::Paper { number } => {
                self.paper.remove(number);
                self.paper_cancelled.insert(number.clone());
            }
            Issue::Stickers { stickers } => self.stickers = self.stickers.saturating_sub(*stickers as u64),
        }
    }

    /// Whether `issue` is free to hand out: the card exists, is not
    /// cancelled and nobody holds it; the paper number was never handed out.
    pub fn is_free(&self, issue: &Issue) -> Result<(), ErrorCode> {
        match issue {
            Issue::Card { serial } => match self.cards.get(serial) {
                None => Err(ErrorCode::UnknownCard),
                Some(c) if c.cancelled.is_some() => Err(ErrorCode::CardCancelled),
                Some(c) if c.register.is_some() => Err(ErrorCode::AlreadyIssued),
                Some(_) => Ok(()),
            },
            Issue::Paper { number } => {
                if self.paper.contains_key(number) || self.paper_cancelled.contains(number) {
                    Err(ErrorCode::AlreadyIssued)
                } else {
                    Ok(())
                }
            }
            Issue::Stickers { .. } => Ok(()),
        }
    }

    pub fn register_counts(&self) -> RegisterCounts {
        let mut c =
            RegisterCounts { registered: self.register.len() as u64, stickers: self.stickers, ..Default::default() };
        for r in &self.register {
            match r.issue {
                Issue::Card { .. } => c.cards += 1,
                Issue::Paper { .. } => c.paper += 1,
                Issue::Stickers { .. } => c.sticker_sheets += 1,
            }
        }
        c
    }

    pub fn register_entry(&self, n: u32) -> Option<RegisterEntry> {
        let r = self.register.get((n as usize).checked_sub(1)?)?;
        Some(RegisterEntry {
            register: n,
            at_ms: r.at_ms,
            issue: r.issue.clone(),
            holder: r.holder.is_some(),
            replaced: r.replaced.clone(),
        })
    }

    pub fn register_view(&self) -> Vec<RegisterEntry> {
        (1..=self.register.len() as u32).filter_map(|n| self.register_entry(n)).collect()
    }

    /// The desk cards (counters, scrutineers) and their claims.
    pub fn desk_cards(&self) -> Vec<DeskCard> {
        self.staff
            .values()
            .filter(|s| s.card.role.is_desk_role())
            .map(|s| DeskCard {
                serial: s.card.serial.clone(),
                role: s.card.role,
                number: card_number(&s.card.serial).unwrap_or(0),
                claim: s.claim.clone(),
            })
            .collect()
    }

    /// The desk card claimed on `device`, if any.
    pub fn card_on_device(&self, device: &str) -> Option<&str> {
        self.staff
            .values()
            .find(|s| s.claim.as_ref().is_some_and(|c| c.device == device))
            .map(|s| s.card.serial.as_str())
    }

    pub fn view(&self) -> yuanzhuo_protocol::Electorate {
        yuanzhuo_protocol::Electorate {
            cards_issued: self.cards.len() as u64,
            cards_cancelled: self.cancelled(),
            fingerprint: self.fingerprint(),
            issuances: self.issuances.clone(),
            cancellations: self.cancellations.clone(),
            desk: self.desk_cards(),
        }
    }
}

/// One step of the electorate's running hash:
/// `hex(SHA-256(previous ‖ serial ‖ " " ‖ commitment))`, starting from "".
pub fn chain_step(prev: &str, serial: &str, commitment: &str) -> String {
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(serial.as_bytes());
    h.update(b" ");
    h.update(commitment.as_bytes());
    hex::encode(h.finalize())
}

/// "counter-2" → 2.
pub fn card_number(serial: &str) -> Option<DeskNo> {
    serial.rsplit_once('-')?.1.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commitments_bind_meeting_serial_and_code() {
        let c = card_commitment("m", "V0001", "K7M2Q9XP2HDR");
        assert_eq!(c.len(), 32);
        assert_ne!(c, card_commitment("m", "V0002", "K7M2Q9XP2HDR"));
        assert_ne!(c, card_commitment("n", "V0001", "K7M2Q9XP2HDR"));
        assert_ne!(c, card_commitment("m", "V0001", "K7M2Q9XP2HDS"));
    }

    #[test]
    fn the_fingerprint_follows_every_card() {
        let mut e = Electorate::default();
        assert_eq!(e.fingerprint(), "");
        e.issue_voters(2, 0, 1, &["a".into(), "b".into()], "", false);
        let f = e.fingerprint();
        assert_eq!(f.len(), 9);
        assert_eq!(e.chain, chain_step(&chain_step("", "V0001", "a"), "V0002", "b"));
        e.issue_voters(3, 0, 3, &["c".into()], "late", true);
        assert_ne!(e.fingerprint(), f);
        assert_eq!(e.issuances[1].first, "V0003");
        assert!(e.issuances[1].during_vote);
    }
}
