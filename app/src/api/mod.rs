//! The app's one client of the edge functions: a function per endpoint, grouped by feature
//! ([`catalog`], [`auth`], [`dossiers`], [`documents`], [`payments`], [`pay_links`], [`bills`], [`receipts`], [`uploads`],
//! and in the staff bundle `desk`, `admin`, `dashboard`, `refunds`, `national`), each taking typed arguments
//! and answering the typed wire value of `motcua_domain::api` (or of its module). Pages never
//! write an `/api/…` path.
//!
//! Every failure becomes an [`ApiFailure`] carrying the server's field and its message in the
//! interface's language, so pages show why at the field. A read can be given an
//! [`AbortSignal`] ([`Call::signal`], [`use_abort`]) so a page that goes away stops its requests.

pub mod auth;
pub mod bills;
pub mod catalog;
pub mod documents;
pub mod dossiers;
pub mod pay_links;
pub mod payments;
pub mod receipts;
pub mod uploads;
#[cfg(feature = "staff")]
pub mod admin;
#[cfg(feature = "staff")]
pub mod dashboard;
#[cfg(feature = "staff")]
pub mod desk;
#[cfg(feature = "staff")]
pub mod national;
#[cfg(feature = "staff")]
pub mod outreach;
#[cfg(feature = "staff")]
pub mod refunds;

use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;

use gloo_net::http::{Method, RequestBuilder};
use leptos::prelude::{on_cleanup, LocalStorage, StoredValue, UpdateValue, WithValue};
use serde::de::DeserializeOwned;
use serde::Serialize;
use web_sys::{AbortController, AbortSignal};

#[derive(Debug, Clone, PartialEq)]
pub struct ApiFailure {
    pub status: u16,
    pub code: String,
    pub field: Option<String>,
    /// The text to show to the person, in the interface's language.
    pub message: String,
    /// A refused file's rows (400 `invalid_rows`, a CSV import): every bad line by line and
    /// column, each message in the interface's language. Empty for any other failure.
    pub rows: Vec<RowFailure>,
}

/// One bad line of an imported file, as the server names it.
#[derive(Debug, Clone, PartialEq)]
pub struct RowFailure {
    pub line: usize,
    pub field: String,
    pub message: String,
}

/// The error envelope, with the rows an import answers beside it.
#[derive(serde::Deserialize)]
struct Envelope {
    error: motcua_domain::api::ErrorDetail,
    #[serde(default)]
    errors: Vec<WireRow>,
}

/// A row error as the imports answer it (`{line, field, code, message, message_vi}`; a file
/// error names its `column` instead of a field).
#[derive(serde::Deserialize)]
struct WireRow {
    #[serde(default)]
    line: usize,
    #[serde(default, alias = "column")]
    field: Option<String>,
    #[serde(default, alias = "message_en")]
    message: String,
    #[serde(default)]
    message_vi: Option<String>,
}

impl ApiFailure {
    pub fn is_unauthorized(&self) -> bool {
        self.status == 401
    }

    /// Refused because the dossier is no longer as the page read it: someone else changed it
    /// meanwhile (409 `conflict`, whose message says to reload), or it moved on or was closed
    /// (`wrong_state`, `dossier_closed`). A page showing the dossier shows the message and
    /// reads the dossier again.
    pub fn dossier_changed(&self) -> bool {
        self.status == 409 && matches!(self.code.as_str(), "conflict" | "wrong_state" | "dossier_closed")
    }

    /// The request was cancelled by its page ([`use_abort`]); nothing to show.
    pub fn is_aborted(&self) -> bool {
        self.code == "aborted"
    }

    fn network() -> Self {
        Self {
            status: 0,
            code: "network".into(),
            field: None,
            rows: Vec::new(),
            message: crate::i18n::t(
                "Không kết nối được máy chủ. Vui lòng kiểm tra mạng và thử lại.",
                "Cannot reach the server. Please check your network and try again.",
            )
            .into(),
        }
    }
}

impl std::fmt::Display for ApiFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ApiFailure {}

/// What a request carries.
enum Body {
    None,
    Json(String),
    #[cfg_attr(not(feature = "staff"), allow(dead_code))]
    Blob(String, web_sys::Blob),
}

/// One request to the API, answering `T`: `.await` it, optionally after [`Call::signal`].
#[must_use = "a call does nothing until awaited"]
pub struct Call<T> {
    method: Method,
    url: String,
    body: Body,
    signal: Option<AbortSignal>,
    answer: PhantomData<fn() -> T>,
}

impl<T> Call<T> {
    fn new(method: Method, url: String) -> Self {
        Self { method, url, body: Body::None, signal: None, answer: PhantomData }
    }

    fn json<B: Serialize>(mut self, body: &B) -> Self {
        // Only a non-string map key fails to serialize, which none of the wire types has.
        self.body = Body::Json(serde_json::to_string(body).unwrap_or_default());
        self
    }

    #[cfg_attr(not(feature = "staff"), allow(dead_code))]
    fn blob(mut self, content_type: String, blob: &web_sys::Blob) -> Self {
        self.body = Body::Blob(content_type, blob.clone());
        self
    }

    /// Cancels the request when the signal aborts (the page went away, or asked again).
    pub fn signal(mut self, signal: Option<AbortSignal>) -> Self {
        self.signal = signal;
        self
    }
}

impl<T: DeserializeOwned + 'static> IntoFuture for Call<T> {
    type Output = Result<T, ApiFailure>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output>>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let aborted = self.signal.clone();
            let builder = RequestBuilder::new(&self.url).method(self.method).abort_signal(self.signal.as_ref());
            let request = match self.body {
                Body::None => builder.build(),
                Body::Json(text) => builder.header("content-type", "application/json").body(text),
                Body::Blob(ct, blob) => builder.header("content-type", &ct).body(wasm_bindgen::JsValue::from(blob)),
            };
            let sent = match request {
                Ok(r) => r.send().await,
                Err(_) => return Err(ApiFailure::network()),
            };
            match sent {
                Ok(resp) => decode(resp).await,
                Err(_) if aborted.is_some_and(|s| s.aborted()) => Err(ApiFailure { code: "aborted".into(), ..ApiFailure::network() }),
                Err(_) => Err(ApiFailure::network()),
            }
        })
    }
}

async fn decode<T: DeserializeOwned>(resp: gloo_net::http::Response) -> Result<T, ApiFailure> {
    let status = resp.status();
    if status == 204 {
        // No body (log-out): `()` reads from `null`.
        return serde_json::from_str("null").map_err(|_| ApiFailure::network());
    }
    if resp.ok() {
        return resp.json::<T>().await.map_err(|_| ApiFailure::network());
    }
    match resp.json::<Envelope>().await {
        Ok(body) => Err(ApiFailure {
            status,
            message: match body.error.message_vi {
                Some(vi) => crate::i18n::pick(vi, body.error.message),
                None => body.error.message,
            },
            code: body.error.code,
            field: body.error.field,
            rows: body
                .errors
                .into_iter()
                .map(|r| RowFailure {
                    line: r.line,
                    field: r.field.unwrap_or_default(),
                    message: match r.message_vi {
                        Some(vi) => crate::i18n::pick(vi, r.message),
                        None => r.message,
                    },
                })
                .collect(),
        }),
        Err(_) => Err(ApiFailure { status, ..ApiFailure::network() }),
    }
}

fn get<T>(url: String) -> Call<T> {
    Call::new(Method::GET, url)
}

fn post<T>(url: String) -> Call<T> {
    Call::new(Method::POST, url)
}

fn put<T>(url: String) -> Call<T> {
    Call::new(Method::PUT, url)
}

/// Encodes a query-string value (the browser's own encoder, so no URL crate in the bundle).
pub fn encode(value: &str) -> String {
    String::from(js_sys::encode_uri_component(value))
}

/// Whether the app runs framed on a commune portal: the Worker's embed page (`/nhung/{agency}`)
/// sets `window.motcuaEmbed` (see `public/embed-frame.js`). There, log-in asks for the
/// partitioned cookie and payment gateways open in a new window (they refuse to be framed).
pub fn embedded() -> bool {
    js_sys::Reflect::get(&web_sys::window().expect("window").into(), &"motcuaEmbed".into()).is_ok_and(|v| v.is_truthy())
}

/// The abort handle of one kind of request of a component: [`UseAbort::next`] gives the signal
/// for a new request and aborts the one before it (the newer answer wins), and the component's
/// cleanup aborts whichever is still in flight. One `AbortController` per request.
#[derive(Clone, Copy)]
pub struct UseAbort {
    current: StoredValue<Option<AbortController>, LocalStorage>,
}

impl UseAbort {
    pub fn next(&self) -> Option<AbortSignal> {
        let controller = AbortController::new().ok();
        let signal = controller.as_ref().map(AbortController::signal);
        if let Some(Some(before)) = self.current.try_update_value(|c| std::mem::replace(c, controller)) {
            before.abort();
        }
        signal
    }

    pub fn abort(&self) {
        self.current.try_with_value(|c| c.as_ref().map(AbortController::abort));
    }
}

pub fn use_abort() -> UseAbort {
    let handle = UseAbort { current: StoredValue::new_local(None) };
    on_cleanup(move || handle.abort());
    handle
}
