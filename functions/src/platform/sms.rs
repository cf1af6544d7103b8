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

/// Sends one message. An error means "retry later" (the outbox queue retries, then keeps the
/// message in its dead-letter queue); a message no retry can deliver is logged and dropped.
pub async fn send(env: &Env, request_id: &str, to: &str, text: &str) -> worker::Result<()> {
    let who = Phone::parse("to", to).map(|p| p.masked()).unwrap_or_else(|_| "(invalid number)".into());
    let config = esms_config(env)?;
    let body = serde_json::to_string(&sms::send_request(&config, to, text, request_id))?;
    let (status, reply) =
        outbound::post_json_with(&config.url, &body, &[]).await.map_err(|e| worker::Error::RustError(format!("eSMS to {who}: {e:?}")))?;
    match sms::outcome(status, &reply) {
        Outcome::Accepted { sms_id } => {
            worker::console_log!("sms: to {who} accepted by eSMS ({sms_id})");
            Ok(())
        }
        Outcome::AlreadySent => {
            worker::console_log!("sms: to {who} was already accepted (request {request_id})");
            Ok(())
        }
        Outcome::Undeliverable { code, reason } => {
            worker::console_error!("sms: to {who} undeliverable, eSMS {code}: {reason}");
            Ok(())
        }
        Outcome::Retry { code, reason } => Err(worker::Error::RustError(format!("eSMS refused the message to {who}: {code} {reason}"))),
    }
}
