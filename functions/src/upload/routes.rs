//! `POST /api/uploads` (a citizen's scan: raw body, `Content-Type` and `X-File-Name` headers)
//! and `GET /api/dossiers/{id}/files/{file}` (download for the owner or the handling agency).
//! The type is decided by the first bytes, never by the name or the declared type.

use motcua_domain::upload::{self, MAX_FILE_BYTES};
use motcua_domain::validation::FieldError;
use worker::{HttpMetadata, Response};
use crate::platform::db::Db;

use super::repo::{self, UploadRow};
use crate::auth::session;
use crate::dossier::access;
use crate::platform::error::ApiError;
use crate::platform::http::{json, Ctx};
use crate::platform::{clock, config, random};

/// The file's name as the client sent it (`X-File-Name`, percent-encoded UTF-8).
fn file_name(ctx: &Ctx) -> String {
    let raw = ctx.req.headers().get("X-File-Name").ok().flatten().unwrap_or_default();
    let decoded = worker::js_sys::decode_uri_component(&raw).map(String::from).unwrap_or(raw);
    upload::clean_name(&decoded)
}

pub async fn create(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let who = session::citizen(ctx).await?;
    let name = file_name(ctx);
    // Refuse an announced oversize body before reading it.
    let announced = ctx.req.headers().get("Content-Length").ok().flatten().and_then(|v| v.parse::<u64>().ok());
    if let Some(len) = announced.filter(|l| *l > MAX_FILE_BYTES) {
        return Err(upload::too_large("file", &name, len).into());
    }
    let bytes = ctx.req.bytes().await?;
    let kind = upload::check_file("file", &name, bytes.len() as u64, &bytes)?;
    let id = random::id();
    let row = UploadRow {
        r2_key: format!("scans/{}/{id}", who.citizen_id),
        id,
        owner_citizen_id: who.citizen_id,
        dossier_id: None,
        file_name: name,
        content_type: kind.mime().to_string(),
        size: bytes.len() as u64,
    };
    let meta = HttpMetadata { content_type: Some(row.content_type.clone()), ..Default::default() };
    ctx.env.bucket(config::SCANS)?.put(row.r2_key.as_str(), bytes).http_metadata(meta).execute().await?;
    repo::insert(&ctx.d1()?, &row, &clock::rfc3339(clock::now())).await?;
    Ok(json(&row.view())?.with_status(201))
}

/// The caller's own free uploads named by a submission, checked one by one (`files[i]`) and
/// together against the dossier limit.
pub async fn attachable(d1: &Db, owner: &str, ids: &[String]) -> Result<Vec<UploadRow>, ApiError> {
    let mut rows = Vec::with_capacity(ids.len());
    for (i, id) in ids.iter().enumerate() {
        let field = format!("files[{i}]");
        let row = repo::by_id(d1, id).await?.filter(|r| r.owner_citizen_id == owner);
        let Some(row) = row else {
            return Err(FieldError::new(field, "unknown_file", "Không tìm thấy tệp đính kèm này; vui lòng tải lên lại.", "No such upload of yours.").into());
        };
        if row.dossier_id.is_some() || rows.iter().any(|r: &UploadRow| r.id == row.id) {
            return Err(FieldError::new(
                field,
                "file_already_attached",
                format!("Tệp “{}” đã được đính kèm vào hồ sơ khác.", row.file_name),
                format!("The file “{}” is already attached.", row.file_name),
            )
            .into());
        }
        rows.push(row);
    }
    upload::check_total(&rows.iter().map(|r| (r.file_name.clone(), r.size)).collect::<Vec<_>>())?;
    Ok(rows)
}

pub async fn download(ctx: &Ctx, dossier_id: &str, file_id: &str) -> Result<Response, ApiError> {
    // The owner first, then staff of the handling agency; anyone else learns nothing (404).
    let row = match access::owned_dossier(ctx, dossier_id).await {
        Ok((_, row)) => row,
        Err(citizen_err @ (ApiError::Unauthorized | ApiError::NotFound { .. })) => match access::staff_dossier(ctx, dossier_id).await {
            Ok((_, row)) => row,
            Err(ApiError::Unauthorized) => return Err(citizen_err),
            Err(e) => return Err(e),
        },
        Err(e) => return Err(e),
    };
    let d1 = ctx.d1()?;
    let not_found = || ApiError::NotFound { what: "file", field: Some("file") };
    let file = repo::by_id(&d1, file_id).await?.filter(|f| f.dossier_id.as_deref() == Some(row.id.as_str())).ok_or_else(not_found)?;
    let object = ctx.env.bucket(config::SCANS)?.get(file.r2_key.as_str()).execute().await?.ok_or_else(not_found)?;
    let body = object.body().ok_or_else(not_found)?.response_body()?;
    let mut resp = Response::from_body(body)?;
    let h = resp.headers_mut();
    h.set("Content-Type", &file.content_type)?;
    h.set("Content-Length", &file.size.to_string())?;
    h.set("Content-Disposition", &upload::content_disposition(&file.file_name))?;
    h.set("X-Content-Type-Options", "nosniff")?;
    h.set("Content-Security-Policy", "default-src 'none'; sandbox")?;
    h.set("Cache-Control", "private, no-store")?;
    Ok(resp)
}
