//! The only reader and writer of `agency_signing_accounts`. An account is written on the
//! version it was decided from (0 before the first), so two admins saving at once cannot
//! silently overwrite each other.

use motcua_domain::signing::{SigningAccount, SigningAccountView};
use worker::D1PreparedStatement;
use crate::platform::db::Db;

use crate::auth::session::StaffSession;
use crate::platform::db::{self, Guarded};
use crate::platform::error::ApiError;

/// The agency's account as the API shows it (version 0 and nulls without one).
pub async fn view(d1: &Db, agency: &str) -> Result<SigningAccountView, ApiError> {
    let row: Option<serde_json::Value> = db::first(
        d1.prepare("SELECT provider, user_id, serial_number, updated_at, version FROM agency_signing_accounts WHERE agency_code = ?1")
            .bind(&[agency.into()])?,
    )
    .await?;
    let text = |r: &serde_json::Value, k: &str| r[k].as_str().map(str::to_string);
    Ok(match row {
        Some(r) => SigningAccountView {
            agency: agency.into(),
            configured: true,
            provider: text(&r, "provider"),
            user_id: text(&r, "user_id"),
            serial_number: text(&r, "serial_number"),
            updated_at: text(&r, "updated_at"),
            version: r["version"].as_i64().or_else(|| r["version"].as_f64().map(|f| f as i64)).unwrap_or(0),
        },
        None => SigningAccountView { agency: agency.into(), configured: false, provider: None, user_id: None, serial_number: None, updated_at: None, version: 0 },
    })
}

/// The statements that replace the agency's account, guarded by `version`; the caller adds the
/// audit row and runs them with [`run`].
pub fn put_stmts(d1: &Db, agency: &str, account: &SigningAccount, version: i64, staff: &StaffSession, at: &str) -> Result<Vec<D1PreparedStatement>, ApiError> {
    Ok(vec![
        db::guard(d1, Guarded::SigningAccount, agency, version)?,
        d1.prepare(
            "INSERT INTO agency_signing_accounts (agency_code, provider, user_id, serial_number, updated_by, updated_at, version) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1) ON CONFLICT (agency_code) DO UPDATE SET provider = excluded.provider, \
             user_id = excluded.user_id, serial_number = excluded.serial_number, updated_by = excluded.updated_by, \
             updated_at = excluded.updated_at, version = agency_signing_accounts.version + 1",
        )
        .bind(&[
            agency.into(),
            account.provider.as_str().into(),
            account.user_id.as_str().into(),
            db::nullable(account.serial_number.as_deref()),
            staff.staff_id.as_str().into(),
            at.into(),
        ])?,
    ])
}

/// Runs an account's batch; a lost race is 409 `conflict` naming the version now stored.
pub async fn run(d1: &Db, agency: &str, stmts: Vec<D1PreparedStatement>) -> Result<(), ApiError> {
    match d1.batch(stmts).await {
        Ok(_) => Ok(()),
        Err(e) if db::is_stale(&e) => Err(stale(d1, agency).await),
        Err(e) => Err(e.into()),
    }
}

pub async fn stale(d1: &Db, agency: &str) -> ApiError {
    let now = view(d1, agency).await.map(|v| v.version).unwrap_or(-1);
    ApiError::Stale {
        what: "signing_account",
        current: format!("version {now}"),
        label_vi: format!("Tài khoản ký số đã được người khác thay đổi (phiên bản {now}); vui lòng tải lại."),
        label_en: format!("Someone else changed the signing account (version {now}); reload it."),
    }
}
