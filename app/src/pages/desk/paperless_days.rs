//! The admin's editor of an agency's paperless days (on `/can-bo/quan-tri`, per agency chosen):
//! which of its procedures are taken online only, on which weekdays, on which extra dates and
//! except on which dates. Saved with the version read, so a change made meanwhile by someone
//! else is refused rather than overwritten; the server names a wrong item at its field.

use leptos::prelude::*;
use leptos::task::spawn_local;
use motcua_domain::api::ProcedureSummary;
use motcua_domain::paperless::weekday_vi;
use serde_json::json;

use crate::api;
use crate::components::form::Errors;

/// Dates typed one per line (or separated by commas or spaces).
fn dates(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c.is_whitespace()).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

#[component]
pub fn PaperlessDays(agency: String) -> impl IntoView {
    let handled = RwSignal::new(Vec::<ProcedureSummary>::new());
    let chosen = RwSignal::new(Vec::<String>::new());
    let weekdays = RwSignal::new(Vec::<u8>::new());
    let (extra, except) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let version = RwSignal::new(0i64);
    let errors = RwSignal::new(Errors::default());
    let saved = RwSignal::new(false);
    let load = {
        let agency = agency.clone();
        move || {
            let agency = agency.clone();
            spawn_local(async move {
                handled.set(api::catalog::procedures("", &agency).await.unwrap_or_default());
                match api::outreach::paperless(&agency).await {
                    Ok(v) => {
                        chosen.set(v.procedures);
                        weekdays.set(v.weekdays);
                        extra.set(v.dates.join("\n"));
                        except.set(v.except_dates.join("\n"));
                        version.set(v.version);
                    }
                    Err(e) => errors.set(e.into()),
                }
            });
        }
    };
    load();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        errors.set(Errors::default());
        saved.set(false);
        let body = json!({
            "procedures": chosen.get_untracked(), "weekdays": weekdays.get_untracked(),
            "dates": dates(&extra.get_untracked()), "except_dates": dates(&except.get_untracked()), "version": version.get_untracked(),
        });
        let agency = agency.clone();
        spawn_local(async move {
            match api::outreach::put_paperless(&agency, &body).await {
                Ok(v) => {
                    version.set(v.version);
                    saved.set(true);
                }
                Err(e) => errors.set(e.into()),
            }
        });
    };
    let toggle = |list: RwSignal<Vec<String>>, code: String, on: bool| list.update(|l| if on { l.push(code) } else { l.retain(|c| *c != code) });
    view! {
        <form class="admin-form paperless-days" on:submit=submit novalidate>
            <h2>"Ngày không nhận hồ sơ giấy"</h2>
            <p class="muted">"Vào những ngày này, Bộ phận Một cửa không tiếp nhận hồ sơ giấy của các thủ tục đã chọn mà hỗ trợ công dân nộp trực tuyến ngay trên điện thoại."</p>
            <fieldset>
                <legend>"Thủ tục"</legend>
                {move || handled.get().into_iter().map(|p| {
                    let code = p.code.clone();
                    let id = format!("pl-p-{}", p.code);
                    let for_id = id.clone();
                    let checked = chosen.with(|c| c.contains(&code));
                    view! {
                        <label class="check" for=for_id>
                            <input id=id type="checkbox" prop:checked=checked on:change=move |ev| toggle(chosen, code.clone(), event_target_checked(&ev))/>
                            <span>{format!("{} — {}", p.code, p.name)}</span>
                        </label>
                    }
                }).collect_view()}
                <span class="field-error" role="alert">{move || errors.read().field.clone().filter(|f| f.starts_with("procedures")).map(|_| errors.read().message.clone())}</span>
            </fieldset>
            <fieldset>
                <legend>"Hằng tuần"</legend>
                {(1u8..=7).map(|w| {
                    let id = format!("pl-w-{w}");
                    let for_id = id.clone();
                    view! {
                        <label class="check" for=for_id>
                            <input id=id type="checkbox" prop:checked=move || weekdays.with(|l| l.contains(&w))
                                on:change=move |ev| { let on = event_target_checked(&ev); weekdays.update(|l| if on { l.push(w) } else { l.retain(|x| *x != w) }) }/>
                            <span>{weekday_vi(w)}</span>
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <label class="field" for="pl-dates"><span>"Thêm các ngày (YYYY-MM-DD, mỗi dòng một ngày)"</span>
                <textarea id="pl-dates" rows="2" prop:value=extra on:input=move |ev| extra.set(event_target_value(&ev))></textarea>
                <span class="field-error" role="alert">{move || errors.read().field.clone().filter(|f| f.starts_with("dates")).map(|_| errors.read().message.clone())}</span>
            </label>
            <label class="field" for="pl-except"><span>"Trừ các ngày (làm bù, hệ thống gián đoạn…)"</span>
                <textarea id="pl-except" rows="2" prop:value=except on:input=move |ev| except.set(event_target_value(&ev))></textarea>
                <span class="field-error" role="alert">{move || errors.read().field.clone().filter(|f| f.starts_with("except_dates")).map(|_| errors.read().message.clone())}</span>
            </label>
            {move || errors.read().field.clone().filter(|f| !["procedures", "dates", "except_dates"].iter().any(|p| f.starts_with(p))).map(|_| errors.read().message.clone())
                .or_else(|| errors.read().general()).map(|m| view! { <p class="error" role="alert">{m}</p> })}
            {move || saved.get().then(|| view! { <p class="paid" role="status">"Đã lưu lịch ngày không nhận hồ sơ giấy."</p> })}
            <button type="submit">"Lưu lịch"</button>
        </form>
    }
}
