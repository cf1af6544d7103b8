//! "Nộp hồ sơ": seed 004's form (submitter, owner or "Lấy từ thông tin người nộp", content, by
//! post) plus the procedure's own inputs with the fee recomputed as they change, and the scans.
//! The domain's rules check every field while typing; the server checks again and its field
//! errors land at the same field. Everything typed is a draft on the phone (`use_draft`) until
//! the dossier is sent, the documents reused from the wallet included.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use motcua_domain::api::{Applicant, SubmitDossier, UploadView};
use motcua_domain::applicant;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::api;
use crate::components::agency::use_chosen;
use crate::components::attachments::{Attachment, Attachments, State};
use crate::components::fee_calculator::FeeCalculator;
use motcua_domain::pages::procedure::default_inputs;
use crate::components::form::{focus_id, input_id, Errors, Field};
use crate::components::reuse::{ChosenDocument, ReuseDocuments};
use crate::hooks::draft::{use_draft_with_options, UseDraftOptions, UseDraftReturn};
use crate::i18n::t;

/// What the phone keeps while the person fills the form.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FormDraft {
    /// For "Hồ sơ của tôi": what it is and where to resume it.
    pub title: String,
    pub agency_name: String,
    pub href: String,
    /// Milliseconds since the epoch of the last change.
    pub saved_at: f64,
    /// True once the person typed (a merely pre-filled form is not a draft).
    pub edited: bool,
    pub applicant: Applicant,
    pub owner_differs: bool,
    pub owner: Applicant,
    pub content: String,
    pub receive_by_post: bool,
    pub send_by_post: bool,
    pub inputs: Map<String, Value>,
    pub files: Vec<UploadView>,
    /// Documents reused from the wallet ("Dùng giấy tờ đã có"); absent from older drafts.
    #[serde(default)]
    pub documents: Vec<ChosenDocument>,
}

/// The six text signals of one person block.
#[derive(Clone, Copy)]
struct Person {
    full_name: RwSignal<String>,
    id_number: RwSignal<String>,
    phone: RwSignal<String>,
    email: RwSignal<String>,
    address: RwSignal<String>,
    area: RwSignal<String>,
}

impl Person {
    fn new(a: &Applicant) -> Self {
        Person {
            full_name: RwSignal::new(a.full_name.clone()),
            id_number: RwSignal::new(a.id_number.clone()),
            phone: RwSignal::new(a.phone.clone()),
            email: RwSignal::new(a.email.clone()),
            address: RwSignal::new(a.address.clone()),
            area: RwSignal::new(a.area.clone()),
        }
    }
    fn get(&self) -> Applicant {
        Applicant {
            full_name: self.full_name.get(),
            id_number: self.id_number.get(),
            phone: self.phone.get(),
            email: self.email.get(),
            address: self.address.get(),
            area: self.area.get(),
        }
    }
}

#[component]
fn PersonFields(prefix: &'static str, p: Person, errors: RwSignal<Errors>) -> impl IntoView {
    // Field names are the server's (`applicant.phone`), so its errors land here too.
    let (n, id, ph, em, ad, ar) = match prefix {
        "owner" => ("owner.full_name", "owner.id_number", "owner.phone", "owner.email", "owner.address", "owner.area"),
        _ => ("applicant.full_name", "applicant.id_number", "applicant.phone", "applicant.email", "applicant.address", "applicant.area"),
    };
    let owner = prefix == "owner";
    view! {
        <Field label=if owner { t("Họ tên chủ hồ sơ *", "Dossier owner's full name *") } else { t("Họ tên người nộp *", "Submitter's full name *") } name=n value=p.full_name errors=errors autocomplete="name"/>
        <Field label=t("Số CMND/CCCD *", "ID card number (CMND/CCCD) *") name=id value=p.id_number errors=errors inputmode="numeric"/>
        <Field label=if owner { t("Số điện thoại", "Phone number") } else { t("Số điện thoại *", "Phone number *") } name=ph value=p.phone errors=errors kind="tel" autocomplete="tel" inputmode="tel"/>
        <Field label=t("Địa chỉ email", "Email address") name=em value=p.email errors=errors kind="email" autocomplete="email"/>
        <Field label=if owner { t("Địa chỉ *", "Address *") } else { t("Địa chỉ liên hệ *", "Contact address *") } name=ad value=p.address errors=errors autocomplete="street-address"/>
        <Field label=t("Địa bàn (xã, phường)", "Area (commune, ward)") name=ar value=p.area errors=errors/>
    }
}

#[component]
pub fn SubmitPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let chosen = use_chosen();
    let code = params.read_untracked().get("code").unwrap_or_default();
    let agency = query
        .read_untracked()
        .get("agency")
        .or_else(|| chosen.read_untracked().as_ref().map(|a| a.code.clone()))
        .unwrap_or_default();
    let agency_name = chosen.read_untracked().as_ref().filter(|a| a.code == agency).map(|a| a.name.clone()).unwrap_or_default();

    let draft_key = format!("{code}.{agency}");
    // The desk's assisted-filing code (`?ho-tro=` of the officer's QR), kept in the tab so that it
    // survives the trip to log in and back.
    let assist_key = format!("motcua.assist.{draft_key}");
    let assist = query.read_untracked().get("ho-tro").filter(|c| !c.trim().is_empty()).or_else(|| crate::storage::session::get(&assist_key));
    if let Some(a) = &assist {
        crate::storage::session::set(&assist_key, a);
    }
    let UseDraftReturn { draft, restored, clear } = use_draft_with_options::<FormDraft>(&draft_key, UseDraftOptions { keep: |d| d.edited });
    let start = draft.get_untracked();
    let applicant = Person::new(&start.applicant);
    let owner = Person::new(&start.owner);
    let owner_differs = RwSignal::new(start.owner_differs);
    let content = RwSignal::new(start.content.clone());
    let receive_by_post = RwSignal::new(start.receive_by_post);
    let send_by_post = RwSignal::new(start.send_by_post);
    let inputs = RwSignal::new(start.inputs.clone());
    let attachments = RwSignal::new(start.files.iter().enumerate().map(|(i, f)| Attachment::done(f.clone(), i as u32 + 1)).collect::<Vec<_>>());
    let documents = RwSignal::new(start.documents.clone());
    let edited = RwSignal::new(start.edited);
    let errors = RwSignal::new(Errors::default());
    let submitted = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let logged_in = RwSignal::new(None::<bool>);

    // The fees as they apply in the agency's province (its own versions, if it set any).
    let detail = LocalResource::new({
        let (code, agency) = (code.clone(), agency.clone());
        move || {
            let (code, agency) = (code.clone(), agency.clone());
            async move { api::catalog::procedure(&code, &agency).await }
        }
    });

    // Every change becomes the draft (saved by `use_draft` once `edited`).
    let title = RwSignal::new(start.title.clone());
    let href = StoredValue::new(format!("/thu-tuc/{code}/nop?agency={}", api::encode(&agency)));
    // The account page comes back to this form (the draft restored) once logged in.
    let login_href = StoredValue::new(crate::pages::account::login_href(&href.get_value()));
    let agency_label = StoredValue::new(if agency_name.is_empty() { start.agency_name.clone() } else { agency_name });
    Effect::new(move || {
        let files = attachments.with(|v| v.iter().filter_map(|a| if let State::Done(f) = &a.state { Some(f.clone()) } else { None }).collect());
        draft.set(FormDraft {
            title: title.get(),
            agency_name: agency_label.get_value(),
            href: href.get_value(),
            saved_at: js_sys::Date::now(),
            edited: edited.get(),
            applicant: applicant.get(),
            owner_differs: owner_differs.get(),
            owner: owner.get(),
            content: content.get(),
            receive_by_post: receive_by_post.get(),
            send_by_post: send_by_post.get(),
            inputs: inputs.get(),
            files,
            documents: documents.get(),
        });
    });

    // Pre-fill from the profile (not over a restored draft, nor over what the person typed
    // before the profile arrived); learn whether we may send.
    leptos::task::spawn_local(async move {
        match api::auth::me().await {
            Ok(p) => {
                logged_in.set(Some(true));
                if !restored {
                    let fill = |field: RwSignal<String>, value: Option<String>| {
                        if field.with_untracked(|v| v.is_empty()) {
                            field.set(value.unwrap_or_default());
                        }
                    };
                    fill(applicant.full_name, p.full_name);
                    fill(applicant.id_number, p.citizen_id);
                    fill(applicant.phone, p.phone);
                    fill(applicant.email, p.email);
                    fill(applicant.address, p.address);
                }
            }
            Err(e) if e.is_unauthorized() => logged_in.set(Some(false)),
            Err(_) => {} // offline: the form stays usable as a draft
        }
    });

    // The domain's rules on every change; a field shows its error once it has a value, or
    // everywhere after "Gửi hồ sơ" was pressed.
    let live_errors = move || {
        let shown = |value: &str| submitted.get() || !value.trim().is_empty();
        let a = applicant.get();
        let mut all: Vec<_> = applicant::validate_all("applicant", &a)
            .into_iter()
            .filter(|e| shown(person_value(&a, &e.field)))
            .collect();
        if owner_differs.get() {
            let o = owner.get();
            all.extend(applicant::validate_all("owner", &o).into_iter().filter(|e| shown(person_value(&o, &e.field))));
        }
        if let Err(e) = applicant::validate_content(&content.get()) {
            all.push(e);
        }
        all
    };
    Effect::new(move || errors.set(Errors::first(live_errors())));

    let assisted = assist.is_some();
    let navigate = use_navigate();
    // The attachments go where dossiers to this agency are kept.
    let upload_agency = agency.clone();
    let send = move || {
        submitted.set(true);
        let problems = Errors::first(live_errors());
        if let Some(field) = problems.field.clone() {
            errors.set(problems);
            focus(&field);
            return;
        }
        if attachments.with_untracked(|v| v.iter().any(|a| !matches!(a.state, State::Done(_)))) {
            errors.set(Errors { field: None, message: t("Vui lòng chờ tải xong tệp đính kèm, hoặc xóa tệp bị lỗi.", "Please wait until the attachments finish uploading, or remove the failed ones.").into() });
            return;
        }
        let d = draft.get_untracked();
        let body = SubmitDossier {
            agency: agency.clone(),
            procedure: code.clone(),
            applicant: d.applicant,
            owner: d.owner_differs.then_some(d.owner),
            content: d.content,
            receive_by_post: d.receive_by_post,
            send_by_post: d.send_by_post,
            inputs: d.inputs,
            files: d.files.iter().map(|f| f.id.clone()).collect(),
            assist: assist.clone(),
            documents: d.documents.iter().map(|c| c.id.clone()).collect(),
        };
        busy.set(true);
        let navigate = navigate.clone();
        let assist_key = assist_key.clone();
        leptos::task::spawn_local(async move {
            match api::dossiers::submit(&body).await {
                Ok(dossier) => {
                    clear.run(());
                    crate::storage::session::remove(&assist_key);
                    navigate(&format!("/ho-so/{}", dossier.summary.id), Default::default());
                }
                Err(e) => {
                    let field = e.field.clone();
                    errors.set(e.into());
                    if let Some(f) = field {
                        focus(&f);
                    }
                }
            }
            busy.set(false);
        });
    };

    view! {
        <section class="page">
            <Suspense fallback=|| view! { <p class="muted">{t("Đang tải…", "Loading…")}</p> }>
                {move || { let (send, draft_key, upload_agency) = (send.clone(), draft_key.clone(), upload_agency.clone()); Suspend::new(async move {
                    let d = match detail.await {
                        Ok(d) => d,
                        Err(e) => return view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
                    };
                    title.set(d.summary.name.clone());
                    let schedule = d.fee_schedule.clone().filter(|s| !s.versions.is_empty());
                    if let Some(s) = &schedule {
                        if inputs.with_untracked(|m| m.is_empty()) {
                            inputs.set(default_inputs(s));
                        }
                    }
                    view! {
                        <h1>{t("Nộp hồ sơ trực tuyến", "Submit a dossier online")}</h1>
                        <p class="muted">{d.summary.name.clone()}{move || (!agency_label.get_value().is_empty()).then(|| format!(" — {}", agency_label.get_value()))}</p>
                        {restored.then(|| view! { <p class="notice" role="status">{t("Đã khôi phục bản nháp lưu trên máy.", "The draft saved on this phone was restored.")}</p> })}
                        {assisted.then(|| view! { <p class="notice" role="status">{t("Nộp trực tuyến có hỗ trợ của cán bộ Bộ phận Một cửa.", "Filing online with the help of the one-stop desk.")}</p> })}
                        {move || (logged_in.get() == Some(false)).then(|| view! {
                            <p class="notice">{t("Bạn cần ", "You need to ")}<a href=login_href.get_value()>{t("đăng nhập", "log in")}</a>{t(" để gửi hồ sơ. Thông tin đã nhập vẫn được lưu trên máy.", " to send the dossier. What you have entered stays saved on this phone.")}</p>
                        })}
                        <form novalidate on:input=move |_| edited.set(true) on:change=move |_| edited.set(true)
                            on:submit=move |ev| { ev.prevent_default(); send(); }>
                            <fieldset>
                                <legend>{t("Thông tin người nộp", "Submitter")}</legend>
                                <PersonFields prefix="applicant" p=applicant errors=errors/>
                            </fieldset>
                            <fieldset>
                                <legend>{t("Thông tin chủ hồ sơ", "Dossier owner")}</legend>
                                <label class="check">
                                    <input type="checkbox" prop:checked=move || !owner_differs.get()
                                        on:change=move |ev| owner_differs.set(!event_target_checked(&ev))/>
                                    <span>{t("Lấy từ thông tin người nộp", "Same as the submitter")}</span>
                                </label>
                                <Show when=move || owner_differs.get()>
                                    <PersonFields prefix="owner" p=owner errors=errors/>
                                </Show>
                            </fieldset>
                            {schedule.map(|s| view! {
                                <fieldset>
                                    <legend>{t("Thông tin tính phí, lệ phí", "Details for the fees and charges")}</legend>
                                    <FeeCalculator schedule=s inputs=inputs errors=errors/>
                                </fieldset>
                            })}
                            <label class="field" for="f-content">
                                <span>{t("Nội dung", "Request details")}</span>
                                <textarea id="f-content" name="content" rows="3" aria-describedby="e-content" prop:value=content
                                    on:input=move |ev| content.set(event_target_value(&ev))></textarea>
                                <span class="field-error" id="e-content" role="alert">{move || errors.read().at("content")}</span>
                            </label>
                            <label class="check">
                                <input type="checkbox" prop:checked=receive_by_post on:change=move |ev| receive_by_post.set(event_target_checked(&ev))/>
                                <span>{t("Nhận kết quả qua bưu điện", "Receive the result by post")}</span>
                            </label>
                            <label class="check">
                                <input type="checkbox" prop:checked=send_by_post on:change=move |ev| send_by_post.set(event_target_checked(&ev))/>
                                <span>{t("Gửi hồ sơ giấy qua bưu điện", "Send the paper dossier by post")}</span>
                            </label>
                            <Attachments items=attachments errors=errors draft=draft_key agency=upload_agency/>
                            <ReuseDocuments chosen=documents errors=errors/>
                            {move || errors.read().general().map(|m| view! { <p class="error" role="alert">{m}</p> })}
                            <button type="submit" disabled=busy>{move || if busy.get() { t("Đang gửi…", "Sending…") } else { t("Gửi hồ sơ", "Send dossier") }}</button>
                        </form>
                    }.into_any()
                })}}
            </Suspense>
        </section>
    }
}

fn person_value<'a>(a: &'a Applicant, field: &str) -> &'a str {
    match field.rsplit('.').next().unwrap_or("") {
        "full_name" => &a.full_name,
        "id_number" => &a.id_number,
        "phone" => &a.phone,
        "email" => &a.email,
        "address" => &a.address,
        _ => &a.area,
    }
}

fn focus(field: &str) {
    let id = if field.starts_with("inputs.") { format!("fee-{}", field.trim_start_matches("inputs.")) } else { input_id(field) };
    focus_id(&id);
}
