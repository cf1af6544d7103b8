//! `GET|PUT /api/admin/agencies/{code}/paperless`, `POST /api/staff/assist`, and the two checks
//! other handlers call: the walk-in's [`refuse_paper`] and the online submission's
//! [`assisted_by`].

use motcua_domain::paperless::{self, AssistCode, AssistGrant, AssistLink, PaperlessInput};
use motcua_domain::validation::FieldError;
use serde_json::json;
use time::OffsetDateTime;
use worker::Response;
use crate::platform::db::Db;

use super::store;
use crate::auth::session;
use crate::desk::admin::{admin, agency_in_scope};
use crate::desk::audit;
use crate::platform::error::ApiError;
use crate::platform::http::{json, Ctx};
use crate::platform::{clock, config, random};

/// The codes of every procedure, and of those the agency handles (through the catalog's own
/// reads: no row type of this module's, which the Worker's size budget would pay for).
async fn procedure_codes(d1: &Db, agency: &str) -> Result<(Vec<String>, Vec<String>), ApiError> {
    let all = crate::catalog::repo::all_procedures(d1).await?.into_iter().map(|p| p.code).collect();
    let handled = crate::catalog::repo::procedures_of(d1, agency).await?.into_iter().map(|p| p.code).collect();
    Ok((all, handled))
}

async fn existing_agency(d1: &Db, code: &str) -> Result<(), ApiError> {
    crate::catalog::repo::agency(d1, code).await?.map(|_| ()).ok_or(ApiError::NotFound { what: "agency", field: Some("code") })
}

/// `GET /api/admin/agencies/{code}/paperless`.
pub async fn get(ctx: &Ctx, code: &str) -> Result<Response, ApiError> {
    let staff = admin(ctx).await?;
    agency_in_scope(&staff, code)?;
    // The rules are the agency's configuration: national.
    let d1 = ctx.national()?;
    existing_agency(&d1, code).await?;
    let (rule, version) = store::rule(&d1, code).await?;
    json(&store::view_json(code, &rule, version))
}

/// `PUT /api/admin/agencies/{code}/paperless` `{"procedures", "weekdays", "dates",
/// "except_dates", "version"?}`: replaces the agency's rule (an empty body clears it).
pub async fn put(ctx: &mut Ctx, code: &str) -> Result<Response, ApiError> {
    let staff = admin(ctx).await?;
    agency_in_scope(&staff, code)?;
    let input = PaperlessInput::from_json(&ctx.json_body::<serde_json::Value>().await?)?;
    let d1 = ctx.national()?;
    existing_agency(&d1, code).await?;
    let (known, handled) = procedure_codes(&d1, code).await?;
    let rule = input.validate(|p| known.iter().any(|k| k == p), |p| handled.iter().any(|h| h == p))?;
    let (before, version) = store::rule(&d1, code).await?;
    if input.version.is_some_and(|v| v != version) {
        return Err(store::stale(&d1, code).await);
    }
    let at = clock::rfc3339(clock::now());
    let after = store::rule_json(&rule);
    let mut stmts = store::put_stmts(&d1, code, &after, version, &staff, &at)?;
    stmts.push(audit::stmt(&d1, &staff, &at, "paperless.put", "agency", code, &store::rule_json(&before), &after)?);
    store::run(&d1, code, stmts).await?;
    json(&store::view_json(code, &rule, version + 1))
}

/// Refuses a paper dossier handed in at the counter on one of the agency's paperless days for
/// its procedure (409 `paperless_day` at `procedure`). A dossier that came by post is not
/// refused: the citizen is not at the desk to be helped online, and sending the paper back
/// would only delay them — the rule is about walk-ins at the counter. `d1`: the national
/// database (the rules are the agency's configuration).
pub async fn refuse_paper(d1: &Db, agency: &str, procedure: &str, now: OffsetDateTime) -> Result<(), ApiError> {
    let (rule, _) = store::rule(d1, agency.trim()).await?;
    if rule.applies_at(procedure.trim(), now) {
        return Err(ApiError::Conflict {
            code: paperless::REFUSAL_CODE.into(),
            message: paperless::REFUSAL_EN.into(),
            message_vi: paperless::REFUSAL_VI.into(),
            field: Some("procedure".into()),
        });
    }
    Ok(())
}

/// The officer an online submission was helped by, from its `assist` code (`None` without
/// one); a code never issued, for another agency or procedure, or expired is refused at `assist`.
/// `d1` is the shard of the submission's agency, where a code for that agency is kept.
pub async fn assisted_by(d1: &Db, assist: Option<&str>, agency: &str, procedure: &str) -> Result<Option<String>, ApiError> {
    let Some(raw) = assist.map(str::trim).filter(|a| !a.is_empty()) else { return Ok(None) };
    let code = AssistCode::parse("assist", raw)?;
    let grant = store::assist_grant(d1, &code).await?.ok_or_else(|| paperless::assist_invalid("assist"))?;
    Ok(Some(grant.check("assist", agency, procedure, clock::now().unix_timestamp())?.to_string()))
}

/// What the online-only days of `procedure` at `agency` are, for the procedure's public page.
pub async fn online_only(d1: &Db, agency: &str, procedure: &str) -> Result<Option<paperless::OnlineOnlyDays>, ApiError> {
    let (rule, _) = store::rule(d1, agency).await?;
    Ok(rule.online_only_days(procedure, clock::today_vn()))
}

/// `POST /api/staff/assist` `{"agency", "procedure"}`: a short-lived assisted-filing link for a
/// procedure the agency handles, bound to the calling officer, with its QR code.
pub async fn assist(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let staff = session::staff(ctx).await?;
    // Read as a plain JSON value: one deserializer less in the Worker (its size budget).
    let body: serde_json::Value = ctx.json_body().await?;
    let text = |k: &str| body.get(k).and_then(|v| v.as_str()).unwrap_or("").trim().to_string();
    let (agency, procedure) = (text("agency"), text("procedure"));
    if agency.is_empty() {
        return Err(FieldError::required("agency").into());
    }
    if procedure.is_empty() {
        return Err(FieldError::required("procedure").into());
    }
    if !staff.covers(&agency) {
        return Err(ApiError::NotFound { what: "agency", field: Some("agency") });
    }
    let national = ctx.national()?;
    let agency_name = crate::catalog::repo::agency(&national, &agency).await?.ok_or(ApiError::NotFound { what: "agency", field: Some("agency") })?.name;
    let procedure_name = crate::catalog::repo::procedures_of(&national, &agency)
        .await?
        .into_iter()
        .find(|p| p.code == procedure)
        .ok_or_else(|| FieldError::new("procedure", "not_handled", "Cơ quan không thực hiện thủ tục này.", "The agency does not handle this procedure."))?
        .name;
    let now = clock::now();
    let code = AssistCode::from_random(random::bytes());
    let grant = AssistGrant { staff_id: staff.staff_id.clone(), agency: agency.clone(), procedure: procedure.clone(), expires_at: now.unix_timestamp() + paperless::ASSIST_TTL_SECONDS };
    let url = format!("{}{}", config::public_base_url(&ctx.env), paperless::assist_path(&procedure, &agency, &code));
    let svg = motcua_domain::gateway::vietqr::svg(&url)
        .map_err(|e| ApiError::Unexpected(format!("assist QR: {e:?}")))?
        .replace("aria-label=\"Mã VietQR\"", "aria-label=\"Mã QR nộp hồ sơ trực tuyến\"");
    let at = clock::rfc3339(now);
    let expires_at = clock::rfc3339(OffsetDateTime::from_unix_timestamp(grant.expires_at).map_err(|e| ApiError::Unexpected(e.to_string()))?);
    // The code is read by the submission to that agency, in its shard (with the audit row).
    let d1 = ctx.shard_of_agency("agency", &agency)?;
    d1.batch(vec![
        store::assist_insert(&d1, &code, &grant, &at)?,
        audit::stmt(&d1, &staff, &at, "assist.create", "agency", &agency, &serde_json::Value::Null, &json!({"procedure": procedure, "expires_at": expires_at}))?,
    ])
    .await?;
    Ok(json(&AssistLink { code: code.as_str().to_string(), url, expires_at, svg, procedure_name, agency_name })?.with_status(201))
}
