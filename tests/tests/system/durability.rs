//! A data folder that notices loss and can be repaired (issue 14):
//!
//! - the hub killed mid-vote and its `meeting.sqlite-wal` lost: the restart
//!   is refused (the head record), `hub verify` does not call the short log
//!   intact, and `hub restore` from a scrutineer's witness copy brings every
//!   acknowledged ballot back;
//! - only `meeting.sqlite` copied to another folder: the hub starts, but the
//!   first client that reconnects with the position it saw stops it, and
//!   nothing is served from the short log until it is restored;
//! - one hub per folder; a folder that cannot be written is refused at the
//!   start; `/healthz` is not ok on a full disk (a real small tmpfs, in a
//!   mount namespace of its own); a head shorter than 64 bits is refused.
//!
//! To make the loss certain rather than a matter of timing, a reader (like
//! a long `hub export`) holds a read transaction open during the vote: the
//! WAL cannot be checkpointed past it, so every ballot lives only in the WAL
//! when the hub is killed — the situation the issue found (a WAL of 9–27 MB).

use serde_json::Value;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};
use yuanzhuo_tests::*;

const VOTERS: u32 = 400;

/// A child process killed when dropped.
struct Guard(Child);
impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `hub witness` following `hub` with the first scrutineer's card.
fn witness(hub: &Hub, sheet: &Value, out: &Path) -> Guard {
    let log = std::fs::File::create(out.with_extension("log")).unwrap();
    let child = Command::new(bin("hub"))
        .args(["witness", "--hub", &hub.url(), "--out"])
        .arg(out)
        .env("YZ_TOKEN", token(sheet, &["scrutineers", "0"]))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    Guard(child)
}

/// Another process holding a read transaction open on the database.
fn reader(data: &Path) -> Guard {
    let script = "import sqlite3, sys\n\
                  c = sqlite3.connect(sys.argv[1], isolation_level=None)\n\
                  c.execute('BEGIN')\n\
                  print(c.execute('SELECT COUNT(*) FROM log').fetchone()[0], flush=True)\n\
                  sys.stdin.read()\n";
    let mut child = Command::new("python3")
        .args(["-c", script])
        .arg(data.join("meeting.sqlite"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3");
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap()).read_line(&mut line).unwrap();
    assert!(line.trim().parse::<u64>().is_ok(), "the reader holds a snapshot: {line:?}");
    Guard(child)
}

/// The simulator: straight to the vote, every voter casts, the vote stays open.
fn vote(hub: &Hub, sheet: &Path, receipts: &Path) -> std::process::Output {
    Command::new(bin("simulate"))
        .args(["--hub", &hub.url(), "--phase", "voting-only", "--concurrency", "32", "--seed", "7", "--keep-open"])
        .arg("--tokens")
        .arg(sheet)
        .arg("--receipts")
        .arg(receipts)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// Receipt → choices, from the simulator's receipts file.
fn receipts(path: &Path) -> HashMap<String, Vec<String>> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            let c = v["choices"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_string()).collect();
            (v["receipt"].as_str().unwrap().to_string(), c)
        })
        .collect()
}

fn complete_lines(path: &Path) -> usize {
    std::fs::read_to_string(path).unwrap_or_default().matches('\n').count()
}

fn wait_for(what: &str, limit: Duration, mut cond: impl FnMut() -> bool) {
    let until = Instant::now() + limit;
    while !cond() {
        assert!(Instant::now() < until, "{what}: not within {limit:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn run_hub(args: &[&str]) -> std::process::Output {
    Command::new(bin("hub")).args(args).stdin(Stdio::null()).output().unwrap()
}

fn text(o: &std::process::Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Every acknowledged ballot is in the folder's export, with its choices.
fn every_ballot_is_there(data: &Path, acked: &HashMap<String, Vec<String>>) {
    let export = export(data).unwrap();
    let got: HashMap<String, Vec<String>> = export["ballots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            let c = b["choices"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_string()).collect();
            (b["receipt"].as_str().unwrap().to_string(), c)
        })
        .collect();
    for (receipt, choices) in acked {
        assert_eq!(got.get(receipt), Some(choices), "acknowledged ballot {receipt} missing or changed");
    }
}

/// A meeting voted on with a witness following and a reader holding the
/// WAL back; the hub killed with SIGKILL once the witness has everything.
/// Returns (dir, data, sheet, sheet file, receipts file, witness copy,
/// final log length, the organiser's last seen position, the witness).
struct Voted {
    dir: tempfile::TempDir,
    data: PathBuf,
    sheet: Value,
    sheet_file: PathBuf,
    receipts: PathBuf,
    copy: PathBuf,
    length: u64,
    seen: Value,
    port: u16,
    witness: Guard,
}

async fn vote_and_kill() -> Voted {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let sheet = tokens(&data, VOTERS).unwrap();
    let sheet_file = dir.path().join("tokens.json");
    std::fs::write(&sheet_file, sheet.to_string()).unwrap();
    let mut hub = Hub::start(&data, &[]).unwrap();
    let copy = dir.path().join("witness.jsonl");
    let witness = witness(&hub, &sheet, &copy);
    let held_back = reader(&data);

    let receipts_file = dir.path().join("receipts.jsonl");
    let out = vote(&hub, &sheet_file, &receipts_file);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(receipts(&receipts_file).len(), VOTERS as usize);
    let length = export(&data).unwrap()["log_length"].as_u64().unwrap();
    wait_for("the witness has the whole log", Duration::from_secs(30), || complete_lines(&copy) as u64 == length);
    let org = Client::connect(&hub.url(), &token(&sheet, &["organiser"])).await.unwrap();
    let seen = org.seen.clone().expect("the hub tags what it shows");
    assert_eq!(seen["seq"], length);
    org.close().await;

    hub.kill9();
    drop(held_back);
    // The database file alone (copied aside, without its WAL) is short of
    // the ballots: they are in the WAL only. (The WAL's size says nothing:
    // the hub makes room in it before serving.)
    let alone = dir.path().join("database-alone");
    std::fs::create_dir_all(&alone).unwrap();
    std::fs::copy(data.join("meeting.sqlite"), alone.join("meeting.sqlite")).unwrap();
    let count = Command::new("python3")
        .args(["-c", "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT COUNT(*) FROM log').fetchone()[0])"])
        .arg(alone.join("meeting.sqlite"))
        .output()
        .expect("python3");
    let in_file: u64 = String::from_utf8_lossy(&count.stdout).trim().parse().expect("a count");
    assert!(
        in_file + u64::from(VOTERS) <= length,
        "the ballots are in the WAL only ({in_file} of {length} entries in the file)"
    );
    Voted { port: hub.port, dir, data, sheet, sheet_file, receipts: receipts_file, copy, length, seen, witness }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_wal_is_refused_and_restored_from_a_witness_copy() {
    let v = vote_and_kill().await;
    let acked = receipts(&v.receipts);
    for f in ["meeting.sqlite-wal", "meeting.sqlite-shm"] {
        let _ = std::fs::remove_file(v.data.join(f));
    }

    // The restart is refused, in plain words, and says what to do.
    let refused = Hub::start_on(&v.data, v.port, &[]).err().expect("a shortened log is not served").to_string();
    assert!(refused.contains("acknowledged entries are missing"), "{refused}");
    assert!(refused.contains("已确认的记录丢失了") && refused.contains("hub restore --from"), "{refused}");
    // `hub verify` and the exports do not call it intact either.
    let verify = run_hub(&["verify", "--data", s(&v.data)]);
    assert!(!verify.status.success() && text(&verify).contains("the log is not whole"), "{}", text(&verify));
    let short = v.dir.path().join("short.sqlite");
    let backup = run_hub(&["backup", "--data", s(&v.data), "--out", s(&short)]);
    assert!(!backup.status.success() && text(&backup).contains("not whole"), "{}", text(&backup));
    assert!(!short.exists(), "no backup of a short log is left behind");

    // The witness copy brings every acknowledged ballot back.
    let restored = run_hub(&["restore", "--from", s(&v.copy), "--data", s(&v.data)]);
    assert!(restored.status.success(), "{}", text(&restored));
    assert!(text(&restored).contains(&format!("the log now has {} entries", v.length)), "{}", text(&restored));
    let verify = hub_cmd(&["verify", "--data", s(&v.data)]).unwrap();
    assert!(verify.contains("log intact") && verify.contains(&format!("{VOTERS} ballots")), "{verify}");
    // Chinese first: the Chinese half says the same figures.
    assert!(verify.contains(&format!("计入选票 {VOTERS} 张")), "{verify}");
    every_ballot_is_there(&v.data, &acked);

    // It serves again; a client that saw the last entry before the kill is welcome.
    let hub = Hub::start_on(&v.data, v.port, &[]).unwrap();
    let mut org =
        Client::connect_seen(&hub.url(), &token(&v.sheet, &["organiser"]), Some(v.seen.clone())).await.unwrap();
    assert_eq!(org.snapshot().seq, v.length);
    // The vote closes; the witness, reconnected by itself, follows, and its
    // copy is the log, line for line.
    let a = org.command(cmd::advance("counted")).await.unwrap();
    assert!(is_ack(&a), "{a}");
    let log = hub_cmd(&["export", "--data", s(&v.data), "--format", "log"]).unwrap();
    let n = log.lines().count();
    wait_for("the witness follows the restarted hub", Duration::from_secs(30), || complete_lines(&v.copy) == n);
    let copy = std::fs::read_to_string(&v.copy).unwrap();
    for (a, b) in copy.lines().zip(log.lines()) {
        assert_eq!(serde_json::from_str::<Value>(a).unwrap(), serde_json::from_str::<Value>(b).unwrap());
    }
    drop(v.witness);
    drop(v.dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_copied_alone_is_stopped_by_the_first_client_that_saw_more() {
    let v = vote_and_kill().await;
    let acked = receipts(&v.receipts);
    // Only meeting.sqlite goes to the other laptop.
    let moved = v.dir.path().join("moved");
    std::fs::create_dir_all(&moved).unwrap();
    std::fs::copy(v.data.join("meeting.sqlite"), moved.join("meeting.sqlite")).unwrap();

    // Nothing in the folder says it is short: the hub starts, and warns.
    let mut hub = Hub::start(&moved, &[]).unwrap();
    let log = std::fs::read_to_string(moved.with_extension("hub.log")).unwrap();
    assert!(log.contains("no head record"), "{log}");

    // The simulator comes back with the position it was shown last: the hub stops.
    let again = vote(&hub, &v.sheet_file, &v.receipts);
    assert!(!again.status.success(), "{}", text(&again));
    assert!(text(&again).contains("log_behind"), "{}", text(&again));
    // From then on nothing is served from the short log, to anyone, and /healthz says why.
    let org = Client::connect(&hub.url(), &token(&v.sheet, &["organiser"])).await.err().unwrap().to_string();
    assert!(org.contains("log_behind") && org.contains("log ends at entry"), "{org}");
    let health = http::get(hub.port, "/healthz", &[]).await.unwrap();
    assert_eq!(health.status, 503);
    let h: Value = serde_json::from_slice(&health.body).unwrap();
    assert_eq!(h["ok"], false);
    let en = h["halted"]["en"].as_str().unwrap();
    assert!(en.contains("acknowledged entries are missing") && en.contains("hub restore"), "{h}");
    assert!(h["halted"]["zh"].as_str().unwrap().contains("已确认的记录丢失了"), "{h}");
    let board = http::get(hub.port, "/api/board", &[]).await.unwrap();
    assert_eq!(board.status, 503);
    let stderr = std::fs::read_to_string(moved.with_extension("hub.log")).unwrap();
    assert!(stderr.contains("has seen entry") && stderr.contains("日志"), "{stderr}");
    hub.stop().unwrap();

    // Restored from the witness copy, it serves the whole log, and the
    // simulator's voters get their own receipts back.
    let restored = run_hub(&["restore", "--from", s(&v.copy), "--data", s(&moved)]);
    assert!(restored.status.success(), "{}", text(&restored));
    let verify = hub_cmd(&["verify", "--data", s(&moved)]).unwrap();
    assert!(verify.contains("log intact") && verify.contains(&format!("{VOTERS} ballots")), "{verify}");
    every_ballot_is_there(&moved, &acked);
    let hub = Hub::start(&moved, &[]).unwrap();
    let second = v.dir.path().join("receipts-2.jsonl");
    std::fs::copy(&v.receipts, &second).unwrap();
    let out = vote(&hub, &v.sheet_file, &second);
    assert!(out.status.success(), "{}", text(&out));
    let all = std::fs::read_to_string(&second).unwrap();
    let answered: Vec<&str> = all.lines().skip(VOTERS as usize).collect();
    assert_eq!(answered.len(), VOTERS as usize);
    for line in answered {
        let l: Value = serde_json::from_str(line).unwrap();
        let choices: Vec<String> = serde_json::from_value(l["choices"].clone()).unwrap();
        assert_eq!(acked.get(l["receipt"].as_str().unwrap()), Some(&choices), "the same receipt, the same ballot");
    }
    drop(v.witness);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_hub_per_data_folder_and_reading_commands_work_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    tokens(&data, 5).unwrap();
    let hub = Hub::start(&data, &[]).unwrap();

    let second = run_hub(&["serve", "--data", s(&data), "--bind", "127.0.0.1:0"]);
    assert!(!second.status.success());
    let said = text(&second);
    let pid = hub.child.id();
    assert!(said.contains(&format!("pid {pid}, http://127.0.0.1:{}", hub.port)), "{said}");
    assert!(said.contains("one hub per data folder") && said.contains("一个会场服务器"), "{said}");
    let lock = std::fs::read_to_string(data.join("meeting.lock")).unwrap();
    let lock: Value = serde_json::from_str(&lock).unwrap();
    assert_eq!(lock["pid"], pid);
    assert_eq!(lock["address"], format!("http://127.0.0.1:{}", hub.port));

    // Reading commands work beside the running hub.
    assert!(hub_cmd(&["verify", "--data", s(&data)]).unwrap().contains("log intact"));
    assert!(hub_cmd(&["export", "--data", s(&data), "--format", "log"]).unwrap().lines().count() >= 1);
    assert!(hub_cmd(&["tokens", "--data", s(&data), "--format", "json"]).unwrap().contains("organiser"));
    // A backup while it serves; restored into a new folder it is the same meeting, cards and all.
    let backup = dir.path().join("backup.sqlite");
    let b = hub_cmd(&["backup", "--data", s(&data), "--out", s(&backup)]).unwrap();
    assert!(b.contains("backed up"), "{b}");
    let refused = run_hub(&["restore", "--from", s(&backup), "--data", s(&data)]);
    assert!(!refused.status.success() && text(&refused).contains("one hub per data folder"), "{}", text(&refused));
    let other = dir.path().join("other");
    let r = hub_cmd(&["restore", "--from", s(&backup), "--data", s(&other)]).unwrap();
    assert!(r.contains("restored from the backup"), "{r}");
    let head = |d: &Path| hub_cmd(&["verify", "--data", s(d)]).unwrap().lines().nth(1).unwrap().to_string();
    assert_eq!(head(&other), head(&data));
    let t = |d: &Path| {
        serde_json::from_str::<Value>(&hub_cmd(&["tokens", "--data", s(d), "--format", "json"]).unwrap()).unwrap()
    };
    assert_eq!(token(&t(&other), &["organiser"]), token(&t(&data), &["organiser"]));
}

// ------------------------------------------------------------ disks

/// Run `script` as root of a mount namespace of its own (a real root needs
/// nothing more; anyone else gets one through a user namespace), so that
/// its mounts are real and vanish with it. Lines go in on stdin and come
/// back on stdout.
struct Namespace {
    child: Guard,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
}

impl Namespace {
    fn start(script: &str, env: &[(&str, &str)]) -> Namespace {
        let root = Command::new("id").arg("-u").output().map(|o| o.stdout == b"0\n").unwrap_or(false);
        let mut cmd = Command::new("unshare");
        if !root {
            cmd.args(["--user", "--map-root-user"]);
        }
        // A pid namespace too: when the test ends (or fails) and kills `unshare`, everything started
        // inside (the hub) goes with it.
        cmd.args(["--mount", "--propagation", "private", "--pid", "--fork", "--kill-child", "sh", "-ec", script]);
        cmd.envs(env.iter().copied()).stdin(Stdio::piped()).stdout(Stdio::piped());
        let mut child = cmd.spawn().expect("unshare");
        let input = child.stdin.take().unwrap();
        let output = BufReader::new(child.stdout.take().unwrap());
        Namespace { child: Guard(child), input, output }
    }

    /// Send a line, wait for the script's answer line.
    fn say(&mut self, line: &str) -> String {
        writeln!(self.input, "{line}").unwrap();
        self.input.flush().unwrap();
        self.answer()
    }

    fn answer(&mut self) -> String {
        let mut out = String::new();
        self.output.read_line(&mut out).unwrap();
        out.trim().to_string()
    }
}

#[test]
fn a_folder_that_cannot_be_written_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    tokens(&data, 3).unwrap();
    let view = dir.path().join("view");
    std::fs::create_dir_all(&view).unwrap();
    let log = dir.path().join("hub.log");
    let script = r#"
        mount --bind "$SRC" "$MNT"
        mount -o remount,bind,ro "$MNT"
        if "$HUB" serve --data "$MNT" --bind 127.0.0.1:0 >/dev/null 2>"$LOG"; then echo served; else echo "refused $?"; fi
    "#;
    let hub = bin("hub");
    let mut ns = Namespace::start(script, &[("SRC", s(&data)), ("MNT", s(&view)), ("HUB", s(&hub)), ("LOG", s(&log))]);
    let said = ns.answer();
    assert_eq!(said, "refused 1", "{}", std::fs::read_to_string(&log).unwrap_or_default());
    let log = std::fs::read_to_string(&log).unwrap();
    assert!(log.contains("cannot be written (the disk is read-only") && log.contains("磁盘是只读的"), "{log}");
    drop(ns.child);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_is_not_ok_on_a_full_disk_and_a_failed_commit_is_said() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let sheet = tokens(&data, 200).unwrap();
    let mnt = dir.path().join("small-disk");
    std::fs::create_dir_all(&mnt).unwrap();
    let log = dir.path().join("hub.log");
    let port = free_port();
    let script = r#"
        mount -t tmpfs -o size=6m tmpfs "$MNT"
        cp -a "$SRC"/. "$MNT"/
        "$HUB" serve --data "$MNT" --bind "127.0.0.1:$PORT" >/dev/null 2>"$LOG" &
        HUB_PID=$!
        echo started
        while read -r cmd; do
            case "$cmd" in
                fill) cat /dev/zero > "$MNT/filler" 2>/dev/null || true; echo filled ;;
                free) rm -f "$MNT/filler"; echo freed ;;
            esac
        done
        kill $HUB_PID
        wait $HUB_PID || true
    "#;
    let hub = bin("hub");
    let port_s = port.to_string();
    let mut ns = Namespace::start(
        script,
        &[("SRC", s(&data)), ("MNT", s(&mnt)), ("HUB", s(&hub)), ("LOG", s(&log)), ("PORT", &port_s)],
    );
    assert_eq!(ns.answer(), "started");
    wait_for("the hub listens", Duration::from_secs(20), || std::net::TcpStream::connect(("127.0.0.1", port)).is_ok());
    let health = || async { http::get(port, "/healthz", &[]).await.unwrap() };
    assert_eq!(health().await.status, 200);

    let url = format!("ws://127.0.0.1:{port}/ws");
    let mut org = Client::connect(&url, &token(&sheet, &["organiser"])).await.unwrap();
    for to in ["check_in", "discussion", "picks", "pitches", "voting"] {
        assert!(is_ack(&org.command(cmd::advance(to)).await.unwrap()));
    }

    assert_eq!(ns.say("fill"), "filled");
    let full = health().await;
    assert_eq!(full.status, 503);
    let h: Value = serde_json::from_slice(&full.body).unwrap();
    assert_eq!(h["ok"], false);
    assert_eq!(h["storage"]["ok"], false);
    assert_eq!(h["storage"]["en"], "the disk is full", "{h}");
    assert!(h["storage"]["free_bytes"].as_u64().unwrap() < 1 << 20, "{h}");

    // Ballots until the log cannot grow: the voter is told "not saved, try again".
    let voters = voter_tokens(&sheet);
    let mut failed = None;
    for t in &voters {
        let mut v = Client::connect(&url, t).await.unwrap();
        let id = v.fresh_id();
        let a = v.command_with_id(&id, cmd::ballot(&["P01"])).await.unwrap();
        if error_code(&a) == "storage_failed" {
            failed = Some((v, id));
            break;
        }
        assert!(is_ack(&a), "{a}");
    }
    let (mut v, id) = failed.expect("a full disk fails a commit");
    let h: Value = serde_json::from_slice(&health().await.body).unwrap();
    assert!(h["storage"]["last_error"].as_str().is_some_and(|e| !e.is_empty()), "{h}");

    // Space again: the same ballot goes through, and /healthz is ok again.
    assert_eq!(ns.say("free"), "freed");
    let a = v.command_with_id(&id, cmd::ballot(&["P01"])).await.unwrap();
    assert!(is_ack(&a), "{a}");
    let again = health().await;
    assert_eq!(again.status, 200, "{}", String::from_utf8_lossy(&again.body));
    drop(org);
    drop(ns.input);
    let _ = ns.child.0.wait();
}

#[test]
fn a_head_shorter_than_64_bits_is_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    tokens(&data, 3).unwrap();
    let verified = hub_cmd(&["verify", "--data", s(&data)]).unwrap();
    let head = verified.lines().find_map(|l| l.strip_prefix("head ")).unwrap().to_string();
    // Eight digits match the head, and are still refused: they can be forged.
    let short = run_hub(&["verify", "--data", s(&data), "--head", &head[..8]]);
    assert!(!short.status.success());
    assert!(text(&short).contains("at least 16 hex digits") && text(&short).contains("forged"), "{}", text(&short));
    // Sixteen, grouped as the screens show them, are taken.
    let grouped =
        head.as_bytes()[..16].chunks(4).map(|c| std::str::from_utf8(c).unwrap()).collect::<Vec<_>>().join(" ");
    let ok = hub_cmd(&["verify", "--data", s(&data), "--head", &grouped]).unwrap();
    assert!(ok.contains("0 entries follow"), "{ok}");
    // The independent recount refuses a short head too.
    let log_file = dir.path().join("log.jsonl");
    std::fs::write(&log_file, hub_cmd(&["export", "--data", s(&data), "--format", "log"]).unwrap()).unwrap();
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts/verify-count");
    let out = Command::new("python3").arg(&script).arg(&log_file).args(["--head", &head[..8]]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("at least 16 hex digits"), "{}", text(&out));
    let out = Command::new("python3").arg(&script).arg(&log_file).args(["--head", &grouped]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
}
