//! The catalog everyone reads: agencies, procedures, a fee quote.

use motcua_domain::api::{AgencyNode, FeeQuoteRequest, FeeQuoteResponse, ProcedureDetail, ProcedureSummary};

use super::{encode, get, post, Call};

/// `GET /api/agencies`: the agency tree.
pub fn agencies() -> Call<Vec<AgencyNode>> {
    get("/api/agencies".into())
}

/// `GET /api/procedures?q=&agency=`: procedures matching `q` (empty: all), of `agency` when given.
pub fn procedures(q: &str, agency: &str) -> Call<Vec<ProcedureSummary>> {
    let mut url = format!("/api/procedures?q={}", encode(q));
    if !agency.is_empty() {
        url.push_str("&agency=");
        url.push_str(&encode(agency));
    }
    get(url)
}

/// `GET /api/procedures/{code}`.
/// With `agency` (may be empty), the fee schedule as it applies in that agency's province.
pub fn procedure(code: &str, agency: &str) -> Call<ProcedureDetail> {
    let mut url = format!("/api/procedures/{}", encode(code));
    if !agency.is_empty() {
        url.push_str("?agency=");
        url.push_str(&encode(agency));
    }
    get(url)
}

/// `POST /api/fees/quote`: the breakdown for a procedure's inputs.
#[cfg_attr(not(feature = "staff"), allow(dead_code))]
pub fn fee_quote(request: &FeeQuoteRequest) -> Call<FeeQuoteResponse> {
    post("/api/fees/quote".into()).json(request)
}
