//! The join QR code, drawn with half-blocks: dark modules on an explicitly
//! light background with a quiet zone, so a phone can scan it even from a
//! terminal with a dark background.

use crate::blocks::{self, Bitmap};
use qrcode::{Color as Module, QrCode};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Color;

pub const DARK: Color = Color::Black;
pub const LIGHT: Color = Color::White;

/// The code's modules with `quiet` light modules around, or None if the
/// text cannot be encoded.
pub fn modules(text: &str, quiet: usize) -> Option<Bitmap> {
    let code = QrCode::new(text.as_bytes()).ok()?;
    let w = code.width();
    let colours = code.to_colors();
    let mut bm = Bitmap::new(w + 2 * quiet, w + 2 * quiet);
    for y in 0..w {
        for x in 0..w {
            bm.set(x + quiet, y + quiet, colours[y * w + x] == Module::Dark);
        }
    }
    Some(bm)
}

/// The biggest rendering of `text` that fits `area`: the scale first (a
/// bigger code scans from further away), then the standard quiet zone of
/// 4 modules if there is room, else 2 (enough for phone readers).
pub fn layout(text: &str, area: Rect) -> Option<Bitmap> {
    let plain = modules(text, 0)?;
    for k in (1..=8).rev() {
        for quiet in [4, 2] {
            let side = (plain.width + 2 * quiet) * k;
            if side <= area.width as usize && side.div_ceil(2) <= area.height as usize {
                return modules(text, quiet).map(|m| m.scaled(k));
            }
        }
    }
    None
}

/// Draw the code centred in `area`; returns where it went, or None when it
/// does not fit (the address is still shown as text by the caller).
pub fn draw(buf: &mut Buffer, area: Rect, text: &str) -> Option<Rect> {
    let bm = layout(text, area)?;
    let (w, h) = bm.cells();
    let x = area.x + (area.width - w) / 2;
    let y = area.y + (area.height - h) / 2;
    blocks::draw(buf, area, x, y, &bm, DARK, Some(LIGHT));
    Some(Rect::new(x, y, w, h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_to_the_room_and_keeps_a_quiet_zone() {
        let url = "http://192.168.1.20:8470";
        let plain = modules(url, 0).unwrap();
        let with_zone = modules(url, 4).unwrap();
        assert_eq!(with_zone.width, plain.width + 8);
        for i in 0..with_zone.width {
            assert!(!with_zone.get(i, 0) && !with_zone.get(0, i) && !with_zone.get(i, 3));
        }
        // Finder pattern corner is dark.
        assert!(with_zone.get(4, 4));
        let big = layout(url, Rect::new(0, 0, 80, 40)).unwrap();
        let small = layout(url, Rect::new(0, 0, 30, 16)).unwrap();
        assert!(big.width >= 2 * small.width - 8, "{} vs {}", big.width, small.width);
        assert!(small.cells().0 <= 30 && small.cells().1 <= 16);
        assert!(layout(url, Rect::new(0, 0, 10, 5)).is_none());

        let mut buf = Buffer::empty(Rect::new(0, 0, 40, 20));
        let area = buf.area;
        let at = draw(&mut buf, area, url).unwrap();
        assert!(at.width <= 40 && at.height <= 20);
        let blocks = buf.content().iter().filter(|c| matches!(c.symbol(), "▀" | "▄" | "█")).count();
        assert!(blocks > 100, "{blocks}");
        assert!(buf.content().iter().filter(|c| c.symbol() == " ").all(|c| c.bg == LIGHT || c.bg == Color::Reset));
    }
}
