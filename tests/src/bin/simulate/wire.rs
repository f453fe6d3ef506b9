//! The simulator's side of a WebSocket to the hub, written from
//! docs/protocol.md: hello, wait for welcome, commands with ids, and a light
//! reading of the frames that come back (only the fields the simulator uses,
//! so that a crowd of connections costs little to run).

use anyhow::{anyhow, bail, Context, Result};
use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;
use yuanzhuo_client::deflate::Glance;
use yuanzhuo_client::pace::Pace;
use yuanzhuo_protocol::{AckResult, Command, Seen};

/// The furthest log position this simulator has been shown (with the hub's
/// tag), sent in every `hello`: a hub restarted on a shortened log learns it
/// from us (docs/protocol.md, `seen`). Loaded from the receipts file of an
/// earlier run, kept up to date from every ack.
static SEEN: std::sync::Mutex<Option<Seen>> = std::sync::Mutex::new(None);

/// Remember a position shown by the hub, if it is further than what we had.
pub fn note_seen(seq: u64, head: &str, tag: &str) {
    if tag.is_empty() {
        return;
    }
    let mut s = SEEN.lock().expect("seen");
    if s.as_ref().is_none_or(|s| s.seq < seq) {
        *s = Some(Seen { seq, head: head.to_string(), tag: tag.to_string() });
    }
}

type Ws = yuanzhuo_client::deflate::Socket;

/// A hub that stops answering is gone after this long.
const ANSWER_LIMIT: Duration = Duration::from_secs(20);

/// The fields of a hub frame that the simulator reads (acks, errors, updates).
#[derive(Debug, Default, Deserialize)]
pub struct Frame {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub seq: Option<u64>,
    #[serde(default)]
    pub log_head: Option<String>,
    #[serde(default)]
    pub log_tag: Option<String>,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub detail: Option<String>,
    /// With `rate_limited`: when the hub will take the command.
    #[serde(default)]
    pub retry_after_ms: Option<u64>,
    #[serde(default)]
    pub result: Option<AckResult>,
    #[serde(default)]
    pub phase: Option<String>,
    /// Present on the updates that carry the tally (its content is not needed).
    #[serde(default)]
    pub turnout: Option<serde::de::IgnoredAny>,
}

/// Why a connection could not go on: the hub is unreachable or the socket died
/// (the simulator then checks whether the hub is still there at all).
#[derive(Debug)]
pub struct Gone(pub String);

impl std::fmt::Display for Gone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "connection lost: {}", self.0)
    }
}
impl std::error::Error for Gone {}

pub struct Conn {
    ws: Ws,
    /// Every frame after `hello` goes at the pace the hub allows.
    pace: Pace,
}

/// Times a command refused by the rate limit is sent again before giving up.
const RATE_RETRIES: u32 = 5;

impl Conn {
    /// Connect and authenticate; returns the connection and the raw welcome.
    pub async fn open(url: &str, token: &str, client: &str) -> Result<(Conn, String)> {
        Conn::open_glancing(url, token, client, None).await
    }

    /// [`Conn::open`], for a client standing for many devices: compressed
    /// messages it does not keep are dropped unread (see [`Glance`]).
    pub async fn open_glancing(url: &str, token: &str, client: &str, glance: Option<Glance>) -> Result<(Conn, String)> {
        // Small buffers: thousands of these run in one process.
        let config = WebSocketConfig::default().read_buffer_size(8 * 1024).write_buffer_size(0);
        // true: no Nagle delay; a ballot must leave at once. Compression is
        // offered, as every browser does.
        let connect = yuanzhuo_client::deflate::connect(url, config, true, glance);
        let (ws, _) = match tokio::time::timeout(Duration::from_secs(10), connect).await {
            Ok(Ok(x)) => x,
            Ok(Err(e)) => return Err(Gone(e.to_string()).into()),
            Err(_) => return Err(Gone("connect timed out".into()).into()),
        };
        let mut c = Conn { ws, pace: Pace::new(Instant::now()) };
        // Desk cards are claimed on first use: the simulator's device for a
        // card is derived from the card, with a fixed PIN, so reconnects work.
        let device = format!("simulate-{}", token.replace('-', ""));
        let seen = SEEN.lock().expect("seen").clone();
        let mut hello =
            serde_json::json!({"type": "hello", "token": token, "client": client, "device": device, "pin": "1357"});
        if let Some(seen) = seen {
            hello["seen"] = serde_json::json!(seen);
        }
        c.send_text(hello.to_string()).await?;
        let welcome = c.next_text(ANSWER_LIMIT).await?;
        if welcome.starts_with(r#"{"type":"welcome""#) {
            Ok((c, welcome))
        } else {
            bail!("the hub refused the token: {welcome}")
        }
    }

    async fn send_text(&mut self, text: String) -> Result<()> {
        self.ws.send(Message::text(text)).await.map_err(|e| anyhow!(Gone(e.to_string())))
    }

    /// Send after waiting for the next slot the hub's rate limit allows.
    async fn send_paced(&mut self, text: String) -> Result<()> {
        let wait = self.pace.book(Instant::now());
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
        self.send_text(text).await
    }

    pub async fn send_command(&mut self, id: &str, command: &Command) -> Result<()> {
        let text = serde_json::json!({"type": "command", "id": id, "command": command}).to_string();
        self.send_paced(text).await
    }

    pub async fn send_snapshot_request(&mut self) -> Result<()> {
        self.send_paced(r#"{"type":"snapshot"}"#.to_string()).await
    }

    /// The next text frame.
    pub async fn next_text(&mut self, limit: Duration) -> Result<String> {
        let until = Instant::now() + limit;
        loop {
            let left = until.saturating_duration_since(Instant::now());
            match tokio::time::timeout(left, self.ws.next()).await {
                Err(_) => return Err(Gone(format!("no answer within {limit:?}")).into()),
                Ok(None) => return Err(Gone("closed".into()).into()),
                Ok(Some(Err(e))) => return Err(Gone(e.to_string()).into()),
                Ok(Some(Ok(Message::Text(t)))) => return Ok(t.to_string()),
                Ok(Some(Ok(Message::Close(f)))) => {
                    return Err(Gone(f.map(|f| f.reason.to_string()).unwrap_or_else(|| "closed".into())).into())
                }
                Ok(Some(Ok(_))) => continue,
            }
        }
    }

    pub async fn next_frame(&mut self, limit: Duration) -> Result<(Frame, String)> {
        let text = self.next_text(limit).await?;
        let f: Frame = serde_json::from_str(&text).with_context(|| format!("unreadable frame: {text:.200}"))?;
        Ok((f, text))
    }

    /// Send a command and wait for its ack or error (other frames are
    /// skipped). A `rate_limited` answer is not final: the same id goes
    /// again when the hub says.
    pub async fn call(&mut self, id: &str, command: &Command) -> Result<Frame> {
        let mut tries = 0;
        loop {
            self.send_command(id, command).await?;
            let f = self.answer(id).await?;
            if f.code.as_deref() != Some("rate_limited") || tries == RATE_RETRIES {
                return Ok(f);
            }
            tries += 1;
            tokio::time::sleep(Duration::from_millis(f.retry_after_ms.unwrap_or(1000))).await;
        }
    }

    pub async fn answer(&mut self, id: &str) -> Result<Frame> {
        loop {
            let (f, _) = self.next_frame(ANSWER_LIMIT).await?;
            if f.id.as_deref() == Some(id) && (f.kind == "ack" || f.kind == "error") {
                if let (Some(seq), Some(head), Some(tag)) = (f.seq, &f.log_head, &f.log_tag) {
                    note_seen(seq, head, tag);
                }
                return Ok(f);
            }
        }
    }

    pub async fn close(mut self) {
        let _ = self.ws.close(None).await;
    }
}
