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
