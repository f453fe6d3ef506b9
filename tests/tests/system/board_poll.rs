//! The public board is built off the meeting task: a page polling
//! `GET /api/board` without pause never holds up a command. Voters cast
//! ballots, each acknowledged, while a bounded number of board requests
//! run alongside; every request is answered, the boards never go back in
//! the log, and the last one shows every ballot.

use std::time::Duration;
use yuanzhuo_tests::http;
use yuanzhuo_tests::*;

use crate::common::{ok, small_meeting, to_voting};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_are_acknowledged_while_the_board_is_polled() {
    let (_dir, data, sheet) = small_meeting("看板测试", "2026-12-04", "", 40);
    let hub = Hub::start(&data, &[]).unwrap();
    let mut org = Client::connect(&hub.url(), &token(&sheet, &["organiser"])).await.unwrap();
    to_voting(&mut org).await;
    let port = hub.port;
    let poll = tokio::spawn(async move {
        let mut seqs = vec![];
        for _ in 0..300 {
            let r = http::get(port, "/api/board", &[]).await.expect("GET /api/board");
            assert_eq!(r.status, 200, "{}", r.text());
            seqs.push(r.json().unwrap()["seq"].as_u64().expect("seq"));
        }
        seqs
    });
    let mut last = 0;
    for (i, t) in voter_tokens(&sheet).iter().enumerate() {
        let mut v = Client::connect(&hub.url(), t).await.unwrap();
        let a = ok(&mut v, cmd::ballot(&[["P1", "P2"][i % 2]])).await;
        last = a["seq"].as_u64().unwrap();
        v.close().await;
    }
    let seqs = poll.await.unwrap();
    assert!(seqs.windows(2).all(|w| w[0] <= w[1]), "a board went back in the log: {seqs:?}");
    // The board catches up with every acknowledged ballot.
    let mut board = serde_json::Value::Null;
    for _ in 0..100 {
        board = http::get(port, "/api/board", &[]).await.unwrap().json().unwrap();
        if board["seq"].as_u64() >= Some(last) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(board["phone"].as_array().map(Vec::len), Some(40), "{board}");
}
