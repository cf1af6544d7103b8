//! The committed document is what the generator writes now, and it covers every `/api/...` route
//! of the router.

use std::collections::BTreeSet;

const ROUTER: &str = include_str!("../../functions/src/router.rs");
const COMMITTED: &str = include_str!("../../functions/openapi.json");

#[test]
fn committed_document_is_current() {
    assert!(
        COMMITTED == motcua_openapi::document_text(),
        "functions/openapi.json is stale: run `make openapi` and commit it"
    );
}

/// `(Method::Get, ["api", "dossiers", id, "files", file])` → `GET /api/dossiers/{id}/files/{file}`.
fn router_routes() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in ROUTER.lines() {
        let line = line.trim();
        let Some(rest) = line.strip_prefix("(Method::") else { continue };
        let Some((method, rest)) = rest.split_once(", [") else { continue };
        let Some((segments, _)) = rest.split_once(']') else { continue };
        let segments: Vec<&str> = segments.split(',').map(str::trim).collect();
        if segments.first() != Some(&"\"api\"") {
            continue;
        }
        let path: Vec<String> = segments
            .iter()
            .map(|s| match s.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
                Some(lit) => lit.to_string(),
                None => format!("{{{s}}}"),
            })
            .collect();
        out.insert(format!("{} /{}", method.to_uppercase(), path.join("/")));
    }
    out
}

fn document_routes() -> BTreeSet<String> {
    let doc = motcua_openapi::document();
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            out.insert(format!("{} {path}", method.to_uppercase()));
        }
    }
    out
}

#[test]
fn every_router_route_is_documented() {
    let routes = router_routes();
    assert!(routes.len() > 50, "the router parse found only {} routes: has its shape changed?", routes.len());
    let documented = document_routes();
    let missing: Vec<_> = routes.difference(&documented).collect();
    assert!(missing.is_empty(), "routes of functions/src/router.rs missing from the OpenAPI document: {missing:#?}");
    let extra: Vec<_> = documented.difference(&routes).collect();
    assert!(extra.is_empty(), "documented operations the router does not route: {extra:#?}");
}

#[test]
fn every_operation_documents_its_errors_in_the_envelope() {
    let doc = motcua_openapi::document();
    assert_eq!(doc["openapi"], "3.1.0");
    let envelope = &doc["components"]["schemas"]["ErrorDetail"];
    for field in ["code", "message"] {
        assert!(envelope["required"].as_array().unwrap().iter().any(|f| f == field), "ErrorDetail requires {field}");
    }
    for (path, item) in doc["paths"].as_object().unwrap() {
        if path.starts_with("/api/payments/") {
            continue; // providers' callbacks answer in the provider's own format
        }
        for (method, op) in item.as_object().unwrap() {
            assert_eq!(op["responses"]["4XX"]["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/ErrorBody", "{method} {path}");
        }
    }
}

/// The mirrors of handler-local request bodies (src/wire.rs) still have the source's fields.
#[test]
fn wire_mirrors_match_their_handlers() {
    let wire = include_str!("../src/wire.rs");
    let sources = [
        ("ActionBody", include_str!("../../functions/src/dossier/staff_routes.rs")),
        ("NoticeBody", include_str!("../../functions/src/dossier/staff_routes.rs")),
        ("RefundBody", include_str!("../../functions/src/payment/refund.rs")),
        ("DecisionBody", include_str!("../../functions/src/payment/refund.rs")),
        ("ResolveBody", include_str!("../../functions/src/payment/settlement.rs")),
        ("StartBody", include_str!("../../functions/src/payment/routes.rs")),
        ("HandlingBody", include_str!("../../functions/src/desk/admin.rs")),
        ("EmbedOriginsBody", include_str!("../../functions/src/desk/admin.rs")),
    ];
    for (name, source) in sources {
        let fields = |text: &str, public: bool| -> Vec<String> {
            let start = text.find(&format!("struct {name} {{")).unwrap_or_else(|| panic!("struct {name} not found"));
            let body = &text[start..text[start..].find('}').unwrap() + start];
            body.lines()
                .skip(1)
                .map(str::trim)
                .filter(|l| !l.starts_with("//") && !l.is_empty())
                .map(|l| if public { l.trim_start_matches("pub ").to_string() } else { l.to_string() })
                .collect()
        };
        assert_eq!(fields(wire, true), fields(source, true), "src/wire.rs {name} differs from its handler's");
    }
}
