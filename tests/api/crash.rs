//! A crash in the middle of the money: the server's whole process group is killed with SIGKILL
//! while submissions and duplicated IPNs are in flight, then started again on the same state.
//! What was written must be whole: every paid payment has exactly one settlement and (after
//! reconciliation) one receipt, the dashboard's counters moved once per settlement, and no
//! dossier lacks the events that lead to its status.

use std::time::Duration;

use motcua_domain::gateway::vnpay::sandbox::callback_query;
use reqwest::Method;
use serde_json::{json, Value};

use crate::callbacks::{vnpay_config, vnpay_result};
use crate::support::{Session, TestApp};

fn post(server: &TestApp, session: &Session, path: &str, body: &Value) -> reqwest::blocking::Response {
    server.as_session(Method::POST, path, session).json(body).send().unwrap()
}

fn submit(server: &TestApp, citizen: &Session, phone: &str) -> Option<String> {
    let resp = server
        .as_session(Method::POST, "/api/dossiers", citizen)
        .json(&json!({
            "agency": "000.10.51.H27",
            "procedure": "2.000815",
            "applicant": {"full_name": "Nguyễn Văn An", "id_number": "042090001234", "phone": phone, "address": "Thôn Tân Hương, xã Sơn Tây"},
            "inputs": {"pages": 5, "copies": 3}
        }))
        .send()
        .ok()?;
    (resp.status() == 201).then(|| resp.json::<Value>().ok()?["id"].as_str().map(str::to_string)).flatten()
}

/// A dossier fee-noticed and a VNPay attempt opened for it: its reference.
fn awaiting_vnpay(server: &TestApp, citizen: &Session, officer: &Session, phone: &str, documents: &Value) -> String {
    let id = submit(server, citizen, phone).expect("submitted");
    assert_eq!(post(server, officer, &format!("/api/staff/dossiers/{id}/actions"), &json!({"action": "receive", "documents": documents})).status(), 200);
    assert_eq!(post(server, officer, &format!("/api/staff/dossiers/{id}/fee-notice"), &json!({})).status(), 200);
    let resp = post(server, citizen, &format!("/api/dossiers/{id}/payments"), &json!({"provider": "vnpay"}));
    assert_eq!(resp.status(), 201);
    resp.json::<Value>().unwrap()["payment"]["reference"].as_str().unwrap().to_string()
}

#[test]
fn a_kill_9_mid_storm_leaves_every_settlement_whole() {
    let mut server = TestApp::start_with(&[]);
    let phone = "0911000901";
    let citizen = server.new_citizen_session(phone);
    let officer = server.new_staff_session("sontay.motcua");
    let documents = server.get("/api/procedures/2.000815").json::<Value>().unwrap()["documents"].clone();
    let references: Vec<String> = (0..8).map(|_| awaiting_vnpay(&server, &citizen, &officer, phone, &documents)).collect();
    let counters_before = server.d1_count("SELECT coalesce(sum(online + other), 0) FROM payment_counters");
    let ipn = |reference: &String| callback_query(&vnpay_config(), &vnpay_result(reference, 21_000, "00"));

    // The storm: each IPN eight times from eight threads, and new submissions beside them;
    // the kill lands while they are in flight.
    let client = reqwest::blocking::Client::builder().timeout(Duration::from_secs(5)).build().unwrap();
    std::thread::scope(|s| {
        for t in 0..8 {
            let (client, server, references) = (&client, &server, &references);
            s.spawn(move || {
                for round in 0..8 {
                    let r = &references[(t + round) % references.len()];
                    let _ = client.get(server.url(&format!("/api/payments/vnpay/ipn?{}", ipn(r)))).send();
                }
            });
        }
        for _ in 0..2 {
            let (server, citizen) = (&server, &citizen);
            s.spawn(move || {
                for _ in 0..6 {
                    let _ = submit(server, citizen, phone);
                }
            });
        }
        std::thread::sleep(Duration::from_millis(700));
        server.kill_hard();
    });

    server.restart(&[]);
    // The provider retries what was not acknowledged; reconciliation issues missing receipts.
    for r in &references {
        let resp = server.get(&format!("/api/payments/vnpay/ipn?{}", ipn(r)));
        assert_eq!(resp.status(), 200);
        let code = resp.json::<Value>().unwrap()["RspCode"].as_str().unwrap().to_string();
        assert!(code == "00" || code == "02", "{code}");
    }
    assert!(server.get("/cdn-cgi/handler/scheduled?cron=*/5+*+*+*+*").status().is_success());

    let paid = server.d1_count("SELECT count(*) FROM payments WHERE state = 'succeeded'");
    assert_eq!(paid, references.len() as i64, "every attempt paid once the retries came");
    let whole = server.d1_query(
        "SELECT p.reference, (SELECT count(*) FROM settlements s WHERE s.payment_id = p.id), \
           (SELECT count(*) FROM receipts r WHERE r.payment_id = p.id) FROM payments p WHERE p.state = 'succeeded'",
    );
    for row in &whole {
        assert!(row.ends_with("|1|1"), "one settlement and one receipt per paid payment: {row}");
    }
    let settlements = server.d1_count("SELECT count(*) FROM settlements");
    let counters_after = server.d1_count("SELECT coalesce(sum(online + other), 0) FROM payment_counters");
    assert_eq!(counters_after - counters_before, settlements, "the counters moved once per settlement");
    let notices_settled = server.d1_count("SELECT count(*) FROM bills WHERE status = 'paid'");
    assert_eq!(notices_settled, settlements);
    let paid_dossiers = server.d1_count("SELECT count(*) FROM dossiers WHERE status = 'paid'");
    assert_eq!(paid_dossiers, settlements);
    // No dossier without its events: the last event ends in the dossier's status.
    let orphans = server.d1_query(
        "SELECT d.id, d.status FROM dossiers d JOIN citizens c ON c.id = d.owner_citizen_id \
         WHERE c.phone = '0911000901' AND d.status != coalesce( \
           (SELECT e.to_status FROM dossier_events e WHERE e.dossier_id = d.id ORDER BY e.id DESC LIMIT 1), '')",
    );
    assert!(orphans.is_empty(), "dossiers whose status no event explains: {orphans:?}");
    let versions = server.d1_query(
        "SELECT d.id FROM dossiers d WHERE d.version > (SELECT count(*) FROM dossier_events e WHERE e.dossier_id = d.id)",
    );
    assert!(versions.is_empty(), "a version moved without its event: {versions:?}");
}
