//! "Tài khoản": log-in and profile (filled in by the citizen journey).

use leptos::prelude::*;

#[component]
pub fn Account() -> impl IntoView {
    view! {
        <section class="page">
            <h1>"Tài khoản"</h1>
            <p class="muted">"Đăng nhập bằng số điện thoại và mã xác thực một lần."</p>
        </section>
    }
}
