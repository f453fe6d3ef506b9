//! The meeting task: the one owner of the meeting's state and its log.
//!
//! Connections send it requests over a channel. It takes every request
//! waiting at once as a batch, decides each command, writes all resulting
//! entries in one SQLite transaction (group commit: one fsync for a burst of
//! ballots), and only then acknowledges them and broadcasts what changed.
//! It runs on its own OS thread because the commit blocks.

use anyhow::{bail, Result};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use tokio::sync::{broadcast, mpsc};
use tokio_tungstenite::tungstenite::Utf8Bytes;
use yuanzhuo_engine::{ack_result, Actor, Audience, Changed, Ctx, Event, Feed, Recorded, State};
use yuanzhuo_protocol::*;

use crate::store::{check_chain, Chain, CommandRow, Row, Store};

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
    /// Serialised once; deflated once for every connection that compresses.
    pub text: Arc<crate::deflate::Wire>,
}

/// A connection's queue of direct messages (answers, snapshots).
#[derive(Clone, Debug)]
pub struct Outbox {
    /// Boxed: a channel's first block of slots is allocated with it, on
    /// every connection; a box is a quarter of a message's size.
    tx: mpsc::Sender<Box<Utf8Bytes>>,
    /// Set when a message could not be queued: the connection must close,
    /// and the client will resend its command ids after reconnecting.
    pub overflowed: Arc<AtomicBool>,
}

impl Outbox {
    pub fn new(capacity: usize) -> (Outbox, mpsc::Receiver<Box<Utf8Bytes>>) {
        let (tx, rx) = mpsc::channel(capacity);
        (Outbox { tx, overflowed: Arc::new(AtomicBool::new(false)) }, rx)
    }

    pub fn send(&self, msg: &ServerMsg) {
        self.send_text(encode(msg));
    }

    pub fn send_text(&self, text: Utf8Bytes) {
        if let Err(mpsc::error::TrySendError::Full(_)) = self.tx.try_send(Box::new(text)) {
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
}

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

pub struct Meeting {
    store: Store,
    state: State,
    chain: Chain,
    done: HashMap<(String, String), Done>,
    feeds: Feeds,
    last_at_ms: u64,
    stats: Arc<Stats>,
    board: crate::board::Cache,
}

impl Meeting {
    /// Load the meeting from its log, checking the whole chain first; a
    /// store with a broken chain is refused rather than served.
    pub fn load(store: Store) -> Result<Meeting> {
        let rows = store.rows()?;
        if let Err(problem) = check_chain(&rows) {
            bail!("日志校验失败，拒绝启动 / the log fails verification, refusing to start: {problem}");
        }
        let records = rows.iter().map(Row::recorded).collect::<Result<Vec<_>>>()?;
        let state = State::replay(&records);
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
            done,
            feeds: Arc::new(feeds),
            last_at_ms,
            stats: Default::default(),
            board: Default::default(),
        })
    }

    pub fn state(&self) -> &State {
        &self.state
    }

    /// Start the meeting task on its own thread.
    pub fn spawn(self) -> (MeetingHandle, std::thread::JoinHandle<()>) {
        let (tx, rx) = mpsc::channel(REQUEST_QUEUE);
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
        let now = self.now_ms();
        let mut rows: Vec<Row> = vec![];
        let mut commands: Vec<CommandRow> = vec![];
        let mut pending: Vec<Pending> = vec![];
        let mut repeats: Vec<(String, String, String, Outbox)> = vec![];
        let mut snapshots = vec![];
        let mut changed = Changed::default();

        for req in batch {
            let (actor, id, command, reply) = match req {
                Request::Command { actor, id, command, reply } => (actor, id, command, reply),
                snapshot => {
                    snapshots.push(snapshot);
                    continue;
                }
            };
            let key = (actor.key(), id.clone());
            let digest = digest(&command);
            if let Some(d) = self.done.get(&key) {
                answer_again(&reply, &id, d, &digest);
                continue;
            }
            if pending.iter().any(|p| p.key == key) {
                repeats.push((key.0, key.1, digest, reply));
                continue;
            }
            let ctx = Ctx { now_ms: now, head: self.chain.head.clone() };
            match self.state.decide(&actor, &command, &ctx) {
                Err(rej) => reply.error(Some(id), rej.code, rej.detail),
                Ok(events) => {
                    let first_seq = self.chain.seq + 1;
                    let recs: Vec<Recorded> =
                        events.into_iter().map(|e| self.record(&mut rows, &mut changed, now, &key, e)).collect();
                    let seq = self.chain.seq;
                    commands.push(CommandRow {
                        actor: key.0.clone(),
                        command_id: key.1.clone(),
                        digest: digest.clone(),
                        first_seq,
                        last_seq: seq,
                    });
                    pending.push(Pending { key, digest, seq, result: ack_result(&recs), reply });
                }
            }
        }

        if !rows.is_empty() {
            if let Err(e) = self.store.append(&rows, &commands) {
                tracing::error!("commit failed, {} commands refused: {e:#}", pending.len());
                for p in pending.iter().map(|p| (&p.reply, &p.key.1)).chain(repeats.iter().map(|r| (&r.3, &r.1))) {
                    p.0.error(Some(p.1.clone()), ErrorCode::StorageFailed, None);
                }
                self.reload();
                self.answer_snapshots(snapshots);
                return;
            }
            self.stats.commits.fetch_add(1, Ordering::Relaxed);
            self.stats.entries.fetch_add(rows.len() as u64, Ordering::Relaxed);
            self.stats.commands.fetch_add(pending.len() as u64, Ordering::Relaxed);
            for p in pending {
                p.reply.send(&ServerMsg::Ack { id: p.key.1.clone(), seq: p.seq, result: p.result.clone() });
                self.done.insert(p.key, Done { digest: p.digest, seq: p.seq, result: p.result });
            }
            for (actor, id, digest, reply) in repeats {
                if let Some(d) = self.done.get(&(actor, id.clone())) {
                    answer_again(&reply, &id, d, &digest);
                }
            }
            for (audience, update) in self.state.updates(&changed, now) {
                let seq = update.seq;
                let text = Arc::new(crate::deflate::Wire::new(encode(&ServerMsg::Update(Box::new(update)))));
                let b = Broadcast { audience, seq, text };
                for (feed, tx) in self.feeds.iter() {
                    if feed.carries(audience) {
                        // No receivers is fine: nobody on that feed is connected.
                        let _ = tx.send(b.clone());
                    }
                }
            }
        }
        self.answer_snapshots(snapshots);
    }

    fn record(
        &mut self,
        rows: &mut Vec<Row>,
        changed: &mut Changed,
        now: u64,
        key: &(String, String),
        e: Event,
    ) -> Recorded {
        let (row, rec) = self.chain.next(now, &key.0, Some(&key.1), e);
        changed.add(&rec.event);
        self.state.evolve(&rec);
        rows.push(row);
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
                Request::Command { .. } => {}
            }
        }
    }

    /// After a failed commit the in-memory state may be ahead of the disk:
    /// rebuild it from what is durable.
    fn reload(&mut self) {
        match self.store.rows().and_then(|rows| {
            let recs = rows.iter().map(Row::recorded).collect::<Result<Vec<_>>>()?;
            Ok((Chain::after(&rows), State::replay(&recs)))
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

/// Write the genesis entry of a new meeting.
pub fn create(store: &mut Store, definition: Definition) -> Result<()> {
    if !store.is_empty()? {
        bail!("this data folder already holds a meeting");
    }
    let mut chain = Chain::after(&[]);
    let (row, _) = chain.next(crate::now_ms(), "hub", None, Event::MeetingDefined { definition });
    store.append(&[row], &[])
}
