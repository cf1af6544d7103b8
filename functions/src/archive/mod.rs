//! Archived months (#20 part 3): a province's closed month leaves its D1 for R2 (binding
//! `ARCHIVE`), step by step. `POST /api/admin/archive/{shard}/{month}` runs one step (at most
//! [`STEP_DOSSIERS`] dossiers, within D1's 1 000 queries and 30 s per invocation) and answers the
//! run's progress; the caller repeats it until `state` is `done`. `GET` the same path answers the
//! progress only. The rules (which dossiers, which rows, the summaries) are `domain::archive`;
//! here: read, write the parts gzipped, read them back and verify, then one D1 batch that keeps
//! the summaries and index rows and deletes the rows, guarded on the rows being as read.
//!
//! Served by the public Worker although an administrator's (router.rs: the back office is at its
//! 1 MB budget; R2 and D1 are the same from either); the step needs no cron: each request is one
//! step, resumable from the run's cursor, and a step that failed half way (parts written, batch
//! refused) is simply run again (the same step writes the same objects).

pub mod read;

use std::collections::BTreeMap;

use motcua_domain::archive::month::{self as rules, Candidate, Facts, Rating, ROWS, STEP_DOSSIERS};
use motcua_domain::archive::{self, Manifest, PartEntry, PartKey};
use motcua_domain::dossier::DossierStatus;
use motcua_domain::shard::ShardId;
use motcua_domain::validation::FieldError;
use serde::Deserialize;
use serde_json::{json, Value};
use worker::js_sys::{self, Reflect, Uint8Array};
use worker::wasm_bindgen::JsCast;
use worker::wasm_bindgen_futures::JsFuture;
use worker::{Bucket, Response};

use crate::auth::session::{self, StaffSession};
use crate::platform::db::{self, Db};
use crate::platform::error::ApiError;
use crate::platform::http::{json, Ctx};
use crate::platform::{clock, config, shards};

fn unexpected(e: impl std::fmt::Display) -> ApiError {
    ApiError::Unexpected(e.to_string())
}

/// gzip (`CompressionStream`) or gunzip (`DecompressionStream`) through the platform's streams.
pub async fn gzip(bytes: &[u8], class: &str) -> Result<Vec<u8>, ApiError> {
    let js = |e: worker::wasm_bindgen::JsValue| unexpected(format!("{class}: {e:?}"));
    let ctor: js_sys::Function = Reflect::get(&js_sys::global(), &class.into()).map_err(js)?.dyn_into().map_err(js)?;
    let stream_class = Reflect::construct(&ctor, &js_sys::Array::of1(&"gzip".into())).map_err(js)?;
    let blob = worker::web_sys::Blob::new_with_u8_array_sequence(&js_sys::Array::of1(&Uint8Array::from(bytes))).map_err(js)?;
    let input = blob.stream();
    let pipe: js_sys::Function = Reflect::get(&input, &"pipeThrough".into()).map_err(js)?.dyn_into().map_err(js)?;
    let output: worker::web_sys::ReadableStream = pipe.call1(&input, &stream_class).map_err(js)?.unchecked_into();
    let response = worker::web_sys::Response::new_with_opt_readable_stream(Some(&output)).map_err(js)?;
    let buffer = JsFuture::from(response.array_buffer().map_err(js)?).await.map_err(js)?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// An archive run as stored (`archive_runs`): its progress, and what only the steps read.
#[derive(Debug, Clone, Deserialize)]
pub struct Run {
    #[serde(flatten)]
    pub progress: rules::Progress,
    pub parts_json: String,
    pub version: i64,
}

fn parse_path(shard: &str, month: &str) -> Result<(ShardId, String), ApiError> {
    let shard = ShardId::parse("shard", shard)?;
    rules::month_index(month).ok_or_else(|| FieldError::new("month", "invalid_format", "Tháng có dạng YYYY-MM, ví dụ 2025-03.", "A month looks like YYYY-MM, e.g. 2025-03."))?;
    Ok((shard, month.to_string()))
}

/// The catalog's agencies in `shard`, and the first of its top agencies (whose parent is in no
/// other shard's hands: the province, or the first of a merged pair) that the run's audit rows
/// are filed under. The caller must be the national admin or an admin whose scope covers every
/// one of them (a province's admin).
async fn agencies_for(ctx: &Ctx, staff: &StaffSession, shard: ShardId) -> Result<(Vec<String>, String), ApiError> {
    use motcua_domain::auth::StaffRole;
    let map = shards::map(&ctx.env);
    let catalog = crate::catalog::cache::agencies(&ctx.national()?).await?;
    let in_shard: Vec<&crate::catalog::repo::AgencyRow> = catalog.iter().filter(|a| map.shard_of_agency(&a.code).ok() == Some(shard)).collect();
    let agencies: Vec<String> = in_shard.iter().map(|a| a.code.clone()).collect();
    let allowed = match staff.role {
        StaffRole::National => true,
        StaffRole::Admin => !agencies.is_empty() && agencies.iter().all(|a| staff.covers(a)),
        _ => false,
    };
    if !allowed {
        return Err(ApiError::RouteNotFound);
    }
    let top = in_shard
        .iter()
        .find(|a| a.parent_code.as_ref().is_none_or(|p| !agencies.contains(p)))
        .map(|a| a.code.clone())
        .ok_or(ApiError::RouteNotFound)?;
    Ok((agencies, top))
}

async fn load_run(d1: &Db, shard: ShardId, month: &str) -> Result<Option<Run>, ApiError> {
    db::first(d1.prepare("SELECT * FROM archive_runs WHERE shard = ?1 AND month = ?2").bind(&[shard.to_string().into(), month.into()])?).await
}

/// `GET /api/admin/archive/{shard}/{month}`: the run's progress (404 before the first step).
pub async fn progress(ctx: &Ctx, shard: &str, month: &str) -> Result<Response, ApiError> {
    let (shard, month) = parse_path(shard, month)?;
    let staff = session::staff(ctx).await?;
    agencies_for(ctx, &staff, shard).await?;
    let run = load_run(&ctx.shard(shard)?, shard, &month).await?.ok_or(ApiError::NotFound { what: "archive_run", field: Some("month") })?;
    json(&run.progress)
}

/// `POST /api/admin/archive/{shard}/{month}`: one step of the month's archive, then its progress.
pub async fn step(ctx: &mut Ctx, shard: &str, month: &str) -> Result<Response, ApiError> {
    let (shard, month) = parse_path(shard, month)?;
    let staff = session::staff(ctx).await?;
    let (agencies, top) = agencies_for(ctx, &staff, shard).await?;
    rules::closable(&month, clock::today_vn())?;
    let d1 = ctx.shard(shard)?;
    let now = clock::rfc3339(clock::now());
    let run = match load_run(&d1, shard, &month).await? {
        Some(run) => run,
        None => {
            d1.prepare(
                "INSERT INTO archive_runs (shard, month, state, requested_by, started_at) VALUES (?1, ?2, 'running', ?3, ?4) \
                 ON CONFLICT (shard, month) DO NOTHING",
            )
            .bind(&[shard.to_string().into(), month.as_str().into(), staff.staff_id.as_str().into(), now.as_str().into()])?
            .run()
            .await?;
            load_run(&d1, shard, &month).await?.ok_or_else(|| unexpected("archive run vanished"))?
        }
    };
    if run.progress.state == "done" {
        return json(&run.progress);
    }
    let bucket = ctx.env.bucket(config::ARCHIVE)?;
    let by = By { staff: &staff, agency: &top };
    match run_step(&d1, &bucket, shard, &month, &agencies, &run, &now, by).await {
        Ok(()) => {}
        Err(e) if matches!(&e, ApiError::Unexpected(m) if m.contains("stale_state")) => {
            return Err(ApiError::Conflict {
                code: "archive_changed".into(),
                message: "Rows of this step changed while it ran; run the step again.".into(),
                message_vi: "Dữ liệu của bước này vừa thay đổi trong khi lưu trữ; hãy chạy lại bước này.".into(),
                field: Some("month".into()),
            })
        }
        Err(e) => return Err(e),
    }
    json(&load_run(&d1, shard, &month).await?.ok_or_else(|| unexpected("archive run vanished"))?.progress)
}

#[derive(Deserialize)]
struct CandidateRow {
    id: String,
    status: DossierStatus,
    finished_at: Option<String>,
    open_payments: f64,
    open_refunds: f64,
}

fn text(row: &Value, field: &str) -> Option<String> {
    row.get(field).and_then(Value::as_str).map(str::to_string)
}

fn number(row: &Value, field: &str) -> Option<i64> {
    row.get(field).and_then(Value::as_f64).map(|n| n as i64)
}

/// What one step read: each archived table's rows (each with `_dossier`).
struct Read {
    tables: Vec<(&'static str, Vec<Value>)>,
}

impl Read {
    fn rows(&self, table: &str) -> &[Value] {
        self.tables.iter().find(|(t, _)| *t == table).map(|(_, r)| r.as_slice()).unwrap_or(&[])
    }

    fn of<'a>(&'a self, table: &str, dossier: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
        self.rows(table).iter().filter(move |r| r.get(rules::DOSSIER_FIELD).and_then(Value::as_str) == Some(dossier))
    }

    /// The dashboard's facts of one dossier row.
    fn facts(&self, d: &Value) -> Result<Facts, ApiError> {
        let id = text(d, "id").unwrap_or_default();
        let has = |table: &str| self.of(table, &id).next().is_some();
        let rating = match self.of("dossier_ratings", &id).next() {
            Some(r) => {
                let score = match number(r, "score") {
                    Some(s) => s as u8,
                    None => serde_json::from_value(r.get("rating").cloned().unwrap_or(Value::Null))
                        .map(motcua_domain::national::portal::score_of_level)
                        .unwrap_or(0),
                };
                let reasons = text(r, "reasons_json").and_then(|j| serde_json::from_str(&j).ok()).unwrap_or_default();
                Some(Rating { created_at: text(r, "created_at").unwrap_or_default(), score, reasons })
            }
            None => None,
        };
        let signed: Vec<&Value> = self.of("signed_documents", &id).filter(|g| g.get("revoked_at").is_none_or(Value::is_null)).collect();
        Ok(Facts {
            agency: text(d, "agency_code").unwrap_or_default(),
            procedure: text(d, "procedure_code").unwrap_or_default(),
            channel: text(d, "channel").unwrap_or_default(),
            has_fees: number(d, "has_fees") == Some(1),
            paid_online: number(d, "paid_online").map(|n| n == 1),
            paid_at: text(d, "paid_at"),
            submitted_at: text(d, "submitted_at"),
            at_reception: has("dossier_scans") || has("uploads") || has("dossier_documents"),
            with_result: has("dossier_results"),
            at_return: !signed.is_empty(),
            rating,
            copies: signed
                .iter()
                .filter(|g| text(g, "kind").as_deref() == Some("certified_copy"))
                .map(|g| (text(g, "agency_code").unwrap_or_default(), text(g, "signed_at").unwrap_or_default()))
                .collect(),
        })
    }
}

/// Who runs a step, and the agency its audit row is filed under.
#[derive(Clone, Copy)]
struct By<'a> {
    staff: &'a StaffSession,
    agency: &'a str,
}

#[allow(clippy::too_many_arguments)]
async fn run_step(d1: &Db, bucket: &Bucket, shard: ShardId, month: &str, agencies: &[String], run: &Run, now: &str, by: By<'_>) -> Result<(), ApiError> {
    let (lo, _) = rules::month_bounds(month).ok_or_else(|| unexpected("month checked"))?;
    let list = |items: &[&str]| items.iter().map(|s| format!("'{s}'")).collect::<Vec<_>>().join(", ");
    // Final dossiers touched since the month began, after the cursor, in id order; the domain
    // decides which finished in the month. An open fee notice counts as an open payment.
    let sql = format!(
        "SELECT d.id, d.status, \
           (SELECT max(e.at) FROM dossier_events e WHERE e.dossier_id = d.id) AS finished_at, \
           (SELECT count(*) FROM payments p JOIN bills b ON b.id = p.bill_id WHERE b.dossier_id = d.id AND p.state IN ({open})) \
             + (SELECT count(*) FROM bills b WHERE b.dossier_id = d.id AND b.status = 'open') AS open_payments, \
           (SELECT count(*) FROM refunds r JOIN payments p ON p.id = r.payment_id JOIN bills b ON b.id = p.bill_id \
             WHERE b.dossier_id = d.id AND r.status IN ({refunds})) AS open_refunds \
         FROM dossiers d WHERE d.agency_code IN (SELECT value FROM json_each(?1)) AND d.status IN ('completed', 'rejected', 'withdrawn') \
           AND d.updated_at >= ?2 AND d.id > ?3 ORDER BY d.id LIMIT {STEP_DOSSIERS}",
        open = list(rules::OPEN_PAYMENT_STATES),
        refunds = list(rules::OPEN_REFUND_STATUSES),
    );
    let agencies_json = serde_json::to_string(agencies).map_err(unexpected)?;
    let candidates: Vec<CandidateRow> =
        db::all(d1.prepare(sql).bind(&[agencies_json.into(), lo.into(), run.progress.cursor.as_str().into()])?).await?;
    let complete = candidates.len() < STEP_DOSSIERS;
    let cursor = candidates.last().map(|c| c.id.clone()).unwrap_or_else(|| run.progress.cursor.clone());
    let mut ids = Vec::new();
    let mut skipped = 0i64;
    for c in &candidates {
        let candidate = Candidate { status: c.status, finished_at: c.finished_at.clone(), open_payments: c.open_payments as u32, open_refunds: c.open_refunds as u32 };
        match rules::archivable(&candidate, month) {
            Ok(()) => ids.push(c.id.clone()),
            Err(rules::Kept::OpenPayment | rules::Kept::OpenRefund) => skipped += 1,
            Err(_) => {}
        }
    }
    let step_no = run.progress.steps + 1;
    let ids_json = serde_json::to_string(&ids).map_err(unexpected)?;
    let mut parts: Vec<PartEntry> = serde_json::from_str(&run.parts_json).map_err(unexpected)?;
    let mut statements = vec![d1
        .prepare("INSERT INTO state_guard (ok) SELECT count(*) FROM archive_runs WHERE shard = ?1 AND month = ?2 AND version = ?3")
        .bind(&[shard.to_string().into(), month.into(), (run.version as f64).into()])?];
    let mut removed = 0i64;
    if !ids.is_empty() {
        // Read every table's rows of these dossiers.
        let mut tables = Vec::new();
        for r in ROWS {
            let rows: Vec<Value> = db::all(d1.prepare(r.select_sql()).bind(&[ids_json.as_str().into()])?).await?;
            tables.push((r.table, rows));
        }
        let read = Read { tables };
        let agency_of: BTreeMap<String, String> =
            read.rows("dossiers").iter().map(|d| (text(d, "id").unwrap_or_default(), text(d, "agency_code").unwrap_or_default())).collect();
        // Write each table's rows per agency as a part, gzipped; read back and verify.
        let prefix = format!("archive/{shard}/{month}/{step_no}");
        let mut new_parts = Vec::new();
        for (table, rows) in &read.tables {
            let mut by_agency: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
            for row in rows {
                let dossier = row.get(rules::DOSSIER_FIELD).and_then(Value::as_str).unwrap_or_default();
                let agency = agency_of.get(dossier).map(String::as_str).unwrap_or_default();
                by_agency.entry(agency).or_default().push(row.clone());
            }
            for (agency, rows) in by_agency {
                let key = PartKey::new(table, agency, month)?;
                let (mut entry, ndjson) = PartEntry::write(key, &rows)?;
                entry.object = format!("{prefix}/{table}/{agency}.ndjson.gz");
                let stored = gzip(&ndjson, "CompressionStream").await?;
                let entry = entry.with_stored("gzip", &stored);
                bucket.put(entry.object.as_str(), stored).execute().await?;
                let back = bucket.get(entry.object.as_str()).execute().await?.ok_or_else(|| unexpected(format!("{} not in R2", entry.object)))?;
                let back = back.body().ok_or_else(|| unexpected("no body"))?.bytes().await?;
                archive::verify_stored(&entry, &back)?;
                archive::verify_part(&entry, &gzip(&back, "DecompressionStream").await?)?;
                archive::verify_against_source(&entry, rows.len() as u64)?;
                new_parts.push(entry);
            }
        }
        // What stays in D1: the summaries, an index row per dossier, the receipts' check codes.
        let dossiers = read.rows("dossiers");
        let facts = dossiers.iter().map(|d| read.facts(d)).collect::<Result<Vec<_>, _>>()?;
        let summaries = rules::summarize(&facts)?;
        let summary_rows: Vec<Value> =
            summaries.iter().map(|(k, n)| json!([k.metric.as_str(), k.day, k.agency, k.procedure, k.detail, n])).collect();
        for chunk in summary_rows.chunks(400) {
            statements.push(d1.prepare(
                "INSERT INTO archive_summaries (metric, day, agency_code, procedure_code, detail, n) \
                 SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), json_extract(value, '$[3]'), \
                   json_extract(value, '$[4]'), json_extract(value, '$[5]') FROM json_each(?1) WHERE true \
                 ON CONFLICT (metric, day, agency_code, procedure_code, detail) DO UPDATE SET n = n + excluded.n",
            )
            .bind(&[serde_json::to_string(chunk).map_err(unexpected)?.into()])?);
        }
        let finished: BTreeMap<&str, &str> = candidates.iter().filter_map(|c| c.finished_at.as_deref().map(|f| (c.id.as_str(), f))).collect();
        let mut index = Vec::new();
        for d in dossiers {
            let id = text(d, "id").unwrap_or_default();
            let agency = agency_of.get(&id).cloned().unwrap_or_default();
            let messages: Vec<String> = read.of("national_sync", &id).filter_map(|m| text(m, "created_at")).collect();
            let latest = read.of("national_sync", &id).filter(|m| text(m, "kind").as_deref() == Some("dossier")).max_by_key(|m| number(m, "id"));
            index.push(json!({
                "id": id, "code": d.get("code"), "owner": d.get("owner_citizen_id"), "agency": agency,
                "procedure": d.get("procedure_code"), "channel": d.get("channel"), "status": d.get("status"),
                "created_at": d.get("created_at"), "submitted_at": d.get("submitted_at"), "finished_at": finished.get(id.as_str()),
                "fee_total": read.of("receipts", &id).filter_map(|r| number(r, "total")).sum::<i64>(),
                "part_key": format!("{prefix}/dossiers/{agency}.ndjson.gz"),
                "sync_days": serde_json::to_string(&rules::sync_days(&messages)?).map_err(unexpected)?,
                "sync_acknowledged": latest.map(|m| (text(m, "state").as_deref() == Some("acknowledged")) as i64),
            }));
        }
        for chunk in index.chunks(200) {
            statements.push(d1.prepare(
                "INSERT INTO archived_dossiers (id, code, owner_citizen_id, agency_code, procedure_code, channel, status, created_at, submitted_at, \
                   finished_at, fee_total, month, part_key, sync_days, sync_acknowledged, archived_at) \
                 SELECT json_extract(value, '$.id'), json_extract(value, '$.code'), json_extract(value, '$.owner'), json_extract(value, '$.agency'), \
                   json_extract(value, '$.procedure'), json_extract(value, '$.channel'), json_extract(value, '$.status'), json_extract(value, '$.created_at'), \
                   json_extract(value, '$.submitted_at'), json_extract(value, '$.finished_at'), json_extract(value, '$.fee_total'), ?2, \
                   json_extract(value, '$.part_key'), json_extract(value, '$.sync_days'), json_extract(value, '$.sync_acknowledged'), ?3 FROM json_each(?1)",
            )
            .bind(&[serde_json::to_string(chunk).map_err(unexpected)?.into(), month.into(), now.into()])?);
        }
        let receipts: Vec<Value> = read
            .rows("receipts")
            .iter()
            .map(|r| {
                let dossier = text(r, rules::DOSSIER_FIELD).unwrap_or_default();
                let agency = agency_of.get(&dossier).cloned().unwrap_or_default();
                json!({"verify_code": r.get("verify_code"), "number": r.get("number"), "dossier_id": dossier, "agency_code": r.get("agency_code"),
                       "total": r.get("total"), "issued_at": r.get("issued_at"), "part_key": format!("{prefix}/receipts/{agency}.ndjson.gz")})
            })
            .collect();
        for chunk in receipts.chunks(200) {
            statements.push(d1.prepare(
                "INSERT INTO archived_receipts (verify_code, number, dossier_id, agency_code, total, issued_at, part_key) \
                 SELECT json_extract(value, '$.verify_code'), json_extract(value, '$.number'), json_extract(value, '$.dossier_id'), \
                   json_extract(value, '$.agency_code'), json_extract(value, '$.total'), json_extract(value, '$.issued_at'), json_extract(value, '$.part_key') \
                 FROM json_each(?1)",
            )
            .bind(&[serde_json::to_string(chunk).map_err(unexpected)?.into()])?);
        }
        // The rows leave only as they were read: the dossiers and payments at the versions read
        // (every change bumps them), and each table still holds exactly the rows archived.
        for table in ["dossiers", "payments"] {
            let versions: Vec<Value> = read.rows(table).iter().map(|r| json!([r.get("id"), r.get("version")])).collect();
            statements.push(d1.prepare(format!(
                "INSERT INTO state_guard (ok) SELECT count(*) = json_array_length(?1) FROM {table} t JOIN json_each(?1) j \
                 ON t.id = json_extract(j.value, '$[0]') AND t.version = json_extract(j.value, '$[1]')"
            ))
            .bind(&[serde_json::to_string(&versions).map_err(unexpected)?.into()])?);
        }
        for r in ROWS {
            let n = read.rows(r.table).len();
            removed += n as i64;
            statements.push(d1.prepare(r.guard_sql()).bind(&[ids_json.as_str().into(), (n as f64).into()])?);
        }
        for r in ROWS {
            statements.push(d1.prepare(r.delete_sql()).bind(&[ids_json.as_str().into()])?);
        }
        parts.extend(new_parts);
    }
    let mut manifest_key = None;
    if complete {
        let manifest = Manifest::new(shard, month, now, parts.clone())?;
        let key = archive::manifest_key(shard, month);
        bucket.put(key.as_str(), manifest.to_json()).execute().await?;
        manifest_key = Some(key);
    }
    statements.push(d1.prepare(
        "UPDATE archive_runs SET state = ?3, cursor = ?4, steps = steps + 1, dossiers = dossiers + ?5, rows = rows + ?6, skipped = skipped + ?7, \
           parts_json = ?8, manifest_key = ?9, finished_at = ?10, version = version + 1 WHERE shard = ?1 AND month = ?2",
    )
    .bind(&[
        shard.to_string().into(),
        month.into(),
        (if complete { "done" } else { "running" }).into(),
        cursor.as_str().into(),
        (ids.len() as f64).into(),
        (removed as f64).into(),
        (skipped as f64).into(),
        serde_json::to_string(&parts).map_err(unexpected)?.into(),
        db::nullable(manifest_key.as_deref()),
        db::nullable(complete.then_some(now)),
    ])?);
    // The step's audit row, in the same batch: who moved how many dossiers of which month.
    let state = if complete { "done" } else { "running" };
    statements.push(crate::desk::audit::stmt_in(
        d1,
        by.staff,
        Some(by.agency),
        now,
        "archive.step",
        "archive_run",
        &format!("{shard}/{month}"),
        &json!({"state": run.progress.state, "steps": run.progress.steps, "dossiers": run.progress.dossiers}),
        &json!({"state": state, "steps": step_no, "dossiers": run.progress.dossiers + ids.len() as i64, "rows_removed": removed, "skipped": skipped}),
    )?);
    d1.batch(statements).await.map_err(|e| unexpected(e.to_string()))?;
    Ok(())
}
