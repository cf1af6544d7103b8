//! The only writer of bills: new bills (one at the desk, or a whole import in one transaction),
//! and each decided change, conditional on the version it was decided from.

use motcua_domain::bill::{Decision, NewBill};
use serde_json::json;
use worker::D1PreparedStatement;
use crate::platform::db::Db;

use super::repo::{self, BillRow};
use crate::auth::session::StaffSession;
use crate::platform::db::{self, Guarded};
use crate::platform::error::ApiError;

/// A checked bill with its number and who made it.
pub struct Numbered<'a> {
    pub id: String,
    pub code: String,
    pub bill: &'a NewBill,
    /// The payment link it was made by, if any.
    pub link_slug: Option<&'a str>,
}

/// The insert of one new bill.
pub fn insert_stmt(d1: &Db, n: &Numbered<'_>, created_by: &str, at: &str) -> Result<D1PreparedStatement, ApiError> {
    let b = n.bill;
    let to_json = |v: &dyn erased::Json| v.json();
    Ok(d1
        .prepare(
            "INSERT INTO bills (id, kind, code, agency_code, payer_name, payer_id, payer_phone, document_number, document_json, \
               total, lines_json, due_date, status, link_slug, created_by, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 'open', ?13, ?14, ?15)",
        )
        .bind(&[
            n.id.as_str().into(),
            b.kind.as_str().into(),
            n.code.as_str().into(),
            b.agency.as_str().into(),
            b.payer_name.as_str().into(),
            b.payer_id.as_str().into(),
            db::nullable(b.payer_phone.as_ref().map(|p| p.as_str())),
            b.document.number.as_str().into(),
            to_json(&b.document)?.into(),
            (b.total.as_dong() as f64).into(),
            to_json(&b.lines)?.into(),
            b.due_date.to_string().into(),
            db::nullable(n.link_slug),
            created_by.into(),
            at.into(),
        ])?)
}

mod erased {
    use crate::platform::error::ApiError;
    pub trait Json {
        fn json(&self) -> Result<String, ApiError>;
    }
    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> Result<String, ApiError> {
            serde_json::to_string(self).map_err(|e| ApiError::Unexpected(e.to_string()))
        }
    }
}

/// Writes new bills and their audit rows in one transaction: all or none. A bill that already
/// exists for the same document, payer and due date is `bill_exists` (409).
pub async fn create_all(d1: &Db, staff: &StaffSession, bills: &[Numbered<'_>], at: &str, via: &str) -> Result<(), ApiError> {
    let mut stmts = Vec::with_capacity(bills.len() * 2);
    for n in bills {
        stmts.push(insert_stmt(d1, n, &format!("staff:{}", staff.staff_id), at)?);
        stmts.push(crate::desk::audit::stmt_in(
            d1,
            staff,
            Some(&n.bill.agency),
            at,
            "bill.create",
            "bill",
            &n.code,
            &json!({}),
            &json!({"kind": n.bill.kind.as_str(), "total": n.bill.total.as_dong(), "payer": n.bill.payer_id.masked(), "document": n.bill.document.number, "via": via}),
        )?);
    }
    match d1.batch(stmts).await {
        Ok(_) => Ok(()),
        Err(e) if db::is_unique_violation(&e) => Err(exists()),
        Err(e) => Err(e.into()),
    }
}

pub fn exists() -> ApiError {
    ApiError::Conflict {
        code: "bill_exists".into(),
        message: "A bill for this document, payer and due date already exists.".into(),
        message_vi: "Đã có khoản phải nộp cho văn bản, người nộp và hạn nộp này.".into(),
        field: Some("document.number".into()),
    }
}

/// A dossier's new fee notice (a bill of kind `procedure_fee`), written in the batch of the
/// dossier's decided change (the dossier's state says whether fees are owed).
#[allow(clippy::too_many_arguments)]
pub fn notice_stmt(d1: &Db, id: &str, dossier_id: &str, agency: &str, total: i64, lines_json: &str, created_by: &str, at: &str) -> Result<D1PreparedStatement, ApiError> {
    Ok(d1
        .prepare(
            "INSERT INTO bills (id, kind, dossier_id, agency_code, total, lines_json, status, created_by, created_at) \
             VALUES (?1, 'procedure_fee', ?2, ?3, ?4, ?5, 'open', ?6, ?7)",
        )
        .bind(&[id.into(), dossier_id.into(), agency.into(), (total as f64).into(), lines_json.into(), created_by.into(), at.into()])?)
}

/// A dossier's open fee notice cancelled with the dossier's decided change (withdrawn, re-noticed).
pub fn cancel_open_notices_stmt(d1: &Db, dossier_id: &str) -> Result<D1PreparedStatement, ApiError> {
    Ok(d1
        .prepare("UPDATE bills SET status = 'cancelled', version = version + 1 WHERE dossier_id = ?1 AND status = 'open'")
        .bind(&[dossier_id.into()])?)
}

/// A dossier's fee notice paid, in the settlement's batch (guarded there by the payment's and the
/// dossier's versions, and by the settlement's key).
pub fn notice_paid_stmt(d1: &Db, bill_id: &str, payment_id: &str, at: &str) -> Result<D1PreparedStatement, ApiError> {
    Ok(d1
        .prepare("UPDATE bills SET status = 'paid', version = version + 1, closed_by = ?2, closed_at = ?3 WHERE id = ?1 AND status = 'open'")
        .bind(&[bill_id.into(), format!("payment:{payment_id}").into(), at.into()])?)
}

/// The statements of a decided change: the guard, the state, who closed it and why.
pub fn change_stmts(d1: &Db, b: &BillRow, d: &Decision, by: &str, at: &str) -> Result<Vec<D1PreparedStatement>, ApiError> {
    let reason = d.audit_after.get("reason").and_then(|r| r.as_str());
    Ok(vec![
        db::guard(d1, Guarded::Bill, &b.id, b.version)?,
        d1.prepare(
            "UPDATE bills SET status = ?1, version = version + 1, closed_by = ?2, closed_at = ?3, cancel_reason = coalesce(?4, cancel_reason) \
             WHERE id = ?5 AND version = ?6",
        )
        .bind(&[d.to.as_str().into(), by.into(), at.into(), db::nullable(reason), b.id.as_str().into(), (b.version as f64).into()])?,
    ])
}

/// Runs a batch that begins with this bill's guard; a lost race is `Stale` with its state now.
pub async fn run(d1: &Db, b: &BillRow, stmts: Vec<D1PreparedStatement>) -> Result<(), ApiError> {
    match d1.batch(stmts).await {
        Ok(_) => Ok(()),
        Err(e) if db::is_stale(&e) => Err(stale(d1, &b.id).await),
        Err(e) => Err(e.into()),
    }
}

pub async fn stale(d1: &Db, id: &str) -> ApiError {
    match repo::by_id(d1, id).await {
        Ok(Some(b)) => {
            let s = b.state();
            ApiError::Stale { what: "bill", current: s.as_str().into(), label_vi: s.label_vi().into(), label_en: s.label_en().into() }
        }
        _ => ApiError::NotFound { what: "bill", field: Some("code") },
    }
}

/// The per-kind counter of a settled bill, in the settlement's own batch.
pub fn count_stmt(d1: &Db, b: &BillRow, at: &str, online: bool) -> Result<D1PreparedStatement, ApiError> {
    let month = motcua_domain::dashboard::settlement_month(at).ok_or_else(|| ApiError::Unexpected(format!("bad settlement instant {at}")))?;
    let (on, off) = if online { (1.0, 0.0) } else { (0.0, 1.0) };
    Ok(d1
        .prepare(
            "INSERT INTO bill_counters (agency_code, kind, month, online, other) VALUES (?1, ?2, ?3, ?4, ?5) \
             ON CONFLICT (agency_code, kind, month) DO UPDATE SET online = online + excluded.online, other = other + excluded.other",
        )
        .bind(&[b.agency_code.as_str().into(), b.kind.as_str().into(), month.into(), on.into(), off.into()])?)
}

/// Scheduled: closes the open bills whose due date has passed, each conditional on the version
/// it was read at (a payment settling it meanwhile wins). Answers how many were closed.
pub async fn expire_past_due(d1: &Db) -> Result<usize, ApiError> {
    use motcua_domain::bill;
    let now = crate::platform::clock::now();
    let today = bill::today(now).to_string();
    let at = crate::platform::clock::rfc3339(now);
    let mut closed = 0;
    for b in repo::past_due(d1, &today).await? {
        let Ok(d) = bill::decide(b.facts(), &bill::Command::Expire, now) else { continue };
        // No audit row: the log holds staff changes; the bill keeps closed_by 'cron' and when.
        match run(d1, &b, change_stmts(d1, &b, &d, "cron", &at)?).await {
            Ok(()) => closed += 1,
            Err(ApiError::Stale { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(closed)
}
