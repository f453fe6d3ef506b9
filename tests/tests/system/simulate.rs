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
        .args(["--hub", &hub.url(), "--viewers", "2", "--idle", "20", "--seed", "7"])
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

    let verify = hub_cmd(&["verify", "--data", data.to_str().unwrap()]).unwrap();
    assert!(verify.contains("60 ballots") && verify.contains("phase published"), "{verify}");
    let export = export(&data).unwrap();
    assert_eq!(export["phase"], "published");
    assert_eq!(std::fs::read_to_string(&receipts).unwrap().lines().count(), 60);
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
    let out = Command::new(bin("simulate")).args(["--hub", &hub2.url(), "--seed", "7"]).arg("--tokens").arg(&sheet_file2).output().unwrap();
    assert!(out.status.success());
    assert_eq!(yuanzhuo_tests::export(&data2).unwrap()["tally"], export["tally"], "same seed, same ballots");
}
