//! The verification page appended to every signed file: the title, the lines the main Worker
//! chose (who signed, for which dossier…), the verification code in large type, the URL and the
//! QR code that leads to it. Text is written as glyph ids of the passed font (Identity-H), so
//! any Vietnamese letter the font has is drawn; the page's content stream and the glyphs it used
//! are returned, and `pdf` embeds the font's subset with them.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::error::SignError;
use motcua_domain::truetype::Font;
use crate::Stamp;

pub const WIDTH: f32 = 595.0;
pub const HEIGHT: f32 = 842.0;
const LEFT: f32 = 56.0;
const RIGHT: f32 = WIDTH - 56.0;

/// A drawn page: its content stream and the glyphs it used (glyph id → the character drawn).
pub struct Drawn {
    pub content: Vec<u8>,
    pub used: BTreeMap<u16, char>,
}

struct Pen<'f> {
    font: &'f Font<'f>,
    ops: String,
    used: BTreeMap<u16, char>,
    y: f32,
}

impl Pen<'_> {
    fn text_at(&mut self, x: f32, size: f32, s: &str) -> Result<(), SignError> {
        let mut hex = String::with_capacity(s.len() * 4);
        for c in s.chars() {
            let g = self.font.glyph(c)?;
            self.used.entry(g).or_insert(c);
            let _ = write!(hex, "{g:04X}");
        }
        let _ = writeln!(self.ops, "BT /F1 {size} Tf {x:.2} {:.2} Td <{hex}> Tj ET", self.y);
        Ok(())
    }

    /// Words wrapped to the text width (a word wider than the line is cut where it must be),
    /// each line centred or flush left.
    fn paragraph(&mut self, size: f32, s: &str, centred: bool) -> Result<(), SignError> {
        let width = RIGHT - LEFT;
        let mut lines: Vec<String> = Vec::new();
        let mut current = String::new();
        for word in s.split_whitespace() {
            let candidate = if current.is_empty() { word.to_string() } else { format!("{current} {word}") };
            if self.font.text_width(&candidate, size) <= width {
                current = candidate;
                continue;
            }
            if !current.is_empty() {
                lines.push(std::mem::take(&mut current));
            }
            for c in word.chars() {
                current.push(c);
                if self.font.text_width(&current, size) > width {
                    current.pop();
                    lines.push(std::mem::take(&mut current));
                    current.push(c);
                }
            }
        }
        if !current.is_empty() {
            lines.push(current);
        }
        for line in lines {
            let x = if centred { ((WIDTH - self.font.text_width(&line, size)) / 2.0).max(LEFT) } else { LEFT };
            self.y -= size * 1.25;
            self.text_at(x, size, &line)?;
            self.y -= size * 0.3;
        }
        Ok(())
    }

    /// The QR matrix as filled squares (each row's runs of dark modules as one rectangle),
    /// `side` points wide, centred, its top at the pen.
    fn qr(&mut self, rows: &[String], side: f32) {
        let n = rows.len() as f32;
        let module = side / (n + 8.0);
        let x0 = (WIDTH - side) / 2.0 + 4.0 * module;
        let top = self.y - 4.0 * module;
        self.ops.push_str("0 g\n");
        for (r, row) in rows.iter().enumerate() {
            let bytes = row.as_bytes();
            let mut c = 0;
            while c < bytes.len() {
                if bytes[c] != b'1' {
                    c += 1;
                    continue;
                }
                let start = c;
                while c < bytes.len() && bytes[c] == b'1' {
                    c += 1;
                }
                let _ = writeln!(
                    self.ops,
                    "{:.3} {:.3} {:.3} {:.3} re",
                    x0 + start as f32 * module,
                    top - (r as f32 + 1.0) * module,
                    (c - start) as f32 * module,
                    module
                );
            }
        }
        self.ops.push_str("f\n");
        self.y -= side;
    }
}

/// Draws the verification page of `stamp` with `font`.
pub fn draw(stamp: &Stamp, font: &Font<'_>) -> Result<Drawn, SignError> {
    let mut pen = Pen { font, ops: String::new(), used: BTreeMap::new(), y: HEIGHT - 64.0 };
    pen.ops.push_str("0 g\n");
    pen.paragraph(18.0, &stamp.title, true)?;
    pen.y -= 10.0;
    let _ = writeln!(pen.ops, "0.6 w {LEFT} {:.2} m {RIGHT} {:.2} l S", pen.y, pen.y);
    pen.y -= 14.0;
    for line in &stamp.lines {
        pen.paragraph(11.0, line, false)?;
        pen.y -= 2.0;
    }
    pen.y -= 18.0;
    pen.paragraph(26.0, &stamp.code, true)?;
    pen.y -= 6.0;
    pen.paragraph(10.0, &stamp.url, true)?;
    pen.y -= 12.0;
    if !stamp.qr.is_empty() {
        // Room left above the bottom margin, at most 180 pt.
        let side = (pen.y - 56.0).clamp(72.0, 180.0);
        pen.qr(&stamp.qr, side);
    }
    Ok(Drawn { content: pen.ops.into_bytes(), used: pen.used })
}
