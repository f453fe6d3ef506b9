//! Nothing acknowledged is lost: a burst of ballots, the hub killed with
//! SIGKILL in the middle, restarted on the same data.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use yuanzhuo_tests::*;

const VOTERS: u32 = 2000;
const WORKERS: usize = 64;

fn choices_for(i: usize) -> Vec<String> {
    let n = 1 + i % 10;
    (0..n).map(|k| format!("P{:02}", 1 + (i * 7 + k * 13) % 60)).collect::<std::collections::BTreeSet<_>>().into_iter().collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_ballots_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let sheet = tokens(&data, VOTERS).unwrap();
    let voters = Arc::new(voter_tokens(&sheet));
    let mut hub = Hub::start(&data, &[]).unwrap();
    let port = hub.port;
    let url = hub.url();
    let mut org = Client::connect(&url, &token(&sheet, &["organiser"])).await.unwrap();
    for p in ["check_in", "discussion", "picks", "pitches", "voting"] {
        assert!(is_ack(&org.command(cmd::advance(p)).await.unwrap()));
    }
    org.close().await;

    // Receipts of acknowledged ballots: voter index → (receipt, choices).
    let acked: Arc<Mutex<HashMap<usize, (String, Vec<String>)>>> = Default::default();
    let next = Arc::new(AtomicUsize::new(0));
    let mut workers = vec![];
    for _ in 0..WORKERS {
        let (voters, acked, next, url) = (voters.clone(), acked.clone(), next.clone(), url.clone());
        workers.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= voters.len() {
                    return;
                }
                let Ok(mut c) = Client::connect(&url, &voters[i]).await else { return };
                let choices = choices_for(i);
                let refs: Vec<&str> = choices.iter().map(String::as_str).collect();
                match c.command_with_id(&format!("ballot-{i}"), cmd::ballot(&refs)).await {
                    Ok(a) if is_ack(&a) => {
                        acked.lock().unwrap().insert(i, (a["result"]["receipt"].as_str().unwrap().to_string(), choices));
                    }
                    _ => return,
                }
            }
        }));
    }
    // Kill the hub once a good part of the burst is acknowledged.
    let until = std::time::Instant::now() + Duration::from_secs(60);
    while acked.lock().unwrap().len() < 700 && std::time::Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    hub.kill9();
    for w in workers {
        let _ = tokio::time::timeout(Duration::from_secs(30), w).await;
    }
    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() >= 700 && acked.len() < VOTERS as usize, "kill landed mid-burst: {} acked", acked.len());

    let verify = hub_cmd(&["verify", "--data", data.to_str().unwrap()]).unwrap();
    assert!(verify.contains("log intact"), "{verify}");
    let export = export(&data).unwrap();
    let ballots = export["ballots"].as_array().unwrap();
    let mut by_receipt: HashMap<&str, Vec<String>> = HashMap::new();
    for b in ballots {
        let r = b["receipt"].as_str().unwrap();
        let c: Vec<String> = b["choices"].as_array().unwrap().iter().map(|x| x.as_str().unwrap().to_string()).collect();
        assert!(by_receipt.insert(r, c).is_none(), "receipt {r} appears twice");
    }
    for (i, (receipt, choices)) in &acked {
        assert_eq!(by_receipt.get(receipt.as_str()), Some(choices), "acknowledged ballot of voter {i} lost or changed");
    }

    // After the restart, the interrupted voters resend with the same ids:
    // each gets exactly one ballot in the end.
    let hub = Hub::start_on(&data, port, &[]).unwrap();
    let mut resent = 0;
    for i in 0..voters.len() {
        if acked.contains_key(&i) {
            continue;
        }
        let mut c = Client::connect(&hub.url(), &voters[i]).await.unwrap();
        let choices = choices_for(i);
        let refs: Vec<&str> = choices.iter().map(String::as_str).collect();
        let a = c.command_with_id(&format!("ballot-{i}"), cmd::ballot(&refs)).await.unwrap();
        assert!(is_ack(&a), "{a}");
        resent += 1;
        c.close().await;
        if resent >= 200 {
            break;
        }
    }
    let export = yuanzhuo_tests::export(&data).unwrap();
    let n = export["ballots"].as_array().unwrap().len();
    assert!(n >= acked.len() + resent.min(1), "{n}");
    let unique: std::collections::HashSet<_> = export["ballots"].as_array().unwrap().iter().map(|b| b["receipt"].as_str().unwrap().to_string()).collect();
    assert_eq!(unique.len(), n);
    let verify = hub_cmd(&["verify", "--data", data.to_str().unwrap()]).unwrap();
    assert!(verify.contains("log intact"), "{verify}");
}
