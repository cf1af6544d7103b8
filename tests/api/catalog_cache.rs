//! The catalog kept in the Worker's memory (functions/src/catalog/cache.rs) under the version in
//! `catalog_version`: an administrator's change, made in the back-office Worker, is seen by the
//! public list, procedure page and quote at once; a change made elsewhere (straight into D1) is
//! seen once the isolate reads the version again (15 s at most); answers from memory are the
//! same as answers read from D1.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::support::{agency_code, app, today_vn};

fn fixed_version(from: &str, basis: &str, amount: i64) -> Value {
    json!({"effective_from": from, "legal_basis": basis, "lines": [{
        "code": "fee", "name": "Phí thử nghiệm", "kind": "phi", "beneficiary": "agency", "legal_basis": basis,
        "rule": {"type": "fixed", "amount": amount}
    }]})
}

fn get_json(path: &str) -> Value {
    let resp = app().get(path);
    assert_eq!(resp.status(), 200, "{path}: {}", resp.text().unwrap_or_default());
    resp.json().unwrap()
}

/// A quote with the certified copy's inputs (a procedure that declares none ignores them).
fn quote(agency: &str, procedure: &str) -> Value {
    let resp = app().post_json("/api/fees/quote", &json!({"procedure": procedure, "agency": agency, "inputs": {"pages": 5, "copies": 3}}));
    assert_eq!(resp.status(), 200, "quote {procedure} at {agency}: {}", resp.text().unwrap_or_default());
    resp.json().unwrap()
}

fn listed<'a>(list: &'a Value, code: &str) -> Option<&'a Value> {
    list.as_array().unwrap().iter().find(|p| p["code"] == code)
}

#[test]
fn an_admins_change_is_seen_by_the_public_list_page_and_quote_at_once() {
    let national = app().login_staff("quocgia.admin");
    // A commune of this test's own, under Khánh Hòa (whose units no dashboard test counts),
    // handling the certified copy.
    let commune = COMMUNE;
    assert!(!get_json("/api/agencies").to_string().contains("UBND xã Bộ Nhớ"), "the tree is in memory before the agency exists");
    let resp = national.post_json(
        "/api/admin/agencies",
        &json!({"code": COMMUNE, "name": "UBND xã Bộ Nhớ", "level": "commune", "parent_code": KHANH_HOA}),
    );
    assert_eq!(resp.status(), 201, "{}", resp.text().unwrap_or_default());
    let resp = national.put_json(&format!("/api/admin/agencies/{COMMUNE}/procedures/2.000815"), &json!({"online_payment": true}));
    assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());
    let list_path = format!("/api/procedures?agency={commune}");
    // Warm: the agency's list, the whole catalogue and a quote are in memory now.
    for _ in 0..3 {
        assert!(listed(&get_json(&list_path), "1.999301").is_none());
        assert!(listed(&get_json("/api/procedures"), "1.999301").is_none());
        quote(&commune, "2.000815");
    }

    let procedure = json!({"code": "1.999301", "name": "Thủ tục bộ nhớ đệm thử nghiệm", "level": "commune", "processing_days": 2, "documents": ["Tờ khai"], "legal_basis": "Thử nghiệm"});
    let resp = national.post_json("/api/admin/procedures", &procedure);
    assert_eq!(resp.status(), 201, "{}", resp.text().unwrap_or_default());
    assert_eq!(get_json("/api/procedures/1.999301")["name"], "Thủ tục bộ nhớ đệm thử nghiệm");
    assert!(listed(&get_json("/api/procedures"), "1.999301").is_some(), "the whole catalogue lists it at once");

    let resp = national.post_json("/api/admin/procedures/1.999301/fee-versions", &fixed_version(&today_vn(), "Thông tư thử nghiệm", 40_000));
    assert_eq!(resp.status(), 201, "{}", resp.text().unwrap_or_default());
    let resp = national.put_json(&format!("/api/admin/agencies/{commune}/procedures/1.999301"), &json!({"online_payment": true}));
    assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());
    let list = get_json(&list_path);
    let entry = listed(&list, "1.999301").expect("the agency lists the procedure at once");
    assert_eq!((entry["has_fees"].as_bool(), entry["online_payment"].as_bool()), (Some(true), Some(true)));
    assert_eq!(quote(&commune, "1.999301")["total"], 40_000);

    // The province's own version, the name, the online-payment flag: each seen on the next read.
    let resp = national.post_json(&format!("/api/admin/procedures/1.999301/fee-versions?province={KHANH_HOA}"), &fixed_version(&today_vn(), "Nghị quyết HĐND tỉnh thử nghiệm", 25_000));
    assert_eq!(resp.status(), 201, "{}", resp.text().unwrap_or_default());
    assert_eq!(quote(&commune, "1.999301")["total"], 25_000);
    let page = get_json(&format!("/api/procedures/1.999301?agency={commune}"));
    assert!(page["fee_schedule"].to_string().contains("HĐND tỉnh thử nghiệm"), "{page}");

    let mut renamed = procedure.clone();
    renamed["name"] = json!("Thủ tục bộ nhớ đệm thử nghiệm (đã sửa)");
    let resp = national.put_json("/api/admin/procedures/1.999301", &renamed);
    assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());
    assert_eq!(listed(&get_json(&list_path), "1.999301").unwrap()["name"], "Thủ tục bộ nhớ đệm thử nghiệm (đã sửa)");
    assert_eq!(get_json("/api/procedures/1.999301")["name"], "Thủ tục bộ nhớ đệm thử nghiệm (đã sửa)");

    let resp = national.put_json(&format!("/api/admin/agencies/{commune}/procedures/1.999301"), &json!({"online_payment": false}));
    assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());
    assert_eq!(listed(&get_json(&list_path), "1.999301").unwrap()["online_payment"], false);

    // A new agency and its new name, in the tree at once.
    let tree = get_json("/api/agencies").to_string();
    assert!(tree.contains("UBND xã Bộ Nhớ"), "created above, after the tree was first read");
    let resp = national.put_json(&format!("/api/admin/agencies/{COMMUNE}"), &json!({"code": COMMUNE, "name": "UBND xã Bộ Nhớ Mới", "level": "commune"}));
    assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());
    assert!(get_json("/api/agencies").to_string().contains("UBND xã Bộ Nhớ Mới"));
}

/// This file's commune (a code no other test uses), under Khánh Hòa.
const COMMUNE: &str = "000.93.51.H32";
const KHANH_HOA: &str = "000.00.00.H32";

#[test]
fn answers_from_memory_are_the_answers_read_from_d1() {
    // Sơn Tây's procedures and the certified copy's fees, which no test changes (the whole
    // catalogue and the agency tree change while other tests run).
    let son_tay = agency_code("UBND xã Sơn Tây");
    let paths = [
        format!("/api/procedures?agency={son_tay}"),
        format!("/api/procedures?agency={son_tay}&q=chung%20thuc"),
        format!("/api/procedures?agency={son_tay}&q=KHAI%20SINH"),
        "/api/procedures/2.000815".to_string(),
        format!("/api/procedures/2.000815?agency={son_tay}"),
    ];
    // An administrator's change of the catalog (the commune saved as it is: the version moves)
    // empties the memory, so the first answers below are read from D1 and the next from memory.
    let admin = app().login_staff("hatinh.admin");
    let resp = admin.put_json(&format!("/api/admin/agencies/{son_tay}"), &json!({"code": son_tay, "name": "UBND xã Sơn Tây", "level": "commune"}));
    assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());
    let cold: Vec<Value> = paths.iter().map(|p| get_json(p)).collect();
    let cold_quote = quote(&son_tay, "2.000815");
    for _ in 0..3 {
        for (path, first) in paths.iter().zip(&cold) {
            assert_eq!(&get_json(path), first, "{path}");
        }
        assert_eq!(quote(&son_tay, "2.000815"), cold_quote);
    }
    assert!(cold[0].as_array().is_some_and(|l| l.len() >= 5), "{}", cold[0]);
    assert!(cold[2].as_array().is_some_and(|l| !l.is_empty()), "{}", cold[2]);
    assert!(cold_quote["total"].as_i64().is_some_and(|t| t > 0), "{cold_quote}");
    // Refusals are the same from memory too.
    for _ in 0..2 {
        assert_eq!(app().get("/api/procedures?agency=000.99.99.H99").status(), 404);
        assert_eq!(app().get("/api/procedures/9.999999").status(), 404);
        let resp = app().post_json("/api/fees/quote", &json!({"procedure": "9.999999", "agency": son_tay, "inputs": {}}));
        assert_eq!(resp.status(), 404);
    }
}

/// A change that does not pass through this Worker (another isolate of the public Worker in
/// production; here, a row written straight into D1, whose triggers move the version) is seen
/// once the isolate reads the version again: within its 15 s.
#[test]
fn a_change_made_elsewhere_is_seen_once_the_version_is_read_again() {
    let national = app().login_staff("quocgia.admin");
    let procedure = json!({"code": "1.999302", "name": "Thủ tục đổi tên ngoài hệ thống", "level": "commune", "processing_days": 2, "documents": ["Tờ khai"], "legal_basis": "Thử nghiệm"});
    let resp = national.post_json("/api/admin/procedures", &procedure);
    assert_eq!(resp.status(), 201, "{}", resp.text().unwrap_or_default());
    assert_eq!(get_json("/api/procedures/1.999302")["name"], "Thủ tục đổi tên ngoài hệ thống");

    // Without the trigger moving the version, the memo would keep the old name for ever.
    app().d1_execute("UPDATE procedures SET name = 'Thủ tục đã đổi tên trong D1' WHERE code = '1.999302'");
    let started = Instant::now();
    loop {
        if get_json("/api/procedures/1.999302")["name"] == "Thủ tục đã đổi tên trong D1" {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "the change was not seen within 30 s (the memo's TTL is 15 s)");
        std::thread::sleep(Duration::from_millis(500));
    }
}
