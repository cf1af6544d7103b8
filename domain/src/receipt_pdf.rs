//! A legal receipt ([`LegalReceipt`]) as a one-page A4 PDF. Vietnamese needs a Unicode font, so
//! the caller passes a TrueType font (the Worker serves DejaVu Sans from its static assets) which
//! is embedded whole as a CIDFontType2 with Identity-H encoding; a ToUnicode map keeps the text
//! searchable and copyable with its diacritics. No compression and no subsetting: the file is
//! about the font's size (~760 KB), simple to check, and drawn identically by every reader.
//! Unsigned: the collector's digital signature (PAdES) is added by the signing service.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::fee::FeeKind;
use crate::receipt::{LegalReceipt, SignatureState};

/// What the PDF needs from a TrueType font: glyph ids by character, advance widths, metrics.
pub struct Font<'a> {
    data: &'a [u8],
    cmap: BTreeMap<u32, u16>,
    widths: Vec<u16>,
    units_per_em: u16,
    bbox: [i16; 4],
    ascent: i16,
    descent: i16,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a usable TrueType font: {0}")]
pub struct FontError(&'static str);

fn u16_at(d: &[u8], at: usize) -> Result<u16, FontError> {
    d.get(at..at + 2).map(|b| u16::from_be_bytes([b[0], b[1]])).ok_or(FontError("truncated"))
}

fn u32_at(d: &[u8], at: usize) -> Result<u32, FontError> {
    d.get(at..at + 4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]])).ok_or(FontError("truncated"))
}

impl<'a> Font<'a> {
    pub fn parse(data: &'a [u8]) -> Result<Font<'a>, FontError> {
        let tables = u16_at(data, 4)? as usize;
        let mut dir = BTreeMap::new();
        for i in 0..tables {
            let rec = 12 + 16 * i;
            let tag = data.get(rec..rec + 4).ok_or(FontError("truncated"))?;
            dir.insert(tag.to_vec(), u32_at(data, rec + 8)? as usize);
        }
        let table = |tag: &[u8]| dir.get(tag).copied().ok_or(FontError("a required table is missing"));
        let head = table(b"head")?;
        let units_per_em = u16_at(data, head + 18)?;
        let bbox = [0, 2, 4, 6].map(|o| u16_at(data, head + 36 + o).map(|v| v as i16).unwrap_or(0));
        let hhea = table(b"hhea")?;
        let (ascent, descent) = (u16_at(data, hhea + 4)? as i16, u16_at(data, hhea + 6)? as i16);
        let metrics = u16_at(data, hhea + 34)? as usize;
        let hmtx = table(b"hmtx")?;
        let widths = (0..metrics).map(|i| u16_at(data, hmtx + 4 * i)).collect::<Result<Vec<_>, _>>()?;
        // The Unicode BMP subtable (platform 3, encoding 1, format 4): every Vietnamese letter.
        let cmap = table(b"cmap")?;
        let mut sub = None;
        for i in 0..u16_at(data, cmap + 2)? as usize {
            let rec = cmap + 4 + 8 * i;
            if u16_at(data, rec)? == 3 && u16_at(data, rec + 2)? == 1 {
                sub = Some(cmap + u32_at(data, rec + 4)? as usize);
            }
        }
        let sub = sub.ok_or(FontError("no Unicode cmap"))?;
        if u16_at(data, sub)? != 4 {
            return Err(FontError("the Unicode cmap is not format 4"));
        }
        let segs = u16_at(data, sub + 6)? as usize / 2;
        let (ends, starts, deltas, offsets) = (sub + 14, sub + 16 + 2 * segs, sub + 16 + 4 * segs, sub + 16 + 6 * segs);
        let mut map = BTreeMap::new();
        for s in 0..segs {
            let (end, start) = (u16_at(data, ends + 2 * s)? as u32, u16_at(data, starts + 2 * s)? as u32);
            let (delta, range) = (u16_at(data, deltas + 2 * s)?, u16_at(data, offsets + 2 * s)? as usize);
            for c in start..=end.min(0xFFFE) {
                let gid = if range == 0 {
                    (c as u16).wrapping_add(delta)
                } else {
                    let at = offsets + 2 * s + range + 2 * (c - start) as usize;
                    match u16_at(data, at)? {
                        0 => 0,
                        g => g.wrapping_add(delta),
                    }
                };
                if gid != 0 {
                    map.insert(c, gid);
                }
            }
        }
        Ok(Font { data, cmap: map, widths, units_per_em, bbox, ascent, descent })
    }

    fn glyph(&self, c: char) -> u16 {
        self.cmap.get(&(c as u32)).copied().unwrap_or(0)
    }

    /// Advance width in thousandths of the font size (PDF glyph space).
    fn width(&self, gid: u16) -> u32 {
        let w = self.widths.get(gid as usize).or(self.widths.last()).copied().unwrap_or(0) as u32;
        w * 1000 / self.units_per_em.max(1) as u32
    }

    fn text_width(&self, s: &str, size: f32) -> f32 {
        s.chars().map(|c| self.width(self.glyph(c)) as f32).sum::<f32>() * size / 1000.0
    }
}

/// Lines of the page: (x, y, size, text), in points from the bottom left of A4.
struct Page<'f> {
    font: &'f Font<'f>,
    ops: String,
    used: BTreeMap<u16, char>,
    y: f32,
}

const LEFT: f32 = 56.0;
const RIGHT: f32 = 539.0;

impl Page<'_> {
    fn text_at(&mut self, x: f32, size: f32, s: &str) {
        let mut hex = String::with_capacity(s.len() * 4);
        for c in s.chars() {
            let g = self.font.glyph(c);
            self.used.entry(g).or_insert(c);
            let _ = write!(hex, "{g:04X}");
        }
        let _ = writeln!(self.ops, "BT /F1 {size} Tf {x:.1} {:.1} Td <{hex}> Tj ET", self.y);
    }

    fn line(&mut self, size: f32, s: &str) {
        self.text_at(LEFT, size, s);
        self.y -= size * 1.5;
    }

    fn centered(&mut self, size: f32, s: &str) {
        let x = (595.0 - self.font.text_width(s, size)) / 2.0;
        self.text_at(x.max(LEFT), size, s);
        self.y -= size * 1.6;
    }

    fn right(&mut self, size: f32, s: &str) {
        let x = RIGHT - self.font.text_width(s, size);
        self.text_at(x, size, s);
    }

    /// Words wrapped to the text width.
    fn wrapped(&mut self, size: f32, s: &str) {
        let mut current = String::new();
        for word in s.split_whitespace() {
            let candidate = if current.is_empty() { word.to_string() } else { format!("{current} {word}") };
            if self.font.text_width(&candidate, size) > RIGHT - LEFT && !current.is_empty() {
                self.line(size, &current);
                current = word.to_string();
            } else {
                current = candidate;
            }
        }
        if !current.is_empty() {
            self.line(size, &current);
        }
    }

    fn rule(&mut self) {
        let _ = writeln!(self.ops, "0.5 w {LEFT} {:.1} m {RIGHT} {:.1} l S", self.y + 6.0, self.y + 6.0);
        self.y -= 8.0;
    }
}

fn grouped(dong: i64) -> String {
    crate::money::Vnd::dong(dong.max(0)).grouped()
}

/// The receipt's page, drawn with `font`; `verify_url` is printed for anyone holding it.
pub fn render(receipt: &LegalReceipt, verify_url: &str, font: &Font<'_>) -> Vec<u8> {
    let mut p = Page { font, ops: String::new(), used: BTreeMap::new(), y: 790.0 };
    p.line(9.0, &receipt.collector.name.to_uppercase());
    p.line(9.0, &format!("Mã số thuế: {}", receipt.collector.tax_code));
    p.y -= 10.0;
    p.centered(16.0, "BIÊN LAI THU PHÍ, LỆ PHÍ");
    p.centered(10.0, "(Biên lai điện tử)");
    p.centered(10.0, &format!("Ký hiệu mẫu: {}   Ký hiệu: {}   Số: {}", receipt.form_symbol, receipt.symbol, receipt.number));
    p.y -= 6.0;
    p.line(11.0, &format!("Người nộp: {}", receipt.payer_name));
    p.line(11.0, &format!("Thời gian: {}", receipt.issued_at.replace('T', " ").trim_end_matches("+07:00")));
    p.y -= 4.0;
    p.rule();
    for item in &receipt.items {
        let kind = match item.kind {
            FeeKind::Phi => "Phí",
            FeeKind::LePhi => "Lệ phí",
        };
        p.right(11.0, &format!("{} đ", grouped(item.amount.as_dong())));
        // "Phí: ..." only where the line's name does not already say what it is.
        let named = item.name.to_lowercase().starts_with(&kind.to_lowercase());
        p.wrapped(11.0, &if named { item.name.clone() } else { format!("{kind}: {}", item.name) });
        p.wrapped(8.5, &format!("Nộp vào: {}", item.beneficiary));
        p.y -= 2.0;
    }
    p.rule();
    p.right(12.0, &format!("{} đ", grouped(receipt.amount.as_dong())));
    p.line(12.0, "Tổng cộng");
    p.wrapped(11.0, &format!("Số tiền bằng chữ: {}", receipt.amount_in_words));
    p.y -= 12.0;
    match &receipt.signature {
        SignatureState::Signed { by, at } => p.wrapped(10.0, &format!("Đã ký số bởi {by} lúc {at}")),
        SignatureState::Pending { reason } => p.wrapped(10.0, reason),
    }
    p.wrapped(9.0, &format!("Kiểm tra biên lai: {verify_url}"));
    pdf(&p, font)
}

fn pdf(p: &Page<'_>, font: &Font<'_>) -> Vec<u8> {
    let mut to_unicode = String::from(
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def \
         /CMapName /Adobe-Identity-UCS def /CMapType 2 def 1 begincodespacerange <0000> <FFFF> endcodespacerange\n",
    );
    let used: Vec<(&u16, &char)> = p.used.iter().collect();
    for chunk in used.chunks(100) {
        let _ = writeln!(to_unicode, "{} beginbfchar", chunk.len());
        for (g, c) in chunk {
            let mut units = [0u16; 2];
            let hex: String = c.encode_utf16(&mut units).iter().map(|u| format!("{u:04X}")).collect();
            let _ = writeln!(to_unicode, "<{g:04X}> <{hex}>");
        }
        to_unicode.push_str("endbfchar\n");
    }
    to_unicode.push_str("endcmap CMapName currentdict /CMap defineresource pop end end\n");
    let widths: String = p.used.keys().map(|g| format!("{g} [{}]", font.width(*g))).collect::<Vec<_>>().join(" ");
    let scale = |v: i16| v as i32 * 1000 / font.units_per_em.max(1) as i32;
    let [x0, y0, x1, y1] = font.bbox.map(scale);
    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 8 0 R >>".to_vec(),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /DejaVuSans /Encoding /Identity-H /DescendantFonts [5 0 R] /ToUnicode 9 0 R >>".to_vec(),
        format!(
            "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /DejaVuSans /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> \
             /FontDescriptor 6 0 R /CIDToGIDMap /Identity /W [{widths}] >>"
        )
        .into_bytes(),
        format!(
            "<< /Type /FontDescriptor /FontName /DejaVuSans /Flags 32 /FontBBox [{x0} {y0} {x1} {y1}] /ItalicAngle 0 /Ascent {} /Descent {} \
             /CapHeight {} /StemV 80 /FontFile2 7 0 R >>",
            scale(font.ascent),
            scale(font.descent),
            scale(font.ascent)
        )
        .into_bytes(),
        stream(&format!("/Length1 {}", font.data.len()), font.data),
        stream("", p.ops.as_bytes()),
        stream("", to_unicode.as_bytes()),
    ];
    let mut out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend(body);
        out.extend(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend(format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes());
    out
}

fn stream(extra: &str, data: &[u8]) -> Vec<u8> {
    let mut s = format!("<< /Length {} {extra} >>\nstream\n", data.len()).into_bytes();
    s.extend(data);
    s.extend(b"\nendstream");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::money::Vnd;
    use crate::receipt::{Collector, ReceiptItem, ReceiptNo, ReceiptSeries};

    /// DejaVu Sans from the npm tools `make` installs (the font the Worker serves).
    fn dejavu() -> Vec<u8> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf");
        std::fs::read(path).expect("DejaVuSans.ttf: run `make tools` (npm) first")
    }

    #[test]
    fn every_vietnamese_letter_has_a_glyph_and_the_pdf_is_well_formed() {
        let data = dejavu();
        let font = Font::parse(&data).unwrap();
        for c in "ĂÂĐÊÔƠƯăâđêôơưÁÀẢÃẠẮẰẲẴẶẤẦẨẪẬÉÈẺẼẸẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌỐỒỔỖỘỚỜỞỠỢÚÙỦŨỤỨỪỬỮỰÝỲỶỸỴáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ".chars() {
            assert_ne!(font.glyph(c), 0, "{c}");
        }
        let items = vec![
            ReceiptItem { name: "Phí chứng thực bản sao".into(), kind: FeeKind::Phi, amount: Vnd::dong(5_000), beneficiary: "UBND xã Ngọc Kỳ (970415/371300011089)".into() },
            ReceiptItem { name: "Lệ phí cấp giấy xác nhận".into(), kind: FeeKind::LePhi, amount: Vnd::dong(10_000), beneficiary: "Kho bạc Nhà nước Tứ Kỳ".into() },
        ];
        let receipt = LegalReceipt::issue(
            &ReceiptSeries::default_for_year(2026),
            ReceiptNo::new(42).unwrap(),
            Collector { name: "UBND xã Ngọc Kỳ".into(), tax_code: "0800011089".into() },
            "Trần Thị Bình",
            items,
            time::macros::datetime!(2026-12-06 03:00 UTC),
        )
        .unwrap();
        let pdf = render(&receipt, "https://motcua.example/bien-lai/abc", &font);
        assert!(pdf.starts_with(b"%PDF-1.7"));
        if let Ok(out) = std::env::var("RECEIPT_PDF_OUT") {
            std::fs::write(out, &pdf).unwrap();
        }
        let text = String::from_utf8_lossy(&pdf);
        // Every xref offset points at its object.
        let tail = std::str::from_utf8(&pdf[pdf.len() - 64..]).unwrap();
        let xref_at: usize = tail.rsplit("startxref\n").next().unwrap().lines().next().unwrap().parse().unwrap();
        let xref = std::str::from_utf8(&pdf[xref_at..]).unwrap();
        let entries: Vec<usize> = xref.lines().skip(3).take(9).map(|l| l[..10].parse().unwrap()).collect();
        for (i, at) in entries.iter().enumerate() {
            assert!(pdf[*at..].starts_with(format!("{} 0 obj", i + 1).as_bytes()), "object {}", i + 1);
        }
        // The text can be read back with its diacritics: "ờ" (U+1EDD) and "đ" are in ToUnicode.
        assert!(text.contains(&format!("<{:04X}> <1EDD>", font.glyph('ờ'))));
        assert!(text.contains(&format!("<{:04X}> <0111>", font.glyph('đ'))));
        assert!(text.contains("/FontFile2 7 0 R") && text.contains(&format!("/Length1 {}", data.len())));
        // The number, symbols and the amount in words are drawn (as glyph runs of the font).
        let run = |s: &str| s.chars().map(|c| format!("{:04X}", font.glyph(c))).collect::<String>();
        for shown in ["Số: 0000042", "Mười lăm nghìn đồng", "0800011089", "15.000 đ"] {
            assert!(text.contains(&run(shown)), "{shown} is drawn");
        }
    }

    #[test]
    fn a_font_that_is_not_truetype_is_refused() {
        assert!(Font::parse(b"not a font").is_err());
        assert!(Font::parse(&[0u8; 64]).is_err());
    }
}
