//! The append-only ledger: every attempt, callback, query result, settlement and refund is a row
//! in `payment_events` (D1 triggers refuse updates and deletes).

use worker::D1PreparedStatement;
use crate::platform::db::Db;

use crate::platform::error::ApiError;

pub fn event_stmt(
    d1: &Db,
    payment_id: &str,
    at: &str,
    kind: &str,
    detail: &serde_json::Value,
) -> Result<D1PreparedStatement, ApiError> {
    Ok(d1
        .prepare("INSERT INTO payment_events (payment_id, at, kind, detail) VALUES (?1, ?2, ?3, ?4)")
        .bind(&[payment_id.into(), at.into(), kind.into(), detail.to_string().into()])?)
}

pub async fn append(d1: &Db, payment_id: &str, at: &str, kind: &str, detail: &serde_json::Value) -> Result<(), ApiError> {
    event_stmt(d1, payment_id, at, kind, detail)?.run().await?;
    Ok(())
}
