//! A TrueType font for the PDFs motcua draws (the receipt, the signed documents' verification
//! page): glyph ids by character, advance widths and metrics, and a subset with only the glyphs
//! drawn. Vietnamese needs a Unicode font (the Worker serves DejaVu Sans, ~757 KB); embedding it
//! whole would make every file that large, so only the glyphs drawn are kept, plus the components
//! of composite glyphs (DejaVu builds many Vietnamese letters from a base letter and its marks).
//! Glyph ids are kept as they are (text is written in glyph ids through Identity-H with
//! CIDToGIDMap /Identity); the glyphs after the last one used are cut off and every other glyph
//! not used becomes empty.

use std::collections::{BTreeMap, BTreeSet};

/// Why a font cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FontError {
    #[error("not a usable TrueType font: {0}")]
    Unusable(&'static str),
    #[error("the font has no glyph for {0:?}")]
    MissingGlyph(char),
}

pub struct Font<'a> {
    data: &'a [u8],
    tables: BTreeMap<[u8; 4], (usize, usize)>,
    cmap: BTreeMap<u32, u16>,
    widths: Vec<u16>,
    num_glyphs: usize,
    long_loca: bool,
    pub units_per_em: u16,
    pub bbox: [i16; 4],
    pub ascent: i16,
    pub descent: i16,
}

const TRUNCATED: FontError = FontError::Unusable("truncated");

fn u16_at(d: &[u8], at: usize) -> Result<u16, FontError> {
    d.get(at..at + 2).map(|b| u16::from_be_bytes([b[0], b[1]])).ok_or(TRUNCATED)
}

fn u32_at(d: &[u8], at: usize) -> Result<u32, FontError> {
    d.get(at..at + 4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]])).ok_or(TRUNCATED)
}

impl<'a> Font<'a> {
    pub fn parse(data: &'a [u8]) -> Result<Font<'a>, FontError> {
        let version = u32_at(data, 0)?;
        if version != 0x0001_0000 && version != u32::from_be_bytes(*b"true") {
            return Err(FontError::Unusable("not a TrueType font"));
        }
        let mut tables = BTreeMap::new();
        for i in 0..u16_at(data, 4)? as usize {
            let rec = 12 + 16 * i;
            let tag: [u8; 4] = data.get(rec..rec + 4).ok_or(TRUNCATED)?.try_into().map_err(|_| TRUNCATED)?;
            let (offset, length) = (u32_at(data, rec + 8)? as usize, u32_at(data, rec + 12)? as usize);
            if offset.checked_add(length).is_none_or(|end| end > data.len()) {
                return Err(TRUNCATED);
            }
            tables.insert(tag, (offset, length));
        }
        let table = |tag: &[u8; 4]| tables.get(tag).map(|t| t.0).ok_or(FontError::Unusable("a required table is missing"));
        let head = table(b"head")?;
        let units_per_em = u16_at(data, head + 18)?;
        let mut bbox = [0i16; 4];
        for (i, b) in bbox.iter_mut().enumerate() {
            *b = u16_at(data, head + 36 + 2 * i)? as i16;
        }
        let long_loca = u16_at(data, head + 50)? == 1;
        let hhea = table(b"hhea")?;
        let (ascent, descent) = (u16_at(data, hhea + 4)? as i16, u16_at(data, hhea + 6)? as i16);
        let metrics = u16_at(data, hhea + 34)? as usize;
        let num_glyphs = u16_at(data, table(b"maxp")? + 4)? as usize;
        table(b"loca")?;
        table(b"glyf")?;
        let hmtx = table(b"hmtx")?;
        if metrics == 0 || metrics > num_glyphs {
            return Err(FontError::Unusable("bad horizontal metrics"));
        }
        let widths = (0..metrics).map(|i| u16_at(data, hmtx + 4 * i)).collect::<Result<Vec<_>, _>>()?;
        let cmap = Self::read_cmap(data, table(b"cmap")?)?;
        Ok(Font { data, tables, cmap, widths, num_glyphs, long_loca, units_per_em, bbox, ascent, descent })
    }

    /// The Unicode BMP subtable (platform 3, encoding 1, format 4): every Vietnamese letter.
    fn read_cmap(data: &[u8], cmap: usize) -> Result<BTreeMap<u32, u16>, FontError> {
        let mut sub = None;
        for i in 0..u16_at(data, cmap + 2)? as usize {
            let rec = cmap + 4 + 8 * i;
            if u16_at(data, rec)? == 3 && u16_at(data, rec + 2)? == 1 {
                sub = Some(cmap + u32_at(data, rec + 4)? as usize);
            }
        }
        let sub = sub.ok_or(FontError::Unusable("no Unicode cmap"))?;
        if u16_at(data, sub)? != 4 {
            return Err(FontError::Unusable("the Unicode cmap is not format 4"));
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
                    match u16_at(data, offsets + 2 * s + range + 2 * (c - start) as usize)? {
                        0 => 0,
                        g => g.wrapping_add(delta),
                    }
                };
                if gid != 0 {
                    map.insert(c, gid);
                }
            }
        }
        Ok(map)
    }

    /// The glyph drawing `c`, or `MissingGlyph` (a page with an empty box would mislead).
    pub fn glyph(&self, c: char) -> Result<u16, FontError> {
        match self.cmap.get(&(c as u32)) {
            Some(&g) if (g as usize) < self.num_glyphs => Ok(g),
            _ => Err(FontError::MissingGlyph(c)),
        }
    }

    /// Advance width in thousandths of the font size (PDF glyph space).
    pub fn width(&self, gid: u16) -> u32 {
        let w = self.widths.get(gid as usize).or(self.widths.last()).copied().unwrap_or(0) as u32;
        w * 1000 / self.units_per_em.max(1) as u32
    }

    pub fn text_width(&self, s: &str, size: f32) -> f32 {
        s.chars().map(|c| self.glyph(c).map(|g| self.width(g)).unwrap_or(0) as f32).sum::<f32>() * size / 1000.0
    }

    pub fn scale(&self, v: i16) -> i32 {
        v as i32 * 1000 / self.units_per_em.max(1) as i32
    }

    /// The font's PostScript name (name id 6, Macintosh Roman), for a PDF's /BaseFont; "Font"
    /// when it has none.
    pub fn postscript_name(&self) -> String {
        let read = || -> Option<String> {
            let t = self.table(b"name")?;
            let (count, strings) = (u16_at(t, 2).ok()? as usize, u16_at(t, 4).ok()? as usize);
            for i in 0..count {
                let rec = 6 + 12 * i;
                if u16_at(t, rec + 6).ok()? == 6 && u16_at(t, rec).ok()? == 1 {
                    let (len, off) = (u16_at(t, rec + 8).ok()? as usize, u16_at(t, rec + 10).ok()? as usize);
                    let bytes = t.get(strings + off..strings + off + len)?;
                    let name: String = bytes.iter().map(|&b| b as char).filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
                    return (!name.is_empty()).then_some(name);
                }
            }
            None
        };
        read().unwrap_or_else(|| "Font".into())
    }

    fn table(&self, tag: &[u8; 4]) -> Option<&'a [u8]> {
        self.tables.get(tag).map(|&(o, l)| &self.data[o..o + l])
    }

    /// The bytes of glyph `gid` in `glyf` (empty for a glyph without outline).
    fn glyph_data(&self, gid: u16) -> Result<&'a [u8], FontError> {
        let (loca, glyf) = (self.table(b"loca").ok_or(TRUNCATED)?, self.table(b"glyf").ok_or(TRUNCATED)?);
        let g = gid as usize;
        let (start, end) = if self.long_loca {
            (u32_at(loca, 4 * g)? as usize, u32_at(loca, 4 * g + 4)? as usize)
        } else {
            (2 * u16_at(loca, 2 * g)? as usize, 2 * u16_at(loca, 2 * g + 2)? as usize)
        };
        glyf.get(start..end).ok_or(TRUNCATED)
    }

    /// The glyphs a composite glyph is built from (none for a simple glyph).
    fn components(&self, gid: u16) -> Result<Vec<u16>, FontError> {
        let d = self.glyph_data(gid)?;
        if d.len() < 10 || (u16_at(d, 0)? as i16) >= 0 {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        let mut at = 10;
        loop {
            let flags = u16_at(d, at)?;
            out.push(u16_at(d, at + 2)?);
            at += 4 + if flags & 0x0001 != 0 { 4 } else { 2 };
            at += if flags & 0x0008 != 0 {
                2
            } else if flags & 0x0040 != 0 {
                4
            } else if flags & 0x0080 != 0 {
                8
            } else {
                0
            };
            if flags & 0x0020 == 0 {
                return Ok(out);
            }
        }
    }

    /// A TrueType font with only `used` glyphs (and .notdef and their components) kept, under
    /// their own ids: glyf, loca (long), hmtx, hhea, maxp, head and the hinting tables.
    pub fn subset(&self, used: &BTreeSet<u16>) -> Result<Vec<u8>, FontError> {
        let mut keep: BTreeSet<u16> = BTreeSet::new();
        let mut todo: Vec<u16> = used.iter().copied().chain([0]).collect();
        while let Some(g) = todo.pop() {
            if (g as usize) < self.num_glyphs && keep.insert(g) {
                todo.extend(self.components(g)?);
            }
        }
        let n = *keep.last().unwrap_or(&0) as usize + 1;
        let hmtx = self.table(b"hmtx").ok_or(TRUNCATED)?;
        let mut glyf = Vec::new();
        let mut loca = Vec::with_capacity(4 * (n + 1));
        let mut new_hmtx = Vec::with_capacity(4 * n);
        for g in 0..n {
            loca.extend((glyf.len() as u32).to_be_bytes());
            if keep.contains(&(g as u16)) {
                glyf.extend(self.glyph_data(g as u16)?);
                while glyf.len() % 4 != 0 {
                    glyf.push(0);
                }
                let advance = self.widths.get(g).or(self.widths.last()).copied().unwrap_or(0);
                let lsb = if g < self.widths.len() {
                    u16_at(hmtx, 4 * g + 2)?
                } else {
                    u16_at(hmtx, 4 * self.widths.len() + 2 * (g - self.widths.len()))?
                };
                new_hmtx.extend(advance.to_be_bytes());
                new_hmtx.extend(lsb.to_be_bytes());
            } else {
                new_hmtx.extend([0; 4]);
            }
        }
        loca.extend((glyf.len() as u32).to_be_bytes());
        let mut head = self.table(b"head").ok_or(TRUNCATED)?.to_vec();
        head.get_mut(8..12).ok_or(TRUNCATED)?.copy_from_slice(&[0; 4]);
        head.get_mut(50..52).ok_or(TRUNCATED)?.copy_from_slice(&1u16.to_be_bytes());
        let mut hhea = self.table(b"hhea").ok_or(TRUNCATED)?.to_vec();
        hhea.get_mut(34..36).ok_or(TRUNCATED)?.copy_from_slice(&(n as u16).to_be_bytes());
        let mut maxp = self.table(b"maxp").ok_or(TRUNCATED)?.to_vec();
        maxp.get_mut(4..6).ok_or(TRUNCATED)?.copy_from_slice(&(n as u16).to_be_bytes());
        let mut tables: Vec<([u8; 4], Vec<u8>)> = vec![
            (*b"glyf", glyf),
            (*b"head", head),
            (*b"hhea", hhea),
            (*b"hmtx", new_hmtx),
            (*b"loca", loca),
            (*b"maxp", maxp),
        ];
        for tag in [b"cvt ", b"fpgm", b"prep"] {
            if let Some(t) = self.table(tag) {
                tables.push((*tag, t.to_vec()));
            }
        }
        tables.sort_by_key(|t| t.0);
        Ok(assemble(tables))
    }
}

fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, c| {
        let mut word = [0u8; 4];
        word[..c.len()].copy_from_slice(c);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

/// A font file from its tables (sorted by tag), with checksums and head's checkSumAdjustment.
fn assemble(tables: Vec<([u8; 4], Vec<u8>)>) -> Vec<u8> {
    let count = tables.len() as u16;
    let entry_selector = 15 - count.leading_zeros() as u16;
    let search_range = (1u16 << entry_selector) * 16;
    let mut out = Vec::new();
    out.extend(0x0001_0000u32.to_be_bytes());
    for v in [count, search_range, entry_selector, count * 16 - search_range] {
        out.extend(v.to_be_bytes());
    }
    let mut offset = 12 + 16 * tables.len();
    let mut head_at = None;
    for (tag, data) in &tables {
        out.extend(tag);
        out.extend(checksum(data).to_be_bytes());
        out.extend((offset as u32).to_be_bytes());
        out.extend((data.len() as u32).to_be_bytes());
        if tag == b"head" {
            head_at = Some(offset);
        }
        offset += data.len().div_ceil(4) * 4;
    }
    for (_, data) in &tables {
        out.extend(data);
        out.resize(out.len().div_ceil(4) * 4, 0);
    }
    if let Some(at) = head_at {
        let adjustment = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out[at + 8..at + 12].copy_from_slice(&adjustment.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn dejavu() -> Vec<u8> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf");
        std::fs::read(path).expect("DejaVuSans.ttf: run `make tools` (npm) first")
    }

    const LINE: &str = "Bản sao điện tử được chứng thực từ bản chính — Ủy ban nhân dân xã Ngọc Kỳ, ỹ Ỹ ự ờ";

    #[test]
    fn the_subset_keeps_every_glyph_of_the_vietnamese_line_and_their_components() {
        let data = dejavu();
        let font = Font::parse(&data).unwrap();
        let used: BTreeSet<u16> = LINE.chars().map(|c| font.glyph(c).unwrap()).collect();
        // DejaVu draws some of these letters as composites: the subset must carry their parts.
        let composite_parts: BTreeSet<u16> = used.iter().flat_map(|g| font.components(*g).unwrap()).collect();
        assert!(!composite_parts.is_empty(), "the line has composite glyphs");
        let sub = font.subset(&used).unwrap();
        assert!(sub.len() < data.len() / 10, "subset {} bytes of {}", sub.len(), data.len());
        let small = Font::parse_subset(&sub).unwrap();
        for g in used.iter().chain(&composite_parts) {
            assert_eq!(small.glyph_data(*g).unwrap(), font.glyph_data(*g).unwrap(), "glyph {g}");
            assert!(!small.glyph_data(*g).unwrap().is_empty() || font.glyph_data(*g).unwrap().is_empty());
            assert_eq!(small.width(*g), font.width(*g));
        }
        // A glyph not used is empty; the checksum of the whole file is the magic number.
        let unused = font.glyph('Q').unwrap();
        assert!(!used.contains(&unused) && !composite_parts.contains(&unused));
        assert!(unused as usize >= small.num_glyphs || small.glyph_data(unused).unwrap().is_empty());
        assert_eq!(checksum(&sub), 0xB1B0_AFBA);
    }

    #[test]
    fn the_postscript_name_is_read_from_the_name_table() {
        let data = dejavu();
        assert_eq!(Font::parse(&data).unwrap().postscript_name(), "DejaVuSans");
    }

    #[test]
    fn garbage_is_not_a_font() {
        assert!(matches!(Font::parse(b"not a font"), Err(FontError::Unusable(_))));
        assert!(Font::parse(&[0u8; 64]).is_err());
        let mut cut = dejavu();
        cut.truncate(5000);
        assert!(Font::parse(&cut).is_err());
    }

    impl<'a> Font<'a> {
        /// A subset has no cmap: read it with the cmap of nothing.
        fn parse_subset(data: &'a [u8]) -> Result<Font<'a>, FontError> {
            let mut f = Font {
                data,
                tables: BTreeMap::new(),
                cmap: BTreeMap::new(),
                widths: Vec::new(),
                num_glyphs: 0,
                long_loca: true,
                units_per_em: 0,
                bbox: [0; 4],
                ascent: 0,
                descent: 0,
            };
            for i in 0..u16_at(data, 4)? as usize {
                let rec = 12 + 16 * i;
                let tag: [u8; 4] = data[rec..rec + 4].try_into().unwrap();
                f.tables.insert(tag, (u32_at(data, rec + 8)? as usize, u32_at(data, rec + 12)? as usize));
            }
            f.units_per_em = u16_at(f.table(b"head").unwrap(), 18)?;
            f.num_glyphs = u16_at(f.table(b"maxp").unwrap(), 4)? as usize;
            let metrics = u16_at(f.table(b"hhea").unwrap(), 34)? as usize;
            let hmtx = f.table(b"hmtx").unwrap();
            f.widths = (0..metrics).map(|i| u16_at(hmtx, 4 * i)).collect::<Result<_, _>>()?;
            Ok(f)
        }
    }
}
