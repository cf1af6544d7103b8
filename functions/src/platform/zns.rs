//! Zalo ZNS delivery (the protocol is in `motcua_domain::notify::zns`) and the Official
//! Account's tokens. The access token is kept in D1 (`zalo_oa_tokens`) with its single-use
//! refresh token; a refresh writes the new pair in one statement conditional on the version it
//! read, so when two isolates refresh at once only one pair is kept and the other isolate
//! reads it (its own refresh spent a token Zalo then forgets: no harm, the kept pair is valid).

use motcua_domain::citizen::Phone;
use motcua_domain::notify::zns::{self, Outcome, ZnsConfig};
use motcua_domain::notify::ZnsTemplate;
use serde::Deserialize;
use worker::Env;
use crate::platform::db::Db;

use super::{clock, config, db, outbound};
use crate::outbox::Delivery;

#[derive(Deserialize)]
struct TokenRow {
    access_token: String,
    refresh_token: String,
    access_expires_at: i64,
    version: i64,
}

async fn stored(d1: &Db) -> Result<Option<TokenRow>, String> {
    db::first(d1.prepare("SELECT access_token, refresh_token, access_expires_at, version FROM zalo_oa_tokens WHERE id = 1"))
        .await
        .map_err(|e| format!("{e:?}"))
}

/// Spends `from` for a new pair and keeps it if nobody else did first (`version` read with it,
/// `None`: the table was empty). Answers the pair now stored.
async fn refresh(d1: &Db, cfg: &ZnsConfig, from: &str, version: Option<i64>) -> Result<(String, i64), String> {
    let secret = cfg.secret_key.expose().to_string();
    let (status, body) = outbound::post_with(&cfg.refresh_url(), "application/x-www-form-urlencoded", &zns::refresh_form(cfg, from), &[("secret_key", &secret)])
        .await
        .map_err(|e| format!("zalo refresh: {e:?}"))?;
    let pair = match zns::parse_refresh(&body) {
        Ok(p) => p,
        Err(reason) => {
            // Refused because another isolate spent the same token first: use the pair it stored.
            if let Some(row) = stored(d1).await?.filter(|r| Some(r.version) != version) {
                return Ok((row.access_token, row.access_expires_at));
            }
            return Err(format!("zalo refresh refused (http {status}): {reason}"));
        }
    };
    let now = clock::now().unix_timestamp();
    let expires = now + pair.expires_in.max(60);
    let at = clock::rfc3339(clock::now());
    let stmt = match version {
        None => d1
            .prepare(
                "INSERT INTO zalo_oa_tokens (id, access_token, refresh_token, access_expires_at, version, updated_at) \
                 VALUES (1, ?1, ?2, ?3, 1, ?4) ON CONFLICT (id) DO NOTHING",
            )
            .bind(&[pair.access_token.clone().into(), pair.refresh_token.clone().into(), (expires as f64).into(), at.into()]),
        Some(v) => d1
            .prepare(
                "UPDATE zalo_oa_tokens SET access_token = ?1, refresh_token = ?2, access_expires_at = ?3, version = version + 1, updated_at = ?4 \
                 WHERE id = 1 AND version = ?5",
            )
            .bind(&[pair.access_token.clone().into(), pair.refresh_token.clone().into(), (expires as f64).into(), at.into(), (v as f64).into()]),
    }
    .map_err(|e| e.to_string())?;
    let changed = stmt.run().await.map_err(|e| e.to_string())?.meta().ok().flatten().and_then(|m| m.changes).unwrap_or(0);
    if changed == 1 {
        worker::console_log!("zns: OA token refreshed");
        return Ok((pair.access_token, expires));
    }
    // Another isolate stored its pair first: that one is valid.
    let row = stored(d1).await?.ok_or("zalo tokens vanished")?;
    Ok((row.access_token, row.access_expires_at))
}

/// A valid access token: the stored one, or a refreshed one when it is near expiry (or
/// `force`: Zalo refused it).
async fn access_token(d1: &Db, cfg: &ZnsConfig, force: bool) -> Result<String, String> {
    let now = clock::now().unix_timestamp();
    match stored(d1).await? {
        Some(row) if !force && row.access_expires_at - zns::REFRESH_MARGIN_SECONDS > now => Ok(row.access_token),
        Some(row) => Ok(refresh(d1, cfg, &row.refresh_token, Some(row.version)).await?.0),
        None => Ok(refresh(d1, cfg, cfg.initial_refresh_token.expose(), None).await?.0),
    }
}

/// Sends one template message to `phone` under `message_id` (its tracking id).
pub async fn send(env: &Env, message_id: &str, phone: &str, template: ZnsTemplate, data: &serde_json::Map<String, serde_json::Value>) -> Delivery {
    let Some(cfg) = config::config(env).zns.clone() else {
        return Delivery::Retry("Zalo ZNS settings (ZALO_*) are missing".into());
    };
    let phone = match Phone::parse("phone", phone) {
        Ok(p) => p,
        Err(_) => return Delivery::Dead("invalid phone number".into()),
    };
    let who = phone.masked();
    let d1 = match crate::platform::shards::national(env) {
        Ok(d) => d,
        Err(e) => return Delivery::Retry(e.to_string()),
    };
    let body = match serde_json::to_string(&zns::send_request(&phone, cfg.template_id(template), data.clone(), message_id)) {
        Ok(b) => b,
        Err(e) => return Delivery::Dead(format!("unserializable: {e}")),
    };
    // A refused token is refreshed once and the send tried again.
    for force in [false, true] {
        let token = match access_token(&d1, &cfg, force).await {
            Ok(t) => t,
            Err(e) => return Delivery::Retry(e),
        };
        let (status, reply) = match outbound::post_json_with(&cfg.send_url(), &body, &[("access_token", &token)]).await {
            Ok(r) => r,
            Err(e) => return Delivery::Retry(format!("zns to {who}: {e:?}")),
        };
        match zns::outcome(status, &reply) {
            Outcome::Accepted { msg_id } => {
                worker::console_log!("zns: to {who} accepted ({msg_id})");
                return Delivery::Sent;
            }
            Outcome::TokenInvalid => continue,
            Outcome::Transient { code, reason } => return Delivery::Retry(format!("zns {code}: {reason}")),
            Outcome::Permanent { code, reason } => return Delivery::Dead(format!("zns {code}: {reason}")),
        }
    }
    Delivery::Retry("zns: the access token was refused after a refresh".into())
}
