//! The one place that maps a method and a path to a feature's handler, and turns every error
//! into the project's JSON envelope. Unknown routes under `/api/` answer 404 in that envelope,
//! never the app's HTML.

use worker::{Env, Method, Request, Response, Result};

use crate::platform::error::ApiError;
use crate::platform::http::Ctx;
use crate::platform::config;
use crate::{catalog, fee, health, payment};

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
    let segments = segments.as_slice();
    match (method.clone(), segments) {
        (Method::Get, ["api", "ping"]) => ping(),
        (Method::Get, ["api", "health"]) => health::get(&ctx).await,
        (Method::Get, ["api", "agencies"]) => catalog::routes::agencies(&ctx).await,
        (Method::Get, ["api", "procedures"]) => catalog::routes::procedures(&ctx).await,
        (Method::Get, ["api", "procedures", code]) => {
            let code = code.to_string();
            catalog::routes::procedure(&ctx, &code).await
        }
        (Method::Post, ["api", "fees", "quote"]) => fee::routes::quote(&mut ctx).await,
        (Method::Get, ["api", "payments", "vnpay", "ipn"]) => payment::callbacks::vnpay_ipn(&ctx).await,
        (Method::Post, ["api", "payments", "momo", "ipn"]) => payment::callbacks::momo_ipn(&mut ctx).await,
        (Method::Post, ["api", "payments", "zalopay", "callback"]) => payment::callbacks::zalopay_callback(&mut ctx).await,
        (Method::Post, ["api", "payments", "bank", "webhook"]) => payment::callbacks::bank_webhook(&mut ctx).await,
        (Method::Post, ["api", "payments", "paygov", "confirm"]) => payment::callbacks::paygov_confirm(&mut ctx).await,
        (Method::Get, ["api", "receipts", code]) => {
            let code = code.to_string();
            payment::receipt::verify(&ctx, &code).await
        }
        (_, ["sandbox", ..]) if config::sandbox_enabled(&ctx.env) => sandbox_route(&mut ctx, method, &segments).await,
        (_, ["api", ..]) => Err(ApiError::RouteNotFound),
        _ => Err(ApiError::RouteNotFound),
    }
}

/// `GET /api/ping`: `{"ok":true}` without touching any binding. The baseline that `make bench`
/// loads side by side with every measured route, so a route's cost reads as its excess over
/// the router, the JSON envelope and the local platform.
fn ping() -> std::result::Result<Response, ApiError> {
    Ok(Response::from_json(&serde_json::json!({ "ok": true }))?)
}

/// The development sandbox of the payment providers (never routed without `SANDBOX=1`).
async fn sandbox_route(ctx: &mut Ctx, method: Method, segments: &[&str]) -> std::result::Result<Response, ApiError> {
    use crate::payment::sandbox;
    match (method, segments) {
        (Method::Get, ["sandbox", "vnpay", "paymentv2", "vpcpay.html"]) => sandbox::vnpay_page(ctx).await,
        (Method::Post, ["sandbox", "vnpay", "complete"]) => sandbox::vnpay_complete(ctx).await,
        (Method::Post, ["sandbox", "vnpay", "merchant_webapi", "api", "transaction"]) => sandbox::vnpay_api(ctx).await,
        (Method::Post, ["sandbox", "bank", "transfer"]) => sandbox::bank_transfer(ctx).await,
        _ => Err(ApiError::RouteNotFound),
    }
}
