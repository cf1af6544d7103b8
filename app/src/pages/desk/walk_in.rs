//! `/can-bo/tiep-nhan`: a walk-in dossier. The officer fills in the same fields a citizen would
//! for the person at the counter (no account needed); the dossier code is issued, the fee notice
//! sent, and the dossier page offers the on-screen VietQR, the SMS pay link and the slip. A
//! dossier that came by public post ("Qua dịch vụ bưu chính công ích") is taken in the same way
//! with its postal item number; the intake figures count it as postal.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use motcua_domain::api::{AgencyNode, ProcedureSummary};
use motcua_domain::fee::InputKind;
use serde_json::{json, Map, Value};

use super::assist::AssistPanel;
use super::use_require_staff;
use crate::api;
use crate::components::form::{Errors, Field};
use crate::staff::use_staff;

#[derive(Clone)]
struct InputField {
    name: String,
    label: String,
    kind: InputKind,
    value: RwSignal<String>,
}

fn flatten(nodes: Vec<AgencyNode>, out: &mut Vec<(String, String)>) {
    for n in nodes {
        out.push((n.code, n.name));
        flatten(n.children, out);
    }
}

#[component]
pub fn WalkIn() -> impl IntoView {
    use_require_staff();
    let ctx = use_staff();
    let navigate = use_navigate();
    let agencies = RwSignal::new(Vec::<(String, String)>::new());
    let procedures = RwSignal::new(Vec::<ProcedureSummary>::new());
    let agency = RwSignal::new(String::new());
    let procedure = RwSignal::new(String::new());
    let inputs = RwSignal::new(Vec::<InputField>::new());
    let (full_name, id_number, phone, email, address) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let channel = RwSignal::new("counter".to_string());
    let postal_item = RwSignal::new(String::new());
    let errors = RwSignal::new(Errors::default());
    let busy = RwSignal::new(false);
    // Assisted filing: opened by the button, or by a paperless day's refusal.
    let assist_open = RwSignal::new(false);

    Effect::new(move |_| {
        let Some(me) = ctx.me.get() else { return };
        spawn_local(async move {
            let mut all = vec![];
            flatten(api::catalog::agencies().await.unwrap_or_default(), &mut all);
            let mine: Vec<(String, String)> = all.into_iter().filter(|(c, _)| me.agencies.contains(c)).collect();
            if let Some((c, _)) = mine.first() {
                agency.set(c.clone());
            }
            agencies.set(mine);
        });
    });
    Effect::new(move |_| {
        let a = agency.get();
        if a.is_empty() {
            return;
        }
        spawn_local(async move {
            let list = api::catalog::procedures("", &a).await.unwrap_or_default();
            procedure.set(list.first().map(|p| p.code.clone()).unwrap_or_default());
            procedures.set(list);
        });
    });
    Effect::new(move |_| {
        let p = procedure.get();
        if p.is_empty() {
            return;
        }
        spawn_local(async move {
            let detail = api::catalog::procedure(&p, &agency.get_untracked()).await.ok();
            let defs = detail.and_then(|d| d.fee_schedule).map(|s| s.inputs).unwrap_or_default();
            inputs.set(
                defs.into_iter()
                    .map(|i| InputField {
                        value: RwSignal::new(i.default.as_ref().map(|v| v.to_string().trim_matches('"').to_string()).unwrap_or_default()),
                        name: i.name,
                        label: i.label_vi,
                        kind: i.kind,
                    })
                    .collect(),
            );
        });
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        errors.set(Errors::default());
        busy.set(true);
        let mut values = Map::new();
        for i in inputs.get_untracked() {
            let v = i.value.get_untracked();
            let v = match i.kind {
                InputKind::Count => v.trim().parse::<u64>().map(Value::from).unwrap_or(Value::String(v)),
                InputKind::Flag => Value::Bool(v == "true"),
                _ => Value::String(v),
            };
            values.insert(i.name, v);
        }
        let body = json!({
            "agency": agency.get_untracked(),
            "procedure": procedure.get_untracked(),
            "applicant": {"full_name": full_name.get_untracked(), "id_number": id_number.get_untracked(), "phone": phone.get_untracked(),
                          "email": email.get_untracked(), "address": address.get_untracked()},
            "inputs": values,
            "channel": channel.get_untracked(),
            "postal_item": if channel.get_untracked() == "post" { Value::String(postal_item.get_untracked()) } else { Value::Null },
        });
        let navigate = navigate.clone();
        spawn_local(async move {
            let created = api::desk::walk_in(&body).await;
            busy.set(false);
            match created {
                Ok(d) => {
                    let id = d.detail.summary.id;
                    if d.detail.has_fees {
                        if let Err(e) = api::desk::fee_notice(&id, &[]).await {
                            errors.set(e.into());
                        }
                    }
                    navigate(&format!("/can-bo/ho-so/{id}"), Default::default());
                }
                Err(e) => {
                    assist_open.set(e.code == motcua_domain::paperless::REFUSAL_CODE);
                    errors.set(e.into());
                }
            }
        });
    };

    view! {
        <section class="page desk">
            <h1>"Tiếp nhận hồ sơ trực tiếp"</h1>
            <p class="muted">"Nhập hồ sơ cho người nộp tại quầy (không cần tài khoản). Hệ thống cấp mã hồ sơ và gửi thông báo phí để công dân có thể thanh toán trực tuyến ngay trên điện thoại."</p>
            <form on:submit=submit novalidate>
                <label class="field" for="f-agency">
                    <span>"Cơ quan tiếp nhận"</span>
                    <select id="f-agency" on:change=move |ev| agency.set(event_target_value(&ev)) prop:value=agency>
                        {move || agencies.get().into_iter().map(|(c, n)| view! { <option value=c.clone()>{n}</option> }).collect_view()}
                    </select>
                </label>
                <label class="field" for="f-procedure">
                    <span>"Thủ tục"</span>
                    <select id="f-procedure" on:change=move |ev| procedure.set(event_target_value(&ev)) prop:value=procedure>
                        {move || procedures.get().into_iter().map(|p| view! { <option value=p.code.clone()>{format!("{} — {}", p.code, p.name)}</option> }).collect_view()}
                    </select>
                    <span class="field-error" role="alert">{move || errors.read().at("procedure").or_else(|| errors.read().at("agency"))}</span>
                </label>
                <fieldset class="channel" aria-describedby="e-channel">
                    <legend>"Hình thức tiếp nhận"</legend>
                    <label class="choice" for="channel-counter">
                        <input type="radio" id="channel-counter" name="channel" value="counter"
                            prop:checked=move || channel.get() == "counter" on:change=move |_| channel.set("counter".into())/>
                        <span>"Tại quầy"</span>
                    </label>
                    <label class="choice" for="channel-post">
                        <input type="radio" id="channel-post" name="channel" value="post"
                            prop:checked=move || channel.get() == "post" on:change=move |_| channel.set("post".into())/>
                        <span>"Qua dịch vụ bưu chính công ích"</span>
                    </label>
                    <span class="field-error" id="e-channel" role="alert">{move || errors.read().at("channel")}</span>
                </fieldset>
                <Show when=move || channel.get() == "post">
                    <Field label="Số hiệu bưu gửi (ví dụ RR123456789VN)" name="postal_item" value=postal_item errors=errors autocomplete="off"/>
                </Show>
                <Field label="Họ và tên người nộp" name="applicant.full_name" value=full_name errors=errors autocomplete="off"/>
                <Field label="Số CCCD" name="applicant.id_number" value=id_number errors=errors inputmode="numeric" autocomplete="off"/>
                <Field label="Số điện thoại (nhận tin nhắn thanh toán)" name="applicant.phone" value=phone errors=errors kind="tel" autocomplete="off"/>
                <Field label="Email" name="applicant.email" value=email errors=errors kind="email" autocomplete="off"/>
                <Field label="Địa chỉ liên hệ" name="applicant.address" value=address errors=errors autocomplete="off"/>
                {move || inputs.get().into_iter().map(|i| {
                    let id = format!("f-inputs.{}", i.name);
                    let err_name = format!("inputs.{}", i.name);
                    let kind = match i.kind { InputKind::Date => "date", InputKind::Flag => "checkbox", InputKind::Count => "number", InputKind::Money => "text" };
                    let value = i.value;
                    view! {
                        <label class="field" for=id.clone()>
                            <span>{i.label.clone()}</span>
                            <input id=id.clone() type=kind inputmode=if matches!(i.kind, InputKind::Money) { "numeric" } else { "" }
                                prop:value=value on:input=move |ev| value.set(if kind == "checkbox" { event_target_checked(&ev).to_string() } else { event_target_value(&ev) })/>
                            <span class="field-error" role="alert">{move || errors.read().at(&err_name)}</span>
                        </label>
                    }
                }).collect_view()}
                {move || errors.get().general().map(|m| view! { <p class="error" role="alert">{m}</p> })}
                <button type="submit" disabled=move || busy.get()>"Tiếp nhận và cấp mã hồ sơ"</button>
                <button type="button" class="secondary" on:click=move |_| assist_open.set(true)>"Hỗ trợ nộp trực tuyến"</button>
            </form>
            <AssistPanel agency=agency procedure=procedure open=assist_open/>
        </section>
    }
}
