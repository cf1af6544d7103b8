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

/// The collecting agency as a legal receipt prints it: its name, tax code and receipt series.
#[derive(Deserialize, Default)]
struct CollectorRow {
    name: String,
    tax_code: Option<String>,
    receipt_form_symbol: Option<String>,
    receipt_symbol: Option<String>,
}

/// The collector read from the national database now, not from the isolate's cache: a legal
/// receipt must not print a series or tax code the administrator has just changed
/// (docs/SHARDING.md §2.1 #17). `None`: no such agency.
async fn collector(national: &Db, agency: &str) -> Result<Option<CollectorRow>, ApiError> {
    db::first(
        national
            .prepare("SELECT name, tax_code, receipt_form_symbol, receipt_symbol FROM agencies WHERE code = ?1")
            .bind(&[agency.into()])?,
    )
    .await
}

/// Issues the receipt of a settled payment, once; `d1` is the payment's shard.
pub async fn issue(env: &Env, d1: &Db, payment_id: &str) -> Result<(), ApiError> {
    #[derive(Deserialize)]
    struct Source {
        agency_code: String,
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
            "SELECT p.agency_code, p.bill_id, p.dossier_id, \
               d.applicant_json, n.payer_name, n.lines_json, p.routing_json, n.total, p.provider, p.provider_txn, \
               (SELECT COUNT(*) FROM receipts r WHERE r.payment_id = p.id) AS has_receipt \
             FROM payments p JOIN bills n ON n.id = p.bill_id LEFT JOIN dossiers d ON d.id = p.dossier_id \
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
    // The join on agencies it replaces dropped a payment whose agency left the catalog.
    let Some(c) = collector(&crate::platform::shards::national(env)?, &s.agency_code).await? else {
        return Ok(());
    };
    // The shard the receipt is written in (the cron's handle on `DB` names none: the agency's).
    let shard = match d1.shard() {
        Some(shard) => shard,
        None => crate::platform::shards::map(env).shard_of_agency(&s.agency_code)?,
    };
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
    let series = match (c.receipt_form_symbol.as_deref(), c.receipt_symbol.as_deref()) {
        (Some(form), Some(symbol)) => ReceiptSeries::parse(form, symbol).unwrap_or_else(|_| ReceiptSeries::default_for_year(year)),
        _ => ReceiptSeries::default_for_year(year),
    };
    // The money was taken: the receipt is recorded whatever happens, and the legal form beside
    // it when the collector's details allow one (else the record says what is missing).
    let legal = ReceiptNo::new(seq).and_then(|no| {
        LegalReceipt::issue(
            &series,
            no,
            Collector { name: c.name.clone(), tax_code: c.tax_code.clone().unwrap_or_default() },
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
        // The check code names the receipt's shard, so `/api/receipts/{code}` opens one database.
        motcua_domain::shard::sharded_check_code(shard, &random::bytes::<10>()).into(),
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
    /// The dossier's code, or the bill's.
    dossier_code: Option<String>,
    procedure_code: Option<String>,
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
    legal_json: Option<String>,
}

/// A receipt's shard columns; the agency's and the procedure's names come from the national
/// side ([`named`]), the legal form carries the collector as issued.
const SELECT: &str = "SELECT r.number, r.agency_code, COALESCE(d.code, b.code) AS dossier_code, d.procedure_code, b.kind, b.document_number, \
     r.payer_name, r.lines_json, r.total, r.provider, r.provider_txn, r.issued_at, r.verify_code, r.seq, r.legal_json \
     FROM receipts r JOIN bills b ON b.id = r.bill_id LEFT JOIN dossiers d ON d.id = r.dossier_id";

/// The national facts a receipt's view shows beside its own row.
#[derive(Default)]
struct Names {
    agency_name: String,
    tax_code: Option<String>,
    procedure_name: Option<String>,
}

/// The agency's name and tax code (one national read by code) and the procedure's name (the
/// isolate's catalog cache) for a receipt row (docs/SHARDING.md §2.1 #18-#20).
async fn named(national: &Db, r: &ReceiptRow) -> Result<Names, ApiError> {
    let c = collector(national, &r.agency_code).await?.unwrap_or_default();
    let procedure_name = match &r.procedure_code {
        Some(code) => crate::catalog::cache::procedure(national, code).await?.as_ref().as_ref().map(|p| p.name.clone()),
        None => None,
    };
    Ok(Names { agency_name: c.name, tax_code: c.tax_code, procedure_name })
}

fn view(r: ReceiptRow, names: Names, base: &str) -> ReceiptView {
    let legal: Option<LegalReceipt> = r.legal_json.as_deref().and_then(|j| serde_json::from_str(j).ok());
    let year = r.issued_at.get(..4).and_then(|y| y.parse().ok()).unwrap_or(2026);
    let fallback = ReceiptSeries::default_for_year(year);
    ReceiptView {
        number: legal.as_ref().map(|l| l.number.clone()).unwrap_or_else(|| ReceiptNo::new(r.seq as u64).map(|n| n.to_string()).unwrap_or(r.number)),
        form_symbol: legal.as_ref().map(|l| l.form_symbol.clone()).unwrap_or(fallback.form_symbol),
        symbol: legal.as_ref().map(|l| l.symbol.clone()).unwrap_or(fallback.symbol),
        collector: legal.as_ref().map(|l| l.collector.clone()).unwrap_or(Collector { name: names.agency_name.clone(), tax_code: names.tax_code.clone().unwrap_or_default() }),
        amount: r.total,
        amount_in_words: legal.as_ref().map(|l| l.amount_in_words.clone()).unwrap_or_else(|| amount_in_words(Vnd::dong(r.total))),
        signature: legal.as_ref().map(|l| l.signature.clone()).unwrap_or(SignatureState::Pending { reason: UNSIGNED_REASON.into() }),
        legal_missing: legal.is_none().then(|| "Cơ quan thu chưa khai báo mã số thuế: biên lai chưa đủ nội dung theo Nghị định 254/2026/NĐ-CP.".to_string()),
        agency_code: r.agency_code,
        agency_name: names.agency_name,
        dossier_code: r.dossier_code,
        // A bill without a dossier is named by its kind and source document.
        procedure_name: names.procedure_name.unwrap_or_else(|| {
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

/// A dossier's latest receipt, from its shard alone: the collector as the legal form printed it,
/// the procedure unnamed (the dossier's page has it: [`name_for_dossier`]).
pub async fn by_dossier(d1: &Db, dossier_id: &str) -> Result<Option<ReceiptView>, ApiError> {
    let row: Option<ReceiptRow> =
        db::first(d1.prepare(format!("{SELECT} WHERE r.dossier_id = ?1 ORDER BY r.issued_at DESC LIMIT 1")).bind(&[dossier_id.into()])?)
            .await?;
    Ok(row.map(|r| {
        let legal = r.legal_json.as_deref().and_then(|j| serde_json::from_str::<LegalReceipt>(j).ok());
        let names = Names { agency_name: legal.map(|l| l.collector.name).unwrap_or_default(), ..Names::default() };
        view(r, names, "")
    }))
}

/// A dossier's receipt named from its dossier row (whose names came from the catalog cache).
pub fn name_for_dossier(receipt: &mut ReceiptView, agency_name: &str, procedure_name: &str) {
    receipt.agency_name = agency_name.to_string();
    receipt.procedure_name = procedure_name.to_string();
    if receipt.collector.name.is_empty() {
        receipt.collector.name = agency_name.to_string();
    }
}

/// The receipt with this check code, read in the shard the code names (a code made before
/// sharding: the legacy shard); a code of neither form is no receipt's.
async fn by_check_code(ctx: &Ctx, verify_code: &str) -> Result<ReceiptRow, ApiError> {
    let not_found = ApiError::NotFound { what: "receipt", field: Some("code") };
    let named = match motcua_domain::shard::shard_of_check_code("code", verify_code) {
        Ok(named) => named,
        Err(_) => return Err(not_found),
    };
    let d1 = crate::platform::shards::of_key(&ctx.env, named, verify_code).await?;
    let row: Option<ReceiptRow> =
        db::first(d1.prepare(format!("{SELECT} WHERE r.verify_code = ?1")).bind(&[verify_code.into()])?).await?;
    match row {
        Some(row) => Ok(row),
        // A receipt of an archived month still verifies, from its part in the archive.
        None => match crate::archive::read::receipt(ctx, &d1, verify_code).await? {
            Some((r, code, procedure)) => archived_row(r, code, procedure).ok_or(not_found),
            None => Err(not_found),
        },
    }
}

/// A receipt's row as an archive part holds it (`receipts` with `_dossier`), with what the
/// SELECT above joins from the dossier and its fee notice.
fn archived_row(mut r: serde_json::Value, dossier_code: Option<String>, procedure_code: Option<String>) -> Option<ReceiptRow> {
    let o = r.as_object_mut()?;
    o.insert("dossier_code".into(), dossier_code.into());
    o.insert("procedure_code".into(), procedure_code.into());
    o.insert("kind".into(), "procedure_fee".into());
    o.insert("document_number".into(), serde_json::Value::Null);
    serde_json::from_value(r).ok()
}

/// An archived dossier's receipt (archive::read), viewed as [`by_dossier`] views a live one.
pub async fn archived_view(_national: &Db, r: serde_json::Value, dossier_code: Option<String>, procedure_code: Option<String>) -> Result<Option<ReceiptView>, ApiError> {
    Ok(archived_row(r, dossier_code, procedure_code).map(|r| {
        let legal = r.legal_json.as_deref().and_then(|j| serde_json::from_str::<LegalReceipt>(j).ok());
        let names = Names { agency_name: legal.map(|l| l.collector.name).unwrap_or_default(), ..Names::default() };
        view(r, names, "")
    }))
}

/// `GET /api/receipts/{verify_code}`: public verification of a receipt. The payer's name is
/// reduced to initials: holding the code proves the receipt, not the person.
pub async fn verify(ctx: &Ctx, verify_code: &str) -> Result<Response, ApiError> {
    let row = by_check_code(ctx, verify_code).await?;
    let names = named(&ctx.national()?, &row).await?;
    let mut receipt = view(row, names, "");
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
    let row = by_check_code(ctx, verify_code).await?;
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
