//! Cryptographically secure randomness from the runtime's WebCrypto (`crypto.getRandomValues`):
//! ids, payment references and tokens must not be guessable.

use wasm_bindgen::JsCast;

pub fn bytes<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    let global = worker::js_sys::global();
    let crypto = worker::js_sys::Reflect::get(&global, &"crypto".into()).expect("WebCrypto is available in Workers");
    let array = worker::js_sys::Uint8Array::new_with_length(N as u32);
    let get_random_values: worker::js_sys::Function = worker::js_sys::Reflect::get(&crypto, &"getRandomValues".into())
        .expect("crypto.getRandomValues")
        .unchecked_into();
    get_random_values.call1(&crypto, &array).expect("getRandomValues succeeds");
    array.copy_to(&mut out);
    out
}

pub fn u64() -> u64 {
    u64::from_le_bytes(bytes::<8>())
}

/// A 128-bit random id in hex, for records.
pub fn id() -> String {
    hex::encode(bytes::<16>())
}

/// A new record id that names its shard (`s42…`, docs/SHARDING.md §3.2): a URL carrying it opens
/// that province's database with no routing read.
pub fn sharded_id(shard: motcua_domain::shard::ShardId) -> String {
    motcua_domain::shard::sharded_id(shard, &bytes::<15>())
}
