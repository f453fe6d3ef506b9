//! The data folder around the database: the lock that keeps a second hub
//! out, the head record that remembers how long the log was, the check that
//! the folder can be written at all, and what `/healthz` says about storage.
//!
//! A data folder holds `meeting.sqlite` (the log, the tokens), its
//! `meeting.sqlite-wal` (the latest commits, until they are checkpointed
//! into the database file), `meeting.head` (the head record) and, while a
//! hub serves it, `meeting.lock`. The first three travel together
//! (docs/architecture.md, "The data folder").

use anyhow::{bail, Context, Result};
use sha2::{Digest, Sha256};
use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tokio::sync::watch;
use yuanzhuo_protocol::words::console;

use crate::{said, told};

pub const LOCK_FILE: &str = "meeting.lock";
pub const HEAD_FILE: &str = "meeting.head";

// ------------------------------------------------------------ the lock

/// What a serving hub writes into its lock file.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Holder {
    pub pid: u32,
    /// `http://ADDRESS:PORT` once the hub listens (empty before).
    #[serde(default)]
    pub address: String,
    pub started_ms: u64,
}

/// An exclusive lock on a data folder (`meeting.lock`, held with the
/// operating system's file lock, so it is released however the process
/// ends, `kill -9` included). One hub serves a folder at a time; `hub
/// restore` takes it too. Reading commands (export, verify, tokens, backup)
/// do not need it.
pub struct Lock {
    file: File,
    holder: Holder,
}

impl Lock {
    /// Take the folder's lock, or say who holds it.
    pub fn acquire(dir: &Path) -> Result<Lock> {
        let path = dir.join(LOCK_FILE);
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let other = read_holder(&path);
                let who = match &other {
                    Some(h) if !h.address.is_empty() => format!("pid {}, {}", h.pid, h.address),
                    Some(h) => format!("pid {}", h.pid),
                    None => "?".to_string(),
                };
                bail!("{}", told(console::FOLDER_IN_USE, &[("who", &who), ("path", &dir.display())]));
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("cannot lock {}", path.display()));
            }
        }
        let mut lock = Lock {
            file,
            holder: Holder { pid: std::process::id(), address: String::new(), started_ms: crate::now_ms() },
        };
        lock.write()?;
        Ok(lock)
    }

    /// Record where this hub listens, so that other commands can find it.
    pub fn set_address(&mut self, address: &str) -> Result<()> {
        self.holder.address = address.to_string();
        self.write()
    }

    fn write(&mut self) -> Result<()> {
        let text = serde_json::to_string(&self.holder)? + "\n";
        self.file.set_len(0)?;
        self.file.seek(SeekFrom::Start(0))?;
        self.file.write_all(text.as_bytes())?;
        Ok(())
    }
}

fn read_holder(path: &Path) -> Option<Holder> {
    serde_json::from_str(std::fs::read_to_string(path).ok()?.trim()).ok()
}

/// The hub serving `dir`, if one does (its lock is held).
pub fn serving(dir: &Path) -> Option<Holder> {
    let path = dir.join(LOCK_FILE);
    let file = File::open(&path).ok()?;
    match file.try_lock_shared() {
        Ok(()) => None,
        Err(_) => read_holder(&path),
    }
}

// ------------------------------------------------------------ writable?

/// Refuse a folder the hub could not write to, before anything is served:
/// a read-only disk, a folder without permission, a full disk. Writes a
/// small probe file, syncs it and removes it; checks that the database
/// files, if present, open for writing.
pub fn check_writable(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| unwritable(dir, &e))?;
    let probe = dir.join(format!(".write-check-{}", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut f = OpenOptions::new().write(true).create(true).truncate(true).open(&probe)?;
        f.write_all(&[0u8; 4096])?;
        f.sync_all()
    })();
    let _ = std::fs::remove_file(&probe);
    result.map_err(|e| unwritable(dir, &e))?;
    for name in [crate::meeting::store::DB_FILE, "meeting.sqlite-wal", "meeting.sqlite-shm", HEAD_FILE] {
        let p = dir.join(name);
        if p.exists() {
            OpenOptions::new().read(true).write(true).open(&p).map_err(|e| unwritable(&p, &e))?;
        }
    }
    Ok(())
}

fn unwritable(path: &Path, e: &std::io::Error) -> anyhow::Error {
    let why = match e.kind() {
        ErrorKind::ReadOnlyFilesystem => console::DISK_READ_ONLY,
        ErrorKind::PermissionDenied => console::NO_PERMISSION_TO_WRITE,
        ErrorKind::StorageFull | ErrorKind::QuotaExceeded => console::DISK_FULL,
        _ => console::CANNOT_BE_WRITTEN,
    };
    let values: [(&str, &dyn std::fmt::Display); 4] =
        [("path", &path.display()), ("zh", &why.zh), ("en", &why.en), ("error", e)];
    anyhow::anyhow!("{}", told(console::FOLDER_NOT_WRITABLE, &values))
}

// ------------------------------------------------------------ the head record

/// A log position: entry `seq` has hash `hash`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub seq: u64,
    pub hash: String,
}

const SLOT: usize = 512;
const HEAD_FORMAT: &str = "yuanzhuo-head/1";

/// The head record, `meeting.head`: the last log position the hub has
/// acknowledged anything at, written and synced after every commit and
/// before the acknowledgements leave. The log in the database must always
/// reach it; a log that does not (a lost `meeting.sqlite-wal`) is refused.
///
/// Two 512-byte slots written in turn, each with its own check, so that a
/// write torn by a power cut leaves the other slot, one commit older.
pub struct HeadRecord {
    file: File,
    writes: u64,
}

impl HeadRecord {
    pub fn path(dir: &Path) -> PathBuf {
        dir.join(HEAD_FILE)
    }

    /// The recorded head: `None` if the folder has no head record yet, an
    /// error if it has one that cannot be read.
    pub fn read(dir: &Path) -> Result<Option<Head>> {
        let path = Self::path(dir);
        let mut bytes = vec![];
        match File::open(&path) {
            Ok(mut f) => {
                f.read_to_end(&mut bytes).with_context(|| format!("cannot read {}", path.display()))?;
            }
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        }
        let best = bytes.chunks(SLOT).filter_map(parse_slot).max_by_key(|h| h.seq);
        match best {
            Some(h) => Ok(Some(h)),
            None => bail!("{}", said(console::HEAD_RECORD_DAMAGED, &[("path", &path.display())])),
        }
    }

    /// Open the head record for writing, creating it at `head` if missing.
    pub fn open(dir: &Path, head: &Head) -> Result<HeadRecord> {
        let path = Self::path(dir);
        if !path.exists() {
            let tmp = dir.join(format!("{HEAD_FILE}.tmp"));
            let mut f = File::create(&tmp).with_context(|| format!("cannot write {}", tmp.display()))?;
            let slot = slot_bytes(head);
            f.write_all(&slot)?;
            f.write_all(&slot)?;
            f.sync_all()?;
            drop(f);
            std::fs::rename(&tmp, &path)?;
            sync_dir(dir)?;
        }
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(&path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        Ok(HeadRecord { file, writes: 0 })
    }

    /// Record `head` durably (one small write and `fdatasync`).
    pub fn write(&mut self, head: &Head) -> std::io::Result<()> {
        let offset = (self.writes % 2) * SLOT as u64;
        self.writes += 1;
        self.file.seek(SeekFrom::Start(offset))?;
        self.file.write_all(&slot_bytes(head))?;
        self.file.sync_data()
    }
}

fn check_of(seq: u64, hash: &str) -> String {
    let digest = Sha256::digest(format!("{HEAD_FORMAT} seq={seq} hash={hash}").as_bytes());
    hex::encode(&digest[..8])
}

fn slot_bytes(head: &Head) -> Vec<u8> {
    let line = format!("{HEAD_FORMAT} seq={} hash={} check={}", head.seq, head.hash, check_of(head.seq, &head.hash));
    let mut out = line.into_bytes();
    out.resize(SLOT - 1, b' ');
    out.push(b'\n');
    out
}

fn parse_slot(slot: &[u8]) -> Option<Head> {
    let text = std::str::from_utf8(slot).ok()?.trim();
    let mut parts = text.split(' ');
    if parts.next()? != HEAD_FORMAT {
        return None;
    }
    let seq: u64 = parts.next()?.strip_prefix("seq=")?.parse().ok()?;
    let hash = parts.next()?.strip_prefix("hash=")?.to_string();
    let check = parts.next()?.strip_prefix("check=")?;
    (parts.next().is_none() && check == check_of(seq, &hash)).then_some(Head { seq, hash })
}

/// Make a rename or a new file in `dir` durable.
pub fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

/// What the head record says against the log the database holds: `None`
/// when the log reaches the record with the same hash there.
pub fn shortfall(recorded: &Head, len: u64, hash_at: impl Fn(u64) -> Option<String>) -> Option<String> {
    if recorded.seq > len {
        let head = crate::meeting::head::grouped(&recorded.hash, 16);
        return Some(told(console::ACKNOWLEDGED_MISSING, &[("len", &len), ("seq", &recorded.seq), ("head", &head)]));
    }
    match hash_at(recorded.seq) {
        Some(h) if h == recorded.hash => None,
        other => {
            let have = crate::meeting::head::grouped(other.as_deref().unwrap_or(""), 16);
            let want = crate::meeting::head::grouped(&recorded.hash, 16);
            Some(told(console::LOG_CHANGED, &[("seq", &recorded.seq), ("have", &have), ("want", &want)]))
        }
    }
}

// ------------------------------------------------------------ health

/// Storage and log health, shared by the meeting task (which writes) and
/// `/healthz`, the console and the connections (which read).
pub struct Health {
    dir: PathBuf,
    /// The last write that failed (cleared by the next one that succeeds).
    last_error: Mutex<Option<String>>,
    /// Set when the hub has found its log shorter than what it acknowledged:
    /// it then serves nothing from the log until restored (never as intact).
    halted: Mutex<Option<Halt>>,
    halt_tx: watch::Sender<bool>,
}

/// Why the hub stopped serving the log, in both languages.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Halt {
    pub zh: String,
    pub en: String,
    /// The short form sent to clients with `log_behind`.
    pub detail: String,
}

/// Below this much free space the disk counts as full.
pub const MIN_FREE_BYTES: u64 = 1 << 20;

impl Health {
    pub fn new(dir: &Path) -> Health {
        Health {
            dir: dir.to_path_buf(),
            last_error: Mutex::new(None),
            halted: Mutex::new(None),
            halt_tx: watch::channel(false).0,
        }
    }

    pub fn write_failed(&self, what: String) {
        *self.last_error.lock().expect("health") = Some(what);
    }
    pub fn write_succeeded(&self) {
        let mut e = self.last_error.lock().expect("health");
        if e.is_some() {
            *e = None;
        }
    }

    pub fn halt(&self, why: Halt) {
        let mut h = self.halted.lock().expect("health");
        if h.is_none() {
            *h = Some(why);
            self.halt_tx.send_replace(true);
        }
    }
    pub fn halted(&self) -> Option<Halt> {
        self.halted.lock().expect("health").clone()
    }
    /// Fires (becomes true) when the hub halts.
    pub fn on_halt(&self) -> watch::Receiver<bool> {
        self.halt_tx.subscribe()
    }

    /// The storage part of `/healthz`: free space and read-only state of the
    /// data folder's file system (statvfs), and the last failed write.
    pub fn storage(&self) -> serde_json::Value {
        let last_error = self.last_error.lock().expect("health").clone();
        let (free, read_only, probe_error) = match rustix::fs::statvfs(&self.dir) {
            Ok(s) => (
                Some(s.f_bavail.saturating_mul(s.f_frsize)),
                s.f_flag.contains(rustix::fs::StatVfsMountFlags::RDONLY),
                None,
            ),
            Err(e) => (None, false, Some(e.to_string())),
        };
        let full = free.is_some_and(|f| f < MIN_FREE_BYTES);
        let ok = last_error.is_none() && !read_only && !full && probe_error.is_none();
        let problem = if read_only {
            Some(console::DISK_READ_ONLY)
        } else if full {
            Some(console::DISK_FULL)
        } else if last_error.is_some() {
            Some(console::LAST_WRITE_FAILED)
        } else if probe_error.is_some() {
            Some(console::DISK_STATE_UNREADABLE)
        } else {
            None
        };
        serde_json::json!({
            "ok": ok,
            "free_bytes": free,
            "read_only": read_only,
            "last_error": last_error.or(probe_error),
            "zh": problem.map(|p| p.zh),
            "en": problem.map(|p| p.en),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_head_record_keeps_the_last_good_slot() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(HeadRecord::read(dir.path()).unwrap(), None);
        let h = |seq| Head { seq, hash: format!("{seq:064x}") };
        let mut r = HeadRecord::open(dir.path(), &h(1)).unwrap();
        assert_eq!(HeadRecord::read(dir.path()).unwrap(), Some(h(1)));
        for seq in 2..=5 {
            r.write(&h(seq)).unwrap();
        }
        assert_eq!(HeadRecord::read(dir.path()).unwrap(), Some(h(5)));
        // A torn write: the newest slot is half overwritten. The other slot, one commit older, stands.
        let path = HeadRecord::path(dir.path());
        let mut bytes = std::fs::read(&path).unwrap();
        let newest = if parse_slot(&bytes[..SLOT]).unwrap().seq == 5 { 0 } else { SLOT };
        bytes[newest + 30] ^= 1;
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(HeadRecord::read(dir.path()).unwrap(), Some(h(4)));
        // Both damaged: refused, not taken for "no record".
        bytes[(SLOT - newest) + 30] ^= 1;
        std::fs::write(&path, &bytes).unwrap();
        let e = HeadRecord::read(dir.path()).unwrap_err().to_string();
        assert!(e.contains("damaged"), "{e}");
    }

    #[test]
    fn shortfall_names_the_missing_entries() {
        let rec = Head { seq: 10, hash: "ab".repeat(32) };
        assert!(shortfall(&rec, 12, |_| Some("ab".repeat(32))).is_none());
        let short = shortfall(&rec, 8, |_| None).unwrap();
        assert!(short.contains("ends at entry 8") && short.contains("up to entry 10"), "{short}");
        let changed = shortfall(&rec, 12, |_| Some("cd".repeat(32))).unwrap();
        assert!(changed.contains("was changed"), "{changed}");
    }

    #[test]
    fn a_second_lock_names_the_first_holder() {
        let dir = tempfile::tempdir().unwrap();
        let mut first = Lock::acquire(dir.path()).unwrap();
        first.set_address("http://127.0.0.1:8470").unwrap();
        let e = Lock::acquire(dir.path()).err().unwrap().to_string();
        assert!(e.contains(&format!("pid {}", std::process::id())) && e.contains("http://127.0.0.1:8470"), "{e}");
        assert_eq!(serving(dir.path()).map(|h| h.address), Some("http://127.0.0.1:8470".to_string()));
        drop(first);
        assert!(serving(dir.path()).is_none());
        Lock::acquire(dir.path()).unwrap();
    }
}
