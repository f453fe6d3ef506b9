//! Big countdown digits (and the hex of the rules fingerprint), readable
//! from the back of a hall: a 3×5 pixel font drawn with half-blocks, scaled
//! to the space the scene gives it.

use crate::blocks::{self, Bitmap};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Color;

const GLYPH_ROWS: usize = 5;

fn glyph(c: char) -> Option<[&'static str; GLYPH_ROWS]> {
    Some(match c {
        '0' => ["###", "# #", "# #", "# #", "###"],
        '1' => [" # ", "## ", " # ", " # ", "###"],
        '2' => ["###", "  #", "###", "#  ", "###"],
        '3' => ["###", "  #", "###", "  #", "###"],
        '4' => ["# #", "# #", "###", "  #", "  #"],
        '5' => ["###", "#  ", "###", "  #", "###"],
        '6' => ["###", "#  ", "###", "# #", "###"],
        '7' => ["###", "  #", "  #", "  #", "  #"],
        '8' => ["###", "# #", "###", "# #", "###"],
        '9' => ["###", "# #", "###", "  #", "###"],
        // Upper-case hex, for the rules fingerprint ("3F2A-91C0").
        'A' => ["###", "# #", "###", "# #", "# #"],
        'B' => ["## ", "# #", "## ", "# #", "## "],
        'C' => ["###", "#  ", "#  ", "#  ", "###"],
        'D' => ["## ", "# #", "# #", "# #", "## "],
        'E' => ["###", "#  ", "###", "#  ", "###"],
        'F' => ["###", "#  ", "###", "#  ", "#  "],
        ':' => [" ", "#", " ", "#", " "],
        '-' => ["   ", "   ", "###", "   ", "   "],
        ' ' => ["  ", "  ", "  ", "  ", "  "],
        _ => return None,
    })
}

/// The text as pixels at scale 1 (one blank column between glyphs);
/// characters the font lacks are skipped.
pub fn bitmap(text: &str) -> Bitmap {
    let glyphs: Vec<[&str; GLYPH_ROWS]> = text.chars().filter_map(glyph).collect();
    let width = glyphs.iter().map(|g| g[0].len()).sum::<usize>() + glyphs.len().saturating_sub(1);
    let mut bm = Bitmap::new(width, GLYPH_ROWS);
    let mut x0 = 0;
    for g in glyphs {
        for (y, row) in g.iter().enumerate() {
            for (dx, ch) in row.chars().enumerate() {
                bm.set(x0 + dx, y, ch == '#');
            }
        }
        x0 += g[0].len() + 1;
    }
    bm
}

/// The largest scale at which `text` fits in `area`, if any.
pub fn fit_scale(text: &str, area: Rect) -> Option<usize> {
    let bm = bitmap(text);
    if bm.width == 0 {
        return None;
    }
    let by_width = area.width as usize / bm.width;
    let by_height = area.height as usize * 2 / GLYPH_ROWS;
    let k = by_width.min(by_height);
    (k >= 1).then_some(k)
}

/// Rows the digits take at scale `k`.
pub fn rows_at(k: usize) -> u16 {
    (GLYPH_ROWS * k).div_ceil(2) as u16
}

/// Draw `text` as large as fits, centred in `area`. Returns false (and
/// draws nothing) when even the smallest size does not fit.
pub fn draw(buf: &mut Buffer, area: Rect, text: &str, colour: Color) -> bool {
    let Some(k) = fit_scale(text, area) else { return false };
    let bm = bitmap(text).scaled(k);
    let (w, h) = bm.cells();
    let x = area.x + (area.width.saturating_sub(w)) / 2;
    let y = area.y + (area.height.saturating_sub(h)) / 2;
    blocks::draw(buf, area, x, y, &bm, colour, None);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_text_fits_and_scales() {
        let bm = bitmap("40:00");
        assert_eq!(bm.width, 3 + 3 + 1 + 3 + 3 + 4);
        assert_eq!(fit_scale("40:00", Rect::new(0, 0, 160, 20)), Some(8));
        assert_eq!(fit_scale("40:00", Rect::new(0, 0, 17, 3)), Some(1));
        assert_eq!(fit_scale("40:00", Rect::new(0, 0, 16, 3)), None);
        assert_eq!(rows_at(8), 20);
        let mut buf = Buffer::empty(Rect::new(0, 0, 40, 6));
        let area = buf.area;
        assert!(draw(&mut buf, area, "-00:41", Color::Red));
        let inked = buf.content().iter().filter(|c| c.symbol() != " ").count();
        assert!(inked > 20, "{inked}");
        // Every character of a fingerprint has a glyph.
        assert_eq!(bitmap("3F2A-91C0").width, 9 * 3 + 8);
        assert_ne!(bitmap("B"), bitmap("8"));
        assert_ne!(bitmap("D"), bitmap("0"));
    }
}
