//! Witnesses: the raw log streamed to a scrutineer's page or `hub witness`
//! (`follow_log`, docs/protocol.md "Witnesses"), so that copies of the log
//! outside the laptop grow with it and can bring back what the laptop loses.
//!
//! A follower first reads what it missed from the database (its own
//! read-only connection, a chunk at a time, each sent before the next is
//! read), then forwards the frames the meeting task publishes after each
//! commit; if it falls behind those, it goes back to the database. So a
//! connection holds at most one chunk and two frames, however long the log.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use tokio::sync::{broadcast, mpsc};
use tokio_tungstenite::tungstenite::Utf8Bytes;
use yuanzhuo_protocol::{ErrorCode, LogFrame, LogRow, Role, ServerMsg};

use crate::meeting::encode;
use crate::meeting::keys::Keys;
use crate::meeting::store::{Row, Store};

/// Rows read from the database at a time.
const CHUNK_ROWS: usize = 500;
/// A `log` frame stops growing past this many bytes of rows.
const FRAME_BYTES: usize = 256 * 1024;
/// Commits kept for followers that are a little behind.
const LIVE_BACKLOG: usize = 64;
/// Frames waiting for a follower's socket.
pub const FOLLOW_QUEUE: usize = 2;

/// What a follower sends its connection's writer. Boxed: every connection
/// has this channel, and a channel allocates its first block of slots with
/// it; a box is a quarter of a frame's size (as the outbox, meeting.rs).
pub type LogOut = mpsc::Sender<Box<Utf8Bytes>>;

/// The frames of one commit, as every follower receives them.
pub struct LogBatch {
    pub first: u64,
    pub last: u64,
    pub frames: Vec<Utf8Bytes>,
}

/// What followers share: the live feed, where the log is, and what is sealed.
pub struct LogFeed {
    pub live: broadcast::Sender<Arc<LogBatch>>,
    dir: PathBuf,
    keys: Keys,
    /// The rules hide the tally until the vote closes.
    hidden: bool,
    /// The entry that opened the vote (0: not yet).
    pub vote_opened: AtomicU64,
    /// The vote has closed (the closing entry is committed).
    pub vote_closed: AtomicBool,
}

impl LogFeed {
    pub fn new(dir: &Path, keys: Keys, hidden: bool, vote_opened: u64, vote_closed: bool) -> LogFeed {
        LogFeed {
            live: broadcast::channel(LIVE_BACKLOG).0,
            dir: dir.to_path_buf(),
            keys,
            hidden,
            vote_opened: AtomicU64::new(vote_opened),
            vote_closed: AtomicBool::new(vote_closed),
        }
    }

    /// Is entry `seq`'s body sealed for witnesses now? Under a hidden tally,
    /// every entry after the one that opened the vote, until the vote closes.
    /// Callers read the rows first and ask this after, so that a change
    /// meanwhile can only seal more.
    pub fn sealed(&self, seq: u64) -> bool {
        if !self.hidden || self.vote_closed.load(Ordering::Acquire) {
            return false;
        }
        let opened = self.vote_opened.load(Ordering::Acquire);
        opened != 0 && seq > opened
    }

    fn wire(&self, r: &Row) -> LogRow {
        let (body, sealed) = if self.sealed(r.seq) {
            (None, Some(self.keys.seal(&r.hash, &r.body)))
        } else {
            (Some(r.body.clone()), None)
        };
        LogRow { seq: r.seq, prev: r.prev.clone(), hash: r.hash.clone(), body, sealed }
    }

    /// `log` frames for consecutive rows, each at most about `FRAME_BYTES`.
    pub fn frames(&self, rows: &[Row]) -> Vec<Utf8Bytes> {
        let mut out = vec![];
        let mut chunk: Vec<LogRow> = vec![];
        let mut bytes = 0;
        let flush = |chunk: &mut Vec<LogRow>, out: &mut Vec<Utf8Bytes>| {
            if let Some(last) = chunk.last() {
                let log_tag = self.keys.tag(last.seq, &last.hash);
                out.push(encode(&ServerMsg::Log(LogFrame { rows: std::mem::take(chunk), log_tag })));
            }
        };
        for r in rows {
            let w = self.wire(r);
            bytes += w.body.as_ref().or(w.sealed.as_ref()).map_or(0, String::len) + 200;
            chunk.push(w);
            if bytes >= FRAME_BYTES {
                flush(&mut chunk, &mut out);
                bytes = 0;
            }
        }
        flush(&mut chunk, &mut out);
        out
    }
}

/// `follow_log` from a connection: only scrutineers and the
/// organiser may follow the raw log; a new request replaces the running one.
pub fn start(
    actor: &yuanzhuo_engine::Actor,
    from: u64,
    feed: &Arc<LogFeed>,
    out: &LogOut,
    running: &mut Option<tokio::task::JoinHandle<()>>,
) -> Result<(), (ErrorCode, Option<String>)> {
    if !matches!(actor.role, Role::Scrutineer | Role::Organiser) {
        return Err((ErrorCode::Forbidden, Some("follow_log: scrutineers and the organiser".into())));
    }
    if from == 0 {
        return Err((ErrorCode::InvalidField, Some("from: entries are numbered from 1".into())));
    }
    if let Some(old) = running.take() {
        old.abort();
    }
    *running = Some(tokio::spawn(follow(feed.clone(), from, out.clone())));
    Ok(())
}

/// Send the log from entry `from` on into `out`, then every commit as it
/// happens, until `out` is closed or the hub stops.
pub async fn follow(feed: Arc<LogFeed>, from: u64, out: LogOut) {
    // Subscribe before reading the database: a commit is then either read
    // or heard (or both; `next` drops what was already sent).
    let mut live = feed.live.subscribe();
    let mut store: Option<Store> = None;
    let mut next = from.max(1);
    'catch_up: loop {
        loop {
            let (dir, held) = (feed.dir.clone(), store.take());
            let read = tokio::task::spawn_blocking(move || -> anyhow::Result<(Store, Vec<Row>)> {
                let s = match held {
                    Some(s) => s,
                    None => Store::open_read_only(&dir)?,
                };
                let rows = s.rows_from(next, CHUNK_ROWS)?;
                Ok((s, rows))
            })
            .await;
            let (s, rows) = match read {
                Ok(Ok(x)) => x,
                Ok(Err(e)) => {
                    tracing::warn!("a witness's log could not be read: {e:#}");
                    return;
                }
                Err(_) => return,
            };
            store = Some(s);
            let Some(last) = rows.last().map(|r| r.seq) else { break };
            for f in feed.frames(&rows) {
                if out.send(Box::new(f)).await.is_err() {
                    return;
                }
            }
            next = last + 1;
        }
        loop {
            match live.recv().await {
                Ok(b) if b.last < next => {}
                // A gap or an overlap (read from the database meanwhile): read it there.
                Ok(b) if b.first != next => continue 'catch_up,
                Ok(b) => {
                    for f in &b.frames {
                        if out.send(Box::new(f.clone())).await.is_err() {
                            return;
                        }
                    }
                    next = b.last + 1;
                }
                Err(broadcast::error::RecvError::Lagged(_)) => continue 'catch_up,
                Err(broadcast::error::RecvError::Closed) => return,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meeting::store::Chain;
    use yuanzhuo_engine::Event;

    fn rows(n: u64) -> Vec<Row> {
        let mut chain = Chain::after(&[]);
        (0..n)
            .map(|i| {
                chain.next(i, "voter:V0001", Some(("c", "d")), Event::MeetingOpened { fingerprint: "x".repeat(300) }).0
            })
            .collect()
    }

    #[test]
    fn frames_are_bounded_and_sealed_only_during_a_hidden_vote() {
        let keys = Keys::from_master(&[1u8; 32], 0);
        let feed = LogFeed::new(Path::new("."), keys.clone(), true, 0, false);
        let rows = rows(2000);
        let frames = feed.frames(&rows);
        assert!(frames.len() > 2, "split into several frames");
        assert!(frames.iter().all(|f| f.len() < FRAME_BYTES + 4096));
        let mut seqs = vec![];
        for f in &frames {
            let ServerMsg::Log(frame) = serde_json::from_str(f).unwrap() else { panic!("a log frame") };
            let last = frame.rows.last().unwrap();
            assert_eq!(frame.log_tag, keys.tag(last.seq, &last.hash));
            seqs.extend(frame.rows.iter().map(|r| r.seq));
            assert!(frame.rows.iter().all(|r| r.body.is_some() && r.sealed.is_none()), "the vote has not opened");
        }
        assert_eq!(seqs, (1..=2000).collect::<Vec<_>>());

        feed.vote_opened.store(1000, Ordering::Release);
        let w = |seq: u64| feed.wire(&rows[seq as usize - 1]);
        assert!(w(1000).body.is_some() && w(1001).body.is_none());
        let sealed = w(1001).sealed.unwrap();
        assert_eq!(keys.open(&rows[1000].hash, &sealed).unwrap(), rows[1000].body);
        feed.vote_closed.store(true, Ordering::Release);
        assert!(w(1001).body.is_some(), "open once the vote has closed");
        let live = LogFeed::new(Path::new("."), keys, false, 1000, false);
        assert!(live.wire(&rows[1500]).body.is_some(), "a live tally is never sealed");
    }
}
