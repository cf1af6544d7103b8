//! What an officer is shown of a signing certificate — the subject's CN and O, the issuer's CN,
//! the serial in hex and the validity — read from its DER by a minimal reader of the few X.509
//! fields needed (RFC 5280 §4.1). Not `x509-cert`: this runs in the production Worker, whose size
//! budget a full ASN.1 library would spend; the tests check this reader against `x509-cert`
//! (a dev-dependency only) and OpenSSL-made certificates.
//!
//! The reader checks structure, not trust: a certificate is trusted because the provider
//! answered it for the agency's account, and validators check the chain themselves.

use std::fmt;

/// A certificate's displayable fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateInfo {
    pub subject_cn: Option<String>,
    pub subject_o: Option<String>,
    pub issuer_cn: Option<String>,
    /// Lowercase hex of the serial's bytes, without the DER sign byte.
    pub serial_hex: String,
    /// RFC 3339, UTC (`2026-12-07T02:40:00Z`).
    pub not_before: String,
    pub not_after: String,
    /// Bytes of the RSA modulus (256 for RSA-2048): a raw PKCS#1 v1.5 signature is this long.
    /// `None` for a key that is not RSA.
    pub rsa_modulus_len: Option<usize>,
}

impl CertificateInfo {
    /// The subject as shown to people: its CN, else its O, else the serial.
    pub fn subject_label(&self) -> String {
        self.subject_cn.clone().or_else(|| self.subject_o.clone()).unwrap_or_else(|| self.serial_hex.clone())
    }

    /// Whether `rfc3339_now` (same format) lies within the validity period. The fixed-width
    /// UTC format orders as text.
    pub fn valid_at(&self, rfc3339_now: &str) -> bool {
        self.not_before.as_str() <= rfc3339_now && rfc3339_now <= self.not_after.as_str()
    }
}

/// A DER input that is not a certificate this reader understands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertError(pub &'static str);

impl fmt::Display for CertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not a readable X.509 certificate: {}", self.0)
    }
}

impl std::error::Error for CertError {}

const SEQUENCE: u8 = 0x30;
const SET: u8 = 0x31;
const INTEGER: u8 = 0x02;
const BIT_STRING: u8 = 0x03;
const OID: u8 = 0x06;
const UTC_TIME: u8 = 0x17;
const GENERALIZED_TIME: u8 = 0x18;
/// id-at-commonName 2.5.4.3 and id-at-organizationName 2.5.4.10, as encoded OID bodies.
const OID_CN: &[u8] = &[0x55, 0x04, 0x03];
const OID_O: &[u8] = &[0x55, 0x04, 0x0A];
/// rsaEncryption 1.2.840.113549.1.1.1.
const OID_RSA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01];

/// One TLV: its tag and its contents; the rest of the input after it.
fn tlv(input: &[u8]) -> Result<(u8, &[u8], &[u8]), CertError> {
    let (&tag, rest) = input.split_first().ok_or(CertError("truncated"))?;
    if tag & 0x1F == 0x1F {
        return Err(CertError("multi-byte tag"));
    }
    let (&first, rest) = rest.split_first().ok_or(CertError("truncated length"))?;
    let (len, rest) = if first < 0x80 {
        (first as usize, rest)
    } else {
        let n = (first & 0x7F) as usize;
        if n == 0 || n > 4 || rest.len() < n {
            return Err(CertError("bad length"));
        }
        let len = rest[..n].iter().fold(0usize, |a, b| (a << 8) | *b as usize);
        (len, &rest[n..])
    };
    if rest.len() < len {
        return Err(CertError("truncated contents"));
    }
    Ok((tag, &rest[..len], &rest[len..]))
}

fn expect<'a>(input: &'a [u8], want: u8, what: &'static str) -> Result<(&'a [u8], &'a [u8]), CertError> {
    let (tag, body, rest) = tlv(input)?;
    if tag != want {
        return Err(CertError(what));
    }
    Ok((body, rest))
}

/// The TBS fields this module reads: serial, issuer, validity, subject (contents), and the
/// subjectPublicKeyInfo as a whole TLV.
type Fields<'a> = (&'a [u8], &'a [u8], &'a [u8], &'a [u8], &'a [u8]);

fn fields(der: &[u8]) -> Result<Fields<'_>, CertError> {
    let (cert, trailing) = expect(der, SEQUENCE, "certificate is not a SEQUENCE")?;
    if !trailing.is_empty() {
        return Err(CertError("bytes after the certificate"));
    }
    let (tbs, _) = expect(cert, SEQUENCE, "tbsCertificate is not a SEQUENCE")?;
    let mut rest = tbs;
    // version [0] EXPLICIT, absent for v1.
    if rest.first() == Some(&0xA0) {
        rest = tlv(rest)?.2;
    }
    let (serial, r) = expect(rest, INTEGER, "serial is not an INTEGER")?;
    let (_alg, r) = expect(r, SEQUENCE, "signature algorithm")?;
    let (issuer, r) = expect(r, SEQUENCE, "issuer is not a Name")?;
    let (validity, r) = expect(r, SEQUENCE, "validity")?;
    let (subject, r) = expect(r, SEQUENCE, "subject is not a Name")?;
    let (_, after) = expect(r, SEQUENCE, "subjectPublicKeyInfo")?;
    let spki_tlv = &r[..r.len() - after.len()];
    Ok((serial, issuer, validity, subject, spki_tlv))
}

/// The certificate's SubjectPublicKeyInfo, DER (what WebCrypto imports as `spki`).
pub fn spki(der: &[u8]) -> Result<&[u8], CertError> {
    Ok(fields(der)?.4)
}

/// The displayable fields of a DER certificate.
pub fn read(der: &[u8]) -> Result<CertificateInfo, CertError> {
    let (serial, issuer, validity, subject, spki_tlv) = fields(der)?;
    let (spki, _) = expect(spki_tlv, SEQUENCE, "subjectPublicKeyInfo")?;

    let serial = match serial {
        [0, tail @ ..] if !tail.is_empty() => tail,
        [] => return Err(CertError("empty serial")),
        s => s,
    };
    let (not_before, v) = time(validity)?;
    let (not_after, _) = time(v)?;
    Ok(CertificateInfo {
        subject_cn: attribute(subject, OID_CN)?,
        subject_o: attribute(subject, OID_O)?,
        issuer_cn: attribute(issuer, OID_CN)?,
        serial_hex: hex::encode(serial),
        not_before,
        not_after,
        rsa_modulus_len: rsa_modulus_len(spki),
    })
}

/// The first value of attribute `oid` in a Name (SEQUENCE OF SET OF {type, value}).
fn attribute(mut name: &[u8], oid: &[u8]) -> Result<Option<String>, CertError> {
    while !name.is_empty() {
        let (mut rdn, rest) = expect(name, SET, "RDN is not a SET")?;
        name = rest;
        while !rdn.is_empty() {
            let (atv, r) = expect(rdn, SEQUENCE, "attribute is not a SEQUENCE")?;
            rdn = r;
            let (ty, value) = expect(atv, OID, "attribute type is not an OID")?;
            if ty == oid {
                let (tag, body, _) = tlv(value)?;
                return Ok(Some(string(tag, body)?));
            }
        }
    }
    Ok(None)
}

fn string(tag: u8, body: &[u8]) -> Result<String, CertError> {
    match tag {
        // UTF8String, PrintableString, IA5String, VisibleString.
        0x0C | 0x13 | 0x16 | 0x1A => String::from_utf8(body.to_vec()).map_err(|_| CertError("invalid UTF-8 in a name")),
        // TeletexString: read as Latin-1, which is what issuers meant in practice.
        0x14 => Ok(body.iter().map(|b| *b as char).collect()),
        // BMPString: UTF-16BE.
        0x1E if body.len().is_multiple_of(2) => {
            let units: Vec<u16> = body.chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
            String::from_utf16(&units).map_err(|_| CertError("invalid BMPString"))
        }
        _ => Err(CertError("unsupported string type in a name")),
    }
}

/// A UTCTime or GeneralizedTime in `Z` form as RFC 3339, and the input after it.
fn time(input: &[u8]) -> Result<(String, &[u8]), CertError> {
    let (tag, body, rest) = tlv(input)?;
    let text = std::str::from_utf8(body).map_err(|_| CertError("time is not text"))?;
    let digits = text.strip_suffix('Z').ok_or(CertError("time not in UTC"))?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CertError("time is not digits"));
    }
    let full = match (tag, digits.len()) {
        // RFC 5280 §4.1.2.5.1: YY >= 50 is 19YY, else 20YY.
        (UTC_TIME, 12) => format!("{}{digits}", if &digits[..2] >= "50" { "19" } else { "20" }),
        (GENERALIZED_TIME, 14) => digits.to_string(),
        _ => return Err(CertError("unsupported time form")),
    };
    let d = |a: usize, b: usize| &full[a..b];
    Ok((format!("{}-{}-{}T{}:{}:{}Z", d(0, 4), d(4, 6), d(6, 8), d(8, 10), d(10, 12), d(12, 14)), rest))
}

/// The RSA modulus's length in bytes, if the key is RSA and readable.
fn rsa_modulus_len(spki: &[u8]) -> Option<usize> {
    let (alg, r) = expect(spki, SEQUENCE, "").ok()?;
    let (oid, _) = expect(alg, OID, "").ok()?;
    if oid != OID_RSA {
        return None;
    }
    let (bits, _) = expect(r, BIT_STRING, "").ok()?;
    let (key, _) = expect(bits.get(1..)?, SEQUENCE, "").ok()?;
    let (n, _) = expect(key, INTEGER, "").ok()?;
    let n = match n {
        [0, tail @ ..] => tail,
        n => n,
    };
    Some(n.len())
}

/// PEM text of a DER object (`label` e.g. `CERTIFICATE`), 64 characters a line (RFC 7468).
pub fn pem(label: &str, der: &[u8]) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;

    /// Made with OpenSSL 3.0 for this test:
    /// `openssl req -x509 -newkey rsa:2048 -nodes -utf8 -days 730 -set_serial 0x8a3f…
    ///  -subj "/CN=Ủy ban nhân dân xã Sơn Tây/O=000.10.51.H27"` (UTF8String names; a serial
    /// with its high bit set, so DER adds a sign byte).
    const SON_TAY_PEM: &str = include_str!("testdata/son_tay.pem");
    /// `-days 12500 -set_serial 7 -subj "/CN=Long Lived Test"`: no O, and a GeneralizedTime (after 2049).
    const LONG_PEM: &str = include_str!("testdata/long_lived.pem");

    fn der(pem: &str) -> Vec<u8> {
        let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        base64::engine::general_purpose::STANDARD.decode(b64).unwrap()
    }

    #[test]
    fn reads_a_vietnamese_subject_serial_and_validity() {
        let info = read(&der(SON_TAY_PEM)).unwrap();
        assert_eq!(info.subject_cn.as_deref(), Some("Ủy ban nhân dân xã Sơn Tây"));
        assert_eq!(info.subject_o.as_deref(), Some("000.10.51.H27"));
        // Self-signed: the issuer is the subject.
        assert_eq!(info.issuer_cn, info.subject_cn);
        assert_eq!(info.serial_hex, "8a3f0102030405060708090a0b0c0d0e");
        assert_eq!(info.rsa_modulus_len, Some(256));
        assert!(info.not_before.starts_with("20") && info.not_before.ends_with('Z'), "{}", info.not_before);
        assert!(info.not_before < info.not_after);
        assert!(info.valid_at(&info.not_before) && !info.valid_at("1999-01-01T00:00:00Z") && !info.valid_at("2099-01-01T00:00:00Z"));
        assert_eq!(info.subject_label(), "Ủy ban nhân dân xã Sơn Tây");
        // The key as OpenSSL gives it: `openssl x509 -pubkey | openssl pkey -pubin -outform DER`.
        let bytes = der(SON_TAY_PEM);
        let k = spki(&bytes).unwrap();
        assert_eq!((k[0], k.len()), (0x30, 294), "an RSA-2048 SubjectPublicKeyInfo");
    }

    #[test]
    fn agrees_with_x509_cert_on_both_vectors() {
        use x509_cert::der::Decode;
        for pem in [SON_TAY_PEM, LONG_PEM] {
            let bytes = der(pem);
            let info = read(&bytes).unwrap();
            let cert = x509_cert::Certificate::from_der(&bytes).unwrap();
            let tbs = &cert.tbs_certificate;
            let serial = tbs.serial_number.as_bytes();
            let serial = if serial.len() > 1 && serial[0] == 0 { &serial[1..] } else { serial };
            assert_eq!(info.serial_hex, hex::encode(serial));
            let unix = |t: x509_cert::time::Time| t.to_unix_duration().as_secs() as i64;
            let rfc = |s: i64| {
                let t = time::OffsetDateTime::from_unix_timestamp(s).unwrap();
                format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", t.year(), t.month() as u8, t.day(), t.hour(), t.minute(), t.second())
            };
            assert_eq!(info.not_before, rfc(unix(tbs.validity.not_before)));
            assert_eq!(info.not_after, rfc(unix(tbs.validity.not_after)));
            assert!(tbs.subject.to_string().contains(&format!("CN={}", info.subject_cn.clone().unwrap())), "{}", tbs.subject);
        }
        let long = read(&der(LONG_PEM)).unwrap();
        assert!(long.not_after.starts_with("2061-"), "{}", long.not_after);
        assert_eq!(long.subject_o, None);
    }

    #[test]
    fn refuses_junk_without_panicking() {
        let good = der(SON_TAY_PEM);
        assert!(read(&[]).is_err());
        assert!(read(b"hello").is_err());
        assert!(read(&good[..good.len() - 1]).is_err());
        let mut trailing = good.clone();
        trailing.push(0);
        assert!(read(&trailing).is_err());
        // Every truncation and every single-byte change either reads or errs; none panics.
        for i in 0..good.len() {
            let _ = read(&good[..i]);
            let mut changed = good.clone();
            changed[i] ^= 0xFF;
            let _ = read(&changed);
        }
        assert_eq!(read(&[0x30, 0x80]).unwrap_err(), CertError("bad length"));
    }

    #[test]
    fn pem_wraps_at_64_characters() {
        let p = pem("CERTIFICATE", &der(SON_TAY_PEM));
        assert!(p.starts_with("-----BEGIN CERTIFICATE-----\n") && p.ends_with("-----END CERTIFICATE-----\n"));
        assert!(p.lines().all(|l| l.len() <= 64));
        assert_eq!(der(&p), der(SON_TAY_PEM));
    }
}
