//! Writing small PDF files by hand: a classic file (objects numbered from 1, the first is the
//! catalog, a cross-reference table) and the objects of a subset TrueType font whose text is
//! written as glyph ids (Type0 → CIDFontType2 with Identity-H and CIDToGIDMap /Identity), with a
//! ToUnicode map so the text can be searched and copied with its diacritics. Used by the receipt
//! (`receipt_pdf`) and by the signing Worker (its verification page and wrapped JPEG scans).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use crate::truetype::{Font, FontError};

/// A whole PDF 1.7 file of `objects` (object `i + 1` is `objects[i]`; the first is the catalog).
pub fn file(objects: &[Vec<u8>]) -> Vec<u8> {
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

/// An uncompressed stream object's body; `extra` (e.g. `" /Length1 123"`) goes into its dictionary.
pub fn stream(extra: &str, data: &[u8]) -> Vec<u8> {
    let mut s = format!("<< /Length {}{extra} >>\nstream\n", data.len()).into_bytes();
    s.extend(data);
    s.extend(b"\nendstream");
    s
}

/// The five objects of a font used as `/F1`, numbered from `first`: Type0, CIDFontType2, font
/// descriptor, the subset's file and the ToUnicode map. `used` maps each glyph drawn to the
/// character it shows; `stream` writes a stream object (compressed or not, the caller's choice).
pub fn font_objects(font: &Font<'_>, used: &BTreeMap<u16, char>, first: u32, stream: impl Fn(&str, &[u8]) -> Vec<u8>) -> Result<Vec<Vec<u8>>, FontError> {
    let glyphs: BTreeSet<u16> = used.keys().copied().collect();
    let subset = font.subset(&glyphs)?;
    // The subset tag (six capitals) is derived from the glyphs kept, as PDF 9.6.4 asks.
    let h = Sha256::digest(glyphs.iter().flat_map(|g| g.to_be_bytes()).collect::<Vec<_>>());
    let tag: String = h.iter().take(6).map(|b| (b'A' + b % 26) as char).collect();
    let base = format!("{tag}+{}", font.postscript_name());
    let (cid, descriptor, file, to_unicode) = (first + 1, first + 2, first + 3, first + 4);
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def \
         /CMapName /Adobe-Identity-UCS def /CMapType 2 def 1 begincodespacerange <0000> <FFFF> endcodespacerange\n",
    );
    let pairs: Vec<(&u16, &char)> = used.iter().collect();
    for chunk in pairs.chunks(100) {
        let _ = writeln!(cmap, "{} beginbfchar", chunk.len());
        for (g, c) in chunk {
            let mut units = [0u16; 2];
            let hex: String = c.encode_utf16(&mut units).iter().map(|u| format!("{u:04X}")).collect();
            let _ = writeln!(cmap, "<{g:04X}> <{hex}>");
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap CMapName currentdict /CMap defineresource pop end end\n");
    let widths: String = glyphs.iter().map(|g| format!("{g} [{}]", font.width(*g))).collect::<Vec<_>>().join(" ");
    let [x0, y0, x1, y1] = font.bbox.map(|v| font.scale(v));
    Ok(vec![
        format!("<< /Type /Font /Subtype /Type0 /BaseFont /{base} /Encoding /Identity-H /DescendantFonts [{cid} 0 R] /ToUnicode {to_unicode} 0 R >>")
            .into_bytes(),
        format!(
            "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{base} /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> \
             /FontDescriptor {descriptor} 0 R /CIDToGIDMap /Identity /W [{widths}] >>"
        )
        .into_bytes(),
        format!(
            "<< /Type /FontDescriptor /FontName /{base} /Flags 32 /FontBBox [{x0} {y0} {x1} {y1}] /ItalicAngle 0 /Ascent {} /Descent {} \
             /CapHeight {} /StemV 80 /FontFile2 {file} 0 R >>",
            font.scale(font.ascent),
            font.scale(font.descent),
            font.scale(font.ascent)
        )
        .into_bytes(),
        stream(&format!(" /Length1 {}", subset.len()), &subset),
        stream("", cmap.as_bytes()),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_object_is_where_the_cross_reference_table_says() {
        let objects = vec![b"<< /Type /Catalog >>".to_vec(), stream("", b"BT ET"), b"(x)".to_vec()];
        let pdf = file(&objects);
        // The header's second line is binary (as PDF 7.5.2 advises); everything after is ASCII.
        let tail = std::str::from_utf8(&pdf[pdf.len() - 40..]).unwrap();
        let xref_at: usize = tail.rsplit("startxref\n").next().unwrap().lines().next().unwrap().parse().unwrap();
        let xref = std::str::from_utf8(&pdf[xref_at..]).unwrap();
        let entries: Vec<usize> = xref.lines().skip(3).take(3).map(|l| l[..10].parse().unwrap()).collect();
        for (i, at) in entries.iter().enumerate() {
            assert!(pdf[*at..].starts_with(format!("{} 0 obj", i + 1).as_bytes()), "object {}", i + 1);
        }
        assert!(xref.contains("/Size 4 /Root 1 0 R") && xref.ends_with("%%EOF\n"));
        let body = std::str::from_utf8(&pdf[entries[1]..xref_at]).unwrap();
        assert!(body.contains("<< /Length 5 >>\nstream\nBT ET\nendstream"));
    }
}
