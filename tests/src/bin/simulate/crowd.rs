//! The crowd: voters casting ballots (at a rate, with a concurrency),
//! read-only viewers timing how fast the tally reaches them, and idle phones
//! timing how fast a phase change reaches them. Also the shared pieces:
//! the abort switch that stops everything when the hub disappears.

use anyhow::{bail, Result};
use std::collections::BTreeMap;
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Notify;
use yuanzhuo_client::deflate::Glance;
use yuanzhuo_protocol::Command;

use crate::ballots::BallotMaker;
use crate::wire::{Conn, Frame, Gone};

/// Stops every task at once when the hub is gone.
#[derive(Default)]
pub struct Abort {
    flag: AtomicBool,
    notify: Notify,
    why: Mutex<Option<String>>,
}

impl Abort {
    pub fn fire(&self, why: String) {
        let mut w = self.why.lock().expect("abort lock");
        if w.is_none() {
            *w = Some(why);
        }
        self.flag.store(true, Ordering::SeqCst);
        self.notify.notify_waiters();
    }
    pub fn fired(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }
    pub fn why(&self) -> Option<String> {
        self.why.lock().expect("abort lock").clone()
    }
    pub async fn wait(&self) {
        while !self.fired() {
            let n = self.notify.notified();
            if self.fired() {
                return;
            }
            n.await;
        }
    }
}

/// Is anything still listening at the hub's address?
pub async fn hub_alive(addr: &str) -> bool {
    matches!(tokio::time::timeout(Duration::from_secs(1), tokio::net::TcpStream::connect(addr)).await, Ok(Ok(_)))
}

/// After a lost connection: if the hub no longer answers at all, stop the run.
pub async fn check_hub(addr: &str, abort: &Abort, what: &str) {
    for _ in 0..3 {
        if hub_alive(addr).await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    abort.fire(format!("会场服务器已断开 / the hub went away ({what})"));
}

pub struct Shared {
    pub url: String,
    /// host:port, for liveness checks.
    pub addr: String,
    pub abort: Abort,
    pub errors: Mutex<BTreeMap<String, u64>>,
}

impl Shared {
    pub fn error(&self, code: &str) {
        *self.errors.lock().expect("errors lock").entry(code.to_string()).or_insert(0) += 1;
    }
}

// ---------------------------------------------------------------- voters

pub struct VotePlan {
    pub voters: Vec<String>,
    pub concurrency: usize,
    /// Ballots per second; None = as fast as the hub answers.
    pub rate: Option<f64>,
    /// Connect every voter before the first ballot (the burst then measures
    /// the ballots, not the connects).
    pub preconnect: bool,
    pub seed: u64,
    pub receipts: Option<std::fs::File>,
    /// After connecting (with `preconnect`), print `voting` and wait until
    /// standard input closes: for attaching a profiler to the burst alone.
    pub hold: bool,
}

/// One acknowledged ballot.
#[derive(Debug, Clone)]
pub struct Acked {
    pub seq: u64,
    pub at: Instant,
    pub latency_ms: f64,
}

pub struct VoteOutcome {
    pub attempted: u64,
    pub acked: Vec<Acked>,
    pub first_sent: Option<Instant>,
    pub last_ack: Option<Instant>,
}

struct VoteState {
    next: AtomicUsize,
    acked: Mutex<Vec<Acked>>,
    first_sent: Mutex<Option<Instant>>,
    receipts: Mutex<Option<std::fs::File>>,
    start: Instant,
}

pub async fn vote(shared: Arc<Shared>, maker: Arc<BallotMaker>, plan: VotePlan) -> Result<VoteOutcome> {
    let n = plan.voters.len();
    // Pre-connected voters wait in slots, taken by index.
    let slots: Arc<Vec<Mutex<Option<Conn>>>> = Arc::new((0..n).map(|_| Mutex::new(None)).collect());
    if plan.preconnect {
        connect_all(&shared, &plan.voters, &slots).await?;
    }
    if plan.hold {
        println!("voting");
        let mut sink = vec![];
        let _ = tokio::io::AsyncReadExt::read_to_end(&mut tokio::io::stdin(), &mut sink).await;
    }
    let st = Arc::new(VoteState {
        next: AtomicUsize::new(0),
        acked: Mutex::new(Vec::with_capacity(n)),
        first_sent: Mutex::new(None),
        receipts: Mutex::new(plan.receipts),
        start: Instant::now(),
    });
    let voters = Arc::new(plan.voters);
    let mut workers = vec![];
    for _ in 0..plan.concurrency.clamp(1, n.max(1)) {
        let (shared, maker, st, voters, slots) =
            (shared.clone(), maker.clone(), st.clone(), voters.clone(), slots.clone());
        let (rate, seed) = (plan.rate, plan.seed);
        workers.push(tokio::spawn(async move {
            loop {
                let i = st.next.fetch_add(1, Ordering::Relaxed);
                if i >= voters.len() || shared.abort.fired() {
                    return;
                }
                if let Some(r) = rate {
                    let at = st.start + Duration::from_secs_f64(i as f64 / r);
                    tokio::time::sleep_until(at.into()).await;
                }
                let pre = slots[i].lock().expect("slot").take();
                let kept = pre.is_some();
                let after = cast(&shared, &maker, &st, &voters[i], i, seed, pre).await;
                // A pre-connected phone stays on the page with its receipt until the
                // vote is over; one that came only to vote leaves.
                if kept {
                    *slots[i].lock().expect("slot") = after;
                }
            }
        }));
    }
    for w in workers {
        let _ = w.await;
    }
    let acked = std::mem::take(&mut *st.acked.lock().expect("acked"));
    let first_sent = *st.first_sent.lock().expect("first");
    let last_ack = acked.iter().map(|a| a.at).max();
    // Close what is still open, a few at a time.
    for s in slots.iter() {
        if let Some(c) = s.lock().expect("slot").take() {
            drop(c);
        }
    }
    Ok(VoteOutcome { attempted: st.next.load(Ordering::Relaxed).min(n) as u64, acked, first_sent, last_ack })
}

async fn connect_all(shared: &Arc<Shared>, voters: &[String], slots: &Arc<Vec<Mutex<Option<Conn>>>>) -> Result<()> {
    let next = Arc::new(AtomicUsize::new(0));
    let voters = Arc::new(voters.to_vec());
    let mut tasks = vec![];
    for _ in 0..CONNECTING_AT_ONCE {
        let (shared, next, voters, slots) = (shared.clone(), next.clone(), voters.clone(), slots.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= voters.len() || shared.abort.fired() {
                    return;
                }
                match Conn::open(&shared.url, &voters[i], "simulate/voter").await {
                    Ok((c, _)) => *slots[i].lock().expect("slot") = Some(c),
                    Err(e) => {
                        shared.error("connect_failed");
                        if e.downcast_ref::<Gone>().is_some() {
                            check_hub(&shared.addr, &shared.abort, "connecting voters").await;
                        }
                    }
                }
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    if let Some(why) = shared.abort.why() {
        bail!(why);
    }
    Ok(())
}

/// Cast voter `i`'s ballot; a lost connection is retried with the same
/// command id (the hub applies it at most once). Returns the connection if
/// it is still good.
async fn cast(
    shared: &Shared,
    maker: &BallotMaker,
    st: &VoteState,
    token: &str,
    i: usize,
    seed: u64,
    mut conn: Option<Conn>,
) -> Option<Conn> {
    let choices = maker.ballot(i);
    let id = format!("sim-{seed}-{i}");
    let command = Command::CastBallot { choices: choices.clone() };
    for attempt in 0..3 {
        if shared.abort.fired() {
            return None;
        }
        let mut c = match conn.take() {
            Some(c) => c,
            None => match Conn::open(&shared.url, token, "simulate/voter").await {
                Ok((c, _)) => c,
                Err(e) => {
                    shared.error(if e.downcast_ref::<Gone>().is_some() { "connect_failed" } else { "refused" });
                    check_hub(&shared.addr, &shared.abort, "casting ballots").await;
                    continue;
                }
            },
        };
        let sent = Instant::now();
        {
            let mut f = st.first_sent.lock().expect("first");
            if f.is_none() {
                *f = Some(sent);
            }
        }
        let answer = tokio::select! {
            a = c.call(&id, &command) => a,
            _ = shared.abort.wait() => return None,
        };
        match answer {
            Ok(f) if f.kind == "ack" => {
                let at = Instant::now();
                let receipt = f.result.and_then(|r| r.receipt).unwrap_or_default();
                if let Some(file) = st.receipts.lock().expect("receipts").as_mut() {
                    // With the ack's log position and tag: a later run sends the furthest back (`seen`).
                    let line = serde_json::json!({"receipt": receipt, "choices": choices, "seq": f.seq,
                        "log_head": f.log_head, "log_tag": f.log_tag})
                    .to_string()
                        + "\n";
                    // One write per line, as the ack arrives: the file is right even if we are stopped next.
                    if file.write_all(line.as_bytes()).is_err() {
                        shared.error("receipts_write_failed");
                    }
                }
                st.acked.lock().expect("acked").push(Acked {
                    seq: f.seq.unwrap_or(0),
                    at,
                    latency_ms: at.duration_since(sent).as_secs_f64() * 1e3,
                });
                return Some(c);
            }
            Ok(f) => {
                let code = f.code.unwrap_or_else(|| "unknown".into());
                shared.error(&code);
                // Retryable answers: the hub may take the same id again.
                if !matches!(code.as_str(), "storage_failed" | "rate_limited" | "shutting_down") {
                    return Some(c);
                }
                conn = Some(c);
                tokio::time::sleep(Duration::from_millis(200 * (attempt + 1))).await;
            }
            Err(_) => {
                shared.error("connection_lost");
                check_hub(&shared.addr, &shared.abort, "waiting for an ack").await;
            }
        }
    }
    None
}

// ---------------------------------------------------------------- watchers

/// Connections the simulator opens at once from its one address: half
/// what the hub's door lets one address hold unauthenticated
/// (`VISITORS_PER_ADDRESS`, 128), so that the door never sends one away.
const CONNECTING_AT_ONCE: usize = 64;

/// What one read-only viewer saw: (arrival, seq) of each turnout/tally update.
pub type Seen = Vec<(Instant, u64)>;

/// Read-only connections recording every tally update until closed.
pub struct Viewers {
    pub seen: Vec<Arc<Mutex<Seen>>>,
    stop: Arc<Notify>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Viewers {
    pub async fn connect(shared: &Arc<Shared>, token: &str, n: usize) -> Viewers {
        let stop = Arc::new(Notify::new());
        let mut seen = vec![];
        let mut tasks = vec![];
        let (ready_tx, mut ready_rx) = tokio::sync::mpsc::channel::<()>(n.max(1));
        // A bounded number in flight, as for the phones: the hub's door lets
        // one address hold only so many unauthenticated sockets at once (it
        // sends the oldest away), and 200 screens are 200 devices, not one
        // machine opening them all in the same millisecond.
        let gate = Arc::new(tokio::sync::Semaphore::new(CONNECTING_AT_ONCE));
        for _ in 0..n {
            let log: Arc<Mutex<Seen>> = Default::default();
            seen.push(log.clone());
            let (shared, stop, token, ready_tx, gate) =
                (shared.clone(), stop.clone(), token.to_string(), ready_tx.clone(), gate.clone());
            tasks.push(tokio::spawn(async move {
                let permit = gate.acquire_owned().await;
                let opened = Conn::open(&shared.url, &token, "simulate/viewer").await;
                drop(permit);
                let _ = ready_tx.send(()).await;
                let Ok((mut c, _)) = opened else {
                    shared.error("viewer_connect_failed");
                    return;
                };
                let stopped = stop.notified();
                tokio::pin!(stopped);
                loop {
                    tokio::select! {
                        _ = &mut stopped => break,
                        _ = shared.abort.wait() => break,
                        f = c.next_frame(Duration::from_secs(3600)) => match f {
                            Ok((f, _)) => if f.kind == "update" && f.turnout.is_some() {
                                log.lock().expect("seen").push((Instant::now(), f.seq.unwrap_or(0)));
                            },
                            Err(_) => break,
                        }
                    }
                }
                c.close().await;
            }));
        }
        drop(ready_tx);
        for _ in 0..n {
            if ready_rx.recv().await.is_none() {
                break;
            }
        }
        Viewers { seen, stop, tasks }
    }

    /// Wait (a little) until every viewer has seen the update for `seq`, then close.
    pub async fn close_after(self, seq: u64) -> Vec<Seen> {
        let until = Instant::now() + Duration::from_secs(5);
        while Instant::now() < until
            && !self.seen.iter().all(|s| s.lock().expect("seen").last().is_some_and(|(_, q)| *q >= seq))
        {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        self.stop.notify_waiters();
        for t in self.tasks {
            let _ = t.await;
        }
        self.seen.iter().map(|s| std::mem::take(&mut *s.lock().expect("seen"))).collect()
    }
}

/// For each acknowledged ballot and each viewer: time from the ack to the
/// first update that includes it (0 if the update beat the ack).
pub fn ack_to_viewer(acked: &[Acked], viewers: &[Seen]) -> Vec<f64> {
    let mut out = vec![];
    for seen in viewers {
        for a in acked {
            let i = seen.partition_point(|(_, s)| *s < a.seq);
            if let Some((t, _)) = seen.get(i) {
                out.push(t.saturating_duration_since(a.at).as_secs_f64() * 1e3);
            }
        }
    }
    out
}

/// What an idle phone reads of a compressed message: its head, and the
/// whole only if it is not an update, or an update that names a phase (the
/// fields before `phase` are a few hundred bytes; docs/protocol.md).
const PHONE_GLANCE: Glance = Glance {
    bytes: 1024,
    keep: |head| !head.starts_with(br#"{"type":"update""#) || head.windows(8).any(|w| w == br#""phase":"#),
};

/// Idle phones: connected, doing nothing, noting when each phase arrives.
pub struct Phones {
    pub seen: Arc<Mutex<Vec<(String, Instant)>>>,
    pub count: usize,
    stop: Arc<Notify>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Phones {
    /// Wait until every phone has seen `phase`, or `limit` has passed.
    pub async fn wait_for(&self, phase: &str, limit: Duration) {
        let until = Instant::now() + limit;
        loop {
            let got = self.seen.lock().expect("seen").iter().filter(|(ph, _)| ph == phase).count();
            if got >= self.count || Instant::now() > until {
                return;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    pub async fn connect(shared: &Arc<Shared>, tokens: &[String], n: usize) -> Result<Phones> {
        let seen: Arc<Mutex<Vec<(String, Instant)>>> = Default::default();
        let stop = Arc::new(Notify::new());
        let connected = Arc::new(AtomicUsize::new(0));
        let next = Arc::new(AtomicUsize::new(0));
        let (ready_tx, mut ready_rx) = tokio::sync::mpsc::channel::<bool>(n.max(1));
        let mut tasks = vec![];
        // Connect with a bounded number in flight, like a room filling up.
        let gate = Arc::new(tokio::sync::Semaphore::new(CONNECTING_AT_ONCE));
        for _ in 0..n {
            let (shared, seen, stop, connected, next, ready_tx, gate) = (
                shared.clone(),
                seen.clone(),
                stop.clone(),
                connected.clone(),
                next.clone(),
                ready_tx.clone(),
                gate.clone(),
            );
            let tokens = tokens.to_vec();
            tasks.push(tokio::spawn(async move {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let token = &tokens[i % tokens.len()];
                let permit = gate.acquire_owned().await;
                let opened = Conn::open_glancing(&shared.url, token, "simulate/phone", Some(PHONE_GLANCE)).await;
                drop(permit);
                let Ok((mut c, _)) = opened else {
                    shared.error("phone_connect_failed");
                    let _ = ready_tx.send(false).await;
                    return;
                };
                connected.fetch_add(1, Ordering::Relaxed);
                let _ = ready_tx.send(true).await;
                let stopped = stop.notified();
                tokio::pin!(stopped);
                loop {
                    tokio::select! {
                        _ = &mut stopped => break,
                        _ = shared.abort.wait() => break,
                        t = c.next_text(Duration::from_secs(3600)) => match t {
                            // Each phone is a device of its own: what one reads
                            // besides the phase (the results after the close,
                            // 70 KB at 500 proposals, ~5 KB deflated) must not
                            // delay another's learning the phase on the
                            // simulator's one core. So a compressed message is
                            // inflated only if its head names a phase
                            // (PHONE_GLANCE), only a message that names one is parsed,
                            // and a phone that heard one lets the others go
                            // first. (Holding it back until every phone has
                            // heard would delay its reading of the next phase,
                            // which a device of its own would not.)
                            Ok(text) => if text.contains(r#""phase":"#) {
                                let Ok(f) = serde_json::from_str::<Frame>(&text) else { continue };
                                if let (Some(p), "update") = (f.phase, f.kind.as_str()) {
                                    seen.lock().expect("seen").push((p, Instant::now()));
                                    tokio::task::yield_now().await;
                                }
                            },
                            Err(_) => break,
                        }
                    }
                }
                c.close().await;
            }));
        }
        drop(ready_tx);
        let mut answered = 0;
        while answered < n {
            match ready_rx.recv().await {
                Some(_) => answered += 1,
                None => break,
            }
        }
        Ok(Phones { seen, count: connected.load(Ordering::Relaxed), stop, tasks })
    }

    pub async fn close(self) {
        self.stop.notify_waiters();
        for t in self.tasks {
            let _ = t.await;
        }
    }
}
