//! Concurrency: every state write is conditional on the state it was decided from. Requests
//! that race for one dossier or one payment leave one winner, a 409 `conflict` (or the state
//! machine's refusal) for the others, a timeline whose steps chain, and a bounded ledger.

use serde_json::{json, Value};

use crate::callbacks::{vnpay_config, vnpay_ipn, vnpay_result};
use crate::payments::dossier_awaiting_payment;
use crate::support::{agency_code, app, Session};
use motcua_domain::gateway::vnpay::sandbox::callback_query;

/// A dossier of Sơn Tây submitted by `phone`, not yet received.
fn submitted(phone: &str) -> (Session, String) {
    let citizen = app().login_citizen(phone);
    let resp = citizen.post_json(
        "/api/dossiers",
        &json!({
            "agency": agency_code("UBND xã Sơn Tây"),
            "procedure": "2.000815",
            "applicant": {"full_name": "Trần Thị Bình", "id_number": "042090001234", "phone": phone, "address": "Thôn Tân Hương, xã Sơn Tây"},
            "inputs": {"pages": 2, "copies": 1}
        }),
    );
    assert_eq!(resp.status(), 201, "{}", resp.text().unwrap_or_default());
    let id = resp.json::<Value>().unwrap()["id"].as_str().unwrap().to_string();
    (citizen, id)
}

fn documents() -> Value {
    app().get("/api/procedures/2.000815").json::<Value>().unwrap()["documents"].clone()
}

/// The stored timeline of a dossier chains: each step starts where the previous one ended, and
/// the last one ends in the dossier's status.
fn assert_timeline_chains(dossier_id: &str) -> Vec<String> {
    let status = app().d1_query(&format!("SELECT status FROM dossiers WHERE id = '{dossier_id}'"));
    let steps = app().d1_query(&format!(
        "SELECT from_status, to_status, action FROM dossier_events WHERE dossier_id = '{dossier_id}' ORDER BY id"
    ));
    let mut at = "draft".to_string();
    for step in &steps {
        let parts: Vec<&str> = step.split('|').collect();
        assert_eq!(parts[0], at, "a step that does not start where the last ended: {steps:?}");
        at = parts[1].to_string();
    }
    assert_eq!(status, vec![at], "the dossier's status is where its timeline ends: {steps:?}");
    steps.iter().map(|s| s.rsplit('|').next().unwrap().to_string()).collect()
}

fn status_code(resp: reqwest::blocking::Response) -> (u16, String) {
    let status = resp.status().as_u16();
    let body: Value = resp.json().unwrap_or(Value::Null);
    (status, body["error"]["code"].as_str().unwrap_or("").to_string())
}

#[test]
fn ten_officers_receiving_one_dossier_at_once_leave_one_reception() {
    let (_, id) = submitted("0911000801");
    let officer = app().login_staff("sontay.motcua");
    let docs = documents();
    let answers: Vec<(u16, String)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..10)
            .map(|_| {
                s.spawn(|| status_code(officer.post_json(&format!("/api/staff/dossiers/{id}/actions"), &json!({"action": "receive", "documents": docs}))))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let won = answers.iter().filter(|(s, _)| *s == 200).count();
    assert_eq!(won, 1, "exactly one reception: {answers:?}");
    for (status, code) in answers.iter().filter(|(s, _)| *s != 200) {
        assert_eq!(*status, 409, "{answers:?}");
        assert!(code == "conflict" || code == "wrong_state", "{answers:?}");
    }
    let actions = assert_timeline_chains(&id);
    assert_eq!(actions.iter().filter(|a| *a == "receive").count(), 1, "{actions:?}");
    let audits = app().d1_count(&format!("SELECT count(*) FROM audit_log WHERE entity_id = '{id}' AND action = 'receive'"));
    assert_eq!(audits, 1);
}

#[test]
fn a_fee_notice_racing_a_withdrawal_never_leaves_an_open_notice_on_a_withdrawn_dossier() {
    let docs = documents();
    let officer = app().login_staff("sontay.motcua");
    let mut conflicts = 0;
    for i in 0..6 {
        let (citizen, id) = submitted(&format!("09110008{:02}", 10 + i));
        let resp = officer.post_json(&format!("/api/staff/dossiers/{id}/actions"), &json!({"action": "receive", "documents": docs}));
        assert_eq!(resp.status(), 200);
        let (notice, withdrawal) = std::thread::scope(|s| {
            let n = s.spawn(|| status_code(officer.post_json(&format!("/api/staff/dossiers/{id}/fee-notice"), &json!({}))));
            let w = s.spawn(|| status_code(citizen.post_json(&format!("/api/dossiers/{id}/withdraw"), &json!({"reason": "Nộp nhầm thủ tục"}))));
            (n.join().unwrap(), w.join().unwrap())
        });
        let status = app().d1_query(&format!("SELECT status FROM dossiers WHERE id = '{id}'"))[0].clone();
        let open = app().d1_count(&format!("SELECT count(*) FROM bills WHERE dossier_id = '{id}' AND status = 'open'"));
        match (notice.0, withdrawal.0) {
            // Both in turn: the notice, then the withdrawal that cancelled it.
            (200, 200) => assert_eq!((status.as_str(), open), ("withdrawn", 0)),
            (200, 409) => {
                conflicts += 1;
                assert_eq!(withdrawal.1, "conflict", "{withdrawal:?}");
                assert_eq!((status.as_str(), open), ("fee_notified", 1));
            }
            (409, 200) => {
                conflicts += 1;
                assert!(notice.1 == "conflict" || notice.1 == "dossier_closed", "{notice:?}");
                assert_eq!((status.as_str(), open), ("withdrawn", 0));
            }
            other => panic!("unexpected answers {other:?}"),
        }
        assert_timeline_chains(&id);
    }
    eprintln!("fee notice vs withdrawal: {conflicts} of 6 races ended in a 409");
}

#[test]
fn a_thousand_copies_of_one_ipn_settle_once_and_add_one_ledger_row() {
    let f = dossier_awaiting_payment("0911000830", "UBND xã Sơn Tây", "sontay.motcua");
    let (reference, _) = f.start("vnpay");
    let query = callback_query(&vnpay_config(), &vnpay_result(&reference, f.total, "00"));
    let codes: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|_| s.spawn(|| (0..125).map(|_| vnpay_ipn(&query)["RspCode"].as_str().unwrap().to_string()).collect::<Vec<_>>()))
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(codes.len(), 1000);
    assert_eq!(codes.iter().filter(|c| *c == "00").count(), 1, "one settlement answered 00");
    assert!(codes.iter().all(|c| c == "00" || c == "02"), "the rest already confirmed");
    f.assert_paid_once();
    let payment = app().d1_query(&format!("SELECT id FROM payments WHERE reference = '{reference}'"))[0].clone();
    let rows = app().d1_count(&format!("SELECT count(*) FROM payment_events WHERE payment_id = '{payment}'"));
    // created, redirected, the callback once, settled.
    assert!(rows <= 5, "the ledger grew with the copies: {rows} rows");
    let copies = app().d1_count(&format!("SELECT sum(copies) FROM callback_copies WHERE payment_id = '{payment}'"));
    assert_eq!(copies, 1000, "every copy counted");
    let settlements = app().d1_count(&format!("SELECT count(*) FROM settlements WHERE payment_id = '{payment}'"));
    assert_eq!(settlements, 1);
}

#[test]
fn money_arriving_after_a_withdrawal_is_kept_for_a_refund_not_lost() {
    let f = dossier_awaiting_payment("0911000831", "UBND xã Sơn Tây", "sontay.motcua");
    let (reference, _) = f.start("vnpay");
    let resp = f.citizen.post_json(&format!("/api/dossiers/{}/withdraw", f.dossier_id), &json!({}));
    assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());
    let query = callback_query(&vnpay_config(), &vnpay_result(&reference, f.total, "00"));
    assert_eq!(vnpay_ipn(&query)["RspCode"], "00", "the provider is told it was recorded");
    let d = f.detail();
    assert_eq!(d["status"], "withdrawn");
    assert!(d["receipt"].is_null());
    let payment = d["payments"].as_array().unwrap().iter().find(|p| p["reference"] == reference.as_str()).unwrap().clone();
    assert_eq!(payment["status"], "needs_review", "{payment}");
    assert_eq!(app().d1_count(&format!("SELECT count(*) FROM settlements s JOIN payments p ON p.id = s.payment_id WHERE p.reference = '{reference}'")), 0);
    // A withdrawn dossier cannot be paid again.
    let resp = f.citizen.post_json(&format!("/api/dossiers/{}/payments", f.dossier_id), &json!({"provider": "vnpay"}));
    assert_eq!(resp.status(), 409);
}

#[test]
fn two_refunds_of_the_whole_amount_at_once_give_the_money_back_once() {
    let f = dossier_awaiting_payment("0911000832", "UBND xã Sơn Tây", "sontay.motcua");
    let (reference, _) = f.start("vnpay");
    let query = callback_query(&vnpay_config(), &vnpay_result(&reference, f.total, "00"));
    assert_eq!(vnpay_ipn(&query)["RspCode"], "00");
    let payment_id = f.detail()["payments"][0]["id"].as_str().unwrap().to_string();
    let answers: Vec<(u16, String)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                s.spawn(|| {
                    status_code(f.officer.post_json(
                        &format!("/api/staff/payments/{payment_id}/refunds"),
                        &json!({"amount": f.total, "reason": "Công dân nộp nhầm"}),
                    ))
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(answers.iter().filter(|(s, _)| *s == 201).count(), 1, "{answers:?}");
    let refunded = app().d1_count(&format!("SELECT refunded FROM payments WHERE id = '{payment_id}'"));
    assert_eq!(refunded, f.total);
    let live = app().d1_count(&format!("SELECT count(*) FROM refunds WHERE payment_id = '{payment_id}' AND status != 'failed'"));
    assert_eq!(live, 1);
}
