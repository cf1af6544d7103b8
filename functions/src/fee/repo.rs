//! Fee schedules and agency/procedure pairing from D1.

use motcua_domain::fee::FeeSchedule;
use serde::Deserialize;
use worker::D1Database;

use crate::platform::db;
use crate::platform::error::ApiError;

#[derive(Deserialize)]
struct ScheduleRow {
    schedule_json: String,
}

/// The procedure's schedule, or `None` when the procedure does not exist. A procedure without a
/// stored schedule is free (an empty schedule).
pub async fn schedule(d1: &D1Database, procedure: &str) -> Result<Option<FeeSchedule>, ApiError> {
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
}

pub async fn quote_context(d1: &D1Database, agency: &str, procedure: &str) -> Result<QuoteContext, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        procedure_name: Option<String>,
        schedule_json: Option<String>,
        agency_exists: i64,
        handled: i64,
    }
    let row = db::first::<Row>(
        d1.prepare(
            "SELECT p.name AS procedure_name, f.schedule_json, \
               EXISTS (SELECT 1 FROM agencies WHERE code = ?2) AS agency_exists, \
               EXISTS (SELECT 1 FROM agency_procedures WHERE agency_code = ?2 AND procedure_code = ?1) AS handled \
             FROM (SELECT ?1 AS code) q \
             LEFT JOIN procedures p ON p.code = q.code \
             LEFT JOIN fee_schedules f ON f.procedure_code = q.code",
        )
        .bind(&[procedure.into(), agency.into()])?,
    )
    .await?
    .ok_or_else(|| ApiError::Unexpected("quote context query returned no row".into()))?;
    let schedule = match (row.procedure_name, row.schedule_json) {
        (None, _) => None,
        (Some(_), Some(json)) => Some(parse_schedule(procedure, &json)?),
        (Some(name), None) => Some(free_schedule(procedure, name)),
    };
    Ok(QuoteContext { schedule, agency_exists: row.agency_exists != 0, handled: row.handled != 0 })
}

fn parse_schedule(procedure: &str, json: &str) -> Result<FeeSchedule, ApiError> {
    serde_json::from_str(json).map_err(|e| ApiError::Unexpected(format!("stored fee schedule of {procedure} is invalid: {e}")))
}

fn free_schedule(procedure: &str, name: String) -> FeeSchedule {
    FeeSchedule { procedure: procedure.to_string(), name, inputs: vec![], versions: vec![] }
}
