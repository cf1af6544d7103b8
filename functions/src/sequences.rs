//! Gap-free sequence numbers (daily dossier numbers per agency, receipt numbers per agency and
//! year). One Durable Object per counter name: a Durable Object handles one request at a time
//! and its storage writes are confirmed before the answer leaves, so two callers can never be
//! handed the same number and no number is skipped. A number can be assigned to a key (a
//! payment's receipt): asking again with the same key returns the same number, so a retried
//! receipt never burns a second number.

use serde::{Deserialize, Serialize};
use worker::{durable_object, DurableObject, Env, Method, Request, RequestInit, Response, Result, State};

use crate::platform::config;

const COUNTER_KEY: &str = "value";

#[durable_object]
pub struct Sequences {
    state: State,
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
    fn new(state: State, _env: Env) -> Self {
        Self { state }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let storage = self.state.storage();
        // The body is read before the counter: awaiting it between the read and the write of the
        // counter would let a concurrent request in (input gates hold only during storage calls),
        // and both would be handed the same number.
        let assign: Assign = if req.method() == Method::Post { req.json().await.unwrap_or_default() } else { Assign::default() };
        let current: u64 = storage.get(COUNTER_KEY).await?.unwrap_or(0);
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
