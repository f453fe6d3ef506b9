//! `hub restore --from COPY --data DIR`: bring a data folder's log back
//! from a witness copy (`hub witness`, the scrutineer's page, or `hub export
//! --format log`) or from a backup (`hub backup`), checking every hash.
//!
//! It only ever lengthens a log: the folder's log must be the beginning of
//! the copy's, entry for entry; a folder holding a longer or a different
//! log is refused. A folder with no meeting yet gets the whole copy (from a
//! backup: the whole database, with the cards and the hub's key). Entries a
//! hidden tally sealed are opened with the folder's own key; a copy that
//! the folder cannot open is restored up to its first sealed entry, and the
//! report says so.

use anyhow::{bail, Context, Result};
use std::path::Path;
use yuanzhuo_protocol::LogRow;

use crate::meeting::folder::{self, Head, HeadRecord, Lock};
use crate::meeting::head::grouped;
use crate::meeting::keys::Keys;
use crate::meeting::store::{check_chain, Row, Store};
use crate::tools::witness::{check_body, read_copy};
use crate::{said, told};
use yuanzhuo_protocol::words::{console, ui};

const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";

/// Restore, and say what was done.
pub fn restore(from: &Path, data: &Path) -> Result<String> {
    folder::check_writable(data)?;
    let _lock = Lock::acquire(data)?;
    let mut magic = [0u8; 16];
    let is_backup = std::fs::File::open(from)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut magic))
        .map(|()| magic == SQLITE_MAGIC)
        .unwrap_or(false);
    let db = Store::path_in(data);
    let fresh = !db.exists() || Store::open_read_only(data).and_then(|s| s.is_empty()).unwrap_or(false);
    if is_backup && fresh {
        return from_backup_whole(from, data);
    }
    let copy: Vec<LogRow> = if is_backup {
        Store::open_file_read_only(from)?
            .rows()?
            .into_iter()
            .map(|r| LogRow { seq: r.seq, prev: r.prev, hash: r.hash, body: Some(r.body), sealed: None })
            .collect()
    } else {
        let c = read_copy(from)?;
        c.rows
    };
    if copy.is_empty() {
        bail!("{}", said(console::HOLDS_NO_ENTRIES, &[("path", &from.display())]));
    }
    let mut store =
        Store::open(data).with_context(|| said(console::DATABASE_CANNOT_OPEN, &[("path", &data.display())]))?;
    let recorded = HeadRecord::read(data)?;
    let have = store.rows().with_context(|| said(console::LOG_CANNOT_BE_READ, &[("path", &data.display())]))?;
    if let Err(p) = check_chain(&have) {
        bail!("{}", said(console::FOLDER_LOG_DAMAGED, &[("problem", &p)]));
    }
    if have.len() > copy.len() {
        let values: [(&str, &dyn std::fmt::Display); 3] =
            [("path", &data.display()), ("have", &have.len()), ("copy", &copy.len())];
        bail!("{}", told(console::FOLDER_LOG_LONGER, &values));
    }
    if let Some(r) = have.iter().zip(&copy).find(|(h, c)| h.hash != c.hash || h.prev != c.prev) {
        let (ours, theirs) = (grouped(&r.0.hash, 16), grouped(&r.1.hash, 16));
        let values: [(&str, &dyn std::fmt::Display); 4] =
            [("path", &data.display()), ("seq", &r.0.seq), ("have", &ours), ("copy", &theirs)];
        bail!("{}", told(console::FOLDER_LOG_DIFFERS, &values));
    }
    if let Some(h) = &recorded {
        if let Some(c) = h.seq.checked_sub(1).and_then(|i| copy.get(i as usize)) {
            if c.hash != h.hash {
                bail!("{}", said(console::COPY_NOT_THIS_MEETING, &[("seq", &h.seq)]));
            }
        }
    }
    // Open what was sealed, check every body, stop at the first that cannot be opened.
    let keys = store.key()?.map(|k| Keys::from_master(&k, 0));
    let mut rows: Vec<Row> = vec![];
    let mut stopped: Option<String> = None;
    for c in &copy[have.len()..] {
        let body = match (&c.body, &c.sealed, &keys) {
            (Some(b), _, _) => b.clone(),
            (None, Some(s), Some(k)) => match k.open(&c.hash, s) {
                Ok(b) => b,
                Err(e) => {
                    stopped = Some(format!("entry {} {e}", c.seq));
                    break;
                }
            },
            _ => {
                stopped = Some(format!("entry {} is sealed and this folder has no key", c.seq));
                break;
            }
        };
        if let Err(p) = check_body(c.seq, &c.prev, &c.hash, &body) {
            bail!("{}", said(console::COPY_DAMAGED, &[("problem", &p)]));
        }
        rows.push(Row { seq: c.seq, prev: c.prev.clone(), hash: c.hash.clone(), body });
    }
    let mut all = have.clone();
    all.extend(rows.iter().cloned());
    if let Err(p) = check_chain(&all) {
        bail!("{}", said(console::RESTORED_WOULD_NOT_VERIFY, &[("problem", &p)]));
    }
    // Every entry keeps the rules, as `hub serve` and `hub verify` will check: a copy that breaks them is not restored.
    if let Err(f) = crate::meeting::replay::checked(&all) {
        bail!("{}", told(console::COPY_BREAKS_RULES, &[("zh", &f.zh), ("en", &f.en)]));
    }
    if !rows.is_empty() {
        store.append(&rows)?;
    }
    let Some(last) = all.last() else { bail!("nothing to restore") };
    let head = Head { seq: last.seq, hash: last.hash.clone() };
    let short_of_record = recorded.as_ref().filter(|r| r.seq > head.seq).cloned();
    if short_of_record.is_none() {
        let mut record = HeadRecord::open(data, &head)?;
        record.write(&head)?;
    }
    drop(store);
    let mut out = format!(
        "{} / {}: {}; {}\n",
        console::RESTORED.zh,
        console::RESTORED.en,
        said(console::NEW_ENTRIES, &[("n", &rows.len()), ("had", &have.len())]),
        said(console::LOG_NOW_HAS, &[("n", &head.seq), ("head", &grouped(&head.hash, 16))])
    );
    if let Some(why) = stopped {
        out.push_str(&told(console::SEALED_CANNOT_OPEN, &[("seq", &(rows.len() + have.len() + 1)), ("why", &why)]));
        out.push('\n');
    }
    if let Some(r) = short_of_record {
        out.push_str(&told(console::STILL_SHORT, &[("seq", &r.seq)]));
        out.push('\n');
    }
    if store_has_no_tokens(data)? {
        out.push_str(&told(console::WITNESS_COPY_HAS_NO_CARDS, &[]));
        out.push('\n');
    }
    out.push_str(&format!(
        "{} / {}: hub verify --data {}\n",
        console::CHECK_IT.zh,
        console::CHECK_IT.en,
        data.display()
    ));
    Ok(out)
}

fn store_has_no_tokens(data: &Path) -> Result<bool> {
    Ok(Store::open_read_only(data)?.tokens()?.is_empty())
}

/// A backup into a folder with no meeting: the whole database (log, cards,
/// key), checked before it counts.
fn from_backup_whole(from: &Path, data: &Path) -> Result<String> {
    let source = Store::open_file_read_only(from)?;
    let rows = source.rows()?;
    if let Err(p) = check_chain(&rows) {
        bail!("{}", said(console::BACKUP_FAILS_VERIFICATION, &[("problem", &p)]));
    }
    let Some(last) = rows.last() else { bail!("{}", said(console::HOLDS_NO_ENTRIES, &[("path", &from.display())])) };
    if let Some(h) = HeadRecord::read(data)? {
        if h.seq.checked_sub(1).and_then(|i| rows.get(i as usize)).map(|r| &r.hash) != Some(&h.hash) {
            bail!("{}", said(console::BACKUP_NOT_ACKNOWLEDGED, &[("seq", &h.seq)]));
        }
    }
    for f in [crate::meeting::store::DB_FILE, "meeting.sqlite-wal", "meeting.sqlite-shm"] {
        let p = data.join(f);
        if p.exists() {
            std::fs::remove_file(&p).with_context(|| format!("cannot replace the empty {}", p.display()))?;
        }
    }
    source.backup_to(&Store::path_in(data))?;
    folder::sync_dir(data)?;
    let head = Head { seq: last.seq, hash: last.hash.clone() };
    let mut record = HeadRecord::open(data, &head)?;
    record.write(&head)?;
    let (restored, check) = (console::RESTORED_FROM_BACKUP, console::CHECK_IT);
    Ok(format!(
        "{} / {}: {}\n{} / {}: hub verify --data {}\n",
        restored.zh,
        restored.en,
        said(console::ENTRIES_WITH_CARDS, &[("n", &head.seq), ("head", &grouped(&head.hash, 16))]),
        check.zh,
        check.en,
        data.display()
    ))
}

/// `hub backup --data DIR --out FILE`: one consistent file, also while the hub serves.
pub fn backup(data: &Path, out: &Path) -> Result<String> {
    // The head record first: the log copied after it can only be longer.
    let recorded = HeadRecord::read(data)?;
    let store = Store::open_read_only(data)?;
    store.backup_to(out)?;
    let copy = Store::open_file_read_only(out)?;
    let rows = copy.rows()?;
    let problem = check_chain(&rows).err().or_else(|| {
        recorded.and_then(|h| {
            folder::shortfall(&h, rows.len() as u64, |seq| {
                seq.checked_sub(1).and_then(|i| rows.get(i as usize)).map(|r| r.hash.clone())
            })
        })
    });
    if let Some(p) = problem {
        drop(copy);
        let _ = std::fs::remove_file(out);
        bail!("{}", said(console::LOG_NOT_WHOLE, &[("problem", &p)]));
    }
    let head = rows.last().map(|r| grouped(&r.hash, 16)).unwrap_or_default();
    let bytes = std::fs::metadata(out)?.len();
    let (backed, entries) = (console::BACKED_UP, console::ENTRIES_UNIT);
    Ok(format!(
        "{} / {}: {} ({} {} / {}, head {head}, {} KiB){}\n{}\n",
        backed.zh,
        backed.en,
        out.display(),
        rows.len(),
        entries.zh,
        entries.en,
        bytes / 1024,
        ui::ES_END.zh,
        told(console::BACKUP_HOLDS_MEETING, &[("path", &out.display())])
    ))
}

/// `hub restore --accept-loss`: go on from the log as it stands although it
/// is shorter than what the hub acknowledged (no witness holds the rest).
/// The head record is brought down to the log, and log positions shown to
/// clients before no longer count as evidence (the tag epoch is raised).
/// Says exactly what is lost.
pub fn accept_loss(data: &Path) -> Result<String> {
    folder::check_writable(data)?;
    let _lock = Lock::acquire(data)?;
    let recorded = HeadRecord::read(data)?;
    let mut store = Store::open(data)?;
    let rows = store.rows()?;
    if let Err(p) = check_chain(&rows) {
        bail!("{}", said(console::LOG_DAMAGED_CANNOT_GO_ON, &[("problem", &p)]));
    }
    let Some(last) = rows.last() else { bail!("{}", said(console::NO_MEETING_IN_FOLDER, &[])) };
    let head = Head { seq: last.seq, hash: last.hash.clone() };
    let lost = match &recorded {
        Some(r) if r.seq > head.seq => {
            told(console::ENTRIES_LOST, &[("from", &(head.seq + 1)), ("to", &r.seq), ("n", &(r.seq - head.seq))])
        }
        Some(r) if r.seq.checked_sub(1).and_then(|i| rows.get(i as usize)).map(|x| &x.hash) != Some(&r.hash) => {
            told(console::ENTRY_DIFFERS_LOG_STANDS, &[("seq", &r.seq)])
        }
        _ => told(console::HEAD_RECORD_AGREES, &[]),
    };
    let epoch = store.raise_tag_epoch()?;
    drop(store);
    let path = HeadRecord::path(data);
    if path.exists() {
        std::fs::remove_file(&path)?;
    }
    HeadRecord::open(data, &head)?;
    let goes_on =
        told(console::LOG_GOES_ON, &[("seq", &head.seq), ("head", &grouped(&head.hash, 16)), ("epoch", &epoch)]);
    Ok(format!("{lost}\n{goes_on}\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meeting::store::Chain;
    use yuanzhuo_engine::Event;

    /// A folder with a meeting (entries 1 and 2), and `more` lawful rows that
    /// follow it (not written): the organiser opening the meeting (two
    /// entries) and moving it on a phase at a time.
    fn folder_and_more(dir: &Path, more: u64) -> (Vec<Row>, Vec<Row>) {
        use yuanzhuo_engine::{Actor, Ctx};
        use yuanzhuo_protocol::{Command, Phase};
        let mut store = Store::open(dir).unwrap();
        crate::meeting::create(&mut store, crate::documents::definition::load(None, None).unwrap().definition, None, 0)
            .unwrap();
        let have = store.rows().unwrap();
        let (mut state, _) = crate::meeting::replay::checked(&have).unwrap();
        let mut chain = Chain::after(&have);
        let commands = [Phase::Discussion, Phase::Picks, Phase::Pitches, Phase::Voting]
            .into_iter()
            .map(|to| Command::AdvancePhase { to });
        let mut rest = vec![];
        let now = crate::now_ms();
        for (i, command) in std::iter::once(Command::OpenMeeting).chain(commands).enumerate() {
            if rest.len() as u64 >= more {
                break;
            }
            let ctx = Ctx { now_ms: now, head: chain.head.clone() };
            let id = format!("c{i}");
            for e in state.decide(&Actor::organiser(), &command, &ctx).unwrap() {
                let (row, rec) = chain.next(now, "organiser", Some((&id, "d")), e);
                state.evolve(&rec);
                rest.push(row);
            }
        }
        assert_eq!(rest.len() as u64, more, "whole commands only");
        (have, rest)
    }

    fn copy_file(dir: &Path, rows: &[LogRow]) -> std::path::PathBuf {
        let p = dir.join("copy.jsonl");
        let text: String = rows.iter().map(|r| serde_json::to_string(r).unwrap() + "\n").collect();
        std::fs::write(&p, text).unwrap();
        p
    }

    fn wire(r: &Row, keys: Option<&Keys>) -> LogRow {
        match keys {
            Some(k) => LogRow {
                seq: r.seq,
                prev: r.prev.clone(),
                hash: r.hash.clone(),
                body: None,
                sealed: Some(k.seal(&r.hash, &r.body)),
            },
            None => LogRow {
                seq: r.seq,
                prev: r.prev.clone(),
                hash: r.hash.clone(),
                body: Some(r.body.clone()),
                sealed: None,
            },
        }
    }

    #[test]
    fn sealed_entries_are_opened_with_the_folders_own_key_only() {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        let (have, rest) = folder_and_more(&data, 4);
        let keys = Keys::from_master(&Store::open(&data).unwrap().key().unwrap().unwrap(), 0);
        let mut copy: Vec<LogRow> = have.iter().map(|r| wire(r, None)).collect();
        copy.extend(rest.iter().map(|r| wire(r, Some(&keys))));
        let file = copy_file(tmp.path(), &copy);

        // Another folder (another key) gets the open part only, and is told why.
        let other = tmp.path().join("other");
        let said = restore(&file, &other).unwrap();
        assert!(said.contains("the log now has 2 entries") && said.contains("sealed during the vote"), "{said}");
        // The meeting's own folder opens them, checking each against its hash.
        let said = restore(&file, &data).unwrap();
        assert!(said.contains("the log now has 6 entries"), "{said}");
        assert_eq!(Store::open_read_only(&data).unwrap().rows().unwrap().last().unwrap().body, rest[3].body);
        assert_eq!(HeadRecord::read(&data).unwrap().map(|h| h.seq), Some(6));
    }

    #[test]
    fn a_longer_or_different_log_is_never_overwritten() {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        let (have, rest) = folder_and_more(&data, 2);
        let mut store = Store::open(&data).unwrap();
        store.append(&rest).unwrap();
        drop(store);
        // A copy with only the first entry: shorter than the folder.
        let short = copy_file(tmp.path(), &[wire(&have[0], None)]);
        let e = restore(&short, &data).unwrap_err().to_string();
        assert!(e.contains("holds a longer log (4 entries) than the copy (1 entries)"), "{e}");
        // A copy that differs at entry 2 (its hashes recomputed, so that it checks by itself).
        let mut chain = Chain::after(&have[..1]);
        let mut forged = vec![wire(&have[0], None)];
        for i in 0..3 {
            let f = chain.next(9, "organiser", None, Event::MeetingOpened { fingerprint: format!("forged{i}") }).0;
            forged.push(wire(&f, None));
        }
        let file = copy_file(tmp.path(), &forged);
        let e = restore(&file, &data).unwrap_err().to_string();
        assert!(e.contains("differs from the copy at entry 2"), "{e}");
        // A copy whose body was changed without its hash: refused as damaged.
        let mut bad = wire(&rest[0], None);
        bad.body = Some(bad.body.unwrap().replace("\"c0\"", "\"c9\""));
        let file = copy_file(tmp.path(), &[wire(&have[0], None), wire(&have[1], None), bad]);
        assert!(restore(&file, &tmp.path().join("new")).unwrap_err().to_string().contains("hash mismatch"));
    }

    #[test]
    fn a_copy_that_breaks_the_rules_is_not_restored() {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        let (have, _) = folder_and_more(&data, 0);
        // Hashes recomputed, so that the chain checks: the entry itself breaks the rules.
        let mut chain = Chain::after(&have);
        let opened = Event::MeetingOpened { fingerprint: "F".into() };
        let forged = chain.next(crate::now_ms(), "organiser", Some(("x", "d")), opened).0;
        let copy: Vec<LogRow> = have.iter().chain([&forged]).map(|r| wire(r, None)).collect();
        let e = restore(&copy_file(tmp.path(), &copy), &data).unwrap_err().to_string();
        assert!(e.contains("breaks the meeting's rules") && e.contains("entry 3"), "{e}");
        assert_eq!(Store::open_read_only(&data).unwrap().rows().unwrap().len(), 2, "nothing written");
    }
}
