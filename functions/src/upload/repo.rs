//! Upload records in D1 (the bytes are in R2 under `r2_key`), the multipart sessions of large
//! files still going up, and the sweeps of the cron trigger.

use motcua_domain::api::UploadView;
use serde::Deserialize;
use worker::D1PreparedStatement;
use crate::platform::db::Db;

use crate::platform::db;
use crate::platform::error::ApiError;

#[derive(Debug, Clone, Deserialize)]
pub struct UploadRow {
    pub id: String,
    pub owner_citizen_id: String,
    pub dossier_id: Option<String>,
    pub file_name: String,
    pub content_type: String,
    pub size: u64,
    pub r2_key: String,
}

impl UploadRow {
    pub fn view(&self) -> UploadView {
        UploadView { id: self.id.clone(), name: self.file_name.clone(), content_type: self.content_type.clone(), size: self.size }
    }
}

const SELECT: &str = "SELECT id, owner_citizen_id, dossier_id, file_name, content_type, size, r2_key FROM uploads";

pub async fn insert(d1: &Db, row: &UploadRow, at: &str) -> Result<(), ApiError> {
    insert_stmt(d1, row, at)?.run().await?;
    Ok(())
}

pub fn insert_stmt(d1: &Db, row: &UploadRow, at: &str) -> Result<D1PreparedStatement, ApiError> {
    Ok(d1.prepare(
        "INSERT INTO uploads (id, owner_citizen_id, file_name, content_type, size, r2_key, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .bind(&[
        row.id.as_str().into(),
        row.owner_citizen_id.as_str().into(),
        row.file_name.as_str().into(),
        row.content_type.as_str().into(),
        (row.size as f64).into(),
        row.r2_key.as_str().into(),
        at.into(),
    ])?)
}

pub async fn by_id(d1: &Db, id: &str) -> Result<Option<UploadRow>, ApiError> {
    db::first(d1.prepare(format!("{SELECT} WHERE id = ?1")).bind(&[id.into()])?).await
}

pub async fn of_dossier(d1: &Db, dossier_id: &str) -> Result<Vec<UploadRow>, ApiError> {
    db::all(d1.prepare(format!("{SELECT} WHERE dossier_id = ?1 ORDER BY position")).bind(&[dossier_id.into()])?).await
}

/// Attaches a free upload of `owner` to a dossier (part of the submission's batch).
pub fn attach_stmt(d1: &Db, upload_id: &str, owner: &str, dossier_id: &str, position: usize) -> Result<D1PreparedStatement, ApiError> {
    Ok(d1
        .prepare("UPDATE uploads SET dossier_id = ?1, position = ?2 WHERE id = ?3 AND owner_citizen_id = ?4 AND dossier_id IS NULL")
        .bind(&[dossier_id.into(), (position as f64).into(), upload_id.into(), owner.into()])?)
}

/// A copy of an upload made in another shard, attached to a dossier of this one (part of the
/// submission's batch; the bytes stay where they are in R2).
pub fn insert_attached_stmt(d1: &Db, row: &UploadRow, dossier_id: &str, position: usize, at: &str) -> Result<D1PreparedStatement, ApiError> {
    Ok(d1
        .prepare(
            "INSERT INTO uploads (id, owner_citizen_id, file_name, content_type, size, r2_key, created_at, dossier_id, position) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )
        .bind(&[
            row.id.as_str().into(),
            row.owner_citizen_id.as_str().into(),
            row.file_name.as_str().into(),
            row.content_type.as_str().into(),
            (row.size as f64).into(),
            row.r2_key.as_str().into(),
            at.into(),
            dossier_id.into(),
            (position as f64).into(),
        ])?)
}

/// Deletes a free upload of `owner` (to be copied into a dossier of another shard); no change
/// when another submission took it first.
pub fn take_free_stmt(d1: &Db, upload_id: &str, owner: &str) -> Result<D1PreparedStatement, ApiError> {
    Ok(d1
        .prepare("DELETE FROM uploads WHERE id = ?1 AND owner_citizen_id = ?2 AND dossier_id IS NULL")
        .bind(&[upload_id.into(), owner.into()])?)
}

// ---- Multipart sessions ----

/// A large file going up in parts; its id becomes the upload's id once completed.
#[derive(Debug, Clone, Deserialize)]
pub struct SessionRow {
    pub id: String,
    pub owner_citizen_id: String,
    pub file_name: String,
    pub size: u64,
    pub part_size: u64,
    /// Found in part 1's first bytes; `None` until part 1 arrived.
    pub content_type: Option<String>,
    pub r2_key: String,
    pub r2_upload_id: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PartRow {
    pub part: u32,
    pub etag: String,
}

const SELECT_SESSION: &str =
    "SELECT id, owner_citizen_id, file_name, size, part_size, content_type, r2_key, r2_upload_id FROM upload_sessions";

pub async fn insert_session(d1: &Db, row: &SessionRow, at: &str) -> Result<(), ApiError> {
    d1.prepare(
        "INSERT INTO upload_sessions (id, owner_citizen_id, file_name, size, part_size, r2_key, r2_upload_id, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )
    .bind(&[
        row.id.as_str().into(),
        row.owner_citizen_id.as_str().into(),
        row.file_name.as_str().into(),
        (row.size as f64).into(),
        (row.part_size as f64).into(),
        row.r2_key.as_str().into(),
        row.r2_upload_id.as_str().into(),
        at.into(),
    ])?
    .run()
    .await?;
    Ok(())
}

pub async fn session(d1: &Db, id: &str) -> Result<Option<SessionRow>, ApiError> {
    db::first(d1.prepare(format!("{SELECT_SESSION} WHERE id = ?1")).bind(&[id.into()])?).await
}

/// The parts received, in order.
pub async fn parts(d1: &Db, session_id: &str) -> Result<Vec<PartRow>, ApiError> {
    db::all(d1.prepare("SELECT part, etag FROM upload_session_parts WHERE session_id = ?1 ORDER BY part").bind(&[session_id.into()])?).await
}

/// Records a part (a resent part replaces the first), and part 1's type.
pub async fn put_part(d1: &Db, session_id: &str, part: u32, size: u64, etag: &str, content_type: Option<&str>) -> Result<(), ApiError> {
    let mut stmts = vec![d1
        .prepare("INSERT OR REPLACE INTO upload_session_parts (session_id, part, size, etag) VALUES (?1, ?2, ?3, ?4)")
        .bind(&[session_id.into(), (part as f64).into(), (size as f64).into(), etag.into()])?];
    if let Some(ct) = content_type {
        stmts.push(d1.prepare("UPDATE upload_sessions SET content_type = ?1 WHERE id = ?2").bind(&[ct.into(), session_id.into()])?);
    }
    d1.batch(stmts).await?;
    Ok(())
}

/// The statements that forget a session and its parts (completed or aborted).
pub fn delete_session_stmts(d1: &Db, session_id: &str) -> Result<Vec<D1PreparedStatement>, ApiError> {
    Ok(vec![
        d1.prepare("DELETE FROM upload_session_parts WHERE session_id = ?1").bind(&[session_id.into()])?,
        d1.prepare("DELETE FROM upload_sessions WHERE id = ?1").bind(&[session_id.into()])?,
    ])
}

// ---- Sweeps (cron trigger) ----

#[derive(Debug, Clone, Deserialize)]
pub struct Swept {
    pub r2_key: String,
    #[serde(default)]
    pub r2_upload_id: Option<String>,
}

/// Deletes up to `limit` uploads created before `cutoff` and still attached to no dossier, and
/// returns their R2 keys. The condition is re-checked by the `DELETE` itself, so an upload a
/// dossier attached meanwhile is never deleted.
pub async fn delete_unattached_before(d1: &Db, cutoff: &str, limit: u32) -> Result<Vec<Swept>, ApiError> {
    db::all(
        d1.prepare(
            "DELETE FROM uploads WHERE dossier_id IS NULL AND id IN \
             (SELECT id FROM uploads WHERE dossier_id IS NULL AND created_at < ?1 ORDER BY created_at LIMIT ?2) \
             RETURNING r2_key",
        )
        .bind(&[cutoff.into(), (limit as f64).into()])?,
    )
    .await
}

/// Forgets up to `limit` multipart sessions started before `cutoff` and returns what R2 must
/// abort.
pub async fn delete_sessions_before(d1: &Db, cutoff: &str, limit: u32) -> Result<Vec<Swept>, ApiError> {
    let ids = "SELECT id FROM upload_sessions WHERE created_at < ?1 ORDER BY created_at LIMIT ?2";
    let bind = [cutoff.into(), (limit as f64).into()];
    d1.prepare(format!("DELETE FROM upload_session_parts WHERE session_id IN ({ids})")).bind(&bind)?.run().await?;
    db::all(d1.prepare(format!("DELETE FROM upload_sessions WHERE id IN ({ids}) RETURNING r2_key, r2_upload_id")).bind(&bind)?).await
}
