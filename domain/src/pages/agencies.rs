//! `/co-quan`: the agency tree (province → … → commune, whatever depth the data has) and a search
//! that ignores diacritics not typed ("son tay" finds "Sơn Tây"). Every choice is a button of one
//! GET form whose action is where the citizen goes next (`/` or `?next=`), so choosing works
//! without script: the page there is opened with `?agency=CODE`, which the Worker remembers.

use super::Lang;
use crate::api::AgencyNode;
use crate::html::escape;
use crate::text;

/// At most this many search results are listed (the app shows as many).
pub const MAX_RESULTS: usize = 30;

/// Every agency with the names of its ancestors ("Hà Tĩnh › Hương Sơn"), depth-first.
pub fn flatten(nodes: &[AgencyNode]) -> Vec<(&AgencyNode, String)> {
    fn walk<'a>(nodes: &'a [AgencyNode], path: &str, out: &mut Vec<(&'a AgencyNode, String)>) {
        for n in nodes {
            out.push((n, path.to_string()));
            let next = if path.is_empty() { n.name.clone() } else { format!("{path} › {}", n.name) };
            walk(&n.children, &next, out);
        }
    }
    let mut out = Vec::new();
    walk(nodes, "", &mut out);
    out
}

/// Whether a search matches an agency: its name or any ancestor's.
pub fn matches(node: &AgencyNode, path: &str, q: &str) -> bool {
    text::matches(&format!("{} {path}", node.name), q)
}

pub struct Agencies<'a> {
    pub lang: Lang,
    pub tree: &'a [AgencyNode],
    /// `?q=` (the search form sent without script).
    pub q: &'a str,
    /// `?next=`, already checked to be a path of this site; its query is not kept.
    pub next: Option<&'a str>,
}

fn choice(node: &AgencyNode, path: &str, class: &str, label: &str) -> String {
    format!(
        "<button type=\"submit\" name=\"agency\" value=\"{code}\" class=\"{class}\" data-name=\"{name}\" data-path=\"{path}\">{label}</button>",
        code = escape(&node.code),
        name = escape(&node.name),
        path = escape(path),
        label = escape(label),
    )
}

fn tree(nodes: &[AgencyNode], path: &str, lang: Lang, out: &mut String) {
    for n in nodes {
        if n.children.is_empty() {
            out.push_str("<li>");
            out.push_str(&choice(n, path, "choice", &n.name));
            out.push_str("</li>");
            continue;
        }
        let own = lang.pick(format!("Thủ tục của {}", n.name), format!("Procedures of {}", n.name));
        out.push_str(&format!("<li><details><summary>{}</summary><ul><li>{}</li>", escape(&n.name), choice(n, path, "choice own", &own)));
        let below = if path.is_empty() { n.name.clone() } else { format!("{path} › {}", n.name) };
        tree(&n.children, &below, lang, out);
        out.push_str("</ul></details></li>");
    }
}

/// A search result: the agency's name and where it sits.
pub fn result(node: &AgencyNode, path: &str) -> String {
    format!(
        "<li class=\"card\"><button type=\"submit\" name=\"agency\" value=\"{code}\" class=\"choice\"><span class=\"card-title\">{name}</span><span class=\"card-meta\">{path}</span></button></li>",
        code = escape(&node.code),
        name = escape(&node.name),
        path = escape(path),
    )
}

pub fn main(a: &Agencies) -> String {
    let lang = a.lang;
    let searching = !a.q.trim().is_empty();
    let hits: String = if searching {
        flatten(a.tree).into_iter().filter(|(n, path)| matches(n, path, a.q)).take(MAX_RESULTS).map(|(n, path)| result(n, &path)).collect()
    } else {
        String::new()
    };
    let mut branches = String::new();
    tree(a.tree, "", lang, &mut branches);
    let action = a.next.map(|n| n.split(['?', '#']).next().unwrap_or("/")).filter(|n| !n.is_empty()).unwrap_or("/");
    let next_input = a.next.map(|n| format!("<input type=\"hidden\" name=\"next\" value=\"{}\">", escape(n))).unwrap_or_default();
    format!(
        "<section class=\"page\">\
<h1>{h1}</h1>\
<form method=\"get\" action=\"/co-quan\" role=\"search\" class=\"search-form\">{next_input}<label class=\"search\"><span class=\"visually-hidden\">{search_label}</span>\
<input type=\"search\" name=\"q\" value=\"{q}\" placeholder=\"{placeholder}\" autocomplete=\"off\"></label></form>\
<form method=\"get\" action=\"{action}\" class=\"choose\">\
<ul class=\"tree\" aria-label=\"{tree_label}\"{tree_hidden}>{branches}</ul>\
<ul class=\"cards\" aria-label=\"{results_label}\"{results_hidden}>{hits}</ul>\
<p class=\"muted\" data-empty{empty_hidden}>{empty}</p>\
</form></section>",
        h1 = lang.t("Chọn cơ quan giải quyết", "Choose the handling agency"),
        search_label = lang.t("Tìm cơ quan", "Search agencies"),
        q = escape(a.q),
        placeholder = lang.t("Tìm theo tên, ví dụ: son tay", "Search by name, e.g. son tay"),
        action = escape(action),
        tree_label = lang.t("Cây cơ quan", "Agency tree"),
        tree_hidden = if searching { " hidden" } else { "" },
        results_label = lang.t("Kết quả tìm cơ quan", "Agency search results"),
        results_hidden = if searching && !hits.is_empty() { "" } else { " hidden" },
        empty_hidden = if searching && hits.is_empty() { "" } else { " hidden" },
        empty = lang.t("Không tìm thấy cơ quan phù hợp.", "No matching agency found."),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(code: &str, name: &str, children: Vec<AgencyNode>) -> AgencyNode {
        AgencyNode { code: code.into(), name: name.into(), level: "x".into(), children }
    }

    fn demo() -> Vec<AgencyNode> {
        vec![node("H27", "Tỉnh Hà Tĩnh", vec![node("H27.HS", "Huyện Hương Sơn", vec![node("H27.ST", "UBND xã Sơn Tây", vec![])])])]
    }

    #[test]
    fn the_tree_offers_each_agency_once_with_where_it_sits() {
        let html = main(&Agencies { lang: Lang::Vi, tree: &demo(), q: "", next: None });
        assert_eq!(html.matches("name=\"agency\"").count(), 3, "{html}");
        assert!(html.contains("value=\"H27.ST\" class=\"choice\" data-name=\"UBND xã Sơn Tây\" data-path=\"Tỉnh Hà Tĩnh › Huyện Hương Sơn\">UBND xã Sơn Tây</button>"), "{html}");
        assert!(html.contains(">Thủ tục của Huyện Hương Sơn</button>"), "{html}");
        assert!(html.contains("<form method=\"get\" action=\"/\" class=\"choose\">"));
        assert!(html.contains("aria-label=\"Kết quả tìm cơ quan\" hidden>"));
    }

    #[test]
    fn a_search_lists_matches_under_their_ancestors_names() {
        let html = main(&Agencies { lang: Lang::Vi, tree: &demo(), q: "son tay", next: Some("/thu-tuc/2.000815?x=1") });
        assert!(html.contains("aria-label=\"Cây cơ quan\" hidden>"), "{html}");
        assert!(html.contains("<span class=\"card-title\">UBND xã Sơn Tây</span><span class=\"card-meta\">Tỉnh Hà Tĩnh › Huyện Hương Sơn</span>"), "{html}");
        assert!(html.contains("action=\"/thu-tuc/2.000815\" class=\"choose\""), "goes back to the procedure: {html}");
        assert!(html.contains("data-empty hidden>"));
        // "huong son" matches the district and, through its path, the commune below it.
        let by_path = main(&Agencies { lang: Lang::Vi, tree: &demo(), q: "huong son", next: None });
        assert_eq!(by_path.matches("class=\"card\"").count(), 2, "{by_path}");
        let none = main(&Agencies { lang: Lang::En, tree: &demo(), q: "Đà Nẵng", next: None });
        assert!(none.contains("data-empty>No matching agency found."), "{none}");
    }
}
