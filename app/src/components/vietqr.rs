//! The VietQR code with the bank details beside it, as the citizen's phone and the desk's
//! screen both show it (the same markup, so the tests and the printed slip read the same fields).

use leptos::prelude::*;

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
