//! The desk's own endpoints: `POST /api/staff/dossiers` (a walk-in dossier taken at the
//! counter), `POST /api/staff/dossiers/{id}/counter-payment` (cash at the counter: settled as
//! not online, with a receipt), `POST /api/staff/dossiers/{id}/results?name=` (the digitized
//! result, stored in R2 and shown to the citizen) and `GET /api/dossiers/{id}/results/{file}`
//! (its download, for the owner and the desk).

use motcua_domain::api::SubmitDossier;
use motcua_domain::desk;
use motcua_domain::dossier::{self, DossierAction, Role};
use motcua_domain::gateway::Reference;
use serde::Deserialize;
use serde_json::json;
use worker::{HttpMetadata, Response};

use super::{audit, view};
use crate::auth::session;
use crate::dossier::repo::{self, enum_str, DossierRow};
use crate::dossier::routes::{prepare, Intake};
use crate::dossier::{access, staff_routes::transition_error};
use crate::payment::{ledger, repo as payment_repo, settle};
use crate::platform::error::ApiError;
use crate::platform::http::{json, Ctx};
use crate::platform::{clock, config, db, random};

/// `POST /api/staff/dossiers`: the same fields as a citizen's submission, for a person at the
/// counter without an account. The dossier is issued its code and received at once.
pub async fn walk_in(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let staff = session::staff(ctx).await?;
    let req: SubmitDossier = ctx.json_body().await?;
    if !staff.covers(req.agency.trim()) {
        return Err(ApiError::NotFound { what: "agency", field: Some("agency") });
    }
    let d1 = ctx.d1()?;
    let mut new = prepare(ctx, &req, Intake::Counter { staff_id: &staff.staff_id }).await?;
    new.stmts.push(audit::stmt(
        &d1,
        &staff,
        &new.at,
        "walk_in",
        "dossier",
        &new.id,
        &serde_json::Value::Null,
        &json!({"code": new.code, "agency": req.agency, "procedure": req.procedure, "channel": "counter", "status": "received"}),
    )?);
    d1.batch(new.stmts).await?;
    let row = repo::dossier(&d1, &new.id).await?.ok_or_else(|| ApiError::Unexpected("dossier vanished".into()))?;
    Ok(json(&view::staff_view(&d1, &row).await?)?.with_status(201))
}

/// `POST /api/staff/dossiers/{id}/counter-payment`: the citizen paid the open notice in cash
/// at the counter. Settled through the same exactly-once path as online payments, as not
/// online, and a receipt is issued.
pub async fn counter_payment(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let (staff, row) = access::staff_dossier(ctx, id).await?;
    let now = clock::now();
    dossier::record(
        row.status,
        DossierAction::PayAtCounter,
        dossier::Actor { role: Role::Officer, id: staff.staff_id.clone() },
        row.has_fees(),
        now,
        None,
    )
    .map_err(transition_error)?;
    let d1 = ctx.d1()?;
    let notice = match repo::latest_notice(&d1, &row.id).await? {
        Some(n) if n.status == "open" && n.total > 0 => n,
        _ => {
            return Err(ApiError::Conflict {
                code: "not_payable".into(),
                message: "The dossier has no open fee notice.".into(),
                message_vi: "Hồ sơ chưa có thông báo phí, lệ phí cần thu.".into(),
                field: None,
            })
        }
    };
    let at = clock::rfc3339(now);
    let payment_id = random::id();
    let reference = Reference::from_random(random::u64());
    let actor = format!("staff:{}", staff.staff_id);
    d1.batch(vec![
        d1.prepare(
            "INSERT INTO payments (id, reference, notice_id, dossier_id, agency_code, provider, amount, state, started_by, \
               created_at, expires_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, 'counter', ?6, 'created', ?7, ?8, ?8, ?8)",
        )
        .bind(&[
            payment_id.as_str().into(),
            reference.as_str().into(),
            notice.id.as_str().into(),
            row.id.as_str().into(),
            row.agency_code.as_str().into(),
            (notice.total as f64).into(),
            actor.as_str().into(),
            at.as_str().into(),
        ])?,
        ledger::event_stmt(&d1, &payment_id, &at, "created", &json!({"provider": "counter", "amount": notice.total, "by": actor}))?,
        audit::stmt(
            &d1,
            &staff,
            &at,
            "pay_at_counter",
            "dossier",
            &row.id,
            &json!({"status": enum_str(&row.status), "notice_id": notice.id}),
            &json!({"status": "paid", "payment_id": payment_id, "amount": notice.total, "online": false}),
        )?,
    ])
    .await?;
    let payment = payment_repo::by_reference(&d1, reference.as_str())
        .await?
        .ok_or_else(|| ApiError::Unexpected("counter payment vanished".into()))?;
    let txn = format!("QUAY-{}", reference.as_str());
    settle::settle_once(&ctx.env, &d1, &payment, &txn, "counter", false, &at).await?;
    let row = repo::dossier(&d1, id).await?.ok_or(ApiError::NotFound { what: "dossier", field: Some("id") })?;
    json(&view::staff_view(&d1, &row).await?)
}

/// `POST /api/staff/dossiers/{id}/results?name=ket-qua.pdf` with the file as the body: stores the
/// digitized result and marks the result ready (the domain decides whether it may be).
pub async fn attach_result(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let (staff, row) = access::staff_dossier(ctx, id).await?;
    let now = clock::now();
    let event = dossier::record(
        row.status,
        DossierAction::MarkResultReady,
        dossier::Actor { role: Role::Officer, id: staff.staff_id.clone() },
        row.has_fees(),
        now,
        None,
    )
    .map_err(transition_error)?;
    let content_type = ctx.req.headers().get("content-type")?.unwrap_or_default();
    let name = ctx.query("name").unwrap_or_default();
    let bytes = ctx.req.bytes().await?;
    let name = desk::check_result_file(&name, &content_type, bytes.len())?;
    let content_type = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let file_id = random::id();
    let key = format!("results/{}/{file_id}", row.id);
    let size = bytes.len();
    let bucket = ctx.env.bucket(config::SCANS)?;
    bucket
        .put(&key, bytes)
        .http_metadata(HttpMetadata { content_type: Some(content_type.clone()), ..Default::default() })
        .execute()
        .await?;
    let d1 = ctx.d1()?;
    let at = clock::rfc3339(now);
    let stored = d1
        .batch(vec![
            d1.prepare(
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
            ])?,
            d1.prepare("UPDATE dossiers SET status = ?1, updated_at = ?2 WHERE id = ?3")
                .bind(&[enum_str(&event.to).into(), at.as_str().into(), row.id.as_str().into()])?,
            repo::event_stmt(&d1, &row.id, &at, "officer", &staff.staff_id, DossierAction::MarkResultReady, Some(row.status), event.to, None)?,
            audit::stmt(
                &d1,
                &staff,
                &at,
                "attach_result",
                "dossier",
                &row.id,
                &json!({"status": enum_str(&row.status)}),
                &json!({"status": enum_str(&event.to), "file_id": file_id, "name": name, "size": size}),
            )?,
        ])
        .await;
    if let Err(e) = stored {
        // Nothing half-done: the bytes go when their record could not be written.
        let _ = bucket.delete(&key).await;
        return Err(e.into());
    }
    let row = repo::dossier(&d1, id).await?.ok_or(ApiError::NotFound { what: "dossier", field: Some("id") })?;
    Ok(json(&view::staff_view(&d1, &row).await?)?.with_status(201))
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
    #[derive(Deserialize)]
    struct File {
        name: String,
        content_type: String,
        r2_key: String,
    }
    let not_found = || ApiError::NotFound { what: "file", field: Some("file") };
    let f: File = db::first(
        ctx.d1()?
            .prepare("SELECT name, content_type, r2_key FROM dossier_results WHERE id = ?1 AND dossier_id = ?2")
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
