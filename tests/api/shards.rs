//! One database per province (#20, docs/SHARDING.md step 6), on a server of its own: Hải Phòng
//! (31, where Hải Dương's communes went) and Khánh Hòa (56) have databases of their own
//! (`SHARDS:31,56`), while the demo's rows stay in `DB`, which also stands in for Hà Tĩnh (42,
//! the legacy shard, not bound). What a province writes must land in its own file and nowhere
//! else, and everything must still read as one product: the citizen's list, a provider's
//! callback, the desk, the national dashboard.

use std::sync::OnceLock;

use motcua_domain::gateway::vnpay::sandbox::callback_query;
use reqwest::Method;
use serde_json::{json, Value};

use crate::callbacks::{daison_vnpay_config, vnpay_config, vnpay_result};
use crate::support::{Session, TestApp};

const DAI_SON: &str = "000.02.51.H23"; // Hải Dương → Hải Phòng's shard, 31
const SON_TAY: &str = "000.10.51.H27"; // Hà Tĩnh, 42: DB stands in for it

fn server() -> &'static TestApp {
    static SERVER: OnceLock<TestApp> = OnceLock::new();
    SERVER.get_or_init(|| TestApp::start_with(&["SHARDS:31,56"]))
}

fn call(session: &Session, method: Method, path: &str, body: Option<&Value>) -> Value {
    let mut req = server().as_session(method, path, session);
    if let Some(b) = body {
        req = req.json(b);
    }
    let resp = req.send().unwrap();
    let status = resp.status().as_u16();
    let text = resp.text().unwrap_or_default();
    assert!((200..300).contains(&status), "{path}: {status} {text}\n{}", server().log_errors());
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

fn submit(citizen: &Session, agency: &str, phone: &str) -> String {
    let body = json!({
        "agency": agency,
        "procedure": "2.000815",
        "applicant": {"full_name": "Nguyễn Văn An", "id_number": "042090001234", "phone": phone, "address": "Thôn 1"},
        "inputs": {"pages": 5, "copies": 3}
    });
    call(citizen, Method::POST, "/api/dossiers", Some(&body))["id"].as_str().unwrap().to_string()
}

/// Where a row with this id is: (in the national file, in a province's own file).
fn placed(table: &str, id: &str) -> (usize, usize) {
    let per = server().d1_query_per_database(&format!("SELECT id FROM {table} WHERE id = '{id}'"));
    let national = per.iter().filter(|(n, rows)| *n && !rows.is_empty()).count();
    let shard = per.iter().filter(|(n, rows)| !*n && !rows.is_empty()).count();
    (national, shard)
}

#[test]
fn each_province_writes_its_own_database_and_the_product_reads_as_one() {
    let s = server();
    // Three databases hold dossiers: the national one and the two provinces'.
    assert_eq!(s.d1_query_per_database("SELECT 1").len(), 3);
    let phone = "0911020001";
    let citizen = s.new_citizen_session(phone);

    // A dossier of Đại Sơn names Hải Phòng's shard and is written there only; one of Sơn Tây
    // names Hà Tĩnh's, whose rows are (still) in DB.
    let dai_son = submit(&citizen, DAI_SON, phone);
    assert!(dai_son.starts_with("s31"), "{dai_son}");
    assert_eq!(placed("dossiers", &dai_son), (0, 1));
    let son_tay = submit(&citizen, SON_TAY, phone);
    assert!(son_tay.starts_with("s42"), "{son_tay}");
    assert_eq!(placed("dossiers", &son_tay), (1, 0));

    // The citizen's list asks every database.
    let mine = call(&citizen, Method::GET, "/api/dossiers", None);
    let ids: Vec<&str> = mine.as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&dai_son.as_str()) && ids.contains(&son_tay.as_str()), "{ids:?}");

    // Đại Sơn's desk receives it and sends the fee notice, in the shard.
    let officer = s.new_staff_session("daison.motcua");
    let detail = call(&officer, Method::GET, &format!("/api/staff/dossiers/{dai_son}"), None);
    assert_eq!(detail["agency_name"], "UBND xã Đại Sơn", "names come from the national catalog");
    let documents = call(&officer, Method::GET, "/api/procedures/2.000815", None)["documents"].clone();
    call(&officer, Method::POST, &format!("/api/staff/dossiers/{dai_son}/actions"), Some(&json!({"action": "receive", "documents": documents})));
    let notice = call(&officer, Method::POST, &format!("/api/staff/dossiers/{dai_son}/fee-notice"), Some(&json!({})));
    assert_eq!(notice["status"], "fee_notified", "{notice}");
    let total = notice["fee_notice"]["total"].as_i64().expect("a total");

    // The payment's reference names the shard; VNPay's callback settles it there, once.
    let started = call(&citizen, Method::POST, &format!("/api/dossiers/{dai_son}/payments"), Some(&json!({"provider": "vnpay"})));
    let reference = started["payment"]["reference"].as_str().unwrap().to_string();
    assert!(reference.starts_with("MCS31"), "{reference}");
    let payment_id = started["payment"]["id"].as_str().unwrap().to_string();
    assert_eq!(placed("payments", &payment_id), (0, 1));
    let query = callback_query(&daison_vnpay_config(), &vnpay_result(&reference, total, "00"));
    let ipn: Value = s.get(&format!("/api/payments/vnpay/ipn?{query}")).json().unwrap();
    assert_eq!(ipn["RspCode"], "00", "{ipn}\n{}", s.log_errors());
    let again: Value = s.get(&format!("/api/payments/vnpay/ipn?{query}")).json().unwrap();
    assert_eq!(again["RspCode"], "02");
    let mine = call(&citizen, Method::GET, &format!("/api/dossiers/{dai_son}"), None);
    assert_eq!(mine["status"], "paid", "{mine}");
    // The receipt's collector and series are the agency's, read from the national side.
    crate::money::assert_legal_receipt(&mine["receipt"], total);
    let settled = s.d1_query_per_database(&format!("SELECT count(*) FROM settlements s JOIN payments p ON p.id = s.payment_id WHERE p.reference = '{reference}'"));
    let counts: Vec<(bool, String)> = settled.into_iter().map(|(n, rows)| (n, rows.concat())).collect();
    assert!(counts.contains(&(false, "1".into())) && !counts.iter().any(|(n, c)| *n && c != "0"), "{counts:?}");

    // A reference made before sharding (no shard in it) still finds its payment: the legacy
    // shard answers, as for every old reference; an unknown one is "order not found".
    let unknown = callback_query(&vnpay_config(), &vnpay_result("MC0000000000TEST", 1000, "00"));
    let v: Value = s.get(&format!("/api/payments/vnpay/ipn?{unknown}")).json().unwrap();
    assert_eq!(v["RspCode"], "01", "{v}");

    // The national admin's dashboard reads every province: Đại Sơn's online payment this month
    // is in it, and equals what Hải Dương's own admin sees.
    let month = {
        let now = time::OffsetDateTime::now_utc() + time::Duration::hours(7);
        format!("{:04}-{:02}", now.year(), u8::from(now.month()))
    };
    let row_of = |who: &Session| -> Value {
        let rates = call(who, Method::GET, &format!("/api/dashboard/rates?agency=000.00.51.H23&period={month}"), None);
        rates["rows"].as_array().unwrap().iter().find(|r| r["code"] == DAI_SON).cloned().unwrap_or_else(|| panic!("{rates}"))
    };
    let national = row_of(&s.new_staff_session("quocgia.admin"));
    let provincial = row_of(&s.new_staff_session("haiduong.admin"));
    assert!(national["online"].as_u64().unwrap() >= 1, "{national}");
    // The payment counts (the portal-sync ones move on their own, as the sweep runs).
    let counts = |r: &Value| (r["online"].clone(), r["other"].clone(), r["total"].clone(), r["rate"].clone());
    assert_eq!(counts(&national), counts(&provincial));

    // A dossier made before sharding that the migration moved to 31: its old id (32 hex digits)
    // names no shard, so the legacy shard is asked, and its `legacy_routes` row says where it went.
    let old = "0123456789abcdef0123456789abcdef";
    // The columns, once (each database with dossiers answers them all).
    let mut columns = s.d1_query("SELECT name FROM pragma_table_info('dossiers')");
    let once = columns.iter().skip(1).position(|c| *c == columns[0]).map_or(columns.len(), |p| p + 1);
    columns.truncate(once);
    let copied: Vec<String> = columns
        .iter()
        .map(|c| match c.as_str() {
            "id" => format!("'{old}'"),
            "code" => "code || '-L'".to_string(),
            c => c.to_string(),
        })
        .collect();
    s.d1_script_in(false, &[&format!("INSERT INTO dossiers ({}) SELECT {} FROM dossiers WHERE id = '{dai_son}'", columns.join(", "), copied.join(", "))]);
    let missing = s.as_session(Method::GET, &format!("/api/dossiers/{old}"), &citizen).send().unwrap();
    assert_eq!(missing.status(), 404, "without its route the legacy shard does not have it");
    s.d1_script_in(true, &[&format!("INSERT INTO legacy_routes (key, shard) VALUES ('{old}', '31')")]);
    let found = call(&citizen, Method::GET, &format!("/api/dossiers/{old}"), None);
    assert_eq!((found["id"].as_str(), found["agency_code"].as_str()), (Some(old), Some(DAI_SON)), "{found}");
}

/// During a cut-over the rows a migration copied to a province's new database are still in `DB`
/// until the clean-up. Every read across provinces keeps from each database only the agencies it
/// is the home of, so nothing is counted or listed twice meanwhile.
#[test]
fn rows_left_behind_in_db_by_a_cut_over_are_not_counted_twice() {
    const NGOC_KY: &str = "000.04.51.H23"; // Hải Dương → 31, used by no other test here
    let s = server();
    let phone = "0911020002";
    let citizen = s.new_citizen_session(phone);
    let id = submit(&citizen, NGOC_KY, phone);
    assert_eq!(placed("dossiers", &id), (0, 1));
    let officer = s.new_staff_session("ngocky.motcua");
    let national = s.new_staff_session("quocgia.admin");
    let month = {
        let now = time::OffsetDateTime::now_utc() + time::Duration::hours(7);
        format!("{:04}-{:02}", now.year(), u8::from(now.month()))
    };
    let seen = || {
        let listed = call(&citizen, Method::GET, "/api/dossiers", None).as_array().unwrap().iter().filter(|d| d["id"] == id.as_str()).count();
        let inbox = call(&officer, Method::GET, "/api/staff/dossiers", None);
        let tabs: Vec<(String, i64)> = inbox["counts"].as_array().unwrap().iter().map(|c| (c["tab"].as_str().unwrap().to_string(), c["count"].as_i64().unwrap())).collect();
        let in_items = inbox["items"].as_array().unwrap().iter().filter(|d| d["id"] == id.as_str()).count();
        let intake = call(&national, Method::GET, &format!("/api/dashboard/intake?agency={NGOC_KY}&period={month}"), None);
        (listed, tabs, in_items, intake["summary"]["total"].as_u64().unwrap())
    };
    let before = seen();
    assert_eq!((before.0, before.2), (1, 1), "{before:?}");
    assert!(before.3 >= 1, "{before:?}");
    // The migration's copy, left in DB: the dossier and its agency's counters.
    s.d1_copy_to_national("dossiers", &format!("id = '{id}'"));
    s.d1_copy_to_national("intake_counters", &format!("agency_code = '{NGOC_KY}'"));
    assert_eq!(placed("dossiers", &id), (1, 1), "the copy is in both files");
    assert_eq!(seen(), before, "read once, from its province's own database");
}

/// An upload made in one database (before the app said the agency, or for another province's
/// dossier) and attached to a dossier of another: submission moves its row into the dossier's
/// database (`upload::routes::claim_moved`), so it is in exactly one place; the file downloads, and
/// a second submission naming it is refused at its `files[i]`.
#[test]
fn an_upload_made_in_another_database_moves_with_the_dossier_it_joins() {
    let s = server();
    let phone = "0911020003";
    let citizen = s.new_citizen_session(phone);
    let jpeg = crate::uploads::JPEG;
    let upload = |agency: &str| -> String {
        let resp = s
            .as_session(Method::POST, "/api/uploads", &citizen)
            .header("content-type", "image/jpeg")
            .header("x-file-name", "giay-to.jpg")
            .header("x-agency", agency)
            .body(jpeg.to_vec())
            .send()
            .unwrap();
        assert_eq!(resp.status(), 201, "{}", s.log_errors());
        resp.json::<Value>().unwrap()["id"].as_str().unwrap().to_string()
    };
    // Made for Sơn Tây (42: DB), attached to a dossier of Đại Sơn (31: its own database).
    let file = upload(SON_TAY);
    assert!(file.starts_with("s42"), "{file}");
    assert_eq!(placed("uploads", &file), (1, 0));
    let body = json!({
        "agency": DAI_SON,
        "procedure": "2.000815",
        "applicant": {"full_name": "Nguyễn Văn An", "id_number": "042090001234", "phone": phone, "address": "Thôn 1"},
        "inputs": {"pages": 5, "copies": 3},
        "files": [file],
    });
    let dossier = call(&citizen, Method::POST, "/api/dossiers", Some(&body));
    let id = dossier["id"].as_str().unwrap();
    assert!(id.starts_with("s31"), "{id}");
    assert_eq!(dossier["files"][0]["id"], file.as_str(), "{dossier}");
    assert_eq!(placed("uploads", &file), (0, 1), "moved into the dossier's database, and only there");
    let bytes = s.as_session(Method::GET, &format!("/api/dossiers/{id}/files/{file}"), &citizen).send().unwrap().bytes().unwrap();
    assert_eq!(bytes.as_ref(), jpeg);
    // Taken: another dossier naming it is refused at files[0], in either province.
    for agency in [DAI_SON, SON_TAY] {
        let mut again = body.clone();
        again["agency"] = json!(agency);
        let resp = s.as_session(Method::POST, "/api/dossiers", &citizen).json(&again).send().unwrap();
        assert!(resp.status().is_client_error(), "{agency}: {}", resp.status());
        let err: Value = resp.json().unwrap();
        assert_eq!(err["error"]["field"], "files[0]", "{err}");
    }
}

/// The nudge after a write names the database written (`platform::db::take_written`): the
/// submission of a Đại Sơn dossier reaches the portal from Hải Phòng's own database through the
/// queue alone, with no cron run to sweep.
#[test]
fn the_portal_nudge_after_a_write_sweeps_the_database_written() {
    let s = server();
    let phone = "0911020004";
    let citizen = s.new_citizen_session(phone);
    let body = json!({
        "agency": DAI_SON,
        "procedure": "2.000815",
        "applicant": {"full_name": "Nguyễn Văn An", "id_number": "042090001234", "phone": phone, "address": "Thôn 1"},
        "inputs": {"pages": 5, "copies": 3}
    });
    let code = call(&citizen, Method::POST, "/api/dossiers", Some(&body))["code"].as_str().unwrap().to_string();
    let start = std::time::Instant::now();
    loop {
        let got: Vec<Value> = s.get(&format!("/sandbox/dvcqg/received?dossier={code}")).json().unwrap();
        if got.iter().any(|m| m["service"] == "DongBoHoSoMC") {
            break;
        }
        assert!(start.elapsed() < std::time::Duration::from_secs(30), "not sent without the cron\n{}", s.log_errors());
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
}
