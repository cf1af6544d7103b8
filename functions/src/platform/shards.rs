//! Which D1 a statement runs on (docs/SHARDING.md §3.1): the national database (`DB`) or a
//! province's shard (`DB_Pnn`, falling back to `DB` while the deployment does not bind it, so
//! a deployment with only `DB` behaves as before and adding the bindings is the cut-over). The
//! choice of shard is the domain's (`motcua_domain::shard`); this module only opens bindings.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use motcua_domain::shard::Home;
use motcua_domain::shard::{ShardId, ShardMap};
use worker::Env;

use super::config;
use super::db::{Db, Holds};
use super::error::ApiError;

/// The variable naming the shard of identifiers made before sharding (`"42"`).
pub const SHARD_LEGACY: &str = "SHARD_LEGACY";
/// The legacy shard when a deployment does not say: the first province of the list. Only
/// identifiers made before sharding go there, and a deployment with one D1 has no other.
const DEFAULT_LEGACY: u8 = 1;
/// D1 allows six simultaneous connections per invocation.
pub const FANOUT_WIDTH: usize = 6;

thread_local! {
    // One isolate serves one deployment: its bindings and routing do not change while it lives.
    static MAP: RefCell<Option<Rc<ShardMap>>> = const { RefCell::new(None) };
    static BOUND: RefCell<Option<Rc<Vec<ShardId>>>> = const { RefCell::new(None) };
}

/// This deployment's routing: the legacy shard from [`SHARD_LEGACY`]; no agency moved to a
/// further part yet (a national `shard_routes` table will list them, SHARDING.md §3.1).
pub fn map(env: &Env) -> Rc<ShardMap> {
    if let Some(m) = MAP.with(|m| m.borrow().clone()) {
        return m;
    }
    let legacy = env
        .var(SHARD_LEGACY)
        .ok()
        .and_then(|v| ShardId::parse(SHARD_LEGACY, &v.to_string()).ok())
        .unwrap_or_else(|| {
            ShardId::from_code(SHARD_LEGACY, DEFAULT_LEGACY).expect("a province of the list")
        });
    let map = Rc::new(ShardMap::new(legacy, &[]).expect("no moved agencies"));
    MAP.with(|m| *m.borrow_mut() = Some(map.clone()));
    map
}

/// The shards whose own binding this deployment has (each `DB_Pnn` bound), in order.
pub fn bound(env: &Env) -> Rc<Vec<ShardId>> {
    if let Some(b) = BOUND.with(|b| b.borrow().clone()) {
        return b;
    }
    let bound: Vec<ShardId> = map(env)
        .shards()
        .into_iter()
        .filter(|s| env.d1(&s.binding()).is_ok())
        .collect();
    let bound = Rc::new(bound);
    BOUND.with(|b| *b.borrow_mut() = Some(bound.clone()));
    bound
}

/// The national database: agencies, catalog, staff, citizens, sessions, configuration.
pub fn national(env: &Env) -> Result<Db, ApiError> {
    Ok(Db::new(env.d1(config::DB)?, Home::National, None, Holds::default()))
}

/// A province's database: its own binding, or `DB` while it has none.
pub fn shard(env: &Env, shard: ShardId) -> Result<Db, ApiError> {
    if bound(env).contains(&shard) {
        Ok(Db::new(env.d1(&shard.binding())?, Home::Shard, Some(shard), Holds::new(map(env), vec![shard])))
    } else {
        fallback(env, Some(shard))
    }
}

/// `DB`, standing in for every shard without a binding of its own.
fn fallback(env: &Env, shard: Option<ShardId>) -> Result<Db, ApiError> {
    let map = map(env);
    let bound = bound(env);
    let unbound = map.shards().into_iter().filter(|s| !bound.contains(s)).collect();
    Ok(Db::new(env.d1(config::DB)?, Home::Shard, shard, Holds::new(map, unbound)))
}

/// The shard of an agency (its province, or the part it was moved to); a code that is not an
/// agency's is the client's mistake, named at `field`.
pub fn id_of_agency(env: &Env, field: &str, agency: &str) -> Result<ShardId, ApiError> {
    Ok(map(env).shard_of_agency(agency).map_err(|mut e| {
        e.field = field.to_string();
        e
    })?)
}

/// The database of [`id_of_agency`].
pub fn of_agency(env: &Env, field: &str, agency: &str) -> Result<Db, ApiError> {
    shard(env, id_of_agency(env, field, agency)?)
}

/// The databases holding `shards`, each once: a shard with its own binding, and `DB` once for
/// all those without. What a read across provinces visits.
pub fn distinct(env: &Env, shards: &[ShardId]) -> Result<Vec<Db>, ApiError> {
    let bound = bound(env);
    let mut out = Vec::new();
    let mut unbound = false;
    for s in shards {
        if bound.contains(s) {
            if !out.iter().any(|d: &Db| d.shard() == Some(*s)) {
                out.push(shard(env, *s)?);
            }
        } else {
            unbound = true;
        }
    }
    if unbound {
        out.push(fallback(env, None)?);
    }
    Ok(out)
}

/// The databases holding `agencies` (a staff scope), each once; a code that is no agency's
/// holds nothing and is skipped.
pub fn of_agencies(env: &Env, agencies: &[String]) -> Result<Vec<Db>, ApiError> {
    let map = map(env);
    let mut ids: Vec<ShardId> = agencies.iter().filter_map(|a| map.shard_of_agency(a).ok()).collect();
    ids.sort();
    ids.dedup();
    distinct(env, &ids)
}

/// Every province's database, each once (crons, the national role's reads).
pub fn all(env: &Env) -> Result<Vec<Db>, ApiError> {
    distinct(env, &map(env).shards())
}

/// `f` run on each database, at most [`FANOUT_WIDTH`] at a time, answers in the order of `dbs`.
pub async fn fanout<T, Fut>(dbs: Vec<Db>, f: impl Fn(Rc<Db>) -> Fut) -> Result<Vec<T>, ApiError>
where
    Fut: Future<Output = Result<T, ApiError>>,
{
    let dbs: Vec<Rc<Db>> = dbs.into_iter().map(Rc::new).collect();
    let mut out = Vec::with_capacity(dbs.len());
    for chunk in dbs.chunks(FANOUT_WIDTH) {
        out.extend(futures_util::future::try_join_all(chunk.iter().map(|d| f(d.clone()))).await?);
    }
    Ok(out)
}

/// The database of a record id: the shard it names (`s42…`), or for any other id (made before
/// sharding: 32 hex digits, or the demo's `act-…`) where [`of_key`] finds it. `Some` always for
/// now; `None` is kept for ids that cannot be any record's.
pub async fn of_id(env: &Env, id: &str) -> Result<Option<Db>, ApiError> {
    let named = map(env).shard_of_id("id", id).ok().flatten();
    Ok(Some(of_key(env, named, id).await?))
}

/// The database of an identifier: the shard it names, else (an identifier made before sharding)
/// the shard the migration moved it to (`legacy_routes`, in the legacy shard: SHARDING.md §3.2),
/// else the legacy shard, where such records stay. The route is read only once some province
/// other than the legacy one has a database of its own: before that, nothing was moved.
pub async fn of_key(env: &Env, named: Option<ShardId>, key: &str) -> Result<Db, ApiError> {
    if let Some(s) = named {
        return shard(env, s);
    }
    let map = map(env);
    let legacy = shard(env, map.legacy())?;
    if !bound(env).iter().any(|s| *s != map.legacy()) {
        return Ok(legacy);
    }
    #[derive(serde::Deserialize)]
    struct Route {
        shard: String,
    }
    let route: Option<Route> = super::db::first(legacy.prepare("SELECT shard FROM legacy_routes WHERE key = ?1").bind(&[key.into()])?).await?;
    match route.and_then(|r| ShardId::parse("shard", &r.shard).ok()) {
        Some(s) if s != map.legacy() => shard(env, s),
        _ => Ok(legacy),
    }
}
