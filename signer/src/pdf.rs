//! PAdES on a PDF in two stateless steps around a remote signature.
//!
//! [`prepare`] appends one incremental update to the file as it came (its bytes are never
//! rewritten, so an earlier signature stays valid): the verification page (the last page, with
//! the font's subset), an invisible signature field on it, the signature dictionary with a
//! zeroed `/Contents` and its `/ByteRange` already filled in, the catalog's `/AcroForm` and the
//! page tree's root. The update's cross-reference section is a table, or a stream when the file
//! ends with a cross-reference stream (PDF 1.5 object streams). The digest of the byte range
//! goes into the CMS signed attributes, whose SHA-256 the provider signs.
//!
//! [`finish`] finds that placeholder again, checks that the attributes' message digest is the
//! file's, that they name the first certificate as the signer's and that the provider's signature
//! verifies with that certificate's key, builds the CMS `SignedData` and writes its hex into
//! `/Contents` in place: no offset moves, so the byte range and the cross-reference data stay
//! right. Whatever a mix-up gives is refused; a broken signature is never written.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;

use lopdf::{Dictionary, Document, Object, ObjectId, StringFormat};
use sha2::{Digest, Sha256};
use x509_cert::Certificate;

use crate::cms;
use crate::error::SignError;
use motcua_domain::pdf_write;
use motcua_domain::truetype::Font;
use crate::page::{self, Drawn};

/// What the signature dictionary says besides the signature.
pub struct SignatureInfo<'a> {
    pub name: &'a str,
    pub reason: &'a str,
    pub location: &'a str,
    /// Unix seconds, written as `/M` (PAdES B-B has no signing-time attribute).
    pub signing_time: i64,
}

pub struct Prepared {
    pub pdf: Vec<u8>,
    /// DER (`SET OF`) of the CMS signed attributes.
    pub signed_attributes: Vec<u8>,
    /// SHA-256 of `signed_attributes`: what the provider signs.
    pub to_be_signed: [u8; 32],
}

const BYTE_RANGE_PLACEHOLDER: &str = "[0 0000000000 0000000000 0000000000]";

/// Loads the PDF and refuses what an incremental update cannot be appended to.
fn load(input: &[u8]) -> Result<Document, SignError> {
    let head = &input[..input.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err(SignError::UnreadablePdf);
    }
    let tail = &input[input.len().saturating_sub(4096)..];
    let doc = match Document::load_mem(input) {
        Ok(doc) => doc,
        Err(_) if tail.windows(8).any(|w| w == b"/Encrypt") => return Err(SignError::EncryptedPdf),
        Err(_) => return Err(SignError::UnreadablePdf),
    };
    if doc.trailer.has(b"Encrypt") || doc.is_encrypted() || doc.was_encrypted() {
        return Err(SignError::EncryptedPdf);
    }
    if doc.xref_recovery.is_some() {
        return Err(SignError::UnsupportedPdf("its cross-reference data is damaged"));
    }
    Ok(doc)
}

/// The offset the file's last `startxref` names: the new section's `/Prev`.
fn last_startxref(input: &[u8]) -> Result<usize, SignError> {
    let from = input.len().saturating_sub(1024);
    let tail = &input[from..];
    let at = tail.windows(9).rposition(|w| w == b"startxref").ok_or(SignError::UnreadablePdf)?;
    let digits: String = tail[at + 9..]
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take_while(|b| b.is_ascii_digit())
        .map(|&b| b as char)
        .collect();
    let offset: usize = digits.parse().map_err(|_| SignError::UnreadablePdf)?;
    if offset >= input.len() {
        return Err(SignError::UnreadablePdf);
    }
    Ok(offset)
}

fn resolve<'d>(doc: &'d Document, o: &'d Object) -> Result<&'d Object, SignError> {
    doc.dereference(o).map(|(_, o)| o).map_err(|_| SignError::UnsupportedPdf("a reference in its catalog is broken"))
}

/// A PDF text string: UTF-16BE with its byte-order mark, as a hex string.
fn text_hex(s: &str) -> String {
    let mut out = String::from("<FEFF");
    for u in s.encode_utf16() {
        let _ = write!(out, "{u:04X}");
    }
    out.push('>');
    out
}

/// `D:YYYYMMDDHHmmss+00'00'` of unix seconds (UTC).
pub fn pdf_date(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("D:{year:04}{month:02}{day:02}{:02}{:02}{:02}+00'00'", secs / 3600, secs % 3600 / 60, secs % 60)
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let _ = enc.write_all(data);
    enc.finish().unwrap_or_default()
}

/// A compressed stream object's body.
fn stream(extra: &str, data: &[u8]) -> Vec<u8> {
    let packed = deflate(data);
    let mut s = format!("<< /Length {} /Filter /FlateDecode{extra} >>\nstream\n", packed.len()).into_bytes();
    s.extend(packed);
    s.extend(b"\nendstream");
    s
}

fn serialize(o: &Object) -> Result<Vec<u8>, SignError> {
    let mut out = Vec::new();
    lopdf::Writer::write_object(&mut out, o).map_err(SignError::unexpected)?;
    Ok(out)
}

/// Appends the verification page and the signature placeholder; see the module's doc.
pub fn prepare(
    input: &[u8],
    font: &Font<'_>,
    drawn: &Drawn,
    info: &SignatureInfo<'_>,
    certs: &[(Vec<u8>, Certificate)],
) -> Result<Prepared, SignError> {
    let doc = load(input)?;
    let prev = last_startxref(input)?;
    // The new section is of the kind of the last one: a table follows a table, a stream a stream.
    let stream_xref = !input[prev..].starts_with(b"xref");
    let root_id = doc
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(|_| SignError::UnsupportedPdf("its trailer names no catalog"))?;
    let catalog = doc.get_dictionary(root_id).map_err(|_| SignError::UnsupportedPdf("its catalog is missing"))?;
    let pages_id =
        catalog.get(b"Pages").and_then(Object::as_reference).map_err(|_| SignError::UnsupportedPdf("it has no page tree"))?;
    let mut pages = doc.get_dictionary(pages_id).map_err(|_| SignError::UnsupportedPdf("its page tree is missing"))?.clone();
    let size = doc
        .trailer
        .get(b"Size")
        .and_then(Object::as_i64)
        .unwrap_or(0)
        .max(doc.max_id as i64 + 1)
        .max(doc.reference_table.size as i64) as u32;

    // New objects, numbered from the file's /Size.
    let font_first = size;
    let content_id = size + 5;
    let page_id = size + 6;
    let widget_id = size + 7;
    let sig_id = size + 8;
    let mut next = size + 9;

    // The page tree's root gets the new page as its last kid. The page names its own boxes and
    // rotation: the root may hand down a /Rotate or a /CropBox meant for the scanned pages.
    let mut kids = match pages.get(b"Kids").map(|k| resolve(&doc, k)) {
        Ok(Ok(Object::Array(kids))) => kids.clone(),
        _ => return Err(SignError::UnsupportedPdf("its page tree has no kids")),
    };
    kids.push(Object::Reference((page_id, 0)));
    let count = match pages.get(b"Count").map(|c| resolve(&doc, c)) {
        Ok(Ok(Object::Integer(n))) => *n,
        _ => return Err(SignError::UnsupportedPdf("its page tree has no count")),
    };
    pages.set("Kids", Object::Array(kids));
    pages.set("Count", Object::Integer(count + 1));

    // The catalog's form gets the signature field (an indirect /AcroForm is updated where it is).
    let mut updated: Vec<(ObjectId, Object)> = vec![(pages_id, Object::Dictionary(pages))];
    let (acroform_id, mut acroform) = match catalog.get(b"AcroForm") {
        Ok(Object::Reference(id)) => {
            (Some(*id), doc.get_dictionary(*id).map_err(|_| SignError::UnsupportedPdf("its form is broken"))?.clone())
        }
        Ok(Object::Dictionary(d)) => (None, d.clone()),
        _ => (None, Dictionary::new()),
    };
    let mut fields = match acroform.get(b"Fields").map(|f| resolve(&doc, f)) {
        Ok(Ok(Object::Array(f))) => f.clone(),
        _ => Vec::new(),
    };
    let field_name = format!("Signature{}", fields.len() + 1);
    fields.push(Object::Reference((widget_id, 0)));
    acroform.set("Fields", Object::Array(fields));
    acroform.set("SigFlags", Object::Integer(3));
    match acroform_id {
        Some(id) => updated.push((id, Object::Dictionary(acroform))),
        None => {
            let mut catalog = catalog.clone();
            catalog.set("AcroForm", Object::Dictionary(acroform));
            updated.push((root_id, Object::Dictionary(catalog)));
        }
    }

    let mut objects: Vec<(ObjectId, Vec<u8>)> = Vec::new();
    for (i, body) in pdf_write::font_objects(font, &drawn.used, font_first, stream)?.into_iter().enumerate() {
        objects.push(((font_first + i as u32, 0), body));
    }
    objects.push(((content_id, 0), stream("", &drawn.content)));
    objects.push((
        (page_id, 0),
        format!(
            "<< /Type /Page /Parent {} {} R /MediaBox [0 0 {w} {h}] /CropBox [0 0 {w} {h}] /Rotate 0 /Resources << /Font << /F1 {font_first} 0 R >> >> /Contents {content_id} 0 R /Annots [{widget_id} 0 R] >>",
            pages_id.0,
            pages_id.1,
            w = page::WIDTH,
            h = page::HEIGHT
        )
        .into_bytes(),
    ));
    let mut widget = Dictionary::new();
    widget.set("Type", Object::Name(b"Annot".to_vec()));
    widget.set("Subtype", Object::Name(b"Widget".to_vec()));
    widget.set("FT", Object::Name(b"Sig".to_vec()));
    widget.set("T", Object::String(field_name.into_bytes(), StringFormat::Literal));
    widget.set("V", Object::Reference((sig_id, 0)));
    widget.set("F", Object::Integer(132));
    widget.set("Rect", Object::Array(vec![0.into(), 0.into(), 0.into(), 0.into()]));
    widget.set("P", Object::Reference((page_id, 0)));
    objects.push(((widget_id, 0), serialize(&Object::Dictionary(widget))?));
    for (id, o) in &updated {
        objects.push((*id, serialize(o)?));
    }

    // The signature dictionary is written by hand: its /Contents and /ByteRange are found by
    // offset, not searched for.
    let reserved = (certs.iter().map(|c| c.0.len()).sum::<usize>() + 8192).div_ceil(1024) * 1024;
    let mut out = input.to_vec();
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    let mut offsets: BTreeMap<u32, (u16, usize)> = BTreeMap::new();
    for ((id, gen), body) in &objects {
        offsets.insert(*id, (*gen, out.len()));
        out.extend(format!("{id} {gen} obj\n").as_bytes());
        out.extend(body);
        out.extend(b"\nendobj\n");
    }
    offsets.insert(sig_id, (0, out.len()));
    out.extend(format!("{sig_id} 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange ").as_bytes());
    let byte_range_at = out.len();
    out.extend(BYTE_RANGE_PLACEHOLDER.as_bytes());
    out.extend(b" /Contents ");
    let contents_start = out.len();
    out.push(b'<');
    out.resize(out.len() + 2 * reserved, b'0');
    out.push(b'>');
    let contents_end = out.len();
    let mut tail = format!(" /M ({})", pdf_date(info.signing_time));
    for (key, value) in [("Name", info.name), ("Reason", info.reason), ("Location", info.location)] {
        if !value.is_empty() {
            let _ = write!(tail, " /{key} {}", text_hex(value));
        }
    }
    tail.push_str(" >>\nendobj\n");
    out.extend(tail.as_bytes());

    write_xref(&mut out, &doc, offsets, next, prev, stream_xref, &mut next)?;

    let byte_range = format!("[0 {contents_start} {contents_end} {}]", out.len() - contents_end);
    let padded = format!("{byte_range:<width$}", width = BYTE_RANGE_PLACEHOLDER.len());
    if padded.len() != BYTE_RANGE_PLACEHOLDER.len() {
        return Err(SignError::TooLarge { field: "file", limit: crate::MAX_FILE });
    }
    out[byte_range_at..byte_range_at + padded.len()].copy_from_slice(padded.as_bytes());

    let digest = range_digest(&out, contents_start, contents_end);
    let (signer_der, signer) = certs.first().ok_or_else(|| SignError::unexpected("no certificate"))?;
    let signed_attributes = cms::signed_attributes(&digest, signer_der, signer)?;
    let to_be_signed: [u8; 32] = Sha256::digest(&signed_attributes).into();
    Ok(Prepared { pdf: out, signed_attributes, to_be_signed })
}

/// Writes the update's cross-reference section and trailer: a table, or a cross-reference
/// stream (which then takes the number `stream_id`) when the file's last section is one.
fn write_xref(
    out: &mut Vec<u8>,
    doc: &Document,
    mut offsets: BTreeMap<u32, (u16, usize)>,
    stream_id: u32,
    prev: usize,
    as_stream: bool,
    next: &mut u32,
) -> Result<(), SignError> {
    let mut trailer = Dictionary::new();
    for key in [b"Root".as_slice(), b"Info", b"ID"] {
        if let Ok(v) = doc.trailer.get(key) {
            trailer.set(key, v.clone());
        }
    }
    trailer.set("Prev", Object::Integer(prev as i64));
    let xref_at = out.len();
    if as_stream {
        offsets.insert(stream_id, (0, xref_at));
        *next = stream_id + 1;
    }
    trailer.set("Size", Object::Integer(*next as i64));
    // Runs of consecutive object numbers, one subsection each.
    let mut runs: Vec<(u32, Vec<(u16, usize)>)> = Vec::new();
    for (id, entry) in &offsets {
        match runs.last_mut() {
            Some((start, entries)) if *start + entries.len() as u32 == *id => entries.push(*entry),
            _ => runs.push((*id, vec![*entry])),
        }
    }
    if as_stream {
        let mut data = Vec::new();
        let mut index = Vec::new();
        for (start, entries) in &runs {
            index.push(Object::Integer(*start as i64));
            index.push(Object::Integer(entries.len() as i64));
            for (gen, offset) in entries {
                data.push(1u8);
                data.extend((*offset as u32).to_be_bytes());
                data.extend(gen.to_be_bytes());
            }
        }
        if xref_at > u32::MAX as usize {
            return Err(SignError::TooLarge { field: "file", limit: u32::MAX as usize });
        }
        trailer.set("Type", Object::Name(b"XRef".to_vec()));
        trailer.set("W", Object::Array(vec![1.into(), 4.into(), 2.into()]));
        trailer.set("Index", Object::Array(index));
        trailer.set("Length", Object::Integer(data.len() as i64));
        out.extend(format!("{stream_id} 0 obj\n").as_bytes());
        out.extend(serialize(&Object::Dictionary(trailer))?);
        out.extend(b"\nstream\n");
        out.extend(&data);
        out.extend(b"\nendstream\nendobj\n");
    } else {
        out.extend(b"xref\n");
        for (start, entries) in &runs {
            out.extend(format!("{start} {}\n", entries.len()).as_bytes());
            for (gen, offset) in entries {
                out.extend(format!("{offset:010} {gen:05} n \n").as_bytes());
            }
        }
        out.extend(b"trailer\n");
        out.extend(serialize(&Object::Dictionary(trailer))?);
        out.push(b'\n');
    }
    out.extend(format!("startxref\n{xref_at}\n%%EOF\n").as_bytes());
    Ok(())
}

fn range_digest(pdf: &[u8], gap_start: usize, gap_end: usize) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(&pdf[..gap_start]);
    h.update(&pdf[gap_end..]);
    h.finalize().into()
}

/// The placeholder `prepare` left: (start of `<`, end after `>`) of `/Contents`, checked
/// against the `/ByteRange` and still all zeros.
pub fn placeholder(pdf: &[u8]) -> Result<(usize, usize), SignError> {
    let key = b"/ByteRange [";
    let at = pdf.windows(key.len()).rposition(|w| w == key).ok_or(SignError::NotPrepared)? + key.len();
    let end = at + pdf[at..].iter().position(|&b| b == b']').ok_or(SignError::NotPrepared)?;
    let numbers: Vec<usize> = std::str::from_utf8(&pdf[at..end])
        .map_err(|_| SignError::NotPrepared)?
        .split_ascii_whitespace()
        .map(|n| n.parse::<usize>())
        .collect::<Result<_, _>>()
        .map_err(|_| SignError::NotPrepared)?;
    let [zero, start, end_gap, rest] = numbers[..] else { return Err(SignError::NotPrepared) };
    if zero != 0 || start <= 10 || end_gap <= start + 2 || end_gap.checked_add(rest) != Some(pdf.len()) {
        return Err(SignError::NotPrepared);
    }
    if &pdf[start - 10..start] != b"/Contents " || pdf[start] != b'<' || pdf[end_gap - 1] != b'>' {
        return Err(SignError::NotPrepared);
    }
    if !pdf[start + 1..end_gap - 1].iter().all(|&b| b == b'0') {
        return Err(SignError::NotPrepared);
    }
    Ok((start, end_gap))
}

/// Digest of the byte range of a prepared (or signed) file.
pub fn byte_range_digest(pdf: &[u8], gap: (usize, usize)) -> [u8; 32] {
    range_digest(pdf, gap.0, gap.1)
}

/// Writes the CMS `SignedData` into the prepared file's `/Contents`.
pub fn finish(
    mut pdf: Vec<u8>,
    signed_attributes: &[u8],
    signature: &[u8],
    certs: &[(Vec<u8>, Certificate)],
) -> Result<Vec<u8>, SignError> {
    let gap = placeholder(&pdf)?;
    let attrs = cms::read_signed_attributes(signed_attributes)?;
    if attrs.message_digest != byte_range_digest(&pdf, gap) {
        return Err(SignError::DigestMismatch);
    }
    let (signer_der, signer) = certs.first().ok_or_else(|| SignError::unexpected("no certificate"))?;
    if !cms::names_signer(&attrs.set, signer_der, signer)? {
        return Err(SignError::CertificateMismatch);
    }
    let modulus = crate::rsa_modulus_len(signer)?;
    if signature.len() != modulus {
        return Err(SignError::invalid(
            "meta.signature",
            "the signature's length is not the length of the certificate's RSA key",
            "Độ dài chữ ký số không khớp với khóa RSA của chứng thư số",
        ));
    }
    if !crate::verify_rsa_sha256(signer, signed_attributes, signature)? {
        return Err(SignError::SignatureInvalid);
    }
    let der = cms::signed_data(attrs.set, signature, certs)?;
    let reserved = (gap.1 - gap.0 - 2) / 2;
    if der.len() > reserved {
        return Err(SignError::SignatureTooLarge { needed: der.len(), reserved });
    }
    let hex = hex::encode(&der);
    pdf[gap.0 + 1..gap.0 + 1 + hex.len()].copy_from_slice(hex.as_bytes());
    Ok(pdf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_utc_calendar_dates() {
        assert_eq!(pdf_date(0), "D:19700101000000+00'00'");
        assert_eq!(pdf_date(1_700_000_000), "D:20231114221320+00'00'");
        assert_eq!(pdf_date(951_782_400), "D:20000229000000+00'00'");
    }

    #[test]
    fn text_strings_are_utf16_with_a_bom() {
        assert_eq!(text_hex("Ký"), "<FEFF004B00FD>");
    }

    #[test]
    fn garbage_is_unreadable_and_an_unprepared_file_is_not_prepared() {
        assert_eq!(load(b"hello").err(), Some(SignError::UnreadablePdf));
        assert_eq!(load(b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF").err().map(|e| e.code()), Some("unreadable_pdf"));
        assert_eq!(placeholder(b"%PDF-1.7 nothing here").err(), Some(SignError::NotPrepared));
    }
}
