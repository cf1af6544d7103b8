//! `GET /api/agencies`, `GET /api/procedures?agency=&q=`, `GET /api/procedures/{code}`.

use std::collections::HashMap;

use motcua_domain::api::{AgencyNode, ProcedureDetail, ProcedureSummary};
use motcua_domain::text;
use motcua_domain::validation::FieldError;
use worker::Response;

use super::repo::{self, AgencyRow, ProcedureRow};
use crate::platform::error::ApiError;
use crate::platform::http::{json, Ctx};

pub async fn agencies(ctx: &Ctx) -> Result<Response, ApiError> {
    let rows = repo::agencies(&ctx.d1()?).await?;
    json(&build_tree(rows))
}

/// Assembles rows into a forest. Depth is whatever the data says: nothing assumes three levels.
fn build_tree(rows: Vec<AgencyRow>) -> Vec<AgencyNode> {
    let mut children: HashMap<Option<String>, Vec<AgencyRow>> = HashMap::new();
    for row in rows {
        children.entry(row.parent_code.clone()).or_default().push(row);
    }
    fn attach(parent: Option<String>, children: &mut HashMap<Option<String>, Vec<AgencyRow>>) -> Vec<AgencyNode> {
        let rows = children.remove(&parent).unwrap_or_default();
        rows.into_iter()
            .map(|r| AgencyNode {
                children: attach(Some(r.code.clone()), children),
                code: r.code,
                name: r.name,
                level: r.level,
            })
            .collect()
    }
    attach(None, &mut children)
}

pub async fn procedures(ctx: &Ctx) -> Result<Response, ApiError> {
    let d1 = ctx.d1()?;
    let rows = match ctx.query("agency").filter(|a| !a.trim().is_empty()) {
        Some(agency) => {
            let agency = agency.trim().to_string();
            if repo::agency(&d1, &agency).await?.is_none() {
                return Err(ApiError::NotFound { what: "agency", field: Some("agency") });
            }
            repo::procedures_of(&d1, &agency).await?
        }
        None => repo::all_procedures(&d1).await?,
    };
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

fn summary(r: ProcedureRow) -> ProcedureSummary {
    ProcedureSummary {
        code: r.code,
        name: r.name,
        level: r.level,
        processing_days: r.processing_days,
        has_fees: r.has_fees.unwrap_or(0) != 0,
        online_payment: r.online_payment.unwrap_or(0) != 0,
    }
}

pub async fn procedure(ctx: &Ctx, code: &str) -> Result<Response, ApiError> {
    let d1 = ctx.d1()?;
    let row = repo::procedure(&d1, code)
        .await?
        .ok_or(ApiError::NotFound { what: "procedure", field: Some("code") })?;
    let documents = serde_json::from_str(&row.documents).unwrap_or_default();
    let level_label = row.level_label.clone();
    let legal_basis = row.legal_basis.clone();
    let mut fee_schedule = crate::fee::repo::schedule(&d1, code).await?;
    // `?agency=`: the schedule as it applies in that agency's province (its own versions, if any).
    let agency = ctx.query("agency").filter(|a| !a.trim().is_empty());
    if let (Some(agency), Some(schedule)) = (agency.as_ref(), fee_schedule.as_ref()) {
        let provincial = crate::fee::repo::province_versions_for_agency(&d1, agency.trim(), code).await?;
        fee_schedule = Some(motcua_domain::fee::for_province(schedule, &provincial, crate::platform::clock::today_vn()));
    }
    let online_only = match agency {
        Some(agency) => crate::paperless::routes::online_only(&d1, agency.trim(), code).await?,
        None => None,
    };
    json(&ProcedureDetail { summary: summary(row), level_label, documents, legal_basis, fee_schedule, online_only })
}
