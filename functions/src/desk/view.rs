//! What the desk sees of a dossier: the citizen's view plus the receive checklist, the actions
//! the state machine allows, the urgency, and the steps of the progress-control sheet with who
//! took each, when, and whether it was within the deadline.

use motcua_domain::api::{ActionView, ControlStep, StaffDossier};
use motcua_domain::calendar;
use motcua_domain::desk;
use motcua_domain::dossier::{DossierAction, DossierStatus};
use serde::Deserialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use crate::platform::db::Db;

use crate::dossier::repo::{enum_str, DossierRow};
use crate::dossier::routes::detail;
use crate::platform::error::ApiError;
use crate::platform::{clock, db};

/// The procedure's required documents (the receive checklist).
pub async fn procedure_documents(d1: &Db, procedure: &str) -> Result<Vec<String>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        documents: String,
    }
    let row: Option<Row> = db::first(d1.prepare("SELECT documents FROM procedures WHERE code = ?1").bind(&[procedure.into()])?).await?;
    Ok(row.and_then(|r| serde_json::from_str(&r.documents).ok()).unwrap_or_default())
}

pub async fn staff_view(d1: &Db, row: &DossierRow) -> Result<StaffDossier, ApiError> {
    let detail = detail(d1, row).await?;
    #[derive(Deserialize)]
    struct Proc {
        documents: String,
        processing_days: i64,
        paid_online: Option<i64>,
        assisted_by: Option<String>,
    }
    let proc: Option<Proc> = db::first(
        d1.prepare(
            "SELECT p.documents, p.processing_days, d.paid_online, s.display_name AS assisted_by \
             FROM dossiers d JOIN procedures p ON p.code = d.procedure_code LEFT JOIN staff s ON s.id = d.assisted_by \
             WHERE d.id = ?1",
        )
        .bind(&[row.id.as_str().into()])?,
    )
    .await?;
    let paid_online = proc.as_ref().and_then(|p| p.paid_online).map(|v| v != 0);
    let assisted_by = proc.as_ref().and_then(|p| p.assisted_by.clone());
    let documents: Vec<String> = proc.as_ref().and_then(|p| serde_json::from_str(&p.documents).ok()).unwrap_or_default();
    let deadline = row.deadline.as_deref().and_then(|d| calendar::parse_iso_date("deadline", d).ok());
    let urgency = desk::urgency(row.status, deadline, calendar::vietnam_local(clock::now()));
    let actions = desk::officer_actions(row.status, row.has_fees())
        .into_iter()
        .map(|a| ActionView { action: enum_str(&a), label: a.label_vi().to_string() })
        .collect();
    let scans = crate::document::repo::scans(d1, d1, &row.id).await?;
    let scanned: Vec<String> = scans.iter().map(|s| s.document_type.clone()).collect();
    // An online dossier came with the citizen's scans (or wallet documents): digital from the start.
    let came_digital = !detail.files.is_empty() || !detail.wallet_documents.is_empty();
    let signed_result = detail.results.iter().any(|r| r.signature.as_ref().is_some_and(|s| s.revoked.is_none()));
    let digitization = motcua_domain::document::digitization(&documents, &scanned, came_digital, signed_result);
    Ok(StaffDossier {
        detail,
        documents,
        actions,
        urgency,
        urgency_label: urgency.map(|u| u.label_vi().to_string()),
        steps: steps(d1, &row.id, deadline).await?,
        processing_days: proc.map(|p| p.processing_days).unwrap_or(0),
        paid_online,
        assisted_by,
        scans,
        digitization,
    })
}

async fn steps(d1: &Db, dossier_id: &str, deadline: Option<time::Date>) -> Result<Vec<ControlStep>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        at: String,
        action: DossierAction,
        to_status: DossierStatus,
        actor_role: String,
        reason: Option<String>,
        display_name: Option<String>,
        username: Option<String>,
    }
    let rows: Vec<Row> = db::all(
        d1.prepare(
            "SELECT e.at, e.action, e.to_status, e.actor_role, e.reason, s.display_name, s.username \
             FROM dossier_events e LEFT JOIN staff s ON s.id = e.actor_id AND e.actor_role = 'officer' \
             WHERE e.dossier_id = ?1 ORDER BY e.id",
        )
        .bind(&[dossier_id.into()])?,
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let actor = match (r.actor_role.as_str(), r.display_name, r.username) {
                ("officer", Some(name), Some(user)) => format!("{name} ({user})"),
                ("officer", _, _) => "Cán bộ".to_string(),
                ("citizen", _, _) => "Công dân".to_string(),
                _ => "Hệ thống".to_string(),
            };
            let day = OffsetDateTime::parse(&r.at, &Rfc3339).ok().map(|t| calendar::vietnam_local(t).date());
            ControlStep {
                at: r.at,
                actor,
                action_label: capitalize(r.action.label_vi()),
                status_label: r.to_status.label_vi().to_string(),
                reason: r.reason,
                on_time: day.and_then(|d| desk::step_on_time(d, deadline)),
            }
        })
        .collect())
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}
