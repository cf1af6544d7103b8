//! The signer's errors, each with an HTTP status, a stable code, an English and a Vietnamese
//! message and the field at fault, turned into the JSON envelope in one place ([`SignError::body`]).
//! A bad input is always a 4xx; only [`SignError::Unexpected`] (a bug) is a 500.

use serde_json::json;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    /// A malformed request: a part or a field missing, not JSON, out of range.
    #[error("{message}")]
    Invalid { field: &'static str, message: String, message_vi: String },
    #[error("{field} is larger than {limit} bytes")]
    TooLarge { field: &'static str, limit: usize },
    #[error("the file is not a readable PDF")]
    UnreadablePdf,
    #[error("the PDF is encrypted")]
    EncryptedPdf,
    #[error("this PDF cannot be signed: {0}")]
    UnsupportedPdf(&'static str),
    #[error("the file is not a JPEG image")]
    NotJpeg,
    #[error("the font cannot be used: {0}")]
    UnusableFont(&'static str),
    #[error("the font has no glyph for {0:?}")]
    MissingGlyph(char),
    #[error("the file was not prepared for signing by this service, or is already signed")]
    NotPrepared,
    #[error("the signed attributes' message digest does not match the file")]
    DigestMismatch,
    #[error("the signed attributes do not name the first certificate as the signer's")]
    CertificateMismatch,
    #[error("the signature does not verify with the signer's certificate over the signed attributes")]
    SignatureInvalid,
    #[error("the signature needs {needed} bytes, {reserved} are reserved")]
    SignatureTooLarge { needed: usize, reserved: usize },
    #[error("unexpected: {0}")]
    Unexpected(String),
}

/// The font's own errors (`motcua_domain::truetype`), as the signer answers them.
impl From<motcua_domain::truetype::FontError> for SignError {
    fn from(e: motcua_domain::truetype::FontError) -> SignError {
        match e {
            motcua_domain::truetype::FontError::Unusable(why) => SignError::UnusableFont(why),
            motcua_domain::truetype::FontError::MissingGlyph(c) => SignError::MissingGlyph(c),
        }
    }
}

impl SignError {
    pub fn invalid(field: &'static str, message: &str, message_vi: &str) -> SignError {
        SignError::Invalid { field, message: message.into(), message_vi: message_vi.into() }
    }

    pub fn unexpected(e: impl std::fmt::Display) -> SignError {
        SignError::Unexpected(e.to_string())
    }

    pub fn status(&self) -> u16 {
        match self {
            SignError::Invalid { .. } => 400,
            SignError::TooLarge { .. } => 413,
            SignError::Unexpected(_) => 500,
            _ => 422,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            SignError::Invalid { .. } => "invalid",
            SignError::TooLarge { .. } => "too_large",
            SignError::UnreadablePdf => "unreadable_pdf",
            SignError::EncryptedPdf => "encrypted_pdf",
            SignError::UnsupportedPdf(_) => "unsupported_pdf",
            SignError::NotJpeg => "not_jpeg",
            SignError::UnusableFont(_) => "unusable_font",
            SignError::MissingGlyph(_) => "missing_glyph",
            SignError::NotPrepared => "not_prepared",
            SignError::DigestMismatch => "digest_mismatch",
            SignError::CertificateMismatch => "certificate_mismatch",
            SignError::SignatureInvalid => "signature_invalid",
            SignError::SignatureTooLarge { .. } => "signature_too_large",
            SignError::Unexpected(_) => "unexpected",
        }
    }

    pub fn field(&self) -> Option<&'static str> {
        match self {
            SignError::Invalid { field, .. } | SignError::TooLarge { field, .. } => Some(field),
            SignError::UnreadablePdf
            | SignError::EncryptedPdf
            | SignError::UnsupportedPdf(_)
            | SignError::NotJpeg
            | SignError::NotPrepared
            | SignError::DigestMismatch => Some("file"),
            SignError::UnusableFont(_) => Some("font"),
            SignError::MissingGlyph(_) => Some("meta.stamp"),
            SignError::CertificateMismatch => Some("meta.certificates"),
            SignError::SignatureInvalid | SignError::SignatureTooLarge { .. } => Some("meta.signature"),
            SignError::Unexpected(_) => None,
        }
    }

    pub fn message_vi(&self) -> String {
        match self {
            SignError::Invalid { message_vi, .. } => message_vi.clone(),
            SignError::TooLarge { limit, .. } => format!("Tệp quá lớn (tối đa {} MB)", limit / 1_000_000),
            SignError::UnreadablePdf => "Tệp không phải là PDF đọc được".into(),
            SignError::EncryptedPdf => "Tệp PDF được đặt mật khẩu hoặc mã hóa; hãy gửi bản không mã hóa".into(),
            SignError::UnsupportedPdf(_) => "Tệp PDF này không ký số được; hãy lưu lại bằng phần mềm khác rồi thử lại".into(),
            SignError::NotJpeg => "Tệp không phải là ảnh JPEG".into(),
            SignError::UnusableFont(_) => "Phông chữ không dùng được".into(),
            SignError::MissingGlyph(c) => format!("Phông chữ không có ký tự «{c}»"),
            SignError::NotPrepared => "Tệp chưa được chuẩn bị để ký hoặc đã được ký".into(),
            SignError::DigestMismatch => "Thuộc tính ký không khớp với tệp được ký".into(),
            SignError::CertificateMismatch => "Chứng thư số không khớp với thuộc tính ký".into(),
            SignError::SignatureInvalid => "Chữ ký số không khớp với chứng thư số và nội dung cần ký".into(),
            SignError::SignatureTooLarge { .. } => "Chữ ký số vượt quá chỗ dành sẵn trong tệp".into(),
            SignError::Unexpected(_) => "Lỗi không mong đợi của dịch vụ ký số".into(),
        }
    }

    /// The JSON error envelope (an unexpected error's cause stays in the log, not the body).
    pub fn body(&self) -> serde_json::Value {
        let message = match self {
            SignError::Unexpected(_) => "unexpected error in the signing service".to_string(),
            other => other.to_string(),
        };
        json!({"error": {"code": self.code(), "message": message, "message_vi": self.message_vi(), "field": self.field()}})
    }
}
