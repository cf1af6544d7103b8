//! The per-agency daily statement: every settlement of a day (Vietnamese time) with count and
//! sum by provider and by beneficiary (the account each line was routed to when its payment
//! started, with chương and tiểu mục for the treasury), and what the collection account must
//! transfer on to the treasury; CSV for the accountant or JSON (`format=json`).

use motcua_domain::beneficiary::{self, Payee, Purpose, Routing};
use motcua_domain::calendar;
use motcua_domain::validation::FieldError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use worker::{Headers, Response};

use super::accounts;
use crate::auth::session;
use crate::platform::error::ApiError;
use crate::platform::http::{json, Ctx};
use crate::platform::{clock, db};

#[derive(Deserialize)]
struct Row {
    provider: String,
    provider_txn: String,
    amount: i64,
    settled_at: String,
    dossier_code: Option<String>,
    kind: String,
    lines_json: String,
    routing_json: Option<String>,
}

/// One beneficiary's total of the day.
#[derive(Serialize, Default)]
struct ByPayee {
    purpose: Option<Purpose>,
    holder_name: String,
    account: String,
    treasury_code: Option<String>,
    chapter: Option<String>,
    budget_item: Option<String>,
    lines: u64,
    amount: i64,
}

/// Where a provider's money lands: a transfer that names its account lands there; a card or
/// wallet payment settles to the merchant's contracted account, the agency's collection
/// account; cash stays at the counter. Whatever does not land with its beneficiary is remitted.
fn landed_in(provider: &str, routing: &Routing, collection_account: &str) -> String {
    match provider {
        "vietqr" | "paygov" => routing.collected_into.account_key(),
        "counter" => "counter".into(),
        _ => collection_account.to_string(),
    }
}

fn add(map: &mut BTreeMap<String, ByPayee>, key: String, fill: impl FnOnce() -> ByPayee, amount: i64) {
    let e = map.entry(key).or_insert_with(fill);
    e.lines += 1;
    e.amount += amount;
}

/// One line's amount for its account and budget item.
fn add_payee(map: &mut BTreeMap<String, ByPayee>, p: &Payee, amount: i64) {
    let fill = || ByPayee {
        purpose: Some(p.purpose),
        holder_name: p.holder_name.clone(),
        account: p.account_key(),
        treasury_code: p.treasury_code.clone(),
        chapter: p.chapter.clone(),
        budget_item: p.budget_item.clone(),
        ..Default::default()
    };
    add(map, format!("{}|{}", p.account_key(), p.budget_item.clone().unwrap_or_default()), fill, amount);
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
    let as_json = match ctx.query("format").as_deref() {
        None | Some("csv") => false,
        Some("json") => true,
        Some(_) => return Err(FieldError::new("format", "invalid_choice", "Định dạng là csv hoặc json.", "The format is csv or json.").into()),
    };
    let (from, to) = clock::day_bounds_vn(date);
    let d1 = ctx.shard_of_agency("agency", &agency)?;
    let rows: Vec<Row> = db::all(
        d1.prepare(
            "SELECT s.provider, s.provider_txn, s.amount, s.settled_at, COALESCE(d.code, n.code) AS dossier_code, n.kind, n.lines_json, p.routing_json \
             FROM settlements s JOIN payments p ON p.id = s.payment_id LEFT JOIN dossiers d ON d.id = p.dossier_id \
             JOIN bills n ON n.id = s.bill_id \
             WHERE p.agency_code = ?1 AND s.settled_at >= ?2 AND s.settled_at < ?3 ORDER BY s.settled_at",
        )
        .bind(&[agency.as_str().into(), from.into(), to.into()])?,
    )
    .await?;
    let collection_account = accounts::of_agency(&ctx.national()?, &agency)
        .await?
        .into_iter()
        .find(|a| a.purpose == Purpose::Phi)
        .map(|a| format!("{}/{}", a.bank_bin, a.account_number))
        .unwrap_or_else(|| "merchant".into());
    let mut by_provider: BTreeMap<String, (u64, i64)> = BTreeMap::new();
    // Per kind of bill (dossier fees, land obligations, fines, insurance, other).
    let mut by_kind: BTreeMap<String, (u64, i64)> = BTreeMap::new();
    let mut by_payee: BTreeMap<String, ByPayee> = BTreeMap::new();
    let mut to_remit: BTreeMap<String, ByPayee> = BTreeMap::new();
    for r in &rows {
        let e = by_provider.entry(r.provider.clone()).or_default();
        e.0 += 1;
        e.1 += r.amount;
        let k = by_kind.entry(r.kind.clone()).or_default();
        k.0 += 1;
        k.1 += r.amount;
        match r.routing_json.as_deref().and_then(|j| serde_json::from_str::<Routing>(j).ok()) {
            Some(routing) => {
                for l in &routing.lines {
                    add_payee(&mut by_payee, &l.payee, l.amount.as_dong());
                }
                let landed = landed_in(&r.provider, &routing, &collection_account);
                for part in beneficiary::to_remit(&routing, &landed) {
                    add_payee(&mut to_remit, &part.payee, part.amount.as_dong());
                }
            }
            // Settled before lines were routed: by the notice's own beneficiary word.
            None => {
                let lines: serde_json::Value = serde_json::from_str(&r.lines_json).unwrap_or_default();
                for l in lines.as_array().into_iter().flatten() {
                    let who = l["beneficiary"].as_str().unwrap_or("agency").to_string();
                    add(&mut by_payee, who.clone(), || ByPayee { holder_name: who.clone(), account: who.clone(), ..Default::default() }, l["amount"].as_i64().unwrap_or(0));
                }
            }
        }
    }
    if as_json {
        return json(&serde_json::json!({
            "agency_code": agency,
            "date": date.to_string(),
            "settlements": rows.len(),
            "by_provider": by_provider.iter().map(|(k, (n, sum))| serde_json::json!({"provider": k, "count": n, "amount": sum})).collect::<Vec<_>>(),
            "by_kind": by_kind.iter().map(|(k, (n, sum))| serde_json::json!({"kind": k, "count": n, "amount": sum})).collect::<Vec<_>>(),
            "by_beneficiary": by_payee.into_values().collect::<Vec<_>>(),
            "to_remit": to_remit.into_values().collect::<Vec<_>>(),
        }));
    }
    let mut csv = String::from("\u{feff}loai,khoa,so_giao_dich,tong_tien\n");
    for (k, (n, sum)) in &by_provider {
        csv.push_str(&format!("provider,{k},{n},{sum}\n"));
    }
    for (k, (n, sum)) in &by_kind {
        csv.push_str(&format!("kind,{k},{n},{sum}\n"));
    }
    for p in by_payee.values() {
        csv.push_str(&format!("beneficiary,{} {}{},{},{}\n", csv_field(&p.holder_name), p.account, p.budget_item.as_deref().map(|b| format!(" TM{b}")).unwrap_or_default(), p.lines, p.amount));
    }
    // What the collection account (or the cash box) owes the treasury for the day: one
    // transfer per treasury account and budget item (NĐ 120/2016 Đ3).
    for p in to_remit.values() {
        csv.push_str(&format!(
            "chuyen_nop,{} {} KBNN{} C{} TM{},{},{}\n",
            csv_field(&p.holder_name),
            p.account,
            p.treasury_code.as_deref().unwrap_or("-"),
            p.chapter.as_deref().unwrap_or("-"),
            p.budget_item.as_deref().unwrap_or("-"),
            p.lines,
            p.amount
        ));
    }
    csv.push_str("\nthoi_gian,ma_ho_so,loai,hinh_thuc,ma_giao_dich,so_tien\n");
    for r in &rows {
        csv.push_str(&format!("{},{},{},{},{},{}\n", r.settled_at, r.dossier_code.clone().unwrap_or_default(), r.kind, r.provider, r.provider_txn, r.amount));
    }
    let headers = Headers::new();
    headers.set("content-type", "text/csv; charset=utf-8")?;
    headers.set("content-disposition", &format!("attachment; filename=\"sao-ke-{agency}-{date}.csv\""))?;
    Ok(Response::ok(csv)?.with_headers(headers))
}

/// A name inside one CSV cell (commas and quotes would break the columns).
fn csv_field(s: &str) -> String {
    s.replace([',', '"', '\n'], " ")
}
