//! The audit log: one append-only row per staff change (who, when, what, before and after).
//! [`stmt`] is added to the batch of the change it describes, so both happen or neither does.
//! Before/after hold statuses, amounts and catalog fields, never a phone number or citizen ID.

use motcua_domain::api::AuditEntry;
use motcua_domain::auth::StaffRole;
use serde::Deserialize;
use serde_json::Value;
use worker::{D1PreparedStatement, Response};
use crate::platform::db::Db;

use crate::auth::session::{self, StaffSession};
use std::cmp::Reverse;

use motcua_domain::rollup;

use super::inbox::scope_databases;
use crate::dossier::access;
use crate::platform::{db, shards};
use crate::platform::error::ApiError;
use crate::platform::http::{json, Ctx};

/// The audit row of a change, in the scope of the agency the entity belongs to: an agency is its
/// own, a dossier's and a payment's is read from the row in the same statement (a dossier
/// created in the same batch is found, the batch runs in order). Any other entity is national
/// (NULL); use [`stmt_in`] to name the agency of one that is not.
#[allow(clippy::too_many_arguments)]
pub fn stmt(
    d1: &Db,
    staff: &StaffSession,
    at: &str,
    action: &str,
    entity: &str,
    entity_id: &str,
    before: &Value,
    after: &Value,
) -> Result<D1PreparedStatement, ApiError> {
    stmt_in(d1, staff, None, at, action, entity, entity_id, before, after)
}

/// [`stmt`] with the agency (or province) the row belongs to given by the caller, for entities
/// whose scope the entity alone does not say (a province's own fee version). `None` derives it
/// as [`stmt`] does.
#[allow(clippy::too_many_arguments)]
pub fn stmt_in(
    d1: &Db,
    staff: &StaffSession,
    agency_code: Option<&str>,
    at: &str,
    action: &str,
    entity: &str,
    entity_id: &str,
    before: &Value,
    after: &Value,
) -> Result<D1PreparedStatement, ApiError> {
    // The row goes in the database of the batch it joins (docs/SHARDING.md §1.3): a dossier's or
    // a payment's agency is read there; the national database has neither table, and none of
    // its changes is a dossier's or a payment's.
    let sql = if d1.home() == motcua_domain::shard::Home::National {
        "INSERT INTO audit_log (at, staff_id, username, action, entity, entity_id, before_json, after_json, agency_code) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, COALESCE(?9, CASE ?5 WHEN 'agency' THEN ?6 END))"
    } else {
        "INSERT INTO audit_log (at, staff_id, username, action, entity, entity_id, before_json, after_json, agency_code) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, COALESCE(?9, CASE ?5 \
           WHEN 'agency' THEN ?6 \
           WHEN 'dossier' THEN (SELECT agency_code FROM dossiers WHERE id = ?6) \
           WHEN 'payment' THEN (SELECT agency_code FROM payments WHERE id = ?6) END))"
    };
    Ok(d1
        .prepare(sql)
        .bind(&[
            at.into(),
            staff.staff_id.as_str().into(),
            staff.username.as_str().into(),
            action.into(),
            entity.into(),
            entity_id.into(),
            before.to_string().into(),
            after.to_string().into(),
            db::nullable(agency_code),
        ])?)
}

/// `GET /api/staff/audit?entity=dossier&id=...`: a dossier's audit trail for staff who may see
/// the dossier; any other entity (or all of them) for admins only. Every caller reads only the
/// rows of agencies in their scope; rows of the national catalog (no agency) only the national
/// admin reads.
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

pub async fn list(ctx: &Ctx) -> Result<Response, ApiError> {
    let entity = ctx.query("entity").unwrap_or_default();
    let id = ctx.query("id").unwrap_or_default();
    let staff = if entity == "dossier" && !id.is_empty() {
        access::staff_dossier(ctx, &id).await?.0
    } else {
        let staff = session::staff(ctx).await?;
        if !staff.role.administers() {
            return Err(ApiError::RouteNotFound);
        }
        // Another tenant's agency is answered like an unknown one.
        if entity == "agency" && !id.is_empty() && !staff.covers(&id) {
            return Err(ApiError::NotFound { what: "agency", field: Some("id") });
        }
        staff
    };
    let everything = staff.role == StaffRole::National;
    let scope = serde_json::to_string(&staff.agencies).map_err(|e| ApiError::Unexpected(e.to_string()))?;
    // Rows live with the batch they were written in (docs/SHARDING.md §1.3): the national
    // database (which also holds every shard without a binding of its own), then each shard of
    // the scope with its own database; newest first across them, then by database and id.
    let bound = shards::bound(&ctx.env);
    let mut dbs = vec![ctx.national()?];
    dbs.extend(scope_databases(&ctx.env, &staff)?.into_iter().filter(|d| d.shard().is_some_and(|s| bound.contains(&s))));
    let (entity, id, scope) = (entity.as_str(), id.as_str(), scope.as_str());
    let lists = shards::fanout(dbs, |d1| async move {
        db::all::<Row>(
            d1.prepare(
                "SELECT id, at, username, action, entity, entity_id, before_json, after_json FROM audit_log \
                 WHERE (?1 = '' OR entity = ?1) AND (?2 = '' OR entity_id = ?2) \
                   AND (?3 = 1 OR agency_code IN (SELECT value FROM json_each(?4))) ORDER BY id DESC LIMIT 200",
            )
            .bind(&[entity.into(), id.into(), (everything as i32).into(), scope.into()])?,
        )
        .await
    })
    .await?;
    // Each database reads its newest by id (its indexes' order, the same as time but for rows
    // of one instant); the lists are put in time order and merged.
    let key = |(n, r): &(usize, Row)| (Reverse(r.at.clone()), *n, Reverse(r.id));
    let rows = lists
        .into_iter()
        .enumerate()
        .map(|(n, rows)| {
            let mut rows: Vec<(usize, Row)> = rows.into_iter().map(|r| (n, r)).collect();
            rows.sort_by_key(key);
            rows
        })
        .fold(Vec::new(), |a, b| rollup::merge_top(a, b, key, 200));
    let list: Vec<AuditEntry> = rows
        .into_iter()
        .map(|(_, r)| AuditEntry {
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
