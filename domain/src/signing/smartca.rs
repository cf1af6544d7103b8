//! VNPT SmartCA, service-provider API "sp769", as a pure transformer: the three calls a remote
//! hash signature takes (the certificate, the sign request, the status poll), the meaning of each
//! answer, and the provider's side of the same protocol for the local sandbox.
//!
//! **Every fact about the provider lives in this file**, each marked with where it comes from, so
//! that the published specification, once checked in UAT, changes this file only. The source is
//! `/work/shared/signing/FACTS.md`, "Remote signing APIs → VNPT SmartCA sp769" (a summary of
//! "VNPT_SmartCA_v4.1.pdf" v4.0.0 and public clients; **not tested live**). Facts marked
//! *assumed* are not in FACTS.md: they are this adapter's guesses, chosen to fail safe.

use serde::{Deserialize, Serialize};

use super::{Call, Pending, RemoteSigner, SignProgress, SigningAccount, SigningError};
use crate::gateway::Secret;

/// The provider's name in `agency_signing_accounts.provider`.
pub const PROVIDER: &str = "vnpt_smartca";

/// FACTS.md: production host `gwsca.vnpt.vn`, base path `…/sca/sp769`.
pub const PRODUCTION_BASE_URL: &str = "https://gwsca.vnpt.vn/sca/sp769";
/// FACTS.md: UAT host `rmgateway.vnptit.vn` (same base path).
pub const UAT_BASE_URL: &str = "https://rmgateway.vnptit.vn/sca/sp769";

/// Setting names (`platform/settings.rs` reads them).
pub mod env {
    /// The API's base address up to `/sca/sp769` (unset: [`super::PRODUCTION_BASE_URL`]); a
    /// path is an address on this deployment (`.dev.vars` → the sandbox).
    pub const URL: &str = "SIGNING_URL";
    /// The service provider's id that VNPT issues to this deployment.
    pub const SP_ID: &str = "SIGNING_SP_ID";
    /// Secret: the service provider's password.
    pub const SP_PASSWORD: &str = "SIGNING_SP_PASSWORD";
}

/// The deployment's service-provider account at VNPT SmartCA.
#[derive(Debug, Clone)]
pub struct SmartcaConfig {
    /// Up to and including `/sca/sp769`, no trailing slash.
    pub base_url: String,
    pub sp_id: String,
    pub sp_password: Secret,
}

// FACTS.md: the three paths, all POST with JSON.
const GET_CERTIFICATE_PATH: &str = "/v1/credentials/get_certificate";
const SIGN_PATH: &str = "/v1/signatures/sign";
/// FACTS.md: "Poll `/v1/signatures/sign/{id}/status` … sources disagree on whether `{id}` is
/// `tran_code` or `transaction_id`". We send our own `transaction_id` (the PHP and Java samples'
/// choice); the sandbox accepts either. Check in UAT.
fn status_path(p: &Pending) -> String {
    format!("/v1/signatures/sign/{}/status", p.transaction_id)
}

/// FACTS.md: the answer's message when the sign request was taken and waits for the holder.
pub const WAIT_FOR_USER_CONFIRM: &str = "sig_wait_for_user_confirm";
/// FACTS.md "Errors": our SP id/password refused (HTTP 401).
pub const SP_CREDENTIAL_INVALID: &str = "SP_CREDENTIAL_INVALID";
/// FACTS.md "Errors": the holder's credential (certificate) is not usable (HTTP 403): revoked,
/// suspended or expired.
pub const CREDENTIAL_STATUS_INVALID: &str = "CREDENTIAL_STATUS_INVALID";
/// *Assumed* (public clients compare against it): a finished status poll says `SUCCESS`.
pub const SUCCESS: &str = "SUCCESS";

/// The bodies, field for field as FACTS.md lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateRequest {
    pub sp_id: String,
    pub sp_password: String,
    /// FACTS.md: "user_id (national ID)"; for an organisation, the id its contract names.
    pub user_id: String,
    /// FACTS.md: `serial_number: ""` asks for every certificate of the user.
    #[serde(default)]
    pub serial_number: String,
    pub transaction_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignRequest {
    pub sp_id: String,
    pub sp_password: String,
    pub user_id: String,
    pub transaction_id: String,
    pub transaction_desc: String,
    #[serde(default)]
    pub serial_number: String,
    /// FACTS.md: `"YYYYMMDDhhmmssZ"` (UTC).
    pub time_stamp: String,
    pub sign_files: Vec<SignFile>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignFile {
    pub doc_id: String,
    /// FACTS.md: `"pdf"`.
    pub file_type: String,
    /// FACTS.md: `"hash"` (the only type the service takes).
    pub sign_type: String,
    /// FACTS.md: hex SHA-256 (lowercase in every public client).
    pub data_to_be_signed: String,
    /// Not VNPT's: the sandbox's side field (base64 of the bytes whose SHA-256 is
    /// `data_to_be_signed`), sent only to the sandbox. WebCrypto signs messages, not digests, so
    /// the sandbox needs the message; it checks that it hashes to `data_to_be_signed` and signs
    /// nothing else. See `functions/src/signing/sandbox.rs`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sandbox_to_be_signed: Option<String>,
}

/// The status poll's body. *Assumed*: one source says the body may be `{}`; sending our SP
/// credentials as on the other calls costs nothing if ignored, and the sandbox requires them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusRequest {
    pub sp_id: String,
    pub sp_password: String,
    pub transaction_id: String,
}

/// Every answer's envelope: `{status_code, message, data}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Envelope<T> {
    #[serde(default)]
    pub status_code: Option<i64>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default = "none")]
    pub data: Option<T>,
}

fn none<T>() -> Option<T> {
    None
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CertificateData {
    #[serde(default)]
    pub user_certificates: Vec<UserCertificate>,
}

/// FACTS.md: `user_certificates[]{cert_id, serial_number, cert_data (b64 DER),
/// chain_data.ca_cert, chain_data.root_cert}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct UserCertificate {
    #[serde(default)]
    pub cert_id: Option<String>,
    #[serde(default)]
    pub serial_number: Option<String>,
    #[serde(default)]
    pub cert_data: Option<String>,
    #[serde(default)]
    pub chain_data: Option<ChainData>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ChainData {
    #[serde(default)]
    pub ca_cert: Option<String>,
    #[serde(default)]
    pub root_cert: Option<String>,
}

/// FACTS.md: the sign answer's `data{transaction_id, tran_code}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SignData {
    #[serde(default)]
    pub transaction_id: Option<String>,
    #[serde(default)]
    pub tran_code: Option<String>,
}

/// The status answer's `data{transaction_id, signatures[]{doc_id, signature_value,
/// timestamp_signature}}` (FACTS.md names `signatures[]`/`signature_value`; the rest is the
/// public clients' shape).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct StatusData {
    #[serde(default)]
    pub transaction_id: Option<String>,
    #[serde(default)]
    pub signatures: Option<Vec<Signature>>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Signature {
    #[serde(default)]
    pub doc_id: Option<String>,
    /// FACTS.md: base64. This adapter takes it as a raw PKCS#1 v1.5 signature ("whether VNPT
    /// returns raw PKCS#1 or a full CMS is not verified"); a CMS would not have the key's
    /// length and is refused by [`super::check_signature_len`].
    #[serde(default)]
    pub signature_value: Option<String>,
    #[serde(default)]
    pub timestamp_signature: Option<String>,
}

/// `time_stamp` for a unix time: `YYYYMMDDhhmmssZ` in UTC (FACTS.md).
pub fn time_stamp(unix: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp(unix).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!("{:04}{:02}{:02}{:02}{:02}{:02}Z", t.year(), t.month() as u8, t.day(), t.hour(), t.minute(), t.second())
}

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

fn decode_b64(s: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    // Some clients wrap base64 at 76 characters; whitespace is never part of it.
    let clean: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    b64().decode(clean).ok().filter(|v| !v.is_empty())
}

/// VNPT SmartCA sp769 with the deployment's SP account.
#[derive(Debug, Clone)]
pub struct Smartca {
    pub config: SmartcaConfig,
}

impl Smartca {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.config.base_url.trim_end_matches('/'))
    }
}

/// The provider's error code and message out of an envelope that is not a success; maps the
/// codes FACTS.md lists, then the HTTP status.
fn refusal(http_status: u16, message: &str) -> SigningError {
    let code = message.trim();
    match code {
        SP_CREDENTIAL_INVALID => SigningError::SpCredentialInvalid,
        CREDENTIAL_STATUS_INVALID => SigningError::CertificateUnusable,
        _ => {
            let upper = code.to_ascii_uppercase();
            // *Assumed* words of a holder's refusal or an expired transaction (not in FACTS.md).
            if upper.contains("REJECT") || upper.contains("CANCEL") || upper.contains("DENIED") || upper.contains("REFUSE") {
                SigningError::UserRejected
            } else if upper.contains("EXPIRED") || upper.contains("TIMEOUT") {
                SigningError::TransactionExpired
            } else if http_status == 401 {
                SigningError::SpCredentialInvalid
            } else if http_status == 403 {
                SigningError::CertificateUnusable
            } else if http_status == 404 || upper.contains("NOT_FOUND") || upper.contains("NOT FOUND") {
                SigningError::NoCertificate
            } else {
                SigningError::Unavailable { detail: format!("http {http_status}: {}", cut(code)) }
            }
        }
    }
}

fn cut(s: &str) -> String {
    s.chars().take(160).collect()
}

/// The envelope of an answer (its message and `data`), or the error it means. A body we cannot
/// read is the provider's fault (unavailable), never the officer's. Read as a plain JSON value,
/// not through the typed structs above: the Worker's size budget (they serve the sandbox).
fn envelope(http_status: u16, body: &str) -> Result<(String, serde_json::Value), SigningError> {
    let env = match serde_json::from_str::<serde_json::Value>(body) {
        Ok(v @ serde_json::Value::Object(_)) => v,
        _ if !(200..300).contains(&http_status) => return Err(refusal(http_status, "")),
        _ => return Err(SigningError::Unavailable { detail: format!("unreadable answer: {}", cut(body)) }),
    };
    let message = env["message"].as_str().unwrap_or_default().to_string();
    let status_code = env["status_code"].as_i64();
    if !(200..300).contains(&http_status) || status_code.is_some_and(|c| c != 200) {
        let status = status_code.and_then(|c| u16::try_from(c).ok()).filter(|_| (200..300).contains(&http_status)).unwrap_or(http_status);
        return Err(refusal(status, &message));
    }
    Ok((message, env["data"].clone()))
}

fn text(v: &serde_json::Value) -> Option<&str> {
    v.as_str().filter(|s| !s.trim().is_empty())
}

impl RemoteSigner for Smartca {
    fn certificate_call(&self, account: &SigningAccount, transaction_id: &str) -> Call {
        let body = CertificateRequest {
            sp_id: self.config.sp_id.clone(),
            sp_password: self.config.sp_password.expose().to_string(),
            user_id: account.user_id.clone(),
            serial_number: account.serial_number.clone().unwrap_or_default(),
            transaction_id: transaction_id.to_string(),
        };
        Call { url: self.url(GET_CERTIFICATE_PATH), body: serde_json::to_string(&body).unwrap_or_default() }
    }

    fn read_certificate(&self, account: &SigningAccount, http_status: u16, body: &str) -> Result<Vec<Vec<u8>>, SigningError> {
        let (_, data) = envelope(http_status, body)?;
        let norm = |s: &str| s.trim_start_matches('0').to_ascii_lowercase();
        let wanted = account.serial_number.as_deref().map(norm);
        // The account's certificate when it names a serial; else the first one that decodes.
        let certs = data["user_certificates"].as_array().cloned().unwrap_or_default();
        let chosen = certs
            .iter()
            .filter(|c| match &wanted {
                Some(w) => text(&c["serial_number"]).map(norm).as_deref() == Some(w.as_str()),
                None => true,
            })
            .find_map(|c| decode_b64(text(&c["cert_data"])?).map(|der| (der, c)));
        let Some((leaf, c)) = chosen else { return Err(SigningError::NoCertificate) };
        let mut chain = vec![leaf];
        for extra in [&c["chain_data"]["ca_cert"], &c["chain_data"]["root_cert"]] {
            if let Some(der) = text(extra).and_then(decode_b64) {
                if !chain.contains(&der) {
                    chain.push(der);
                }
            }
        }
        Ok(chain)
    }

    fn sign_call(&self, account: &SigningAccount, request: &super::HashToSign) -> Call {
        let body = SignRequest {
            sp_id: self.config.sp_id.clone(),
            sp_password: self.config.sp_password.expose().to_string(),
            user_id: account.user_id.clone(),
            transaction_id: request.transaction_id.clone(),
            transaction_desc: cut(&request.description),
            serial_number: request.serial_hex.clone(),
            time_stamp: time_stamp(request.unix_now),
            sign_files: vec![SignFile {
                doc_id: request.transaction_id.clone(),
                file_type: "pdf".into(),
                sign_type: "hash".into(),
                data_to_be_signed: hex::encode(request.digest),
                sandbox_to_be_signed: request.sandbox_message.as_ref().map(|m| {
                    use base64::Engine;
                    b64().encode(m)
                }),
            }],
        };
        Call { url: self.url(SIGN_PATH), body: serde_json::to_string(&body).unwrap_or_default() }
    }

    fn read_sign(&self, request: &super::HashToSign, http_status: u16, body: &str) -> Result<SignProgress, SigningError> {
        let (message, data) = envelope(http_status, body)?;
        // A provider that signs at once may answer the signature here (*assumed*; harmless).
        if let Some(sig) = first_signature(&data) {
            return sig.map(SignProgress::Signed);
        }
        if message.trim() != WAIT_FOR_USER_CONFIRM {
            return Err(refusal(http_status, &message));
        }
        // FACTS.md: `data{transaction_id, tran_code}`.
        Ok(SignProgress::Pending(Pending {
            transaction_id: text(&data["transaction_id"]).unwrap_or(&request.transaction_id).to_string(),
            tran_code: text(&data["tran_code"]).unwrap_or_default().to_string(),
        }))
    }

    fn status_call(&self, pending: &Pending) -> Call {
        let body = StatusRequest {
            sp_id: self.config.sp_id.clone(),
            sp_password: self.config.sp_password.expose().to_string(),
            transaction_id: pending.transaction_id.clone(),
        };
        Call { url: self.url(&status_path(pending)), body: serde_json::to_string(&body).unwrap_or_default() }
    }

    fn read_status(&self, pending: &Pending, http_status: u16, body: &str) -> Result<SignProgress, SigningError> {
        let (message, data) = envelope(http_status, body)?;
        if let Some(sig) = first_signature(&data) {
            return sig.map(SignProgress::Signed);
        }
        let m = message.trim();
        // FACTS.md: poll "until `signatures[]` appears"; meanwhile the message is the waiting
        // one or empty (public clients). A SUCCESS without a signature is the provider's fault.
        if m.is_empty() || m == WAIT_FOR_USER_CONFIRM || m.eq_ignore_ascii_case("pending") {
            return Ok(SignProgress::Pending(pending.clone()));
        }
        if m == SUCCESS {
            return Err(SigningError::Unavailable { detail: "SUCCESS without a signature".into() });
        }
        Err(refusal(http_status, m))
    }
}

/// The first signature of a status answer: `None` when there is none yet, `Some(Err)` when it
/// is there but not base64.
fn first_signature(data: &serde_json::Value) -> Option<Result<Vec<u8>, SigningError>> {
    let sig = data["signatures"].as_array()?.iter().find_map(|s| text(&s["signature_value"]))?;
    Some(decode_b64(sig).ok_or_else(|| SigningError::Unavailable { detail: "signature_value is not base64".into() }))
}

/// The provider's side of the protocol, for the local sandbox (`/sandbox/smartca/…`): how it
/// checks a request and what it answers, in the shapes above.
pub mod sandbox {
    use super::*;

    /// `(HTTP status, JSON body)`.
    pub type Reply = (u16, String);

    fn reply<T: Serialize>(http: u16, status_code: i64, message: &str, data: Option<T>) -> Reply {
        (http, serde_json::to_string(&Envelope { status_code: Some(status_code), message: Some(message.to_string()), data }).unwrap_or_default())
    }

    /// An error answer: FACTS.md's codes with their HTTP status.
    pub fn error(http: u16, code: &str) -> Reply {
        reply::<()>(http, http as i64, code, None)
    }

    /// Checks the SP's id and password as the service does (401 `SP_CREDENTIAL_INVALID`).
    pub fn check_sp(expected_id: &str, expected_password: &str, sp_id: &str, sp_password: &str) -> Result<(), Reply> {
        use subtle::ConstantTimeEq;
        let same = |a: &str, b: &str| a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()));
        if expected_id.is_empty() || !same(expected_id, sp_id) || !same(expected_password, sp_password) {
            return Err(error(401, SP_CREDENTIAL_INVALID));
        }
        Ok(())
    }

    /// The certificate answer: one certificate with its issuing CA (also the root here).
    pub fn certificate_reply(cert_id: &str, serial_hex: &str, leaf_der: &[u8], root_der: &[u8]) -> Reply {
        use base64::Engine;
        let data = CertificateData {
            user_certificates: vec![UserCertificate {
                cert_id: Some(cert_id.to_string()),
                serial_number: Some(serial_hex.to_string()),
                cert_data: Some(b64().encode(leaf_der)),
                chain_data: Some(ChainData { ca_cert: Some(b64().encode(root_der)), root_cert: Some(b64().encode(root_der)) }),
            }],
        };
        reply(200, 200, "success", Some(data))
    }

    /// A sign request checked as the service would: one file, `sign_type: hash`, a hex SHA-256.
    /// 400 with the reason otherwise.
    pub fn parse_sign(body: &str) -> Result<SignRequest, Reply> {
        let req: SignRequest = serde_json::from_str(body).map_err(|_| error(400, "INVALID_REQUEST"))?;
        let ok_file = |f: &SignFile| f.sign_type == "hash" && f.data_to_be_signed.len() == 64 && f.data_to_be_signed.bytes().all(|b| b.is_ascii_hexdigit());
        if req.user_id.is_empty() || req.transaction_id.is_empty() || req.sign_files.len() != 1 || !req.sign_files.iter().all(ok_file) {
            return Err(error(400, "INVALID_REQUEST"));
        }
        Ok(req)
    }

    /// Holder ids whose requests the sandbox never confirms (`….cho`, "waiting") or the holder
    /// refuses (`….tuchoi`), so the waiting and the refusal can be seen end to end.
    pub const WAITING_SUFFIX: &str = ".cho";
    pub const REFUSING_SUFFIX: &str = ".tuchoi";
    /// *Assumed* refusal message (FACTS.md lists none); [`super::refusal`] reads any message
    /// naming a rejection as the holder's refusal.
    pub const USER_REJECTED: &str = "USER_REJECTED";

    /// The holder refused the request.
    pub fn rejected_reply() -> Reply {
        reply::<()>(200, 400, USER_REJECTED, None)
    }

    /// "Taken; waiting for the holder" (FACTS.md).
    pub fn sign_reply(transaction_id: &str, tran_code: &str) -> Reply {
        reply(200, 200, WAIT_FOR_USER_CONFIRM, Some(SignData { transaction_id: Some(transaction_id.into()), tran_code: Some(tran_code.into()) }))
    }

    /// A status answer: the signature once there is one, else still waiting.
    pub fn status_reply(transaction_id: &str, doc_id: &str, signature: Option<&[u8]>) -> Reply {
        use base64::Engine;
        match signature {
            Some(sig) => reply(
                200,
                200,
                SUCCESS,
                Some(StatusData {
                    transaction_id: Some(transaction_id.into()),
                    signatures: Some(vec![Signature { doc_id: Some(doc_id.into()), signature_value: Some(b64().encode(sig)), timestamp_signature: None }]),
                }),
            ),
            None => reply(200, 200, WAIT_FOR_USER_CONFIRM, Some(StatusData { transaction_id: Some(transaction_id.into()), signatures: None })),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signing::HashToSign;

    fn smartca() -> Smartca {
        Smartca { config: SmartcaConfig { base_url: "https://uat.example/sca/sp769/".into(), sp_id: "sp-1".into(), sp_password: Secret::new("pw-1") } }
    }

    fn account(serial: Option<&str>) -> SigningAccount {
        SigningAccount { provider: PROVIDER.into(), user_id: "000.10.51.H27".into(), serial_number: serial.map(str::to_string) }
    }

    fn hash_request() -> HashToSign {
        HashToSign {
            transaction_id: "motcua-abc".into(),
            description: "Ký kết quả hồ sơ H27.51-261207-0001".into(),
            serial_hex: "0a1b".into(),
            digest: [0xAB; 32],
            unix_now: 1_796_000_000,
            sandbox_message: None,
        }
    }

    fn json(call: &Call) -> serde_json::Value {
        serde_json::from_str(&call.body).unwrap()
    }

    #[test]
    fn builds_the_three_calls_as_facts_md_lists_them() {
        let s = smartca();
        let c = s.certificate_call(&account(None), "tx-1");
        assert_eq!(c.url, "https://uat.example/sca/sp769/v1/credentials/get_certificate");
        assert_eq!(json(&c), serde_json::json!({"sp_id": "sp-1", "sp_password": "pw-1", "user_id": "000.10.51.H27", "serial_number": "", "transaction_id": "tx-1"}));

        let c = s.sign_call(&account(Some("0a1b")), &hash_request());
        assert_eq!(c.url, "https://uat.example/sca/sp769/v1/signatures/sign");
        let body = json(&c);
        assert_eq!(body["time_stamp"], "20261130005320Z");
        assert_eq!(body["serial_number"], "0a1b");
        assert_eq!(body["transaction_desc"], "Ký kết quả hồ sơ H27.51-261207-0001");
        assert_eq!(body["sign_files"], serde_json::json!([{"doc_id": "motcua-abc", "file_type": "pdf", "sign_type": "hash", "data_to_be_signed": "ab".repeat(32)}]));
        // The sandbox's side field only when asked for.
        let with = s.sign_call(&account(None), &HashToSign { sandbox_message: Some(b"abc".to_vec()), ..hash_request() });
        assert_eq!(json(&with)["sign_files"][0]["sandbox_to_be_signed"], "YWJj");

        let p = Pending { transaction_id: "motcua-abc".into(), tran_code: "tc-9".into() };
        let c = s.status_call(&p);
        assert_eq!(c.url, "https://uat.example/sca/sp769/v1/signatures/sign/motcua-abc/status");
        assert_eq!(json(&c)["transaction_id"], "motcua-abc");
    }

    #[test]
    fn time_stamp_is_utc_compact() {
        assert_eq!(time_stamp(0), "19700101000000Z");
        assert_eq!(time_stamp(1_765_000_000), "20251206054640Z");
    }

    #[test]
    fn reads_a_certificate_chain_leaf_first() {
        let (leaf, root) = (b"leaf-der".to_vec(), b"root-der".to_vec());
        let (_, body) = sandbox::certificate_reply("c1", "0A1B", &leaf, &root);
        let chain = smartca().read_certificate(&account(None), 200, &body).unwrap();
        assert_eq!(chain, vec![leaf.clone(), root.clone()]);
        // The serial the account names, compared without case or leading zeros.
        assert_eq!(smartca().read_certificate(&account(Some("000a1b")), 200, &body).unwrap()[0], leaf);
        assert_eq!(smartca().read_certificate(&account(Some("ffff")), 200, &body).unwrap_err(), SigningError::NoCertificate);
        // Two certificates: the second by serial.
        let two = serde_json::json!({"status_code": 200, "message": "success", "data": {"user_certificates": [
            {"serial_number": "01", "cert_data": "AQ=="}, {"serial_number": "02", "cert_data": "Ag==", "chain_data": {"ca_cert": null, "root_cert": ""}}]}});
        assert_eq!(smartca().read_certificate(&account(Some("02")), 200, &two.to_string()).unwrap(), vec![vec![2u8]]);
    }

    #[test]
    fn certificate_errors_and_junk() {
        let s = smartca();
        let a = account(None);
        assert_eq!(s.read_certificate(&a, 401, &sandbox::error(401, SP_CREDENTIAL_INVALID).1).unwrap_err(), SigningError::SpCredentialInvalid);
        assert_eq!(s.read_certificate(&a, 403, &sandbox::error(403, CREDENTIAL_STATUS_INVALID).1).unwrap_err(), SigningError::CertificateUnusable);
        // The code inside a 200 envelope counts too.
        let inner = r#"{"status_code": 403, "message": "CREDENTIAL_STATUS_INVALID", "data": null}"#;
        assert_eq!(s.read_certificate(&a, 200, inner).unwrap_err(), SigningError::CertificateUnusable);
        assert_eq!(s.read_certificate(&a, 200, r#"{"status_code":200,"data":{"user_certificates":[]}}"#).unwrap_err(), SigningError::NoCertificate);
        assert_eq!(s.read_certificate(&a, 200, r#"{"status_code":200,"data":{"user_certificates":[{"cert_data":"%%%"}]}}"#).unwrap_err(), SigningError::NoCertificate);
        assert!(matches!(s.read_certificate(&a, 200, "<html>gateway</html>").unwrap_err(), SigningError::Unavailable { .. }));
        assert!(matches!(s.read_certificate(&a, 502, "Bad Gateway").unwrap_err(), SigningError::Unavailable { .. }));
        assert_eq!(s.read_certificate(&a, 401, "").unwrap_err(), SigningError::SpCredentialInvalid);
        assert!(matches!(s.read_certificate(&a, 200, "null").unwrap_err(), SigningError::Unavailable { .. } | SigningError::NoCertificate));
    }

    #[test]
    fn reads_the_sign_answer_as_pending() {
        let s = smartca();
        let (status, body) = sandbox::sign_reply("motcua-abc", "tc-1");
        let p = s.read_sign(&hash_request(), status, &body).unwrap();
        assert_eq!(p, SignProgress::Pending(Pending { transaction_id: "motcua-abc".into(), tran_code: "tc-1".into() }));
        // Without data, our own id.
        let p = s.read_sign(&hash_request(), 200, r#"{"status_code":200,"message":"sig_wait_for_user_confirm"}"#).unwrap();
        assert_eq!(p, SignProgress::Pending(Pending { transaction_id: "motcua-abc".into(), tran_code: String::new() }));
        assert_eq!(s.read_sign(&hash_request(), 401, &sandbox::error(401, SP_CREDENTIAL_INVALID).1).unwrap_err(), SigningError::SpCredentialInvalid);
        assert_eq!(s.read_sign(&hash_request(), 403, &sandbox::error(403, CREDENTIAL_STATUS_INVALID).1).unwrap_err(), SigningError::CertificateUnusable);
        assert!(matches!(s.read_sign(&hash_request(), 200, r#"{"status_code":200,"message":"something else"}"#).unwrap_err(), SigningError::Unavailable { .. }));
        assert!(matches!(s.read_sign(&hash_request(), 200, "{").unwrap_err(), SigningError::Unavailable { .. }));
        assert!(matches!(s.read_sign(&hash_request(), 500, "{").unwrap_err(), SigningError::Unavailable { .. }));
    }

    #[test]
    fn reads_status_signed_pending_rejected_expired_and_junk() {
        let s = smartca();
        let p = Pending { transaction_id: "motcua-abc".into(), tran_code: "tc".into() };
        let sig = vec![7u8; 256];
        let (st, body) = sandbox::status_reply("motcua-abc", "motcua-abc", Some(&sig));
        assert_eq!(s.read_status(&p, st, &body).unwrap(), SignProgress::Signed(sig));
        let (st, body) = sandbox::status_reply("motcua-abc", "motcua-abc", None);
        assert_eq!(s.read_status(&p, st, &body).unwrap(), SignProgress::Pending(p.clone()));
        assert_eq!(s.read_status(&p, 200, r#"{"status_code":200,"message":"","data":{"signatures":[]}}"#).unwrap(), SignProgress::Pending(p.clone()));
        assert_eq!(s.read_status(&p, 200, r#"{"status_code":400,"message":"USER_REJECTED"}"#).unwrap_err(), SigningError::UserRejected);
        let (st, body) = sandbox::rejected_reply();
        assert_eq!(s.read_status(&p, st, &body).unwrap_err(), SigningError::UserRejected);
        assert_eq!(s.read_status(&p, 200, r#"{"status_code":200,"message":"TRANSACTION_EXPIRED"}"#).unwrap_err(), SigningError::TransactionExpired);
        assert!(matches!(s.read_status(&p, 200, r#"{"status_code":200,"message":"SUCCESS","data":{}}"#).unwrap_err(), SigningError::Unavailable { .. }));
        assert!(matches!(
            s.read_status(&p, 200, r#"{"status_code":200,"message":"SUCCESS","data":{"signatures":[{"signature_value":"not base64!"}]}}"#).unwrap_err(),
            SigningError::Unavailable { .. }
        ));
        assert!(matches!(s.read_status(&p, 503, "").unwrap_err(), SigningError::Unavailable { .. }));
        assert!(matches!(s.read_status(&p, 200, "[1,2]").unwrap_err(), SigningError::Unavailable { .. }));
    }

    #[test]
    fn the_sandbox_checks_credentials_and_requests() {
        assert!(sandbox::check_sp("sp-1", "pw-1", "sp-1", "pw-1").is_ok());
        let (st, body) = sandbox::check_sp("sp-1", "pw-1", "sp-1", "wrong").unwrap_err();
        assert_eq!(st, 401);
        assert_eq!(smartca().read_certificate(&account(None), st, &body).unwrap_err(), SigningError::SpCredentialInvalid);
        assert!(sandbox::check_sp("", "", "", "").is_err());
        let good = smartca().sign_call(&account(None), &hash_request()).body;
        assert_eq!(sandbox::parse_sign(&good).unwrap().sign_files[0].data_to_be_signed, "ab".repeat(32));
        let bad = good.replace("\"hash\"", "\"file\"");
        assert_eq!(sandbox::parse_sign(&bad).unwrap_err().0, 400);
        assert_eq!(sandbox::parse_sign("junk").unwrap_err().0, 400);
    }
}
