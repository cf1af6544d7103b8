//! The frame of every page: a header with the service (or the chosen agency's) name and a bottom
//! navigation within thumb reach on a phone.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    view! {
        <header class="top">
            <a href="/" class="brand">
                <span class="emblem" aria-hidden="true">"★"</span>
                <span>{i18n::APP_NAME}</span>
            </a>
        </header>
        <main id="main">{children()}</main>
        <nav class="bottom" aria-label="Điều hướng chính">
            <A href="/">{i18n::NAV_PROCEDURES}</A>
            <A href="/ho-so">{i18n::NAV_DOSSIERS}</A>
            <A href="/tai-khoan">{i18n::NAV_ACCOUNT}</A>
        </nav>
    }
}
