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

use motcua_domain::shard::ShardId;

use crate::outbox::OutboxMessage;
use crate::platform::config;

/// Asks the sender to look for due messages now rather than at the next minute's cron: after
/// a write that may have queued one, in any province's database. Losing the nudge loses nothing
/// (the cron sweeps anyway).
pub async fn nudge(env: &worker::Env) {
    send_nudge(env, None).await
}

/// [`nudge`] for the one database a write went to (`None`: `DB` standing in for the provinces
/// without a binding of their own, where every shard's rows are).
pub async fn nudge_shard(env: &worker::Env, shard: Option<ShardId>) {
    send_nudge(env, shard).await
}

async fn send_nudge(env: &worker::Env, shard: Option<ShardId>) {
    if let Ok(q) = env.queue(config::OUTBOX) {
        if let Err(e) = q.send(OutboxMessage::NationalSync { shard: shard.map(|s| s.to_string()) }).await {
            worker::console_error!("national sync: nudge not queued: {e}");
        }
    }
}

/// The shard a nudge names; `None` (sweep every database) for a nudge without one, or with a
/// name no shard has (better one sweep too many than a message left to the cron).
pub fn nudged_shard(shard: Option<&str>) -> Option<ShardId> {
    shard.and_then(|s| ShardId::parse("shard", s).ok())
}
