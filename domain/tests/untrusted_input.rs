//! Every parser that sees bytes from outside (a citizen's form, a staff log-in, a CSV import, a
//! payment provider's callback) is fed arbitrary input here: it must answer, never panic, and
//! a refusal must name what was wrong. Callbacks are tried both unsigned (refused at the
//! signature) and correctly signed over junk, so the parsing behind the signature check runs.

use std::collections::BTreeMap;

use hmac::{Hmac, Mac};
use motcua_domain::auth::{otp, totp, StaffLogin};
use motcua_domain::citizen::{CitizenId, Email, Phone};
use motcua_domain::dashboard::parse_import;
use motcua_domain::gateway::momo::{IpnWire, Momo, MomoConfig};
use motcua_domain::gateway::paygov::{ConfirmWire, Paygov, PaygovConfig};
use motcua_domain::gateway::vietqr::{Vietqr, VietqrConfig, SIGNATURE_HEADER};
use motcua_domain::gateway::vnpay::{sign_params, Vnpay, VnpayConfig};
use motcua_domain::gateway::zalopay::{Zalopay, ZalopayConfig};
use motcua_domain::gateway::{form_encode, GatewayError, PaymentGateway, RawCallback, Secret};
use motcua_domain::validation::from_json;
use proptest::prelude::*;
use sha2::Sha256;

fn hmac_sha256(key: &str, data: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(data.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Text that looks a little like what a provider sends: digits, letters, JSON and query
/// punctuation, percent escapes, Vietnamese, and anything else now and then.
fn junk() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9]{0,25}",
        "[A-Za-z0-9 ._:+-]{0,30}",
        "[-+0-9eE.]{0,12}",
        "[%&=?{}\\[\\]\":,0-9a-fA-F]{0,40}",
        "\\PC{0,30}",
        Just(String::new()),
        Just("99999999999999999999999999".to_string()),
        Just("-1".to_string()),
        Just("1e309".to_string()),
    ]
}

fn query(params: &BTreeMap<String, String>) -> String {
    params.iter().map(|(k, v)| format!("{}={}", form_encode(k), form_encode(v))).collect::<Vec<_>>().join("&")
}

fn raw(query: String, body: String, signature_header: Option<String>) -> RawCallback {
    RawCallback { query, body, signature_header }
}

const VNPAY_FIELDS: &[&str] = &[
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_CardType",
    "vnp_OrderInfo",
    "vnp_PayDate",
    "vnp_ResponseCode",
    "vnp_TmnCode",
    "vnp_TransactionNo",
    "vnp_TransactionStatus",
    "vnp_TxnRef",
    "vnp_SecureHashType",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    #[test]
    fn one_time_codes_and_phones(input in "\\PC{0,30}", digits in "[0-9 ]{0,12}") {
        for s in [&input, &digits] {
            match otp::parse_code(s) {
                Ok(code) => prop_assert!(code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())),
                Err(e) => prop_assert_eq!(e.field, "code"),
            }
            match totp::parse_code(s) {
                Ok(code) => prop_assert!(code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())),
                Err(e) => prop_assert_eq!(e.field, "totp"),
            }
            match Phone::parse("phone", s) {
                Ok(p) => prop_assert!(p.as_str().len() == 10 && p.as_str().starts_with('0')),
                Err(e) => prop_assert_eq!(e.field, "phone"),
            }
            if let Err(e) = CitizenId::parse("citizen_id", s) {
                prop_assert_eq!(e.field, "citizen_id");
            }
            if let Err(e) = Email::parse("email", s) {
                prop_assert_eq!(e.field, "email");
            }
        }
    }

    #[test]
    fn staff_log_in_bodies(username in junk(), password in junk(), totp in proptest::option::of(junk()), body in "\\PC{0,60}") {
        let json = serde_json::json!({"username": username, "password": password, "totp": totp}).to_string();
        let login: StaffLogin = from_json(&json).unwrap();
        prop_assert_eq!(login.username, username);
        if let Err(e) = from_json::<StaffLogin>(&body) {
            prop_assert!(!e.field.is_empty() && !e.code.is_empty() && !e.message_vi.is_empty());
        }
        // Wrong types are named by their field.
        let wrong = serde_json::json!({"username": 5, "password": password}).to_string();
        prop_assert_eq!(from_json::<StaffLogin>(&wrong).unwrap_err().field, "username");
    }

    #[test]
    fn dashboard_csv_import(lines in proptest::collection::vec(
        prop_oneof![
            "[0-9A-Z.]{0,16},[0-9Q-]{0,10},[0-9-]{0,6},[0-9-]{0,6}",
            "[^\\n]{0,40}",
            Just("agency,period,online,other".to_string()),
            Just("000.00.00.H42,2023-Q4,10,5".to_string()),
            Just("\"000.00.00.H42\",\"2023\",\"1\",\"2\"".to_string()),
        ],
        0..12,
    ), crlf in any::<bool>()) {
        let text = lines.join(if crlf { "\r\n" } else { "\n" });
        match parse_import(&text) {
            Ok(rows) => prop_assert!(rows.iter().all(|r| r.line >= 1)),
            Err(errors) => {
                prop_assert!(!errors.is_empty());
                for e in errors {
                    prop_assert!(e.line >= 1 && !e.field.is_empty() && !e.code.is_empty() && !e.message_vi.is_empty());
                }
            }
        }
    }

    #[test]
    fn vnpay_callbacks(query_text in "\\PC{0,80}", params in proptest::collection::btree_map(proptest::sample::select(VNPAY_FIELDS), junk(), 0..11)) {
        let config = VnpayConfig::new("MOTCUA01", Secret::new("vnpay-secret"));
        let gateway = Vnpay(config.clone());
        prop_assert!(gateway.verify_callback(&raw(query_text, String::new(), None)).is_err());
        let mut params: BTreeMap<String, String> = params.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        params.remove("vnp_SecureHashType");
        let signature = sign_params(&config, &params);
        params.insert("vnp_SecureHash".into(), signature);
        // Signed junk: parsed past the signature, still refused or a verdict, never a panic.
        let r = gateway.verify_callback(&raw(query(&params), String::new(), None));
        prop_assert!(!matches!(r, Err(GatewayError::InvalidSignature)), "signed junk passes the signature check: {:?}", r);
    }

    #[test]
    fn momo_ipns(body in "\\PC{0,120}", order_id in junk(), amount in junk(), result_code in junk(), trans_id in junk(), partner in prop_oneof![Just("MOMO".to_string()), junk()]) {
        let config = MomoConfig::new("MOMO", "access", Secret::new("momo-secret"));
        let gateway = Momo(config.clone());
        prop_assert!(gateway.verify_callback(&raw(String::new(), body, None)).is_err());
        let mut wire = IpnWire { partner_code: partner, order_id, amount, result_code, trans_id, ..IpnWire::default() };
        wire.signature = hmac_sha256("momo-secret", &wire.raw(&config.access_key));
        let r = gateway.verify_callback(&raw(String::new(), serde_json::to_string(&wire).unwrap(), None));
        prop_assert!(!matches!(r, Err(GatewayError::InvalidSignature)), "{:?}", r);
        // Fields of the wrong JSON type.
        let odd = serde_json::json!({"partnerCode": 1, "orderId": [], "amount": {"x": 1}, "resultCode": null, "signature": 5}).to_string();
        prop_assert!(gateway.verify_callback(&raw(String::new(), odd, None)).is_err());
    }

    #[test]
    fn zalopay_callbacks(body in "\\PC{0,120}", data in "\\PC{0,80}", app_id in prop_oneof![Just("2553".to_string()), junk()], app_trans_id in junk(), amount in junk()) {
        let config = ZalopayConfig::new("2553", Secret::new("key1"), Secret::new("key2"));
        let gateway = Zalopay(config);
        prop_assert!(gateway.verify_callback(&raw(String::new(), body, None)).is_err());
        for data in [
            data,
            serde_json::json!({"app_id": app_id, "app_trans_id": app_trans_id, "amount": amount, "zp_trans_id": 1}).to_string(),
            serde_json::json!({"app_id": 2553, "app_trans_id": 7, "amount": amount}).to_string(),
        ] {
            let body = serde_json::json!({"data": data, "mac": hmac_sha256("key2", &data), "type": 1}).to_string();
            let r = gateway.verify_callback(&raw(String::new(), body, None));
            prop_assert!(!matches!(r, Err(GatewayError::InvalidSignature)), "{:?}", r);
        }
    }

    #[test]
    fn national_platform_confirms(body in "\\PC{0,120}", reference in junk(), amount in junk(), code in junk(), partner in prop_oneof![Just("MOTCUA".to_string()), junk()]) {
        let config = PaygovConfig::new("MOTCUA", Secret::new("paygov-secret"), "http://127.0.0.1:9/");
        let gateway = Paygov(config.clone());
        prop_assert!(gateway.verify_callback(&raw(String::new(), body, None)).is_err());
        let mut wire = ConfirmWire { MaDoiTac: partner, MaThamChieu: reference, SoTien: amount, MaLoi: code, ..ConfirmWire::default() };
        wire.MaXacThuc = wire.expected_mac(&config.secret);
        let r = gateway.verify_callback(&raw(String::new(), serde_json::to_string(&wire).unwrap(), None));
        prop_assert!(!matches!(r, Err(GatewayError::InvalidSignature)), "{:?}", r);
    }

    #[test]
    fn vietqr_bank_webhooks(body in "\\PC{0,120}", account in junk(), amount in junk(), content in "\\PC{0,60}", signature in proptest::option::of("[0-9a-f]{0,64}")) {
        let gateway = Vietqr {
            config: VietqrConfig { bin: "970415".into(), account_no: "113366668888".into(), account_name: "KHO BAC".into() },
            webhook_secret: Secret::new("bank-secret"),
        };
        prop_assert!(gateway.verify_callback(&raw(String::new(), body.clone(), signature)).is_err());
        let amount_value: serde_json::Value = amount.parse::<i64>().map(Into::into).unwrap_or_else(|_| amount.clone().into());
        for body in [body, serde_json::json!({"id": "t1", "account": account, "amount": amount_value, "content": content}).to_string()] {
            let signature = hmac_sha256("bank-secret", &body);
            let r = gateway.verify_callback(&raw(String::new(), body, Some(signature)));
            prop_assert!(!matches!(r, Err(GatewayError::InvalidSignature)), "{:?}", r);
        }
        let _ = SIGNATURE_HEADER;
    }
}
