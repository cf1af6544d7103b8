//! OpenID Connect for the citizen's log-in with an outside identity provider, free of I/O: the
//! PKCE pair (RFC 7636), state and nonce, the authorize, token and end-session requests, the
//! parts of a JWT (RFC 7519) and the checks of an id_token's claims (OIDC Core 3.1.3.7: issuer,
//! audience and `azp`, `exp`/`iat`/`nbf` with a small leeway, nonce), the choice of the signing
//! key in a JWKS, and the return path a log-in may send the browser back to. The signature
//! itself is checked by the Worker's WebCrypto over [`Jwt::signing_input`]. Which provider and
//! which claims mean what is the adapter's business (`auth::national`), not this module's.
//! Each refusal is an [`OidcError`] with a stable code and a message in Vietnamese and English.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::gateway::form_encode;

/// Seconds of clock difference tolerated between us and the provider.
pub const LEEWAY: i64 = 120;
/// How long a started log-in may take at the provider before its state is refused.
pub const LOGIN_TTL: i64 = 10 * 60;
/// The oldest `iat` accepted: an id_token is used right after it is issued.
pub const MAX_TOKEN_AGE: i64 = 10 * 60;

/// A refused log-in step.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OidcError {
    #[error("national log-in is not configured")]
    NotConfigured,
    #[error("unsafe return path")]
    ReturnPath,
    #[error("unknown or expired state")]
    State,
    #[error("the provider refused: {0}")]
    ProviderDenied(String),
    #[error("the callback has no code")]
    MissingCode,
    #[error("the provider did not accept the code")]
    CodeRejected,
    #[error("the provider could not be reached or answered nonsense")]
    ProviderUnavailable,
    #[error("malformed id_token")]
    Malformed,
    #[error("id_token algorithm not accepted")]
    Algorithm,
    #[error("no provider key for the id_token")]
    UnknownKey,
    #[error("bad id_token signature")]
    Signature,
    #[error("wrong issuer")]
    Issuer,
    #[error("wrong audience")]
    Audience,
    #[error("expired id_token")]
    Expired,
    #[error("id_token not yet valid")]
    NotYetValid,
    #[error("id_token issued too long ago")]
    IssuedAt,
    #[error("wrong nonce")]
    Nonce,
    #[error("userinfo names another subject")]
    Subject,
    #[error("the account carries no usable identification number")]
    Identity,
    #[error("the account is not a citizen's")]
    AccountType,
}

impl OidcError {
    /// Stable machine code, also the `loi` the app's log-in page shows.
    pub fn code(&self) -> &'static str {
        match self {
            OidcError::NotConfigured => "national_login_off",
            OidcError::ReturnPath => "invalid_return",
            OidcError::State => "invalid_state",
            OidcError::ProviderDenied(_) => "provider_denied",
            OidcError::MissingCode => "missing_code",
            OidcError::CodeRejected => "code_rejected",
            OidcError::ProviderUnavailable => "provider_unavailable",
            OidcError::Malformed => "token_malformed",
            OidcError::Algorithm => "token_algorithm",
            OidcError::UnknownKey => "token_key_unknown",
            OidcError::Signature => "token_signature",
            OidcError::Issuer => "token_issuer",
            OidcError::Audience => "token_audience",
            OidcError::Expired => "token_expired",
            OidcError::NotYetValid => "token_not_yet_valid",
            OidcError::IssuedAt => "token_too_old",
            OidcError::Nonce => "token_nonce",
            OidcError::Subject => "userinfo_subject",
            OidcError::Identity => "identity_missing",
            OidcError::AccountType => "not_a_citizen_account",
        }
    }

    /// The request field the error is about.
    pub fn field(&self) -> &'static str {
        match self {
            OidcError::ReturnPath => "return",
            OidcError::State => "state",
            OidcError::ProviderDenied(_) => "error",
            OidcError::MissingCode | OidcError::CodeRejected => "code",
            OidcError::NotConfigured | OidcError::ProviderUnavailable => "provider",
            _ => "id_token",
        }
    }

    /// 404 when the feature is off, 400 otherwise: a failed log-in is answered to the browser
    /// that brought it, never as a server error (the provider being down included).
    pub fn status(&self) -> u16 {
        match self {
            OidcError::NotConfigured => 404,
            _ => 400,
        }
    }

    pub fn message_vi(&self) -> String {
        let m = message(self.code());
        m.0.to_string()
    }

    pub fn message_en(&self) -> String {
        message(self.code()).1.to_string()
    }
}

/// The message of an error code, in Vietnamese and English. The app shows the same text for the
/// code a failed log-in brings back in `?loi=`.
pub fn message(code: &str) -> (&'static str, &'static str) {
    match code {
        "national_login_off" => (
            "Chưa hỗ trợ đăng nhập bằng tài khoản Cổng Dịch vụ công quốc gia.",
            "Log-in with the national public-service portal account is not available.",
        ),
        "invalid_return" => ("Địa chỉ quay lại không hợp lệ.", "The return address is not allowed."),
        "invalid_state" => (
            "Phiên đăng nhập đã hết hạn hoặc đã được dùng. Vui lòng đăng nhập lại.",
            "The log-in has expired or was already used. Please log in again.",
        ),
        "provider_denied" => (
            "Cổng Dịch vụ công quốc gia không cho phép đăng nhập (bạn đã hủy hoặc tài khoản bị từ chối).",
            "The national portal did not allow the log-in (cancelled or refused).",
        ),
        "missing_code" | "code_rejected" => (
            "Mã đăng nhập từ Cổng Dịch vụ công quốc gia không hợp lệ hoặc đã được dùng. Vui lòng đăng nhập lại.",
            "The log-in code from the national portal is invalid or already used. Please log in again.",
        ),
        "provider_unavailable" => (
            "Không kết nối được Cổng Dịch vụ công quốc gia. Vui lòng thử lại sau hoặc đăng nhập bằng số điện thoại.",
            "The national portal cannot be reached. Please try later or log in with your phone number.",
        ),
        "token_malformed" | "token_algorithm" => (
            "Thông tin đăng nhập nhận được không đúng định dạng.",
            "The log-in token is malformed.",
        ),
        "token_key_unknown" | "token_signature" => (
            "Chữ ký của thông tin đăng nhập không hợp lệ.",
            "The log-in token's signature is not valid.",
        ),
        "token_issuer" => (
            "Thông tin đăng nhập không do Cổng Dịch vụ công quốc gia cấp.",
            "The log-in token was not issued by the national portal.",
        ),
        "token_audience" => (
            "Thông tin đăng nhập không cấp cho hệ thống này.",
            "The log-in token was issued for another application.",
        ),
        "token_expired" => ("Thông tin đăng nhập đã hết hạn. Vui lòng đăng nhập lại.", "The log-in token has expired. Please log in again."),
        "token_not_yet_valid" | "token_too_old" => (
            "Thời gian của thông tin đăng nhập không hợp lệ. Vui lòng đăng nhập lại.",
            "The log-in token's times are not valid. Please log in again.",
        ),
        "token_nonce" => (
            "Thông tin đăng nhập không khớp với lần đăng nhập này. Vui lòng đăng nhập lại.",
            "The log-in token does not belong to this log-in. Please log in again.",
        ),
        "userinfo_subject" => (
            "Thông tin tài khoản không khớp với người đăng nhập.",
            "The account details name another person.",
        ),
        "identity_missing" => (
            "Tài khoản chưa có số định danh cá nhân hợp lệ. Vui lòng cập nhật trên Cổng Dịch vụ công quốc gia hoặc đăng nhập bằng số điện thoại.",
            "The account has no valid personal identification number. Update it on the national portal or log in with your phone.",
        ),
        "not_a_citizen_account" => (
            "Chỉ tài khoản công dân được đăng nhập tại đây; tài khoản doanh nghiệp, tổ chức chưa được hỗ trợ.",
            "Only citizens' accounts may log in here; business and organisation accounts are not supported.",
        ),
        _ => ("Đăng nhập không thành công. Vui lòng thử lại.", "The log-in failed. Please try again."),
    }
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// base64url without padding, as JWS and PKCE use it.
pub fn b64url_decode(s: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(s.trim_end_matches('=')).ok()
}

pub fn b64url(bytes: &[u8]) -> String {
    b64(bytes)
}

/// A PKCE verifier from 32 random bytes: 43 characters of base64url (RFC 7636 4.1).
pub fn pkce_verifier(random: [u8; 32]) -> String {
    b64(&random)
}

/// `code_challenge` for method S256: BASE64URL(SHA256(ASCII(verifier))) (RFC 7636 4.2).
pub fn pkce_challenge(verifier: &str) -> String {
    b64(&Sha256::digest(verifier.as_bytes()))
}

/// A `state` or `nonce`: 32 random bytes, base64url.
pub fn random_token(random: [u8; 32]) -> String {
    b64(&random)
}

/// What we keep of a `state`: its SHA-256, so a copy of the table cannot finish anyone's log-in.
pub fn state_key(state: &str) -> String {
    hex::encode(Sha256::digest(state.as_bytes()))
}

/// The path a log-in may send the browser back to: same site and relative only (`/ho-so`),
/// never `//host` or `/\host` (which browsers read as another site), no control characters.
/// Missing or empty means the account page. The same rule checks the account page's `?tiep=`
/// (the form the citizen left to log in), so neither can be turned into an open redirect.
pub fn return_path(input: Option<&str>) -> Result<String, OidcError> {
    let p = input.map(str::trim).unwrap_or("");
    if p.is_empty() {
        return Ok("/tai-khoan".into());
    }
    let bad = !p.starts_with('/')
        || p.starts_with("//")
        || p.starts_with("/\\")
        || p.len() > 512
        || p.chars().any(|c| c.is_control() || c == '\\');
    if bad {
        return Err(OidcError::ReturnPath);
    }
    Ok(p.to_string())
}

/// The authorize request of the code flow with PKCE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorize<'a> {
    pub endpoint: &'a str,
    pub client_id: &'a str,
    pub redirect_uri: &'a str,
    pub scope: &'a str,
    pub state: &'a str,
    pub nonce: &'a str,
    pub challenge: &'a str,
    /// `acr_values`, when the provider wants one (the national portal: `LoA1`).
    pub acr_values: Option<&'a str>,
}

fn query(pairs: &[(&str, &str)]) -> String {
    pairs.iter().map(|(k, v)| format!("{k}={}", form_encode(v))).collect::<Vec<_>>().join("&")
}

fn join(endpoint: &str, q: &str) -> String {
    format!("{endpoint}{}{q}", if endpoint.contains('?') { '&' } else { '?' })
}

impl Authorize<'_> {
    pub fn url(&self) -> String {
        let mut pairs = vec![
            ("response_type", "code"),
            ("client_id", self.client_id),
            ("redirect_uri", self.redirect_uri),
            ("scope", self.scope),
            ("state", self.state),
            ("nonce", self.nonce),
            ("code_challenge", self.challenge),
            ("code_challenge_method", "S256"),
        ];
        if let Some(acr) = self.acr_values {
            pairs.push(("acr_values", acr));
        }
        join(self.endpoint, &query(&pairs))
    }
}

/// The token request's form body (client_secret_post, with the PKCE verifier).
pub fn token_form(code: &str, redirect_uri: &str, client_id: &str, client_secret: &str, verifier: &str) -> String {
    query(&[
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", redirect_uri),
        ("client_id", client_id),
        ("client_secret", client_secret),
        ("code_verifier", verifier),
    ])
}

/// RP-initiated logout (OIDC RP-Initiated Logout 1.0): the provider ends its own session and
/// sends the browser back to `post_logout`.
pub fn end_session_url(endpoint: &str, id_token: &str, post_logout: &str, state: &str) -> String {
    join(endpoint, &query(&[("id_token_hint", id_token), ("post_logout_redirect_uri", post_logout), ("state", state)]))
}

/// The provider's discovery document (OIDC Discovery 1.0 §3), the parts we use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discovery {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub jwks_uri: String,
    #[serde(default)]
    pub userinfo_endpoint: Option<String>,
    #[serde(default)]
    pub end_session_endpoint: Option<String>,
}

impl Discovery {
    /// The document must name the issuer we configured (OIDC Discovery §4.3), else a
    /// compromised or mistyped address could hand us another provider's keys.
    pub fn parse(text: &str, issuer: &str) -> Result<Discovery, OidcError> {
        let d: Discovery = serde_json::from_str(text).map_err(|_| OidcError::ProviderUnavailable)?;
        if d.issuer.trim_end_matches('/') != issuer.trim_end_matches('/') {
            return Err(OidcError::ProviderUnavailable);
        }
        Ok(d)
    }
}

/// The token endpoint's answer (RFC 6749 5.1 + OIDC `id_token`). Never logged.
#[derive(Clone, Deserialize)]
pub struct TokenResponse {
    #[serde(default)]
    pub access_token: Option<String>,
    #[serde(default)]
    pub id_token: Option<String>,
}

/// One key of a JWKS (RFC 7517), RSA only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jwk {
    pub kty: String,
    #[serde(default)]
    pub kid: Option<String>,
    #[serde(default, rename = "use")]
    pub use_: Option<String>,
    #[serde(default)]
    pub alg: Option<String>,
    #[serde(default)]
    pub n: String,
    #[serde(default)]
    pub e: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jwks {
    pub keys: Vec<Jwk>,
}

impl Jwks {
    /// The RSA signing key the token's header names (`kid`); with no `kid`, the only one there is.
    pub fn key_for(&self, header: &JwtHeader) -> Result<&Jwk, OidcError> {
        let usable: Vec<&Jwk> = self
            .keys
            .iter()
            .filter(|k| k.kty == "RSA" && k.use_.as_deref().unwrap_or("sig") == "sig")
            .filter(|k| k.alg.as_deref().is_none_or(|a| a == "RS256"))
            .collect();
        match &header.kid {
            Some(kid) => usable.into_iter().find(|k| k.kid.as_deref() == Some(kid.as_str())).ok_or(OidcError::UnknownKey),
            None if usable.len() == 1 => Ok(usable[0]),
            None => Err(OidcError::UnknownKey),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct JwtHeader {
    pub alg: String,
    #[serde(default)]
    pub kid: Option<String>,
}

/// A compact JWS split into its parts; nothing in it is trusted until the signature over
/// [`Jwt::signing_input`] is verified and [`validate`] passes.
#[derive(Debug, Clone, PartialEq)]
pub struct Jwt {
    pub header: JwtHeader,
    pub claims: Map<String, Value>,
    pub signing_input: String,
    pub signature: Vec<u8>,
}

impl Jwt {
    pub fn parse(token: &str) -> Result<Jwt, OidcError> {
        let mut parts = token.trim().split('.');
        let (Some(h), Some(p), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return Err(OidcError::Malformed);
        };
        let header: JwtHeader =
            serde_json::from_slice(&b64url_decode(h).ok_or(OidcError::Malformed)?).map_err(|_| OidcError::Malformed)?;
        let claims: Map<String, Value> =
            serde_json::from_slice(&b64url_decode(p).ok_or(OidcError::Malformed)?).map_err(|_| OidcError::Malformed)?;
        let signature = b64url_decode(s).ok_or(OidcError::Malformed)?;
        // Only RS256: never `none`, and never an HMAC that a public key could be abused as.
        if header.alg != "RS256" {
            return Err(OidcError::Algorithm);
        }
        if signature.is_empty() {
            return Err(OidcError::Signature);
        }
        Ok(Jwt { header, claims, signing_input: format!("{h}.{p}"), signature })
    }

    pub fn subject(&self) -> Option<&str> {
        self.claims.get("sub").and_then(Value::as_str).filter(|s| !s.is_empty())
    }
}

/// What an id_token must say for this log-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expected<'a> {
    pub issuer: &'a str,
    pub client_id: &'a str,
    pub nonce: &'a str,
    pub now: i64,
}

fn number(claims: &Map<String, Value>, name: &str) -> Result<Option<i64>, OidcError> {
    match claims.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v.as_i64().or_else(|| v.as_f64().map(|f| f as i64)).map(Some).ok_or(OidcError::Malformed),
    }
}

/// The id_token checks of OIDC Core 3.1.3.7 after the signature: `iss` exactly, `aud` holds our
/// client (a string or an array; with several audiences `azp` must be ours), `exp` in the
/// future and `iat` recent within [`LEEWAY`], `nbf` passed, `nonce` the one we sent, `sub` set.
pub fn validate(claims: &Map<String, Value>, e: &Expected) -> Result<(), OidcError> {
    if claims.get("iss").and_then(Value::as_str) != Some(e.issuer) {
        return Err(OidcError::Issuer);
    }
    let audiences: Vec<&str> = match claims.get("aud") {
        Some(Value::String(a)) => vec![a.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    if !audiences.contains(&e.client_id) {
        return Err(OidcError::Audience);
    }
    let azp = claims.get("azp").and_then(Value::as_str);
    if (audiences.len() > 1 && azp.is_none()) || azp.is_some_and(|a| a != e.client_id) {
        return Err(OidcError::Audience);
    }
    let exp = number(claims, "exp")?.ok_or(OidcError::Malformed)?;
    if e.now > exp + LEEWAY {
        return Err(OidcError::Expired);
    }
    let iat = number(claims, "iat")?.ok_or(OidcError::Malformed)?;
    if iat > e.now + LEEWAY {
        return Err(OidcError::NotYetValid);
    }
    if iat < e.now - MAX_TOKEN_AGE - LEEWAY {
        return Err(OidcError::IssuedAt);
    }
    if number(claims, "nbf")?.is_some_and(|nbf| nbf > e.now + LEEWAY) {
        return Err(OidcError::NotYetValid);
    }
    let nonce = claims.get("nonce").and_then(Value::as_str).unwrap_or("");
    if nonce.is_empty() || !crate::auth::same_bytes(nonce.as_bytes(), e.nonce.as_bytes()) {
        return Err(OidcError::Nonce);
    }
    if claims.get("sub").and_then(Value::as_str).is_none_or(str::is_empty) {
        return Err(OidcError::Malformed);
    }
    Ok(())
}

/// The verified id_token's claims completed by the userinfo answer, which must be about the same
/// subject (OIDC Core 5.3.2: else it may be a substituted token's). The id_token's own claims win
/// for the protocol ones (`iss`, `aud`, `sub`, `nonce`...).
pub fn merge_userinfo(id_claims: &Map<String, Value>, userinfo: &Map<String, Value>) -> Result<Map<String, Value>, OidcError> {
    if userinfo.get("sub").and_then(Value::as_str) != id_claims.get("sub").and_then(Value::as_str) {
        return Err(OidcError::Subject);
    }
    let mut out = userinfo.clone();
    for (k, v) in id_claims {
        out.insert(k.clone(), v.clone());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pkce_s256_matches_rfc_7636_appendix_b() {
        // RFC 7636 Appendix B: the verifier from the octets given there and its S256 challenge.
        let octets: [u8; 32] = [
            116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214, 191, 240,
            91, 88, 5, 88, 83, 132, 141, 121,
        ];
        let verifier = pkce_verifier(octets);
        assert_eq!(verifier, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        assert_eq!(pkce_challenge(&verifier), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    #[test]
    fn state_and_nonce_are_43_url_safe_characters() {
        let t = random_token([0xfb; 32]);
        assert_eq!(t.len(), 43);
        assert!(t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_ne!(state_key(&t), t);
    }

    #[test]
    fn return_paths_stay_on_this_site() {
        assert_eq!(return_path(None).unwrap(), "/tai-khoan");
        assert_eq!(return_path(Some("")).unwrap(), "/tai-khoan");
        assert_eq!(return_path(Some("/ho-so/abc?x=1")).unwrap(), "/ho-so/abc?x=1");
        for bad in ["//evil.example", "/\\evil.example", "https://evil.example", "evil", "/a\\b", "/a\nb", "javascript:alert(1)"] {
            assert_eq!(return_path(Some(bad)), Err(OidcError::ReturnPath), "{bad}");
        }
        assert_eq!(return_path(Some(&format!("/{}", "a".repeat(600)))), Err(OidcError::ReturnPath));
        // What the submit form's "đăng nhập" link carries, and the account page passing it on.
        let form = "/thu-tuc/2.000815/nop?agency=000.10.51.H27";
        assert_eq!(return_path(Some(form)).unwrap(), form);
        let account = "/tai-khoan?tiep=%2Fthu-tuc%2F2.000815%2Fnop%3Fagency%3D000.10.51.H27";
        assert_eq!(return_path(Some(account)).unwrap(), account);
        for bad in ["https:/\\evil.example", "\\\\evil.example", "/\t/evil.example", "http://localhost/x", "?x=//evil"] {
            assert_eq!(return_path(Some(bad)), Err(OidcError::ReturnPath), "{bad}");
        }
    }

    proptest::proptest! {
        /// Whatever comes in, an accepted path stays on this site: one leading slash, never a
        /// second slash or a backslash after it, no control character anywhere.
        #[test]
        fn an_accepted_return_path_never_leaves_the_site(input in "[/\\\\a-z:.?=%\t\n ]{0,12}") {
            if let Ok(p) = return_path(Some(&input)) {
                proptest::prop_assert!(p.starts_with('/'));
                proptest::prop_assert!(!p.starts_with("//") && !p.starts_with("/\\"));
                proptest::prop_assert!(!p.chars().any(|c| c.is_control() || c == '\\'));
            }
        }
    }

    #[test]
    fn authorize_url_carries_every_parameter_encoded() {
        let url = Authorize {
            endpoint: "https://sso.example/oauth2/authorize",
            client_id: "motcua",
            redirect_uri: "https://motcua.example/api/auth/national/callback",
            scope: "openid",
            state: "s",
            nonce: "n",
            challenge: "c",
            acr_values: Some("LoA1"),
        }
        .url();
        assert_eq!(
            url,
            "https://sso.example/oauth2/authorize?response_type=code&client_id=motcua&redirect_uri=https%3A%2F%2Fmotcua.example%2Fapi%2Fauth%2Fnational%2Fcallback&scope=openid&state=s&nonce=n&code_challenge=c&code_challenge_method=S256&acr_values=LoA1"
        );
        let form = token_form("c d", "https://r", "id", "se&cret", "v");
        assert_eq!(form, "grant_type=authorization_code&code=c+d&redirect_uri=https%3A%2F%2Fr&client_id=id&client_secret=se%26cret&code_verifier=v");
        assert_eq!(
            end_session_url("https://sso/oidc/logout?x=1", "t.o.k", "https://m/tai-khoan", "z"),
            "https://sso/oidc/logout?x=1&id_token_hint=t.o.k&post_logout_redirect_uri=https%3A%2F%2Fm%2Ftai-khoan&state=z"
        );
    }

    #[test]
    fn discovery_must_name_the_configured_issuer() {
        let doc = json!({"issuer": "https://sso.example", "authorization_endpoint": "a", "token_endpoint": "t", "jwks_uri": "j"}).to_string();
        assert!(Discovery::parse(&doc, "https://sso.example/").is_ok());
        assert_eq!(Discovery::parse(&doc, "https://other.example"), Err(OidcError::ProviderUnavailable));
        assert_eq!(Discovery::parse("<html>", "https://sso.example"), Err(OidcError::ProviderUnavailable));
    }

    fn token(header: Value, claims: Value) -> String {
        format!("{}.{}.{}", b64(header.to_string().as_bytes()), b64(claims.to_string().as_bytes()), b64(b"sig"))
    }

    #[test]
    fn jwt_parts_are_split_and_only_rs256_is_accepted() {
        let t = token(json!({"alg": "RS256", "kid": "k1"}), json!({"sub": "u"}));
        let jwt = Jwt::parse(&t).unwrap();
        assert_eq!(jwt.header.kid.as_deref(), Some("k1"));
        assert_eq!(jwt.subject(), Some("u"));
        assert_eq!(jwt.signature, b"sig");
        assert_eq!(jwt.signing_input, t.rsplit_once('.').unwrap().0);
        assert_eq!(Jwt::parse(&token(json!({"alg": "none"}), json!({}))), Err(OidcError::Algorithm));
        assert_eq!(Jwt::parse(&token(json!({"alg": "HS256"}), json!({}))), Err(OidcError::Algorithm));
        for bad in ["", "a.b", "a.b.c.d", "!!.e30.c2ln", "e30.!!.c2ln"] {
            assert_eq!(Jwt::parse(bad), Err(OidcError::Malformed), "{bad}");
        }
        let unsigned = format!("{}.", t.rsplit_once('.').unwrap().0);
        assert_eq!(Jwt::parse(&unsigned), Err(OidcError::Signature));
    }

    #[test]
    fn the_signing_key_is_chosen_by_kid_and_must_be_rsa() {
        let key = |kid: &str, kty: &str| Jwk { kty: kty.into(), kid: Some(kid.into()), use_: None, alg: None, n: "n".into(), e: "AQAB".into() };
        let jwks = Jwks { keys: vec![key("a", "RSA"), key("b", "EC")] };
        let h = |kid: Option<&str>| JwtHeader { alg: "RS256".into(), kid: kid.map(str::to_string) };
        assert_eq!(jwks.key_for(&h(Some("a"))).unwrap().kid.as_deref(), Some("a"));
        assert_eq!(jwks.key_for(&h(Some("b"))), Err(OidcError::UnknownKey));
        assert_eq!(jwks.key_for(&h(Some("z"))), Err(OidcError::UnknownKey));
        assert!(jwks.key_for(&h(None)).is_ok(), "the only RSA key");
        let two = Jwks { keys: vec![key("a", "RSA"), key("c", "RSA")] };
        assert_eq!(two.key_for(&h(None)), Err(OidcError::UnknownKey));
    }

    const NOW: i64 = 1_800_000_000;

    fn claims(extra: Value) -> Map<String, Value> {
        let mut base = json!({"iss": "https://sso", "aud": "motcua", "sub": "u1", "exp": NOW + 300, "iat": NOW - 5, "nonce": "n1"});
        for (k, v) in extra.as_object().unwrap() {
            if v.is_null() {
                base.as_object_mut().unwrap().remove(k);
            } else {
                base[k] = v.clone();
            }
        }
        base.as_object().unwrap().clone()
    }

    fn check(extra: Value) -> Result<(), OidcError> {
        validate(&claims(extra), &Expected { issuer: "https://sso", client_id: "motcua", nonce: "n1", now: NOW })
    }

    #[test]
    fn a_good_id_token_passes() {
        assert_eq!(check(json!({})), Ok(()));
        assert_eq!(check(json!({"aud": ["motcua"]})), Ok(()));
        assert_eq!(check(json!({"aud": ["motcua", "other"], "azp": "motcua"})), Ok(()));
        // Clock differences within the leeway.
        assert_eq!(check(json!({"exp": NOW - LEEWAY + 1})), Ok(()));
        assert_eq!(check(json!({"iat": NOW + LEEWAY - 1, "nbf": NOW + 60})), Ok(()));
    }

    #[test]
    fn each_claim_failure_is_its_own_error() {
        assert_eq!(check(json!({"iss": "https://evil"})), Err(OidcError::Issuer));
        assert_eq!(check(json!({"iss": null})), Err(OidcError::Issuer));
        assert_eq!(check(json!({"aud": "other"})), Err(OidcError::Audience));
        assert_eq!(check(json!({"aud": ["other"]})), Err(OidcError::Audience));
        assert_eq!(check(json!({"aud": ["motcua", "other"]})), Err(OidcError::Audience), "several audiences need azp");
        assert_eq!(check(json!({"azp": "other"})), Err(OidcError::Audience));
        assert_eq!(check(json!({"exp": NOW - LEEWAY - 1})), Err(OidcError::Expired));
        assert_eq!(check(json!({"exp": null})), Err(OidcError::Malformed));
        assert_eq!(check(json!({"exp": "soon"})), Err(OidcError::Malformed));
        assert_eq!(check(json!({"iat": NOW + LEEWAY + 1})), Err(OidcError::NotYetValid));
        assert_eq!(check(json!({"iat": NOW - MAX_TOKEN_AGE - LEEWAY - 1})), Err(OidcError::IssuedAt));
        assert_eq!(check(json!({"nbf": NOW + LEEWAY + 1})), Err(OidcError::NotYetValid));
        assert_eq!(check(json!({"nonce": "n2"})), Err(OidcError::Nonce));
        assert_eq!(check(json!({"nonce": null})), Err(OidcError::Nonce));
        assert_eq!(check(json!({"sub": ""})), Err(OidcError::Malformed));
    }

    #[test]
    fn userinfo_must_be_about_the_same_subject() {
        let id = claims(json!({}));
        let info = json!({"sub": "u1", "HoVaTen": "A", "iss": "fake"}).as_object().unwrap().clone();
        let merged = merge_userinfo(&id, &info).unwrap();
        assert_eq!(merged["HoVaTen"], "A");
        assert_eq!(merged["iss"], "https://sso");
        let other = json!({"sub": "u2"}).as_object().unwrap().clone();
        assert_eq!(merge_userinfo(&id, &other), Err(OidcError::Subject));
    }

    #[test]
    fn every_error_has_a_distinct_code_and_both_messages() {
        let all = [
            OidcError::NotConfigured,
            OidcError::ReturnPath,
            OidcError::State,
            OidcError::ProviderDenied("x".into()),
            OidcError::MissingCode,
            OidcError::CodeRejected,
            OidcError::ProviderUnavailable,
            OidcError::Malformed,
            OidcError::Algorithm,
            OidcError::UnknownKey,
            OidcError::Signature,
            OidcError::Issuer,
            OidcError::Audience,
            OidcError::Expired,
            OidcError::NotYetValid,
            OidcError::IssuedAt,
            OidcError::Nonce,
            OidcError::Subject,
            OidcError::Identity,
            OidcError::AccountType,
        ];
        let codes: std::collections::HashSet<_> = all.iter().map(OidcError::code).collect();
        assert_eq!(codes.len(), all.len());
        for e in &all {
            assert_ne!(message(e.code()), message("?"), "{}", e.code());
            assert!(!e.message_vi().is_empty() && !e.message_en().is_empty());
        }
    }
}
