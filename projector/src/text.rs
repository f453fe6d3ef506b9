//! Words and widths: the interface language, display-width measuring and
//! truncation (CJK characters take two terminal cells), and how money and
//! clock times are written on the projector.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The interface language. Meeting content (titles, names) is shown as
/// entered; only the projector's own words change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// `zh` or `en` (anything else is an error for the command line).
    pub fn parse(s: &str) -> Result<Lang, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "zh" | "zh-cn" | "cn" | "中文" => Ok(Lang::Zh),
            "en" | "english" => Ok(Lang::En),
            other => Err(format!("未知语言 {other}（可用 zh 或 en）/ unknown language {other} (use zh or en)")),
        }
    }

    pub fn toggle(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    /// Pick the phrase for this language.
    pub fn t<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// Cells the text takes on a terminal.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// The longest prefix of `s` that fits in `max` cells, with "…" when cut.
pub fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > max - 1 {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// `s` truncated to `cells` and padded with spaces to exactly `cells`.
pub fn fit(s: &str, cells: usize) -> String {
    let mut t = truncate(s, cells);
    let w = width(&t);
    t.extend(std::iter::repeat_n(' ', cells.saturating_sub(w)));
    t
}

/// `s` right-aligned in `cells` (truncated if longer).
pub fn fit_right(s: &str, cells: usize) -> String {
    let t = truncate(s, cells);
    let pad = cells.saturating_sub(width(&t));
    format!("{}{t}", " ".repeat(pad))
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

/// 300000 → "300,000".
pub fn thousands(n: u64) -> String {
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

/// An amount with its currency: "¥300,000" for yuan, "300,000 EUR" otherwise.
pub fn money(amount: u64, currency: &str) -> String {
    match currency.trim().to_ascii_uppercase().as_str() {
        "CNY" | "RMB" | "" | "元" => format!("¥{}", thousands(amount)),
        other => format!("{} {other}", thousands(amount)),
    }
}

/// A countdown as the wall clock shows it: "40:00", "1:05:00", and once
/// over time "-00:07". Seconds are rounded up while time remains, so the
/// display reaches 00:00 exactly when time is up.
pub fn clock(remaining_ms: i64) -> String {
    // Ceiling division: 59_001 ms → 60 s; -1_500 ms → -1 s.
    let secs = -((-remaining_ms).div_euclid(1000));
    let sign = if secs < 0 { "-" } else { "" };
    let s = secs.unsigned_abs();
    let (h, m, s) = (s / 3600, (s / 60) % 60, s % 60);
    if h > 0 {
        format!("{sign}{h}:{m:02}:{s:02}")
    } else {
        format!("{sign}{m:02}:{s:02}")
    }
}

/// The first `n` characters of a hash, for footers.
pub fn short_hash(h: &str, n: usize) -> String {
    h.chars().take(n).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(money(300000, "CNY"), "¥300,000");
        assert_eq!(money(5000, "EUR"), "5,000 EUR");
        assert_eq!(clock(40 * 60_000), "40:00");
        assert_eq!(clock(59_001), "01:00");
        assert_eq!(clock(1), "00:01");
        assert_eq!(clock(0), "00:00");
        assert_eq!(clock(-999), "00:00");
        assert_eq!(clock(-1000), "-00:01");
        assert_eq!(clock(-65_000), "-01:05");
        assert_eq!(clock(3_900_000), "1:05:00");
    }

    #[test]
    fn languages() {
        assert_eq!(Lang::parse("EN").unwrap(), Lang::En);
        assert_eq!(Lang::parse("zh").unwrap(), Lang::Zh);
        assert!(Lang::parse("fr").is_err());
        assert_eq!(Lang::Zh.toggle(), Lang::En);
    }
}
