//! An archived dossier read back from its parts (#20 part 3): the citizen's and the desk's detail
//! of a dossier whose month left D1, and the check of an archived receipt. The index rows in D1
//! (`archived_dossiers`, `archived_receipts`) say which part holds the record; the part is
//! fetched, gunzipped and read like any NDJSON part, its rows picked by `_dossier`.

use motcua_domain::api::{DossierDetail, PaymentSummary, TimelineEntry};
use motcua_domain::archive::month::DOSSIER_FIELD;
use motcua_domain::dossier::DossierAction;
use serde::Deserialize;
use serde_json::Value;

use crate::auth::session::StaffSession;
use crate::dossier::repo::{self, DossierRow};
use crate::platform::db::{self, Db};
use crate::platform::error::ApiError;
use crate::platform::http::Ctx;
use crate::platform::config;

/// The rows of the part at `object`.
pub async fn part_rows(ctx: &Ctx, object: &str) -> Result<Vec<Value>, ApiError> {
    let bucket = ctx.env.bucket(config::ARCHIVE)?;
    let Some(stored) = bucket.get(object).execute().await? else {
        return Err(ApiError::Unexpected(format!("archive part {object} missing")));
    };
    let bytes = stored.body().ok_or_else(|| ApiError::Unexpected("no body".into()))?.bytes().await?;
    Ok(motcua_domain::archive::read_part(&super::gzip(&bytes, "DecompressionStream").await?)?)
}

/// The part of `table` written in the same step and agency as the dossiers' part `part_key`.
fn sibling(part_key: &str, table: &str) -> String {
    part_key.replace("/dossiers/", &format!("/{table}/"))
}

fn of(rows: Vec<Value>, dossier: &str) -> impl Iterator<Item = Value> + '_ {
    rows.into_iter().filter(move |r| r.get(DOSSIER_FIELD).and_then(Value::as_str) == Some(dossier))
}

/// Who reads an archived dossier: its owner, or staff whose scope covers its agency (anyone
/// else is answered as if it did not exist, like a live dossier).
pub enum Reader<'a> {
    Citizen(&'a str),
    Staff(&'a StaffSession),
}

/// An archived dossier as its part holds it: the detail both the citizen and the desk see, and
/// how it was paid (the desk's view shows it).
pub struct Archived {
    pub detail: DossierDetail,
    pub paid_online: Option<bool>,
    pub procedure_code: String,
    pub deadline: Option<time::Date>,
    /// Its history, oldest first, for the desk's control sheet.
    pub steps: Vec<repo::EventRow>,
}

/// The archived dossier `id` if `reader` may read it: read-only (nothing payable), its status,
/// timeline, payments and receipt as they were when archived.
pub async fn dossier_detail(ctx: &Ctx, d1: &Db, reader: Reader<'_>, id: &str) -> Result<Option<Archived>, ApiError> {
    #[derive(Deserialize)]
    struct Index {
        part_key: String,
        owner_citizen_id: Option<String>,
        agency_code: String,
    }
    let index: Option<Index> =
        db::first(d1.prepare("SELECT part_key, owner_citizen_id, agency_code FROM archived_dossiers WHERE id = ?1").bind(&[id.into()])?).await?;
    let Some(index) = index.filter(|i| match reader {
        Reader::Citizen(citizen_id) => i.owner_citizen_id.as_deref() == Some(citizen_id),
        Reader::Staff(staff) => staff.covers(&i.agency_code),
    }) else {
        return Ok(None);
    };
    let Some(mut row) = of(part_rows(ctx, &index.part_key).await?, id).next() else {
        return Ok(None);
    };
    let paid_online = row.get("paid_online").and_then(Value::as_i64).map(|v| v != 0);
    if let Some(o) = row.as_object_mut() {
        o.insert("agency_name".into(), "".into());
        o.insert("procedure_name".into(), "".into());
        o.insert("archived".into(), 1.into());
    }
    let row: DossierRow = serde_json::from_value(row).map_err(|e| ApiError::Unexpected(e.to_string()))?;
    let row = repo::with_names(&ctx.national()?, vec![row]).await?.pop().expect("one row in, one out");
    let mut events: Vec<Value> = of(part_rows(ctx, &sibling(&index.part_key, "dossier_events")).await?, id).collect();
    events.sort_by_key(|e| e.get("id").and_then(Value::as_i64));
    let text = |v: &Value, f: &str| v.get(f).and_then(Value::as_str).map(str::to_string);
    let timeline = events
        .iter()
        .filter_map(|e| {
            let action: DossierAction = serde_json::from_value(e.get("action")?.clone()).ok()?;
            Some(TimelineEntry {
                at: text(e, "at")?,
                label: action.label_vi().to_string(),
                action: repo::enum_str(&action),
                to_status: text(e, "to_status")?,
                actor_role: text(e, "actor_role")?,
                reason: text(e, "reason"),
            })
        })
        .collect();
    let mut payments: Vec<PaymentSummary> = Vec::new();
    for p in of(part_rows_or_empty(ctx, &sibling(&index.part_key, "payments")).await?, id) {
        let (Ok(provider), Ok(state)) = (serde_json::from_value(p["provider"].clone()), serde_json::from_value::<motcua_domain::payment::State>(p["state"].clone())) else {
            continue;
        };
        let view = state.view();
        payments.push(PaymentSummary {
            id: text(&p, "id").unwrap_or_default(),
            reference: text(&p, "reference").unwrap_or_default(),
            provider,
            amount: p["amount"].as_f64().unwrap_or(0.0) as i64,
            status: view.status,
            status_label: view.label,
            finished: view.finished,
            created_at: text(&p, "created_at").unwrap_or_default(),
        });
    }
    payments.sort_by(|a, b| b.created_at.cmp(&a.created_at));
    let receipt = match of(part_rows_or_empty(ctx, &sibling(&index.part_key, "receipts")).await?, id).max_by_key(|r| text(r, "issued_at")) {
        Some(r) => crate::payment::receipt::archived_view(&ctx.national()?, r, row.code.clone(), Some(row.procedure_code.clone())).await?,
        None => None,
    }
    .map(|mut r| {
        crate::payment::receipt::name_for_dossier(&mut r, &row.agency_name, &row.procedure_name);
        r
    });
    let procedure_code = row.procedure_code.clone();
    let deadline = row.deadline.as_deref().and_then(|d| motcua_domain::calendar::parse_iso_date("deadline", d).ok());
    let steps = events.iter().filter_map(|e| serde_json::from_value(e.clone()).ok()).collect();
    let detail = DossierDetail {
        summary: row.summary(),
        channel: row.channel.clone(),
        has_fees: row.has_fees(),
        applicant: serde_json::from_str(&row.applicant_json).unwrap_or_default(),
        inputs: row.inputs(),
        timeline,
        fee_notice: None,
        payments,
        receipt,
        refunds: Vec::new(),
        payable: false,
        files: Vec::new(),
        results: Vec::new(),
        rating: None,
        postal_item: row.postal_item.clone(),
        wallet_documents: Vec::new(),
    };
    Ok(Some(Archived { detail, paid_online, procedure_code, deadline, steps }))
}

/// A part that may not exist (a step whose agency had no rows of that table).
async fn part_rows_or_empty(ctx: &Ctx, object: &str) -> Result<Vec<Value>, ApiError> {
    let bucket = ctx.env.bucket(config::ARCHIVE)?;
    if bucket.head(object).await?.is_none() {
        return Ok(Vec::new());
    }
    part_rows(ctx, object).await
}

/// The archived receipt with this check code, as its part holds it, with its dossier's code and
/// procedure; `None` when no receipt of that code was archived in `d1`.
pub async fn receipt(ctx: &Ctx, d1: &Db, verify_code: &str) -> Result<Option<(Value, Option<String>, Option<String>)>, ApiError> {
    #[derive(Deserialize)]
    struct Index {
        dossier_id: String,
        part_key: String,
    }
    let index: Option<Index> =
        db::first(d1.prepare("SELECT dossier_id, part_key FROM archived_receipts WHERE verify_code = ?1").bind(&[verify_code.into()])?).await?;
    let Some(index) = index else { return Ok(None) };
    let Some(r) = of(part_rows(ctx, &index.part_key).await?, &index.dossier_id).find(|r| r.get("verify_code").and_then(Value::as_str) == Some(verify_code)) else {
        return Ok(None);
    };
    let dossier = of(part_rows(ctx, &index.part_key.replace("/receipts/", "/dossiers/")).await?, &index.dossier_id).next();
    let field = |f: &str| dossier.as_ref().and_then(|d| d.get(f)).and_then(Value::as_str).map(str::to_string);
    Ok(Some((r, field("code"), field("procedure_code"))))
}
