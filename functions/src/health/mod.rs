//! `GET /api/health`: the version and whether each storage binding answers, so an operator (and
//! the tests) can tell a broken binding from a broken feature.
//!
//! Monitors and load balancers ask often, so a healthy answer is reused by the isolate that
//! probed for [`HEALTHY_FOR_MS`]: a flood of checks costs little more than `/api/ping`. A failed
//! probe is never reused (the next check probes again), so a binding that breaks shows within that
//! time and one that recovers shows at once.

use std::cell::Cell;

use motcua_domain::api::Health;
use worker::Response;

use crate::platform::config;
use crate::platform::error::ApiError;
use crate::platform::http::{json, Ctx};

/// How long a healthy probe stands for this isolate.
const HEALTHY_FOR_MS: u64 = 5_000;

thread_local! {
    /// When this isolate's last healthy probe started.
    static HEALTHY_AT: Cell<Option<u64>> = const { Cell::new(None) };
}

pub async fn get(ctx: &Ctx) -> Result<Response, ApiError> {
    let now = worker::Date::now().as_millis();
    let recent = HEALTHY_AT.with(Cell::get).is_some_and(|at| motcua_domain::cache::within(at, now, HEALTHY_FOR_MS));
    let (d1, r2, sequences) = if recent { (true, true, true) } else { probe(ctx).await };
    let healthy = d1 && r2 && sequences;
    if !recent {
        HEALTHY_AT.with(|c| c.set(healthy.then_some(now)));
    }
    let body = Health { version: config::APP_VERSION.to_string(), d1, r2, sequences };
    Ok(json(&body)?.with_status(if healthy { 200 } else { 503 }))
}

/// Each binding asked at once: D1, R2 and the sequence counters' Durable Object.
async fn probe(ctx: &Ctx) -> (bool, bool, bool) {
    let d1 = async {
        match ctx.d1() {
            Ok(db) => db.prepare("SELECT 1 AS one").first::<serde_json::Value>(None).await.is_ok(),
            Err(_) => false,
        }
    };
    let r2 = async {
        match ctx.env.bucket(config::SCANS) {
            Ok(bucket) => bucket.head("health-probe").await.is_ok(),
            Err(_) => false,
        }
    };
    let sequences = async { crate::sequences::peek(&ctx.env, "health").await.is_ok() };
    futures_util::future::join3(d1, r2, sequences).await
}
