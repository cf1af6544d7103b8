//! Catalog administration for admins (`/api/admin/...`): agencies of their province, procedures
//! and whether each agency takes online payment for them, fee-schedule versions with their legal
//! basis and effective dates, and each agency's beneficiary bank account. The domain
//! (motcua_domain::admin) parses every input; each change is stored with its audit row in one
//! batch. Anyone but an admin gets 404 (401 without a staff session). Procedures and national
//! fee versions apply in every province and are the national admin's (403 `forbidden_role` for
//! a provincial admin); a provincial admin adds fee versions for their own province.

use motcua_domain::admin::{self, AgencyInput, CatalogRefusal, ProcedureInput};
use motcua_domain::fee::FeeVersion;
use motcua_domain::text;
use serde::{Deserialize, Serialize};
use serde_json::json;
use worker::Response;

use super::audit;
use crate::auth::session::{self, StaffSession};
use crate::platform::error::ApiError;
use crate::platform::http::{json, Ctx};
use crate::platform::{clock, db};

pub(crate) async fn admin(ctx: &Ctx) -> Result<StaffSession, ApiError> {
    let staff = session::staff(ctx).await?;
    if !staff.role.administers() {
        return Err(ApiError::RouteNotFound);
    }
    Ok(staff)
}

/// A refused catalog change: 403 `forbidden_role` for a national change asked by a provincial
/// admin (the message says who may make it), 404 for a province outside the scope.
fn refused(r: CatalogRefusal) -> ApiError {
    match r {
        CatalogRefusal::NationalOnly => ApiError::Forbidden {
            code: CatalogRefusal::CODE,
            message: CatalogRefusal::MESSAGE_EN,
            message_vi: CatalogRefusal::MESSAGE_VI,
            field: None,
        },
        CatalogRefusal::ProvinceNotInScope => ApiError::NotFound { what: "province", field: Some("province") },
    }
}

/// The provinces in the caller's scope.
async fn provinces_in_scope(d1: &crate::platform::db::Db, staff: &StaffSession) -> Result<Vec<String>, ApiError> {
    #[derive(Deserialize)]
    struct Code {
        code: String,
    }
    let scope = serde_json::to_string(&staff.agencies).map_err(|e| ApiError::Unexpected(e.to_string()))?;
    let rows: Vec<Code> = db::all(
        d1.prepare("SELECT code FROM agencies WHERE level = 'province' AND code IN (SELECT value FROM json_each(?1)) ORDER BY code")
            .bind(&[scope.into()])?,
    )
    .await?;
    Ok(rows.into_iter().map(|c| c.code).collect())
}

pub(crate) fn agency_in_scope(staff: &StaffSession, code: &str) -> Result<(), ApiError> {
    if staff.covers(code) {
        Ok(())
    } else {
        Err(ApiError::NotFound { what: "agency", field: Some("code") })
    }
}

fn exists(what: &str, what_vi: &str) -> ApiError {
    ApiError::Conflict {
        code: "already_exists".into(),
        message: format!("The {what} already exists."),
        message_vi: format!("{what_vi} đã tồn tại."),
        field: Some("code".into()),
    }
}

#[derive(Serialize, Deserialize)]
struct AgencyView {
    code: String,
    name: String,
    level: String,
    parent_code: Option<String>,
    bank_bin: Option<String>,
    account_number: Option<String>,
    account_name: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct ProcedureView {
    code: String,
    name: String,
    level: String,
    level_label: String,
    processing_days: i64,
    documents: String,
    legal_basis: String,
    field: String,
    schedule_json: Option<String>,
}

/// `GET /api/admin/catalog`: the agencies in scope with their account, and every procedure
/// with its fee schedule.
pub async fn catalog(ctx: &Ctx) -> Result<Response, ApiError> {
    let staff = admin(ctx).await?;
    let d1 = ctx.national()?;
    let scope = serde_json::to_string(&staff.agencies).map_err(|e| ApiError::Unexpected(e.to_string()))?;
    let agencies: Vec<AgencyView> = db::all(
        d1.prepare(
            "SELECT a.code, a.name, a.level, a.parent_code, b.bank_bin, b.account_number, b.account_name \
             FROM agencies a LEFT JOIN agency_accounts b ON b.agency_code = a.code AND b.purpose = 'phi' \
             WHERE a.code IN (SELECT value FROM json_each(?1)) GROUP BY a.code ORDER BY a.sort_order, a.name",
        )
        .bind(&[scope.into()])?,
    )
    .await?;
    let procedures: Vec<ProcedureView> = db::all(d1.prepare(
        "SELECT p.code, p.name, p.level, p.level_label, p.processing_days, p.documents, p.legal_basis, p.field, f.schedule_json \
         FROM procedures p LEFT JOIN fee_schedules f ON f.procedure_code = p.code ORDER BY p.code",
    ))
    .await?;
    let procedures: Vec<serde_json::Value> = procedures
        .into_iter()
        .map(|p| {
            json!({
                "code": p.code, "name": p.name, "level": p.level, "level_label": p.level_label,
                "processing_days": p.processing_days,
                "documents": serde_json::from_str::<serde_json::Value>(&p.documents).unwrap_or(json!([])),
                "legal_basis": p.legal_basis, "field": p.field,
                "fee_schedule": p.schedule_json.and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok()),
            })
        })
        .collect();
    json(&json!({"agencies": agencies, "procedures": procedures}))
}

async fn agency_json(d1: &crate::platform::db::Db, code: &str) -> Result<Option<serde_json::Value>, ApiError> {
    db::first(d1.prepare("SELECT code, name, level, parent_code FROM agencies WHERE code = ?1").bind(&[code.into()])?).await
}

/// `POST /api/admin/agencies`: a new agency under one in the admin's scope.
pub async fn create_agency(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let staff = admin(ctx).await?;
    let input: AgencyInput = ctx.json_body().await?;
    let a = admin::parse_agency(&input)?;
    let parent = a.parent_code.clone().ok_or_else(|| motcua_domain::validation::FieldError::required("parent_code"))?;
    if !staff.covers(&parent) {
        return Err(ApiError::NotFound { what: "agency", field: Some("parent_code") });
    }
    let d1 = ctx.national()?;
    if agency_json(&d1, &a.code).await?.is_some() {
        return Err(exists("agency", "Mã cơ quan"));
    }
    let at = clock::rfc3339(clock::now());
    d1.batch(vec![
        d1.prepare("INSERT INTO agencies (code, name, level, parent_code, name_folded) VALUES (?1, ?2, ?3, ?4, ?5)").bind(&[
            a.code.as_str().into(),
            a.name.as_str().into(),
            a.level.as_str().into(),
            parent.as_str().into(),
            text::fold(&a.name).into(),
        ])?,
        audit::stmt(&d1, &staff, &at, "agency.create", "agency", &a.code, &serde_json::Value::Null, &json!(a))?,
    ])
    .await?;
    Ok(json(&a)?.with_status(201))
}

/// `PUT /api/admin/agencies/{code}`: renames or re-levels an agency (the code and parent stay).
pub async fn update_agency(ctx: &mut Ctx, code: &str) -> Result<Response, ApiError> {
    let staff = admin(ctx).await?;
    agency_in_scope(&staff, code)?;
    let mut input: AgencyInput = ctx.json_body().await?;
    let d1 = ctx.national()?;
    let before = agency_json(&d1, code).await?.ok_or(ApiError::NotFound { what: "agency", field: Some("code") })?;
    input.code = code.to_string();
    input.parent_code = before["parent_code"].as_str().map(str::to_string);
    let a = admin::parse_agency(&input)?;
    let at = clock::rfc3339(clock::now());
    d1.batch(vec![
        d1.prepare("UPDATE agencies SET name = ?1, level = ?2, name_folded = ?3 WHERE code = ?4").bind(&[
            a.name.as_str().into(),
            a.level.as_str().into(),
            text::fold(&a.name).into(),
            code.into(),
        ])?,
        audit::stmt(&d1, &staff, &at, "agency.update", "agency", code, &before, &json!(a))?,
    ])
    .await?;
    json(&a)
}

#[derive(Deserialize)]
struct HandlingBody {
    online_payment: bool,
}

/// `PUT /api/admin/agencies/{code}/procedures/{procedure}` `{"online_payment"}`: the agency
/// handles the procedure, with or without online payment.
pub async fn put_handling(ctx: &mut Ctx, code: &str, procedure: &str) -> Result<Response, ApiError> {
    let staff = admin(ctx).await?;
    agency_in_scope(&staff, code)?;
    let body: HandlingBody = ctx.json_body().await?;
    let d1 = ctx.national()?;
    if crate::catalog::repo::procedure(&d1, procedure).await?.is_none() {
        return Err(ApiError::NotFound { what: "procedure", field: Some("procedure") });
    }
    let before: Option<serde_json::Value> = db::first(
        d1.prepare("SELECT online_payment FROM agency_procedures WHERE agency_code = ?1 AND procedure_code = ?2")
            .bind(&[code.into(), procedure.into()])?,
    )
    .await?;
    let at = clock::rfc3339(clock::now());
    let flag = if body.online_payment { 1 } else { 0 };
    let after = json!({"agency": code, "procedure": procedure, "online_payment": body.online_payment});
    d1.batch(vec![
        d1.prepare(
            "INSERT INTO agency_procedures (agency_code, procedure_code, online_payment) VALUES (?1, ?2, ?3) \
             ON CONFLICT (agency_code, procedure_code) DO UPDATE SET online_payment = excluded.online_payment",
        )
        .bind(&[code.into(), procedure.into(), flag.into()])?,
        audit::stmt(&d1, &staff, &at, "handling.put", "agency", code, &json!(before), &after)?,
    ])
    .await?;
    json(&after)
}

/// `POST /api/admin/procedures` (create) and `PUT /api/admin/procedures/{code}` (update).
pub async fn save_procedure(ctx: &mut Ctx, code: Option<&str>) -> Result<Response, ApiError> {
    let staff = admin(ctx).await?;
    // A procedure applies in every province: the national admin's alone.
    admin::may_save_procedure(staff.role).map_err(refused)?;
    let mut input: ProcedureInput = ctx.json_body().await?;
    if let Some(code) = code {
        input.code = code.to_string();
    }
    let mut p = admin::parse_procedure(&input)?;
    let d1 = ctx.national()?;
    let before: Option<serde_json::Value> = db::first(
        d1.prepare("SELECT code, name, level, level_label, processing_days, documents, legal_basis, field FROM procedures WHERE code = ?1")
            .bind(&[p.code.as_str().into()])?,
    )
    .await?;
    // A change that leaves the lĩnh vực out keeps the one stored (a new procedure: none).
    if p.field.is_none() {
        p.field = Some(before.as_ref().and_then(|b| b["field"].as_str()).unwrap_or_default().to_string());
    }
    let documents = json!(p.documents).to_string();
    let binds = [
        p.code.as_str().into(),
        p.name.as_str().into(),
        text::fold(&p.name).into(),
        p.level.as_str().into(),
        p.level_label.as_str().into(),
        (p.processing_days as f64).into(),
        documents.as_str().into(),
        p.legal_basis.as_str().into(),
        p.field.as_deref().unwrap_or_default().into(),
    ];
    let (stmt, action, status) = match (code, &before) {
        (None, Some(_)) => return Err(exists("procedure", "Mã thủ tục")),
        (Some(_), None) => return Err(ApiError::NotFound { what: "procedure", field: Some("code") }),
        (None, None) => (
            d1.prepare(
                "INSERT INTO procedures (code, name, name_folded, level, level_label, processing_days, documents, legal_basis, field) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )
            .bind(&binds)?,
            "procedure.create",
            201,
        ),
        (Some(_), Some(_)) => (
            d1.prepare(
                "UPDATE procedures SET name = ?2, name_folded = ?3, level = ?4, level_label = ?5, processing_days = ?6, \
                   documents = ?7, legal_basis = ?8, field = ?9 WHERE code = ?1",
            )
            .bind(&binds)?,
            "procedure.update",
            200,
        ),
    };
    let at = clock::rfc3339(clock::now());
    d1.batch(vec![stmt, audit::stmt(&d1, &staff, &at, action, "procedure", &p.code, &json!(before), &json!(p))?]).await?;
    Ok(json(&p)?.with_status(status))
}

/// `POST /api/admin/procedures/{code}/fee-versions[?province=CODE]`: a new dated version of the
/// fee schedule. The national admin adds national versions (or, naming `province`, one
/// province's); a provincial admin adds versions for their own province only, which the quotes
/// of that province's agencies use from their effective date (`fee::for_province`).
pub async fn add_fee_version(ctx: &mut Ctx, code: &str) -> Result<Response, ApiError> {
    let staff = admin(ctx).await?;
    let d1 = ctx.national()?;
    let asked = ctx.query("province");
    let in_scope = if staff.role.edits_national_catalog() { vec![] } else { provinces_in_scope(&d1, &staff).await? };
    let province = admin::fee_version_target(staff.role, asked.as_deref(), &in_scope).map_err(refused)?;
    let version: FeeVersion = ctx.json_body().await?;
    let schedule = crate::fee::repo::schedule(&d1, code).await?.ok_or(ApiError::NotFound { what: "procedure", field: Some("code") })?;
    if let Some(province) = province {
        return add_province_fee_version(&d1, &staff, code, &province, schedule, version).await;
    }
    let next = admin::add_fee_version(&schedule, version.clone(), clock::today_vn())?;
    let schedule_json = serde_json::to_string(&next).map_err(|e| ApiError::Unexpected(e.to_string()))?;
    let at = clock::rfc3339(clock::now());
    d1.batch(vec![
        d1.prepare(
            "INSERT INTO fee_schedules (procedure_code, schedule_json, has_fees) VALUES (?1, ?2, 1) \
             ON CONFLICT (procedure_code) DO UPDATE SET schedule_json = excluded.schedule_json, has_fees = 1",
        )
        .bind(&[code.into(), schedule_json.into()])?,
        audit::stmt(
            &d1,
            &staff,
            &at,
            "fee_version.add",
            "fee_schedule",
            code,
            &json!({"versions": schedule.versions.len()}),
            &json!({"versions": next.versions.len(), "added": version}),
        )?,
    ])
    .await?;
    Ok(json(&next)?.with_status(201))
}

/// A version of one province's own, checked against that province's earlier versions.
async fn add_province_fee_version(
    d1: &crate::platform::db::Db,
    staff: &StaffSession,
    code: &str,
    province: &str,
    national: motcua_domain::fee::FeeSchedule,
    version: FeeVersion,
) -> Result<Response, ApiError> {
    let is_province: Option<serde_json::Value> =
        db::first(d1.prepare("SELECT code FROM agencies WHERE code = ?1 AND level = 'province'").bind(&[province.into()])?).await?;
    if is_province.is_none() {
        return Err(ApiError::NotFound { what: "province", field: Some("province") });
    }
    let own = crate::fee::repo::province_versions(d1, province, code).await?;
    let before = own.len();
    let schedule = motcua_domain::fee::FeeSchedule { versions: own, ..national };
    let next = admin::add_fee_version(&schedule, version.clone(), clock::today_vn())?;
    let version_json = serde_json::to_string(&version).map_err(|e| ApiError::Unexpected(e.to_string()))?;
    let at = clock::rfc3339(clock::now());
    d1.batch(vec![
        d1.prepare(
            "INSERT INTO province_fee_versions (procedure_code, province_code, effective_from, version_json, added_at) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .bind(&[
            code.into(),
            province.into(),
            motcua_domain::calendar::format_iso_date(version.effective_from).into(),
            version_json.into(),
            at.as_str().into(),
        ])?,
        audit::stmt_in(
            d1,
            staff,
            Some(province),
            &at,
            "fee_version.add",
            "fee_schedule",
            code,
            &json!({"province": province, "versions": before}),
            &json!({"province": province, "versions": next.versions.len(), "added": version}),
        )?,
    ])
    .await?;
    Ok(json(&json!({"province": province, "schedule": next}))?.with_status(201))
}

#[derive(Deserialize)]
struct EmbedOriginsBody {
    origins: Vec<String>,
}

/// `GET /api/admin/agencies/{code}/embed-origins`: the portals allowed to frame the agency's
/// embed page (`public/embed.js`).
pub async fn embed_origins(ctx: &Ctx, code: &str) -> Result<Response, ApiError> {
    let staff = admin(ctx).await?;
    agency_in_scope(&staff, code)?;
    let origins = crate::embed::repo::origins(&ctx.national()?, code).await?;
    json(&json!({"agency": code, "origins": origins}))
}

/// `PUT /api/admin/agencies/{code}/embed-origins` `{"origins": ["https://…"]}`: replaces the
/// list (an empty list stops all embedding). Each origin is checked and normalized.
pub async fn put_embed_origins(ctx: &mut Ctx, code: &str) -> Result<Response, ApiError> {
    let staff = admin(ctx).await?;
    agency_in_scope(&staff, code)?;
    let body: EmbedOriginsBody = ctx.json_body().await?;
    let origins = motcua_domain::embed::parse_origins(&body.origins)?;
    let d1 = ctx.national()?;
    if agency_json(&d1, code).await?.is_none() {
        return Err(ApiError::NotFound { what: "agency", field: Some("code") });
    }
    let before = crate::embed::repo::origins(&d1, code).await?;
    let at = clock::rfc3339(clock::now());
    let mut batch = vec![d1.prepare("DELETE FROM embed_origins WHERE agency_code = ?1").bind(&[code.into()])?];
    for o in &origins {
        batch.push(d1.prepare("INSERT INTO embed_origins (agency_code, origin) VALUES (?1, ?2)").bind(&[code.into(), o.as_str().into()])?);
    }
    let after = json!({"agency": code, "origins": origins});
    batch.push(audit::stmt(&d1, &staff, &at, "embed_origins.put", "agency", code, &json!({"origins": before}), &after)?);
    d1.batch(batch).await?;
    json(&after)
}
