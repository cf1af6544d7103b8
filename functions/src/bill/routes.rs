//! The desk's bills: `POST /api/staff/bills` (one), `POST /api/staff/bills/import` (a CSV, all
//! rows or none), `GET /api/staff/bills` (list and search), `GET /api/staff/bills/{code}`,
//! `POST /api/staff/bills/{code}/cancel` (with a reason, audited). Officers and admins of the
//! issuing agency write; everyone whose scope covers the agency reads.

use motcua_domain::auth::StaffRole;
use motcua_domain::bill::{self, BillCode, Command, Kind, NewBill, NewBillInput, State};
use motcua_domain::codes::AgencyCode;
use motcua_domain::validation::FieldError;
use serde::Deserialize;
use serde_json::json;
use worker::Response;

use super::repo::{self, BillRow};
use super::store::{self, Numbered};
use crate::auth::session::{self, StaffSession};
use crate::platform::db::Db;
use crate::platform::error::ApiError;
use crate::platform::http::{json, Ctx};
use crate::platform::{clock, config, random};
use motcua_domain::shard::ShardId;
use crate::sequences;

/// An officer or admin whose scope covers `agency` (the issuing agency).
pub fn may_issue(staff: &StaffSession, agency: &str, field: &'static str) -> Result<(), ApiError> {
    if !matches!(staff.role, StaffRole::Officer | StaffRole::Admin) {
        return Err(ApiError::Forbidden {
            code: "role",
            message: "Only the agency's officers issue bills.",
            message_vi: "Chỉ cán bộ của cơ quan ban hành mới lập khoản phải nộp.",
            field: None,
        });
    }
    if !staff.covers(agency) {
        return Err(ApiError::NotFound { what: "agency", field: Some(field) });
    }
    Ok(())
}

/// Numbers a checked bill: `<agency>-<letter><yyMMdd>-<n>`, the day's n at that agency and kind.
pub async fn number<'a>(env: &worker::Env, b: &'a NewBill) -> Result<Numbered<'a>, ApiError> {
    let today = bill::today(clock::now());
    let agency = AgencyCode::parse("agency", &b.agency)?;
    let seq = sequences::next(env, &format!("bill:{}:{}:{today}", b.agency, b.kind.as_str())).await?;
    let code = BillCode::new(b.kind, agency, today, seq as u32)?;
    // The bill lives in its agency's shard, and its id names it.
    let shard = crate::platform::shards::map(env).shard_of_agency(&b.agency)?;
    Ok(Numbered { id: random::sharded_id(shard), code: code.to_string(), bill: b, link_slug: None })
}

/// The bill's view for staff, with its receipt once paid: the bill and its payments from its
/// shard `d1`, the agency's name and accounts from the national side.
pub async fn staff_view(national: &Db, d1: &Db, b: &BillRow) -> Result<bill::BillView, ApiError> {
    let mut view = b.staff_view(Some(super::public::payable_online(national, b).await?));
    view.agency_name = agency_name(national, &b.agency_code).await?;
    view.payments = crate::dossier::repo::payments_of_bill(d1, &b.id).await?;
    Ok(view)
}

/// Tells the payer that a bill was issued, how much, by when and where to pay it (when a phone
/// was given), on the channels of the account holding that number (SMS without one). A failure
/// to queue is logged: the bill stands, and the desk can tell the payer the code.
async fn announce(ctx: &Ctx, n: &Numbered<'_>, agency_name: &str) {
    let Some(phone) = &n.bill.payer_phone else { return };
    let Ok(d1) = ctx.national() else { return };
    let to = crate::outbox::recipient(&d1, None, Some(phone.clone())).await;
    let notice = motcua_domain::notify::Notice::Fee {
        agency: agency_name.to_string(),
        purpose: format!("{} — {}", n.bill.kind.label_vi(), n.bill.document.number),
        reference: n.code.clone(),
        amount: n.bill.total,
        due: Some(n.bill.due_date),
        link: pay_page(&ctx.env, &n.code),
    };
    crate::outbox::notify(&ctx.env, &to, &notice).await;
}

/// The bill's pay page (`/nop-phi?ma=`), where anyone with the code pays it.
pub fn pay_page(env: &worker::Env, code: &str) -> String {
    format!("{}/nop-phi?ma={code}", config::public_base_url(env))
}

/// An agency's name from the isolate's catalog cache ("" for an unknown code).
pub async fn agency_name(national: &Db, code: &str) -> Result<String, ApiError> {
    Ok(crate::catalog::cache::agencies(national).await?.iter().find(|a| a.code == code).map(|a| a.name.clone()).unwrap_or_default())
}

/// `POST /api/staff/bills`.
pub async fn create(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let staff = session::staff(ctx).await?;
    let input: NewBillInput = ctx.json_body().await?;
    let new = input.validate(bill::today(clock::now()))?;
    may_issue(&staff, &new.agency, "agency")?;
    let national = ctx.national()?;
    let d1 = ctx.shard_of_agency("agency", &new.agency)?;
    let numbered = number(&ctx.env, &new).await?;
    let at = clock::rfc3339(clock::now());
    store::create_all(&d1, &staff, std::slice::from_ref(&numbered), &at, "desk").await?;
    announce(ctx, &numbered, &agency_name(&national, &new.agency).await?).await;
    let row = repo::by_code(&d1, &numbered.code).await?.ok_or_else(|| ApiError::Unexpected("bill vanished".into()))?;
    Ok(json(&staff_view(&national, &d1, &row).await?)?.with_status(201))
}

/// `POST /api/staff/bills/import?agency=`: a CSV body (bill::import's columns).
pub async fn import(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let staff = session::staff(ctx).await?;
    let bytes = ctx.req.bytes().await.map_err(|_| FieldError::new("file", "unreadable", "Không đọc được tệp.", "The file could not be read."))?;
    let text = String::from_utf8(bytes).map_err(|_| FieldError::new("file", "not_utf8", "Tệp phải là văn bản UTF-8 (CSV).", "The file must be UTF-8 text (CSV)."))?;
    let bills = bill::import::parse(&text, bill::today(clock::now())).map_err(|errors| {
        ApiError::InvalidRows(
            errors
                .into_iter()
                .map(|e| motcua_domain::dashboard::RowError {
                    line: e.line,
                    field: e.column.unwrap_or_else(|| "file".into()),
                    code: e.code,
                    message: e.message_en,
                    message_vi: e.message_vi,
                })
                .collect(),
        )
    })?;
    // Every row's agency in the caller's scope, before anything is numbered.
    let mut refused = Vec::new();
    for b in &bills {
        if may_issue(&staff, &b.bill.agency, "agency").is_err() {
            refused.push(motcua_domain::dashboard::RowError {
                line: b.line,
                field: "agency".into(),
                code: "not_in_scope".into(),
                message: "You do not issue bills for this agency.".into(),
                message_vi: "Bạn không lập khoản phải nộp cho cơ quan này.".into(),
            });
        }
    }
    if !refused.is_empty() {
        return Err(ApiError::InvalidRows(refused));
    }
    // A national admin's file may name agencies of several provinces: its rows are grouped by
    // shard, checked in each, then written one batch per shard (each all or none).
    let map = crate::platform::shards::map(&ctx.env);
    let mut groups: std::collections::BTreeMap<ShardId, Vec<&bill::import::ImportedBill>> = std::collections::BTreeMap::new();
    for b in &bills {
        groups.entry(map.shard_of_agency(&b.bill.agency)?).or_default().push(b);
    }
    let mut existing = Vec::new();
    for (shard, rows) in &groups {
        existing.extend(already_there(&ctx.shard(*shard)?, rows).await?);
    }
    if !existing.is_empty() {
        existing.sort_by_key(|e| e.line);
        return Err(ApiError::InvalidRows(existing));
    }
    let at = clock::rfc3339(clock::now());
    let mut numbered = Vec::with_capacity(bills.len());
    for (shard, rows) in &groups {
        let mut of_shard = Vec::with_capacity(rows.len());
        for b in rows {
            of_shard.push(number(&ctx.env, &b.bill).await?);
        }
        store::create_all(&ctx.shard(*shard)?, &staff, &of_shard, &at, "import").await?;
        numbered.extend(of_shard);
    }
    let national = ctx.national()?;
    for n in &numbered {
        announce(ctx, n, &agency_name(&national, &n.bill.agency).await?).await;
    }
    let codes: Vec<&str> = numbered.iter().map(|n| n.code.as_str()).collect();
    Ok(json(&json!({"imported": numbered.len(), "codes": codes}))?.with_status(201))
}

/// Rows whose bill already exists (the same document, payer and due date, not cancelled): a
/// file imported twice adds nothing and says which rows.
async fn already_there(d1: &Db, bills: &[&bill::import::ImportedBill]) -> Result<Vec<motcua_domain::dashboard::RowError>, ApiError> {
    #[derive(Deserialize)]
    struct Found {
        k: String,
        code: String,
    }
    let key = |b: &NewBill| format!("{}|{}|{}|{}|{}", b.agency, b.kind.as_str(), b.document.number, b.payer_id.as_str(), b.due_date);
    let keys: Vec<String> = bills.iter().map(|b| key(&b.bill)).collect();
    let found: Vec<Found> = crate::platform::db::all(
        d1.prepare(
            "SELECT agency_code || '|' || kind || '|' || document_number || '|' || payer_id || '|' || due_date AS k, code FROM bills \
             WHERE status != 'cancelled' AND kind != 'procedure_fee' \
               AND agency_code || '|' || kind || '|' || document_number || '|' || payer_id || '|' || due_date IN (SELECT value FROM json_each(?1))",
        )
        .bind(&[serde_json::to_string(&keys).map_err(|e| ApiError::Unexpected(e.to_string()))?.into()])?,
    )
    .await?;
    Ok(bills
        .iter()
        .filter_map(|b| {
            let k = key(&b.bill);
            found.iter().find(|f| f.k == k).map(|f| motcua_domain::dashboard::RowError {
                line: b.line,
                field: "document_number".into(),
                code: "bill_exists".into(),
                message: format!("This bill already exists as {}.", f.code),
                message_vi: format!("Khoản phải nộp này đã có, mã {}.", f.code),
            })
        })
        .collect())
}

/// A bill in the caller's scope by its code, or 404 (the same for one that exists elsewhere),
/// with its shard (the agency the code carries).
async fn in_scope(ctx: &Ctx, code: &str) -> Result<(StaffSession, BillRow, Db), ApiError> {
    let staff = session::staff(ctx).await?;
    let code = BillCode::parse("code", code)?;
    let not_found = || ApiError::NotFound { what: "bill", field: Some("code") };
    let shard = crate::platform::shards::map(&ctx.env).shard_of_agency(&code.agency().to_string()).map_err(|_| not_found())?;
    let d1 = ctx.shard(shard)?;
    let row = repo::by_code(&d1, &code.to_string()).await?.filter(|b| staff.covers(&b.agency_code));
    row.map(|r| (staff, r, d1)).ok_or_else(not_found)
}

/// `GET /api/staff/bills/{code}`.
pub async fn get(ctx: &Ctx, code: &str) -> Result<Response, ApiError> {
    let (_, row, d1) = in_scope(ctx, code).await?;
    json(&staff_view(&ctx.national()?, &d1, &row).await?)
}

#[derive(Deserialize, Default)]
struct CancelBody {
    #[serde(default)]
    reason: String,
}

/// `POST /api/staff/bills/{code}/cancel` `{"reason"}`.
pub async fn cancel(ctx: &mut Ctx, code: &str) -> Result<Response, ApiError> {
    let (staff, row, d1) = in_scope(ctx, code).await?;
    may_issue(&staff, &row.agency_code, "code")?;
    let body: CancelBody = ctx.json_body_or_default().await?;
    let reason = bill::cancel_reason(&body.reason)?;
    let now = clock::now();
    let decision = bill::decide(row.facts(), &Command::Cancel { reason }, now).map_err(refused)?;
    let at = clock::rfc3339(now);
    let mut stmts = store::change_stmts(&d1, &row, &decision, &format!("staff:{}", staff.staff_id), &at)?;
    stmts.push(crate::desk::audit::stmt_in(
        &d1,
        &staff,
        Some(&row.agency_code),
        &at,
        decision.action,
        "bill",
        row.code.as_deref().unwrap_or(&row.id),
        &decision.audit_before,
        &decision.audit_after,
    )?);
    store::run(&d1, &row, stmts).await?;
    let row = repo::by_id(&d1, &row.id).await?.ok_or(ApiError::NotFound { what: "bill", field: Some("code") })?;
    json(&staff_view(&ctx.national()?, &d1, &row).await?)
}

#[derive(Deserialize, Default)]
struct CounterBody {
    /// The receipt or transfer number when the payer paid at the treasury or a bank counter.
    #[serde(default)]
    reference: String,
}

/// `POST /api/staff/bills/{code}/counter-payment` `{"reference"?}`: the payer paid in cash at
/// the desk (or at the treasury, with its receipt number): the bill is settled exactly as an
/// online payment would settle it, counted as paid otherwise, with a receipt.
pub async fn counter_payment(ctx: &mut Ctx, code: &str) -> Result<Response, ApiError> {
    use crate::payment::store as payment_store;
    let (staff, row, d1) = in_scope(ctx, code).await?;
    may_issue(&staff, &row.agency_code, "code")?;
    let body: CounterBody = ctx.json_body_or_default().await?;
    let reference = motcua_domain::text_input::Text::<60, false>::parse_optional("reference", &body.reference)?;
    let now = clock::now();
    let amount = bill::payable(row.facts(), now).map_err(refused)?;
    let national = ctx.national()?;
    let at = clock::rfc3339(now);
    // The payment is written beside its bill; its id and reference name that shard.
    let shard = crate::platform::shards::map(&ctx.env).shard_of_agency(&row.agency_code)?;
    let payment_id = random::sharded_id(shard);
    let our_reference = motcua_domain::shard::sharded_reference(shard, random::u64());
    let routing = super::public::route(&row, &crate::payment::accounts::of_agency(&national, &row.agency_code).await?).ok();
    payment_store::create(
        &d1,
        payment_store::Owner::Bill(&row),
        payment_store::NewPayment {
            id: &payment_id,
            reference: our_reference.as_str(),
            bill_id: &row.id,
            provider: "counter",
            amount: amount.as_dong(),
            started_by: &format!("staff:{}", staff.staff_id),
            at: &at,
            expires_at: &at,
            merchant_agency: None,
            routing: routing.as_ref(),
        },
    )
    .await?;
    let txn = match &reference {
        Some(r) => r.as_str().to_string(),
        None => format!("QUAY-{}", our_reference.as_str()),
    };
    payment_store::settle(&ctx.env, &d1, &payment_id, &txn, payment_store::Settler::Counter { staff: &staff }, &at).await?;
    let row = repo::by_id(&d1, &row.id).await?.ok_or(ApiError::NotFound { what: "bill", field: Some("code") })?;
    if row.state() != State::Paid {
        return Err(store::stale(&d1, &row.id).await);
    }
    json(&staff_view(&national, &d1, &row).await?)
}

/// A domain refusal as 409 with its reason.
pub fn refused(e: bill::BillError) -> ApiError {
    ApiError::Conflict { code: e.code().into(), message: e.message_en(), message_vi: e.message_vi(), field: None }
}

/// `?agency=` when given (404 outside the caller's scope), else every agency of the scope.
pub fn requested_agencies(ctx: &Ctx, staff: &StaffSession) -> Result<Vec<String>, ApiError> {
    match ctx.query("agency").filter(|a| !a.trim().is_empty()) {
        Some(a) if staff.covers(a.trim()) => Ok(vec![a.trim().to_string()]),
        Some(_) => Err(ApiError::NotFound { what: "agency", field: Some("agency") }),
        None => Ok(staff.agencies.clone()),
    }
}

/// `GET /api/staff/bills?agency=&state=&kind=&q=`.
pub async fn list(ctx: &Ctx) -> Result<Response, ApiError> {
    let staff = session::staff(ctx).await?;
    let agencies = requested_agencies(ctx, &staff)?;
    let state = match ctx.query("state").filter(|s| !s.is_empty()) {
        Some(s) => Some(State::from_str_opt(&s).ok_or_else(|| {
            FieldError::new("state", "invalid_choice", "Trạng thái là open, paid, cancelled hoặc expired.", "The state is open, paid, cancelled or expired.")
        })?),
        None => None,
    };
    let kind = match ctx.query("kind").filter(|s| !s.is_empty()) {
        Some(k) => Some(Kind::parse_standalone("kind", &k)?),
        None => None,
    };
    let q = ctx.query("q").map(|q| q.trim().to_string()).filter(|q| !q.is_empty());
    if q.as_ref().is_some_and(|q| q.chars().count() > 100) {
        return Err(FieldError::new("q", "too_long", "Từ khóa tối đa 100 ký tự.", "The search is at most 100 characters.").into());
    }
    // Each shard of the agencies answers its newest 200 and its counts; the merge keeps the
    // newest 200 and sums the counts.
    let dbs = crate::platform::shards::of_agencies(&ctx.env, &agencies)?;
    let parts = crate::platform::shards::fanout(dbs, |d1| {
        let (q, agencies) = (q.clone(), d1.own(&agencies));
        async move {
            let filter = repo::ListFilter { agencies: &agencies, state, kind, q: q.as_deref() };
            futures_util::future::try_join(repo::list(&d1, &filter), repo::counts(&d1, &agencies)).await
        }
    })
    .await?;
    let mut rows: Vec<BillRow> = Vec::new();
    let mut counts = serde_json::Map::new();
    for (part, part_counts) in parts {
        rows.extend(part);
        for (k, v) in part_counts.as_object().into_iter().flatten() {
            let sum = counts.get(k).and_then(|c| c.as_i64()).unwrap_or(0) + v.as_i64().unwrap_or(0);
            counts.insert(k.clone(), sum.into());
        }
    }
    rows.sort_by(|a, b| b.created_at.cmp(&a.created_at));
    rows.truncate(200);
    let rows = repo::with_names(&ctx.national()?, rows).await?;
    // The list leaves out the online check (a look-up each); the bill's own page has it.
    let bills: Vec<bill::BillView> = rows.iter().map(|r| r.staff_view(None)).collect();
    json(&json!({"bills": bills, "counts": counts}))
}
