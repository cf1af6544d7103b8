//! `/can-bo/khoan-phai-nop`: bills without a dossier at the desk. The officer lists the bills of
//! their agencies by state (with counts), kind and a search by code, payer number or name, and
//! cancels an open one with a reason or records it paid at the counter (cash, or a treasury
//! receipt number); issues a bill (a fine decision, a land notice, an insurance
//! period) with as many lines as it has; imports a CSV of them, all or nothing, with every bad
//! line named; and publishes payment links for charges collected again and again.

use leptos::prelude::*;
use leptos::task::spawn_local;
use motcua_domain::bill::{BillView, Kind, State};

use super::{bill_import::BillImport, bill_new::NewBill, payment_links::PaymentLinks, use_require_staff, when, ListShape};
use crate::api::bills::StaffBills;
use crate::api::{self, ApiFailure};
use crate::components::bill::BillFacts;
use crate::staff::use_staff;

#[derive(Clone, Copy, PartialEq)]
enum Panel {
    List,
    New,
    Import,
    Links,
}

/// The agencies the staff member acts for, with their names, read once per page.
pub fn use_my_agencies() -> RwSignal<Vec<(String, String)>> {
    let ctx = use_staff();
    let agencies = RwSignal::new(Vec::<(String, String)>::new());
    Effect::new(move |_| {
        let Some(me) = ctx.me.get() else { return };
        spawn_local(async move {
            let tree = api::catalog::agencies().await.unwrap_or_default();
            let named: Vec<(String, String)> = crate::components::agency::flatten(&tree)
                .into_iter()
                .filter(|(n, _)| me.agencies.contains(&n.code))
                .map(|(n, _)| (n.code, n.name))
                .collect();
            // Codes the public tree does not name still count.
            let mut all = named;
            for code in &me.agencies {
                if !all.iter().any(|(c, _)| c == code) {
                    all.push((code.clone(), code.clone()));
                }
            }
            agencies.set(all);
        });
    });
    agencies
}

/// The agency chooser every panel shares.
#[component]
pub fn AgencySelect(agencies: RwSignal<Vec<(String, String)>>, agency: RwSignal<String>, id: &'static str) -> impl IntoView {
    view! {
        <label class="field" for=id>
            <span>"Cơ quan"</span>
            <select id=id prop:value=agency on:change=move |ev| agency.set(event_target_value(&ev))>
                {move || agencies.get().into_iter().map(|(c, n)| {
                    let selected = agency.get_untracked() == c;
                    view! { <option value=c.clone() selected=selected>{format!("{n} ({c})")}</option> }
                }).collect_view()}
            </select>
        </label>
    }
}

#[component]
pub fn Bills() -> impl IntoView {
    use_require_staff();
    let agencies = use_my_agencies();
    let agency = RwSignal::new(String::new());
    Effect::new(move |_| {
        if agency.get_untracked().is_empty() {
            if let Some((c, _)) = agencies.read().first() {
                agency.set(c.clone());
            }
        }
    });
    let panel = RwSignal::new(Panel::List);
    let state = RwSignal::new(String::new());
    let kind = RwSignal::new(String::new());
    let q = RwSignal::new(String::new());
    let list = RwSignal::new(None::<Result<StaffBills, ApiFailure>>);
    let refresh = RwSignal::new(0u32);
    let done = RwSignal::new(String::new());
    let abort = api::use_abort();
    let load = move || {
        let a = agency.get_untracked();
        if a.is_empty() {
            return;
        }
        let call = api::bills::list(&a, &state.get_untracked(), &kind.get_untracked(), q.get_untracked().trim()).signal(abort.next());
        spawn_local(async move {
            match call.await {
                Err(e) if e.is_aborted() => {}
                r => list.set(Some(r)),
            }
        });
    };
    Effect::new(move |_| {
        agency.track();
        state.track();
        kind.track();
        refresh.track();
        load();
    });
    let on_created = Callback::new(move |b: BillView| {
        done.set(format!("Đã tạo khoản phải nộp {} ({}).", b.code, b.kind_label));
        refresh.update(|n| *n += 1);
    });
    let on_changed = Callback::new(move |msg: String| {
        done.set(msg);
        refresh.update(|n| *n += 1);
    });
    let shape = Memo::new(move |_| ListShape::of(list.read().as_ref(), |l: &StaffBills| l.bills.is_empty()));
    let counts = move || list.with(|l| l.as_ref().and_then(|r| r.as_ref().ok()).map(|l| l.counts)).unwrap_or_default();
    let tab = move |p: Panel, label: &'static str| {
        view! {
            <button type="button" class="tab" aria-pressed=move || (panel.get() == p).to_string()
                on:click=move |_| { done.set(String::new()); panel.set(p); }>{label}</button>
        }
    };
    let state_tab = move |value: &'static str, label: &'static str, count: Option<fn(&api::bills::Counts) -> u32>| {
        view! {
            <button type="button" class="tab" aria-pressed=move || (state.get() == value).to_string() on:click=move |_| state.set(value.to_string())>
                {label}<span class="count">{move || count.map(|c| c(&counts()).to_string())}</span>
            </button>
        }
    };
    view! {
        <section class="page desk bills">
            <h1>"Khoản phải nộp"</h1>
            <p class="muted">"Tiền phạt vi phạm hành chính, nghĩa vụ tài chính về đất đai, bảo hiểm và các khoản thu khác không gắn với hồ sơ. Người nộp tra cứu và nộp trực tuyến tại trang “Nộp phí” bằng mã khoản phải nộp và số định danh."</p>
            <AgencySelect agencies=agencies agency=agency id="b-agency"/>
            <div class="tabs" role="group" aria-label="Chức năng">
                {tab(Panel::List, "Danh sách")}
                {tab(Panel::New, "Tạo mới")}
                {tab(Panel::Import, "Nhập từ tệp CSV")}
                {tab(Panel::Links, "Đường dẫn nộp tiền")}
            </div>
            <p class="done-msg" role="status">{move || done.get()}</p>
            {move || match panel.get() {
                Panel::New => view! { <NewBill agency=agency on_created=on_created/> }.into_any(),
                Panel::Import => view! { <BillImport agency=agency on_imported=on_changed/> }.into_any(),
                Panel::Links => view! { <PaymentLinks agency=agency/> }.into_any(),
                Panel::List => view! {
                    <div class="tabs" role="group" aria-label="Lọc theo trạng thái">
                        {state_tab("", "Tất cả", None)}
                        {state_tab(State::Open.as_str(), State::Open.label_vi(), Some(|c| c.open))}
                        {state_tab(State::Paid.as_str(), State::Paid.label_vi(), Some(|c| c.paid))}
                        {state_tab(State::Cancelled.as_str(), State::Cancelled.label_vi(), Some(|c| c.cancelled))}
                        {state_tab(State::Expired.as_str(), State::Expired.label_vi(), Some(|c| c.expired))}
                    </div>
                    <form class="search bill-search" role="search" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); load(); }>
                        <label class="field" for="b-kind">
                            <span>"Loại"</span>
                            <select id="b-kind" prop:value=kind on:change=move |ev| kind.set(event_target_value(&ev))>
                                <option value="">"Tất cả các loại"</option>
                                {Kind::STANDALONE.into_iter().map(|k| view! { <option value=k.as_str()>{k.label_vi()}</option> }).collect_view()}
                            </select>
                        </label>
                        <label class="field" for="b-q">
                            <span>"Tìm theo mã, số định danh hoặc tên người nộp"</span>
                            <input id="b-q" type="search" prop:value=q on:input=move |ev| q.set(event_target_value(&ev))/>
                        </label>
                        <button type="submit">"Tìm kiếm"</button>
                    </form>
                    {move || match shape.get() {
                        ListShape::Loading => view! { <p class="muted">"Đang tải…"</p> }.into_any(),
                        ListShape::Failed(m) => view! { <p class="error" role="alert">{m}</p> }.into_any(),
                        ListShape::Empty => view! { <p class="muted">"Không có khoản phải nộp nào phù hợp."</p> }.into_any(),
                        ListShape::Rows => view! {
                            <ul class="cards bill-list">
                                <For
                                    each=move || list.with(|l| l.as_ref().and_then(|r| r.as_ref().ok()).map(|l| l.bills.clone()).unwrap_or_default())
                                    key=|b| (b.code.clone(), b.state)
                                    children=move |b| view! { <BillCard bill=b on_changed=on_changed/> }
                                />
                            </ul>
                        }.into_any(),
                    }}
                }.into_any(),
            }}
        </section>
    }
}

/// What the officer is doing to an open bill.
#[derive(Clone, Copy, PartialEq)]
enum Doing {
    Nothing,
    Cancelling,
    TakingPayment,
}

#[component]
fn BillCard(bill: BillView, on_changed: Callback<String>) -> impl IntoView {
    let doing = RwSignal::new(Doing::Nothing);
    let counter_ref = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let code = StoredValue::new(bill.code.clone());
    let slug = bill.code.replace('.', "-");
    let title_id = format!("bill-{slug}");
    let (pay_label, cancel_label) = (title_id.clone(), title_id.clone());
    let reason_id = format!("reason-{slug}");
    let counter_id = format!("counter-{slug}");
    let cancel = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let why = reason.get_untracked();
        if why.trim().is_empty() {
            error.set(Some("Vui lòng ghi lý do hủy.".into()));
            return;
        }
        busy.set(true);
        let call = api::bills::cancel(&code.get_value(), why.trim());
        spawn_local(async move {
            let answer = call.await;
            busy.set(false);
            match answer {
                Ok(b) => on_changed.run(format!("Đã hủy khoản phải nộp {}.", b.code)),
                Err(e) if e.status == 409 => on_changed.run(e.message),
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    let take_payment = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        busy.set(true);
        let call = api::bills::counter_payment(&code.get_value(), counter_ref.get_untracked().trim());
        spawn_local(async move {
            let answer = call.await;
            busy.set(false);
            match answer {
                Ok(b) => on_changed.run(format!(
                    "Đã ghi nhận khoản {} đã nộp{}.",
                    b.code,
                    b.receipt.map(|r| format!("; biên lai số {}", r.number)).unwrap_or_default()
                )),
                Err(e) if e.status == 409 => on_changed.run(e.message),
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    let open = bill.state == State::Open;
    view! {
        <li class="card bill-card" data-state=bill.state.as_str()>
            <div class="card-body">
                <h2 class="card-title" id=title_id.clone()>{format!("{} — {}", bill.payer_name, bill.kind_label)}</h2>
                <p class="card-meta">{format!("Tạo lúc {}", when(&bill.created_at))}</p>
                <BillFacts bill=bill.clone()/>
                {bill.cancel_reason.clone().map(|r| view! { <p class="muted">{format!("Lý do hủy: {r}")}</p> })}
                {bill.receipt.clone().map(|r| view! { <p><a href=r.url.clone()>{format!("Biên lai số {}", r.number)}</a></p> })}
                {open.then(|| view! {
                    {move || (doing.get() == Doing::Nothing).then(|| view! {
                        <div class="row">
                            <button type="button" class="secondary" on:click=move |_| doing.set(Doing::TakingPayment)>"Thu tại quầy"</button>
                            <button type="button" class="secondary" on:click=move |_| doing.set(Doing::Cancelling)>"Hủy khoản phải nộp"</button>
                        </div>
                    })}
                    {move || (doing.get() == Doing::TakingPayment).then(|| view! {
                        <form class="decision" aria-labelledby=pay_label.clone() novalidate on:submit=take_payment>
                            <label class="field" for=counter_id.clone()>
                                <span>"Số biên lai Kho bạc hoặc mã giao dịch ngân hàng (nếu nộp ở đó)"</span>
                                <input id=counter_id.clone() type="text" autocomplete="off" aria-describedby=format!("e-{counter_id}")
                                    prop:value=counter_ref on:input=move |ev| counter_ref.set(event_target_value(&ev))/>
                                <span class="field-error" id=format!("e-{counter_id}") role="alert">{move || error.get()}</span>
                            </label>
                            <div class="row">
                                <button type="submit" disabled=move || busy.get()>"Xác nhận đã thu tiền"</button>
                                <button type="button" class="secondary" on:click=move |_| doing.set(Doing::Nothing)>"Thôi"</button>
                            </div>
                        </form>
                    })}
                    {move || (doing.get() == Doing::Cancelling).then(|| view! {
                        <form class="decision" aria-labelledby=cancel_label.clone() novalidate on:submit=cancel>
                            <label class="field" for=reason_id.clone()>
                                <span>"Lý do hủy"</span>
                                <textarea id=reason_id.clone() rows="2" maxlength="500" aria-describedby=format!("e-{reason_id}")
                                    prop:value=reason on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                                <span class="field-error" id=format!("e-{reason_id}") role="alert">{move || error.get()}</span>
                            </label>
                            <div class="row">
                                <button type="submit" disabled=move || busy.get()>"Xác nhận hủy"</button>
                                <button type="button" class="secondary" on:click=move |_| doing.set(Doing::Nothing)>"Không hủy"</button>
                            </div>
                        </form>
                    })}
                })}
            </div>
        </li>
    }
}
