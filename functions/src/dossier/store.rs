//! The only writer of a dossier's status, its events and its open fee notice's cancellation.
//! A change is what `motcua_domain::dossier::decide` decided, written in one D1 batch that
//! starts with a guard on the version it was decided from: a concurrent change that landed
//! first makes the whole batch (status, event, notice, audit, the caller's own rows) fail, and
//! the caller answers 409 `conflict` with the dossier's current status.

use motcua_domain::dossier::{Decision, DossierError, DossierStatus, Role};
use motcua_domain::indicators::Channel;
use worker::D1PreparedStatement;
use crate::platform::db::Db;

use super::repo::{self, enum_str, DossierRow};
use crate::auth::session::StaffSession;
use crate::desk::audit;
use crate::platform::db::{self, Guarded};
use crate::platform::error::ApiError;

/// The statement that counts a new dossier in `intake_counters` (+1 in its channel, in the
/// agency × procedure × Vietnamese month of its submission), added to the batch that inserts
/// it: only a dossier that very batch inserted with `submitted_at = at` is counted, so a failed
/// insert counts nothing and nothing else writes these counters.
pub fn count_intake_stmt(d1: &Db, dossier_id: &str, at: &str, channel: Channel) -> Result<D1PreparedStatement, ApiError> {
    let month = motcua_domain::dashboard::intake_month(at).ok_or_else(|| ApiError::Unexpected(format!("bad submission instant {at}")))?;
    let c = motcua_domain::indicators::IntakeCounts::of(channel);
    let n = |v: u64| worker::wasm_bindgen::JsValue::from_f64(v as f64);
    Ok(d1
        .prepare(
            "INSERT INTO intake_counters (agency_code, procedure_code, month, online, counter, post) \
             SELECT agency_code, procedure_code, ?3, ?4, ?5, ?6 FROM dossiers WHERE id = ?1 AND submitted_at = ?2 \
             ON CONFLICT (agency_code, procedure_code, month) DO UPDATE SET \
               online = online + excluded.online, counter = counter + excluded.counter, post = post + excluded.post",
        )
        .bind(&[dossier_id.into(), at.into(), month.into(), n(c.online), n(c.counter), n(c.post)])?)
}

/// The statements of a decided change, in order: guard, status, event, notice cancellation,
/// audit. Callers that write more in the same transaction (a payment's settlement) append
/// their own and run the batch with [`run`].
pub fn change_stmts(
    d1: &Db,
    row: &DossierRow,
    decision: &Decision,
    staff: Option<&StaffSession>,
    at: &str,
) -> Result<Vec<D1PreparedStatement>, ApiError> {
    let event = &decision.event;
    let documents = decision.received_documents.as_ref().map(|d| serde_json::json!(d).to_string());
    let paid_online = decision.paid_online.map(|online| if online { 1.0 } else { 0.0 });
    let mut stmts = vec![
        db::guard(d1, Guarded::Dossier, &row.id, row.version)?,
        d1.prepare(
            "UPDATE dossiers SET status = ?1, version = version + 1, updated_at = ?2, \
               received_documents = coalesce(?5, received_documents), \
               paid_online = coalesce(?6, paid_online), paid_at = CASE WHEN ?6 IS NULL THEN paid_at ELSE ?2 END \
             WHERE id = ?3 AND version = ?4",
        )
        .bind(&[
            enum_str(&event.to).into(),
            at.into(),
            row.id.as_str().into(),
            (row.version as f64).into(),
            db::nullable(documents.as_deref()),
            paid_online.map(worker::wasm_bindgen::JsValue::from).unwrap_or(worker::wasm_bindgen::JsValue::NULL),
        ])?,
        repo::event_stmt(
            d1,
            &row.id,
            at,
            actor_role(event.actor.role),
            &event.actor.id,
            event.action,
            Some(event.from),
            event.to,
            event.reason.as_deref(),
        )?,
    ];
    if decision.cancels_open_notice {
        stmts.push(crate::bill::store::cancel_open_notices_stmt(d1, &row.id)?);
    }
    if let (Some(values), Some(staff)) = (&decision.audit, staff) {
        stmts.push(audit::stmt(d1, staff, at, &values.action, "dossier", &row.id, &values.before, &values.after)?);
    }
    Ok(stmts)
}

/// Writes a decided change with the caller's `extra` rows (a new fee notice, a result file) in
/// one transaction. A lost race is [`ApiError::Stale`] with the current status.
pub async fn write(
    d1: &Db,
    row: &DossierRow,
    decision: &Decision,
    staff: Option<&StaffSession>,
    at: &str,
    extra: Vec<D1PreparedStatement>,
) -> Result<(), ApiError> {
    let mut stmts = change_stmts(d1, row, decision, staff, at)?;
    stmts.extend(extra);
    run(d1, &row.id, stmts).await
}

/// Runs a batch that holds a dossier guard; a refused guard becomes [`ApiError::Stale`].
pub async fn run(d1: &Db, dossier_id: &str, stmts: Vec<D1PreparedStatement>) -> Result<(), ApiError> {
    match d1.batch(stmts).await {
        Ok(_) => Ok(()),
        Err(e) if db::is_stale(&e) => Err(stale(d1, dossier_id).await),
        Err(e) => Err(e.into()),
    }
}

/// The 409 of a lost race, naming the status the dossier has now.
pub async fn stale(d1: &Db, dossier_id: &str) -> ApiError {
    let current = match repo::dossier_unnamed(d1, dossier_id).await {
        Ok(Some(row)) => row.status,
        _ => return ApiError::NotFound { what: "dossier", field: Some("id") },
    };
    stale_error(current)
}

pub fn stale_error(current: DossierStatus) -> ApiError {
    ApiError::Stale {
        what: "dossier",
        current: enum_str(&current),
        label_vi: current.label_vi().to_string(),
        label_en: current.label_en().to_string(),
    }
}

fn actor_role(role: Role) -> &'static str {
    match role {
        Role::Citizen => "citizen",
        Role::Officer => "officer",
        Role::System => "system",
    }
}

/// A refused decision in the API's envelope: the state machine's refusals are 409 with their
/// code, a bad command is 400 at its field.
pub fn refused(e: DossierError) -> ApiError {
    match e {
        DossierError::Transition(t) => {
            ApiError::Conflict { code: t.code().to_string(), message: t.message_en(), message_vi: t.message_vi(), field: None }
        }
        DossierError::Invalid(f) => ApiError::Invalid(f),
    }
}
