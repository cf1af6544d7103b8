//! End to end, natively: a test CA and an officer's certificate (x509-cert's builder with `rsa`),
//! prepare → sign the `to_be_signed` digest as a remote provider would (PKCS#1 v1.5 over a
//! SHA-256 it did not compute) → finish, and the result checked by an independent validator,
//! pyHanko (`scripts/validate_pdf.py`, venv from `scripts/ensure-pyhanko.sh`), trusting only the
//! test CA. Then one changed byte must make pyHanko refuse the file.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;
use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use der::{Encode, EncodePem};
use motcua_signer::{finish, prepare, SignError};
use rsa::pkcs1v15::SigningKey;
use rsa::{Pkcs1v15Sign, RsaPrivateKey};
use serde_json::json;
use sha2::{Digest, Sha256};
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::SubjectPublicKeyInfoOwned;
use x509_cert::time::Validity;

struct Pki {
    ca_pem: String,
    ca_der: Vec<u8>,
    leaf_der: Vec<u8>,
    leaf_key: RsaPrivateKey,
}

/// One CA and one leaf per test binary (RSA key generation is the slow part).
fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        let mut rng = rsa::rand_core::OsRng;
        let ca_key = RsaPrivateKey::new(&mut rng, 2048).unwrap();
        let leaf_key = RsaPrivateKey::new(&mut rng, 2048).unwrap();
        let ca_signer = SigningKey::<Sha256>::new(ca_key.clone());
        let ca_name = Name::from_str("CN=motcua test CA,O=motcua,C=VN").unwrap();
        let validity = Validity::from_now(Duration::from_secs(365 * 86_400)).unwrap();
        let ca = CertificateBuilder::new(
            Profile::Root,
            SerialNumber::from(1u32),
            validity,
            ca_name.clone(),
            SubjectPublicKeyInfoOwned::from_key(ca_key.to_public_key()).unwrap(),
            &ca_signer,
        )
        .unwrap()
        .build::<rsa::pkcs1v15::Signature>()
        .unwrap();
        let leaf = CertificateBuilder::new(
            Profile::Leaf { issuer: ca_name, enable_key_agreement: false, enable_key_encipherment: false },
            SerialNumber::from(4242u32),
            validity,
            Name::from_str("CN=UBND xã Ngọc Kỳ,O=UBND huyện Tứ Kỳ,C=VN").unwrap(),
            SubjectPublicKeyInfoOwned::from_key(leaf_key.to_public_key()).unwrap(),
            &ca_signer,
        )
        .unwrap()
        .build::<rsa::pkcs1v15::Signature>()
        .unwrap();
        Pki {
            ca_pem: ca.to_pem(der::pem::LineEnding::LF).unwrap(),
            ca_der: ca.to_der().unwrap(),
            leaf_der: leaf.to_der().unwrap(),
            leaf_key,
        }
    })
}

fn b64(b: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(b)
}

fn dejavu() -> Vec<u8> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf");
    std::fs::read(path).expect("DejaVuSans.ttf: run `make tools` (npm) first")
}

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

fn qr(text: &str) -> Vec<String> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M).unwrap();
    let w = code.width();
    code.to_colors()
        .chunks(w)
        .map(|row| row.iter().map(|c| if *c == qrcode::Color::Dark { '1' } else { '0' }).collect())
        .collect()
}

const CODE: &str = "KT-2026-000042";
const URL: &str = "https://motcua.example/kiem-tra?ma=KT-2026-000042";

fn prepare_meta(source: &str) -> Vec<u8> {
    let p = pki();
    json!({
        "source": source,
        "signing_time": now(),
        "certificates": [b64(&p.leaf_der), b64(&p.ca_der)],
        "reason": "Ký số kết quả giải quyết thủ tục hành chính",
        "location": "UBND xã Ngọc Kỳ, huyện Tứ Kỳ",
        "name": "UBND xã Ngọc Kỳ",
        "stamp": {
            "title": "TRANG XÁC THỰC VĂN BẢN ĐIỆN TỬ",
            "lines": [
                "Văn bản này được ký số bởi: UBND xã Ngọc Kỳ, huyện Tứ Kỳ, tỉnh Hải Dương",
                "Hồ sơ: 000.00.20.H23-261207-0042 — Chứng thực bản sao từ bản chính",
                "Thời điểm ký: 07/12/2026 09:15 (giờ Việt Nam)",
                "Quét mã QR hoặc nhập mã kiểm tra tại địa chỉ dưới đây để đối chiếu bản gốc."
            ],
            "code": CODE,
            "url": URL,
            "qr": qr(URL),
        }
    })
    .to_string()
    .into_bytes()
}

/// prepare → the provider's signature over the hash → finish.
fn sign(source: &str, input: &[u8]) -> (Vec<u8>, motcua_signer::Prepared) {
    let p = pki();
    let prepared = prepare(&prepare_meta(source), input, &dejavu()).unwrap();
    let hex_tbs = hex::encode(prepared.to_be_signed);
    assert_eq!(hex::encode(Sha256::digest(&prepared.signed_attributes)), hex_tbs);
    // A remote provider gets only the hex digest: rsa's `Pkcs1v15Sign` signs a prehashed value.
    let digest = hex::decode(&hex_tbs).unwrap();
    let signature = p.leaf_key.sign(Pkcs1v15Sign::new::<Sha256>(), &digest).unwrap();
    let meta = json!({
        "signed_attributes": b64(&prepared.signed_attributes),
        "signature": b64(&signature),
        "certificates": [b64(&p.leaf_der), b64(&p.ca_der)],
    });
    let signed = finish(meta.to_string().as_bytes(), prepared.pdf.clone()).unwrap();
    (signed, prepared)
}

fn python() -> PathBuf {
    let py = Path::new(env!("CARGO_MANIFEST_DIR")).join("../.tools/pyhanko/bin/python");
    assert!(py.exists(), "pyHanko is missing: run scripts/ensure-pyhanko.sh first");
    py
}

/// pyHanko's verdict: (accepted, its JSON).
fn validate(name: &str, pdf: &[u8]) -> (bool, serde_json::Value) {
    let dir = std::env::temp_dir().join(format!("motcua-signer-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // A trust root file per check: the tests run in parallel threads of one process, and one
    // shared ca.pem rewritten by each (truncate, then write) was once read empty by another's
    // pyHanko ("Insufficient data - 1 bytes requested but only 0 available").
    let (ca, file) = (dir.join(format!("{name}.ca.pem")), dir.join(format!("{name}.pdf")));
    std::fs::write(&ca, &pki().ca_pem).unwrap();
    std::fs::write(&file, pdf).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/validate_pdf.py");
    let out = Command::new(python()).arg(script).arg("--trust").arg(&ca).arg(&file).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("validator output: {} {}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)));
    (out.status.success(), json)
}

/// A one-page PDF with a classic cross-reference table and plain text "Hello motcua".
fn classic_pdf(extra_stream: usize) -> Vec<u8> {
    let content = b"BT /F1 24 Tf 72 720 Td (Hello motcua) Tj ET\n".to_vec();
    let mut filler = Vec::with_capacity(extra_stream);
    let mut x: u32 = 12345;
    while filler.len() < extra_stream {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        filler.push((x >> 16) as u8);
    }
    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>".to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
    ];
    let mut s = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
    s.extend(&content);
    s.extend(b"endstream");
    objects.push(s);
    // Bulk (an attachment-like stream nobody draws), for the size and timing figures.
    let mut bulk = format!("<< /Length {} >>\nstream\n", filler.len()).into_bytes();
    bulk.extend(&filler);
    bulk.extend(b"\nendstream");
    objects.push(bulk);
    motcua_domain::pdf_write::file(&objects)
}

/// A PDF 1.5 file whose catalog and page tree live in an object stream, indexed by a
/// cross-reference stream (what many scanners and office suites write).
fn xref_stream_pdf() -> Vec<u8> {
    let content = b"BT /F1 24 Tf 72 720 Td (Hello xref stream) Tj ET\n";
    let (o1, o2) = (b"<< /Type /Catalog /Pages 2 0 R >>".as_slice(), b"<< /Type /Pages /Kids [3 0 R] /Count 1 /Rotate 90 >>".as_slice());
    let header = format!("1 0 2 {} ", o1.len() + 1);
    let mut objstm_data = header.clone().into_bytes();
    objstm_data.extend(o1);
    objstm_data.push(b' ');
    objstm_data.extend(o2);
    let mut out = b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = [0usize; 7];
    offsets[3] = out.len();
    out.extend(b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>\nendobj\n");
    offsets[4] = out.len();
    out.extend(b"4 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>\nendobj\n");
    offsets[5] = out.len();
    out.extend(format!("5 0 obj\n<< /Length {} >>\nstream\n", content.len()).as_bytes());
    out.extend(content);
    out.extend(b"endstream\nendobj\n");
    offsets[6] = out.len();
    out.extend(format!("6 0 obj\n<< /Type /ObjStm /N 2 /First {} /Length {} >>\nstream\n", header.len(), objstm_data.len()).as_bytes());
    out.extend(&objstm_data);
    out.extend(b"\nendstream\nendobj\n");
    let xref_at = out.len();
    let mut data = vec![0u8, 0, 0, 0, 0, 0xFF, 0xFF];
    for (i, (t, f2, f3)) in [(2u8, 6u32, 0u16), (2, 6, 1), (1, offsets[3] as u32, 0), (1, offsets[4] as u32, 0), (1, offsets[5] as u32, 0), (1, offsets[6] as u32, 0), (1, xref_at as u32, 0)]
        .into_iter()
        .enumerate()
    {
        let _ = i;
        data.push(t);
        data.extend(f2.to_be_bytes());
        data.extend(f3.to_be_bytes());
    }
    out.extend(format!("7 0 obj\n<< /Type /XRef /Size 8 /W [1 4 2] /Root 1 0 R /Length {} >>\nstream\n", data.len()).as_bytes());
    out.extend(&data);
    out.extend(format!("\nendstream\nendobj\nstartxref\n{xref_at}\n%%EOF\n").as_bytes());
    out
}

fn tiny_jpeg() -> Vec<u8> {
    let (w, h) = (120u16, 90u16);
    let mut rgb = Vec::with_capacity(w as usize * h as usize * 3);
    for y in 0..h {
        for x in 0..w {
            rgb.extend([(x * 2) as u8, (y * 2) as u8, 160]);
        }
    }
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, 80).encode(&rgb, w, h, jpeg_encoder::ColorType::Rgb).unwrap();
    out
}

/// Flips one byte at the first occurrence of `needle` (+ `shift`).
fn tamper(pdf: &[u8], needle: &[u8], shift: usize) -> Vec<u8> {
    let at = pdf.windows(needle.len()).position(|w| w == needle).expect("needle") + shift;
    let mut t = pdf.to_vec();
    t[at] ^= 0x01;
    t
}

#[test]
fn a_signed_pdf_is_valid_for_pyhanko_and_refused_after_one_changed_byte() {
    let input = classic_pdf(0);
    let (signed, _) = sign("pdf", &input);
    // `SIGNED_PDF_OUT=/tmp/signed.pdf` keeps the file to look at.
    if let Ok(out) = std::env::var("SIGNED_PDF_OUT") {
        std::fs::write(out, &signed).unwrap();
    }
    assert!(signed.starts_with(&input), "the original bytes are kept: an incremental update");
    let (ok, verdict) = validate("classic", &signed);
    assert!(ok, "pyHanko: {verdict}");
    assert_eq!(verdict["coverage"], "ENTIRE_FILE");
    // One byte of the original page's text ("Hello" → "Iello").
    let (ok, verdict) = validate("classic-tampered", &tamper(&signed, b"(Hello motcua)", 1));
    assert!(!ok && verdict["intact"] == false, "pyHanko after tampering: {verdict}");
    // One byte of the verification page's content (its compressed stream).
    let page_at = signed.windows(13).rposition(|w| w == b"/Type /Page /").unwrap();
    let contents: String = String::from_utf8_lossy(&signed[page_at..page_at + 400]).into_owned();
    let id = contents.split("/Contents ").nth(1).unwrap().split(' ').next().unwrap().to_string();
    let needle = format!("\n{id} 0 obj\n");
    let (ok, verdict) = validate("page-tampered", &tamper(&signed, needle.as_bytes(), needle.len() + 60));
    assert!(!ok && verdict["intact"] == false, "pyHanko after tampering the page: {verdict}");
}

#[test]
fn the_api_tests_result_fixture_is_signed() {
    // tests/fixtures/result.pdf: the result the API tests sign through the main Worker.
    let input = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/result.pdf")).unwrap();
    let (signed, _) = sign("pdf", &input);
    let (ok, verdict) = validate("result-fixture", &signed);
    assert!(ok, "pyHanko: {verdict}");
}

#[test]
fn a_pdf_with_an_xref_stream_and_object_streams_is_signed_with_an_xref_stream() {
    let input = xref_stream_pdf();
    // lopdf itself reads the hand-made file (else this test checks nothing).
    assert_eq!(lopdf::Document::load_mem(&input).unwrap().get_pages().len(), 1);
    let (signed, _) = sign("pdf", &input);
    let update = &signed[input.len()..];
    assert!(update.windows(10).any(|w| w == b"/Type/XRef"), "the update's section is a stream too");
    let (ok, verdict) = validate("xref-stream", &signed);
    assert!(ok, "pyHanko: {verdict}");
    let reread = lopdf::Document::load_mem(&signed).unwrap();
    let pages = reread.get_pages();
    assert_eq!(pages.len(), 2, "the verification page is the last page");
    // The root's /Rotate 90 (meant for the scan) is not handed down to the verification page.
    let last = reread.get_dictionary(pages[&2]).unwrap();
    assert_eq!(last.get(b"Rotate").unwrap().as_i64().unwrap(), 0);
}

#[test]
fn a_receipt_from_the_domain_and_a_second_signature_on_top_of_the_first() {
    use motcua_domain::fee::FeeKind;
    use motcua_domain::money::Vnd;
    use motcua_domain::receipt::{Collector, LegalReceipt, ReceiptItem, ReceiptNo, ReceiptSeries};
    let font_data = dejavu();
    let font = motcua_domain::receipt_pdf::Font::parse(&font_data).unwrap();
    let items = vec![ReceiptItem {
        name: "Phí chứng thực bản sao".into(),
        kind: FeeKind::Phi,
        amount: Vnd::dong(5_000),
        beneficiary: "UBND xã Ngọc Kỳ".into(),
    }];
    let receipt = LegalReceipt::issue(
        &ReceiptSeries::default_for_year(2026),
        ReceiptNo::new(42).unwrap(),
        Collector { name: "UBND xã Ngọc Kỳ".into(), tax_code: "0800011089".into() },
        "Trần Thị Bình",
        items,
        time::macros::datetime!(2026-12-06 03:00 UTC),
    )
    .unwrap();
    let input = motcua_domain::receipt_pdf::render(&receipt, "https://motcua.example/bien-lai/abc", &font).unwrap();
    let (signed, _) = sign("pdf", &input);
    let (ok, verdict) = validate("receipt", &signed);
    assert!(ok, "pyHanko: {verdict}");
    // Signed again (a second officer): the first signature stays intact, the second covers all.
    let (twice, _) = sign("pdf", &signed);
    let (ok, verdict) = validate("receipt-twice", &twice);
    assert!(ok, "pyHanko on the second signature: {verdict}");
    assert_eq!(lopdf::Document::load_mem(&twice).unwrap().get_pages().len(), 3);
}

#[test]
fn a_jpeg_scan_becomes_a_signed_a4_pdf() {
    let jpeg = tiny_jpeg();
    let (signed, _) = sign("jpeg", &jpeg);
    if let Ok(out) = std::env::var("SIGNED_JPEG_OUT") {
        std::fs::write(out, &signed).unwrap();
    }
    assert!(signed.windows(jpeg.len()).any(|w| w == jpeg.as_slice()), "the JPEG is embedded as it is");
    assert!(signed.windows(10).any(|w| w == b"/DCTDecode"));
    let (ok, verdict) = validate("jpeg", &signed);
    assert!(ok, "pyHanko: {verdict}");
    let doc = lopdf::Document::load_mem(&signed).unwrap();
    assert_eq!(doc.get_pages().len(), 2);
    let pdf_meta = String::from_utf8(prepare_meta("pdf")).unwrap();
    assert_eq!(prepare(pdf_meta.as_bytes(), &jpeg, &dejavu()).err().map(|e| e.code()), Some("unreadable_pdf"));
    let jpeg_meta = prepare_meta("jpeg");
    assert_eq!(prepare(&jpeg_meta, &classic_pdf(0), &dejavu()).err(), Some(SignError::NotJpeg));
}

#[test]
fn the_byte_range_covers_the_whole_file_but_the_contents() {
    let (signed, prepared) = sign("pdf", &classic_pdf(0));
    assert_eq!(signed.len(), prepared.pdf.len(), "finish writes in place");
    let at = signed.windows(12).rposition(|w| w == b"/ByteRange [").unwrap() + 12;
    let end = at + signed[at..].iter().position(|&b| b == b']').unwrap();
    let r: Vec<usize> = std::str::from_utf8(&signed[at..end]).unwrap().split_whitespace().map(|n| n.parse().unwrap()).collect();
    assert_eq!(r[0], 0);
    assert_eq!(r[2] + r[3], signed.len());
    assert_eq!(&signed[r[1] - 10..r[1] + 1], b"/Contents <");
    assert_eq!(signed[r[2] - 1], b'>');
    // Between them only the hex of the CMS, zero-padded.
    let hex = std::str::from_utf8(&signed[r[1] + 1..r[2] - 1]).unwrap();
    assert!(hex.bytes().all(|b| b.is_ascii_hexdigit()));
    assert!(hex.trim_end_matches('0').len() > 1000 && hex.ends_with("0000"));
    // Same bytes outside the gap before and after finish.
    assert_eq!(signed[..r[1]], prepared.pdf[..r[1]]);
    assert_eq!(signed[r[2]..], prepared.pdf[r[2]..]);
}

#[test]
fn finish_refuses_attributes_of_another_file_and_a_wrong_signature_length() {
    let p = pki();
    let a = prepare(&prepare_meta("pdf"), &classic_pdf(0), &dejavu()).unwrap();
    let b = prepare(&prepare_meta("pdf"), &classic_pdf(10), &dejavu()).unwrap();
    let signature = p.leaf_key.sign(Pkcs1v15Sign::new::<Sha256>(), &a.to_be_signed).unwrap();
    let certs = [b64(&p.leaf_der), b64(&p.ca_der)];
    let meta = |attrs: &[u8], sig: &[u8], certs: &[String]| {
        json!({"signed_attributes": b64(attrs), "signature": b64(sig), "certificates": certs}).to_string().into_bytes()
    };
    // A's attributes on B's file: the mix-up is refused, nothing is produced.
    let err = finish(&meta(&a.signed_attributes, &signature, &certs), b.pdf.clone()).unwrap_err();
    assert_eq!((err.code(), err.status()), ("digest_mismatch", 422));
    assert_eq!(err.body()["error"]["field"], "file");
    assert!(err.body()["error"]["message_vi"].as_str().unwrap().contains("không khớp"));
    // A signature that is not the key's length (a hex string sent as base64 of text, say).
    let err = finish(&meta(&a.signed_attributes, hex::encode(&signature).as_bytes(), &certs), a.pdf.clone()).unwrap_err();
    assert_eq!(err.field(), Some("meta.signature"));
    // Signed with another key, or over the file's digest instead of the attributes' (the mix-up
    // FACTS.md warns of):
    // both would embed a broken signature, both are refused.
    let other_key = RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap();
    let by_other = other_key.sign(Pkcs1v15Sign::new::<Sha256>(), &a.to_be_signed).unwrap();
    let err = finish(&meta(&a.signed_attributes, &by_other, &certs), a.pdf.clone()).unwrap_err();
    assert_eq!((err.code(), err.field()), ("signature_invalid", Some("meta.signature")));
    let gap = motcua_signer::pdf::placeholder(&a.pdf).unwrap();
    let file_digest = motcua_signer::pdf::byte_range_digest(&a.pdf, gap);
    let over_file = p.leaf_key.sign(Pkcs1v15Sign::new::<Sha256>(), &file_digest).unwrap();
    assert_eq!(finish(&meta(&a.signed_attributes, &over_file, &certs), a.pdf.clone()).unwrap_err().code(), "signature_invalid");
    // The CA's certificate first instead of the signer's.
    let swapped = [b64(&p.ca_der), b64(&p.leaf_der)];
    let err = finish(&meta(&a.signed_attributes, &signature, &swapped), a.pdf.clone()).unwrap_err();
    assert_eq!(err.code(), "certificate_mismatch");
    // A file that was not prepared, and one already finished.
    assert_eq!(finish(&meta(&a.signed_attributes, &signature, &certs), classic_pdf(0)).unwrap_err().code(), "not_prepared");
    let done = finish(&meta(&a.signed_attributes, &signature, &certs), a.pdf.clone()).unwrap();
    assert_eq!(finish(&meta(&a.signed_attributes, &signature, &certs), done).unwrap_err().code(), "not_prepared");
    // Attributes that are not canonical DER.
    let mut bent = a.signed_attributes.clone();
    bent[0] = 0xA0;
    assert_eq!(finish(&meta(&bent, &signature, &certs), a.pdf.clone()).unwrap_err().field(), Some("meta.signed_attributes"));
}

#[test]
fn the_provider_signing_the_hash_equals_signing_the_der() {
    // What the rsa API wants: `SigningKey::sign` hashes the DER itself, `Pkcs1v15Sign` takes the
    // digest. Both give the same PKCS#1 v1.5 signature (deterministic), so the hash path is right.
    use rsa::signature::{SignatureEncoding, Signer};
    let p = pki();
    let a = prepare(&prepare_meta("pdf"), &classic_pdf(0), &dejavu()).unwrap();
    let over_der = SigningKey::<Sha256>::new(p.leaf_key.clone()).sign(&a.signed_attributes).to_vec();
    let over_hash = p.leaf_key.sign(Pkcs1v15Sign::new::<Sha256>(), &a.to_be_signed).unwrap();
    assert_eq!(over_der, over_hash);
}

#[test]
fn garbage_gets_the_right_error_code() {
    let font = dejavu();
    let meta = prepare_meta("pdf");
    let code = |meta: &[u8], file: &[u8], font: &[u8]| prepare(meta, file, font).err().map(|e| (e.code(), e.status(), e.field()));
    assert_eq!(code(&meta, b"not a pdf at all", &font), Some(("unreadable_pdf", 422, Some("file"))));
    assert_eq!(code(&meta, b"%PDF-1.7\ngarbage", &font), Some(("unreadable_pdf", 422, Some("file"))));
    let mut cut = classic_pdf(0);
    cut.truncate(cut.len() / 2);
    // Cut in half: no trailer left, the cross-reference data cannot be trusted for an update.
    assert_eq!(code(&meta, &cut, &font).map(|c| c.0), Some("unsupported_pdf"));
    assert_eq!(code(&meta, &classic_pdf(0), b"not a font"), Some(("unusable_font", 422, Some("font"))));
    assert_eq!(code(b"{", &classic_pdf(0), &font).map(|c| (c.0, c.1)), Some(("invalid", 400)));
    let big = vec![0u8; motcua_signer::MAX_FILE + 1];
    assert_eq!(code(&meta, &big, &font).map(|c| (c.0, c.1)), Some(("too_large", 413)));
    // An encrypted file (an /Encrypt in its trailer).
    let mut enc = classic_pdf(0);
    let trailer = enc.windows(9).rposition(|w| w == b"/Root 1 0").unwrap();
    enc.splice(trailer..trailer, b"/Encrypt << /Filter /Standard /V 1 /R 2 /O <00> /U <00> /P -4 >> ".iter().copied());
    assert_eq!(code(&meta, &enc, &font).map(|c| c.0), Some("encrypted_pdf"));
    // A stamp text the font cannot draw, a QR matrix that is not square, a time in milliseconds.
    let mut m: serde_json::Value = serde_json::from_slice(&meta).unwrap();
    m["stamp"]["title"] = json!("Ký tự lạ \u{1F600}");
    assert_eq!(code(m.to_string().as_bytes(), &classic_pdf(0), &font).map(|c| c.0), Some("missing_glyph"));
    let mut m: serde_json::Value = serde_json::from_slice(&meta).unwrap();
    m["stamp"]["qr"] = json!(["0101", "1"]);
    assert_eq!(code(m.to_string().as_bytes(), &classic_pdf(0), &font).map(|c| c.2), Some(Some("meta.stamp.qr")));
    let mut m: serde_json::Value = serde_json::from_slice(&meta).unwrap();
    m["signing_time"] = json!(now() * 1000);
    assert_eq!(code(m.to_string().as_bytes(), &classic_pdf(0), &font).map(|c| c.2), Some(Some("meta.signing_time")));
    let mut m: serde_json::Value = serde_json::from_slice(&meta).unwrap();
    m["certificates"] = json!(["bm90IGEgY2VydA=="]);
    assert_eq!(code(m.to_string().as_bytes(), &classic_pdf(0), &font).map(|c| c.2), Some(Some("meta.certificates")));
    assert_eq!(finish(b"{}", classic_pdf(0)).unwrap_err().code(), "invalid");
}

/// Figures for the report: growth of a signed file and CPU time of prepare + finish natively.
/// `cargo test -p motcua-signer --release -- --nocapture figures`
#[test]
fn figures() {
    let p = pki();
    let font = dejavu();
    for (name, input) in [("small", classic_pdf(0)), ("1 MB", classic_pdf(1_000_000))] {
        let started = std::time::Instant::now();
        let prepared = prepare(&prepare_meta("pdf"), &input, &font).unwrap();
        let prepare_time = started.elapsed();
        let signature = p.leaf_key.sign(Pkcs1v15Sign::new::<Sha256>(), &prepared.to_be_signed).unwrap();
        let meta = json!({"signed_attributes": b64(&prepared.signed_attributes), "signature": b64(&signature),
            "certificates": [b64(&p.leaf_der), b64(&p.ca_der)]});
        let started = std::time::Instant::now();
        let signed = finish(meta.to_string().as_bytes(), prepared.pdf).unwrap();
        let finish_time = started.elapsed();
        let growth = signed.len() - input.len();
        println!("{name}: input {} B, signed {} B, growth {growth} B; prepare {prepare_time:?}, finish {finish_time:?}", input.len(), signed.len());
        // The whole font is 757 KB; its subset with the page, the signature and its reservation
        // must stay far below that.
        assert!(growth < 80_000, "growth {growth}");
    }
}
