//! The HTTP side of reports upward: parse, load, decide (`motcua_domain::staff_report`), store
//! (`super::store`), render. A report outside the caller's scope (or, for an officer, not their
//! own) is 404, as if it did not exist.

use motcua_domain::staff_report::{self, Actor, Command, NewReportInput, ReportError, State};
use serde_json::json;
use std::future::Future;
use std::pin::Pin;
use worker::Response;

use super::store::{self, ReportRow};
use crate::auth::session::{self, StaffSession};
use crate::desk::admin::admin;
use crate::desk::audit;
use crate::platform::error::ApiError;
use crate::platform::http::{json, Ctx};
use crate::platform::{clock, random};

fn refused(e: ReportError) -> ApiError {
    match e {
        ReportError::NotAllowed => ApiError::Forbidden { code: e.code(), message: e.message_en(), message_vi: e.message_vi(), field: None },
        ReportError::WrongState(_) => ApiError::Conflict { code: e.code().into(), message: e.message_en().into(), message_vi: e.message_vi().into(), field: None },
    }
}

fn not_found() -> ApiError {
    ApiError::NotFound { what: "report", field: Some("id") }
}

/// `POST /api/staff/reports` `{"agency", "procedure"?, "kind", "text"}`.
pub async fn create(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let staff = session::staff(ctx).await?;
    let input = NewReportInput::from_json(&ctx.json_body::<serde_json::Value>().await?)?;
    let report = input.validate()?;
    if !staff.covers(&report.agency) {
        return Err(ApiError::NotFound { what: "agency", field: Some("agency") });
    }
    let d1 = ctx.national()?;
    if let Some(p) = &report.procedure {
        if crate::catalog::repo::procedure(&d1, p).await?.is_none() {
            return Err(ApiError::NotFound { what: "procedure", field: Some("procedure") });
        }
    }
    let id = random::id();
    let at = clock::rfc3339(clock::now());
    d1.batch(vec![
        store::insert_stmt(&d1, &id, &report, &staff.staff_id, &at)?,
        audit::stmt_in(
            &d1,
            &staff,
            Some(&report.agency),
            &at,
            "report.create",
            "report",
            &id,
            &serde_json::Value::Null,
            &json!({"kind": report.kind.as_str(), "procedure": report.procedure, "state": "open"}),
        )?,
    ])
    .await?;
    let row = store::by_id(&d1, &id).await?.ok_or_else(|| ApiError::Unexpected("report vanished".into()))?;
    Ok(json(&row.view())?.with_status(201))
}

/// `GET /api/staff/reports`: the caller's own reports, with their answers.
pub async fn mine(ctx: &Ctx) -> Result<Response, ApiError> {
    let staff = session::staff(ctx).await?;
    let rows = store::of_sender(&ctx.national()?, &staff.staff_id).await?;
    json(&serde_json::Value::Array(rows.iter().map(ReportRow::view).collect()))
}

/// `GET /api/admin/reports?status=open|answered|closed|all`: the reports of the admin's scope.
pub async fn list(ctx: &Ctx) -> Result<Response, ApiError> {
    let staff = admin(ctx).await?;
    let state = State::parse_filter("status", ctx.query("status").as_deref())?;
    let scope = serde_json::to_string(&staff.agencies).map_err(|e| ApiError::Unexpected(e.to_string()))?;
    let rows = store::in_scope(&ctx.national()?, &scope, state).await?;
    json(&serde_json::Value::Array(rows.iter().map(ReportRow::view).collect()))
}

/// Decides and stores one change, with its audit row, and answers the report as it is now.
/// Boxed: one copy of its code however many routes call it (the Worker's size budget).
fn change<'a>(ctx: &'a Ctx, staff: &'a StaffSession, row: ReportRow, command: Command, actor: Actor) -> Pin<Box<dyn Future<Output = Result<Response, ApiError>> + 'a>> {
    Box::pin(change_now(ctx, staff, row, command, actor))
}

async fn change_now(ctx: &Ctx, staff: &StaffSession, row: ReportRow, command: Command, actor: Actor) -> Result<Response, ApiError> {
    let now = clock::now();
    let decision = staff_report::decide(row.state(), &command, actor, now).map_err(refused)?;
    let d1 = ctx.national()?;
    let at = clock::rfc3339(now);
    let mut stmts = store::change_stmts(&d1, &row, &decision, &staff.staff_id, &at)?;
    stmts.push(audit::stmt_in(&d1, staff, Some(&row.agency_code), &at, decision.action, "report", &row.id, &decision.audit_before, &decision.audit_after)?);
    store::run(&d1, &row, stmts).await?;
    let row = store::by_id(&d1, &row.id).await?.ok_or_else(not_found)?;
    json(&row.view())
}

/// A report of the admin's scope.
async fn admin_report(ctx: &Ctx, id: &str) -> Result<(StaffSession, ReportRow), ApiError> {
    let staff = admin(ctx).await?;
    let row = store::by_id(&ctx.national()?, id).await?.filter(|r| staff.covers(&r.agency_code)).ok_or_else(not_found)?;
    Ok((staff, row))
}

/// `POST /api/admin/reports/{id}/answer` `{"text"}` and `POST /api/admin/reports/{id}/close`
/// (one handler: `action` is `answer` or `close`).
pub async fn admin_act(ctx: &mut Ctx, id: &str, action: &str) -> Result<Response, ApiError> {
    let (staff, row) = admin_report(ctx, id).await?;
    let command = if action == "answer" {
        // Read as a plain JSON value: one deserializer less in the Worker (its size budget).
        let body: serde_json::Value = ctx.json_body().await?;
        Command::Answer { text: staff_report::answer_text(&motcua_domain::validation::json_fields::text(&body, "text")?)? }
    } else {
        Command::Close
    };
    change(ctx, &staff, row, command, Actor::Admin).await
}

/// `POST /api/staff/reports/{id}/close`: the sender closes their own answered report.
pub async fn sender_close(ctx: &Ctx, id: &str) -> Result<Response, ApiError> {
    let staff = session::staff(ctx).await?;
    let row = store::by_id(&ctx.national()?, id).await?.filter(|r| r.created_by == staff.staff_id).ok_or_else(not_found)?;
    change(ctx, &staff, row, Command::Close, Actor::Reporter).await
}
