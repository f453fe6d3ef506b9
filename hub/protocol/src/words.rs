//! The words people read for the meeting's rules, and the formats of its
//! numbers, defined once in Chinese and English.
//!
//! Owns: the sentence for each allocation rule, tie-break and tally rule,
//! the adviser's word for feasibility, the seven exclusion rules, phase and
//! role names, and how money is written. The terminal clients and the hub's
//! printed documents call these functions; the hub puts the same table in
//! front of `/assets/yz.js` for its pages (`window.YZ_WORDS`, made by
//! [`for_pages`]), which the library then reads. No page, client or document
//! keeps its own copy of these sentences (a test in the hub looks for
//! copies).

use crate::{Allocation, Feasibility, Phase, TallyVisibility, TieBreak, EXCLUSION_RULES};
use serde::Serialize;
use std::collections::BTreeMap;

/// One thing said in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Words {
    pub zh: &'static str,
    pub en: &'static str,
}

const fn w(zh: &'static str, en: &'static str) -> Words {
    Words { zh, en }
}

impl Words {
    /// The words with each `{name}` replaced by its value, (Chinese, English).
    pub fn fill(&self, values: &[(&str, &str)]) -> (String, String) {
        (fill_in(self.zh, values), fill_in(self.en, values))
    }
}

/// `template` with each `{name}` replaced by its value, in one pass: a value
/// is never read again as a template; an unknown `{…}` stays as written.
pub fn fill_in(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let found = rest.find('}').and_then(|j| Some((j, values.iter().find(|(k, _)| *k == &rest[1..j])?.1)));
        match found {
            Some((j, v)) => {
                out.push_str(v);
                rest = &rest[j + 1..];
            }
            None => {
                out.push('{');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Declares the page words (`ui`): `NAME = "中文", "English";` becomes
/// `pub const NAME: Words` and a row of `ui::ALL`, which pages read by the
/// lower-case name.
macro_rules! ui_words {
    ($($(#[$m:meta])* $name:ident = $zh:literal, $en:literal;)*) => {
        $($(#[$m])* pub const $name: Words = Words { zh: $zh, en: $en };)*
        /// Every entry with its name (upper case, as in Rust).
        pub const ALL: &[(&str, Words)] = &[$((stringify!($name), $name)),*];
    };
}

/// Every other word the hub's pages show: labels, buttons, notices.
pub mod ui;

/// The hub's own words on the command line and to the organiser.
pub mod console;
/// The words of the hub's printed and exported documents.
pub mod print;
/// The words of the meeting-file reader (its refusals, warnings and notes).
pub mod reader;
/// The table-client's own words (not sent to the pages).
pub mod terminal;
/// The engine's and the terminal clients' shared words: `hub verify`'s
/// violations, a pre-screening record's problems, actor labels, addresses.
pub mod verify;

/// How the budget goes to the ranking, as the room is told before the vote.
pub fn allocation(a: Allocation) -> Words {
    match a {
        Allocation::GreedySkip => w(
            "按得票从高到低资助，放不下的跳过、继续看下一项",
            "Funded from the top of the ranking; a proposal that no longer fits is skipped and the next one tried",
        ),
        Allocation::GreedyStop => w(
            "按得票从高到低资助，遇到第一个放不下的即停止",
            "Funded from the top of the ranking; funding stops at the first proposal that does not fit",
        ),
        Allocation::EqualShares => w(
            "平均分配法：预算平分给每位投票人，项目由支持者的份额共同出资；余下预算按得票从高到低补足",
            "Equal shares: the budget is split equally among the voters and each proposal is paid for by its supporters' shares; what is left is filled from the top of the ranking",
        ),
    }
}

/// How equal votes are ordered.
pub fn tie_break(t: TieBreak) -> Words {
    match t {
        TieBreak::LowerCost => {
            w("票数相同，造价低者优先（再按提案清单顺序）", "Equal votes: lower cost first, then list order")
        }
        TieBreak::ListOrder => w("票数相同，按提案清单顺序", "Equal votes: earlier in the proposal list first"),
        TieBreak::Lot => w(
            "票数相同，公开抽签：以投票结束时的日志哈希为种子",
            "Equal votes: a public lot seeded by the log hash when the vote closed",
        ),
    }
}

/// Whether the running count is on screen during the vote.
pub fn tally(t: TallyVisibility) -> Words {
    match t {
        TallyVisibility::Live => w("投票时实时公开计票", "Shown live during the vote"),
        TallyVisibility::HiddenUntilClose => w("投票结束后才公布计票", "Hidden until the vote closes"),
    }
}

/// The adviser's word on a proposal. "Excluded" is advice: only the
/// organiser's confirmation before the vote excludes.
pub fn feasibility(f: Feasibility) -> Words {
    match f {
        Feasibility::Feasible => w("可行", "Feasible"),
        Feasibility::Doubtful => w("存疑", "Doubtful"),
        Feasibility::Excluded => w("建议排除", "Recommends excluding"),
    }
}

/// Exclusion rule `n` (1..=7) of the seven.
pub fn exclusion_rule(n: u8) -> Option<Words> {
    let (zh, en) = *EXCLUSION_RULES.get(usize::from(n).checked_sub(1)?)?;
    Some(w(zh, en))
}

/// A phase's name.
pub fn phase(p: Phase) -> Words {
    w(p.zh(), p.en())
}

/// Thousands separators: 300000 → "300,000".
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Whether a currency code is the yuan (as a meeting file may write it).
fn is_yuan(currency: &str) -> bool {
    matches!(currency.trim().to_ascii_uppercase().as_str(), "CNY" | "RMB" | "" | "元")
}

/// The names a meeting file may write for China (input, read as written,
/// like the currency codes above): the Pabulib file names the country
/// "China", as pabulib-checker looks it up in ISO 3166.
pub const CHINA: [&str; 3] = ["中国", "中华人民共和国", "中國"];

/// How money is written, `{n}` the grouped amount and `{c}` the currency:
/// yuan as "300,000 元" / "¥300,000", any other currency "300,000 EUR".
const MONEY_YUAN: Words = w("{n} 元", "¥{n}");
const MONEY_OTHER: Words = w("{n} {c}", "{n} {c}");

/// An amount as residents read it, (Chinese, English): "300,000 元" / "¥300,000".
pub fn money(amount: u64, currency: &str) -> (String, String) {
    let t = if is_yuan(currency) { MONEY_YUAN } else { MONEY_OTHER };
    let fill = |s: &str| s.replace("{n}", &grouped(amount)).replace("{c}", currency.trim());
    (fill(t.zh), fill(t.en))
}

#[derive(Serialize)]
struct Pair {
    zh: &'static str,
    en: &'static str,
}

fn pair(x: Words) -> Pair {
    Pair { zh: x.zh, en: x.en }
}

/// The key a value has on the wire ("greedy_skip").
fn key<T: Serialize>(v: T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        other => unreachable!("a unit enum serialises as a string, not {other:?}"),
    }
}

/// Everything above as one JSON object for the pages:
/// `{"allocation": {"greedy_skip": {"zh": …, "en": …}}, …, "money": {"yuan": …, "other": …, "yuan_codes": […]}}`.
pub fn for_pages() -> serde_json::Value {
    fn map<T: Copy + Serialize>(all: &[T], f: fn(T) -> Words) -> BTreeMap<String, Pair> {
        all.iter().map(|&v| (key(v), pair(f(v)))).collect()
    }
    serde_json::json!({
        "allocation": map(&[Allocation::GreedySkip, Allocation::GreedyStop, Allocation::EqualShares], allocation),
        "tie_break": map(&[TieBreak::LowerCost, TieBreak::ListOrder, TieBreak::Lot], tie_break),
        "tally": map(&[TallyVisibility::Live, TallyVisibility::HiddenUntilClose], tally),
        "feasibility": map(&[Feasibility::Feasible, Feasibility::Doubtful, Feasibility::Excluded], feasibility),
        "phase": map(&Phase::ALL, phase),
        "exclusion_rules": EXCLUSION_RULES.iter().map(|&(zh, en)| Pair { zh, en }).collect::<Vec<_>>(),
        "money": { "yuan": pair(MONEY_YUAN), "other": pair(MONEY_OTHER), "yuan_codes": ["CNY", "RMB", "", "元"] },
        "ui": ui_for_pages(),
    })
}

/// The page words as pages read them: `{"sign_in": ["进入", "Sign in"], …}`.
pub fn ui_for_pages() -> BTreeMap<String, [&'static str; 2]> {
    ui::ALL.iter().map(|(k, w)| (k.to_ascii_lowercase(), [w.zh, w.en])).collect()
}

/// A page word by its page key (`sign_in`).
pub fn ui_word(key: &str) -> Option<Words> {
    ui::ALL.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|&(_, w)| w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_written_one_way() {
        assert_eq!(money(300_000, "CNY"), ("300,000 元".to_string(), "¥300,000".to_string()));
        assert_eq!(money(1_000_000, "rmb"), ("1,000,000 元".to_string(), "¥1,000,000".to_string()));
        assert_eq!(money(950, "EUR"), ("950 EUR".to_string(), "950 EUR".to_string()));
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(1_234_567), "1,234,567");
    }

    #[test]
    fn the_pages_get_every_rule_by_its_wire_name() {
        let v = for_pages();
        assert_eq!(v["allocation"]["equal_shares"]["zh"], allocation(Allocation::EqualShares).zh);
        assert_eq!(v["tie_break"]["lot"]["en"], tie_break(TieBreak::Lot).en);
        assert_eq!(v["tally"]["hidden_until_close"]["zh"], "投票结束后才公布计票");
        assert_eq!(v["phase"]["check_in"]["zh"], "签到");
        assert_eq!(v["exclusion_rules"].as_array().map(Vec::len), Some(7));
        assert_eq!(exclusion_rule(0), None);
        assert_eq!(exclusion_rule(7).map(|x| x.zh), Some("明显超出预算上限"));
        assert_eq!(v["ui"]["lang_toggle"][1], "中文");
    }

    #[test]
    fn each_page_word_is_one_entry() {
        let mut seen = std::collections::HashMap::new();
        let all = ui::ALL.iter().chain(terminal::ALL).chain(print::ALL).chain(reader::ALL);
        for (k, w) in all.chain(verify::ALL).chain(console::ALL) {
            assert!(k.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'), "{k}");
            if let Some(other) = seen.insert((w.zh, w.en), k) {
                panic!("{other} and {k} say the same thing: merge them");
            }
        }
        assert_eq!(ui_for_pages().len(), ui::ALL.len());
        assert_eq!(ui_word("lang_toggle"), Some(ui::LANG_TOGGLE));
        let n = Words { zh: "{n} 张", en: "{n} sheets" }.fill(&[("n", "3")]);
        assert_eq!(n, ("3 张".to_string(), "3 sheets".to_string()));
        assert_eq!(fill_in("{a}{b}{c}", &[("a", "{b}"), ("b", "x")]), "{b}x{c}", "one pass");
    }

    /// An entry is named by what it says or where it goes (`COST_PREFIX`,
    /// `SIGN_OUT_CONFIRM`), never numbered (`COST_2`): a number says nothing
    /// to the next person looking for the words.
    #[test]
    fn no_entry_is_named_by_a_number() {
        let numbered: Vec<&str> = ui::ALL
            .iter()
            .chain(terminal::ALL)
            .chain(print::ALL)
            .chain(reader::ALL)
            .chain(verify::ALL)
            .chain(console::ALL)
            .map(|(k, _)| *k)
            .filter(|k| {
                k.rsplit('_').next().is_some_and(|last| !last.is_empty() && last.chars().all(|c| c.is_ascii_digit()))
            })
            .collect();
        assert!(numbered.is_empty(), "entries named by a number (say what they are instead): {numbered:?}");
    }
}
