//! Each unit's own yearly targets (`agency_targets`): `GET|PUT /api/admin/agencies/{code}/targets`
//! for admins whose scope covers the agency (audited), and the resolution the dashboard uses to
//! compare every unit with its own target (`motcua_domain::indicators::resolve`: its own, else
//! the nearest ancestor's, else the default). The only writer of `agency_targets`; each write is
//! conditional on the version it was decided from.

use std::collections::HashMap;

use motcua_domain::indicators::{self, EffectiveTarget, Indicator, ResolvedTarget, TargetsInput, TargetsView};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::json;
use worker::Response;
use crate::platform::db::Db;

use crate::desk::admin::{admin, agency_in_scope};
use crate::desk::audit;
use crate::platform::error::ApiError;
use crate::platform::http::{json, Ctx};
use crate::platform::{clock, db};

#[derive(Debug, Clone, Deserialize)]
struct Row {
    agency_code: String,
    online_payment_rate: Option<String>,
    online_submission_rate: Option<String>,
    set_by: String,
    set_at: String,
    version: f64,
}

fn fraction(p: &Option<String>) -> Option<Decimal> {
    p.as_deref().and_then(|s| indicators::parse_percent("rate", s).ok())
}

/// Every unit's own targets for a year, and each agency's parent (the whole tree, so that a
/// unit inherits from an ancestor outside the caller's scope too).
pub struct YearTargets {
    own: HashMap<String, (Option<Decimal>, Option<Decimal>)>,
    parents: HashMap<String, Option<String>>,
}

impl YearTargets {
    pub async fn load(d1: &Db, year: i32) -> Result<YearTargets, ApiError> {
        let rows: Vec<Row> = db::all(
            d1.prepare(
                "SELECT agency_code, online_payment_rate, online_submission_rate, set_by, set_at, version FROM agency_targets WHERE year = ?1",
            )
            .bind(&[(year as f64).into()])?,
        )
        .await?;
        let own = rows.into_iter().map(|r| (r.agency_code.clone(), (fraction(&r.online_payment_rate), fraction(&r.online_submission_rate)))).collect();
        let parents = crate::catalog::repo::agencies(d1).await?.into_iter().map(|a| (a.code, a.parent_code)).collect();
        Ok(YearTargets { own, parents })
    }

    /// The unit's target for `indicator` after inheritance.
    pub fn of(&self, code: &str, indicator: Indicator) -> ResolvedTarget {
        let mut chain = Vec::new();
        let mut at = Some(code.to_string());
        while let Some(c) = at {
            if chain.len() > 32 {
                break; // a cycle in the tree would be a data error; never loop on it
            }
            let own = self.own.get(&c).and_then(|(pay, sub)| match indicator {
                Indicator::OnlinePayment => *pay,
                Indicator::OnlineSubmission => *sub,
            });
            at = self.parents.get(&c).cloned().flatten();
            chain.push((c, own));
        }
        indicators::resolve(&chain, indicator)
    }
}

async fn row(d1: &Db, code: &str, year: i32) -> Result<Option<Row>, ApiError> {
    db::first(
        d1.prepare(
            "SELECT agency_code, online_payment_rate, online_submission_rate, set_by, set_at, version FROM agency_targets \
             WHERE agency_code = ?1 AND year = ?2",
        )
        .bind(&[code.into(), (year as f64).into()])?,
    )
    .await
}

async fn view(d1: &Db, code: &str, year: i32) -> Result<TargetsView, ApiError> {
    let own = row(d1, code, year).await?;
    let all = YearTargets::load(d1, year).await?;
    Ok(TargetsView {
        agency: code.to_string(),
        year,
        online_payment_rate: own.as_ref().and_then(|r| r.online_payment_rate.clone()),
        online_submission_rate: own.as_ref().and_then(|r| r.online_submission_rate.clone()),
        effective_online_payment: EffectiveTarget::from(&all.of(code, Indicator::OnlinePayment)),
        effective_online_submission: EffectiveTarget::from(&all.of(code, Indicator::OnlineSubmission)),
        version: own.as_ref().map(|r| r.version as i64).unwrap_or(0),
        set_by: own.as_ref().map(|r| r.set_by.clone()),
        set_at: own.map(|r| r.set_at),
    })
}

async fn known_agency(d1: &Db, code: &str) -> Result<(), ApiError> {
    #[derive(Deserialize)]
    struct C {
        #[allow(dead_code)]
        code: String,
    }
    let found: Option<C> = db::first(d1.prepare("SELECT code FROM agencies WHERE code = ?1").bind(&[code.into()])?).await?;
    found.map(|_| ()).ok_or(ApiError::NotFound { what: "agency", field: Some("code") })
}

/// `GET /api/admin/agencies/{code}/targets?year=` (default: this year).
pub async fn get(ctx: &Ctx, code: &str) -> Result<Response, ApiError> {
    let staff = admin(ctx).await?;
    agency_in_scope(&staff, code)?;
    let year = match ctx.query("year").filter(|y| !y.trim().is_empty()) {
        None => clock::today_vn().year(),
        Some(y) => {
            let y: i64 = y.trim().parse().map_err(|_| year_error())?;
            if !indicators::TARGET_YEARS.contains(&y) {
                return Err(year_error());
            }
            y as i32
        }
    };
    let d1 = ctx.national()?;
    known_agency(&d1, code).await?;
    json(&view(&d1, code, year).await?)
}

fn year_error() -> ApiError {
    indicators::parse_targets(&TargetsInput { year: 0, ..Default::default() }).expect_err("year 0 is out of range").into()
}

/// `PUT /api/admin/agencies/{code}/targets` `{"year", "online_payment_rate", "online_submission_rate"[, "version"]}`:
/// the unit's own targets for the year (null = inherit). Audited as `targets.put`.
pub async fn put(ctx: &mut Ctx, code: &str) -> Result<Response, ApiError> {
    let staff = admin(ctx).await?;
    agency_in_scope(&staff, code)?;
    let body: TargetsInput = ctx.json_body().await?;
    let t = indicators::parse_targets(&body)?;
    let d1 = ctx.national()?;
    known_agency(&d1, code).await?;
    let current = row(&d1, code, t.year).await?;
    let version = current.as_ref().map(|r| r.version as i64).unwrap_or(0);
    if body.version.is_some_and(|v| v != version) {
        return Err(stale(version));
    }
    let at = clock::rfc3339(clock::now());
    let by = format!("staff:{}", staff.staff_id);
    let pay = t.online_payment.map(indicators::percent_string);
    let sub = t.online_submission.map(indicators::percent_string);
    let year = JsValueYear(t.year);
    // The guard refuses the whole batch when someone else wrote the row since it was read.
    let guard = d1
        .prepare(
            "INSERT INTO state_guard (ok) SELECT CASE WHEN ?3 = 0 THEN count(*) = 0 ELSE count(*) END FROM agency_targets \
             WHERE agency_code = ?1 AND year = ?2 AND (?3 = 0 OR version = ?3)",
        )
        .bind(&[code.into(), year.js(), (version as f64).into()])?;
    let write = d1
        .prepare(
            "INSERT INTO agency_targets (agency_code, year, online_payment_rate, online_submission_rate, set_by, set_at, version) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1) ON CONFLICT (agency_code, year) DO UPDATE SET \
               online_payment_rate = excluded.online_payment_rate, online_submission_rate = excluded.online_submission_rate, \
               set_by = excluded.set_by, set_at = excluded.set_at, version = agency_targets.version + 1",
        )
        .bind(&[code.into(), year.js(), db::nullable(pay.as_deref()), db::nullable(sub.as_deref()), by.as_str().into(), at.as_str().into()])?;
    let before = current.as_ref().map(|r| json!({"year": t.year, "online_payment_rate": r.online_payment_rate, "online_submission_rate": r.online_submission_rate, "version": version}));
    let after = json!({"year": t.year, "online_payment_rate": pay, "online_submission_rate": sub, "version": version + 1});
    let audit = audit::stmt_in(&d1, &staff, Some(code), &at, "targets.put", "agency", code, &before.unwrap_or(serde_json::Value::Null), &after)?;
    match d1.batch(vec![guard, write, audit]).await {
        Ok(_) => {}
        Err(e) if db::is_stale(&e) => {
            let now = row(&d1, code, t.year).await?.map(|r| r.version as i64).unwrap_or(0);
            return Err(stale(now));
        }
        Err(e) => return Err(e.into()),
    }
    json(&view(&d1, code, t.year).await?)
}

struct JsValueYear(i32);

impl JsValueYear {
    fn js(&self) -> worker::wasm_bindgen::JsValue {
        (self.0 as f64).into()
    }
}

fn stale(version: i64) -> ApiError {
    ApiError::Conflict {
        code: "stale".into(),
        message: format!("The targets were changed meanwhile (now version {version}); reload and try again."),
        message_vi: format!("Chỉ tiêu vừa được người khác thay đổi (phiên bản {version}); vui lòng tải lại rồi thử lại."),
        field: Some("version".into()),
    }
}
