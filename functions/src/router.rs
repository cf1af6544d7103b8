//! The one place that maps a method and a path to a feature's handler, and turns every error
//! into the project's JSON envelope. Unknown routes under `/api/` answer 404 in that envelope,
//! never the app's HTML.

use worker::{Env, Method, Request, Response, Result};

use crate::platform::error::ApiError;
use crate::platform::http::Ctx;
use crate::{auth, catalog, dev, health};

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
        (Method::Post, ["api", "auth", "otp", "request"]) => auth::routes::request_code(&mut ctx).await,
        (Method::Post, ["api", "auth", "otp", "verify"]) => auth::routes::verify_code(&mut ctx).await,
        (Method::Post, ["api", "auth", "logout"]) => auth::routes::logout(&ctx).await,
        (Method::Get, ["api", "me"]) => auth::routes::me(&ctx).await,
        (Method::Put, ["api", "me"]) => auth::routes::update_me(&mut ctx).await,
        (Method::Post, ["api", "staff", "login"]) => auth::staff::login(&mut ctx).await,
        (Method::Get, ["api", "staff", "me"]) => auth::staff::me(&ctx).await,
        (Method::Post, ["api", "staff", "logout"]) => auth::staff::logout(&ctx).await,
        // Development only: each handler answers 404 unless SANDBOX=1.
        (Method::Get, ["dev", "outbox"]) => dev::outbox_page(&ctx).await,
        (Method::Get, ["dev", "outbox.json"]) => dev::outbox_json(&ctx).await,
        (Method::Post, ["dev", "otp", "age"]) => dev::age_codes(&mut ctx).await,
        (_, ["api", ..]) => Err(ApiError::RouteNotFound),
        _ => Err(ApiError::RouteNotFound),
    }
}
