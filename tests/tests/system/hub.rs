//! The hub over real sockets: a whole meeting, every kind of bad input,
//! idempotent commands, and one ballot per voter even when racing.

use futures_util::SinkExt;
use serde_json::{json, Value};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use yuanzhuo_tests::protocol::AUTH_TIMEOUT_SECS;
use yuanzhuo_tests::*;

use crate::common::ok;

fn temp() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

/// Demo meeting data folder, with `voters` voter tokens minted.
fn demo(voters: u32) -> (tempfile::TempDir, std::path::PathBuf, Value) {
    let dir = temp();
    let data = dir.path().join("data");
    let sheet = tokens(&data, voters).expect("tokens");
    (dir, data, sheet)
}

async fn organiser(hub: &Hub, sheet: &Value) -> Client {
    Client::connect(&hub.url(), &token(sheet, &["organiser"])).await.expect("organiser connects")
}

async fn refused(c: &mut Client, command: Value, code: &str) -> Value {
    let a = c.command(command.clone()).await.expect("answer");
    assert_eq!(error_code(&a), code, "{command} → {a}");
    assert!(a["zh"].as_str().is_some_and(|s| !s.is_empty()) && a["en"].as_str().is_some_and(|s| !s.is_empty()));
    a
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_meeting_from_check_in_to_published() {
    let (_dir, data, sheet) = demo(12);
    let hub = Hub::start(&data, &[]).unwrap();
    let mut org = organiser(&hub, &sheet).await;
    let mut projector = Client::connect(&hub.url(), &token(&sheet, &["projector"])).await.unwrap();
    assert_eq!(org.snapshot().proposals.len(), 60);
    assert_eq!(org.snapshot().fingerprint, "");

    let a = ok(&mut org, cmd::open()).await;
    let fp = a["result"]["fingerprint"].as_str().unwrap().to_string();
    assert_eq!(fp.len(), 9);
    projector.wait_until(Duration::from_secs(5), |s| s.fingerprint == fp).await.unwrap();
    ok(&mut org, cmd::advance("discussion")).await;
    projector
        .wait_until(Duration::from_secs(5), |s| s.timer.as_ref().is_some_and(|t| t.duration_ms == 40 * 60_000))
        .await
        .unwrap();

    // Every table: a speaker, a note, an annotation, three picks.
    let shares: Vec<Vec<String>> = org.snapshot().tables.iter().map(|t| t.share.clone()).collect();
    for (i, share) in shares.iter().enumerate() {
        let t = (i + 1) as u16;
        let mut chair =
            Client::connect(&hub.url(), &token(&sheet, &["tables", &i.to_string(), "chair"])).await.unwrap();
        assert_eq!(chair.welcome["you"]["role"], "chair");
        assert_eq!(chair.snapshot().table_details.len(), 1, "a chair sees only its own table's detail");
        let q = ok(&mut chair, json!({"kind":"queue_speaker","table":t,"name":"3号","turn":"for"})).await;
        assert!(q["result"]["entry"].as_u64().is_some());
        ok(&mut chair, json!({"kind":"start_speaker","table":t})).await;
        ok(&mut chair, json!({"kind":"stop_speaker","table":t})).await;
        let picks: Vec<&str> = share.iter().take(3).map(String::as_str).collect();
        ok(&mut chair, cmd::picks(t, &picks)).await;
        let mut recorder =
            Client::connect(&hub.url(), &token(&sheet, &["tables", &i.to_string(), "recorder"])).await.unwrap();
        let n = ok(
            &mut recorder,
            json!({"kind":"add_note","table":t,"proposal":share[0],"tag":"support","text":"老人上下楼需要扶手"}),
        )
        .await;
        assert!(n["result"]["note"].as_u64().is_some());
        let mut adviser =
            Client::connect(&hub.url(), &token(&sheet, &["tables", &i.to_string(), "adviser"])).await.unwrap();
        ok(&mut adviser, json!({"kind":"annotate","proposal":share[4],"feasibility":"excluded","exclusion_rule":2,"reason":"属物业责任","remark":"请向物业反映"})).await;
    }
    ok(&mut org, cmd::advance("picks")).await;
    ok(&mut org, cmd::advance("pitches")).await;
    org.wait_until(Duration::from_secs(5), |s| s.tables.iter().all(|t| t.picks_locked) && s.pitch.is_some())
        .await
        .unwrap();
    ok(&mut org, json!({"kind":"set_pitch_table","table":2})).await;
    ok(&mut org, cmd::advance("voting")).await;

    // Twelve voters; the projector's tally follows.
    let first = shares[0][0].clone();
    let mut receipts = vec![];
    for (k, v) in voter_tokens(&sheet).iter().enumerate() {
        let mut voter = Client::connect(&hub.url(), v).await.unwrap();
        assert!(voter.snapshot().tally.is_none(), "voters do not get the live tally");
        let choices: Vec<&str> = std::iter::once(first.as_str())
            .chain(shares[k % 6].iter().skip(1).take(k % 9).map(String::as_str))
            .collect();
        let a = ok(&mut voter, cmd::ballot(&choices)).await;
        let receipt = a["result"]["receipt"].as_str().unwrap().to_string();
        assert_eq!(receipt.len(), 9);
        receipts.push(receipt);
    }
    let f = first.clone();
    projector
        .wait_until(Duration::from_secs(5), move |s| s.tally.as_ref().is_some_and(|t| t.counts[&f] == 12))
        .await
        .unwrap();
    assert_eq!(projector.snapshot().turnout.ballots, 12);

    ok(&mut org, cmd::advance("counted")).await;
    projector.wait_until(Duration::from_secs(5), |s| s.results.is_some()).await.unwrap();
    let results = projector.snapshot().results.clone().unwrap();
    assert_eq!(results.ranking[0].proposal, first);
    assert!(results.total_cost <= 300_000);
    ok(&mut org, cmd::advance("published")).await;
    refused(&mut org, cmd::advance("counted"), "bad_phase_transition").await;

    let out = hub_cmd(&["verify", "--data", data.to_str().unwrap()]).unwrap();
    assert!(out.contains("12 ballots"), "{out}");
    let export = export(&data).unwrap();
    assert_eq!(export["phase"], "published");
    assert_eq!(export["rules"]["max_choices"], 10);
    assert_eq!(export["rules"]["picks_per_table"], 3);
    assert_eq!(export["rules"]["budget"]["amount"], 300000);
    assert_eq!(export["ballots"].as_array().unwrap().len(), 12);
    assert_eq!(export["tally"][&first], 12);
    assert_eq!(export["results"]["final"], true);
    assert_eq!(export["results"]["funded"], json!(results.funded));
    assert_eq!(export["picks"].as_array().unwrap().len(), 6);
    assert_eq!(export["annotations"].as_array().unwrap().len(), 6);
    assert!(export["log_head"].as_str().unwrap().len() == 64);
    let exported: Vec<&str> =
        export["ballots"].as_array().unwrap().iter().map(|b| b["receipt"].as_str().unwrap()).collect();
    for r in &receipts {
        assert!(exported.contains(&r.as_str()));
    }
    let head = export["log_head"].as_str().unwrap();
    let out = hub_cmd(&["verify", "--data", data.to_str().unwrap(), "--head", &head[..16]]).unwrap();
    assert!(out.contains("0 entries follow"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_a_clear_error_and_the_connection_survives() {
    let (_dir, data, sheet) = demo(3);
    let hub = Hub::start(&data, &[]).unwrap();
    let mut org = organiser(&hub, &sheet).await;
    let voters = voter_tokens(&sheet);
    let mut voter = Client::connect(&hub.url(), &voters[0]).await.unwrap();

    // Malformed, oversized, unknown kind, binary, second hello: error, still usable.
    voter.send_raw("{not json".into()).await.unwrap();
    assert_eq!(error_code(&voter.recv(Duration::from_secs(5)).await.unwrap()), "bad_message");
    voter.send_raw(json!({"type":"command","id":"x1","command":{"kind":"fly"}}).to_string()).await.unwrap();
    let e = voter.recv(Duration::from_secs(5)).await.unwrap();
    assert_eq!((error_code(&e), e["id"].as_str()), ("bad_message", Some("x1")));
    voter
        .send_raw(format!(
            r#"{{"type":"command","id":"big","command":{{"kind":"cast_ballot","choices":["{}"]}}}}"#,
            "x".repeat(20_000)
        ))
        .await
        .unwrap();
    assert_eq!(error_code(&voter.recv(Duration::from_secs(5)).await.unwrap()), "too_large");
    voter.send_raw(json!({"type":"hello","token":voters[0]}).to_string()).await.unwrap();
    assert_eq!(error_code(&voter.recv(Duration::from_secs(5)).await.unwrap()), "already_authenticated");
    voter.send_raw(json!({"type":"command","id":"","command":{"kind":"open_meeting"}}).to_string()).await.unwrap();
    assert_eq!(error_code(&voter.recv(Duration::from_secs(5)).await.unwrap()), "bad_command_id");

    // Roles and tables.
    refused(&mut voter, cmd::open(), "forbidden").await;
    refused(&mut voter, cmd::ballot(&["P01"]), "not_open").await;
    let mut projector = Client::connect(&hub.url(), &token(&sheet, &["projector"])).await.unwrap();
    refused(&mut projector, cmd::open(), "read_only").await;
    let mut public = Client::connect(&hub.url(), "public").await.unwrap();
    refused(&mut public, cmd::ballot(&["P01"]), "read_only").await;
    ok(&mut org, cmd::open()).await;
    ok(&mut org, cmd::advance("discussion")).await;
    let mut chair1 = Client::connect(&hub.url(), &token(&sheet, &["tables", "0", "chair"])).await.unwrap();
    refused(&mut chair1, cmd::picks(2, &["P11", "P12", "P13"]), "wrong_table").await;
    refused(&mut chair1, cmd::picks(1, &["P01", "P02"]), "picks_wrong_count").await;
    refused(&mut chair1, cmd::picks(1, &["P01", "P02", "P11"]), "not_in_share").await;
    refused(&mut chair1, cmd::picks(1, &["P01", "P01", "P02"]), "duplicate_pick").await;
    refused(&mut chair1, cmd::picks(1, &["P01", "P02", "P99"]), "unknown_proposal").await;
    refused(&mut chair1, cmd::picks(9, &["P01", "P02", "P03"]), "unknown_table").await;
    refused(&mut chair1, cmd::advance("picks"), "forbidden").await;
    refused(&mut chair1, json!({"kind":"stop_speaker","table":1}), "nobody_speaking").await;
    let mut recorder2 = Client::connect(&hub.url(), &token(&sheet, &["tables", "1", "recorder"])).await.unwrap();
    refused(&mut recorder2, cmd::picks(2, &["P11", "P12", "P13"]), "forbidden").await;
    refused(&mut recorder2, json!({"kind":"add_note","table":2,"tag":"support","text":"   "}), "invalid_field").await;
    let mut adviser1 = Client::connect(&hub.url(), &token(&sheet, &["tables", "0", "adviser"])).await.unwrap();
    refused(
        &mut adviser1,
        json!({"kind":"annotate","proposal":"P01","feasibility":"excluded"}),
        "exclusion_rule_required",
    )
    .await;
    refused(&mut adviser1, json!({"kind":"annotate","proposal":"P11","feasibility":"doubtful"}), "wrong_table").await;
    refused(&mut org, cmd::advance("voting"), "bad_phase_transition").await;

    // Ballots.
    refused(&mut voter, cmd::ballot(&["P01"]), "wrong_phase").await;
    for p in ["picks", "pitches", "voting"] {
        ok(&mut org, cmd::advance(p)).await;
    }
    let eleven: Vec<String> = (1..=11).map(|i| format!("P{i:02}")).collect();
    let eleven: Vec<&str> = eleven.iter().map(String::as_str).collect();
    let e = refused(&mut voter, cmd::ballot(&eleven), "too_many_choices").await;
    assert_eq!(e["detail"], "11/10");
    refused(&mut voter, cmd::ballot(&[]), "empty_ballot").await;
    refused(&mut voter, cmd::ballot(&["P01", "P01"]), "duplicate_choice").await;
    let e = refused(&mut voter, cmd::ballot(&["P01", "P61"]), "unknown_proposal").await;
    assert_eq!(e["detail"], "P61");
    let a = ok(&mut voter, cmd::ballot(&eleven[..10])).await;
    let e = refused(&mut voter, cmd::ballot(&["P02"]), "already_voted").await;
    assert_eq!(e["detail"], a["result"]["receipt"]);
    // A used card reconnecting sees its ballot.
    let again = Client::connect(&hub.url(), &voters[0]).await.unwrap();
    assert_eq!(again.snapshot().my_ballot.as_ref().unwrap().receipt, a["result"]["receipt"].as_str().unwrap());
    ok(&mut org, cmd::advance("counted")).await;
    refused(&mut org, json!({"kind":"start_timer","label":"x","minutes":5}), "wrong_phase").await;
    let mut voter2 = Client::connect(&hub.url(), &voters[1]).await.unwrap();
    refused(&mut voter2, cmd::ballot(&["P01"]), "wrong_phase").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_handshake_refuses_strangers() {
    let (_dir, data, _sheet) = demo(0);
    let hub = Hub::start(&data, &["--no-public"]).unwrap();
    // Unknown token: an error naming it, then the close.
    let mut ws = Client::raw(&hub.url()).await.unwrap();
    ws.send(Message::text(json!({"type":"hello","token":"NOPE-NOPE"}).to_string())).await.unwrap();
    assert_eq!(error_code(&next_json(&mut ws, Duration::from_secs(5)).await.unwrap()), "unknown_token");
    assert!(next_json(&mut ws, Duration::from_secs(5)).await.is_err(), "closed after an unknown token");
    // `public` is refused when the hub says so.
    assert!(Client::connect(&hub.url(), "public").await.is_err());
    // A command before hello.
    let mut ws = Client::raw(&hub.url()).await.unwrap();
    ws.send(Message::text(json!({"type":"command","id":"1","command":{"kind":"open_meeting"}}).to_string()))
        .await
        .unwrap();
    assert_eq!(error_code(&next_json(&mut ws, Duration::from_secs(5)).await.unwrap()), "not_authenticated");
    // Silence: closed after the auth timeout (counted from the TCP accept).
    let mut ws = Client::raw(&hub.url()).await.unwrap();
    let e = next_json(&mut ws, Duration::from_secs(AUTH_TIMEOUT_SECS + 10)).await.unwrap();
    assert_eq!(error_code(&e), "auth_timeout");
    // A browser page from another site.
    let mut req = tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(hub.url()).unwrap();
    req.headers_mut().insert("Origin", "http://evil.example".parse().unwrap());
    assert!(tokio_tungstenite::connect_async(req).await.is_err(), "foreign Origin must be refused");
    let mut req = tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(hub.url()).unwrap();
    req.headers_mut().insert("Origin", hub.http().parse().unwrap());
    assert!(tokio_tungstenite::connect_async(req).await.is_ok(), "the hub's own pages are welcome");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_past_the_cap_are_refused_clearly() {
    let (_dir, data, sheet) = demo(4);
    let hub = Hub::start(&data, &["--max-connections", "3"]).unwrap();
    let voters = voter_tokens(&sheet);
    let mut held = vec![];
    for v in &voters[..3] {
        held.push(Client::connect(&hub.url(), v).await.unwrap());
    }
    let mut ws = Client::raw(&hub.url()).await.unwrap();
    ws.send(Message::text(json!({"type": "hello", "token": voters[3]}).to_string())).await.unwrap();
    assert_eq!(error_code(&next_json(&mut ws, Duration::from_secs(5)).await.unwrap()), "server_full");
    // Staff have slots kept for them: the organiser and the projector still get in.
    let _org = organiser(&hub, &sheet).await;
    assert!(Client::connect(&hub.url(), &token(&sheet, &["projector"])).await.is_ok());
    held.pop().unwrap().close().await;
    let mut again = None;
    for _ in 0..100 {
        if let Ok(c) = Client::connect(&hub.url(), &voters[3]).await {
            again = Some(c);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(again.is_some(), "a slot frees when a connection closes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_is_rate_limited() {
    let (_dir, data, sheet) = demo(0);
    let hub = Hub::start(&data, &[]).unwrap();
    let mut c = Client::connect(&hub.url(), &token(&sheet, &["projector"])).await.unwrap();
    for _ in 0..60 {
        c.send_raw(json!({"type":"snapshot"}).to_string()).await.unwrap();
    }
    let mut limited = 0;
    while let Ok(v) = c.recv(Duration::from_millis(1500)).await {
        if error_code(&v) == "rate_limited" {
            limited += 1;
        }
    }
    assert!(limited >= 20, "only {limited} of 60 rapid frames were limited");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limited_command_is_named_and_told_when_to_come_back() {
    let (_dir, data, sheet) = demo(0);
    let hub = Hub::start(&data, &[]).unwrap();
    let mut org = organiser(&hub, &sheet).await;
    // Pings count too: 40 of them use up the burst.
    for _ in 0..40 {
        org.send_ping().await.unwrap();
    }
    let a = org.command(json!({"kind": "open_meeting"})).await.unwrap();
    assert_eq!(error_code(&a), "rate_limited", "{a}");
    assert!(a["id"].as_str().is_some_and(|id| id.starts_with('t')), "names the command: {a}");
    let wait = a["retry_after_ms"].as_u64().expect("says when");
    assert!(wait > 0 && wait <= 1000, "{a}");
    tokio::time::sleep(Duration::from_millis(wait)).await;
    let id = a["id"].as_str().unwrap().to_string();
    let again = org.command_with_id(&id, json!({"kind": "open_meeting"})).await.unwrap();
    assert!(is_ack(&again), "the same id, sent again when told, goes through: {again}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resent_command_id_is_answered_again_and_applied_once() {
    let (_dir, data, sheet) = demo(2);
    let mut hub = Hub::start(&data, &[]).unwrap();
    let mut org = organiser(&hub, &sheet).await;
    for p in ["check_in", "discussion", "picks", "pitches", "voting"] {
        ok(&mut org, cmd::advance(p)).await;
    }
    let v = voter_tokens(&sheet);
    let mut voter = Client::connect(&hub.url(), &v[0]).await.unwrap();
    let first = voter.command_with_id("ballot-1", cmd::ballot(&["P01", "P02"])).await.unwrap();
    assert!(is_ack(&first));
    let second = voter.command_with_id("ballot-1", cmd::ballot(&["P01", "P02"])).await.unwrap();
    assert_eq!(first, second, "same id, same answer");
    let reused = voter.command_with_id("ballot-1", cmd::ballot(&["P03"])).await.unwrap();
    assert_eq!(error_code(&reused), "command_id_reused");
    // The organiser's note-taking: one id, one note, across a restart.
    hub.stop().unwrap();
    let hub = Hub::start_on(&data, hub.port, &[]).unwrap();
    let mut voter = Client::connect(&hub.url(), &v[0]).await.unwrap();
    let third = voter.command_with_id("ballot-1", cmd::ballot(&["P01", "P02"])).await.unwrap();
    assert_eq!(first["result"], third["result"], "the answer survives a restart");
    let export = export(&data).unwrap();
    assert_eq!(export["ballots"].as_array().unwrap().len(), 1);
    assert_eq!(export["tally"]["P01"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_card_one_ballot_even_on_two_connections_at_once() {
    let (_dir, data, sheet) = demo(20);
    let hub = Hub::start(&data, &[]).unwrap();
    let mut org = organiser(&hub, &sheet).await;
    for p in ["check_in", "discussion", "picks", "pitches", "voting"] {
        ok(&mut org, cmd::advance(p)).await;
    }
    for v in voter_tokens(&sheet) {
        let mut a = Client::connect(&hub.url(), &v).await.unwrap();
        let mut b = Client::connect(&hub.url(), &v).await.unwrap();
        let (ra, rb) = tokio::join!(a.command(cmd::ballot(&["P01"])), b.command(cmd::ballot(&["P02"])));
        let (ra, rb) = (ra.unwrap(), rb.unwrap());
        let acks = [&ra, &rb].iter().filter(|r| is_ack(r)).count();
        assert_eq!(acks, 1, "{ra} / {rb}");
        assert!(error_code(&ra) == "already_voted" || error_code(&rb) == "already_voted");
    }
    let export = export(&data).unwrap();
    assert_eq!(export["ballots"].as_array().unwrap().len(), 20);
    let p1 = export["tally"]["P01"].as_u64().unwrap();
    let p2 = export["tally"]["P02"].as_u64().unwrap();
    assert_eq!(p1 + p2, 20);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_serve_cannot_change_the_rules() {
    let (dir, data, _sheet) = demo(0);
    let meeting = dir.path().join("other.toml");
    std::fs::write(&meeting, "[meeting]\nname = \"另一个会\"\nvenue = \"v\"\ndate = \"2026-12-01\"\nproposals = \"p.csv\"\n[rules]\ntables = 2\nmax_choices = 3\n[rules.budget]\namount = 999999\n").unwrap();
    let rows: String = (1..=6).map(|i| format!("P{i},项目{i},{i}000\n")).collect();
    std::fs::write(dir.path().join("p.csv"), format!("id,title,cost\n{rows}")).unwrap();
    let out = std::process::Command::new(bin("hub"))
        .args([
            "serve",
            "--data",
            data.to_str().unwrap(),
            "--bind",
            "127.0.0.1:0",
            "--meeting",
            meeting.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("locked") && err.contains("锁定"), "{err}");
}
