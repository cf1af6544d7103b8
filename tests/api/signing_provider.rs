//! Remote signing's provider side (issue 17): the sandbox CA (`/sandbox/ca.pem`), the SmartCA
//! sandbox's protocol (its SP credential check, its honesty about the hash it signs), the
//! Worker's `provider::certificate` and `provider::sign_digest` through the sandbox-only
//! `/sandbox/signing/try`, and the admin route of the agencies' signing accounts. Certificates
//! and signatures are checked by OpenSSL, an independent implementation.

use std::path::Path;
use std::process::Command;

use base64::Engine;
use serde_json::{json, Value};

use crate::support::{agency_code, app, dev_var, expect_error};

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

/// Runs OpenSSL; answers (success, stdout + stderr).
fn openssl(args: &[&str], dir: &Path) -> (bool, String) {
    let out = Command::new("openssl").args(args).current_dir(dir).output().expect("openssl on PATH");
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

fn write_pem(dir: &Path, file: &str, der_b64: &str) {
    let body: Vec<String> = der_b64.as_bytes().chunks(64).map(|c| String::from_utf8(c.to_vec()).unwrap()).collect();
    std::fs::write(dir.join(file), format!("-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n", body.join("\n"))).unwrap();
}

fn ca_pem() -> String {
    let resp = app().get("/sandbox/ca.pem");
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"].to_str().unwrap().contains("pem"));
    resp.text().unwrap()
}

fn try_sign(agency: &str, message: &[u8]) -> reqwest::blocking::Response {
    app().post_json("/sandbox/signing/try", &json!({"agency": agency, "message": b64().encode(message), "description": "Thử ký kết quả"}))
}

#[test]
fn the_sandbox_root_is_a_ca_certificate() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ca.pem"), ca_pem()).unwrap();
    let (ok, text) = openssl(&["x509", "-in", "ca.pem", "-noout", "-text", "-nameopt", "utf8"], dir.path());
    assert!(ok, "{text}");
    assert!(text.contains("CN = motcua Sandbox Root CA") || text.contains("CN=motcua Sandbox Root CA"), "{text}");
    assert!(text.contains("CA:TRUE"), "{text}");
    assert!(text.contains("Certificate Sign, CRL Sign"), "{text}");
    assert!(text.contains("sha256WithRSAEncryption") && text.contains("(2048 bit)"), "{text}");
    // Self-signed, and its signature verifies with its own key.
    let (ok, text) = openssl(&["verify", "-CAfile", "ca.pem", "ca.pem"], dir.path());
    assert!(ok && text.contains("OK"), "{text}");
    // About ten years.
    let (_, end) = openssl(&["x509", "-in", "ca.pem", "-noout", "-checkend", &(9 * 365 * 86400).to_string()], dir.path());
    assert!(end.contains("will not expire"), "{end}");
    // The same root on every call (kept in D1).
    assert_eq!(ca_pem(), std::fs::read_to_string(dir.path().join("ca.pem")).unwrap());
}

#[test]
fn an_agency_gets_a_certificate_from_the_root_and_a_signature_that_verifies() {
    let agency = agency_code("UBND xã Sơn Tây");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ca.pem"), ca_pem()).unwrap();
    // What the signing Worker would hand over: DER signed attributes (any bytes will do here).
    let message = b"1\x81\x93 signed attributes of a result \xE1\xBB\x87".to_vec();
    let resp = try_sign(&agency, &message);
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().unwrap();
    assert_eq!(body["subject"], "UBND xã Sơn Tây");
    assert_eq!(body["issuer"], "motcua Sandbox Root CA");
    let chain = body["chain"].as_array().unwrap();
    assert_eq!(chain.len(), 2, "the leaf, then its CA");
    write_pem(dir.path(), "leaf.pem", chain[0].as_str().unwrap());
    write_pem(dir.path(), "chain_ca.pem", chain[1].as_str().unwrap());
    assert_eq!(std::fs::read_to_string(dir.path().join("chain_ca.pem")).unwrap(), ca_pem(), "the chain's CA is the published root");

    // Issued by the root, for the agency, as a document-signing certificate.
    let (ok, text) = openssl(&["verify", "-CAfile", "ca.pem", "leaf.pem"], dir.path());
    assert!(ok && text.contains("leaf.pem: OK"), "{text}");
    let (ok, text) = openssl(&["x509", "-in", "leaf.pem", "-noout", "-text", "-nameopt", "utf8,sep_comma_plus_space,space_eq"], dir.path());
    assert!(ok, "{text}");
    assert!(text.contains(&format!("Subject: O = {agency}, CN = UBND xã Sơn Tây")), "{text}");
    assert!(text.contains("Issuer: O = motcua, CN = motcua Sandbox Root CA"), "{text}");
    assert!(text.contains("Digital Signature, Non Repudiation"), "{text}");
    assert!(text.contains("E-mail Protection") && text.contains("1.3.6.1.5.5.7.3.36"), "{text}");
    assert!(text.contains("CA:FALSE"), "{text}");
    let serial = body["serial_hex"].as_str().unwrap();
    let (_, s) = openssl(&["x509", "-in", "leaf.pem", "-noout", "-serial"], dir.path());
    assert_eq!(s.trim().trim_start_matches("serial=").to_ascii_lowercase().trim_start_matches('0'), serial.trim_start_matches('0'));
    // The names are UTF8String (diacritics kept).
    let (_, asn1) = openssl(&["asn1parse", "-in", "leaf.pem"], dir.path());
    assert!(asn1.contains("UTF8STRING        :UBND xã Sơn Tây"), "{asn1}");

    // The signature: raw PKCS#1 v1.5, SHA-256, by the leaf's key, over the message.
    let signature = b64().decode(body["signature"].as_str().unwrap()).unwrap();
    assert_eq!(signature.len(), 256);
    std::fs::write(dir.path().join("message.bin"), &message).unwrap();
    std::fs::write(dir.path().join("sig.bin"), &signature).unwrap();
    let (ok, text) = openssl(&["x509", "-in", "leaf.pem", "-noout", "-pubkey", "-out", "pub.pem"], dir.path());
    assert!(ok, "{text}");
    let (ok, text) = openssl(&["dgst", "-sha256", "-verify", "pub.pem", "-signature", "sig.bin", "message.bin"], dir.path());
    assert!(ok && text.contains("Verified OK"), "{text}");
    // …and not over anything else.
    std::fs::write(dir.path().join("other.bin"), b"another message").unwrap();
    let (ok, _) = openssl(&["dgst", "-sha256", "-verify", "pub.pem", "-signature", "sig.bin", "other.bin"], dir.path());
    assert!(!ok);

    // The agency keeps its key and certificate; a second signature is by the same key.
    let again: Value = try_sign(&agency, b"second").json().unwrap();
    assert_eq!(again["chain"][0], chain[0]);
    assert_eq!(again["serial_hex"], body["serial_hex"]);
}

fn sp() -> (String, String) {
    (dev_var("SIGNING_SP_ID"), dev_var("SIGNING_SP_PASSWORD"))
}

const BASE: &str = "/sandbox/smartca/sca/sp769/v1";

#[test]
fn the_provider_sandbox_refuses_wrong_sp_credentials_in_its_own_format() {
    let agency = agency_code("UBND xã Đại Sơn");
    let (id, password) = sp();
    let body = |pw: &str| json!({"sp_id": id, "sp_password": pw, "user_id": agency, "serial_number": "", "transaction_id": "t-1"});
    let resp = app().post_json(&format!("{BASE}/credentials/get_certificate"), &body("wrong-password"));
    assert_eq!(resp.status(), 401);
    let refused: Value = resp.json().unwrap();
    assert_eq!((refused["status_code"].as_i64(), refused["message"].as_str()), (Some(401), Some("SP_CREDENTIAL_INVALID")));
    for path in ["signatures/sign", "signatures/sign/t-1/status"] {
        let resp = app().post_json(&format!("{BASE}/{path}"), &json!({"sp_id": id, "sp_password": "nope", "user_id": agency, "transaction_id": "t-1",
            "transaction_desc": "x", "time_stamp": "20261207000000Z", "serial_number": "",
            "sign_files": [{"doc_id": "d", "file_type": "pdf", "sign_type": "hash", "data_to_be_signed": "00".repeat(32)}]}));
        assert_eq!(resp.status(), 401, "{path}");
    }
    // The right credentials: the agency's certificate, as the service lists it.
    let resp = app().post_json(&format!("{BASE}/credentials/get_certificate"), &body(&password));
    assert_eq!(resp.status(), 200);
    let ok: Value = resp.json().unwrap();
    let cert = &ok["data"]["user_certificates"][0];
    assert!(cert["cert_data"].as_str().is_some_and(|c| c.len() > 500), "{ok}");
    assert!(cert["chain_data"]["ca_cert"].as_str().is_some());
    // A holder the provider does not know.
    let unknown = json!({"sp_id": id, "sp_password": password, "user_id": "no-such-holder", "serial_number": "", "transaction_id": "t-2"});
    assert_eq!(app().post_json(&format!("{BASE}/credentials/get_certificate"), &unknown).status(), 404);
}

#[test]
fn the_provider_sandbox_signs_only_the_bytes_of_the_hash_it_was_sent() {
    let agency = agency_code("UBND xã Đại Sơn");
    let (id, password) = sp();
    let sign = |txn: &str, hash: &str, message: Option<&[u8]>| {
        let mut file = json!({"doc_id": txn, "file_type": "pdf", "sign_type": "hash", "data_to_be_signed": hash});
        if let Some(m) = message {
            file["sandbox_to_be_signed"] = json!(b64().encode(m));
        }
        app().post_json(&format!("{BASE}/signatures/sign"), &json!({"sp_id": id, "sp_password": password, "user_id": agency,
            "transaction_id": txn, "transaction_desc": "thử", "time_stamp": "20261207000000Z", "serial_number": "", "sign_files": [file]}))
    };
    // SHA-256("abc").
    let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    let mismatch = sign("t-mismatch", &"00".repeat(32), Some(b"abc"));
    assert_eq!(mismatch.status(), 400);
    assert_eq!(mismatch.json::<Value>().unwrap()["message"], "HASH_MISMATCH");
    assert_eq!(sign("t-nomessage", abc, None).status(), 400);
    assert_eq!(sign("t-badhash", "xyz", Some(b"abc")).status(), 400);
    // A good request waits for the holder, then the poll gives the signature.
    let txn = format!("t-ok-{}", std::process::id());
    let taken: Value = sign(&txn, abc, Some(b"abc")).json().unwrap();
    assert_eq!(taken["message"], "sig_wait_for_user_confirm");
    assert_eq!(taken["data"]["transaction_id"], txn.as_str());
    let status: Value = app().post_json(&format!("{BASE}/signatures/sign/{txn}/status"), &json!({"sp_id": id, "sp_password": password, "transaction_id": txn})).json().unwrap();
    assert_eq!(status["message"], "SUCCESS");
    let sig = b64().decode(status["data"]["signatures"][0]["signature_value"].as_str().unwrap()).unwrap();
    assert_eq!(sig.len(), 256);
    // The same transaction id twice is refused.
    assert_eq!(sign(&txn, abc, Some(b"abc")).status(), 409);
}

#[test]
fn the_signing_account_is_scoped_checked_audited_and_used() {
    let agency = agency_code("UBND xã Sơn Kim 1"); // Hà Tĩnh
    let path = format!("/api/admin/agencies/{agency}/signing");
    let admin = app().login_staff("hatinh.admin");
    let other_admin = app().login_staff("dongthap.admin");
    let officer = app().login_staff("sontay.motcua");
    let body = json!({"user_id": "001090012399", "serial_number": ""});
    // Only an admin whose scope covers the agency.
    assert_eq!(expect_error(officer.get(&path), 404).0, "route_not_found");
    assert_eq!(expect_error(other_admin.get(&path), 404).0, "not_found");
    assert_eq!(expect_error(other_admin.put_json(&path, &body), 404).0, "not_found");
    // Errors name the field.
    for (bad, field, code) in [
        (json!({"user_id": ""}), "user_id", "required"),
        (json!({"user_id": "0420 9000"}), "user_id", "invalid_format"),
        (json!({"user_id": "a\u{202E}b"}), "user_id", "bidi_control"),
        (json!({"user_id": "x".repeat(65)}), "user_id", "too_long"),
        (json!({"user_id": 42}), "user_id", "invalid_type"),
        (json!({"user_id": "001090012399", "serial_number": "not-hex"}), "serial_number", "invalid_format"),
        (json!({"user_id": "001090012399", "provider": "viettel_mysign"}), "provider", "unknown_provider"),
    ] {
        let (c, f) = expect_error(admin.put_json(&path, &bad), 400);
        assert_eq!((f.as_deref(), c.as_str()), (Some(field), code), "{bad}");
    }
    let before: Value = admin.get(&path).json().unwrap();
    let version = before["version"].as_i64().unwrap();
    let saved = admin.put_json(&path, &json!({"user_id": "001090012399", "serial_number": "", "version": version}));
    assert_eq!(saved.status(), 200);
    let saved: Value = saved.json().unwrap();
    assert_eq!((saved["configured"].as_bool(), saved["user_id"].as_str(), saved["provider"].as_str()), (Some(true), Some("001090012399"), Some("vnpt_smartca")));
    assert_eq!(saved["version"].as_i64(), Some(version + 1));
    assert_eq!(admin.get(&path).json::<Value>().unwrap()["user_id"], "001090012399");
    // A change saved meanwhile: the stale version is refused.
    assert_eq!(expect_error(admin.put_json(&path, &json!({"user_id": "001090012399", "version": version})), 409).0, "conflict");
    // Audited, the holder id masked.
    let audit: Value = admin.get(&format!("/api/staff/audit?entity=agency&id={agency}")).json().unwrap();
    let text = audit.to_string();
    assert!(text.contains("signing_account.put"), "{text}");
    assert!(text.contains("********2399") && !text.contains("001090012399"), "{text}");

    // The account is what signing uses: the sandbox knows the holder by its id and issues the
    // agency's certificate to it.
    let signed: Value = try_sign(&agency, b"with an account").json().unwrap();
    assert_eq!(signed["subject"], "UBND xã Sơn Kim 1");
    // A serial the holder does not have: the provider finds no such certificate (409).
    let v = admin.get(&path).json::<Value>().unwrap()["version"].as_i64().unwrap();
    assert_eq!(admin.put_json(&path, &json!({"user_id": "001090012399", "serial_number": "abcdef", "version": v})).status(), 200);
    let (code, _) = expect_error(try_sign(&agency, b"x"), 409);
    assert_eq!(code, "certificate_not_found");
    // Back to the certificate the holder has.
    let v = admin.get(&path).json::<Value>().unwrap()["version"].as_i64().unwrap();
    assert_eq!(admin.put_json(&path, &json!({"user_id": "001090012399", "serial_number": signed["serial_hex"], "version": v})).status(), 200);
    assert_eq!(try_sign(&agency, b"y").status(), 200);
}

#[test]
fn a_holder_who_does_not_confirm_or_refuses_gets_a_retryable_or_final_409() {
    let agency = agency_code("UBND xã Sơn Kim 2"); // Hà Tĩnh
    let path = format!("/api/admin/agencies/{agency}/signing");
    let admin = app().login_staff("hatinh.admin");
    let set = |user_id: &str| {
        let v = admin.get(&path).json::<Value>().unwrap()["version"].as_i64().unwrap();
        assert_eq!(admin.put_json(&path, &json!({"user_id": user_id, "version": v})).status(), 200);
    };
    // The sandbox's holder that never confirms: the Worker polls ~10 s, then tells the officer to
    // confirm in the app and sign again.
    set("001090012400.cho");
    let started = std::time::Instant::now();
    let (code, _) = expect_error(try_sign(&agency, b"waits"), 409);
    assert_eq!(code, "signing_pending");
    assert!(started.elapsed() >= std::time::Duration::from_secs(8), "the status was polled for a while: {:?}", started.elapsed());
    // The holder who refuses in the app.
    set("001090012400.tuchoi");
    let resp = try_sign(&agency, b"refused");
    assert_eq!(resp.status(), 409);
    let body: Value = resp.json().unwrap();
    assert_eq!(body["error"]["code"], "signing_rejected");
    assert!(body["error"]["message_vi"].as_str().unwrap().contains("từ chối"), "{body}");
}
