//! Attaching scans: a photo from the camera (`capture`) or files from the phone (JPEG, PNG,
//! PDF). Photos are downscaled in the browser (long edge ≤ 2000 px) and recompressed as JPEG
//! before upload, showing the size before and after; each file goes up alone with a progress bar
//! (XMLHttpRequest, the one browser API that reports upload progress), and a failed one can be
//! retried or removed without touching the rest of the form.

use std::collections::HashMap;

use leptos::prelude::*;
use motcua_domain::api::{ErrorBody, UploadView};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, CanvasRenderingContext2d, File, HtmlCanvasElement, ImageBitmap, ProgressEvent, XmlHttpRequest};

use super::form::Errors;

const LONG_EDGE: f64 = 2000.0;
const JPEG_QUALITY: f64 = 0.82;

#[derive(Clone, PartialEq)]
pub enum State {
    Preparing,
    Uploading(u8),
    Failed(String),
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
            State::Failed(_) => 200,
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
    e.as_string().unwrap_or_else(|| "Không xử lý được ảnh.".into())
}

/// A photo scaled so its long edge is at most 2000 px, as JPEG. Falls back to the original when
/// that would not make it smaller.
async fn shrink(file: &File) -> Result<Blob, String> {
    let bitmap: ImageBitmap = JsFuture::from(window().create_image_bitmap_with_blob(file).map_err(js_err)?)
        .await
        .map_err(|_| "Không đọc được ảnh này.".to_string())?
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
    let blob: Blob = JsFuture::from(promise).await.map_err(js_err)?.dyn_into().map_err(|_| "Không nén được ảnh.".to_string())?;
    Ok(if blob.size() < file.size() { blob } else { file.clone().into() })
}

/// Sends one file to `POST /api/uploads`, reporting progress (0–100).
async fn send(blob: &Blob, name: &str, progress: impl Fn(u8) + 'static) -> Result<UploadView, String> {
    let offline = "Mất kết nối khi tải tệp lên. Bấm “Thử lại” khi có mạng.".to_string();
    let xhr = XmlHttpRequest::new().map_err(js_err)?;
    xhr.open("POST", "/api/uploads").map_err(js_err)?;
    let _ = xhr.set_request_header("Content-Type", &blob.type_());
    let _ = xhr.set_request_header("X-File-Name", &crate::api::encode(name));
    let on_progress = Closure::<dyn Fn(ProgressEvent)>::new(move |e: ProgressEvent| {
        if e.length_computable() && e.total() > 0.0 {
            progress((e.loaded() / e.total() * 100.0) as u8);
        }
    });
    if let Ok(up) = xhr.upload() {
        up.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    }
    let done = js_sys::Promise::new(&mut |resolve, _| xhr.set_onloadend(Some(&resolve)));
    xhr.send_with_opt_blob(Some(blob)).map_err(|_| offline.clone())?;
    let _ = JsFuture::from(done).await;
    drop(on_progress);
    let status = xhr.status().unwrap_or(0);
    let text = xhr.response_text().ok().flatten().unwrap_or_default();
    match status {
        0 => Err(offline),
        200..=299 => serde_json::from_str(&text).map_err(|_| offline),
        401 => Err("Vui lòng đăng nhập để tải tệp lên.".into()),
        _ => Err(serde_json::from_str::<ErrorBody>(&text)
            .map(|b| b.error.message_vi.unwrap_or(b.error.message))
            .unwrap_or_else(|_| "Không tải được tệp lên, vui lòng thử lại.".into())),
    }
}

#[component]
pub fn Attachments(items: RwSignal<Vec<Attachment>>, errors: RwSignal<Errors>) -> impl IntoView {
    // The bytes of files not yet uploaded, kept for "Thử lại" (browser objects stay on this thread).
    let blobs = StoredValue::new_local(HashMap::<u32, Blob>::new());
    let next_key = StoredValue::new(items.with_untracked(|v| v.iter().map(|a| a.key).max().unwrap_or(0)) + 1);

    let set_state = move |key: u32, state: State| items.update(|v| v.iter_mut().filter(|a| a.key == key).for_each(|a| a.state = state.clone()));
    let upload = move |key: u32| {
        let Some(blob) = blobs.with_value(|b| b.get(&key).cloned()) else { return };
        let name = items.with_untracked(|v| v.iter().find(|a| a.key == key).map(|a| a.name.clone())).unwrap_or_default();
        set_state(key, State::Uploading(0));
        leptos::task::spawn_local(async move {
            match send(&blob, &name, move |p| set_state(key, State::Uploading(p))).await {
                Ok(view) => {
                    blobs.update_value(|b| {
                        b.remove(&key);
                    });
                    set_state(key, State::Done(view));
                }
                Err(m) => set_state(key, State::Failed(m)),
            }
        });
    };
    let add = move |file: File| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        let kind = file.type_();
        let photo = kind == "image/jpeg" || kind == "image/png";
        items.update(|v| v.push(Attachment { key, name: file.name(), original: file.size(), size: file.size(), state: State::Preparing }));
        leptos::task::spawn_local(async move {
            let mut name = file.name();
            let blob = if photo {
                match shrink(&file).await {
                    Ok(b) => {
                        if b.type_() == "image/jpeg" && kind == "image/png" {
                            name = format!("{}.jpg", name.trim_end_matches(".png").trim_end_matches(".PNG"));
                        }
                        b
                    }
                    Err(m) => return set_state(key, State::Failed(m)),
                }
            } else {
                file.into()
            };
            let size = blob.size();
            items.update(|v| v.iter_mut().filter(|a| a.key == key).for_each(|a| {
                a.size = size;
                a.name = name.clone();
            }));
            blobs.update_value(|b| {
                b.insert(key, blob);
            });
            upload(key);
        });
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
            <legend>"Tệp đính kèm (ảnh chụp, bản quét)"</legend>
            <p class="muted">"JPEG, PNG hoặc PDF, tối đa 20 MB mỗi tệp, 50 MB mỗi hồ sơ. Ảnh được thu nhỏ trước khi gửi."</p>
            <div class="pickers">
                <label class="button secondary" for="pick-camera">"Chụp ảnh"</label>
                <input id="pick-camera" class="visually-hidden" type="file" accept="image/*" capture="environment" on:change=on_pick/>
                <label class="button secondary" for="pick-files">"Chọn tệp"</label>
                <input id="pick-files" class="visually-hidden" type="file" accept="image/jpeg,image/png,application/pdf" multiple on:change=on_pick/>
            </div>
            <ul class="files" aria-label="Tệp đã chọn">
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
                            <li class="file" data-state=match &a.state { State::Done(_) => "done", State::Failed(_) => "failed", _ => "busy" }>
                                <span class="file-name">{a.name.clone()}</span>
                                <span class="file-size muted">{sizes}</span>
                                {match a.state.clone() {
                                    State::Preparing => view! { <span class="muted">"Đang thu nhỏ ảnh…"</span> }.into_any(),
                                    State::Uploading(p) => view! {
                                        <progress max="100" value=p.to_string() aria-label=format!("Đang tải lên {}", a.name)>{format!("{p}%")}</progress>
                                    }.into_any(),
                                    State::Failed(m) => view! {
                                        <span class="field-error" role="alert">{m}</span>
                                        <button type="button" class="secondary" on:click=move |_| upload(key)>"Thử lại"</button>
                                    }.into_any(),
                                    State::Done(_) => view! { <span class="ok">"Đã tải lên"</span> }.into_any(),
                                }}
                                <span class="field-error" role="alert">{server_error}</span>
                                <button type="button" class="link" aria-label=format!("Xóa tệp {}", a.name)
                                    on:click=move |_| {
                                        blobs.update_value(|b| { b.remove(&key); });
                                        items.update(|v| v.retain(|x| x.key != key));
                                    }>"Xóa"</button>
                            </li>
                        }
                    }
                </For>
            </ul>
        </fieldset>
    }
}
