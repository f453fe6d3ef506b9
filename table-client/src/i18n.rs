//! The interface's two languages: Chinese by default, English with
//! `--lang en`. Names of the meeting's things (turn kinds, note tags,
//! feasibility, exclusion rules) and how a hub error or a command reads.

use yuanzhuo_protocol::words::{fill_in, terminal, ui, Words as Word};
use yuanzhuo_protocol::{Command, ErrorMsg, Feasibility, NoteTag, Phase, Role, TableSignal, TurnKind, EXCLUSION_RULES};

pub use yuanzhuo_client::Lang;

/// An entry in both languages, "中文 / English", for the command line.
pub fn both(w: Word, values: &[(&str, &str)]) -> String {
    let (zh, en) = w.fill(values);
    format!("{zh} / {en}")
}

/// The meeting's words in the interface language (an extension of the
/// shared `Lang`, which lives with the other terminal-client pieces).
pub trait Words {
    /// An entry of the one vocabulary (`words::terminal`, `words::ui`).
    fn word(self, w: Word) -> &'static str;
    /// An entry with each `{name}` replaced by its value.
    fn fill(self, w: Word, values: &[(&str, &str)]) -> String;
    fn phase(self, p: Phase) -> &'static str;
    fn role(self, r: Role) -> &'static str;
    fn turn(self, k: TurnKind) -> &'static str;
    fn tag(self, t: NoteTag) -> &'static str;
    fn feasibility(self, f: Feasibility) -> &'static str;
    fn rule(self, n: u8) -> &'static str;
    fn timer_label(self, label: &str) -> &str;
    fn error(self, e: &ErrorMsg) -> String;
    fn command(self, c: &Command) -> String;
}

impl Words for Lang {
    fn word(self, w: Word) -> &'static str {
        self.t(w.zh, w.en)
    }

    fn fill(self, w: Word, values: &[(&str, &str)]) -> String {
        fill_in(self.word(w), values)
    }

    fn phase(self, p: Phase) -> &'static str {
        self.t(p.zh(), p.en())
    }

    fn role(self, r: Role) -> &'static str {
        self.t(r.zh(), r.en())
    }

    fn turn(self, k: TurnKind) -> &'static str {
        match k {
            TurnKind::For => self.word(terminal::TURN_FOR),
            TurnKind::Against => self.word(terminal::TURN_AGAINST),
            TurnKind::Question => self.word(terminal::TURN_QUESTION),
            TurnKind::PointOfOrder => self.word(terminal::TURN_POINT_OF_ORDER),
        }
    }

    fn tag(self, t: NoteTag) -> &'static str {
        match t {
            NoteTag::Support => self.word(terminal::TAG_SUPPORT),
            NoteTag::Concern => self.word(terminal::TAG_CONCERN),
            NoteTag::Objection => self.word(terminal::TAG_OBJECTION),
            NoteTag::NewIdea => self.word(terminal::TAG_NEW_IDEA),
            NoteTag::Question => self.word(terminal::TAG_QUESTION),
        }
    }

    fn feasibility(self, f: Feasibility) -> &'static str {
        match f {
            Feasibility::Feasible => self.word(ui::FEASIBLE_LOWER),
            Feasibility::Doubtful => self.word(ui::DOUBTFUL_LOWER),
            // The adviser's exclusion is a recommendation: the organiser decides.
            Feasibility::Excluded => self.word(terminal::RECOMMEND_EXCLUDING),
        }
    }

    /// The text of exclusion rule `n` (1..=7).
    fn rule(self, n: u8) -> &'static str {
        match EXCLUSION_RULES.get((n as usize).wrapping_sub(1)) {
            Some((zh, en)) => self.t(zh, en),
            None => "?",
        }
    }

    /// The meeting clock's label: the hub names its own timers in English.
    fn timer_label(self, label: &str) -> &str {
        match label {
            "discussion" => self.word(terminal::TIMER_DISCUSSION),
            "pitch" => self.word(terminal::TIMER_PITCH),
            other => other,
        }
    }

    /// A hub error as a person reads it, with its specifics.
    fn error(self, e: &ErrorMsg) -> String {
        let text = match self {
            Lang::Zh if !e.zh.is_empty() => e.zh.as_str(),
            Lang::En if !e.en.is_empty() => e.en.as_str(),
            _ => self.t(e.code.zh(), e.code.en()),
        };
        match &e.detail {
            Some(d) => self.fill(terminal::ERROR_WITH_DETAIL, &[("error", text), ("detail", d)]),
            None => text.to_string(),
        }
    }

    /// What a command does, in a few words (for messages and the unsent list).
    fn command(self, c: &Command) -> String {
        match c {
            Command::QueueSpeaker { name, turn, .. } => {
                self.fill(terminal::CMD_QUEUE_SPEAKER, &[("name", name), ("turn", self.turn(*turn))])
            }
            Command::StartSpeaker { entry: Some(e), .. } => format!("{} #{e}", self.word(terminal::CMD_START_SPEAKER)),
            Command::StartSpeaker { entry: None, .. } => self.word(terminal::CMD_NEXT_SPEAKER).into(),
            Command::StopSpeaker { .. } => self.word(terminal::CMD_STOP_SPEAKER).into(),
            Command::RemoveSpeaker { entry, .. } => format!("{} #{entry}", self.word(terminal::CMD_REMOVE_SPEAKER)),
            Command::SetPicks { proposals, .. } => {
                format!("{} {}", self.word(terminal::CMD_SUBMIT_PICKS), proposals.join(" "))
            }
            Command::LockPicks { .. } => self.word(terminal::CMD_LOCK_PICKS).into(),
            Command::SignalTable { signal: Some(TableSignal::Ready), .. } => {
                self.word(terminal::CMD_SIGNAL_READY).into()
            }
            Command::SignalTable { signal: Some(TableSignal::MoreTime), .. } => {
                self.word(terminal::CMD_SIGNAL_MORE_TIME).into()
            }
            Command::SignalTable { signal: None, .. } => self.word(terminal::CMD_TAKE_SIGNAL_BACK).into(),
            Command::AddNote { proposal, text, .. } => self.fill(
                terminal::CMD_NOTE,
                &[
                    ("topic", proposal.as_deref().unwrap_or(self.word(terminal::GENERAL))),
                    ("text", &crate::text::truncate(&crate::text::one_line(text), 16)),
                ],
            ),
            Command::EditNote { note, .. } => format!("{} #{note}", self.word(terminal::CMD_EDIT_NOTE)),
            Command::WithdrawNote { note } => format!("{} #{note}", self.word(terminal::CMD_WITHDRAW_NOTE)),
            Command::Annotate { proposal, feasibility, .. } => self.fill(
                terminal::CMD_ANNOTATE,
                &[("proposal", proposal), ("feasibility", self.feasibility(*feasibility))],
            ),
            other => other.name().to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use yuanzhuo_protocol::ErrorCode;

    #[test]
    fn errors_read_in_the_chosen_language_with_detail() {
        let e = ErrorMsg::new(Some("c1".into()), ErrorCode::PicksWrongCount, Some("2/3".into()));
        assert_eq!(Lang::Zh.error(&e), "推选项目数量不对（2/3）");
        assert_eq!(Lang::En.error(&e), "Wrong number of picks (2/3)");
        assert_eq!(Lang::Zh.rule(2), "应由其他主体负责（如物业）");
        assert_eq!(Lang::En.rule(7), "Clearly over the budget limit");
        assert_eq!(Lang::En.rule(0), "?");
        assert_eq!(Lang::parse("EN"), Some(Lang::En));
        assert_eq!(Lang::parse("fr"), None);
    }
}
