//! The HTTP client of the national portal's integration and share services: log in once, keep
//! the session in D1 (as OpenCPS does), send a body with the session added, and on a "session
//! expired" answer log in again and send once more. Every request is bounded by a timeout, so a
//! hung portal is a transient failure, not a stuck sender. What the bodies and answers mean is
//! `motcua_domain::national::portal`'s (and, for the catalog, `...::catalog`'s) business.

use futures_util::future::{select, Either};
use motcua_domain::national::portal::{self as adapter, Reply};
use serde_json::Value;
use worker::Env;
use crate::platform::db::Db;

use crate::platform::clock;
use crate::platform::error::ApiError;
use crate::platform::outbound;
use crate::platform::settings::{config, NationalPortal};

/// [V OpenCPS: a 6 s read timeout, then the item is retried.]
const TIMEOUT_MS: u64 = 6_000;

/// Sends one body to the integration endpoint and says what the portal answered.
pub async fn send(env: &Env, d1: &Db, body: &Value) -> Result<Reply, ApiError> {
    send_to(env, d1, adapter::INTEGRATION_PATH, body).await
}

/// Asks the share endpoint (the national catalog's services) with the same session.
pub async fn share(env: &Env, d1: &Db, body: &Value) -> Result<Reply, ApiError> {
    send_to(env, d1, adapter::SHARE_PATH, body).await
}

async fn send_to(env: &Env, d1: &Db, path: &str, body: &Value) -> Result<Reply, ApiError> {
    let Some(portal) = config(env).national.as_ref() else {
        return Ok(Reply::Failed { transient: true, code: "not_configured", detail: "DVCQG_BASE_URL is not set".into() });
    };
    let mut session = match cached_session(d1, portal).await? {
        Some(s) => s,
        None => match log_in(d1, portal).await? {
            Ok(s) => s,
            Err(reply) => return Ok(reply),
        },
    };
    for _ in 0..2 {
        let mut with_session = body.clone();
        with_session["session"] = Value::String(session.clone());
        let reply = post(&format!("{}{path}", portal.base_url), &with_session).await;
        if reply != Reply::SessionExpired {
            return Ok(reply);
        }
        session = match log_in(d1, portal).await? {
            Ok(s) => s,
            Err(reply) => return Ok(reply),
        };
    }
    Ok(Reply::Failed { transient: true, code: "session_refused", detail: "the portal refused a fresh session".into() })
}

async fn post(url: &str, body: &Value) -> Reply {
    let text = body.to_string();
    let call = Box::pin(outbound::post_json_with(url, &text, &[("Charset", "utf-8")]));
    let timeout = Box::pin(worker::Delay::from(std::time::Duration::from_millis(TIMEOUT_MS)));
    let outcome = select(call, timeout).await;
    let reply = match outcome {
        Either::Left((Ok((status, reply)), _)) => adapter::classify(status, &reply),
        Either::Left((Err(e), _)) => Reply::Failed { transient: true, code: "unreachable", detail: e.to_string() },
        Either::Right(_) => Reply::Failed { transient: true, code: "timeout", detail: format!("no answer in {} s", TIMEOUT_MS / 1000) },
    };
    reply
}

async fn cached_session(d1: &Db, portal: &NationalPortal) -> Result<Option<String>, ApiError> {
    #[derive(serde::Deserialize)]
    struct Row {
        session: String,
    }
    let row: Option<Row> = crate::platform::db::first(
        d1.prepare("SELECT session FROM national_portal_session WHERE account = ?1").bind(&[portal.username.as_str().into()])?,
    )
    .await?;
    Ok(row.map(|r| r.session))
}

/// Logs in and keeps the new session; a refusal comes back as the reply to report.
async fn log_in(d1: &Db, portal: &NationalPortal) -> Result<Result<String, Reply>, ApiError> {
    let body = adapter::auth_body(&portal.username, portal.password.expose());
    let reply = match post(&format!("{}{}", portal.base_url, adapter::AUTH_PATH), &body).await {
        Reply::Accepted(v) => adapter::auth_session(&v.to_string()),
        // A refused log-in is the deployment's mistake (wrong account): fix and retry by hand.
        Reply::SessionExpired => Err(Reply::Failed { transient: false, code: "login_refused", detail: "the portal refused the account".into() }),
        other => Err(other),
    };
    let session = match reply {
        Ok(s) => s,
        Err(r) => return Ok(Err(r)),
    };
    d1.prepare(
        "INSERT INTO national_portal_session (account, session, obtained_at) VALUES (?1, ?2, ?3) \
         ON CONFLICT (account) DO UPDATE SET session = excluded.session, obtained_at = excluded.obtained_at",
    )
    .bind(&[portal.username.as_str().into(), session.as_str().into(), clock::rfc3339(clock::now()).into()])?
    .run()
    .await?;
    Ok(Ok(session))
}
