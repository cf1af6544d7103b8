//! Request context and the small helpers every handler needs: query parameters, JSON bodies,
//! JSON answers.

use serde::de::DeserializeOwned;
use serde::Serialize;
use worker::{Env, Request, Response};

use motcua_domain::validation;

use super::error::ApiError;

/// The cap of a JSON request body (and of every body without a cap of its own).
pub const JSON_BODY_MAX: u64 = 64 * 1024;

/// The `Content-Length` the client announced, if any.
pub fn announced_length(req: &Request) -> Option<u64> {
    req.headers().get("Content-Length").ok().flatten().and_then(|v| v.trim().parse::<u64>().ok())
}

pub struct Ctx {
    pub req: Request,
    pub env: Env,
}

impl Ctx {
    pub fn new(req: Request, env: Env) -> Self {
        Self { req, env }
    }

    /// The first value of a query parameter, percent-decoded (form encoding: `+` is a space;
    /// leniently, as browsers do: a stray `%` stays, bytes that are not UTF-8 become U+FFFD).
    pub fn query(&self, name: &str) -> Option<String> {
        self.query_pairs().into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// Every query parameter in order, percent-decoded as [`Self::query`] decodes them.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        self.raw_query()
            .split('&')
            .filter(|part| !part.is_empty())
            .map(|part| part.split_once('=').unwrap_or((part, "")))
            .map(|(k, v)| (motcua_domain::gateway::form_decode_lenient(k), motcua_domain::gateway::form_decode_lenient(v)))
            .collect()
    }

    /// The query string as the runtime serialized it (WHATWG URL: what the `url` crate would
    /// answer for `query()`), without its `?`; empty when there is none. Read from the request's
    /// URL text rather than `Request::url()`, whose `url` crate and its IDNA tables would weigh
    /// on the Worker's size budget for a split at `?`.
    pub fn raw_query(&self) -> String {
        let url = self.req.inner().url();
        let without_fragment = url.split('#').next().unwrap_or("");
        without_fragment.split_once('?').map(|(_, q)| q.to_string()).unwrap_or_default()
    }

    /// The JSON body, at most [`JSON_BODY_MAX`] bytes; a wrong or missing field is named by its
    /// path (`procedure`, `owner.id_number`, `documents.0`), see [`validation::from_json`].
    pub async fn json_body<T: DeserializeOwned>(&mut self) -> Result<T, ApiError> {
        let text = self.body_text(JSON_BODY_MAX).await?;
        Ok(validation::from_json(&text)?)
    }

    /// [`Self::json_body`], or the default when the body is empty (an optional body).
    pub async fn json_body_or_default<T: DeserializeOwned + Default>(&mut self) -> Result<T, ApiError> {
        let text = self.body_text(JSON_BODY_MAX).await?;
        if text.trim().is_empty() {
            return Ok(T::default());
        }
        Ok(validation::from_json(&text)?)
    }

    /// The body as text, refused with 413 when over `max` bytes: first from `Content-Length`
    /// (before reading), then from the bytes actually read (a body sent without a length).
    pub async fn body_text(&mut self, max: u64) -> Result<String, ApiError> {
        if announced_length(&self.req).is_some_and(|len| len > max) {
            return Err(ApiError::PayloadTooLarge { limit: max });
        }
        let bytes = self.req.bytes().await?;
        if bytes.len() as u64 > max {
            return Err(ApiError::PayloadTooLarge { limit: max });
        }
        Ok(match String::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        })
    }

    /// The national database (agencies, catalog, staff, citizens, sessions, configuration).
    pub fn national(&self) -> Result<super::db::Db, ApiError> {
        super::shards::national(&self.env)
    }

    /// A province's database.
    pub fn shard(&self, shard: motcua_domain::shard::ShardId) -> Result<super::db::Db, ApiError> {
        super::shards::shard(&self.env, shard)
    }

    /// The database of a record id ([`super::shards::of_id`]); `None`: no record has it.
    pub async fn shard_of_id(&self, id: &str) -> Result<Option<super::db::Db>, ApiError> {
        super::shards::of_id(&self.env, id).await
    }

    /// The database of the agency `agency` names (the client's mistake at `field` if it names none).
    pub fn shard_of_agency(&self, field: &str, agency: &str) -> Result<super::db::Db, ApiError> {
        super::shards::of_agency(&self.env, field, agency)
    }
}

pub fn json<T: Serialize>(value: &T) -> Result<Response, ApiError> {
    Ok(Response::from_json(value)?)
}

