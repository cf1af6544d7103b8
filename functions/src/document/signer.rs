//! The client of the signing Worker (service binding `SIGNER`, crate `signer/`): it holds the
//! PDF library, which does not fit in this Worker's budget, and no key. Two stateless calls:
//! `prepare` appends the verification page and the signature placeholder and answers the CMS
//! signed attributes with their SHA-256 (what the remote provider signs); `finish` puts the
//! provider's signature into the placeholder. Bodies are multipart (`meta` JSON, `file`, `font`).

use base64::Engine;
use motcua_domain::document::{Source, Stamp};
use serde::Deserialize;
use serde_json::json;
use worker::js_sys::Uint8Array;
use worker::{Env, Headers, Method, Request, RequestInit};

use crate::platform::error::ApiError;
use crate::platform::random;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// A PDF ready for its signature.
pub struct Prepared {
    pub pdf: Vec<u8>,
    pub signed_attributes: Vec<u8>,
    pub to_be_signed: [u8; 32],
}

/// What the verification page shows and how the signature is described.
pub struct PageRequest<'a> {
    pub source: Source,
    pub signing_time: i64,
    pub chain_der: &'a [Vec<u8>],
    pub reason: &'a str,
    pub location: &'a str,
    pub name: &'a str,
    pub stamp: &'a Stamp,
    pub code: &'a str,
    pub url: &'a str,
    pub qr: Vec<String>,
}

fn multipart(meta: &serde_json::Value, parts: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = format!("motcua-{}", hex::encode(random::bytes::<16>()));
    let mut body = Vec::new();
    body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n").as_bytes());
    body.extend_from_slice(meta.to_string().as_bytes());
    for (name, bytes) in parts {
        body.extend_from_slice(
            format!("\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
    }
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[derive(Deserialize)]
struct Envelope {
    error: Detail,
}

#[derive(Deserialize)]
struct Detail {
    code: String,
    message: String,
    #[serde(default)]
    message_vi: Option<String>,
}

/// Calls the signing Worker; its 4xx (a PDF it cannot sign: encrypted, unreadable) is the
/// officer's to fix and is passed on as 422 with its code; anything else is our fault.
async fn call(env: &Env, path: &str, content_type: &str, body: Vec<u8>) -> Result<worker::Response, ApiError> {
    let headers = Headers::new();
    headers.set("content-type", content_type)?;
    let mut init = RequestInit::new();
    let array = Uint8Array::from(body.as_slice());
    init.with_method(Method::Post).with_headers(headers).with_body(Some(array.into()));
    let req = Request::new_with_init(&format!("https://signer{path}"), &init)?;
    let mut resp = env.service("SIGNER")?.fetch_request(req).await.map_err(|e| ApiError::Unavailable {
        code: "signer_unavailable",
        message: format!("The signing service did not answer ({e}); try again in a moment."),
        message_vi: "Dịch vụ ký số chưa phản hồi; vui lòng thử lại sau ít phút.".into(),
    })?;
    match resp.status_code() {
        200 => Ok(resp),
        400..=499 => {
            let text = resp.text().await.unwrap_or_default();
            let e: Option<Envelope> = serde_json::from_str(&text).ok();
            let (code, message, message_vi) = match e {
                Some(Envelope { error }) => (error.code, error.message, error.message_vi.unwrap_or_default()),
                None => ("not_signable".into(), text, String::new()),
            };
            Err(ApiError::Conflict {
                code,
                message,
                message_vi: if message_vi.is_empty() { "Không ký số được tệp này; hãy đính kèm tệp PDF khác.".into() } else { message_vi },
                field: Some("file".into()),
            })
        }
        s => Err(ApiError::Unexpected(format!("signer {path} answered {s}: {}", resp.text().await.unwrap_or_default()))),
    }
}

pub async fn prepare(env: &Env, file: &[u8], font: &[u8], r: &PageRequest<'_>) -> Result<Prepared, ApiError> {
    let meta = json!({
        "source": r.source.as_str(),
        "signing_time": r.signing_time,
        "certificates": r.chain_der.iter().map(|c| B64.encode(c)).collect::<Vec<_>>(),
        "reason": r.reason,
        "location": r.location,
        "name": r.name,
        "stamp": {"title": r.stamp.title, "lines": r.stamp.lines, "code": r.code, "url": r.url, "qr": r.qr},
    });
    let (ct, body) = multipart(&meta, &[("file", file), ("font", font)]);
    let mut resp = call(env, "/prepare", &ct, body).await?;
    let header = |name: &str| -> Result<String, ApiError> {
        resp.headers().get(name)?.ok_or_else(|| ApiError::Unexpected(format!("signer: no {name}")))
    };
    let signed_attributes = B64.decode(header("x-signed-attributes")?).map_err(|e| ApiError::Unexpected(format!("signer attrs: {e}")))?;
    let digest = hex::decode(header("x-to-be-signed")?).map_err(|e| ApiError::Unexpected(format!("signer digest: {e}")))?;
    let to_be_signed: [u8; 32] = digest.try_into().map_err(|_| ApiError::Unexpected("signer digest is not 32 bytes".into()))?;
    let pdf = resp.bytes().await?;
    Ok(Prepared { pdf, signed_attributes, to_be_signed })
}

pub async fn finish(env: &Env, prepared: &Prepared, signature: &[u8], chain_der: &[Vec<u8>]) -> Result<Vec<u8>, ApiError> {
    let meta = json!({
        "signed_attributes": B64.encode(&prepared.signed_attributes),
        "signature": B64.encode(signature),
        "certificates": chain_der.iter().map(|c| B64.encode(c)).collect::<Vec<_>>(),
    });
    let (ct, body) = multipart(&meta, &[("file", &prepared.pdf)]);
    Ok(call(env, "/finish", &ct, body).await?.bytes().await?)
}
