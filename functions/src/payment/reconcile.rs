//! Reconciliation (the cron trigger): attempts left pending for over 15 minutes are asked about
//! at their provider (VNPay `querydr`); a verified answer settles or fails them exactly like a
//! callback would, and attempts past their expiry with no result are expired. Settled payments
//! still missing a receipt get one.

use motcua_domain::gateway::vnpay::{self, QueryDr};
use motcua_domain::gateway::{momo, paygov, zalopay, PaymentGateway, Provider, ProviderResult};
use motcua_domain::gateway::Reference;
use motcua_domain::payment::Event;
use time::OffsetDateTime;
use worker::Env;

use super::repo::{self, PaymentRow};
use super::settle::{self, Via};
use super::{ledger, merchants, receipt, store};
use crate::platform::db::Db;
use crate::platform::outbound::post_json;
use crate::platform::{clock, config as platform_config, db, random};

pub const PENDING_AFTER_MINUTES: i64 = crate::platform::settings::RECONCILE_AFTER_MINUTES;

/// How long an attempt may wait for its callback before reconciliation asks (the tests set
/// `RECONCILE_AFTER_MINUTES` to 0 so as not to wait).
fn pending_after(env: &Env) -> time::Duration {
    time::Duration::minutes(platform_config::config(env).reconcile_after_minutes)
}

/// Every shard in turn (each database once): its pending attempts, its missing receipts, its
/// national platform bills. A shard that fails is logged and the others still run.
pub async fn run(env: &Env) -> Result<usize, crate::platform::error::ApiError> {
    let national = crate::platform::shards::national(env)?;
    let mut handled = 0;
    for d1 in crate::platform::shards::all(env)? {
        match run_in(env, &national, &d1).await {
            Ok(n) => handled += n,
            Err(e) => worker::console_error!("reconciling shard {:?} failed: {e}", d1.shard().map(|s| s.binding())),
        }
    }
    Ok(handled)
}

async fn run_in(env: &Env, national: &Db, d1: &Db) -> Result<usize, crate::platform::error::ApiError> {
    let now = clock::now();
    let cutoff = clock::rfc3339(now - pending_after(env));
    let pending = repo::pending_before(d1, &cutoff).await?;
    let mut handled = 0;
    for p in pending {
        if let Err(e) = reconcile_one(env, national, d1, &p, now).await {
            worker::console_error!("reconciling payment {} failed: {e}", p.id);
        } else {
            handled += 1;
        }
    }
    #[derive(serde::Deserialize)]
    struct Missing {
        id: String,
    }
    let missing: Vec<Missing> = db::all(d1.prepare(
        "SELECT p.id FROM payments p JOIN settlements s ON s.payment_id = p.id \
         WHERE NOT EXISTS (SELECT 1 FROM receipts r WHERE r.payment_id = p.id) LIMIT 50",
    ))
    .await?;
    for m in missing {
        receipt::issue(env, d1, &m.id).await?;
    }
    if let Err(e) = keep_platform_bills(env, national, d1).await {
        worker::console_error!("national platform bills: {e}");
    }
    Ok(handled)
}

/// The national platform issues its own receipt for what it collected: kept beside ours, asked
/// for once per settled payment (GET_BILL), with the merchant that opened it.
async fn keep_platform_bills(env: &Env, national: &Db, d1: &Db) -> Result<(), crate::platform::error::ApiError> {
    let rows = repo::paygov_without_bill(d1).await?;
    for p in rows {
        let c = merchants::of_owner(env, national, p.merchant_agency.as_deref(), Provider::Paygov).await?;
        let gateway = merchants::paygov(env, &c)?;
        let reference = Reference::parse("reference", &p.reference)?;
        let created = OffsetDateTime::parse(&p.created_at, &time::format_description::well_known::Rfc3339)
            .map_err(|e| crate::platform::error::ApiError::Unexpected(e.to_string()))?;
        let answer = post_json(&gateway.0.bill_url, &paygov::get_bill_body(&gateway.0, &reference, created)).await?;
        match paygov::parse_bill(&answer) {
            Ok(bill) if bill.reference == p.reference => store::keep_platform_bill(d1, &p.id, &answer).await?,
            Ok(_) => worker::console_warn!("paygov bill for {} names another reference", p.reference),
            Err(e) => worker::console_warn!("paygov bill for {} not available yet: {e}", p.reference),
        }
    }
    Ok(())
}

async fn reconcile_one(env: &Env, national: &Db, d1: &Db, p: &PaymentRow, now: OffsetDateTime) -> Result<(), crate::platform::error::ApiError> {
    let now_text = clock::rfc3339(now);
    let reference = Reference::parse("reference", &p.reference)?;
    let created = OffsetDateTime::parse(&p.created_at, &time::format_description::well_known::Rfc3339)
        .map_err(|e| crate::platform::error::ApiError::Unexpected(e.to_string()))?;
    // Ask the provider; its module reads the answer (the Worker never matches a provider's
    // code), and a verified result settles or fails the attempt like a callback would.
    let provider = p.provider()?;
    // Asked with the merchant that opened it (an unknown or removed one answers nothing).
    let credentials = if provider == Provider::Vietqr { None } else { merchants::of_owner(env, national, p.merchant_agency.as_deref(), provider).await.ok() };
    let verdict = match (provider, credentials) {
        (Provider::Vnpay, Some(c)) => {
            let gateway = merchants::vnpay(env, &c)?;
            let query = QueryDr {
                request_id: hex::encode(random::bytes::<8>()),
                reference: reference.clone(),
                payment_created_at: created,
                now,
                server_ip: "127.0.0.1".into(),
            };
            let answer = post_json(&gateway.0.api_url, &vnpay::querydr_body(&gateway.0, &query)).await?;
            gateway.query_result(&reference, &answer)
        }
        (Provider::Momo, Some(c)) => {
            let gateway = merchants::momo(env, &c)?;
            let body = momo::query_body(&gateway.0, &reference, &hex::encode(random::bytes::<8>()));
            let answer = post_json(&gateway.0.url(momo::QUERY_PATH), &body).await?;
            gateway.query_result(&reference, &answer)
        }
        (Provider::Zalopay, Some(c)) => {
            let gateway = merchants::zalopay(env, &c)?;
            match zalopay::query_body(&gateway.0, &reference, created) {
                Ok(body) => {
                    let answer = post_json(&gateway.0.url(zalopay::QUERY_PATH), &body).await?;
                    gateway.query_result(&reference, &answer)
                }
                Err(e) => Err(e),
            }
        }
        // The national platform's QUERY for a lost confirmation (its answer is read by the
        // platform's module like a confirm).
        (Provider::Paygov, Some(c)) => {
            let gateway = merchants::paygov(env, &c)?;
            let answer = post_json(&gateway.0.query_url, &paygov::query_body(&gateway.0, &reference, created)).await?;
            gateway.query_result(&reference, &answer)
        }
        // VietQR has no query: a transfer arrives by webhook or not at all.
        _ => Ok(None),
    };
    if provider != Provider::Vietqr {
        ledger::append(d1, &p.id, &now_text, "query_sent", &serde_json::json!({"provider": p.provider})).await?;
    }
    match verdict {
        Ok(Some(verdict)) => {
            settle::apply(env, &verdict, Via::Query).await?;
            // Still pending at the provider: recorded, and it may expire below.
            if verdict.result != ProviderResult::Pending {
                return Ok(());
            }
        }
        Ok(None) => {}
        Err(e) => {
            ledger::append(d1, &p.id, &now_text, "query_rejected", &serde_json::json!({"reason": e.to_string()})).await?;
        }
    }
    // No verified result: past its expiry the attempt is expired (the amount stays payable).
    if p.expires_at < now_text {
        store::apply_event(d1, &p.id, Event::Expire, &now_text, &serde_json::json!({})).await?;
    }
    Ok(())
}
