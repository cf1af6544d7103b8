//! Dossier records in D1.

use motcua_domain::api::{DossierSummary, FeeNoticeView, NoticeStatus, PaymentSummary, ReceiptView, ResultFile, TimelineEntry};
use motcua_domain::dossier::{DossierAction, DossierStatus};
use motcua_domain::payment;
use serde::Deserialize;
use worker::D1PreparedStatement;
use crate::platform::db::Db;

use crate::platform::db;
use crate::platform::error::ApiError;

#[derive(Debug, Clone, Deserialize)]
pub struct DossierRow {
    pub id: String,
    pub code: Option<String>,
    pub agency_code: String,
    pub agency_name: String,
    pub procedure_code: String,
    pub procedure_name: String,
    pub owner_citizen_id: Option<String>,
    pub channel: String,
    pub status: DossierStatus,
    pub has_fees: i64,
    pub applicant_json: String,
    pub inputs_json: String,
    pub submitted_at: Option<String>,
    pub deadline: Option<String>,
    /// Incremented by every decided change; the store writes only on the version it read.
    pub version: i64,
    /// The postal item number of a dossier received by public post.
    #[serde(default)]
    pub postal_item: Option<String>,
    /// When the row was made: the order of the citizen's list across shards.
    #[serde(default)]
    pub created_at: String,
    /// 1 for an archived dossier's index row (`archived_dossiers`): read-only.
    #[serde(default)]
    pub archived: i64,
}

impl DossierRow {
    pub fn summary(&self) -> DossierSummary {
        DossierSummary {
            id: self.id.clone(),
            code: self.code.clone(),
            agency_code: self.agency_code.clone(),
            agency_name: self.agency_name.clone(),
            procedure_code: self.procedure_code.clone(),
            procedure_name: self.procedure_name.clone(),
            status: self.status,
            status_label: self.status.label_vi().to_string(),
            deadline: self.deadline.clone(),
            submitted_at: self.submitted_at.clone(),
            archived: self.archived != 0,
        }
    }

    pub fn has_fees(&self) -> bool {
        self.has_fees != 0
    }

    pub fn inputs(&self) -> serde_json::Map<String, serde_json::Value> {
        serde_json::from_str(&self.inputs_json).unwrap_or_default()
    }
}

// The dossier's own columns; its agency's and procedure's names are national (docs/SHARDING.md
// §2.1 #1) and filled from the isolate's catalog by [`with_names`].
const DOSSIER_SELECT: &str = "SELECT d.id, d.code, d.agency_code, '' AS agency_name, d.procedure_code, \
     '' AS procedure_name, d.owner_citizen_id, d.channel, d.status, d.has_fees, d.applicant_json, \
     d.inputs_json, d.submitted_at, d.deadline, d.version, d.postal_item, d.created_at \
     FROM dossiers d";

/// A dossier with its agency's and procedure's names.
pub async fn dossier(d1: &Db, national: &Db, id: &str) -> Result<Option<DossierRow>, ApiError> {
    match dossier_unnamed(d1, id).await? {
        Some(row) => Ok(with_names(national, vec![row]).await?.pop()),
        None => Ok(None),
    }
}

/// A dossier without the national names (empty): for a store deciding on its state.
pub async fn dossier_unnamed(d1: &Db, id: &str) -> Result<Option<DossierRow>, ApiError> {
    db::first(d1.prepare(format!("{DOSSIER_SELECT} WHERE d.id = ?1")).bind(&[id.into()])?).await
}

/// The citizen's newest dossiers (at most [`CITIZEN_LIST`]) in one shard, without names: the
/// list fans out over the shards and names the merged rows once.
/// Archived months' dossiers are in the list too, from their index rows (`archived_dossiers`).
pub async fn dossiers_of_citizen(d1: &Db, citizen_id: &str) -> Result<Vec<DossierRow>, ApiError> {
    let mut rows: Vec<DossierRow> = db::all(
        d1.prepare(format!("{DOSSIER_SELECT} WHERE d.owner_citizen_id = ?1 ORDER BY d.created_at DESC, d.id DESC LIMIT {CITIZEN_LIST}"))
            .bind(&[citizen_id.into()])?,
    )
    .await?;
    let archived: Vec<DossierRow> = db::all(
        d1.prepare(format!(
            "SELECT id, code, agency_code, '' AS agency_name, procedure_code, '' AS procedure_name, owner_citizen_id, channel, status, \
               (fee_total > 0) AS has_fees, '{{}}' AS applicant_json, '{{}}' AS inputs_json, submitted_at, NULL AS deadline, 0 AS version, \
               NULL AS postal_item, created_at, 1 AS archived FROM archived_dossiers WHERE owner_citizen_id = ?1 \
             ORDER BY created_at DESC, id DESC LIMIT {CITIZEN_LIST}"
        ))
        .bind(&[citizen_id.into()])?,
    )
    .await?;
    rows.extend(archived);
    rows.sort_by_key(newest_first);
    rows.truncate(CITIZEN_LIST);
    Ok(rows)
}

/// How many dossiers the citizen's list shows.
pub const CITIZEN_LIST: usize = 200;

/// The order of the citizen's list: newest first, then by id (unique across shards, so the
/// merge of the shards' lists does not depend on which answered first).
pub fn newest_first(row: &DossierRow) -> (std::cmp::Reverse<String>, std::cmp::Reverse<String>) {
    (std::cmp::Reverse(row.created_at.clone()), std::cmp::Reverse(row.id.clone()))
}

/// `rows` with their agency's and procedure's names from the catalog cache (a name that left
/// the catalog stays empty rather than hiding the dossier).
pub async fn with_names(national: &Db, mut rows: Vec<DossierRow>) -> Result<Vec<DossierRow>, ApiError> {
    if rows.is_empty() {
        return Ok(rows);
    }
    let agencies = crate::catalog::cache::agencies(national).await?;
    let procedures = crate::catalog::cache::procedures(national, None).await?;
    for row in &mut rows {
        if let Some(a) = agencies.iter().find(|a| a.code == row.agency_code) {
            row.agency_name = a.name.clone();
        }
        if let Some(p) = procedures.iter().flatten().find(|p| p.code == row.procedure_code) {
            row.procedure_name = p.name.clone();
        }
    }
    Ok(rows)
}

/// One step of a dossier's history as it is read back ([`EVENT_COLUMNS`] of `dossier_events`,
/// or an archived month's part of it): the desk's control sheet and the portal's steps.
#[derive(Deserialize)]
pub struct EventRow {
    pub at: String,
    pub action: DossierAction,
    pub to_status: DossierStatus,
    pub actor_role: String,
    pub actor_id: Option<String>,
    pub reason: Option<String>,
}

/// The columns of [`EventRow`].
pub const EVENT_COLUMNS: &str = "at, action, to_status, actor_role, actor_id, reason";

/// The statement appending one step to a dossier's history.
pub fn event_stmt(
    d1: &Db,
    dossier_id: &str,
    at: &str,
    actor_role: &str,
    actor_id: &str,
    action: DossierAction,
    from: Option<DossierStatus>,
    to: DossierStatus,
    reason: Option<&str>,
) -> Result<D1PreparedStatement, ApiError> {
    Ok(d1
        .prepare(
            "INSERT INTO dossier_events (dossier_id, at, actor_role, actor_id, action, from_status, to_status, reason) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )
        .bind(&[
            dossier_id.into(),
            at.into(),
            actor_role.into(),
            actor_id.into(),
            enum_str(&action).into(),
            db::nullable(from.map(|f| enum_str(&f)).as_deref()),
            enum_str(&to).into(),
            db::nullable(reason),
        ])?)
}

/// The snake_case wire name of a serde enum value.
pub fn enum_str<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

pub async fn timeline(d1: &Db, dossier_id: &str) -> Result<Vec<TimelineEntry>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        at: String,
        action: DossierAction,
        to_status: String,
        actor_role: String,
        reason: Option<String>,
    }
    let rows: Vec<Row> = db::all(
        d1.prepare("SELECT at, action, to_status, actor_role, reason FROM dossier_events WHERE dossier_id = ?1 ORDER BY id")
            .bind(&[dossier_id.into()])?,
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| TimelineEntry {
            at: r.at,
            label: r.action.label_vi().to_string(),
            action: enum_str(&r.action),
            to_status: r.to_status,
            actor_role: r.actor_role,
            reason: r.reason,
        })
        .collect())
}

#[derive(Debug, Clone, Deserialize)]
pub struct NoticeRow {
    pub id: String,
    pub total: i64,
    pub lines_json: String,
    pub status: String,
    pub created_at: String,
}

impl NoticeRow {
    /// The notice as the payability rule sees it.
    pub fn as_open(&self) -> motcua_domain::payment::OpenNotice {
        // (A notice is a bill of kind procedure_fee: its states are the bill's.)
        motcua_domain::payment::OpenNotice { open: self.status == "open", total: self.total }
    }

    pub fn view(&self) -> FeeNoticeView {
        FeeNoticeView {
            id: self.id.clone(),
            total: self.total,
            lines: serde_json::from_str(&self.lines_json).unwrap_or_default(),
            // The API keeps calling a paid notice "settled", as it did before notices were bills.
            status: match self.status.as_str() {
                "open" => NoticeStatus::Open,
                "paid" => NoticeStatus::Settled,
                _ => NoticeStatus::Cancelled,
            },
            created_at: self.created_at.clone(),
        }
    }
}

pub async fn latest_notice(d1: &Db, dossier_id: &str) -> Result<Option<NoticeRow>, ApiError> {
    db::first(
        d1.prepare(
            "SELECT id, total, lines_json, status, created_at FROM bills \
             WHERE dossier_id = ?1 AND status != 'cancelled' ORDER BY created_at DESC LIMIT 1",
        )
        .bind(&[dossier_id.into()])?,
    )
    .await
}

pub async fn payments(d1: &Db, dossier_id: &str) -> Result<Vec<PaymentSummary>, ApiError> {
    payments_where(d1, "dossier_id", dossier_id).await
}

/// The attempts at a bill, newest first.
pub async fn payments_of_bill(d1: &Db, bill_id: &str) -> Result<Vec<PaymentSummary>, ApiError> {
    payments_where(d1, "bill_id", bill_id).await
}

async fn payments_where(d1: &Db, column: &'static str, value: &str) -> Result<Vec<PaymentSummary>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        id: String,
        reference: String,
        provider: payment::Channel,
        amount: i64,
        state: payment::State,
        created_at: String,
    }
    let rows: Vec<Row> = db::all(
        d1.prepare(
            format!("SELECT id, reference, provider, amount, state, created_at FROM payments WHERE {column} = ?1 ORDER BY created_at DESC"),
        )
        .bind(&[value.into()])?,
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let view = r.state.view();
            PaymentSummary {
                id: r.id,
                reference: r.reference,
                provider: r.provider,
                amount: r.amount,
                status: view.status,
                status_label: view.label,
                finished: view.finished,
                created_at: r.created_at,
            }
        })
        .collect())
}

pub async fn refunds(d1: &Db, dossier_id: &str) -> Result<Vec<motcua_domain::api::RefundSummary>, ApiError> {
    db::all(
        d1.prepare(
            "SELECT r.amount, r.reason, r.status, r.created_at FROM refunds r JOIN payments p ON p.id = r.payment_id \
             WHERE p.dossier_id = ?1 ORDER BY r.created_at DESC",
        )
        .bind(&[dossier_id.into()])?,
    )
    .await
}

/// The citizen's satisfaction rating of the dossier, if given (one per dossier).
pub async fn rating(d1: &Db, dossier_id: &str) -> Result<Option<motcua_domain::national::Rating>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        rating: motcua_domain::national::RatingValue,
        score: Option<f64>,
        reasons_json: String,
        comment: Option<String>,
        created_at: String,
    }
    let row: Option<Row> = db::first(
        d1.prepare("SELECT rating, score, reasons_json, comment, created_at FROM dossier_ratings WHERE dossier_id = ?1")
            .bind(&[dossier_id.into()])?,
    )
    .await?;
    Ok(row.map(|r| motcua_domain::national::Rating {
        rating: r.rating,
        score: r.score.map(|s| s as u8).unwrap_or_else(|| motcua_domain::national::portal::score_of_level(r.rating)),
        reasons: serde_json::from_str(&r.reasons_json).unwrap_or_default(),
        comment: r.comment,
        created_at: r.created_at,
    }))
}

pub async fn receipt_of_dossier(d1: &Db, dossier_id: &str) -> Result<Option<ReceiptView>, ApiError> {
    crate::payment::receipt::by_dossier(d1, dossier_id).await
}

/// The result files attached to a dossier, oldest first.
pub async fn results(d1: &Db, dossier_id: &str) -> Result<Vec<ResultFile>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        id: String,
        name: String,
        content_type: String,
        size: i64,
        created_at: String,
    }
    let rows: Vec<Row> = db::all(
        d1.prepare("SELECT id, name, content_type, size, created_at FROM dossier_results WHERE dossier_id = ?1 ORDER BY created_at, id")
            .bind(&[dossier_id.into()])?,
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ResultFile {
            url: format!("/api/dossiers/{dossier_id}/results/{}", r.id),
            id: r.id,
            name: r.name,
            content_type: r.content_type,
            size: r.size,
            created_at: r.created_at,
            signature: None,
        })
        .collect())
}
