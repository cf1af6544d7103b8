//! The sandbox of the national portal's OpenID provider (`/sandbox/idp/`, compiled with the
//! `sandbox` feature and routed only when `SANDBOX=1`): discovery, JWKS, a log-in page listing
//! test identities, the token, userinfo and logout endpoints, at the paths of
//! `motcua_domain::auth::national`. It checks what a real provider checks — the registered
//! client and its secret, the registered redirect and post-logout addresses, PKCE S256, a code
//! used once and within five minutes — and signs RS256 id_tokens with an RSA-2048 key made by
//! WebCrypto at first use and kept in D1 (`dev_idp_keys`), so tokens survive a restart. Its page
//! can also be told to misbehave (wrong audience, expired token, wrong nonce, wrong issuer, bad
//! signature, tampered claims) so the checks of the log-in can be seen to refuse.

use std::collections::HashMap;

use motcua_domain::auth::national::{self as portal, claim};
use motcua_domain::gateway::parse_query;
use motcua_domain::oidc::{self, Jwt};
use serde::Deserialize;
use serde_json::{json, Value};
use worker::{Headers, Response};

use super::session::now;
use super::webcrypto;
use crate::platform::config;
use crate::platform::error::ApiError;
use crate::platform::http::Ctx;
use crate::platform::db;

/// Test people, with diacritics; `an` and `binh` are the demo citizens' own numbers and CCCD.
const IDENTITIES: [(&str, &str, &str, Option<&str>, Option<&str>); 4] = [
    ("an", "Nguyễn Văn An", "042090001234", Some("0912345678"), Some("an.nguyen@example.vn")),
    ("binh", "Trần Thị Bình", "030185004321", Some("0987654321"), None),
    ("cuong", "Lê Văn Cường", "001090012345", Some("0977001122"), None),
    ("dung", "Phạm Thị Dung", "042188000567", None, Some("dung.pham@example.vn")),
];

const FAULTS: [(&str, &str); 7] = [
    ("", "Không — đăng nhập bình thường"),
    ("wrong_audience", "Sai đối tượng nhận (aud)"),
    ("expired", "Thông tin đăng nhập đã hết hạn (exp)"),
    ("wrong_nonce", "Sai nonce"),
    ("wrong_issuer", "Sai đơn vị cấp (iss)"),
    ("bad_signature", "Chữ ký sai"),
    ("tampered", "Nội dung bị sửa sau khi ký"),
];

fn base(ctx: &Ctx) -> String {
    config::public_base_url(&ctx.env)
}

fn issuer(ctx: &Ctx) -> String {
    format!("{}/sandbox/idp", base(ctx))
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn page(status: u16, body: &str) -> Result<Response, ApiError> {
    Ok(Response::from_html(format!(
        "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Cổng Dịch vụ công quốc gia — thử nghiệm</title><style>body{{font-family:system-ui,sans-serif;max-width:420px;margin:0 auto;padding:1rem;color:#1a1a1a}}\
         h1{{font-size:1.3rem;color:#a50e0e}}fieldset{{border:1px solid #999;padding:.5rem}}label{{display:block;padding:.5rem 0;min-height:44px}}\
         button,select{{font:inherit;min-height:44px;width:100%;margin:.3rem 0}}.go{{background:#a50e0e;color:#fff;border:0}}\
         .note{{background:#fff3cd;padding:.5rem}}</style></head><body><main>{body}</main></body></html>"
    ))?
    .with_status(status))
}

fn redirect(location: &str) -> Result<Response, ApiError> {
    let headers = Headers::new();
    headers.set("location", location)?;
    Ok(Response::empty()?.with_status(302).with_headers(headers))
}

fn oauth_error(status: u16, error: &str) -> Result<Response, ApiError> {
    Ok(Response::from_json(&json!({ "error": error }))?.with_status(status))
}

/// The client registered with the sandbox: the deployment's own settings.
fn client(ctx: &Ctx) -> Option<(&'static str, &'static str)> {
    config::config(&ctx.env).national_login.as_ref().map(|n| (n.client_id.as_str(), n.client_secret.expose()))
}

/// `GET /sandbox/idp/.well-known/openid-configuration`
pub fn discovery(ctx: &Ctx) -> Result<Response, ApiError> {
    let iss = issuer(ctx);
    Ok(Response::from_json(&json!({
        "issuer": iss,
        "authorization_endpoint": format!("{iss}{}", portal::AUTHORIZE_PATH),
        "token_endpoint": format!("{iss}{}", portal::TOKEN_PATH),
        "userinfo_endpoint": format!("{iss}{}", portal::USERINFO_PATH),
        "jwks_uri": format!("{iss}{}", portal::JWKS_PATH),
        "end_session_endpoint": format!("{iss}{}", portal::LOGOUT_PATH),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        "scopes_supported": ["openid"],
        "acr_values_supported": [portal::ACR_VALUES],
    }))?)
}

#[derive(Deserialize)]
struct KeyRow {
    kid: String,
    private_jwk: String,
    public_jwk: String,
}

/// The signing key, made on first use. Two first uses at once both generate; the insert keeps
/// one and both read it back.
async fn key(ctx: &Ctx) -> Result<KeyRow, ApiError> {
    let d1 = ctx.national()?;
    let select = || d1.prepare("SELECT kid, private_jwk, public_jwk FROM dev_idp_keys ORDER BY created_at, kid LIMIT 1");
    if let Some(row) = db::first::<KeyRow>(select()).await? {
        return Ok(row);
    }
    let (private, public) = webcrypto::rs256_generate().await?;
    d1.prepare("INSERT OR IGNORE INTO dev_idp_keys (kid, private_jwk, public_jwk, created_at) VALUES ('sandbox-1', ?1, ?2, ?3)")
        .bind(&[private.into(), public.into(), (now() as f64).into()])?
        .run()
        .await?;
    db::first::<KeyRow>(select()).await?.ok_or_else(|| ApiError::Unexpected("sandbox idp key missing".into()))
}

/// `GET /sandbox/idp/oauth2/jwks`
pub async fn jwks(ctx: &Ctx) -> Result<Response, ApiError> {
    let k = key(ctx).await?;
    let public: Value = serde_json::from_str(&k.public_jwk).map_err(|e| ApiError::Unexpected(e.to_string()))?;
    Ok(Response::from_json(&json!({ "keys": [{
        "kty": "RSA", "kid": k.kid, "use": "sig", "alg": "RS256", "n": public["n"], "e": public["e"],
    }]}))?)
}

/// The authorize request's parameters, checked as the provider checks them; the error says why.
fn check_request(ctx: &Ctx, p: &HashMap<String, String>) -> Result<(), String> {
    let get = |k: &str| p.get(k).map(String::as_str).unwrap_or("");
    let Some((client_id, _)) = client(ctx) else { return Err("chưa đăng ký ứng dụng nào (NATIONAL_CLIENT_ID)".into()) };
    if get("response_type") != "code" {
        return Err("response_type phải là code".into());
    }
    if get("client_id") != client_id {
        return Err("client_id chưa đăng ký".into());
    }
    if get("redirect_uri") != format!("{}/api/auth/national/callback", base(ctx)) {
        return Err("redirect_uri không phải địa chỉ đã đăng ký".into());
    }
    if !get("scope").split(' ').any(|s| s == "openid") {
        return Err("scope phải có openid".into());
    }
    let challenge = get("code_challenge");
    if get("code_challenge_method") != "S256" || !(43..=128).contains(&challenge.len()) {
        return Err("thiếu PKCE (code_challenge, phương thức S256)".into());
    }
    if get("state").is_empty() || get("nonce").is_empty() {
        return Err("thiếu state hoặc nonce".into());
    }
    Ok(())
}

fn query_map(text: &str) -> HashMap<String, String> {
    parse_query(text).unwrap_or_default().into_iter().collect()
}

/// `GET /sandbox/idp/oauth2/authorize`: the log-in page (a list of test identities).
pub fn authorize_page(ctx: &Ctx) -> Result<Response, ApiError> {
    let query = ctx.raw_query();
    let p = query_map(&query);
    if let Err(why) = check_request(ctx, &p) {
        return page(400, &format!("<h1>Yêu cầu đăng nhập không hợp lệ</h1><p>{}</p>", esc(&why)));
    }
    let hidden: String = p.iter().map(|(k, v)| format!("<input type=\"hidden\" name=\"{}\" value=\"{}\">", esc(k), esc(v))).collect();
    let people: String = IDENTITIES
        .iter()
        .enumerate()
        .map(|(i, (key, name, cccd, phone, _))| {
            format!(
                "<label><input type=\"radio\" name=\"identity\" value=\"{key}\"{}> <strong>{name}</strong><br>CCCD {cccd}{}</label>",
                if i == 0 { " checked" } else { "" },
                phone.map(|p| format!(" · ĐT {p}")).unwrap_or_else(|| " · không có số điện thoại".into()),
            )
        })
        .collect();
    let faults: String = FAULTS.iter().map(|(v, label)| format!("<option value=\"{v}\">{label}</option>")).collect();
    page(
        200,
        &format!(
            "<p class=\"note\">Môi trường thử nghiệm — không phải Cổng Dịch vụ công quốc gia thật.</p>\
             <h1>Đăng nhập bằng tài khoản Cổng Dịch vụ công quốc gia</h1>\
             <form method=\"post\" action=\"/sandbox/idp/oauth2/authorize\">{hidden}\
             <fieldset><legend>Chọn tài khoản thử nghiệm</legend>{people}</fieldset>\
             <label for=\"fault\">Lỗi giả lập (dùng cho kiểm thử)</label><select id=\"fault\" name=\"fault\">{faults}</select>\
             <button class=\"go\" type=\"submit\" name=\"outcome\" value=\"allow\">Đăng nhập</button>\
             <button type=\"submit\" name=\"outcome\" value=\"deny\">Hủy, quay lại</button></form>"
        ),
    )
}

/// The claims of the chosen identity; `custom` takes them from the form (tests log in as anyone).
fn identity_claims(form: &HashMap<String, String>) -> Option<Value> {
    let get = |k: &str| form.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let (sub, name, cccd, phone, email) = match get("identity").unwrap_or("an") {
        "custom" => (get("sub")?.to_string(), get(claim::FULL_NAME), get(claim::ID_NUMBER), get(claim::PHONE), get(claim::EMAIL)),
        key => {
            let (k, name, cccd, phone, email) = IDENTITIES.iter().find(|i| i.0 == key)?;
            (format!("sandbox-{k}"), Some(*name), Some(*cccd), *phone, *email)
        }
    };
    let mut c = json!({ "sub": sub, claim::TECH_ID: format!("T-{sub}"), claim::ACCOUNT_TYPE: "1" });
    for (k, v) in [(claim::FULL_NAME, name), (claim::ID_NUMBER, cccd), (claim::PHONE, phone), (claim::EMAIL, email)] {
        if let Some(v) = v {
            c[k] = json!(v);
        }
    }
    Some(c)
}

/// `POST /sandbox/idp/oauth2/authorize`: the person's choice; back to the client with a code.
pub async fn authorize(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let form = query_map(&ctx.body_text(16 * 1024).await?);
    if let Err(why) = check_request(ctx, &form) {
        return page(400, &format!("<h1>Yêu cầu đăng nhập không hợp lệ</h1><p>{}</p>", esc(&why)));
    }
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    let back = |q: String| format!("{}?{q}", get("redirect_uri"));
    let state = motcua_domain::gateway::form_encode(&get("state"));
    if get("outcome") == "deny" {
        return redirect(&back(format!("error=access_denied&state={state}")));
    }
    let Some(claims) = identity_claims(&form) else { return page(400, "<h1>Không có tài khoản thử nghiệm này</h1>") };
    let code = oidc::random_token(webcrypto::random_bytes::<32>()?);
    ctx.national()?
        .prepare(
            "INSERT INTO dev_idp_codes (code_hash, client_id, redirect_uri, challenge, nonce, claims, fault, expires_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )
        .bind(&[
            oidc::state_key(&code).into(),
            get("client_id").into(),
            get("redirect_uri").into(),
            get("code_challenge").into(),
            get("nonce").into(),
            claims.to_string().into(),
            get("fault").into(),
            ((now() + 300) as f64).into(),
        ])?
        .run()
        .await?;
    redirect(&back(format!("code={code}&state={state}")))
}

#[derive(Deserialize)]
struct CodeRow {
    client_id: String,
    redirect_uri: String,
    challenge: String,
    nonce: String,
    claims: String,
    fault: String,
}

fn basic_auth(ctx: &Ctx) -> Option<(String, String)> {
    use base64::Engine;
    let h = ctx.req.headers().get("authorization").ok().flatten()?;
    let raw = base64::engine::general_purpose::STANDARD.decode(h.strip_prefix("Basic ")?.trim()).ok()?;
    let (id, secret) = std::str::from_utf8(&raw).ok()?.split_once(':')?;
    Some((id.to_string(), secret.to_string()))
}

/// `POST /sandbox/idp/oauth2/token`: the code for tokens, as RFC 6749 4.1.3 and RFC 7636 4.6 say.
pub async fn token(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let form = query_map(&ctx.body_text(16 * 1024).await?);
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    let (id, secret) = basic_auth(ctx).unwrap_or_else(|| (get("client_id"), get("client_secret")));
    let Some((client_id, client_secret)) = client(ctx) else { return oauth_error(401, "invalid_client") };
    if id != client_id || !motcua_domain::auth::same_bytes(secret.as_bytes(), client_secret.as_bytes()) {
        return oauth_error(401, "invalid_client");
    }
    if get("grant_type") != "authorization_code" {
        return oauth_error(400, "unsupported_grant_type");
    }
    let access = oidc::random_token(webcrypto::random_bytes::<32>()?);
    // Used once: the statement that reads the code also spends it.
    let row: Option<CodeRow> = db::first(
        ctx.national()?
            .prepare(
                "UPDATE dev_idp_codes SET used = 1, access_hash = ?2 WHERE code_hash = ?1 AND used = 0 AND expires_at > ?3 \
                 RETURNING client_id, redirect_uri, challenge, nonce, claims, fault",
            )
            .bind(&[oidc::state_key(&get("code")).into(), oidc::state_key(&access).into(), (now() as f64).into()])?,
    )
    .await?;
    let Some(row) = row else { return oauth_error(400, "invalid_grant") };
    if row.client_id != id || row.redirect_uri != get("redirect_uri") || oidc::pkce_challenge(&get("code_verifier")) != row.challenge {
        return oauth_error(400, "invalid_grant");
    }
    let person: Value = serde_json::from_str(&row.claims).map_err(|e| ApiError::Unexpected(e.to_string()))?;
    let now = now();
    let fault = row.fault.as_str();
    let mut claims = json!({
        "iss": if fault == "wrong_issuer" { "https://evil.example/oauth2/token".to_string() } else { issuer(ctx) },
        "aud": if fault == "wrong_audience" { "another-client" } else { client_id },
        "azp": if fault == "wrong_audience" { "another-client" } else { client_id },
        "sub": person["sub"],
        claim::TECH_ID: person[claim::TECH_ID],
        "iat": if fault == "expired" { now - 400 } else { now },
        "auth_time": now,
        "exp": if fault == "expired" { now - 300 } else { now + 300 },
        "nonce": if fault == "wrong_nonce" { "not-the-nonce-you-sent".to_string() } else { row.nonce },
        "acr": portal::ACR_VALUES,
    });
    let k = key(ctx).await?;
    let header = json!({ "alg": "RS256", "typ": "JWT", "kid": k.kid });
    let signing_input = format!("{}.{}", oidc::b64url(header.to_string().as_bytes()), oidc::b64url(claims.to_string().as_bytes()));
    let mut signature = webcrypto::rs256_sign(&k.private_jwk, signing_input.as_bytes()).await?;
    let mut signing_input = signing_input;
    match fault {
        "bad_signature" => signature[0] ^= 0x01,
        "tampered" => {
            claims["sub"] = json!("sandbox-someone-else");
            signing_input = format!("{}.{}", oidc::b64url(header.to_string().as_bytes()), oidc::b64url(claims.to_string().as_bytes()));
        }
        _ => {}
    }
    let id_token = format!("{signing_input}.{}", oidc::b64url(&signature));
    let mut resp = Response::from_json(&json!({
        "access_token": access, "token_type": "Bearer", "expires_in": 300, "scope": "openid", "id_token": id_token,
    }))?;
    resp.headers_mut().set("cache-control", "no-store")?;
    Ok(resp)
}

/// `GET|POST /sandbox/idp/oauth2/userinfo` with `Authorization: Bearer`: the person's claims.
pub async fn userinfo(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let bearer = ctx.req.headers().get("authorization").ok().flatten().and_then(|h| h.strip_prefix("Bearer ").map(str::to_string));
    let Some(access) = bearer else { return oauth_error(401, "invalid_token") };
    #[derive(Deserialize)]
    struct Row {
        claims: String,
    }
    let row: Option<Row> = db::first(
        ctx.national()?.prepare("SELECT claims FROM dev_idp_codes WHERE access_hash = ?1 AND expires_at > ?2").bind(&[
            oidc::state_key(access.trim()).into(),
            ((now() - 3600) as f64).into(),
        ])?,
    )
    .await?;
    match row {
        Some(r) => Ok(Response::from_json(&serde_json::from_str::<Value>(&r.claims).map_err(|e| ApiError::Unexpected(e.to_string()))?)?),
        None => oauth_error(401, "invalid_token"),
    }
}

/// `GET /sandbox/idp/oidc/logout?id_token_hint&post_logout_redirect_uri&state`: ends the
/// provider's session and goes back to a registered address only.
pub fn logout(ctx: &Ctx) -> Result<Response, ApiError> {
    let query = ctx.raw_query();
    let p = query_map(&query);
    let get = |k: &str| p.get(k).map(String::as_str).unwrap_or("");
    let registered = format!("{}/tai-khoan", base(ctx));
    let hint_ok = Jwt::parse(get("id_token_hint")).ok().is_some_and(|t| {
        client(ctx).is_some_and(|(id, _)| t.claims.get("aud").and_then(Value::as_str) == Some(id))
    });
    if get("post_logout_redirect_uri") != registered || !hint_ok {
        return page(400, "<h1>Yêu cầu đăng xuất không hợp lệ</h1><p>Địa chỉ quay lại chưa đăng ký hoặc thiếu id_token_hint.</p>");
    }
    redirect(&format!("{registered}?state={}", motcua_domain::gateway::form_encode(get("state"))))
}
