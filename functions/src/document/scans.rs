//! `POST /api/staff/dossiers/{id}/files?type=&name=` (a scan the desk makes at reception, of one
//! of the procedure's documents, for a walk-in or an online dossier alike) and its download.

use motcua_domain::document;
use motcua_domain::upload;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use worker::{HttpMetadata, Response};

use super::store;
use crate::desk::view;
use crate::dossier::{access, repo as dossier_repo};
use crate::platform::error::ApiError;
use crate::platform::http::{json, Ctx};
use crate::platform::{clock, config, db, random, shards};

pub async fn create(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let (staff, row) = access::staff_dossier(ctx, id).await?;
    let shard = shards::id_of_agency(&ctx.env, "agency", &row.agency_code)?;
    let d1 = ctx.shard(shard)?;
    let national = ctx.national()?;
    let documents = view::procedure_documents(&national, &row.procedure_code).await?;
    let document_type = document::check_document_type(&documents, &ctx.query("type").unwrap_or_default())?;
    let name = upload::clean_name(&ctx.query("name").unwrap_or_default());
    let bytes = ctx.req.bytes().await?;
    // The type comes from the bytes (a JPEG header followed by an executable is refused).
    let kind = upload::check_file("file", &name, bytes.len() as u64, &bytes)?;
    let scan_id = random::sharded_id(shard);
    let key = format!("scans/desk/{}/{scan_id}", row.id);
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let size = bytes.len() as u64;
    let bucket = ctx.env.bucket(config::SCANS)?;
    bucket
        .put(&key, bytes)
        .http_metadata(HttpMetadata { content_type: Some(kind.mime().to_string()), ..Default::default() })
        .execute()
        .await?;
    let at = clock::rfc3339(clock::now());
    let scan = store::NewScan { id: &scan_id, dossier_id: &row.id, document_type: &document_type, name: &name, content_type: kind.mime(), size, sha256: &sha256, r2_key: &key };
    if let Err(e) = store::insert_scan(&d1, &scan, &staff, &at).await {
        let _ = bucket.delete(&key).await;
        return Err(e);
    }
    let row = dossier_repo::dossier(&d1, &national, id).await?.ok_or(ApiError::NotFound { what: "dossier", field: Some("id") })?;
    Ok(json(&view::staff_view(&d1, &national, &row).await?)?.with_status(201))
}

/// `GET /api/staff/dossiers/{id}/files/{scan}`.
pub async fn download(ctx: &Ctx, id: &str, scan: &str) -> Result<Response, ApiError> {
    let (_, row) = access::staff_dossier(ctx, id).await?;
    #[derive(Deserialize)]
    struct File {
        name: String,
        content_type: String,
        r2_key: String,
    }
    let f: File = db::first(
        ctx.shard_of_agency("agency", &row.agency_code)?.prepare("SELECT name, content_type, r2_key FROM dossier_scans WHERE id = ?1 AND dossier_id = ?2").bind(&[scan.into(), row.id.as_str().into()])?,
    )
    .await?
    .ok_or(ApiError::NotFound { what: "file", field: Some("file") })?;
    super::routes::serve_object(ctx, &f.r2_key, &f.name, &f.content_type).await
}
