//! The desk's form for a new bill: the kind, the payer, the document it comes from (a fine's
//! violation as written in the decision), its lines (added and removed at will, each with where
//! the money goes) and the due date. Checked with the domain's own rules before sending, so a
//! mistake shows at its field at once; the server's refusals show at the same fields.

use leptos::prelude::*;
use leptos::task::spawn_local;
use motcua_domain::bill::{BillView, DocumentInput, Kind, LineInput, NewBillInput, PayerInput};

use super::today_vn;
use crate::api;
use crate::api::bills::{NewDocument, NewLine, NewPayer};
use crate::components::form::{Errors, Field};

#[derive(Clone, Copy)]
struct LineRow {
    key: u32,
    name: RwSignal<String>,
    amount: RwSignal<String>,
    beneficiary: RwSignal<String>,
    budget_item: RwSignal<String>,
}

impl LineRow {
    fn new(key: u32) -> Self {
        LineRow {
            key,
            name: RwSignal::new(String::new()),
            amount: RwSignal::new(String::new()),
            beneficiary: RwSignal::new(String::new()),
            budget_item: RwSignal::new(String::new()),
        }
    }
}

/// `150.000`, `150 000` or `150000` as whole đồng.
pub fn parse_dong(input: &str) -> Option<i64> {
    let digits: String = input.chars().filter(|c| !matches!(c, '.' | ' ' | ',' | '\u{a0}')).collect();
    digits.parse().ok()
}

fn some(s: &str) -> Option<&str> {
    Some(s.trim()).filter(|s| !s.is_empty())
}

#[component]
pub fn NewBill(agency: RwSignal<String>, on_created: Callback<BillView>) -> impl IntoView {
    let kind = RwSignal::new(Kind::Fine.as_str().to_string());
    let (payer_name, payer_id, payer_phone) = (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let (doc_number, doc_date, violation, issued_by) =
        (RwSignal::new(String::new()), RwSignal::new(today_vn()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let due_date = RwSignal::new(String::new());
    let next_key = StoredValue::new(1u32);
    let lines = RwSignal::new(vec![LineRow::new(0)]);
    let errors = RwSignal::new(Errors::default());
    let busy = RwSignal::new(false);
    let is_fine = move || kind.get() == Kind::Fine.as_str();

    let add_line = move |_| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        lines.update(|l| l.push(LineRow::new(key)));
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        errors.set(Errors::default());
        let rows = lines.get_untracked();
        let mut amounts = Vec::new();
        for (i, l) in rows.iter().enumerate() {
            match parse_dong(&l.amount.get_untracked()) {
                Some(a) => amounts.push(a),
                None => {
                    return errors.set(Errors {
                        field: Some(format!("lines.{i}.amount")),
                        message: "Số tiền là số đồng nguyên, ví dụ 1500000.".into(),
                    })
                }
            }
        }
        let text = |s: RwSignal<String>| s.get_untracked();
        let fine = kind.get_untracked() == Kind::Fine.as_str();
        let input = NewBillInput {
            kind: kind.get_untracked(),
            agency: agency.get_untracked(),
            payer: PayerInput { name: text(payer_name), id_number: text(payer_id), phone: Some(text(payer_phone)) },
            document: DocumentInput {
                number: text(doc_number),
                date: text(doc_date),
                violation: fine.then(|| text(violation)),
                issued_by: Some(text(issued_by)),
            },
            lines: rows
                .iter()
                .zip(&amounts)
                .map(|(l, a)| LineInput {
                    name: l.name.get_untracked(),
                    amount: *a,
                    beneficiary: some(&l.beneficiary.get_untracked()).map(str::to_string),
                    budget_item: some(&l.budget_item.get_untracked()).map(str::to_string),
                })
                .collect(),
            due_date: text(due_date),
        };
        let today = motcua_domain::calendar::parse_iso_date("today", &today_vn()).ok();
        if let Some(today) = today {
            if let Err(e) = input.validate(today) {
                return errors.set(e.into());
            }
        }
        let body = api::bills::NewBill {
            kind: &input.kind,
            agency: &input.agency,
            payer: NewPayer {
                name: input.payer.name.trim(),
                id_number: input.payer.id_number.trim(),
                phone: input.payer.phone.as_deref().and_then(some),
            },
            document: NewDocument {
                number: input.document.number.trim(),
                date: input.document.date.trim(),
                violation: input.document.violation.as_deref().and_then(some),
                issued_by: input.document.issued_by.as_deref().and_then(some),
            },
            lines: input
                .lines
                .iter()
                .map(|l| NewLine { name: l.name.trim().to_string(), amount: l.amount, beneficiary: l.beneficiary.clone(), budget_item: l.budget_item.clone() })
                .collect(),
            due_date: input.due_date.trim(),
        };
        let call = api::bills::create(&body);
        busy.set(true);
        spawn_local(async move {
            let answer = call.await;
            busy.set(false);
            match answer {
                Ok(b) => {
                    for s in [payer_name, payer_id, payer_phone, doc_number, violation, issued_by, due_date] {
                        s.set(String::new());
                    }
                    lines.set(vec![LineRow::new(next_key.get_value())]);
                    next_key.update_value(|k| *k += 1);
                    on_created.run(b);
                }
                Err(e) => errors.set(e.into()),
            }
        });
    };

    let at = move |field: String| move || errors.read().at(&field);
    view! {
        <form class="admin-form bill-form" aria-labelledby="new-bill-title" novalidate on:submit=submit>
            <h2 id="new-bill-title">"Tạo khoản phải nộp"</h2>
            <label class="field" for="f-kind">
                <span>"Loại khoản phải nộp"</span>
                <select id="f-kind" aria-describedby="e-kind" prop:value=kind on:change=move |ev| kind.set(event_target_value(&ev))>
                    {Kind::STANDALONE.into_iter().map(|k| view! { <option value=k.as_str() selected={k == Kind::Fine}>{k.label_vi()}</option> }).collect_view()}
                </select>
                <span class="field-error" id="e-kind" role="alert">{at("kind".into())}</span>
            </label>
            {move || errors.read().at("agency").map(|m| view! { <p class="error" role="alert">{m}</p> })}
            <fieldset>
                <legend>"Người nộp"</legend>
                <Field label="Họ và tên người nộp (hoặc tên tổ chức)" name="payer.name" value=payer_name errors=errors autocomplete="off"/>
                <Field label="Số CCCD hoặc mã số thuế" name="payer.id_number" value=payer_id errors=errors inputmode="numeric" autocomplete="off"/>
                <Field label="Số điện thoại (nhận tin nhắn, không bắt buộc)" name="payer.phone" value=payer_phone errors=errors kind="tel" inputmode="tel" autocomplete="off"/>
            </fieldset>
            <fieldset>
                <legend>{move || if is_fine() { "Quyết định xử phạt" } else { "Văn bản (thông báo, quyết định)" }}</legend>
                <Field label="Số văn bản" name="document.number" value=doc_number errors=errors autocomplete="off"/>
                <Field label="Ngày ban hành" name="document.date" value=doc_date errors=errors kind="date"/>
                {move || is_fine().then(|| view! {
                    <label class="field" for="f-document-violation">
                        <span>"Hành vi vi phạm (như ghi trong quyết định)"</span>
                        <textarea id="f-document-violation" rows="2" maxlength="500" aria-describedby="e-document-violation"
                            aria-invalid=move || errors.read().at("document.violation").is_some().to_string()
                            prop:value=violation on:input=move |ev| violation.set(event_target_value(&ev))></textarea>
                        <span class="field-error" id="e-document-violation" role="alert">{at("document.violation".into())}</span>
                    </label>
                })}
                // A fine decision names who imposed it (Luật XLVPHC Đ68); other documents may.
                {move || if is_fine() {
                    view! { <Field label="Người ra quyết định xử phạt (họ tên, chức vụ)" name="document.issued_by" value=issued_by errors=errors autocomplete="off"/> }.into_any()
                } else {
                    view! { <Field label="Người ký (không bắt buộc)" name="document.issued_by" value=issued_by errors=errors autocomplete="off"/> }.into_any()
                }}
            </fieldset>
            <fieldset>
                <legend>"Các khoản"</legend>
                <span class="field-error" id="e-lines" role="alert">{at("lines".into())}</span>
                <For
                    each=move || lines.get()
                    key=|l| l.key
                    children=move |l: LineRow| {
                        let index = Memo::new(move |_| lines.with(|ls| ls.iter().position(|x| x.key == l.key).unwrap_or(0)));
                        let id = move |what: &str| format!("line-{}-{what}", l.key);
                        let err = move |what: &'static str| move || errors.read().at(&format!("lines.{}.{what}", index.get()));
                        let invalid = move |what: &'static str| move || errors.read().at(&format!("lines.{}.{what}", index.get())).is_some().to_string();
                        view! {
                            <div class="bill-line" role="group" aria-label=move || format!("Khoản {}", index.get() + 1)>
                                <p class="bill-line-title">{move || format!("Khoản {}", index.get() + 1)}</p>
                                <label class="field" for=id("name")>
                                    <span>"Nội dung khoản"</span>
                                    <input id=id("name") type="text" autocomplete="off" aria-describedby=format!("e-{}", id("name"))
                                        aria-invalid=invalid("name") prop:value=l.name on:input=move |ev| l.name.set(event_target_value(&ev))/>
                                    <span class="field-error" id=format!("e-{}", id("name")) role="alert">{err("name")}</span>
                                </label>
                                <label class="field" for=id("amount")>
                                    <span>"Số tiền (đồng)"</span>
                                    <input id=id("amount") type="text" inputmode="numeric" autocomplete="off" aria-describedby=format!("e-{}", id("amount"))
                                        aria-invalid=invalid("amount") prop:value=l.amount on:input=move |ev| l.amount.set(event_target_value(&ev))/>
                                    <span class="field-error" id=format!("e-{}", id("amount")) role="alert">{err("amount")}</span>
                                </label>
                                <label class="field" for=id("beneficiary")>
                                    <span>"Nơi nhận tiền"</span>
                                    <select id=id("beneficiary") aria-describedby=format!("e-{}", id("beneficiary"))
                                        prop:value=l.beneficiary on:change=move |ev| l.beneficiary.set(event_target_value(&ev))>
                                        <option value="">"Theo loại khoản (mặc định)"</option>
                                        <option value="ngan_sach">"Ngân sách nhà nước (Kho bạc Nhà nước)"</option>
                                        <option value="co_quan">"Tài khoản của cơ quan thu"</option>
                                    </select>
                                    <span class="field-error" id=format!("e-{}", id("beneficiary")) role="alert">{err("beneficiary")}</span>
                                </label>
                                <label class="field" for=id("budget_item")>
                                    <span>"Tiểu mục ngân sách (4 chữ số, không bắt buộc)"</span>
                                    <input id=id("budget_item") type="text" inputmode="numeric" autocomplete="off" aria-describedby=format!("e-{}", id("budget_item"))
                                        aria-invalid=invalid("budget_item") prop:value=l.budget_item on:input=move |ev| l.budget_item.set(event_target_value(&ev))/>
                                    <span class="field-error" id=format!("e-{}", id("budget_item")) role="alert">{err("budget_item")}</span>
                                </label>
                                {move || (lines.read().len() > 1).then(|| view! {
                                    <button type="button" class="secondary" on:click=move |_| lines.update(|ls| ls.retain(|x| x.key != l.key))>
                                        {move || format!("Bỏ khoản {}", index.get() + 1)}
                                    </button>
                                })}
                            </div>
                        }
                    }
                />
                <button type="button" class="secondary" on:click=add_line>"Thêm khoản"</button>
            </fieldset>
            <Field label="Hạn nộp" name="due_date" value=due_date errors=errors kind="date"/>
            {move || errors.read().general().map(|m| view! { <p class="error" role="alert">{m}</p> })}
            <button type="submit" disabled=move || busy.get()>{move || if busy.get() { "Đang tạo…" } else { "Tạo khoản phải nộp" }}</button>
        </form>
    }
}
