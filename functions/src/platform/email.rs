//! E-mail delivery through Resend's HTTP API (the protocol is in
//! `motcua_domain::notify::email`), configured by the secret `RESEND_API_KEY` and the variables
//! `EMAIL_FROM`, `RESEND_URL`. `.dev.vars` points `RESEND_URL` at this Worker's sandbox of the
//! provider (`/sandbox/resend/emails`, SANDBOX=1 only), which lands the message in `/dev/outbox`.

use motcua_domain::notify::email::{self, Outcome};
use motcua_domain::notify::EmailContent;
use worker::Env;

use super::{config, outbound};
use crate::outbox::Delivery;

/// `a***@example.vn`, for logs.
pub fn masked(address: &str) -> String {
    match address.split_once('@') {
        Some((local, domain)) => format!("{}***@{domain}", local.chars().next().unwrap_or('*')),
        None => "***".into(),
    }
}

/// Sends one message under `message_id` (its idempotency key: a retry is not sent twice).
pub async fn send(env: &Env, message_id: &str, to: &str, content: &EmailContent) -> Delivery {
    let Some(cfg) = config::config(env).email.clone() else {
        return Delivery::Retry("e-mail provider settings (RESEND_API_KEY, EMAIL_FROM) are missing".into());
    };
    let who = masked(to);
    let body = match serde_json::to_string(&email::send_request(&cfg, to, content)) {
        Ok(b) => b,
        Err(e) => return Delivery::Dead(format!("unserializable: {e}")),
    };
    let key = email::idempotency_key(message_id);
    let auth = cfg.authorization();
    let reply = outbound::post_json_with(&cfg.send_url(), &body, &[("authorization", &auth), ("idempotency-key", &key)]).await;
    let (status, reply) = match reply {
        Ok(r) => r,
        Err(e) => return Delivery::Retry(format!("e-mail to {who}: {e:?}")),
    };
    match email::outcome(status, &reply) {
        Outcome::Accepted { id } => {
            worker::console_log!("email: to {who} accepted ({id})");
            Delivery::Sent
        }
        Outcome::Transient { code, reason } => Delivery::Retry(format!("{code}: {reason}")),
        Outcome::Permanent { code, reason } => Delivery::Dead(format!("{code}: {reason}")),
    }
}
