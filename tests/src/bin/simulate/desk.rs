//! The counting desk: paper ballots keyed twice, as at a real count. Two
//! counters key each batch of 50 independently; one of them misreads a
//! ballot in the first batch, the copies disagree, the ballot is re-checked
//! and corrected; the scrutineer counts each batch's sheets by hand. A few
//! ballots are void on purpose (over the limit, blank, a proposal twice).

use anyhow::{bail, Result};
use std::time::Duration;
use yuanzhuo_protocol::{Command, ProposalId};

use crate::ballots::BallotMaker;
use crate::wire::{Conn, Frame};

const BATCH: usize = 50;
/// Keep under the hub's 15 frames a second per connection.
const PACE: Duration = Duration::from_millis(70);

pub struct DeskTokens {
    pub counters: Vec<String>,
    pub scrutineer: String,
}

#[derive(Debug, Default)]
pub struct DeskOutcome {
    pub ballots: usize,
    pub void: usize,
    pub batches: usize,
    pub disputes: usize,
}

/// The printed number of paper ballot `i` ("0001"; the hub keeps it as "1").
pub fn paper_number(i: usize) -> String {
    format!("{:04}", i + 1)
}

/// What is on paper ballot `i` (its printed number and marks).
fn paper_ballot(
    maker: &BallotMaker,
    all: &[ProposalId],
    max: usize,
    offset: usize,
    i: usize,
) -> (String, Vec<ProposalId>) {
    let number = paper_number(i);
    let marks = match i % 25 {
        // One mark too many: void, over the limit.
        7 => all.iter().cycle().take(max + 1).cloned().collect(),
        // Nothing marked.
        13 => vec![],
        // The same proposal marked twice.
        19 => {
            let first = maker.ballot(offset + i)[0].clone();
            vec![first.clone(), first]
        }
        _ => maker.ballot(offset + i),
    };
    (number, marks)
}

struct Desk {
    conn: Conn,
    n: u64,
    name: String,
}

impl Desk {
    async fn open(url: &str, token: &str, name: &str) -> Result<Desk> {
        let (conn, _) = Conn::open(url, token, "simulate/desk").await?;
        Ok(Desk { conn, n: 0, name: name.to_string() })
    }

    async fn call(&mut self, c: Command) -> Result<Frame> {
        self.n += 1;
        let id = format!("desk-{}-{}-{:x}", self.name, self.n, rand::random::<u32>());
        tokio::time::sleep(PACE).await;
        self.conn.call(&id, &c).await
    }

    async fn key(&mut self, batch: u32, number: String, marks: Vec<ProposalId>) -> Result<()> {
        self.ok(Command::KeyPaper { batch, number, marks }).await.map(|_| ())
    }

    async fn ok(&mut self, c: Command) -> Result<Frame> {
        let what = c.name();
        let f = self.call(c).await?;
        if f.kind != "ack" {
            bail!("{}: {what} refused: {} {}", self.name, f.code.unwrap_or_default(), f.detail.unwrap_or_default());
        }
        Ok(f)
    }
}

/// Key `n` paper ballots in batches of 50 and see every batch agreed.
pub async fn count_paper(
    url: &str,
    tokens: &DeskTokens,
    maker: &BallotMaker,
    all: &[ProposalId],
    max_choices: usize,
    offset: usize,
    n: usize,
) -> Result<DeskOutcome> {
    if tokens.counters.len() < 2 {
        bail!("the tokens file has fewer than two counters (a data folder from an older hub? run hub tokens again)");
    }
    let mut a = Desk::open(url, &tokens.counters[0], "counter-1").await?;
    let mut b = Desk::open(url, &tokens.counters[1], "counter-2").await?;
    let mut scrutineer = Desk::open(url, &tokens.scrutineer, "scrutineer").await?;
    let mut out = DeskOutcome::default();
    let ballots: Vec<(String, Vec<ProposalId>)> =
        (0..n).map(|i| paper_ballot(maker, all, max_choices, offset, i)).collect();
    for (k, chunk) in ballots.chunks(BATCH).enumerate() {
        let batch = k as u32 + 1;
        let misread = (k == 0 && chunk.len() > 3).then(|| chunk[2].0.clone());
        // The two counters key at the same time, each from the paper.
        let first = async {
            for (number, marks) in chunk {
                let marks = if misread.as_ref() == Some(number) { all[..1].to_vec() } else { marks.clone() };
                a.key(batch, number.clone(), marks).await?;
            }
            a.ok(Command::FinishPaper { batch }).await.map(|_| ())
        };
        let second = async {
            for (number, marks) in chunk {
                b.key(batch, number.clone(), marks.clone()).await?;
            }
            Ok::<(), anyhow::Error>(())
        };
        let (r1, r2) = tokio::join!(first, second);
        r1?;
        r2?;
        b.ok(Command::FinishPaper { batch }).await?;
        if let Some(number) = &misread {
            // The copies differ at that number: counter 1 re-checks the sheet.
            out.disputes += 1;
            let marks = chunk.iter().find(|(n, _)| n == number).map(|(_, m)| m.clone()).unwrap_or_default();
            a.key(batch, number.clone(), marks).await?;
            a.ok(Command::FinishPaper { batch }).await?;
        }
        scrutineer.ok(Command::DeclareSheets { batch, sheets: chunk.len() as u32 }).await?;
        out.batches += 1;
    }
    out.ballots = n;
    out.void = ballots.iter().filter(|(_, m)| m.is_empty() || m.len() > max_choices || has_repeat(m)).count();
    a.conn.close().await;
    b.conn.close().await;
    scrutineer.conn.close().await;
    Ok(out)
}

fn has_repeat(m: &[ProposalId]) -> bool {
    let set: std::collections::HashSet<&ProposalId> = m.iter().collect();
    set.len() != m.len()
}
