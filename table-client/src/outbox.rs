//! The outbox: every command the user makes, from the moment it is made
//! until the hub has answered its id. Pure bookkeeping (what to send now,
//! what an answer means); writing it to disk is `disk.rs`'s job and happens
//! before anything is sent.
//!
//! Rules: entries go out in the order they were made; after every
//! `welcome` all of them go again with the same ids (the hub answers a
//! repeat with the same ack and no second effect); an entry leaves only on
//! an ack or a definitive error — `storage_failed`, `rate_limited` and
//! `shutting_down` mean "try again", so the entry stays.

use serde::{Deserialize, Serialize};
use yuanzhuo_protocol::{ClientMsg, Command, ErrorCode, ErrorMsg, RATE_BURST, RATE_PER_SEC};

/// Unanswered commands on the wire at once.
const WINDOW: usize = 16;
/// Our own pace, a little under the hub's limit (`RATE_BURST` at once,
/// `RATE_PER_SEC` a second), so that frames bunched up by the network
/// still pass: a 200-entry outbox flushes in about 15 s, never refused.
const BURST: f64 = RATE_BURST as f64 * 2.0 / 3.0;
const PER_SECOND: f64 = RATE_PER_SEC as f64 * 0.8;
/// Sent but unanswered this long: send again (an answer may have been lost
/// with a dying connection, or refused by a rate limit that names no id).
pub const RESEND_AFTER_MS: u64 = 15_000;
/// A "try again" answer that does not say when waits this long.
pub const RETRY_AFTER_MS: u64 = 2_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub id: String,
    pub command: Command,
    /// Local clock when the user made it.
    pub made_at_ms: u64,
    /// When it last went out on this connection (not kept on disk: after a
    /// restart everything is unsent).
    #[serde(skip)]
    pub sent_at_ms: Option<u64>,
    /// Not before this (after a "try again" answer).
    #[serde(skip)]
    pub not_before_ms: u64,
}

/// What an answer from the hub meant for the outbox.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// Acknowledged: durable at the hub.
    Done(Entry),
    /// Definitively refused: it will never take effect.
    Refused(Entry, ErrorMsg),
    /// "Try again": kept, sent again shortly.
    Retry,
    /// Not about any entry here (an old id, or no id at all).
    Unknown,
}

#[derive(Debug, Clone)]
pub struct Outbox {
    entries: Vec<Entry>,
    tokens: f64,
    refilled_at_ms: u64,
}

impl Default for Outbox {
    fn default() -> Self {
        Outbox { entries: vec![], tokens: BURST, refilled_at_ms: 0 }
    }
}

/// Errors after which the same command may well succeed.
pub fn is_retryable(code: ErrorCode) -> bool {
    matches!(code, ErrorCode::StorageFailed | ErrorCode::RateLimited | ErrorCode::ShuttingDown)
}

impl Outbox {
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn push(&mut self, id: String, command: Command, now_ms: u64) {
        self.entries.push(Entry { id, command, made_at_ms: now_ms, sent_at_ms: None, not_before_ms: 0 });
    }

    /// Entries read back from disk go first (they were made earlier); an id
    /// already here is not added twice. Returns how many were added.
    pub fn restore(&mut self, loaded: Vec<Entry>) -> usize {
        let fresh: Vec<Entry> = loaded.into_iter().filter(|e| !self.entries.iter().any(|x| x.id == e.id)).collect();
        let n = fresh.len();
        let mut all = fresh;
        all.append(&mut self.entries);
        for e in &mut all {
            e.sent_at_ms = None;
            e.not_before_ms = 0;
        }
        self.entries = all;
        n
    }

    /// A new connection (welcome) or a lost one: nothing is in flight any more.
    pub fn reset_sent(&mut self) {
        for e in &mut self.entries {
            e.sent_at_ms = None;
            e.not_before_ms = 0;
        }
    }

    /// Whether an entry is out and still awaiting its answer.
    pub fn in_flight(e: &Entry, now_ms: u64) -> bool {
        e.sent_at_ms.is_some_and(|t| now_ms < t + RESEND_AFTER_MS)
    }

    /// What to send now (only call while the link is online). Strictly in
    /// order: an entry waiting to retry holds back the ones after it, so
    /// that "submit picks" always reaches the hub before "lock picks".
    pub fn due(&mut self, now_ms: u64) -> Vec<ClientMsg> {
        let elapsed = now_ms.saturating_sub(self.refilled_at_ms) as f64 / 1000.0;
        self.tokens = (self.tokens + elapsed * PER_SECOND).min(BURST);
        self.refilled_at_ms = now_ms;
        let mut out = vec![];
        let mut flying = self.entries.iter().filter(|e| Self::in_flight(e, now_ms)).count();
        for e in &mut self.entries {
            if Self::in_flight(e, now_ms) {
                continue;
            }
            if e.not_before_ms > now_ms || flying >= WINDOW || self.tokens < 1.0 {
                break;
            }
            self.tokens -= 1.0;
            flying += 1;
            e.sent_at_ms = Some(now_ms);
            out.push(ClientMsg::Command { id: e.id.clone(), command: e.command.clone() });
        }
        out
    }

    /// The hub acknowledged `id`.
    pub fn ack(&mut self, id: &str) -> Answer {
        match self.entries.iter().position(|e| e.id == id) {
            Some(i) => Answer::Done(self.entries.remove(i)),
            None => Answer::Unknown,
        }
    }

    /// The hub sent an error; decide what it means for the entries.
    pub fn error(&mut self, err: &ErrorMsg, now_ms: u64) -> Answer {
        let wait = err.retry_after_ms.unwrap_or(RETRY_AFTER_MS);
        let Some(id) = &err.id else {
            if err.code == ErrorCode::RateLimited {
                // It names no id (an older hub): everything in flight may have been dropped.
                for e in self.entries.iter_mut().filter(|e| e.sent_at_ms.is_some()) {
                    e.sent_at_ms = None;
                    e.not_before_ms = now_ms + wait;
                }
                return Answer::Retry;
            }
            return Answer::Unknown;
        };
        let Some(i) = self.entries.iter().position(|e| &e.id == id) else {
            return Answer::Unknown;
        };
        if is_retryable(err.code) {
            let e = &mut self.entries[i];
            e.sent_at_ms = None;
            e.not_before_ms = now_ms + wait;
            Answer::Retry
        } else {
            Answer::Refused(self.entries.remove(i), err.clone())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use yuanzhuo_protocol::NoteTag;

    fn note(text: &str) -> Command {
        Command::AddNote { table: 2, proposal: None, tag: NoteTag::Support, text: text.into() }
    }

    fn ids(msgs: &[ClientMsg]) -> Vec<String> {
        msgs.iter()
            .map(|m| match m {
                ClientMsg::Command { id, .. } => id.clone(),
                other => panic!("{other:?}"),
            })
            .collect()
    }

    fn err(id: Option<&str>, code: ErrorCode) -> ErrorMsg {
        ErrorMsg::new(id.map(String::from), code, None)
    }

    #[test]
    fn an_entry_stays_until_acknowledged_and_goes_again_after_welcome() {
        let mut o = Outbox::default();
        o.push("a-1".into(), note("一"), 0);
        o.push("a-2".into(), note("二"), 0);
        assert_eq!(ids(&o.due(10)), ["a-1", "a-2"]);
        assert!(o.due(20).is_empty(), "nothing twice while in flight");
        assert!(matches!(o.ack("a-1"), Answer::Done(e) if e.id == "a-1"));
        assert_eq!(o.len(), 1);
        // The connection drops before a-2 is answered; the new welcome sends it again, same id.
        o.reset_sent();
        assert_eq!(ids(&o.due(1_000)), ["a-2"]);
        assert_eq!(o.ack("a-1"), Answer::Unknown, "a repeated ack is harmless");
        assert!(matches!(o.ack("a-2"), Answer::Done(_)));
        assert!(o.is_empty());
    }

    #[test]
    fn definitive_errors_remove_and_retryable_ones_keep() {
        let mut o = Outbox::default();
        o.push("a-1".into(), note("一"), 0);
        o.push("a-2".into(), note("二"), 0);
        o.push("a-3".into(), note("三"), 0);
        o.due(0);
        for code in [ErrorCode::StorageFailed, ErrorCode::RateLimited, ErrorCode::ShuttingDown] {
            assert_eq!(o.error(&err(Some("a-1"), code), 0), Answer::Retry, "{code:?}");
            assert_eq!(o.len(), 3);
        }
        let refused = o.error(&err(Some("a-2"), ErrorCode::WrongPhase), 0);
        assert!(matches!(refused, Answer::Refused(e, m) if e.id == "a-2" && m.code == ErrorCode::WrongPhase));
        assert_eq!(o.error(&err(Some("zzz"), ErrorCode::WrongPhase), 0), Answer::Unknown);
        assert_eq!(o.len(), 2);
        // a-1 waits for its retry, and holds a-3 back so that order is kept.
        o.reset_sent();
        o.error(&err(Some("a-1"), ErrorCode::StorageFailed), 100);
        assert!(o.due(200).is_empty());
        assert_eq!(ids(&o.due(100 + RETRY_AFTER_MS)), ["a-1", "a-3"]);
    }

    #[test]
    fn a_rate_limit_without_id_and_a_lost_answer_both_lead_to_a_resend() {
        let mut o = Outbox::default();
        o.push("a-1".into(), note("一"), 0);
        o.due(0);
        assert_eq!(o.error(&err(None, ErrorCode::RateLimited), 0), Answer::Retry);
        assert_eq!(ids(&o.due(RETRY_AFTER_MS)), ["a-1"]);
        assert!(o.due(RETRY_AFTER_MS + 1).is_empty());
        assert_eq!(ids(&o.due(RETRY_AFTER_MS + RESEND_AFTER_MS)), ["a-1"], "unanswered for long: again");
        assert_eq!(o.error(&err(None, ErrorCode::BadMessage), 0), Answer::Unknown);
    }

    #[test]
    fn sending_is_paced_and_windowed() {
        let mut o = Outbox::default();
        for i in 0..100 {
            o.push(format!("a-{i}"), note("x"), 0);
        }
        let first = o.due(0);
        assert_eq!(first.len(), WINDOW);
        for id in ids(&first) {
            o.ack(&id);
        }
        // Four left in the burst, then twelve a second.
        assert_eq!(o.due(0).len(), 4);
        assert_eq!(o.due(1_000).len(), 12);
    }

    #[test]
    fn a_rate_limit_naming_the_entry_waits_as_long_as_the_hub_says() {
        let mut o = Outbox::default();
        o.push("a-1".into(), note("一"), 0);
        o.push("a-2".into(), note("二"), 0);
        o.due(0);
        let limited = err(Some("a-2"), ErrorCode::RateLimited).retry_after(70);
        assert_eq!(o.error(&limited, 10), Answer::Retry);
        assert!(o.due(79).is_empty(), "not before the hub said");
        assert_eq!(ids(&o.due(80)), ["a-2"]);
    }

    #[test]
    fn restored_entries_come_first_and_are_not_doubled() {
        let mut o = Outbox::default();
        o.push("new-1".into(), note("新"), 5);
        let loaded = vec![
            Entry { id: "old-1".into(), command: note("旧"), made_at_ms: 1, sent_at_ms: None, not_before_ms: 0 },
            Entry { id: "new-1".into(), command: note("新"), made_at_ms: 5, sent_at_ms: None, not_before_ms: 0 },
        ];
        assert_eq!(o.restore(loaded), 1);
        let order: Vec<&str> = o.entries().iter().map(|e| e.id.as_str()).collect();
        assert_eq!(order, ["old-1", "new-1"]);
    }

    #[test]
    fn the_disk_form_keeps_only_what_matters() {
        let e = Entry {
            id: "a-1".into(),
            command: note("老人上下楼需要扶手"),
            made_at_ms: 7,
            sent_at_ms: Some(9),
            not_before_ms: 3,
        };
        let text = serde_json::to_string(&e).unwrap();
        assert!(!text.contains("sent_at"), "{text}");
        let back: Entry = serde_json::from_str(&text).unwrap();
        assert_eq!(back.command, e.command);
        assert_eq!(back.sent_at_ms, None);
    }
}
