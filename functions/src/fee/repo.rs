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
        Some(r) => serde_json::from_str(&r.schedule_json)
            .map(Some)
            .map_err(|e| ApiError::Unexpected(format!("stored fee schedule of {procedure} is invalid: {e}"))),
        None => Ok(Some(FeeSchedule {
            procedure: procedure.to_string(),
            name: proc_row.name,
            inputs: vec![],
            versions: vec![],
        })),
    }
}

/// Whether the agency handles the procedure.
pub async fn agency_handles(d1: &D1Database, agency: &str, procedure: &str) -> Result<bool, ApiError> {
    #[derive(Deserialize)]
    struct One {
        #[allow(dead_code)]
        one: i64,
    }
    Ok(db::first::<One>(
        d1.prepare("SELECT 1 AS one FROM agency_procedures WHERE agency_code = ?1 AND procedure_code = ?2")
            .bind(&[agency.into(), procedure.into()])?,
    )
    .await?
    .is_some())
}
