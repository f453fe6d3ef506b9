//! The counting desk and the public board through a real hub: two counters
//! keying the same batch each hear only their own copy while the scrutineer
//! hears both as they are keyed; a disagreement holds the count back until
//! it is corrected; void ballots are kept whole with their reasons; a ballot
//! number counts once; the close waits for the scrutineer's hand count; and
//! `GET /api/board` shows every accepted ballot as far as the rules allow.

use serde_json::{json, Value};
use std::time::Duration;
use yuanzhuo_tests::http;
use yuanzhuo_tests::*;

use crate::common::{key, ok, refused, small_meeting, to_voting};

fn finish(batch: u32) -> Value {
    json!({"kind": "finish_paper", "batch": batch})
}

/// The board once it reflects at least entry `seq` (the hub rebuilds a
/// moving board at most once a second).
async fn board_at(hub: &Hub, seq: u64) -> Value {
    for _ in 0..100 {
        let r = http::get(hub.port, "/api/board", &[]).await.expect("GET /api/board");
        assert_eq!(r.status, 200, "{}", r.text());
        let b = r.json().unwrap();
        if b["seq"].as_u64().unwrap_or(0) >= seq {
            return b;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the board never reached entry {seq}");
}

/// The small meeting of these tests (`common::small_meeting`).
fn meeting(rules: &str, voters: u32) -> (tempfile::TempDir, std::path::PathBuf, Value) {
    small_meeting("点票测试", "2026-12-01", rules, voters)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn double_entry_voids_reused_numbers_and_the_hand_count_over_the_wire() {
    let (_dir, data, sheet) = meeting("", 2);
    let hub = Hub::start(&data, &[]).unwrap();
    let mut org = Client::connect(&hub.url(), &token(&sheet, &["organiser"])).await.unwrap();
    to_voting(&mut org).await;
    let mut c1 = Client::connect(&hub.url(), &token(&sheet, &["counters", "0"])).await.unwrap();
    let mut c2 = Client::connect(&hub.url(), &token(&sheet, &["counters", "1"])).await.unwrap();
    let mut obs = Client::connect(&hub.url(), &token(&sheet, &["scrutineers", "0"])).await.unwrap();
    assert_eq!(c1.welcome["you"]["role"], "counter");

    // Counter 1 keys; the scrutineer sees the entry as it is keyed.
    ok(&mut c1, key(1, "1", &["P1", "P2"])).await;
    obs.wait_until(Duration::from_secs(10), |s| {
        s.paper_copies
            .iter()
            .any(|c| c.counter == 1 && c.ballots.iter().any(|b| b.number == "1" && b.marks == ["P1", "P2"]))
    })
    .await
    .expect("the scrutineer sees counter 1's keystroke");
    // Counter 2 keys the same batch, ballot 1 read differently; 2 is over
    // the limit (4 marks, at most 3), 3 marks a proposal that does not exist.
    for c in [&mut c1, &mut c2] {
        ok(c, key(1, "2", &["P1", "P2", "P3", "P4"])).await;
        ok(c, key(1, "3", &["P9"])).await;
    }
    ok(&mut c2, key(1, "1", &["P1", "P3"])).await;
    obs.wait_until(Duration::from_secs(10), |s| s.paper_copies.iter().filter(|c| c.ballots.len() == 3).count() == 2)
        .await
        .expect("the scrutineer sees both copies whole");
    ok(&mut c1, finish(1)).await;
    ok(&mut c2, finish(1)).await;
    obs.wait_until(Duration::from_secs(10), |s| {
        s.paper.as_ref().is_some_and(|p| p.batches[0].status == protocol::PaperStatus::Disputed)
    })
    .await
    .unwrap();
    let desk = obs.snapshot().paper.clone().unwrap();
    let d: Vec<(&str, &str)> = desk.batches[0].differences.iter().map(|x| (x.at.as_str(), x.reason.as_str())).collect();
    assert_eq!(d, vec![("1", "marks_differ")]);
    // Nothing counts while the copies differ, and the vote cannot close.
    let e = export(&data).unwrap();
    assert!(e["ballots"].as_array().unwrap().is_empty(), "{}", e["ballots"]);
    assert_eq!(e["tally"]["P1"], 0);
    let r = refused(&mut org, cmd::advance("counted"), "paper_open").await;
    assert_eq!(r["detail"], "batch 1: the two copies differ");

    // Counter 1 re-checks the paper: ballot 1 is P1, P3.
    ok(&mut c1, key(1, "1", &["P3", "P1"])).await;
    ok(&mut c1, finish(1)).await;
    obs.wait_until(Duration::from_secs(10), |s| {
        s.paper.as_ref().is_some_and(|p| p.batches[0].status == protocol::PaperStatus::Agreed)
    })
    .await
    .unwrap();
    let e = export(&data).unwrap();
    let paper: Vec<&Value> = e["ballots"].as_array().unwrap().iter().filter(|b| b["method"] == "paper").collect();
    assert_eq!(paper.len(), 3);
    assert_eq!((paper[0]["paper"].as_str(), paper[0]["void"].as_bool()), (Some("1"), Some(false)));
    assert_eq!(paper[1]["void_reason"], "over_limit");
    assert_eq!(paper[1]["choices"].as_array().unwrap().len(), 4, "never trimmed: {}", paper[1]);
    assert_eq!(paper[2]["void_reason"], "unknown_proposal");
    assert_eq!(paper[2]["choices"], json!(["P9"]));
    assert_eq!(
        (e["tally"]["P1"].as_u64(), e["tally"]["P3"].as_u64(), e["tally"]["P4"].as_u64()),
        (Some(1), Some(1), Some(0))
    );
    assert_eq!((e["turnout"]["paper"].as_u64(), e["turnout"]["void"].as_u64()), (Some(3), Some(2)));

    // A ballot number counts once, across batches.
    let r = refused(&mut c2, key(2, "2", &["P1"]), "ballot_number_used").await;
    assert_eq!(r["detail"], "2: batch 1");
    refused(&mut c1, key(1, "4", &["P1"]), "batch_agreed").await;

    // The close waits for the scrutineer's hand count, and for it to match.
    let r = refused(&mut org, cmd::advance("counted"), "paper_count_mismatch").await;
    assert_eq!(r["detail"], "batch 1: no sheet count from the scrutineer");
    refused(&mut c1, json!({"kind": "declare_sheets", "batch": 1, "sheets": 3}), "forbidden").await;
    ok(&mut obs, json!({"kind": "declare_sheets", "batch": 1, "sheets": 4})).await;
    let r = refused(&mut org, cmd::advance("counted"), "paper_count_mismatch").await;
    assert_eq!(r["detail"], "batch 1: 3 keyed, 4 sheets counted");
    ok(&mut obs, json!({"kind": "declare_sheets", "batch": 1, "sheets": 3})).await;
    ok(&mut org, cmd::advance("counted")).await;
    let res = export(&data).unwrap()["results"].clone();
    assert_eq!((res["ballots"].as_u64(), res["paper"].as_u64(), res["void"].as_u64()), (Some(1), Some(1), Some(2)));

    // All along, each counter heard only its own copy; the scrutineer both.
    for (c, me) in [(&mut c1, 1), (&mut c2, 2)] {
        c.wait_until(Duration::from_secs(10), |s| s.phase == protocol::Phase::Counted).await.unwrap();
        let copies = &c.snapshot().paper_copies;
        assert!(!copies.is_empty() && copies.iter().all(|x| x.counter == me), "counter {me} saw {copies:?}");
    }
    assert_eq!(obs.snapshot().paper_copies.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_board_shows_every_ballot_as_the_rules_allow() {
    let (_dir, data, sheet) = meeting("", 3);
    let hub = Hub::start(&data, &["--no-public"]).unwrap();
    let mut org = Client::connect(&hub.url(), &token(&sheet, &["organiser"])).await.unwrap();
    to_voting(&mut org).await;
    let mut receipts = vec![];
    for (i, v) in voter_tokens(&sheet).iter().take(2).enumerate() {
        let mut voter = Client::connect(&hub.url(), v).await.unwrap();
        let choices: &[&str] = if i == 0 { &["P1", "P2"] } else { &["P2"] };
        let a = ok(&mut voter, cmd::ballot(choices)).await;
        receipts.push((a["result"]["receipt"].as_str().unwrap().to_string(), choices.to_vec()));
    }
    let mut c1 = Client::connect(&hub.url(), &token(&sheet, &["counters", "0"])).await.unwrap();
    let mut c2 = Client::connect(&hub.url(), &token(&sheet, &["counters", "1"])).await.unwrap();
    for c in [&mut c1, &mut c2] {
        ok(c, key(7, "0117", &["P3"])).await;
        ok(c, key(7, "0118", &[])).await;
    }
    ok(&mut c1, finish(7)).await;
    let a = ok(&mut c2, key(8, "0200", &["P4"])).await;

    // No token, even with --no-public: the board is the public count.
    let b = board_at(&hub, a["seq"].as_u64().unwrap()).await;
    assert_eq!(b["format"], "yuanzhuo-board/1");
    assert_eq!((b["choices_shown"].as_bool(), b["withheld"].is_null()), (Some(true), true));
    let phone = b["phone"].as_array().unwrap();
    assert_eq!(phone.len(), 2);
    let mut want = receipts.clone();
    want.sort();
    for (row, (receipt, choices)) in phone.iter().zip(&want) {
        assert_eq!(row["receipt"], receipt.as_str(), "in receipt order");
        assert_eq!(row["choices"], json!(choices));
    }
    assert!(b["paper"].as_array().unwrap().is_empty(), "batches being keyed are not on the board: {}", b["paper"]);
    let batches: Vec<(u64, &str)> = b["batches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| (x["batch"].as_u64().unwrap(), x["status"].as_str().unwrap()))
        .collect();
    assert_eq!(batches, vec![(7, "keying"), (8, "keying")]);

    let a = ok(&mut c2, finish(7)).await;
    let b = board_at(&hub, a["seq"].as_u64().unwrap()).await;
    assert_eq!(
        b["paper"],
        // Numbers as the hub keeps them: leading zeros dropped, so that a sheet counts once.
        json!([{"number": "117", "batch": 7, "marks": ["P3"]}, {"number": "118", "batch": 7, "marks": [], "void": "blank"}])
    );
    assert_eq!(
        b["turnout"],
        json!({"ballots": 4, "phone": 2, "paper": 2, "void": 1, "valid": 3, "void_reasons": {"blank": 1},
               "stickers": 0, "cards_issued": 3, "cards_cancelled": 0})
    );
    assert_eq!(b["tally"]["counts"]["P2"], 2);
    assert_eq!(b["tally"]["counts"]["P3"], 1);
    let e = export(&data).unwrap();
    assert_eq!(b["log_head"], e["log_head"], "the board names the log head it reflects");

    // The ETag names the log position: a phone that has this board gets 304.
    let r = http::get(hub.port, "/api/board", &[]).await.unwrap();
    let tag = r.header("etag").expect("an ETag").to_string();
    assert!(r.header("content-type").is_some_and(|t| t.starts_with("application/json")));
    assert_eq!(r.header("cache-control"), Some("no-cache"));
    let again = http::get(hub.port, "/api/board", &[("If-None-Match", &tag)]).await.unwrap();
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    // Gzipped for browsers that take it (every one does): the same board, smaller.
    let z = http::get(hub.port, "/api/board", &[("Accept-Encoding", "gzip, deflate")]).await.unwrap();
    assert_eq!((z.status, z.header("content-encoding"), z.header("etag")), (200, Some("gzip"), Some(tag.as_str())));
    assert_eq!(&z.body[..2], &[0x1f, 0x8b]);
    assert!(z.body.len() < r.body.len(), "{} ≥ {}", z.body.len(), r.body.len());
    ok(&mut c1, key(9, "0300", &["P5"])).await;
    let mut changed = false;
    for _ in 0..50 {
        let r = http::get(hub.port, "/api/board", &[("If-None-Match", &tag)]).await.unwrap();
        if r.status == 200 {
            changed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(changed, "a new entry makes a new board");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_private_or_hidden_board_shows_receipts_and_verdicts_only() {
    // Receipts only: nobody can show how they voted; the totals are public.
    let (_dir, data, sheet) = meeting("board = \"receipts_only\"", 1);
    let hub = Hub::start(&data, &[]).unwrap();
    let mut org = Client::connect(&hub.url(), &token(&sheet, &["organiser"])).await.unwrap();
    to_voting(&mut org).await;
    let mut voter = Client::connect(&hub.url(), &voter_tokens(&sheet)[0]).await.unwrap();
    let receipt = ok(&mut voter, cmd::ballot(&["P6"])).await["result"]["receipt"].clone();
    let mut c1 = Client::connect(&hub.url(), &token(&sheet, &["counters", "0"])).await.unwrap();
    let mut c2 = Client::connect(&hub.url(), &token(&sheet, &["counters", "1"])).await.unwrap();
    let mut seq = 0;
    for c in [&mut c1, &mut c2] {
        ok(c, key(1, "1", &["P1", "P2", "P3", "P4"])).await;
        seq = ok(c, finish(1)).await["seq"].as_u64().unwrap();
    }
    let b = board_at(&hub, seq).await;
    assert_eq!((b["choices_shown"].as_bool(), b["withheld"].as_str()), (Some(false), Some("receipts_only")));
    assert_eq!(b["phone"], json!([{"receipt": receipt}]));
    assert_eq!(b["paper"], json!([{"number": "1", "batch": 1, "void": "over_limit"}]));
    assert_eq!(b["tally"]["counts"]["P6"], 1, "the totals stay public");
    drop(hub);

    // A tally hidden until the close: nothing per proposal before it, everything after.
    let (_dir, data, sheet) = meeting("tally = \"hidden_until_close\"", 1);
    let hub = Hub::start(&data, &[]).unwrap();
    let mut org = Client::connect(&hub.url(), &token(&sheet, &["organiser"])).await.unwrap();
    to_voting(&mut org).await;
    let mut voter = Client::connect(&hub.url(), &voter_tokens(&sheet)[0]).await.unwrap();
    let a = ok(&mut voter, cmd::ballot(&["P5", "P6"])).await;
    let b = board_at(&hub, a["seq"].as_u64().unwrap()).await;
    assert_eq!((b["choices_shown"].as_bool(), b["withheld"].as_str()), (Some(false), Some("hidden_until_close")));
    assert!(b["phone"][0].get("choices").is_none(), "{}", b["phone"]);
    assert!(b["tally"].is_null());
    assert!(!serde_json::to_string(&b).unwrap().contains("\"P5\",\"P6\""));
    let a = ok(&mut org, cmd::advance("counted")).await;
    let b = board_at(&hub, a["seq"].as_u64().unwrap()).await;
    assert_eq!(b["phone"][0]["choices"], json!(["P5", "P6"]));
    assert_eq!(b["tally"]["counts"]["P5"], 1);
    assert_eq!(b["results"]["votes"]["P6"], 1);
    assert_eq!(b["results"]["closed_at_head"].as_str().map(str::len), Some(64));
}
