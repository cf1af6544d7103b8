//! Where one agency's money goes, on the admin page: its beneficiary accounts by purpose (phí to
//! the agency's collection account; lệ phí to the State Treasury, with mã KBNN, chương and
//! tiểu mục) and its merchant at each payment provider. Merchant secrets are write-only: their
//! inputs start empty, are cleared once saved, and a stored one is shown only by its length.
//! Each section is rebuilt when another agency is chosen, so nothing typed for one agency is
//! ever sent for another.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use motcua_domain::beneficiary::{Account, AccountInput, AccountsInput, Purpose};
use motcua_domain::gateway::Provider;

use crate::api::admin::{AgencyAccounts, GatewayView};
use crate::api::{self, ApiFailure};
use crate::components::form::{Errors, Field};

/// One purpose's form; every account is sent alone, so the server names its fields
/// `accounts.0.*`.
#[derive(Clone, Copy)]
struct AccountForm {
    purpose: Purpose,
    holder_name: RwSignal<String>,
    treasury_code: RwSignal<String>,
    bank_bin: RwSignal<String>,
    account_number: RwSignal<String>,
    account_name: RwSignal<String>,
    chapter: RwSignal<String>,
    /// The budget item of the whole purpose (key `le_phi` or `phi`).
    budget_item: RwSignal<String>,
    /// Budget items of single fee lines, `code = NNNN` a line.
    budget_lines: RwSignal<String>,
    stored: RwSignal<bool>,
    errors: RwSignal<Errors>,
    done: RwSignal<String>,
}

impl AccountForm {
    fn new(purpose: Purpose) -> Self {
        let s = || RwSignal::new(String::new());
        AccountForm {
            purpose,
            holder_name: s(),
            treasury_code: s(),
            bank_bin: s(),
            account_number: s(),
            account_name: s(),
            chapter: s(),
            budget_item: s(),
            budget_lines: s(),
            stored: RwSignal::new(false),
            errors: RwSignal::new(Errors::default()),
            done: s(),
        }
    }

    fn fill(&self, a: Option<&Account>) {
        let text = |o: Option<&String>| o.cloned().unwrap_or_default();
        self.stored.set(a.is_some());
        self.holder_name.set(text(a.map(|a| &a.holder_name)));
        self.treasury_code.set(text(a.and_then(|a| a.treasury_code.as_ref())));
        self.bank_bin.set(text(a.map(|a| &a.bank_bin)));
        self.account_number.set(text(a.map(|a| &a.account_number)));
        self.account_name.set(text(a.map(|a| &a.account_name)));
        self.chapter.set(text(a.and_then(|a| a.chapter.as_ref())));
        let items = a.map(|a| a.budget_items.clone()).unwrap_or_default();
        self.budget_item.set(items.get(self.purpose.as_str()).cloned().unwrap_or_default());
        self.budget_lines.set(
            items.iter().filter(|(k, _)| k.as_str() != self.purpose.as_str()).map(|(k, v)| format!("{k} = {v}")).collect::<Vec<_>>().join("\n"),
        );
    }

    /// The account as typed, or the line of the per-fee-line budget items that cannot be read.
    fn input(&self) -> Result<AccountInput, Errors> {
        let mut budget_items = BTreeMap::new();
        let item = self.budget_item.get_untracked();
        if !item.trim().is_empty() {
            budget_items.insert(self.purpose.as_str().to_string(), item.trim().to_string());
        }
        for (n, line) in self.budget_lines.get_untracked().lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match line.rsplit_once(['=', ':']) {
                Some((code, item)) if !code.trim().is_empty() => {
                    budget_items.insert(code.trim().to_string(), item.trim().to_string());
                }
                _ => {
                    return Err(Errors {
                        field: Some("accounts.0.budget_items".into()),
                        message: format!("Dòng {}: mỗi dòng có dạng \"mã khoản thu = tiểu mục\".", n + 1),
                    })
                }
            }
        }
        Ok(AccountInput {
            purpose: self.purpose.as_str().to_string(),
            holder_name: self.holder_name.get_untracked(),
            treasury_code: self.treasury_code.get_untracked(),
            bank_bin: self.bank_bin.get_untracked(),
            account_number: self.account_number.get_untracked(),
            account_name: self.account_name.get_untracked(),
            chapter: self.chapter.get_untracked(),
            budget_items,
        })
    }
}

/// The purpose's title, as the section heading says it.
fn purpose_title(p: Purpose) -> &'static str {
    match p {
        Purpose::Phi => "Phí — tài khoản thu phí của cơ quan",
        Purpose::LePhi => "Lệ phí — tài khoản Kho bạc Nhà nước",
    }
}

/// "Tài khoản thụ hưởng": both purposes of `agency`, each saved on its own.
#[component]
pub fn AgencyAccounts(agency: String) -> impl IntoView {
    let loaded = RwSignal::new(None::<Result<AgencyAccounts, ApiFailure>>);
    let forms = [AccountForm::new(Purpose::Phi), AccountForm::new(Purpose::LePhi)];
    let show = move |a: &AgencyAccounts| {
        for f in forms {
            f.fill(a.accounts.iter().find(|x| x.purpose == f.purpose));
        }
    };
    {
        let agency = agency.clone();
        spawn_local(async move {
            let answer = api::admin::accounts(&agency).await;
            if let Ok(a) = &answer {
                show(a);
            }
            loaded.set(Some(answer));
        });
    }
    let agency = StoredValue::new(agency);
    let save = move |f: AccountForm| {
        f.errors.set(Errors::default());
        f.done.set(String::new());
        let input = match f.input() {
            Ok(i) => i,
            Err(e) => return f.errors.set(e),
        };
        let call = api::admin::put_accounts(&agency.get_value(), &AccountsInput { accounts: vec![input] });
        spawn_local(async move {
            match call.await {
                Ok(a) => {
                    show(&a);
                    f.done.set(match f.purpose {
                        Purpose::Phi => "Đã lưu tài khoản thu phí.".into(),
                        Purpose::LePhi => "Đã lưu tài khoản Kho bạc nhận lệ phí.".into(),
                    });
                }
                Err(e) => f.errors.set(e.into()),
            }
        });
    };

    view! {
        <section class="money-section" aria-labelledby="accounts-title">
            <h2 id="accounts-title">"Tài khoản thụ hưởng"</h2>
            <p class="muted">"Phí nộp vào tài khoản thu phí của cơ quan; lệ phí nộp đủ vào Kho bạc Nhà nước theo chương, tiểu mục của mục lục ngân sách. Khoản thu chưa có tài khoản thụ hưởng thì chưa thanh toán trực tuyến được."</p>
            {move || match loaded.get() {
                None => Some(view! { <p class="muted">"Đang tải tài khoản…"</p> }.into_any()),
                Some(Err(e)) => Some(view! { <p class="error" role="alert">{e.message}</p> }.into_any()),
                Some(Ok(_)) => None,
            }}
            {forms.into_iter().map(|f| {
                let p = f.purpose.as_str();
                let title_id = format!("acc-{p}-title");
                let id = move |field: &str| format!("acc-{p}-{field}");
                let budget_error = move || {
                    let e = f.errors.read();
                    match e.field.as_deref() {
                        Some(x) if x == "accounts.0.budget_items" || (x.starts_with("accounts.0.budget_items.") && x != format!("accounts.0.budget_items.{p}")) => Some(e.message.clone()),
                        _ => None,
                    }
                };
                let item_error = move || {
                    let e = f.errors.read();
                    (e.field.as_deref() == Some(format!("accounts.0.budget_items.{p}").as_str())).then(|| e.message.clone())
                };
                // Errors at a field this form does not show (the purpose itself), or none.
                let other_error = move || {
                    let e = f.errors.read();
                    match e.field.as_deref() {
                        None => e.general(),
                        Some("accounts.0.purpose") | Some("accounts") | Some("body") => Some(e.message.clone()),
                        _ => None,
                    }
                };
                let treasury = f.purpose == Purpose::LePhi;
                view! {
                    <form class="admin-form account-form" aria-labelledby=title_id.clone() novalidate on:submit=move |ev: leptos::ev::SubmitEvent| {
                        ev.prevent_default();
                        save(f);
                    }>
                        <h3 id=title_id.clone()>{purpose_title(f.purpose)}</h3>
                        {move || loaded.get().and_then(|r| r.ok()).map(|_| if f.stored.get() {
                            view! { <p class="badge-line"><span class="badge">"Đã thiết lập"</span></p> }.into_any()
                        } else {
                            view! { <p class="notice">"Chưa có tài khoản: các khoản "{if treasury { "lệ phí" } else { "phí" }}" của cơ quan chưa thanh toán trực tuyến được."</p> }.into_any()
                        })}
                        <Field label=if treasury { "Đơn vị thụ hưởng (Kho bạc Nhà nước)" } else { "Đơn vị thụ hưởng" } name="accounts.0.holder_name" id=id("holder_name") value=f.holder_name errors=f.errors autocomplete="off"/>
                        {treasury.then(|| view! {
                            <Field label="Mã Kho bạc Nhà nước (mã KBNN, 4 chữ số)" name="accounts.0.treasury_code" id=id("treasury_code") value=f.treasury_code errors=f.errors inputmode="numeric" autocomplete="off"/>
                        })}
                        <Field label="Mã ngân hàng (BIN, 6 chữ số)" name="accounts.0.bank_bin" id=id("bank_bin") value=f.bank_bin errors=f.errors inputmode="numeric" autocomplete="off"/>
                        <Field label="Số tài khoản" name="accounts.0.account_number" id=id("account_number") value=f.account_number errors=f.errors inputmode="numeric" autocomplete="off"/>
                        <Field label="Tên tài khoản (như ngân hàng ghi)" name="accounts.0.account_name" id=id("account_name") value=f.account_name errors=f.errors autocomplete="off"/>
                        {treasury.then(|| view! {
                            <Field label="Chương (3 chữ số)" name="accounts.0.chapter" id=id("chapter") value=f.chapter errors=f.errors inputmode="numeric" autocomplete="off"/>
                            <label class="field" for=format!("acc-{p}-budget_item")>
                                <span>"Tiểu mục lệ phí (4 chữ số)"</span>
                                <input id=format!("acc-{p}-budget_item") inputmode="numeric" autocomplete="off" aria-describedby=format!("e-acc-{p}-budget_item")
                                    aria-invalid=move || item_error().is_some().to_string()
                                    prop:value=f.budget_item on:input=move |ev| f.budget_item.set(event_target_value(&ev))/>
                                <span class="field-error" id=format!("e-acc-{p}-budget_item") role="alert">{item_error}</span>
                            </label>
                            <label class="field" for=format!("acc-{p}-budget_lines")>
                                <span>"Tiểu mục riêng theo khoản thu (không bắt buộc)"</span>
                                <span class="field-hint" id=format!("h-acc-{p}-budget_lines")>"Mỗi dòng: mã khoản thu = tiểu mục, ví dụ \"registration_fee = 2772\"."</span>
                                <textarea id=format!("acc-{p}-budget_lines") rows="2" aria-describedby=format!("h-acc-{p}-budget_lines e-acc-{p}-budget_lines")
                                    aria-invalid=move || budget_error().is_some().to_string()
                                    prop:value=f.budget_lines on:input=move |ev| f.budget_lines.set(event_target_value(&ev))></textarea>
                                <span class="field-error" id=format!("e-acc-{p}-budget_lines") role="alert">{budget_error}</span>
                            </label>
                        })}
                        {move || other_error().map(|m| view! { <p class="error" role="alert">{m}</p> })}
                        <p class="done-msg" role="status">{move || f.done.get()}</p>
                        <button type="submit">{if treasury { "Lưu tài khoản lệ phí" } else { "Lưu tài khoản phí" }}</button>
                    </form>
                }
            }).collect_view()}
        </section>
    }
}

/// Each provider's fields: (name, label, secret).
fn provider_fields(p: Provider) -> &'static [(&'static str, &'static str, bool)] {
    match p {
        Provider::Vnpay => &[("tmn_code", "Mã website (vnp_TmnCode, 8 ký tự)", false), ("hash_secret", "Khóa bí mật (vnp_HashSecret)", true)],
        Provider::Momo => &[("partner_code", "Mã đối tác (partnerCode)", false), ("access_key", "Access key", true), ("secret_key", "Secret key", true)],
        Provider::Zalopay => &[("app_id", "App ID (chữ số)", false), ("key1", "Key1", true), ("key2", "Key2", true)],
        Provider::Paygov => &[("partner_code", "Mã đối tác", false), ("secret", "Khóa bí mật", true)],
        Provider::Vietqr => &[("webhook_secret", "Khóa xác thực webhook của ngân hàng", true)],
    }
}

const PROVIDERS: [Provider; 5] = [Provider::Vnpay, Provider::Momo, Provider::Zalopay, Provider::Vietqr, Provider::Paygov];

/// "Kết nối thanh toán": the agency's merchant at each provider. `names` turns an agency code
/// into its name for "Dùng cấu hình của".
#[component]
pub fn AgencyGateways(agency: String, names: Signal<Vec<(String, String)>>) -> impl IntoView {
    view! {
        <section class="money-section" aria-labelledby="gateways-title">
            <h2 id="gateways-title">"Kết nối thanh toán"</h2>
            <p class="muted">"Thông tin kết nối do đơn vị thanh toán cấp cho cơ quan. Khóa bí mật chỉ nhập, không bao giờ hiển thị lại; khi thay đổi cấu hình, nhập lại đủ các khóa. Cơ quan chưa có cấu hình riêng dùng cấu hình của cấp trên hoặc của triển khai chung."</p>
            {PROVIDERS.into_iter().map(|p| view! { <GatewayForm agency=agency.clone() provider=p names=names/> }).collect_view()}
        </section>
    }
}

#[component]
fn GatewayForm(agency: String, provider: Provider, names: Signal<Vec<(String, String)>>) -> impl IntoView {
    let fields = provider_fields(provider);
    let values: Vec<RwSignal<String>> = fields.iter().map(|_| RwSignal::new(String::new())).collect();
    let values = StoredValue::new(values);
    let loaded = RwSignal::new(None::<Result<GatewayView, ApiFailure>>);
    let errors = RwSignal::new(Errors::default());
    let done = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    // Public fields show what is stored; secret ones always start (and end) empty.
    let show = move |v: GatewayView| {
        values.with_value(|vals| {
            for ((name, _, secret), value) in fields.iter().zip(vals) {
                value.set(if *secret { String::new() } else { v.text(name).unwrap_or_default() });
            }
        });
        loaded.set(Some(Ok(v)));
    };
    {
        let agency = agency.clone();
        spawn_local(async move {
            match api::admin::gateway(&agency, provider).await {
                Ok(v) => show(v),
                Err(e) => loaded.set(Some(Err(e))),
            }
        });
    }
    let agency = StoredValue::new(agency);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        errors.set(Errors::default());
        done.set(String::new());
        let body: BTreeMap<String, String> =
            values.with_value(|vals| fields.iter().zip(vals).map(|((name, _, _), v)| (name.to_string(), v.get_untracked())).collect());
        busy.set(true);
        let call = api::admin::put_gateway(&agency.get_value(), provider, &body);
        spawn_local(async move {
            let answer = call.await;
            busy.set(false);
            match answer {
                Ok(v) => {
                    show(v);
                    done.set(format!("Đã lưu cấu hình {}. Khóa bí mật đã được mã hóa và không hiển thị lại.", provider.label()));
                }
                Err(e) => errors.set(e.into()),
            }
        });
    };
    let source = move || {
        loaded.get().and_then(|r| r.ok()).map(|v| {
            if v.configured {
                ("configured", "Cơ quan đã có cấu hình riêng.".to_string())
            } else {
                match v.inherits_from.as_deref() {
                    Some("deployment") => ("inherited", "Dùng cấu hình của: triển khai chung".to_string()),
                    Some(code) => {
                        let name = names.read().iter().find(|(c, _)| c == code).map(|(_, n)| n.clone()).unwrap_or_else(|| code.to_string());
                        ("inherited", format!("Dùng cấu hình của: {name}"))
                    }
                    None => ("none", format!("Chưa có cấu hình: cơ quan chưa nhận thanh toán qua {} được.", provider.label())),
                }
            }
        })
    };
    let p = provider.as_str();
    let title_id = format!("gw-{p}-title");
    let general = move || {
        let e = errors.read();
        match e.field.as_deref() {
            Some(f) if fields.iter().any(|(n, _, _)| *n == f) => None,
            Some(_) => Some(e.message.clone()),
            None => e.general(),
        }
    };
    view! {
        <form class="admin-form gateway-form" data-provider=p aria-labelledby=title_id.clone() novalidate on:submit=submit>
            <h3 id=title_id.clone()>{provider.label()}</h3>
            {move || match loaded.get() {
                None => view! { <p class="muted">"Đang tải…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
                Some(Ok(_)) => {
                    let (kind, text) = source().unwrap_or_default();
                    view! { <p class="gateway-source" data-source=kind>{text}</p> }.into_any()
                }
            }}
            {values.get_value().into_iter().zip(fields.iter()).map(|(value, (name, label, secret))| {
                let (name, label) = (*name, *label);
                let id = format!("gw-{p}-{name}");
                if *secret {
                    let hint = Signal::derive(move || {
                        loaded.get().and_then(|r| r.ok()).map(|v| match v.secret(name) {
                            Some(m) => format!("Đã lưu ({} ký tự)", m.length),
                            None => "Chưa lưu".to_string(),
                        })
                    });
                    view! { <Field label=label name=name id=id value=value errors=errors kind="password" autocomplete="new-password" hint=hint/> }.into_any()
                } else {
                    view! { <Field label=label name=name id=id value=value errors=errors autocomplete="off"/> }.into_any()
                }
            }).collect_view()}
            {move || general().map(|m| view! { <p class="error" role="alert">{m}</p> })}
            <p class="done-msg" role="status">{move || done.get()}</p>
            <button type="submit" disabled=move || busy.get()>{format!("Lưu cấu hình {}", provider.label())}</button>
        </form>
    }
}
