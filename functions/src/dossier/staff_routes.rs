//! The desk's actions on a dossier of its agency: `GET /api/staff/dossiers/{id}`,
//! `POST /api/staff/dossiers/{id}/actions` `{"action", "reason", "documents"}` (receive with the
//! ticked checklist, request a supplement, reject, start processing, return, complete) and
//! `POST /api/staff/dossiers/{id}/fee-notice` `{"changes": [{"code", "amount", "reason"}]}`,
//! which computes the fees with the domain from the dossier's inputs, applies the officer's
//! changes (each with a written reason) and opens the payable amount. Every action goes through
//! the domain's state machine; a refused one changes nothing, and an applied one is written with
//! its audit row in the same D1 batch.

use motcua_domain::desk::{self, LineChange};
use motcua_domain::dossier::{self, DossierAction, Role};
use motcua_domain::validation::FieldError;
use motcua_domain::text_input::Reason;
use serde::Deserialize;
use serde_json::json;
use worker::Response;

use super::access;
use super::repo::{self, enum_str};
use crate::desk::{audit, view};
use crate::fee::routes::quote_for;
use crate::platform::error::ApiError;
use crate::platform::http::{json, Ctx};
use crate::platform::{clock, db, random};

pub async fn get(ctx: &Ctx, id: &str) -> Result<Response, ApiError> {
    let (_, row) = access::staff_dossier(ctx, id).await?;
    json(&view::staff_view(&ctx.d1()?, &row).await?)
}

#[derive(Deserialize)]
struct ActionBody {
    action: String,
    #[serde(default)]
    reason: Option<String>,
    /// The required documents the officer ticked (receive only).
    #[serde(default)]
    documents: Vec<String>,
}

pub async fn act(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let (staff, row) = access::staff_dossier(ctx, id).await?;
    let body: ActionBody = ctx.json_body().await?;
    let action: DossierAction = serde_json::from_value(serde_json::Value::String(body.action.clone())).map_err(|_| {
        FieldError::new("action", "unknown_action", "Thao tác không hợp lệ.", "Unknown action.")
    })?;
    if matches!(action, DossierAction::NotifyFee | DossierAction::PayOnline | DossierAction::PayAtCounter | DossierAction::MarkResultReady) {
        return Err(FieldError::new(
            "action",
            "use_dedicated_endpoint",
            "Thao tác này có chức năng riêng (thông báo phí, thu phí tại quầy, đính kèm kết quả).",
            "This action has its own endpoint (fee notice, counter payment, result file).",
        )
        .into());
    }
    let reason = Reason::parse_optional("reason", body.reason.as_deref().unwrap_or(""))?.map(Reason::into_string);
    let reason = reason.as_deref();
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
    let ticked = if action == DossierAction::Receive {
        let required = view::procedure_documents(&d1, &row.procedure_code).await?;
        desk::check_documents(&required, &body.documents)?;
        Some(required)
    } else {
        None
    };
    let at = clock::rfc3339(now);
    let mut after = json!({"status": enum_str(&event.to), "reason": reason});
    if let Some(docs) = &ticked {
        after["documents"] = json!(docs);
    }
    d1.batch(vec![
        d1.prepare(
            "UPDATE dossiers SET status = ?1, updated_at = ?2, received_documents = coalesce(?5, received_documents) \
             WHERE id = ?3 AND status = ?4",
        )
        .bind(&[
            enum_str(&event.to).into(),
            at.as_str().into(),
            row.id.as_str().into(),
            enum_str(&row.status).into(),
            db::nullable(ticked.map(|d| json!(d).to_string()).as_deref()),
        ])?,
        repo::event_stmt(&d1, &row.id, &at, "officer", &staff.staff_id, action, Some(row.status), event.to, reason)?,
        audit::stmt(&d1, &staff, &at, &enum_str(&action), "dossier", &row.id, &json!({"status": enum_str(&row.status)}), &after)?,
    ])
    .await?;
    let row = repo::dossier(&d1, id).await?.ok_or(ApiError::NotFound { what: "dossier", field: Some("id") })?;
    super::notify::status_changed(&ctx.env, &row).await;
    json(&view::staff_view(&d1, &row).await?)
}

#[derive(Deserialize, Default)]
struct NoticeBody {
    #[serde(default)]
    changes: Vec<LineChange>,
}

pub async fn fee_notice(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let (staff, row) = access::staff_dossier(ctx, id).await?;
    let body: NoticeBody = ctx.json_body_or_default().await?;
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
    let adjusted = desk::adjust_notice(&breakdown, &body.changes)?;
    if adjusted.total.is_zero() {
        return Err(ApiError::Conflict {
            code: "zero_total".into(),
            message: "The notice would ask for nothing; a fee notice needs an amount to pay.".into(),
            message_vi: "Tổng số tiền của thông báo bằng 0 đồng: không thể gửi thông báo phí, lệ phí.".into(),
            field: Some("changes".into()),
        });
    }
    let at = clock::rfc3339(now);
    let notice_id = random::id();
    let lines = serde_json::to_string(&adjusted.lines).map_err(|e| ApiError::Unexpected(e.to_string()))?;
    let changes: Vec<serde_json::Value> = adjusted
        .lines
        .iter()
        .filter_map(|l| {
            l.change_reason.as_ref().map(|r| {
                json!({"code": l.line.code, "from": l.computed_amount.map(|a| a.as_dong()), "to": l.line.amount.as_dong(), "reason": r})
            })
        })
        .collect();
    // The timeline shows that the notice was changed and why.
    let reason = (!changes.is_empty()).then(|| {
        adjusted
            .lines
            .iter()
            .filter_map(|l| l.change_reason.as_ref().map(|r| format!("Điều chỉnh \"{}\": {}", l.line.name, r)))
            .collect::<Vec<_>>()
            .join("; ")
    });
    d1.batch(vec![
        d1.prepare("UPDATE fee_notices SET status = 'cancelled' WHERE dossier_id = ?1 AND status = 'open'")
            .bind(&[row.id.as_str().into()])?,
        d1.prepare(
            "INSERT INTO fee_notices (id, dossier_id, agency_code, total, lines_json, status, created_by, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, 'open', ?6, ?7)",
        )
        .bind(&[
            notice_id.as_str().into(),
            row.id.as_str().into(),
            row.agency_code.as_str().into(),
            (adjusted.total.as_dong() as f64).into(),
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
            reason.as_deref(),
        )?,
        audit::stmt(
            &d1,
            &staff,
            &at,
            "notify_fee",
            "dossier",
            &row.id,
            &json!({"status": enum_str(&row.status), "computed_total": breakdown.total.as_dong()}),
            &json!({"status": "fee_notified", "notice_id": notice_id, "total": adjusted.total.as_dong(), "changes": changes}),
        )?,
    ])
    .await?;
    let row = repo::dossier(&d1, id).await?.ok_or(ApiError::NotFound { what: "dossier", field: Some("id") })?;
    super::notify::status_changed(&ctx.env, &row).await;
    json(&view::staff_view(&d1, &row).await?)
}

pub fn transition_error(e: dossier::TransitionError) -> ApiError {
    ApiError::Conflict { code: e.code().to_string(), message: e.message_en(), message_vi: e.message_vi(), field: None }
}
