//! The citizen's landing pages written by the Worker (`/`, `/co-quan`, `/thu-tuc/{code}`):
//! complete HTML from the isolate's catalog cache, rendered by `motcua_domain::pages`, so the
//! first paint needs no wasm and no second request. The choices the pages depend on travel as
//! cookies the app writes too: `motcua.agency` (the chosen agency's code; `?agency=` sets it) and
//! `motcua.lang` (`?lang=` sets it). Neither is a secret or an identity: they only pick what the
//! page shows, and an unknown agency code is ignored.

use motcua_domain::api::AgencyNode;
use motcua_domain::auth::session::cookie_value;
use motcua_domain::pages::{agencies, frame, home, procedure, Chosen, Lang};
use worker::Response;

use crate::catalog::{cache, routes as catalog};
use crate::platform::error::ApiError;
use crate::platform::http::Ctx;

/// The release of the app's assets (`scripts/build.sh` passes the same version it writes into
/// the app's shell), so the CSS and script links of these pages are those the service worker keeps.
const ASSET_VERSION: &str = match option_env!("MOTCUA_ASSET_VERSION") {
    Some(v) => v,
    None => "dev",
};

const AGENCY_COOKIE: &str = "motcua.agency";
const LANG_COOKIE: &str = "motcua.lang";
/// A year: a preference, kept like the app's `localStorage`.
const KEEP_SECONDS: u32 = 365 * 24 * 3600;

/// What every page needs from the request: the language, the chosen agency, and the cookies that
/// remember a choice made in this request's query.
struct Visit {
    lang: Lang,
    agency: Option<(String, String)>,
    set_cookies: Vec<String>,
    query: Vec<(String, String)>,
}

impl Visit {
    async fn read(ctx: &Ctx) -> Result<Visit, ApiError> {
        let header = ctx.req.headers().get("Cookie").ok().flatten().unwrap_or_default();
        let query = ctx.query_pairs();
        let asked = |name: &str| query.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.trim().to_string()).filter(|v| !v.is_empty());
        let mut set_cookies = Vec::new();
        let lang = match asked("lang").filter(|l| l == "en" || l == "vi") {
            Some(l) => {
                set_cookies.push(preference(LANG_COOKIE, &l));
                Lang::from_code(Some(&l))
            }
            None => Lang::from_code(cookie_value(&header, LANG_COOKIE)),
        };
        let rows = cache::agencies(&ctx.national()?).await?;
        let known = |code: &str| rows.iter().find(|r| r.code == code).map(|r| (r.code.clone(), r.name.clone()));
        let agency = match asked("agency").and_then(|c| known(&c)) {
            Some(a) => {
                set_cookies.push(preference(AGENCY_COOKIE, &a.0));
                Some(a)
            }
            None => cookie_value(&header, AGENCY_COOKIE).and_then(known),
        };
        Ok(Visit { lang, agency, set_cookies, query })
    }

    fn chosen(&self) -> Option<Chosen<'_>> {
        self.agency.as_ref().map(|(code, name)| Chosen { code, name })
    }

    fn q(&self) -> String {
        self.query.iter().find(|(k, _)| k == "q").map(|(_, v)| v.chars().take(100).collect()).unwrap_or_default()
    }

    fn page(&self, status: u16, page: &str, title: Option<&str>, main: &str) -> Result<Response, ApiError> {
        let html = frame::render(
            &frame::Frame { lang: self.lang, title, page, chosen: self.chosen(), version: ASSET_VERSION, keep: &self.query },
            main,
        );
        let mut resp = Response::from_html(html)?.with_status(status);
        let headers = resp.headers_mut();
        // Always asked again (the catalogue or the choice may have changed); the service worker
        // keeps the last copy for when there is no network.
        headers.set("Cache-Control", "no-cache")?;
        headers.set("Vary", "Cookie")?;
        headers.set("Content-Language", self.lang.code())?;
        for c in &self.set_cookies {
            headers.append("Set-Cookie", c)?;
        }
        Ok(resp)
    }
}

/// A preference cookie the page's script and the app read and write too (so not HttpOnly).
fn preference(name: &str, value: &str) -> String {
    format!("{name}={value}; Path=/; Max-Age={KEEP_SECONDS}; SameSite=Lax")
}

/// `GET /`: the procedures of the chosen agency (all of them without one), `?q=` searched.
pub async fn home(ctx: &Ctx) -> Result<Response, ApiError> {
    let visit = Visit::read(ctx).await?;
    let d1 = ctx.national()?;
    let cached = cache::procedures(&d1, visit.agency.as_ref().map(|a| a.0.as_str())).await?;
    let rows = cached.as_ref().as_deref().unwrap_or_default();
    let summaries: Vec<_> = rows.iter().map(catalog::summary).collect();
    let cards: Vec<home::Card> = summaries.iter().zip(rows).map(|(summary, r)| home::Card { summary, field: &r.field }).collect();
    let q = visit.q();
    let main = home::main(&home::Home { lang: visit.lang, chosen: visit.chosen(), q: &q, cards: &cards });
    visit.page(200, "home", None, &main)
}

/// `GET /co-quan`: the agency tree and its search; `?next=` is where a choice leads.
pub async fn agencies(ctx: &Ctx) -> Result<Response, ApiError> {
    let visit = Visit::read(ctx).await?;
    let rows = cache::agencies(&ctx.national()?).await?;
    let tree: Vec<AgencyNode> = catalog::build_tree(&rows);
    let q = visit.q();
    // Only a path of this site (the same check as the log-in's return path): no open redirect.
    let next = ctx.query("next").filter(|n| !n.trim().is_empty()).and_then(|n| motcua_domain::oidc::return_path(Some(&n)).ok());
    let main = agencies::main(&agencies::Agencies { lang: visit.lang, tree: &tree, q: &q, next: next.as_deref() });
    let title = visit.lang.t("Chọn cơ quan giải quyết", "Choose the handling agency");
    visit.page(200, "agencies", Some(title), &main)
}

/// `GET /thu-tuc/{code}`: the procedure with its fees as they apply at the chosen agency.
pub async fn procedure(ctx: &Ctx, code: &str) -> Result<Response, ApiError> {
    let visit = Visit::read(ctx).await?;
    let found = catalog::detail(&ctx.national()?, code, visit.agency.as_ref().map(|a| a.0.as_str())).await?;
    let Some(detail) = found else {
        let title = visit.lang.t("Không tìm thấy thủ tục", "Procedure not found");
        return visit.page(404, "missing", Some(title), &procedure::missing(visit.lang));
    };
    let main = procedure::main(&procedure::Procedure {
        lang: visit.lang,
        detail: &detail,
        chosen: visit.chosen(),
        query: &visit.query,
        today: crate::platform::clock::today_vn(),
    });
    visit.page(200, "procedure", Some(&detail.summary.name), &main)
}

