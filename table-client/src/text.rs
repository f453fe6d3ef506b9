//! Text measured in terminal columns: Chinese characters take two columns,
//! combining marks none. Everything that truncates, pads or wraps on screen
//! goes through here so that wide titles never push a border out of place.

pub use yuanzhuo_client::text::{char_width, fit, fit_right, one_line, truncate, width};

/// Wrap for display within `w` columns. Chinese text breaks anywhere; a
/// Latin word is moved to the next line whole when it fits there.
/// Newlines in the text start new lines; an empty text gives no lines.
pub fn wrap(s: &str, w: usize) -> Vec<String> {
    let w = w.max(1);
    let mut lines = vec![];
    for para in s.split('\n') {
        let mut line: Vec<char> = vec![];
        let mut used = 0;
        for c in para.chars() {
            let c = if c.is_control() { ' ' } else { c };
            let cw = char_width(c);
            if used + cw > w && !line.is_empty() {
                // Break before the last Latin word on the line if there is one;
                // a closing punctuation mark never starts a line: it takes
                // the character before it along.
                let carry = if is_word_char(c) {
                    word_tail(&line)
                } else if is_closing(c) {
                    1
                } else {
                    0
                };
                if carry > 0 && carry < line.len() {
                    let rest: Vec<char> = line.split_off(line.len() - carry);
                    lines.push(line.iter().collect::<String>().trim_end().to_string());
                    line = rest;
                } else {
                    lines.push(line.iter().collect::<String>().trim_end().to_string());
                    line = vec![];
                }
                used = line.iter().map(|c| char_width(*c)).sum();
                if c == ' ' && line.is_empty() {
                    continue;
                }
            }
            line.push(c);
            used += cw;
        }
        lines.push(line.iter().collect());
    }
    if s.is_empty() {
        lines.clear();
    }
    lines
}

/// Lay short items (names) out in lines of `w` columns, `head` first,
/// never splitting an item.
pub fn pack(head: &str, items: &[String], w: usize) -> Vec<String> {
    let mut lines = vec![];
    let mut line = head.to_string();
    for it in items {
        let it = one_line(it);
        let gap = if width(&line) == 0 || line == head { 0 } else { 1 };
        if width(&line) + gap + width(&it) > w && width(&line) > 0 && line != head {
            lines.push(line);
            line = String::new();
        }
        if !line.is_empty() && line != head {
            line.push(' ');
        }
        line.push_str(&truncate(&it, w));
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// CJK punctuation that may not start a line: ，。、；：？！）》」』”’…
fn is_closing(c: char) -> bool {
    "\u{ff0c}\u{3002}\u{3001}\u{ff1b}\u{ff1a}\u{ff1f}\u{ff01}\u{ff09}\u{300b}\u{300d}\u{300f}\u{201d}\u{2019}\u{2026}"
        .contains(c)
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '\'' | '-' | '.' | ',')
}

/// How many characters at the end of `line` belong to an unfinished Latin word.
fn word_tail(line: &[char]) -> usize {
    line.iter().rev().take_while(|c| is_word_char(**c)).count()
}

/// Thousands separators: 86000 → "86,000".
pub use yuanzhuo_client::text::thousands as money;

/// Times and countdowns: the one format of every screen (yuanzhuo-client).
pub use yuanzhuo_client::text::{clock, countdown};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_characters_are_two_columns() {
        assert_eq!(width("公共厕所"), 8);
        assert_eq!(width("P03 公厕"), 8);
        assert_eq!(truncate("公共厕所翻新", 7), "公共厕…");
        assert_eq!(width(&truncate("公共厕所翻新", 7)), 7);
        // A wide character that would straddle the edge is left out, not split.
        assert_eq!(fit("公共厕所翻新", 6), "公共… ");
        assert_eq!(width(&fit("公共厕所翻新", 6)), 6);
        assert_eq!(fit("ab", 4), "ab  ");
        assert_eq!(fit_right("12", 4), "  12");
    }

    #[test]
    fn wrapping_breaks_chinese_anywhere_and_english_between_words() {
        assert_eq!(wrap("老人上下楼需要扶手", 8), vec!["老人上下", "楼需要扶", "手"]);
        assert_eq!(wrap("needs a handrail now", 10), vec!["needs a", "handrail", "now"]);
        assert_eq!(wrap("第一行\n第二行", 20), vec!["第一行", "第二行"]);
        assert!(wrap("", 5).is_empty());
        // "。" does not start a line.
        assert_eq!(wrap("全部更换为灯。", 12), vec!["全部更换为", "灯。"]);
        for l in wrap("楼道灯泡坏了多年没人换，夜里上下楼摸黑 LED lights", 9) {
            assert!(width(&l) <= 9, "{l}");
        }
    }

    #[test]
    fn names_are_packed_whole() {
        let names: Vec<String> = ["1号", "2号", "9号", "10号", "王阿姨"].iter().map(|s| s.to_string()).collect();
        assert_eq!(pack("未发言：", &names, 20), vec!["未发言：1号 2号 9号", "10号 王阿姨"]);
        assert_eq!(pack("x", &[], 20), vec!["x"]);
    }

    #[test]
    fn numbers_and_clocks() {
        assert_eq!(money(86000), "86,000");
        assert_eq!(money(300000), "300,000");
        assert_eq!(money(999), "999");
        assert_eq!(clock(61_000), "1:01");
        assert_eq!(countdown(-12_000, yuanzhuo_client::text::Lang::Zh), "超时 0:12");
        assert_eq!(clock(3_725_000), "1:02:05");
    }
}
