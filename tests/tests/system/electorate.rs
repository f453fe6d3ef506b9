//! Who may vote and who counts, through a real hub: voter cards exist only
//! as the log issued them (exactly as many as asked, late ones with a reason
//! that the room sees), a cancelled card is refused, a resident switched to
//! paper at the door cannot also vote by phone, the organiser cannot key the
//! desk, one device cannot hold two desk cards, a paper number counts once
//! however typed, an adviser alone excludes nothing and nothing is excluded
//! once the vote is open; and the hub refuses a tokens table the log does not
//! vouch for.

use serde_json::{json, Value};
use std::time::Duration;
use yuanzhuo_tests::http;
use yuanzhuo_tests::*;

use crate::common::{key, ok, refused, small_meeting, to_voting};

/// The board once it reflects at least entry `seq`.
async fn board_at(hub: &Hub, seq: u64) -> Value {
    for _ in 0..100 {
        let b = http::get(hub.port, "/api/board", &[]).await.expect("GET /api/board").json().unwrap();
        if b["seq"].as_u64().unwrap_or(0) >= seq {
            return b;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the board never reached entry {seq}");
}

/// The first `hello` answer of a raw connection.
async fn hello(url: &str, hello: Value) -> Value {
    let mut ws = Client::raw(url).await.unwrap();
    use futures_util::SinkExt;
    ws.send(tokio_tungstenite::tungstenite::Message::text(hello.to_string())).await.unwrap();
    next_json(&mut ws, Duration::from_secs(10)).await.unwrap()
}

#[test]
fn tokens_issues_exactly_the_cards_asked_for_and_each_issue_is_an_entry() {
    let (_dir, data, sheet) = meeting("", 7);
    assert_eq!(sheet["voters"].as_array().unwrap().len(), 7);
    assert_eq!(sheet["voters_total"], 7, "no hidden cards in a new folder");
    let again = tokens(&data, 3).unwrap();
    assert_eq!(again["voters"][0]["serial"], "V0008");
    assert_eq!(again["voters_total"], 10);
    let export = export(&data).unwrap();
    let e = &export["electorate"];
    assert_eq!(e["cards_issued"], 10);
    let issues: Vec<(u64, &str)> = e["issuances"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["count"].as_u64().unwrap(), i["first"].as_str().unwrap()))
        .collect();
    assert_eq!(issues, vec![(7, "V0001"), (3, "V0008")]);
    assert_eq!(e["fingerprint"].as_str().unwrap().len(), 9);
}

/// The small meeting of these tests (`common::small_meeting`).
fn meeting(rules: &str, voters: u32) -> (tempfile::TempDir, std::path::PathBuf, Value) {
    small_meeting("选民测试", "2026-12-03", rules, voters)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cards_issued_during_the_vote_need_a_reason_and_the_room_sees_them() {
    let (_dir, data, sheet) = meeting("", 3);
    let hub = Hub::start(&data, &[]).unwrap();
    let secret = token(&sheet, &["organiser"]);
    let mut org = Client::connect(&hub.url(), &secret).await.unwrap();
    let mut projector = Client::connect(&hub.url(), &token(&sheet, &["projector"])).await.unwrap();
    to_voting(&mut org).await;
    let auth = format!("Bearer {secret}");
    let port = hub.port;
    let post = |body: Value| {
        let auth = auth.clone();
        async move {
            let body = body.to_string();
            http::request(port, "POST", "/api/admin/voters", &[("Authorization", &auth)], Some(body.as_bytes())).await
        }
    };
    let r = post(json!({"count": 2})).await.unwrap();
    assert_eq!(r.status, 409, "{}", r.text());
    assert_eq!(r.json().unwrap()["code"], "reason_required");
    let r = post(json!({"count": 2, "reason": "迟到居民"})).await.unwrap();
    assert_eq!(r.status, 201, "{}", r.text());
    let cards = r.json().unwrap();
    let late = cards["cards"][0]["code"].as_str().unwrap().to_string();
    // The projector hears of it at once.
    projector
        .wait_until(Duration::from_secs(10), |s| {
            s.electorate.issuances.iter().any(|i| i.during_vote && i.reason == "迟到居民" && i.count == 2)
                && s.turnout.cards_issued == 5
        })
        .await
        .unwrap();
    // The new card votes.
    let mut v = Client::connect(&hub.url(), &late).await.unwrap();
    ok(&mut v, cmd::ballot(&["P1"])).await;
    // And the board shows the issue with its reason.
    let seq = v.snapshot().seq;
    let b = board_at(&hub, seq).await;
    let issue = b["electorate"]["issuances"].as_array().unwrap().iter().find(|i| i["during_vote"] == true).cloned();
    assert_eq!(issue.unwrap()["reason"], "迟到居民");
    // `hub tokens --voters N` while the hub serves: the running hub issues
    // them (its task writes the log), with the same rule about the reason.
    let d = data.to_str().unwrap();
    let why = hub_cmd(&["tokens", "--data", d, "--voters", "1"]).unwrap_err().to_string();
    assert!(why.contains("reason_required") && why.contains("HTTP 409"), "{why}");
    let printed = hub_cmd(&["tokens", "--data", d, "--voters", "1", "--reason", "补发", "--format", "json"]).unwrap();
    let printed: Value = serde_json::from_str(&printed).unwrap();
    let voters = printed["voters"].as_array().unwrap();
    assert_eq!(voters.len(), 1, "{printed}");
    assert_eq!(voters[0]["serial"], "V0006");
    let code = voters[0]["token"].as_str().unwrap();
    let mut v = Client::connect(&hub.url(), code).await.unwrap();
    ok(&mut v, cmd::ballot(&["P1"])).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_card_is_refused_clearly() {
    let (_dir, data, sheet) = meeting("", 3);
    let hub = Hub::start(&data, &[]).unwrap();
    let mut org = Client::connect(&hub.url(), &token(&sheet, &["organiser"])).await.unwrap();
    to_voting(&mut org).await;
    let mut v = Client::connect(&hub.url(), &token(&sheet, &["voters", "1"])).await.unwrap();
    ok(&mut org, json!({"kind": "cancel_card", "serial": "v2", "reason": "卡片遗失"})).await;
    // The holder's page learns it, and a ballot is refused in words.
    v.wait_until(Duration::from_secs(10), |s| {
        s.my_card.as_ref().is_some_and(|c| c.status == yuanzhuo_protocol::CardStatus::Cancelled)
    })
    .await
    .unwrap();
    let a = refused(&mut v, cmd::ballot(&["P1"]), "card_cancelled").await;
    assert!(a["zh"].as_str().unwrap().contains("作废"), "{a}");
    // A card that voted stays valid.
    let mut w = Client::connect(&hub.url(), &token(&sheet, &["voters", "0"])).await.unwrap();
    ok(&mut w, cmd::ballot(&["P1"])).await;
    refused(&mut org, json!({"kind": "cancel_card", "serial": "V0001", "reason": "误操作"}), "already_voted").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resident_switched_to_paper_cannot_then_vote_by_phone() {
    let (_dir, data, sheet) = meeting("registration = \"door\"", 4);
    let registrar =
        sheet["registrars"][0]["token"].as_str().expect("registrar cards with the door register").to_string();
    let hub = Hub::start(&data, &[]).unwrap();
    let mut org = Client::connect(&hub.url(), &token(&sheet, &["organiser"])).await.unwrap();
    let mut door = Client::connect(&hub.url(), &registrar).await.unwrap();
    to_voting(&mut org).await;
    let mut v = Client::connect(&hub.url(), &token(&sheet, &["voters", "0"])).await.unwrap();
    refused(&mut v, cmd::ballot(&["P1"]), "not_registered").await;
    ok(
        &mut door,
        json!({"kind": "register", "holder": "张三 110101199001011234", "issue": {"kind": "card", "serial": "V0001"}}),
    )
    .await;
    refused(
        &mut door,
        json!({"kind": "register", "holder": "张三110101199001011234", "issue": {"kind": "card", "serial": "V0002"}}),
        "already_registered",
    )
    .await;
    ok(
        &mut door,
        json!({"kind": "reissue", "register": 1, "issue": {"kind": "paper", "number": "0042"}, "reason": "手机没电"}),
    )
    .await;
    refused(&mut v, cmd::ballot(&["P1"]), "card_cancelled").await;
    // The holder's name reached the log only as a hash.
    let log = hub_cmd(&["export", "--data", data.to_str().unwrap(), "--format", "log"]).unwrap();
    assert!(!log.contains("张三") && !log.contains("110101199001011234"), "a name in the public log");
    // The paper ballot counts under its number; an unissued number is void.
    let mut c1 = Client::connect(&hub.url(), sheet["counters"][0]["token"].as_str().unwrap()).await.unwrap();
    let mut c2 = Client::connect(&hub.url(), sheet["counters"][1]["token"].as_str().unwrap()).await.unwrap();
    for c in [&mut c1, &mut c2] {
        ok(c, key(1, "42", &["P2"])).await;
        ok(c, key(1, "43", &["P3"])).await;
        ok(c, json!({"kind": "finish_paper", "batch": 1})).await;
    }
    let t = &export(&data).unwrap()["turnout"];
    assert_eq!((t["ballots"].as_u64(), t["valid"].as_u64(), t["void"].as_u64()), (Some(2), Some(1), Some(1)));
    assert_eq!(t["void_reasons"]["unissued_number"], 1);
    assert_eq!(t["register"]["registered"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_organiser_cannot_key_and_one_device_cannot_hold_two_desk_cards() {
    let (_dir, data, sheet) = meeting("", 2);
    let hub = Hub::start(&data, &[]).unwrap();
    let mut org = Client::connect(&hub.url(), &token(&sheet, &["organiser"])).await.unwrap();
    to_voting(&mut org).await;
    refused(&mut org, key(1, "1", &["P1"]), "forbidden").await;
    refused(&mut org, json!({"kind": "declare_sheets", "batch": 1, "sheets": 1}), "forbidden").await;
    let c1 = sheet["counters"][0]["token"].as_str().unwrap().to_string();
    let c2 = sheet["counters"][1]["token"].as_str().unwrap().to_string();
    // Without device and PIN a desk card only reads (a witness): its commands need the claim.
    let mut reader = Client::connect_with(&hub.url(), json!({"type": "hello", "token": c1})).await.unwrap();
    refused(&mut reader, key(1, "1", &["P1"]), "claim_required").await;
    // A device without a PIN cannot claim it.
    let a = hello(&hub.url(), json!({"type": "hello", "token": c1, "device": "laptop-1"})).await;
    assert_eq!(a["code"], "claim_required", "{a}");
    let a = hello(&hub.url(), json!({"type": "hello", "token": c1, "device": "laptop-1", "pin": "12"})).await;
    assert_eq!(a["code"], "invalid_field", "{a}");
    let mut first =
        Client::connect_with(&hub.url(), json!({"type": "hello", "token": c1, "device": "laptop-1", "pin": "1357"}))
            .await
            .unwrap();
    // The same device cannot claim counter 2 as well.
    let a = hello(&hub.url(), json!({"type": "hello", "token": c2, "device": "laptop-1", "pin": "2468"})).await;
    assert_eq!((a["code"].as_str(), a["detail"].as_str()), (Some("device_has_card"), Some("counter-1")), "{a}");
    // Counter 1's card works only on its device, with its PIN.
    let a = hello(&hub.url(), json!({"type": "hello", "token": c1, "device": "laptop-2", "pin": "1357"})).await;
    assert_eq!(a["code"], "claimed_elsewhere", "{a}");
    let a = hello(&hub.url(), json!({"type": "hello", "token": c1, "device": "laptop-1", "pin": "9999"})).await;
    assert_eq!(a["code"], "wrong_pin", "{a}");
    ok(&mut first, key(1, "1", &["P1"])).await;
    // The claim is public: the room sees who claimed what, when and from where.
    let seq = first.snapshot().seq;
    let b = board_at(&hub, seq).await;
    let desk = b["electorate"]["desk"].as_array().unwrap();
    let claimed: Vec<&str> =
        desk.iter().filter(|d| !d["claim"].is_null()).map(|d| d["serial"].as_str().unwrap()).collect();
    assert_eq!(claimed, ["counter-1"]);
    assert!(
        desk[0]["claim"]["same_address_as"].as_array().unwrap().iter().any(|x| x == "organiser"),
        "claimed from the organiser's address: flagged"
    );
    // The organiser frees counter 1's card; counter 2's card is claimed on
    // the device that keyed counter 1's copy: it may not key the other copy.
    ok(&mut org, json!({"kind": "release_claim", "serial": "counter-1", "reason": "换设备"})).await;
    // The device still connected under the released claim can no longer key.
    refused(&mut first, key(1, "2", &["P1"]), "claimed_elsewhere").await;
    let mut second =
        Client::connect_with(&hub.url(), json!({"type": "hello", "token": c2, "device": "laptop-1", "pin": "2468"}))
            .await
            .unwrap();
    let a = refused(&mut second, key(1, "1", &["P1"]), "same_device").await;
    assert_eq!(a["detail"], "batch 1: counter 1");
    ok(&mut second, key(2, "5", &["P2"])).await;
    // The released card is claimed again on a new device with a new PIN;
    // the old device and the old PIN no longer open it.
    let mut again =
        Client::connect_with(&hub.url(), json!({"type": "hello", "token": c1, "device": "phone-7", "pin": "8642"}))
            .await
            .expect("a released card can be claimed again");
    ok(&mut again, key(3, "9", &["P3"])).await;
    // The PIN typed with full-width digits (a Chinese input method) opens it as well.
    let mut wide =
        Client::connect_with(&hub.url(), json!({"type": "hello", "token": c1, "device": "phone-7", "pin": "８６４２"}))
            .await
            .expect("the same PIN in full-width digits");
    ok(&mut wide, key(3, "10", &["P3"])).await;
    let a = hello(&hub.url(), json!({"type": "hello", "token": c1, "device": "laptop-1", "pin": "1357"})).await;
    assert_eq!(a["code"], "claimed_elsewhere", "{a}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paper_number_counts_once_however_it_is_typed() {
    let (_dir, data, sheet) = meeting("", 1);
    let hub = Hub::start(&data, &[]).unwrap();
    let mut org = Client::connect(&hub.url(), &token(&sheet, &["organiser"])).await.unwrap();
    to_voting(&mut org).await;
    let mut c = vec![];
    for i in 0..4 {
        c.push(Client::connect(&hub.url(), sheet["counters"][i]["token"].as_str().unwrap()).await.unwrap());
    }
    for k in c.iter_mut().take(2) {
        ok(k, key(1, "117", &["P1"])).await;
        ok(k, json!({"kind": "finish_paper", "batch": 1})).await;
    }
    for typed in ["0117", "０１１７", "01 17"] {
        let a = refused(&mut c[2], key(2, typed, &["P2"]), "ballot_number_used").await;
        assert_eq!(a["detail"], "117: batch 1", "{typed}");
    }
    assert_eq!(export(&data).unwrap()["turnout"]["ballots"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_advisers_exclusion_alone_changes_nothing_and_nothing_is_excluded_once_the_vote_opens() {
    let (_dir, data, sheet) = meeting("", 2);
    let hub = Hub::start(&data, &[]).unwrap();
    let mut org = Client::connect(&hub.url(), &token(&sheet, &["organiser"])).await.unwrap();
    let mut adviser = Client::connect(&hub.url(), &token(&sheet, &["adviser_all"])).await.unwrap();
    ok(&mut org, cmd::open()).await;
    ok(
        &mut adviser,
        json!({"kind": "annotate", "proposal": "P1", "feasibility": "excluded", "exclusion_rule": 6,
               "reason": "地下管线无法迁改", "cost_estimate": 5000}),
    )
    .await;
    refused(
        &mut org,
        json!({"kind": "confirm_exclusion", "proposal": "P1", "rule": 3, "reason": ""}),
        "not_recommended",
    )
    .await;
    for p in ["discussion", "picks", "pitches", "voting"] {
        ok(&mut org, cmd::advance(p)).await;
    }
    refused(&mut org, json!({"kind": "confirm_exclusion", "proposal": "P1", "rule": 6, "reason": ""}), "wrong_phase")
        .await;
    refused(&mut org, json!({"kind": "set_cost", "proposal": "P1", "source": "adviser"}), "wrong_phase").await;
    let mut v = Client::connect(&hub.url(), &token(&sheet, &["voters", "0"])).await.unwrap();
    ok(&mut v, cmd::ballot(&["P1"])).await;
    ok(&mut org, cmd::advance("counted")).await;
    let r = &export(&data).unwrap()["results"];
    assert_eq!(r["funded"], json!(["P1"]), "an unconfirmed recommendation changes nothing: {r}");
    assert_eq!(r["ranking"][0]["cost"], 10000, "the list cost: no estimate was adopted");
}

#[test]
fn a_tokens_table_the_log_does_not_vouch_for_is_refused() {
    let (_dir, data, _sheet) = meeting("", 2);
    // A card slipped into the tokens table behind the log's back.
    let db = rusqlite_free_insert(&data);
    let out = std::process::Command::new(bin("hub"))
        .args(["serve", "--data", data.to_str().unwrap(), "--bind", &format!("127.0.0.1:{}", free_port())])
        .output()
        .unwrap();
    assert!(!out.status.success(), "a hub served a forged card ({db})");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("V0003") && err.contains("not issued in the log"), "{err}");
}

/// Insert a voter card row into the data folder's tokens table with the
/// sqlite3 command-line shell (no SQLite library in the tests' dependencies).
fn rusqlite_free_insert(data: &std::path::Path) -> String {
    let db = data.join("meeting.sqlite");
    let sql = "INSERT INTO tokens (token, role, table_no, all_tables, serial, created_ms) \
               VALUES ('FORGEDCARD00', 'voter', NULL, 0, 'V0003', 0);";
    let out = std::process::Command::new("python3")
        .args(["-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2]); c.commit()"])
        .arg(&db)
        .arg(sql)
        .output()
        .expect("python3");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    db.display().to_string()
}
