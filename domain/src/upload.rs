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

/// Checks one file from its size and first bytes; errors are at `field` and name the file.
pub fn check_file(field: &str, name: &str, size: u64, head: &[u8]) -> Result<FileKind, FieldError> {
    if size == 0 {
        return Err(FieldError::new(field, "empty_file", format!("Tệp “{name}” rỗng."), format!("The file “{name}” is empty.")));
    }
    if size > MAX_FILE_BYTES {
        return Err(too_large(field, name, size));
    }
    sniff(head).ok_or_else(|| unsupported(field, name))
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
        assert_eq!(check_file("file", "a.pdf", MAX_FILE_BYTES, b"%PDF-"), Ok(FileKind::Pdf));
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
