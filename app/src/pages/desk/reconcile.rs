//! `/can-bo/doi-soat`: reconciliation for admins. The admin picks an agency, the provider and the
//! day, uploads the provider's settlement file (or the bank statement) and sees what matched and
//! what did not; below, the differences still open in the agency's subtree, each closed once with
//! a note of what was done; and the day's statement (per provider, per beneficiary, what to
//! remit to the treasury) with its CSV for the accountant.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use super::{day, provider_label, today_vn, use_require_staff, when, ListShape};
use crate::api::admin::{Differences, Finding, FindingCounts, ImportSummary, PayeeTotal, Statement};
use crate::api::{self, ApiFailure};
use crate::components::form::{Errors, Field};
use crate::components::money::vnd;
use crate::staff::use_staff;

/// The files the server reads: (query value, label).
const FILES: [(&str, &str); 4] =
    [("vnpay", "VNPAY"), ("momo", "Ví MoMo"), ("zalopay", "ZaloPay"), ("vietqr", "Sao kê ngân hàng (chuyển khoản VietQR)")];

fn amount(a: Option<i64>) -> String {
    a.map(vnd).unwrap_or_else(|| "—".into())
}

#[component]
pub fn Reconcile() -> impl IntoView {
    use_require_staff();
    let ctx = use_staff();
    let agencies = RwSignal::new(Vec::<(String, String)>::new());
    let catalog_error = RwSignal::new(None::<String>);
    let agency = RwSignal::new(String::new());
    let provider = RwSignal::new("vnpay".to_string());
    let date = RwSignal::new(today_vn());
    let errors = RwSignal::new(Errors::default());
    let busy = RwSignal::new(false);
    let result = RwSignal::new(None::<ImportSummary>);
    let show_all = RwSignal::new(false);
    let open = RwSignal::new(None::<Result<Differences, ApiFailure>>);
    let refresh = RwSignal::new(0u32);
    let resolved_msg = RwSignal::new(String::new());
    let statement = RwSignal::new(None::<Result<Statement, ApiFailure>>);
    let (open_abort, statement_abort) = (api::use_abort(), api::use_abort());

    Effect::new(move |_| {
        if ctx.me.get().is_none() {
            return;
        }
        spawn_local(async move {
            match api::admin::catalog().await {
                Ok(c) => {
                    let list: Vec<(String, String)> = c["agencies"]
                        .as_array()
                        .map(|a| a.iter().map(|a| (a["code"].as_str().unwrap_or("").to_string(), a["name"].as_str().unwrap_or("").to_string())).collect())
                        .unwrap_or_default();
                    if agency.get_untracked().is_empty() {
                        agency.set(list.first().map(|(c, _)| c.clone()).unwrap_or_default());
                    }
                    agencies.set(list);
                }
                Err(e) => catalog_error.set(Some(e.message)),
            }
        });
    });
    // The differences of the agency's subtree, read again after an import or a resolution.
    Effect::new(move |_| {
        let (a, all) = (agency.get(), show_all.get());
        refresh.track();
        if a.is_empty() {
            return;
        }
        let call = api::admin::differences(&a, all).signal(open_abort.next());
        spawn_local(async move {
            match call.await {
                Err(e) if e.is_aborted() => {}
                r => open.set(Some(r)),
            }
        });
    });
    Effect::new(move |_| {
        let (a, d) = (agency.get(), date.get());
        if a.is_empty() || d.len() != 10 {
            return;
        }
        let call = api::admin::statement(&a, &d).signal(statement_abort.next());
        spawn_local(async move {
            match call.await {
                Err(e) if e.is_aborted() => {}
                r => statement.set(Some(r)),
            }
        });
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        errors.set(Errors::default());
        result.set(None);
        let input = document().get_element_by_id("d-file").and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok());
        let Some(file) = input.and_then(|i| i.files()).and_then(|f| f.get(0)) else {
            errors.set(Errors { field: Some("file".into()), message: "Vui lòng chọn tệp đối soát (CSV) của đơn vị thanh toán.".into() });
            return;
        };
        busy.set(true);
        let call = api::admin::import_settlement(&provider.get_untracked(), &date.get_untracked(), &agency.get_untracked(), &file);
        spawn_local(async move {
            let answer = call.await;
            busy.set(false);
            match answer {
                Ok(s) => {
                    result.set(Some(s));
                    refresh.update(|n| *n += 1);
                }
                Err(e) => errors.set(e.into()),
            }
        });
    };
    let at = move |field: &'static str| move || errors.read().at(field);
    // Read again after an import or a resolution, the cards of the same findings stay (with any
    // note being typed); only the list's shape rebuilds it.
    let open_shape = Memo::new(move |_| ListShape::of(open.read().as_ref(), |d: &Differences| d.differences.is_empty()));
    let on_resolved = Callback::new(move |msg: String| {
        resolved_msg.set(msg);
        refresh.update(|n| *n += 1);
    });

    view! {
        <section class="page desk reconcile">
            <h1>"Đối soát thanh toán"</h1>
            {move || catalog_error.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
            <form class="admin-form" aria-labelledby="import-title" novalidate on:submit=submit>
                <h2 id="import-title">"Nhập tệp đối soát"</h2>
                <p class="muted">"Tệp giao dịch trong ngày do đơn vị thanh toán gửi (hoặc sao kê của ngân hàng) được so với sổ thanh toán của cơ quan và các đơn vị trực thuộc. Nhập lại cùng một tệp không làm thay đổi kết quả."</p>
                <label class="field" for="d-agency">
                    <span>"Cơ quan"</span>
                    <select id="d-agency" aria-describedby="e-d-agency" prop:value=agency on:change=move |ev| agency.set(event_target_value(&ev))>
                        {move || agencies.get().into_iter().map(|(c, n)| {
                            let selected = agency.get_untracked() == c;
                            view! { <option value=c.clone() selected=selected>{format!("{n} ({c})")}</option> }
                        }).collect_view()}
                    </select>
                    <span class="field-error" id="e-d-agency" role="alert">{at("agency")}</span>
                </label>
                <label class="field" for="d-provider">
                    <span>"Đơn vị thanh toán"</span>
                    <select id="d-provider" aria-describedby="e-d-provider" prop:value=provider on:change=move |ev| provider.set(event_target_value(&ev))>
                        {FILES.into_iter().map(|(v, l)| view! { <option value=v>{l}</option> }).collect_view()}
                    </select>
                    <span class="field-error" id="e-d-provider" role="alert">{at("provider")}</span>
                </label>
                <Field label="Ngày giao dịch" name="date" id="d-date".to_string() value=date errors=errors kind="date"/>
                <label class="field" for="d-file">
                    <span>"Tệp đối soát (CSV)"</span>
                    <input id="d-file" type="file" accept=".csv,text/csv" aria-describedby="e-d-file"
                        aria-invalid=move || errors.read().at("file").is_some().to_string()/>
                    <span class="field-error" id="e-d-file" role="alert">{at("file")}</span>
                </label>
                {move || errors.get().general().map(|m| view! { <p class="error" role="alert">{m}</p> })}
                <button type="submit" disabled=move || busy.get()>{move || if busy.get() { "Đang đối soát…" } else { "Nhập và đối soát" }}</button>
            </form>

            <div class="import-result" role="status">
                {move || result.get().map(|r| {
                    let differences = r.differences.len();
                    let head = if r.imported {
                        format!("Đã đối soát tệp {} ngày {}: {} giao dịch khớp, {} chênh lệch.", provider_label(&r.provider), day(&r.date), r.counts.matched, differences)
                    } else {
                        format!("Tệp này đã được nhập trước đây cho ngày {}; kết quả không thay đổi: {} khớp, {} chênh lệch.", day(&r.date), r.counts.matched, differences)
                    };
                    view! { <p class="done-msg">{head}</p> }
                })}
            </div>
            {move || result.get().map(|r| view! {
                <section aria-labelledby="result-title">
                    <h2 id="result-title">"Kết quả đối soát"</h2>
                    <Counts counts=r.counts/>
                    {if r.differences.is_empty() {
                        view! { <p class="muted">"Không có chênh lệch."</p> }.into_any()
                    } else {
                        view! { <FindingTable findings=r.differences caption="Các chênh lệch tìm thấy"/> }.into_any()
                    }}
                </section>
            })}

            <section aria-labelledby="open-title">
                <h2 id="open-title">"Chênh lệch chưa xử lý"</h2>
                <label class="check" for="d-all">
                    <input id="d-all" type="checkbox" prop:checked=show_all on:change=move |ev| show_all.set(event_target_checked(&ev))/>
                    <span>"Hiện cả chênh lệch đã xử lý"</span>
                </label>
                <p class="done-msg" role="status">{move || resolved_msg.get()}</p>
                {move || match open_shape.get() {
                    ListShape::Loading => view! { <p class="muted">"Đang tải…"</p> }.into_any(),
                    ListShape::Failed(m) => view! { <p class="error" role="alert">{m}</p> }.into_any(),
                    ListShape::Empty => view! { <p class="muted">"Không có chênh lệch nào cần xử lý."</p> }.into_any(),
                    ListShape::Rows => view! {
                        <ul class="cards findings">
                            <For
                                each=move || open.with(|o| o.as_ref().and_then(|r| r.as_ref().ok()).map(|d| d.differences.clone()).unwrap_or_default())
                                key=|f| (f.id.clone(), f.resolved_at.clone())
                                children=move |f| view! { <FindingCard finding=f on_resolved=on_resolved/> }
                            />
                        </ul>
                    }.into_any(),
                }}
            </section>

            <section aria-labelledby="statement-title">
                <h2 id="statement-title">"Sao kê trong ngày"</h2>
                <p>
                    <a href=move || api::admin::statement_csv_url(&agency.get(), &date.get()) download=move || format!("sao-ke-{}-{}.csv", agency.get(), date.get())>
                        {move || format!("Tải sao kê ngày {} (CSV)", day(&date.get()))}
                    </a>
                </p>
                {move || statement.get().map(|s| match s {
                    Err(e) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
                    Ok(s) if s.by_provider.is_empty() => view! { <p class="muted">"Không có khoản thu nào trong ngày."</p> }.into_any(),
                    Ok(s) => view! {
                        <div class="table-wrap" role="region" aria-labelledby="by-provider-caption" tabindex="0">
                            <table class="lines">
                                <caption id="by-provider-caption">"Theo đơn vị thanh toán"</caption>
                                <thead><tr><th scope="col">"Đơn vị"</th><th scope="col" class="num">"Số giao dịch"</th><th scope="col" class="num">"Số tiền"</th></tr></thead>
                                <tbody>{s.by_provider.into_iter().map(|p| view! {
                                    <tr><td>{provider_label(&p.provider)}</td><td class="num">{p.count}</td><td class="num">{vnd(p.amount)}</td></tr>
                                }).collect_view()}</tbody>
                            </table>
                        </div>
                        <PayeeTable rows=s.by_beneficiary id="by-payee" caption="Theo tài khoản thụ hưởng"/>
                        {if s.to_remit.is_empty() {
                            view! { <p class="muted">"Không có khoản lệ phí nào cần chuyển nộp Kho bạc."</p> }.into_any()
                        } else {
                            view! { <PayeeTable rows=s.to_remit id="to-remit" caption="Cần chuyển nộp Kho bạc Nhà nước"/> }.into_any()
                        }}
                    }.into_any(),
                })}
            </section>
        </section>
    }
}

#[component]
fn Counts(counts: FindingCounts) -> impl IntoView {
    view! {
        <dl class="facts counts">
            <dt>"Khớp"</dt><dd data-kind="matched">{counts.matched}</dd>
            <dt>"Thiếu trong sổ"</dt><dd data-kind="missing_from_ledger">{counts.missing_from_ledger}</dd>
            <dt>"Thiếu trong tệp"</dt><dd data-kind="missing_from_file">{counts.missing_from_file}</dd>
            <dt>"Lệch số tiền"</dt><dd data-kind="amount_mismatch">{counts.amount_mismatch}</dd>
            <dt>"Trùng lặp"</dt><dd data-kind="duplicate">{counts.duplicate}</dd>
        </dl>
    }
}

#[component]
fn FindingTable(findings: Vec<Finding>, caption: &'static str) -> impl IntoView {
    view! {
        <div class="table-wrap" role="region" aria-labelledby="findings-caption" tabindex="0">
            <table class="lines findings-table">
                <caption id="findings-caption">{caption}</caption>
                <thead><tr>
                    <th scope="col">"Loại"</th><th scope="col">"Mã tham chiếu / mã GD đối tác"</th>
                    <th scope="col" class="num">"Trong tệp"</th><th scope="col" class="num">"Trong sổ"</th><th scope="col" class="num">"Dòng"</th>
                </tr></thead>
                <tbody>{findings.into_iter().map(|f| view! {
                    <tr data-kind=f.kind.clone()>
                        <td>{f.label.clone()}</td>
                        <td><span class="ref">{f.reference.clone()}</span>
                            {(!f.provider_txn.is_empty()).then(|| view! { <br/><span class="ref muted">{f.provider_txn.clone()}</span> })}</td>
                        <td class="num">{amount(f.file_amount)}</td><td class="num">{amount(f.ledger_amount)}</td>
                        <td class="num">{f.line.map(|l| l.to_string()).unwrap_or_default()}</td>
                    </tr>
                }).collect_view()}</tbody>
            </table>
        </div>
    }
}

#[component]
fn PayeeTable(rows: Vec<PayeeTotal>, id: &'static str, caption: &'static str) -> impl IntoView {
    let caption_id = format!("{id}-caption");
    view! {
        <div class="table-wrap" role="region" aria-labelledby=caption_id.clone() tabindex="0">
            <table class="lines" id=id>
                <caption id=caption_id.clone()>{caption}</caption>
                <thead><tr>
                    <th scope="col">"Thụ hưởng"</th><th scope="col">"Tài khoản"</th><th scope="col">"Chương / tiểu mục"</th>
                    <th scope="col" class="num">"Số khoản"</th><th scope="col" class="num">"Số tiền"</th>
                </tr></thead>
                <tbody>{rows.into_iter().map(|r| {
                    let budget = match (r.chapter.as_deref(), r.budget_item.as_deref()) {
                        (None, None) => String::new(),
                        (c, b) => format!("{} / {}", c.unwrap_or("—"), b.unwrap_or("—")),
                    };
                    let account = match r.treasury_code.as_deref() {
                        Some(k) => format!("{} (KBNN {k})", r.account),
                        None => r.account.clone(),
                    };
                    view! {
                        <tr><td>{r.holder_name.clone()}</td><td class="ref">{account}</td><td>{budget}</td>
                            <td class="num">{r.lines}</td><td class="num">{vnd(r.amount)}</td></tr>
                    }
                }).collect_view()}</tbody>
            </table>
        </div>
    }
}

/// One difference: what was found, and (while open) the note that closes it.
#[component]
fn FindingCard(finding: Finding, on_resolved: Callback<String>) -> impl IntoView {
    let note = RwSignal::new(String::new());
    let errors = RwSignal::new(Errors::default());
    let busy = RwSignal::new(false);
    let id = finding.id.clone();
    let title_id = format!("finding-{id}");
    let note_id = format!("note-{id}");
    let err_id = format!("e-note-{id}");
    let resolve = {
        let id = id.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            errors.set(Errors::default());
            busy.set(true);
            let call = api::admin::resolve_difference(&id, note.get_untracked().trim());
            spawn_local(async move {
                let answer = call.await;
                busy.set(false);
                match answer {
                    Ok(f) => on_resolved.run(format!("Đã ghi nhận xử lý chênh lệch {}.", f.reference)),
                    // Someone else closed it meanwhile: the list is read again.
                    Err(e) if e.code == "already_resolved" => on_resolved.run(e.message),
                    Err(e) => errors.set(e.into()),
                }
            });
        }
    };
    let reference = finding.reference.clone();
    view! {
        <li class="card finding" data-kind=finding.kind.clone()>
            <div class="card-body">
                <span class="card-title" id=title_id.clone()>{finding.label.clone()}" — "<span class="ref">{finding.reference.clone()}</span></span>
                <span class="card-meta">{format!("{} · ngày {}", provider_label(&finding.provider), day(&finding.day))}
                    {(!finding.provider_txn.is_empty()).then(|| format!(" · mã GD đối tác {}", finding.provider_txn))}
                    {finding.line.map(|l| format!(" · dòng {l}"))}</span>
                {(finding.file_amount.is_some() || finding.ledger_amount.is_some()).then(|| view! {
                    <span class="card-meta">{format!("Trong tệp: {} · trong sổ: {}", amount(finding.file_amount), amount(finding.ledger_amount))}</span>
                })}
                {match (finding.resolved_at.clone(), finding.resolution.clone()) {
                    (Some(at), note) => view! {
                        <p class="card-meta resolved">{format!("Đã xử lý bởi {} lúc {}: {}", finding.resolved_by.clone().unwrap_or_default(), when(&at), note.unwrap_or_default())}</p>
                    }.into_any(),
                    (None, _) => view! {
                        <form class="resolve" aria-labelledby=title_id.clone() novalidate on:submit=resolve>
                            <label class="field" for=note_id.clone()>
                                <span>"Cách đã xử lý"<span class="visually-hidden">{format!(" chênh lệch {reference}")}</span></span>
                                <textarea id=note_id.clone() rows="2" maxlength="500" aria-describedby=err_id.clone()
                                    aria-invalid=move || errors.read().at("note").is_some().to_string()
                                    prop:value=note on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                                <span class="field-error" id=err_id role="alert">{move || errors.read().at("note")}</span>
                            </label>
                            {move || {
                                let e = errors.read();
                                (e.field.as_deref() != Some("note") && !e.message.is_empty()).then(|| view! { <p class="error" role="alert">{e.message.clone()}</p> })
                            }}
                            <button type="submit" aria-describedby=title_id.clone() disabled=move || busy.get()>"Đã xử lý"</button>
                        </form>
                    }.into_any(),
                }}
            </div>
        </li>
    }
}
