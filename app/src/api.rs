//! Calls to the edge functions. Every failure becomes an [`ApiFailure`] carrying the server's
//! field and Vietnamese message when it sent one, so pages can show the error at the field.

use gloo_net::http::Request;
use motcua_domain::api::ErrorBody;
use serde::de::DeserializeOwned;

#[derive(Debug, Clone, PartialEq)]
pub struct ApiFailure {
    pub status: u16,
    pub code: String,
    pub field: Option<String>,
    /// The text to show to the person, in the interface's language.
    pub message: String,
}

impl ApiFailure {
    pub fn is_unauthorized(&self) -> bool {
        self.status == 401
    }

    fn network() -> Self {
        Self {
            status: 0,
            code: "network".into(),
            field: None,
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

pub async fn get<T: DeserializeOwned>(url: &str) -> Result<T, ApiFailure> {
    let resp = Request::get(url).send().await.map_err(|_| ApiFailure::network())?;
    decode(resp).await
}

async fn decode<T: DeserializeOwned>(resp: gloo_net::http::Response) -> Result<T, ApiFailure> {
    let status = resp.status();
    if resp.ok() {
        return resp.json::<T>().await.map_err(|_| ApiFailure::network());
    }
    match resp.json::<ErrorBody>().await {
        Ok(body) => Err(ApiFailure {
            status,
            message: match body.error.message_vi {
                Some(vi) => crate::i18n::pick(vi, body.error.message),
                None => body.error.message,
            },
            code: body.error.code,
            field: body.error.field,
        }),
        Err(_) => Err(ApiFailure { status, ..ApiFailure::network() }),
    }
}

/// Encodes a query-string value (the browser's own encoder, so no URL crate in the bundle).
/// Whether the app runs framed on a commune portal: the Worker's embed page (`/nhung/{agency}`)
/// sets `window.motcuaEmbed` (see `public/embed-frame.js`). There, log-in asks for the
/// partitioned cookie and payment gateways open in a new window (they refuse to be framed).
pub fn embedded() -> bool {
    js_sys::Reflect::get(&web_sys::window().expect("window").into(), &"motcuaEmbed".into()).is_ok_and(|v| v.is_truthy())
}

pub fn encode(value: &str) -> String {
    String::from(js_sys::encode_uri_component(value))
}

async fn send_json<T: DeserializeOwned, B: serde::Serialize>(
    builder: gloo_net::http::RequestBuilder,
    body: &B,
) -> Result<T, ApiFailure> {
    let req = builder.json(body).map_err(|_| ApiFailure::network())?;
    let resp = req.send().await.map_err(|_| ApiFailure::network())?;
    decode(resp).await
}

pub async fn post_json<T: DeserializeOwned, B: serde::Serialize>(url: &str, body: &B) -> Result<T, ApiFailure> {
    send_json(Request::post(url), body).await
}

pub async fn put_json<T: DeserializeOwned, B: serde::Serialize>(url: &str, body: &B) -> Result<T, ApiFailure> {
    send_json(Request::put(url), body).await
}

/// A POST whose success has no body (204), e.g. log-out.
pub async fn post_empty(url: &str) -> Result<(), ApiFailure> {
    let resp = Request::post(url).send().await.map_err(|_| ApiFailure::network())?;
    if resp.ok() {
        return Ok(());
    }
    decode::<serde_json::Value>(resp).await.map(|_| ())
}

/// A POST whose body is a file (its bytes as a `Blob`), e.g. the desk's result scan.
#[cfg_attr(not(feature = "staff"), allow(dead_code))]
pub async fn post_blob<T: DeserializeOwned>(url: &str, content_type: &str, body: &web_sys::Blob) -> Result<T, ApiFailure> {
    let req = Request::post(url)
        .header("content-type", content_type)
        .body(wasm_bindgen::JsValue::from(body.clone()))
        .map_err(|_| ApiFailure::network())?;
    let resp = req.send().await.map_err(|_| ApiFailure::network())?;
    decode(resp).await
}
