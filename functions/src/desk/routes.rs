//! The desk's own endpoints: `POST /api/staff/dossiers` (a walk-in dossier taken at the
//! counter), `POST /api/staff/dossiers/{id}/counter-payment` (cash at the counter: settled as
//! not online, with a receipt), `POST /api/staff/dossiers/{id}/results?name=` (the digitized
//! result, stored in R2 and shown to the citizen) and `GET /api/dossiers/{id}/results/{file}`
//! (its download, for the owner and the desk).

use motcua_domain::api::{DeskIntakeFields, SubmitDossier};
use motcua_domain::indicators;
use motcua_domain::desk;
use motcua_domain::dossier::{self, Command, DossierAction, Role};
use motcua_domain::gateway::CallbackOutcome;
use motcua_domain::payment;
use serde::Deserialize;
use serde_json::json;
use worker::{HttpMetadata, Response};

use super::{audit, view};
use crate::auth::session;
use crate::dossier::repo::{self, DossierRow};
use crate::dossier::routes::{prepare, Intake};
use crate::dossier::staff_routes::{officer, state_of, transition_error};
use crate::dossier::{access, store};
use crate::payment::routes::not_payable;
use crate::payment::store as payment_store;
use crate::platform::error::ApiError;
use crate::platform::http::{json, Ctx};
use crate::platform::{clock, config, db, random};

/// `POST /api/staff/dossiers`: the same fields as a citizen's submission, for a person at the
/// counter without an account. The dossier is issued its code and received at once.
pub async fn walk_in(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let staff = session::staff(ctx).await?;
    let text = ctx.body_text(crate::platform::http::JSON_BODY_MAX).await?;
    let req: SubmitDossier = motcua_domain::validation::from_json(&text)?;
    let how: DeskIntakeFields = motcua_domain::validation::from_json(&text)?;
    if !staff.covers(req.agency.trim()) {
        return Err(ApiError::NotFound { what: "agency", field: Some("agency") });
    }
    let desk = indicators::desk_intake(how.channel.as_deref(), how.postal_item.as_deref())?;
    let national = ctx.national()?;
    // Paperless days: a paper dossier of this procedure is not taken at the counter today; the
    // officer helps the citizen file online instead (crate::paperless). Checked before intake,
    // for the counter only: a dossier that came by post has no citizen at the desk to help.
    if matches!(desk.channel, indicators::Channel::Counter) {
        crate::paperless::routes::refuse_paper(&national, &req.agency, &req.procedure, clock::now()).await?;
    }
    // The dossier, its events and its audit row go to the agency's shard, in one batch.
    let d1 = crate::dossier::routes::agency_shard(ctx, &national, &req).await?;
    let mut new = prepare(ctx, &d1, &req, Intake::Counter { staff_id: &staff.staff_id, desk: &desk }).await?;
    new.stmts.push(audit::stmt(
        &d1,
        &staff,
        &new.at,
        "walk_in",
        "dossier",
        &new.id,
        &serde_json::Value::Null,
        &json!({"code": new.code, "agency": req.agency, "procedure": req.procedure, "channel": desk.channel.key(), "postal_item": desk.postal_item, "status": "received"}),
    )?);
    d1.batch(new.stmts).await?;
    let row = repo::dossier(&d1, &national, &new.id).await?.ok_or_else(|| ApiError::Unexpected("dossier vanished".into()))?;
    Ok(json(&view::staff_view(&d1, &national, &row).await?)?.with_status(201))
}

/// `POST /api/staff/dossiers/{id}/counter-payment`: the citizen paid the open notice in cash
/// at the counter. Settled through the same exactly-once path as online payments, as not
/// online, and a receipt is issued.
pub async fn counter_payment(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let (staff, row) = access::staff_dossier(ctx, id).await?;
    let now = clock::now();
    // Refused early, before an attempt is opened, when the state machine says no.
    dossier::transition(row.status, DossierAction::PayAtCounter, Role::Officer, row.has_fees()).map_err(transition_error)?;
    let (d1, national) = (access::shard_of(ctx, id).await?, ctx.national()?);
    let shard = d1.shard().ok_or_else(|| ApiError::Unexpected("a dossier's database names its shard".into()))?;
    let notice = repo::latest_notice(&d1, &row.id).await?;
    let amount = payment::payable(row.status, notice.as_ref().map(|n| n.as_open())).map_err(not_payable)?;
    let notice = notice.expect("payable means an open notice");
    let at = clock::rfc3339(now);
    let payment_id = random::sharded_id(shard);
    let reference = motcua_domain::shard::sharded_reference(shard, random::u64());
    let actor = format!("staff:{}", staff.staff_id);
    // Cash is taken whatever is configured; where the accounts are, the receipt and the
    // statement show where each line is owed.
    let lines: Vec<motcua_domain::fee::FeeLineAmount> = serde_json::from_str(&notice.lines_json).unwrap_or_default();
    let routing = motcua_domain::beneficiary::route(&lines, &crate::payment::accounts::of_agency(&national, &row.agency_code).await?).ok();
    payment_store::create(
        &d1,
        payment_store::Owner::Dossier(&row),
        payment_store::NewPayment {
            id: &payment_id,
            reference: reference.as_str(),
            bill_id: &notice.id,
            provider: "counter",
            amount: amount.as_dong(),
            started_by: &actor,
            at: &at,
            expires_at: &at,
            merchant_agency: None,
            routing: routing.as_ref(),
        },
    )
    .await?;
    let txn = format!("QUAY-{}", reference.as_str());
    match payment_store::settle(&ctx.env, &d1, &payment_id, &txn, payment_store::Settler::Counter { staff: &staff }, &at).await? {
        CallbackOutcome::Recorded | CallbackOutcome::AlreadyConfirmed => {}
        _ => return Err(store::stale(&d1, &row.id).await),
    }
    let row = repo::dossier(&d1, &national, id).await?.ok_or(ApiError::NotFound { what: "dossier", field: Some("id") })?;
    json(&view::staff_view(&d1, &national, &row).await?)
}

/// `POST /api/staff/dossiers/{id}/results?name=ket-qua.pdf` with the file as the body: stores the
/// digitized result and marks the result ready (the domain decides whether it may be).
pub async fn attach_result(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let (staff, row) = access::staff_dossier(ctx, id).await?;
    let now = clock::now();
    // Refused before the file is read when the state machine says no.
    dossier::transition(row.status, DossierAction::MarkResultReady, Role::Officer, row.has_fees()).map_err(transition_error)?;
    let content_type = ctx.req.headers().get("content-type")?.unwrap_or_default();
    let name = ctx.query("name").unwrap_or_default();
    let bytes = ctx.req.bytes().await?;
    let name = desk::check_result_file(&name, &content_type, bytes.len())?;
    let content_type = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let d1 = access::shard_of(ctx, id).await?;
    let file_id = random::sharded_id(d1.shard().ok_or_else(|| ApiError::Unexpected("a dossier's database names its shard".into()))?);
    let size = bytes.len();
    let command = Command::AttachResult { file_id: file_id.clone(), name: name.clone(), size: size as u64 };
    let decision = dossier::decide(state_of(&row), command, &officer(&staff), now).map_err(store::refused)?;
    let key = format!("results/{}/{file_id}", row.id);
    let bucket = ctx.env.bucket(config::SCANS)?;
    bucket
        .put(&key, bytes)
        .http_metadata(HttpMetadata { content_type: Some(content_type.clone()), ..Default::default() })
        .execute()
        .await?;
    let at = clock::rfc3339(now);
    let file_row = d1
        .prepare(
            "INSERT INTO dossier_results (id, dossier_id, name, content_type, size, r2_key, created_by, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )
        .bind(&[
            file_id.as_str().into(),
            row.id.as_str().into(),
            name.as_str().into(),
            content_type.as_str().into(),
            (size as f64).into(),
            key.as_str().into(),
            staff.staff_id.as_str().into(),
            at.as_str().into(),
        ])?;
    if let Err(e) = store::write(&d1, &row, &decision, Some(&staff), &at, vec![file_row]).await {
        // Nothing half-done: the bytes go when their record could not be written.
        let _ = bucket.delete(&key).await;
        return Err(e);
    }
    let national = ctx.national()?;
    let row = repo::dossier(&d1, &national, id).await?.ok_or(ApiError::NotFound { what: "dossier", field: Some("id") })?;
    Ok(json(&view::staff_view(&d1, &national, &row).await?)?.with_status(201))
}

/// The dossier for a download: its owner, or staff covering its agency.
async fn reader_dossier(ctx: &Ctx, id: &str) -> Result<DossierRow, ApiError> {
    if session::optional_citizen(ctx).await?.is_some() {
        return Ok(access::owned_dossier(ctx, id).await?.1);
    }
    Ok(access::staff_dossier(ctx, id).await?.1)
}

/// `GET /api/dossiers/{id}/results/{file}`.
pub async fn download_result(ctx: &Ctx, id: &str, file: &str) -> Result<Response, ApiError> {
    let row = reader_dossier(ctx, id).await?;
    let d1 = access::shard_of(ctx, id).await?;
    // Once signed, the signed PDF is what everyone downloads (the unsigned scan stays stored).
    if let Some(signed) = crate::document::repo::signed_by_result(&d1, file).await?.filter(|s| s.dossier_id == row.id) {
        return crate::document::routes::serve_object(ctx, &signed.r2_key, &signed.name, "application/pdf").await;
    }
    #[derive(Deserialize)]
    struct File {
        name: String,
        content_type: String,
        r2_key: String,
    }
    let not_found = || ApiError::NotFound { what: "file", field: Some("file") };
    let f: File = db::first(
        d1.prepare("SELECT name, content_type, r2_key FROM dossier_results WHERE id = ?1 AND dossier_id = ?2")
            .bind(&[file.into(), row.id.as_str().into()])?,
    )
    .await?
    .ok_or_else(not_found)?;
    let object = ctx.env.bucket(config::SCANS)?.get(&f.r2_key).execute().await?.ok_or_else(not_found)?;
    let bytes = object.body().ok_or_else(not_found)?.bytes().await?;
    let mut resp = Response::from_bytes(bytes)?;
    let ascii: String = motcua_domain::text::fold(&f.name).chars().filter(|c| c.is_ascii_graphic() || *c == ' ').collect();
    let h = resp.headers_mut();
    h.set("content-type", &f.content_type)?;
    h.set("content-disposition", &format!("inline; filename=\"{}\"", ascii.replace('"', "")))?;
    h.set("cache-control", "private, no-store")?;
    h.set("x-content-type-options", "nosniff")?;
    Ok(resp)
}
