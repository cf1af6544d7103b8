//! A legal receipt ([`LegalReceipt`]) as a one-page A4 PDF. Vietnamese needs a Unicode font, so
//! the caller passes a TrueType font (the Worker serves DejaVu Sans from its static assets), of
//! which only the glyphs drawn are embedded (`pdf_write::font_objects`: a few tens of KB instead
//! of the font's ~760 KB, which a citizen on a phone would download with every receipt); a
//! ToUnicode map keeps the text searchable and copyable with its diacritics. No compression:
//! simple to check, drawn identically by every reader. Unsigned: the collector's digital
//! signature (PAdES) is added by the signing service.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::fee::FeeKind;
use crate::pdf_write;
use crate::receipt::{LegalReceipt, SignatureState};
pub use crate::truetype::{Font, FontError};

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
            // A character the font lacks is drawn as its .notdef box; the record keeps the text.
            let g = self.font.glyph(c).unwrap_or(0);
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
/// The receipt's PDF; an error only for a font whose glyphs cannot be read back for its subset.
pub fn render(receipt: &LegalReceipt, verify_url: &str, font: &Font<'_>) -> Result<Vec<u8>, FontError> {
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

fn pdf(p: &Page<'_>, font: &Font<'_>) -> Result<Vec<u8>, FontError> {
    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 9 0 R >>".to_vec(),
    ];
    objects.extend(pdf_write::font_objects(font, &p.used, 4, pdf_write::stream)?);
    objects.push(pdf_write::stream("", p.ops.as_bytes()));
    Ok(pdf_write::file(&objects))
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
            assert!(font.glyph(c).is_ok_and(|g| g != 0), "{c}");
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
        let pdf = render(&receipt, "https://motcua.example/bien-lai/abc", &font).unwrap();
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
        assert!(text.contains(&format!("<{:04X}> <1EDD>", font.glyph('ờ').unwrap())));
        assert!(text.contains(&format!("<{:04X}> <0111>", font.glyph('đ').unwrap())));
        // Only the glyphs drawn are embedded: the file is a small part of the font's size.
        assert!(text.contains("/FontFile2 7 0 R") && text.contains("/Contents 9 0 R"));
        assert!(pdf.len() < data.len() / 10, "{} bytes with a font of {}", pdf.len(), data.len());
        assert!(text.contains("+DejaVuSans /Encoding /Identity-H"), "the subset is tagged and named");
        // The number, symbols and the amount in words are drawn (as glyph runs of the font).
        let run = |s: &str| s.chars().map(|c| format!("{:04X}", font.glyph(c).unwrap())).collect::<String>();
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
