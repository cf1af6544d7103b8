//! Uploading scans. Each request goes by XMLHttpRequest, the one browser API that reports upload
//! progress (`progress` gets the bytes of the body sent so far); failures are [`ApiFailure`]s
//! whose message suits a file row ("Thử lại" when the connection dropped).

use std::rc::Rc;

use motcua_domain::api::{ErrorBody, MultipartView, StartMultipart, UploadView};
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, ProgressEvent, XmlHttpRequest};

use super::{encode, ApiFailure};
use crate::i18n::{pick, t};

pub type Progress = Option<Rc<dyn Fn(f64)>>;

/// The connection dropped (status 0).
pub fn offline() -> ApiFailure {
    ApiFailure {
        status: 0,
        code: "network".into(),
        field: None,
        rows: Vec::new(),
        message: t(
            "Mất kết nối khi tải tệp lên. Bấm “Thử lại” khi có mạng.",
            "The connection dropped while uploading. Press “Retry” when you are back online.",
        )
        .into(),
    }
}

/// `POST /api/uploads`: a small file in one request, for a dossier to `agency` (`X-Agency`: the
/// server keeps it with that agency's dossiers).
pub async fn upload(blob: &Blob, name: &str, content_type: &str, agency: &str, progress: Progress) -> Result<UploadView, ApiFailure> {
    let name = encode(name);
    let headers = [("Content-Type", content_type), ("X-File-Name", &name), ("X-Agency", agency)];
    parse(&exchange("POST", "/api/uploads", &headers, Body::Blob(blob), progress).await?)
}

/// A file as the whole body of a `POST` to `url` (the desk's scans), with progress; answers the
/// JSON the route answers.
#[cfg_attr(not(feature = "staff"), allow(dead_code))]
pub async fn post_file<T: DeserializeOwned>(url: &str, blob: &Blob, content_type: &str, progress: Progress) -> Result<T, ApiFailure> {
    parse(&exchange("POST", url, &[("Content-Type", content_type)], Body::Blob(blob), progress).await?)
}

/// `POST /api/uploads/multipart`: announces a file that goes up in parts (`agency` as for [`upload`]).
pub async fn start_multipart(start: &StartMultipart, agency: &str) -> Result<MultipartView, ApiFailure> {
    let json = serde_json::to_string(start).map_err(|_| offline())?;
    parse(&exchange("POST", "/api/uploads/multipart", &[("X-Agency", agency)], Body::Json(json), None).await?)
}

/// `GET /api/uploads/multipart/{id}`: the plan and the parts the server has (404 once completed
/// or dropped).
pub async fn multipart(id: &str) -> Result<MultipartView, ApiFailure> {
    parse(&exchange("GET", &format!("/api/uploads/multipart/{}", encode(id)), &[], Body::Empty, None).await?)
}

/// `PUT /api/uploads/multipart/{id}/parts/{n}`.
pub async fn put_part(id: &str, n: u32, part: &Blob, progress: Progress) -> Result<(), ApiFailure> {
    exchange("PUT", &format!("/api/uploads/multipart/{}/parts/{n}", encode(id)), &[], Body::Blob(part), progress).await.map(|_| ())
}

/// `POST /api/uploads/multipart/{id}/complete`: the upload, once every part is there.
pub async fn complete_multipart(id: &str) -> Result<UploadView, ApiFailure> {
    parse(&exchange("POST", &format!("/api/uploads/multipart/{}/complete", encode(id)), &[], Body::Empty, None).await?)
}

/// `DELETE /api/uploads/multipart/{id}`: drops the parts sent.
pub async fn abort_multipart(id: &str) -> Result<(), ApiFailure> {
    exchange("DELETE", &format!("/api/uploads/multipart/{}", encode(id)), &[], Body::Empty, None).await.map(|_| ())
}

enum Body<'a> {
    Empty,
    Json(String),
    Blob(&'a Blob),
}

async fn exchange(method: &str, url: &str, headers: &[(&str, &str)], body: Body<'_>, progress: Progress) -> Result<String, ApiFailure> {
    let xhr = XmlHttpRequest::new().map_err(|_| offline())?;
    xhr.open(method, url).map_err(|_| offline())?;
    for (name, value) in headers {
        let _ = xhr.set_request_header(name, value);
    }
    let on_progress = Closure::<dyn Fn(ProgressEvent)>::new(move |e: ProgressEvent| {
        if let Some(p) = &progress {
            p(e.loaded());
        }
    });
    if let Ok(up) = xhr.upload() {
        up.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    }
    let done = js_sys::Promise::new(&mut |resolve, _| xhr.set_onloadend(Some(&resolve)));
    let sent = match body {
        Body::Empty => xhr.send(),
        Body::Json(text) => {
            let _ = xhr.set_request_header("Content-Type", "application/json");
            xhr.send_with_opt_str(Some(&text))
        }
        Body::Blob(blob) => xhr.send_with_opt_blob(Some(blob)),
    };
    sent.map_err(|_| offline())?;
    let _ = JsFuture::from(done).await;
    drop(on_progress);
    let status = xhr.status().unwrap_or(0);
    let text = xhr.response_text().ok().flatten().unwrap_or_default();
    let failure = |code: String, message: String, field| Err(ApiFailure { status, code, field, message, rows: Vec::new() });
    match status {
        0 => Err(offline()),
        200..=299 => Ok(text),
        401 => failure("unauthorized".into(), t("Vui lòng đăng nhập để tải tệp lên.", "Please log in to upload files.").into(), None),
        _ => match serde_json::from_str::<ErrorBody>(&text) {
            Ok(b) => failure(
                b.error.code,
                match b.error.message_vi {
                    Some(vi) => pick(vi, b.error.message),
                    None => b.error.message,
                },
                b.error.field,
            ),
            Err(_) => failure("upload".into(), t("Không tải được tệp lên, vui lòng thử lại.", "The file could not be uploaded; please try again.").into(), None),
        },
    }
}

fn parse<T: DeserializeOwned>(text: &str) -> Result<T, ApiFailure> {
    serde_json::from_str(text).map_err(|_| offline())
}
