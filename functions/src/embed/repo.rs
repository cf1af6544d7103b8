//! `embed_origins` in D1.

use serde::Deserialize;
use crate::platform::db::Db;

use crate::platform::db;
use crate::platform::error::ApiError;

#[derive(Deserialize)]
struct Row {
    origin: String,
}

/// The origins allowed to frame `agency`'s embed page, sorted.
pub async fn origins(d1: &Db, agency: &str) -> Result<Vec<String>, ApiError> {
    let rows: Vec<Row> =
        db::all(d1.prepare("SELECT origin FROM embed_origins WHERE agency_code = ?1 ORDER BY origin").bind(&[agency.into()])?).await?;
    Ok(rows.into_iter().map(|r| r.origin).collect())
}
