//! `/can-bo/hoan-tien`: refunds paid back by hand, under four eyes. An officer asked for each
//! from the dossier; another officer, a leader or an admin of the agency approves it or rejects
//! it with a note, and once the money is transferred records the bank's transfer reference (an
//! approved refund may still be rejected). The server says who may decide (`can_decide`) and
//! refuses the requester's own approval or rejection.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{provider_label, use_require_staff, when, ListShape};
use crate::api::refunds::{Decision, Refund};
use crate::api::{self, ApiFailure};
use crate::components::form::{Errors, Field};
use crate::components::money::vnd;
use crate::components::refund::status_label;
use crate::staff::use_staff;

#[component]
pub fn Refunds() -> impl IntoView {
    use_require_staff();
    let ctx = use_staff();
    let all = RwSignal::new(false);
    let list = RwSignal::new(None::<Result<Vec<Refund>, ApiFailure>>);
    let refresh = RwSignal::new(0u32);
    let done = RwSignal::new(String::new());
    let stale = RwSignal::new(None::<String>);
    let abort = api::use_abort();
    Effect::new(move |_| {
        let everything = all.get();
        refresh.track();
        if ctx.me.get().is_none() {
            return;
        }
        let call = api::refunds::list(everything).signal(abort.next());
        spawn_local(async move {
            match call.await {
                Err(e) if e.is_aborted() => {}
                r => list.set(Some(r)),
            }
        });
    });
    // A refund read again unchanged keeps its card (and what is typed in it).
    let shape = Memo::new(move |_| ListShape::of(list.read().as_ref(), |l: &Vec<Refund>| l.is_empty()));
    let on_done = Callback::new(move |msg: String| {
        stale.set(None);
        done.set(msg);
        refresh.update(|n| *n += 1);
    });
    // The refund moved on meanwhile (decided by someone else): say so and show it as it is.
    let on_stale = Callback::new(move |msg: String| {
        done.set(String::new());
        stale.set(Some(msg));
        refresh.update(|n| *n += 1);
    });
    view! {
        <section class="page desk refunds">
            <h1>"Hoàn tiền"</h1>
            <p class="muted">"Khoản hoàn tiền chuyển khoản cần hai người: cán bộ đề nghị, một người khác của cơ quan duyệt hoặc từ chối. Sau khi chuyển khoản cho công dân, ghi mã giao dịch của ngân hàng."</p>
            <div class="tabs" role="group" aria-label="Lọc yêu cầu hoàn tiền">
                <button type="button" class="tab" aria-pressed=move || (!all.get()).to_string() on:click=move |_| all.set(false)>"Cần xử lý"</button>
                <button type="button" class="tab" aria-pressed=move || all.get().to_string() on:click=move |_| all.set(true)>"Tất cả"</button>
            </div>
            <p class="done-msg" role="status">{move || done.get()}</p>
            {move || stale.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
            {move || match shape.get() {
                ListShape::Loading => view! { <p class="muted">"Đang tải…"</p> }.into_any(),
                ListShape::Failed(m) => view! { <p class="error" role="alert">{m}</p> }.into_any(),
                ListShape::Empty => view! {
                    <p class="muted">{move || if all.get() { "Chưa có yêu cầu hoàn tiền nào." } else { "Không có yêu cầu hoàn tiền nào cần xử lý." }}</p>
                }.into_any(),
                ListShape::Rows => view! {
                    <ul class="cards refund-list">
                        <For
                            each=move || list.with(|l| l.as_ref().and_then(|r| r.as_ref().ok()).cloned().unwrap_or_default())
                            key=|r| (r.id.clone(), r.status.clone(), r.can_decide)
                            children=move |r| view! { <RefundCard refund=r on_done=on_done on_stale=on_stale/> }
                        />
                    </ul>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn RefundCard(refund: Refund, on_done: Callback<String>, on_stale: Callback<String>) -> impl IntoView {
    let note = RwSignal::new(String::new());
    let transfer_ref = RwSignal::new(String::new());
    let errors = RwSignal::new(Errors::default());
    let busy = RwSignal::new(false);
    let id = StoredValue::new(refund.id.clone());
    let decide = move |action: &'static str| {
        errors.set(Errors::default());
        let n = note.get_untracked();
        let note_text = Some(n.trim()).filter(|n| !n.is_empty());
        if action == "reject" && note_text.is_none() {
            errors.set(Errors { field: Some("note".into()), message: "Vui lòng ghi lý do từ chối.".into() });
            return;
        }
        let r = transfer_ref.get_untracked();
        let reference = (action == "paid").then(|| r.trim());
        let call = api::refunds::decide(&id.get_value(), &Decision { action, note: note_text, transfer_ref: reference });
        busy.set(true);
        spawn_local(async move {
            let answer = call.await;
            busy.set(false);
            match answer {
                Ok(r) => on_done.run(match action {
                    "approve" => format!("Đã duyệt hoàn {} cho hồ sơ {}; chờ chuyển khoản.", vnd(r.amount), r.dossier_code.unwrap_or_default()),
                    "reject" => format!("Đã từ chối yêu cầu hoàn {} cho hồ sơ {}.", vnd(r.amount), r.dossier_code.unwrap_or_default()),
                    _ => format!("Đã ghi nhận chuyển khoản hoàn {} cho hồ sơ {}.", vnd(r.amount), r.dossier_code.unwrap_or_default()),
                }),
                Err(e) if e.status == 409 && e.code == "wrong_state" => on_stale.run(e.message),
                Err(e) => errors.set(e.into()),
            }
        });
    };
    let rid = refund.id.clone();
    let title_id = format!("refund-{rid}");
    let note_id = format!("note-{rid}");
    let code = refund.dossier_code.clone().unwrap_or_else(|| refund.dossier_id.clone());
    let can_approve = refund.can_decide && refund.status == "requested";
    let can_pay = refund.can_decide && refund.status == "approved";
    let general = move || {
        let e = errors.read();
        match e.field.as_deref() {
            Some("note") | Some("transfer_ref") => None,
            _ => (!e.message.is_empty()).then(|| e.message.clone()),
        }
    };
    view! {
        <li class="card refund" data-status=refund.status.clone()>
            <div class="card-body">
                <h2 class="card-title" id=title_id.clone()>
                    <a href=format!("/can-bo/ho-so/{}", refund.dossier_id)>{format!("Hồ sơ {code}")}</a>
                    {format!(" — hoàn {}", vnd(refund.amount))}
                </h2>
                <p class="card-meta">"Trạng thái: "<strong class="refund-status">{status_label(&refund.status)}</strong></p>
                <dl class="facts">
                    <dt>"Lý do"</dt><dd>{refund.reason.clone()}</dd>
                    <dt>"Thanh toán qua"</dt><dd>{provider_label(&refund.provider)}</dd>
                    <dt>"Đề nghị"</dt><dd>{format!("{}{}", refund.requested_by.as_deref().map(|w| format!("{w}, ")).unwrap_or_default(), when(&refund.created_at))}</dd>
                    {refund.decided_by.clone().map(|who| view! {
                        <dt>"Quyết định"</dt>
                        <dd>{format!("{who}{}", refund.decided_at.as_deref().map(|a| format!(", {}", when(a))).unwrap_or_default())}
                            {refund.decision_note.clone().map(|n| format!(" — {n}"))}</dd>
                    })}
                    {refund.transfer_ref.clone().map(|t| view! {
                        <dt>"Mã giao dịch chuyển khoản"</dt>
                        <dd class="ref">{format!("{t}{}", refund.paid_at.as_deref().map(|a| format!(" ({})", when(a))).unwrap_or_default())}</dd>
                    })}
                </dl>
                {(can_approve || can_pay).then(|| view! {
                    <form class="decision" aria-labelledby=title_id.clone() novalidate on:submit=move |ev: leptos::ev::SubmitEvent| {
                        ev.prevent_default();
                        decide(if can_pay { "paid" } else { "approve" });
                    }>
                        {can_pay.then(|| view! {
                            <Field label="Mã giao dịch chuyển khoản của ngân hàng" name="transfer_ref" id=format!("ref-{rid}") value=transfer_ref errors=errors autocomplete="off"/>
                        })}
                        <label class="field" for=note_id.clone()>
                            <span>"Ghi chú (bắt buộc khi từ chối)"</span>
                            <textarea id=note_id.clone() rows="2" maxlength="500" aria-describedby=format!("e-{note_id}")
                                aria-invalid=move || errors.read().at("note").is_some().to_string()
                                prop:value=note on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                            <span class="field-error" id=format!("e-{note_id}") role="alert">{move || errors.read().at("note")}</span>
                        </label>
                        {move || general().map(|m| view! { <p class="error" role="alert">{m}</p> })}
                        <div class="row">
                            {can_approve.then(|| view! {
                                <button type="submit" disabled=move || busy.get()>"Duyệt"</button>
                                <button type="button" class="secondary" disabled=move || busy.get() on:click=move |_| decide("reject")>"Từ chối"</button>
                            })}
                            {can_pay.then(|| view! {
                                <button type="submit" disabled=move || busy.get()>"Đã chuyển khoản"</button>
                                <button type="button" class="secondary" disabled=move || busy.get() on:click=move |_| decide("reject")>"Từ chối"</button>
                            })}
                        </div>
                    </form>
                })}
            </div>
        </li>
    }
}
