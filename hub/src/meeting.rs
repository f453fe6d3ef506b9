//! The meeting task: the one owner of the meeting's state and its log.
//!
//! Connections send it requests over a channel. It takes every request
//! waiting at once as a batch, decides each command, writes all resulting
//! entries in one SQLite transaction (group commit: one fsync for a burst of
//! ballots), and only then acknowledges them and broadcasts what changed.
//! It runs on its own OS thread because the commit blocks.
//!
//! The close of the vote is the one long computation (the count, with
//! equal shares and its ties): it runs on a thread of its own, from a copy
//! of the state, while the task goes on answering snapshots and the board
//! from the state before the close. Commands that arrive meanwhile wait,
//! and are decided once the close is durable, in the order they came.

use anyhow::{bail, Result};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use tokio::sync::{broadcast, mpsc};
use tokio_tungstenite::tungstenite::Utf8Bytes;
use yuanzhuo_engine::{ack_result, Actor, Audience, Changed, Ctx, Event, Feed, Recorded, Rejection, State};
use yuanzhuo_protocol::*;

use crate::store::{Chain, ClaimRow, CommandRow, Row, Store, TokenRow};
use crate::tokens::{self, RegistryWriter};

/// Largest batch committed in one transaction.
const MAX_BATCH: usize = 4096;
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
    pub text: Utf8Bytes,
}

/// A connection's queue of direct messages (answers, snapshots).
#[derive(Clone, Debug)]
pub struct Outbox {
    tx: mpsc::Sender<Utf8Bytes>,
    /// Set when a message could not be queued: the connection must close,
    /// and the client will resend its command ids after reconnecting.
    pub overflowed: Arc<AtomicBool>,
}

impl Outbox {
    pub fn new(capacity: usize) -> (Outbox, mpsc::Receiver<Utf8Bytes>) {
        let (tx, rx) = mpsc::channel(capacity);
        (Outbox { tx, overflowed: Arc::new(AtomicBool::new(false)) }, rx)
    }

    pub fn send(&self, msg: &ServerMsg) {
        self.send_text(encode(msg));
    }

    pub fn send_text(&self, text: Utf8Bytes) {
        if let Err(mpsc::error::TrySendError::Full(_)) = self.tx.try_send(text) {
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
    /// The public board (`/api/board`), built from the state (board.rs).
    Board {
        reply: tokio::sync::oneshot::Sender<crate::board::BoardText>,
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
        reply: tokio::sync::oneshot::Sender<Result<(), Rejection>>,
    },
}

/// Who waits for voter cards being issued.
pub type IssueReply = tokio::sync::oneshot::Sender<Result<Vec<TokenRow>, Rejection>>;

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
pub type Feeds = Arc<HashMap<Feed, broadcast::Sender<Broadcast>>>;

/// How connections reach the meeting task.
#[derive(Clone)]
pub struct MeetingHandle {
    tx: mpsc::Sender<Request>,
    feeds: Feeds,
    pub stats: Arc<Stats>,
}

impl MeetingHandle {
    pub async fn send(&self, r: Request) -> bool {
        self.tx.send(r).await.is_ok()
    }
    /// The live updates for `viewer`.
    pub fn subscribe(&self, viewer: &Actor) -> Option<broadcast::Receiver<Broadcast>> {
        self.feeds.get(&Feed::of(viewer)).map(broadcast::Sender::subscribe)
    }
}

struct Done {
    digest: String,
    seq: u64,
    result: AckResult,
}

/// A command decided in this batch, answered once the batch is durable.
struct Pending {
    key: (String, String),
    digest: String,
    seq: u64,
    result: AckResult,
    reply: Outbox,
}

/// Commands decided, waiting to be committed together.
#[derive(Default)]
struct Decided {
    rows: Vec<Row>,
    commands: Vec<CommandRow>,
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
    claimed: Vec<tokio::sync::oneshot::Sender<Result<(), Rejection>>>,
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
    done: HashMap<(String, String), Done>,
    feeds: Feeds,
    last_at_ms: u64,
    stats: Arc<Stats>,
    board: crate::board::Cache,
    /// The task's own queue, for the count's thread to answer on (none when
    /// the meeting is not running as a task: the close is counted inline).
    requests: Option<mpsc::WeakSender<Request>>,
    closing: Option<Closing>,
    /// Tests hold the count's thread here until they let it go.
    #[cfg(test)]
    hold_count: Option<std::sync::mpsc::Receiver<()>>,
}

impl Meeting {
    /// Load the meeting from its log, checking the whole chain and every
    /// entry against the rules first (`replay::checked`); a log that fails
    /// is refused rather than served.
    pub fn load(store: Store) -> Result<Meeting> {
        let rows = store.rows()?;
        let (state, records) = crate::replay::checked(&rows).map_err(|problem| {
            anyhow::anyhow!("日志校验失败，拒绝启动 / the log fails verification, refusing to start: {problem}")
        })?;
        if state.definition.is_none() {
            bail!("数据文件夹中没有会议定义 / the data folder holds no meeting definition");
        }
        let by_seq: HashMap<u64, &Recorded> = records.iter().map(|r| (r.seq, r)).collect();
        let mut done = HashMap::new();
        for c in store.commands()? {
            let recs: Vec<Recorded> =
                (c.first_seq..=c.last_seq).filter_map(|s| by_seq.get(&s).map(|r| (*r).clone())).collect();
            done.insert((c.actor, c.command_id), Done { digest: c.digest, seq: c.last_seq, result: ack_result(&recs) });
        }
        let last_at_ms = records.last().map_or(0, |r| r.at_ms);
        let feeds =
            Feed::all(state.tables.len()).into_iter().map(|f| (f, broadcast::channel(BROADCAST_BACKLOG).0)).collect();
        Ok(Meeting {
            chain: Chain::after(&rows),
            store,
            state,
            registry: None,
            holder_key: None,
            done,
            feeds: Arc::new(feeds),
            last_at_ms,
            stats: Default::default(),
            board: Default::default(),
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

    /// Start the meeting task on its own thread.
    pub fn spawn(mut self) -> (MeetingHandle, std::thread::JoinHandle<()>) {
        let (tx, rx) = mpsc::channel(REQUEST_QUEUE);
        self.requests = Some(tx.downgrade());
        let handle = MeetingHandle { tx, feeds: self.feeds.clone(), stats: self.stats.clone() };
        let join = std::thread::Builder::new()
            .name("meeting".into())
            .spawn(move || {
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
                                self.record(&mut d, &("organiser".into(), None), e);
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
                                self.record(&mut d, &(actor.key(), None), e);
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
            if let Some(done) = self.done.get(&key) {
                answer_again(&reply, &id, done, &digest);
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
                Err(rej) => reply.error(Some(id), rej.code, rej.detail),
                Ok(events) if closes => self.start_close(d.now, key, digest, reply, events),
                Ok(events) => {
                    let first_seq = self.chain.seq + 1;
                    let entry_key = (key.0.clone(), Some(key.1.clone()));
                    let recs: Vec<Recorded> = events.into_iter().map(|e| self.record(&mut d, &entry_key, e)).collect();
                    let seq = self.chain.seq;
                    d.commands.push(CommandRow {
                        actor: key.0.clone(),
                        command_id: key.1.clone(),
                        digest: digest.clone(),
                        first_seq,
                        last_seq: seq,
                    });
                    d.pending.push(Pending { key, digest, seq, result: ack_result(&recs), reply });
                }
            }
        }
        self.settle(d);
        self.answer_snapshots(snapshots);
    }

    /// Commit what was decided, then acknowledge it and broadcast what
    /// changed; on a failed commit refuse it all and reload from disk.
    fn settle(&mut self, d: Decided) {
        if d.rows.is_empty() {
            return;
        }
        if let Err(e) = self.store.append_with(&d.rows, &d.commands, &d.tokens, &d.claims, d.now) {
            tracing::error!("commit failed, {} commands refused: {e:#}", d.pending.len());
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
        // The connections know the new cards and claims before anyone hears of them.
        if let Some(reg) = &self.registry {
            reg.add(&d.tokens);
            d.claims.into_iter().for_each(|c| reg.claim(c));
        }
        for (batch, reply) in d.issued {
            let _ = reply.send(Ok(batch));
        }
        for reply in d.claimed {
            let _ = reply.send(Ok(()));
        }
        self.stats.commits.fetch_add(1, Ordering::Relaxed);
        self.stats.entries.fetch_add(d.rows.len() as u64, Ordering::Relaxed);
        self.stats.commands.fetch_add(d.pending.len() as u64, Ordering::Relaxed);
        for p in d.pending {
            p.reply.send(&ServerMsg::Ack { id: p.key.1.clone(), seq: p.seq, result: p.result.clone() });
            self.done.insert(p.key, Done { digest: p.digest, seq: p.seq, result: p.result });
        }
        for (actor, id, digest, reply) in d.repeats {
            if let Some(done) = self.done.get(&(actor, id.clone())) {
                answer_again(&reply, &id, done, &digest);
            }
        }
        for (audience, update) in self.state.updates(&d.changed, d.now) {
            let seq = update.seq;
            let b = Broadcast { audience, seq, text: encode(&ServerMsg::Update(Box::new(update))) };
            for (feed, tx) in self.feeds.iter() {
                if feed.carries(audience) {
                    // No receivers is fine: nobody on that feed is connected.
                    let _ = tx.send(b.clone());
                }
            }
        }
    }

    /// The close: its entries are hashed onto the chain now; the state with
    /// them applied (the count) is computed on a thread of its own, which
    /// answers with `Request::Counted`. Until then the task answers
    /// snapshots from the state before the close and holds commands.
    fn start_close(&mut self, now: u64, key: (String, String), digest: String, reply: Outbox, events: Vec<Event>) {
        let first_seq = self.chain.seq + 1;
        let mut d = Decided { now, ..Default::default() };
        let mut recs = vec![];
        for e in events {
            let (row, rec) = self.chain.next(now, &key.0, Some(&key.1), e);
            d.changed.add(&rec.event);
            d.rows.push(row);
            recs.push(rec);
        }
        let seq = self.chain.seq;
        d.commands.push(CommandRow {
            actor: key.0.clone(),
            command_id: key.1.clone(),
            digest: digest.clone(),
            first_seq,
            last_seq: seq,
        });
        d.pending.push(Pending { key, digest, seq, result: ack_result(&recs), reply });
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
        closing.held
    }

    fn record(&mut self, d: &mut Decided, key: &(String, Option<String>), e: Event) -> Recorded {
        let (row, rec) = self.chain.next(d.now, &key.0, key.1.as_deref(), e);
        if let Event::ClaimReleased { serial, .. } = &rec.event {
            // The card's PIN and device are forgotten with the claim: it can be
            // claimed again, on any device, and the old one no longer opens it.
            d.claims.push(ClaimRow { serial: serial.clone(), pin_hash: String::new(), device: String::new() });
        }
        d.changed.add(&rec.event);
        self.state.evolve(&rec);
        d.rows.push(row);
        rec
    }

    /// Snapshots and boards, answered once the batch's entries are durable
    /// (so that they never show what is not yet committed).
    fn answer_snapshots(&mut self, requests: Vec<Request>) {
        let now = crate::now_ms();
        for r in requests {
            match r {
                Request::Snapshot { viewer, you, reply } => {
                    let snapshot = Box::new(self.state.snapshot(&viewer, now));
                    let msg = match you {
                        Some(you) => ServerMsg::Welcome { you, snapshot },
                        None => ServerMsg::Snapshot { snapshot },
                    };
                    reply.send(&msg);
                }
                // The asker may have gone (a phone closed the page): nothing to do then.
                Request::Board { reply } => drop(reply.send(self.board.get(&self.state))),
                Request::Command { .. } | Request::Counted(_) | Request::IssueVoters { .. } | Request::Claim { .. } => {
                }
            }
        }
    }

    /// After a failed commit the in-memory state may be ahead of the disk:
    /// rebuild it from what is durable.
    fn reload(&mut self) {
        match self.store.rows().and_then(|rows| {
            let (state, _) = crate::replay::checked(&rows).map_err(|p| anyhow::anyhow!("{p}"))?;
            Ok((Chain::after(&rows), state))
        }) {
            Ok((chain, state)) => {
                self.chain = chain;
                self.state = state;
            }
            Err(e) => tracing::error!("cannot reload the log after a failed commit: {e:#}"),
        }
    }
}

fn answer_again(reply: &Outbox, id: &str, d: &Done, digest: &str) {
    if d.digest == digest {
        reply.send(&ServerMsg::Ack { id: id.to_string(), seq: d.seq, result: d.result.clone() });
    } else {
        reply.error(Some(id.to_string()), ErrorCode::CommandIdReused, None);
    }
}

/// Digest of a command's content: a re-sent id must carry the same command.
fn digest(c: &Command) -> String {
    let json = serde_json::to_string(c).expect("commands serialise");
    hex::encode(&Sha256::digest(json.as_bytes())[..12])
}

/// Write a new meeting: the definition (entry 1), its staff cards (entry
/// 2) and `voters` voter cards (entry 3, if any), with their tokens, in one
/// transaction.
pub fn create(store: &mut Store, definition: Definition, voters: u32) -> Result<Vec<TokenRow>> {
    if !store.is_empty()? {
        bail!("this data folder already holds a meeting");
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
    store.append_with(&rows, &[], &all, &[], now)?;
    Ok(all)
}

/// Issue voter cards without a hub serving the folder (`hub tokens
/// --voters N`): the same entry and tokens the meeting task would write.
pub fn issue_offline(store: &mut Store, count: u32, reason: &str) -> Result<Vec<TokenRow>> {
    let rows = store.rows()?;
    let (mut state, _) =
        crate::replay::checked(&rows).map_err(|p| anyhow::anyhow!("日志校验失败 / the log fails verification: {p}"))?;
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
    store.append_with(&out, &[], &batch, &[], now)?;
    Ok(batch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// A street-level meeting: 500 proposals, equal shares.
    fn street() -> Definition {
        let mut def = crate::definition::demo();
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

    fn command(actor: Actor, id: &str, command: Command) -> (Request, mpsc::Receiver<Utf8Bytes>) {
        let (reply, rx) = Outbox::new(8);
        (Request::Command { actor, id: id.into(), command, reply }, rx)
    }

    fn message(rx: &mut mpsc::Receiver<Utf8Bytes>) -> Option<Value> {
        rx.try_recv().ok().map(|t| serde_json::from_str(t.as_str()).expect("JSON"))
    }

    #[test]
    fn snapshots_are_answered_while_the_close_is_counted() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        create(&mut store, street(), 5000).unwrap();
        let mut m = Meeting::load(store).unwrap();
        let (tx, mut rx) = mpsc::channel(16);
        m.requests = Some(tx.downgrade());

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

        go.send(()).unwrap();
        let counted = rx.blocking_recv().expect("the count answers");
        assert!(matches!(counted, Request::Counted(_)));
        m.process(vec![counted]);
        let ack = message(&mut closed).expect("the close is acknowledged");
        assert_eq!(ack["type"], "ack");
        let late = message(&mut late_answer).expect("the late ballot is answered after the close");
        assert_eq!((late["type"].as_str(), late["code"].as_str()), (Some("error"), Some("wrong_phase")));

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
