//! The sender of the national portal's messages. The messages themselves are rows of
//! `national_sync`, queued by D1 triggers in the same transaction as the dossier event or rating
//! they report (migration 0014), so none is lost between a change and its message. A sweep —
//! nudged through the outbox queue after writes, and run by the cron every minute — takes each
//! dossier with a due message and sends its messages in order, each claimed first with a
//! conditional write so that two sweeps never send the same message at once.

use motcua_domain::national::portal::{self as adapter, DossierSnapshot, Reply, Step};
use motcua_domain::national::sync::{self as rules, Message, Outcome, SyncState};
use serde::Deserialize;
use time::{Duration, OffsetDateTime};
use worker::Env;
use crate::platform::db::Db;

use super::store;
use crate::dossier::repo as dossier_repo;
use crate::platform::error::ApiError;
use crate::platform::{clock, config, db, shards};
use motcua_domain::shard::ShardId;

/// Dossiers one sweep looks at; the rest wait for the next one (a minute later at most).
const DOSSIERS_PER_SWEEP: u32 = 25;

/// What one sweep did.
#[derive(Debug, Default)]
pub struct Swept {
    pub acknowledged: u32,
    pub failed: u32,
}

/// Sends every due message of up to [`DOSSIERS_PER_SWEEP`] dossiers of each database: `only`
/// that shard's, else every province's (the cron; a nudge that names none). The rows live with
/// their dossiers; the portal's session is one for all (national). Databases are swept one
/// after the other, so the portal sees one sender at a time, and one database that fails does
/// not keep the others' messages waiting.
pub async fn sweep(env: &Env, only: Option<ShardId>) -> Result<Swept, ApiError> {
    let dbs = match only {
        Some(shard) => vec![shards::shard(env, shard)?],
        None => shards::all(env)?,
    };
    let national = shards::national(env)?;
    let mut swept = Swept::default();
    let mut failure = None;
    for d1 in &dbs {
        let now = clock::now();
        let due = match store::due_dossiers(d1, &clock::rfc3339(now), DOSSIERS_PER_SWEEP).await {
            Ok(due) => due,
            Err(e) => {
                worker::console_error!("national sync: shard {:?} not swept: {e}", d1.shard());
                failure = Some(e);
                continue;
            }
        };
        for dossier_id in due {
            if let Err(e) = deliver_dossier(env, &national, d1, &dossier_id, &mut swept).await {
                worker::console_error!("national sync: shard {:?} sweep stopped: {e}", d1.shard());
                failure = Some(e);
                break;
            }
        }
    }
    if swept.acknowledged + swept.failed > 0 && failure.is_some() {
        worker::console_log!("national sync: {} acknowledged, {} failed before the error", swept.acknowledged, swept.failed);
    }
    failure.map_or(Ok(swept), Err)
}

/// Sends a dossier's due messages in order, stopping at the first that is not acknowledged.
async fn deliver_dossier(env: &Env, national: &Db, d1: &Db, dossier_id: &str, swept: &mut Swept) -> Result<(), ApiError> {
    loop {
        let rows = store::of_dossier(d1, dossier_id).await?;
        let now = clock::now();
        let messages: Vec<Message> = rows.iter().map(store::SyncRow::message).collect();
        let Some(next) = rules::next_to_send(&messages, now) else { return Ok(()) };
        let row = rows.iter().find(|r| r.id == next.id).expect("chosen from these rows");
        let Some(claimed) = store::claim(d1, row, now).await? else { return Ok(()) };
        let first = rows.first().map(|r| r.id) == Some(row.id);
        let body = match build(env, national, d1, row, !first).await {
            Ok(b) => b,
            Err(e) => {
                // Our own data could not be read (a deleted row?): an operator must look.
                let after = rules::after_attempt(claimed.attempts as u32, &Outcome::Refused { code: "unreadable".into(), detail: e.to_string() }, now);
                store::finish(d1, &claimed, &after, None, now).await?;
                swept.failed += 1;
                return Ok(());
            }
        };
        let outcome = match super::portal::send(env, national, &body).await? {
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
                dead_letter(env, shard_of_row(env, row), row.id, after.error_code.as_deref().unwrap_or("")).await;
                return Ok(());
            }
            _ => return Ok(()),
        }
    }
}

/// A message given up is also put on the dead-letter queue, where an operator's alerting reads
/// it; the row stays the record, and a retry by hand starts from the row.
async fn dead_letter(env: &Env, shard: Option<ShardId>, sync_id: i64, code: &str) {
    let shard = shard.map(|s| s.to_string());
    let message = crate::outbox::OutboxMessage::NationalSyncFailed { shard, id: sync_id, error_code: code.to_string() };
    if let Ok(q) = env.queue(config::OUTBOX_DEAD_LETTERS) {
        if let Err(e) = q.send(message).await {
            worker::console_error!("national sync: dead letter for {sync_id} not queued: {e}");
        }
    }
}

/// The shard holding a row: its agency's (where its dossier is), whichever database it was read
/// from (`DB` stands in for every province without its own binding).
pub fn shard_of_row(env: &Env, row: &store::SyncRow) -> Option<ShardId> {
    shards::map(env).shard_of_agency(&row.agency_code).ok()
}

/// The body a row stands for: the dossier as it is now, with the step the row reports.
async fn build(env: &Env, national: &Db, d1: &Db, row: &store::SyncRow, updating: bool) -> Result<serde_json::Value, ApiError> {
    let snapshot = snapshot(env, national, d1, &row.dossier_id).await?;
    match (row.event_id, row.rating_id.as_deref()) {
        (Some(event_id), _) => {
            let step = step(national, d1, event_id).await?;
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

async fn step(national: &Db, d1: &Db, event_id: i64) -> Result<Step, ApiError> {
    let row: dossier_repo::EventRow = db::first(
        d1.prepare(format!("SELECT {} FROM dossier_events WHERE id = ?1", dossier_repo::EVENT_COLUMNS)).bind(&[(event_id as f64).into()])?,
    )
    .await?
    .ok_or(ApiError::NotFound { what: "event", field: None })?;
    // The officer's name is national (staff); an actor who is not staff has none.
    let staff_name = match row.actor_id.as_deref() {
        Some(id) if row.actor_role == "officer" => crate::auth::repo::staff_names(national, &[id]).await?.remove(id),
        _ => None,
    };
    let actor = match (row.actor_role.as_str(), staff_name) {
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
async fn snapshot(env: &Env, national: &Db, d1: &Db, dossier_id: &str) -> Result<DossierSnapshot, ApiError> {
    let row = dossier_repo::dossier(d1, national, dossier_id).await?.ok_or(ApiError::NotFound { what: "dossier", field: None })?;
    #[derive(Deserialize)]
    struct Extra {
        paid_online: Option<f64>,
        returned_at: Option<String>,
    }
    let extra: Extra = db::first(
        d1.prepare(
            "SELECT d.paid_online, \
                    (SELECT max(at) FROM dossier_events WHERE dossier_id = d.id AND to_status = 'returned') AS returned_at \
             FROM dossiers d WHERE d.id = ?1",
        )
        .bind(&[dossier_id.into()])?,
    )
    .await?
    .ok_or(ApiError::NotFound { what: "dossier", field: None })?;
    #[derive(Deserialize)]
    struct Codes {
        unit_code: String,
        procedure_code: String,
    }
    // The portal's codes for the agency and the procedure, read now from the national catalog
    // (not the isolate's memo): they go to the portal, and a mapping just fixed must go with them.
    let codes: Codes = db::first(
        national
            .prepare(
                "SELECT coalesce(nullif(a.national_code, ''), a.code) AS unit_code, \
                        coalesce(nullif(p.national_code, ''), p.code) AS procedure_code \
                 FROM agencies a, procedures p WHERE a.code = ?1 AND p.code = ?2",
            )
            .bind(&[row.agency_code.as_str().into(), row.procedure_code.as_str().into()])?,
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
        national.prepare("SELECT line_code, national_code FROM national_fee_codes WHERE procedure_code = ?1").bind(&[row.procedure_code.as_str().into()])?,
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
        unit_code: codes.unit_code,
        unit_name: row.agency_name.clone(),
        procedure_code: codes.procedure_code,
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
