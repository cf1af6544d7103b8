//! `/nop-tien/:slug`: an agency's payment link (GOV.UK Pay's model) for a charge it collects again
//! and again. The payer types the reference the agency asks for (a contract, a pupil, a plot),
//! their name and number, the amount when the link takes a range, and chooses how to pay; the
//! payment makes a bill, paid and receipted like any other. No account needed.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use motcua_domain::bill::link::{Charge, LinkPaymentInput};
use motcua_domain::bill::{BillView, PayerId, PayerInput, State};
use motcua_domain::gateway::{Provider, StartPayment};

use super::bill::PROVIDERS;
use crate::api::bills::{LinkPayer, LinkPayment, LinkStarted, PublicLink};
use crate::api::{self, ApiFailure};
use crate::components::bill::remember_payer;
use crate::components::form::{Errors, Field};
use crate::components::money::vnd;
use crate::components::vietqr::{page_updates_itself, qr_panel};
use crate::hooks::poll::{use_poll_while_with_options, UsePollWhileOptions, UsePollWhileReturn};
use crate::i18n::{pick, t};

/// `1.000.000`, `1 000 000` or `1000000` đồng as a number.
fn parse_amount(input: &str) -> Option<i64> {
    let digits: String = input.chars().filter(|c| !matches!(c, '.' | ' ' | ',' | '\u{a0}')).collect();
    digits.strip_suffix('đ').unwrap_or(&digits).trim().parse().ok()
}

#[component]
pub fn LinkPaymentPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read_untracked().get("slug").unwrap_or_default();
    let link = RwSignal::new(None::<Result<PublicLink, ApiFailure>>);
    spawn_local(async move {
        link.set(Some(api::bills::link(&slug()).await));
    });
    let (reference, name, id_number, amount) = (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let provider = RwSignal::new(None::<Provider>);
    let errors = RwSignal::new(Errors::default());
    let busy = RwSignal::new(false);
    let qr = RwSignal::new(None::<StartPayment>);
    // The bill the payment made and the payer's number, looked up while the VietQR code shows.
    let made = StoredValue::new((String::new(), String::new()));
    let UsePollWhileReturn { data: bill, set: show_bill, .. } = use_poll_while_with_options(UsePollWhileOptions {
        fetch: move |signal| {
            let (c, p) = made.get_value();
            api::bills::lookup(&c, &p).signal(signal)
        },
        keep_polling: move |b: &BillView| b.state == State::Open && qr.get_untracked().is_some(),
        interval: Duration::from_secs(3),
        immediate: false,
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        errors.set(Errors::default());
        let Some(Ok(PublicLink { link: l, .. })) = link.get_untracked() else { return };
        let range = matches!(l.charge, Charge::Range { .. });
        let typed = amount.get_untracked();
        let amount = match (range, parse_amount(&typed)) {
            (false, _) => None,
            (true, Some(a)) => Some(a),
            (true, None) if typed.trim().is_empty() => return errors.set(Errors { field: Some("amount".into()), message: t("Vui lòng nhập số tiền.", "Please enter the amount.").into() }),
            (true, None) => {
                return errors.set(Errors {
                    field: Some("amount".into()),
                    message: t("Số tiền là số đồng nguyên, ví dụ 150000.", "The amount is a whole number of đồng, e.g. 150000.").into(),
                })
            }
        };
        let input = LinkPaymentInput {
            provider: String::new(),
            reference: reference.get_untracked(),
            payer: PayerInput { name: name.get_untracked(), id_number: id_number.get_untracked(), phone: None },
            amount,
        };
        if let Err(e) = l.take(&input) {
            return errors.set(e.into());
        }
        let Some(p) = provider.get_untracked() else {
            return errors.set(Errors { field: Some("provider".into()), message: t("Vui lòng chọn cách thanh toán.", "Please choose how to pay.").into() });
        };
        let payer_id = PayerId::parse("payer.id_number", &input.payer.id_number).map(|p| p.as_str().to_string()).unwrap_or_default();
        busy.set(true);
        spawn_local(async move {
            let body = LinkPayment {
                provider: p.as_str(),
                reference: input.reference.trim(),
                payer: LinkPayer { name: input.payer.name.trim(), id_number: &payer_id },
                amount,
            };
            let answer = api::bills::pay_link(&l.slug, &body).await;
            busy.set(false);
            match answer {
                Ok(LinkStarted { bill, next, .. }) => {
                    // The provider returns to /nop-phi?ma=<code>: that page finds the number here.
                    remember_payer(&bill.code, &payer_id);
                    made.set_value((bill.code.clone(), payer_id));
                    match next {
                        StartPayment::Redirect { url } => {
                            let _ = window().location().set_href(&url);
                        }
                        next => {
                            qr.set(Some(next));
                            show_bill.run(bill);
                        }
                    }
                }
                Err(e) => errors.set(e.into()),
            }
        });
    };

    let error_at = move |field: &'static str| move || errors.read().at(field);
    view! {
        <section class="page link-payment">
            {move || match link.get() {
                None => view! { <p class="muted">{t("Đang tải…", "Loading…")}</p> }.into_any(),
                Some(Err(e)) if e.status == 404 => view! {
                    <h1>{t("Nộp tiền trực tuyến", "Pay online")}</h1>
                    <p class="error" role="alert">{t(
                        "Không tìm thấy đường dẫn nộp tiền này, hoặc cơ quan đã ngừng nhận nộp qua đường dẫn này.",
                        "This payment link does not exist, or the agency no longer takes payments through it.",
                    )}</p>
                }.into_any(),
                Some(Err(e)) => view! {
                    <h1>{t("Nộp tiền trực tuyến", "Pay online")}</h1>
                    <p class="error" role="alert">{e.message}</p>
                }.into_any(),
                Some(Ok(PublicLink { link: l, agency_name })) => {
                    let range = match l.charge {
                        Charge::Range { min, max } => Some((min, max)),
                        Charge::Fixed { .. } => None,
                    };
                    let label = l.reference_label.clone();
                    view! {
                        <h1>{l.title.clone()}</h1>
                        {(!agency_name.is_empty()).then(|| view! { <p class="muted">{t("Cơ quan thu: ", "Collecting agency: ")}{agency_name.clone()}</p> })}
                        {(!l.description.is_empty()).then(|| view! { <p class="link-description">{l.description.clone()}</p> })}
                        {match l.charge {
                            Charge::Fixed { amount } => view! { <p>{t("Số tiền: ", "Amount: ")}<strong class="fee-total">{vnd(amount)}</strong></p> }.into_any(),
                            Charge::Range { min, max } => view! { <p>{pick(format!("Số tiền từ {} đến {}.", vnd(min), vnd(max)), format!("Amount from {} to {}.", vnd(min), vnd(max)))}</p> }.into_any(),
                        }}
                        {move || qr.get().is_none().then(|| {
                            let label = label.clone();
                            view! {
                                <form class="link-form" novalidate on:submit=submit>
                                    <label class="field" for="f-reference">
                                        <span>{label}</span>
                                        <input id="f-reference" name="reference" type="text" autocomplete="off" aria-describedby="e-reference"
                                            aria-invalid=move || errors.read().at("reference").is_some().to_string()
                                            prop:value=reference on:input=move |ev| reference.set(event_target_value(&ev))/>
                                        <span class="field-error" id="e-reference" role="alert">{error_at("reference")}</span>
                                    </label>
                                    <Field label=t("Họ và tên người nộp", "Payer's full name") name="payer.name" value=name errors=errors autocomplete="name"/>
                                    <Field label=t("Số CCCD hoặc mã số thuế của người nộp", "Payer's citizen ID or tax code") name="payer.id_number" value=id_number errors=errors inputmode="numeric" autocomplete="off"/>
                                    {range.map(|(min, max)| view! {
                                        <Field label=t("Số tiền (đồng)", "Amount (đồng)") name="amount" value=amount errors=errors inputmode="numeric" autocomplete="off"
                                            hint=Signal::derive(move || Some(pick(format!("Từ {} đến {}", vnd(min), vnd(max)), format!("From {} to {}", vnd(min), vnd(max)))))/>
                                    })}
                                    <fieldset aria-describedby="e-provider">
                                        <legend>{t("Cách thanh toán", "How to pay")}</legend>
                                        {PROVIDERS.into_iter().map(|p| {
                                            let id = format!("provider-{}", p.as_str());
                                            let label_for = id.clone();
                                            view! {
                                                <label class="check" for=label_for>
                                                    <input type="radio" id=id name="provider" value=p.as_str()
                                                        prop:checked=move || provider.get() == Some(p) on:change=move |_| provider.set(Some(p))/>
                                                    <span>{t(p.label(), p.label_en())}</span>
                                                </label>
                                            }
                                        }).collect_view()}
                                        <span class="field-error" id="e-provider" role="alert">{error_at("provider")}</span>
                                    </fieldset>
                                    {move || errors.read().general().map(|m| view! { <p class="error" role="alert">{m}</p> })}
                                    <button type="submit" disabled=move || busy.get()>{t("Thanh toán", "Pay")}</button>
                                </form>
                            }
                        })}
                    }.into_any()
                }
            }}
            {move || bill.get().and_then(|b| b.ok()).map(|b| {
                let href = format!("/nop-phi?ma={}", api::encode(&b.code));
                view! {
                    <p>{t("Mã khoản nộp: ", "Bill code: ")}<strong class="bill-code ref">{b.code.clone()}</strong>" "
                        <a href=href>{t("Theo dõi khoản nộp", "Follow this bill")}</a></p>
                    {(b.state == State::Paid).then(|| view! { <p class="paid" role="status">{t("Đã nộp", "Paid")}</p> })}
                    {b.receipt.clone().map(|r| view! { <p><a href=r.url rel="external">{t("Xem biên lai điện tử", "See the electronic receipt")}</a></p> })}
                }
            })}
            {move || qr.get().filter(|_| bill.with(|b| !matches!(b, Some(Ok(b)) if b.state != State::Open))).and_then(|q| qr_panel(q, page_updates_itself()))}
        </section>
    }
}
