//! motcua's edge functions: one Cloudflare Worker that answers the API under `/api/*` (the
//! static app is served by Workers assets), holds every secret, and owns the records in D1, the
//! scans in R2, the sequence counters in a Durable Object and the outbound work in a Queue.
//! Each feature lives in its own module (`routes.rs` for HTTP, `repo.rs` for storage); the rules
//! themselves come from `motcua-domain`.

// One crate, two Workers (the `backoffice` feature, see router.rs): each routes only its part
// of the API, so the other part's handlers are compiled but never called (and left out of its
// wasm by the linker).
#![allow(dead_code)]

use worker::{event, Context, Env, Request, Response, Result};

mod archive;
mod auth;
mod bill;
mod catalog;
mod dashboard;
mod desk;
mod document;
mod dossier;
mod embed;
mod fee;
#[cfg(feature = "sandbox")]
mod dev;
mod health;
mod national;
mod outbox;
mod pages;
mod paperless;
mod payment;
mod platform;
mod report;
mod router;
mod sequences;
mod signing;
mod upload;

pub use sequences::Sequences;

/// On the isolate's start: text input is put in NFC by the runtime's own Unicode normalization
/// (`String.prototype.normalize`), not by tables compiled into this Worker (~60 KB gzip of its
/// 1 MB budget); `motcua_domain::text_input::to_nfc` calls it.
#[event(start)]
fn start() {
    motcua_domain::text_input::use_platform_nfc(|s| String::from(worker::js_sys::JsString::from(s).normalize("NFC")));
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, ctx: Context) -> Result<Response> {
    let writes = router::may_queue_national_sync(&req);
    let nudge_env = env.clone();
    let resp = router::handle(req, env).await?;
    // A write that changed a dossier queued its portal message in the same transaction; send it
    // now instead of at the next minute's sweep, after the answer has gone, asking for a sweep of
    // the databases written only (portal messages live in the provinces' databases).
    let written = platform::db::take_written();
    if writes && (200..300).contains(&resp.status_code()) && !written.is_empty() {
        ctx.wait_until(async move {
            if written.contains(&None) {
                national::nudge(&nudge_env).await;
            } else {
                for shard in written {
                    national::nudge_shard(&nudge_env, shard).await;
                }
            }
        });
    }
    Ok(resp)
}

// The queue's consumer and the crons are the public Worker's (wrangler.toml); the back-office
// Worker has neither.
#[cfg(not(feature = "backoffice"))]
#[event(queue)]
async fn queue(batch: worker::MessageBatch<outbox::OutboxMessage>, env: Env, _ctx: Context) -> Result<()> {
    outbox::consume(batch, env).await;
    // Never return Err here: worker 0.8 would re-initialise the instance and redeliver the
    // whole batch, acknowledged messages included (see ../shared/NOTES.md).
    Ok(())
}

#[cfg(not(feature = "backoffice"))]
#[event(scheduled)]
async fn scheduled(event: worker::ScheduledEvent, env: Env, _ctx: worker::ScheduleContext) {
    // Every minute: the national portal's due messages (the ladder's first step is a minute).
    match national::sync::sweep(&env, None).await {
        Ok(s) => worker::console_log!("national sync: {} acknowledged, {} failed", s.acknowledged, s.failed),
        Err(e) => worker::console_error!("national sync failed: {e}"),
    }
    if event.cron() == "* * * * *" {
        return;
    }
    match payment::reconcile::run(&env).await {
        Ok(n) => worker::console_log!("reconciliation: {n} pending payments examined"),
        Err(e) => worker::console_error!("reconciliation failed: {e}"),
    }
    match payment::settlement::daily_report(&env).await {
        Ok(Some(open)) => worker::console_log!("settlement report: {open} differences still open"),
        Ok(None) => {}
        Err(e) => worker::console_error!("settlement report failed: {e}"),
    }
    // Bills past their due date close (every 5 minutes: the day turns at 17:00 UTC).
    match platform::shards::all(&env) {
        Ok(shards) => {
            for d1 in shards {
                match bill::store::expire_past_due(&d1).await {
                    Ok(n) => worker::console_log!("bills: {n} past due closed"),
                    Err(e) => worker::console_error!("bill expiry failed: {e}"),
                }
            }
        }
        Err(e) => worker::console_error!("bill expiry: no database: {e}"),
    }
    match upload::cleanup::run(&env).await {
        Ok(s) => worker::console_log!("uploads: {} never attached deleted, {} unfinished multipart aborted", s.deleted, s.aborted),
        Err(e) => worker::console_error!("upload cleanup failed: {e}"),
    }
    match auth::repo::forget_old_address_tries(&env).await {
        Ok(n) => worker::console_log!("auth: {n} wrong tries past their window forgotten"),
        Err(e) => worker::console_error!("auth cleanup failed: {e}"),
    }
}
