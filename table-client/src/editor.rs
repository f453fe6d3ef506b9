//! A small text editor for notes, names and remarks: one line or many,
//! Chinese typed character by character or pasted whole (an input method
//! commits text either way), measured in terminal columns for wrapping and
//! for placing the cursor. Plain data; the form around it decides what Enter
//! and Tab mean.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::text::char_width;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Editor {
    chars: Vec<char>,
    /// Cursor position, in characters from the start.
    cursor: usize,
    pub max_chars: usize,
    /// Enter is not a newline; pasted newlines become spaces.
    pub single_line: bool,
}

/// The text laid out for a box `width` columns wide.
#[derive(Debug, Clone, PartialEq)]
pub struct Laid {
    pub lines: Vec<String>,
    /// (row, column) of the cursor.
    pub cursor: (usize, usize),
}

impl Editor {
    pub fn new(max_chars: usize) -> Editor {
        Editor { max_chars, ..Default::default() }
    }

    pub fn single_line(max_chars: usize) -> Editor {
        Editor { max_chars, single_line: true, ..Default::default() }
    }

    /// Start from existing text (editing a note), cursor at the end.
    pub fn with_text(mut self, text: &str) -> Editor {
        self.chars.clear();
        self.cursor = 0;
        self.paste(text);
        self
    }

    pub fn text(&self) -> String {
        self.chars.iter().collect()
    }

    pub fn char_count(&self) -> usize {
        self.chars.len()
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    pub fn is_blank(&self) -> bool {
        self.chars.iter().all(|c| c.is_whitespace())
    }

    pub fn is_full(&self) -> bool {
        self.chars.len() >= self.max_chars
    }

    pub fn clear(&mut self) {
        self.chars.clear();
        self.cursor = 0;
    }

    /// Type one character. False if it was not taken (full, or a control
    /// character).
    pub fn insert(&mut self, c: char) -> bool {
        let c = match c {
            '\n' | '\r' if self.single_line => ' ',
            '\r' => '\n',
            '\t' => ' ',
            c if c.is_control() && c != '\n' => return false,
            c => c,
        };
        if self.is_full() {
            return false;
        }
        self.chars.insert(self.cursor, c);
        self.cursor += 1;
        true
    }

    /// Paste (or an input method's commit): line endings normalised, the
    /// rest cut at the limit. Returns how many characters did not fit.
    pub fn paste(&mut self, s: &str) -> usize {
        let s = s.replace("\r\n", "\n");
        let mut dropped = 0;
        for c in s.chars() {
            if c.is_control() && !matches!(c, '\n' | '\r' | '\t') {
                continue;
            }
            if !self.insert(c) {
                dropped += 1;
            }
        }
        dropped
    }

    pub fn backspace(&mut self) {
        if self.cursor > 0 {
            self.cursor -= 1;
            self.chars.remove(self.cursor);
        }
    }

    pub fn delete(&mut self) {
        if self.cursor < self.chars.len() {
            self.chars.remove(self.cursor);
        }
    }

    pub fn left(&mut self) {
        self.cursor = self.cursor.saturating_sub(1);
    }

    pub fn right(&mut self) {
        self.cursor = (self.cursor + 1).min(self.chars.len());
    }

    /// Start of the current logical line.
    pub fn home(&mut self) {
        while self.cursor > 0 && self.chars[self.cursor - 1] != '\n' {
            self.cursor -= 1;
        }
    }

    pub fn end(&mut self) {
        while self.cursor < self.chars.len() && self.chars[self.cursor] != '\n' {
            self.cursor += 1;
        }
    }

    /// Visual lines for a box `width` columns wide, as character ranges.
    /// One column is kept free so that the cursor fits after a full line.
    fn ranges(&self, width: usize) -> Vec<(usize, usize)> {
        let cap = width.saturating_sub(1).max(2);
        let mut out = vec![];
        let mut start = 0;
        let mut used = 0;
        for (i, c) in self.chars.iter().enumerate() {
            if *c == '\n' {
                out.push((start, i));
                start = i + 1;
                used = 0;
                continue;
            }
            let w = char_width(*c);
            if used + w > cap && i > start {
                out.push((start, i));
                start = i;
                used = 0;
            }
            used += w;
        }
        out.push((start, self.chars.len()));
        out
    }

    fn cursor_row(&self, ranges: &[(usize, usize)]) -> usize {
        // At a wrap point the cursor belongs to the line that starts there.
        ranges.iter().rposition(|(s, e)| *s <= self.cursor && self.cursor <= *e).unwrap_or(0)
    }

    fn col_of(&self, from: usize, to: usize) -> usize {
        self.chars[from..to].iter().map(|c| char_width(*c)).sum()
    }

    pub fn layout(&self, width: usize) -> Laid {
        let ranges = self.ranges(width);
        let row = self.cursor_row(&ranges);
        let col = self.col_of(ranges[row].0, self.cursor);
        let lines = ranges.iter().map(|(s, e)| self.chars[*s..*e].iter().collect()).collect();
        Laid { lines, cursor: (row, col) }
    }

    /// Move up (-1) or down (+1) a visual line, keeping the column.
    pub fn vertical(&mut self, width: usize, delta: i32) {
        let ranges = self.ranges(width);
        let row = self.cursor_row(&ranges);
        let col = self.col_of(ranges[row].0, self.cursor);
        let target = row as i64 + delta as i64;
        if target < 0 || target >= ranges.len() as i64 {
            return;
        }
        let (s, e) = ranges[target as usize];
        let mut i = s;
        let mut used = 0;
        while i < e && used + char_width(self.chars[i]) <= col {
            used += char_width(self.chars[i]);
            i += 1;
        }
        self.cursor = i;
    }

    /// The editing keys. Returns false for keys it leaves to the form
    /// (Enter in a one-line field, Tab, Esc, Up/Down in a one-line field,
    /// anything with Ctrl or Alt).
    pub fn key(&mut self, k: KeyEvent, width: usize) -> bool {
        if k.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) {
            return false;
        }
        match k.code {
            KeyCode::Char(c) => {
                self.insert(c);
            }
            KeyCode::Enter if !self.single_line => {
                self.insert('\n');
            }
            KeyCode::Backspace => self.backspace(),
            KeyCode::Delete => self.delete(),
            KeyCode::Left => self.left(),
            KeyCode::Right => self.right(),
            KeyCode::Home => self.home(),
            KeyCode::End => self.end(),
            KeyCode::Up if !self.single_line => self.vertical(width, -1),
            KeyCode::Down if !self.single_line => self.vertical(width, 1),
            _ => return false,
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEventKind;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new_with_kind(code, KeyModifiers::NONE, KeyEventKind::Press)
    }

    fn type_text(e: &mut Editor, s: &str) {
        for c in s.chars() {
            assert!(e.key(key(KeyCode::Char(c)), 20));
        }
    }

    #[test]
    fn chinese_typed_one_by_one_and_edited() {
        let mut e = Editor::new(2000);
        type_text(&mut e, "晚上噪音大");
        assert_eq!(e.text(), "晚上噪音大");
        assert_eq!(e.char_count(), 5);
        e.key(key(KeyCode::Left), 20);
        e.key(key(KeyCode::Left), 20);
        type_text(&mut e, "很");
        assert_eq!(e.text(), "晚上噪很音大");
        e.key(key(KeyCode::Backspace), 20);
        e.key(key(KeyCode::Delete), 20);
        assert_eq!(e.text(), "晚上噪大");
        // The cursor sits after three wide characters: column 6.
        assert_eq!(e.layout(20).cursor, (0, 6));
    }

    #[test]
    fn paste_is_taken_whole_with_line_endings_normalised() {
        let mut e = Editor::new(2000);
        type_text(&mut e, "居民说：");
        assert_eq!(e.paste("晚上噪音会影响\r\n三楼住户"), 0);
        assert_eq!(e.text(), "居民说：晚上噪音会影响\n三楼住户");
        let laid = e.layout(30);
        assert_eq!(laid.lines, vec!["居民说：晚上噪音会影响", "三楼住户"]);
        assert_eq!(laid.cursor, (1, 8));
        let mut one = Editor::single_line(40);
        one.paste("王阿姨\n5号");
        assert_eq!(one.text(), "王阿姨 5号");
        assert!(!one.key(key(KeyCode::Enter), 20), "Enter belongs to the form in a one-line field");
    }

    #[test]
    fn the_limit_holds_for_typing_and_pasting() {
        let mut e = Editor::new(5);
        assert_eq!(e.paste("一二三四五六七"), 2);
        assert_eq!(e.text(), "一二三四五");
        assert!(!e.insert('八'));
        assert!(e.is_full());
    }

    #[test]
    fn wrapping_keeps_wide_characters_whole_and_the_cursor_moves_by_line() {
        let mut e = Editor::new(2000);
        e.paste("一二三四五六七八九十");
        // 9 columns wide, 8 usable: four characters a line.
        let laid = e.layout(9);
        assert_eq!(laid.lines, vec!["一二三四", "五六七八", "九十"]);
        assert_eq!(laid.cursor, (2, 4));
        e.vertical(9, -1);
        assert_eq!(e.cursor(), 6);
        assert_eq!(e.layout(9).cursor, (1, 4));
        e.key(key(KeyCode::Up), 9);
        assert_eq!(e.layout(9).cursor, (0, 4));
        e.key(key(KeyCode::Home), 9);
        assert_eq!(e.cursor(), 0);
        e.key(key(KeyCode::End), 9);
        assert_eq!(e.cursor(), 10);
        // A full line: the cursor after it still fits in the box.
        let mut f = Editor::new(100);
        f.paste("abcdefgh");
        assert_eq!(f.layout(9).cursor, (0, 8));
    }
}
