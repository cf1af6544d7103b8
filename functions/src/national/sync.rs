//! The sender of the national portal's messages. The messages themselves are rows of
//! `national_sync`, queued by D1 triggers in the same transaction as the dossier event or rating
//! they report (migration 0014), so none is lost between a change and its message. A sweep —
//! nudged through the outbox queue after writes, and run by the cron every minute — takes each
//! dossier with a due message and sends its messages in order, each claimed first with a
//! conditional write so that two sweeps never send the same message at once.

use motcua_domain::dossier::{DossierAction, DossierStatus};
use motcua_domain::national::portal::{self as adapter, DossierSnapshot, Reply, Step};
use motcua_domain::national::sync::{self as rules, Message, Outcome, SyncState};
use serde::Deserialize;
use time::{Duration, OffsetDateTime};
use worker::Env;
use crate::platform::db::Db;

use super::store;
use crate::dossier::repo as dossier_repo;
use crate::platform::error::ApiError;
use crate::platform::{clock, config, db};

/// Dossiers one sweep looks at; the rest wait for the next one (a minute later at most).
const DOSSIERS_PER_SWEEP: u32 = 25;

/// What one sweep did.
#[derive(Debug, Default)]
pub struct Swept {
    pub acknowledged: u32,
    pub failed: u32,
}

/// Sends every due message of up to [`DOSSIERS_PER_SWEEP`] dossiers.
pub async fn sweep(env: &Env) -> Result<Swept, ApiError> {
    let d1 = crate::platform::shards::unrouted(env)?;
    let now = clock::now();
    let mut swept = Swept::default();
    for dossier_id in store::due_dossiers(&d1, &clock::rfc3339(now), DOSSIERS_PER_SWEEP).await? {
        deliver_dossier(env, &d1, &dossier_id, &mut swept).await?;
    }
    Ok(swept)
}

/// Sends a dossier's due messages in order, stopping at the first that is not acknowledged.
async fn deliver_dossier(env: &Env, d1: &Db, dossier_id: &str, swept: &mut Swept) -> Result<(), ApiError> {
    loop {
        let rows = store::of_dossier(d1, dossier_id).await?;
        let now = clock::now();
        let messages: Vec<Message> = rows.iter().map(store::SyncRow::message).collect();
        let Some(next) = rules::next_to_send(&messages, now) else { return Ok(()) };
        let row = rows.iter().find(|r| r.id == next.id).expect("chosen from these rows");
        let Some(claimed) = store::claim(d1, row, now).await? else { return Ok(()) };
        let first = rows.first().map(|r| r.id) == Some(row.id);
        let body = match build(env, d1, row, !first).await {
            Ok(b) => b,
            Err(e) => {
                // Our own data could not be read (a deleted row?): an operator must look.
                let after = rules::after_attempt(claimed.attempts as u32, &Outcome::Refused { code: "unreadable".into(), detail: e.to_string() }, now);
                store::finish(d1, &claimed, &after, None, now).await?;
                swept.failed += 1;
                return Ok(());
            }
        };
        let outcome = match super::portal::send(env, d1, &body).await? {
            Reply::Accepted(_) => Outcome::Acknowledged,
            Reply::SessionExpired => Outcome::Transient { code: "session_expired".into(), detail: "session expired twice".into() },
            Reply::Failed { transient: true, code, detail } => Outcome::Transient { code: code.into(), detail },
            Reply::Failed { transient: false, code, detail } => Outcome::Refused { code: code.into(), detail },
        };
        let now = clock::now();
        let after = rules::after_attempt(claimed.attempts as u32, &outcome, now);
        store::finish(d1, &claimed, &after, Some(&body.to_string()), now).await?;
        match after.state {
            SyncState::Acknowledged => swept.acknowledged += 1,
            SyncState::Failed => {
                swept.failed += 1;
                worker::console_error!(
                    "national sync: message {} of a dossier failed for good: {}",
                    row.id,
                    after.error_code.as_deref().unwrap_or("")
                );
                dead_letter(env, row.id, after.error_code.as_deref().unwrap_or("")).await;
                return Ok(());
            }
            _ => return Ok(()),
        }
    }
}

/// A message given up is also put on the dead-letter queue, where an operator's alerting reads
/// it; the row stays the record, and a retry by hand starts from the row.
async fn dead_letter(env: &Env, sync_id: i64, code: &str) {
    let message = crate::outbox::OutboxMessage::NationalSyncFailed { id: sync_id, error_code: code.to_string() };
    if let Ok(q) = env.queue(config::OUTBOX_DEAD_LETTERS) {
        if let Err(e) = q.send(message).await {
            worker::console_error!("national sync: dead letter for {sync_id} not queued: {e}");
        }
    }
}

/// The body a row stands for: the dossier as it is now, with the step the row reports.
async fn build(env: &Env, d1: &Db, row: &store::SyncRow, updating: bool) -> Result<serde_json::Value, ApiError> {
    let snapshot = snapshot(env, d1, &row.dossier_id).await?;
    match (row.event_id, row.rating_id.as_deref()) {
        (Some(event_id), _) => {
            let step = step(d1, event_id).await?;
            Ok(adapter::dossier_message(&snapshot, &step, updating))
        }
        (None, Some(rating_id)) => {
            let rating = store::rating(d1, rating_id).await?.ok_or(ApiError::NotFound { what: "rating", field: None })?;
            let at = parse_time(&rating.created_at);
            Ok(adapter::rating_message(&snapshot, &rating.rating, rating.comment.as_deref().unwrap_or(""), at))
        }
        _ => Err(ApiError::Unexpected(format!("sync row {} reports nothing", row.id))),
    }
}

fn parse_time(s: &str) -> OffsetDateTime {
    OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

async fn step(d1: &Db, event_id: i64) -> Result<Step, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        at: String,
        action: DossierAction,
        to_status: DossierStatus,
        actor_role: String,
        reason: Option<String>,
        staff_name: Option<String>,
    }
    let row: Row = db::first(
        d1.prepare(
            "SELECT e.at, e.action, e.to_status, e.actor_role, e.reason, s.display_name AS staff_name \
             FROM dossier_events e LEFT JOIN staff s ON s.id = e.actor_id WHERE e.id = ?1",
        )
        .bind(&[(event_id as f64).into()])?,
    )
    .await?
    .ok_or(ApiError::NotFound { what: "event", field: None })?;
    let actor = match (row.actor_role.as_str(), row.staff_name) {
        ("officer", Some(name)) => name,
        // [V T] the portal's default for a step without a named officer.
        ("officer", None) => "Chuyên viên".to_string(),
        ("citizen", _) => "Công dân".to_string(),
        _ => "Hệ thống".to_string(),
    };
    Ok(Step { status: row.to_status, at: parse_time(&row.at), action: row.action.label_vi().to_string(), actor, reason: row.reason })
}

/// The dossier as the portal should see it: the codes mapped, the applicant, documents,
/// results and fees.
async fn snapshot(env: &Env, d1: &Db, dossier_id: &str) -> Result<DossierSnapshot, ApiError> {
    let row = dossier_repo::dossier(d1, &crate::platform::shards::national(env)?, dossier_id).await?.ok_or(ApiError::NotFound { what: "dossier", field: None })?;
    #[derive(Deserialize)]
    struct Extra {
        unit_code: String,
        procedure_code: String,
        paid_online: Option<f64>,
        returned_at: Option<String>,
    }
    let extra: Extra = db::first(
        d1.prepare(
            "SELECT coalesce(nullif(a.national_code, ''), a.code) AS unit_code, \
                    coalesce(nullif(p.national_code, ''), p.code) AS procedure_code, d.paid_online, \
                    (SELECT max(at) FROM dossier_events WHERE dossier_id = d.id AND to_status = 'returned') AS returned_at \
             FROM dossiers d JOIN agencies a ON a.code = d.agency_code JOIN procedures p ON p.code = d.procedure_code \
             WHERE d.id = ?1",
        )
        .bind(&[dossier_id.into()])?,
    )
    .await?
    .ok_or(ApiError::NotFound { what: "dossier", field: None })?;
    let applicant: serde_json::Value = serde_json::from_str(&row.applicant_json).unwrap_or_default();
    let text = |v: &serde_json::Value, k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").trim().to_string();
    // The owner (chủ hồ sơ) when someone filed for them, else the applicant.
    let owner = applicant.get("owner").filter(|o| o.is_object() && !text(o, "full_name").is_empty()).unwrap_or(&applicant);
    let base = config::public_base_url(env);
    let documents = crate::upload::repo::of_dossier(d1, dossier_id)
        .await?
        .into_iter()
        .map(|u| adapter::Document { url: format!("{base}/api/dossiers/{dossier_id}/files/{}", u.id), id: u.id, name: u.file_name })
        .collect();
    let results = dossier_repo::results(d1, dossier_id)
        .await?
        .into_iter()
        .map(|r| adapter::Document { url: format!("{base}{}", r.url), id: r.id, name: r.name })
        .collect();
    #[derive(Deserialize)]
    struct FeeCode {
        line_code: String,
        national_code: String,
    }
    // The portal's fee list names a line by its own code where the national admin mapped one.
    let fee_codes: Vec<FeeCode> = db::all(
        d1.prepare("SELECT line_code, national_code FROM national_fee_codes WHERE procedure_code = ?1").bind(&[row.procedure_code.as_str().into()])?,
    )
    .await?;
    let fees = match dossier_repo::latest_notice(d1, dossier_id).await? {
        Some(notice) => notice
            .view()
            .lines
            .into_iter()
            .map(|l| adapter::Fee {
                code: fee_codes.iter().find(|c| c.line_code == l.line.code).map(|c| c.national_code.clone()).unwrap_or(l.line.code),
                name: l.line.name,
                le_phi: l.line.kind == motcua_domain::fee::FeeKind::LePhi,
                amount: l.line.amount.as_dong() as i64,
            })
            .collect(),
        None => Vec::new(),
    };
    Ok(DossierSnapshot {
        code: row.code.clone().unwrap_or_else(|| row.id.clone()),
        unit_code: extra.unit_code,
        unit_name: row.agency_name.clone(),
        procedure_code: extra.procedure_code,
        procedure_name: row.procedure_name.clone(),
        owner_name: text(owner, "full_name"),
        owner_id_number: text(owner, "id_number"),
        phone: text(&applicant, "phone"),
        email: text(&applicant, "email"),
        address: text(&applicant, "address"),
        summary: text(&applicant, "content"),
        channel: if applicant.get("send_by_post").and_then(|v| v.as_bool()) == Some(true) { "post".into() } else { row.channel.clone() },
        submitted_at: row.submitted_at.as_deref().map(parse_time),
        deadline: row.deadline.as_deref().and_then(|d| motcua_domain::calendar::parse_iso_date("deadline", d).ok()),
        returned_at: extra.returned_at.as_deref().map(parse_time),
        documents,
        results,
        fees,
        paid_online: extra.paid_online.map(|v| v > 0.5),
    })
}

/// When a sent message's claim runs out: the next sweep after this takes it again.
pub fn claim_expiry(now: OffsetDateTime) -> OffsetDateTime {
    now + Duration::seconds(rules::CLAIM_SECONDS)
}
