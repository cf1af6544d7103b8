//! Bills in D1: the row, the reads, and the views staff and payers get.

use motcua_domain::bill::{self, BillReceipt, BillView, Document, Facts, Kind, State};
use motcua_domain::fee::FeeLineAmount;
use serde::Deserialize;
use crate::platform::db::Db;

use crate::platform::db;
use crate::platform::error::ApiError;

#[derive(Debug, Clone, Deserialize)]
pub struct BillRow {
    pub id: String,
    pub kind: String,
    pub code: Option<String>,
    pub agency_code: String,
    /// From the catalog cache ([`with_names`]): a shard has no agencies table.
    #[serde(default)]
    pub agency_name: String,
    pub payer_name: Option<String>,
    pub payer_id: Option<String>,
    pub document_json: Option<String>,
    pub total: i64,
    pub lines_json: String,
    pub due_date: Option<String>,
    pub status: String,
    pub cancel_reason: Option<String>,
    /// The receipt of a paid bill: its number, verification code and when it was issued.
    pub receipt_number: Option<String>,
    pub receipt_code: Option<String>,
    pub receipt_at: Option<String>,
    pub version: i64,
    pub created_at: String,
}

const SELECT: &str = "SELECT b.id, b.kind, b.code, b.agency_code, b.payer_name, b.payer_id, \
     b.document_json, b.total, b.lines_json, b.due_date, b.status, b.cancel_reason, b.version, b.created_at, \
     r.number AS receipt_number, r.verify_code AS receipt_code, r.issued_at AS receipt_at \
     FROM bills b \
     LEFT JOIN receipts r ON r.number = (SELECT number FROM receipts WHERE bill_id = b.id ORDER BY issued_at DESC LIMIT 1)";

impl BillRow {
    pub fn kind(&self) -> Kind {
        Kind::from_str_opt(&self.kind).unwrap_or(Kind::Other)
    }

    pub fn state(&self) -> State {
        State::from_str_opt(&self.status).unwrap_or(State::Cancelled)
    }

    pub fn due(&self) -> Option<time::Date> {
        self.due_date.as_deref().and_then(|d| motcua_domain::calendar::parse_iso_date("due_date", d).ok())
    }

    /// What the domain's decisions read.
    pub fn facts(&self) -> Facts {
        Facts { kind: self.kind(), state: self.state(), due_date: self.due(), total: self.total }
    }

    pub fn lines(&self) -> Vec<FeeLineAmount> {
        serde_json::from_str(&self.lines_json).unwrap_or_default()
    }

    /// The receipt, once one was issued.
    fn receipt(&self) -> Option<BillReceipt> {
        match (&self.receipt_number, &self.receipt_code, &self.receipt_at) {
            (Some(number), Some(code), Some(at)) => Some(BillReceipt { number: number.clone(), url: format!("/bien-lai/{code}"), issued_at: at.clone() }),
            _ => None,
        }
    }

    /// The whole bill, for the agency's staff.
    pub fn staff_view(&self, payable_online: Option<bool>) -> BillView {
        let kind = self.kind();
        let state = self.state();
        BillView {
            code: self.code.clone().unwrap_or_default(),
            kind,
            kind_label: kind.label_vi().into(),
            agency: self.agency_code.clone(),
            agency_name: self.agency_name.clone(),
            payer_name: self.payer_name.clone().unwrap_or_default(),
            payer_id: self.payer_id.clone().unwrap_or_default(),
            document: self.document_json.as_deref().and_then(|d| serde_json::from_str::<Document>(d).ok()).unwrap_or_default(),
            total: self.total,
            state,
            state_label: state.label_vi().into(),
            due_date: self.due_date.clone().unwrap_or_default(),
            lines: self.lines(),
            receipt: self.receipt(),
            cancel_reason: self.cancel_reason.clone(),
            created_at: self.created_at.clone(),
            payments: Vec::new(),
            payable_online,
        }
    }

    /// The bill as its payer sees it through a look-up: the name reduced to initials, the
    /// identification number masked (whoever looks it up already typed it).
    pub fn payer_view(&self, payable_online: Option<bool>) -> BillView {
        let mut v = self.staff_view(payable_online);
        v.payer_name = motcua_domain::desk::initials(&v.payer_name);
        v.payer_id = bill::mask_id(&v.payer_id);
        v
    }
}

/// The bills with their agencies' names from the isolate's catalog cache (docs/SHARDING.md
/// §2.1 #21-#25); an agency no longer in the catalog leaves the name empty.
pub async fn with_names(national: &Db, mut rows: Vec<BillRow>) -> Result<Vec<BillRow>, ApiError> {
    let mut wanted: std::collections::HashMap<&str, String> = rows.iter().map(|r| (r.agency_code.as_str(), String::new())).collect();
    for a in crate::catalog::cache::agencies(national).await?.iter() {
        if let Some(name) = wanted.get_mut(a.code.as_str()) {
            *name = a.name.clone();
        }
    }
    let names: std::collections::HashMap<String, String> = wanted.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    for r in rows.iter_mut() {
        r.agency_name = names.get(&r.agency_code).cloned().unwrap_or_default();
    }
    Ok(rows)
}

/// [`with_names`] for one bill.
pub async fn named(national: &Db, row: Option<BillRow>) -> Result<Option<BillRow>, ApiError> {
    Ok(match row {
        Some(r) => with_names(national, vec![r]).await?.pop(),
        None => None,
    })
}

pub async fn by_id(d1: &Db, id: &str) -> Result<Option<BillRow>, ApiError> {
    db::first(d1.prepare(format!("{SELECT} WHERE b.id = ?1")).bind(&[id.into()])?).await
}

pub async fn by_code(d1: &Db, code: &str) -> Result<Option<BillRow>, ApiError> {
    db::first(d1.prepare(format!("{SELECT} WHERE b.code = ?1")).bind(&[code.into()])?).await
}

/// A payer's bills still to pay (newest first), by their identification number.
pub async fn open_for_payer(d1: &Db, payer_id: &str) -> Result<Vec<BillRow>, ApiError> {
    db::all(
        d1.prepare(format!("{SELECT} WHERE b.payer_id = ?1 AND b.status = 'open' AND b.kind != 'procedure_fee' ORDER BY b.due_date, b.created_at DESC LIMIT 100"))
            .bind(&[payer_id.into()])?,
    )
    .await
}

/// Filters of the staff list.
pub struct ListFilter<'a> {
    pub agencies: &'a [String],
    pub state: Option<State>,
    pub kind: Option<Kind>,
    /// A code, a payer's number, or part of a payer's name.
    pub q: Option<&'a str>,
}

/// Bills of the caller's agencies (never a dossier's notice: those live on the dossier),
/// newest first, at most 200.
pub async fn list(d1: &Db, f: &ListFilter<'_>) -> Result<Vec<BillRow>, ApiError> {
    let agencies = serde_json::to_string(f.agencies).map_err(|e| ApiError::Unexpected(e.to_string()))?;
    db::all(
        d1.prepare(format!(
            "{SELECT} WHERE b.kind != 'procedure_fee' AND b.agency_code IN (SELECT value FROM json_each(?1)) \
               AND (?2 IS NULL OR b.status = ?2) AND (?3 IS NULL OR b.kind = ?3) \
               AND (?4 IS NULL OR b.code = upper(?4) OR b.payer_id = ?4 OR b.payer_name LIKE '%' || ?4 || '%' OR b.document_number = ?4) \
             ORDER BY b.created_at DESC LIMIT 200"
        ))
        .bind(&[
            agencies.into(),
            db::nullable(f.state.map(State::as_str)),
            db::nullable(f.kind.map(Kind::as_str)),
            db::nullable(f.q),
        ])?,
    )
    .await
}

/// How many bills of the caller's agencies are in each state.
pub async fn counts(d1: &Db, agencies: &[String]) -> Result<serde_json::Value, ApiError> {
    #[derive(Deserialize)]
    struct Count {
        status: String,
        n: i64,
    }
    let agencies = serde_json::to_string(agencies).map_err(|e| ApiError::Unexpected(e.to_string()))?;
    let rows: Vec<Count> = db::all(
        d1.prepare(
            "SELECT status, count(*) AS n FROM bills WHERE kind != 'procedure_fee' AND agency_code IN (SELECT value FROM json_each(?1)) GROUP BY status",
        )
        .bind(&[agencies.into()])?,
    )
    .await?;
    let mut out = serde_json::Map::new();
    for s in State::ALL {
        out.insert(s.as_str().into(), rows.iter().find(|r| r.status == s.as_str()).map(|r| r.n).unwrap_or(0).into());
    }
    Ok(serde_json::Value::Object(out))
}

/// Open bills whose due date is before `today` (the cron's batch).
pub async fn past_due(d1: &Db, today: &str) -> Result<Vec<BillRow>, ApiError> {
    db::all(
        d1.prepare(format!("{SELECT} WHERE b.status = 'open' AND b.due_date IS NOT NULL AND b.due_date < ?1 ORDER BY b.due_date LIMIT 200"))
            .bind(&[today.into()])?,
    )
    .await
}
