//! `POST /api/uploads` (a citizen's scan: raw body, `Content-Type` and `X-File-Name` headers)
//! and `GET /api/dossiers/{id}/files/{file}` (download for the owner or the handling agency).
//! The type is decided by the first bytes, never by the name or the declared type.

use motcua_domain::upload::{self, MAX_FILE_BYTES};
use motcua_domain::validation::FieldError;
use motcua_domain::shard::ShardId;
use worker::{D1PreparedStatement, Env, HttpMetadata, Response};
use crate::platform::db::Db;

use super::repo::{self, UploadRow};
use crate::auth::session;
use crate::dossier::access;
use crate::platform::error::ApiError;
use crate::platform::http::{json, Ctx};
use crate::platform::{clock, config, random, shards};

/// The file's name as the client sent it (`X-File-Name`, percent-encoded UTF-8).
fn file_name(ctx: &Ctx) -> String {
    let raw = ctx.req.headers().get("X-File-Name").ok().flatten().unwrap_or_default();
    let decoded = worker::js_sys::decode_uri_component(&raw).map(String::from).unwrap_or(raw);
    upload::clean_name(&decoded)
}

/// The database a new upload (or upload session) goes to (docs/SHARDING.md §3.3 "uploads"): the
/// shard of the agency the citizen files with, as the app says in `X-Agency`; without it, the
/// legacy shard, and the submission moves the upload to its dossier's shard.
pub fn home(ctx: &Ctx) -> Result<(ShardId, Db), ApiError> {
    let agency = ctx.req.headers().get("X-Agency").ok().flatten().map(|a| a.trim().to_string()).filter(|a| !a.is_empty());
    let shard = match agency {
        Some(a) => shards::map(&ctx.env).shard_of_agency(&a).map_err(|mut e| {
            e.field = "agency".into();
            ApiError::from(e)
        })?,
        None => shards::map(&ctx.env).legacy(),
    };
    Ok((shard, ctx.shard(shard)?))
}

pub async fn create(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let who = session::citizen(ctx).await?;
    let (shard, d1) = home(ctx)?;
    let name = file_name(ctx);
    // Refuse an announced oversize body before reading it.
    let announced = ctx.req.headers().get("Content-Length").ok().flatten().and_then(|v| v.parse::<u64>().ok());
    if let Some(len) = announced.filter(|l| *l > MAX_FILE_BYTES) {
        return Err(upload::too_large("file", &name, len).into());
    }
    let bytes = ctx.req.bytes().await?;
    let kind = upload::check_file("file", &name, bytes.len() as u64, &bytes)?;
    let id = random::sharded_id(shard);
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
    repo::insert(&d1, &row, &clock::rfc3339(clock::now())).await?;
    Ok(json(&row.view())?.with_status(201))
}

/// A free upload a submission attaches, and the database it was made in when that is not the
/// dossier's (made before the app said the agency, or for another one): it is then copied into
/// the dossier's batch, the original taken out first ([`claim_moved`]).
pub struct Attachable {
    pub row: UploadRow,
    elsewhere: Option<Db>,
}

/// Whether two shard handles reach the same D1 (a shard without its own binding is `DB`).
fn same_database(env: &Env, a: &Db, b: &Db) -> bool {
    let bound = shards::bound(env);
    let own = |d: &Db| d.shard().filter(|s| bound.contains(s));
    own(a) == own(b)
}

/// The caller's own free uploads named by a submission, checked one by one (`files[i]`) and
/// together against the dossier limit. `d1` is the dossier's shard; each upload is read in the
/// shard its id names.
pub async fn attachable(env: &Env, d1: &Db, owner: &str, ids: &[String]) -> Result<Vec<Attachable>, ApiError> {
    let mut rows: Vec<Attachable> = Vec::with_capacity(ids.len());
    for (i, id) in ids.iter().enumerate() {
        let field = format!("files[{i}]");
        let (row, elsewhere) = match shards::of_id(env, id).await? {
            Some(home) if !same_database(env, &home, d1) => (repo::by_id(&home, id).await?, Some(home)),
            Some(_) => (repo::by_id(d1, id).await?, None),
            None => (None, None),
        };
        let Some(row) = row.filter(|r| r.owner_citizen_id == owner) else {
            return Err(FieldError::new(field, "unknown_file", "Không tìm thấy tệp đính kèm này; vui lòng tải lên lại.", "No such upload of yours.").into());
        };
        if row.dossier_id.is_some() || rows.iter().any(|r| r.row.id == row.id) {
            return Err(already_attached(field, &row));
        }
        rows.push(Attachable { row, elsewhere });
    }
    upload::check_total(&rows.iter().map(|r| (r.row.file_name.clone(), r.row.size)).collect::<Vec<_>>())?;
    Ok(rows)
}

fn already_attached(field: String, row: &UploadRow) -> ApiError {
    FieldError::new(
        field,
        "file_already_attached",
        format!("Tệp “{}” đã được đính kèm vào hồ sơ khác.", row.file_name),
        format!("The file “{}” is already attached.", row.file_name),
    )
    .into()
}

/// The statement of the submission's batch that attaches `file` to the dossier (in `d1`, the
/// dossier's shard): the row itself, or a copy of one made elsewhere.
pub fn attach_stmt(d1: &Db, file: &Attachable, dossier_id: &str, position: usize, at: &str) -> Result<D1PreparedStatement, ApiError> {
    match file.elsewhere {
        None => repo::attach_stmt(d1, &file.row.id, &file.row.owner_citizen_id, dossier_id, position),
        Some(_) => repo::insert_attached_stmt(d1, &file.row, dossier_id, position, at),
    }
}

/// Before the submission's batch: takes each upload made elsewhere out of the database it was
/// made in (its row there could not name a dossier of another database), so no other submission
/// takes it and the cron never deletes the bytes its copy will name. One taken meanwhile is
/// refused at its `files[i]`.
pub async fn claim_moved(files: &[Attachable]) -> Result<(), ApiError> {
    for (i, f) in files.iter().enumerate() {
        let Some(home) = &f.elsewhere else { continue };
        let done = repo::take_free_stmt(home, &f.row.id, &f.row.owner_citizen_id)?.run().await?;
        if done.meta()?.and_then(|m| m.changes) != Some(1) {
            release_moved(&files[..i]).await;
            return Err(already_attached(format!("files[{i}]"), &f.row));
        }
    }
    Ok(())
}

/// The submission's batch failed: the uploads taken by [`claim_moved`] are put back, free (best
/// effort; one lost is only an upload the citizen sends again, its bytes swept by R2's rule).
pub async fn release_moved(files: &[Attachable]) {
    let at = clock::rfc3339(clock::now());
    for f in files {
        let Some(home) = &f.elsewhere else { continue };
        let back = match repo::insert_stmt(home, &f.row, &at) {
            Ok(s) => s.run().await.map(|_| ()).map_err(ApiError::from),
            Err(e) => Err(e),
        };
        if let Err(e) = back {
            worker::console_error!("putting back upload {}: {e}", f.row.id);
        }
    }
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
    let d1 = access::shard_of(ctx, dossier_id).await?;
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
