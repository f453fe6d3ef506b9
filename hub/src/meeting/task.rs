//! The meeting task: the one owner of the meeting's state and its log.
//!
//! Connections send it requests over a channel. It takes every request
//! waiting at once as a batch, decides each command, writes all resulting
//! entries in one SQLite transaction (group commit: one fsync for a burst of
//! ballots), and only then acknowledges them and broadcasts what changed.
//! It runs on its own OS thread because the commit blocks.
//!
//! After every commit, and before any acknowledgement leaves, it writes the
//! head record (`folder.rs`): the log in the database must always reach
//! what was acknowledged. Every log position it tells a client carries a
//! tag (`keys.rs`); a client that shows a tagged position the log no longer
//! holds halts the hub (`Request::Seen`).
//!
//! The close of the vote is the one long computation (the count, with
//! equal shares and its ties): it runs on a thread of its own, from a copy
//! of the state, while the task goes on answering snapshots from the state
//! before the close (the public board is built on a thread of its own,
//! board.rs, from a copy the task keeps current after every commit). Commands that arrive meanwhile wait,
//! and are decided once the close is durable, in the order they came.

use anyhow::{bail, Context, Result};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use tokio::sync::{broadcast, mpsc, oneshot};
use tokio_tungstenite::tungstenite::Utf8Bytes;
use yuanzhuo_engine::{ack_result, Actor, Audience, Changed, Ctx, Event, Feed, Recorded, Rejection, State};
use yuanzhuo_protocol::words::{console, print};
use yuanzhuo_protocol::*;

use crate::{both, said, told};

use crate::meeting::folder::{Halt, Head, HeadRecord, Health};
use crate::meeting::follow::{LogBatch, LogFeed};
use crate::meeting::head::grouped;
use crate::meeting::keys::Keys;
use crate::meeting::store::{check_chain, Chain, ClaimRow, Row, Store, TokenRow};
use crate::meeting::tokens::{self, RegistryWriter};

/// Largest batch committed in one transaction.
const MAX_BATCH: usize = 4096;
/// Room made in the WAL before serving (`Store::make_room_in_wal`): more
/// than the bench's bursts commit between two checkpoints (one voter at a
/// time, ~2,300 commits/s; 64 and 1,024 at once), after which SQLite starts
/// the WAL over from its beginning. The WAL stayed at 16 MiB under all three.
const WAL_ROOM: u64 = 16 << 20;
/// The room is made only on a disk with this much more free: on a nearly
/// full one the space stays for the log (and `/healthz` says when it runs out).
const WAL_ROOM_SPARE: u64 = 256 << 20;
/// How often the WAL is copied into the database file, off the commit path.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(500);
/// Queue of requests waiting for the meeting task.
const REQUEST_QUEUE: usize = 16384;
/// Live updates kept for slow connections before they are sent a snapshot instead.
const BROADCAST_BACKLOG: usize = 512;

/// A pre-serialised live update and who may receive it.
#[derive(Clone, Debug)]
pub struct Broadcast {
    pub audience: Audience,
    /// Log position the update brings the view to.
    pub seq: u64,
    /// Serialised once; deflated once for every connection that compresses.
    pub text: Arc<crate::wire::deflate::Wire>,
    /// Set on a phase change sent together with more (the close's phase,
    /// then the results): every connection is sent it before any is sent
    /// what follows.
    pub round: Option<Arc<Round>>,
}

/// How long the rest of a batch waits for every connection to be sent its
/// phase change. A connection that went away, or one too slow to take the
/// phase, holds the others no longer than this.
const ROUND_LIMIT: std::time::Duration = std::time::Duration::from_millis(250);

/// A phase change going out to every connection ahead of the updates sent
/// with it. Without it, a writer that had sent the phase and found the
/// results waiting was run again (the runtime's own queue goes first)
/// before writers still waiting to send the phase: with 5,000 phones, the
/// last phones learnt the phase after most had been sent the results.
#[derive(Debug)]
pub struct Round {
    /// Writers following the feeds that carry it when it was sent.
    expected: usize,
    /// The feeds that get more updates after it (their writers wait).
    followed_on: Vec<Feed>,
    passed: std::sync::atomic::AtomicUsize,
    done: tokio::sync::Notify,
    deadline: tokio::time::Instant,
}

/// Which of a batch's updates (`true`: it carries a phase change) leads a
/// round: the phase change, if anything follows it. At the close the
/// watchers' table summaries come before it and the results after it.
fn round_lead(phases: &[bool]) -> Option<usize> {
    phases.iter().position(|&phase| phase).filter(|&i| i + 1 < phases.len())
}

impl Round {
    fn new(expected: usize, followed_on: Vec<Feed>) -> Round {
        Round::with_limit(expected, followed_on, ROUND_LIMIT)
    }

    fn with_limit(expected: usize, followed_on: Vec<Feed>, limit: std::time::Duration) -> Round {
        Round {
            expected,
            followed_on,
            passed: Default::default(),
            done: tokio::sync::Notify::new(),
            deadline: tokio::time::Instant::now() + limit,
        }
    }

    /// One writer has sent the update (or skipped it as not for its viewer).
    pub fn pass(&self) {
        if self.passed.fetch_add(1, Ordering::AcqRel) + 1 == self.expected {
            self.done.notify_waiters();
        }
    }

    /// Whether a writer on `feed` waits for the round after passing it:
    /// more follows on its feed, sent or about to be (the meeting task may
    /// still be sending the rest of the batch when the first writers pass).
    pub fn holds(&self, feed: &Feed) -> bool {
        self.followed_on.contains(feed)
    }

    /// Until every writer has passed, or [`ROUND_LIMIT`] after it was sent.
    pub async fn wait(&self) {
        let done = self.done.notified();
        tokio::pin!(done);
        done.as_mut().enable();
        if self.passed.load(Ordering::Acquire) >= self.expected {
            return;
        }
        let _ = tokio::time::timeout_at(self.deadline, done).await;
    }
}

/// One direct message, encoded, and the log position of the snapshot it
/// carries (a welcome or a snapshot): the writer sends no update at or
/// before it.
#[derive(Debug)]
pub struct Direct {
    pub text: Utf8Bytes,
    pub snapshot_seq: Option<u64>,
}

/// A connection's queue of direct messages (answers, snapshots).
#[derive(Clone, Debug)]
pub struct Outbox {
    /// Boxed: a channel's first block of slots is allocated with it, on
    /// every connection; a box is a quarter of a message's size.
    tx: mpsc::Sender<Box<Direct>>,
    /// Set when a message could not be queued: the connection must close,
    /// and the client will resend its command ids after reconnecting.
    pub overflowed: Arc<AtomicBool>,
}

impl Outbox {
    pub fn new(capacity: usize) -> (Outbox, mpsc::Receiver<Box<Direct>>) {
        let (tx, rx) = mpsc::channel(capacity);
        (Outbox { tx, overflowed: Arc::new(AtomicBool::new(false)) }, rx)
    }

    pub fn send(&self, msg: &ServerMsg) {
        let snapshot_seq = match msg {
            ServerMsg::Welcome { snapshot, .. } | ServerMsg::Snapshot { snapshot } => Some(snapshot.seq),
            _ => None,
        };
        if let Err(mpsc::error::TrySendError::Full(_)) =
            self.tx.try_send(Box::new(Direct { text: encode(msg), snapshot_seq }))
        {
            self.overflowed.store(true, Ordering::Relaxed);
        }
    }

    pub fn error(&self, id: Option<String>, code: ErrorCode, detail: Option<String>) {
        self.send(&ServerMsg::Error(ErrorMsg::new(id, code, detail)));
    }
}

pub fn encode(msg: &ServerMsg) -> Utf8Bytes {
    Utf8Bytes::from(serde_json::to_string(msg).expect("server messages serialise"))
}

pub enum Request {
    Command {
        actor: Actor,
        id: String,
        command: Command,
        reply: Outbox,
    },
    /// A full snapshot; with `you`, sent as the `welcome` message.
    Snapshot {
        viewer: Actor,
        you: Option<Identity>,
        reply: Outbox,
    },
    /// A client's last seen log position (`hello`'s `seen`), checked against
    /// the log: answered false when the log no longer holds it (the hub halts).
    Seen {
        seen: Seen,
        who: String,
        reply: oneshot::Sender<bool>,
    },
    /// The close, counted off the task: the state with the closing entries
    /// applied (sent by the count's own thread, never by a connection).
    Counted(Box<State>),
    /// The organiser issues `count` voter cards (the console): their codes
    /// are made here, their commitments logged, their tokens stored in the
    /// same transaction.
    IssueVoters {
        count: u32,
        reason: String,
        reply: IssueReply,
    },
    /// A desk card claimed at its first hello, on a device with a PIN.
    Claim {
        actor: Actor,
        claim: ClaimRow,
        address: String,
        same_address_as: Vec<String>,
        reply: oneshot::Sender<Result<(), Rejection>>,
    },
}

/// Who waits for voter cards being issued.
pub type IssueReply = oneshot::Sender<Result<Vec<TokenRow>, Rejection>>;

/// Counters of the meeting task, for `/healthz` and the benchmarks: how
/// many transactions were committed and what they held (batch size =
/// commands ÷ commits).
#[derive(Debug, Default)]
pub struct Stats {
    pub commits: AtomicU64,
    pub entries: AtomicU64,
    pub commands: AtomicU64,
}

impl Stats {
    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "commits": self.commits.load(Ordering::Relaxed),
            "entries": self.entries.load(Ordering::Relaxed),
            "commands": self.commands.load(Ordering::Relaxed),
        })
    }
}

/// One broadcast channel per [`Feed`]: a connection hears exactly the
/// updates its role may see, in log order.
pub type Feeds = Arc<HashMap<Feed, FeedTx>>;

/// One broadcast feed: its channel, and how many writers on it follow it
/// (welcomed, reading its updates). A round waits for those alone: a
/// connection still waiting for its welcome never passes one.
pub struct FeedTx {
    tx: broadcast::Sender<Broadcast>,
    following: Arc<std::sync::atomic::AtomicUsize>,
}

impl FeedTx {
    fn new() -> FeedTx {
        FeedTx { tx: broadcast::channel(BROADCAST_BACKLOG).0, following: Default::default() }
    }
}

/// A connection's place on its feed.
pub struct Subscription {
    pub updates: broadcast::Receiver<Broadcast>,
    pub feed: Feed,
    pub follower: Follower,
}

/// How a writer counts itself among its feed's followers.
pub struct Follower(Arc<std::sync::atomic::AtomicUsize>);

impl Follower {
    /// The writer follows the feed from now until the returned guard drops.
    pub fn follow(&self) -> Following {
        self.0.fetch_add(1, Ordering::AcqRel);
        Following(self.0.clone())
    }
}

/// Counted among the feed's followers while held.
pub struct Following(Arc<std::sync::atomic::AtomicUsize>);

impl Drop for Following {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// How connections reach the meeting task.
#[derive(Clone)]
pub struct MeetingHandle {
    tx: mpsc::Sender<Request>,
    feeds: Feeds,
    pub stats: Arc<Stats>,
    /// Storage health and the halt (`/healthz`, connections).
    pub health: Arc<Health>,
    /// The raw log for witnesses (`follow_log`).
    pub log: Arc<LogFeed>,
    /// The public board, built off the task (board.rs).
    pub boards: crate::meeting::board::Boards,
}

impl MeetingHandle {
    pub async fn send(&self, r: Request) -> bool {
        self.tx.send(r).await.is_ok()
    }
    /// Check a client's last seen position; false: the hub has halted.
    pub async fn check_seen(&self, seen: Seen, who: String) -> bool {
        let (reply, answer) = oneshot::channel();
        if !self.send(Request::Seen { seen, who, reply }).await {
            return true;
        }
        answer.await.unwrap_or(true)
    }
    /// The live updates for `viewer`.
    pub fn subscribe(&self, viewer: &Actor) -> Option<Subscription> {
        let feed = Feed::of(viewer);
        self.feeds.get(&feed).map(|f| Subscription {
            updates: f.tx.subscribe(),
            feed,
            follower: Follower(f.following.clone()),
        })
    }
}

/// A command already answered: its answer can be given again. Derived
/// from the log itself (each entry names its actor, command id and digest).
struct Done {
    /// `None` for entries written before the log carried digests.
    digest: Option<String>,
    seq: u64,
    head: String,
    result: AckResult,
}

/// A command decided in this batch, answered once the batch is durable.
struct Pending {
    key: (String, String),
    digest: String,
    seq: u64,
    head: String,
    result: AckResult,
    reply: Outbox,
}

/// Commands decided, waiting to be committed together.
#[derive(Default)]
struct Decided {
    rows: Vec<Row>,
    /// The same entries, for the board's copy of the state once durable.
    recs: Vec<Recorded>,
    pending: Vec<Pending>,
    /// Ids sent again while the first was still pending: (actor, id, digest, reply).
    repeats: Vec<(String, String, String, Outbox)>,
    changed: Changed,
    now: u64,
    /// Cards issued (their tokens are written with the entries) and who asked.
    tokens: Vec<TokenRow>,
    issued: Vec<(Vec<TokenRow>, IssueReply)>,
    /// Claims made (PIN and device, written with the entries) and who waits.
    claims: Vec<ClaimRow>,
    claimed: Vec<oneshot::Sender<Result<(), Rejection>>>,
}

/// The close while it is being counted: its entries (hashed, not yet
/// written) and the commands that arrived meanwhile.
struct Closing {
    decided: Decided,
    held: Vec<Request>,
}

pub struct Meeting {
    store: Store,
    state: State,
    /// Tells the connections about cards and claims once committed.
    registry: Option<RegistryWriter>,
    /// Turns a register holder's name into the hash the log keeps.
    holder_key: Option<[u8; 32]>,
    chain: Chain,
    done: Answers,
    feeds: Feeds,
    last_at_ms: u64,
    stats: Arc<Stats>,
    /// The board's thread (none until the task is spawned).
    boards: Option<crate::meeting::board::Boards>,
    keys: Keys,
    /// Every entry's hash, to check a client's `seen` (entry n at `n - 1`).
    hashes: Vec<[u8; 32]>,
    /// The head record (opened by `open_head_record`, before serving).
    head_record: Option<HeadRecord>,
    /// The last position the head record holds.
    head_written: u64,
    health: Arc<Health>,
    log: Arc<LogFeed>,
    /// What the operator should know before serving (printed by `hub serve`).
    pub warnings: Vec<String>,
    /// The task's own queue, for the count's thread to answer on (none when
    /// the meeting is not running as a task: the close is counted inline).
    requests: Option<mpsc::WeakSender<Request>>,
    closing: Option<Closing>,
    /// Tests hold the count's thread here until they let it go.
    #[cfg(test)]
    hold_count: Option<std::sync::mpsc::Receiver<()>>,
}

impl Meeting {
    /// Load the meeting from its log, checking it first, and refuse rather
    /// than serve a log that is not whole or breaks the rules: the database's
    /// structure (SQLite's quick check), the whole chain, the head record —
    /// the log must reach the last position the hub acknowledged anything at
    /// —, every command's entries in one run, and every entry decided again
    /// against the rules (`replay::checked`).
    pub fn load(store: Store) -> Result<Meeting> {
        // The head record first: the log read after it can only be longer.
        let recorded = crate::meeting::folder::HeadRecord::read(store.dir())?;
        store.quick_check()?;
        let rows = store.rows()?;
        if let Err(problem) = check_chain(&rows) {
            bail!("{}", said(console::LOG_FAILS_VERIFICATION_AT_START, &[("problem", &problem)]));
        }
        let mut warnings = vec![];
        match &recorded {
            Some(head) => {
                let hash_at = |seq: u64| rows.get((seq as usize).wrapping_sub(1)).map(|r| r.hash.clone());
                if let Some(problem) = crate::meeting::folder::shortfall(head, rows.len() as u64, hash_at) {
                    let refused = told(console::SHORTENED_LOG_REFUSED, &[("path", &store.dir().display())]);
                    bail!("{problem}\n{refused}");
                }
            }
            None if !rows.is_empty() => warnings.push(told(
                console::NO_HEAD_RECORD,
                &[("path", &store.dir().display()), ("file", &crate::meeting::folder::HEAD_FILE)],
            )),
            None => {}
        }
        let (_, done) = answers_of(&rows)?;
        let (state, records) = crate::meeting::replay::checked(&rows).map_err(|problem| {
            anyhow::anyhow!("{}", said(console::LOG_FAILS_VERIFICATION_AT_START, &[("problem", &problem)]))
        })?;
        let Some(def) = &state.definition else {
            bail!("{}", said(console::NO_MEETING_DEFINITION_IN_FOLDER, &[]));
        };
        let key = store.key()?.context("the data folder has no key (opened read-only?)")?;
        let keys = Keys::from_master(&key, store.tag_epoch()?);
        let hidden = def.rules.tally == TallyVisibility::HiddenUntilClose;
        let log = Arc::new(LogFeed::new(
            store.dir(),
            keys.clone(),
            hidden,
            vote_opened(&records),
            state.phase >= Phase::Counted,
        ));
        let hashes = rows.iter().map(|r| hash_bytes(&r.hash)).collect();
        let last_at_ms = records.last().map_or(0, |r| r.at_ms);
        let feeds = Feed::all(state.tables.len()).into_iter().map(|f| (f, FeedTx::new())).collect();
        Ok(Meeting {
            chain: Chain::after(&rows),
            health: Arc::new(Health::new(store.dir())),
            store,
            state,
            registry: None,
            holder_key: None,
            done,
            feeds: Arc::new(feeds),
            last_at_ms,
            stats: Default::default(),
            boards: None,
            keys,
            hashes,
            head_record: None,
            head_written: recorded.map_or(0, |h| h.seq),
            log,
            warnings,
            requests: None,
            closing: None,
            #[cfg(test)]
            hold_count: None,
        })
    }

    pub fn state(&self) -> &State {
        &self.state
    }

    /// Serve with these tokens: cards the meeting task issues and claims it
    /// records reach the connections through `registry`.
    pub fn with_registry(mut self, registry: RegistryWriter, organiser: Option<&TokenRow>) -> Meeting {
        self.registry = Some(registry);
        self.holder_key = organiser.map(tokens::holder_key);
        self
    }

    /// Open the head record for writing (creating it if the folder has
    /// none) and bring it up to the log: needed before serving.
    pub fn open_head_record(&mut self) -> Result<()> {
        let head = Head { seq: self.chain.seq, hash: self.chain.head.clone() };
        let mut record = HeadRecord::open(self.store.dir(), &head)?;
        if self.head_written != head.seq {
            record.write(&head).context("cannot write the head record")?;
        }
        self.head_written = head.seq;
        self.head_record = Some(record);
        Ok(())
    }

    /// Start the meeting task on its own thread.
    pub fn spawn(mut self) -> (MeetingHandle, std::thread::JoinHandle<()>) {
        let (tx, rx) = mpsc::channel(REQUEST_QUEUE);
        self.requests = Some(tx.downgrade());
        let (boards, _board_thread) = crate::meeting::board::Boards::spawn(self.state.clone());
        self.boards = Some(boards.clone());
        let handle = MeetingHandle {
            tx,
            feeds: self.feeds.clone(),
            stats: self.stats.clone(),
            health: self.health.clone(),
            log: self.log.clone(),
            boards,
        };
        let join = std::thread::Builder::new()
            .name("meeting".into())
            .spawn(move || {
                match self.store.make_room_in_wal(WAL_ROOM, WAL_ROOM_SPARE) {
                    Ok(0) => {}
                    Ok(n) => tracing::debug!("made {n} bytes of room in the WAL"),
                    Err(e) => tracing::warn!("the WAL grows with each commit (slower commits): {e:#}"),
                }
                // Without it SQLite checkpoints inside a commit (see Store).
                let _checkpoints = self
                    .store
                    .checkpoint_in_background(CHECKPOINT_EVERY)
                    .map_err(|e| tracing::warn!("WAL checkpoints stay in the commit: {e:#}"))
                    .ok();
                self.run(rx)
            })
            .expect("spawn meeting thread");
        (handle, join)
    }

    /// Runs until every sender is gone (the server has shut down).
    fn run(mut self, mut rx: mpsc::Receiver<Request>) {
        while let Some(first) = rx.blocking_recv() {
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(r) => batch.push(r),
                    Err(_) => break,
                }
            }
            self.process(batch);
        }
        tracing::info!(seq = self.chain.seq, "meeting task stopped; log closed");
    }

    fn now_ms(&mut self) -> u64 {
        // The log's clock never runs backwards, even if the laptop's does.
        self.last_at_ms = self.last_at_ms.max(crate::now_ms());
        self.last_at_ms
    }

    fn process(&mut self, batch: Vec<Request>) {
        if self.health.halted().is_some() {
            self.refuse_halted(batch);
            return;
        }
        let mut queue: std::collections::VecDeque<Request> = batch.into();
        let mut d = Decided { now: self.now_ms(), ..Default::default() };
        let mut snapshots = vec![];

        while let Some(req) = queue.pop_front() {
            let (actor, id, command, reply) = match req {
                Request::Command { .. } | Request::IssueVoters { .. } | Request::Claim { .. }
                    if self.closing.is_some() =>
                {
                    self.closing.as_mut().expect("closing").held.push(req);
                    continue;
                }
                Request::IssueVoters { count, reason, reply } => {
                    let batch = tokens::voter_tokens(count, self.state.electorate.last_voter);
                    let meeting = self.state.electorate.meeting.clone();
                    let commitments =
                        batch.iter().map(|t| yuanzhuo_engine::card_commitment(&meeting, &t.serial, &t.token)).collect();
                    match self.state.issue_voter_cards(&Actor::organiser(), commitments, &reason) {
                        Err(rej) => drop(reply.send(Err(rej))),
                        Ok(events) => {
                            for e in events {
                                self.record(&mut d, "organiser", None, e);
                            }
                            d.tokens.extend(batch.iter().cloned());
                            d.issued.push((batch, reply));
                        }
                    }
                    continue;
                }
                Request::Claim { actor, claim, address, same_address_as, reply } => {
                    match self.state.claim(&claim.serial, &claim.device, &address, same_address_as) {
                        Err(rej) => drop(reply.send(Err(rej))),
                        Ok(events) => {
                            for e in events {
                                self.record(&mut d, &actor.key(), None, e);
                            }
                            d.claims.push(claim);
                            d.claimed.push(reply);
                        }
                    }
                    continue;
                }
                Request::Counted(state) => {
                    // The close is counted: make it durable, then decide what
                    // waited for it, before anything that came after.
                    for held in self.finish_close(*state).into_iter().rev() {
                        queue.push_front(held);
                    }
                    d.now = self.now_ms();
                    continue;
                }
                Request::Command { actor, id, command, reply } => (actor, id, command, reply),
                snapshot => {
                    snapshots.push(snapshot);
                    continue;
                }
            };
            // A register holder's name or ID reaches the log only as a keyed hash.
            let command = match (command, &self.holder_key) {
                (Command::Register { holder: Some(h), issue }, Some(key)) if !h.trim().is_empty() => {
                    Command::Register { holder: Some(tokens::holder_hash(key, &h)), issue }
                }
                (Command::Register { issue, .. }, _) => Command::Register { holder: None, issue },
                (c, _) => c,
            };
            let key = (actor.key(), id.clone());
            let digest = digest(&command);
            if self.done.contains_key(&key) {
                self.answer_again(&reply, &key, &digest);
                continue;
            }
            if d.pending.iter().any(|p| p.key == key) {
                d.repeats.push((key.0, key.1, digest, reply));
                continue;
            }
            let closes = matches!(command, Command::AdvancePhase { to: Phase::Counted });
            if closes {
                // The close is decided on what is durable: commit what came before.
                let now = d.now;
                self.settle(std::mem::take(&mut d));
                d.now = now;
            }
            let ctx = Ctx { now_ms: d.now, head: self.chain.head.clone() };
            match self.state.decide(&actor, &command, &ctx) {
                Err(rej) => reply.send(&ServerMsg::Error(rej.to_msg(Some(id)))),
                Ok(events) if closes => self.start_close(d.now, key, digest, reply, events),
                Ok(events) => {
                    let recs: Vec<Recorded> =
                        events.into_iter().map(|e| self.record(&mut d, &key.0, Some((&key.1, &digest)), e)).collect();
                    let (seq, head) = (self.chain.seq, self.chain.head.clone());
                    d.pending.push(Pending { key, digest, seq, head, result: ack_result(&recs), reply });
                }
            }
        }
        self.settle(d);
        self.answer_snapshots(snapshots);
    }

    /// Commit what was decided, write the head record, then acknowledge it
    /// and broadcast what changed; on a failed commit refuse it all and
    /// reload from disk.
    fn settle(&mut self, d: Decided) {
        if d.rows.is_empty() {
            return;
        }
        if let Err(e) = self.store.append_with(&d.rows, &d.tokens, &d.claims, d.now) {
            tracing::error!("commit failed, {} commands refused: {e:#}", d.pending.len());
            self.health.write_failed(format!("commit failed: {e:#}"));
            for p in d.pending.iter().map(|p| (&p.reply, &p.key.1)).chain(d.repeats.iter().map(|r| (&r.3, &r.1))) {
                p.0.error(Some(p.1.clone()), ErrorCode::StorageFailed, None);
            }
            for (_, reply) in d.issued {
                let _ = reply.send(Err(Rejection::new(ErrorCode::StorageFailed)));
            }
            for reply in d.claimed {
                let _ = reply.send(Err(Rejection::new(ErrorCode::StorageFailed)));
            }
            self.reload();
            return;
        }
        // The connections know the new cards and claims (they are in the
        // database now) before anyone hears of them.
        if let Some(reg) = &self.registry {
            reg.add(&d.tokens);
            d.claims.into_iter().for_each(|c| reg.claim(c));
        }
        // Durable in the log; now the head record, before any answer leaves.
        let recorded = self.write_head();
        let failed = || Rejection::new(ErrorCode::StorageFailed);
        for (batch, reply) in d.issued {
            let _ = reply.send(if recorded { Ok(batch) } else { Err(failed()) });
        }
        for reply in d.claimed {
            let _ = reply.send(if recorded { Ok(()) } else { Err(failed()) });
        }
        if self.state.phase >= Phase::Counted {
            self.log.vote_closed.store(true, Ordering::Release);
        }
        if let Some(b) = &self.boards {
            b.entries(d.recs);
        }
        self.stats.commits.fetch_add(1, Ordering::Relaxed);
        self.stats.entries.fetch_add(d.rows.len() as u64, Ordering::Relaxed);
        self.stats.commands.fetch_add(d.pending.len() as u64, Ordering::Relaxed);
        let tag = self.keys.tag(self.chain.seq, &self.chain.head);
        for p in d.pending {
            if recorded {
                p.reply.send(&ServerMsg::Ack {
                    id: p.key.1.clone(),
                    seq: p.seq,
                    log_head: p.head.clone(),
                    log_tag: self.keys.tag(p.seq, &p.head),
                    result: p.result.clone(),
                });
            } else {
                // In the log, but not yet in the head record: the client
                // asks again and is answered once the record is written.
                p.reply.error(Some(p.key.1.clone()), ErrorCode::StorageFailed, None);
            }
            self.done.insert(p.key, Done { digest: Some(p.digest), seq: p.seq, head: p.head, result: p.result });
        }
        for (actor, id, digest, reply) in d.repeats {
            self.answer_again(&reply, &(actor, id), &digest);
        }
        // Every update is serialised before the first is sent, so that a
        // writer woken by the first finds the rest waiting (and, when the
        // first is a phase change, lets every other connection have it
        // before it writes the rest: the close's phase before the results).
        let ready: Vec<(bool, Broadcast)> = self
            .state
            .updates(&d.changed, d.now)
            .into_iter()
            .map(|(audience, mut update)| {
                update.log_tag = tag.clone();
                let seq = update.seq;
                // The tag is part of the text, so set before it is serialised and deflated.
                let phase = update.phase.is_some();
                let text = Arc::new(crate::wire::deflate::Wire::new(encode(&ServerMsg::Update(Box::new(update)))));
                (phase, Broadcast { audience, seq, text, round: None })
            })
            .collect();
        let lead = round_lead(&ready.iter().map(|(phase, _)| *phase).collect::<Vec<_>>());
        let audiences: Vec<Audience> = ready.iter().map(|(_, b)| b.audience).collect();
        for (i, (_, mut b)) in ready.into_iter().enumerate() {
            if Some(i) == lead {
                let rest = &audiences[i + 1..];
                let expected = self
                    .feeds
                    .iter()
                    .filter(|(f, _)| f.carries(b.audience))
                    .map(|(_, f)| f.following.load(Ordering::Acquire))
                    .sum();
                let followed_on = self
                    .feeds
                    .keys()
                    .filter(|f| f.carries(b.audience) && rest.iter().any(|a| f.carries(*a)))
                    .cloned()
                    .collect();
                b.round = Some(Arc::new(Round::new(expected, followed_on)));
            }
            for (feed, f) in self.feeds.iter() {
                if feed.carries(b.audience) {
                    // No receivers is fine: nobody on that feed is connected.
                    let _ = f.tx.send(b.clone());
                }
            }
        }
        if self.log.live.receiver_count() > 0 {
            let frames = self.log.frames(&d.rows);
            let batch = LogBatch { first: d.rows[0].seq, last: self.chain.seq, frames };
            let _ = self.log.live.send(Arc::new(batch));
        }
    }

    /// The close: its entries are hashed onto the chain now; the state with
    /// them applied (the count) is computed on a thread of its own, which
    /// answers with `Request::Counted`. Until then the task answers
    /// snapshots from the state before the close and holds commands.
    fn start_close(&mut self, now: u64, key: (String, String), digest: String, reply: Outbox, events: Vec<Event>) {
        let mut d = Decided { now, ..Default::default() };
        let mut recs = vec![];
        for e in events {
            let (row, rec) = self.chain.next(now, &key.0, Some((&key.1, &digest)), e);
            d.changed.add(&rec.event);
            self.hashes.push(hash_bytes(&rec.hash));
            d.rows.push(row);
            recs.push(rec);
        }
        let (seq, head) = (self.chain.seq, self.chain.head.clone());
        d.pending.push(Pending { key, digest, seq, head, result: ack_result(&recs), reply });
        self.closing = Some(Closing { decided: d, held: vec![] });

        let mut state = self.state.clone();
        #[cfg(test)]
        let hold = self.hold_count.take();
        let count = move || {
            #[cfg(test)]
            if let Some(h) = hold {
                let _ = h.recv();
            }
            for r in &recs {
                state.evolve(r);
            }
            Box::new(state)
        };
        let Some(tx) = self.requests.as_ref().and_then(mpsc::WeakSender::upgrade) else {
            // Not running as a task (or shutting down): count here.
            let held = self.finish_close(*count());
            self.process(held);
            return;
        };
        let spawned = std::thread::Builder::new().name("count".into()).spawn(move || {
            // The task is alive while this sender is: it will hear the answer.
            let _ = tx.blocking_send(Request::Counted(count()));
        });
        if let Err(e) = spawned {
            tracing::error!("cannot start the count's thread: {e}");
            let closing = self.closing.take().expect("closing");
            self.reload();
            for p in closing.decided.pending {
                p.reply.error(Some(p.key.1.clone()), ErrorCode::StorageFailed, None);
            }
            self.process(closing.held);
        }
    }

    /// The close is counted: adopt the state, commit the close, answer it;
    /// returns the commands that waited for it.
    fn finish_close(&mut self, state: State) -> Vec<Request> {
        let Some(closing) = self.closing.take() else { return vec![] };
        self.state = state;
        self.settle(closing.decided);
        // The close's entries were counted on their own thread: the board
        // takes the counted state whole (once a meeting).
        if let Some(b) = &self.boards {
            b.state(&self.state);
        }
        closing.held
    }

    /// Bring the head record up to the log. False if it could not be written
    /// (the storage is failing: `/healthz` says so).
    fn write_head(&mut self) -> bool {
        if self.head_written == self.chain.seq {
            return true;
        }
        let head = Head { seq: self.chain.seq, hash: self.chain.head.clone() };
        let Some(record) = self.head_record.as_mut() else { return false };
        match record.write(&head) {
            Ok(()) => {
                self.head_written = head.seq;
                self.health.write_succeeded();
                true
            }
            Err(e) => {
                tracing::error!("cannot write the head record: {e}");
                self.health.write_failed(format!("head record: {e}"));
                false
            }
        }
    }

    /// A command id answered before: the same answer again (once the head
    /// record holds it), or `command_id_reused` for a different command.
    fn answer_again(&mut self, reply: &Outbox, key: &(String, String), digest: &str) {
        let Some(d) = self.done.get(key) else { return };
        let id = key.1.clone();
        if d.digest.as_deref().is_some_and(|d| d != digest) {
            reply.error(Some(id), ErrorCode::CommandIdReused, None);
            return;
        }
        let (seq, head, result) = (d.seq, d.head.clone(), d.result.clone());
        if seq > self.head_written && !self.write_head() {
            reply.error(Some(id), ErrorCode::StorageFailed, None);
            return;
        }
        let log_tag = self.keys.tag(seq, &head);
        reply.send(&ServerMsg::Ack { id, seq, log_head: head, log_tag, result });
    }

    /// Once halted, nothing is served from the log: commands are answered
    /// "not saved, try again" (they go again after the restore), the rest dropped.
    fn refuse_halted(&mut self, batch: Vec<Request>) {
        for r in batch {
            match r {
                Request::Command { id, reply, .. } => {
                    reply.error(Some(id), ErrorCode::StorageFailed, Some(ErrorCode::LogBehind.as_str().into()))
                }
                Request::Seen { reply, .. } => drop(reply.send(false)),
                Request::IssueVoters { reply, .. } => drop(reply.send(Err(Rejection::new(ErrorCode::StorageFailed)))),
                Request::Claim { reply, .. } => drop(reply.send(Err(Rejection::new(ErrorCode::StorageFailed)))),
                Request::Snapshot { .. } | Request::Counted(_) => {}
            }
        }
    }

    /// A client's last seen position against the log. A position tagged by
    /// this hub that the log does not hold (shorter, or another hash there)
    /// means acknowledged entries were lost: halt, and say so plainly.
    fn check_seen(&mut self, seen: &Seen, who: &str) -> bool {
        if !self.keys.issued(seen) {
            // Not issued with this folder's key (another meeting's page, a
            // forged claim): no evidence either way.
            tracing::debug!(who, seq = seen.seq, "a seen position without a valid tag; ignored");
            return true;
        }
        let len = self.chain.seq;
        let dir = self.store.dir().display().to_string();
        let shown = grouped(&seen.head, 16);
        let ((zh, en), detail) = if seen.seq > len {
            (
                both(
                    console::LOG_SHORTER_THAN_SEEN,
                    &[("len", &len), ("who", &who), ("seq", &seen.seq), ("head", &shown)],
                ),
                format!("log ends at entry {len}; {who} saw entry {}", seen.seq),
            )
        } else if seen.seq > 0 && self.hashes.get(seen.seq as usize - 1) != Some(&hash_bytes(&seen.head)) {
            let here = self.store.rows_from(seen.seq, 1).ok().and_then(|r| r.first().map(|r| r.hash.clone()));
            let here = grouped(here.as_deref().unwrap_or(""), 16);
            (
                both(
                    console::LOG_DIFFERS_FROM_SEEN,
                    &[("seq", &seen.seq), ("here", &here), ("who", &who), ("head", &shown)],
                ),
                format!("entry {} differs from what {who} saw", seen.seq),
            )
        } else {
            return true;
        };
        let (zh_halted, en_halted) = both(console::HALTED_FOR_A_SHORTENED_LOG, &[("path", &dir)]);
        let (zh, en) = (format!("{zh}{zh_halted}"), format!("{en} {en_halted}"));
        eprintln!("\n{}: {zh}\n{en}\n", said(console::ERROR, &[]));
        tracing::error!(who, seen = seen.seq, log = len, "the log is behind a client: halted");
        self.health.halt(Halt { zh, en, detail });
        false
    }

    /// One entry onto the chain; `command` is the client's command id and digest, if a command wrote it.
    fn record(&mut self, d: &mut Decided, actor: &str, command: Option<(&str, &str)>, e: Event) -> Recorded {
        let (row, rec) = self.chain.next(d.now, actor, command, e);
        if let Event::ClaimReleased { serial, .. } = &rec.event {
            // The card's PIN and device are forgotten with the claim: it can be
            // claimed again, on any device, and the old one no longer opens it.
            d.claims.push(ClaimRow { serial: serial.clone(), pin_hash: String::new(), device: String::new() });
        }
        if matches!(rec.event, Event::PhaseChanged { to: Phase::Voting, .. }) {
            // Before the commit: a witness reading the log meanwhile seals too much, never too little.
            self.log.vote_opened.store(rec.seq, Ordering::Release);
        }
        d.changed.add(&rec.event);
        self.state.evolve(&rec);
        self.hashes.push(hash_bytes(&rec.hash));
        d.rows.push(row);
        if self.boards.is_some() {
            d.recs.push(rec.clone());
        }
        rec
    }

    /// Snapshots and seen positions, answered once the batch's entries are durable
    /// (so that they never show what is not yet committed).
    fn answer_snapshots(&mut self, requests: Vec<Request>) {
        let now = crate::now_ms();
        for r in requests {
            match r {
                Request::Snapshot { viewer, you, reply } => {
                    let mut snapshot = Box::new(self.state.snapshot(&viewer, now));
                    snapshot.log_tag = self.keys.tag(snapshot.seq, &snapshot.log_head);
                    let msg = match you {
                        Some(you) => ServerMsg::Welcome { you, snapshot },
                        None => ServerMsg::Snapshot { snapshot },
                    };
                    reply.send(&msg);
                }
                Request::Seen { seen, who, reply } => {
                    let ok = self.check_seen(&seen, &who);
                    let _ = reply.send(ok);
                }
                Request::Command { .. } | Request::Counted(_) | Request::IssueVoters { .. } | Request::Claim { .. } => {
                }
            }
        }
    }

    /// After a failed commit the in-memory state may be ahead of the disk:
    /// rebuild it from what is durable.
    fn reload(&mut self) {
        match self.store.rows().and_then(|rows| {
            let (state, recs) = crate::meeting::replay::checked(&rows).map_err(|p| anyhow::anyhow!("{p}"))?;
            Ok((Chain::after(&rows), state, rows.iter().map(|r| hash_bytes(&r.hash)).collect(), recs))
        }) {
            Ok((chain, state, hashes, recs)) => {
                self.chain = chain;
                self.state = state;
                self.hashes = hashes;
                if let Some(b) = &self.boards {
                    b.state(&self.state);
                }
                self.log.vote_opened.store(vote_opened(&recs), Ordering::Release);
            }
            Err(e) => {
                // What is in memory may be ahead of the disk: serve nothing more from it.
                tracing::error!("cannot reload the log after a failed commit: {e:#}");
                let (zh, en) = both(console::CANNOT_RELOAD_AFTER_FAILED_WRITE, &[("error", &format!("{e:#}"))]);
                self.health.halt(Halt { zh, en, detail: "reload failed".into() });
            }
        }
    }
}

/// What each command id was answered, by (actor, command id).
type Answers = HashMap<(String, String), Done>;

/// The entries of one command, as they are read from the log.
struct Run {
    key: (String, String),
    digest: Option<String>,
    records: Vec<Recorded>,
}

impl Run {
    /// Its answer, kept once; the same command id twice is a damaged log.
    fn finish(self, done: &mut Answers) -> Result<()> {
        let first = self.records[0].seq;
        let last = self.records.last().expect("a run has entries");
        let d = Done { digest: self.digest, seq: last.seq, head: last.hash.clone(), result: ack_result(&self.records) };
        if let Some(earlier) = done.insert(self.key.clone(), d) {
            let (actor, id) = self.key;
            let values: [(&str, &dyn std::fmt::Display); 4] =
                [("first", &first), ("actor", &actor), ("id", &id), ("earlier", &earlier.seq)];
            bail!("{}", said(console::COMMAND_ID_ANSWERED_TWICE, &values));
        }
        Ok(())
    }
}

/// Replay the rows into records, and rebuild from the log itself the answer
/// to every command id (its entries are consecutive and share the actor,
/// command id and digest).
fn answers_of(rows: &[Row]) -> Result<(Vec<Recorded>, Answers)> {
    let mut records = Vec::with_capacity(rows.len());
    let mut done = HashMap::new();
    let mut current: Option<Run> = None;
    for r in rows {
        let b = r.parse()?;
        let rec = Recorded { seq: r.seq, at_ms: b.at_ms, hash: r.hash.clone(), event: b.event };
        match b.command_id {
            Some(id) => {
                let key = (b.actor, id);
                match &mut current {
                    Some(run) if run.key == key && run.digest == b.command_digest => run.records.push(rec.clone()),
                    _ => {
                        if let Some(run) = current.take() {
                            run.finish(&mut done)?;
                        }
                        current = Some(Run { key, digest: b.command_digest, records: vec![rec.clone()] });
                    }
                }
            }
            None => {
                if let Some(run) = current.take() {
                    run.finish(&mut done)?;
                }
            }
        }
        records.push(rec);
    }
    if let Some(run) = current {
        run.finish(&mut done)?;
    }
    Ok((records, done))
}

/// The entry that opened the vote (0: not opened yet).
fn vote_opened(records: &[Recorded]) -> u64 {
    records.iter().rev().find(|r| matches!(r.event, Event::PhaseChanged { to: Phase::Voting, .. })).map_or(0, |r| r.seq)
}

fn hash_bytes(hex_hash: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    if let Ok(b) = hex::decode(hex_hash) {
        if b.len() == 32 {
            out.copy_from_slice(&b);
        }
    }
    out
}

/// Digest of a command's content: a re-sent id must carry the same command.
fn digest(c: &Command) -> String {
    let json = serde_json::to_string(c).expect("commands serialise");
    hex::encode(&Sha256::digest(json.as_bytes())[..12])
}

/// Write a new meeting: the definition (entry 1), its staff cards (entry
/// 2), its pre-screening record (entry 3, if it has one, with the contacts
/// kept apart: the record and its contacts, as `hub check` read them) and `voters` voter cards (the next entry), with their tokens, in one
/// transaction; then its head record.
pub fn create(
    store: &mut Store,
    definition: Definition,
    record: Option<(&Prescreening, &[(String, String)])>,
    voters: u32,
) -> Result<Vec<TokenRow>> {
    if !store.is_empty()? {
        bail!("this data folder already holds a meeting");
    }
    if let Some(h) = HeadRecord::read(store.dir())? {
        bail!("{}", told(console::HEAD_RECORD_WITHOUT_DATABASE, &[("path", &store.dir().display()), ("seq", &h.seq)]));
    }
    let now = crate::now_ms();
    let staff = tokens::staff_tokens(&definition.rules);
    let mut chain = Chain::after(&[]);
    let mut state = State::default();
    let mut rows = vec![];
    let mut write = |state: &mut State, e: Event| {
        let (row, rec) = chain.next(now, "hub", None, e);
        state.evolve(&rec);
        rows.push(row);
    };
    write(&mut state, Event::MeetingDefined { definition });
    let cards = tokens::staff_cards(&state.electorate.meeting, &staff);
    for e in state.issue_staff_cards(cards).map_err(|r| anyhow::anyhow!("{r}"))? {
        write(&mut state, e);
    }
    if let Some((read, _)) = record {
        let events = state.record_prescreening(read.clone()).map_err(|r| anyhow::anyhow!("{r}"))?;
        for e in events {
            write(&mut state, e);
        }
    }
    let mut all = staff;
    if voters > 0 {
        let batch = tokens::voter_tokens(voters, 0);
        let meeting = state.electorate.meeting.clone();
        let commitments =
            batch.iter().map(|t| yuanzhuo_engine::card_commitment(&meeting, &t.serial, &t.token)).collect();
        for e in state.issue_voter_cards(&Actor::organiser(), commitments, "").map_err(|r| anyhow::anyhow!("{r}"))? {
            write(&mut state, e);
        }
        all.extend(batch);
    }
    let contacts = record.map(|(_, contacts)| contacts).unwrap_or_default();
    store.create(&rows, &all, contacts, now)?;
    let last = rows.last().expect("the definition at least");
    HeadRecord::open(store.dir(), &Head { seq: last.seq, hash: last.hash.clone() })?;
    Ok(all)
}

/// Issue voter cards without a hub serving the folder (`hub tokens
/// --voters N`, under the folder's lock): the same entry and tokens the
/// meeting task would write, and the head record brought up to them.
pub fn issue_offline(store: &mut Store, count: u32, reason: &str) -> Result<Vec<TokenRow>> {
    let rows = store.rows()?;
    let recorded = HeadRecord::read(store.dir())?;
    if let Some(problem) = recorded.as_ref().and_then(|h| {
        crate::meeting::folder::shortfall(h, rows.len() as u64, |seq| {
            seq.checked_sub(1).and_then(|i| rows.get(i as usize)).map(|r| r.hash.clone())
        })
    }) {
        let not_whole = said(print::LOG_NOT_WHOLE, &[]);
        bail!("{not_whole}: {problem}\nhub restore --from WITNESS_COPY --data {}", store.dir().display());
    }
    let (mut state, _) = crate::meeting::replay::checked(&rows)
        .map_err(|p| anyhow::anyhow!("{}", said(console::LOG_FAILS_VERIFICATION, &[("problem", &p)])))?;
    let batch = tokens::voter_tokens(count, state.electorate.last_voter);
    let meeting = state.electorate.meeting.clone();
    let commitments = batch.iter().map(|t| yuanzhuo_engine::card_commitment(&meeting, &t.serial, &t.token)).collect();
    let events = state.issue_voter_cards(&Actor::organiser(), commitments, reason).map_err(|r| {
        anyhow::anyhow!("{} / {}{}", r.code.zh(), r.code.en(), r.detail.map(|d| format!(" ({d})")).unwrap_or_default())
    })?;
    let mut chain = Chain::after(&rows);
    // The log's clock never runs backwards.
    let last = rows.last().map(|r| r.parse()).transpose()?.map_or(0, |b| b.at_ms);
    let now = crate::now_ms().max(last);
    let mut out = vec![];
    for e in events {
        let (row, rec) = chain.next(now, "organiser", None, e);
        state.evolve(&rec);
        out.push(row);
    }
    store.append_with(&out, &batch, &[], now)?;
    // Brought up to the new end, if the folder has one (a folder without it
    // keeps the warning `hub serve` gives about it).
    if recorded.is_some() {
        let head = Head { seq: chain.seq, hash: chain.head.clone() };
        HeadRecord::open(store.dir(), &head)?.write(&head)?;
    }
    Ok(batch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meeting::folder::HeadRecord;
    use serde_json::Value;
    use yuanzhuo_engine::chain_hash;

    /// A writer waiting on a round goes on when the last expected writer
    /// passes, not before; one that comes after that does not wait at all.
    /// (The limit is an hour: only the last pass can wake the writer, however
    /// slowly a loaded machine runs the test.)
    #[test]
    fn a_round_holds_the_rest_until_every_writer_has_passed() {
        let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
        rt.block_on(async {
            let round = Arc::new(Round::with_limit(3, vec![], std::time::Duration::from_secs(3600)));
            round.pass();
            let waiter = tokio::spawn({
                let round = round.clone();
                async move { round.wait().await }
            });
            for _ in 0..10 {
                tokio::task::yield_now().await;
            }
            assert!(!waiter.is_finished(), "one of three passed: the rest waits");
            round.pass();
            for _ in 0..10 {
                tokio::task::yield_now().await;
            }
            assert!(!waiter.is_finished(), "two of three passed: the rest waits");
            round.pass();
            let woken = tokio::time::timeout(std::time::Duration::from_secs(60), waiter).await;
            assert!(woken.is_ok(), "the last pass wakes the writer");
            // Everyone has passed: a late writer goes straight on.
            round.wait().await;
        });
    }

    #[test]
    fn the_phase_change_leads_wherever_it_is_in_the_batch() {
        assert_eq!(round_lead(&[false, true, false]), Some(1), "the close: summaries, phase, results");
        assert_eq!(round_lead(&[true, false]), Some(0));
        assert_eq!(round_lead(&[false, true]), None, "nothing follows it");
        assert_eq!(round_lead(&[true]), None);
        assert_eq!(round_lead(&[false, false]), None, "no phase change");
        assert_eq!(round_lead(&[]), None);
    }

    /// A round counts the writers that follow a feed (welcomed), not every
    /// subscriber: a connection still waiting for its welcome never passes.
    #[test]
    fn followers_are_counted_while_they_follow() {
        let feed = FeedTx::new();
        let follower = Follower(feed.following.clone());
        let (a, b) = (follower.follow(), follower.follow());
        assert_eq!(feed.following.load(Ordering::Acquire), 2);
        drop(a);
        assert_eq!(feed.following.load(Ordering::Acquire), 1);
        drop(b);
        assert_eq!(feed.following.load(Ordering::Acquire), 0);
        let round = Round::new(1, vec![Feed::Voters]);
        assert!(round.holds(&Feed::Voters) && !round.holds(&Feed::Watchers));
    }

    /// A writer that never passes (it went away) holds the rest only until
    /// the limit (here 20 ms; at a meeting `ROUND_LIMIT`).
    #[test]
    fn a_round_is_given_up_at_its_limit() {
        let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
        rt.block_on(async {
            let round = Round::with_limit(2, vec![], std::time::Duration::from_millis(20));
            round.pass();
            round.wait().await;
            assert!(tokio::time::Instant::now() >= round.deadline);
        });
    }

    fn new_meeting(dir: &std::path::Path) -> Store {
        let mut store = Store::open(dir).unwrap();
        create(&mut store, crate::documents::definition::load(None, None).unwrap().definition, None, 0).unwrap();
        store
    }

    /// Send one command through a running meeting task; its answer.
    fn ask(handle: &MeetingHandle, id: &str, command: Command) -> serde_json::Value {
        let (reply, mut rx) = Outbox::new(8);
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        rt.block_on(async {
            assert!(handle.send(Request::Command { actor: Actor::organiser(), id: id.into(), command, reply }).await);
            serde_json::from_str(&rx.recv().await.unwrap().text).unwrap()
        })
    }

    fn serving(dir: &std::path::Path) -> (MeetingHandle, std::thread::JoinHandle<()>) {
        let mut m = Meeting::load(Store::open(dir).unwrap()).unwrap();
        m.open_head_record().unwrap();
        m.spawn()
    }

    #[test]
    fn a_re_sent_command_id_is_answered_from_the_log_after_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        drop(new_meeting(dir.path()));
        let (h, t) = serving(dir.path());
        let first = ask(&h, "a1", Command::OpenMeeting);
        assert_eq!(first["type"], "ack", "{first}");
        assert_eq!(first["log_tag"].as_str().map(str::len), Some(32));
        // Before serving, the WAL was given its room (on a disk that can spare it).
        let wal = std::fs::metadata(dir.path().join(format!("{}-wal", crate::meeting::store::DB_FILE))).unwrap().len();
        let free = rustix::fs::statvfs(dir.path()).map(|s| s.f_bavail.saturating_mul(s.f_frsize)).unwrap();
        if free >= WAL_ROOM + WAL_ROOM_SPARE {
            assert!(wal >= WAL_ROOM, "the WAL has {wal} bytes");
        }
        drop(h);
        t.join().unwrap();
        // The head record holds the acknowledged entry.
        assert_eq!(HeadRecord::read(dir.path()).unwrap().map(|h| h.seq), first["seq"].as_u64());

        let (h, t) = serving(dir.path());
        assert_eq!(ask(&h, "a1", Command::OpenMeeting), first, "the same answer again, nothing written");
        let other = ask(&h, "a1", Command::AdvancePhase { to: Phase::Discussion });
        assert_eq!(other["code"], "command_id_reused", "{other}");
        drop(h);
        t.join().unwrap();
        let rows = Store::open(dir.path()).unwrap().rows().unwrap();
        assert_eq!(rows.len() as u64, first["seq"].as_u64().unwrap());
        let body: serde_json::Value = serde_json::from_str(&rows.last().unwrap().body).unwrap();
        assert_eq!(body["command_id"], "a1");
        assert_eq!(body["command_digest"].as_str().map(str::len), Some(24));
    }

    #[test]
    fn a_command_id_answered_twice_in_the_log_is_refused_at_start() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_meeting(dir.path());
        // A log rewritten with every hash recomputed, so that the chain checks:
        // the same command id again, after another command.
        let mut chain = Chain::after(&store.rows().unwrap());
        let opened = Event::MeetingOpened { fingerprint: "X".into() };
        let rows: Vec<Row> = [("a1", "d1"), ("a2", "d2"), ("a1", "d1")]
            .iter()
            .map(|(id, digest)| chain.next(1, "organiser", Some((id, digest)), opened.clone()).0)
            .collect();
        store.append(&rows).unwrap();
        HeadRecord::open(dir.path(), &Head { seq: 5, hash: chain.head.clone() })
            .unwrap()
            .write(&Head { seq: 5, hash: chain.head })
            .unwrap();
        assert!(check_chain(&store.rows().unwrap()).is_ok());
        let e = Meeting::load(store).err().unwrap().to_string();
        assert!(e.contains("entry 5: command id a1 of organiser was already answered at entry 3"), "{e}");
    }

    #[test]
    fn a_log_short_of_its_head_record_is_refused_at_start() {
        let dir = tempfile::tempdir().unwrap();
        drop(new_meeting(dir.path()));
        let (h, t) = serving(dir.path());
        let ack = ask(&h, "a1", Command::OpenMeeting);
        drop(h);
        t.join().unwrap();
        // The head record says one entry more than the log has (its WAL lost).
        let seq = ack["seq"].as_u64().unwrap() + 1;
        let hash = chain_hash(ack["log_head"].as_str().unwrap(), "{}");
        HeadRecord::open(dir.path(), &Head { seq: 1, hash: String::new() })
            .unwrap()
            .write(&Head { seq, hash })
            .unwrap();
        let e = Meeting::load(Store::open(dir.path()).unwrap()).err().unwrap().to_string();
        assert!(e.contains(&format!("the hub had acknowledged up to entry {seq}")), "{e}");
        assert!(e.contains("Refusing to start") && e.contains("hub restore --from"), "{e}");
    }

    /// A street-level meeting: 500 proposals, equal shares.
    fn street() -> Definition {
        let mut def = crate::documents::definition::demo();
        let template = def.proposals[0].clone();
        let costs = [5_000, 8_000, 10_000, 12_000, 15_000, 20_000, 30_000, 50_000, 80_000];
        def.proposals = (0..500)
            .map(|i| Proposal {
                id: format!("P{:03}", i + 1),
                title: format!("项目{}", i + 1),
                cost: costs[(i * 7 + i / 9) % costs.len()],
                ..template.clone()
            })
            .collect();
        def.rules.allocation = Allocation::EqualShares;
        def.rules.max_choices = 10;
        def.rules.budget.amount = 1_000_000;
        def
    }

    /// Voter `v`'s ballot: 1 to 10 proposals, popular ones (low numbers) more often.
    fn ballot(v: u64) -> Vec<ProposalId> {
        let mut x = v.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        let mut next = |n: u64| {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (x >> 33) % n
        };
        let k = 1 + next(10);
        let mut b: Vec<ProposalId> = vec![];
        while (b.len() as u64) < k {
            let spread = 1 + next(500);
            let p = format!("P{:03}", 1 + next(spread));
            if !b.contains(&p) {
                b.push(p);
            }
        }
        b
    }

    fn command(actor: Actor, id: &str, command: Command) -> (Request, mpsc::Receiver<Box<Direct>>) {
        let (reply, rx) = Outbox::new(8);
        (Request::Command { actor, id: id.into(), command, reply }, rx)
    }

    fn message(rx: &mut mpsc::Receiver<Box<Direct>>) -> Option<Value> {
        rx.try_recv().ok().map(|d| serde_json::from_str(d.text.as_str()).expect("JSON"))
    }

    #[test]
    fn a_direct_message_carries_the_position_of_its_snapshot() {
        let dir = tempfile::tempdir().unwrap();
        let mut m = Meeting::load(new_meeting(dir.path())).unwrap();
        m.open_head_record().unwrap();
        let (reply, mut rx) = Outbox::new(8);
        m.process(vec![Request::Snapshot { viewer: Actor::organiser(), you: None, reply: reply.clone() }]);
        reply.error(Some("c1".into()), ErrorCode::Forbidden, None);
        let seqs: Vec<Option<u64>> = std::iter::from_fn(|| rx.try_recv().ok()).map(|d| d.snapshot_seq).collect();
        assert_eq!(seqs, [Some(m.state.seq), None]);
        assert!(m.state.seq > 0);
    }

    #[test]
    fn snapshots_are_answered_while_the_close_is_counted() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        create(&mut store, street(), None, 5000).unwrap();
        let mut m = Meeting::load(store).unwrap();
        m.open_head_record().unwrap();
        let (tx, mut rx) = mpsc::channel(16);
        m.requests = Some(tx.downgrade());
        // The board's thread, fed by this meeting (not running as a task here).
        let (boards, _) = crate::meeting::board::Boards::spawn(m.state.clone());
        m.boards = Some(boards.clone());
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let board = || -> Value { serde_json::from_slice(&rt.block_on(boards.get()).expect("a board").json).unwrap() };

        let org = Actor::organiser();
        m.process(vec![command(org.clone(), "open", Command::OpenMeeting).0]);
        while m.state.phase < Phase::Voting {
            let to = m.state.phase.next().unwrap();
            let (req, mut answer) = command(org.clone(), to.as_str(), Command::AdvancePhase { to });
            m.process(vec![req]);
            assert_eq!(message(&mut answer).unwrap()["type"], "ack", "advance to {to:?}");
        }
        for batch in 0..10u64 {
            let reqs = (1..=500u64).map(|i| {
                let v = batch * 500 + i;
                command(Actor::voter(format!("V{v:04}")), "b", Command::CastBallot { choices: ballot(v) }).0
            });
            m.process(reqs.collect());
        }
        assert_eq!(m.state.ballots.len(), 5000);
        let b = board();
        assert_eq!((b["seq"].as_u64(), b["phone"].as_array().map(Vec::len)), (Some(m.state.seq), Some(5000)));

        // The close: its count waits (held by the test) on its own thread.
        let (go, hold) = std::sync::mpsc::channel();
        m.hold_count = Some(hold);
        let (close, mut closed) = command(org.clone(), "close", Command::AdvancePhase { to: Phase::Counted });
        m.process(vec![close]);
        assert!(message(&mut closed).is_none(), "the close is acknowledged only once counted");

        // Meanwhile a snapshot is answered from the state before the close,
        // and a late ballot waits.
        let (reply, mut snapshot) = Outbox::new(8);
        let (late, mut late_answer) =
            command(Actor::voter("V0001"), "late", Command::CastBallot { choices: vec!["P001".into()] });
        m.process(vec![Request::Snapshot { viewer: org.clone(), you: None, reply }, late]);
        let s = message(&mut snapshot).expect("a snapshot while the count runs");
        assert_eq!((s["type"].as_str(), s["snapshot"]["phase"].as_str()), (Some("snapshot"), Some("voting")));
        assert!(s["snapshot"]["results"].is_null());
        assert!(message(&mut late_answer).is_none(), "commands wait for the close");
        // …and the board, built off the task, answers too: the vote still open.
        let b = board();
        assert_eq!((b["phase"].as_str(), b["results"].is_null()), (Some("voting"), true));

        go.send(()).unwrap();
        let counted = rx.blocking_recv().expect("the count answers");
        assert!(matches!(counted, Request::Counted(_)));
        m.process(vec![counted]);
        let ack = message(&mut closed).expect("the close is acknowledged");
        assert_eq!(ack["type"], "ack");
        let late = message(&mut late_answer).expect("the late ballot is answered after the close");
        assert_eq!((late["type"].as_str(), late["code"].as_str()), (Some("error"), Some("wrong_phase")));

        // The board has the close once it is durable.
        let b = board();
        assert_eq!((b["seq"].as_u64(), b["phase"].as_str()), (Some(m.state.seq), Some("counted")));
        assert!(b["results"]["funded"].is_array(), "{}", b["results"]);
        // The results are the count's, and durable: a restart has them too.
        assert_eq!(m.state.phase, Phase::Counted);
        let r = m.state.results.clone().expect("results");
        let seed = r.closed_at_head.clone();
        let def = m.state.counted_definition().unwrap();
        assert_eq!(r, yuanzhuo_engine::count(&def, &m.state.count_input(), &seed));
        assert!(r.equal_shares.as_ref().is_some_and(|e| !e.selected.is_empty()));
        assert!(r.ties.len() > 10, "a meeting with many ties");
        let again = Meeting::load(Store::open(dir.path()).unwrap()).unwrap();
        assert_eq!(again.state, m.state);
    }
}
