//! The only writer of `national_sync` rows after the triggers made them: a claim before a send,
//! the outcome after it, an operator's retry. Each write is conditional on the version it was
//! decided from; a row that changed meanwhile is left to whoever changed it.

use motcua_domain::national::sync::{AfterAttempt, Message, SyncState};
use serde::Deserialize;
use time::OffsetDateTime;
use crate::platform::db::Db;

use crate::platform::error::ApiError;
use crate::platform::{clock, db};

#[derive(Debug, Clone, Deserialize)]
pub struct SyncRow {
    pub id: i64,
    pub event_id: Option<i64>,
    pub rating_id: Option<String>,
    pub dossier_id: String,
    pub agency_code: String,
    pub state: SyncState,
    pub attempts: i64,
    pub next_try_at: String,
    pub version: i64,
}

impl SyncRow {
    pub fn message(&self) -> Message {
        Message {
            id: self.id,
            state: self.state,
            attempts: self.attempts as u32,
            next_try_at: OffsetDateTime::parse(&self.next_try_at, &time::format_description::well_known::Rfc3339)
                .unwrap_or(OffsetDateTime::UNIX_EPOCH),
        }
    }
}

const SELECT: &str =
    "SELECT id, event_id, rating_id, dossier_id, agency_code, state, attempts, next_try_at, version FROM national_sync";

pub async fn of_dossier(d1: &Db, dossier_id: &str) -> Result<Vec<SyncRow>, ApiError> {
    db::all(d1.prepare(format!("{SELECT} WHERE dossier_id = ?1 ORDER BY id")).bind(&[dossier_id.into()])?).await
}

pub async fn by_id(d1: &Db, id: i64) -> Result<Option<SyncRow>, ApiError> {
    db::first(d1.prepare(format!("{SELECT} WHERE id = ?1")).bind(&[(id as f64).into()])?).await
}

/// Dossiers with a message that may be due (pending, or a claim that ran out), oldest first.
pub async fn due_dossiers(d1: &Db, now: &str, limit: u32) -> Result<Vec<String>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        dossier_id: String,
    }
    let rows: Vec<Row> = db::all(
        d1.prepare(
            "SELECT dossier_id FROM national_sync WHERE state IN ('pending', 'sent') AND next_try_at <= ?1 \
             GROUP BY dossier_id ORDER BY min(id) LIMIT ?2",
        )
        .bind(&[now.into(), limit.into()])?,
    )
    .await?;
    Ok(rows.into_iter().map(|r| r.dossier_id).collect())
}

/// A claimed row: `attempts` already counts the attempt being made.
pub struct Claimed {
    pub id: i64,
    pub attempts: i64,
    pub version: i64,
}

/// Takes a due row for one attempt; None when another sender took it first.
pub async fn claim(d1: &Db, row: &SyncRow, now: OffsetDateTime) -> Result<Option<Claimed>, ApiError> {
    let at = clock::rfc3339(now);
    let result = d1
        .prepare(
            "UPDATE national_sync SET state = 'sent', attempts = attempts + 1, next_try_at = ?1, sent_at = ?2, \
               updated_at = ?2, version = version + 1 WHERE id = ?3 AND version = ?4",
        )
        .bind(&[
            clock::rfc3339(super::sync::claim_expiry(now)).into(),
            at.into(),
            (row.id as f64).into(),
            (row.version as f64).into(),
        ])?
        .run()
        .await?;
    let changed = result.meta()?.and_then(|m| m.changes).unwrap_or(0);
    Ok((changed == 1).then(|| Claimed { id: row.id, attempts: row.attempts + 1, version: row.version + 1 }))
}

/// Writes an attempt's outcome on the claim it was made under.
pub async fn finish(
    d1: &Db,
    claimed: &Claimed,
    after: &AfterAttempt,
    payload: Option<&str>,
    now: OffsetDateTime,
) -> Result<(), ApiError> {
    let at = clock::rfc3339(now);
    let acknowledged = (after.state == SyncState::Acknowledged).then_some(at.as_str());
    d1.prepare(
        "UPDATE national_sync SET state = ?1, next_try_at = ?2, error_code = ?3, last_error = ?4, \
           payload = coalesce(?5, payload), acknowledged_at = coalesce(?6, acknowledged_at), updated_at = ?7, \
           version = version + 1 WHERE id = ?8 AND version = ?9",
    )
    .bind(&[
        crate::dossier::repo::enum_str(&after.state).into(),
        clock::rfc3339(after.next_try_at).into(),
        db::nullable(after.error_code.as_deref()),
        db::nullable(after.error.as_deref()),
        db::nullable(payload),
        db::nullable(acknowledged),
        at.as_str().into(),
        (claimed.id as f64).into(),
        (claimed.version as f64).into(),
    ])?
    .run()
    .await?;
    Ok(())
}

/// An operator's retry, with its audit row in the same batch; false when the row changed since
/// it was read.
pub async fn retry(
    d1: &Db,
    row: &SyncRow,
    after: &AfterAttempt,
    audit: worker::D1PreparedStatement,
    now: OffsetDateTime,
) -> Result<bool, ApiError> {
    let at = clock::rfc3339(now);
    let stmts = vec![
        db::guard(d1, db::Guarded::NationalSync, &row.id.to_string(), row.version)?,
        d1.prepare(
            "UPDATE national_sync SET state = ?1, attempts = 0, next_try_at = ?2, error_code = NULL, last_error = NULL, \
               updated_at = ?3, version = version + 1 WHERE id = ?4 AND version = ?5",
        )
        .bind(&[
            crate::dossier::repo::enum_str(&after.state).into(),
            clock::rfc3339(after.next_try_at).into(),
            at.into(),
            (row.id as f64).into(),
            (row.version as f64).into(),
        ])?,
        audit,
    ];
    match d1.batch(stmts).await {
        Ok(_) => Ok(true),
        Err(e) if db::is_stale(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct RatingRow {
    pub rating: String,
    pub comment: Option<String>,
    pub created_at: String,
}

pub async fn rating(d1: &Db, id: &str) -> Result<Option<RatingRow>, ApiError> {
    db::first(d1.prepare("SELECT rating, comment, created_at FROM dossier_ratings WHERE id = ?1").bind(&[id.into()])?).await
}
