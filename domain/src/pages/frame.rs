//! The frame of a server page: the same head, header and bottom navigation as the app's
//! (`app/src/components/layout.rs`), so the first paint and the app look alike.

use super::{Chosen, Lang};
use crate::html::escape;

pub struct Frame<'a> {
    pub lang: Lang,
    /// The page's own title; the service's name is added after it (or alone when `None`).
    pub title: Option<&'a str>,
    /// What `public/page.js` enhances: `home`, `agencies`, `procedure` or `missing`.
    pub page: &'a str,
    pub chosen: Option<Chosen<'a>>,
    /// The release's asset version (`?v=`, the same string the app's shell carries).
    pub version: &'a str,
    /// The query this page was opened with (minus `lang`), kept by the language switch.
    pub keep: &'a [(String, String)],
}

/// The whole document around `main` (the `<section class="page">` a page renders).
pub fn render(f: &Frame, main: &str) -> String {
    let lang = f.lang;
    let title = match f.title {
        Some(t) => format!("{} — {}", escape(t), lang.app_name()),
        None => lang.app_name().to_string(),
    };
    let v = escape(f.version);
    let (agency_attrs, header_agency) = match f.chosen {
        Some(c) => (
            format!(" data-agency-code=\"{}\" data-agency-name=\"{}\"", escape(c.code), escape(c.name)),
            format!("<small class=\"header-agency\">{}</small>", escape(c.name)),
        ),
        None => (String::new(), String::new()),
    };
    // Each language's name in that language, so a person who reads only it finds it.
    let (other, other_name) = match lang {
        Lang::Vi => (Lang::En, "English"),
        Lang::En => (Lang::Vi, "Tiếng Việt"),
    };
    let keep: String = f
        .keep
        .iter()
        .filter(|(k, _)| k != "lang")
        .map(|(k, v)| format!("<input type=\"hidden\" name=\"{}\" value=\"{}\">", escape(k), escape(v)))
        .collect();
    let nav = [("/", lang.t("Thủ tục", "Procedures")), ("/ho-so", lang.t("Hồ sơ của tôi", "My dossiers")), ("/giay-to", lang.t("Giấy tờ", "Documents")), ("/tai-khoan", lang.t("Tài khoản", "Account"))]
        .iter()
        .map(|(href, label)| {
            let current = if *href == "/" { " aria-current=\"page\"" } else { "" };
            format!("<a href=\"{href}\"{current}>{label}</a>")
        })
        .collect::<String>();
    format!(
        "<!doctype html>\n<html lang=\"{lang_code}\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1, viewport-fit=cover\">\n\
<title>{title}</title>\n\
<meta name=\"description\" content=\"{description}\">\n\
<meta name=\"theme-color\" content=\"#b71c1c\">\n\
<link rel=\"icon\" href=\"/icons/icon-192.png\" type=\"image/png\">\n\
<link rel=\"manifest\" href=\"/manifest.webmanifest\">\n\
<link rel=\"stylesheet\" href=\"/main.css?v={v}\">\n\
<script>document.documentElement.classList.add(\"js\")</script>\n\
<script src=\"/page.js?v={v}\" defer></script>\n\
</head>\n\
<body data-page=\"{page}\"{agency_attrs}>\n\
<header class=\"top\"><a href=\"/\" class=\"brand\"><span class=\"emblem\" aria-hidden=\"true\">★</span><span class=\"brand-text\"><span>{app}</span>{header_agency}</span></a>\
<form method=\"get\" class=\"lang-form\">{keep}<button type=\"submit\" name=\"lang\" value=\"{other}\" class=\"lang-switch\" lang=\"{other}\">{other_name}</button></form></header>\n\
<main id=\"main\">{main}</main>\n\
<nav class=\"bottom\" aria-label=\"{nav_label}\">{nav}</nav>\n\
</body>\n</html>\n",
        lang_code = lang.code(),
        description = lang.t(
            "Nộp hồ sơ thủ tục hành chính và thanh toán phí, lệ phí trực tuyến.",
            "File administrative dossiers and pay fees and charges online."
        ),
        page = escape(f.page),
        app = lang.app_name(),
        other = other.code(),
        nav_label = lang.t("Điều hướng chính", "Main navigation"),
    )
}
