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
        bail!("{} 里没有记录 / {} holds no entries", from.display(), from.display());
    }
    let mut store = Store::open(data).with_context(|| {
        format!(
            "数据文件夹 {d} 的数据库无法打开，请恢复到一个新文件夹（--data 新文件夹） / the database in {d} cannot be \
             opened; restore into a new folder (--data NEW-FOLDER)",
            d = data.display()
        )
    })?;
    let recorded = HeadRecord::read(data)?;
    let have = store.rows().with_context(|| {
        format!(
            "数据文件夹 {d} 的日志无法读取，请恢复到一个新文件夹 / the log in {d} cannot be read; restore into a new folder",
            d = data.display()
        )
    })?;
    if let Err(p) = check_chain(&have) {
        bail!("数据文件夹里的日志已损坏，请恢复到一个新文件夹 / the folder's log is damaged ({p}); restore into a new folder");
    }
    if have.len() > copy.len() {
        bail!(
            "数据文件夹 {d} 的日志（{} 条）比副本（{} 条）更长，不会被覆盖。\n\
             The data folder {d} holds a longer log ({} entries) than the copy ({} entries); it is not overwritten.",
            have.len(),
            copy.len(),
            have.len(),
            copy.len(),
            d = data.display()
        );
    }
    if let Some(r) = have.iter().zip(&copy).find(|(h, c)| h.hash != c.hash || h.prev != c.prev) {
        bail!(
            "数据文件夹 {d} 的日志在第 {s} 条与副本不同（{} 对 {}）：不是同一份日志，不会被覆盖。\n\
             The data folder {d}'s log differs from the copy at entry {s} ({} against {}): not the same log; it is not \
             overwritten.",
            grouped(&r.0.hash, 16),
            grouped(&r.1.hash, 16),
            grouped(&r.0.hash, 16),
            grouped(&r.1.hash, 16),
            d = data.display(),
            s = r.0.seq
        );
    }
    if let Some(h) = &recorded {
        if let Some(c) = h.seq.checked_sub(1).and_then(|i| copy.get(i as usize)) {
            if c.hash != h.hash {
                bail!(
                    "副本第 {s} 条与会场服务器确认过的不同：不是这场会议的日志 / the copy's entry {s} differs from what the \
                     hub acknowledged there: it is not this meeting's log",
                    s = h.seq
                );
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
            bail!("副本已损坏 / the copy is damaged: {p}");
        }
        rows.push(Row { seq: c.seq, prev: c.prev.clone(), hash: c.hash.clone(), body });
    }
    let mut all = have.clone();
    all.extend(rows.iter().cloned());
    if let Err(p) = check_chain(&all) {
        bail!("恢复后的日志无法校验，未写入 / the restored log would not verify, nothing written: {p}");
    }
    // Every entry keeps the rules, as `hub serve` and `hub verify` will check: a copy that breaks them is not restored.
    if let Err(f) = crate::meeting::replay::checked(&all) {
        bail!(
            "副本中的记录违反会议规则，未写入：{}\nThe copy holds an entry that breaks the meeting's rules; nothing written: {}",
            f.zh,
            f.en
        );
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
        "已恢复 / restored: {} 条新记录 / new entries ({} were already there); 日志现有 {} 条 / the log now has {} entries, head {}\n",
        rows.len(),
        have.len(),
        head.seq,
        head.seq,
        grouped(&head.hash, 16)
    );
    if let Some(why) = stopped {
        out.push_str(&format!(
            "注意：副本从第 {s} 条起是投票期间密封的记录，本文件夹的密钥打不开（{why}）。请恢复到原来的数据文件夹，\
             或在投票结束后从见证处取得打开的副本。\n\
             Note: from entry {s} on the copy holds entries sealed during the vote that this folder's key cannot open \
             ({why}). Restore into the meeting's own data folder, or get an opened copy from a witness after the close.\n",
            s = rows.len() + have.len() + 1
        ));
    }
    if let Some(r) = short_of_record {
        out.push_str(&format!(
            "注意：会场服务器确认过到第 {} 条，恢复后仍然缺少记录，服务器仍会拒绝启动；请用更完整的见证副本再恢复一次。\n\
             Note: the hub had acknowledged up to entry {}; the log is still short of it and the hub will still refuse to \
             start. Restore again from a longer witness copy.\n",
            r.seq, r.seq
        ));
    }
    if store_has_no_tokens(data)? {
        out.push_str(
            "注意：见证副本里没有卡的代码（日志只记录承诺，从不记录代码）。在新文件夹里，这场会议可以核对和导出\
             （hub verify、hub export），但不能继续开：没有卡能打开它。要继续开会，请恢复到会议原来的数据文件夹，\
             或者用含有卡片的备份（hub backup）恢复。\n\
             Note: a witness copy holds no card codes (the log keeps only their commitments, never the codes). In a new \
             folder the meeting can be checked and exported (hub verify, hub export) but not continued: no card opens \
             it. To go on with the meeting, restore into its own data folder, or from a backup (hub backup), which \
             holds the cards.\n",
        );
    }
    out.push_str(&format!("请核对 / check it: hub verify --data {}\n", data.display()));
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
        bail!("备份里的日志无法校验 / the backup's log fails verification: {p}");
    }
    let Some(last) = rows.last() else {
        bail!("{} 里没有记录 / {} holds no entries", from.display(), from.display())
    };
    if let Some(h) = HeadRecord::read(data)? {
        if h.seq.checked_sub(1).and_then(|i| rows.get(i as usize)).map(|r| &r.hash) != Some(&h.hash) {
            bail!(
                "备份与这个文件夹确认过的日志不符（第 {} 条） / the backup does not hold what this folder's hub acknowledged \
                 (entry {})",
                h.seq,
                h.seq
            );
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
    Ok(format!(
        "已从备份恢复 / restored from the backup: {} 条记录 / entries, head {}, with its cards and key\n\
         请核对 / check it: hub verify --data {}\n",
        head.seq,
        grouped(&head.hash, 16),
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
        bail!("不备份不完整的日志 / a log that is not whole is not backed up: {p}");
    }
    let head = rows.last().map(|r| grouped(&r.hash, 16)).unwrap_or_default();
    let bytes = std::fs::metadata(out)?.len();
    Ok(format!(
        "已备份 / backed up: {} ({} 条记录 / entries, head {head}, {} KiB)。\n\
         这一个文件包含整场会议：日志、卡片（令牌）和会场服务器的密钥，请像保管卡片一样保管它。\
         在另一台电脑上：hub restore --from {} --data 新文件夹\n\
         This one file holds the whole meeting: the log, the cards (tokens) and the hub's key; keep it as safe as the \
         cards. On another computer: hub restore --from {} --data NEW-FOLDER\n",
        out.display(),
        rows.len(),
        bytes / 1024,
        out.display(),
        out.display()
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
        bail!("日志已损坏，不能继续 / the log is damaged and cannot go on: {p}");
    }
    let Some(last) = rows.last() else { bail!("数据文件夹中没有会议 / the data folder holds no meeting") };
    let head = Head { seq: last.seq, hash: last.hash.clone() };
    let lost = match &recorded {
        Some(r) if r.seq > head.seq => format!(
            "第 {} 至 {} 条记录（{} 条）已确认但丢失，不能恢复。\nEntries {} to {} ({} entries) were acknowledged and are lost.",
            head.seq + 1,
            r.seq,
            r.seq - head.seq,
            head.seq + 1,
            r.seq,
            r.seq - head.seq
        ),
        Some(r) if r.seq.checked_sub(1).and_then(|i| rows.get(i as usize)).map(|x| &x.hash) != Some(&r.hash) => format!(
            "日志第 {} 条与会场服务器确认过的不同；从此以本日志为准。\nEntry {} differs from what the hub acknowledged; this log stands from now on.",
            r.seq, r.seq
        ),
        _ => "日志末端记录与日志一致；客户端此前见过的位置不再作为证据。\nThe head record agrees with the log; positions clients saw before no longer count as evidence.".to_string(),
    };
    let epoch = store.raise_tag_epoch()?;
    drop(store);
    let path = HeadRecord::path(data);
    if path.exists() {
        std::fs::remove_file(&path)?;
    }
    HeadRecord::open(data, &head)?;
    Ok(format!(
        "{lost}\n日志从第 {seq} 条（哈希 {h}）继续。丢失的选票不在日志中：这些投票人可以重新投票。请告知会场，并在会议记录中写明。\n\
         The log goes on from entry {seq} (hash {h}). Lost ballots are not in the log: those voters may vote again. Tell the \
         room, and note it in the meeting's minutes. (tag epoch {epoch})\n",
        seq = head.seq,
        h = grouped(&head.hash, 16)
    ))
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
