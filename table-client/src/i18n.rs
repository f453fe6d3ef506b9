//! The interface's two languages: Chinese by default, English with
//! `--lang en`. Names of the meeting's things (turn kinds, note tags,
//! feasibility, exclusion rules) and how a hub error or a command reads.

use yuanzhuo_protocol::{Command, ErrorMsg, Feasibility, NoteTag, Phase, Role, TableSignal, TurnKind, EXCLUSION_RULES};

pub use yuanzhuo_client::Lang;

/// The meeting's words in the interface language (an extension of the
/// shared `Lang`, which lives with the other terminal-client pieces).
pub trait Words {
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
    fn phase(self, p: Phase) -> &'static str {
        self.t(p.zh(), p.en())
    }

    fn role(self, r: Role) -> &'static str {
        self.t(r.zh(), r.en())
    }

    fn turn(self, k: TurnKind) -> &'static str {
        match k {
            TurnKind::For => self.t("支持", "for"),
            TurnKind::Against => self.t("反对", "against"),
            TurnKind::Question => self.t("提问", "question"),
            TurnKind::PointOfOrder => self.t("程序问题", "point of order"),
        }
    }

    fn tag(self, t: NoteTag) -> &'static str {
        match t {
            NoteTag::Support => self.t("支持", "support"),
            NoteTag::Concern => self.t("担忧", "concern"),
            NoteTag::Objection => self.t("反对", "objection"),
            NoteTag::NewIdea => self.t("新想法", "new idea"),
            NoteTag::Question => self.t("疑问", "question"),
        }
    }

    fn feasibility(self, f: Feasibility) -> &'static str {
        match f {
            Feasibility::Feasible => self.t("可行", "feasible"),
            Feasibility::Doubtful => self.t("存疑", "doubtful"),
            // The adviser's exclusion is a recommendation: the organiser decides.
            Feasibility::Excluded => self.t("建议排除", "recommend excluding"),
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
            "discussion" => self.t("讨论", "discussion"),
            "pitch" => self.t("推介", "pitch"),
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
        match (&e.detail, self) {
            (Some(d), Lang::Zh) => format!("{text}（{d}）"),
            (Some(d), Lang::En) => format!("{text} ({d})"),
            (None, _) => text.to_string(),
        }
    }

    /// What a command does, in a few words (for messages and the unsent list).
    fn command(self, c: &Command) -> String {
        match c {
            Command::QueueSpeaker { name, turn, .. } => {
                format!("{} {name}（{}）", self.t("加入发言队列", "queue"), self.turn(*turn))
            }
            Command::StartSpeaker { entry: Some(e), .. } => format!("{} #{e}", self.t("开始发言", "start speaker")),
            Command::StartSpeaker { entry: None, .. } => self.t("下一位发言", "next speaker").into(),
            Command::StopSpeaker { .. } => self.t("结束发言", "stop speaker").into(),
            Command::RemoveSpeaker { entry, .. } => format!("{} #{entry}", self.t("移出队列", "remove from queue")),
            Command::SetPicks { proposals, .. } => {
                format!("{} {}", self.t("提交推选", "submit picks"), proposals.join(" "))
            }
            Command::LockPicks { .. } => self.t("锁定推选", "lock picks").into(),
            Command::SignalTable { signal: Some(TableSignal::Ready), .. } => {
                self.t("告诉组织者：本桌已就绪", "tell the organiser: ready").into()
            }
            Command::SignalTable { signal: Some(TableSignal::MoreTime), .. } => {
                self.t("告诉组织者：需要更多时间", "tell the organiser: more time").into()
            }
            Command::SignalTable { signal: None, .. } => self.t("撤回给组织者的信号", "take the signal back").into(),
            Command::AddNote { proposal, text, .. } => format!(
                "{} {}：{}",
                self.t("记录", "note"),
                proposal.as_deref().unwrap_or(self.t("综合", "general")),
                crate::text::truncate(&crate::text::one_line(text), 16)
            ),
            Command::EditNote { note, .. } => format!("{} #{note}", self.t("修改记录", "edit note")),
            Command::WithdrawNote { note } => format!("{} #{note}", self.t("撤回记录", "withdraw note")),
            Command::Annotate { proposal, feasibility, .. } => {
                format!("{} {proposal}：{}", self.t("技术意见", "annotation"), self.feasibility(*feasibility))
            }
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
