//! `/can-bo/danh-muc-quoc-gia`: the review list of what differs between the national portal's
//! catalog (Cổng DVCQG) and ours — names, processing times, fee amounts, legal bases, procedures
//! on one side only — with both values side by side (seed 000: "rà soát, kiểm tra thông tin phí,
//! lệ phí … theo các căn cứ pháp lý"). Every admin reads it; the national admin pulls the
//! catalog again (a page per call, called until done) and closes each difference with a note.

use leptos::prelude::*;
use leptos::task::spawn_local;
use motcua_domain::national::catalog::{CatalogDifference, DifferenceList, DifferenceStatus};

use super::{use_require_staff, when, ListShape};
use crate::api::{self, ApiFailure};
use crate::components::form::Errors;
use crate::staff::use_staff;

/// Calls a pull makes at most before it stops and says so (the server pages the catalog).
const MAX_CALLS: u32 = 200;

#[component]
pub fn NationalCatalog() -> impl IntoView {
    use_require_staff();
    let ctx = use_staff();
    let national = Memo::new(move |_| ctx.me.get().is_some_and(|m| m.role == "national"));
    let show_all = RwSignal::new(false);
    let list = RwSignal::new(None::<Result<DifferenceList, ApiFailure>>);
    let refresh = RwSignal::new(0u32);
    let status_msg = RwSignal::new(String::new());
    let pulling = RwSignal::new(false);
    let abort = api::use_abort();

    Effect::new(move |_| {
        let all = show_all.get();
        refresh.track();
        if ctx.me.get().is_none() {
            return;
        }
        let call = api::admin::national_differences(all).signal(abort.next());
        spawn_local(async move {
            match call.await {
                Err(e) if e.is_aborted() => {}
                r => list.set(Some(r)),
            }
        });
    });
    let pull = move |_| {
        pulling.set(true);
        status_msg.set("Đang lấy danh mục từ Cổng DVCQG…".into());
        spawn_local(async move {
            let mut calls = 0;
            loop {
                calls += 1;
                match api::admin::pull_national_catalog().await {
                    Ok(p) if p.finished || calls >= MAX_CALLS => {
                        status_msg.set(p.message_vi);
                        break;
                    }
                    Ok(p) => status_msg.set(p.message_vi),
                    Err(e) => {
                        status_msg.set(e.message);
                        break;
                    }
                }
            }
            pulling.set(false);
            refresh.update(|n| *n += 1);
        });
    };
    let shape = Memo::new(move |_| ListShape::of(list.read().as_ref(), |d: &DifferenceList| d.differences.is_empty()));
    let on_resolved = Callback::new(move |msg: String| {
        status_msg.set(msg);
        refresh.update(|n| *n += 1);
    });

    view! {
        <section class="page desk national-catalog">
            <h1>"Đối chiếu danh mục với Cổng DVCQG"</h1>
            <p class="muted">"Tên thủ tục, thời hạn giải quyết, mức phí, lệ phí và căn cứ pháp lý trên Cổng Dịch vụ công Quốc gia so với danh mục của hệ thống."</p>
            {move || list.read().as_ref().and_then(|r| r.as_ref().ok()).map(|d| view! {
                <p>{format!("{} khác biệt cần rà soát", d.open)}
                    {d.last_pull.as_ref().map(|p| match &p.finished_at {
                        Some(at) => format!(" · lần đối chiếu gần nhất xong lúc {}", when(at)),
                        None => format!(" · lần đối chiếu bắt đầu lúc {} chưa xong ({} mã đã xem)", when(&p.started_at), p.processed),
                    })}</p>
            })}
            {move || national.get().then(|| view! {
                <button type="button" on:click=pull disabled=move || pulling.get()>"Lấy danh mục từ Cổng DVCQG"</button>
            })}
            <p class="done-msg" role="status">{move || status_msg.get()}</p>
            <label class="check">
                <input type="checkbox" prop:checked=show_all on:change=move |ev| show_all.set(event_target_checked(&ev))/>
                <span>"Hiện cả khác biệt đã rà soát"</span>
            </label>
            {move || match shape.get() {
                ListShape::Loading => view! { <p class="muted">"Đang tải…"</p> }.into_any(),
                ListShape::Failed(m) => view! { <p class="error" role="alert">{m}</p> }.into_any(),
                ListShape::Empty => view! { <p class="muted">"Không có khác biệt nào cần rà soát."</p> }.into_any(),
                ListShape::Rows => view! {
                    <ul class="cards findings">
                        <For
                            each=move || list.with(|o| o.as_ref().and_then(|r| r.as_ref().ok()).map(|d| d.differences.clone()).unwrap_or_default())
                            key=|d| (d.id, d.last_changed_at.clone(), d.resolved_at.clone())
                            children=move |d| view! { <DifferenceCard difference=d national=national on_resolved=on_resolved/> }
                        />
                    </ul>
                }.into_any(),
            }}
        </section>
    }
}

fn value(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "(không có)".into())
}

/// One difference with both values, and (open, for the national admin) the note that closes it.
#[component]
fn DifferenceCard(difference: CatalogDifference, national: Memo<bool>, on_resolved: Callback<String>) -> impl IntoView {
    let d = difference;
    let note = RwSignal::new(String::new());
    let errors = RwSignal::new(Errors::default());
    let busy = RwSignal::new(false);
    let id = d.id;
    let title_id = format!("difference-{id}");
    let note_id = format!("note-{id}");
    let err_id = format!("e-note-{id}");
    let resolve = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        errors.set(Errors::default());
        busy.set(true);
        let call = api::admin::resolve_national_difference(id, note.get_untracked().trim());
        spawn_local(async move {
            let answer = call.await;
            busy.set(false);
            match answer {
                Ok(r) => on_resolved.run(format!("Đã ghi nhận rà soát khác biệt của thủ tục {}.", r.procedure)),
                // Someone else closed it, or a pull changed it, meanwhile: the list is read again.
                Err(e) if e.code == "not_open" => on_resolved.run(e.message),
                Err(e) => errors.set(e.into()),
            }
        });
    };
    let procedure = match &d.our_code {
        Some(ours) if *ours != d.procedure => format!("{ours} (trên Cổng: {})", d.procedure),
        _ => d.procedure.clone(),
    };
    let open = d.status == DifferenceStatus::Open;
    view! {
        <li class="card finding" data-kind=format!("{:?}", d.kind)>
            <div class="card-body">
                <span class="card-title" id=title_id.clone()>{d.kind_label.clone()}" — "<span class="ref">{procedure}</span></span>
                <span class="card-meta">{d.procedure_name.clone()}{(!d.item.is_empty()).then(|| format!(" · {}", d.item))}</span>
                <dl class="facts">
                    <dt>"Hệ thống"</dt><dd>{value(&d.ours)}</dd>
                    <dt>"Cổng DVCQG"</dt><dd>{value(&d.national)}</dd>
                </dl>
                {match (d.resolved_at.clone(), open) {
                    (Some(at), false) => view! {
                        <p class="card-meta resolved">{format!("Đã rà soát bởi {} lúc {}: {}", d.resolved_by.clone().unwrap_or_default(), when(&at), d.note.clone().unwrap_or_default())}</p>
                    }.into_any(),
                    (_, false) => view! { <p class="card-meta">{d.status_label.clone()}</p> }.into_any(),
                    (_, true) => view! {
                        <Show when=move || national.get()>
                            <form class="resolve" aria-labelledby=title_id.clone() novalidate on:submit=resolve>
                                <label class="field" for=note_id.clone()>
                                    <span>"Kết quả rà soát"</span>
                                    <textarea id=note_id.clone() rows="2" maxlength="500" aria-describedby=err_id.clone()
                                        aria-invalid=move || errors.read().at("note").is_some().to_string()
                                        prop:value=note on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                                    <span class="field-error" id=err_id.clone() role="alert">{move || errors.read().at("note")}</span>
                                </label>
                                {move || errors.read().general().map(|m| view! { <p class="error" role="alert">{m}</p> })}
                                <button type="submit" aria-describedby=title_id.clone() disabled=move || busy.get()>"Đã rà soát"</button>
                            </form>
                        </Show>
                    }.into_any(),
                }}
            </div>
        </li>
    }
}
