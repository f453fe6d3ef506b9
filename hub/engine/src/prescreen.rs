//! The pre-screening record (预审记录): what became of every proposal
//! residents made before the meeting. Owns the rules a record must follow to
//! enter the log (entry 3, written by the hub as it creates the meeting) and
//! its digest, which the definition carries so that the record is fixed with
//! the rules. The hub's loader reports the same problems against the rows of
//! the clerk's sheet; `hub verify` and `scripts/verify-count` apply them to
//! the logged record.

use std::collections::{HashMap, HashSet};

use sha2::{Digest, Sha256};
use yuanzhuo_protocol::words::{verify, Words};
use yuanzhuo_protocol::*;

use crate::event::Event;
use crate::state::State;
use crate::Rejection;

/// Most raw proposals one record holds (Xihu 2018: 9,376 in two streets).
pub const MAX_RAW_PROPOSALS: usize = 50_000;
/// Longest raw id, proposer, location, reason and text, in characters.
const MAX_ID_CHARS: usize = 40;
const MAX_PROPOSER_CHARS: usize = 100;
const MAX_LOCATION_CHARS: usize = 200;
const MAX_REASON_CHARS: usize = 200;
const MAX_TEXT_CHARS: usize = 2000;

/// SHA-256 of the record's JSON, lower-case hex: `Definition::prescreening`.
pub fn prescreening_digest(record: &Prescreening) -> String {
    let json = serde_json::to_string(record).expect("a record serialises");
    hex::encode(Sha256::digest(json.as_bytes()))
}

/// A raw id as compared: full-width folded, trimmed, upper case (`y0001`,
/// `Ｙ０００１` and `Y0001` are one id).
pub fn raw_id_key(id: &str) -> String {
    fold_width(id).trim().to_uppercase()
}

/// One thing wrong with a record: the raw proposal it is about (its index in
/// `raw`), or the record as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordProblem {
    pub raw: Option<usize>,
    pub zh: String,
    pub en: String,
}

/// The problem `w`, with its `{name}`s filled in.
fn p(raw: Option<usize>, w: Words, values: &[(&str, &dyn std::fmt::Display)]) -> RecordProblem {
    let values: Vec<(&str, String)> = values.iter().map(|(k, v)| (*k, v.to_string())).collect();
    let values: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (zh, en) = w.fill(&values);
    RecordProblem { raw, zh, en }
}

fn too_long(s: &str, max: usize) -> bool {
    s.chars().count() > max || s.chars().any(char::is_control)
}

/// Every way `record` breaks the rules for the meeting's `proposals`, in
/// order (empty: the record may enter the log).
pub fn record_problems(proposals: &[Proposal], record: &Prescreening) -> Vec<RecordProblem> {
    let mut out = vec![];
    if record.raw.is_empty() {
        out.push(p(None, verify::RECORD_HOLDS_NO_PROPOSALS, &[]));
    }
    if record.raw.len() > MAX_RAW_PROPOSALS {
        out.push(p(None, verify::RECORD_TOO_LONG, &[("max", &MAX_RAW_PROPOSALS), ("n", &record.raw.len())]));
    }
    let listed: HashSet<&str> = proposals.iter().map(|p| p.id.as_str()).collect();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut kept: HashMap<&str, usize> = HashMap::new();
    let mut covered: HashSet<&str> = HashSet::new();
    for (i, r) in record.raw.iter().enumerate() {
        let at = Some(i);
        let key = raw_id_key(&r.id);
        if key.is_empty() || too_long(&r.id, MAX_ID_CHARS) {
            out.push(p(at, verify::RAW_ID_LENGTH, &[("max", &MAX_ID_CHARS)]));
        } else if let Some(first) = seen.insert(key, i) {
            out.push(p(at, verify::RAW_ID_TWICE, &[("id", &r.id), ("first", &(first + 1))]));
        }
        if r.text.trim().is_empty() || too_long(&r.text, MAX_TEXT_CHARS) {
            out.push(p(at, verify::RAW_TEXT_LENGTH, &[("max", &MAX_TEXT_CHARS)]));
        }
        if too_long(&r.proposer, MAX_PROPOSER_CHARS) || too_long(&r.location, MAX_LOCATION_CHARS) {
            out.push(p(
                at,
                verify::PROPOSER_AND_LOCATION_LENGTH,
                &[("proposer", &MAX_PROPOSER_CHARS), ("location", &MAX_LOCATION_CHARS)],
            ));
        }
        match &r.outcome {
            RawOutcome::Kept { proposal } | RawOutcome::Merged { proposal, .. } => {
                if !listed.contains(proposal.as_str()) {
                    out.push(p(at, verify::PROPOSAL_NOT_IN_TABLE, &[("proposal", proposal)]));
                    continue;
                }
                covered.insert(proposal.as_str());
                if let RawOutcome::Kept { .. } = r.outcome {
                    if let Some(first) = kept.insert(proposal.as_str(), i) {
                        out.push(p(
                            at,
                            verify::PROPOSAL_ALREADY_KEPT,
                            &[("proposal", proposal), ("first", &record.raw[first].id)],
                        ));
                    }
                }
            }
            RawOutcome::Struck { rule, reason } => {
                if !(1..=7).contains(rule) {
                    out.push(p(at, verify::RULE_NOT_ONE_OF_SEVEN, &[("rule", rule)]));
                }
                if reason.trim().is_empty() || too_long(reason, MAX_REASON_CHARS) {
                    out.push(p(at, verify::STRIKE_NEEDS_REASON, &[("max", &MAX_REASON_CHARS)]));
                }
            }
        }
    }
    for prop in proposals {
        if !covered.contains(prop.id.as_str()) {
            out.push(p(None, verify::PROPOSAL_HAS_NO_SOURCE, &[("proposal", &prop.id)]));
        }
    }
    out
}

impl State {
    /// The pre-screening record, written by the hub as it creates the
    /// meeting (entry 3): it must be the one the definition names, follow
    /// [`record_problems`], and come before anything happens.
    pub fn record_prescreening(&self, record: Prescreening) -> Result<Vec<Event>, Rejection> {
        let def = self.definition.as_ref().ok_or_else(|| Rejection::new(ErrorCode::NotOpen))?;
        if self.phase != Phase::Setup || self.prescreening.is_some() {
            return Err(Rejection::with(ErrorCode::WrongPhase, self.phase.as_str()));
        }
        let digest = prescreening_digest(&record);
        if def.prescreening != digest {
            return Err(Rejection::with(
                ErrorCode::InvalidField,
                format!("prescreening: digest {digest} is not the definition's {:?}", def.prescreening),
            ));
        }
        if let Some(first) = record_problems(&def.proposals, &record).first() {
            let which = first.raw.and_then(|i| record.raw.get(i)).map(|r| format!("{}: ", r.id)).unwrap_or_default();
            return Err(Rejection::with(ErrorCode::InvalidField, format!("prescreening: {which}{}", first.en)));
        }
        Ok(vec![Event::PrescreeningRecorded { record }])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(id: &str, outcome: RawOutcome) -> RawProposal {
        RawProposal {
            id: id.into(),
            text: format!("建议 {id}"),
            location: String::new(),
            proposer: "张三".into(),
            contact: false,
            outcome,
        }
    }

    fn proposal(id: &str) -> Proposal {
        Proposal {
            id: id.into(),
            title: id.into(),
            description: String::new(),
            location: String::new(),
            category: String::new(),
            proposer: String::new(),
            cost: 1000,
            level: Level::Community,
        }
    }

    #[test]
    fn a_sound_record_has_no_problems() {
        let record = Prescreening {
            raw: vec![
                raw("Y1", RawOutcome::Kept { proposal: "P01".into() }),
                raw("Y2", RawOutcome::Merged { proposal: "P01".into(), merge: MergeKind::Content }),
                raw("Y3", RawOutcome::Struck { rule: 2, reason: "物业负责".into() }),
                raw("Y4", RawOutcome::Merged { proposal: "P02".into(), merge: MergeKind::Combined }),
            ],
        };
        assert_eq!(record_problems(&[proposal("P01"), proposal("P02")], &record), vec![]);
    }

    #[test]
    fn each_rule_is_named_with_its_raw_proposal() {
        let record = Prescreening {
            raw: vec![
                raw("Y1", RawOutcome::Kept { proposal: "P01".into() }),
                raw("y1", RawOutcome::Kept { proposal: "P01".into() }),
                raw("Y3", RawOutcome::Struck { rule: 8, reason: " ".into() }),
                raw("Y4", RawOutcome::Merged { proposal: "P09".into(), merge: MergeKind::Content }),
            ],
        };
        let got = record_problems(&[proposal("P01"), proposal("P02")], &record);
        let at: Vec<_> = got.iter().map(|p| p.raw).collect();
        assert_eq!(at, vec![Some(1), Some(1), Some(2), Some(2), Some(3), None], "{got:#?}");
        assert!(got[0].en.contains("used twice"), "{}", got[0].en);
        assert!(got[1].en.contains("already kept from Y1"), "{}", got[1].en);
        assert!(got[2].en.contains("not 8"), "{}", got[2].en);
        assert!(got[4].en.contains("P09"), "{}", got[4].en);
        assert!(got[5].en.contains("P02 has no source"), "{}", got[5].en);
    }

    #[test]
    fn the_digest_changes_with_any_field() {
        let a = Prescreening { raw: vec![raw("Y1", RawOutcome::Struck { rule: 1, reason: "a".into() })] };
        let mut b = a.clone();
        b.raw[0].proposer = "李四".into();
        assert_ne!(prescreening_digest(&a), prescreening_digest(&b));
        assert_eq!(prescreening_digest(&a).len(), 64);
    }
}
