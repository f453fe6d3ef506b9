//! Loading a log: the one place that checks the chain and replays it.
//!
//! Every entry's hash is recomputed (`store::check_chain`), then every
//! command is decided again against the rules (`yuanzhuo_engine::Checker`):
//! the hub serves, `hub verify` passes and an export is made only from a
//! log that is both intact and lawful. The problem found names its entry.

use yuanzhuo_engine::{Checker, Entry, Recorded, State};

use crate::both;
use crate::meeting::store::{check_chain, Row};
use yuanzhuo_protocol::words::console;

/// Why a log fails: the entry (when one is to blame), in Chinese and English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub seq: Option<u64>,
    /// "第 130 条记录：…"
    pub zh: String,
    /// "entry 130: …"
    pub en: String,
}

/// "第 130 条记录：… / entry 130: …", one line.
impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} / {}", self.zh, self.en)
    }
}

impl Failure {
    /// A broken chain (`store::check_chain` says "entry N: …" in English).
    fn chain(en: String) -> Failure {
        let seq = en.strip_prefix("entry ").and_then(|r| r.split(':').next()).and_then(|n| n.parse::<u64>().ok());
        let zh = match seq {
            Some(n) => both(console::CHAIN_BROKEN_AT, &[("n", &n)]).0,
            None => console::CHAIN_BROKEN.zh.to_string(),
        };
        Failure { seq, zh, en }
    }

    fn unreadable(seq: u64, e: &anyhow::Error) -> Failure {
        let (zh, en) = both(console::ENTRY_UNREADABLE, &[("seq", &seq), ("reason", &format!("{e:#}"))]);
        Failure { seq: Some(seq), zh, en }
    }

    fn violation(v: yuanzhuo_engine::Violation) -> Failure {
        let (zh, en) = both(console::AT_ENTRY, &[("seq", &v.seq), ("zh", &v.zh), ("en", &v.problem)]);
        Failure { seq: Some(v.seq), zh, en }
    }
}

/// The state after `rows`, and their records, if the chain holds and every
/// entry keeps the rules; otherwise the first problem, naming its entry.
pub fn checked(rows: &[Row]) -> Result<(State, Vec<Recorded>), Failure> {
    check_chain(rows).map_err(Failure::chain)?;
    let mut checker = Checker::new();
    let mut records = Vec::with_capacity(rows.len());
    for row in rows {
        let body = row.parse().map_err(|e| Failure::unreadable(row.seq, &e))?;
        let rec = Recorded { seq: row.seq, at_ms: body.at_ms, hash: row.hash.clone(), event: body.event };
        checker
            .push(Entry { record: &rec, actor: &body.actor, command_id: body.command_id.as_deref(), prev: &row.prev })
            .map_err(Failure::violation)?;
        records.push(rec);
    }
    let state = checker.finish().map_err(Failure::violation)?;
    Ok((state, records))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_chain_names_its_entry_in_both_languages() {
        let f = Failure::chain("entry 14: hash mismatch (the entry was changed)".into());
        assert_eq!(f.seq, Some(14));
        assert_eq!(
            f.to_string(),
            "第 14 条记录：哈希链不成立（记录被改动、删除或调换过） / entry 14: hash mismatch (the entry was changed)"
        );
    }

    /// A log written before the scrutineer's role had one name (`observer`,
    /// `observer-1`) is read as today's, and still keeps every rule.
    #[test]
    fn a_log_from_before_the_scrutineers_name_still_checks() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/desk-observer-era/log.jsonl");
        let text = std::fs::read_to_string(path).expect("the older vector");
        assert!(text.contains(r#"\"serial\":\"observer-1\""#), "the vector is from before the rename");
        let rows: Vec<Row> = text
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                let s = |k: &str| v[k].as_str().unwrap().to_string();
                Row { seq: v["seq"].as_u64().unwrap(), prev: s("prev"), hash: s("hash"), body: s("body") }
            })
            .collect();
        let (state, _) = checked(&rows).unwrap_or_else(|f| panic!("{f}"));
        let card = &state.electorate.staff["scrutineer-1"];
        assert_eq!(card.card.role, yuanzhuo_protocol::Role::Scrutineer);
        assert!(card.claim.is_some(), "its claim is read under today's name");
        // It wrote desk numbers as strings ("counter":"1", "scrutineer":"1"): read as numbers.
        assert!(text.contains(r#"\"counter\":\"1\""#) && text.contains(r#"\"scrutineer\":\"1\""#));
        let batch = &state.desk.batches[&1];
        assert!(batch.copies.contains_key(&1) && batch.copies.contains_key(&2), "{:?}", batch.copies.keys());
        assert!(batch.sheets.contains_key(&Some(1)), "{:?}", batch.sheets);
    }
}
