//! The only reader and writer of `paperless_rules` and `assist_codes`. A rule is written on the
//! version it was decided from (0 before the first), so two admins saving at once cannot
//! silently overwrite each other.

use motcua_domain::paperless::{AssistCode, AssistGrant, PaperlessInput, PaperlessRule};
use worker::D1PreparedStatement;
use crate::platform::db::Db;

use crate::auth::session::StaffSession;
use crate::platform::db::{self, Guarded};
use crate::platform::error::ApiError;

/// An agency's rule and its version (an empty rule at version 0 when none was saved).
pub async fn rule(d1: &Db, agency: &str) -> Result<(PaperlessRule, i64), ApiError> {
    // A plain JSON row (no row type of its own: the Worker's size budget).
    let row: Option<serde_json::Value> =
        db::first(d1.prepare("SELECT rule_json, version FROM paperless_rules WHERE agency_code = ?1").bind(&[agency.into()])?).await?;
    Ok(match row {
        // Stored by `put_stmts` from a checked rule; read back through the same checks.
        Some(r) => {
            let stored: serde_json::Value = serde_json::from_str(r["rule_json"].as_str().unwrap_or("{}")).unwrap_or_default();
            let rule = PaperlessInput::from_json(&stored)
                .and_then(|i| i.validate(|_| true, |_| true))
                .map_err(|e| ApiError::Unexpected(format!("paperless rule of {agency}: {}", e.field)))?;
            (rule, r["version"].as_i64().or_else(|| r["version"].as_f64().map(|f| f as i64)).unwrap_or(0))
        }
        None => (PaperlessRule::default(), 0),
    })
}

/// The statements that replace an agency's rule (as [`rule_json`] gives it), guarded by
/// `version`; the caller adds the audit row and runs them with [`run`].
pub fn put_stmts(d1: &Db, agency: &str, rule: &serde_json::Value, version: i64, staff: &StaffSession, at: &str) -> Result<Vec<D1PreparedStatement>, ApiError> {
    let json = rule.to_string();
    Ok(vec![
        db::guard(d1, Guarded::PaperlessRule, agency, version)?,
        d1.prepare(
            "INSERT INTO paperless_rules (agency_code, rule_json, version, updated_by, updated_at) VALUES (?1, ?2, 1, ?3, ?4) \
             ON CONFLICT (agency_code) DO UPDATE SET rule_json = excluded.rule_json, version = paperless_rules.version + 1, \
               updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        )
        .bind(&[agency.into(), json.into(), staff.staff_id.as_str().into(), at.into()])?,
    ])
}

/// Runs a rule's batch; a lost race is 409 `conflict` naming the version now stored.
pub async fn run(d1: &Db, agency: &str, stmts: Vec<D1PreparedStatement>) -> Result<(), ApiError> {
    match d1.batch(stmts).await {
        Ok(_) => Ok(()),
        Err(e) if db::is_stale(&e) => Err(stale(d1, agency).await),
        Err(e) => Err(e.into()),
    }
}

pub async fn stale(d1: &Db, agency: &str) -> ApiError {
    let now = rule(d1, agency).await.map(|(_, v)| v).unwrap_or(-1);
    ApiError::Stale {
        what: "paperless_rule",
        current: format!("version {now}"),
        label_vi: format!("Lịch đã được người khác thay đổi (phiên bản {now}); vui lòng tải lại."),
        label_en: format!("Someone else changed the schedule (version {now}); reload it."),
    }
}

/// A new assist code's insert.
pub fn assist_insert(d1: &Db, code: &AssistCode, grant: &AssistGrant, at: &str) -> Result<D1PreparedStatement, ApiError> {
    Ok(d1
        .prepare(
            "INSERT INTO assist_codes (code, staff_id, agency_code, procedure_code, expires_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )
        .bind(&[
            code.as_str().into(),
            grant.staff_id.as_str().into(),
            grant.agency.as_str().into(),
            grant.procedure.as_str().into(),
            (grant.expires_at as f64).into(),
            at.into(),
        ])?)
}

/// What a stored code grants, if it was ever issued.
pub async fn assist_grant(d1: &Db, code: &AssistCode) -> Result<Option<AssistGrant>, ApiError> {
    let row: Option<serde_json::Value> = db::first(
        d1.prepare("SELECT staff_id, agency_code, procedure_code, expires_at FROM assist_codes WHERE code = ?1").bind(&[code.as_str().into()])?,
    )
    .await?;
    let text = |r: &serde_json::Value, k: &str| r[k].as_str().unwrap_or("").to_string();
    Ok(row.map(|r| AssistGrant {
        staff_id: text(&r, "staff_id"),
        agency: text(&r, "agency_code"),
        procedure: text(&r, "procedure_code"),
        expires_at: r["expires_at"].as_i64().or_else(|| r["expires_at"].as_f64().map(|f| f as i64)).unwrap_or(0),
    }))
}

/// The dossier just inserted in the same batch, marked as filed with the officer's help.
pub fn assisted_stmt(d1: &Db, dossier_id: &str, staff_id: &str) -> Result<D1PreparedStatement, ApiError> {
    Ok(d1.prepare("UPDATE dossiers SET assisted_by = ?1 WHERE id = ?2").bind(&[staff_id.into(), dossier_id.into()])?)
}

/// A rule as stored, audited and answered: `{"procedures", "weekdays", "dates", "except_dates"}`
/// (built by hand, not by a derived serializer: the Worker's size budget).
pub fn rule_json(rule: &PaperlessRule) -> serde_json::Value {
    let iso = |ds: &[time::Date]| ds.iter().map(|d| motcua_domain::calendar::format_iso_date(*d)).collect::<Vec<_>>();
    serde_json::json!({"procedures": rule.procedures, "weekdays": rule.weekdays, "dates": iso(&rule.dates), "except_dates": iso(&rule.except_dates)})
}

/// `GET|PUT /api/admin/agencies/{code}/paperless`'s answer (`motcua_domain::paperless::PaperlessView`).
pub fn view_json(agency: &str, rule: &PaperlessRule, version: i64) -> serde_json::Value {
    let mut v = rule_json(rule);
    v["agency"] = agency.into();
    v["version"] = version.into();
    v
}
