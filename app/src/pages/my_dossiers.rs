//! "Hồ sơ của tôi": the citizen's dossiers (filled in by the citizen journey).

use leptos::prelude::*;

#[component]
pub fn MyDossiers() -> impl IntoView {
    view! {
        <section class="page">
            <h1>"Hồ sơ của tôi"</h1>
            <p class="muted">"Đăng nhập để xem các hồ sơ bạn đã nộp."</p>
        </section>
    }
}
