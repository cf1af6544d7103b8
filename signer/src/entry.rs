//! The Worker's HTTP entry: `POST /prepare` and `POST /finish`, multipart/form-data, reached
//! only through the main Worker's service binding `SIGNER` (the signer has no route of its own
//! on the internet). It reads the parts and answers what the pure functions return; every
//! refusal is the JSON error envelope.

use base64::Engine as _;
use worker::{event, Context, Env, FormEntry, Headers, Method, Request, Response, Result};

use crate::{SignError, MAX_FILE, MAX_FONT, MAX_META};

fn error(e: &SignError) -> Result<Response> {
    if let SignError::Unexpected(cause) = e {
        worker::console_error!("signer: unexpected: {cause}");
    }
    Ok(Response::from_json(&e.body())?.with_status(e.status()))
}

/// A part's bytes (a text field or a file), refused when missing or larger than `limit`.
async fn part(form: &worker::FormData, name: &'static str, limit: usize) -> std::result::Result<Vec<u8>, SignError> {
    let bytes = match form.get(name) {
        Some(FormEntry::Field(s)) => s.into_bytes(),
        Some(FormEntry::File(f)) => {
            if f.size() > limit {
                return Err(SignError::TooLarge { field: name, limit });
            }
            f.bytes().await.map_err(|_| SignError::invalid(name, "the part cannot be read", "Không đọc được phần dữ liệu"))?
        }
        None => {
            return Err(SignError::Invalid {
                field: name,
                message: format!("the multipart part `{name}` is missing"),
                message_vi: format!("Thiếu phần `{name}` của yêu cầu"),
            })
        }
    };
    if bytes.len() > limit {
        return Err(SignError::TooLarge { field: name, limit });
    }
    Ok(bytes)
}

async fn form(req: &mut Request) -> std::result::Result<worker::FormData, SignError> {
    let length = req.headers().get("content-length").ok().flatten().and_then(|l| l.parse::<usize>().ok());
    if length.is_some_and(|l| l > MAX_FILE + MAX_FONT + MAX_META + 1_000_000) {
        return Err(SignError::TooLarge { field: "file", limit: MAX_FILE });
    }
    req.form_data()
        .await
        .map_err(|_| SignError::invalid("body", "not multipart/form-data", "Yêu cầu không phải multipart/form-data"))
}

async fn prepare(mut req: Request) -> std::result::Result<Response, SignError> {
    let form = form(&mut req).await?;
    let meta = part(&form, "meta", MAX_META).await?;
    let file = part(&form, "file", MAX_FILE).await?;
    let font = part(&form, "font", MAX_FONT).await?;
    let prepared = crate::prepare(&meta, &file, &font)?;
    let headers = Headers::new();
    let set = |k: &str, v: &str| headers.set(k, v).map_err(SignError::unexpected);
    set("content-type", "application/pdf")?;
    set("x-signed-attributes", &base64::engine::general_purpose::STANDARD.encode(&prepared.signed_attributes))?;
    set("x-to-be-signed", &hex::encode(prepared.to_be_signed))?;
    Ok(Response::from_bytes(prepared.pdf).map_err(SignError::unexpected)?.with_headers(headers))
}

async fn finish(mut req: Request) -> std::result::Result<Response, SignError> {
    let form = form(&mut req).await?;
    let meta = part(&form, "meta", MAX_META).await?;
    let file = part(&form, "file", MAX_FILE + 1_000_000).await?;
    let signed = crate::finish(&meta, file)?;
    let headers = Headers::new();
    headers.set("content-type", "application/pdf").map_err(SignError::unexpected)?;
    Ok(Response::from_bytes(signed).map_err(SignError::unexpected)?.with_headers(headers))
}

#[event(fetch)]
async fn fetch(req: Request, _env: Env, _ctx: Context) -> Result<Response> {
    let path = req.path();
    let answer = match (req.method(), path.as_str()) {
        (Method::Post, "/prepare") => prepare(req).await,
        (Method::Post, "/finish") => finish(req).await,
        (_, "/prepare" | "/finish") => {
            Err(SignError::invalid("method", "only POST is accepted", "Chỉ chấp nhận phương thức POST"))
        }
        _ => {
            let body = serde_json::json!({"error": {"code": "not_found", "message": "no such route", "message_vi": "Không có đường dẫn này", "field": null}});
            return Ok(Response::from_json(&body)?.with_status(404));
        }
    };
    match answer {
        Ok(r) => Ok(r),
        Err(e) => error(&e),
    }
}
