//! The VietQR code with the bank details beside it, as the citizen's phone and the desk's
//! screen both show it (the same markup, so the tests and the printed slip read the same fields).

use leptos::prelude::*;
use motcua_domain::gateway::StartPayment;

use crate::i18n::t;

#[component]
pub fn VietQrPanel(svg: String, bank_bin: String, account_no: String, account_name: String, purpose: String, note: &'static str) -> impl IntoView {
    view! {
        <div class="vietqr">
            <div class="qr" inner_html=svg role="img" aria-label=t("Mã VietQR để chuyển khoản", "VietQR code for the bank transfer")></div>
            <dl class="facts">
                <dt>{t("Ngân hàng (BIN)", "Bank (BIN)")}</dt><dd>{bank_bin}</dd>
                <dt>{t("Số tài khoản", "Account number")}</dt><dd class="account-no">{account_no}</dd>
                <dt>{t("Chủ tài khoản", "Account holder")}</dt><dd>{account_name}</dd>
                <dt>{t("Nội dung chuyển khoản", "Transfer description")}</dt><dd><strong class="purpose">{purpose}</strong></dd>
            </dl>
            <p class="muted">{note}</p>
        </div>
    }
}

/// The panel of a started payment that goes by VietQR, with what the payer is told under it;
/// nothing for one that goes to the provider's page.
pub fn qr_panel(next: StartPayment, note: &'static str) -> Option<impl IntoView> {
    match next {
        StartPayment::Qr { svg, bank_bin, account_no, account_name, purpose, .. } => Some(view! {
            <VietQrPanel svg=svg bank_bin=bank_bin account_no=account_no account_name=account_name purpose=purpose note=note/>
        }),
        _ => None,
    }
}

/// The note under the code on a page that polls for the payment (a bill, a payment link).
pub fn page_updates_itself() -> &'static str {
    t(
        "Quét mã bằng ứng dụng ngân hàng. Giữ nguyên nội dung chuyển khoản; trang tự cập nhật khi ngân hàng báo đã nhận tiền.",
        "Scan the code with your banking app. Keep the transfer description unchanged; this page updates itself when the bank reports the money received.",
    )
}
