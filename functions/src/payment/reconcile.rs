//! Reconciliation (the cron trigger): attempts left pending for over 15 minutes are asked about
//! at their provider (VNPay `querydr`); a verified answer settles or fails them exactly like a
//! callback would, and attempts past their expiry with no result are expired. Settled payments
//! still missing a receipt get one.

use motcua_domain::gateway::vnpay::{self, QueryDr};
use motcua_domain::gateway::Reference;
use motcua_domain::payment::{self, Event};
use time::OffsetDateTime;
use worker::{Env, Fetch, Headers, Method, Request, RequestInit};

use super::repo::{self, PaymentRow};
use super::settle::{self, Via};
use super::{config, ledger, receipt};
use crate::platform::{clock, config as platform_config, db, random};

pub const PENDING_AFTER_MINUTES: i64 = 15;

pub async fn run(env: &Env) -> Result<usize, crate::platform::error::ApiError> {
    let d1 = env.d1(platform_config::DB)?;
    let now = clock::now();
    let cutoff = clock::rfc3339(now - time::Duration::minutes(PENDING_AFTER_MINUTES));
    let pending = repo::pending_before(&d1, &cutoff).await?;
    let mut handled = 0;
    for p in pending {
        if let Err(e) = reconcile_one(env, &d1, &p, now).await {
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
        receipt::issue(env, &d1, &m.id).await?;
    }
    Ok(handled)
}

async fn reconcile_one(env: &Env, d1: &worker::D1Database, p: &PaymentRow, now: OffsetDateTime) -> Result<(), crate::platform::error::ApiError> {
    let now_text = clock::rfc3339(now);
    if p.provider == "vnpay" {
        let gateway = config::vnpay(env)?;
        let created = OffsetDateTime::parse(&p.created_at, &time::format_description::well_known::Rfc3339)
            .map_err(|e| crate::platform::error::ApiError::Unexpected(e.to_string()))?;
        let query = QueryDr {
            request_id: hex::encode(random::bytes::<8>()),
            reference: Reference::parse("reference", &p.reference)?,
            payment_created_at: created,
            now,
            server_ip: "127.0.0.1".into(),
        };
        let body = vnpay::querydr_body(&gateway.0, &query);
        let answer = post_json(&gateway.0.api_url, &body).await?;
        ledger::append(d1, &p.id, &now_text, "query_sent", &serde_json::json!({"provider": "vnpay"})).await?;
        match vnpay::querydr_verdict(&gateway.0, &answer) {
            Ok(Some(verdict)) => {
                settle::apply(env, &verdict, Via::Query).await?;
                return Ok(());
            }
            Ok(None) => {}
            Err(e) => {
                ledger::append(d1, &p.id, &now_text, "query_rejected", &serde_json::json!({"reason": e.to_string()})).await?;
            }
        }
    }
    // No verified result: past its expiry the attempt is expired (the amount stays payable).
    if p.expires_at < now_text {
        if let Ok(next) = payment::transition(p.state, Event::Expire) {
            repo::set_state(d1, &p.id, next, &now_text).await?;
            ledger::append(d1, &p.id, &now_text, "expired", &serde_json::json!({})).await?;
        }
    }
    Ok(())
}

pub async fn post_json(url: &str, body: &str) -> Result<String, crate::platform::error::ApiError> {
    let headers = Headers::new();
    headers.set("content-type", "application/json")?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_headers(headers).with_body(Some(body.into()));
    let req = Request::new_with_init(url, &init)?;
    let mut resp = Fetch::Request(req).send().await?;
    Ok(resp.text().await?)
}
