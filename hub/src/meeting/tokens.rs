//! Tokens: minting them, recognising them, and what each one may do.
//!
//! A token is a random Crockford base32 code. It is secret; what the log and
//! the screens show is the token's public serial ("V0042", "chair-2").
//! Input is forgiving: case, dashes and spaces are ignored, and O/I/L are read
//! as 0/1/1, so a code typed from a printed card still works.

use anyhow::{bail, Result};
use rand::{rngs::OsRng, RngCore};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};
use yuanzhuo_engine::{card_commitment, Actor, StaffCard, State};
use yuanzhuo_protocol::*;

use crate::meeting::store::{ClaimRow, TokenRow};
use crate::{said, told};
use yuanzhuo_protocol::words::{self, console, ui};

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
/// scrutineers and a projector.
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
    // A read-only card per table for its table screen (/table-screen).
    for t in 1..=rules.tables.len() as TableNo {
        out.push(TokenRow {
            token: random_code(STAFF_LEN),
            role: Role::Screen,
            table: Some(t),
            all_tables: false,
            serial: format!("screen-{t}"),
        });
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
            role: Role::Scrutineer,
            table: None,
            all_tables: false,
            serial: format!("scrutineer-{i}"),
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
    // The door register's desk, when the rules have one.
    if rules.registration == Registration::Door {
        for i in 1..=REGISTRARS {
            out.push(TokenRow {
                token: random_code(STAFF_LEN),
                role: Role::Registrar,
                table: None,
                all_tables: false,
                serial: format!("registrar-{i}"),
            });
        }
    }
    out
}

/// Registrar tokens minted with a meeting that has a door register.
pub const REGISTRARS: u32 = 2;

/// The log's record of staff tokens: each card's role and a commitment to
/// its code (never the code).
pub fn staff_cards(meeting: &str, tokens: &[TokenRow]) -> Vec<StaffCard> {
    tokens
        .iter()
        .filter(|t| t.role != Role::Voter)
        .map(|t| StaffCard {
            serial: t.serial.clone(),
            role: t.role,
            table: t.table,
            all_tables: t.all_tables,
            commitment: card_commitment(meeting, &t.serial, &t.token),
        })
        .collect()
}

/// A PIN as stored: SHA-256 over the card's serial, its (secret) code and
/// the PIN, so that the stored value says nothing without the card.
pub fn pin_hash(t: &TokenRow, pin: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"yuanzhuo-pin\n");
    h.update(t.serial.as_bytes());
    h.update(b"\n");
    h.update(t.token.as_bytes());
    h.update(b"\n");
    h.update(pin.as_bytes());
    hex::encode(h.finalize())
}

/// A PIN as the hub accepts it: 4 to 6 digits (full-width digits read as digits).
pub fn valid_pin(pin: &str) -> Option<String> {
    let p: String = fold_width(pin).trim().to_string();
    ((4..=6).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())).then_some(p)
}

/// What the log shows of a device: the first 32 bits of SHA-256 of its id.
pub fn device_hash(device: &str) -> String {
    let d = Sha256::digest(format!("yuanzhuo-device\n{device}").as_bytes());
    hex::encode(&d[..4])
}

/// The key that turns a register holder's name or ID into the hash the
/// log keeps: derived from the organiser's secret, so that the hashes in
/// the public log cannot be reversed by trying names.
pub fn holder_key(organiser: &TokenRow) -> [u8; 32] {
    Sha256::digest(format!("yuanzhuo-holder\n{}", organiser.token).as_bytes()).into()
}

/// A holder as the log keeps them: the first 128 bits of
/// SHA-256(key ‖ the name or ID with width, case and spaces folded).
pub fn holder_hash(key: &[u8; 32], holder: &str) -> String {
    let folded: String =
        fold_width(holder).chars().filter(|c| !c.is_whitespace()).flat_map(char::to_uppercase).collect();
    let mut h = Sha256::new();
    h.update(key);
    h.update(folded.as_bytes());
    hex::encode(&h.finalize()[..16])
}

/// The tokens table agrees with the log: nothing here was not issued by the
/// log, and every code here matches its card's commitment. A card that
/// would vote without an entry is never served: that is refused. Cards the
/// log issued whose codes are not here (lost with the database file's tail,
/// then restored from a witness copy, which never holds codes) cannot be
/// used; that is returned as a warning, so that the organiser cancels them
/// and issues others.
pub fn check_against_log(state: &State, tokens: &[TokenRow]) -> Result<Option<String>> {
    let e = &state.electorate;
    // Codes are committed to over their serial, so a folder whose scrutineer
    // cards still carry the role's old name cannot be carried over.
    if let Some(t) = tokens.iter().find(|t| t.serial.starts_with("observer-")) {
        bail!("{}", told(console::OLD_FOLDER, &[("serial", &t.serial)]));
    }
    let mut problems = vec![];
    for t in tokens {
        let logged = match t.role {
            Role::Voter => e.cards.get(&t.serial).map(|c| &c.commitment),
            _ => e.staff.get(&t.serial).map(|s| &s.card.commitment),
        };
        // A staff card acts as the role and table the log gave it, nothing else.
        if let Some(s) = e.staff.get(&t.serial) {
            if (s.card.role, s.card.table, s.card.all_tables) != (t.role, t.table, t.all_tables) {
                problems.push(format!("{} ({})", t.serial, said(console::ROLE_OR_TABLE_DIFFERS, &[])));
                continue;
            }
        }
        match logged {
            None => problems.push(format!("{} ({})", t.serial, said(console::NOT_IN_LOG, &[]))),
            Some(c) if *c != card_commitment(&e.meeting, &t.serial, &t.token) => {
                problems.push(format!("{} ({})", t.serial, said(console::CODE_DOES_NOT_MATCH, &[])))
            }
            Some(_) => {}
        }
    }
    if !problems.is_empty() {
        let n = problems.len();
        problems.truncate(10);
        bail!("{}", said(console::TOKENS_DO_NOT_MATCH, &[("n", &n), ("problems", &problems.join("; "))]));
    }
    let have: std::collections::HashSet<&str> = tokens.iter().map(|t| t.serial.as_str()).collect();
    let missing: Vec<&str> =
        e.cards.keys().chain(e.staff.keys()).map(String::as_str).filter(|s| !have.contains(s)).collect();
    if missing.is_empty() {
        return Ok(None);
    }
    let shown = missing.iter().take(20).copied().collect::<Vec<_>>().join(", ");
    let more = if missing.len() > 20 { " …" } else { "" };
    Ok(Some(told(console::CARDS_WITHOUT_CODE, &[("n", &missing.len()), ("shown", &shown), ("more", &more)])))
}

/// Counter tokens minted with a meeting.
pub const COUNTERS: u32 = 4;

/// Staff tokens a data folder lacks (a folder made by an older hub has no
/// counters, say): minted so that every role can be handed out.
pub fn missing_staff(rules: &Rules, have: &[TokenRow]) -> Vec<TokenRow> {
    staff_tokens(rules).into_iter().filter(|t| !have.iter().any(|h| h.serial == t.serial)).collect()
}

/// `n` new voter tokens, numbered after `last` (the log's last card).
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
        serial: (t.role == Role::Voter).then(|| t.serial.clone()),
        // "counter-2" → desk 2, "scrutineer-1" → scrutineer 1, "registrar-2" → 2
        number: match t.role {
            Role::Counter | Role::Scrutineer | Role::Registrar => {
                t.serial.rsplit_once('-').and_then(|(_, n)| n.parse().ok())
            }
            _ => None,
        },
    }
}

pub fn identity_of(t: &TokenRow, rules: &Rules) -> Identity {
    let actor = actor_of(t);
    Identity {
        role: t.role,
        table: t.table,
        all_tables: t.all_tables,
        label: actor.label(Some(rules)),
        desk: actor.number,
    }
}

/// Known tokens, looked up at every connect: exactly the cards the log
/// issued (checked at start by `check_against_log`), and those the meeting
/// task issues afterwards. The desk cards' claims (PIN and device) too.
pub struct Registry {
    cache: Arc<RwLock<HashMap<String, TokenRow>>>,
    claims: Arc<RwLock<HashMap<String, ClaimRow>>>,
    /// Wrong PINs per desk card: (count, locked until).
    tries: Mutex<HashMap<String, (u32, Option<Instant>)>>,
    allow_public: bool,
}

/// The meeting task's hold on the registry: it adds the cards and claims
/// it has just committed.
#[derive(Clone)]
pub struct RegistryWriter {
    cache: Arc<RwLock<HashMap<String, TokenRow>>>,
    claims: Arc<RwLock<HashMap<String, ClaimRow>>>,
}

impl RegistryWriter {
    pub fn add(&self, tokens: &[TokenRow]) {
        let mut cache = self.cache.write().unwrap_or_else(|p| p.into_inner());
        for t in tokens {
            cache.insert(t.token.clone(), t.clone());
        }
    }
    pub fn claim(&self, c: ClaimRow) {
        self.claims.write().unwrap_or_else(|p| p.into_inner()).insert(c.serial.clone(), c);
    }
}

/// Where a desk card stands when it says hello.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeskCheck {
    /// Claimed on this device, and the PIN is right.
    Ok,
    /// Not claimed yet: a hello with a PIN claims it.
    Unclaimed,
    Refused(ErrorCode),
}

/// Wrong PINs before a desk card is locked for a minute.
const MAX_PIN_TRIES: u32 = 5;
const PIN_LOCK: Duration = Duration::from_secs(60);

impl Registry {
    pub fn new(tokens: Vec<TokenRow>, claims: Vec<ClaimRow>, allow_public: bool) -> Registry {
        let cache = tokens.into_iter().map(|t| (t.token.clone(), t)).collect();
        let claims = claims.into_iter().filter(|c| !c.pin_hash.is_empty()).map(|c| (c.serial.clone(), c)).collect();
        Registry {
            cache: Arc::new(RwLock::new(cache)),
            claims: Arc::new(RwLock::new(claims)),
            tries: Mutex::new(HashMap::new()),
            allow_public,
        }
    }

    pub fn writer(&self) -> RegistryWriter {
        RegistryWriter { cache: self.cache.clone(), claims: self.claims.clone() }
    }

    /// The claim a desk card stands under now (none once released).
    pub fn claim_of(&self, serial: &str) -> Option<ClaimRow> {
        self.claims.read().unwrap_or_else(|p| p.into_inner()).get(serial).filter(|c| !c.pin_hash.is_empty()).cloned()
    }

    /// A desk card's hello: claimed on `device` with `pin`, or unclaimed.
    pub fn check_desk(&self, t: &TokenRow, device: Option<&str>, pin: Option<&str>) -> DeskCheck {
        let claim = self.claims.read().unwrap_or_else(|p| p.into_inner()).get(&t.serial).cloned();
        let Some(claim) = claim.filter(|c| !c.pin_hash.is_empty()) else { return DeskCheck::Unclaimed };
        let mut tries = self.tries.lock().unwrap_or_else(|p| p.into_inner());
        let entry = tries.entry(t.serial.clone()).or_insert((0, None));
        if entry.1.is_some_and(|until| Instant::now() < until) {
            return DeskCheck::Refused(ErrorCode::TooManyTries);
        }
        if device.map(device_hash).as_deref() != Some(claim.device.as_str()) {
            return DeskCheck::Refused(ErrorCode::ClaimedElsewhere);
        }
        // Read as at the claim: full-width digits are digits.
        let Some(pin) = pin.and_then(valid_pin) else { return DeskCheck::Refused(ErrorCode::WrongPin) };
        if constant_time_eq(pin_hash(t, &pin).as_bytes(), claim.pin_hash.as_bytes()) {
            *entry = (0, None);
            DeskCheck::Ok
        } else {
            entry.0 += 1;
            if entry.0 >= MAX_PIN_TRIES {
                *entry = (0, Some(Instant::now() + PIN_LOCK));
            }
            DeskCheck::Refused(ErrorCode::WrongPin)
        }
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
        self.cache.read().ok()?.get(&code).cloned()
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

    /// Every token the hub knows, staff first, voter cards in serial order.
    pub fn all(&self) -> Vec<TokenRow> {
        let cache = self.cache.read().unwrap_or_else(|p| p.into_inner());
        let mut all: Vec<TokenRow> = cache.values().cloned().collect();
        all.sort_by_key(|t| (t.role == Role::Voter, yuanzhuo_engine::voter_number(&t.serial), t.serial.clone()));
        all
    }

    /// The organiser's token (for the register holders' key).
    pub fn organiser(&self) -> Option<TokenRow> {
        self.cache.read().unwrap_or_else(|p| p.into_inner()).values().find(|t| t.role == Role::Organiser).cloned()
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
    pub scrutineers: Vec<Entry>,
    pub projector: Entry,
    /// The counting desk's counters (点票员).
    pub counters: Vec<Entry>,
    /// The door register's registrars (登记员), with `registration = "door"`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub registrars: Vec<Entry>,
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
    /// The table screen's read-only card (`/table-screen`); absent in a
    /// folder created before table screens had cards of their own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub screen: Option<Entry>,
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
                    screen: find(&format!("screen-{t}")).ok(),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(TokenSheet {
            meeting: meeting.to_string(),
            base_url: base_url.to_string(),
            organiser: find("organiser")?,
            tables,
            adviser_all: find("adviser-all")?,
            scrutineers: all.iter().filter(|t| t.role == Role::Scrutineer).map(entry).collect(),
            projector: find("projector")?,
            counters: all.iter().filter(|t| t.role == Role::Counter).map(entry).collect(),
            registrars: all.iter().filter(|t| t.role == Role::Registrar).map(entry).collect(),
            voters: voters.iter().map(entry).collect(),
            voters_total: all.iter().filter(|t| t.role == Role::Voter).count(),
        })
    }

    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let line = |s: &mut String, label: &str, e: &Entry| {
            s.push_str(&format!("  {label:<22} {:<26} {}\n", e.token, e.link));
        };
        let label = |w: words::Words| format!("{} {}", w.zh, w.en);
        s.push_str(&format!("{} — {}\n\n", self.meeting, said(console::TOKENS_KEEP_SECRET, &[])));
        line(&mut s, &label(ui::PRESENCE_ORGANISER), &self.organiser);
        for t in &self.tables {
            s.push_str(&format!("\n  {} (table {})\n", t.name, t.table));
            line(&mut s, &format!("  {}", label(ui::CHAIR)), &t.chair);
            line(&mut s, &format!("  {}", label(ui::RECORDER)), &t.recorder);
            line(&mut s, &format!("  {}", label(console::TOKEN_ADVISER)), &t.adviser);
            if let Some(screen) = &t.screen {
                line(&mut s, &format!("  {} ({})", label(console::TOKEN_SCREEN), console::READ_ONLY.zh), screen);
            }
        }
        s.push('\n');
        line(&mut s, &label(console::TOKEN_ADVISER_ALL_TABLES), &self.adviser_all);
        for o in &self.scrutineers {
            line(&mut s, &format!("{} {}", ui::ROLE_SCRUTINEER.zh, o.serial), o);
        }
        line(&mut s, &label(console::TOKEN_PROJECTOR), &self.projector);
        for c in &self.counters {
            line(&mut s, &format!("{} {}", ui::ROLE_COUNTER.zh, c.serial), c);
        }
        for r in &self.registrars {
            line(&mut s, &format!("{} {}", ui::REGISTRARS.zh, r.serial), r);
        }
        if !self.voters.is_empty() {
            let shown =
                said(console::VOTER_CARDS_SHOWN, &[("shown", &self.voters.len()), ("total", &self.voters_total)]);
            s.push_str(&format!("\n  {shown}\n"));
            for v in &self.voters {
                line(&mut s, &format!("  {}", v.serial), v);
            }
        } else {
            s.push_str(&format!("\n  {}\n", said(console::VOTER_CARDS_MINTED, &[("n", &self.voters_total)])));
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

    /// A folder whose scrutineer cards carry the role's old name is refused
    /// at start with words that say why, never served as if intact.
    #[test]
    fn a_folder_from_before_the_scrutineers_name_is_refused_in_words() {
        let old = TokenRow {
            token: "AAAA-BBBB".into(),
            role: Role::Scrutineer,
            table: None,
            all_tables: false,
            serial: "observer-1".into(),
        };
        let err = check_against_log(&State::default(), &[old]).unwrap_err().to_string();
        assert!(err.contains("旧版圆桌") && err.contains("observer-1") && err.contains("earlier Yuanzhuo"), "{err}");
    }
}
