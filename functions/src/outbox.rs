//! Outbound work that must not be lost when a provider is slow or down: messages to citizens
//! (SMS, e-mail, Zalo ZNS) and the nudges of the national portal's sync (`crate::national`).
//! Producers enqueue on `OUTBOX` ([`notify`] for citizens' notices); this consumer delivers each
//! message and retries it alone on failure, so one bad message never redelivers the others.
//!
//! A message's delivery ends one of three ways ([`Delivery`]): sent; refused for now (retried
//! with a growing delay, [`RETRY_DELAYS`]); or refused for good, or still refused after
//! [`MAX_ATTEMPTS`] — then it is dead: kept whole in `message_deliveries` (state `dead`) and
//! announced on the dead-letter queue, where alerting reads it. Each provider's module decides
//! which of its refusals are which.

use motcua_domain::citizen::Phone;
use motcua_domain::notify::{self, Channel, Channels, Notice, ZnsTemplate};
use serde::{Deserialize, Serialize};
use worker::{Env, MessageBatch, MessageExt, QueueRetryOptionsBuilder};
use crate::platform::db::Db;

use crate::platform::{clock, config, random};

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
    /// An e-mail; `id` is its idempotency key at the provider.
    Email { id: String, to: String, subject: String, text: String, html: String },
    /// A Zalo ZNS template message to the Zalo account of `phone` (`0xxxxxxxxx`); `id` its
    /// tracking id; `data` the template's parameters as JSON text (a map would cross the queue
    /// as a JS `Map` and come back empty).
    Zns { id: String, phone: String, template: ZnsTemplate, data: String },
    /// Look for due messages to the national portal (they are rows of `national_sync`; this
    /// only says "now") in the province database `shard` (`"42"`); without one (messages
    /// queued before sharding, a write whose shard the router does not know) in every one.
    NationalSync {
        #[serde(default)]
        shard: Option<String>,
    },
    /// A portal message given up after its retries, on the dead-letter queue for alerting: row
    /// `id` of `national_sync` in `shard` (ids count per database; none: before sharding).
    NationalSyncFailed {
        #[serde(default)]
        shard: Option<String>,
        id: i64,
        error_code: String,
    },
    /// A message to a citizen given up (row `message_deliveries.id`), on the dead-letter queue.
    MessageFailed { id: String, channel: String, error: String },
}

impl OutboxMessage {
    pub fn sms(to: &str, text: String) -> Self {
        OutboxMessage::Sms { id: random::id(), to: to.to_string(), text }
    }

    /// The id, channel and recipient of a message to a citizen.
    fn addressed(&self) -> Option<(&str, Channel, &str)> {
        match self {
            OutboxMessage::Sms { id, to, .. } => Some((id, Channel::Sms, to)),
            OutboxMessage::Email { id, to, .. } => Some((id, Channel::Email, to)),
            OutboxMessage::Zns { id, phone, .. } => Some((id, Channel::Zalo, phone)),
            _ => None,
        }
    }
}

/// How one delivery attempt ended.
#[derive(Debug)]
pub enum Delivery {
    Sent,
    /// Try again later (the reason, for the record).
    Retry(String),
    /// No retry will deliver it.
    Dead(String),
}

/// Attempts before a message refused "for now" is given up (below the queue's own
/// `max_retries` + 1, so the record is ours, not only the queue's).
pub const MAX_ATTEMPTS: i64 = 5;
/// Seconds before the next attempt, by attempts so far (rate limits clear in seconds; a
/// provider's outage or Zalo's night-time ban take longer).
pub const RETRY_DELAYS: [u32; 4] = [2, 30, 300, 1800];

/// Who a notice goes to, and on which channels.
#[derive(Debug, Clone, Default)]
pub struct Recipient {
    pub phone: Option<Phone>,
    pub email: Option<String>,
    pub channels: Channels,
}

/// The recipient of a dossier's or a bill's notices: the account `owner` (its e-mail and
/// channels) reached at `phone` (the dossier's contact number); without an account, the account
/// that owns `phone`, if any; else SMS to `phone`.
pub async fn recipient(d1: &Db, owner: Option<&str>, phone: Option<Phone>) -> Recipient {
    let account = match (owner, &phone) {
        (Some(id), _) => crate::auth::repo::citizen_by_id(d1, id).await.ok().flatten(),
        (None, Some(p)) => crate::auth::repo::citizen_by_phone(d1, p.as_str()).await.ok().flatten(),
        _ => None,
    };
    match account {
        Some(a) => {
            let phone = phone.or_else(|| a.phone.as_deref().and_then(|p| Phone::parse("phone", p).ok()));
            Recipient { phone, email: a.email.clone(), channels: Channels::from_stored(&a.notify_channels) }
        }
        None => Recipient { phone, email: None, channels: Channels::default() },
    }
}

/// The messages that tell `to` of `notice`, one per chosen channel this deployment offers (a
/// channel without its provider configured is left out; SMS stands in when none is left).
pub fn messages(env: &Env, to: &Recipient, notice: &Notice) -> Vec<OutboxMessage> {
    let cfg = config::config(env);
    let mut out = Vec::new();
    for channel in to.channels.iter() {
        match channel {
            Channel::Sms => {
                if let Some(p) = &to.phone {
                    out.push(OutboxMessage::sms(p.as_str(), notify::sms_text(notice)));
                }
            }
            Channel::Email => {
                if let (Some(addr), Some(_)) = (&to.email, &cfg.email) {
                    let c = notify::email(notice);
                    out.push(OutboxMessage::Email { id: random::id(), to: addr.clone(), subject: c.subject, text: c.text, html: c.html });
                }
            }
            Channel::Zalo => {
                if let (Some(p), Some(_)) = (&to.phone, &cfg.zns) {
                    let (template, data) = notify::zns(notice);
                    let data = serde_json::Value::Object(data).to_string();
                    out.push(OutboxMessage::Zns { id: random::id(), phone: p.as_str().to_string(), template, data });
                }
            }
        }
    }
    if out.is_empty() {
        if let Some(p) = &to.phone {
            out.push(OutboxMessage::sms(p.as_str(), notify::sms_text(notice)));
        }
    }
    out
}

/// Queues `notice` to `to` on each of their channels. A failed enqueue never undoes what caused
/// it: it is logged (the recipient masked) and the request goes on.
pub async fn notify(env: &Env, to: &Recipient, notice: &Notice) {
    let queue = match env.queue(config::OUTBOX) {
        Ok(q) => q,
        Err(e) => return worker::console_error!("notify: no outbox: {e}"),
    };
    for m in messages(env, to, notice) {
        if let Err(e) = queue.send(&m).await {
            let who = to.phone.as_ref().map(|p| p.masked()).unwrap_or_default();
            worker::console_error!("notify: a message to {who} not queued: {e}");
        }
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
    // One sweep of a database answers every nudge of the batch naming it (each says only "look
    // now"), and a sweep of all of them answers every nudge.
    let mut swept: Vec<Option<String>> = Vec::new();
    for message in messages {
        if let OutboxMessage::NationalSync { shard } = message.body() {
            if swept.contains(&None) || swept.contains(shard) {
                message.ack();
                continue;
            }
            swept.push(shard.clone());
        }
        if message.body().addressed().is_some() {
            match deliver_to_citizen(message.body(), &env).await {
                Some(delay) => message.retry_with_options(&QueueRetryOptionsBuilder::new().with_delay_seconds(delay).build()),
                None => message.ack(),
            }
            continue;
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

async fn attempt(message: &OutboxMessage, env: &Env) -> Delivery {
    match message {
        OutboxMessage::Sms { id, to, text } => crate::platform::sms::send(env, id, to, text).await,
        OutboxMessage::Email { id, to, subject, text, html } => {
            let content = notify::EmailContent { subject: subject.clone(), text: text.clone(), html: html.clone() };
            crate::platform::email::send(env, id, to, &content).await
        }
        OutboxMessage::Zns { id, phone, template, data } => {
            match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(data) {
                Ok(data) => crate::platform::zns::send(env, id, phone, *template, &data).await,
                Err(e) => Delivery::Dead(format!("unreadable template data: {e}")),
            }
        }
        _ => Delivery::Sent,
    }
}

/// Delivers a message to a citizen and records how it went; `Some(delay)`: retry it then.
async fn deliver_to_citizen(message: &OutboxMessage, env: &Env) -> Option<u32> {
    let (id, channel, recipient) = message.addressed()?;
    let outcome = attempt(message, env).await;
    let Ok(d1) = crate::platform::shards::national(env) else {
        return matches!(outcome, Delivery::Retry(_)).then_some(RETRY_DELAYS[0]);
    };
    let at = clock::rfc3339(clock::now());
    let (state, error) = match &outcome {
        Delivery::Sent => {
            // Only a message that failed before has a row.
            if let Ok(stmt) = d1
                .prepare("UPDATE message_deliveries SET state = 'delivered', attempts = attempts + 1, updated_at = ?2 WHERE id = ?1 AND state = 'retrying'")
                .bind(&[id.into(), at.clone().into()])
            {
                let _ = stmt.run().await;
            }
            return None;
        }
        Delivery::Retry(e) => ("retrying", e.clone()),
        Delivery::Dead(e) => ("dead", e.clone()),
    };
    let attempts = record_failure(&d1, message, id, channel, recipient, state, &error, &at).await;
    let dead = state == "dead" || attempts >= MAX_ATTEMPTS;
    if !dead {
        worker::console_error!("outbox: {} message {id} refused (attempt {attempts}), will retry: {error}", channel.as_str());
        let delay = RETRY_DELAYS[((attempts.max(1) - 1) as usize).min(RETRY_DELAYS.len() - 1)];
        return Some(delay);
    }
    if state != "dead" {
        if let Ok(stmt) = d1.prepare("UPDATE message_deliveries SET state = 'dead' WHERE id = ?1").bind(&[id.into()]) {
            let _ = stmt.run().await;
        }
    }
    worker::console_error!("outbox: {} message {id} given up after {attempts} attempt(s): {error}", channel.as_str());
    let letter = OutboxMessage::MessageFailed { id: id.to_string(), channel: channel.as_str().into(), error };
    if let Ok(q) = env.queue(config::OUTBOX_DEAD_LETTERS) {
        if let Err(e) = q.send(letter).await {
            worker::console_error!("outbox: dead letter for {id} not queued: {e}");
        }
    }
    None
}

/// Counts a failed attempt in `message_deliveries`; answers the attempts so far.
#[allow(clippy::too_many_arguments)]
async fn record_failure(
    d1: &Db,
    message: &OutboxMessage,
    id: &str,
    channel: Channel,
    recipient: &str,
    state: &str,
    error: &str,
    at: &str,
) -> i64 {
    #[derive(Deserialize)]
    struct Attempts {
        attempts: i64,
    }
    let json = serde_json::to_string(message).unwrap_or_default();
    let stmt = d1
        .prepare(
            "INSERT INTO message_deliveries (id, channel, recipient, message_json, attempts, state, last_error, created_at, updated_at) \
             VALUES (?1, ?2, ?3, ?4, 1, ?5, ?6, ?7, ?7) \
             ON CONFLICT (id) DO UPDATE SET attempts = attempts + 1, state = ?5, last_error = ?6, updated_at = ?7 \
             RETURNING attempts",
        )
        .bind(&[id.into(), channel.as_str().into(), recipient.into(), json.into(), state.into(), error.into(), at.into()]);
    match stmt {
        Ok(s) => match crate::platform::db::first::<Attempts>(s).await {
            Ok(Some(a)) => a.attempts,
            _ => 1,
        },
        Err(_) => 1,
    }
}

async fn deliver(message: &OutboxMessage, env: &Env) -> worker::Result<()> {
    match message {
        OutboxMessage::NationalSync { shard } => match crate::national::sync::sweep(env, crate::national::nudged_shard(shard.as_deref())).await {
            Ok(s) => {
                if s.acknowledged + s.failed > 0 {
                    worker::console_log!("national sync: {} acknowledged, {} failed", s.acknowledged, s.failed);
                }
                Ok(())
            }
            Err(e) => Err(worker::Error::RustError(e.to_string())),
        },
        // Only ever sent to the dead-letter queue, which this consumer does not read.
        OutboxMessage::NationalSyncFailed { .. } | OutboxMessage::MessageFailed { .. } => Ok(()),
        // Messages to citizens go through `deliver_to_citizen`.
        OutboxMessage::Sms { .. } | OutboxMessage::Email { .. } | OutboxMessage::Zns { .. } => Ok(()),
    }
}
