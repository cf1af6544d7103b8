//! The only reader and writer of `staff_reports`: a new report, and each decided change guarded
//! by the version it was decided from.

use motcua_domain::staff_report::{Decision, Kind, NewReport, State};
use serde_json::Value;
use worker::D1PreparedStatement;
use crate::platform::db::Db;

use crate::platform::db::{self, Guarded};
use crate::platform::error::ApiError;

/// A report as read, taken from a plain JSON row (no derived row deserializer: the Worker's size
/// budget).
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
    fn from_json(r: &Value) -> ReportRow {
        let opt = |k: &str| r[k].as_str().map(str::to_string);
        let text = |k: &str| opt(k).unwrap_or_default();
        ReportRow {
            id: text("id"),
            agency_code: text("agency_code"),
            agency_name: text("agency_name"),
            procedure_code: opt("procedure_code"),
            procedure_name: opt("procedure_name"),
            kind: text("kind"),
            text: text("text"),
            status: text("status"),
            created_by: text("created_by"),
            created_by_name: text("created_by_name"),
            created_at: text("created_at"),
            answer: opt("answer"),
            answered_by_name: opt("answered_by_name"),
            answered_at: opt("answered_at"),
            closed_at: opt("closed_at"),
            version: r["version"].as_i64().or_else(|| r["version"].as_f64().map(|f| f as i64)).unwrap_or(0),
        }
    }

    pub fn state(&self) -> State {
        State::from_str_opt(&self.status).unwrap_or(State::Closed)
    }

    /// The report as `motcua_domain::staff_report::ReportView` reads it (built by hand, not by a
    /// derived serializer: the Worker's size budget).
    pub fn view(&self) -> Value {
        let kind = Kind::from_str_opt(&self.kind).unwrap_or(Kind::Difficulty);
        let state = self.state();
        let fee_page = match (kind, &self.procedure_code) {
            (Kind::WrongFee, Some(p)) => Some(format!("/thu-tuc/{p}?agency={}", self.agency_code)),
            _ => None,
        };
        serde_json::json!({
            "id": self.id, "agency": self.agency_code, "agency_name": self.agency_name,
            "procedure": self.procedure_code, "procedure_name": self.procedure_name,
            "kind": kind.as_str(), "kind_label": kind.label_vi(), "text": self.text,
            "state": state.as_str(), "state_label": state.label_vi(),
            "created_by": self.created_by_name, "created_at": self.created_at,
            "answer": self.answer, "answered_by": self.answered_by_name, "answered_at": self.answered_at,
            "closed_at": self.closed_at, "fee_page": fee_page,
        })
    }
}

const SELECT: &str = "SELECT r.id, r.agency_code, a.name AS agency_name, r.procedure_code, p.name AS procedure_name, r.kind, r.text, \
       r.status, r.created_by, c.display_name AS created_by_name, r.created_at, r.answer, ans.display_name AS answered_by_name, \
       r.answered_at, r.closed_at, r.version \
     FROM staff_reports r JOIN agencies a ON a.code = r.agency_code LEFT JOIN procedures p ON p.code = r.procedure_code \
       JOIN staff c ON c.id = r.created_by LEFT JOIN staff ans ON ans.id = r.answered_by";

pub async fn by_id(d1: &Db, id: &str) -> Result<Option<ReportRow>, ApiError> {
    let row: Option<Value> = db::first(d1.prepare(format!("{SELECT} WHERE r.id = ?1")).bind(&[id.into()])?).await?;
    Ok(row.as_ref().map(ReportRow::from_json))
}

/// A sender's own reports, newest first.
pub async fn of_sender(d1: &Db, staff_id: &str) -> Result<Vec<ReportRow>, ApiError> {
    let rows: Vec<Value> = db::all(d1.prepare(format!("{SELECT} WHERE r.created_by = ?1 ORDER BY r.created_at DESC, r.id LIMIT 200")).bind(&[staff_id.into()])?).await?;
    Ok(rows.iter().map(ReportRow::from_json).collect())
}

/// The reports of the agencies in `scope` (JSON array of codes), of one state or all, oldest
/// open first (what waits longest is answered first).
pub async fn in_scope(d1: &Db, scope: &str, state: Option<State>) -> Result<Vec<ReportRow>, ApiError> {
    let sql = format!(
        "{SELECT} WHERE r.agency_code IN (SELECT value FROM json_each(?1)) AND (?2 IS NULL OR r.status = ?2) \
         ORDER BY CASE r.status WHEN 'open' THEN 0 WHEN 'answered' THEN 1 ELSE 2 END, r.created_at, r.id LIMIT 500"
    );
    let rows: Vec<Value> = db::all(d1.prepare(sql).bind(&[scope.into(), db::nullable(state.map(State::as_str))])?).await?;
    Ok(rows.iter().map(ReportRow::from_json).collect())
}

pub fn insert_stmt(d1: &Db, id: &str, r: &NewReport, staff_id: &str, at: &str) -> Result<D1PreparedStatement, ApiError> {
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
pub fn change_stmts(d1: &Db, row: &ReportRow, d: &Decision, staff_id: &str, at: &str) -> Result<Vec<D1PreparedStatement>, ApiError> {
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
pub async fn run(d1: &Db, row: &ReportRow, stmts: Vec<D1PreparedStatement>) -> Result<(), ApiError> {
    match d1.batch(stmts).await {
        Ok(_) => Ok(()),
        Err(e) if db::is_stale(&e) => {
            let now = by_id(d1, &row.id).await.ok().flatten().map(|r| r.state()).unwrap_or(State::Closed);
            Err(ApiError::Stale { what: "report", current: now.as_str().into(), label_vi: now.label_vi().into(), label_en: now.label_en().into() })
        }
        Err(e) => Err(e.into()),
    }
}
