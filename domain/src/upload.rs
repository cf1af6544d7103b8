//! Scans attached to a dossier: which files are accepted (JPEG, PNG, PDF, recognised by their
//! first bytes, never by the name or the declared type), how large they may be, and how a
//! download names the file. The functions store and serve; these rules decide.

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
    let cleaned: String = last.chars().filter(|c| !c.is_control()).take(MAX_NAME).collect();
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
    sniff(head).ok_or_else(|| {
        FieldError::new(
            field,
            "unsupported_type",
            format!("Tệp “{name}” không phải ảnh JPEG, PNG hoặc tệp PDF. Vui lòng chọn ảnh chụp hoặc bản quét."),
            format!("The file “{name}” is not a JPEG, PNG or PDF."),
        )
    })
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
}
