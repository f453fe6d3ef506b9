//! `scripts/verify-count` (the independent recount: Python standard library
//! only, written from docs/verification.md) against the real hub: it agrees
//! with a simulated meeting with phone and paper ballots, it agrees with
//! every test vector in `tests/vectors/`, and it catches and names each kind
//! of tampering with the log or the export.
//!
//! The vectors are made by the real hub and simulator; to make them again:
//!
//!   cargo test --release -p yuanzhuo-tests --test system make_test_vectors -- --ignored
//!
//! (then review `git diff tests/vectors`: every hash changes, since the log
//! records the hub's clock).

use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use yuanzhuo_tests::*;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace").to_path_buf()
}

fn vectors_dir() -> PathBuf {
    repo().join("tests/vectors")
}

/// What one run of verify-count said.
struct Said {
    ok: bool,
    out: String,
}

impl Said {
    /// The text after `key: ` on the report line that has it (the English half).
    fn value(&self, key: &str) -> Option<String> {
        let tag = format!("/ {key}: ");
        self.out.lines().find_map(|l| l.split_once(&tag).map(|(_, v)| v.trim().to_string()))
    }

    fn funded(&self) -> Vec<String> {
        self.value("funded")
            .map(|v| v.split_whitespace().filter(|s| *s != "—").map(String::from).collect())
            .unwrap_or_default()
    }
}

fn verify_count(args: &[&Path], stdin: Option<&str>) -> Said {
    let mut cmd = Command::new("python3");
    cmd.arg(repo().join("scripts/verify-count")).args(args);
    cmd.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("python3 runs");
    if let Some(text) = stdin {
        child.stdin.take().expect("stdin").write_all(text.as_bytes()).expect("write stdin");
    }
    let out = child.wait_with_output().expect("verify-count finishes");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    Said { ok: out.status.success(), out: text }
}

fn export_log(data: &Path) -> String {
    hub_cmd(&["export", "--data", data.to_str().expect("path"), "--format", "log"]).expect("export log")
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().map(|a| a.iter().filter_map(|x| x.as_str().map(String::from)).collect()).unwrap_or_default()
}

// ------------------------------------------------------------ tampering

fn lines(log: &str) -> Vec<String> {
    log.lines().map(String::from).collect()
}

fn join(lines: &[String]) -> String {
    let mut s = lines.join("\n");
    s.push('\n');
    s
}

fn line_value(line: &str) -> Value {
    serde_json::from_str(line).expect("log line is JSON")
}

/// Change one byte of entry `seq`'s body (the last digit of its clock), leaving its hash as it was.
fn change_body_byte(log: &str, seq: usize) -> String {
    let mut ls = lines(log);
    let mut v = line_value(&ls[seq - 1]);
    assert_eq!(v["seq"], seq);
    let body = v["body"].as_str().expect("body").to_string();
    let at = body.find("\"at_ms\":").expect("at_ms") + "\"at_ms\":".len();
    let end = at + body[at..].find(',').expect("comma");
    let mut bytes = body.into_bytes();
    let d = bytes[end - 1];
    bytes[end - 1] = if d == b'9' { b'0' } else { d + 1 };
    v["body"] = Value::String(String::from_utf8(bytes).expect("utf8"));
    ls[seq - 1] = v.to_string();
    join(&ls)
}

fn delete_line(log: &str, seq: usize) -> String {
    let mut ls = lines(log);
    ls.remove(seq - 1);
    join(&ls)
}

fn swap_lines(log: &str, seq: usize) -> String {
    let mut ls = lines(log);
    ls.swap(seq - 1, seq);
    join(&ls)
}

/// Replace entry `seq`'s recorded hash by another (its body untouched).
fn change_hash_field(log: &str, seq: usize) -> String {
    let mut ls = lines(log);
    let mut v = line_value(&ls[seq - 1]);
    let h = v["hash"].as_str().expect("hash");
    let first = if h.starts_with('0') { "1" } else { "0" };
    v["hash"] = Value::String(format!("{first}{}", &h[1..]));
    ls[seq - 1] = v.to_string();
    join(&ls)
}

/// The kinds of tampering each test applies, with what verify-count must then say.
fn tamperings(log: &str, seq: usize) -> Vec<(&'static str, String, String)> {
    vec![
        ("body-changed", change_body_byte(log, seq), format!("entry {seq}: hash mismatch (the body was changed)")),
        ("deleted-line", delete_line(log, seq), format!("entry {seq} is missing")),
        ("swapped-lines", swap_lines(log, seq), format!("entry {seq} is out of order")),
        (
            "hash-changed",
            change_hash_field(log, seq),
            format!("entry {seq}: hash mismatch (the hash field was changed"),
        ),
    ]
}

// ------------------------------------------------------------ the tests

#[test]
fn verify_count_agrees_with_a_simulated_meeting_and_names_every_change() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let sheet = tokens(&data, 30).unwrap();
    let sheet_file = dir.path().join("tokens.json");
    std::fs::write(&sheet_file, sheet.to_string()).unwrap();
    let hub = Hub::start(&data, &[]).unwrap();
    let out = Command::new(bin("simulate"))
        .args(["--hub", &hub.url(), "--seed", "5", "--paper", "30"])
        .arg("--tokens")
        .arg(&sheet_file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    drop(hub);

    let log = export_log(&data);
    let log_file = dir.path().join("log.jsonl");
    std::fs::write(&log_file, &log).unwrap();
    let export = export(&data).unwrap();
    let export_file = dir.path().join("export.json");
    std::fs::write(&export_file, export.to_string()).unwrap();

    // Log and export: everything agrees, and the report says what the hub said.
    let said = verify_count(&[&log_file, &export_file], None);
    assert!(said.ok, "verify-count disagrees with the hub:\n{}", said.out);
    assert_eq!(said.value("head").as_deref(), export["log_head"].as_str(), "{}", said.out);
    assert_eq!(said.funded(), strings(&export["results"]["funded"]), "{}", said.out);
    let total = format!("total {} of budget {}", export["results"]["total_cost"], export["results"]["budget"]);
    assert!(said.out.contains(&total), "{total}: {}", said.out);
    let void = export["turnout"]["void"].as_u64().unwrap();
    assert!(void > 0, "the simulator spoils a few paper ballots");
    assert!(said.out.contains(&format!("30 by phone, 30 on paper ({void} void)")), "{}", said.out);
    assert!(said.out.contains(&format!("log: {} entries checked", export["log_length"])), "{}", said.out);
    // The log alone, from standard input.
    let said = verify_count(&[Path::new("-")], Some(&log));
    assert!(said.ok && said.value("head").as_deref() == export["log_head"].as_str(), "{}", said.out);

    // Each change to the log is caught and named: a ballot entry in the middle.
    let seq = log.lines().position(|l| l.contains("ballot_cast")).unwrap() + 5;
    for (what, bad, must) in tamperings(&log, seq) {
        let f = dir.path().join(format!("{what}.jsonl"));
        std::fs::write(&f, bad).unwrap();
        let said = verify_count(&[&f], None);
        assert!(!said.ok, "{what}: not caught:\n{}", said.out);
        assert!(said.out.contains(&must), "{what}: expected {must:?}:\n{}", said.out);
    }

    // Each change to the export is caught and named.
    let phone = export["ballots"].as_array().unwrap().iter().find(|b| b["method"] == "phone").unwrap().clone();
    let ballot_seq = phone["seq"].as_u64().unwrap();
    let funded_at = export["results"]["ranking"].as_array().unwrap().iter().position(|r| r["funded"] == true).unwrap();
    let first_funded = export["results"]["funded"][0].as_str().unwrap().to_string();
    type Change = Box<dyn Fn(&mut Value)>;
    let changes: Vec<(&str, Change, String)> = vec![
        (
            "receipt",
            Box::new(|x: &mut Value| {
                let r = x["ballots"][0]["receipt"].as_str().unwrap().to_string();
                let swapped = match r.strip_prefix('Z') {
                    Some(rest) => format!("Y{rest}"),
                    None => format!("Z{}", &r[1..]),
                };
                x["ballots"][0]["receipt"] = json!(swapped);
            }),
            format!("entry {ballot_seq}: receipt"),
        ),
        (
            "choices",
            Box::new(|x: &mut Value| {
                x["ballots"][0]["choices"].as_array_mut().unwrap().pop();
            }),
            format!("entry {ballot_seq}: ballot"),
        ),
        (
            "tally",
            Box::new(move |x: &mut Value| {
                let n = x["tally"][&first_funded].as_u64().unwrap();
                x["tally"][&first_funded] = json!(n + 1);
            }),
            format!("tally differs for {}", export["results"]["funded"][0].as_str().unwrap()),
        ),
        (
            "results",
            Box::new(move |x: &mut Value| {
                x["results"]["ranking"][funded_at]["funded"] = json!(false);
            }),
            format!("results differ at position {}", funded_at + 1),
        ),
    ];
    assert_eq!(export["ballots"][0]["seq"], phone["seq"], "the export lists the phone ballots first");
    for (what, change, must) in changes {
        let mut x = export.clone();
        change(&mut x);
        let f = dir.path().join(format!("export-{what}.json"));
        std::fs::write(&f, x.to_string()).unwrap();
        let said = verify_count(&[&log_file, &f], None);
        assert!(!said.ok, "export {what}: not caught:\n{}", said.out);
        assert!(said.out.contains(&must), "export {what}: expected {must:?}:\n{}", said.out);
    }
}

/// Greedy (skip) over an export's ranking: what an implementation that
/// ignored `equal_shares` would fund.
fn greedy_skip(export: &Value) -> Vec<String> {
    let mut left = export["results"]["budget"].as_u64().unwrap();
    let mut funded = vec![];
    for r in export["results"]["ranking"].as_array().unwrap() {
        let eligible = r["votes"].as_u64().unwrap() > 0 && r["unfunded_reason"] != "excluded";
        let cost = r["cost"].as_u64().unwrap();
        if eligible && cost <= left {
            left -= cost;
            funded.push(r["proposal"].as_str().unwrap().to_string());
        }
    }
    funded
}

/// verify-count finds decisive ties the fast way (one run of equal shares,
/// second runs only where §7 allows no shortcut); its self-test holds that
/// to §7 by the letter (every tie member moved and everything counted again)
/// on 3,000 random meetings made to tie.
#[test]
fn verify_count_counts_ties_as_section_7_defines_them() {
    let said = verify_count(&[Path::new("--self-test")], None);
    assert!(said.ok && said.out.contains("self-test: the count agrees"), "{}", said.out);
}

#[test]
fn verify_count_agrees_with_every_test_vector() {
    let root = vectors_dir();
    let mut seen = vec![];
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("tests/vectors")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let expected: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).expect("expected.json"))
                .expect("expected.json is JSON");
        if let Some(cases) = expected["tampered"].as_array() {
            for case in cases {
                let f = dir.join(case["file"].as_str().unwrap());
                let said = match case["head"].as_str() {
                    Some(h) => verify_count(&[&f, Path::new("--head"), Path::new(h)], None),
                    None => verify_count(&[&f], None),
                };
                assert!(!said.ok, "{name}/{}: not caught:\n{}", case["file"], said.out);
                let must = case["names"].as_str().unwrap();
                assert!(said.out.contains(must), "{name}/{}: expected {must:?}:\n{}", case["file"], said.out);
            }
            seen.push(name);
            continue;
        }
        let said = verify_count(&[&dir.join("log.jsonl"), &dir.join("export.json")], None);
        assert!(said.ok, "{name}: verify-count disagrees:\n{}", said.out);
        assert_eq!(said.value("head").as_deref(), expected["head"].as_str(), "{name}: {}", said.out);
        assert!(said.out.contains(&format!("log: {} entries checked", expected["entries"])), "{name}: {}", said.out);
        let b = &expected["ballots"];
        let line = format!(
            "{} by phone, {} on paper ({} void), {} stickers; {} count",
            b["phone"], b["paper"], b["void"], b["stickers"], b["counting"]
        );
        assert!(said.out.contains(&line), "{name}: expected {line:?}: {}", said.out);
        if expected["funded"].is_array() {
            assert_eq!(said.funded(), strings(&expected["funded"]), "{name}: {}", said.out);
            let total = format!("total {} of budget {}", expected["total_cost"], expected["budget"]);
            assert!(said.out.contains(&total), "{name}: {total}: {}", said.out);
        } else {
            assert!(said.out.contains("the vote is not closed"), "{name}: {}", said.out);
        }
        if let Some(es) = expected.get("equal_shares").filter(|e| e.is_object()) {
            let export: Value =
                serde_json::from_str(&std::fs::read_to_string(dir.join("export.json")).unwrap()).unwrap();
            assert_ne!(
                strings(&expected["funded"]),
                greedy_skip(&export),
                "{name}: equal shares must differ from greedy here"
            );
            let line = format!("equal shares: {} voters with {} each", es["voters"], es["share"].as_str().unwrap());
            assert!(said.out.contains(&line), "{name}: {line}: {}", said.out);
        }
        seen.push(name);
    }
    let readme = std::fs::read_to_string(root.join("README.md")).expect("tests/vectors/README.md");
    assert!(
        readme.contains(&outcomes_table(&root)),
        "the README's table of outcomes is not up to date with the vectors"
    );
    for must in [
        "desk",
        "equal-shares",
        "equal-shares-uneven",
        "lot-greedy-stop",
        "open-vote",
        "phone-greedy-skip",
        "simulated-paper",
        "tampered",
    ] {
        assert!(seen.iter().any(|s| s == must), "vector {must} is missing: {seen:?}");
    }
}

// ------------------------------------------------------------ making the vectors

async fn ok(c: &mut Client, command: Value) -> Value {
    let a = c.command(command.clone()).await.expect("answer");
    assert!(is_ack(&a), "{command} was refused: {a}");
    a
}

async fn refused(c: &mut Client, command: Value, code: &str) {
    let a = c.command(command.clone()).await.expect("answer");
    assert_eq!(error_code(&a), code, "{command} → {a}");
}

/// One small meeting being played for a vector.
struct Room {
    url: String,
    sheet: Value,
    org: Client,
    voter: usize,
}

impl Room {
    async fn open(hub: &Hub, sheet: &Value) -> Room {
        let mut org = Client::connect(&hub.url(), &token(sheet, &["organiser"])).await.expect("organiser");
        ok(&mut org, cmd::open()).await;
        ok(&mut org, cmd::advance("discussion")).await;
        Room { url: hub.url(), sheet: sheet.clone(), org, voter: 0 }
    }

    async fn client(&self, path: &[&str]) -> Client {
        Client::connect(&self.url, &token(&self.sheet, path)).await.expect("connect")
    }

    async fn annotate(&mut self, proposal: &str, feasibility: &str, rule: Option<u8>) {
        let mut a = self.client(&["adviser_all"]).await;
        let mut c = json!({"kind":"annotate","proposal":proposal,"feasibility":feasibility,"reason":"","remark":""});
        if let Some(r) = rule {
            c["exclusion_rule"] = json!(r);
            c["reason"] = json!("超出预算");
        }
        ok(&mut a, c).await;
    }

    async fn advance_to_voting(&mut self) {
        for p in ["picks", "pitches", "voting"] {
            ok(&mut self.org, cmd::advance(p)).await;
        }
    }

    async fn vote(&mut self, choices: &[&str]) {
        let t = voter_tokens(&self.sheet)[self.voter].clone();
        self.voter += 1;
        let mut v = Client::connect(&self.url, &t).await.expect("voter");
        ok(&mut v, cmd::ballot(choices)).await;
        v.close().await;
    }

    async fn counter(&self, i: usize) -> Client {
        self.client(&["counters", &i.to_string()]).await
    }

    async fn close(&mut self, publish: bool) {
        ok(&mut self.org, cmd::advance("counted")).await;
        if publish {
            ok(&mut self.org, cmd::advance("published")).await;
        }
    }
}

fn key(batch: u32, number: &str, marks: &[&str]) -> Value {
    json!({"kind":"key_paper","batch":batch,"number":number,"marks":marks})
}

fn finish(batch: u32) -> Value {
    json!({"kind":"finish_paper","batch":batch})
}

fn sheets(batch: u32, n: u32) -> Value {
    json!({"kind":"declare_sheets","batch":batch,"sheets":n})
}

fn board(board: u32, counts: Value) -> Value {
    json!({"kind":"key_board","board":board,"counts":counts})
}

/// Phone ballots only, greedy_skip, lower_cost: an excluded proposal with
/// votes, one that does not fit while a cheaper one below it does, ties.
async fn phone_greedy_skip(room: &mut Room) {
    room.annotate("P8", "excluded", Some(7)).await;
    room.annotate("P3", "doubtful", None).await;
    room.advance_to_voting().await;
    for b in [
        ["P1", "P8", "P3"],
        ["P1", "P8", "P2"],
        ["P1", "P8", "P3"],
        ["P1", "P8", "P2"],
        ["P1", "P8", "P5"],
        ["P1", "P8", "P6"],
        ["P1", "P3", "P2"],
        ["P3", "P2", "P5"],
        ["P3", "P2", "P6"],
        ["P5", "P6", "P7"],
    ] {
        room.vote(&b).await;
    }
    room.vote(&["P7"]).await;
    room.close(true).await;
}

/// tie_break = "lot", greedy_stop: three proposals level at the top, two below.
async fn lot_greedy_stop(room: &mut Room) {
    room.advance_to_voting().await;
    // A running timer: the close clears it first, so the seed is the prev of that entry.
    ok(&mut room.org, json!({"kind":"start_timer","label":"投票","minutes":10})).await;
    for b in
        [["A1", "A2"], ["A1", "A3"], ["A2", "A3"], ["A1", "A2"], ["A1", "A3"], ["A2", "A3"], ["A4", "A5"], ["A5", "A4"]]
    {
        room.vote(&b).await;
    }
    room.vote(&["A6"]).await;
    room.close(true).await;
}

/// allocation = "equal_shares": seven voters agree on E1–E3, four others want
/// E4/E5; greedy would give the seven the whole budget. A paper batch adds a
/// valid ballot (for E5 and E6, which costs nothing) and a void one.
async fn equal_shares(room: &mut Room) {
    room.advance_to_voting().await;
    for _ in 0..7 {
        room.vote(&["E1", "E2", "E3"]).await;
    }
    for _ in 0..3 {
        room.vote(&["E4", "E5"]).await;
    }
    let mut c1 = room.counter(0).await;
    let mut c2 = room.counter(1).await;
    for c in [&mut c1, &mut c2] {
        ok(c, key(1, "001", &["E5", "E6"])).await;
        ok(c, key(1, "002", &["E1", "E2", "E3", "E4"])).await;
        ok(c, finish(1)).await;
    }
    refused(&mut c1, board(1, json!({"E1": 3})), "boards_not_allowed").await;
    let mut s = room.client(&["observers", "0"]).await;
    ok(&mut s, sheets(1, 2)).await;
    room.close(false).await;
}

/// Equal shares where voters' money runs unevenly: a proposal is bought with
/// some supporters paying all they have left and the others the rest.
async fn equal_shares_uneven(room: &mut Room) {
    room.advance_to_voting().await;
    for b in [
        vec!["E2", "E3", "E4"],
        vec!["E1"],
        vec!["E2", "E3"],
        vec!["E1", "E2", "E4"],
        vec!["E5"],
        vec!["E1"],
        vec!["E1", "E2", "E5"],
        vec!["E3", "E4", "E5"],
        vec!["E1", "E2", "E4"],
        vec!["E2", "E4", "E5"],
        vec!["E1", "E4", "E5"],
        vec!["E2", "E3", "E4"],
    ] {
        room.vote(&b).await;
    }
    let mut c1 = room.counter(0).await;
    let mut c2 = room.counter(1).await;
    for c in [&mut c1, &mut c2] {
        ok(c, key(1, "1", &["E5", "E6"])).await;
        ok(c, key(1, "2", &["E5", "E5"])).await;
        ok(c, finish(1)).await;
    }
    let mut s = room.client(&["observers", "0"]).await;
    ok(&mut s, sheets(1, 2)).await;
    room.close(true).await;
}

/// The counting desk: every kind of void ballot, a copy corrected after a
/// dispute (marks differ, a ballot only in one copy), a removed entry, marks
/// keyed in another order, a ballot number refused in a second batch, a
/// recount of sheets, sticker boards (one disputed, then agreed).
async fn desk(room: &mut Room) {
    room.advance_to_voting().await;
    for b in [vec!["P1", "P2"], vec!["P3"], vec!["P2", "P4", "P6"], vec!["P5", "P1"]] {
        room.vote(&b).await;
    }
    let mut c1 = room.counter(0).await;
    let mut c2 = room.counter(1).await;
    let mut c3 = room.counter(2).await;
    let mut c4 = room.counter(3).await;
    let mut scrutineer = room.client(&["observers", "0"]).await;
    let batch1: Vec<(&str, Vec<&str>)> = vec![
        ("A01", vec!["P1", "P2"]),
        ("A02", vec![]),
        ("A03", vec!["P1", "P2", "P3", "P4"]),
        ("A04", vec!["P1", "P9"]),
        ("A05", vec!["P2", "P2"]),
        ("A06", vec!["p3"]),
        ("A07", vec!["P3", "P1"]),
        ("A08", vec!["P4"]),
    ];
    for (n, marks) in &batch1 {
        ok(&mut c1, key(1, n, marks)).await;
    }
    ok(&mut c1, key(1, "A09", &["P6"])).await;
    ok(&mut c1, json!({"kind":"remove_paper","batch":1,"number":"A09"})).await;
    ok(&mut c1, key(1, "A07", &["P1", "P3"])).await;
    for (n, marks) in &batch1 {
        let marks: Vec<&str> = if *n == "A08" { vec!["P5"] } else { marks.clone() };
        ok(&mut c2, key(1, n, &marks)).await;
    }
    ok(&mut c2, key(1, "A10", &["P7", "P6"])).await;
    // Batch 2 is started meanwhile, and one ballot of batch 1 slips into it.
    ok(&mut c3, key(2, "B01", &["P5", "P6"])).await;
    ok(&mut c3, key(2, "A05", &["P2", "P2"])).await;
    ok(&mut c3, key(2, "B02", &["P6"])).await;
    ok(&mut c4, key(2, "B01", &["P5", "P6"])).await;
    ok(&mut c4, key(2, "B02", &["P6"])).await;
    ok(&mut c1, finish(1)).await;
    ok(&mut c2, finish(1)).await; // disputed: A08 differs, A10 only in one copy
    ok(&mut c2, key(1, "A08", &["P4"])).await;
    ok(&mut c2, finish(1)).await;
    ok(&mut c1, key(1, "A10", &["P6", "P7"])).await;
    ok(&mut c1, finish(1)).await; // agreed
    ok(&mut scrutineer, sheets(1, 8)).await; // miscounted, counted again
    ok(&mut scrutineer, sheets(1, 9)).await;
    refused(&mut c4, key(2, "A01", &["P1"]), "ballot_number_used").await;
    ok(&mut c3, finish(2)).await;
    ok(&mut c4, finish(2)).await; // disputed: A05 is in one copy, and already counted
    ok(&mut c3, json!({"kind":"remove_paper","batch":2,"number":"A05"})).await;
    ok(&mut c3, finish(2)).await; // agreed
    ok(&mut scrutineer, sheets(2, 2)).await;
    // Sticker boards.
    ok(&mut c1, board(1, json!({"P1": 5, "P3": 2}))).await;
    ok(&mut c2, board(1, json!({"P1": 5, "P3": 3}))).await; // disputed
    ok(&mut c2, board(1, json!({"P1": 5, "P3": 2}))).await; // agreed
    ok(&mut c3, board(2, json!({"P6": 4, "P7": 1}))).await;
    ok(&mut c4, board(2, json!({"P7": 1, "P6": 4}))).await;
    room.close(true).await;
}

/// The vote still open: provisional tally, a batch still being keyed.
async fn open_vote(room: &mut Room) {
    room.advance_to_voting().await;
    for b in [vec!["P1", "P2"], vec!["P2"], vec!["P3", "P1"]] {
        room.vote(&b).await;
    }
    let mut c1 = room.counter(0).await;
    ok(&mut c1, key(1, "001", &["P1"])).await;
    ok(&mut c1, finish(1)).await;
}

const PROPOSALS_P: &str = "id,title,cost\nP1,楼道声控灯改造,40000\nP2,楼梯加装扶手,30000\nP3,公共厕所翻新,50000\nP4,游园休闲座椅,10000\nP5,公共晾衣架,20000\nP6,下水道疏通,15000\nP7,快递代收点,5000\nP8,沿街人行道修复,60000\n";

/// Titles with characters that JSON escapes or that are not ASCII, for the fingerprint.
const PROPOSALS_DESK: &str = "id,title,description,cost\nP1,\"楼道灯 \"\"亮起来\"\"\",\"C:\\路径\\说明 <b>&</b>\",40000\nP2,楼梯加装扶手 🌿,Ünïcödé — “quotes”,30000\nP3,公共厕所翻新,,50000\nP4,游园休闲座椅,,10000\nP5,公共晾衣架,,20000\nP6,下水道疏通,,15000\nP7,快递代收点,,5000\nP8,沿街人行道修复,,60000\n";

fn meeting_toml(name: &str, rules: &str, budget: u64) -> String {
    format!(
        "[meeting]\nname = \"{name}\"\nvenue = \"测试社区\"\ndate = \"2026-11-28\"\nproposals = \"proposals.csv\"\n\n[rules]\n{rules}\n\n[rules.budget]\namount = {budget}\ncurrency = \"CNY\"\n"
    )
}

/// The expected outcome of a vector, from the hub's own export.
fn expected_of(export: &Value) -> Value {
    let r = &export["results"];
    let t = &export["turnout"];
    let phone = export["ballots"].as_array().unwrap().iter().filter(|b| b["method"] == "phone").count();
    let counting = r["ballots"].as_u64().unwrap_or(0);
    let mut e = json!({
        "head": export["log_head"],
        "entries": export["log_length"],
        "fingerprint": export["fingerprint"],
        "phase": export["phase"],
        "ballots": {
            "phone": phone,
            "paper": t["paper"],
            "void": t["void"],
            "stickers": r["stickers"].as_u64().unwrap_or(0),
            "counting": counting,
        },
        "tally": export["tally"],
    });
    if r["final"] == true {
        e["funded"] = r["funded"].clone();
        e["total_cost"] = r["total_cost"].clone();
        e["budget"] = r["budget"].clone();
        e["ties"] = r["ties"].clone();
        e["equal_shares"] = r["equal_shares"].clone();
    }
    e
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "writes tests/vectors; run by hand to make the vectors again"]
async fn make_test_vectors() {
    let out = std::env::var("YZ_VECTORS_OUT").map(PathBuf::from).unwrap_or_else(|_| vectors_dir());
    let tmp = tempfile::tempdir().unwrap();
    let small = |name: &str, rules: &str, budget: u64, csv: &str| (meeting_toml(name, rules, budget), csv.to_string());
    let scenarios: Vec<(&str, (String, String))> = vec![
        (
            "phone-greedy-skip",
            small("测试：手机投票，跳过超预算", "tables = 2\npicks_per_table = 1\nmax_choices = 3\nallocation = \"greedy_skip\"\ntie_break = \"lower_cost\"", 100_000, PROPOSALS_P),
        ),
        (
            "lot-greedy-stop",
            small(
                "测试：抽签与遇超即停",
                "tables = 1\nassignment = \"all_tables\"\nmax_choices = 2\nallocation = \"greedy_stop\"\ntie_break = \"lot\"",
                100_000,
                "id,title,cost\nA1,健身器材,30000\nA2,宣传栏,30000\nA3,车棚改造,50000\nA4,花坛,20000\nA5,垃圾分类亭,10000\nA6,路灯,40000\n",
            ),
        ),
        (
            "equal-shares",
            small(
                "Test: equal shares",
                "tables = 1\nassignment = \"all_tables\"\nmax_choices = 3\nallocation = \"equal_shares\"\ntie_break = \"lower_cost\"",
                90_000,
                "id,title,cost\nE1,Benches,30000\nE2,Lights,30000\nE3,Railings,30000\nE4,Reading corner,30000\nE5,Parcel lockers,20000\nE6,Notice board (donated),0\n",
            ),
        ),
        (
            "desk",
            small(
                "测试：点票台与贴纸板",
                "tables = 2\npicks_per_table = 1\nmax_choices = 3\nallocation = \"greedy_skip\"\ntie_break = \"list_order\"\nboard = \"receipts_only\"\ntally = \"hidden_until_close\"",
                100_000,
                PROPOSALS_DESK,
            ),
        ),
        (
            "equal-shares-uneven",
            small(
                "Test: equal shares, uneven",
                "tables = 1\nassignment = \"all_tables\"\nmax_choices = 3\nallocation = \"equal_shares\"\ntie_break = \"lower_cost\"",
                90_000,
                "id,title,cost\nE1,Benches,15000\nE2,Lights,40000\nE3,Railings,20000\nE4,Reading corner,25000\nE5,Parcel lockers,25000\nE6,Notice board (donated),0\n",
            ),
        ),
        ("open-vote", small("测试：投票进行中", "tables = 1\nassignment = \"all_tables\"\nmax_choices = 2", 100_000, PROPOSALS_P)),
    ];
    for (name, (toml, csv)) in scenarios {
        let src = tmp.path().join(name);
        std::fs::create_dir_all(&src).unwrap();
        std::fs::write(src.join("meeting.toml"), &toml).unwrap();
        std::fs::write(src.join("proposals.csv"), &csv).unwrap();
        let data = tmp.path().join(format!("{name}-data"));
        let d = data.to_str().unwrap();
        let sheet: Value = serde_json::from_str(
            &hub_cmd(&[
                "tokens",
                "--data",
                d,
                "--meeting",
                src.join("meeting.toml").to_str().unwrap(),
                "--voters",
                "16",
                "--format",
                "json",
            ])
            .unwrap(),
        )
        .unwrap();
        let hub = Hub::start(&data, &[]).unwrap();
        let mut room = Room::open(&hub, &sheet).await;
        match name {
            "phone-greedy-skip" => phone_greedy_skip(&mut room).await,
            "lot-greedy-stop" => lot_greedy_stop(&mut room).await,
            "equal-shares" => equal_shares(&mut room).await,
            "equal-shares-uneven" => equal_shares_uneven(&mut room).await,
            "desk" => desk(&mut room).await,
            "open-vote" => open_vote(&mut room).await,
            _ => unreachable!(),
        }
        room.org.close().await;
        drop(hub);
        write_vector(&out.join(name), &data, Some((&toml, &csv)));
    }

    // The demo meeting played whole by the simulator, with the counting desk.
    let data = tmp.path().join("sim-data");
    let sheet = tokens(&data, 20).unwrap();
    let sheet_file = tmp.path().join("sim-tokens.json");
    std::fs::write(&sheet_file, sheet.to_string()).unwrap();
    let hub = Hub::start(&data, &[]).unwrap();
    let st = Command::new(bin("simulate"))
        .args(["--hub", &hub.url(), "--seed", "11", "--paper", "60"])
        .arg("--tokens")
        .arg(&sheet_file)
        .status()
        .unwrap();
    assert!(st.success());
    drop(hub);
    write_vector(&out.join("simulated-paper"), &data, None);

    // Tampered copies of the first vector's log: the chain catches these.
    let read = |v: &str| std::fs::read_to_string(out.join(v).join("log.jsonl")).unwrap();
    let log = read("phone-greedy-skip");
    let seq = log.lines().position(|l| l.contains("ballot_cast")).unwrap() + 3;
    let dir = out.join("tampered");
    std::fs::create_dir_all(&dir).unwrap();
    let mut cases = vec![];
    for (what, bad, must) in tamperings(&log, seq) {
        let file = format!("{what}.jsonl");
        std::fs::write(dir.join(&file), bad).unwrap();
        cases.push(json!({"file": file, "from": "phone-greedy-skip", "names": must}));
    }
    // Forgeries with every hash recomputed: the chain checks, the recount does not.
    for (what, from, forged, must, head) in
        forgeries(&read("phone-greedy-skip"), &read("desk"), &read("lot-greedy-stop"))
    {
        let file = format!("{what}.jsonl");
        std::fs::write(dir.join(&file), forged).unwrap();
        let mut case = json!({"file": file, "from": from, "names": must});
        if let Some(h) = head {
            case["head"] = json!(h);
        }
        cases.push(case);
    }
    std::fs::write(
        dir.join("expected.json"),
        serde_json::to_string_pretty(&json!({"tampered": cases})).unwrap() + "\n",
    )
    .unwrap();
    write_outcomes(&out);
}

/// The table of expected outcomes in the vectors' README, one row per vector.
fn outcomes_table(root: &Path) -> String {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("log.jsonl").exists())
        .collect();
    dirs.sort();
    let mut t = String::from("| vector | head | entries | fingerprint | ballots | funded | total / budget |\n|---|---|---|---|---|---|---|\n");
    for d in dirs {
        let e: Value = serde_json::from_str(&std::fs::read_to_string(d.join("expected.json")).unwrap()).unwrap();
        let b = &e["ballots"];
        let (funded, total) = match e["funded"].as_array() {
            Some(_) => (strings(&e["funded"]).join(" "), format!("{} / {}", e["total_cost"], e["budget"])),
            None => ("— (vote open)".to_string(), "—".to_string()),
        };
        t += &format!(
            "| `{}` | `{}` | {} | {} | {} / {} ({} void) / {} | {} | {} |\n",
            d.file_name().unwrap().to_string_lossy(),
            e["head"].as_str().unwrap(),
            e["entries"],
            e["fingerprint"].as_str().unwrap(),
            b["phone"],
            b["paper"],
            b["void"],
            b["stickers"],
            funded,
            total
        );
    }
    t
}

fn write_outcomes(root: &Path) {
    let readme = root.join("README.md");
    let Ok(text) = std::fs::read_to_string(&readme) else { return };
    let (Some(a), Some(b)) = (text.find("<!-- outcomes -->"), text.find("<!-- /outcomes -->")) else { return };
    let new = format!("{}<!-- outcomes -->\n{}{}", &text[..a], outcomes_table(root), &text[b..]);
    std::fs::write(readme, new).unwrap();
}

/// Recompute every prev and hash, as a forger would (docs/verification.md §1).
fn rehash(log: &str) -> String {
    const SCRIPT: &str = "import sys,json,hashlib\nprev='0'*64\nfor line in sys.stdin:\n    if not line.strip(): continue\n    e=json.loads(line); e['prev']=prev\n    e['hash']=prev=hashlib.sha256((prev+e['body']).encode('utf-8')).hexdigest()\n    print(json.dumps(e,ensure_ascii=False,separators=(',',':')))\n";
    let mut child = Command::new("python3")
        .args(["-c", SCRIPT])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3");
    child.stdin.take().unwrap().write_all(log.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// Change the body of the first entry for which `edit` returns a new body; re-hash the chain.
fn forge(log: &str, edit: impl Fn(&str) -> Option<String>) -> (String, usize) {
    let mut ls = lines(log);
    for (i, l) in ls.iter_mut().enumerate() {
        let mut v = line_value(l);
        if let Some(body) = edit(v["body"].as_str().unwrap()) {
            v["body"] = json!(body);
            *l = v.to_string();
            return (rehash(&join(&ls)), i + 1);
        }
    }
    panic!("nothing to forge");
}

fn replace_in(body: &str, has: &str, from: &str, to: &str) -> Option<String> {
    (body.contains(has) && body.contains(from)).then(|| body.replacen(from, to, 1))
}

/// Forged logs (every hash recomputed) and what verify-count must name in each.
fn forgeries(phone: &str, desk: &str, lot: &str) -> Vec<(&'static str, &'static str, String, String, Option<String>)> {
    let mut out = vec![];
    let (f, s) = forge(desk, |b| {
        replace_in(
            b,
            "paper_agreed",
            r#""marks":["P1","P2","P3","P4"],"void":"over_limit""#,
            r#""marks":["P1","P2","P3","P4"]"#,
        )
    });
    out.push((
        "forged-void",
        "desk",
        f,
        format!("entry {s}: paper ballot A03 (batch 1) recorded valid, the rules say over_limit"),
        None,
    ));
    let (f, s) = forge(desk, |b| {
        replace_in(
            b,
            "paper_agreed",
            r#"{"number":"A01","marks":["P1","P2"]}"#,
            r#"{"number":"A01","marks":["P1","P3"]}"#,
        )
    });
    out.push((
        "forged-paper-marks",
        "desk",
        f,
        format!("entry {s}: batch 1 counted ballots other than the counters keyed (A01)"),
        None,
    ));
    let head = line_value(desk.lines().last().unwrap())["hash"].as_str().unwrap().to_string();
    let (f, s) =
        forge(desk, |b| replace_in(b, "sheets_declared", r#""batch":1,"sheets":9"#, r#""batch":1,"sheets":10"#));
    let close = f.lines().position(|l| l.contains(r#"\"to\":\"counted\""#)).unwrap() + 1;
    assert!(close > s);
    out.push((
        "forged-sheets",
        "desk",
        f,
        format!("entry {close}: the vote closed with batch 1 at 9 keyed, 10 sheets counted"),
        None,
    ));
    let (f, s) = forge(desk, |b| replace_in(b, "board_agreed", r#""P3":2"#, r#""P3":3"#));
    out.push((
        "forged-board",
        "desk",
        f.clone(),
        format!("entry {s}: board 1 counted without two equal readings"),
        None,
    ));
    out.push((
        "forged-board",
        "desk",
        f,
        format!("head {} is not an entry of this log", &head[..16]),
        Some(head[..16].to_string()),
    ));
    let (f, _) = forge(phone, |b| replace_in(b, "meeting_defined", r#""amount":100000"#, r#""amount":200000"#));
    out.push((
        "forged-budget",
        "phone-greedy-skip",
        f,
        "entry 2: the rules fingerprint is recorded as".to_string(),
        None,
    ));
    let first_voter = phone.lines().map(line_value).find_map(|v| {
        let b: Value = serde_json::from_str(v["body"].as_str().unwrap()).unwrap();
        (b["event"]["type"] == "ballot_cast").then(|| b["event"]["voter"].as_str().unwrap().to_string())
    });
    let first_voter = first_voter.unwrap();
    let (f, s) = forge(phone, |b| {
        let v: Value = serde_json::from_str(b).unwrap();
        let voter = v["event"]["voter"].as_str()?;
        (v["event"]["type"] == "ballot_cast" && voter != first_voter)
            .then(|| b.replacen(&format!("\"voter\":\"{voter}\""), &format!("\"voter\":\"{first_voter}\""), 1))
    });
    out.push((
        "forged-second-ballot",
        "phone-greedy-skip",
        f,
        format!("entry {s}: voter {first_voter} already voted"),
        None,
    ));
    let (f, s) = forge(lot, |b| {
        let v: Value = serde_json::from_str(b).unwrap();
        let seed = v["event"]["lot_seed"].as_str()?;
        let other = format!("{}{}", if seed.starts_with('0') { "1" } else { "0" }, &seed[1..]);
        Some(b.replacen(seed, &other, 1))
    });
    out.push(("forged-lot-seed", "lot-greedy-stop", f, format!("entry {s}: lot_seed is"), None));
    out
}

fn write_vector(dir: &Path, data: &Path, sources: Option<(&str, &str)>) {
    std::fs::create_dir_all(dir).unwrap();
    if let Some((toml, csv)) = sources {
        std::fs::write(dir.join("meeting.toml"), toml).unwrap();
        std::fs::write(dir.join("proposals.csv"), csv).unwrap();
    }
    std::fs::write(dir.join("log.jsonl"), export_log(data)).unwrap();
    let export = export(data).unwrap();
    std::fs::write(dir.join("export.json"), serde_json::to_string_pretty(&export).unwrap() + "\n").unwrap();
    std::fs::write(dir.join("expected.json"), serde_json::to_string_pretty(&expected_of(&export)).unwrap() + "\n")
        .unwrap();
}
