//! Development-only pages, routed only when `SANDBOX=1` (`.dev.vars`); otherwise every `/dev/*`
//! path answers the JSON 404. `GET /dev/outbox` lists what the sandbox SMS/e-mail adapter
//! "sent", newest first; `GET /dev/outbox.json?to=<phone>` gives the same as JSON (the tests
//! read one-time codes there); `POST /dev/otp/age` `{"phone", "seconds"}` moves a number's codes
//! into the past so tests can see a code expire, or resend, without waiting minutes.
//! `POST /sandbox/esms/MainService.svc/json/SendMultipleMessage_V4_post_json` is eSMS's send call
//! as the provider answers it (keys, brandname, number, duplicate RequestId); what it accepts
//! lands in the outbox and the log. The e-mail and Zalo providers' sandboxes are in [`messages`];
//! their messages land in the same outbox (channels `email`, `zalo`).
//! `POST /dev/d1` runs the tests' own statements through the Worker's bindings (see [`d1`]).

use motcua_domain::citizen::Phone;
use serde::Deserialize;
use worker::Response;

use crate::auth::repo;
use crate::platform::config;
use crate::platform::error::ApiError;
use crate::platform::http::{json, Ctx};

pub mod messages;

pub(crate) fn sandbox_only(ctx: &Ctx) -> Result<(), ApiError> {
    if config::sandbox_enabled(&ctx.env) {
        Ok(())
    } else {
        Err(ApiError::RouteNotFound)
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn recipient(ctx: &Ctx) -> Option<String> {
    let to = ctx.query("to").filter(|t| !t.trim().is_empty())?;
    Some(Phone::parse("to", &to).map(|p| p.as_str().to_string()).unwrap_or(to))
}

pub async fn outbox_page(ctx: &Ctx) -> Result<Response, ApiError> {
    sandbox_only(ctx)?;
    let rows = repo::dev_outbox(&ctx.national()?, recipient(ctx).as_deref()).await?;
    let mut html = String::from(
        "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Hộp thư thử nghiệm</title>\
         <style>body{font-family:system-ui,sans-serif;margin:1rem;max-width:48rem}\
         li{border-bottom:1px solid #ddd;padding:.5rem 0;list-style:none}small{color:#555}</style></head><body>\
         <h1>Hộp thư thử nghiệm</h1>\
         <p>Tin nhắn SMS, thư điện tử và tin Zalo ZNS mà hệ thống đã “gửi” trong môi trường phát triển (SANDBOX=1), mới nhất trước.</p>",
    );
    if rows.is_empty() {
        html.push_str("<p>Chưa có tin nhắn nào.</p>");
    } else {
        html.push_str("<ul>");
        for r in rows {
            html.push_str(&format!(
                "<li><small>#{} · {} · {} · {}</small><br><span style=\"white-space:pre-wrap\">{}</span></li>",
                r.id,
                escape(&r.created_at),
                escape(&r.channel),
                escape(&r.recipient),
                escape(&r.body)
            ));
        }
        html.push_str("</ul>");
    }
    html.push_str("</body></html>");
    let mut resp = Response::from_html(html)?;
    resp.headers_mut().set("Cache-Control", "no-store")?;
    Ok(resp)
}

pub async fn outbox_json(ctx: &Ctx) -> Result<Response, ApiError> {
    sandbox_only(ctx)?;
    json(&repo::dev_outbox(&ctx.national()?, recipient(ctx).as_deref()).await?)
}

#[derive(Deserialize)]
struct Age {
    phone: String,
    seconds: i64,
}

pub async fn age_codes(ctx: &mut Ctx) -> Result<Response, ApiError> {
    sandbox_only(ctx)?;
    let body: Age = ctx.json_body().await?;
    let phone = Phone::parse("phone", &body.phone)?;
    let aged = repo::age_codes(&ctx.national()?, phone.as_str(), body.seconds.clamp(0, 24 * 3600)).await?;
    json(&serde_json::json!({ "aged": aged }))
}

/// eSMS's send call, answered as the provider answers it (see `motcua_domain::sms::sandbox`),
/// against the account this deployment is configured with.
pub async fn esms_send(ctx: &mut Ctx) -> Result<Response, ApiError> {
    use motcua_domain::sms::{self, env as names, sandbox};
    sandbox_only(ctx)?;
    let req: sms::SendRequest = match ctx.json_body().await {
        Ok(r) => r,
        // The provider answers a body it cannot read this way, with HTTP 200.
        Err(_) => return json(&serde_json::json!({"error": "Invalid request"})).map_err(Into::into),
    };
    let setting = |name: &str| config::setting(&ctx.env, name).unwrap_or_default();
    let (api_key, secret_key, brandname) = (setting(names::API_KEY), setting(names::SECRET_KEY), setting(names::BRANDNAME));
    let account = sandbox::Account { api_key: &api_key, secret_key: &secret_key, brandname: &brandname };
    let d1 = ctx.national()?;
    let seen = repo::dev_outbox_has_request(&d1, &req.request_id).await?;
    let sms_id = crate::platform::random::id();
    let reply = sandbox::check(&account, &req, seen, &sms_id);
    if reply.code_result == sms::CODE_ACCEPTED {
        let phone = Phone::parse("Phone", &req.phone)?;
        repo::dev_outbox_insert(&d1, "sms", phone.as_str(), &req.content, &req.request_id).await?;
        worker::console_log!("sandbox eSMS → {}: {}", phone.masked(), req.content);
    }
    json(&reply)
}

#[derive(Deserialize)]
struct AgeBill {
    code: String,
    days: i64,
}

/// `POST /dev/bills/age {"code", "days"}`: moves an open bill's due date `days` into the past, so
/// tests see it expire without waiting for the calendar (SANDBOX only).
pub async fn age_bill(ctx: &mut Ctx) -> Result<Response, ApiError> {
    sandbox_only(ctx)?;
    let body: AgeBill = ctx.json_body().await?;
    let days = body.days.clamp(0, 3660);
    // The bill lives in its agency's shard, which the code names.
    let code = motcua_domain::bill::BillCode::parse("code", body.code.trim())?;
    let result = ctx
        .shard_of_agency("code", &code.agency().to_string())?
        .prepare("UPDATE bills SET due_date = date(due_date, ?1), version = version + 1 WHERE code = ?2 AND status = 'open'")
        .bind(&[format!("-{days} days").into(), body.code.trim().into()])?
        .run()
        .await?;
    json(&serde_json::json!({ "aged": result.meta()?.and_then(|m| m.changes).unwrap_or(0) }))
}

#[derive(Deserialize)]
struct AgeAssist {
    code: String,
}

/// `POST /dev/assist/expire {"code"}`: makes an assisted-filing code expired, so tests see the
/// refusal without waiting two hours (SANDBOX only).
pub async fn expire_assist(ctx: &mut Ctx) -> Result<Response, ApiError> {
    sandbox_only(ctx)?;
    let body: AgeAssist = ctx.json_body().await?;
    let (at, code) = (crate::platform::clock::now().unix_timestamp() - 1, body.code.trim().to_ascii_uppercase());
    // The code names no agency: it sits in the shard of the agency it was made for, one of them.
    let changed = crate::platform::shards::fanout(crate::platform::shards::all(&ctx.env)?, |d1| {
        let code = code.clone();
        async move {
            let result = d1.prepare("UPDATE assist_codes SET expires_at = ?1 WHERE code = ?2").bind(&[(at as f64).into(), code.into()])?.run().await?;
            Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0))
        }
    })
    .await?;
    json(&serde_json::json!({ "expired": changed.into_iter().sum::<usize>() }))
}

/// `POST /dev/outbox/enqueue` with a queue message as JSON: read as the consumer reads what is
/// queued (400 if it cannot be), then queued on `OUTBOX`, so tests can queue what an older
/// release queued (a portal nudge without its shard) and see it still read (SANDBOX only).
pub async fn enqueue(ctx: &mut Ctx) -> Result<Response, ApiError> {
    sandbox_only(ctx)?;
    let message: crate::outbox::OutboxMessage = ctx.json_body().await?;
    ctx.env.queue(config::OUTBOX)?.send(&message).await?;
    json(&serde_json::json!({ "queued": true }))
}

#[derive(Deserialize)]
struct Statements {
    /// `national` (`DB`), `provinces` (each bound `DB_Pnn`) or `every` (both).
    databases: String,
    statements: Vec<String>,
}

/// `POST /dev/d1 {"databases", "statements"}`: the statements, one batch (one transaction) per
/// database, for a test arranging a state no API makes (SANDBOX only). A test writing the
/// SQLite files itself while the server runs takes the write lock behind the server's back, and
/// the server's own write then fails with SQLITE_BUSY (a 500 on a log-in of another test, seen
/// under the full suite); through the binding every write waits its turn. Answers the rows each
/// statement changed, per database.
pub async fn d1(ctx: &mut Ctx) -> Result<Response, ApiError> {
    use crate::platform::shards;
    sandbox_only(ctx)?;
    let body: Statements = ctx.json_body().await?;
    let (national, provinces) = match body.databases.as_str() {
        "national" => (true, false),
        "provinces" => (false, true),
        "every" => (true, true),
        _ => {
            return Err(motcua_domain::validation::FieldError::new(
                "databases",
                "unknown",
                "Chọn national, provinces hoặc every.",
                "Use national, provinces or every.",
            )
            .into())
        }
    };
    let mut dbs = Vec::new();
    if national {
        dbs.push(shards::national(&ctx.env)?);
    }
    if provinces {
        for s in shards::bound(&ctx.env).iter() {
            dbs.push(shards::shard(&ctx.env, *s)?);
        }
    }
    let mut changed = Vec::new();
    for d1 in &dbs {
        let results = d1.dev_batch(&body.statements).await?;
        changed.push(results.iter().map(|r| r.meta().ok().flatten().and_then(|m| m.changes).unwrap_or(0)).collect::<Vec<_>>());
    }
    json(&serde_json::json!({ "changed": changed }))
}
