//! One of the citizen's dossiers: its status and deadline, the timeline, the fee notice with a
//! "Thanh toán" choice of providers, and the receipt once paid. Coming back from a provider, the
//! page shows what the ledger says (never what the return URL claims) and keeps asking while a
//! payment is still pending.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use motcua_domain::api::{DossierDetail, PaymentSummary};
use motcua_domain::dossier::DossierAction;
use motcua_domain::payment::Status as PaymentStatus;
use motcua_domain::gateway::{Provider, StartPayment};
use serde::Deserialize;

use crate::api::{self, ApiFailure};
use crate::components::dates::{date_vn, datetime_vn};
use crate::components::money::vnd;
use crate::components::receipt::Receipt;
use crate::components::vietqr::VietQrPanel;
use crate::i18n::{pick, t};

#[derive(Deserialize, Clone)]
struct Started {
    #[allow(dead_code)]
    payment: PaymentSummary,
    next: StartPayment,
}

const PROVIDERS: [Provider; 5] = [Provider::Vnpay, Provider::Momo, Provider::Zalopay, Provider::Vietqr, Provider::Paygov];

#[component]
pub fn DossierPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let (refresh, set_refresh) = signal(0u32);
    let detail = LocalResource::new(move || {
        refresh.track();
        let id = id();
        async move { api::get::<DossierDetail>(&format!("/api/dossiers/{}", api::encode(&id))).await }
    });
    let (qr, set_qr) = signal(None::<StartPayment>);
    let (pay_error, set_pay_error) = signal(None::<String>);
    let (busy, set_busy) = signal(false);

    // While a payment is pending (returned from a provider, or a VietQR transfer awaited), ask
    // the ledger again every 3 seconds.
    let handle = set_interval_with_handle(
        move || {
            let pending = detail.get().and_then(|r| r.ok()).is_some_and(|d| {
                d.receipt.is_none() && (d.payments.iter().any(|p| p.status == "pending") || qr.get_untracked().is_some())
            });
            if pending {
                set_refresh.update(|n| *n += 1);
            }
        },
        std::time::Duration::from_secs(3),
    );
    on_cleanup(move || {
        if let Ok(h) = handle {
            h.clear();
        }
    });

    let pay = move |provider: Provider| {
        set_busy.set(true);
        set_pay_error.set(None);
        let id = id();
        // Framed on a portal, the gateway gets a window of its own, opened now while the click
        // still counts as the person's gesture (popup blockers); the frame keeps polling.
        let popup = api::embedded().then(|| window().open_with_url_and_target("about:blank", "_blank").ok().flatten()).flatten();
        leptos::task::spawn_local(async move {
            let body = serde_json::json!({ "provider": provider.as_str() });
            let started: Result<Started, ApiFailure> = api::post_json(&format!("/api/dossiers/{}/payments", api::encode(&id)), &body).await;
            set_busy.set(false);
            match started {
                Ok(Started { next: StartPayment::Redirect { url }, .. }) => match &popup {
                    Some(w) => {
                        let _ = w.location().set_href(&url);
                        set_refresh.update(|n| *n += 1);
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
                    set_refresh.update(|n| *n += 1);
                }
                Err(e) => {
                    if let Some(w) = &popup {
                        let _ = w.close();
                    }
                    set_pay_error.set(Some(e.message))
                }
            }
        });
    };

    view! {
        <section class="page">
            <Transition fallback=|| view! { <p class="muted">{t("Đang tải hồ sơ…", "Loading the dossier…")}</p> }>
                {move || Suspend::new(async move {
                    match detail.await {
                        // The gateway's window opened from a portal's frame comes back here
                        // without that frame's (partitioned) session: the frame shows the result.
                        Err(e) if e.is_unauthorized() && window().opener().is_ok_and(|o| !o.is_null()) => view! {
                            <p role="status">{t(
                                "Đã quay lại từ cổng thanh toán. Kết quả thanh toán hiển thị trên trang của xã; bạn có thể đóng cửa sổ này.",
                                "Back from the payment gateway. The result is shown on the commune's page; you can close this window.",
                            )}</p>
                        }.into_any(),
                        Err(e) if e.is_unauthorized() => view! {
                            <p>{t("Vui lòng ", "Please ")}<a href="/tai-khoan">{t("đăng nhập", "log in")}</a>{t(" để xem hồ sơ.", " to see the dossier.")}</p>
                        }.into_any(),
                        Err(e) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
                        Ok(d) => {
                            let paid = d.receipt.is_some();
                            let payable = d.payable;
                            view! {
                                <h1>{d.summary.procedure_name.clone()}</h1>
                                <p class="code">{t("Mã hồ sơ: ", "Dossier code: ")}<strong>{d.summary.code.clone().unwrap_or_default()}</strong></p>
                                <p class="status" data-status=format!("{:?}", d.summary.status)>
                                    {t("Trạng thái: ", "Status: ")}<strong class="status-label">{pick(d.summary.status_label.clone(), d.summary.status.label_en().into())}</strong>
                                </p>
                                {d.summary.deadline.clone().map(|dl| view! { <p class="muted">{t("Hạn giải quyết: ", "Due by: ")}{date_vn(&dl)}</p> })}
                                {d.fee_notice.clone().map(|n| {
                                    let lines: Vec<(String, i64)> = n.lines.as_array().map(|ls| ls.iter().map(|l| (l["name"].as_str().unwrap_or("").to_string(), l["amount"].as_i64().unwrap_or(0))).collect()).unwrap_or_default();
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
                                        {move || qr.get().and_then(|q| match q {
                                            StartPayment::Qr { svg, bank_bin, account_no, account_name, purpose, .. } => Some(view! {
                                                <VietQrPanel svg=svg bank_bin=bank_bin account_no=account_no account_name=account_name purpose=purpose
                                                    note=t(
                                                        "Quét mã bằng ứng dụng ngân hàng. Giữ nguyên nội dung chuyển khoản; hồ sơ tự cập nhật khi ngân hàng báo đã nhận tiền.",
                                                        "Scan the code with your banking app. Keep the transfer description unchanged; the dossier updates itself when the bank reports the money received.",
                                                    )/>
                                            }),
                                            _ => None,
                                        })}
                                    </section>
                                })}
                                {(!paid && d.payments.iter().any(|p| p.status == "pending")).then(|| view! {
                                    <p class="notice" role="status">{t("Đang chờ xác nhận thanh toán từ ngân hàng, ví điện tử…", "Waiting for the bank or e-wallet to confirm the payment…")}</p>
                                })}
                                {d.payments.first().filter(|p| !paid && p.finished && p.status != "paid").map(|p| view! {
                                    <p class="error" role="alert">{pick(
                                        format!("Lần thanh toán gần nhất: {}. Bạn có thể thanh toán lại.", p.status_label),
                                        format!("Last payment attempt: {}. You can pay again.", payment_status_en(&p.status)),
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
                                                <li>{format!("{} — {} ({}), {}", vnd(r.amount), r.reason, refund_status(&r.status), datetime_vn(&r.created_at))}</li>
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
                                                <li><a href=format!("/api/dossiers/{id}/files/{}", f.id) download=f.name.clone()>{f.name.clone()}</a>
                                                " "<span class="muted">{crate::components::attachments::human_size(f.size as f64)}</span></li>
                                            }).collect_view()}
                                        </ul>
                                    }
                                })}
                                {(!d.results.is_empty()).then(|| view! {
                                    <section aria-label=t("Kết quả giải quyết", "Result")>
                                        <h2>{t("Kết quả giải quyết", "Result")}</h2>
                                        <ul>{d.results.iter().map(|r| view! { <li><a href=r.url.clone() target="_blank" rel="noopener">{r.name.clone()}</a></li> }).collect_view()}</ul>
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
                    }
                })}
            </Transition>
        </section>
    }
}

fn refund_status(status: &str) -> &'static str {
    match status {
        "done" => t("đã hoàn", "refunded"),
        "processing" => t("đang xử lý", "in progress"),
        _ => t("cơ quan sẽ chuyển khoản hoàn lại", "the agency will transfer it back"),
    }
}

/// A payment attempt's status (`pending`, `failed`...) in English; the server sends only the
/// Vietnamese label.
fn payment_status_en(status: &str) -> String {
    serde_json::from_value::<PaymentStatus>(serde_json::Value::from(status)).map(|s| s.label_en().to_string()).unwrap_or_else(|_| status.to_string())
}

/// A timeline step: the server's Vietnamese label, or the domain's English one for its action.
fn timeline_label(vi: String, action: &str) -> String {
    match serde_json::from_value::<DossierAction>(serde_json::Value::from(action)) {
        Ok(a) => pick(vi, a.event_en().to_string()),
        Err(_) => vi,
    }
}
