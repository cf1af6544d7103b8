//! A procedure's page: what it is, how long it takes and what it needs, before anything is filled.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde::Deserialize;

use crate::api;

#[derive(Debug, Clone, Deserialize)]
struct ProcedureDetail {
    code: String,
    name: String,
    processing_days: u32,
    has_fees: bool,
    level_label: String,
    documents: Vec<String>,
    legal_basis: String,
}

#[component]
pub fn ProcedurePage() -> impl IntoView {
    let params = use_params_map();
    let detail = LocalResource::new(move || {
        let code = params.read().get("code").unwrap_or_default();
        async move { api::get::<ProcedureDetail>(&format!("/api/procedures/{}", api::encode(&code))).await }
    });
    view! {
        <section class="page">
            <Suspense fallback=|| view! { <p class="muted">"Đang tải…"</p> }>
                {move || Suspend::new(async move {
                    match detail.await {
                        Ok(d) => view! {
                            <h1>{d.name}</h1>
                            <dl class="facts">
                                <dt>"Mã thủ tục"</dt><dd>{d.code}</dd>
                                <dt>"Cấp thực hiện"</dt><dd>{d.level_label}</dd>
                                <dt>"Thời hạn giải quyết"</dt><dd>{format!("{} ngày làm việc", d.processing_days)}</dd>
                                <dt>"Phí, lệ phí"</dt><dd>{if d.has_fees { "Có" } else { "Không" }}</dd>
                                <dt>"Căn cứ pháp lý"</dt><dd>{d.legal_basis}</dd>
                            </dl>
                            <h2>"Thành phần hồ sơ"</h2>
                            <ul>{d.documents.into_iter().map(|doc| view! { <li>{doc}</li> }).collect_view()}</ul>
                        }.into_any(),
                        Err(e) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
