//! The pay link of a walk-in dossier: the desk sends the citizen an SMS (through the `OUTBOX`
//! queue) with `/thanh-toan/<token>`, a link signed with HMAC-SHA256 (motcua_domain::desk::PayLink)
//! that grants exactly one thing — paying the open fee notice of one dossier — for 24 hours. A
//! new fee notice invalidates older links (the token names the notice). Anyone holding the link
//! sees only what a payer needs: the dossier code, the procedure, the amounts, the payer's
//! initials; never the phone, the citizen ID or the address.
//!
//! Routes: `POST /api/staff/dossiers/{id}/pay-link` (desk), `GET /api/pay/{token}` and
//! `POST /api/pay/{token}/payments` `{"provider"}` (no account).

use motcua_domain::api::{Applicant, PayLinkSent, PayLinkView};
use motcua_domain::citizen::Phone;
use motcua_domain::desk::{self, PayLink, PayLinkError};
use motcua_domain::money::Vnd;
use serde_json::json;
use worker::Response;

use super::audit;
use crate::dossier::access;
use crate::dossier::repo::{self, DossierRow, NoticeRow};
use crate::outbox::OutboxMessage;
use crate::payment;
use crate::platform::error::ApiError;
use crate::platform::http::{json, Ctx};
use crate::platform::{clock, config};

/// The signing key: the `AUTH_SECRET` secret (the MAC input carries its own domain-separation
/// prefix); a fixed key in the development sandbox only.
fn key(ctx: &Ctx) -> Result<Vec<u8>, ApiError> {
    config::auth_secret(&ctx.env)
}

fn open_notice(row: &DossierRow, notice: Option<NoticeRow>) -> Result<NoticeRow, ApiError> {
    motcua_domain::payment::payable(row.status, notice.as_ref().map(|n| n.as_open())).map_err(crate::payment::routes::not_payable)?;
    Ok(notice.expect("payable means an open notice"))
}

/// `POST /api/staff/dossiers/{id}/pay-link`: signs a link for the open notice and texts it to
/// the applicant's phone.
pub async fn send(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let (staff, row) = access::staff_dossier(ctx, id).await?;
    let d1 = access::shard_of(ctx, id).await?;
    let notice = open_notice(&row, repo::latest_notice(&d1, &row.id).await?)?;
    let applicant: Applicant = serde_json::from_str(&row.applicant_json).unwrap_or_default();
    let phone = Phone::parse("applicant.phone", &applicant.phone)?;
    let now = clock::now();
    let expires_at = now.unix_timestamp() + desk::PAY_LINK_TTL_SECONDS;
    let token = PayLink { dossier_id: row.id.clone(), notice_id: notice.id.clone(), expires_at }.sign(&key(ctx)?);
    let url = format!("{}/thanh-toan/{token}", config::public_base_url(&ctx.env));
    let text = desk::pay_link_sms(&row.agency_name, row.code.as_deref().unwrap_or(""), Vnd::from_dong("total", notice.total)?, &url);
    let at = clock::rfc3339(now);
    let expires = clock::rfc3339(time::OffsetDateTime::from_unix_timestamp(expires_at).map_err(|e| ApiError::Unexpected(e.to_string()))?);
    // The audit row keeps when and to whom (masked), never the token: it is a bearer credential.
    audit::stmt(
        &d1,
        &staff,
        &at,
        "send_pay_link",
        "dossier",
        &row.id,
        &serde_json::Value::Null,
        &json!({"notice_id": notice.id, "sent_to": phone.masked(), "expires_at": expires}),
    )?
    .run()
    .await?;
    ctx.env
        .queue(config::OUTBOX)?
        .send(OutboxMessage::sms(phone.as_str(), text))
        .await
        .map_err(|e| ApiError::Unexpected(format!("outbox send for {}: {e}", phone.masked())))?;
    Ok(json(&PayLinkSent { url, expires_at: expires, sent_to: phone.masked() })?.with_status(201))
}

/// The dossier a link grants, if the link is genuine, unexpired, and its notice is still the
/// dossier's current one.
async fn granted(ctx: &Ctx, token: &str) -> Result<(PayLink, DossierRow, Option<NoticeRow>), ApiError> {
    let refuse = |e: PayLinkError| ApiError::Conflict {
        code: e.code().into(),
        message: e.message_en().into(),
        message_vi: e.message_vi().into(),
        field: Some("token".into()),
    };
    let link = match PayLink::verify(&key(ctx)?, token, clock::now().unix_timestamp()) {
        Ok(l) => l,
        Err(PayLinkError::Invalid) => return Err(ApiError::NotFound { what: "pay_link", field: Some("token") }),
        Err(e) => return Err(refuse(e)),
    };
    let gone = || ApiError::NotFound { what: "pay_link", field: Some("token") };
    // The token signs the dossier's id, which names its shard.
    let d1 = ctx.shard_of_id(&link.dossier_id).await?.ok_or_else(gone)?;
    let row = repo::dossier(&d1, &ctx.national()?, &link.dossier_id).await?.ok_or_else(gone)?;
    let notice = repo::latest_notice(&d1, &row.id).await?;
    if notice.as_ref().map(|n| n.id.as_str()) != Some(link.notice_id.as_str()) {
        return Err(refuse(PayLinkError::Invalid));
    }
    Ok((link, row, notice))
}

/// `GET /api/pay/{token}`.
pub async fn view(ctx: &Ctx, token: &str) -> Result<Response, ApiError> {
    let (_, row, notice) = granted(ctx, token).await?;
    let d1 = access::shard_of(ctx, &row.id).await?;
    let applicant: Applicant = serde_json::from_str(&row.applicant_json).unwrap_or_default();
    let payable = open_notice(&row, notice.clone()).is_ok();
    let mut receipt = repo::receipt_of_dossier(&d1, &row.id).await?;
    if let Some(r) = receipt.as_mut() {
        crate::payment::receipt::name_for_dossier(r, &row.agency_name, &row.procedure_name);
        r.payer_name = desk::initials(&r.payer_name);
    }
    json(&PayLinkView {
        dossier_code: row.code.clone(),
        procedure_name: row.procedure_name.clone(),
        agency_name: row.agency_name.clone(),
        payer: desk::initials(&applicant.full_name),
        status: Some(row.status),
        status_label: row.status.label_vi().into(),
        fee_notice: notice.map(|n| n.view()),
        payable,
        receipt,
    })
}

/// `POST /api/pay/{token}/payments` `{"provider"}`: the payment counts as online.
pub async fn start(ctx: &mut Ctx, token: &str) -> Result<Response, ApiError> {
    let (link, row, notice) = granted(ctx, token).await?;
    open_notice(&row, notice)?;
    let return_path = format!("/thanh-toan/{token}");
    payment::routes::start_for(ctx, &format!("paylink:{}", link.notice_id), row, &return_path).await
}
