//! "Tài khoản": log-in with the national public-service portal's account first (seed 004: "tài
//! khoản được cấp bởi dịch vụ công quốc gia"), then with the phone number and a one-time code;
//! the profile asked once on the first log-in (name and citizen ID, which pre-fill forms; after a
//! national log-in, filled from the portal for the citizen to confirm), and log-out (at the
//! portal too when the session came from there). A national log-in that failed comes back with
//! `?loi=<code>`, shown here in the interface's language. With `?tiep=<path>` (every "đăng nhập"
//! link, built by [`login_href`]) the page sends the citizen back there once logged in and the
//! profile is complete (the path checked by `domain::oidc::return_path`: this site only). "Gửi lại mã"
//! refused (sent less than a minute ago: 429; number locked: 423) says why beside the button,
//! leaving the code's own message (a lock-out) in place. Inputs are checked with
//! the domain's parsers before sending; the server's field errors show at the same field. Below
//! the profile, "Khoản phải nộp của tôi": the open bills whose payer is the citizen's number.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};
use motcua_domain::auth::{CitizenProfile, OtpRequest, OtpVerify, Profile, ProfileUpdate};
use motcua_domain::citizen::Phone;

use crate::api;
use crate::components::bill::{kind_label, remember_payer};
use crate::components::dates::date_vn;
use crate::components::form::{focus_id, input_id, Errors, Field};
use crate::components::money::vnd;
use crate::i18n::{pick, t};

/// The account page's address that comes back to `return_to` (a path on this site with its
/// query) once logged in; a path the account page would refuse gives the plain page.
pub fn login_href(return_to: &str) -> String {
    match motcua_domain::oidc::return_path(Some(return_to)) {
        Ok(p) if p != "/tai-khoan" => format!("/tai-khoan?tiep={}", api::encode(&p)),
        _ => "/tai-khoan".into(),
    }
}

/// [`login_href`] back to the page shown now (its path and query). Call it while building the
/// component, where the router's location is in context.
pub fn login_href_here() -> String {
    let location = use_location();
    let (path, search) = (location.pathname.get_untracked(), location.search.get_untracked());
    login_href(&if search.is_empty() { path } else { format!("{path}?{search}") })
}

#[derive(Clone, Copy, PartialEq)]
enum Step {
    Loading,
    Phone,
    Code,
    Profile,
    Done,
}

#[component]
pub fn Account() -> impl IntoView {
    let step = RwSignal::new(Step::Loading);
    let me = RwSignal::new(None::<CitizenProfile>);
    let errors = RwSignal::new(Errors::default());
    let busy = RwSignal::new(false);
    let info = RwSignal::new(String::new());
    let (phone, code) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let (full_name, citizen_id, email, address) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));

    // The channels to be notified on (`sms`, `email`, `zalo`).
    let channels = RwSignal::new(vec!["sms".to_string()]);
    let national_on = RwSignal::new(false);
    // Why "Gửi lại mã" sent nothing, kept apart from `errors` so a lock-out message stays.
    let resend_note = RwSignal::new(String::new());
    let query = use_query_map().get_untracked();
    let next = query.get("tiep").filter(|p| !p.trim().is_empty()).and_then(|p| motcua_domain::oidc::return_path(Some(&p)).ok());
    // The national portal comes back here (profile first), then on to `next`.
    let national_return = StoredValue::new(next.as_deref().map_or_else(|| "/tai-khoan".into(), login_href));
    let navigate = use_navigate();
    let go_on = StoredValue::new_local(move || {
        if let Some(n) = &next {
            navigate(n, Default::default());
        }
    });
    if let Some(code) = query.get("loi") {
        let (vi, en) = motcua_domain::oidc::message(&code);
        errors.set(Errors { field: None, message: pick(vi.into(), en.into()) });
    }
    if !api::embedded() {
        // The portal refuses to be framed: inside a commune portal's iframe, phone log-in only.
        spawn_local(async move {
            if let Ok(info) = api::auth::national_info().await {
                national_on.set(info.enabled);
            }
        });
    }

    let show_profile = move |p: CitizenProfile| {
        full_name.set(p.full_name.clone().unwrap_or_default());
        citizen_id.set(p.citizen_id.clone().unwrap_or_default());
        email.set(p.email.clone().unwrap_or_default());
        address.set(p.address.clone().unwrap_or_default());
        if !p.notify_channels.is_empty() {
            channels.set(p.notify_channels.clone());
        }
        step.set(if p.needs_profile { Step::Profile } else { Step::Done });
        if !p.needs_profile {
            go_on.with_value(|f| f());
        }
        me.set(Some(p));
    };

    spawn_local(async move {
        match api::auth::me().await {
            Ok(p) => show_profile(p),
            Err(_) => step.set(Step::Phone),
        }
    });

    // `resend`: from the code step, where a refusal is said beside the button and the code's
    // message (a lock-out) stays; the phone field, where the server puts it, is not shown there.
    let request_code = move |resend: bool| {
        resend_note.set(String::new());
        if !resend {
            errors.set(Errors::default());
        }
        let parsed = match Phone::parse("phone", &phone.get_untracked()) {
            Ok(p) => p,
            Err(e) => return errors.set(e.into()),
        };
        busy.set(true);
        spawn_local(async move {
            match api::auth::request_code(&OtpRequest { phone: parsed.as_str().to_string() }).await {
                Err(e) if resend => resend_note.set(e.message),
                Ok(r) => {
                    errors.set(Errors::default());
                    let (phone, minutes, seconds) = (parsed.as_str(), r.expires_in / 60, r.resend_after);
                    info.set(pick(
                        format!("Mã xác thực đã được gửi đến {phone}. Mã có hiệu lực {minutes} phút; có thể gửi lại sau {seconds} giây."),
                        format!("A verification code was sent to {phone}. It is valid for {minutes} minutes; you can ask for a new one after {seconds} seconds."),
                    ));
                    step.set(Step::Code);
                    // The code comes next: the cursor waits in its field (once it is drawn).
                    request_animation_frame(|| focus_id(&input_id("code")));
                }
                Err(e) => errors.set(e.into()),
            }
            busy.set(false);
        });
    };

    let verify = move || {
        errors.set(Errors::default());
        if let Err(e) = motcua_domain::auth::otp::parse_code(&code.get_untracked()) {
            return errors.set(e.into());
        }
        busy.set(true);
        spawn_local(async move {
            let body = OtpVerify { phone: phone.get_untracked(), code: code.get_untracked() };
            match api::auth::verify_code(&body, api::embedded()).await {
                Ok(p) => {
                    code.set(String::new());
                    info.set(String::new());
                    show_profile(p);
                }
                Err(e) => errors.set(e.into()),
            }
            busy.set(false);
        });
    };

    let save_profile = move || {
        errors.set(Errors::default());
        let update = ProfileUpdate {
            full_name: Some(full_name.get_untracked()),
            citizen_id: Some(citizen_id.get_untracked()),
            email: Some(email.get_untracked()),
            address: Some(address.get_untracked()),
            notify_channels: Some(channels.get_untracked()),
        };
        let parsed = match Profile::parse(&update) {
            Ok(p) => p,
            Err(e) => return errors.set(e.into()),
        };
        let has_phone = me.get_untracked().is_some_and(|p| p.phone.is_some());
        let current = motcua_domain::notify::Channels::default();
        if let Err(e) = motcua_domain::notify::Channels::parse(update.notify_channels.as_deref(), parsed.email.is_some(), has_phone, &current) {
            return errors.set(e.into());
        }
        busy.set(true);
        spawn_local(async move {
            match api::auth::update_me(&update).await {
                Ok(p) => show_profile(p),
                Err(e) => errors.set(e.into()),
            }
            busy.set(false);
        });
    };

    let logout = move || {
        spawn_local(async move {
            match api::auth::logout().await {
                Ok(Some(answer)) => {
                    let _ = web_sys::window().expect("window").location().set_href(&answer.logout_url);
                }
                Ok(None) => {
                    me.set(None);
                    phone.set(String::new());
                    step.set(Step::Phone);
                }
                Err(e) => errors.set(e.into()),
            }
        });
    };

    view! {
        <section class="page">
            <h1>{t("Tài khoản", "Account")}</h1>
            {move || errors.read().general().map(|m| view! { <p class="error" role="alert">{m}</p> })}
            {move || match step.get() {
                Step::Loading => view! { <p class="muted">{t("Đang tải…", "Loading…")}</p> }.into_any(),
                Step::Phone => view! {
                    {move || national_on.get().then(|| view! {
                        <div class="national-login">
                            // `rel="external"`: a page load at the portal, not a route of this app.
                            <a class="button" rel="external" href=national_return.with_value(|r| api::auth::national_start_url(r))>
                                {t("Đăng nhập bằng tài khoản Cổng Dịch vụ công quốc gia", "Log in with the National Public Service Portal account")}
                            </a>
                            <p class="muted">{t("hoặc đăng nhập bằng số điện thoại", "or log in with your phone number")}</p>
                        </div>
                    })}
                    <form on:submit=move |ev| { ev.prevent_default(); request_code(false); }>
                        <p class="muted">{t(
                            "Đăng nhập bằng số điện thoại di động. Chúng tôi sẽ gửi mã xác thực 6 số qua tin nhắn.",
                            "Log in with your mobile phone number. We will text you a 6-digit verification code.",
                        )}</p>
                        <Field label=t("Số điện thoại", "Phone number") name="phone" value=phone errors=errors kind="tel" autocomplete="tel" inputmode="tel"/>
                        <button type="submit" disabled=busy>{t("Nhận mã xác thực", "Get a verification code")}</button>
                    </form>
                }.into_any(),
                Step::Code => view! {
                    <form on:submit=move |ev| { ev.prevent_default(); verify(); }>
                        <p class="muted">{info}</p>
                        <Field label=t("Mã xác thực", "Verification code") name="code" value=code errors=errors autocomplete="one-time-code" inputmode="numeric"/>
                        <button type="submit" disabled=busy>{t("Đăng nhập", "Log in")}</button>
                        <button type="button" class="secondary" disabled=busy on:click=move |_| request_code(true)>{t("Gửi lại mã", "Resend the code")}</button>
                        {move || (!resend_note.read().is_empty()).then(|| view! { <p class="error resend-note" role="alert">{resend_note.get()}</p> })}
                        <button type="button" class="link" on:click=move |_| { errors.set(Errors::default()); resend_note.set(String::new()); step.set(Step::Phone); }>{t("Đổi số điện thoại", "Change phone number")}</button>
                    </form>
                }.into_any(),
                Step::Profile => view! {
                    <form on:submit=move |ev| { ev.prevent_default(); save_profile(); }>
                        {move || me.get().filter(|p| p.national).map(|_| view! {
                            <p class="notice">{t(
                                "Thông tin dưới đây lấy từ tài khoản Cổng Dịch vụ công quốc gia của bạn. Vui lòng kiểm tra, bổ sung và xác nhận.",
                                "The details below come from your National Public Service Portal account. Please check, complete and confirm them.",
                            )}</p>
                        })}
                        <p class="muted">{t(
                            "Vui lòng cho biết họ tên và số định danh cá nhân một lần; thông tin này sẽ được điền sẵn vào các tờ khai.",
                            "Please give your full name and personal identification number once; they will be filled in on your forms.",
                        )}</p>
                        <Field label=t("Họ và tên *", "Full name *") name="full_name" value=full_name errors=errors autocomplete="name"/>
                        <Field label=t("Số định danh cá nhân (CCCD) *", "Personal identification number (CCCD) *") name="citizen_id" value=citizen_id errors=errors inputmode="numeric"/>
                        <Field label=t("Thư điện tử", "Email") name="email" value=email errors=errors kind="email" autocomplete="email"/>
                        <Field label=t("Địa chỉ liên hệ", "Contact address") name="address" value=address errors=errors autocomplete="street-address"/>
                        <NotifyChannels channels=channels errors=errors/>
                        <button type="submit" disabled=busy>{t("Lưu thông tin", "Save")}</button>
                    </form>
                }.into_any(),
                Step::Done => view! {
                    <div>
                        {move || me.get().map(|p| view! {
                            <dl class="facts">
                                <dt>{t("Họ và tên", "Full name")}</dt><dd>{p.full_name.unwrap_or_default()}</dd>
                                <dt>{t("Số điện thoại", "Phone number")}</dt><dd>{p.phone.unwrap_or_default()}</dd>
                                <dt>{t("Số định danh cá nhân", "Personal identification number")}</dt>
                                <dd>{p.citizen_id.unwrap_or_default()}{p.national.then(|| t(" (đã xác thực qua Cổng Dịch vụ công quốc gia)", " (verified by the National Public Service Portal)"))}</dd>
                                <dt>{t("Thư điện tử", "Email")}</dt><dd>{p.email.unwrap_or_default()}</dd>
                                <dt>{t("Địa chỉ liên hệ", "Contact address")}</dt><dd>{p.address.unwrap_or_default()}</dd>
                                <dt>{t("Nhận thông báo qua", "Notified by")}</dt><dd>{channel_names(&p.notify_channels)}</dd>
                            </dl>
                        })}
                        <p><a href="/giay-to" class="inline-link my-documents-link">{t(
                            "Giấy tờ của tôi: kết quả, bản sao điện tử có chữ ký số và giấy tờ đã tải lên",
                            "My documents: signed results, certified electronic copies and your uploads",
                        )}</a></p>
                        <button type="button" class="secondary" on:click=move |_| step.set(Step::Profile)>{t("Sửa thông tin", "Edit details")}</button>
                        <button type="button" on:click=move |_| logout()>{t("Đăng xuất", "Log out")}</button>
                        <MyBills citizen_id=me.get_untracked().and_then(|p| p.citizen_id)/>
                    </div>
                }.into_any(),
            }}
        </section>
    }
}

/// "Khoản phải nộp của tôi": the open bills (fines, land obligations, insurance) whose payer's
/// number is the citizen's, each opening `/nop-phi` with the number already known in this tab.
#[component]
fn MyBills(citizen_id: Option<String>) -> impl IntoView {
    let bills = LocalResource::new(|| async { api::bills::mine().await });
    view! {
        <section class="my-bills" aria-labelledby="my-bills-title">
            <h2 id="my-bills-title">{t("Khoản phải nộp của tôi", "My bills")}</h2>
            <Transition fallback=|| view! { <p class="muted">{t("Đang tải…", "Loading…")}</p> }>
                {move || {
                    let citizen_id = citizen_id.clone();
                    Suspend::new(async move {
                        match bills.await {
                            Ok(list) if list.bills.is_empty() => view! {
                                <p class="muted">{t("Bạn không có khoản phải nộp nào chưa nộp.", "You have no unpaid bills.")}</p>
                            }.into_any(),
                            Ok(list) => view! {
                                <ul class="cards">
                                    {list.bills.into_iter().map(|b| {
                                        if let Some(id) = &citizen_id {
                                            remember_payer(&b.code, id);
                                        }
                                        view! {
                                            <li class="card">
                                                <a href=format!("/nop-phi?ma={}", api::encode(&b.code))>
                                                    <span class="card-title">{kind_label(&b)}" — "{vnd(b.total)}</span>
                                                    <span class="card-meta ref">{b.code.clone()}</span>
                                                    <span class="card-meta">{b.agency_name.clone()}" · "{t("Hạn nộp: ", "Due: ")}{date_vn(&b.due_date)}</span>
                                                </a>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            }.into_any(),
                            Err(e) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
                        }
                    })
                }}
            </Transition>
            <p><a href="/nop-phi">{t("Tra cứu khoản phải nộp khác theo mã", "Look up another bill by its code")}</a></p>
        </section>
    }
}

/// The names of the chosen channels, in the UI's language.
fn channel_names(names: &[String]) -> String {
    use motcua_domain::notify::Channel;
    names
        .iter()
        .filter_map(|n| Channel::from_str(n))
        .map(|c| match c {
            Channel::Sms => t("Tin nhắn SMS", "SMS"),
            Channel::Email => t("Thư điện tử", "E-mail"),
            Channel::Zalo => t("Zalo", "Zalo"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// "Nhận thông báo qua": a checkbox per channel (status changes and fee notices go to each one
/// chosen; e-mail needs the address above). The server's error for the choice shows here.
#[component]
fn NotifyChannels(channels: RwSignal<Vec<String>>, errors: RwSignal<Errors>) -> impl IntoView {
    use motcua_domain::notify::Channel;
    let error = move || errors.read().at("notify_channels");
    view! {
        <fieldset class="channels" aria-describedby="e-notify_channels">
            <legend>{t("Nhận thông báo về hồ sơ và phí, lệ phí qua", "Be told about dossiers and fees by")}</legend>
            {Channel::ALL.into_iter().map(|c| {
                let name = c.as_str().to_string();
                let checked_name = name.clone();
                let label = match c {
                    Channel::Sms => t("Tin nhắn SMS", "SMS"),
                    Channel::Email => t("Thư điện tử (cần địa chỉ ở trên)", "E-mail (needs the address above)"),
                    Channel::Zalo => t("Zalo (tin nhắn của Cổng dịch vụ công trên Zalo)", "Zalo (messages from the portal on Zalo)"),
                };
                view! {
                    <label class="check">
                        <input type="checkbox" name="notify_channels" value=name.clone()
                            prop:checked=move || channels.read().contains(&checked_name)
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                channels.update(|v| {
                                    v.retain(|n| n != &name);
                                    if on { v.push(name.clone()); }
                                });
                            }/>
                        <span>{label}</span>
                    </label>
                }
            }).collect_view()}
            <span class="field-error" id="e-notify_channels" role="alert">{error}</span>
        </fieldset>
    }
}
