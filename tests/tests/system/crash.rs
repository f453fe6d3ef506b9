//! Nothing acknowledged is lost: the simulator casts 2,000 ballots from
//! concurrent connections, the hub is killed with SIGKILL in the middle,
//! restarted on the same data; every receipt the simulator was given is in
//! the export exactly once with its choices, and re-running the simulator
//! with the same seed completes the vote with exactly one ballot per voter.

use std::collections::HashMap;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use yuanzhuo_tests::*;

const VOTERS: u32 = 2000;

/// The receipts file's complete lines (the simulator may be writing the next one).
fn receipts(path: &std::path::Path) -> Vec<(String, Vec<String>)> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let complete = &text[..text.rfind('\n').map_or(0, |i| i + 1)];
    complete
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("receipt line {l:?}: {e}"));
            let choices = v["choices"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_string()).collect();
            (v["receipt"].as_str().unwrap().to_string(), choices)
        })
        .collect()
}

fn simulate(hub: &Hub, sheet: &std::path::Path, receipts: &std::path::Path) -> Command {
    let mut c = Command::new(bin("simulate"));
    c.args(["--hub", &hub.url(), "--phase", "voting-only", "--concurrency", "64", "--seed", "42"])
        .arg("--tokens")
        .arg(sheet)
        .arg("--receipts")
        .arg(receipts)
        .stdin(Stdio::null());
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_ballots_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let sheet = tokens(&data, VOTERS).unwrap();
    let sheet_file = dir.path().join("tokens.json");
    std::fs::write(&sheet_file, sheet.to_string()).unwrap();
    let first = dir.path().join("receipts-1.jsonl");
    let mut hub = Hub::start(&data, &[]).unwrap();

    let mut sim = simulate(&hub, &sheet_file, &first).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
    // Kill the hub once a good part of the burst is acknowledged.
    let until = Instant::now() + Duration::from_secs(90);
    while receipts(&first).len() < 500 {
        assert!(Instant::now() < until, "the simulator got no 500 acks in 90 s");
        assert!(sim.try_wait().unwrap().is_none(), "the simulator ended before the kill");
        std::thread::sleep(Duration::from_millis(5));
    }
    hub.kill9();
    let killed = Instant::now();
    let out = sim.wait_with_output().unwrap();
    let stopped_in = killed.elapsed();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "the simulator exits 2 when the hub disappears: {err}");
    assert!(err.contains("went away"), "and says why: {err}");
    assert!(stopped_in < Duration::from_secs(15), "it stops within seconds, not {stopped_in:?}");
    let acked = receipts(&first);
    assert!(acked.len() >= 500 && acked.len() < VOTERS as usize, "the kill landed mid-burst: {} acked", acked.len());

    // Every acknowledged ballot is there exactly once, with its choices.
    let verify = hub_cmd(&["verify", "--data", data.to_str().unwrap()]).unwrap();
    assert!(verify.contains("log intact"), "{verify}");
    let export = export(&data).unwrap();
    let mut by_receipt: HashMap<String, Vec<String>> = HashMap::new();
    for b in export["ballots"].as_array().unwrap() {
        let r = b["receipt"].as_str().unwrap().to_string();
        let c = b["choices"].as_array().unwrap().iter().map(|x| x.as_str().unwrap().to_string()).collect();
        assert!(by_receipt.insert(r.clone(), c).is_none(), "receipt {r} twice in the log");
    }
    for (receipt, choices) in &acked {
        assert_eq!(by_receipt.get(receipt), Some(choices), "acknowledged ballot {receipt} lost or changed");
    }

    // Restart; the same run again: acknowledged voters get their receipt back,
    // the interrupted ones vote; one ballot per voter in the end.
    let hub = Hub::start_on(&data, hub.port, &[]).unwrap();
    let second = dir.path().join("receipts-2.jsonl");
    let out = simulate(&hub, &sheet_file, &second).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let again: HashMap<String, Vec<String>> = receipts(&second).into_iter().collect();
    assert_eq!(again.len(), VOTERS as usize, "every voter answered once");
    for (receipt, choices) in &acked {
        assert_eq!(again.get(receipt), Some(choices), "a re-sent ballot got a different answer");
    }
    let export = yuanzhuo_tests::export(&data).unwrap();
    assert_eq!(export["ballots"].as_array().unwrap().len(), VOTERS as usize, "exactly one ballot per voter");
    assert_eq!(export["phase"], "published");
    let verify = hub_cmd(&["verify", "--data", data.to_str().unwrap()]).unwrap();
    assert!(verify.contains(&format!("{VOTERS} ballots")), "{verify}");
}
