//! Loading a log: the one place that checks the chain and replays it.
//!
//! Every entry's hash is recomputed (`store::check_chain`), then every
//! command is decided again against the rules (`yuanzhuo_engine::Checker`):
//! the hub serves, `hub verify` passes and an export is made only from a
//! log that is both intact and lawful. The problem found names its entry.

use yuanzhuo_engine::{Checker, Entry, Recorded, State};

use crate::store::{check_chain, Row};

/// The state after `rows`, and their records, if the chain holds and every
/// entry keeps the rules; otherwise the first problem, naming its entry.
pub fn checked(rows: &[Row]) -> Result<(State, Vec<Recorded>), String> {
    check_chain(rows)?;
    let mut checker = Checker::new();
    let mut records = Vec::with_capacity(rows.len());
    for row in rows {
        let body = row.parse().map_err(|e| format!("{e:#}"))?;
        let rec = Recorded { seq: row.seq, at_ms: body.at_ms, hash: row.hash.clone(), event: body.event };
        checker
            .push(Entry { record: &rec, actor: &body.actor, command_id: body.command_id.as_deref(), prev: &row.prev })
            .map_err(|v| v.to_string())?;
        records.push(rec);
    }
    let state = checker.finish().map_err(|v| v.to_string())?;
    Ok((state, records))
}
