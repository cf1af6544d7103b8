//! Money to the right account: beneficiary accounts per purpose, each agency's own merchant
//! (sealed, masked, verified per payment), a notice owing two beneficiaries, statements per
//! beneficiary, the online-payment switch, legal receipts.

use motcua_domain::gateway::momo::{sandbox as momo_side, MomoConfig};
use motcua_domain::gateway::paygov::{sandbox as paygov_side, PaygovConfig};
use motcua_domain::gateway::vietqr::{sandbox as bank_side, BankTransfer, SIGNATURE_HEADER};
use motcua_domain::gateway::vnpay::sandbox::callback_query;
use motcua_domain::gateway::vnpay::VnpayConfig;
use motcua_domain::gateway::zalopay::{self, ZalopayConfig};
use motcua_domain::gateway::{Reference, Secret};
use motcua_domain::money::Vnd;
use serde_json::{json, Value};

use crate::callbacks::{daison_vnpay_config, vnpay_config, vnpay_ipn, vnpay_result};
use crate::payments::{dossier_awaiting_payment, Fixture};
use crate::support::{agency_code, app, dev_var, expect_error, remember_secret, today_vn};

/// Đại Sơn's own sandbox merchant (scripts/gen_demo_sql.py seals the same values).
pub const DAISON_VNPAY_SECRET: &str = "DAISONDEVVNPAYHASHSECRET00000001";
const DAISON_MOMO: (&str, &str, &str) = ("MOMODAISON", "DAISONMOMOACCESS", "daison-dev-momo-secret-key-000001");
const DAISON_ZALOPAY: (&str, &str, &str) = ("2554", "daison-dev-zalopay-key1-00000001", "daison-dev-zalopay-key2-00000001");
const DAISON_PAYGOV: (&str, &str) = ("DAISON", "daison-dev-paygov-secret");
const DAISON_WEBHOOK: &str = "daison-dev-bank-webhook-secret";
pub const DAISON_SECRETS: [&str; 8] =
    [DAISON_VNPAY_SECRET, DAISON_MOMO.1, DAISON_MOMO.2, DAISON_ZALOPAY.1, DAISON_ZALOPAY.2, DAISON_PAYGOV.1, DAISON_WEBHOOK, "daison-dev"];

/// A receipt in the legal form of NĐ 254/2026 Đ23.2.
pub fn assert_legal_receipt(receipt: &Value, total: i64) {
    let number = receipt["number"].as_str().unwrap_or_default();
    assert!(!number.is_empty() && number.len() <= 8 && number.bytes().all(|b| b.is_ascii_digit()), "number {receipt}");
    assert!(!receipt["form_symbol"].as_str().unwrap_or_default().is_empty(), "{receipt}");
    assert!(!receipt["symbol"].as_str().unwrap_or_default().is_empty(), "{receipt}");
    assert_eq!(receipt["collector"]["tax_code"].as_str().unwrap_or_default().len(), 10, "{receipt}");
    assert!(!receipt["collector"]["name"].as_str().unwrap_or_default().is_empty());
    assert_eq!(receipt["amount"], total);
    assert_eq!(receipt["total"], total);
    assert!(receipt["amount_in_words"].as_str().unwrap_or_default().ends_with("đồng"), "{receipt}");
    assert_eq!(receipt["signature"]["state"], "pending", "no signing service yet: {receipt}");
    assert!(!receipt["issued_at"].as_str().unwrap_or_default().is_empty());
}

pub(crate) fn momo_ipn(reference: &str, amount: i64, config: &MomoConfig) -> reqwest::blocking::Response {
    let body = momo_side::ipn_body(
        config,
        &momo_side::PaymentResult {
            order_id: reference.into(),
            request_id: format!("rq{reference}"),
            amount: Vnd::dong(amount),
            order_info: "Thanh toan".into(),
            trans_id: 4_100_000_777,
            result_code: 0,
            pay_type: "qr".into(),
            extra_data: String::new(),
            response_time: time::OffsetDateTime::now_utc(),
        },
    );
    app().post_raw("/api/payments/momo/ipn", "application/json", &body)
}

pub(crate) fn zalopay_callback(reference: &str, amount: i64, config: &ZalopayConfig) -> Value {
    let now = time::OffsetDateTime::now_utc();
    let order = zalopay::CreateWire {
        app_id: config.app_id.parse().unwrap(),
        app_user: "motcua".into(),
        app_trans_id: zalopay::app_trans_id(&Reference::parse("r", reference).unwrap(), now),
        app_time: now.unix_timestamp() * 1000,
        amount,
        item: "[]".into(),
        embed_data: "{}".into(),
        description: "Thanh toan".into(),
        bank_code: String::new(),
        callback_url: String::new(),
        mac: String::new(),
    };
    let body = zalopay::sandbox::callback_body(config, &order, 260_000_000_777, now);
    app().post_raw("/api/payments/zalopay/callback", "application/json", &body).json().unwrap()
}

pub(crate) fn paygov_confirm(reference: &str, amount: i64, config: &PaygovConfig) -> Value {
    let body = paygov_side::confirm_body(
        config,
        &paygov_side::Outcome {
            reference: reference.into(),
            amount: Vnd::dong(amount),
            ma_loi: "00".into(),
            transaction_no: "DVCQG777".into(),
            bank_code: "VCB".into(),
            paid_at: time::OffsetDateTime::now_utc(),
            content: "Thanh toan".into(),
        },
    );
    app().post_raw("/api/payments/paygov/confirm", "application/json", &body).json().unwrap()
}

pub(crate) fn bank_webhook(account: &str, reference: &str, amount: i64, secret: &str) -> u16 {
    let transfer = BankTransfer {
        id: format!("FT{reference}"),
        account: account.into(),
        amount,
        content: format!("{reference} thanh toan"),
        time: "2026-12-06T10:00:00+07:00".into(),
    };
    let (body, signature) = bank_side::webhook(&Secret::new(secret), &transfer);
    app()
        .client
        .post(app().url("/api/payments/bank/webhook"))
        .header("content-type", "application/json")
        .header(SIGNATURE_HEADER, signature)
        .body(body)
        .send()
        .map(crate::support::checked)
        .unwrap()
        .status()
        .as_u16()
}

fn daison_momo() -> MomoConfig {
    MomoConfig::new(DAISON_MOMO.0, DAISON_MOMO.1, Secret::new(DAISON_MOMO.2))
}

fn daison_zalopay() -> ZalopayConfig {
    ZalopayConfig::new(DAISON_ZALOPAY.0, Secret::new(DAISON_ZALOPAY.1), Secret::new(DAISON_ZALOPAY.2))
}

fn daison_paygov() -> PaygovConfig {
    PaygovConfig::new(DAISON_PAYGOV.0, Secret::new(DAISON_PAYGOV.1), "http://unused")
}

pub(crate) fn deployment_paygov() -> PaygovConfig {
    PaygovConfig::new(dev_var("PAYGOV_PARTNER_CODE"), Secret::new(dev_var("PAYGOV_SECRET")), "http://unused")
}

#[test]
fn one_agencys_key_is_a_bad_signature_for_anothers_payment_on_every_provider() {
    // Sơn Tây pays through the deployment's merchant; Đại Sơn's keys must not settle it.
    let f = dossier_awaiting_payment("0911001401", "UBND xã Sơn Tây", "sontay.motcua");
    let (r, _) = f.start("vnpay");
    assert_eq!(vnpay_ipn(&callback_query(&daison_vnpay_config(), &vnpay_result(&r, f.total, "00")))["RspCode"], "97");
    let (r, _) = f.start("momo");
    assert_eq!(momo_ipn(&r, f.total, &daison_momo()).status(), 204);
    f.assert_still_payable();
    let (r, _) = f.start("zalopay");
    assert_eq!(zalopay_callback(&r, f.total, &daison_zalopay())["return_code"], -1);
    let (r, _) = f.start("paygov");
    assert_eq!(paygov_confirm(&r, f.total, &daison_paygov())["MaLoi"], "01");
    let (r, next) = f.start("vietqr");
    let account = next["account_no"].as_str().or(next["account"].as_str()).map(str::to_string).unwrap_or_else(|| panic!("{next}"));
    assert_eq!(bank_webhook(&account, &r, f.total, DAISON_WEBHOOK), 401, "a transfer signed with another agency's secret");
    f.assert_still_payable();

    // Đại Sơn pays through its own merchant: the deployment's keys are the stranger's here.
    let d = dossier_awaiting_payment("0911001402", "UBND xã Đại Sơn", "daison.motcua");
    let (r, next) = d.start("vnpay");
    assert!(next["url"].as_str().unwrap().contains("vnp_TmnCode=DAISON01"), "Đại Sơn's own TmnCode: {next}");
    assert_eq!(vnpay_ipn(&callback_query(&vnpay_config(), &vnpay_result(&r, d.total, "00")))["RspCode"], "97");
    let (r, _) = d.start("paygov");
    assert_eq!(paygov_confirm(&r, d.total, &deployment_paygov())["MaLoi"], "01");
    let (r, _) = d.start("momo");
    assert_eq!(momo_ipn(&r, d.total, &MomoConfig::new(dev_var("MOMO_PARTNER_CODE"), dev_var("MOMO_ACCESS_KEY"), Secret::new(dev_var("MOMO_SECRET_KEY")))).status(), 204);
    d.assert_still_payable();
    // Its own key settles it, once.
    assert_eq!(momo_ipn(&r, d.total, &daison_momo()).status(), 204);
    d.assert_paid_once();
}

#[test]
fn merchant_credentials_are_write_only_sealed_audited_and_inherited() {
    let admin = app().login_staff("haiduong.admin");
    let ngoc_ky = agency_code("UBND xã Ngọc Kỳ");
    let dai_son = agency_code("UBND xã Đại Sơn");
    // Without its own, an agency's payments use the nearest ancestor's, else the deployment's.
    let before: Value = admin.get(&format!("/api/admin/agencies/{ngoc_ky}/gateways/vnpay")).json().unwrap();
    assert_eq!(before["configured"], false);
    assert_eq!(before["inherits_from"], "deployment");
    let own: Value = admin.get(&format!("/api/admin/agencies/{dai_son}/gateways/momo")).json().unwrap();
    assert_eq!(own["credentials"]["partner_code"], DAISON_MOMO.0);
    assert_eq!(own["credentials"]["secret_key"]["set"], true);

    let (_, field) = expect_error(admin.put_json(&format!("/api/admin/agencies/{ngoc_ky}/gateways/vnpay"), &json!({"tmn_code": "NGOCKY01"})), 400);
    assert_eq!(field.as_deref(), Some("hash_secret"));
    let (_, field) = expect_error(admin.put_json(&format!("/api/admin/agencies/{ngoc_ky}/gateways/paypal"), &json!({})), 400);
    assert_eq!(field.as_deref(), Some("provider"));
    let secret = "ngocky-test-vnpay-hash-secret-0001";
    remember_secret(secret);
    let resp = admin.put_json(&format!("/api/admin/agencies/{ngoc_ky}/gateways/vnpay"), &json!({"tmn_code": "NGOCKY01", "hash_secret": secret}));
    assert_eq!(resp.status(), 200);
    let shown: Value = resp.json().unwrap();
    assert_eq!(shown["credentials"]["hash_secret"], json!({"set": true, "length": secret.len()}));
    // Stored sealed: the database holds no trace of the value.
    let stored = app().d1_query(&format!("SELECT sealed || masked_json || key_id FROM gateway_credentials WHERE agency_code = '{ngoc_ky}' AND provider = 'vnpay'"));
    assert_eq!(stored.len(), 1);
    assert!(!stored[0].contains(secret) && !stored[0].contains("NGOCKY-TEST"), "sealed: {}", stored[0]);
    let audit: Vec<Value> = admin.get(&format!("/api/staff/audit?entity=agency&id={ngoc_ky}")).json().unwrap();
    let put = audit.iter().find(|a| a["action"] == "gateway.put").unwrap_or_else(|| panic!("{audit:?}"));
    assert_eq!((put["after"]["provider"].clone(), put["after"]["credentials"]["tmn_code"].clone()), (json!("vnpay"), json!("NGOCKY01")));
    // Another province's admin cannot read or change it; an officer has no such route.
    expect_error(app().login_staff("hatinh.admin").get(&format!("/api/admin/agencies/{ngoc_ky}/gateways/vnpay")), 404);
    expect_error(app().login_staff("ngocky.motcua").put_json(&format!("/api/admin/agencies/{ngoc_ky}/gateways/vnpay"), &json!({})), 404);

    // Ngọc Kỳ's next payment goes through its own merchant, which the sandbox knows.
    let f = dossier_awaiting_payment("0911001403", "UBND xã Ngọc Kỳ", "ngocky.motcua");
    let (r, next) = f.start("vnpay");
    assert!(next["url"].as_str().unwrap().contains("vnp_TmnCode=NGOCKY01"), "{next}");
    let own = VnpayConfig::new("NGOCKY01", Secret::new(secret));
    assert_eq!(vnpay_ipn(&callback_query(&vnpay_config(), &vnpay_result(&r, f.total, "00")))["RspCode"], "97");
    assert_eq!(vnpay_ipn(&callback_query(&own, &vnpay_result(&r, f.total, "00")))["RspCode"], "00");
    f.assert_paid_once();
    let page = app().get(&next["url"].as_str().unwrap().replace(&app().base, ""));
    assert_eq!(page.status(), 200, "the sandbox accepts a merchant the database knows");
}

/// A province version of 1.004873 owing a phí and a lệ phí (Hải Dương's admin sets it).
fn two_beneficiary_procedure() {
    static DONE: std::sync::Once = std::sync::Once::new();
    DONE.call_once(|| {
        let admin = app().login_staff("haiduong.admin");
        let today = time::OffsetDateTime::now_utc().to_offset(time::UtcOffset::from_hms(7, 0, 0).unwrap()).date();
        let version = json!({"effective_from": today.to_string(), "legal_basis": "Nghị quyết HĐND tỉnh (thử nghiệm)", "lines": [
            {"code": "copy_fee", "name": "Phí cấp bản sao", "kind": "phi", "beneficiary": "agency", "legal_basis": "Thử nghiệm", "rule": {"type": "fixed", "amount": 5000}},
            {"code": "certificate_fee", "name": "Lệ phí cấp giấy xác nhận", "kind": "le_phi", "beneficiary": "treasury", "legal_basis": "Thử nghiệm", "rule": {"type": "fixed", "amount": 10000}}
        ]});
        let resp = admin.post_json("/api/admin/procedures/1.004873/fee-versions", &version);
        assert_eq!(resp.status(), 201, "{}", resp.text().unwrap_or_default());
    });
}

fn notified(phone: &str, agency: &str, officer: &str) -> Fixture {
    two_beneficiary_procedure();
    let citizen = app().login_citizen(phone);
    let resp = citizen.post_json(
        "/api/dossiers",
        &json!({"agency": agency_code(agency), "procedure": "1.004873",
                "applicant": {"full_name": "Trần Thị Bình", "id_number": "030185004321", "phone": phone, "address": "Thôn An Thanh"}, "inputs": {}}),
    );
    assert_eq!(resp.status(), 201, "{}", resp.text().unwrap_or_default());
    let id = resp.json::<Value>().unwrap()["id"].as_str().unwrap().to_string();
    let officer = app().login_staff(officer);
    let documents = app().get("/api/procedures/1.004873").json::<Value>().unwrap()["documents"].clone();
    assert_eq!(officer.post_json(&format!("/api/staff/dossiers/{id}/actions"), &json!({"action": "receive", "documents": documents})).status(), 200);
    let resp = officer.post_json(&format!("/api/staff/dossiers/{id}/fee-notice"), &json!({}));
    assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());
    let total = resp.json::<Value>().unwrap()["fee_notice"]["total"].as_i64().unwrap();
    assert_eq!(total, 15_000, "5.000 đ phí + 10.000 đ lệ phí");
    Fixture { citizen, officer, dossier_id: id, total }
}

#[test]
fn a_notice_owing_the_agency_and_the_treasury_is_paid_once_and_each_part_is_accounted() {
    let f = notified("0911001404", "UBND xã Ngọc Kỳ", "ngocky.motcua");
    let (r, _) = f.start("vnpay");
    // Ngọc Kỳ may have its own merchant by now (another test gives it one): sign with the one
    // that opened the payment, as the provider would.
    let merchant = app().d1_query(&format!("SELECT coalesce(merchant_agency, '') FROM payments WHERE reference = '{r}'"));
    let config = if merchant[0].is_empty() { vnpay_config() } else { VnpayConfig::new("NGOCKY01", Secret::new("ngocky-test-vnpay-hash-secret-0001")) };
    for _ in 0..3 {
        vnpay_ipn(&callback_query(&config, &vnpay_result(&r, f.total, "00")));
    }
    let d = f.assert_paid_once();
    let lines = d["receipt"]["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 2);
    let treasury = lines.iter().find(|l| l["kind"] == "le_phi").unwrap();
    assert_eq!(treasury["payee"]["purpose"], "le_phi");
    assert!(treasury["payee"]["holder_name"].as_str().unwrap().starts_with("Kho bạc Nhà nước"), "{treasury}");
    assert_eq!(treasury["payee"]["budget_item"], "2771");
    assert_eq!(lines.iter().find(|l| l["kind"] == "phi").unwrap()["payee"]["purpose"], "phi");

    // The day's statement: each beneficiary's part once, and the lệ phí to transfer on.
    let s: Value = f.officer.get(&format!("/api/staff/statements?agency={}&format=json", agency_code("UBND xã Ngọc Kỳ"))).json().unwrap();
    let part = |purpose: &str| -> i64 {
        s["by_beneficiary"].as_array().unwrap().iter().filter(|b| b["purpose"] == purpose).map(|b| b["amount"].as_i64().unwrap()).sum()
    };
    assert!(part("le_phi") >= 10_000 && part("phi") >= 5_000, "{s}");
    let remit: i64 = s["to_remit"].as_array().unwrap().iter().map(|b| b["amount"].as_i64().unwrap()).sum();
    assert_eq!(remit, part("le_phi"), "card payments land in the collection account, which remits every lệ phí: {s}");
    assert!(s["to_remit"].as_array().unwrap().iter().all(|b| b["chapter"] == "805" && b["treasury_code"].as_str().is_some()));
    let settled = app().d1_count(&format!("SELECT count(*) FROM settlements s JOIN payments p ON p.id = s.payment_id WHERE p.reference = '{r}'"));
    assert_eq!(settled, 1);

    // The receipt as a PDF, for anyone holding its code.
    let code = d["receipt"]["verify_url"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
    let resp = app().client.get(app().url(&format!("/api/receipts/{code}/pdf"))).send().unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/pdf");
    let pdf = resp.bytes().unwrap();
    assert!(pdf.starts_with(b"%PDF-1.7") && pdf.ends_with(b"%%EOF\n"), "{} bytes", pdf.len());
    let text = String::from_utf8_lossy(&pdf);
    assert!(text.contains("/Subtype /CIDFontType2") && text.contains("/ToUnicode"), "the Vietnamese text is embedded with its font");
    expect_error(app().get("/api/receipts/0000000000/pdf"), 404);
}

#[test]
fn a_line_without_its_beneficiary_cannot_be_paid_online_and_the_switch_is_enforced() {
    let dai_son = agency_code("UBND xã Đại Sơn");
    // Arrange: Đại Sơn has no treasury account for lệ phí yet.
    app().d1_execute(&format!("DELETE FROM agency_accounts WHERE agency_code = '{dai_son}' AND purpose = 'le_phi'"));
    let f = notified("0911001405", "UBND xã Đại Sơn", "daison.motcua");
    let resp = f.citizen.post_json(&format!("/api/dossiers/{}/payments", f.dossier_id), &json!({"provider": "vnpay"}));
    let (code, field) = expect_error(resp, 409);
    assert_eq!((code.as_str(), field.as_deref()), ("beneficiary_missing", Some("accounts.le_phi")));
    let report: Value = app().login_staff("tuky.lanhdao").get(&format!("/api/dashboard/coverage?agency={}", agency_code("UBND huyện Tứ Kỳ"))).json().unwrap();
    let row = report["rows"].as_array().unwrap().iter().find(|r| r["code"] == dai_son.as_str()).unwrap().clone();
    assert_eq!((row["has_phi_account"].clone(), row["has_le_phi_account"].clone(), row["has_account"].clone()), (json!(true), json!(false), json!(false)));

    // The admin adds it (validated, audited); then the notice can be paid.
    let admin = app().login_staff("haiduong.admin");
    let account = |chapter: &str| json!({"accounts": [{"purpose": "le_phi", "holder_name": "Kho bạc Nhà nước Tứ Kỳ", "treasury_code": "2981",
        "bank_bin": "970418", "account_number": "711100000298", "account_name": "KBNN Tu Ky", "chapter": chapter, "budget_items": {"le_phi": "2771"}}]});
    let (_, field) = expect_error(admin.put_json(&format!("/api/admin/agencies/{dai_son}/accounts"), &account("8")), 400);
    assert_eq!(field.as_deref(), Some("accounts.0.chapter"));
    let resp = admin.put_json(&format!("/api/admin/agencies/{dai_son}/accounts"), &account("805"));
    assert_eq!(resp.status(), 200);
    let got: Value = resp.json().unwrap();
    assert_eq!(got["missing"], json!([]));
    assert_eq!(got["accounts"].as_array().unwrap().len(), 2, "the phí account stays");
    let audit: Vec<Value> = admin.get(&format!("/api/staff/audit?entity=agency&id={dai_son}")).json().unwrap();
    assert!(audit.iter().any(|a| a["action"] == "accounts.put"));
    f.start("vnpay");

    // The online-payment switch is enforced when a payment starts, not only reported.
    let resp = admin.put_json(&format!("/api/admin/agencies/{dai_son}/procedures/1.004873"), &json!({"online_payment": false}));
    assert_eq!(resp.status(), 200);
    let resp = f.citizen.post_json(&format!("/api/dossiers/{}/payments", f.dossier_id), &json!({"provider": "vnpay"}));
    let (code, _) = expect_error(resp, 409);
    assert_eq!(code, "online_payment_off");
    admin.put_json(&format!("/api/admin/agencies/{dai_son}/procedures/1.004873"), &json!({"online_payment": true}));
}

/// A Sơn Tây dossier paid by VNPay (the deployment's merchant); answers its reference.
fn paid_by_vnpay(phone: &str) -> (Fixture, String) {
    let f = dossier_awaiting_payment(phone, "UBND xã Sơn Tây", "sontay.motcua");
    let (r, _) = f.start("vnpay");
    assert_eq!(vnpay_ipn(&callback_query(&vnpay_config(), &vnpay_result(&r, f.total, "00")))["RspCode"], "00");
    (f, r)
}

#[test]
fn a_settlement_file_is_matched_with_each_kind_of_difference_and_importing_it_again_changes_nothing() {
    use motcua_domain::settlement::{vnpay as vnpay_file, SettlementRow};
    let son_tay = agency_code("UBND xã Sơn Tây");
    let (a, ra) = paid_by_vnpay("0911001410");
    let (_, rb) = paid_by_vnpay("0911001411");
    let (_, rc) = paid_by_vnpay("0911001412");
    let txn = |r: &str| app().d1_query(&format!("SELECT s.provider_txn FROM settlements s JOIN payments p ON p.id = s.payment_id WHERE p.reference = '{r}'"))[0].clone();
    let row = |reference: &str, amount: i64, line: usize| SettlementRow { reference: reference.into(), provider_txn: txn(reference), amount: Vnd::dong(amount), at: "06/12/2026 10:00:00".into(), line };
    let unknown = SettlementRow { reference: "MCZZZZZZZZZZZZZ".into(), provider_txn: "99999999".into(), amount: Vnd::dong(5_000), at: "06/12/2026 10:00:00".into(), line: 5 };
    // A twice (duplicate), B for less (mismatch), a stranger (missing from our ledger); C is
    // missing from the file.
    let file = vnpay_file::write(&[row(&ra, a.total, 2), row(&ra, a.total, 3), row(&rb, 1_000, 4), unknown]);
    let admin = app().login_staff("hatinh.admin");
    let import = |body: &str| {
        app()
            .client
            .post(app().url(&format!("/api/admin/settlements/import?provider=vnpay&date={}&agency={son_tay}", today_vn())))
            .header("cookie", &admin.cookie)
            .header("content-type", "text/csv")
            .body(body.to_string())
            .send()
            .map(crate::support::checked)
            .unwrap()
    };
    let resp = import(&file);
    assert_eq!(resp.status(), 201, "{}", resp.text().unwrap_or_default());
    let result: Value = resp.json().unwrap();
    let kind_of = |reference: &str| -> Vec<String> {
        result["differences"].as_array().unwrap().iter().filter(|d| d["reference"] == reference).map(|d| d["kind"].as_str().unwrap().to_string()).collect()
    };
    assert!(result["counts"]["matched"].as_i64().unwrap() >= 1, "{result}");
    assert_eq!(kind_of(&ra), vec!["duplicate"], "{result}");
    assert_eq!(kind_of(&rb), vec!["amount_mismatch"]);
    assert_eq!(kind_of("MCZZZZZZZZZZZZZ"), vec!["missing_from_ledger"]);
    assert_eq!(kind_of(&rc), vec!["missing_from_file"]);
    let stored = || app().d1_count(&format!("SELECT count(*) FROM settlement_findings WHERE agency_code = '{son_tay}'"));
    let before = stored();

    // The same file again: nothing new.
    let again = import(&file);
    assert_eq!(again.status(), 200);
    assert_eq!(again.json::<Value>().unwrap()["imported"], false);
    assert_eq!(stored(), before);

    // An admin resolves one difference, once, audited.
    let mismatch = result["differences"].as_array().unwrap().iter().find(|d| d["reference"] == rb.as_str()).unwrap()["id"].as_str().unwrap().to_string();
    let path = format!("/api/admin/settlements/differences/{mismatch}/resolve");
    let (_, field) = expect_error(admin.post_json(&path, &json!({"note": " "})), 400);
    assert_eq!(field.as_deref(), Some("note"));
    let resp = admin.post_json(&path, &json!({"note": "VNPAY xác nhận đã thu 21.000 đ; tệp ghi nhầm."}));
    assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());
    let (code, _) = expect_error(admin.post_json(&path, &json!({"note": "lần hai"})), 409);
    assert_eq!(code, "already_resolved");
    let open: Value = admin.get(&format!("/api/admin/settlements/differences?agency={son_tay}")).json().unwrap();
    assert!(open["differences"].as_array().unwrap().iter().all(|d| d["id"] != mismatch.as_str()));
    assert!(open["differences"].as_array().unwrap().iter().any(|d| d["reference"] == "MCZZZZZZZZZZZZZ"));
    let audit: Vec<Value> = admin.get(&format!("/api/staff/audit?entity=agency&id={son_tay}")).json().unwrap();
    assert!(audit.iter().any(|a| a["action"] == "settlement.resolve"));
    // Another province's admin sees none of it.
    expect_error(app().login_staff("haiduong.admin").get(&format!("/api/admin/settlements/differences?agency={son_tay}")), 404);

    // A broken file is named by line; the sandbox writes the provider's file for a day.
    let resp = import("STT,Ma GD VNPAY,Ma GD Merchant,Ma ngan hang,So tien,Thoi gian GD,Trang thai\n1,123,MC1,NCB,abc,x,00\n");
    let (_, field) = expect_error(resp, 400);
    assert_eq!(field.as_deref(), Some("file"));
    let sandbox = app().get(&format!("/sandbox/settlements/vnpay?date={}", today_vn()));
    assert_eq!(sandbox.status(), 200);
    assert!(sandbox.text().unwrap().contains("Ma GD Merchant"));
}

#[test]
fn a_refund_paid_by_hand_needs_a_second_officer_and_the_transfer_reference() {
    let f = dossier_awaiting_payment("0911001420", "UBND xã Sơn Tây", "sontay.motcua");
    let (r, _) = f.start("paygov");
    assert_eq!(paygov_confirm(&r, f.total, &deployment_paygov())["MaLoi"], "00");
    f.assert_paid_once();
    let payment = f.detail()["payments"][0]["id"].as_str().unwrap().to_string();
    let resp = f.officer.post_json(&format!("/api/staff/payments/{payment}/refunds"), &json!({"amount": 6_000, "reason": "Thu thừa phí bản sao"}));
    assert_eq!(resp.status(), 201, "{}", resp.text().unwrap_or_default());
    let refund: Value = resp.json().unwrap();
    assert_eq!(refund["status"], "requested");
    let id = refund["id"].as_str().unwrap().to_string();
    let decide = |who: &crate::support::Session, body: Value| who.post_json(&format!("/api/staff/refunds/{id}/decision"), &body);

    let (code, _) = expect_error(decide(&f.officer, json!({"action": "approve"})), 409);
    assert_eq!(code, "same_officer", "the requester never approves their own refund");
    let listed: Vec<Value> = f.officer.get("/api/staff/refunds").json().unwrap();
    assert_eq!(listed.iter().find(|x| x["id"] == id.as_str()).unwrap()["can_decide"], false);
    let second = app().login_staff("hatinh.admin");
    let (code, _) = expect_error(decide(&second, json!({"action": "paid", "transfer_ref": "FT1"})), 409);
    assert_eq!(code, "wrong_state", "never paid before it is approved");
    assert_eq!(decide(&second, json!({"action": "approve"})).status(), 200);
    let (_, field) = expect_error(decide(&second, json!({"action": "paid"})), 400);
    assert_eq!(field.as_deref(), Some("transfer_ref"));
    let resp = decide(&second, json!({"action": "paid", "transfer_ref": "FT26340998877"}));
    assert_eq!(resp.status(), 200);
    let paid: Value = resp.json().unwrap();
    assert_eq!((paid["status"].clone(), paid["transfer_ref"].clone()), (json!("paid"), json!("FT26340998877")));
    // The citizen sees it on the dossier; the payment holds the refunded amount once.
    let d = f.detail();
    assert_eq!(d["refunds"][0]["status"], "paid", "{d}");
    assert_eq!(app().d1_count(&format!("SELECT refunded FROM payments WHERE id = '{payment}'")), 6_000);
    let (code, _) = expect_error(decide(&second, json!({"action": "reject", "note": "muộn"})), 409);
    assert_eq!(code, "wrong_state");

    // A rejected request gives its reserved amount back to what may be refunded.
    let resp = f.officer.post_json(&format!("/api/staff/payments/{payment}/refunds"), &json!({"amount": f.total - 6_000, "reason": "Hoàn phần còn lại"}));
    let rest = resp.json::<Value>().unwrap()["id"].as_str().unwrap().to_string();
    let (_, field) = expect_error(second.post_json(&format!("/api/staff/refunds/{rest}/decision"), &json!({"action": "reject"})), 400);
    assert_eq!(field.as_deref(), Some("note"));
    assert_eq!(second.post_json(&format!("/api/staff/refunds/{rest}/decision"), &json!({"action": "reject", "note": "Không có căn cứ hoàn"})).status(), 200);
    let resp = f.officer.post_json(&format!("/api/staff/payments/{payment}/refunds"), &json!({"amount": f.total - 6_000, "reason": "Đề nghị lại"}));
    assert_eq!(resp.status(), 201, "the rejected amount can be requested again: {}", resp.text().unwrap_or_default());
}

#[test]
fn a_lost_national_platform_confirm_is_settled_by_query_and_its_bill_is_kept() {
    let f = dossier_awaiting_payment("0911001430", "UBND xã Sơn Tây", "sontay.motcua");
    let (reference, next) = f.start("paygov");
    assert!(next["url"].as_str().unwrap().contains("/sandbox/paygov/pay"), "{next}");
    // The beneficiary account went out in INIT: the agency's collection account.
    let routed = app().d1_query(&format!("SELECT json_extract(routing_json, '$.collected_into.account_number') FROM payments WHERE reference = '{reference}'"));
    assert_eq!(routed, vec!["371300018172".to_string()]);
    // The citizen pays on the platform's page; its confirm never arrives.
    let resp = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(app().url("/sandbox/paygov/complete"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("ref={reference}&outcome=pay&callback=drop"))
        .send()
        .unwrap();
    assert_eq!(resp.status(), 302);
    f.assert_still_payable();
    assert!(app().get("/cdn-cgi/handler/scheduled?cron=*/5+*+*+*+*").status().is_success());
    f.assert_paid_once();
    // The next run keeps the platform's own receipt beside ours.
    assert!(app().get("/cdn-cgi/handler/scheduled?cron=*/5+*+*+*+*").status().is_success());
    let bill = app().d1_query(&format!("SELECT json_extract(platform_bill, '$.MaThamChieu') FROM payments WHERE reference = '{reference}'"));
    assert_eq!(bill, vec![reference]);
}
