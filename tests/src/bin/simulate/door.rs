//! The door register (`registration = "door"`): every resident is registered
//! on arrival and handed one way to vote — the phone voters their card, the
//! paper voters a numbered ballot — at several registration desks at once,
//! each desk one registrar connection.

use anyhow::{anyhow, bail, Result};
use std::time::{Duration, Instant};
use yuanzhuo_protocol::{Command, Issue};

use crate::wire::Conn;

/// Keep under the hub's 15 frames a second per connection.
const PACE: Duration = Duration::from_millis(70);

#[derive(Debug, Default)]
pub struct DoorOutcome {
    pub registered: usize,
    pub seconds: f64,
}

/// Register every `issues` entry, spread over `desks` connections of the
/// `registrars`' cards (taken in turn).
pub async fn register(url: &str, registrars: &[String], desks: usize, issues: Vec<Issue>) -> Result<DoorOutcome> {
    if registrars.is_empty() {
        bail!("the tokens file has no registrar: the meeting needs registration = \"door\" in its [rules]");
    }
    let n = issues.len();
    let desks = desks.clamp(1, n.max(1));
    let mut work: Vec<Vec<Issue>> = vec![vec![]; desks];
    for (i, issue) in issues.into_iter().enumerate() {
        work[i % desks].push(issue);
    }
    let start = Instant::now();
    let tasks = work.into_iter().enumerate().map(|(d, list)| {
        let token = registrars[d % registrars.len()].clone();
        let url = url.to_string();
        async move {
            let (mut conn, _) = Conn::open(&url, &token, "simulate/door").await?;
            for (k, issue) in list.into_iter().enumerate() {
                let id = format!("door-{d}-{k}-{:x}", rand::random::<u32>());
                tokio::time::sleep(PACE).await;
                let f = conn.call(&id, &Command::Register { holder: None, issue }).await?;
                if f.kind != "ack" {
                    return Err(anyhow!(
                        "door desk {d}: register refused: {} {}",
                        f.code.unwrap_or_default(),
                        f.detail.unwrap_or_default()
                    ));
                }
            }
            conn.close().await;
            Ok(())
        }
    });
    for r in futures_util::future::join_all(tasks).await {
        r?;
    }
    Ok(DoorOutcome { registered: n, seconds: start.elapsed().as_secs_f64() })
}
