//! `GET /api/agencies`, `GET /api/procedures?agency=&q=`, `GET /api/procedures/{code}`.

use std::collections::HashMap;

use motcua_domain::api::{AgencyNode, ProcedureDetail, ProcedureSummary};
use motcua_domain::text;
use motcua_domain::validation::FieldError;
use worker::Response;

use super::cache;
use super::repo::{AgencyRow, ProcedureRow};
use crate::platform::error::ApiError;
use crate::platform::http::{json, Ctx};

pub async fn agencies(ctx: &Ctx) -> Result<Response, ApiError> {
    let rows = cache::agencies(&ctx.national()?).await?;
    json(&build_tree(&rows))
}

/// Assembles rows into a forest. Depth is whatever the data says: nothing assumes three levels.
pub(crate) fn build_tree(rows: &[AgencyRow]) -> Vec<AgencyNode> {
    let mut children: HashMap<Option<&str>, Vec<&AgencyRow>> = HashMap::new();
    for row in rows {
        children.entry(row.parent_code.as_deref()).or_default().push(row);
    }
    fn attach<'a>(parent: Option<&'a str>, children: &mut HashMap<Option<&'a str>, Vec<&'a AgencyRow>>) -> Vec<AgencyNode> {
        let rows = children.remove(&parent).unwrap_or_default();
        rows.into_iter()
            .map(|r| AgencyNode {
                children: attach(Some(r.code.as_str()), children),
                code: r.code.clone(),
                name: r.name.clone(),
                level: r.level.clone(),
            })
            .collect()
    }
    attach(None, &mut children)
}

pub async fn procedures(ctx: &Ctx) -> Result<Response, ApiError> {
    let d1 = ctx.national()?;
    let agency = ctx.query("agency").filter(|a| !a.trim().is_empty());
    let cached = cache::procedures(&d1, agency.as_deref().map(str::trim)).await?;
    // Read from the isolate's memo: the rows are borrowed, each summary copies what it shows.
    let rows = cached.as_ref().as_ref().ok_or(ApiError::NotFound { what: "agency", field: Some("agency") })?;
    let q = ctx.query("q").unwrap_or_default();
    if q.chars().count() > 100 {
        return Err(FieldError::new(
            "q",
            "too_long",
            "Từ khóa tìm kiếm quá dài (tối đa 100 ký tự).",
            "The search text is too long (at most 100 characters).",
        )
        .into());
    }
    let list: Vec<ProcedureSummary> = rows
        .into_iter()
        .filter(|r| text::matches_any(&[&r.name, &r.code, &r.field], &q))
        .map(summary)
        .collect();
    json(&list)
}

pub(crate) fn summary(r: &ProcedureRow) -> ProcedureSummary {
    ProcedureSummary {
        code: r.code.clone(),
        name: r.name.clone(),
        level: r.level.clone(),
        processing_days: r.processing_days,
        has_fees: r.has_fees.unwrap_or(0) != 0,
        online_payment: r.online_payment.unwrap_or(0) != 0,
    }
}

pub async fn procedure(ctx: &Ctx, code: &str) -> Result<Response, ApiError> {
    // `?agency=`: the schedule as it applies in that agency's province (its own versions, if any).
    let agency = ctx.query("agency").filter(|a| !a.trim().is_empty());
    let found = detail(&ctx.national()?, code, agency.as_deref().map(str::trim)).await?;
    json(&found.ok_or(ApiError::NotFound { what: "procedure", field: Some("code") })?)
}

/// A procedure's page data, with the fees and paperless days of `agency`'s province when given
/// (the API's answer, and the Worker's server-rendered page).
pub(crate) async fn detail(d1: &crate::platform::db::Db, code: &str, agency: Option<&str>) -> Result<Option<ProcedureDetail>, ApiError> {
    let cached = cache::procedure(d1, code).await?;
    let Some(row) = cached.as_ref().as_ref() else { return Ok(None) };
    let documents = serde_json::from_str(&row.documents).unwrap_or_default();
    let level_label = row.level_label.clone();
    let legal_basis = row.legal_basis.clone();
    let mut fee_schedule = cache::schedule(d1, code).await?.as_ref().clone();
    if let (Some(agency), Some(schedule)) = (agency, fee_schedule.as_ref()) {
        let provincial = cache::province_versions(d1, agency, code).await?;
        fee_schedule = Some(motcua_domain::fee::for_province(schedule, &provincial, crate::platform::clock::today_vn()));
    }
    let online_only = match agency {
        Some(agency) => crate::paperless::routes::online_only(d1, agency, code).await?,
        None => None,
    };
    Ok(Some(ProcedureDetail { summary: summary(row), level_label, documents, legal_basis, fee_schedule, online_only }))
}
