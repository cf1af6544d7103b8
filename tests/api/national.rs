//! The national portal: every dossier event reaches it once and in order, through the outbox
//! and the sandbox imitation of the portal (`/sandbox/dvcqg/*`), which checks what the portal
//! checks and records what it accepted. The sandbox is told to misbehave only for messages
//! naming a test's own applicant, so the tests running beside these are not disturbed.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::payments::dossier_awaiting_payment;
use crate::support::{agency_code, app, expect_error, Session};

pub const CRON: &str = "/cdn-cgi/handler/scheduled?cron=*/5+*+*+*+*";

fn code_of(citizen: &Session, id: &str) -> String {
    citizen.get(&format!("/api/dossiers/{id}")).json::<Value>().unwrap()["code"].as_str().unwrap().to_string()
}

/// What the sandbox portal accepted for a dossier, in order.
fn received(code: &str) -> Vec<Value> {
    app().get(&format!("/sandbox/dvcqg/received?dossier={code}")).json::<Vec<Value>>().unwrap()
}

fn statuses(code: &str) -> Vec<String> {
    received(code).iter().filter(|m| m["service"] == "DongBoHoSoMC").map(|m| m["status"].as_str().unwrap().to_string()).collect()
}

/// Waits (nudges arrive through the queue; the sweep is also run by the cron) until `done`.
pub fn eventually<T>(what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = probe() {
            return v;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "timed out waiting for {what}");
        app().get(CRON);
        std::thread::sleep(Duration::from_millis(300));
    }
}

fn sync_items(admin: &Session, code: &str) -> Vec<Value> {
    let resp = admin.get(&format!("/api/admin/national-sync?dossier={code}"));
    assert_eq!(resp.status(), 200);
    let mut items = resp.json::<Value>().unwrap()["items"].as_array().unwrap().clone();
    items.sort_by_key(|i| i["id"].as_i64().unwrap());
    items
}

fn control(body: Value) {
    assert_eq!(app().post_json("/sandbox/dvcqg/control", &body).status(), 200);
}

fn age(code: &str, seconds: i64) {
    assert_eq!(app().post_json("/dev/national-sync/age", &json!({"dossier": code, "seconds": seconds})).status(), 200);
}

fn submit(phone: &str, name: &str, id_number: &str) -> (Session, String, String) {
    let citizen = app().login_citizen(phone);
    let resp = citizen.post_json(
        "/api/dossiers",
        &json!({
            "agency": agency_code("UBND xã Sơn Tây"),
            "procedure": "2.000815",
            "applicant": {"full_name": name, "id_number": id_number, "phone": phone, "address": "Thôn Tân Hương, xã Sơn Tây"},
            "inputs": {"pages": 2, "copies": 1}
        }),
    );
    assert_eq!(resp.status(), 201, "{}", resp.text().unwrap_or_default());
    let id = resp.json::<Value>().unwrap()["id"].as_str().unwrap().to_string();
    let code = code_of(&citizen, &id);
    (citizen, id, code)
}

fn receive(officer: &Session, id: &str) -> reqwest::blocking::Response {
    let documents = app().get("/api/procedures/2.000815").json::<Value>().unwrap()["documents"].clone();
    officer.post_json(&format!("/api/staff/dossiers/{id}/actions"), &json!({"action": "receive", "documents": documents}))
}

#[test]
fn a_dossiers_whole_life_reaches_the_portal_in_order_with_the_right_codes_and_its_rating_after() {
    let f = dossier_awaiting_payment("0916150001", "UBND xã Sơn Tây", "sontay.motcua");
    let id = f.dossier_id.clone();
    let code = code_of(&f.citizen, &id);
    // Rating before the result is returned is refused.
    let (err, _) = expect_error(f.citizen.post_json(&format!("/api/dossiers/{id}/rating"), &json!({"rating": "hai_long"})), 409);
    assert_eq!(err, "not_finished");
    let officer = &f.officer;
    assert_eq!(officer.post_json(&format!("/api/staff/dossiers/{id}/counter-payment"), &json!({})).status(), 200);
    assert_eq!(officer.post_json(&format!("/api/staff/dossiers/{id}/actions"), &json!({"action": "start_processing"})).status(), 200);
    let resp = app()
        .client
        .post(app().url(&format!("/api/staff/dossiers/{id}/results?name=ket-qua.pdf")))
        .header("cookie", &officer.cookie)
        .header("content-type", "application/pdf")
        .body(b"%PDF-1.4\n%%EOF\n".to_vec())
        .send()
        .unwrap();
    assert_eq!(resp.status(), 201);
    for action in ["return_result", "complete"] {
        assert_eq!(officer.post_json(&format!("/api/staff/dossiers/{id}/actions"), &json!({"action": action})).status(), 200);
    }
    // submitted, received, fee notified, paid, processing, result ready, returned, completed.
    let expected = ["1", "2", "6", "2", "4", "9", "10", "10"];
    let got = eventually("the whole life at the portal", || {
        let s = statuses(&code);
        (s.len() >= expected.len()).then_some(s)
    });
    assert_eq!(got, expected, "in order, each once");
    let messages = received(&code);
    assert_eq!(messages[0]["isUpdating"], "False", "the first message creates the dossier");
    assert!(messages[1..].iter().all(|m| m["isUpdating"] == "True"));
    let last = &messages[7]["body"]["data"][0];
    assert_eq!(last["MaTTHC"], "2.000815");
    assert_eq!(last["ChuHoSo"], "Nguyễn Văn An");
    assert_eq!(last["DuocThanhToanTrucTuyen"], "3", "paid at the counter");
    assert_eq!(last["DanhSachLePhi"].as_array().unwrap().iter().map(|l| l["Gia"].as_str().unwrap().parse::<i64>().unwrap()).sum::<i64>(), f.total);
    assert_eq!(last["DanhSachGiayToKetQua"][0]["TenGiayTo"], "ket-qua.pdf");
    assert!(last["NgayTra"].as_str().unwrap().len() == 14);
    assert!(messages[4]["body"]["data"][0]["TienDoXuLy"][0]["NguoiXuLy"].as_str().unwrap().len() > 0);
    assert!(!messages.iter().any(|m| m["body"].get("session").is_some()), "the sandbox keeps no session");

    // The citizen's rating follows the dossier's last state.
    let (err, field) = expect_error(f.citizen.post_json(&format!("/api/dossiers/{id}/rating"), &json!({"rating": "5 sao"})), 400);
    assert_eq!((err.as_str(), field.as_deref()), ("invalid", Some("rating")));
    assert_eq!(f.citizen.get(&format!("/api/dossiers/{id}")).json::<Value>().unwrap()["rating"], Value::Null, "not rated yet");
    let resp = f.citizen.post_json(&format!("/api/dossiers/{id}/rating"), &json!({"rating": "rat_hai_long", "comment": "Cán bộ hướng dẫn tận tình"}));
    assert_eq!(resp.status(), 201);
    let shown = f.citizen.get(&format!("/api/dossiers/{id}")).json::<Value>().unwrap()["rating"].clone();
    assert_eq!((shown["rating"].as_str(), shown["comment"].as_str()), (Some("rat_hai_long"), Some("Cán bộ hướng dẫn tận tình")), "the dossier shows its rating");
    let (err, _) = expect_error(f.citizen.post_json(&format!("/api/dossiers/{id}/rating"), &json!({"rating": "hai_long"})), 409);
    assert_eq!(err, "already_rated");
    let other = app().login_citizen("0916150009");
    assert_eq!(other.post_json(&format!("/api/dossiers/{id}/rating"), &json!({"rating": "hai_long"})).status(), 404);
    let rating = eventually("the rating at the portal", || received(&code).into_iter().find(|m| m["service"] == "DongBoDanhGia"));
    assert_eq!(rating["body"]["data"][0]["PhanTramDanhGia"]["RatHaiLong"], "100%");
    assert_eq!(rating["body"]["data"][0]["DanhSachNoiDungYKien"][0], "Cán bộ hướng dẫn tận tình");

    // The province's admin sees every message acknowledged; another province's admin nothing.
    let admin = app().login_staff("hatinh.admin");
    let items = eventually("all acknowledged", || {
        let items = sync_items(&admin, &code);
        items.iter().all(|i| i["state"] == "acknowledged").then_some(items)
    });
    assert_eq!(items.len(), 9);
    assert_eq!(items.iter().map(|i| i["attempts"].as_i64().unwrap()).collect::<Vec<_>>(), vec![1; 9], "each sent once");
    assert!(sync_items(&app().login_staff("haiduong.admin"), &code).is_empty());
    assert_eq!(officer.get("/api/admin/national-sync").status(), 404, "operators only");
    // The dashboard shows the acknowledged share beside the payment rate.
    let rates: Value = app().login_staff("hatinh.admin").get("/api/dashboard/rates?period=2026").json().unwrap();
    let summary = &rates["summary"];
    assert!(summary["national_total"].as_u64().unwrap() >= 1, "{summary}");
    assert!(summary["national_synced"].as_u64().unwrap() >= 1, "{summary}");
    assert_ne!(summary["national_rate_display"], "—");
}

#[test]
fn the_portal_down_for_an_hour_then_back_receives_everything_once_and_in_order() {
    let name = "Lê Văn Mất Mạng";
    control(json!({"mode": "down", "matching": name}));
    let (_citizen, id, code) = submit("0916150002", name, "042090005001");
    let officer = app().login_staff("sontay.motcua");
    let admin = app().login_staff("hatinh.admin");
    // The first attempt fails; the second message waits behind the first.
    let items = eventually("a first failed attempt", || {
        let items = sync_items(&admin, &code);
        (items.first().is_some_and(|i| i["attempts"] == 1 && i["state"] == "pending")).then_some(items)
    });
    assert_eq!(items[0]["error_code"], "server_error");
    assert!(items[0]["next_try_at"].is_string());
    assert_eq!(receive(&officer, &id).status(), 200);
    // An hour of retries on the ladder (1 min, 5 min, 15 min, 1 h): each a real attempt.
    for (n, wait) in [(2, 60), (3, 300), (4, 900), (5, 3600)] {
        age(&code, wait);
        eventually(&format!("attempt {n}"), || {
            let items = sync_items(&admin, &code);
            (items[0]["attempts"] == n && items[0]["state"] == "pending").then_some(())
        });
        let items = sync_items(&admin, &code);
        assert_eq!(items.len(), 2);
        assert_eq!(items[1]["attempts"], 0, "a later message is never sent before an earlier one");
    }
    assert!(statuses(&code).is_empty());
    // The portal comes back but hangs once: that attempt times out, the portal still records it.
    control(json!({"mode": "timeout", "matching": name, "remaining": 1}));
    age(&code, 3 * 3600);
    eventually("the timed-out attempt", || {
        let items = sync_items(&admin, &code);
        (items[0]["attempts"] == 6 && items[0]["state"] == "pending").then_some(())
    });
    assert_eq!(sync_items(&admin, &code)[0]["error_code"], "timeout");
    age(&code, 6 * 3600);
    let items = eventually("everything acknowledged", || {
        let items = sync_items(&admin, &code);
        items.iter().all(|i| i["state"] == "acknowledged").then_some(items)
    });
    assert_eq!(items[0]["attempts"], 7);
    assert_eq!(items[1]["attempts"], 1);
    assert_eq!(statuses(&code), ["1", "2"], "once each, in order, although the timed-out one arrived too");
}

#[test]
fn a_refused_message_is_listed_with_its_reason_blocks_the_dossier_and_is_retried_by_hand() {
    let name = "Trần Thị Bị Từ Chối";
    control(json!({"mode": "refuse", "matching": name, "message": "MaTTHC chưa được công bố"}));
    let (_citizen, id, code) = submit("0916150003", name, "042090005002");
    let admin = app().login_staff("hatinh.admin");
    let failed = eventually("the refusal", || sync_items(&admin, &code).into_iter().find(|i| i["state"] == "failed"));
    assert_eq!(failed["error_code"], "refused");
    assert!(failed["error"].as_str().unwrap().contains("MaTTHC chưa được công bố"), "{failed}");
    let list: Value = admin.get("/api/admin/national-sync?status=failed").json().unwrap();
    assert!(list["items"].as_array().unwrap().iter().any(|i| i["dossier_code"] == code.as_str()));
    assert!(list["failed"].as_i64().unwrap() >= 1);
    let (err, field) = expect_error(admin.get("/api/admin/national-sync?status=lost"), 400);
    assert_eq!((err.as_str(), field.as_deref()), ("invalid", Some("status")));
    // A later change waits behind the failed message.
    let officer = app().login_staff("sontay.motcua");
    assert_eq!(receive(&officer, &id).status(), 200);
    app().get(CRON);
    assert_eq!(sync_items(&admin, &code)[1]["state"], "pending");
    let sync_id = failed["id"].as_i64().unwrap();
    // The row lives in its dossier's province database, which the retry URL names with the id
    // (ids count per database).
    let shard = failed["shard"].as_str().unwrap().to_string();
    assert_eq!(shard.len(), 2, "{failed}");
    let key = format!("{shard}:{sync_id}");
    // Only the dossier's own province retries it, and only a failed message.
    assert_eq!(app().login_staff("haiduong.admin").post_json(&format!("/api/admin/national-sync/{key}/retry"), &json!({})).status(), 404);
    assert_eq!(officer.post_json(&format!("/api/admin/national-sync/{key}/retry"), &json!({})).status(), 404);
    // A key naming another province's database, or not a key at all, names no row.
    let other = if shard == "01" { "79" } else { "01" };
    for bad in [format!("{other}:{sync_id}"), format!("{shard}:x"), format!("99:{sync_id}"), "0".into()] {
        assert_eq!(admin.post_json(&format!("/api/admin/national-sync/{bad}/retry"), &json!({})).status(), 404, "{bad}");
    }
    control(json!({"mode": "ok", "matching": name}));
    let resp = admin.post_json(&format!("/api/admin/national-sync/{key}/retry"), &json!({}));
    assert_eq!(resp.status(), 200);
    let retried = resp.json::<Value>().unwrap();
    assert_eq!((retried["state"].as_str(), retried["shard"].as_str()), (Some("pending"), Some(shard.as_str())));
    // The bare id of before sharding still finds its row (in the legacy shard: here the one D1).
    let (err, _) = expect_error(admin.post_json(&format!("/api/admin/national-sync/{sync_id}/retry"), &json!({})), 409);
    assert_eq!(err, "not_failed");
    eventually("both acknowledged after the retry", || {
        sync_items(&admin, &code).iter().all(|i| i["state"] == "acknowledged").then_some(())
    });
    assert_eq!(statuses(&code), ["1", "2"]);
    let audit: Value = admin.get(&format!("/api/staff/audit?entity=national_sync&id={sync_id}")).json().unwrap();
    assert_eq!(audit[0]["action"], "national_sync.retry");
}

#[test]
fn a_status_change_made_twice_at_once_produces_one_message() {
    let (_citizen, id, code) = submit("0916150004", "Phạm Văn Hai Lần", "042090005003");
    let officers = [app().login_staff("sontay.motcua"), app().login_staff("sontay.motcua")];
    let statuses_of_calls: Vec<u16> = std::thread::scope(|s| {
        let handles: Vec<_> = officers.iter().map(|o| s.spawn(|| receive(o, &id).status().as_u16())).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut sorted = statuses_of_calls.clone();
    sorted.sort();
    assert_eq!(sorted, [200, 409], "{statuses_of_calls:?}");
    assert_eq!(app().d1_count(&format!("SELECT count(*) FROM national_sync WHERE dossier_id = '{id}'")), 2);
    let admin = app().login_staff("hatinh.admin");
    eventually("both acknowledged", || sync_items(&admin, &code).iter().all(|i| i["state"] == "acknowledged").then_some(()));
    assert_eq!(statuses(&code), ["1", "2"]);
}

#[test]
fn switching_the_sync_on_queues_each_older_dossier_once_in_its_latest_state() {
    let (_citizen, id, code) = submit("0916150005", "Đỗ Thị Hồ Sơ Cũ", "042090005004");
    let officer = app().login_staff("sontay.motcua");
    assert_eq!(receive(&officer, &id).status(), 200);
    let admin = app().login_staff("hatinh.admin");
    eventually("the first two sent", || sync_items(&admin, &code).iter().all(|i| i["state"] == "acknowledged").then_some(()));
    // As if the dossier had been handled before the sync existed: no messages, none received.
    app().d1_execute(&format!("DELETE FROM national_sync WHERE dossier_id = '{id}'"));
    app().d1_execute(&format!("DELETE FROM dev_dvcqg_received WHERE dossier = '{code}'"));
    assert_eq!(expect_error(admin.post_json("/api/admin/national-sync/backfill", &json!({})), 400).1.as_deref(), Some("agency"));
    let hai_duong = app().login_staff("haiduong.admin");
    assert_eq!(hai_duong.post_json(&format!("/api/admin/national-sync/backfill?agency={}", agency_code("UBND xã Sơn Tây")), &json!({})).status(), 404);
    // The province's top agency covers the commune below it.
    let province = agency_code("UBND xã Sơn Tây").replacen("000.10", "000.00", 1);
    let resp = admin.post_json(&format!("/api/admin/national-sync/backfill?agency={province}"), &json!({}));
    assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());
    assert!(resp.json::<Value>().unwrap()["queued"].as_i64().unwrap() >= 1);
    let again: Value = admin.post_json(&format!("/api/admin/national-sync/backfill?agency={province}"), &json!({})).json().unwrap();
    assert_eq!(again["queued"], 0, "twice adds nothing");
    eventually("the older dossier at the portal", || (!statuses(&code).is_empty()).then_some(()));
    let messages = received(&code);
    assert_eq!(messages.len(), 1);
    assert_eq!((messages[0]["status"].as_str(), messages[0]["isUpdating"].as_str()), (Some("2"), Some("False")), "created in its latest state");
}

/// Queue messages an older release queued still read: a portal nudge and a dead letter without
/// the shard they now carry (the consumer sweeps every database for such a nudge).
#[test]
fn portal_messages_queued_before_sharding_still_parse() {
    for message in [
        json!({"kind": "national_sync"}),
        json!({"kind": "national_sync", "shard": "42"}),
        json!({"kind": "national_sync_failed", "id": 7, "error_code": "refused"}),
        json!({"kind": "national_sync_failed", "shard": "42", "id": 7, "error_code": "refused"}),
    ] {
        let resp = app().post_json("/dev/outbox/enqueue", &message);
        assert_eq!(resp.status(), 200, "{message}: {}", resp.text().unwrap_or_default());
    }
    // What the consumer could not read is refused, not queued.
    assert_eq!(app().post_json("/dev/outbox/enqueue", &json!({"kind": "national_sync_failed", "shard": "42"})).status(), 400);
}
