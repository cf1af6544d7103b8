//! The only writer of payment attempts, their state, the settlements and the ledger rows that
//! record each change. Every state write is a decision of `motcua_domain::payment` written in
//! one D1 batch that starts with a guard on the version it was decided from; a settlement also
//! carries the dossier's decided change (through the dossier store) and races for the
//! `settlements` primary key, so a fee notice is settled exactly once whatever arrives at the
//! same time (duplicate callbacks, the reconciliation query, a withdrawal, a new notice).

use motcua_domain::dossier::{self, Actor, Command, Role};
use motcua_domain::gateway::CallbackOutcome;
use motcua_domain::money::Vnd;
use motcua_domain::payment::{self, Event, PaymentDecision, State};
use serde_json::{json, Value};
use futures_util::future::{join, try_join};
use sha2::{Digest, Sha256};
use worker::{D1PreparedStatement, Env};
use crate::platform::db::Db;

use super::repo::{self, PaymentRow};
use super::{ledger, receipt};
use crate::auth::session::StaffSession;
use crate::dossier::repo::{self as dossier_repo, enum_str, DossierRow};
use crate::dossier::staff_routes::state_of;
use crate::dossier::store as dossier_store;
use crate::platform::db::{self, Guarded};
use crate::platform::error::ApiError;

/// How many times a change that another request beat is decided again on a fresh read. Only
/// facts that already happened elsewhere (money taken, a refund done) are retried; a person's
/// request that lost a race gets 409.
const RETRIES: usize = 5;

/// What an attempt pays, and the version its payability was decided on: a dossier's open fee
/// notice (guarded by the dossier, whose state says whether fees are owed) or a bill of its own.
pub enum Owner<'a> {
    Dossier(&'a DossierRow),
    Bill(&'a crate::bill::repo::BillRow),
}

/// A new attempt for an open bill.
pub struct NewPayment<'a> {
    pub id: &'a str,
    pub reference: &'a str,
    pub bill_id: &'a str,
    pub provider: &'a str,
    pub amount: i64,
    pub started_by: &'a str,
    pub at: &'a str,
    pub expires_at: &'a str,
    /// Whose merchant opened it (`None`: the deployment's).
    pub merchant_agency: Option<&'a str>,
    /// Each line's beneficiary (absent for cash at a counter whose accounts are not configured).
    pub routing: Option<&'a motcua_domain::beneficiary::Routing>,
}

/// Opens an attempt, guarded by the version its payability was read from: an attempt is never
/// opened for a dossier withdrawn or re-noticed, or a bill cancelled or expired, after that read.
pub async fn create(d1: &Db, owner: Owner<'_>, new: NewPayment<'_>) -> Result<PaymentRow, ApiError> {
    let (guard, dossier_id, agency) = match owner {
        Owner::Dossier(d) => (db::guard(d1, Guarded::Dossier, &d.id, d.version)?, Some(d.id.as_str()), d.agency_code.as_str()),
        Owner::Bill(b) => (db::guard(d1, Guarded::Bill, &b.id, b.version)?, None, b.agency_code.as_str()),
    };
    let stmts = vec![
        guard,
        d1.prepare(
            "INSERT INTO payments (id, reference, bill_id, dossier_id, agency_code, provider, amount, state, started_by, \
               created_at, expires_at, updated_at, merchant_agency, routing_json) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'created', ?8, ?9, ?10, ?9, ?11, ?12)",
        )
        .bind(&[
            new.id.into(),
            new.reference.into(),
            new.bill_id.into(),
            db::nullable(dossier_id),
            agency.into(),
            new.provider.into(),
            (new.amount as f64).into(),
            new.started_by.into(),
            new.at.into(),
            new.expires_at.into(),
            db::nullable(new.merchant_agency),
            match new.routing {
                Some(r) => serde_json::to_string(r).map_err(|e| ApiError::Unexpected(e.to_string()))?.into(),
                None => worker::wasm_bindgen::JsValue::NULL,
            },
        ])?,
        ledger::event_stmt(d1, new.id, new.at, "created", &json!({"provider": new.provider, "amount": new.amount, "by": new.started_by}))?,
    ];
    match owner {
        Owner::Dossier(d) => dossier_store::run(d1, &d.id, stmts).await?,
        Owner::Bill(b) => crate::bill::store::run(d1, b, stmts).await?,
    }
    repo::by_id(d1, new.id).await?.ok_or_else(|| ApiError::Unexpected("payment vanished".into()))
}

/// The statements of a decided state change: guard, state, ledger row.
fn change_stmts(d1: &Db, p: &PaymentRow, d: &PaymentDecision, at: &str, detail: &Value) -> Result<Vec<D1PreparedStatement>, ApiError> {
    Ok(vec![
        db::guard(d1, Guarded::Payment, &p.id, p.version)?,
        d1.prepare("UPDATE payments SET state = ?1, version = version + 1, updated_at = ?2 WHERE id = ?3 AND version = ?4")
            .bind(&[enum_str(&d.to).into(), at.into(), p.id.as_str().into(), (p.version as f64).into()])?,
        ledger::event_stmt(d1, &p.id, at, d.ledger_kind(), detail)?,
    ])
}

/// Writes a decided change; a lost race is [`ApiError::Stale`] with the attempt's current state.
pub async fn write(d1: &Db, p: &PaymentRow, d: &PaymentDecision, at: &str, detail: &Value) -> Result<(), ApiError> {
    run(d1, &p.id, change_stmts(d1, p, d, at, detail)?).await
}

async fn run(d1: &Db, payment_id: &str, stmts: Vec<D1PreparedStatement>) -> Result<(), ApiError> {
    match d1.batch(stmts).await {
        Ok(_) => Ok(()),
        Err(e) if db::is_stale(&e) => Err(stale(d1, payment_id).await),
        Err(e) => Err(e.into()),
    }
}

async fn stale(d1: &Db, payment_id: &str) -> ApiError {
    match repo::by_id(d1, payment_id).await {
        Ok(Some(p)) => {
            let view = p.state.view();
            ApiError::Stale {
                what: "payment",
                current: enum_str(&p.state),
                label_vi: view.label,
                label_en: view.status.label_en().to_string(),
            }
        }
        _ => ApiError::NotFound { what: "payment", field: Some("id") },
    }
}

/// A verified result that is a fact at the provider (declined, cancelled, expired, the wrong
/// amount, a second payment): decided again on a fresh read until it lands or no longer
/// applies. Answers whether it changed the attempt.
pub async fn apply_event(d1: &Db, payment_id: &str, event: Event, at: &str, detail: &Value) -> Result<bool, ApiError> {
    for _ in 0..RETRIES {
        let Some(p) = repo::by_id(d1, payment_id).await? else { return Ok(false) };
        let Ok(decision) = payment::decide(p.state, event) else { return Ok(false) };
        match write(d1, &p, &decision, at, detail).await {
            Ok(()) => return Ok(true),
            Err(ApiError::Stale { .. }) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(ApiError::Unexpected(format!("payment {payment_id} kept changing under {event:?}")))
}

/// Keeps one ledger row per distinct callback: a provider repeating the same verified message
/// is counted in `callback_copies`, not appended again (a 1 000-copy storm adds one row).
pub async fn record_callback(d1: &Db, payment_id: &str, at: &str, via: &str, detail: &Value) -> Result<(), ApiError> {
    let fingerprint = hex::encode(Sha256::digest(format!("{via}|{detail}").as_bytes()));
    d1.batch(vec![
        d1.prepare(
            "INSERT INTO callback_copies (payment_id, fingerprint, copies, first_at, last_at) VALUES (?1, ?2, 1, ?3, ?3) \
             ON CONFLICT (payment_id, fingerprint) DO UPDATE SET copies = copies + 1, last_at = excluded.last_at",
        )
        .bind(&[payment_id.into(), fingerprint.as_str().into(), at.into()])?,
        d1.prepare(
            "INSERT INTO payment_events (payment_id, at, kind, detail) SELECT ?1, ?3, ?4, ?5 \
             WHERE (SELECT copies FROM callback_copies WHERE payment_id = ?1 AND fingerprint = ?2) = 1",
        )
        .bind(&[payment_id.into(), fingerprint.as_str().into(), at.into(), via.into(), detail.to_string().into()])?,
    ])
    .await?;
    Ok(())
}

/// Who settles: the platform on a provider's verified result, or an officer at the counter.
pub enum Settler<'a> {
    Provider { via: &'a str },
    Counter { staff: &'a StaffSession },
}

impl Settler<'_> {
    fn online(&self) -> bool {
        matches!(self, Settler::Provider { .. })
    }

    fn name(&self) -> &str {
        match self {
            Settler::Provider { via } => via,
            Settler::Counter { .. } => "counter",
        }
    }
}

/// Settles the attempt's fee notice, exactly once: the payment, the notice, the dossier's
/// change, the ledger and the dashboard's counters in one transaction. Money that arrives for
/// a dossier no longer waiting for it (withdrawn, re-noticed, paid by another attempt) is
/// recorded for an officer to refund, never lost.
pub async fn settle(env: &Env, d1: &Db, payment_id: &str, provider_txn: &str, settler: Settler<'_>, at: &str) -> Result<CallbackOutcome, ApiError> {
    let Some(p) = repo::by_id(d1, payment_id).await? else { return Ok(CallbackOutcome::OrderNotFound) };
    let read = settlement_read(d1, p).await?;
    settle_from(env, d1, read, provider_txn, settler, at).await
}

/// What a settlement is decided on: the attempt and, for a dossier's fee notice, the dossier
/// with its latest notice (`None` inside: the dossier is gone).
pub struct SettlementRead {
    payment: PaymentRow,
    dossier: Option<(Option<DossierRow>, Option<dossier_repo::NoticeRow>)>,
}

/// Reads what [`settle_from`] decides on; the dossier and its notice together.
pub async fn settlement_read(d1: &Db, payment: PaymentRow) -> Result<SettlementRead, ApiError> {
    let dossier = match payment.dossier_id.as_deref() {
        Some(id) => Some(try_join(dossier_repo::dossier_unnamed(d1, id), dossier_repo::latest_notice(d1, id)).await?),
        None => None,
    };
    Ok(SettlementRead { payment, dossier })
}

/// [`settle`] decided first on `first` (read by the caller), then, if another request moved
/// the attempt or the dossier meanwhile (the batch's guards refuse it), on a fresh read.
pub async fn settle_from(
    env: &Env,
    d1: &Db,
    first: SettlementRead,
    provider_txn: &str,
    settler: Settler<'_>,
    at: &str,
) -> Result<CallbackOutcome, ApiError> {
    let payment_id = first.payment.id.clone();
    let mut next = Some(first);
    for _ in 0..RETRIES {
        let read = match next.take() {
            Some(read) => read,
            None => {
                let Some(p) = repo::by_id(d1, &payment_id).await? else { return Ok(CallbackOutcome::OrderNotFound) };
                settlement_read(d1, p).await?
            }
        };
        let p = read.payment;
        let decision = match payment::decide(p.state, Event::Paid) {
            Ok(d) => d,
            Err(_) => return Ok(CallbackOutcome::AlreadyConfirmed),
        };
        let (Some(dossier_id), Some((row, notice))) = (p.dossier_id.as_deref(), read.dossier) else {
            // A bill of its own: the bill decides whether it is still owed.
            match settle_bill(env, d1, &p, &decision, provider_txn, &settler, at).await? {
                Some(outcome) => return Ok(outcome),
                None => continue,
            }
        };
        let Some(row) = row else { return Ok(CallbackOutcome::OrderNotFound) };
        let still_owed = notice.as_ref().is_some_and(|n| n.id == p.bill_id && n.status == "open");
        let actor = match &settler {
            Settler::Provider { .. } => Actor { role: Role::System, id: format!("payment:{}", p.id) },
            Settler::Counter { staff } => Actor { role: Role::Officer, id: staff.staff_id.clone() },
        };
        let command = Command::Pay { payment_id: p.id.clone(), amount: Vnd::dong(p.amount), online: settler.online() };
        let dossier_change = dossier::decide(state_of(&row), command, &actor, crate::platform::clock::now());
        let dossier_change = match (still_owed, dossier_change) {
            (true, Ok(change)) => change,
            _ => return paid_but_not_owed(d1, &p, provider_txn, at).await,
        };
        let staff = match &settler {
            Settler::Counter { staff } => Some(*staff),
            Settler::Provider { .. } => None,
        };
        let mut stmts = vec![db::guard(d1, Guarded::Payment, &p.id, p.version)?];
        stmts.extend(dossier_store::change_stmts(d1, &row, &dossier_change, staff, at)?);
        stmts.extend([
            crate::bill::store::notice_paid_stmt(d1, &p.bill_id, &p.id, at)?,
            // The dashboard's counters move with the dossier, in this same transaction.
            crate::dashboard::repo::count_settlement_stmt(d1, dossier_id, at, settler.online())?,
        ]);
        stmts.extend(settlement_stmts(d1, &p, &decision, provider_txn, &settler, at)?);
        match d1.batch(stmts).await {
            Ok(_) => {}
            Err(e) if db::is_stale(&e) => continue,
            Err(e) if db::is_unique_violation(&e) => return duplicate(d1, &p, provider_txn, at).await,
            Err(e) => return Err(e.into()),
        }
        // The batch held on the dossier's version: it is now exactly the decided status, so the
        // applicant is told from it without reading it again, while the receipt is issued.
        let row = DossierRow { status: dossier_change.event.to, ..row };
        join(crate::dossier::notify::status_changed(env, &row), issue_receipt(env, d1, &p)).await;
        return Ok(CallbackOutcome::Recorded);
    }
    Err(ApiError::Unexpected(format!("payment {payment_id} could not be settled: kept changing")))
}

/// The settlement itself, the attempt's new state and its ledger row: the part of a settlement
/// that is the same whatever the bill is for. `settlements` is keyed by the bill, so only one
/// of two attempts racing for one bill lands.
fn settlement_stmts(
    d1: &Db,
    p: &PaymentRow,
    decision: &PaymentDecision,
    provider_txn: &str,
    settler: &Settler<'_>,
    at: &str,
) -> Result<Vec<D1PreparedStatement>, ApiError> {
    Ok(vec![
        d1.prepare(
            "INSERT INTO settlements (bill_id, payment_id, provider, provider_txn, amount, online, settled_by, settled_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )
        .bind(&[
            p.bill_id.as_str().into(),
            p.id.as_str().into(),
            p.provider.as_str().into(),
            provider_txn.into(),
            (p.amount as f64).into(),
            (if settler.online() { 1 } else { 0 }).into(),
            settler.name().into(),
            at.into(),
        ])?,
        d1.prepare("UPDATE payments SET state = ?1, provider_txn = ?2, version = version + 1, updated_at = ?3 WHERE id = ?4 AND version = ?5")
            .bind(&[enum_str(&decision.to).into(), provider_txn.into(), at.into(), p.id.as_str().into(), (p.version as f64).into()])?,
        ledger::event_stmt(d1, &p.id, at, decision.ledger_kind(), &json!({"provider_txn": provider_txn, "by": settler.name()}))?,
    ])
}

/// The settlement stands; a receipt failure here is retried by reconciliation.
async fn issue_receipt(env: &Env, d1: &Db, p: &PaymentRow) {
    if let Err(e) = receipt::issue(env, d1, &p.id).await {
        worker::console_error!("receipt for payment {} not issued yet: {e}", p.id);
    }
}

/// Settles a bill without a dossier: the bill's own decision (open, or expired while the payer
/// was at the provider) with its version guarded, the settlement, the per-kind counters. `None`:
/// something moved meanwhile, decide again.
async fn settle_bill(
    env: &Env,
    d1: &Db,
    p: &PaymentRow,
    decision: &PaymentDecision,
    provider_txn: &str,
    settler: &Settler<'_>,
    at: &str,
) -> Result<Option<CallbackOutcome>, ApiError> {
    use motcua_domain::bill;
    let Some(b) = crate::bill::repo::by_id(d1, &p.bill_id).await? else { return Ok(Some(CallbackOutcome::OrderNotFound)) };
    let bill_change = match bill::decide(b.facts(), &bill::Command::Settle, crate::platform::clock::now()) {
        Ok(change) => change,
        Err(bill::BillError::NotOpen(bill::State::Paid)) => return duplicate(d1, p, provider_txn, at).await.map(Some),
        Err(_) => return paid_but_not_owed(d1, p, provider_txn, at).await.map(Some),
    };
    let mut stmts = vec![db::guard(d1, Guarded::Payment, &p.id, p.version)?];
    stmts.extend(crate::bill::store::change_stmts(d1, &b, &bill_change, &format!("payment:{}", p.id), at)?);
    stmts.extend(settlement_stmts(d1, p, decision, provider_txn, settler, at)?);
    stmts.push(crate::bill::store::count_stmt(d1, &b, at, settler.online())?);
    if let Settler::Counter { staff } = settler {
        stmts.push(crate::desk::audit::stmt_in(
            d1,
            staff,
            Some(&b.agency_code),
            at,
            "bill.counter_payment",
            "bill",
            b.code.as_deref().unwrap_or(&b.id),
            &bill_change.audit_before,
            &json!({"state": bill_change.to.as_str(), "amount": p.amount, "provider_txn": provider_txn}),
        )?);
    }
    match d1.batch(stmts).await {
        Ok(_) => {}
        Err(e) if db::is_stale(&e) => return Ok(None),
        Err(e) if db::is_unique_violation(&e) => return duplicate(d1, p, provider_txn, at).await.map(Some),
        Err(e) => return Err(e.into()),
    }
    issue_receipt(env, d1, p).await;
    Ok(Some(CallbackOutcome::Recorded))
}

/// Another request settled this notice first. If it was this very payment, it is a duplicate
/// callback; if it was another attempt, the citizen paid twice: the money is recorded for an
/// officer to refund.
async fn duplicate(d1: &Db, p: &PaymentRow, provider_txn: &str, at: &str) -> Result<CallbackOutcome, ApiError> {
    #[derive(serde::Deserialize)]
    struct Winner {
        payment_id: String,
    }
    let winner: Option<Winner> =
        db::first(d1.prepare("SELECT payment_id FROM settlements WHERE bill_id = ?1").bind(&[p.bill_id.as_str().into()])?).await?;
    match winner {
        Some(w) if w.payment_id == p.id => Ok(CallbackOutcome::AlreadyConfirmed),
        _ => paid_but_not_owed(d1, p, provider_txn, at).await,
    }
}

/// Money verified as taken for a notice nobody owes any more: kept as "needs review" for an
/// officer to refund.
async fn paid_but_not_owed(d1: &Db, p: &PaymentRow, provider_txn: &str, at: &str) -> Result<CallbackOutcome, ApiError> {
    let detail = json!({"provider_txn": provider_txn, "reason": "not_owed"});
    apply_event(d1, &p.id, Event::PaidWrongAmount, at, &detail).await?;
    Ok(CallbackOutcome::Recorded)
}

/// A refund reserved before the provider is asked, so two officers cannot both give the same
/// money back: the row `requested`, the attempt's version moved, the audit row.
pub async fn reserve_refund(
    d1: &Db,
    p: &PaymentRow,
    refund_id: &str,
    amount: i64,
    reason: &str,
    staff: &StaffSession,
    at: &str,
) -> Result<(), ApiError> {
    let stmts = vec![
        db::guard(d1, Guarded::Payment, &p.id, p.version)?,
        d1.prepare(
            "INSERT INTO refunds (id, payment_id, amount, reason, status, staff_id, created_at) VALUES (?1, ?2, ?3, ?4, 'requested', ?5, ?6)",
        )
        .bind(&[refund_id.into(), p.id.as_str().into(), (amount as f64).into(), reason.into(), staff.staff_id.as_str().into(), at.into()])?,
        d1.prepare("UPDATE payments SET version = version + 1, updated_at = ?1 WHERE id = ?2 AND version = ?3")
            .bind(&[at.into(), p.id.as_str().into(), (p.version as f64).into()])?,
        ledger::event_stmt(d1, &p.id, at, "refund_requested", &json!({"refund_id": refund_id, "amount": amount, "reason": reason, "by": staff.staff_id}))?,
        crate::desk::audit::stmt(
            d1,
            staff,
            at,
            "refund",
            "payment",
            &p.id,
            &json!({"state": enum_str(&p.state), "refunded_before": p.refunded}),
            &json!({"refund_id": refund_id, "amount": amount, "reason": reason, "status": "requested"}),
        )?,
    ];
    run(d1, &p.id, stmts).await
}

/// Who closed a refund and how (for a refund paid back by hand).
#[derive(Default)]
pub struct RefundClose<'a> {
    /// The officer who closed it by hand, audited in the same batch as the change.
    pub by: Option<(&'a StaffSession, &'a str)>,
    pub note: Option<&'a str>,
    pub transfer_ref: Option<&'a str>,
}

/// A reserved refund leaves status `from` for `status`: `done`, `processing`, `manual` or `paid`
/// move the attempt (decided again on a fresh read if something else moved it meanwhile);
/// `failed` or `rejected` release the reservation. The write holds only while the refund is
/// still in `from`, so it is closed once whoever else tries. Answers the attempt's state.
pub async fn finish_refund(
    d1: &Db,
    payment_id: &str,
    refund_id: &str,
    amount: i64,
    from: &str,
    status: &str,
    at: &str,
    close: RefundClose<'_>,
) -> Result<State, ApiError> {
    #[derive(serde::Deserialize)]
    struct Current {
        status: String,
    }
    for _ in 0..RETRIES {
        let current: Option<Current> = db::first(d1.prepare("SELECT status FROM refunds WHERE id = ?1").bind(&[refund_id.into()])?).await?;
        if current.as_ref().map(|c| c.status.as_str()) != Some(from) {
            return Err(ApiError::Conflict {
                code: "wrong_state".into(),
                message: format!("The refund is {} now.", current.map(|c| c.status).unwrap_or_default()),
                message_vi: "Đề nghị hoàn tiền vừa được người khác xử lý; vui lòng tải lại.".into(),
                field: None,
            });
        }
        let p = repo::by_id(d1, payment_id).await?.ok_or(ApiError::NotFound { what: "payment", field: Some("id") })?;
        let mut stmts = vec![
            db::guard(d1, Guarded::Payment, &p.id, p.version)?,
            d1.prepare("INSERT INTO state_guard (ok) SELECT count(*) FROM refunds WHERE id = ?1 AND status = ?2").bind(&[refund_id.into(), from.into()])?,
            d1.prepare(
                "UPDATE refunds SET status = ?1, decided_by = coalesce(?3, decided_by), decided_at = CASE WHEN ?3 IS NULL THEN decided_at ELSE ?4 END, \
                   decision_note = coalesce(?5, decision_note), transfer_ref = coalesce(?6, transfer_ref), \
                   paid_at = CASE WHEN ?6 IS NULL THEN paid_at ELSE ?4 END WHERE id = ?2 AND status = ?7",
            )
            .bind(&[
                status.into(),
                refund_id.into(),
                db::nullable(close.by.map(|(staff, _)| staff.staff_id.as_str())),
                at.into(),
                db::nullable(close.note),
                db::nullable(close.transfer_ref),
                from.into(),
            ])?,
        ];
        let next = if status == "failed" || status == "rejected" {
            stmts.push(
                d1.prepare("UPDATE payments SET version = version + 1, updated_at = ?1 WHERE id = ?2 AND version = ?3")
                    .bind(&[at.into(), p.id.as_str().into(), (p.version as f64).into()])?,
            );
            stmts.push(ledger::event_stmt(d1, &p.id, at, if status == "failed" { "refund_refused" } else { "refund_rejected" }, &json!({"refund_id": refund_id, "by": close.by.map(|(staff, _)| &staff.staff_id)}))?);
            p.state
        } else {
            let event = payment::refund_event(amount, p.amount - p.refunded);
            let decision = payment::decide(p.state, event).map_err(|e| ApiError::Unexpected(format!("refund of {payment_id}: {e}")))?;
            stmts.push(
                d1.prepare(
                    "UPDATE payments SET state = ?1, refunded = refunded + ?2, version = version + 1, updated_at = ?3 \
                     WHERE id = ?4 AND version = ?5",
                )
                .bind(&[enum_str(&decision.to).into(), (amount as f64).into(), at.into(), p.id.as_str().into(), (p.version as f64).into()])?,
            );
            stmts.push(ledger::event_stmt(
                d1,
                &p.id,
                at,
                decision.ledger_kind(),
                &json!({"refund_id": refund_id, "amount": amount, "status": status, "transfer_ref": close.transfer_ref, "by": close.by.map(|(staff, _)| &staff.staff_id)}),
            )?);
            decision.to
        };
        if let Some((staff, agency)) = close.by {
            stmts.push(crate::desk::audit::stmt_in(
                d1,
                staff,
                Some(agency),
                at,
                &format!("refund.{status}"),
                "refund",
                refund_id,
                &json!({"status": from}),
                &json!({"status": status, "note": close.note, "transfer_ref": close.transfer_ref}),
            )?);
        }
        match d1.batch(stmts).await {
            Ok(_) => return Ok(next),
            Err(e) if db::is_stale(&e) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::Unexpected(format!("refund {refund_id} could not be recorded: the payment kept changing")))
}

/// A second officer's approval of a hand-paid refund: only the refund row changes, while it is
/// still requested.
pub async fn approve_refund(d1: &Db, refund_id: &str, staff: &StaffSession, agency: &str, at: &str) -> Result<(), ApiError> {
    let result = d1
        .batch(vec![
            d1.prepare("INSERT INTO state_guard (ok) SELECT count(*) FROM refunds WHERE id = ?1 AND status = 'requested'").bind(&[refund_id.into()])?,
            d1.prepare("UPDATE refunds SET status = 'approved', decided_by = ?1, decided_at = ?2 WHERE id = ?3 AND status = 'requested'")
                .bind(&[staff.staff_id.as_str().into(), at.into(), refund_id.into()])?,
            crate::desk::audit::stmt_in(d1, staff, Some(agency), at, "refund.approve", "refund", refund_id, &json!({"status": "requested"}), &json!({"status": "approved"}))?,
        ])
        .await;
    match result {
        Ok(_) => Ok(()),
        Err(e) if db::is_stale(&e) => Err(ApiError::Conflict {
            code: "wrong_state".into(),
            message: "The refund was decided by someone else meanwhile.".into(),
            message_vi: "Đề nghị hoàn tiền vừa được người khác xử lý; vui lòng tải lại.".into(),
            field: None,
        }),
        Err(e) => Err(e.into()),
    }
}

/// The national platform's own receipt for a settled payment, kept once.
pub async fn keep_platform_bill(d1: &Db, payment_id: &str, answer: &str) -> Result<(), ApiError> {
    d1.prepare("UPDATE payments SET platform_bill = ?1 WHERE id = ?2 AND platform_bill IS NULL")
        .bind(&[answer.into(), payment_id.into()])?
        .run()
        .await?;
    Ok(())
}
