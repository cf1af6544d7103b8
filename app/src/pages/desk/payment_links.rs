//! An agency's payment links (`/nop-tien/<slug>`): the list with each link's address, charge and
//! whether it takes payments, and the form publishing a new one — a fixed amount, or a range the
//! payer chooses within — checked with the domain's rules before sending.

use leptos::prelude::*;
use leptos::task::spawn_local;
use motcua_domain::bill::link::{Charge, LinkInput};

use super::bill_new::parse_dong;
use crate::api::bills::{Links, NewLink};
use crate::api::{self, ApiFailure};
use crate::components::form::{Errors, Field};
use crate::components::money::vnd;

fn charge_text(c: &Charge) -> String {
    match c {
        Charge::Fixed { amount } => vnd(*amount),
        Charge::Range { min, max } => format!("từ {} đến {}", vnd(*min), vnd(*max)),
    }
}

#[component]
pub fn PaymentLinks(agency: RwSignal<String>) -> impl IntoView {
    let list = RwSignal::new(None::<Result<Links, ApiFailure>>);
    let refresh = RwSignal::new(0u32);
    let done = RwSignal::new(String::new());
    let abort = api::use_abort();
    Effect::new(move |_| {
        let a = agency.get();
        refresh.track();
        if a.is_empty() {
            return;
        }
        let call = api::bills::links(&a).signal(abort.next());
        spawn_local(async move {
            match call.await {
                Err(e) if e.is_aborted() => {}
                r => list.set(Some(r)),
            }
        });
    });
    let origin = window().location().origin().unwrap_or_default();

    let (slug, title, description, reference_label) = (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let range = RwSignal::new(false);
    let (amount, min_amount, max_amount) = (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let (line_name, beneficiary, budget_item) = (RwSignal::new(String::new()), RwSignal::new("co_quan".to_string()), RwSignal::new(String::new()));
    let errors = RwSignal::new(Errors::default());
    let busy = RwSignal::new(false);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        errors.set(Errors::default());
        done.set(String::new());
        let money = |field: &str, s: RwSignal<String>| -> Result<i64, Errors> {
            parse_dong(&s.get_untracked())
                .ok_or_else(|| Errors { field: Some(field.into()), message: "Số tiền là số đồng nguyên, ví dụ 150000.".into() })
        };
        let (fixed, min, max) = if range.get_untracked() {
            let min = match money("min_amount", min_amount) {
                Ok(v) => v,
                Err(e) => return errors.set(e),
            };
            let max = match money("max_amount", max_amount) {
                Ok(v) => v,
                Err(e) => return errors.set(e),
            };
            (None, Some(min), Some(max))
        } else {
            match money("amount", amount) {
                Ok(v) => (Some(v), None, None),
                Err(e) => return errors.set(e),
            }
        };
        let input = LinkInput {
            agency: agency.get_untracked(),
            slug: slug.get_untracked(),
            title: title.get_untracked(),
            description: description.get_untracked(),
            reference_label: reference_label.get_untracked(),
            amount: fixed,
            min_amount: min,
            max_amount: max,
            line_name: line_name.get_untracked(),
            beneficiary: Some(beneficiary.get_untracked()),
            budget_item: Some(budget_item.get_untracked()).filter(|b| !b.trim().is_empty()),
        };
        if let Err(e) = input.validate() {
            return errors.set(e.into());
        }
        let body = NewLink {
            agency: &input.agency,
            slug: input.slug.trim(),
            title: input.title.trim(),
            description: input.description.trim(),
            reference_label: input.reference_label.trim(),
            amount: input.amount,
            min_amount: input.min_amount,
            max_amount: input.max_amount,
            line_name: input.line_name.trim(),
            beneficiary: input.beneficiary.as_deref(),
            budget_item: input.budget_item.as_deref().map(str::trim),
        };
        let call = api::bills::create_link(&body);
        busy.set(true);
        spawn_local(async move {
            let answer = call.await;
            busy.set(false);
            match answer {
                Ok(_) => {
                    done.set(format!("Đã tạo đường dẫn nộp tiền /nop-tien/{}.", slug.get_untracked().trim()));
                    for s in [slug, title, description, reference_label, amount, min_amount, max_amount, line_name, budget_item] {
                        s.set(String::new());
                    }
                    refresh.update(|n| *n += 1);
                }
                Err(e) => errors.set(e.into()),
            }
        });
    };

    view! {
        <section aria-labelledby="links-title">
            <h2 id="links-title">"Đường dẫn nộp tiền"</h2>
            <p class="muted">"Một địa chỉ cố định để người dân nộp một khoản thu thường xuyên (ví dụ phí trông giữ, học phí): người nộp ghi số tham chiếu (số hợp đồng, tên học sinh…) và nộp trực tuyến; mỗi lần nộp tạo một khoản phải nộp có biên lai."</p>
            <p class="done-msg" role="status">{move || done.get()}</p>
            {move || match list.get() {
                None => view! { <p class="muted">"Đang tải…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
                Some(Ok(l)) if l.links.is_empty() => view! { <p class="muted">"Cơ quan chưa có đường dẫn nộp tiền nào."</p> }.into_any(),
                Some(Ok(l)) => view! {
                    <ul class="cards payment-links">
                        {l.links.into_iter().map(|s| {
                            let path = if s.url.is_empty() { format!("/nop-tien/{}", s.link.slug) } else { s.url.clone() };
                            let full = format!("{origin}{path}");
                            view! {
                                // Not `.card`: that styles its links as whole-card buttons.
                                <li class="link-card">
                                    <div class="card-body">
                                        <h3 class="card-title">{s.link.title.clone()}</h3>
                                        <p class="card-meta"><a class="ref" href=full.clone() rel="external">{full.clone()}</a></p>
                                        <p class="card-meta">{format!("Số tiền: {} · {}", charge_text(&s.link.charge), s.link.line_name)}
                                            {(!s.active).then(|| view! { <span class="badge urgency">"Ngừng nhận"</span> })}</p>
                                    </div>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
            <form class="admin-form link-new" aria-labelledby="link-new-title" novalidate on:submit=submit>
                <h3 id="link-new-title">"Tạo đường dẫn nộp tiền"</h3>
                <Field label="Tên khoản thu (tiêu đề trang)" name="title" id="l-title".to_string() value=title errors=errors autocomplete="off"/>
                <Field label="Đường dẫn (chữ thường không dấu, số, dấu gạch ngang)" name="slug" id="l-slug".to_string() value=slug errors=errors autocomplete="off"
                    hint=Signal::derive(move || Some(format!("Địa chỉ: /nop-tien/{}", slug.get().trim())))/>
                <label class="field" for="l-description">
                    <span>"Mô tả (không bắt buộc)"</span>
                    <textarea id="l-description" rows="2" maxlength="1000" aria-describedby="e-l-description"
                        prop:value=description on:input=move |ev| description.set(event_target_value(&ev))></textarea>
                    <span class="field-error" id="e-l-description" role="alert">{move || errors.read().at("description")}</span>
                </label>
                <Field label="Người nộp ghi thông tin gì (ví dụ: Số hợp đồng)" name="reference_label" id="l-reference-label".to_string() value=reference_label errors=errors autocomplete="off"/>
                <fieldset>
                    <legend>"Số tiền"</legend>
                    <label class="check" for="l-fixed">
                        <input type="radio" id="l-fixed" name="charge" prop:checked=move || !range.get() on:change=move |_| range.set(false)/>
                        <span>"Số tiền cố định"</span>
                    </label>
                    <label class="check" for="l-range">
                        <input type="radio" id="l-range" name="charge" prop:checked=move || range.get() on:change=move |_| range.set(true)/>
                        <span>"Người nộp tự nhập trong khoảng"</span>
                    </label>
                    {move || if range.get() {
                        view! {
                            <Field label="Số tiền tối thiểu (đồng)" name="min_amount" id="l-min".to_string() value=min_amount errors=errors inputmode="numeric" autocomplete="off"/>
                            <Field label="Số tiền tối đa (đồng)" name="max_amount" id="l-max".to_string() value=max_amount errors=errors inputmode="numeric" autocomplete="off"/>
                        }.into_any()
                    } else {
                        view! { <Field label="Số tiền (đồng)" name="amount" id="l-amount".to_string() value=amount errors=errors inputmode="numeric" autocomplete="off"/> }.into_any()
                    }}
                </fieldset>
                <Field label="Tên khoản trên biên lai" name="line_name" id="l-line-name".to_string() value=line_name errors=errors autocomplete="off"/>
                <label class="field" for="l-beneficiary">
                    <span>"Nơi nhận tiền"</span>
                    <select id="l-beneficiary" aria-describedby="e-l-beneficiary" prop:value=beneficiary on:change=move |ev| beneficiary.set(event_target_value(&ev))>
                        <option value="co_quan" selected=true>"Tài khoản của cơ quan thu"</option>
                        <option value="ngan_sach">"Ngân sách nhà nước (Kho bạc Nhà nước)"</option>
                    </select>
                    <span class="field-error" id="e-l-beneficiary" role="alert">{move || errors.read().at("beneficiary")}</span>
                </label>
                <Field label="Tiểu mục ngân sách (4 chữ số, không bắt buộc)" name="budget_item" id="l-budget-item".to_string() value=budget_item errors=errors inputmode="numeric" autocomplete="off"/>
                {move || {
                    let e = errors.read();
                    match e.field.as_deref() {
                        None | Some("agency") if !e.message.is_empty() => Some(view! { <p class="error" role="alert">{e.message.clone()}</p> }),
                        _ => None,
                    }
                }}
                <button type="submit" disabled=move || busy.get()>{move || if busy.get() { "Đang tạo…" } else { "Tạo đường dẫn" }}</button>
            </form>
        </section>
    }
}
