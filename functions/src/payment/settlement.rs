//! Reconciliation with the providers' daily settlement files and the bank statement:
//! `POST /api/admin/settlements/import?provider=P&date=YYYY-MM-DD&agency=CODE` with the file as
//! the body matches every row against the ledger of that day (settled payments of the agency's
//! subtree through that provider) with `motcua_domain::settlement`; each finding is stored once
//! under a key made of the provider, agency, day and what it found, so importing the same file
//! (or an overlapping one) again changes nothing. `GET /api/admin/settlements/differences`
//! lists what is not matched; `POST .../differences/{id}/resolve` `{"note"}` closes one, audited,
//! once. The cron writes a daily report of what is still open.

use motcua_domain::calendar;
use motcua_domain::money::Vnd;
use motcua_domain::settlement::{finding_key, reconcile, FileFormat, FindingKind, LedgerEntry, SettlementRow};
use motcua_domain::text_input::Reason;
use motcua_domain::validation::FieldError;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use worker::{Env, Response};
use crate::platform::db::Db;

use crate::desk::admin::{admin, agency_in_scope};
use crate::desk::audit;
use crate::platform::error::ApiError;
use crate::platform::http::{json, Ctx};
use crate::platform::{clock, db, random};

/// The most a day's file may weigh (a commune's day is a few hundred lines).
pub const FILE_MAX_BYTES: usize = 2 * 1024 * 1024;

/// Which providers' settlements a file format reconciles.
fn providers_of(format: FileFormat) -> &'static [&'static str] {
    match format {
        FileFormat::Vnpay => &["vnpay"],
        FileFormat::Momo => &["momo"],
        FileFormat::Zalopay => &["zalopay"],
        FileFormat::Bank => &["vietqr"],
    }
}

/// A finding's columns, for every read of `settlement_findings`.
const FINDING: &str = "SELECT id, provider, agency_code, day, kind, reference, provider_txn, file_amount, ledger_amount, payment_id, line, \
     resolved_by, resolved_at, resolution FROM settlement_findings";

/// The agency and every agency under it, from the isolate's catalog cache, as the JSON list a
/// shard statement takes as `json_each(?n)` (the shard has no agencies table: SHARDING.md §2,
/// tool c).
async fn subtree(national: &Db, agency: &str) -> Result<String, ApiError> {
    let agencies = crate::catalog::cache::agencies(national).await?;
    let mut codes = vec![agency.to_string()];
    let mut i = 0;
    while i < codes.len() {
        let parent = codes[i].clone();
        codes.extend(agencies.iter().filter(|a| a.parent_code.as_deref() == Some(parent.as_str())).map(|a| a.code.clone()));
        i += 1;
    }
    serde_json::to_string(&codes).map_err(|e| ApiError::Unexpected(e.to_string()))
}

#[derive(Serialize, Deserialize, Clone)]
struct FindingRow {
    id: String,
    provider: String,
    agency_code: String,
    day: String,
    kind: FindingKind,
    reference: String,
    provider_txn: String,
    file_amount: Option<i64>,
    ledger_amount: Option<i64>,
    payment_id: Option<String>,
    line: Option<i64>,
    resolved_by: Option<String>,
    resolved_at: Option<String>,
    resolution: Option<String>,
}

fn with_label(r: &FindingRow) -> serde_json::Value {
    let mut v = serde_json::to_value(r).unwrap_or_default();
    v["label"] = json!(r.kind.label_vi());
    v
}

pub async fn import(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let staff = admin(ctx).await?;
    let agency = ctx.query("agency").filter(|a| !a.is_empty()).ok_or_else(|| FieldError::required("agency"))?;
    agency_in_scope(&staff, &agency)?;
    let provider = ctx.query("provider").unwrap_or_default();
    // A treasury account's statement also holds the collection accounts' remittances, which
    // carry no payment reference: matching it needs the remittance ledger, not built yet.
    if provider.trim() == "treasury" {
        return Err(FieldError::new(
            "provider",
            "not_supported",
            "Chưa đối soát được sao kê tài khoản Kho bạc; hãy nhập sao kê ngân hàng của tài khoản nhận chuyển khoản (vietqr).",
            "Treasury account statements are not reconciled yet; import the receiving account's bank statement as vietqr.",
        )
        .into());
    }
    let format = FileFormat::parse("provider", &provider)?;
    let date = calendar::parse_iso_date("date", &ctx.query("date").unwrap_or_default())?;
    let bytes = ctx.req.bytes().await.map_err(|_| FieldError::new("file", "unreadable", "Không đọc được tệp.", "The file could not be read."))?;
    if bytes.len() > FILE_MAX_BYTES {
        return Err(FieldError::new("file", "too_large", "Tệp đối soát tối đa 2 MB.", "A settlement file is at most 2 MB.").into());
    }
    let text = String::from_utf8(bytes).map_err(|_| FieldError::new("file", "not_utf8", "Tệp phải là văn bản UTF-8 (CSV).", "The file must be UTF-8 text (CSV)."))?;
    let rows: Vec<SettlementRow> = format.parse_file(&text).map_err(FieldError::from)?;
    let national = ctx.national()?;
    let shard = crate::platform::shards::map(&ctx.env).shard_of_agency(&agency)?;
    let d1 = ctx.shard(shard)?;
    let day = date.to_string();
    let sha = hex::encode(Sha256::digest(text.as_bytes()));
    let now = clock::rfc3339(clock::now());
    let import_id = random::id();
    let created = d1
        .prepare(
            "INSERT OR IGNORE INTO settlement_imports (id, provider, agency_code, day, file_sha256, rows, imported_by, imported_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )
        .bind(&[
            import_id.as_str().into(),
            format.as_str().into(),
            agency.as_str().into(),
            day.as_str().into(),
            sha.as_str().into(),
            (rows.len() as f64).into(),
            staff.username.as_str().into(),
            now.as_str().into(),
        ])?
        .run()
        .await?
        .meta()?
        .and_then(|m| m.changes)
        .unwrap_or(0)
        > 0;
    if !created {
        // The same file for the same day: nothing is matched or stored again.
        return summary(&d1, format, &agency, &day, false).await;
    }
    let (from, to) = clock::day_bounds_vn(date);
    let providers = serde_json::to_string(providers_of(format)).unwrap_or_default();
    let sub = subtree(&national, &agency).await?;
    #[derive(Deserialize)]
    struct Settled {
        reference: String,
        provider_txn: String,
        amount: i64,
        payment_id: String,
    }
    let settled: Vec<Settled> = db::all(
        d1.prepare(
            "SELECT p.reference, s.provider_txn, s.amount, s.payment_id FROM settlements s JOIN payments p ON p.id = s.payment_id \
             WHERE s.provider IN (SELECT value FROM json_each(?2)) AND s.settled_at >= ?3 AND s.settled_at < ?4 \
               AND p.agency_code IN (SELECT value FROM json_each(?1))",
        )
        .bind(&[sub.as_str().into(), providers.as_str().into(), from.into(), to.into()])?,
    )
    .await?;
    // A row about another agency's payment is not this import's to judge: one whose reference
    // names another shard is elsewhere without a read; the rest are looked up in this shard.
    let rows: Vec<SettlementRow> = rows
        .into_iter()
        .filter(|r| {
            !motcua_domain::gateway::Reference::parse("reference", &r.reference)
                .ok()
                .and_then(|reference| motcua_domain::shard::encoded_shard(&reference).ok().flatten())
                .is_some_and(|named| named != shard)
        })
        .collect();
    let refs = serde_json::to_string(&rows.iter().map(|r| r.reference.as_str()).collect::<Vec<_>>()).unwrap_or_default();
    #[derive(Deserialize)]
    struct Elsewhere {
        reference: String,
    }
    let elsewhere: Vec<Elsewhere> = db::all(
        d1.prepare(
            "SELECT reference FROM payments WHERE reference IN (SELECT value FROM json_each(?2)) AND agency_code NOT IN (SELECT value FROM json_each(?1))",
        )
        .bind(&[sub.as_str().into(), refs.into()])?,
    )
    .await?;
    let rows: Vec<SettlementRow> = rows.into_iter().filter(|r| !elsewhere.iter().any(|e| e.reference == r.reference)).collect();
    let ledger: Vec<LedgerEntry> = settled
        .into_iter()
        .map(|s| LedgerEntry { reference: s.reference, provider_txn: s.provider_txn, amount: Vnd::dong(s.amount.max(0)), payment_id: s.payment_id })
        .collect();
    let findings = reconcile(&rows, &ledger);
    let mut stmts = Vec::with_capacity(findings.len() + 1);
    for f in &findings {
        let id = hex::encode(Sha256::digest(format!("{}|{agency}|{day}|{}", format.as_str(), finding_key(f)).as_bytes()));
        stmts.push(
            d1.prepare(
                "INSERT OR IGNORE INTO settlement_findings (id, import_id, provider, agency_code, day, kind, reference, provider_txn, \
                   file_amount, ledger_amount, payment_id, line) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )
            .bind(&[
                id[..32].into(),
                import_id.as_str().into(),
                format.as_str().into(),
                agency.as_str().into(),
                day.as_str().into(),
                f.kind.as_str().into(),
                f.reference.as_str().into(),
                f.provider_txn.as_str().into(),
                f.file_amount.map(|v| (v.as_dong() as f64).into()).unwrap_or(worker::wasm_bindgen::JsValue::NULL),
                f.ledger_amount.map(|v| (v.as_dong() as f64).into()).unwrap_or(worker::wasm_bindgen::JsValue::NULL),
                db::nullable(f.payment_id.as_deref()),
                f.line.map(|l| (l as f64).into()).unwrap_or(worker::wasm_bindgen::JsValue::NULL),
            ])?,
        );
    }
    stmts.push(audit::stmt_in(
        &d1,
        &staff,
        Some(&agency),
        &now,
        "settlement.import",
        "agency",
        &agency,
        &serde_json::Value::Null,
        &json!({"provider": format.as_str(), "day": day, "rows": rows.len(), "file_sha256": sha}),
    )?);
    // D1 batches are bounded; a day's file is split into chunks that each apply atomically and
    // idempotently (INSERT OR IGNORE on the finding's id), so a retry finishes the rest.
    for chunk in stmts.chunks(90) {
        d1.batch(chunk.to_vec()).await?;
    }
    summary(&d1, format, &agency, &day, true).await
}

async fn findings_of(d1: &Db, provider: &str, agency: &str, day: &str) -> Result<Vec<FindingRow>, ApiError> {
    db::all(
        d1.prepare(format!("{FINDING} WHERE provider = ?1 AND agency_code = ?2 AND day = ?3 ORDER BY kind, reference, line"))
        .bind(&[provider.into(), agency.into(), day.into()])?,
    )
    .await
}

async fn summary(d1: &Db, format: FileFormat, agency: &str, day: &str, imported: bool) -> Result<Response, ApiError> {
    let findings = findings_of(d1, format.as_str(), agency, day).await?;
    let mut counts = serde_json::Map::new();
    for kind in [FindingKind::Matched, FindingKind::MissingFromLedger, FindingKind::MissingFromFile, FindingKind::AmountMismatch, FindingKind::Duplicate] {
        counts.insert(kind.as_str().into(), json!(findings.iter().filter(|f| f.kind == kind).count()));
    }
    let body = json!({
        "provider": format.as_str(),
        "agency_code": agency,
        "date": day,
        // False when this exact file was imported before: nothing changed.
        "imported": imported,
        "counts": counts,
        "differences": findings.iter().filter(|f| f.kind != FindingKind::Matched).map(with_label).collect::<Vec<_>>(),
    });
    Ok(json(&body)?.with_status(if imported { 201 } else { 200 }))
}

/// `GET /api/admin/settlements/differences?agency=CODE[&status=open|all]`: what matching found
/// that is not a match, newest day first.
pub async fn differences(ctx: &Ctx) -> Result<Response, ApiError> {
    let staff = admin(ctx).await?;
    let agency = ctx.query("agency").filter(|a| !a.is_empty()).ok_or_else(|| FieldError::required("agency"))?;
    agency_in_scope(&staff, &agency)?;
    let open_only = match ctx.query("status").as_deref() {
        None | Some("open") => true,
        Some("all") => false,
        Some(_) => return Err(FieldError::new("status", "invalid_choice", "Trạng thái là open hoặc all.", "The status is open or all.").into()),
    };
    let sub = subtree(&ctx.national()?, &agency).await?;
    let d1 = ctx.shard_of_agency("agency", &agency)?;
    let rows: Vec<FindingRow> = db::all(
        d1.prepare(format!(
            "{FINDING} WHERE agency_code IN (SELECT value FROM json_each(?1)) AND kind != 'matched' \
               AND (?2 = 0 OR resolved_at IS NULL) ORDER BY day DESC, provider, kind, reference LIMIT 500"
        ))
        .bind(&[sub.into(), (if open_only { 1.0 } else { 0.0 }).into()])?,
    )
    .await?;
    #[derive(Deserialize, Serialize)]
    struct Report {
        day: String,
        open_count: i64,
        created_at: String,
    }
    let report: Option<Report> = db::first(d1.prepare("SELECT day, open_count, created_at FROM settlement_reports ORDER BY day DESC LIMIT 1")).await?;
    json(&json!({"agency_code": agency, "differences": rows.iter().map(with_label).collect::<Vec<_>>(), "last_report": report}))
}

#[derive(Deserialize)]
struct ResolveBody {
    #[serde(default)]
    note: String,
}

/// `POST /api/admin/settlements/differences/{id}/resolve` `{"note"}`: an admin closes a
/// difference with what was done (tra soát with the provider, a refund, a correction); once.
pub async fn resolve(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let staff = admin(ctx).await?;
    let body: ResolveBody = ctx.json_body().await?;
    let note = Reason::parse_optional("note", &body.note)?
        .map(Reason::into_string)
        .ok_or_else(|| FieldError::new("note", "required", "Vui lòng ghi cách đã xử lý chênh lệch.", "Write how the difference was resolved."))?;
    // A finding's id is its database's: `?shard=` names the shard (the differences list of
    // one agency is one shard's), else each shard of the admin's scope is asked.
    let dbs = match ctx.query("shard").filter(|s| !s.is_empty()) {
        Some(s) => vec![ctx.shard(motcua_domain::shard::ShardId::parse("shard", &s)?)?],
        None => crate::platform::shards::of_agencies(&ctx.env, &staff.agencies)?,
    };
    let id_owned = id.to_string();
    let found: Vec<Option<FindingRow>> = crate::platform::shards::fanout(dbs, |d1| {
        let id = id_owned.clone();
        async move { db::first::<FindingRow>(d1.prepare(format!("{FINDING} WHERE id = ?1 AND kind != 'matched'")).bind(&[id.as_str().into()])?).await }
    })
    .await?;
    let row = found.into_iter().flatten().find(|r| staff.covers(&r.agency_code)).ok_or(ApiError::NotFound { what: "difference", field: Some("id") })?;
    let d1 = ctx.shard_of_agency("id", &row.agency_code)?;
    let now = clock::rfc3339(clock::now());
    // Written only if still open: two admins resolving at once record one resolution.
    let result = d1
        .batch(vec![
            d1.prepare("INSERT INTO state_guard (ok) SELECT count(*) FROM settlement_findings WHERE id = ?1 AND resolved_at IS NULL")
                .bind(&[id.into()])?,
            d1.prepare("UPDATE settlement_findings SET resolved_by = ?1, resolved_at = ?2, resolution = ?3 WHERE id = ?4 AND resolved_at IS NULL")
                .bind(&[staff.username.as_str().into(), now.as_str().into(), note.as_str().into(), id.into()])?,
            audit::stmt_in(&d1, &staff, Some(&row.agency_code), &now, "settlement.resolve", "agency", &row.agency_code, &with_label(&row), &json!({"id": id, "note": note}))?,
        ])
        .await;
    match result {
        Ok(_) => {}
        Err(e) if db::is_stale(&e) => {
            return Err(ApiError::Conflict {
                code: "already_resolved".into(),
                message: "This difference was already resolved.".into(),
                message_vi: "Chênh lệch này đã được xử lý.".into(),
                field: Some("id".into()),
            })
        }
        Err(e) => return Err(e.into()),
    }
    let row: Option<FindingRow> = db::first(d1.prepare(format!("{FINDING} WHERE id = ?1")).bind(&[id.into()])?).await?;
    json(&row.map(|r| with_label(&r)))
}

/// The cron's daily report: once per Vietnamese day and shard, the differences still open per
/// agency of that shard. Answers the open total of the reports written now (`None`: none was,
/// every shard had today's).
pub async fn daily_report(env: &Env) -> Result<Option<i64>, ApiError> {
    let mut written = None;
    for d1 in crate::platform::shards::all(env)? {
        if let Some(n) = daily_report_in(&d1).await? {
            written = Some(written.unwrap_or(0) + n);
        }
    }
    Ok(written)
}

async fn daily_report_in(d1: &Db) -> Result<Option<i64>, ApiError> {
    let day = clock::today_vn().to_string();
    #[derive(Deserialize)]
    struct Open {
        agency_code: String,
        n: i64,
    }
    let open: Vec<Open> = db::all(d1.prepare(
        "SELECT agency_code, count(*) AS n FROM settlement_findings WHERE kind != 'matched' AND resolved_at IS NULL GROUP BY agency_code",
    ))
    .await?;
    let total: i64 = open.iter().map(|o| o.n).sum();
    let by_agency: serde_json::Map<String, serde_json::Value> = open.iter().map(|o| (o.agency_code.clone(), json!(o.n))).collect();
    let written = d1
        .prepare("INSERT OR IGNORE INTO settlement_reports (day, open_count, by_agency, created_at) VALUES (?1, ?2, ?3, ?4)")
        .bind(&[day.as_str().into(), (total as f64).into(), serde_json::Value::Object(by_agency).to_string().into(), clock::rfc3339(clock::now()).into()])?
        .run()
        .await?
        .meta()?
        .and_then(|m| m.changes)
        .unwrap_or(0);
    Ok((written > 0).then_some(total))
}
