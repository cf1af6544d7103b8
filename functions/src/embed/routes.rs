//! `GET /nhung/{agency}?parent=ORIGIN[&color=#rgb]`: the citizen app's page, framed by a commune
//! portal. The portal's `embed.js` says which origin it runs on (`parent`); that origin must be
//! on the agency's list, and the page is sent with `frame-ancestors` naming exactly that list, so
//! a portal that lies about `parent` is still refused by the browser. The page carries its
//! settings (`window.motcuaEmbed`: the agency, the checked parent origin the app may post to,
//! the colour) and `/embed-frame.js`, which reports the page's height to the parent.

use motcua_domain::embed;
use serde::Deserialize;
use worker::Response;

use super::repo;
use crate::platform::config;
use crate::platform::db;
use crate::platform::error::ApiError;
use crate::platform::http::Ctx;

/// Every response but an embed page's: never framed, by old browsers either.
pub fn deny_framing(resp: &mut Response) {
    let headers = resp.headers_mut();
    if headers.has("content-security-policy").unwrap_or(false) {
        return;
    }
    // A response passed through from a fetch has immutable headers; those are not pages.
    let _ = headers.set("Content-Security-Policy", embed::FRAME_NONE);
    let _ = headers.set("X-Frame-Options", "DENY");
}

#[derive(Deserialize)]
struct Agency {
    code: String,
    name: String,
}

pub async fn page(ctx: &Ctx, code: &str) -> Result<Response, ApiError> {
    let d1 = ctx.national()?;
    let agency: Agency = db::first(d1.prepare("SELECT code, name FROM agencies WHERE code = ?1").bind(&[code.into()])?)
        .await?
        .ok_or(ApiError::NotFound { what: "agency", field: Some("agency") })?;
    let parent = embed::parse_origin("parent", &ctx.query("parent").unwrap_or_default())?;
    let color = match ctx.query("color").filter(|c| !c.is_empty()) {
        Some(c) => Some(embed::parse_color("color", &c)?),
        None => None,
    };
    let allowed = repo::origins(&d1, &agency.code).await?;
    if !allowed.contains(&parent) {
        return Err(ApiError::Forbidden {
            code: "origin_not_allowed",
            message: "This website may not embed the agency's services.",
            message_vi: "Trang web này chưa được phép nhúng dịch vụ công của cơ quan.",
            field: Some("parent"),
        });
    }
    let settings = serde_json::json!({ "agency": agency.code, "name": agency.name, "parent": parent, "color": color });
    // `<` escaped so no value can close the script element.
    let settings = settings.to_string().replace('<', "\\u003c");
    let assets = ctx.env.assets(config::ASSETS)?;
    let mut index = assets.fetch(format!("{}/", config::public_base_url(&ctx.env)), None).await?;
    let html = index.text().await?;
    let inject = format!("<script>window.motcuaEmbed={settings};</script><script src=\"/embed-frame.js\"></script></head>");
    let mut resp = Response::from_html(html.replacen("</head>", &inject, 1))?;
    let headers = resp.headers_mut();
    headers.set("Content-Security-Policy", &embed::frame_ancestors(&allowed))?;
    // The page depends on the query (parent, colour): never served from a cache to another portal.
    headers.set("Cache-Control", "no-store")?;
    Ok(resp)
}
