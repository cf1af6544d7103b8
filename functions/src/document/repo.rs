//! Reads of scans, signed documents, the wallet and a dossier's references.

use motcua_domain::api::{DeskScan, ReferencedDocument, Revocation, SignatureView, SignedKind, WalletDocument, WalletKind};
use motcua_domain::document::{self, Lookup};
use serde::Deserialize;
use crate::platform::db::Db;

use crate::platform::db;
use crate::platform::error::ApiError;

const SIGNED_COLUMNS: &str = "s.id, s.kind, s.dossier_id, s.result_id, s.owner_citizen_id, s.agency_code, s.title, s.name, s.size, s.sha256, s.code, \
    s.r2_key, s.signer_name, s.certificate_subject, s.certificate_issuer, s.signed_at, s.book_year, s.book_number, s.revoked_at, s.revoked_reason, \
    s.version, d.code AS dossier_code, '' AS agency_name";
// A signed document lives with its dossier; its agency's name is national (docs/SHARDING.md §2.1
// #6-#10), filled by [`with_agency_names`].
const SIGNED_FROM: &str = "FROM signed_documents s JOIN dossiers d ON d.id = s.dossier_id";

#[derive(Debug, Clone, Deserialize)]
pub struct SignedRow {
    pub id: String,
    pub kind: SignedKind,
    pub dossier_id: String,
    pub result_id: String,
    pub agency_code: String,
    pub title: String,
    pub name: String,
    pub size: i64,
    pub sha256: String,
    pub code: String,
    pub r2_key: String,
    pub signer_name: String,
    pub certificate_subject: String,
    pub certificate_issuer: String,
    pub signed_at: String,
    pub book_year: Option<i32>,
    pub book_number: Option<i64>,
    pub revoked_at: Option<String>,
    pub revoked_reason: Option<String>,
    pub version: i64,
    pub dossier_code: Option<String>,
    pub agency_name: String,
}

impl SignedRow {
    pub fn revocation(&self) -> Option<Revocation> {
        Some(Revocation { at: self.revoked_at.clone()?, reason: self.revoked_reason.clone().unwrap_or_default() })
    }

    pub fn book_label(&self) -> Option<String> {
        Some(document::book_number_label(self.book_number?, self.book_year?))
    }

    pub fn view(&self, base_url: &str) -> SignatureView {
        SignatureView {
            document_id: self.id.clone(),
            kind: self.kind,
            sha256: self.sha256.clone(),
            code: self.code.clone(),
            signer: self.signer_name.clone(),
            certificate_subject: self.certificate_subject.clone(),
            issuer: self.certificate_issuer.clone(),
            signed_at: self.signed_at.clone(),
            book_number: self.book_label(),
            revoked: self.revocation(),
            verify_url: document::verify_url(base_url, &self.code),
        }
    }

    pub fn kind_str(&self) -> &'static str {
        match self.kind {
            SignedKind::Result => "result",
            SignedKind::CertifiedCopy => "certified_copy",
        }
    }

    pub fn wallet_kind(&self) -> WalletKind {
        match self.kind {
            SignedKind::Result => WalletKind::SignedResult,
            SignedKind::CertifiedCopy => WalletKind::CertifiedCopy,
        }
    }
}

/// `rows` with their agency's name from the catalog cache.
pub async fn with_agency_names(national: &Db, mut rows: Vec<SignedRow>) -> Result<Vec<SignedRow>, ApiError> {
    if rows.is_empty() {
        return Ok(rows);
    }
    let agencies = crate::catalog::cache::agencies(national).await?;
    for row in &mut rows {
        if let Some(a) = agencies.iter().find(|a| a.code == row.agency_code) {
            row.agency_name = a.name.clone();
        }
    }
    Ok(rows)
}

async fn named(national: &Db, row: Option<SignedRow>) -> Result<Option<SignedRow>, ApiError> {
    Ok(match row {
        Some(r) => with_agency_names(national, vec![r]).await?.pop(),
        None => None,
    })
}

pub async fn signed_by_id(d1: &Db, national: &Db, id: &str) -> Result<Option<SignedRow>, ApiError> {
    named(national, db::first(d1.prepare(format!("SELECT {SIGNED_COLUMNS} {SIGNED_FROM} WHERE s.id = ?1")).bind(&[id.into()])?).await?).await
}

/// Whether a dossier's result file is signed already (no names needed).
pub async fn signed_by_result(d1: &Db, result_id: &str) -> Result<Option<SignedRow>, ApiError> {
    db::first(d1.prepare(format!("SELECT {SIGNED_COLUMNS} {SIGNED_FROM} WHERE s.result_id = ?1")).bind(&[result_id.into()])?).await
}

/// A dossier's signed documents, for their check views (which name no agency: names empty).
pub async fn signed_of_dossier(d1: &Db, dossier_id: &str) -> Result<Vec<SignedRow>, ApiError> {
    db::all(d1.prepare(format!("SELECT {SIGNED_COLUMNS} {SIGNED_FROM} WHERE s.dossier_id = ?1")).bind(&[dossier_id.into()])?).await
}

/// The signed document a check code or a file's SHA-256 names, in the one database `d1`.
pub async fn lookup(d1: &Db, national: &Db, key: &Lookup) -> Result<Option<SignedRow>, ApiError> {
    let (column, value) = match key {
        Lookup::Sha256(h) => ("sha256", h.as_str()),
        Lookup::Code(c) => ("code", c.as_str()),
    };
    named(national, db::first(d1.prepare(format!("SELECT {SIGNED_COLUMNS} {SIGNED_FROM} WHERE s.{column} = ?1")).bind(&[value.into()])?).await?).await
}

/// The next number of an agency's certification book for a year (max + 1: the book has no gaps
/// because a number exists only as a signed copy's row).
pub async fn next_book_number(d1: &Db, agency: &str, year: i32) -> Result<i64, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        n: Option<i64>,
    }
    let row: Option<Row> = db::first(
        d1.prepare("SELECT max(book_number) AS n FROM signed_documents WHERE agency_code = ?1 AND book_year = ?2")
            .bind(&[agency.into(), (year as f64).into()])?,
    )
    .await?;
    Ok(row.and_then(|r| r.n).unwrap_or(0) + 1)
}

pub async fn scans(d1: &Db, national: &Db, dossier_id: &str) -> Result<Vec<DeskScan>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        id: String,
        document_type: String,
        name: String,
        content_type: String,
        size: i64,
        created_at: String,
        created_by: Option<String>,
    }
    let rows: Vec<Row> = db::all(
        d1.prepare(
            "SELECT sc.id, sc.document_type, sc.name, sc.content_type, sc.size, sc.created_at, sc.created_by \
             FROM dossier_scans sc WHERE sc.dossier_id = ?1 ORDER BY sc.created_at, sc.id",
        )
        .bind(&[dossier_id.into()])?,
    )
    .await?;
    // The officers' names are national (§2.1 #11): one read for the page.
    let ids: Vec<&str> = rows.iter().filter_map(|r| r.created_by.as_deref()).collect();
    let names = crate::auth::repo::staff_names(national, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| DeskScan {
            url: format!("/api/staff/dossiers/{dossier_id}/files/{}", r.id),
            id: r.id,
            document_type: r.document_type,
            name: r.name,
            content_type: r.content_type,
            size: r.size.max(0) as u64,
            created_at: r.created_at,
            created_by: r.created_by.and_then(|id| names.get(&id).cloned()).unwrap_or_default(),
        })
        .collect())
}

/// The wallet: signed results and copies issued to the citizen, newest first, then their own
/// uploads that went with a dossier.
/// Uploads the wallet lists (the newest).
pub const WALLET_UPLOADS: usize = 200;

/// One database's part of the wallet (the route asks every province's and merges).
pub async fn wallet(d1: &Db, citizen: &str, base_url: &str) -> Result<Vec<WalletDocument>, ApiError> {
    // Only the check view is built here, which names no agency.
    let signed: Vec<SignedRow> = db::all(
        d1.prepare(format!("SELECT {SIGNED_COLUMNS} {SIGNED_FROM} WHERE s.owner_citizen_id = ?1 ORDER BY s.signed_at DESC, s.id"))
            .bind(&[citizen.into()])?,
    )
    .await?;
    let mut out: Vec<WalletDocument> = signed
        .into_iter()
        .map(|s| WalletDocument {
            id: s.id.clone(),
            kind: s.wallet_kind(),
            title: s.title.clone(),
            name: s.name.clone(),
            content_type: "application/pdf".into(),
            size: s.size.max(0) as u64,
            created_at: s.signed_at.clone(),
            dossier_code: s.dossier_code.clone(),
            url: format!("/api/me/documents/{}", s.id),
            signature: Some(s.view(base_url)),
        })
        .collect();
    #[derive(Deserialize)]
    struct Upload {
        id: String,
        file_name: String,
        content_type: String,
        size: i64,
        created_at: String,
        dossier_code: Option<String>,
    }
    let uploads: Vec<Upload> = db::all(
        d1.prepare(
            "SELECT u.id, u.file_name, u.content_type, u.size, u.created_at, d.code AS dossier_code \
             FROM uploads u JOIN dossiers d ON d.id = u.dossier_id WHERE u.owner_citizen_id = ?1 ORDER BY u.created_at DESC, u.id LIMIT 200",
        )
        .bind(&[citizen.into()])?,
    )
    .await?;
    out.extend(uploads.into_iter().map(|u| WalletDocument {
        url: format!("/api/me/documents/{}", u.id),
        id: u.id,
        kind: WalletKind::Upload,
        title: u.file_name.clone(),
        name: u.file_name,
        content_type: u.content_type,
        size: u.size.max(0) as u64,
        created_at: u.created_at,
        dossier_code: u.dossier_code,
        signature: None,
    }));
    Ok(out)
}

/// One of the citizen's own wallet documents, to download or reference: kind, R2 key, file
/// name, content type, the recorded hash of a signed one, and whether it is revoked.
#[derive(Debug, Clone)]
pub struct OwnDocument {
    pub id: String,
    pub signed: bool,
    pub revoked: bool,
    pub r2_key: String,
    pub name: String,
    pub content_type: String,
    pub sha256: Option<String>,
}

pub async fn own_document(d1: &Db, citizen: &str, id: &str) -> Result<Option<OwnDocument>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        signed: i64,
        revoked: i64,
        r2_key: String,
        name: String,
        content_type: String,
        sha256: Option<String>,
    }
    let row: Option<Row> = db::first(
        d1.prepare(
            "SELECT 1 AS signed, revoked_at IS NOT NULL AS revoked, r2_key, name, 'application/pdf' AS content_type, sha256 \
               FROM signed_documents WHERE id = ?1 AND owner_citizen_id = ?2 \
             UNION ALL \
             SELECT 0, 0, r2_key, file_name, content_type, NULL FROM uploads WHERE id = ?1 AND owner_citizen_id = ?2 AND dossier_id IS NOT NULL \
             LIMIT 1",
        )
        .bind(&[id.into(), citizen.into()])?,
    )
    .await?;
    Ok(row.map(|r| OwnDocument {
        id: id.to_string(),
        signed: r.signed != 0,
        revoked: r.revoked != 0,
        r2_key: r.r2_key,
        name: r.name,
        content_type: r.content_type,
        sha256: r.sha256,
    }))
}

/// The wallet documents a dossier references, as the desk and the owner see them (revocation
/// read now; the hash check recorded when the dossier referenced them).
pub async fn references(d1: &Db, dossier_id: &str) -> Result<Vec<ReferencedDocument>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        document_id: String,
        kind: String,
        verified: i64,
        title: Option<String>,
        signed_kind: Option<SignedKind>,
        revoked_at: Option<String>,
        code: Option<String>,
        file_name: Option<String>,
    }
    let rows: Vec<Row> = db::all(
        d1.prepare(
            "SELECT r.document_id, r.kind, r.verified, s.title, s.kind AS signed_kind, s.revoked_at, s.code, u.file_name \
             FROM dossier_documents r LEFT JOIN signed_documents s ON r.kind = 'signed' AND s.id = r.document_id \
             LEFT JOIN uploads u ON r.kind = 'upload' AND u.id = r.document_id WHERE r.dossier_id = ?1 ORDER BY r.position",
        )
        .bind(&[dossier_id.into()])?,
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let signed = r.kind == "signed";
            ReferencedDocument {
                url: format!("/api/dossiers/{dossier_id}/documents/{}", r.document_id),
                kind: match r.signed_kind {
                    Some(SignedKind::Result) => WalletKind::SignedResult,
                    Some(SignedKind::CertifiedCopy) => WalletKind::CertifiedCopy,
                    None => WalletKind::Upload,
                },
                id: r.document_id,
                title: r.title.or(r.file_name).unwrap_or_default(),
                signed,
                verified: signed && r.verified != 0,
                revoked: r.revoked_at.is_some(),
                code: r.code,
            }
        })
        .collect())
}

/// A referenced document's bytes for a dossier's reader: its key, name and content type.
pub async fn referenced_object(d1: &Db, dossier_id: &str, document_id: &str) -> Result<Option<(String, String, String)>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        r2_key: String,
        name: String,
        content_type: String,
    }
    let row: Option<Row> = db::first(
        d1.prepare(
            "SELECT coalesce(s.r2_key, u.r2_key) AS r2_key, coalesce(s.name, u.file_name) AS name, \
               CASE WHEN s.id IS NOT NULL THEN 'application/pdf' ELSE u.content_type END AS content_type \
             FROM dossier_documents r LEFT JOIN signed_documents s ON r.kind = 'signed' AND s.id = r.document_id \
             LEFT JOIN uploads u ON r.kind = 'upload' AND u.id = r.document_id \
             WHERE r.dossier_id = ?1 AND r.document_id = ?2",
        )
        .bind(&[dossier_id.into(), document_id.into()])?,
    )
    .await?;
    Ok(row.map(|r| (r.r2_key, r.name, r.content_type)))
}
