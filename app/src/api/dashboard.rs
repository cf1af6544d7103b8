//! The leaders' dashboard. `query` is the filter's query string (`agency=…&period=…`, already
//! encoded); each report also downloads as CSV ([`csv_url`]).

use motcua_domain::dashboard::{CoverageView, DormantRow, OverdueRow, ProcedureRate, RatesView, TrendView};

use super::{get, Call};

/// `GET /api/dashboard/rates`.
pub fn rates(query: &str) -> Call<RatesView> {
    get(format!("/api/dashboard/rates?{query}"))
}

/// `GET /api/dashboard/trend`.
pub fn trend(query: &str) -> Call<TrendView> {
    get(format!("/api/dashboard/trend?{query}"))
}

/// `GET /api/dashboard/procedures`.
pub fn procedures(query: &str) -> Call<Vec<ProcedureRate>> {
    get(format!("/api/dashboard/procedures?{query}"))
}

/// `GET /api/dashboard/coverage`.
pub fn coverage(query: &str) -> Call<CoverageView> {
    get(format!("/api/dashboard/coverage?{query}"))
}

/// `GET /api/dashboard/dormant`.
pub fn dormant(query: &str) -> Call<Vec<DormantRow>> {
    get(format!("/api/dashboard/dormant?{query}"))
}

/// `GET /api/dashboard/overdue`.
pub fn overdue(query: &str) -> Call<Vec<OverdueRow>> {
    get(format!("/api/dashboard/overdue?{query}"))
}

/// `GET /api/dashboard/intake`.
pub fn intake(query: &str) -> Call<motcua_domain::indicators::IntakeView> {
    get(format!("/api/dashboard/intake?{query}"))
}

/// `GET /api/dashboard/ratings`.
pub fn ratings(query: &str) -> Call<motcua_domain::indicators::RatingsView> {
    get(format!("/api/dashboard/ratings?{query}"))
}

/// `GET /api/dashboard/digitization`.
pub fn digitization(query: &str) -> Call<motcua_domain::document::DigitizationView> {
    get(format!("/api/dashboard/digitization?{query}"))
}

/// Where a report (`rates`, `procedures`, ...) downloads as CSV, for a link.
pub fn csv_url(report: &str, query: &str) -> String {
    format!("/api/dashboard/{report}?{query}&format=csv")
}
