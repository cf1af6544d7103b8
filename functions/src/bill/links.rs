//! Payment links: `GET|POST /api/staff/payment-links` for the agency, `GET /api/payment-links/{slug}`
//! and `POST /api/payment-links/{slug}/payments` for anyone. A payment through a link makes a
//! bill of kind `other` (due the same day: an abandoned one expires with the night's cron) and
//! starts it like any bill; the same payer, reference and day reuse the bill already made.

use motcua_domain::bill::{self, link, Document, Kind, NewBill};
use motcua_domain::gateway::Provider;
use serde::Deserialize;
use serde_json::json;
use worker::Response;
use crate::platform::db::Db;

use super::repo;
use super::routes::may_issue;
use super::store::{self, Numbered};
use crate::auth::session;
use crate::platform::error::ApiError;
use crate::platform::http::{json, Ctx};
use crate::platform::{clock, db};

#[derive(Deserialize)]
struct LinkRow {
    slug: String,
    agency_code: String,
    title: String,
    description: String,
    reference_label: String,
    amount: Option<i64>,
    min_amount: Option<i64>,
    max_amount: Option<i64>,
    line_name: String,
    beneficiary: String,
    budget_item: Option<String>,
    active: i64,
}

impl LinkRow {
    fn link(&self) -> link::Link {
        link::Link {
            slug: self.slug.clone(),
            agency: self.agency_code.clone(),
            title: self.title.clone(),
            description: self.description.clone(),
            reference_label: self.reference_label.clone(),
            charge: match (self.amount, self.min_amount, self.max_amount) {
                (Some(amount), _, _) => link::Charge::Fixed { amount },
                (None, min, max) => link::Charge::Range { min: min.unwrap_or(1), max: max.unwrap_or(1) },
            },
            line_name: self.line_name.clone(),
            beneficiary: bill::Beneficiary::parse("beneficiary", &self.beneficiary).unwrap_or(bill::Beneficiary::CoQuan),
            budget_item: self.budget_item.clone(),
        }
    }

    fn staff_json(&self) -> serde_json::Value {
        let mut v = serde_json::to_value(self.link()).unwrap_or_default();
        v["active"] = json!(self.active != 0);
        v["url"] = json!(format!("/nop-tien/{}", self.slug));
        v
    }
}

/// New bills per client address through payment links.
pub const LINK_BILLS: crate::platform::address_limit::Limit =
    crate::platform::address_limit::Limit { table: "link_bill_starts", max: bill::LINK_BILLS_PER_IP, window: bill::LINK_WINDOW };

const SELECT: &str = "SELECT slug, agency_code, title, description, reference_label, amount, min_amount, max_amount, line_name, \
     beneficiary, budget_item, active FROM payment_links";

async fn by_slug(d1: &Db, slug: &str) -> Result<Option<LinkRow>, ApiError> {
    db::first(d1.prepare(format!("{SELECT} WHERE slug = ?1")).bind(&[slug.into()])?).await
}

/// `GET /api/staff/payment-links?agency=`.
pub async fn list(ctx: &Ctx) -> Result<Response, ApiError> {
    let staff = session::staff(ctx).await?;
    let agencies = super::routes::requested_agencies(ctx, &staff)?;
    let rows: Vec<LinkRow> = db::all(
        ctx.national()?
            .prepare(format!("{SELECT} WHERE agency_code IN (SELECT value FROM json_each(?1)) ORDER BY created_at DESC LIMIT 200"))
            .bind(&[serde_json::to_string(&agencies).map_err(|e| ApiError::Unexpected(e.to_string()))?.into()])?,
    )
    .await?;
    json(&json!({"links": rows.iter().map(LinkRow::staff_json).collect::<Vec<_>>()}))
}

/// `POST /api/staff/payment-links`.
pub async fn create(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let staff = session::staff(ctx).await?;
    let input: link::LinkInput = ctx.json_body().await?;
    let l = input.validate()?;
    may_issue(&staff, &l.agency, "agency")?;
    let d1 = ctx.national()?;
    let at = clock::rfc3339(clock::now());
    let (amount, min, max) = match l.charge {
        link::Charge::Fixed { amount } => (Some(amount), None, None),
        link::Charge::Range { min, max } => (None, Some(min), Some(max)),
    };
    let n = |v: Option<i64>| v.map(|v| worker::wasm_bindgen::JsValue::from_f64(v as f64)).unwrap_or(worker::wasm_bindgen::JsValue::NULL);
    let result = d1
        .batch(vec![
            d1.prepare(
                "INSERT INTO payment_links (slug, agency_code, title, description, reference_label, amount, min_amount, max_amount, line_name, \
                   beneficiary, budget_item, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            )
            .bind(&[
                l.slug.as_str().into(),
                l.agency.as_str().into(),
                l.title.as_str().into(),
                l.description.as_str().into(),
                l.reference_label.as_str().into(),
                n(amount),
                n(min),
                n(max),
                l.line_name.as_str().into(),
                l.beneficiary.as_str().into(),
                db::nullable(l.budget_item.as_deref()),
                format!("staff:{}", staff.staff_id).into(),
                at.as_str().into(),
            ])?,
            crate::desk::audit::stmt_in(&d1, &staff, Some(&l.agency), &at, "payment_link.create", "payment_link", &l.slug, &json!({}), &json!({"title": l.title, "charge": l.charge}))?,
        ])
        .await;
    match result {
        Ok(_) => {}
        Err(e) if db::is_unique_violation(&e) => {
            return Err(ApiError::Conflict {
                code: "slug_taken".into(),
                message: "This address is already used by another payment link.".into(),
                message_vi: "Đường dẫn này đã được dùng cho một khoản thu khác; vui lòng chọn đường dẫn khác.".into(),
                field: Some("slug".into()),
            })
        }
        Err(e) => return Err(e.into()),
    }
    let row = by_slug(&d1, &l.slug).await?.ok_or_else(|| ApiError::Unexpected("link vanished".into()))?;
    Ok(json(&row.staff_json())?.with_status(201))
}

async fn active(d1: &Db, slug: &str) -> Result<LinkRow, ApiError> {
    by_slug(d1, slug).await?.filter(|l| l.active != 0).ok_or(ApiError::NotFound { what: "payment_link", field: Some("slug") })
}

/// `GET /api/payment-links/{slug}`: what the public page shows, with the agency's name.
pub async fn show(ctx: &Ctx, slug: &str) -> Result<Response, ApiError> {
    let d1 = ctx.national()?;
    let row = active(&d1, slug).await?;
    let mut v = serde_json::to_value(row.link()).unwrap_or_default();
    v["agency_name"] = json!(super::routes::agency_name(&d1, &row.agency_code).await?);
    json(&v)
}

/// `POST /api/payment-links/{slug}/payments`. The link and the per-address limit are national;
/// the bill it makes lives in the shard of the link's agency.
pub async fn pay(ctx: &mut Ctx, slug: &str) -> Result<Response, ApiError> {
    let input: link::LinkPaymentInput = ctx.json_body().await?;
    let provider = Provider::parse("provider", &input.provider)?;
    let national = ctx.national()?;
    let l = active(&national, slug).await?;
    let d1 = ctx.shard_of_agency("agency", &l.agency_code)?;
    let taken = l.link().take(&input)?;
    let now = clock::now();
    let today = bill::today(now);
    let new = NewBill {
        kind: Kind::Other,
        agency: l.agency_code.clone(),
        payer_name: taken.payer_name.clone(),
        payer_id: taken.payer_id.clone(),
        payer_phone: None,
        document: Document { number: taken.reference.clone(), date: today.to_string(), violation: None, issued_by: None },
        total: taken.line.amount,
        lines: vec![taken.line.clone()],
        due_date: today,
    };
    let row = match reusable(&d1, &new, slug).await? {
        // One open bill per payer, reference and day: another amount waits for that one.
        Some(row) if row.total != new.total.as_dong() => {
            return Err(ApiError::Conflict {
                code: "bill_open_other_amount".into(),
                message: format!("Bill {} for this reference is open today with another amount; pay or let it lapse first.", row.code.clone().unwrap_or_default()),
                message_vi: format!(
                    "Hôm nay đã có khoản {} cho mã tham chiếu này với số tiền khác ({} đồng); vui lòng nộp khoản đó hoặc thử lại vào ngày mai.",
                    row.code.clone().unwrap_or_default(),
                    motcua_domain::money::Vnd::dong(row.total).grouped()
                ),
                field: Some("amount".into()),
            })
        }
        Some(row) => row,
        None => {
            let ip = crate::auth::routes::client_ip_hash(ctx);
            let now_s = now.unix_timestamp();
            if LINK_BILLS.reserve(&national, &ip, now_s).await?.is_none() {
                let retry = LINK_BILLS.retry_after(&national, &ip, now_s).await?;
                return Err(ApiError::TooManyRequests {
                    field: "reference",
                    code: "too_many_link_bills",
                    retry_after_seconds: retry,
                    message_vi: format!("Đã tạo quá nhiều khoản nộp từ địa chỉ này. Vui lòng thử lại sau {} phút.", (retry + 59) / 60),
                    message_en: format!("Too many bills made from this address; try again in {} minutes.", (retry + 59) / 60),
                });
            }
            let mut numbered: Numbered<'_> = super::routes::number(&ctx.env, &new).await?;
            numbered.link_slug = Some(slug);
            let at = clock::rfc3339(now);
            match d1.batch(vec![store::insert_stmt(&d1, &numbered, &format!("link:{slug}"), &at)?]).await {
                Ok(_) => {}
                // The same payer and reference a moment ago (a double tap): use that bill.
                Err(e) if db::is_unique_violation(&e) => {}
                Err(e) => return Err(e.into()),
            }
            reusable(&d1, &new, slug).await?.ok_or_else(|| ApiError::Unexpected("link bill vanished".into()))?
        }
    };
    let actor = format!("link:{slug}");
    let row = repo::named(&national, Some(row)).await?.ok_or_else(|| ApiError::Unexpected("link bill vanished".into()))?;
    let started = super::public::start(ctx, &actor, provider, &row).await?;
    // The attempt opened, so every line had its account: the bill is payable online.
    Ok(json(&json!({"bill": row.payer_view(Some(true)), "payment": started.payment, "next": started.next}))?.with_status(201))
}

/// The open bill this link already made today for the same payer and reference.
async fn reusable(d1: &Db, new: &NewBill, slug: &str) -> Result<Option<repo::BillRow>, ApiError> {
    #[derive(Deserialize)]
    struct Id {
        id: String,
    }
    let id: Option<Id> = db::first(
        d1.prepare(
            "SELECT id FROM bills WHERE link_slug = ?1 AND agency_code = ?2 AND kind = 'other' AND document_number = ?3 \
               AND payer_id = ?4 AND due_date = ?5 AND status = 'open'",
        )
        .bind(&[
            slug.into(),
            new.agency.as_str().into(),
            new.document.number.as_str().into(),
            new.payer_id.as_str().into(),
            new.due_date.to_string().into(),
        ])?,
    )
    .await?;
    match id {
        Some(i) => repo::by_id(d1, &i.id).await,
        None => Ok(None),
    }
}
