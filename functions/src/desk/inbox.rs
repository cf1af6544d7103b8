//! `GET /api/staff/dossiers?tab=new|supplement|awaiting_payment|processing|due_soon|overdue&q=`:
//! the dossiers of the caller's agencies (a leader's or admin's whole subtree), searchable by
//! dossier code, name, phone and citizen ID, overdue and due-soon first, then the newest, with
//! the count of every tab. Due-soon and overdue are date bounds from the domain's calendar, so
//! the database counts them.

use motcua_domain::api::{InboxItem, InboxPage, TabCount};
use motcua_domain::calendar;
use motcua_domain::desk::{self, InboxTab};
use motcua_domain::dossier::DossierStatus;
use motcua_domain::text;
use serde::Deserialize;
use worker::Response;

use std::cmp::Reverse;

use motcua_domain::auth::StaffRole;
use motcua_domain::rollup;

use crate::auth::session::{self, StaffSession};
use crate::dossier::repo::enum_str;
use crate::platform::db::Db;
use crate::platform::error::ApiError;
use crate::platform::http::{json, Ctx};
use crate::platform::{clock, db, shards};

/// `'a', 'b'` for SQL `IN (...)`: the statuses are the domain's fixed snake_case names.
fn sql_list(statuses: &[DossierStatus]) -> String {
    statuses.iter().map(|s| format!("'{}'", enum_str(s))).collect::<Vec<_>>().join(", ")
}

fn open_statuses() -> Vec<DossierStatus> {
    DossierStatus::ALL.into_iter().filter(|s| desk::deadline_runs(*s)).collect()
}

fn tab_condition(tab: InboxTab) -> String {
    match tab.statuses() {
        Some(list) => format!("d.status IN ({})", sql_list(list)),
        None => {
            let open = sql_list(&open_statuses());
            match tab {
                InboxTab::Overdue => format!("d.status IN ({open}) AND d.deadline <= ?3"),
                _ => format!("d.status IN ({open}) AND d.deadline > ?3 AND d.deadline <= ?4"),
            }
        }
    }
}

/// How many items a tab lists.
const LIMIT: usize = 200;

#[derive(Deserialize)]
struct Row {
    id: String,
    code: Option<String>,
    applicant_name: Option<String>,
    procedure_code: String,
    agency_code: String,
    channel: String,
    status: DossierStatus,
    deadline: Option<String>,
    submitted_at: Option<String>,
}

impl Row {
    /// The items statement's `ORDER BY` (SQLite puts NULL first ascending, last descending).
    fn order(&self) -> (Option<String>, Reverse<Option<String>>, String) {
        (self.deadline.clone(), Reverse(self.submitted_at.clone()), self.id.clone())
    }
}

/// The databases holding a staff member's scope, each once: every shard for the national
/// role, else the shards of their agencies (one, unless a scope spans a moved agency).
pub fn scope_databases(env: &worker::Env, staff: &StaffSession) -> Result<Vec<Db>, ApiError> {
    if staff.role == StaffRole::National {
        return shards::all(env);
    }
    shards::of_agencies(env, &staff.agencies)
}

pub async fn list(ctx: &Ctx) -> Result<Response, ApiError> {
    let staff = session::staff(ctx).await?;
    let tab = InboxTab::parse("tab", ctx.query("tab").as_deref())?;
    let q = text::fold(ctx.query("q").unwrap_or_default().trim());
    if q.chars().count() > 100 {
        return Err(motcua_domain::validation::FieldError::new("q", "too_long", "Từ khóa không quá 100 ký tự.", "The query is at most 100 characters.").into());
    }
    let now_local = calendar::vietnam_local(clock::now());
    let (overdue_until, due_soon_until) = desk::deadline_bounds(now_local.date());
    let like = if q.is_empty() { String::new() } else { format!("%{}%", q.replace(['%', '_'], "")) };
    let base = "FROM dossiers d WHERE d.agency_code IN (SELECT value FROM json_each(?1)) AND (?2 = '' OR d.search_text LIKE ?2) \
                AND ?3 IS NOT NULL AND ?4 IS NOT NULL";
    let binds = [like, calendar::format_iso_date(overdue_until), calendar::format_iso_date(due_soon_until)];
    let counts_sql = format!(
        "SELECT {} {base}",
        InboxTab::ALL.iter().map(|t| format!("coalesce(SUM(CASE WHEN {} THEN 1 ELSE 0 END), 0) AS {}", tab_condition(*t), t.as_str())).collect::<Vec<_>>().join(", ")
    );
    // The dossier's own columns; its agency's and procedure's names come from the catalog cache
    // (docs/SHARDING.md §2.1 #3). Ordered to the end (the id), so the shards' lists merge into
    // the one list a single database would give.
    let items_sql = format!(
        "SELECT d.id, d.code, json_extract(d.applicant_json, '$.full_name') AS applicant_name, d.procedure_code, \
           d.agency_code, d.channel, d.status, d.deadline, d.submitted_at \
         FROM dossiers d WHERE d.id IN (SELECT d.id {base} AND {}) ORDER BY d.deadline ASC, d.submitted_at DESC, d.id ASC LIMIT {LIMIT}",
        tab_condition(tab)
    );
    let (counts_sql, items_sql, binds, agencies) = (counts_sql.as_str(), items_sql.as_str(), &binds, &staff.agencies);
    let answers = shards::fanout(scope_databases(&ctx.env, &staff)?, |d1| async move {
        // Each database is asked for its own agencies only (a cut-over's leftovers in `DB` are not counted).
        let scope = serde_json::to_string(&d1.own(agencies)).map_err(|e| ApiError::Unexpected(e.to_string()))?;
        let binds: Vec<worker::wasm_bindgen::JsValue> = std::iter::once(&scope).chain(binds.iter()).map(|b| b.as_str().into()).collect();
        let counts: serde_json::Value = db::first(d1.prepare(counts_sql).bind(&binds)?).await?.unwrap_or_default();
        let rows: Vec<Row> = db::all(d1.prepare(items_sql).bind(&binds)?).await?;
        Ok((counts, rows))
    })
    .await?;
    // Tab counts add up; the items are the first 200 of all the shards' in the database's order.
    let counts = InboxTab::ALL
        .iter()
        .map(|t| TabCount {
            tab: t.as_str().into(),
            label: t.label_vi().into(),
            count: answers.iter().map(|(c, _)| c[t.as_str()].as_i64().unwrap_or(0)).sum(),
        })
        .collect();
    let rows = answers.into_iter().map(|(_, rows)| rows).fold(Vec::new(), |a, b| rollup::merge_top(a, b, Row::order, LIMIT));
    let national = ctx.national()?;
    let agencies = crate::catalog::cache::agencies(&national).await?;
    let procedures = crate::catalog::cache::procedures(&national, None).await?;
    let agency_name = |code: &str| agencies.iter().find(|a| a.code == code).map(|a| a.name.clone()).unwrap_or_default();
    let procedure_name = |code: &str| procedures.iter().flatten().find(|p| p.code == code).map(|p| p.name.clone()).unwrap_or_default();
    let mut items: Vec<InboxItem> = rows
        .into_iter()
        .map(|r| {
            let deadline = r.deadline.as_deref().and_then(|d| calendar::parse_iso_date("deadline", d).ok());
            let urgency = desk::urgency(r.status, deadline, now_local);
            InboxItem {
                procedure_name: procedure_name(&r.procedure_code),
                agency_name: agency_name(&r.agency_code),
                id: r.id,
                code: r.code,
                applicant_name: r.applicant_name.unwrap_or_default(),
                channel: r.channel,
                status: r.status,
                status_label: r.status.label_vi().into(),
                deadline: r.deadline,
                urgency,
                urgency_label: urgency.map(|u| u.label_vi().into()),
                submitted_at: r.submitted_at,
            }
        })
        .collect();
    // Most urgent first; within the same urgency the earliest deadline, then the newest.
    items.sort_by(|a, b| {
        desk::urgency_rank(a.urgency)
            .cmp(&desk::urgency_rank(b.urgency))
            .then_with(|| a.deadline.cmp(&b.deadline))
            .then_with(|| b.submitted_at.cmp(&a.submitted_at))
    });
    json(&InboxPage { tab: tab.as_str().into(), items, counts })
}
