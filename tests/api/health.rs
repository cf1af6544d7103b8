use crate::support::{app, expect_error};
use motcua_domain::api::Health;

#[test]
fn health_reports_version_and_every_binding() {
    let resp = app().get("/api/health");
    assert_eq!(resp.status(), 200);
    let health: Health = resp.json().unwrap();
    assert_eq!(health.version, "0.1.0");
    assert!(health.d1 && health.r2 && health.sequences, "{health:?}");
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

#[test]
fn app_routes_fall_back_to_the_single_page_app() {
    for path in ["/", "/ho-so", "/thu-tuc/2.000815"] {
        let resp = app().get(path);
        assert_eq!(resp.status(), 200, "{path}");
        let html = resp.text().unwrap();
        assert!(html.contains("<html lang=\"vi\">"), "{path}");
        assert!(html.contains("/pkg/motcua.js"), "{path}");
    }
}
