//! Administration (admins): the catalog, each agency's beneficiary accounts per purpose, its
//! merchant at each payment provider (secrets are write-only: answers carry only whether each
//! is set and its length), online payment per procedure, fee versions, and reconciliation with
//! the providers' daily settlement files. The day's statement (any staff member of the agency)
//! is here too, as the reconciliation page shows it beside the differences.

use std::collections::BTreeMap;

use motcua_domain::beneficiary::{Account, AccountsInput, Purpose};
use motcua_domain::gateway::Provider;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{encode, get, post, put, Call};

/// `GET /api/admin/catalog`: `{"agencies": [...], "procedures": [...]}` the admin may change.
pub fn catalog() -> Call<Value> {
    get("/api/admin/catalog".into())
}

/// `PUT /api/admin/agencies/{code}/procedures/{procedure}` `{"online_payment"}`.
pub fn put_handling(agency: &str, procedure: &str, body: &Value) -> Call<Value> {
    put(format!("/api/admin/agencies/{}/procedures/{}", encode(agency), encode(procedure))).json(body)
}

/// `PUT /api/admin/procedures/{code}`: the procedure whole (`motcua_domain::admin::ProcedureInput`).
pub fn save_procedure(code: &str, body: &Value) -> Call<Value> {
    put(format!("/api/admin/procedures/{}", encode(code))).json(body)
}

/// `POST /api/admin/procedures/{code}/fee-versions` `{"effective_from", "legal_basis", "lines"}`.
pub fn add_fee_version(procedure: &str, body: &Value) -> Call<Value> {
    post(format!("/api/admin/procedures/{}/fee-versions", encode(procedure))).json(body)
}

/// An agency's beneficiary accounts: one per purpose it has, and the purposes without one
/// (their fee lines cannot be paid online).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AgencyAccounts {
    pub agency_code: String,
    pub accounts: Vec<Account>,
    #[serde(default)]
    pub missing: Vec<Purpose>,
}

/// `GET /api/admin/agencies/{code}/accounts`.
pub fn accounts(agency: &str) -> Call<AgencyAccounts> {
    get(format!("/api/admin/agencies/{}/accounts", encode(agency)))
}

/// `PUT /api/admin/agencies/{code}/accounts`: replaces the purposes given, keeps the others.
pub fn put_accounts(agency: &str, body: &AccountsInput) -> Call<AgencyAccounts> {
    put(format!("/api/admin/agencies/{}/accounts", encode(agency))).json(body)
}

/// A stored secret as the API shows it: only that it is set, and its length.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct MaskedSecret {
    pub set: bool,
    pub length: u32,
}

/// An agency's merchant at one provider. `credentials` holds the public fields as text and
/// each secret as a [`MaskedSecret`]; without its own merchant, `inherits_from` says whose
/// payments use (`deployment`, or an ancestor agency's code), `None` when nobody's.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct GatewayView {
    pub agency_code: String,
    pub provider: Provider,
    pub configured: bool,
    pub credentials: Option<Map<String, Value>>,
    pub inherits_from: Option<String>,
}

impl GatewayView {
    /// A public field's stored value.
    pub fn text(&self, field: &str) -> Option<String> {
        self.credentials.as_ref()?.get(field)?.as_str().map(str::to_string)
    }

    /// A secret's stored length, when it is set.
    pub fn secret(&self, field: &str) -> Option<MaskedSecret> {
        serde_json::from_value::<MaskedSecret>(self.credentials.as_ref()?.get(field)?.clone()).ok().filter(|m| m.set)
    }
}

/// `GET /api/admin/agencies/{code}/gateways/{provider}`.
pub fn gateway(agency: &str, provider: Provider) -> Call<GatewayView> {
    get(format!("/api/admin/agencies/{}/gateways/{}", encode(agency), provider.as_str()))
}

/// `PUT /api/admin/agencies/{code}/gateways/{provider}` with every field of the provider.
pub fn put_gateway(agency: &str, provider: Provider, fields: &BTreeMap<String, String>) -> Call<GatewayView> {
    put(format!("/api/admin/agencies/{}/gateways/{}", encode(agency), provider.as_str())).json(fields)
}

/// How one row of a settlement file (or one settled payment) compared with the ledger.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Finding {
    pub id: String,
    pub provider: String,
    pub agency_code: String,
    pub day: String,
    /// `missing_from_ledger`, `missing_from_file`, `amount_mismatch`, `duplicate`.
    pub kind: String,
    /// The kind in Vietnamese ("Thiếu trong sổ").
    pub label: String,
    pub reference: String,
    #[serde(default)]
    pub provider_txn: String,
    pub file_amount: Option<i64>,
    pub ledger_amount: Option<i64>,
    pub payment_id: Option<String>,
    /// The file's line, for a finding read from the file.
    pub line: Option<i64>,
    pub resolved_by: Option<String>,
    pub resolved_at: Option<String>,
    pub resolution: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct FindingCounts {
    pub matched: u32,
    pub missing_from_ledger: u32,
    pub missing_from_file: u32,
    pub amount_mismatch: u32,
    pub duplicate: u32,
}

/// What an import found for the day (the same again when the file was imported before, with
/// `imported: false`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ImportSummary {
    pub provider: String,
    pub agency_code: String,
    pub date: String,
    pub imported: bool,
    pub counts: FindingCounts,
    pub differences: Vec<Finding>,
}

/// `POST /api/admin/settlements/import?provider=&date=&agency=` with the CSV file as the body.
pub fn import_settlement(provider: &str, date: &str, agency: &str, file: &web_sys::File) -> Call<ImportSummary> {
    post(format!("/api/admin/settlements/import?provider={}&date={}&agency={}", encode(provider), encode(date), encode(agency)))
        .blob("text/csv".into(), file)
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Differences {
    pub differences: Vec<Finding>,
    #[serde(default)]
    pub last_report: Option<Value>,
}

/// `GET /api/admin/settlements/differences?agency=&status=open|all` (the agency's subtree).
pub fn differences(agency: &str, all: bool) -> Call<Differences> {
    get(format!("/api/admin/settlements/differences?agency={}&status={}", encode(agency), if all { "all" } else { "open" }))
}

#[derive(Serialize)]
struct Resolve<'a> {
    note: &'a str,
}

/// `POST /api/admin/settlements/differences/{id}/resolve` `{"note"}`: once (409
/// `already_resolved`).
pub fn resolve_difference(id: &str, note: &str) -> Call<Finding> {
    post(format!("/api/admin/settlements/differences/{}/resolve", encode(id))).json(&Resolve { note })
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ProviderTotal {
    pub provider: String,
    pub count: i64,
    pub amount: i64,
}

/// What is owed to one beneficiary account (and budget item) in the day.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PayeeTotal {
    #[serde(default)]
    pub purpose: Option<Purpose>,
    #[serde(default)]
    pub holder_name: String,
    #[serde(default)]
    pub account: String,
    #[serde(default)]
    pub treasury_code: Option<String>,
    #[serde(default)]
    pub chapter: Option<String>,
    #[serde(default)]
    pub budget_item: Option<String>,
    #[serde(default)]
    pub lines: i64,
    pub amount: i64,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Statement {
    pub by_provider: Vec<ProviderTotal>,
    pub by_beneficiary: Vec<PayeeTotal>,
    pub to_remit: Vec<PayeeTotal>,
}

/// `GET /api/staff/statements?agency=&date=&format=json`.
pub fn statement(agency: &str, date: &str) -> Call<Statement> {
    get(statement_query(agency, date, "json"))
}

/// Where the day's statement downloads as CSV, for a link.
pub fn statement_csv_url(agency: &str, date: &str) -> String {
    statement_query(agency, date, "csv")
}

fn statement_query(agency: &str, date: &str, format: &str) -> String {
    format!("/api/staff/statements?agency={}&date={}&format={format}", encode(agency), encode(date))
}

/// `GET /api/admin/national-catalog/differences?status=open|all`: what differs between the
/// national portal's catalog and ours.
pub fn national_differences(all: bool) -> Call<motcua_domain::national::catalog::DifferenceList> {
    get(format!("/api/admin/national-catalog/differences?status={}", if all { "all" } else { "open" }))
}

/// `POST /api/admin/national-catalog/pull`: the next page of the portal's catalog compared
/// (national admin; call again while not `finished`).
pub fn pull_national_catalog() -> Call<motcua_domain::national::catalog::PullProgress> {
    post("/api/admin/national-catalog/pull".to_string())
}

/// `POST /api/admin/national-catalog/differences/{id}/resolve` `{"note"}` (national admin, once:
/// 409 `not_open`).
pub fn resolve_national_difference(id: i64, note: &str) -> Call<motcua_domain::national::catalog::CatalogDifference> {
    post(format!("/api/admin/national-catalog/differences/{id}/resolve")).json(&Resolve { note })
}

/// `GET /api/admin/agencies/{code}/targets?year=`: the unit's own targets for the year and what
/// applies after inheritance.
pub fn targets(agency: &str, year: i32) -> Call<motcua_domain::indicators::TargetsView> {
    get(format!("/api/admin/agencies/{}/targets?year={year}", encode(agency)))
}

/// `PUT /api/admin/agencies/{code}/targets` (percents as strings, null = inherit; `version` as
/// read, so a change made meanwhile answers 409 at `version`).
pub fn put_targets(agency: &str, body: &motcua_domain::indicators::TargetsInput) -> Call<motcua_domain::indicators::TargetsView> {
    put(format!("/api/admin/agencies/{}/targets", encode(agency))).json(body)
}
