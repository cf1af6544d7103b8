//! Catalog reads from D1.

use serde::Deserialize;
use crate::platform::db::Db;

use crate::platform::db;
use crate::platform::error::ApiError;

#[derive(Debug, Clone, Deserialize)]
pub struct AgencyRow {
    pub code: String,
    pub name: String,
    pub level: String,
    pub parent_code: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct ProcedureRow {
    pub code: String,
    pub name: String,
    /// The lĩnh vực ("Hộ tịch"), searchable with the name; empty when not known.
    pub field: String,
    pub level: String,
    pub level_label: String,
    pub processing_days: u32,
    pub documents: String,
    pub legal_basis: String,
    pub has_fees: Option<i64>,
    pub online_payment: Option<i64>,
}

pub async fn agencies(d1: &Db) -> Result<Vec<AgencyRow>, ApiError> {
    db::all(d1.prepare("SELECT code, name, level, parent_code FROM agencies ORDER BY sort_order, name")).await
}

pub async fn agency(d1: &Db, code: &str) -> Result<Option<AgencyRow>, ApiError> {
    db::first(
        d1.prepare("SELECT code, name, level, parent_code FROM agencies WHERE code = ?1").bind(&[code.into()])?,
    )
    .await
}

const PROCEDURE_COLUMNS: &str = "p.code, p.name, p.field, p.level, p.level_label, p.processing_days, \
     p.documents, p.legal_basis, COALESCE(f.has_fees, 0) AS has_fees";

/// Procedures an agency handles, with its online-payment flag there.
pub async fn procedures_of(d1: &Db, agency: &str) -> Result<Vec<ProcedureRow>, ApiError> {
    let sql = format!(
        "SELECT {PROCEDURE_COLUMNS}, ap.online_payment AS online_payment \
         FROM agency_procedures ap JOIN procedures p ON p.code = ap.procedure_code \
         LEFT JOIN fee_schedules f ON f.procedure_code = p.code \
         WHERE ap.agency_code = ?1 ORDER BY p.name"
    );
    db::all(d1.prepare(sql).bind(&[agency.into()])?).await
}

/// The whole catalogue, online payment counted as enabled where any agency enables it.
pub async fn all_procedures(d1: &Db) -> Result<Vec<ProcedureRow>, ApiError> {
    let sql = format!(
        "SELECT {PROCEDURE_COLUMNS}, \
           (SELECT MAX(online_payment) FROM agency_procedures ap WHERE ap.procedure_code = p.code) AS online_payment \
         FROM procedures p LEFT JOIN fee_schedules f ON f.procedure_code = p.code ORDER BY p.name"
    );
    db::all(d1.prepare(sql)).await
}

pub async fn procedure(d1: &Db, code: &str) -> Result<Option<ProcedureRow>, ApiError> {
    let sql = format!(
        "SELECT {PROCEDURE_COLUMNS}, NULL AS online_payment FROM procedures p \
         LEFT JOIN fee_schedules f ON f.procedure_code = p.code WHERE p.code = ?1"
    );
    db::first(d1.prepare(sql).bind(&[code.into()])?).await
}
