//! Refunds: an officer of the agency gives back all or part of a settled payment, with a
//! reason, through the provider's refund API (VNPay `refund`, MoMo and ZaloPay refund). A bank
//! transfer (VietQR) or the national platform has no refund call here: the refund is recorded
//! for the agency's accountant to pay back by transfer. Every refund is in the ledger and shown
//! on the dossier.

use motcua_domain::gateway::vnpay::{self, RefundKind};
use motcua_domain::gateway::{momo, zalopay, PaymentGateway, Provider, Reference, RefundResult};
use motcua_domain::money::Vnd;
use motcua_domain::payment::{self, manual_refund};
use motcua_domain::validation::FieldError;
use motcua_domain::text_input::{Reason, ShortText};
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
    let d1 = ctx.shard_of_id(payment_id).await?.ok_or(ApiError::NotFound { what: "payment", field: Some("id") })?;
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
        d1.prepare("SELECT SUM(amount) AS refunded FROM refunds WHERE payment_id = ?1 AND status NOT IN ('failed', 'rejected')").bind(&[p.id.as_str().into()])?,
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
    // The refund lives beside its payment, and its id names that shard.
    let shard = match d1.shard() {
        Some(shard) => shard,
        None => crate::platform::shards::map(&ctx.env).shard_of_agency(&p.agency_code)?,
    };
    let id = random::sharded_id(shard);
    let at = clock::rfc3339(now);
    store::reserve_refund(&d1, &p, &id, body.amount, &reason, &staff, &at).await?;
    let whole = body.amount == p.amount && already == 0;
    let status = match call_provider(ctx, &p, Vnd::dong(body.amount), whole, &reason, &staff.username, now).await {
        Ok(status) => status,
        Err(refusal) => {
            store::finish_refund(&d1, &p.id, &id, body.amount, "requested", "failed", &clock::rfc3339(clock::now()), Default::default()).await?;
            return Err(refusal);
        }
    };
    // Paid back by hand: it waits, requested, for a second officer (`decision`).
    if status != "manual" {
        store::finish_refund(&d1, &p.id, &id, body.amount, "requested", status, &clock::rfc3339(clock::now()), Default::default()).await?;
    }
    let status = if status == "manual" { "requested" } else { status };
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
    let c = merchants::of_owner(&ctx.env, &ctx.national()?, p.merchant_agency.as_deref(), provider).await?;
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

#[derive(Deserialize, Serialize)]
struct RefundRow {
    id: String,
    payment_id: String,
    dossier_id: Option<String>,
    /// The dossier's code, or the bill's for a bill without a dossier.
    dossier_code: Option<String>,
    agency_code: String,
    provider: String,
    amount: i64,
    reason: String,
    status: String,
    staff_id: String,
    /// The officers' names, from the national staff table ([`with_names`]).
    #[serde(default)]
    requested_by: Option<String>,
    created_at: String,
    #[serde(default, skip_serializing)]
    decided_by_id: Option<String>,
    #[serde(default)]
    decided_by: Option<String>,
    decided_at: Option<String>,
    decision_note: Option<String>,
    transfer_ref: Option<String>,
    paid_at: Option<String>,
}

const REFUNDS: &str = "SELECT r.id, r.payment_id, p.dossier_id, COALESCE(d.code, b.code) AS dossier_code, p.agency_code, p.provider, r.amount, r.reason, r.status, \
       r.staff_id, r.created_at, r.decided_by AS decided_by_id, r.decided_at, \
       r.decision_note, r.transfer_ref, r.paid_at \
     FROM refunds r JOIN payments p ON p.id = r.payment_id JOIN bills b ON b.id = p.bill_id LEFT JOIN dossiers d ON d.id = p.dossier_id";

/// Who asked for and who decided each refund, by name: one national read for the page (the
/// refunds keep only staff ids, docs/SHARDING.md §2.1 #26-#28).
async fn with_names(national: &crate::platform::db::Db, rows: &mut [RefundRow]) -> Result<(), ApiError> {
    let ids: Vec<&str> = rows.iter().flat_map(|r| [Some(r.staff_id.as_str()), r.decided_by_id.as_deref()]).flatten().collect();
    let names = crate::auth::repo::staff_names(national, &ids).await?;
    for r in rows.iter_mut() {
        r.requested_by = names.get(&r.staff_id).cloned();
        r.decided_by = r.decided_by_id.as_ref().and_then(|id| names.get(id).cloned());
    }
    Ok(())
}

/// The order of the list: what waits for someone first, then the newest.
fn list_order(r: &RefundRow) -> (u8, std::cmp::Reverse<String>) {
    let rank = match r.status.as_str() {
        "requested" => 0,
        "approved" => 1,
        _ => 2,
    };
    (rank, std::cmp::Reverse(r.created_at.clone()))
}

fn refund_json(r: &RefundRow, viewer: &str) -> serde_json::Value {
    let mut v = serde_json::to_value(r).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        o.remove("staff_id");
        let status = manual_refund::Status::parse(&r.status);
        o.insert("status_label".into(), status.map(|s| s.label_vi()).unwrap_or("").into());
        // The requester never decides their own request (the screen hides the buttons).
        let open = matches!(status, Some(manual_refund::Status::Requested | manual_refund::Status::Approved));
        let own_request = r.staff_id == viewer && status == Some(manual_refund::Status::Requested);
        o.insert("can_decide".into(), (open && !own_request).into());
    }
    v
}

/// `GET /api/staff/refunds?status=open|all`: refunds of the agencies in the caller's scope,
/// the ones still waiting for someone first.
pub async fn list(ctx: &Ctx) -> Result<Response, ApiError> {
    let staff = session::staff(ctx).await?;
    let open_only = match ctx.query("status").as_deref() {
        None | Some("open") => true,
        Some("all") => false,
        Some(_) => return Err(FieldError::new("status", "invalid_choice", "Trạng thái là open hoặc all.", "The status is open or all.").into()),
    };
    // Each shard of the scope answers its first 200 in the list's order; the merge keeps 200.
    // Each database is asked for its own agencies only (a cut-over's leftovers in `DB` are not counted).
    let dbs = crate::platform::shards::of_agencies(&ctx.env, &staff.agencies)?;
    let parts: Vec<Vec<RefundRow>> = crate::platform::shards::fanout(dbs, |d1| {
        let scope = serde_json::to_string(&d1.own(&staff.agencies));
        async move {
            let scope = scope.map_err(|e| ApiError::Unexpected(e.to_string()))?;
            db::all(
                d1.prepare(format!(
                    "{REFUNDS} WHERE p.agency_code IN (SELECT value FROM json_each(?1)) AND (?2 = 0 OR r.status IN ('requested', 'approved')) \
                     ORDER BY CASE r.status WHEN 'requested' THEN 0 WHEN 'approved' THEN 1 ELSE 2 END, r.created_at DESC LIMIT 200"
                ))
                .bind(&[scope.into(), (if open_only { 1.0 } else { 0.0 }).into()])?,
            )
            .await
        }
    })
    .await?;
    let mut rows: Vec<RefundRow> = parts.into_iter().flatten().collect();
    rows.sort_by_key(list_order);
    rows.truncate(200);
    with_names(&ctx.national()?, &mut rows).await?;
    json(&rows.iter().map(|r| refund_json(r, &staff.staff_id)).collect::<Vec<_>>())
}

#[derive(Deserialize)]
struct DecisionBody {
    #[serde(default)]
    action: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    transfer_ref: String,
}

/// `POST /api/staff/refunds/{id}/decision` `{"action": "approve"|"reject"|"paid", "note"?,
/// "transfer_ref"?}`: the second officer's part of a refund paid back by hand.
pub async fn decision(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let staff = session::staff(ctx).await?;
    let body: DecisionBody = ctx.json_body().await?;
    let d1 = ctx.shard_of_id(id).await?.ok_or(ApiError::NotFound { what: "refund", field: Some("id") })?;
    let row: RefundRow = db::first::<RefundRow>(d1.prepare(format!("{REFUNDS} WHERE r.id = ?1")).bind(&[id.into()])?)
        .await?
        .filter(|r| staff.covers(&r.agency_code))
        .ok_or(ApiError::NotFound { what: "refund", field: Some("id") })?;
    let transfer_ref = ShortText::parse_optional("transfer_ref", &body.transfer_ref)?.map(ShortText::into_string).unwrap_or_default();
    let note = Reason::parse_optional("note", &body.note)?.map(Reason::into_string);
    let command = match body.action.as_str() {
        "approve" => manual_refund::Command::Approve,
        "reject" => manual_refund::Command::Reject,
        "paid" => manual_refund::Command::MarkPaid { transfer_ref: transfer_ref.clone() },
        _ => return Err(FieldError::new("action", "invalid_choice", "Thao tác là approve, reject hoặc paid.", "The action is approve, reject or paid.").into()),
    };
    if command == manual_refund::Command::Reject && note.is_none() {
        return Err(FieldError::new("note", "required", "Vui lòng ghi lý do từ chối hoàn tiền.", "A reason for the rejection is required.").into());
    }
    let Some(from) = manual_refund::Status::parse(&row.status) else {
        return Err(ApiError::Conflict {
            code: "not_manual".into(),
            message: "This refund went through the provider; there is nothing to decide.".into(),
            message_vi: "Khoản hoàn tiền này do đơn vị thanh toán thực hiện, không cần duyệt.".into(),
            field: None,
        });
    };
    let to = manual_refund::decide(from, &command, &staff.staff_id, &row.staff_id).map_err(|e| match e {
        manual_refund::RefusalReason::TransferRefRequired => ApiError::Invalid(FieldError::new("transfer_ref", "required", e.message_vi(), e.message_en())),
        other => ApiError::Conflict { code: other.code().into(), message: other.message_en(), message_vi: other.message_vi(), field: Some("action".into()) },
    })?;
    let at = clock::rfc3339(clock::now());
    match to {
        manual_refund::Status::Approved => store::approve_refund(&d1, id, &staff, &row.agency_code, &at).await?,
        _ => {
            let close = store::RefundClose {
                by: Some((&staff, &row.agency_code)),
                note: note.as_deref(),
                transfer_ref: (to == manual_refund::Status::Paid).then_some(transfer_ref.as_str()),
            };
            store::finish_refund(&d1, &row.payment_id, id, row.amount, from.as_str(), to.as_str(), &at, close).await?;
        }
    }
    let mut rows: Vec<RefundRow> = db::first(d1.prepare(format!("{REFUNDS} WHERE r.id = ?1")).bind(&[id.into()])?).await?.into_iter().collect();
    with_names(&ctx.national()?, &mut rows).await?;
    json(&rows.first().map(|r| refund_json(r, &staff.staff_id)))
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
