//! Zalo Notification Service (ZNS): template messages to a citizen's Zalo account found by
//! phone number, as a pure transformer (the request, the token refresh, and the meaning of a
//! reply, including which error codes a retry can cure). The HTTP calls and the token store
//! live in `functions/src/platform/zns.rs`.
//!
//! Protocol facts (developers.zalo.me "Gửi ZNS" and "Access token", zalo.cloud/zns/guidelines/
//! handle-error-code; FACTS §8): `POST {openapi}/message/template` with header `access_token`
//! and `{phone: "84…", template_id, template_data, tracking_id}`; reply `{error: 0, message,
//! data: {msg_id, sent_time}}`, an error a negative `error`. The OA's access token lives about
//! 25 hours and is renewed by a form `POST {oauth}/v4/oa/access_token` with header `secret_key`
//! and `app_id`, `grant_type=refresh_token`, `refresh_token`; the refresh token is SINGLE-USE
//! (three months): each refresh answers a new pair that must replace the old one at once.

use serde::{Deserialize, Serialize};

use super::ZnsTemplate;
use crate::citizen::Phone;
use crate::gateway::Secret;

pub const DEFAULT_OPENAPI_URL: &str = "https://business.openapi.zalo.me";
pub const DEFAULT_OAUTH_URL: &str = "https://oauth.zaloapp.com";

/// Secret and variable names.
pub mod env {
    pub const APP_ID: &str = "ZALO_APP_ID";
    /// Secret: the app's secret key (header `secret_key` of the refresh).
    pub const SECRET_KEY: &str = "ZALO_SECRET_KEY";
    /// Secret: the first refresh token (from the OA's authorization); later ones live in D1.
    pub const REFRESH_TOKEN: &str = "ZALO_REFRESH_TOKEN";
    pub const TEMPLATE_STATUS: &str = "ZALO_ZNS_TEMPLATE_STATUS";
    pub const TEMPLATE_FEE: &str = "ZALO_ZNS_TEMPLATE_FEE";
    pub const OPENAPI_URL: &str = "ZALO_OPENAPI_URL";
    pub const OAUTH_URL: &str = "ZALO_OAUTH_URL";
}

#[derive(Debug, Clone)]
pub struct ZnsConfig {
    pub app_id: String,
    pub secret_key: Secret,
    /// The refresh token the deployment starts from (used once, while D1 holds none).
    pub initial_refresh_token: Secret,
    pub template_status: String,
    pub template_fee: String,
    pub openapi_url: String,
    pub oauth_url: String,
}

impl ZnsConfig {
    pub fn template_id(&self, t: ZnsTemplate) -> &str {
        match t {
            ZnsTemplate::Status => &self.template_status,
            ZnsTemplate::Fee => &self.template_fee,
        }
    }
    pub fn send_url(&self) -> String {
        format!("{}/message/template", self.openapi_url.trim_end_matches('/'))
    }
    pub fn refresh_url(&self) -> String {
        format!("{}/v4/oa/access_token", self.oauth_url.trim_end_matches('/'))
    }
}

/// `0912345678` → `84912345678`, the form ZNS takes.
pub fn phone_84(phone: &Phone) -> String {
    format!("84{}", &phone.as_str()[1..])
}

/// The tracking id of a message: our outbox id, letters and digits only, at most 48.
pub fn tracking_id(message_id: &str) -> String {
    message_id.chars().filter(|c| c.is_ascii_alphanumeric()).take(48).collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendRequest {
    pub phone: String,
    pub template_id: String,
    pub template_data: serde_json::Map<String, serde_json::Value>,
    pub tracking_id: String,
}

pub fn send_request(phone: &Phone, template_id: &str, data: serde_json::Map<String, serde_json::Value>, message_id: &str) -> SendRequest {
    SendRequest { phone: phone_84(phone), template_id: template_id.to_string(), template_data: data, tracking_id: tracking_id(message_id) }
}

/// The form fields of a refresh (the `secret_key` goes in a header).
pub fn refresh_form(config: &ZnsConfig, refresh_token: &str) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    format!("refresh_token={}&app_id={}&grant_type=refresh_token", enc(refresh_token), enc(&config.app_id))
}

/// A new token pair: store both at once, the old refresh token is spent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: i64,
}

/// Reads a refresh reply (`expires_in` comes as a string); `Err` is the provider's reason.
pub fn parse_refresh(body: &str) -> Result<TokenPair, String> {
    let v: serde_json::Value = serde_json::from_str(body).map_err(|_| cut(body))?;
    let s = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
    let expires_in = match v.get("expires_in") {
        Some(serde_json::Value::String(s)) => s.parse().unwrap_or(0),
        Some(serde_json::Value::Number(n)) => n.as_i64().unwrap_or(0),
        _ => 0,
    };
    let (access_token, refresh_token) = (s("access_token"), s("refresh_token"));
    if access_token.is_empty() || refresh_token.is_empty() {
        let reason = [s("error_name"), s("error_description"), v.get("error").map(|e| e.to_string()).unwrap_or_default()]
            .into_iter()
            .filter(|x| !x.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        return Err(if reason.is_empty() { cut(body) } else { reason });
    }
    Ok(TokenPair { access_token, refresh_token, expires_in })
}

/// A token is renewed this long before it expires.
pub const REFRESH_MARGIN_SECONDS: i64 = 300;

/// What a send came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Accepted { msg_id: String },
    /// The access token is invalid or expired (-124): refresh, then send again.
    TokenInvalid,
    /// A retry later may deliver it.
    Transient { code: i64, reason: String },
    /// No retry will: dead letter.
    Permanent { code: i64, reason: String },
}

/// The access token was refused.
pub const ERROR_ACCESS_TOKEN: i64 = -124;

/// Whether a retry can cure ZNS error `code`. Codes from zalo.cloud's error table (FACTS §8);
/// those marked [A] are from the same table as resellers reproduce it, not checked against the
/// current page. An unknown code is transient: retried, and dead-lettered after the retries.
pub fn is_transient(code: i64) -> bool {
    match code {
        -100 => true,        // unknown exception at Zalo
        -105..=-101 => false, // app id invalid / missing, app inactive, bad secret, no OA linked: configuration
        -108 => false,       // phone number invalid
        -109 => false,       // template id invalid
        -111 => false,       // template data empty
        -112 => false,       // template data invalid [A]
        -114 => false,       // user inactive, blocked or refuses ZNS [A]
        -115 => true,        // out of quota (the OA's monthly ZNS quota) [A]
        -118 => false,       // Zalo account does not exist [A]
        -119 => false,       // account cannot receive ZNS [A]
        -131 => false,       // template not approved for this OA [A]
        -133 => true,        // not sent at night (22h–6h) [A]
        -139 => false,       // user refused this kind of ZNS [A]
        -144 => true,        // daily quota exceeded [A]
        _ => true,
    }
}

pub fn outcome(http_status: u16, body: &str) -> Outcome {
    let v: serde_json::Value = match serde_json::from_str(body) {
        Ok(v) => v,
        Err(_) => return Outcome::Transient { code: -(http_status as i64), reason: cut(body) },
    };
    let code = v.get("error").and_then(|e| e.as_i64());
    let reason = v.get("message").and_then(|m| m.as_str()).unwrap_or("").to_string();
    match code {
        Some(0) => Outcome::Accepted { msg_id: v["data"]["msg_id"].as_str().unwrap_or("").to_string() },
        Some(ERROR_ACCESS_TOKEN) => Outcome::TokenInvalid,
        Some(c) if is_transient(c) => Outcome::Transient { code: c, reason },
        Some(c) => Outcome::Permanent { code: c, reason },
        None => Outcome::Transient { code: -(http_status as i64), reason: cut(body) },
    }
}

fn cut(s: &str) -> String {
    s.chars().take(200).collect()
}

/// The provider's side, for the local development sandbox (`/sandbox/zalo/...`).
pub mod sandbox {
    use super::*;

    pub fn error(code: i64, message: &str) -> String {
        serde_json::json!({"error": code, "message": message}).to_string()
    }

    /// A send as Zalo checks it, once the access token was looked up (`token_ok`); `known`
    /// lists the template ids the OA registered.
    pub fn check_send(token_ok: bool, req: &SendRequest, known: &[&str], msg_id: &str) -> String {
        if !token_ok {
            return error(ERROR_ACCESS_TOKEN, "Access token is invalid");
        }
        let phone_ok = req.phone.len() == 11 && req.phone.starts_with("84") && req.phone.bytes().all(|b| b.is_ascii_digit());
        if !phone_ok {
            return error(-108, "Phone number is invalid");
        }
        if !known.contains(&req.template_id.as_str()) {
            return error(-109, "Template ID is invalid");
        }
        if req.template_data.is_empty() {
            return error(-111, "Template data is empty");
        }
        if req.tracking_id.len() > 48 {
            return error(-112, "Tracking id is invalid");
        }
        serde_json::json!({"error": 0, "message": "Success", "data": {"msg_id": msg_id, "sent_time": "0"}}).to_string()
    }

    /// The answer to a refresh that was accepted.
    pub fn token_reply(pair: &TokenPair) -> String {
        serde_json::json!({"access_token": pair.access_token, "refresh_token": pair.refresh_token, "expires_in": pair.expires_in.to_string()}).to_string()
    }

    pub fn refresh_refused() -> String {
        serde_json::json!({"error": -14014, "error_name": "Invalid refresh token", "error_description": "Refresh token is invalid or used"}).to_string()
    }

    /// Reads the form of a refresh.
    pub fn parse_form(body: &str) -> std::collections::HashMap<String, String> {
        body.split('&')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_string(), decode(v)))
            .collect()
    }

    fn decode(s: &str) -> String {
        let b = s.as_bytes();
        let mut out = Vec::with_capacity(b.len());
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'%' if i + 2 < b.len() => {
                    let hex = std::str::from_utf8(&b[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok());
                    match hex {
                        Some(v) => {
                            out.push(v);
                            i += 3;
                            continue;
                        }
                        None => out.push(b'%'),
                    }
                }
                b'+' => out.push(b' '),
                c => out.push(c),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> ZnsConfig {
        ZnsConfig {
            app_id: "1234567890".into(),
            secret_key: Secret::new("S3CR3T"),
            initial_refresh_token: Secret::new("RT0"),
            template_status: "301001".into(),
            template_fee: "301002".into(),
            openapi_url: DEFAULT_OPENAPI_URL.into(),
            oauth_url: DEFAULT_OAUTH_URL.into(),
        }
    }

    #[test]
    fn phones_go_in_the_84_form() {
        for input in ["0912345678", "+84 912 345 678", "84912345678", "0912.345.678"] {
            assert_eq!(phone_84(&Phone::parse("p", input).unwrap()), "84912345678", "{input}");
        }
    }

    #[test]
    fn the_send_is_zalos_golden_body() {
        let mut data = serde_json::Map::new();
        data.insert("so_tien".into(), "1.250.000 đ".into());
        let req = send_request(&Phone::parse("p", "0987654321").unwrap(), config().template_id(ZnsTemplate::Fee), data, "a1b2-c3_d4");
        assert_eq!(
            serde_json::to_value(&req).unwrap(),
            serde_json::json!({"phone": "84987654321", "template_id": "301002", "template_data": {"so_tien": "1.250.000 đ"}, "tracking_id": "a1b2c3d4"})
        );
        assert_eq!(config().send_url(), "https://business.openapi.zalo.me/message/template");
        assert_eq!(config().refresh_url(), "https://oauth.zaloapp.com/v4/oa/access_token");
        assert_eq!(tracking_id(&"x".repeat(60)).len(), 48);
    }

    #[test]
    fn the_refresh_is_a_form_and_its_reply_a_new_pair() {
        assert_eq!(refresh_form(&config(), "a b+c"), "refresh_token=a%20b%2Bc&app_id=1234567890&grant_type=refresh_token");
        let form = sandbox::parse_form(&refresh_form(&config(), "a b+c/="));
        assert_eq!(form["refresh_token"], "a b+c/=");
        assert_eq!(form["grant_type"], "refresh_token");
        assert_eq!(
            parse_refresh(r#"{"access_token":"AT1","refresh_token":"RT1","expires_in":"90000"}"#),
            Ok(TokenPair { access_token: "AT1".into(), refresh_token: "RT1".into(), expires_in: 90000 })
        );
        assert!(parse_refresh(&sandbox::refresh_refused()).unwrap_err().contains("Invalid refresh token"));
        assert!(!format!("{:?}", config()).contains("S3CR3T") && !format!("{:?}", config()).contains("RT0"));
    }

    #[test]
    fn error_codes_are_transient_or_permanent() {
        assert_eq!(outcome(200, r#"{"error":0,"message":"Success","data":{"msg_id":"a3f0","sent_time":"1"}}"#), Outcome::Accepted { msg_id: "a3f0".into() });
        assert_eq!(outcome(200, r#"{"error":-124,"message":"Access token is invalid"}"#), Outcome::TokenInvalid);
        for code in [-100, -115, -133, -144, -999] {
            assert!(matches!(outcome(200, &sandbox::error(code, "x")), Outcome::Transient { code: c, .. } if c == code), "{code}");
        }
        for code in [-101, -102, -103, -104, -105, -108, -109, -111, -118, -139] {
            assert!(matches!(outcome(200, &sandbox::error(code, "x")), Outcome::Permanent { code: c, .. } if c == code), "{code}");
        }
        assert!(matches!(outcome(502, "<html>"), Outcome::Transient { .. }));
    }

    #[test]
    fn the_sandbox_checks_token_phone_template_and_data() {
        let mut data = serde_json::Map::new();
        data.insert("ma".into(), "X".into());
        let good = send_request(&Phone::parse("p", "0987654321").unwrap(), "301002", data.clone(), "m1");
        let known = ["301001", "301002"];
        assert!(matches!(outcome(200, &sandbox::check_send(true, &good, &known, "z1")), Outcome::Accepted { .. }));
        assert_eq!(outcome(200, &sandbox::check_send(false, &good, &known, "z1")), Outcome::TokenInvalid);
        let mut bad = good.clone();
        bad.phone = "0987654321".into();
        assert!(matches!(outcome(200, &sandbox::check_send(true, &bad, &known, "z")), Outcome::Permanent { code: -108, .. }));
        let mut bad = good.clone();
        bad.template_id = "9".into();
        assert!(matches!(outcome(200, &sandbox::check_send(true, &bad, &known, "z")), Outcome::Permanent { code: -109, .. }));
        let mut bad = good;
        bad.template_data.clear();
        assert!(matches!(outcome(200, &sandbox::check_send(true, &bad, &known, "z")), Outcome::Permanent { code: -111, .. }));
    }
}
