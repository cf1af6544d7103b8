//! Electronic receipts (biên lai): one per settled payment, numbered without gaps per agency and
//! year by the `SEQUENCES` Durable Object (the number is bound to the payment, so a retried issue
//! reuses it), with the itemized lines, the payer, the provider's transaction number and a
//! verification address anyone holding the receipt can open.

use motcua_domain::api::ReceiptView;
use serde::Deserialize;
use worker::{D1Database, Env, Response};

use crate::platform::error::ApiError;
use crate::platform::http::{json, Ctx};
use crate::platform::{clock, db, random};
use crate::sequences;

pub async fn issue(env: &Env, d1: &D1Database, payment_id: &str) -> Result<(), ApiError> {
    #[derive(Deserialize)]
    struct Source {
        agency_code: String,
        dossier_id: String,
        applicant_json: String,
        lines_json: String,
        total: i64,
        provider: String,
        provider_txn: Option<String>,
        has_receipt: i64,
    }
    let Some(s) = db::first::<Source>(
        d1.prepare(
            "SELECT p.agency_code, p.dossier_id, d.applicant_json, n.lines_json, n.total, p.provider, p.provider_txn, \
               (SELECT COUNT(*) FROM receipts r WHERE r.payment_id = p.id) AS has_receipt \
             FROM payments p JOIN dossiers d ON d.id = p.dossier_id JOIN fee_notices n ON n.id = p.notice_id \
             WHERE p.id = ?1 AND p.state IN ('succeeded', 'partially_refunded', 'refunded')",
        )
        .bind(&[payment_id.into()])?,
    )
    .await?
    else {
        return Ok(());
    };
    if s.has_receipt > 0 {
        return Ok(());
    }
    let now = clock::now();
    let year = motcua_domain::calendar::vietnam_local(now).year();
    let seq = sequences::assign(env, &format!("receipt:{}:{year}", s.agency_code), payment_id).await?;
    let number = format!("{}-{year}-{seq:06}", s.agency_code);
    let payer: serde_json::Value = serde_json::from_str(&s.applicant_json).unwrap_or_default();
    let payer_name = payer["full_name"].as_str().unwrap_or("").to_string();
    d1.prepare(
        "INSERT OR IGNORE INTO receipts (number, agency_code, year, seq, payment_id, dossier_id, payer_name, lines_json, \
           total, provider, provider_txn, verify_code, issued_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )
    .bind(&[
        number.into(),
        s.agency_code.into(),
        year.into(),
        (seq as f64).into(),
        payment_id.into(),
        s.dossier_id.into(),
        payer_name.into(),
        s.lines_json.into(),
        (s.total as f64).into(),
        s.provider.into(),
        s.provider_txn.unwrap_or_default().into(),
        hex::encode(random::bytes::<10>()).into(),
        clock::rfc3339(now).into(),
    ])?
    .run()
    .await?;
    Ok(())
}

#[derive(Deserialize)]
struct ReceiptRow {
    number: String,
    agency_code: String,
    agency_name: String,
    dossier_code: Option<String>,
    procedure_name: String,
    payer_name: String,
    lines_json: String,
    total: i64,
    provider: String,
    provider_txn: String,
    issued_at: String,
    verify_code: String,
}

const SELECT: &str = "SELECT r.number, r.agency_code, a.name AS agency_name, d.code AS dossier_code, p.name AS procedure_name, \
     r.payer_name, r.lines_json, r.total, r.provider, r.provider_txn, r.issued_at, r.verify_code \
     FROM receipts r JOIN agencies a ON a.code = r.agency_code JOIN dossiers d ON d.id = r.dossier_id \
     JOIN procedures p ON p.code = d.procedure_code";

fn view(r: ReceiptRow, base: &str) -> ReceiptView {
    ReceiptView {
        number: r.number,
        agency_code: r.agency_code,
        agency_name: r.agency_name,
        dossier_code: r.dossier_code,
        procedure_name: r.procedure_name,
        payer_name: r.payer_name,
        lines: serde_json::from_str(&r.lines_json).unwrap_or(serde_json::Value::Null),
        total: r.total,
        provider: r.provider,
        provider_txn: r.provider_txn,
        issued_at: r.issued_at,
        verify_url: format!("{base}/bien-lai/{}", r.verify_code),
    }
}

pub async fn by_dossier(d1: &D1Database, dossier_id: &str) -> Result<Option<ReceiptView>, ApiError> {
    let row: Option<ReceiptRow> =
        db::first(d1.prepare(format!("{SELECT} WHERE r.dossier_id = ?1 ORDER BY r.issued_at DESC LIMIT 1")).bind(&[dossier_id.into()])?)
            .await?;
    Ok(row.map(|r| view(r, "")))
}

/// `GET /api/receipts/{verify_code}`: public verification of a receipt. The payer's name is
/// reduced to initials: holding the code proves the receipt, not the person.
pub async fn verify(ctx: &Ctx, verify_code: &str) -> Result<Response, ApiError> {
    let row: Option<ReceiptRow> =
        db::first(ctx.d1()?.prepare(format!("{SELECT} WHERE r.verify_code = ?1")).bind(&[verify_code.into()])?).await?;
    let mut receipt = view(row.ok_or(ApiError::NotFound { what: "receipt", field: Some("code") })?, "");
    receipt.payer_name = receipt
        .payer_name
        .split_whitespace()
        .map(|w| w.chars().next().map(|c| format!("{c}.")).unwrap_or_default())
        .collect::<Vec<_>>()
        .join(" ");
    json(&receipt)
}
