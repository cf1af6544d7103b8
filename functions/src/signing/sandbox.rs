//! The remote-signing provider's sandbox and its test CA (feature `sandbox`, routed only when
//! `SANDBOX=1`). It speaks VNPT SmartCA sp769 at `/sandbox/smartca/sca/sp769/…` with the
//! formats of `motcua_domain::signing::smartca::sandbox`: it checks the SP id and password (401
//! `SP_CREDENTIAL_INVALID`), knows each agency as a key holder (`user_id` = the agency's code,
//! or the `user_id` of its `agency_signing_accounts` row), issues it a certificate on first use,
//! signs, and answers the status poll. A holder id ending in `.cho` never confirms (the Worker
//! gives up with 409 `signing_pending`), one ending in `.tuchoi` refuses (409
//! `signing_rejected`). `GET /sandbox/ca.pem` is the root to trust (pyHanko `--trust`, `pdfsig`).
//!
//! The CA: "motcua Sandbox Root CA" (CA:true, keyCertSign + cRLSign, 10 years); each holder's
//! certificate: CN = the agency's name (UTF8String, with its diacritics), O = the agency's code,
//! digitalSignature + nonRepudiation, extendedKeyUsage documentSigning (RFC 9336) and
//! emailProtection (pyHanko's default policy accepts any EKU and wants digitalSignature or
//! nonRepudiation; Adobe's wants emailProtection or document signing), 2 years, random serial.
//! Keys are RSA-2048 made and used by WebCrypto only, kept as JWK in D1 (`dev_signing_ca`,
//! `dev_signing_keys`); the certificates are X.509 built with `x509-cert` (the TBSCertificate
//! encoded to DER, signed through WebCrypto, assembled).
//!
//! **Hash signing without a raw RSA operation.** A real provider signs the SHA-256 it is given:
//! RSA over the PKCS#1 v1.5 DigestInfo of that digest. WebCrypto's RSASSA-PKCS1-v1_5 cannot
//! take a precomputed digest (it hashes the message itself), and doing the RSA operation in Rust
//! is ruled out (keys stay out of Rust). So the request the sandbox gets carries, besides the
//! hash the real protocol sends (`data_to_be_signed`), the message itself in a sandbox-only
//! field (`sandbox_to_be_signed`, base64 of the DER signed attributes; `provider::sign_digest`
//! adds it only with `SANDBOX=1`). The sandbox refuses the request unless SHA-256 of that
//! message equals `data_to_be_signed`, then signs the message with WebCrypto. RSASSA-PKCS1-v1_5
//! over the message is by definition the PKCS#1 v1.5 signature of its SHA-256, so the bytes are
//! exactly what a provider signing the hash returns, and the real path sends the hash only.

use base64::Engine;
use motcua_domain::signing::cert;
use motcua_domain::signing::smartca::{self, sandbox as side, SignRequest, StatusRequest};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use worker::Response;
use crate::platform::db::Db;
use x509_cert::der::asn1::{Any, BitString, OctetString, SetOfVec, UtcTime};
use x509_cert::der::oid::{AssociatedOid, ObjectIdentifier};
use x509_cert::der::{Decode, Encode, Tag};
use x509_cert::ext::pkix::{AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, KeyUsages, SubjectKeyIdentifier};
use x509_cert::ext::Extension;
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::time::{Time, Validity};
use x509_cert::{Certificate, TbsCertificate, Version};

use super::provider;
use crate::auth::webcrypto;
use crate::platform::error::ApiError;
use crate::platform::http::{json, Ctx};
use crate::platform::{clock, config, db, random};

pub const ROOT_CN: &str = "motcua Sandbox Root CA";
const ROOT_YEARS: i64 = 10;
const LEAF_YEARS: i64 = 2;
const YEAR: i64 = 365 * 24 * 3600 + 6 * 3600;

const OID_CN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
const OID_O: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.10");
const SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
/// id-kp-documentSigning (RFC 9336) and id-kp-emailProtection (RFC 5280).
const EKU_DOCUMENT_SIGNING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.36");
const EKU_EMAIL_PROTECTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.4");

fn x509_err(e: impl std::fmt::Display) -> ApiError {
    ApiError::Unexpected(format!("sandbox CA: {e}"))
}

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

fn name(cn: &str, o: &str) -> Result<Name, ApiError> {
    let rdn = |oid: ObjectIdentifier, value: &str| -> Result<RelativeDistinguishedName, ApiError> {
        let atv = x509_cert::attr::AttributeTypeAndValue { oid, value: Any::new(Tag::Utf8String, value.as_bytes()).map_err(x509_err)? };
        Ok(RelativeDistinguishedName(SetOfVec::try_from(vec![atv]).map_err(x509_err)?))
    };
    Ok(RdnSequence(vec![rdn(OID_O, o)?, rdn(OID_CN, cn)?]))
}

fn time(unix: i64) -> Result<Time, ApiError> {
    Ok(Time::UtcTime(UtcTime::from_unix_duration(std::time::Duration::from_secs(unix.max(0) as u64)).map_err(x509_err)?))
}

fn extension<T: Encode + AssociatedOid>(critical: bool, value: &T) -> Result<Extension, ApiError> {
    Ok(Extension { extn_id: T::OID, critical, extn_value: OctetString::new(value.to_der().map_err(x509_err)?).map_err(x509_err)? })
}

/// RFC 7093 method 1: the leftmost 160 bits of SHA-256 of the subjectPublicKey.
fn key_id(spki: &SubjectPublicKeyInfoOwned) -> Vec<u8> {
    Sha256::digest(spki.subject_public_key.raw_bytes())[..20].to_vec()
}

fn serial() -> Result<SerialNumber, ApiError> {
    let mut bytes = random::bytes::<16>();
    bytes[0] = (bytes[0] & 0x7F).max(1);
    SerialNumber::new(&bytes).map_err(x509_err)
}

fn sha256_with_rsa() -> Result<AlgorithmIdentifierOwned, ApiError> {
    Ok(AlgorithmIdentifierOwned { oid: SHA256_WITH_RSA, parameters: Some(Any::new(Tag::Null, Vec::<u8>::new()).map_err(x509_err)?) })
}

/// The TBSCertificate to DER, signed by `issuer_jwk` through WebCrypto, assembled.
async fn signed(tbs: TbsCertificate, issuer_jwk: &str) -> Result<Vec<u8>, ApiError> {
    let tbs_der = tbs.to_der().map_err(x509_err)?;
    let signature = webcrypto::rs256_sign(issuer_jwk, &tbs_der).await?;
    let cert = Certificate { tbs_certificate: tbs, signature_algorithm: sha256_with_rsa()?, signature: BitString::from_bytes(&signature).map_err(x509_err)? };
    cert.to_der().map_err(x509_err)
}

struct Root {
    private_jwk: String,
    cert_der: Vec<u8>,
}

#[derive(Deserialize)]
struct KeyRow {
    private_jwk: String,
    cert_der: String,
}

/// The root, made on first use. Two first uses at once both make one; the insert keeps one and
/// both read it back.
async fn root(d1: &Db) -> Result<Root, ApiError> {
    let select = || d1.prepare("SELECT private_jwk, cert_der FROM dev_signing_ca WHERE id = 1");
    if let Some(r) = db::first::<KeyRow>(select()).await? {
        return Ok(Root { private_jwk: r.private_jwk, cert_der: b64().decode(r.cert_der).map_err(x509_err)? });
    }
    let (private_jwk, spki_der) = webcrypto::rs256_generate_spki().await?;
    let spki = SubjectPublicKeyInfoOwned::from_der(&spki_der).map_err(x509_err)?;
    let now = clock::now().unix_timestamp();
    let subject = name(ROOT_CN, "motcua")?;
    let tbs = TbsCertificate {
        version: Version::V3,
        serial_number: serial()?,
        signature: sha256_with_rsa()?,
        issuer: subject.clone(),
        validity: Validity { not_before: time(now - 3600)?, not_after: time(now + ROOT_YEARS * YEAR)? },
        subject,
        extensions: Some(vec![
            extension(true, &BasicConstraints { ca: true, path_len_constraint: Some(0) })?,
            extension(true, &KeyUsage(KeyUsages::KeyCertSign | KeyUsages::CRLSign))?,
            extension(false, &SubjectKeyIdentifier(OctetString::new(key_id(&spki)).map_err(x509_err)?))?,
        ]),
        subject_public_key_info: spki,
        issuer_unique_id: None,
        subject_unique_id: None,
    };
    let cert_der = signed(tbs, &private_jwk).await?;
    d1.prepare("INSERT OR IGNORE INTO dev_signing_ca (id, private_jwk, cert_der, created_at) VALUES (1, ?1, ?2, ?3)")
        .bind(&[private_jwk.into(), b64().encode(&cert_der).into(), (now as f64).into()])?
        .run()
        .await?;
    let r = db::first::<KeyRow>(select()).await?.ok_or_else(|| x509_err("root missing"))?;
    Ok(Root { private_jwk: r.private_jwk, cert_der: b64().decode(r.cert_der).map_err(x509_err)? })
}

struct Holder {
    private_jwk: String,
    cert_der: Vec<u8>,
    serial_hex: String,
}

/// The agency a holder id stands for: the agency with that code, else the one whose signing
/// account names it. `(code, name)`.
async fn agency_of(d1: &Db, user_id: &str) -> Result<Option<(String, String)>, ApiError> {
    let row: Option<serde_json::Value> = db::first(
        d1.prepare(
            "SELECT code, name FROM agencies WHERE code = ?1 \
             UNION ALL SELECT a.code, a.name FROM agency_signing_accounts s JOIN agencies a ON a.code = s.agency_code WHERE s.user_id = ?1 \
             LIMIT 1",
        )
        .bind(&[user_id.into()])?,
    )
    .await?;
    Ok(row.map(|r| (r["code"].as_str().unwrap_or_default().to_string(), r["name"].as_str().unwrap_or_default().to_string())))
}

/// The holder's key and certificate, issued on first use; `None` for an id the sandbox does not
/// know (no such agency or account).
async fn holder(d1: &Db, user_id: &str) -> Result<Option<Holder>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        private_jwk: String,
        cert_der: String,
        serial_hex: String,
    }
    let select = || d1.prepare("SELECT private_jwk, cert_der, serial_hex FROM dev_signing_keys WHERE user_id = ?1").bind(&[user_id.into()]);
    let read = |r: Row| -> Result<Holder, ApiError> {
        Ok(Holder { private_jwk: r.private_jwk, cert_der: b64().decode(r.cert_der).map_err(x509_err)?, serial_hex: r.serial_hex })
    };
    if let Some(r) = db::first::<Row>(select()?).await? {
        return Ok(Some(read(r)?));
    }
    let Some((code, agency_name)) = agency_of(d1, user_id).await? else { return Ok(None) };
    let ca = root(d1).await?;
    let ca_cert = Certificate::from_der(&ca.cert_der).map_err(x509_err)?;
    let (private_jwk, spki_der) = webcrypto::rs256_generate_spki().await?;
    let spki = SubjectPublicKeyInfoOwned::from_der(&spki_der).map_err(x509_err)?;
    let now = clock::now().unix_timestamp();
    let tbs = TbsCertificate {
        version: Version::V3,
        serial_number: serial()?,
        signature: sha256_with_rsa()?,
        issuer: ca_cert.tbs_certificate.subject.clone(),
        validity: Validity { not_before: time(now - 3600)?, not_after: time(now + LEAF_YEARS * YEAR)? },
        subject: name(&agency_name, &code)?,
        extensions: Some(vec![
            extension(true, &BasicConstraints { ca: false, path_len_constraint: None })?,
            extension(true, &KeyUsage(KeyUsages::DigitalSignature | KeyUsages::NonRepudiation))?,
            extension(false, &ExtendedKeyUsage(vec![EKU_DOCUMENT_SIGNING, EKU_EMAIL_PROTECTION]))?,
            extension(false, &SubjectKeyIdentifier(OctetString::new(key_id(&spki)).map_err(x509_err)?))?,
            extension(
                false,
                &AuthorityKeyIdentifier {
                    key_identifier: Some(OctetString::new(key_id(&ca_cert.tbs_certificate.subject_public_key_info)).map_err(x509_err)?),
                    authority_cert_issuer: None,
                    authority_cert_serial_number: None,
                },
            )?,
        ]),
        subject_public_key_info: spki,
        issuer_unique_id: None,
        subject_unique_id: None,
    };
    let cert_der = signed(tbs, &ca.private_jwk).await?;
    let serial_hex = cert::read(&cert_der).map_err(x509_err)?.serial_hex;
    d1.prepare(
        "INSERT OR IGNORE INTO dev_signing_keys (user_id, agency_code, private_jwk, cert_der, serial_hex, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .bind(&[user_id.into(), code.into(), private_jwk.into(), b64().encode(&cert_der).into(), serial_hex.into(), (now as f64).into()])?
    .run()
    .await?;
    db::first::<Row>(select()?).await?.map(read).transpose()
}

fn reply((status, body): side::Reply) -> Result<Response, ApiError> {
    Ok(Response::ok(body)?.with_status(status).with_headers({
        let h = worker::Headers::new();
        h.set("content-type", "application/json")?;
        h
    }))
}

/// The SP account the sandbox has a contract with: the deployment's own settings.
fn sp(ctx: &Ctx) -> (String, String) {
    match &config::config(&ctx.env).signing {
        Some(c) => (c.sp_id.clone(), c.sp_password.expose().to_string()),
        None => (String::new(), String::new()),
    }
}

/// `GET /sandbox/ca.pem`: the root certificate.
pub async fn ca_pem(ctx: &Ctx) -> Result<Response, ApiError> {
    let root = root(&ctx.national()?).await?;
    let mut resp = Response::ok(cert::pem("CERTIFICATE", &root.cert_der))?;
    resp.headers_mut().set("content-type", "application/x-pem-file")?;
    resp.headers_mut().set("content-disposition", "inline; filename=\"motcua-sandbox-ca.pem\"")?;
    Ok(resp)
}

/// `POST /sandbox/smartca/sca/sp769/v1/credentials/get_certificate`.
pub async fn get_certificate(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let Ok(req) = serde_json::from_str::<smartca::CertificateRequest>(&ctx.req.text().await?) else { return reply(side::error(400, "INVALID_REQUEST")) };
    let (id, pw) = sp(ctx);
    if let Err(r) = side::check_sp(&id, &pw, &req.sp_id, &req.sp_password) {
        return reply(r);
    }
    let d1 = ctx.national()?;
    let Some(h) = holder(&d1, &req.user_id).await? else { return reply(side::error(404, "CREDENTIAL_NOT_FOUND")) };
    let root = root(&d1).await?;
    reply(side::certificate_reply(&format!("sandbox-{}", h.serial_hex), &h.serial_hex, &h.cert_der, &root.cert_der))
}

/// `POST /sandbox/smartca/sca/sp769/v1/signatures/sign`: signs at once (an organisation's
/// certificate confirms automatically) and answers "waiting for the holder" as the service
/// does; the signature is given by the status poll.
pub async fn sign(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let req: SignRequest = match side::parse_sign(&ctx.req.text().await?) {
        Ok(r) => r,
        Err(r) => return reply(r),
    };
    let (id, pw) = sp(ctx);
    if let Err(r) = side::check_sp(&id, &pw, &req.sp_id, &req.sp_password) {
        return reply(r);
    }
    let d1 = ctx.national()?;
    let Some(h) = holder(&d1, &req.user_id).await? else { return reply(side::error(404, "CREDENTIAL_NOT_FOUND")) };
    if !req.serial_number.is_empty() && !req.serial_number.eq_ignore_ascii_case(&h.serial_hex) {
        return reply(side::error(404, "CERTIFICATE_NOT_FOUND"));
    }
    let file = &req.sign_files[0];
    // See the module's note: the message travels beside its hash, and must be what was hashed.
    let Some(message) = file.sandbox_to_be_signed.as_deref().and_then(|m| b64().decode(m).ok()) else {
        return reply(side::error(400, "SANDBOX_NEEDS_MESSAGE"));
    };
    if !hex::encode(Sha256::digest(&message)).eq_ignore_ascii_case(&file.data_to_be_signed) {
        return reply(side::error(400, "HASH_MISMATCH"));
    }
    // An organisation's certificate confirms at once; the test holders wait or refuse.
    let (outcome, signature) = if req.user_id.ends_with(side::WAITING_SUFFIX) {
        ("waiting", None)
    } else if req.user_id.ends_with(side::REFUSING_SUFFIX) {
        ("rejected", None)
    } else {
        ("signed", Some(b64().encode(webcrypto::rs256_sign(&h.private_jwk, &message).await?)))
    };
    let tran_code = hex::encode(random::bytes::<16>());
    let inserted = d1
        .prepare(
            "INSERT OR IGNORE INTO dev_signing_transactions (transaction_id, tran_code, user_id, doc_id, outcome, signature, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )
        .bind(&[
            req.transaction_id.as_str().into(),
            tran_code.as_str().into(),
            req.user_id.as_str().into(),
            file.doc_id.as_str().into(),
            outcome.into(),
            db::nullable(signature.as_deref()),
            (clock::now().unix_timestamp() as f64).into(),
        ])?
        .run()
        .await?
        .meta()?
        .and_then(|m| m.changes)
        .unwrap_or(0);
    if inserted == 0 {
        return reply(side::error(409, "TRANSACTION_ID_EXISTS"));
    }
    reply(side::sign_reply(&req.transaction_id, &tran_code))
}

/// `POST /sandbox/smartca/sca/sp769/v1/signatures/sign/{id}/status`; `{id}` is the
/// transaction id or the tran code (the sources disagree; see `smartca.rs`).
pub async fn status(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let Ok(req) = serde_json::from_str::<StatusRequest>(&ctx.req.text().await?) else { return reply(side::error(400, "INVALID_REQUEST")) };
    let (sp_id, pw) = sp(ctx);
    if let Err(r) = side::check_sp(&sp_id, &pw, &req.sp_id, &req.sp_password) {
        return reply(r);
    }
    let row: Option<serde_json::Value> = db::first(
        ctx.national()?
            .prepare("SELECT transaction_id, doc_id, outcome, signature FROM dev_signing_transactions WHERE transaction_id = ?1 OR tran_code = ?1")
            .bind(&[id.into()])?,
    )
    .await?;
    let Some(r) = row else { return reply(side::error(404, "TRANSACTION_NOT_FOUND")) };
    if r["outcome"] == "rejected" {
        return reply(side::rejected_reply());
    }
    let signature = r["signature"].as_str().and_then(|s| b64().decode(s).ok());
    reply(side::status_reply(r["transaction_id"].as_str().unwrap_or_default(), r["doc_id"].as_str().unwrap_or_default(), signature.as_deref()))
}

#[derive(Deserialize)]
struct TryBody {
    agency: String,
    /// Base64 of the bytes to sign (in real use, the DER signed attributes).
    message: String,
    #[serde(default)]
    description: String,
}

/// `POST /sandbox/signing/try` `{"agency", "message" (base64), "description"?}`: runs
/// `provider::certificate` and `provider::sign_digest` for the agency as the sign route will,
/// and answers the chain, its display fields and the signature (base64). For tests and
/// development; never routed without `SANDBOX=1`.
pub async fn try_sign(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let body: TryBody = ctx.json_body().await?;
    let message = b64()
        .decode(body.message.trim())
        .map_err(|_| motcua_domain::validation::FieldError::new("message", "invalid_format", "Không phải base64.", "Not base64."))?;
    let d1 = ctx.national()?;
    let cert = provider::certificate(&ctx.env, &d1, &body.agency).await?;
    let digest: [u8; 32] = Sha256::digest(&message).into();
    let signature = provider::sign_digest(&ctx.env, &d1, &body.agency, &cert, &digest, &message, &body.description).await?;
    json(&serde_json::json!({
        "chain": cert.chain_der.iter().map(|c| b64().encode(c)).collect::<Vec<_>>(),
        "subject": cert.subject,
        "issuer": cert.issuer,
        "serial_hex": cert.serial_hex,
        "not_after": cert.not_after,
        "signature": b64().encode(&signature),
    }))
}
