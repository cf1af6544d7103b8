//! Text messages through eSMS.vn, a Vietnamese brandname SMS provider, as a pure transformer: the
//! request body of its "customer care" send (SmsType 2, the type OTP and status messages must
//! use) and the meaning of its reply. The HTTP call lives in `functions/`.
//!
//! Protocol facts (field names, SmsType, IsUnicode/Sandbox as strings, reply codes) are from
//! eSMS's published API documentation, "Send OTP/Customer care message"
//! (`POST https://rest.esms.vn/MainService.svc/json/SendMultipleMessage_V4_post_json/`) and its
//! "Table of error codes" (github.com/devesms/gitbook_esms_for_develop_v2_en).
//!
//! As with the payment gateways, [`sandbox`] is the provider's side of the same protocol, so the
//! local development outbox is reached through exactly the request a real deployment sends.

use serde::{Deserialize, Serialize};

use crate::gateway::Secret;

/// The provider's published address of the send call.
pub const DEFAULT_URL: &str = "https://rest.esms.vn/MainService.svc/json/SendMultipleMessage_V4_post_json/";

/// Secret and variable names (Worker secrets for the keys).
pub mod env {
    pub const API_KEY: &str = "ESMS_API_KEY";
    pub const SECRET_KEY: &str = "ESMS_SECRET_KEY";
    pub const BRANDNAME: &str = "ESMS_BRANDNAME";
    pub const URL: &str = "ESMS_URL";
    /// "1" (default): send Vietnamese with its diacritics; "0": send it unaccented, as brandname
    /// templates registered without diacritics require (cheaper: 160 characters a part, not 70).
    pub const UNICODE: &str = "ESMS_UNICODE";
}

#[derive(Debug, Clone)]
pub struct EsmsConfig {
    pub api_key: String,
    pub secret_key: Secret,
    /// The registered sender name shown on the phone.
    pub brandname: String,
    pub url: String,
    pub unicode: bool,
}

/// The JSON body of a customer-care send, fields named as the provider names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendRequest {
    #[serde(rename = "ApiKey")]
    pub api_key: String,
    #[serde(rename = "Content")]
    pub content: String,
    #[serde(rename = "Phone")]
    pub phone: String,
    #[serde(rename = "SecretKey")]
    pub secret_key: String,
    #[serde(rename = "Brandname")]
    pub brandname: String,
    #[serde(rename = "SmsType")]
    pub sms_type: String,
    #[serde(rename = "IsUnicode", default)]
    pub is_unicode: String,
    #[serde(rename = "Sandbox", default)]
    pub sandbox: String,
    /// The provider refuses a RequestId it has seen (code 124), which makes a retried delivery
    /// from the outbox queue send nothing twice.
    #[serde(rename = "RequestId", default)]
    pub request_id: String,
}

/// The customer-care type: OTP and notices (type 1 is advertising, refused for single sends).
pub const SMS_TYPE_CUSTOMER_CARE: &str = "2";

/// The body to send `text` to `phone` (`0xxxxxxxxx`), identified by `request_id`.
pub fn send_request(config: &EsmsConfig, phone: &str, text: &str, request_id: &str) -> SendRequest {
    SendRequest {
        api_key: config.api_key.clone(),
        content: if config.unicode { text.to_string() } else { crate::text::unaccent(text) },
        phone: phone.to_string(),
        secret_key: config.secret_key.expose().to_string(),
        brandname: config.brandname.clone(),
        sms_type: SMS_TYPE_CUSTOMER_CARE.to_string(),
        is_unicode: if config.unicode { "1" } else { "0" }.to_string(),
        sandbox: "0".to_string(),
        request_id: request_id.to_string(),
    }
}

/// The provider's reply.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendReply {
    #[serde(rename = "CodeResult", default)]
    pub code_result: String,
    #[serde(rename = "CountRegenerate", default)]
    pub count_regenerate: i64,
    #[serde(rename = "SMSID", default, skip_serializing_if = "Option::is_none")]
    pub sms_id: Option<String>,
    #[serde(rename = "ErrorMessage", default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
}

pub const CODE_ACCEPTED: &str = "100";
pub const CODE_AUTH_FAILED: &str = "101";
pub const CODE_BRANDNAME_UNKNOWN: &str = "104";
pub const CODE_BAD_PHONE: &str = "108";
pub const CODE_DUPLICATE_REQUEST: &str = "124";
pub const CODE_MISSING_TYPE: &str = "300";
/// Also answered as `{"error": "Invalid request"}` without a CodeResult.
pub const CODE_BLOCKED_OR_INVALID: &str = "99";

/// What a delivery attempt came to, and so what the outbox does with the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Accepted for delivery (the provider's id of the message).
    Accepted { sms_id: String },
    /// This RequestId was accepted before: an earlier attempt went through, nothing to do.
    AlreadySent,
    /// Refused for a reason a retry cannot change (a malformed or blocked number).
    Undeliverable { code: String, reason: String },
    /// Refused for a reason that an operator can fix (credentials, balance, brandname, template,
    /// IP whitelist) or an unknown one: the message is retried and, in the end, kept in the
    /// dead-letter queue, never dropped.
    Retry { code: String, reason: String },
}

/// Reads the reply of a send (HTTP status and body).
pub fn outcome(http_status: u16, body: &str) -> Outcome {
    let reply: SendReply = match serde_json::from_str(body) {
        Ok(r) => r,
        Err(_) => return Outcome::Retry { code: format!("http {http_status}"), reason: truncate(body) },
    };
    let reason = reply.error_message.clone().unwrap_or_default();
    match reply.code_result.as_str() {
        CODE_ACCEPTED => Outcome::Accepted { sms_id: reply.sms_id.unwrap_or_default() },
        CODE_DUPLICATE_REQUEST => Outcome::AlreadySent,
        code @ (CODE_BAD_PHONE | CODE_BLOCKED_OR_INVALID) => Outcome::Undeliverable { code: code.to_string(), reason },
        "" => Outcome::Retry { code: format!("http {http_status}"), reason: truncate(body) },
        code => Outcome::Retry { code: code.to_string(), reason },
    }
}

fn truncate(body: &str) -> String {
    body.chars().take(200).collect()
}

/// The provider's side, for the local development sandbox.
pub mod sandbox {
    use super::*;

    /// What the sandbox checks a request against (the "account" it was given).
    pub struct Account<'a> {
        pub api_key: &'a str,
        pub secret_key: &'a str,
        pub brandname: &'a str,
    }

    /// Checks a send as the provider does, in its order; `seen` says whether the RequestId was
    /// accepted before. Answers the reply the provider would give; only `Accepted` is delivered.
    pub fn check(account: &Account, req: &SendRequest, seen: bool, sms_id: &str) -> SendReply {
        let refuse = |code: &str, message: &str| SendReply {
            code_result: code.to_string(),
            error_message: Some(message.to_string()),
            ..SendReply::default()
        };
        use subtle::ConstantTimeEq;
        let same = |a: &str, b: &str| a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()));
        let keys_match = same(&req.api_key, account.api_key) & same(&req.secret_key, account.secret_key);
        if !keys_match {
            return refuse(CODE_AUTH_FAILED, "Authorize Failed");
        }
        if req.sms_type.is_empty() {
            return refuse(CODE_MISSING_TYPE, "Missing message type");
        }
        if req.brandname != account.brandname {
            return refuse(CODE_BRANDNAME_UNKNOWN, "Brand name code is not exist");
        }
        if crate::citizen::Phone::parse("Phone", &req.phone).is_err() {
            return refuse(CODE_BAD_PHONE, "Phone number is not in correct format");
        }
        if seen {
            return refuse(CODE_DUPLICATE_REQUEST, "Request exist 1");
        }
        SendReply { code_result: CODE_ACCEPTED.to_string(), sms_id: Some(sms_id.to_string()), ..SendReply::default() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(unicode: bool) -> EsmsConfig {
        EsmsConfig {
            api_key: "KEY".into(),
            secret_key: Secret::new("SECRET"),
            brandname: "MOTCUA".into(),
            url: DEFAULT_URL.into(),
            unicode,
        }
    }

    const OTP: &str = "Mã xác thực Dịch vụ công của bạn là 123456, hiệu lực 5 phút.";

    #[test]
    fn the_body_uses_the_providers_field_names_and_string_flags() {
        let body = serde_json::to_value(send_request(&config(true), "0912345678", OTP, "req-1")).unwrap();
        assert_eq!(
            body,
            serde_json::json!({
                "ApiKey": "KEY", "Content": OTP, "Phone": "0912345678", "SecretKey": "SECRET",
                "Brandname": "MOTCUA", "SmsType": "2", "IsUnicode": "1", "Sandbox": "0", "RequestId": "req-1"
            })
        );
    }

    #[test]
    fn without_unicode_the_text_goes_unaccented_keeping_case() {
        let req = send_request(&config(false), "0912345678", OTP, "r");
        assert_eq!(req.content, "Ma xac thuc Dich vu cong cua ban la 123456, hieu luc 5 phut.");
        assert_eq!(req.is_unicode, "0");
    }

    #[test]
    fn replies_are_read_by_their_code() {
        assert_eq!(
            outcome(200, r#"{"CodeResult":"100","CountRegenerate":0,"SMSID":"d533459ee42b2b9525ba9eabf6a8156"}"#),
            Outcome::Accepted { sms_id: "d533459ee42b2b9525ba9eabf6a8156".into() }
        );
        assert_eq!(outcome(200, r#"{"CodeResult":"124","CountRegenerate":0,"ErrorMessage":"Request exist 1","SendStatus":"5"}"#), Outcome::AlreadySent);
        assert_eq!(
            outcome(200, r#"{"CodeResult":"101","CountRegenerate":0,"ErrorMessage":"Authorize Failed"}"#),
            Outcome::Retry { code: "101".into(), reason: "Authorize Failed".into() }
        );
        assert!(matches!(outcome(200, r#"{"CodeResult":"108","ErrorMessage":"x"}"#), Outcome::Undeliverable { .. }));
        assert!(matches!(outcome(200, r#"{"error":"Invalid request"}"#), Outcome::Retry { .. }));
        assert!(matches!(outcome(502, "<html>Bad gateway</html>"), Outcome::Retry { code, .. } if code == "http 502"));
    }

    #[test]
    fn the_sandbox_checks_keys_brandname_phone_and_duplicates_in_order() {
        let account = sandbox::Account { api_key: "KEY", secret_key: "SECRET", brandname: "MOTCUA" };
        let good = send_request(&config(true), "0912345678", OTP, "r");
        assert_eq!(sandbox::check(&account, &good, false, "id1").code_result, CODE_ACCEPTED);
        assert_eq!(sandbox::check(&account, &good, true, "id1").code_result, CODE_DUPLICATE_REQUEST);
        let mut wrong_secret = good.clone();
        wrong_secret.secret_key = "SECRET2".into();
        assert_eq!(sandbox::check(&account, &wrong_secret, false, "x").code_result, CODE_AUTH_FAILED);
        let mut wrong_brand = good.clone();
        wrong_brand.brandname = "OTHER".into();
        assert_eq!(sandbox::check(&account, &wrong_brand, false, "x").code_result, CODE_BRANDNAME_UNKNOWN);
        let mut bad_phone = good.clone();
        bad_phone.phone = "12345".into();
        assert_eq!(sandbox::check(&account, &bad_phone, false, "x").code_result, CODE_BAD_PHONE);
    }

    #[test]
    fn the_secret_key_is_not_shown_in_debug_output_of_the_config() {
        assert!(!format!("{:?}", config(true)).contains("SECRET"));
    }
}
