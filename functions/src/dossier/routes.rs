//! The citizen's dossiers: `POST /api/dossiers` (submit), `GET /api/dossiers` (mine),
//! `GET /api/dossiers/{id}` (one of mine, with its timeline, fee notice, payments and receipt).

use motcua_domain::api::{Applicant, DossierDetail, DossierSummary, SubmitDossier};
use motcua_domain::applicant;
use motcua_domain::calendar;
use motcua_domain::desk;
use motcua_domain::codes::{AgencyCode, DossierCode};
use motcua_domain::dossier::{self, Actor, Command, DossierAction, DossierStatus, Role};
use motcua_domain::indicators::Channel;
use motcua_domain::rollup;
use motcua_domain::text_input::Reason;
use futures_util::future::{join, join3, try_join, try_join5};
use worker::Response;
use crate::platform::db::Db;

use super::{access, store};
use super::repo::{self, DossierRow};
use crate::auth::session;
use crate::catalog::cache::Freshness;
use crate::fee::routes::quote_for;
use crate::platform::error::ApiError;
use crate::platform::http::{json, Ctx};
use crate::platform::{clock, db, random, shards};
use crate::sequences;

pub async fn submit(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let who = session::citizen(ctx).await?;
    let req: SubmitDossier = ctx.json_body().await?;
    // The dossier lives in its agency's shard, with everything its batch writes; the catalog,
    // the citizen and the officers are national.
    let national = ctx.national()?;
    let d1 = agency_shard(ctx, &national, &req).await?;
    // Checked before the dossier number is taken, so a refused file never leaves a gap: the
    // uploads, the desk officer's QR code (filed with their help: still online, the officer
    // recorded) and the wallet documents reused (the caller's own, not revoked) are independent
    // reads, made together; a refusal is reported in that order, as before.
    let (files, assisted, references) = join3(
        crate::upload::routes::attachable(&ctx.env, &d1, &who.citizen_id, &req.files),
        crate::paperless::routes::assisted_by(&d1, req.assist.as_deref(), &req.agency, &req.procedure),
        crate::document::routes::referable(&ctx.env, &who.citizen_id, &req.documents),
    )
    .await;
    let (files, assisted, references) = (files?, assisted?, references?);
    let mut new = prepare(ctx, &d1, &req, Intake::Online { citizen_id: &who.citizen_id }).await?;
    for (i, f) in files.iter().enumerate() {
        new.stmts.push(crate::upload::routes::attach_stmt(&d1, f, &new.id, i, &new.at)?);
    }
    if let Some(staff_id) = assisted {
        new.stmts.push(crate::paperless::store::assisted_stmt(&d1, &new.id, &staff_id)?);
    }
    for (i, (kind, document_id, verified)) in references.iter().enumerate() {
        new.stmts.push(crate::document::store::reference_stmt(&d1, &new.id, i, kind, document_id, *verified)?);
    }
    // Uploads made in another database (before the app said the agency) are copied in this
    // batch; their originals are taken out first (SHARDING.md §3.3 "uploads").
    crate::upload::routes::claim_moved(&files).await?;
    if let Err(e) = d1.batch(new.stmts).await {
        crate::upload::routes::release_moved(&files).await;
        return Err(e.into());
    }
    let row = repo::dossier(&d1, &national, &new.id).await?.ok_or_else(|| ApiError::Unexpected("dossier vanished".into()))?;
    // The applicant's message and the page's reads are independent: one wait for both.
    let ((), detail) = join(super::notify::status_changed(&ctx.env, &row), detail(&d1, &row)).await;
    Ok(json(&detail?)?.with_status(201))
}

/// The shard of the agency a submission names. A code that names no province is refused the
/// way it always was: by the submission's own checks (the applicant first, then the catalog's
/// 404), and only failing those, at `agency`.
pub async fn agency_shard(ctx: &Ctx, national: &Db, req: &SubmitDossier) -> Result<Db, ApiError> {
    match ctx.shard_of_agency("agency", req.agency.trim()) {
        Ok(d1) => Ok(d1),
        Err(e) => {
            validate(req)?;
            quote_for(national, &req.agency, &req.procedure, &req.inputs, Freshness::Recent).await?;
            Err(e)
        }
    }
}

fn validate(req: &SubmitDossier) -> Result<(), ApiError> {
    applicant::validate("applicant", &req.applicant)?;
    if let Some(owner) = &req.owner {
        applicant::validate("owner", owner)?;
    }
    applicant::validate_content(&req.content)?;
    Ok(())
}

/// How a dossier arrives: submitted online by a citizen with an account, or handed in at the
/// counter and taken in by an officer (no account; received at once).
#[derive(Clone, Copy)]
pub enum Intake<'a> {
    Online { citizen_id: &'a str },
    /// At the desk: handed in at the counter or received by public post.
    Counter { staff_id: &'a str, desk: &'a motcua_domain::indicators::DeskIntake },
}

/// A validated new dossier with its issued code, as the statements that store it; the caller
/// may add its own (an audit row) and runs them in one batch.
pub struct NewDossier {
    pub id: String,
    pub code: String,
    pub at: String,
    pub stmts: Vec<worker::D1PreparedStatement>,
}

/// Validates a submission (applicant, owner, content, agency, procedure, fee inputs), issues
/// the dossier code and computes the deadline. Nothing is stored until the caller runs `stmts`.
/// `d1` is the shard of `req.agency` ([`agency_shard`]); the new id names it.
pub async fn prepare(ctx: &Ctx, d1: &Db, req: &SubmitDossier, intake: Intake<'_>) -> Result<NewDossier, ApiError> {
    validate(req)?;
    let national = ctx.national()?;
    // Validates the agency, the procedure and the fee inputs before anything is stored, on the
    // catalog's version read now (the amount is stored); the procedure's processing time then
    // comes from the isolate's memo under that same version.
    let (_, breakdown) = quote_for(&national, &req.agency, &req.procedure, &req.inputs, Freshness::Now).await?;
    let agency = AgencyCode::parse("agency", &req.agency)?;
    let shard = d1.shard().ok_or_else(|| ApiError::Unexpected("a dossier's database names its shard".into()))?;
    let now = clock::now();
    let local = calendar::vietnam_local(now);
    let processing_days = crate::catalog::cache::procedure(&national, &req.procedure)
        .await?
        .as_ref()
        .as_ref()
        .map(|p| p.processing_days)
        .ok_or(ApiError::NotFound { what: "procedure", field: Some("procedure") })?;
    let seq = sequences::next(&ctx.env, &format!("dossier:{agency}:{}", local.date())).await?;
    let code = DossierCode::new(agency, local.date(), seq as u32)?.to_string();
    let deadline = calendar::deadline(local, processing_days);
    let id = random::sharded_id(shard);
    let at = clock::rfc3339(now);
    let applicant_json = serde_json::to_string(&serde_json::json!({
        "full_name": req.applicant.full_name.trim(),
        "id_number": req.applicant.id_number.trim(),
        "phone": req.applicant.phone.trim(),
        "email": req.applicant.email.trim(),
        "address": req.applicant.address.trim(),
        "area": req.applicant.area.trim(),
        "owner": req.owner,
        "content": req.content,
        "receive_by_post": req.receive_by_post,
        "send_by_post": req.send_by_post,
    }))
    .map_err(|e| ApiError::Unexpected(e.to_string()))?;
    let search = desk::search_text(&code, &req.applicant.full_name, req.applicant.phone.trim(), req.applicant.id_number.trim());
    let has_fees = breakdown.total.as_dong() > 0;
    let (owner, channel, postal_item, status) = match intake {
        Intake::Online { citizen_id } => (db::nullable(Some(citizen_id)), Channel::Online, None, DossierStatus::Submitted),
        Intake::Counter { desk, .. } => (db::nullable(None), desk.channel, desk.postal_item.as_deref(), DossierStatus::Received),
    };
    let mut stmts = vec![d1
        .prepare(
            "INSERT INTO dossiers (id, code, agency_code, procedure_code, owner_citizen_id, channel, status, has_fees, \
               applicant_json, inputs_json, submitted_at, deadline, created_at, updated_at, search_text, postal_item) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?11, ?11, ?13, ?14)",
        )
        .bind(&[
            id.as_str().into(),
            code.as_str().into(),
            req.agency.as_str().into(),
            req.procedure.as_str().into(),
            owner,
            channel.key().into(),
            repo::enum_str(&status).into(),
            (if has_fees { 1 } else { 0 }).into(),
            applicant_json.into(),
            serde_json::Value::Object(req.inputs.clone()).to_string().into(),
            at.as_str().into(),
            calendar::format_iso_date(deadline).into(),
            search.into(),
            db::nullable(postal_item),
        ])?];
    // Counted in the same batch as the dossier itself (intake_counters).
    stmts.push(store::count_intake_stmt(d1, &id, &at, channel)?);
    match intake {
        Intake::Online { citizen_id } => stmts.push(repo::event_stmt(
            d1, &id, &at, "citizen", citizen_id, DossierAction::Submit, Some(DossierStatus::Draft), DossierStatus::Submitted, None,
        )?),
        Intake::Counter { staff_id, desk } => {
            // Handed in and checked at the counter (or opened from the post): submitted and
            // received in the same visit.
            let how = match &desk.postal_item {
                Some(item) => format!("Nhận qua dịch vụ bưu chính công ích, số hiệu bưu gửi {item}"),
                None => "Nộp trực tiếp tại Bộ phận Một cửa".to_string(),
            };
            stmts.push(repo::event_stmt(
                d1, &id, &at, "officer", staff_id, DossierAction::Submit, Some(DossierStatus::Draft), DossierStatus::Submitted,
                Some(&how),
            )?);
            stmts.push(repo::event_stmt(
                d1, &id, &at, "officer", staff_id, DossierAction::Receive, Some(DossierStatus::Submitted), DossierStatus::Received, None,
            )?);
        }
    }
    Ok(NewDossier { id, code, at, stmts })
}

#[derive(serde::Deserialize, Default)]
struct WithdrawBody {
    #[serde(default)]
    reason: Option<String>,
}

/// `POST /api/dossiers/{id}/withdraw` `{"reason"}`: the owner withdraws a dossier before
/// processing starts; its open fee notice is cancelled with it. A payment that still arrives
/// afterwards is recorded for the agency to refund.
pub async fn withdraw(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let (citizen_id, row) = access::owned_dossier(ctx, id).await?;
    let body: WithdrawBody = ctx.json_body_or_default().await?;
    let reason = Reason::parse_optional("reason", body.reason.as_deref().unwrap_or(""))?.map(Reason::into_string);
    let now = clock::now();
    let actor = Actor { role: Role::Citizen, id: citizen_id };
    let decision = dossier::decide(super::staff_routes::state_of(&row), Command::Withdraw { reason }, &actor, now).map_err(store::refused)?;
    let d1 = access::shard_of(ctx, id).await?;
    store::write(&d1, &row, &decision, None, &clock::rfc3339(now), Vec::new()).await?;
    let row = repo::dossier(&d1, &ctx.national()?, id).await?.ok_or(ApiError::NotFound { what: "dossier", field: Some("id") })?;
    super::notify::status_changed(&ctx.env, &row).await;
    json(&detail(&d1, &row).await?)
}

/// `GET /api/dossiers`: the citizen's newest dossiers from every shard, merged newest first.
pub async fn list(ctx: &Ctx) -> Result<Response, ApiError> {
    let who = session::citizen(ctx).await?;
    let citizen_id = who.citizen_id.as_str();
    let lists = shards::fanout(shards::all(&ctx.env)?, |d1| async move {
        // Only the agencies each database is the home of: a cut-over's leftovers in `DB` would show twice.
        Ok(repo::dossiers_of_citizen(&d1, citizen_id).await?.into_iter().filter(|r| d1.holds(&r.agency_code)).collect::<Vec<_>>())
    })
    .await?;
    let rows = lists.into_iter().fold(Vec::new(), |a, b| rollup::merge_top(a, b, repo::newest_first, repo::CITIZEN_LIST));
    let rows = repo::with_names(&ctx.national()?, rows).await?;
    let list: Vec<DossierSummary> = rows.iter().map(DossierRow::summary).collect();
    json(&list)
}

pub async fn get(ctx: &Ctx, id: &str) -> Result<Response, ApiError> {
    match access::owned_dossier(ctx, id).await {
        Ok((_, row)) => json(&detail(&access::shard_of(ctx, id).await?, &row).await?),
        // A dossier of an archived month: read-only, from its part in the archive.
        Err(ApiError::NotFound { what, field }) => {
            let who = crate::auth::session::citizen(ctx).await?;
            let d1 = access::shard_of(ctx, id).await?;
            match crate::archive::read::dossier_detail(ctx, &d1, crate::archive::read::Reader::Citizen(who.citizen_id.as_str()), id).await? {
                Some(archived) => json(&archived.detail),
                None => Err(ApiError::NotFound { what, field }),
            }
        }
        Err(e) => Err(e),
    }
}

/// Everything a dossier page shows, the same for the citizen and the desk. Its ten reads
/// depend on nothing but the dossier's id, so they go to D1 together: one round trip's wait
/// instead of ten in a row (the page is polled while a payment is under way).
pub async fn detail(d1: &Db, row: &DossierRow) -> Result<DossierDetail, ApiError> {
    let id = row.id.as_str();
    let ((notice, signed, results, timeline, payments), (receipt, refunds, files, rating, wallet_documents)) = try_join(
        try_join5(
            repo::latest_notice(d1, id),
            crate::document::repo::signed_of_dossier(d1, id),
            repo::results(d1, id),
            repo::timeline(d1, id),
            repo::payments(d1, id),
        ),
        try_join5(
            repo::receipt_of_dossier(d1, id),
            repo::refunds(d1, id),
            crate::upload::repo::of_dossier(d1, id),
            repo::rating(d1, id),
            crate::document::repo::references(d1, id),
        ),
    )
    .await?;
    let payable = motcua_domain::payment::payable(row.status, notice.as_ref().map(|n| n.as_open())).is_ok();
    let applicant: Applicant = serde_json::from_str(&row.applicant_json).unwrap_or_default();
    // A signed result is downloaded signed; its check page is linked relative to this site.
    let mut results = results;
    for r in &mut results {
        r.signature = signed.iter().find(|s| s.result_id == r.id).map(|s| s.view(""));
    }
    Ok(DossierDetail {
        summary: row.summary(),
        channel: row.channel.clone(),
        has_fees: row.has_fees(),
        applicant,
        inputs: row.inputs(),
        timeline,
        fee_notice: notice.as_ref().map(|n| n.view()),
        payments,
        receipt: receipt.map(|mut r| { crate::payment::receipt::name_for_dossier(&mut r, &row.agency_name, &row.procedure_name); r }),
        payable,
        refunds,
        files: files.iter().map(|f| f.view()).collect(),
        results,
        rating,
        postal_item: row.postal_item.clone(),
        wallet_documents,
    })
}

