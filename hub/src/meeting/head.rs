//! Log heads as people handle them: shown in groups of four hex digits so
//! they can be read aloud and photographed, and typed back (`--head`) with or
//! without the spaces. A head must carry at least 64 bits: with 8 hex digits
//! (32 bits) a rewritten log can be ground until one of its entries matches
//! a photographed head in minutes on one computer; 16 digits take 2^64 tries.

use crate::{said, told};
use yuanzhuo_protocol::words::console;

/// The fewest hex digits accepted as a head seen earlier.
pub const MIN_HEAD_DIGITS: usize = 16;

/// The first `digits` hex digits of `hash`, in groups of four: `76da 4c1c 9e02 b3f1`.
pub fn grouped(hash: &str, digits: usize) -> String {
    let s: Vec<char> = hash.chars().take(digits).collect();
    s.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join(" ")
}

/// A head typed or pasted by a person: spaces (and dashes) ignored, case
/// ignored; at least 16 and at most 64 hex digits. The error says why, in
/// both languages.
pub fn parse_seen(input: &str) -> Result<String, String> {
    let h: String = input.chars().filter(|c| !c.is_whitespace() && *c != '-').collect::<String>().to_ascii_lowercase();
    if let Some(bad) = h.chars().find(|c| !c.is_ascii_hexdigit()) {
        return Err(said(console::HEAD_NOT_HEX, &[("bad", &bad)]));
    }
    if h.len() < MIN_HEAD_DIGITS {
        return Err(told(console::HEAD_TOO_SHORT, &[("min", &MIN_HEAD_DIGITS), ("n", &h.len())]));
    }
    if h.len() > 64 {
        return Err(said(console::HEAD_TOO_LONG, &[("n", &h.len())]));
    }
    Ok(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_are_grouped_and_read_back_with_or_without_spaces() {
        let hash = "76da4c1c9e02b3f1aa00";
        assert_eq!(grouped(hash, 16), "76da 4c1c 9e02 b3f1");
        assert_eq!(parse_seen("76DA 4C1C 9E02 B3F1").unwrap(), "76da4c1c9e02b3f1");
        assert_eq!(parse_seen(" 76da4c1c9e02b3f1 ").unwrap(), "76da4c1c9e02b3f1");
    }

    #[test]
    fn a_short_head_is_refused_with_the_reason() {
        let e = parse_seen("76da 4c1c").unwrap_err();
        assert!(e.contains("at least 16 hex digits") && e.contains("forged"), "{e}");
        assert!(parse_seen("76da4c1c9e02b3fz").unwrap_err().contains("hex digits"));
        assert!(parse_seen(&"a".repeat(65)).is_err());
    }
}
