//! A procedure's page: what it is, how long it takes, what it needs and what it costs (with the
//! legal basis of every line), before anything is filled in.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api;
use crate::components::agency::use_chosen;
use crate::components::fee_calculator::{default_inputs, FeeCalculator};
use crate::components::dates::date_vn;
use crate::i18n::{pick, t, working_days};
use motcua_domain::paperless::{weekday_en, weekday_vi, OnlineOnlyDays};

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
                                <dl class="facts">
                                    <dt>{t("Mã thủ tục", "Procedure code")}</dt><dd>{d.summary.code.clone()}</dd>
                                    <dt>{t("Cấp thực hiện", "Level of government")}</dt><dd>{d.level_label.clone()}</dd>
                                    <dt>{t("Thời hạn giải quyết", "Processing time")}</dt><dd>{working_days(d.summary.processing_days)}</dd>
                                    <dt>{t("Căn cứ pháp lý", "Legal basis")}</dt><dd>{d.legal_basis.clone()}</dd>
                                </dl>
                                <h2>{t("Thành phần hồ sơ", "Required documents")}</h2>
                                <ul>{d.documents.into_iter().map(|doc| view! { <li>{doc}</li> }).collect_view()}</ul>
                                <h2>{t("Phí, lệ phí", "Fees and charges")}</h2>
                                {match fees {
                                    Some(schedule) => {
                                        let inputs = RwSignal::new(default_inputs(&schedule));
                                        view! { <FeeCalculator schedule=schedule inputs=inputs/> }.into_any()
                                    }
                                    None => view! { <p>{t("Không thu phí, lệ phí.", "No fees or charges.")}</p> }.into_any(),
                                }}
                                {online_only.map(|o| view! { <OnlineOnly days=o/> })}
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

/// The chosen agency's paperless days for this procedure: on them it takes the dossier online
/// only (the desk helps file it on the citizen's phone).
#[component]
fn OnlineOnly(days: OnlineOnlyDays) -> impl IntoView {
    let weekdays = days.weekdays.iter().map(|w| pick(weekday_vi(*w).to_string(), weekday_en(*w).to_string())).collect::<Vec<_>>().join(", ");
    let dates = days.dates.iter().map(|d| date_vn(d)).collect::<Vec<_>>().join(", ");
    let except = days.except_dates.iter().map(|d| date_vn(d)).collect::<Vec<_>>().join(", ");
    view! {
        <section class="notice online-only" aria-labelledby="online-only-title">
            <h2 id="online-only-title">{t("Ngày chỉ nhận hồ sơ trực tuyến", "Days for online dossiers only")}</h2>
            {days.today.then(|| view! { <p><strong>{t("Hôm nay cơ quan chỉ nhận hồ sơ này trực tuyến.", "Today the agency takes this dossier online only.")}</strong></p> })}
            {(!weekdays.is_empty()).then(|| view! { <p>{t("Hằng tuần: ", "Every week: ")}{weekdays}</p> })}
            {(!dates.is_empty()).then(|| view! { <p>{t("Các ngày: ", "Dates: ")}{dates}</p> })}
            {(!except.is_empty()).then(|| view! { <p>{t("Trừ các ngày: ", "Except on: ")}{except}</p> })}
            <p class="muted">{t("Vào những ngày này, Bộ phận Một cửa không nhận hồ sơ giấy mà hỗ trợ bạn nộp trực tuyến ngay trên điện thoại.", "On these days the desk takes no paper dossier; it helps you file online on your phone.")}</p>
        </section>
    }
}
