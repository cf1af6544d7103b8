//! The fee of a procedure computed in the browser by the domain's own evaluation (the same code
//! the server runs), recomputed as the person changes the inputs.

use leptos::prelude::*;
use motcua_domain::fee::{self, FeeSchedule, InputKind};
use serde_json::{Map, Value};

use motcua_domain::pages;

use super::form::Errors;
use crate::i18n::lang;

/// Today's date in Vietnam (UTC+7), from the browser's clock.
pub fn today_vn() -> time::Date {
    let millis = js_sys::Date::now() as i64;
    let utc = time::OffsetDateTime::from_unix_timestamp(millis / 1000).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    motcua_domain::calendar::vietnam_local(utc).date()
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
            // The table (or why there is none) as the Worker's page writes it.
            <div class="fee-lines" aria-live="polite" inner_html=move || pages::procedure::fee_lines(&breakdown(), lang())></div>
        </div>
    }
}
