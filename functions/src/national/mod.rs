//! The national public-service portal (Cổng DVCQG): every dossier event and rating sent there in
//! order and acknowledged once ([`sync`], [`store`], [`portal`]), operated from
//! `/api/admin/national-sync` ([`routes`]); in development an imitation of the portal
//! ([`sandbox`], `/sandbox/dvcqg/*`). Our codes mapped to the portal's, and the portal's catalog
//! compared with ours into a review list ([`catalog`]).

pub mod catalog;
pub mod portal;
pub mod routes;
#[cfg(feature = "sandbox")]
pub mod sandbox;
#[cfg(feature = "sandbox")]
pub mod sandbox_catalog;
pub mod store;
pub mod sync;

use crate::outbox::OutboxMessage;
use crate::platform::config;

/// Asks the sender to look for due messages now rather than at the next minute's cron: after
/// a write that may have queued one. Losing the nudge loses nothing (the cron sweeps anyway).
pub async fn nudge(env: &worker::Env) {
    if let Ok(q) = env.queue(config::OUTBOX) {
        if let Err(e) = q.send(OutboxMessage::NationalSync {}).await {
            worker::console_error!("national sync: nudge not queued: {e}");
        }
    }
}
