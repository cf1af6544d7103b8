//! Embedding on commune portals: the embed page (`/nhung/{agency}`) may be framed by exactly the
//! origins an admin listed for the agency, an unlisted `parent` is refused, every other page and
//! response says `frame-ancestors 'none'`, and the list itself is validated, audited and for the
//! agency's admins only.

use reqwest::blocking::Response;
use serde_json::{json, Value};

use crate::support::{agency_code, app, expect_error};

fn header(resp: &Response, name: &str) -> Option<String> {
    resp.headers().get(name).map(|v| v.to_str().unwrap().to_string())
}

fn assert_never_framed(resp: &Response, what: &str) {
    assert_eq!(header(resp, "content-security-policy").as_deref(), Some("frame-ancestors 'none'"), "{what}");
    assert_eq!(header(resp, "x-frame-options").as_deref(), Some("DENY"), "{what}");
}

fn enc(s: &str) -> String {
    s.replace(':', "%3A").replace('/', "%2F").replace('#', "%23")
}

#[test]
fn the_embed_page_may_be_framed_only_by_the_agencys_portals() {
    let admin = app().login_staff("hatinh.admin");
    let son_tay = agency_code("UBND xã Sơn Tây");
    let resp = admin.put_json(
        &format!("/api/admin/agencies/{son_tay}/embed-origins"),
        &json!({"origins": ["https://SonTay.HaTinh.gov.vn/", "http://localhost:8787"]}),
    );
    assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());

    let resp = app().get(&format!("/nhung/{son_tay}?parent={}&color={}", enc("https://sontay.hatinh.gov.vn"), enc("#0A5")));
    assert_eq!(resp.status(), 200);
    assert_eq!(
        header(&resp, "content-security-policy").as_deref(),
        Some("frame-ancestors http://localhost:8787 https://sontay.hatinh.gov.vn")
    );
    assert_eq!(header(&resp, "x-frame-options"), None, "X-Frame-Options DENY would refuse the listed portals");
    assert_eq!(header(&resp, "cache-control").as_deref(), Some("no-store"));
    assert!(header(&resp, "content-type").unwrap().starts_with("text/html"));
    let html = resp.text().unwrap();
    assert!(html.contains("/pkg/motcua.js"), "the citizen app's page");
    assert!(html.contains(r#""parent":"https://sontay.hatinh.gov.vn""#), "{html}");
    assert!(html.contains(r##""color":"#0a5""##));
    assert!(html.contains(&format!(r#""agency":"{son_tay}""#)));
    assert!(html.contains(r#"<script src="/embed-frame.js"></script></head>"#));

    // A portal that is not listed (or says nothing) is refused, and the refusal is not framable.
    let resp = app().get(&format!("/nhung/{son_tay}?parent={}", enc("https://evil.example")));
    assert_never_framed(&resp, "refusal");
    let (code, field) = expect_error(resp, 403);
    assert_eq!((code.as_str(), field.as_deref()), ("origin_not_allowed", Some("parent")));
    // Same host over http is another origin.
    let (code, _) = expect_error(app().get(&format!("/nhung/{son_tay}?parent={}", enc("http://sontay.hatinh.gov.vn"))), 400);
    assert_eq!(code, "insecure_origin");
    let (_, field) = expect_error(app().get(&format!("/nhung/{son_tay}")), 400);
    assert_eq!(field.as_deref(), Some("parent"));
    let (code, field) = expect_error(
        app().get(&format!("/nhung/{son_tay}?parent={}&color={}", enc("http://localhost:8787"), "red%3B%7D")),
        400,
    );
    assert_eq!((code.as_str(), field.as_deref()), ("invalid_color", Some("color")));
    let (_, field) = expect_error(app().get(&format!("/nhung/000.99.99.H27?parent={}", enc("http://localhost:8787"))), 404);
    assert_eq!(field.as_deref(), Some("agency"));
    // An agency nobody listed a portal for cannot be embedded at all.
    let son_le = agency_code("UBND xã Sơn Lễ");
    let (code, _) = expect_error(app().get(&format!("/nhung/{son_le}?parent={}", enc("http://localhost:8787"))), 403);
    assert_eq!(code, "origin_not_allowed");

    // Everything else: pages served by the platform (public/_headers) and by the Worker.
    for path in ["/", "/thu-tuc/2.000815", "/embed-demo.html", "/embed.js", "/can-bo", "/lanh-dao", "/api/health", "/api/nope", "/dev/outbox"] {
        let resp = app().get(path);
        assert!(resp.status().as_u16() < 500, "{path}: {}", resp.status());
        assert_never_framed(&resp, path);
    }
}

#[test]
fn embed_origins_are_validated_audited_and_for_the_agencys_admins_only() {
    let admin = app().login_staff("hatinh.admin");
    let son_hong = agency_code("UBND xã Sơn Hồng");
    let path = format!("/api/admin/agencies/{son_hong}/embed-origins");
    let list = |s: &crate::support::Session| s.get(&path).json::<Value>().unwrap()["origins"].clone();
    assert_eq!(list(&admin), json!([]));

    // Not an admin, or an admin of another province: no such route.
    let officer = app().login_staff("sontay.motcua");
    expect_error(officer.get(&path), 404);
    expect_error(officer.put_json(&path, &json!({"origins": ["https://a.vn"]})), 404);
    let other = app().login_staff("haiduong.admin");
    expect_error(other.put_json(&path, &json!({"origins": ["https://a.vn"]})), 404);
    expect_error(app().client.put(app().url(&path)).json(&json!({"origins": []})).send().unwrap(), 401);

    for (bad, code, field) in [
        (json!({"origins": ["http://sonhong.gov.vn"]}), "insecure_origin", "origins[0]"),
        (json!({"origins": ["https://sonhong.gov.vn", "https://sonhong.gov.vn/thu-tuc"]}), "invalid_origin", "origins[1]"),
        (json!({"origins": ["*"]}), "invalid_origin", "origins[0]"),
        (json!({"origins": ["https://a.vn 'unsafe-inline'"]}), "invalid_origin", "origins[0]"),
        (json!({"origins": [""]}), "required", "origins[0]"),
    ] {
        let (c, f) = expect_error(admin.put_json(&path, &bad), 400);
        assert_eq!((c.as_str(), f.as_deref()), (code, Some(field)), "{bad}");
    }
    expect_error(admin.put_json(&path, &json!({"origin": "https://a.vn"})), 400);
    assert_eq!(list(&admin), json!([]), "refusals change nothing");

    let resp = admin.put_json(&path, &json!({"origins": ["https://sonhong.gov.vn", "https://SONHONG.gov.vn/", "https://www.sonhong.gov.vn:8443"]}));
    assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());
    assert_eq!(list(&admin), json!(["https://sonhong.gov.vn", "https://www.sonhong.gov.vn:8443"]));
    let audit: Vec<Value> = admin.get(&format!("/api/staff/audit?entity=agency&id={son_hong}")).json().unwrap();
    assert_eq!(audit[0]["action"], "embed_origins.put");
    assert_eq!(audit[0]["username"], "hatinh.admin");
    assert_eq!(audit[0]["before"]["origins"], json!([]));
    assert_eq!(audit[0]["after"]["origins"], json!(["https://sonhong.gov.vn", "https://www.sonhong.gov.vn:8443"]));

    // An empty list stops all embedding.
    assert_eq!(admin.put_json(&path, &json!({"origins": []})).status(), 200);
    assert_eq!(list(&admin), json!([]));
    let (code, _) = expect_error(app().get(&format!("/nhung/{son_hong}?parent={}", enc("https://sonhong.gov.vn"))), 403);
    assert_eq!(code, "origin_not_allowed");
}

#[test]
fn a_log_in_inside_a_portal_frame_gets_a_partitioned_cookie() {
    let phone = "0911000901";
    let code = app().send_code(phone);
    let resp = app()
        .client
        .post(app().url("/api/auth/otp/verify?embed=1"))
        .header("CF-Connecting-IP", crate::support::ip_for(phone))
        .json(&json!({"phone": phone, "code": code}))
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200);
    let (pair, whole) = crate::support::set_cookie(&resp, "motcua_session").expect("session cookie");
    assert!(whole.contains("SameSite=None") && whole.contains("Partitioned") && whole.contains("Secure"), "{whole}");
    let me = app().client.get(app().url("/api/me")).header("cookie", &pair).send().unwrap();
    assert_eq!(me.status(), 200);
    // Log-out clears both kinds of session cookie.
    let out = app().client.post(app().url("/api/auth/logout")).header("cookie", &pair).send().unwrap();
    let cleared: Vec<String> = out.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect();
    assert!(cleared.iter().any(|c| c.contains("Max-Age=0") && c.contains("Partitioned")), "{cleared:?}");
    assert!(cleared.iter().any(|c| c.contains("Max-Age=0") && c.contains("SameSite=Lax")), "{cleared:?}");
    // Without embed mode the cookie stays Lax.
    let code = app().send_code("0911000902");
    let resp = app().verify_code("0911000902", &code);
    let (_, whole) = crate::support::set_cookie(&resp, "motcua_session").unwrap();
    assert!(whole.contains("SameSite=Lax") && !whole.contains("Partitioned"), "{whole}");
}
