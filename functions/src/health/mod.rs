//! `GET /api/health`: the version and whether each storage binding answers, so an operator (and
//! the tests) can tell a broken binding from a broken feature.
//!
//! Monitors and load balancers ask often, so a healthy answer is reused by the isolate that
//! probed for [`HEALTHY_FOR_MS`]: a flood of checks costs little more than `/api/ping`. A failed
//! probe is never reused (the next check probes again), so a binding that breaks shows within that
//! time and one that recovers shows at once.

use std::cell::RefCell;

use motcua_domain::api::{DatabaseHealth, Health};
use worker::Response;

use crate::platform::config;
use crate::platform::db::Db;
use crate::platform::error::ApiError;
use crate::platform::http::{json, Ctx};
use crate::platform::shards;

/// How long a healthy probe stands for this isolate.
const HEALTHY_FOR_MS: u64 = 5_000;

thread_local! {
    /// When this isolate's last healthy probe started, and the databases it asked.
    static HEALTHY_AT: RefCell<Option<(u64, Vec<DatabaseHealth>)>> = const { RefCell::new(None) };
}

pub async fn get(ctx: &Ctx) -> Result<Response, ApiError> {
    let now = worker::Date::now().as_millis();
    let recent = HEALTHY_AT
        .with(|h| h.borrow().clone())
        .filter(|(at, _)| motcua_domain::cache::within(*at, now, HEALTHY_FOR_MS));
    let (databases, r2, sequences) = match recent.clone() {
        Some((_, databases)) => (databases, true, true),
        None => probe(ctx).await,
    };
    let d1 = !databases.is_empty() && databases.iter().all(|d| d.ok);
    let healthy = d1 && r2 && sequences;
    if recent.is_none() {
        HEALTHY_AT.with(|h| *h.borrow_mut() = healthy.then(|| (now, databases.clone())));
    }
    let body = Health { version: config::APP_VERSION.to_string(), d1, r2, sequences, databases };
    Ok(json(&body)?.with_status(if healthy { 200 } else { 503 }))
}

/// Each binding asked at once: every D1 database, R2 and the sequence counters' Durable Object.
async fn probe(ctx: &Ctx) -> (Vec<DatabaseHealth>, bool, bool) {
    let d1 = async {
        let mut out = vec![match ctx.national() {
            Ok(db) => DatabaseHealth { binding: config::DB.to_string(), home: "national".into(), ok: select_one(&db).await },
            Err(_) => DatabaseHealth { binding: config::DB.to_string(), home: "national".into(), ok: false },
        }];
        match shards::all(&ctx.env) {
            Ok(dbs) => {
                let answers = shards::fanout(dbs, |db| async move {
                    // `DB` stands for every province without a binding of its own.
                    let binding = db.shard().map(|s| s.binding()).unwrap_or_else(|| config::DB.to_string());
                    Ok(DatabaseHealth { binding, home: "shard".into(), ok: select_one(&db).await })
                })
                .await;
                out.extend(answers.unwrap_or_default());
            }
            Err(_) => out.push(DatabaseHealth { binding: "DB_P*".into(), home: "shard".into(), ok: false }),
        }
        out
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

async fn select_one(db: &Db) -> bool {
    db.prepare("SELECT 1 AS one").first::<serde_json::Value>(None).await.is_ok()
}
