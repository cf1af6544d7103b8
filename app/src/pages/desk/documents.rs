//! The desk dossier's digitized and signed documents: scans taken at reception (seed 004: "số
//! hóa khi tiếp nhận"), the result files with their digital signature ("Ký số"; for procedure
//! 2.000815 the electronic copy certified from the original, after the officer states that they
//! compared it), revoking a signed document with a reason, and the documents the citizen
//! referenced from their wallet with whether they are signed and still match what was signed.
//! Each part shows its refusals beside its own controls; a dossier changed meanwhile is read
//! again by the page.

use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use motcua_domain::api::{CertifyCopy, DeskScan, ReferencedDocument, ResultFile, SignRequest, SignatureView, SignedKind, StaffDossier, WalletKind};
use wasm_bindgen::JsCast;

use super::when;
use crate::api::{self, ApiFailure};
use crate::components::attachments::human_size;

/// The procedure whose result is an electronic copy certified from the original (chứng thực bản
/// sao từ bản chính).
pub const CERTIFIED_COPY_PROCEDURE: &str = "2.000815";

/// "Số hóa khi tiếp nhận": pick which of the procedure's documents the scan is, a file (the
/// phone offers its camera for images), upload it with progress; the scans taken so far.
#[component]
pub fn ReceptionScans(
    dossier_id: String,
    documents: Vec<String>,
    scans: Vec<DeskScan>,
    /// Whether new scans may still be attached (the dossier is not closed).
    open: bool,
    show: Callback<StaffDossier>,
    refetch: Callback<()>,
) -> impl IntoView {
    let kind = RwSignal::new(String::new());
    let progress = RwSignal::new(None::<u8>);
    let error = RwSignal::new(None::<String>);
    let id = StoredValue::new(dossier_id);
    let upload = move |_| {
        let document_type = kind.get_untracked();
        if document_type.is_empty() {
            error.set(Some("Vui lòng chọn giấy tờ được số hóa.".into()));
            focus("scan-type");
            return;
        }
        let input = document().get_element_by_id("scan-file").and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok());
        let Some(file) = input.and_then(|i| i.files()).and_then(|f| f.get(0)) else {
            error.set(Some("Vui lòng chụp hoặc chọn tệp bản quét (PDF, JPEG hoặc PNG).".into()));
            focus("scan-file");
            return;
        };
        error.set(None);
        progress.set(Some(0));
        let total = file.size();
        let on_progress: api::uploads::Progress = Some(Rc::new(move |sent: f64| {
            if total > 0.0 {
                progress.set(Some((sent / total * 100.0).clamp(0.0, 100.0) as u8));
            }
        }));
        spawn_local(async move {
            let answer = api::desk::attach_scan(&id.get_value(), &document_type, &file, on_progress).await;
            progress.set(None);
            match answer {
                Ok(d) => show.run(d),
                Err(e) => {
                    if e.dossier_changed() {
                        refetch.run(());
                    }
                    error.set(Some(e.message));
                }
            }
        });
    };
    let busy = move || progress.get().is_some();
    view! {
        <section class="scans-section" aria-labelledby="scans-title">
            <h2 id="scans-title">"Số hóa khi tiếp nhận"</h2>
            {scans.is_empty().then(|| view! { <p class="muted">"Chưa có bản số hóa nào của cán bộ."</p> })}
            <ul class="scans">
                {scans.into_iter().map(|s| view! {
                    <li class="scan">
                        <strong class="scan-type">{s.document_type.clone()}</strong><br/>
                        <a href=s.url.clone() download=s.name.clone()>{s.name.clone()}</a>
                        " "<span class="muted">{format!("{} · {} · {}", human_size(s.size as f64), when(&s.created_at), s.created_by)}</span>
                    </li>
                }).collect_view()}
            </ul>
            {open.then(|| view! {
                <fieldset class="scan-form no-print">
                    <legend>"Thêm bản số hóa"</legend>
                    <label class="field" for="scan-type">
                        <span>"Giấy tờ"</span>
                        <select id="scan-type" prop:value=kind on:change=move |ev| kind.set(event_target_value(&ev))>
                            <option value="">"— Chọn giấy tờ —"</option>
                            {documents.into_iter().map(|d| view! { <option value=d.clone()>{d.clone()}</option> }).collect_view()}
                        </select>
                    </label>
                    <label class="field" for="scan-file">
                        <span>"Bản quét hoặc ảnh chụp (PDF, JPEG, PNG)"</span>
                        <input id="scan-file" type="file" accept="application/pdf,image/jpeg,image/png"/>
                    </label>
                    {move || progress.get().map(|p| view! {
                        <label class="field" for="scan-progress">
                            <span role="status">{format!("Đang tải lên… {p}%")}</span>
                            <progress id="scan-progress" max="100" value=p.to_string()></progress>
                        </label>
                    })}
                    {move || error.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
                    <button type="button" disabled=busy on:click=upload>{move || if busy() { "Đang tải lên…" } else { "Tải lên bản số hóa" }}</button>
                </fieldset>
            })}
        </section>
    }
}

/// One result file: its download, and either the signing controls or its signature (with
/// "Thu hồi").
#[component]
pub fn ResultSignature(
    dossier_id: String,
    result: ResultFile,
    /// The procedure certifies copies from originals (2.000815).
    certify: bool,
    /// The original's page count as the citizen declared it (pre-fills the copy's).
    pages_hint: Option<u64>,
    refetch: Callback<()>,
) -> impl IntoView {
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let compared = RwSignal::new(false);
    let pages = RwSignal::new(pages_hint.map(|p| p.to_string()).unwrap_or_default());
    let key = result.id.clone();
    let (file, dossier) = (StoredValue::new(result.id.clone()), StoredValue::new(dossier_id));
    let sign = move |_| {
        let request = if certify {
            if !compared.get_untracked() {
                error.set(Some("Vui lòng xác nhận đã đối chiếu bản sao với bản chính.".into()));
                focus(&format!("compared-{}", file.get_value()));
                return;
            }
            let Some(n) = pages.get_untracked().trim().parse::<u32>().ok().filter(|n| *n > 0) else {
                error.set(Some("Vui lòng nhập số trang của bản sao (số nguyên dương).".into()));
                focus(&format!("pages-{}", file.get_value()));
                return;
            };
            SignRequest { certify_copy: Some(CertifyCopy { compared_with_original: true, pages: n }) }
        } else {
            SignRequest::default()
        };
        error.set(None);
        busy.set(true);
        let call = api::desk::sign(&dossier.get_value(), &file.get_value(), &request);
        spawn_local(async move {
            let answer = call.await;
            busy.set(false);
            match answer {
                Ok(_) => refetch.run(()),
                Err(e) => {
                    // Signed meanwhile (another officer, another tab): show the signature.
                    if e.dossier_changed() || e.code == "already_signed" {
                        refetch.run(());
                    }
                    error.set(Some(e.message));
                }
            }
        });
    };
    let size = human_size(result.size as f64);
    view! {
        <li class="result" data-file=key.clone()>
            <a class="result-link" href=result.url.clone() target="_blank" rel="noopener">"Kết quả: "{result.name.clone()}</a>
            " "<span class="muted">{size}</span>
            {match result.signature.clone() {
                Some(sig) => view! { <Signature sig=sig refetch=refetch/> }.into_any(),
                None => view! {
                    <div class="sign-form no-print">
                        {certify.then(|| {
                            let (c_id, p_id) = (format!("compared-{key}"), format!("pages-{key}"));
                            let (c_for, p_for) = (c_id.clone(), p_id.clone());
                            view! {
                                <label class="check" for=c_for>
                                    <input id=c_id type="checkbox" prop:checked=compared on:change=move |ev| compared.set(event_target_checked(&ev))/>
                                    <span>"Đã đối chiếu bản sao với bản chính"</span>
                                </label>
                                <label class="field" for=p_for>
                                    <span>"Số trang của bản sao"</span>
                                    <input id=p_id type="number" min="1" inputmode="numeric" prop:value=pages on:input=move |ev| pages.set(event_target_value(&ev))/>
                                </label>
                            }
                        })}
                        {move || error.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
                        <button type="button" class="sign-button" disabled=move || busy.get() on:click=sign>
                            {move || match (busy.get(), certify) {
                                (true, _) => "Đang ký số…",
                                (false, true) => "Chứng thực và ký số",
                                (false, false) => "Ký số",
                            }}
                        </button>
                    </div>
                }.into_any(),
            }}
        </li>
    }
}

/// A signature as the desk sees it, and revoking it (a reason is required and shown to whoever
/// checks the document).
#[component]
fn Signature(sig: SignatureView, refetch: Callback<()>) -> impl IntoView {
    let asking = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let doc = StoredValue::new(sig.document_id.clone());
    let reason_id = format!("revoke-reason-{}", sig.document_id);
    let revoke = move |_| {
        let why = reason.get_untracked().trim().to_string();
        if why.is_empty() {
            error.set(Some("Vui lòng nhập lý do thu hồi.".into()));
            return;
        }
        error.set(None);
        busy.set(true);
        let call = api::desk::revoke(&doc.get_value(), &why);
        spawn_local(async move {
            let answer = call.await;
            busy.set(false);
            match answer {
                Ok(_) => refetch.run(()),
                Err(e) => {
                    if e.status == 409 {
                        refetch.run(());
                    }
                    error.set(Some(e.message));
                }
            }
        });
    };
    let revoked = sig.revoked.clone();
    let heading = match sig.kind {
        SignedKind::CertifiedCopy => "Bản sao điện tử đã chứng thực, có chữ ký số",
        SignedKind::Result => "Đã ký số",
    };
    view! {
        <div class="signature" data-revoked=revoked.is_some().to_string()>
            <p><strong class="signed-label">{heading}</strong>
                {revoked.is_some().then(|| view! { <span class="badge revoked">"Đã thu hồi"</span> })}</p>
            <dl class="facts">
                <dt>"Người ký"</dt><dd class="signer">{sig.signer.clone()}</dd>
                <dt>"Thời điểm ký"</dt><dd>{when(&sig.signed_at)}</dd>
                <dt>"Chứng thư số"</dt><dd class="ref">{sig.certificate_subject.clone()}</dd>
                <dt>"Tổ chức cấp"</dt><dd class="ref">{sig.issuer.clone()}</dd>
                <dt>"Mã kiểm tra"</dt><dd><strong class="verify-code">{sig.code.clone()}</strong></dd>
                {sig.book_number.clone().map(|n| view! { <dt>"Số chứng thực"</dt><dd class="book-number">{n}</dd> })}
                {revoked.clone().map(|r| view! {
                    <dt>"Thu hồi"</dt><dd class="revocation">{format!("{} — {}", when(&r.at), r.reason)}</dd>
                })}
            </dl>
            <p><a class="verify-link" href=api::documents::verify_page(&sig.code) target="_blank" rel="noopener">"Trang kiểm tra giấy tờ"</a></p>
            {revoked.is_none().then(|| view! {
                <div class="revoke no-print">
                    {move || (!asking.get()).then(|| view! {
                        <button type="button" class="secondary" on:click=move |_| asking.set(true)>"Thu hồi"</button>
                    })}
                    {
                        let reason_id = reason_id.clone();
                        move || asking.get().then(|| view! {
                            <label class="field" for=reason_id.clone()>
                                <span>"Lý do thu hồi (hiển thị cho người kiểm tra giấy tờ)"</span>
                                <textarea id=reason_id.clone() rows="2" maxlength="500" prop:value=reason on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                            </label>
                            <div class="row">
                                <button type="button" disabled=move || busy.get() on:click=revoke>"Xác nhận thu hồi"</button>
                                <button type="button" class="secondary" on:click=move |_| { asking.set(false); error.set(None); }>"Không thu hồi"</button>
                            </div>
                        })
                    }
                    {move || error.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
                </div>
            })}
        </div>
    }
}

/// Documents the citizen referenced from their wallet, each marked signed and checked, not
/// matching what was signed, revoked, or a plain upload.
#[component]
pub fn WalletDocuments(documents: Vec<ReferencedDocument>) -> impl IntoView {
    (!documents.is_empty()).then(|| view! {
        <section aria-labelledby="wallet-docs-title">
            <h2 id="wallet-docs-title">"Giấy tờ dùng lại từ kho giấy tờ của công dân"</h2>
            <ul class="wallet-docs">
                {documents.into_iter().map(|d| {
                    let (label, state) = badge(&d);
                    view! {
                        <li class="wallet-doc" data-state=state>
                            <a href=d.url.clone() target="_blank" rel="noopener">{d.title.clone()}</a>
                            <span class=format!("badge {state}")>{label}</span>
                            {d.code.clone().map(|c| view! { " "<a class="verify-link" href=api::documents::verify_page(&c) target="_blank" rel="noopener">{format!("Mã {c}")}</a> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    })
}

/// The mark of a referenced document, and its state for styling and tests.
fn badge(d: &ReferencedDocument) -> (&'static str, &'static str) {
    if d.revoked {
        ("Đã thu hồi", "revoked")
    } else if d.signed && d.verified {
        ("Đã ký số · đã kiểm tra", "verified")
    } else if d.signed {
        ("Không khớp", "mismatch")
    } else {
        match d.kind {
            WalletKind::Upload => ("Bản tải lên của công dân", "upload"),
            _ => ("Chưa ký số", "unsigned"),
        }
    }
}

fn focus(id: &str) {
    if let Some(el) = document().get_element_by_id(id).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = el.focus();
    }
}
