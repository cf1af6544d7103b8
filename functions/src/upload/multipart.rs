//! Large scans in parts (R2 multipart), so a dropped connection resumes instead of restarting:
//! `POST /api/uploads/multipart` announces the file and gets its plan, `PUT …/{id}/parts/{n}`
//! stores each part (again if resent), `GET …/{id}` says which parts the server has,
//! `POST …/{id}/complete` puts the file together as an ordinary upload with the same id, and
//! `DELETE …/{id}` gives up. Only the citizen who started a session sees it; anyone else gets 404.
//! The plan (part sizes, what is missing) is the domain's `PartPlan`; part 1's first bytes decide
//! the type, as for a whole upload.

use motcua_domain::api::{MultipartView, PartView, StartMultipart, UploadView};
use motcua_domain::upload::{self, FileKind, PartPlan};
use worker::{Bucket, HttpMetadata, Range, Response, UploadedPart};

use super::repo::{self, SessionRow, UploadRow};
use crate::auth::session::{self, CitizenSession};
use crate::platform::db::Db;
use crate::platform::error::ApiError;
use crate::platform::http::{json, Ctx};
use crate::platform::{clock, config, random};

/// Every error about the file is reported at this field, as for `POST /api/uploads`.
const FIELD: &str = "file";

fn not_found() -> ApiError {
    ApiError::NotFound { what: "file", field: None }
}

fn plan(row: &SessionRow) -> Result<PartPlan, ApiError> {
    let plan = PartPlan::new(FIELD, &row.file_name, row.size)?;
    // The plan is stored so that a change of part size never breaks sessions in progress.
    if plan.part_size() != row.part_size {
        return Err(ApiError::Unexpected(format!("session {} was planned with parts of {} bytes", row.id, row.part_size)));
    }
    Ok(plan)
}

fn view(row: &SessionRow, plan: &PartPlan, received: Vec<u32>) -> MultipartView {
    MultipartView {
        id: row.id.clone(),
        name: row.file_name.clone(),
        size: plan.size(),
        part_size: plan.part_size(),
        parts: plan.parts(),
        received,
    }
}

/// The caller's own session `id`; another citizen's is as absent as a made-up one.
async fn owned(ctx: &Ctx, id: &str) -> Result<(CitizenSession, SessionRow), ApiError> {
    let who = session::citizen(ctx).await?;
    let row = repo::session(&shard_of(ctx, id).await?, id).await?.filter(|r| r.owner_citizen_id == who.citizen_id).ok_or_else(not_found)?;
    Ok((who, row))
}

/// The database of session `id`: the shard its id names; not an id at all, no session.
async fn shard_of(ctx: &Ctx, id: &str) -> Result<Db, ApiError> {
    ctx.shard_of_id(id).await?.ok_or_else(not_found)
}

fn bucket(ctx: &Ctx) -> Result<Bucket, ApiError> {
    Ok(ctx.env.bucket(config::SCANS)?)
}

pub async fn start(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let who = session::citizen(ctx).await?;
    // The session and the upload it becomes live in the shard the citizen files with.
    let (shard, d1) = super::routes::home(ctx)?;
    let req: StartMultipart = ctx.json_body().await?;
    let name = upload::clean_name(&req.name);
    let plan = PartPlan::new(FIELD, &name, req.size)?;
    let kind = upload::check_declared_type(FIELD, &name, &req.content_type)?;
    let id = random::sharded_id(shard);
    let r2_key = format!("scans/{}/{id}", who.citizen_id);
    let meta = HttpMetadata { content_type: Some(kind.mime().to_string()), ..Default::default() };
    let r2 = bucket(ctx)?.create_multipart_upload(r2_key.as_str()).http_metadata(meta).execute().await?;
    let row = SessionRow {
        id,
        owner_citizen_id: who.citizen_id,
        file_name: name,
        size: plan.size(),
        part_size: plan.part_size(),
        content_type: None,
        r2_key,
        r2_upload_id: r2.upload_id().await,
    };
    repo::insert_session(&d1, &row, &clock::rfc3339(clock::now())).await?;
    Ok(json(&view(&row, &plan, Vec::new()))?.with_status(201))
}

pub async fn status(ctx: &Ctx, id: &str) -> Result<Response, ApiError> {
    let (_, row) = owned(ctx, id).await?;
    let plan = plan(&row)?;
    let received = repo::parts(&shard_of(ctx, id).await?, id).await?.into_iter().map(|p| p.part).collect();
    json(&view(&row, &plan, received))
}

pub async fn put_part(ctx: &mut Ctx, id: &str, part: &str) -> Result<Response, ApiError> {
    let (_, row) = owned(ctx, id).await?;
    let plan = plan(&row)?;
    // A number that is not one (`x`, `-1`) is no part of the plan either.
    let n: u32 = part.parse().unwrap_or(0);
    // Refuse a wrong announced length before reading the body.
    let announced = ctx.req.headers().get("Content-Length").ok().flatten().and_then(|v| v.parse::<u64>().ok());
    plan.check_part(FIELD, &row.file_name, n, announced.unwrap_or_else(|| plan.expected_len(n).unwrap_or(0)))?;
    let bytes = ctx.req.bytes().await?;
    let len = bytes.len() as u64;
    plan.check_part(FIELD, &row.file_name, n, len)?;
    let kind = if n == 1 { Some(upload::check_file(FIELD, &row.file_name, plan.size(), &bytes)?) } else { None };
    let r2 = bucket(ctx)?.resume_multipart_upload(row.r2_key.as_str(), row.r2_upload_id.as_str())?;
    let stored = r2.upload_part(n as u16, bytes).await?;
    repo::put_part(&shard_of(ctx, id).await?, id, n, len, &stored.etag(), kind.map(|k| k.mime())).await?;
    json(&PartView { part: n, size: len })
}

pub async fn complete(ctx: &Ctx, id: &str) -> Result<Response, ApiError> {
    let who = session::citizen(ctx).await?;
    let d1 = shard_of(ctx, id).await?;
    let Some(row) = repo::session(&d1, id).await?.filter(|r| r.owner_citizen_id == who.citizen_id) else {
        // Completed already (the answer was lost on the way back): the same upload again.
        let done = repo::by_id(&d1, id).await?.filter(|u| u.owner_citizen_id == who.citizen_id).ok_or_else(not_found)?;
        return Ok(json(&done.view())?.with_status(201));
    };
    let plan = plan(&row)?;
    let parts = repo::parts(&d1, id).await?;
    plan.check_complete(FIELD, &row.file_name, &parts.iter().map(|p| p.part).collect::<Vec<_>>())?;
    let content_type = row.content_type.clone().ok_or_else(|| ApiError::Unexpected(format!("session {id} has part 1 but no type")))?;
    let r2 = bucket(ctx)?.resume_multipart_upload(row.r2_key.as_str(), row.r2_upload_id.as_str())?;
    let wanted = parts.iter().filter(|p| p.part <= plan.parts()).map(|p| UploadedPart::new(p.part as u16, p.etag.clone()));
    r2.complete(wanted).await?;
    if content_type == FileKind::Pdf.mime() && plan.parts() > 1 {
        // Part 1 showed the header; the end of a PDF is seen only now that it is whole.
        let tail = bucket(ctx)?.get(row.r2_key.as_str()).range(Range::Suffix { suffix: 1024 }).execute().await?;
        let tail = match tail.as_ref().and_then(|o| o.body()) {
            Some(body) => body.bytes().await?,
            None => Vec::new(),
        };
        if let Err(e) = upload::check_pdf_tail(FIELD, &row.file_name, &tail) {
            bucket(ctx)?.delete(row.r2_key.as_str()).await?;
            d1.batch(repo::delete_session_stmts(&d1, id)?).await?;
            return Err(e.into());
        }
    }
    let upload = UploadRow {
        id: row.id.clone(),
        owner_citizen_id: row.owner_citizen_id.clone(),
        dossier_id: None,
        file_name: row.file_name.clone(),
        content_type,
        size: plan.size(),
        r2_key: row.r2_key.clone(),
    };
    let mut stmts = vec![repo::insert_stmt(&d1, &upload, &clock::rfc3339(clock::now()))?];
    stmts.extend(repo::delete_session_stmts(&d1, id)?);
    d1.batch(stmts).await?;
    let answer: UploadView = upload.view();
    Ok(json(&answer)?.with_status(201))
}

pub async fn abort(ctx: &Ctx, id: &str) -> Result<Response, ApiError> {
    let (_, row) = owned(ctx, id).await?;
    let d1 = shard_of(ctx, id).await?;
    d1.batch(repo::delete_session_stmts(&d1, id)?).await?;
    if let Err(e) = bucket(ctx)?.resume_multipart_upload(row.r2_key.as_str(), row.r2_upload_id.as_str())?.abort().await {
        // Forgotten in D1 already; R2 itself drops unfinished multipart uploads after a week.
        worker::console_error!("aborting multipart upload {id} failed: {e}");
    }
    Ok(Response::empty()?.with_status(204))
}
