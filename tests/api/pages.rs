//! The landing pages the Worker writes (functions/src/pages): HTML with the data, the preference
//! cookies they honour and set, their escaping, and no 5xx for anything a browser could send.

use crate::support::{app, checked, set_cookie};

const SON_TAY: &str = "000.10.51.H27";

fn page(path: &str, cookie: Option<&str>) -> reqwest::blocking::Response {
    let mut req = app().client.get(app().url(path));
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    checked(req.send().unwrap())
}

#[test]
fn the_home_page_carries_the_procedures_and_remembers_a_chosen_agency() {
    let resp = page(&format!("/?agency={SON_TAY}"), None);
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert_eq!(resp.headers()["cache-control"], "no-cache");
    let (pair, whole) = set_cookie(&resp, "motcua.agency").expect("the choice is remembered");
    assert_eq!(pair, format!("motcua.agency={SON_TAY}"));
    assert!(whole.contains("SameSite=Lax") && whole.contains("Path=/"), "{whole}");
    let html = resp.text().unwrap();
    assert!(html.contains("<strong class=\"agency-name\">UBND xã Sơn Tây</strong>"), "{html}");
    // Every procedure the API lists for the agency is a card of the page.
    let api: Vec<serde_json::Value> = app().get(&format!("/api/procedures?agency={SON_TAY}")).json().unwrap();
    assert!(api.len() >= 3, "{api:?}");
    for p in &api {
        assert!(html.contains(&format!("href=\"/thu-tuc/{}\"", p["code"].as_str().unwrap())), "{} missing", p["code"]);
    }
    assert_eq!(html.matches("<li class=\"card\"").count(), api.len());

    // The cookie alone brings the same agency back; an unknown code is ignored, not remembered.
    let again = page("/", Some(&format!("motcua.agency={SON_TAY}"))).text().unwrap();
    assert!(again.contains("UBND xã Sơn Tây"));
    let unknown = page("/?agency=000.00.00.X99", None);
    assert_eq!(unknown.status(), 200);
    assert!(set_cookie(&unknown, "motcua.agency").is_none());
    assert!(unknown.text().unwrap().contains("Chọn cơ quan giải quyết"));
}

#[test]
fn the_language_comes_from_the_query_or_the_cookie() {
    let resp = page("/thu-tuc/2.000815?lang=en", None);
    assert_eq!(resp.headers()["content-language"], "en");
    assert_eq!(set_cookie(&resp, "motcua.lang").unwrap().0, "motcua.lang=en");
    let html = resp.text().unwrap();
    assert!(html.starts_with("<!doctype html>\n<html lang=\"en\">"), "{}", &html[..80]);
    assert!(html.contains("<h2>Required documents</h2>"));
    let vi = page("/thu-tuc/2.000815", Some("motcua.lang=xx")).text().unwrap();
    assert!(vi.contains("<h2>Thành phần hồ sơ</h2>"), "an unknown language is Vietnamese");
    let en = page("/co-quan", Some("motcua.lang=en")).text().unwrap();
    assert!(en.contains("Choose the handling agency"));
}

#[test]
fn the_procedure_page_computes_the_fee_of_its_query() {
    let html = page("/thu-tuc/2.000815?pages=5&copies=3", None).text().unwrap();
    assert!(html.contains("<th class=\"num fee-total\">21.000 đ</th>"), "{html}");
    let missing = page("/thu-tuc/2.000815?pages=", None).text().unwrap();
    assert!(missing.contains("class=\"error\" role=\"alert\""), "an emptied required input says so");
    let unknown = page("/thu-tuc/9.999999", None);
    assert_eq!(unknown.status(), 404);
    assert!(unknown.text().unwrap().contains("Không tìm thấy thủ tục"));
}

#[test]
fn what_a_visitor_types_is_escaped_and_junk_is_never_a_5xx() {
    let html = page("/?q=%22%3E%3Cscript%3Ealert(1)%3C/script%3E", None).text().unwrap();
    assert!(!html.contains("<script>alert"), "the search is escaped");
    assert!(html.contains("value=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\""));
    // An open redirect through ?next= is refused: the form goes home instead.
    let chooser = page("/co-quan?next=//evil.example/x", None).text().unwrap();
    assert!(chooser.contains("action=\"/\" class=\"choose\""), "{chooser}");
    for path in [
        "/thu-tuc/%FF%FE",
        "/thu-tuc/%3Cscript%3E",
        &format!("/thu-tuc/{}", "9".repeat(5000)),
        "/?q=%FF&agency=%00&lang=%E2%80%AE",
        &format!("/?q={}", "a".repeat(3000)),
        "/co-quan?q=%25&next=%0d%0aSet-Cookie:x=1",
        "/thu-tuc/2.000815?pages=99999999999999999999999&copies=-1",
    ] {
        let resp = page(path, Some("motcua.agency=%00; motcua.lang=%FF"));
        assert!(resp.status().is_success() || resp.status().as_u16() == 404, "{path}: {}", resp.status());
        assert!(resp.headers().get_all("set-cookie").iter().all(|v| !v.to_str().unwrap_or("").contains("x=1")));
    }
}
