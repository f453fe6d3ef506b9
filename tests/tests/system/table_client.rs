//! The real `table-client` binary in a real terminal (tmux: send-keys,
//! capture-pane) against a real hub on 127.0.0.1: a chair queues speakers
//! and submits and locks three picks, a recorder writes a Chinese note
//! (typed and pasted), an adviser excludes a proposal under rule 2, and the
//! hub's export holds all of it. Then the Wi-Fi "drops": entries made
//! while the hub is down wait on disk through a client restart and arrive
//! exactly once when the hub returns, even if one had in fact arrived
//! before (its answer lost). And a long outbox (200 entries after an
//! outage) flushes at the pace the hub allows, never refused.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};
use yuanzhuo_tests::*;

/// One tmux server of our own (its own socket), killed when dropped.
struct Term {
    socket: String,
    /// The socket file, removed with the server.
    path: Option<PathBuf>,
}

impl Term {
    fn tmux(&self, args: &[&str]) -> std::process::Output {
        Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .arg("-u")
            .args(args)
            .env("LANG", "C.UTF-8")
            .env("LC_ALL", "C.UTF-8")
            .env("TERM", "xterm-256color")
            .output()
            .expect("tmux is installed (scripts/setup-test-env)")
    }

    /// A 120×40 terminal running `cmd`; the pane stays when the program exits.
    fn start(name: &str, cmd: &str) -> Term {
        let mut t =
            Term { socket: format!("yz-tc-{name}-{}-{:x}", std::process::id(), rand::random::<u32>()), path: None };
        let out = t.tmux(&[
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-x",
            "120",
            "-y",
            "40",
            "-s",
            "main",
            cmd,
            ";",
            "set",
            "-g",
            "remain-on-exit",
            "on",
        ]);
        assert!(out.status.success(), "tmux: {}", String::from_utf8_lossy(&out.stderr));
        let path =
            String::from_utf8_lossy(&t.tmux(&["display-message", "-p", "#{socket_path}"]).stdout).trim().to_string();
        t.path = (!path.is_empty()).then(|| PathBuf::from(path));
        t
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "main"];
        args.extend_from_slice(keys);
        assert!(self.tmux(&args).status.success());
    }

    /// Typed character by character (as an input method commits them).
    fn text(&self, s: &str) {
        assert!(self.tmux(&["send-keys", "-t", "main", "-l", s]).status.success());
    }

    /// A bracketed paste, as a terminal delivers pasted text.
    fn paste(&self, s: &str) {
        assert!(self.tmux(&["set-buffer", "-b", "yz", s]).status.success());
        assert!(self.tmux(&["paste-buffer", "-p", "-d", "-b", "yz", "-t", "main"]).status.success());
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.tmux(&["capture-pane", "-p", "-t", "main"]).stdout).into_owned()
    }

    fn dead(&self) -> bool {
        String::from_utf8_lossy(&self.tmux(&["display-message", "-p", "-t", "main", "#{pane_dead}"]).stdout).trim()
            == "1"
    }

    fn respawn(&self, cmd: &str) {
        assert!(self.tmux(&["respawn-pane", "-k", "-t", "main", cmd]).status.success());
    }

    /// Poll the screen until `pred` holds; bounded in time.
    fn wait(&self, what: &str, limit: Duration, pred: impl Fn(&str) -> bool) -> String {
        let until = Instant::now() + limit;
        loop {
            let s = self.screen();
            if pred(&s) {
                return s;
            }
            if Instant::now() > until {
                panic!("no {what} on screen within {limit:?}:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn wait_for(&self, needle: &str) -> String {
        self.wait(&format!("{needle:?}"), Duration::from_secs(30), |s| s.contains(needle))
    }
}

impl Drop for Term {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
        if let Some(p) = &self.path {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// The client's command line, with the token in the environment (or not at all).
fn client(hub: &str, state: &Path, token: Option<&str>, extra: &str) -> String {
    let env = token.map(|t| format!("YZ_TOKEN={t} ")).unwrap_or_default();
    format!(
        "env LANG=C.UTF-8 {env}{} --hub {hub} --state-dir {} {extra}",
        bin("table-client").display(),
        state.display()
    )
}

async fn open_discussion(hub: &Hub, sheet: &Value) {
    let mut org = Client::connect(&hub.url(), &token(sheet, &["organiser"])).await.unwrap();
    for c in [cmd::open(), cmd::advance("discussion")] {
        let a = org.command(c.clone()).await.unwrap();
        assert!(is_ack(&a), "{c} → {a}");
    }
    org.close().await;
}

/// Every outbox file in the state folder, with its entries.
fn outboxes(state: &Path) -> Vec<(PathBuf, Vec<Value>)> {
    let mut out = vec![];
    for e in std::fs::read_dir(state).into_iter().flatten().flatten() {
        let p = e.path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if name.starts_with("outbox-") && name.ends_with(".json") {
            let v: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            out.push((p, v["entries"].as_array().cloned().unwrap_or_default()));
        }
    }
    out
}

fn notes(export: &Value, table: usize) -> Vec<Value> {
    export["tables"][table]["notes"].as_array().cloned().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chair_recorder_and_adviser_at_a_real_hub() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let state = dir.path().join("state");
    let sheet = tokens(&data, 0).unwrap();
    let hub = Hub::start(&data, &[]).unwrap();
    open_discussion(&hub, &sheet).await;

    // The chair starts from a join link (address and token in one).
    let link = format!("{}/j/{}", hub.http(), token(&sheet, &["tables", "0", "chair"]));
    let chair = Term::start(
        "chair",
        &format!("env LANG=C.UTF-8 {} {link} --state-dir {}", bin("table-client").display(), state.display()),
    );
    let s = chair.wait_for("第1桌 桌长");
    chair.wait_for(" 在线 ");
    assert!(s.contains("分桌讨论") && s.contains("讨论 "), "{s}");
    // Two speakers: seat 3 for, 王阿姨 with a question; the first starts.
    chair.keys(&["2", "a"]);
    chair.text("3");
    chair.keys(&["Enter", "a"]);
    chair.text("王阿姨");
    chair.keys(&["Tab", "Tab", "Enter"]);
    chair.wait("both queued", Duration::from_secs(30), |s| {
        s.contains("王阿姨") && s.contains("3号") && s.contains("全部已送达")
    });
    chair.keys(&["n"]);
    let s = chair.wait_for("正在发言：3号（支持）");
    assert!(s.contains(" / 1:00"), "the turn's timebox: {s}");
    // Three picks marked on the proposals page, submitted, then locked after confirming.
    chair.keys(&["1", "Space", "Down", "Down", "Space", "Down", "Space"]);
    chair.wait_for("已选 3/3");
    chair.keys(&["3", "Enter"]);
    chair.wait_for("已提交，尚未锁定");
    chair.keys(&["L"]);
    chair.wait_for("锁定推选？");
    chair.keys(&["y"]);
    chair.wait_for("已锁定：推选不能再改");

    // The window shrinks to 80×24: still whole, borders in place.
    assert!(chair.tmux(&["resize-window", "-t", "main", "-x", "80", "-y", "24"]).status.success());
    // (Polled until the client has redrawn: right after the resize tmux shows the old frame cut off.)
    let s = chair.wait("the 80-column layout", Duration::from_secs(15), |s| {
        s.lines().count() <= 24
            && s.contains("本桌推选 已选 3/3")
            && s.lines().nth(2).is_some_and(|l| l.starts_with('┌') && l.ends_with('┐'))
    });
    for l in s.lines() {
        assert!(unicode_width::UnicodeWidthStr::width(l) <= 80, "wider than the window: {l}");
    }
    assert!(s.contains("各桌进度") && s.contains("第1桌 桌长"), "{s}");

    // The recorder types the token at the prompt.
    let recorder = Term::start("recorder", &client(&hub.url(), &state, None, ""));
    recorder.wait_for("会场服务器地址");
    recorder.text(&token(&sheet, &["tables", "0", "recorder"]));
    recorder.keys(&["Enter"]);
    recorder.wait_for("第1桌 记录员");
    // Topic P03, a note typed and pasted in Chinese, tagged "concern".
    recorder.keys(&["Down", "Down", "Down", "a"]);
    recorder.wait_for("新记录 · P03");
    recorder.text("老人上下楼需要扶手，");
    recorder.paste("晚上噪音\n影响三楼住户");
    // A new note has no tag until one is chosen (F3: concern).
    recorder.keys(&["F3"]);
    recorder.wait_for("影响三楼住户");
    recorder.keys(&["C-s"]);
    recorder.wait_for("记录已保存");
    // The acknowledgement comes first, then the update that lists the note.
    let s = recorder.wait_for("[担忧]");
    assert!(s.contains("老人上下楼需要扶手，晚上噪音"), "{s}");

    // The adviser (token from the environment) excludes P05 under rule 2.
    let adviser =
        Term::start("adviser", &client(&hub.http(), &state, Some(&token(&sheet, &["tables", "0", "adviser"])), ""));
    adviser.wait_for("第1桌 技术顾问");
    adviser.keys(&["Down", "Down", "Down", "Down", "Enter"]);
    adviser.wait_for("技术意见 · P05");
    adviser.keys(&["Right", "Right", "Tab", "2", "Tab"]);
    adviser.text("属物业维修范围");
    adviser.keys(&["Tab"]);
    adviser.text("8000");
    adviser.keys(&["Tab"]);
    adviser.text("建议向物业公司反映");
    adviser.keys(&["C-s"]);
    let s = adviser.wait_for("技术意见已保存");
    // A recommendation, said as one: the organiser decides.
    assert!(s.contains("建议排除"), "{s}");
    assert!(s.contains("技术意见已保存 P05：顾问建议排除（第2条：应由其他主体负责（如物业）），由组织者决定"), "{s}");

    // The adviser recommends excluding P03, one of the table's picks; the
    // organiser confirms it: the chair and the recorder are told at once.
    adviser.keys(&["Up", "Up", "Enter"]);
    adviser.wait_for("技术意见 · P03");
    adviser.keys(&["Right", "Right", "Tab", "6", "C-s"]);
    adviser.wait_for("技术意见已保存 P03");
    let mut org = Client::connect(&hub.url(), &token(&sheet, &["organiser"])).await.unwrap();
    let a = org
        .command(serde_json::json!({"kind": "confirm_exclusion", "proposal": "P03", "rule": 6, "reason": ""}))
        .await
        .unwrap();
    assert!(is_ack(&a), "{a}");
    org.close().await;
    for t in [&chair, &recorder] {
        t.wait_for("本桌推选的 P03 已确认排除：第6条 技术上不可行");
    }

    // The hub's export has all of it.
    let export = export(&data).unwrap();
    let t1 = &export["tables"][0];
    let queue: Vec<(&str, &str, &str)> = t1["queue"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["name"].as_str().unwrap(), e["turn"].as_str().unwrap(), e["state"].as_str().unwrap()))
        .collect();
    assert_eq!(queue, [("3号", "for", "speaking"), ("王阿姨", "question", "waiting")]);
    assert_eq!(export["picks"][0]["proposals"], serde_json::json!(["P01", "P03", "P04"]));
    assert_eq!(export["picks"][0]["locked"], true);
    let n = notes(&export, 0);
    assert_eq!(n.len(), 1, "{n:?}");
    assert_eq!(n[0]["proposal"], "P03");
    assert_eq!(n[0]["tag"], "concern");
    assert_eq!(n[0]["text"], "老人上下楼需要扶手，晚上噪音\n影响三楼住户");
    assert_eq!(n[0]["by"], "recorder");
    let a: Vec<&Value> = export["annotations"].as_array().unwrap().iter().filter(|a| a["proposal"] == "P05").collect();
    assert_eq!(a.len(), 1, "{export}");
    assert_eq!(a[0]["feasibility"], "excluded");
    assert_eq!(a[0]["exclusion_rule"], 2);
    assert_eq!(a[0]["reason"], "属物业维修范围");
    assert_eq!(a[0]["cost_estimate"], 8000);
    assert_eq!(a[0]["remark"], "建议向物业公司反映");
    // Everything answered: every outbox is empty, and no file is named after a token.
    let boxes = outboxes(&state);
    assert_eq!(boxes.len(), 3, "{boxes:?}");
    for (p, entries) in &boxes {
        assert!(entries.is_empty(), "{} still holds {entries:?}", p.display());
        for role in ["chair", "recorder", "adviser"] {
            let t = token(&sheet, &["tables", "0", role]).replace('-', "");
            assert!(!p.to_string_lossy().to_uppercase().contains(&t[..8]), "{}", p.display());
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entries_made_offline_arrive_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let state = dir.path().join("state");
    let sheet = tokens(&data, 0).unwrap();
    let recorder_token = token(&sheet, &["tables", "1", "recorder"]);
    let mut hub = Hub::start(&data, &[]).unwrap();
    let port = hub.port;
    open_discussion(&hub, &sheet).await;
    let cmdline = client(&hub.url(), &state, None, &format!("--token {recorder_token}"));
    let term = Term::start("offline", &cmdline);
    term.wait_for("第2桌 记录员");
    term.wait_for(" 在线 ");

    // The hub goes away (as when the Wi-Fi drops or the laptop restarts).
    hub.stop().unwrap();
    term.wait("offline", Duration::from_secs(30), |s| s.contains("离线") || s.contains("连接中"));
    for text in ["断网时写的：先修下水道", "第二条：垃圾分类亭要有雨棚"] {
        term.keys(&["a"]);
        term.wait_for("新记录");
        term.text(text);
        term.keys(&["F2", "C-s"]);
        term.wait_for(text);
    }
    // (capture-pane drops trailing spaces: match without them.)
    let s = term.wait_for(" 2 条待发送");
    let marked = s.lines().filter(|l| l.contains("待发送") && !l.contains("条待发送")).count();
    assert_eq!(marked, 2, "each note is marked unsent: {s}");
    // On disk already, named by the token's hash.
    let boxes = outboxes(&state);
    assert_eq!(boxes.len(), 1);
    let (path, entries) = boxes[0].clone();
    assert_eq!(entries.len(), 2);
    assert!(!path.to_string_lossy().contains(&recorder_token), "{}", path.display());

    // Quitting asks first; the client is closed and started again, still offline.
    term.keys(&["q"]);
    term.wait_for("还有 2 条记录未发送");
    term.keys(&["y"]);
    term.wait("the client to exit", Duration::from_secs(15), |_| term.dead());
    term.respawn(&cmdline);
    let s = term.wait_for("本机有 2 条上次未发送的记录");
    assert!(s.contains(" 2 条待发送"), "{s}");
    term.keys(&["q"]);
    term.wait_for("退出？");
    term.keys(&["y"]);
    term.wait("the client to exit", Duration::from_secs(15), |_| term.dead());

    // The hub returns on the same data and port. The first note had in fact
    // arrived before its answer was lost: the same id is sent once here.
    let hub = Hub::start_on(&data, port, &[]).unwrap();
    let mut other = Client::connect(&hub.url(), &recorder_token).await.unwrap();
    let first = &entries[0];
    let a = other.command_with_id(first["id"].as_str().unwrap(), first["command"].clone()).await.unwrap();
    assert!(is_ack(&a), "{a}");
    other.close().await;

    // The client starts again and sends both ids; the hub applies each once.
    term.respawn(&cmdline);
    term.wait_for("第2桌 记录员");
    term.wait_for("全部已送达");
    let export = export(&data).unwrap();
    let texts: Vec<String> = notes(&export, 1).iter().map(|n| n["text"].as_str().unwrap().to_string()).collect();
    assert_eq!(texts, ["断网时写的：先修下水道", "第二条：垃圾分类亭要有雨棚"], "each note exactly once");
    let (_, left) = outboxes(&state).remove(0);
    assert!(left.is_empty(), "the outbox file empties: {left:?}");
    let s = term.screen();
    assert!(!s.contains("待发送"), "{s}");
    assert!(!s.contains("错误") && !s.contains("未被接受"), "the repeat was answered like the first: {s}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_200_entry_outbox_flushes_without_a_rate_limited_refusal() {
    use sha2::Digest;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let state = dir.path().join("state");
    std::fs::create_dir_all(&state).unwrap();
    let sheet = tokens(&data, 0).unwrap();
    let recorder_token = token(&sheet, &["tables", "1", "recorder"]);
    let hub = Hub::start(&data, &[]).unwrap();
    open_discussion(&hub, &sheet).await;
    // What a recorder wrote during a long Wi-Fi outage, waiting on disk
    // (table-client/src/disk.rs: named by a hash of the token).
    let entries: Vec<Value> = (1..=200)
        .map(|i| {
            serde_json::json!({"id": format!("outage-{i}"), "made_at_ms": i,
                "command": {"kind": "add_note", "table": 2, "tag": "support", "text": format!("断网时第{i}条")}})
        })
        .collect();
    let key = hex::encode(&sha2::Sha256::digest(protocol::normalize_token(&recorder_token).as_bytes())[..8]);
    let file = serde_json::json!({"format": "yuanzhuo-outbox/1", "entries": entries});
    std::fs::write(state.join(format!("outbox-{key}.json")), file.to_string()).unwrap();

    let term = Term::start("flush", &client(&hub.url(), &state, None, &format!("--token {recorder_token}")));
    // Until the hub holds all 200 and the client says everything arrived.
    let until = Instant::now() + Duration::from_secs(120);
    let texts: Vec<String> = loop {
        let texts: Vec<String> =
            notes(&export(&data).unwrap(), 1).iter().map(|n| n["text"].as_str().unwrap().to_string()).collect();
        if texts.len() >= 200 && term.screen().contains("全部已送达") {
            break texts;
        }
        assert!(Instant::now() < until, "{} of 200 arrived within 120 s:\n{}", texts.len(), term.screen());
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    let want: Vec<String> = (1..=200).map(|i| format!("断网时第{i}条")).collect();
    assert_eq!(texts, want, "all 200, once each, in order");
    let health = http::get(hub.port, "/healthz", &[]).await.unwrap().json().unwrap();
    assert_eq!(health["door"]["turned_away"]["rate_limited"], 0, "paced under the hub's limit: {health}");
}

/// The display columns of every border character on each row of `s` (wide
/// characters take two columns, as the terminal draws them).
fn border_columns(line: &str) -> Vec<usize> {
    let mut col = 0;
    let mut out = vec![];
    for c in line.chars() {
        if matches!(c, '│' | '┌' | '┐' | '└' | '┘') {
            out.push(col);
        }
        col += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_and_log_stay_current_after_a_hub_restart_and_dialogs_keep_their_border() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let state = dir.path().join("state");
    let sheet = tokens(&data, 0).unwrap();
    let mut hub = Hub::start(&data, &[]).unwrap();
    let port = hub.port;
    open_discussion(&hub, &sheet).await;
    let term = Term::start("restart", &client(&hub.url(), &state, Some(&token(&sheet, &["tables", "0", "chair"])), ""));
    term.wait_for(" 在线 ");

    // A dialog over the Chinese speakers page: its left and right borders stand
    // in the same columns on every row (no background character bleeds over them).
    term.keys(&["2", "a"]);
    let s = term.wait_for("加入发言队列");
    let lines: Vec<&str> = s.lines().collect();
    let top = lines
        .iter()
        .rposition(|l| l.contains('┌') && l.contains('┐') && !l.starts_with('┌'))
        .unwrap_or_else(|| panic!("a dialog:\n{s}"));
    let edges = border_columns(lines[top]);
    let (left, right) = (edges[0], edges[edges.len() - 1]);
    let mut rows = 0;
    for l in &lines[top + 1..] {
        let cols = border_columns(l);
        assert!(cols.contains(&left) && cols.contains(&right), "borders at {left} and {right}:\n{l}\n\n{s}");
        if l.contains('└') {
            break;
        }
        rows += 1;
    }
    assert!(rows >= 2, "the dialog's rows:\n{s}");
    term.keys(&["Escape"]);

    // The hub shuts down (saying so) and comes back on the same port.
    hub.stop().unwrap();
    term.wait("offline", Duration::from_secs(30), |s| s.contains("离线") || s.contains("连接中"));
    let hub = Hub::start_on(&data, port, &[]).unwrap();
    let s = term.wait_for("已重新连接会场服务器");
    assert!(!s.contains("正在关闭"), "the status line is current after the restart:\n{s}");
    assert!(s.contains(" 在线 "), "{s}");

    // A phase change is said in the status line (and kept in the log).
    let mut org = Client::connect(&hub.url(), &token(&sheet, &["organiser"])).await.unwrap();
    let a = org.command(cmd::advance("picks")).await.unwrap();
    assert!(is_ack(&a), "{a}");
    org.close().await;
    term.wait_for("现在是：各桌推选");
    term.keys(&["m"]);
    let s = term.wait_for("已重新连接会场服务器");
    assert!(s.contains("连接中断") && s.contains("现在是：各桌推选"), "the message log has both:\n{s}");
}
