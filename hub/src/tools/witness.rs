//! `hub witness`: keep a full, verified copy of a meeting's log on another
//! machine as it grows (Belenios' "the box only grows"). It follows the raw
//! log over `/ws` with a scrutineer's (or the organiser's) token
//! (`follow_log`), checks every entry's link and hash before appending it
//! to its file, and refuses — loudly, leaving its copy as it was — a hub
//! that sends an entry different from one it already holds.
//!
//! The copy is JSON lines, one entry per line, exactly as `hub export
//! --format log` writes them (`seq`, `prev`, `hash`, `body`); entries a
//! hidden tally keeps sealed until the close have `sealed` instead of
//! `body`. `hub restore --from FILE` rebuilds a data folder from it.

use anyhow::{bail, Context, Result};
use futures_util::{SinkExt, StreamExt};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;
use yuanzhuo_engine::{chain_hash, GENESIS_PREV};
use yuanzhuo_protocol::{ClientMsg, LogRow, Phase, Seen, ServerMsg};

use crate::meeting::head::grouped;
use crate::{said, told};
use yuanzhuo_protocol::words::console;

/// Exit status when the hub rewrote what this copy holds.
pub const EXIT_REWRITTEN: i32 = 3;

/// Why the witness stops for good.
#[derive(Debug)]
pub struct Rewritten(pub String);
impl std::fmt::Display for Rewritten {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for Rewritten {}

/// Does `row` follow `prev` (the entry before it, or none for entry 1)?
/// Checks the number, the link and, for an open body, its hash and its own
/// `seq`. A sealed body is checked once it is opened (`hub restore`).
pub fn check_next(prev: Option<&LogRow>, row: &LogRow) -> std::result::Result<(), String> {
    let (want_seq, want_prev) = match prev {
        Some(p) => (p.seq + 1, p.hash.as_str()),
        None => (1, GENESIS_PREV),
    };
    if row.seq != want_seq {
        return Err(format!("entry {}: expected entry {want_seq} (a gap or reordering)", row.seq));
    }
    if row.prev != want_prev {
        return Err(format!("entry {}: prev is not the hash of entry {}", row.seq, want_seq - 1));
    }
    match (&row.body, &row.sealed) {
        (Some(body), _) => check_body(row.seq, &row.prev, &row.hash, body),
        (None, Some(_)) if row.hash.len() == 64 && row.hash.chars().all(|c| c.is_ascii_hexdigit()) => Ok(()),
        (None, Some(_)) => Err(format!("entry {}: hash is not 64 hex digits", row.seq)),
        (None, None) => Err(format!("entry {}: no body", row.seq)),
    }
}

/// An open body against its entry: the recomputed hash and the body's own `seq`.
pub fn check_body(seq: u64, prev: &str, hash: &str, body: &str) -> std::result::Result<(), String> {
    if chain_hash(prev, body) != hash {
        return Err(format!("entry {seq}: hash mismatch (the entry was changed)"));
    }
    let v: serde_json::Value = serde_json::from_str(body).map_err(|e| format!("entry {seq}: body unreadable: {e}"))?;
    if v["seq"].as_u64() != Some(seq) {
        return Err(format!("entry {seq}: body says seq {}", v["seq"]));
    }
    Ok(())
}

/// A witness copy read back: its entries (each checked against the one
/// before), and whether an unfinished last line was left off (a witness
/// stopped in the middle of writing it).
pub struct Copy {
    pub rows: Vec<LogRow>,
    pub unfinished_line: bool,
}

/// Read and check a witness copy (or a `hub export --format log` file).
pub fn read_copy(path: &Path) -> Result<Copy> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let (complete, unfinished_line) = match text.rfind('\n') {
        Some(i) => (&text[..=i], !text[i + 1..].trim().is_empty()),
        None => ("", !text.trim().is_empty()),
    };
    let mut rows: Vec<LogRow> = vec![];
    for (i, line) in complete.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let row: LogRow = serde_json::from_str(line)
            .with_context(|| format!("{} line {}: not a log entry", path.display(), i + 1))?;
        if let Err(problem) = check_next(rows.last(), &row) {
            bail!("{} line {}: {problem}", path.display(), i + 1);
        }
        rows.push(row);
    }
    Ok(Copy { rows, unfinished_line })
}

fn line_of(row: &LogRow) -> String {
    serde_json::to_string(row).expect("log rows serialise") + "\n"
}

/// The copy on disk and in memory.
struct Held {
    path: PathBuf,
    rows: Vec<LogRow>,
    file: std::fs::File,
}

impl Held {
    fn open(path: &Path) -> Result<Held> {
        let rows = if path.exists() {
            let copy = read_copy(path)
                .with_context(|| said(console::WITNESS_COPY_UNREADABLE, &[("path", &path.display())]))?;
            if copy.unfinished_line {
                // Rewrite without the unfinished line, then append.
                let held = Held::rewrite(path, &copy.rows)?;
                return Ok(held);
            }
            copy.rows
        } else {
            vec![]
        };
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        Ok(Held { path: path.to_path_buf(), rows, file })
    }

    /// Write the whole copy again (atomically: a temporary file, synced, renamed).
    fn rewrite(path: &Path, rows: &[LogRow]) -> Result<Held> {
        let tmp = path.with_extension("tmp");
        {
            let mut f = std::fs::File::create(&tmp).with_context(|| format!("cannot write {}", tmp.display()))?;
            for r in rows {
                f.write_all(line_of(r).as_bytes())?;
            }
            f.sync_all()?;
        }
        std::fs::rename(&tmp, path)?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            crate::meeting::folder::sync_dir(dir)?;
        }
        let file = std::fs::OpenOptions::new().append(true).open(path)?;
        Ok(Held { path: path.to_path_buf(), rows: rows.to_vec(), file })
    }

    fn first_sealed(&self) -> Option<u64> {
        self.rows.iter().find(|r| r.sealed.is_some()).map(|r| r.seq)
    }

    /// Take a frame's rows: append what is new, open what was sealed; refuse
    /// any entry that differs from what is held. Returns true if the vote's
    /// close arrived (sealed entries can now be asked for again).
    fn take(&mut self, rows: Vec<LogRow>) -> Result<bool> {
        let mut fresh = String::new();
        let mut opened = false;
        let mut closed = false;
        for row in rows {
            let n = self.rows.len() as u64;
            if row.seq == 0 {
                continue;
            }
            if row.seq <= n {
                let held = &self.rows[row.seq as usize - 1];
                if held.hash != row.hash || held.prev != row.prev {
                    return Err(Rewritten(told(
                        console::HUB_REWROTE_ENTRY,
                        &[("seq", &row.seq), ("new", &grouped(&row.hash, 16)), ("old", &grouped(&held.hash, 16))],
                    ))
                    .into());
                }
                if held.sealed.is_some() {
                    if let Some(body) = &row.body {
                        check_body(row.seq, &row.prev, &row.hash, body).map_err(|p| {
                            Rewritten(said(console::OPENED_BODY_MISMATCH, &[("seq", &row.seq), ("problem", &p)]))
                        })?;
                        let at = row.seq as usize - 1;
                        self.rows[at] = row;
                        opened = true;
                    }
                }
                continue;
            }
            if let Err(problem) = check_next(self.rows.last(), &row) {
                return Err(Rewritten(said(console::ENTRY_DOES_NOT_FOLLOW, &[("problem", &problem)])).into());
            }
            closed |= row.body.as_deref().is_some_and(closes_the_vote);
            fresh.push_str(&line_of(&row));
            self.rows.push(row);
        }
        if opened {
            let again = Held::rewrite(&self.path, &self.rows)?;
            *self = again;
        } else if !fresh.is_empty() {
            self.file.write_all(fresh.as_bytes())?;
            self.file.sync_data()?;
        }
        Ok(closed)
    }
}

fn closes_the_vote(body: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(body)
        .is_ok_and(|v| v["event"]["type"] == "phase_changed" && v["event"]["to"] == "counted")
}

/// Options of `hub witness`.
pub struct WitnessOptions {
    pub hub: String,
    pub token: String,
    pub out: PathBuf,
}

/// Run until Ctrl+C, or until the hub rewrites what the copy holds (an
/// error of type [`Rewritten`]).
pub async fn run(opts: WitnessOptions) -> Result<()> {
    let url = ws_url(&opts.hub)?;
    let mut held = Held::open(&opts.out)?;
    let (copy, entries) = (console::WITNESS_COPY, console::ENTRIES_UNIT);
    eprintln!(
        "{} / {}: {} — {} {} / {}{}",
        copy.zh,
        copy.en,
        opts.out.display(),
        held.rows.len(),
        entries.zh,
        entries.en,
        held.rows.last().map(|r| format!(", head {}", grouped(&r.hash, 16))).unwrap_or_default()
    );
    let mut seen: Option<Seen> = None;
    let mut attempt = 0u32;
    loop {
        let session = session(&url, &opts.token, &mut held, &mut seen);
        let ended = tokio::select! {
            r = session => r,
            _ = tokio::signal::ctrl_c() => {
                eprintln!("{}", said(console::WITNESS_STOPPED, &[("path", &opts.out.display()), ("n", &held.rows.len())]));
                return Ok(());
            }
        };
        match ended {
            Ok(()) => attempt = 0,
            Err(e) if e.downcast_ref::<Rewritten>().is_some() => return Err(e),
            Err(e) if e.downcast_ref::<Refused>().is_some() => return Err(e),
            Err(e) => eprintln!("{}", said(console::CONNECTION_LOST, &[("error", &format!("{e:#}"))])),
        }
        attempt += 1;
        let wait = Duration::from_millis(500 * (1u64 << attempt.min(5))).min(Duration::from_secs(10));
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = tokio::signal::ctrl_c() => return Ok(()),
        }
    }
}

/// The hub turned the token away: retrying cannot help.
#[derive(Debug)]
struct Refused(String);
impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for Refused {}

fn ws_url(hub: &str) -> Result<String> {
    let rest = hub
        .strip_prefix("ws://")
        .or_else(|| hub.strip_prefix("http://"))
        .ok_or_else(|| anyhow::anyhow!("{}", said(console::HUB_ADDRESS_FORM, &[])))?;
    let authority = rest.split('/').next().unwrap_or("");
    if authority.is_empty() {
        bail!("--hub has no host");
    }
    Ok(format!("ws://{authority}/ws"))
}

async fn session(url: &str, token: &str, held: &mut Held, seen: &mut Option<Seen>) -> Result<()> {
    let connect = tokio_tungstenite::connect_async(url);
    let (mut ws, _) = tokio::time::timeout(Duration::from_secs(10), connect).await.context("connect timed out")??;
    // A scrutineer's card without device and PIN: read only (it follows the log, sends no command).
    let hello = ClientMsg::Hello {
        token: token.to_string(),
        client: Some("hub-witness/1".into()),
        device: None,
        pin: None,
        seen: seen.clone(),
    };
    ws.send(Message::text(serde_json::to_string(&hello)?)).await?;
    let mut welcomed = false;
    let mut refusal: Option<String> = None;
    let mut last_report = Instant::now() - Duration::from_secs(10);
    loop {
        let msg = match tokio::time::timeout(Duration::from_secs(40), ws.next()).await {
            Err(_) => bail!("no word from the hub for 40 s"),
            Ok(None) => bail!("connection closed"),
            Ok(Some(m)) => m?,
        };
        let text = match msg {
            Message::Text(t) => t,
            Message::Close(frame) => {
                let code = frame.as_ref().map(|f| f.code);
                match (welcomed, code, refusal) {
                    (false, Some(CloseCode::Policy), Some(r)) => return Err(Refused(r).into()),
                    (_, _, Some(r)) => bail!("{r}"),
                    _ => bail!("closed by the hub"),
                }
            }
            _ => continue,
        };
        let msg: ServerMsg = match serde_json::from_str(&text) {
            Ok(m) => m,
            Err(_) => continue,
        };
        match msg {
            ServerMsg::Welcome { you, snapshot } => {
                welcomed = true;
                let n = held.rows.len() as u64;
                if snapshot.seq < n {
                    let lost = told(
                        console::HUB_LOST_ENTRIES,
                        &[("hub", &snapshot.seq), ("n", &n), ("path", &held.path.display())],
                    );
                    eprintln!("\n{} / {}: {lost}\n", console::WARNING.zh, console::WARNING.en);
                }
                eprintln!("{}", said(console::CONNECTED_AS, &[("label", &you.label), ("n", &snapshot.seq)]));
                let again = if snapshot.phase >= Phase::Counted { held.first_sealed() } else { None };
                let from = again.unwrap_or(n + 1).min(n + 1).max(1);
                let follow = ClientMsg::FollowLog { from };
                ws.send(Message::text(serde_json::to_string(&follow)?)).await?;
            }
            ServerMsg::Log(frame) => {
                let last = frame.rows.last().map(|r| (r.seq, r.hash.clone()));
                let closed = held.take(frame.rows)?;
                if let Some((seq, head)) = last {
                    if !frame.log_tag.is_empty() && seq <= held.rows.len() as u64 {
                        *seen = Some(Seen { seq, head, tag: frame.log_tag });
                    }
                }
                if closed {
                    if let Some(from) = held.first_sealed() {
                        ws.send(Message::text(serde_json::to_string(&ClientMsg::FollowLog { from })?)).await?;
                    }
                }
                if last_report.elapsed() >= Duration::from_secs(1) {
                    last_report = Instant::now();
                    report(held);
                }
            }
            ServerMsg::Error(e) => {
                let text = format!("{} / {}{}", e.zh, e.en, e.detail.map(|d| format!(" ({d})")).unwrap_or_default());
                if welcomed {
                    eprintln!("{} / {}: {text}", console::THE_HUB.zh, console::THE_HUB.en);
                }
                refusal = Some(text);
            }
            _ => {}
        }
    }
}

fn report(held: &Held) {
    let sealed = held.rows.iter().filter(|r| r.sealed.is_some()).count();
    let head = held.rows.last().map(|r| grouped(&r.hash, 16)).unwrap_or_default();
    let until = console::SEALED_UNTIL_CLOSE;
    let sealed = if sealed > 0 { format!("; {sealed} {} ({})", until.en, until.zh) } else { String::new() };
    eprintln!("{}", said(console::WITNESS_REPORT, &[("n", &held.rows.len()), ("head", &head), ("sealed", &sealed)]));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meeting::store::Chain;
    use yuanzhuo_engine::Event;

    fn rows(n: u64) -> Vec<LogRow> {
        let mut chain = Chain::after(&[]);
        (0..n)
            .map(|i| {
                let r = chain.next(i, "hub", None, Event::MeetingOpened { fingerprint: format!("F{i}") }).0;
                LogRow { seq: r.seq, prev: r.prev, hash: r.hash, body: Some(r.body), sealed: None }
            })
            .collect()
    }

    #[test]
    fn the_box_only_grows() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("copy.jsonl");
        let all = rows(6);
        let mut held = Held::open(&path).unwrap();
        held.take(all[..3].to_vec()).unwrap();
        held.take(all[2..5].to_vec()).unwrap(); // overlap: the same entries again are fine
        assert_eq!(read_copy(&path).unwrap().rows, all[..5].to_vec());
        // A rewritten entry 4: refused, and the file is untouched.
        let mut forged = all[3].clone();
        forged.body = Some(forged.body.unwrap().replace("F3", "F9"));
        forged.hash = chain_hash(&forged.prev, forged.body.as_ref().unwrap());
        let before = std::fs::read(&path).unwrap();
        let e = held.take(vec![forged]).unwrap_err();
        assert!(e.downcast_ref::<Rewritten>().is_some() && e.to_string().contains("rewritten"), "{e}");
        assert_eq!(std::fs::read(&path).unwrap(), before);
        // A body that does not match its hash: refused.
        let mut bad = all[5].clone();
        bad.body = Some(bad.body.unwrap().replace("F5", "F8"));
        assert!(held.take(vec![bad]).is_err());
    }

    #[test]
    fn sealed_entries_are_linked_now_and_opened_later() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("copy.jsonl");
        let all = rows(3);
        let mut sealed = all[2].clone();
        sealed.sealed = Some("c2VhbGVk".into());
        sealed.body = None;
        let mut held = Held::open(&path).unwrap();
        held.take(vec![all[0].clone(), all[1].clone(), sealed]).unwrap();
        assert_eq!(held.first_sealed(), Some(3));
        held.take(vec![all[2].clone()]).unwrap();
        assert_eq!(held.first_sealed(), None);
        assert_eq!(read_copy(&path).unwrap().rows, all);
        // An unfinished last line (stopped mid-write) is left off on reopening.
        std::fs::OpenOptions::new().append(true).open(&path).unwrap().write_all(b"{\"seq\":4,").unwrap();
        let again = Held::open(&path).unwrap();
        assert_eq!(again.rows.len(), 3);
        assert!(!read_copy(&path).unwrap().unfinished_line);
    }
}
