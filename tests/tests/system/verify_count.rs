//! `scripts/verify-count` (the independent recount: Python standard library
//! only, written from docs/verification.md) against the real hub: it agrees
//! with a simulated meeting with phone and paper ballots, it agrees with
//! every test vector in `tests/vectors/`, and it catches and names each kind
//! of tampering with the log or the export.
//!
//! The vectors are made by the real hub and simulator; to make them again:
//!
//!   YZ_MAKE_VECTORS=1 cargo test --release -p yuanzhuo-tests --test system make_test_vectors
//!
//! (then review `git diff tests/vectors`: every hash changes, since the log
//! records the hub's clock). Without `YZ_MAKE_VECTORS` the same test makes
//! them in a temporary folder and checks that the committed ones are what
//! the hub makes today, but for the hashes and the times.
//!
//! Tampering is caught by both checkers: `hub verify` on a copy of the data
//! folder holding the forged log, and `scripts/verify-count` on the log;
//! each names the entry. `tests/py/recount_export.py` recounts an export by
//! the recipe in docs/export.md alone.

use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use yuanzhuo_tests::*;

use crate::common::{key, ok, refused};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace").to_path_buf()
}

fn vectors_dir() -> PathBuf {
    repo().join("tests/vectors")
}

/// What one run of verify-count said.
pub(crate) struct Said {
    pub(crate) ok: bool,
    pub(crate) out: String,
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

pub(crate) fn verify_count(args: &[&Path], stdin: Option<&str>) -> Said {
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
        "door-register",
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

/// One small meeting being played for a vector.
struct Room {
    url: String,
    port: u16,
    sheet: Value,
    org: Client,
    voter: usize,
}

impl Room {
    async fn open(hub: &Hub, sheet: &Value) -> Room {
        let mut org = Client::connect(&hub.url(), &token(sheet, &["organiser"])).await.expect("organiser");
        ok(&mut org, cmd::open()).await;
        ok(&mut org, cmd::advance("discussion")).await;
        Room { url: hub.url(), port: hub.port, sheet: sheet.clone(), org, voter: 0 }
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
fn finish(batch: u32) -> Value {
    json!({"kind":"finish_paper","batch":batch})
}

fn sheets(batch: u32, n: u32) -> Value {
    json!({"kind":"declare_sheets","batch":batch,"sheets":n})
}

fn board(board: u32, counts: Value) -> Value {
    json!({"kind":"key_board","board":board,"counts":counts})
}

/// Phone ballots only, greedy_skip, lower_cost: an excluded proposal no
/// phone may choose, one that does not fit while a cheaper one below it
/// does, ties.
async fn phone_greedy_skip(room: &mut Room) {
    room.annotate("P8", "excluded", Some(7)).await;
    room.annotate("P3", "doubtful", None).await;
    ok(&mut room.org, json!({"kind":"confirm_exclusion","proposal":"P8","rule":7,"reason":""})).await;
    room.advance_to_voting().await;
    let mut v = Client::connect(&room.url, &voter_tokens(&room.sheet)[15]).await.expect("voter");
    refused(&mut v, cmd::ballot(&["P1", "P8"]), "proposal_excluded").await;
    for b in [
        vec!["P1", "P3"],
        vec!["P1", "P2"],
        vec!["P1", "P3"],
        vec!["P1", "P2"],
        vec!["P1", "P5"],
        vec!["P1", "P6"],
        vec!["P1", "P3", "P2"],
        vec!["P3", "P2", "P5"],
        vec!["P3", "P2", "P6"],
        vec!["P5", "P6", "P7"],
        vec!["P7"],
    ] {
        room.vote(&b).await;
    }
    room.close(true).await;
}

/// The door register and everything that feeds the count from outside the
/// phones: residents registered with a card, a paper ballot (its number
/// typed in full width) or a sticker sheet; a card lost and cancelled; a
/// resident who switches from phone to paper, another from paper to
/// stickers; a card issued during the vote with its reason; two desk
/// counters and two scrutineers on their own devices; paper ballots void
/// for a number never handed out and for a cancelled number; a sticker
/// board capped by the stickers handed out; an exclusion confirmed (a mark
/// for it on paper is a vote, never funded), one only recommended (it
/// changes nothing), a cost adopted from the adviser (it decides what fits).
async fn door_register(room: &mut Room) {
    let mut adviser = room.client(&["adviser_all"]).await;
    let annotate = |p: &str, feasibility: &str, rule: Option<u8>, estimate: Option<u64>, reason: &str| {
        json!({"kind":"annotate","proposal":p,"feasibility":feasibility,"exclusion_rule":rule,
               "reason":reason,"cost_estimate":estimate,"remark":""})
    };
    ok(&mut adviser, annotate("P8", "excluded", Some(7), None, "超出本次预算范围")).await;
    ok(&mut adviser, annotate("P5", "excluded", Some(2), None, "属物业公司维修范围")).await;
    ok(&mut adviser, annotate("P3", "doubtful", None, Some(15_000), "方案简化后重估")).await;
    let org = &mut room.org;
    ok(org, json!({"kind":"confirm_exclusion","proposal":"P8","rule":7,"reason":""})).await;
    ok(org, json!({"kind":"set_cost","proposal":"P3","source":"adviser"})).await;
    ok(org, json!({"kind":"cancel_card","serial":"v16","reason":"卡片遗失"})).await;
    // The door: cards V0001–V0011 (one holder's name written down), paper, stickers.
    let mut door1 = room.client(&["registrars", "0"]).await;
    let mut door2 = room.client(&["registrars", "1"]).await;
    for n in 1..=11 {
        let mut c = json!({"kind":"register","issue":{"kind":"card","serial":format!("V{n:04}")}});
        if n == 1 {
            c["holder"] = json!("张三 4401");
        }
        ok(&mut door1, c).await;
    }
    refused(&mut door1, json!({"kind":"register","issue":{"kind":"card","serial":"V0016"}}), "card_cancelled").await;
    for number in ["0101", "１０２", "103", "104", "107"] {
        ok(&mut door2, json!({"kind":"register","issue":{"kind":"paper","number":number}})).await;
    }
    for stickers in [3, 2] {
        ok(&mut door2, json!({"kind":"register","issue":{"kind":"stickers","stickers":stickers}})).await;
    }
    // Paper number 107 is exchanged for a sticker sheet: 107 is void from now on.
    let switch = json!({"kind":"reissue","register":16,"issue":{"kind":"stickers","stickers":3},"reason":"改用贴纸"});
    ok(&mut door2, switch).await;
    room.advance_to_voting().await;
    // V0010's phone is dead: it switches to paper ballot 105.
    let switch = json!({"kind":"reissue","register":10,"issue":{"kind":"paper","number":"105"},"reason":"手机没电"});
    ok(&mut door1, switch).await;
    // A late resident: a card issued during the vote, with its reason, handed out at the door.
    let auth = format!("Bearer {}", token(&room.sheet, &["organiser"]));
    let minted = yuanzhuo_tests::http::request(
        room.port,
        "POST",
        "/api/admin/voters",
        &[("Authorization", &auth), ("Content-Type", "application/json")],
        Some(r#"{"count":1,"reason":"迟到居民"}"#.as_bytes()),
    )
    .await
    .expect("mint");
    assert_eq!(minted.status, 201, "{}", minted.text());
    let late = minted.json().unwrap()["cards"][0].clone();
    assert_eq!(late["serial"], "V0017");
    ok(&mut door1, json!({"kind":"register","issue":{"kind":"card","serial":"V0017"}})).await;
    // Phones: V0001–V0009 and the late card; V0010 (switched), V0016 (lost) and V0012 (never at the door) cannot.
    let tokens = voter_tokens(&room.sheet);
    for (i, b) in [
        vec!["P1", "P2", "P3"],
        vec!["P1", "P2"],
        vec!["P1", "P3"],
        vec!["P2", "P3", "P6"],
        vec!["P1", "P5"],
        vec!["P4", "P6", "P7"],
        vec!["P3", "P4"],
        vec!["P2", "P7"],
        vec!["P1", "P6"],
    ]
    .iter()
    .enumerate()
    {
        let mut v = Client::connect(&room.url, &tokens[i]).await.expect("voter");
        if i == 0 {
            refused(&mut v, cmd::ballot(&["P8"]), "proposal_excluded").await;
        }
        ok(&mut v, cmd::ballot(b)).await;
        v.close().await;
    }
    for (i, code) in [(9, "card_cancelled"), (15, "card_cancelled"), (11, "not_registered")] {
        let mut v = Client::connect(&room.url, &tokens[i]).await.expect("voter");
        refused(&mut v, cmd::ballot(&["P1"]), code).await;
    }
    let mut v = Client::connect(&room.url, late["code"].as_str().unwrap()).await.expect("late voter");
    ok(&mut v, cmd::ballot(&["P5", "P7"])).await;
    // The desk: two counters, two scrutineers, each on a device of their own.
    let mut c1 = room.counter(0).await;
    let mut c2 = room.counter(1).await;
    let batch: Vec<(&str, Vec<&str>)> = vec![
        ("101", vec!["P1", "P2"]),
        ("102", vec!["P2", "P6"]),
        ("103", vec!["P4", "P8"]),
        ("104", vec!["P1", "P1"]),
        ("105", vec!["P2", "P3"]),
        ("106", vec!["P3"]),
        ("107", vec!["P1"]),
    ];
    for c in [&mut c1, &mut c2] {
        for (n, marks) in &batch {
            ok(c, key(1, n, marks)).await;
        }
        ok(c, finish(1)).await;
    }
    for i in ["0", "1"] {
        let mut s = room.client(&["scrutineers", i]).await;
        ok(&mut s, sheets(1, 7)).await;
    }
    // 8 stickers were handed out: a reading of 9 is refused.
    refused(&mut c1, board(1, json!({"P1": 3, "P4": 4, "P6": 2})), "stickers_over_issued").await;
    ok(&mut c1, board(1, json!({"P1": 2, "P4": 3, "P6": 2}))).await;
    ok(&mut c2, board(1, json!({"P6": 2, "P4": 3, "P1": 2}))).await;
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
    let mut s = room.client(&["scrutineers", "0"]).await;
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
    let mut s = room.client(&["scrutineers", "0"]).await;
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
    let mut scrutineer = room.client(&["scrutineers", "0"]).await;
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
        "turnout": t,
        "electorate": {
            "cards_issued": export["electorate"]["cards_issued"],
            "cards_cancelled": export["electorate"]["cards_cancelled"],
            "fingerprint": export["electorate"]["fingerprint"],
        },
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

/// The meetings of the vectors: (name, meeting file, proposals).
fn scenarios() -> Vec<(&'static str, String, String)> {
    let small = |name: &'static str, title: &str, rules: &str, budget: u64, csv: &str| {
        (name, meeting_toml(title, rules, budget), csv.to_string())
    };
    vec![
        small(
            "phone-greedy-skip",
            "测试：手机投票，跳过超预算",
            "tables = 2\npicks_per_table = 1\nmax_choices = 3\nallocation = \"greedy_skip\"\ntie_break = \"lower_cost\"",
            100_000,
            PROPOSALS_P,
        ),
        small(
            "lot-greedy-stop",
            "测试：抽签与遇超即停",
            "tables = 1\nassignment = \"all_tables\"\nmax_choices = 2\nallocation = \"greedy_stop\"\ntie_break = \"lot\"",
            100_000,
            "id,title,cost\nA1,健身器材,30000\nA2,宣传栏,30000\nA3,车棚改造,50000\nA4,花坛,20000\nA5,垃圾分类亭,10000\nA6,路灯,40000\n",
        ),
        small(
            "equal-shares",
            "Test: equal shares",
            "tables = 1\nassignment = \"all_tables\"\nmax_choices = 3\nallocation = \"equal_shares\"\ntie_break = \"lower_cost\"",
            90_000,
            "id,title,cost\nE1,Benches,30000\nE2,Lights,30000\nE3,Railings,30000\nE4,Reading corner,30000\nE5,Parcel lockers,20000\nE6,Notice board (donated),0\n",
        ),
        small(
            "desk",
            "测试：点票台与贴纸板",
            "tables = 2\npicks_per_table = 1\nmax_choices = 3\nallocation = \"greedy_skip\"\ntie_break = \"list_order\"\nboard = \"receipts_only\"\ntally = \"hidden_until_close\"",
            100_000,
            PROPOSALS_DESK,
        ),
        small(
            "equal-shares-uneven",
            "Test: equal shares, uneven",
            "tables = 1\nassignment = \"all_tables\"\nmax_choices = 3\nallocation = \"equal_shares\"\ntie_break = \"lower_cost\"",
            90_000,
            "id,title,cost\nE1,Benches,15000\nE2,Lights,40000\nE3,Railings,20000\nE4,Reading corner,25000\nE5,Parcel lockers,25000\nE6,Notice board (donated),0\n",
        ),
        small("open-vote", "测试：投票进行中", "tables = 1\nassignment = \"all_tables\"\nmax_choices = 2", 100_000, PROPOSALS_P),
        small("door-register", DOOR_TITLE, DOOR_RULES, 110_000, PROPOSALS_P),
    ]
}

const DOOR_TITLE: &str = "测试：门口登记、纸质票与贴纸";
const DOOR_RULES: &str = "tables = 2\npicks_per_table = 1\nmax_choices = 3\nallocation = \"greedy_skip\"\ntie_break = \"lower_cost\"\nregistration = \"door\"";

/// A data folder made from a meeting file, with 16 voter cards.
fn new_meeting(work: &Path, name: &str, toml: &str, csv: &str) -> (PathBuf, Value) {
    let src = work.join(name);
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("meeting.toml"), toml).unwrap();
    std::fs::write(src.join("proposals.csv"), csv).unwrap();
    let data = work.join(format!("{name}-data"));
    let meeting = src.join("meeting.toml");
    let (d, m) = (data.to_str().unwrap(), meeting.to_str().unwrap());
    let sheet = hub_cmd(&["tokens", "--data", d, "--meeting", m, "--voters", "16", "--format", "json"]).unwrap();
    (data, serde_json::from_str(&sheet).unwrap())
}

/// Play one vector's meeting against a real hub; its data folder.
async fn play(work: &Path, name: &str, toml: &str, csv: &str) -> PathBuf {
    let (data, sheet) = new_meeting(work, name, toml, csv);
    let hub = Hub::start(&data, &[]).unwrap();
    let mut room = Room::open(&hub, &sheet).await;
    match name {
        "phone-greedy-skip" => phone_greedy_skip(&mut room).await,
        "lot-greedy-stop" => lot_greedy_stop(&mut room).await,
        "equal-shares" => equal_shares(&mut room).await,
        "equal-shares-uneven" => equal_shares_uneven(&mut room).await,
        "desk" => desk(&mut room).await,
        "open-vote" => open_vote(&mut room).await,
        "door-register" => Box::pin(door_register(&mut room)).await,
        _ => unreachable!(),
    }
    room.org.close().await;
    drop(hub);
    data
}

/// The door-register meeting, played: its data folder.
async fn door_meeting(work: &Path) -> PathBuf {
    Box::pin(play(work, "door-register", &meeting_toml(DOOR_TITLE, DOOR_RULES, 110_000), PROPOSALS_P)).await
}

/// Make every vector into `out` (data folders in `work`).
async fn make_vectors(out: &Path, work: &Path) {
    for (name, toml, csv) in scenarios() {
        let data = Box::pin(play(work, name, &toml, &csv)).await;
        write_vector(&out.join(name), &data, Some((&toml, &csv)));
    }

    // The demo meeting played whole by the simulator, with the counting desk.
    let data = work.join("simulated-paper-data");
    let sheet = tokens(&data, 20).unwrap();
    let sheet_file = work.join("sim-tokens.json");
    std::fs::write(&sheet_file, sheet.to_string()).unwrap();
    let hub = Hub::start(&data, &[]).unwrap();
    let st = Command::new(bin("simulate"))
        .args(["--hub", &hub.url(), "--seed", "11", "--paper", "60"])
        .arg("--tokens")
        .arg(&sheet_file)
        .stdout(Stdio::null())
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
    // Forgeries with every hash recomputed: the chain checks, the rules do not.
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
    for f in electorate_forgeries(&read("door-register")) {
        let file = format!("{}.jsonl", f.name);
        std::fs::write(dir.join(&file), &f.log).unwrap();
        cases.push(json!({"file": file, "from": "door-register", "names": f.names, "hub": f.hub}));
    }
    std::fs::write(
        dir.join("expected.json"),
        serde_json::to_string_pretty(&json!({"tampered": cases})).unwrap() + "\n",
    )
    .unwrap();
    write_outcomes(out);
}

/// What a vector's outcome is, but for what changes from run to run: the
/// hashes, the electorate's fingerprint (the codes are random), and with
/// `tie_break = "lot"` the order of the lot and what it decides.
fn stable(name: &str, e: &Value) -> Value {
    let mut e = e.clone();
    let o = e.as_object_mut().unwrap();
    o.remove("head");
    if let Some(el) = o.get_mut("electorate").and_then(Value::as_object_mut) {
        el.remove("fingerprint");
    }
    if name == "lot-greedy-stop" {
        for k in ["funded", "total_cost", "ties"] {
            o.remove(k);
        }
    }
    e
}

/// `YZ_MAKE_VECTORS=1`: write tests/vectors (or `YZ_VECTORS_OUT`). Otherwise:
/// make them in a temporary folder, check each with `hub verify` and
/// `verify-count`, and check that the committed vectors have the same
/// outcomes (but for hashes and the lot) and the same tampered cases.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn make_test_vectors() {
    let work = tempfile::tempdir().unwrap();
    if std::env::var_os("YZ_MAKE_VECTORS").is_some() {
        let out = std::env::var("YZ_VECTORS_OUT").map(PathBuf::from).unwrap_or_else(|_| vectors_dir());
        make_vectors(&out, work.path()).await;
        return;
    }
    let out = work.path().join("vectors");
    make_vectors(&out, work.path()).await;
    let committed = vectors_dir();
    let mut names = vec![];
    for (name, ..) in scenarios().into_iter().chain([("simulated-paper", String::new(), String::new())]) {
        let fresh = out.join(name);
        let data = work.path().join(format!("{name}-data"));
        let verified = hub_cmd(&["verify", "--data", data.to_str().unwrap()]).unwrap();
        assert!(verified.contains("log intact, every entry within the rules"), "{name}: {verified}");
        let said = verify_count(&[&fresh.join("log.jsonl"), &fresh.join("export.json")], None);
        assert!(said.ok, "{name}: verify-count disagrees with the hub:\n{}", said.out);
        let read = |d: &Path| -> Value {
            serde_json::from_str(&std::fs::read_to_string(d.join(name).join("expected.json")).unwrap()).unwrap()
        };
        let c = std::fs::read_to_string(committed.join(name).join("expected.json"))
            .ok()
            .and_then(|t| serde_json::from_str::<Value>(&t).ok())
            .unwrap_or_else(|| panic!("tests/vectors/{name} is missing: run YZ_MAKE_VECTORS=1 (see the README)"));
        assert_eq!(
            stable(name, &c),
            stable(name, &read(&out)),
            "tests/vectors/{name} is not what the hub makes today: run YZ_MAKE_VECTORS=1 cargo test … make_test_vectors"
        );
        names.push(name);
    }
    let cases = |d: &Path| -> Vec<(String, String)> {
        let e: Value =
            serde_json::from_str(&std::fs::read_to_string(d.join("tampered/expected.json")).unwrap()).unwrap();
        e["tampered"].as_array().unwrap().iter().map(|c| (c["file"].to_string(), c["from"].to_string())).collect()
    };
    assert_eq!(cases(&committed), cases(&out), "tests/vectors/tampered is not what the generator makes today");
    assert!(names.len() >= 8, "{names:?}");
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
pub(crate) fn rehash(log: &str) -> String {
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
pub(crate) fn forge(log: &str, edit: impl Fn(&str) -> Option<String>) -> (String, usize) {
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
    let opened = seq_of(&f, |e| e["type"] == "meeting_opened");
    out.push((
        "forged-budget",
        "phone-greedy-skip",
        f,
        format!("entry {opened}: the rules fingerprint is recorded as"),
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

/// The body of log line `line`.
fn body_of(line: &str) -> Value {
    serde_json::from_str(line_value(line)["body"].as_str().expect("body")).expect("body is JSON")
}

/// The seq of the first entry whose event satisfies `pred`.
fn seq_of(log: &str, pred: impl Fn(&Value) -> bool) -> usize {
    log.lines().position(|l| pred(&body_of(l)["event"])).expect("an entry") + 1
}

/// Put a new entry with `body` (its `seq` aside) after entry `after`,
/// renumber the entries that follow, and re-hash the chain: a forger's insertion.
fn insert_after(log: &str, after: usize, mut body: Value) -> String {
    let mut out = vec![];
    for (i, l) in lines(log).into_iter().enumerate() {
        let seq = i + 1;
        let mut v = line_value(&l);
        if seq > after {
            let text = v["body"].as_str().unwrap();
            let renumbered = text.replacen(&format!("{{\"seq\":{seq},"), &format!("{{\"seq\":{},", seq + 1), 1);
            assert_ne!(renumbered, text, "entry {seq}'s body begins with its seq");
            v["body"] = json!(renumbered);
            v["seq"] = json!(seq + 1);
        }
        out.push(v.to_string());
        if seq == after {
            body["seq"] = json!(after + 1);
            out.push(json!({"seq": after + 1, "prev": "", "hash": "", "body": body.to_string()}).to_string());
        }
    }
    rehash(&join(&out))
}

/// A forged log and what each checker must say about it.
struct Forgery {
    name: &'static str,
    log: String,
    /// The entry to blame.
    seq: usize,
    /// What `scripts/verify-count` says (English half).
    names: String,
    /// What `hub verify` says (English half).
    hub: String,
}

/// Forgeries of who could vote and count, from the door-register meeting's
/// log, every hash recomputed: the chain checks, the rules do not.
fn electorate_forgeries(door: &str) -> Vec<Forgery> {
    let mut out = vec![];
    let ballot =
        |b: &Value, nth: usize| b["event"]["type"] == "ballot_cast" && b["event"]["voter"] == format!("V{nth:04}");
    let as_voter = |body: &str, from: &str, to: &str| {
        body.replacen(&format!("\"voter:{from}\""), &format!("\"voter:{to}\""), 1).replacen(
            &format!("\"voter\":\"{from}\""),
            &format!("\"voter\":\"{to}\""),
            1,
        )
    };
    // A ballot from a card the log never issued.
    let (log, seq) =
        forge(door, |b| ballot(&serde_json::from_str(b).unwrap(), 1).then(|| as_voter(b, "V0001", "V9999")));
    out.push(Forgery {
        name: "ballot-never-issued",
        log,
        seq,
        names: format!("entry {seq}: a ballot from card V9999, which the log never issued"),
        hub: format!("entry {seq}: ballot_cast by voter:V9999 breaks the rules: No such card"),
    });
    // A card that votes after its cancellation (V0016, lost before the vote).
    let cancelled = seq_of(door, |e| e["type"] == "card_cancelled");
    let (log, seq) =
        forge(door, |b| ballot(&serde_json::from_str(b).unwrap(), 2).then(|| as_voter(b, "V0002", "V0016")));
    out.push(Forgery {
        name: "ballot-cancelled-card",
        log,
        seq,
        names: format!("entry {seq}: a ballot from card V0016, cancelled in entry {cancelled}"),
        hub: format!("entry {seq}: ballot_cast by voter:V0016 breaks the rules: This voting card has been cancelled"),
    });
    // One resident, two ballots.
    let first = seq_of(door, |e| e["type"] == "ballot_cast" && e["voter"] == "V0001");
    let (log, seq) =
        forge(door, |b| ballot(&serde_json::from_str(b).unwrap(), 3).then(|| as_voter(b, "V0003", "V0001")));
    out.push(Forgery {
        name: "double-vote",
        log,
        seq,
        names: format!("entry {seq}: voter V0001 already voted in entry {first}"),
        hub: format!("entry {seq}: ballot_cast by voter:V0001 breaks the rules: This voting card has already voted"),
    });
    // Counter 2's card claimed on counter 1's device; and claimed by the organiser.
    let device = |log: &str, serial: &str| {
        let s = seq_of(log, |e| e["type"] == "card_claimed" && e["serial"] == serial);
        body_of(log.lines().nth(s - 1).unwrap())["event"]["device"].as_str().unwrap().to_string()
    };
    let (d1, d2) = (device(door, "counter-1"), device(door, "counter-2"));
    let claim2 = |b: &str| b.contains("\"card_claimed\"") && b.contains("\"serial\":\"counter-2\"");
    let (log, seq) = forge(door, |b| claim2(b).then(|| b.replacen(&d2, &d1, 1)));
    out.push(Forgery {
        name: "claim-other-device",
        log,
        seq,
        names: format!("entry {seq}: device {d1} already holds card counter-1"),
        hub: format!(
            "entry {seq}: card_claimed by counter:2 breaks the rules: This device already holds another desk card"
        ),
    });
    let (log, seq) =
        forge(door, |b| claim2(b).then(|| b.replacen("\"actor\":\"counter:2\"", "\"actor\":\"organiser\"", 1)));
    out.push(Forgery {
        name: "claim-other-actor",
        log,
        seq,
        names: format!("entry {seq}: card counter-2 claimed by organiser, not by its own actor"),
        hub: format!("entry {seq}: card counter-2 claimed by organiser, not by its own actor"),
    });
    // The lot's seed steered at the close, the tail re-hashed.
    let (log, seq) = forge(door, |b| {
        let v: Value = serde_json::from_str(b).unwrap();
        let seed = v["event"]["lot_seed"].as_str()?;
        let other = format!("{}{}", if seed.starts_with('0') { "1" } else { "0" }, &seed[1..]);
        Some(b.replacen(seed, &other, 1))
    });
    out.push(Forgery {
        name: "steered-lot-seed",
        log,
        seq,
        names: format!("entry {seq}: lot_seed is"),
        hub: format!("entry {seq}: this phase_changed is not what the rules give: lot_seed is"),
    });
    // A ballot after the close, from a card registered at the door that never voted.
    let last = body_of(door.lines().last().unwrap());
    let seq = door.lines().count() + 1;
    let late = json!({"seq": seq, "at_ms": last["at_ms"], "actor": "voter:V0011", "command_id": "late-1",
                      "event": {"type": "ballot_cast", "voter": "V0011", "choices": ["P7"]}});
    out.push(Forgery {
        name: "ballot-after-close",
        log: insert_after(door, seq - 1, late),
        seq,
        names: format!("entry {seq}: a ballot cast outside the vote (phase published)"),
        hub: format!(
            "entry {seq}: ballot_cast by voter:V0011 breaks the rules: This is not allowed in the current phase"
        ),
    });
    // An exclusion confirmed once the vote was open (P5 was recommended, never confirmed).
    let opened = seq_of(door, |e| e["type"] == "phase_changed" && e["to"] == "voting");
    let at = body_of(door.lines().nth(opened - 1).unwrap())["at_ms"].clone();
    let seq = opened + 1;
    let exclusion = json!({"seq": seq, "at_ms": at, "actor": "organiser", "command_id": "late-exclusion",
                           "event": {"type": "exclusion_confirmed", "proposal": "P5", "rule": 2, "reason": ""}});
    out.push(Forgery {
        name: "exclusion-after-opening",
        log: insert_after(door, opened, exclusion),
        seq,
        names: format!("entry {seq}: exclusion_confirmed once the vote is open (phase voting)"),
        hub: format!(
            "entry {seq}: exclusion_confirmed by organiser breaks the rules: This is not allowed in the current phase"
        ),
    });
    out
}

/// A copy of data folder `data` whose log is `log` (a forger with the
/// laptop: the SQLite file rewritten, nothing else touched).
pub(crate) fn data_with_log(data: &Path, log: &str, into: &Path) {
    const SCRIPT: &str = "import sqlite3,sys,json\nsrc,dst,logfile=sys.argv[1:4]\ns=sqlite3.connect(src);d=sqlite3.connect(dst);s.backup(d);s.close()\nd.execute('DELETE FROM log')\nfor line in open(logfile,encoding='utf-8'):\n    if line.strip():\n        e=json.loads(line)\n        d.execute('INSERT INTO log (seq,prev,hash,body) VALUES (?,?,?,?)',(e['seq'],e['prev'],e['hash'],e['body']))\nd.commit();d.close()\n";
    std::fs::create_dir_all(into).unwrap();
    let log_file = into.with_extension("jsonl");
    std::fs::write(&log_file, log).unwrap();
    let st = Command::new("python3")
        .args(["-c", SCRIPT])
        .arg(data.join("meeting.sqlite"))
        .arg(into.join("meeting.sqlite"))
        .arg(&log_file)
        .status()
        .unwrap();
    assert!(st.success(), "copying the data folder");
}

/// `hub verify --data DIR`: (exit status 0, standard output and error).
pub(crate) fn hub_verify(data: &Path) -> (bool, String) {
    let out = Command::new(bin("hub")).args(["verify", "--data"]).arg(data).output().unwrap();
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hub_verify_and_verify_count_name_every_forged_entry() {
    let work = tempfile::tempdir().unwrap();
    let data = Box::pin(door_meeting(work.path())).await;
    let log = export_log(&data);
    // The genuine log passes both, and so does a copy of its folder made the forger's way.
    let copy = work.path().join("copy");
    data_with_log(&data, &log, &copy);
    let (ok, said) = hub_verify(&copy);
    assert!(ok && said.contains("log intact, every entry within the rules"), "{said}");
    let f = work.path().join("genuine.jsonl");
    std::fs::write(&f, &log).unwrap();
    let counted = verify_count(&[&f], None);
    assert!(counted.ok, "{}", counted.out);

    let forgeries = electorate_forgeries(&log);
    assert_eq!(forgeries.len(), 8);
    for f in forgeries {
        let folder = work.path().join(f.name);
        data_with_log(&data, &f.log, &folder);
        let (ok, said) = hub_verify(&folder);
        assert!(!ok, "{}: hub verify passed a forged log:\n{said}", f.name);
        assert!(said.contains(&f.hub), "{}: hub verify must say {:?}:\n{said}", f.name, f.hub);
        assert!(said.contains(&format!("第 {} 条记录：", f.seq)), "{}: and in Chinese:\n{said}", f.name);
        let file = work.path().join(format!("{}.jsonl", f.name));
        std::fs::write(&file, &f.log).unwrap();
        let counted = verify_count(&[&file], None);
        assert!(!counted.ok, "{}: verify-count passed a forged log:\n{}", f.name, counted.out);
        assert!(counted.out.contains(&f.names), "{}: verify-count must say {:?}:\n{}", f.name, f.names, counted.out);
        assert!(counted.out.contains(&format!("第 {} 条记录：", f.seq)), "{}:\n{}", f.name, counted.out);
        // And the hub refuses to serve it, naming the entry.
        if f.name == "steered-lot-seed" {
            let refused = Hub::start(&folder, &[]).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(refused.contains(&f.hub), "hub serve must refuse, naming the entry: {refused}");
        }
    }
}

/// The recount of docs/export.md, done literally by tests/py/recount_export.py.
fn recount_export(export: &Path) -> Said {
    let out = Command::new("python3")
        .arg(repo().join("tests/py/recount_export.py"))
        .arg(export)
        .output()
        .expect("python3 runs");
    Said {
        ok: out.status.success(),
        out: format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_recounts_by_the_recipe_and_hub_verify_shows_the_electorate() {
    let work = tempfile::tempdir().unwrap();
    let data = Box::pin(door_meeting(work.path())).await;
    let x = export(&data).unwrap();
    let export_file = work.path().join("export.json");
    std::fs::write(&export_file, x.to_string()).unwrap();
    // The recipe of docs/export.md, followed literally: phones, paper, stickers, the register.
    let said = recount_export(&export_file);
    assert!(said.ok, "the recipe does not give the hub's results:\n{}", said.out);
    assert!(said.out.contains("funded: P1 P2 P4 P6 P3"), "{}", said.out);
    assert!(said.out.contains("registered 19: 11 cards, 5 paper, 3 sticker sheets (8 stickers)"), "{}", said.out);
    // Ignoring the adopted cost or the stickers gives another result: the recipe needs both.
    for (what, change) in
        [("adopted_costs", json!([])), ("paper", json!({"batches": x["paper"]["batches"], "boards": []}))]
    {
        let mut y = x.clone();
        y[what] = change;
        let f = work.path().join(format!("without-{what}.json"));
        std::fs::write(&f, y.to_string()).unwrap();
        let said = recount_export(&f);
        assert!(!said.ok, "without {what} the recount must differ:\n{}", said.out);
    }
    // The log and the export agree for verify-count.
    let log_file = work.path().join("log.jsonl");
    std::fs::write(&log_file, export_log(&data)).unwrap();
    let counted = verify_count(&[&log_file, &export_file], None);
    assert!(counted.ok, "{}", counted.out);
    for line in [
        "received 17 (14 valid, 3 void: cancelled_number 1, repeated_mark 1, unissued_number 1); by phone 10, on paper 7; stickers 7",
        "cards: 17 issued, 2 cancelled; electorate fingerprint ",
        "door register: 19 registered: 11 cards, 5 paper, 3 sticker sheets (8 stickers)",
        "excluded before the vote: P8 (rule 7)",
        "costs adopted from the adviser: P3 15000 (list 50000)",
        "funded: P1 P2 P4 P6 P3",
    ] {
        assert!(counted.out.contains(line), "verify-count must say {line:?}:\n{}", counted.out);
    }
    // hub verify prints the same numbers, in the same words as every screen.
    let (ok, said) = hub_verify(&data);
    assert!(ok, "{said}");
    let fp = x["electorate"]["fingerprint"].as_str().unwrap();
    for line in [
        "已收到 17 张（有效 14，废票 3）；手机 10，纸质 7；贴纸 7".to_string(),
        "ballots received: 17 (14 valid, 3 void); by phone 10, on paper 7; stickers 7".to_string(),
        "选票编号未在门口发出 1".to_string(),
        format!("17 issued, 2 cancelled, electorate fingerprint {fp}"),
        "cards V0017–V0017 (1) issued during the vote: 迟到居民".to_string(),
        "V0016 cancelled: 卡片遗失".to_string(),
        "V0010 cancelled: 手机没电".to_string(),
        "19 registered: 11 cards, 5 paper ballots, 3 sticker sheets (8 stickers)".to_string(),
        "counter 1 (counter-1) claimed at entry".to_string(),
        "scrutineer B (scrutineer-2) claimed at entry".to_string(),
        "counter 3 (counter-3) not claimed".to_string(),
        "P8 (rule 7: 超出本次预算范围)".to_string(),
        "P3 15000 (list 50000)".to_string(),
    ] {
        assert!(said.contains(&line), "hub verify must say {line:?}:\n{said}");
    }
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
