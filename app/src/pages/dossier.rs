//! One of the citizen's dossiers: its status and deadline, the timeline, the fee notice with a
//! "Thanh toán" choice of providers, and the receipt once paid. Coming back from a provider, the
//! page shows what the ledger says (never what the return URL claims) and keeps asking while a
//! payment is still pending, and while an officer's fee notice may still come (it shows without
//! a reload). Once the result is returned, the citizen rates their satisfaction
//! (once; the rating goes on to Cổng DVCQG with the dossier). A digitally signed result shows
//! as such, with the code anyone can check it by at `/kiem-tra`.

use std::time::Duration;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use motcua_domain::api::{DossierDetail, ResultFile, SignedKind};
use motcua_domain::dossier::{transition, DossierAction, DossierStatus, Role};
use motcua_domain::gateway::{Provider, StartPayment};
use motcua_domain::national::portal::{rating_reason, RATING_REASONS};
use motcua_domain::national::score_label;
use motcua_domain::payment::Status as PaymentStatus;

use crate::api::{self, payments::Started};
use crate::components::dates::{date_vn, datetime_vn};
use crate::components::form::Errors;
use crate::components::money::vnd;
use crate::components::receipt::Receipt;
use crate::components::refund;
use crate::components::vietqr::qr_panel;
use crate::hooks::poll::{use_poll_while, UsePollWhileReturn};
use crate::i18n::{pick, t};
use crate::pages::account::login_href;

const PROVIDERS: [Provider; 5] = [Provider::Vnpay, Provider::Momo, Provider::Zalopay, Provider::Vietqr, Provider::Paygov];

#[component]
pub fn DossierPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read_untracked().get("id").unwrap_or_default();
    let (qr, set_qr) = signal(None::<StartPayment>);
    let (pay_error, set_pay_error) = signal(None::<String>);
    let (busy, set_busy) = signal(false);

    // While a payment is pending (returned from a provider, or a VietQR transfer awaited), or
    // the officer's fee notice may still come, ask again every 3 seconds (not while the tab is
    // hidden); leaving the page stops asking and aborts the request.
    let UsePollWhileReturn { data: detail, set: show, refetch, .. } = use_poll_while(
        move |signal| api::dossiers::get_one(&id()).signal(signal),
        move |d: &DossierDetail| {
            d.receipt.is_none()
                && !d.summary.status.is_final()
                && (d.payments.iter().any(|p| p.status == PaymentStatus::Pending)
                    || qr.get_untracked().is_some()
                    || d.summary.status.may_get_fee_notice(d.has_fees))
        },
        Duration::from_secs(3),
    );
    // Another dossier opened in the same page.
    Effect::watch(move || params.read().get("id"), move |_, _, _| refetch.run(()), false);

    let pay = move |provider: Provider| {
        set_busy.set(true);
        set_pay_error.set(None);
        let id = id();
        // Framed on a portal, the gateway gets a window of its own, opened now while the click
        // still counts as the person's gesture (popup blockers); the frame keeps polling.
        let popup = api::embedded().then(|| window().open_with_url_and_target("about:blank", "_blank").ok().flatten()).flatten();
        leptos::task::spawn_local(async move {
            let started = api::payments::start(&id, provider).await;
            set_busy.set(false);
            match started {
                Ok(Started { next: StartPayment::Redirect { url }, .. }) => match &popup {
                    Some(w) => {
                        let _ = w.location().set_href(&url);
                        refetch.run(());
                    }
                    None => {
                        let _ = window().location().set_href(&url);
                    }
                },
                Ok(Started { next, .. }) => {
                    if let Some(w) = &popup {
                        let _ = w.close();
                    }
                    set_qr.set(Some(next));
                    refetch.run(());
                }
                Err(e) => {
                    if let Some(w) = &popup {
                        let _ = w.close();
                    }
                    if e.dossier_changed() {
                        refetch.run(());
                    }
                    set_pay_error.set(Some(e.message))
                }
            }
        });
    };

    // Withdrawing: shown only while the domain allows it (before processing starts), after a
    // confirmation with an optional reason. Kept out of the polled view so a refresh does not
    // rebuild the form under the person's fingers.
    let withdrawable = Memo::new(move |_| {
        detail.with(|d| match d {
            Some(Ok(d)) => transition(d.summary.status, DossierAction::Withdraw, Role::Citizen, d.has_fees).is_ok(),
            _ => false,
        })
    });
    let confirming = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let withdraw_error = RwSignal::new(None::<String>);
    let withdrawn = RwSignal::new(false);
    // Focus goes to the reason when the confirmation opens, and back to the button if it closes.
    let reason_input = NodeRef::<leptos::html::Textarea>::new();
    let open_button = NodeRef::<leptos::html::Button>::new();
    let refocus = StoredValue::new(false);
    Effect::new(move |_| {
        if let Some(el) = reason_input.get() {
            let _ = el.focus();
        }
    });
    Effect::new(move |_| {
        if let Some(el) = open_button.get() {
            if refocus.get_value() {
                refocus.set_value(false);
                let _ = el.focus();
            }
        }
    });
    let withdraw = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        set_busy.set(true);
        withdraw_error.set(None);
        let id = id();
        let why = reason.get_untracked();
        leptos::task::spawn_local(async move {
            let answer = api::dossiers::withdraw(&id, Some(why.trim()).filter(|r| !r.is_empty())).await;
            set_busy.set(false);
            match answer {
                Ok(d) => {
                    confirming.set(false);
                    reason.set(String::new());
                    set_qr.set(None);
                    withdrawn.set(true);
                    show.run(d);
                }
                Err(e) => {
                    // Refused because the dossier is no longer what the page shows (changed by
                    // someone else meanwhile, or closed): show it as it is now.
                    if e.dossier_changed() {
                        refetch.run(());
                    }
                    withdraw_error.set(Some(e.message));
                }
            }
        });
    };
    let withdraw_section = move || {
        view! {
            {move || withdrawn.get().then(|| view! {
                <p class="paid" role="status">{t(
                    "Đã rút hồ sơ. Khoản phí đã nộp (nếu có) sẽ được cơ quan hoàn trả.",
                    "The dossier was withdrawn. Any fee paid will be refunded by the agency.",
                )}</p>
            })}
            {move || withdraw_error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            {move || withdrawable.get().then(|| view! {
                <section class="withdraw" aria-labelledby="withdraw-title">
                    <h2 id="withdraw-title">{t("Rút hồ sơ", "Withdraw the dossier")}</h2>
                    {move || (!confirming.get()).then(|| view! {
                        <button type="button" class="secondary" node_ref=open_button
                            on:click=move |_| { withdraw_error.set(None); confirming.set(true); }>
                            {t("Rút hồ sơ", "Withdraw the dossier")}
                        </button>
                    })}
                    {move || confirming.get().then(|| view! {
                        <form id="withdraw-form" class="withdraw-form" aria-labelledby="withdraw-title" aria-describedby="withdraw-warning" on:submit=withdraw>
                            <p id="withdraw-warning">{t(
                                "Bạn có chắc muốn rút hồ sơ này? Hồ sơ đã rút không thể tiếp tục xử lý; khoản phí đã nộp (nếu có) sẽ được cơ quan hoàn trả.",
                                "Are you sure you want to withdraw this dossier? A withdrawn dossier cannot be processed further; any fee paid will be refunded by the agency.",
                            )}</p>
                            <label class="field" for="withdraw-reason">
                                <span>{t("Lý do (không bắt buộc)", "Reason (optional)")}</span>
                                <textarea id="withdraw-reason" rows="2" maxlength="500" node_ref=reason_input prop:value=reason
                                    on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                            </label>
                            <div class="row">
                                <button type="submit" disabled=move || busy.get()>{t("Xác nhận rút hồ sơ", "Confirm withdrawal")}</button>
                                <button type="button" class="secondary" on:click=move |_| { refocus.set_value(true); confirming.set(false); }>{t("Không rút", "Do not withdraw")}</button>
                            </div>
                        </form>
                    })}
                </section>
            })}
        }
    };

    // Rating: offered once the result was returned and until it is given, outside the polled
    // view like withdrawing.
    let finished = Memo::new(move |_| {
        detail.with(|d| matches!(d, Some(Ok(d)) if matches!(d.summary.status, DossierStatus::Returned | DossierStatus::Completed)))
    });
    let given = Memo::new(move |_| detail.with(|d| d.as_ref().and_then(|d| d.as_ref().ok()).and_then(|d| d.rating.clone())));
    let choice = RwSignal::new(None::<u8>);
    let reasons = RwSignal::new(Vec::<String>::new());
    let comment = RwSignal::new(String::new());
    let rating_errors = RwSignal::new(Errors::default());
    let thanked = RwSignal::new(false);
    let rate = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        rating_errors.set(Errors::default());
        let Some(score) = choice.get_untracked() else {
            rating_errors.set(Errors {
                field: Some("score".into()),
                message: t("Vui lòng chọn mức đánh giá từ 1 đến 5.", "Please choose a score from 1 to 5.").into(),
            });
            return;
        };
        set_busy.set(true);
        let call = api::dossiers::rate(&id(), score, &reasons.get_untracked(), comment.get_untracked().trim());
        leptos::task::spawn_local(async move {
            let answer = call.await;
            set_busy.set(false);
            match answer {
                Ok(_) => {
                    thanked.set(true);
                    refetch.run(());
                }
                Err(e) => {
                    // Already rated (another tab) or not finished after all: show it as it is.
                    if e.status == 409 {
                        refetch.run(());
                    }
                    rating_errors.set(e.into());
                }
            }
        });
    };
    let rating_section = move || {
        (finished.get() || given.get().is_some()).then(|| view! {
            <section class="rating" aria-labelledby="rating-title">
                <h2 id="rating-title">{t("Đánh giá mức độ hài lòng", "Rate your satisfaction")}</h2>
                {move || thanked.get().then(|| view! {
                    <p class="paid" role="status">{t(
                        "Cảm ơn bạn đã đánh giá. Ý kiến của bạn được gửi tới cơ quan giải quyết và Cổng Dịch vụ công Quốc gia.",
                        "Thank you for your rating. It is sent to the agency and to the National Public Service Portal.",
                    )}</p>
                })}
                {move || given.get().map(|r| {
                    let (vi, en) = score_label(r.score);
                    let reasons_text = r.reasons.iter().filter_map(|c| rating_reason(c)).map(|x| t(x.label_vi, x.label_en)).collect::<Vec<_>>().join(", ");
                    view! {
                        <p class="rating-given" data-rating=r.rating.key() data-score=r.score.to_string()>{t("Bạn đã đánh giá: ", "Your rating: ")}
                            <strong>{format!("{}/5 – {}", r.score, t(vi, en))}</strong>
                            {(!reasons_text.is_empty()).then(|| format!(" ({reasons_text})"))}
                            {r.comment.map(|c| format!(" — “{c}”"))}</p>
                    }
                })}
                {move || rating_errors.get().general().map(|m| view! { <p class="error" role="alert">{m}</p> })}
                {move || (given.get().is_none() && !thanked.get()).then(|| view! {
                    <form id="rating-form" novalidate on:submit=rate>
                        <fieldset role="radiogroup" aria-describedby="e-score" class="scores">
                            <legend>{t("Bạn chấm điểm việc giải quyết hồ sơ này thế nào? (1 đến 5)", "How would you score how this dossier was handled? (1 to 5)")}</legend>
                            {(1u8..=5).rev().map(|n| {
                                let input_id = format!("score-{n}");
                                let (vi, en) = score_label(n);
                                view! {
                                    <label class="check" for=input_id.clone()>
                                        <input type="radio" id=input_id.clone() name="score" value=n.to_string()
                                            prop:checked=move || choice.get() == Some(n) on:change=move |_| choice.set(Some(n))/>
                                        <span>{format!("{n} – {}", t(vi, en))}</span>
                                    </label>
                                }
                            }).collect_view()}
                            <span class="field-error" id="e-score" role="alert">{move || rating_errors.read().at("score")}</span>
                        </fieldset>
                        <fieldset aria-describedby="e-reasons" class="reasons">
                            <legend>{t("Điều bạn muốn nhận xét (chọn một hoặc nhiều)", "What your rating is about (one or more)")}</legend>
                            {RATING_REASONS.iter().map(|r| {
                                let input_id = format!("reason-{}", r.code);
                                let code = r.code.to_string();
                                let code2 = code.clone();
                                view! {
                                    <label class="check" for=input_id.clone()>
                                        <input type="checkbox" id=input_id.clone() name="reasons" value=r.code
                                            prop:checked=move || reasons.with(|v| v.contains(&code))
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                reasons.update(|v| { v.retain(|x| x != &code2); if on { v.push(code2.clone()); } });
                                            }/>
                                        <span>{t(r.label_vi, r.label_en)}</span>
                                    </label>
                                }
                            }).collect_view()}
                            <span class="field-error" id="e-reasons" role="alert">{move || {
                                let e = rating_errors.read();
                                e.field.as_deref().filter(|f| f.starts_with("reasons")).map(|_| e.message.clone())
                            }}</span>
                        </fieldset>
                        <label class="field" for="rating-comment">
                            <span>{t("Góp ý (không bắt buộc)", "Comments (optional)")}</span>
                            <textarea id="rating-comment" rows="3" maxlength="1000" aria-describedby="e-rating-comment"
                                aria-invalid=move || rating_errors.read().at("comment").is_some().to_string()
                                prop:value=comment on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
                            <span class="field-error" id="e-rating-comment" role="alert">{move || rating_errors.read().at("comment")}</span>
                        </label>
                        <button type="submit" disabled=move || busy.get()>{t("Gửi đánh giá", "Send rating")}</button>
                    </form>
                })}
            </section>
        })
    };

    view! {
        <section class="page">
            {move || match detail.get() {
                    None => view! { <p class="muted">{t("Đang tải hồ sơ…", "Loading the dossier…")}</p> }.into_any(),
                    Some(answer) => match answer {
                        // The gateway's window opened from a portal's frame comes back here
                        // without that frame's (partitioned) session: the frame shows the result.
                        Err(e) if e.is_unauthorized() && window().opener().is_ok_and(|o| !o.is_null()) => view! {
                            <p role="status">{t(
                                "Đã quay lại từ cổng thanh toán. Kết quả thanh toán hiển thị trên trang của xã; bạn có thể đóng cửa sổ này.",
                                "Back from the payment gateway. The result is shown on the commune's page; you can close this window.",
                            )}</p>
                        }.into_any(),
                        Err(e) if e.is_unauthorized() => view! {
                            <p>{t("Vui lòng ", "Please ")}<a href=login_href(&format!("/ho-so/{}", id()))>{t("đăng nhập", "log in")}</a>{t(" để xem hồ sơ.", " to see the dossier.")}</p>
                        }.into_any(),
                        Err(e) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
                        Ok(d) => {
                            let paid = d.receipt.is_some();
                            let payable = d.payable;
                            view! {
                                // Awaiting payment, the official name takes two lines so the pay
                                // buttons are on the first screen (the full name stays readable).
                                <h1 class=if payable { "clamp-2" } else { "" } title=payable.then(|| d.summary.procedure_name.clone())>{d.summary.procedure_name.clone()}</h1>
                                <p class="code">{t("Mã hồ sơ: ", "Dossier code: ")}<strong>{d.summary.code.clone().unwrap_or_default()}</strong></p>
                                <p class="status" data-status=format!("{:?}", d.summary.status)>
                                    {t("Trạng thái: ", "Status: ")}<strong class="status-label">{pick(d.summary.status_label.clone(), d.summary.status.label_en().into())}</strong>
                                </p>
                                {d.summary.archived.then(|| view! {
                                    <p class="notice archived" role="note">{t(
                                        "Hồ sơ đã được lưu trữ: bạn vẫn xem được quá trình giải quyết, khoản đã nộp và biên lai, nhưng không thể thay đổi.",
                                        "This dossier is archived: its history, payments and receipt can still be viewed, but nothing can be changed.",
                                    )}</p>
                                })}
                                {d.summary.deadline.clone().map(|dl| view! { <p class="muted">{t("Hạn giải quyết: ", "Due by: ")}{date_vn(&dl)}</p> })}
                                {d.fee_notice.clone().map(|n| {
                                    let lines: Vec<(String, i64)> = n.lines.iter().map(|l| (l.line.name.clone(), l.line.amount.as_dong())).collect();
                                    view! {
                                        <section aria-label=t("Thông báo phí, lệ phí", "Fee notice")>
                                            <h2>{t("Phí, lệ phí", "Fees and charges")}</h2>
                                            <table class="lines">
                                                <tbody>{lines.into_iter().map(|(name, amount)| view! { <tr><td>{name}</td><td class="num">{vnd(amount)}</td></tr> }).collect_view()}</tbody>
                                                <tfoot><tr><th>{t("Tổng cộng", "Total")}</th><th class="num fee-total">{vnd(n.total)}</th></tr></tfoot>
                                            </table>
                                        </section>
                                    }
                                })}
                                {payable.then(|| view! {
                                    <section aria-label=t("Thanh toán trực tuyến", "Online payment") class="pay">
                                        <h2>{t("Thanh toán", "Payment")}</h2>
                                        <div class="providers">
                                            {PROVIDERS.into_iter().map(|p| view! {
                                                <button type="button" disabled=move || busy.get() on:click=move |_| pay(p)>{t(p.label(), p.label_en())}</button>
                                            }).collect_view()}
                                        </div>
                                        {move || pay_error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                                        {move || qr.get().and_then(|q| qr_panel(q, t(
                                                        "Quét mã bằng ứng dụng ngân hàng. Giữ nguyên nội dung chuyển khoản; hồ sơ tự cập nhật khi ngân hàng báo đã nhận tiền.",
                                                        "Scan the code with your banking app. Keep the transfer description unchanged; the dossier updates itself when the bank reports the money received.",
                                                    )))}
                                    </section>
                                })}
                                {(!paid && d.payments.iter().any(|p| p.status == PaymentStatus::Pending)).then(|| view! {
                                    <p class="notice" role="status">{t("Đang chờ xác nhận thanh toán từ ngân hàng, ví điện tử…", "Waiting for the bank or e-wallet to confirm the payment…")}</p>
                                })}
                                {d.payments.first().filter(|p| !paid && p.finished && p.status != PaymentStatus::Paid).map(|p| view! {
                                    <p class="error" role="alert">{pick(
                                        format!("Lần thanh toán gần nhất: {}. Bạn có thể thanh toán lại.", p.status_label),
                                        format!("Last payment attempt: {}. You can pay again.", p.status.label_en()),
                                    )}</p>
                                })}
                                {d.receipt.clone().map(|r| view! {
                                    <p class="paid" role="status">{t("Đã thanh toán", "Paid")}</p>
                                    <Receipt receipt=r/>
                                })}
                                {(!d.refunds.is_empty()).then(|| view! {
                                    <section aria-label=t("Hoàn tiền", "Refunds")>
                                        <h2>{t("Hoàn tiền", "Refunds")}</h2>
                                        <ul class="refunds">
                                            {d.refunds.iter().map(|r| view! {
                                                <li>{format!("{} — {}, {} · ", vnd(r.amount), r.reason, datetime_vn(&r.created_at))}
                                                    <strong class="refund-status" data-status=r.status.clone()>{refund::status_label(&r.status)}</strong></li>
                                            }).collect_view()}
                                        </ul>
                                    </section>
                                })}
                                {(!d.files.is_empty()).then(|| {
                                    let id = d.summary.id.clone();
                                    view! {
                                        <h2>{t("Tệp đính kèm", "Attachments")}</h2>
                                        <ul class="files">
                                            {d.files.iter().map(|f| view! {
                                                <li><a href=api::dossiers::file_url(&id, &f.id) download=f.name.clone()>{f.name.clone()}</a>
                                                " "<span class="muted">{crate::components::attachments::human_size(f.size as f64)}</span></li>
                                            }).collect_view()}
                                        </ul>
                                    }
                                })}
                                {(!d.wallet_documents.is_empty()).then(|| view! {
                                    <section aria-labelledby="reused-title">
                                        <h2 id="reused-title">{t("Giấy tờ dùng lại", "Documents reused")}</h2>
                                        <ul class="files">
                                            {d.wallet_documents.iter().map(|w| view! {
                                                <li><a href=w.url.clone() target="_blank" rel="noopener">{w.title.clone()}</a></li>
                                            }).collect_view()}
                                        </ul>
                                    </section>
                                })}
                                {(!d.results.is_empty()).then(|| view! {
                                    <section aria-label=t("Kết quả giải quyết", "Result")>
                                        <h2>{t("Kết quả giải quyết", "Result")}</h2>
                                        <ul class="results">{d.results.iter().map(|r| view! { <li><ResultDownload result=r.clone()/></li> }).collect_view()}</ul>
                                    </section>
                                })}
                                <h2>{t("Quá trình xử lý", "Processing history")}</h2>
                                <ol class="timeline">
                                    {d.timeline.into_iter().map(|step| view! {
                                        <li><span class="when">{datetime_vn(&step.at)}</span>" — "{timeline_label(step.label, &step.action)}{step.reason.map(|r| format!(" ({r})"))}</li>
                                    }).collect_view()}
                                </ol>
                            }.into_any()
                        }
                    },
                }}
            {withdraw_section}
            {rating_section}
        </section>
    }
}

/// A timeline step: the server's Vietnamese label, or the domain's English one for its action.
fn timeline_label(vi: String, action: &str) -> String {
    match serde_json::from_value::<DossierAction>(serde_json::Value::from(action)) {
        Ok(a) => pick(vi, a.event_en().to_string()),
        Err(_) => vi,
    }
}

/// A result file: its download and, once signed, "Bản điện tử có chữ ký số" with the code to
/// check it by (and the certification book's number for a certified copy).
#[component]
pub fn ResultDownload(result: ResultFile) -> impl IntoView {
    let size = crate::components::attachments::human_size(result.size as f64);
    match result.signature {
        None => view! {
            <a href=result.url.clone() target="_blank" rel="noopener">{result.name.clone()}</a>
            " "<span class="muted">{size}</span>
        }
        .into_any(),
        Some(sig) => {
            let revoked = sig.revoked.clone();
            let is_revoked = revoked.is_some().to_string();
            view! {
                <div class="signed-result" data-revoked=is_revoked>
                    <p><strong class="signed-label">{match sig.kind {
                        SignedKind::CertifiedCopy => t("Bản sao điện tử có chứng thực, có chữ ký số", "Certified electronic copy, digitally signed"),
                        SignedKind::Result => t("Bản điện tử có chữ ký số", "Digitally signed electronic document"),
                    }}</strong></p>
                    <p><a class="button download" href=result.url.clone() download=result.name.clone()>{t("Tải về ", "Download ")}{result.name.clone()}</a>
                        " "<span class="muted">{size}</span></p>
                    <dl class="facts">
                        <dt>{t("Cơ quan ký", "Signed by")}</dt><dd>{sig.certificate_subject.clone()}</dd>
                        <dt>{t("Thời điểm ký", "Signed at")}</dt><dd>{datetime_vn(&sig.signed_at)}</dd>
                        <dt>{t("Mã kiểm tra", "Verification code")}</dt><dd><strong class="verify-code">{sig.code.clone()}</strong></dd>
                        {sig.book_number.clone().map(|n| view! { <dt>{t("Số chứng thực", "Certification number")}</dt><dd class="book-number">{n}</dd> })}
                    </dl>
                    {revoked.map(|r| view! {
                        <p class="error revocation">{pick(
                            format!("Cơ quan đã thu hồi giấy tờ này ({}): {}", datetime_vn(&r.at), r.reason),
                            format!("The agency revoked this document ({}): {}", datetime_vn(&r.at), r.reason),
                        )}</p>
                    })}
                    <p><a class="verify-link" href=api::documents::verify_page(&sig.code) rel="external">{t(
                        "Kiểm tra giấy tờ bằng mã này",
                        "Check the document with this code",
                    )}</a></p>
                </div>
            }
            .into_any()
        }
    }
}
