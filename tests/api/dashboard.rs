//! The leaders' dashboard: seed 002 reproduced through the CSV import, scope (a Tứ Kỳ leader
//! sees nothing of Đồng Tháp), counters moved by a real settlement, CSV equal to JSON.

use motcua_domain::gateway::vnpay::sandbox::callback_query;
use serde_json::Value;

use crate::callbacks::{vnpay_config, vnpay_ipn, vnpay_result};
use crate::payments::dossier_awaiting_payment;
use crate::support::{agency_code, app, expect_error, root, Session};

const DONG_THAP: &str = "000.00.00.H20";
const SEED002_PERIOD: &str = "2023-01-01..2023-10-23";

fn import(who: &Session, csv: &str) -> reqwest::blocking::Response {
    app().client.post(app().url("/api/dashboard/import")).header("cookie", &who.cookie).header("content-type", "text/csv").body(csv.to_string()).send().unwrap()
}

fn get_json(who: &Session, path: &str) -> Value {
    let resp = who.get(path);
    assert_eq!(resp.status(), 200, "{path}: {}", resp.text().unwrap_or_default());
    resp.json().unwrap()
}

fn seed002() -> String {
    std::fs::read_to_string(root().join("tests/fixtures/seed002_dong_thap_2023.csv")).unwrap()
}

fn row<'a>(rates: &'a Value, code: &str) -> &'a Value {
    rates["rows"].as_array().unwrap().iter().find(|r| r["code"] == code).unwrap_or_else(|| panic!("no row {code} in {rates}"))
}

#[test]
fn seed_002_imported_shows_16_78_and_three_districts_above_target() {
    let admin = app().login_staff("dongthap.admin");
    let resp = import(&admin, &seed002());
    assert_eq!(resp.status(), 200, "{}", resp.text().unwrap_or_default());
    assert_eq!(resp.json::<Value>().unwrap()["imported"], 11);
    // Importing the same file again replaces, never doubles.
    assert_eq!(import(&admin, &seed002()).status(), 200);

    for period in [SEED002_PERIOD, "2023"] {
        let rates = get_json(&admin, &format!("/api/dashboard/rates?agency={DONG_THAP}&period={period}"));
        let s = &rates["summary"];
        assert_eq!((s["online"].as_u64(), s["other"].as_u64()), (Some(43_109), Some(213_830)), "{period}");
        assert_eq!(s["rate_display"], "16,78%");
        assert_eq!(s["below_target"], true);
        assert_eq!(rates["target_display"], "30,00%");
        let above: Vec<&str> =
            rates["rows"].as_array().unwrap().iter().filter(|r| r["below_target"] == false && r["total"].as_u64() > Some(0)).map(|r| r["name"].as_str().unwrap()).collect();
        assert_eq!(above, ["UBND thành phố Hồng Ngự", "UBND thành phố Cao Lãnh", "UBND huyện Tam Nông"], "sorted by rate");
        for (code, shown) in [
            ("000.00.53.H20", "62,59%"),
            ("000.00.51.H20", "36,02%"),
            ("000.00.56.H20", "35,29%"),
            ("000.00.62.H20", "20,51%"),
            ("000.00.54.H20", "13,52%"),
            ("000.00.58.H20", "10,58%"),
            ("000.00.59.H20", "7,11%"),
            ("000.00.60.H20", "7,45%"),
            ("000.00.61.H20", "7,46%"),
            ("000.00.57.H20", "5,99%"),
        ] {
            assert_eq!(row(&rates, code)["rate_display"], shown, "{code}");
        }
        // Seed 000's measure on this table: 10 of the 12 districts reported online payments.
        assert_eq!(rates["with_online_display"], "10/12");
    }
    // A month inside the range does not get the range's counts.
    let october = get_json(&admin, &format!("/api/dashboard/rates?agency={DONG_THAP}&period=2023-10"));
    assert_eq!(october["summary"]["total"], 0);

    // The national role opens on the country: one node above the provinces, each a row of it,
    // its figures their sum (only Đồng Tháp counted 2023 here).
    let national = app().login_staff("quocgia.admin");
    let country = get_json(&national, "/api/dashboard/rates?period=2023");
    let s = &country["summary"];
    assert_eq!((s["code"].as_str(), s["name"].as_str()), (Some("toan-quoc"), Some("Toàn quốc")), "{s}");
    assert_eq!((s["online"].as_u64(), s["other"].as_u64()), (Some(43_109), Some(213_830)), "{s}");
    let provinces: Vec<&str> = country["rows"].as_array().unwrap().iter().map(|r| r["code"].as_str().unwrap()).collect();
    assert!(provinces.len() >= 3 && provinces.iter().all(|c| c.starts_with("000.00.00.H")), "{provinces:?}");
    assert_eq!(row(&country, DONG_THAP)["rate_display"], "16,78%");
    let own = get_json(&national, &format!("/api/dashboard/rates?agency={DONG_THAP}&period=2023"));
    assert_eq!(own["parent"], "toan-quoc", "a province's view leads back to the country");
    // A provincial admin has one province: no such node.
    assert_eq!(admin.get("/api/dashboard/rates?agency=toan-quoc&period=2023").status(), 404);
}

#[test]
fn leaders_see_only_their_subtree_and_officers_nothing() {
    let leader = app().login_staff("tuky.lanhdao");
    let (code, field) = expect_error(leader.get(&format!("/api/dashboard/rates?agency={DONG_THAP}&period=2023")), 404);
    assert_eq!((code.as_str(), field.as_deref()), ("not_found", Some("agency")));
    for route in ["trend", "procedures", "coverage", "dormant", "overdue"] {
        expect_error(leader.get(&format!("/api/dashboard/{route}?agency={DONG_THAP}")), 404);
    }
    let resp = import(&leader, "agency,period,online,other\n000.00.00.H20,2023,1,1\n");
    assert_eq!(resp.status(), 400);
    let body: Value = resp.json().unwrap();
    assert_eq!(body["errors"][0]["code"], "agency_not_found");
    assert_eq!(body["errors"][0]["line"], 2);
    // The leader's own default is Tứ Kỳ with its 23 communes.
    let rates = get_json(&leader, "/api/dashboard/rates?period=2023");
    assert_eq!(rates["summary"]["name"], "UBND huyện Tứ Kỳ");
    assert_eq!(rates["units"], 23);
    let officer = app().login_staff("daison.motcua");
    expect_error(officer.get("/api/dashboard/rates"), 404);
    expect_error(app().get("/api/dashboard/rates"), 401);
}

#[test]
fn bad_inputs_answer_4xx_at_the_field() {
    let admin = app().login_staff("haiduong.admin");
    let (code, field) = expect_error(admin.get("/api/dashboard/rates?period=2023-13"), 400);
    assert_eq!((code.as_str(), field.as_deref()), ("invalid_period", Some("period")));
    let (_, field) = expect_error(admin.get("/api/dashboard/rates?format=xlsx"), 400);
    assert_eq!(field.as_deref(), Some("format"));
    let resp = import(&admin, "agency,period,online,other\n000.00.00.H23,2023,12x,5\n000.00.00.H23,2023-Q9,1,1\n");
    assert_eq!(resp.status(), 400);
    let body: Value = resp.json().unwrap();
    assert_eq!(body["error"]["code"], "invalid_rows");
    assert_eq!(body["error"]["field"], "online");
    let errs: Vec<(u64, &str)> = body["errors"].as_array().unwrap().iter().map(|e| (e["line"].as_u64().unwrap(), e["field"].as_str().unwrap())).collect();
    assert_eq!(errs, [(2, "online"), (3, "period")]);
}

/// The Vietnamese month of now, as the server counts it.
fn this_month() -> String {
    let now = time::OffsetDateTime::now_utc() + time::Duration::hours(7);
    format!("{:04}-{:02}", now.year(), u8::from(now.month()))
}

#[test]
fn a_settled_vnpay_payment_moves_the_counters_once() {
    let leader = app().login_staff("tuky.lanhdao");
    // No other test settles payments at Ngọc Kỳ, so the delta below is this test's alone.
    let ngoc_ky = agency_code("UBND xã Ngọc Kỳ");
    let month = this_month();
    let path = format!("/api/dashboard/rates?period={month}");
    let before = row(&get_json(&leader, &path), &ngoc_ky).clone();

    let f = dossier_awaiting_payment("0911000701", "UBND xã Ngọc Kỳ", "ngocky.motcua");
    let (reference, _) = f.start("vnpay");
    let query = callback_query(&vnpay_config(), &vnpay_result(&reference, f.total, "00"));
    assert_eq!(vnpay_ipn(&query)["RspCode"], "00");
    f.assert_paid_once();

    let after = row(&get_json(&leader, &path), &ngoc_ky).clone();
    assert_eq!(after["online"].as_u64().unwrap(), before["online"].as_u64().unwrap() + 1, "{before} → {after}");
    assert_eq!(after["other"], before["other"]);
    // A duplicate IPN changes nothing.
    assert_eq!(vnpay_ipn(&query)["RspCode"], "02");
    let again = row(&get_json(&leader, &path), &ngoc_ky).clone();
    assert_eq!(again["online"], after["online"]);
    // Drill-down to the procedure and the monthly trend see the same dossier.
    let procs = get_json(&leader, &format!("/api/dashboard/procedures?agency={ngoc_ky}&period={month}"));
    let p = procs.as_array().unwrap().iter().find(|p| p["code"] == "2.000815").expect("procedure row");
    assert!(p["online"].as_u64().unwrap() >= 1);
    let trend = get_json(&leader, &format!("/api/dashboard/trend?agency={ngoc_ky}&period={month}"));
    assert_eq!(trend["points"][0]["online"], after["online"]);
}

#[test]
fn csv_exports_match_the_json() {
    let admin = app().login_staff("dongthap.admin");
    assert_eq!(import(&admin, &seed002()).status(), 200);
    let path = format!("/api/dashboard/rates?agency={DONG_THAP}&period={SEED002_PERIOD}");
    let json = get_json(&admin, &path);
    let resp = admin.get(&format!("{path}&format=csv"));
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    assert!(resp.headers()["content-disposition"].to_str().unwrap().contains("attachment"));
    let text = resp.text().unwrap();
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines[0], "ma_co_quan,co_quan,truc_tuyen,khac,tong,ty_le,chi_tieu,dat_chi_tieu");
    let mut expected: Vec<&Value> = json["rows"].as_array().unwrap().iter().collect();
    expected.push(&json["summary"]);
    assert_eq!(lines.len() - 1, expected.len());
    for (line, r) in lines[1..].iter().zip(expected) {
        let cells = motcua_domain::dashboard::split_csv_line(line).unwrap();
        assert_eq!(cells[0], r["code"].as_str().unwrap());
        assert_eq!(cells[1], r["name"].as_str().unwrap());
        assert_eq!(cells[2], r["online"].to_string());
        assert_eq!(cells[3], r["other"].to_string());
        assert_eq!(cells[5], r["rate_display"].as_str().unwrap());
    }
    assert!(text.contains("000.00.00.H20,UBND tỉnh Đồng Tháp,43109,213830,256939,\"16,78%\",\"30,00%\",Chưa đạt"), "{text}");
    // Every other table answers CSV too.
    for route in ["trend", "procedures", "coverage", "dormant", "overdue"] {
        let resp = admin.get(&format!("/api/dashboard/{route}?agency={DONG_THAP}&format=csv"));
        assert_eq!(resp.status(), 200, "{route}");
        assert!(resp.text().unwrap().contains(','), "{route}");
    }
}

#[test]
fn coverage_counts_fee_procedures_and_missing_accounts() {
    // Seed 000: 8 of Tứ Kỳ's 23 communes pay online; the others have no beneficiary account.
    let leader = app().login_staff("tuky.lanhdao");
    let cov = get_json(&leader, "/api/dashboard/coverage");
    let rows = cov["rows"].as_array().unwrap();
    assert!(cov["with_fees"].as_u64().unwrap() > cov["with_online_payment"].as_u64().unwrap());
    assert_eq!(cov["complete"], false);
    let without: Vec<&Value> = rows.iter().filter(|r| r["has_account"] == false).collect();
    assert_eq!(without.len(), 15, "23 communes − 8 paying online");
    assert_eq!(cov["agencies_without_account"], 15);
    let dormant = get_json(&leader, "/api/dashboard/dormant");
    assert!(!dormant.as_array().unwrap().is_empty(), "demo data: most procedures have no dossier yet");
    let overdue = get_json(&leader, "/api/dashboard/overdue");
    assert_eq!(overdue[0]["overdue"].as_u64().is_some(), true);
}
