//! Who is calling: the citizen or staff session named by the request's cookie. Other features
//! call [`citizen`] / [`staff`] first thing in a handler; both answer 401 in the project's error
//! shape when there is no live session.

use motcua_domain::auth::session as rules;
use motcua_domain::auth::StaffRole;
use worker::Response;

use super::repo;
use crate::platform::error::ApiError;
use crate::platform::http::Ctx;

/// A logged-in citizen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitizenSession {
    /// `citizens.id`
    pub citizen_id: String,
    /// Normalized `0xxxxxxxxx` (none for a national-only account); log it only through `Phone::masked`.
    #[allow(dead_code)]
    pub phone: Option<String>,
}

/// A logged-in staff member and the agencies they act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffSession {
    pub staff_id: String,
    pub username: String,
    pub role: StaffRole,
    /// Every agency code in scope: an officer's own agencies; a leader's or admin's whole
    /// subtree; every agency for the national admin.
    pub agencies: Vec<String>,
}

impl StaffSession {
    /// Whether the agency is in this person's scope.
    #[allow(dead_code)] // for dossiers, payments and the desk
    pub fn covers(&self, agency_code: &str) -> bool {
        self.agencies.iter().any(|a| a == agency_code)
    }
}

pub(crate) fn now() -> i64 {
    (worker::Date::now().as_millis() / 1000) as i64
}

/// The storage key of the session cookie `name` on this request, if it holds a well-formed token.
pub(crate) fn cookie_token_hash(ctx: &Ctx, name: &str) -> Option<String> {
    let header = ctx.req.headers().get("Cookie").ok().flatten()?;
    rules::token_hash(rules::cookie_value(&header, name)?)
}

/// The citizen of this request, or `Unauthorized`.
pub async fn citizen(ctx: &Ctx) -> Result<CitizenSession, ApiError> {
    optional_citizen(ctx).await?.ok_or(ApiError::Unauthorized)
}

/// The citizen of this request, if logged in. Storage failures are errors, not "logged out".
pub async fn optional_citizen(ctx: &Ctx) -> Result<Option<CitizenSession>, ApiError> {
    let Some(hash) = cookie_token_hash(ctx, rules::CITIZEN_COOKIE) else { return Ok(None) };
    let d1 = ctx.national()?;
    Ok(repo::citizen_of_session(&d1, &hash, now()).await?.map(|c| CitizenSession { citizen_id: c.id, phone: c.phone }))
}

/// The staff member of this request with their scope, or `Unauthorized`.
pub async fn staff(ctx: &Ctx) -> Result<StaffSession, ApiError> {
    let hash = cookie_token_hash(ctx, rules::STAFF_COOKIE).ok_or(ApiError::Unauthorized)?;
    let d1 = ctx.national()?;
    let id = repo::session_subject(&d1, &hash, "staff", now()).await?.ok_or(ApiError::Unauthorized)?;
    let row = repo::staff_by_id(&d1, &id).await?.ok_or(ApiError::Unauthorized)?;
    let role = row.staff_role()?;
    let agencies = repo::scope(&d1, &row.id, role).await?;
    Ok(StaffSession { staff_id: row.id, username: row.username, role, agencies })
}

/// Starts a session for `subject` and returns the `Set-Cookie` value. The token leaves the
/// Worker only in that cookie; D1 keeps its hash.
pub(crate) async fn start(ctx: &Ctx, kind: &str, subject: &str) -> Result<String, ApiError> {
    start_with(ctx, kind, subject, None).await
}

/// [`start`], keeping the national portal's id_token with the session (for its logout).
pub(crate) async fn start_with(ctx: &Ctx, kind: &str, subject: &str, id_token: Option<&str>) -> Result<String, ApiError> {
    let (cookie, ttl) = match kind {
        "staff" => (rules::STAFF_COOKIE, rules::STAFF_TTL),
        _ => (rules::CITIZEN_COOKIE, rules::CITIZEN_TTL),
    };
    let token = rules::token(super::webcrypto::random_bytes::<32>()?);
    let hash = rules::token_hash(&token).expect("a fresh token is well-formed");
    let now = now();
    repo::insert_session(&ctx.national()?, &hash, kind, subject, now, now + ttl, id_token).await?;
    // A citizen logging in inside a commune portal's iframe (`?embed=1`, sent by the app in
    // embed mode) gets the partitioned `SameSite=None` cookie a cross-site frame can use.
    if kind == "citizen" && ctx.query("embed").as_deref() == Some("1") {
        return Ok(rules::set_embedded_cookie(cookie, &token, ttl));
    }
    Ok(rules::set_cookie(cookie, &token, ttl))
}

/// Ends the session named by cookie `name` (if any) and answers 204 clearing the cookie.
pub(crate) async fn end(ctx: &Ctx, name: &str) -> Result<Response, ApiError> {
    end_then(ctx, name, |_| Ok(Response::empty()?.with_status(204))).await
}

/// Ends the session and answers `answer(its national id_token)` with the cookies cleared.
pub(crate) async fn end_then(
    ctx: &Ctx,
    name: &str,
    answer: impl FnOnce(Option<String>) -> Result<Response, ApiError>,
) -> Result<Response, ApiError> {
    let id_token = match cookie_token_hash(ctx, name) {
        Some(hash) => repo::delete_session(&ctx.national()?, &hash).await?,
        None => None,
    };
    let mut resp = answer(id_token)?;
    resp.headers_mut().set("Set-Cookie", &rules::clear_cookie(name))?;
    // The session may have been the embed-mode (partitioned) cookie: clear that one too.
    resp.headers_mut().append("Set-Cookie", &rules::clear_embedded_cookie(name))?;
    resp.headers_mut().set("Cache-Control", "no-store")?;
    Ok(resp)
}
