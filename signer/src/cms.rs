//! The CMS half of a PAdES signature: the signed attributes a remote provider signs (their
//! SHA-256, in fact) and the detached `SignedData` that wraps the provider's raw signature.
//! Baseline B-B: content-type, message-digest and signing-certificate-v2; no signing-time (the
//! time goes in the signature dictionary's `/M`). The attributes are DER-encoded as a `SET OF`
//! (tag 0x31), which is what RFC 5652 §5.4 says is signed, not the `[0]` form inside SignerInfo.

use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedAttributes, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use der::asn1::{OctetString, SetOfVec};
use der::{Any, Decode, Encode, Sequence};
use sha2::{Digest, Sha256};
use spki::{AlgorithmIdentifierOwned, ObjectIdentifier};
use x509_cert::attr::Attribute;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::serial_number::SerialNumber;
use x509_cert::Certificate;

use crate::error::SignError;

const ID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const ID_CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const ID_MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const ID_SIGNING_CERTIFICATE_V2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");
const ID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");

/// `IssuerSerial` of RFC 5035 (ESS): the certificate's issuer as a directory name, and its serial.
#[derive(Sequence)]
struct IssuerSerial {
    issuer: Vec<GeneralName>,
    serial: SerialNumber,
}

/// `ESSCertIDv2` with `hashAlgorithm` omitted: its DEFAULT is SHA-256, and DER omits a default.
#[derive(Sequence)]
struct EssCertIdV2 {
    cert_hash: OctetString,
    issuer_serial: IssuerSerial,
}

/// `SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2, policies … OPTIONAL }`.
#[derive(Sequence)]
struct SigningCertificateV2 {
    certs: Vec<EssCertIdV2>,
}

/// Parses base64 DER certificates, the signer's first.
pub fn parse_certificates(b64: &[String], field: &'static str) -> Result<Vec<(Vec<u8>, Certificate)>, SignError> {
    use base64::Engine as _;
    if b64.is_empty() {
        return Err(SignError::invalid(field, "the signer's certificate is missing", "Thiếu chứng thư số của người ký"));
    }
    if b64.len() > 10 {
        return Err(SignError::invalid(field, "more than 10 certificates", "Quá 10 chứng thư số"));
    }
    b64.iter()
        .map(|s| {
            let der = base64::engine::general_purpose::STANDARD
                .decode(s.trim())
                .map_err(|_| SignError::invalid(field, "a certificate is not base64", "Chứng thư số không đúng mã base64"))?;
            let cert = Certificate::from_der(&der)
                .map_err(|_| SignError::invalid(field, "a certificate is not DER X.509", "Chứng thư số không đúng định dạng X.509"))?;
            Ok((der, cert))
        })
        .collect()
}

fn attribute(oid: ObjectIdentifier, value: Any) -> Result<Attribute, SignError> {
    let mut values = SetOfVec::new();
    values.insert(value).map_err(SignError::unexpected)?;
    Ok(Attribute { oid, values })
}

fn signing_certificate_v2(signer_der: &[u8], signer: &Certificate) -> Result<Attribute, SignError> {
    let ess = SigningCertificateV2 {
        certs: vec![EssCertIdV2 {
            cert_hash: OctetString::new(Sha256::digest(signer_der).to_vec()).map_err(SignError::unexpected)?,
            issuer_serial: IssuerSerial {
                issuer: vec![GeneralName::DirectoryName(signer.tbs_certificate.issuer.clone())],
                serial: signer.tbs_certificate.serial_number.clone(),
            },
        }],
    };
    attribute(ID_SIGNING_CERTIFICATE_V2, Any::encode_from(&ess).map_err(SignError::unexpected)?)
}

/// DER of the signed attributes as a `SET OF` (sorted, as DER requires): what is signed.
pub fn signed_attributes(message_digest: &[u8; 32], signer_der: &[u8], signer: &Certificate) -> Result<Vec<u8>, SignError> {
    let mut set: SignedAttributes = SetOfVec::new();
    set.insert(attribute(ID_CONTENT_TYPE, Any::encode_from(&ID_DATA).map_err(SignError::unexpected)?)?)
        .map_err(SignError::unexpected)?;
    let digest = OctetString::new(message_digest.to_vec()).map_err(SignError::unexpected)?;
    set.insert(attribute(ID_MESSAGE_DIGEST, Any::encode_from(&digest).map_err(SignError::unexpected)?)?)
        .map_err(SignError::unexpected)?;
    set.insert(signing_certificate_v2(signer_der, signer)?).map_err(SignError::unexpected)?;
    set.to_der().map_err(SignError::unexpected)
}

/// What `finish` needs to know about signed attributes it is handed back.
pub struct SignedAttributesInfo {
    pub set: SignedAttributes,
    pub message_digest: Vec<u8>,
}

/// Reads signed attributes back (DER `SET OF`) and finds their message-digest. Anything that is
/// not exactly canonical DER is refused: the bytes signed must be the bytes embedded.
pub fn read_signed_attributes(der: &[u8]) -> Result<SignedAttributesInfo, SignError> {
    let bad = || SignError::invalid("meta.signed_attributes", "not DER signed attributes", "Thuộc tính ký không đúng định dạng DER");
    let set = SignedAttributes::from_der(der).map_err(|_| bad())?;
    if set.to_der().map_err(|_| bad())? != der {
        return Err(bad());
    }
    let digest = set
        .iter()
        .find(|a| a.oid == ID_MESSAGE_DIGEST)
        .and_then(|a| a.values.iter().next())
        .and_then(|v| v.decode_as::<OctetString>().ok())
        .ok_or_else(bad)?;
    Ok(SignedAttributesInfo { set, message_digest: digest.as_bytes().to_vec() })
}

/// True when the attributes name `signer` in their signing-certificate-v2 (a provider that signed
/// with another certificate than the one embedded would make the signature unverifiable).
pub fn names_signer(set: &SignedAttributes, signer_der: &[u8], signer: &Certificate) -> Result<bool, SignError> {
    let expected = signing_certificate_v2(signer_der, signer)?;
    Ok(set.iter().any(|a| *a == expected))
}

/// The detached CMS `SignedData` (as a `ContentInfo`, DER) around the provider's signature.
pub fn signed_data(attrs: SignedAttributes, signature: &[u8], certs: &[(Vec<u8>, Certificate)]) -> Result<Vec<u8>, SignError> {
    let signer = &certs.first().ok_or_else(|| SignError::unexpected("no certificate"))?.1;
    let sha256 = AlgorithmIdentifierOwned { oid: ID_SHA256, parameters: None };
    let signer_info = SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: signer.tbs_certificate.issuer.clone(),
            serial_number: signer.tbs_certificate.serial_number.clone(),
        }),
        digest_alg: sha256.clone(),
        signed_attrs: Some(attrs),
        signature_algorithm: AlgorithmIdentifierOwned { oid: SHA256_WITH_RSA, parameters: Some(Any::null()) },
        signature: OctetString::new(signature.to_vec()).map_err(SignError::unexpected)?,
        unsigned_attrs: None,
    };
    let mut digest_algorithms = SetOfVec::new();
    digest_algorithms.insert(sha256).map_err(SignError::unexpected)?;
    let mut set = SetOfVec::new();
    for (_, cert) in certs {
        set.insert(CertificateChoices::Certificate(cert.clone())).map_err(|_| {
            SignError::invalid("meta.certificates", "the same certificate is given twice", "Một chứng thư số được gửi hai lần")
        })?;
    }
    let mut signer_infos = SetOfVec::new();
    signer_infos.insert(signer_info).map_err(SignError::unexpected)?;
    let signed = SignedData {
        version: CmsVersion::V1,
        digest_algorithms,
        encap_content_info: EncapsulatedContentInfo { econtent_type: ID_DATA, econtent: None },
        certificates: Some(CertificateSet(set)),
        crls: None,
        signer_infos: SignerInfos(signer_infos),
    };
    let info = ContentInfo { content_type: ID_SIGNED_DATA, content: Any::encode_from(&signed).map_err(SignError::unexpected)? };
    info.to_der().map_err(SignError::unexpected)
}
