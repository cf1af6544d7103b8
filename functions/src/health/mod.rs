//! `GET /api/health`: the version and whether each storage binding answers, so an operator (and
//! the tests) can tell a broken binding from a broken feature.

use motcua_domain::api::Health;
use worker::Response;

use crate::platform::config;
use crate::platform::error::ApiError;
use crate::platform::http::{json, Ctx};

pub async fn get(ctx: &Ctx) -> Result<Response, ApiError> {
    let d1 = match ctx.d1() {
        Ok(db) => db.prepare("SELECT 1 AS one").first::<serde_json::Value>(None).await.is_ok(),
        Err(_) => false,
    };
    let r2 = match ctx.env.bucket(config::SCANS) {
        Ok(bucket) => bucket.head("health-probe").await.is_ok(),
        Err(_) => false,
    };
    let sequences = crate::sequences::peek(&ctx.env, "health").await.is_ok();
    let body = Health { version: config::APP_VERSION.to_string(), d1, r2, sequences };
    let status = if d1 && r2 && sequences { 200 } else { 503 };
    Ok(json(&body)?.with_status(status))
}
