//! One WebSocket connection: authentication, then a reader (this task) and a
//! writer task. The reader parses, checks size and rate, and forwards
//! commands to the meeting task; the writer sends answers, live updates for
//! this connection's role, and pings. A connection that falls behind the
//! broadcast gets a fresh snapshot rather than being dropped.

use futures_util::stream::SplitStream;
use futures_util::{SinkExt, StreamExt};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{broadcast, mpsc, watch};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{Error as WsError, Message, Utf8Bytes};
use yuanzhuo_engine::Actor;
use yuanzhuo_protocol::*;

use crate::http::door::{Door, Visitor};
use crate::http::presence::{Presence, Seat};
use crate::http::server::WS_HARD_LIMIT;
use crate::meeting::store::{ClaimRow, TokenRow};
use crate::meeting::task::Following;
use crate::meeting::tokens::{actor_of, device_hash, identity_of, pin_hash, valid_pin, DeskCheck, Registry};
use crate::meeting::{encode, Direct, MeetingHandle, Outbox, Request, Subscription};
use crate::wire::deflate::Wire;
use crate::wire::upgrade::{send_text, send_wires, Out, Sink, Socket};
use yuanzhuo_protocol::words::console;

/// Direct messages queued for one connection before it is considered stuck.
const OUTBOX: usize = 256;
/// A ping every so often; a connection silent for `REAP_AFTER` is closed.
const PING_EVERY: Duration = Duration::from_secs(15);
const REAP_AFTER: Duration = Duration::from_secs(40);
/// Token bucket: `RATE_BURST` frames at once, `RATE_PER_SEC` sustained (yuanzhuo-protocol).
const BURST: f64 = RATE_BURST as f64;
const PER_SEC: f64 = RATE_PER_SEC as f64;
/// Refused messages after which a flooding connection is closed.
const MAX_STRIKES: u32 = 100;
/// Close code of a connection silent for `REAP_AFTER` (no frame, no pong):
/// distinct from 1001, the hub shutting down (docs/protocol.md).
pub const CLOSE_SILENT: u16 = 4408;
/// Close code of a connection that went on sending past `MAX_STRIKES`
/// refused frames (like HTTP's 429).
pub const CLOSE_RATE_LIMITED: u16 = 4429;
/// How long a closing connection's incoming bytes are read away (so that
/// the close frame is not lost to a TCP reset), and how many at most.
const DRAIN_FOR: Duration = Duration::from_secs(2);
const DRAIN_BYTES: usize = 4 * 1024 * 1024;

/// What every connection shares.
pub struct Shared {
    pub meeting: MeetingHandle,
    pub tokens: Registry,
    pub rules: Rules,
    /// Who gets in: budgets per kind of connection, visitors, counters.
    pub door: Arc<Door>,
    pub shutdown: watch::Receiver<bool>,
    pub started: Instant,
    /// Live authenticated connections per role and table seat (the console's "who is connected").
    pub presence: Presence,
}

impl Shared {
    fn elapsed_ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }
}

type Stream = SplitStream<Socket>;

/// One upgraded socket, still a visitor (docs in door.rs) until `hello`.
pub async fn run(socket: Socket, out: Out, shared: Arc<Shared>, visitor: Arc<Visitor>) {
    let (mut sink, mut stream) = socket.split();
    let peer = visitor.address;
    // Boxed: its state is needed once, not for the connection's life (see `drain`).
    let (actor, serial, access) = match Box::pin(authenticate(&mut sink, &mut stream, &shared, &visitor)).await {
        Ok(a) => a,
        Err(Unseated::Closed) => return,
        Err(Unseated::Drain) => {
            drain(stream, sink).await;
            return;
        }
    };
    // A seat of its kind (staff, voter, public), or a clear refusal.
    let _seat = match shared.door.seat(&visitor, actor.1.role) {
        Ok(seat) => seat,
        Err(code) => {
            shared.door.warn_refused(code);
            refuse(&mut sink, code, CloseCode::Again).await;
            return;
        }
    };
    // Counted as present until this function returns, however it ends.
    let _here = shared.presence.enter(Seat::of(&actor.1), peer, staff_label(&actor.0, &serial));
    let last_seen = Arc::new(AtomicU64::new(shared.elapsed_ms()));
    let (outbox, direct) = Outbox::new(OUTBOX);
    // Raw log frames for a witness (`follow_log`), with backpressure.
    let (log_tx, log) = mpsc::channel(crate::meeting::follow::FOLLOW_QUEUE);
    let Some(subscription) = shared.meeting.subscribe(&actor.0) else { return };
    // The reader waits for the welcome, and may ask the writer to stop and hand the sink back.
    let (welcomed, welcome) = tokio::sync::oneshot::channel();
    let stop = Arc::new(tokio::sync::Notify::new());
    let inbox = Inbox { direct, log, welcomed: Some(welcomed), stop: stop.clone() };
    let (writer_shared, writer_seen, writer_outbox) = (shared.clone(), last_seen.clone(), outbox.clone());
    let viewer = actor.0.clone();
    let writer = tokio::spawn(async move {
        let mut sink = sink;
        write_loop(&mut sink, &out, inbox, subscription, viewer, writer_outbox, writer_shared, writer_seen).await;
        sink
    });
    if !shared
        .meeting
        .send(Request::Snapshot { viewer: actor.0.clone(), you: Some(actor.1), reply: outbox.clone() })
        .await
    {
        writer.abort();
        return;
    }
    let writer = Writer { task: writer, welcome, stop };
    read_loop(stream, writer, (actor.0, access), outbox, shared, last_seen, log_tx).await;
}

/// The writer task, as the reader sees it: it hands the sink back when it
/// ends, says when the welcome has gone out, and stops when asked.
struct Writer {
    task: tokio::task::JoinHandle<Sink>,
    welcome: tokio::sync::oneshot::Receiver<()>,
    stop: Arc<tokio::sync::Notify>,
}

/// How a connection that got no seat ended.
enum Unseated {
    /// Refused and closed (or gone).
    Closed,
    /// Refused with a close frame while the client may still be sending:
    /// read its bytes away before dropping the socket.
    Drain,
}

/// What a frame that could not be read gets: an error, then a close with
/// its own code (docs/protocol.md); `None` when the peer is simply gone.
fn unreadable(e: &WsError) -> Option<(ErrorCode, String, CloseCode)> {
    let too_large = || (ErrorCode::TooLarge, format!("limit {WS_HARD_LIMIT} bytes"), CloseCode::Size);
    match e {
        WsError::Capacity(_) => Some(too_large()),
        WsError::Io(io) if crate::wire::deflate::is_too_large(io) => Some(too_large()),
        WsError::Utf8(_) => {
            let w = console::INVALID_UTF8;
            Some((ErrorCode::BadMessage, format!("{} / {}", w.en, w.zh), CloseCode::Invalid))
        }
        WsError::Protocol(p) => Some((ErrorCode::BadMessage, p.to_string(), CloseCode::Protocol)),
        WsError::Io(io) if io.kind() == std::io::ErrorKind::InvalidData => {
            Some((ErrorCode::BadMessage, io.to_string(), CloseCode::Protocol))
        }
        _ => None,
    }
}

/// After a close frame: stop sending (FIN), and read whatever the client
/// still sends until it closes too, for at most [`DRAIN_FOR`] and
/// [`DRAIN_BYTES`]. Dropping a socket with unread bytes would answer with a
/// TCP reset, which can destroy the error and the close frame in flight.
///
/// Boxed, its buffer on the heap: a future's size is that of its largest
/// state, and every connection's task would otherwise carry this one's,
/// used only at its end.
fn drain(stream: Stream, sink: Sink) -> futures_util::future::BoxFuture<'static, ()> {
    Box::pin(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let Ok(mut ws) = stream.reunite(sink) else { return };
        let io = ws.get_mut().inner_mut();
        let _ = tokio::time::timeout(DRAIN_FOR, async {
            let _ = io.shutdown().await;
            let mut buf = vec![0u8; 4096];
            let mut read = 0;
            while read < DRAIN_BYTES {
                match io.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => read += n,
                }
            }
        })
        .await;
    })
}

/// Who a staff connection is, for the claims' "same address as" (voters and
/// the public are not named).
fn staff_label(actor: &Actor, serial: &str) -> Option<String> {
    match actor.role {
        Role::Voter | Role::Public | Role::Projector | Role::Screen => None,
        _ => Some(serial.to_string()),
    }
}

/// What the writer sends besides live updates: direct answers, and the raw
/// log when this connection follows it.
struct Inbox {
    direct: mpsc::Receiver<Box<Direct>>,
    log: mpsc::Receiver<Box<Utf8Bytes>>,
    /// Told once the welcome has been sent.
    welcomed: Option<tokio::sync::oneshot::Sender<()>>,
    /// The reader asks the writer to send what is queued and stop.
    stop: Arc<tokio::sync::Notify>,
}

/// What an authenticated connection may do.
#[derive(Clone)]
enum Access {
    /// Read and send the commands of its role.
    Full,
    /// A desk card under this claim: its commands go only while the claim
    /// stands (released, or claimed again elsewhere, it becomes read-only).
    Desk(ClaimRow),
    /// A desk card (counter, scrutineer) that said neither device nor PIN:
    /// it reads what its role reads (a witness follows the log this way,
    /// `hub witness`) but sends no command; commands need the claim.
    ReadOnly,
}

/// Wait for `hello` with a valid token, until the deadline counted from the
/// TCP accept; anything else closes the connection, and so does a newer
/// visitor needing the room (door.rs). A desk card (counter, scrutineer)
/// that would send commands also needs its device and PIN; on its first use
/// the hello claims it (an entry of the log).
async fn authenticate(
    sink: &mut Sink,
    stream: &mut Stream,
    shared: &Shared,
    visitor: &Visitor,
) -> Result<((Actor, Identity), String, Access), Unseated> {
    let deadline = tokio::time::Instant::from_std(visitor.auth_deadline());
    let first = tokio::select! {
        m = tokio::time::timeout_at(deadline, stream.next()) => m,
        why = visitor.signal.evicted() => {
            refuse(sink, why, CloseCode::Again).await;
            return Err(Unseated::Closed);
        }
    };
    let text = match first {
        Err(_) => {
            shared.door.stats.auth_timeouts.fetch_add(1, Ordering::Relaxed);
            refuse(sink, ErrorCode::AuthTimeout, CloseCode::Policy).await;
            return Err(Unseated::Closed);
        }
        Ok(Some(Ok(Message::Text(t)))) => t,
        Ok(Some(Ok(_))) => {
            refuse(sink, ErrorCode::NotAuthenticated, CloseCode::Policy).await;
            return Err(Unseated::Closed);
        }
        Ok(Some(Err(e))) => {
            let Some((code, detail, close)) = unreadable(&e) else { return Err(Unseated::Closed) };
            refuse_with(sink, code, Some(detail), close).await;
            return Err(Unseated::Drain);
        }
        Ok(None) => return Err(Unseated::Closed),
    };
    if text.len() > MAX_FRAME_BYTES {
        refuse(sink, ErrorCode::TooLarge, CloseCode::Size).await;
        return Err(Unseated::Closed);
    }
    match serde_json::from_str::<ClientMsg>(&text) {
        Ok(ClientMsg::Hello { token, seen, device, pin, .. }) => match shared.tokens.lookup(&token) {
            Some(row) => {
                let actor = actor_of(&row);
                // A position this client saw that the log no longer holds halts the hub.
                let whole = match seen {
                    Some(seen) => shared.meeting.check_seen(seen, actor.key()).await,
                    None => true,
                };
                if !whole || shared.meeting.health.halted().is_some() {
                    refuse_halted(sink, shared).await;
                    return Err(Unseated::Closed);
                }
                let mut access = Access::Full;
                if row.role.is_desk_role() {
                    if device.is_none() && pin.is_none() {
                        access = Access::ReadOnly;
                    } else if let Err(msg) = desk_hello(shared, &row, device, pin, visitor.address).await {
                        refuse_msg(sink, msg, CloseCode::Policy).await;
                        return Err(Unseated::Closed);
                    } else {
                        let Some(claim) = shared.tokens.claim_of(&row.serial) else {
                            refuse(sink, ErrorCode::ClaimRequired, CloseCode::Policy).await;
                            return Err(Unseated::Closed);
                        };
                        access = Access::Desk(claim);
                    }
                }
                Ok(((actor, identity_of(&row, &shared.rules)), row.serial, access))
            }
            None => {
                // `public` on a hub started with --no-public is not a mistyped card.
                let code = if token == PUBLIC_TOKEN { ErrorCode::PublicOff } else { ErrorCode::UnknownToken };
                refuse(sink, code, CloseCode::Policy).await;
                Err(Unseated::Closed)
            }
        },
        Ok(_) => {
            refuse(sink, ErrorCode::NotAuthenticated, CloseCode::Policy).await;
            Err(Unseated::Closed)
        }
        Err(_) => {
            refuse(sink, ErrorCode::BadMessage, CloseCode::Policy).await;
            Err(Unseated::Closed)
        }
    }
}

/// A desk card's hello: claimed here with the right PIN, or claimed now
/// (a new PIN, this device, logged) — else why not.
async fn desk_hello(
    shared: &Shared,
    row: &TokenRow,
    device: Option<String>,
    pin: Option<String>,
    peer: std::net::IpAddr,
) -> Result<(), ErrorMsg> {
    let refused = |code| ErrorMsg::new(None, code, None);
    let device = device.filter(|d| !d.trim().is_empty() && d.len() <= 128);
    match shared.tokens.check_desk(row, device.as_deref(), pin.as_deref()) {
        DeskCheck::Ok => return Ok(()),
        DeskCheck::Refused(code) => return Err(refused(code)),
        DeskCheck::Unclaimed => {}
    }
    let (Some(device), Some(pin)) = (device, pin) else { return Err(refused(ErrorCode::ClaimRequired)) };
    let Some(pin) = valid_pin(&pin) else {
        let mut msg = ErrorMsg::new(
            None,
            ErrorCode::InvalidField,
            Some(format!("{} / {}", console::PIN_DIGITS.en, console::PIN_DIGITS.zh)),
        );
        msg.about = Some(Box::new(ErrorAbout::field("pin")));
        return Err(msg);
    };
    let claim = ClaimRow { serial: row.serial.clone(), pin_hash: pin_hash(row, &pin), device: device_hash(&device) };
    let same_address_as = shared.presence.labels_at(peer, &row.serial);
    let (tx, rx) = tokio::sync::oneshot::channel();
    let req = Request::Claim { actor: actor_of(row), claim, address: peer.to_string(), same_address_as, reply: tx };
    if !shared.meeting.send(req).await {
        return Err(refused(ErrorCode::ShuttingDown));
    }
    match rx.await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(rej)) => Err(rej.to_msg(None)),
        Err(_) => Err(refused(ErrorCode::ShuttingDown)),
    }
}

/// Say why, then close with the code as the reason.
async fn refuse(sink: &mut Sink, code: ErrorCode, close: CloseCode) {
    refuse_with(sink, code, None, close).await
}

async fn refuse_with(sink: &mut Sink, code: ErrorCode, detail: Option<String>, close: CloseCode) {
    refuse_msg(sink, ErrorMsg::new(None, code, detail), close).await
}

async fn refuse_msg(sink: &mut Sink, msg: ErrorMsg, close: CloseCode) {
    let code = msg.code;
    let _ = sink.send(Message::Text(encode(&ServerMsg::Error(msg)))).await;
    let _ = sink.send(Message::Close(Some(CloseFrame { code: close, reason: Utf8Bytes::from(code.as_str()) }))).await;
}

/// The hub has halted (its log is behind what it acknowledged): say so and
/// close with "try again later", so that clients come back after the restore.
async fn refuse_halted(sink: &mut Sink, shared: &Shared) {
    let detail = shared.meeting.health.halted().map(|h| h.detail);
    let msg = encode(&ServerMsg::Error(ErrorMsg::new(None, ErrorCode::LogBehind, detail)));
    let _ = sink.send(Message::Text(msg)).await;
    let reason = Utf8Bytes::from(ErrorCode::LogBehind.as_str());
    let _ = sink.send(Message::Close(Some(CloseFrame { code: CloseCode::Again, reason }))).await;
}

async fn read_loop(
    mut stream: Stream,
    writer: Writer,
    (actor, mut access): (Actor, Access),
    outbox: Outbox,
    shared: Arc<Shared>,
    last_seen: Arc<AtomicU64>,
    log_tx: crate::meeting::follow::LogOut,
) {
    let mut follower: Option<tokio::task::JoinHandle<()>> = None;
    let mut shutdown = shared.shutdown.clone();
    // One waiter on the shutdown signal for the connection's life, not one per
    // frame: thousands of connections share that signal.
    let stopping = shutdown.changed();
    tokio::pin!(stopping);
    let mut bucket = Bucket::new();
    let Writer { task: mut writer, mut welcome, stop } = writer;
    // Nothing is read before the welcome has gone out, so that it is the
    // first frame after hello and every answer comes after it.
    let mut welcomed = false;
    // Why this connection is being closed by the hub, when it is.
    let mut closing: Option<(ErrorCode, Option<String>, CloseCode)> = None;
    loop {
        let msg = tokio::select! {
            w = &mut welcome, if !welcomed => {
                if w.is_err() {
                    // The writer ended before the welcome (the hub stopping, or halted).
                    break;
                }
                welcomed = true;
                continue;
            }
            m = stream.next(), if welcomed => m,
            _ = &mut writer => return,
            _ = &mut stopping => break,
        };
        let msg = match msg {
            Some(Ok(m)) => m,
            // A frame that cannot be read (too large, not UTF-8, broken): say so and close.
            Some(Err(e)) => {
                closing = unreadable(&e).map(|(code, detail, close)| (code, Some(detail), close));
                break;
            }
            None => break,
        };
        if matches!(msg, Message::Close(_)) {
            break;
        }
        // Every frame counts against the rate, pings and pongs too: a flood
        // of them is refused like any other (and does not keep a socket alive).
        if !bucket.take() {
            shared.door.stats.rate_limited.fetch_add(1, Ordering::Relaxed);
            if bucket.strikes > MAX_STRIKES {
                let detail = format!("{MAX_STRIKES} frames refused");
                closing = Some((ErrorCode::RateLimited, Some(detail), CloseCode::from(CLOSE_RATE_LIMITED)));
                break;
            }
            if let Message::Text(t) = &msg {
                // Name the refused command, so that the client resends that one.
                let id = if t.len() <= MAX_FRAME_BYTES { command_id_of(t) } else { None };
                outbox.send(&ServerMsg::Error(
                    ErrorMsg::new(id, ErrorCode::RateLimited, None).retry_after(bucket.retry_after_ms()),
                ));
            }
            continue;
        }
        last_seen.store(shared.elapsed_ms(), Ordering::Relaxed);
        let text = match msg {
            Message::Text(t) => t,
            Message::Close(_) | Message::Ping(_) | Message::Pong(_) | Message::Frame(_) => continue,
            Message::Binary(_) => {
                outbox.error(None, ErrorCode::BadMessage, Some("binary frames are not accepted".into()));
                continue;
            }
        };
        if text.len() > MAX_FRAME_BYTES {
            outbox.error(None, ErrorCode::TooLarge, Some(format!("limit {MAX_FRAME_BYTES} bytes")));
            continue;
        }
        match serde_json::from_str::<ClientMsg>(&text) {
            Err(e) => {
                let id = command_id_of(&text);
                let mut detail = e.to_string();
                detail.truncate(200);
                outbox.error(id, ErrorCode::BadMessage, Some(detail));
            }
            Ok(ClientMsg::Hello { .. }) => outbox.error(None, ErrorCode::AlreadyAuthenticated, None),
            Ok(ClientMsg::Snapshot {}) => {
                let req = Request::Snapshot { viewer: actor.clone(), you: None, reply: outbox.clone() };
                if !shared.meeting.send(req).await {
                    break;
                }
            }
            Ok(ClientMsg::FollowLog { from }) => {
                if let Err((code, detail)) =
                    crate::meeting::follow::start(&actor, from, &shared.meeting.log, &log_tx, &mut follower)
                {
                    outbox.error(None, code, detail);
                }
            }
            Ok(ClientMsg::Command { id, command }) => {
                if id.is_empty() || id.len() > MAX_COMMAND_ID_BYTES {
                    outbox.error(Some(id), ErrorCode::BadCommandId, None);
                    continue;
                }
                match &access {
                    // Connected without device and PIN: reading only.
                    Access::ReadOnly => {
                        outbox.error(Some(id), ErrorCode::ClaimRequired, None);
                        continue;
                    }
                    // The claim this connection opened was released (or made again elsewhere).
                    // It reads on, as a connection without device and PIN would.
                    Access::Desk(held) if shared.tokens.claim_of(&held.serial).as_ref() != Some(held) => {
                        outbox.error(Some(id), ErrorCode::ClaimedElsewhere, None);
                        access = Access::ReadOnly;
                        continue;
                    }
                    Access::Desk(_) | Access::Full => {}
                }
                let req = Request::Command { actor: actor.clone(), id, command, reply: outbox.clone() };
                if !shared.meeting.send(req).await {
                    break;
                }
            }
        }
    }
    if let Some(f) = follower {
        f.abort();
    }
    if let Some((code, detail, close)) = closing {
        // What the writer holds goes out first (a flood's `rate_limited`
        // answers), then the error and the close, then the client's bytes are read away.
        stop.notify_one();
        if let Ok(Ok(mut sink)) = Box::pin(tokio::time::timeout(DRAIN_FOR, &mut writer)).await {
            refuse_with(&mut sink, code, detail, close).await;
            drain(stream, sink).await;
        }
        writer.abort();
        return;
    }
    // The writer says goodbye on shutdown; otherwise the peer is gone.
    if *shared.shutdown.borrow() {
        let _ = Box::pin(tokio::time::timeout(Duration::from_secs(2), &mut writer)).await;
    }
    writer.abort();
}

/// The id of a command that failed to parse (or was refused unread), so
/// the client can match the error. Reads only the `id` field.
fn command_id_of(text: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct IdOnly<'a> {
        #[serde(borrow)]
        id: Option<std::borrow::Cow<'a, str>>,
    }
    let id = serde_json::from_str::<IdOnly>(text).ok()?.id?;
    (!id.is_empty() && id.len() <= MAX_COMMAND_ID_BYTES).then(|| id.into_owned())
}

/// Updates already waiting for a connection are written together up to
/// this many bytes (of text).
const BURST_BYTES: usize = 256 * 1024;

#[allow(clippy::too_many_arguments)]
async fn write_loop(
    sink: &mut Sink,
    out: &Out,
    inbox: Inbox,
    subscription: Subscription,
    viewer: Actor,
    outbox: Outbox,
    shared: Arc<Shared>,
    last_seen: Arc<AtomicU64>,
) {
    let Inbox { mut direct, mut log, mut welcomed, stop } = inbox;
    let mut shutdown = shared.shutdown.clone();
    let stopping = shutdown.changed();
    tokio::pin!(stopping);
    let mut halt = shared.meeting.health.on_halt();
    let halted = async move {
        let _ = halt.wait_for(|h| *h).await.is_ok();
    };
    tokio::pin!(halted);
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.tick().await;
    // Updates at or before the last snapshot's seq are already in it.
    let mut snapshot_seq: Option<u64> = None;
    // Counted among the feed's followers once it reads updates (rounds wait for those).
    let mut following: Option<Following> = None;
    let Subscription { mut updates, feed, follower } = subscription;
    loop {
        tokio::select! {
            biased;
            _ = &mut stopping => {
                let msg = encode(&ServerMsg::Error(ErrorMsg::new(None, ErrorCode::ShuttingDown, None)));
                let _ = sink.send(Message::Text(msg)).await;
                let _ = sink.send(Message::Close(Some(CloseFrame { code: CloseCode::Away, reason: Utf8Bytes::from("shutting_down") }))).await;
                return;
            }
            _ = &mut halted => {
                // Nothing more from a log that lost acknowledged entries.
                refuse_halted(sink, &shared).await;
                return;
            }
            _ = stop.notified() => {
                // The reader closes the connection: what is queued goes first.
                while let Ok(d) = direct.try_recv() {
                    if send_text(sink, d.text, out).await.is_err() {
                        return;
                    }
                }
                return;
            }
            Some(text) = log.recv() => {
                if send_text(sink, *text, out).await.is_err() {
                    return;
                }
            }
            d = direct.recv() => {
                let Some(Direct { text, snapshot_seq: seq }) = d.map(|b| *b) else { return };
                if seq.is_some() {
                    snapshot_seq = seq;
                    following.get_or_insert_with(|| follower.follow());
                }
                if send_text(sink, text, out).await.is_err() {
                    return;
                }
                if snapshot_seq.is_some() {
                    // The welcome is out: the reader may start reading.
                    if let Some(w) = welcomed.take() {
                        let _ = w.send(());
                    }
                }
                if outbox.overflowed.load(Ordering::Relaxed) {
                    let _ = sink.send(Message::Close(Some(CloseFrame { code: CloseCode::Policy, reason: Utf8Bytes::from("too_slow") }))).await;
                    return;
                }
            }
            u = updates.recv(), if snapshot_seq.is_some() => {
                // Every update already waiting goes out in one write (a burst:
                // the results and the publishing behind them), up to
                // BURST_BYTES; a round's lead goes out at once, and what
                // follows it waits for the round.
                let mut due: Vec<Arc<Wire>> = vec![];
                let mut bytes = 0;
                let mut next = u;
                let lagged = loop {
                    let b = match next {
                        Ok(b) => b,
                        Err(broadcast::error::RecvError::Lagged(_)) => break true,
                        Err(broadcast::error::RecvError::Closed) => {
                            let _ = send_wires(sink, &due, out).await;
                            return;
                        }
                    };
                    if b.audience.includes(&viewer) && Some(b.seq) > snapshot_seq {
                        bytes += b.text.text.len();
                        due.push(b.text.clone());
                    }
                    if let Some(round) = &b.round {
                        // A phase change with more behind it (the results after
                        // the close): every other connection has it first.
                        let sent = send_wires(sink, &due, out).await;
                        round.pass();
                        if sent.is_err() {
                            return;
                        }
                        due.clear();
                        if round.holds(&feed) {
                            round.wait().await;
                        }
                        break false;
                    }
                    if bytes >= BURST_BYTES {
                        break false;
                    }
                    next = match updates.try_recv() {
                        Ok(b) => Ok(b),
                        Err(broadcast::error::TryRecvError::Empty) => break false,
                        Err(broadcast::error::TryRecvError::Lagged(n)) => Err(broadcast::error::RecvError::Lagged(n)),
                        Err(broadcast::error::TryRecvError::Closed) => Err(broadcast::error::RecvError::Closed),
                    };
                };
                if send_wires(sink, &due, out).await.is_err() {
                    return;
                }
                if lagged {
                    // Too far behind to catch up update by update: start again from a snapshot.
                    let req = Request::Snapshot { viewer: viewer.clone(), you: None, reply: outbox.clone() };
                    if !shared.meeting.send(req).await {
                        return;
                    }
                }
            }
            _ = ping.tick() => {
                let silent = shared.elapsed_ms().saturating_sub(last_seen.load(Ordering::Relaxed));
                if silent > REAP_AFTER.as_millis() as u64 {
                    shared.door.stats.silent.fetch_add(1, Ordering::Relaxed);
                    let _ = sink.send(Message::Close(Some(CloseFrame { code: CloseCode::from(CLOSE_SILENT), reason: Utf8Bytes::from("no_pong") }))).await;
                    return;
                }
                if sink.send(Message::Ping(Default::default())).await.is_err() {
                    return;
                }
            }
        }
    }
}

struct Bucket {
    tokens: f64,
    at: Instant,
    strikes: u32,
}

impl Bucket {
    fn new() -> Bucket {
        Bucket { tokens: BURST, at: Instant::now(), strikes: 0 }
    }
    fn take(&mut self) -> bool {
        let now = Instant::now();
        self.tokens = (self.tokens + now.duration_since(self.at).as_secs_f64() * PER_SEC).min(BURST);
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            self.strikes += 1;
            false
        }
    }
    /// Milliseconds until the next frame would be accepted.
    fn retry_after_ms(&self) -> u64 {
        (((1.0 - self.tokens).max(0.0) / PER_SEC) * 1000.0).ceil() as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_refuses_a_flood() {
        let mut b = Bucket::new();
        let ok = (0..100).filter(|_| b.take()).count();
        assert!((30..40).contains(&ok), "{ok}");
        assert!(b.strikes > 50);
        let wait = b.retry_after_ms();
        assert!(wait > 0 && wait <= 1000 / RATE_PER_SEC as u64 + 1, "{wait}");
    }

    #[test]
    fn a_refused_frame_is_named_by_its_id() {
        assert_eq!(command_id_of(r#"{"type":"command","id":"c-7","command":{"kind":"x"}}"#), Some("c-7".into()));
        assert_eq!(command_id_of(r#"{"type":"snapshot"}"#), None);
        assert_eq!(command_id_of(r#"{"type":"command","id":""}"#), None);
        assert_eq!(command_id_of("not json"), None);
        assert_eq!(command_id_of(&format!(r#"{{"id":"{}"}}"#, "x".repeat(65))), None);
    }
}
