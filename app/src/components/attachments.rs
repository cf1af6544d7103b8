//! Attaching scans: a photo from the camera (`capture`) or files from the phone (JPEG, PNG,
//! PDF). Photos are downscaled in the browser (long edge ≤ 2000 px) and recompressed as JPEG
//! before upload, showing the size before and after; each file goes up alone with a progress bar
//! (XMLHttpRequest, the one browser API that reports upload progress), and a failed one can be
//! retried or removed without touching the rest of the form. A file the server refuses for what
//! it is (not a JPEG, PNG or PDF; damaged; too large) offers "Chọn tệp khác" instead: sending the
//! same bytes again would only be refused again.
//!
//! Nothing is lost on a bad network: a file larger than one part (5 MiB) goes up in parts (the
//! server's multipart session), and "Thử lại" asks the server which parts it has and sends only
//! the others. Until a file is uploaded its bytes wait in IndexedDB (`pending_uploads`) under the
//! draft's key, so after a reload or a closed tab it reappears in the form and resumes.

use std::collections::HashMap;
use std::rc::Rc;

use leptos::prelude::*;
use motcua_domain::api::{MultipartView, StartMultipart, UploadView};
use motcua_domain::upload::PART_BYTES;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, CanvasRenderingContext2d, File, HtmlCanvasElement, ImageBitmap};

use super::form::Errors;
use super::pending_uploads::{self, PendingFile};
use crate::api::uploads::{self, offline};
use crate::api::ApiFailure;
use crate::i18n::{pick, t};

const LONG_EDGE: f64 = 2000.0;
const JPEG_QUALITY: f64 = 0.82;

#[derive(Clone, PartialEq)]
pub enum State {
    Preparing,
    Uploading(u8),
    /// `refused`: the file itself was refused (its type, bytes or size), so the row offers
    /// another file instead of a retry that would be refused again.
    Failed { message: String, refused: bool },
    Done(UploadView),
}

#[derive(Clone, PartialEq)]
pub struct Attachment {
    pub key: u32,
    pub name: String,
    /// Size picked on the phone, and what goes up after recompression.
    pub original: f64,
    pub size: f64,
    pub state: State,
}

impl Attachment {
    /// What changes the row's look (for `<For>`'s key).
    fn look(&self) -> (u32, u16, u64) {
        let s = match &self.state {
            State::Preparing => 0,
            State::Uploading(p) => 1 + *p as u16,
            State::Failed { refused, .. } => 200 + *refused as u16,
            State::Done(_) => 300,
        };
        (self.key, s, self.size as u64)
    }

    pub fn done(view: UploadView, key: u32) -> Self {
        Attachment { key, name: view.name.clone(), original: view.size as f64, size: view.size as f64, state: State::Done(view) }
    }
}

/// "3,4 MB", "412 KB".
pub fn human_size(bytes: f64) -> String {
    if bytes >= 1024.0 * 1024.0 {
        format!("{:.1} MB", bytes / 1024.0 / 1024.0).replace('.', ",")
    } else {
        format!("{} KB", (bytes / 1024.0).ceil() as u64)
    }
}

fn js_err(e: JsValue) -> String {
    e.as_string().unwrap_or_else(|| t("Không xử lý được ảnh.", "The photo could not be processed.").into())
}

/// A photo scaled so its long edge is at most 2000 px, as JPEG. Falls back to the original when
/// that would not make it smaller.
async fn shrink(file: &File) -> Result<Blob, String> {
    let bitmap: ImageBitmap = JsFuture::from(window().create_image_bitmap_with_blob(file).map_err(js_err)?)
        .await
        .map_err(|_| t("Không đọc được ảnh này.", "This photo could not be read.").to_string())?
        .unchecked_into();
    let (w, h) = (bitmap.width() as f64, bitmap.height() as f64);
    let scale = (LONG_EDGE / w.max(h)).min(1.0);
    let canvas: HtmlCanvasElement = document().create_element("canvas").map_err(js_err)?.unchecked_into();
    canvas.set_width((w * scale).round() as u32);
    canvas.set_height((h * scale).round() as u32);
    let ctx: CanvasRenderingContext2d = canvas.get_context("2d").map_err(js_err)?.ok_or("canvas")?.unchecked_into();
    ctx.draw_image_with_image_bitmap_and_dw_and_dh(&bitmap, 0.0, 0.0, canvas.width() as f64, canvas.height() as f64).map_err(js_err)?;
    bitmap.close();
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let _ = canvas.to_blob_with_type_and_encoder_options(&resolve, "image/jpeg", &JsValue::from_f64(JPEG_QUALITY));
    });
    let blob: Blob = JsFuture::from(promise)
        .await
        .map_err(js_err)?
        .dyn_into()
        .map_err(|_| t("Không nén được ảnh.", "The photo could not be compressed.").to_string())?;
    Ok(if blob.size() < file.size() { blob } else { file.clone().into() })
}

fn percent(sent: f64, total: f64) -> u8 {
    if total > 0.0 {
        (sent / total * 100.0).clamp(0.0, 100.0) as u8
    } else {
        0
    }
}

/// The type to announce for a file the browser did not type (some pickers leave it empty).
fn content_type(blob: &Blob, name: &str) -> String {
    let declared = blob.type_();
    if !declared.is_empty() {
        return declared;
    }
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".pdf") {
        "application/pdf".into()
    } else if lower.ends_with(".png") {
        "image/png".into()
    } else {
        "image/jpeg".into()
    }
}

/// Sends a small file in one request.
async fn send_whole(blob: &Blob, name: &str, agency: &str, progress: Rc<dyn Fn(u8)>) -> Result<UploadView, ApiFailure> {
    let total = blob.size();
    uploads::upload(blob, name, &content_type(blob, name), agency, Some(Rc::new(move |sent| progress(percent(sent, total))))).await
}

/// Sends a large file in parts. With `session` it first asks the server which parts it has and
/// sends only the others; `remember` keeps a new session's id (or forgets a lost one) on the
/// phone, so a reload resumes it too. `wanted` turns false once the person removed the file.
async fn send_in_parts<F: std::future::Future<Output = ()>>(
    blob: &Blob,
    name: &str,
    agency: &str,
    session: Option<String>,
    remember: impl Fn(Option<String>) -> F,
    progress: Rc<dyn Fn(u8)>,
    wanted: impl Fn() -> bool,
) -> Result<UploadView, ApiFailure> {
    let total = blob.size();
    let mut plan: Option<MultipartView> = None;
    if let Some(id) = session {
        match uploads::multipart(&id).await {
            Ok(p) => plan = Some(p),
            Err(f) if f.status == 404 => {
                // Completed already (its answer was lost on the way back), or dropped by the
                // server after a day: completing tells which.
                match uploads::complete_multipart(&id).await {
                    Ok(done) => return Ok(done),
                    Err(f) if f.status == 404 => remember(None).await,
                    Err(f) => return Err(f),
                }
            }
            Err(f) => return Err(f),
        }
    }
    let plan = match plan {
        Some(p) => p,
        None => {
            let start = StartMultipart { name: name.to_string(), size: total as u64, content_type: content_type(blob, name) };
            let p = uploads::start_multipart(&start, agency).await?;
            // Saved before any part goes, so a reload from here on resumes this session.
            remember(Some(p.id.clone())).await;
            p
        }
    };
    let part_size = plan.part_size as f64;
    let range = |n: u32| ((n - 1) as f64 * part_size, (n as f64 * part_size).min(total));
    let mut sent: f64 = plan.received.iter().map(|n| range(*n)).map(|(a, b)| (b - a).max(0.0)).sum();
    progress(percent(sent, total));
    for n in (1..=plan.parts).filter(|n| !plan.received.contains(n)) {
        if !wanted() {
            return Err(ApiFailure { status: 0, code: "removed".into(), field: None, message: String::new(), rows: Vec::new() });
        }
        let (from, to) = range(n);
        let part = blob.slice_with_f64_and_f64(from, to).map_err(|_| offline())?;
        let before = sent;
        let progress = progress.clone();
        uploads::put_part(&plan.id, n, &part, Some(Rc::new(move |now| progress(percent(before + now, total))))).await?;
        sent += to - from;
    }
    uploads::complete_multipart(&plan.id).await
}

#[component]
pub fn Attachments(
    items: RwSignal<Vec<Attachment>>,
    errors: RwSignal<Errors>,
    /// The draft's key: files not yet uploaded are kept on the phone under it.
    #[prop(into)]
    draft: String,
    /// The agency the dossier goes to: the server keeps the files where that agency's dossiers are.
    #[prop(into)]
    agency: String,
) -> impl IntoView {
    // Files not yet uploaded, by row (browser objects stay on this thread); also in IndexedDB.
    let pending = StoredValue::new_local(HashMap::<u32, PendingFile>::new());
    let next_key = StoredValue::new(items.with_untracked(|v| v.iter().map(|a| a.key).max().unwrap_or(0)) + 1);
    let draft = StoredValue::new(draft);
    let agency = StoredValue::new(agency);

    let set_state = move |key: u32, state: State| items.update(|v| v.iter_mut().filter(|a| a.key == key).for_each(|a| a.state = state.clone()));
    let present = move |key: u32| items.with_untracked(|v| v.iter().any(|a| a.key == key));
    let upload = move |key: u32| {
        let Some(file) = pending.with_value(|p| p.get(&key).cloned()) else { return };
        set_state(key, State::Uploading(0));
        leptos::task::spawn_local(async move {
            let progress: Rc<dyn Fn(u8)> = Rc::new(move |p| {
                if present(key) {
                    set_state(key, State::Uploading(p))
                }
            });
            let result = if file.blob.size() > PART_BYTES as f64 {
                let remember = move |session: Option<String>| {
                    let updated = pending.try_update_value(|p| {
                        p.get_mut(&key).map(|f| {
                            f.multipart = session.clone();
                            f.clone()
                        })
                    });
                    async move {
                        if let Some(Some(f)) = updated {
                            pending_uploads::save(&f).await;
                        }
                    }
                };
                send_in_parts(&file.blob, &file.name, &agency.get_value(), file.multipart.clone(), remember, progress, move || present(key)).await
            } else {
                send_whole(&file.blob, &file.name, &agency.get_value(), progress).await
            };
            match result {
                Ok(view) => {
                    pending.update_value(|p| {
                        p.remove(&key);
                    });
                    pending_uploads::delete(&file.id).await;
                    // A file restored after its answer was lost may already be in the form.
                    let twice = items.with_untracked(|v| v.iter().any(|a| a.key != key && matches!(&a.state, State::Done(d) if d.id == view.id)));
                    if twice {
                        items.update(|v| v.retain(|a| a.key != key));
                    } else {
                        set_state(key, State::Done(view));
                    }
                }
                Err(f) if present(key) => {
                    let refused = (400..500).contains(&f.status) && motcua_domain::upload::refuses_the_file(&f.code);
                    if refused {
                        // Kept on the phone it would only be refused again after a reload.
                        pending.update_value(|p| {
                            p.remove(&key);
                        });
                        pending_uploads::delete(&file.id).await;
                    }
                    set_state(key, State::Failed { message: f.message, refused });
                }
                Err(_) => {}
            }
        });
    };
    // A row for a file whose bytes are ready, kept on the phone until it is uploaded.
    let track = move |key: u32, file: PendingFile| {
        pending.update_value(|p| {
            p.insert(key, file);
        });
    };
    // Files left pending by an earlier visit (reload, closed tab): back in the form, resuming.
    leptos::task::spawn_local(async move {
        for file in pending_uploads::of_draft(&draft.get_value()).await {
            let key = next_key.get_value();
            next_key.set_value(key + 1);
            let size = file.blob.size();
            items.update(|v| v.push(Attachment { key, name: file.name.clone(), original: file.original, size, state: State::Uploading(0) }));
            track(key, file);
            upload(key);
        }
    });
    let add = move |file: File| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        let kind = file.type_();
        let photo = kind == "image/jpeg" || kind == "image/png";
        items.update(|v| v.push(Attachment { key, name: file.name(), original: file.size(), size: file.size(), state: State::Preparing }));
        leptos::task::spawn_local(async move {
            let mut name = file.name();
            let original = file.size();
            let blob = if photo {
                match shrink(&file).await {
                    Ok(b) => {
                        if b.type_() == "image/jpeg" && kind == "image/png" {
                            name = format!("{}.jpg", name.trim_end_matches(".png").trim_end_matches(".PNG"));
                        }
                        b
                    }
                    Err(m) => return set_state(key, State::Failed { message: m, refused: true }),
                }
            } else {
                file.into()
            };
            let size = blob.size();
            items.update(|v| v.iter_mut().filter(|a| a.key == key).for_each(|a| {
                a.size = size;
                a.name = name.clone();
            }));
            let file = PendingFile {
                id: pending_uploads::new_id(),
                draft: draft.get_value(),
                name,
                original,
                blob,
                multipart: None,
            };
            pending_uploads::save(&file).await;
            if present(key) {
                track(key, file);
                upload(key);
            } else {
                pending_uploads::delete(&file.id).await;
            }
        });
    };
    let remove = move |key: u32| {
        items.update(|v| v.retain(|x| x.key != key));
        if let Some(file) = pending.try_update_value(|p| p.remove(&key)).flatten() {
            leptos::task::spawn_local(async move {
                pending_uploads::delete(&file.id).await;
                // Tell the server to drop the parts it has; if that fails the cron does it.
                if let Some(session) = file.multipart {
                    let _ = uploads::abort_multipart(&session).await;
                }
            });
        }
    };
    // A refused file leaves the list and the picker opens for the one to send instead.
    let choose_another = move |key: u32| {
        remove(key);
        if let Some(input) = document().get_element_by_id("pick-files").and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok()) {
            let _ = input.focus();
            input.click();
        }
    };
    let on_pick = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        if let Some(list) = input.files() {
            for i in 0..list.length() {
                if let Some(f) = list.get(i) {
                    add(f);
                }
            }
        }
        input.set_value("");
    };

    view! {
        <fieldset class="attachments">
            <legend>{t("Tệp đính kèm (ảnh chụp, bản quét)", "Attachments (photos, scans)")}</legend>
            <p class="muted">{t(
                "JPEG, PNG hoặc PDF, tối đa 20 MB mỗi tệp, 50 MB mỗi hồ sơ. Ảnh được thu nhỏ trước khi gửi.",
                "JPEG, PNG or PDF, at most 20 MB a file and 50 MB a dossier. Photos are downscaled before sending.",
            )}</p>
            <div class="pickers">
                <label class="button secondary" for="pick-camera">{t("Chụp ảnh", "Take a photo")}</label>
                <input id="pick-camera" class="visually-hidden" type="file" accept="image/*" capture="environment" on:change=on_pick/>
                <label class="button secondary" for="pick-files">{t("Chọn tệp", "Choose files")}</label>
                <input id="pick-files" class="visually-hidden" type="file" accept="image/jpeg,image/png,application/pdf" multiple on:change=on_pick/>
            </div>
            <ul class="files" aria-label=t("Tệp đã chọn", "Chosen files")>
                <For each=move || items.get() key=|a| a.look() let:a>
                    {
                        let key = a.key;
                        let index = move || items.with(|v| v.iter().filter(|x| matches!(x.state, State::Done(_))).position(|x| x.key == key));
                        let server_error = move || index().and_then(|i| errors.read().at(&format!("files[{i}]")));
                        let sizes = if a.original > a.size {
                            format!("{} → {}", human_size(a.original), human_size(a.size))
                        } else {
                            human_size(a.size)
                        };
                        view! {
                            <li class="file" data-state=match &a.state { State::Done(_) => "done", State::Failed { .. } => "failed", _ => "busy" }>
                                <span class="file-name">{a.name.clone()}</span>
                                <span class="file-size muted">{sizes}</span>
                                {match a.state.clone() {
                                    State::Preparing => view! { <span class="muted">{t("Đang thu nhỏ ảnh…", "Downscaling the photo…")}</span> }.into_any(),
                                    State::Uploading(p) => view! {
                                        <progress max="100" value=p.to_string() aria-label=pick(format!("Đang tải lên {}", a.name), format!("Uploading {}", a.name))>{format!("{p}%")}</progress>
                                    }.into_any(),
                                    State::Failed { message, refused: true } => view! {
                                        <span class="field-error" role="alert">{message}</span>
                                        <button type="button" class="secondary" on:click=move |_| choose_another(key)>{t("Chọn tệp khác", "Choose another file")}</button>
                                    }.into_any(),
                                    State::Failed { message, refused: false } => view! {
                                        <span class="field-error" role="alert">{message}</span>
                                        <button type="button" class="secondary" on:click=move |_| upload(key)>{t("Thử lại", "Retry")}</button>
                                    }.into_any(),
                                    State::Done(_) => view! { <span class="ok">{t("Đã tải lên", "Uploaded")}</span> }.into_any(),
                                }}
                                <span class="field-error" role="alert">{server_error}</span>
                                <button type="button" class="link" aria-label=pick(format!("Xóa tệp {}", a.name), format!("Remove the file {}", a.name))
                                    on:click=move |_| remove(key)>{t("Xóa", "Remove")}</button>
                            </li>
                        }
                    }
                </For>
            </ul>
        </fieldset>
    }
}
