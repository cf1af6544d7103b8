//! The providers' server-to-server notifications. Each endpoint verifies the signature over the
//! exact bytes received before anything else, with the credentials of the merchant that opened
//! the payment it names (another agency's key is a bad signature); a bad signature is answered
//! in the provider's format and changes nothing. Then settlement checks the order and the amount.

use motcua_domain::gateway::merchant::{self, Credentials};
use motcua_domain::gateway::vietqr::{self, AwaitedTransfer, TransferMatch, Vietqr, VietqrConfig};
use motcua_domain::gateway::{Secret, CallbackOutcome, CallbackVerdict, GatewayError, PaymentGateway, Provider, ProviderResult, RawCallback, Reference, Reply};
use motcua_domain::money::Vnd;
use serde::Deserialize;
use worker::{Headers, Response};

use super::merchants;
use super::repo::{self, PaymentRow};
use super::settle::{self, Via};
use crate::platform::db;
use crate::platform::error::ApiError;
use crate::platform::http::Ctx;

pub async fn vnpay_ipn(ctx: &Ctx) -> Result<Response, ApiError> {
    let raw = RawCallback { query: ctx.raw_query(), body: String::new(), signature_header: None };
    handle(ctx, Provider::Vnpay, raw).await
}

pub async fn momo_ipn(ctx: &mut Ctx) -> Result<Response, ApiError> {
    handle_body(ctx, Provider::Momo).await
}

pub async fn zalopay_callback(ctx: &mut Ctx) -> Result<Response, ApiError> {
    handle_body(ctx, Provider::Zalopay).await
}

pub async fn paygov_confirm(ctx: &mut Ctx) -> Result<Response, ApiError> {
    handle_body(ctx, Provider::Paygov).await
}

/// The most a provider's callback body may weigh; anything larger is not a callback.
const CALLBACK_MAX_BYTES: usize = 64 * 1024;

/// The body exactly as received, when it is text of a callback's size; otherwise the provider's
/// "invalid request" answer (never a server error: junk is the sender's mistake).
async fn body_text(ctx: &mut Ctx) -> Option<String> {
    let bytes = ctx.req.bytes().await.ok()?;
    if bytes.len() > CALLBACK_MAX_BYTES {
        return None;
    }
    String::from_utf8(bytes).ok()
}

/// A provider's adapter with these credentials.
fn gateway(ctx: &Ctx, c: &Credentials) -> Result<Box<dyn PaymentGateway>, ApiError> {
    Ok(match c.provider() {
        Provider::Vnpay => Box::new(merchants::vnpay(&ctx.env, c)?),
        Provider::Momo => Box::new(merchants::momo(&ctx.env, c)?),
        Provider::Zalopay => Box::new(merchants::zalopay(&ctx.env, c)?),
        Provider::Paygov => Box::new(merchants::paygov(&ctx.env, c)?),
        Provider::Vietqr => return Err(ApiError::Unexpected("bank webhooks are not gateway callbacks".into())),
    })
}

/// "Invalid request" in the provider's format when no merchant could check the callback at all:
/// an adapter with blank credentials, used for the reply only (never to verify).
fn refuse(ctx: &Ctx, provider: Provider) -> Result<Response, ApiError> {
    let blank = match provider {
        Provider::Vnpay => Credentials::Vnpay { tmn_code: String::new(), hash_secret: Secret::new("") },
        Provider::Momo => Credentials::Momo { partner_code: String::new(), access_key: Secret::new(""), secret_key: Secret::new("") },
        Provider::Zalopay => Credentials::Zalopay { app_id: String::new(), key1: Secret::new(""), key2: Secret::new("") },
        Provider::Paygov | Provider::Vietqr => Credentials::Paygov { partner_code: String::new(), secret: Secret::new("") },
    };
    reply(gateway(ctx, &blank)?.reply(CallbackOutcome::InvalidRequest))
}

/// The credentials to check a callback with: those of the payment it names, else (an order
/// that is not ours) the deployment's, so that a correctly signed stranger is "order not found".
/// The payment read for it is handed on to settlement, which then need not read it again.
/// The payment is read in the shard its reference names; a reference naming none of ours
/// finds no payment, so the deployment's keys check it and it is "order not found".
async fn credentials_for(ctx: &Ctx, provider: Provider, raw: &RawCallback) -> Result<(Option<Credentials>, Option<PaymentRow>), ApiError> {
    let payment = match merchant::claimed_reference(provider, raw) {
        Some(r) => match settle::shard_of(&ctx.env, &r).await? {
            Some(d1) => repo::by_reference(&d1, r.as_str()).await?.filter(|p| p.provider == provider.as_str()),
            None => None,
        },
        None => None,
    };
    let owner = payment.as_ref().and_then(|p| p.merchant_agency.clone());
    match merchants::of_owner(&ctx.env, &ctx.national()?, owner.as_deref(), provider).await {
        Ok(c) => Ok((Some(c), payment)),
        Err(ApiError::Invalid(_)) => Ok((None, payment)),
        Err(e) => Err(e),
    }
}

async fn handle_body(ctx: &mut Ctx, provider: Provider) -> Result<Response, ApiError> {
    match body_text(ctx).await {
        Some(body) => handle(ctx, provider, RawCallback { query: String::new(), body, signature_header: None }).await,
        None => {
            worker::console_warn!("{provider} callback refused: not a readable body");
            refuse(ctx, provider)
        }
    }
}

async fn handle(ctx: &Ctx, provider: Provider, raw: RawCallback) -> Result<Response, ApiError> {
    let (credentials, payment) = credentials_for(ctx, provider, &raw).await?;
    let Some(credentials) = credentials else {
        worker::console_warn!("{provider} callback refused: no merchant can verify it");
        return refuse(ctx, provider);
    };
    let gateway = gateway(ctx, &credentials)?;
    let outcome = match gateway.verify_callback(&raw) {
        Ok(verdict) => apply(ctx, &verdict, payment).await,
        Err(e) => rejected(provider, &e),
    };
    reply(gateway.reply(outcome))
}

/// Settles a verified result; `known`: the attempt already read for its reference, if any.
async fn apply(ctx: &Ctx, verdict: &CallbackVerdict, known: Option<PaymentRow>) -> CallbackOutcome {
    match settle::apply_to(&ctx.env, verdict, Via::Callback, known).await {
        Ok(outcome) => outcome,
        Err(e) => {
            worker::console_error!("settling {} {} failed: {e}", verdict.provider, verdict.reference);
            CallbackOutcome::Error
        }
    }
}

fn rejected(provider: Provider, e: &GatewayError) -> CallbackOutcome {
    worker::console_warn!("{provider} callback refused: {e}");
    e.outcome()
}

fn reply(r: Reply) -> Result<Response, ApiError> {
    let headers = Headers::new();
    headers.set("content-type", r.content_type)?;
    let resp = if r.body.is_empty() { Response::empty()? } else { Response::ok(r.body)? };
    Ok(resp.with_status(r.status).with_headers(headers))
}

/// `POST /api/payments/bank/webhook`: a credit to an agency account, matched to the VietQR
/// payment by the reference in its content and the exact amount.
pub async fn bank_webhook(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let Some(body) = body_text(ctx).await else {
        return reply(vietqr::webhook_reply(CallbackOutcome::InvalidRequest));
    };
    let signature = ctx.req.headers().get(vietqr::SIGNATURE_HEADER)?;
    let d1 = ctx.national()?;
    // The account credited, read unverified only to choose the keys to check it with: the
    // webhook secrets of the agencies holding that account (a treasury account may serve
    // several), then the deployment's.
    let claimed = serde_json::from_str::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v.get("account").and_then(|a| a.as_str()).map(str::to_string))
        .unwrap_or_default();
    let holders = super::accounts::holders(&d1, &claimed).await?;
    let mut secrets: Vec<Secret> = Vec::new();
    for agency in &holders {
        if let Ok(m) = merchants::resolve(&ctx.env, &d1, agency, Provider::Vietqr).await {
            if let Some(s) = m.credentials.webhook_secret() {
                secrets.push(s.clone());
            }
        }
    }
    if let Ok(c) = merchants::of_owner(&ctx.env, &d1, None, Provider::Vietqr).await {
        secrets.extend(c.webhook_secret().cloned());
    }
    let mut verified = Err(GatewayError::InvalidSignature);
    for secret in &secrets {
        verified = vietqr::verify_webhook(secret, &body, signature.as_deref());
        if !matches!(verified, Err(GatewayError::InvalidSignature)) {
            break;
        }
    }
    let transfer = match verified {
        Ok(t) => t,
        Err(e) => return reply(vietqr::webhook_reply(rejected(Provider::Vietqr, &e))),
    };
    let secret = secrets.into_iter().next().unwrap_or_else(|| Secret::new(""));
    #[derive(Deserialize)]
    struct Awaited {
        reference: String,
        amount: i64,
        account_number: String,
    }
    // Awaited: VietQR attempts whose transfer goes into the credited account, in the shards
    // the references written in the transfer's content name (a transfer matches only a
    // reference its content carries, so no other shard can hold its payment).
    let mut shards_named = Vec::new();
    for r in vietqr::candidate_references(&transfer.content) {
        if let Ok(shard) = crate::platform::shards::map(&ctx.env).shard_of_reference(&r) {
            shards_named.push(shard);
        }
    }
    shards_named.sort();
    shards_named.dedup();
    let account = transfer.account.clone();
    let rows: Vec<Vec<Awaited>> = crate::platform::shards::fanout(crate::platform::shards::distinct(&ctx.env, &shards_named)?, |d1| {
        let account = account.clone();
        async move {
            db::all(
                d1.prepare(
                    "SELECT p.reference, p.amount, json_extract(p.routing_json, '$.collected_into.account_number') AS account_number FROM payments p \
                     WHERE p.provider = 'vietqr' AND p.state IN ('created', 'redirected', 'failed', 'expired') \
                       AND json_extract(p.routing_json, '$.collected_into.account_number') = ?1",
                )
                .bind(&[account.as_str().into()])?,
            )
            .await
        }
    })
    .await?;
    let awaited: Vec<AwaitedTransfer> = rows
        .into_iter()
        .flatten()
        .filter_map(|r| {
            Some(AwaitedTransfer {
                reference: Reference::parse("reference", &r.reference).ok()?,
                amount: Vnd::from_dong("amount", r.amount).ok()?,
                account_no: r.account_number,
            })
        })
        .collect();
    let reference = match vietqr::match_transfer(&transfer, &awaited) {
        TransferMatch::Matched { reference } | TransferMatch::AmountMismatch { reference, .. } => reference,
        TransferMatch::Unmatched => {
            // Kept in the log for manual reconciliation; the bank is told it was received.
            worker::console_warn!("bank transfer {} matched no awaited payment", transfer.id);
            return reply(vietqr::webhook_reply(CallbackOutcome::Recorded));
        }
    };
    let Ok(amount) = Vnd::from_dong("amount", transfer.amount) else {
        return reply(vietqr::webhook_reply(CallbackOutcome::InvalidRequest));
    };
    let verdict = CallbackVerdict {
        provider: Provider::Vietqr,
        reference,
        amount,
        provider_txn: transfer.id.clone(),
        result: ProviderResult::Paid,
        code: "credit".into(),
        message: "Đã nhận chuyển khoản".into(),
    };
    let outcome = apply(ctx, &verdict, None).await;
    let gateway = Vietqr { config: VietqrConfig { bin: String::new(), account_no: transfer.account, account_name: String::new() }, webhook_secret: secret };
    reply(gateway.reply(outcome))
}
