//! Log-in records in D1: one-time codes and the per-number guard, sessions, citizens' profiles,
//! staff accounts, their scopes and the log-in audit. Times are unix seconds; numbers are bound
//! as JS numbers (never BigInt, which D1 stores differently).

use motcua_domain::auth::otp::{self, Guard};
use motcua_domain::auth::StaffRole;
use serde::Deserialize;
use worker::wasm_bindgen::JsValue;
use crate::platform::db::Db;

use crate::platform::db;
use crate::platform::error::ApiError;

fn n(v: i64) -> JsValue {
    JsValue::from_f64(v as f64)
}

fn opt_s(v: Option<&str>) -> JsValue {
    v.map(JsValue::from_str).unwrap_or(JsValue::NULL)
}

#[derive(Deserialize)]
struct Times {
    created_at: i64,
}

/// When codes were sent to `phone` and from `ip_hash` since `since`.
pub async fn sends_since(d1: &Db, phone: &str, ip_hash: &str, since: i64) -> Result<(Vec<i64>, Vec<i64>), ApiError> {
    let phone_rows: Vec<Times> = db::all(
        d1.prepare("SELECT created_at FROM otp_codes WHERE phone = ?1 AND created_at > ?2")
            .bind(&[phone.into(), n(since)])?,
    )
    .await?;
    let ip_rows: Vec<Times> = db::all(
        d1.prepare("SELECT created_at FROM otp_codes WHERE ip_hash = ?1 AND created_at > ?2")
            .bind(&[ip_hash.into(), n(since)])?,
    )
    .await?;
    Ok((phone_rows.into_iter().map(|t| t.created_at).collect(), ip_rows.into_iter().map(|t| t.created_at).collect()))
}

#[derive(Deserialize)]
struct GuardRow {
    failures: i64,
    locked_until: Option<i64>,
}

pub async fn guard(d1: &Db, phone: &str) -> Result<Guard, ApiError> {
    let row: Option<GuardRow> =
        db::first(d1.prepare("SELECT failures, locked_until FROM otp_guards WHERE phone = ?1").bind(&[phone.into()])?)
            .await?;
    Ok(row.map(|r| Guard { failures: r.failures as u32, locked_until: r.locked_until }).unwrap_or_default())
}

/// Stores a new code unless one was sent less than `resend_after` seconds ago (checked in the
/// same statement, so two racing requests cannot both send). Returns the row id, or `None`.
pub async fn insert_code(
    d1: &Db,
    phone: &str,
    code_hash: &str,
    ip_hash: &str,
    now: i64,
    expires_at: i64,
    resend_after: i64,
) -> Result<Option<i64>, ApiError> {
    #[derive(Deserialize)]
    struct Id {
        id: i64,
    }
    let row: Option<Id> = db::first(
        d1.prepare(
            "INSERT INTO otp_codes (phone, code_hash, ip_hash, created_at, expires_at) \
             SELECT ?1, ?2, ?3, ?4, ?5 WHERE NOT EXISTS \
               (SELECT 1 FROM otp_codes WHERE phone = ?1 AND created_at > ?6) RETURNING id",
        )
        .bind(&[phone.into(), code_hash.into(), ip_hash.into(), n(now), n(expires_at), n(now - resend_after)])?,
    )
    .await?;
    Ok(row.map(|r| r.id))
}

pub async fn delete_code(d1: &Db, id: i64) -> Result<(), ApiError> {
    d1.prepare("DELETE FROM otp_codes WHERE id = ?1").bind(&[n(id)])?.run().await?;
    Ok(())
}

#[derive(Deserialize)]
pub struct CodeRow {
    pub id: i64,
    pub code_hash: String,
    pub expires_at: i64,
    pub consumed: i64,
}

/// The latest code sent to a number (earlier ones no longer count).
pub async fn latest_code(d1: &Db, phone: &str) -> Result<Option<CodeRow>, ApiError> {
    db::first(
        d1.prepare("SELECT id, code_hash, expires_at, consumed FROM otp_codes WHERE phone = ?1 ORDER BY id DESC LIMIT 1")
            .bind(&[phone.into()])?,
    )
    .await
}

/// Counts one try at a number's code before it is judged, in one statement, so parallel tries
/// each get their own number: [`Guard::reserve`](motcua_domain::auth::otp::Guard::reserve) in SQL
/// (the try that reaches the limit sets the lock; a lock that has run out starts again at 1).
/// Returns the try's number, or `None` when the number is locked and nothing may be compared.
pub async fn reserve_try(d1: &Db, phone: &str, now: i64) -> Result<Option<u32>, ApiError> {
    #[derive(Deserialize)]
    struct Failures {
        failures: i64,
    }
    let row: Option<Failures> = db::first(
        d1.prepare(
            "INSERT INTO otp_guards (phone, failures, locked_until) VALUES (?1, 1, CASE WHEN 1 >= ?3 THEN ?4 END) \
             ON CONFLICT (phone) DO UPDATE SET \
               failures = CASE WHEN locked_until IS NOT NULL THEN 1 ELSE failures + 1 END, \
               locked_until = CASE WHEN (CASE WHEN locked_until IS NOT NULL THEN 1 ELSE failures + 1 END) >= ?3 THEN ?4 END \
             WHERE locked_until <= ?2 OR (locked_until IS NULL AND failures < ?3) \
             RETURNING failures",
        )
        .bind(&[phone.into(), n(now), n(otp::MAX_WRONG as i64), n(now + otp::LOCK_FOR)])?,
    )
    .await?;
    Ok(row.map(|r| r.failures.max(0) as u32))
}

/// A right code: the number's count starts again.
pub async fn clear_guard(d1: &Db, phone: &str) -> Result<(), ApiError> {
    d1.prepare("DELETE FROM otp_guards WHERE phone = ?1").bind(&[phone.into()])?.run().await?;
    Ok(())
}

/// Wrong codes per client address (motcua_domain::auth::otp::VERIFY_PER_IP in VERIFY_WINDOW).
pub const ADDRESS_TRIES: crate::platform::address_limit::Limit =
    crate::platform::address_limit::Limit { table: "otp_verify_failures", max: otp::VERIFY_PER_IP, window: otp::VERIFY_WINDOW };

/// Reserves one of the client address's wrong tries within the window before a code is
/// compared (the count and the insert are one statement). `None`: the address has used them all.
pub async fn reserve_address_try(d1: &Db, ip_hash: &str, now: i64) -> Result<Option<i64>, ApiError> {
    ADDRESS_TRIES.reserve(d1, ip_hash, now).await
}

/// Gives back a reserved address try that was not a wrong code (right, or not compared).
pub async fn release_address_try(d1: &Db, id: i64) -> Result<(), ApiError> {
    ADDRESS_TRIES.release(d1, id).await
}

/// The oldest wrong try of the address still inside the window (for `Retry-After`).
pub async fn oldest_address_try(d1: &Db, ip_hash: &str, now: i64) -> Result<Option<i64>, ApiError> {
    ADDRESS_TRIES.oldest(d1, ip_hash, now).await
}

/// Scheduled: drops the per-address wrong tries (and wrong bill look-ups) that have left their window.
pub async fn forget_old_address_tries(env: &worker::Env) -> Result<usize, ApiError> {
    let d1 = crate::platform::shards::national(env)?;
    let now = (worker::Date::now().as_millis() / 1000) as i64;
    Ok(ADDRESS_TRIES.forget_old(&d1, now).await?
        + crate::bill::public::LOOKUP_MISSES.forget_old(&d1, now).await?
        + crate::bill::links::LINK_BILLS.forget_old(&d1, now).await?)
}

/// Counts a wrong code against the code itself; `burn` (the try that locked the number) makes it
/// unusable, so after the lock a new code must be asked for.
pub async fn count_wrong_try(d1: &Db, id: i64, burn: bool) -> Result<(), ApiError> {
    d1.prepare("UPDATE otp_codes SET attempts = attempts + 1, consumed = MAX(consumed, ?2) WHERE id = ?1")
        .bind(&[n(id), n(burn as i64)])?
        .run()
        .await?;
    Ok(())
}

/// Marks the code used if it still is live; false when another request used (or a lock burnt)
/// it first, or it expired meanwhile.
pub async fn consume_code(d1: &Db, id: i64, now: i64) -> Result<bool, ApiError> {
    let result = d1
        .prepare("UPDATE otp_codes SET consumed = 1 WHERE id = ?1 AND consumed = 0 AND expires_at > ?2")
        .bind(&[n(id), n(now)])?
        .run()
        .await?;
    Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0) == 1)
}

/// Sandbox only: moves a number's codes and its lock `seconds` into the past (to test expiry,
/// resend and the end of a lock).
#[cfg(feature = "sandbox")]
pub async fn age_codes(d1: &Db, phone: &str, seconds: i64) -> Result<usize, ApiError> {
    let results = d1
        .batch(vec![
            d1.prepare("UPDATE otp_codes SET created_at = created_at - ?2, expires_at = expires_at - ?2 WHERE phone = ?1")
                .bind(&[phone.into(), n(seconds)])?,
            d1.prepare("UPDATE otp_guards SET locked_until = locked_until - ?2 WHERE phone = ?1 AND locked_until IS NOT NULL")
                .bind(&[phone.into(), n(seconds)])?,
        ])
        .await?;
    Ok(results.first().and_then(|r| r.meta().ok().flatten()).and_then(|m| m.changes).unwrap_or(0))
}

// ---- citizens ----

#[derive(Deserialize)]
pub struct CitizenRow {
    pub id: String,
    /// `None` for an account reached by the national log-in only.
    pub phone: Option<String>,
    pub full_name: Option<String>,
    pub citizen_id: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    /// The national portal's `sub`: `citizen_id` is then verified by the portal.
    pub national_sub: Option<String>,
    /// 0 while a profile filled from the portal waits for the citizen's confirmation.
    pub profile_confirmed: i64,
    /// `sms,email,zalo` (motcua_domain::notify::Channels).
    pub notify_channels: String,
}

impl CitizenRow {
    pub fn account(&self) -> motcua_domain::auth::national::Account {
        motcua_domain::auth::national::Account {
            id: self.id.clone(),
            phone: self.phone.clone(),
            citizen_id: self.citizen_id.clone(),
            national_sub: self.national_sub.clone(),
        }
    }
}

const CITIZEN_COLUMNS: &str = "id, phone, full_name, citizen_id, email, address, national_sub, profile_confirmed, notify_channels";

pub async fn citizen_by_phone(d1: &Db, phone: &str) -> Result<Option<CitizenRow>, ApiError> {
    db::first(d1.prepare(format!("SELECT {CITIZEN_COLUMNS} FROM citizens WHERE phone = ?1")).bind(&[phone.into()])?).await
}

pub async fn citizen_by_id(d1: &Db, id: &str) -> Result<Option<CitizenRow>, ApiError> {
    db::first(d1.prepare(format!("SELECT {CITIZEN_COLUMNS} FROM citizens WHERE id = ?1")).bind(&[id.into()])?).await
}

/// The citizen of an unexpired session, in one read (every citizen request starts with it).
pub async fn citizen_of_session(d1: &Db, token_hash: &str, now: i64) -> Result<Option<CitizenRow>, ApiError> {
    db::first(
        d1.prepare(format!(
            "SELECT {CITIZEN_COLUMNS} FROM citizens WHERE id = \
               (SELECT subject_id FROM sessions WHERE token_hash = ?1 AND kind = 'citizen' AND expires_at > ?2)"
        ))
        .bind(&[token_hash.into(), n(now)])?,
    )
    .await
}

/// The citizen with this number, created on first log-in.
pub async fn citizen_for_phone(d1: &Db, phone: &str, new_id: &str, now_iso: &str) -> Result<CitizenRow, ApiError> {
    d1.prepare("INSERT INTO citizens (id, phone, created_at) VALUES (?1, ?2, ?3) ON CONFLICT (phone) DO NOTHING")
        .bind(&[new_id.into(), phone.into(), now_iso.into()])?
        .run()
        .await?;
    citizen_by_phone(d1, phone).await?.ok_or_else(|| ApiError::Unexpected("citizen row missing after insert".into()))
}

/// Saves the profile the citizen confirmed. The identification number the national portal
/// verified is never replaced (the statement's guard); false when that is what was asked.
pub async fn update_profile(
    d1: &Db,
    id: &str,
    full_name: &str,
    citizen_id: &str,
    email: Option<&str>,
    address: Option<&str>,
    notify_channels: &str,
) -> Result<bool, ApiError> {
    let result = d1
        .prepare(
            "UPDATE citizens SET full_name = ?2, citizen_id = ?3, email = ?4, address = ?5, profile_confirmed = 1, notify_channels = ?6 \
             WHERE id = ?1 AND (national_sub IS NULL OR citizen_id = ?3)",
        )
        .bind(&[id.into(), full_name.into(), citizen_id.into(), opt_s(email), opt_s(address), notify_channels.into()])?
        .run()
        .await?;
    Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0) == 1)
}

// ---- national log-in ----

pub async fn citizen_by_national_sub(d1: &Db, sub: &str) -> Result<Option<CitizenRow>, ApiError> {
    db::first(d1.prepare(format!("SELECT {CITIZEN_COLUMNS} FROM citizens WHERE national_sub = ?1")).bind(&[sub.into()])?).await
}

/// The account holding this identification number as verified by the portal.
pub async fn citizen_by_verified_id(d1: &Db, citizen_id: &str) -> Result<Option<CitizenRow>, ApiError> {
    db::first(
        d1.prepare(format!("SELECT {CITIZEN_COLUMNS} FROM citizens WHERE citizen_id = ?1 AND national_sub IS NOT NULL"))
            .bind(&[citizen_id.into()])?,
    )
    .await
}

fn changed(result: &worker::D1Result) -> Result<bool, ApiError> {
    Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0) == 1)
}

/// Links an account to the national subject, each guarded by the state the link was decided
/// from (`motcua_domain::auth::national::link`); false when that state changed meanwhile.
/// `Linked`: the account still holds the verified number (the portal may have re-issued `sub`).
pub async fn relink_national(d1: &Db, id: &str, sub: &str, tech_id: Option<&str>, citizen_id: &str) -> Result<bool, ApiError> {
    let r = d1
        .prepare(
            "UPDATE citizens SET national_sub = ?2, national_tech_id = ?4 WHERE id = ?1 AND citizen_id = ?3 AND national_sub IS NOT NULL",
        )
        .bind(&[id.into(), sub.into(), citizen_id.into(), opt_s(tech_id)])?
        .run()
        .await?;
    changed(&r)
}

/// `Attach`: the phone account still has the number and the declared CCCD, and no national link.
pub async fn attach_national(
    d1: &Db,
    id: &str,
    sub: &str,
    tech_id: Option<&str>,
    phone: &str,
    citizen_id: &str,
    full_name: Option<&str>,
) -> Result<bool, ApiError> {
    let r = d1
        .prepare(
            "UPDATE citizens SET national_sub = ?2, national_tech_id = ?6, full_name = COALESCE(?5, full_name), profile_confirmed = 0 \
             WHERE id = ?1 AND national_sub IS NULL AND phone = ?3 AND citizen_id = ?4",
        )
        .bind(&[id.into(), sub.into(), phone.into(), citizen_id.into(), opt_s(full_name), opt_s(tech_id)])?
        .run()
        .await?;
    changed(&r)
}

/// `Create`: a new account from the portal's claims, its profile to be confirmed. False when a
/// racing log-in took the subject, the number or the phone first (decide again).
#[allow(clippy::too_many_arguments)]
pub async fn create_national(
    d1: &Db,
    id: &str,
    sub: &str,
    tech_id: Option<&str>,
    phone: Option<&str>,
    citizen_id: &str,
    full_name: Option<&str>,
    email: Option<&str>,
    now_iso: &str,
) -> Result<bool, ApiError> {
    let r = d1
        .prepare(
            "INSERT INTO citizens (id, phone, full_name, citizen_id, email, created_at, national_sub, national_tech_id, profile_confirmed) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0) ON CONFLICT DO NOTHING",
        )
        .bind(&[id.into(), opt_s(phone), opt_s(full_name), citizen_id.into(), opt_s(email), now_iso.into(), sub.into(), opt_s(tech_id)])?
        .run()
        .await?;
    changed(&r)
}

/// A log-in sent to the portal: kept until its callback, at most `expires_at`. Expired ones are
/// swept in the same batch.
pub async fn insert_national_login(
    d1: &Db,
    state_hash: &str,
    verifier: &str,
    nonce: &str,
    return_path: &str,
    now: i64,
    expires_at: i64,
) -> Result<(), ApiError> {
    d1.batch(vec![
        d1.prepare("DELETE FROM national_logins WHERE expires_at <= ?1").bind(&[n(now)])?,
        d1.prepare(
            "INSERT INTO national_logins (state_hash, verifier, nonce, return_path, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )
        .bind(&[state_hash.into(), verifier.into(), nonce.into(), return_path.into(), n(now), n(expires_at)])?,
    ])
    .await?;
    Ok(())
}

#[derive(Deserialize)]
pub struct NationalLoginRow {
    pub verifier: String,
    pub nonce: String,
    pub return_path: String,
}

/// Takes the log-in named by the state: the one statement that reads it also deletes it, so of
/// two callbacks with the same state exactly one gets it. `None`: unknown, used or expired.
pub async fn take_national_login(d1: &Db, state_hash: &str, now: i64) -> Result<Option<NationalLoginRow>, ApiError> {
    db::first(
        d1.prepare("DELETE FROM national_logins WHERE state_hash = ?1 AND expires_at > ?2 RETURNING verifier, nonce, return_path")
            .bind(&[state_hash.into(), n(now)])?,
    )
    .await
}

// ---- sessions ----

/// `id_token`: the national portal's, for its logout (sessions it opened only).
pub async fn insert_session(
    d1: &Db,
    token_hash: &str,
    kind: &str,
    subject: &str,
    now: i64,
    expires_at: i64,
    id_token: Option<&str>,
) -> Result<(), ApiError> {
    d1.prepare("INSERT INTO sessions (token_hash, kind, subject_id, created_at, expires_at, id_token) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        .bind(&[token_hash.into(), kind.into(), subject.into(), n(now), n(expires_at), opt_s(id_token)])?
        .run()
        .await?;
    Ok(())
}

/// The subject of a live session of this kind.
pub async fn session_subject(d1: &Db, token_hash: &str, kind: &str, now: i64) -> Result<Option<String>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        subject_id: String,
    }
    let row: Option<Row> = db::first(
        d1.prepare("SELECT subject_id FROM sessions WHERE token_hash = ?1 AND kind = ?2 AND expires_at > ?3")
            .bind(&[token_hash.into(), kind.into(), n(now)])?,
    )
    .await?;
    Ok(row.map(|r| r.subject_id))
}

/// Ends a session; answers the national portal's id_token it kept, if it was opened there.
pub async fn delete_session(d1: &Db, token_hash: &str) -> Result<Option<String>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        id_token: Option<String>,
    }
    let row: Option<Row> =
        db::first(d1.prepare("DELETE FROM sessions WHERE token_hash = ?1 RETURNING id_token").bind(&[token_hash.into()])?).await?;
    Ok(row.and_then(|r| r.id_token))
}

// ---- staff ----

#[derive(Deserialize)]
pub struct StaffRow {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub password_hash: String,
    pub failed_logins: i64,
    /// Unix seconds as text (the column was declared TEXT in 0001).
    pub locked_until: Option<i64>,
    pub totp_secret: Option<String>,
    pub totp_last_step: Option<i64>,
}

impl StaffRow {
    /// The stored role; the table's CHECK allows only known ones.
    pub fn staff_role(&self) -> Result<StaffRole, ApiError> {
        StaffRole::parse(&self.role).ok_or_else(|| ApiError::Unexpected(format!("unknown staff role {:?}", self.role)))
    }
}

const STAFF_COLUMNS: &str = "id, username, display_name, role, password_hash, failed_logins, \
     CAST(locked_until AS INTEGER) AS locked_until, totp_secret, totp_last_step";

pub async fn staff_by_username(d1: &Db, username: &str) -> Result<Option<StaffRow>, ApiError> {
    db::first(d1.prepare(format!("SELECT {STAFF_COLUMNS} FROM staff WHERE username = ?1")).bind(&[username.into()])?).await
}

pub async fn staff_by_id(d1: &Db, id: &str) -> Result<Option<StaffRow>, ApiError> {
    db::first(d1.prepare(format!("SELECT {STAFF_COLUMNS} FROM staff WHERE id = ?1")).bind(&[id.into()])?).await
}

pub async fn save_staff_failures(d1: &Db, id: &str, failures: u32, locked_until: Option<i64>) -> Result<(), ApiError> {
    d1.prepare("UPDATE staff SET failed_logins = ?2, locked_until = ?3 WHERE id = ?1")
        .bind(&[id.into(), n(failures as i64), locked_until.map(|u| JsValue::from_str(&u.to_string())).unwrap_or(JsValue::NULL)])?
        .run()
        .await?;
    Ok(())
}

pub async fn save_totp_step(d1: &Db, id: &str, step: i64) -> Result<(), ApiError> {
    d1.prepare("UPDATE staff SET totp_last_step = ?2 WHERE id = ?1").bind(&[id.into(), n(step)])?.run().await?;
    Ok(())
}

pub async fn audit_login(d1: &Db, staff_id: Option<&str>, username: &str, outcome: &str, ip_hash: &str, now: i64) -> Result<(), ApiError> {
    d1.prepare("INSERT INTO staff_logins (staff_id, username, outcome, ip_hash, at) VALUES (?1, ?2, ?3, ?4, ?5)")
        .bind(&[opt_s(staff_id), username.into(), outcome.into(), ip_hash.into(), n(now)])?
        .run()
        .await?;
    Ok(())
}

/// The agency codes a staff member acts on: an officer's own `staff_scopes` rows; for a leader or
/// an admin, every agency under their root agencies (any depth); for the national admin, every
/// agency.
pub async fn scope(d1: &Db, staff_id: &str, role: StaffRole) -> Result<Vec<String>, ApiError> {
    #[derive(Deserialize)]
    struct Code {
        code: String,
    }
    let sql = if role == StaffRole::National {
        // Every province, including one added after the account was made.
        "SELECT code FROM agencies WHERE ?1 IS NOT NULL ORDER BY code"
    } else if !role.covers_subtree() {
        "SELECT agency_code AS code FROM staff_scopes WHERE staff_id = ?1 ORDER BY agency_code"
    } else {
        "WITH RECURSIVE tree(code) AS ( \
           SELECT agency_code FROM staff_scopes WHERE staff_id = ?1 \
           UNION SELECT a.code FROM agencies a JOIN tree t ON a.parent_code = t.code) \
         SELECT code FROM tree ORDER BY code"
    };
    let rows: Vec<Code> = db::all(d1.prepare(sql).bind(&[staff_id.into()])?).await?;
    Ok(rows.into_iter().map(|c| c.code).collect())
}

// ---- development outbox ----

#[cfg(feature = "sandbox")]
#[derive(Deserialize, serde::Serialize)]
pub struct OutboxRow {
    pub id: i64,
    pub channel: String,
    pub recipient: String,
    pub body: String,
    pub created_at: String,
}

#[cfg(feature = "sandbox")]
pub async fn dev_outbox(d1: &Db, to: Option<&str>) -> Result<Vec<OutboxRow>, ApiError> {
    let stmt = match to {
        Some(to) => d1
            .prepare("SELECT id, channel, recipient, body, created_at FROM dev_outbox WHERE recipient = ?1 ORDER BY id DESC LIMIT 200")
            .bind(&[to.into()])?,
        None => d1.prepare("SELECT id, channel, recipient, body, created_at FROM dev_outbox ORDER BY id DESC LIMIT 200"),
    };
    db::all(stmt).await
}

#[cfg(feature = "sandbox")]
/// Whether the development outbox holds a message sent under `request_id` (empty: never).
pub async fn dev_outbox_has_request(d1: &Db, request_id: &str) -> Result<bool, ApiError> {
    if request_id.is_empty() {
        return Ok(false);
    }
    #[derive(serde::Deserialize)]
    struct One {
        #[allow(dead_code)]
        id: i64,
    }
    let row: Option<One> = db::first(d1.prepare("SELECT id FROM dev_outbox WHERE request_id = ?1").bind(&[request_id.into()])?).await?;
    Ok(row.is_some())
}

#[cfg(feature = "sandbox")]
pub async fn dev_outbox_insert(d1: &Db, channel: &str, recipient: &str, body: &str, request_id: &str) -> Result<(), ApiError> {
    d1.prepare(
        "INSERT OR IGNORE INTO dev_outbox (channel, recipient, body, created_at, request_id) VALUES (?1, ?2, ?3, ?4, ?5)",
    )
    .bind(&[
        channel.into(),
        recipient.into(),
        body.into(),
        crate::platform::clock::rfc3339(crate::platform::clock::now()).into(),
        db::nullable(Some(request_id).filter(|r| !r.is_empty())),
    ])?
    .run()
    .await?;
    Ok(())
}

/// The display names of the officers `ids` names (one national read for a page of a shard's
/// rows, which keep only the staff id: docs/SHARDING.md §2, tool b). Unknown ids are absent.
pub async fn staff_names(national: &Db, ids: &[&str]) -> Result<std::collections::HashMap<String, String>, ApiError> {
    Ok(staff_people(national, ids).await?.into_iter().map(|(id, (name, _))| (id, name)).collect())
}

/// [`staff_names`] with each one's username: (display name, username).
pub async fn staff_people(national: &Db, ids: &[&str]) -> Result<std::collections::HashMap<String, (String, String)>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        id: String,
        display_name: String,
        username: String,
    }
    let mut wanted: Vec<&str> = ids.iter().copied().filter(|i| !i.is_empty()).collect();
    wanted.sort_unstable();
    wanted.dedup();
    if wanted.is_empty() {
        return Ok(Default::default());
    }
    let list = serde_json::to_string(&wanted).map_err(|e| ApiError::Unexpected(e.to_string()))?;
    let rows: Vec<Row> = db::all(
        national.prepare("SELECT id, display_name, username FROM staff WHERE id IN (SELECT value FROM json_each(?1))").bind(&[list.into()])?,
    )
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, (r.display_name, r.username))).collect())
}
