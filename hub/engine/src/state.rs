//! The meeting's state and `evolve`: how each recorded event changes it.
//! `evolve` never fails: events were validated by `decide` before they were
//! written, and replay must reproduce exactly what was acknowledged.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use yuanzhuo_protocol::*;

use crate::chain::receipt_from_hash;
use crate::electorate::Electorate;
use crate::event::{Event, Recorded};
use crate::paper::{nonzero, Desk};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct State {
    pub definition: Option<Definition>,
    pub fingerprint: String,
    pub phase: Phase,
    pub timer: Option<Timer>,
    pub pitch: Option<Pitch>,
    pub tables: Vec<TableState>,
    pub annotations: BTreeMap<ProposalId, Annotation>,
    /// Every note of the meeting; note n is `notes[n - 1]`.
    pub notes: Vec<Note>,
    pub ballots: Vec<BallotRecord>,
    /// Voter serial → index into `ballots`.
    pub voted: HashMap<String, usize>,
    /// Proposal id → votes (phone ballots, agreed paper ballots, agreed
    /// sticker boards), kept up to date as each counts.
    pub tally: BTreeMap<ProposalId, u64>,
    /// The counting desk: paper batches and sticker boards.
    pub desk: Desk,
    pub results: Option<Results>,
    /// Queue entries are numbered across the meeting.
    pub last_entry: u64,
    /// Position of each proposal in the list (the definition's order).
    pub index: HashMap<ProposalId, usize>,
    /// Who may vote and who counts: cards, claims, the door register.
    pub electorate: Electorate,
    /// Proposals excluded by the organiser (on an adviser's recommendation).
    pub exclusions: BTreeMap<ProposalId, Exclusion>,
    /// Costs set by the organiser before the vote (the list's otherwise).
    pub costs: BTreeMap<ProposalId, (u64, CostSource)>,
    /// The pre-screening record, when the meeting has one (entry 3).
    pub prescreening: Option<Prescreening>,
    /// When the vote last opened and when it was counted, and when the
    /// last entry was written (the entries' own times): what the published
    /// notice states.
    pub voting_opened_ms: Option<u64>,
    pub counted_ms: Option<u64>,
    pub last_at_ms: u64,
    /// Last applied entry.
    pub seq: u64,
    pub head: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TableState {
    pub name: String,
    pub share: Vec<ProposalId>,
    pub picks: Vec<ProposalId>,
    pub picks_locked: bool,
    pub queue: Vec<QueueEntry>,
    pub balance: Vec<SpeakerBalance>,
    /// Ids of this table's notes, in order.
    pub notes: Vec<u64>,
    /// The chair's word in this phase (cleared when the phase changes).
    pub signal: Option<TableSignal>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BallotRecord {
    pub seq: u64,
    pub voter: String,
    pub receipt: String,
    pub choices: Vec<ProposalId>,
}

impl State {
    /// Rebuild a state from recorded events, in order.
    pub fn replay<'a>(records: impl IntoIterator<Item = &'a Recorded>) -> State {
        let mut s = State::default();
        for r in records {
            s.evolve(r);
        }
        s
    }

    pub fn rules(&self) -> Option<&Rules> {
        self.definition.as_ref().map(|d| &d.rules)
    }

    pub fn proposal(&self, id: &str) -> Option<&Proposal> {
        let d = self.definition.as_ref()?;
        self.index.get(id).map(|i| &d.proposals[*i])
    }

    /// The one cost of a proposal: the organiser's choice before the vote,
    /// else the list's.
    pub fn cost(&self, id: &str) -> Option<u64> {
        match self.costs.get(id) {
            Some((c, _)) => Some(*c),
            None => self.proposal(id).map(|p| p.cost),
        }
    }

    /// A proposal as every screen shows it: with its one cost.
    pub fn proposal_view(&self, p: &Proposal) -> Proposal {
        match self.costs.get(&p.id) {
            Some((c, _)) => Proposal { cost: *c, ..p.clone() },
            None => p.clone(),
        }
    }

    /// Costs adopted from the adviser, with the list's cost beside them.
    pub fn adopted_costs(&self) -> Vec<AdoptedCost> {
        self.costs
            .iter()
            .filter(|(_, (_, src))| *src == CostSource::Adviser)
            .filter_map(|(id, (c, _))| {
                Some(AdoptedCost { proposal: id.clone(), cost: *c, list_cost: self.proposal(id)?.cost })
            })
            .collect()
    }

    /// The definition the count uses: the proposals with their one cost.
    pub fn counted_definition(&self) -> Option<Definition> {
        let mut def = self.definition.clone()?;
        for p in def.proposals.iter_mut() {
            if let Some((c, _)) = self.costs.get(&p.id) {
                p.cost = *c;
            }
        }
        Some(def)
    }

    pub fn is_excluded(&self, id: &str) -> bool {
        self.exclusions.contains_key(id)
    }

    /// Whether the rules have a door register.
    pub fn door(&self) -> bool {
        self.rules().is_some_and(|r| r.registration == Registration::Door)
    }

    /// The proposal a counter meant by a mark keyed from paper: the id as
    /// typed, or else the one id it matches ignoring case and full-width
    /// forms (a Chinese IME types `Ｐ３`). A mark that matches none, or
    /// several, is kept as typed, so that the ballot is void with the reason.
    pub fn proposal_as_marked(&self, mark: &str) -> String {
        if self.index.contains_key(mark) {
            return mark.to_string();
        }
        let folded = fold_mark(mark);
        let mut found = self.index.keys().filter(|id| fold_mark(id) == folded);
        match (found.next(), found.next()) {
            (Some(id), None) => id.clone(),
            _ => mark.to_string(),
        }
    }

    pub fn table(&self, t: TableNo) -> Option<&TableState> {
        (t as usize).checked_sub(1).and_then(|i| self.tables.get(i))
    }

    fn table_mut(&mut self, t: TableNo) -> &mut TableState {
        &mut self.tables[t as usize - 1]
    }

    /// The table whose share includes `proposal` (None when every table sees all).
    pub fn table_of(&self, proposal: &str) -> Option<TableNo> {
        if self.rules()?.assignment == Assignment::AllTables {
            return None;
        }
        self.tables.iter().position(|t| t.share.iter().any(|p| p == proposal)).map(|i| i as TableNo + 1)
    }

    pub fn evolve(&mut self, rec: &Recorded) {
        self.seq = rec.seq;
        self.head = rec.hash.clone();
        let at = rec.at_ms;
        self.last_at_ms = at;
        match &rec.event {
            Event::MeetingDefined { definition } => {
                self.define(definition.clone());
                self.electorate.meeting = rec.hash.clone();
            }
            Event::MeetingOpened { fingerprint } => self.fingerprint = fingerprint.clone(),
            Event::PhaseChanged { to, lot_seed, .. } => {
                self.phase = *to;
                match to {
                    Phase::Voting => self.voting_opened_ms = Some(at),
                    Phase::Counted => self.counted_ms = Some(at),
                    _ => {}
                }
                // A chair's "ready" or "more time" was about the phase that ended.
                for t in &mut self.tables {
                    t.signal = None;
                }
                if *to >= Phase::Voting {
                    self.pitch = None;
                }
                if *to == Phase::Counted {
                    let def = self.counted_definition().expect("defined before counted");
                    let input = self.count_input();
                    self.results = Some(crate::count::count(&def, &input, lot_seed.as_deref().unwrap_or("")));
                }
            }
            Event::TimerStarted { label, duration_ms } => {
                self.timer = Some(Timer {
                    label: label.clone(),
                    duration_ms: *duration_ms,
                    started_at_ms: at,
                    used_before_ms: 0,
                    paused: false,
                })
            }
            Event::TimerPaused => {
                if let Some(t) = &mut self.timer {
                    t.used_before_ms += at.saturating_sub(t.started_at_ms);
                    t.paused = true;
                }
            }
            Event::TimerResumed => {
                if let Some(t) = &mut self.timer {
                    t.started_at_ms = at;
                    t.paused = false;
                }
            }
            Event::TimerExtended { by_ms } => {
                if let Some(t) = &mut self.timer {
                    t.duration_ms += by_ms;
                }
            }
            Event::TimerCleared => self.timer = None,
            Event::PitchTableSet { table } => {
                let mut done = self.pitch.as_ref().map(|p| p.done.clone()).unwrap_or_default();
                if let Some(prev) = self.pitch.as_ref().map(|p| p.table) {
                    if prev != *table && !done.contains(&prev) {
                        done.push(prev);
                    }
                }
                // The table on stage is never also listed as done (e.g. called back).
                done.retain(|t| t != table);
                let next = (1..=self.tables.len() as TableNo)
                    .find(|t| t != table && !done.contains(t) && !self.tables[*t as usize - 1].picks.is_empty());
                self.pitch = Some(Pitch { table: *table, next, done });
            }
            Event::SpeakerQueued { table, entry, name, turn } => {
                self.last_entry = self.last_entry.max(*entry);
                self.table_mut(*table).queue.push(QueueEntry {
                    entry: *entry,
                    name: name.clone(),
                    turn: *turn,
                    state: TurnState::Waiting,
                    queued_at_ms: at,
                    started_at_ms: None,
                    ended_at_ms: None,
                });
            }
            Event::SpeakerStarted { table, entry } => {
                let t = self.table_mut(*table);
                if let Some(e) = t.queue.iter_mut().find(|e| e.entry == *entry) {
                    e.state = TurnState::Speaking;
                    e.started_at_ms = Some(at);
                }
            }
            Event::SpeakerStopped { table, entry } => {
                let t = self.table_mut(*table);
                if let Some(e) = t.queue.iter_mut().find(|e| e.entry == *entry) {
                    e.state = TurnState::Done;
                    e.ended_at_ms = Some(at);
                    let spoke = at.saturating_sub(e.started_at_ms.unwrap_or(at));
                    let name = e.name.clone();
                    match t.balance.iter_mut().find(|b| b.name == name) {
                        Some(b) => {
                            b.turns += 1;
                            b.total_ms += spoke;
                        }
                        None => t.balance.push(SpeakerBalance { name, turns: 1, total_ms: spoke }),
                    }
                }
            }
            Event::SpeakerRemoved { table, entry } => {
                let t = self.table_mut(*table);
                if let Some(e) = t.queue.iter_mut().find(|e| e.entry == *entry) {
                    e.state = TurnState::Removed;
                }
            }
            Event::PicksSet { table, proposals } => self.table_mut(*table).picks = proposals.clone(),
            Event::PicksLocked { table } => self.table_mut(*table).picks_locked = true,
            Event::TableSignalled { table, signal } => self.table_mut(*table).signal = *signal,
            Event::NoteAdded { table, note, proposal, tag, text, by } => {
                self.notes.push(Note {
                    note: *note,
                    table: *table,
                    proposal: proposal.clone(),
                    tag: *tag,
                    text: text.clone(),
                    by: *by,
                    at_ms: at,
                    edited_at_ms: None,
                    withdrawn: false,
                });
                self.table_mut(*table).notes.push(*note);
            }
            Event::NoteEdited { note, tag, text, .. } => {
                if let Some(n) = self.notes.get_mut(*note as usize - 1) {
                    n.tag = *tag;
                    n.text = text.clone();
                    n.edited_at_ms = Some(at);
                }
            }
            Event::NoteWithdrawn { note, .. } => {
                if let Some(n) = self.notes.get_mut(*note as usize - 1) {
                    n.withdrawn = true;
                    n.edited_at_ms = Some(at);
                }
            }
            Event::Annotated { proposal, feasibility, exclusion_rule, reason, cost_estimate, remark, by_table } => {
                self.annotations.insert(
                    proposal.clone(),
                    Annotation {
                        proposal: proposal.clone(),
                        feasibility: *feasibility,
                        exclusion_rule: *exclusion_rule,
                        reason: reason.clone(),
                        cost_estimate: *cost_estimate,
                        remark: remark.clone(),
                        by_table: *by_table,
                        at_ms: at,
                    },
                );
            }
            Event::BallotCast { voter, choices } => {
                for c in choices {
                    *self.tally.entry(c.clone()).or_insert(0) += 1;
                }
                self.voted.insert(voter.clone(), self.ballots.len());
                self.ballots.push(BallotRecord {
                    seq: rec.seq,
                    voter: voter.clone(),
                    receipt: receipt_from_hash(&rec.hash),
                    choices: choices.clone(),
                });
            }
            Event::PaperKeyed { batch, counter, number, marks } => {
                let device = self.claim_device(&format!("counter-{counter}"));
                let b = self.desk.batches.entry(*batch).or_default();
                let copy = b.copies.entry(*counter).or_default();
                copy.ballots.insert(number.clone(), marks.clone());
                copy.finished = false;
                if device.is_some() {
                    copy.device = device;
                }
            }
            Event::PaperRemoved { batch, counter, number } => {
                if let Some(copy) = self.desk.batches.get_mut(batch).and_then(|b| b.copies.get_mut(counter)) {
                    copy.ballots.remove(number);
                    copy.finished = false;
                }
            }
            Event::PaperFinished { batch, counter } => {
                if let Some(b) = self.desk.batches.get_mut(batch) {
                    b.copies.entry(*counter).or_default().finished = true;
                }
            }
            Event::PaperDisputed { batch, differences } => {
                let b = self.desk.batches.entry(*batch).or_default();
                b.status = PaperStatus::Disputed;
                b.differences = differences.clone();
            }
            Event::PaperAgreed { batch, ballots } => {
                for p in ballots.iter().filter(|p| p.void.is_none()) {
                    for m in &p.marks {
                        *self.tally.entry(m.clone()).or_insert(0) += 1;
                    }
                }
                for p in ballots {
                    self.desk.numbers.insert(p.number.clone(), *batch);
                }
                let b = self.desk.batches.entry(*batch).or_default();
                b.status = PaperStatus::Agreed;
                b.differences.clear();
                b.ballots = ballots.clone();
            }
            Event::BatchDiscarded { batch } => {
                self.desk.batches.remove(batch);
            }
            Event::SheetsDeclared { batch, sheets, scrutineer } => {
                self.desk.batches.entry(*batch).or_default().sheets.insert(*scrutineer, *sheets);
            }
            Event::BoardKeyed { board, counter, counts } => {
                let device = self.claim_device(&format!("counter-{counter}"));
                let b = self.desk.boards.entry(*board).or_default();
                let copy = b.copies.entry(*counter).or_default();
                copy.counts = nonzero(counts);
                copy.finished = true;
                if device.is_some() {
                    copy.device = device;
                }
            }
            Event::BoardDisputed { board, differences } => {
                let b = self.desk.boards.entry(*board).or_default();
                b.status = PaperStatus::Disputed;
                b.differences = differences.clone();
            }
            Event::BoardAgreed { board, counts } => {
                for (id, n) in counts {
                    *self.tally.entry(id.clone()).or_insert(0) += n;
                }
                let b = self.desk.boards.entry(*board).or_default();
                b.status = PaperStatus::Agreed;
                b.differences.clear();
                b.counts = counts.clone();
            }
            Event::PrescreeningRecorded { record } => self.prescreening = Some(record.clone()),
            Event::StaffCardsIssued { cards } => {
                for c in cards {
                    self.electorate
                        .staff
                        .insert(c.serial.clone(), crate::electorate::StaffState { card: c.clone(), claim: None });
                }
            }
            Event::VoterCardsIssued { first, commitments, reason } => {
                let voting = self.phase == Phase::Voting;
                self.electorate.issue_voters(rec.seq, at, *first, commitments, reason, voting);
            }
            Event::CardCancelled { serial, reason } => self.electorate.cancel(rec.seq, at, serial, reason),
            Event::CardClaimed { serial, device, address, same_address_as } => {
                if let Some(s) = self.electorate.staff.get_mut(serial) {
                    s.claim = Some(Claim {
                        seq: rec.seq,
                        at_ms: at,
                        device: device.clone(),
                        address: address.clone(),
                        same_address_as: same_address_as.clone(),
                    });
                }
            }
            Event::ClaimReleased { serial, .. } => {
                if let Some(s) = self.electorate.staff.get_mut(serial) {
                    s.claim = None;
                }
            }
            Event::Registered { register, holder, issue } => {
                let e = &mut self.electorate;
                if let Some(h) = holder {
                    e.holders.insert(h.clone(), *register);
                }
                e.hand(*register, issue);
                e.register.push(crate::electorate::RegisterState {
                    at_ms: at,
                    holder: holder.clone(),
                    issue: issue.clone(),
                    replaced: vec![],
                });
            }
            Event::Reissued { register, cancelled, issue, reason } => {
                let e = &mut self.electorate;
                e.take_back(rec.seq, at, cancelled, reason);
                e.hand(*register, issue);
                if let Some(r) = e.register.get_mut(*register as usize - 1) {
                    r.replaced.push(Replaced { at_ms: at, issue: cancelled.clone(), reason: reason.clone() });
                    r.issue = issue.clone();
                }
            }
            Event::ExclusionConfirmed { proposal, rule, reason } => {
                self.exclusions.insert(
                    proposal.clone(),
                    Exclusion { proposal: proposal.clone(), rule: *rule, reason: reason.clone(), at_ms: at },
                );
            }
            Event::ExclusionLifted { proposal, .. } => {
                self.exclusions.remove(proposal);
            }
            Event::CostSet { proposal, cost, source } => {
                self.costs.insert(proposal.clone(), (*cost, *source));
            }
        }
    }

    /// The device a desk card is claimed on, if claimed.
    pub fn claim_device(&self, serial: &str) -> Option<String> {
        self.electorate.staff.get(serial)?.claim.as_ref().map(|c| c.device.clone())
    }

    /// What the count is computed from: the tally and every ballot that
    /// counts (phone, then agreed paper in batch order).
    pub fn count_input(&self) -> crate::count::CountInput {
        let paper: Vec<Vec<ProposalId>> = self.desk.valid_ballots().map(|b| b.marks.clone()).collect();
        let mut ballots: Vec<Vec<ProposalId>> = self.ballots.iter().map(|b| b.choices.clone()).collect();
        let paper_n = paper.len() as u64;
        ballots.extend(paper);
        crate::count::CountInput {
            tally: self.tally.clone(),
            ballots,
            paper: paper_n,
            void: self.desk.agreed_ballots().filter(|b| b.void.is_some()).count() as u64,
            stickers: self.desk.stickers(),
            excluded: self.exclusions.keys().cloned().collect::<BTreeSet<_>>(),
        }
    }

    fn define(&mut self, def: Definition) {
        let n_tables = def.rules.tables.len();
        let ids: Vec<ProposalId> = def.proposals.iter().map(|p| p.id.clone()).collect();
        self.index = ids.iter().enumerate().map(|(i, id)| (id.clone(), i)).collect();
        self.tally = ids.iter().map(|id| (id.clone(), 0)).collect();
        self.tables = def
            .rules
            .tables
            .iter()
            .enumerate()
            .map(|(i, name)| TableState {
                name: name.clone(),
                share: share_of(&ids, n_tables, i, def.rules.assignment),
                picks: vec![],
                picks_locked: false,
                signal: None,
                queue: vec![],
                balance: vec![],
                notes: vec![],
            })
            .collect();
        self.definition = Some(def);
    }
}

/// Table `i`'s share: contiguous chunks in list order, sizes differing by at
/// most one (the first tables take the extra proposals).
pub fn share_of(ids: &[ProposalId], tables: usize, i: usize, assignment: Assignment) -> Vec<ProposalId> {
    if assignment == Assignment::AllTables || tables == 0 {
        return ids.to_vec();
    }
    let base = ids.len() / tables;
    let extra = ids.len() % tables;
    let start = i * base + i.min(extra);
    let len = base + usize::from(i < extra);
    ids[start..start + len].to_vec()
}

/// A mark as a counter might have typed it: full-width ASCII folded to ASCII,
/// upper case.
fn fold_mark(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .flat_map(char::to_uppercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_cover_everything_once() {
        let ids: Vec<String> = (1..=62).map(|i| format!("P{i}")).collect();
        let mut all = vec![];
        for i in 0..6 {
            let s = share_of(&ids, 6, i, Assignment::SplitEvenly);
            assert!(s.len() == 10 || s.len() == 11);
            all.extend(s);
        }
        assert_eq!(all, ids);
    }
}
