//! `POST /api/dossiers/{id}/payments` `{"provider"}`: opens a payment attempt for the dossier's
//! open fee notice and answers where to go (the provider's page, or the VietQR code with the
//! bank details). Only the dossier's owner, or staff of its agency at the counter, may do this.

use motcua_domain::api::Started;
use motcua_domain::gateway::{self, momo, paygov, zalopay, PaymentGateway, PaymentRequest, Provider, Reference, StartPayment};
use motcua_domain::payment::{self, Event};
use serde::Deserialize;
use worker::Response;

use super::{config, reconcile, store};
use crate::auth::session;
use crate::dossier::repo::{self as dossier_repo, DossierRow};
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
    let amount = payment::payable(row.status, notice.as_ref().map(|n| n.as_open())).map_err(not_payable)?;
    let notice = notice.expect("payable means an open notice");
    let now = clock::now();
    let reference = Reference::from_random(random::u64());
    let base = config::public_base(&ctx.env);
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
    let created = store::create(
        &d1,
        &row,
        store::NewPayment {
            id: &payment_id,
            reference: reference.as_str(),
            notice_id: &notice.id,
            provider: provider.as_str(),
            amount: notice.total,
            started_by: &actor,
            at: &at,
            expires_at: &clock::rfc3339(request.expires_at),
        },
    )
    .await?;
    // MoMo, ZaloPay and the national platform answer a server-to-server create with the page URL.
    let next = match next {
        StartPayment::Post { url, body } => {
            let answer = outbound::post_json(&url, &body).await.map_err(|e| {
                worker::console_error!("{provider} create unreachable: {e}");
                provider_down(provider)
            })?;
            let page = match provider {
                Provider::Momo => momo::parse_create_response(&answer).map(|r| r.pay_url),
                Provider::Zalopay => zalopay::parse_create_response(&answer).map(|r| r.order_url),
                _ => paygov::parse_init_response(&answer).map(|r| r.UrlThanhToan),
            }
            .map_err(|e| {
                worker::console_error!("{provider} create refused: {e}");
                provider_down(provider)
            })?;
            StartPayment::Redirect { url: page }
        }
        other => other,
    };
    store::apply_event(&d1, &created.id, Event::Redirect, &at, &serde_json::json!({})).await?;
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

/// The dossier cannot be paid now: 409 with the domain's reason.
pub fn not_payable(e: payment::NotPayable) -> ApiError {
    ApiError::Conflict { code: e.code().into(), message: e.message_en(), message_vi: e.message_vi(), field: None }
}

/// The provider did not open the payment (down, or refused our request): the citizen is told
/// to try another way or later; the attempt stays in the ledger and expires.
fn provider_down(provider: Provider) -> ApiError {
    ApiError::Unavailable {
        code: "provider_unavailable",
        message: format!("{} did not answer; try again in a few minutes or choose another way to pay.", provider.label_en()),
        message_vi: format!("{} chưa phản hồi; vui lòng thử lại sau ít phút hoặc chọn hình thức thanh toán khác.", provider.label()),
    }
}
