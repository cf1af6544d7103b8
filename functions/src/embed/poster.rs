//! `GET /ap-phich/{agency}`: the agency's printable A4 poster (`motcua_domain::poster`), with
//! the ways to pay it really accepts: each provider whose merchant resolves for the agency (its
//! own or an ancestor's or the deployment's), VietQR only where it has a bank account. An
//! unknown agency gets a small 404 page.

use motcua_domain::gateway::Provider;
use motcua_domain::poster;
use serde::Deserialize;
use worker::Response;

use crate::payment::{accounts, merchants};
use crate::platform::config;
use crate::platform::db;
use crate::platform::error::ApiError;
use crate::platform::http::Ctx;

#[derive(Deserialize)]
struct Agency {
    code: String,
    name: String,
}

pub async fn page(ctx: &Ctx, code: &str) -> Result<Response, ApiError> {
    let d1 = ctx.national()?;
    let agency: Option<Agency> = db::first(d1.prepare("SELECT code, name FROM agencies WHERE code = ?1").bind(&[code.into()])?).await?;
    let Some(agency) = agency else {
        let html = "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>Không tìm thấy cơ quan</title></head>\
                    <body><main><h1>Không tìm thấy cơ quan</h1><p>Mã cơ quan trong địa chỉ không đúng.</p><p><a href=\"/co-quan\">Chọn cơ quan</a></p></main></body></html>";
        return Ok(Response::from_html(html)?.with_status(404));
    };
    let has_account = !accounts::of_agency(&d1, &agency.code).await?.is_empty();
    let mut methods = Vec::new();
    for p in Provider::ALL {
        if p == Provider::Vietqr && !has_account {
            continue;
        }
        if merchants::resolve(&ctx.env, &d1, &agency.code, p).await.is_ok() {
            methods.push(p);
        }
    }
    let url = poster::agency_url(&config::public_base_url(&ctx.env), &agency.code);
    let mut resp = Response::from_html(poster::html(&agency.name, &url, &methods))?;
    resp.headers_mut().set("Cache-Control", "public, max-age=300")?;
    Ok(resp)
}
