//! Large scans in parts (R2 multipart): a file announced with its size goes up in 5 MiB parts,
//! any of which can be resent; the server says which parts it has so a client resumes after a
//! dropped connection; completing gives an ordinary upload that a dossier attaches. The rules of
//! a whole upload hold (type by part 1's first bytes, 20 MB) and only the owner sees a session.
//! The cron trigger deletes uploads never attached once they are older than
//! `UNATTACHED_UPLOAD_HOURS` (a server of its own, with 0 hours) and never an attached one.

use std::sync::OnceLock;

use reqwest::blocking::Response;
use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{app, expect_error, Session, TestApp};
use crate::uploads::submit;

const MIB: usize = 1024 * 1024;

/// A PDF of `len` bytes whose content differs everywhere, so a misplaced part shows; it ends
/// with `%%EOF`, as the server checks once the parts are put together.
fn pdf(len: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    let mut x: u32 = 0x9E37_79B9;
    while bytes.len() < len {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        bytes.push((x >> 24) as u8);
    }
    bytes.truncate(len.saturating_sub(7));
    bytes.extend_from_slice(b"\n%%EOF\n");
    bytes.truncate(len);
    bytes
}

fn part(bytes: &[u8], n: usize) -> Vec<u8> {
    bytes.chunks(5 * MIB).nth(n - 1).unwrap().to_vec()
}

fn start_on(server: &TestApp, who: &Session, name: &str, size: usize, content_type: &str) -> Response {
    server
        .as_session(Method::POST, "/api/uploads/multipart", who)
        .json(&json!({"name": name, "size": size, "content_type": content_type}))
        .send()
        .unwrap()
}

fn start(who: &Session, name: &str, size: usize) -> Value {
    let resp = start_on(app(), who, name, size, "application/pdf");
    assert_eq!(resp.status(), 201, "{}", resp.text().unwrap_or_default());
    resp.json().unwrap()
}

fn put_part_on(server: &TestApp, who: &Session, id: &str, n: usize, body: Vec<u8>) -> Response {
    server.as_session(Method::PUT, &format!("/api/uploads/multipart/{id}/parts/{n}"), who).body(body).send().unwrap()
}

fn put_part(who: &Session, id: &str, n: usize, body: Vec<u8>) -> Response {
    put_part_on(app(), who, id, n, body)
}

fn put_ok(who: &Session, id: &str, n: usize, body: Vec<u8>) {
    let len = body.len();
    let resp = put_part(who, id, n, body);
    assert_eq!(resp.status(), 200, "part {n}: {}", resp.text().unwrap_or_default());
    assert_eq!(resp.json::<Value>().unwrap(), json!({"part": n, "size": len}));
}

fn status(who: &Session, id: &str) -> Response {
    app().as_session(Method::GET, &format!("/api/uploads/multipart/{id}"), who).send().unwrap()
}

fn received(who: &Session, id: &str) -> Value {
    let resp = status(who, id);
    assert_eq!(resp.status(), 200);
    resp.json::<Value>().unwrap()["received"].clone()
}

fn complete_on(server: &TestApp, who: &Session, id: &str) -> Response {
    server.as_session(Method::POST, &format!("/api/uploads/multipart/{id}/complete"), who).send().unwrap()
}

fn complete(who: &Session, id: &str) -> Response {
    complete_on(app(), who, id)
}

fn error(resp: Response, status: u16) -> Value {
    assert_eq!(resp.status().as_u16(), status);
    resp.json::<Value>().unwrap()["error"].clone()
}

#[test]
fn an_11_mb_pdf_goes_up_in_three_parts_and_comes_back_byte_for_byte() {
    let phone = "0911001001";
    let citizen = app().login_citizen(phone);
    let file = pdf(11 * MIB);
    let s = start(&citizen, "Hồ sơ quét.pdf", file.len());
    let id = s["id"].as_str().unwrap().to_string();
    assert_eq!((s["part_size"].as_u64(), s["parts"].as_u64(), s["received"].clone()), (Some(5 * MIB as u64), Some(3), json!([])));
    // Parts may arrive in any order.
    for n in [3, 1, 2] {
        put_ok(&citizen, &id, n, part(&file, n));
    }
    let resp = complete(&citizen, &id);
    assert_eq!(resp.status(), 201, "{}", resp.text().unwrap_or_default());
    let up: Value = resp.json().unwrap();
    assert_eq!(up, json!({"id": id, "name": "Hồ sơ quét.pdf", "content_type": "application/pdf", "size": file.len()}));
    // The session is over: no more parts, nothing to resume.
    expect_error(status(&citizen, &id), 404);

    let resp = submit(&citizen, phone, &[&id]);
    assert_eq!(resp.status(), 201, "{}", resp.text().unwrap_or_default());
    let dossier: Value = resp.json().unwrap();
    assert_eq!(dossier["files"][0]["id"], id.as_str());
    let resp = citizen.get(&format!("/api/dossiers/{}/files/{id}", dossier["id"].as_str().unwrap()));
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/pdf");
    let back = resp.bytes().unwrap();
    assert_eq!(back.len(), file.len());
    assert!(back.as_ref() == file.as_slice(), "the downloaded file differs from the one sent");
}

#[test]
fn a_dropped_connection_resumes_from_the_parts_the_server_has() {
    let citizen = app().login_citizen("0911001002");
    let file = pdf(11 * MIB + 123);
    let id = start(&citizen, "to-khai.pdf", file.len())["id"].as_str().unwrap().to_string();
    put_ok(&citizen, &id, 1, part(&file, 1));
    // The connection drops; back online the client asks what arrived.
    assert_eq!(received(&citizen, &id), json!([1]));
    // Resending a part the server has is harmless (the answer to it may have been lost).
    put_ok(&citizen, &id, 1, part(&file, 1));
    put_ok(&citizen, &id, 3, part(&file, 3));
    assert_eq!(received(&citizen, &id), json!([1, 3]));
    put_ok(&citizen, &id, 2, part(&file, 2));
    assert_eq!(received(&citizen, &id), json!([1, 2, 3]));
    let first: Value = complete(&citizen, &id).json().unwrap();
    assert_eq!(first["size"], file.len());
    // A retried "complete" whose answer was lost gets the same upload.
    let again = complete(&citizen, &id);
    assert_eq!(again.status(), 201);
    assert_eq!(again.json::<Value>().unwrap(), first);
}

#[test]
fn completing_with_a_part_missing_is_refused_naming_it() {
    let citizen = app().login_citizen("0911001003");
    let file = pdf(11 * MIB);
    let id = start(&citizen, "giay-phep.pdf", file.len())["id"].as_str().unwrap().to_string();
    put_ok(&citizen, &id, 1, part(&file, 1));
    put_ok(&citizen, &id, 3, part(&file, 3));
    let e = error(complete(&citizen, &id), 400);
    assert_eq!((e["code"].as_str(), e["field"].as_str()), (Some("missing_parts"), Some("file")));
    let vi = e["message_vi"].as_str().unwrap();
    assert!(vi.contains("giay-phep.pdf") && vi.contains("phần 2 "), "{vi}");
    // Nothing was lost: sending the missing part completes it.
    put_ok(&citizen, &id, 2, part(&file, 2));
    assert_eq!(complete(&citizen, &id).status(), 201);
}

#[test]
fn parts_must_have_the_planned_size() {
    let citizen = app().login_citizen("0911001004");
    let file = pdf(11 * MIB);
    let id = start(&citizen, "ban-ve.pdf", file.len())["id"].as_str().unwrap().to_string();
    let mut short = part(&file, 1);
    short.truncate(MIB);
    let e = error(put_part(&citizen, &id, 1, short), 400);
    assert_eq!((e["code"].as_str(), e["field"].as_str()), (Some("wrong_part_size"), Some("file")));
    assert!(e["message_vi"].as_str().unwrap().contains("ban-ve.pdf"));
    // The last part holds exactly the rest.
    let mut long_last = part(&file, 3);
    long_last.push(0);
    assert_eq!(error(put_part(&citizen, &id, 3, long_last), 400)["code"], "wrong_part_size");
    assert_eq!(error(put_part(&citizen, &id, 4, vec![0; 10]), 400)["code"], "no_such_part");
    assert_eq!(error(put_part(&citizen, &id, 0, vec![0; 10]), 400)["code"], "no_such_part");
    assert_eq!(received(&citizen, &id), json!([]), "a refused part is not kept");
}

#[test]
fn an_exe_renamed_pdf_is_refused_at_its_first_part() {
    let citizen = app().login_citizen("0911001005");
    let mut exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff".to_vec();
    exe.resize(6 * MIB, 0x90);
    let id = start(&citizen, "giay-to.pdf", exe.len())["id"].as_str().unwrap().to_string();
    let e = error(put_part(&citizen, &id, 1, exe[..5 * MIB].to_vec()), 400);
    assert_eq!((e["code"].as_str(), e["field"].as_str()), (Some("unsupported_type"), Some("file")));
    let vi = e["message_vi"].as_str().unwrap();
    assert!(vi.contains("giay-to.pdf") && vi.contains("JPEG, PNG"), "{vi}");
    assert_eq!(received(&citizen, &id), json!([]));
    // Without part 1 there is no file to put together.
    put_ok(&citizen, &id, 2, exe[5 * MIB..].to_vec());
    assert_eq!(error(complete(&citizen, &id), 400)["code"], "missing_parts");
}

#[test]
fn a_file_over_20_mb_or_of_another_type_is_refused_when_announced() {
    let citizen = app().login_citizen("0911001006");
    let e = error(start_on(app(), &citizen, "ho-so-quet.pdf", 25 * MIB, "application/pdf"), 400);
    assert_eq!((e["code"].as_str(), e["field"].as_str()), (Some("file_too_large"), Some("file")));
    let vi = e["message_vi"].as_str().unwrap();
    assert!(vi.contains("ho-so-quet.pdf") && vi.contains("25 MB") && vi.contains("20 MB"), "{vi}");
    let e = error(start_on(app(), &citizen, "setup.exe", 6 * MIB, "application/x-msdownload"), 400);
    assert_eq!(e["code"], "unsupported_type");
    assert!(e["message_vi"].as_str().unwrap().contains("setup.exe"));
    assert_eq!(error(start_on(app(), &citizen, "rong.pdf", 0, "application/pdf"), 400)["code"], "empty_file");
    // Exactly 20 MB is fine: four parts.
    let resp = start_on(app(), &citizen, "max.pdf", 20 * MIB, "application/pdf");
    assert_eq!(resp.status(), 201);
    assert_eq!(resp.json::<Value>().unwrap()["parts"], 4);
}

#[test]
fn only_the_owner_sees_a_session() {
    let owner = app().login_citizen("0911001007");
    let other = app().login_citizen("0911001008");
    let file = pdf(6 * MIB);
    let id = start(&owner, "cccd.pdf", file.len())["id"].as_str().unwrap().to_string();
    put_ok(&owner, &id, 1, part(&file, 1));
    let (code, _) = expect_error(put_part(&other, &id, 2, part(&file, 2)), 404);
    assert_eq!(code, "not_found");
    expect_error(status(&other, &id), 404);
    expect_error(complete(&other, &id), 404);
    expect_error(app().as_session(Method::DELETE, &format!("/api/uploads/multipart/{id}"), &other).send().unwrap(), 404);
    // None of that touched the owner's session.
    assert_eq!(received(&owner, &id), json!([1]));
    // Without a session, or as staff: 401.
    expect_error(app().get(&format!("/api/uploads/multipart/{id}")), 401);
    expect_error(status(&app().login_staff("sontay.motcua"), &id), 401);
    put_ok(&owner, &id, 2, part(&file, 2));
    assert_eq!(complete(&owner, &id).status(), 201);
    // The finished upload is the owner's alone too.
    expect_error(complete(&other, &id), 404);
}

#[test]
fn the_owner_can_give_up_a_session() {
    let citizen = app().login_citizen("0911001009");
    let file = pdf(6 * MIB);
    let id = start(&citizen, "nhap.pdf", file.len())["id"].as_str().unwrap().to_string();
    put_ok(&citizen, &id, 1, part(&file, 1));
    let resp = app().as_session(Method::DELETE, &format!("/api/uploads/multipart/{id}"), &citizen).send().unwrap();
    assert_eq!(resp.status(), 204);
    expect_error(status(&citizen, &id), 404);
    expect_error(put_part(&citizen, &id, 2, part(&file, 2)), 404);
    expect_error(complete(&citizen, &id), 404);
}

#[test]
fn the_cron_keeps_uploads_younger_than_the_limit() {
    // The shared server keeps them a week (168 hours), so a fresh one survives the sweep.
    let phone = "0911001010";
    let citizen = app().login_citizen(phone);
    let file = pdf(6 * MIB);
    let id = start(&citizen, "moi.pdf", file.len())["id"].as_str().unwrap().to_string();
    put_ok(&citizen, &id, 1, part(&file, 1));
    put_ok(&citizen, &id, 2, part(&file, 2));
    assert_eq!(complete(&citizen, &id).status(), 201);
    let resp = app().get("/cdn-cgi/handler/scheduled?cron=*/5+*+*+*+*");
    assert!(resp.status().is_success(), "{}", resp.status());
    let resp = submit(&citizen, phone, &[&id]);
    assert_eq!(resp.status(), 201, "{}", resp.text().unwrap_or_default());
}

/// A server of its own that keeps unattached uploads for 0 hours (never the shared one: other
/// tests run the cron for payments while their uploads wait to be attached).
fn short_retention() -> &'static TestApp {
    static SERVER: OnceLock<TestApp> = OnceLock::new();
    SERVER.get_or_init(|| {
        // One server starting at a time: two at once on a small machine can miss the deadline.
        app();
        TestApp::start_with(&["UNATTACHED_UPLOAD_HOURS:0"])
    })
}

#[test]
fn the_cron_deletes_uploads_never_attached_and_keeps_attached_ones() {
    let server = short_retention();
    let phone = "0912345678";
    let citizen = server.new_citizen_session(phone);
    let whole = |name: &str, body: &[u8]| -> Value {
        let resp = server
            .as_session(Method::POST, "/api/uploads", &citizen)
            .header("content-type", "application/pdf")
            .header("x-file-name", name)
            .body(body.to_vec())
            .send()
            .unwrap();
        assert_eq!(resp.status(), 201);
        resp.json().unwrap()
    };
    let small = pdf(4000);
    let forgotten = whole("bo-quen.pdf", &small);
    let attached = whole("da-nop.pdf", &small);
    let file = pdf(6 * MIB);
    let resp = start_on(server, &citizen, "dang-do.pdf", file.len(), "application/pdf");
    assert_eq!(resp.status(), 201);
    let unfinished = resp.json::<Value>().unwrap()["id"].as_str().unwrap().to_string();
    assert_eq!(put_part_on(server, &citizen, &unfinished, 1, part(&file, 1)).status(), 200);
    let open = |id: &str| server.r2_query("SELECT key FROM _mf_multipart_uploads WHERE state = 0").iter().any(|k| k.ends_with(id));
    let stored = |id: &Value| server.r2_query("SELECT key FROM _mf_objects").iter().any(|k| k.ends_with(id.as_str().unwrap()));
    assert!(open(&unfinished) && stored(&forgotten["id"]) && stored(&attached["id"]), "before the sweep");
    // A certified copy at Sơn Tây with one scan attached.
    let submit_with = |file: &Value| {
        server
            .as_session(Method::POST, "/api/dossiers", &citizen)
            .json(&json!({
                "agency": agency_code_on(server, "UBND xã Sơn Tây"),
                "procedure": "2.000815",
                "applicant": {"full_name": "Nguyễn Văn An", "id_number": "042190001111", "phone": phone, "address": "Xã Sơn Tây"},
                "inputs": {"pages": 2, "copies": 1},
                "files": [file],
            }))
            .send()
            .unwrap()
    };

    let resp = submit_with(&attached["id"]);
    assert_eq!(resp.status(), 201, "{}", resp.text().unwrap_or_default());
    let dossier = resp.json::<Value>().unwrap()["id"].as_str().unwrap().to_string();

    // Let the clock pass the 0-hour limit (timestamps have millisecond precision).
    std::thread::sleep(std::time::Duration::from_millis(20));
    let resp = server.get("/cdn-cgi/handler/scheduled?cron=*/5+*+*+*+*");
    assert!(resp.status().is_success(), "{}", resp.status());

    // The attached scan is still there, byte for byte.
    let resp = server.as_session(Method::GET, &format!("/api/dossiers/{dossier}/files/{}", attached["id"].as_str().unwrap()), &citizen).send().unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.bytes().unwrap().as_ref(), small.as_slice());
    // The forgotten one is gone: no dossier can attach it any more.
    let resp = submit_with(&forgotten["id"]);
    let (code, field) = expect_error(resp, 400);
    assert_eq!((code.as_str(), field.as_deref()), ("unknown_file", Some("files[0]")));
    // And so are its bytes in R2; the attached scan's stay.
    assert!(!stored(&forgotten["id"]) && stored(&attached["id"]), "R2 after the sweep");
    // The unfinished multipart upload was abandoned and aborted, at R2 too.
    assert!(!open(&unfinished), "the multipart upload is still open in R2");
    expect_error(server.as_session(Method::GET, &format!("/api/uploads/multipart/{unfinished}"), &citizen).send().unwrap(), 404);
    expect_error(put_part_on(server, &citizen, &unfinished, 2, part(&file, 2)), 404);
    expect_error(complete_on(server, &citizen, &unfinished), 404);
}

fn agency_code_on(server: &TestApp, name: &str) -> String {
    fn find(nodes: &[motcua_domain::api::AgencyNode], name: &str) -> Option<String> {
        nodes.iter().find_map(|n| if n.name == name { Some(n.code.clone()) } else { find(&n.children, name) })
    }
    let tree: Vec<motcua_domain::api::AgencyNode> = server.get("/api/agencies").json().unwrap();
    find(&tree, name).unwrap_or_else(|| panic!("no agency named {name}"))
}


/// A session started for an agency (`X-Agency`) has an id naming that agency's shard, and the
/// upload it becomes keeps it; text that is no id is no session (404, nothing read).
#[test]
fn a_session_for_an_agency_lives_in_its_shard() {
    let citizen = app().login_citizen("0911001019");
    let agency = crate::support::agency_code("UBND xã Sơn Tây");
    let shard = motcua_domain::shard::shard_of_agency(&agency).unwrap();
    let file = pdf(6 * MIB);
    let resp = app()
        .as_session(Method::POST, "/api/uploads/multipart", &citizen)
        .header("x-agency", &agency)
        .json(&json!({"name": "cccd.pdf", "size": file.len(), "content_type": "application/pdf"}))
        .send()
        .unwrap();
    assert_eq!(resp.status(), 201);
    let id = resp.json::<Value>().unwrap()["id"].as_str().unwrap().to_string();
    assert_eq!(motcua_domain::shard::shard_of_id("id", &id).unwrap(), Some(shard), "{id}");
    put_ok(&citizen, &id, 1, part(&file, 1));
    put_ok(&citizen, &id, 2, part(&file, 2));
    let resp = complete(&citizen, &id);
    assert_eq!(resp.status(), 201);
    assert_eq!(resp.json::<Value>().unwrap()["id"], id.as_str());
    expect_error(status(&citizen, "khong-phai-ma"), 404);
}
