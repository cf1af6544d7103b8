//! The frame of every page: a header with the service (or the chosen agency's) name and a bottom
//! navigation within thumb reach on a phone.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::agency::use_chosen;
use crate::hooks::online::use_online_status;
use crate::i18n;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let chosen = use_chosen();
    let online = use_online_status();
    view! {
        <header class="top">
            <a href="/" class="brand">
                <span class="emblem" aria-hidden="true">"★"</span>
                <span class="brand-text">
                    <span>{i18n::APP_NAME}</span>
                    {move || chosen.get().map(|a| view! { <small class="header-agency">{a.name}</small> })}
                </span>
            </a>
        </header>
        {move || (!online.get()).then(|| view! {
            <p class="offline" role="status">"Mất kết nối mạng. Bạn vẫn có thể điền hồ sơ; bản nháp được lưu trên máy và gửi được khi có mạng trở lại."</p>
        })}
        <main id="main">{children()}</main>
        <nav class="bottom" aria-label="Điều hướng chính">
            <A href="/">{i18n::NAV_PROCEDURES}</A>
            <A href="/ho-so">{i18n::NAV_DOSSIERS}</A>
            <A href="/tai-khoan">{i18n::NAV_ACCOUNT}</A>
        </nav>
    }
}
