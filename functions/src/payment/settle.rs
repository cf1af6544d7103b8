//! Settlement: what a verified provider result does to the records. Exactly once: concurrent
//! duplicate callbacks, retries, the reconciliation query and the browser's return all race for
//! the `settlements` primary key (one row per fee notice) inside one D1 transaction, and only
//! the winner moves the payment, the notice and the dossier and gets a receipt.

use motcua_domain::gateway::{CallbackOutcome, CallbackVerdict};
use motcua_domain::payment::{self, Event, State};
use serde_json::json;
use worker::Env;

use super::repo::{self, PaymentRow};
use super::{ledger, receipt};
use crate::dossier::repo::enum_str;
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

/// Applies a verified result. The signature was checked by the caller; everything else (the
/// order, the provider, the amount, the current state) is checked here.
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
        "success": verdict.success,
        "code": verdict.code,
        "message": verdict.message,
        "amount": verdict.amount.as_dong(),
        "provider_txn": verdict.provider_txn,
    });
    ledger::append(&d1, &p.id, &now, via.as_str(), &detail).await?;

    if !verdict.success {
        let event = if is_cancel(verdict) { Event::Cancel } else { Event::Declined };
        return Ok(match payment::transition(p.state, event) {
            Ok(next) => {
                repo::set_state(&d1, &p.id, next, &now).await?;
                CallbackOutcome::Recorded
            }
            Err(_) if p.state.is_settled() => CallbackOutcome::AlreadyConfirmed,
            Err(_) => CallbackOutcome::Recorded,
        });
    }
    if verdict.amount.as_dong() != p.amount {
        if let Ok(next) = payment::transition(p.state, Event::PaidWrongAmount) {
            repo::set_state(&d1, &p.id, next, &now).await?;
        }
        return Ok(CallbackOutcome::InvalidAmount);
    }
    if p.state.is_settled() {
        return Ok(CallbackOutcome::AlreadyConfirmed);
    }
    if payment::transition(p.state, Event::Paid).is_err() {
        return Ok(CallbackOutcome::AlreadyConfirmed);
    }
    settle_once(env, &d1, &p, &verdict.provider_txn, via.as_str(), true, &now).await
}

fn is_cancel(v: &CallbackVerdict) -> bool {
    // VNPay 24, MoMo 1006, ZaloPay -49 (user cancelled); the others are declines.
    matches!(v.code.as_str(), "24" | "1006" | "-49")
}

/// The one transaction that settles a fee notice. Returns `AlreadyConfirmed` when another
/// request won the race.
pub async fn settle_once(
    env: &Env,
    d1: &worker::D1Database,
    p: &PaymentRow,
    provider_txn: &str,
    settled_by: &str,
    online: bool,
    now: &str,
) -> Result<CallbackOutcome, ApiError> {
    let online_flag = if online { 1 } else { 0 };
    let stmts = vec![
        d1.prepare(
            "INSERT INTO settlements (notice_id, payment_id, provider, provider_txn, amount, online, settled_by, settled_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )
        .bind(&[
            p.notice_id.as_str().into(),
            p.id.as_str().into(),
            p.provider.as_str().into(),
            provider_txn.into(),
            (p.amount as f64).into(),
            online_flag.into(),
            settled_by.into(),
            now.into(),
        ])?,
        d1.prepare("UPDATE payments SET state = ?1, provider_txn = ?2, updated_at = ?3 WHERE id = ?4")
            .bind(&[enum_str(&State::Succeeded).into(), provider_txn.into(), now.into(), p.id.as_str().into()])?,
        d1.prepare("UPDATE fee_notices SET status = 'settled' WHERE id = ?1").bind(&[p.notice_id.as_str().into()])?,
        d1.prepare(
            "UPDATE dossiers SET status = 'paid', paid_online = ?1, paid_at = ?2, updated_at = ?2 \
             WHERE id = ?3 AND status = 'fee_notified'",
        )
        .bind(&[online_flag.into(), now.into(), p.dossier_id.as_str().into()])?,
        d1.prepare(
            "INSERT INTO dossier_events (dossier_id, at, actor_role, actor_id, action, from_status, to_status, reason) \
             SELECT ?1, ?2, 'system', ?3, ?4, 'fee_notified', 'paid', NULL \
             FROM dossiers WHERE id = ?1 AND status = 'paid' AND paid_at = ?2",
        )
        .bind(&[
            p.dossier_id.as_str().into(),
            now.into(),
            format!("payment:{}", p.id).into(),
            (if online { "pay_online" } else { "pay_at_counter" }).into(),
        ])?,
        ledger::event_stmt(d1, &p.id, now, "settled", &json!({"provider_txn": provider_txn, "by": settled_by}))?,
        // The dashboard's counters move with the dossier, in this same transaction.
        crate::dashboard::repo::count_settlement_stmt(d1, &p.dossier_id, now, online)?,
    ];
    match d1.batch(stmts).await {
        Ok(_) => {}
        Err(e) if e.to_string().contains("UNIQUE") => {
            return duplicate(d1, p, provider_txn, now).await;
        }
        Err(e) => return Err(e.into()),
    }
    if let Ok(Some(row)) = crate::dossier::repo::dossier(d1, &p.dossier_id).await {
        crate::dossier::notify::status_changed(env, &row).await;
    }
    // The settlement stands; a receipt failure here is retried by reconciliation.
    if let Err(e) = receipt::issue(env, d1, &p.id).await {
        worker::console_error!("receipt for payment {} not issued yet: {e}", p.id);
    }
    Ok(CallbackOutcome::Recorded)
}

/// Another request settled this notice first. If it was this very payment, it is a duplicate
/// callback; if it was another attempt, the citizen paid twice: the money is recorded for an
/// officer to refund.
async fn duplicate(d1: &worker::D1Database, p: &PaymentRow, provider_txn: &str, now: &str) -> Result<CallbackOutcome, ApiError> {
    #[derive(serde::Deserialize)]
    struct Winner {
        payment_id: String,
    }
    let winner: Option<Winner> = crate::platform::db::first(
        d1.prepare("SELECT payment_id FROM settlements WHERE notice_id = ?1").bind(&[p.notice_id.as_str().into()])?,
    )
    .await?;
    match winner {
        Some(w) if w.payment_id == p.id => Ok(CallbackOutcome::AlreadyConfirmed),
        _ => {
            ledger::append(d1, &p.id, now, "duplicate_payment", &json!({"provider_txn": provider_txn})).await?;
            repo::set_state(d1, &p.id, State::AmountMismatch, now).await?;
            Ok(CallbackOutcome::Recorded)
        }
    }
}
