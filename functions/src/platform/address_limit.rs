//! Counting a client address's failed tries in a sliding window, safe under concurrency: a try
//! is reserved (the count and the insert are one statement) before it is judged, and given back
//! when it was not a failure. Used for wrong log-in codes and for wrong bill look-ups; each has
//! its own table of the same shape (`id`, `ip_hash`, `at`).

use serde::Deserialize;
use worker::wasm_bindgen::JsValue;
use crate::platform::db::Db;

use crate::platform::db;
use crate::platform::error::ApiError;

/// A limit: at most `max` failures per address within `window` seconds, kept in `table`.
#[derive(Clone, Copy)]
pub struct Limit {
    pub table: &'static str,
    pub max: usize,
    pub window: i64,
}

fn n(v: i64) -> JsValue {
    JsValue::from_f64(v as f64)
}

impl Limit {
    /// Reserves one of the address's tries. `None`: the address has used them all.
    pub async fn reserve(self, d1: &Db, ip_hash: &str, now: i64) -> Result<Option<i64>, ApiError> {
        #[derive(Deserialize)]
        struct Id {
            id: i64,
        }
        let row: Option<Id> = db::first(
            d1.prepare(format!(
                "INSERT INTO {t} (ip_hash, at) SELECT ?1, ?2 WHERE (SELECT COUNT(*) FROM {t} WHERE ip_hash = ?1 AND at > ?3) < ?4 RETURNING id",
                t = self.table
            ))
            .bind(&[ip_hash.into(), n(now), n(now - self.window), n(self.max as i64)])?,
        )
        .await?;
        Ok(row.map(|r| r.id))
    }

    /// Gives back a reserved try that was not a failure.
    pub async fn release(self, d1: &Db, id: i64) -> Result<(), ApiError> {
        d1.prepare(format!("DELETE FROM {} WHERE id = ?1", self.table)).bind(&[n(id)])?.run().await?;
        Ok(())
    }

    /// Seconds until the oldest failure in the window leaves it (for `Retry-After`).
    pub async fn retry_after(self, d1: &Db, ip_hash: &str, now: i64) -> Result<i64, ApiError> {
        Ok(self.oldest(d1, ip_hash, now).await?.map(|t| t + self.window - now).filter(|s| *s > 0).unwrap_or(1))
    }

    /// The oldest failure of the address still inside the window.
    pub async fn oldest(self, d1: &Db, ip_hash: &str, now: i64) -> Result<Option<i64>, ApiError> {
        #[derive(Deserialize)]
        struct Oldest {
            oldest: Option<i64>,
        }
        let row: Option<Oldest> = db::first(
            d1.prepare(format!("SELECT MIN(at) AS oldest FROM {} WHERE ip_hash = ?1 AND at > ?2", self.table))
                .bind(&[ip_hash.into(), n(now - self.window)])?,
        )
        .await?;
        Ok(row.and_then(|r| r.oldest))
    }

    /// Scheduled: drops the failures that have left their window.
    pub async fn forget_old(self, d1: &Db, now: i64) -> Result<usize, ApiError> {
        let result = d1.prepare(format!("DELETE FROM {} WHERE at <= ?1", self.table)).bind(&[n(now - self.window)])?.run().await?;
        Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0))
    }
}
