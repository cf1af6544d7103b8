//! What the desk sees of a dossier: the citizen's view plus the receive checklist, the actions
//! the state machine allows, the urgency, and the steps of the progress-control sheet with who
//! took each, when, and whether it was within the deadline.

use motcua_domain::api::{ActionView, ControlStep, StaffDossier};
use motcua_domain::calendar;
use motcua_domain::desk;
use serde::Deserialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use crate::platform::db::Db;

use crate::dossier::repo::{enum_str, DossierRow, EventRow, EVENT_COLUMNS};
use crate::dossier::routes::detail;
use crate::platform::error::ApiError;
use crate::platform::{clock, db};

/// The procedure's required documents (the receive checklist), from the catalog cache.
pub async fn procedure_documents(national: &Db, procedure: &str) -> Result<Vec<String>, ApiError> {
    let proc = crate::catalog::cache::procedure(national, procedure).await?;
    Ok(proc.as_ref().as_ref().and_then(|p| serde_json::from_str(&p.documents).ok()).unwrap_or_default())
}

/// `d1` is the dossier's shard; the procedure and the officers' names are national
/// (docs/SHARDING.md §2.1 #4, #5).
pub async fn staff_view(d1: &Db, national: &Db, row: &DossierRow) -> Result<StaffDossier, ApiError> {
    let detail = detail(d1, row).await?;
    #[derive(Deserialize)]
    struct Own {
        paid_online: Option<i64>,
        assisted_by: Option<String>,
    }
    let own: Option<Own> =
        db::first(d1.prepare("SELECT paid_online, assisted_by FROM dossiers WHERE id = ?1").bind(&[row.id.as_str().into()])?).await?;
    let proc = crate::catalog::cache::procedure(national, &row.procedure_code).await?;
    let proc = proc.as_ref().as_ref();
    let assisted_id = own.as_ref().and_then(|o| o.assisted_by.clone());
    let assisted_by = match &assisted_id {
        Some(id) => crate::auth::repo::staff_names(national, &[id.as_str()]).await?.remove(id),
        None => None,
    };
    let paid_online = own.as_ref().and_then(|o| o.paid_online).map(|v| v != 0);
    let documents: Vec<String> = proc.and_then(|p| serde_json::from_str(&p.documents).ok()).unwrap_or_default();
    let deadline = row.deadline.as_deref().and_then(|d| calendar::parse_iso_date("deadline", d).ok());
    let urgency = desk::urgency(row.status, deadline, calendar::vietnam_local(clock::now()));
    let actions = desk::officer_actions(row.status, row.has_fees())
        .into_iter()
        .map(|a| ActionView { action: enum_str(&a), label: a.label_vi().to_string() })
        .collect();
    let scans = crate::document::repo::scans(d1, national, &row.id).await?;
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
        steps: steps(d1, national, &row.id, deadline).await?,
        processing_days: proc.map(|p| i64::from(p.processing_days)).unwrap_or(0),
        paid_online,
        assisted_by,
        scans,
        digitization,
    })
}

/// The desk's view of an archived dossier: its record as archived, nothing to act on, no
/// deadline running (it was final when archived). Its control sheet is read from its archived
/// history; the desk's scans are not archived with it.
pub async fn archived_staff_view(national: &Db, archived: crate::archive::read::Archived) -> Result<StaffDossier, ApiError> {
    let proc = crate::catalog::cache::procedure(national, &archived.procedure_code).await?;
    let proc = proc.as_ref().as_ref();
    Ok(StaffDossier {
        detail: archived.detail,
        documents: proc.and_then(|p| serde_json::from_str(&p.documents).ok()).unwrap_or_default(),
        actions: Vec::new(),
        urgency: None,
        urgency_label: None,
        steps: steps_of(national, archived.steps, archived.deadline).await?,
        processing_days: proc.map(|p| i64::from(p.processing_days)).unwrap_or(0),
        paid_online: archived.paid_online,
        assisted_by: None,
        scans: Vec::new(),
        digitization: Default::default(),
    })
}

async fn steps(d1: &Db, national: &Db, dossier_id: &str, deadline: Option<time::Date>) -> Result<Vec<ControlStep>, ApiError> {
    let rows: Vec<EventRow> = db::all(
        d1.prepare(format!("SELECT {EVENT_COLUMNS} FROM dossier_events WHERE dossier_id = ?1 ORDER BY id")).bind(&[dossier_id.into()])?,
    )
    .await?;
    steps_of(national, rows, deadline).await
}

/// The control sheet's steps of `rows` (oldest first), the officers named.
async fn steps_of(national: &Db, rows: Vec<EventRow>, deadline: Option<time::Date>) -> Result<Vec<ControlStep>, ApiError> {
    let officers: Vec<&str> = rows.iter().filter(|r| r.actor_role == "officer").filter_map(|r| r.actor_id.as_deref()).collect();
    // The sheet names both: "Name (username)".
    let names: std::collections::HashMap<String, String> =
        crate::auth::repo::staff_people(national, &officers).await?.into_iter().map(|(id, (name, username))| (id, format!("{name} ({username})"))).collect();
    Ok(rows
        .into_iter()
        .map(|r| {
            let actor = match (r.actor_role.as_str(), r.actor_id.as_ref().and_then(|id| names.get(id))) {
                ("officer", Some(label)) => label.clone(),
                ("officer", _) => "Cán bộ".to_string(),
                ("citizen", _) => "Công dân".to_string(),
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
