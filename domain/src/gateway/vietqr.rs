//! VietQR bank transfers (NAPAS 247, EMVCo merchant-presented QR): the payload with the agency's
//! bank BIN and account, the amount, currency 704 and the payment reference as the transfer
//! purpose, closed by a CRC-16/CCITT-FALSE; its SVG rendering; and the incoming transfer
//! notifications, matched to a payment by the reference found in the bank's (mangled) transfer
//! content and the exact amount.
//!
//! Payload layout (EMVCo MPM; VietQR/NAPAS IBFT tags as summarised in the public
//! `giautm/emvqr-go` README): `00` "01", `01` "12" dynamic, `38` {`00` A000000727, `01` {`00`
//! BIN, `01` account}, `02` QRIBFTTA}, `53` "704", `54` amount, `58` "VN", `62` {`08` purpose},
//! `63` CRC over everything before it including "6304", upper-case hex.
//!
//! The bank webhook has no national standard; the shape here is ours (see [`BankTransfer`]):
//! a JSON body signed with HMAC-SHA256 (`BANK_WEBHOOK_SECRET`), hex in [`SIGNATURE_HEADER`].
//! An adapter for a given bank or notification service maps its format onto it.

use qrcode::{Color, EcLevel, QrCode};
use serde::{Deserialize, Serialize};

use super::ProviderResult;
use super::{
    check_hex, hmac_sha256_hex_bytes, parse_json, CallbackOutcome, CallbackVerdict, GatewayError,
    PaymentGateway, PaymentRequest, Provider, RawCallback, Reference, Reply, Secret, StartPayment,
};
use crate::money::Vnd;

pub const NAPAS_GUID: &str = "A000000727";
pub const SERVICE_ACCOUNT_TRANSFER: &str = "QRIBFTTA";
/// The header carrying the webhook body's HMAC-SHA256, hex.
pub const SIGNATURE_HEADER: &str = "X-Bank-Signature";
/// VietQR limits the purpose (tag 62-08) to 25 characters.
pub const MAX_PURPOSE_LEN: usize = 25;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VietqrConfig {
    /// The NAPAS BIN of the agency's bank (6 digits, e.g. 970415 VietinBank).
    pub bin: String,
    pub account_no: String,
    /// Shown beside the QR so the citizen can check the beneficiary.
    pub account_name: String,
}

/// CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection, no final XOR.
pub fn crc16_ccitt_false(data: &[u8]) -> u16 {
    let mut crc: u16 = 0xFFFF;
    for &byte in data {
        crc ^= u16::from(byte) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc
}

fn tlv(id: &str, value: &str) -> String {
    format!("{id}{:02}{value}", value.len())
}

fn field_error(field: &str, reason: &str) -> GatewayError {
    GatewayError::malformed(field, reason)
}

/// The EMVCo payload for a transfer of `amount` to `bin`/`account_no` with `purpose`.
pub fn payload(
    bin: &str,
    account_no: &str,
    amount: Vnd,
    purpose: &str,
) -> Result<String, GatewayError> {
    if bin.len() != 6 || !bin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(field_error("bin", "a NAPAS BIN is 6 digits"));
    }
    if account_no.is_empty()
        || account_no.len() > 19
        || !account_no.bytes().all(|b| b.is_ascii_alphanumeric())
    {
        return Err(field_error("account_no", "1 to 19 letters or digits"));
    }
    if purpose.len() > MAX_PURPOSE_LEN || !purpose.bytes().all(|b| (0x20..0x7F).contains(&b)) {
        return Err(field_error("purpose", "up to 25 ASCII characters"));
    }
    if amount.is_zero() {
        return Err(field_error("amount", "a dynamic QR needs an amount"));
    }
    let beneficiary = tlv("00", bin) + &tlv("01", account_no);
    let account_info =
        tlv("00", NAPAS_GUID) + &tlv("01", &beneficiary) + &tlv("02", SERVICE_ACCOUNT_TRANSFER);
    let mut out =
        tlv("00", "01") + &tlv("01", "12") + &tlv("38", &account_info) + &tlv("53", "704");
    out += &tlv("54", &amount.as_dong().to_string());
    out += &tlv("58", "VN");
    if !purpose.is_empty() {
        out += &tlv("62", &tlv("08", purpose));
    }
    out += "6304";
    let crc = crc16_ccitt_false(out.as_bytes());
    Ok(format!("{out}{crc:04X}"))
}

/// A parsed VietQR payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedQr {
    pub dynamic: bool,
    pub bin: String,
    pub account_no: String,
    pub service: String,
    pub currency: String,
    pub amount: Option<Vnd>,
    pub country: String,
    pub purpose: Option<String>,
}

fn split_tlv(field: &str, mut s: &str) -> Result<Vec<(String, String)>, GatewayError> {
    let mut out = Vec::new();
    while !s.is_empty() {
        let head = s
            .get(..4)
            .ok_or_else(|| field_error(field, "truncated TLV"))?;
        let len: usize = head[2..]
            .parse()
            .map_err(|_| field_error(field, "bad TLV length"))?;
        let value = s
            .get(4..4 + len)
            .ok_or_else(|| field_error(field, "truncated TLV"))?;
        out.push((head[..2].to_string(), value.to_string()));
        s = &s[4 + len..];
    }
    Ok(out)
}

fn find<'a>(items: &'a [(String, String)], id: &str) -> Option<&'a str> {
    items.iter().find(|(k, _)| k == id).map(|(_, v)| v.as_str())
}

/// Parses and checks a payload (CRC first).
pub fn parse(payload: &str) -> Result<ParsedQr, GatewayError> {
    if !payload.is_ascii() || payload.len() < 8 {
        return Err(field_error("payload", "not a VietQR payload"));
    }
    let (body, crc) = payload.split_at(payload.len() - 4);
    if !body.ends_with("6304") {
        return Err(field_error("payload", "no CRC field at the end"));
    }
    let expected = format!("{:04X}", crc16_ccitt_false(body.as_bytes()));
    if !crc.eq_ignore_ascii_case(&expected) {
        return Err(field_error("payload", "CRC mismatch"));
    }
    let top = split_tlv("payload", &body[..body.len() - 4])?;
    if find(&top, "00") != Some("01") {
        return Err(field_error(
            "payload",
            "payload format indicator must be 01",
        ));
    }
    let account = split_tlv(
        "38",
        find(&top, "38").ok_or_else(|| GatewayError::missing("38"))?,
    )?;
    if find(&account, "00") != Some(NAPAS_GUID) {
        return Err(field_error("38", "not a NAPAS account"));
    }
    let beneficiary = split_tlv(
        "38.01",
        find(&account, "01").ok_or_else(|| GatewayError::missing("38.01"))?,
    )?;
    let purpose = match find(&top, "62") {
        Some(additional) => find(&split_tlv("62", additional)?, "08").map(str::to_string),
        None => None,
    };
    Ok(ParsedQr {
        dynamic: find(&top, "01") == Some("12"),
        bin: find(&beneficiary, "00")
            .ok_or_else(|| GatewayError::missing("38.01.00"))?
            .to_string(),
        account_no: find(&beneficiary, "01")
            .ok_or_else(|| GatewayError::missing("38.01.01"))?
            .to_string(),
        service: find(&account, "02").unwrap_or_default().to_string(),
        currency: find(&top, "53").unwrap_or_default().to_string(),
        amount: find(&top, "54")
            .map(|a| super::parse_dong("54", a))
            .transpose()?,
        country: find(&top, "58").unwrap_or_default().to_string(),
        purpose,
    })
}

/// The payload as an SVG QR code (error correction M, 4-module quiet zone), one path of
/// module-aligned runs so it stays crisp at any size.
pub fn svg(payload: &str) -> Result<String, GatewayError> {
    let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M)
        .map_err(|e| field_error("payload", &format!("cannot encode as QR: {e:?}")))?;
    let width = code.width();
    let colors = code.to_colors();
    let quiet = 4;
    let size = width + 2 * quiet;
    let mut path = String::new();
    for y in 0..width {
        let mut x = 0;
        while x < width {
            if colors[y * width + x] == Color::Dark {
                let start = x;
                while x < width && colors[y * width + x] == Color::Dark {
                    x += 1;
                }
                let run = x - start;
                path.push_str(&format!("M{} {}h{run}v1h-{run}z", start + quiet, y + quiet));
            } else {
                x += 1;
            }
        }
    }
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" shape-rendering=\"crispEdges\" \
role=\"img\" aria-label=\"Mã VietQR\"><rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/>\
<path fill=\"#000\" d=\"{path}\"/></svg>"
    ))
}

pub fn start(
    config: &VietqrConfig,
    request: &PaymentRequest,
) -> Result<StartPayment, GatewayError> {
    let purpose = request.reference.to_string();
    let payload = payload(&config.bin, &config.account_no, request.amount, &purpose)?;
    Ok(StartPayment::Qr {
        svg: svg(&payload)?,
        payload,
        bank_bin: config.bin.clone(),
        account_no: config.account_no.clone(),
        account_name: config.account_name.clone(),
        purpose,
    })
}

// ---------------------------------------------------------------------------------------------
// Incoming transfer notifications.

/// One credit to the agency's account, as our webhook receives it:
/// `{"id":"FT24122...","account":"0011001932418","amount":50000,"content":"MC0ABC... chuyen tien",
///   "time":"2024-05-01T10:06:00+07:00"}`, signed with HMAC-SHA256 over the raw body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankTransfer {
    /// The bank's transaction id, unique per credit (the idempotency key).
    pub id: String,
    /// The credited account number.
    pub account: String,
    /// Whole đồng; only credits are sent.
    pub amount: i64,
    /// The transfer content as the bank delivered it.
    pub content: String,
    /// When the bank booked it, RFC 3339; informational.
    #[serde(default)]
    pub time: String,
}

/// Verifies the signature over the raw body bytes, then parses.
pub fn verify_webhook(
    secret: &Secret,
    body: &str,
    signature_hex: Option<&str>,
) -> Result<BankTransfer, GatewayError> {
    let signature = signature_hex.ok_or(GatewayError::InvalidSignature)?;
    check_hex(&hmac_sha256_hex_bytes(secret, body.as_bytes()), signature)?;
    let transfer: BankTransfer = parse_json("bank webhook", body)?;
    if transfer.amount <= 0 {
        return Err(field_error("amount", "only credits are accepted"));
    }
    Ok(transfer)
}

/// What banks do to a transfer content: diacritics dropped, upper case, and punctuation and
/// spaces removed or replaced. Comparing on this form survives all of it.
pub fn normalize_content(content: &str) -> String {
    crate::text::fold(content)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Every window of the normalized content shaped like a [`Reference::from_random`] reference
/// (`MC` + 13 Crockford base32 characters), for the shell to look up.
pub fn candidate_references(content: &str) -> Vec<Reference> {
    const ALPHABET: &str = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let s = normalize_content(content);
    (0..s.len().saturating_sub(14))
        .filter(|&i| s[i..].starts_with("MC"))
        .filter_map(|i| s.get(i..i + 15))
        .filter(|w| w[2..].chars().all(|c| ALPHABET.contains(c)))
        .filter_map(|w| Reference::parse("content", w).ok())
        .collect()
}

/// A payment waiting for a transfer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwaitedTransfer {
    pub reference: Reference,
    pub amount: Vnd,
    pub account_no: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferMatch {
    Matched {
        reference: Reference,
    },
    /// The reference is there but the amount differs: recorded, not settled.
    AmountMismatch {
        reference: Reference,
        expected: Vnd,
        received: Vnd,
    },
    /// No awaited reference in the content (kept for manual reconciliation).
    Unmatched,
}

/// Matches a verified transfer to the awaited payments on the same account by the reference in
/// its content and the exact amount.
pub fn match_transfer(transfer: &BankTransfer, awaited: &[AwaitedTransfer]) -> TransferMatch {
    let content = normalize_content(&transfer.content);
    let found = awaited
        .iter()
        .filter(|a| a.account_no == transfer.account && content.contains(a.reference.as_str()))
        .collect::<Vec<_>>();
    if let Some(exact) = found.iter().find(|a| a.amount.as_dong() == transfer.amount) {
        return TransferMatch::Matched {
            reference: exact.reference.clone(),
        };
    }
    match found.first() {
        Some(a) => TransferMatch::AmountMismatch {
            reference: a.reference.clone(),
            expected: a.amount,
            received: Vnd::from_dong("amount", transfer.amount).unwrap_or(Vnd::ZERO),
        },
        None => TransferMatch::Unmatched,
    }
}

/// The webhook's answer: 200 once recorded (matched or not, so the sender stops retrying),
/// 401 for a bad signature, 500 to be retried.
pub fn webhook_reply(outcome: CallbackOutcome) -> Reply {
    match outcome {
        CallbackOutcome::InvalidSignature => Reply::json(
            401,
            r#"{"success":false,"error":"invalid signature"}"#.to_string(),
        ),
        CallbackOutcome::InvalidRequest => Reply::json(
            400,
            r#"{"success":false,"error":"invalid request"}"#.to_string(),
        ),
        CallbackOutcome::Error => {
            Reply::json(500, r#"{"success":false,"error":"retry"}"#.to_string())
        }
        _ => Reply::json(200, r#"{"success":true}"#.to_string()),
    }
}

/// The [`PaymentGateway`] face: the QR to start, the bank webhook as the callback.
#[derive(Debug, Clone)]
pub struct Vietqr {
    pub config: VietqrConfig,
    pub webhook_secret: Secret,
}

impl PaymentGateway for Vietqr {
    fn provider(&self) -> Provider {
        Provider::Vietqr
    }

    fn start(&self, request: &PaymentRequest) -> Result<StartPayment, GatewayError> {
        start(&self.config, request)
    }

    /// Uses the first reference-shaped window of the content; the shell still checks that the
    /// order exists and the amount matches (or uses [`match_transfer`] directly).
    fn verify_callback(&self, raw: &RawCallback) -> Result<CallbackVerdict, GatewayError> {
        let transfer = verify_webhook(
            &self.webhook_secret,
            &raw.body,
            raw.signature_header.as_deref(),
        )?;
        if transfer.account != self.config.account_no {
            return Err(field_error("account", "not the agency's account"));
        }
        let reference = candidate_references(&transfer.content)
            .into_iter()
            .next()
            .ok_or_else(|| {
                field_error("content", "no payment reference in the transfer content")
            })?;
        Ok(CallbackVerdict {
            provider: Provider::Vietqr,
            reference,
            amount: Vnd::from_dong("amount", transfer.amount)?,
            provider_txn: transfer.id,
            result: ProviderResult::Paid,
            code: "credit".to_string(),
            message: "Đã nhận chuyển khoản".to_string(),
        })
    }

    fn reply(&self, outcome: CallbackOutcome) -> Reply {
        webhook_reply(outcome)
    }
}

/// The bank's side, for the local sandbox.
pub mod sandbox {
    use super::*;

    /// The webhook body and the value of [`SIGNATURE_HEADER`].
    pub fn webhook(secret: &Secret, transfer: &BankTransfer) -> (String, String) {
        let body = serde_json::to_string(transfer).expect("plain fields serialize");
        let signature = hmac_sha256_hex_bytes(secret, body.as_bytes());
        (body, signature)
    }
}

#[cfg(test)]
mod tests {
    use super::sandbox::*;
    use super::*;
    use crate::gateway::testkit;

    #[test]
    fn crc_of_the_standard_check_string() {
        // The catalogued check value of CRC-16/CCITT-FALSE ("123456789" → 0x29B1), e.g. in
        // Greg Cook's CRC catalogue (reveng.sourceforge.io/crc-catalogue, CRC-16/IBM-3740).
        assert_eq!(crc16_ccitt_false(b"123456789"), 0x29B1);
        assert_eq!(crc16_ccitt_false(b""), 0xFFFF);
    }

    #[test]
    fn payload_matches_a_published_vietqr_example() {
        // README of github.com/subiz/vietqr: vietqr.Generate(120000, "970415", "0011001932418",
        // "ủng hộ lũ lụt") prints this payload (the purpose folded to "ung ho lu lut").
        let expected = "00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA\
530370454061200005802VN62170813ung ho lu lut6304C15C";
        assert_eq!(
            payload(
                "970415",
                "0011001932418",
                Vnd::dong(120_000),
                "ung ho lu lut"
            )
            .unwrap(),
            expected
        );
        let parsed = parse(expected).unwrap();
        assert_eq!(parsed.bin, "970415");
        assert_eq!(parsed.account_no, "0011001932418");
        assert_eq!(parsed.amount, Some(Vnd::dong(120_000)));
        assert_eq!(parsed.purpose.as_deref(), Some("ung ho lu lut"));
        assert_eq!(
            (
                parsed.currency.as_str(),
                parsed.country.as_str(),
                parsed.service.as_str()
            ),
            ("704", "VN", "QRIBFTTA")
        );
        assert!(parsed.dynamic);
    }

    #[test]
    fn parse_rejects_a_corrupted_payload() {
        let good = payload(
            "970415",
            "0011001932418",
            Vnd::dong(120_000),
            "MC00000000TEST1",
        )
        .unwrap();
        let bad = good.replace("5406120000", "5406920000");
        assert_eq!(
            parse(&bad).unwrap_err(),
            GatewayError::malformed("payload", "CRC mismatch")
        );
        assert!(parse("0002").is_err());
    }

    #[test]
    fn payload_refuses_bad_inputs() {
        assert!(payload("97041", "1", Vnd::dong(1), "").is_err());
        assert!(payload("970415", "12-34", Vnd::dong(1), "").is_err());
        assert!(payload("970415", "1234", Vnd::dong(1), "chuyển tiền").is_err());
        assert!(payload("970415", "1234", Vnd::dong(1), &"X".repeat(26)).is_err());
        assert!(payload("970415", "1234", Vnd::ZERO, "X").is_err());
    }

    #[test]
    fn svg_decodes_back_to_the_payload() {
        let p = payload(
            "970415",
            "0011001932418",
            Vnd::dong(50_000),
            "MC00000000TEST1",
        )
        .unwrap();
        let svg = svg(&p).unwrap();
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "));
        assert!(svg.contains("shape-rendering=\"crispEdges\""));
        // Rasterise the path (8 px per module) and read it with an independent decoder.
        let size: usize = svg
            .split("viewBox=\"0 0 ")
            .nth(1)
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let mut dark = vec![false; size * size];
        let d = svg
            .split(" d=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        for cmd in d.split('M').filter(|c| !c.is_empty()) {
            let (xy, rest) = cmd.split_once('h').unwrap();
            let (x, y) = xy.split_once(' ').unwrap();
            let (x, y): (usize, usize) = (x.parse().unwrap(), y.parse().unwrap());
            let run: usize = rest.split('v').next().unwrap().parse().unwrap();
            for i in 0..run {
                dark[y * size + x + i] = true;
            }
        }
        let scale = 8;
        let mut img =
            rqrr::PreparedImage::prepare_from_greyscale(size * scale, size * scale, |x, y| {
                if dark[(y / scale) * size + x / scale] {
                    0
                } else {
                    255
                }
            });
        let grids = img.detect_grids();
        assert_eq!(grids.len(), 1);
        let (meta, content) = grids[0].decode().unwrap();
        assert_eq!(content, p);
        assert_eq!(meta.ecc_level, 0, "rqrr numbers EC level M as 0");
    }

    #[test]
    fn start_shows_qr_with_reference_as_purpose() {
        let cfg = VietqrConfig {
            bin: "970415".into(),
            account_no: "0011001932418".into(),
            account_name: "UBND XA A".into(),
        };
        let StartPayment::Qr {
            payload, purpose, ..
        } = start(&cfg, &testkit::request(50_000)).unwrap()
        else {
            panic!("vietqr shows a QR")
        };
        assert_eq!(purpose, "MC00000000TEST1");
        assert_eq!(
            parse(&payload).unwrap().purpose.as_deref(),
            Some("MC00000000TEST1")
        );
    }

    fn transfer(content: &str, amount: i64) -> BankTransfer {
        BankTransfer {
            id: "FT24122000001".into(),
            account: "0011001932418".into(),
            amount,
            content: content.into(),
            time: "2024-05-01T10:06:00+07:00".into(),
        }
    }

    #[test]
    fn webhook_round_trip_and_forgery() {
        let secret = Secret::new("bank-webhook-secret");
        let (body, sig) = webhook(&secret, &transfer("MC00000000TEST1", 50_000));
        assert_eq!(
            verify_webhook(&secret, &body, Some(&sig)).unwrap().amount,
            50_000
        );
        assert_eq!(
            verify_webhook(&secret, &body, None),
            Err(GatewayError::InvalidSignature)
        );
        let forged = body.replace("50000", "50001");
        assert_eq!(
            verify_webhook(&secret, &forged, Some(&sig)),
            Err(GatewayError::InvalidSignature)
        );
        let (debit, sig) = webhook(&secret, &transfer("MC00000000TEST1", -5));
        assert!(verify_webhook(&secret, &debit, Some(&sig)).is_err());
    }

    #[test]
    fn gateway_reads_the_reference_from_mangled_content() {
        let secret = Secret::new("s");
        let gw = Vietqr {
            config: VietqrConfig {
                bin: "970415".into(),
                account_no: "0011001932418".into(),
                account_name: "X".into(),
            },
            webhook_secret: secret.clone(),
        };
        let (body, sig) = webhook(
            &secret,
            &transfer("MBVCB.5012.mc00000000test1.CT tu 0123 NGUYEN VAN A", 50_000),
        );
        let v = gw
            .verify_callback(&RawCallback {
                body,
                signature_header: Some(sig),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(v.reference.as_str(), "MC00000000TEST1");
        assert_eq!(v.provider_txn, "FT24122000001");
        assert_eq!(gw.reply(CallbackOutcome::InvalidSignature).status, 401);
        assert_eq!(gw.reply(CallbackOutcome::OrderNotFound).status, 200);
    }

    #[test]
    fn matching_survives_bank_mangling_and_requires_the_exact_amount() {
        let awaited = [
            AwaitedTransfer {
                reference: Reference::parse("r", "MC00000000TEST1").unwrap(),
                amount: Vnd::dong(50_000),
                account_no: "0011001932418".into(),
            },
            AwaitedTransfer {
                reference: Reference::parse("r", "MC00000000TEST2").unwrap(),
                amount: Vnd::dong(70_000),
                account_no: "0011001932418".into(),
            },
        ];
        for content in [
            "MC00000000TEST1",
            "mc00000000test1 chuyen tien",
            "IBFT MC 00000000-TEST1",
            "Lệ phí MC00000000TEST1.",
            "MC00000000 TEST1",
        ] {
            assert_eq!(
                match_transfer(&transfer(content, 50_000), &awaited),
                TransferMatch::Matched {
                    reference: awaited[0].reference.clone()
                },
                "{content}"
            );
        }
        assert_eq!(
            match_transfer(&transfer("MC00000000TEST2", 50_000), &awaited),
            TransferMatch::AmountMismatch {
                reference: awaited[1].reference.clone(),
                expected: Vnd::dong(70_000),
                received: Vnd::dong(50_000)
            }
        );
        assert_eq!(
            match_transfer(&transfer("chuyen tien le phi", 50_000), &awaited),
            TransferMatch::Unmatched
        );
        let mut other_account = transfer("MC00000000TEST1", 50_000);
        other_account.account = "999".into();
        assert_eq!(
            match_transfer(&other_account, &awaited),
            TransferMatch::Unmatched
        );
    }

    proptest::proptest! {
        #[test]
        fn any_valid_payload_parses_back(
            bin in "9704[0-9]{2}",
            account in "[0-9A-Z]{1,19}",
            amount in 1i64..10_000_000_000,
            purpose in "[ -~]{0,25}",
        ) {
            let p = payload(&bin, &account, Vnd::dong(amount), &purpose).unwrap();
            let parsed = parse(&p).unwrap();
            proptest::prop_assert_eq!(parsed.bin, bin);
            proptest::prop_assert_eq!(parsed.account_no, account);
            proptest::prop_assert_eq!(parsed.amount, Some(Vnd::dong(amount)));
            proptest::prop_assert_eq!(parsed.purpose.unwrap_or_default(), purpose);
        }

        #[test]
        fn a_reference_is_found_whatever_the_bank_does_to_spacing_and_case(
            n in proptest::prelude::any::<u64>(),
            prefix in "[A-Za-z0-9 .]{0,20}",
            cut in 0usize..15,
        ) {
            let r = Reference::from_random(n);
            let (a, b) = r.as_str().split_at(cut);
            let content = format!("{prefix} {}-{} chuyen tien", a.to_lowercase(), b);
            let awaited = [AwaitedTransfer { reference: r.clone(), amount: Vnd::dong(1000), account_no: "1".into() }];
            let t = BankTransfer { id: "x".into(), account: "1".into(), amount: 1000, content, time: String::new() };
            proptest::prop_assert_eq!(match_transfer(&t, &awaited), TransferMatch::Matched { reference: r });
        }
    }

    #[test]
    fn candidate_references_finds_reference_shaped_windows() {
        let found = candidate_references("CT DEN:0123 MC00000000TEST1 ND");
        assert!(found.iter().any(|r| r.as_str() == "MC00000000TEST1"));
        assert!(candidate_references("khong co ma").is_empty());
        // I, L, O, U are not in the alphabet.
        assert!(candidate_references("MCIIIIIIIIIIIII").is_empty());
    }
}
