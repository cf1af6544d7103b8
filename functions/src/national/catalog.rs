//! The national catalog: our codes mapped to the portal's (`GET|PUT /api/admin/national-mapping`),
//! the pull of the portal's catalog into a review list (`POST /api/admin/national-catalog/pull`)
//! and the list itself (`GET /api/admin/national-catalog/differences`, `POST
//! .../differences/{id}/resolve`). What the portal's answers mean and what differs is
//! `motcua_domain::national::catalog`'s; who may map what is `...::mapping`'s.
//!
//! A pull walks the portal's procedure codes in order, at most [`DETAILS_PER_CALL`] detail calls
//! (`LayThuTuc`, one subrequest each) and [`KEYS_PER_CALL`] codes per request, so a catalog of
//! thousands never holds one request past the Worker's subrequest and time limits; the caller
//! calls again until `finished` and a pull broken off goes on where it stopped.

use motcua_domain::auth::StaffRole;
use motcua_domain::national::catalog::{
    self as rules, CatalogDifference, DifferenceKind, DifferenceList, DifferenceStatus, Key, Ours, PullProgress, PullState, Stored, Write,
};
use motcua_domain::national::mapping::{self, MappedAgency, MappedFeeLine, MappedProcedure, MappingInput, MappingRefusal, MappingView};
use motcua_domain::national::portal::Reply;
use motcua_domain::text_input::Reason;
use motcua_domain::validation::FieldError;
use serde::Deserialize;
use serde_json::json;
use worker::{D1PreparedStatement, Env, Response};
use crate::platform::db::Db;

use crate::auth::session::{self, StaffSession};
use crate::desk::audit;
use crate::platform::error::ApiError;
use crate::platform::http::{json, Ctx};
use crate::platform::{clock, db};

/// `LayThuTuc` calls per request: well under the Worker's 50 subrequests (with the list call
/// and a log-in).
pub const DETAILS_PER_CALL: usize = 10;
/// Codes looked at per request (the ones on one side only need no call, only writes).
pub const KEYS_PER_CALL: usize = 60;

async fn admin(ctx: &Ctx) -> Result<StaffSession, ApiError> {
    let staff = session::staff(ctx).await?;
    if !staff.role.administers() {
        return Err(ApiError::RouteNotFound);
    }
    Ok(staff)
}

const NATIONAL_ONLY_VI: &str = "Chỉ quản trị cấp quốc gia được đối chiếu, ánh xạ mã thủ tục, mã phí, lệ phí với Cổng DVCQG. \
     Quản trị cấp tỉnh ánh xạ mã đơn vị của các cơ quan trong tỉnh.";
const NATIONAL_ONLY_EN: &str =
    "Only the national admin maps procedure and fee codes or reviews the national catalog; a provincial admin maps the unit codes of their agencies.";

fn national_only(field: Option<&'static str>) -> ApiError {
    ApiError::Forbidden { code: "forbidden_role", message: NATIONAL_ONLY_EN, message_vi: NATIONAL_ONLY_VI, field }
}

fn scope_json(staff: &StaffSession) -> Result<String, ApiError> {
    serde_json::to_string(&staff.agencies).map_err(|e| ApiError::Unexpected(e.to_string()))
}

#[derive(Deserialize)]
pub(super) struct ProcedureRow {
    pub code: String,
    pub name: String,
    pub national_code: String,
    pub processing_days: f64,
    pub legal_basis: String,
    /// Only the sandbox portal publishes our documents.
    #[cfg_attr(not(feature = "sandbox"), allow(dead_code))]
    pub documents: String,
    pub schedule_json: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct FeeCodeRow {
    pub procedure_code: String,
    pub line_code: String,
    pub national_code: String,
}

/// Every procedure with its schedule, and every fee-line mapping.
pub(super) async fn procedures(d1: &Db) -> Result<(Vec<ProcedureRow>, Vec<FeeCodeRow>), ApiError> {
    let rows: Vec<ProcedureRow> = db::all(d1.prepare(
        "SELECT p.code, p.name, coalesce(p.national_code, '') AS national_code, p.processing_days, p.legal_basis, p.documents, \
                f.schedule_json FROM procedures p LEFT JOIN fee_schedules f ON f.procedure_code = p.code ORDER BY p.code",
    ))
    .await?;
    let fees: Vec<FeeCodeRow> =
        db::all(d1.prepare("SELECT procedure_code, line_code, national_code FROM national_fee_codes ORDER BY procedure_code, line_code"))
            .await?;
    Ok((rows, fees))
}

impl ProcedureRow {
    fn schedule(&self) -> Option<motcua_domain::fee::FeeSchedule> {
        self.schedule_json.as_deref().and_then(|s| serde_json::from_str(s).ok())
    }

    #[cfg_attr(not(feature = "sandbox"), allow(dead_code))]
    pub(super) fn documents(&self) -> Vec<String> {
        serde_json::from_str(&self.documents).unwrap_or_default()
    }

    /// The procedure as the comparison sees it, fees of the national version in force today.
    pub(super) fn ours(&self, fees: &[FeeCodeRow]) -> Ours {
        let schedule = self.schedule();
        let mapped = |line: &str| {
            fees.iter().find(|f| f.procedure_code == self.code && f.line_code == line).map(|f| f.national_code.clone())
        };
        let mut legal_text = self.legal_basis.clone();
        if let Some(s) = &schedule {
            legal_text.push('\n');
            legal_text.push_str(&rules::schedule_legal_text(s));
        }
        Ours {
            code: self.code.clone(),
            national_code: if self.national_code.is_empty() { self.code.clone() } else { self.national_code.clone() },
            name: self.name.clone(),
            processing_days: self.processing_days as u32,
            legal_text,
            fees: schedule.map(|s| rules::our_fees(&s, clock::today_vn(), mapped)).unwrap_or_default(),
        }
    }

    fn lines(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for v in self.schedule().map(|s| s.versions).unwrap_or_default().into_iter().rev() {
            for l in v.lines {
                if !out.iter().any(|(c, _)| *c == l.code) {
                    out.push((l.code, l.name));
                }
            }
        }
        out
    }
}

#[derive(Deserialize)]
struct AgencyRow {
    code: String,
    name: String,
    national_code: String,
}

async fn mapping_view(d1: &Db, staff: &StaffSession) -> Result<MappingView, ApiError> {
    let agencies: Vec<AgencyRow> = db::all(
        d1.prepare(
            "SELECT code, name, coalesce(national_code, '') AS national_code FROM agencies \
             WHERE code IN (SELECT value FROM json_each(?1)) ORDER BY sort_order, name",
        )
        .bind(&[scope_json(staff)?.into()])?,
    )
    .await?;
    let (rows, fees) = procedures(d1).await?;
    Ok(MappingView {
        agencies: agencies.into_iter().map(|a| MappedAgency { code: a.code, name: a.name, national_code: a.national_code }).collect(),
        procedures: rows
            .iter()
            .map(|p| MappedProcedure {
                code: p.code.clone(),
                name: p.name.clone(),
                national_code: p.national_code.clone(),
                fee_lines: p
                    .lines()
                    .into_iter()
                    .map(|(line, name)| MappedFeeLine {
                        national_code: fees
                            .iter()
                            .find(|f| f.procedure_code == p.code && f.line_code == line)
                            .map(|f| f.national_code.clone())
                            .unwrap_or_default(),
                        line,
                        name,
                    })
                    .collect(),
            })
            .collect(),
    })
}

/// `GET /api/admin/national-mapping`.
pub async fn get_mapping(ctx: &Ctx) -> Result<Response, ApiError> {
    let staff = admin(ctx).await?;
    json(&mapping_view(&ctx.national()?, &staff).await?)
}

fn unknown(field: String, what_vi: &str, what_en: &str) -> ApiError {
    FieldError::new(field, "unknown", format!("Không tìm thấy {what_vi}."), format!("No such {what_en}.")).into()
}

/// A write of a mapped code, guarded by the value it was decided from (D1 runs the batch as one
/// transaction; a guard that fails aborts every write of the request).
fn guard(d1: &Db, sql_current: &str, binds: &[&str], before: &str) -> Result<D1PreparedStatement, ApiError> {
    let mut values: Vec<worker::wasm_bindgen::JsValue> = binds.iter().map(|b| (*b).into()).collect();
    values.push(before.into());
    let n = values.len();
    Ok(d1.prepare(format!("INSERT INTO state_guard (ok) SELECT coalesce(({sql_current}), '') = ?{n}")).bind(&values)?)
}

/// `PUT /api/admin/national-mapping` (`MappingInput`): sets the named mappings in one batch, each
/// audited; an entity whose mapping is already the one asked for is left alone.
pub async fn put_mapping(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let staff = admin(ctx).await?;
    let input: MappingInput = ctx.json_body().await?;
    let input = mapping::parse_mapping(staff.role, &input).map_err(|r| match r {
        MappingRefusal::Invalid(e) => ApiError::Invalid(e),
        MappingRefusal::NationalOnly { field } => national_only(Some(field)),
    })?;
    let d1 = ctx.national()?;
    let at = clock::rfc3339(clock::now());
    let mut batch = Vec::new();

    let agencies: Vec<AgencyRow> = if input.agencies.is_empty() {
        vec![]
    } else {
        let codes = serde_json::to_string(&input.agencies.iter().map(|a| &a.code).collect::<Vec<_>>()).unwrap_or_default();
        db::all(
            d1.prepare("SELECT code, name, coalesce(national_code, '') AS national_code FROM agencies WHERE code IN (SELECT value FROM json_each(?1))")
                .bind(&[codes.into()])?,
        )
        .await?
    };
    for (i, a) in input.agencies.iter().enumerate() {
        // Another province's agency is answered like an unknown one.
        let current = agencies.iter().find(|c| c.code == a.code).filter(|_| staff.covers(&a.code));
        let Some(current) = current else { return Err(unknown(format!("agencies.{i}.code"), "cơ quan", "agency")) };
        if current.national_code == a.national_code {
            continue;
        }
        batch.push(guard(&d1, "SELECT national_code FROM agencies WHERE code = ?1", &[&a.code], &current.national_code)?);
        batch.push(
            d1.prepare("UPDATE agencies SET national_code = nullif(?2, '') WHERE code = ?1")
                .bind(&[a.code.as_str().into(), a.national_code.as_str().into()])?,
        );
        batch.push(audit::stmt(
            &d1,
            &staff,
            &at,
            "national_mapping.put",
            "agency",
            &a.code,
            &json!({"national_code": current.national_code}),
            &json!({"national_code": a.national_code}),
        )?);
    }

    let (rows, fees) = if input.procedures.is_empty() && input.fee_lines.is_empty() { (vec![], vec![]) } else { procedures(&d1).await? };
    for (i, p) in input.procedures.iter().enumerate() {
        if !rows.iter().any(|r| r.code == p.code) {
            return Err(unknown(format!("procedures.{i}.code"), "thủ tục", "procedure"));
        }
    }
    let current: Vec<(String, String)> = rows.iter().map(|r| (r.code.clone(), r.national_code.clone())).collect();
    mapping::check_unique_procedure_codes(&current, &input.procedures)?;
    for p in &input.procedures {
        let before = rows.iter().find(|r| r.code == p.code).map(|r| r.national_code.clone()).unwrap_or_default();
        if before == p.national_code {
            continue;
        }
        batch.push(guard(&d1, "SELECT national_code FROM procedures WHERE code = ?1", &[&p.code], &before)?);
        batch.push(
            d1.prepare("UPDATE procedures SET national_code = nullif(?2, '') WHERE code = ?1")
                .bind(&[p.code.as_str().into(), p.national_code.as_str().into()])?,
        );
        batch.push(audit::stmt(
            &d1,
            &staff,
            &at,
            "national_mapping.put",
            "procedure",
            &p.code,
            &json!({"national_code": before}),
            &json!({"national_code": p.national_code}),
        )?);
    }
    for (i, f) in input.fee_lines.iter().enumerate() {
        let Some(row) = rows.iter().find(|r| r.code == f.procedure) else {
            return Err(unknown(format!("fee_lines.{i}.procedure"), "thủ tục", "procedure"));
        };
        if !row.lines().iter().any(|(code, _)| *code == f.line) {
            return Err(unknown(format!("fee_lines.{i}.line"), "khoản phí, lệ phí trong biểu phí của thủ tục", "fee line in the procedure's schedule"));
        }
        let before = fees
            .iter()
            .find(|x| x.procedure_code == f.procedure && x.line_code == f.line)
            .map(|x| x.national_code.clone())
            .unwrap_or_default();
        if before == f.national_code {
            continue;
        }
        batch.push(guard(
            &d1,
            "SELECT national_code FROM national_fee_codes WHERE procedure_code = ?1 AND line_code = ?2",
            &[&f.procedure, &f.line],
            &before,
        )?);
        let write = if f.national_code.is_empty() {
            d1.prepare("DELETE FROM national_fee_codes WHERE procedure_code = ?1 AND line_code = ?2")
                .bind(&[f.procedure.as_str().into(), f.line.as_str().into()])?
        } else {
            d1.prepare(
                "INSERT INTO national_fee_codes (procedure_code, line_code, national_code) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (procedure_code, line_code) DO UPDATE SET national_code = excluded.national_code",
            )
            .bind(&[f.procedure.as_str().into(), f.line.as_str().into(), f.national_code.as_str().into()])?
        };
        batch.push(write);
        batch.push(audit::stmt(
            &d1,
            &staff,
            &at,
            "national_mapping.put",
            "fee_schedule",
            &f.procedure,
            &json!({"line": f.line, "national_code": before}),
            &json!({"line": f.line, "national_code": f.national_code}),
        )?);
    }
    if !batch.is_empty() {
        match d1.batch(batch).await {
            Ok(_) => {}
            Err(e) if db::is_stale(&e) => {
                return Err(ApiError::Conflict {
                    code: "conflict".into(),
                    message: "A mapping was changed by someone else meanwhile. Reload and try again.".into(),
                    message_vi: "Mã ánh xạ vừa được người khác thay đổi. Vui lòng tải lại và thử lại.".into(),
                    field: None,
                })
            }
            Err(e) => return Err(e.into()),
        }
    }
    json(&mapping_view(&d1, &staff).await?)
}

/// The portal could not be asked: nothing to compare with, the caller tries later.
fn portal_unavailable(detail: &str) -> ApiError {
    worker::console_error!("national catalog: {detail}");
    ApiError::Unavailable {
        code: "portal_unavailable",
        message: format!("The national portal did not answer the catalog request ({detail}). Try again later."),
        message_vi: "Cổng DVCQG chưa trả lời yêu cầu lấy danh mục thủ tục. Vui lòng thử lại sau.".into(),
    }
}

async fn ask(env: &Env, d1: &Db, body: &serde_json::Value) -> Result<serde_json::Value, ApiError> {
    match super::portal::share(env, d1, body).await? {
        Reply::Accepted(v) => Ok(v),
        Reply::SessionExpired => Err(portal_unavailable("session refused")),
        Reply::Failed { code, detail, .. } => Err(portal_unavailable(&format!("{code}: {detail}"))),
    }
}

const PULL: &str = "SELECT id, started_at, started_by, processed, cursor, finished_at, version FROM national_catalog_pulls";

#[derive(Deserialize)]
struct PullRow {
    id: i64,
    started_at: String,
    started_by: String,
    processed: i64,
    cursor: String,
    finished_at: Option<String>,
    version: i64,
}

impl PullRow {
    fn state(&self) -> PullState {
        PullState {
            id: self.id,
            started_at: self.started_at.clone(),
            started_by: self.started_by.clone(),
            processed: self.processed,
            cursor: self.cursor.clone(),
            finished_at: self.finished_at.clone(),
        }
    }
}

/// The running pull, or a new one.
async fn running_pull(d1: &Db, staff: &StaffSession) -> Result<PullRow, ApiError> {
    for _ in 0..2 {
        if let Some(row) = db::first::<PullRow>(d1.prepare(format!("{PULL} WHERE finished_at IS NULL")).bind(&[])?).await? {
            return Ok(row);
        }
        let started = d1
            .prepare("INSERT INTO national_catalog_pulls (started_at, started_by) VALUES (?1, ?2)")
            .bind(&[clock::rfc3339(clock::now()).into(), staff.username.as_str().into()])?
            .run()
            .await;
        match started {
            Ok(_) => {}
            // Another admin's call started one at the same moment: go on with theirs.
            Err(e) if db::is_unique_violation(&e) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::Unexpected("no running pull after starting one".into()))
}

/// The stored differences of a page of keys, in one query (D1 counts queries per request).
async fn stored_of(d1: &Db, keys: &[&Key]) -> Result<Vec<DifferenceRow>, ApiError> {
    let codes = serde_json::to_string(&keys.iter().map(|k| &k.code).collect::<Vec<_>>()).map_err(|e| ApiError::Unexpected(e.to_string()))?;
    db::all(
        d1.prepare(format!("{DIFFERENCE} WHERE procedure IN (SELECT value FROM json_each(?1)) ORDER BY id")).bind(&[codes.into()])?,
    )
    .await
}

/// What one key changed: (opened, gone).
async fn reconcile_key(env: &Env, d1: &Db, key: &Key, stored: &[DifferenceRow]) -> Result<(u32, u32), ApiError> {
    let details = if key.needs_details() {
        let reply = ask(env, d1, &rules::procedure_body("", &key.code)).await?;
        rules::parse_procedure(&reply).map_err(|e| portal_unavailable(&e.0))?
    } else {
        None
    };
    let found = rules::differences_of(key, details.as_ref());
    let stored: Vec<Stored> = stored.iter().filter(|s| s.procedure == key.code).map(DifferenceRow::stored).collect();
    let writes = rules::reconcile(&stored, &found);
    if writes.is_empty() {
        return Ok((0, 0));
    }
    let fingerprint = stored.iter().map(|s| format!("{}:{}", s.id, s.version)).collect::<Vec<_>>().join(",");
    let now = clock::rfc3339(clock::now());
    // Written only if the key's rows are still those the decision was made from.
    let mut batch = vec![d1
        .prepare(
            "INSERT INTO state_guard (ok) SELECT coalesce((SELECT group_concat(id || ':' || version, ',') FROM \
               (SELECT id, version FROM national_catalog_differences WHERE procedure = ?1 ORDER BY id)), '') = ?2",
        )
        .bind(&[key.code.as_str().into(), fingerprint.into()])?];
    let (mut opened, mut gone) = (0, 0);
    for w in &writes {
        batch.push(match w {
            Write::Insert(f) => {
                opened += 1;
                d1.prepare(
                    "INSERT INTO national_catalog_differences (procedure, our_code, procedure_name, kind, item, ours, national, status, \
                       first_seen_at, last_changed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'open', ?8, ?8)",
                )
                .bind(&[
                    f.procedure.as_str().into(),
                    db::nullable(f.our_code.as_deref()),
                    f.name.as_str().into(),
                    crate::dossier::repo::enum_str(&f.kind).into(),
                    f.item.as_str().into(),
                    db::nullable(f.ours.as_deref()),
                    db::nullable(f.national.as_deref()),
                    now.as_str().into(),
                ])?
            }
            Write::Reopen { id, version, found: f } => {
                opened += 1;
                d1.prepare(
                    "UPDATE national_catalog_differences SET our_code = ?1, procedure_name = ?2, ours = ?3, national = ?4, status = 'open', \
                       last_changed_at = ?5, resolved_by = NULL, resolved_at = NULL, note = NULL, version = version + 1 \
                     WHERE id = ?6 AND version = ?7",
                )
                .bind(&[
                    db::nullable(f.our_code.as_deref()),
                    f.name.as_str().into(),
                    db::nullable(f.ours.as_deref()),
                    db::nullable(f.national.as_deref()),
                    now.as_str().into(),
                    (*id as f64).into(),
                    (*version as f64).into(),
                ])?
            }
            Write::Gone { id, version } => {
                gone += 1;
                d1.prepare(
                    "UPDATE national_catalog_differences SET status = 'gone', last_changed_at = ?1, version = version + 1 \
                     WHERE id = ?2 AND version = ?3",
                )
                .bind(&[now.as_str().into(), (*id as f64).into(), (*version as f64).into()])?
            }
        });
    }
    match d1.batch(batch).await {
        Ok(_) => Ok((opened, gone)),
        // A pull beside this one wrote the same key first; its result stands.
        Err(e) if db::is_stale(&e) => Ok((0, 0)),
        Err(e) => Err(e.into()),
    }
}

/// `POST /api/admin/national-catalog/pull[?procedure=CODE][&limit=N]`: compares the next page
/// of the portal's catalog with ours (at most `limit` codes, [`KEYS_PER_CALL`] by default; or
/// one procedure, by our code or the portal's), national admin only. Call again while
/// `finished` is false.
pub async fn pull(ctx: &Ctx) -> Result<Response, ApiError> {
    let staff = admin(ctx).await?;
    if staff.role != StaffRole::National {
        return Err(national_only(None));
    }
    let one = ctx.query("procedure").map(|p| p.trim().to_string()).filter(|p| !p.is_empty());
    // A smaller page for a slow portal (and for tests of the paging).
    let per_call = match ctx.query("limit") {
        None => KEYS_PER_CALL,
        Some(l) => l.trim().parse::<usize>().ok().filter(|n| (1..=KEYS_PER_CALL).contains(n)).ok_or_else(|| {
            FieldError::new(
                "limit",
                "out_of_range",
                format!("Số mã mỗi lần đối chiếu từ 1 đến {KEYS_PER_CALL}."),
                format!("limit must be 1 to {KEYS_PER_CALL}."),
            )
        })?,
    };
    let d1 = ctx.national()?;
    if crate::platform::settings::config(&ctx.env).national.is_none() {
        return Err(portal_unavailable("DVCQG_BASE_URL is not set"));
    }
    let (rows, fees) = procedures(&d1).await?;
    let ours: Vec<Ours> = rows.iter().map(|r| r.ours(&fees)).collect();
    let listed = rules::parse_list(&ask(&ctx.env, &d1, &rules::list_body("")).await?).map_err(|e| portal_unavailable(&e.0))?;
    let keys = rules::keys(&listed, &ours);

    if let Some(code) = one {
        let key = keys
            .iter()
            .find(|k| k.code == code || k.ours.as_ref().is_some_and(|o| o.code == code))
            .ok_or(ApiError::NotFound { what: "procedure", field: Some("procedure") })?;
        let stored = stored_of(&d1, &[key]).await?;
        let (opened, gone) = reconcile_key(&ctx.env, &d1, key, &stored).await?;
        return json(&PullProgress {
            pull: None,
            processed: 1,
            remaining: 0,
            finished: true,
            opened,
            gone,
            message_vi: format!("Đã đối chiếu thủ tục {}.", key.code),
        });
    }

    let run = running_pull(&d1, &staff).await?;
    let todo: Vec<&Key> = keys.iter().filter(|k| k.code > run.cursor).collect();
    let stored = stored_of(&d1, &todo[..todo.len().min(per_call)]).await?;
    let (mut processed, mut details, mut opened, mut gone) = (0usize, 0usize, 0u32, 0u32);
    let mut cursor = run.cursor.clone();
    let mut failure = None;
    for key in &todo {
        if processed == per_call || (key.needs_details() && details == DETAILS_PER_CALL) {
            break;
        }
        match reconcile_key(&ctx.env, &d1, key, &stored).await {
            Ok((o, g)) => {
                opened += o;
                gone += g;
            }
            Err(e) => {
                // Keep what was done; the next call starts again at this key.
                failure = Some(e);
                break;
            }
        }
        details += usize::from(key.needs_details());
        processed += 1;
        cursor = key.code.clone();
    }
    let remaining = todo.len() - processed;
    if processed == 0 {
        if let Some(e) = failure {
            return Err(e);
        }
    }
    let finished = remaining == 0;
    let now = clock::rfc3339(clock::now());
    d1.batch(vec![
        d1.prepare(
            "UPDATE national_catalog_pulls SET cursor = ?1, processed = processed + ?2, finished_at = ?3, version = version + 1 \
             WHERE id = ?4 AND version = ?5",
        )
        .bind(&[
            cursor.as_str().into(),
            (processed as f64).into(),
            db::nullable(finished.then_some(now.as_str())),
            (run.id as f64).into(),
            (run.version as f64).into(),
        ])?,
        audit::stmt(
            &d1,
            &staff,
            &now,
            "national_catalog.pull",
            "national_catalog_pull",
            &run.id.to_string(),
            &json!({"cursor": run.cursor}),
            &json!({"cursor": cursor, "processed": processed, "opened": opened, "gone": gone, "finished": finished}),
        )?,
    ])
    .await?;
    let state = db::first::<PullRow>(d1.prepare(format!("{PULL} WHERE id = ?1")).bind(&[(run.id as f64).into()])?).await?.map(|r| r.state());
    let message_vi = if finished {
        "Đã đối chiếu xong toàn bộ danh mục thủ tục với Cổng DVCQG.".to_string()
    } else if failure.is_some() {
        format!("Đã đối chiếu {processed} mã thủ tục; Cổng DVCQG ngừng trả lời, còn {remaining} mã, gọi lại để tiếp tục.")
    } else {
        format!("Đã đối chiếu {processed} mã thủ tục; còn {remaining} mã, gọi lại để tiếp tục.")
    };
    json(&PullProgress { pull: state, processed: processed as u32, remaining: remaining as u32, finished, opened, gone, message_vi })
}

const DIFFERENCE: &str = "SELECT id, procedure, our_code, procedure_name, kind, item, ours, national, status, first_seen_at, last_changed_at, \
       resolved_by, resolved_at, note, version FROM national_catalog_differences";

#[derive(Deserialize)]
struct DifferenceRow {
    id: i64,
    procedure: String,
    our_code: Option<String>,
    procedure_name: String,
    kind: DifferenceKind,
    item: String,
    ours: Option<String>,
    national: Option<String>,
    status: DifferenceStatus,
    first_seen_at: String,
    last_changed_at: String,
    resolved_by: Option<String>,
    resolved_at: Option<String>,
    note: Option<String>,
    version: i64,
}

impl DifferenceRow {
    fn stored(&self) -> Stored {
        Stored {
            id: self.id,
            kind: self.kind,
            item: self.item.clone(),
            ours: self.ours.clone(),
            national: self.national.clone(),
            status: self.status,
            version: self.version,
        }
    }

    fn view(self) -> CatalogDifference {
        CatalogDifference {
            id: self.id,
            procedure: self.procedure,
            our_code: self.our_code,
            procedure_name: self.procedure_name,
            kind: self.kind,
            kind_label: self.kind.label_vi().to_string(),
            item: self.item,
            ours: self.ours,
            national: self.national,
            status: self.status,
            status_label: self.status.label_vi().to_string(),
            first_seen_at: self.first_seen_at,
            last_changed_at: self.last_changed_at,
            resolved_by: self.resolved_by,
            resolved_at: self.resolved_at,
            note: self.note,
        }
    }
}

/// `GET /api/admin/national-catalog/differences?status=open|resolved|gone|all&procedure=CODE&kind=`:
/// every admin reads the review list (the catalog is the same in every province); the first 500.
pub async fn differences(ctx: &Ctx) -> Result<Response, ApiError> {
    admin(ctx).await?;
    let status = ctx.query("status").unwrap_or_else(|| "open".into());
    if !matches!(status.as_str(), "open" | "resolved" | "gone" | "all") {
        return Err(FieldError::new(
            "status",
            "invalid",
            "Trạng thái phải là open, resolved, gone hoặc all.",
            "status must be open, resolved, gone or all.",
        )
        .into());
    }
    let procedure = ctx.query("procedure").unwrap_or_default();
    // A whole national catalog holds thousands of procedures we do not offer: one kind at a time.
    let kind = ctx.query("kind").filter(|k| !k.is_empty()).unwrap_or_default();
    if !kind.is_empty() && serde_json::from_value::<DifferenceKind>(serde_json::Value::String(kind.clone())).is_err() {
        return Err(FieldError::new(
            "kind",
            "invalid",
            "Loại khác biệt phải là name, processing_days, fee_amount, legal_basis_missing, only_national hoặc only_ours.",
            "kind must be name, processing_days, fee_amount, legal_basis_missing, only_national or only_ours.",
        )
        .into());
    }
    let d1 = ctx.national()?;
    let rows: Vec<DifferenceRow> = db::all(
        d1.prepare(format!(
            "{DIFFERENCE} WHERE (?1 = 'all' OR status = ?1) AND (?2 = '' OR procedure = ?2 OR our_code = ?2) AND (?3 = '' OR kind = ?3) \
             ORDER BY CASE status WHEN 'open' THEN 0 WHEN 'resolved' THEN 1 ELSE 2 END, procedure, kind, item LIMIT 500"
        ))
        .bind(&[status.as_str().into(), procedure.as_str().into(), kind.as_str().into()])?,
    )
    .await?;
    #[derive(Deserialize)]
    struct Count {
        n: i64,
    }
    let open = db::first::<Count>(d1.prepare("SELECT count(*) AS n FROM national_catalog_differences WHERE status = 'open'").bind(&[])?)
        .await?
        .map(|c| c.n)
        .unwrap_or(0);
    let last_pull = db::first::<PullRow>(d1.prepare(format!("{PULL} ORDER BY id DESC LIMIT 1")).bind(&[])?).await?.map(|r| r.state());
    json(&DifferenceList { open, last_pull, differences: rows.into_iter().map(DifferenceRow::view).collect() })
}

#[derive(Deserialize)]
struct ResolveBody {
    #[serde(default)]
    note: String,
}

/// `POST /api/admin/national-catalog/differences/{id}/resolve` `{"note"}`: the national admin
/// records how an open difference was reviewed (the catalog was corrected, or ours is right and
/// why). Once; a later pull reopens it only if the values change.
pub async fn resolve(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let staff = admin(ctx).await?;
    if staff.role != StaffRole::National {
        return Err(national_only(None));
    }
    let not_found = || ApiError::NotFound { what: "difference", field: Some("id") };
    let id: i64 = id.parse().map_err(|_| not_found())?;
    let body: ResolveBody = ctx.json_body().await?;
    let note = Reason::parse_optional("note", &body.note)?.map(Reason::into_string).ok_or_else(|| {
        FieldError::new("note", "required", "Vui lòng ghi kết quả rà soát khác biệt.", "Write how the difference was reviewed.")
    })?;
    let d1 = ctx.national()?;
    let row = db::first::<DifferenceRow>(d1.prepare(format!("{DIFFERENCE} WHERE id = ?1")).bind(&[(id as f64).into()])?)
        .await?
        .ok_or_else(not_found)?;
    let not_open = |status: DifferenceStatus| ApiError::Conflict {
        code: "not_open".into(),
        message: "Only an open difference can be resolved.".into(),
        message_vi: format!("Chỉ xử lý được khác biệt đang cần rà soát; khác biệt này: {}.", status.label_vi().to_lowercase()),
        field: Some("id".into()),
    };
    if row.status != DifferenceStatus::Open {
        return Err(not_open(row.status));
    }
    let now = clock::rfc3339(clock::now());
    let result = d1
        .batch(vec![
            d1.prepare("INSERT INTO state_guard (ok) SELECT count(*) FROM national_catalog_differences WHERE id = ?1 AND version = ?2")
                .bind(&[(id as f64).into(), (row.version as f64).into()])?,
            d1.prepare(
                "UPDATE national_catalog_differences SET status = 'resolved', resolved_by = ?1, resolved_at = ?2, note = ?3, \
                   version = version + 1 WHERE id = ?4",
            )
            .bind(&[staff.username.as_str().into(), now.as_str().into(), note.as_str().into(), (id as f64).into()])?,
            audit::stmt(
                &d1,
                &staff,
                &now,
                "national_catalog.resolve",
                "national_catalog_difference",
                &id.to_string(),
                &json!({"status": row.status, "kind": row.kind, "procedure": row.procedure, "ours": row.ours, "national": row.national}),
                &json!({"status": DifferenceStatus::Resolved, "note": note}),
            )?,
        ])
        .await;
    match result {
        Ok(_) => {}
        Err(e) if db::is_stale(&e) => {
            let current = db::first::<DifferenceRow>(d1.prepare(format!("{DIFFERENCE} WHERE id = ?1")).bind(&[(id as f64).into()])?).await?;
            return Err(match current.map(|c| c.status).unwrap_or(DifferenceStatus::Gone) {
                // Still open: a pull gave it new values meanwhile, which the note did not see.
                DifferenceStatus::Open => ApiError::Conflict {
                    code: "conflict".into(),
                    message: "A pull changed this difference's values meanwhile. Reload and review it again.".into(),
                    message_vi: "Lần đối chiếu vừa rồi đã cập nhật giá trị của khác biệt này. Vui lòng tải lại và rà soát lại.".into(),
                    field: Some("id".into()),
                },
                other => not_open(other),
            });
        }
        Err(e) => return Err(e.into()),
    }
    let row = db::first::<DifferenceRow>(d1.prepare(format!("{DIFFERENCE} WHERE id = ?1")).bind(&[(id as f64).into()])?)
        .await?
        .ok_or_else(not_found)?;
    json(&row.view())
}
