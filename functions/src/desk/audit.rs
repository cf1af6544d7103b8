//! The audit log: one append-only row per staff change (who, when, what, before and after).
//! [`stmt`] is added to the batch of the change it describes, so both happen or neither does.
//! Before/after hold statuses, amounts and catalog fields, never a phone number or citizen ID.

use motcua_domain::api::AuditEntry;
use serde::Deserialize;
use serde_json::Value;
use worker::{D1Database, D1PreparedStatement, Response};

use crate::auth::session::{self, StaffSession};
use crate::dossier::access;
use crate::platform::db;
use crate::platform::error::ApiError;
use crate::platform::http::{json, Ctx};

#[allow(clippy::too_many_arguments)]
pub fn stmt(
    d1: &D1Database,
    staff: &StaffSession,
    at: &str,
    action: &str,
    entity: &str,
    entity_id: &str,
    before: &Value,
    after: &Value,
) -> Result<D1PreparedStatement, ApiError> {
    Ok(d1
        .prepare(
            "INSERT INTO audit_log (at, staff_id, username, action, entity, entity_id, before_json, after_json) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )
        .bind(&[
            at.into(),
            staff.staff_id.as_str().into(),
            staff.username.as_str().into(),
            action.into(),
            entity.into(),
            entity_id.into(),
            before.to_string().into(),
            after.to_string().into(),
        ])?)
}

/// `GET /api/staff/audit?entity=dossier&id=...`: a dossier's audit trail for staff who may see
/// the dossier; any other entity (or all of them) for admins only.
pub async fn list(ctx: &Ctx) -> Result<Response, ApiError> {
    let entity = ctx.query("entity").unwrap_or_default();
    let id = ctx.query("id").unwrap_or_default();
    let d1 = ctx.d1()?;
    if entity == "dossier" {
        access::staff_dossier(ctx, &id).await?;
    } else {
        let staff = session::staff(ctx).await?;
        if staff.role != "admin" {
            return Err(ApiError::RouteNotFound);
        }
    }
    #[derive(Deserialize)]
    struct Row {
        id: i64,
        at: String,
        username: String,
        action: String,
        entity: String,
        entity_id: String,
        before_json: String,
        after_json: String,
    }
    let rows: Vec<Row> = db::all(
        d1.prepare(
            "SELECT id, at, username, action, entity, entity_id, before_json, after_json FROM audit_log \
             WHERE (?1 = '' OR entity = ?1) AND (?2 = '' OR entity_id = ?2) ORDER BY id DESC LIMIT 200",
        )
        .bind(&[entity.as_str().into(), id.as_str().into()])?,
    )
    .await?;
    let list: Vec<AuditEntry> = rows
        .into_iter()
        .map(|r| AuditEntry {
            id: r.id,
            at: r.at,
            username: r.username,
            action: r.action,
            entity: r.entity,
            entity_id: r.entity_id,
            before: serde_json::from_str(&r.before_json).unwrap_or(Value::Null),
            after: serde_json::from_str(&r.after_json).unwrap_or(Value::Null),
        })
        .collect();
    json(&list)
}
