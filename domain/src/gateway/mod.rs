//! Payment gateways as pure transformers. Each provider module turns a [`PaymentRequest`] into
//! what the shell must do next (redirect, show a QR, or POST a signed body), verifies what the
//! provider sends back over the exact bytes with a constant-time compare, and answers in the
//! provider's own reply format. The HTTP calls live in `functions/`; nothing here reads a clock,
//! a secret store or the network.
//!
//! Each module also has a `sandbox` submodule: the provider's side of the same protocol (check
//! the merchant's signature as the provider would, sign the callback the provider would send),
//! so the local sandbox and the round-trip tests share one implementation of every format.
//! Base URLs are configuration; nothing branches on "sandbox".

pub mod merchant;
pub mod momo;
pub mod paygov;
pub mod vietqr;
pub mod vnpay;
pub mod zalopay;

use std::fmt;

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Sha256, Sha512};
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

use crate::money::Vnd;
use crate::validation::FieldError;

/// A secret read from the Worker's environment. `Debug` never shows it, so a config can be
/// logged or put in an error without leaking the key.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The raw value, for signing only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

/// The names under which the Worker's environment holds each provider's credentials.
pub mod env {
    pub const VNPAY_TMN_CODE: &str = "VNPAY_TMN_CODE";
    pub const VNPAY_HASH_SECRET: &str = "VNPAY_HASH_SECRET";
    pub const MOMO_PARTNER_CODE: &str = "MOMO_PARTNER_CODE";
    pub const MOMO_ACCESS_KEY: &str = "MOMO_ACCESS_KEY";
    pub const MOMO_SECRET_KEY: &str = "MOMO_SECRET_KEY";
    pub const ZALOPAY_APP_ID: &str = "ZALOPAY_APP_ID";
    pub const ZALOPAY_KEY1: &str = "ZALOPAY_KEY1";
    pub const ZALOPAY_KEY2: &str = "ZALOPAY_KEY2";
    pub const PAYGOV_PARTNER_CODE: &str = "PAYGOV_PARTNER_CODE";
    pub const PAYGOV_SECRET: &str = "PAYGOV_SECRET";
    pub const BANK_WEBHOOK_SECRET: &str = "BANK_WEBHOOK_SECRET";
}

/// The providers a citizen can pay through, as named in `POST /api/dossiers/{id}/payments`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    Vnpay,
    Momo,
    Zalopay,
    Vietqr,
    Paygov,
}

impl Provider {
    pub const ALL: [Provider; 5] = [
        Provider::Vnpay,
        Provider::Momo,
        Provider::Zalopay,
        Provider::Vietqr,
        Provider::Paygov,
    ];

    pub fn parse(field: &str, input: &str) -> Result<Provider, FieldError> {
        Self::ALL
            .into_iter()
            .find(|p| p.as_str() == input.trim().to_ascii_lowercase())
            .ok_or_else(|| {
                FieldError::new(
                    field,
                    "unknown_provider",
                    "Phương thức thanh toán không được hỗ trợ.",
                    "Unknown payment provider; use vnpay, momo, zalopay, vietqr or paygov.",
                )
            })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Vnpay => "vnpay",
            Provider::Momo => "momo",
            Provider::Zalopay => "zalopay",
            Provider::Vietqr => "vietqr",
            Provider::Paygov => "paygov",
        }
    }

    /// The name shown to citizens.
    pub fn label(self) -> &'static str {
        match self {
            Provider::Vnpay => "VNPAY",
            Provider::Momo => "Ví MoMo",
            Provider::Zalopay => "ZaloPay",
            Provider::Vietqr => "Chuyển khoản VietQR",
            Provider::Paygov => "Nền tảng thanh toán Cổng DVCQG",
        }
    }

    /// The same in English (brand names stay as the providers write them).
    pub fn label_en(self) -> &'static str {
        match self {
            Provider::Vnpay => "VNPAY",
            Provider::Momo => "MoMo e-wallet",
            Provider::Zalopay => "ZaloPay",
            Provider::Vietqr => "VietQR bank transfer",
            Provider::Paygov => "National Public Service Portal",
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Our order id for one payment attempt. Upper-case letters and digits only, 6–32 long: the one
/// alphabet every provider accepts (VNPay `vnp_TxnRef`, MoMo `orderId`, ZaloPay `app_trans_id`
/// after its date prefix) and that survives a bank mangling a transfer description.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Reference(String);

impl Reference {
    pub const MIN_LEN: usize = 6;
    pub const MAX_LEN: usize = 32;

    pub fn parse(field: &str, input: &str) -> Result<Reference, FieldError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(FieldError::required(field));
        }
        if s.len() < Self::MIN_LEN || s.len() > Self::MAX_LEN {
            return Err(FieldError::new(
                field,
                "invalid_length",
                "Mã thanh toán phải dài từ 6 đến 32 ký tự.",
                "A payment reference is 6 to 32 characters long.",
            ));
        }
        if !s
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        {
            return Err(FieldError::new(
                field,
                "invalid_format",
                "Mã thanh toán chỉ gồm chữ in hoa và chữ số.",
                "A payment reference has only upper-case letters and digits.",
            ));
        }
        Ok(Reference(s.to_string()))
    }

    /// `MC` followed by the 64 random bits in Crockford base32 (13 characters, no I/L/O/U so a
    /// citizen copying it by hand cannot confuse letters and digits). Randomness is an argument.
    pub fn from_random(random: u64) -> Reference {
        const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        let mut out = String::from("MC");
        for i in (0..13).rev() {
            out.push(ALPHABET[((random >> (i * 5)) & 31) as usize] as char);
        }
        Reference(out)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Reference {
    type Error = FieldError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Reference::parse("reference", &value)
    }
}

impl From<Reference> for String {
    fn from(value: Reference) -> Self {
        value.0
    }
}

/// What the paying shell knows about one attempt. `receipt` is required by `paygov` (the
/// national portal prints the receipt itself) and ignored by the others.
#[derive(Debug, Clone, PartialEq)]
pub struct PaymentRequest {
    pub reference: Reference,
    pub amount: Vnd,
    /// Shown on the provider's page. Providers differ on diacritics; each module folds as needed.
    pub description: String,
    /// Where the citizen's browser lands afterwards (shows the ledger's truth, never settles).
    pub return_url: String,
    /// Where the provider calls us server to server.
    pub ipn_url: String,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub client_ip: String,
    pub receipt: Option<paygov::ReceiptInfo>,
}

/// Where to send the citizen, or what to call, to start paying.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StartPayment {
    /// Send the browser here (VNPay).
    Redirect { url: String },
    /// Show this QR and the bank details (VietQR).
    Qr {
        payload: String,
        svg: String,
        bank_bin: String,
        account_no: String,
        account_name: String,
        /// The transfer content the citizen must keep.
        purpose: String,
    },
    /// POST this JSON body server to server; the provider's answer gives the redirect URL
    /// (MoMo and ZaloPay create, paygov INIT). Parse it with the provider module.
    Post { url: String, body: String },
}

/// What a verified callback says. Only produced after the signature has been checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallbackVerdict {
    pub provider: Provider,
    pub reference: Reference,
    pub amount: Vnd,
    /// The provider's transaction number, printed on the receipt.
    pub provider_txn: String,
    /// What the provider's code means, decided in the provider's module (the shell never
    /// matches a provider's code).
    pub result: ProviderResult,
    /// The provider's raw result code (`00`, `0`, `1`, ...), kept for the ledger.
    pub code: String,
    pub message: String,
}

/// A provider's verdict on a payment, mapped from its own codes in its module.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProviderResult {
    /// The money was taken.
    Paid,
    /// The payer cancelled at the provider.
    Cancelled,
    /// Refused (declined, insufficient funds, timed out at the provider, ...).
    Declined,
    /// Not finished yet at the provider: nothing to record but the answer.
    Pending,
}

impl CallbackVerdict {
    pub fn is_paid(&self) -> bool {
        self.result == ProviderResult::Paid
    }
}

/// What a provider said about a refund, mapped from its own codes in its module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefundResult {
    /// The provider confirmed the refund.
    Done,
    /// Accepted; the provider confirms later.
    Processing,
    /// Refused, with the provider's code.
    Refused(String),
}

/// The raw input of a callback, exactly as received: the query string without `?`, the body
/// bytes as text, and the signature header when the provider sends one (bank webhook).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawCallback {
    pub query: String,
    pub body: String,
    pub signature_header: Option<String>,
}

/// What the shell decided about a verified (or rejected) callback; each provider turns it into
/// its own reply with [`PaymentGateway::reply`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallbackOutcome {
    /// Settled now, or a failed transaction recorded (VNPay answers 00 to both).
    Recorded,
    AlreadyConfirmed,
    OrderNotFound,
    InvalidAmount,
    InvalidSignature,
    /// Not a callback we can read (junk, missing fields): the provider's "invalid request"
    /// answer, never a server error.
    InvalidRequest,
    /// Our side failed (storage): the provider should retry.
    Error,
}

/// The HTTP answer to give the provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
}

impl Reply {
    pub(crate) fn json(status: u16, body: String) -> Reply {
        Reply {
            status,
            content_type: "application/json",
            body,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GatewayError {
    /// The signature does not match; nothing in the message may change any state.
    #[error("invalid signature")]
    InvalidSignature,
    #[error("malformed {field}: {reason}")]
    Malformed { field: String, reason: String },
    #[error("{field} is required")]
    Missing { field: String },
    /// The provider answered with an error code.
    #[error("provider rejected the request: {code} {message}")]
    Rejected { code: String, message: String },
    /// Correctly signed, but the order is not one of ours (its reference is not even in our
    /// format): answered as "order not found".
    #[error("unknown order {0}")]
    UnknownOrder(String),
    #[error(transparent)]
    Invalid(#[from] FieldError),
}

impl GatewayError {
    /// How a callback refused for this error is answered.
    pub fn outcome(&self) -> CallbackOutcome {
        match self {
            GatewayError::InvalidSignature => CallbackOutcome::InvalidSignature,
            GatewayError::UnknownOrder(_) => CallbackOutcome::OrderNotFound,
            _ => CallbackOutcome::InvalidRequest,
        }
    }
}

/// Our reference read from a message whose signature already holds: anything that is not in
/// our format cannot be our order.
pub(crate) fn signed_reference(input: &str) -> Result<Reference, GatewayError> {
    Reference::parse("reference", input).map_err(|_| GatewayError::UnknownOrder(input.chars().take(40).collect()))
}

impl GatewayError {
    pub(crate) fn malformed(field: &str, reason: impl Into<String>) -> Self {
        GatewayError::Malformed {
            field: field.to_string(),
            reason: reason.into(),
        }
    }

    pub(crate) fn missing(field: &str) -> Self {
        GatewayError::Missing {
            field: field.to_string(),
        }
    }
}

/// The one shape the shell uses for every provider: start, verify, reply.
pub trait PaymentGateway {
    fn provider(&self) -> Provider;
    fn start(&self, request: &PaymentRequest) -> Result<StartPayment, GatewayError>;
    /// Verifies the signature over the exact input first, then parses.
    fn verify_callback(&self, raw: &RawCallback) -> Result<CallbackVerdict, GatewayError>;
    fn reply(&self, outcome: CallbackOutcome) -> Reply;
    /// Reads a verified answer to a status query: `None` when the provider has no answer for
    /// the transaction. Providers without a query API answer `None`.
    fn query_result(&self, _reference: &Reference, _answer: &str) -> Result<Option<CallbackVerdict>, GatewayError> {
        Ok(None)
    }
    /// Reads a verified answer to a refund request. Providers without a refund API never get
    /// one (the refund is paid back by the agency's accountant).
    fn refund_result(&self, _answer: &str) -> Result<RefundResult, GatewayError> {
        Err(GatewayError::Rejected { code: "unsupported".into(), message: "no refund API".into() })
    }
}

// ---------------------------------------------------------------------------------------------
// Shared helpers: signing, constant-time comparison, form encoding, GMT+7 timestamps.

pub(crate) fn hmac_sha512_hex(key: &Secret, data: &str) -> String {
    let mut mac = Hmac::<Sha512>::new_from_slice(key.expose().as_bytes()).expect("any key length");
    mac.update(data.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

pub(crate) fn hmac_sha256_hex(key: &Secret, data: &str) -> String {
    hmac_sha256_hex_bytes(key, data.as_bytes())
}

pub(crate) fn hmac_sha256_hex_bytes(key: &Secret, data: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.expose().as_bytes()).expect("any key length");
    mac.update(data);
    hex::encode(mac.finalize().into_bytes())
}

pub(crate) fn sha256_hex(data: &str) -> String {
    use sha2::Digest;
    hex::encode(Sha256::digest(data.as_bytes()))
}

/// Compares an expected hex digest with a received one in constant time, ignoring the case of
/// the received hex (VNPay's .NET sample sends upper case, the PHP one lower case).
pub(crate) fn hex_eq(expected_hex: &str, received: &str) -> bool {
    use subtle::ConstantTimeEq;
    let (Ok(expected), Ok(got)) = (hex::decode(expected_hex), hex::decode(received.trim())) else {
        return false;
    };
    expected.len() == got.len() && bool::from(expected.ct_eq(&got))
}

pub(crate) fn check_hex(expected_hex: &str, received: &str) -> Result<(), GatewayError> {
    if hex_eq(expected_hex, received) {
        Ok(())
    } else {
        Err(GatewayError::InvalidSignature)
    }
}

/// PHP's `urlencode` (what VNPay's samples sign): letters, digits and `-_.` stay, a space
/// becomes `+`, every other byte of the UTF-8 becomes `%XX` in upper case.
pub fn form_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => out.push(b as char),
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                out.push_str(&format!("{b:02X}"));
            }
        }
    }
    out
}

/// Decodes one `application/x-www-form-urlencoded` component (`+` is a space).
pub fn form_decode(s: &str) -> Result<String, GatewayError> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .ok_or_else(|| GatewayError::malformed("query", "truncated escape"))?;
                let text = std::str::from_utf8(hex)
                    .map_err(|_| GatewayError::malformed("query", "bad escape"))?;
                out.push(
                    u8::from_str_radix(text, 16)
                        .map_err(|_| GatewayError::malformed("query", "bad escape"))?,
                );
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| GatewayError::malformed("query", "not UTF-8"))
}

/// One form-encoded component decoded leniently, as browsers and the `url` crate's
/// `query_pairs` do: a stray `%` stays as it is, bytes that are not UTF-8 become U+FFFD. For
/// reading a request's own query (a search box), never for a signed callback.
pub fn form_decode_lenient(s: &str) -> String {
    let bytes = s.as_bytes();
    let hex = |j: usize| bytes.get(j).and_then(|b| (*b as char).to_digit(16));
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => match (hex(i + 1), hex(i + 2)) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Splits a query string (without `?`) into decoded pairs, in order.
pub fn parse_query(query: &str) -> Result<Vec<(String, String)>, GatewayError> {
    let query = query.strip_prefix('?').unwrap_or(query);
    query
        .split('&')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            Ok((form_decode(k)?, form_decode(v)?))
        })
        .collect()
}

pub(crate) const GMT7: UtcOffset = match UtcOffset::from_hms(7, 0, 0) {
    Ok(offset) => offset,
    Err(_) => panic!("GMT+7 is a valid offset"),
};

/// `yyyyMMddHHmmss` in GMT+7, the timestamp format of VNPay and the national portal.
pub fn gmt7_compact(at: OffsetDateTime) -> String {
    let t = at.to_offset(GMT7);
    format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Parses `yyyyMMddHHmmss` as GMT+7.
pub fn parse_gmt7_compact(field: &str, s: &str) -> Result<OffsetDateTime, GatewayError> {
    let bad = || GatewayError::malformed(field, "expected yyyyMMddHHmmss");
    if s.len() != 14 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let n = |r: std::ops::Range<usize>| s[r].parse::<u32>().map_err(|_| bad());
    let month = Month::try_from(n(4..6)? as u8).map_err(|_| bad())?;
    let date =
        Date::from_calendar_date(n(0..4)? as i32, month, n(6..8)? as u8).map_err(|_| bad())?;
    let time =
        Time::from_hms(n(8..10)? as u8, n(10..12)? as u8, n(12..14)? as u8).map_err(|_| bad())?;
    Ok(PrimitiveDateTime::new(date, time).assume_offset(GMT7))
}

/// Reads a whole-đồng amount a provider sent as text.
pub(crate) fn parse_dong(field: &str, s: &str) -> Result<Vnd, GatewayError> {
    let n: i64 = s
        .trim()
        .parse()
        .map_err(|_| GatewayError::malformed(field, "not an integer"))?;
    Ok(Vnd::from_dong(field, n)?)
}

/// ASCII-only text for providers that garble diacritics (VNPay asks for "Tiếng Việt không dấu").
pub(crate) fn ascii_fold(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            if c.is_ascii() {
                return (!c.is_ascii_control()).then_some(c);
            }
            // `fold` lower-cases and drops combining marks; keep the original case.
            let f = crate::text::fold(&c.to_string()).chars().next()?;
            let f = if c.is_uppercase() {
                f.to_ascii_uppercase()
            } else {
                f
            };
            f.is_ascii().then_some(f)
        })
        .collect()
}

/// Accepts a JSON string or number and keeps it as text (providers are not consistent about
/// which they send for amounts and codes).
pub(crate) fn de_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => Ok(s),
        serde_json::Value::Number(n) => Ok(n.to_string()),
        serde_json::Value::Null => Ok(String::new()),
        other => Err(serde::de::Error::custom(format!(
            "expected text, got {other}"
        ))),
    }
}

pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(
    what: &str,
    body: &str,
) -> Result<T, GatewayError> {
    serde_json::from_str(body).map_err(|e| GatewayError::malformed(what, e.to_string()))
}

#[cfg(test)]
pub(crate) mod testkit {
    use super::*;
    use time::macros::datetime;

    pub fn request(amount: i64) -> PaymentRequest {
        PaymentRequest {
            reference: Reference::parse("reference", "MC00000000TEST1").unwrap(),
            amount: Vnd::dong(amount),
            description: "Lệ phí chứng thực hồ sơ 000.00.01.H12-240501-0001".to_string(),
            return_url: "https://motcua.example/thanh-toan/ket-qua".to_string(),
            ipn_url: "https://motcua.example/api/payments/ipn".to_string(),
            created_at: datetime!(2024-05-01 03:04:05 UTC),
            expires_at: datetime!(2024-05-01 03:19:05 UTC),
            client_ip: "203.0.113.9".to_string(),
            receipt: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn every_provider_has_an_english_label() {
        for p in Provider::ALL {
            assert!(!p.label_en().is_empty(), "{p:?}");
        }
        // Brand names read the same in both languages; the descriptive ones are translated.
        assert_eq!(Provider::Vnpay.label_en(), Provider::Vnpay.label());
        assert_eq!(Provider::Zalopay.label_en(), Provider::Zalopay.label());
        for p in [Provider::Momo, Provider::Vietqr, Provider::Paygov] {
            assert_ne!(p.label_en(), p.label(), "{p:?}");
        }
    }

    #[test]
    fn provider_codes_are_mapped_in_each_providers_module() {
        use super::ProviderResult as R;
        // VNPay (pay.html, querydr.html): 00+00 paid, 24 cancelled; querydr 01 not finished.
        assert_eq!(vnpay::payment_result("00", "00"), R::Paid);
        assert_eq!(vnpay::payment_result("00", "02"), R::Declined);
        assert_eq!(vnpay::payment_result("24", "02"), R::Cancelled);
        assert_eq!(vnpay::payment_result("51", "02"), R::Declined);
        assert_eq!(vnpay::query_status_result("01"), R::Pending);
        assert_eq!(vnpay::query_status_result("00"), R::Paid);
        // MoMo: 0 paid, 1000/7000/7002/9000 not finished, 1006 refused by the user.
        assert_eq!(momo::payment_result("0"), R::Paid);
        for pending in ["1000", "7000", "7002", "9000"] {
            assert_eq!(momo::payment_result(pending), R::Pending, "{pending}");
        }
        assert_eq!(momo::payment_result("1006"), R::Cancelled);
        assert_eq!(momo::payment_result("1001"), R::Declined);
        // ZaloPay refund: 1 done, 3 processing, anything else refused.
        assert_eq!(zalopay::refund_result(r#"{"return_code":1}"#), Ok(RefundResult::Done));
        assert_eq!(zalopay::refund_result(r#"{"return_code":3}"#), Ok(RefundResult::Processing));
        assert_eq!(zalopay::refund_result(r#"{"return_code":2}"#), Ok(RefundResult::Refused("2".into())));
        assert!(zalopay::refund_result("not json").is_err());
    }

    #[test]
    fn refused_callbacks_are_answered_by_what_went_wrong() {
        assert_eq!(GatewayError::InvalidSignature.outcome(), CallbackOutcome::InvalidSignature);
        assert_eq!(GatewayError::UnknownOrder("x".into()).outcome(), CallbackOutcome::OrderNotFound);
        assert_eq!(GatewayError::malformed("amount", "junk").outcome(), CallbackOutcome::InvalidRequest);
        assert_eq!(GatewayError::missing("orderId").outcome(), CallbackOutcome::InvalidRequest);
        for junk in ["", "abc", "Hồ sơ", "MC-1", &"A".repeat(500)] {
            assert!(matches!(signed_reference(junk), Err(GatewayError::UnknownOrder(_))), "{junk:?}");
        }
        assert_eq!(signed_reference("MC0123456789ABC").unwrap().as_str(), "MC0123456789ABC");
    }

    #[test]
    fn no_provider_answers_a_bad_request_with_a_server_error() {
        let replies = [
            vnpay::Vnpay(vnpay::VnpayConfig::new("T", Secret::new("k"))).reply(CallbackOutcome::InvalidRequest),
            momo::Momo(momo::MomoConfig::new("P", "A", Secret::new("k"))).reply(CallbackOutcome::InvalidRequest),
            zalopay::callback_reply(CallbackOutcome::InvalidRequest),
            paygov::confirm_reply(CallbackOutcome::InvalidRequest),
            vietqr::webhook_reply(CallbackOutcome::InvalidRequest),
        ];
        for r in replies {
            assert!(r.status < 500, "{r:?}");
        }
    }

    #[test]
    fn secret_debug_is_redacted() {
        let s = Secret::new("K951B6PE1waDMi640xX08PD3vg6EkVlz");
        assert_eq!(format!("{s:?}"), "[redacted]");
        assert!(!format!("{:?}", Some(&s)).contains("K951"));
    }

    #[test]
    fn provider_parses_the_api_names() {
        for p in Provider::ALL {
            assert_eq!(Provider::parse("provider", p.as_str()).unwrap(), p);
            assert_eq!(
                serde_json::to_string(&p).unwrap(),
                format!("\"{}\"", p.as_str())
            );
        }
        assert_eq!(
            Provider::parse("provider", " MoMo ").unwrap(),
            Provider::Momo
        );
        assert_eq!(
            Provider::parse("provider", "paypal").unwrap_err().code,
            "unknown_provider"
        );
    }

    #[test]
    fn reference_accepts_only_upper_alnum() {
        assert!(Reference::parse("r", "MC12345ABC").is_ok());
        assert_eq!(
            Reference::parse("r", "mc12345abc").unwrap_err().code,
            "invalid_format"
        );
        assert_eq!(
            Reference::parse("r", "MC-1234567").unwrap_err().code,
            "invalid_format"
        );
        assert_eq!(
            Reference::parse("r", "MC1").unwrap_err().code,
            "invalid_length"
        );
        assert_eq!(Reference::parse("r", "").unwrap_err().code, "required");
        assert!(serde_json::from_str::<Reference>("\"bad ref\"").is_err());
    }

    #[test]
    fn reference_from_random_is_valid_and_distinct() {
        let a = Reference::from_random(0);
        let b = Reference::from_random(u64::MAX);
        assert_eq!(a.as_str(), "MC0000000000000");
        assert_eq!(b.as_str(), "MCFZZZZZZZZZZZZ");
        assert!(Reference::parse("r", b.as_str()).is_ok());
        assert_ne!(Reference::from_random(1), Reference::from_random(2));
    }

    #[test]
    fn form_encoding_matches_php_urlencode() {
        // PHP: urlencode("Thanh toan don hang :5") === "Thanh+toan+don+hang+%3A5"
        // (the vnp_OrderInfo of sandbox.vnpayment.vn/apis/docs/huong-dan-tich-hop/).
        assert_eq!(
            form_encode("Thanh toan don hang :5"),
            "Thanh+toan+don+hang+%3A5"
        );
        assert_eq!(
            form_encode("https://domainmerchant.vn/ReturnUrl"),
            "https%3A%2F%2Fdomainmerchant.vn%2FReturnUrl"
        );
        assert_eq!(form_encode("a~b*c"), "a%7Eb%2Ac");
        assert_eq!(form_encode("Lệ"), "L%E1%BB%87");
        assert_eq!(form_decode("Thanh+toan%3A5").unwrap(), "Thanh toan:5");
        assert!(form_decode("%G1").is_err());
        assert!(form_decode("%4").is_err());
    }

    #[test]
    fn gmt7_timestamps_round_trip() {
        let at = datetime!(2021-08-01 08:33:33 UTC);
        assert_eq!(gmt7_compact(at), "20210801153333");
        assert_eq!(parse_gmt7_compact("d", "20210801153333").unwrap(), at);
        assert!(parse_gmt7_compact("d", "20211301153333").is_err());
        assert!(parse_gmt7_compact("d", "2021080115333").is_err());
    }

    #[test]
    fn hex_comparison_is_case_insensitive_and_strict() {
        assert!(hex_eq("abcd", "ABCD"));
        assert!(!hex_eq("abcd", "abce"));
        assert!(!hex_eq("abcd", "abcdab"));
        assert!(!hex_eq("abcd", "zz"));
    }

    proptest::proptest! {
        #[test]
        fn form_encoding_round_trips_and_stays_in_the_safe_alphabet(s in "\\PC{0,40}") {
            let encoded = form_encode(&s);
            proptest::prop_assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.+%".contains(&b)));
            proptest::prop_assert_eq!(form_decode(&encoded).unwrap(), s);
        }

        #[test]
        fn references_from_random_always_parse(n in proptest::prelude::any::<u64>()) {
            let r = Reference::from_random(n);
            proptest::prop_assert_eq!(r.as_str().len(), 15);
            proptest::prop_assert_eq!(Reference::parse("r", r.as_str()).unwrap(), r);
        }
    }

    #[test]
    fn ascii_fold_keeps_case() {
        assert_eq!(ascii_fold("Lệ phí Đất đai"), "Le phi Dat dai");
    }
}

#[cfg(test)]
mod lenient_tests {
    use super::form_decode_lenient as d;

    #[test]
    fn decodes_like_a_browser_and_never_fails() {
        assert_eq!(d("S%C6%A1n+T%C3%A2y"), "Sơn Tây");
        assert_eq!(d("100%"), "100%");
        assert_eq!(d("%zz%4"), "%zz%4");
        assert_eq!(d("%FF"), "\u{FFFD}");
        assert_eq!(d(""), "");
    }
}
