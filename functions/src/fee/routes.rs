//! `POST /api/fees/quote` `{"procedure", "agency", "inputs"}` → the itemized breakdown.

use motcua_domain::api::FeeQuoteRequest;
use motcua_domain::fee::{self, FeeBreakdown, FeeSchedule};
use motcua_domain::validation::FieldError;
use worker::Response;
use crate::platform::db::Db;

use crate::catalog::cache::{self, Freshness};
use crate::platform::clock;
use crate::platform::error::ApiError;
use crate::platform::http::{json, Ctx};

pub async fn quote(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let req: FeeQuoteRequest = ctx.json_body().await?;
    let breakdown = quote_for(&ctx.national()?, &req.agency, &req.procedure, &req.inputs, Freshness::Recent).await?.1;
    json(&breakdown)
}

/// Checks that the agency handles the procedure and evaluates its schedule today, as it applies
/// in the agency's province. Shared by the
/// quote endpoint and by fee notices, so both always agree. The schedule comes from the
/// isolate's memo of the catalog; a caller that stores the amount asks for [`Freshness::Now`].
pub async fn quote_for(
    d1: &Db,
    agency: &str,
    procedure: &str,
    inputs: &serde_json::Map<String, serde_json::Value>,
    freshness: Freshness,
) -> Result<(FeeSchedule, FeeBreakdown), ApiError> {
    if procedure.trim().is_empty() {
        return Err(FieldError::required("procedure").into());
    }
    if agency.trim().is_empty() {
        return Err(FieldError::required("agency").into());
    }
    let context = cache::quote_context(d1, agency, procedure, freshness).await?;
    let schedule = context.schedule.as_ref().ok_or(ApiError::NotFound { what: "procedure", field: Some("procedure") })?;
    if !context.agency_exists {
        return Err(ApiError::NotFound { what: "agency", field: Some("agency") });
    }
    if !context.handled {
        return Err(FieldError::new(
            "procedure",
            "not_handled",
            "Cơ quan này không giải quyết thủ tục đã chọn.",
            "This agency does not handle the chosen procedure.",
        )
        .into());
    }
    // The agency's province may have set its own version (HĐND tỉnh); else the national one.
    let today = clock::today_vn();
    let schedule = fee::for_province(schedule, &context.province_versions, today);
    let breakdown = fee::evaluate(&schedule, today, inputs).map_err(|e| e.within("inputs"))?;
    Ok((schedule, breakdown))
}
