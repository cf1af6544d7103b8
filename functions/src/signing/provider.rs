//! The remote-signing provider's HTTP side: the agency's certificate and a raw RSA signature
//! over a digest, from the provider that holds the agency's key (VNPT SmartCA through
//! `motcua_domain::signing::smartca`; the protocol and every assumption about it live there).
//! The rest of the Worker calls [`certificate`] and [`sign_digest`] only.
//!
//! - The account is the agency's row in `agency_signing_accounts`. With `SANDBOX=1` an agency
//!   without one signs as `user_id` = its code (the sandbox CA issues it a certificate on first
//!   use); otherwise it is 409 `signing_not_configured`.
//! - A sign request waits for the holder's confirmation (an organisation's certificate confirms
//!   automatically; a person's in the provider's app). We poll the status a bounded number of
//!   times, ~10 s in all, so the officer's request never hangs for the provider's minutes; if
//!   still unconfirmed, 409 `signing_pending` tells the officer to confirm in the app and sign
//!   again. A new attempt is a new transaction (the unconfirmed one expires at the provider):
//!   nothing is half-signed, since the document is only written once a signature is returned.
//! - What the provider returns is checked before anyone uses it: a raw PKCS#1 v1.5 signature
//!   as long as the key's modulus that verifies (WebCrypto) with the certificate's key over the
//!   signed attributes. A provider that is down or answers nonsense is 503
//!   `signing_unavailable` (the officer's request was fine); a refusal the officer or an admin
//!   can act on (revoked certificate, holder refused, not configured) is 409 with its own code.

use motcua_domain::signing::smartca::Smartca;
use motcua_domain::signing::{self, cert, Call, ErrorClass, HashToSign, RemoteSigner, SignProgress, SigningAccount, SigningError};
use sha2::{Digest, Sha256};
use worker::Env;
use crate::platform::db::Db;

use crate::auth::webcrypto;
use crate::platform::error::ApiError;
use crate::platform::{clock, config, db, outbound};

/// The agency's certificate as the provider answered it, with its display fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyCertificate {
    /// DER, the signer's certificate first, then its CA certificates.
    pub chain_der: Vec<Vec<u8>>,
    /// The subject's CN (else O): who signed, as shown to people.
    pub subject: String,
    /// The issuer's CN.
    pub issuer: String,
    /// Lowercase hex.
    pub serial_hex: String,
    /// RFC 3339 UTC.
    pub not_after: String,
}

/// Waits between status polls, in milliseconds (the first poll at once): ~10 s in all.
const POLL_WAITS_MS: [u64; 7] = [0, 500, 1000, 1500, 2000, 2500, 2500];

/// A signing refusal or failure as the API answers it.
pub fn error(e: SigningError) -> ApiError {
    match e.class() {
        ErrorClass::Conflict => ApiError::Conflict { code: e.code().into(), message: e.message_en(), message_vi: e.message_vi(), field: None },
        ErrorClass::Unavailable => {
            if let SigningError::Unavailable { detail } = &e {
                worker::console_error!("signing provider: {detail}");
            } else {
                worker::console_error!("signing provider: {}", e.code());
            }
            ApiError::Unavailable { code: e.code(), message: e.message_en(), message_vi: e.message_vi() }
        }
    }
}

/// The deployment's provider; without its settings nothing can be signed.
fn provider(env: &Env) -> Result<Smartca, ApiError> {
    match &config::config(env).signing {
        Some(c) => Ok(Smartca { config: c.clone() }),
        None => Err(ApiError::Conflict {
            code: SigningError::NotConfigured.code().into(),
            message: "This deployment has no remote-signing provider (SIGNING_SP_ID, SIGNING_SP_PASSWORD).".into(),
            message_vi: "Hệ thống chưa được cấu hình dịch vụ ký số từ xa. Vui lòng báo quản trị viên hệ thống.".into(),
            field: None,
        }),
    }
}

fn sandbox(env: &Env) -> bool {
    #[cfg(feature = "sandbox")]
    {
        config::sandbox_enabled(env)
    }
    #[cfg(not(feature = "sandbox"))]
    {
        let _ = env;
        false
    }
}

/// The agency's account: its row, else (sandbox only) its code as the holder id.
pub async fn account(env: &Env, d1: &Db, agency_code: &str) -> Result<SigningAccount, ApiError> {
    let row: Option<serde_json::Value> = db::first(
        d1.prepare("SELECT provider, user_id, serial_number FROM agency_signing_accounts WHERE agency_code = ?1").bind(&[agency_code.into()])?,
    )
    .await?;
    let text = |r: &serde_json::Value, k: &str| r[k].as_str().map(str::to_string);
    match row {
        Some(r) => Ok(SigningAccount {
            provider: text(&r, "provider").unwrap_or_default(),
            user_id: text(&r, "user_id").unwrap_or_default(),
            serial_number: text(&r, "serial_number").filter(|s| !s.is_empty()),
        }),
        None if sandbox(env) => Ok(SigningAccount { provider: signing::smartca::PROVIDER.into(), user_id: agency_code.into(), serial_number: None }),
        None => Err(error(SigningError::NotConfigured)),
    }
}

async fn post(call: &Call) -> Result<(u16, String), ApiError> {
    outbound::post_json_with(&call.url, &call.body, &[])
        .await
        .map_err(|e| error(SigningError::Unavailable { detail: format!("{}: {e}", call.url.split('?').next().unwrap_or("")) }))
}

fn transaction_id() -> String {
    format!("motcua-{}", hex::encode(crate::platform::random::bytes::<12>()))
}

fn now_rfc3339() -> String {
    let t = clock::now();
    format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", t.year(), t.month() as u8, t.day(), t.hour(), t.minute(), t.second())
}

/// The agency's certificate chain from the provider, checked to be readable and in force now.
pub async fn certificate(env: &Env, d1: &Db, agency_code: &str) -> Result<AgencyCertificate, ApiError> {
    let signer = provider(env)?;
    let account = account(env, d1, agency_code).await?;
    let (status, body) = post(&signer.certificate_call(&account, &transaction_id())).await?;
    let chain = signer.read_certificate(&account, status, &body).map_err(error)?;
    let info = cert::read(&chain[0]).map_err(|e| error(SigningError::Unavailable { detail: format!("certificate: {e}") }))?;
    if !info.valid_at(&now_rfc3339()) {
        return Err(error(SigningError::CertificateExpired { not_after: info.not_after.clone() }));
    }
    Ok(AgencyCertificate {
        subject: info.subject_label(),
        issuer: info.issuer_cn.clone().unwrap_or_default(),
        serial_hex: info.serial_hex.clone(),
        not_after: info.not_after.clone(),
        chain_der: chain,
    })
}

/// The raw RSA PKCS#1 v1.5 signature, by the agency's key at the provider, of `digest` =
/// SHA-256(`signed_attrs_der`), the DER (SET OF) signed attributes of the CMS SignerInfo. Only
/// the digest goes to a real provider; the attributes themselves go to the sandbox too
/// (WebCrypto signs messages, not digests; see `signing/sandbox.rs`), and the answer is checked
/// against `cert` over them before it is returned. A digest that is not the attributes' is the
/// caller's bug (500). `description` is shown to the holder in the provider's app.
pub async fn sign_digest(
    env: &Env,
    d1: &Db,
    agency_code: &str,
    cert: &AgencyCertificate,
    digest: &[u8; 32],
    signed_attrs_der: &[u8],
    description: &str,
) -> Result<Vec<u8>, ApiError> {
    if Sha256::digest(signed_attrs_der).as_slice() != digest {
        return Err(ApiError::Unexpected("sign_digest: the digest is not SHA-256 of the signed attributes".into()));
    }
    let signer = provider(env)?;
    let account = account(env, d1, agency_code).await?;
    let request = HashToSign {
        transaction_id: transaction_id(),
        description: description.to_string(),
        serial_hex: cert.serial_hex.clone(),
        digest: *digest,
        unix_now: clock::now().unix_timestamp(),
        sandbox_message: sandbox(env).then(|| signed_attrs_der.to_vec()),
    };
    let (status, body) = post(&signer.sign_call(&account, &request)).await?;
    let mut progress = signer.read_sign(&request, status, &body).map_err(error)?;
    for wait in POLL_WAITS_MS {
        let pending = match progress {
            SignProgress::Signed(signature) => return checked(cert, signed_attrs_der, signature).await,
            SignProgress::Pending(p) => p,
        };
        if wait > 0 {
            worker::Delay::from(std::time::Duration::from_millis(wait)).await;
        }
        let (status, body) = post(&signer.status_call(&pending)).await?;
        progress = signer.read_status(&pending, status, &body).map_err(error)?;
    }
    match progress {
        SignProgress::Signed(signature) => checked(cert, signed_attrs_der, signature).await,
        SignProgress::Pending(p) => {
            worker::console_log!("signing: {} still waits for the holder's confirmation", p.transaction_id);
            Err(error(SigningError::StillPending))
        }
    }
}

/// The signature, if it is one by the certificate's key over `message`.
async fn checked(cert: &AgencyCertificate, message: &[u8], signature: Vec<u8>) -> Result<Vec<u8>, ApiError> {
    let leaf = cert.chain_der.first().map(Vec::as_slice).unwrap_or_default();
    let info = cert::read(leaf).map_err(|e| error(SigningError::Unavailable { detail: format!("certificate: {e}") }))?;
    signing::check_signature_len(&signature, info.rsa_modulus_len).map_err(error)?;
    let spki = cert::spki(leaf).map_err(|e| error(SigningError::Unavailable { detail: format!("certificate: {e}") }))?;
    // A key WebCrypto cannot import as RSA is the provider's certificate's problem, not ours.
    let verified = webcrypto::rs256_verify_spki(spki, message, &signature)
        .await
        .map_err(|e| error(SigningError::Unavailable { detail: format!("verifying the signature: {e}") }))?;
    if !verified {
        return Err(error(SigningError::Unavailable { detail: "the signature does not verify with the agency's certificate".into() }));
    }
    Ok(signature)
}
