//! The cron trigger's sweep of scans nobody will ever use: uploads never attached to a dossier
//! after `UNATTACHED_UPLOAD_HOURS` (a draft can be resumed for that long), and multipart
//! uploads not completed within a day (or that limit, if shorter). An attached upload is never
//! touched: the row is deleted only while still unattached, and its bytes only after that.

use time::Duration;
use worker::Env;

use super::repo;
use crate::platform::db::Db;
use crate::platform::error::ApiError;
use crate::platform::{clock, config};

/// How long a multipart upload may stay unfinished.
pub const MULTIPART_HOURS: i64 = 24;
/// Records handled per run; the cron comes back every few minutes for the rest.
const BATCH: u32 = 200;

#[derive(Debug, Default)]
pub struct Swept {
    pub deleted: usize,
    pub aborted: usize,
}

/// One sweep of every shard (each database once), one after the other: the cron is not in a
/// hurry, and a failing shard is logged without keeping the others from their sweep.
pub async fn run(env: &Env) -> Result<Swept, ApiError> {
    let mut swept = Swept::default();
    for d1 in crate::platform::shards::all(env)? {
        match run_in(env, &d1).await {
            Ok(s) => {
                swept.deleted += s.deleted;
                swept.aborted += s.aborted;
            }
            Err(e) => worker::console_error!("upload cleanup in shard {:?}: {e:?}", d1.shard().map(|s| s.to_string())),
        }
    }
    Ok(swept)
}

async fn run_in(env: &Env, d1: &Db) -> Result<Swept, ApiError> {
    let bucket = env.bucket(config::SCANS)?;
    let now = clock::now();
    let hours = config::config(env).unattached_upload_hours;

    let cutoff = clock::rfc3339(now - Duration::hours(hours));
    let gone = repo::delete_unattached_before(d1, &cutoff, BATCH).await?;
    if !gone.is_empty() {
        bucket.delete_multiple(gone.iter().map(|g| g.r2_key.as_str()).collect()).await?;
    }

    let cutoff = clock::rfc3339(now - Duration::hours(hours.min(MULTIPART_HOURS)));
    let stale = repo::delete_sessions_before(d1, &cutoff, BATCH).await?;
    for s in &stale {
        let Some(upload_id) = s.r2_upload_id.as_deref() else { continue };
        // Already gone at R2 (its own lifecycle rule aborts after a week) is fine: D1 forgot it.
        let aborted = match bucket.resume_multipart_upload(s.r2_key.as_str(), upload_id) {
            Ok(u) => u.abort().await,
            Err(e) => Err(e),
        };
        if let Err(e) = aborted {
            worker::console_error!("aborting multipart upload {} failed: {e}", s.r2_key);
        }
    }
    Ok(Swept { deleted: gone.len(), aborted: stale.len() })
}
