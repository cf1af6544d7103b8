//! `POST /api/dossiers/{id}/payments` `{"provider"}`: opens a payment attempt for the dossier's
//! open fee notice and answers where to go (the provider's page, or the VietQR code with the
//! bank details). Only the dossier's owner, or staff of its agency at the counter, may do this.

use motcua_domain::api::PaymentSummary;
use motcua_domain::dossier::DossierStatus;
use motcua_domain::gateway::{self, momo, paygov, zalopay, PaymentGateway, PaymentRequest, Provider, Reference, StartPayment};
use motcua_domain::money::Vnd;
use motcua_domain::payment::State;
use serde::{Deserialize, Serialize};
use worker::Response;

use super::{config, ledger, reconcile};
use crate::auth::session;
use crate::dossier::repo::{self as dossier_repo, enum_str, DossierRow};
use crate::dossier::access;
use crate::platform::error::ApiError;
use crate::platform::outbound;
use crate::platform::http::{json, Ctx};
use crate::platform::{clock, db, random};

#[derive(Deserialize)]
struct StartBody {
    #[serde(default)]
    provider: String,
}

#[derive(Serialize)]
struct Started {
    payment: PaymentSummary,
    /// `{"kind": "redirect", "url"}` or `{"kind": "qr", "payload", "svg", "bank_bin", ...}`.
    next: StartPayment,
}

/// The dossier for the caller: its owner (citizen session) or staff covering its agency.
async fn payer_dossier(ctx: &Ctx, id: &str) -> Result<(String, DossierRow), ApiError> {
    if session::optional_citizen(ctx).await?.is_some() {
        let (citizen_id, row) = access::owned_dossier(ctx, id).await?;
        return Ok((format!("citizen:{citizen_id}"), row));
    }
    let (staff, row) = access::staff_dossier(ctx, id).await?;
    Ok((format!("staff:{}", staff.staff_id), row))
}

pub async fn start(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let (actor, row) = payer_dossier(ctx, id).await?;
    let return_path = format!("/ho-so/{}", row.id);
    start_for(ctx, &actor, row, &return_path).await
}

/// Opens a payment attempt for a dossier the caller was already allowed to pay (its owner, the
/// desk, or the holder of a signed pay link); the provider sends the payer back to `return_path`.
pub async fn start_for(ctx: &mut Ctx, actor: &str, row: DossierRow, return_path: &str) -> Result<Response, ApiError> {
    let actor = actor.to_string();
    let body: StartBody = ctx.json_body().await?;
    let provider = Provider::parse("provider", &body.provider)?;
    let d1 = ctx.d1()?;
    let notice = dossier_repo::latest_notice(&d1, &row.id).await?;
    let notice = match notice {
        Some(n) if row.status == DossierStatus::FeeNotified && n.status == "open" && n.total > 0 => n,
        _ => {
            return Err(ApiError::Conflict {
                code: "not_payable".into(),
                message: format!("The dossier is {} and has no amount to pay.", enum_str(&row.status)),
                message_vi: format!("Hồ sơ đang ở trạng thái \"{}\", không có khoản phí nào cần thanh toán.", row.status.label_vi()),
                field: None,
            })
        }
    };
    let now = clock::now();
    let reference = Reference::from_random(random::u64());
    let base = config::public_base(&ctx.env);
    let amount = Vnd::from_dong("amount", notice.total)?;
    let request = PaymentRequest {
        reference: reference.clone(),
        amount,
        description: format!("Thanh toan phi ho so {}", row.code.clone().unwrap_or_default()),
        return_url: format!("{base}{return_path}?thanh-toan={reference}"),
        ipn_url: format!("{base}/api/payments/{}", callback_path(provider)),
        created_at: now,
        expires_at: now + time::Duration::minutes(reconcile::PENDING_AFTER_MINUTES),
        client_ip: ctx.req.headers().get("cf-connecting-ip")?.unwrap_or_else(|| "127.0.0.1".into()),
        receipt: (provider == Provider::Paygov).then(|| receipt_info(&row, &notice)).transpose()?,
    };
    let next = match provider {
        Provider::Vnpay => config::vnpay(&ctx.env)?.start(&request),
        Provider::Momo => config::momo(&ctx.env)?.start(&request),
        Provider::Zalopay => config::zalopay(&ctx.env)?.start(&request),
        Provider::Paygov => config::paygov(&ctx.env)?.start(&request),
        Provider::Vietqr => vietqr_gateway(ctx, &row.agency_code).await?.start(&request),
    }
    .map_err(|e| ApiError::Unexpected(format!("{provider} start: {e}")))?;
    let payment_id = random::id();
    let at = clock::rfc3339(now);
    d1.batch(vec![
        d1.prepare(
            "INSERT INTO payments (id, reference, notice_id, dossier_id, agency_code, provider, amount, state, started_by, \
               created_at, expires_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'created', ?8, ?9, ?10, ?9)",
        )
        .bind(&[
            payment_id.as_str().into(),
            reference.as_str().into(),
            notice.id.as_str().into(),
            row.id.as_str().into(),
            row.agency_code.as_str().into(),
            provider.as_str().into(),
            (notice.total as f64).into(),
            actor.as_str().into(),
            at.as_str().into(),
            clock::rfc3339(request.expires_at).into(),
        ])?,
        ledger::event_stmt(&d1, &payment_id, &at, "created", &serde_json::json!({"provider": provider.as_str(), "amount": notice.total, "by": actor}))?,
    ])
    .await?;
    // MoMo, ZaloPay and the national platform answer a server-to-server create with the page URL.
    let next = match next {
        StartPayment::Post { url, body } => {
            let answer = outbound::post_json(&url, &body).await?;
            let page = match provider {
                Provider::Momo => momo::parse_create_response(&answer).map(|r| r.pay_url),
                Provider::Zalopay => zalopay::parse_create_response(&answer).map(|r| r.order_url),
                _ => paygov::parse_init_response(&answer).map(|r| r.UrlThanhToan),
            }
            .map_err(|e| ApiError::Unexpected(format!("{provider} create refused: {e}")))?;
            StartPayment::Redirect { url: page }
        }
        other => other,
    };
    d1.batch(vec![
        d1.prepare("UPDATE payments SET state = ?1, updated_at = ?2 WHERE id = ?3")
            .bind(&[enum_str(&State::Redirected).into(), at.as_str().into(), payment_id.as_str().into()])?,
        ledger::event_stmt(&d1, &payment_id, &at, "redirected", &serde_json::json!({}))?,
    ])
    .await?;
    let payment = dossier_repo::payments(&d1, &row.id)
        .await?
        .into_iter()
        .find(|p| p.id == payment_id)
        .ok_or_else(|| ApiError::Unexpected("payment vanished".into()))?;
    Ok(json(&Started { payment, next })?.with_status(201))
}

/// What the national platform prints on its own receipt: the procedure, the dossier, the
/// beneficiary and every fee line.
fn receipt_info(row: &DossierRow, notice: &dossier_repo::NoticeRow) -> Result<paygov::ReceiptInfo, ApiError> {
    let applicant: motcua_domain::api::Applicant = serde_json::from_str(&row.applicant_json).unwrap_or_default();
    let lines: Vec<motcua_domain::fee::FeeLineAmount> =
        serde_json::from_str(&notice.lines_json).map_err(|e| ApiError::Unexpected(format!("fee notice lines: {e}")))?;
    Ok(paygov::ReceiptInfo {
        procedure_code: row.procedure_code.clone(),
        procedure_name: row.procedure_name.clone(),
        service_code: row.procedure_code.clone(),
        agency_code: row.agency_code.clone(),
        agency_name: row.agency_name.clone(),
        dossier_code: row.code.clone().unwrap_or_default(),
        beneficiary_account: String::new(),
        beneficiary_bank: String::new(),
        beneficiary_name: row.agency_name.clone(),
        payer_name: applicant.full_name,
        payer_id_no: applicant.id_number,
        payer_address: applicant.address,
        fee_lines: lines
            .into_iter()
            .filter(|l| !l.amount.is_zero())
            .map(|l| paygov::FeeLine {
                kind: match l.kind {
                    motcua_domain::fee::FeeKind::Phi => paygov::FeeKind::Phi,
                    motcua_domain::fee::FeeKind::LePhi => paygov::FeeKind::LePhi,
                },
                code: l.code,
                name: l.name,
                amount: l.amount,
            })
            .collect(),
    })
}

fn callback_path(provider: Provider) -> &'static str {
    match provider {
        Provider::Vnpay => "vnpay/ipn",
        Provider::Momo => "momo/ipn",
        Provider::Zalopay => "zalopay/callback",
        Provider::Vietqr => "bank/webhook",
        Provider::Paygov => "paygov/confirm",
    }
}

async fn vietqr_gateway(ctx: &Ctx, agency: &str) -> Result<gateway::vietqr::Vietqr, ApiError> {
    #[derive(Deserialize)]
    struct Account {
        bank_bin: String,
        account_number: String,
        account_name: String,
    }
    let account: Option<Account> = db::first(
        ctx.d1()?
            .prepare("SELECT bank_bin, account_number, account_name FROM bank_accounts WHERE agency_code = ?1 LIMIT 1")
            .bind(&[agency.into()])?,
    )
    .await?;
    let a = account.ok_or_else(|| config::provider_unavailable(Provider::Vietqr))?;
    Ok(gateway::vietqr::Vietqr {
        config: gateway::vietqr::VietqrConfig { bin: a.bank_bin, account_no: a.account_number, account_name: a.account_name },
        webhook_secret: config::bank_webhook_secret(&ctx.env)?,
    })
}
