//! What a verified provider result does to the records. The signature was checked by the
//! caller; the order, the provider, the amount and the current state are checked here, and the
//! payment store writes the decision (exactly once, whatever races it).

use motcua_domain::gateway::{CallbackOutcome, CallbackVerdict};
use motcua_domain::payment::{self, Event};
use serde_json::json;
use worker::Env;

use super::{repo, store};
use crate::platform::clock;
use crate::platform::error::ApiError;

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

pub async fn apply(env: &Env, verdict: &CallbackVerdict, via: Via) -> Result<CallbackOutcome, ApiError> {
    let d1 = env.d1(crate::platform::config::DB)?;
    let now = clock::rfc3339(clock::now());
    let Some(p) = repo::by_reference(&d1, verdict.reference.as_str()).await? else {
        return Ok(CallbackOutcome::OrderNotFound);
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
    store::record_callback(&d1, &p.id, &now, via.as_str(), &detail).await?;
    let amount_matches = verdict.amount.as_dong() == p.amount;
    let Some(event) = payment::event_for(verdict.result, amount_matches) else {
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
