use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section class="page">
            <h1>"Không tìm thấy trang"</h1>
            <p><a href="/">"Về trang chủ"</a></p>
        </section>
    }
}
