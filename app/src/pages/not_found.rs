use leptos::prelude::*;

use crate::i18n::t;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section class="page">
            <h1>{t("Không tìm thấy trang", "Page not found")}</h1>
            <p><a href="/">{t("Về trang chủ", "Back to the home page")}</a></p>
        </section>
    }
}
