//! Tenancy: every staff read and write stays inside the caller's subtree (a cross-tenant matrix
//! of role pairs × routes), the audit log included; the national catalog belongs to the national
//! admin, and a province's own fee versions apply to that province only.

use serde_json::{json, Value};

use crate::payments::{dossier_awaiting_payment, Fixture};
use crate::support::{agency_code, app, expect_error, today_vn, Session};

const HAI_DUONG: &str = "000.00.00.H23";
const DONG_THAP: &str = "000.00.00.H20";
/// A district of Đồng Tháp that handles procedures in the demo data.
const DONG_THAP_DISTRICT: &str = "000.00.51.H20";

fn audit(who: &Session, query: &str) -> Vec<Value> {
    let resp = who.get(&format!("/api/staff/audit{query}"));
    assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());
    resp.json().unwrap()
}

/// An audit entry made by `username` with `action` on `entity_id` is in the list.
fn has_entry(list: &[Value], username: &str, action: &str, entity_id: &str) -> bool {
    list.iter().any(|e| e["username"] == username && e["action"] == action && e["entity_id"] == entity_id)
}

#[test]
fn an_admin_reads_only_the_audit_rows_of_their_own_province() {
    let dongthap = app().login_staff("dongthap.admin");
    let haiduong = app().login_staff("haiduong.admin");
    let origins = json!({"origins": ["https://dongthap-audit.gov.vn"]});
    let resp = dongthap.put_json(&format!("/api/admin/agencies/{DONG_THAP_DISTRICT}/embed-origins"), &origins);
    assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());
    let resp = dongthap.put_json(
        &format!("/api/admin/agencies/{DONG_THAP_DISTRICT}/bank-account"),
        &json!({"bank_bin": "970415", "account_number": "871300000051", "account_name": "UBND Thành phố Cao Lãnh"}),
    );
    assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());

    let by_id = format!("?entity=agency&id={DONG_THAP_DISTRICT}");
    for query in ["", "?entity=agency", &by_id] {
        let theirs = audit(&dongthap, query);
        assert!(has_entry(&theirs, "dongthap.admin", "embed_origins.put", DONG_THAP_DISTRICT), "{query}: {theirs:?}");
        assert!(has_entry(&theirs, "dongthap.admin", "bank_account.put", DONG_THAP_DISTRICT), "{query}");
        if query == by_id {
            // Asked by name, another province's agency is unknown.
            let (code, field) = expect_error(haiduong.get(&format!("/api/staff/audit{query}")), 404);
            assert_eq!((code.as_str(), field.as_deref()), ("not_found", Some("id")));
            continue;
        }
        let others = audit(&haiduong, query);
        assert!(!others.iter().any(|e| e["entity_id"] == DONG_THAP_DISTRICT || e["username"] == "dongthap.admin"), "{query}: {others:?}");
        assert!(!Value::from(others.clone()).to_string().contains("871300000051"), "no account number of another province");
    }
    // The national admin reads every province's rows.
    let national = audit(&app().login_staff("quocgia.admin"), &format!("?entity=agency&id={DONG_THAP_DISTRICT}"));
    assert!(has_entry(&national, "dongthap.admin", "embed_origins.put", DONG_THAP_DISTRICT));
}

#[test]
fn a_dossiers_audit_rows_are_read_only_inside_its_province() {
    let f = dossier_awaiting_payment("0911000791", "UBND xã Đại Sơn", "daison.motcua");
    let id = &f.dossier_id;
    let own = audit(&app().login_staff("haiduong.admin"), "?entity=dossier");
    assert!(own.iter().any(|e| e["entity_id"] == id.as_str() && e["action"] == "notify_fee"));
    for other in ["dongthap.admin", "hatinh.admin"] {
        let list = audit(&app().login_staff(other), "?entity=dossier");
        assert!(!list.iter().any(|e| e["entity_id"] == id.as_str()), "{other} reads a Hải Dương dossier's audit");
        expect_error(app().login_staff(other).get(&format!("/api/staff/audit?entity=dossier&id={id}")), 404);
    }
}

/// One route of the matrix: what the intruder sends.
enum Call {
    Get(String),
    Post(String, Value),
    Put(String, Value),
}

fn send(who: &Session, call: &Call) -> (String, reqwest::blocking::Response) {
    match call {
        Call::Get(p) => (format!("GET {p}"), who.get(p)),
        Call::Post(p, b) => (format!("POST {p}"), who.post_json(p, b)),
        Call::Put(p, b) => (format!("PUT {p}"), who.put_json(p, b)),
    }
}

/// Every route that reads or writes a dossier, its payment or its agency, aimed at `f` by
/// `intruder`, is denied (404, or 403, in the error envelope) and changes nothing.
fn assert_denied(intruder: &str, f: &Fixture, payment_id: &str, agency: &str) {
    let who = app().login_staff(intruder);
    let id = &f.dossier_id;
    let account = json!({"bank_bin": "970415", "account_number": "123456789", "account_name": "KHONG DUOC"});
    let calls = vec![
        Call::Get(format!("/api/staff/dossiers/{id}")),
        Call::Post(format!("/api/staff/dossiers/{id}/actions"), json!({"action": "start_processing"})),
        Call::Post(format!("/api/staff/dossiers/{id}/actions"), json!({"action": "reject", "reason": "Không thuộc thẩm quyền"})),
        Call::Post(format!("/api/staff/dossiers/{id}/fee-notice"), json!({})),
        Call::Post(format!("/api/staff/dossiers/{id}/results?name=x.pdf"), json!({})),
        Call::Post(format!("/api/staff/dossiers/{id}/counter-payment"), json!({})),
        Call::Post(format!("/api/staff/dossiers/{id}/pay-link"), json!({})),
        Call::Post(format!("/api/staff/payments/{payment_id}/refunds"), json!({"amount": 1000, "reason": "Không được"})),
        Call::Get(format!("/api/staff/statements?agency={agency}")),
        Call::Get(format!("/api/staff/audit?entity=dossier&id={id}")),
        Call::Get(format!("/api/staff/audit?entity=agency&id={agency}")),
        Call::Get(format!("/api/admin/agencies/{agency}/embed-origins")),
        Call::Put(format!("/api/admin/agencies/{agency}/embed-origins"), json!({"origins": ["https://evil.example"]})),
        Call::Put(format!("/api/admin/agencies/{agency}/bank-account"), account),
        Call::Put(format!("/api/admin/agencies/{agency}/procedures/2.000815"), json!({"online_payment": false})),
        Call::Put(format!("/api/admin/agencies/{agency}"), json!({"name": "Đổi tên", "level": "commune"})),
        Call::Post("/api/admin/agencies".into(), json!({"code": "000.99.51.H23", "name": "Chen ngang", "level": "commune", "parent_code": agency})),
        Call::Get(format!("/api/dashboard/rates?agency={agency}")),
        Call::Get(format!("/api/dashboard/overdue?agency={agency}")),
        Call::Get(format!("/api/dashboard/procedures?agency={agency}")),
    ];
    let before = f.detail();
    for call in &calls {
        let (what, resp) = send(&who, call);
        let status = resp.status().as_u16();
        assert!(status == 404 || status == 403, "{intruder}: {what} answered {status}");
        expect_error(resp, status);
    }
    // Listings name nothing of the other tenant.
    for tab in ["new", "supplement", "awaiting_payment", "processing", "due_soon", "overdue"] {
        let resp = who.get(&format!("/api/staff/dossiers?tab={tab}&q={}", before["code"].as_str().unwrap()));
        assert_eq!(resp.status(), 200);
        let page: Value = resp.json().unwrap();
        assert!(page["items"].as_array().unwrap().is_empty(), "{intruder} lists the dossier under {tab}");
    }
    if let Ok(catalog) = who.get("/api/admin/catalog").json::<Value>() {
        assert!(!catalog["agencies"].to_string().contains(agency), "{intruder}'s catalog lists {agency}");
    }
    let after = f.detail();
    assert_eq!((&after["status"], &after["payments"], &after["refunds"]), (&before["status"], &before["payments"], &before["refunds"]));
}

#[test]
fn every_role_pair_is_denied_the_other_tenants_dossiers_payments_and_agencies() {
    // A paid dossier of Đại Sơn (Tứ Kỳ, Hải Dương) and one of Sơn Tây (Hà Tĩnh).
    let dai_son = dossier_awaiting_payment("0911000792", "UBND xã Đại Sơn", "daison.motcua");
    let resp = dai_son.officer.post_json(&format!("/api/staff/dossiers/{}/counter-payment", dai_son.dossier_id), &json!({}));
    assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());
    let dai_son_payment = dai_son.detail()["payments"][0]["id"].as_str().unwrap().to_string();
    let son_tay = dossier_awaiting_payment("0911000793", "UBND xã Sơn Tây", "sontay.motcua");
    let resp = son_tay.officer.post_json(&format!("/api/staff/dossiers/{}/counter-payment", son_tay.dossier_id), &json!({}));
    assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());
    let son_tay_payment = son_tay.detail()["payments"][0]["id"].as_str().unwrap().to_string();
    let (dai_son_code, son_tay_code) = (agency_code("UBND xã Đại Sơn"), agency_code("UBND xã Sơn Tây"));

    // Officer of commune B vs commune A; the Đồng Tháp admin and the Hà Tĩnh admin vs Tứ Kỳ.
    for intruder in ["ngocky.motcua", "dongthap.admin", "hatinh.admin", "sontay.motcua"] {
        assert_denied(intruder, &dai_son, &dai_son_payment, &dai_son_code);
    }
    // The leader of Tứ Kỳ and the Hải Dương and Đồng Tháp admins vs Hà Tĩnh.
    for intruder in ["tuky.lanhdao", "haiduong.admin", "dongthap.admin", "daison.motcua"] {
        assert_denied(intruder, &son_tay, &son_tay_payment, &son_tay_code);
    }
    // The leader of Tứ Kỳ vs Đồng Tháp's own data.
    let leader = app().login_staff("tuky.lanhdao");
    for path in [
        format!("/api/staff/statements?agency={DONG_THAP_DISTRICT}"),
        format!("/api/dashboard/rates?agency={DONG_THAP}"),
        format!("/api/admin/agencies/{DONG_THAP_DISTRICT}/embed-origins"),
        "/api/staff/audit".to_string(),
    ] {
        let resp = leader.get(&path);
        let status = resp.status().as_u16();
        assert!(status == 404 || status == 403, "tuky.lanhdao: GET {path} answered {status}");
        expect_error(resp, status);
    }
    // The owners still reach their own (the matrix is not denying everything).
    assert_eq!(dai_son.officer.get(&format!("/api/staff/dossiers/{}", dai_son.dossier_id)).status(), 200);
    assert_eq!(app().login_staff("haiduong.admin").get(&format!("/api/admin/agencies/{dai_son_code}/embed-origins")).status(), 200);
    assert_eq!(app().login_staff("hatinh.admin").get(&format!("/api/staff/statements?agency={son_tay_code}")).status(), 200);
    assert_eq!(leader.get(&format!("/api/staff/dossiers/{}", dai_son.dossier_id)).status(), 200);
}

// ---- the national catalog ----

fn fixed_version(from: &str, basis: &str, amount: i64) -> Value {
    json!({"effective_from": from, "legal_basis": basis, "lines": [{
        "code": "fee", "name": "Phí thử nghiệm", "kind": "phi", "beneficiary": "agency", "legal_basis": basis,
        "rule": {"type": "fixed", "amount": amount}
    }]})
}

fn quote_total(agency: &str, procedure: &str) -> i64 {
    let resp = app().post_json("/api/fees/quote", &json!({"procedure": procedure, "agency": agency, "inputs": {}}));
    assert_eq!(resp.status(), 200, "quote {procedure} at {agency}: {}", resp.text().unwrap_or_default());
    resp.json::<Value>().unwrap()["total"].as_i64().unwrap()
}

#[test]
fn only_the_national_admin_changes_procedures_and_national_fee_versions() {
    let provincial = app().login_staff("haiduong.admin");
    let national = app().login_staff("quocgia.admin");
    let me: Value = national.get("/api/staff/me").json().unwrap();
    assert_eq!(me["role"], "national");
    for province in [HAI_DUONG, DONG_THAP, "000.00.00.H27", "000.00.00.H32"] {
        assert!(me["agencies"].as_array().unwrap().iter().any(|a| a == province), "{province} in the national scope");
    }

    let procedure = json!({"code": "1.999101", "name": "Thủ tục quốc gia thử nghiệm", "level": "commune", "processing_days": 2, "documents": ["Tờ khai"], "legal_basis": "Thử nghiệm"});
    let resp = provincial.post_json("/api/admin/procedures", &procedure);
    assert_eq!(resp.status(), 403);
    let error = resp.json::<Value>().unwrap()["error"].clone();
    assert_eq!(error["code"], "forbidden_role");
    assert!(error["message_vi"].as_str().unwrap().contains("quản trị cấp quốc gia"), "{error}");
    assert_eq!(app().get("/api/procedures/1.999101").status(), 404, "nothing was created");

    let resp = national.post_json("/api/admin/procedures", &procedure);
    assert_eq!(resp.status(), 201, "{}", resp.text().unwrap_or_default());
    let mut renamed = procedure.clone();
    renamed["name"] = json!("Thủ tục quốc gia thử nghiệm (sửa)");
    let (code, _) = expect_error(provincial.put_json("/api/admin/procedures/1.999101", &renamed), 403);
    assert_eq!(code, "forbidden_role");
    assert_eq!(app().get("/api/procedures/1.999101").json::<Value>().unwrap()["name"], "Thủ tục quốc gia thử nghiệm");
    let resp = national.put_json("/api/admin/procedures/1.999101", &renamed);
    assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());
    assert_eq!(app().get("/api/procedures/1.999101").json::<Value>().unwrap()["name"], "Thủ tục quốc gia thử nghiệm (sửa)");

    // The lĩnh vực: set by the national admin (NFC, one line), found by the citizen's search at
    // once, kept by a change that leaves it out, refused at its field when malformed.
    let found = |q: &str| -> bool {
        let list: Vec<Value> = app().get(&format!("/api/procedures?q={q}")).json().unwrap();
        list.iter().any(|p| p["code"] == "1.999101")
    };
    assert!(!found("ki%E1%BB%83m%20%C4%91%E1%BB%8Bnh"), "no field yet: “kiểm định” is in neither name nor code");
    let mut with_field = renamed.clone();
    with_field["field"] = json!(" Kie\u{0302}\u{0309}m định chất lượng ");
    let (code, _) = expect_error(provincial.put_json("/api/admin/procedures/1.999101", &with_field), 403);
    assert_eq!(code, "forbidden_role");
    let resp = national.put_json("/api/admin/procedures/1.999101", &with_field);
    assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());
    assert_eq!(resp.json::<Value>().unwrap()["field"], "Kiểm định chất lượng");
    assert!(found("ki%E1%BB%83m%20%C4%91%E1%BB%8Bnh"), "“kiểm định” finds it by its field");
    assert!(found("kiem%20dinh"), "without diacritics too");
    let resp = national.put_json("/api/admin/procedures/1.999101", &renamed);
    assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());
    assert_eq!(resp.json::<Value>().unwrap()["field"], "Kiểm định chất lượng", "left out: kept");
    assert!(found("kiem%20dinh"));
    for bad in [json!("Kiểm định\nchất lượng"), json!("x".repeat(201)), json!(42)] {
        let mut body = renamed.clone();
        body["field"] = bad.clone();
        let (_, field) = expect_error(national.put_json("/api/admin/procedures/1.999101", &body), 400);
        assert_eq!(field.as_deref(), Some("field"), "{bad}");
    }
    let catalog: Value = national.get("/api/admin/catalog").json().unwrap();
    let entry = catalog["procedures"].as_array().unwrap().iter().find(|p| p["code"] == "1.999101").unwrap().clone();
    assert_eq!(entry["field"], "Kiểm định chất lượng", "the admin's form reads it back");

    // A provincial admin naming another province, or the national schedule, gets nothing.
    let (code, field) = expect_error(
        provincial.post_json(&format!("/api/admin/procedures/1.999101/fee-versions?province={DONG_THAP}"), &fixed_version(&today_vn(), "NQ", 1000)),
        404,
    );
    assert_eq!((code.as_str(), field.as_deref()), ("not_found", Some("province")));
    // The national change is audited for the national admin, not shown to a province.
    assert!(has_entry(&audit(&national, "?entity=procedure&id=1.999101"), "quocgia.admin", "procedure.update", "1.999101"));
    assert!(audit(&provincial, "?entity=procedure&id=1.999101").is_empty());
}

#[test]
fn a_provinces_own_fee_version_applies_to_its_agencies_only() {
    let national = app().login_staff("quocgia.admin");
    let haiduong = app().login_staff("haiduong.admin");
    let procedure = json!({"code": "1.999102", "name": "Thủ tục có phí do tỉnh quyết định", "level": "commune", "processing_days": 2, "documents": ["Tờ khai"], "legal_basis": "Luật Phí và lệ phí 2015"});
    assert_eq!(national.post_json("/api/admin/procedures", &procedure).status(), 201);
    let today = today_vn();
    let resp = national.post_json("/api/admin/procedures/1.999102/fee-versions", &fixed_version(&today, "Thông tư thử nghiệm", 50_000));
    assert_eq!(resp.status(), 201, "{}", resp.text().unwrap_or_default());
    let dai_son = agency_code("UBND xã Đại Sơn");
    for agency in [dai_son.as_str(), DONG_THAP_DISTRICT] {
        let resp = national.put_json(&format!("/api/admin/agencies/{agency}/procedures/1.999102"), &json!({"online_payment": true}));
        assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());
    }
    assert_eq!(quote_total(&dai_son, "1.999102"), 50_000);
    assert_eq!(quote_total(DONG_THAP_DISTRICT, "1.999102"), 50_000);

    // Hải Dương's People's Council sets its own rate: the provincial admin adds it for the province.
    let resp = haiduong.post_json("/api/admin/procedures/1.999102/fee-versions", &fixed_version(&today, "Nghị quyết HĐND tỉnh Hải Dương", 30_000));
    assert_eq!(resp.status(), 201, "{}", resp.text().unwrap_or_default());
    assert_eq!(resp.json::<Value>().unwrap()["province"], HAI_DUONG);
    assert_eq!(quote_total(&dai_son, "1.999102"), 30_000, "a Hải Dương agency uses the province's version");
    assert_eq!(quote_total(DONG_THAP_DISTRICT, "1.999102"), 50_000, "a Đồng Tháp agency still uses the national one");
    let shown: Value = app().get(&format!("/api/procedures/1.999102?agency={dai_son}")).json().unwrap();
    assert!(shown["fee_schedule"].to_string().contains("HĐND tỉnh Hải Dương"), "{shown}");
    let shown: Value = app().get(&format!("/api/procedures/1.999102?agency={DONG_THAP_DISTRICT}")).json().unwrap();
    assert!(!shown["fee_schedule"].to_string().contains("HĐND tỉnh Hải Dương"), "{shown}");

    // Versions move forward within the province too; the change is audited in the province.
    let (code, _) = expect_error(haiduong.post_json("/api/admin/procedures/1.999102/fee-versions", &fixed_version(&today, "NQ khác", 1)), 400);
    assert_eq!(code, "not_after_current");
    assert!(has_entry(&audit(&haiduong, "?entity=fee_schedule&id=1.999102"), "haiduong.admin", "fee_version.add", "1.999102"));
    assert!(!has_entry(&audit(&app().login_staff("dongthap.admin"), "?entity=fee_schedule&id=1.999102"), "haiduong.admin", "fee_version.add", "1.999102"));
}
