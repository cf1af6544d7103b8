//! Request context and the small helpers every handler needs: query parameters, JSON bodies,
//! JSON answers.

use serde::de::DeserializeOwned;
use serde::Serialize;
use worker::{Env, Request, Response};

use super::error::ApiError;

pub struct Ctx {
    pub req: Request,
    pub env: Env,
}

impl Ctx {
    pub fn new(req: Request, env: Env) -> Self {
        Self { req, env }
    }

    /// The first value of a query parameter, percent-decoded.
    pub fn query(&self, name: &str) -> Option<String> {
        let url = self.req.url().ok()?;
        url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
    }

    pub async fn json_body<T: DeserializeOwned>(&mut self) -> Result<T, ApiError> {
        let text = self.req.text().await?;
        serde_json::from_str(&text).map_err(|e| ApiError::MalformedJson(e.to_string()))
    }

    pub fn d1(&self) -> Result<worker::D1Database, ApiError> {
        Ok(self.env.d1(super::config::DB)?)
    }
}

pub fn json<T: Serialize>(value: &T) -> Result<Response, ApiError> {
    Ok(Response::from_json(value)?)
}
