//! Log-in: citizens by one-time code (read from the sandbox outbox), staff by password (and
//! TOTP), sessions, profile, lock-outs and limits. Each test that needs its own number uses a
//! distinct one (0911000xxx), so all share one server.

use motcua_domain::api::AgencyNode;
use motcua_domain::auth::totp;
use serde_json::{json, Value};

use crate::support::{app, expect_error, set_cookie, Session, DEMO_PASSWORD};

fn retry_after(resp: &reqwest::blocking::Response) -> i64 {
    resp.headers().get("retry-after").expect("Retry-After header").to_str().unwrap().parse().unwrap()
}

fn error_body(resp: reqwest::blocking::Response, status: u16) -> Value {
    assert_eq!(resp.status().as_u16(), status);
    resp.json::<Value>().unwrap()["error"].clone()
}

/// A 6-digit code that is certainly not `code`.
fn other_than(code: &str) -> String {
    let n: u32 = code.parse().unwrap();
    format!("{:06}", (n + 1) % 1_000_000)
}

#[test]
fn a_new_citizen_logs_in_with_the_code_from_the_outbox() {
    let phone = "0911000001";
    let before = app().last_outbox_id(phone);
    let resp = app().request_code("091 100 0001");
    assert_eq!(resp.status(), 202);
    let body: Value = resp.json().unwrap();
    assert_eq!(body, json!({ "resend_after": 60, "expires_in": 300 }));

    let code = app().code_after(phone, before);
    let sms = &app().outbox(phone)[0];
    assert_eq!(sms["channel"], "sms");
    assert_eq!(
        sms["body"].as_str().unwrap(),
        format!("Mã xác thực Dịch vụ công của bạn là {code}, hiệu lực 5 phút. Không chia sẻ mã này.")
    );

    let resp = app().verify_code(phone, &code);
    assert_eq!(resp.status(), 200);
    let (cookie, header) = set_cookie(&resp, "motcua_session").expect("session cookie");
    for attribute in ["HttpOnly", "Secure", "SameSite=Lax", "Path=/", "Max-Age=2592000"] {
        assert!(header.split("; ").any(|a| a == attribute), "{attribute} missing from {header}");
    }
    assert_eq!(cookie.len(), "motcua_session=".len() + 64, "a 32-byte token in hex");
    let profile: Value = resp.json().unwrap();
    assert_eq!(profile["phone"], phone);
    assert_eq!(profile["needs_profile"], true, "a first log-in has no name yet");
    assert!(profile["id"].as_str().unwrap().starts_with("cit-"));

    let me = Session { cookie, body: profile.clone() }.get("/api/me");
    assert_eq!(me.status(), 200);
    let me: Value = me.json().unwrap();
    assert_eq!(me["id"], profile["id"]);

    // A code is good once.
    let (code_name, field) = expect_error(app().verify_code(phone, &code), 400);
    assert_eq!((code_name.as_str(), field.as_deref()), ("no_code", Some("code")));
}

#[test]
fn a_demo_citizen_gets_their_stored_profile() {
    let s = app().login_citizen("0912345678");
    assert_eq!(s.body["needs_profile"], false);
    assert_eq!(s.body["full_name"], "Nguyễn Văn An");
    let me: Value = s.get("/api/me").json().unwrap();
    assert_eq!(me["citizen_id"], "042090001234", "the owner sees their own citizen ID");
    assert_eq!(me["id"], "cit-an");
}

#[test]
fn me_without_a_valid_session_is_401_in_the_error_shape() {
    let (code, _) = expect_error(app().get("/api/me"), 401);
    assert_eq!(code, "unauthorized");
    for cookie in ["motcua_session=nonsense", &format!("motcua_session={}", "ab".repeat(32))] {
        let s = Session { cookie: cookie.to_string(), body: Value::Null };
        let (code, _) = expect_error(s.get("/api/me"), 401);
        assert_eq!(code, "unauthorized", "{cookie}");
    }
    let resp = app().client.put(app().url("/api/me")).json(&json!({ "full_name": "A" })).send().unwrap();
    expect_error(resp, 401);
}

#[test]
fn a_malformed_number_is_refused_at_the_phone_field() {
    for phone in ["", "12345", "0101234567"] {
        let (_, field) = expect_error(app().request_code(phone), 400);
        assert_eq!(field.as_deref(), Some("phone"), "{phone:?}");
    }
    let (code, field) = expect_error(app().verify_code("0911000099", "12ab56"), 400);
    assert_eq!((code.as_str(), field.as_deref()), ("invalid_format", Some("code")));
}

#[test]
fn the_first_log_in_profile_is_validated_field_by_field() {
    let s = app().new_citizen_session("0911000002");
    assert_eq!(s.body["needs_profile"], true);
    let good = json!({
        "full_name": "Lê Thị Mai",
        "citizen_id": "030185004322",
        "email": "mai.le@example.vn",
        "address": "Thôn An Thanh, xã An Thanh, huyện Tứ Kỳ"
    });
    for (field, bad) in [("full_name", json!("")), ("citizen_id", json!("12345")), ("email", json!("mai@")), ("address", json!("x".repeat(301)))] {
        let mut body = good.clone();
        body[field] = bad;
        let (_, got) = expect_error(s.put_json("/api/me", &body), 400);
        assert_eq!(got.as_deref(), Some(field));
    }
    assert_eq!(s.get("/api/me").json::<Value>().unwrap()["needs_profile"], true, "refused updates change nothing");

    let resp = s.put_json("/api/me", &good);
    assert_eq!(resp.status(), 200);
    let me: Value = s.get("/api/me").json().unwrap();
    assert_eq!(me["needs_profile"], false);
    assert_eq!(me["full_name"], "Lê Thị Mai");
    assert_eq!(me["citizen_id"], "030185004322");
    assert_eq!(me["email"], "mai.le@example.vn");
}

#[test]
fn a_resend_within_sixty_seconds_is_429_at_the_phone_field() {
    let phone = "0911000003";
    app().send_code(phone);
    let resp = app().request_code(phone);
    let wait = retry_after(&resp);
    assert!((1..=60).contains(&wait), "Retry-After {wait}");
    let error = error_body(resp, 429);
    assert_eq!(error["field"], "phone");
    assert_eq!(error["code"], "resend_too_soon");
    assert!(error["message_vi"].as_str().unwrap().contains("Vui lòng chờ"), "{error}");

    app().age_codes(phone, 61);
    assert_eq!(app().request_code(phone).status(), 202, "allowed again after 60 s");
}

#[test]
fn five_wrong_codes_lock_the_number_for_fifteen_minutes() {
    let phone = "0911000004";
    let code = app().send_code(phone);
    let wrong = other_than(&code);
    for remaining in [4, 3, 2, 1] {
        let error = error_body(app().verify_code(phone, &wrong), 400);
        assert_eq!((error["code"].as_str(), error["field"].as_str()), (Some("wrong_code"), Some("code")));
        assert!(error["message_vi"].as_str().unwrap().contains(&format!("còn {remaining} lần")), "{error}");
    }
    let resp = app().verify_code(phone, &wrong);
    assert_eq!(retry_after(&resp), 900);
    let error = error_body(resp, 423);
    assert_eq!((error["code"].as_str(), error["field"].as_str()), (Some("locked"), Some("code")));
    assert!(error["message_vi"].as_str().unwrap().contains("15 phút"), "{error}");

    // Locked: the right code is refused, and no new code is sent.
    let error = error_body(app().verify_code(phone, &code), 423);
    assert_eq!(error["code"], "locked");
    app().age_codes(phone, 61);
    let resp = app().request_code(phone);
    assert!(retry_after(&resp) > 800);
    let error = error_body(resp, 423);
    assert_eq!(error["field"], "phone");
}

/// Forty wrong codes sent at once for one number: each is counted before it is compared, so at
/// most five are judged; the number is locked, the code burnt, and the right code refused until
/// the lock has run out.
#[test]
fn forty_parallel_wrong_codes_judge_at_most_five_then_the_number_is_locked() {
    let phone = "0911000010";
    let code = app().send_code(phone);
    let wrong = other_than(&code);
    let answers: Vec<(u16, String)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..40)
            .map(|_| {
                s.spawn(|| {
                    let resp = app().verify_code(phone, &wrong);
                    let status = resp.status().as_u16();
                    let body: Value = resp.json().unwrap();
                    (status, body["error"]["code"].as_str().unwrap_or_default().to_string())
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let judged_wrong = answers.iter().filter(|(_, c)| c == "wrong_code").count();
    assert!(judged_wrong <= 4, "at most four 'wrong code' answers before the lock: {answers:?}");
    for (status, c) in &answers {
        assert!(
            (*status == 400 && c == "wrong_code") || (*status == 423 && c == "locked"),
            "every answer is a wrong code or the lock: {status} {c}"
        );
    }
    assert!(answers.iter().filter(|(s, _)| *s == 423).count() >= 35);

    // Locked: the right code is refused, and stays refused just before the lock ends.
    let error = error_body(app().verify_code(phone, &code), 423);
    assert_eq!((error["code"].as_str(), error["field"].as_str()), (Some("locked"), Some("code")));
    app().age_codes(phone, 840);
    let resp = app().verify_code(phone, &code);
    let wait = retry_after(&resp);
    assert!((1..=60).contains(&wait), "about a minute left: {wait}");
    assert_eq!(error_body(resp, 423)["code"], "locked");
    // Once the lock has run out the burnt code is still no good; a new code logs in.
    app().age_codes(phone, 61);
    let (name, _) = expect_error(app().verify_code(phone, &code), 400);
    assert!(name == "no_code" || name == "expired", "{name}");
    let fresh = app().send_code(phone);
    let resp = app().verify_code(phone, &fresh);
    assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());
}

/// The right code sent with a burst of wrong ones: whatever the order, the number ends either
/// logged in or locked, never with more than five codes compared.
#[test]
fn the_right_code_racing_wrong_ones_is_judged_with_them() {
    let phone = "0911000011";
    let code = app().send_code(phone);
    let wrong = other_than(&code);
    let verify = |c: &str| {
        let resp = app().verify_code(phone, c);
        let status = resp.status().as_u16();
        let body: Value = resp.json().unwrap_or(Value::Null);
        (status, body["error"]["code"].as_str().unwrap_or_default().to_string())
    };
    let answers: Vec<(u16, String)> = std::thread::scope(|s| {
        let mut handles: Vec<_> = (0..12).map(|_| s.spawn(|| verify(&wrong))).collect();
        handles.insert(6, s.spawn(|| verify(&code)));
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let compared = answers.iter().filter(|(s, c)| *s == 200 || c == "wrong_code" || (*s == 423 && c == "locked")).count();
    let logged_in = answers.iter().filter(|(s, _)| *s == 200).count();
    assert!(logged_in <= 1, "{answers:?}");
    assert!(answers.iter().filter(|(_, c)| c == "wrong_code").count() <= 4, "{answers:?}");
    // Every answer is a log-in, a judged wrong code, the lock, or "no code" once the code was
    // used by the log-in or burnt by the lock (which may beat the right code's own use of it).
    for (s, c) in &answers {
        assert!(*s == 200 || c == "wrong_code" || c == "locked" || c == "no_code", "{s} {c}");
    }
    assert!(compared >= 1);
    if logged_in == 0 {
        assert_ne!(app().verify_code(phone, &code).status(), 200, "not logged in means locked or burnt: {answers:?}");
    }
}

/// One address guessing across many numbers is stopped at twenty wrong codes in 15 minutes,
/// even though no single number reaches its own limit.
#[test]
fn an_address_is_stopped_after_twenty_wrong_codes_across_numbers() {
    let ip = "10.251.0.30";
    let mut guessed = 0;
    for i in 0..6 {
        let phone = format!("09112000{i:02}");
        let code = app().send_code(&phone);
        let wrong = other_than(&code);
        for _ in 0..4 {
            let resp = app().verify_code_from(&phone, &wrong, ip);
            if guessed < 20 {
                assert_eq!(error_body(resp, 400)["code"], "wrong_code", "guess {guessed}");
            } else {
                let wait = retry_after(&resp);
                assert!(wait > 800 && wait <= 900, "Retry-After {wait}");
                let error = error_body(resp, 429);
                assert_eq!((error["code"].as_str(), error["field"].as_str()), (Some("rate_limited"), Some("code")));
                assert!(error["message_vi"].as_str().unwrap().contains("nhập sai mã xác thực"), "{error}");
                // Even the right code is not compared from this address for now...
                assert_eq!(error_body(app().verify_code_from(&phone, &code, ip), 429)["code"], "rate_limited");
                // ...while another address logs in with it.
                assert_eq!(app().verify_code_from(&phone, &code, "10.251.0.31").status(), 200);
                return;
            }
            guessed += 1;
        }
    }
    panic!("the address was never stopped");
}

#[test]
fn an_expired_code_is_refused() {
    let phone = "0911000005";
    let code = app().send_code(phone);
    app().age_codes(phone, 301);
    let (code_name, field) = expect_error(app().verify_code(phone, &code), 400);
    assert_eq!((code_name.as_str(), field.as_deref()), ("expired", Some("code")));
}

#[test]
fn a_number_gets_at_most_five_codes_an_hour() {
    let phone = "0911000006";
    for _ in 0..5 {
        assert_eq!(app().request_code(phone).status(), 202);
        app().age_codes(phone, 61);
    }
    let resp = app().request_code(phone);
    let wait = retry_after(&resp);
    assert!(wait > 3000 && wait <= 3600, "the oldest code leaves the hour in {wait} s");
    let error = error_body(resp, 429);
    assert_eq!((error["code"].as_str(), error["field"].as_str()), (Some("rate_limited"), Some("phone")));
}

#[test]
fn an_address_gets_at_most_twenty_codes_an_hour() {
    let ip = "10.250.0.20";
    for i in 1..=20 {
        let phone = format!("09111{i:05}");
        assert_eq!(app().request_code_from(&phone, ip).status(), 202, "{phone}");
    }
    let resp = app().request_code_from("0911100021", ip);
    let error = error_body(resp, 429);
    assert_eq!((error["code"].as_str(), error["field"].as_str()), (Some("rate_limited"), Some("phone")));
    // Another address is not affected.
    assert_eq!(app().request_code_from("0911100022", "10.250.0.21").status(), 202);
}

#[test]
fn citizen_log_out_ends_the_session_and_clears_the_cookie() {
    let s = app().new_citizen_session("0911000007");
    assert_eq!(s.get("/api/me").status(), 200);
    let resp = s.post_json("/api/auth/logout", &json!({}));
    assert_eq!(resp.status(), 204);
    let (_, header) = set_cookie(&resp, "motcua_session").expect("clearing cookie");
    assert!(header.contains("Max-Age=0"), "{header}");
    let (code, _) = expect_error(s.get("/api/me"), 401);
    assert_eq!(code, "unauthorized");
}

#[test]
fn the_dev_outbox_page_lists_messages_in_vietnamese() {
    let phone = "0911000008";
    app().send_code(phone);
    let resp = app().get("/dev/outbox");
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let html = resp.text().unwrap();
    assert!(html.contains("Hộp thư thử nghiệm"));
    assert!(html.contains(phone));
}

/// The one-time code reaches the outbox through the eSMS adapter and the provider's sandbox; the
/// sandbox answers as eSMS does, so a wrong key or a repeated RequestId sends nothing.
#[test]
fn the_esms_sandbox_checks_the_request_as_the_provider_does() {
    const SEND: &str = "/sandbox/esms/MainService.svc/json/SendMultipleMessage_V4_post_json/";
    let phone = "0911000009";
    let request_id = format!("test-{}", std::process::id());
    let body = |secret: &str| {
        json!({
            "ApiKey": crate::support::dev_var("ESMS_API_KEY"), "SecretKey": secret, "Brandname": crate::support::dev_var("ESMS_BRANDNAME"),
            "Phone": phone, "Content": "Thử nghiệm eSMS", "SmsType": "2", "IsUnicode": "1", "Sandbox": "0", "RequestId": request_id,
        })
    };
    let count = || app().outbox(phone).len();

    let refused: Value = app().post_json(SEND, &body("not-the-secret")).json().unwrap();
    assert_eq!(refused["CodeResult"], "101", "{refused}");
    assert_eq!(count(), 0);

    let accepted: Value = app().post_json(SEND, &body(&crate::support::dev_var("ESMS_SECRET_KEY"))).json().unwrap();
    assert_eq!(accepted["CodeResult"], "100", "{accepted}");
    assert!(accepted["SMSID"].as_str().is_some_and(|id| !id.is_empty()));
    assert_eq!(app().outbox(phone)[0]["body"], "Thử nghiệm eSMS");

    let again: Value = app().post_json(SEND, &body(&crate::support::dev_var("ESMS_SECRET_KEY"))).json().unwrap();
    assert_eq!(again["CodeResult"], "124", "{again}");
    assert_eq!(count(), 1, "a repeated RequestId is not delivered twice");
}

// ---- staff ----

#[test]
fn staff_log_in_sets_a_twelve_hour_secure_cookie() {
    let resp = app().staff_login("daison.motcua", DEMO_PASSWORD, None);
    assert_eq!(resp.status(), 200);
    let (_, header) = set_cookie(&resp, "motcua_staff").expect("staff cookie");
    for attribute in ["HttpOnly", "Secure", "SameSite=Lax", "Path=/", "Max-Age=43200"] {
        assert!(header.split("; ").any(|a| a == attribute), "{attribute} missing from {header}");
    }
    let body: Value = resp.json().unwrap();
    assert_eq!(body["username"], "daison.motcua");
    assert_eq!(body["role"], "officer");
}

#[test]
fn a_wrong_password_or_unknown_user_is_refused_alike() {
    for (user, password) in [("ngocky.motcua", "wrong-password"), ("nobody.here", DEMO_PASSWORD)] {
        let (code, field) = expect_error(app().staff_login(user, password, None), 400);
        assert_eq!((code.as_str(), field.as_deref()), ("invalid_credentials", Some("password")), "{user}");
    }
    let (code, field) = expect_error(app().staff_login("", "x", None), 400);
    assert_eq!((code.as_str(), field.as_deref()), ("required", Some("username")));
}

#[test]
fn five_wrong_passwords_lock_the_account() {
    // thu.khoa exists only in the tests' state (functions/seed/test.sql) and no other test uses it.
    for _ in 0..4 {
        let (code, _) = expect_error(app().staff_login("thu.khoa", "not-the-password", None), 400);
        assert_eq!(code, "invalid_credentials");
    }
    let resp = app().staff_login("thu.khoa", "not-the-password", None);
    assert_eq!(retry_after(&resp), 900);
    let error = error_body(resp, 423);
    assert_eq!((error["code"].as_str(), error["field"].as_str()), (Some("locked"), Some("username")));
    // Even the right password waits for the lock to run out.
    let error = error_body(app().staff_login("thu.khoa", DEMO_PASSWORD, None), 423);
    assert!(error["message_vi"].as_str().unwrap().contains("phút"), "{error}");
}

#[test]
fn an_officer_acts_on_exactly_their_own_agency() {
    for (user, agency) in [("ngocky.motcua", "000.04.51.H23"), ("daison.motcua", "000.02.51.H23"), ("sontay.motcua", "000.10.51.H27")] {
        let me: Value = app().login_staff(user).get("/api/staff/me").json().unwrap();
        assert_eq!(me["agencies"], json!([agency]), "{user}");
        assert_eq!(me["role"], "officer");
        assert!(!me["display_name"].as_str().unwrap().is_empty());
    }
}

fn tu_ky() -> AgencyNode {
    fn find(nodes: &[AgencyNode], name: &str) -> Option<AgencyNode> {
        nodes.iter().find_map(|n| if n.name == name { Some(n.clone()) } else { find(&n.children, name) })
    }
    find(&app().get("/api/agencies").json::<Vec<AgencyNode>>().unwrap(), "UBND huyện Tứ Kỳ").unwrap()
}

fn agencies(s: &Session) -> Vec<String> {
    let resp = s.get("/api/staff/me");
    assert_eq!(resp.status(), 200);
    serde_json::from_value(resp.json::<Value>().unwrap()["agencies"].clone()).unwrap()
}

#[test]
fn the_leader_of_tu_ky_covers_every_commune_of_tu_ky_and_nothing_else() {
    let tu_ky = tu_ky();
    let scope = agencies(&app().login_staff("tuky.lanhdao"));
    assert!(scope.contains(&tu_ky.code));
    assert_eq!(tu_ky.children.len(), 23);
    for commune in &tu_ky.children {
        assert!(scope.contains(&commune.code), "{} missing", commune.name);
    }
    assert_eq!(scope.len(), 24, "the district and its 23 units");
    assert!(!scope.contains(&"000.10.51.H27".to_string()), "Sơn Tây is in Hà Tĩnh");
}

#[test]
fn the_admin_of_hai_duong_covers_the_province_down_to_its_communes() {
    let scope = agencies(&app().login_staff("haiduong.admin"));
    assert!(scope.contains(&"000.00.00.H23".to_string()));
    for commune in tu_ky().children {
        assert!(scope.contains(&commune.code), "{}", commune.name);
    }
    assert!(!scope.contains(&"000.10.51.H27".to_string()));
}

#[test]
fn staff_and_citizen_sessions_do_not_open_each_others_doors() {
    let (code, _) = expect_error(app().get("/api/staff/me"), 401);
    assert_eq!(code, "unauthorized");
    let citizen = app().login_citizen("0987654321");
    expect_error(citizen.get("/api/staff/me"), 401);
    let staff = app().login_staff("daison.motcua");
    expect_error(staff.get("/api/me"), 401);
    // The same token under the other cookie name is no session either.
    let token = staff.cookie.split_once('=').unwrap().1;
    let forged = Session { cookie: format!("motcua_session={token}"), body: Value::Null };
    expect_error(forged.get("/api/me"), 401);
}

#[test]
fn staff_log_out_ends_the_session() {
    let s = app().new_staff_session("ngocky.motcua");
    assert_eq!(s.get("/api/staff/me").status(), 200);
    let resp = s.post_json("/api/staff/logout", &json!({}));
    assert_eq!(resp.status(), 204);
    let (_, header) = set_cookie(&resp, "motcua_staff").expect("clearing cookie");
    assert!(header.contains("Max-Age=0"));
    expect_error(s.get("/api/staff/me"), 401);
}

#[test]
fn an_account_with_totp_needs_the_current_code_once() {
    // thu.totp's secret is the RFC 6238 seed (functions/seed/test.sql).
    let seed = b"12345678901234567890";
    let (code, field) = expect_error(app().staff_login("thu.totp", DEMO_PASSWORD, None), 400);
    assert_eq!((code.as_str(), field.as_deref()), ("totp_required", Some("totp")));

    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let current = totp::code_at(seed, now, 6);
    let wrong = other_than(&current);
    let near = [totp::code_at(seed, now - 30, 6), totp::code_at(seed, now + 30, 6), totp::code_at(seed, now + 60, 6)];
    if !near.contains(&wrong) {
        let (code, field) = expect_error(app().staff_login("thu.totp", DEMO_PASSWORD, Some(&wrong)), 400);
        assert_eq!((code.as_str(), field.as_deref()), ("totp_wrong", Some("totp")));
    }
    let resp = app().staff_login("thu.totp", DEMO_PASSWORD, Some(&current));
    assert_eq!(resp.status(), 200);
    // The same code a second time is refused (replay).
    let (code, _) = expect_error(app().staff_login("thu.totp", DEMO_PASSWORD, Some(&current)), 400);
    assert_eq!(code, "totp_wrong");
}
