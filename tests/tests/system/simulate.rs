//! The meeting simulator against a freshly started demo hub: a whole meeting
//! with every table at work and a small room of voters, to `published`; the
//! log then verifies and the export shows what the simulator did.

use std::process::Command;
use yuanzhuo_tests::*;

#[test]
fn a_simulated_meeting_runs_to_published_and_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let sheet = tokens(&data, 60).unwrap();
    let sheet_file = dir.path().join("tokens.json");
    std::fs::write(&sheet_file, sheet.to_string()).unwrap();
    let hub = Hub::start(&data, &[]).unwrap();
    let receipts = dir.path().join("receipts.jsonl");
    let out = Command::new(bin("simulate"))
        .args(["--hub", &hub.url(), "--viewers", "2", "--idle", "20", "--seed", "7", "--paper", "60"])
        .arg("--tokens")
        .arg(&sheet_file)
        .arg("--receipts")
        .arg(&receipts)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("60 of 60"), "the summary counts the ballots: {stdout}");
    assert!(stdout.contains("errors                   none"), "{stdout}");
    assert!(stdout.contains("ack latency") && stdout.contains("p99"), "{stdout}");

    assert!(stdout.contains("60 paper ballots in 2 batches") && stdout.contains("1 disagreement"), "{stdout}");
    let verify = hub_cmd(&["verify", "--data", data.to_str().unwrap()]).unwrap();
    // 60 by phone, and 60 on paper of which some are void by the simulator's pattern.
    assert!(verify.contains(" ballots counted (60 by phone, ") && verify.contains("phase published"), "{verify}");
    let export = export(&data).unwrap();
    assert_eq!(export["phase"], "published");
    assert_eq!(std::fs::read_to_string(&receipts).unwrap().lines().count(), 60);
    let ballots = export["ballots"].as_array().unwrap();
    let paper: Vec<_> = ballots.iter().filter(|b| b["method"] == "paper").collect();
    assert_eq!(paper.len(), 60);
    let void: Vec<_> = paper.iter().filter(|b| b["void"] == true).collect();
    assert!(!void.is_empty(), "some paper ballots are void");
    assert!(
        void.iter().any(|b| b["void_reason"] == "over_limit" && b["choices"].as_array().unwrap().len() == 11),
        "never trimmed"
    );
    assert_eq!(export["results"]["ballots"].as_u64().unwrap(), 120 - void.len() as u64);
    for t in export["tables"].as_array().unwrap() {
        assert_eq!(t["picks"].as_array().unwrap().len(), 3, "every table picked 3: {t}");
        assert_eq!(t["picks_locked"], true);
        assert!(t["notes"].as_array().unwrap().len() >= 3, "the recorder's notes: {t}");
        assert!(t["balance"].as_array().unwrap().len() >= 2, "speakers were timed: {t}");
    }
    assert!(export["annotations"].as_array().unwrap().iter().any(|a| a["exclusion_rule"] == 2));
    let funded = export["results"]["funded"].as_array().unwrap();
    assert!(!funded.is_empty() && export["results"]["total_cost"].as_u64().unwrap() <= 300_000);

    // The same seed gives the same ballots: a second meeting, same tally.
    let data2 = dir.path().join("data2");
    let sheet2 = tokens(&data2, 60).unwrap();
    let sheet_file2 = dir.path().join("tokens2.json");
    std::fs::write(&sheet_file2, sheet2.to_string()).unwrap();
    let hub2 = Hub::start(&data2, &[]).unwrap();
    let out = Command::new(bin("simulate"))
        .args(["--hub", &hub2.url(), "--seed", "7"])
        .arg("--tokens")
        .arg(&sheet_file2)
        .output()
        .unwrap();
    assert!(out.status.success());
    let again = yuanzhuo_tests::export(&data2).unwrap();
    // (in whatever order they arrived)
    let phone = |e: &serde_json::Value| -> Vec<String> {
        let mut v: Vec<String> = e["ballots"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|b| b["method"] == "phone")
            .map(|b| b["choices"].to_string())
            .collect();
        v.sort();
        v
    };
    assert_eq!(phone(&again), phone(&export), "same seed, same ballots");
}

/// The must-handle size of tables (MEETING.md): the organiser's quick
/// commands (30 pitching tables one after another) and thirty tables at work
/// at once go through without a `rate_limited` refusal, to `published`.
#[test]
fn a_thirty_table_meeting_runs_to_published() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    let mut csv = String::from("编号,标题,描述,地点,类别,提议人,估算金额,层级\n");
    for i in 1..=150 {
        csv += &format!("P{i:03},项目{i},描述{i},第{}片区,设施改造,居民,{},社区\n", i % 7, 10_000 + i * 100);
    }
    std::fs::write(src.join("proposals.csv"), csv).unwrap();
    let meeting = src.join("meeting.toml");
    std::fs::write(
        &meeting,
        "[meeting]\nname = \"三十桌大会\"\nvenue = \"街道礼堂\"\ndate = \"2026-11-28\"\nproposals = \"proposals.csv\"\n\
         [rules]\ntables = 30\npicks_per_table = 3\nmax_choices = 10\n[rules.budget]\namount = 1000000\n",
    )
    .unwrap();
    let data = dir.path().join("data");
    let (d, m) = (data.to_str().unwrap(), meeting.to_str().unwrap());
    let sheet = hub_cmd(&["tokens", "--data", d, "--meeting", m, "--format", "json", "--voters", "40"]).unwrap();
    let sheet_file = dir.path().join("tokens.json");
    std::fs::write(&sheet_file, &sheet).unwrap();
    let hub = Hub::start(&data, &[]).unwrap();
    let out = Command::new(bin("simulate"))
        .args(["--hub", &hub.url(), "--phase", "full", "--seed", "3"])
        .arg("--tokens")
        .arg(&sheet_file)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("40 of 40"), "{stdout}");
    assert!(stdout.contains("errors                   none"), "{stdout}");
    let export = export(&data).unwrap();
    assert_eq!(export["phase"], "published");
    let tables = export["tables"].as_array().unwrap();
    assert_eq!(tables.len(), 30);
    assert!(tables.iter().all(|t| t["picks_locked"] == true), "every table locked its picks");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let health = rt.block_on(http::get(hub.port, "/healthz", &[])).unwrap().json().unwrap();
    assert_eq!(health["door"]["turned_away"]["rate_limited"], 0, "the simulator keeps to the hub's pace: {health}");
}
