//! E-mail through Resend's HTTP API, as a pure transformer: the request of `POST /emails` and
//! the meaning of its reply. The HTTP call lives in `functions/src/platform/email.rs`.
//!
//! Protocol facts (resend.com/docs/api-reference/emails/send-email and
//! /api-reference/errors; FACTS §9): `Authorization: Bearer <key>`, JSON
//! `{from, to: [..], subject, html, text}`, an `Idempotency-Key` header (at most 256
//! characters) that makes a repeated request within 24 hours answer the first result without
//! sending again; `200 {"id"}` on success, errors as `{"statusCode", "name", "message"}`.

use serde::{Deserialize, Serialize};

use super::EmailContent;
use crate::gateway::Secret;

pub const DEFAULT_URL: &str = "https://api.resend.com";

/// Secret and variable names.
pub mod env {
    /// Secret: the API key (`re_...`).
    pub const API_KEY: &str = "RESEND_API_KEY";
    /// The sender, on a domain verified at the provider: `Cổng dịch vụ công <thongbao@...>`.
    pub const FROM: &str = "EMAIL_FROM";
    /// The API's base address (unset: the provider's).
    pub const URL: &str = "RESEND_URL";
}

#[derive(Debug, Clone)]
pub struct EmailConfig {
    pub api_key: Secret,
    pub from: String,
    /// Base address; the send is `{url}/emails`.
    pub url: String,
}

impl EmailConfig {
    pub fn send_url(&self) -> String {
        format!("{}/emails", self.url.trim_end_matches('/'))
    }

    pub fn authorization(&self) -> String {
        format!("Bearer {}", self.api_key.expose())
    }
}

/// The body of `POST /emails`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendRequest {
    pub from: String,
    pub to: Vec<String>,
    pub subject: String,
    pub html: String,
    pub text: String,
}

/// The body to send `content` to `to`.
pub fn send_request(config: &EmailConfig, to: &str, content: &EmailContent) -> SendRequest {
    SendRequest {
        from: config.from.clone(),
        to: vec![to.to_string()],
        subject: content.subject.clone(),
        html: content.html.clone(),
        text: content.text.clone(),
    }
}

/// The `Idempotency-Key` of a message: our outbox id (the same on every retry), within the
/// provider's 256 characters.
pub fn idempotency_key(message_id: &str) -> String {
    format!("motcua-{}", message_id.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').take(200).collect::<String>())
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorReply {
    #[serde(rename = "statusCode", default)]
    pub status_code: u16,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub message: String,
}

/// What a send came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Accepted { id: String },
    /// Try again later: rate limit or daily quota (429), a concurrent request with the same
    /// idempotency key (409 `concurrent_idempotent_requests`), the provider's own failure (5xx),
    /// or a reply we cannot read.
    Transient { code: String, reason: String },
    /// No retry will deliver it: the message or the address is refused (400, 422), or the
    /// account is (401, 403: a key or a sender domain an operator must fix; the message waits
    /// in the dead letters to be sent again by hand).
    Permanent { code: String, reason: String },
}

pub fn outcome(http_status: u16, body: &str) -> Outcome {
    #[derive(Deserialize)]
    struct Ok {
        id: String,
    }
    if (200..300).contains(&http_status) {
        return match serde_json::from_str::<Ok>(body) {
            Result::Ok(r) => Outcome::Accepted { id: r.id },
            Err(_) => Outcome::Transient { code: format!("http {http_status}"), reason: cut(body) },
        };
    }
    let err: ErrorReply = serde_json::from_str(body).unwrap_or_default();
    let code = if err.name.is_empty() { format!("http {http_status}") } else { err.name.clone() };
    let reason = if err.message.is_empty() { cut(body) } else { err.message };
    match http_status {
        409 if code == "concurrent_idempotent_requests" => Outcome::Transient { code, reason },
        400 | 401 | 403 | 404 | 409 | 422 => Outcome::Permanent { code, reason },
        _ => Outcome::Transient { code, reason },
    }
}

fn cut(s: &str) -> String {
    s.chars().take(200).collect()
}

/// The provider's side, for the local development sandbox (`/sandbox/resend/emails`).
pub mod sandbox {
    use super::*;

    /// Recipients the sandbox refuses, to test the outbox: the first attempt of each message
    /// to `tam-thoi@…` is rate-limited (429), every message to `tu-choi@…` invalid (422).
    pub const TRANSIENT_LOCAL_PART: &str = "tam-thoi";
    pub const PERMANENT_LOCAL_PART: &str = "tu-choi";

    /// The reply to a send: `(status, body)`. `first_attempt`: this idempotency key was not seen.
    pub fn check(expected_key: &str, authorization: &str, req: &SendRequest, first_attempt: bool, id: &str) -> (u16, String) {
        use subtle::ConstantTimeEq;
        let refuse = |status: u16, name: &str, message: &str| {
            (status, serde_json::json!({"statusCode": status, "name": name, "message": message}).to_string())
        };
        let given = authorization.strip_prefix("Bearer ").unwrap_or("");
        if given.is_empty() {
            return refuse(401, "missing_api_key", "Missing API key in the authorization header.");
        }
        if !(given.len() == expected_key.len() && bool::from(given.as_bytes().ct_eq(expected_key.as_bytes()))) {
            return refuse(403, "invalid_api_key", "API key is invalid.");
        }
        if req.from.is_empty() || req.subject.is_empty() || (req.html.is_empty() && req.text.is_empty()) {
            return refuse(422, "missing_required_field", "The `from`, `subject` and a body are required.");
        }
        let Some(to) = req.to.first().filter(|_| req.to.len() <= 50) else {
            return refuse(422, "validation_error", "The `to` field must have 1 to 50 addresses.");
        };
        if crate::citizen::Email::parse("to", to).is_err() {
            return refuse(422, "validation_error", "Invalid `to` field.");
        }
        let local = to.split('@').next().unwrap_or("");
        if local == PERMANENT_LOCAL_PART {
            return refuse(422, "validation_error", "Invalid `to` field: the address does not accept mail.");
        }
        if local == TRANSIENT_LOCAL_PART && first_attempt {
            return refuse(429, "rate_limit_exceeded", "Too many requests. You can only make 2 requests per second.");
        }
        (200, serde_json::json!({"id": id}).to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> EmailConfig {
        EmailConfig { api_key: Secret::new("re_123"), from: "Cổng dịch vụ công <thongbao@dichvucong.example.vn>".into(), url: DEFAULT_URL.into() }
    }

    #[test]
    fn the_request_is_resends_golden_body() {
        let content = EmailContent { subject: "Chủ đề".into(), text: "Nội dung".into(), html: "<p>Nội dung</p>".into() };
        let body = serde_json::to_value(send_request(&config(), "an@example.vn", &content)).unwrap();
        assert_eq!(
            body,
            serde_json::json!({
                "from": "Cổng dịch vụ công <thongbao@dichvucong.example.vn>",
                "to": ["an@example.vn"],
                "subject": "Chủ đề",
                "html": "<p>Nội dung</p>",
                "text": "Nội dung"
            })
        );
        assert_eq!(config().send_url(), "https://api.resend.com/emails");
        assert_eq!(config().authorization(), "Bearer re_123");
        assert_eq!(idempotency_key("ab12-cd/ef"), "motcua-ab12-cdef");
        assert!(!format!("{:?}", config()).contains("re_123"));
    }

    #[test]
    fn replies_are_transient_or_permanent() {
        assert_eq!(outcome(200, r#"{"id":"49a3999c-0ce1-4ea6-ab68-afcd6dc2e794"}"#), Outcome::Accepted { id: "49a3999c-0ce1-4ea6-ab68-afcd6dc2e794".into() });
        let t = |s, b: &str| matches!(outcome(s, b), Outcome::Transient { .. });
        let p = |s, b: &str| matches!(outcome(s, b), Outcome::Permanent { .. });
        assert!(t(429, r#"{"statusCode":429,"name":"rate_limit_exceeded","message":"Too many requests"}"#));
        assert!(t(429, r#"{"statusCode":429,"name":"daily_quota_exceeded","message":"quota"}"#));
        assert!(t(500, r#"{"statusCode":500,"name":"application_error","message":"x"}"#));
        assert!(t(502, "<html>bad gateway</html>"));
        assert!(t(409, r#"{"statusCode":409,"name":"concurrent_idempotent_requests","message":"x"}"#));
        assert!(p(409, r#"{"statusCode":409,"name":"invalid_idempotent_request","message":"x"}"#));
        assert!(p(422, r#"{"statusCode":422,"name":"validation_error","message":"Invalid `to` field."}"#));
        assert!(p(403, r#"{"statusCode":403,"name":"invalid_api_key","message":"x"}"#));
        assert_eq!(
            outcome(422, r#"{"statusCode":422,"name":"validation_error","message":"Invalid `to` field."}"#),
            Outcome::Permanent { code: "validation_error".into(), reason: "Invalid `to` field.".into() }
        );
    }

    #[test]
    fn the_sandbox_refuses_as_resend_does() {
        let content = EmailContent { subject: "S".into(), text: "T".into(), html: "<p>T</p>".into() };
        let req = |to: &str| send_request(&config(), to, &content);
        assert_eq!(sandbox::check("re_123", "Bearer re_123", &req("an@example.vn"), true, "id1").0, 200);
        assert_eq!(sandbox::check("re_123", "Bearer re_999", &req("an@example.vn"), true, "id1").0, 403);
        assert_eq!(sandbox::check("re_123", "", &req("an@example.vn"), true, "id1").0, 401);
        assert_eq!(sandbox::check("re_123", "Bearer re_123", &req("not-an-address"), true, "id1").0, 422);
        assert_eq!(sandbox::check("re_123", "Bearer re_123", &req("tu-choi@example.vn"), false, "id1").0, 422);
        assert_eq!(sandbox::check("re_123", "Bearer re_123", &req("tam-thoi@example.vn"), true, "id1").0, 429);
        assert_eq!(sandbox::check("re_123", "Bearer re_123", &req("tam-thoi@example.vn"), false, "id1").0, 200);
        let (status, body) = sandbox::check("re_123", "Bearer re_123", &req("tam-thoi@example.vn"), true, "id1");
        assert!(matches!(outcome(status, &body), Outcome::Transient { .. }));
    }
}
