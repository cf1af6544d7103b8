//! The VietQR code with the bank details beside it, as the citizen's phone and the desk's
//! screen both show it (the same markup, so the tests and the printed slip read the same fields).

use leptos::prelude::*;

#[component]
pub fn VietQrPanel(svg: String, bank_bin: String, account_no: String, account_name: String, purpose: String, note: &'static str) -> impl IntoView {
    view! {
        <div class="vietqr">
            <div class="qr" inner_html=svg role="img" aria-label="Mã VietQR để chuyển khoản"></div>
            <dl class="facts">
                <dt>"Ngân hàng (BIN)"</dt><dd>{bank_bin}</dd>
                <dt>"Số tài khoản"</dt><dd class="account-no">{account_no}</dd>
                <dt>"Chủ tài khoản"</dt><dd>{account_name}</dd>
                <dt>"Nội dung chuyển khoản"</dt><dd><strong class="purpose">{purpose}</strong></dd>
            </dl>
            <p class="muted">{note}</p>
        </div>
    }
}
