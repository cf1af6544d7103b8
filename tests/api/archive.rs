//! Archived months (#20 part 3) on the living demo's year: a closed month of Hà Tĩnh (shard 42)
//! leaves D1 for R2 step by step; the parts verify against the manifest, every dashboard view
//! answers byte for byte as before, the citizen still lists the dossier and the desk still
//! reads it (read-only, with its control sheet), a second run adds
//! nothing, and a month not yet closable is a 400 naming `month`.

use std::sync::OnceLock;

use motcua_domain::archive::{self, Manifest};
use reqwest::Method;
use serde_json::Value;

use crate::support::{checked, expect_error, Session, TestApp};

fn server() -> &'static TestApp {
    static APP: OnceLock<TestApp> = OnceLock::new();
    APP.get_or_init(|| TestApp::start_with(&["ACTIVITY:1"]))
}

fn call(who: &Session, method: Method, path: &str) -> reqwest::blocking::Response {
    checked(server().as_session(method, path, who).send().unwrap())
}

fn ok(resp: reqwest::blocking::Response) -> Value {
    let status = resp.status();
    let text = resp.text().unwrap_or_default();
    assert!(status.is_success(), "{status}: {text}\n{}", server().log_errors());
    serde_json::from_str(&text).unwrap()
}

/// The Vietnamese month `back` months before today's, `YYYY-MM`.
fn month_back(back: i32) -> String {
    let today = (time::OffsetDateTime::now_utc() + time::Duration::hours(7)).date();
    let i = today.year() * 12 + u8::from(today.month()) as i32 - 1 - back;
    format!("{:04}-{:02}", i.div_euclid(12), i.rem_euclid(12) + 1)
}

/// Every dashboard view, as text, for periods that hold the month, cross its edges or not.
fn dashboards(admin: &Session, month: &str) -> Vec<(String, String)> {
    let year = &month[..4];
    let (y, m): (i32, u8) = (year.parse().unwrap(), month[5..].parse().unwrap());
    let next = if m == 12 { format!("{}-01", y + 1) } else { format!("{y}-{:02}", m + 1) };
    let periods = [year.to_string(), month.to_string(), format!("{month}-10..{next}-05"), format!("{year}-01-01..{month}-15"), format!("{next}")];
    let views = ["rates", "trend", "procedures", "coverage", "dormant", "overdue", "bills", "intake", "ratings", "digitization"];
    let mut out = Vec::new();
    for p in &periods {
        for v in views {
            let path = format!("/api/dashboard/{v}?period={p}");
            let resp = call(admin, Method::GET, &path);
            let status = resp.status();
            out.push((path, format!("{status} {}", resp.text().unwrap())));
        }
    }
    out
}

#[test]
fn a_closed_month_leaves_the_database_and_every_report_reads_the_same() {
    let s = server();
    let admin = s.new_staff_session("hatinh.admin");
    let national = s.new_staff_session("quocgia.admin");
    // Not yet closable (three full months must have passed since its end), or not a month.
    let recent = month_back(3);
    let (code, field) = expect_error(call(&admin, Method::POST, &format!("/api/admin/archive/42/{recent}")), 400);
    assert_eq!((code.as_str(), field.as_deref()), ("month_not_closed", Some("month")));
    let (code, field) = expect_error(call(&admin, Method::POST, "/api/admin/archive/42/2026-13"), 400);
    assert_eq!((code.as_str(), field.as_deref()), ("invalid_format", Some("month")));
    // Another province's admin may not archive Hà Tĩnh; an officer may not either.
    assert_eq!(call(&s.new_staff_session("haiduong.admin"), Method::POST, "/api/admin/archive/42/2025-01").status(), 404);
    assert_eq!(call(&s.new_staff_session("sontay.motcua"), Method::POST, "/api/admin/archive/42/2025-01").status(), 404);

    let month = month_back(4);
    let finished_in_month = |extra: &str| {
        s.d1_count(&format!(
            "SELECT count(*) FROM dossiers d WHERE d.status IN ('completed', 'rejected', 'withdrawn') AND d.agency_code LIKE '%.H27' {extra} AND \
             strftime('%Y-%m', (SELECT max(at) FROM dossier_events e WHERE e.dossier_id = d.id), '+7 hours') = '{month}'"
        ))
    };
    let before_total = s.d1_count("SELECT count(*) FROM dossiers");
    let candidates = finished_in_month("");
    assert!(candidates > 0, "the demo year has dossiers finished in {month}");
    let before = dashboards(&admin, &month);
    let before_national = dashboards(&national, &month);

    // Archive step by step until done.
    let path = format!("/api/admin/archive/42/{month}");
    let mut run = Value::Null;
    let started = std::time::Instant::now();
    for _ in 0..40 {
        run = ok(call(&admin, Method::POST, &path));
        if run["state"] == "done" {
            break;
        }
    }
    assert_eq!(run["state"], "done", "{run}");
    eprintln!("archived {month} in {:?}: {run}", started.elapsed());
    let archived = run["dossiers"].as_i64().unwrap();
    assert!(archived > 0 && archived + run["skipped"].as_i64().unwrap() == candidates, "{run}: {candidates} finished in {month}");
    assert_eq!(ok(call(&admin, Method::GET, &path)), run);
    // Each step left an audit row filed under the province: its admin reads them, another
    // province's admin does not.
    let audit = ok(call(&admin, Method::GET, &format!("/api/staff/audit?entity=archive_run&id=42/{month}")));
    let steps = audit.as_array().unwrap();
    assert_eq!(steps.len() as i64, run["steps"].as_i64().unwrap(), "{audit}");
    assert_eq!((&steps[0]["username"], &steps[0]["after"]["state"]), (&Value::from("hatinh.admin"), &Value::from("done")), "{audit}");
    assert_eq!(steps[0]["after"]["dossiers"], run["dossiers"], "{audit}");
    let elsewhere = ok(call(&s.new_staff_session("haiduong.admin"), Method::GET, "/api/staff/audit?entity=archive_run"));
    assert_eq!(elsewhere, Value::Array(Vec::new()));

    // The rows left D1; what stays is the index, the summaries, the receipts' check codes.
    assert_eq!(s.d1_count("SELECT count(*) FROM archived_dossiers"), archived);
    assert_eq!(s.d1_count("SELECT count(*) FROM dossiers WHERE id IN (SELECT id FROM archived_dossiers)"), 0);
    assert_eq!(s.d1_count("SELECT count(*) FROM dossier_events WHERE dossier_id IN (SELECT id FROM archived_dossiers)"), 0);
    assert_eq!(s.d1_count("SELECT count(*) FROM bills WHERE dossier_id IN (SELECT id FROM archived_dossiers)"), 0);
    assert_eq!(s.d1_count("SELECT count(*) FROM dossiers"), before_total - archived);
    assert_eq!(finished_in_month(""), run["skipped"].as_i64().unwrap());
    assert!(s.d1_count("SELECT count(*) FROM archive_summaries") > 0);
    assert!(s.d1_count("SELECT count(*) FROM archived_receipts") > 0);

    // The manifest and every part it lists are in R2 and verify.
    let key = run["manifest_key"].as_str().unwrap();
    assert_eq!(key, archive::manifest_key(motcua_domain::shard::ShardId::parse("s", "42").unwrap(), &month));
    let manifest = Manifest::parse(&s.r2_object(key).expect("manifest in R2")).unwrap();
    assert_eq!(manifest.rows_by_table()["dossiers"], archived as u64);
    let rows: u64 = manifest.parts.iter().map(|p| p.rows).sum();
    assert_eq!(rows as i64, run["rows"].as_i64().unwrap());
    for part in &manifest.parts {
        let stored = s.r2_object(&part.object).unwrap_or_else(|| panic!("{} in R2", part.object));
        archive::verify_stored(part, &stored).unwrap();
        archive::verify_part(part, &gunzip(&stored)).unwrap();
    }

    // Every dashboard answer is unchanged, for the province's admin and the national one.
    for ((path, a), (_, b)) in before.iter().zip(dashboards(&admin, &month)) {
        assert_eq!(*a, b, "{path}");
    }
    for ((path, a), (_, b)) in before_national.iter().zip(dashboards(&national, &month)) {
        assert_eq!(*a, b, "{path}");
    }

    // A citizen still lists an archived dossier, marked archived.
    let owned = s.d1_query("SELECT a.id, c.phone FROM archived_dossiers a JOIN citizens c ON c.id = a.owner_citizen_id WHERE c.phone IS NOT NULL LIMIT 1");
    if let Some(row) = owned.first() {
        let (id, phone) = row.split_once('|').unwrap();
        let citizen = s.new_citizen_session(phone);
        let list = ok(call(&citizen, Method::GET, "/api/dossiers"));
        let item = list.as_array().unwrap().iter().find(|d| d["id"] == id).unwrap_or_else(|| panic!("{id} in {list}"));
        assert_eq!(item["archived"], true, "{item}");
        // Its detail comes from the archive: read-only, with its history.
        let detail = ok(call(&citizen, Method::GET, &format!("/api/dossiers/{id}")));
        assert_eq!((&detail["id"], &detail["archived"], &detail["payable"]), (&Value::from(id), &Value::from(true), &Value::from(false)), "{detail}");
        assert_eq!(detail["status"], item["status"]);
        assert!(!detail["timeline"].as_array().unwrap().is_empty(), "{detail}");
    }
    // The desk reads an archived dossier of its scope from the archive: read-only (nothing to
    // act on, no deadline running), with its history and control sheet; the officer who
    // handled it is named. Another province's staff do not find it.
    let row = s.d1_query(
        "SELECT a.id, a.agency_code FROM archived_dossiers a WHERE a.status = 'completed' AND a.agency_code IN \
           (SELECT sc.agency_code FROM staff_scopes sc JOIN staff st ON st.id = sc.staff_id WHERE st.role = 'officer') LIMIT 1",
    );
    let (id, agency) = row[0].split_once('|').unwrap();
    let officer = ok(call(&admin, Method::GET, &format!("/api/staff/dossiers/{id}")));
    assert_eq!((&officer["id"], &officer["archived"], &officer["agency_code"]), (&Value::from(id), &Value::from(true), &Value::from(agency)), "{officer}");
    assert_eq!(officer["status"], "completed");
    assert_eq!(officer["actions"], Value::Array(Vec::new()), "{officer}");
    assert!(officer["urgency"].is_null(), "{officer}");
    let steps = officer["steps"].as_array().unwrap();
    assert_eq!(steps.len(), officer["timeline"].as_array().unwrap().len(), "{officer}");
    assert_eq!(steps.last().unwrap()["status_label"], "Hoàn thành", "{officer}");
    assert!(steps.iter().any(|st| st["actor"].as_str().unwrap().ends_with(')')), "an officer named with the account: {steps:?}");
    assert_eq!(call(&s.new_staff_session("haiduong.admin"), Method::GET, &format!("/api/staff/dossiers/{id}")).status(), 404);

    // An archived receipt still verifies by its check code.
    let receipt = s.d1_query("SELECT verify_code, total, issued_at FROM archived_receipts LIMIT 1");
    let fields: Vec<&str> = receipt[0].split('|').collect();
    let checked = ok(s.get(&format!("/api/receipts/{}", fields[0])));
    assert_eq!((checked["total"].to_string(), checked["issued_at"].as_str()), (fields[1].to_string(), Some(fields[2])), "{checked}");
    assert!(checked["verify_url"].as_str().unwrap().ends_with(fields[0]), "{checked}");

    // A second run of the same month adds nothing.
    let again = ok(call(&national, Method::POST, &path));
    assert_eq!(again, run);
    assert_eq!(s.d1_count("SELECT count(*) FROM archived_dossiers"), archived);
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut child = std::process::Command::new("python3")
        .args(["-c", "import gzip, sys; sys.stdout.buffer.write(gzip.decompress(sys.stdin.buffer.read()))"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(bytes).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    out.stdout
}
