//! `decide`: who may do what, when, and which events an accepted command
//! produces. Every check the hub makes about a command's meaning lives here,
//! so it can be tested without a socket.

use std::collections::HashSet;
use yuanzhuo_protocol::*;

use crate::chain::fingerprint;
use crate::electorate::{voter_number, voter_serial, NumberStatus};
use crate::event::{Actor, Event, StaffCard};
use crate::paper::{batch_differences, board_differences, nonzero, verdict, Copy};
use crate::state::State;
use crate::{Ctx, Rejection};
use ErrorCode as E;

type Decision = Result<Vec<Event>, Rejection>;

const MAX_NAME_CHARS: usize = 40;
const MAX_QUEUE: usize = 500;
const MAX_NOTES_PER_TABLE: usize = 2000;
const MAX_TIMER_MINUTES: u32 = 600;
const MAX_COST: u64 = 10_000_000_000;
/// Paper batches and sticker boards are numbered 1 to this.
const MAX_UNIT: u32 = 9999;
const MAX_MARKS: usize = 100;
const MAX_STICKERS: u64 = 100_000;
/// Most voter cards issued by one entry.
pub const MAX_CARDS_AT_ONCE: usize = 100_000;
/// Longest reason for a cancellation, a late issue or a switch, in characters.
const MAX_REASON_CHARS: usize = 200;

impl State {
    pub fn decide(&self, actor: &Actor, cmd: &Command, ctx: &Ctx) -> Decision {
        // Scrutineers watch; the one thing they enter is the hand count of sheets.
        let scrutineer_count = actor.role == Role::Scrutineer && matches!(cmd, Command::DeclareSheets { .. });
        if actor.role.is_read_only() || (actor.role == Role::Scrutineer && !scrutineer_count) {
            return Err(Rejection::new(E::ReadOnly));
        }
        // Registrars keep the door register and nothing else.
        if actor.role == Role::Registrar && !matches!(cmd, Command::Register { .. } | Command::Reissue { .. }) {
            return Err(Rejection::new(E::Forbidden));
        }
        let Some(def) = self.definition.as_ref() else {
            return Err(Rejection::new(E::NotOpen));
        };
        let rules = &def.rules;
        match cmd {
            Command::OpenMeeting => {
                self.organiser(actor)?;
                self.open(def)
            }
            Command::AdvancePhase { to } => {
                self.organiser(actor)?;
                self.advance(*to, def, ctx)
            }
            Command::StartTimer { label, minutes } => {
                self.organiser(actor)?;
                self.running_meeting()?;
                check_minutes(*minutes, MAX_TIMER_MINUTES)?;
                let label = short_text(label, MAX_NAME_CHARS, "label")?;
                Ok(vec![Event::TimerStarted { label, duration_ms: minutes_ms(*minutes) }])
            }
            Command::PauseTimer => {
                self.organiser(actor)?;
                match &self.timer {
                    Some(t) if !t.paused => Ok(vec![Event::TimerPaused]),
                    _ => Err(Rejection::new(E::NoTimer)),
                }
            }
            Command::ResumeTimer => {
                self.organiser(actor)?;
                match &self.timer {
                    Some(t) if t.paused => Ok(vec![Event::TimerResumed]),
                    _ => Err(Rejection::new(E::NoTimer)),
                }
            }
            Command::ExtendTimer { minutes } => {
                self.organiser(actor)?;
                check_minutes(*minutes, 120)?;
                match &self.timer {
                    Some(_) => Ok(vec![Event::TimerExtended { by_ms: minutes_ms(*minutes) }]),
                    None => Err(Rejection::new(E::NoTimer)),
                }
            }
            Command::SetPitchTable { table } => {
                self.organiser(actor)?;
                self.phase_in(&[Phase::Pitches])?;
                self.table(*table).ok_or_else(|| Rejection::with(E::UnknownTable, table.to_string()))?;
                Ok(vec![
                    Event::PitchTableSet { table: *table },
                    Event::TimerStarted { label: "pitch".into(), duration_ms: minutes_ms(rules.pitch_minutes) },
                ])
            }
            Command::QueueSpeaker { table, name, turn } => {
                self.table_work(actor, *table, &[Role::Chair])?;
                self.phase_in(&[Phase::CheckIn, Phase::Discussion, Phase::Picks])?;
                let name = short_text(name, MAX_NAME_CHARS, "name")?;
                if self.tables[*table as usize - 1].queue.len() >= MAX_QUEUE {
                    return Err(Rejection::with(E::InvalidField, format!("queue holds at most {MAX_QUEUE}")));
                }
                Ok(vec![Event::SpeakerQueued { table: *table, entry: self.last_entry + 1, name, turn: *turn }])
            }
            Command::StartSpeaker { table, entry } => {
                self.table_work(actor, *table, &[Role::Chair])?;
                self.phase_in(&[Phase::CheckIn, Phase::Discussion, Phase::Picks])?;
                let t = &self.tables[*table as usize - 1];
                let waiting = |e: &&QueueEntry| e.state == TurnState::Waiting;
                let next = match entry {
                    Some(id) => t
                        .queue
                        .iter()
                        .filter(waiting)
                        .find(|e| e.entry == *id)
                        .ok_or_else(|| Rejection::with(E::UnknownEntry, id.to_string()))?,
                    None => t.queue.iter().find(waiting).ok_or_else(|| Rejection::new(E::NobodyWaiting))?,
                };
                let mut events = vec![];
                if let Some(cur) = t.queue.iter().find(|e| e.state == TurnState::Speaking) {
                    events.push(Event::SpeakerStopped { table: *table, entry: cur.entry });
                }
                events.push(Event::SpeakerStarted { table: *table, entry: next.entry });
                Ok(events)
            }
            Command::StopSpeaker { table } => {
                self.table_work(actor, *table, &[Role::Chair])?;
                let t = &self.tables[*table as usize - 1];
                match t.queue.iter().find(|e| e.state == TurnState::Speaking) {
                    Some(cur) => Ok(vec![Event::SpeakerStopped { table: *table, entry: cur.entry }]),
                    None => Err(Rejection::new(E::NobodySpeaking)),
                }
            }
            Command::RemoveSpeaker { table, entry } => {
                self.table_work(actor, *table, &[Role::Chair])?;
                let t = &self.tables[*table as usize - 1];
                match t.queue.iter().find(|e| e.entry == *entry) {
                    Some(e) if e.state == TurnState::Waiting => {
                        Ok(vec![Event::SpeakerRemoved { table: *table, entry: *entry }])
                    }
                    Some(e) if e.state == TurnState::Speaking => {
                        Ok(vec![Event::SpeakerStopped { table: *table, entry: *entry }])
                    }
                    _ => Err(Rejection::with(E::UnknownEntry, entry.to_string())),
                }
            }
            Command::SetPicks { table, proposals } => {
                self.table_work(actor, *table, &[Role::Chair])?;
                self.phase_in(&[Phase::Discussion, Phase::Picks])?;
                let t = &self.tables[*table as usize - 1];
                if t.picks_locked {
                    return Err(Rejection::new(E::PicksLocked));
                }
                if proposals.len() != rules.picks_per_table as usize {
                    return Err(Rejection::with(
                        E::PicksWrongCount,
                        format!("{}/{}", proposals.len(), rules.picks_per_table),
                    ));
                }
                let mut seen = HashSet::new();
                for p in proposals {
                    if self.proposal(p).is_none() {
                        return Err(Rejection::with(E::UnknownProposal, p.clone()));
                    }
                    if !t.share.contains(p) {
                        return Err(Rejection::with(E::NotInShare, p.clone()));
                    }
                    if !seen.insert(p) {
                        return Err(Rejection::with(E::DuplicatePick, p.clone()));
                    }
                }
                Ok(vec![Event::PicksSet { table: *table, proposals: proposals.clone() }])
            }
            Command::LockPicks { table } => {
                self.table_work(actor, *table, &[Role::Chair])?;
                self.phase_in(&[Phase::Discussion, Phase::Picks])?;
                let t = &self.tables[*table as usize - 1];
                if t.picks_locked {
                    return Err(Rejection::new(E::PicksLocked));
                }
                if t.picks.is_empty() {
                    return Err(Rejection::new(E::NoPicks));
                }
                Ok(vec![Event::PicksLocked { table: *table }])
            }
            Command::SignalTable { table, signal } => {
                self.table_work(actor, *table, &[Role::Chair])?;
                self.phase_in(&[Phase::CheckIn, Phase::Discussion, Phase::Picks])?;
                Ok(vec![Event::TableSignalled { table: *table, signal: *signal }])
            }
            Command::AddNote { table, proposal, tag, text } => {
                self.table_work(actor, *table, &[Role::Recorder, Role::Chair])?;
                self.phase_in(&[Phase::CheckIn, Phase::Discussion, Phase::Picks, Phase::Pitches])?;
                if let Some(p) = proposal {
                    self.proposal(p).ok_or_else(|| Rejection::with(E::UnknownProposal, p.clone()))?;
                    // A note is about one of the table's own proposals (all of them when every table sees all).
                    if !self.tables[*table as usize - 1].share.contains(p) {
                        return Err(Rejection::with(E::WrongTable, p.clone()));
                    }
                }
                let text = long_text(text, "text")?;
                if self.tables[*table as usize - 1].notes.len() >= MAX_NOTES_PER_TABLE {
                    return Err(Rejection::with(E::InvalidField, format!("at most {MAX_NOTES_PER_TABLE} notes")));
                }
                Ok(vec![Event::NoteAdded {
                    table: *table,
                    note: self.notes.len() as u64 + 1,
                    proposal: proposal.clone(),
                    tag: *tag,
                    text,
                    by: actor.role,
                }])
            }
            Command::EditNote { note, tag, text } => {
                let table = self.own_note(actor, *note)?;
                self.phase_in(&[Phase::CheckIn, Phase::Discussion, Phase::Picks, Phase::Pitches])?;
                let text = long_text(text, "text")?;
                Ok(vec![Event::NoteEdited { table, note: *note, tag: *tag, text }])
            }
            Command::WithdrawNote { note } => {
                let table = self.own_note(actor, *note)?;
                self.phase_in(&[Phase::CheckIn, Phase::Discussion, Phase::Picks, Phase::Pitches])?;
                Ok(vec![Event::NoteWithdrawn { table, note: *note }])
            }
            Command::Annotate { proposal, feasibility, exclusion_rule, reason, cost_estimate, remark } => {
                if actor.role != Role::Adviser {
                    return Err(Rejection::new(E::Forbidden));
                }
                self.proposal(proposal).ok_or_else(|| Rejection::with(E::UnknownProposal, proposal.clone()))?;
                if !actor.all_tables {
                    let t = actor.table.and_then(|t| self.table(t)).ok_or_else(|| Rejection::new(E::WrongTable))?;
                    if !t.share.contains(proposal) {
                        return Err(Rejection::with(E::WrongTable, proposal.clone()));
                    }
                }
                self.phase_in(&[Phase::CheckIn, Phase::Discussion, Phase::Picks, Phase::Pitches])?;
                match (feasibility, exclusion_rule) {
                    (_, Some(r)) if !(1..=7).contains(r) => {
                        return Err(Rejection::with(E::ExclusionRuleRequired, r.to_string()))
                    }
                    (Feasibility::Excluded, None) => return Err(Rejection::new(E::ExclusionRuleRequired)),
                    (Feasibility::Feasible, Some(_)) => {
                        return Err(Rejection::with(E::InvalidField, "exclusion_rule on a feasible proposal"))
                    }
                    _ => {}
                }
                if cost_estimate.is_some_and(|c| c > MAX_COST) {
                    return Err(Rejection::with(E::InvalidField, "cost_estimate"));
                }
                Ok(vec![Event::Annotated {
                    proposal: proposal.clone(),
                    feasibility: *feasibility,
                    exclusion_rule: *exclusion_rule,
                    reason: optional_text(reason, "reason")?,
                    cost_estimate: *cost_estimate,
                    remark: optional_text(remark, "remark")?,
                    by_table: if actor.all_tables { None } else { actor.table },
                }])
            }
            Command::CastBallot { choices } => {
                let voter = match (actor.role, actor.voter_serial()) {
                    (Role::Voter, Some(v)) => v,
                    _ => return Err(Rejection::new(E::Forbidden)),
                };
                self.phase_in(&[Phase::Voting])?;
                if let Some(i) = self.voted.get(voter) {
                    return Err(self.already_voted(*i));
                }
                match self.electorate.card_status(voter, self.door()) {
                    None => return Err(Rejection::with(E::UnknownCard, voter.clone())),
                    Some(CardStatus::Cancelled) => return Err(Rejection::with(E::CardCancelled, voter.clone())),
                    Some(CardStatus::NotRegistered) => return Err(Rejection::with(E::NotRegistered, voter.clone())),
                    Some(CardStatus::Usable) => {}
                }
                // Ids read like paper marks and the meeting file: `p03` and `Ｐ０３` are `P03`.
                let choices: Vec<ProposalId> = choices.iter().map(|c| self.proposal_as_marked(c)).collect();
                self.check_ballot(&choices, rules.max_choices)?;
                if let Some(x) = choices.iter().find(|c| self.is_excluded(c)) {
                    return Err(Rejection::with(E::ProposalExcluded, x.clone()));
                }
                Ok(vec![Event::BallotCast { voter: voter.clone(), choices }])
            }
            Command::KeyPaper { batch, number, marks } => {
                let desk = counter(actor)?;
                self.claimed(actor)?;
                self.phase_in(&[Phase::Voting])?;
                check_unit(*batch, "batch")?;
                let number = paper_number(number)?;
                if marks.len() > MAX_MARKS {
                    return Err(Rejection::with(E::InvalidField, format!("marks: at most {MAX_MARKS}")));
                }
                let marks = marks
                    .iter()
                    .map(|m| short_text(m, 20, "marks").map(|m| self.proposal_as_marked(&m)))
                    .collect::<Result<Vec<_>, _>>()?;
                if let Some(b) = self.desk.batches.get(batch) {
                    if b.status == PaperStatus::Agreed {
                        return Err(agreed(PaperKind::Batch, *batch));
                    }
                    if !b.copies.contains_key(&desk) && b.copies.len() >= 2 {
                        return Err(taken(PaperKind::Batch, *batch, &b.copies));
                    }
                    // The two copies of a batch come from two devices.
                    let mine = self.claim_device(&format!("counter-{desk}"));
                    if let Some((other, _)) =
                        b.copies.iter().find(|(d, c)| **d != desk && c.device.is_some() && c.device == mine)
                    {
                        return Err(same_device(PaperKind::Batch, *batch, *other));
                    }
                }
                if let Some(other) = self.desk.numbers.get(&number) {
                    return Err(Rejection::with(E::BallotNumberUsed, format!("{number}: batch {other}"))
                        .about(ErrorAbout { number: Some(number), ..ErrorAbout::unit(PaperKind::Batch, *other) }));
                }
                Ok(vec![Event::PaperKeyed { batch: *batch, counter: desk, number, marks }])
            }
            Command::RemovePaper { batch, number } => {
                let desk = counter(actor)?;
                self.claimed(actor)?;
                self.phase_in(&[Phase::Voting])?;
                let b = self.open_batch(*batch)?;
                let number = normalize_ballot_number(number);
                if !b.copies.get(&desk).is_some_and(|c| c.ballots.contains_key(&number)) {
                    let about =
                        ErrorAbout { number: Some(number.clone()), ..ErrorAbout::unit(PaperKind::Batch, *batch) };
                    return Err(Rejection::with(E::UnknownPaperBallot, number).about(about));
                }
                Ok(vec![Event::PaperRemoved { batch: *batch, counter: desk, number }])
            }
            Command::FinishPaper { batch } => {
                let desk = counter(actor)?;
                self.claimed(actor)?;
                self.phase_in(&[Phase::Voting])?;
                let b = self.open_batch(*batch)?;
                // A counter who keyed nothing in an existing batch finishes an
                // empty copy (a stray batch: opened, one ballot keyed and removed).
                let empty = Copy::default();
                let mine = b.copies.get(&desk).unwrap_or(&empty);
                if mine.finished {
                    return Err(Rejection::with(E::CopyFinished, format!("batch {batch}")));
                }
                let mut events = vec![Event::PaperFinished { batch: *batch, counter: desk }];
                if let Some((_, other)) = b.copies.iter().find(|(d, c)| **d != desk && c.finished) {
                    let differences = batch_differences(mine, other, &self.desk.numbers);
                    events.push(if differences.is_empty() {
                        Event::PaperAgreed { batch: *batch, ballots: self.judged(mine) }
                    } else {
                        Event::PaperDisputed { batch: *batch, differences }
                    });
                }
                Ok(events)
            }
            Command::KeyBoard { board, counts } => {
                let desk = counter(actor)?;
                self.claimed(actor)?;
                self.phase_in(&[Phase::Voting])?;
                if rules.allocation == Allocation::EqualShares {
                    return Err(Rejection::new(E::BoardsNotAllowed));
                }
                check_unit(*board, "board")?;
                for (id, n) in counts {
                    self.proposal(id).ok_or_else(|| Rejection::with(E::UnknownProposal, id.clone()))?;
                    if *n > MAX_STICKERS {
                        return Err(Rejection::with(E::InvalidField, format!("{id}: at most {MAX_STICKERS} stickers")));
                    }
                }
                let counts = nonzero(counts);
                if self.door() {
                    // Stickers on the boards never exceed those handed out at the door.
                    let other_boards: u64 = self
                        .desk
                        .boards
                        .iter()
                        .filter(|(n, b)| *n != board && b.status == PaperStatus::Agreed)
                        .flat_map(|(_, b)| b.counts.values())
                        .sum();
                    let reading: u64 = counts.values().sum();
                    let issued = self.electorate.stickers;
                    if other_boards + reading > issued {
                        return Err(Rejection::with(
                            E::StickersOverIssued,
                            format!("{issued} handed out, {other_boards} on agreed boards, {reading} on this reading"),
                        ));
                    }
                }
                let mut events = vec![];
                match self.desk.boards.get(board) {
                    Some(b) if b.status == PaperStatus::Agreed => {
                        return Err(agreed(PaperKind::Board, *board));
                    }
                    Some(b) if !b.copies.contains_key(&desk) && b.copies.len() >= 2 => {
                        return Err(taken(PaperKind::Board, *board, &b.copies));
                    }
                    Some(b) => {
                        // The two readings of a board come from two devices, like a batch's copies.
                        let mine = self.claim_device(&format!("counter-{desk}"));
                        if let Some((other, _)) =
                            b.copies.iter().find(|(d, c)| **d != desk && c.device.is_some() && c.device == mine)
                        {
                            return Err(same_device(PaperKind::Board, *board, *other));
                        }
                        events.push(Event::BoardKeyed { board: *board, counter: desk, counts: counts.clone() });
                        if let Some((_, other)) = b.copies.iter().find(|(d, _)| **d != desk) {
                            let mine = Copy { finished: true, counts: counts.clone(), ..Default::default() };
                            let differences = board_differences(&mine, other);
                            events.push(if differences.is_empty() {
                                Event::BoardAgreed { board: *board, counts }
                            } else {
                                Event::BoardDisputed { board: *board, differences }
                            });
                        }
                    }
                    None => events.push(Event::BoardKeyed { board: *board, counter: desk, counts }),
                }
                Ok(events)
            }
            Command::DeclareSheets { batch, sheets } => {
                if actor.role != Role::Scrutineer {
                    return Err(Rejection::new(E::Forbidden));
                }
                self.claimed(actor)?;
                self.phase_in(&[Phase::Voting])?;
                check_unit(*batch, "batch")?;
                if *sheets > MAX_STICKERS as u32 {
                    return Err(Rejection::with(E::InvalidField, format!("sheets: at most {MAX_STICKERS}")));
                }
                Ok(vec![Event::SheetsDeclared { batch: *batch, sheets: *sheets, scrutineer: actor.number }])
            }
            Command::DiscardBatch { batch } => {
                self.organiser(actor)?;
                self.phase_in(&[Phase::Voting])?;
                let b = self.open_batch(*batch)?;
                if !b.is_empty() {
                    return Err(Rejection::with(E::BatchNotEmpty, batch.to_string())
                        .about(ErrorAbout::unit(PaperKind::Batch, *batch)));
                }
                Ok(vec![Event::BatchDiscarded { batch: *batch }])
            }
            Command::CancelCard { serial, reason } => {
                self.organiser(actor)?;
                self.before(Phase::Counted)?;
                let serial = card_serial(serial);
                let reason = reason_text(reason)?;
                let card =
                    self.electorate.cards.get(&serial).ok_or_else(|| Rejection::with(E::UnknownCard, &serial))?;
                if card.cancelled.is_some() {
                    return Err(Rejection::with(E::CardCancelled, serial));
                }
                if let Some(i) = self.voted.get(&serial) {
                    return Err(self.already_voted(*i));
                }
                Ok(vec![Event::CardCancelled { serial, reason }])
            }
            Command::ReleaseClaim { serial, reason } => {
                self.organiser(actor)?;
                self.before(Phase::Counted)?;
                let reason = reason_text(reason)?;
                let card = self
                    .electorate
                    .staff
                    .get(serial)
                    .filter(|s| s.card.role.is_desk_role())
                    .ok_or_else(|| Rejection::with(E::UnknownCard, serial))?;
                if card.claim.is_none() {
                    return Err(Rejection::with(E::NotClaimed, serial));
                }
                Ok(vec![Event::ClaimReleased { serial: serial.clone(), reason }])
            }
            Command::ConfirmExclusion { proposal, rule, reason } => {
                self.organiser(actor)?;
                self.before(Phase::Voting)?;
                self.proposal(proposal).ok_or_else(|| Rejection::with(E::UnknownProposal, proposal))?;
                if !(1..=7).contains(rule) {
                    return Err(Rejection::with(E::ExclusionRuleRequired, rule.to_string()));
                }
                let advice = self
                    .annotations
                    .get(proposal)
                    .filter(|a| a.feasibility == Feasibility::Excluded && a.exclusion_rule == Some(*rule));
                let Some(advice) = advice else {
                    return Err(Rejection::with(E::NotRecommended, format!("{proposal}: rule {rule}")));
                };
                if self.is_excluded(proposal) {
                    return Err(Rejection::with(E::InvalidField, format!("{proposal} is already excluded")));
                }
                let reason = optional_text(reason, "reason")?;
                let reason = if reason.is_empty() { advice.reason.clone() } else { reason };
                Ok(vec![Event::ExclusionConfirmed { proposal: proposal.clone(), rule: *rule, reason }])
            }
            Command::LiftExclusion { proposal, reason } => {
                self.organiser(actor)?;
                self.before(Phase::Voting)?;
                if !self.is_excluded(proposal) {
                    return Err(Rejection::with(E::NotExcluded, proposal));
                }
                Ok(vec![Event::ExclusionLifted { proposal: proposal.clone(), reason: reason_text(reason)? }])
            }
            Command::SetCost { proposal, source } => {
                self.organiser(actor)?;
                self.before(Phase::Voting)?;
                let p = self.proposal(proposal).ok_or_else(|| Rejection::with(E::UnknownProposal, proposal))?;
                let cost = match source {
                    CostSource::List => p.cost,
                    CostSource::Adviser => self
                        .annotations
                        .get(proposal)
                        .and_then(|a| a.cost_estimate)
                        .ok_or_else(|| Rejection::with(E::NoEstimate, proposal))?,
                };
                Ok(vec![Event::CostSet { proposal: proposal.clone(), cost, source: *source }])
            }
            Command::Register { holder, issue } => {
                self.registrar(actor)?;
                let issue = self.issue(issue)?;
                if let Some(h) = holder {
                    if let Some(n) = self.electorate.holders.get(h) {
                        return Err(Rejection::with(E::AlreadyRegistered, format!("register {n}"))
                            .about(ErrorAbout { register: Some(*n), ..Default::default() }));
                    }
                }
                let register = self.electorate.register.len() as u32 + 1;
                Ok(vec![Event::Registered { register, holder: holder.clone(), issue }])
            }
            Command::Reissue { register, issue, reason } => {
                self.registrar(actor)?;
                let reason = reason_text(reason)?;
                let held = self
                    .electorate
                    .register
                    .get((*register as usize).wrapping_sub(1))
                    .ok_or_else(|| Rejection::with(E::UnknownRegister, register.to_string()))?
                    .issue
                    .clone();
                let issue = self.issue(issue)?;
                match &held {
                    Issue::Card { serial } => {
                        if let Some(i) = self.voted.get(serial) {
                            return Err(self.already_voted(*i));
                        }
                    }
                    Issue::Paper { number } => {
                        if let Some(b) = self.desk.numbers.get(number) {
                            return Err(Rejection::with(E::AlreadyVoted, format!("{number}: batch {b}")).about(
                                ErrorAbout { number: Some(number.clone()), ..ErrorAbout::unit(PaperKind::Batch, *b) },
                            ));
                        }
                    }
                    Issue::Stickers { stickers } => {
                        // Stickers already on agreed boards cannot be taken back.
                        let added = match &issue {
                            Issue::Stickers { stickers } => *stickers as u64,
                            _ => 0,
                        };
                        let after = (self.electorate.stickers + added).saturating_sub(*stickers as u64);
                        let on_boards = self.desk.stickers();
                        if on_boards > after {
                            return Err(Rejection::with(
                                E::StickersOverIssued,
                                format!("{on_boards} on agreed boards, {after} handed out after this switch"),
                            ));
                        }
                    }
                }
                Ok(vec![Event::Reissued { register: *register, cancelled: held, issue, reason }])
            }
        }
    }

    /// Issue voter cards, one per commitment, numbered after the last one
    /// (the hub made the codes and keeps them; the log keeps commitments).
    /// Before the vote by the organiser (or the hub creating the meeting);
    /// from the opening of the vote only with a reason, which the room sees.
    pub fn issue_voter_cards(&self, actor: &Actor, commitments: Vec<String>, reason: &str) -> Decision {
        if actor.role != Role::Organiser {
            return Err(Rejection::new(E::Forbidden));
        }
        self.definition.as_ref().ok_or_else(|| Rejection::new(E::NotOpen))?;
        self.before(Phase::Counted)?;
        if commitments.is_empty() || commitments.len() > MAX_CARDS_AT_ONCE {
            return Err(Rejection::with(E::InvalidField, format!("count: 1..={MAX_CARDS_AT_ONCE}")));
        }
        if !commitments.iter().all(|c| is_commitment(c)) {
            return Err(Rejection::with(E::InvalidField, "commitment"));
        }
        let reason = optional_text(reason, "reason")?;
        if reason.chars().count() > MAX_REASON_CHARS {
            return Err(Rejection::with(E::InvalidField, format!("reason: at most {MAX_REASON_CHARS} characters")));
        }
        if self.phase >= Phase::Voting && reason.is_empty() {
            return Err(Rejection::new(E::ReasonRequired));
        }
        Ok(vec![Event::VoterCardsIssued { first: self.electorate.last_voter + 1, commitments, reason }])
    }

    /// The staff cards, issued once when the meeting is created (and any a
    /// later version of the hub adds, before the meeting opens).
    pub fn issue_staff_cards(&self, cards: Vec<StaffCard>) -> Decision {
        self.definition.as_ref().ok_or_else(|| Rejection::new(E::NotOpen))?;
        if self.phase != Phase::Setup {
            return Err(Rejection::with(E::WrongPhase, self.phase.as_str()));
        }
        if let Some(c) = cards.iter().find(|c| self.electorate.staff.contains_key(&c.serial)) {
            return Err(Rejection::with(E::AlreadyIssued, &c.serial));
        }
        if let Some(c) = cards.iter().find(|c| !is_commitment(&c.commitment)) {
            return Err(Rejection::with(E::InvalidField, format!("commitment of {}", c.serial)));
        }
        Ok(vec![Event::StaffCardsIssued { cards }])
    }

    /// A desk card claimed on first use: by the device `device` (a short
    /// hash), from `address`; `same_address_as` names who else is
    /// connected from that address, for the room to see.
    pub fn claim(&self, serial: &str, device: &str, address: &str, same_address_as: Vec<String>) -> Decision {
        let card = self
            .electorate
            .staff
            .get(serial)
            .filter(|s| s.card.role.is_desk_role())
            .ok_or_else(|| Rejection::with(E::UnknownCard, serial))?;
        if card.claim.is_some() {
            return Err(Rejection::with(E::ClaimedElsewhere, serial));
        }
        if device.is_empty() || device.len() > 64 {
            return Err(Rejection::with(E::InvalidField, "device"));
        }
        if let Some(other) = self.electorate.card_on_device(device) {
            return Err(Rejection::with(E::DeviceHasCard, other));
        }
        self.before(Phase::Counted)?;
        Ok(vec![Event::CardClaimed {
            serial: serial.to_string(),
            device: device.to_string(),
            address: address.to_string(),
            same_address_as,
        }])
    }

    /// A desk role's card must have been claimed before it counts anything.
    fn claimed(&self, actor: &Actor) -> Result<(), Rejection> {
        let Some(serial) = actor.desk_card() else { return Ok(()) };
        match self.electorate.staff.get(&serial) {
            Some(s) if s.claim.is_some() => Ok(()),
            _ => Err(Rejection::with(E::NotClaimed, serial)),
        }
    }

    /// The register is kept by registrars, when the rules have one, from
    /// setting up the hall until the vote closes.
    fn registrar(&self, actor: &Actor) -> Result<(), Rejection> {
        if actor.role != Role::Registrar {
            return Err(Rejection::new(E::Forbidden));
        }
        // Only a registrar card the log issued keeps the register.
        let card = actor.number.map(|n| format!("registrar-{n}"));
        if !card.as_ref().is_some_and(|c| self.electorate.staff.contains_key(c)) {
            return Err(Rejection::with(E::UnknownCard, card.unwrap_or_else(|| "registrar".into())));
        }
        if !self.door() {
            return Err(Rejection::new(E::NoRegister));
        }
        self.before(Phase::Counted)
    }

    /// What a registrar hands out, as the hub keeps it, if it is free.
    fn issue(&self, issue: &Issue) -> Result<Issue, Rejection> {
        let issue = match issue {
            Issue::Card { serial } => Issue::Card { serial: card_serial(serial) },
            Issue::Paper { number } => Issue::Paper { number: paper_number(number)? },
            Issue::Stickers { stickers } => {
                let max = self.rules().map_or(0, |r| r.max_choices);
                if !(1..=max).contains(stickers) {
                    return Err(Rejection::with(E::InvalidField, format!("stickers: 1..={max}")));
                }
                Issue::Stickers { stickers: *stickers }
            }
        };
        let detail = match &issue {
            Issue::Card { serial } => serial.clone(),
            Issue::Paper { number } => number.clone(),
            Issue::Stickers { .. } => String::new(),
        };
        self.electorate.is_free(&issue).map_err(|code| Rejection::with(code, detail))?;
        Ok(issue)
    }

    /// Anything but the phases from `phase` on.
    fn before(&self, phase: Phase) -> Result<(), Rejection> {
        if self.phase < phase {
            Ok(())
        } else {
            Err(Rejection::with(E::WrongPhase, self.phase.as_str()))
        }
    }

    /// An agreed copy's ballots with the rules' verdict on each, in the
    /// order of their numbers (numerically where they are numbers).
    fn judged(&self, copy: &Copy) -> Vec<PaperBallot> {
        let max = self.rules().map_or(0, |r| r.max_choices);
        let door = self.door();
        let mut out: Vec<PaperBallot> = copy
            .ballots
            .iter()
            .map(|(number, marks)| {
                // With the door register a ballot counts only under a number handed out.
                let number_void = match door.then(|| self.electorate.number_status(number)) {
                    Some(NumberStatus::Unissued) => Some(VoidReason::UnissuedNumber),
                    Some(NumberStatus::Cancelled) => Some(VoidReason::CancelledNumber),
                    _ => None,
                };
                PaperBallot {
                    number: number.clone(),
                    marks: marks.clone(),
                    void: number_void.or_else(|| verdict(marks, max, |id| self.proposal(id).is_some())),
                }
            })
            .collect();
        out.sort_by(|a, b| natural(&a.number).cmp(&natural(&b.number)));
        out
    }

    /// A ballot's own validity: 1..=max distinct, known proposals.
    pub fn check_ballot(&self, choices: &[ProposalId], max: u32) -> Result<(), Rejection> {
        if choices.is_empty() {
            return Err(Rejection::new(E::EmptyBallot));
        }
        if choices.len() > max as usize {
            return Err(Rejection::with(E::TooManyChoices, format!("{}/{}", choices.len(), max)));
        }
        let mut seen = HashSet::new();
        for c in choices {
            if self.proposal(c).is_none() {
                return Err(Rejection::with(E::UnknownProposal, c.clone()));
            }
            if !seen.insert(c) {
                return Err(Rejection::with(E::DuplicateChoice, c.clone()));
            }
        }
        Ok(())
    }

    fn open(&self, def: &Definition) -> Decision {
        if self.phase != Phase::Setup {
            return Err(Rejection::with(E::WrongPhase, self.phase.as_str()));
        }
        Ok(vec![
            Event::MeetingOpened { fingerprint: fingerprint(def) },
            Event::PhaseChanged { from: Phase::Setup, to: Phase::CheckIn, lot_seed: None },
        ])
    }

    fn advance(&self, to: Phase, def: &Definition, ctx: &Ctx) -> Decision {
        if self.phase == Phase::Setup && to == Phase::CheckIn {
            return self.open(def);
        }
        if self.phase.next() != Some(to) {
            return Err(Rejection::with(E::BadPhaseTransition, format!("{} → {}", self.phase.as_str(), to.as_str())));
        }
        if to == Phase::Counted {
            // The count waits for the counting desk.
            if let Some(refusal) = self.desk.blocks_close() {
                return Err(refusal);
            }
        }
        let rules = &def.rules;
        let mut events = vec![];
        let lot_seed = (to == Phase::Counted).then(|| ctx.head.clone());
        if self.timer.is_some() {
            events.push(Event::TimerCleared);
        }
        events.push(Event::PhaseChanged { from: self.phase, to, lot_seed });
        match to {
            Phase::Discussion => events.push(Event::TimerStarted {
                label: "discussion".into(),
                duration_ms: minutes_ms(rules.discussion_minutes),
            }),
            Phase::Pitches => {
                // Table work ends here: whoever still has the floor is stopped,
                // so that talk time does not run on through the pitches.
                for (i, t) in self.tables.iter().enumerate() {
                    if let Some(e) = t.queue.iter().find(|e| e.state == TurnState::Speaking) {
                        events.push(Event::SpeakerStopped { table: i as TableNo + 1, entry: e.entry });
                    }
                }
                // Picks end with their phase: complete sets are locked as they stand.
                for (i, t) in self.tables.iter().enumerate() {
                    if !t.picks_locked && !t.picks.is_empty() {
                        events.push(Event::PicksLocked { table: i as TableNo + 1 });
                    }
                }
                if let Some(first) = self.tables.iter().position(|t| !t.picks.is_empty()) {
                    events.push(Event::PitchTableSet { table: first as TableNo + 1 });
                    events.push(Event::TimerStarted {
                        label: "pitch".into(),
                        duration_ms: minutes_ms(rules.pitch_minutes),
                    });
                }
            }
            _ => {}
        }
        Ok(events)
    }

    fn organiser(&self, actor: &Actor) -> Result<(), Rejection> {
        if actor.role == Role::Organiser {
            Ok(())
        } else {
            Err(Rejection::new(E::Forbidden))
        }
    }

    fn running_meeting(&self) -> Result<(), Rejection> {
        match self.phase {
            Phase::Setup => Err(Rejection::new(E::NotOpen)),
            Phase::Counted | Phase::Published => Err(Rejection::with(E::WrongPhase, self.phase.as_str())),
            _ => Ok(()),
        }
    }

    /// A batch that exists and may still change (not agreed).
    fn open_batch(&self, batch: u32) -> Result<&crate::paper::Batch, Rejection> {
        let b =
            self.desk.batches.get(&batch).ok_or_else(|| {
                Rejection::with(E::UnknownBatch, batch).about(ErrorAbout::unit(PaperKind::Batch, batch))
            })?;
        if b.status == PaperStatus::Agreed {
            return Err(agreed(PaperKind::Batch, batch));
        }
        Ok(b)
    }

    /// `already_voted` for ballot `i`, naming its receipt.
    fn already_voted(&self, i: usize) -> Rejection {
        let receipt = self.ballots[i].receipt.clone();
        Rejection::with(E::AlreadyVoted, &receipt).about(ErrorAbout { receipt: Some(receipt), ..Default::default() })
    }

    fn phase_in(&self, allowed: &[Phase]) -> Result<(), Rejection> {
        if allowed.contains(&self.phase) {
            Ok(())
        } else if self.phase == Phase::Setup {
            Err(Rejection::new(E::NotOpen))
        } else {
            Err(Rejection::with(E::WrongPhase, self.phase.as_str()))
        }
    }

    /// Table work: the table exists, the actor has one of `roles` at that
    /// table, or is the organiser (who may stand in for any table).
    fn table_work(&self, actor: &Actor, table: TableNo, roles: &[Role]) -> Result<(), Rejection> {
        self.table(table).ok_or_else(|| Rejection::with(E::UnknownTable, table.to_string()))?;
        if actor.role == Role::Organiser {
            return Ok(());
        }
        if !roles.contains(&actor.role) {
            return Err(Rejection::new(E::Forbidden));
        }
        if actor.table != Some(table) {
            return Err(Rejection::with(E::WrongTable, table.to_string()));
        }
        Ok(())
    }

    /// A note the actor may change: recorders and chairs of its table, or the organiser.
    fn own_note(&self, actor: &Actor, note: u64) -> Result<TableNo, Rejection> {
        let n = note
            .checked_sub(1)
            .and_then(|i| self.notes.get(i as usize))
            .ok_or_else(|| Rejection::with(E::UnknownNote, note.to_string()))?;
        if n.withdrawn {
            return Err(Rejection::with(E::UnknownNote, format!("{note} withdrawn")));
        }
        match actor.role {
            Role::Organiser => Ok(n.table),
            Role::Recorder | Role::Chair if actor.table == Some(n.table) => Ok(n.table),
            Role::Recorder | Role::Chair => Err(Rejection::with(E::NotYourNote, note.to_string())),
            _ => Err(Rejection::new(E::Forbidden)),
        }
    }
}

/// The counter's desk, or Forbidden: only counters key paper.
fn unit_word(unit: PaperKind) -> &'static str {
    match unit {
        PaperKind::Batch => "batch",
        PaperKind::Board => "board",
    }
}

/// `batch_agreed`: the batch or board already agreed and counted.
fn agreed(unit: PaperKind, n: u32) -> Rejection {
    Rejection::with(E::BatchAgreed, format!("{} {n}", unit_word(unit))).about(ErrorAbout::unit(unit, n))
}

/// `batch_taken`: two other counters hold the copies.
fn taken<C>(unit: PaperKind, n: u32, copies: &std::collections::BTreeMap<DeskNo, C>) -> Rejection {
    let who: Vec<DeskNo> = copies.keys().copied().collect();
    let names: Vec<String> = who.iter().map(DeskNo::to_string).collect();
    Rejection::with(E::BatchTaken, format!("counters {}", names.join(", ")))
        .about(ErrorAbout { counters: who, ..ErrorAbout::unit(unit, n) })
}

/// `same_device`: the other copy was keyed on this device, by `other`.
fn same_device(unit: PaperKind, n: u32, other: DeskNo) -> Rejection {
    Rejection::with(E::SameDevice, format!("{} {n}: counter {other}", unit_word(unit)))
        .about(ErrorAbout { counters: vec![other], ..ErrorAbout::unit(unit, n) })
}

fn counter(actor: &Actor) -> Result<DeskNo, Rejection> {
    actor.desk().ok_or_else(|| Rejection::new(E::Forbidden))
}

/// A card's commitment: 32 lower-case hex digits.
fn is_commitment(c: &str) -> bool {
    c.len() == 32 && c.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// A paper ballot's number as typed, normalised (`normalize_ballot_number`).
fn paper_number(typed: &str) -> Result<String, Rejection> {
    let number = normalize_ballot_number(&short_text(typed, 20, "number")?);
    if number.is_empty() {
        return Err(Rejection::with(E::InvalidField, "number: 1..=20 characters"));
    }
    Ok(number)
}

/// A voter card's serial as typed: `V0042`, `v42`, `42`, `Ｖ４２` → `V0042`.
fn card_serial(typed: &str) -> String {
    let s = fold_width(typed).trim().to_uppercase();
    let digits = s.strip_prefix('V').unwrap_or(&s);
    match digits.parse::<u32>() {
        Ok(n) if voter_number(&voter_serial(n)).is_some() => voter_serial(n),
        _ => s,
    }
}

/// A reason people will read: 1 to 200 characters.
fn reason_text(s: &str) -> Result<String, Rejection> {
    let t = s.trim();
    if t.is_empty() {
        return Err(Rejection::new(E::ReasonRequired));
    }
    if t.chars().count() > MAX_REASON_CHARS || t.chars().any(char::is_control) {
        return Err(Rejection::with(E::InvalidField, format!("reason: at most {MAX_REASON_CHARS} characters")));
    }
    Ok(t.to_string())
}

fn check_unit(n: u32, what: &str) -> Result<(), Rejection> {
    if (1..=MAX_UNIT).contains(&n) {
        Ok(())
    } else {
        Err(Rejection::with(E::InvalidField, format!("{what}: 1..={MAX_UNIT}")))
    }
}

/// Sort key that puts "2" before "10" and keeps other numbers in text order.
fn natural(s: &str) -> (u8, u64, &str) {
    match s.parse::<u64>() {
        Ok(n) => (0, n, s),
        Err(_) => (1, 0, s),
    }
}

fn minutes_ms(m: u32) -> u64 {
    m as u64 * 60_000
}

fn check_minutes(m: u32, max: u32) -> Result<(), Rejection> {
    if (1..=max).contains(&m) {
        Ok(())
    } else {
        Err(Rejection::with(E::InvalidField, format!("minutes must be 1..={max}")))
    }
}

fn short_text(s: &str, max: usize, field: &str) -> Result<String, Rejection> {
    let t = s.trim();
    if t.is_empty() || t.chars().count() > max || t.chars().any(char::is_control) {
        return Err(Rejection::with(E::InvalidField, format!("{field}: 1..={max} characters")));
    }
    Ok(t.to_string())
}

fn long_text(s: &str, field: &str) -> Result<String, Rejection> {
    let t = s.trim();
    if t.is_empty() {
        return Err(Rejection::with(E::InvalidField, format!("{field} is empty")));
    }
    optional_text(t, field)
}

fn optional_text(s: &str, field: &str) -> Result<String, Rejection> {
    let t = s.trim();
    if t.chars().count() > MAX_TEXT_CHARS {
        return Err(Rejection::with(E::InvalidField, format!("{field}: at most {MAX_TEXT_CHARS} characters")));
    }
    Ok(t.to_string())
}
