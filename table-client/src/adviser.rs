//! The technical adviser's page: per proposal, feasibility, which of the
//! seven exclusion rules applies and why, a cost estimate and a remark for
//! residents. An adviser whose card covers every table switches between
//! tables' shares.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use yuanzhuo_protocol::*;

use crate::app::{clamp, step, App, Effect, Level, Modal};
use crate::editor::Editor;
use crate::i18n::{Lang, Words};
use yuanzhuo_protocol::words::terminal;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct AdviserView {
    /// The table whose share is shown (all-tables advisers only; 0 = first).
    pub table: TableNo,
    pub sel: usize,
}

pub const FEASIBILITY: [Feasibility; 3] = [Feasibility::Feasible, Feasibility::Doubtful, Feasibility::Excluded];

/// The form's fields, in Tab order.
pub const FIELDS: usize = 5;
pub const F_FEASIBILITY: usize = 0;
pub const F_RULE: usize = 1;
pub const F_REASON: usize = 2;
pub const F_COST: usize = 3;
pub const F_REMARK: usize = 4;

#[derive(Debug, Clone, PartialEq)]
pub struct AnnotateForm {
    pub proposal: ProposalId,
    pub feasibility: Feasibility,
    /// 1..=7, or none.
    pub rule: Option<u8>,
    pub reason: Editor,
    pub cost: Editor,
    pub remark: Editor,
    pub field: usize,
    pub discard: bool,
    original: (Feasibility, Option<u8>, String, String, String),
}

impl AnnotateForm {
    pub fn new(proposal: &str, existing: Option<&Annotation>) -> AnnotateForm {
        let (feasibility, rule, reason, cost, remark) = match existing {
            Some(a) => (
                a.feasibility,
                a.exclusion_rule,
                a.reason.clone(),
                a.cost_estimate.map(|c| c.to_string()).unwrap_or_default(),
                a.remark.clone(),
            ),
            None => (Feasibility::Feasible, None, String::new(), String::new(), String::new()),
        };
        AnnotateForm {
            proposal: proposal.to_string(),
            feasibility,
            rule,
            reason: Editor::single_line(MAX_TEXT_CHARS).with_text(&reason),
            cost: Editor::single_line(14).with_text(&cost),
            remark: Editor::single_line(MAX_TEXT_CHARS).with_text(&remark),
            field: 0,
            discard: false,
            original: (feasibility, rule, reason, cost, remark),
        }
    }

    fn changed(&self) -> bool {
        self.original != (self.feasibility, self.rule, self.reason.text(), self.cost.text(), self.remark.text())
    }

    fn editor(&mut self) -> Option<&mut Editor> {
        match self.field {
            F_REASON => Some(&mut self.reason),
            F_COST => Some(&mut self.cost),
            F_REMARK => Some(&mut self.remark),
            _ => None,
        }
    }

    pub fn paste(&mut self, s: &str) {
        if let Some(e) = self.editor() {
            e.paste(s);
        }
    }

    fn set_feasibility(&mut self, f: Feasibility) {
        self.feasibility = f;
        // The hub allows no rule on a feasible proposal.
        if f == Feasibility::Feasible {
            self.rule = None;
        }
    }

    fn cycle_rule(&mut self, delta: i32) {
        let now = self.rule.unwrap_or(0) as i32;
        let next = (now + delta).rem_euclid(8) as u8;
        self.set_rule(next);
    }

    fn set_rule(&mut self, n: u8) {
        self.rule = (n > 0).then_some(n);
        if self.rule.is_some() && self.feasibility == Feasibility::Feasible {
            self.feasibility = Feasibility::Excluded;
        }
    }

    /// The command, or what is missing (in the chosen language).
    pub fn command(&self, lang: Lang) -> Result<Command, String> {
        if self.feasibility == Feasibility::Excluded && self.rule.is_none() {
            return Err(lang.word(terminal::EXCLUDE_NEEDS_RULE).into());
        }
        // Separators and the currency as people type them: ",", "，" and "元".
        let cost_text: String =
            self.cost.text().chars().filter(|c| !matches!(c, ',' | '\u{ff0c}' | ' ' | '\u{5143}')).collect();
        let cost_estimate = if cost_text.is_empty() {
            None
        } else {
            match cost_text.parse::<u64>() {
                Ok(c) => Some(c),
                Err(_) => return Err(lang.word(terminal::COST_WHOLE_YUAN).into()),
            }
        };
        Ok(Command::Annotate {
            proposal: self.proposal.clone(),
            feasibility: self.feasibility,
            exclusion_rule: if self.feasibility == Feasibility::Feasible { None } else { self.rule },
            reason: self.reason.text().trim().to_string(),
            cost_estimate,
            remark: self.remark.text().trim().to_string(),
        })
    }
}

impl App {
    /// Tables an adviser may switch between (only all-tables advisers have more than one).
    pub fn adviser_tables(&self) -> Vec<TableNo> {
        match (&self.you, &self.snap) {
            (Some(y), Some(s)) if y.all_tables => s.tables.iter().map(|t| t.table).collect(),
            (Some(y), _) => y.table.into_iter().collect(),
            _ => vec![],
        }
    }

    pub(crate) fn adviser_clamp(&mut self) {
        if self.you.as_ref().is_some_and(|y| y.all_tables) && self.adviser.table == 0 {
            self.adviser.table = 1;
        }
        let n = self.table().map(|t| self.share(t).len()).unwrap_or(0);
        self.adviser.sel = clamp(self.adviser.sel, n);
    }

    pub(crate) fn advice_key(&mut self, k: KeyEvent) -> Vec<Effect> {
        let Some(table) = self.table() else { return vec![] };
        let share: Vec<ProposalId> = self.share(table).iter().map(|p| p.id.clone()).collect();
        if let Some(s) = step(self.adviser.sel, share.len(), k.code) {
            self.adviser.sel = s;
            return vec![];
        }
        match k.code {
            KeyCode::Char('t') | KeyCode::Char(']') | KeyCode::Char('[') => {
                let tables = self.adviser_tables();
                if tables.len() > 1 {
                    let at = tables.iter().position(|t| *t == table).unwrap_or(0);
                    let next = if k.code == KeyCode::Char('[') {
                        (at + tables.len() - 1) % tables.len()
                    } else {
                        (at + 1) % tables.len()
                    };
                    self.adviser.table = tables[next];
                    self.adviser.sel = 0;
                } else {
                    self.say(Level::Info, self.word(terminal::CARD_COVERS_OWN_TABLE));
                }
            }
            KeyCode::Enter | KeyCode::Char('e') => {
                if let Some(id) = share.get(self.adviser.sel) {
                    self.modal = Some(Modal::Annotate(AnnotateForm::new(id, self.annotation(id))));
                }
            }
            _ => {}
        }
        vec![]
    }

    pub(crate) fn annotate_form_key(&mut self, mut f: AnnotateForm, k: KeyEvent) -> Vec<Effect> {
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        if f.discard {
            if matches!(k.code, KeyCode::Char('y') | KeyCode::Char('Y')) {
                return vec![];
            }
            f.discard = false;
            self.modal = Some(Modal::Annotate(f));
            return vec![];
        }
        let save = (ctrl && k.code == KeyCode::Char('s')) || (k.code == KeyCode::Enter && f.field == F_REMARK);
        if save {
            return match f.command(self.lang()) {
                Ok(c) => self.command(c),
                Err(e) => {
                    self.say(Level::Warn, e);
                    if f.feasibility == Feasibility::Excluded && f.rule.is_none() {
                        f.field = F_RULE;
                    }
                    self.modal = Some(Modal::Annotate(f));
                    vec![]
                }
            };
        }
        let at = FEASIBILITY.iter().position(|x| *x == f.feasibility).unwrap_or(0);
        match k.code {
            KeyCode::Esc => {
                if !f.changed() {
                    return vec![];
                }
                f.discard = true;
            }
            KeyCode::Tab | KeyCode::Down | KeyCode::Enter => f.field = (f.field + 1) % FIELDS,
            KeyCode::BackTab | KeyCode::Up => f.field = (f.field + FIELDS - 1) % FIELDS,
            KeyCode::Right | KeyCode::Char(' ') if f.field == F_FEASIBILITY => {
                f.set_feasibility(FEASIBILITY[(at + 1) % 3])
            }
            KeyCode::Left if f.field == F_FEASIBILITY => f.set_feasibility(FEASIBILITY[(at + 2) % 3]),
            KeyCode::Char(c @ '1'..='3') if f.field == F_FEASIBILITY => {
                f.set_feasibility(FEASIBILITY[c as usize - '1' as usize])
            }
            KeyCode::Right | KeyCode::Char(' ') if f.field == F_RULE => f.cycle_rule(1),
            KeyCode::Left if f.field == F_RULE => f.cycle_rule(-1),
            KeyCode::Char(c @ '0'..='7') if f.field == F_RULE => f.set_rule(c as u8 - b'0'),
            _ => {
                let w = crate::notes::editor_width(self.size);
                if let Some(e) = f.editor() {
                    e.key(k, w);
                }
            }
        }
        self.modal = Some(Modal::Annotate(f));
        vec![]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_exclusion_needs_a_rule_and_a_feasible_one_has_none() {
        let mut f = AnnotateForm::new("P05", None);
        f.set_feasibility(Feasibility::Excluded);
        assert!(f.command(Lang::Zh).is_err());
        f.set_rule(2);
        f.reason.paste("属物业维修范围");
        f.cost.paste("8,000元");
        match f.command(Lang::Zh).unwrap() {
            Command::Annotate { exclusion_rule, cost_estimate, reason, feasibility, .. } => {
                assert_eq!(exclusion_rule, Some(2));
                assert_eq!(cost_estimate, Some(8000));
                assert_eq!(reason, "属物业维修范围");
                assert_eq!(feasibility, Feasibility::Excluded);
            }
            other => panic!("{other:?}"),
        }
        f.set_feasibility(Feasibility::Feasible);
        assert_eq!(f.rule, None);
        f.cost = Editor::single_line(14).with_text("八千");
        assert!(f.command(Lang::En).unwrap_err().contains("whole number"));
        // Choosing a rule on a feasible proposal means it is excluded.
        let mut g = AnnotateForm::new("P05", None);
        g.cycle_rule(1);
        assert_eq!((g.feasibility, g.rule), (Feasibility::Excluded, Some(1)));
        g.cycle_rule(-1);
        assert_eq!(g.rule, None);
    }
}
