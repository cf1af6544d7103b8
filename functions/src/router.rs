//! The one place that maps a method and a path to a feature's handler, and turns every error
//! into the project's JSON envelope. Unknown routes under `/api/` answer 404 in that envelope,
//! never the app's HTML.

use worker::{Env, Method, Request, Response, Result};

use crate::platform::error::ApiError;
use crate::platform::http::Ctx;
use crate::{catalog, health};

pub async fn handle(req: Request, env: Env) -> Result<Response> {
    let ctx = Ctx::new(req, env);
    let outcome = route(ctx).await;
    match outcome {
        Ok(resp) => Ok(resp),
        Err(err) => err.into_response(),
    }
}

async fn route(mut ctx: Ctx) -> std::result::Result<Response, ApiError> {
    let method = ctx.req.method();
    let path = ctx.req.path();
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match (method, segments.as_slice()) {
        (Method::Get, ["api", "health"]) => health::get(&ctx).await,
        (Method::Get, ["api", "agencies"]) => catalog::routes::agencies(&ctx).await,
        (Method::Get, ["api", "procedures"]) => catalog::routes::procedures(&ctx).await,
        (Method::Get, ["api", "procedures", code]) => {
            let code = code.to_string();
            catalog::routes::procedure(&ctx, &code).await
        }
        (_, ["api", ..]) => Err(ApiError::RouteNotFound),
        _ => Err(ApiError::RouteNotFound),
    }
}
