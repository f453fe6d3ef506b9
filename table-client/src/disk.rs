//! The outbox on disk: one file per token under the state folder, named by
//! a hash of the token (never the token itself), written atomically (temp
//! file, fsync, rename, fsync of the folder) so that a crash or a closed
//! lid at any moment leaves either the old or the new list, never half.
//! Also: a lock so that two windows with the same token cannot overwrite
//! each other's outbox, and a journal of entries the hub refused.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::outbox::Entry;

const FORMAT: &str = "yuanzhuo-outbox/1";

/// `--state-dir`, else `$XDG_STATE_HOME/yuanzhuo`, else `~/.local/state/yuanzhuo`.
pub fn state_dir(explicit: Option<&Path>) -> PathBuf {
    if let Some(p) = explicit {
        return p.to_path_buf();
    }
    if let Some(x) = std::env::var_os("XDG_STATE_HOME").filter(|x| !x.is_empty()) {
        return PathBuf::from(x).join("yuanzhuo");
    }
    match std::env::var_os("HOME").filter(|x| !x.is_empty()) {
        Some(home) => PathBuf::from(home).join(".local/state/yuanzhuo"),
        None => PathBuf::from(".yuanzhuo-state"),
    }
}

/// The canonical form of a typed code, as the hub reads it, so that one
/// card gives one file.
pub use yuanzhuo_protocol::normalize_token;

/// A short public name for a token's files: the first 16 hex digits of SHA-256.
pub fn token_key(token: &str) -> String {
    let digest = Sha256::digest(normalize_token(token).as_bytes());
    hex::encode(&digest[..8])
}

#[derive(Debug, Clone, PartialEq)]
pub struct Paths {
    pub outbox: PathBuf,
    pub lock: PathBuf,
    pub rejected: PathBuf,
}

pub fn paths(dir: &Path, token: &str) -> Paths {
    let key = token_key(token);
    Paths {
        outbox: dir.join(format!("outbox-{key}.json")),
        lock: dir.join(format!("outbox-{key}.lock")),
        rejected: dir.join(format!("rejected-{key}.jsonl")),
    }
}

#[derive(Serialize, Deserialize)]
struct OutboxFile {
    format: String,
    entries: Vec<Entry>,
}

/// Read the outbox; a missing file is an empty outbox. A file that cannot
/// be read is moved aside (never deleted) and reported.
pub fn load(path: &Path) -> Result<Vec<Entry>, String> {
    let text = match fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(vec![]),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    match serde_json::from_str::<OutboxFile>(&text) {
        Ok(f) if f.format == FORMAT => Ok(f.entries),
        Ok(f) => Err(format!("{}: unknown format {}", path.display(), f.format)),
        Err(e) => {
            let aside = path.with_extension(format!("corrupt-{}", std::process::id()));
            let _ = fs::rename(path, &aside);
            Err(format!("{} ({e}); kept as {}", path.display(), aside.display()))
        }
    }
}

/// Replace the outbox file atomically.
pub fn save(path: &Path, entries: &[Entry]) -> io::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let body = serde_json::to_vec_pretty(&OutboxFile { format: FORMAT.into(), entries: entries.to_vec() })
        .map_err(io::Error::other)?;
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    {
        let mut f = OpenOptions::new().write(true).create(true).truncate(true).open(&tmp)?;
        f.write_all(&body)?;
        f.sync_all()?;
    }
    fs::rename(&tmp, path)?;
    // The rename itself must survive a power cut too.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Hold this for as long as the token's outbox is in use.
pub struct Lock {
    _file: File,
}

/// Take the token's lock, or say that another window holds it.
pub fn lock(path: &Path) -> Result<Lock, String> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(Lock { _file: file }),
        Err(fs::TryLockError::WouldBlock) => Err("busy".into()),
        Err(fs::TryLockError::Error(e)) => Err(format!("{}: {e}", path.display())),
    }
}

/// Keep a refused entry's words: appended, one JSON object a line.
pub fn journal_rejected(path: &Path, entry: &Entry, error: &yuanzhuo_protocol::ErrorMsg) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    let line = serde_json::json!({"entry": entry, "error": error}).to_string();
    let mut f = OpenOptions::new().create(true).append(true).open(path)?;
    writeln!(f, "{line}")?;
    f.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;
    use yuanzhuo_protocol::{Command, NoteTag};

    fn entry(id: &str, text: &str) -> Entry {
        Entry {
            id: id.into(),
            command: Command::AddNote {
                table: 1,
                proposal: Some("P03".into()),
                tag: NoteTag::Concern,
                text: text.into(),
            },
            made_at_ms: 1,
            sent_at_ms: None,
            not_before_ms: 0,
        }
    }

    fn tempdir() -> PathBuf {
        let d = std::env::temp_dir().join(format!("yz-disk-{}-{}", std::process::id(), rand::random::<u32>()));
        fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn the_file_name_hides_the_token_and_one_card_gives_one_file() {
        let p = paths(Path::new("/s"), "K7M2-Q9XP-2HDR-ABCD");
        let name = p.outbox.file_name().unwrap().to_str().unwrap().to_string();
        assert!(!name.contains("K7M2") && !name.to_lowercase().contains("k7m2"), "{name}");
        assert_eq!(p, paths(Path::new("/s"), "k7m2 q9xp 2hdr abcd"));
        assert_eq!(normalize_token("lo-io"), "1010");
        assert_ne!(token_key("AAAA"), token_key("AAAB"));
    }

    #[test]
    fn save_and_load_round_trip_atomically() {
        let dir = tempdir();
        let p = paths(&dir.join("nested"), "T0KEN");
        assert_eq!(load(&p.outbox).unwrap(), vec![], "no file: nothing pending");
        let entries = vec![entry("x-1", "晚上噪音会影响三楼住户"), entry("x-2", "第二条")];
        save(&p.outbox, &entries).unwrap();
        assert_eq!(load(&p.outbox).unwrap(), entries);
        save(&p.outbox, &entries[1..]).unwrap();
        assert_eq!(load(&p.outbox).unwrap(), entries[1..].to_vec());
        let leftovers: Vec<_> =
            fs::read_dir(dir.join("nested")).unwrap().filter_map(|e| e.ok()).map(|e| e.file_name()).collect();
        assert_eq!(leftovers.len(), 1, "no temp files left: {leftovers:?}");
        save(&p.outbox, &[]).unwrap();
        assert_eq!(load(&p.outbox).unwrap(), vec![]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_damaged_file_is_kept_aside_not_lost() {
        let dir = tempdir();
        let p = paths(&dir, "T0KEN");
        fs::write(&p.outbox, "{ not json").unwrap();
        let e = load(&p.outbox).unwrap_err();
        assert!(e.contains("kept as"), "{e}");
        assert!(!p.outbox.exists());
        let kept = fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .any(|e| e.file_name().to_string_lossy().contains("corrupt"));
        assert!(kept);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_second_window_with_the_same_token_is_refused() {
        let dir = tempdir();
        let p = paths(&dir, "T0KEN");
        let first = lock(&p.lock).unwrap();
        assert_eq!(lock(&p.lock).err().as_deref(), Some("busy"));
        drop(first);
        assert!(lock(&p.lock).is_ok());
        fs::remove_dir_all(&dir).unwrap();
    }
}
