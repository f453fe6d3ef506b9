//! docs/protocol.md, checked from outside: each behaviour the page promises
//! (the welcome first, the close codes, the refusals, the ids, the origin,
//! the token sheet), by a client that knows only the page.

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::time::Duration;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};
use tokio_tungstenite::tungstenite::protocol::frame::Frame;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use yuanzhuo_tests::*;

use crate::common::{ok, refused, small_meeting, to_voting};

type Ws = WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>;

/// Every JSON message until the hub closes, and the close frame's code and
/// reason (`None` if the connection ended without one, e.g. a TCP reset).
async fn until_close(ws: &mut Ws, limit: Duration) -> (Vec<Value>, Option<(u16, String)>) {
    let mut seen = vec![];
    let until = tokio::time::Instant::now() + limit;
    loop {
        let Ok(m) = tokio::time::timeout_at(until, ws.next()).await else {
            panic!("not closed within {limit:?}; got {seen:?}")
        };
        match m {
            Some(Ok(Message::Text(t))) => seen.push(serde_json::from_str(&t).expect("JSON")),
            Some(Ok(Message::Close(f))) => return (seen, f.map(|f| (u16::from(f.code), f.reason.to_string()))),
            Some(Ok(_)) => {}
            Some(Err(_)) | None => return (seen, None),
        }
    }
}

/// A connection that has said hello (not read any further).
async fn hello(hub: &Hub, token: &str) -> Ws {
    let mut ws = Client::raw(&hub.url()).await.unwrap();
    ws.send(Message::text(json!({"type": "hello", "token": token}).to_string())).await.unwrap();
    ws
}

async fn next(ws: &mut Ws) -> Value {
    next_json(ws, Duration::from_secs(15)).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_welcome_is_the_first_frame_after_hello_whatever_follows_it() {
    let (_dir, data, sheet) = small_meeting("欢迎在先", "2026-11-28", "", 10);
    let hub = Hub::start(&data, &[]).unwrap();
    let mut org = Client::connect(&hub.url(), &token(&sheet, &["organiser"])).await.unwrap();
    to_voting(&mut org).await;
    // Ten phones, each sending its ballot and a bad frame right behind its hello.
    for (i, voter) in voter_tokens(&sheet).iter().enumerate() {
        let mut ws = Client::raw(&hub.url()).await.unwrap();
        let hello = json!({"type": "hello", "token": voter}).to_string();
        let ballot = json!({"type": "command", "id": "b", "command": {"kind": "cast_ballot", "choices": ["P1"]}});
        ws.feed(Message::text(hello)).await.unwrap();
        ws.feed(Message::text("{not json")).await.unwrap();
        ws.feed(Message::text(ballot.to_string())).await.unwrap();
        ws.flush().await.unwrap();
        let first = next(&mut ws).await;
        assert_eq!(first["type"], "welcome", "voter {i}: the first frame was {first}");
        let second = next(&mut ws).await;
        assert_eq!(error_code(&second), "bad_message", "voter {i}: {second}");
        let third = next(&mut ws).await;
        assert!(is_ack(&third) && third["id"] == "b", "voter {i}: {third}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frame_over_20_kib_gets_too_large_and_close_1009() {
    let (_dir, data, sheet) = small_meeting("大帧", "2026-11-28", "", 0);
    let hub = Hub::start(&data, &[]).unwrap();
    let projector = token(&sheet, &["projector"]);
    // 17 KiB: refused, the connection stays.
    let mut ws = hello(&hub, &projector).await;
    assert_eq!(next(&mut ws).await["type"], "welcome");
    ws.send(Message::text(format!(r#"{{"type":"snapshot","pad":"{}"}}"#, "x".repeat(17 * 1024)))).await.unwrap();
    assert_eq!(error_code(&next(&mut ws).await), "too_large");
    ws.send(Message::text(r#"{"type":"snapshot"}"#)).await.unwrap();
    assert_eq!(next(&mut ws).await["type"], "snapshot", "still open after a frame over 16 KiB");
    // 64 KiB and more: the error, then close 1009 (not a TCP reset).
    for size in [64 * 1024, 1024 * 1024] {
        let mut ws = hello(&hub, &projector).await;
        assert_eq!(next(&mut ws).await["type"], "welcome");
        ws.send(Message::text(format!(r#"{{"type":"snapshot","pad":"{}"}}"#, "x".repeat(size)))).await.unwrap();
        let (msgs, close) = until_close(&mut ws, Duration::from_secs(15)).await;
        assert_eq!(msgs.iter().map(error_code).collect::<Vec<_>>(), ["too_large"], "{size}: {msgs:?}");
        assert_eq!(close, Some((1009, "too_large".into())), "{size} bytes");
    }
    // The same for a hello that large.
    let mut ws = Client::raw(&hub.url()).await.unwrap();
    let big = json!({"type": "hello", "token": projector, "client": "x".repeat(100 * 1024)});
    ws.send(Message::text(big.to_string())).await.unwrap();
    let (msgs, close) = until_close(&mut ws, Duration::from_secs(15)).await;
    assert_eq!(msgs.iter().map(error_code).collect::<Vec<_>>(), ["too_large"], "{msgs:?}");
    assert_eq!(close, Some((1009, "too_large".into())));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frame_that_is_not_utf8_gets_bad_message_and_close_1007() {
    let (_dir, data, sheet) = small_meeting("乱码", "2026-11-28", "", 0);
    let hub = Hub::start(&data, &[]).unwrap();
    let mut ws = hello(&hub, &token(&sheet, &["projector"])).await;
    assert_eq!(next(&mut ws).await["type"], "welcome");
    let frame = Frame::message(b"{\"type\":\"snapshot\xff\xfe\"}".to_vec(), OpCode::Data(Data::Text), true);
    ws.send(Message::Frame(frame)).await.unwrap();
    let (msgs, close) = until_close(&mut ws, Duration::from_secs(15)).await;
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    assert_eq!(error_code(&msgs[0]), "bad_message", "{msgs:?}");
    assert!(msgs[0]["detail"].as_str().is_some_and(|d| d.contains("UTF-8")), "{msgs:?}");
    assert_eq!(close, Some((1007, "bad_message".into())));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_is_answered_frame_by_frame_then_closed_with_4429() {
    let (_dir, data, sheet) = small_meeting("洪水", "2026-11-28", "", 0);
    let hub = Hub::start(&data, &[]).unwrap();
    let mut ws = hello(&hub, &token(&sheet, &["projector"])).await;
    assert_eq!(next(&mut ws).await["type"], "welcome");
    // 200 frames at once: the burst is read (an unknown kind: bad_message),
    // the rest refused (rate_limited) until the hub closes.
    for i in 0..200 {
        let m = json!({"type": "command", "id": format!("r{i}"), "command": {"kind": "fly"}});
        ws.feed(Message::text(m.to_string())).await.unwrap();
    }
    ws.flush().await.unwrap();
    let (msgs, close) = until_close(&mut ws, Duration::from_secs(30)).await;
    assert_eq!(close, Some((4429, "rate_limited".into())), "{} messages before", msgs.len());
    let (last, answers) = msgs.split_last().expect("answers");
    assert_eq!((error_code(last), last.get("id")), ("rate_limited", None), "the last word: {last}");
    // Every frame read or refused got its answer, in order, none dropped at the close.
    let ids: Vec<&str> = answers.iter().map(|m| m["id"].as_str().unwrap_or("?")).collect();
    let expected: Vec<String> = (0..ids.len()).map(|i| format!("r{i}")).collect();
    assert_eq!(ids, expected);
    let limited = answers.iter().filter(|m| error_code(m) == "rate_limited").count();
    assert!(limited >= 100, "{limited} refused before the close");
    assert!(answers.iter().all(|m| matches!(error_code(m), "rate_limited" | "bad_message")), "{answers:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_connection_is_closed_with_4408_not_1001() {
    use tokio::io::AsyncReadExt;
    let (_dir, data, sheet) = small_meeting("沉默", "2026-11-28", "", 0);
    let hub = Hub::start(&data, &[]).unwrap();
    let mut ws = hello(&hub, &token(&sheet, &["projector"])).await;
    assert_eq!(next(&mut ws).await["type"], "welcome");
    // From here the bytes are read under the WebSocket library, which
    // would answer the hub's pings: this client stays silent, as a phone
    // whose link died would, until the hub closes the connection.
    let MaybeTlsStream::Plain(tcp) = ws.get_mut() else { panic!("plain TCP") };
    let mut bytes = vec![];
    let read = tokio::time::timeout(Duration::from_secs(90), tcp.read_to_end(&mut bytes)).await;
    assert!(read.is_ok(), "still open after 90 s of silence");
    // Server frames are unmasked: pings, then the close.
    let mut at = 0;
    let mut close = None;
    while at + 2 <= bytes.len() {
        let (opcode, len) = (bytes[at] & 0x0f, (bytes[at + 1] & 0x7f) as usize);
        assert!(len < 126, "a short control frame: {:?}", &bytes[at..]);
        let payload = &bytes[at + 2..(at + 2 + len).min(bytes.len())];
        if opcode == 0x8 {
            close = Some((u16::from_be_bytes([payload[0], payload[1]]), String::from_utf8_lossy(&payload[2..]).into()));
        }
        at += 2 + len;
    }
    assert_eq!(close, Some((4408, "no_pong".to_string())), "{bytes:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_switched_off_is_not_a_mistyped_code() {
    let (_dir, data, _sheet) = small_meeting("不公开", "2026-11-28", "", 0);
    let hub = Hub::start(&data, &["--no-public"]).unwrap();
    for (token, code) in [("public", "public_off"), ("PUBL-1CXX", "unknown_token")] {
        let mut ws = hello(&hub, token).await;
        let (msgs, close) = until_close(&mut ws, Duration::from_secs(15)).await;
        assert_eq!(msgs.iter().map(error_code).collect::<Vec<_>>(), [code], "{token}: {msgs:?}");
        assert_eq!(close, Some((1008, code.into())), "{token}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_fields_are_refused_even_where_there_are_no_fields() {
    let (_dir, data, sheet) = small_meeting("多余字段", "2026-11-28", "", 0);
    let hub = Hub::start(&data, &[]).unwrap();
    let mut org = Client::connect(&hub.url(), &token(&sheet, &["organiser"])).await.unwrap();
    for (frame, id) in [
        (json!({"type": "snapshot", "x": 1}), None),
        (json!({"type": "command", "id": "u1", "command": {"kind": "open_meeting", "x": 1}}), Some("u1")),
        (json!({"type": "command", "id": "u2", "command": {"kind": "pause_timer", "minutes": 5}}), Some("u2")),
    ] {
        org.send_raw(frame.to_string()).await.unwrap();
        let e = org.recv(Duration::from_secs(15)).await.unwrap();
        assert_eq!((error_code(&e), e["id"].as_str()), ("bad_message", id), "{frame} → {e}");
        assert!(e["detail"].as_str().is_some_and(|d| d.contains("unknown field")), "{e}");
    }
    // Nothing was done, and the connection stays usable.
    assert_eq!(org.snapshot().phase, yuanzhuo_tests::protocol::Phase::Setup);
    ok(&mut org, cmd::open()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notes_stay_on_their_table_and_ballot_ids_read_like_paper() {
    let (_dir, data, sheet) = small_meeting("桌与编号", "2026-11-28", "", 1);
    let hub = Hub::start(&data, &[]).unwrap();
    let mut org = Client::connect(&hub.url(), &token(&sheet, &["organiser"])).await.unwrap();
    ok(&mut org, cmd::open()).await;
    // Table 1 discusses P1–P3, table 2 P4–P6: a note of table 1 on P4 is wrong_table.
    let mut recorder = Client::connect(&hub.url(), &token(&sheet, &["tables", "0", "recorder"])).await.unwrap();
    let note = |p: &str| json!({"kind": "add_note", "table": 1, "proposal": p, "tag": "support", "text": "好"});
    let e = refused(&mut recorder, note("P4"), "wrong_table").await;
    assert_eq!(e["detail"], "P4");
    ok(&mut recorder, note("P2")).await;
    // A phone's ids are read like paper marks: case and full-width forms do not matter.
    for p in ["discussion", "picks", "pitches", "voting"] {
        ok(&mut org, cmd::advance(p)).await;
    }
    let mut voter = Client::connect(&hub.url(), &voter_tokens(&sheet)[0]).await.unwrap();
    let a = ok(&mut voter, cmd::ballot(&["p1", "Ｐ５"])).await;
    assert_eq!(a["result"]["choices"], json!(["P1", "P5"]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_origin_must_be_the_hub_scheme_included() {
    let (_dir, data, _sheet) = small_meeting("来源", "2026-11-28", "", 0);
    let hub = Hub::start(&data, &[]).unwrap();
    let authority = hub.http().trim_start_matches("http://").trim_end_matches('/').to_string();
    for (origin, welcome) in [
        (format!("http://{authority}"), true),
        (format!("evil://{authority}"), false),
        (format!("https://{authority}"), false),
        (authority.clone(), false),
        ("http://evil.example".into(), false),
    ] {
        let mut req = hub.url().into_client_request().unwrap();
        req.headers_mut().insert("Origin", origin.parse().unwrap());
        match tokio_tungstenite::connect_async(req).await {
            Ok(_) => assert!(welcome, "{origin} was let in"),
            Err(tokio_tungstenite::tungstenite::Error::Http(r)) => {
                assert!(!welcome, "{origin} was refused");
                assert_eq!(r.status(), 403, "{origin}");
            }
            Err(e) => panic!("{origin}: {e}"),
        }
    }
}

/// The table screen's card: read-only, its own table only, every command refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_table_screen_card_sees_its_table_and_sends_nothing() {
    let (_dir, data, sheet) = small_meeting("桌面屏", "2026-11-28", "", 1);
    let hub = Hub::start(&data, &[]).unwrap();
    let mut org = Client::connect(&hub.url(), &token(&sheet, &["organiser"])).await.unwrap();
    ok(&mut org, cmd::open()).await;
    ok(&mut org, cmd::advance("discussion")).await;
    let mut chair = Client::connect(&hub.url(), &token(&sheet, &["tables", "1", "chair"])).await.unwrap();
    ok(&mut chair, json!({"kind": "queue_speaker", "table": 2, "name": "5", "turn": "for"})).await;

    let mut ws = hello(&hub, &token(&sheet, &["tables", "1", "screen"])).await;
    let w = next(&mut ws).await;
    assert_eq!(w["type"], "welcome", "{w}");
    assert_eq!(w["you"]["role"], "screen");
    assert_eq!(w["you"]["table"], 2);
    let details = w["snapshot"]["table_details"].as_array().cloned().unwrap_or_default();
    assert_eq!(details.len(), 1, "its own table only: {details:?}");
    assert_eq!(details[0]["table"], 2);
    assert_eq!(details[0]["queue"][0]["name"], "5", "{details:?}");
    // Every command is refused, in words.
    for (i, c) in [
        json!({"kind": "queue_speaker", "table": 2, "name": "6", "turn": "for"}),
        json!({"kind": "add_note", "table": 2, "proposal": "P4", "tag": "support", "text": "好"}),
    ]
    .into_iter()
    .enumerate()
    {
        let id = format!("s{i}");
        ws.send(Message::text(json!({"type": "command", "id": id, "command": c}).to_string())).await.unwrap();
        let e = loop {
            let m = next(&mut ws).await;
            if m["type"] == "error" || m["type"] == "ack" {
                break m;
            }
        };
        assert_eq!(e["type"], "error", "{e}");
        assert_eq!(e["code"], "read_only", "{e}");
        assert!(e["zh"].as_str().is_some_and(|s| s.contains("只读")), "{e}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_sheet_has_the_documented_shape() {
    let (_dir, _data, sheet) = small_meeting("令牌表", "2026-11-28", "registration = \"door\"", 2);
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    let mut top = keys(&sheet);
    top.sort();
    assert_eq!(
        top,
        [
            "adviser_all",
            "base_url",
            "counters",
            "meeting",
            "organiser",
            "projector",
            "registrars",
            "scrutineers",
            "tables",
            "voters",
            "voters_total"
        ]
    );
    assert_eq!(sheet["meeting"], "令牌表");
    assert_eq!(sheet["voters_total"], 2);
    let card = |c: &Value| {
        assert_eq!(keys(c), ["link", "serial", "token"], "{c}");
        let token = c["token"].as_str().unwrap();
        let link = c["link"].as_str().unwrap();
        assert_eq!(link, format!("{}/j/{}", sheet["base_url"].as_str().unwrap(), token.replace('-', "")));
    };
    for one in ["organiser", "adviser_all", "projector"] {
        card(&sheet[one]);
    }
    for many in ["scrutineers", "counters", "registrars", "voters"] {
        sheet[many].as_array().unwrap().iter().for_each(card);
    }
    for (i, t) in sheet["tables"].as_array().unwrap().iter().enumerate() {
        assert_eq!(t["table"], i + 1);
        assert!(t["name"].is_string());
        for role in ["chair", "recorder", "adviser", "screen"] {
            card(&t[role]);
            assert_eq!(t[role]["serial"], format!("{role}-{}", i + 1));
        }
    }
    assert_eq!(sheet["voters"][0]["serial"], "V0001");
}
