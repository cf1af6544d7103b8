//! SMS delivery through eSMS.vn's brandname API (the protocol is in `motcua_domain::sms`),
//! configured by secrets (`ESMS_API_KEY`, `ESMS_SECRET_KEY`) and variables (`ESMS_BRANDNAME`,
//! `ESMS_URL`, `ESMS_UNICODE`). In development `.dev.vars` points `ESMS_URL` at this Worker's own
//! sandbox of the provider (`/sandbox/esms/...`, routed only with `SANDBOX=1`), which checks the
//! request as eSMS does and writes the message to the development outbox (`/dev/outbox`): the
//! same request a deployment sends, nothing branches on "sandbox" here.

use motcua_domain::citizen::Phone;
use motcua_domain::sms::{self, EsmsConfig, Outcome};
use worker::Env;

use super::{config, outbound};

fn esms_config(env: &Env) -> worker::Result<EsmsConfig> {
    config::config(env).esms.clone().ok_or_else(|| worker::Error::RustError("SMS provider settings (ESMS_*) are missing".into()))
}

/// Sends one message: `Retry` means "later" (the outbox retries, then dead-letters it); a
/// number no retry can reach is `Dead`.
pub async fn send(env: &Env, request_id: &str, to: &str, text: &str) -> crate::outbox::Delivery {
    use crate::outbox::Delivery;
    let who = Phone::parse("to", to).map(|p| p.masked()).unwrap_or_else(|_| "(invalid number)".into());
    let config = match esms_config(env) {
        Ok(c) => c,
        Err(e) => return Delivery::Retry(e.to_string()),
    };
    let body = match serde_json::to_string(&sms::send_request(&config, to, text, request_id)) {
        Ok(b) => b,
        Err(e) => return Delivery::Dead(e.to_string()),
    };
    let (status, reply) = match outbound::post_json_with(&config.url, &body, &[]).await {
        Ok(r) => r,
        Err(e) => return Delivery::Retry(format!("eSMS to {who}: {e:?}")),
    };
    match sms::outcome(status, &reply) {
        Outcome::Accepted { sms_id } => {
            worker::console_log!("sms: to {who} accepted by eSMS ({sms_id})");
            Delivery::Sent
        }
        Outcome::AlreadySent => {
            worker::console_log!("sms: to {who} was already accepted (request {request_id})");
            Delivery::Sent
        }
        Outcome::Undeliverable { code, reason } => Delivery::Dead(format!("eSMS {code}: {reason}")),
        Outcome::Retry { code, reason } => Delivery::Retry(format!("eSMS refused the message to {who}: {code} {reason}")),
    }
}
