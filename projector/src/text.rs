//! Words and widths: the interface language, display-width measuring and
//! truncation (CJK characters take two terminal cells), and how money and
//! clock times are written on the projector.

use unicode_width::UnicodeWidthChar;

pub use yuanzhuo_client::text::{fit, fit_right, thousands, truncate, width, Lang};
use yuanzhuo_protocol::words::{fill_in, ui, Words};

/// An entry of the one vocabulary (`yuanzhuo_protocol::words::ui`) in `lang`.
pub fn say(w: Words, lang: Lang) -> &'static str {
    lang.t(w.zh, w.en)
}

/// An entry in `lang` with each `{name}` replaced by its value.
pub fn fill(w: Words, lang: Lang, values: &[(&str, &str)]) -> String {
    fill_in(say(w, lang), values)
}

/// An entry in both languages, "中文 / English", for the command line.
pub fn both(w: Words, values: &[(&str, &str)]) -> String {
    let (zh, en) = w.fill(values);
    format!("{zh} / {en}")
}

/// `--lang` on the command line: `zh` or `en`.
pub fn parse_lang(s: &str) -> Result<Lang, String> {
    Lang::parse(s).ok_or_else(|| both(ui::UNKNOWN_LANGUAGE, &[("s", s)]))
}

/// `s` broken into lines of at most `cells` cells: between words for
/// Latin text, between any two characters for CJK text; a word longer than
/// a line is broken where it must be.
pub fn wrap(s: &str, cells: usize) -> Vec<String> {
    let cells = cells.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    // Tokens: a run of narrow non-space characters (a word), or one wide
    // character, or one space.
    let mut tokens: Vec<String> = Vec::new();
    for c in s.chars() {
        let wide = c.width().unwrap_or(0) > 1;
        let joins = !wide && !c.is_whitespace();
        match tokens.last_mut() {
            Some(t) if joins && t.chars().last().is_some_and(|p| p.width().unwrap_or(0) <= 1 && !p.is_whitespace()) => {
                t.push(c)
            }
            _ => tokens.push(c.to_string()),
        }
    }
    for tok in tokens {
        if tok == "\n" {
            lines.push(std::mem::take(&mut line));
            used = 0;
            continue;
        }
        let w = width(&tok);
        if used + w > cells && used > 0 {
            lines.push(std::mem::take(&mut line).trim_end().to_string());
            used = 0;
            if tok.trim().is_empty() {
                continue;
            }
        }
        if w > cells {
            for c in tok.chars() {
                let cw = c.width().unwrap_or(0);
                if used + cw > cells {
                    lines.push(std::mem::take(&mut line));
                    used = 0;
                }
                line.push(c);
                used += cw;
            }
        } else {
            line.push_str(&tok);
            used += w;
        }
    }
    if !line.trim().is_empty() || lines.is_empty() {
        lines.push(line.trim_end().to_string());
    }
    lines
}

/// An amount with its currency, in the one format of every screen
/// (`yuanzhuo_protocol::words::money`): "300,000 元" / "¥300,000".
pub fn money(amount: u64, currency: &str, lang: Lang) -> String {
    let (zh, en) = yuanzhuo_protocol::words::money(amount, currency);
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// A countdown's digits, drawn big: "40:00", "1:05:00", "0:07" (over time
/// the caption says so, "超时"/"over": the one format of every screen,
/// yuanzhuo_client::text::countdown, split in two for the big digits).
pub use yuanzhuo_client::text::{clock, is_over};

/// The first `n` hex digits of a hash in groups of four, to be read aloud
/// and photographed: "9c1e 4f2a 7b3d 5e6f". `hub verify --head` takes it
/// back with or without the spaces (at least 16 digits).
pub fn grouped_hash(h: &str, n: usize) -> String {
    let digits: Vec<char> = h.chars().take(n).collect();
    digits.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_grouped_in_fours() {
        assert_eq!(grouped_hash("9c1e4f2a7b3d5e6f8091", 16), "9c1e 4f2a 7b3d 5e6f");
        assert_eq!(grouped_hash("", 16), "");
    }

    #[test]
    fn widths_count_cjk_as_two() {
        assert_eq!(width("楼道声控灯改造"), 14);
        assert_eq!(width("P01 灯"), 6);
        assert_eq!(truncate("困难老人居家适老化改造", 9), "困难老人…");
        assert_eq!(width(&truncate("困难老人居家适老化改造", 9)), 9);
        assert_eq!(truncate("困难老人居家适老化改造", 10), "困难老人…");
        assert_eq!(truncate("短", 10), "短");
        assert_eq!(truncate("abc", 0), "");
        assert_eq!(width(&fit("楼梯", 7)), 7);
        assert_eq!(fit_right("12", 4), "  12");
    }

    #[test]
    fn wraps_by_words_and_by_characters() {
        assert_eq!(wrap("fund from the top; skip", 10), vec!["fund from", "the top;", "skip"]);
        assert_eq!(wrap("按得票从高到低资助", 8), vec!["按得票从", "高到低资", "助"]);
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 4), vec![""]);
        for l in wrap("顾问：可行 · 顾问估算 ¥15,000 · 需要物业同意", 12) {
            assert!(width(&l) <= 12, "{l}");
        }
    }

    #[test]
    fn money_and_clock() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(300000), "300,000");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(money(300000, "CNY", Lang::Zh), "300,000 元");
        assert_eq!(money(300000, "CNY", Lang::En), "¥300,000");
        assert_eq!(money(5000, "EUR", Lang::Zh), "5,000 EUR");
        assert_eq!(clock(40 * 60_000), "40:00");
        assert_eq!(clock(59_001), "1:00");
        assert_eq!(clock(1), "0:01");
        assert_eq!(clock(0), "0:00");
        assert_eq!(clock(-999), "0:00");
        assert_eq!(clock(-1000), "0:01");
        assert!(is_over(-1000) && !is_over(-999));
        assert_eq!(clock(-65_000), "1:05");
        assert_eq!(clock(3_900_000), "1:05:00");
    }

    #[test]
    fn languages() {
        assert_eq!(parse_lang("EN").unwrap(), Lang::En);
        assert_eq!(parse_lang("zh").unwrap(), Lang::Zh);
        assert!(parse_lang("fr").is_err());
        assert_eq!(Lang::Zh.toggle(), Lang::En);
    }
}
