//! "Hồ sơ của tôi": every dossier of the signed-in citizen with its status.

use leptos::prelude::*;
use motcua_domain::api::DossierSummary;

use crate::api;

#[component]
pub fn MyDossiers() -> impl IntoView {
    let list = LocalResource::new(|| async { api::get::<Vec<DossierSummary>>("/api/dossiers").await });
    view! {
        <section class="page">
            <h1>"Hồ sơ của tôi"</h1>
            <Suspense fallback=|| view! { <p class="muted">"Đang tải…"</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Err(e) if e.is_unauthorized() => view! {
                            <p>"Vui lòng "<a href="/tai-khoan">"đăng nhập"</a>" để xem các hồ sơ bạn đã nộp."</p>
                        }.into_any(),
                        Err(e) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
                        Ok(items) if items.is_empty() => view! { <p class="muted">"Bạn chưa nộp hồ sơ nào."</p> }.into_any(),
                        Ok(items) => view! {
                            <ul class="cards" aria-label="Danh sách hồ sơ">
                                {items.into_iter().map(|d| view! {
                                    <li class="card">
                                        <a href=format!("/ho-so/{}", d.id)>
                                            <span class="card-title">{d.procedure_name}</span>
                                            <span class="card-meta">{format!("{} · {}", d.code.unwrap_or_default(), d.agency_name)}</span>
                                            <span class="badge">{d.status_label}</span>
                                        </a>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
