//! The unit targets of the agency chosen on the admin page (seed 002's "chỉ tiêu được giao"):
//! its own online-payment and online-submission rates for a year, empty to inherit its district's
//! or province's (else 30 % for payments), and what applies to it now. Saved with the version
//! read, so a change made meanwhile is refused rather than overwritten.

use leptos::prelude::*;
use leptos::task::spawn_local;
use motcua_domain::indicators::{TargetsInput, TargetsView};

use crate::api;
use crate::components::form::{Errors, Field};

fn origin(source: &str, from: &Option<String>) -> String {
    match source {
        "own" => "giao riêng cho đơn vị".into(),
        "inherited" => format!("theo cấp trên ({})", from.clone().unwrap_or_default()),
        "default" => "chỉ tiêu chung".into(),
        _ => "chưa giao".into(),
    }
}

#[component]
pub fn AgencyTargets(agency: String) -> impl IntoView {
    let year = RwSignal::new(super::today_vn().chars().take(4).collect::<String>());
    let pay = RwSignal::new(String::new());
    let sub = RwSignal::new(String::new());
    let view_ = RwSignal::new(None::<TargetsView>);
    let errors = RwSignal::new(Errors::default());
    let done = RwSignal::new(String::new());
    let agency = StoredValue::new(agency);
    let show = move |v: TargetsView| {
        pay.set(v.online_payment_rate.clone().unwrap_or_default());
        sub.set(v.online_submission_rate.clone().unwrap_or_default());
        view_.set(Some(v));
    };
    let load = move || {
        let y: i32 = year.get_untracked().trim().parse().unwrap_or(0);
        let call = api::admin::targets(&agency.get_value(), y);
        spawn_local(async move {
            match call.await {
                Ok(v) => show(v),
                Err(e) => errors.set(e.into()),
            }
        });
    };
    load();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        errors.set(Errors::default());
        done.set(String::new());
        let opt = |s: String| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        let body = TargetsInput {
            year: year.get_untracked().trim().parse().unwrap_or(0),
            online_payment_rate: opt(pay.get_untracked()),
            online_submission_rate: opt(sub.get_untracked()),
            version: view_.get_untracked().map(|v| v.version),
        };
        let call = api::admin::put_targets(&agency.get_value(), &body);
        spawn_local(async move {
            match call.await {
                Ok(v) => {
                    show(v);
                    done.set("Đã lưu chỉ tiêu.".into());
                }
                Err(e) => errors.set(e.into()),
            }
        });
    };
    view! {
        <form class="admin-form" id="targets-form" on:submit=save novalidate>
            <h2>"Chỉ tiêu được giao"</h2>
            <p class="muted">"Tỷ lệ phần trăm (ví dụ 30 hoặc 32,5). Để trống để theo chỉ tiêu của cấp trên."</p>
            <Field label="Năm" name="year" value=year errors=errors inputmode="numeric" id="t-year".to_string()/>
            <button type="button" class="secondary" on:click=move |_| { errors.set(Errors::default()); load(); }>"Xem chỉ tiêu năm này"</button>
            <Field label="Tỷ lệ thanh toán trực tuyến (%)" name="online_payment_rate" value=pay errors=errors inputmode="decimal" id="t-pay".to_string()/>
            <Field label="Tỷ lệ hồ sơ nộp trực tuyến (%)" name="online_submission_rate" value=sub errors=errors inputmode="decimal" id="t-sub".to_string()/>
            {move || view_.get().map(|v| view! {
                <p id="targets-effective">{format!(
                    "Đang áp dụng năm {}: thanh toán trực tuyến {} ({}); nộp hồ sơ trực tuyến {} ({}).",
                    v.year, v.effective_online_payment.display, origin(&v.effective_online_payment.source, &v.effective_online_payment.from_agency),
                    v.effective_online_submission.display, origin(&v.effective_online_submission.source, &v.effective_online_submission.from_agency),
                )}</p>
            })}
            <span class="field-error" role="alert">{move || errors.read().at("version")}</span>
            {move || errors.get().general().map(|m| view! { <p class="error" role="alert">{m}</p> })}
            {move || (!done.get().is_empty()).then(|| view! { <p class="paid" role="status">{done.get()}</p> })}
            <button type="submit">"Lưu chỉ tiêu"</button>
        </form>
    }
}
