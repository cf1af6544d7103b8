use crate::support::{app, expect_error};
use motcua_domain::api::Health;

#[test]
fn health_reports_version_and_every_binding() {
    let resp = app().get("/api/health");
    assert_eq!(resp.status(), 200);
    let health: Health = resp.json().unwrap();
    assert_eq!(health.version, "0.1.0");
    assert!(health.d1 && health.r2 && health.sequences, "{health:?}");
    // The national database first, then each province's database once: with no `DB_Pnn` bound
    // the provinces' stand-in is `DB` itself, asked once for all.
    let asked: Vec<(&str, &str, bool)> = health.databases.iter().map(|d| (d.binding.as_str(), d.home.as_str(), d.ok)).collect();
    assert_eq!(asked.first(), Some(&("DB", "national", true)), "{health:?}");
    assert!(asked.iter().skip(1).any(|d| d.1 == "shard"), "{health:?}");
    assert!(asked.iter().all(|d| d.2), "{health:?}");
    let shards: Vec<&str> = asked.iter().filter(|d| d.1 == "shard").map(|d| d.0).collect();
    let mut once = shards.clone();
    once.dedup();
    assert_eq!(shards, once, "each database asked once: {health:?}");
}

#[test]
fn unknown_api_routes_answer_404_json_never_the_app() {
    for path in ["/api/nope", "/api/agencies/extra/segments", "/api/"] {
        let (code, _) = expect_error(app().get(path), 404);
        assert_eq!(code, "route_not_found", "{path}");
    }
    let (code, _) = expect_error(app().post_raw("/api/health", "application/json", "{}"), 404);
    assert_eq!(code, "route_not_found");
}

/// The runtime maps a method it does not know (`QUERY`, `PROPFIND`) to GET; the router must not
/// answer it as one (found by schemathesis: `QUERY /api/staff/dossiers` listed the inbox).
#[test]
fn unknown_methods_are_not_taken_for_get() {
    for method in ["QUERY", "PROPFIND"] {
        let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let resp = app().client.request(m, app().url("/api/ping")).send().unwrap();
        let (code, _) = expect_error(resp, 404);
        assert_eq!(code, "route_not_found", "{method}");
    }
}

/// `GET /api/openapi.json` serves the committed document (functions/openapi.json).
#[test]
fn openapi_document_is_served() {
    let resp = app().get("/api/openapi.json");
    assert_eq!(resp.status(), 200);
    let doc: serde_json::Value = resp.json().unwrap();
    let committed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(crate::support::root().join("functions/openapi.json")).unwrap()).unwrap();
    assert_eq!(doc, committed);
    assert_eq!(doc["openapi"], "3.1.0");
}

#[test]
fn app_routes_fall_back_to_the_single_page_app() {
    // The landing pages are written by the Worker (no wasm: their own small script); every
    // other page is the whole app.
    for (path, written) in [
        ("/", true),
        ("/?agency=000.10.51.H27", true),
        ("/co-quan", true),
        ("/thu-tuc/2.000815", true),
        ("/thu-tuc/2.000815/nop?agency=000.10.51.H27", false),
        ("/ho-so", false),
        ("/ho-so/abc", false),
        ("/tai-khoan", false),
    ] {
        let resp = app().get(path);
        assert_eq!(resp.status(), 200, "{path}");
        let html = resp.text().unwrap();
        assert!(html.contains("<html lang=\"vi\">"), "{path}");
        assert_eq!(html.contains("/page.js?v="), written, "{path}");
        assert_eq!(html.contains("/pkg/"), !written, "{path}");
        assert_eq!(html.contains("/pkg/motcua.js"), !written, "{path}");
    }
}

#[test]
fn secrets_never_reach_the_browser_bundles() {
    let root = crate::support::root();
    let secrets: Vec<String> = std::fs::read_to_string(root.join(".dev.vars.example"))
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once('='))
        .filter(|(k, _)| k.contains("SECRET") || k.contains("KEY"))
        .map(|(_, v)| v.trim().to_string())
        .collect();
    assert!(secrets.len() >= 6, "{secrets:?}");
    let mut checked = 0;
    let bundles = std::fs::read_dir(root.join("dist/pkg")).expect("built app in dist/pkg").map(|e| e.unwrap().path());
    // The landing pages' script too (public/page.js).
    for path in bundles.chain([root.join("dist/page.js")]) {
        let bytes = std::fs::read(path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        for s in &secrets {
            assert!(!text.contains(s.as_str()), "a secret is in the app bundle");
        }
        checked += 1;
    }
    assert!(checked >= 5, "the two bundles (js + wasm each) and page.js checked");
}
