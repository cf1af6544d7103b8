//! D1 conveniences: the handle every statement is prepared on, typed rows out of a prepared
//! statement, the compare-and-set guard.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;

use motcua_domain::shard::{Home, ShardId, ShardMap};
use serde::de::DeserializeOwned;
use worker::D1PreparedStatement;

use super::error::ApiError;

/// A D1 database and what it holds (docs/SHARDING.md §3.1): the national database, one
/// province's shard (a handle of home `Both` would accept any table; none is made). In a
/// sandbox build (`make dev`, every test) a handle refuses to prepare SQL naming a table of
/// the other home: the statement it returns fails with `wrong_home` when run, so the whole
/// suite on one D1 proves every statement would find its tables once each province has its own.
pub struct Db {
    d1: worker::D1Database,
    home: Home,
    shard: Option<ShardId>,
    holds: Holds,
}

/// Whose rows a shard handle is the home of: its own shard when bound, or (`DB` standing in)
/// every shard without a binding of its own. A read across provinces keeps only these: during a
/// cut-over the rows a migration copied to a province's new database may still sit in `DB`, and
/// counting them in both would count them twice.
#[derive(Clone, Default)]
pub struct Holds {
    map: Option<Rc<ShardMap>>,
    shards: Vec<ShardId>,
}

impl Holds {
    pub fn new(map: Rc<ShardMap>, shards: Vec<ShardId>) -> Holds {
        Holds { map: Some(map), shards }
    }
}

impl Db {
    pub fn new(d1: worker::D1Database, home: Home, shard: Option<ShardId>, holds: Holds) -> Db {
        Db { d1, home, shard, holds }
    }

    /// Whether this handle is the home of `agency`'s rows (a code that is no agency's: no).
    pub fn holds(&self, agency: &str) -> bool {
        self.holds.map.as_ref().and_then(|m| m.shard_of_agency(agency).ok()).is_some_and(|s| self.holds.shards.contains(&s))
    }

    /// The agencies of `agencies` this handle is the home of, in their order.
    pub fn own(&self, agencies: &[String]) -> Vec<String> {
        agencies.iter().filter(|a| self.holds(a)).cloned().collect()
    }

    /// The shard this handle reaches (`None`: the national database, or
    /// `DB` standing in for every shard without a binding of its own).
    pub fn shard(&self) -> Option<ShardId> {
        self.shard
    }

    pub fn home(&self) -> Home {
        self.home
    }

    pub fn prepare(&self, sql: impl Into<String>) -> D1PreparedStatement {
        let sql: String = sql.into();
        if self.home == Home::Shard && is_write(&sql) {
            WRITTEN.with(|w| w.borrow_mut().insert(self.shard));
        }
        #[cfg(feature = "sandbox")]
        if let Some(table) = motcua_domain::shard::misplaced(&sql, self.home) {
            let what = if self.home == Home::National { "national" } else { "shard" };
            worker::console_error!("wrong_home: {table} on the {what} handle: {sql}");
            return self.d1.prepare(format!("SELECT * FROM \"wrong_home: {table} on the {what} handle\""));
        }
        self.d1.prepare(sql)
    }

    pub async fn batch(&self, statements: Vec<D1PreparedStatement>) -> worker::Result<Vec<worker::D1Result>> {
        self.d1.batch(statements).await
    }

    /// Sandbox only (`POST /dev/d1`): a test's own statements as one batch, unchecked for their
    /// home (a test arranges what only a migration writes, e.g. a cut-over's leftovers).
    #[cfg(feature = "sandbox")]
    pub async fn dev_batch(&self, statements: &[String]) -> worker::Result<Vec<worker::D1Result>> {
        self.d1.batch(statements.iter().map(|s| self.d1.prepare(s)).collect()).await
    }
}

thread_local! {
    // The province databases this isolate prepared writes on since [`take_written`] last ran.
    static WRITTEN: RefCell<BTreeSet<Option<ShardId>>> = const { RefCell::new(BTreeSet::new()) };
}

fn is_write(sql: &str) -> bool {
    let head: String = sql.trim_start().chars().take(7).collect::<String>().to_ascii_uppercase();
    ["INSERT", "UPDATE", "DELETE", "REPLACE", "WITH"].iter().any(|w| head.starts_with(w))
}

/// The province databases written since the last call (`None`: `DB` standing in for every
/// province without a database of its own), for the portal nudge after a request: its sweep
/// then visits those databases, not all 34. An isolate interleaves requests, so a request may
/// take another's shards too, or find its own taken: each taken shard is nudged by whoever took
/// it, and a nudge lost to that race leaves its message to the minute's cron, as any lost nudge.
pub fn take_written() -> Vec<Option<ShardId>> {
    WRITTEN.with(|w| std::mem::take(&mut *w.borrow_mut())).into_iter().collect()
}

pub async fn all<T: DeserializeOwned>(stmt: D1PreparedStatement) -> Result<Vec<T>, ApiError> {
    Ok(stmt.all().await?.results::<T>()?)
}

pub async fn first<T: DeserializeOwned>(stmt: D1PreparedStatement) -> Result<Option<T>, ApiError> {
    Ok(stmt.first::<T>(None).await?)
}

/// An optional text for a D1 binding: D1 refuses `undefined`, so `None` becomes SQL NULL.
pub fn nullable(value: Option<&str>) -> worker::wasm_bindgen::JsValue {
    value.map(worker::wasm_bindgen::JsValue::from).unwrap_or(worker::wasm_bindgen::JsValue::NULL)
}

/// The guard that aborts its whole batch unless the row `id` of `table` is still at `version`
/// (see migration 0012): the first statement of every store write, so a change decided on a
/// stale read never lands, together with everything batched after it.
pub fn guard(d1: &Db, table: Guarded, id: &str, version: i64) -> Result<D1PreparedStatement, ApiError> {
    let sql = match table {
        Guarded::Dossier => "INSERT INTO state_guard (ok) SELECT count(*) FROM dossiers WHERE id = ?1 AND version = ?2",
        Guarded::Payment => "INSERT INTO state_guard (ok) SELECT count(*) FROM payments WHERE id = ?1 AND version = ?2",
        Guarded::NationalSync => "INSERT INTO state_guard (ok) SELECT count(*) FROM national_sync WHERE id = ?1 AND version = ?2",
        Guarded::Bill => "INSERT INTO state_guard (ok) SELECT count(*) FROM bills WHERE id = ?1 AND version = ?2",
        Guarded::Report => "INSERT INTO state_guard (ok) SELECT count(*) FROM staff_reports WHERE id = ?1 AND version = ?2",
        Guarded::SignedDocument => "INSERT INTO state_guard (ok) SELECT count(*) FROM signed_documents WHERE id = ?1 AND version = ?2",
        // Keyed by agency; an agency without a rule yet is at version 0.
        Guarded::PaperlessRule => {
            "INSERT INTO state_guard (ok) SELECT coalesce((SELECT version FROM paperless_rules WHERE agency_code = ?1), 0) = ?2"
        }
        Guarded::SigningAccount => {
            "INSERT INTO state_guard (ok) SELECT coalesce((SELECT version FROM agency_signing_accounts WHERE agency_code = ?1), 0) = ?2"
        }
    };
    Ok(d1.prepare(sql).bind(&[id.into(), (version as f64).into()])?)
}

/// The tables whose rows are written only through a guard.
#[derive(Clone, Copy)]
pub enum Guarded {
    Dossier,
    Payment,
    NationalSync,
    Bill,
    Report,
    PaperlessRule,
    SignedDocument,
    /// Keyed by agency, 0 before the first account.
    SigningAccount,
}

/// Whether a batch was refused by a [`guard`]: someone else changed the row first.
pub fn is_stale(e: &worker::Error) -> bool {
    e.to_string().contains("stale_state")
}

/// Whether a batch was refused by a unique key (a settlement already made, a row already there).
pub fn is_unique_violation(e: &worker::Error) -> bool {
    e.to_string().contains("UNIQUE")
}
