//! An agency's beneficiary accounts by purpose (`motcua_domain::beneficiary`):
//! `GET|PUT /api/admin/agencies/{code}/accounts`. The older `PUT .../bank-account` writes the
//! `phi` account only.

use std::collections::BTreeMap;

use motcua_domain::admin::{parse_bank_account, BankAccountInput};
use motcua_domain::beneficiary::{self, Account, AccountsInput, Purpose};
use serde::Deserialize;
use serde_json::json;
use worker::{D1PreparedStatement, Response};
use crate::platform::db::Db;

use crate::desk::admin::{admin, agency_in_scope};
use crate::desk::audit;
use crate::platform::error::ApiError;
use crate::platform::http::{json, Ctx};
use crate::platform::{clock, db};

#[derive(Deserialize)]
struct Row {
    purpose: Purpose,
    holder_name: String,
    treasury_code: Option<String>,
    bank_bin: String,
    account_number: String,
    account_name: String,
    chapter: Option<String>,
    budget_items: String,
}

impl From<Row> for Account {
    fn from(r: Row) -> Account {
        Account {
            purpose: r.purpose,
            holder_name: r.holder_name,
            treasury_code: r.treasury_code,
            bank_bin: r.bank_bin,
            account_number: r.account_number,
            account_name: r.account_name,
            chapter: r.chapter,
            budget_items: serde_json::from_str::<BTreeMap<String, String>>(&r.budget_items).unwrap_or_default(),
        }
    }
}

/// The agency's accounts, by purpose.
pub async fn of_agency(d1: &Db, agency: &str) -> Result<Vec<Account>, ApiError> {
    let rows: Vec<Row> = db::all(
        d1.prepare(
            "SELECT purpose, holder_name, treasury_code, bank_bin, account_number, account_name, chapter, budget_items \
             FROM agency_accounts WHERE agency_code = ?1 ORDER BY purpose",
        )
        .bind(&[agency.into()])?,
    )
    .await?;
    Ok(rows.into_iter().map(Account::from).collect())
}

/// The agencies holding this account number (a treasury account may serve several).
pub async fn holders(d1: &Db, account_number: &str) -> Result<Vec<String>, ApiError> {
    #[derive(Deserialize)]
    struct Holder {
        agency_code: String,
    }
    let rows: Vec<Holder> = db::all(
        d1.prepare("SELECT DISTINCT agency_code FROM agency_accounts WHERE account_number = ?1 ORDER BY agency_code LIMIT 20")
            .bind(&[account_number.into()])?,
    )
    .await?;
    Ok(rows.into_iter().map(|h| h.agency_code).collect())
}

fn upsert(d1: &Db, agency: &str, a: &Account, at: &str) -> Result<D1PreparedStatement, ApiError> {
    Ok(d1
        .prepare(
            "INSERT INTO agency_accounts (agency_code, purpose, holder_name, treasury_code, bank_bin, account_number, account_name, chapter, \
               budget_items, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT (agency_code, purpose) DO UPDATE SET \
               holder_name = excluded.holder_name, treasury_code = excluded.treasury_code, bank_bin = excluded.bank_bin, \
               account_number = excluded.account_number, account_name = excluded.account_name, chapter = excluded.chapter, \
               budget_items = excluded.budget_items, updated_at = excluded.updated_at",
        )
        .bind(&[
            agency.into(),
            a.purpose.as_str().into(),
            a.holder_name.as_str().into(),
            db::nullable(a.treasury_code.as_deref()),
            a.bank_bin.as_str().into(),
            a.account_number.as_str().into(),
            a.account_name.as_str().into(),
            db::nullable(a.chapter.as_deref()),
            serde_json::to_string(&a.budget_items).map_err(|e| ApiError::Unexpected(e.to_string()))?.into(),
            at.into(),
        ])?)
}

async fn agency_name(d1: &Db, code: &str) -> Result<String, ApiError> {
    #[derive(Deserialize)]
    struct Name {
        name: String,
    }
    db::first::<Name>(d1.prepare("SELECT name FROM agencies WHERE code = ?1").bind(&[code.into()])?)
        .await?
        .map(|n| n.name)
        .ok_or(ApiError::NotFound { what: "agency", field: Some("code") })
}

/// `GET /api/admin/agencies/{code}/accounts`: each purpose with its account, or `null` where
/// none is set (that purpose's lines cannot be paid online).
pub async fn get(ctx: &Ctx, code: &str) -> Result<Response, ApiError> {
    let staff = admin(ctx).await?;
    agency_in_scope(&staff, code)?;
    let d1 = ctx.national()?;
    agency_name(&d1, code).await?;
    let accounts = of_agency(&d1, code).await?;
    let missing: Vec<Purpose> = Purpose::ALL.into_iter().filter(|p| !accounts.iter().any(|a| a.purpose == *p)).collect();
    json(&json!({"agency_code": code, "accounts": accounts, "missing": missing}))
}

/// `PUT /api/admin/agencies/{code}/accounts` `{"accounts": [...]}`: sets the purposes given
/// (the others stay), audited.
pub async fn put(ctx: &mut Ctx, code: &str) -> Result<Response, ApiError> {
    let staff = admin(ctx).await?;
    agency_in_scope(&staff, code)?;
    let input: AccountsInput = ctx.json_body().await?;
    let accounts = beneficiary::parse_accounts(&input)?;
    let d1 = ctx.national()?;
    agency_name(&d1, code).await?;
    let before = of_agency(&d1, code).await?;
    let at = clock::rfc3339(clock::now());
    let mut stmts = Vec::new();
    for a in &accounts {
        stmts.push(upsert(&d1, code, a, &at)?);
    }
    stmts.push(audit::stmt_in(&d1, &staff, Some(code), &at, "accounts.put", "agency", code, &json!(before), &json!(accounts))?);
    d1.batch(stmts).await?;
    get(ctx, code).await
}

/// `PUT /api/admin/agencies/{code}/bank-account`: the agency's own (phí) account.
pub async fn put_bank_account(ctx: &mut Ctx, code: &str) -> Result<Response, ApiError> {
    let staff = admin(ctx).await?;
    agency_in_scope(&staff, code)?;
    let input: BankAccountInput = ctx.json_body().await?;
    let b = parse_bank_account(&input)?;
    let d1 = ctx.national()?;
    let holder_name = agency_name(&d1, code).await?;
    let before = of_agency(&d1, code).await?;
    let existing = before.iter().find(|a| a.purpose == Purpose::Phi);
    let account = Account {
        purpose: Purpose::Phi,
        holder_name: existing.map(|a| a.holder_name.clone()).unwrap_or(holder_name),
        treasury_code: existing.and_then(|a| a.treasury_code.clone()),
        bank_bin: b.bank_bin.clone(),
        account_number: b.account_number.clone(),
        account_name: b.account_name.clone(),
        chapter: existing.and_then(|a| a.chapter.clone()),
        budget_items: existing.map(|a| a.budget_items.clone()).unwrap_or_default(),
    };
    let at = clock::rfc3339(clock::now());
    d1.batch(vec![
        upsert(&d1, code, &account, &at)?,
        audit::stmt_in(&d1, &staff, Some(code), &at, "bank_account.put", "agency", code, &json!(existing), &json!(b))?,
    ])
    .await?;
    json(&b)
}
