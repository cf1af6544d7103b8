//! Operating the sync: `GET /api/admin/national-sync?status=&agency=&dossier=` lists the
//! messages of the caller's agencies (what failed and why first) from each province database
//! of the scope, `POST /api/admin/national-sync/{shard}:{id}/retry` sends a failed one again. `POST /api/dossiers/{id}/rating`
//! is the citizen's satisfaction rating of a finished dossier, synced like its events.

use std::collections::HashMap;
use std::rc::Rc;

use motcua_domain::national::sync::{self as rules, SyncState};
use motcua_domain::national::{Rating, RatingInput, SyncItem, SyncList};
use motcua_domain::shard::ShardId;
use serde::Deserialize;
use worker::Response;

use super::store;
use crate::auth::session::{self, StaffSession};
use crate::desk::audit;
use crate::dossier::access;
use crate::platform::error::ApiError;
use crate::platform::http::{json, Ctx};
use crate::platform::db::Db;
use crate::platform::{clock, db, random, shards};

fn administrator(staff: &StaffSession) -> Result<(), ApiError> {
    if staff.role.administers() {
        Ok(())
    } else {
        Err(ApiError::RouteNotFound)
    }
}

// The agency's name is national: filled from the catalog's memo ([`ItemRow::item`]).
const LIST_SELECT: &str = "SELECT s.id, s.kind, s.dossier_id, d.code AS dossier_code, s.agency_code, \
       e.to_status, s.state, s.attempts, s.next_try_at, s.error_code, s.last_error, s.created_at, s.sent_at, s.acknowledged_at \
     FROM national_sync s JOIN dossiers d ON d.id = s.dossier_id \
     LEFT JOIN dossier_events e ON e.id = s.event_id";

#[derive(Deserialize)]
struct ItemRow {
    id: i64,
    kind: String,
    dossier_id: String,
    dossier_code: Option<String>,
    agency_code: String,
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
    /// The row as listed: its shard (its agency's, wherever it was read from: `DB` stands in for
    /// every province without a binding) and its agency's name from `names`. An agency gone from
    /// the catalog shows without a name (it was left out of the list before).
    fn item(self, env: &worker::Env, names: &HashMap<&str, &str>) -> SyncItem {
        let shard = shards::map(env).shard_of_agency(&self.agency_code).map(|s| s.to_string()).unwrap_or_default();
        let agency_name = names.get(self.agency_code.as_str()).map(|n| n.to_string()).unwrap_or_default();
        SyncItem {
            id: self.id,
            shard,
            kind: self.kind,
            dossier_id: self.dossier_id.clone(),
            dossier_code: self.dossier_code.unwrap_or(self.dossier_id),
            agency: self.agency_code,
            agency_name,
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

/// The order of the list: failed first, then pending, sent, acknowledged; newest first within
/// each (by time: ids count per database), then by shard and id so the order is total.
fn list_order(i: &SyncItem) -> (u8, std::cmp::Reverse<String>, String, std::cmp::Reverse<i64>) {
    let rank = match i.state {
        SyncState::Failed => 0,
        SyncState::Pending => 1,
        SyncState::Sent => 2,
        SyncState::Acknowledged => 3,
    };
    (rank, std::cmp::Reverse(i.created_at.clone()), i.shard.clone(), std::cmp::Reverse(i.id))
}

/// The databases holding the rows of `agencies`: each province's once.
fn databases_of(env: &worker::Env, agencies: &[String]) -> Result<Vec<Db>, ApiError> {
    shards::of_agencies(env, agencies)
}

/// Each agency's name, from the catalog's memo.
fn names_of(agencies: &[crate::catalog::repo::AgencyRow]) -> HashMap<&str, &str> {
    agencies.iter().map(|a| (a.code.as_str(), a.name.as_str())).collect()
}

const LIST_LIMIT: usize = 200;

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
    #[derive(Deserialize)]
    struct Count {
        state: SyncState,
        n: i64,
    }
    // Each province database of the scope (only the filtered agency's when one is named) gives
    // its newest 200 and its counts; the lists are merged below, the counts summed.
    let dbs = if agency.is_empty() { databases_of(&ctx.env, &staff.agencies)? } else { databases_of(&ctx.env, std::slice::from_ref(&agency))? };
    let (agencies, state, agency, dossier) = (Rc::new(staff.agencies.clone()), Rc::new(state), Rc::new(agency), Rc::new(dossier));
    let answers = shards::fanout(dbs, |d1| {
        let (state, agency, dossier) = (state.clone(), agency.clone(), dossier.clone());
        // Each database is asked for its own agencies only (a cut-over's leftovers in `DB` are not counted).
        let scope = serde_json::to_string(&d1.own(&agencies));
        async move {
            let scope = scope.map_err(|e| ApiError::Unexpected(e.to_string()))?;
            let rows: Vec<ItemRow> = db::all(
                d1.prepare(format!(
                    "{LIST_SELECT} WHERE s.agency_code IN (SELECT value FROM json_each(?1)) AND (?2 = '' OR s.state = ?2) \
                       AND (?3 = '' OR s.agency_code = ?3) AND (?4 = '' OR d.code = ?4 OR d.id = ?4) \
                     ORDER BY CASE s.state WHEN 'failed' THEN 0 WHEN 'pending' THEN 1 WHEN 'sent' THEN 2 ELSE 3 END, s.created_at DESC, s.id DESC \
                     LIMIT {LIST_LIMIT}"
                ))
                .bind(&[scope.as_str().into(), state.as_str().into(), agency.as_str().into(), dossier.as_str().into()])?,
            )
            .await?;
            let counts: Vec<Count> = db::all(
                d1.prepare(
                    "SELECT state, count(*) AS n FROM national_sync WHERE agency_code IN (SELECT value FROM json_each(?1)) \
                       AND (?2 = '' OR agency_code = ?2) GROUP BY state",
                )
                .bind(&[scope.as_str().into(), agency.as_str().into()])?,
            )
            .await?;
            Ok((rows, counts))
        }
    })
    .await?;
    let agencies = crate::catalog::cache::agencies(&ctx.national()?).await?;
    let names = names_of(&agencies);
    let mut items = Vec::new();
    let mut counts: Vec<Count> = Vec::new();
    for (rows, shard_counts) in answers {
        items.extend(rows.into_iter().map(|r| r.item(&ctx.env, &names)));
        counts.extend(shard_counts);
    }
    items.sort_by_key(list_order);
    items.truncate(LIST_LIMIT);
    let count = |s: SyncState| counts.iter().filter(|c| c.state == s).map(|c| c.n).sum::<i64>();
    json(&SyncList {
        pending: count(SyncState::Pending),
        sent: count(SyncState::Sent),
        acknowledged: count(SyncState::Acknowledged),
        failed: count(SyncState::Failed),
        configured: crate::platform::settings::config(&ctx.env).national.is_some(),
        items,
    })
}

/// `key`: `{shard}:{id}` ([`SyncItem::key`]), or the bare id of before sharding, whose row is in
/// the legacy shard.
pub async fn retry(ctx: &Ctx, key: &str) -> Result<Response, ApiError> {
    let staff = session::staff(ctx).await?;
    administrator(&staff)?;
    let not_found = || ApiError::NotFound { what: "national_sync", field: Some("id") };
    let (named, id) = motcua_domain::national::parse_sync_key(key).ok_or_else(not_found)?;
    let shard = named.unwrap_or_else(|| shards::map(&ctx.env).legacy());
    let d1 = ctx.shard(shard)?;
    // A row is in its agency's shard: a key naming another shard names no row (while `DB`
    // stands in for several, it would otherwise find one).
    let row = store::by_id(&d1, id)
        .await?
        .filter(|r| staff.covers(&r.agency_code))
        .filter(|r| named.is_none() || super::sync::shard_of_row(&ctx.env, r) == named)
        .ok_or_else(not_found)?;
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
    super::nudge_shard(&ctx.env, Some(shard)).await;
    let item: ItemRow = db::first(d1.prepare(format!("{LIST_SELECT} WHERE s.id = ?1")).bind(&[(id as f64).into()])?)
        .await?
        .ok_or_else(not_found)?;
    let agencies = crate::catalog::cache::agencies(&ctx.national()?).await?;
    json(&item.item(&ctx.env, &names_of(&agencies)))
}

/// `POST /api/admin/national-sync/backfill?agency=CODE`: when a province switches the sync on,
/// each dossier of the agency and the agencies under it that never had a message gets one for its latest event (created on the
/// portal with the state it has now). Dossiers with messages are left alone, so running it twice
/// adds nothing. The subtree comes from the catalog; each of its agencies is one statement in
/// its own shard (a whole province in one `INSERT … SELECT` nears D1's 30 s), and each shard
/// that took part gets its audit row with its own count.
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
    let now = clock::now();
    let at = clock::rfc3339(now);
    let agencies = crate::catalog::cache::agencies(&ctx.national()?).await?;
    let subtree = subtree_of(&agencies, &agency);
    // The subtree's agencies by shard (an agency without a province has no dossiers).
    let map = shards::map(&ctx.env);
    let mut by_shard: Vec<(ShardId, Vec<&str>)> = Vec::new();
    for code in subtree {
        let Ok(shard) = map.shard_of_agency(code) else { continue };
        match by_shard.iter_mut().find(|(s, _)| *s == shard) {
            Some((_, codes)) => codes.push(code),
            None => by_shard.push((shard, vec![code])),
        }
    }
    let mut inserted = 0usize;
    for (shard, codes) in by_shard {
        let d1 = ctx.shard(shard)?;
        let mut queued = 0usize;
        for chunk in codes.chunks(BACKFILL_BATCH) {
            let stmts = chunk
                .iter()
                .map(|code| {
                    d1.prepare(
                        "INSERT INTO national_sync (kind, event_id, dossier_id, agency_code, next_try_at, created_at, updated_at) \
                         SELECT 'dossier', max(e.id), e.dossier_id, d.agency_code, ?1, ?1, ?1 FROM dossier_events e \
                           JOIN dossiers d ON d.id = e.dossier_id \
                         WHERE d.agency_code = ?2 AND NOT EXISTS (SELECT 1 FROM national_sync s WHERE s.dossier_id = e.dossier_id) \
                         GROUP BY e.dossier_id",
                    )
                    .bind(&[at.as_str().into(), (*code).into()])
                })
                .collect::<Result<Vec<_>, _>>()?;
            for result in d1.batch(stmts).await? {
                queued += result.meta()?.and_then(|m| m.changes).unwrap_or(0);
            }
        }
        let audit = audit::stmt_in(
            &d1,
            &staff,
            Some(&agency),
            &at,
            "national_sync.backfill",
            "agency",
            &agency,
            &serde_json::Value::Null,
            &serde_json::json!({ "queued": queued }),
        )?;
        audit.run().await?;
        inserted += queued;
        if queued > 0 {
            super::nudge_shard(&ctx.env, Some(shard)).await;
        }
    }
    json(&serde_json::json!({ "queued": inserted }))
}

/// Statements per batch of the backfill: one per agency, a batch per round trip.
const BACKFILL_BATCH: usize = 50;

/// `root` and every agency under it, from the catalog's tree (what the recursive CTE over
/// `agencies` gave, without the national table in a shard's statement).
fn subtree_of<'a>(agencies: &'a [crate::catalog::repo::AgencyRow], root: &'a str) -> Vec<&'a str> {
    let mut out = vec![root];
    let mut i = 0;
    while i < out.len() {
        let parent = out[i];
        out.extend(agencies.iter().filter(|a| a.parent_code.as_deref() == Some(parent)).map(|a| a.code.as_str()));
        i += 1;
    }
    out
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
    let d1 = ctx.shard_of_id(&row.id).await?.ok_or(ApiError::NotFound { what: "dossier", field: None })?;
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
    super::nudge_shard(&ctx.env, shards::map(&ctx.env).shard_of_agency(&row.agency_code).ok()).await;
    Ok(json(&Rating { created_at: at, ..rating })?.with_status(201))
}
