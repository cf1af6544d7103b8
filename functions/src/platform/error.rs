//! The API's errors and their single mapping to HTTP. The body is always
//! `{"error": {"code", "message", "message_vi", "field"}}`; internal causes are logged, never sent.

use motcua_domain::api::{ErrorBody, ErrorDetail};
use motcua_domain::validation::FieldError;
use worker::Response;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("invalid input: {0}")]
    Invalid(#[from] FieldError),
    /// A request body over the route's cap (413), told from `Content-Length` before reading
    /// and from the bytes read.
    #[error("request body over {limit} bytes")]
    PayloadTooLarge { limit: u64 },
    #[error("no such route")]
    RouteNotFound,
    /// A record that does not exist, or that the caller may not see (both answer 404).
    #[error("{what} not found")]
    NotFound { what: &'static str, field: Option<&'static str> },
    /// The request is well formed but the record's state does not allow it (a domain rule).
    #[error("{code}: {message}")]
    Conflict { code: String, message: String, message_vi: String, field: Option<String> },
    /// Someone else changed the record between our read and our write (a lost race): 409
    /// `conflict`, with the record's current status beside the envelope.
    #[error("{what} changed meanwhile; now {current}")]
    Stale { what: &'static str, current: String, label_vi: String, label_en: String },
    /// The request is understood but refused for who or where it comes from (403): an embed
    /// page asked for a portal that is not on the agency's list.
    #[error("forbidden {code}")]
    Forbidden { code: &'static str, message: &'static str, message_vi: &'static str, field: Option<&'static str> },
    /// No valid session for a route that needs one.
    #[error("not logged in")]
    Unauthorized,
    /// A limit was hit (429); `Retry-After` tells when to come back.
    #[error("too many requests at {field}: {code}")]
    TooManyRequests { field: &'static str, code: &'static str, retry_after_seconds: i64, message_vi: String, message_en: String },
    /// A number or account temporarily locked (423); `Retry-After` tells when it unlocks.
    #[error("locked at {field}")]
    Locked { field: &'static str, retry_after_seconds: i64, message_vi: String, message_en: String },
    /// A file of rows (a CSV import) with bad rows: 400 with every error by line and field in
    /// `errors`, beside the usual envelope.
    #[error("{} invalid rows", .0.len())]
    InvalidRows(Vec<motcua_domain::dashboard::RowError>),
    /// An outside service we depend on did not answer (a payment provider is down): 503, with
    /// what the person can do instead.
    #[error("unavailable {code}")]
    Unavailable { code: &'static str, message: String, message_vi: String },
    /// A feature this deployment does not offer (404 with its own code): the national log-in
    /// when it is not configured.
    #[error("feature off: {code}")]
    FeatureOff { code: &'static str, message: String, message_vi: String },
    #[error("unexpected: {0}")]
    Unexpected(String),
}

impl From<motcua_domain::oidc::OidcError> for ApiError {
    fn from(e: motcua_domain::oidc::OidcError) -> Self {
        if e.status() == 404 {
            return ApiError::FeatureOff { code: e.code(), message: e.message_en(), message_vi: e.message_vi() };
        }
        ApiError::Invalid(FieldError::new(e.field(), e.code(), e.message_vi(), e.message_en()))
    }
}

impl From<motcua_domain::auth::AuthError> for ApiError {
    fn from(e: motcua_domain::auth::AuthError) -> Self {
        use motcua_domain::auth::AuthErrorKind;
        let retry_after_seconds = e.retry_after().unwrap_or(60);
        match e.kind() {
            AuthErrorKind::Invalid => ApiError::Invalid(FieldError::new(e.field(), e.code(), e.message_vi(), e.message_en())),
            AuthErrorKind::TooManyRequests => ApiError::TooManyRequests {
                field: e.field(),
                code: e.code(),
                retry_after_seconds,
                message_vi: e.message_vi(),
                message_en: e.message_en(),
            },
            AuthErrorKind::Locked => ApiError::Locked {
                field: e.field(),
                retry_after_seconds,
                message_vi: e.message_vi(),
                message_en: e.message_en(),
            },
        }
    }
}

impl From<worker::Error> for ApiError {
    fn from(e: worker::Error) -> Self {
        ApiError::Unexpected(e.to_string())
    }
}

impl ApiError {
    fn status_and_detail(&self) -> (u16, ErrorDetail) {
        match self {
            ApiError::Invalid(fe) => (
                400,
                ErrorDetail {
                    code: fe.code.clone(),
                    message: fe.message_en.clone(),
                    message_vi: Some(fe.message_vi.clone()),
                    field: Some(fe.field.clone()),
                },
            ),
            ApiError::PayloadTooLarge { limit } => (
                413,
                ErrorDetail {
                    code: "payload_too_large".into(),
                    message: format!("The request body is larger than {} KB.", limit / 1024),
                    message_vi: Some(format!("Dữ liệu gửi lên quá lớn (tối đa {} KB).", limit / 1024)),
                    field: Some("body".into()),
                },
            ),
            ApiError::RouteNotFound => (
                404,
                ErrorDetail {
                    code: "route_not_found".into(),
                    message: "No such API route.".into(),
                    message_vi: Some("Không tìm thấy địa chỉ yêu cầu.".into()),
                    field: None,
                },
            ),
            ApiError::NotFound { what, field } => (
                404,
                ErrorDetail {
                    code: "not_found".into(),
                    message: format!("The {what} was not found."),
                    message_vi: Some(format!("Không tìm thấy {}.", what_vi(what))),
                    field: field.map(str::to_string),
                },
            ),
            ApiError::Conflict { code, message, message_vi, field } => (
                409,
                ErrorDetail {
                    code: code.clone(),
                    message: message.clone(),
                    message_vi: Some(message_vi.clone()),
                    field: field.clone(),
                },
            ),
            ApiError::Stale { what, label_vi, label_en, .. } => (
                409,
                ErrorDetail {
                    code: "conflict".into(),
                    message: format!("The {what} was changed by someone else meanwhile; it is now \"{label_en}\". Reload and try again."),
                    message_vi: Some(format!(
                        "{} vừa được cập nhật bởi một thao tác khác; trạng thái hiện tại: \"{label_vi}\". Vui lòng tải lại và thử lại.",
                        capitalized_vi(what)
                    )),
                    field: None,
                },
            ),
            ApiError::Forbidden { code, message, message_vi, field } => (
                403,
                ErrorDetail {
                    code: code.to_string(),
                    message: message.to_string(),
                    message_vi: Some(message_vi.to_string()),
                    field: field.map(str::to_string),
                },
            ),
            ApiError::Unauthorized => (
                401,
                ErrorDetail {
                    code: "unauthorized".into(),
                    message: "Please log in to continue.".into(),
                    message_vi: Some("Vui lòng đăng nhập để tiếp tục.".into()),
                    field: None,
                },
            ),
            ApiError::TooManyRequests { field, code, message_vi, message_en, .. } => (
                429,
                ErrorDetail {
                    code: code.to_string(),
                    message: message_en.clone(),
                    message_vi: Some(message_vi.clone()),
                    field: Some(field.to_string()),
                },
            ),
            ApiError::Locked { field, message_vi, message_en, .. } => (
                423,
                ErrorDetail {
                    code: "locked".into(),
                    message: message_en.clone(),
                    message_vi: Some(message_vi.clone()),
                    field: Some(field.to_string()),
                },
            ),
            ApiError::InvalidRows(errors) => {
                let first = errors.first();
                (
                    400,
                    ErrorDetail {
                        code: "invalid_rows".into(),
                        message: match first {
                            Some(e) => format!("{} row error(s); line {}: {}", errors.len(), e.line, e.message),
                            None => "The file has invalid rows.".into(),
                        },
                        message_vi: Some(match first {
                            Some(e) => format!("Tệp có {} lỗi; dòng {}: {}", errors.len(), e.line, e.message_vi),
                            None => "Tệp có dòng không hợp lệ.".into(),
                        }),
                        field: first.map(|e| e.field.clone()),
                    },
                )
            }
            ApiError::Unavailable { code, message, message_vi } => (
                503,
                ErrorDetail { code: code.to_string(), message: message.clone(), message_vi: Some(message_vi.clone()), field: None },
            ),
            ApiError::FeatureOff { code, message, message_vi } => (
                404,
                ErrorDetail { code: code.to_string(), message: message.clone(), message_vi: Some(message_vi.clone()), field: None },
            ),
            ApiError::Unexpected(_) => (
                500,
                ErrorDetail {
                    code: "internal".into(),
                    message: "Something went wrong on our side; please try again.".into(),
                    message_vi: Some("Hệ thống đang gặp sự cố, vui lòng thử lại sau.".into()),
                    field: None,
                },
            ),
        }
    }

    pub fn into_response(self) -> worker::Result<Response> {
        let (status, detail) = self.status_and_detail();
        if status >= 500 {
            worker::console_error!("{self}");
        }
        let mut resp = match &self {
            ApiError::InvalidRows(errors) => {
                Response::from_json(&serde_json::json!({ "error": detail, "errors": errors }))?.with_status(status)
            }
            ApiError::Stale { current, .. } => {
                Response::from_json(&serde_json::json!({ "error": detail, "current": { "status": current } }))?.with_status(status)
            }
            _ => Response::from_json(&ErrorBody { error: detail })?.with_status(status),
        };
        if let ApiError::TooManyRequests { retry_after_seconds, .. } | ApiError::Locked { retry_after_seconds, .. } = &self {
            resp.headers_mut().set("Retry-After", &retry_after_seconds.max(&1).to_string())?;
        }
        Ok(resp)
    }
}

fn capitalized_vi(what: &str) -> String {
    let w = what_vi(what);
    let mut c = w.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

fn what_vi(what: &str) -> &'static str {
    match what {
        "agency" => "cơ quan",
        "procedure" => "thủ tục",
        "dossier" => "hồ sơ",
        "payment" => "giao dịch thanh toán",
        "receipt" => "biên lai",
        "file" => "tệp",
        "dashboard" => "trang thống kê",
        "pay_link" => "đường dẫn thanh toán",
        "report" => "phản ánh",
        _ => "dữ liệu",
    }
}
