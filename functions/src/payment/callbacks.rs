//! The providers' server-to-server notifications. Each endpoint verifies the signature over the
//! exact bytes received before anything else; a bad signature is answered in the provider's
//! format and changes nothing. Then settlement checks the order and the amount.

use motcua_domain::gateway::vietqr::{self, AwaitedTransfer, TransferMatch, Vietqr, VietqrConfig};
use motcua_domain::gateway::{CallbackOutcome, CallbackVerdict, GatewayError, PaymentGateway, Provider, ProviderResult, RawCallback, Reference, Reply};
use motcua_domain::money::Vnd;
use serde::Deserialize;
use worker::{Headers, Response};

use super::config;
use super::settle::{self, Via};
use crate::platform::db;
use crate::platform::error::ApiError;
use crate::platform::http::Ctx;

pub async fn vnpay_ipn(ctx: &Ctx) -> Result<Response, ApiError> {
    let raw = RawCallback { query: ctx.req.url()?.query().unwrap_or("").to_string(), body: String::new(), signature_header: None };
    handle(ctx, &config::vnpay(&ctx.env)?, raw).await
}

pub async fn momo_ipn(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let gateway = config::momo(&ctx.env)?;
    handle_body(ctx, &gateway).await
}

pub async fn zalopay_callback(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let gateway = config::zalopay(&ctx.env)?;
    handle_body(ctx, &gateway).await
}

pub async fn paygov_confirm(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let gateway = config::paygov(&ctx.env)?;
    handle_body(ctx, &gateway).await
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

async fn handle_body<G: PaymentGateway>(ctx: &mut Ctx, gateway: &G) -> Result<Response, ApiError> {
    match body_text(ctx).await {
        Some(body) => handle(ctx, gateway, RawCallback { query: String::new(), body, signature_header: None }).await,
        None => {
            worker::console_warn!("{} callback refused: not a readable body", gateway.provider());
            reply(gateway.reply(CallbackOutcome::InvalidRequest))
        }
    }
}

async fn handle<G: PaymentGateway>(ctx: &Ctx, gateway: &G, raw: RawCallback) -> Result<Response, ApiError> {
    let outcome = match gateway.verify_callback(&raw) {
        Ok(verdict) => apply(ctx, &verdict).await,
        Err(e) => rejected(gateway.provider(), &e),
    };
    reply(gateway.reply(outcome))
}

async fn apply(ctx: &Ctx, verdict: &CallbackVerdict) -> CallbackOutcome {
    match settle::apply(&ctx.env, verdict, Via::Callback).await {
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
    let secret = config::bank_webhook_secret(&ctx.env)?;
    let transfer = match vietqr::verify_webhook(&secret, &body, signature.as_deref()) {
        Ok(t) => t,
        Err(e) => return reply(vietqr::webhook_reply(rejected(Provider::Vietqr, &e))),
    };
    #[derive(Deserialize)]
    struct Awaited {
        reference: String,
        amount: i64,
        account_number: String,
    }
    let rows: Vec<Awaited> = db::all(
        ctx.d1()?
            .prepare(
                "SELECT p.reference, p.amount, b.account_number FROM payments p \
                 JOIN bank_accounts b ON b.agency_code = p.agency_code \
                 WHERE p.provider = 'vietqr' AND p.state IN ('created', 'redirected', 'failed', 'expired') AND b.account_number = ?1",
            )
            .bind(&[transfer.account.as_str().into()])?,
    )
    .await?;
    let awaited: Vec<AwaitedTransfer> = rows
        .into_iter()
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
    let outcome = apply(ctx, &verdict).await;
    let gateway = Vietqr { config: VietqrConfig { bin: String::new(), account_no: transfer.account, account_name: String::new() }, webhook_secret: secret };
    reply(gateway.reply(outcome))
}
