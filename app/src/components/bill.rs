//! A bill as its payer and the desk read it: what it is for, who issued it and on which document,
//! its lines and total, the due date and its state; and the tab's memory of the payer's number,
//! so the page a payment provider returns to can look the bill up again.

use leptos::prelude::*;
use motcua_domain::bill::{BillView, Kind};

use super::dates::date_vn;
use super::money::vnd;
use crate::i18n::{pick, t};
use crate::storage::session;

/// The kind's label in the interface's language (the server's Vietnamese one otherwise).
pub fn kind_label(bill: &BillView) -> String {
    pick(bill.kind_label.clone(), bill.kind.label_en().into())
}

pub fn state_label(bill: &BillView) -> String {
    pick(bill.state_label.clone(), bill.state.label_en().into())
}

fn payer_key(code: &str) -> String {
    format!("motcua.bill-payer.{}", code.trim().to_uppercase())
}

/// The payer's number typed for this bill in this tab, if any.
pub fn remembered_payer(code: &str) -> Option<String> {
    session::get(&payer_key(code)).filter(|p| !p.is_empty())
}

pub fn remember_payer(code: &str, payer_id: &str) {
    session::set(&payer_key(code), payer_id);
}

/// The bill's facts, lines and total (no actions).
#[component]
pub fn BillFacts(bill: BillView) -> impl IntoView {
    let lines: Vec<(String, i64)> = bill.lines.iter().map(|l| (l.name.clone(), l.amount.as_dong())).collect();
    let doc = &bill.document;
    view! {
        <dl class="facts bill-facts">
            <dt>{t("Mã khoản phải nộp", "Bill code")}</dt><dd class="bill-code ref">{bill.code.clone()}</dd>
            <dt>{t("Loại", "Kind")}</dt><dd class="bill-kind">{kind_label(&bill)}</dd>
            <dt>{t("Cơ quan thu", "Collecting agency")}</dt><dd>{bill.agency_name.clone()}</dd>
            <dt>{t("Người nộp", "Payer")}</dt><dd>{bill.payer_name.clone()}</dd>
            <dt>{t("Số định danh", "Identification")}</dt><dd class="ref">{bill.payer_id.clone()}</dd>
            <dt>{if bill.kind == Kind::Fine { t("Quyết định xử phạt", "Fine decision") } else { t("Văn bản", "Document") }}</dt>
            <dd>{pick(format!("Số {}, ngày {}", doc.number, date_vn(&doc.date)), format!("No. {}, dated {}", doc.number, date_vn(&doc.date)))}</dd>
            {doc.violation.clone().map(|v| view! { <dt>{t("Hành vi vi phạm", "Violation")}</dt><dd class="violation">{v}</dd> })}
            {doc.issued_by.clone().map(|v| view! { <dt>{t("Người ký", "Signed by")}</dt><dd>{v}</dd> })}
            <dt>{t("Hạn nộp", "Due date")}</dt><dd class="due-date">{date_vn(&bill.due_date)}</dd>
            <dt>{t("Trạng thái", "Status")}</dt><dd><strong class="status-label" data-state=bill.state.as_str()>{state_label(&bill)}</strong></dd>
        </dl>
        <table class="lines">
            <caption class="visually-hidden">{t("Các khoản", "Lines")}</caption>
            <tbody>{lines.into_iter().map(|(name, amount)| view! { <tr><td>{name}</td><td class="num">{vnd(amount)}</td></tr> }).collect_view()}</tbody>
            <tfoot><tr><th scope="row">{t("Tổng cộng", "Total")}</th><td class="num bill-total">{vnd(bill.total)}</td></tr></tfoot>
        </table>
    }
}
