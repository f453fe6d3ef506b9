//! What is printed for the hall, before and after the meeting: numbered
//! paper ballots (`ballots`), sticker-board posters (`posters`), each
//! table's handout (`handouts`) and the recorder's minutes per table
//! (`minutes`).
//!
//! Unlike the notice and the letters these carry no count, so they are made
//! at any time from the meeting as the log stands (before the vote and while
//! the rules hide the tally too): the proposals with their one cost (the
//! organiser's choice before the vote, else the list's), the exclusions
//! confirmed, the advisers' annotations, and each table's queue, notes and
//! picks. Like every document they are pure functions of the log: the same
//! log gives the same file, dated by its last entry, never by the clock.

use anyhow::{anyhow, Result};
use yuanzhuo_engine::{Event, State};
use yuanzhuo_protocol::*;

use super::html::{both, fill, html, label, say, Html};
use crate::documents::export::Loaded;
use yuanzhuo_protocol::words::{fill_in, print, ui};

/// The printed matter for the hall.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Print {
    Ballots,
    Posters,
    Handouts,
    Minutes,
    /// The pre-screening record.
    Record,
}

impl Print {
    /// Download file name.
    pub fn file_name(self) -> &'static str {
        match self {
            Print::Ballots => "yuanzhuo-ballots.html",
            Print::Posters => "yuanzhuo-posters.html",
            Print::Handouts => "yuanzhuo-handouts.html",
            Print::Minutes => "yuanzhuo-minutes.html",
            Print::Record => "yuanzhuo-prescreening.html",
        }
    }
}

/// What the organiser chose: the ballot numbers (both ends included) and,
/// for handouts and minutes, one table (default: every table).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PrintOptions {
    pub from: Option<u32>,
    pub to: Option<u32>,
    pub table: Option<TableNo>,
}

/// Most ballots in one document (like the most voter cards on one sheet).
pub const MAX_BALLOTS: u32 = 500;

/// A request that cannot be printed as asked (a bad range, an unknown
/// table): the organiser's mistake, said in both languages.
#[derive(Debug)]
pub struct Refused {
    pub code: &'static str,
    pub zh: String,
    pub en: String,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} / {}", self.zh, self.en)
    }
}

impl std::error::Error for Refused {}

pub fn refused(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> anyhow::Error {
    Refused { code, zh: zh.into(), en: en.into() }.into()
}

/// One printed document of a loaded meeting.
pub fn render(l: &Loaded, what: Print, o: &PrintOptions) -> Result<String> {
    let h = Hall::of(l)?;
    if what != Print::Ballots && (o.from.is_some() || o.to.is_some()) {
        return Err(refused("invalid_field", print::ONLY_BALLOTS_TAKE_RANGE.zh, print::ONLY_BALLOTS_TAKE_RANGE.en));
    }
    if matches!(what, Print::Ballots | Print::Posters | Print::Record) && o.table.is_some() {
        return Err(refused("invalid_field", print::NOT_PER_TABLE.zh, print::NOT_PER_TABLE.en));
    }
    if let Some(t) = o.table {
        if h.state.table(t).is_none() {
            let (zh, en) =
                print::NO_SUCH_TABLE.fill(&[("t", &t.to_string()), ("n", &h.state.tables.len().to_string())]);
            return Err(refused("unknown_table", zh, en));
        }
    }
    match what {
        Print::Ballots => {
            let (from, to) = match (o.from, o.to) {
                (Some(f), Some(t)) => (f, t),
                _ => return Err(refused("range_required", print::GIVE_BALLOT_RANGE.zh, print::GIVE_BALLOT_RANGE.en)),
            };
            super::ballots::ballots(&h, from, to)
        }
        Print::Posters => Ok(super::posters::posters(&h)),
        Print::Handouts => Ok(super::handouts::handouts(&h, o.table)),
        Print::Minutes => Ok(super::minutes::minutes(&h, o.table)),
        Print::Record => super::record::record(&h)
            .ok_or_else(|| refused("no_record", print::NO_PRESCREENING_RECORD.zh, print::NO_PRESCREENING_RECORD.en)),
    }
}

/// The meeting as the printed matter needs it.
pub struct Hall<'a> {
    pub def: &'a Definition,
    pub state: &'a State,
    pub log_length: usize,
    pub log_head: &'a str,
    /// When each phase was entered (server clock), in log order.
    pub phases: Vec<(Phase, u64)>,
    /// The time of the last log entry: what the documents are dated by.
    pub last_entry_ms: u64,
}

impl<'a> Hall<'a> {
    pub fn of(l: &'a Loaded) -> Result<Hall<'a>> {
        let s = &l.state;
        let def = s.definition.as_ref().ok_or_else(|| anyhow!("{}", super::no_meeting()))?;
        let mut phases = vec![];
        let mut last_entry_ms = 0;
        for r in &l.rows {
            if !(r.body.contains("\"phase_changed\"") || r.body.contains("\"meeting_opened\"")) {
                continue;
            }
            if let Ok(rec) = r.recorded() {
                match rec.event {
                    Event::PhaseChanged { to, .. } => phases.push((to, rec.at_ms)),
                    Event::MeetingOpened { .. } => phases.push((Phase::CheckIn, rec.at_ms)),
                    _ => {}
                }
            }
        }
        if let Some(r) = l.rows.last().and_then(|r| r.recorded().ok()) {
            last_entry_ms = r.at_ms;
        }
        Ok(Hall { def, state: s, log_length: l.rows.len(), log_head: &s.head, phases, last_entry_ms })
    }

    pub fn currency(&self) -> &str {
        &self.def.rules.budget.currency
    }

    /// The one cost of a proposal (the organiser's choice before the vote,
    /// else the list's) and, when the adviser's estimate was adopted, the
    /// list's cost.
    pub fn cost(&self, p: &Proposal) -> (u64, Option<u64>) {
        match self.state.costs.get(&p.id) {
            Some((c, CostSource::Adviser)) => (*c, Some(p.cost)),
            Some((c, CostSource::List)) => (*c, None),
            None => (p.cost, None),
        }
    }

    /// The confirmed exclusion of a proposal: its rule and the rule's words.
    pub fn exclusion(&self, id: &str) -> Option<(&'a Exclusion, &'static str, &'static str)> {
        let e = self.state.exclusions.get(id)?;
        let (zh, en) = EXCLUSION_RULES.get(usize::from(e.rule).checked_sub(1)?)?;
        Some((e, zh, en))
    }

    pub fn table_name(&self, t: TableNo) -> String {
        self.state.table(t).map(|t| t.name.clone()).unwrap_or_else(|| fill_in(ui::TABLE.zh, &[("n", &t.to_string())]))
    }

    /// "第2桌" and, when the table has a name of its own, "第2桌（银杏桌）".
    pub fn table_label(&self, t: TableNo) -> (String, String) {
        let name = self.table_name(t);
        let n = t.to_string();
        let (zh, en) = ui::TABLE.fill(&[("n", &n)]);
        let plain = name == zh || name == en || name.is_empty();
        if plain {
            print::TABLE_SPACED.fill(&[("n", &n)])
        } else {
            print::TABLE_SPACED_NAMED.fill(&[("n", &n), ("name", &name)])
        }
    }

    /// When `phase` was last entered.
    pub fn entered(&self, phase: Phase) -> Option<u64> {
        self.phases.iter().rev().find(|(p, _)| *p == phase).map(|(_, at)| *at)
    }

    /// The tables a document covers: one, or every table.
    pub fn tables(&self, only: Option<TableNo>) -> Vec<TableNo> {
        match only {
            Some(t) => vec![t],
            None => (1..=self.state.tables.len() as TableNo).collect(),
        }
    }

    /// The rules fingerprint: as shown when the meeting opened, or (before
    /// that) as it will be, since the rules were fixed when the data folder
    /// was created.
    pub fn fingerprint(&self) -> String {
        if self.state.fingerprint.is_empty() {
            yuanzhuo_engine::fingerprint(self.def)
        } else {
            self.state.fingerprint.clone()
        }
    }

    /// The line at the foot of every document: made from the log, as it stood.
    pub fn made_from(&self) -> Html {
        let (d, m, y) = super::cst_date(self.last_entry_ms);
        let short = self.log_head.get(..16).unwrap_or(self.log_head);
        let at = format!("{y}-{m:02}-{d:02} {}", clock(self.last_entry_ms));
        fill(print::MADE_FROM_LOG_AS_OF, &[("at", &at), ("n", &self.log_length.to_string()), ("short", short)])
    }
}

// ---------------------------------------------------------------- words

/// A server time as the hour and minute in China Standard Time (UTC+8).
pub fn clock(ms: u64) -> String {
    let secs = (ms / 1000 + 8 * 3600) % 86_400;
    format!("{:02}:{:02}", secs / 3600, secs % 3600 / 60)
}

/// A duration as minutes and seconds: "3:07".
pub fn minutes_seconds(ms: u64) -> String {
    let s = ms / 1000;
    format!("{}:{:02}", s / 60, s % 60)
}

pub fn tag_text(t: NoteTag) -> (&'static str, &'static str) {
    let w = match t {
        NoteTag::Support => ui::SUPPORT,
        NoteTag::Concern => ui::CONCERN,
        NoteTag::Objection => ui::OBJECTION,
        NoteTag::NewIdea => ui::NEW_IDEA,
        NoteTag::Question => ui::NOTE_TAG_QUESTION,
    };
    (w.zh, w.en)
}

pub fn turn_text(t: TurnKind) -> (&'static str, &'static str) {
    let w = match t {
        TurnKind::For => ui::FOR,
        TurnKind::Against => ui::AGAINST,
        TurnKind::Question => ui::QUESTION,
        TurnKind::PointOfOrder => ui::POINT_OF_ORDER,
    };
    (w.zh, w.en)
}

/// What an adviser's annotation says, as advice: the feasibility, the
/// exclusion they recommend (and whether the organiser confirmed it), the
/// reason, the estimate and the remark, each only when given.
pub fn advice(h: &Hall, a: &Annotation) -> Html {
    let cur = h.currency();
    let mut parts = vec![];
    let (fz, fe) = super::feasibility_text(a.feasibility);
    parts.push(label(print::FEASIBILITY, both(fz, fe)));
    if a.feasibility == Feasibility::Excluded {
        let rule = a.exclusion_rule.and_then(|n| Some((n, EXCLUSION_RULES.get(usize::from(n).checked_sub(1)?)?)));
        let confirmed = h.state.exclusions.contains_key(&a.proposal);
        let what = match rule {
            Some((n, (zh, en))) => {
                let w = print::RECOMMENDS_EXCLUSION_UNDER_RULE;
                let n = n.to_string();
                both(&fill_in(w.zh, &[("n", &n), ("rule", zh)]), &fill_in(w.en, &[("n", &n), ("rule", en)]))
            }
            None => say(print::RECOMMENDS_EXCLUSION),
        };
        let status = if confirmed { say(print::CONFIRMED_BY_ORGANISERS) } else { say(print::NOT_CONFIRMED_STILL_OPEN) };
        parts.push(html!("{}{}{}{}", what, Html::lit(print::OPEN_PAREN.zh), status, Html::lit(ui::CLOSE_PAREN.zh)));
    }
    if !a.reason.trim().is_empty() {
        parts.push(label(print::REASON, a.reason.trim()));
    }
    if let Some(c) = a.cost_estimate {
        let (cz, ce) = super::money(c, cur);
        parts.push(label(print::COST_ESTIMATE, both(&cz, &ce)));
    }
    if !a.remark.trim().is_empty() {
        parts.push(label(print::REMARK, a.remark.trim()));
    }
    Html::join(parts, ui::SEMICOLON.zh)
}

// ---------------------------------------------------------------- measuring

/// How wide text is, in ems of its own font size, leaning wide: Chinese
/// characters and full-width forms are one em, ASCII letters and digits
/// 0.62 (capitals 0.72), spaces 0.3. The layouts below measure with it
/// before they choose how much goes on a page; the browser tests check that
/// what Chromium lays out stays inside the page.
pub fn ems(s: &str) -> f32 {
    s.chars()
        .map(|c| match c {
            ' ' => 0.3,
            'A'..='Z' | 'm' | 'w' | '@' | '%' | '&' => 0.72,
            c if c.is_ascii() => 0.62,
            '\u{2000}'..='\u{206F}' => 0.62,
            _ => 1.0,
        })
        .sum()
}

/// Lines that `width_em` ems of text take in a line `line_em` ems long (at
/// least one), with room for line breaks that cannot fall mid-word.
pub fn lines(width_em: f32, line_em: f32) -> u32 {
    if width_em <= 0.0 || line_em <= 0.0 {
        return 1;
    }
    (width_em / (line_em * 0.9)).ceil().max(1.0) as u32
}

/// Points and millimetres as CSS pixels (96 per inch).
pub fn px_of_pt(pt: f32) -> f32 {
    pt * 96.0 / 72.0
}

pub fn mm_of_px(px: f32) -> f32 {
    px * 25.4 / 96.0
}

pub fn mm_of_pt(pt: f32) -> f32 {
    pt * 25.4 / 72.0
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use yuanzhuo_engine::Recorded;

    /// A meeting as a log would replay it: the demo definition, opened, and
    /// `events` after that, one second apart from 2026-11-28 14:00 in China.
    pub fn state(def: Definition, events: Vec<Event>) -> State {
        let start = 1_795_845_600_000; // 2026-11-28 06:00 UTC = 14:00 in China
        let mut all = vec![
            Event::MeetingDefined { definition: def.clone() },
            Event::MeetingOpened { fingerprint: yuanzhuo_engine::fingerprint(&def) },
        ];
        all.extend(events);
        let recs: Vec<Recorded> = all
            .into_iter()
            .enumerate()
            .map(|(i, event)| Recorded {
                seq: i as u64 + 1,
                at_ms: start + i as u64 * 1000,
                hash: format!("{:064x}", i + 1),
                event,
            })
            .collect();
        State::replay(&recs)
    }

    pub fn hall<'a>(def: &'a Definition, s: &'a State) -> Hall<'a> {
        Hall {
            def,
            state: s,
            log_length: s.seq as usize,
            log_head: &s.head,
            phases: vec![(Phase::CheckIn, 1_795_845_601_000)],
            last_entry_ms: 1_795_845_600_000 + s.seq * 1000,
        }
    }

    #[test]
    fn times_are_read_in_china() {
        assert_eq!(clock(1_795_845_600_000), "14:00");
        assert_eq!(clock(1_795_845_600_000 + 61_000 * 60), "15:01");
        assert_eq!(minutes_seconds(187_400), "3:07");
    }

    #[test]
    fn text_is_measured_leaning_wide() {
        assert_eq!(ems("楼道声控灯改造"), 7.0);
        assert!(ems("P01") > 1.8 && ems("P01") < 2.2);
        assert_eq!(lines(7.0, 16.0), 1);
        assert_eq!(lines(16.0, 16.0), 2, "a full line is taken as two: breaks fall short");
        assert_eq!(lines(0.0, 16.0), 1);
    }

    #[test]
    fn the_one_cost_and_the_confirmed_exclusion() {
        let def = crate::documents::definition::demo();
        let s = state(
            def.clone(),
            vec![
                Event::CostSet { proposal: "P02".into(), cost: 15000, source: CostSource::Adviser },
                Event::ExclusionConfirmed { proposal: "P03".into(), rule: 2, reason: "物业负责".into() },
            ],
        );
        let h = hall(&def, &s);
        let p = |id: &str| def.proposals.iter().find(|p| p.id == id).unwrap();
        assert_eq!(h.cost(p("P01")), (14000, None));
        assert_eq!(h.cost(p("P02")), (15000, Some(12000)));
        let (e, zh, _) = h.exclusion("P03").unwrap();
        assert_eq!((e.rule, zh), (2, "应由其他主体负责（如物业）"));
        assert!(h.exclusion("P01").is_none());
        assert_eq!(h.fingerprint(), yuanzhuo_engine::fingerprint(&def));
    }
}
