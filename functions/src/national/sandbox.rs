//! An imitation of the national portal's integration service for development (`SANDBOX=1`
//! only): `POST /sandbox/dvcqg/auth` logs the configured account in, `POST
//! /sandbox/dvcqg/integration` takes `DongBoHoSoMC` and `DongBoDanhGia` and checks what the
//! portal checks (session, unit, the required fields and their formats, a procedure code the
//! national catalog knows, a first message before any update), records each distinct message
//! once (`GET /sandbox/dvcqg/received?dossier=CODE`), and can be told to misbehave (`POST
//! /sandbox/dvcqg/control` `{"mode": "ok" | "down" | "timeout" | "refuse", "remaining", "message"}`).
//! `POST /dev/national-sync/age` `{"dossier", "seconds"}` moves a dossier's waiting messages
//! into the past, so tests climb the retry ladder without waiting hours.

use motcua_domain::national::portal as adapter;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use worker::Response;

use crate::platform::error::ApiError;
use crate::platform::http::{json as reply_json, Ctx};
use crate::platform::settings::config;
use crate::platform::{clock, db};

pub(super) fn sandbox_only(ctx: &Ctx) -> Result<(), ApiError> {
    if config(&ctx.env).sandbox {
        Ok(())
    } else {
        Err(ApiError::RouteNotFound)
    }
}

/// A session is good for the hour it was issued in and the next, so a long-running sender meets
/// an expired session and must log in again, as it would with the real portal.
pub(super) fn session_for(password: &str, hour: i64) -> String {
    hex::encode(Sha256::digest(format!("dvcqg-sandbox|{password}|{hour}").as_bytes()))
}

pub(super) fn hour_now() -> i64 {
    clock::now().unix_timestamp() / 3600
}

#[derive(Deserialize)]
struct Control {
    matching: String,
    mode: String,
    remaining: Option<i64>,
    message: Option<String>,
}

/// How the sandbox behaves for a call whose body is `body`: the first instruction whose text the
/// body contains (an instruction without text applies to every call), counted down if limited.
async fn behaviour(ctx: &Ctx, body: &str) -> Result<(String, String), ApiError> {
    let d1 = ctx.national()?;
    let rows: Vec<Control> =
        db::all(d1.prepare("SELECT matching, mode, remaining, message FROM dev_dvcqg_control ORDER BY matching DESC").bind(&[])?).await?;
    let Some(row) = rows.into_iter().find(|r| r.matching.is_empty() || body.contains(&r.matching)) else {
        return Ok(("ok".into(), String::new()));
    };
    if let Some(n) = row.remaining {
        let stmt = if n <= 1 {
            "DELETE FROM dev_dvcqg_control WHERE matching = ?1"
        } else {
            "UPDATE dev_dvcqg_control SET remaining = remaining - 1 WHERE matching = ?1"
        };
        d1.prepare(stmt).bind(&[row.matching.as_str().into()])?.run().await?;
    }
    Ok((row.mode, row.message.unwrap_or_default()))
}

/// Answers like the portal when it is down, hung or refusing; None when it behaves.
async fn misbehave(ctx: &Ctx, body: &str) -> Result<Option<Response>, ApiError> {
    let (mode, message) = behaviour(ctx, body).await?;
    match mode.as_str() {
        "down" => Ok(Some(Response::error("Service Unavailable", 503)?)),
        "timeout" => {
            // Longer than the sender waits; it gives up first and tries again later.
            worker::Delay::from(std::time::Duration::from_secs(8)).await;
            Ok(None)
        }
        "refuse" => {
            let message = if message.is_empty() { "Dữ liệu không hợp lệ".to_string() } else { message };
            Ok(Some(reply_json(&json!({"error_code": "1", "message": message}))?))
        }
        _ => Ok(None),
    }
}

pub async fn auth(ctx: &mut Ctx) -> Result<Response, ApiError> {
    sandbox_only(ctx)?;
    if let Some(r) = misbehave(ctx, "").await? {
        return Ok(r);
    }
    let body: Value = ctx.body_text(16 * 1024).await.ok().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or(Value::Null);
    let account = config(&ctx.env).national.as_ref();
    let given = (body.get("username").and_then(Value::as_str), body.get("password").and_then(Value::as_str));
    match (account, given) {
        (Some(a), (Some(u), Some(p))) if a.username == u && a.password.expose() == p => {
            Ok(reply_json(&json!({"error_code": 0, "session": session_for(p, hour_now())}))?)
        }
        _ => Ok(reply_json(&json!({"error_code": "-1", "message": "Sai tài khoản hoặc mật khẩu"}))?.with_status(401)),
    }
}

pub async fn integration(ctx: &mut Ctx) -> Result<Response, ApiError> {
    sandbox_only(ctx)?;
    let text = ctx.body_text(2 * 1024 * 1024).await.unwrap_or_default();
    if let Some(r) = misbehave(ctx, &text).await? {
        return Ok(r);
    }
    let Ok(body) = serde_json::from_str::<Value>(&text) else {
        return Ok(reply_json(&json!({"error_code": "1", "message": "Dữ liệu gửi lên không phải JSON"}))?);
    };
    let password = config(&ctx.env).national.as_ref().map(|a| a.password.expose().to_string()).unwrap_or_default();
    let session = body.get("session").and_then(Value::as_str).unwrap_or("");
    let hour = hour_now();
    if session.is_empty() || (session != session_for(&password, hour) && session != session_for(&password, hour - 1)) {
        return Ok(reply_json(&json!({"error_code": "-2", "message": "session không hợp lệ hoặc đã hết hạn"}))?);
    }
    let d1 = ctx.national()?;
    let service = body.get("service").and_then(Value::as_str).unwrap_or("");
    let dossier = body.pointer("/data/0/MaHoSo").and_then(Value::as_str).unwrap_or("").to_string();
    let seen: Option<Seen> =
        db::first(d1.prepare("SELECT count(*) AS n FROM dev_dvcqg_received WHERE dossier = ?1").bind(&[dossier.as_str().into()])?).await?;
    let seen = seen.map(|s| s.n).unwrap_or(0) > 0;
    let problems = match service {
        adapter::SERVICE_DOSSIER => {
            // The portal knows a procedure by its own code: the mapped one, else ours.
            let codes: Vec<Code> =
                db::all(d1.prepare("SELECT coalesce(nullif(national_code, ''), code) AS code FROM procedures").bind(&[])?).await?;
            let mut p = adapter::check_dossier_message(&body, |c| codes.iter().any(|k| k.code == c));
            let updating = body.get("isUpdating").and_then(Value::as_str) == Some("True");
            if updating && !seen && p.is_empty() {
                p.push(format!("Hồ sơ {dossier} chưa tồn tại trên Cổng DVCQG (cập nhật trước khi thêm mới)"));
            }
            p
        }
        adapter::SERVICE_RATING if dossier.is_empty() => vec!["Thiếu MaHoSo".to_string()],
        adapter::SERVICE_RATING if !seen => vec![format!("Hồ sơ {dossier} chưa tồn tại trên Cổng DVCQG")],
        adapter::SERVICE_RATING => vec![],
        other => vec![format!("Dịch vụ {other} không được hỗ trợ")],
    };
    if !problems.is_empty() {
        return Ok(reply_json(&json!({"error_code": "1", "message": problems.join("; ")}))?);
    }
    let Some((service, dossier, key)) = adapter::message_key(&body) else {
        return Ok(reply_json(&json!({"error_code": "1", "message": "Thiếu dữ liệu hồ sơ"}))?);
    };
    let mut stored = body.clone();
    if let Some(o) = stored.as_object_mut() {
        o.remove("session");
    }
    d1.prepare(
        "INSERT INTO dev_dvcqg_received (service, dossier, message_key, body, received_at) VALUES (?1, ?2, ?3, ?4, ?5) \
         ON CONFLICT (message_key) DO NOTHING",
    )
    .bind(&[service.into(), dossier.into(), key.into(), stored.to_string().into(), clock::rfc3339(clock::now()).into()])?
    .run()
    .await?;
    Ok(reply_json(&json!({"error_code": 0, "message": "Thành công", "result": null}))?)
}

#[derive(Deserialize)]
struct Seen {
    n: i64,
}

#[derive(Deserialize)]
struct Code {
    code: String,
}

pub async fn control(ctx: &mut Ctx) -> Result<Response, ApiError> {
    sandbox_only(ctx)?;
    let c: ControlBody = ctx.json_body().await?;
    let d1 = ctx.national()?;
    if c.mode == "ok" {
        // Behave again: for this text, or everywhere.
        let stmt = match &c.matching {
            Some(m) => d1.prepare("DELETE FROM dev_dvcqg_control WHERE matching = ?1").bind(&[m.as_str().into()])?,
            None => d1.prepare("DELETE FROM dev_dvcqg_control").bind(&[])?,
        };
        stmt.run().await?;
        return reply_json(&json!({"mode": "ok"}));
    }
    if !matches!(c.mode.as_str(), "down" | "timeout" | "refuse") {
        return Err(motcua_domain::validation::FieldError::new(
            "mode",
            "invalid",
            "mode phải là ok, down, timeout hoặc refuse.",
            "mode must be ok, down, timeout or refuse.",
        )
        .into());
    }
    d1.prepare(
        "INSERT INTO dev_dvcqg_control (matching, mode, remaining, message) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (matching) DO UPDATE SET mode = excluded.mode, remaining = excluded.remaining, message = excluded.message",
    )
    .bind(&[
        c.matching.as_deref().unwrap_or("").into(),
        c.mode.as_str().into(),
        c.remaining.map(|n| worker::wasm_bindgen::JsValue::from(n as f64)).unwrap_or(worker::wasm_bindgen::JsValue::NULL),
        db::nullable(c.message.as_deref()),
    ])?
    .run()
    .await?;
    reply_json(&json!({"mode": c.mode, "remaining": c.remaining}))
}

#[derive(Deserialize)]
struct ControlBody {
    mode: String,
    #[serde(default)]
    matching: Option<String>,
    #[serde(default)]
    remaining: Option<i64>,
    #[serde(default)]
    message: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct Received {
    id: i64,
    service: String,
    received_at: String,
    body: String,
}

pub async fn received(ctx: &Ctx) -> Result<Response, ApiError> {
    sandbox_only(ctx)?;
    let dossier = ctx.query("dossier").unwrap_or_default();
    let rows: Vec<Received> = db::all(
        ctx.national()?
            .prepare("SELECT id, service, received_at, body FROM dev_dvcqg_received WHERE dossier = ?1 ORDER BY id")
            .bind(&[dossier.as_str().into()])?,
    )
    .await?;
    let list: Vec<Value> = rows
        .into_iter()
        .map(|r| {
            let body: Value = serde_json::from_str(&r.body).unwrap_or(Value::Null);
            json!({
                "service": r.service,
                "status": body.pointer("/data/0/TrangThaiHoSo").cloned().unwrap_or(Value::Null),
                "isUpdating": body.get("isUpdating").cloned().unwrap_or(Value::Null),
                "received_at": r.received_at,
                "body": body,
            })
        })
        .collect();
    reply_json(&list)
}

#[derive(Deserialize)]
struct Age {
    dossier: String,
    seconds: i64,
}

pub async fn age(ctx: &mut Ctx) -> Result<Response, ApiError> {
    sandbox_only(ctx)?;
    let body: Age = ctx.json_body().await?;
    let seconds = body.seconds.clamp(0, 10 * 24 * 3600);
    // The rows live with their dossier: its code names the agency, its id the shard.
    let d1 = match motcua_domain::codes::DossierCode::parse("dossier", body.dossier.trim()) {
        Ok(code) => Some(ctx.shard_of_agency("dossier", &code.agency().to_string())?),
        Err(_) => ctx.shard_of_id(body.dossier.trim()).await?,
    };
    let Some(d1) = d1 else {
        return reply_json(&json!({ "aged": 0 }));
    };
    let result = d1
        .prepare(
            "UPDATE national_sync SET next_try_at = strftime('%Y-%m-%dT%H:%M:%fZ', next_try_at, ?1) \
             WHERE state IN ('pending', 'sent') AND dossier_id IN (SELECT id FROM dossiers WHERE code = ?2 OR id = ?2)",
        )
        .bind(&[format!("-{seconds} seconds").into(), body.dossier.as_str().into()])?
        .run()
        .await?;
    reply_json(&json!({ "aged": result.meta()?.and_then(|m| m.changes).unwrap_or(0) }))
}
