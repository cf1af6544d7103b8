//! A procedure's page: what it is, how long it takes, what it needs and what it costs (with the
//! legal basis of every line), before anything is filled in.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api;
use crate::components::agency::use_chosen;
use crate::components::fee_calculator::FeeCalculator;
use crate::i18n::{self, pick, t};
use motcua_domain::pages::{self, procedure::default_inputs};

#[component]
pub fn ProcedurePage() -> impl IntoView {
    let params = use_params_map();
    let chosen = use_chosen();
    // With an agency chosen, the fees as they apply in its province.
    let detail = LocalResource::new(move || {
        let code = params.read().get("code").unwrap_or_default();
        let agency = chosen.read().as_ref().map(|a| a.code.clone()).unwrap_or_default();
        async move { api::catalog::procedure(&code, &agency).await }
    });
    view! {
        <section class="page">
            <Suspense fallback=|| view! { <p class="muted">{t("Đang tải…", "Loading…")}</p> }>
                {move || Suspend::new(async move {
                    match detail.await {
                        Ok(d) => {
                            let fees = d.fee_schedule.clone().filter(|s| !s.versions.is_empty());
                            let online_only = d.online_only.clone();
                            let code = d.summary.code.clone();
                            // Sending needs the agency: choose it first, then come back here.
                            let start = move || match chosen.get() {
                                Some(a) => view! {
                                    <p class="muted">{pick(format!("Nộp tại: {}", a.name), format!("Submit to: {}", a.name))}</p>
                                    <a class="button" href=format!("/thu-tuc/{code}/nop?agency={}", api::encode(&a.code))>{t("Nộp hồ sơ trực tuyến", "Submit online")}</a>
                                }.into_any(),
                                None => view! {
                                    <a class="button" href=format!("/co-quan?next={}", api::encode(&format!("/thu-tuc/{code}")))>{t("Chọn cơ quan để nộp hồ sơ", "Choose an agency to submit to")}</a>
                                }.into_any(),
                            };
                            view! {
                                <h1>{d.summary.name.clone()}</h1>
                                // The facts and documents as the Worker's page writes them.
                                <div class="procedure-facts" inner_html=pages::procedure::facts(&d, i18n::lang())></div>
                                <h2>{t("Phí, lệ phí", "Fees and charges")}</h2>
                                {match fees {
                                    Some(schedule) => {
                                        let inputs = RwSignal::new(default_inputs(&schedule));
                                        view! { <FeeCalculator schedule=schedule inputs=inputs/> }.into_any()
                                    }
                                    None => view! { <p>{t("Không thu phí, lệ phí.", "No fees or charges.")}</p> }.into_any(),
                                }}
                                {online_only.map(|o| view! { <div inner_html=pages::procedure::online_only(&o, i18n::lang())></div> })}
                                <div class="actions">{start}</div>
                            }.into_any()
                        }
                        Err(e) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
