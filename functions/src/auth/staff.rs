//! Staff log-in: `POST /api/staff/login`, `GET /api/staff/me`, `POST /api/staff/logout`.
//! Every attempt is written to `staff_logins` (who, when, outcome).

use motcua_domain::auth::{lockout, session as rules, totp, AuthError, StaffLogin, StaffProfile};
use motcua_domain::validation::FieldError;
use worker::Response;
use crate::platform::db::Db;

use super::repo::{self, StaffRow};
use super::routes::client_ip_hash;
use super::session::{self, now};
use super::password;
use crate::platform::error::ApiError;
use crate::platform::http::{json, Ctx};

pub async fn login(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let body: StaffLogin = ctx.json_body().await?;
    let username = body.username.trim().to_lowercase();
    if username.is_empty() {
        return Err(FieldError::required("username").into());
    }
    if body.password.is_empty() {
        return Err(FieldError::required("password").into());
    }
    let d1 = ctx.national()?;
    let ip_hash = client_ip_hash(ctx);
    let now = now();
    let Some(row) = repo::staff_by_username(&d1, &username).await? else {
        password::burn(&body.password).await?;
        repo::audit_login(&d1, None, &username, "unknown_user", &ip_hash, now).await?;
        return Err(AuthError::BadCredentials.into());
    };
    let audit = |outcome: &'static str| {
        let (d1, id, username, ip_hash) = (&d1, row.id.clone(), username.clone(), ip_hash.clone());
        async move { repo::audit_login(d1, Some(&id), &username, outcome, &ip_hash, now).await }
    };
    if let Err(e) = lockout::check(row.locked_until, now) {
        audit("locked").await?;
        return Err(e.into());
    }
    if !password::verify(&body.password, &row.password_hash).await? {
        let err = fail(&d1, &row, now).await?;
        audit("bad_password").await?;
        return Err(err.into());
    }
    if let Some(secret) = row.totp_secret.as_deref().filter(|s| !s.trim().is_empty()) {
        let secret = totp::decode_base32(secret).ok_or_else(|| ApiError::Unexpected("stored TOTP secret is not base32".into()))?;
        let Some(input) = body.totp.as_deref().filter(|t| !t.trim().is_empty()) else {
            audit("totp_required").await?;
            return Err(AuthError::TotpRequired.into());
        };
        let input = totp::parse_code(input)?;
        match totp::verify(&secret, &input, now, row.totp_last_step) {
            Some(step) => repo::save_totp_step(&d1, &row.id, step).await?,
            None => {
                let err = match fail(&d1, &row, now).await? {
                    AuthError::BadCredentials => AuthError::TotpWrong,
                    locked => locked,
                };
                audit("bad_totp").await?;
                return Err(err.into());
            }
        }
    }
    repo::save_staff_failures(&d1, &row.id, 0, None).await?;
    audit("ok").await?;
    let cookie = session::start(ctx, "staff", &row.id).await?;
    worker::console_log!("auth: staff {} logged in", row.username);
    let agencies = repo::scope(&d1, &row.id, row.staff_role()?).await?;
    let mut resp = json(&profile(row, agencies))?;
    resp.headers_mut().set("Set-Cookie", &cookie)?;
    resp.headers_mut().set("Cache-Control", "no-store")?;
    Ok(resp)
}

/// Counts a failed attempt and returns what to answer (bad credentials, or locked on the fifth).
async fn fail(d1: &Db, row: &StaffRow, now: i64) -> Result<AuthError, ApiError> {
    let (failures, locked_until, err) = lockout::after_failure(row.failed_logins.max(0) as u32, row.locked_until, now);
    repo::save_staff_failures(d1, &row.id, failures, locked_until).await?;
    Ok(err)
}

fn profile(row: StaffRow, agencies: Vec<String>) -> StaffProfile {
    StaffProfile { id: row.id, username: row.username, display_name: row.display_name, role: row.role, agencies }
}

pub async fn me(ctx: &Ctx) -> Result<Response, ApiError> {
    let who = session::staff(ctx).await?;
    let row = repo::staff_by_id(&ctx.national()?, &who.staff_id).await?.ok_or(ApiError::Unauthorized)?;
    let mut resp = json(&profile(row, who.agencies))?;
    resp.headers_mut().set("Cache-Control", "no-store")?;
    Ok(resp)
}

pub async fn logout(ctx: &Ctx) -> Result<Response, ApiError> {
    session::end(ctx, rules::STAFF_COOKIE).await
}
