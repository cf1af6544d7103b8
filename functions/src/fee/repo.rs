//! Fee schedules and agency/procedure pairing from D1.

use motcua_domain::fee::{FeeSchedule, FeeVersion};
use serde::Deserialize;
use crate::platform::db::Db;

use crate::platform::db;
use crate::platform::error::ApiError;

#[derive(Deserialize)]
struct ScheduleRow {
    schedule_json: String,
}

/// The procedure's schedule, or `None` when the procedure does not exist. A procedure without a
/// stored schedule is free (an empty schedule).
pub async fn schedule(d1: &Db, procedure: &str) -> Result<Option<FeeSchedule>, ApiError> {
    #[derive(Deserialize)]
    struct Exists {
        name: String,
    }
    let Some(proc_row) =
        db::first::<Exists>(d1.prepare("SELECT name FROM procedures WHERE code = ?1").bind(&[procedure.into()])?).await?
    else {
        return Ok(None);
    };
    let row = db::first::<ScheduleRow>(
        d1.prepare("SELECT schedule_json FROM fee_schedules WHERE procedure_code = ?1").bind(&[procedure.into()])?,
    )
    .await?;
    match row {
        Some(r) => parse_schedule(procedure, &r.schedule_json).map(Some),
        None => Ok(Some(free_schedule(procedure, proc_row.name))),
    }
}

/// What a quote needs to know, read in one statement (a quote runs on every change of the form
/// and first in every submission): the procedure's schedule (`None`: no such procedure), whether
/// the agency exists and whether it handles the procedure.
pub struct QuoteContext {
    pub schedule: Option<FeeSchedule>,
    pub agency_exists: bool,
    pub handled: bool,
    /// The versions the agency's province set for itself (`province_fee_versions`).
    pub province_versions: Vec<FeeVersion>,
}

/// The agency and its ancestors (`up`), for the province an agency belongs to.
const UP_FROM_AGENCY: &str = "WITH RECURSIVE up(code, parent_code, level) AS ( \
       SELECT code, parent_code, level FROM agencies WHERE code = ?2 \
       UNION SELECT a.code, a.parent_code, a.level FROM agencies a JOIN up ON a.code = up.parent_code) ";

/// The versions of `procedure` set by the province of `agency`, as a JSON array (SQL).
const PROVINCE_VERSIONS: &str = "(SELECT json_group_array(json(v.version_json)) FROM province_fee_versions v \
       WHERE v.procedure_code = ?1 AND v.province_code IN (SELECT code FROM up WHERE level = 'province'))";

fn parse_versions(procedure: &str, json: Option<&str>) -> Result<Vec<FeeVersion>, ApiError> {
    match json {
        None => Ok(vec![]),
        Some(j) => serde_json::from_str(j)
            .map_err(|e| ApiError::Unexpected(format!("stored provincial fee versions of {procedure} are invalid: {e}"))),
    }
}

/// The versions of `procedure` that the province of `agency` set for itself.
pub async fn province_versions_for_agency(d1: &Db, agency: &str, procedure: &str) -> Result<Vec<FeeVersion>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        versions: Option<String>,
    }
    let row = db::first::<Row>(
        d1.prepare(format!("{UP_FROM_AGENCY} SELECT {PROVINCE_VERSIONS} AS versions")).bind(&[procedure.into(), agency.into()])?,
    )
    .await?;
    parse_versions(procedure, row.and_then(|r| r.versions).as_deref())
}

/// The versions of `procedure` that `province` set for itself, oldest first.
pub async fn province_versions(d1: &Db, province: &str, procedure: &str) -> Result<Vec<FeeVersion>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        version_json: String,
    }
    let rows: Vec<Row> = db::all(
        d1.prepare(
            "SELECT version_json FROM province_fee_versions WHERE procedure_code = ?1 AND province_code = ?2 ORDER BY effective_from",
        )
        .bind(&[procedure.into(), province.into()])?,
    )
    .await?;
    rows.iter()
        .map(|r| {
            serde_json::from_str(&r.version_json)
                .map_err(|e| ApiError::Unexpected(format!("stored provincial fee version of {procedure} is invalid: {e}")))
        })
        .collect()
}

pub async fn quote_context(d1: &Db, agency: &str, procedure: &str) -> Result<QuoteContext, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        procedure_name: Option<String>,
        schedule_json: Option<String>,
        agency_exists: i64,
        handled: i64,
        province_versions: Option<String>,
    }
    let row = db::first::<Row>(
        d1.prepare(format!(
            "{UP_FROM_AGENCY} SELECT p.name AS procedure_name, f.schedule_json, \
               EXISTS (SELECT 1 FROM agencies WHERE code = ?2) AS agency_exists, \
               EXISTS (SELECT 1 FROM agency_procedures WHERE agency_code = ?2 AND procedure_code = ?1) AS handled, \
               {PROVINCE_VERSIONS} AS province_versions \
             FROM (SELECT ?1 AS code) q \
             LEFT JOIN procedures p ON p.code = q.code \
             LEFT JOIN fee_schedules f ON f.procedure_code = q.code"
        ))
        .bind(&[procedure.into(), agency.into()])?,
    )
    .await?
    .ok_or_else(|| ApiError::Unexpected("quote context query returned no row".into()))?;
    let schedule = match (row.procedure_name, row.schedule_json) {
        (None, _) => None,
        (Some(_), Some(json)) => Some(parse_schedule(procedure, &json)?),
        (Some(name), None) => Some(free_schedule(procedure, name)),
    };
    let province_versions = parse_versions(procedure, row.province_versions.as_deref())?;
    Ok(QuoteContext { schedule, agency_exists: row.agency_exists != 0, handled: row.handled != 0, province_versions })
}

fn parse_schedule(procedure: &str, json: &str) -> Result<FeeSchedule, ApiError> {
    serde_json::from_str(json).map_err(|e| ApiError::Unexpected(format!("stored fee schedule of {procedure} is invalid: {e}")))
}

fn free_schedule(procedure: &str, name: String) -> FeeSchedule {
    FeeSchedule { procedure: procedure.to_string(), name, inputs: vec![], versions: vec![] }
}
