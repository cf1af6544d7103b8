//! Remote signing: an agency's key stays with a remote-signing provider, which signs a SHA-256
//! digest motcua computed; motcua never holds the private key. Like the payment gateways, each
//! provider is a pure transformer behind [`RemoteSigner`] — the request to send, the meaning of
//! the answer — and the HTTP calls live in `functions/src/signing/provider.rs`.
//!
//! One provider today, VNPT SmartCA sp769 ([`smartca`], where every fact assumed about it is
//! kept). [`cert`] reads a certificate's displayable fields. [`SigningAccountInput`] checks the
//! per-agency account an admin sets.

pub mod cert;
pub mod smartca;

use serde::{Deserialize, Serialize};

use crate::text_input;
use crate::validation::FieldError;

/// One HTTP POST with a JSON body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub url: String,
    pub body: String,
}

/// The agency's account at the provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningAccount {
    pub provider: String,
    /// The provider's id of the key holder (for SmartCA, the id on the contract).
    pub user_id: String,
    /// Which of the holder's certificates; `None`: the first the provider lists.
    pub serial_number: Option<String>,
}

/// A digest to be signed, with what the request needs besides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HashToSign {
    /// Unique per request; the provider's transaction and its idempotency.
    pub transaction_id: String,
    /// Shown to the holder in the provider's app.
    pub description: String,
    /// The certificate's serial (lowercase hex), so the provider uses that key.
    pub serial_hex: String,
    pub digest: [u8; 32],
    pub unix_now: i64,
    /// The sandbox only: the message whose SHA-256 is `digest` (see `SignFile::sandbox_to_be_signed`).
    pub sandbox_message: Option<Vec<u8>>,
}

/// A sign request the holder has not confirmed yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub transaction_id: String,
    pub tran_code: String,
}

/// Where a sign request stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignProgress {
    Pending(Pending),
    /// The raw signature bytes.
    Signed(Vec<u8>),
}

/// What a remote-signing provider's protocol is: the calls to make and how to read the answers.
pub trait RemoteSigner {
    fn certificate_call(&self, account: &SigningAccount, transaction_id: &str) -> Call;
    /// The certificate chain, signer's first, then its CAs.
    fn read_certificate(&self, account: &SigningAccount, http_status: u16, body: &str) -> Result<Vec<Vec<u8>>, SigningError>;
    fn sign_call(&self, account: &SigningAccount, request: &HashToSign) -> Call;
    fn read_sign(&self, request: &HashToSign, http_status: u16, body: &str) -> Result<SignProgress, SigningError>;
    fn status_call(&self, pending: &Pending) -> Call;
    fn read_status(&self, pending: &Pending, http_status: u16, body: &str) -> Result<SignProgress, SigningError>;
}

/// Why signing did not happen, in terms an officer can act on. The provider's own codes are
/// mapped to these in its module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SigningError {
    /// The agency has no signing account (and no sandbox stands in).
    NotConfigured,
    /// The provider refused this deployment's service-provider credentials: an operator's fix.
    SpCredentialInvalid,
    /// The holder's certificate is revoked, suspended or otherwise not usable.
    CertificateUnusable,
    /// The certificate is outside its validity period (checked here, before asking).
    CertificateExpired { not_after: String },
    /// The holder has no certificate (or not the one the account names).
    NoCertificate,
    /// The holder refused the request in the provider's app.
    UserRejected,
    /// The holder did not confirm in the provider's time.
    TransactionExpired,
    /// Not confirmed yet when we stopped waiting: the officer may try again.
    StillPending,
    /// The provider did not answer, or answered something unreadable.
    Unavailable { detail: String },
}

/// How the API answers an error: 409 (a state the officer or admin can change) or 503 (the
/// provider or the deployment's settings; not the caller's mistake).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    Conflict,
    Unavailable,
}

impl SigningError {
    pub fn code(&self) -> &'static str {
        match self {
            SigningError::NotConfigured => "signing_not_configured",
            SigningError::SpCredentialInvalid => "signing_provider_refused",
            SigningError::CertificateUnusable => "certificate_unusable",
            SigningError::CertificateExpired { .. } => "certificate_expired",
            SigningError::NoCertificate => "certificate_not_found",
            SigningError::UserRejected => "signing_rejected",
            SigningError::TransactionExpired => "signing_expired",
            SigningError::StillPending => "signing_pending",
            SigningError::Unavailable { .. } => "signing_unavailable",
        }
    }

    pub fn class(&self) -> ErrorClass {
        match self {
            SigningError::SpCredentialInvalid | SigningError::Unavailable { .. } => ErrorClass::Unavailable,
            _ => ErrorClass::Conflict,
        }
    }

    pub fn message_vi(&self) -> String {
        match self {
            SigningError::NotConfigured => {
                "Cơ quan chưa được cấu hình tài khoản ký số từ xa. Vui lòng đề nghị quản trị viên khai báo tài khoản ký số của cơ quan.".into()
            }
            SigningError::SpCredentialInvalid => {
                "Nhà cung cấp dịch vụ ký số từ chối thông tin kết nối của hệ thống. Vui lòng báo quản trị viên hệ thống.".into()
            }
            SigningError::CertificateUnusable => {
                "Chứng thư số của cơ quan đã bị thu hồi, tạm dừng hoặc không còn hiệu lực. Vui lòng liên hệ nhà cung cấp dịch vụ ký số.".into()
            }
            SigningError::CertificateExpired { not_after } => {
                format!("Chứng thư số của cơ quan đã hết hạn (hiệu lực đến {}). Vui lòng gia hạn chứng thư số.", vn_date(not_after))
            }
            SigningError::NoCertificate => {
                "Không tìm thấy chứng thư số của tài khoản ký số đã khai báo. Vui lòng kiểm tra lại mã tài khoản và số sê-ri.".into()
            }
            SigningError::UserRejected => "Người giữ chứng thư số đã từ chối yêu cầu ký trên ứng dụng. Văn bản chưa được ký.".into(),
            SigningError::TransactionExpired => "Yêu cầu ký đã hết hạn vì chưa được xác nhận kịp thời. Vui lòng ký lại.".into(),
            SigningError::StillPending => {
                "Yêu cầu ký đang chờ xác nhận trên ứng dụng ký số. Vui lòng xác nhận trên ứng dụng rồi bấm ký lại.".into()
            }
            SigningError::Unavailable { .. } => "Dịch vụ ký số từ xa chưa phản hồi. Vui lòng thử lại sau ít phút.".into(),
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            SigningError::NotConfigured => "The agency has no remote-signing account. Ask an administrator to set it.".into(),
            SigningError::SpCredentialInvalid => "The signing provider refused this system's service credentials. Tell the system administrator.".into(),
            SigningError::CertificateUnusable => "The agency's certificate is revoked, suspended or no longer valid. Contact the signing provider.".into(),
            SigningError::CertificateExpired { not_after } => format!("The agency's certificate expired ({not_after}). Renew it."),
            SigningError::NoCertificate => "No certificate was found for the configured signing account. Check its id and serial number.".into(),
            SigningError::UserRejected => "The certificate holder refused the request in the app. Nothing was signed.".into(),
            SigningError::TransactionExpired => "The signing request expired before it was confirmed. Sign again.".into(),
            SigningError::StillPending => "The signing request waits for confirmation in the signing app. Confirm it there, then sign again.".into(),
            SigningError::Unavailable { .. } => "The remote-signing service did not answer. Try again in a few minutes.".into(),
        }
    }
}

/// `2028-12-07T…Z` → `07/12/2028` (the date as officers write it); anything else as given.
fn vn_date(rfc3339: &str) -> String {
    match (rfc3339.get(0..4), rfc3339.get(5..7), rfc3339.get(8..10)) {
        (Some(y), Some(m), Some(d)) if rfc3339.len() >= 10 => format!("{d}/{m}/{y}"),
        _ => rfc3339.to_string(),
    }
}

/// A raw RSA PKCS#1 v1.5 signature is exactly as long as the key's modulus; anything else (a
/// CMS the provider wrapped, a truncated value) cannot go into our SignerInfo.
pub fn check_signature_len(signature: &[u8], modulus_len: Option<usize>) -> Result<(), SigningError> {
    match modulus_len {
        Some(n) if signature.len() != n => {
            Err(SigningError::Unavailable { detail: format!("signature of {} bytes for a {}-byte key", signature.len(), n) })
        }
        _ if signature.is_empty() => Err(SigningError::Unavailable { detail: "empty signature".into() }),
        _ => Ok(()),
    }
}

/// `PUT /api/admin/agencies/{code}/signing`, before checks.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SigningAccountInput {
    /// `vnpt_smartca` (the only provider today; the default).
    #[serde(default)]
    pub provider: Option<String>,
    /// The holder's id at the provider (SmartCA: the id on the contract).
    #[serde(default)]
    pub user_id: String,
    /// The certificate's serial number (hex); empty: the first the provider lists.
    #[serde(default)]
    pub serial_number: Option<String>,
    /// The version read by `GET`; when given and no longer current, the change is refused.
    #[serde(default)]
    pub version: Option<i64>,
}

/// `GET|PUT /api/admin/agencies/{code}/signing`.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SigningAccountView {
    pub agency: String,
    /// Whether the agency has an account of its own (`false`: the fields are null).
    pub configured: bool,
    pub provider: Option<String>,
    pub user_id: Option<String>,
    pub serial_number: Option<String>,
    pub updated_at: Option<String>,
    /// 0 before the first save.
    pub version: i64,
}

/// At most this many characters in `user_id` and `serial_number`.
pub const MAX_ID_CHARS: usize = 64;

impl SigningAccountInput {
    /// The account, checked; errors name the field.
    pub fn validate(&self) -> Result<SigningAccount, FieldError> {
        let provider = match self.provider.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            None => smartca::PROVIDER.to_string(),
            Some(p) if p == smartca::PROVIDER => p.to_string(),
            Some(_) => {
                return Err(FieldError::new(
                    "provider",
                    "unknown_provider",
                    format!("Nhà cung cấp dịch vụ ký số không được hỗ trợ (chỉ hỗ trợ {}).", smartca::PROVIDER),
                    format!("Unsupported signing provider (only {}).", smartca::PROVIDER),
                ))
            }
        };
        let user_id = text_input::normalize("user_id", &self.user_id, MAX_ID_CHARS, false)?;
        if user_id.is_empty() {
            return Err(FieldError::required("user_id"));
        }
        if user_id.chars().any(|c| c.is_whitespace() || !c.is_ascii_graphic()) {
            return Err(FieldError::new(
                "user_id",
                "invalid_format",
                "Mã tài khoản ký số chỉ gồm chữ cái không dấu, chữ số và các ký tự . - _ : (không có khoảng trắng).",
                "The signing account id must be ASCII letters, digits and . - _ : without spaces.",
            ));
        }
        let serial = text_input::normalize("serial_number", self.serial_number.as_deref().unwrap_or(""), MAX_ID_CHARS, false)?;
        let serial = serial.replace([' ', ':'], "").to_ascii_lowercase();
        if !serial.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(FieldError::new(
                "serial_number",
                "invalid_format",
                "Số sê-ri chứng thư số phải là chuỗi thập lục phân (0–9, a–f).",
                "The certificate serial number must be hexadecimal (0-9, a-f).",
            ));
        }
        Ok(SigningAccount { provider, user_id, serial_number: (!serial.is_empty()).then_some(serial) })
    }
}

/// A holder id as written to logs and the audit log: its last four characters only (it may be
/// a national identity number).
pub fn masked_user_id(user_id: &str) -> String {
    let chars: Vec<char> = user_id.chars().collect();
    let keep = chars.len().min(4);
    format!("{}{}", "*".repeat(chars.len() - keep), chars[chars.len() - keep..].iter().collect::<String>())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(user_id: &str, serial: Option<&str>, provider: Option<&str>) -> SigningAccountInput {
        SigningAccountInput { provider: provider.map(str::to_string), user_id: user_id.into(), serial_number: serial.map(str::to_string), version: None }
    }

    #[test]
    fn validates_the_account_naming_the_field() {
        let a = input(" 042090001234 ", Some("54:01:0A:ff"), None).validate().unwrap();
        assert_eq!(a, SigningAccount { provider: "vnpt_smartca".into(), user_id: "042090001234".into(), serial_number: Some("54010aff".into()) });
        assert_eq!(input("x", Some(""), None).validate().unwrap().serial_number, None);
        let e = input("", None, None).validate().unwrap_err();
        assert_eq!((e.field.as_str(), e.code.as_str()), ("user_id", "required"));
        let e = input("nguyen van a", None, None).validate().unwrap_err();
        assert_eq!((e.field.as_str(), e.code.as_str()), ("user_id", "invalid_format"));
        let e = input("Sơn", None, None).validate().unwrap_err();
        assert_eq!((e.field.as_str(), e.code.as_str()), ("user_id", "invalid_format"));
        let e = input("a\u{202E}b", None, None).validate().unwrap_err();
        assert_eq!((e.field.as_str(), e.code.as_str()), ("user_id", "bidi_control"));
        let e = input(&"1".repeat(65), None, None).validate().unwrap_err();
        assert_eq!((e.field.as_str(), e.code.as_str()), ("user_id", "too_long"));
        let e = input("x", Some("xyz"), None).validate().unwrap_err();
        assert_eq!((e.field.as_str(), e.code.as_str()), ("serial_number", "invalid_format"));
        let e = input("x", None, Some("viettel_mysign")).validate().unwrap_err();
        assert_eq!((e.field.as_str(), e.code.as_str()), ("provider", "unknown_provider"));
        assert!(e.message_vi.contains("không được hỗ trợ"));
    }

    #[test]
    fn masks_the_holder_id() {
        assert_eq!(masked_user_id("042090001234"), "********1234");
        assert_eq!(masked_user_id("abc"), "abc");
    }

    #[test]
    fn every_error_has_a_code_a_class_and_vietnamese() {
        let all = [
            SigningError::NotConfigured,
            SigningError::SpCredentialInvalid,
            SigningError::CertificateUnusable,
            SigningError::CertificateExpired { not_after: "2026-01-01T00:00:00Z".into() },
            SigningError::NoCertificate,
            SigningError::UserRejected,
            SigningError::TransactionExpired,
            SigningError::StillPending,
            SigningError::Unavailable { detail: "x".into() },
        ];
        let codes: std::collections::BTreeSet<_> = all.iter().map(|e| e.code()).collect();
        assert_eq!(codes.len(), all.len());
        for e in &all {
            assert!(!e.message_vi().is_empty() && !e.message_en().is_empty());
            assert!(!e.message_vi().contains("x\"") && !e.message_vi().contains("detail"), "no internal detail to the officer");
        }
        assert_eq!(SigningError::StillPending.class(), ErrorClass::Conflict);
        assert_eq!(SigningError::Unavailable { detail: String::new() }.class(), ErrorClass::Unavailable);
        assert_eq!(SigningError::NotConfigured.code(), "signing_not_configured");
        assert!(SigningError::CertificateExpired { not_after: "2028-12-07T02:40:00Z".into() }.message_vi().contains("đến 07/12/2028)"));
    }

    #[test]
    fn a_raw_signature_has_the_modulus_length() {
        assert!(check_signature_len(&[1; 256], Some(256)).is_ok());
        assert!(check_signature_len(&[0x30; 1500], Some(256)).is_err());
        assert!(check_signature_len(&[], None).is_err());
        assert!(check_signature_len(&[1; 10], None).is_ok());
    }
}
