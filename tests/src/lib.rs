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

/// A binary of the workspace (`hub`, `table-client`, `projector`, `simulate`)
/// from [`bin_dir`]. Refused, with the command that builds it, when it is
/// missing or older than a source it is built from: a test never runs a stale
/// binary. (`scripts/test` builds first, so there it always passes.)
pub fn bin(name: &str) -> PathBuf {
    static CHECKED: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    let p = bin_dir().join(name);
    let mut checked = CHECKED.lock().unwrap_or_else(|e| e.into_inner());
    if !checked.iter().any(|n| n == name) {
        if let Some(why) = stale(&p) {
            let release = if bin_dir().ends_with("release") { "--release " } else { "" };
            let package = if name == "simulate" { "yuanzhuo-tests" } else { name };
            panic!("{why}: run `cargo build {release}-p {package}` (or `cargo build {release}--workspace`) first");
        }
        checked.push(name.to_string());
    }
    p
}

/// Why the binary at `exe` is not the one its sources make today, if it is
/// not: missing, built elsewhere, or older than one of the files Cargo lists
/// in its dep-info (`exe.d`: every source of every workspace crate it is
/// built from, and the files it embeds).
pub fn stale(exe: &Path) -> Option<String> {
    let shown = exe.display();
    let Ok(built) = std::fs::metadata(exe).and_then(|m| m.modified()) else {
        return Some(format!("{shown} is not built"));
    };
    let dep_info = exe.with_extension("d");
    let Ok(text) = std::fs::read_to_string(&dep_info) else {
        return Some(format!("{shown} has no {} beside it (which sources it was built from)", dep_info.display()));
    };
    let Some((target, sources)) = parse_dep_info(&text) else {
        return Some(format!("{} cannot be read as Cargo's dep-info", dep_info.display()));
    };
    let root = workspace_root();
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if !same(&root.join(&target), exe) {
        return Some(format!("{shown} was built as {} (another checkout)", target.display()));
    }
    for s in sources {
        let s = root.join(s);
        match std::fs::metadata(&s).and_then(|m| m.modified()) {
            Err(_) => return Some(format!("{shown} is built from {}, which is gone", s.display())),
            Ok(t) if t > built => return Some(format!("{shown} is older than {}", s.display())),
            Ok(_) => {}
        }
    }
    None
}

/// The workspace's root folder (this crate is `tests/` in it).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the workspace holds tests/").to_path_buf()
}

/// `target: source source…` (Makefile syntax, `\ ` for a space in a path).
fn parse_dep_info(text: &str) -> Option<(PathBuf, Vec<PathBuf>)> {
    let line = text.lines().find(|l| !l.trim().is_empty() && !l.starts_with('#'))?;
    let mut words = vec![];
    let mut word = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => word.extend(chars.next()),
            ' ' | '\t' => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            _ => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    let mut words = words.into_iter();
    let target = words.next()?.strip_suffix(':')?.to_string();
    Some((PathBuf::from(target), words.map(PathBuf::from).collect()))
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::SystemTime;

    fn touch(p: &Path, t: SystemTime) {
        std::fs::OpenOptions::new().create(true).append(true).open(p).unwrap().set_modified(t).unwrap();
    }

    #[test]
    fn dep_info_paths_with_spaces() {
        let (t, s) = parse_dep_info("/a/target/release/hub: /a/hub/src/main.rs /a/my\\ dir/x.rs\n\n").unwrap();
        assert_eq!(t, PathBuf::from("/a/target/release/hub"));
        assert_eq!(s, [PathBuf::from("/a/hub/src/main.rs"), PathBuf::from("/a/my dir/x.rs")]);
        assert!(parse_dep_info("no rule here").is_none());
    }

    #[test]
    fn a_binary_older_than_a_source_or_built_elsewhere_is_stale() {
        let dir = tempfile::tempdir().unwrap();
        let (exe, src) = (dir.path().join("hub"), dir.path().join("main.rs"));
        assert!(stale(&exe).unwrap().contains("is not built"));
        let then = SystemTime::now() - Duration::from_secs(60);
        touch(&src, then);
        touch(&exe, then + Duration::from_secs(1));
        assert!(stale(&exe).unwrap().contains("has no"), "no dep-info: cannot tell");
        std::fs::write(dir.path().join("hub.d"), format!("{}: {}\n", exe.display(), src.display())).unwrap();
        assert_eq!(stale(&exe), None);
        touch(&src, then + Duration::from_secs(2));
        assert!(stale(&exe).unwrap().contains("is older than"), "{:?}", stale(&exe));
        std::fs::remove_file(&src).unwrap();
        assert!(stale(&exe).unwrap().contains("which is gone"));
        std::fs::write(dir.path().join("hub.d"), "/elsewhere/target/release/hub:\n").unwrap();
        assert!(stale(&exe).unwrap().contains("another checkout"));
    }
}
