//! Log-in with the national portal's account (OpenID Connect) against the sandbox provider
//! (`/sandbox/idp/`): the happy path; each refusal (state, reused code, tampered or badly signed
//! token, audience, expiry, nonce, issuer, return path) with its code and no session; the linking
//! rule (the same dossiers after either log-in, no takeover of a phone account); logout at the
//! provider.

use std::sync::OnceLock;

use motcua_domain::gateway::parse_query;
use reqwest::blocking::{Client, Response};
use serde_json::{json, Value};

use crate::support::{agency_code, app, checked, expect_error, set_cookie, Session};

/// A client that shows the redirects instead of following them.
fn browser() -> &'static Client {
    static C: OnceLock<Client> = OnceLock::new();
    C.get_or_init(|| Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap())
}

fn location(resp: &Response) -> String {
    assert_eq!(resp.status(), 302, "expected a redirect");
    resp.headers()["location"].to_str().unwrap().to_string()
}

fn query_of(url: &str) -> Vec<(String, String)> {
    parse_query(url.split_once('?').map(|(_, q)| q).unwrap_or("")).unwrap()
}

fn param(url: &str, name: &str) -> Option<String> {
    query_of(url).into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

fn get(path_or_url: &str, json: bool) -> Response {
    let url = if path_or_url.starts_with("http") { path_or_url.to_string() } else { app().url(path_or_url) };
    let mut req = browser().get(url);
    if json {
        req = req.header("accept", "application/json");
    }
    checked(req.send().unwrap())
}

/// Starts a log-in and answers the provider's authorize address.
fn start(return_path: &str) -> String {
    location(&get(&format!("/api/auth/national/start?return={}", motcua_domain::gateway::form_encode(return_path)), false))
}

/// A person of the sandbox provider (any claims: the `custom` identity).
#[derive(Clone)]
struct Person {
    sub: String,
    cccd: String,
    name: &'static str,
    phone: Option<String>,
}

fn person(sub: &str, cccd: &str, phone: Option<&str>) -> Person {
    Person { sub: format!("test-{sub}"), cccd: cccd.into(), name: "Nguyễn Thị Hồng Nhung", phone: phone.map(Into::into) }
}

/// The person's choice on the provider's page (`fault` "" for none): answers the callback address.
fn authorize(authorize_url: &str, who: &Person, fault: &str) -> String {
    let page = get(authorize_url, false);
    assert_eq!(page.status(), 200, "the provider accepts our authorize request");
    let mut form = query_of(authorize_url);
    for (k, v) in [
        ("identity", "custom"),
        ("sub", who.sub.as_str()),
        ("SoDinhDanh", who.cccd.as_str()),
        ("HoVaTen", who.name),
        ("SoDienThoai", who.phone.as_deref().unwrap_or("")),
        ("fault", fault),
        ("outcome", "allow"),
    ] {
        form.push((k.into(), v.into()));
    }
    let endpoint = authorize_url.split('?').next().unwrap();
    location(&checked(browser().post(endpoint).form(&form).send().unwrap()))
}

/// The whole log-in; answers the session and where it landed.
fn login(who: &Person, return_path: &str) -> (Session, String) {
    let callback = authorize(&start(return_path), who, "");
    let resp = get(&callback, false);
    let landed = location(&resp);
    let (cookie, whole) = set_cookie(&resp, "motcua_session").expect("a session cookie");
    assert!(whole.contains("HttpOnly") && whole.contains("SameSite=Lax"), "{whole}");
    let me = app().client.get(app().url("/api/me")).header("cookie", &cookie).send().unwrap();
    assert_eq!(me.status(), 200);
    (Session { cookie, body: me.json().unwrap() }, landed)
}

/// A refused callback: JSON 400 with `code`, no session cookie; for a browser, back to the log-in
/// page with the code.
fn refused(callback: &str, code: &str) {
    let resp = get(callback, true);
    assert!(set_cookie(&resp, "motcua_session").is_none(), "no session for {code}");
    assert_eq!(expect_error(resp, 400).0, code);
}

#[test]
fn the_happy_path_logs_in_and_lands_on_the_return_path() {
    let auth = start("/ho-so");
    let q = |k: &str| param(&auth, k).unwrap_or_default();
    assert!(auth.starts_with(&app().url("/sandbox/idp/oauth2/authorize?")), "{auth}");
    assert_eq!((q("response_type").as_str(), q("scope").as_str(), q("acr_values").as_str()), ("code", "openid", "LoA1"));
    assert_eq!(q("client_id"), crate::support::dev_var("NATIONAL_CLIENT_ID"));
    assert_eq!(q("redirect_uri"), app().url("/api/auth/national/callback"));
    assert_eq!(q("code_challenge_method"), "S256");
    assert_eq!(q("code_challenge").len(), 43);
    assert!(q("state").len() >= 43 && q("nonce").len() >= 43 && q("state") != q("nonce"));

    let who = person("happy", "001090010001", Some("0977100001"));
    let callback = authorize(&auth, &who, "");
    let resp = get(&callback, false);
    assert_eq!(location(&resp), "/ho-so");
    let (cookie, _) = set_cookie(&resp, "motcua_session").expect("session");
    let s = Session { cookie, body: Value::Null };
    let me: Value = s.get("/api/me").json().unwrap();
    assert_eq!(me["citizen_id"], "001090010001");
    assert_eq!(me["full_name"], "Nguyễn Thị Hồng Nhung");
    assert_eq!(me["phone"], "0977100001");
    assert_eq!(me["national"], true);
    assert_eq!(me["needs_profile"], true, "the citizen confirms what the portal sent");
    // The portal's TechID is kept for the dossier sync (`MaDoiTuong`).
    let id = me["id"].as_str().unwrap();
    assert_eq!(app().d1_query(&format!("SELECT national_tech_id FROM citizens WHERE id = '{id}'")), vec!["T-test-happy"]);
    // The verified number cannot be changed; the rest is the citizen's to confirm.
    let (code, field) = expect_error(
        s.put_json("/api/me", &json!({"full_name": "Nguyễn Thị Hồng Nhung", "citizen_id": "001090010002"})),
        400,
    );
    assert_eq!((code.as_str(), field.as_deref()), ("verified_by_national_account", Some("citizen_id")));
    let confirmed: Value =
        s.put_json("/api/me", &json!({"full_name": "Nguyễn Thị Hồng Nhung", "citizen_id": "001090010001", "email": "nhung@example.vn"})).json().unwrap();
    assert_eq!(confirmed["needs_profile"], false);
    // Logging in again opens the same account.
    let (again, _) = login(&who, "/tai-khoan");
    assert_eq!(again.body["id"], me["id"]);
    assert_eq!(again.body["needs_profile"], false);
}

#[test]
fn the_offer_is_announced() {
    let info: Value = app().get("/api/auth/national").json().unwrap();
    assert_eq!(info["enabled"], true);
}

#[test]
fn a_wrong_or_missing_state_is_refused() {
    let who = person("state", "001090010003", None);
    let callback = authorize(&start("/"), &who, "");
    let forged = callback.replace(&param(&callback, "state").unwrap(), "forged-state-value");
    refused(&forged, "invalid_state");
    refused(&app().url("/api/auth/national/callback?code=abc"), "invalid_state");
    // A browser goes back to the log-in page with the reason.
    let resp = get(&forged, false);
    assert_eq!(location(&resp), "/tai-khoan?loi=invalid_state");
    assert!(set_cookie(&resp, "motcua_session").is_none());
    // The real state still works once, and only once.
    let resp = get(&callback, false);
    assert!(set_cookie(&resp, "motcua_session").is_some());
    refused(&callback, "invalid_state");
}

#[test]
fn a_reused_code_is_refused() {
    let who = person("reuse", "001090010004", None);
    let first = authorize(&start("/"), &who, "");
    let second_start = start("/");
    assert!(set_cookie(&get(&first, false), "motcua_session").is_some());
    // The first code again, under a second log-in's valid state: the provider refuses it.
    let state = param(&second_start, "state").unwrap();
    let code = param(&first, "code").unwrap();
    let replay = format!("{}?code={}&state={}", app().url("/api/auth/national/callback"), code, state);
    refused(&replay, "code_rejected");
}

#[test]
fn a_bad_token_is_refused_with_its_reason_and_no_session() {
    for (i, (fault, code)) in [
        ("tampered", "token_signature"),
        ("bad_signature", "token_signature"),
        ("wrong_audience", "token_audience"),
        ("expired", "token_expired"),
        ("wrong_nonce", "token_nonce"),
        ("wrong_issuer", "token_issuer"),
    ]
    .into_iter()
    .enumerate()
    {
        let who = person(&format!("fault-{i}"), &format!("00109002000{i}"), None);
        let callback = authorize(&start("/"), &who, fault);
        refused(&callback, code);
    }
    let who = person("fault-browser", "001090020009", None);
    let resp = get(&authorize(&start("/"), &who, "expired"), false);
    assert_eq!(location(&resp), "/tai-khoan?loi=token_expired");
    assert!(set_cookie(&resp, "motcua_session").is_none());
    // Nobody was created by a refused log-in.
    assert_eq!(app().d1_count("SELECT COUNT(*) FROM citizens WHERE national_sub LIKE 'test-fault-%' OR national_sub = 'sandbox-someone-else'"), 0);
}

#[test]
fn a_cancelled_log_in_comes_back_with_the_reason() {
    let auth = start("/");
    let mut form = query_of(&auth);
    form.push(("outcome".into(), "deny".into()));
    let callback = location(&checked(browser().post(auth.split('?').next().unwrap()).form(&form).send().unwrap()));
    refused(&callback, "provider_denied");
}

#[test]
fn return_paths_to_other_sites_are_refused() {
    for bad in ["//evil.example", "/\\evil.example", "https://evil.example/", "evil.example"] {
        let path = format!("/api/auth/national/start?return={}", motcua_domain::gateway::form_encode(bad));
        let (code, field) = expect_error(get(&path, true), 400);
        assert_eq!((code.as_str(), field.as_deref()), ("invalid_return", Some("return")), "{bad}");
        assert_eq!(location(&get(&path, false)), "/tai-khoan?loi=invalid_return", "{bad}");
    }
}

/// A dossier of the session's account. The applicant's number is not the account's: the status
/// SMS must not land among the log-in codes the test reads from the outbox.
fn submit_dossier(s: &Session, _account_phone: &str) -> String {
    let phone = "0911000999";
    let body = json!({
        "agency": agency_code("UBND xã Quang Trung"),
        "procedure": "2.000884",
        "applicant": {"full_name": "Đỗ Minh Khôi", "id_number": "001090030001", "phone": phone, "address": "Thôn Trung, xã Quang Trung"},
        "inputs": {"cases": 1}
    });
    let resp = s.post_json("/api/dossiers", &body);
    assert_eq!(resp.status(), 201);
    resp.json::<Value>().unwrap()["id"].as_str().unwrap().to_string()
}

fn dossier_ids(s: &Session) -> Vec<String> {
    let list: Vec<Value> = s.get("/api/dossiers").json().unwrap();
    let mut ids: Vec<String> = list.iter().map(|d| d["id"].as_str().unwrap().to_string()).collect();
    ids.sort();
    ids
}

#[test]
fn either_log_in_reaches_the_same_dossiers() {
    // A phone account with its profile (CCCD declared), and a dossier.
    let phone = "0911000931";
    let by_phone = app().new_citizen_session(phone);
    let resp = by_phone.put_json("/api/me", &json!({"full_name": "Đỗ Minh Khôi", "citizen_id": "001090030001"}));
    assert_eq!(resp.status(), 200);
    let dossier = submit_dossier(&by_phone, phone);

    // The portal vouches for the same number and the same CCCD: the same account.
    let who = Person { sub: "test-khoi".into(), cccd: "001090030001".into(), name: "Đỗ Minh Khôi", phone: Some(phone.into()) };
    let (national, _) = login(&who, "/ho-so");
    assert_eq!(national.body["id"], by_phone.body["id"]);
    assert_eq!(national.body["national"], true);
    assert_eq!(dossier_ids(&national), vec![dossier.clone()]);
    // A dossier sent after the national log-in is seen by a new phone log-in too.
    let second = submit_dossier(&national, phone);
    app().age_codes(phone, 120); // a new code may be asked for after a minute
    let again = app().new_citizen_session(phone);
    assert_eq!(again.body["id"], by_phone.body["id"]);
    let mut both = vec![dossier, second];
    both.sort();
    assert_eq!(dossier_ids(&again), both);
    assert_eq!(dossier_ids(&national), both);

    // A national-first person: a later phone log-in with the portal's number opens that account.
    let first = Person { sub: "test-first".into(), cccd: "001090030002".into(), name: "Đỗ Minh Khôi", phone: Some("0911000932".into()) };
    let (n, _) = login(&first, "/");
    let d = submit_dossier(&n, "0911000932");
    let p = app().new_citizen_session("0911000932");
    assert_eq!(p.body["id"], n.body["id"]);
    assert_eq!(dossier_ids(&p), vec![d]);
}

#[test]
fn a_phone_account_is_never_taken_over() {
    // Someone's phone account, whose CCCD is not the one the portal verified (a recycled
    // number, or a person typing another's CCCD): the national log-in gets its own account.
    let phone = "0911000941";
    let owner = app().new_citizen_session(phone);
    owner.put_json("/api/me", &json!({"full_name": "Lý Thị Tâm", "citizen_id": "001090040001"}));
    let theirs = submit_dossier(&owner, phone);
    let stranger = Person { sub: "test-stranger".into(), cccd: "001090040002".into(), name: "Đỗ Minh Khôi", phone: Some(phone.into()) };
    let (n, _) = login(&stranger, "/");
    assert_ne!(n.body["id"], owner.body["id"]);
    assert_eq!(n.body["phone"], Value::Null, "the number stays with the account that proved it");
    assert!(dossier_ids(&n).is_empty());
    assert_eq!(dossier_ids(&owner), vec![theirs.clone()]);

    // A phone account that typed someone else's CCCD does not receive that person's log-in.
    let impostor = app().new_citizen_session("0911000942");
    impostor.put_json("/api/me", &json!({"full_name": "Lý Thị Tâm", "citizen_id": "001090040003"}));
    let real = Person { sub: "test-real".into(), cccd: "001090040003".into(), name: "Đỗ Minh Khôi", phone: Some("0911000943".into()) };
    let (r, _) = login(&real, "/");
    assert_ne!(r.body["id"], impostor.body["id"]);
    assert_eq!(r.body["phone"], "0911000943");
}

#[test]
fn logout_ends_the_session_here_and_at_the_provider() {
    let who = person("logout", "001090050001", None);
    let (s, _) = login(&who, "/");
    let resp = s.post_json("/api/auth/logout", &json!({}));
    assert_eq!(resp.status(), 200);
    let (_, cleared) = set_cookie(&resp, "motcua_session").expect("clearing cookie");
    assert!(cleared.contains("Max-Age=0"));
    let url = resp.json::<Value>().unwrap()["logout_url"].as_str().unwrap().to_string();
    assert!(url.starts_with(&app().url("/sandbox/idp/oidc/logout?")), "{url}");
    assert!(param(&url, "id_token_hint").is_some_and(|t| t.split('.').count() == 3));
    assert_eq!(param(&url, "post_logout_redirect_uri").unwrap(), app().url("/tai-khoan"));
    assert_eq!(expect_error(s.get("/api/me"), 401).0, "unauthorized");
    // The provider ends its session and sends the browser back to the log-in page.
    assert!(location(&get(&url, false)).starts_with(&app().url("/tai-khoan?state=")));
    // A phone session still answers 204.
    let p = app().new_citizen_session("0911000951");
    assert_eq!(p.post_json("/api/auth/logout", &json!({})).status(), 204);
}

#[test]
fn the_sandbox_provider_checks_what_a_real_one_checks() {
    let auth = start("/");
    // A redirect address that was not registered: refused on the provider's page, no redirect.
    let elsewhere = auth.replace(&motcua_domain::gateway::form_encode(&app().url("/api/auth/national/callback")), "https%3A%2F%2Fevil.example%2Fcb");
    assert_eq!(get(&elsewhere, false).status(), 400);
    let without_pkce = auth.replace("code_challenge_method=S256", "code_challenge_method=plain");
    assert_eq!(get(&without_pkce, false).status(), 400);
    // The token endpoint wants the client's secret, the code's redirect and the PKCE verifier.
    let who = person("idp", "001090060001", None);
    let callback = authorize(&auth, &who, "");
    let code = param(&callback, "code").unwrap();
    let token = |secret: &str, verifier: &str| {
        checked(
            browser()
                .post(app().url("/sandbox/idp/oauth2/token"))
                .form(&[
                    ("grant_type", "authorization_code"),
                    ("code", code.as_str()),
                    ("redirect_uri", app().url("/api/auth/national/callback").as_str()),
                    ("client_id", crate::support::dev_var("NATIONAL_CLIENT_ID").as_str()),
                    ("client_secret", secret),
                    ("code_verifier", verifier),
                ])
                .send()
                .unwrap(),
        )
    };
    assert_eq!(token("wrong-secret", "x").status(), 401);
    let wrong_verifier = token(&crate::support::dev_var("NATIONAL_CLIENT_SECRET"), "not-the-verifier-not-the-verifier-not-the-ver");
    assert_eq!(wrong_verifier.status(), 400);
    assert_eq!(wrong_verifier.json::<Value>().unwrap()["error"], "invalid_grant");
    // That try spent the code: the log-in cannot finish with it any more.
    refused(&callback, "code_rejected");
}

#[test]
fn without_configuration_the_log_in_is_not_offered() {
    let off = crate::support::TestApp::start_with(&["NATIONAL_CLIENT_ID:"]);
    let info: Value = off.get("/api/auth/national").json().unwrap();
    assert_eq!(info["enabled"], false);
    let resp = checked(browser().get(off.url("/api/auth/national/start?return=/")).send().unwrap());
    assert_eq!(expect_error(resp, 404).0, "national_login_off");
}
