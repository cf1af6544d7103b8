//! The national catalog: our codes mapped to the portal's (and used by the sync), and the
//! portal's catalog pulled into a review list. The sandbox portal publishes our own catalog with
//! deliberate differences fixed by procedure code (functions/src/national/sandbox_catalog.rs).
//! These tests map only xã Quang Phục and procedure 2.001035, which no other test relies on, and
//! clear the mappings when done.

use serde_json::{json, Value};

use crate::national::eventually;
use crate::support::{agency_code, app, expect_error, Session};

const PROCEDURE: &str = "2.001035";
const NATIONAL_PROCEDURE: &str = "2.001035.000.00.00.H23";
const NATIONAL_UNIT: &str = "000.99.51.H23";
const NATIONAL_FEE: &str = "LP.CTHD.01";

fn put_mapping(who: &Session, body: Value) -> reqwest::blocking::Response {
    who.put_json("/api/admin/national-mapping", &body)
}

fn received(code: &str) -> Vec<Value> {
    app().get(&format!("/sandbox/dvcqg/received?dossier={code}")).json::<Vec<Value>>().unwrap()
}


#[test]
fn codes_are_mapped_by_who_may_and_the_sync_reports_the_portals_codes() {
    let national = app().login_staff("quocgia.admin");
    let haiduong = app().login_staff("haiduong.admin");
    let hatinh = app().login_staff("hatinh.admin");
    let quang_phuc = agency_code("UBND xã Quang Phục");

    // Who may read and change what.
    assert_eq!(app().login_staff("sontay.motcua").get("/api/admin/national-mapping").status(), 404, "admins only");
    let (code, field) = expect_error(
        put_mapping(&haiduong, json!({"procedures": [{"code": PROCEDURE, "national_code": NATIONAL_PROCEDURE}]})),
        403,
    );
    assert_eq!((code.as_str(), field.as_deref()), ("forbidden_role", Some("procedures")));
    let (code, field) = expect_error(
        put_mapping(&haiduong, json!({"fee_lines": [{"procedure": PROCEDURE, "line": "contract_fee", "national_code": NATIONAL_FEE}]})),
        403,
    );
    assert_eq!((code.as_str(), field.as_deref()), ("forbidden_role", Some("fee_lines")));
    let (code, field) = expect_error(put_mapping(&hatinh, json!({"agencies": [{"code": quang_phuc, "national_code": NATIONAL_UNIT}]})), 400);
    assert_eq!((code.as_str(), field.as_deref()), ("unknown", Some("agencies.0.code")), "another province's agency is unknown");

    // Bad input: 400 naming the entry's field.
    for (body, field) in [
        (json!({}), "agencies"),
        (json!({"agencies": [{"code": quang_phuc, "national_code": "H23"}]}), "agencies.0.national_code"),
        (json!({"procedures": [{"code": PROCEDURE, "national_code": "abc"}]}), "procedures.0.national_code"),
        (json!({"procedures": [{"code": "9.999999", "national_code": ""}]}), "procedures.0.code"),
        (json!({"fee_lines": [{"procedure": PROCEDURE, "line": "no_such_line", "national_code": "X1"}]}), "fee_lines.0.line"),
        (json!({"fee_lines": [{"procedure": PROCEDURE, "line": "contract_fee", "national_code": "lệ phí"}]}), "fee_lines.0.national_code"),
        (json!({"procedures": [{"code": PROCEDURE}, {"code": PROCEDURE}]}), "procedures.1.code"),
        (json!({"procedures": [{"code": PROCEDURE, "national_code": "2.000884"}]}), "procedures.0.national_code"),
        (json!({"agencies": "all"}), "agencies"),
    ] {
        let (_, got) = expect_error(put_mapping(&national, body.clone()), 400);
        assert_eq!(got.as_deref(), Some(field), "{body}");
    }

    // The province's admin maps the unit; the national admin the procedure and its fee line.
    let resp = put_mapping(&haiduong, json!({"agencies": [{"code": quang_phuc, "national_code": NATIONAL_UNIT}]}));
    assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());
    let resp = put_mapping(
        &national,
        json!({
            "procedures": [{"code": PROCEDURE, "national_code": NATIONAL_PROCEDURE}],
            "fee_lines": [{"procedure": PROCEDURE, "line": "contract_fee", "national_code": NATIONAL_FEE}]
        }),
    );
    assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());
    let view: Value = national.get("/api/admin/national-mapping").json().unwrap();
    let agency = view["agencies"].as_array().unwrap().iter().find(|a| a["code"] == quang_phuc.as_str()).unwrap();
    assert_eq!(agency["national_code"], NATIONAL_UNIT);
    let procedure = view["procedures"].as_array().unwrap().iter().find(|p| p["code"] == PROCEDURE).unwrap();
    assert_eq!(procedure["national_code"], NATIONAL_PROCEDURE);
    assert_eq!(procedure["fee_lines"][0], json!({"line": "contract_fee", "name": procedure["fee_lines"][0]["name"], "national_code": NATIONAL_FEE}));
    let hatinh_view: Value = hatinh.get("/api/admin/national-mapping").json().unwrap();
    assert!(!hatinh_view["agencies"].as_array().unwrap().iter().any(|a| a["code"] == quang_phuc.as_str()), "scope only");
    let audit: Vec<Value> = national.get(&format!("/api/staff/audit?entity=procedure&id={PROCEDURE}")).json().unwrap();
    assert!(audit.iter().any(|e| e["action"] == "national_mapping.put" && e["username"] == "quocgia.admin"), "{audit:?}");
    let audit: Vec<Value> = haiduong.get(&format!("/api/staff/audit?entity=agency&id={quang_phuc}")).json().unwrap();
    assert!(audit.iter().any(|e| e["action"] == "national_mapping.put" && e["username"] == "haiduong.admin"), "{audit:?}");

    // A dossier of the agency and procedure reaches the portal under the portal's codes.
    let citizen = app().login_citizen("0916160001");
    let resp = citizen.post_json(
        "/api/dossiers",
        &json!({
            "agency": quang_phuc,
            "procedure": PROCEDURE,
            "applicant": {"full_name": "Đỗ Thị Quyên", "id_number": "030190001616", "phone": "0916160001", "address": "Thôn Đông, xã Quang Phục"},
            "inputs": {"contracts": 1}
        }),
    );
    assert_eq!(resp.status(), 201, "{}", resp.text().unwrap_or_default());
    let id = resp.json::<Value>().unwrap()["id"].as_str().unwrap().to_string();
    let code = citizen.get(&format!("/api/dossiers/{id}")).json::<Value>().unwrap()["code"].as_str().unwrap().to_string();
    let officer = app().login_staff("thu.dvcqg");
    let documents = app().get(&format!("/api/procedures/{PROCEDURE}")).json::<Value>().unwrap()["documents"].clone();
    let resp = officer.post_json(&format!("/api/staff/dossiers/{id}/actions"), &json!({"action": "receive", "documents": documents}));
    assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());
    let resp = officer.post_json(&format!("/api/staff/dossiers/{id}/fee-notice"), &json!({}));
    assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());
    let notified = eventually("the fee notice at the portal", || {
        received(&code).into_iter().find(|m| m["service"] == "DongBoHoSoMC" && m["status"] == "6")
    });
    let body = &notified["body"];
    assert_eq!(body["madonvi"], NATIONAL_UNIT);
    assert_eq!(body["data"][0]["MaTTHC"], NATIONAL_PROCEDURE);
    assert_eq!(body["data"][0]["DanhSachLePhi"][0]["MaPhiLePhi"], NATIONAL_FEE, "{body}");
    assert_eq!(body["data"][0]["DanhSachLePhi"][0]["Gia"], "50000");

    // Cleared again: the portal knows them by our codes.
    let resp = put_mapping(&haiduong, json!({"agencies": [{"code": quang_phuc, "national_code": ""}]}));
    assert_eq!(resp.status(), 200);
    let resp = put_mapping(
        &national,
        json!({
            "procedures": [{"code": PROCEDURE, "national_code": ""}],
            "fee_lines": [{"procedure": PROCEDURE, "line": "contract_fee", "national_code": ""}]
        }),
    );
    assert_eq!(resp.status(), 200);
    let view: Value = resp.json().unwrap();
    let procedure = view["procedures"].as_array().unwrap().iter().find(|p| p["code"] == PROCEDURE).unwrap();
    assert_eq!((procedure["national_code"].as_str(), procedure["fee_lines"][0]["national_code"].as_str()), (Some(""), Some("")));
}

/// Pulls the whole catalog, a page (of `limit` codes) per call, as an admin's screen would.
fn pull_all(national: &Session, limit: u32) -> u32 {
    let mut before: Option<(i64, String)> = None;
    for calls in 1..=40 {
        let resp = national.post_json(&format!("/api/admin/national-catalog/pull?limit={limit}"), &json!({}));
        assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());
        let progress: Value = resp.json().unwrap();
        assert!(progress["processed"].as_u64().unwrap() <= u64::from(limit), "{progress}");
        if progress["finished"] == true {
            return calls;
        }
        assert!(progress["remaining"].as_u64().unwrap() > 0, "{progress}");
        let (pull, cursor) = (progress["pull"]["id"].as_i64().unwrap(), progress["pull"]["cursor"].as_str().unwrap().to_string());
        if let Some((id, last)) = &before {
            assert!(*id == pull && cursor > *last, "each call goes on where the last stopped: {progress}");
        }
        before = Some((pull, cursor));
    }
    panic!("the pull never finished");
}

fn differences(who: &Session, query: &str) -> Vec<Value> {
    let resp = who.get(&format!("/api/admin/national-catalog/differences{query}"));
    assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());
    resp.json::<Value>().unwrap()["differences"].as_array().unwrap().clone()
}

fn find<'a>(list: &'a [Value], our_code: Option<&str>, procedure: &str, kind: &str) -> &'a Value {
    list.iter()
        .find(|d| d["procedure"] == procedure && d["kind"] == kind && our_code.map_or(d["our_code"].is_null(), |c| d["our_code"] == c))
        .unwrap_or_else(|| panic!("no {kind} difference for {procedure} in {list:#?}"))
}

#[test]
fn the_pulled_catalog_lists_each_difference_with_both_values_and_a_review_survives_the_next_pull() {
    let national = app().login_staff("quocgia.admin");
    let haiduong = app().login_staff("haiduong.admin");
    let (code, _) = expect_error(haiduong.post_json("/api/admin/national-catalog/pull", &json!({})), 403);
    assert_eq!(code, "forbidden_role");
    assert_eq!(app().login_staff("sontay.motcua").post_json("/api/admin/national-catalog/pull", &json!({})).status(), 404);

    let calls = pull_all(&national, 3);
    assert!(calls >= 4, "a dozen codes, three a call: {calls} calls");
    let open = differences(&haiduong, "?status=open");
    let renamed = find(&open, Some("1.000894"), "1.000894", "name");
    assert_eq!(renamed["ours"], "Thủ tục đăng ký kết hôn");
    assert!(renamed["national"].as_str().unwrap().starts_with("Đăng ký kết hôn (sửa đổi"), "{renamed}");
    let fee = find(&open, Some("2.000884"), "2.000884", "fee_amount");
    assert!(fee["ours"].as_str().unwrap().ends_with(": 10.000 đồng"), "{fee}");
    assert_eq!(fee["national"], "12.000 đồng");
    assert_eq!(fee["item"], "signature_fee");
    let days = find(&open, Some("1.000656"), "1.000656", "processing_days");
    assert_eq!((days["ours"].as_str(), days["national"].as_str()), (Some("1 ngày làm việc"), Some("2 ngày làm việc")));
    let law = find(&open, Some("1.004873"), "1.004873", "legal_basis_missing");
    assert_eq!((law["item"].as_str(), law["ours"].as_str()), (Some("04/2020/TT-BTP"), None));
    assert!(law["national"].as_str().unwrap().contains("Thông tư 04/2020/TT-BTP"));
    let only_portal = find(&open, None, "1.999999", "only_national");
    assert!(only_portal["ours"].is_null());
    let only_ours = find(&open, Some("2.000635"), "2.000635", "only_ours");
    assert!(only_ours["national"].is_null());
    assert!(!open.iter().any(|d| d["our_code"] == "2.000815"), "the same on both sides: nothing to review");
    assert!(open.iter().all(|d| d["status"] == "open" && d["kind_label"].as_str().is_some_and(|l| !l.is_empty())));

    // Resolving: the national admin, with a note, once.
    let id = fee["id"].as_i64().unwrap();
    let path = format!("/api/admin/national-catalog/differences/{id}/resolve");
    let (code, _) = expect_error(haiduong.post_json(&path, &json!({"note": "Đã xem"})), 403);
    assert_eq!(code, "forbidden_role");
    let (code, field) = expect_error(national.post_json(&path, &json!({"note": "  "})), 400);
    assert_eq!((code.as_str(), field.as_deref()), ("required", Some("note")));
    let (_, field) = expect_error(national.post_json(&path, &json!({"note": 5})), 400);
    assert_eq!(field.as_deref(), Some("note"));
    assert_eq!(national.post_json("/api/admin/national-catalog/differences/abc/resolve", &json!({"note": "x"})).status(), 404);
    let note = "Mức phí theo Thông tư 226/2016/TT-BTC; đã đề nghị Cổng DVCQG cập nhật";
    let resp = national.post_json(&path, &json!({"note": note}));
    assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());
    let resolved: Value = resp.json().unwrap();
    assert_eq!((resolved["status"].as_str(), resolved["resolved_by"].as_str()), (Some("resolved"), Some("quocgia.admin")));
    let (code, _) = expect_error(national.post_json(&path, &json!({"note": note})), 409);
    assert_eq!(code, "not_open");
    let audit: Vec<Value> = national.get(&format!("/api/staff/audit?entity=national_catalog_difference&id={id}")).json().unwrap();
    assert!(audit.iter().any(|e| e["action"] == "national_catalog.resolve"), "{audit:?}");

    // A new pull (whole, then of the procedure alone) finds the same values: still resolved.
    pull_all(&national, 60);
    let resp = national.post_json("/api/admin/national-catalog/pull?procedure=2.000884", &json!({}));
    assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());
    let all = differences(&national, "?status=all&procedure=2.000884");
    let again = all.iter().find(|d| d["id"] == id).expect("the same difference, not a new one");
    assert_eq!((again["status"].as_str(), again["note"].as_str()), (Some("resolved"), Some(note)));
    assert!(!differences(&national, "?status=open").iter().any(|d| d["id"] == id));
    assert_eq!(all.iter().filter(|d| d["kind"] == "fee_amount").count(), 1);
    let open = differences(&national, "?status=open");
    assert_eq!(find(&open, Some("1.000894"), "1.000894", "name")["id"], renamed["id"], "an open one stays the same row");

    // Bad input.
    let (_, field) = expect_error(national.get("/api/admin/national-catalog/differences?status=closed"), 400);
    assert_eq!(field.as_deref(), Some("status"));
    let (_, field) = expect_error(national.get("/api/admin/national-catalog/differences?kind=price"), 400);
    assert_eq!(field.as_deref(), Some("kind"));
    let fees = differences(&national, "?kind=fee_amount&status=all");
    assert!(!fees.is_empty() && fees.iter().all(|d| d["kind"] == "fee_amount"));
    let (_, field) = expect_error(national.post_json("/api/admin/national-catalog/pull?procedure=9.999999", &json!({})), 404);
    assert_eq!(field.as_deref(), Some("procedure"));
    for limit in ["0", "61", "mười"] {
        let (_, field) = expect_error(national.post_json(&format!("/api/admin/national-catalog/pull?limit={limit}"), &json!({})), 400);
        assert_eq!(field.as_deref(), Some("limit"));
    }
}
