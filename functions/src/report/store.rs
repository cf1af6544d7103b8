//! The only reader and writer of `staff_reports`: a new report, and each decided change guarded
//! by the version it was decided from.

use motcua_domain::staff_report::{Decision, Kind, NewReport, ReportView, State};
use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement};

use crate::platform::db::{self, Guarded};
use crate::platform::error::ApiError;

#[derive(Deserialize)]
pub struct ReportRow {
    pub id: String,
    pub agency_code: String,
    pub agency_name: String,
    pub procedure_code: Option<String>,
    pub procedure_name: Option<String>,
    pub kind: String,
    pub text: String,
    pub status: String,
    pub created_by: String,
    pub created_by_name: String,
    pub created_at: String,
    pub answer: Option<String>,
    pub answered_by_name: Option<String>,
    pub answered_at: Option<String>,
    pub closed_at: Option<String>,
    pub version: i64,
}

impl ReportRow {
    pub fn state(&self) -> State {
        State::from_str_opt(&self.status).unwrap_or(State::Closed)
    }

    pub fn view(&self) -> ReportView {
        let kind = Kind::from_str_opt(&self.kind).unwrap_or(Kind::Difficulty);
        let state = self.state();
        let fee_page = match (kind, &self.procedure_code) {
            (Kind::WrongFee, Some(p)) => Some(format!("/thu-tuc/{p}?agency={}", self.agency_code)),
            _ => None,
        };
        ReportView {
            id: self.id.clone(),
            agency: self.agency_code.clone(),
            agency_name: self.agency_name.clone(),
            procedure: self.procedure_code.clone(),
            procedure_name: self.procedure_name.clone(),
            kind,
            kind_label: kind.label_vi().into(),
            text: self.text.clone(),
            state,
            state_label: state.label_vi().into(),
            created_by: self.created_by_name.clone(),
            created_at: self.created_at.clone(),
            answer: self.answer.clone(),
            answered_by: self.answered_by_name.clone(),
            answered_at: self.answered_at.clone(),
            closed_at: self.closed_at.clone(),
            fee_page,
        }
    }
}

const SELECT: &str = "SELECT r.id, r.agency_code, a.name AS agency_name, r.procedure_code, p.name AS procedure_name, r.kind, r.text, \
       r.status, r.created_by, c.display_name AS created_by_name, r.created_at, r.answer, ans.display_name AS answered_by_name, \
       r.answered_at, r.closed_at, r.version \
     FROM staff_reports r JOIN agencies a ON a.code = r.agency_code LEFT JOIN procedures p ON p.code = r.procedure_code \
       JOIN staff c ON c.id = r.created_by LEFT JOIN staff ans ON ans.id = r.answered_by";

pub async fn by_id(d1: &D1Database, id: &str) -> Result<Option<ReportRow>, ApiError> {
    db::first(d1.prepare(format!("{SELECT} WHERE r.id = ?1")).bind(&[id.into()])?).await
}

/// A sender's own reports, newest first.
pub async fn of_sender(d1: &D1Database, staff_id: &str) -> Result<Vec<ReportRow>, ApiError> {
    db::all(d1.prepare(format!("{SELECT} WHERE r.created_by = ?1 ORDER BY r.created_at DESC, r.id LIMIT 200")).bind(&[staff_id.into()])?).await
}

/// The reports of the agencies in `scope` (JSON array of codes), of one state or all, oldest
/// open first (what waits longest is answered first).
pub async fn in_scope(d1: &D1Database, scope: &str, state: Option<State>) -> Result<Vec<ReportRow>, ApiError> {
    let sql = format!(
        "{SELECT} WHERE r.agency_code IN (SELECT value FROM json_each(?1)) AND (?2 IS NULL OR r.status = ?2) \
         ORDER BY CASE r.status WHEN 'open' THEN 0 WHEN 'answered' THEN 1 ELSE 2 END, r.created_at, r.id LIMIT 500"
    );
    db::all(d1.prepare(sql).bind(&[scope.into(), db::nullable(state.map(State::as_str))])?).await
}

pub fn insert_stmt(d1: &D1Database, id: &str, r: &NewReport, staff_id: &str, at: &str) -> Result<D1PreparedStatement, ApiError> {
    Ok(d1
        .prepare(
            "INSERT INTO staff_reports (id, agency_code, procedure_code, kind, text, status, created_by, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, 'open', ?6, ?7)",
        )
        .bind(&[
            id.into(),
            r.agency.as_str().into(),
            db::nullable(r.procedure.as_deref()),
            r.kind.as_str().into(),
            r.text.as_str().into(),
            staff_id.into(),
            at.into(),
        ])?)
}

/// The statements of a decided change: the guard, then the state with who and when (an
/// answer keeps its text and who gave it; a close who closed it).
pub fn change_stmts(d1: &D1Database, row: &ReportRow, d: &Decision, staff_id: &str, at: &str) -> Result<Vec<D1PreparedStatement>, ApiError> {
    let (who, when) = match d.to {
        State::Answered => ("answered_by", "answered_at"),
        _ => ("closed_by", "closed_at"),
    };
    let update = d1
        .prepare(format!(
            "UPDATE staff_reports SET status = ?1, answer = coalesce(?2, answer), {who} = ?3, {when} = ?4, version = version + 1 \
             WHERE id = ?5 AND version = ?6"
        ))
        .bind(&[
            d.to.as_str().into(),
            db::nullable(d.answer.as_deref()),
            staff_id.into(),
            at.into(),
            row.id.as_str().into(),
            (row.version as f64).into(),
        ])?;
    Ok(vec![db::guard(d1, Guarded::Report, &row.id, row.version)?, update])
}

/// Runs a change's batch; a lost race is 409 `conflict` with the report's state now.
pub async fn run(d1: &D1Database, row: &ReportRow, stmts: Vec<D1PreparedStatement>) -> Result<(), ApiError> {
    match d1.batch(stmts).await {
        Ok(_) => Ok(()),
        Err(e) if db::is_stale(&e) => {
            let now = by_id(d1, &row.id).await.ok().flatten().map(|r| r.state()).unwrap_or(State::Closed);
            Err(ApiError::Stale { what: "report", current: now.as_str().into(), label_vi: now.label_vi().into(), label_en: now.label_en().into() })
        }
        Err(e) => Err(e.into()),
    }
}
