//! The one-stop desk against a real `wrangler dev`: scope isolation (an officer sees only their
//! agencies, a citizen nothing of the desk, a leader the whole district), refusals that change
//! nothing, cash at the counter (a receipt, not online), walk-in dossiers paid through a signed
//! pay link and the bank webhook (online), the inbox's tabs and search, results, the audit log
//! and catalog administration.

use serde_json::{json, Value};

use crate::payments::{dossier_awaiting_payment, Fixture};
use crate::support::{agency_code, app, expect_error, Session};

fn documents() -> Value {
    app().get("/api/procedures/2.000815").json::<Value>().unwrap()["documents"].clone()
}

fn staff_detail(officer: &Session, id: &str) -> Value {
    let resp = officer.get(&format!("/api/staff/dossiers/{id}"));
    assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());
    resp.json().unwrap()
}

fn audit_of(officer: &Session, id: &str) -> Vec<Value> {
    let resp = officer.get(&format!("/api/staff/audit?entity=dossier&id={id}"));
    assert_eq!(resp.status(), 200);
    resp.json().unwrap()
}

/// What a refused action must leave exactly as it was.
fn snapshot(officer: &Session, id: &str) -> (Value, usize, usize, usize, Value) {
    let d = staff_detail(officer, id);
    (
        d["status"].clone(),
        d["timeline"].as_array().unwrap().len(),
        d["payments"].as_array().unwrap().len(),
        audit_of(officer, id).len(),
        d["fee_notice"].clone(),
    )
}

/// A citizen's dossier of Sơn Tây (or `agency_name`) just submitted.
fn submitted(phone: &str, agency_name: &str, name: &str) -> (Session, String) {
    let citizen = app().login_citizen(phone);
    let resp = citizen.post_json(
        "/api/dossiers",
        &json!({
            "agency": agency_code(agency_name),
            "procedure": "2.000815",
            "applicant": {"full_name": name, "id_number": "042090001234", "phone": phone, "address": "Thôn 1"},
            "inputs": {"pages": 5, "copies": 3}
        }),
    );
    assert_eq!(resp.status(), 201, "{}", resp.text().unwrap_or_default());
    let id = resp.json::<Value>().unwrap()["id"].as_str().unwrap().to_string();
    (citizen, id)
}

fn inbox(who: &Session, query: &str) -> Value {
    let resp = who.get(&format!("/api/staff/dossiers?{query}"));
    assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());
    resp.json().unwrap()
}

fn ids(page: &Value) -> Vec<String> {
    page["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_string()).collect()
}

fn pay_at_counter_and_process(f: &Fixture) {
    let resp = f.officer.post_json(&format!("/api/staff/dossiers/{}/counter-payment", f.dossier_id), &json!({}));
    assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());
    let resp = f.officer.post_json(&format!("/api/staff/dossiers/{}/actions", f.dossier_id), &json!({"action": "start_processing"}));
    assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());
}

fn attach(officer: &Session, id: &str, name: &str, content_type: &str, body: &[u8]) -> reqwest::blocking::Response {
    app()
        .client
        .post(app().url(&format!("/api/staff/dossiers/{id}/results?name={name}")))
        .header("cookie", &officer.cookie)
        .header("content-type", content_type)
        .body(body.to_vec())
        .send()
        .unwrap()
}

#[test]
fn an_officer_of_ngoc_ky_gets_404_on_a_dai_son_dossier_its_files_and_actions() {
    let f = dossier_awaiting_payment("0911000601", "UBND xã Đại Sơn", "daison.motcua");
    pay_at_counter_and_process(&f);
    let resp = attach(&f.officer, &f.dossier_id, "ket-qua.pdf", "application/pdf", b"%PDF-1.4 result");
    assert_eq!(resp.status(), 201, "{}", resp.text().unwrap_or_default());
    let d: Value = resp.json().unwrap();
    let file_url = d["results"][0]["url"].as_str().unwrap().to_string();
    let before = snapshot(&f.officer, &f.dossier_id);

    let ngocky = app().login_staff("ngocky.motcua");
    let id = &f.dossier_id;
    expect_error(ngocky.get(&format!("/api/staff/dossiers/{id}")), 404);
    expect_error(ngocky.get(&file_url), 404);
    expect_error(ngocky.get(&format!("/api/staff/audit?entity=dossier&id={id}")), 404);
    for (path, body) in [
        ("actions", json!({"action": "return_result"})),
        ("actions", json!({"action": "reject", "reason": "Không thuộc thẩm quyền"})),
        ("fee-notice", json!({})),
        ("counter-payment", json!({})),
        ("pay-link", json!({})),
    ] {
        let (code, _) = expect_error(ngocky.post_json(&format!("/api/staff/dossiers/{id}/{path}"), &body), 404);
        assert_eq!(code, "not_found", "{path}");
    }
    expect_error(attach(&ngocky, id, "x.pdf", "application/pdf", b"%PDF"), 404);
    let code = d["code"].as_str().unwrap();
    assert!(ids(&inbox(&ngocky, &format!("tab=processing&q={code}"))).is_empty());
    assert_eq!(snapshot(&f.officer, id), before, "nothing changed");

    // The owner and the agency's officer get the file; another citizen does not.
    let got = f.citizen.get(&file_url);
    assert_eq!(got.status(), 200);
    assert_eq!(got.headers()["content-type"], "application/pdf");
    assert_eq!(got.bytes().unwrap().as_ref(), b"%PDF-1.4 result");
    assert_eq!(f.officer.get(&file_url).status(), 200);
    expect_error(app().login_citizen("0911000699").get(&file_url), 404);
}

#[test]
fn a_citizen_gets_401_or_404_on_every_staff_endpoint() {
    let f = dossier_awaiting_payment("0911000602", "UBND xã Sơn Tây", "sontay.motcua");
    let before = snapshot(&f.officer, &f.dossier_id);
    let id = &f.dossier_id;
    let c = &f.citizen;
    let agency = agency_code("UBND xã Sơn Tây");
    let mut answers = vec![
        c.get("/api/staff/dossiers"),
        c.get(&format!("/api/staff/dossiers/{id}")),
        c.get(&format!("/api/staff/audit?entity=dossier&id={id}")),
        c.get("/api/admin/catalog"),
        c.get(&format!("/api/staff/statements?agency={agency}")),
        c.post_json("/api/staff/dossiers", &json!({"agency": agency, "procedure": "2.000815"})),
        c.post_json("/api/admin/agencies", &json!({})),
        c.put_json(&format!("/api/admin/agencies/{agency}/bank-account"), &json!({})),
        c.put_json(&format!("/api/admin/agencies/{agency}/procedures/2.000815"), &json!({"online_payment": false})),
        c.post_json("/api/admin/procedures/2.000815/fee-versions", &json!({})),
    ];
    for path in ["actions", "fee-notice", "counter-payment", "results", "pay-link"] {
        answers.push(c.post_json(&format!("/api/staff/dossiers/{id}/{path}"), &json!({"action": "complete"})));
    }
    for resp in answers {
        let status = resp.status().as_u16();
        assert!(status == 401 || status == 404, "{} answered {status}", resp.url());
        expect_error(resp, status);
    }
    assert_eq!(snapshot(&f.officer, id), before);
}

#[test]
fn a_leader_of_tu_ky_sees_every_commune_and_officers_only_their_own() {
    let (_, dai_son) = submitted("0911000603", "UBND xã Đại Sơn", "Phạm Thị Lãnh Đạo Một");
    let (_, ngoc_ky) = submitted("0911000604", "UBND xã Ngọc Kỳ", "Phạm Thị Lãnh Đạo Hai");
    let leader = app().login_staff("tuky.lanhdao");
    let page = inbox(&leader, "tab=new&q=lanh dao");
    let seen = ids(&page);
    assert!(seen.contains(&dai_son) && seen.contains(&ngoc_ky), "{page}");
    let daison = inbox(&app().login_staff("daison.motcua"), "tab=new&q=lanh dao");
    assert!(ids(&daison).contains(&dai_son) && !ids(&daison).contains(&ngoc_ky));
    assert_eq!(staff_detail(&leader, &ngoc_ky)["status"], "submitted");
    // Sơn Tây is in another province: not the leader's.
    let (_, son_tay) = submitted("0911000605", "UBND xã Sơn Tây", "Phạm Thị Lãnh Đạo Ba");
    expect_error(leader.get(&format!("/api/staff/dossiers/{son_tay}")), 404);
    assert!(!ids(&inbox(&leader, "tab=new&q=lanh dao")).contains(&son_tay));
}

#[test]
fn the_inbox_searches_by_code_name_phone_and_citizen_id_with_counts() {
    let (_, id) = submitted("0911000606", "UBND xã Sơn Tây", "Hoàng Thị Tìm Kiếm");
    let officer = app().login_staff("sontay.motcua");
    let code = staff_detail(&officer, &id)["code"].as_str().unwrap().to_string();
    for q in [code.as_str(), "hoang thi tim kiem", "Tìm Kiếm", "0911000606"] {
        let page = inbox(&officer, &format!("tab=new&q={}", urlencode(q)));
        assert_eq!(ids(&page), vec![id.clone()], "search {q}");
        let new = page["counts"].as_array().unwrap().iter().find(|c| c["tab"] == "new").unwrap();
        assert_eq!(new["count"], 1);
        assert_eq!(new["label"], "Mới");
    }
    let by_id = inbox(&officer, "tab=new&q=042090001234");
    assert!(ids(&by_id).contains(&id));
    let page = inbox(&officer, "tab=processing&q=0911000606");
    assert!(page["items"].as_array().unwrap().is_empty());
    assert_eq!(page["counts"].as_array().unwrap().len(), 6);
    let (code, field) = expect_error(officer.get("/api/staff/dossiers?tab=late"), 400);
    assert_eq!((code.as_str(), field.as_deref()), ("unknown_tab", Some("tab")));
    // The procedure takes 1 working day: a new dossier is due soon (or on time when handed in
    // before a weekend), and listed under the due-soon tab exactly when it is due soon.
    let item = inbox(&officer, "tab=new&q=0911000606")["items"][0].clone();
    let due_soon = ids(&inbox(&officer, "tab=due_soon&q=0911000606"));
    match item["urgency"].as_str() {
        Some("due_soon") => {
            assert_eq!(item["urgency_label"], "Sắp đến hạn");
            assert_eq!(due_soon, vec![id.clone()]);
        }
        Some("on_time") => assert!(due_soon.is_empty()),
        other => panic!("a new dossier is not {other:?}"),
    }
    assert!(ids(&inbox(&officer, "tab=overdue&q=0911000606")).is_empty());
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-._".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

#[test]
fn completing_an_unpaid_dossier_is_refused_and_changes_nothing() {
    let f = dossier_awaiting_payment("0911000607", "UBND xã Sơn Tây", "sontay.motcua");
    let before = snapshot(&f.officer, &f.dossier_id);
    let resp = f.officer.post_json(&format!("/api/staff/dossiers/{}/actions", f.dossier_id), &json!({"action": "complete"}));
    assert_eq!(resp.status(), 409);
    let body: Value = resp.json().unwrap();
    assert_eq!(body["error"]["code"], "fees_not_settled");
    assert!(body["error"]["message_vi"].as_str().unwrap().contains("chưa thu đủ phí, lệ phí"), "{body}");
    let (code, _) = expect_error(attach(&f.officer, &f.dossier_id, "a.pdf", "application/pdf", b"%PDF"), 409);
    assert_eq!(code, "fees_not_settled");
    assert_eq!(snapshot(&f.officer, &f.dossier_id), before);
}

#[test]
fn a_rejected_dossier_cannot_be_paid_and_stays_as_it_was() {
    let (citizen, id) = submitted("0911000608", "UBND xã Sơn Tây", "Vũ Văn Từ Chối");
    let officer = app().login_staff("sontay.motcua");
    let (code, _) = expect_error(officer.post_json(&format!("/api/staff/dossiers/{id}/actions"), &json!({"action": "reject"})), 409);
    assert_eq!(code, "reason_required");
    let resp = officer.post_json(&format!("/api/staff/dossiers/{id}/actions"), &json!({"action": "reject", "reason": "Bản chính không hợp lệ"}));
    assert_eq!(resp.status(), 200);
    let before = snapshot(&officer, &id);
    assert_eq!(before.0, "rejected");
    let (code, _) = expect_error(officer.post_json(&format!("/api/staff/dossiers/{id}/counter-payment"), &json!({})), 409);
    assert_eq!(code, "dossier_closed");
    let (code, _) = expect_error(citizen.post_json(&format!("/api/dossiers/{id}/payments"), &json!({"provider": "vnpay"})), 409);
    assert_eq!(code, "not_payable");
    let (code, _) = expect_error(officer.post_json(&format!("/api/staff/dossiers/{id}/fee-notice"), &json!({})), 409);
    assert_eq!(code, "dossier_closed");
    assert_eq!(snapshot(&officer, &id), before);
    let audit = audit_of(&officer, &id);
    assert_eq!(audit[0]["action"], "reject");
    assert_eq!(audit[0]["after"]["reason"], "Bản chính không hợp lệ");
    assert_eq!(audit[0]["username"], "sontay.motcua");
}

#[test]
fn receiving_needs_the_checklist_and_a_changed_fee_line_needs_a_reason() {
    let (citizen, id) = submitted("0911000609", "UBND xã Sơn Tây", "Đinh Thị Điều Chỉnh");
    let officer = app().login_staff("sontay.motcua");
    let before = snapshot(&officer, &id);
    let (code, field) = expect_error(officer.post_json(&format!("/api/staff/dossiers/{id}/actions"), &json!({"action": "receive", "documents": []})), 400);
    assert_eq!((code.as_str(), field.as_deref()), ("documents_missing", Some("documents")));
    assert_eq!(snapshot(&officer, &id), before);
    let resp = officer.post_json(&format!("/api/staff/dossiers/{id}/actions"), &json!({"action": "receive", "documents": documents()}));
    assert_eq!(resp.status(), 200);
    let d: Value = resp.json().unwrap();
    assert_eq!(d["status"], "received");
    assert!(d["actions"].as_array().unwrap().iter().any(|a| a["action"] == "notify_fee"));
    let line = d["inputs"].clone();
    assert_eq!(line["pages"], 5);

    let before = snapshot(&officer, &id);
    let quote: Value = app().post_json("/api/fees/quote", &json!({"procedure": "2.000815", "agency": agency_code("UBND xã Sơn Tây"), "inputs": {"pages": 5, "copies": 3}})).json().unwrap();
    let line_code = quote["lines"][0]["code"].as_str().unwrap().to_string();
    let (code, field) = expect_error(
        officer.post_json(&format!("/api/staff/dossiers/{id}/fee-notice"), &json!({"changes": [{"code": line_code, "amount": 14000, "reason": ""}]})),
        400,
    );
    assert_eq!((code.as_str(), field.as_deref()), ("reason_required", Some("changes.0.reason")));
    assert_eq!(snapshot(&officer, &id), before, "nothing half-done");
    assert!(citizen.get(&format!("/api/dossiers/{id}")).json::<Value>().unwrap()["fee_notice"].is_null());

    let resp = officer.post_json(
        &format!("/api/staff/dossiers/{id}/fee-notice"),
        &json!({"changes": [{"code": line_code, "amount": 14000, "reason": "Một bản sao bị trùng, thu 2 bản"}]}),
    );
    assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());
    let d: Value = resp.json().unwrap();
    assert_eq!(d["fee_notice"]["total"], 14_000);
    assert_eq!(d["fee_notice"]["lines"][0]["change_reason"], "Một bản sao bị trùng, thu 2 bản");
    assert_eq!(d["fee_notice"]["lines"][0]["computed_amount"], 21_000);
    let last = d["timeline"].as_array().unwrap().last().unwrap().clone();
    assert!(last["reason"].as_str().unwrap().contains("Một bản sao bị trùng"), "{last}");
    let audit = audit_of(&officer, &id);
    assert_eq!(audit[0]["action"], "notify_fee");
    assert_eq!(audit[0]["after"]["changes"][0]["from"], 21_000);
    assert_eq!(audit[0]["after"]["changes"][0]["to"], 14_000);
    // The citizen sees the changed amount and the reason.
    let mine: Value = citizen.get(&format!("/api/dossiers/{id}")).json().unwrap();
    assert_eq!(mine["fee_notice"]["total"], 14_000);
    assert_eq!(mine["payable"], true);
}

#[test]
fn cash_at_the_counter_issues_a_receipt_and_counts_as_not_online_then_the_result_completes() {
    let f = dossier_awaiting_payment("0911000610", "UBND xã Sơn Tây", "sontay.motcua");
    let resp = f.officer.post_json(&format!("/api/staff/dossiers/{}/counter-payment", f.dossier_id), &json!({}));
    assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());
    let d: Value = resp.json().unwrap();
    assert_eq!(d["status"], "paid");
    assert_eq!(d["paid_online"], false);
    assert_eq!(d["receipt"]["provider"], "counter");
    assert_eq!(d["receipt"]["total"], f.total);
    crate::money::assert_legal_receipt(&d["receipt"], f.total);
    f.assert_paid_once();
    // The counter's payment names the dossier's shard: `MCS` + its province, and an id `s` + it.
    let shard = motcua_domain::shard::shard_of_agency(&agency_code("UBND xã Sơn Tây")).unwrap();
    let cash = d["payments"].as_array().unwrap().iter().find(|p| p["provider"] == "counter").expect("the counter's payment");
    assert!(cash["reference"].as_str().unwrap().starts_with(&format!("MCS{:02}", shard.code())), "{cash}");
    assert_eq!(motcua_domain::shard::shard_of_id("id", cash["id"].as_str().unwrap()).unwrap(), Some(shard), "{cash}");
    // Paying twice at the counter is refused.
    let (code, _) = expect_error(f.officer.post_json(&format!("/api/staff/dossiers/{}/counter-payment", f.dossier_id), &json!({})), 409);
    assert_eq!(code, "wrong_state");
    assert_eq!(audit_of(&f.officer, &f.dossier_id)[0]["after"]["online"], false);

    let id = &f.dossier_id;
    let (code, _) = expect_error(f.officer.post_json(&format!("/api/staff/dossiers/{id}/actions"), &json!({"action": "mark_result_ready"})), 400);
    assert_eq!(code, "use_dedicated_endpoint");
    f.officer.post_json(&format!("/api/staff/dossiers/{id}/actions"), &json!({"action": "start_processing"}));
    let (code, field) = expect_error(attach(&f.officer, id, "virus.exe", "application/x-msdownload", b"MZ"), 400);
    assert_eq!((code.as_str(), field.as_deref()), ("unsupported_type", Some("file")));
    assert_eq!(staff_detail(&f.officer, id)["status"], "processing");
    assert_eq!(attach(&f.officer, id, "ban-sao.png", "image/png", b"\x89PNG....").status(), 201);
    let (code, _) = expect_error(f.officer.post_json(&format!("/api/staff/dossiers/{id}/actions"), &json!({"action": "complete"})), 409);
    assert_eq!(code, "result_not_returned");
    for action in ["return_result", "complete"] {
        let resp = f.officer.post_json(&format!("/api/staff/dossiers/{id}/actions"), &json!({"action": action}));
        assert_eq!(resp.status(), 200, "{action}");
    }
    let d = staff_detail(&f.officer, id);
    assert_eq!(d["status"], "completed");
    assert!(d["actions"].as_array().unwrap().is_empty());
    // The control sheet: every step with who, when, and whether within the deadline.
    let steps = d["steps"].as_array().unwrap();
    assert_eq!(steps.len(), d["timeline"].as_array().unwrap().len());
    assert!(steps.iter().any(|s| s["actor"].as_str().unwrap().contains("sontay.motcua") && s["action_label"] == "Trả kết quả"));
    assert!(steps.iter().all(|s| s["on_time"] == true), "{steps:?}");
    let mine: Value = f.citizen.get(&format!("/api/dossiers/{id}")).json().unwrap();
    assert_eq!(mine["results"][0]["name"], "ban-sao.png");
}

#[test]
fn a_walk_in_dossier_is_paid_by_vietqr_through_a_signed_pay_link_and_counts_online() {
    let officer = app().login_staff("sontay.motcua");
    let phone = "0911000611";
    let agency = agency_code("UBND xã Sơn Tây");
    let walk_in = |body: Value| officer.post_json("/api/staff/dossiers", &body);
    let mut body = json!({
        "agency": agency,
        "procedure": "2.000815",
        "applicant": {"full_name": "Trịnh Văn Quầy", "id_number": "042090009876", "phone": phone, "address": "Thôn 3, xã Sơn Tây"},
        "inputs": {"pages": 5, "copies": 3}
    });
    let mut bad = body.clone();
    bad["applicant"]["phone"] = json!("12");
    let (_, field) = expect_error(walk_in(bad), 400);
    assert_eq!(field.as_deref(), Some("applicant.phone"));
    body["agency"] = json!(agency_code("UBND xã Đại Sơn"));
    expect_error(walk_in(body.clone()), 404);
    body["agency"] = json!(agency);
    let resp = walk_in(body);
    assert_eq!(resp.status(), 201, "{}", resp.text().unwrap_or_default());
    let d: Value = resp.json().unwrap();
    // Taken at the counter, the dossier lives in its agency's shard, as its id says.
    let shard = motcua_domain::shard::shard_of_agency(&agency).unwrap();
    assert_eq!(motcua_domain::shard::shard_of_id("id", d["id"].as_str().unwrap()).unwrap(), Some(shard), "{}", d["id"]);
    let id = d["id"].as_str().unwrap().to_string();
    assert!(d["code"].as_str().unwrap().starts_with(&agency), "{d}");
    assert_eq!((d["channel"].as_str(), d["status"].as_str()), (Some("counter"), Some("received")));
    assert_eq!(audit_of(&officer, &id)[0]["action"], "walk_in");
    let (code, _) = expect_error(officer.post_json(&format!("/api/staff/dossiers/{id}/pay-link"), &json!({})), 409);
    assert_eq!(code, "not_payable");
    assert_eq!(officer.post_json(&format!("/api/staff/dossiers/{id}/fee-notice"), &json!({})).status(), 200);

    let before = app().last_outbox_id(phone);
    let resp = officer.post_json(&format!("/api/staff/dossiers/{id}/pay-link"), &json!({}));
    assert_eq!(resp.status(), 201);
    let sent: Value = resp.json().unwrap();
    let url = sent["url"].as_str().unwrap().to_string();
    let token = url.rsplit('/').next().unwrap().to_string();
    assert!(url.contains("/thanh-toan/"));
    assert!(!sent["sent_to"].as_str().unwrap().contains("0911000611"), "masked");
    let sms = (0..100)
        .find_map(|_| {
            // The fee notice's own status SMS may arrive after `before` too (the queue is
            // asynchronous): the pay link's is the one that carries the link.
            let m = app()
                .outbox(phone)
                .into_iter()
                .find(|m| m["id"].as_i64().unwrap_or(0) > before && m["body"].as_str().unwrap_or("").contains("/thanh-toan/"));
            if m.is_none() {
                std::thread::sleep(std::time::Duration::from_millis(200));
            }
            m
        })
        .expect("the pay link SMS");
    assert!(sms["body"].as_str().unwrap().contains(&url), "{sms}");
    assert!(!audit_of(&officer, &id)[0].to_string().contains(&token), "the token is never audited");

    // Anyone with the link sees what to pay, not who the person is.
    let view: Value = app().get(&format!("/api/pay/{token}")).json().unwrap();
    assert_eq!(view["payable"], true);
    assert_eq!(view["payer"], "T. V. Q.");
    assert_eq!(view["fee_notice"]["total"], 21_000);
    assert!(!view.to_string().contains(phone) && !view.to_string().contains("042090009876"));
    let forged = token.replacen(&id, &"0".repeat(32), 1);
    expect_error(app().get(&format!("/api/pay/{forged}")), 404);
    let mut tampered = token.clone();
    tampered.pop();
    tampered.push(if token.ends_with('0') { '1' } else { '0' });
    expect_error(app().post_json(&format!("/api/pay/{tampered}/payments"), &json!({"provider": "vietqr"})), 404);

    let resp = app().post_json(&format!("/api/pay/{token}/payments"), &json!({"provider": "vietqr"}));
    assert_eq!(resp.status(), 201, "{}", resp.text().unwrap_or_default());
    let next = resp.json::<Value>().unwrap()["next"].clone();
    assert_eq!(next["kind"], "qr");
    let resp = app().post_json(
        "/sandbox/bank/transfer",
        &json!({"account": next["account_no"], "amount": 21_000, "content": format!("CK {}", next["purpose"].as_str().unwrap())}),
    );
    assert_eq!(resp.status(), 200);
    let d = staff_detail(&officer, &id);
    assert_eq!(d["status"], "paid", "{d}");
    assert_eq!(d["paid_online"], true);
    assert_eq!(d["receipt"]["provider"], "vietqr");
    let view: Value = app().get(&format!("/api/pay/{token}")).json().unwrap();
    assert_eq!(view["payable"], false);
    assert_eq!(view["receipt"]["payer_name"], "T. V. Q.");
    let (code, _) = expect_error(app().post_json(&format!("/api/pay/{token}/payments"), &json!({"provider": "vnpay"})), 409);
    assert_eq!(code, "not_payable");
}

#[test]
fn catalog_administration_is_validated_audited_and_for_admins_only() {
    let admin = app().login_staff("haiduong.admin");
    let officer = app().login_staff("daison.motcua");
    let dai_son = agency_code("UBND xã Đại Sơn");
    expect_error(officer.get("/api/admin/catalog"), 404);
    expect_error(officer.put_json(&format!("/api/admin/agencies/{dai_son}/bank-account"), &json!({"bank_bin": "970415", "account_number": "123456789", "account_name": "X"})), 404);
    let catalog: Value = admin.get("/api/admin/catalog").json().unwrap();
    assert!(catalog["agencies"].as_array().unwrap().iter().any(|a| a["code"] == dai_son.as_str()));
    assert!(!catalog["agencies"].as_array().unwrap().iter().any(|a| a["name"] == "UBND xã Sơn Tây"), "another province");

    let (_, field) = expect_error(admin.put_json(&format!("/api/admin/agencies/{dai_son}/bank-account"), &json!({"bank_bin": "97", "account_number": "123456789", "account_name": "UBND"})), 400);
    assert_eq!(field.as_deref(), Some("bank_bin"));
    let son_tay = agency_code("UBND xã Sơn Tây");
    expect_error(admin.put_json(&format!("/api/admin/agencies/{son_tay}/bank-account"), &json!({"bank_bin": "970415", "account_number": "123456789", "account_name": "UBND"})), 404);
    let resp = admin.put_json(&format!("/api/admin/agencies/{dai_son}/bank-account"), &json!({"bank_bin": "970415", "account_number": "371300011084", "account_name": "UBND xã Đại Sơn"}));
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.json::<Value>().unwrap()["account_name"], "UBND XA DAI SON");
    let audit: Vec<Value> = admin.get(&format!("/api/staff/audit?entity=agency&id={dai_son}")).json().unwrap();
    assert_eq!(audit[0]["action"], "bank_account.put");
    assert_eq!(audit[0]["before"]["account_number"], "371300011083");
    assert_eq!(audit[0]["after"]["account_number"], "371300011084");

    let resp = admin.put_json(&format!("/api/admin/agencies/{dai_son}/procedures/2.000815"), &json!({"online_payment": false}));
    assert_eq!(resp.status(), 200);
    let procs: Vec<Value> = app().get(&format!("/api/procedures?agency={dai_son}")).json().unwrap();
    assert_eq!(procs.iter().find(|p| p["code"] == "2.000815").unwrap()["online_payment"], false);
    admin.put_json(&format!("/api/admin/agencies/{dai_son}/procedures/2.000815"), &json!({"online_payment": true}));

    // Procedures and national fee versions are the national admin's (tests/api/tenancy.rs).
    let national = app().login_staff("quocgia.admin");
    let (_, field) = expect_error(national.post_json("/api/admin/procedures", &json!({"code": "2000815", "name": "X", "level": "commune", "processing_days": 1})), 400);
    assert_eq!(field.as_deref(), Some("code"));
    let (code, _) = expect_error(national.post_json("/api/admin/procedures", &json!({"code": "2.000815", "name": "X", "level": "commune", "processing_days": 1})), 409);
    assert_eq!(code, "already_exists");
    let resp = national.post_json(
        "/api/admin/procedures",
        &json!({"code": "1.999001", "name": "Thủ tục thử nghiệm", "level": "commune", "processing_days": 3, "documents": ["Tờ khai"], "legal_basis": "Thử nghiệm"}),
    );
    assert_eq!(resp.status(), 201, "{}", resp.text().unwrap_or_default());

    let version = |from: &str, basis: &str| json!({"effective_from": from, "legal_basis": basis, "lines": [{"code": "fee", "name": "Phí thử nghiệm", "kind": "phi", "beneficiary": "agency", "legal_basis": basis, "rule": {"type": "fixed", "amount": 10000}}]});
    let (_, field) = expect_error(national.post_json("/api/admin/procedures/1.999001/fee-versions", &version("2099-01-01", " ")), 400);
    assert_eq!(field.as_deref(), Some("legal_basis"));
    let (_, field) = expect_error(national.post_json("/api/admin/procedures/1.999001/fee-versions", &version("2000-01-01", "TT 1")), 400);
    assert_eq!(field.as_deref(), Some("effective_from"));
    let resp = national.post_json("/api/admin/procedures/1.999001/fee-versions", &version("2099-01-01", "Thông tư thử nghiệm"));
    assert_eq!(resp.status(), 201, "{}", resp.text().unwrap_or_default());
    let (code, _) = expect_error(national.post_json("/api/admin/procedures/1.999001/fee-versions", &version("2098-01-01", "TT 2")), 400);
    assert_eq!(code, "not_after_current");
    let audit: Vec<Value> = national.get("/api/staff/audit?entity=fee_schedule&id=1.999001").json().unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0]["after"]["added"]["legal_basis"], "Thông tư thử nghiệm");
}
