//! `/can-bo/ho-so/:id`: one dossier at the desk — the citizen's data, scans and results, the fee
//! breakdown, the timeline, and the actions its state allows: receive (tick the required
//! documents), request a supplement or reject (with a reason), send the fee notice (a line may
//! be changed only with a written reason), take cash at the counter, let the citizen pay on
//! their own phone (on-screen VietQR, SMS pay link, printable slip), start processing, attach
//! the digitized result and sign it (or certify the copy), return it, complete; scans taken at
//! reception and documents reused from the citizen's wallet (`documents`). The server refuses
//! anything the state machine does not allow, and its Vietnamese message is shown here.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use motcua_domain::api::{FeeQuoteRequest, PayLinkSent, StaffDossier};
use motcua_domain::desk::LineChange;
use motcua_domain::dossier::DossierStatus;
use motcua_domain::gateway::{Provider, StartPayment};
use wasm_bindgen::JsCast;

use super::documents::{ReceptionScans, ResultSignature, WalletDocuments, CERTIFIED_COPY_PROCEDURE};
use super::{day, use_require_staff, when};
use crate::api::{self, desk::Act, ApiFailure};
use crate::components::money::vnd;
use crate::components::receipt::Receipt;
use crate::components::vietqr::qr_panel;
use crate::hooks::poll::{use_poll_while, UsePollWhileReturn};

/// The line of the fee form: code, name, computed amount, typed amount, reason.
#[derive(Clone)]
struct LineEdit {
    code: String,
    name: String,
    computed: i64,
    amount: RwSignal<String>,
    reason: RwSignal<String>,
}

#[component]
pub fn DeskDossier() -> impl IntoView {
    use_require_staff();
    let params = use_params_map();
    let id = move || params.read_untracked().get("id").unwrap_or_default();
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let qr = RwSignal::new(None::<StartPayment>);
    let pay_link = RwSignal::new(None::<PayLinkSent>);
    let reason = RwSignal::new(String::new());
    let ticked = RwSignal::new(Vec::<String>::new());
    let lines = RwSignal::new(Vec::<LineEdit>::new());

    // While the citizen pays on their phone (VietQR shown, SMS link sent), ask again every 3
    // seconds; leaving the page stops asking and aborts the request in flight.
    let UsePollWhileReturn { data, set: show, refetch, .. } = use_poll_while(
        move |signal| api::desk::dossier(&id()).signal(signal),
        move |d: &StaffDossier| {
            d.detail.summary.status == DossierStatus::FeeNotified && (qr.get_untracked().is_some() || pay_link.get_untracked().is_some())
        },
        Duration::from_secs(3),
    );

    // The fee form starts from the domain's computation for the dossier's inputs.
    let quoting = RwSignal::new(false);
    Effect::new(move |_| {
        let request = data.with(|d| match d {
            Some(Ok(d)) if d.actions.iter().any(|a| a.action == "notify_fee") => Some(FeeQuoteRequest {
                procedure: d.detail.summary.procedure_code.clone(),
                agency: d.detail.summary.agency_code.clone(),
                inputs: d.detail.inputs.clone(),
            }),
            _ => None,
        });
        let Some(request) = request else { return };
        if !lines.get_untracked().is_empty() || quoting.get_untracked() {
            return;
        }
        quoting.set(true);
        spawn_local(async move {
            if let Ok(b) = api::catalog::fee_quote(&request).await {
                lines.set(
                    b.lines
                        .into_iter()
                        .map(|l| LineEdit {
                            code: l.code,
                            name: l.name,
                            computed: l.amount.as_dong(),
                            amount: RwSignal::new(l.amount.as_dong().to_string()),
                            reason: RwSignal::new(String::new()),
                        })
                        .collect(),
                );
            }
            quoting.set(false);
        });
    });

    // A refusal shows the server's message; when someone else changed the dossier meanwhile
    // (409 `conflict`, or it moved on: `wrong_state`, `dossier_closed`), the dossier is read
    // again so the officer sees its current state and the actions it allows now.
    let refused = move |e: ApiFailure| {
        notice.set(None);
        if e.dossier_changed() {
            lines.set(vec![]);
            refetch.run(());
        }
        error.set(Some(e.message));
    };
    let finish = move |r: Result<StaffDossier, ApiFailure>, done: &'static str| {
        busy.set(false);
        match r {
            Ok(d) => {
                error.set(None);
                notice.set(Some(done.to_string()));
                reason.set(String::new());
                lines.set(vec![]);
                show.run(d);
            }
            Err(e) => refused(e),
        }
    };
    let act = move |action: &'static str, done: &'static str| {
        busy.set(true);
        let call = api::desk::act(&id(), &Act { action, reason: &reason.get_untracked(), documents: &ticked.get_untracked() });
        spawn_local(async move { finish(call.await, done) });
    };
    let send_notice = move |_| {
        busy.set(true);
        let mut changes = vec![];
        for l in lines.get_untracked() {
            let typed = l.amount.get_untracked().replace(['.', ' '], "");
            let amount: i64 = typed.parse().unwrap_or(-1);
            if amount != l.computed {
                changes.push(LineChange { code: l.code, amount, reason: l.reason.get_untracked() });
            }
        }
        let call = api::desk::fee_notice(&id(), &changes);
        spawn_local(async move { finish(call.await, "Đã gửi thông báo phí, lệ phí.") });
    };
    let cash = move |_| {
        busy.set(true);
        let call = api::desk::counter_payment(&id());
        spawn_local(async move { finish(call.await, "Đã thu tiền mặt tại quầy và cấp biên lai.") });
    };
    let show_qr = move |_| {
        busy.set(true);
        let call = api::payments::start(&id(), Provider::Vietqr);
        spawn_local(async move {
            let r = call.await;
            busy.set(false);
            match r {
                Ok(s) => {
                    qr.set(Some(s.next));
                    refetch.run(());
                }
                Err(e) => refused(e),
            }
        });
    };
    let send_link = move |_| {
        busy.set(true);
        let call = api::desk::send_pay_link(&id());
        spawn_local(async move {
            let r = call.await;
            busy.set(false);
            match r {
                Ok(s) => {
                    notice.set(Some(format!("Đã gửi tin nhắn có đường dẫn thanh toán đến số {}.", s.sent_to)));
                    pay_link.set(Some(s));
                    refetch.run(());
                }
                Err(e) => refused(e),
            }
        });
    };
    let upload = move |_| {
        let input = document().get_element_by_id("result-file").and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok());
        let Some(file) = input.and_then(|i| i.files()).and_then(|f| f.get(0)) else {
            error.set(Some("Vui lòng chọn tệp kết quả đã số hóa (PDF, JPEG hoặc PNG).".into()));
            return;
        };
        busy.set(true);
        let call = api::desk::attach_result(&id(), &file);
        spawn_local(async move { finish(call.await, "Đã đính kèm kết quả; hồ sơ chờ trả kết quả.") });
    };

    view! {
        <section class="page desk">
            <p class="no-print"><a href="/can-bo">"← Danh sách hồ sơ"</a></p>
            {move || match data.get() {
                None => view! { <p class="muted">"Đang tải hồ sơ…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
                Some(Ok(d)) => {
                    let s = d.detail.summary.clone();
                    let a = d.detail.applicant.clone();
                    let has = |name: &str| d.actions.iter().any(|x| x.action == name);
                    let scans: Vec<(String, String)> = d.detail.files.iter().map(|f| (f.name.clone(), api::dossiers::file_url(&s.id, &f.id))).collect();
                    let paid_online = d.paid_online;
                    let certify = s.procedure_code == CERTIFIED_COPY_PROCEDURE;
                    let pages_hint = d.detail.inputs.get("pages").and_then(|v| v.as_u64());
                    view! {
                        <h1>{s.procedure_name.clone()}</h1>
                        <p class="code">"Mã hồ sơ: "<strong class="dossier-code">{s.code.clone().unwrap_or_default()}</strong></p>
                        <p class="status">"Trạng thái: "<strong class="status-label">{s.status_label.clone()}</strong>
                            {d.urgency_label.clone().map(|l| view! { <span class="badge urgency">{l}</span> })}</p>
                        {s.archived.then(|| view! {
                            <p class="notice archived" role="note">"Hồ sơ thuộc tháng đã lưu trữ: chỉ xem hồ sơ, quá trình xử lý và biên lai; không còn thao tác nào."</p>
                        })}
                        <dl class="facts">
                            <dt>"Cơ quan"</dt><dd>{s.agency_name.clone()}</dd>
                            <dt>"Hình thức nộp"</dt><dd>{if d.detail.channel == "counter" { "Trực tiếp tại Bộ phận Một cửa" } else if d.detail.channel == "post" { "Qua dịch vụ bưu chính công ích" } else { "Trực tuyến" }}</dd>
                            {d.detail.postal_item.clone().map(|item| view! { <dt>"Số hiệu bưu gửi"</dt><dd class="postal-item">{item}</dd> })}
                            <dt>"Ngày nộp"</dt><dd>{s.submitted_at.as_deref().map(when).unwrap_or_default()}</dd>
                            <dt>"Hạn giải quyết"</dt><dd>{s.deadline.as_deref().map(day).unwrap_or_default()}</dd>
                            {d.assisted_by.clone().map(|name| view! { <dt>"Hỗ trợ"</dt><dd class="assisted">{format!("Nộp trực tuyến có hỗ trợ của cán bộ {name}")}</dd> })}
                            {paid_online.map(|o| view! { <dt>"Thanh toán"</dt><dd class="paid-channel">{if o { "Trực tuyến" } else { "Tại quầy (không trực tuyến)" }}</dd> })}
                        </dl>
                        <p class="no-print"><a href=format!("/can-bo/ho-so/{}/phieu-kiem-soat", s.id)>"Phiếu kiểm soát quá trình giải quyết hồ sơ"</a></p>

                        {move || notice.get().map(|m| view! { <p class="paid" role="status">{m}</p> })}
                        {move || error.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}

                        <section class="actions no-print" aria-label="Thao tác">
                            <h2>"Thao tác"</h2>
                            {d.actions.is_empty().then(|| view! { <p class="muted">"Hồ sơ không còn thao tác nào."</p> })}
                            {has("receive").then(|| view! {
                                <fieldset class="checklist">
                                    <legend>"Kiểm tra thành phần hồ sơ"</legend>
                                    {d.documents.iter().enumerate().map(|(i, doc)| {
                                        let doc = doc.clone();
                                        let doc2 = doc.clone();
                                        view! {
                                            <label class="check" for=format!("doc-{i}")>
                                                <input id=format!("doc-{i}") type="checkbox" on:change=move |ev| {
                                                    let on = event_target_checked(&ev);
                                                    ticked.update(|t| { t.retain(|x| x != &doc); if on { t.push(doc.clone()); } });
                                                }/>
                                                <span>{doc2}</span>
                                            </label>
                                        }
                                    }).collect_view()}
                                    <button type="button" disabled=move || busy.get() on:click=move |_| act("receive", "Đã tiếp nhận hồ sơ.")>"Tiếp nhận hồ sơ"</button>
                                </fieldset>
                            })}
                            {(has("request_supplement") || has("reject")).then(|| {
                                let supplement = has("request_supplement");
                                let reject = has("reject");
                                view! {
                                    <label class="field" for="reason">
                                        <span>"Lý do (bắt buộc khi yêu cầu bổ sung hoặc từ chối)"</span>
                                        <textarea id="reason" rows="2" prop:value=reason on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                                    </label>
                                    <div class="row">
                                        {supplement.then(|| view! { <button type="button" class="secondary" disabled=move || busy.get() on:click=move |_| act("request_supplement", "Đã yêu cầu bổ sung; công dân được thông báo.")>"Yêu cầu bổ sung"</button> })}
                                        {reject.then(|| view! { <button type="button" class="secondary" disabled=move || busy.get() on:click=move |_| act("reject", "Đã từ chối hồ sơ.")>"Từ chối"</button> })}
                                    </div>
                                }
                            })}
                            {has("notify_fee").then(|| view! {
                                <fieldset class="fee-form">
                                    <legend>"Thông báo phí, lệ phí"</legend>
                                    <p class="muted">"Số tiền do hệ thống tính theo biểu phí. Chỉ thay đổi một khoản khi có lý do bằng văn bản; lý do được lưu và hiển thị cho công dân."</p>
                                    {move || lines.get().into_iter().enumerate().map(|(i, l)| view! {
                                        <div class="fee-line">
                                            <label class="field" for=format!("amount-{i}")>
                                                <span>{l.name.clone()}" ("{vnd(l.computed)}")"</span>
                                                <input id=format!("amount-{i}") inputmode="numeric" prop:value=l.amount on:input=move |ev| l.amount.set(event_target_value(&ev))/>
                                            </label>
                                            <label class="field" for=format!("line-reason-{i}")>
                                                <span>"Lý do thay đổi (nếu có)"</span>
                                                <input id=format!("line-reason-{i}") prop:value=l.reason on:input=move |ev| l.reason.set(event_target_value(&ev))/>
                                            </label>
                                        </div>
                                    }).collect_view()}
                                    <button type="button" disabled=move || busy.get() on:click=send_notice>"Gửi thông báo phí"</button>
                                </fieldset>
                            })}
                            {has("pay_at_counter").then(|| view! {
                                <div class="pay-options">
                                    <p>"Công dân có thể tự thanh toán trực tuyến trên điện thoại của mình (được tính là thanh toán trực tuyến), hoặc nộp tiền mặt tại quầy."</p>
                                    <div class="row">
                                        <button type="button" disabled=move || busy.get() on:click=show_qr>"Hiện mã VietQR"</button>
                                        <button type="button" disabled=move || busy.get() on:click=send_link>"Gửi SMS đường dẫn thanh toán"</button>
                                        <button type="button" class="secondary" on:click=|_| { let _ = window().print(); }>"In phiếu thanh toán"</button>
                                        <button type="button" class="secondary" disabled=move || busy.get() on:click=cash>"Thu tiền mặt tại quầy"</button>
                                    </div>
                                </div>
                            })}
                            {has("start_processing").then(|| view! {
                                <button type="button" disabled=move || busy.get() on:click=move |_| act("start_processing", "Đã chuyển xử lý.")>"Chuyển xử lý"</button>
                            })}
                            {has("mark_result_ready").then(|| view! {
                                <label class="field" for="result-file">
                                    <span>"Kết quả đã số hóa (PDF, JPEG, PNG; tối đa 10 MB)"</span>
                                    <input id="result-file" type="file" accept="application/pdf,image/jpeg,image/png"/>
                                </label>
                                <button type="button" disabled=move || busy.get() on:click=upload>"Đính kèm kết quả"</button>
                            })}
                            {has("return_result").then(|| view! {
                                <button type="button" disabled=move || busy.get() on:click=move |_| act("return_result", "Đã trả kết quả.")>"Trả kết quả"</button>
                            })}
                            {has("complete").then(|| view! {
                                <button type="button" disabled=move || busy.get() on:click=move |_| act("complete", "Hồ sơ đã kết thúc.")>"Kết thúc hồ sơ"</button>
                            })}
                        </section>

                        {(s.status == DossierStatus::FeeNotified).then(|| {
                            let code = s.code.clone().unwrap_or_default();
                            let total = d.detail.fee_notice.as_ref().map(|n| n.total).unwrap_or(0);
                            view! {
                                <section class="slip" aria-label="Phiếu thanh toán">
                                    <h2>"Phiếu thanh toán phí, lệ phí"</h2>
                                    <p>"Hồ sơ "<strong>{code}</strong>" — số tiền "<strong class="fee-total">{vnd(total)}</strong></p>
                                    {move || qr.get().and_then(|q| qr_panel(q, "Công dân quét mã bằng ứng dụng ngân hàng trên điện thoại; hồ sơ tự cập nhật khi ngân hàng báo đã nhận tiền."))}
                                    {move || pay_link.get().map(|l| view! { <p class="muted">"Đường dẫn thanh toán (hiệu lực đến "{when(&l.expires_at)}"): "<a href=l.url.clone() class="pay-link">{l.url.clone()}</a></p> })}
                                </section>
                            }
                        })}

                        <section aria-label="Thông tin người nộp">
                            <h2>"Thông tin người nộp"</h2>
                            <dl class="facts">
                                <dt>"Họ và tên"</dt><dd class="applicant-name">{a.full_name.clone()}</dd>
                                <dt>"Số CCCD"</dt><dd>{a.id_number.clone()}</dd>
                                <dt>"Điện thoại"</dt><dd>{a.phone.clone()}</dd>
                                <dt>"Email"</dt><dd>{a.email.clone()}</dd>
                                <dt>"Địa chỉ"</dt><dd>{a.address.clone()}</dd>
                            </dl>
                            <h3>"Thông tin kê khai"</h3>
                            <dl class="facts">
                                {d.detail.inputs.iter().map(|(k, v)| view! { <dt>{k.clone()}</dt><dd>{v.to_string().trim_matches('"').to_string()}</dd> }).collect_view()}
                            </dl>
                        </section>
                        <section aria-label="Tệp hồ sơ">
                            <h2>"Bản quét hồ sơ và kết quả"</h2>
                            {(scans.is_empty() && d.detail.results.is_empty()).then(|| view! { <p class="muted">"Chưa có tệp."</p> })}
                            <ul>
                                {scans.into_iter().map(|(name, url)| view! { <li><a href=url target="_blank" rel="noopener">{name}</a></li> }).collect_view()}
                            </ul>
                            <ul class="results">
                                {d.detail.results.iter().map(|r| view! {
                                    <ResultSignature dossier_id=s.id.clone() result=r.clone() certify=certify pages_hint=pages_hint refetch=refetch/>
                                }).collect_view()}
                            </ul>
                        </section>
                        <WalletDocuments documents=d.detail.wallet_documents.clone()/>
                        <ReceptionScans dossier_id=s.id.clone() documents=d.documents.clone() scans=d.scans.clone()
                            open=!s.status.is_final() show=show refetch=refetch/>
                        {d.detail.fee_notice.clone().map(|n| {
                            let rows: Vec<(String, i64, Option<String>, Option<i64>)> = n.lines.iter().map(|l| (
                                l.line.name.clone(),
                                l.line.amount.as_dong(),
                                l.change_reason.clone(),
                                l.computed_amount.map(|a| a.as_dong()),
                            )).collect();
                            view! {
                                <section aria-label="Phí, lệ phí">
                                    <h2>"Phí, lệ phí"</h2>
                                    <table class="lines">
                                        <tbody>{rows.into_iter().map(|(name, amount, why, computed)| view! {
                                            <tr><td>{name}{why.map(|w| view! { <br/><span class="muted change-reason">{format!("Điều chỉnh từ {}: {}", vnd(computed.unwrap_or(0)), w)}</span> })}</td><td class="num">{vnd(amount)}</td></tr>
                                        }).collect_view()}</tbody>
                                        <tfoot><tr><th>"Tổng cộng"</th><th class="num">{vnd(n.total)}</th></tr></tfoot>
                                    </table>
                                </section>
                            }
                        })}
                        {(!d.detail.payments.is_empty()).then(|| view! {
                            <h2>"Giao dịch"</h2>
                            <ul>{d.detail.payments.iter().map(|p| view! { <li>{p.provider.label_vi()}" — "{vnd(p.amount)}" — "{p.status_label.clone()}</li> }).collect_view()}</ul>
                        })}
                        {d.detail.receipt.clone().map(|r| view! { <Receipt receipt=r/> })}
                        {d.detail.rating.clone().map(|r| view! {
                            <h2>"Đánh giá của người dân"</h2>
                            <p class="rating-given" data-rating=r.rating.key() data-score=r.score.to_string()>
                                <strong>{format!("{}/5 – {}", r.score, motcua_domain::national::score_label(r.score).0)}</strong>
                                {format!(" (Cổng DVCQG: {})", r.rating.label_vi())}
                                {(!r.reasons.is_empty()).then(|| format!(" · {}", r.reasons.iter().filter_map(|c| motcua_domain::national::portal::rating_reason(c)).map(|x| x.label_vi).collect::<Vec<_>>().join(", ")))}
                                {r.comment.map(|c| format!(" — “{c}”"))}{format!(" ({})", when(&r.created_at))}</p>
                        })}
                        <h2>"Quá trình xử lý"</h2>
                        <ol class="timeline">
                            {d.steps.iter().map(|t| view! {
                                <li><span class="when">{when(&t.at)}</span>" — "{t.action_label.clone()}" · "{t.actor.clone()}{t.reason.clone().map(|r| format!(" ({r})"))}</li>
                            }).collect_view()}
                        </ol>
                    }.into_any()
                }
            }}
        </section>
    }
}
