//! The room: the organiser moving the meeting through its phases, and each
//! table's chair, recorder and adviser doing what they do at a real table
//! (speakers queued and timed, notes in Chinese, annotations, three picks).

use anyhow::{anyhow, bail, Result};
use serde_json::Value;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use yuanzhuo_protocol::{Command, Feasibility, NoteTag, Phase, TableNo, TurnKind};

use crate::ballots::BallotMaker;
use crate::wire::Conn;

/// The tokens the simulator needs, read from `hub tokens --format json`.
pub struct Sheet {
    pub organiser: String,
    pub projector: Option<String>,
    /// Per table: (chair, recorder, adviser).
    pub tables: Vec<(String, String, String)>,
    pub voters: Vec<String>,
    pub counters: Vec<String>,
    pub scrutineers: Vec<String>,
    /// The door register's registrars (with `registration = "door"`).
    pub registrars: Vec<String>,
    /// The voter cards' serials, in the order of `voters`.
    pub voter_serials: Vec<String>,
}

impl Sheet {
    pub fn parse(v: &Value) -> Result<Sheet> {
        let tok = |v: &Value| v["token"].as_str().map(str::to_string);
        Ok(Sheet {
            organiser: tok(&v["organiser"]).ok_or_else(|| anyhow!("the tokens file has no organiser token"))?,
            projector: tok(&v["projector"]),
            tables: v["tables"]
                .as_array()
                .map(|ts| {
                    ts.iter()
                        .filter_map(|t| Some((tok(&t["chair"])?, tok(&t["recorder"])?, tok(&t["adviser"])?)))
                        .collect()
                })
                .unwrap_or_default(),
            voters: v["voters"].as_array().map(|vs| vs.iter().filter_map(tok).collect()).unwrap_or_default(),
            counters: v["counters"].as_array().map(|vs| vs.iter().filter_map(tok).collect()).unwrap_or_default(),
            scrutineers: v["scrutineers"].as_array().map(|vs| vs.iter().filter_map(tok).collect()).unwrap_or_default(),
            registrars: v["registrars"].as_array().map(|vs| vs.iter().filter_map(tok).collect()).unwrap_or_default(),
            voter_serials: v["voters"]
                .as_array()
                .map(|vs| vs.iter().filter_map(|x| x["serial"].as_str().map(str::to_string)).collect())
                .unwrap_or_default(),
        })
    }
}

/// What the simulator learns from the organiser's welcome.
pub struct Meeting {
    pub phase: Phase,
    pub proposals: Vec<String>,
    pub shares: Vec<Vec<String>>,
    pub picks: Vec<String>,
    /// Proposals already excluded (nobody may choose them).
    pub excluded: Vec<String>,
    pub max_choices: usize,
    pub picks_per_table: usize,
}

impl Meeting {
    pub fn from_welcome(text: &str) -> Result<Meeting> {
        let w: Value = serde_json::from_str(text)?;
        let s = &w["snapshot"];
        let phase = serde_json::from_value(s["phase"].clone()).map_err(|_| anyhow!("welcome without a phase"))?;
        let ids = |v: &Value| -> Vec<String> {
            v.as_array().map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect()).unwrap_or_default()
        };
        let proposals: Vec<String> = s["proposals"]
            .as_array()
            .map(|a| a.iter().filter_map(|p| p["id"].as_str().map(str::to_string)).collect())
            .unwrap_or_default();
        if proposals.is_empty() {
            bail!("the meeting has no proposals");
        }
        let tables = s["tables"].as_array().cloned().unwrap_or_default();
        Ok(Meeting {
            phase,
            shares: tables.iter().map(|t| ids(&t["share"])).collect(),
            picks: tables.iter().flat_map(|t| ids(&t["picks"])).collect(),
            excluded: s["exclusions"]
                .as_array()
                .map(|a| a.iter().filter_map(|x| x["proposal"].as_str().map(str::to_string)).collect())
                .unwrap_or_default(),
            max_choices: s["rules"]["max_choices"].as_u64().unwrap_or(10) as usize,
            picks_per_table: s["rules"]["picks_per_table"].as_u64().unwrap_or(3) as usize,
            proposals,
        })
    }
}

/// The organiser's connection; remembers when each phase command was sent
/// (the idle phones time the broadcast against it).
pub struct Organiser {
    conn: Conn,
    pub phase: Phase,
    n: u64,
    prefix: String,
    pub sent: Arc<Mutex<Vec<(String, Instant)>>>,
    /// How long the hub took to acknowledge the close (`counted`): the
    /// count, the commit and the broadcast.
    pub close_ms: Option<f64>,
}

impl Organiser {
    pub async fn connect(url: &str, token: &str) -> Result<(Organiser, Meeting)> {
        let (conn, welcome) = Conn::open(url, token, "simulate/organiser").await?;
        let meeting = Meeting::from_welcome(&welcome)?;
        let prefix = format!("org-{:x}", rand::random::<u32>());
        Ok((Organiser { conn, phase: meeting.phase, n: 0, prefix, sent: Default::default(), close_ms: None }, meeting))
    }

    pub async fn command(&mut self, c: Command) -> Result<()> {
        self.n += 1;
        let id = format!("{}-{}", self.prefix, self.n);
        let f = self.conn.call(&id, &c).await?;
        if f.kind != "ack" {
            bail!("organiser: {} refused: {} {}", c.name(), f.code.unwrap_or_default(), f.detail.unwrap_or_default());
        }
        Ok(())
    }

    /// Step through the phases up to `to` (nothing if already there or past).
    pub async fn advance_to(&mut self, to: Phase) -> Result<()> {
        while self.phase < to {
            let next = self.phase.next().ok_or_else(|| anyhow!("no phase after {:?}", self.phase))?;
            self.sent.lock().expect("sent").push((next.as_str().to_string(), Instant::now()));
            let c = if self.phase == Phase::Setup { Command::OpenMeeting } else { Command::AdvancePhase { to: next } };
            let asked = Instant::now();
            self.command(c).await?;
            if next == Phase::Counted {
                self.close_ms = Some(asked.elapsed().as_secs_f64() * 1e3);
            }
            self.phase = next;
        }
        Ok(())
    }

    /// The current snapshot, as JSON (for the closing summary).
    pub async fn snapshot(&mut self) -> Result<Value> {
        self.conn.send_snapshot_request().await?;
        loop {
            let (f, text) = self.conn.next_frame(std::time::Duration::from_secs(20)).await?;
            if f.kind == "snapshot" {
                return Ok(serde_json::from_str::<Value>(&text)?["snapshot"].clone());
            }
        }
    }
}

const NOTES: [(&str, NoteTag); 5] = [
    ("老人上下楼没有扶手，居民普遍支持", NoteTag::Support),
    ("担心施工期间噪音影响三楼住户休息", NoteTag::Concern),
    ("有居民认为应由物业公司负责，不应占用微实事资金", NoteTag::Objection),
    ("建议同时加装夜间感应照明", NoteTag::NewIdea),
    ("维护费用以后由谁承担？", NoteTag::Question),
];

/// One table's work during discussion: queue and time three speakers,
/// take notes, annotate, pick the three most popular of its share, lock.
/// Returns the proposal the adviser recommended excluding (under rule 2),
/// if any: the organiser confirms it before the vote.
pub async fn table(
    url: &str,
    tokens: &(String, String, String),
    table: TableNo,
    share: &[String],
    picks_per_table: usize,
    maker: &BallotMaker,
) -> Result<Option<String>> {
    let (chair_t, recorder_t, adviser_t) = tokens;
    let (mut chair, _) = Conn::open(url, chair_t, "simulate/chair").await?;
    let (mut recorder, _) = Conn::open(url, recorder_t, "simulate/recorder").await?;
    let (mut adviser, _) = Conn::open(url, adviser_t, "simulate/adviser").await?;
    let mut n = 0u32;
    let mut id = |who: &str| {
        n += 1;
        format!("sim-{who}-{table}-{n}-{:x}", rand::random::<u32>())
    };
    async fn ok(c: &mut Conn, id: String, cmd: Command) -> Result<crate::wire::Frame> {
        let f = c.call(&id, &cmd).await?;
        if f.kind != "ack" {
            bail!("{} refused: {} {}", cmd.name(), f.code.unwrap_or_default(), f.detail.unwrap_or_default());
        }
        Ok(f)
    }
    for (seat, turn) in [("3号", TurnKind::For), ("7号", TurnKind::Against), ("王阿姨", TurnKind::Question)] {
        ok(&mut chair, id("c"), Command::QueueSpeaker { table, name: seat.into(), turn }).await?;
    }
    for _ in 0..3 {
        ok(&mut chair, id("c"), Command::StartSpeaker { table, entry: None }).await?;
    }
    ok(&mut chair, id("c"), Command::StopSpeaker { table }).await?;

    let ranked = maker.popularity(share);
    for (k, (text, tag)) in NOTES.iter().enumerate().take(3) {
        let proposal = if k == 2 { None } else { ranked.get(k).cloned() };
        ok(&mut recorder, id("r"), Command::AddNote { table, proposal, tag: *tag, text: (*text).into() }).await?;
    }
    if let Some(first) = ranked.first() {
        ok(
            &mut adviser,
            id("a"),
            Command::Annotate {
                proposal: first.clone(),
                feasibility: Feasibility::Feasible,
                exclusion_rule: None,
                reason: String::new(),
                cost_estimate: None,
                remark: "技术上可行，建议雨季前完工".into(),
            },
        )
        .await?;
    }
    // The least popular one, when the share has more than the picks: an
    // adviser recommends excluding it.
    let excluded = ranked.last().filter(|_| ranked.len() > picks_per_table + 1).cloned();
    if let Some(last) = &excluded {
        ok(
            &mut adviser,
            id("a"),
            Command::Annotate {
                proposal: last.clone(),
                feasibility: Feasibility::Excluded,
                exclusion_rule: Some(2),
                reason: "属物业公司维修范围".into(),
                cost_estimate: None,
                remark: "建议向物业公司反映".into(),
            },
        )
        .await?;
    }
    let picks: Vec<String> = ranked.iter().take(picks_per_table).cloned().collect();
    if picks.len() == picks_per_table {
        ok(&mut chair, id("c"), Command::SetPicks { table, proposals: picks }).await?;
        ok(&mut chair, id("c"), Command::LockPicks { table }).await?;
    }
    chair.close().await;
    recorder.close().await;
    adviser.close().await;
    Ok(excluded)
}
