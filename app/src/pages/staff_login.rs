//! Staff log-in (`/can-bo/dang-nhap`: username, password and, where set up, the 6-digit code of
//! the authenticator app). After log-in the desk's inbox (`/can-bo`) is the staff home.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use motcua_domain::auth::StaffLogin as LoginBody;

use crate::api;
use crate::components::form::{Errors, Field};
use crate::staff::use_staff;

#[component]
pub fn StaffLogin() -> impl IntoView {
    let ctx = use_staff();
    let (username, password, totp) = (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let errors = RwSignal::new(Errors::default());
    let busy = RwSignal::new(false);
    let navigate = use_navigate();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        errors.set(Errors::default());
        if username.get_untracked().trim().is_empty() {
            return errors.set(Errors { field: Some("username".into()), message: "Vui lòng nhập tên đăng nhập.".into() });
        }
        if password.get_untracked().is_empty() {
            return errors.set(Errors { field: Some("password".into()), message: "Vui lòng nhập mật khẩu.".into() });
        }
        busy.set(true);
        let body = LoginBody {
            username: username.get_untracked().trim().to_string(),
            password: password.get_untracked(),
            totp: Some(totp.get_untracked()).filter(|t| !t.trim().is_empty()),
        };
        let navigate = navigate.clone();
        spawn_local(async move {
            let result = api::auth::staff_login(&body).await;
            busy.set(false);
            match result {
                Ok(me) => {
                    ctx.me.set(Some(me));
                    navigate("/can-bo", Default::default());
                }
                Err(e) => errors.set(e.into()),
            }
        });
    };
    view! {
        <section class="page">
            <h1>"Đăng nhập cán bộ"</h1>
            <form on:submit=submit novalidate>
                <Field label="Tên đăng nhập" name="username" value=username errors=errors autocomplete="username"/>
                <Field label="Mật khẩu" name="password" value=password errors=errors kind="password" autocomplete="current-password"/>
                <Field label="Mã xác thực (nếu có)" name="totp" value=totp errors=errors inputmode="numeric" autocomplete="one-time-code"/>
                {move || errors.get().general().map(|m| view! { <p class="error" role="alert">{m}</p> })}
                <button type="submit" disabled=move || busy.get()>"Đăng nhập"</button>
            </form>
        </section>
    }
}
