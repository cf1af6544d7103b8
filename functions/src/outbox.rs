//! Outbound work that must not be lost when a provider is slow or down: messages to citizens
//! (SMS, e-mail) and the nudges of the national portal's sync (`crate::national`). Producers enqueue on
//! `OUTBOX`; this consumer delivers each message and retries it alone on failure, so one bad
//! message never redelivers the others.

use serde::{Deserialize, Serialize};
use worker::{Env, MessageBatch, MessageExt};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OutboxMessage {
    /// A text message to a citizen's phone (normalized `0xxxxxxxxx`). `id` is sent to the
    /// provider as its request id, so a retried delivery is recognized and not sent twice.
    Sms {
        #[serde(default)]
        id: String,
        to: String,
        text: String,
    },
    /// Look for due messages to the national portal (they are rows of `national_sync`; this
    /// only says "now").
    NationalSync {},
    /// A portal message given up after its retries, on the dead-letter queue for alerting.
    NationalSyncFailed { id: i64, error_code: String },
}

impl OutboxMessage {
    pub fn sms(to: &str, text: String) -> Self {
        OutboxMessage::Sms { id: crate::platform::random::id(), to: to.to_string(), text }
    }
}

pub async fn consume(batch: MessageBatch<OutboxMessage>, env: Env) {
    let messages = match batch.messages() {
        Ok(m) => m,
        Err(e) => {
            worker::console_error!("outbox: undecodable batch: {e}");
            batch.ack_all();
            return;
        }
    };
    // One sweep answers every nudge of the batch: each says only "look now".
    let mut swept = false;
    for message in messages {
        if matches!(message.body(), OutboxMessage::NationalSync {}) {
            if swept {
                message.ack();
                continue;
            }
            swept = true;
        }
        match deliver(message.body(), &env).await {
            Ok(()) => message.ack(),
            Err(e) => {
                worker::console_error!("outbox: delivery failed, will retry: {e}");
                message.retry();
            }
        }
    }
}

async fn deliver(message: &OutboxMessage, env: &Env) -> worker::Result<()> {
    match message {
        OutboxMessage::Sms { id, to, text } => crate::platform::sms::send(env, id, to, text).await,
        OutboxMessage::NationalSync {} => match crate::national::sync::sweep(env).await {
            Ok(s) => {
                if s.acknowledged + s.failed > 0 {
                    worker::console_log!("national sync: {} acknowledged, {} failed", s.acknowledged, s.failed);
                }
                Ok(())
            }
            Err(e) => Err(worker::Error::RustError(e.to_string())),
        },
        // Only ever sent to the dead-letter queue, which this consumer does not read.
        OutboxMessage::NationalSyncFailed { .. } => Ok(()),
    }
}
