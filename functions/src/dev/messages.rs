//! The sandboxes of the e-mail and Zalo providers (SANDBOX=1 only), each answering the provider's
//! protocol as `motcua_domain::notify::{email, zns}::sandbox` describe it, and landing what it
//! accepts in the development outbox beside the SMS:
//! - `POST /sandbox/resend/emails`: Resend's send (Bearer key, Idempotency-Key); the first
//!   attempt of each message to `tam-thoi@…` is rate-limited (429), `tu-choi@…` refused (422).
//! - `POST /sandbox/zalo/oauth/v4/oa/access_token`: the OA token refresh; each refresh token is
//!   accepted once (the first is `ZALO_REFRESH_TOKEN`).
//! - `POST /sandbox/zalo/openapi/message/template`: the ZNS send, with an access token it issued.
//! - `GET /dev/deliveries.json?to=`: `message_deliveries` (messages that failed at least once:
//!   retried, delivered later, or dead), newest first.
//! - `POST /dev/zalo/age`: expires the stored OA access token, so a test sees the refresh.

use motcua_domain::citizen::Phone;
use motcua_domain::notify::{email, zns};
use serde::{Deserialize, Serialize};
use worker::Response;

use super::sandbox_only;
use crate::auth::repo;
use crate::platform::error::ApiError;
use crate::platform::http::{json, Ctx};
use crate::platform::{clock, config, db, random};

fn header(ctx: &Ctx, name: &str) -> String {
    ctx.req.headers().get(name).ok().flatten().unwrap_or_default()
}

fn setting(ctx: &Ctx, name: &str) -> String {
    config::setting(&ctx.env, name).unwrap_or_default()
}

fn reply(status: u16, body: String) -> Result<Response, ApiError> {
    let mut resp = Response::ok(body)?.with_status(status);
    resp.headers_mut().set("content-type", "application/json")?;
    Ok(resp)
}

/// Records that the sandbox refused `request_id` on purpose; true if it had not before.
async fn refuse_once(ctx: &Ctx, request_id: &str, channel: &str, recipient: &str, code: &str) -> Result<bool, ApiError> {
    let result = ctx
        .national()?
        .prepare("INSERT OR IGNORE INTO dev_provider_refusals (request_id, channel, recipient, code, created_at) VALUES (?1, ?2, ?3, ?4, ?5)")
        .bind(&[request_id.into(), channel.into(), recipient.into(), code.into(), clock::rfc3339(clock::now()).into()])?
        .run()
        .await?;
    Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0) == 1)
}

pub async fn resend_send(ctx: &mut Ctx) -> Result<Response, ApiError> {
    sandbox_only(ctx)?;
    let key = header(ctx, "idempotency-key");
    let authorization = header(ctx, "authorization");
    let text = ctx.body_text(1 << 20).await?;
    let Ok(req) = serde_json::from_str::<email::SendRequest>(&text) else {
        return reply(422, serde_json::json!({"statusCode": 422, "name": "validation_error", "message": "Invalid body"}).to_string());
    };
    let d1 = ctx.national()?;
    // A key seen before answers as the first accepted request did (nothing sent twice).
    if !key.is_empty() && repo::dev_outbox_has_request(&d1, &key).await? {
        return reply(200, serde_json::json!({"id": key}).to_string());
    }
    let to = req.to.first().cloned().unwrap_or_default();
    let first = if to.starts_with(email::sandbox::TRANSIENT_LOCAL_PART) && !key.is_empty() {
        refuse_once(ctx, &key, "email", &to, "rate_limit_exceeded").await?
    } else {
        true
    };
    let (status, body) = email::sandbox::check(&setting(ctx, email::env::API_KEY), &authorization, &req, first, &random::id());
    if status == 200 {
        let shown = format!("{}\n\n{}", req.subject, req.text);
        repo::dev_outbox_insert(&d1, "email", &to, &shown, &key).await?;
        worker::console_log!("sandbox e-mail → {}: {}", crate::platform::email::masked(&to), req.subject);
    }
    reply(status, body)
}

pub async fn zalo_refresh(ctx: &mut Ctx) -> Result<Response, ApiError> {
    sandbox_only(ctx)?;
    let secret = header(ctx, "secret_key");
    let form = zns::sandbox::parse_form(&ctx.body_text(1 << 16).await?);
    let field = |k: &str| form.get(k).cloned().unwrap_or_default();
    if secret != setting(ctx, zns::env::SECRET_KEY) || field("app_id") != setting(ctx, zns::env::APP_ID) {
        return reply(200, serde_json::json!({"error": -14002, "error_name": "Invalid app secret"}).to_string());
    }
    if field("grant_type") != "refresh_token" {
        return reply(200, zns::sandbox::refresh_refused());
    }
    let token = field("refresh_token");
    let d1 = ctx.national()?;
    #[derive(Deserialize)]
    struct One {
        #[allow(dead_code)]
        spent: i64,
    }
    let issued: Option<One> =
        db::first(d1.prepare("SELECT spent FROM dev_zalo_tokens WHERE token = ?1 AND kind = 'refresh'").bind(&[token.clone().into()])?).await?;
    let initial = !token.is_empty() && token == setting(ctx, zns::env::REFRESH_TOKEN);
    let now = clock::now().unix_timestamp();
    if issued.is_none() && !initial {
        return reply(200, zns::sandbox::refresh_refused());
    }
    // Spent in the statement that checks it: a refresh token works once.
    let spent = d1
        .prepare(
            "INSERT INTO dev_zalo_tokens (token, kind, spent, expires_at) VALUES (?1, 'refresh', 1, ?2) \
             ON CONFLICT (token) DO UPDATE SET spent = 1 WHERE spent = 0",
        )
        .bind(&[token.into(), ((now + 90 * 86400) as f64).into()])?
        .run()
        .await?;
    if spent.meta()?.and_then(|m| m.changes).unwrap_or(0) != 1 {
        return reply(200, zns::sandbox::refresh_refused());
    }
    let pair = zns::TokenPair { access_token: format!("at-{}", random::id()), refresh_token: format!("rt-{}", random::id()), expires_in: 90000 };
    d1.batch(vec![
        d1.prepare("INSERT INTO dev_zalo_tokens (token, kind, expires_at) VALUES (?1, 'access', ?2)")
            .bind(&[pair.access_token.clone().into(), ((now + pair.expires_in) as f64).into()])?,
        d1.prepare("INSERT INTO dev_zalo_tokens (token, kind, expires_at) VALUES (?1, 'refresh', ?2)")
            .bind(&[pair.refresh_token.clone().into(), ((now + 90 * 86400) as f64).into()])?,
    ])
    .await?;
    reply(200, zns::sandbox::token_reply(&pair))
}

pub async fn zalo_send(ctx: &mut Ctx) -> Result<Response, ApiError> {
    sandbox_only(ctx)?;
    let token = header(ctx, "access_token");
    let text = ctx.body_text(1 << 16).await?;
    let Ok(req) = serde_json::from_str::<zns::SendRequest>(&text) else {
        return reply(200, zns::sandbox::error(-111, "Template data is empty"));
    };
    let d1 = ctx.national()?;
    #[derive(Deserialize)]
    struct One {
        #[allow(dead_code)]
        expires_at: i64,
    }
    let live: Option<One> = db::first(
        d1.prepare("SELECT expires_at FROM dev_zalo_tokens WHERE token = ?1 AND kind = 'access' AND expires_at > ?2")
            .bind(&[token.into(), (clock::now().unix_timestamp() as f64).into()])?,
    )
    .await?;
    let (status_t, fee_t) = (setting(ctx, zns::env::TEMPLATE_STATUS), setting(ctx, zns::env::TEMPLATE_FEE));
    let body = zns::sandbox::check_send(live.is_some(), &req, &[&status_t, &fee_t], &random::id());
    if matches!(zns::outcome(200, &body), zns::Outcome::Accepted { .. }) {
        // Shown under the number as the citizen gave it (0…), beside the SMS.
        let phone = Phone::parse("phone", &req.phone).map(|p| p.as_str().to_string()).unwrap_or(req.phone.clone());
        let shown = format!("ZNS {}: {}", req.template_id, serde_json::Value::Object(req.template_data.clone()));
        repo::dev_outbox_insert(&d1, "zalo", &phone, &shown, &format!("zns-{}", req.tracking_id)).await?;
        worker::console_log!("sandbox ZNS → {}", Phone::parse("phone", &phone).map(|p| p.masked()).unwrap_or_default());
    }
    reply(200, body)
}

#[derive(Serialize, Deserialize)]
pub struct DeliveryRow {
    pub id: String,
    pub channel: String,
    pub recipient: String,
    pub attempts: i64,
    pub state: String,
    pub last_error: Option<String>,
    pub updated_at: String,
}

pub async fn deliveries_json(ctx: &Ctx) -> Result<Response, ApiError> {
    sandbox_only(ctx)?;
    let d1 = ctx.national()?;
    const COLS: &str = "id, channel, recipient, attempts, state, last_error, updated_at";
    let stmt = match ctx.query("to").filter(|t| !t.trim().is_empty()) {
        Some(to) => d1
            .prepare(format!("SELECT {COLS} FROM message_deliveries WHERE recipient = ?1 ORDER BY updated_at DESC LIMIT 200"))
            .bind(&[to.trim().into()])?,
        None => d1.prepare(format!("SELECT {COLS} FROM message_deliveries ORDER BY updated_at DESC LIMIT 200")),
    };
    json(&db::all::<DeliveryRow>(stmt).await?)
}

/// `POST /dev/zalo/age`: expires the stored OA access token (the next ZNS refreshes it with the
/// stored single-use refresh token); answers the version of the stored pair (0: none yet).
pub async fn zalo_age(ctx: &Ctx) -> Result<Response, ApiError> {
    sandbox_only(ctx)?;
    #[derive(Deserialize)]
    struct Version {
        version: i64,
    }
    let row: Option<Version> =
        db::first(ctx.national()?.prepare("UPDATE zalo_oa_tokens SET access_expires_at = 0 WHERE id = 1 RETURNING version")).await?;
    json(&serde_json::json!({ "version": row.map(|r| r.version).unwrap_or(0) }))
}
