//! Pictures made of half-block characters: a grid of on/off pixels, two
//! pixel rows per terminal row (`▀ ▄ █`), so that a pixel is about square
//! on a terminal whose cells are twice as tall as wide. Used for the big
//! countdown digits and the QR code.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Color;

/// A rectangle of on/off pixels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bitmap {
    pub width: usize,
    pub height: usize,
    bits: Vec<bool>,
}

impl Bitmap {
    pub fn new(width: usize, height: usize) -> Bitmap {
        Bitmap { width, height, bits: vec![false; width * height] }
    }

    pub fn get(&self, x: usize, y: usize) -> bool {
        x < self.width && y < self.height && self.bits[y * self.width + x]
    }

    pub fn set(&mut self, x: usize, y: usize, on: bool) {
        if x < self.width && y < self.height {
            self.bits[y * self.width + x] = on;
        }
    }

    /// Every pixel blown up to a `k`×`k` square.
    pub fn scaled(&self, k: usize) -> Bitmap {
        let k = k.max(1);
        let mut out = Bitmap::new(self.width * k, self.height * k);
        for y in 0..out.height {
            for x in 0..out.width {
                out.set(x, y, self.get(x / k, y / k));
            }
        }
        out
    }

    /// Terminal cells needed: (columns, rows).
    pub fn cells(&self) -> (u16, u16) {
        (self.width.min(u16::MAX as usize) as u16, self.height.div_ceil(2).min(u16::MAX as usize) as u16)
    }
}

/// Draw `bm` with its top-left corner at (`x`, `y`), clipped to `clip`.
/// `on` colours the set pixels. With `off: Some(colour)` every cell gets
/// that background (a QR code needs its light modules really light, even on
/// a dark terminal); with `None` unset pixels leave the cell untouched.
pub fn draw(buf: &mut Buffer, clip: Rect, x: u16, y: u16, bm: &Bitmap, on: Color, off: Option<Color>) {
    let clip = clip.intersection(buf.area);
    let (cols, rows) = bm.cells();
    for row in 0..rows {
        for col in 0..cols {
            let (cx, cy) = (x.saturating_add(col), y.saturating_add(row));
            if cx < clip.left() || cx >= clip.right() || cy < clip.top() || cy >= clip.bottom() {
                continue;
            }
            let top = bm.get(col as usize, row as usize * 2);
            let bottom = bm.get(col as usize, row as usize * 2 + 1);
            let symbol = match (top, bottom) {
                (true, true) => "█",
                (true, false) => "▀",
                (false, true) => "▄",
                (false, false) => " ",
            };
            if off.is_none() && !top && !bottom {
                continue;
            }
            let cell = &mut buf[(cx, cy)];
            cell.set_symbol(symbol).set_fg(on);
            if let Some(bg) = off {
                cell.set_bg(bg);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_pixel_rows_per_cell() {
        let mut bm = Bitmap::new(3, 3);
        bm.set(0, 0, true);
        bm.set(1, 1, true);
        bm.set(2, 0, true);
        bm.set(2, 1, true);
        bm.set(0, 2, true);
        assert_eq!(bm.cells(), (3, 2));
        let mut buf = Buffer::empty(Rect::new(0, 0, 4, 2));
        let area = buf.area;
        draw(&mut buf, area, 0, 0, &bm, Color::Black, Some(Color::White));
        let row0: String = (0..3).map(|x| buf[(x, 0)].symbol().to_string()).collect();
        let row1: String = (0..3).map(|x| buf[(x, 1)].symbol().to_string()).collect();
        assert_eq!(row0, "▀▄█");
        assert_eq!(row1, "▀  ");
        assert_eq!(buf[(1, 1)].bg, Color::White);
        assert_eq!(bm.scaled(2).cells(), (6, 3));
        assert!(bm.scaled(2).get(5, 3) && !bm.scaled(2).get(3, 5));
    }

    #[test]
    fn clipped_to_the_area() {
        let mut bm = Bitmap::new(10, 10);
        for i in 0..10 {
            bm.set(i, i, true);
        }
        let mut buf = Buffer::empty(Rect::new(0, 0, 4, 4));
        draw(&mut buf, Rect::new(0, 0, 2, 2), 0, 0, &bm, Color::Black, None);
        assert_eq!(buf[(0, 0)].symbol(), "▀");
        assert_eq!(buf[(3, 1)].symbol(), " ");
    }
}
