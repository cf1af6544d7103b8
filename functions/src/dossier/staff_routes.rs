//! The desk's actions on a dossier of its agency: `GET /api/staff/dossiers/{id}`,
//! `POST /api/staff/dossiers/{id}/actions` `{"action", "reason"}` (receive, request a
//! supplement, reject, start processing, ...) and `POST /api/staff/dossiers/{id}/fee-notice`,
//! which computes the fees with the domain from the dossier's inputs and opens the payable
//! amount. Every action goes through the domain's state machine; a refused one changes nothing.

use motcua_domain::dossier::{self, DossierAction, Role};
use motcua_domain::validation::FieldError;
use serde::Deserialize;
use worker::Response;

use super::access;
use super::repo::{self, enum_str};
use super::routes::detail;
use crate::fee::routes::quote_for;
use crate::platform::error::ApiError;
use crate::platform::http::{json, Ctx};
use crate::platform::{clock, random};

pub async fn get(ctx: &Ctx, id: &str) -> Result<Response, ApiError> {
    let (_, row) = access::staff_dossier(ctx, id).await?;
    json(&detail(&ctx.d1()?, &row).await?)
}

#[derive(Deserialize)]
struct ActionBody {
    action: String,
    #[serde(default)]
    reason: Option<String>,
}

pub async fn act(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let (staff, row) = access::staff_dossier(ctx, id).await?;
    let body: ActionBody = ctx.json_body().await?;
    let action: DossierAction = serde_json::from_value(serde_json::Value::String(body.action.clone())).map_err(|_| {
        FieldError::new("action", "unknown_action", "Thao tác không hợp lệ.", "Unknown action.")
    })?;
    if matches!(action, DossierAction::NotifyFee | DossierAction::PayOnline | DossierAction::PayAtCounter) {
        return Err(FieldError::new(
            "action",
            "use_dedicated_endpoint",
            "Thao tác này có chức năng riêng (thông báo phí, thu phí).",
            "This action has its own endpoint (fee notice, counter payment).",
        )
        .into());
    }
    let reason = body.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
    let now = clock::now();
    let event = dossier::record(
        row.status,
        action,
        dossier::Actor { role: Role::Officer, id: staff.staff_id.clone() },
        row.has_fees(),
        now,
        reason.map(str::to_string),
    )
    .map_err(transition_error)?;
    let d1 = ctx.d1()?;
    let at = clock::rfc3339(now);
    d1.batch(vec![
        d1.prepare("UPDATE dossiers SET status = ?1, updated_at = ?2 WHERE id = ?3 AND status = ?4")
            .bind(&[enum_str(&event.to).into(), at.as_str().into(), row.id.as_str().into(), enum_str(&row.status).into()])?,
        repo::event_stmt(&d1, &row.id, &at, "officer", &staff.staff_id, action, Some(row.status), event.to, reason)?,
    ])
    .await?;
    let row = repo::dossier(&d1, id).await?.ok_or(ApiError::NotFound { what: "dossier", field: Some("id") })?;
    super::notify::status_changed(&ctx.env, &row).await;
    json(&detail(&d1, &row).await?)
}

pub async fn fee_notice(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let (staff, row) = access::staff_dossier(ctx, id).await?;
    let now = clock::now();
    dossier::record(
        row.status,
        DossierAction::NotifyFee,
        dossier::Actor { role: Role::Officer, id: staff.staff_id.clone() },
        row.has_fees(),
        now,
        None,
    )
    .map_err(transition_error)?;
    let d1 = ctx.d1()?;
    let (_, breakdown) = quote_for(&d1, &row.agency_code, &row.procedure_code, &row.inputs()).await?;
    let at = clock::rfc3339(now);
    let lines = serde_json::to_string(&breakdown.lines).map_err(|e| ApiError::Unexpected(e.to_string()))?;
    d1.batch(vec![
        d1.prepare("UPDATE fee_notices SET status = 'cancelled' WHERE dossier_id = ?1 AND status = 'open'")
            .bind(&[row.id.as_str().into()])?,
        d1.prepare(
            "INSERT INTO fee_notices (id, dossier_id, agency_code, total, lines_json, status, created_by, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, 'open', ?6, ?7)",
        )
        .bind(&[
            random::id().into(),
            row.id.as_str().into(),
            row.agency_code.as_str().into(),
            (breakdown.total.as_dong() as f64).into(),
            lines.into(),
            staff.staff_id.as_str().into(),
            at.as_str().into(),
        ])?,
        d1.prepare("UPDATE dossiers SET status = 'fee_notified', updated_at = ?1 WHERE id = ?2")
            .bind(&[at.as_str().into(), row.id.as_str().into()])?,
        repo::event_stmt(
            &d1,
            &row.id,
            &at,
            "officer",
            &staff.staff_id,
            DossierAction::NotifyFee,
            Some(row.status),
            dossier::DossierStatus::FeeNotified,
            None,
        )?,
    ])
    .await?;
    let row = repo::dossier(&d1, id).await?.ok_or(ApiError::NotFound { what: "dossier", field: Some("id") })?;
    super::notify::status_changed(&ctx.env, &row).await;
    json(&detail(&d1, &row).await?)
}

pub fn transition_error(e: dossier::TransitionError) -> ApiError {
    ApiError::Conflict { code: e.code().to_string(), message: e.message_en(), message_vi: e.message_vi(), field: None }
}
