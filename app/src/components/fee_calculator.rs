//! The fee of a procedure computed in the browser by the domain's own evaluation (the same code
//! the server runs), recomputed as the person changes the inputs.

use leptos::prelude::*;
use motcua_domain::fee::{self, FeeSchedule, InputKind};
use serde_json::{Map, Value};

use super::form::Errors;
use super::money::vnd;
use crate::i18n::{pick, t};

/// Today's date in Vietnam (UTC+7), from the browser's clock.
pub fn today_vn() -> time::Date {
    let millis = js_sys::Date::now() as i64;
    let utc = time::OffsetDateTime::from_unix_timestamp(millis / 1000).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    motcua_domain::calendar::vietnam_local(utc).date()
}

/// The inputs a schedule asks for, with their defaults (counts start at their minimum).
pub fn default_inputs(schedule: &FeeSchedule) -> Map<String, Value> {
    schedule
        .inputs
        .iter()
        .filter_map(|i| {
            let v = i.default.clone().or_else(|| match i.kind {
                InputKind::Count => Some(Value::from(i.min.unwrap_or(1))),
                InputKind::Flag => Some(Value::Bool(false)),
                _ => None,
            })?;
            Some((i.name.clone(), v))
        })
        .collect()
}

#[component]
pub fn FeeCalculator(
    schedule: FeeSchedule,
    inputs: RwSignal<Map<String, Value>>,
    /// The form's errors, to show the server's `inputs.<name>` at the input.
    #[prop(optional)]
    errors: Option<RwSignal<Errors>>,
) -> impl IntoView {
    let schedule = StoredValue::new(schedule);
    let breakdown = move || schedule.with_value(|s| fee::evaluate(s, today_vn(), &inputs.get()));
    let fields = schedule.with_value(|s| s.inputs.clone());
    view! {
        <div class="fee-calculator">
            {fields.into_iter().filter(|i| matches!(i.kind, InputKind::Count | InputKind::Money)).map(|input| {
                let name = input.name.clone();
                let name_for_value = name.clone();
                let id = format!("fee-{}", input.name);
                let err_field = format!("inputs.{}", input.name);
                let error = move || errors.and_then(|e| e.read().at(&err_field));
                let err_id = format!("e-inputs-{}", input.name);
                view! {
                    <label for=id.clone()>{input.label_vi.clone()}</label>
                    <input
                        id=id
                        name=name.clone()
                        inputmode="numeric"
                        aria-describedby=err_id.clone()
                        prop:value=move || inputs.with(|m| m.get(&name_for_value).map(|v| v.to_string().trim_matches('"').to_string()).unwrap_or_default())
                        on:input=move |ev| {
                            let text = event_target_value(&ev);
                            let digits: String = text.chars().filter(|c| c.is_ascii_digit()).collect();
                            inputs.update(|m| {
                                if digits.is_empty() {
                                    m.remove(&name);
                                } else if let Ok(n) = digits.parse::<u64>() {
                                    m.insert(name.clone(), Value::from(n));
                                }
                            });
                        }
                    />
                    <span class="field-error" id=err_id role="alert">{error}</span>
                }
            }).collect_view()}
            {move || match breakdown() {
                Ok(b) => view! {
                    <table class="lines" aria-label=t("Chi tiết phí, lệ phí", "Fee and charge details")>
                        <tbody>
                            {b.lines.into_iter().map(|l| view! {
                                <tr>
                                    <td>
                                        {format!("{} ({})", l.name, t(l.kind.label_vi(), l.kind.label_en()))}
                                        <br/><small class="muted">{l.detail_vi.clone().unwrap_or_default()}</small>
                                        <br/><small class="muted">{format!("{}{}", t("Căn cứ: ", "Legal basis: "), l.legal_basis)}</small>
                                        {l.exemption.map(|e| view! { <br/><small class="ok">{pick(format!("Miễn: {}", e.reason_vi), format!("Exempt: {}", e.reason_en))}</small> })}
                                    </td>
                                    <td class="num">{l.amount.to_string()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                        <tfoot><tr><th>{t("Tổng cộng", "Total")}</th><th class="num fee-total">{vnd(b.total.as_dong())}</th></tr></tfoot>
                    </table>
                }.into_any(),
                Err(e) => view! { <p class="error" role="alert">{pick(e.message_vi, e.message_en)}</p> }.into_any(),
            }}
        </div>
    }
}
