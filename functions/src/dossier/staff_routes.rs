//! The desk's actions on a dossier of its agency: `GET /api/staff/dossiers/{id}`,
//! `POST /api/staff/dossiers/{id}/actions` `{"action", "reason", "documents"}` (receive with the
//! ticked checklist, request a supplement, reject, start processing, return, complete) and
//! `POST /api/staff/dossiers/{id}/fee-notice` `{"changes": [{"code", "amount", "reason"}]}`,
//! which computes the fees with the domain from the dossier's inputs, applies the officer's
//! changes (each with a written reason) and opens the payable amount. Every action goes through
//! the domain's state machine; a refused one changes nothing, and an applied one is written with
//! its audit row in the same D1 batch.

use motcua_domain::desk::{self, LineChange};
use motcua_domain::dossier::{self, Actor, Command, DossierAction, DossierState, Role};
use motcua_domain::validation::FieldError;
use motcua_domain::text_input::Reason;
use serde::Deserialize;
use serde_json::json;
use worker::Response;

use super::repo::{self, DossierRow};
use super::{access, store};
use crate::auth::session::StaffSession;
use crate::desk::view;
use crate::catalog::cache::Freshness;
use crate::fee::routes::quote_for;
use crate::platform::error::ApiError;
use crate::platform::http::{json, Ctx};
use crate::platform::{clock, random};

pub async fn get(ctx: &Ctx, id: &str) -> Result<Response, ApiError> {
    match access::staff_dossier(ctx, id).await {
        Ok((_, row)) => json(&view::staff_view(&access::shard_of(ctx, id).await?, &ctx.national()?, &row).await?),
        // A dossier of an archived month: read-only, from its part in the archive, for the
        // staff whose scope covers its agency (a complaint or an audit about an old dossier).
        Err(ApiError::NotFound { what, field }) => {
            let staff = crate::auth::session::staff(ctx).await?;
            let d1 = access::shard_of(ctx, id).await?;
            match crate::archive::read::dossier_detail(ctx, &d1, crate::archive::read::Reader::Staff(&staff), id).await? {
                Some(archived) => json(&view::archived_staff_view(&ctx.national()?, archived).await?),
                None => Err(ApiError::NotFound { what, field }),
            }
        }
        Err(e) => Err(e),
    }
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
    let (d1, national) = (access::shard_of(ctx, id).await?, ctx.national()?);
    let required =
        if action == DossierAction::Receive { view::procedure_documents(&national, &row.procedure_code).await? } else { Vec::new() };
    let reason = Reason::parse_optional("reason", body.reason.as_deref().unwrap_or(""))?.map(Reason::into_string);
    let command = Command::Act { action, reason, required, ticked: body.documents };
    let now = clock::now();
    let decision = dossier::decide(state_of(&row), command, &officer(&staff), now).map_err(store::refused)?;
    store::write(&d1, &row, &decision, Some(&staff), &clock::rfc3339(now), Vec::new()).await?;
    let row = repo::dossier(&d1, &national, id).await?.ok_or(ApiError::NotFound { what: "dossier", field: Some("id") })?;
    super::notify::status_changed(&ctx.env, &row).await;
    json(&view::staff_view(&d1, &national, &row).await?)
}

/// The dossier as the domain's decision needs it.
pub fn state_of(row: &DossierRow) -> DossierState {
    DossierState { status: row.status, has_fees: row.has_fees() }
}

pub fn officer(staff: &StaffSession) -> Actor {
    Actor { role: Role::Officer, id: staff.staff_id.clone() }
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
    // Refused early (before the fee computation) when the state machine says no.
    dossier::transition(row.status, DossierAction::NotifyFee, Role::Officer, row.has_fees())
        .map_err(|e| store::refused(e.into()))?;
    let (d1, national) = (access::shard_of(ctx, id).await?, ctx.national()?);
    let (_, breakdown) = quote_for(&national, &row.agency_code, &row.procedure_code, &row.inputs(), Freshness::Now).await?;
    let adjusted = desk::adjust_notice(&breakdown, &body.changes)?;
    let notice_id = random::sharded_id(d1.shard().ok_or_else(|| ApiError::Unexpected("a dossier's database names its shard".into()))?);
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
    let command = Command::NotifyFee {
        notice_id: notice_id.clone(),
        total: adjusted.total,
        computed: breakdown.total,
        changes: json!(changes),
        reason,
    };
    let decision = dossier::decide(state_of(&row), command, &officer(&staff), now).map_err(store::refused)?;
    let at = clock::rfc3339(now);
    let lines = serde_json::to_string(&adjusted.lines).map_err(|e| ApiError::Unexpected(e.to_string()))?;
    let notice = crate::bill::store::notice_stmt(&d1, &notice_id, &row.id, &row.agency_code, adjusted.total.as_dong(), &lines, &staff.staff_id, &at)?;
    store::write(&d1, &row, &decision, Some(&staff), &at, vec![notice]).await?;
    let row = repo::dossier(&d1, &national, id).await?.ok_or(ApiError::NotFound { what: "dossier", field: Some("id") })?;
    super::notify::fee_noticed(&ctx.env, &row, adjusted.total).await;
    json(&view::staff_view(&d1, &national, &row).await?)
}

pub fn transition_error(e: dossier::TransitionError) -> ApiError {
    store::refused(e.into())
}
