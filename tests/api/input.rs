//! Untrusted input at the API's edge: a wrong-typed field is named by its path, free text is
//! bounded and free of control and bidi characters, bodies have a size cap (413), and a file
//! is accepted only when its header decodes (issue 13, defects 5, 6 and 8).

use motcua_domain::gateway::vnpay::sandbox::callback_query;
use serde_json::{json, Value};

use crate::callbacks::{vnpay_config, vnpay_ipn, vnpay_result};
use crate::payments::dossier_awaiting_payment;
use crate::support::{agency_code, app, expect_error};

fn submission(phone: &str) -> Value {
    json!({
        "agency": agency_code("UBND xã Sơn Tây"),
        "procedure": "2.000815",
        "applicant": {"full_name": "Nguyễn Văn An", "id_number": "042090001234", "phone": phone, "address": "Thôn Tân Hương, xã Sơn Tây"},
        "inputs": {"pages": 5, "copies": 3}
    })
}

fn error_body(resp: reqwest::blocking::Response, status: u16) -> Value {
    assert_eq!(resp.status().as_u16(), status);
    resp.json::<Value>().unwrap()["error"].clone()
}

#[test]
fn a_wrong_typed_field_is_named_by_its_path() {
    let citizen = app().login_citizen("0911001301");
    let post = |body: &Value| citizen.post_json("/api/dossiers", body);
    let e = error_body(post(&json!({"procedure": 5})), 400);
    assert_eq!((e["field"].as_str(), e["code"].as_str()), (Some("procedure"), Some("invalid_type")));
    assert_eq!(e["message_vi"], "Trường \"procedure\" không đúng kiểu dữ liệu.");
    // Nested, and an item of an array (indexed after a dot, like `documents.0` elsewhere).
    let mut body = submission("0911001301");
    body["owner"] = json!({"full_name": "Trần Thị Bình", "id_number": 42090001234u64, "phone": "0911001301", "address": "x"});
    let (code, field) = expect_error(post(&body), 400);
    assert_eq!((code.as_str(), field.as_deref()), ("invalid_type", Some("owner.id_number")));
    let mut body = submission("0911001301");
    body["files"] = json!(["a", 7]);
    let (code, field) = expect_error(post(&body), 400);
    assert_eq!((code.as_str(), field.as_deref()), ("invalid_type", Some("files.1")));
    // A missing field is `required` at its name; text that is not JSON is the body's fault.
    let mut body = submission("0911001301");
    body["applicant"].as_object_mut().unwrap().remove("phone");
    let (code, field) = expect_error(post(&body), 400);
    assert_eq!((code.as_str(), field.as_deref()), ("required", Some("applicant.phone")));
    let resp = app().client.post(app().url("/api/dossiers")).header("cookie", &citizen.cookie).body("{\"agency\": ").send().unwrap();
    let (code, field) = expect_error(resp, 400);
    assert_eq!((code.as_str(), field.as_deref()), ("malformed_json", Some("body")));
}

#[test]
fn free_text_of_a_submission_is_clean() {
    let citizen = app().login_citizen("0911001302");
    let mut body = submission("0911001302");
    body["applicant"]["address"] = json!("Thôn \u{202E}gnọd, xã Sơn Tây");
    let (code, field) = expect_error(citizen.post_json("/api/dossiers", &body), 400);
    assert_eq!((code.as_str(), field.as_deref()), ("bidi_control", Some("applicant.address")));
    let mut body = submission("0911001302");
    body["content"] = json!("Xin cấp bản sao\u{0007}");
    let (code, field) = expect_error(citizen.post_json("/api/dossiers", &body), 400);
    assert_eq!((code.as_str(), field.as_deref()), ("control_character", Some("content")));
}

/// Text typed on a keyboard that sends combining marks (decomposed, NFD) is stored composed
/// (NFC), so the desk's search and the national portal see one spelling of "Nguyễn". The Worker
/// normalizes with the runtime's own `String.prototype.normalize` (functions/src/lib.rs).
#[test]
fn decomposed_vietnamese_is_stored_composed() {
    let citizen = app().login_citizen("0911001303");
    let mut body = submission("0911001303");
    // "Nguyễn Thị Ánh" as e + U+0302 + U+0303, i + U+0323, A + U+0301.
    body["applicant"]["full_name"] = json!("Nguye\u{0302}\u{0303}n Thi\u{0323} A\u{0301}nh");
    let resp = citizen.post_json("/api/dossiers", &body);
    assert_eq!(resp.status(), 201, "{}", resp.text().unwrap_or_default());
    let id = resp.json::<Value>().unwrap()["id"].as_str().unwrap().to_string();
    let d: Value = citizen.get(&format!("/api/dossiers/{id}")).json().unwrap();
    assert_eq!(d["applicant"]["full_name"], "Nguy\u{1EC5}n Th\u{1ECB} \u{00C1}nh");
}

#[test]
fn a_body_over_the_cap_is_413_before_anything_else() {
    let officer = app().login_staff("sontay.motcua");
    let huge = "x".repeat(1024 * 1024);
    let resp = officer.post_json("/api/staff/payments/no-such-payment/refunds", &json!({"amount": 1000, "reason": huge}));
    let e = error_body(resp, 413);
    assert_eq!((e["code"].as_str(), e["field"].as_str()), (Some("payload_too_large"), Some("body")));
    assert!(e["message_vi"].as_str().unwrap().contains("quá lớn"), "{e}");
    // A catalog admin's legal basis of a megabyte: the same answer.
    let admin = app().login_staff("dongthap.admin");
    let resp = admin.post_json("/api/admin/procedures", &json!({"code": "2.000815", "name": "x", "level": "commune", "processing_days": 1, "legal_basis": huge}));
    assert_eq!(error_body(resp, 413)["code"], "payload_too_large");
    // Sent without a length (chunked), the bytes read are counted.
    let citizen = app().login_citizen("0911001303");
    let chunked = reqwest::blocking::Body::new(std::io::Cursor::new(format!("{{\"content\": \"{huge}\"}}").into_bytes()));
    let resp = app().client.post(app().url("/api/dossiers")).header("cookie", &citizen.cookie).header("content-type", "application/json").body(chunked).send().unwrap();
    assert_eq!(error_body(resp, 413)["code"], "payload_too_large");
}

#[test]
fn reasons_are_bounded_and_refuse_bidi_overrides() {
    let f = dossier_awaiting_payment("0911001304", "UBND xã Sơn Tây", "sontay.motcua");
    let (reference, _) = f.start("vnpay");
    assert_eq!(vnpay_ipn(&callback_query(&vnpay_config(), &vnpay_result(&reference, f.total, "00")))["RspCode"], "00");
    let payment_id = f.assert_paid_once()["payments"][0]["id"].as_str().unwrap().to_string();
    let refund = |reason: &str| f.officer.post_json(&format!("/api/staff/payments/{payment_id}/refunds"), &json!({"amount": 1000, "reason": reason}));
    let e = error_body(refund(&"Thu thừa ".repeat(250)), 400);
    assert_eq!((e["field"].as_str(), e["code"].as_str()), (Some("reason"), Some("too_long")));
    assert_eq!(e["message_vi"], "Lý do dài quá 1.000 ký tự.");
    let (code, field) = expect_error(refund("Thu thừa \u{202E}1 bản sao"), 400);
    assert_eq!((code.as_str(), field.as_deref()), ("bidi_control", Some("reason")));
    // Nothing was refunded by the refused requests.
    assert!(f.detail()["refunds"].as_array().unwrap().is_empty());

    // A rejection's reason, the same rules.
    let citizen = app().login_citizen("0911001305");
    let resp = citizen.post_json("/api/dossiers", &submission("0911001305"));
    assert_eq!(resp.status(), 201);
    let id = resp.json::<Value>().unwrap()["id"].as_str().unwrap().to_string();
    let resp = f.officer.post_json(&format!("/api/staff/dossiers/{id}/actions"), &json!({"action": "reject", "reason": "Không đúng \u{2067}thẩm quyền"}));
    let (code, field) = expect_error(resp, 400);
    assert_eq!((code.as_str(), field.as_deref()), ("bidi_control", Some("reason")));
}

#[test]
fn a_jpeg_signature_followed_by_an_executable_is_refused() {
    let citizen = app().login_citizen("0911001306");
    let mut exe = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0];
    exe.extend_from_slice(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xFF\xFF\x00\x00This program cannot be run in DOS mode.");
    let resp = app()
        .client
        .post(app().url("/api/uploads"))
        .header("x-file-name", "cccd.jpg")
        .header("cookie", &citizen.cookie)
        .header("content-type", "image/jpeg")
        .body(exe)
        .send()
        .unwrap();
    let e = error_body(resp, 400);
    assert_eq!((e["field"].as_str(), e["code"].as_str()), (Some("file"), Some("corrupt_file")));
    assert!(e["message_vi"].as_str().unwrap().contains("cccd.jpg"), "{e}");
}
