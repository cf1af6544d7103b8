//! D1 conveniences: typed rows out of a prepared statement.

use serde::de::DeserializeOwned;
use worker::D1PreparedStatement;

use super::error::ApiError;

pub async fn all<T: DeserializeOwned>(stmt: D1PreparedStatement) -> Result<Vec<T>, ApiError> {
    Ok(stmt.all().await?.results::<T>()?)
}

pub async fn first<T: DeserializeOwned>(stmt: D1PreparedStatement) -> Result<Option<T>, ApiError> {
    Ok(stmt.first::<T>(None).await?)
}

/// An optional text for a D1 binding: D1 refuses `undefined`, so `None` becomes SQL NULL.
pub fn nullable(value: Option<&str>) -> worker::wasm_bindgen::JsValue {
    value.map(worker::wasm_bindgen::JsValue::from).unwrap_or(worker::wasm_bindgen::JsValue::NULL)
}

/// The guard that aborts its whole batch unless the row `id` of `table` is still at `version`
/// (see migration 0012): the first statement of every store write, so a change decided on a
/// stale read never lands, together with everything batched after it.
pub fn guard(d1: &worker::D1Database, table: Guarded, id: &str, version: i64) -> Result<D1PreparedStatement, ApiError> {
    let sql = match table {
        Guarded::Dossier => "INSERT INTO state_guard (ok) SELECT count(*) FROM dossiers WHERE id = ?1 AND version = ?2",
        Guarded::Payment => "INSERT INTO state_guard (ok) SELECT count(*) FROM payments WHERE id = ?1 AND version = ?2",
        Guarded::NationalSync => "INSERT INTO state_guard (ok) SELECT count(*) FROM national_sync WHERE id = ?1 AND version = ?2",
        Guarded::Bill => "INSERT INTO state_guard (ok) SELECT count(*) FROM bills WHERE id = ?1 AND version = ?2",
        Guarded::Report => "INSERT INTO state_guard (ok) SELECT count(*) FROM staff_reports WHERE id = ?1 AND version = ?2",
        Guarded::SignedDocument => "INSERT INTO state_guard (ok) SELECT count(*) FROM signed_documents WHERE id = ?1 AND version = ?2",
        // Keyed by agency; an agency without a rule yet is at version 0.
        Guarded::PaperlessRule => {
            "INSERT INTO state_guard (ok) SELECT coalesce((SELECT version FROM paperless_rules WHERE agency_code = ?1), 0) = ?2"
        }
        Guarded::SigningAccount => {
            "INSERT INTO state_guard (ok) SELECT coalesce((SELECT version FROM agency_signing_accounts WHERE agency_code = ?1), 0) = ?2"
        }
    };
    Ok(d1.prepare(sql).bind(&[id.into(), (version as f64).into()])?)
}

/// The tables whose rows are written only through a guard.
#[derive(Clone, Copy)]
pub enum Guarded {
    Dossier,
    Payment,
    NationalSync,
    Bill,
    Report,
    PaperlessRule,
    SignedDocument,
    /// Keyed by agency, 0 before the first account.
    SigningAccount,
}

/// Whether a batch was refused by a [`guard`]: someone else changed the row first.
pub fn is_stale(e: &worker::Error) -> bool {
    e.to_string().contains("stale_state")
}

/// Whether a batch was refused by a unique key (a settlement already made, a row already there).
pub fn is_unique_violation(e: &worker::Error) -> bool {
    e.to_string().contains("UNIQUE")
}
