//! The runtime's WebCrypto, reached through `js_sys` (no extra web-sys features): random bytes
//! from `crypto.getRandomValues` and PBKDF2-SHA256 through `crypto.subtle.deriveBits`, which
//! costs ~12 ms for 100 000 iterations where RustCrypto in wasm costs 36–90 ms (NOTES.md).
//! Errors never carry the secret inputs.

use worker::js_sys::{self, Array, Function, Object, Reflect, Uint8Array};
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::wasm_bindgen_futures::JsFuture;

use crate::platform::error::ApiError;

fn js_err(what: &str) -> impl Fn(JsValue) -> ApiError + '_ {
    move |e| ApiError::Unexpected(format!("webcrypto {what}: {e:?}"))
}

fn get(target: &JsValue, name: &str) -> Result<JsValue, ApiError> {
    Reflect::get(target, &JsValue::from_str(name)).map_err(js_err(name))
}

/// Calls `target[name](...args)` with `this` = target (WebCrypto refuses detached calls).
fn call(target: &JsValue, name: &str, args: &[JsValue]) -> Result<JsValue, ApiError> {
    let f: Function = get(target, name)?.dyn_into().map_err(js_err(name))?;
    let array: Array = args.iter().collect();
    f.apply(target, &array).map_err(js_err(name))
}

fn crypto() -> Result<JsValue, ApiError> {
    get(&js_sys::global(), "crypto")
}

/// `N` bytes from the platform's cryptographic random generator.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], ApiError> {
    let array = Uint8Array::new_with_length(N as u32);
    call(&crypto()?, "getRandomValues", &[array.clone().into()])?;
    let mut out = [0u8; N];
    array.copy_to(&mut out);
    Ok(out)
}

fn object(pairs: &[(&str, JsValue)]) -> Result<Object, ApiError> {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &JsValue::from_str(k), v).map_err(js_err("object"))?;
    }
    Ok(o)
}

async fn promise(value: JsValue, what: &str) -> Result<JsValue, ApiError> {
    let p: js_sys::Promise = value.dyn_into().map_err(js_err(what))?;
    JsFuture::from(p).await.map_err(js_err(what))
}

/// PBKDF2-HMAC-SHA256 of `password` with `salt`, 32 bytes.
pub async fn pbkdf2_sha256(password: &[u8], salt: &[u8], iterations: u32) -> Result<Vec<u8>, ApiError> {
    let subtle = get(&crypto()?, "subtle")?;
    let usages: Array = [JsValue::from_str("deriveBits")].iter().collect();
    let key = promise(
        call(
            &subtle,
            "importKey",
            &[
                JsValue::from_str("raw"),
                Uint8Array::from(password).into(),
                JsValue::from_str("PBKDF2"),
                JsValue::FALSE,
                usages.into(),
            ],
        )?,
        "importKey",
    )
    .await?;
    let algorithm = object(&[
        ("name", JsValue::from_str("PBKDF2")),
        ("hash", JsValue::from_str("SHA-256")),
        ("salt", Uint8Array::from(salt).into()),
        ("iterations", JsValue::from_f64(iterations as f64)),
    ])?;
    let bits = promise(call(&subtle, "deriveBits", &[algorithm.into(), key, JsValue::from_f64(256.0)])?, "deriveBits").await?;
    Ok(Uint8Array::new(&bits).to_vec())
}

async fn aes_gcm_key(subtle: &JsValue, key: &[u8], usage: &str) -> Result<JsValue, ApiError> {
    let usages: Array = [JsValue::from_str(usage)].iter().collect();
    promise(
        call(subtle, "importKey", &[JsValue::from_str("raw"), Uint8Array::from(key).into(), JsValue::from_str("AES-GCM"), JsValue::FALSE, usages.into()])?,
        "importKey",
    )
    .await
}

fn aes_gcm_params(iv: &[u8], aad: &[u8]) -> Result<Object, ApiError> {
    object(&[
        ("name", JsValue::from_str("AES-GCM")),
        ("iv", Uint8Array::from(iv).into()),
        ("additionalData", Uint8Array::from(aad).into()),
    ])
}

/// AES-256-GCM of `plaintext` under `key` (32 bytes) with a 12-byte `iv`; the tag is appended.
pub async fn aes_gcm_seal(key: &[u8], iv: &[u8], aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, ApiError> {
    let subtle = get(&crypto()?, "subtle")?;
    let k = aes_gcm_key(&subtle, key, "encrypt").await?;
    let out = promise(call(&subtle, "encrypt", &[aes_gcm_params(iv, aad)?.into(), k, Uint8Array::from(plaintext).into()])?, "encrypt").await?;
    Ok(Uint8Array::new(&out).to_vec())
}

/// Opens what [`aes_gcm_seal`] made; a wrong key, `aad` or a changed byte is an error.
pub async fn aes_gcm_open(key: &[u8], iv: &[u8], aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, ApiError> {
    let subtle = get(&crypto()?, "subtle")?;
    let k = aes_gcm_key(&subtle, key, "decrypt").await?;
    let out = promise(call(&subtle, "decrypt", &[aes_gcm_params(iv, aad)?.into(), k, Uint8Array::from(sealed).into()])?, "decrypt").await?;
    Ok(Uint8Array::new(&out).to_vec())
}

const RS256: &str = "RSASSA-PKCS1-v1_5";

fn rs256_algorithm() -> Result<Object, ApiError> {
    object(&[("name", JsValue::from_str(RS256)), ("hash", JsValue::from_str("SHA-256"))])
}

async fn import_jwk(subtle: &JsValue, jwk_json: &str, usage: &str) -> Result<JsValue, ApiError> {
    let jwk = js_sys::JSON::parse(jwk_json).map_err(js_err("jwk"))?;
    let usages: Array = [JsValue::from_str(usage)].iter().collect();
    promise(call(subtle, "importKey", &[JsValue::from_str("jwk"), jwk, rs256_algorithm()?.into(), JsValue::FALSE, usages.into()])?, "importKey").await
}

/// Whether `signature` is an RS256 signature of `data` by the RSA public key `jwk_json` (a JWK
/// as JSON text, e.g. one key of an identity provider's JWKS). A key the runtime refuses to
/// import is an error; a signature that does not verify is `false`.
pub async fn rs256_verify(jwk_json: &str, data: &[u8], signature: &[u8]) -> Result<bool, ApiError> {
    let subtle = get(&crypto()?, "subtle")?;
    let key = import_jwk(&subtle, jwk_json, "verify").await?;
    let ok = promise(
        call(&subtle, "verify", &[JsValue::from_str(RS256), key, Uint8Array::from(signature).into(), Uint8Array::from(data).into()])?,
        "verify",
    )
    .await?;
    Ok(ok.as_bool().unwrap_or(false))
}

/// A new RSA-2048 RS256 key pair, as (private JWK, public JWK) JSON texts (the sandbox provider).
#[cfg(feature = "sandbox")]
pub async fn rs256_generate() -> Result<(String, String), ApiError> {
    let subtle = get(&crypto()?, "subtle")?;
    let algorithm = object(&[
        ("name", JsValue::from_str(RS256)),
        ("hash", JsValue::from_str("SHA-256")),
        ("modulusLength", JsValue::from_f64(2048.0)),
        ("publicExponent", Uint8Array::from(&[1u8, 0, 1][..]).into()),
    ])?;
    let usages: Array = [JsValue::from_str("sign"), JsValue::from_str("verify")].iter().collect();
    let pair = promise(call(&subtle, "generateKey", &[algorithm.into(), JsValue::TRUE, usages.into()])?, "generateKey").await?;
    let mut out = Vec::new();
    for part in ["privateKey", "publicKey"] {
        let jwk = promise(call(&subtle, "exportKey", &[JsValue::from_str("jwk"), get(&pair, part)?])?, "exportKey").await?;
        out.push(js_sys::JSON::stringify(&jwk).map_err(js_err("stringify"))?.as_string().unwrap_or_default());
    }
    Ok((out.remove(0), out.remove(0)))
}

/// RS256 signature of `data` with the private JWK (the sandbox provider signs its id_tokens).
#[cfg(feature = "sandbox")]
pub async fn rs256_sign(private_jwk_json: &str, data: &[u8]) -> Result<Vec<u8>, ApiError> {
    let subtle = get(&crypto()?, "subtle")?;
    let key = import_jwk(&subtle, private_jwk_json, "sign").await?;
    let sig = promise(call(&subtle, "sign", &[JsValue::from_str(RS256), key, Uint8Array::from(data).into()])?, "sign").await?;
    Ok(Uint8Array::new(&sig).to_vec())
}

/// Whether `signature` is an RS256 (RSASSA-PKCS1-v1_5, SHA-256) signature of `data` by the key
/// `spki_der` (a certificate's SubjectPublicKeyInfo): remote signing checks what a provider
/// answered before it goes into a document.
#[cfg_attr(not(feature = "sandbox"), allow(dead_code))]
pub async fn rs256_verify_spki(spki_der: &[u8], data: &[u8], signature: &[u8]) -> Result<bool, ApiError> {
    let subtle = get(&crypto()?, "subtle")?;
    let usages: Array = [JsValue::from_str("verify")].iter().collect();
    let key = promise(
        call(&subtle, "importKey", &[JsValue::from_str("spki"), Uint8Array::from(spki_der).into(), rs256_algorithm()?.into(), JsValue::FALSE, usages.into()])?,
        "importKey",
    )
    .await?;
    let ok = promise(
        call(&subtle, "verify", &[JsValue::from_str(RS256), key, Uint8Array::from(signature).into(), Uint8Array::from(data).into()])?,
        "verify",
    )
    .await?;
    Ok(ok.as_bool().unwrap_or(false))
}

/// A new RSA-2048 RS256 key pair as (private JWK JSON text, public key as SubjectPublicKeyInfo
/// DER): the sandbox CA puts the latter in a certificate.
#[cfg(feature = "sandbox")]
pub async fn rs256_generate_spki() -> Result<(String, Vec<u8>), ApiError> {
    let subtle = get(&crypto()?, "subtle")?;
    let algorithm = object(&[
        ("name", JsValue::from_str(RS256)),
        ("hash", JsValue::from_str("SHA-256")),
        ("modulusLength", JsValue::from_f64(2048.0)),
        ("publicExponent", Uint8Array::from(&[1u8, 0, 1][..]).into()),
    ])?;
    let usages: Array = [JsValue::from_str("sign"), JsValue::from_str("verify")].iter().collect();
    let pair = promise(call(&subtle, "generateKey", &[algorithm.into(), JsValue::TRUE, usages.into()])?, "generateKey").await?;
    let jwk = promise(call(&subtle, "exportKey", &[JsValue::from_str("jwk"), get(&pair, "privateKey")?])?, "exportKey").await?;
    let private = js_sys::JSON::stringify(&jwk).map_err(js_err("stringify"))?.as_string().unwrap_or_default();
    let spki = promise(call(&subtle, "exportKey", &[JsValue::from_str("spki"), get(&pair, "publicKey")?])?, "exportKey").await?;
    Ok((private, Uint8Array::new(&spki).to_vec()))
}
