//! Bills for the people who pay them: look-up by code and payer number, paying, and "Khoản phải
//! nộp của tôi". A look-up answers only when both the code and the payer's number match; a
//! wrong code and a wrong payer get the same 404, and an address's wrong look-ups are limited
//! (bill::LOOKUP_MISSES_PER_IP per window), so nobody can walk codes or numbers.

use motcua_domain::beneficiary;
use motcua_domain::bill::{self, BillCode, PayerId};
use motcua_domain::gateway::{paygov, Provider};
use serde::Deserialize;
use serde_json::json;
use worker::Response;
use crate::platform::db::Db;

use super::repo::{self, BillRow};
use crate::auth::routes::client_ip_hash;
use crate::auth::session;
use crate::payment::routes::{open_attempt, Target};
use crate::payment::{accounts, store as payment_store};
use crate::platform::address_limit::Limit;
use crate::platform::error::ApiError;
use crate::platform::http::{json, Ctx};
use crate::platform::{clock, db};

pub const LOOKUP_MISSES: Limit = Limit { table: "bill_lookup_misses", max: bill::LOOKUP_MISSES_PER_IP, window: bill::LOOKUP_WINDOW };

fn not_found() -> ApiError {
    ApiError::NotFound { what: "bill", field: Some("code") }
}

/// Whether every line of the bill has its beneficiary account configured (else the agency
/// takes it at its desk only); the accounts are national.
pub async fn payable_online(national: &Db, b: &BillRow) -> Result<bool, ApiError> {
    let accounts = accounts::of_agency(national, &b.agency_code).await?;
    Ok(route(b, &accounts).is_ok())
}

/// Each line routed to its beneficiary; a line's own tiểu mục (from the bill) wins over the
/// treasury account's default for its kind.
pub fn route(b: &BillRow, accounts: &[beneficiary::Account]) -> Result<beneficiary::Routing, beneficiary::RoutingError> {
    let lines = b.lines();
    let mut accounts = accounts.to_vec();
    for a in accounts.iter_mut() {
        for l in &lines {
            if let Some(item) = bill::line_budget_item(l) {
                a.budget_items.insert(l.code.clone(), item.to_string());
            }
        }
    }
    beneficiary::route(&lines, &accounts)
}

/// The bill with this code whose payer is `payer_id`, counted against the address when not
/// (the misses are national: one limit per address across provinces). The bill is read in the
/// shard of the agency its code carries.
async fn matching(ctx: &Ctx, d1: &Db, code: &str, payer_id: &str) -> Result<BillRow, ApiError> {
    let code = BillCode::parse("code", code)?;
    // A code whose agency no shard holds is a wrong code like any other: counted, then 404.
    let shard = crate::platform::shards::map(&ctx.env).shard_of_agency(&code.agency().to_string()).ok();
    let code = code.to_string();
    let payer = PayerId::parse("payer_id", payer_id)?;
    let ip = client_ip_hash(ctx);
    let now = clock::now().unix_timestamp();
    let Some(slot) = LOOKUP_MISSES.reserve(d1, &ip, now).await? else {
        let retry = LOOKUP_MISSES.retry_after(d1, &ip, now).await?;
        return Err(ApiError::TooManyRequests {
            field: "code",
            code: "too_many_lookups",
            retry_after_seconds: retry,
            message_vi: format!("Tra cứu sai quá nhiều lần từ địa chỉ này. Vui lòng thử lại sau {} phút.", (retry + 59) / 60),
            message_en: format!("Too many wrong look-ups from this address; try again in {} minutes.", (retry + 59) / 60),
        });
    };
    let row = match shard {
        Some(shard) => repo::named(d1, repo::by_code(&ctx.shard(shard)?, &code).await?).await?,
        None => None,
    };
    match row.filter(|b| b.payer_id.as_deref() == Some(payer.as_str())) {
        Some(b) => {
            LOOKUP_MISSES.release(d1, slot).await?;
            Ok(b)
        }
        None => Err(not_found()),
    }
}

async fn payer_view(d1: &Db, b: &BillRow) -> Result<bill::BillView, ApiError> {
    Ok(b.payer_view(Some(payable_online(d1, b).await?)))
}

/// `GET /api/bills/lookup?code=&payer_id=`.
pub async fn lookup(ctx: &Ctx) -> Result<Response, ApiError> {
    let d1 = ctx.national()?;
    let b = matching(ctx, &d1, &ctx.query("code").unwrap_or_default(), &ctx.query("payer_id").unwrap_or_default()).await?;
    json(&payer_view(&d1, &b).await?)
}

/// The logged-in citizen's identification number, if their profile has one.
async fn citizen_number(ctx: &Ctx) -> Result<Option<(String, String)>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        citizen_id: Option<String>,
    }
    let Some(c) = session::optional_citizen(ctx).await? else { return Ok(None) };
    let row: Option<Row> = db::first(ctx.national()?.prepare("SELECT citizen_id FROM citizens WHERE id = ?1").bind(&[c.citizen_id.as_str().into()])?).await?;
    Ok(row.and_then(|r| r.citizen_id).filter(|n| !n.is_empty()).map(|n| (c.citizen_id, n)))
}

/// `GET /api/bills/mine`: the open bills whose payer is the logged-in citizen's number, asked
/// of every shard (a bill names its payer, not where the payer filed), merged in the order each
/// shard answers in: due first, then newest.
pub async fn mine(ctx: &Ctx) -> Result<Response, ApiError> {
    session::citizen(ctx).await?;
    let d1 = ctx.national()?;
    let bills = match citizen_number(ctx).await? {
        Some((_, number)) => {
            let parts = crate::platform::shards::fanout(crate::platform::shards::all(&ctx.env)?, |shard| {
                let number = number.clone();
                // Only the agencies each database is the home of: a cut-over's leftovers in `DB` would show twice.
                async move { Ok(repo::open_for_payer(&shard, &number).await?.into_iter().filter(|b| shard.holds(&b.agency_code)).collect::<Vec<_>>()) }
            })
            .await?;
            let mut bills: Vec<BillRow> = parts.into_iter().flatten().collect();
            bills.sort_by(|a, b| a.due_date.cmp(&b.due_date).then_with(|| b.created_at.cmp(&a.created_at)));
            bills.truncate(100);
            repo::with_names(&d1, bills).await?
        }
        None => Vec::new(),
    };
    // One accounts read per agency, not per bill.
    let mut accounts_of: std::collections::HashMap<&str, Vec<beneficiary::Account>> = std::collections::HashMap::new();
    let mut views = Vec::with_capacity(bills.len());
    for b in &bills {
        if !accounts_of.contains_key(b.agency_code.as_str()) {
            accounts_of.insert(&b.agency_code, accounts::of_agency(&d1, &b.agency_code).await?);
        }
        views.push(b.payer_view(Some(route(b, &accounts_of[b.agency_code.as_str()]).is_ok())));
    }
    json(&json!({"bills": views}))
}

#[derive(Deserialize, Default)]
struct PayBody {
    #[serde(default)]
    provider: String,
    /// The payer's number, as for the look-up (not needed by the payer logged in as themselves).
    #[serde(default)]
    payer_id: String,
}

/// `POST /api/bills/{code}/payments` `{"provider", "payer_id"}`: answers like a dossier's payment
/// start, through the same gateways, callbacks, ledger, settlement and receipts.
pub async fn pay(ctx: &mut Ctx, code: &str) -> Result<Response, ApiError> {
    let body: PayBody = ctx.json_body().await?;
    let provider = Provider::parse("provider", &body.provider)?;
    let d1 = ctx.national()?;
    let me = citizen_number(ctx).await?;
    let row = match &me {
        Some((_, number)) if body.payer_id.trim().is_empty() => {
            let code = BillCode::parse("code", code)?;
            let shard = crate::platform::shards::map(&ctx.env).shard_of_agency(&code.agency().to_string()).map_err(|_| not_found())?;
            let row = repo::by_code(&ctx.shard(shard)?, &code.to_string()).await?.filter(|b| b.payer_id.as_deref() == Some(number.as_str()));
            repo::named(&d1, row).await?.ok_or_else(not_found)?
        }
        _ => matching(ctx, &d1, code, &body.payer_id).await?,
    };
    let actor = match &me {
        Some((id, _)) => format!("citizen:{id}"),
        None => format!("payer:{}", bill::mask_id(row.payer_id.as_deref().unwrap_or(""))),
    };
    Ok(json(&start(ctx, &actor, provider, &row).await?)?.with_status(201))
}

/// Opens an attempt at `row` for whoever was allowed to pay it (the payer, a payment link).
pub async fn start(ctx: &mut Ctx, actor: &str, provider: Provider, row: &BillRow) -> Result<motcua_domain::api::Started, ApiError> {
    let amount = bill::payable(row.facts(), clock::now()).map_err(super::routes::refused)?;
    let agency_accounts = accounts::of_agency(&ctx.national()?, &row.agency_code).await?;
    let routing = route(row, &agency_accounts).map_err(crate::payment::routes::unroutable)?;
    let code = row.code.clone().unwrap_or_default();
    let receipt = (provider == Provider::Paygov).then(|| receipt_info(row, &routing));
    let target = Target {
        // A bill lives in the shard of the agency its code carries.
        shard: crate::platform::shards::map(&ctx.env).shard_of_agency(&row.agency_code)?,
        owner: payment_store::Owner::Bill(row),
        bill_id: &row.id,
        agency_code: &row.agency_code,
        amount,
        description: format!("Nop khoan {code}"),
        routing,
        accounts: agency_accounts,
        receipt,
    };
    open_attempt(ctx, actor, provider, target, &format!("/nop-phi?ma={code}")).await
}

/// What the national platform prints on its own receipt for a bill: its code stands where a
/// dossier's code would, the kind and document where the procedure would ([A] the platform's
/// service codes for fines and land obligations are not public; MaDichVu stays the adapter's).
fn receipt_info(row: &BillRow, routing: &beneficiary::Routing) -> paygov::ReceiptInfo {
    let into = &routing.collected_into;
    let doc = row.staff_view(None).document;
    paygov::ReceiptInfo {
        procedure_code: String::new(),
        procedure_name: format!("{} {}", row.kind().label_vi(), doc.number),
        service_code: String::new(),
        agency_code: row.agency_code.clone(),
        agency_name: row.agency_name.clone(),
        dossier_code: row.code.clone().unwrap_or_default(),
        beneficiary_account: into.account_number.clone(),
        beneficiary_bank: into.bank_bin.clone(),
        beneficiary_name: into.holder_name.clone(),
        payer_name: row.payer_name.clone().unwrap_or_default(),
        payer_id_no: row.payer_id.clone().unwrap_or_default(),
        payer_address: String::new(),
        fee_lines: routing.lines.iter().map(|l| crate::payment::routes::platform_fee_line(l.kind, &l.code, &l.name, l.amount)).collect(),
    }
}
