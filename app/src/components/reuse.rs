//! "Dùng giấy tờ đã có": the dossier form's chooser of documents from the citizen's wallet
//! (`GET /api/me/documents`) — signed results, certified copies, earlier uploads — referenced by
//! the new dossier instead of uploaded again. What is chosen lives in the form's draft (id and
//! title), so a reload or a dropped connection loses nothing; the server's refusal of one
//! (`documents[i]`: not the caller's, revoked) is shown at that item.

use leptos::prelude::*;
use motcua_domain::api::{Wallet, WalletKind};
use serde::{Deserialize, Serialize};

use super::form::{input_id, Errors};
use crate::api::{self, ApiFailure};
use crate::i18n::{pick, t};
use crate::pages::account::login_href_here;
use crate::pages::my_documents::kind_label;

/// A wallet document the form references.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ChosenDocument {
    pub id: String,
    pub title: String,
}

/// The server's error at the chosen item `i` (`documents[i]`, or `documents.i`).
fn error_at(errors: &Errors, i: usize) -> Option<String> {
    errors.at(&format!("documents[{i}]")).or_else(|| errors.at(&format!("documents.{i}")))
}

#[component]
pub fn ReuseDocuments(chosen: RwSignal<Vec<ChosenDocument>>, errors: RwSignal<Errors>) -> impl IntoView {
    // "đăng nhập" comes back to the form (its draft restored there).
    let login = login_href_here();
    let open = RwSignal::new(false);
    let wallet = RwSignal::new(None::<Result<Wallet, ApiFailure>>);
    let show = move |_| {
        open.set(true);
        if wallet.with_untracked(|w| !matches!(w, Some(Ok(_)))) {
            wallet.set(None);
            leptos::task::spawn_local(async move { wallet.set(Some(api::documents::wallet().await)) });
        }
    };
    let toggle = move |id: String, title: String, on: bool| {
        // The indexes of the server's errors are those of the list sent: stale once it changes.
        if errors.with_untracked(|e| e.field.as_deref().is_some_and(|f| f.starts_with("documents"))) {
            errors.set(Errors::default());
        }
        chosen.update(|v| {
            v.retain(|c| c.id != id);
            if on {
                v.push(ChosenDocument { id, title });
            }
        });
    };
    view! {
        <fieldset class="reuse">
            <legend>{t("Dùng giấy tờ đã có", "Use a document you have")}</legend>
            <p class="muted">{t(
                "Kết quả, bản sao có chứng thực điện tử hoặc giấy tờ đã nộp trước đây trong “Giấy tờ của tôi”: không cần tải lên lại.",
                "Results, certified electronic copies or documents filed before, from “My documents”: no need to upload them again.",
            )}</p>
            <ul class="files chosen-documents" aria-label=t("Giấy tờ đã chọn", "Chosen documents")>
                {move || chosen.get().into_iter().enumerate().map(|(i, c)| {
                    let id = c.id.clone();
                    let error_id = format!("e-documents-{i}");
                    view! {
                        <li class="file chosen-document" data-id=c.id.clone()>
                            <span class="file-name">{c.title.clone()}</span>
                            <span class="field-error" id=error_id.clone() role="alert">{move || error_at(&errors.read(), i)}</span>
                            <button type="button" class="link" id=input_id(&format!("documents[{i}]")) aria-describedby=error_id
                                aria-label=pick(format!("Bỏ giấy tờ {}", c.title), format!("Remove the document {}", c.title))
                                on:click=move |_| toggle(id.clone(), String::new(), false)>{t("Bỏ", "Remove")}</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || (!open.get()).then(|| view! {
                <button type="button" class="secondary" on:click=show>{t("Chọn từ Giấy tờ của tôi", "Choose from My documents")}</button>
            })}
            {move || open.get().then(|| match wallet.get() {
                None => view! { <p class="muted" role="status">{t("Đang tải giấy tờ…", "Loading your documents…")}</p> }.into_any(),
                Some(Err(e)) if e.is_unauthorized() => view! {
                    <p>{t("Vui lòng ", "Please ")}<a href=login.clone()>{t("đăng nhập", "log in")}</a>{t(" để dùng giấy tờ đã có.", " to use your documents.")}</p>
                }.into_any(),
                Some(Err(e)) => view! {
                    <p class="error" role="alert">{e.message}</p>
                    <button type="button" class="secondary" on:click=show>{t("Thử lại", "Retry")}</button>
                }.into_any(),
                Some(Ok(w)) if w.documents.is_empty() => view! {
                    <p class="muted">{t("Bạn chưa có giấy tờ nào trong “Giấy tờ của tôi”.", "You have no documents in “My documents” yet.")}</p>
                }.into_any(),
                Some(Ok(w)) => view! {
                    <div class="wallet-choices" role="group" aria-label=t("Giấy tờ của tôi", "My documents")>
                        {w.documents.into_iter().map(|d| {
                            let box_id = format!("reuse-{}", d.id);
                            let box_for = box_id.clone();
                            let revoked = d.signature.as_ref().is_some_and(|s| s.revoked.is_some());
                            let signed = d.signature.is_some() && d.kind != WalletKind::Upload;
                            let (id, id2, title) = (d.id.clone(), d.id.clone(), d.title.clone());
                            view! {
                                <label class="check" for=box_for>
                                    <input type="checkbox" id=box_id disabled=revoked
                                        prop:checked=move || chosen.with(|v| v.iter().any(|c| c.id == id))
                                        on:change=move |ev| toggle(id2.clone(), title.clone(), event_target_checked(&ev))/>
                                    <span>{d.title.clone()}" "<span class="muted">{format!("({})", kind_label(d.kind))}</span>
                                        {signed.then(|| view! { <span class="badge">{t("Có chữ ký số", "Digitally signed")}</span> })}
                                        {revoked.then(|| view! { <span class="badge revoked">{t("Đã thu hồi", "Revoked")}</span> })}</span>
                                </label>
                            }
                        }).collect_view()}
                        <button type="button" class="secondary" on:click=move |_| open.set(false)>{t("Xong", "Done")}</button>
                    </div>
                }.into_any(),
            })}
        </fieldset>
    }
}
