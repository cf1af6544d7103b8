//! `/nop-phi`: "Tra cứu và nộp khoản phải nộp". Anyone holding a bill's code (printed on the
//! fine decision or the tax notice) and the payer's number looks the bill up — no account
//! needed — and pays it through the same providers as a dossier's fees. Coming back from a
//! provider (`?ma=<code>&thanh-toan=<reference>`), the page looks the bill up again with the
//! number kept in this tab and asks a few more times until the ledger says it is paid (never
//! because the return URL says so).

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use motcua_domain::bill::{BillCode, BillView, PayerId, State};
use motcua_domain::gateway::{Provider, StartPayment};

use crate::api::{self, payments::Started};
use crate::components::bill::{remember_payer, remembered_payer, BillFacts};
use crate::components::dates::date_vn;
use crate::components::form::{Errors, Field};
use crate::components::vietqr::{page_updates_itself, qr_panel};
use crate::hooks::poll::{use_poll_while_with_options, UsePollWhileOptions, UsePollWhileReturn};
use crate::i18n::{pick, t};

pub const PROVIDERS: [Provider; 5] = [Provider::Vnpay, Provider::Momo, Provider::Zalopay, Provider::Vietqr, Provider::Paygov];

/// How many times the page asks again after a provider's return before it stops and shows what
/// the ledger said last (3 s apart: a minute).
const RETURN_POLLS: u32 = 20;

#[component]
pub fn BillPage() -> impl IntoView {
    let query = use_query_map();
    let navigate = use_navigate();
    let start_code = query.get_untracked().get("ma").unwrap_or_default();
    let returned = query.get_untracked().get("thanh-toan").is_some();
    let remembered = remembered_payer(&start_code);
    // Back from a provider in a tab that does not know the payer's number (another tab, or
    // storage off): the number is asked again.
    let needs_number = returned && remembered.is_none();
    let code = RwSignal::new(start_code.clone());
    let payer_id = RwSignal::new(remembered.clone().unwrap_or_default());
    let errors = RwSignal::new(Errors::default());
    // The code and number of the bill shown (what the polls and the payment use).
    let looked = StoredValue::new((String::new(), String::new()));
    let qr = RwSignal::new(None::<StartPayment>);
    let pay_error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let polls_left = StoredValue::new(if returned { RETURN_POLLS } else { 0 });

    // Asks again every 3 seconds while a VietQR code is shown or the payer just came back from
    // a provider, until the bill is no longer open.
    let UsePollWhileReturn { data, refetch, .. } = use_poll_while_with_options(UsePollWhileOptions {
        fetch: move |signal| {
            let (c, p) = looked.get_value();
            api::bills::lookup(&c, &p).signal(signal)
        },
        keep_polling: move |b: &BillView| {
            if b.state != State::Open {
                return false;
            }
            if qr.get_untracked().is_some() {
                return true;
            }
            let left = polls_left.get_value();
            polls_left.set_value(left.saturating_sub(1));
            left > 0
        },
        interval: Duration::from_secs(3),
        immediate: false,
    });
    // A refused look-up shows at its field (or above the form).
    Effect::new(move |_| {
        if let Some(Err(e)) = data.get() {
            errors.set(e.into());
        }
    });
    let bill = Memo::new(move |_| data.with(|d| d.as_ref().and_then(|r| r.as_ref().ok()).cloned()));

    let look_up = move |c: String, p: String| {
        remember_payer(&c, &p);
        looked.set_value((c, p));
        qr.set(None);
        pay_error.set(None);
        refetch.run(());
    };
    if let (false, Some(p)) = (start_code.is_empty(), remembered) {
        look_up(start_code.to_uppercase(), p);
    }

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        errors.set(Errors::default());
        let c = match BillCode::parse("code", &code.get_untracked()) {
            Ok(c) => c.to_string(),
            Err(e) => return errors.set(e.into()),
        };
        let p = match PayerId::parse("payer_id", &payer_id.get_untracked()) {
            Ok(p) => p.as_str().to_string(),
            Err(e) => return errors.set(e.into()),
        };
        polls_left.set_value(0);
        // The address names the bill, so a reload (or the provider's return) finds it again.
        navigate(&format!("/nop-phi?ma={}", api::encode(&c)), NavigateOptions { replace: true, scroll: false, ..Default::default() });
        look_up(c, p);
    };

    let pay = move |provider: Provider| {
        let (c, p) = looked.get_value();
        busy.set(true);
        pay_error.set(None);
        spawn_local(async move {
            let started = api::bills::pay(&c, provider, &p).await;
            busy.set(false);
            match started {
                Ok(Started { next: StartPayment::Redirect { url }, .. }) => {
                    let _ = window().location().set_href(&url);
                }
                Ok(Started { next, .. }) => {
                    qr.set(Some(next));
                    refetch.run(());
                }
                Err(e) => {
                    // Paid, cancelled or expired meanwhile: show the bill as it is now.
                    if e.status == 409 {
                        refetch.run(());
                    }
                    pay_error.set(Some(e.message));
                }
            }
        });
    };

    view! {
        <section class="page bill-page">
            <h1>{t("Tra cứu và nộp khoản phải nộp", "Look up and pay a bill")}</h1>
            <p class="muted">{t(
                "Tiền phạt vi phạm hành chính, nghĩa vụ tài chính về đất đai, bảo hiểm và các khoản thu khác. Nhập mã khoản phải nộp in trên quyết định hoặc thông báo, cùng số định danh của người nộp.",
                "Administrative fines, land obligations, insurance and other charges. Enter the bill code printed on the decision or notice, and the payer's identification number.",
            )}</p>
            {move || (needs_number && bill.read().is_none()).then(|| view! {
                <p class="notice" role="status">{t(
                    "Đã quay lại từ cổng thanh toán. Nhập số định danh của người nộp để xem kết quả.",
                    "Back from the payment gateway. Enter the payer's identification number to see the result.",
                )}</p>
            })}
            <form class="bill-lookup" novalidate on:submit=submit>
                <Field label=t("Mã khoản phải nộp", "Bill code") name="code" value=code errors=errors autocomplete="off"
                    hint=Signal::derive(|| Some(t("Ví dụ: 000.00.08.H23-P261206-0001", "For example: 000.00.08.H23-P261206-0001").to_string()))/>
                <Field label=t("Số CCCD hoặc mã số thuế của người nộp", "Payer's citizen ID or tax code") name="payer_id" value=payer_id errors=errors
                    inputmode="numeric" autocomplete="off"/>
                {move || errors.read().general().map(|m| view! { <p class="error" role="alert">{m}</p> })}
                <button type="submit">{t("Tra cứu", "Look up")}</button>
            </form>
            {move || bill.get().map(|b| {
                let open = b.state == State::Open;
                let payable = open && b.payable_online == Some(true);
                view! {
                    <section class="bill" aria-labelledby="bill-title">
                        <h2 id="bill-title">{crate::components::bill::kind_label(&b)}</h2>
                        <BillFacts bill=b.clone()/>
                        {b.receipt.clone().map(|r| view! {
                            <p class="paid" role="status">{t("Đã nộp", "Paid")}</p>
                            <p class="bill-receipt">
                                {pick(format!("Biên lai số {}. ", r.number), format!("Receipt no. {}. ", r.number))}
                                <a href=r.url.clone() rel="external">{t("Xem biên lai điện tử", "See the electronic receipt")}</a>
                            </p>
                        })}
                        {(b.receipt.is_none() && b.state == State::Paid).then(|| view! {
                            <p class="paid" role="status">{t("Đã nộp", "Paid")}</p>
                        })}
                        {(b.state == State::Cancelled).then(|| view! {
                            <p class="notice" role="status">{t("Khoản này đã được cơ quan hủy.", "The agency cancelled this bill.")}
                                {b.cancel_reason.clone().map(|r| pick(format!(" Lý do: {r}"), format!(" Reason: {r}")))}</p>
                        })}
                        {(b.state == State::Expired).then(|| view! {
                            <p class="notice" role="status">{pick(
                                format!("Khoản này đã quá hạn nộp ({}), không nộp trực tuyến được nữa. Vui lòng liên hệ {}.", date_vn(&b.due_date), b.agency_name),
                                format!("This bill is past its due date ({}) and can no longer be paid online. Please contact {}.", date_vn(&b.due_date), b.agency_name),
                            )}</p>
                        })}
                        {(open && b.payable_online == Some(false)).then(|| view! {
                            <p class="notice" role="status">{t(
                                "Cơ quan chưa nhận nộp trực tuyến khoản này. Vui lòng nộp tại cơ quan hoặc Kho bạc Nhà nước.",
                                "The agency does not take this bill online yet. Please pay it at the agency or the State Treasury.",
                            )}</p>
                        })}
                        {payable.then(|| view! {
                            <section class="pay" aria-labelledby="pay-title">
                                <h2 id="pay-title">{t("Nộp trực tuyến", "Pay online")}</h2>
                                <div class="providers">
                                    {PROVIDERS.into_iter().map(|p| view! {
                                        <button type="button" disabled=move || busy.get() on:click=move |_| pay(p)>{t(p.label(), p.label_en())}</button>
                                    }).collect_view()}
                                </div>
                            </section>
                        })}
                    </section>
                }
            })}
            {move || pay_error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            {move || bill.get().filter(|b| b.state == State::Open).and(qr.get()).and_then(|q| qr_panel(q, page_updates_itself()))}
        </section>
    }
}
