//! What the terminal clients (table-client, projector) share: one WebSocket
//! to the hub's `/ws`, opened with `hello`, kept alive across Wi-Fi drops and
//! hub restarts with backoff; and text measured in terminal cells (`text`).
//!
//! What it owns: the socket, the reconnect loop, liveness (a link silent for
//! longer than the hub's ping interval allows is presumed dead) and the
//! parsing of frames into [`ServerMsg`]. What it leaves to the app: what to
//! do with a snapshot, and which commands to re-send after a reconnect (the
//! app knows what was acknowledged; the hub makes a re-sent id harmless).
//!
//! After a reconnect the link tells the hub the last log position it saw
//! (`hello`'s `seen`): a hub restarted on a log that lost acknowledged entries
//! learns it from its clients and stops instead of serving the shortened log.
//!
//! It depends on the protocol crate only, never on the server.

use futures_util::{SinkExt, StreamExt};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;
use yuanzhuo_protocol::{ClientMsg, ErrorCode, ErrorMsg, Seen, ServerMsg};

mod address;
pub mod deflate;
pub mod pace;
pub mod text;
pub mod words;
pub use address::{parse_hub, HubAddress};
pub use text::Lang;

/// The hub pings every 15 s; nothing at all for this long means the link is gone.
const SILENCE_LIMIT: Duration = Duration::from_secs(40);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const BACKOFF_FIRST: Duration = Duration::from_millis(500);
const BACKOFF_MAX: Duration = Duration::from_secs(10);

/// How the link is doing, for the always-visible connection indicator.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkStatus {
    /// Trying to connect (attempt 1, 2, …).
    Connecting { attempt: u32 },
    /// Authenticated: a `welcome` has arrived.
    Online,
    /// Lost; the next attempt is in `retry_in`.
    Offline { reason: String, retry_in: Duration },
    /// The hub refused the token (or the hello): retrying cannot help.
    Refused(ErrorMsg),
}

impl LinkStatus {
    pub fn is_online(&self) -> bool {
        matches!(self, LinkStatus::Online)
    }
}

/// What the link tells the app.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkEvent {
    Status(LinkStatus),
    /// A message from the hub. After every (re)connect the first one is
    /// `Welcome` with a full snapshot: the moment to re-send what is unanswered.
    Message(ServerMsg),
}

/// Where and who: the hub's WebSocket URL, the token, and a client name for the hub's logs.
#[derive(Debug, Clone)]
pub struct LinkConfig {
    pub url: String,
    pub token: String,
    pub client: String,
}

/// The sending half. Messages given while the link is down are dropped and
/// `send` returns false; the app re-sends unanswered commands on `Welcome`.
#[derive(Clone)]
pub struct Link {
    tx: mpsc::UnboundedSender<ClientMsg>,
    online: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Link {
    /// Start the link in the background (needs a tokio runtime). It runs
    /// until the returned receiver is dropped, or the hub refuses the token.
    pub fn spawn(cfg: LinkConfig) -> (Link, mpsc::Receiver<LinkEvent>) {
        let (tx, rx) = mpsc::unbounded_channel();
        let (events_tx, events) = mpsc::channel(1024);
        let online = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        tokio::spawn(run(cfg, rx, events_tx, online.clone()));
        (Link { tx, online }, events)
    }

    pub fn send(&self, msg: ClientMsg) -> bool {
        self.online.load(std::sync::atomic::Ordering::Relaxed) && self.tx.send(msg).is_ok()
    }

    pub fn is_online(&self) -> bool {
        self.online.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// Why a connection ended.
enum End {
    /// The app went away: stop.
    AppGone,
    /// Refused at the door: stop, and say why.
    Refused(ErrorMsg),
    /// Anything else: try again.
    Lost(String),
}

async fn run(
    cfg: LinkConfig,
    mut outgoing: mpsc::UnboundedReceiver<ClientMsg>,
    events: mpsc::Sender<LinkEvent>,
    online: std::sync::Arc<std::sync::atomic::AtomicBool>,
) {
    let mut attempt = 0u32;
    // The last log position the hub showed us, across reconnects.
    let mut seen: Option<Seen> = None;
    loop {
        attempt += 1;
        if events.send(LinkEvent::Status(LinkStatus::Connecting { attempt })).await.is_err() {
            return;
        }
        let end = session(&cfg, &mut outgoing, &events, &online, &mut attempt, &mut seen).await;
        online.store(false, std::sync::atomic::Ordering::Relaxed);
        // Drop whatever the app queued while we were down: it re-sends on welcome.
        while outgoing.try_recv().is_ok() {}
        match end {
            End::AppGone => return,
            End::Refused(e) => {
                let _ = events.send(LinkEvent::Status(LinkStatus::Refused(e))).await;
                return;
            }
            End::Lost(reason) => {
                let wait = backoff(attempt);
                if events.send(LinkEvent::Status(LinkStatus::Offline { reason, retry_in: wait })).await.is_err() {
                    return;
                }
                tokio::time::sleep(wait).await;
            }
        }
    }
}

/// 0.5 s, 1 s, 2 s … up to 10 s, each ±30 % so that a room of clients does
/// not reconnect in lockstep after the hub restarts.
pub fn backoff(attempt: u32) -> Duration {
    let base = BACKOFF_FIRST.saturating_mul(1u32 << attempt.saturating_sub(1).min(5)).min(BACKOFF_MAX);
    let jitter = 0.7 + rand::random::<f64>() * 0.6;
    base.mul_f64(jitter)
}

async fn session(
    cfg: &LinkConfig,
    outgoing: &mut mpsc::UnboundedReceiver<ClientMsg>,
    events: &mpsc::Sender<LinkEvent>,
    online: &std::sync::atomic::AtomicBool,
    attempt: &mut u32,
    seen: &mut Option<Seen>,
) -> End {
    // Small buffers: our frames are a few KiB; the defaults are 128 KiB each way.
    let config = WebSocketConfig::default().read_buffer_size(16 * 1024).write_buffer_size(0);
    // true: no Nagle delay; an entry must leave at once. Compression offered,
    // as a browser does: at 500 proposals the welcome is a tenth the size.
    let connect = deflate::connect(cfg.url.as_str(), config, true, None);
    let mut ws = match tokio::time::timeout(CONNECT_TIMEOUT, connect).await {
        Ok(Ok((ws, _))) => ws,
        Ok(Err(e)) => return End::Lost(e.to_string()),
        Err(_) => return End::Lost("connect timed out".into()),
    };
    let hello = ClientMsg::Hello {
        token: cfg.token.clone(),
        client: Some(cfg.client.clone()),
        device: None,
        pin: None,
        seen: seen.clone(),
    };
    if let Err(e) = ws.send(Message::text(encode(&hello))).await {
        return End::Lost(e.to_string());
    }
    let mut welcomed = false;
    let mut refusal: Option<ErrorMsg> = None;
    loop {
        tokio::select! {
            m = tokio::time::timeout(SILENCE_LIMIT, ws.next()) => {
                let m = match m {
                    Err(_) => return End::Lost("no word from the hub".into()),
                    Ok(None) => return End::Lost("connection closed".into()),
                    Ok(Some(Err(e))) => return End::Lost(e.to_string()),
                    Ok(Some(Ok(m))) => m,
                };
                match m {
                    Message::Text(t) => {
                        let msg: ServerMsg = match serde_json::from_str(&t) {
                            Ok(m) => m,
                            // A newer hub may send what this client does not know; skip it.
                            Err(_) => continue,
                        };
                        note_seen(seen, &msg);
                        match &msg {
                            ServerMsg::Welcome { .. } => {
                                welcomed = true;
                                *attempt = 0;
                                online.store(true, std::sync::atomic::Ordering::Relaxed);
                                if events.send(LinkEvent::Status(LinkStatus::Online)).await.is_err() {
                                    return End::AppGone;
                                }
                            }
                            ServerMsg::Error(e) if !welcomed || e.code == ErrorCode::LogBehind => {
                                refusal = Some(e.clone())
                            }
                            _ => {}
                        }
                        if events.send(LinkEvent::Message(msg)).await.is_err() {
                            return End::AppGone;
                        }
                    }
                    Message::Close(frame) => {
                        let policy = frame.as_ref().is_some_and(|f| f.code == CloseCode::Policy);
                        return match (welcomed, policy, refusal) {
                            (false, true, Some(e)) => End::Refused(e),
                            // The hub's own words (e.g. `log_behind`: it stopped serving until restored).
                            (_, false, Some(e)) => End::Lost(format!(
                                "{} / {}{}",
                                e.zh,
                                e.en,
                                e.detail.map(|d| format!(" ({d})")).unwrap_or_default()
                            )),
                            (_, _, _) => End::Lost(frame.map(|f| f.reason.to_string()).unwrap_or_else(|| "closed".into())),
                        };
                    }
                    _ => {}
                }
            }
            out = outgoing.recv() => {
                let Some(msg) = out else { return End::AppGone };
                if let Err(e) = ws.send(Message::text(encode(&msg))).await {
                    return End::Lost(e.to_string());
                }
            }
        }
    }
}

/// Keep the furthest log position a message showed, with the hub's tag for it.
pub fn note_seen(seen: &mut Option<Seen>, msg: &ServerMsg) {
    let (seq, head, tag) = match msg {
        ServerMsg::Welcome { snapshot, .. } | ServerMsg::Snapshot { snapshot } => {
            (snapshot.seq, &snapshot.log_head, &snapshot.log_tag)
        }
        ServerMsg::Update(u) => (u.seq, &u.log_head, &u.log_tag),
        ServerMsg::Ack { seq, log_head, log_tag, .. } => (*seq, log_head, log_tag),
        ServerMsg::Log(f) => match f.rows.last() {
            Some(r) => (r.seq, &r.hash, &f.log_tag),
            None => return,
        },
        ServerMsg::Error(_) => return,
    };
    if tag.is_empty() || seen.as_ref().is_some_and(|s| s.seq >= seq) {
        return;
    }
    *seen = Some(Seen { seq, head: head.clone(), tag: tag.clone() });
}

fn encode(m: &ClientMsg) -> String {
    serde_json::to_string(m).expect("client messages serialise")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_furthest_tagged_position_is_kept() {
        let mut seen = None;
        let ack = |seq: u64, tag: &str| ServerMsg::Ack {
            id: "a".into(),
            seq,
            log_head: format!("{seq:064x}"),
            log_tag: tag.into(),
            result: Default::default(),
        };
        note_seen(&mut seen, &ack(5, "t5"));
        note_seen(&mut seen, &ack(3, "t3"));
        note_seen(&mut seen, &ack(9, ""));
        assert_eq!(seen, Some(Seen { seq: 5, head: format!("{:064x}", 5), tag: "t5".into() }));
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        assert!(backoff(1) <= Duration::from_millis(650));
        assert!(backoff(3) >= Duration::from_millis(1400));
        for a in 1..40 {
            assert!(backoff(a) <= Duration::from_secs(13));
        }
    }
}
