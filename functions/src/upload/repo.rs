//! Upload records in D1 (the bytes are in R2 under `r2_key`).

use motcua_domain::api::UploadView;
use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement};

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

pub async fn insert(d1: &D1Database, row: &UploadRow, at: &str) -> Result<(), ApiError> {
    d1.prepare(
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
    ])?
    .run()
    .await?;
    Ok(())
}

pub async fn by_id(d1: &D1Database, id: &str) -> Result<Option<UploadRow>, ApiError> {
    db::first(d1.prepare(format!("{SELECT} WHERE id = ?1")).bind(&[id.into()])?).await
}

pub async fn of_dossier(d1: &D1Database, dossier_id: &str) -> Result<Vec<UploadRow>, ApiError> {
    db::all(d1.prepare(format!("{SELECT} WHERE dossier_id = ?1 ORDER BY position")).bind(&[dossier_id.into()])?).await
}

/// Attaches a free upload of `owner` to a dossier (part of the submission's batch).
pub fn attach_stmt(d1: &D1Database, upload_id: &str, owner: &str, dossier_id: &str, position: usize) -> Result<D1PreparedStatement, ApiError> {
    Ok(d1
        .prepare("UPDATE uploads SET dossier_id = ?1, position = ?2 WHERE id = ?3 AND owner_citizen_id = ?4 AND dossier_id IS NULL")
        .bind(&[dossier_id.into(), (position as f64).into(), upload_id.into(), owner.into()])?)
}
