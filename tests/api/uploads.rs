//! Scans: the real type is read from the first bytes (a renamed `.exe` is refused), at most
//! 20 MB a file and 50 MB a dossier, errors name the file and the field; scans, dossiers and
//! receipts are private: another citizen, or staff of another agency, get 404. Each status change
//! is also sent to the applicant by SMS through the outbox.

use motcua_domain::gateway::vnpay::sandbox::callback_query;
use reqwest::blocking::Response;
use serde_json::{json, Value};

use crate::callbacks::{vnpay_config, vnpay_ipn, vnpay_result};
use crate::payments::dossier_awaiting_payment;
use crate::support::{agency_code, app, expect_error, Session};

// Real files of 1 × 1 pixel (and an empty PDF): the server decodes their headers.
pub const JPEG: &[u8] = include_bytes!("../fixtures/minimal.jpg");
pub const PNG: &[u8] = include_bytes!("../fixtures/minimal.png");
pub const PDF: &[u8] = include_bytes!("../fixtures/minimal.pdf");

fn upload(who: Option<&Session>, name: &str, content_type: &str, body: Vec<u8>) -> Response {
    let mut req = app()
        .client
        .post(app().url("/api/uploads"))
        .header("content-type", content_type)
        .header("x-file-name", name)
        .body(body);
    if let Some(s) = who {
        req = req.header("cookie", &s.cookie);
    }
    req.send().unwrap()
}

fn upload_ok(who: &Session, name: &str, content_type: &str, body: &[u8]) -> Value {
    let resp = upload(Some(who), name, content_type, body.to_vec());
    assert_eq!(resp.status(), 201, "{name}: {}", resp.text().unwrap_or_default());
    resp.json().unwrap()
}

fn error_body(resp: Response, status: u16) -> Value {
    assert_eq!(resp.status(), status);
    let body: Value = resp.json().unwrap();
    body["error"].clone()
}

pub fn submit(who: &Session, phone: &str, files: &[&str]) -> Response {
    who.post_json(
        "/api/dossiers",
        &json!({
            "agency": agency_code("UBND xã Sơn Tây"),
            "procedure": "2.000815",
            "applicant": {"full_name": "Lê Thị Mai", "id_number": "042190001111", "phone": phone, "address": "Xã Sơn Tây"},
            "inputs": {"pages": 2, "copies": 1},
            "files": files,
        }),
    )
}

#[test]
fn jpeg_png_and_pdf_are_accepted_by_their_first_bytes() {
    let citizen = app().login_citizen("0911000401");
    for (name, declared, bytes, found) in [
        ("anh.jpg", "image/jpeg", JPEG, "image/jpeg"),
        ("trang 2.png", "image/png", PNG, "image/png"),
        // A declared type that lies does not matter: the bytes decide.
        ("ban-sao.pdf", "application/octet-stream", PDF, "application/pdf"),
    ] {
        let v = upload_ok(&citizen, name, declared, bytes);
        assert_eq!(v["content_type"], found, "{name}");
        assert_eq!(v["size"], bytes.len() as u64);
        assert_eq!(v["name"], name);
        assert_eq!(v["id"].as_str().unwrap().len(), 33, "an id naming its shard: s + 2 digits + 30 hex");
    }
    // Vietnamese names arrive percent-encoded and are kept.
    let v = upload_ok(&citizen, "CCCD%20m%E1%BA%B7t%20tr%C6%B0%E1%BB%9Bc.jpg", "image/jpeg", JPEG);
    assert_eq!(v["name"], "CCCD mặt trước.jpg");
}

#[test]
fn an_exe_renamed_jpg_is_refused_naming_the_file() {
    let citizen = app().login_citizen("0911000402");
    let mut exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff".to_vec();
    exe.extend(std::iter::repeat_n(0u8, 4000));
    let resp = upload(Some(&citizen), "giay-to.jpg", "image/jpeg", exe);
    let e = error_body(resp, 400);
    assert_eq!(e["code"], "unsupported_type");
    assert_eq!(e["field"], "file");
    let vi = e["message_vi"].as_str().unwrap();
    assert!(vi.contains("giay-to.jpg") && vi.contains("JPEG, PNG"), "{vi}");
}

#[test]
fn a_25_mb_file_is_refused_with_its_size_and_the_limit() {
    let citizen = app().login_citizen("0911000403");
    let mut big = PDF.to_vec();
    big.resize(25 * 1024 * 1024, b' ');
    let resp = upload(Some(&citizen), "ho-so-quet.pdf", "application/pdf", big);
    let e = error_body(resp, 400);
    assert_eq!(e["code"], "file_too_large");
    assert_eq!(e["field"], "file");
    let vi = e["message_vi"].as_str().unwrap();
    assert!(vi.contains("ho-so-quet.pdf") && vi.contains("25 MB") && vi.contains("20 MB"), "{vi}");
    // Exactly at the limit is fine.
    let mut at_limit = b"%PDF-1.4\n".to_vec();
    at_limit.resize(20 * 1024 * 1024 - 7, b' ');
    at_limit.extend_from_slice(b"\n%%EOF\n");
    assert_eq!(upload(Some(&citizen), "max.pdf", "application/pdf", at_limit).status(), 201);
}

#[test]
fn uploading_needs_a_citizen_session() {
    let (code, _) = expect_error(upload(None, "a.jpg", "image/jpeg", JPEG.to_vec()), 401);
    assert_eq!(code, "unauthorized");
    let officer = app().login_staff("sontay.motcua");
    expect_error(upload(Some(&officer), "a.jpg", "image/jpeg", JPEG.to_vec()), 401);
}

#[test]
fn scans_attach_to_a_dossier_and_are_private() {
    let phone = "0911000404";
    let owner = app().login_citizen(phone);
    let other = app().login_citizen("0911000405");
    let jpg = upload_ok(&owner, "mat-truoc.jpg", "image/jpeg", JPEG);
    let pdf = upload_ok(&owner, "ban-chinh.pdf", "application/pdf", PDF);
    let theirs = upload_ok(&other, "cua-nguoi-khac.jpg", "image/jpeg", JPEG);

    // Someone else's upload cannot be attached: the error names the position.
    let (code, field) = expect_error(submit(&owner, phone, &[jpg["id"].as_str().unwrap(), theirs["id"].as_str().unwrap()]), 400);
    assert_eq!((code.as_str(), field.as_deref()), ("unknown_file", Some("files[1]")));

    let resp = submit(&owner, phone, &[jpg["id"].as_str().unwrap(), pdf["id"].as_str().unwrap()]);
    assert_eq!(resp.status(), 201, "{}", resp.text().unwrap_or_default());
    let d: Value = resp.json().unwrap();
    let id = d["id"].as_str().unwrap().to_string();
    let files = d["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0]["name"], "mat-truoc.jpg");
    assert_eq!(files[1]["content_type"], "application/pdf");

    // The same upload cannot go into a second dossier.
    let (code, field) = expect_error(submit(&owner, phone, &[pdf["id"].as_str().unwrap()]), 400);
    assert_eq!((code.as_str(), field.as_deref()), ("file_already_attached", Some("files[0]")));

    // The owner downloads it, as an attachment that is never sniffed into HTML.
    let url = format!("/api/dossiers/{id}/files/{}", pdf["id"].as_str().unwrap());
    let resp = owner.get(&url);
    assert_eq!(resp.status(), 200);
    let h = resp.headers();
    assert_eq!(h["content-type"], "application/pdf");
    assert!(h["content-disposition"].to_str().unwrap().starts_with("attachment;"), "{:?}", h["content-disposition"]);
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(resp.bytes().unwrap().as_ref(), PDF);

    // Staff of the handling agency may; staff elsewhere and other citizens get 404.
    assert_eq!(app().login_staff("sontay.motcua").get(&url).status(), 200);
    let (code, _) = expect_error(app().login_staff("daison.motcua").get(&url), 404);
    assert_eq!(code, "not_found");
    expect_error(other.get(&url), 404);
    expect_error(other.get(&format!("/api/dossiers/{id}")), 404);
    // A file id of another dossier under this dossier's path is 404 too.
    expect_error(owner.get(&format!("/api/dossiers/{id}/files/{}", theirs["id"].as_str().unwrap())), 404);
    // Without any session: 401, and nothing about the file.
    expect_error(app().get(&url), 401);
}

#[test]
fn another_citizens_paid_dossier_and_receipt_answer_404() {
    let f = dossier_awaiting_payment("0911000406", "UBND xã Sơn Tây", "sontay.motcua");
    let (reference, _) = f.start("vnpay");
    let query = callback_query(&vnpay_config(), &vnpay_result(&reference, f.total, "00"));
    assert_eq!(vnpay_ipn(&query)["RspCode"], "00");
    let d = f.assert_paid_once();
    assert!(d["receipt"]["number"].is_string());
    let stranger = app().login_citizen("0911000407");
    let (code, _) = expect_error(stranger.get(&format!("/api/dossiers/{}", f.dossier_id)), 404);
    assert_eq!(code, "not_found");
    expect_error(stranger.post_json(&format!("/api/dossiers/{}/payments", f.dossier_id), &json!({"provider": "vnpay"})), 404);
    let list: Value = stranger.get("/api/dossiers").json().unwrap();
    assert!(list.as_array().unwrap().iter().all(|x| x["id"] != f.dossier_id.as_str()));
}

#[test]
fn each_status_change_is_sent_to_the_applicant_by_sms() {
    let phone = "0911000408";
    let f = dossier_awaiting_payment(phone, "UBND xã Sơn Tây", "sontay.motcua");
    let (reference, _) = f.start("vnpay");
    let query = callback_query(&vnpay_config(), &vnpay_result(&reference, f.total, "00"));
    assert_eq!(vnpay_ipn(&query)["RspCode"], "00");
    let code = f.detail()["code"].as_str().unwrap().to_string();
    // Submitted, received, fee notified (the fee notice's own message, with the amount and the
    // page to pay on), paid: four messages naming the dossier code.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let bodies: Vec<String> =
            app().outbox(phone).iter().filter_map(|m| m["body"].as_str().map(str::to_string)).filter(|b| b.contains(&code)).collect();
        let has = |label: &str| bodies.iter().any(|b| b.contains(label));
        if has("Đã nộp") && has("Đã tiếp nhận") && has("cần nộp 21.000 đ") && has("Đã thanh toán") {
            assert!(bodies.iter().all(|b| b.contains(&format!("/ho-so/{}", f.dossier_id))));
            break;
        }
        assert!(std::time::Instant::now() < deadline, "status SMS missing: {bodies:?}");
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
}

/// Record ids name their shard (docs/SHARDING.md §3.2): a dossier's and its uploads' are the
/// shard of the agency's province when the app says the agency (`X-Agency`); an upload sent
/// without it goes to the legacy shard and is attached all the same. The citizen's list still
/// shows every dossier, of every province, newest first.
#[test]
fn a_dossier_and_its_uploads_carry_the_shard_of_its_agency_and_the_list_shows_every_province() {
    use motcua_domain::shard::{shard_of_agency, shard_of_id};
    let phone = "0911000409";
    let citizen = app().login_citizen(phone);
    let son_tay = agency_code("UBND xã Sơn Tây");
    let shard = shard_of_agency(&son_tay).unwrap();
    let named = |v: &Value| shard_of_id("id", v["id"].as_str().unwrap()).unwrap();
    let send = |agency: &str| {
        app()
            .as_session(reqwest::Method::POST, "/api/uploads", &citizen)
            .header("content-type", "image/jpeg")
            .header("x-file-name", "mat-sau.jpg")
            .header("x-agency", agency)
            .body(JPEG.to_vec())
            .send()
            .unwrap()
    };
    let resp = send(&son_tay);
    assert_eq!(resp.status(), 201);
    let with_agency: Value = resp.json().unwrap();
    assert_eq!(named(&with_agency), Some(shard), "{with_agency}");
    assert!(with_agency["id"].as_str().unwrap().starts_with(&format!("s{:02}", shard.code())), "{with_agency}");
    let legacy = upload_ok(&citizen, "mat-truoc.jpg", "image/jpeg", JPEG);
    assert!(named(&legacy).is_some(), "a new upload names a shard even without the agency: {legacy}");
    // An agency code that names no province is the client's mistake, at `agency`.
    let (code, field) = expect_error(send("ABC"), 400);
    assert_eq!(field.as_deref(), Some("agency"), "{code}");

    let resp = submit(&citizen, phone, &[legacy["id"].as_str().unwrap(), with_agency["id"].as_str().unwrap()]);
    assert_eq!(resp.status(), 201, "{}", resp.text().unwrap_or_default());
    let first: Value = resp.json().unwrap();
    assert_eq!(named(&first), Some(shard), "the dossier lives with its agency: {}", first["id"]);
    let files: Vec<&str> = first["files"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(files, ["mat-truoc.jpg", "mat-sau.jpg"]);
    let url = format!("/api/dossiers/{}/files/{}", first["id"].as_str().unwrap(), legacy["id"].as_str().unwrap());
    assert_eq!(citizen.get(&url).bytes().unwrap().as_ref(), JPEG);

    // A second dossier in another province (Hải Dương's commune, now Hải Phòng's shard).
    let quang_trung = agency_code("UBND xã Quang Trung");
    let other = shard_of_agency(&quang_trung).unwrap();
    assert_ne!(other, shard);
    let resp = citizen.post_json(
        "/api/dossiers",
        &json!({
            "agency": quang_trung,
            "procedure": "2.000884",
            "applicant": {"full_name": "Lê Thị Mai", "id_number": "042190001111", "phone": phone, "address": "Xã Quang Trung"},
            "inputs": {"cases": 1},
        }),
    );
    assert_eq!(resp.status(), 201, "{}", resp.text().unwrap_or_default());
    let second: Value = resp.json().unwrap();
    assert_eq!(named(&second), Some(other));

    let list: Vec<Value> = citizen.get("/api/dossiers").json().unwrap();
    let ids: Vec<&str> = list.iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [second["id"].as_str().unwrap(), first["id"].as_str().unwrap()], "newest first, both provinces");
    assert_eq!(list[1]["agency_name"], "UBND xã Sơn Tây");
    assert_eq!(list[0]["agency_name"], "UBND xã Quang Trung");
}
