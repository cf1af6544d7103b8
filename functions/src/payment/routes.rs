//! `POST /api/dossiers/{id}/payments` `{"provider"}`: opens a payment attempt for the dossier's
//! open fee notice and answers where to go (the provider's page, or the VietQR code with the
//! bank details). Only the dossier's owner, or staff of its agency at the counter, may do this.

use motcua_domain::api::Started;
use motcua_domain::beneficiary::{self, RoutingError, Routing};
use motcua_domain::fee::FeeLineAmount;
use motcua_domain::gateway::vietqr::VietqrConfig;
use motcua_domain::gateway::{momo, paygov, zalopay, PaymentGateway, PaymentRequest, Provider, StartPayment};
use motcua_domain::payment::{self, Event};
use serde::Deserialize;
use worker::Response;

use super::{accounts, config, merchants, reconcile, store};
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
    let body: StartBody = ctx.json_body().await?;
    let provider = Provider::parse("provider", &body.provider)?;
    let national = ctx.national()?;
    // The attempt is written beside its dossier (the batch guards the dossier's version), in its
    // agency's shard: where every payment of the agency is, as settlement files assume.
    let shard = crate::platform::shards::id_of_agency(&ctx.env, "agency", &row.agency_code)?;
    let d1 = ctx.shard(shard)?;
    let notice = dossier_repo::latest_notice(&d1, &row.id).await?;
    let amount = payment::payable(row.status, notice.as_ref().map(|n| n.as_open())).map_err(not_payable)?;
    let notice = notice.expect("payable means an open notice");
    online_payment_on(&national, &row).await?;
    let lines: Vec<FeeLineAmount> =
        serde_json::from_str(&notice.lines_json).map_err(|e| ApiError::Unexpected(format!("fee notice lines: {e}")))?;
    let agency_accounts = accounts::of_agency(&national, &row.agency_code).await?;
    let routing = beneficiary::route(&lines, &agency_accounts).map_err(unroutable)?;
    let target = Target {
        shard,
        owner: store::Owner::Dossier(&row),
        bill_id: &notice.id,
        agency_code: &row.agency_code,
        amount,
        description: format!("Thanh toan phi ho so {}", row.code.clone().unwrap_or_default()),
        receipt: (provider == Provider::Paygov).then(|| receipt_info(&row, &lines, &routing)),
        routing,
        accounts: agency_accounts,
    };
    Ok(json(&open_attempt(ctx, actor, provider, target, return_path).await?)?.with_status(201))
}

/// What an attempt is opened for, already found payable by the caller's rule, with each owed
/// line's beneficiary.
pub struct Target<'a> {
    /// Where the owner (the dossier, the bill) lives: the attempt is written there, guarded by
    /// the owner's version in the same batch.
    pub shard: motcua_domain::shard::ShardId,
    pub owner: store::Owner<'a>,
    pub bill_id: &'a str,
    pub agency_code: &'a str,
    pub amount: motcua_domain::money::Vnd,
    /// What the provider shows the payer (ASCII: some providers refuse anything else).
    pub description: String,
    pub routing: Routing,
    pub accounts: Vec<beneficiary::Account>,
    /// What the national platform prints on its own receipt.
    pub receipt: Option<paygov::ReceiptInfo>,
}

/// Opens the attempt at the provider and says where the payer goes next (answered with 201).
/// The attempt lives in its owner's shard, and its reference and id name that shard, so the
/// provider's callback and every later look-up open that one database.
pub async fn open_attempt(ctx: &mut Ctx, actor: &str, provider: Provider, target: Target<'_>, return_path: &str) -> Result<Started, ApiError> {
    let actor = actor.to_string();
    let Target { shard, owner, bill_id, agency_code, amount, description, routing, accounts: agency_accounts, receipt } = target;
    let d1 = ctx.shard(shard)?;
    let merchant = merchants::resolve(&ctx.env, &ctx.national()?, agency_code, provider).await?;
    let now = clock::now();
    let reference = motcua_domain::shard::sharded_reference(shard, random::u64());
    let base = config::public_base(&ctx.env);
    let request = PaymentRequest {
        reference: reference.clone(),
        amount,
        description,
        return_url: format!("{base}{return_path}{}thanh-toan={reference}", if return_path.contains('?') { '&' } else { '?' }),
        ipn_url: format!("{base}/api/payments/{}", callback_path(provider)),
        created_at: now,
        expires_at: now + time::Duration::minutes(reconcile::PENDING_AFTER_MINUTES),
        client_ip: ctx.req.headers().get("cf-connecting-ip")?.unwrap_or_else(|| "127.0.0.1".into()),
        receipt,
    };
    let env = &ctx.env;
    let c = &merchant.credentials;
    let next = match provider {
        Provider::Vnpay => merchants::vnpay(env, c)?.start(&request),
        Provider::Momo => merchants::momo(env, c)?.start(&request),
        Provider::Zalopay => merchants::zalopay(env, c)?.start(&request),
        Provider::Paygov => merchants::paygov(env, c)?.start(&request),
        Provider::Vietqr => {
            let into = &routing.collected_into;
            let account_name = agency_accounts.iter().find(|a| a.purpose == into.purpose).map(|a| a.account_name.clone()).unwrap_or_default();
            merchants::vietqr(c, VietqrConfig { bin: into.bank_bin.clone(), account_no: into.account_number.clone(), account_name })?.start(&request)
        }
    }
    .map_err(|e| ApiError::Unexpected(format!("{provider} start: {e}")))?;
    let payment_id = random::sharded_id(shard);
    let at = clock::rfc3339(now);
    let created = store::create(
        &d1,
        owner,
        store::NewPayment {
            id: &payment_id,
            reference: reference.as_str(),
            bill_id,
            provider: provider.as_str(),
            amount: amount.as_dong(),
            started_by: &actor,
            at: &at,
            expires_at: &clock::rfc3339(request.expires_at),
            merchant_agency: merchant.owner.as_deref(),
            routing: Some(&routing),
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
    let payment = dossier_repo::payments_of_bill(&d1, bill_id)
        .await?
        .into_iter()
        .find(|p| p.id == payment_id)
        .ok_or_else(|| ApiError::Unexpected("payment vanished".into()))?;
    Ok(Started { payment, next })
}

/// What the national platform prints on its own receipt: the procedure, the dossier, the
/// account the transfer goes into and every fee line.
fn receipt_info(row: &DossierRow, lines: &[FeeLineAmount], routing: &Routing) -> paygov::ReceiptInfo {
    let applicant: motcua_domain::api::Applicant = serde_json::from_str(&row.applicant_json).unwrap_or_default();
    let into = &routing.collected_into;
    paygov::ReceiptInfo {
        procedure_code: row.procedure_code.clone(),
        procedure_name: row.procedure_name.clone(),
        // MaDVC: the procedure's code + ".01", as the public provincial implementation sends it
        // (national/FACTS.md §5); MaDichVu 2 (a dossier's fees) is set by the adapter.
        service_code: format!("{}.01", row.procedure_code),
        agency_code: row.agency_code.clone(),
        agency_name: row.agency_name.clone(),
        dossier_code: row.code.clone().unwrap_or_default(),
        beneficiary_account: into.account_number.clone(),
        beneficiary_bank: into.bank_bin.clone(),
        beneficiary_name: into.holder_name.clone(),
        payer_name: applicant.full_name,
        payer_id_no: applicant.id_number,
        payer_address: applicant.address,
        fee_lines: lines
            .iter()
            .filter(|l| !l.amount.is_zero())
            .map(|l| platform_fee_line(l.kind, &l.code, &l.name, l.amount))
            .collect(),
    }
}

/// A line as the national platform's receipt lists it (`PhiLePhi`).
pub fn platform_fee_line(kind: motcua_domain::fee::FeeKind, code: &str, name: &str, amount: motcua_domain::money::Vnd) -> paygov::FeeLine {
    paygov::FeeLine {
        kind: match kind {
            motcua_domain::fee::FeeKind::Phi => paygov::FeeKind::Phi,
            motcua_domain::fee::FeeKind::LePhi => paygov::FeeKind::LePhi,
        },
        code: code.to_string(),
        name: name.to_string(),
        amount,
    }
}

/// The agency takes online payment for this procedure (an admin switch, national); 409 otherwise.
async fn online_payment_on(national: &crate::platform::db::Db, row: &DossierRow) -> Result<(), ApiError> {
    #[derive(Deserialize)]
    struct Flag {
        online_payment: i64,
    }
    let flag: Option<Flag> = db::first(
        national.prepare("SELECT online_payment FROM agency_procedures WHERE agency_code = ?1 AND procedure_code = ?2")
            .bind(&[row.agency_code.as_str().into(), row.procedure_code.as_str().into()])?,
    )
    .await?;
    if flag.is_some_and(|f| f.online_payment != 0) {
        return Ok(());
    }
    Err(ApiError::Conflict {
        code: "online_payment_off".into(),
        message: "This agency does not take online payment for this procedure; pay at the one-stop desk.".into(),
        message_vi: "Cơ quan chưa nhận thanh toán trực tuyến cho thủ tục này. Vui lòng nộp phí tại Bộ phận Một cửa.".into(),
        field: Some("provider".into()),
    })
}

/// A line whose beneficiary is not configured: 409 naming what the province must add.
pub fn unroutable(e: RoutingError) -> ApiError {
    ApiError::Conflict { code: e.code().into(), message: e.message_en(), message_vi: e.message_vi(), field: Some(e.field()) }
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
