//! Log-in with the national public-service portal's account (OpenID Connect, authorization code
//! with PKCE): `GET /api/auth/national` (offered or not), `GET /api/auth/national/start?return=`
//! and `GET /api/auth/national/callback`. The protocol's rules are `motcua_domain::oidc`, what the
//! portal's claims mean and which account they open `motcua_domain::auth::national`; this module
//! fetches (discovery, JWKS, token, userinfo), verifies the RS256 signature with WebCrypto, stores
//! and answers. The log-in started here is kept server-side, single use, ten minutes.
//! A failed callback sends the browser back to the log-in page with `?loi=<code>` (JSON 4xx when
//! the caller asks for JSON). Never logged: the code, the tokens, the verifier, the client
//! secret, an unmasked identification number.

use std::cell::RefCell;

use motcua_domain::auth::national::{self as portal, Link};
use motcua_domain::auth::NationalLoginInfo;
use motcua_domain::oidc::{self, Discovery, Expected, Jwks, Jwt, OidcError, TokenResponse};
use serde_json::{Map, Value};
use worker::{Fetch, Headers, Method, Request, RequestInit, Response};

use super::repo;
use super::session::{self, now};
use super::webcrypto;
use crate::platform::config;
use crate::platform::error::ApiError;
use crate::platform::http::{json, Ctx};
use crate::platform::settings::NationalLogin;

/// The provider's discovery document and keys, kept for the isolate's life; read again after
/// an hour, or at once when a token names a key we do not have (the provider rotated it).
struct Provider {
    discovery: Discovery,
    jwks: Jwks,
    fetched_at: i64,
}

const PROVIDER_TTL: i64 = 3600;

thread_local! {
    static PROVIDER: RefCell<Option<(String, std::rc::Rc<Provider>)>> = const { RefCell::new(None) };
}

fn settings(ctx: &Ctx) -> Result<&'static NationalLogin, OidcError> {
    config::config(&ctx.env).national_login.as_ref().ok_or(OidcError::NotConfigured)
}

fn redirect_uri(ctx: &Ctx) -> String {
    format!("{}/api/auth/national/callback", config::public_base_url(&ctx.env))
}

/// A request to the provider: GET, or POST with a form body or a bearer token (userinfo, which
/// FACTS §6 shows POSTed). Answers the status and the body.
async fn call(url: &str, bearer: Option<&str>, form: Option<&str>) -> Result<(u16, String), ApiError> {
    let headers = Headers::new();
    headers.set("accept", "application/json")?;
    let mut init = RequestInit::new();
    match form {
        Some(body) => {
            headers.set("content-type", "application/x-www-form-urlencoded")?;
            init.with_method(Method::Post).with_body(Some(body.into()));
        }
        None => {
            init.with_method(if bearer.is_some() { Method::Post } else { Method::Get });
        }
    }
    if let Some(token) = bearer {
        headers.set("authorization", &format!("Bearer {token}"))?;
    }
    init.with_headers(headers);
    let mut resp = Fetch::Request(Request::new_with_init(url, &init)?).send().await?;
    Ok((resp.status_code(), resp.text().await?))
}

/// A fetch whose failure (network, non-200, not JSON) is the provider being unavailable.
async fn fetch_json<T: serde::de::DeserializeOwned>(url: &str) -> Result<T, OidcError> {
    match call(url, None, None).await {
        Ok((200, text)) => serde_json::from_str(&text).map_err(|_| OidcError::ProviderUnavailable),
        Ok((status, _)) => {
            worker::console_warn!("auth: national provider answered {status} at {url}");
            Err(OidcError::ProviderUnavailable)
        }
        Err(e) => {
            worker::console_warn!("auth: national provider unreachable at {url}: {e}");
            Err(OidcError::ProviderUnavailable)
        }
    }
}

async fn provider(cfg: &NationalLogin, refresh: bool) -> Result<std::rc::Rc<Provider>, OidcError> {
    let cached = PROVIDER.with(|p| p.borrow().clone());
    if let Some((issuer, p)) = cached {
        if !refresh && issuer == cfg.issuer && now() - p.fetched_at < PROVIDER_TTL {
            return Ok(p);
        }
    }
    let url = format!("{}{}", cfg.issuer.trim_end_matches('/'), portal::DISCOVERY_PATH);
    let text = match call(&url, None, None).await {
        Ok((200, text)) => text,
        _ => return Err(OidcError::ProviderUnavailable),
    };
    let discovery = Discovery::parse(&text, &cfg.issuer)?;
    let jwks: Jwks = fetch_json(&discovery.jwks_uri).await?;
    let p = std::rc::Rc::new(Provider { discovery, jwks, fetched_at: now() });
    PROVIDER.with(|c| *c.borrow_mut() = Some((cfg.issuer.clone(), p.clone())));
    Ok(p)
}

/// The portal's logout address, when log-in with it is configured and its discovery says one.
pub async fn end_session_endpoint(ctx: &Ctx) -> Option<String> {
    let cfg = settings(ctx).ok()?;
    provider(cfg, false).await.ok()?.discovery.end_session_endpoint.clone()
}

fn wants_json(ctx: &Ctx) -> bool {
    ctx.req.headers().get("accept").ok().flatten().is_some_and(|a| a.contains("application/json"))
}

fn redirect(location: &str) -> Result<Response, ApiError> {
    let headers = Headers::new();
    headers.set("location", location)?;
    headers.set("cache-control", "no-store")?;
    headers.set("referrer-policy", "no-referrer")?;
    Ok(Response::empty()?.with_status(302).with_headers(headers))
}

/// A refused log-in: back to the log-in page with the reason, or the JSON error when asked.
fn refused(ctx: &Ctx, e: OidcError) -> Result<Response, ApiError> {
    worker::console_log!("auth: national log-in refused ({})", e.code());
    if wants_json(ctx) {
        return Err(e.into());
    }
    redirect(&format!("/tai-khoan?loi={}", e.code()))
}

/// `GET /api/auth/national`: whether the app shows the button.
pub async fn info(ctx: &Ctx) -> Result<Response, ApiError> {
    json(&NationalLoginInfo { enabled: settings(ctx).is_ok() })
}

/// `GET /api/auth/national/start?return=PATH`: a new log-in (PKCE verifier, state, nonce, where
/// to come back) kept server-side, and the browser sent to the portal's authorize endpoint.
pub async fn start(ctx: &Ctx) -> Result<Response, ApiError> {
    match begin(ctx).await {
        Ok(location) => redirect(&location),
        // Only a stale link leads here: the app hides the button.
        Err(Fail::Refused(OidcError::NotConfigured)) => Err(OidcError::NotConfigured.into()),
        Err(Fail::Refused(e)) => refused(ctx, e),
        Err(Fail::Api(e)) => Err(e),
    }
}

enum Fail {
    Refused(OidcError),
    Api(ApiError),
}

impl From<OidcError> for Fail {
    fn from(e: OidcError) -> Self {
        Fail::Refused(e)
    }
}

impl From<ApiError> for Fail {
    fn from(e: ApiError) -> Self {
        Fail::Api(e)
    }
}

impl From<worker::Error> for Fail {
    fn from(e: worker::Error) -> Self {
        Fail::Api(e.into())
    }
}

async fn begin(ctx: &Ctx) -> Result<String, Fail> {
    let cfg = settings(ctx)?;
    let return_path = oidc::return_path(ctx.query("return").as_deref())?;
    let p = provider(cfg, false).await?;
    let verifier = oidc::pkce_verifier(webcrypto::random_bytes::<32>()?);
    let state = oidc::random_token(webcrypto::random_bytes::<32>()?);
    let nonce = oidc::random_token(webcrypto::random_bytes::<32>()?);
    let now = now();
    repo::insert_national_login(&ctx.national()?, &oidc::state_key(&state), &verifier, &nonce, &return_path, now, now + oidc::LOGIN_TTL)
        .await?;
    let redirect_uri = redirect_uri(ctx);
    Ok(oidc::Authorize {
        endpoint: &p.discovery.authorization_endpoint,
        client_id: &cfg.client_id,
        redirect_uri: &redirect_uri,
        scope: portal::SCOPE,
        state: &state,
        nonce: &nonce,
        challenge: &oidc::pkce_challenge(&verifier),
        acr_values: Some(portal::ACR_VALUES),
    }
    .url())
}

/// `GET /api/auth/national/callback?code&state` (or `?error&state`).
pub async fn callback(ctx: &Ctx) -> Result<Response, ApiError> {
    match finish(ctx).await {
        Ok((cookie, location)) => {
            let mut resp = redirect(&location)?;
            resp.headers_mut().set("set-cookie", &cookie)?;
            Ok(resp)
        }
        Err(Fail::Refused(e)) => refused(ctx, e),
        Err(Fail::Api(e)) => Err(e),
    }
}

async fn finish(ctx: &Ctx) -> Result<(String, String), Fail> {
    let cfg = settings(ctx)?;
    let d1 = ctx.national()?;
    // The state first: without our own log-in behind it, nothing else is looked at.
    let state = ctx.query("state").unwrap_or_default();
    if state.is_empty() || state.len() > 200 {
        return Err(OidcError::State.into());
    }
    let login = repo::take_national_login(&d1, &oidc::state_key(&state), now()).await?.ok_or(OidcError::State)?;
    if let Some(error) = ctx.query("error") {
        return Err(OidcError::ProviderDenied(error.chars().take(64).collect()).into());
    }
    let code = ctx.query("code").filter(|c| !c.is_empty() && c.len() <= 2048).ok_or(OidcError::MissingCode)?;
    let mut p = provider(cfg, false).await?;

    let form = oidc::token_form(&code, &redirect_uri(ctx), &cfg.client_id, cfg.client_secret.expose(), &login.verifier);
    let tokens: TokenResponse = match call(&p.discovery.token_endpoint, None, Some(&form)).await {
        Ok((200, text)) => serde_json::from_str(&text).map_err(|_| OidcError::ProviderUnavailable)?,
        Ok((400..=499, _)) => return Err(OidcError::CodeRejected.into()),
        _ => return Err(OidcError::ProviderUnavailable.into()),
    };
    let id_token = tokens.id_token.ok_or(OidcError::Malformed)?;
    let jwt = Jwt::parse(&id_token)?;
    let key = match p.jwks.key_for(&jwt.header) {
        Ok(k) => k.clone(),
        Err(_) => {
            p = provider(cfg, true).await?;
            p.jwks.key_for(&jwt.header)?.clone()
        }
    };
    let jwk = serde_json::json!({ "kty": "RSA", "n": key.n, "e": key.e }).to_string();
    let valid = webcrypto::rs256_verify(&jwk, jwt.signing_input.as_bytes(), &jwt.signature).await.map_err(|e| {
        worker::console_warn!("auth: national key not importable: {e}");
        OidcError::UnknownKey
    })?;
    if !valid {
        return Err(OidcError::Signature.into());
    }
    oidc::validate(&jwt.claims, &Expected { issuer: &p.discovery.issuer, client_id: &cfg.client_id, nonce: &login.nonce, now: now() })?;

    // [V FACTS §6] the portal's profile claims come from userinfo; the id_token vouches for `sub`.
    let claims = match (&p.discovery.userinfo_endpoint, &tokens.access_token) {
        (Some(url), Some(access)) => {
            let info: Map<String, Value> = match call(url, Some(access), None).await {
                Ok((200, text)) => serde_json::from_str(&text).map_err(|_| OidcError::ProviderUnavailable)?,
                _ => return Err(OidcError::ProviderUnavailable.into()),
            };
            oidc::merge_userinfo(&jwt.claims, &info)?
        }
        _ => jwt.claims.clone(),
    };
    let who = portal::identity(&claims)?;
    let citizen_id = open_account(&d1, &who).await?;
    let cookie = session::start_with(ctx, "citizen", &citizen_id, Some(&id_token)).await?;
    worker::console_log!("auth: citizen logged in with the national account {}", who.id_number.masked());
    Ok((cookie, login.return_path))
}

/// Finds the account the linking rule names and writes the link, guarded by the state it was
/// decided from; a lost race (another log-in of the same person at the same moment) is decided
/// again on a fresh read.
async fn open_account(d1: &crate::platform::db::Db, who: &portal::NationalIdentity) -> Result<String, Fail> {
    for _ in 0..3 {
        let by_subject = repo::citizen_by_national_sub(d1, &who.subject).await?.map(|r| r.account());
        let by_id = repo::citizen_by_verified_id(d1, who.id_number.as_str()).await?.map(|r| r.account());
        let by_phone = match &who.phone {
            Some(phone) => repo::citizen_by_phone(d1, phone.as_str()).await?.map(|r| r.account()),
            None => None,
        };
        let name = who.full_name.as_ref().map(|n| n.as_str());
        let tech_id = who.tech_id.as_deref();
        let (id, done) = match portal::link(who, by_subject.as_ref(), by_id.as_ref(), by_phone.as_ref()) {
            Link::Linked { id } if by_subject.is_some() => (id, true),
            Link::Linked { id } => {
                let done = repo::relink_national(d1, &id, &who.subject, tech_id, who.id_number.as_str()).await?;
                (id, done)
            }
            Link::Attach { id } => {
                let phone = who.phone.as_ref().map(|p| p.as_str()).unwrap_or_default();
                let done = repo::attach_national(d1, &id, &who.subject, tech_id, phone, who.id_number.as_str(), name).await?;
                (id, done)
            }
            Link::Create { phone } => {
                let id = format!("cit-{}", hex::encode(webcrypto::random_bytes::<10>()?));
                let now_iso = worker::js_sys::Date::new_0().to_iso_string().as_string().unwrap_or_default();
                let email = who.email.as_ref().map(|e| e.as_str());
                let done =
                    repo::create_national(d1, &id, &who.subject, tech_id, phone.as_deref(), who.id_number.as_str(), name, email, &now_iso).await?;
                (id, done)
            }
        };
        if done {
            return Ok(id);
        }
    }
    Err(OidcError::State.into())
}
