//! The one place that maps a method and a path to a feature's handler, and turns every error
//! into the project's JSON envelope. Unknown routes under `/api/` answer 404 in that envelope,
//! never the app's HTML.
//!
//! The crate is two Workers: the public one (wrangler.toml) serves everything but the back
//! office's API (`/api/staff/*`, `/api/admin/*`, `/api/dashboard/*`), which it forwards as it
//! came to the back-office Worker (`--features backoffice`, backoffice/wrangler.toml) through the
//! service binding BACKOFFICE. Each build routes only its own part, so neither's router holds the
//! other's handlers (a router's state machine inlines every handler's future: 602 KB raw when
//! it was one Worker). Both read the same D1, R2 and Durable Object, so a session is either's.

use worker::{Env, Method, Request, Response, Result};

use crate::platform::error::ApiError;
use crate::platform::http::Ctx;
use crate::platform::config;
#[cfg(all(feature = "sandbox", not(feature = "backoffice")))]
use crate::dev;
use crate::{auth, bill, dashboard, desk, document, dossier, embed, national, payment};
#[cfg(not(feature = "backoffice"))]
use crate::{catalog, fee, health, pages, upload};
#[cfg(feature = "backoffice")]
use crate::{paperless, report, signing};

pub async fn handle(req: Request, env: Env) -> Result<Response> {
    // An administrator's change may touch the catalog this isolate keeps in memory: once it has
    // been answered (whatever the answer: a failure may come after the write), the next request
    // here reads the catalog's version (catalog::cache), both in the back office that made it
    // and in the public Worker that forwarded it.
    let may_change_catalog = crate::catalog::cache::may_change(&req.method(), &req.path());
    #[cfg(not(feature = "backoffice"))]
    if is_back_office_path(&req.path()) {
        let resp = match forward_to_back_office(req, &env).await {
            Ok(resp) => Ok(resp),
            Err(err) => err.into_response(),
        };
        if may_change_catalog {
            crate::catalog::cache::invalidate();
        }
        return resp;
    }
    let ctx = Ctx::new(req, env);
    let outcome = route(ctx).await;
    if may_change_catalog {
        crate::catalog::cache::invalidate();
    }
    let mut resp = match outcome {
        Ok(resp) => resp,
        Err(err) => err.into_response()?,
    };
    // Only an embed page may be framed (it sets its own policy); everything else says so.
    embed::deny_framing(&mut resp);
    Ok(resp)
}

async fn route(mut ctx: Ctx) -> std::result::Result<Response, ApiError> {
    let method = ctx.req.method();
    // The runtime turns any method it does not know (`QUERY`, `PROPFIND`) into GET: refuse those
    // rather than answer them as a GET.
    if method == Method::Get && !ctx.req.inner().method().eq_ignore_ascii_case("GET") {
        return Err(ApiError::RouteNotFound);
    }
    let path = ctx.req.path();
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let segments = segments.as_slice();
    if let Some(limit) = body_cap(segments) {
        if crate::platform::http::announced_length(&ctx.req).is_some_and(|len| len > limit) {
            return Err(ApiError::PayloadTooLarge { limit });
        }
    }
    #[cfg(not(feature = "backoffice"))]
    return public_route(&mut ctx, method, segments).await;
    #[cfg(feature = "backoffice")]
    return match segments {
        ["api", "ping"] => ping(),
        _ if is_back_office(segments) => back_office_route(&mut ctx, method, segments).await,
        _ => Err(ApiError::RouteNotFound),
    };
}

/// The public Worker's routes: the citizens' API, the providers' callbacks, receipts, the app's
/// pages, the embed and the development sandbox. The back office's part of the API
/// ([`is_back_office`]) never gets here: [`handle`] forwards it to the back-office Worker.
#[cfg(not(feature = "backoffice"))]
async fn public_route(ctx: &mut Ctx, method: Method, segments: &[&str]) -> std::result::Result<Response, ApiError> {
    let mut ctx = ctx;
    match (method.clone(), segments) {
        (Method::Get, ["api", "ping"]) => ping(),
        (Method::Get, ["api", "health"]) => health::get(&ctx).await,
        (Method::Get, ["api", "openapi.json"]) => openapi(&ctx).await,
        // An administrator's, but served here: the back office is at its 1 MB budget, and a
        // step's work is R2's and D1's, the same from either Worker (docs/SHARDING.md §9).
        (Method::Post, ["api", "admin", "archive", shard, month]) => {
            let (shard, month) = (shard.to_string(), month.to_string());
            crate::archive::step(ctx, &shard, &month).await
        }
        (Method::Get, ["api", "admin", "archive", shard, month]) => crate::archive::progress(ctx, shard, month).await,
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
        (Method::Get, ["api", "receipts", code, "pdf"]) => {
            let code = code.to_string();
            payment::receipt::pdf(&ctx, &code).await
        }
        #[cfg(feature = "sandbox")]
        (_, ["sandbox", ..]) if config::sandbox_enabled(&ctx.env) => sandbox_route(&mut ctx, method, &segments).await,
        (Method::Post, ["api", "dossiers"]) => dossier::routes::submit(&mut ctx).await,
        (Method::Get, ["api", "dossiers"]) => dossier::routes::list(&ctx).await,
        (Method::Get, ["api", "dossiers", id]) => {
            let id = id.to_string();
            dossier::routes::get(&ctx, &id).await
        }
        (Method::Post, ["api", "dossiers", id, "withdraw"]) => {
            let id = id.to_string();
            dossier::routes::withdraw(&mut ctx, &id).await
        }
        (Method::Get, ["api", "dossiers", id, "files", file]) => {
            let (id, file) = (id.to_string(), file.to_string());
            upload::routes::download(&ctx, &id, &file).await
        }
        (Method::Post, ["api", "uploads"]) => upload::routes::create(&mut ctx).await,
        (Method::Post, ["api", "uploads", "multipart"]) => upload::multipart::start(&mut ctx).await,
        (Method::Get, ["api", "uploads", "multipart", id]) => {
            let id = id.to_string();
            upload::multipart::status(&ctx, &id).await
        }
        (Method::Delete, ["api", "uploads", "multipart", id]) => {
            let id = id.to_string();
            upload::multipart::abort(&ctx, &id).await
        }
        (Method::Put, ["api", "uploads", "multipart", id, "parts", n]) => {
            let (id, n) = (id.to_string(), n.to_string());
            upload::multipart::put_part(&mut ctx, &id, &n).await
        }
        (Method::Post, ["api", "uploads", "multipart", id, "complete"]) => {
            let id = id.to_string();
            upload::multipart::complete(&ctx, &id).await
        }
        (Method::Post, ["api", "dossiers", id, "payments"]) => {
            let id = id.to_string();
            payment::routes::start(&mut ctx, &id).await
        }
        (Method::Get, ["api", "verify", key]) => {
            let key = key.to_string();
            document::routes::verify(&ctx, &key).await
        }
        (Method::Get, ["api", "me", "documents"]) => document::routes::wallet(&ctx).await,
        (Method::Get, ["api", "me", "documents", doc]) => {
            let doc = doc.to_string();
            document::routes::wallet_download(&ctx, &doc).await
        }
        (Method::Get, ["api", "dossiers", id, "documents", doc]) => {
            let (id, doc) = (id.to_string(), doc.to_string());
            document::routes::referenced_download(&ctx, &id, &doc).await
        }
        (Method::Get, ["api", "dossiers", id, "results", file]) => {
            let (id, file) = (id.to_string(), file.to_string());
            desk::routes::download_result(&ctx, &id, &file).await
        }
        (Method::Get, ["api", "pay", token]) => {
            let token = token.to_string();
            desk::paylink::view(&ctx, &token).await
        }
        (Method::Post, ["api", "pay", token, "payments"]) => {
            let token = token.to_string();
            desk::paylink::start(&mut ctx, &token).await
        }
        (Method::Get, ["api", "bills", "lookup"]) => bill::public::lookup(&ctx).await,
        (Method::Get, ["api", "bills", "mine"]) => bill::public::mine(&ctx).await,
        (Method::Post, ["api", "bills", code, "payments"]) => {
            let code = code.to_string();
            bill::public::pay(&mut ctx, &code).await
        }
        (Method::Get, ["api", "payment-links", slug]) => {
            let slug = slug.to_string();
            bill::links::show(&ctx, &slug).await
        }
        (Method::Post, ["api", "payment-links", slug, "payments"]) => {
            let slug = slug.to_string();
            bill::links::pay(&mut ctx, &slug).await
        }
        (Method::Post, ["api", "dossiers", id, "rating"]) => {
            let id = id.to_string();
            national::routes::rate(&mut ctx, &id).await
        }
        (Method::Post, ["api", "auth", "otp", "request"]) => auth::routes::request_code(&mut ctx).await,
        (Method::Post, ["api", "auth", "otp", "verify"]) => auth::routes::verify_code(&mut ctx).await,
        (Method::Post, ["api", "auth", "logout"]) => auth::routes::logout(&ctx).await,
        (Method::Get, ["api", "auth", "national"]) => auth::national::info(&ctx).await,
        (Method::Get, ["api", "auth", "national", "start"]) => auth::national::start(&ctx).await,
        (Method::Get, ["api", "auth", "national", "callback"]) => auth::national::callback(&ctx).await,
        (Method::Get, ["api", "me"]) => auth::routes::me(&ctx).await,
        (Method::Put, ["api", "me"]) => auth::routes::update_me(&mut ctx).await,
        // Development only: compiled with the `sandbox` feature, and each handler answers 404
        // unless SANDBOX=1.
        #[cfg(feature = "sandbox")]
        (Method::Get, ["dev", "outbox"]) => dev::outbox_page(&ctx).await,
        #[cfg(feature = "sandbox")]
        (Method::Get, ["dev", "outbox.json"]) => dev::outbox_json(&ctx).await,
        #[cfg(feature = "sandbox")]
        (Method::Get, ["dev", "deliveries.json"]) => dev::messages::deliveries_json(&ctx).await,
        #[cfg(feature = "sandbox")]
        (Method::Post, ["dev", "zalo", "age"]) => dev::messages::zalo_age(&ctx).await,
        #[cfg(feature = "sandbox")]
        (Method::Post, ["dev", "otp", "age"]) => dev::age_codes(&mut ctx).await,
        #[cfg(feature = "sandbox")]
        (Method::Post, ["dev", "bills", "age"]) => dev::age_bill(&mut ctx).await,
        #[cfg(feature = "sandbox")]
        (Method::Post, ["dev", "assist", "expire"]) => dev::expire_assist(&mut ctx).await,
        #[cfg(feature = "sandbox")]
        (Method::Post, ["dev", "national-sync", "age"]) => national::sandbox::age(&mut ctx).await,
        #[cfg(feature = "sandbox")]
        (Method::Post, ["dev", "outbox", "enqueue"]) => dev::enqueue(&mut ctx).await,
        #[cfg(feature = "sandbox")]
        (Method::Post, ["dev", "d1"]) => dev::d1(&mut ctx).await,
        (Method::Get, ["can-bo", ..] | ["lanh-dao", ..]) => app_shell(&ctx, STAFF_SHELL).await,
        // The citizen's landing pages are written here, whole, with their data (a first visit
        // paints them without wasm); every other citizen page is the whole app.
        (Method::Get, [""]) => pages::home(&ctx).await,
        (Method::Get, ["co-quan"]) => pages::agencies(&ctx).await,
        (Method::Get, ["thu-tuc", code]) => {
            let code = code.to_string();
            pages::procedure(&ctx, &code).await
        }
        (Method::Get, ["thu-tuc", ..]) => app_shell(&ctx, CITIZEN_SHELL).await,
        (Method::Get, ["nhung", agency]) => {
            let agency = agency.to_string();
            embed::routes::page(&ctx, &agency).await
        }
        (Method::Get, ["ap-phich", agency]) => {
            let agency = agency.to_string();
            embed::poster::page(&ctx, &agency).await
        }

        (_, ["api", ..]) => Err(ApiError::RouteNotFound),
        _ => Err(ApiError::RouteNotFound),
    }
}

/// The back office's routes (`/api/staff/*`, `/api/admin/*`, `/api/dashboard/*`), served by the
/// back-office Worker (`--features backoffice`, backoffice/wrangler.toml) behind the public
/// Worker's service binding BACKOFFICE: one crate, two Workers, so that neither carries the
/// other's handlers in its router (each has a 1 MB gzip budget, BENCHMARKS.md).
#[cfg(feature = "backoffice")]
async fn back_office_route(ctx: &mut Ctx, method: Method, segments: &[&str]) -> std::result::Result<Response, ApiError> {
    let mut ctx = ctx;
    match (method, segments) {
        (Method::Post, ["api", "staff", "dossiers", id, "files"]) => {
            let id = id.to_string();
            document::scans::create(&mut ctx, &id).await
        }
        (Method::Get, ["api", "staff", "dossiers", id, "files", scan]) => {
            let (id, scan) = (id.to_string(), scan.to_string());
            document::scans::download(&ctx, &id, &scan).await
        }
        (Method::Post, ["api", "staff", "dossiers", id, "results", file, "sign"]) => {
            let (id, file) = (id.to_string(), file.to_string());
            document::sign::sign(&mut ctx, &id, &file).await
        }
        (Method::Post, ["api", "staff", "documents", doc, "revoke"]) => {
            let doc = doc.to_string();
            document::routes::revoke(&mut ctx, &doc).await
        }
        (Method::Get, ["api", "staff", "dossiers"]) => desk::inbox::list(&ctx).await,
        (Method::Post, ["api", "staff", "dossiers"]) => desk::routes::walk_in(&mut ctx).await,
        (Method::Post, ["api", "staff", "dossiers", id, "counter-payment"]) => {
            let id = id.to_string();
            desk::routes::counter_payment(&mut ctx, &id).await
        }
        (Method::Post, ["api", "staff", "dossiers", id, "results"]) => {
            let id = id.to_string();
            desk::routes::attach_result(&mut ctx, &id).await
        }
        (Method::Post, ["api", "staff", "dossiers", id, "pay-link"]) => {
            let id = id.to_string();
            desk::paylink::send(&mut ctx, &id).await
        }
        (Method::Get, ["api", "staff", "audit"]) => desk::audit::list(&ctx).await,
        (Method::Post, ["api", "staff", "assist"]) => paperless::routes::assist(&mut ctx).await,
        (Method::Get, ["api", "admin", "agencies", code, "signing"]) => {
            let code = code.to_string();
            signing::routes::get(&ctx, &code).await
        }
        (Method::Put, ["api", "admin", "agencies", code, "signing"]) => {
            let code = code.to_string();
            signing::routes::put(&mut ctx, &code).await
        }
        (Method::Get, ["api", "admin", "agencies", code, "paperless"]) => {
            let code = code.to_string();
            paperless::routes::get(&ctx, &code).await
        }
        (Method::Put, ["api", "admin", "agencies", code, "paperless"]) => {
            let code = code.to_string();
            paperless::routes::put(&mut ctx, &code).await
        }
        (Method::Get, ["api", "staff", "reports"]) => report::routes::mine(&ctx).await,
        (Method::Post, ["api", "staff", "reports"]) => report::routes::create(&mut ctx).await,
        (Method::Post, ["api", "staff", "reports", id, "close"]) => {
            let id = id.to_string();
            report::routes::sender_close(&ctx, &id).await
        }
        (Method::Get, ["api", "admin", "reports"]) => report::routes::list(&ctx).await,
        (Method::Post, ["api", "admin", "reports", id, "answer"]) => {
            let id = id.to_string();
            report::routes::admin_act(&mut ctx, &id, "answer").await
        }
        (Method::Post, ["api", "admin", "reports", id, "close"]) => {
            let id = id.to_string();
            report::routes::admin_act(&mut ctx, &id, "close").await
        }
        (Method::Get, ["api", "staff", "bills"]) => bill::routes::list(&ctx).await,
        (Method::Post, ["api", "staff", "bills"]) => bill::routes::create(&mut ctx).await,
        (Method::Post, ["api", "staff", "bills", "import"]) => bill::routes::import(&mut ctx).await,
        (Method::Get, ["api", "staff", "bills", code]) => {
            let code = code.to_string();
            bill::routes::get(&ctx, &code).await
        }
        (Method::Post, ["api", "staff", "bills", code, "counter-payment"]) => {
            let code = code.to_string();
            bill::routes::counter_payment(&mut ctx, &code).await
        }
        (Method::Post, ["api", "staff", "bills", code, "cancel"]) => {
            let code = code.to_string();
            bill::routes::cancel(&mut ctx, &code).await
        }
        (Method::Get, ["api", "staff", "payment-links"]) => bill::links::list(&ctx).await,
        (Method::Post, ["api", "staff", "payment-links"]) => bill::links::create(&mut ctx).await,
        (Method::Get, ["api", "admin", "catalog"]) => desk::admin::catalog(&ctx).await,
        (Method::Post, ["api", "admin", "agencies"]) => desk::admin::create_agency(&mut ctx).await,
        (Method::Put, ["api", "admin", "agencies", code]) => {
            let code = code.to_string();
            desk::admin::update_agency(&mut ctx, &code).await
        }
        (Method::Get, ["api", "admin", "agencies", code, "targets"]) => {
            let code = code.to_string();
            dashboard::targets::get(&ctx, &code).await
        }
        (Method::Put, ["api", "admin", "agencies", code, "targets"]) => {
            let code = code.to_string();
            dashboard::targets::put(&mut ctx, &code).await
        }
        (Method::Get, ["api", "admin", "agencies", code, "embed-origins"]) => {
            let code = code.to_string();
            desk::admin::embed_origins(&ctx, &code).await
        }
        (Method::Put, ["api", "admin", "agencies", code, "embed-origins"]) => {
            let code = code.to_string();
            desk::admin::put_embed_origins(&mut ctx, &code).await
        }
        (Method::Put, ["api", "admin", "agencies", code, "bank-account"]) => {
            let code = code.to_string();
            payment::accounts::put_bank_account(&mut ctx, &code).await
        }
        (Method::Get, ["api", "admin", "agencies", code, "accounts"]) => {
            let code = code.to_string();
            payment::accounts::get(&ctx, &code).await
        }
        (Method::Put, ["api", "admin", "agencies", code, "accounts"]) => {
            let code = code.to_string();
            payment::accounts::put(&mut ctx, &code).await
        }
        (Method::Get, ["api", "admin", "agencies", code, "gateways", provider]) => {
            let (code, provider) = (code.to_string(), provider.to_string());
            payment::merchants::get(&ctx, &code, &provider).await
        }
        (Method::Put, ["api", "admin", "agencies", code, "gateways", provider]) => {
            let (code, provider) = (code.to_string(), provider.to_string());
            payment::merchants::put(&mut ctx, &code, &provider).await
        }
        (Method::Post, ["api", "admin", "settlements", "import"]) => payment::settlement::import(&mut ctx).await,
        (Method::Get, ["api", "admin", "settlements", "differences"]) => payment::settlement::differences(&ctx).await,
        (Method::Post, ["api", "admin", "settlements", "differences", id, "resolve"]) => {
            let id = id.to_string();
            payment::settlement::resolve(&mut ctx, &id).await
        }
        (Method::Put, ["api", "admin", "agencies", code, "procedures", procedure]) => {
            let (code, procedure) = (code.to_string(), procedure.to_string());
            desk::admin::put_handling(&mut ctx, &code, &procedure).await
        }
        (Method::Post, ["api", "admin", "procedures"]) => desk::admin::save_procedure(&mut ctx, None).await,
        (Method::Put, ["api", "admin", "procedures", code]) => {
            let code = code.to_string();
            desk::admin::save_procedure(&mut ctx, Some(&code)).await
        }
        (Method::Post, ["api", "admin", "procedures", code, "fee-versions"]) => {
            let code = code.to_string();
            desk::admin::add_fee_version(&mut ctx, &code).await
        }
        (Method::Get, ["api", "staff", "dossiers", id]) => {
            let id = id.to_string();
            dossier::staff_routes::get(&ctx, &id).await
        }
        (Method::Post, ["api", "staff", "dossiers", id, "actions"]) => {
            let id = id.to_string();
            dossier::staff_routes::act(&mut ctx, &id).await
        }
        (Method::Post, ["api", "staff", "dossiers", id, "fee-notice"]) => {
            let id = id.to_string();
            dossier::staff_routes::fee_notice(&mut ctx, &id).await
        }
        (Method::Post, ["api", "staff", "payments", id, "refunds"]) => {
            let id = id.to_string();
            payment::refund::create(&mut ctx, &id).await
        }
        (Method::Get, ["api", "staff", "statements"]) => payment::statement::daily(&ctx).await,
        (Method::Get, ["api", "staff", "refunds"]) => payment::refund::list(&ctx).await,
        (Method::Post, ["api", "staff", "refunds", id, "decision"]) => {
            let id = id.to_string();
            payment::refund::decision(&mut ctx, &id).await
        }
        (Method::Get, ["api", "admin", "national-sync"]) => national::routes::list(&ctx).await,
        (Method::Post, ["api", "admin", "national-sync", "backfill"]) => national::routes::backfill(&ctx).await,
        (Method::Post, ["api", "admin", "national-sync", id, "retry"]) => {
            let id = id.to_string();
            national::routes::retry(&ctx, &id).await
        }
        (Method::Get, ["api", "admin", "national-mapping"]) => national::catalog::get_mapping(&ctx).await,
        (Method::Put, ["api", "admin", "national-mapping"]) => national::catalog::put_mapping(&mut ctx).await,
        (Method::Post, ["api", "admin", "national-catalog", "pull"]) => national::catalog::pull(&ctx).await,
        (Method::Get, ["api", "admin", "national-catalog", "differences"]) => national::catalog::differences(&ctx).await,
        (Method::Post, ["api", "admin", "national-catalog", "differences", id, "resolve"]) => {
            let id = id.to_string();
            national::catalog::resolve(&mut ctx, &id).await
        }
        (Method::Get, ["api", "dashboard", "rates"]) => dashboard::routes::rates(&ctx).await,
        (Method::Get, ["api", "dashboard", "trend"]) => dashboard::routes::trend(&ctx).await,
        (Method::Get, ["api", "dashboard", "procedures"]) => dashboard::routes::procedures(&ctx).await,
        (Method::Get, ["api", "dashboard", "coverage"]) => dashboard::routes::coverage(&ctx).await,
        (Method::Get, ["api", "dashboard", "dormant"]) => dashboard::routes::dormant(&ctx).await,
        (Method::Get, ["api", "dashboard", "overdue"]) => dashboard::routes::overdue(&ctx).await,
        (Method::Get, ["api", "dashboard", "bills"]) => dashboard::routes::bills(&ctx).await,
        (Method::Get, ["api", "dashboard", "intake"]) => dashboard::routes::intake(&ctx).await,
        (Method::Get, ["api", "dashboard", "ratings"]) => dashboard::routes::ratings(&ctx).await,
        (Method::Get, ["api", "dashboard", "digitization"]) => dashboard::routes::digitization(&ctx).await,
        (Method::Post, ["api", "dashboard", "import"]) => dashboard::routes::import(&mut ctx).await,
        (Method::Post, ["api", "staff", "login"]) => auth::staff::login(&mut ctx).await,
        (Method::Get, ["api", "staff", "me"]) => auth::staff::me(&ctx).await,
        (Method::Post, ["api", "staff", "logout"]) => auth::staff::logout(&ctx).await,
        _ => Err(ApiError::RouteNotFound),
    }
}

/// The back office's part of the API: the staff's and the administrators' routes and the
/// dashboard. The back-office Worker serves them; the public Worker only forwards them.
pub fn is_back_office(segments: &[&str]) -> bool {
    matches!(segments, ["api", "staff" | "admin" | "dashboard", ..]) && !matches!(segments, ["api", "admin", "archive", ..])
}

/// [`is_back_office`] of a request's path, cut into segments as [`route`] does.
pub fn is_back_office_path(path: &str) -> bool {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    is_back_office(&segments)
}

/// Hands a back-office request to the back-office Worker (service binding BACKOFFICE) as it came:
/// method, path and query, headers (cookies included) and the body, unread. Its answer is
/// passed back unchanged (it is already in the error envelope and denies framing); a back office
/// that cannot be reached, or whose runtime answers for it (an exception, an exceeded limit: a
/// 5xx that is not our JSON envelope), answers 503 in the envelope.
#[cfg(not(feature = "backoffice"))]
async fn forward_to_back_office(req: Request, env: &Env) -> std::result::Result<Response, ApiError> {
    let unavailable = |why: String| ApiError::Unavailable {
        code: "backoffice_unavailable",
        message: format!("The back office did not answer ({why}); try again in a moment."),
        message_vi: "Hệ thống nghiệp vụ chưa phản hồi; vui lòng thử lại sau ít phút.".into(),
    };
    let backoffice = env.service(config::BACKOFFICE).map_err(|e| unavailable(e.to_string()))?;
    let resp = backoffice.fetch_request(req).await.map_err(|e| unavailable(e.to_string()))?;
    let status = resp.status_code();
    let envelope = resp.headers().get("content-type").ok().flatten().is_some_and(|t| t.starts_with("application/json"));
    if status >= 500 && !envelope {
        return Err(unavailable(format!("status {status}")));
    }
    Ok(resp)
}

/// Whether a request may have written a dossier event or rating, whose portal message is then
/// worth sending at once: any write to the API but log-in, and VNPay's IPN (a GET).
pub fn may_queue_national_sync(req: &Request) -> bool {
    let path = req.path();
    let write = req.method() != Method::Get && req.method() != Method::Head && req.method() != Method::Options;
    // The public Worker forwards the back office's requests: the back-office Worker sends their
    // messages itself.
    if cfg!(not(feature = "backoffice")) && is_back_office_path(&path) {
        return false;
    }
    // The fee quote only computes an answer, and the dossier form asks for one on every change: a
    // nudge after it was a queue message and an outbox sweep per keystroke (most of its CPU).
    let computes_only = path == "/api/fees/quote";
    (write && path.starts_with("/api/") && !path.starts_with("/api/auth/") && !computes_only) || path == "/api/payments/vnpay/ipn"
}

/// The page of each bundle in `dist/` (see scripts/build.sh).
const STAFF_SHELL: &str = "/can-bo/index.html";
const CITIZEN_SHELL: &str = "/";

/// A bundle's page for a path of its app; the app's router takes it from there.
async fn app_shell(ctx: &Ctx, shell: &str) -> std::result::Result<Response, ApiError> {
    let assets = ctx.env.assets(config::ASSETS)?;
    let mut page = assets.fetch(format!("{}{shell}", config::public_base_url(&ctx.env)), None).await?;
    let mut resp = Response::from_bytes(page.bytes().await?)?;
    resp.headers_mut().set("content-type", "text/html; charset=utf-8")?;
    resp.headers_mut().set("cache-control", "no-cache")?;
    Ok(resp)
}

/// The most a request body to this path may announce: scans keep their own limits, checked by
/// their handlers with the file's name in the message (a result file too, up to twice its
/// limit, past which nothing is read); a CSV import may be 1 MB; every other body 64 KiB. A
/// body sent without a length is checked again on the bytes read ([`Ctx::body_text`]).
fn body_cap(segments: &[&str]) -> Option<u64> {
    match segments {
        ["api", "uploads"] | ["api", "uploads", "multipart", _, "parts", _] => None,
        // A provider's callback is answered in the provider's own format, oversize included
        // (payment::callbacks caps it at the same 64 KiB).
        ["api", "payments", ..] => None,
        ["api", "staff", "dossiers", _, "results"] => Some(2 * motcua_domain::desk::RESULT_MAX_BYTES as u64),
        // A desk scan keeps the citizen's upload limit, checked with the file's name.
        ["api", "staff", "dossiers", _, "files"] => Some(2 * motcua_domain::upload::MAX_FILE_BYTES),
        ["api", "dashboard", "import"] => Some(dashboard::routes::IMPORT_MAX),
        ["api", "admin", "settlements", "import"] => Some(payment::settlement::FILE_MAX_BYTES as u64),
        ["api", "staff", "bills", "import"] => Some(bill::import::MAX_BYTES),
        _ => Some(crate::platform::http::JSON_BODY_MAX),
    }
}

/// `GET /api/ping`: `{"ok":true}` without touching any binding. The baseline that `make bench`
/// loads side by side with every measured route, so a route's cost reads as its excess over
/// the router, the JSON envelope and the local platform.
fn ping() -> std::result::Result<Response, ApiError> {
    Ok(Response::from_json(&serde_json::json!({ "ok": true }))?)
}

/// `GET /api/openapi.json`: the OpenAPI 3.1 document of this API, generated from the wire types
/// by the `openapi` crate (`make openapi`) and committed; a test there fails when it is stale.
/// The build copies it into the static assets (scripts/build.sh), so its 140 KB stay out of the
/// Worker's bundle, which has a size budget (BENCHMARKS.md).
async fn openapi(ctx: &Ctx) -> std::result::Result<Response, ApiError> {
    let assets = ctx.env.assets(config::ASSETS)?;
    let mut doc = assets.fetch(format!("{}/openapi.json", config::public_base_url(&ctx.env)), None).await?;
    let mut resp = Response::from_bytes(doc.bytes().await?)?;
    resp.headers_mut().set("content-type", "application/json; charset=utf-8")?;
    Ok(resp)
}

/// The development sandbox of the payment and SMS providers (never routed without `SANDBOX=1`).
#[cfg(feature = "sandbox")]
async fn sandbox_route(ctx: &mut Ctx, method: Method, segments: &[&str]) -> std::result::Result<Response, ApiError> {
    use crate::auth::sandbox_idp as idp;
    use crate::payment::sandbox;
    match (method, segments) {
        (Method::Get, ["sandbox", "vnpay", "paymentv2", "vpcpay.html"]) => sandbox::vnpay_page(ctx).await,
        (Method::Post, ["sandbox", "vnpay", "complete"]) => sandbox::vnpay_complete(ctx).await,
        (Method::Post, ["sandbox", "dvcqg", "auth"]) => crate::national::sandbox::auth(ctx).await,
        (Method::Post, ["sandbox", "dvcqg", "integration"]) => crate::national::sandbox::integration(ctx).await,
        (Method::Post, ["sandbox", "dvcqg", "control"]) => crate::national::sandbox::control(ctx).await,
        (Method::Get, ["sandbox", "dvcqg", "received"]) => crate::national::sandbox::received(ctx).await,
        (Method::Post, ["sandbox", "dvcqg", "share"]) => crate::national::sandbox_catalog::share(ctx).await,
        (Method::Post, ["sandbox", "paygov", "query"]) => sandbox::paygov_lookup(ctx, "QUERY").await,
        (Method::Post, ["sandbox", "paygov", "get-bill"]) => sandbox::paygov_lookup(ctx, "GET_BILL").await,
        (Method::Get, ["sandbox", "settlements", provider]) => {
            let provider = provider.to_string();
            sandbox::settlement_file(&ctx, &provider).await
        }
        (Method::Post, ["sandbox", "vnpay", "merchant_webapi", "api", "transaction"]) => sandbox::vnpay_api(ctx).await,
        (Method::Post, ["sandbox", "bank", "transfer"]) => sandbox::bank_transfer(ctx).await,
        (Method::Post, ["sandbox", "esms", "MainService.svc", "json", "SendMultipleMessage_V4_post_json"]) => crate::dev::esms_send(ctx).await,
        (Method::Post, ["sandbox", "resend", "emails"]) => crate::dev::messages::resend_send(ctx).await,
        (Method::Get, ["sandbox", "ca.pem"]) => crate::signing::sandbox::ca_pem(ctx).await,
        (Method::Post, ["sandbox", "smartca", "sca", "sp769", "v1", "credentials", "get_certificate"]) => crate::signing::sandbox::get_certificate(ctx).await,
        (Method::Post, ["sandbox", "smartca", "sca", "sp769", "v1", "signatures", "sign"]) => crate::signing::sandbox::sign(ctx).await,
        (Method::Post, ["sandbox", "smartca", "sca", "sp769", "v1", "signatures", "sign", id, "status"]) => {
            let id = id.to_string();
            crate::signing::sandbox::status(ctx, &id).await
        }
        (Method::Post, ["sandbox", "signing", "try"]) => crate::signing::sandbox::try_sign(ctx).await,
        (Method::Post, ["sandbox", "zalo", "oauth", "v4", "oa", "access_token"]) => crate::dev::messages::zalo_refresh(ctx).await,
        (Method::Post, ["sandbox", "zalo", "openapi", "message", "template"]) => crate::dev::messages::zalo_send(ctx).await,
        (Method::Post, ["sandbox", "momo", "v2", "gateway", "api", "create"]) => sandbox::momo_create(ctx).await,
        (Method::Get, ["sandbox", "momo", "pay"]) => sandbox::momo_page(ctx).await,
        (Method::Post, ["sandbox", "momo", "complete"]) => sandbox::momo_complete(ctx).await,
        (Method::Post, ["sandbox", "momo", "v2", "gateway", "api", "query"]) => sandbox::momo_query(ctx).await,
        (Method::Post, ["sandbox", "zalopay", "v2", "create"]) => sandbox::zalopay_create(ctx).await,
        (Method::Post, ["sandbox", "paygov", "init"]) => sandbox::paygov_init(ctx).await,
        (Method::Get, ["sandbox", "paygov", "pay"]) => sandbox::paygov_page(ctx).await,
        (Method::Post, ["sandbox", "paygov", "complete"]) => sandbox::paygov_complete(ctx).await,
        (Method::Post, ["sandbox", "zalopay", "v2", "query"]) => sandbox::zalopay_query(ctx).await,
        (Method::Post, ["sandbox", "zalopay", "v2", "refund"]) => sandbox::zalopay_refund(ctx).await,
        (Method::Post, ["sandbox", "momo", "v2", "gateway", "api", "refund"]) => sandbox::momo_refund(ctx).await,
        (Method::Get, ["sandbox", "zalopay", "pay"]) => sandbox::zalopay_page(ctx).await,
        (Method::Get, ["sandbox", "idp", ".well-known", "openid-configuration"]) => idp::discovery(ctx),
        (Method::Get, ["sandbox", "idp", "oauth2", "jwks"]) => idp::jwks(ctx).await,
        (Method::Get, ["sandbox", "idp", "oauth2", "authorize"]) => idp::authorize_page(ctx),
        (Method::Post, ["sandbox", "idp", "oauth2", "authorize"]) => idp::authorize(ctx).await,
        (Method::Post, ["sandbox", "idp", "oauth2", "token"]) => idp::token(ctx).await,
        (Method::Get | Method::Post, ["sandbox", "idp", "oauth2", "userinfo"]) => idp::userinfo(ctx).await,
        (Method::Get, ["sandbox", "idp", "oidc", "logout"]) => idp::logout(ctx),
        (Method::Post, ["sandbox", "zalopay", "complete"]) => sandbox::zalopay_complete(ctx).await,
        _ => Err(ApiError::RouteNotFound),
    }
}
