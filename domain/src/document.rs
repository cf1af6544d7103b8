//! Digitized, signed and reusable documents (seed 004: "số hóa (scan và ký số) … để tái sử
//! dụng"; seed 001: electronic certified copies, Nghị định 45/2020/NĐ-CP, Điều 10).
//!
//! What may be signed and how ([`plan_sign`]), what a revocation needs ([`decide_revoke`]), the
//! code printed on a signed file and how a lookup is read ([`Lookup`]), the text of the
//! verification page the signing Worker appends ([`stamp`]), the certification book's numbers,
//! which wallet documents a new dossier may reference ([`check_references`]) and the control
//! sheet's digitization marks. No I/O: the Worker loads, these decide, the store writes.

use qrcode::{Color, EcLevel, QrCode};
use time::PrimitiveDateTime;

use crate::api::{CertifyCopy, Digitization, SignRequest, SignedKind};
use crate::dossier::DossierStatus;
use crate::shard::ShardId;
use crate::text_input::Reason;
use crate::validation::FieldError;

/// Chứng thực bản sao từ bản chính (Nghị định 23/2015/NĐ-CP): its result is a certified copy.
pub const COPY_PROCEDURE: &str = "2.000815";

/// Seed 001: at least 35 % of commune and district units issue electronic certified copies.
pub const COPY_UNITS_TARGET_PERCENT: u32 = 35;

/// A copy's pages (the fee is counted per page; a book entry states them).
pub const MAX_COPY_PAGES: u32 = 2000;

/// What the signing Worker is given: a PDF as it is, or a JPEG it wraps into one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Pdf,
    Jpeg,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Pdf => "pdf",
            Source::Jpeg => "jpeg",
        }
    }
}

/// Why a signing or a revocation is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocumentError {
    AlreadySigned,
    /// A PNG result: the signer takes PDF and JPEG.
    NotSignable,
    /// The dossier is not at a stage with a result to sign.
    NoResultYet,
    /// `certify_copy` on a procedure other than 2.000815.
    CopyOnlyForCertification,
    /// Procedure 2.000815 without `certify_copy`: its result is a copy and needs the statement.
    CopyStatementRequired,
    NotCompared,
    BadPages,
    AlreadyRevoked,
    Invalid(FieldError),
}

impl DocumentError {
    pub fn code(&self) -> &'static str {
        match self {
            DocumentError::AlreadySigned => "already_signed",
            DocumentError::NotSignable => "not_signable",
            DocumentError::NoResultYet => "no_result_yet",
            DocumentError::CopyOnlyForCertification => "not_a_certification",
            DocumentError::CopyStatementRequired => "certify_copy_required",
            DocumentError::NotCompared => "not_compared",
            DocumentError::BadPages => "invalid_pages",
            DocumentError::AlreadyRevoked => "already_revoked",
            DocumentError::Invalid(_) => "invalid",
        }
    }

    /// The request field the error is about, when there is one.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            DocumentError::NotCompared => Some("certify_copy.compared_with_original"),
            DocumentError::BadPages => Some("certify_copy.pages"),
            DocumentError::CopyOnlyForCertification | DocumentError::CopyStatementRequired => Some("certify_copy"),
            DocumentError::NotSignable => Some("file"),
            _ => None,
        }
    }

    /// Whether the request itself is wrong (422) rather than the document's state (409).
    pub fn is_input(&self) -> bool {
        matches!(
            self,
            DocumentError::NotCompared | DocumentError::BadPages | DocumentError::CopyOnlyForCertification | DocumentError::CopyStatementRequired | DocumentError::Invalid(_)
        )
    }

    pub fn message_vi(&self) -> String {
        match self {
            DocumentError::AlreadySigned => "Tệp kết quả này đã được ký số.".into(),
            DocumentError::NotSignable => "Chỉ ký số được tệp PDF hoặc ảnh JPEG. Hãy chuyển tệp sang PDF hoặc JPEG rồi đính kèm lại.".into(),
            DocumentError::NoResultYet => "Hồ sơ chưa có kết quả để ký số.".into(),
            DocumentError::CopyOnlyForCertification => "Chỉ thủ tục chứng thực bản sao từ bản chính (2.000815) mới cấp bản sao điện tử có chứng thực.".into(),
            DocumentError::CopyStatementRequired => {
                "Kết quả của thủ tục chứng thực là bản sao: hãy xác nhận đã đối chiếu với bản chính và nhập số trang.".into()
            }
            DocumentError::NotCompared => "Hãy xác nhận đã đối chiếu bản sao với bản chính trước khi chứng thực.".into(),
            DocumentError::BadPages => format!("Số trang phải từ 1 đến {MAX_COPY_PAGES}."),
            DocumentError::AlreadyRevoked => "Giấy tờ này đã bị thu hồi.".into(),
            DocumentError::Invalid(f) => f.message_vi.clone(),
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            DocumentError::AlreadySigned => "This result file is already signed.".into(),
            DocumentError::NotSignable => "Only a PDF or a JPEG image can be signed. Convert the file to PDF or JPEG and attach it again.".into(),
            DocumentError::NoResultYet => "The dossier has no result to sign yet.".into(),
            DocumentError::CopyOnlyForCertification => "Only the procedure certifying copies from originals (2.000815) issues certified electronic copies.".into(),
            DocumentError::CopyStatementRequired => "The result of a certification is a copy: confirm it was compared with the original and give its pages.".into(),
            DocumentError::NotCompared => "Confirm the copy was compared with the original before certifying it.".into(),
            DocumentError::BadPages => format!("Pages must be between 1 and {MAX_COPY_PAGES}."),
            DocumentError::AlreadyRevoked => "This document is already revoked.".into(),
            DocumentError::Invalid(f) => f.message_en.clone(),
        }
    }
}

/// What the Worker knows about a result file when asked to sign it.
#[derive(Debug, Clone)]
pub struct SignState<'a> {
    pub dossier_status: DossierStatus,
    pub procedure_code: &'a str,
    pub content_type: &'a str,
    pub already_signed: bool,
}

/// The decided signing: a result or a copy, from which source, its pages for a copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignPlan {
    pub kind: SignedKind,
    pub source: Source,
    pub pages: Option<u32>,
}

/// Decides whether a result file may be signed, and as what.
pub fn plan_sign(state: &SignState<'_>, request: &SignRequest) -> Result<SignPlan, DocumentError> {
    use DossierStatus::*;
    if state.already_signed {
        return Err(DocumentError::AlreadySigned);
    }
    // A result exists from "result ready" on; signing after it was handed over still digitizes it.
    if !matches!(state.dossier_status, ResultReady | Returned | Completed) {
        return Err(DocumentError::NoResultYet);
    }
    let is_copy_procedure = state.procedure_code == COPY_PROCEDURE;
    let pages = match (&request.certify_copy, is_copy_procedure) {
        (Some(_), false) => return Err(DocumentError::CopyOnlyForCertification),
        (None, true) => return Err(DocumentError::CopyStatementRequired),
        (None, false) => None,
        (Some(CertifyCopy { compared_with_original, pages }), true) => {
            if !compared_with_original {
                return Err(DocumentError::NotCompared);
            }
            if *pages == 0 || *pages > MAX_COPY_PAGES {
                return Err(DocumentError::BadPages);
            }
            Some(*pages)
        }
    };
    let source = match state.content_type {
        "application/pdf" => Source::Pdf,
        "image/jpeg" => Source::Jpeg,
        _ => return Err(DocumentError::NotSignable),
    };
    Ok(SignPlan { kind: if pages.is_some() { SignedKind::CertifiedCopy } else { SignedKind::Result }, source, pages })
}

/// Decides a revocation: the reason, checked; refused when already revoked.
pub fn decide_revoke(already_revoked: bool, reason: &str) -> Result<String, DocumentError> {
    if already_revoked {
        return Err(DocumentError::AlreadyRevoked);
    }
    Ok(Reason::parse("reason", reason).map_err(DocumentError::Invalid)?.into_string())
}

/// Crockford's base-32 digits: no I, L, O, U, so a code read aloud or typed from paper is not
/// mistaken.
const CODE_DIGITS: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The code printed on a signed document: 10 digits of base 32 (50 random bits) as `XXXXX-XXXXX`.
pub fn verification_code(random: &[u8; 10]) -> String {
    let digits: String = random.iter().map(|b| CODE_DIGITS[(*b & 31) as usize] as char).collect();
    format!("{}-{}", &digits[..5], &digits[5..])
}

/// The code printed on a signed document made in `shard`: the part's marker and the province's
/// two digits, then [`verification_code`]'s ten, as `S42-7K3QX-M9P2D` (13 characters), so that a
/// code typed from paper opens one shard (docs/SHARDING.md §3.2). Codes printed before sharding
/// keep their 10 characters and are found through `legacy_routes`.
pub fn sharded_verification_code(shard: ShardId, random: &[u8; 10]) -> String {
    format!("{}{:02}-{}", shard.marker() as char, shard.code(), verification_code(random))
}

/// The shard a code from [`parse_lookup`] names: `None` for a 10-character code (made before
/// sharding).
pub fn code_shard(code: &str) -> Option<ShardId> {
    let b = code.as_bytes();
    (b.len() == 15 && b[3] == b'-').then(|| ShardId::from_marker(b[0], &b[1..3])).flatten()
}

/// What `GET /api/verify/{key}` looks up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    Sha256(String),
    Code(String),
}

/// Reads a lookup key: 64 hex digits are a file's SHA-256; otherwise a printed code, forgiving
/// case, spaces, hyphens and the letters people confuse with digits (O→0, I/L→1).
pub fn parse_lookup(input: &str) -> Result<Lookup, FieldError> {
    let s = input.trim();
    if s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(Lookup::Sha256(s.to_ascii_lowercase()));
    }
    let digits: String = s
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect();
    if digits.len() == 10 && digits.bytes().all(|b| CODE_DIGITS.contains(&b)) {
        return Ok(Lookup::Code(format!("{}-{}", &digits[..5], &digits[5..])));
    }
    // A code printed after sharding: marker, province, then the same ten digits.
    let b = digits.as_bytes();
    if b.len() == 13 && b.iter().all(|c| CODE_DIGITS.contains(c)) && ShardId::from_marker(b[0], &b[1..3]).is_some() {
        return Ok(Lookup::Code(format!("{}-{}-{}", &digits[..3], &digits[3..8], &digits[8..])));
    }
    Err(FieldError::new(
        "key",
        "invalid_format",
        "Nhập mã kiểm tra in trên giấy tờ (10 ký tự như 7K3QX-M9P2D, hoặc 13 như S42-7K3QX-M9P2D) hoặc chọn tệp PDF.",
        "Type the check code printed on the document (10 characters like 7K3QX-M9P2D, or 13 like S42-7K3QX-M9P2D) or pick the PDF.",
    ))
}

/// A copy's entry in the electronic certification book, as printed and shown.
pub fn book_number_label(number: i64, year: i32) -> String {
    format!("{number}/{year}-SCT/BS-ĐT")
}

/// Everything the verification page says, for [`stamp`].
#[derive(Debug, Clone)]
pub struct StampFacts<'a> {
    pub kind: SignedKind,
    pub agency_name: &'a str,
    pub title: &'a str,
    pub dossier_code: &'a str,
    pub certificate_subject: &'a str,
    pub issuer: &'a str,
    pub officer: &'a str,
    /// Vietnamese local time of the signing.
    pub signed_at: PrimitiveDateTime,
    pub code: &'a str,
    pub verify_url: &'a str,
    pub book: Option<(i64, i32)>,
    pub pages: Option<u32>,
}

/// The verification page's title and lines (the signing Worker draws them with the QR of
/// `verify_url`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub title: String,
    pub lines: Vec<String>,
}

fn two(n: u8) -> String {
    format!("{n:02}")
}

pub fn stamp(f: &StampFacts<'_>) -> Stamp {
    let at = f.signed_at;
    let time = format!("{}:{} ngày {}/{}/{}", two(at.hour()), two(at.minute()), two(at.day()), two(at.month() as u8), at.year());
    let mut lines = Vec::new();
    let title = match f.kind {
        SignedKind::Result => {
            lines.push(format!("Cơ quan cấp: {}", f.agency_name));
            lines.push(format!("Giấy tờ: {}", f.title));
            "BẢN ĐIỆN TỬ CÓ CHỮ KÝ SỐ".to_string()
        }
        SignedKind::CertifiedCopy => {
            lines.push("Chứng thực bản sao điện tử này đúng với bản chính.".into());
            if let Some((n, year)) = f.book {
                lines.push(format!("Số chứng thực: {}", book_number_label(n, year)));
            }
            if let Some(p) = f.pages {
                lines.push(format!("Số trang: {p}"));
            }
            lines.push(format!("Ngày {} tháng {} năm {}", two(at.day()), two(at.month() as u8), at.year()));
            lines.push(format!("Cơ quan chứng thực: {}", f.agency_name));
            "CHỨNG THỰC BẢN SAO ĐIỆN TỬ TỪ BẢN CHÍNH".to_string()
        }
    };
    lines.push(format!("Mã hồ sơ: {}", f.dossier_code));
    lines.push(format!("Ký số bởi: {}", f.certificate_subject));
    lines.push(format!("Chứng thư số do {} cấp", f.issuer));
    lines.push(format!("Thời điểm ký: {time}"));
    lines.push(format!("Cán bộ thực hiện: {}", f.officer));
    lines.push(format!("Mã kiểm tra: {}", f.code));
    lines.push(format!("Kiểm tra tại {} hoặc quét mã QR.", f.verify_url));
    Stamp { title, lines }
}

/// The page's QR code of `url` as rows of `0`/`1` (dark = 1), without the quiet zone.
pub fn qr_rows(url: &str) -> Vec<String> {
    let Ok(code) = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M) else {
        return Vec::new();
    };
    let width = code.width();
    code.to_colors()
        .chunks(width)
        .map(|row| row.iter().map(|c| if *c == Color::Dark { '1' } else { '0' }).collect())
        .collect()
}

/// The public address of a document's check page.
pub fn verify_url(base: &str, code: &str) -> String {
    format!("{}/kiem-tra?ma={code}", base.trim_end_matches('/'))
}

/// One wallet document a submission names, as found for the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundDocument {
    pub id: String,
    pub signed: bool,
    pub revoked: bool,
}

/// The most wallet documents one dossier references.
pub const MAX_REFERENCES: usize = 20;

/// Checks the wallet ids of a submission against what was found among the caller's own
/// documents (`documents[i]` names the first bad one): unknown or someone else's (the same
/// answer: nobody learns another citizen's ids), revoked, or named twice.
pub fn check_references(ids: &[String], found: &[FoundDocument]) -> Result<(), FieldError> {
    if ids.len() > MAX_REFERENCES {
        return Err(FieldError::new(
            "documents",
            "too_many",
            format!("Mỗi hồ sơ dùng lại tối đa {MAX_REFERENCES} giấy tờ."),
            format!("A dossier references at most {MAX_REFERENCES} documents."),
        ));
    }
    for (i, id) in ids.iter().enumerate() {
        let field = format!("documents[{i}]");
        if ids[..i].contains(id) {
            return Err(FieldError::new(field, "duplicate", "Giấy tờ này đã được chọn.", "This document is already chosen."));
        }
        match found.iter().find(|d| &d.id == id) {
            None => {
                return Err(FieldError::new(
                    field,
                    "not_found",
                    "Không tìm thấy giấy tờ này trong kho giấy tờ của bạn.",
                    "This document is not in your documents.",
                ))
            }
            Some(d) if d.revoked => {
                return Err(FieldError::new(
                    field,
                    "revoked",
                    "Giấy tờ này đã bị cơ quan cấp thu hồi, không dùng lại được.",
                    "This document was revoked by its agency and cannot be reused.",
                ))
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// The control sheet's marks: which of the procedure's documents have a desk scan, whether the
/// dossier came digitized (an online dossier's uploads or wallet documents count), and whether
/// its result was signed.
pub fn digitization(procedure_documents: &[String], scanned_types: &[String], came_digital: bool, signed_result: bool) -> Digitization {
    let reception_documents: Vec<String> = procedure_documents.iter().filter(|d| scanned_types.contains(d)).cloned().collect();
    Digitization { at_reception: came_digital || !reception_documents.is_empty(), reception_documents, at_return: signed_result }
}

/// A scan's document type must be one of the procedure's documents.
pub fn check_document_type(procedure_documents: &[String], input: &str) -> Result<String, FieldError> {
    let wanted = crate::text_input::to_nfc(input.trim().to_string());
    procedure_documents.iter().find(|d| **d == wanted).cloned().ok_or_else(|| {
        FieldError::new(
            "type",
            if wanted.is_empty() { "required" } else { "unknown_document" },
            "Chọn loại giấy tờ trong danh sách thành phần hồ sơ của thủ tục.",
            "Choose the document type from the procedure's list of documents.",
        )
    })
}

/// Share in percent with one decimal (0 when there is nothing to count).
pub fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        (part as f64 * 1000.0 / whole as f64).round() / 10.0
    }
}

// ---- Indicators: digitization at reception and return, units issuing electronic copies ----

/// A unit's (or a subtree's) dossiers of a period: received, digitized at reception, with a
/// result, whose result is signed (digitized at return), and electronic copies issued.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DigitizedCounts {
    pub received: u64,
    pub at_reception: u64,
    pub with_result: u64,
    pub at_return: u64,
    pub copies: u64,
}

impl std::ops::Add for DigitizedCounts {
    type Output = DigitizedCounts;
    fn add(self, o: DigitizedCounts) -> DigitizedCounts {
        DigitizedCounts {
            received: self.received + o.received,
            at_reception: self.at_reception + o.at_reception,
            with_result: self.with_result + o.with_result,
            at_return: self.at_return + o.at_return,
            copies: self.copies + o.copies,
        }
    }
}

impl std::iter::Sum for DigitizedCounts {
    fn sum<I: Iterator<Item = DigitizedCounts>>(iter: I) -> DigitizedCounts {
        iter.fold(DigitizedCounts::default(), |a, b| a + b)
    }
}

/// One line of `GET /api/dashboard/digitization`.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DigitizationRow {
    pub agency_code: String,
    pub agency_name: String,
    pub level: String,
    #[serde(flatten)]
    pub counts: DigitizedCounts,
    /// Percent of received dossiers digitized at reception.
    pub reception_rate: f64,
    /// Percent of dossiers with a result whose result is signed.
    pub return_rate: f64,
    pub has_children: bool,
}

impl DigitizationRow {
    pub fn new(code: &str, name: &str, level: &str, counts: DigitizedCounts, has_children: bool) -> DigitizationRow {
        DigitizationRow {
            agency_code: code.into(),
            agency_name: name.into(),
            level: level.into(),
            reception_rate: percent(counts.at_reception, counts.received),
            return_rate: percent(counts.at_return, counts.with_result),
            counts,
            has_children,
        }
    }

    pub const CSV_HEADER: [&'static str; 9] = [
        "Mã đơn vị",
        "Đơn vị",
        "Hồ sơ tiếp nhận",
        "Số hóa khi tiếp nhận",
        "Tỷ lệ số hóa khi tiếp nhận (%)",
        "Hồ sơ có kết quả",
        "Kết quả ký số",
        "Tỷ lệ số hóa kết quả (%)",
        "Bản sao điện tử có chứng thực",
    ];

    pub fn csv_cells(&self) -> Vec<String> {
        let c = &self.counts;
        vec![
            self.agency_code.clone(),
            self.agency_name.clone(),
            c.received.to_string(),
            c.at_reception.to_string(),
            format!("{:.1}", self.reception_rate),
            c.with_result.to_string(),
            c.at_return.to_string(),
            format!("{:.1}", self.return_rate),
            c.copies.to_string(),
        ]
    }
}

/// Seed 001: the share of commune- and district-level units that issued electronic certified
/// copies, against 35 %.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CopyUnits {
    pub units: u64,
    pub issuing: u64,
    pub rate: f64,
    pub target: u32,
    pub meets_target: bool,
}

/// Counts the commune and district units among `(level, copies issued)` and those that issued one.
pub fn copy_units(units: &[(&str, u64)]) -> CopyUnits {
    let counted: Vec<u64> = units.iter().filter(|(level, _)| matches!(*level, "commune" | "district")).map(|(_, n)| *n).collect();
    let issuing = counted.iter().filter(|n| **n > 0).count() as u64;
    let total = counted.len() as u64;
    CopyUnits {
        units: total,
        issuing,
        rate: percent(issuing, total),
        target: COPY_UNITS_TARGET_PERCENT,
        // Integer comparison: 7 of 20 is exactly 35 % and meets it.
        meets_target: total > 0 && issuing * 100 >= total * COPY_UNITS_TARGET_PERCENT as u64,
    }
}

/// `GET /api/dashboard/digitization`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DigitizationView {
    pub period: crate::dashboard::Period,
    pub summary: DigitizationRow,
    pub rows: Vec<DigitizationRow>,
    pub copy_units: CopyUnits,
    pub parent: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn state<'a>(status: DossierStatus, procedure: &'a str, ct: &'a str) -> SignState<'a> {
        SignState { dossier_status: status, procedure_code: procedure, content_type: ct, already_signed: false }
    }

    fn copy(compared: bool, pages: u32) -> SignRequest {
        SignRequest { certify_copy: Some(CertifyCopy { compared_with_original: compared, pages }) }
    }

    #[test]
    fn a_result_is_signed_from_pdf_or_jpeg_once_ready() {
        let p = plan_sign(&state(DossierStatus::ResultReady, "1.001193", "application/pdf"), &SignRequest::default()).unwrap();
        assert_eq!(p, SignPlan { kind: SignedKind::Result, source: Source::Pdf, pages: None });
        let p = plan_sign(&state(DossierStatus::Completed, "1.001193", "image/jpeg"), &SignRequest::default()).unwrap();
        assert_eq!(p.source, Source::Jpeg);
        assert_eq!(
            plan_sign(&state(DossierStatus::ResultReady, "1.001193", "image/png"), &SignRequest::default()).unwrap_err(),
            DocumentError::NotSignable
        );
        assert_eq!(
            plan_sign(&state(DossierStatus::Processing, "1.001193", "application/pdf"), &SignRequest::default()).unwrap_err(),
            DocumentError::NoResultYet
        );
        let mut s = state(DossierStatus::ResultReady, "1.001193", "application/pdf");
        s.already_signed = true;
        assert_eq!(plan_sign(&s, &SignRequest::default()).unwrap_err(), DocumentError::AlreadySigned);
    }

    #[test]
    fn a_copy_needs_the_comparison_and_its_pages_and_only_for_2_000815() {
        let s = state(DossierStatus::ResultReady, COPY_PROCEDURE, "application/pdf");
        assert_eq!(plan_sign(&s, &SignRequest::default()).unwrap_err(), DocumentError::CopyStatementRequired);
        assert_eq!(plan_sign(&s, &copy(false, 2)).unwrap_err(), DocumentError::NotCompared);
        assert_eq!(plan_sign(&s, &copy(true, 0)).unwrap_err(), DocumentError::BadPages);
        assert_eq!(plan_sign(&s, &copy(true, MAX_COPY_PAGES + 1)).unwrap_err(), DocumentError::BadPages);
        let p = plan_sign(&s, &copy(true, 3)).unwrap();
        assert_eq!((p.kind, p.pages), (SignedKind::CertifiedCopy, Some(3)));
        let other = state(DossierStatus::ResultReady, "1.001193", "application/pdf");
        assert_eq!(plan_sign(&other, &copy(true, 3)).unwrap_err(), DocumentError::CopyOnlyForCertification);
        assert_eq!(DocumentError::NotCompared.field(), Some("certify_copy.compared_with_original"));
        assert!(DocumentError::NotCompared.is_input() && !DocumentError::AlreadySigned.is_input());
    }

    #[test]
    fn revocation_needs_a_reason_and_happens_once() {
        assert_eq!(decide_revoke(false, " Cấp nhầm người ").unwrap(), "Cấp nhầm người");
        assert!(matches!(decide_revoke(false, "  ").unwrap_err(), DocumentError::Invalid(f) if f.code == "required" && f.field == "reason"));
        assert_eq!(decide_revoke(true, "Cấp nhầm").unwrap_err(), DocumentError::AlreadyRevoked);
    }

    #[test]
    fn codes_round_trip_through_what_people_type() {
        let code = verification_code(&[0, 1, 2, 31, 30, 29, 64, 65, 200, 255]);
        assert_eq!(code, "012ZY-X01 8Z".replace(' ', ""));
        assert_eq!(parse_lookup(&code).unwrap(), Lookup::Code(code.clone()));
        assert_eq!(parse_lookup(" 012zy x0i8z ").unwrap(), Lookup::Code(code.clone()));
        assert_eq!(parse_lookup("O12ZYX0L8Z").unwrap(), Lookup::Code(code));
        let hex = "AB".repeat(32);
        assert_eq!(parse_lookup(&hex).unwrap(), Lookup::Sha256("ab".repeat(32)));
        for bad in ["", "12345", "012ZY-X018U", &"g".repeat(64)] {
            assert_eq!(parse_lookup(bad).unwrap_err().code, "invalid_format", "{bad}");
        }
    }

    #[test]
    fn every_code_uses_only_unambiguous_digits() {
        for b in 0..=255u8 {
            let c = verification_code(&[b; 10]);
            assert!(!c.contains(['I', 'L', 'O', 'U']), "{c}");
            assert_eq!(parse_lookup(&c).unwrap(), Lookup::Code(c));
        }
    }

    #[test]
    fn codes_printed_after_sharding_name_their_shard() {
        let ha_tinh = ShardId::from_code("shard", 42).unwrap();
        let code = sharded_verification_code(ha_tinh, &[0, 1, 2, 31, 30, 29, 64, 65, 200, 255]);
        assert_eq!(code, "S42-012ZY-X018Z");
        assert_eq!(parse_lookup(&code).unwrap(), Lookup::Code(code.clone()));
        // Typed from paper: lower case, spaces, no hyphens, O for 0 and L for 1.
        assert_eq!(parse_lookup(" s42 o12zy x0l8z ").unwrap(), Lookup::Code(code.clone()));
        assert_eq!(code_shard(&code), Some(ha_tinh));
        let hcm2 = ShardId::from_code("shard", 79).unwrap().part(1).unwrap();
        let c2 = sharded_verification_code(hcm2, &[7; 10]);
        assert!(c2.starts_with("T79-"), "{c2}");
        assert_eq!(code_shard(&c2), Some(hcm2));
        // A code made before sharding names none.
        assert_eq!(code_shard(&verification_code(&[7; 10])), None);
        // 13 characters that are not marker + a province: refused, and the message still says 10.
        for bad in ["A42-012ZY-X018Z", "S30-012ZY-X018Z", "S4X-012ZY-X018Z", "S87012ZYX018Z", "S42-012ZY-X018", "S42-012ZY-X018ZZ"] {
            let e = parse_lookup(bad).unwrap_err();
            assert_eq!((e.field.as_str(), e.code.as_str()), ("key", "invalid_format"), "{bad}");
            assert!(e.message_vi.contains("10 ký tự") && e.message_vi.contains("13"), "{}", e.message_vi);
        }
    }

    proptest::proptest! {
        #[test]
        fn sharded_document_codes_round_trip(i in 0usize..34, part in 0u8..ShardId::MAX_PARTS, random in proptest::prelude::any::<[u8; 10]>()) {
            let s = ShardId::all().nth(i).unwrap().part(part).unwrap();
            let code = sharded_verification_code(s, &random);
            proptest::prop_assert_eq!(code.len(), 15);
            proptest::prop_assert_eq!(parse_lookup(&code).unwrap(), Lookup::Code(code.clone()));
            proptest::prop_assert_eq!(parse_lookup(&code.to_lowercase().replace('-', " ")).unwrap(), Lookup::Code(code.clone()));
            proptest::prop_assert_eq!(code_shard(&code), Some(s));
            proptest::prop_assert_eq!(code_shard(&verification_code(&random)), None);
        }
    }

    #[test]
    fn the_copy_page_states_the_book_entry_pages_and_date() {
        let f = StampFacts {
            kind: SignedKind::CertifiedCopy,
            agency_name: "UBND xã Sơn Tây",
            title: "Bản sao Giấy khai sinh",
            dossier_code: "000.00.01.H23-261207-0001",
            certificate_subject: "UBND xã Sơn Tây",
            issuer: "motcua Sandbox Root CA",
            officer: "Lê Thị Hoa",
            signed_at: datetime!(2026-12-07 09:05),
            code: "7K3QX-M9P2D",
            verify_url: "https://motcua.example/kiem-tra?ma=7K3QX-M9P2D",
            book: Some((12, 2026)),
            pages: Some(3),
        };
        let s = stamp(&f);
        assert_eq!(s.title, "CHỨNG THỰC BẢN SAO ĐIỆN TỬ TỪ BẢN CHÍNH");
        assert!(s.lines.contains(&"Số chứng thực: 12/2026-SCT/BS-ĐT".to_string()), "{:?}", s.lines);
        assert!(s.lines.contains(&"Số trang: 3".to_string()));
        assert!(s.lines.contains(&"Ngày 07 tháng 12 năm 2026".to_string()));
        assert!(s.lines.contains(&"Thời điểm ký: 09:05 ngày 07/12/2026".to_string()));
        assert!(s.lines.iter().any(|l| l.contains("7K3QX-M9P2D")));
        let r = stamp(&StampFacts { kind: SignedKind::Result, book: None, pages: None, ..f });
        assert_eq!(r.title, "BẢN ĐIỆN TỬ CÓ CHỮ KÝ SỐ");
        assert!(!r.lines.iter().any(|l| l.contains("SCT/BS")));
    }

    #[test]
    fn the_qr_rows_are_a_square_of_bits() {
        let rows = qr_rows("https://motcua.example/kiem-tra?ma=7K3QX-M9P2D");
        assert!(rows.len() >= 21);
        assert!(rows.iter().all(|r| r.len() == rows.len() && r.chars().all(|c| c == '0' || c == '1')));
        // The finder pattern's top row: seven dark modules.
        assert!(rows[0].starts_with("1111111"));
    }

    #[test]
    fn references_refuse_unknown_foreign_revoked_and_repeated_ids() {
        let found = vec![
            FoundDocument { id: "a".into(), signed: true, revoked: false },
            FoundDocument { id: "r".into(), signed: true, revoked: true },
        ];
        assert!(check_references(&["a".into()], &found).is_ok());
        let e = check_references(&["a".into(), "x".into()], &found).unwrap_err();
        assert_eq!((e.field.as_str(), e.code.as_str()), ("documents[1]", "not_found"));
        assert_eq!(check_references(&["r".into()], &found).unwrap_err().code, "revoked");
        assert_eq!(check_references(&["a".into(), "a".into()], &found).unwrap_err().code, "duplicate");
        let many: Vec<String> = (0..=MAX_REFERENCES).map(|i| i.to_string()).collect();
        assert_eq!(check_references(&many, &found).unwrap_err().code, "too_many");
    }

    #[test]
    fn digitization_marks_follow_scans_channel_and_signature() {
        let docs = vec!["Tờ khai".to_string(), "Giấy chứng sinh".to_string()];
        let d = digitization(&docs, &["Giấy chứng sinh".into(), "Khác".into()], false, false);
        assert_eq!(d.reception_documents, vec!["Giấy chứng sinh".to_string()]);
        assert!(d.at_reception && !d.at_return);
        assert!(!digitization(&docs, &[], false, true).at_reception);
        assert!(digitization(&docs, &[], true, true).at_return);
        assert_eq!(check_document_type(&docs, " Tờ khai ").unwrap(), "Tờ khai");
        assert_eq!(check_document_type(&docs, "Khác").unwrap_err().code, "unknown_document");
        assert_eq!(check_document_type(&docs, "").unwrap_err().code, "required");
    }

    #[test]
    fn copy_units_count_communes_and_districts_against_35_percent() {
        let mut units: Vec<(&str, u64)> = vec![("province", 9)];
        units.extend(std::iter::repeat(("commune", 0)).take(13));
        units.extend(std::iter::repeat(("district", 2)).take(7));
        let c = copy_units(&units);
        assert_eq!((c.units, c.issuing, c.rate, c.meets_target), (20, 7, 35.0, true));
        units[1] = ("district", 0);
        let c = copy_units(&units);
        assert_eq!((c.issuing, c.meets_target), (7, true));
        units[20] = ("commune", 0);
        assert!(!copy_units(&units).meets_target);
        assert!(!copy_units(&[("province", 3)]).meets_target);
        let row = DigitizationRow::new("x", "X", "commune", DigitizedCounts { received: 4, at_reception: 3, with_result: 2, at_return: 1, copies: 0 }, false);
        assert_eq!((row.reception_rate, row.return_rate), (75.0, 50.0));
        assert_eq!(row.csv_cells().len(), DigitizationRow::CSV_HEADER.len());
    }

    #[test]
    fn percent_has_one_decimal() {
        assert_eq!(percent(1, 3), 33.3);
        assert_eq!(percent(0, 0), 0.0);
        assert_eq!(percent(7, 20), 35.0);
    }
}
