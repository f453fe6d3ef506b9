//! The durable store: one SQLite file holding the hash-chained event log,
//! the tokens, and the hub's own key (`meta`).
//!
//! The log is append-only. Each row keeps the exact JSON `body` that was
//! hashed, so that anyone can recompute the chain from an export
//! (docs/verification.md). WAL with `synchronous=FULL`: a committed
//! transaction survives a killed process and a power cut. The log alone
//! holds everything the meeting needs to answer a re-sent command id (each
//! body names its actor, command id and the command's digest), so nothing
//! outside the chain decides what a client is told.

use crate::said;
use anyhow::{bail, Context, Result};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::mpsc::RecvTimeoutError;
use std::time::Duration;
use yuanzhuo_engine::{chain_hash, Event, Recorded, GENESIS_PREV};
use yuanzhuo_protocol::words::console;
use yuanzhuo_protocol::{Role, TableNo};

pub const DB_FILE: &str = "meeting.sqlite";

/// The hashed part of a log entry. Field order is the serialisation order
/// and part of the format.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Body {
    pub seq: u64,
    pub at_ms: u64,
    pub actor: String,
    #[serde(default)]
    pub command_id: Option<String>,
    /// Digest of the command (`meeting::digest`): a re-sent id must carry
    /// the same command. Absent on entries no client command wrote.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command_digest: Option<String>,
    pub event: Event,
}

/// One row of the log, as stored.
#[derive(Debug, Clone)]
pub struct Row {
    pub seq: u64,
    pub prev: String,
    pub hash: String,
    pub body: String,
}

impl Row {
    pub fn parse(&self) -> Result<Body> {
        serde_json::from_str(&self.body).with_context(|| format!("log entry {} is not valid JSON", self.seq))
    }
    pub fn recorded(&self) -> Result<Recorded> {
        let b = self.parse()?;
        Ok(Recorded { seq: self.seq, at_ms: b.at_ms, hash: self.hash.clone(), event: b.event })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenRow {
    pub token: String,
    pub role: Role,
    pub table: Option<TableNo>,
    pub all_tables: bool,
    /// Voter serial ("V0042") or a short name for other tokens.
    pub serial: String,
}

/// A desk card's claim as the store keeps it (never in the log): the
/// salted hash of the PIN chosen, and the device (a short hash of its id).
/// A released claim is stored with empty values.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimRow {
    pub serial: String,
    pub pin_hash: String,
    pub device: String,
}

/// The background checkpoint thread; stops (and is waited for) on drop.
pub struct Checkpointer {
    stop: Option<std::sync::mpsc::Sender<()>>,
    join: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(j) = self.join.take() {
            let _ = j.join();
        }
    }
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// Bytes of the hub's secret key (`meta`): tags log positions for clients
/// and seals what a hidden tally keeps from witnesses (`keys.rs`).
const KEY_BYTES: usize = 32;

impl Store {
    pub fn path_in(dir: &Path) -> PathBuf {
        dir.join(DB_FILE)
    }

    /// Open (creating if needed) the store in `dir`.
    pub fn open(dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create data folder {}", dir.display()))?;
        let path = Self::path_in(dir);
        let conn = Connection::open(&path).with_context(|| format!("cannot open {}", path.display()))?;
        conn.busy_timeout(Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS log (
                seq     INTEGER PRIMARY KEY,
                prev    TEXT NOT NULL,
                hash    TEXT NOT NULL UNIQUE,
                body    TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS meta (
                name  TEXT PRIMARY KEY,
                value TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS tokens (
                token      TEXT PRIMARY KEY,
                role       TEXT NOT NULL,
                table_no   INTEGER,
                all_tables INTEGER NOT NULL DEFAULT 0,
                serial     TEXT NOT NULL UNIQUE,
                created_ms INTEGER NOT NULL
            );
            -- The pre-screening record's contacts (phone, address), by raw
            -- id: for the organiser's calls and letters, never in the log.
            CREATE TABLE IF NOT EXISTS contacts (
                raw     TEXT PRIMARY KEY,
                contact TEXT NOT NULL
            );",
        )?;
        // A desk card's claim: the PIN's salted hash and the device it is bound
        // to (the claim itself is in the log). Added to folders made before.
        let has_pin: bool =
            conn.prepare("SELECT 1 FROM pragma_table_info('tokens') WHERE name = 'pin_hash'")?.exists([])?;
        if !has_pin {
            conn.execute_batch(
                "ALTER TABLE tokens ADD COLUMN pin_hash TEXT; ALTER TABLE tokens ADD COLUMN device TEXT;",
            )?;
        }
        let key = hex::encode(rand::random::<[u8; KEY_BYTES]>());
        conn.execute("INSERT OR IGNORE INTO meta (name, value) VALUES ('key', ?1)", [key])?;
        Ok(Store { conn, path })
    }

    /// Open an existing store without writing to it (export, verify).
    pub fn open_read_only(dir: &Path) -> Result<Store> {
        let path = Self::path_in(dir);
        if !path.exists() {
            bail!("{}", said(console::NO_MEETING_DATA_AT, &[("path", &path.display())]));
        }
        let conn = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        conn.busy_timeout(Duration::from_secs(10))?;
        Ok(Store { conn, path })
    }

    /// Open a database file read-only wherever it is (a backup).
    pub fn open_file_read_only(path: &Path) -> Result<Store> {
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .with_context(|| format!("cannot open {}", path.display()))?;
        conn.busy_timeout(Duration::from_secs(10))?;
        Ok(Store { conn, path: path.to_path_buf() })
    }

    pub fn file(&self) -> &Path {
        &self.path
    }

    /// The data folder.
    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }

    /// The hub's secret key, if the store has one (every store opened for
    /// writing does).
    pub fn key(&self) -> Result<Option<Vec<u8>>> {
        let has_meta: bool = self.conn.query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'",
            [],
            |r| r.get::<_, i64>(0),
        )? > 0;
        if !has_meta {
            return Ok(None);
        }
        let hex_key: Option<String> =
            self.conn.query_row("SELECT value FROM meta WHERE name = 'key'", [], |r| r.get(0)).optional()?;
        match hex_key.map(hex::decode) {
            Some(Ok(k)) if k.len() == KEY_BYTES => Ok(Some(k)),
            Some(_) => bail!("the hub's key in {} is damaged", self.path.display()),
            None => Ok(None),
        }
    }

    /// The tag epoch (`keys.rs`): 0 until an organiser accepts a known loss.
    pub fn tag_epoch(&self) -> Result<u64> {
        let v: Option<String> = self
            .conn
            .query_row("SELECT value FROM meta WHERE name = 'tag_epoch'", [], |r| r.get(0))
            .optional()
            .or_else(|e| if e.to_string().contains("no such table") { Ok(None) } else { Err(e) })?;
        Ok(v.and_then(|v| v.parse().ok()).unwrap_or(0))
    }

    /// Raise the tag epoch: log positions shown to clients before no longer count as evidence.
    pub fn raise_tag_epoch(&mut self) -> Result<u64> {
        let next = self.tag_epoch()? + 1;
        self.conn.execute("INSERT OR REPLACE INTO meta (name, value) VALUES ('tag_epoch', ?1)", [next.to_string()])?;
        Ok(next)
    }

    /// SQLite's own check of the database file's structure (pages, indexes):
    /// damage outside the rows' contents, which the chain cannot see.
    pub fn quick_check(&self) -> Result<()> {
        let mut st = self.conn.prepare("PRAGMA quick_check")?;
        let problems: Vec<String> =
            st.query_map([], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
        if problems.len() == 1 && problems[0] == "ok" {
            return Ok(());
        }
        let problems = problems.iter().take(5).cloned().collect::<Vec<_>>().join("; ");
        bail!("{}", said(console::DATABASE_DAMAGED, &[("path", &self.path.display()), ("problems", &problems)]))
    }

    /// A consistent copy of the whole database (log, tokens, key) in one
    /// file, made while the hub may be writing (`VACUUM INTO` reads one
    /// snapshot of the database). `out` must not exist yet.
    pub fn backup_to(&self, out: &Path) -> Result<()> {
        if out.exists() {
            bail!("{}", said(console::NOT_OVERWRITTEN, &[("path", &out.display())]));
        }
        let target = out.to_str().ok_or_else(|| anyhow::anyhow!("the path {} is not UTF-8", out.display()))?;
        self.conn.execute("VACUUM INTO ?1", [target]).with_context(|| format!("cannot write {}", out.display()))?;
        std::fs::File::open(out)?.sync_all()?;
        Ok(())
    }

    pub fn rows(&self) -> Result<Vec<Row>> {
        let mut st = self.conn.prepare("SELECT seq, prev, hash, body FROM log ORDER BY seq")?;
        let rows = st
            .query_map([], |r| Ok(Row { seq: r.get(0)?, prev: r.get(1)?, hash: r.get(2)?, body: r.get(3)? }))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// At most `limit` rows from entry `from` on (for witnesses).
    pub fn rows_from(&self, from: u64, limit: usize) -> Result<Vec<Row>> {
        let mut st =
            self.conn.prepare_cached("SELECT seq, prev, hash, body FROM log WHERE seq >= ?1 ORDER BY seq LIMIT ?2")?;
        let rows = st
            .query_map(params![from, limit as i64], |r| {
                Ok(Row { seq: r.get(0)?, prev: r.get(1)?, hash: r.get(2)?, body: r.get(3)? })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Append rows in one transaction: all or nothing, durable when this
    /// returns Ok.
    pub fn append(&mut self, rows: &[Row]) -> Result<()> {
        self.append_with(rows, &[], &[], 0)
    }

    /// As `append`, with the tokens whose issue the rows record (voter
    /// cards), and the claims they record (a desk card's PIN and device), in
    /// the same transaction: a card exists exactly when its entry does.
    pub fn append_with(&mut self, rows: &[Row], tokens: &[TokenRow], claims: &[ClaimRow], now_ms: u64) -> Result<()> {
        self.write(rows, tokens, claims, &[], now_ms)
    }

    /// A new meeting's first entries, its cards and the pre-screening
    /// record's contacts (raw id, contact), in one transaction.
    pub fn create(
        &mut self,
        rows: &[Row],
        tokens: &[TokenRow],
        contacts: &[(String, String)],
        now_ms: u64,
    ) -> Result<()> {
        self.write(rows, tokens, &[], contacts, now_ms)
    }

    /// The contacts kept with the pre-screening record: raw id → contact.
    pub fn contacts(&self) -> Result<Vec<(String, String)>> {
        let mut st = self.conn.prepare("SELECT raw, contact FROM contacts ORDER BY raw")?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn write(
        &mut self,
        rows: &[Row],
        tokens: &[TokenRow],
        claims: &[ClaimRow],
        contacts: &[(String, String)],
        now_ms: u64,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut con = tx.prepare_cached("INSERT INTO contacts (raw, contact) VALUES (?1, ?2)")?;
            for (raw, contact) in contacts {
                con.execute(params![raw, contact])?;
            }
            let mut tok = tx.prepare_cached(
                "INSERT INTO tokens (token, role, table_no, all_tables, serial, created_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for t in tokens {
                tok.execute(params![t.token, t.role.en(), t.table, t.all_tables, t.serial, now_ms])?;
            }
            let mut claim = tx.prepare_cached("UPDATE tokens SET pin_hash = ?2, device = ?3 WHERE serial = ?1")?;
            for c in claims {
                claim.execute(params![c.serial, c.pin_hash, c.device])?;
            }
            let mut ins = tx.prepare_cached("INSERT INTO log (seq, prev, hash, body) VALUES (?1, ?2, ?3, ?4)")?;
            for r in rows {
                ins.execute(params![r.seq, r.prev, r.hash, r.body])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Give the WAL `bytes` of room that commits overwrite instead of
    /// extending the file: zeros written and synced at its end, once, before
    /// serving. A commit that extends the file also has its new size synced
    /// (the inode and block allocation), which doubled the cost of each
    /// `fsync` on the VM's disk (0.19 against 0.11 ms), so one voter at a
    /// time waited on it for every ballot. SQLite reads a WAL only as far as
    /// its frames carry the header's salt and checksums (and a page number,
    /// never 0): zeros past the last frame are ignored, as stale frames are
    /// after SQLite starts the WAL over from its beginning (at the first
    /// commit after a checkpoint that caught up, keeping the file's size; it
    /// would cut the file only under `journal_size_limit`, which the hub does
    /// not set, and deletes it when the hub stops cleanly, so the room is
    /// made at each start). Returns the bytes added: 0 if the WAL is that long
    /// already, or if the disk has less than `spare` free beyond the room (a
    /// nearly full disk keeps its space for the log itself).
    pub fn make_room_in_wal(&self, bytes: u64, spare: u64) -> Result<u64> {
        use std::io::Write;
        let mut wal = self.path.clone().into_os_string();
        wal.push("-wal");
        let wal = PathBuf::from(wal);
        // Opened by SQLite with the database (WAL mode); never created here.
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&wal)
            .with_context(|| format!("cannot open {}", wal.display()))?;
        let len = f.metadata()?.len();
        let free = rustix::fs::statvfs(&wal)
            .map(|s| s.f_bavail.saturating_mul(s.f_frsize))
            .with_context(|| format!("cannot read the free space of {}", wal.display()))?;
        if len >= bytes || free < (bytes - len).saturating_add(spare) {
            return Ok(0);
        }
        let zeros = vec![0u8; 1 << 20];
        let mut left = bytes - len;
        while left > 0 {
            let n = left.min(zeros.len() as u64) as usize;
            f.write_all(&zeros[..n]).with_context(|| format!("cannot write {}", wal.display()))?;
            left -= n as u64;
        }
        f.sync_all().with_context(|| format!("cannot sync {}", wal.display()))?;
        Ok(bytes - len)
    }

    /// Move WAL checkpoints off the committing thread. SQLite otherwise
    /// checkpoints inside the commit that crosses 1,000 WAL pages: that one
    /// commit also copies pages into the database file and fsyncs it, and
    /// every ballot waiting behind it is acknowledged late (the ack p99).
    /// A PASSIVE checkpoint from another connection never blocks the writer,
    /// and durability does not depend on it: a commit is durable in the WAL.
    pub fn checkpoint_in_background(&self, every: Duration) -> Result<Checkpointer> {
        let conn = Connection::open(&self.path).with_context(|| format!("cannot open {}", self.path.display()))?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let join = std::thread::Builder::new().name("wal-checkpoint".into()).spawn(move || {
            while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(every) {
                // (busy, frames in the WAL, frames copied); busy is normal under load.
                if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get::<_, i64>(0)) {
                    tracing::warn!("WAL checkpoint failed (the log is safe in the WAL; will retry): {e}");
                }
            }
        })?;
        let checkpointer = Checkpointer { stop: Some(stop), join: Some(join) };
        self.conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        Ok(checkpointer)
    }

    pub fn is_empty(&self) -> Result<bool> {
        Ok(self.conn.query_row("SELECT COUNT(*) FROM log", [], |r| r.get::<_, i64>(0))? == 0)
    }

    // ------------------------------------------------------------ tokens

    pub fn token(&self, token: &str) -> Result<Option<TokenRow>> {
        self.conn
            .query_row(
                "SELECT token, role, table_no, all_tables, serial FROM tokens WHERE token = ?1",
                [token],
                token_row,
            )
            .optional()
            .map_err(Into::into)
    }

    /// The claims of desk cards: serial → (PIN hash, device), for claimed cards.
    pub fn claims(&self) -> Result<Vec<ClaimRow>> {
        let mut st = self
            .conn
            .prepare("SELECT serial, pin_hash, device FROM tokens WHERE pin_hash IS NOT NULL ORDER BY rowid")?;
        let rows = st
            .query_map([], |r| Ok(ClaimRow { serial: r.get(0)?, pin_hash: r.get(1)?, device: r.get(2)? }))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    pub fn tokens(&self) -> Result<Vec<TokenRow>> {
        let mut st = self
            .conn
            .prepare("SELECT token, role, table_no, all_tables, serial FROM tokens ORDER BY created_ms, rowid")?;
        let rows = st.query_map([], token_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    pub fn insert_tokens(&mut self, tokens: &[TokenRow], now_ms: u64) -> Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut ins = tx.prepare(
                "INSERT INTO tokens (token, role, table_no, all_tables, serial, created_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for t in tokens {
                ins.execute(params![t.token, t.role.en(), t.table, t.all_tables, t.serial, now_ms])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Highest voter serial number minted so far.
    pub fn last_voter_number(&self) -> Result<u32> {
        let mut st = self.conn.prepare("SELECT serial FROM tokens WHERE role = 'voter'")?;
        let max = st
            .query_map([], |r| r.get::<_, String>(0))?
            .filter_map(|s| s.ok()?.trim_start_matches('V').parse::<u32>().ok())
            .max()
            .unwrap_or(0);
        Ok(max)
    }
}

fn token_row(r: &rusqlite::Row) -> rusqlite::Result<TokenRow> {
    let role: String = r.get(1)?;
    let role = serde_json::from_value(serde_json::Value::String(role)).unwrap_or(Role::Public);
    Ok(TokenRow { token: r.get(0)?, role, table: r.get(2)?, all_tables: r.get(3)?, serial: r.get(4)? })
}

/// Builds the next log rows: assigns sequence numbers and chains hashes.
pub struct Chain {
    pub seq: u64,
    pub head: String,
}

impl Chain {
    pub fn after(rows: &[Row]) -> Chain {
        match rows.last() {
            Some(r) => Chain { seq: r.seq, head: r.hash.clone() },
            None => Chain { seq: 0, head: GENESIS_PREV.to_string() },
        }
    }

    /// The next entry; `command` is the command's id and digest, if a client's command wrote it.
    pub fn next(&mut self, at_ms: u64, actor: &str, command: Option<(&str, &str)>, event: Event) -> (Row, Recorded) {
        let seq = self.seq + 1;
        let body = Body {
            seq,
            at_ms,
            actor: actor.to_string(),
            command_id: command.map(|c| c.0.to_string()),
            command_digest: command.map(|c| c.1.to_string()),
            event,
        };
        let text = serde_json::to_string(&body).expect("events serialise");
        let hash = chain_hash(&self.head, &text);
        let row = Row { seq, prev: self.head.clone(), hash: hash.clone(), body: text };
        self.seq = seq;
        self.head = hash.clone();
        (row, Recorded { seq, at_ms, hash, event: body.event })
    }
}

/// Check every link of the chain: sequence, `prev`, recomputed hash, and
/// that the body's own `seq` matches. Returns the first problem found.
pub fn check_chain(rows: &[Row]) -> std::result::Result<(), String> {
    let mut prev = GENESIS_PREV.to_string();
    for (i, r) in rows.iter().enumerate() {
        let expected_seq = i as u64 + 1;
        if r.seq != expected_seq {
            return Err(format!("entry {}: expected seq {expected_seq} (a gap or reordering)", r.seq));
        }
        if r.prev != prev {
            return Err(format!("entry {}: prev does not match the hash of entry {}", r.seq, r.seq - 1));
        }
        let h = chain_hash(&r.prev, &r.body);
        if h != r.hash {
            return Err(format!("entry {}: hash mismatch (the entry was changed)", r.seq));
        }
        match serde_json::from_str::<Body>(&r.body) {
            Ok(b) if b.seq == r.seq => {}
            Ok(b) => return Err(format!("entry {}: body says seq {}", r.seq, b.seq)),
            Err(e) => return Err(format!("entry {}: body unreadable: {e}", r.seq)),
        }
        prev = r.hash.clone();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(from: u64, n: u64) -> Vec<Row> {
        (from..from + n)
            .map(|seq| Row { seq, prev: format!("p{seq}"), hash: format!("h{seq}"), body: "x".repeat(2000) })
            .collect()
    }

    #[test]
    fn the_wal_is_checkpointed_in_the_background_and_nothing_is_lost() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let db_len = || std::fs::metadata(Store::path_in(dir.path())).unwrap().len();
        let before = db_len();
        let checkpoints = store.checkpoint_in_background(Duration::from_millis(20)).unwrap();
        for i in 0..20 {
            store.append(&rows(1 + i * 50, 50)).unwrap();
        }
        // About 2 MB went into the WAL; the commits themselves never copied it.
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while db_len() < before + 1_000_000 {
            assert!(std::time::Instant::now() < deadline, "no background checkpoint within 10 s");
            std::thread::sleep(Duration::from_millis(20));
        }
        drop(checkpoints);
        drop(store);
        let again = Store::open(dir.path()).unwrap();
        let all = again.rows().unwrap();
        assert_eq!((all.len(), all[999].seq), (1000, 1000));
    }

    fn wal_len(dir: &Path) -> u64 {
        std::fs::metadata(dir.join(format!("{DB_FILE}-wal"))).map_or(0, |m| m.len())
    }

    #[test]
    fn commits_overwrite_the_room_made_in_the_wal_and_a_recovery_reads_them_all() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        store.append(&rows(1, 10)).unwrap();
        let room = 8 << 20;
        assert_eq!(store.make_room_in_wal(room, u64::MAX / 2).unwrap(), 0, "no disk has that much to spare");
        assert!(store.make_room_in_wal(room, 0).unwrap() > 0);
        assert_eq!(store.make_room_in_wal(room, 0).unwrap(), 0, "the room is made once");
        for i in 0..20 {
            store.append(&rows(11 + i * 50, 50)).unwrap();
        }
        // About 2 MB of frames went in, and the file never grew past its room,
        // which is written blocks, not a hole (a hole's blocks would be
        // allocated, and synced, by the commits).
        assert_eq!(wal_len(dir.path()), room);
        use std::os::unix::fs::MetadataExt;
        let blocks = std::fs::metadata(dir.path().join(format!("{DB_FILE}-wal"))).unwrap().blocks();
        assert!(blocks * 512 >= room, "{blocks} blocks of 512 bytes");
        // A copy without the shared index, as after a power cut: SQLite
        // rebuilds the index from the WAL, stopping where the frames end.
        let copy = tempfile::tempdir().unwrap();
        for f in [DB_FILE.to_string(), format!("{DB_FILE}-wal")] {
            std::fs::copy(dir.path().join(&f), copy.path().join(&f)).unwrap();
        }
        let recovered = Store::open(copy.path()).unwrap();
        let all = recovered.rows().unwrap();
        assert_eq!((all.len(), all[1009].seq), (1010, 1010));
        assert_eq!(all[5].hash, "h6");
    }

    #[test]
    fn without_the_background_thread_the_commit_does_not_checkpoint() {
        // The other half of the claim above: with auto-checkpoints off and
        // nobody checkpointing, the database file does not grow.
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let db_len = || std::fs::metadata(Store::path_in(dir.path())).unwrap().len();
        drop(store.checkpoint_in_background(Duration::from_secs(3600)).unwrap());
        let before = db_len();
        for i in 0..20 {
            store.append(&rows(1 + i * 50, 50)).unwrap();
        }
        assert_eq!(db_len(), before);
    }
}
