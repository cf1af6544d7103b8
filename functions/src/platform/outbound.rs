//! Calls from the Worker to other servers (payment providers' APIs; in development, the
//! sandbox calling our own callback endpoints): one JSON POST helper for all of them.

use worker::{Fetch, Headers, Method, Request, RequestInit};

use super::error::ApiError;

/// POSTs a JSON body with any extra headers; answers the status and the body text.
pub async fn post_json_with(url: &str, body: &str, extra_headers: &[(&str, &str)]) -> Result<(u16, String), ApiError> {
    post_with(url, "application/json", body, extra_headers).await
}

/// POSTs `body` of `content_type` with any extra headers; answers the status and the body text.
pub async fn post_with(url: &str, content_type: &str, body: &str, extra_headers: &[(&str, &str)]) -> Result<(u16, String), ApiError> {
    let headers = Headers::new();
    headers.set("content-type", content_type)?;
    for (k, v) in extra_headers {
        headers.set(k, v)?;
    }
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_headers(headers).with_body(Some(body.into()));
    let mut resp = Fetch::Request(Request::new_with_init(url, &init)?).send().await?;
    Ok((resp.status_code(), resp.text().await?))
}

/// POSTs a JSON body and answers the body text (a provider's server-to-server API).
pub async fn post_json(url: &str, body: &str) -> Result<String, ApiError> {
    Ok(post_json_with(url, body, &[]).await?.1)
}
