//! `/can-bo/quan-tri`: catalog administration for admins — for the agency chosen, its targets
//! ([`super::targets`]), its
//! beneficiary accounts by purpose and its merchant at each payment provider
//! ([`super::agency_money`]), whether it takes online payment for a procedure; a procedure's lĩnh
//! vực (what the citizen's search also matches; the national admin's); and new fee-schedule
//! versions with their legal basis and effective date; its paperless days
//! ([`super::paperless_days`]). The server validates and
//! audits every change; its message is shown at the field.

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::{json, Value};

use super::agency_money::{AgencyAccounts, AgencyGateways};
use super::paperless_days::PaperlessDays;
use super::targets::AgencyTargets;
use super::use_require_staff;
use crate::api::{self, ApiFailure};
use crate::components::form::{Errors, Field};

#[component]
pub fn Admin() -> impl IntoView {
    use_require_staff();
    let catalog = RwSignal::new(None::<Result<Value, ApiFailure>>);
    let load = move || spawn_local(async move { catalog.set(Some(api::admin::catalog().await)) });
    load();
    let agency = RwSignal::new(String::new());
    let procedure = RwSignal::new(String::new());
    let online = RwSignal::new(true);
    let field = RwSignal::new(String::new());
    let (from, basis, lines) = (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let errors = RwSignal::new(Errors::default());
    let done = RwSignal::new(None::<String>);
    let send = move |call: api::Call<Value>, ok: &'static str| {
        errors.set(Errors::default());
        done.set(None);
        spawn_local(async move {
            match call.await {
                Ok(_) => {
                    done.set(Some(ok.to_string()));
                    load();
                }
                Err(e) => errors.set(e.into()),
            }
        });
    };
    let names = Signal::derive(move || {
        catalog.read().as_ref().and_then(|c| c.as_ref().ok()).and_then(|c| c["agencies"].as_array().cloned()).unwrap_or_default().iter()
            .map(|a| (a["code"].as_str().unwrap_or("").to_string(), a["name"].as_str().unwrap_or("").to_string()))
            .collect::<Vec<_>>()
    });
    // The chosen procedure as the catalog holds it.
    let procedure_entry = move |code: &str| -> Option<Value> {
        catalog.with_untracked(|c| {
            let list = c.as_ref()?.as_ref().ok()?["procedures"].as_array()?;
            list.iter().find(|p| p["code"] == code).cloned()
        })
    };
    // The catalog is read again after each change: the options keep the choice made.
    let options = move |key: &'static str, chosen: RwSignal<String>| {
        catalog.get().and_then(|c| c.ok()).and_then(|c| c[key].as_array().cloned()).unwrap_or_default().into_iter().map(|a| {
            let code = a["code"].as_str().unwrap_or("").to_string();
            let label = format!("{} — {}", code, a["name"].as_str().unwrap_or(""));
            let selected = chosen.get_untracked() == code;
            view! { <option value=code selected=selected>{label}</option> }
        }).collect_view()
    };
    view! {
        <section class="page desk">
            <h1>"Quản trị danh mục"</h1>
            <p><a href="/can-bo/danh-muc-quoc-gia">"Đối chiếu danh mục với Cổng DVCQG"</a></p>
            {move || match catalog.get() {
                Some(Err(e)) => Some(view! { <p class="error" role="alert">{e.message}</p> }),
                _ => None,
            }}
            {move || done.get().map(|m| view! { <p class="paid" role="status">{m}</p> })}
            {move || errors.get().general().map(|m| view! { <p class="error" role="alert">{m}</p> })}
            <label class="field" for="a-agency"><span>"Cơ quan"</span>
                <select id="a-agency" on:change=move |ev| agency.set(event_target_value(&ev))>
                    <option value="">"— Chọn cơ quan —"</option>{move || options("agencies", agency)}
                </select>
            </label>
            // Rebuilt for each agency chosen: nothing typed for one agency is sent for another.
            {move || {
                let code = agency.get();
                (!code.is_empty()).then(|| view! {
                    <AgencyTargets agency=code.clone()/>
                    <AgencyAccounts agency=code.clone()/>
                    <AgencyGateways agency=code.clone() names=names/>
                    <PaperlessDays agency=code/>
                })
            }}
            <label class="field" for="a-procedure"><span>"Thủ tục"</span>
                <select id="a-procedure" on:change=move |ev| {
                    let code = event_target_value(&ev);
                    field.set(procedure_entry(&code).and_then(|p| p["field"].as_str().map(String::from)).unwrap_or_default());
                    procedure.set(code);
                }>
                    <option value="">"— Chọn thủ tục —"</option>{move || options("procedures", procedure)}
                </select>
            </label>
            <form class="admin-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                send(api::admin::put_handling(&agency.get_untracked(), &procedure.get_untracked(), &json!({"online_payment": online.get_untracked()})), "Đã cập nhật thanh toán trực tuyến.");
            }>
                <h2>"Thanh toán trực tuyến"</h2>
                <label class="check" for="a-online">
                    <input id="a-online" type="checkbox" prop:checked=online on:change=move |ev| online.set(event_target_checked(&ev))/>
                    <span>"Cơ quan đã chọn nhận thanh toán trực tuyến cho thủ tục đã chọn"</span>
                </label>
                <button type="submit">"Lưu"</button>
            </form>
            <form class="admin-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                let code = procedure.get_untracked();
                // A change sends the procedure whole: as the catalog holds it, with this lĩnh vực.
                let Some(mut body) = procedure_entry(&code) else {
                    return errors.set(Errors { field: Some("field".into()), message: "Chọn thủ tục trước.".into() });
                };
                if let Some(o) = body.as_object_mut() {
                    o.remove("fee_schedule");
                    o.insert("field".into(), json!(field.get_untracked()));
                }
                send(api::admin::save_procedure(&code, &body), "Đã cập nhật lĩnh vực của thủ tục.");
            }>
                <h2>"Lĩnh vực của thủ tục"</h2>
                <Field label="Lĩnh vực (ví dụ: Hộ tịch, Chứng thực)" name="field" value=field errors=errors/>
                <button type="submit">"Lưu lĩnh vực"</button>
            </form>
            <form class="admin-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                let parsed: Value = serde_json::from_str(&lines.get_untracked()).unwrap_or(Value::Null);
                send(api::admin::add_fee_version(&procedure.get_untracked(), &json!({"effective_from": from.get_untracked(), "legal_basis": basis.get_untracked(), "lines": parsed})),
                     "Đã thêm mức thu mới.");
            }>
                <h2>"Mức thu mới (phiên bản biểu phí)"</h2>
                <Field label="Ngày hiệu lực" name="effective_from" value=from errors=errors kind="date"/>
                <Field label="Căn cứ pháp lý" name="legal_basis" value=basis errors=errors/>
                <label class="field" for="f-lines"><span>"Các khoản thu (JSON theo biểu phí)"</span>
                    <textarea id="f-lines" rows="5" prop:value=lines on:input=move |ev| lines.set(event_target_value(&ev))></textarea>
                    <span class="field-error" role="alert">{move || errors.read().at("lines").or_else(|| errors.read().at("version"))}</span>
                </label>
                <button type="submit">"Thêm mức thu"</button>
            </form>
        </section>
    }
}
