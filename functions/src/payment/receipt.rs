//! Electronic receipts (biên lai) in the legal form of NĐ 254/2026 Đ23.2 (series, a number of at
//! most 8 digits per collector and year, the collector's name and tax code, each item with where
//! it is owed, the amount in figures and words; the digital signature once the signing service is
//! connected, and until then the record says it is unsigned): one per settled payment, numbered without gaps per agency and
//! year by the `SEQUENCES` Durable Object (the number is bound to the payment, so a retried issue
//! reuses it), with the itemized lines, the payer, the provider's transaction number and a
//! verification address anyone holding the receipt can open.

use motcua_domain::api::ReceiptView;
use motcua_domain::beneficiary::Routing;
use motcua_domain::fee::FeeLineAmount;
use motcua_domain::money::Vnd;
use motcua_domain::receipt::{amount_in_words, Collector, LegalReceipt, ReceiptItem, ReceiptNo, ReceiptSeries, SignatureState, UNSIGNED_REASON};
use serde::Deserialize;
use worker::{Env, Response};
use crate::platform::db::Db;

use crate::platform::error::ApiError;
use crate::platform::http::{json, Ctx};
use crate::platform::{clock, db, random};
use crate::sequences;

pub async fn issue(env: &Env, d1: &Db, payment_id: &str) -> Result<(), ApiError> {
    #[derive(Deserialize)]
    struct Source {
        agency_code: String,
        agency_name: String,
        tax_code: Option<String>,
        receipt_form_symbol: Option<String>,
        receipt_symbol: Option<String>,
        bill_id: String,
        dossier_id: Option<String>,
        /// The dossier's applicant (a procedure fee), else the bill's payer.
        applicant_json: Option<String>,
        payer_name: Option<String>,
        lines_json: String,
        routing_json: Option<String>,
        total: i64,
        provider: String,
        provider_txn: Option<String>,
        has_receipt: i64,
    }
    let Some(s) = db::first::<Source>(
        d1.prepare(
            "SELECT p.agency_code, a.name AS agency_name, a.tax_code, a.receipt_form_symbol, a.receipt_symbol, p.bill_id, p.dossier_id, \
               d.applicant_json, n.payer_name, n.lines_json, p.routing_json, n.total, p.provider, p.provider_txn, \
               (SELECT COUNT(*) FROM receipts r WHERE r.payment_id = p.id) AS has_receipt \
             FROM payments p JOIN bills n ON n.id = p.bill_id LEFT JOIN dossiers d ON d.id = p.dossier_id \
             JOIN agencies a ON a.code = p.agency_code \
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
    let year = motcua_domain::receipt::receipt_year(now);
    // The number restarts each 1 January (Vietnam time) per collecting agency.
    let seq = sequences::assign(env, &format!("receipt:{}:{year}", s.agency_code), payment_id).await?;
    let number = format!("{}-{year}-{seq:06}", s.agency_code);
    let payer_name = match (&s.applicant_json, &s.payer_name) {
        (Some(applicant), _) => serde_json::from_str::<serde_json::Value>(applicant).unwrap_or_default()["full_name"].as_str().unwrap_or("").to_string(),
        (None, name) => name.clone().unwrap_or_default(),
    };
    // Each line with where it is owed, as routed when the payment started.
    let routing: Option<Routing> = s.routing_json.as_deref().and_then(|r| serde_json::from_str(r).ok());
    let items: Vec<ReceiptItem> = match &routing {
        Some(r) => r
            .lines
            .iter()
            .map(|l| ReceiptItem { name: l.name.clone(), kind: l.kind, amount: l.amount, beneficiary: format!("{} ({})", l.payee.holder_name, l.payee.account_key()) })
            .collect(),
        None => serde_json::from_str::<Vec<FeeLineAmount>>(&s.lines_json)
            .unwrap_or_default()
            .into_iter()
            .filter(|l| !l.amount.is_zero())
            .map(|l| ReceiptItem { name: l.name, kind: l.kind, amount: l.amount, beneficiary: l.beneficiary })
            .collect(),
    };
    let lines_json = match &routing {
        Some(r) => serde_json::to_string(&r.lines).map_err(|e| ApiError::Unexpected(e.to_string()))?,
        None => s.lines_json.clone(),
    };
    let series = match (s.receipt_form_symbol.as_deref(), s.receipt_symbol.as_deref()) {
        (Some(form), Some(symbol)) => ReceiptSeries::parse(form, symbol).unwrap_or_else(|_| ReceiptSeries::default_for_year(year)),
        _ => ReceiptSeries::default_for_year(year),
    };
    // The money was taken: the receipt is recorded whatever happens, and the legal form beside
    // it when the collector's details allow one (else the record says what is missing).
    let legal = ReceiptNo::new(seq).and_then(|no| {
        LegalReceipt::issue(
            &series,
            no,
            Collector { name: s.agency_name.clone(), tax_code: s.tax_code.clone().unwrap_or_default() },
            &payer_name,
            items,
            now,
        )
    });
    let legal_json = match &legal {
        Ok(l) => serde_json::to_string(l).map_err(|e| ApiError::Unexpected(e.to_string()))?.into(),
        Err(e) => {
            worker::console_warn!("receipt {number} without its legal form: {e}");
            worker::wasm_bindgen::JsValue::NULL
        }
    };
    d1.prepare(
        "INSERT OR IGNORE INTO receipts (number, agency_code, year, seq, payment_id, dossier_id, payer_name, lines_json, \
           total, provider, provider_txn, verify_code, issued_at, legal_json, bill_id) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )
    .bind(&[
        number.into(),
        s.agency_code.into(),
        year.into(),
        (seq as f64).into(),
        payment_id.into(),
        db::nullable(s.dossier_id.as_deref()),
        payer_name.into(),
        lines_json.into(),
        (s.total as f64).into(),
        s.provider.into(),
        s.provider_txn.unwrap_or_default().into(),
        hex::encode(random::bytes::<10>()).into(),
        clock::rfc3339(now).into(),
        legal_json,
        s.bill_id.into(),
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
    /// The dossier's code, or the bill's.
    dossier_code: Option<String>,
    procedure_name: Option<String>,
    kind: String,
    document_number: Option<String>,
    payer_name: String,
    lines_json: String,
    total: i64,
    provider: String,
    provider_txn: String,
    issued_at: String,
    verify_code: String,
    seq: i64,
    tax_code: Option<String>,
    legal_json: Option<String>,
}

const SELECT: &str = "SELECT r.number, r.agency_code, a.name AS agency_name, COALESCE(d.code, b.code) AS dossier_code, \
       p.name AS procedure_name, b.kind, b.document_number, \
     r.payer_name, r.lines_json, r.total, r.provider, r.provider_txn, r.issued_at, r.verify_code, r.seq, a.tax_code, r.legal_json \
     FROM receipts r JOIN agencies a ON a.code = r.agency_code JOIN bills b ON b.id = r.bill_id \
     LEFT JOIN dossiers d ON d.id = r.dossier_id LEFT JOIN procedures p ON p.code = d.procedure_code";

fn view(r: ReceiptRow, base: &str) -> ReceiptView {
    let legal: Option<LegalReceipt> = r.legal_json.as_deref().and_then(|j| serde_json::from_str(j).ok());
    let year = r.issued_at.get(..4).and_then(|y| y.parse().ok()).unwrap_or(2026);
    let fallback = ReceiptSeries::default_for_year(year);
    ReceiptView {
        number: legal.as_ref().map(|l| l.number.clone()).unwrap_or_else(|| ReceiptNo::new(r.seq as u64).map(|n| n.to_string()).unwrap_or(r.number)),
        form_symbol: legal.as_ref().map(|l| l.form_symbol.clone()).unwrap_or(fallback.form_symbol),
        symbol: legal.as_ref().map(|l| l.symbol.clone()).unwrap_or(fallback.symbol),
        collector: legal.as_ref().map(|l| l.collector.clone()).unwrap_or(Collector { name: r.agency_name.clone(), tax_code: r.tax_code.clone().unwrap_or_default() }),
        amount: r.total,
        amount_in_words: legal.as_ref().map(|l| l.amount_in_words.clone()).unwrap_or_else(|| amount_in_words(Vnd::dong(r.total))),
        signature: legal.as_ref().map(|l| l.signature.clone()).unwrap_or(SignatureState::Pending { reason: UNSIGNED_REASON.into() }),
        legal_missing: legal.is_none().then(|| "Cơ quan thu chưa khai báo mã số thuế: biên lai chưa đủ nội dung theo Nghị định 254/2026/NĐ-CP.".to_string()),
        agency_code: r.agency_code,
        agency_name: r.agency_name,
        dossier_code: r.dossier_code,
        // A bill without a dossier is named by its kind and source document.
        procedure_name: r.procedure_name.unwrap_or_else(|| {
            let kind = motcua_domain::bill::Kind::from_str_opt(&r.kind).map(|k| k.label_vi()).unwrap_or("");
            match &r.document_number {
                Some(n) => format!("{kind} — {n}"),
                None => kind.to_string(),
            }
        }),
        payer_name: r.payer_name,
        lines: serde_json::from_str(&r.lines_json).unwrap_or(serde_json::Value::Null),
        total: r.total,
        provider: r.provider,
        provider_txn: r.provider_txn,
        issued_at: r.issued_at,
        verify_url: format!("{base}/bien-lai/{}", r.verify_code),
    }
}

pub async fn by_dossier(d1: &Db, dossier_id: &str) -> Result<Option<ReceiptView>, ApiError> {
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
    receipt.payer_name = initials(&receipt.payer_name);
    json(&receipt)
}

/// The font receipts are drawn with, served from the static assets (scripts/build.sh copies it
/// from the `dejavu-fonts-ttf` npm package): kept out of the Worker's own bundle.
const RECEIPT_FONT: &str = "/fonts/DejaVuSans.ttf";

/// DejaVu Sans from the static assets: the Unicode font of every PDF motcua writes (receipts,
/// and the verification page of a signed document).
pub async fn font(env: &worker::Env) -> Result<Vec<u8>, ApiError> {
    let base = crate::platform::config::public_base_url(env);
    let mut font = env.assets(crate::platform::config::ASSETS)?.fetch(format!("{base}{RECEIPT_FONT}"), None).await?;
    if font.status_code() != 200 {
        return Err(ApiError::Unexpected(format!("the PDF font answered {}", font.status_code())));
    }
    Ok(font.bytes().await?)
}

/// `GET /api/receipts/{verify_code}/pdf`: the receipt in its legal form as a PDF, for anyone
/// holding the code (like the record, the payer's name is reduced to initials).
pub async fn pdf(ctx: &Ctx, verify_code: &str) -> Result<Response, ApiError> {
    let row: Option<ReceiptRow> =
        db::first(ctx.d1()?.prepare(format!("{SELECT} WHERE r.verify_code = ?1")).bind(&[verify_code.into()])?).await?;
    let row = row.ok_or(ApiError::NotFound { what: "receipt", field: Some("code") })?;
    let Some(mut legal) = row.legal_json.as_deref().and_then(|j| serde_json::from_str::<LegalReceipt>(j).ok()) else {
        return Err(ApiError::Conflict {
            code: "legal_form_missing".into(),
            message: "This receipt has no legal form yet (the collecting agency has no tax code).".into(),
            message_vi: "Biên lai chưa đủ nội dung theo quy định (cơ quan thu chưa khai báo mã số thuế) nên chưa có bản PDF.".into(),
            field: Some("code".into()),
        });
    };
    legal.payer_name = initials(&legal.payer_name);
    let base = crate::platform::config::public_base_url(&ctx.env);
    let font_bytes = font(&ctx.env).await?;
    let font = motcua_domain::receipt_pdf::Font::parse(&font_bytes).map_err(|e| ApiError::Unexpected(e.to_string()))?;
    let bytes = motcua_domain::receipt_pdf::render(&legal, &format!("{base}/bien-lai/{verify_code}"), &font).map_err(|e| ApiError::Unexpected(e.to_string()))?;
    let mut resp = Response::from_bytes(bytes)?;
    resp.headers_mut().set("content-type", "application/pdf")?;
    resp.headers_mut().set("content-disposition", &format!("inline; filename=\"bien-lai-{}-{}.pdf\"", legal.symbol, legal.number))?;
    Ok(resp)
}

fn initials(name: &str) -> String {
    name.split_whitespace().map(|w| w.chars().next().map(|c| format!("{c}.")).unwrap_or_default()).collect::<Vec<_>>().join(" ")
}
