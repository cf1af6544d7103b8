//! An electronic receipt (biên lai điện tử), printable on A4: a dossier's fees, or a bill's.

use leptos::prelude::*;
use motcua_domain::api::ReceiptView;

use super::dates::datetime_vn;
use super::money::vnd;
use crate::i18n::t;

#[component]
pub fn Receipt(receipt: ReceiptView) -> impl IntoView {
    let lines: Vec<(String, i64)> = receipt
        .lines
        .as_array()
        .map(|ls| ls.iter().map(|l| (l["name"].as_str().unwrap_or("").to_string(), l["amount"].as_i64().unwrap_or(0))).collect())
        .unwrap_or_default();
    let for_bill = receipt.dossier_code.as_deref().is_some_and(|c| motcua_domain::bill::BillCode::parse("code", c).is_ok());
    // Printed receipts need the full address, whatever host served the page.
    let verify_url = if receipt.verify_url.starts_with('/') {
        format!("{}{}", window().location().origin().unwrap_or_default(), receipt.verify_url)
    } else {
        receipt.verify_url.clone()
    };
    view! {
        <section class="receipt" aria-label=t("Biên lai điện tử", "Electronic receipt")>
            <h2>{t("Biên lai thu phí, lệ phí", "Receipt for fees and charges")}</h2>
            <dl class="facts">
                <dt>{t("Ký hiệu mẫu", "Form symbol")}</dt><dd>{receipt.form_symbol.clone()}</dd>
                <dt>{t("Ký hiệu", "Symbol")}</dt><dd>{receipt.symbol.clone()}</dd>
                <dt>{t("Số biên lai", "Receipt number")}</dt><dd class="receipt-number">{receipt.number.clone()}</dd>
                <dt>{t("Cơ quan thu", "Collecting agency")}</dt><dd>{receipt.collector.name.clone()}</dd>
                <dt>{t("Mã số thuế", "Tax code")}</dt><dd>{receipt.collector.tax_code.clone()}</dd>
                // A bill without a dossier is receipted under its own code and what it is for.
                {if for_bill {
                    view! { <dt>{t("Khoản phải nộp", "Bill")}</dt><dd>{receipt.dossier_code.clone().unwrap_or_default()}</dd>
                        <dt>{t("Nội dung", "For")}</dt><dd>{receipt.procedure_name.clone()}</dd> }.into_any()
                } else {
                    view! { <dt>{t("Hồ sơ", "Dossier")}</dt><dd>{receipt.dossier_code.clone().unwrap_or_default()}</dd>
                        <dt>{t("Thủ tục", "Procedure")}</dt><dd>{receipt.procedure_name.clone()}</dd> }.into_any()
                }}
                <dt>{t("Người nộp", "Paid by")}</dt><dd>{receipt.payer_name.clone()}</dd>
                <dt>{t("Hình thức", "Payment method")}</dt><dd>{provider_label(&receipt.provider)}</dd>
                <dt>{t("Mã giao dịch", "Transaction ID")}</dt><dd>{receipt.provider_txn.clone()}</dd>
                <dt>{t("Thời gian", "Time")}</dt><dd>{datetime_vn(&receipt.issued_at)}</dd>
            </dl>
            <table class="lines">
                <tbody>
                    {lines.into_iter().map(|(name, amount)| view! { <tr><td>{name}</td><td class="num">{vnd(amount)}</td></tr> }).collect_view()}
                </tbody>
                <tfoot><tr><th>{t("Tổng cộng", "Total")}</th><th class="num">{vnd(receipt.total)}</th></tr></tfoot>
            </table>
            <p class="amount-in-words">{t("Số tiền bằng chữ: ", "Amount in words: ")}{receipt.amount_in_words.clone()}</p>
            <p class="muted signature-state">{signature_text(&receipt.signature)}</p>
            {receipt.legal_missing.clone().map(|m| view! { <p class="notice" role="note">{m}</p> })}
            <p class="muted">{t("Kiểm tra biên lai: ", "Check this receipt: ")}<a href=verify_url.clone()>{verify_url.clone()}</a></p>
            {receipt.legal_missing.is_none().then(|| {
                let code = receipt.verify_url.rsplit('/').next().unwrap_or_default().to_string();
                view! { <p class="no-print"><a href=format!("/api/receipts/{code}/pdf") download="">{t("Tải biên lai (PDF)", "Download the receipt (PDF)")}</a></p> }
            })}
            <button type="button" class="secondary no-print" on:click=|_| { let _ = window().print(); }>{t("In biên lai", "Print receipt")}</button>
        </section>
    }
}

fn signature_text(s: &motcua_domain::receipt::SignatureState) -> String {
    match s {
        motcua_domain::receipt::SignatureState::Signed { by, at } => format!("{}{by} ({})", t("Đã ký số bởi ", "Digitally signed by "), datetime_vn(at)),
        motcua_domain::receipt::SignatureState::Pending { reason } => reason.clone(),
    }
}

/// The provider's name as the domain spells it; anything else was paid at the counter.
pub fn provider_label(provider: &str) -> &'static str {
    motcua_domain::gateway::Provider::parse("provider", provider)
        .map(|p| t(p.label(), p.label_en()))
        .unwrap_or_else(|_| t("Tại Bộ phận Một cửa", "At the one-stop desk"))
}
