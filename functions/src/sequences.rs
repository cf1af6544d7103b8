//! Gap-free sequence numbers (daily dossier numbers per agency, receipt numbers per agency and
//! year). One Durable Object per counter name: a Durable Object handles one request at a time
//! and its storage writes are confirmed before the answer leaves, so two callers can never be
//! handed the same number and no number is skipped. A number can be assigned to a key (a
//! payment's receipt): asking again with the same key returns the same number, so a retried
//! receipt never burns a second number.
//!
//! A counter the Durable Object has never seen starts after the highest number the database
//! already holds under that name ([`floor`]): numbers issued before the object's storage
//! existed (history imported from another system, a database moved between accounts, the
//! generated demo activity of `make dev`) are never handed out twice.

use serde::{Deserialize, Serialize};
use worker::{durable_object, DurableObject, Env, Method, Request, RequestInit, Response, Result, State};

use crate::platform::config;

const COUNTER_KEY: &str = "value";
/// The counter's name, for [`floor`] (an object knows only its id, a hash of the name).
const NAME_HEADER: &str = "x-sequence-name";

#[durable_object]
pub struct Sequences {
    state: State,
    env: Env,
}

#[derive(Serialize, Deserialize)]
struct Value {
    value: u64,
}

#[derive(Serialize, Deserialize, Default)]
struct Assign {
    key: Option<String>,
}

impl DurableObject for Sequences {
    fn new(state: State, env: Env) -> Self {
        Self { state, env }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let storage = self.state.storage();
        // The body is read before the counter: awaiting it between the read and the write of the
        // counter would let a concurrent request in (input gates hold only during storage calls),
        // and both would be handed the same number.
        let assign: Assign = if req.method() == Method::Post { req.json().await.unwrap_or_default() } else { Assign::default() };
        let mut current: Option<u64> = storage.get(COUNTER_KEY).await?;
        if current.is_none() {
            let name = req.headers().get(NAME_HEADER)?.unwrap_or_default();
            let floor = floor(&self.env, &name).await?;
            // The database read let other requests in: one of them may have started the counter.
            current = Some(storage.get(COUNTER_KEY).await?.unwrap_or(floor));
        }
        let current = current.unwrap_or(0);
        match req.method() {
            Method::Post => {
                let key_slot = assign.key.map(|k| format!("key:{k}"));
                if let Some(slot) = &key_slot {
                    if let Some(existing) = storage.get::<u64>(slot).await? {
                        return Response::from_json(&Value { value: existing });
                    }
                }
                let next = current + 1;
                storage.put(COUNTER_KEY, next).await?;
                if let Some(slot) = &key_slot {
                    storage.put(slot, next).await?;
                }
                Response::from_json(&Value { value: next })
            }
            _ => Response::from_json(&Value { value: current }),
        }
    }
}

async fn call(env: &Env, name: &str, method: Method, key: Option<&str>) -> Result<u64> {
    let stub = env.durable_object(config::SEQUENCES)?.id_from_name(name)?.get_stub()?;
    let mut init = RequestInit::new();
    init.with_method(method.clone());
    if method == Method::Post {
        let body = serde_json::to_string(&Assign { key: key.map(str::to_string) })?;
        init.with_body(Some(body.into()));
    }
    let headers = worker::Headers::new();
    headers.set(NAME_HEADER, name)?;
    init.with_headers(headers);
    let req = Request::new_with_init("https://sequences/", &init)?;
    let mut resp = stub.fetch_with_request(req).await?;
    Ok(resp.json::<Value>().await?.value)
}

/// Takes the next number of the named counter (the first is 1).
pub async fn next(env: &Env, name: &str) -> Result<u64> {
    call(env, name, Method::Post, None).await
}

/// The number assigned to `key` in the named counter, taking the next one on first use.
pub async fn assign(env: &Env, name: &str, key: &str) -> Result<u64> {
    call(env, name, Method::Post, Some(key)).await
}

/// The last number handed out, without taking one.
pub async fn peek(env: &Env, name: &str) -> Result<u64> {
    call(env, name, Method::Get, None).await
}

/// The highest number the database already holds under a counter's name (0 for none, or for a
/// name it does not know): `dossier:{agency}:{YYYY-MM-DD}`, `bill:{agency}:{kind}:{YYYY-MM-DD}`,
/// `receipt:{agency}:{year}`.
async fn floor(env: &Env, name: &str) -> Result<u64> {
    #[derive(Deserialize)]
    struct Max {
        n: Option<f64>,
    }
    let parts: Vec<&str> = name.split(':').collect();
    // Every counter's name carries its agency, whose shard holds the rows it counts.
    let Some(agency) = parts.get(1) else { return Ok(0) };
    let d1 = crate::platform::shards::of_agency(env, "agency", agency).map_err(|e| worker::Error::RustError(e.to_string()))?;
    let stmt = match parts.as_slice() {
        ["dossier", agency, date] | ["bill", agency, _, date] => {
            let Some(day) = yymmdd(date) else { return Ok(0) };
            // `<agency>-<yyMMdd>-<n>` and `<agency>-<letter><yyMMdd>-<n>` (domain::codes, bill::code).
            let prefix = match parts[0] {
                "dossier" => format!("{agency}-{day}-"),
                _ => match motcua_domain::bill::Kind::from_str_opt(parts[2]).and_then(motcua_domain::bill::code::letter) {
                    Some(letter) => format!("{agency}-{letter}{day}-"),
                    None => return Ok(0),
                },
            };
            let table = if parts[0] == "dossier" { "dossiers" } else { "bills" };
            d1.prepare(format!(
                "SELECT MAX(CAST(substr(code, ?2) AS INTEGER)) AS n FROM {table} WHERE code >= ?1 AND code < ?1 || 'z'"
            ))
            .bind(&[prefix.as_str().into(), ((prefix.chars().count() + 1) as f64).into()])?
        }
        ["receipt", agency, year] => d1
            .prepare("SELECT MAX(seq) AS n FROM receipts WHERE agency_code = ?1 AND year = ?2")
            .bind(&[(*agency).into(), year.parse::<f64>().unwrap_or(0.0).into()])?,
        _ => return Ok(0),
    };
    Ok(stmt.first::<Max>(None).await?.and_then(|m| m.n).map(|n| n.max(0.0) as u64).unwrap_or(0))
}

/// `YYYY-MM-DD` as the `yyMMdd` of the codes.
fn yymmdd(date: &str) -> Option<String> {
    let b = date.as_bytes();
    (b.len() == 10 && b[4] == b'-' && b[7] == b'-').then(|| format!("{}{}{}", &date[2..4], &date[5..7], &date[8..10]))
}
