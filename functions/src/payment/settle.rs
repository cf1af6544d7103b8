//! What a verified provider result does to the records. The signature was checked by the
//! caller; the order, the provider, the amount and the current state are checked here, and the
//! payment store writes the decision (exactly once, whatever races it).

use motcua_domain::gateway::{CallbackOutcome, CallbackVerdict, Reference};
use motcua_domain::payment::{self, Event};
use serde_json::json;
use worker::Env;

use futures_util::future::join;

use super::repo::{self, PaymentRow};
use super::store;
use crate::platform::clock;
use crate::platform::db::Db;
use crate::platform::error::ApiError;
use crate::platform::shards;

/// How the result reached us, kept in the ledger.
#[derive(Clone, Copy)]
pub enum Via {
    Callback,
    Query,
}

impl Via {
    fn as_str(self) -> &'static str {
        match self {
            Via::Callback => "callback",
            Via::Query => "query",
        }
    }
}

/// The shard a provider's reference names (one made before sharding: the legacy shard); `None`
/// for a reference naming a database this deployment does not have: no order of ours.
pub async fn shard_of(env: &Env, reference: &Reference) -> Result<Option<Db>, ApiError> {
    match shards::map(env).shard_of_reference(reference) {
        // A reference made before sharding may have moved with its payment (legacy_routes).
        Ok(_) => Ok(Some(shards::of_key(env, motcua_domain::shard::encoded_shard(reference).ok().flatten(), reference.as_str()).await?)),
        Err(_) => Ok(None),
    }
}

pub async fn apply(env: &Env, verdict: &CallbackVerdict, via: Via) -> Result<CallbackOutcome, ApiError> {
    apply_to(env, verdict, via, None).await
}

/// [`apply`] to the attempt the caller has just read for the verdict's reference (a callback
/// chose its merchant's keys by it), instead of reading it again. The attempt is looked up in
/// the shard its reference names, never across shards.
pub async fn apply_to(env: &Env, verdict: &CallbackVerdict, via: Via, known: Option<PaymentRow>) -> Result<CallbackOutcome, ApiError> {
    let Some(d1) = shard_of(env, &verdict.reference).await? else { return Ok(CallbackOutcome::OrderNotFound) };
    let now = clock::rfc3339(clock::now());
    let p = match known.filter(|p| p.reference == verdict.reference.as_str()) {
        Some(p) => p,
        None => match repo::by_reference(&d1, verdict.reference.as_str()).await? {
            Some(p) => p,
            None => return Ok(CallbackOutcome::OrderNotFound),
        },
    };
    if p.provider != verdict.provider.as_str() {
        return Ok(CallbackOutcome::OrderNotFound);
    }
    let detail = json!({
        "result": verdict.result,
        "code": verdict.code,
        "message": verdict.message,
        "amount": verdict.amount.as_dong(),
        "provider_txn": verdict.provider_txn,
    });
    let amount_matches = verdict.amount.as_dong() == p.amount;
    let event = payment::event_for(verdict.result, amount_matches);
    if let Some(Event::Paid) = event {
        // The callback's ledger row and the reads the settlement is decided on are independent:
        // one wait for both. The settlement's batch is written after both, so the ledger keeps
        // its order, and it is guarded by the versions read here as ever.
        let settler = store::Settler::Provider { via: via.as_str() };
        let id = p.id.clone();
        let (recorded, read) = join(store::record_callback(&d1, &id, &now, via.as_str(), &detail), store::settlement_read(&d1, p)).await;
        recorded?;
        return store::settle_from(env, &d1, read?, &verdict.provider_txn, settler, &now).await;
    }
    store::record_callback(&d1, &p.id, &now, via.as_str(), &detail).await?;
    let Some(event) = event else {
        // Not finished at the provider: the answer is in the ledger, nothing moves.
        return Ok(CallbackOutcome::Recorded);
    };
    match event {
        Event::Paid => store::settle(env, &d1, &p.id, &verdict.provider_txn, store::Settler::Provider { via: via.as_str() }, &now).await,
        Event::PaidWrongAmount => {
            store::apply_event(&d1, &p.id, event, &now, &detail).await?;
            Ok(CallbackOutcome::InvalidAmount)
        }
        _ => {
            let changed = store::apply_event(&d1, &p.id, event, &now, &detail).await?;
            let settled = !changed && repo::by_id(&d1, &p.id).await?.is_some_and(|p| p.state.is_settled());
            Ok(if settled { CallbackOutcome::AlreadyConfirmed } else { CallbackOutcome::Recorded })
        }
    }
}
