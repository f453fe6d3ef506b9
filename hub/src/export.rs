//! Exports and verification, read straight from the data folder (they work
//! whether or not a hub is serving it). The JSON export is a contract:
//! docs/export.md describes every key.

use anyhow::{bail, Result};
use serde_json::{json, Value};
use std::path::Path;
use yuanzhuo_engine::{count, recount, verdict, CountInput, State};
use yuanzhuo_protocol::*;

use crate::store::{check_chain, Row, Store};

pub struct Loaded {
    pub rows: Vec<Row>,
    pub state: State,
}

pub fn load(data: &Path) -> Result<Loaded> {
    // The head record first: the log read after it can only be longer.
    let recorded = crate::folder::HeadRecord::read(data)?;
    let store = Store::open_read_only(data)?;
    let rows = store.rows()?;
    if let Err(problem) = check_chain(&rows) {
        bail!("日志校验失败 / the log fails verification: {problem}");
    }
    if let Some(problem) = recorded.and_then(|h| {
        crate::folder::shortfall(&h, rows.len() as u64, |seq| {
            seq.checked_sub(1).and_then(|i| rows.get(i as usize)).map(|r| r.hash.clone())
        })
    }) {
        bail!(
            "日志不完整 / the log is not whole: {problem}\nhub restore --from WITNESS_COPY --data {}",
            data.display()
        );
    }
    let recs = rows.iter().map(Row::recorded).collect::<Result<Vec<_>>>()?;
    Ok(Loaded { state: State::replay(&recs), rows })
}

/// Results as they stand: final once counted, otherwise provisional (the
/// count of the ballots so far, seeded with the current head).
fn results(s: &State) -> Option<(Results, bool)> {
    if let Some(r) = &s.results {
        return Some((r.clone(), true));
    }
    let def = s.definition.as_ref()?;
    Some((count(def, &s.count_input(), &s.annotations, &s.head), false))
}

/// Every ballot: by phone (with its receipt), then paper (by batch and
/// number, with the rules' verdict).
fn ballots(s: &State) -> Vec<Value> {
    let phone = s.ballots.iter().map(|b| {
        json!({"receipt": b.receipt, "choices": b.choices, "void": false, "void_reason": null,
               "method": "phone", "seq": b.seq})
    });
    let paper = s.desk.batches.iter().filter(|(_, b)| b.status == PaperStatus::Agreed).flat_map(|(n, b)| {
        b.ballots.iter().map(move |p| {
            json!({"receipt": null, "paper": p.number, "batch": n, "choices": p.marks,
                   "void": p.void.is_some(), "void_reason": p.void, "method": "paper"})
        })
    });
    phone.chain(paper).collect()
}

pub fn json(l: &Loaded) -> Result<Value> {
    let s = &l.state;
    let def = s.definition.as_ref().ok_or_else(|| anyhow::anyhow!("no meeting defined"))?;
    let (results, final_) = results(s).expect("defined");
    let tables: Vec<Value> = s
        .table_summaries()
        .into_iter()
        .map(|t| {
            let d = s.table_detail(t.table);
            json!({
                "table": t.table, "name": t.name, "share": t.share,
                "picks": t.picks, "picks_locked": t.picks_locked,
                "queue": d.queue, "balance": d.balance, "notes": d.notes,
            })
        })
        .collect();
    Ok(json!({
        "format": "yuanzhuo-export/1",
        "meeting": def.meeting,
        "rules": def.rules,
        "fingerprint": s.fingerprint,
        "phase": s.phase,
        "proposals": def.proposals,
        "picks": tables.iter().map(|t| json!({"table": t["table"], "name": t["name"], "proposals": t["picks"], "locked": t["picks_locked"]})).collect::<Vec<_>>(),
        "tables": tables,
        "annotations": s.annotation_list(),
        "ballots": ballots(s),
        "paper": s.desk.view(),
        "turnout": s.turnout(),
        "tally": s.tally,
        "results": {
            "final": final_,
            "ranking": results.ranking,
            "funded": results.funded,
            "total_cost": results.total_cost,
            "budget": results.budget,
            "ties": results.ties,
            "ballots": results.ballots,
            "paper": results.paper,
            "void": results.void,
            "stickers": results.stickers,
            "equal_shares": results.equal_shares,
            "closed_at_head": results.closed_at_head,
        },
        "log_head": s.head,
        "log_length": l.rows.len(),
    }))
}

/// The ranking as CSV, for spreadsheets and the notice board: one row per
/// proposal in ranking order; the votes split by where they came from
/// (phone, valid paper, sticker boards), the adviser's exclusion rule, and
/// how a funded row was funded. Void paper ballots count for no proposal;
/// they are in the XLSX and JSON exports.
pub fn csv(l: &Loaded) -> Result<String> {
    use crate::publish::{Funding, Outcome};
    let o = Outcome::of(l)?;
    let mut w = csv::Writer::from_writer(vec![]);
    w.write_record([
        "rank",
        "position",
        "id",
        "title",
        "location",
        "votes",
        "cost",
        "funded",
        "running_total",
        "unfunded_reason",
        "final",
        "phone_votes",
        "paper_votes",
        "sticker_votes",
        "exclusion_rule",
        "funded_by",
    ])?;
    for line in &o.lines {
        let r = &line.row;
        let p = line.proposal;
        let funded_by = match line.funding {
            Some(Funding::Greedy) => "greedy",
            Some(Funding::Shares) => "shares",
            Some(Funding::Completion) => "completion",
            None => "",
        };
        w.write_record([
            r.rank.to_string(),
            r.position.to_string(),
            r.proposal.clone(),
            p.title.clone(),
            p.location.clone(),
            r.votes.to_string(),
            r.cost.to_string(),
            r.funded.to_string(),
            r.running_total.to_string(),
            r.unfunded_reason.clone().unwrap_or_default(),
            o.final_.to_string(),
            r.votes.saturating_sub(line.paper_votes + line.stickers).to_string(),
            line.paper_votes.to_string(),
            line.stickers.to_string(),
            line.exclusion().map(|(n, _, _)| n.to_string()).unwrap_or_default(),
            funded_by.to_string(),
        ])?;
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}

/// Replay the chain, recount every ballot and compare; optionally confirm
/// that a head hash seen earlier is part of the log. Returns the report.
pub fn verify(data: &Path, head: Option<&str>) -> Result<String> {
    let l = load(data)?;
    let s = &l.state;
    let def = s.definition.as_ref().ok_or_else(|| anyhow::anyhow!("no meeting defined"))?;
    // Every paper verdict again, from the rules.
    let known = |id: &str| def.proposals.iter().any(|p| p.id == id);
    let mut numbers = std::collections::HashSet::new();
    for p in s.desk.agreed_ballots() {
        let again = verdict(&p.marks, def.rules.max_choices, known);
        if again != p.void.as_deref() {
            bail!(
                "纸质选票 {} 的判定有误 / paper ballot {}: recorded {:?}, the rules say {:?}",
                p.number,
                p.number,
                p.void,
                again
            );
        }
        if !numbers.insert(&p.number) {
            bail!("纸质选票编号 {} 计入两次 / paper ballot number {} counted twice", p.number, p.number);
        }
    }
    let counting: Vec<&[ProposalId]> = s
        .ballots
        .iter()
        .map(|b| b.choices.as_slice())
        .chain(s.desk.valid_ballots().map(|b| b.marks.as_slice()))
        .collect();
    let fresh = recount(&def.proposals, counting.iter().copied(), s.desk.agreed_boards());
    if fresh != s.tally {
        bail!("重新计票与记录不符 / the recount differs from the running tally");
    }
    let mut voters = std::collections::HashSet::new();
    for b in &s.ballots {
        if !voters.insert(&b.voter) {
            bail!("投票卡 {} 投了两次 / voter {} appears twice", b.voter, b.voter);
        }
        if b.choices.is_empty() || b.choices.len() > def.rules.max_choices as usize {
            bail!("entry {}: ballot with {} choices", b.seq, b.choices.len());
        }
    }
    if let Some(r) = &s.results {
        let input = CountInput {
            tally: fresh.clone(),
            ballots: counting.iter().map(|b| b.to_vec()).collect(),
            paper: s.desk.valid_ballots().count() as u64,
            void: s.desk.agreed_ballots().filter(|b| b.void.is_some()).count() as u64,
            stickers: s.desk.stickers(),
        };
        let again = count(def, &input, &s.annotations, &r.closed_at_head);
        if &again != r {
            bail!("重新计算的结果与记录不符 / recomputed results differ");
        }
        if r.total_cost > def.rules.budget.amount {
            bail!("funded total exceeds the budget");
        }
    }
    let t = s.turnout();
    let paper = if t.paper > 0 || s.desk.stickers() > 0 {
        format!(
            " counted ({} by phone, {} on paper; {} more paper ballots void; {} stickers)",
            s.ballots.len(),
            t.paper - t.void,
            t.void,
            s.desk.stickers()
        )
    } else {
        String::new()
    };
    let mut out = format!(
        "日志完整 / log intact: {} entries, {} ballots{paper}, phase {}\nhead {}\n",
        l.rows.len(),
        s.counted_ballots(),
        s.phase.as_str(),
        s.head
    );
    if let Some(h) = head {
        let h = crate::head::parse_seen(h).map_err(|why| anyhow::anyhow!("--head: {why}"))?;
        match l.rows.iter().find(|r| r.hash.starts_with(&h)) {
            Some(r) => out.push_str(&format!(
                "哈希 {h} 是第 {} 条记录，其后有 {} 条 / {h} is entry {} of the log; {} entries follow it\n",
                r.seq,
                l.rows.len() as u64 - r.seq,
                r.seq,
                l.rows.len() as u64 - r.seq
            )),
            None => bail!("哈希 {h} 不在本日志中 / {h} is not part of this log"),
        }
    }
    Ok(out)
}

/// The log itself, one JSON object per line: `seq`, `prev`, `hash` and
/// `body` (the exact text that was hashed). What scripts/verify-count and any
/// other independent checker read (docs/verification.md).
pub fn log_lines(l: &Loaded) -> String {
    let mut out = String::new();
    for r in &l.rows {
        out.push_str(&json!({"seq": r.seq, "prev": r.prev, "hash": r.hash, "body": r.body}).to_string());
        out.push('\n');
    }
    out
}
