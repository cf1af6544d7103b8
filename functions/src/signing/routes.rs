//! `GET|PUT /api/admin/agencies/{code}/signing`: the agency's remote-signing account, for an
//! admin whose scope covers the agency (a provincial admin, their province's agencies only;
//! anyone else 404). The holder id may be a national identity number: the audit log keeps it
//! masked. The checks are the domain's (`SigningAccountInput::validate`).

use motcua_domain::signing::{masked_user_id, SigningAccountInput, SigningAccountView};
use serde_json::json;
use worker::Response;
use crate::platform::db::Db;

use super::store;
use crate::desk::admin::{admin, agency_in_scope};
use crate::desk::audit;
use crate::platform::error::ApiError;
use crate::platform::http::{json, Ctx};
use crate::platform::clock;

async fn existing_agency(d1: &Db, code: &str) -> Result<(), ApiError> {
    crate::catalog::repo::agency(d1, code).await?.map(|_| ()).ok_or(ApiError::NotFound { what: "agency", field: Some("code") })
}

fn audited(v: &SigningAccountView) -> serde_json::Value {
    if !v.configured {
        return serde_json::Value::Null;
    }
    json!({"provider": v.provider, "user_id": v.user_id.as_deref().map(masked_user_id), "serial_number": v.serial_number})
}

/// `GET /api/admin/agencies/{code}/signing`.
pub async fn get(ctx: &Ctx, code: &str) -> Result<Response, ApiError> {
    let staff = admin(ctx).await?;
    agency_in_scope(&staff, code)?;
    let d1 = ctx.national()?;
    existing_agency(&d1, code).await?;
    json(&store::view(&d1, code).await?)
}

/// `PUT /api/admin/agencies/{code}/signing` `{"provider"?, "user_id", "serial_number"?,
/// "version"?}`: replaces the agency's account (audited as `signing_account.put`).
pub async fn put(ctx: &mut Ctx, code: &str) -> Result<Response, ApiError> {
    let staff = admin(ctx).await?;
    agency_in_scope(&staff, code)?;
    let input: SigningAccountInput = ctx.json_body().await?;
    let account = input.validate()?;
    let d1 = ctx.national()?;
    existing_agency(&d1, code).await?;
    let before = store::view(&d1, code).await?;
    if input.version.is_some_and(|v| v != before.version) {
        return Err(store::stale(&d1, code).await);
    }
    let at = clock::rfc3339(clock::now());
    let mut stmts = store::put_stmts(&d1, code, &account, before.version, &staff, &at)?;
    let after = SigningAccountView {
        agency: code.into(),
        configured: true,
        provider: Some(account.provider.clone()),
        user_id: Some(account.user_id.clone()),
        serial_number: account.serial_number.clone(),
        updated_at: Some(at.clone()),
        version: before.version + 1,
    };
    stmts.push(audit::stmt(&d1, &staff, &at, "signing_account.put", "agency", code, &audited(&before), &audited(&after))?);
    store::run(&d1, code, stmts).await?;
    json(&after)
}
