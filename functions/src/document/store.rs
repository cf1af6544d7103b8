//! The only writer of desk scans, signed documents (a signing, a revocation) and a dossier's
//! wallet references. A signing is one row whose unique keys are its guards: one signature per
//! result (`result_id`), one copy per book number per agency and year; a revocation is written
//! on the version it was decided from. Each write carries its audit row in the same batch.

use serde_json::json;
use worker::D1PreparedStatement;
use crate::platform::db::Db;

use crate::auth::session::StaffSession;
use crate::desk::audit;
use crate::platform::db::{self, Guarded};
use crate::platform::error::ApiError;

pub struct NewScan<'a> {
    pub id: &'a str,
    pub dossier_id: &'a str,
    pub document_type: &'a str,
    pub name: &'a str,
    pub content_type: &'a str,
    pub size: u64,
    pub sha256: &'a str,
    pub r2_key: &'a str,
}

pub async fn insert_scan(d1: &Db, s: &NewScan<'_>, staff: &StaffSession, at: &str) -> Result<(), ApiError> {
    let insert = d1
        .prepare(
            "INSERT INTO dossier_scans (id, dossier_id, document_type, name, content_type, size, sha256, r2_key, created_by, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )
        .bind(&[
            s.id.into(),
            s.dossier_id.into(),
            s.document_type.into(),
            s.name.into(),
            s.content_type.into(),
            (s.size as f64).into(),
            s.sha256.into(),
            s.r2_key.into(),
            staff.staff_id.as_str().into(),
            at.into(),
        ])?;
    let audit = audit::stmt(d1, staff, at, "dossier.scan", "dossier", s.dossier_id, &json!(null), &json!({"scan": s.id, "document_type": s.document_type, "sha256": s.sha256}))?;
    d1.batch(vec![insert, audit]).await?;
    Ok(())
}

/// A signed result or copy, as recorded.
pub struct NewSigned<'a> {
    pub id: &'a str,
    pub kind: &'a str,
    pub dossier_id: &'a str,
    pub result_id: &'a str,
    pub owner_citizen_id: Option<&'a str>,
    pub agency_code: &'a str,
    pub title: &'a str,
    pub name: &'a str,
    pub size: u64,
    pub sha256: &'a str,
    pub code: &'a str,
    pub r2_key: &'a str,
    pub signer_name: &'a str,
    pub certificate_subject: &'a str,
    pub certificate_issuer: &'a str,
    pub certificate_serial: &'a str,
    pub certificate_der_b64: &'a str,
    pub signed_at: &'a str,
    pub book: Option<(i64, i32)>,
    pub pages: Option<u32>,
}

/// How recording a signing ended.
pub enum Recorded {
    Done,
    /// The result was signed meanwhile by someone else.
    AlreadySigned,
    /// Another copy took this book number first: sign again with the next.
    BookNumberTaken,
}

pub async fn insert_signed(d1: &Db, s: &NewSigned<'_>, staff: &StaffSession) -> Result<Recorded, ApiError> {
    let n = |v: Option<f64>| v.map(worker::wasm_bindgen::JsValue::from_f64).unwrap_or(worker::wasm_bindgen::JsValue::NULL);
    let insert = d1
        .prepare(
            "INSERT INTO signed_documents (id, kind, dossier_id, result_id, owner_citizen_id, agency_code, title, name, size, sha256, code, r2_key, \
               signed_by, signer_name, certificate_subject, certificate_issuer, certificate_serial, certificate_der, signed_at, book_year, book_number, pages) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)",
        )
        .bind(&[
            s.id.into(),
            s.kind.into(),
            s.dossier_id.into(),
            s.result_id.into(),
            db::nullable(s.owner_citizen_id),
            s.agency_code.into(),
            s.title.into(),
            s.name.into(),
            (s.size as f64).into(),
            s.sha256.into(),
            s.code.into(),
            s.r2_key.into(),
            staff.staff_id.as_str().into(),
            s.signer_name.into(),
            s.certificate_subject.into(),
            s.certificate_issuer.into(),
            s.certificate_serial.into(),
            s.certificate_der_b64.into(),
            s.signed_at.into(),
            n(s.book.map(|b| b.1 as f64)),
            n(s.book.map(|b| b.0 as f64)),
            n(s.pages.map(|p| p as f64)),
        ])?;
    let after = json!({"document": s.id, "kind": s.kind, "result": s.result_id, "sha256": s.sha256, "code": s.code,
        "certificate_serial": s.certificate_serial, "book": s.book.map(|(n, y)| format!("{n}/{y}"))});
    let audit = audit::stmt(d1, staff, s.signed_at, "document.sign", "dossier", s.dossier_id, &json!(null), &after)?;
    match d1.batch(vec![insert, audit]).await {
        Ok(_) => Ok(Recorded::Done),
        Err(e) if db::is_unique_violation(&e) && e.to_string().contains("result_id") => Ok(Recorded::AlreadySigned),
        Err(e) if db::is_unique_violation(&e) && e.to_string().contains("book") => Ok(Recorded::BookNumberTaken),
        Err(e) => Err(e.into()),
    }
}

/// Revokes on the version read; a lost race is 409 `conflict`.
pub async fn revoke(d1: &Db, id: &str, dossier_id: &str, version: i64, reason: &str, staff: &StaffSession, at: &str) -> Result<(), ApiError> {
    let stmts = vec![
        db::guard(d1, Guarded::SignedDocument, id, version)?,
        d1.prepare(
            "UPDATE signed_documents SET revoked_at = ?1, revoked_reason = ?2, revoked_by = ?3, version = version + 1 \
             WHERE id = ?4 AND version = ?5 AND revoked_at IS NULL",
        )
        .bind(&[at.into(), reason.into(), staff.staff_id.as_str().into(), id.into(), (version as f64).into()])?,
        audit::stmt(d1, staff, at, "document.revoke", "dossier", dossier_id, &json!({"document": id, "revoked": false}), &json!({"document": id, "revoked": true, "reason": reason}))?,
    ];
    match d1.batch(stmts).await {
        Ok(_) => Ok(()),
        Err(e) if db::is_stale(&e) => Err(ApiError::Stale {
            what: "document",
            current: "revoked".into(),
            label_vi: "Giấy tờ vừa được thay đổi bởi người khác".into(),
            label_en: "The document was changed by someone else".into(),
        }),
        Err(e) => Err(e.into()),
    }
}

/// The statement that records one wallet reference of a new dossier (in its submit batch).
pub fn reference_stmt(d1: &Db, dossier_id: &str, position: usize, kind: &str, document_id: &str, verified: bool) -> Result<D1PreparedStatement, ApiError> {
    Ok(d1
        .prepare("INSERT INTO dossier_documents (dossier_id, position, kind, document_id, verified) VALUES (?1, ?2, ?3, ?4, ?5)")
        .bind(&[dossier_id.into(), (position as f64).into(), kind.into(), document_id.into(), (if verified { 1.0 } else { 0.0 }).into()])?)
}
