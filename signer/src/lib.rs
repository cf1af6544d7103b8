//! motcua's signing service: PAdES (baseline B-B) signatures on PDFs, in a Worker of its own
//! because a PDF library does not fit in the main Worker's budget. It holds no key: a remote
//! provider signs a SHA-256 hash, so signing is two stateless calls from the main Worker —
//! [`prepare`] (the verification page, the signature placeholder and the CMS signed attributes
//! whose hash the provider signs) and [`finish`] (the CMS `SignedData` around the provider's
//! signature, written into the placeholder). Everything here is pure and runs natively; the
//! Worker's HTTP entry (`worker` feature) only parses the multipart request and calls these.

pub mod cms;
pub mod error;
pub mod jpeg;
pub mod page;
pub mod pdf;
#[cfg(feature = "worker")]
mod entry;

use base64::Engine as _;
use der::asn1::UintRef;
use der::{Decode, Sequence};
use serde::Deserialize;
use x509_cert::Certificate;

pub use error::SignError;
pub use pdf::Prepared;

/// The largest input file (PDF or JPEG).
pub const MAX_FILE: usize = 20_000_000;
/// The largest font.
pub const MAX_FONT: usize = 4_000_000;
/// The largest `meta` part.
pub const MAX_META: usize = 64_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Pdf,
    Jpeg,
}

/// The verification page's content.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stamp {
    pub title: String,
    #[serde(default)]
    pub lines: Vec<String>,
    pub code: String,
    pub url: String,
    /// The QR code's modules, one string of `0`/`1` per row (the main Worker encodes it).
    #[serde(default)]
    pub qr: Vec<String>,
}

/// `meta` of `POST /prepare`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrepareMeta {
    pub source: Source,
    /// Unix seconds; written as the signature dictionary's `/M`.
    pub signing_time: i64,
    /// Base64 DER certificates: the signer's, then its issuers.
    pub certificates: Vec<String>,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub location: String,
    pub name: String,
    pub stamp: Stamp,
}

/// `meta` of `POST /finish`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FinishMeta {
    /// Base64 of the DER signed attributes `prepare` answered.
    pub signed_attributes: String,
    /// Base64 of the provider's raw PKCS#1 v1.5 RSA signature.
    pub signature: String,
    pub certificates: Vec<String>,
}

fn parse_meta<'de, T: Deserialize<'de>>(meta: &'de [u8]) -> Result<T, SignError> {
    if meta.len() > MAX_META {
        return Err(SignError::TooLarge { field: "meta", limit: MAX_META });
    }
    serde_json::from_slice(meta).map_err(|e| SignError::Invalid {
        field: "meta",
        message: format!("meta is not the expected JSON: {e}"),
        message_vi: "Phần meta không đúng định dạng JSON yêu cầu".into(),
    })
}

/// Free text drawn or written into the file: bounded, without control or bidi characters.
fn check_text(field: &'static str, s: &str, max_chars: usize) -> Result<(), SignError> {
    if s.chars().count() > max_chars {
        return Err(SignError::Invalid {
            field,
            message: format!("longer than {max_chars} characters"),
            message_vi: format!("Dài quá {max_chars} ký tự"),
        });
    }
    let bidi = |c: char| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}');
    if s.chars().any(|c| c.is_control() || bidi(c)) {
        return Err(SignError::invalid(field, "contains control characters", "Có ký tự điều khiển không hợp lệ"));
    }
    Ok(())
}

fn check_prepare_meta(m: &PrepareMeta) -> Result<(), SignError> {
    // 2000-01-01 … 2100-01-01: a time in milliseconds or a zero is a caller's bug.
    if !(946_684_800..=4_102_444_800).contains(&m.signing_time) {
        return Err(SignError::invalid("meta.signing_time", "not unix seconds between 2000 and 2100", "Thời điểm ký không hợp lệ"));
    }
    check_text("meta.name", &m.name, 200)?;
    check_text("meta.reason", &m.reason, 200)?;
    check_text("meta.location", &m.location, 200)?;
    check_text("meta.stamp.title", &m.stamp.title, 200)?;
    check_text("meta.stamp.code", &m.stamp.code, 64)?;
    check_text("meta.stamp.url", &m.stamp.url, 300)?;
    if m.name.trim().is_empty() || m.stamp.title.trim().is_empty() || m.stamp.code.trim().is_empty() {
        return Err(SignError::invalid("meta", "name, stamp.title and stamp.code are required", "Thiếu tên người ký, tiêu đề hoặc mã kiểm tra"));
    }
    if m.stamp.lines.len() > 16 {
        return Err(SignError::invalid("meta.stamp.lines", "more than 16 lines", "Quá 16 dòng"));
    }
    for line in &m.stamp.lines {
        check_text("meta.stamp.lines", line, 300)?;
    }
    let n = m.stamp.qr.len();
    let square = m.stamp.qr.iter().all(|row| row.len() == n && row.bytes().all(|b| b == b'0' || b == b'1'));
    if n != 0 && (!(21..=177).contains(&n) || !square) {
        return Err(SignError::invalid(
            "meta.stamp.qr",
            "not a square QR matrix of 0/1 rows (21 to 177 modules)",
            "Ma trận mã QR không hợp lệ",
        ));
    }
    Ok(())
}

#[derive(Sequence)]
struct RsaPublicKey<'a> {
    modulus: UintRef<'a>,
    public_exponent: UintRef<'a>,
}

/// The certificate's RSA public key as (modulus, exponent), big-endian without leading zeros;
/// only RSA keys are signed with (sha256WithRSAEncryption).
pub fn rsa_public_key(cert: &Certificate) -> Result<(Vec<u8>, Vec<u8>), SignError> {
    let spki = &cert.tbs_certificate.subject_public_key_info;
    let not_rsa = || SignError::invalid("meta.certificates", "the signer's key is not an RSA key", "Khóa của chứng thư số không phải RSA");
    if spki.algorithm.oid != const_oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1") {
        return Err(not_rsa());
    }
    let key = RsaPublicKey::from_der(spki.subject_public_key.raw_bytes()).map_err(|_| not_rsa())?;
    if key.modulus.as_bytes().len() < 128 || key.public_exponent.as_bytes().is_empty() {
        return Err(not_rsa());
    }
    Ok((key.modulus.as_bytes().to_vec(), key.public_exponent.as_bytes().to_vec()))
}

/// The byte length of the certificate's RSA modulus (= of its PKCS#1 v1.5 signatures).
pub fn rsa_modulus_len(cert: &Certificate) -> Result<usize, SignError> {
    Ok(rsa_public_key(cert)?.0.len())
}

/// RSASSA-PKCS1-v1_5 verification with SHA-256 (RFC 8017 §8.2.2): `signature` over `message`
/// by the key of `cert`. Used by `finish` so that a signature over anything else (another
/// hash, the PDF's digest instead of the attributes', another key) is never embedded.
pub fn verify_rsa_sha256(cert: &Certificate, message: &[u8], signature: &[u8]) -> Result<bool, SignError> {
    use num_bigint_dig::BigUint;
    use sha2::{Digest, Sha256};
    let (n, e) = rsa_public_key(cert)?;
    let k = n.len();
    if signature.len() != k {
        return Ok(false);
    }
    let (n, e, s) = (BigUint::from_bytes_be(&n), BigUint::from_bytes_be(&e), BigUint::from_bytes_be(signature));
    if s >= n {
        return Ok(false);
    }
    let m = s.modpow(&e, &n).to_bytes_be();
    let mut em = vec![0u8; k.saturating_sub(m.len())];
    em.extend(m);
    // EMSA-PKCS1-v1_5: 00 01 FF… 00 DigestInfo(sha256, H).
    const SHA256_DIGEST_INFO: [u8; 19] = [0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20];
    let t_len = SHA256_DIGEST_INFO.len() + 32;
    if k < t_len + 11 {
        return Ok(false);
    }
    let mut expected = vec![0x00, 0x01];
    expected.resize(k - t_len - 1, 0xFF);
    expected.push(0x00);
    expected.extend(SHA256_DIGEST_INFO);
    expected.extend(Sha256::digest(message));
    Ok(em == expected)
}

fn b64(field: &'static str, s: &str) -> Result<Vec<u8>, SignError> {
    base64::engine::general_purpose::STANDARD
        .decode(s.trim())
        .map_err(|_| SignError::invalid(field, "not base64", "Không đúng mã base64"))
}

/// `POST /prepare`: `meta` (JSON), the file (PDF or JPEG) and the font.
pub fn prepare(meta: &[u8], file: &[u8], font: &[u8]) -> Result<Prepared, SignError> {
    let meta: PrepareMeta = parse_meta(meta)?;
    check_prepare_meta(&meta)?;
    if file.len() > MAX_FILE {
        return Err(SignError::TooLarge { field: "file", limit: MAX_FILE });
    }
    if font.len() > MAX_FONT {
        return Err(SignError::TooLarge { field: "font", limit: MAX_FONT });
    }
    let certs = cms::parse_certificates(&meta.certificates, "meta.certificates")?;
    rsa_modulus_len(&certs[0].1)?;
    let font_parsed = motcua_domain::truetype::Font::parse(font)?;
    let drawn = page::draw(&meta.stamp, &font_parsed)?;
    let wrapped;
    let pdf_in = match meta.source {
        Source::Pdf => file,
        Source::Jpeg => {
            wrapped = jpeg::wrap(file)?;
            &wrapped
        }
    };
    let info = pdf::SignatureInfo {
        name: &meta.name,
        reason: &meta.reason,
        location: &meta.location,
        signing_time: meta.signing_time,
    };
    pdf::prepare(pdf_in, &font_parsed, &drawn, &info, &certs)
}

/// `POST /finish`: `meta` (JSON) and the prepared file; answers the signed file.
pub fn finish(meta: &[u8], file: Vec<u8>) -> Result<Vec<u8>, SignError> {
    let meta: FinishMeta = parse_meta(meta)?;
    if file.len() > MAX_FILE + 1_000_000 {
        return Err(SignError::TooLarge { field: "file", limit: MAX_FILE + 1_000_000 });
    }
    let attrs = b64("meta.signed_attributes", &meta.signed_attributes)?;
    let signature = b64("meta.signature", &meta.signature)?;
    let certs = cms::parse_certificates(&meta.certificates, "meta.certificates")?;
    pdf::finish(file, &attrs, &signature, &certs)
}
