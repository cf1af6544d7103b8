//! `/can-bo`: the officer's inbox — tabs with counts (new, supplement requested, awaiting
//! payment, processing, due soon, overdue), a search by code, name, phone or citizen ID, and the
//! dossiers most urgent first.

use leptos::prelude::*;
use leptos::task::spawn_local;
use motcua_domain::api::InboxPage;

use super::{day, use_require_staff};
use crate::api::{self, ApiFailure};
use crate::staff::use_staff;

#[component]
pub fn Inbox() -> impl IntoView {
    use_require_staff();
    let ctx = use_staff();
    let tab = RwSignal::new("new".to_string());
    let q = RwSignal::new(String::new());
    let page = RwSignal::new(None::<Result<InboxPage, ApiFailure>>);
    let load = move || {
        let call = api::desk::inbox(&tab.get_untracked(), q.get_untracked().trim());
        spawn_local(async move { page.set(Some(call.await)) });
    };
    Effect::new(move |_| {
        if ctx.me.get().is_some() {
            tab.track();
            load();
        }
    });
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        load();
    };
    let logout = move |_| {
        spawn_local(async move {
            let _ = api::auth::staff_logout().await;
            ctx.me.set(None);
        });
    };
    view! {
        <section class="page desk">
            <div class="desk-head">
                <h1>"Hồ sơ cần xử lý"</h1>
                {move || ctx.me.get().map(|me| view! {
                    <p class="muted">{format!("{} · {} cơ quan", me.display_name, me.agencies.len())}
                        " "<button type="button" class="link" on:click=logout>"Đăng xuất"</button>
                        " · "<a href="/can-bo/phan-anh">"Phản ánh lên cấp trên"</a></p>
                })}
            </div>
            <form class="search" role="search" on:submit=search>
                <label class="field" for="q">
                    <span>"Tìm theo mã hồ sơ, họ tên, số điện thoại, số CCCD"</span>
                    <input id="q" type="search" prop:value=q on:input=move |ev| q.set(event_target_value(&ev))/>
                </label>
                <button type="submit">"Tìm kiếm"</button>
            </form>
            <div class="tabs" role="group" aria-label="Danh mục hồ sơ">
                {move || page.get().and_then(|p| p.ok()).map(|p| p.counts).unwrap_or_default().into_iter().map(|c| {
                    let key = c.tab.clone();
                    let pressed = tab.get() == c.tab;
                    view! {
                        <button type="button" class="tab" class:urgent={c.tab == "overdue" && c.count > 0} aria-pressed=pressed.to_string()
                            on:click=move |_| tab.set(key.clone())>
                            {c.label}" "<span class="count">{c.count}</span>
                        </button>
                    }
                }).collect_view()}
            </div>
            {move || match page.get() {
                None => view! { <p class="muted">"Đang tải…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
                Some(Ok(p)) if p.items.is_empty() => view! { <p class="muted">"Không có hồ sơ nào trong mục này."</p> }.into_any(),
                Some(Ok(p)) => view! {
                    <ul class="cards inbox">
                        {p.items.into_iter().map(|i| {
                            let urgency = i.urgency.map(|u| format!("{u:?}").to_lowercase());
                            view! {
                                <li class="card">
                                    <a href=format!("/can-bo/ho-so/{}", i.id)>
                                        <span class="card-title">{i.code.clone().unwrap_or_default()}" — "{i.applicant_name.clone()}</span>
                                        <span class="card-meta">{i.procedure_name.clone()}</span>
                                        <span class="card-meta">{i.agency_name.clone()}" · "{if i.channel == "counter" { "Nộp tại quầy" } else { "Nộp trực tuyến" }}</span>
                                        <span class="card-meta">
                                            <strong>{i.status_label.clone()}</strong>
                                            {i.deadline.clone().map(|d| format!(" · Hạn: {}", day(&d)))}
                                            {i.urgency_label.clone().map(|l| view! { <span class="badge urgency" data-urgency=urgency.clone()>{l}</span> })}
                                        </span>
                                    </a>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
    }
}
