//! Paperless days with assisted filing, and reports upward, against a real `wrangler dev`:
//! the rule's refusals and scope, a walk-in refused on today's Vietnamese date (and taken for
//! another procedure, or on an excepted date), the assist code from the desk to an online
//! dossier that records the officer (a forged, foreign or expired code refused), and reports
//! through every state with their refusals and scope.
//!
//! A postal dossier is not refused on a paperless day (the rule is about paper at the counter).
//! The paperless rules are set on communes this module creates under Tứ Kỳ, so no other
//! module's walk-in at the demo agencies is ever refused by them.

use serde_json::{json, Value};
use time::OffsetDateTime;

use crate::support::{agency_code, app, expect_error, Session};

const COMMUNE: &str = "000.97.51.H23";
const OTHER_COMMUNE: &str = "000.96.51.H23";

/// Today and tomorrow in Vietnam (UTC+7): a rule naming both holds even if the test straddles
/// midnight there.
fn vn_days() -> [time::Date; 2] {
    let today = (OffsetDateTime::now_utc() + time::Duration::hours(7)).date();
    [today, today.next_day().unwrap()]
}

fn iso(d: time::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

fn admin() -> Session {
    app().login_staff("haiduong.admin")
}

/// A commune under Tứ Kỳ handling 2.000815 and 2.000884 (made once per server).
fn commune(code: &str, name: &str) -> String {
    let admin = admin();
    let parent = agency_code("UBND huyện Tứ Kỳ");
    let resp = admin.post_json("/api/admin/agencies", &json!({"code": code, "name": name, "level": "commune", "parent_code": parent}));
    assert!(matches!(resp.status().as_u16(), 201 | 409), "{}", resp.text().unwrap_or_default());
    for p in ["2.000815", "2.000884"] {
        let resp = admin.put_json(&format!("/api/admin/agencies/{code}/procedures/{p}"), &json!({"online_payment": true}));
        assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());
    }
    code.to_string()
}

fn paperless(who: &Session, agency: &str) -> Value {
    let resp = who.get(&format!("/api/admin/agencies/{agency}/paperless"));
    assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());
    resp.json().unwrap()
}

fn put_paperless(who: &Session, agency: &str, body: &Value) -> reqwest::blocking::Response {
    who.put_json(&format!("/api/admin/agencies/{agency}/paperless"), body)
}

fn walk_in(who: &Session, agency: &str, procedure: &str) -> reqwest::blocking::Response {
    let inputs = if procedure == "2.000815" { json!({"pages": 2, "copies": 1}) } else { json!({"cases": 1}) };
    who.post_json(
        "/api/staff/dossiers",
        &json!({
            "agency": agency, "procedure": procedure, "inputs": inputs,
            "applicant": {"full_name": "Phạm Thị Hoa", "id_number": "030190001111", "phone": "0912000111", "address": "Thôn Đông"}
        }),
    )
}

#[test]
fn the_paperless_rule_is_checked_scoped_audited_and_version_guarded() {
    let agency = commune(COMMUNE, "UBND xã Thử Không Giấy");
    let admin = admin();
    let leader = app().login_staff("tuky.lanhdao");
    let officer = app().login_staff("sontay.motcua");
    let other_admin = app().login_staff("hatinh.admin");

    // Only an admin whose scope covers the agency: others see nothing (404), with no change.
    assert_eq!(expect_error(leader.get(&format!("/api/admin/agencies/{agency}/paperless")), 404).0, "route_not_found");
    assert_eq!(expect_error(officer.get(&format!("/api/admin/agencies/{agency}/paperless")), 404).0, "route_not_found");
    let body = json!({"procedures": ["2.000815"], "weekdays": [2]});
    assert_eq!(expect_error(put_paperless(&other_admin, &agency, &body), 404).0, "not_found");
    assert_eq!(expect_error(put_paperless(&leader, &agency, &body), 404).0, "route_not_found");
    let unauth = app().client.get(app().url(&format!("/api/admin/agencies/{agency}/paperless"))).send().unwrap();
    assert_eq!(unauth.status(), 401);

    let start = paperless(&admin, &agency);
    let version = start["version"].as_i64().unwrap();

    // Every bad input names its item.
    for (body, field, code) in [
        (json!({"procedures": ["9.999999"]}), "procedures.0", "unknown_procedure"),
        (json!({"procedures": ["2.000815", "1.001193"]}), "procedures.1", "not_handled"),
        (json!({"procedures": ["2.000815", "2.000815"]}), "procedures.1", "duplicate"),
        (json!({"weekdays": [1, 8]}), "weekdays.1", "out_of_range"),
        (json!({"weekdays": [0]}), "weekdays.0", "out_of_range"),
        (json!({"weekdays": [3, 3]}), "weekdays.1", "duplicate"),
        (json!({"dates": ["2026-13-01"]}), "dates.0", "invalid_date"),
        (json!({"except_dates": ["31/12/2026"]}), "except_dates.0", "invalid_date"),
        (json!({"dates": ["2026-12-24", "2026-12-24"]}), "dates.1", "duplicate"),
        (json!({"dates": ["2026-12-24"], "except_dates": ["2026-12-24"]}), "except_dates.0", "contradiction"),
    ] {
        let (c, f) = expect_error(put_paperless(&admin, &agency, &body), 400);
        assert_eq!((c.as_str(), f.as_deref()), (code, Some(field)), "{body}");
    }
    assert_eq!(expect_error(put_paperless(&admin, &agency, &json!({"weekdays": ["Tuesday"]})), 400).1.as_deref(), Some("weekdays.0"));
    assert_eq!(paperless(&admin, &agency)["version"], version, "no refused change was stored");

    // A good rule is stored sorted, versioned and audited.
    let resp = put_paperless(
        &admin,
        &agency,
        &json!({"procedures": ["2.000815"], "weekdays": [4, 2], "dates": ["2027-01-09"], "except_dates": ["2026-12-31"], "version": version}),
    );
    assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());
    let saved = paperless(&admin, &agency);
    assert_eq!(saved["weekdays"], json!([2, 4]));
    assert_eq!(saved["dates"], json!(["2027-01-09"]));
    assert_eq!(saved["except_dates"], json!(["2026-12-31"]));
    assert_eq!(saved["version"], version + 1);
    let audit: Vec<Value> = admin.get(&format!("/api/staff/audit?entity=agency&id={agency}")).json().unwrap();
    assert!(audit.iter().any(|a| a["action"] == "paperless.put"), "{audit:?}");

    // A change decided on the old version is refused as stale, and changes nothing.
    let (code, _) = expect_error(put_paperless(&admin, &agency, &json!({"procedures": [], "version": version})), 409);
    assert_eq!(code, "conflict");
    assert_eq!(paperless(&admin, &agency)["weekdays"], json!([2, 4]));

    // The citizen's procedure page shows the online-only days for that agency only.
    let detail: Value = app().get(&format!("/api/procedures/2.000815?agency={agency}")).json().unwrap();
    assert_eq!(detail["online_only"]["weekdays"], json!([2, 4]));
    assert_eq!(detail["online_only"]["dates"], json!(["2027-01-09"]));
    let other: Value = app().get(&format!("/api/procedures/2.000884?agency={agency}")).json().unwrap();
    assert!(other.get("online_only").is_none(), "{other}");
    let plain: Value = app().get("/api/procedures/2.000815").json().unwrap();
    assert!(plain.get("online_only").is_none());
}

#[test]
fn a_walk_in_is_refused_on_a_paperless_day_and_the_citizen_files_online_with_the_officers_help() {
    let agency = commune(OTHER_COMMUNE, "UBND xã Thử Hỗ Trợ");
    let admin = admin();
    let leader = app().login_staff("tuky.lanhdao");
    let [today, tomorrow] = vn_days();
    let weekdays = json!([today.weekday().number_from_monday(), tomorrow.weekday().number_from_monday()]);
    let version = paperless(&admin, &agency)["version"].as_i64().unwrap();
    let resp = put_paperless(&admin, &agency, &json!({"procedures": ["2.000815"], "weekdays": weekdays, "version": version}));
    assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());

    // Refused at the counter, with the message that says what to do instead.
    let resp = walk_in(&leader, &agency, "2.000815");
    assert_eq!(resp.status(), 409);
    let body: Value = resp.json().unwrap();
    assert_eq!(body["error"]["code"], "paperless_day");
    assert_eq!(body["error"]["field"], "procedure");
    assert!(body["error"]["message_vi"].as_str().unwrap().contains("điện thoại"), "{body}");
    let inbox: Value = leader.get("/api/staff/dossiers?tab=new&q=030190001111").json().unwrap();
    assert!(inbox["items"].as_array().unwrap().is_empty(), "nothing was taken in: {inbox}");

    // A dossier that came by post is not refused: nobody is at the desk to be helped online.
    let resp = leader.post_json(
        "/api/staff/dossiers",
        &json!({
            "agency": agency, "procedure": "2.000815", "inputs": {"pages": 2, "copies": 1}, "channel": "post", "postal_item": "RR123456789VN",
            "applicant": {"full_name": "Đinh Văn Thư", "id_number": "030190004444", "phone": "0912000444", "address": "Thôn Bắc"}
        }),
    );
    assert_eq!(resp.status(), 201, "{}", resp.text().unwrap_or_default());
    assert_eq!(resp.json::<Value>().unwrap()["channel"], "post");

    // Another procedure is taken as usual.
    let resp = walk_in(&leader, &agency, "2.000884");
    assert_eq!(resp.status(), 201, "{}", resp.text().unwrap_or_default());
    assert_eq!(resp.json::<Value>().unwrap()["channel"], "counter");

    // With today and tomorrow excepted, the same procedure is taken again.
    let rule = paperless(&admin, &agency);
    let resp = put_paperless(
        &admin,
        &agency,
        &json!({"procedures": ["2.000815"], "weekdays": weekdays, "except_dates": [iso(today), iso(tomorrow)], "version": rule["version"]}),
    );
    assert_eq!(resp.status(), 200);
    assert_eq!(walk_in(&leader, &agency, "2.000815").status(), 201);
    let rule = paperless(&admin, &agency);
    let resp = put_paperless(&admin, &agency, &json!({"procedures": ["2.000815"], "dates": [iso(today), iso(tomorrow)], "version": rule["version"]}));
    assert_eq!(resp.status(), 200);
    assert_eq!(expect_error(walk_in(&leader, &agency, "2.000815"), 409).0, "paperless_day", "a listed date refuses too");

    // Assisted filing: the desk's code, bound to the officer, with its QR.
    assert_eq!(expect_error(leader.post_json("/api/staff/assist", &json!({"agency": agency, "procedure": "1.001193"})), 400).1.as_deref(), Some("procedure"));
    assert_eq!(expect_error(leader.post_json("/api/staff/assist", &json!({"agency": agency})), 400).1.as_deref(), Some("procedure"));
    let sontay = app().login_staff("sontay.motcua");
    assert_eq!(expect_error(sontay.post_json("/api/staff/assist", &json!({"agency": agency, "procedure": "2.000815"})), 404).0, "not_found");
    let resp = leader.post_json("/api/staff/assist", &json!({"agency": agency, "procedure": "2.000815"}));
    assert_eq!(resp.status(), 201, "{}", resp.text().unwrap_or_default());
    let link: Value = resp.json().unwrap();
    let code = link["code"].as_str().unwrap().to_string();
    assert!(link["url"].as_str().unwrap().ends_with(&format!("/thu-tuc/2.000815/nop?agency={agency}&ho-tro={code}")), "{link}");
    assert!(link["svg"].as_str().unwrap().starts_with("<svg"));

    let citizen = app().login_citizen("0912000222");
    let submission = |assist: Option<&str>, procedure: &str| {
        let inputs = if procedure == "2.000815" { json!({"pages": 2, "copies": 1}) } else { json!({"cases": 1}) };
        let mut body = json!({
            "agency": agency, "procedure": procedure, "inputs": inputs,
            "applicant": {"full_name": "Vũ Văn Minh", "id_number": "030190002222", "phone": "0912000222", "address": "Thôn Tây"}
        });
        if let Some(a) = assist {
            body["assist"] = json!(a);
        }
        citizen.post_json("/api/dossiers", &body)
    };
    // A forged code, one never issued, one for another procedure: refused, nothing filed.
    let mine_before: Vec<Value> = citizen.get("/api/dossiers").json().unwrap();
    for forged in ["not-a-code", "2222222222", code.chars().rev().collect::<String>().as_str()] {
        let (c, f) = expect_error(submission(Some(forged), "2.000815"), 400);
        assert_eq!((c.as_str(), f.as_deref()), ("assist_invalid", Some("assist")), "{forged}");
    }
    assert_eq!(expect_error(submission(Some(&code), "2.000884"), 400).0, "assist_invalid", "bound to its procedure");
    let mine_after: Vec<Value> = citizen.get("/api/dossiers").json().unwrap();
    assert_eq!(mine_before.len(), mine_after.len(), "a refused code files nothing");

    // The genuine code: an online dossier that records the officer; the desk sees it.
    let resp = submission(Some(&code.to_lowercase()), "2.000815");
    assert_eq!(resp.status(), 201, "{}", resp.text().unwrap_or_default());
    let dossier: Value = resp.json().unwrap();
    assert_eq!(dossier["channel"], "online");
    assert!(dossier.get("assisted_by").is_none(), "the citizen's view does not carry staff names");
    let id = dossier["id"].as_str().unwrap();
    let desk: Value = leader.get(&format!("/api/staff/dossiers/{id}")).json().unwrap();
    assert_eq!(desk["channel"], "online");
    let leader_name = leader.get("/api/staff/me").json::<Value>().unwrap()["display_name"].as_str().unwrap().to_string();
    assert_eq!(desk["assisted_by"], leader_name.as_str());
    // Without a code the same citizen files a plain online dossier.
    let resp = submission(None, "2.000884");
    assert_eq!(resp.status(), 201);
    let plain: Value = leader.get(&format!("/api/staff/dossiers/{}", resp.json::<Value>().unwrap()["id"].as_str().unwrap())).json().unwrap();
    assert!(plain.get("assisted_by").is_none());

    // An expired code: refused as expired.
    let resp = leader.post_json("/api/staff/assist", &json!({"agency": agency, "procedure": "2.000884"}));
    let old = resp.json::<Value>().unwrap()["code"].as_str().unwrap().to_string();
    let aged: Value = app().post_json("/dev/assist/expire", &json!({"code": old})).json().unwrap();
    assert_eq!(aged["expired"], 1);
    let (c, f) = expect_error(submission(Some(&old), "2.000884"), 400);
    assert_eq!((c.as_str(), f.as_deref()), ("assist_expired", Some("assist")));
}

fn report(who: &Session, body: &Value) -> reqwest::blocking::Response {
    who.post_json("/api/staff/reports", body)
}

#[test]
fn reports_go_up_are_answered_and_closed_within_scope() {
    let officer = app().login_staff("daison.motcua");
    let other_officer = app().login_staff("ngocky.motcua");
    let admin = admin();
    let hatinh = app().login_staff("hatinh.admin");
    let dai_son = "000.02.51.H23";
    let son_tay = agency_code("UBND xã Sơn Tây");

    // Refusals: each names its field; out of scope is 404.
    for (body, status, field) in [
        (json!({"agency": dai_son, "kind": "complaint", "text": "x"}), 400, "kind"),
        (json!({"agency": dai_son, "kind": "wrong_fee", "text": "Phí sai"}), 400, "procedure"),
        (json!({"agency": dai_son, "kind": "difficulty", "text": "  "}), 400, "text"),
        (json!({"agency": dai_son, "kind": "difficulty", "text": "a\u{202e}b"}), 400, "text"),
        (json!({"agency": dai_son, "kind": "wrong_fee", "procedure": "9.999999", "text": "Phí sai"}), 404, "procedure"),
        (json!({"agency": son_tay, "kind": "difficulty", "text": "Không phải xã của tôi"}), 404, "agency"),
    ] {
        let (_, f) = expect_error(report(&officer, &body), status);
        assert_eq!(f.as_deref(), Some(field), "{body}");
    }

    let resp = report(
        &officer,
        &json!({"agency": dai_son, "procedure": "2.000815", "kind": "wrong_fee", "text": "Lệ phí chứng thực công bố 3.000 đồng/trang; đúng là 2.000 đồng/trang."}),
    );
    assert_eq!(resp.status(), 201, "{}", resp.text().unwrap_or_default());
    let r: Value = resp.json().unwrap();
    let id = r["id"].as_str().unwrap().to_string();
    assert_eq!((r["state"].as_str(), r["kind"].as_str()), (Some("open"), Some("wrong_fee")));
    assert_eq!(r["fee_page"], format!("/thu-tuc/2.000815?agency={dai_son}"));
    let second = report(&officer, &json!({"agency": dai_son, "kind": "system_error", "text": "Máy quét không nhận."})).json::<Value>().unwrap();

    // The sender sees their own reports; another officer sees none of them.
    let mine: Vec<Value> = officer.get("/api/staff/reports").json().unwrap();
    assert!(mine.iter().any(|m| m["id"] == id.as_str()));
    let theirs: Vec<Value> = other_officer.get("/api/staff/reports").json().unwrap();
    assert!(theirs.iter().all(|m| m["id"] != id.as_str()));

    // The province sees it; another province and officers do not.
    let open: Vec<Value> = admin.get("/api/admin/reports?status=open").json().unwrap();
    assert!(open.iter().any(|m| m["id"] == id.as_str()));
    let elsewhere: Vec<Value> = hatinh.get("/api/admin/reports?status=all").json().unwrap();
    assert!(elsewhere.iter().all(|m| m["id"] != id.as_str()));
    assert_eq!(expect_error(officer.get("/api/admin/reports"), 404).0, "route_not_found");
    assert_eq!(expect_error(admin.get("/api/admin/reports?status=done"), 400).1.as_deref(), Some("status"));
    assert_eq!(expect_error(hatinh.post_json(&format!("/api/admin/reports/{id}/answer"), &json!({"text": "Không"})), 404).0, "not_found");
    assert_eq!(expect_error(officer.post_json(&format!("/api/admin/reports/{id}/answer"), &json!({"text": "Tự trả lời"})), 404).0, "route_not_found");

    // The sender may not close an open report; another officer cannot even see it.
    assert_eq!(expect_error(officer.post_json(&format!("/api/staff/reports/{id}/close"), &json!({})), 409).0, "wrong_state");
    assert_eq!(expect_error(other_officer.post_json(&format!("/api/staff/reports/{id}/close"), &json!({})), 404).0, "not_found");

    // Answered: once; the answer reaches the sender.
    assert_eq!(expect_error(admin.post_json(&format!("/api/admin/reports/{id}/answer"), &json!({"text": ""})), 400).1.as_deref(), Some("text"));
    let resp = admin.post_json(&format!("/api/admin/reports/{id}/answer"), &json!({"text": "Đã thêm phiên bản phí đúng từ 01/01/2027."}));
    assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());
    assert_eq!(resp.json::<Value>().unwrap()["state"], "answered");
    assert_eq!(expect_error(admin.post_json(&format!("/api/admin/reports/{id}/answer"), &json!({"text": "Lần hai"})), 409).0, "wrong_state");
    let mine: Vec<Value> = officer.get("/api/staff/reports").json().unwrap();
    let seen = mine.iter().find(|m| m["id"] == id.as_str()).unwrap();
    assert_eq!(seen["answer"], "Đã thêm phiên bản phí đúng từ 01/01/2027.");
    assert_eq!(seen["state"], "answered");
    assert!(seen["answered_by"].as_str().is_some_and(|n| !n.is_empty()));

    // The sender closes the answered report; then nothing more.
    let resp = officer.post_json(&format!("/api/staff/reports/{id}/close"), &json!({}));
    assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());
    assert_eq!(resp.json::<Value>().unwrap()["state"], "closed");
    assert_eq!(expect_error(officer.post_json(&format!("/api/staff/reports/{id}/close"), &json!({})), 409).0, "report_closed");
    assert_eq!(expect_error(admin.post_json(&format!("/api/admin/reports/{id}/close"), &json!({})), 409).0, "report_closed");
    assert_eq!(expect_error(admin.post_json(&format!("/api/admin/reports/{id}/answer"), &json!({"text": "Muộn"})), 409).0, "report_closed");

    // The admin closes an open report directly (no answer needed).
    let second_id = second["id"].as_str().unwrap();
    let resp = admin.post_json(&format!("/api/admin/reports/{second_id}/close"), &json!({}));
    assert_eq!(resp.status(), 200);
    let closed: Vec<Value> = admin.get("/api/admin/reports?status=closed").json().unwrap();
    assert!(closed.iter().any(|m| m["id"] == id.as_str()) && closed.iter().any(|m| m["id"] == second_id));
    let open: Vec<Value> = admin.get("/api/admin/reports?status=open").json().unwrap();
    assert!(open.iter().all(|m| m["id"] != id.as_str() && m["id"] != second_id));

    // Every change is in the audit log of the agency's scope.
    let audit: Vec<Value> = admin.get(&format!("/api/staff/audit?entity=report&id={id}")).json().unwrap();
    let actions: Vec<&str> = audit.iter().filter_map(|a| a["action"].as_str()).collect();
    for a in ["report.create", "report.answer", "report.close"] {
        assert!(actions.contains(&a), "{actions:?}");
    }
}
