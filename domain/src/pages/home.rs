//! `/`: the procedures on offer (the chosen agency's, or all), searchable at word starts.

use super::{Chosen, Lang};
use crate::api::ProcedureSummary;
use crate::html::{escape, url_component};
use crate::text;

/// A procedure as its card shows it, with its lĩnh vực (searched, not shown).
pub struct Card<'a> {
    pub summary: &'a ProcedureSummary,
    pub field: &'a str,
}

/// One card. `data-search` holds what the search matches (name, code, field), for page.js; the
/// card is `hidden` when `shown` is false, so clearing a search brings it back without a load.
pub fn card(c: &Card, lang: Lang, shown: bool) -> String {
    let p = c.summary;
    let fee = if p.has_fees { lang.t("Có phí, lệ phí", "Fees apply") } else { lang.t("Miễn phí", "Free of charge") };
    let badge = if p.online_payment { format!("<span class=\"badge\">{}</span>", lang.t("Thanh toán trực tuyến", "Online payment")) } else { String::new() };
    format!(
        "<li class=\"card\" data-search=\"{search}\"{hidden}><a href=\"/thu-tuc/{href}\"><span class=\"card-title\">{name}</span><span class=\"card-meta\">{meta}{badge}</span></a></li>",
        search = escape(&format!("{} {} {}", p.name, p.code, c.field)),
        hidden = if shown { "" } else { " hidden" },
        href = escape(&p.code),
        name = escape(&p.name),
        meta = escape(&format!("{} {} · {} · {}", lang.t("Mã", "Code"), p.code, lang.working_days(p.processing_days), fee)),
    )
}

/// The cards of a list, every one shown (the app's list, already filtered by the API).
pub fn cards(list: &[Card], lang: Lang) -> String {
    list.iter().map(|c| card(c, lang, true)).collect()
}

pub struct Home<'a> {
    pub lang: Lang,
    pub chosen: Option<Chosen<'a>>,
    /// The search typed (`?q=`, the form sent without script).
    pub q: &'a str,
    pub cards: &'a [Card<'a>],
}

pub fn main(h: &Home) -> String {
    let lang = h.lang;
    let agency_line = match h.chosen {
        Some(a) => format!(
            "<span>{}<strong class=\"agency-name\">{}</strong></span> <a href=\"/co-quan\" class=\"inline-link\">{}</a>",
            lang.t("Cơ quan: ", "Agency: "),
            escape(a.name),
            lang.t("Đổi cơ quan", "Change agency")
        ),
        None => format!("<a href=\"/co-quan\" class=\"button\">{}</a>", lang.t("Chọn cơ quan giải quyết", "Choose the handling agency")),
    };
    let mut shown = 0;
    let cards: String = h
        .cards
        .iter()
        .map(|c| {
            let hit = text::matches_any(&[&c.summary.name, &c.summary.code, c.field], h.q);
            shown += usize::from(hit);
            card(c, lang, hit)
        })
        .collect();
    let agency_input = h.chosen.map(|a| format!("<input type=\"hidden\" name=\"agency\" value=\"{}\">", escape(a.code))).unwrap_or_default();
    format!(
        "<section class=\"page\">\
<h1>{h1}</h1>\
<p class=\"agency-line\">{agency_line}</p>\
<p class=\"pay-bill\"><a href=\"/nop-phi\" class=\"inline-link\">{bill}</a></p>\
<p class=\"guide-link\"><a href=\"/huong-dan\" class=\"inline-link\">{guide}</a></p>\
<p class=\"verify-link\"><a href=\"/kiem-tra\" class=\"inline-link\">{verify}</a></p>\
<form method=\"get\" action=\"/\" role=\"search\" class=\"search-form\">{agency_input}<label class=\"search\"><span class=\"visually-hidden\">{search_label}</span>\
<input type=\"search\" name=\"q\" value=\"{q}\" placeholder=\"{placeholder}\" autocomplete=\"off\"></label></form>\
<ul class=\"cards\" aria-label=\"{list_label}\">{cards}</ul>\
<p class=\"muted\" data-empty{empty_hidden}>{empty}</p>\
</section>",
        h1 = lang.t("Thủ tục hành chính", "Administrative procedures"),
        bill = lang.t("Tra cứu và nộp khoản phải nộp (tiền phạt, đất đai, bảo hiểm)", "Look up and pay a bill (fines, land, insurance)"),
        guide = lang.t("Hướng dẫn sử dụng: tạo tài khoản, nộp hồ sơ, nộp phí", "How to: create an account, file a dossier, pay"),
        verify = lang.t("Kiểm tra giấy tờ có chữ ký số (kết quả, bản sao chứng thực)", "Check a digitally signed document (result, certified copy)"),
        search_label = lang.t("Tìm thủ tục", "Search procedures"),
        q = escape(h.q),
        placeholder = lang.t("Tìm thủ tục, ví dụ: chứng thực", "Search procedures, e.g. chung thuc"),
        list_label = lang.t("Danh sách thủ tục", "Procedures"),
        empty_hidden = if shown == 0 { "" } else { " hidden" },
        empty = lang.t("Không tìm thấy thủ tục phù hợp.", "No matching procedure found."),
    )
}

/// Where "Chọn cơ quan để nộp hồ sơ" leads from a procedure: the chooser, then back there.
pub fn choose_then(path: &str) -> String {
    format!("/co-quan?next={}", url_component(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(code: &str, name: &str) -> ProcedureSummary {
        ProcedureSummary { code: code.into(), name: name.into(), level: "commune".into(), processing_days: 1, has_fees: true, online_payment: true }
    }

    #[test]
    fn a_search_hides_the_cards_it_does_not_match_and_keeps_them_in_the_page() {
        let (birth, copy) = (summary("1.001193", "Thủ tục đăng ký khai sinh"), summary("2.000815", "Thủ tục chứng thực bản sao từ bản chính"));
        let cards = [Card { summary: &birth, field: "Hộ tịch" }, Card { summary: &copy, field: "Chứng thực" }];
        let html = main(&Home { lang: Lang::Vi, chosen: None, q: "ho tich", cards: &cards });
        assert!(html.contains("data-search=\"Thủ tục đăng ký khai sinh 1.001193 Hộ tịch\"><a"), "{html}");
        assert!(html.contains("data-search=\"Thủ tục chứng thực bản sao từ bản chính 2.000815 Chứng thực\" hidden>"), "{html}");
        assert!(html.contains("data-empty hidden>"), "something matched: {html}");
        assert!(html.contains("Chọn cơ quan giải quyết"));
        let none = main(&Home { lang: Lang::En, chosen: None, q: "khai tử", cards: &cards[1..] });
        assert!(none.contains("data-empty>No matching procedure found."), "{none}");
    }

    #[test]
    fn the_chosen_agency_and_the_typed_search_are_escaped() {
        let p = summary("2.000815", "A <b> & \"c\"");
        let cards = [Card { summary: &p, field: "" }];
        let html = main(&Home { lang: Lang::Vi, chosen: Some(Chosen { code: "X\"1", name: "UBND <xã>" }), q: "\"><script>", cards: &cards });
        assert!(!html.contains("<script>") && !html.contains("<b>") && !html.contains("<xã>"), "{html}");
        assert!(html.contains("value=\"&quot;&gt;&lt;script&gt;\""), "{html}");
        assert!(html.contains("<strong class=\"agency-name\">UBND &lt;xã&gt;</strong>"), "{html}");
    }

    #[test]
    fn a_card_reads_as_the_apps() {
        let p = summary("2.000815", "Chứng thực");
        let html = card(&Card { summary: &p, field: "" }, Lang::En, true);
        assert!(html.contains("<span class=\"card-meta\">Code 2.000815 · 1 working day · Fees apply<span class=\"badge\">Online payment</span></span>"), "{html}");
        assert_eq!(choose_then("/thu-tuc/2.000815"), "/co-quan?next=%2Fthu-tuc%2F2.000815");
    }
}
