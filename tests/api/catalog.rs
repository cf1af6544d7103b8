use motcua_domain::api::{AgencyNode, ProcedureSummary};

use crate::support::{app, expect_error};

fn tree() -> Vec<AgencyNode> {
    let resp = app().get("/api/agencies");
    assert_eq!(resp.status(), 200);
    resp.json().unwrap()
}

fn find<'a>(nodes: &'a [AgencyNode], name: &str) -> Option<&'a AgencyNode> {
    nodes.iter().find_map(|n| if n.name == name { Some(n) } else { find(&n.children, name) })
}

fn procedures(query: &str) -> Vec<ProcedureSummary> {
    let resp = app().get(&format!("/api/procedures?{query}"));
    assert_eq!(resp.status(), 200, "{query}");
    resp.json().unwrap()
}

fn son_tay_code() -> String {
    find(&tree(), "UBND xã Sơn Tây").expect("Sơn Tây in the tree").code.clone()
}

#[test]
fn agency_tree_holds_the_seed_units_at_their_depth() {
    let roots = tree();
    let names: Vec<&str> = roots.iter().map(|n| n.name.as_str()).collect();
    for province in ["UBND tỉnh Hải Dương", "UBND tỉnh Đồng Tháp", "UBND tỉnh Khánh Hòa", "UBND tỉnh Hà Tĩnh"] {
        assert!(names.contains(&province), "{province} missing from {names:?}");
    }
    let tu_ky = find(&roots, "UBND huyện Tứ Kỳ").unwrap();
    assert_eq!(tu_ky.level, "district");
    assert_eq!(tu_ky.children.len(), 23, "Tứ Kỳ had 23 units in 2023");
    // The eight communes seed 000 names (GSO spells Bình Lãng "Bình Lăng").
    for commune in ["Đại Sơn", "Ngọc Kỳ", "Bình Lăng", "Quang Phục", "Chí Minh", "Quang Khải", "An Thanh", "Quang Trung"] {
        assert!(
            tu_ky.children.iter().any(|c| c.name == format!("UBND xã {commune}")),
            "{commune} missing under Tứ Kỳ"
        );
    }
    let dong_thap = find(&roots, "UBND tỉnh Đồng Tháp").unwrap();
    assert_eq!(dong_thap.children.len(), 12, "seed 002's 12 districts and cities");
    let son_tay = find(&roots, "UBND xã Sơn Tây").unwrap();
    assert_eq!(son_tay.level, "commune");
    assert!(son_tay.children.is_empty());
}

#[test]
fn procedures_of_an_agency_are_found_without_diacritics_or_case() {
    let agency = son_tay_code();
    for q in ["chung%20thuc", "CH%E1%BB%A8NG%20TH%E1%BB%B0C", "chứng thực"] {
        let found = procedures(&format!("agency={agency}&q={q}"));
        let codes: Vec<&str> = found.iter().map(|p| p.code.as_str()).collect();
        assert!(codes.contains(&"2.000815") && codes.contains(&"2.000884") && codes.contains(&"2.001035"), "{q}: {codes:?}");
        assert!(!codes.contains(&"1.001193"), "khai sinh does not match 'chung thuc'");
    }
    let all = procedures(&format!("agency={agency}"));
    assert!(all.len() >= 8, "a commune handles the commune-level procedures");
    assert!(all.iter().all(|p| p.level == "commune"));
    let copy = all.iter().find(|p| p.code == "2.000815").unwrap();
    assert_eq!(copy.processing_days, 1);
    assert!(copy.online_payment);
}

fn codes_for(q: &str) -> Vec<String> {
    let mut codes: Vec<String> = procedures(&format!("q={q}")).into_iter().map(|p| p.code).collect();
    codes.sort();
    codes
}

#[test]
fn search_knows_the_field_and_matches_at_word_starts() {
    // "Hộ tịch" is the lĩnh vực of khai sinh, khai tử, kết hôn, trích lục and tình trạng hôn nhân;
    // only the trích lục has it in its name.
    let civil_status = ["1.000656", "1.000894", "1.001193", "1.004873", "2.000635"];
    for q in ["hộ tịch", "ho tich", "HO%20TICH", "H%E1%BB%98%20T%E1%BB%8ACH"] {
        assert_eq!(codes_for(q), civil_status, "{q}");
    }
    // Folded, "tu" begins "tục" of "Thủ tục đăng ký khai sinh": the mark typed on "tử" rules it
    // out; typed without marks the search cannot tell them apart and shows both.
    assert_eq!(codes_for("khai tử"), ["1.000656"]);
    assert_eq!(codes_for("khai tu"), ["1.000656", "1.001193"]);
    // The field narrows with the name; a code still finds its procedure from a word start.
    assert_eq!(codes_for("hộ tịch kết hôn"), ["1.000894"]);
    assert_eq!(codes_for("chung thuc chu ky"), ["2.000884"]);
    assert_eq!(codes_for("000815"), ["2.000815"]);
    assert!(codes_for("uc").is_empty(), "no word begins with 'uc'");
}

#[test]
fn whole_catalogue_has_at_least_ten_procedures_with_fees() {
    let all = procedures("");
    assert!(all.len() >= 10, "{}", all.len());
    for name in ["Thủ tục đăng ký khai sinh", "Thủ tục đăng ký kết hôn", "Thủ tục cấp bản sao Trích lục hộ tịch"] {
        assert!(all.iter().any(|p| p.name == name), "{name}");
    }
    assert!(all.iter().any(|p| p.code == "1.013831" && p.level == "district"), "land registration at district level");
}

#[test]
fn unknown_agency_and_procedure_name_the_field() {
    let (code, field) = expect_error(app().get("/api/procedures?agency=000.99.99.H99"), 404);
    assert_eq!((code.as_str(), field.as_deref()), ("not_found", Some("agency")));
    let (code, field) = expect_error(app().get("/api/procedures/9.999999"), 404);
    assert_eq!((code.as_str(), field.as_deref()), ("not_found", Some("code")));
}

#[test]
fn overlong_search_is_refused_with_the_field() {
    let q = "a".repeat(101);
    let (code, field) = expect_error(app().get(&format!("/api/procedures?q={q}")), 400);
    assert_eq!((code.as_str(), field.as_deref()), ("too_long", Some("q")));
}

#[test]
fn procedure_detail_lists_documents_and_legal_basis() {
    let resp = app().get("/api/procedures/2.000815");
    assert_eq!(resp.status(), 200);
    let body: serde_json::Value = resp.json().unwrap();
    assert_eq!(body["code"], "2.000815");
    assert!(body["documents"].as_array().unwrap().len() >= 1);
    assert!(body["legal_basis"].as_str().unwrap().contains("226/2016/TT-BTC"));
}
