//! Tokens: minting them, recognising them, and what each one may do.
//!
//! A token is a random Crockford base32 code. It is secret; what the log and
//! the screens show is the token's public serial ("V0042", "chair-2").
//! Input is forgiving: case, dashes and spaces are ignored, and O/I/L are read
//! as 0/1/1, so a code typed from a printed card still works.

use anyhow::Result;
use rand::{rngs::OsRng, RngCore};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Mutex, RwLock};
use yuanzhuo_engine::Actor;
use yuanzhuo_protocol::*;

use crate::store::{Store, TokenRow};

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Voter codes are typed by hand from a card: 12 characters (60 bits).
pub const VOTER_LEN: usize = 12;
/// Staff codes: 16 characters (80 bits).
pub const STAFF_LEN: usize = 16;
/// The organiser's secret: 20 characters (100 bits).
pub const ORGANISER_LEN: usize = 20;

pub fn random_code(len: usize) -> String {
    let mut bytes = vec![0u8; len];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| ALPHABET[(*b & 31) as usize] as char).collect()
}

/// Canonical form of a typed or scanned code (the protocol's rule).
pub use yuanzhuo_protocol::normalize_token as normalize;

/// "K7M2Q9XP2HDR" → "K7M2-Q9XP-2HDR", for printing.
pub fn display(code: &str) -> String {
    code.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-")
}

/// The tokens a new meeting needs besides voters: the organiser, each
/// table's chair, recorder and adviser, an adviser for every table, two
/// observers (scrutineers) and a projector.
pub fn staff_tokens(rules: &Rules) -> Vec<TokenRow> {
    let mut out = vec![TokenRow {
        token: random_code(ORGANISER_LEN),
        role: Role::Organiser,
        table: None,
        all_tables: false,
        serial: "organiser".into(),
    }];
    for t in 1..=rules.tables.len() as TableNo {
        for role in [Role::Chair, Role::Recorder, Role::Adviser] {
            out.push(TokenRow {
                token: random_code(STAFF_LEN),
                role,
                table: Some(t),
                all_tables: false,
                serial: format!("{}-{t}", role.en()),
            });
        }
    }
    out.push(TokenRow {
        token: random_code(STAFF_LEN),
        role: Role::Adviser,
        table: None,
        all_tables: true,
        serial: "adviser-all".into(),
    });
    for i in 1..=2 {
        out.push(TokenRow {
            token: random_code(STAFF_LEN),
            role: Role::Observer,
            table: None,
            all_tables: false,
            serial: format!("observer-{i}"),
        });
    }
    out.push(TokenRow {
        token: random_code(STAFF_LEN),
        role: Role::Projector,
        table: None,
        all_tables: false,
        serial: "projector".into(),
    });
    // Counting desk: two pairs of counters (each batch is keyed by two).
    for i in 1..=COUNTERS {
        out.push(TokenRow {
            token: random_code(STAFF_LEN),
            role: Role::Counter,
            table: None,
            all_tables: false,
            serial: format!("counter-{i}"),
        });
    }
    out
}

/// Counter tokens minted with a meeting.
pub const COUNTERS: u32 = 4;

/// Staff tokens a data folder lacks (a folder made by an older hub has no
/// counters, say): minted so that every role can be handed out.
pub fn missing_staff(rules: &Rules, have: &[TokenRow]) -> Vec<TokenRow> {
    staff_tokens(rules).into_iter().filter(|t| !have.iter().any(|h| h.serial == t.serial)).collect()
}

/// `n` new voter tokens, numbered after `last`.
pub fn voter_tokens(n: u32, last: u32) -> Vec<TokenRow> {
    (last + 1..=last + n)
        .map(|i| TokenRow {
            token: random_code(VOTER_LEN),
            role: Role::Voter,
            table: None,
            all_tables: false,
            serial: format!("V{i:04}"),
        })
        .collect()
}

pub fn actor_of(t: &TokenRow) -> Actor {
    Actor {
        role: t.role,
        table: t.table,
        all_tables: t.all_tables,
        serial: match t.role {
            Role::Voter => Some(t.serial.clone()),
            // "counter-2" → desk "2"
            Role::Counter => Some(t.serial.trim_start_matches("counter-").to_string()),
            _ => None,
        },
    }
}

pub fn identity_of(t: &TokenRow, rules: &Rules) -> Identity {
    let actor = actor_of(t);
    Identity { role: t.role, table: t.table, all_tables: t.all_tables, label: actor.label(Some(rules)) }
}

/// Known tokens, looked up at every connect. Tokens minted by `hub tokens`
/// while the hub runs are found in the database on first use.
pub struct Registry {
    cache: RwLock<HashMap<String, TokenRow>>,
    db: Mutex<Store>,
    allow_public: bool,
}

impl Registry {
    pub fn new(db: Store, allow_public: bool) -> Result<Registry> {
        let cache = db.tokens()?.into_iter().map(|t| (t.token.clone(), t)).collect();
        Ok(Registry { cache: RwLock::new(cache), db: Mutex::new(db), allow_public })
    }

    pub fn lookup(&self, raw: &str) -> Option<TokenRow> {
        if self.allow_public && raw == PUBLIC_TOKEN {
            return Some(TokenRow {
                token: PUBLIC_TOKEN.into(),
                role: Role::Public,
                table: None,
                all_tables: false,
                serial: "public".into(),
            });
        }
        let code = normalize(raw);
        if code.is_empty() || code.len() > 64 {
            return None;
        }
        if let Some(t) = self.cache.read().ok()?.get(&code) {
            return Some(t.clone());
        }
        let found = self.db.lock().ok()?.token(&code).ok()??;
        self.cache.write().ok()?.insert(code, found.clone());
        Some(found)
    }
}

impl Registry {
    /// Whether `presented` is the organiser's secret. Compared in constant
    /// time, so that the time an answer takes says nothing about how much
    /// of a guess was right.
    pub fn is_organiser(&self, presented: &str) -> bool {
        let code = normalize(presented);
        let Ok(cache) = self.cache.read() else { return false };
        let mut found = false;
        for t in cache.values().filter(|t| t.role == Role::Organiser) {
            found |= constant_time_eq(code.as_bytes(), t.token.as_bytes());
        }
        found
    }

    /// Mint `n` voter tokens numbered after the last one (also those minted
    /// by `hub tokens` meanwhile), store them and know them at once.
    pub fn mint_voters(&self, n: u32, now_ms: u64) -> Result<Vec<TokenRow>> {
        let mut db = self.db.lock().map_err(|_| anyhow::anyhow!("token store poisoned"))?;
        let mut tries = 0;
        let batch = loop {
            let batch = voter_tokens(n, db.last_voter_number()?);
            match db.insert_tokens(&batch, now_ms) {
                Ok(()) => break batch,
                // A `hub tokens --voters` in another process took the same serials: number again.
                Err(_) if tries < 3 => tries += 1,
                Err(e) => return Err(e),
            }
        };
        if let Ok(mut cache) = self.cache.write() {
            for t in &batch {
                cache.insert(t.token.clone(), t.clone());
            }
        }
        Ok(batch)
    }

    /// Every token in the data folder, in the order minted.
    pub fn all(&self) -> Result<Vec<TokenRow>> {
        self.db.lock().map_err(|_| anyhow::anyhow!("token store poisoned"))?.tokens()
    }
}

/// Equal byte strings, in time that depends only on the lengths.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |d, (x, y)| d | (x ^ y));
    std::hint::black_box(diff) == 0
}

/// Tokens as printed by `hub tokens --format json` (and read by the simulator).
#[derive(Debug, Serialize)]
pub struct TokenSheet {
    pub meeting: String,
    pub base_url: String,
    pub organiser: Entry,
    pub tables: Vec<TableTokens>,
    pub adviser_all: Entry,
    pub observers: Vec<Entry>,
    pub projector: Entry,
    /// The counting desk's counters (点票员).
    pub counters: Vec<Entry>,
    /// Voter tokens: the batch just minted, or all of them with `--all-voters`.
    pub voters: Vec<Entry>,
    pub voters_total: usize,
}

#[derive(Debug, Serialize)]
pub struct TableTokens {
    pub table: TableNo,
    pub name: String,
    pub chair: Entry,
    pub recorder: Entry,
    pub adviser: Entry,
}

#[derive(Debug, Serialize, Clone)]
pub struct Entry {
    pub serial: String,
    pub token: String,
    pub link: String,
}

impl TokenSheet {
    pub fn build(
        rules: &Rules,
        meeting: &str,
        base_url: &str,
        all: &[TokenRow],
        voters: &[TokenRow],
    ) -> Result<TokenSheet> {
        let entry = |t: &TokenRow| Entry {
            serial: t.serial.clone(),
            token: display(&t.token),
            link: format!("{base_url}/j/{}", t.token),
        };
        let find = |serial: &str| {
            all.iter()
                .find(|t| t.serial == serial)
                .map(entry)
                .ok_or_else(|| anyhow::anyhow!("token {serial} is missing from the data folder"))
        };
        let tables = (1..=rules.tables.len() as TableNo)
            .map(|t| {
                Ok(TableTokens {
                    table: t,
                    name: rules.tables[t as usize - 1].clone(),
                    chair: find(&format!("chair-{t}"))?,
                    recorder: find(&format!("recorder-{t}"))?,
                    adviser: find(&format!("adviser-{t}"))?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(TokenSheet {
            meeting: meeting.to_string(),
            base_url: base_url.to_string(),
            organiser: find("organiser")?,
            tables,
            adviser_all: find("adviser-all")?,
            observers: all.iter().filter(|t| t.role == Role::Observer).map(entry).collect(),
            projector: find("projector")?,
            counters: all.iter().filter(|t| t.role == Role::Counter).map(entry).collect(),
            voters: voters.iter().map(entry).collect(),
            voters_total: all.iter().filter(|t| t.role == Role::Voter).count(),
        })
    }

    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let line = |s: &mut String, label: &str, e: &Entry| {
            s.push_str(&format!("  {label:<22} {:<26} {}\n", e.token, e.link));
        };
        s.push_str(&format!("{} — 令牌 / tokens (keep them secret)\n\n", self.meeting));
        line(&mut s, "组织者 organiser", &self.organiser);
        for t in &self.tables {
            s.push_str(&format!("\n  {} (table {})\n", t.name, t.table));
            line(&mut s, "  桌长 chair", &t.chair);
            line(&mut s, "  记录员 recorder", &t.recorder);
            line(&mut s, "  技术顾问 adviser", &t.adviser);
        }
        s.push('\n');
        line(&mut s, "顾问(全部桌) adviser*", &self.adviser_all);
        for o in &self.observers {
            line(&mut s, &format!("监票员 {}", o.serial), o);
        }
        line(&mut s, "投影 projector", &self.projector);
        for c in &self.counters {
            line(&mut s, &format!("点票员 {}", c.serial), c);
        }
        if !self.voters.is_empty() {
            s.push_str(&format!(
                "\n  投票卡 / voter cards ({} shown, {} in total)\n",
                self.voters.len(),
                self.voters_total
            ));
            for v in &self.voters {
                line(&mut s, &format!("  {}", v.serial), v);
            }
        } else {
            s.push_str(&format!(
                "\n  投票卡 / voter cards: {} minted (mint more with --voters N, list them with --all-voters)\n",
                self.voters_total
            ));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_codes_are_forgiving() {
        let code = "K7M2Q9XP2HDR";
        assert_eq!(normalize(&display(code)), code);
        assert_eq!(normalize("k7m2-q9xp 2hdr"), code);
        assert_eq!(normalize("ol1I"), "0111");
    }

    #[test]
    fn constant_time_eq_compares_whole_strings() {
        assert!(constant_time_eq(b"ABCD", b"ABCD"));
        assert!(!constant_time_eq(b"ABCD", b"ABCE"));
        assert!(!constant_time_eq(b"ABCD", b"ABC"));
        assert!(!constant_time_eq(b"", b"A"));
    }

    #[test]
    fn codes_use_the_alphabet_and_are_distinct() {
        let a = random_code(VOTER_LEN);
        assert_eq!(a.len(), VOTER_LEN);
        assert!(a.bytes().all(|b| ALPHABET.contains(&b)));
        assert_ne!(a, random_code(VOTER_LEN));
        assert_eq!(normalize(&a), a);
    }
}
