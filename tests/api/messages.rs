//! Notices to citizens on the channels they chose (issue #18): e-mail (Resend's protocol) and
//! Zalo ZNS beside SMS, through the outbox queue and the providers' sandboxes, which land what
//! they accept in `/dev/outbox.json`; the profile's choice of channels; a provider's transient
//! refusal retried and a permanent one dead-lettered (`/dev/deliveries.json`); the agency
//! poster (`/ap-phich/{agency}`).

use reqwest::Method;
use serde_json::{json, Value};

use crate::national::eventually;
use crate::support::{agency_code, app, expect_error, Session};

const AGENCY: &str = "000.10.51.H27";

fn put_me(citizen: &Session, body: &Value) -> reqwest::blocking::Response {
    app().as_session(Method::PUT, "/api/me", citizen).json(body).send().unwrap()
}

fn profile(email: &str, channels: &[&str]) -> Value {
    json!({"full_name": "Nguyễn Thị Thư", "citizen_id": "042090008181", "email": email, "address": "", "notify_channels": channels})
}

fn submit(citizen: &Session, phone: &str) -> String {
    let resp = app()
        .as_session(Method::POST, "/api/dossiers", citizen)
        .json(&json!({
            "agency": AGENCY,
            "procedure": "2.000815",
            "applicant": {"full_name": "Nguyễn Thị Thư", "id_number": "042090008181", "phone": phone, "address": "Thôn Tân Hương, xã Sơn Tây"},
            "inputs": {"pages": 5, "copies": 3}
        }))
        .send()
        .unwrap();
    assert_eq!(resp.status(), 201, "{}", resp.text().unwrap_or_default());
    resp.json::<Value>().unwrap()["id"].as_str().unwrap().to_string()
}

fn outbox(to: &str) -> Vec<Value> {
    let resp = app().get(&format!("/dev/outbox.json?to={}", urlencode(to)));
    assert_eq!(resp.status(), 200);
    resp.json().unwrap()
}

fn deliveries(to: &str) -> Vec<Value> {
    let resp = app().get(&format!("/dev/deliveries.json?to={}", urlencode(to)));
    assert_eq!(resp.status(), 200);
    resp.json().unwrap()
}

fn urlencode(s: &str) -> String {
    s.replace('@', "%40").replace('+', "%2B")
}

/// `21000` → `21.000 đ`.
fn dong(n: i64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('.');
        }
        out.push(c);
    }
    format!("{out} đ")
}

#[test]
fn a_citizen_on_email_and_zalo_gets_the_fee_notice_on_each_with_the_amount_and_the_link() {
    let phone = "0911818001";
    let address = "thu.0911818001@example.vn";
    let citizen = app().new_citizen_session(phone);
    assert_eq!(citizen.body["notify_channels"], json!(["sms"]), "SMS by default");
    let resp = put_me(&citizen, &profile(address, &["zalo", "email"]));
    assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());
    assert_eq!(resp.json::<Value>().unwrap()["notify_channels"], json!(["email", "zalo"]));
    assert_eq!(citizen.get("/api/me").json::<Value>().unwrap()["notify_channels"], json!(["email", "zalo"]));
    let sms_before = outbox(phone).iter().filter(|m| m["channel"] == "sms").count();

    let id = submit(&citizen, phone);
    let officer = app().login_staff("sontay.motcua");
    let documents = app().get("/api/procedures/2.000815").json::<Value>().unwrap()["documents"].clone();
    let resp = officer.post_json(&format!("/api/staff/dossiers/{id}/actions"), &json!({"action": "receive", "documents": documents}));
    assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());
    let resp = officer.post_json(&format!("/api/staff/dossiers/{id}/fee-notice"), &json!({}));
    assert_eq!(resp.status(), 200);
    let total = resp.json::<Value>().unwrap()["fee_notice"]["total"].as_i64().unwrap();
    let (amount, link) = (dong(total), format!("/ho-so/{id}"));

    let mail = eventually("the fee notice e-mail", || {
        outbox(address).into_iter().find(|m| m["body"].as_str().is_some_and(|b| b.contains(&amount) && b.contains(&link)))
    });
    assert_eq!(mail["channel"], "email");
    assert!(mail["body"].as_str().unwrap().contains("Phí, lệ phí hồ sơ"), "{mail}");
    let zalo = eventually("the fee notice on Zalo", || {
        outbox(phone).into_iter().find(|m| m["channel"] == "zalo" && m["body"].as_str().is_some_and(|b| b.contains(&amount) && b.contains(&link)))
    });
    assert!(zalo["body"].as_str().unwrap().starts_with("ZNS 300002:"), "the fee template: {zalo}");
    // The status notices went to the chosen channels too (submitted, received), never by SMS.
    eventually("the status e-mails", || (outbox(address).len() >= 3).then_some(()));
    assert_eq!(outbox(phone).iter().filter(|m| m["channel"] == "sms").count(), sms_before, "no SMS: the citizen chose e-mail and Zalo");
}

#[test]
fn the_channels_are_checked_and_email_needs_an_address() {
    let citizen = app().new_citizen_session("0911818002");
    let (code, field) = expect_error(put_me(&citizen, &profile("", &["email"])), 400);
    assert_eq!((code.as_str(), field.as_deref()), ("email_required", Some("notify_channels")));
    let (code, field) = expect_error(put_me(&citizen, &profile("a@example.vn", &[])), 400);
    assert_eq!((code.as_str(), field.as_deref()), ("required", Some("notify_channels")));
    let (code, field) = expect_error(put_me(&citizen, &profile("a@example.vn", &["fax"])), 400);
    assert_eq!((code.as_str(), field.as_deref()), ("invalid_value", Some("notify_channels")));
    let (_, field) = expect_error(put_me(&citizen, &json!({"full_name": "A B", "citizen_id": "042090008182", "notify_channels": "sms"})), 400);
    assert_eq!(field.as_deref(), Some("notify_channels"));
    assert_eq!(citizen.get("/api/me").json::<Value>().unwrap()["notify_channels"], json!(["sms"]), "nothing saved");
    // Without the field the choice stays; removing the address drops e-mail from it.
    assert_eq!(put_me(&citizen, &profile("a@example.vn", &["sms", "email"])).status(), 200);
    let mut keep = profile("a@example.vn", &[]);
    keep.as_object_mut().unwrap().remove("notify_channels");
    assert_eq!(put_me(&citizen, &keep).json::<Value>().unwrap()["notify_channels"], json!(["sms", "email"]));
    keep["email"] = json!("");
    assert_eq!(put_me(&citizen, &keep).json::<Value>().unwrap()["notify_channels"], json!(["sms"]));
}

#[test]
fn a_transient_refusal_is_retried_and_a_permanent_one_dead_lettered() {
    // The sandbox rate-limits the first attempt of each message to tam-thoi@… and refuses
    // every message to tu-choi@… (motcua_domain::notify::email::sandbox).
    let retried = "tam-thoi@example.vn";
    let citizen = app().new_citizen_session("0911818003");
    assert_eq!(put_me(&citizen, &profile(retried, &["email"])).status(), 200);
    submit(&citizen, "0911818003");
    let mail = eventually("the e-mail after its retry", || outbox(retried).into_iter().next());
    assert!(mail["body"].as_str().unwrap().contains("/ho-so/"), "{mail}");
    let record = eventually("the delivery record", || deliveries(retried).into_iter().find(|d| d["state"] == "delivered"));
    assert_eq!(record["attempts"], 2, "refused once, then delivered: {record}");
    assert!(record["last_error"].as_str().unwrap().contains("rate_limit_exceeded"), "{record}");

    let refused = "tu-choi@example.vn";
    let citizen = app().new_citizen_session("0911818004");
    assert_eq!(put_me(&citizen, &profile(refused, &["email"])).status(), 200);
    submit(&citizen, "0911818004");
    let dead = eventually("the dead letter", || deliveries(refused).into_iter().find(|d| d["state"] == "dead"));
    assert_eq!(dead["attempts"], 1, "a permanent refusal is not retried: {dead}");
    assert_eq!(dead["channel"], "email");
    assert!(dead["last_error"].as_str().unwrap().contains("validation_error"), "{dead}");
    std::thread::sleep(std::time::Duration::from_secs(3));
    assert!(outbox(refused).is_empty(), "nothing was sent");
    assert_eq!(deliveries(refused).len(), 1, "and it stays one dead letter");
}

#[test]
fn each_agency_has_a_printable_poster_and_an_unknown_one_is_404() {
    let code = agency_code("UBND xã Sơn Tây");
    let resp = app().get(&format!("/ap-phich/{code}"));
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let html = resp.text().unwrap();
    assert!(html.contains("UBND xã Sơn Tây"), "the agency's name");
    assert!(html.contains("<svg"), "the QR code");
    assert!(html.contains("size: A4"), "A4 print CSS");
    assert!(html.contains(&format!("/co-quan?ma={code}")) || html.contains(&code), "the short URL names the agency");
    let resp = app().get("/ap-phich/000.99.99.Z99");
    assert_eq!(resp.status(), 404);
    assert!(resp.text().unwrap().contains("Không tìm thấy"));
}

#[test]
fn a_bill_issued_to_a_citizens_number_reaches_their_channels_with_amount_due_date_and_pay_page() {
    let phone = "0911818005";
    let address = "lan.0911818005@example.vn";
    let citizen = app().new_citizen_session(phone);
    assert_eq!(put_me(&citizen, &profile(address, &["email", "sms"])).status(), 200);
    let today = (time::OffsetDateTime::now_utc() + time::Duration::hours(7)).date();
    let due = today + time::Duration::days(10);
    let resp = app().login_staff("sontay.motcua").post_json(
        "/api/staff/bills",
        &json!({
            "kind": "fine",
            "agency": agency_code("UBND xã Sơn Tây"),
            "payer": {"name": "Nguyễn Thị Thư", "id_number": "042090008181", "phone": phone},
            "document": {"number": format!("77/QĐ-XPHC-{today}"), "date": today.to_string(), "violation": "Đỗ xe sai quy định", "issued_by": "Trần Văn Bình"},
            "lines": [{"name": "Tiền phạt vi phạm hành chính", "amount": 1_250_000, "budget_item": "4254"}],
            "due_date": due.to_string()
        }),
    );
    assert_eq!(resp.status(), 201, "{}", resp.text().unwrap_or_default());
    let code = resp.json::<Value>().unwrap()["code"].as_str().unwrap().to_string();
    let link = format!("/nop-phi?ma={code}");
    let due_vi = format!("{:02}/{:02}/{}", due.day(), u8::from(due.month()), due.year());
    let mail = eventually("the bill's e-mail", || {
        outbox(address).into_iter().find(|m| m["body"].as_str().is_some_and(|b| b.contains(&link)))
    });
    let body = mail["body"].as_str().unwrap();
    assert!(body.contains("1.250.000 đ") && body.contains(&due_vi) && body.contains("Phạt vi phạm hành chính"), "{body}");
    let sms = eventually("the bill's SMS", || {
        outbox(phone).into_iter().find(|m| m["channel"] == "sms" && m["body"].as_str().is_some_and(|b| b.contains(&link)))
    });
    assert!(sms["body"].as_str().unwrap().contains("1.250.000 đ"), "{sms}");
}

#[test]
fn the_zalo_token_is_refreshed_with_the_stored_single_use_refresh_token_and_kept() {
    let phone = "0911818006";
    let citizen = app().new_citizen_session(phone);
    assert_eq!(put_me(&citizen, &profile("", &["zalo"])).status(), 200);
    let zalo_count = || outbox(phone).iter().filter(|m| m["channel"] == "zalo").count();
    let age = || app().post_json("/dev/zalo/age", &json!({})).json::<Value>().unwrap()["version"].as_i64().unwrap();
    submit(&citizen, phone);
    eventually("the first ZNS", || (zalo_count() >= 1).then_some(()));
    let first = age();
    assert!(first >= 1, "a token pair is stored");
    // The sandbox accepts each refresh token once: this ZNS goes out only if the stored (new)
    // refresh token was used, and the new pair replaced it.
    submit(&citizen, phone);
    eventually("the ZNS after the refresh", || (zalo_count() >= 2).then_some(()));
    assert_eq!(age(), first + 1, "the refreshed pair was stored over the old one");
    assert!(deliveries(phone).is_empty(), "nothing failed on the way");
}
