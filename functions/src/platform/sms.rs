//! SMS delivery. With `SANDBOX=1` (development only) a message is written to the development
//! outbox table, shown at `/dev/outbox`, instead of being sent.

use worker::Env;

use super::config;

pub async fn send(env: &Env, to: &str, text: &str) -> worker::Result<()> {
    if config::sandbox_enabled(env) {
        let d1 = env.d1(config::DB)?;
        d1.prepare("INSERT INTO dev_outbox (channel, recipient, body, created_at) VALUES ('sms', ?1, ?2, datetime('now'))")
            .bind(&[to.into(), text.into()])?
            .run()
            .await?;
        return Ok(());
    }
    // The provider adapter (a Vietnamese SMS brandname API configured by secrets) arrives with
    // log-in by one-time code; until then nothing is sent outside the sandbox.
    Err(worker::Error::RustError("no SMS provider configured".into()))
}
