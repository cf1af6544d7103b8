//! `/thu-tuc/{code}`: what a procedure is, how long it takes, what it needs and what it costs
//! (with the legal basis of every line), before anything is filled in. The fee is computed by
//! the domain's evaluation for the inputs in the query (the GET form), page.js recomputing it as
//! they are typed.

use serde_json::{Map, Value};
use time::Date;

use super::{home::choose_then, Chosen, Lang};
use crate::calendar::date_vn;
use crate::api::ProcedureDetail;
use crate::fee::{self, FeeBreakdown, FeeSchedule, InputKind};
use crate::html::{escape, url_component};
use crate::paperless::{weekday_en, weekday_vi, OnlineOnlyDays};
use crate::validation::FieldError;

/// The inputs a schedule asks for, with their defaults (counts start at their minimum).
pub fn default_inputs(schedule: &FeeSchedule) -> Map<String, Value> {
    schedule
        .inputs
        .iter()
        .filter_map(|i| {
            let v = i.default.clone().or_else(|| match i.kind {
                InputKind::Count => Some(Value::from(i.min.unwrap_or(1))),
                InputKind::Flag => Some(Value::Bool(false)),
                _ => None,
            })?;
            Some((i.name.clone(), v))
        })
        .collect()
}

/// The inputs the calculator asks for (numbers: counts and amounts).
fn asked(schedule: &FeeSchedule) -> impl Iterator<Item = &fee::InputDef> {
    schedule.inputs.iter().filter(|i| matches!(i.kind, InputKind::Count | InputKind::Money))
}

/// The defaults, overridden by the query's values of the inputs asked for: its digits (as the
/// app keeps them while typing), and an input sent empty is absent (so a required one says so).
pub fn inputs_from_query(schedule: &FeeSchedule, query: &[(String, String)]) -> Map<String, Value> {
    let mut inputs = default_inputs(schedule);
    for def in asked(schedule) {
        let Some((_, raw)) = query.iter().rev().find(|(k, _)| *k == def.name) else { continue };
        let digits: String = raw.chars().filter(|c| c.is_ascii_digit()).collect();
        match digits.parse::<u64>() {
            Ok(n) => {
                inputs.insert(def.name.clone(), Value::from(n));
            }
            Err(_) => {
                inputs.remove(&def.name);
            }
        }
    }
    inputs
}

/// The fact list and the documents required.
pub fn facts(d: &ProcedureDetail, lang: Lang) -> String {
    let docs: String = d.documents.iter().map(|doc| format!("<li>{}</li>", escape(doc))).collect();
    format!(
        "<dl class=\"facts\"><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd></dl><h2>{}</h2><ul>{docs}</ul>",
        lang.t("Mã thủ tục", "Procedure code"),
        escape(&d.summary.code),
        lang.t("Cấp thực hiện", "Level of government"),
        escape(&d.level_label),
        lang.t("Thời hạn giải quyết", "Processing time"),
        lang.working_days(d.summary.processing_days),
        lang.t("Căn cứ pháp lý", "Legal basis"),
        escape(&d.legal_basis),
        lang.t("Thành phần hồ sơ", "Required documents"),
    )
}

/// The breakdown's table, or why there is none (an input missing or out of range).
pub fn fee_lines(result: &Result<FeeBreakdown, FieldError>, lang: Lang) -> String {
    let b = match result {
        Ok(b) => b,
        Err(e) => return format!("<p class=\"error\" role=\"alert\">{}</p>", escape(&lang.pick(e.message_vi.clone(), e.message_en.clone()))),
    };
    let rows: String = b
        .lines
        .iter()
        .map(|l| {
            let exemption = l
                .exemption
                .as_ref()
                .map(|e| format!("<br><small class=\"ok\">{}</small>", escape(&lang.pick(format!("Miễn: {}", e.reason_vi), format!("Exempt: {}", e.reason_en)))))
                .unwrap_or_default();
            format!(
                "<tr><td>{name} ({kind})<br><small class=\"muted\">{detail}</small><br><small class=\"muted\">{basis}{legal}</small>{exemption}</td><td class=\"num\">{amount}</td></tr>",
                name = escape(&l.name),
                kind = lang.t(l.kind.label_vi(), l.kind.label_en()),
                detail = escape(l.detail_vi.as_deref().unwrap_or_default()),
                basis = lang.t("Căn cứ: ", "Legal basis: "),
                legal = escape(&l.legal_basis),
                amount = l.amount,
            )
        })
        .collect();
    format!(
        "<table class=\"lines\" aria-label=\"{label}\"><tbody>{rows}</tbody><tfoot><tr><th>{total_label}</th><th class=\"num fee-total\">{total}</th></tr></tfoot></table>",
        label = lang.t("Chi tiết phí, lệ phí", "Fee and charge details"),
        total_label = lang.t("Tổng cộng", "Total"),
        total = b.total,
    )
}

/// The chosen agency's paperless days for this procedure: on them it takes the dossier online
/// only (the desk helps file it on the citizen's phone).
pub fn online_only(days: &OnlineOnlyDays, lang: Lang) -> String {
    let list = |v: &[String]| v.iter().map(|d| date_vn(d)).collect::<Vec<_>>().join(", ");
    let weekdays = days.weekdays.iter().map(|w| lang.t(weekday_vi(*w), weekday_en(*w))).collect::<Vec<_>>().join(", ");
    let mut out = format!(
        "<section class=\"notice online-only\" aria-labelledby=\"online-only-title\"><h2 id=\"online-only-title\">{}</h2>",
        lang.t("Ngày chỉ nhận hồ sơ trực tuyến", "Days for online dossiers only")
    );
    if days.today {
        out.push_str(&format!("<p><strong>{}</strong></p>", lang.t("Hôm nay cơ quan chỉ nhận hồ sơ này trực tuyến.", "Today the agency takes this dossier online only.")));
    }
    for (label, text) in [
        (lang.t("Hằng tuần: ", "Every week: "), weekdays),
        (lang.t("Các ngày: ", "Dates: "), list(&days.dates)),
        (lang.t("Trừ các ngày: ", "Except on: "), list(&days.except_dates)),
    ] {
        if !text.is_empty() {
            out.push_str(&format!("<p>{label}{}</p>", escape(&text)));
        }
    }
    out.push_str(&format!(
        "<p class=\"muted\">{}</p></section>",
        lang.t(
            "Vào những ngày này, Bộ phận Một cửa không nhận hồ sơ giấy mà hỗ trợ bạn nộp trực tuyến ngay trên điện thoại.",
            "On these days the desk takes no paper dossier; it helps you file online on your phone."
        )
    ));
    out
}

pub struct Procedure<'a> {
    pub lang: Lang,
    pub detail: &'a ProcedureDetail,
    pub chosen: Option<Chosen<'a>>,
    /// The query the page was opened with (the fee inputs, when the form was sent).
    pub query: &'a [(String, String)],
    /// Today in Vietnam: the fee version in force.
    pub today: Date,
}

pub fn main(p: &Procedure) -> String {
    let (lang, d) = (p.lang, p.detail);
    let code = &d.summary.code;
    let fees = match d.fee_schedule.as_ref().filter(|s| !s.versions.is_empty()) {
        Some(schedule) => {
            let inputs = inputs_from_query(schedule, p.query);
            let fields: String = asked(schedule)
                .map(|i| {
                    let value = inputs.get(&i.name).map(|v| v.to_string().trim_matches('"').to_string()).unwrap_or_default();
                    format!(
                        "<label for=\"fee-{n}\">{label}</label><input id=\"fee-{n}\" name=\"{n}\" inputmode=\"numeric\" aria-describedby=\"e-inputs-{n}\" value=\"{value}\"><span class=\"field-error\" id=\"e-inputs-{n}\" role=\"alert\"></span>",
                        n = escape(&i.name),
                        label = escape(&i.label_vi),
                        value = escape(&value),
                    )
                })
                .collect();
            let recompute = if fields.is_empty() {
                String::new()
            } else {
                format!("<button type=\"submit\" class=\"button secondary\" data-recompute>{}</button>", lang.t("Tính lại phí", "Recompute the fee"))
            };
            format!(
                "<form method=\"get\" class=\"fee-calculator\" data-fee>{fields}{recompute}<div class=\"fee-lines\" aria-live=\"polite\">{}</div></form>",
                fee_lines(&fee::evaluate(schedule, p.today, &inputs), lang)
            )
        }
        None => format!("<p>{}</p>", lang.t("Không thu phí, lệ phí.", "No fees or charges.")),
    };
    let start = match p.chosen {
        Some(a) => format!(
            "<p class=\"muted\">{}</p><a class=\"button\" href=\"/thu-tuc/{}/nop?agency={}\">{}</a>",
            escape(&lang.pick(format!("Nộp tại: {}", a.name), format!("Submit to: {}", a.name))),
            escape(code),
            url_component(a.code),
            lang.t("Nộp hồ sơ trực tuyến", "Submit online")
        ),
        None => format!("<a class=\"button\" href=\"{}\">{}</a>", escape(&choose_then(&format!("/thu-tuc/{code}"))), lang.t("Chọn cơ quan để nộp hồ sơ", "Choose an agency to submit to")),
    };
    format!(
        "<section class=\"page\"><h1>{name}</h1>{facts}<h2>{fees_h2}</h2>{fees}{online}<div class=\"actions\">{start}</div></section>",
        name = escape(&d.summary.name),
        facts = facts(d, lang),
        fees_h2 = lang.t("Phí, lệ phí", "Fees and charges"),
        online = d.online_only.as_ref().map(|o| online_only(o, lang)).unwrap_or_default(),
    )
}

/// A code no procedure has (404).
pub fn missing(lang: Lang) -> String {
    format!(
        "<section class=\"page\"><h1>{}</h1><p>{}</p><p><a href=\"/\" class=\"button\">{}</a></p></section>",
        lang.t("Không tìm thấy thủ tục", "Procedure not found"),
        lang.t("Mã thủ tục không đúng hoặc thủ tục không còn được áp dụng.", "The procedure code is wrong or the procedure is no longer in use."),
        lang.t("Xem danh sách thủ tục", "See the procedures"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ProcedureSummary;
    use time::macros::date;

    fn copy_schedule() -> FeeSchedule {
        fee::find_schedule(&fee::demo_schedules(), "2.000815").expect("demo schedule").clone()
    }

    fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn detail() -> ProcedureDetail {
        ProcedureDetail {
            summary: ProcedureSummary { code: "2.000815".into(), name: "Chứng thực bản sao".into(), level: "commune".into(), processing_days: 1, has_fees: true, online_payment: true },
            level_label: "Cấp xã".into(),
            documents: vec!["Bản chính <giấy tờ>".into()],
            legal_basis: "Nghị định 23/2015/NĐ-CP".into(),
            fee_schedule: Some(copy_schedule()),
            online_only: None,
        }
    }

    #[test]
    fn the_querys_inputs_override_the_defaults_and_an_emptied_one_is_missing() {
        let s = copy_schedule();
        let inputs = inputs_from_query(&s, &q(&[("pages", "5"), ("copies", "3 bản"), ("other", "9")]));
        assert_eq!(inputs.get("pages"), Some(&Value::from(5u64)));
        assert_eq!(inputs.get("copies"), Some(&Value::from(3u64)));
        assert!(!inputs.contains_key("other"));
        let emptied = inputs_from_query(&s, &q(&[("pages", "")]));
        assert!(!emptied.contains_key("pages"));
        assert!(fee::evaluate(&s, date!(2026 - 12 - 07), &emptied).is_err());
    }

    #[test]
    fn the_page_computes_the_fee_of_the_query_and_offers_the_next_step() {
        let d = detail();
        let page = main(&Procedure { lang: Lang::Vi, detail: &d, chosen: None, query: &q(&[("pages", "5"), ("copies", "3")]), today: date!(2026 - 12 - 07) });
        assert!(page.contains("<th class=\"num fee-total\">21.000 đ</th>"), "{page}");
        assert!(page.contains("name=\"pages\" inputmode=\"numeric\" aria-describedby=\"e-inputs-pages\" value=\"5\""), "{page}");
        assert!(page.contains("<li>Bản chính &lt;giấy tờ&gt;</li>"), "{page}");
        assert!(page.contains("href=\"/co-quan?next=%2Fthu-tuc%2F2.000815\""), "{page}");
        let chosen = Chosen { code: "000.10.51.H27", name: "UBND xã Sơn Tây" };
        let en = main(&Procedure { lang: Lang::En, detail: &d, chosen: Some(chosen), query: &q(&[("pages", "")]), today: date!(2026 - 12 - 07) });
        assert!(en.contains("<p class=\"error\" role=\"alert\">This field is required.</p>"), "{en}");
        assert!(en.contains("href=\"/thu-tuc/2.000815/nop?agency=000.10.51.H27\">Submit online</a>"), "{en}");
        assert!(en.contains("<dd>1 working day</dd>"));
    }
}
