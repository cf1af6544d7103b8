//! The back office is a Worker of its own (motcua-backoffice, `--features backoffice`) behind the
//! public Worker's service binding BACKOFFICE: `/api/staff/*`, `/api/admin/*`, `/api/dashboard/*`
//! reach it through the public port unchanged, both Workers share D1, R2, the queue and the
//! sequence counters, and a back office that cannot be reached answers 503 in the envelope.

use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{agency_code, app, checked, expect_error, TestApp, DEMO_PASSWORD};

/// The serial number at the end of a dossier code (`{agency}-{yymmdd}-{nnnn}`).
fn serial(resp: reqwest::blocking::Response) -> u32 {
    assert_eq!(resp.status(), 201);
    let d: Value = resp.json().unwrap();
    d["code"].as_str().unwrap().rsplit('-').next().unwrap().parse().unwrap()
}

/// A citizen's submission (public Worker) and a walk-in (back office) take their numbers from one
/// counter: the public Worker's Durable Object, which the back office binds by `script_name`.
/// Two counters would give the walk-in a number already taken.
#[test]
fn both_workers_number_dossiers_from_one_counter() {
    let phone = "0911000871";
    let citizen = app().login_citizen(phone);
    let officer = app().login_staff("sontay.motcua");
    let body = json!({
        "agency": agency_code("UBND xã Sơn Tây"),
        "procedure": "2.000815",
        "applicant": {"full_name": "Đào Văn Đếm", "id_number": "042090008710", "phone": phone, "address": "Thôn 2"},
        "inputs": {"pages": 5, "copies": 3}
    });
    let first = serial(citizen.post_json("/api/dossiers", &body));
    let walk_in = serial(officer.post_json("/api/staff/dossiers", &body));
    let third = serial(citizen.post_json("/api/dossiers", &body));
    assert!(first < walk_in && walk_in < third, "{first}, {walk_in}, {third}");
}

/// The request reaches the back office as it came: its query string, body and cookie, and a method
/// the runtime would take for GET is still refused there.
#[test]
fn the_back_office_gets_the_request_as_it_came() {
    let officer = app().login_staff("sontay.motcua");
    let page: Value = officer.get("/api/staff/dossiers?tab=supplement").json().unwrap();
    assert_eq!(page["tab"], "supplement");
    let body = json!({"agency": agency_code("UBND xã Sơn Tây"), "kind": "complaint", "text": "Thử"});
    let (_, field) = expect_error(officer.post_json("/api/staff/reports", &body), 400);
    assert_eq!(field.as_deref(), Some("kind"));
    let (code, _) = expect_error(app().get("/api/staff/me"), 401);
    assert_eq!(code, "unauthorized");
    let (code, _) = expect_error(app().get("/api/staff/nope"), 404);
    assert_eq!(code, "route_not_found");
    let resp = app().client.request(Method::from_bytes(b"QUERY").unwrap(), app().url("/api/staff/dossiers")).header("cookie", &officer.cookie).send().unwrap();
    let (code, _) = expect_error(checked(resp), 404);
    assert_eq!(code, "route_not_found");
}

/// Without the back office (its binding fails) its routes answer 503 in the envelope, and the
/// public Worker's own routes keep working.
#[test]
fn an_unreachable_back_office_answers_503_in_the_envelope() {
    let server = TestApp::start_with(&["BACKOFFICE:0"]);
    let resp = server.client.get(server.url("/api/staff/me")).send().unwrap();
    let (code, _) = expect_error(resp, 503);
    assert_eq!(code, "backoffice_unavailable");
    let login = json!({"username": "sontay.motcua", "password": DEMO_PASSWORD});
    let resp = server.client.post(server.url("/api/staff/login")).json(&login).send().unwrap();
    let (code, _) = expect_error(resp, 503);
    assert_eq!(code, "backoffice_unavailable");
    let resp = server.client.get(server.url("/api/dashboard/rates")).send().unwrap();
    assert_eq!(expect_error(resp, 503).0, "backoffice_unavailable");
    assert_eq!(server.client.get(server.url("/api/agencies")).send().unwrap().status(), 200);
}
