//! Citizen log-in and profile: `POST /api/auth/otp/request`, `POST /api/auth/otp/verify`,
//! `POST /api/auth/logout`, `GET /api/me`, `PUT /api/me`.

use motcua_domain::auth::{
    otp, same_bytes, session as rules, AuthError, CitizenProfile, OtpRequest, OtpRequested, OtpVerify, Profile, ProfileUpdate,
};
use motcua_domain::citizen::Phone;
use sha2::{Digest, Sha256};
use worker::Response;

use super::repo::{self, CitizenRow};
use super::session::{self, now};
use super::webcrypto;
use crate::outbox::OutboxMessage;
use crate::platform::config;
use crate::platform::error::ApiError;
use crate::platform::http::{json, Ctx};

/// The key of the code hashes: the `AUTH_SECRET` secret; a fixed development key in the sandbox.
fn code_key(ctx: &Ctx) -> Result<Vec<u8>, ApiError> {
    config::auth_secret(&ctx.env)
}

/// The caller's address, hashed: only ever compared, never shown.
pub(crate) fn client_ip_hash(ctx: &Ctx) -> String {
    let ip = ctx.req.headers().get("CF-Connecting-IP").ok().flatten().unwrap_or_else(|| "unknown".into());
    hex::encode(Sha256::digest(format!("motcua-ip\n{ip}").as_bytes()))
}

pub async fn request_code(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let body: OtpRequest = ctx.json_body().await?;
    let phone = Phone::parse("phone", &body.phone)?;
    let d1 = ctx.national()?;
    let now = now();
    let ip_hash = client_ip_hash(ctx);
    let (phone_sends, ip_sends) = repo::sends_since(&d1, phone.as_str(), &ip_hash, now - otp::WINDOW).await?;
    let guard = repo::guard(&d1, phone.as_str()).await?;
    otp::may_send(&otp::SendHistory { locked_until: guard.locked_until, phone_sends, ip_sends }, now)?;

    let code = otp::generate(webcrypto::random_bytes::<8>()?);
    let hash = otp::code_hash(&code_key(ctx)?, phone.as_str(), &code);
    let Some(id) =
        repo::insert_code(&d1, phone.as_str(), &hash, &ip_hash, now, now + otp::VALID_FOR, otp::RESEND_AFTER).await?
    else {
        // Another request sent a code in the meantime.
        return Err(AuthError::ResendTooSoon { retry_after: otp::RESEND_AFTER }.into());
    };
    let message = OutboxMessage::sms(phone.as_str(), otp::sms_text(&code));
    if let Err(e) = ctx.env.queue(config::OUTBOX)?.send(message).await {
        repo::delete_code(&d1, id).await?;
        return Err(ApiError::Unexpected(format!("outbox send for {}: {e}", phone.masked())));
    }
    worker::console_log!("auth: code sent to {}", phone.masked());
    Ok(json(&OtpRequested { resend_after: otp::RESEND_AFTER, expires_in: otp::VALID_FOR })?.with_status(202))
}

pub(crate) fn profile(row: CitizenRow) -> CitizenProfile {
    let needs_profile = row.full_name.as_deref().unwrap_or("").is_empty()
        || row.citizen_id.as_deref().unwrap_or("").is_empty()
        || row.profile_confirmed == 0;
    CitizenProfile {
        national: row.national_sub.is_some(),
        id: row.id,
        phone: row.phone,
        full_name: row.full_name,
        citizen_id: row.citizen_id,
        email: row.email,
        address: row.address,
        needs_profile,
        notify_channels: motcua_domain::notify::Channels::from_stored(&row.notify_channels).names(),
    }
}

fn no_store(mut resp: Response) -> Result<Response, ApiError> {
    resp.headers_mut().set("Cache-Control", "no-store")?;
    Ok(resp)
}

/// Checks a code. Each try is counted before it is compared, in one statement per number
/// (`repo::reserve_try`) and per client address (`repo::reserve_address_try`), so however many
/// tries arrive at once, at most `otp::MAX_WRONG` are compared for a number and
/// `otp::VERIFY_PER_IP` wrong ones for an address in the window.
pub async fn verify_code(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let body: OtpVerify = ctx.json_body().await?;
    let phone = Phone::parse("phone", &body.phone)?;
    let code = otp::parse_code(&body.code)?;
    let d1 = ctx.national()?;
    let now = now();
    let refused = |err: AuthError| {
        worker::console_log!("auth: code refused for {} ({})", phone.masked(), err.code());
        Err(err.into())
    };
    // The code before the guard: a lock is set before its code is burnt, so a burnt code is
    // always seen with its lock (answered 423, not "no code").
    let latest = repo::latest_code(&d1, phone.as_str()).await?;
    let guard = repo::guard(&d1, phone.as_str()).await?;
    let record = latest.as_ref().map(|r| otp::CodeRecord { expires_at: r.expires_at, consumed: r.consumed != 0 });
    if let Err(err) = otp::precheck(record, guard, now) {
        return refused(err);
    }
    let row = latest.expect("a live code passed the precheck");

    // The number first: a burst at one number holds at most `MAX_WRONG` tries of the address.
    // A try the address may not make still counts for the number (the safe side).
    let Some(attempt) = repo::reserve_try(&d1, phone.as_str(), now).await? else {
        let guard = repo::guard(&d1, phone.as_str()).await?;
        return refused(guard.refusal(now));
    };
    let ip_hash = client_ip_hash(ctx);
    let Some(address_try) = repo::reserve_address_try(&d1, &ip_hash, now).await? else {
        let oldest = repo::oldest_address_try(&d1, &ip_hash, now).await?;
        return refused(otp::verify_limited(oldest, now));
    };

    let expected = otp::code_hash(&code_key(ctx)?, phone.as_str(), &code);
    let matches = same_bytes(row.code_hash.as_bytes(), expected.as_bytes());
    if let Err(err) = otp::judge(attempt, matches) {
        // The try that locks the number burns the code: after the lock a new one must be asked for.
        repo::count_wrong_try(&d1, row.id, matches!(err, AuthError::PhoneLocked { .. })).await?;
        return refused(err);
    }
    repo::release_address_try(&d1, address_try).await?;
    if !repo::consume_code(&d1, row.id, now).await? {
        return refused(AuthError::NoCode);
    }
    repo::clear_guard(&d1, phone.as_str()).await?;
    let new_id = format!("cit-{}", hex::encode(webcrypto::random_bytes::<10>()?));
    let now_iso = worker::js_sys::Date::new_0().to_iso_string().as_string().unwrap_or_default();
    let citizen = repo::citizen_for_phone(&d1, phone.as_str(), &new_id, &now_iso).await?;
    let cookie = session::start(ctx, "citizen", &citizen.id).await?;
    worker::console_log!("auth: citizen logged in with {}", phone.masked());
    let mut resp = json(&profile(citizen))?;
    resp.headers_mut().set("Set-Cookie", &cookie)?;
    no_store(resp)
}

/// Ends the session; one opened by the national account answers 200 with the portal's logout
/// address (its session ends too), any other 204.
pub async fn logout(ctx: &Ctx) -> Result<Response, ApiError> {
    let end_session = super::national::end_session_endpoint(ctx).await;
    let base = config::public_base_url(&ctx.env);
    session::end_then(ctx, rules::CITIZEN_COOKIE, |id_token| match (id_token, end_session) {
        (Some(token), Some(endpoint)) => {
            let state = hex::encode(webcrypto::random_bytes::<8>()?);
            let logout_url = motcua_domain::oidc::end_session_url(&endpoint, &token, &format!("{base}/tai-khoan"), &state);
            json(&motcua_domain::auth::LogoutAnswer { logout_url })
        }
        _ => Ok(Response::empty()?.with_status(204)),
    })
    .await
}

pub async fn me(ctx: &Ctx) -> Result<Response, ApiError> {
    let who = session::citizen(ctx).await?;
    let row = repo::citizen_by_id(&ctx.national()?, &who.citizen_id).await?.ok_or(ApiError::Unauthorized)?;
    no_store(json(&profile(row))?)
}

pub async fn update_me(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let who = session::citizen(ctx).await?;
    let body: ProfileUpdate = ctx.json_body().await?;
    let p = Profile::parse(&body)?;
    let d1 = ctx.national()?;
    let current = repo::citizen_by_id(&d1, &who.citizen_id).await?.ok_or(ApiError::Unauthorized)?;
    let channels = motcua_domain::notify::Channels::parse(
        body.notify_channels.as_deref(),
        p.email.is_some(),
        current.phone.is_some(),
        &motcua_domain::notify::Channels::from_stored(&current.notify_channels),
    )?;
    let saved = repo::update_profile(
        &d1,
        &who.citizen_id,
        p.full_name.as_str(),
        p.citizen_id.as_str(),
        p.email.as_ref().map(|e| e.as_str()),
        p.address.as_deref(),
        &channels.to_stored(),
    )
    .await?;
    if !saved {
        return Err(motcua_domain::validation::FieldError::new(
            "citizen_id",
            "verified_by_national_account",
            "Số định danh cá nhân đã được xác thực qua tài khoản Cổng Dịch vụ công quốc gia và không thể sửa.",
            "The personal identification number was verified by the national portal's account and cannot be changed.",
        )
        .into());
    }
    let row = repo::citizen_by_id(&d1, &who.citizen_id).await?.ok_or(ApiError::Unauthorized)?;
    no_store(json(&profile(row))?)
}
