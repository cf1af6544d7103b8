//! `/thanh-toan/:token`: the page a walk-in citizen opens from the SMS the desk sent. No account
//! is needed: the signed link grants paying this one dossier's fee notice, for 24 hours. It shows
//! only the dossier code, the procedure, the amounts and the payer's initials. Paid this way the
//! dossier counts as paid online.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use motcua_domain::gateway::{Provider, StartPayment};

use crate::api::{self, payments::Started};
use crate::components::money::vnd;
use crate::components::receipt::Receipt;
use crate::hooks::poll::{use_poll_while, UsePollWhileReturn};
use crate::i18n::{pick, t};

const PROVIDERS: [Provider; 4] = [Provider::Vnpay, Provider::Momo, Provider::Zalopay, Provider::Vietqr];

#[component]
pub fn PayLinkPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read_untracked().get("token").unwrap_or_default();
    let qr = RwSignal::new(None::<StartPayment>);
    let error = RwSignal::new(None::<String>);
    // While a VietQR code is shown and the fee is still open, ask again every 3 seconds.
    let UsePollWhileReturn { data, refetch, .. } = use_poll_while(
        move |signal| api::pay_links::view(&token()).signal(signal),
        move |d| d.payable && qr.get_untracked().is_some(),
        Duration::from_secs(3),
    );
    let pay = move |p: Provider| {
        let t = token();
        error.set(None);
        spawn_local(async move {
            match api::pay_links::start(&t, p).await {
                Ok(Started { next: StartPayment::Redirect { url }, .. }) => {
                    let _ = window().location().set_href(&url);
                }
                Ok(s) => {
                    qr.set(Some(s.next));
                    refetch.run(());
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    view! {
        <section class="page">
            <h1>{t("Thanh toán phí, lệ phí", "Pay fees and charges")}</h1>
            {move || match data.get() {
                None => view! { <p class="muted">{t("Đang tải…", "Loading…")}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
                Some(Ok(d)) => view! {
                    <dl class="facts">
                        <dt>{t("Mã hồ sơ", "Dossier code")}</dt><dd>{d.dossier_code.clone().unwrap_or_default()}</dd>
                        <dt>{t("Thủ tục", "Procedure")}</dt><dd class="clamp-2" title=d.procedure_name.clone()>{d.procedure_name.clone()}</dd>
                        <dt>{t("Cơ quan", "Agency")}</dt><dd>{d.agency_name.clone()}</dd>
                        <dt>{t("Người nộp", "Submitted by")}</dt><dd>{d.payer.clone()}</dd>
                        <dt>{t("Trạng thái", "Status")}</dt><dd class="status-label">{match d.status {
                            Some(s) => pick(d.status_label.clone(), s.label_en().into()),
                            None => d.status_label.clone(),
                        }}</dd>
                    </dl>
                    {d.fee_notice.clone().map(|n| view! { <p>{t("Số tiền cần thanh toán: ", "Amount to pay: ")}<strong class="fee-total">{vnd(n.total)}</strong></p> })}
                    {d.payable.then(|| view! {
                        <div class="providers">
                            {PROVIDERS.into_iter().map(|p| view! { <button type="button" on:click=move |_| pay(p)>{t(p.label(), p.label_en())}</button> }).collect_view()}
                        </div>
                    })}
                    {d.receipt.clone().map(|r| view! { <p class="paid" role="status">{t("Đã thanh toán", "Paid")}</p><Receipt receipt=r/> })}
                }.into_any(),
            }}
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            {move || qr.get().and_then(|q| match q {
                StartPayment::Qr { svg, account_no, account_name, purpose, .. } => Some(view! {
                    <div class="vietqr">
                        <div class="qr" inner_html=svg role="img" aria-label=t("Mã VietQR để chuyển khoản", "VietQR code for the bank transfer")></div>
                        <dl class="facts">
                            <dt>{t("Số tài khoản", "Account number")}</dt><dd>{account_no}</dd>
                            <dt>{t("Chủ tài khoản", "Account holder")}</dt><dd>{account_name}</dd>
                            <dt>{t("Nội dung chuyển khoản", "Transfer description")}</dt><dd><strong>{purpose}</strong></dd>
                        </dl>
                    </div>
                }),
                _ => None,
            })}
        </section>
    }
}
