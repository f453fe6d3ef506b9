//! The door (hub/src/http/door.rs) over real sockets: the open-files limit of a
//! stock laptop, and hostile sockets from one address that must not lock
//! out a voter, a chair or the organiser.

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;
use yuanzhuo_tests::*;

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// This test process holds a thousand sockets and more.
fn raise_own_limit() {
    let _ = rlimit::increase_nofile_limit(8192);
}

fn demo(voters: u32) -> (tempfile::TempDir, std::path::PathBuf, Value) {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let sheet = tokens(&data, voters).expect("tokens");
    (dir, data, sheet)
}

/// A socket with small buffers (this process holds many).
async fn socket(url: &str) -> anyhow::Result<Ws> {
    let config = WebSocketConfig::default().read_buffer_size(4096).write_buffer_size(0);
    let (ws, _) = tokio::time::timeout(
        Duration::from_secs(20),
        tokio_tungstenite::connect_async_with_config(url, Some(config), true),
    )
    .await??;
    Ok(ws)
}

/// How a `hello` was answered.
enum Door {
    In(Box<Ws>),
    /// The error code and the close code that followed it.
    Refused(String, Option<CloseCode>),
}

async fn knock(url: &str, token: &str) -> anyhow::Result<Door> {
    let mut ws = socket(url).await?;
    ws.send(Message::text(json!({"type": "hello", "token": token}).to_string())).await?;
    let first = next_json(&mut ws, Duration::from_secs(20)).await?;
    match first["type"].as_str() {
        Some("welcome") => Ok(Door::In(Box::new(ws))),
        Some("error") => {
            let code = first["code"].as_str().unwrap_or("").to_string();
            let close = loop {
                match tokio::time::timeout(Duration::from_secs(10), ws.next()).await {
                    Ok(Some(Ok(Message::Close(f)))) => break f.map(|f| f.code),
                    Ok(Some(Ok(_))) => continue,
                    _ => break None,
                }
            };
            Ok(Door::Refused(code, close))
        }
        _ => anyhow::bail!("unexpected first answer: {first}"),
    }
}

/// Every token says hello, 32 at a time; (held connections, refusals).
async fn crowd(url: &str, tokens: &[String]) -> (Vec<Box<Ws>>, Vec<(String, Option<CloseCode>)>) {
    let mut held = vec![];
    let mut refused = vec![];
    for chunk in tokens.chunks(32) {
        let answers = futures_util::future::join_all(chunk.iter().map(|t| knock(url, t))).await;
        for a in answers {
            match a.expect("every hello is answered") {
                Door::In(ws) => held.push(ws),
                Door::Refused(code, close) => refused.push((code, close)),
            }
        }
    }
    (held, refused)
}

async fn wait_log(hub: &Hub, needle: &str) -> String {
    for _ in 0..200 {
        let log = hub.log();
        if log.contains(needle) {
            return log;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the hub's log never said {needle:?}: {}", hub.log());
}

async fn healthz(hub: &Hub) -> Value {
    http::get(hub.port, "/healthz", &[]).await.expect("healthz answers").json().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stock_laptops_open_files_limit_is_raised_or_said_clearly() {
    raise_own_limit();
    let (_dir, data, sheet) = demo(1100);
    let voters = voter_tokens(&sheet);
    assert_eq!(voters.len(), 1100);

    // A soft limit of 1,024 under a higher hard one: the hub raises its own and takes them all.
    let hub = Hub::start_limited(&data, "-S -n 1024", &[]).unwrap();
    wait_log(&hub, "open-files limit raised from 1024").await;
    let (held, refused) = crowd(&hub.url(), &voters).await;
    assert!(refused.is_empty(), "{refused:?}");
    assert_eq!(held.len(), 1100);
    assert_eq!(healthz(&hub).await["connections"], 1100);
    drop(held);
    drop(hub);

    // Soft and hard limit 1,024: the hub says what the system allows, takes
    // what fits and refuses the rest clearly, and staff still get in.
    let hub = Hub::start_limited(&data, "-n 1024", &[]).unwrap();
    wait_log(&hub, "open-files limit is 1024 and the system allows no more").await;
    let health = healthz(&hub).await;
    let cap = health["door"]["limits"]["max_connections"].as_u64().unwrap() as usize;
    assert!((500..1000).contains(&cap), "{health}");
    let (held, refused) = crowd(&hub.url(), &voters).await;
    assert_eq!(held.len(), cap);
    assert_eq!(refused.len(), 1100 - cap);
    for (code, close) in &refused {
        assert_eq!(code, "server_full");
        assert_eq!(*close, Some(CloseCode::Again), "1013: try again later");
    }
    wait_log(&hub, "refusing connections (server_full)").await;
    for role in [vec!["organiser"], vec!["tables", "0", "chair"], vec!["projector"]] {
        let c = Client::connect(&hub.url(), &token(&sheet, &role)).await;
        assert!(c.is_ok(), "{role:?} gets a slot kept for staff: {:?}", c.err());
    }
    let health = healthz(&hub).await;
    assert_eq!(health["door"]["crowd"], cap as u64);
    assert!(health["door"]["turned_away"]["refused_full"].as_u64().unwrap() >= (1100 - cap) as u64);
    drop(held);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_sockets_from_one_address_lock_nobody_out() {
    raise_own_limit();
    let (_dir, data, sheet) = demo(3);
    // A cap that 300 anonymous sockets alone would fill, were they counted against it.
    let hub = Hub::start(&data, &["--max-connections", "300"]).unwrap();
    let url = hub.url();

    // 300 public views from this one address: a few get in, the rest are told why.
    let publics: Vec<String> = (0..300).map(|_| "public".to_string()).collect();
    let (public_held, public_refused) = crowd(&url, &publics).await;
    assert!(!public_held.is_empty() && public_held.len() <= 16, "{} public views", public_held.len());
    assert_eq!(public_held.len() + public_refused.len(), 300);
    for (code, close) in &public_refused {
        assert_eq!(code, "too_many_from_address");
        assert_eq!(*close, Some(CloseCode::Again));
    }
    // 300 half-sent HTTP requests, and 300 WebSockets that never say hello.
    let mut half_sent = vec![];
    for _ in 0..300 {
        let mut s = tokio::net::TcpStream::connect(("127.0.0.1", hub.port)).await.unwrap();
        s.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ").await.unwrap();
        half_sent.push(s);
    }
    let mut silent = vec![];
    for _ in 0..300 {
        // (an older one may be closed to make room for a newer one: that is the point)
        if let Ok(ws) = socket(&url).await {
            silent.push(ws);
        }
    }

    // The organiser opens the vote, a voter votes, a chair connects.
    let mut org = Client::connect(&url, &token(&sheet, &["organiser"])).await.expect("the organiser gets in");
    for c in [
        cmd::open(),
        cmd::advance("discussion"),
        cmd::advance("picks"),
        cmd::advance("pitches"),
        cmd::advance("voting"),
    ] {
        let a = org.command(c).await.unwrap();
        assert!(is_ack(&a), "{a}");
    }
    let mut voter = Client::connect(&url, &voter_tokens(&sheet)[0]).await.expect("the voter gets in");
    let proposal = voter.snapshot().proposals[0].id.clone();
    let a = voter.command(cmd::ballot(&[&proposal])).await.unwrap();
    assert!(is_ack(&a) && a["result"]["receipt"].is_string(), "the voter votes: {a}");
    let chair = Client::connect(&url, &token(&sheet, &["tables", "2", "chair"])).await;
    assert!(chair.is_ok(), "the chair gets in: {:?}", chair.err());

    let health = healthz(&hub).await;
    let door = &health["door"];
    assert!(door["turned_away"]["evicted"].as_u64().unwrap() > 0, "old visitors made room: {door}");
    assert!(door["visitors"].as_u64().unwrap() <= door["limits"]["visitors_per_address"].as_u64().unwrap() + 1);
    assert_eq!(door["turned_away"]["refused_address"].as_u64().unwrap(), public_refused.len() as u64);
    drop((public_held, half_sent, silent));
}

/// Read until the hub closes the socket; false if it is still open after `limit`.
async fn closed_within(s: &mut tokio::net::TcpStream, limit: Duration) -> bool {
    use tokio::io::AsyncReadExt;
    let until = tokio::time::Instant::now() + limit;
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout_at(until, s.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_requests_idle_connections_and_unfinished_messages_are_closed() {
    use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};
    use tokio_tungstenite::tungstenite::protocol::frame::Frame;
    let (_dir, data, sheet) = demo(1);
    let hub = Hub::start(&data, &[]).unwrap();
    // Headers that never end: closed after the header-read timeout (10 s).
    let mut half = tokio::net::TcpStream::connect(("127.0.0.1", hub.port)).await.unwrap();
    half.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ").await.unwrap();
    // A kept-alive connection, answered, then idle: closed as long after.
    let mut kept = tokio::net::TcpStream::connect(("127.0.0.1", hub.port)).await.unwrap();
    kept.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").await.unwrap();
    // A message whose fragments never end, past the 20 KiB bound: the connection closes.
    let mut ws = socket(&hub.url()).await.unwrap();
    ws.send(Message::text(json!({"type": "hello", "token": voter_tokens(&sheet)[0]}).to_string())).await.unwrap();
    assert_eq!(next_json(&mut ws, Duration::from_secs(10)).await.unwrap()["type"], "welcome");
    for _ in 0..2 {
        let part = Frame::message(vec![b'x'; 15 * 1024], OpCode::Data(Data::Text), false);
        if ws.send(Message::Frame(part)).await.is_err() {
            break;
        }
    }
    let ended = loop {
        match tokio::time::timeout(Duration::from_secs(30), ws.next()).await {
            Err(_) => break false,
            Ok(None) | Ok(Some(Err(_))) | Ok(Some(Ok(Message::Close(_)))) => break true,
            Ok(Some(Ok(_))) => continue,
        }
    };
    assert!(ended, "an unfinished message past the bound ends the connection");
    assert!(closed_within(&mut half, Duration::from_secs(40)).await, "half-sent headers are not kept");
    assert!(closed_within(&mut kept, Duration::from_secs(40)).await, "an idle kept-alive connection is not kept");
}
