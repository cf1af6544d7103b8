//! Signed results and electronic certified copies against a real `wrangler dev` with the signing
//! Worker bound beside it and the remote-signing provider's sandbox: the downloaded PDF is
//! judged by an independent validator (pyHanko, trust root = the sandbox CA) and refused once a
//! byte changes; the public check by hash and by code; revocation; the certification book's
//! numbers; the wallet's reuse of a signed document, verified; and every refusal.

use std::path::PathBuf;
use std::process::Command;

use serde_json::{json, Value};

use crate::documents::urlencode;
use crate::payments::dossier_awaiting_payment;
use crate::support::{agency_code, app, expect_error, root, Session};

const RESULT_PDF: &[u8] = include_bytes!("../fixtures/result.pdf");

fn attach(officer: &Session, id: &str, name: &str, content_type: &str, body: &[u8]) -> Value {
    let resp = app()
        .client
        .post(app().url(&format!("/api/staff/dossiers/{id}/results?name={}", urlencode(name))))
        .header("cookie", &officer.cookie)
        .header("content-type", content_type)
        .body(body.to_vec())
        .send()
        .unwrap();
    assert_eq!(resp.status(), 201, "{}", resp.text().unwrap_or_default());
    resp.json().unwrap()
}

/// A marriage registration (no fees) of Sơn Tây filed by `phone`, received, processed, with a
/// result attached: `(citizen, officer, dossier id, result file id)`.
fn with_result(phone: &str, content_type: &str, body: &[u8]) -> (Session, Session, String, String) {
    let citizen = app().login_citizen(phone);
    let resp = citizen.post_json(
        "/api/dossiers",
        &json!({
            "agency": agency_code("UBND xã Sơn Tây"), "procedure": "1.000894",
            "applicant": {"full_name": "Phạm Thị Thu", "id_number": "042190003333", "phone": phone, "address": "Thôn Tân Hương, xã Sơn Tây"},
        }),
    );
    assert_eq!(resp.status(), 201, "{}", resp.text().unwrap_or_default());
    let id = resp.json::<Value>().unwrap()["id"].as_str().unwrap().to_string();
    let officer = app().login_staff("sontay.motcua");
    let documents = app().get("/api/procedures/1.000894").json::<Value>().unwrap()["documents"].clone();
    for body in [json!({"action": "receive", "documents": documents}), json!({"action": "start_processing"})] {
        let resp = officer.post_json(&format!("/api/staff/dossiers/{id}/actions"), &body);
        assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());
    }
    let name = match content_type {
        "application/pdf" => "Giấy chứng nhận kết hôn.pdf",
        "image/png" => "ket-qua.png",
        _ => "ket-qua.jpg",
    };
    let d = attach(&officer, &id, name, content_type, body);
    let file = d["results"][0]["id"].as_str().unwrap().to_string();
    (citizen, officer, id, file)
}

fn sign(officer: &Session, id: &str, file: &str, body: &Value) -> reqwest::blocking::Response {
    officer.post_json(&format!("/api/staff/dossiers/{id}/results/{file}/sign"), body)
}

fn signed(resp: reqwest::blocking::Response) -> Value {
    assert_eq!(resp.status(), 201, "{}", resp.text().unwrap_or_default());
    resp.json().unwrap()
}

fn bytes(who: &Session, url: &str) -> Vec<u8> {
    let resp = who.get(url);
    assert_eq!(resp.status(), 200, "{url}");
    resp.bytes().unwrap().to_vec()
}

fn sha256_hex(b: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(b))
}

/// pyHanko's judgement of `pdf` with the sandbox CA as the only trust root: (accepted, report).
fn validate(pdf: &[u8], name: &str) -> (bool, String) {
    let dir = std::env::temp_dir().join(format!("motcua-signing-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ca = app().get("/sandbox/ca.pem");
    assert_eq!(ca.status(), 200);
    let ca_path = dir.join("ca.pem");
    std::fs::write(&ca_path, ca.bytes().unwrap()).unwrap();
    let pdf_path = dir.join(name);
    std::fs::write(&pdf_path, pdf).unwrap();
    let python: PathBuf = root().join(".tools/pyhanko/bin/python");
    assert!(python.exists(), "pyHanko is missing: run scripts/ensure-pyhanko.sh (make test does)");
    let out = Command::new(python).arg(root().join("scripts/validate_pdf.py")).arg("--trust").arg(&ca_path).arg(&pdf_path).output().unwrap();
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn a_signed_result_is_valid_for_an_independent_validator_and_invalid_after_one_byte() {
    let (citizen, officer, id, file) = with_result("0911710001", "application/pdf", RESULT_PDF);
    let before = bytes(&citizen, &format!("/api/dossiers/{id}/results/{file}"));
    assert_eq!(before, RESULT_PDF, "unsigned until signed");
    let s = signed(sign(&officer, &id, &file, &json!({})));
    assert_eq!(s["file"], file.as_str());
    assert_eq!(s["kind"], "result");
    assert_eq!(s["certificate_subject"], "UBND xã Sơn Tây");
    assert!(s["book_number"].is_null());
    assert!(s["signer"].as_str().is_some_and(|n| !n.is_empty()));
    let code = s["code"].as_str().unwrap().to_string();

    // The citizen now downloads the signed PDF: the original plus the signature (incremental).
    let pdf = bytes(&citizen, &format!("/api/dossiers/{id}/results/{file}"));
    assert!(pdf.starts_with(RESULT_PDF), "an incremental update keeps the original bytes");
    assert!(pdf.len() > RESULT_PDF.len());
    assert_eq!(sha256_hex(&pdf), s["sha256"].as_str().unwrap());
    let (ok, report) = validate(&pdf, "signed.pdf");
    assert!(ok, "pyHanko refused the signed result: {report}");
    // One byte of the original page changed: the digest no longer matches.
    let mut tampered = pdf.clone();
    let at = tampered.windows(8).position(|w| w == b"KET HON ").expect("the page text");
    tampered[at] = b'X';
    let (ok, report) = validate(&tampered, "tampered.pdf");
    assert!(!ok, "a changed byte must invalidate the signature: {report}");

    // The public check, by the file's hash and by the printed code; no personal data.
    for key in [s["sha256"].as_str().unwrap().to_string(), code.to_lowercase().replace('-', " ")] {
        let v: Value = app().get(&format!("/api/verify/{}", urlencode(&key))).json().unwrap();
        assert_eq!(v["valid"], true, "{v}");
        assert_eq!(v["revoked"], false);
        assert_eq!(v["agency_name"], "UBND xã Sơn Tây");
        assert!(v["dossier_code"].as_str().is_some_and(|c| !c.is_empty()));
        let text = v.to_string();
        assert!(!text.contains("Phạm Thị Thu") && !text.contains("042190003333") && !text.contains("0911710001"), "{text}");
    }
    // Signed once only.
    assert_eq!(expect_error(sign(&officer, &id, &file, &json!({})), 409).0, "already_signed");
    // The control sheet marks the return as digitized.
    let d: Value = officer.get(&format!("/api/staff/dossiers/{id}")).json().unwrap();
    assert_eq!(d["digitization"]["at_return"], true);
    assert_eq!(d["results"][0]["signature"]["code"], code.as_str());
}

#[test]
fn a_revoked_document_says_so_to_whoever_checks_it() {
    let (_citizen, officer, id, file) = with_result("0911710002", "application/pdf", RESULT_PDF);
    let s = signed(sign(&officer, &id, &file, &json!({})));
    let doc = s["document_id"].as_str().unwrap();
    let other = app().login_staff("ngocky.motcua");
    expect_error(other.post_json(&format!("/api/staff/documents/{doc}/revoke"), &json!({"reason": "Cấp nhầm"})), 404);
    assert_eq!(expect_error(officer.post_json(&format!("/api/staff/documents/{doc}/revoke"), &json!({"reason": " "})), 400).1.as_deref(), Some("reason"));
    let resp = officer.post_json(&format!("/api/staff/documents/{doc}/revoke"), &json!({"reason": "Cấp nhầm người yêu cầu"}));
    assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());
    let v: Value = app().get(&format!("/api/verify/{}", s["code"].as_str().unwrap())).json().unwrap();
    assert_eq!((v["valid"].clone(), v["revoked"].clone()), (json!(false), json!(true)));
    assert_eq!(v["revocation"]["reason"], "Cấp nhầm người yêu cầu");
    assert_eq!(expect_error(officer.post_json(&format!("/api/staff/documents/{doc}/revoke"), &json!({"reason": "Lần hai"})), 409).0, "already_revoked");
    let audit: Vec<Value> = officer.get(&format!("/api/staff/audit?entity=dossier&id={id}")).json().unwrap();
    assert!(audit.iter().any(|a| a["action"] == "document.revoke"), "{audit:?}");
}

#[test]
fn a_jpeg_result_is_signed_as_a_pdf_and_a_png_is_refused_with_what_to_do() {
    let (citizen, officer, id, file) = with_result("0911710003", "image/jpeg", include_bytes!("../fixtures/scan.jpg"));
    let s = signed(sign(&officer, &id, &file, &json!({})));
    let pdf = bytes(&citizen, &format!("/api/dossiers/{id}/results/{file}"));
    assert!(pdf.starts_with(b"%PDF-"));
    assert_eq!(sha256_hex(&pdf), s["sha256"].as_str().unwrap());
    let (ok, report) = validate(&pdf, "jpeg.pdf");
    assert!(ok, "{report}");

    let (_c, officer2, id2, png_file) = with_result("0911710008", "image/png", include_bytes!("../fixtures/minimal.png"));
    assert_eq!(expect_error(sign(&officer2, &id2, &png_file, &json!({})), 409), ("not_signable".into(), Some("file".into())));
}

#[test]
fn certified_copies_are_numbered_without_gaps_and_need_the_comparison() {
    // Two copy dossiers of Sơn Tây, paid at the counter, each with its copy attached as the result.
    let copy_dossier = |phone: &str, name: &str| {
        let f = dossier_awaiting_payment(phone, "UBND xã Sơn Tây", "sontay.motcua");
        let id = f.dossier_id.clone();
        assert_eq!(f.officer.post_json(&format!("/api/staff/dossiers/{id}/counter-payment"), &json!({})).status(), 200);
        assert_eq!(f.officer.post_json(&format!("/api/staff/dossiers/{id}/actions"), &json!({"action": "start_processing"})).status(), 200);
        let d = attach(&f.officer, &id, name, "application/pdf", RESULT_PDF);
        let file = d["results"][0]["id"].as_str().unwrap().to_string();
        (f, id, file)
    };
    let (f, id, first) = copy_dossier("0911710004", "Bản sao giấy khai sinh.pdf");
    let (g, id_b, second) = copy_dossier("0911710009", "Bản sao bằng tốt nghiệp.pdf");
    let officer = &f.officer;
    assert_eq!(expect_error(sign(officer, &id, &first, &json!({})), 400), ("certify_copy_required".into(), Some("certify_copy".into())));
    let not_compared = json!({"certify_copy": {"compared_with_original": false, "pages": 2}});
    assert_eq!(expect_error(sign(officer, &id, &first, &not_compared), 400), ("not_compared".into(), Some("certify_copy.compared_with_original".into())));
    let ok = json!({"certify_copy": {"compared_with_original": true, "pages": 2}});
    let a = signed(sign(officer, &id, &first, &ok));
    let b = signed(sign(&g.officer, &id_b, &second, &ok));
    assert_eq!(a["kind"], "certified_copy");
    let number = |v: &Value| -> (i64, String) {
        let label = v["book_number"].as_str().unwrap();
        let (n, rest) = label.split_once('/').unwrap();
        (n.parse().unwrap(), rest.to_string())
    };
    let (na, year_a) = number(&a);
    let (nb, year_b) = number(&b);
    assert_eq!(nb, na + 1, "the book has no gaps: {a} {b}");
    assert_eq!(year_a, year_b);
    assert!(year_a.ends_with("-SCT/BS-ĐT"), "{year_a}");
    let pdf = bytes(&f.citizen, &format!("/api/dossiers/{id}/results/{first}"));
    let (valid, report) = validate(&pdf, "copy.pdf");
    assert!(valid, "{report}");
    let v: Value = app().get(&format!("/api/verify/{}", a["sha256"].as_str().unwrap())).json().unwrap();
    assert_eq!(v["kind"], "certified_copy");
    assert_eq!(v["book_number"], a["book_number"]);

    // A result of another procedure is not a certified copy.
    let (_c, officer2, id2, file2) = with_result("0911710005", "application/pdf", RESULT_PDF);
    assert_eq!(expect_error(sign(&officer2, &id2, &file2, &ok), 400), ("not_a_certification".into(), Some("certify_copy".into())));
}

#[test]
fn a_signed_result_in_the_wallet_is_reused_and_the_desk_sees_it_verified() {
    let phone = "0911710006";
    let (citizen, officer, id, file) = with_result(phone, "application/pdf", RESULT_PDF);
    let s = signed(sign(&officer, &id, &file, &json!({})));
    let doc = s["document_id"].as_str().unwrap().to_string();
    let wallet: Value = citizen.get("/api/me/documents").json().unwrap();
    let w = wallet["documents"].as_array().unwrap().iter().find(|d| d["id"] == doc.as_str()).expect("in the wallet").clone();
    assert_eq!(w["kind"], "signed_result");
    assert_eq!(w["signature"]["sha256"], s["sha256"]);
    assert_eq!(sha256_hex(&bytes(&citizen, w["url"].as_str().unwrap())), s["sha256"].as_str().unwrap());

    let resp = citizen.post_json(
        "/api/dossiers",
        &json!({
            "agency": agency_code("UBND xã Sơn Tây"), "procedure": "2.000815",
            "applicant": {"full_name": "Phạm Thị Thu", "id_number": "042190003333", "phone": phone, "address": "Xã Sơn Tây"},
            "inputs": {"pages": 1, "copies": 1}, "documents": [doc],
        }),
    );
    assert_eq!(resp.status(), 201, "{}", resp.text().unwrap_or_default());
    let second = resp.json::<Value>().unwrap()["id"].as_str().unwrap().to_string();
    let desk: Value = officer.get(&format!("/api/staff/dossiers/{second}")).json().unwrap();
    let r = &desk["wallet_documents"][0];
    assert_eq!((r["signed"].clone(), r["verified"].clone(), r["revoked"].clone()), (json!(true), json!(true), json!(false)), "{r}");
    assert_eq!(r["code"], s["code"]);
    assert_eq!(sha256_hex(&bytes(&officer, r["url"].as_str().unwrap())), s["sha256"].as_str().unwrap());

    // Revoked, it can no longer be reused.
    assert_eq!(officer.post_json(&format!("/api/staff/documents/{doc}/revoke"), &json!({"reason": "Đã cấp lại"})).status(), 200);
    let resp = citizen.post_json(
        "/api/dossiers",
        &json!({
            "agency": agency_code("UBND xã Sơn Tây"), "procedure": "2.000815",
            "applicant": {"full_name": "Phạm Thị Thu", "id_number": "042190003333", "phone": phone, "address": "Xã Sơn Tây"},
            "inputs": {"pages": 1, "copies": 1}, "documents": [doc],
        }),
    );
    assert_eq!(expect_error(resp, 400), ("revoked".into(), Some("documents[0]".into())));
}

#[test]
fn two_officers_signing_one_result_at_once_make_one_signature() {
    let (_citizen, officer, id, file) = with_result("0911710007", "application/pdf", RESULT_PDF);
    let second = app().new_staff_session("sontay.motcua");
    let results: Vec<u16> = std::thread::scope(|s| {
        let a = s.spawn(|| sign(&officer, &id, &file, &json!({})).status().as_u16());
        let b = s.spawn(|| sign(&second, &id, &file, &json!({})).status().as_u16());
        vec![a.join().unwrap(), b.join().unwrap()]
    });
    let mut sorted = results.clone();
    sorted.sort();
    assert_eq!(sorted, vec![201, 409], "{results:?}");
    let d: Value = officer.get(&format!("/api/staff/dossiers/{id}")).json().unwrap();
    let audit: Vec<Value> = officer.get(&format!("/api/staff/audit?entity=dossier&id={id}")).json().unwrap();
    assert_eq!(audit.iter().filter(|a| a["action"] == "document.sign").count(), 1);
    assert!(d["results"][0]["signature"].is_object());
}
