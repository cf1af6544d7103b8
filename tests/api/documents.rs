//! Digitized and reusable documents against a real `wrangler dev`: the desk's scans at reception
//! (typed by the procedure's documents, private to the agency, on the control sheet), the
//! citizen's wallet and its reuse in a new dossier (own documents only, each named by its index
//! when refused), the public check's refusals, and the digitization indicators.

use serde_json::{json, Value};

use crate::support::{agency_code, app, expect_error, Session};
use crate::uploads::{submit, JPEG, PDF};

fn documents_of(procedure: &str) -> Vec<String> {
    serde_json::from_value(app().get(&format!("/api/procedures/{procedure}")).json::<Value>().unwrap()["documents"].clone()).unwrap()
}

pub fn scan(officer: &Session, id: &str, doc_type: &str, name: &str, body: &[u8]) -> reqwest::blocking::Response {
    let url = format!("/api/staff/dossiers/{id}/files?type={}&name={name}", urlencode(doc_type));
    app().client.post(app().url(&url)).header("cookie", &officer.cookie).header("content-type", "application/octet-stream").body(body.to_vec()).send().unwrap()
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn created_id(resp: reqwest::blocking::Response) -> String {
    assert_eq!(resp.status(), 201, "{}", resp.text().unwrap_or_default());
    resp.json::<Value>().unwrap()["id"].as_str().unwrap().to_string()
}

fn upload(who: &Session, name: &str, body: &[u8]) -> String {
    let resp = app()
        .client
        .post(app().url("/api/uploads"))
        .header("cookie", &who.cookie)
        .header("content-type", "application/octet-stream")
        .header("x-file-name", name)
        .body(body.to_vec())
        .send()
        .unwrap();
    created_id(resp)
}

#[test]
fn the_desk_scans_an_online_dossier_at_reception_and_the_control_sheet_shows_it() {
    let citizen = app().login_citizen("0911700001");
    let id = created_id(submit(&citizen, "0911700001", &[]));
    let officer = app().login_staff("sontay.motcua");
    let docs = documents_of("2.000815");
    let before: Value = officer.get(&format!("/api/staff/dossiers/{id}")).json().unwrap();
    assert_eq!(before["digitization"]["at_reception"], false, "no file yet: {}", before["digitization"]);

    let resp = scan(&officer, &id, &docs[0], "ban-chinh.jpg", JPEG);
    assert_eq!(resp.status(), 201, "{}", resp.text().unwrap_or_default());
    let after: Value = resp.json().unwrap();
    assert_eq!(after["scans"][0]["document_type"], docs[0].as_str());
    assert_eq!(after["scans"][0]["content_type"], "image/jpeg");
    assert_eq!(after["digitization"]["at_reception"], true);
    assert_eq!(after["digitization"]["reception_documents"], json!([docs[0]]));
    assert_eq!(after["digitization"]["at_return"], false);
    // The bytes come back as stored, to the agency's staff only.
    let url = after["scans"][0]["url"].as_str().unwrap();
    let got = officer.get(url);
    assert_eq!(got.status(), 200);
    assert_eq!(got.bytes().unwrap().as_ref(), JPEG);
    let other = app().login_staff("ngocky.motcua");
    expect_error(other.get(url), 404);
    expect_error(scan(&other, &id, &docs[0], "x.jpg", JPEG), 404);
    expect_error(citizen.get(url), 401);
    // Audited, without the file's content.
    let audit: Vec<Value> = officer.get(&format!("/api/staff/audit?entity=dossier&id={id}")).json().unwrap();
    assert!(audit.iter().any(|a| a["action"] == "dossier.scan" && a["after"]["document_type"] == docs[0].as_str()), "{audit:?}");
}

#[test]
fn a_scan_needs_one_of_the_procedures_documents_and_a_real_file() {
    let citizen = app().login_citizen("0911700002");
    let id = created_id(submit(&citizen, "0911700002", &[]));
    let officer = app().login_staff("sontay.motcua");
    let docs = documents_of("2.000815");
    assert_eq!(expect_error(scan(&officer, &id, "Giấy tờ khác", "a.pdf", PDF), 400), ("unknown_document".into(), Some("type".into())));
    assert_eq!(expect_error(scan(&officer, &id, "", "a.pdf", PDF), 400), ("required".into(), Some("type".into())));
    let mut exe = JPEG[..4].to_vec();
    exe.extend_from_slice(b"MZ\x90\x00 this is not an image");
    let (_, field) = expect_error(scan(&officer, &id, &docs[0], "a.jpg", &exe), 400);
    assert_eq!(field.as_deref(), Some("file"));
    let d: Value = officer.get(&format!("/api/staff/dossiers/{id}")).json().unwrap();
    assert_eq!(d["scans"], json!([]), "a refused scan stores nothing");
}

#[test]
fn the_wallet_lists_own_uploads_and_a_new_dossier_reuses_them_only_for_their_owner() {
    let phone = "0911700003";
    let owner = app().login_citizen(phone);
    let up = upload(&owner, "cccd.pdf", PDF);
    let first = created_id(submit(&owner, phone, &[&up]));
    let wallet: Value = owner.get("/api/me/documents").json().unwrap();
    let doc = wallet["documents"].as_array().unwrap().iter().find(|d| d["id"] == up.as_str()).expect("the upload is in the wallet").clone();
    assert_eq!(doc["kind"], "upload");
    assert!(doc["dossier_code"].as_str().is_some_and(|c| !c.is_empty()));
    assert_eq!(owner.get(doc["url"].as_str().unwrap()).bytes().unwrap().as_ref(), PDF);

    // Reused in a second dossier without uploading it again.
    let resp = owner.post_json(
        "/api/dossiers",
        &json!({
            "agency": agency_code("UBND xã Sơn Tây"), "procedure": "2.000815",
            "applicant": {"full_name": "Lê Thị Mai", "id_number": "042190001111", "phone": phone, "address": "Xã Sơn Tây"},
            "inputs": {"pages": 2, "copies": 1}, "documents": [up],
        }),
    );
    let second = created_id(resp);
    assert_ne!(first, second);
    let d: Value = owner.get(&format!("/api/dossiers/{second}")).json().unwrap();
    assert_eq!(d["wallet_documents"][0]["id"], up.as_str());
    assert_eq!(d["wallet_documents"][0]["kind"], "upload");
    assert_eq!(d["wallet_documents"][0]["signed"], false);
    let officer = app().login_staff("sontay.motcua");
    let staff: Value = officer.get(&format!("/api/staff/dossiers/{second}")).json().unwrap();
    assert_eq!(staff["digitization"]["at_reception"], true, "reused documents are digital");
    let url = staff["wallet_documents"][0]["url"].as_str().unwrap();
    assert_eq!(officer.get(url).bytes().unwrap().as_ref(), PDF);

    // Nobody else can name it; the owner cannot name it twice or name something unknown.
    let other = app().login_citizen("0911700004");
    let body = |docs: Value| {
        json!({
            "agency": agency_code("UBND xã Sơn Tây"), "procedure": "2.000815",
            "applicant": {"full_name": "Trần Văn Nam", "id_number": "042190002222", "phone": "0911700004", "address": "Xã Sơn Tây"},
            "inputs": {"pages": 1, "copies": 1}, "documents": docs,
        })
    };
    assert_eq!(expect_error(other.post_json("/api/dossiers", &body(json!([up]))), 400), ("not_found".into(), Some("documents[0]".into())));
    expect_error(other.get(&format!("/api/me/documents/{up}")), 404);
    expect_error(other.get(url), 404);
    assert_eq!(expect_error(owner.post_json("/api/dossiers", &body(json!([up, up]))), 400), ("duplicate".into(), Some("documents[1]".into())));
    assert_eq!(expect_error(owner.post_json("/api/dossiers", &body(json!([up, "khong-co"]))), 400), ("not_found".into(), Some("documents[1]".into())));
    let mine: Value = other.get("/api/dossiers").json().unwrap();
    assert_eq!(mine.as_array().map(Vec::len).unwrap_or(0), 0, "a refused submission files nothing: {mine}");
}

#[test]
fn the_public_check_refuses_junk_and_does_not_know_unknown_documents() {
    assert_eq!(expect_error(app().get("/api/verify/abc"), 400), ("invalid_format".into(), Some("key".into())));
    expect_error(app().get(&format!("/api/verify/{}", "0".repeat(64))), 404);
    expect_error(app().get("/api/verify/ZZZZZ-ZZZZZ"), 404);
    let revoke = app().login_staff("sontay.motcua").post_json("/api/staff/documents/khong-co/revoke", &json!({"reason": "Cấp nhầm"}));
    expect_error(revoke, 404);
}

#[test]
fn the_digitization_indicator_counts_scanned_dossiers_and_copy_issuing_units() {
    let citizen = app().login_citizen("0911700005");
    let id = created_id(submit(&citizen, "0911700005", &[]));
    let officer = app().login_staff("sontay.motcua");
    let son_tay = agency_code("UBND xã Sơn Tây");
    let year = time::OffsetDateTime::now_utc().year();
    let admin = app().login_staff("hatinh.admin");
    let read = || -> Value {
        let resp = admin.get(&format!("/api/dashboard/digitization?agency={son_tay}&period={year}"));
        assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());
        resp.json().unwrap()
    };
    let before = read();
    let docs = documents_of("2.000815");
    assert_eq!(scan(&officer, &id, &docs[0], "a.pdf", PDF).status(), 201);
    let after = read();
    let n = |v: &Value, k: &str| v["summary"][k].as_u64().unwrap();
    assert!(n(&after, "received") >= 1);
    assert!(n(&after, "at_reception") <= n(&after, "received"));
    assert_eq!(n(&after, "at_reception"), n(&before, "at_reception") + 1, "{before} → {after}");
    assert_eq!(after["copy_units"]["target"], 35);
    // A commune is one unit of the copy indicator.
    assert_eq!(after["copy_units"]["units"], 1);
    let csv = admin.get(&format!("/api/dashboard/digitization?agency={son_tay}&period={year}&format=csv")).text().unwrap();
    assert!(csv.starts_with("Mã đơn vị,Đơn vị,Hồ sơ tiếp nhận,Số hóa khi tiếp nhận"), "{csv}");
    // Outside the admin's province: nothing.
    let other = app().login_staff("haiduong.admin");
    expect_error(other.get(&format!("/api/dashboard/digitization?agency={son_tay}&period={year}")), 404);
}
