//! "Hồ sơ của tôi": every dossier of the signed-in citizen with its status.

use leptos::prelude::*;

use crate::api;
use crate::hooks::draft::saved_drafts;
use crate::i18n::{pick, t};
use crate::pages::account::login_href;
use crate::pages::submit::FormDraft;

#[component]
pub fn MyDossiers() -> impl IntoView {
    let list = LocalResource::new(|| async { api::dossiers::list().await });
    let mut drafts: Vec<FormDraft> = saved_drafts::<FormDraft>().into_iter().map(|(_, d)| d).filter(|d| d.edited && !d.href.is_empty()).collect();
    drafts.sort_by(|a, b| b.saved_at.total_cmp(&a.saved_at));
    view! {
        <section class="page">
            <h1>{t("Hồ sơ của tôi", "My dossiers")}</h1>
            {(!drafts.is_empty()).then(|| view! {
                <h2>{t("Bản nháp chưa gửi", "Unsent drafts")}</h2>
                <ul class="cards" aria-label=t("Bản nháp chưa gửi", "Unsent drafts")>
                    {drafts.into_iter().map(|d| {
                        let when = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(d.saved_at));
                        let when = format!("{:02}:{:02} {:02}/{:02}/{}", when.get_hours(), when.get_minutes(), when.get_date(), when.get_month() + 1, when.get_full_year());
                        view! {
                            <li class="card draft">
                                <a href=d.href>
                                    <span class="card-title">{d.title}</span>
                                    <span class="card-meta">{pick(format!("{} · lưu lúc {when}", d.agency_name), format!("{} · saved at {when}", d.agency_name))}</span>
                                    <span class="badge draft-badge">{t("Tiếp tục điền", "Continue filling in")}</span>
                                </a>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <h2>{t("Hồ sơ đã gửi", "Sent dossiers")}</h2>
            })}
            <Suspense fallback=|| view! { <p class="muted">{t("Đang tải…", "Loading…")}</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Err(e) if e.is_unauthorized() => view! {
                            <p>{t("Vui lòng ", "Please ")}<a href=login_href("/ho-so")>{t("đăng nhập", "log in")}</a>{t(" để xem các hồ sơ bạn đã nộp.", " to see the dossiers you have submitted.")}</p>
                        }.into_any(),
                        Err(e) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
                        Ok(items) if items.is_empty() => view! { <p class="muted">{t("Bạn chưa nộp hồ sơ nào.", "You have not submitted any dossier yet.")}</p> }.into_any(),
                        Ok(items) => view! {
                            <ul class="cards" aria-label=t("Danh sách hồ sơ", "Dossiers")>
                                {items.into_iter().map(|d| view! {
                                    <li class="card">
                                        <a href=format!("/ho-so/{}", d.id)>
                                            <span class="card-title">{d.procedure_name}</span>
                                            <span class="card-meta">{format!("{} · {}", d.code.unwrap_or_default(), d.agency_name)}</span>
                                            <span class="badge">{pick(d.status_label, d.status.label_en().into())}</span>
                                            {d.archived.then(|| view! { <span class="badge archived">{t("Đã lưu trữ", "Archived")}</span> })}
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
