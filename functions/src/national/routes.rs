//! Operating the sync: `GET /api/admin/national-sync?status=&agency=&dossier=` lists the
//! messages of the caller's agencies (what failed and why first), `POST
//! /api/admin/national-sync/{id}/retry` sends a failed one again. `POST /api/dossiers/{id}/rating`
//! is the citizen's satisfaction rating of a finished dossier, synced like its events.

use motcua_domain::national::sync::{self as rules, SyncState};
use motcua_domain::national::{Rating, RatingInput, SyncItem, SyncList};
use serde::Deserialize;
use worker::Response;

use super::store;
use crate::auth::session::{self, StaffSession};
use crate::desk::audit;
use crate::dossier::access;
use crate::platform::error::ApiError;
use crate::platform::http::{json, Ctx};
use crate::platform::{clock, db, random};

fn administrator(staff: &StaffSession) -> Result<(), ApiError> {
    if staff.role.administers() {
        Ok(())
    } else {
        Err(ApiError::RouteNotFound)
    }
}

const LIST_SELECT: &str = "SELECT s.id, s.kind, s.dossier_id, d.code AS dossier_code, s.agency_code, a.name AS agency_name, \
       e.to_status, s.state, s.attempts, s.next_try_at, s.error_code, s.last_error, s.created_at, s.sent_at, s.acknowledged_at \
     FROM national_sync s JOIN dossiers d ON d.id = s.dossier_id JOIN agencies a ON a.code = s.agency_code \
     LEFT JOIN dossier_events e ON e.id = s.event_id";

#[derive(Deserialize)]
struct ItemRow {
    id: i64,
    kind: String,
    dossier_id: String,
    dossier_code: Option<String>,
    agency_code: String,
    agency_name: String,
    to_status: Option<motcua_domain::dossier::DossierStatus>,
    state: SyncState,
    attempts: i64,
    next_try_at: String,
    error_code: Option<String>,
    last_error: Option<String>,
    created_at: String,
    sent_at: Option<String>,
    acknowledged_at: Option<String>,
}

impl ItemRow {
    fn item(self) -> SyncItem {
        SyncItem {
            id: self.id,
            kind: self.kind,
            dossier_id: self.dossier_id.clone(),
            dossier_code: self.dossier_code.unwrap_or(self.dossier_id),
            agency: self.agency_code,
            agency_name: self.agency_name,
            status_code: self.to_status.map(motcua_domain::national::portal::status_code),
            status_label: self.to_status.map(|s| s.label_vi().to_string()),
            state: self.state,
            state_label: self.state.label_vi().to_string(),
            attempts: self.attempts,
            next_try_at: matches!(self.state, SyncState::Pending).then_some(self.next_try_at),
            error_code: self.error_code,
            error: self.last_error,
            created_at: self.created_at,
            sent_at: self.sent_at,
            acknowledged_at: self.acknowledged_at,
        }
    }
}

pub async fn list(ctx: &Ctx) -> Result<Response, ApiError> {
    let staff = session::staff(ctx).await?;
    administrator(&staff)?;
    let state = match ctx.query("status").filter(|s| !s.is_empty()) {
        None => String::new(),
        Some(s) => {
            serde_json::from_value::<SyncState>(serde_json::Value::String(s.clone())).map_err(|_| {
                motcua_domain::validation::FieldError::new(
                    "status",
                    "invalid",
                    "Trạng thái phải là pending, sent, acknowledged hoặc failed.",
                    "status must be pending, sent, acknowledged or failed.",
                )
            })?;
            s
        }
    };
    let agency = ctx.query("agency").unwrap_or_default();
    if !agency.is_empty() && !staff.covers(&agency) {
        return Err(ApiError::NotFound { what: "agency", field: Some("agency") });
    }
    let dossier = ctx.query("dossier").unwrap_or_default();
    let scope = serde_json::to_string(&staff.agencies).map_err(|e| ApiError::Unexpected(e.to_string()))?;
    let d1 = ctx.d1()?;
    let rows: Vec<ItemRow> = db::all(
        d1.prepare(format!(
            "{LIST_SELECT} WHERE s.agency_code IN (SELECT value FROM json_each(?1)) AND (?2 = '' OR s.state = ?2) \
               AND (?3 = '' OR s.agency_code = ?3) AND (?4 = '' OR d.code = ?4 OR d.id = ?4) \
             ORDER BY CASE s.state WHEN 'failed' THEN 0 WHEN 'pending' THEN 1 WHEN 'sent' THEN 2 ELSE 3 END, s.id DESC LIMIT 200"
        ))
        .bind(&[scope.as_str().into(), state.as_str().into(), agency.as_str().into(), dossier.as_str().into()])?,
    )
    .await?;
    #[derive(Deserialize)]
    struct Count {
        state: SyncState,
        n: i64,
    }
    let counts: Vec<Count> = db::all(
        d1.prepare(
            "SELECT state, count(*) AS n FROM national_sync WHERE agency_code IN (SELECT value FROM json_each(?1)) \
               AND (?2 = '' OR agency_code = ?2) GROUP BY state",
        )
        .bind(&[scope.as_str().into(), agency.as_str().into()])?,
    )
    .await?;
    let count = |s: SyncState| counts.iter().find(|c| c.state == s).map(|c| c.n).unwrap_or(0);
    json(&SyncList {
        pending: count(SyncState::Pending),
        sent: count(SyncState::Sent),
        acknowledged: count(SyncState::Acknowledged),
        failed: count(SyncState::Failed),
        configured: crate::platform::settings::config(&ctx.env).national.is_some(),
        items: rows.into_iter().map(ItemRow::item).collect(),
    })
}

pub async fn retry(ctx: &Ctx, id: &str) -> Result<Response, ApiError> {
    let staff = session::staff(ctx).await?;
    administrator(&staff)?;
    let not_found = || ApiError::NotFound { what: "national_sync", field: Some("id") };
    let id: i64 = id.parse().map_err(|_| not_found())?;
    let d1 = ctx.d1()?;
    let row = store::by_id(&d1, id).await?.filter(|r| staff.covers(&r.agency_code)).ok_or_else(not_found)?;
    let now = clock::now();
    let after = rules::retry(row.state, now).map_err(|e| ApiError::Conflict {
        code: "not_failed".into(),
        message: e.message_en(),
        message_vi: e.message_vi(),
        field: Some("id".into()),
    })?;
    let audit = audit::stmt_in(
        &d1,
        &staff,
        Some(&row.agency_code),
        &clock::rfc3339(now),
        "national_sync.retry",
        "national_sync",
        &row.id.to_string(),
        &serde_json::json!({ "state": row.state, "attempts": row.attempts }),
        &serde_json::json!({ "state": after.state }),
    )?;
    if !store::retry(&d1, &row, &after, audit, now).await? {
        let current = store::by_id(&d1, id).await?.map(|r| r.state).unwrap_or(SyncState::Failed);
        return Err(ApiError::Stale {
            what: "national_sync",
            current: crate::dossier::repo::enum_str(&current),
            label_vi: current.label_vi().into(),
            label_en: format!("{current:?}"),
        });
    }
    super::nudge(&ctx.env).await;
    let item: ItemRow = db::first(d1.prepare(format!("{LIST_SELECT} WHERE s.id = ?1")).bind(&[(id as f64).into()])?)
        .await?
        .ok_or_else(not_found)?;
    json(&item.item())
}

/// `POST /api/admin/national-sync/backfill?agency=CODE`: when a province switches the sync on,
/// each dossier of the agency and the agencies under it that never had a message gets one for its latest event (created on the
/// portal with the state it has now). Dossiers with messages are left alone, so running it twice
/// adds nothing.
pub async fn backfill(ctx: &Ctx) -> Result<Response, ApiError> {
    let staff = session::staff(ctx).await?;
    administrator(&staff)?;
    let agency = ctx.query("agency").unwrap_or_default();
    if agency.is_empty() {
        return Err(motcua_domain::validation::FieldError::new(
            "agency",
            "required",
            "Vui lòng chọn cơ quan cần đồng bộ.",
            "agency is required.",
        )
        .into());
    }
    if !staff.covers(&agency) {
        return Err(ApiError::NotFound { what: "agency", field: Some("agency") });
    }
    let d1 = ctx.d1()?;
    let now = clock::now();
    let at = clock::rfc3339(now);
    let inserted = d1
        .prepare(
            "WITH RECURSIVE sub(code) AS (SELECT ?2 UNION ALL SELECT a.code FROM agencies a JOIN sub ON a.parent_code = sub.code) \
             INSERT INTO national_sync (kind, event_id, dossier_id, agency_code, next_try_at, created_at, updated_at) \
             SELECT 'dossier', max(e.id), e.dossier_id, d.agency_code, ?1, ?1, ?1 FROM dossier_events e \
               JOIN dossiers d ON d.id = e.dossier_id \
             WHERE d.agency_code IN (SELECT code FROM sub) AND NOT EXISTS (SELECT 1 FROM national_sync s WHERE s.dossier_id = e.dossier_id) \
             GROUP BY e.dossier_id",
        )
        .bind(&[at.as_str().into(), agency.as_str().into()])?
        .run()
        .await?
        .meta()?
        .and_then(|m| m.changes)
        .unwrap_or(0);
    let audit = audit::stmt_in(
        &d1,
        &staff,
        Some(&agency),
        &at,
        "national_sync.backfill",
        "agency",
        &agency,
        &serde_json::Value::Null,
        &serde_json::json!({ "queued": inserted }),
    )?;
    audit.run().await?;
    super::nudge(&ctx.env).await;
    json(&serde_json::json!({ "queued": inserted }))
}

/// `POST /api/dossiers/{id}/rating` `{"score": 1..5, "reasons": [code…], "comment"}` (or, from
/// older clients, `{"rating": "rat_hai_long" | "hai_long" | "chua_hai_long"}`): once per dossier,
/// by its owner, after the result was returned. The score is stored with the portal's level it
/// folds onto (`portal::level_of_score`), which the trigger's message carries to Cổng DVCQG.
pub async fn rate(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let (citizen_id, row) = access::owned_dossier(ctx, id).await?;
    let body: RatingInput = ctx.json_body().await?;
    let rating = motcua_domain::national::decide_rating(row.status, &body).map_err(|e| match e {
        motcua_domain::national::RatingError::Invalid(f) => ApiError::Invalid(f),
        motcua_domain::national::RatingError::NotFinished => ApiError::Conflict {
            code: "not_finished".into(),
            message: "A dossier can be rated once its result has been returned.".into(),
            message_vi: "Chỉ đánh giá được hồ sơ đã trả kết quả.".into(),
            field: None,
        },
    })?;
    let d1 = ctx.d1()?;
    let at = clock::rfc3339(clock::now());
    let reasons = serde_json::to_string(&rating.reasons).map_err(|e| ApiError::Unexpected(e.to_string()))?;
    let result = d1
        .prepare(
            "INSERT INTO dossier_ratings (id, dossier_id, citizen_id, rating, comment, created_at, score, reasons_json) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )
        .bind(&[
            random::id().into(),
            row.id.as_str().into(),
            citizen_id.as_str().into(),
            crate::dossier::repo::enum_str(&rating.rating).into(),
            db::nullable(rating.comment.as_deref()),
            at.as_str().into(),
            (rating.score as f64).into(),
            reasons.into(),
        ])?
        .run()
        .await;
    match result {
        Ok(_) => {}
        Err(e) if db::is_unique_violation(&e) => {
            return Err(ApiError::Conflict {
                code: "already_rated".into(),
                message: "This dossier has already been rated.".into(),
                message_vi: "Hồ sơ này đã được đánh giá.".into(),
                field: None,
            })
        }
        Err(e) => return Err(e.into()),
    }
    super::nudge(&ctx.env).await;
    Ok(json(&Rating { created_at: at, ..rating })?.with_status(201))
}
