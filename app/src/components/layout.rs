//! The frame of every page: a header with the service (or the chosen agency's) name and a bottom
//! navigation within thumb reach on a phone.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::agency::use_chosen;
use crate::hooks::online::use_online_status;
use crate::i18n::{self, t, Lang};

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let chosen = use_chosen();
    let online = use_online_status();
    view! {
        <header class="top">
            <a href="/" class="brand">
                <span class="emblem" aria-hidden="true">"★"</span>
                <span class="brand-text">
                    <span>{i18n::app_name()}</span>
                    {move || chosen.get().map(|a| view! { <small class="header-agency">{a.name}</small> })}
                </span>
            </a>
            {
                // Each language's name in that language, so a person who reads only it finds it.
                let (other, code, name) = match i18n::lang() {
                    Lang::Vi => (Lang::En, "en", "English"),
                    Lang::En => (Lang::Vi, "vi", "Tiếng Việt"),
                };
                view! { <button type="button" class="lang-switch" lang=code on:click=move |_| i18n::switch_to(other)>{name}</button> }
            }
        </header>
        {move || (!online.get()).then(|| view! {
            <p class="offline" role="status">{t(
                "Mất kết nối mạng. Bạn vẫn có thể điền hồ sơ; bản nháp được lưu trên máy và gửi được khi có mạng trở lại.",
                "You are offline. You can still fill in the dossier: the draft is saved on this phone and can be sent when the network is back.",
            )}</p>
        })}
        <main id="main">{children()}</main>
        <nav class="bottom" aria-label=t("Điều hướng chính", "Main navigation")>
            <A href="/">{t("Thủ tục", "Procedures")}</A>
            <A href="/ho-so">{t("Hồ sơ của tôi", "My dossiers")}</A>
            <A href="/giay-to">{t("Giấy tờ", "Documents")}</A>
            <A href="/tai-khoan">{t("Tài khoản", "Account")}</A>
        </nav>
    }
}
