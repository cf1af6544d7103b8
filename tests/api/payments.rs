//! The money flow against a real `wrangler dev`: a dossier's fee notice is paid through each
//! provider's protocol, every callback case gets the provider's answer and leaves the ledger
//! right, duplicates settle once, forged callbacks change nothing, and a lost callback is
//! settled by reconciliation.

use motcua_domain::gateway::momo::{sandbox as momo_side, MomoConfig};
use motcua_domain::gateway::vietqr::{sandbox as bank_side, BankTransfer, SIGNATURE_HEADER};
use motcua_domain::gateway::vnpay::sandbox::callback_query;
use motcua_domain::gateway::zalopay::{self, ZalopayConfig};
use motcua_domain::gateway::{parse_query, Secret};
use motcua_domain::money::Vnd;
use serde_json::{json, Value};

use crate::callbacks::{daison_vnpay_config, vnpay_config, vnpay_ipn, vnpay_result};
use crate::support::{agency_code, app, dev_var, expect_error, Session};

/// A dossier of `agency` (5 pages × 3 copies: 21.000 đ) received and fee-notified by `officer`.
pub struct Fixture {
    pub citizen: Session,
    pub officer: Session,
    pub dossier_id: String,
    pub total: i64,
}

pub fn dossier_awaiting_payment(phone: &str, agency_name: &str, officer: &str) -> Fixture {
    let citizen = app().login_citizen(phone);
    let agency = agency_code(agency_name);
    let resp = citizen.post_json(
        "/api/dossiers",
        &json!({
            "agency": agency,
            "procedure": "2.000815",
            "applicant": {"full_name": "Nguyễn Văn An", "id_number": "042090001234", "phone": phone, "address": "Thôn Tân Hương, xã Sơn Tây"},
            "inputs": {"pages": 5, "copies": 3}
        }),
    );
    assert_eq!(resp.status(), 201, "{}", resp.text().unwrap_or_default());
    let dossier: Value = resp.json().unwrap();
    let dossier_id = dossier["id"].as_str().unwrap().to_string();
    let officer = app().login_staff(officer);
    // Receiving needs the procedure's documents ticked (the desk's checklist).
    let documents = app().get("/api/procedures/2.000815").json::<Value>().unwrap()["documents"].clone();
    let resp = officer.post_json(&format!("/api/staff/dossiers/{dossier_id}/actions"), &json!({"action": "receive", "documents": documents}));
    assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());
    let resp = officer.post_json(&format!("/api/staff/dossiers/{dossier_id}/fee-notice"), &json!({}));
    assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());
    let notified: Value = resp.json().unwrap();
    assert_eq!(notified["status"], "fee_notified");
    let total = notified["fee_notice"]["total"].as_i64().unwrap();
    assert_eq!(total, 21_000);
    Fixture { citizen, officer, dossier_id, total }
}

impl Fixture {
    pub fn detail(&self) -> Value {
        let resp = self.citizen.get(&format!("/api/dossiers/{}", self.dossier_id));
        assert_eq!(resp.status(), 200);
        resp.json().unwrap()
    }

    /// Starts a payment and returns `(reference, next)`.
    pub fn start(&self, provider: &str) -> (String, Value) {
        let resp = self.citizen.post_json(&format!("/api/dossiers/{}/payments", self.dossier_id), &json!({"provider": provider}));
        assert_eq!(resp.status(), 201, "{}", resp.text().unwrap_or_default());
        let body: Value = resp.json().unwrap();
        (body["payment"]["reference"].as_str().unwrap().to_string(), body["next"].clone())
    }

    pub fn assert_paid_once(&self) -> Value {
        let d = self.detail();
        assert_eq!(d["status"], "paid", "{d}");
        assert_eq!(d["payable"], false);
        let receipt = &d["receipt"];
        crate::money::assert_legal_receipt(receipt, self.total);
        let paid = d["payments"].as_array().unwrap().iter().filter(|p| p["status"] == "paid").count();
        assert_eq!(paid, 1, "exactly one payment settled");
        d
    }

    pub fn assert_still_payable(&self) {
        let d = self.detail();
        assert_eq!(d["status"], "fee_notified", "{d}");
        assert_eq!(d["payable"], true);
        assert!(d["receipt"].is_null());
    }
}

#[test]
fn vnpay_success_settles_and_issues_a_receipt_then_answers_02() {
    let f = dossier_awaiting_payment("0911000101", "UBND xã Sơn Tây", "sontay.motcua");
    let (reference, next) = f.start("vnpay");
    let url = next["url"].as_str().unwrap();
    assert!(url.contains("/sandbox/vnpay/paymentv2/vpcpay.html?") && url.contains("vnp_Amount=2100000"), "{url}");
    assert!(url.contains(&format!("vnp_TxnRef={reference}")));
    let query = callback_query(&vnpay_config(), &vnpay_result(&reference, f.total, "00"));
    assert_eq!(vnpay_ipn(&query)["RspCode"], "00");
    let d = f.assert_paid_once();
    assert_eq!(d["receipt"]["provider"], "vnpay");
    assert_eq!(vnpay_ipn(&query)["RspCode"], "02", "already confirmed");
    f.assert_paid_once();
}

#[test]
fn vnpay_forged_wrong_amount_and_failed_callbacks_leave_the_amount_payable() {
    let f = dossier_awaiting_payment("0911000102", "UBND xã Sơn Tây", "sontay.motcua");
    let (reference, _) = f.start("vnpay");
    // Forged: the amount was changed after signing, so the signature no longer matches.
    let forged = callback_query(&vnpay_config(), &vnpay_result(&reference, f.total, "00")).replace("vnp_Amount=2100000", "vnp_Amount=100");
    assert!(forged.contains("vnp_Amount=100&"));
    assert_eq!(vnpay_ipn(&forged)["RspCode"], "97");
    let wrong_key = callback_query(
        &motcua_domain::gateway::vnpay::VnpayConfig::new(dev_var("VNPAY_TMN_CODE"), Secret::new("NOT-THE-SECRET")),
        &vnpay_result(&reference, f.total, "00"),
    );
    assert_eq!(vnpay_ipn(&wrong_key)["RspCode"], "97");
    f.assert_still_payable();
    // Signed correctly, but for another amount.
    let cheaper = callback_query(&vnpay_config(), &vnpay_result(&reference, 1_000, "00"));
    assert_eq!(vnpay_ipn(&cheaper)["RspCode"], "04");
    f.assert_still_payable();
    // A failed transaction is recorded (00, as VNPay's sample does) and leaves it payable.
    let (reference2, _) = f.start("vnpay");
    let cancelled = callback_query(&vnpay_config(), &vnpay_result(&reference2, f.total, "24"));
    assert_eq!(vnpay_ipn(&cancelled)["RspCode"], "00");
    f.assert_still_payable();
    let d = f.detail();
    let latest = &d["payments"][0];
    assert_eq!(latest["reference"], reference2);
    assert_eq!(latest["finished"], true);
    assert_eq!(latest["status"], "cancelled");
}

#[test]
fn twenty_concurrent_identical_callbacks_settle_once() {
    let f = dossier_awaiting_payment("0911000103", "UBND xã Đại Sơn", "daison.motcua");
    // Đại Sơn pays through its own merchant: its callbacks are signed with its key.
    let (reference, _) = f.start("vnpay");
    let query = callback_query(&daison_vnpay_config(), &vnpay_result(&reference, f.total, "00"));
    let answers: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..20).map(|_| s.spawn(|| vnpay_ipn(&query)["RspCode"].as_str().unwrap().to_string())).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(answers.iter().filter(|c| *c == "00").count(), 1, "{answers:?}");
    assert_eq!(answers.iter().filter(|c| *c == "02").count(), 19, "{answers:?}");
    f.assert_paid_once();
    // The daily statement of the agency has this settlement exactly once.
    let csv = f.officer.get(&format!("/api/staff/statements?agency={}", agency_code("UBND xã Đại Sơn"))).text().unwrap();
    let code = f.detail()["code"].as_str().unwrap().to_string();
    assert_eq!(csv.matches(&code).count(), 1, "{csv}");
    assert!(csv.contains("provider,vnpay,"), "{csv}");
    // Phí go to the agency's own account (VietinBank in the demo data); other tests may settle
    // at the counter here too, so only this settlement's presence is certain.
    let to_account: i64 = csv
        .lines()
        .find(|l| l.starts_with("beneficiary,") && l.contains(" 970415/"))
        .and_then(|l| l.rsplit(',').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(to_account >= 21_000, "{csv}");
}

pub(crate) fn momo_config() -> MomoConfig {
    MomoConfig::new(dev_var("MOMO_PARTNER_CODE"), dev_var("MOMO_ACCESS_KEY"), Secret::new(dev_var("MOMO_SECRET_KEY")))
}

fn momo_ipn(order_id: &str, amount: i64, result_code: i64, config: &MomoConfig) -> reqwest::blocking::Response {
    let body = momo_side::ipn_body(
        config,
        &momo_side::PaymentResult {
            order_id: order_id.into(),
            request_id: format!("rq{order_id}"),
            amount: Vnd::dong(amount),
            order_info: "Thanh toan".into(),
            trans_id: 4_100_000_001,
            result_code,
            pay_type: "qr".into(),
            extra_data: String::new(),
            response_time: time::OffsetDateTime::now_utc(),
        },
    );
    app().post_raw("/api/payments/momo/ipn", "application/json", &body)
}

#[test]
fn momo_ipn_cases() {
    let f = dossier_awaiting_payment("0911000104", "UBND xã Sơn Tây", "sontay.motcua");
    let (reference, next) = f.start("momo");
    assert!(next["url"].as_str().unwrap().contains("/sandbox/momo/pay?orderId="), "{next}");
    let forger = MomoConfig::new(dev_var("MOMO_PARTNER_CODE"), dev_var("MOMO_ACCESS_KEY"), Secret::new("forged"));
    assert_eq!(momo_ipn(&reference, f.total, 0, &forger).status(), 204);
    f.assert_still_payable();
    assert_eq!(momo_ipn(&reference, 500, 0, &momo_config()).status(), 204);
    f.assert_still_payable();
    assert_eq!(momo_ipn(&reference, f.total, 1006, &momo_config()).status(), 204);
    f.assert_still_payable();
    let (reference, _) = f.start("momo");
    assert_eq!(momo_ipn(&reference, f.total, 0, &momo_config()).status(), 204);
    f.assert_paid_once();
    assert_eq!(momo_ipn(&reference, f.total, 0, &momo_config()).status(), 204);
    f.assert_paid_once();
}

pub(crate) fn zalopay_config(key2: &str) -> ZalopayConfig {
    ZalopayConfig::new(dev_var("ZALOPAY_APP_ID"), Secret::new(dev_var("ZALOPAY_KEY1")), Secret::new(key2))
}

fn zalopay_callback(reference: &str, amount: i64, key2: &str) -> Value {
    let config = zalopay_config(key2);
    let order = zalopay::CreateWire {
        app_id: dev_var("ZALOPAY_APP_ID").parse().unwrap(),
        app_user: "motcua".into(),
        app_trans_id: zalopay::app_trans_id(&motcua_domain::gateway::Reference::parse("r", reference).unwrap(), time::OffsetDateTime::now_utc()),
        app_time: time::OffsetDateTime::now_utc().unix_timestamp() * 1000,
        amount,
        item: "[]".into(),
        embed_data: "{}".into(),
        description: "Thanh toan".into(),
        bank_code: String::new(),
        callback_url: String::new(),
        mac: String::new(),
    };
    let body = zalopay::sandbox::callback_body(&config, &order, 260_000_000_123, time::OffsetDateTime::now_utc());
    let resp = app().post_raw("/api/payments/zalopay/callback", "application/json", &body);
    assert_eq!(resp.status(), 200);
    resp.json().unwrap()
}

#[test]
fn zalopay_callback_cases() {
    let key2 = dev_var("ZALOPAY_KEY2");
    let f = dossier_awaiting_payment("0911000105", "UBND xã Sơn Tây", "sontay.motcua");
    let (reference, next) = f.start("zalopay");
    assert!(next["url"].as_str().unwrap().contains("/sandbox/zalopay/pay?app_trans_id="), "{next}");
    assert_eq!(zalopay_callback(&reference, f.total, "not-key2")["return_code"], -1);
    assert_eq!(zalopay_callback("MCNOSUCHORDER01", f.total, &key2)["return_code"], -1);
    assert_eq!(zalopay_callback(&reference, 1_000, &key2)["return_code"], -1);
    f.assert_still_payable();
    assert_eq!(f.detail()["payments"][0]["status"], "needs_review", "a verified wrong amount is kept for an officer");
    let (reference, _) = f.start("zalopay");
    assert_eq!(zalopay_callback(&reference, f.total, &key2)["return_code"], 1);
    f.assert_paid_once();
    assert_eq!(zalopay_callback(&reference, f.total, &key2)["return_code"], 2);
    f.assert_paid_once();
}

#[test]
fn vietqr_transfer_is_matched_by_reference_and_exact_amount() {
    let f = dossier_awaiting_payment("0911000106", "UBND xã Sơn Tây", "sontay.motcua");
    let (reference, next) = f.start("vietqr");
    assert_eq!(next["kind"], "qr");
    assert!(next["svg"].as_str().unwrap().starts_with("<svg"));
    assert_eq!(next["purpose"], reference);
    let account = next["account_no"].as_str().unwrap().to_string();
    let payload = next["payload"].as_str().unwrap();
    assert!(payload.contains("5303704") && payload.contains("540521000"), "{payload}");
    let secret = Secret::new(dev_var("BANK_WEBHOOK_SECRET"));
    let send = |amount: i64, content: &str, secret: &Secret| {
        let transfer = BankTransfer { id: format!("FT{amount}{}", content.len()), account: account.clone(), amount, content: content.into(), time: String::new() };
        let (body, signature) = bank_side::webhook(secret, &transfer);
        app().client.post(app().url("/api/payments/bank/webhook")).header("content-type", "application/json").header(SIGNATURE_HEADER, signature).body(body).send().unwrap()
    };
    assert_eq!(send(f.total, &reference, &Secret::new("wrong")).status(), 401);
    assert_eq!(send(20_000, &format!("{reference} chuyen tien"), &secret).status(), 200);
    f.assert_still_payable();
    assert_eq!(f.detail()["payments"][0]["status"], "needs_review", "the short transfer is kept for an officer to refund");
    // A new attempt gets a new reference (and QR) for the exact amount.
    let (reference, next) = f.start("vietqr");
    assert_eq!(next["purpose"], reference);
    // Banks mangle the content: lower case and spaces are fine.
    let mangled = format!("NGUYEN VAN AN CK {} phi", reference.to_lowercase());
    assert_eq!(send(f.total, &mangled, &secret).status(), 200);
    let d = f.assert_paid_once();
    assert_eq!(d["receipt"]["provider"], "vietqr");
}

#[test]
fn a_lost_ipn_is_settled_by_reconciliation() {
    let f = dossier_awaiting_payment("0911000107", "UBND xã Sơn Tây", "sontay.motcua");
    let (_, next) = f.start("vnpay");
    let url = next["url"].as_str().unwrap();
    // Pay on the sandbox page, but the provider's IPN is lost.
    let query = url.split_once('?').unwrap().1;
    let form = format!("q={}&outcome=pay&callback=drop", motcua_domain::gateway::form_encode(query));
    let resp = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(app().url("/sandbox/vnpay/complete"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .unwrap();
    assert_eq!(resp.status(), 302);
    let back = resp.headers()["location"].to_str().unwrap().to_string();
    assert!(back.contains(&format!("/ho-so/{}", f.dossier_id)) && back.contains("vnp_ResponseCode=00"));
    // The browser coming back with "00" proves nothing.
    let back_query = back.split_once('?').unwrap().1;
    assert!(parse_query(back_query).unwrap().iter().any(|(k, v)| k == "vnp_ResponseCode" && v == "00"));
    f.assert_still_payable();
    let resp = app().get("/cdn-cgi/handler/scheduled?cron=*/5+*+*+*+*");
    assert!(resp.status().is_success(), "{}", resp.status());
    f.assert_paid_once();
}

#[test]
fn only_the_owner_or_the_agencys_staff_may_pay() {
    let f = dossier_awaiting_payment("0911000108", "UBND xã Sơn Tây", "sontay.motcua");
    let stranger = app().login_citizen("0911000199");
    let (code, _) = expect_error(stranger.post_json(&format!("/api/dossiers/{}/payments", f.dossier_id), &json!({"provider": "vnpay"})), 404);
    assert_eq!(code, "not_found");
    let other_officer = app().login_staff("ngocky.motcua");
    expect_error(other_officer.post_json(&format!("/api/dossiers/{}/payments", f.dossier_id), &json!({"provider": "vnpay"})), 404);
    let (code, field) = expect_error(f.citizen.post_json(&format!("/api/dossiers/{}/payments", f.dossier_id), &json!({"provider": "bitcoin"})), 400);
    assert_eq!(field.as_deref(), Some("provider"), "{code}");
    // At the counter, the agency's officer may open the payment for the citizen.
    let resp = f.officer.post_json(&format!("/api/dossiers/{}/payments", f.dossier_id), &json!({"provider": "vietqr"}));
    assert_eq!(resp.status(), 201);
}

#[test]
fn refunds_go_through_the_provider_and_are_recorded() {
    let f = dossier_awaiting_payment("0911000109", "UBND xã Sơn Tây", "sontay.motcua");
    let (reference, _) = f.start("vnpay");
    assert_eq!(vnpay_ipn(&callback_query(&vnpay_config(), &vnpay_result(&reference, f.total, "00")))["RspCode"], "00");
    let payment_id = f.assert_paid_once()["payments"][0]["id"].as_str().unwrap().to_string();
    let (_, field) = expect_error(f.officer.post_json(&format!("/api/staff/payments/{payment_id}/refunds"), &json!({"amount": 1000})), 400);
    assert_eq!(field.as_deref(), Some("reason"));
    let (_, field) = expect_error(f.officer.post_json(&format!("/api/staff/payments/{payment_id}/refunds"), &json!({"amount": 99_000, "reason": "Thu thừa"})), 400);
    assert_eq!(field.as_deref(), Some("amount"));
    let resp = f.officer.post_json(&format!("/api/staff/payments/{payment_id}/refunds"), &json!({"amount": 7_000, "reason": "Thu thừa 1 bản sao"}));
    assert_eq!(resp.status(), 201, "{}", resp.text().unwrap_or_default());
    let d = f.detail();
    assert_eq!(d["payments"][0]["status"], "partially_refunded");
    assert_eq!(d["refunds"][0]["amount"], 7_000, "the citizen sees the refund");
    assert_eq!(d["refunds"][0]["status"], "done");
    assert_eq!(d["refunds"][0]["reason"], "Thu thừa 1 bản sao");
    // Every staff action is audited: the province's admin sees who refunded what.
    let audit: Value = app().login_staff("hatinh.admin").get(&format!("/api/staff/audit?entity=payment&id={payment_id}")).json().unwrap();
    let entry = audit.as_array().unwrap().iter().find(|e| e["action"] == "refund").expect("refund audited");
    assert_eq!(entry["username"], "sontay.motcua");
    assert_eq!(entry["after"]["amount"], 7_000);
    expect_error(app().login_staff("ngocky.motcua").post_json(&format!("/api/staff/payments/{payment_id}/refunds"), &json!({"amount": 1000, "reason": "x"})), 404);
}

fn paygov_confirm(reference: &str, amount: i64, secret: &str) -> Value {
    use motcua_domain::gateway::paygov::{sandbox::{confirm_body, Outcome}, PaygovConfig};
    let config = PaygovConfig::new(dev_var("PAYGOV_PARTNER_CODE"), Secret::new(secret), "http://unused");
    let body = confirm_body(
        &config,
        &Outcome {
            reference: reference.into(),
            amount: Vnd::dong(amount),
            ma_loi: "00".into(),
            transaction_no: "DVCQG123456".into(),
            bank_code: "VCB".into(),
            paid_at: time::OffsetDateTime::now_utc(),
            content: "Thanh toan".into(),
        },
    );
    let resp = app().post_raw("/api/payments/paygov/confirm", "application/json", &body);
    assert_eq!(resp.status(), 200);
    resp.json().unwrap()
}

#[test]
fn national_platform_confirm_cases() {
    let f = dossier_awaiting_payment("0911000110", "UBND xã Sơn Tây", "sontay.motcua");
    let (reference, next) = f.start("paygov");
    assert!(next["url"].as_str().unwrap().contains("/sandbox/paygov/pay?ref="), "{next}");
    let secret = dev_var("PAYGOV_SECRET");
    assert_eq!(paygov_confirm(&reference, f.total, "not-the-secret")["MaLoi"], "01", "MaXacThuc checked");
    assert_eq!(paygov_confirm("MCNOSUCHORDER02", f.total, &secret)["MaLoi"], "02");
    f.assert_still_payable();
    assert_eq!(paygov_confirm(&reference, f.total, &secret)["MaLoi"], "00");
    let d = f.assert_paid_once();
    assert_eq!(d["receipt"]["provider"], "paygov");
    assert_eq!(paygov_confirm(&reference, f.total, &secret)["MaLoi"], "00", "a repeated confirm is acknowledged");
    f.assert_paid_once();
}

/// The two digits of the province whose database holds `agency_name`'s rows (`42`: Hà Tĩnh).
fn province_of(agency_name: &str) -> String {
    format!("{:02}", motcua_domain::shard::shard_of_agency(&agency_code(agency_name)).unwrap().code())
}

/// A receipt's check code from its verification address.
fn check_code(receipt: &Value) -> String {
    receipt["verify_url"].as_str().unwrap().rsplit('/').next().unwrap().to_string()
}

#[test]
fn a_new_payment_names_its_agencys_shard_settles_by_callback_and_its_receipt_code_opens() {
    let f = dossier_awaiting_payment("0911000141", "UBND xã Sơn Tây", "sontay.motcua");
    let province = province_of("UBND xã Sơn Tây");
    let (reference, _) = f.start("vnpay");
    // The attempt lives in its agency's shard, and its reference and id name it.
    assert!(reference.starts_with(&format!("MCS{province}")) && reference.len() == 15, "{reference} in {province}");
    let shard = province.clone();
    let d = f.detail();
    let id = d["payments"][0]["id"].as_str().unwrap_or_default().to_string();
    assert!(id.starts_with(&format!("s{shard}")) && id.len() == 33, "payment id {id}");
    let query = callback_query(&vnpay_config(), &vnpay_result(&reference, f.total, "00"));
    assert_eq!(vnpay_ipn(&query)["RspCode"], "00");
    let d = f.assert_paid_once();
    // The receipt's check code names the shard too, and opens the public check.
    let code = check_code(&d["receipt"]);
    assert!(
        code.len() == 23 && code.starts_with(&format!("s{shard}")) && code[3..].chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()),
        "check code {code}"
    );
    let resp = app().get(&format!("/api/receipts/{code}"));
    assert_eq!(resp.status(), 200);
    let checked: Value = resp.json().unwrap();
    assert_eq!(checked["number"], d["receipt"]["number"]);
    assert_eq!(checked["collector"]["name"], "UBND xã Sơn Tây", "{checked}");
    assert!(!checked["procedure_name"].as_str().unwrap_or_default().is_empty(), "named from the catalog: {checked}");
    assert_eq!(app().get(&format!("/api/receipts/{code}/pdf")).status(), 200);
    // A code of neither form is no receipt's: 404, not a server error.
    for junk in ["s9", "x42000000000000000000000", "S42ABCDEF0123456789ABCD"] {
        expect_error(app().get(&format!("/api/receipts/{junk}")), 404);
    }
}

#[test]
fn a_reference_and_a_receipt_code_made_before_sharding_still_work() {
    let f = dossier_awaiting_payment("0911000142", "UBND xã Sơn Tây", "sontay.motcua");
    let (reference, _) = f.start("vnpay");
    // Today's references keep `from_random`'s form: `MC` and 13 characters, the first 0-F.
    let legacy = format!("MC0{}", &reference[3..]);
    app().d1_execute(&format!("UPDATE payments SET reference = '{legacy}' WHERE reference = '{reference}'"));
    let query = callback_query(&vnpay_config(), &vnpay_result(&legacy, f.total, "00"));
    assert_eq!(vnpay_ipn(&query)["RspCode"], "00", "a legacy reference goes to the legacy shard");
    let d = f.assert_paid_once();
    assert_eq!(d["payments"][0]["reference"], legacy);
    assert_eq!(vnpay_ipn(&query)["RspCode"], "02", "already confirmed");
    // A receipt checked by a code made before sharding (20 hex digits).
    let code = check_code(&d["receipt"]);
    let old = "0123456789abcdef0142".to_string();
    app().d1_execute(&format!("UPDATE receipts SET verify_code = '{old}' WHERE verify_code = '{code}'"));
    let resp = app().get(&format!("/api/receipts/{old}"));
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.json::<Value>().unwrap()["number"], d["receipt"]["number"]);
    expect_error(app().get(&format!("/api/receipts/{code}")), 404);
}
