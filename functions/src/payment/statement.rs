//! The per-agency daily statement: every settlement of a day (Vietnamese time) with count and
//! sum by provider and by beneficiary (the agency's own account for phí, the treasury for lệ
//! phí, as each fee line says), downloadable as CSV for the accountant.

use motcua_domain::calendar;
use motcua_domain::validation::FieldError;
use serde::Deserialize;
use std::collections::BTreeMap;
use worker::{Headers, Response};

use crate::auth::session;
use crate::platform::error::ApiError;
use crate::platform::http::Ctx;
use crate::platform::{clock, db};

#[derive(Deserialize)]
struct Row {
    provider: String,
    provider_txn: String,
    amount: i64,
    settled_at: String,
    dossier_code: Option<String>,
    lines_json: String,
}

pub async fn daily(ctx: &Ctx) -> Result<Response, ApiError> {
    let staff = session::staff(ctx).await?;
    let agency = ctx.query("agency").unwrap_or_default();
    if agency.is_empty() {
        return Err(FieldError::required("agency").into());
    }
    if !staff.covers(&agency) {
        return Err(ApiError::NotFound { what: "agency", field: Some("agency") });
    }
    let date = match ctx.query("date") {
        Some(d) => calendar::parse_iso_date("date", &d)?,
        None => clock::today_vn(),
    };
    // The Vietnamese day [00:00, 24:00) +07:00 as UTC bounds of the RFC 3339 timestamps.
    let start = date.midnight().assume_offset(time::UtcOffset::from_hms(7, 0, 0).expect("valid offset"));
    let (from, to) = (clock::rfc3339(start.to_offset(time::UtcOffset::UTC)), clock::rfc3339((start + time::Duration::days(1)).to_offset(time::UtcOffset::UTC)));
    let rows: Vec<Row> = db::all(
        ctx.d1()?
            .prepare(
                "SELECT s.provider, s.provider_txn, s.amount, s.settled_at, d.code AS dossier_code, n.lines_json \
                 FROM settlements s JOIN payments p ON p.id = s.payment_id JOIN dossiers d ON d.id = p.dossier_id \
                 JOIN fee_notices n ON n.id = s.notice_id \
                 WHERE p.agency_code = ?1 AND s.settled_at >= ?2 AND s.settled_at < ?3 ORDER BY s.settled_at",
            )
            .bind(&[agency.as_str().into(), from.into(), to.into()])?,
    )
    .await?;
    // The agency's own account receives the phí; lệ phí go to the State Treasury.
    #[derive(Deserialize)]
    struct Account {
        bank_bin: String,
        account_number: String,
    }
    let own_account = db::first::<Account>(
        ctx.d1()?
            .prepare("SELECT bank_bin, account_number FROM bank_accounts WHERE agency_code = ?1 LIMIT 1")
            .bind(&[agency.as_str().into()])?,
    )
    .await?
    .map(|a| format!("{}/{}", a.bank_bin, a.account_number))
    .unwrap_or_else(|| "agency".to_string());
    let beneficiary_of = |b: &str| match b {
        "agency" => own_account.clone(),
        "treasury" => "Kho bac Nha nuoc".to_string(),
        other => other.to_string(),
    };
    let mut csv = String::from("\u{feff}loai,khoa,so_giao_dich,tong_tien\n");
    let mut by_provider: BTreeMap<String, (u64, i64)> = BTreeMap::new();
    let mut by_beneficiary: BTreeMap<String, (u64, i64)> = BTreeMap::new();
    for r in &rows {
        let e = by_provider.entry(r.provider.clone()).or_default();
        e.0 += 1;
        e.1 += r.amount;
        let lines: serde_json::Value = serde_json::from_str(&r.lines_json).unwrap_or_default();
        for l in lines.as_array().into_iter().flatten() {
            let e = by_beneficiary.entry(beneficiary_of(l["beneficiary"].as_str().unwrap_or("agency"))).or_default();
            e.0 += 1;
            e.1 += l["amount"].as_i64().unwrap_or(0);
        }
    }
    for (k, (n, sum)) in &by_provider {
        csv.push_str(&format!("provider,{k},{n},{sum}\n"));
    }
    for (k, (n, sum)) in &by_beneficiary {
        csv.push_str(&format!("beneficiary,{k},{n},{sum}\n"));
    }
    csv.push_str("\nthoi_gian,ma_ho_so,hinh_thuc,ma_giao_dich,so_tien\n");
    for r in &rows {
        csv.push_str(&format!("{},{},{},{},{}\n", r.settled_at, r.dossier_code.clone().unwrap_or_default(), r.provider, r.provider_txn, r.amount));
    }
    let headers = Headers::new();
    headers.set("content-type", "text/csv; charset=utf-8")?;
    headers.set("content-disposition", &format!("attachment; filename=\"sao-ke-{agency}-{date}.csv\""))?;
    Ok(Response::ok(csv)?.with_headers(headers))
}
