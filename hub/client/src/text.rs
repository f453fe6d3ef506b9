//! Text on a terminal, for both terminal clients: width in cells (Chinese
//! characters take two, combining marks none), truncation with "…", padding
//! and alignment that never push a border out of place, and the interface
//! language.

use unicode_width::UnicodeWidthChar;
use yuanzhuo_protocol::words::{print, ui};

/// Cells one character takes (control characters: none).
pub fn char_width(c: char) -> usize {
    c.width().unwrap_or(0)
}

/// Cells a string takes.
pub fn width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// One line for display: newlines and other control characters become spaces.
pub fn one_line(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// The longest prefix of `s` that fits in `max` cells, ending in "…" when cut.
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
        let w = char_width(c);
        if used + w > max - 1 {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// Exactly `cells` cells: truncated with "…" or padded with spaces.
pub fn fit(s: &str, cells: usize) -> String {
    let mut t = truncate(s, cells);
    let w = width(&t);
    t.extend(std::iter::repeat_n(' ', cells.saturating_sub(w)));
    t
}

/// Exactly `cells` cells, right-aligned.
pub fn fit_right(s: &str, cells: usize) -> String {
    let t = truncate(s, cells);
    let pad = cells.saturating_sub(width(&t));
    let mut out: String = std::iter::repeat_n(' ', pad).collect();
    out.push_str(&t);
    out
}

/// Thousands separators: 300000 → "300,000" (`yuanzhuo_protocol::words`).
pub use yuanzhuo_protocol::words::grouped as thousands;

/// A time as m:ss, h:mm:ss past an hour, without a sign: "40:00", "0:07",
/// "1:02:05". Seconds are rounded up, so a countdown reads 0:00 exactly when
/// its time is up. The pages' twin is `YZ.clock` (hub/web/yz.js).
pub fn clock(ms: i64) -> String {
    // Rounded up on the signed value: 59_001 → 60 s; -999 → 0 s; -1_500 → -1 s.
    let secs = (-((-ms).div_euclid(1000))).unsigned_abs();
    let (h, m, s) = (secs / 3600, (secs / 60) % 60, secs % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// Whether a countdown with `remaining_ms` left is over time: a full second
/// past its end (so 0:00 shows for the second the time runs out).
pub fn is_over(remaining_ms: i64) -> bool {
    remaining_ms <= -1000
}

/// The one countdown format of every screen: "12:05", and once over time
/// "超时 0:07" / "over 0:07" (the pages show the same through `YZ.clock`).
pub fn countdown(remaining_ms: i64, lang: Lang) -> String {
    if is_over(remaining_ms) {
        format!("{}{}", lang.t(ui::OVER.zh, ui::OVER.en), clock(remaining_ms))
    } else {
        clock(remaining_ms.max(0))
    }
}

/// The interface language: Chinese by default. Meeting content (titles,
/// names) is shown as entered; only the clients' own words change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// `zh` or `en` (and a few spellings of them).
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "zh" | "zh-cn" | "cn" => Some(Lang::Zh),
            "en" | "english" => Some(Lang::En),
            name if name == print::LANGUAGE_NAMES.zh => Some(Lang::Zh),
            _ => None,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_characters_take_two_cells() {
        assert_eq!(width("楼道灯"), 6);
        assert_eq!(truncate("楼道声控灯改造", 7), "楼道声…");
        assert_eq!(width(&fit("楼道声控灯改造", 7)), 7);
        assert_eq!(fit_right("42", 4), "  42");
        assert_eq!(truncate("abc", 0), "");
        assert_eq!(thousands(300000), "300,000");
        assert_eq!(thousands(999), "999");
        assert_eq!(one_line("a\nb"), "a b");
    }

    #[test]
    fn languages() {
        assert_eq!(Lang::parse("EN"), Some(Lang::En));
        assert_eq!(Lang::parse("fr"), None);
        assert_eq!(Lang::Zh.toggle(), Lang::En);
        assert_eq!(Lang::En.t("中", "en"), "en");
    }

    #[test]
    fn one_countdown_format() {
        assert_eq!(countdown(40 * 60_000, Lang::Zh), "40:00");
        assert_eq!(countdown(59_001, Lang::Zh), "1:00");
        assert_eq!(countdown(1, Lang::Zh), "0:01");
        assert_eq!(countdown(0, Lang::Zh), "0:00");
        assert_eq!(countdown(-999, Lang::Zh), "0:00");
        assert_eq!(countdown(-1000, Lang::Zh), "超时 0:01");
        assert_eq!(countdown(-7_000, Lang::En), "over 0:07");
        assert_eq!(countdown(3_725_000, Lang::Zh), "1:02:05");
        assert_eq!(clock(-65_000), "1:05");
        assert_eq!(countdown(-1_500, Lang::Zh), "超时 0:01");
    }
}
