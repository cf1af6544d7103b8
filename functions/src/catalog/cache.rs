//! The isolate's memo of the catalog: the agency tree, the procedures each agency handles, each
//! procedure's fee schedule and the provinces' own fee versions, and the quote context built from
//! them. The citizen's first screens and every fee quote read these, and they change only when an
//! administrator changes them, so an isolate answers from memory what it has read under the
//! current `catalog_version` (migration 0025: triggers move it with every change of those tables).
//!
//! How stale it can be ([`motcua_domain::cache`] decides): an isolate trusts the version it read
//! for [`TTL_MS`]; the first request after that reads the version (one single-row D1 read) and
//! drops everything if it moved. A change made by an administrator goes through the public
//! Worker, which forwards it to the back office: the isolate that forwarded it (and the back
//! office's that made it) reads the version on its next request ([`invalidate`], called by the
//! router), so the administrator sees the change at once; other isolates see it within 15 s. A
//! quote whose amount is stored (a submission, a fee notice) reads the version first
//! ([`Freshness::Now`]): what it stores is never older than the catalog at that moment.
//!
//! Administrators' own reads and writes (`desk::admin`) never go through here: a change is decided
//! on what D1 holds.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use motcua_domain::cache::{key, VersionedCache};
use motcua_domain::fee::{FeeSchedule, FeeVersion};
use serde::Deserialize;
use crate::platform::db::Db;

use super::repo::{self, AgencyRow, ProcedureRow};
use crate::fee::repo::{self as fee_repo, QuoteContext};
use crate::platform::db;
use crate::platform::error::ApiError;

/// How long an isolate serves what it holds before it reads the version again.
const TTL_MS: u64 = 15_000;
/// Entries per isolate: each is one agency's procedure list, one procedure, one schedule or one
/// quote context (some KB), so the memo stays a few MB of the isolate's 128 MB at most.
const CAPACITY: usize = 2_000;
/// Keys are made of what a request names; a longer one is not worth remembering (nothing that
/// long exists) and would only let junk push real entries out.
const KEY_MAX: usize = 160;

thread_local! {
    // A Worker isolate runs one request at a time on one thread: requests interleave only at
    // their awaits, and no borrow is held across one.
    static CACHE: RefCell<VersionedCache<Entry>> = RefCell::new(VersionedCache::new(TTL_MS, CAPACITY));
}

#[derive(Clone)]
enum Entry {
    Agencies(Rc<Vec<AgencyRow>>),
    /// `None`: no such agency.
    Procedures(Rc<Option<Vec<ProcedureRow>>>),
    Procedure(Rc<Option<ProcedureRow>>),
    Schedule(Rc<Option<FeeSchedule>>),
    ProvinceVersions(Rc<Vec<FeeVersion>>),
    Quote(Rc<QuoteContext>),
}

/// How recent the version an answer is read under must be.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// Only shown: the version this isolate read within [`TTL_MS`] will do.
    Recent,
    /// Stored (the amount of a submission or a fee notice): the version is read now.
    Now,
}

/// The catalog was changed through this isolate: its next request reads the version.
pub fn invalidate() {
    CACHE.with(|c| c.borrow_mut().invalidate());
}

/// Whether a request may change the catalog: an administrator's write (`/api/admin/*`). The router
/// calls [`invalidate`] once it is answered, in the public Worker that forwarded it and in the
/// back office that made it.
pub fn may_change(method: &worker::Method, path: &str) -> bool {
    !matches!(method, worker::Method::Get | worker::Method::Head | worker::Method::Options) && path.starts_with("/api/admin/")
}

fn now_ms() -> u64 {
    worker::Date::now().as_millis()
}

/// The version to answer under: the one read within the TTL, or read now.
async fn version(d1: &Db, freshness: Freshness) -> Result<i64, ApiError> {
    let now = now_ms();
    if freshness == Freshness::Recent {
        if let Some(v) = CACHE.with(|c| c.borrow().current(now)) {
            return Ok(v);
        }
    }
    #[derive(Deserialize)]
    struct Row {
        version: i64,
    }
    let check = CACHE.with(|c| c.borrow().begin_check(now));
    let row: Row = db::first(d1.prepare("SELECT version FROM catalog_version WHERE id = 1"))
        .await?
        .ok_or_else(|| ApiError::Unexpected("catalog_version has no row (migration 0025)".into()))?;
    CACHE.with(|c| c.borrow_mut().observe(check, row.version));
    Ok(row.version)
}

/// The value under `key` for the current version, loaded (and kept) if this isolate lacks it.
async fn memo<T>(
    d1: &Db,
    freshness: Freshness,
    key: String,
    pick: fn(Entry) -> Option<Rc<T>>,
    wrap: fn(Rc<T>) -> Entry,
    load: impl Future<Output = Result<T, ApiError>>,
) -> Result<Rc<T>, ApiError> {
    if key.len() > KEY_MAX {
        return Ok(Rc::new(load.await?));
    }
    let version = version(d1, freshness).await?;
    if let Some(hit) = CACHE.with(|c| c.borrow().get(version, &key)).and_then(pick) {
        return Ok(hit);
    }
    let value = Rc::new(load.await?);
    CACHE.with(|c| c.borrow_mut().put(version, &key, wrap(value.clone())));
    Ok(value)
}

/// Every agency, as [`repo::agencies`] orders them.
pub async fn agencies(d1: &Db) -> Result<Rc<Vec<AgencyRow>>, ApiError> {
    let pick = |e| if let Entry::Agencies(v) = e { Some(v) } else { None };
    memo(d1, Freshness::Recent, key("agencies", &[]), pick, Entry::Agencies, repo::agencies(d1)).await
}

/// The procedures `agency` handles (`None`: no such agency), or with no agency the whole
/// catalogue ([`repo::all_procedures`]).
pub async fn procedures(d1: &Db, agency: Option<&str>) -> Result<Rc<Option<Vec<ProcedureRow>>>, ApiError> {
    let pick = |e| if let Entry::Procedures(v) = e { Some(v) } else { None };
    let load = async {
        match agency {
            Some(agency) => match repo::agency(d1, agency).await? {
                Some(_) => Ok(Some(repo::procedures_of(d1, agency).await?)),
                None => Ok(None),
            },
            None => Ok(Some(repo::all_procedures(d1).await?)),
        }
    };
    let k = match agency {
        Some(a) => key("procedures", &[a]),
        None => key("all_procedures", &[]),
    };
    memo(d1, Freshness::Recent, k, pick, Entry::Procedures, load).await
}

/// One procedure ([`repo::procedure`]).
pub async fn procedure(d1: &Db, code: &str) -> Result<Rc<Option<ProcedureRow>>, ApiError> {
    let pick = |e| if let Entry::Procedure(v) = e { Some(v) } else { None };
    memo(d1, Freshness::Recent, key("procedure", &[code]), pick, Entry::Procedure, repo::procedure(d1, code)).await
}

/// A procedure's national fee schedule ([`fee_repo::schedule`]).
pub async fn schedule(d1: &Db, code: &str) -> Result<Rc<Option<FeeSchedule>>, ApiError> {
    let pick = |e| if let Entry::Schedule(v) = e { Some(v) } else { None };
    memo(d1, Freshness::Recent, key("schedule", &[code]), pick, Entry::Schedule, fee_repo::schedule(d1, code)).await
}

/// The versions of `procedure` that the province of `agency` set ([`fee_repo::province_versions_for_agency`]).
pub async fn province_versions(d1: &Db, agency: &str, procedure: &str) -> Result<Rc<Vec<FeeVersion>>, ApiError> {
    let pick = |e| if let Entry::ProvinceVersions(v) = e { Some(v) } else { None };
    let load = fee_repo::province_versions_for_agency(d1, agency, procedure);
    memo(d1, Freshness::Recent, key("province_versions", &[agency, procedure]), pick, Entry::ProvinceVersions, load).await
}

/// What a quote of `procedure` at `agency` needs ([`fee_repo::quote_context`]).
pub async fn quote_context(d1: &Db, agency: &str, procedure: &str, freshness: Freshness) -> Result<Rc<QuoteContext>, ApiError> {
    let pick = |e| if let Entry::Quote(v) = e { Some(v) } else { None };
    let load = fee_repo::quote_context(d1, agency, procedure);
    memo(d1, freshness, key("quote", &[agency, procedure]), pick, Entry::Quote, load).await
}
