//! Scans attached to a dossier: which files are accepted (JPEG, PNG, PDF, recognised by their
//! first bytes, never by the name or the declared type), how large they may be, and how a
//! download names the file. The functions store and serve; these rules decide.
//!
//! A large file may also go up in parts (R2 multipart), so a dropped connection resumes instead
//! of restarting: [`PartPlan`] says how many parts a file of a given size has, how large each
//! must be, and which are still missing.

use crate::validation::FieldError;

/// At most 20 MB a file.
pub const MAX_FILE_BYTES: u64 = 20 * 1024 * 1024;
/// At most 50 MB for all the scans of one dossier.
pub const MAX_DOSSIER_BYTES: u64 = 50 * 1024 * 1024;
/// Longest file name kept (characters).
pub const MAX_NAME: usize = 120;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Jpeg,
    Png,
    Pdf,
}

impl FileKind {
    pub fn mime(self) -> &'static str {
        match self {
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
            FileKind::Pdf => "application/pdf",
        }
    }
}

/// The kind of file these first bytes start, if it is one we accept.
pub fn sniff(head: &[u8]) -> Option<FileKind> {
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(FileKind::Jpeg)
    } else if head.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some(FileKind::Png)
    } else if head.starts_with(b"%PDF-") {
        Some(FileKind::Pdf)
    } else {
        None
    }
}

fn mb(bytes: u64) -> String {
    let tenths = (bytes * 10 + 512 * 1024) / (1024 * 1024);
    if tenths % 10 == 0 {
        format!("{}", tenths / 10)
    } else {
        format!("{},{}", tenths / 10, tenths % 10)
    }
}

/// The name to keep: the last path segment, without control characters, trimmed and shortened.
pub fn clean_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = crate::text_input::strip_invisible(last).chars().take(MAX_NAME).collect();
    let cleaned = cleaned.trim().to_string();
    if cleaned.is_empty() {
        "tep-dinh-kem".into()
    } else {
        cleaned
    }
}

/// Checks one file from its size and its bytes (the whole file, or its first part when it goes
/// up in parts: `size` tells which): the first bytes name the type, and the type's header must
/// decode ([`inspect`]). Errors are at `field` and name the file.
pub fn check_file(field: &str, name: &str, size: u64, bytes: &[u8]) -> Result<FileKind, FieldError> {
    if size == 0 {
        return Err(FieldError::new(field, "empty_file", format!("Tệp “{name}” rỗng."), format!("The file “{name}” is empty.")));
    }
    if size > MAX_FILE_BYTES {
        return Err(too_large(field, name, size));
    }
    let kind = sniff(bytes).ok_or_else(|| unsupported(field, name))?;
    inspect(kind, bytes, bytes.len() as u64 == size).map_err(|_| corrupt(field, name, kind))?;
    Ok(kind)
}

/// What a file's header says, once decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decoded {
    /// An image of this many pixels across and down (both above 0).
    Image { width: u32, height: u32 },
    /// A PDF of this version (`1.7` → `(1, 7)`).
    Pdf { major: u8, minor: u8 },
}

/// Why a header did not decode (for tests and logs; people see [`check_file`]'s message).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Corrupt {
    /// The bytes end before the header does.
    Truncated,
    /// A JPEG marker, PNG chunk or PDF header that is not what the format says.
    BadHeader,
    /// A width or height of 0 (or beyond what a scan can be).
    BadDimensions,
    /// A PNG header whose checksum does not match.
    BadChecksum,
    /// A whole PDF without `%%EOF` in its last 1 KiB.
    NoEof,
}

/// The largest width or height accepted (a 600 dpi A0 scan is about 28 000 pixels).
pub const MAX_SIDE: u32 = 40_000;

/// Decodes the header of a file of `kind`: for JPEG the markers up to the first frame header
/// (SOFn) and its dimensions, for PNG the IHDR chunk (length, dimensions, bit depth and colour
/// type, CRC), for PDF the `%PDF-1.x`/`%PDF-2.x` line and, when `whole` (these bytes are the
/// entire file), `%%EOF` in its last 1 KiB. A file whose magic bytes are followed by anything
/// else (an executable) does not decode. Never panics, whatever the bytes.
pub fn inspect(kind: FileKind, bytes: &[u8], whole: bool) -> Result<Decoded, Corrupt> {
    match kind {
        FileKind::Jpeg => jpeg_dimensions(bytes),
        FileKind::Png => png_dimensions(bytes),
        FileKind::Pdf => pdf_header(bytes, whole),
    }
}

fn be16(b: &[u8], at: usize) -> Result<usize, Corrupt> {
    b.get(at..at + 2).map(|s| usize::from(s[0]) << 8 | usize::from(s[1])).ok_or(Corrupt::Truncated)
}

fn be32(b: &[u8], at: usize) -> Result<u32, Corrupt> {
    b.get(at..at + 4).map(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]])).ok_or(Corrupt::Truncated)
}

fn image(width: u32, height: u32) -> Result<Decoded, Corrupt> {
    if width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE {
        return Err(Corrupt::BadDimensions);
    }
    Ok(Decoded::Image { width, height })
}

/// ITU T.81 B.1.1: after SOI (FF D8), segments `FF m len(2) data`; standalone markers (TEM,
/// RST0–7) have no length; fill bytes FF may precede a marker. The frame header SOFn (C0–CF
/// except DHT C4, JPG C8, DAC CC) holds precision (1), height (2), width (2), components (1).
fn jpeg_dimensions(b: &[u8]) -> Result<Decoded, Corrupt> {
    if !b.starts_with(&[0xFF, 0xD8]) {
        return Err(Corrupt::BadHeader);
    }
    let mut at = 2;
    loop {
        match b.get(at) {
            None => return Err(Corrupt::Truncated),
            Some(0xFF) => {}
            Some(_) => return Err(Corrupt::BadHeader),
        }
        while b.get(at) == Some(&0xFF) {
            at += 1;
        }
        let marker = *b.get(at).ok_or(Corrupt::Truncated)?;
        at += 1;
        match marker {
            0x01 | 0xD0..=0xD7 => continue,
            // Image data or the end before any frame header; 00 is no marker.
            0x00 | 0xD8 | 0xD9 | 0xDA => return Err(Corrupt::BadHeader),
            _ => {}
        }
        let len = be16(b, at)?;
        if len < 2 {
            return Err(Corrupt::BadHeader);
        }
        if matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
            if len < 8 {
                return Err(Corrupt::BadHeader);
            }
            let height = be16(b, at + 3)? as u32;
            let width = be16(b, at + 5)? as u32;
            let components = *b.get(at + 7).ok_or(Corrupt::Truncated)?;
            if !matches!(components, 1 | 3 | 4) || len != 8 + 3 * usize::from(components) {
                return Err(Corrupt::BadHeader);
            }
            return image(width, height);
        }
        // Only APPn, COM, DQT, DHT, DRI, DAC and the like may come before the frame header.
        if !matches!(marker, 0xC4 | 0xCC | 0xDB | 0xDD | 0xE0..=0xEF | 0xFE) {
            return Err(Corrupt::BadHeader);
        }
        at += len;
    }
}

/// PNG (ISO/IEC 15948): the signature, then the IHDR chunk first: length 13, type `IHDR`,
/// width and height (1 to 2³¹−1), bit depth and colour type of a valid pair, compression,
/// filter and interlace methods, and the chunk's CRC-32.
fn png_dimensions(b: &[u8]) -> Result<Decoded, Corrupt> {
    if b.len() < 33 {
        return Err(Corrupt::Truncated);
    }
    if be32(b, 8)? != 13 || &b[12..16] != b"IHDR" {
        return Err(Corrupt::BadHeader);
    }
    let (width, height) = (be32(b, 16)?, be32(b, 20)?);
    let (depth, colour) = (b[24], b[25]);
    let valid = match colour {
        0 => matches!(depth, 1 | 2 | 4 | 8 | 16),
        3 => matches!(depth, 1 | 2 | 4 | 8),
        2 | 4 | 6 => matches!(depth, 8 | 16),
        _ => false,
    };
    if !valid || b[26] != 0 || b[27] != 0 || b[28] > 1 {
        return Err(Corrupt::BadHeader);
    }
    if crc32(&b[12..29]) != be32(b, 29)? {
        return Err(Corrupt::BadChecksum);
    }
    image(width, height)
}

/// CRC-32 (ISO 3309, as PNG uses it), bit by bit: it only ever runs over 17 bytes.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// `%PDF-1.0` … `%PDF-1.7` or `%PDF-2.0`, and for a whole file `%%EOF` in its last 1 KiB (ISO
/// 32000-1 7.5.5; readers look that far).
fn pdf_header(b: &[u8], whole: bool) -> Result<Decoded, Corrupt> {
    let head = b.get(..8).ok_or(Corrupt::Truncated)?;
    let (major, minor) = (head[5], head[7]);
    if &head[..5] != b"%PDF-" || head[6] != b'.' || !matches!(major, b'1' | b'2') || !minor.is_ascii_digit() {
        return Err(Corrupt::BadHeader);
    }
    if whole {
        let tail = &b[b.len().saturating_sub(1024)..];
        if !tail.windows(5).any(|w| w == b"%%EOF") {
            return Err(Corrupt::NoEof);
        }
    }
    Ok(Decoded::Pdf { major: major - b'0', minor: minor - b'0' })
}

/// The end of a PDF that went up in parts: `%%EOF` in its last 1 KiB.
pub fn check_pdf_tail(field: &str, name: &str, tail: &[u8]) -> Result<(), FieldError> {
    let tail = &tail[tail.len().saturating_sub(1024)..];
    if tail.windows(5).any(|w| w == b"%%EOF") {
        Ok(())
    } else {
        Err(corrupt(field, name, FileKind::Pdf))
    }
}

fn corrupt(field: &str, name: &str, kind: FileKind) -> FieldError {
    let (vi, en) = match kind {
        FileKind::Jpeg => ("ảnh JPEG", "JPEG image"),
        FileKind::Png => ("ảnh PNG", "PNG image"),
        FileKind::Pdf => ("tệp PDF", "PDF file"),
    };
    FieldError::new(
        field,
        "corrupt_file",
        format!("Tệp “{name}” không phải {vi} hợp lệ (hỏng hoặc chỉ giả dạng {vi}). Vui lòng chụp hoặc quét lại."),
        format!("The file “{name}” is not a valid {en} (damaged, or only disguised as one)."),
    )
}

/// The error for a file over [`MAX_FILE_BYTES`] (also used before the body is read).
pub fn too_large(field: &str, name: &str, size: u64) -> FieldError {
    FieldError::new(
        field,
        "file_too_large",
        format!("Tệp “{name}” có dung lượng {} MB, vượt quá mức tối đa {} MB cho mỗi tệp.", mb(size), mb(MAX_FILE_BYTES)),
        format!("The file “{name}” is {} MB, over the {} MB limit per file.", mb(size), mb(MAX_FILE_BYTES)),
    )
}

/// Checks that the files of one dossier (sizes in the form's order) fit in [`MAX_DOSSIER_BYTES`];
/// the error names the first file that goes over (`files[i]`).
pub fn check_total(names_and_sizes: &[(String, u64)]) -> Result<(), FieldError> {
    let mut total = 0u64;
    for (i, (name, size)) in names_and_sizes.iter().enumerate() {
        total += size;
        if total > MAX_DOSSIER_BYTES {
            return Err(FieldError::new(
                format!("files[{i}]"),
                "dossier_too_large",
                format!("Thêm tệp “{name}” thì hồ sơ vượt quá {} MB tổng dung lượng tệp đính kèm.", mb(MAX_DOSSIER_BYTES)),
                format!("With “{name}” the dossier's attachments exceed {} MB in total.", mb(MAX_DOSSIER_BYTES)),
            ));
        }
    }
    Ok(())
}

/// Size of every part of a multipart upload but the last. R2 needs at least 5 MiB for each part
/// but the last, and a part is also what a retry resends, so it is kept at that minimum.
pub const PART_BYTES: u64 = 5 * 1024 * 1024;

/// The type a client announces when it starts a multipart upload; only the three we accept.
/// The first bytes of part 1 still decide the type kept.
pub fn check_declared_type(field: &str, name: &str, content_type: &str) -> Result<FileKind, FieldError> {
    match content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase().as_str() {
        "image/jpeg" => Ok(FileKind::Jpeg),
        "image/png" => Ok(FileKind::Png),
        "application/pdf" => Ok(FileKind::Pdf),
        _ => Err(unsupported(field, name)),
    }
}

fn unsupported(field: &str, name: &str) -> FieldError {
    FieldError::new(
        field,
        "unsupported_type",
        format!("Tệp “{name}” không phải ảnh JPEG, PNG hoặc tệp PDF. Vui lòng chọn ảnh chụp hoặc bản quét."),
        format!("The file “{name}” is not a JPEG, PNG or PDF."),
    )
}

/// Whether a refusal with this error code is about the file itself (its type, its bytes, its
/// size): sending the same file again is refused again, so the form offers another file instead
/// of a retry. A dropped connection, a lost part or a busy server are worth retrying.
pub fn refuses_the_file(code: &str) -> bool {
    matches!(code, "unsupported_type" | "corrupt_file" | "empty_file" | "file_too_large")
}

/// How a file of `size` bytes is cut into parts numbered from 1: every part [`PART_BYTES`] long
/// except the last, which holds the rest (1 to [`PART_BYTES`] bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartPlan {
    size: u64,
    part_size: u64,
}

impl PartPlan {
    /// The plan for a file the client announces; refuses an empty file and one over
    /// [`MAX_FILE_BYTES`] with the same errors as a whole upload.
    pub fn new(field: &str, name: &str, size: u64) -> Result<PartPlan, FieldError> {
        if size == 0 {
            return Err(FieldError::new(field, "empty_file", format!("Tệp “{name}” rỗng."), format!("The file “{name}” is empty.")));
        }
        if size > MAX_FILE_BYTES {
            return Err(too_large(field, name, size));
        }
        Ok(PartPlan { size, part_size: PART_BYTES })
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    pub fn part_size(&self) -> u64 {
        self.part_size
    }

    /// How many parts (at least 1).
    pub fn parts(&self) -> u32 {
        self.size.div_ceil(self.part_size) as u32
    }

    /// The exact length part `n` must have, or `None` when the file has no part `n`.
    pub fn expected_len(&self, n: u32) -> Option<u64> {
        if n == 0 || n > self.parts() {
            return None;
        }
        let start = (n as u64 - 1) * self.part_size;
        Some((self.size - start).min(self.part_size))
    }

    /// Checks part `n` of the file `name` before it is stored: it must exist in the plan and
    /// have exactly its planned length.
    pub fn check_part(&self, field: &str, name: &str, n: u32, len: u64) -> Result<(), FieldError> {
        let parts = self.parts();
        let Some(expected) = self.expected_len(n) else {
            return Err(FieldError::new(
                field,
                "no_such_part",
                format!("Tệp “{name}” chỉ có {parts} phần; không có phần số {n}."),
                format!("The file “{name}” has {parts} part(s); there is no part {n}."),
            ));
        };
        if len != expected {
            return Err(FieldError::new(
                field,
                "wrong_part_size",
                format!("Phần {n} của tệp “{name}” phải dài {expected} byte nhưng nhận được {len} byte. Vui lòng thử lại."),
                format!("Part {n} of the file “{name}” must be {expected} bytes long, got {len}."),
            ));
        }
        Ok(())
    }

    /// The part numbers not yet received, in order (`have` may hold duplicates and numbers
    /// outside the plan; they are ignored).
    pub fn missing(&self, have: &[u32]) -> Vec<u32> {
        (1..=self.parts()).filter(|n| !have.contains(n)).collect()
    }

    /// Checks that every part arrived before the file is put together; the error lists the
    /// missing parts.
    pub fn check_complete(&self, field: &str, name: &str, have: &[u32]) -> Result<(), FieldError> {
        let missing = self.missing(have);
        if missing.is_empty() {
            return Ok(());
        }
        let list = missing.iter().map(u32::to_string).collect::<Vec<_>>().join(", ");
        Err(FieldError::new(
            field,
            "missing_parts",
            format!("Tệp “{name}” chưa tải lên đủ: còn thiếu phần {list} (trên {} phần). Vui lòng bấm “Thử lại”.", self.parts()),
            format!("The file “{name}” is incomplete: part(s) {list} of {} are missing.", self.parts()),
        ))
    }
}

/// `Content-Disposition` for a download: always `attachment`, an ASCII fallback name and the
/// real name percent-encoded (RFC 6266 / RFC 5987).
pub fn content_disposition(name: &str) -> String {
    let ascii: String = crate::text::fold(name)
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' })
        .collect();
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_') {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const JPEG: &[u8] = include_bytes!("../../tests/fixtures/minimal.jpg");
    const PNG: &[u8] = include_bytes!("../../tests/fixtures/minimal.png");
    const PDF: &[u8] = include_bytes!("../../tests/fixtures/minimal.pdf");

    fn whole(name: &str, bytes: &[u8]) -> Result<FileKind, FieldError> {
        check_file("file", name, bytes.len() as u64, bytes)
    }

    #[test]
    fn real_minimal_files_decode() {
        assert_eq!(inspect(FileKind::Jpeg, JPEG, true), Ok(Decoded::Image { width: 1, height: 1 }));
        assert_eq!(inspect(FileKind::Png, PNG, true), Ok(Decoded::Image { width: 1, height: 1 }));
        assert_eq!(inspect(FileKind::Pdf, PDF, true), Ok(Decoded::Pdf { major: 1, minor: 4 }));
        assert_eq!(whole("a.jpg", JPEG), Ok(FileKind::Jpeg));
        assert_eq!(whole("a.png", PNG), Ok(FileKind::Png));
        assert_eq!(whole("a.pdf", PDF), Ok(FileKind::Pdf));
    }

    #[test]
    fn magic_bytes_followed_by_an_executable_are_refused() {
        let mut exe = vec![0xFF, 0xD8, 0xFF];
        exe.extend_from_slice(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xFF\xFF\x00\x00This program cannot be run in DOS mode");
        let e = whole("cccd.jpg", &exe).unwrap_err();
        assert_eq!((e.field.as_str(), e.code.as_str()), ("file", "corrupt_file"));
        assert!(e.message_vi.contains("cccd.jpg") && e.message_vi.contains("JPEG"), "{}", e.message_vi);
        // A JFIF header, then the executable instead of a frame header.
        let mut exe = JPEG[..20].to_vec();
        exe.extend_from_slice(b"MZ\x90\x00 executable");
        assert_eq!(inspect(FileKind::Jpeg, &exe, true), Err(Corrupt::BadHeader));
        // A PNG signature then junk; a PNG with a wrong CRC or a 0 × 1 image.
        let mut junk = PNG[..8].to_vec();
        junk.extend_from_slice(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xFF\xFF\x00\x00\xb8\x00\x00\x00\x00\x00\x00\x00\x40\x00");
        assert_eq!(whole("a.png", &junk).unwrap_err().code, "corrupt_file");
        let mut bad_crc = PNG.to_vec();
        bad_crc[30] ^= 1;
        assert_eq!(inspect(FileKind::Png, &bad_crc, true), Err(Corrupt::BadChecksum));
        let mut zero = PNG.to_vec();
        zero[19] = 0;
        assert!(inspect(FileKind::Png, &zero, true).is_err());
        // A JPEG frame of 0 pixels down.
        let sof = JPEG.windows(2).position(|w| w == [0xFF, 0xC9]).unwrap();
        let mut flat = JPEG.to_vec();
        flat[sof + 6] = 0;
        assert_eq!(inspect(FileKind::Jpeg, &flat, true), Err(Corrupt::BadDimensions));
    }

    #[test]
    fn a_pdf_needs_its_version_and_its_end() {
        assert_eq!(whole("a.pdf", b"%PDF-MZ\x90\x00").unwrap_err().code, "corrupt_file");
        assert_eq!(inspect(FileKind::Pdf, b"%PDF-1.7\nMZ\x90 no end", true), Err(Corrupt::NoEof));
        // Part 1 of a larger file: the end is checked when the parts are put together.
        assert_eq!(check_file("file", "a.pdf", 10 * 1024 * 1024, b"%PDF-1.7\nstream"), Ok(FileKind::Pdf));
        assert!(check_pdf_tail("file", "a.pdf", PDF).is_ok());
        let mut far = PDF.to_vec();
        far.extend(std::iter::repeat_n(b' ', 2000));
        assert_eq!(check_pdf_tail("file", "a.pdf", &far).unwrap_err().code, "corrupt_file");
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300), size in 0u64..=2 * MAX_FILE_BYTES) {
            for kind in [FileKind::Jpeg, FileKind::Png, FileKind::Pdf] {
                let _ = inspect(kind, &bytes, true);
                let _ = inspect(kind, &bytes, false);
            }
            if let Err(e) = check_file("file", "x", size, &bytes) {
                prop_assert_eq!(e.field, "file");
            }
        }

        #[test]
        fn magic_bytes_then_junk_never_panic(kind in 0usize..3, junk in proptest::collection::vec(any::<u8>(), 0..200)) {
            let mut bytes = [&JPEG[..3], &PNG[..16], &b"%PDF-1."[..]][kind].to_vec();
            bytes.extend(junk);
            let _ = check_file("file", "x", bytes.len() as u64, &bytes);
        }

        #[test]
        fn truncated_fixtures_never_panic_and_decode_only_whole(cut in 0usize..125) {
            for (kind, f) in [(FileKind::Jpeg, JPEG), (FileKind::Png, PNG), (FileKind::Pdf, PDF)] {
                let part = &f[..cut.min(f.len())];
                let r = inspect(kind, part, true);
                if r.is_ok() {
                    // The JPEG frame header comes before the image data; the PNG header is the
                    // first 33 bytes; a PDF needs its end.
                    prop_assert!(kind != FileKind::Png || part.len() >= 33);
                    prop_assert!(kind != FileKind::Pdf || part.len() == f.len() || part.windows(5).any(|w| w == b"%%EOF"));
                }
            }
        }
    }

    #[test]
    fn sniffs_by_first_bytes_only() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]), Some(FileKind::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some(FileKind::Png));
        assert_eq!(sniff(b"%PDF-1.7\n"), Some(FileKind::Pdf));
        assert_eq!(sniff(b"MZ\x90\x00"), None, "a Windows executable");
        assert_eq!(sniff(b"<html>"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn an_exe_named_jpg_is_refused_with_its_name() {
        let e = check_file("file", "cccd.jpg", 1000, b"MZ\x90\x00\x03").unwrap_err();
        assert_eq!((e.field.as_str(), e.code.as_str()), ("file", "unsupported_type"));
        assert!(e.message_vi.contains("cccd.jpg"));
    }

    #[test]
    fn size_limits() {
        let e = check_file("file", "scan.pdf", 25 * 1024 * 1024, b"%PDF-").unwrap_err();
        assert_eq!(e.code, "file_too_large");
        assert!(e.message_vi.contains("25 MB") && e.message_vi.contains("20 MB"), "{}", e.message_vi);
        assert_eq!(check_file("file", "a.pdf", MAX_FILE_BYTES, b"%PDF-1.7\n"), Ok(FileKind::Pdf));
        assert_eq!(check_file("file", "a.pdf", 0, b"").unwrap_err().code, "empty_file");
        let files: Vec<(String, u64)> = (0..3).map(|i| (format!("{i}.jpg"), 19 * 1024 * 1024)).collect();
        let e = check_total(&files).unwrap_err();
        assert_eq!(e.field, "files[2]");
        assert!(check_total(&files[..2]).is_ok());
    }

    #[test]
    fn names_are_cleaned_and_downloads_are_attachments() {
        assert_eq!(clean_name("C:\\Users\\an\\CCCD mặt trước.jpg"), "CCCD mặt trước.jpg");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("  "), "tep-dinh-kem");
        let cd = content_disposition("Bản sao \"a\".pdf");
        assert!(cd.starts_with("attachment; filename=\"ban_sao__a_.pdf\"; filename*=UTF-8''B%E1%BA%A3n%20sao%20%22a%22.pdf"), "{cd}");
    }

    const MIB: u64 = 1024 * 1024;

    #[test]
    fn an_11_mb_pdf_goes_up_in_three_parts() {
        let plan = PartPlan::new("file", "ho-so.pdf", 11 * MIB).unwrap();
        assert_eq!((plan.parts(), plan.part_size()), (3, 5 * MIB));
        assert_eq!([1, 2, 3, 4].map(|n| plan.expected_len(n)), [Some(5 * MIB), Some(5 * MIB), Some(MIB), None]);
        assert_eq!(plan.expected_len(0), None);
        assert!(plan.check_part("file", "ho-so.pdf", 3, MIB).is_ok());
        let e = plan.check_part("file", "ho-so.pdf", 1, MIB).unwrap_err();
        assert_eq!(e.code, "wrong_part_size");
        assert!(e.message_vi.contains("ho-so.pdf") && e.message_vi.contains("Phần 1"), "{}", e.message_vi);
        assert_eq!(plan.check_part("file", "ho-so.pdf", 4, MIB).unwrap_err().code, "no_such_part");
        assert_eq!(plan.missing(&[2, 2, 9]), vec![1, 3]);
        let e = plan.check_complete("file", "ho-so.pdf", &[2]).unwrap_err();
        assert_eq!(e.code, "missing_parts");
        assert!(e.message_vi.contains("phần 1, 3") && e.message_vi.contains("ho-so.pdf"), "{}", e.message_vi);
        assert!(plan.check_complete("file", "ho-so.pdf", &[3, 1, 2]).is_ok());
    }

    #[test]
    fn part_plans_refuse_what_whole_uploads_refuse() {
        let e = PartPlan::new("file", "lon.pdf", 21 * MIB).unwrap_err();
        assert_eq!(e, too_large("file", "lon.pdf", 21 * MIB));
        assert_eq!(PartPlan::new("file", "a.pdf", 0).unwrap_err().code, "empty_file");
        assert_eq!(PartPlan::new("file", "a.pdf", MAX_FILE_BYTES).unwrap().parts(), 4);
        assert_eq!(PartPlan::new("file", "a.pdf", 5 * MIB).unwrap().parts(), 1);
        assert_eq!(PartPlan::new("file", "a.pdf", 5 * MIB + 1).unwrap().expected_len(2), Some(1));
        assert_eq!(check_declared_type("file", "a.pdf", "application/pdf"), Ok(FileKind::Pdf));
        assert_eq!(check_declared_type("file", "a.jpg", "IMAGE/JPEG; q=1"), Ok(FileKind::Jpeg));
        let e = check_declared_type("file", "setup.exe", "application/x-msdownload").unwrap_err();
        assert_eq!(e.code, "unsupported_type");
        assert!(e.message_vi.contains("setup.exe"));
    }

    #[test]
    fn a_refused_file_is_told_from_a_failed_upload() {
        let bad = JPEG[..20].to_vec();
        let refusals = [
            check_file("file", "setup.exe", 1000, b"MZ\x90\x00\x03").unwrap_err(),
            check_declared_type("file", "ghi-chu.txt", "text/plain").unwrap_err(),
            whole("anh.jpg", &bad).unwrap_err(),
            check_file("file", "a.pdf", 0, b"").unwrap_err(),
            PartPlan::new("file", "lon.pdf", 21 * MIB).unwrap_err(),
        ];
        for e in &refusals {
            assert!(refuses_the_file(&e.code), "{} should offer another file", e.code);
        }
        // Worth retrying: the parts of a dropped upload, the network, the server.
        let plan = PartPlan::new("file", "ho-so.pdf", 11 * MIB).unwrap();
        let retryable = [
            plan.check_part("file", "ho-so.pdf", 1, MIB).unwrap_err().code,
            plan.check_complete("file", "ho-so.pdf", &[2]).unwrap_err().code,
            "network".to_string(),
            "internal".to_string(),
            "rate_limited".to_string(),
        ];
        for code in &retryable {
            assert!(!refuses_the_file(code), "{code} should offer a retry");
        }
    }

    proptest::proptest! {
        /// The parts of any accepted size cover the file exactly, each but the last a full part
        /// of at least R2's 5 MiB minimum, the last 1..=part_size bytes; and a file is complete
        /// exactly when no part is missing.
        #[test]
        fn parts_cover_the_file_exactly(size in 1u64..=MAX_FILE_BYTES, have in proptest::collection::vec(0u32..6, 0..8)) {
            let plan = PartPlan::new("file", "f.pdf", size).unwrap();
            let n = plan.parts();
            let lens: Vec<u64> = (1..=n).map(|i| plan.expected_len(i).unwrap()).collect();
            proptest::prop_assert_eq!(lens.iter().sum::<u64>(), size);
            proptest::prop_assert!(lens[..lens.len() - 1].iter().all(|l| *l == PART_BYTES && *l >= 5 * MIB));
            proptest::prop_assert!((1..=PART_BYTES).contains(lens.last().unwrap()));
            proptest::prop_assert_eq!(plan.expected_len(n + 1), None);
            for (i, len) in lens.iter().enumerate() {
                let i = i as u32 + 1;
                proptest::prop_assert!(plan.check_part("file", "f.pdf", i, *len).is_ok());
                proptest::prop_assert!(plan.check_part("file", "f.pdf", i, len + 1).is_err());
                proptest::prop_assert!(plan.check_part("file", "f.pdf", i, len - 1).is_err());
            }
            let missing = plan.missing(&have);
            proptest::prop_assert!(missing.iter().all(|m| !have.contains(m) && (1..=n).contains(m)));
            proptest::prop_assert_eq!(missing.len() as u32, n - (1..=n).filter(|i| have.contains(i)).count() as u32);
            proptest::prop_assert_eq!(plan.check_complete("file", "f.pdf", &have).is_ok(), missing.is_empty());
        }
    }
}
