//! Shared pieces of the whole-system tests and the meeting simulator: start a
//! real hub process on a loopback port, read its tokens, and talk to it over a
//! real WebSocket following docs/protocol.md.

use anyhow::{anyhow, bail, Context, Result};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use yuanzhuo_protocol::{ServerMsg, Snapshot};

pub use yuanzhuo_protocol as protocol;

pub mod http;

/// The folder holding the workspace's built binaries (the profile the
/// current executable was built with), e.g. `target/release`.
pub fn bin_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("YZ_BIN_DIR") {
        return PathBuf::from(dir);
    }
    let exe = std::env::current_exe().expect("current exe");
    let mut dir = exe.parent().expect("exe dir").to_path_buf();
    if dir.ends_with("deps") {
        dir.pop();
    }
    dir
}

pub fn bin(name: &str) -> PathBuf {
    let p = bin_dir().join(name);
    assert!(p.exists(), "{} is not built: run `cargo build --release --workspace` first", p.display());
    p
}

/// A free TCP port on 127.0.0.1 (bound and released; good enough for tests).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

/// A hub process serving a data folder on 127.0.0.1. Killed when dropped.
pub struct Hub {
    pub child: Child,
    pub port: u16,
    pub data: PathBuf,
}

impl Hub {
    /// Start `hub serve` on a free port and wait until it answers.
    pub fn start(data: &Path, extra: &[&str]) -> Result<Hub> {
        Self::start_on(data, free_port(), extra)
    }

    pub fn start_on(data: &Path, port: u16, extra: &[&str]) -> Result<Hub> {
        Self::spawn(Command::new(bin("hub")), data, port, extra)
    }

    /// Start `hub serve` under a shell's `ulimit` (e.g. `-n 1024`, or
    /// `-S -n 1024` for the soft limit alone), as on a stock laptop.
    pub fn start_limited(data: &Path, ulimit: &str, extra: &[&str]) -> Result<Hub> {
        let mut cmd = Command::new("sh");
        cmd.arg("-c").arg(format!("ulimit {ulimit} && exec \"$0\" \"$@\"")).arg(bin("hub"));
        Self::spawn(cmd, data, free_port(), extra)
    }

    /// The hub's log (its standard error) so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.data.with_extension("hub.log")).unwrap_or_default()
    }

    fn spawn(mut cmd: Command, data: &Path, port: u16, extra: &[&str]) -> Result<Hub> {
        let log = std::fs::File::create(data.with_extension("hub.log")).ok();
        cmd.arg("serve").arg("--data").arg(data).arg("--bind").arg(format!("127.0.0.1:{port}")).args(extra);
        cmd.stdin(Stdio::null()).stdout(Stdio::null());
        match log {
            Some(f) => cmd.stderr(f),
            None => cmd.stderr(Stdio::null()),
        };
        let child = cmd.spawn().context("start hub")?;
        let mut hub = Hub { child, port, data: data.to_path_buf() };
        hub.wait_ready(Duration::from_secs(20))?;
        Ok(hub)
    }

    fn wait_ready(&mut self, limit: Duration) -> Result<()> {
        let until = Instant::now() + limit;
        while Instant::now() < until {
            if let Some(status) = self.child.try_wait()? {
                let log = std::fs::read_to_string(self.data.with_extension("hub.log")).unwrap_or_default();
                bail!("hub exited early ({status}): {log}");
            }
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        bail!("hub did not start listening on port {}", self.port)
    }

    pub fn url(&self) -> String {
        format!("ws://127.0.0.1:{}/ws", self.port)
    }

    pub fn http(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// SIGKILL: no chance to flush or say goodbye.
    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM and wait for a clean exit.
    pub fn stop(&mut self) -> Result<std::process::ExitStatus> {
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        let until = Instant::now() + Duration::from_secs(15);
        while Instant::now() < until {
            if let Some(s) = self.child.try_wait()? {
                return Ok(s);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.kill9();
        bail!("hub did not stop on SIGTERM within 15 s")
    }
}

impl Drop for Hub {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Run a `hub` subcommand and return its standard output.
pub fn hub_cmd(args: &[&str]) -> Result<String> {
    let out = Command::new(bin("hub")).args(args).output().context("run hub")?;
    if !out.status.success() {
        bail!("hub {:?} failed: {}", args, String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8(out.stdout)?)
}

/// `hub tokens --format json`, minting `voters` new voter tokens.
pub fn tokens(data: &Path, voters: u32) -> Result<Value> {
    let d = data.to_str().ok_or_else(|| anyhow!("path"))?;
    let text = hub_cmd(&["tokens", "--data", d, "--format", "json", "--voters", &voters.to_string()])?;
    Ok(serde_json::from_str(&text)?)
}

/// `hub export --format json`.
pub fn export(data: &Path) -> Result<Value> {
    let d = data.to_str().ok_or_else(|| anyhow!("path"))?;
    Ok(serde_json::from_str(&hub_cmd(&["export", "--data", d, "--format", "json"])?)?)
}

/// Token strings from a token sheet.
pub fn token(sheet: &Value, path: &[&str]) -> String {
    let mut v = sheet;
    for p in path {
        v = match p.parse::<usize>() {
            Ok(i) => &v[i],
            Err(_) => &v[*p],
        };
    }
    v["token"].as_str().unwrap_or_default().to_string()
}

pub fn voter_tokens(sheet: &Value) -> Vec<String> {
    sheet["voters"]
        .as_array()
        .map(|a| a.iter().map(|v| v["token"].as_str().unwrap_or("").to_string()).collect())
        .unwrap_or_default()
}

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// The PIN test clients claim desk cards with.
pub const TEST_PIN: &str = "2468";

/// A protocol client that keeps its snapshot up to date from updates.
pub struct Client {
    ws: Ws,
    pub welcome: Value,
    pub snapshot: Option<Snapshot>,
    next_id: u64,
    prefix: String,
    /// Errors and messages received that answered no pending request.
    pub stray: Vec<Value>,
    /// The furthest log position the hub showed this client, with its tag
    /// (`{"seq", "head", "tag"}`): what a reconnecting client sends as `seen`.
    pub seen: Option<Value>,
}

impl Client {
    /// Connect without authenticating (for tests of the handshake).
    pub async fn raw(url: &str) -> Result<Ws> {
        let (ws, _) = tokio_tungstenite::connect_async(url).await.context("connect")?;
        Ok(ws)
    }

    /// Connect with `token`. A counter's or scrutineer's card is claimed on
    /// first use: every test client presents a device of its own (derived
    /// from the token) and the PIN `TEST_PIN`, so that the same card reconnects.
    pub async fn connect(url: &str, token: &str) -> Result<Client> {
        Self::connect_seen(url, token, None).await
    }

    /// Connect telling the hub the last log position seen (docs/protocol.md, `seen`).
    /// Desk cards are claimed with this test device and `TEST_PIN`.
    pub async fn connect_seen(url: &str, token: &str, seen: Option<Value>) -> Result<Client> {
        let mut hello = json!({"type": "hello", "token": token, "client": "yuanzhuo-tests",
                               "device": format!("test-device-{}", token.replace('-', "")), "pin": TEST_PIN});
        if let Some(s) = seen {
            hello["seen"] = s;
        }
        Self::connect_with(url, hello).await
    }

    /// Connect with this `hello` (for tests of claims and refusals).
    pub async fn connect_with(url: &str, hello: Value) -> Result<Client> {
        let seen = hello.get("seen").cloned();
        let mut ws = Self::raw(url).await?;
        ws.send(Message::text(hello.to_string())).await?;
        let welcome = loop {
            let v = next_json(&mut ws, Duration::from_secs(10)).await?;
            match v["type"].as_str() {
                Some("welcome") => break v,
                Some("error") => bail!("refused: {v}"),
                _ => continue,
            }
        };
        let snapshot = serde_json::from_value(welcome["snapshot"].clone()).ok();
        let prefix = format!("t{:x}", rand::random::<u32>());
        let mut c = Client { ws, welcome: welcome.clone(), snapshot, next_id: 0, prefix, stray: vec![], seen };
        c.note_seen(&welcome);
        Ok(c)
    }

    fn note_seen(&mut self, v: &Value) {
        let (seq, head, tag) = match v["type"].as_str() {
            Some("welcome" | "snapshot") => {
                (&v["snapshot"]["seq"], &v["snapshot"]["log_head"], &v["snapshot"]["log_tag"])
            }
            Some("ack" | "update") => (&v["seq"], &v["log_head"], &v["log_tag"]),
            _ => return,
        };
        let (Some(seq), Some(head), Some(tag)) = (seq.as_u64(), head.as_str(), tag.as_str()) else { return };
        if self.seen.as_ref().is_some_and(|s| s["seq"].as_u64() >= Some(seq)) {
            return;
        }
        self.seen = Some(json!({"seq": seq, "head": head, "tag": tag}));
    }

    pub fn snapshot(&self) -> &Snapshot {
        self.snapshot.as_ref().expect("snapshot")
    }

    pub fn fresh_id(&mut self) -> String {
        self.next_id += 1;
        format!("{}-{}", self.prefix, self.next_id)
    }

    pub async fn send_raw(&mut self, text: String) -> Result<()> {
        self.ws.send(Message::text(text)).await?;
        Ok(())
    }

    pub async fn send_ping(&mut self) -> Result<()> {
        self.ws.send(Message::Ping(Default::default())).await?;
        Ok(())
    }

    /// Send a command with a fresh id; wait for its ack or error.
    pub async fn command(&mut self, command: Value) -> Result<Value> {
        let id = self.fresh_id();
        self.command_with_id(&id, command).await
    }

    pub async fn command_with_id(&mut self, id: &str, command: Value) -> Result<Value> {
        self.send_raw(json!({"type": "command", "id": id, "command": command}).to_string()).await?;
        self.answer(id).await
    }

    /// Wait for the ack or error carrying `id`, applying updates meanwhile.
    pub async fn answer(&mut self, id: &str) -> Result<Value> {
        loop {
            let v = self.recv(Duration::from_secs(15)).await?;
            if v["id"].as_str() == Some(id) && matches!(v["type"].as_str(), Some("ack" | "error")) {
                return Ok(v);
            }
            if v["type"] == "error" {
                self.stray.push(v);
            }
        }
    }

    /// Next message, applying updates and snapshots to the local view.
    pub async fn recv(&mut self, limit: Duration) -> Result<Value> {
        let v = next_json(&mut self.ws, limit).await?;
        self.note_seen(&v);
        match serde_json::from_value::<ServerMsg>(v.clone()) {
            Ok(ServerMsg::Update(u)) => {
                if let Some(s) = &mut self.snapshot {
                    s.apply(&u);
                }
            }
            Ok(ServerMsg::Snapshot { snapshot }) => self.snapshot = Some(*snapshot),
            _ => {}
        }
        Ok(v)
    }

    /// Read messages until `pred` holds for the local view, or time runs out.
    pub async fn wait_until(&mut self, limit: Duration, pred: impl Fn(&Snapshot) -> bool) -> Result<()> {
        let until = Instant::now() + limit;
        while !self.snapshot.as_ref().is_some_and(&pred) {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                bail!("condition not reached within {limit:?}");
            }
            self.recv(left).await?;
        }
        Ok(())
    }

    pub async fn close(mut self) {
        let _ = self.ws.close(None).await;
    }
}

/// The next text frame as JSON (pings are answered by the library).
pub async fn next_json(ws: &mut Ws, limit: Duration) -> Result<Value> {
    let until = Instant::now() + limit;
    loop {
        let left = until.saturating_duration_since(Instant::now());
        let m = tokio::time::timeout(left, ws.next()).await.map_err(|_| anyhow!("no message within {limit:?}"))?;
        match m {
            Some(Ok(Message::Text(t))) => return Ok(serde_json::from_str(&t)?),
            Some(Ok(Message::Close(f))) => bail!("closed by hub: {f:?}"),
            Some(Ok(_)) => continue,
            Some(Err(e)) => bail!("socket error: {e}"),
            None => bail!("connection ended"),
        }
    }
}

/// `cmd` helpers build command JSON the way docs/protocol.md shows it.
pub mod cmd {
    use serde_json::{json, Value};
    pub fn open() -> Value {
        json!({"kind": "open_meeting"})
    }
    pub fn advance(to: &str) -> Value {
        json!({"kind": "advance_phase", "to": to})
    }
    pub fn ballot(choices: &[&str]) -> Value {
        json!({"kind": "cast_ballot", "choices": choices})
    }
    pub fn picks(table: u16, proposals: &[&str]) -> Value {
        json!({"kind": "set_picks", "table": table, "proposals": proposals})
    }
}

pub fn is_ack(v: &Value) -> bool {
    v["type"] == "ack"
}

pub fn error_code(v: &Value) -> &str {
    if v["type"] == "error" {
        v["code"].as_str().unwrap_or("")
    } else {
        ""
    }
}
