//! `POST /api/fees/quote`: the amounts a citizen sees, checked from outside the app.

use serde_json::{json, Value};

use crate::support::{agency_code, app, expect_error};

fn quote(body: Value) -> reqwest::blocking::Response {
    app().post_json("/api/fees/quote", &body)
}

#[test]
fn certified_copies_cost_what_circular_226_says() {
    let son_tay = agency_code("UBND xã Sơn Tây");
    // 2.000 đ/page for pages 1–2, 1.000 đ from page 3 (Thông tư 226/2016/TT-BTC).
    for (pages, copies, total) in [(5, 1, 7_000), (5, 3, 21_000), (198, 1, 200_000), (250, 1, 200_000)] {
        let resp = quote(json!({"procedure": "2.000815", "agency": son_tay, "inputs": {"pages": pages, "copies": copies}}));
        assert_eq!(resp.status(), 200);
        let body: Value = resp.json().unwrap();
        assert_eq!(body["total"], total, "{pages} pages × {copies}");
        let lines = body["lines"].as_array().unwrap();
        assert!(!lines.is_empty());
        assert!(lines[0]["legal_basis"].as_str().unwrap().contains("226/2016/TT-BTC"));
        let sum: i64 = lines.iter().map(|l| l["amount"].as_i64().unwrap()).sum();
        assert_eq!(sum, total, "lines add up to the total");
    }
}

#[test]
fn registration_fee_on_land_is_half_a_percent_of_the_value() {
    let huong_son = agency_code("UBND huyện Hương Sơn");
    let resp = quote(json!({"procedure": "1.013831", "agency": huong_son, "inputs": {"value": 2_000_000_000i64}}));
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().unwrap();
    let lines = body["lines"].as_array().unwrap();
    let le_phi = lines.iter().find(|l| l["kind"] == "le_phi" && l["amount"] == 10_000_000).expect("lệ phí trước bạ line");
    assert!(le_phi["legal_basis"].as_str().unwrap().contains("10/2022/NĐ-CP"));
}

#[test]
fn a_missing_or_invalid_input_names_the_input() {
    let son_tay = agency_code("UBND xã Sơn Tây");
    let (_, field) = expect_error(quote(json!({"procedure": "2.000815", "agency": son_tay, "inputs": {"copies": 1}})), 400);
    assert_eq!(field.as_deref(), Some("inputs.pages"));
    let huong_son = agency_code("UBND huyện Hương Sơn");
    let (_, field) = expect_error(quote(json!({"procedure": "1.013831", "agency": huong_son, "inputs": {"value": -5}})), 400);
    assert_eq!(field.as_deref(), Some("inputs.value"));
}

#[test]
fn unknown_or_unhandled_procedures_and_bad_bodies_are_refused() {
    let son_tay = agency_code("UBND xã Sơn Tây");
    let (code, field) = expect_error(quote(json!({"procedure": "9.999999", "agency": son_tay})), 404);
    assert_eq!((code.as_str(), field.as_deref()), ("not_found", Some("procedure")));
    let (code, field) = expect_error(quote(json!({"procedure": "1.013831", "agency": son_tay, "inputs": {"value": 1}})), 400);
    assert_eq!((code.as_str(), field.as_deref()), ("not_handled", Some("procedure")));
    let (code, field) = expect_error(quote(json!({"procedure": "2.000815", "agency": "000.99.99.H99"})), 404);
    assert_eq!((code.as_str(), field.as_deref()), ("not_found", Some("agency")));
    let (code, field) = expect_error(app().post_raw("/api/fees/quote", "application/json", "{not json"), 400);
    assert_eq!((code.as_str(), field.as_deref()), ("malformed_json", Some("body")));
}
