//! Provider callbacks that must change nothing: forged signatures and unknown orders, each
//! answered in the provider's own format and codes.

use motcua_domain::gateway::vnpay::sandbox::{callback_query, PaymentResult};
use motcua_domain::gateway::vnpay::VnpayConfig;
use motcua_domain::gateway::Secret;
use motcua_domain::money::Vnd;
use serde_json::Value;

use crate::support::{app, dev_var};

pub fn vnpay_config() -> VnpayConfig {
    VnpayConfig::new(dev_var("VNPAY_TMN_CODE"), Secret::new(dev_var("VNPAY_HASH_SECRET")))
}

/// Đại Sơn's own sandbox merchant at VNPay (the demo data's, scripts/gen_demo_sql.py).
pub fn daison_vnpay_config() -> VnpayConfig {
    VnpayConfig::new("DAISON01", Secret::new(crate::money::DAISON_VNPAY_SECRET))
}

pub fn vnpay_result(reference: &str, amount: i64, response_code: &str) -> PaymentResult {
    PaymentResult {
        txn_ref: reference.to_string(),
        amount: Vnd::dong(amount),
        order_info: format!("Thanh toan ho so {reference}"),
        response_code: response_code.to_string(),
        transaction_status: if response_code == "00" { "00".into() } else { "02".into() },
        transaction_no: "14567890".into(),
        bank_code: "NCB".into(),
        pay_date: time::OffsetDateTime::now_utc(),
    }
}

pub fn vnpay_ipn(query: &str) -> Value {
    let resp = app().get(&format!("/api/payments/vnpay/ipn?{query}"));
    assert_eq!(resp.status(), 200, "VNPay IPN always answers 200 with an RspCode");
    resp.json().unwrap()
}

#[test]
fn vnpay_ipn_with_a_forged_signature_answers_97() {
    let mut query = callback_query(&vnpay_config(), &vnpay_result("MCUNKNOWN000001", 21_000, "00"));
    query = query.replace("vnp_Amount=2100000", "vnp_Amount=100");
    let body = vnpay_ipn(&query);
    assert_eq!(body["RspCode"], "97");
}

#[test]
fn vnpay_ipn_for_an_unknown_order_answers_01() {
    let query = callback_query(&vnpay_config(), &vnpay_result("MCUNKNOWN000002", 21_000, "00"));
    let body = vnpay_ipn(&query);
    assert_eq!(body["RspCode"], "01");
}

#[test]
fn other_providers_refuse_bad_signatures_in_their_own_format() {
    let resp = app().post_raw("/api/payments/zalopay/callback", "application/json", r#"{"data":"{\"app_trans_id\":\"261123_X\"}","mac":"00","type":1}"#);
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().unwrap();
    assert_eq!(body["return_code"], -1, "ZaloPay: -1 on a bad mac");

    let resp = app().post_raw(
        "/api/payments/momo/ipn",
        "application/json",
        r#"{"partnerCode":"MOMO","orderId":"MCUNKNOWN000003","requestId":"x","amount":1000,"orderInfo":"x","orderType":"momo_wallet","transId":1,"resultCode":0,"message":"ok","payType":"qr","responseTime":1,"extraData":"","signature":"00"}"#,
    );
    // MoMo's protocol acknowledges every IPN with 204 and no body; what a forged one must not do
    // is change anything, which the settlement tests check on a real order.
    assert_eq!(resp.status(), 204);
    assert!(resp.text().unwrap().is_empty());

    let resp = app()
        .client
        .post(app().url("/api/payments/bank/webhook"))
        .header("content-type", "application/json")
        .header("X-Bank-Signature", "00")
        .body(r#"{"id":"FT1","account":"1","amount":1,"content":"MC1","time":""}"#)
        .send()
        .unwrap();
    assert_eq!(resp.status(), 401, "bank webhook: 401 on a bad signature");
}

/// A small deterministic generator, so a failing junk input can be replayed.
struct Junk(u64);

impl Junk {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// Junk in the shapes that broke parsers: raw bytes, truncated and mistyped JSON, deep
    /// nesting, huge numbers, every field of a real message with a wrong type.
    fn body(&mut self, template: &str) -> Vec<u8> {
        match self.next() % 9 {
            0 => (0..(self.next() % 300)).map(|_| self.next() as u8).collect(),
            1 => template.as_bytes()[..(self.next() as usize % template.len().max(1))].to_vec(),
            2 => "[".repeat(1 + (self.next() % 2000) as usize).into_bytes(),
            3 => format!("{{\"amount\": 1e{}}}", self.next() % 400).into_bytes(),
            4 => {
                let v: Value = serde_json::from_str(template).unwrap();
                let mut o = v.as_object().unwrap().clone();
                let keys: Vec<String> = o.keys().cloned().collect();
                let k = &keys[self.next() as usize % keys.len()];
                let wrong = [json!(null), json!([1, 2]), json!({"a": 1}), json!(-1), json!("x"), json!(1.5), json!(true), json!(u64::MAX)];
                o.insert(k.clone(), wrong[self.next() as usize % wrong.len()].clone());
                serde_json::to_vec(&o).unwrap()
            }
            5 => Vec::new(),
            6 => b"null".to_vec(),
            7 => format!("{{\"data\": {}, \"mac\": 7, \"type\": \"x\"}}", self.next()).into_bytes(),
            _ => template.replace('"', "'").into_bytes(),
        }
    }
}

use serde_json::json;

#[test]
fn junk_callbacks_never_get_a_server_error_and_are_answered_in_each_providers_format() {
    let momo = r#"{"partnerCode":"MOMO","orderId":"MCUNKNOWN000003","requestId":"x","amount":1000,"orderInfo":"x","orderType":"momo_wallet","transId":1,"resultCode":0,"message":"ok","payType":"qr","responseTime":1,"extraData":"","signature":"00"}"#;
    let paygov = r#"{"LoaiBanTin":"CONFIRM","MaLoi":"00","MaDoiTac":"P","MaThamChieu":"MC1","SoTien":"1000","MaTienTe":"VND","MaGiaoDich":"1","MaNganHang":"NCB","ThoiGianGD":"20260101","ThongTinGiaoDich":"x","MaXacThuc":"00"}"#;
    let zalopay = r#"{"data":"{\"app_trans_id\":\"261123_X\"}","mac":"00","type":1}"#;
    let bank = r#"{"id":"FT1","account":"1","amount":1,"content":"MC1","time":""}"#;
    let mut junk = Junk(0x5eed_1234_abcd_0001);
    let mut server_errors = Vec::new();
    for i in 0..980 {
        let (path, template) = match i % 4 {
            0 => ("/api/payments/momo/ipn", momo),
            1 => ("/api/payments/paygov/confirm", paygov),
            2 => ("/api/payments/zalopay/callback", zalopay),
            _ => ("/api/payments/bank/webhook", bank),
        };
        let body = junk.body(template);
        let resp = app()
            .client
            .post(app().url(path))
            .header("content-type", "application/json")
            .header("X-Bank-Signature", "00")
            .body(body.clone())
            .send()
            .unwrap();
        let status = resp.status().as_u16();
        let text = resp.text().unwrap_or_default();
        if status >= 500 {
            server_errors.push(format!("{path} {status} <- {:?}", String::from_utf8_lossy(&body).chars().take(80).collect::<String>()));
            continue;
        }
        match path {
            "/api/payments/momo/ipn" => {
                assert!(status == 204 || (status == 400 && serde_json::from_str::<Value>(&text).unwrap()["resultCode"] == 20), "{status} {text}")
            }
            "/api/payments/paygov/confirm" => {
                assert_eq!(status, 200);
                assert!(serde_json::from_str::<Value>(&text).unwrap()["MaLoi"].is_string(), "{text}");
            }
            "/api/payments/zalopay/callback" => {
                assert_eq!(status, 200);
                assert_eq!(serde_json::from_str::<Value>(&text).unwrap()["return_code"], -1, "{text}");
            }
            _ => {
                assert!(status == 400 || status == 401, "{status} {text}");
                assert_eq!(serde_json::from_str::<Value>(&text).unwrap()["success"], false, "{text}");
            }
        }
    }
    assert!(server_errors.is_empty(), "{} server errors: {:#?}", server_errors.len(), &server_errors[..server_errors.len().min(10)]);
}

#[test]
fn a_signed_vnpay_ipn_for_a_reference_that_is_not_ours_answers_01_whatever_its_shape() {
    for reference in ["", "x", "mc-lower-case", "MC", &"A".repeat(200), "Hồ sơ 123", "MC123'; DROP TABLE payments;--", "MC0000000000000000000000000000000000000001"] {
        let query = callback_query(&vnpay_config(), &vnpay_result(reference, 21_000, "00"));
        assert_eq!(vnpay_ipn(&query)["RspCode"], "01", "reference {reference:?}");
    }
}
