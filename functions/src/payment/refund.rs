//! Refunds: an officer of the agency gives back all or part of a settled payment, with a
//! reason, through the provider's refund API (VNPay `refund`, MoMo and ZaloPay refund). A bank
//! transfer (VietQR) or the national platform has no refund call here: the refund is recorded
//! for the agency's accountant to pay back by transfer. Every refund is in the ledger and shown
//! on the dossier.

use motcua_domain::gateway::vnpay::{self, RefundKind};
use motcua_domain::gateway::{momo, zalopay, PaymentGateway, Provider, Reference, RefundResult};
use motcua_domain::money::Vnd;
use motcua_domain::payment;
use motcua_domain::validation::FieldError;
use motcua_domain::text_input::Reason;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use worker::Response;

use super::repo::{self, PaymentRow};
use super::{merchants, store};
use crate::auth::session;
use crate::platform::error::ApiError;
use crate::platform::outbound::post_json;
use crate::platform::http::{json, Ctx};
use crate::platform::{clock, db, random};

#[derive(Deserialize)]
struct RefundBody {
    #[serde(default)]
    amount: i64,
    #[serde(default)]
    reason: String,
}

#[derive(Serialize)]
struct RefundView {
    id: String,
    payment_id: String,
    amount: i64,
    reason: String,
    /// `done` (the provider confirmed), `processing` (the provider will confirm later) or
    /// `manual` (to be paid back by the agency's accountant).
    status: String,
}

pub async fn create(ctx: &mut Ctx, payment_id: &str) -> Result<Response, ApiError> {
    let staff = session::staff(ctx).await?;
    let d1 = ctx.d1()?;
    let p = repo::by_id(&d1, payment_id)
        .await?
        .filter(|p| staff.covers(&p.agency_code))
        .ok_or(ApiError::NotFound { what: "payment", field: Some("id") })?;
    let body: RefundBody = ctx.json_body().await?;
    let reason = Reason::parse_optional("reason", &body.reason)?.map(Reason::into_string).ok_or_else(|| {
        FieldError::new("reason", "required", "Vui lòng ghi lý do hoàn tiền.", "A reason for the refund is required.")
    })?;
    #[derive(Deserialize)]
    struct Sum {
        refunded: Option<i64>,
    }
    // Reserved refunds count: two officers cannot give the same money back twice.
    let already = db::first::<Sum>(
        d1.prepare("SELECT SUM(amount) AS refunded FROM refunds WHERE payment_id = ?1 AND status != 'failed'").bind(&[p.id.as_str().into()])?,
    )
    .await?
    .and_then(|s| s.refunded)
    .unwrap_or(0);
    let refundable = p.amount - already;
    if body.amount <= 0 || body.amount > refundable {
        return Err(FieldError::new(
            "amount",
            "out_of_range",
            format!("Số tiền hoàn phải lớn hơn 0 và không quá {}.", Vnd::dong(refundable.max(0))),
            format!("The refund must be above 0 and at most {refundable} đ."),
        )
        .into());
    }
    payment::decide(p.state, payment::refund_event(body.amount, refundable)).map_err(|_| ApiError::Conflict {
        code: "not_refundable".into(),
        message: "Only a settled payment can be refunded.".into(),
        message_vi: "Chỉ hoàn tiền cho giao dịch đã thanh toán thành công.".into(),
        field: None,
    })?;
    let now = clock::now();
    let id = random::id();
    let at = clock::rfc3339(now);
    store::reserve_refund(&d1, &p, &id, body.amount, &reason, &staff, &at).await?;
    let whole = body.amount == p.amount && already == 0;
    let status = match call_provider(ctx, &p, Vnd::dong(body.amount), whole, &reason, &staff.username, now).await {
        Ok(status) => status,
        Err(refusal) => {
            store::finish_refund(&d1, &p.id, &id, body.amount, "failed", &clock::rfc3339(clock::now())).await?;
            return Err(refusal);
        }
    };
    store::finish_refund(&d1, &p.id, &id, body.amount, status, &clock::rfc3339(clock::now())).await?;
    Ok(json(&RefundView { id, payment_id: p.id, amount: body.amount, reason, status: status.into() })?.with_status(201))
}

/// Asks the provider to refund; a refusal is an error and nothing is recorded.
async fn call_provider(
    ctx: &Ctx,
    p: &PaymentRow,
    amount: Vnd,
    whole: bool,
    reason: &str,
    officer: &str,
    now: OffsetDateTime,
) -> Result<&'static str, ApiError> {
    let txn = p.provider_txn.clone().unwrap_or_default();
    let refused = |detail: String| ApiError::Conflict {
        code: "provider_refused".into(),
        message: format!("The provider refused the refund: {detail}"),
        message_vi: "Đơn vị thanh toán từ chối yêu cầu hoàn tiền. Vui lòng thử lại sau hoặc liên hệ đơn vị thanh toán.".into(),
        field: None,
    };
    let provider = p.provider()?;
    if matches!(provider, Provider::Vietqr | Provider::Paygov) {
        return Ok("manual");
    }
    let d1 = ctx.d1()?;
    let c = merchants::of_owner(&ctx.env, &d1, p.merchant_agency.as_deref(), provider).await?;
    match provider {
        Provider::Vnpay => {
            let g = merchants::vnpay(&ctx.env, &c)?;
            let created = OffsetDateTime::parse(&p.created_at, &time::format_description::well_known::Rfc3339)
                .map_err(|e| ApiError::Unexpected(e.to_string()))?;
            let body = vnpay::refund_body(
                &g.0,
                &vnpay::Refund {
                    request_id: hex::encode(random::bytes::<8>()),
                    kind: if whole { RefundKind::Full } else { RefundKind::Partial },
                    reference: Reference::parse("reference", &p.reference)?,
                    amount,
                    transaction_no: txn,
                    payment_created_at: created,
                    created_by: officer.to_string(),
                    reason: reason.to_string(),
                    now,
                    server_ip: "127.0.0.1".into(),
                },
            );
            let answer = post_json(&g.0.api_url, &body).await?;
            outcome(g.refund_result(&answer), refused)
        }
        Provider::Momo => {
            let g = merchants::momo(&ctx.env, &c)?;
            let body = momo::refund_body(
                &g.0,
                &momo::Refund {
                    refund_order_id: format!("RF{}", hex::encode_upper(random::bytes::<8>())),
                    request_id: hex::encode(random::bytes::<8>()),
                    amount,
                    trans_id: txn.parse().unwrap_or(0),
                    description: reason.to_string(),
                },
            );
            let answer = post_json(&g.0.url(momo::REFUND_PATH), &body).await?;
            outcome(g.refund_result(&answer), refused)
        }
        Provider::Zalopay => {
            let g = merchants::zalopay(&ctx.env, &c)?;
            let body = zalopay::refund_body(
                &g.0,
                &zalopay::Refund {
                    suffix: hex::encode(random::bytes::<4>()),
                    zp_trans_id: txn,
                    amount,
                    description: reason.to_string(),
                    now,
                },
            )
            .map_err(|e| refused(e.to_string()))?;
            let answer = post_json(&g.0.url(zalopay::REFUND_PATH), &body).await?;
            outcome(g.refund_result(&answer), refused)
        }
        _ => Ok("manual"),
    }
}

/// The provider's refund answer, as its module read it, in the refunds table's words.
fn outcome(
    result: Result<RefundResult, motcua_domain::gateway::GatewayError>,
    refused: impl Fn(String) -> ApiError,
) -> Result<&'static str, ApiError> {
    match result {
        Ok(RefundResult::Done) => Ok("done"),
        Ok(RefundResult::Processing) => Ok("processing"),
        Ok(RefundResult::Refused(code)) => Err(refused(code)),
        Err(e) => Err(refused(e.to_string())),
    }
}
