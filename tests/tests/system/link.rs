//! The terminal clients' link (hub/client) against a real hub: online with a
//! welcome, offline when the hub dies, back online by itself when it
//! returns on the same port, and a refused token stops the retries.

use std::time::Duration;
use tokio::sync::mpsc::Receiver;
use yuanzhuo_client::{Link, LinkConfig, LinkEvent, LinkStatus};
use yuanzhuo_tests::protocol::ServerMsg;
use yuanzhuo_tests::*;

async fn until(rx: &mut Receiver<LinkEvent>, what: &str, pred: impl Fn(&LinkEvent) -> bool) -> LinkEvent {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(e)) if pred(&e) => return e,
            Ok(Some(_)) => continue,
            Ok(None) => panic!("link ended while waiting for {what}"),
            Err(_) => panic!("no {what} within 30 s"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_link_reconnects_by_itself_and_stops_on_a_refused_token() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let sheet = tokens(&data, 0).unwrap();
    let mut hub = Hub::start(&data, &[]).unwrap();
    let cfg = LinkConfig { url: hub.url(), token: token(&sheet, &["projector"]), client: "link-test".into() };
    let (link, mut rx) = Link::spawn(cfg);
    until(&mut rx, "online", |e| matches!(e, LinkEvent::Status(LinkStatus::Online))).await;
    until(&mut rx, "welcome", |e| matches!(e, LinkEvent::Message(ServerMsg::Welcome { .. }))).await;
    assert!(link.is_online());
    assert!(link.send(yuanzhuo_tests::protocol::ClientMsg::Snapshot {}));
    until(&mut rx, "snapshot", |e| matches!(e, LinkEvent::Message(ServerMsg::Snapshot { .. }))).await;

    hub.kill9();
    until(&mut rx, "offline", |e| matches!(e, LinkEvent::Status(LinkStatus::Offline { .. }))).await;
    assert!(!link.send(yuanzhuo_tests::protocol::ClientMsg::Snapshot {}), "nothing is sent into a dead link");
    let _hub = Hub::start_on(&data, hub.port, &[]).unwrap();
    until(&mut rx, "online again", |e| matches!(e, LinkEvent::Status(LinkStatus::Online))).await;
    until(&mut rx, "a fresh welcome", |e| matches!(e, LinkEvent::Message(ServerMsg::Welcome { .. }))).await;

    let bad = LinkConfig { url: _hub.url(), token: "NOPE-NOPE-NOPE".into(), client: "link-test".into() };
    let (_bad, mut rx) = Link::spawn(bad);
    let e = until(&mut rx, "refusal", |e| matches!(e, LinkEvent::Status(LinkStatus::Refused(_)))).await;
    let LinkEvent::Status(LinkStatus::Refused(err)) = e else { unreachable!() };
    assert_eq!(err.code.as_str(), "unknown_token");
    assert!(
        tokio::time::timeout(Duration::from_secs(5), rx.recv()).await.map_or(true, |e| e.is_none()),
        "no retry after a refusal"
    );
}
