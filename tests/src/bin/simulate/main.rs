//! `simulate`: plays a whole screening meeting against a running hub over
//! real WebSockets, following docs/protocol.md only — the organiser moving
//! the phases, every table's chair, recorder and adviser at work, then a
//! crowd of voters — and reports how the hub coped.
//!
//!   cargo run --release -p yuanzhuo-tests --bin simulate -- \
//!       --hub ws://127.0.0.1:8470/ws --tokens tokens.json --voters 100
//!
//! (`tokens.json` from `hub tokens --format json --voters 100`.) If the hub
//! disappears mid-run it stops within seconds, keeps what it wrote, and
//! exits with status 2. Re-running with the same seed and tokens after a
//! crash re-sends the same ballots with the same command ids: voters whose
//! ballot was acknowledged get the same receipt again, the others vote.

mod ballots;
mod crowd;
mod desk;
mod door;
mod room;
mod stats;
mod wire;

use anyhow::{anyhow, bail, Context, Result};
use clap::{Parser, ValueEnum};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use yuanzhuo_protocol::{Command, Issue, Phase};

use ballots::BallotMaker;
use crowd::{Phones, Shared, Viewers, VotePlan};
use room::{Organiser, Sheet};
use stats::{Latency, Summary};

#[derive(Parser)]
#[command(name = "simulate", about = "Play a whole Yuanzhuo meeting against a running hub and measure it")]
struct Args {
    /// The hub's WebSocket address (ws://HOST:PORT or ws://HOST:PORT/ws).
    #[arg(long, default_value = "ws://127.0.0.1:8470/ws")]
    hub: String,
    /// Tokens as printed by `hub tokens --format json` (with voters).
    #[arg(long)]
    tokens: std::path::PathBuf,
    /// How many voters cast a ballot (default: every voter in the tokens file).
    #[arg(long)]
    voters: Option<usize>,
    /// Ballots per second (default: as fast as the hub answers).
    #[arg(long)]
    rate: Option<f64>,
    /// Ballots in flight at once.
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// Same seed, same ballots (and the same command ids).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Append one JSON line per acknowledged ballot: {"receipt", "choices", "seq",
    /// "log_head", "log_tag"}. If the file exists, the furthest position in it is
    /// sent to the hub on connecting (`seen`), so a hub that lost it stops.
    #[arg(long)]
    receipts: Option<std::path::PathBuf>,
    /// `full`: the whole meeting; `voting-only`: straight to the vote;
    /// `none`: leave the phases alone (vote only if voting is open).
    #[arg(long, value_enum, default_value_t = PhasePlan::Full)]
    phase: PhasePlan,
    /// Read-only connections that time how fast each ballot reaches them.
    #[arg(long, default_value_t = 0)]
    viewers: usize,
    /// Idle phones connected throughout (voter cards, doing nothing), timing phase changes.
    #[arg(long, default_value_t = 0)]
    idle: usize,
    /// Connect every voter before the first ballot, so that the vote measures ballots, not connects.
    #[arg(long)]
    preconnect: bool,
    /// Paper ballots keyed at the counting desk (two counters per batch of
    /// 50, one misreading corrected, a few void ballots, the scrutineer's
    /// sheet counts), after the phone vote.
    #[arg(long, default_value_t = 0)]
    paper: usize,
    /// The door register (the meeting needs `registration = "door"`):
    /// before the vote, registrars hand each phone voter their card and each
    /// paper voter a numbered ballot, at `--door-desks` desks at once.
    #[arg(long)]
    door: bool,
    /// Registration desks working at once (connections of the registrar cards).
    #[arg(long, default_value_t = 16)]
    door_desks: usize,
    /// Do not close the vote at the end.
    #[arg(long)]
    keep_open: bool,
    /// Once viewers and idle phones are connected, print `ready` and wait until standard input closes.
    #[arg(long)]
    hold: bool,
    /// Once the voters are connected (see --preconnect), print `voting` and wait until standard
    /// input closes before the first ballot (to profile the burst alone).
    #[arg(long)]
    hold_vote: bool,
    /// Also write the summary as JSON here.
    #[arg(long)]
    summary_json: Option<std::path::PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum PhasePlan {
    Full,
    VotingOnly,
    None,
}

fn main() {
    let args = Args::parse();
    let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
    match rt.block_on(run(args)) {
        Ok(()) => {}
        Err(e) => {
            eprintln!("simulate: {e:#}");
            std::process::exit(2);
        }
    }
    // Sockets still closing must not hold the exit.
    rt.shutdown_timeout(Duration::from_millis(200));
}

/// `ws://h:p` or `ws://h:p/ws` → (`ws://h:p/ws`, `h:p`).
fn hub_address(hub: &str) -> Result<(String, String)> {
    let rest = hub.strip_prefix("ws://").ok_or_else(|| anyhow!("--hub must start with ws://"))?;
    let authority = rest.split('/').next().unwrap_or("").to_string();
    if authority.is_empty() {
        bail!("--hub has no host");
    }
    Ok((format!("ws://{authority}/ws"), authority))
}

async fn run(args: Args) -> Result<()> {
    let (url, addr) = hub_address(&args.hub)?;
    let sheet_text =
        std::fs::read_to_string(&args.tokens).with_context(|| format!("cannot read {}", args.tokens.display()))?;
    let sheet = Sheet::parse(&serde_json::from_str(&sheet_text).context("the tokens file is not JSON")?)?;
    let voters: Vec<String> = match args.voters {
        Some(n) if n > sheet.voters.len() => {
            bail!(
                "--voters {n} but the tokens file has {} voter tokens (mint more: hub tokens --voters N)",
                sheet.voters.len()
            )
        }
        Some(n) => sheet.voters[..n].to_vec(),
        None => sheet.voters.clone(),
    };
    let shared = Arc::new(Shared {
        url: url.clone(),
        addr: addr.clone(),
        abort: Default::default(),
        errors: Default::default(),
    });
    if let Some(p) = &args.receipts {
        // An earlier run's acks: the furthest position the hub showed us.
        for line in std::fs::read_to_string(p).unwrap_or_default().lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap_or_default();
            if let (Some(seq), Some(head), Some(tag)) =
                (v["seq"].as_u64(), v["log_head"].as_str(), v["log_tag"].as_str())
            {
                wire::note_seen(seq, head, tag);
            }
        }
    }
    let receipts = match &args.receipts {
        Some(p) => Some(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(p)
                .with_context(|| format!("cannot open {}", p.display()))?,
        ),
        None => None,
    };

    let (mut org, meeting) =
        Organiser::connect(&url, &sheet.organiser).await.context("the organiser cannot connect")?;
    println!(
        "连接成功 / connected to {url}: {} proposals, {} tables, phase {}",
        meeting.proposals.len(),
        meeting.shares.len(),
        meeting.phase.as_str()
    );

    // Watchers first, so that they see everything that follows.
    let view_token = sheet.projector.clone().unwrap_or_else(|| "public".into());
    let viewers = Viewers::connect(&shared, &view_token, args.viewers).await;
    let phone_tokens = if sheet.voters.is_empty() { vec![view_token.clone()] } else { sheet.voters.clone() };
    let phones = if args.idle > 0 {
        let p = Phones::connect(&shared, &phone_tokens, args.idle).await?;
        println!("{} idle phones connected", p.count);
        Some(p)
    } else {
        None
    };
    if args.hold {
        println!("ready");
        let mut sink = vec![];
        let _ = tokio::io::stdin().read_to_end(&mut sink).await;
    }

    // The room.
    let maker_for_tables = BallotMaker::new(&meeting.proposals, &[], meeting.max_choices, args.seed);
    let mut picks = meeting.picks.clone();
    let mut excluded: Vec<String> = meeting.excluded.clone();
    match args.phase {
        PhasePlan::Full => {
            org.advance_to(Phase::Discussion).await?;
            let mut tables = vec![];
            for (i, share) in meeting.shares.iter().enumerate() {
                let Some(tokens) = sheet.tables.get(i).cloned() else { continue };
                let (url, share, maker) = (url.clone(), share.clone(), &maker_for_tables);
                let per = meeting.picks_per_table;
                tables.push(async move { room::table(&url, &tokens, (i + 1) as u16, &share, per, maker).await });
            }
            for r in futures_util::future::join_all(tables).await {
                // The organiser confirms each exclusion an adviser recommended, before the vote.
                if let Some(proposal) = r.context("a table's work failed")? {
                    org.command(Command::ConfirmExclusion {
                        proposal: proposal.clone(),
                        rule: 2,
                        reason: String::new(),
                    })
                    .await?;
                    excluded.push(proposal);
                }
            }
            org.advance_to(Phase::Pitches).await?;
            for (i, share) in meeting.shares.iter().enumerate() {
                picks.extend(maker_for_tables.popularity(share).into_iter().take(meeting.picks_per_table));
                org.command(Command::SetPitchTable { table: (i + 1) as u16 }).await?;
            }
            org.advance_to(Phase::Voting).await?;
        }
        PhasePlan::VotingOnly => org.advance_to(Phase::Voting).await?,
        PhasePlan::None => {}
    }
    println!("阶段 / phase: {}", org.phase.as_str());

    // The door: the residents who will vote come in first.
    let door = if args.door && org.phase < Phase::Counted {
        let mut issues: Vec<Issue> = sheet.voter_serials[..voters.len().min(sheet.voter_serials.len())]
            .iter()
            .map(|s| Issue::Card { serial: s.clone() })
            .collect();
        // The paper ballots' printed numbers, as the counting desk keys them.
        issues.extend((0..args.paper).map(|i| Issue::Paper { number: desk::paper_number(i) }));
        let d = door::register(&url, &sheet.registrars, args.door_desks, issues).await.context("the door register")?;
        println!(
            "门口登记 / door register: {} residents registered in {:.1} s ({:.0} a second)",
            d.registered,
            d.seconds,
            d.registered as f64 / d.seconds.max(1e-9)
        );
        Some(d)
    } else {
        None
    };

    // The vote.
    // Nobody can choose an excluded proposal.
    let open: Vec<String> = meeting.proposals.iter().filter(|p| !excluded.contains(p)).cloned().collect();
    let maker = Arc::new(BallotMaker::new(&open, &picks, meeting.max_choices, args.seed));
    let before = health(&addr).await;
    let n_voters = voters.len();
    let outcome = if n_voters > 0 && org.phase == Phase::Voting {
        let plan = VotePlan {
            voters,
            concurrency: args.concurrency,
            rate: args.rate,
            preconnect: args.preconnect,
            seed: args.seed,
            receipts,
            hold: args.hold_vote,
        };
        Some(crowd::vote(shared.clone(), maker, plan).await?)
    } else {
        None
    };
    let after = health(&addr).await;
    let paper = if args.paper > 0 && org.phase == Phase::Voting && !shared.abort.fired() {
        let tokens = desk::DeskTokens {
            counters: sheet.counters.clone(),
            scrutineer: sheet
                .scrutineers
                .first()
                .cloned()
                .ok_or_else(|| anyhow!("the tokens file has no scrutineer"))?,
        };
        let maker = BallotMaker::new(&meeting.proposals, &picks, meeting.max_choices, args.seed);
        let d = desk::count_paper(&url, &tokens, &maker, &meeting.proposals, meeting.max_choices, n_voters, args.paper)
            .await
            .context("the counting desk")?;
        println!(
            "点票 / counting desk: {} paper ballots in {} batches, {} void, {} disagreement(s) re-checked and resolved",
            d.ballots, d.batches, d.void, d.disputes
        );
        Some(d)
    } else {
        None
    };
    let last_seq = outcome.as_ref().and_then(|o| o.acked.iter().map(|a| a.seq).max()).unwrap_or(0);
    let seen = viewers.close_after(last_seq).await;
    if let Some(why) = shared.abort.why() {
        let acked = outcome.as_ref().map_or(0, |o| o.acked.len());
        bail!(
            "{why}: {acked} ballots were acknowledged before that{}",
            match &args.receipts {
                Some(p) => format!("; their receipts are in {}", p.display()),
                None => String::new(),
            }
        );
    }

    // Close the vote and publish. Only these phase changes are timed at the
    // phones: the ones before the vote happened before the crowd arrived.
    // As at a meeting, the organiser publishes once the close is on every
    // phone (there, minutes later, once the scrutineers have signed): each
    // phase change is timed on its own, from its command to the last phone.
    org.sent.lock().expect("sent").clear();
    if !args.keep_open && args.phase != PhasePlan::None && org.phase == Phase::Voting {
        while let Some(next) = org.phase.next().filter(|_| org.phase < Phase::Published) {
            org.advance_to(next).await?;
            if let Some(p) = &phones {
                p.wait_for(next.as_str(), Duration::from_secs(10)).await;
            }
        }
    }
    let mut summary = Summary { phase: org.phase.as_str().to_string(), close_ms: org.close_ms, ..Default::default() };
    if let Some(p) = phones {
        let sent = org.sent.lock().expect("sent").clone();
        let seen_phases = p.seen.lock().expect("seen").clone();
        let ms: Vec<f64> = seen_phases
            .iter()
            .filter_map(|(ph, t)| {
                sent.iter().find(|(s, _)| s == ph).map(|(_, at)| t.saturating_duration_since(*at).as_secs_f64() * 1e3)
            })
            .collect();
        summary.phase_broadcast_ms = Latency::of(ms);
        for (phase, _) in &sent {
            let one = seen_phases
                .iter()
                .filter(|(ph, _)| ph == phase)
                .filter_map(|(ph, t)| {
                    sent.iter()
                        .find(|(s, _)| s == ph)
                        .map(|(_, at)| t.saturating_duration_since(*at).as_secs_f64() * 1e3)
                })
                .collect();
            summary.phase_broadcast_by_phase.insert(phase.clone(), Latency::of(one));
        }
        summary.idle_phones = p.count;
        p.close().await;
    }
    if let Some(o) = &outcome {
        summary.ballots_attempted = o.attempted;
        summary.ballots_acked = o.acked.len() as u64;
        if let (Some(a), Some(b)) = (o.first_sent, o.last_ack) {
            summary.vote_seconds = b.duration_since(a).as_secs_f64();
            summary.ballots_per_sec = o.acked.len() as f64 / summary.vote_seconds.max(1e-9);
        }
        summary.ack_ms = Latency::of(o.acked.iter().map(|a| a.latency_ms).collect());
        summary.ack_to_viewer_ms = Latency::of(crowd::ack_to_viewer(&o.acked, &seen));
    }
    summary.viewers = seen.len();
    if let Some(d) = &paper {
        summary.paper_ballots = d.ballots;
        summary.paper_void = d.void;
    }
    if let Some(d) = &door {
        summary.registered = d.registered;
        summary.register_seconds = d.seconds;
    }
    summary.errors = shared.errors.lock().expect("errors").clone();
    if let (Some(b), Some(a)) = (before, after) {
        let commits = a.0.saturating_sub(b.0);
        summary.hub_commits = Some(commits);
        summary.hub_batch_avg = Some(a.1.saturating_sub(b.1) as f64 / commits.max(1) as f64);
    }
    summary.print();
    if org.phase >= Phase::Counted {
        match org.snapshot().await {
            Ok(s) => print_results(&s),
            Err(e) => eprintln!("simulate: no closing snapshot ({e:#})"),
        }
    }
    if let Some(p) = &args.summary_json {
        std::fs::write(p, serde_json::to_string_pretty(&summary)?)?;
    }
    Ok(())
}

/// The hub's commit counters from `/healthz`: (commits, commands).
async fn health(addr: &str) -> Option<(u64, u64)> {
    let mut s = tokio::time::timeout(Duration::from_secs(2), tokio::net::TcpStream::connect(addr)).await.ok()?.ok()?;
    s.write_all(format!("GET /healthz HTTP/1.0\r\nHost: {addr}\r\n\r\n").as_bytes()).await.ok()?;
    let mut buf = vec![];
    tokio::time::timeout(Duration::from_secs(2), s.read_to_end(&mut buf)).await.ok()?.ok()?;
    let text = String::from_utf8_lossy(&buf);
    let body = text.split_once("\r\n\r\n")?.1;
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    Some((v["log"]["commits"].as_u64()?, v["log"]["commands"].as_u64()?))
}

fn print_results(snapshot: &serde_json::Value) {
    let r = &snapshot["results"];
    let Some(ranking) = r["ranking"].as_array() else { return };
    let title = |id: &str| {
        snapshot["proposals"]
            .as_array()
            .and_then(|ps| ps.iter().find(|p| p["id"] == id))
            .and_then(|p| p["title"].as_str())
            .unwrap_or("")
            .to_string()
    };
    println!("\n结果 / results: {} ballots, funded {} of budget {}", r["ballots"], r["total_cost"], r["budget"]);
    for row in ranking.iter().take(12) {
        let id = row["proposal"].as_str().unwrap_or("");
        println!(
            "  {:>2}. {:<4} {:>4} votes  {:>7}  {} {}",
            row["position"],
            id,
            row["votes"],
            row["cost"],
            if row["funded"] == true { "✔ funded" } else { "  —     " },
            title(id)
        );
    }
    println!("  log head {}", snapshot["log_head"].as_str().unwrap_or(""));
}
