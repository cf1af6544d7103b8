//! Dashboard reads and writes in D1. Counts come from three places, added together per agency:
//! `payment_counters` for whole months, `dossiers` (index `dossiers_paid`) for the partial months
//! at a period's edges, and `imported_counts` for periods other systems counted.
//!
//! Archived months (functions/src/archive): the rows of a closed month leave D1 and their counts
//! stay in `archive_summaries` per agency, procedure and Vietnamese day; every read below that
//! counts rows adds the summaries of the same days ([`archived`]), so its answer is unchanged.
//!
//! Where each lives (docs/SHARDING.md §4): the counters and the dossiers in each province's
//! database, so the routes ask every database of the scope ([`summed`], [`concatenated`]) and
//! run their code once on the sums; imports, targets, coverage and the catalog are national.

use std::collections::BTreeMap;
use std::future::Future;
use std::ops::Add;
use std::rc::Rc;

use motcua_domain::archive::month::Metric;
use motcua_domain::dashboard::{self, ImportRow, Period};
use motcua_domain::stats::PaymentCounts;
use serde::Deserialize;
use worker::wasm_bindgen::JsValue;
use worker::D1PreparedStatement;
use crate::platform::db::Db;

use crate::platform::db;
use crate::platform::error::ApiError;
use crate::platform::shards;

/// A count's or row's agency, when it has one: a read across provinces keeps from each database
/// only the agencies it is the home of ([`Db::holds`]), so rows a cut-over left behind in `DB`
/// are not counted twice. `None`: the statement itself was given the database's own agencies.
pub trait OfAgency {
    fn agency(&self) -> Option<&str>;
}

impl OfAgency for String {
    fn agency(&self) -> Option<&str> {
        Some(self)
    }
}

impl<B> OfAgency for (String, B) {
    fn agency(&self) -> Option<&str> {
        Some(&self.0)
    }
}

impl<B, C> OfAgency for (String, B, C) {
    fn agency(&self) -> Option<&str> {
        Some(&self.0)
    }
}

impl<B, C, D> OfAgency for (String, B, C, D) {
    fn agency(&self) -> Option<&str> {
        Some(&self.0)
    }
}

impl OfAgency for motcua_domain::bill::Kind {
    fn agency(&self) -> Option<&str> {
        None
    }
}

fn held<T: OfAgency>(db: &Db, item: &T) -> bool {
    item.agency().is_none_or(|a| db.holds(a))
}

/// `read` on each of `dbs` (at most six at a time), the per-key answers summed: an agency's rows
/// may sit in two databases (an agency moved to a further part), so sum, never replace.
pub async fn summed<K: Ord + OfAgency, V: Add<Output = V>, Fut>(dbs: Vec<Db>, read: impl Fn(Rc<Db>) -> Fut) -> Result<BTreeMap<K, V>, ApiError>
where
    Fut: Future<Output = Result<BTreeMap<K, V>, ApiError>>,
{
    summed_by(dbs, read, V::add).await
}

/// [`summed`] with the sum given (for plain tuples of counts).
pub async fn summed_by<K: Ord + OfAgency, V, Fut>(dbs: Vec<Db>, read: impl Fn(Rc<Db>) -> Fut, add: impl Fn(V, V) -> V) -> Result<BTreeMap<K, V>, ApiError>
where
    Fut: Future<Output = Result<BTreeMap<K, V>, ApiError>>,
{
    let read = &read;
    let answers = shards::fanout(dbs, |db| async move {
        let answer = read(db.clone()).await?;
        Ok(answer.into_iter().filter(|(k, _)| held(&db, k)).collect::<BTreeMap<K, V>>())
    })
    .await?;
    Ok(answers.into_iter().fold(BTreeMap::new(), |a, b| motcua_domain::rollup::merge_keyed_by(a, b, &add)))
}

/// `read` on each of `dbs`, the rows of all one after the other (rows the route sums itself).
pub async fn concatenated<T: OfAgency, Fut>(dbs: Vec<Db>, read: impl Fn(Rc<Db>) -> Fut) -> Result<Vec<T>, ApiError>
where
    Fut: Future<Output = Result<Vec<T>, ApiError>>,
{
    let read = &read;
    let answers = shards::fanout(dbs, |db| async move { Ok(read(db.clone()).await?.into_iter().filter(|r| held(&db, r)).collect::<Vec<T>>()) }).await?;
    Ok(answers.into_iter().flatten().collect())
}

/// The archived counts of `metrics` over the Vietnamese days `from..=to`, per agency (and
/// procedure when `by_procedure`; else ""), one column per metric named as the metric.
async fn archived<R: serde::de::DeserializeOwned>(d1: &Db, metrics: &[Metric], from: time::Date, to: time::Date, by_procedure: bool) -> Result<Vec<R>, ApiError> {
    use motcua_domain::calendar::format_iso_date;
    let columns: Vec<String> = metrics.iter().map(|m| format!("SUM(CASE metric WHEN '{0}' THEN n END) AS {0}", m.as_str())).collect();
    let names: Vec<String> = metrics.iter().map(|m| format!("'{}'", m.as_str())).collect();
    let group = if by_procedure { "agency_code, procedure_code" } else { "agency_code" };
    let sql = format!(
        "SELECT {group}, {} FROM archive_summaries WHERE metric IN ({}) AND day >= ?1 AND day <= ?2 GROUP BY {group}",
        columns.join(", "),
        names.join(", ")
    );
    db::all(d1.prepare(sql).bind(&[format_iso_date(from).into(), format_iso_date(to).into()])?).await
}

fn n(v: u64) -> JsValue {
    JsValue::from_f64(v as f64)
}

/// The statement settle_once adds to its batch: +1 online or other in the dossier's agency ×
/// procedure × month, only if that very batch moved the dossier to `paid` at `now` (so a lost
/// race or a second settlement adds nothing).
pub fn count_settlement_stmt(d1: &Db, dossier_id: &str, now: &str, online: bool) -> Result<D1PreparedStatement, ApiError> {
    let month = dashboard::settlement_month(now).ok_or_else(|| ApiError::Unexpected(format!("bad settlement instant {now}")))?;
    let (on, off) = if online { (1u64, 0u64) } else { (0, 1) };
    Ok(d1
        .prepare(
            "INSERT INTO payment_counters (agency_code, procedure_code, month, online, other) \
             SELECT agency_code, procedure_code, ?3, ?4, ?5 FROM dossiers \
             WHERE id = ?1 AND status = 'paid' AND paid_at = ?2 AND has_fees = 1 \
             ON CONFLICT (agency_code, procedure_code, month) \
             DO UPDATE SET online = online + excluded.online, other = other + excluded.other",
        )
        .bind(&[dossier_id.into(), now.into(), month.into(), n(on), n(off)])?)
}

#[derive(Deserialize)]
struct CountRow {
    agency_code: String,
    #[serde(default)]
    procedure_code: Option<String>,
    #[serde(alias = "paid_online")]
    online: Option<f64>,
    #[serde(alias = "paid_other")]
    other: Option<f64>,
}

impl CountRow {
    fn counts(&self) -> PaymentCounts {
        PaymentCounts::new(self.online.unwrap_or(0.0) as u64, self.other.unwrap_or(0.0) as u64)
    }
}

/// Key of a count: the agency, or (agency, procedure) when `by_procedure`.
pub type Key = (String, String);

/// Counts settled in `period`, per agency (and procedure when `by_procedure`; else procedure "").
pub async fn settled_counts(d1: &Db, period: &Period, by_procedure: bool) -> Result<BTreeMap<Key, PaymentCounts>, ApiError> {
    let plan = period.plan();
    let mut out: BTreeMap<Key, PaymentCounts> = BTreeMap::new();
    let mut add = |rows: Vec<CountRow>| {
        for r in rows {
            let key = (r.agency_code.clone(), if by_procedure { r.procedure_code.clone().unwrap_or_default() } else { String::new() });
            let e = out.entry(key).or_default();
            *e = *e + r.counts();
        }
    };
    let group = if by_procedure { "agency_code, procedure_code" } else { "agency_code" };
    if let (Some(first), Some(last)) = (plan.months.first(), plan.months.last()) {
        // plan.months is contiguous: one range scan over the month index.
        let sql = format!(
            "SELECT {group}, SUM(online) AS online, SUM(other) AS other FROM payment_counters \
             WHERE month >= ?1 AND month <= ?2 GROUP BY {group}"
        );
        add(db::all(d1.prepare(sql).bind(&[first.as_str().into(), last.as_str().into()])?).await?);
    }
    for (from, to) in &plan.edges {
        let (lo, hi) = dashboard::utc_bounds(*from, *to);
        let sql = format!(
            "SELECT {group}, SUM(paid_online) AS online, COUNT(*) - SUM(paid_online) AS other FROM dossiers \
             WHERE paid_at >= ?1 AND paid_at < ?2 AND paid_at IS NOT NULL AND has_fees = 1 GROUP BY {group}"
        );
        add(db::all(d1.prepare(sql).bind(&[lo.into(), hi.into()])?).await?);
        add(archived(d1, &[Metric::PaidOnline, Metric::PaidOther], *from, *to, by_procedure).await?);
    }
    Ok(out)
}

/// Monthly counts of the months `first..=last` per (agency, month).
pub async fn monthly_counts(d1: &Db, first: &str, last: &str) -> Result<Vec<(String, String, PaymentCounts)>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        agency_code: String,
        month: String,
        online: Option<f64>,
        other: Option<f64>,
    }
    let rows: Vec<Row> = db::all(
        d1.prepare(
            "SELECT agency_code, month, SUM(online) AS online, SUM(other) AS other FROM payment_counters \
             WHERE month >= ?1 AND month <= ?2 GROUP BY agency_code, month",
        )
        .bind(&[first.into(), last.into()])?,
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.agency_code, r.month, PaymentCounts::new(r.online.unwrap_or(0.0) as u64, r.other.unwrap_or(0.0) as u64)))
        .collect())
}

#[derive(Debug, Deserialize)]
pub struct ImportedRow {
    pub agency_code: String,
    pub from_date: String,
    pub to_date: String,
    pub online: f64,
    pub other: f64,
}

/// Imported counts whose period lies within `[from, to]`.
pub async fn imported_within(d1: &Db, from: &str, to: &str) -> Result<Vec<ImportedRow>, ApiError> {
    db::all(
        d1.prepare(
            "SELECT agency_code, from_date, to_date, online, other FROM imported_counts WHERE from_date >= ?1 AND to_date <= ?2",
        )
        .bind(&[from.into(), to.into()])?,
    )
    .await
}

/// Stores imported rows, replacing earlier imports of the same agency and period, in one batch.
pub async fn save_import(d1: &Db, rows: &[ImportRow], by: &str, now: &str) -> Result<(), ApiError> {
    use motcua_domain::calendar::format_iso_date;
    let mut stmts = Vec::with_capacity(rows.len());
    for r in rows {
        stmts.push(
            d1.prepare(
                "INSERT INTO imported_counts (agency_code, period, from_date, to_date, online, other, imported_by, imported_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (agency_code, period) DO UPDATE SET \
                 online = excluded.online, other = excluded.other, imported_by = excluded.imported_by, imported_at = excluded.imported_at",
            )
            .bind(&[
                r.agency.as_str().into(),
                r.period.key.as_str().into(),
                format_iso_date(r.period.from).into(),
                format_iso_date(r.period.to).into(),
                n(r.counts.online),
                n(r.counts.other),
                by.into(),
                now.into(),
            ])?,
        );
    }
    for chunk in stmts.chunks(500) {
        d1.batch(chunk.to_vec()).await?;
    }
    Ok(())
}

#[derive(Debug, Deserialize)]
pub struct CoverageCounts {
    pub agency_code: String,
    pub with_fees: f64,
    pub with_online: Option<f64>,
}

/// Per agency: fee-bearing procedures it handles, and how many have online payment enabled.
pub async fn coverage(d1: &Db) -> Result<Vec<CoverageCounts>, ApiError> {
    db::all(d1.prepare(
        "SELECT ap.agency_code, COUNT(*) AS with_fees, SUM(ap.online_payment) AS with_online FROM agency_procedures ap \
         JOIN fee_schedules f ON f.procedure_code = ap.procedure_code AND f.has_fees = 1 GROUP BY ap.agency_code",
    ))
    .await
}

/// Each agency with a beneficiary account, and for which purposes (`phi`, `le_phi`).
pub async fn agency_accounts(d1: &Db) -> Result<Vec<(String, String)>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        agency_code: String,
        purpose: String,
    }
    let rows: Vec<Row> = db::all(d1.prepare("SELECT agency_code, purpose FROM agency_accounts")).await?;
    Ok(rows.into_iter().map(|r| (r.agency_code, r.purpose)).collect())
}

#[derive(Debug, Deserialize)]
pub struct LastDossier {
    pub agency_code: String,
    pub procedure_code: String,
    pub procedure_name: String,
    #[serde(default)]
    pub last: Option<String>,
}

/// Every procedure each agency handles (national: the catalog), `last` not yet known.
pub async fn handled_procedures(national: &Db) -> Result<Vec<LastDossier>, ApiError> {
    db::all(national.prepare(
        "SELECT ap.agency_code, ap.procedure_code, p.name AS procedure_name \
         FROM agency_procedures ap JOIN procedures p ON p.code = ap.procedure_code ORDER BY ap.agency_code, p.name",
    ))
    .await
}

/// Pairs per statement of [`last_dossiers`]: a JSON parameter of some 60 KB at most.
const PAIRS_PER_STATEMENT: usize = 1_000;

/// The instant of the latest dossier of each (agency, procedure) pair in this database, for the
/// `pairs` given (one index probe per pair through `dossiers_agency_procedure`); a pair without
/// a dossier here is left out.
pub async fn last_dossiers(d1: &Db, pairs: &[(String, String)]) -> Result<BTreeMap<Key, String>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        agency_code: String,
        procedure_code: String,
        last: String,
    }
    let mut out = BTreeMap::new();
    for chunk in pairs.chunks(PAIRS_PER_STATEMENT) {
        let list = serde_json::to_string(chunk).map_err(|e| ApiError::Unexpected(e.to_string()))?;
        let rows: Vec<Row> = db::all(
            d1.prepare(
                "SELECT agency_code, procedure_code, last FROM ( \
                   SELECT json_extract(j.value, '$[0]') AS agency_code, json_extract(j.value, '$[1]') AS procedure_code, \
                     (SELECT MAX(c) FROM ( \
                        SELECT MAX(d.created_at) AS c FROM dossiers d \
                        WHERE d.agency_code = json_extract(j.value, '$[0]') AND d.procedure_code = json_extract(j.value, '$[1]') \
                        UNION ALL SELECT MAX(a.created_at) FROM archived_dossiers a \
                        WHERE a.agency_code = json_extract(j.value, '$[0]') AND a.procedure_code = json_extract(j.value, '$[1]'))) AS last \
                   FROM json_each(?1) j) WHERE last IS NOT NULL",
            )
            .bind(&[list.into()])?,
        )
        .await?;
        out.extend(rows.into_iter().map(|r| ((r.agency_code, r.procedure_code), r.last)));
    }
    Ok(out)
}

/// Open dossiers past their deadline (`deadline < today`), per agency.
pub async fn overdue(d1: &Db, today: &str) -> Result<BTreeMap<String, u64>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        agency_code: String,
        n: f64,
    }
    let sql = format!(
        "SELECT agency_code, COUNT(*) AS n FROM dossiers WHERE deadline IS NOT NULL AND status NOT IN {} \
         AND deadline < ?1 GROUP BY agency_code",
        dashboard::NOT_OVERDUE_SQL
    );
    let rows: Vec<Row> = db::all(d1.prepare(sql).bind(&[today.into()])?).await?;
    Ok(rows.into_iter().map(|r| (r.agency_code, r.n as u64)).collect())
}

/// Per agency: dossiers with a message to the national portal in the period, and how many of
/// them the portal has acknowledged in their latest state (the latest message, whenever sent).
pub async fn national_sync_counts(d1: &Db, period: &Period) -> Result<BTreeMap<String, (u64, u64)>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        agency_code: String,
        synced: f64,
        total: f64,
    }
    let (from, _) = crate::platform::clock::day_bounds_vn(period.from);
    let (_, to) = crate::platform::clock::day_bounds_vn(period.to);
    // SQLite gives the bare columns of the row holding max(id): each dossier's latest message.
    let rows: Vec<Row> = db::all(
        d1.prepare(
            "SELECT agency_code, sum(state = 'acknowledged') AS synced, count(*) AS total FROM ( \
               SELECT agency_code, state, max(id) FROM national_sync WHERE kind = 'dossier' AND dossier_id IN \
                 (SELECT dossier_id FROM national_sync WHERE created_at >= ?1 AND created_at < ?2) \
               GROUP BY dossier_id) GROUP BY agency_code",
        )
        .bind(&[from.into(), to.into()])?,
    )
    .await?;
    // Archived dossiers count by the days they had a message (archive::month::sync_days).
    let (first, last) = (motcua_domain::calendar::format_iso_date(period.from), motcua_domain::calendar::format_iso_date(period.to));
    let archived: Vec<Row> = db::all(
        d1.prepare(
            "SELECT agency_code, sum(sync_acknowledged = 1) AS synced, count(*) AS total FROM archived_dossiers              WHERE sync_acknowledged IS NOT NULL AND EXISTS (SELECT 1 FROM json_each(sync_days) WHERE value >= ?1 AND value <= ?2)              GROUP BY agency_code",
        )
        .bind(&[first.into(), last.into()])?,
    )
    .await?;
    let mut out: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for r in rows.into_iter().chain(archived) {
        let e = out.entry(r.agency_code).or_default();
        *e = (e.0 + r.synced as u64, e.1 + r.total as u64);
    }
    Ok(out)
}

/// Bills paid in `period` by the `agencies`, per kind: a dossier's fees from the dossiers'
/// counters (the same figures as the rates), the other kinds from `bill_counters` for whole
/// months and from the settlements for the partial months at the edges.
pub async fn bill_counts(d1: &Db, period: &Period, agencies: &[String]) -> Result<BTreeMap<motcua_domain::bill::Kind, PaymentCounts>, ApiError> {
    use motcua_domain::bill::Kind;
    #[derive(Deserialize)]
    struct Row {
        kind: String,
        online: Option<f64>,
        other: Option<f64>,
    }
    let mut out: BTreeMap<Kind, PaymentCounts> = BTreeMap::new();
    let dossier_fees = settled_counts(d1, period, false)
        .await?
        .into_iter()
        .filter(|((agency, _), _)| agencies.contains(agency))
        .fold(PaymentCounts::default(), |t, (_, c)| t + c);
    out.insert(Kind::ProcedureFee, dossier_fees);
    let scope = serde_json::to_string(agencies).map_err(|e| ApiError::Unexpected(e.to_string()))?;
    let mut add = |rows: Vec<Row>| {
        for r in rows {
            if let Some(kind) = Kind::from_str_opt(&r.kind) {
                let e = out.entry(kind).or_default();
                *e = *e + PaymentCounts::new(r.online.unwrap_or(0.0) as u64, r.other.unwrap_or(0.0) as u64);
            }
        }
    };
    let plan = period.plan();
    if let (Some(first), Some(last)) = (plan.months.first(), plan.months.last()) {
        add(db::all(
            d1.prepare(
                "SELECT kind, SUM(online) AS online, SUM(other) AS other FROM bill_counters \
                 WHERE month >= ?1 AND month <= ?2 AND agency_code IN (SELECT value FROM json_each(?3)) GROUP BY kind",
            )
            .bind(&[first.as_str().into(), last.as_str().into(), scope.as_str().into()])?,
        )
        .await?);
    }
    for (from, to) in &plan.edges {
        let (lo, hi) = dashboard::utc_bounds(*from, *to);
        add(db::all(
            d1.prepare(
                "SELECT b.kind, SUM(s.online) AS online, COUNT(*) - SUM(s.online) AS other FROM settlements s JOIN bills b ON b.id = s.bill_id \
                 WHERE s.settled_at >= ?1 AND s.settled_at < ?2 AND b.kind != 'procedure_fee' \
                   AND b.agency_code IN (SELECT value FROM json_each(?3)) GROUP BY b.kind",
            )
            .bind(&[lo.into(), hi.into(), scope.as_str().into()])?,
        )
        .await?);
    }
    Ok(out)
}

/// Bills of the `agencies` still open now, per kind: how many and how much.
pub async fn open_bills(d1: &Db, agencies: &[String]) -> Result<BTreeMap<motcua_domain::bill::Kind, (u64, i64)>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        kind: String,
        n: f64,
        amount: f64,
    }
    let scope = serde_json::to_string(agencies).map_err(|e| ApiError::Unexpected(e.to_string()))?;
    let rows: Vec<Row> = db::all(
        d1.prepare(
            "SELECT kind, COUNT(*) AS n, SUM(total) AS amount FROM bills WHERE status = 'open' \
             AND agency_code IN (SELECT value FROM json_each(?1)) GROUP BY kind",
        )
        .bind(&[scope.into()])?,
    )
    .await?;
    Ok(rows.into_iter().filter_map(|r| motcua_domain::bill::Kind::from_str_opt(&r.kind).map(|k| (k, (r.n as u64, r.amount as i64)))).collect())
}

/// Submissions in `period` by channel, per agency (and procedure when `by_procedure`; else
/// procedure ""): whole months from `intake_counters`, the partial months at the edges from the
/// dossiers (index `dossiers_intake`).
pub async fn intake_counts(
    d1: &Db,
    period: &Period,
    by_procedure: bool,
) -> Result<BTreeMap<Key, motcua_domain::indicators::IntakeCounts>, ApiError> {
    use motcua_domain::indicators::IntakeCounts;
    #[derive(Deserialize)]
    struct Row {
        agency_code: String,
        #[serde(default)]
        procedure_code: Option<String>,
        #[serde(alias = "intake_online")]
        online: Option<f64>,
        #[serde(alias = "intake_counter")]
        counter: Option<f64>,
        #[serde(alias = "intake_post")]
        post: Option<f64>,
    }
    let mut out: BTreeMap<Key, IntakeCounts> = BTreeMap::new();
    let mut add = |rows: Vec<Row>| {
        for r in rows {
            let key = (r.agency_code, if by_procedure { r.procedure_code.unwrap_or_default() } else { String::new() });
            let c = IntakeCounts::new(r.online.unwrap_or(0.0) as u64, r.counter.unwrap_or(0.0) as u64, r.post.unwrap_or(0.0) as u64);
            let e = out.entry(key).or_default();
            *e = *e + c;
        }
    };
    let group = if by_procedure { "agency_code, procedure_code" } else { "agency_code" };
    let plan = period.plan();
    if let (Some(first), Some(last)) = (plan.months.first(), plan.months.last()) {
        let sql = format!(
            "SELECT {group}, SUM(online) AS online, SUM(counter) AS counter, SUM(post) AS post FROM intake_counters \
             WHERE month >= ?1 AND month <= ?2 GROUP BY {group}"
        );
        add(db::all(d1.prepare(sql).bind(&[first.as_str().into(), last.as_str().into()])?).await?);
    }
    for (from, to) in &plan.edges {
        let (lo, hi) = dashboard::utc_bounds(*from, *to);
        let sql = format!(
            "SELECT {group}, SUM(channel = 'online') AS online, SUM(channel = 'counter') AS counter, SUM(channel = 'post') AS post \
             FROM dossiers WHERE submitted_at >= ?1 AND submitted_at < ?2 AND submitted_at IS NOT NULL AND status != 'draft' GROUP BY {group}"
        );
        add(db::all(d1.prepare(sql).bind(&[lo.into(), hi.into()])?).await?);
        add(archived(d1, &[Metric::IntakeOnline, Metric::IntakeCounter, Metric::IntakePost], *from, *to, by_procedure).await?);
    }
    Ok(out)
}

/// Submissions of the months `first..=last` per (agency, month).
pub async fn intake_monthly(
    d1: &Db,
    first: &str,
    last: &str,
) -> Result<Vec<(String, String, motcua_domain::indicators::IntakeCounts)>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        agency_code: String,
        month: String,
        online: Option<f64>,
        counter: Option<f64>,
        post: Option<f64>,
    }
    let rows: Vec<Row> = db::all(
        d1.prepare(
            "SELECT agency_code, month, SUM(online) AS online, SUM(counter) AS counter, SUM(post) AS post FROM intake_counters \
             WHERE month >= ?1 AND month <= ?2 GROUP BY agency_code, month",
        )
        .bind(&[first.into(), last.into()])?,
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let c = motcua_domain::indicators::IntakeCounts::new(
                r.online.unwrap_or(0.0) as u64,
                r.counter.unwrap_or(0.0) as u64,
                r.post.unwrap_or(0.0) as u64,
            );
            (r.agency_code, r.month, c)
        })
        .collect())
}

/// Ratings given within the period (by when they were given), per agency, score and set of
/// reasons, with how many.
pub async fn ratings(d1: &Db, period: &Period) -> Result<Vec<(String, u8, Vec<String>, u64)>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        agency_code: String,
        score: Option<f64>,
        rating: String,
        reasons_json: String,
        n: f64,
    }
    let (lo, hi) = dashboard::utc_bounds(period.from, period.to);
    let rows: Vec<Row> = db::all(
        d1.prepare(
            "SELECT d.agency_code, r.score, r.rating, r.reasons_json, COUNT(*) AS n FROM dossier_ratings r \
             JOIN dossiers d ON d.id = r.dossier_id WHERE r.created_at >= ?1 AND r.created_at < ?2 \
             GROUP BY d.agency_code, r.score, r.rating, r.reasons_json",
        )
        .bind(&[lo.into(), hi.into()])?,
    )
    .await?;
    let mut out: Vec<(String, u8, Vec<String>, u64)> = rows
        .into_iter()
        .map(|r| {
            let score = r.score.map(|s| s as u8).unwrap_or_else(|| {
                serde_json::from_value(serde_json::Value::String(r.rating.clone()))
                    .map(motcua_domain::national::portal::score_of_level)
                    .unwrap_or(0)
            });
            (r.agency_code, score, serde_json::from_str(&r.reasons_json).unwrap_or_default(), r.n as u64)
        })
        .collect();
    // Archived ratings: detail `[score, [reasons]]` (archive::month::rating_detail).
    #[derive(Deserialize)]
    struct Archived {
        agency_code: String,
        detail: String,
        n: f64,
    }
    let archived: Vec<Archived> = db::all(
        d1.prepare(
            "SELECT agency_code, detail, SUM(n) AS n FROM archive_summaries WHERE metric = 'rating' AND day >= ?1 AND day <= ?2              GROUP BY agency_code, detail",
        )
        .bind(&[motcua_domain::calendar::format_iso_date(period.from).into(), motcua_domain::calendar::format_iso_date(period.to).into()])?,
    )
    .await?;
    for a in archived {
        let (score, reasons): (u8, Vec<String>) = serde_json::from_str(&a.detail).map_err(|e| ApiError::Unexpected(e.to_string()))?;
        out.push((a.agency_code, score, reasons, a.n as u64));
    }
    Ok(out)
}

/// Digitization of the period's dossiers per agency (by `submitted_at`), and the electronic
/// copies signed in it. Read from the dossiers themselves (index `dossiers_intake`), each with
/// indexed lookups of its scans, uploads, references, results and signatures: no counters yet,
/// so a year of a large province costs one pass over its dossiers.
pub async fn digitization_counts(d1: &Db, period: &Period) -> Result<BTreeMap<String, motcua_domain::document::DigitizedCounts>, ApiError> {
    use motcua_domain::document::DigitizedCounts;
    #[derive(Deserialize)]
    struct Row {
        agency_code: String,
        received: f64,
        at_reception: f64,
        with_result: f64,
        at_return: f64,
    }
    let (lo, hi) = dashboard::utc_bounds(period.from, period.to);
    let rows: Vec<Row> = db::all(
        d1.prepare(
            "SELECT d.agency_code, count(*) AS received, \
               sum(EXISTS (SELECT 1 FROM dossier_scans s WHERE s.dossier_id = d.id) OR EXISTS (SELECT 1 FROM uploads u WHERE u.dossier_id = d.id) \
                   OR EXISTS (SELECT 1 FROM dossier_documents r WHERE r.dossier_id = d.id)) AS at_reception, \
               sum(EXISTS (SELECT 1 FROM dossier_results x WHERE x.dossier_id = d.id)) AS with_result, \
               sum(EXISTS (SELECT 1 FROM signed_documents g WHERE g.dossier_id = d.id AND g.revoked_at IS NULL)) AS at_return \
             FROM dossiers d WHERE d.submitted_at >= ?1 AND d.submitted_at < ?2 GROUP BY d.agency_code",
        )
        .bind(&[lo.as_str().into(), hi.as_str().into()])?,
    )
    .await?;
    let mut out: BTreeMap<String, DigitizedCounts> = rows
        .into_iter()
        .map(|r| {
            let c = DigitizedCounts { received: r.received as u64, at_reception: r.at_reception as u64, with_result: r.with_result as u64, at_return: r.at_return as u64, copies: 0 };
            (r.agency_code, c)
        })
        .collect();
    #[derive(Deserialize)]
    struct Copies {
        agency_code: String,
        n: f64,
    }
    let copies: Vec<Copies> = db::all(
        d1.prepare(
            "SELECT agency_code, count(*) AS n FROM signed_documents WHERE kind = 'certified_copy' AND revoked_at IS NULL \
             AND signed_at >= ?1 AND signed_at < ?2 GROUP BY agency_code",
        )
        .bind(&[lo.as_str().into(), hi.as_str().into()])?,
    )
    .await?;
    for c in copies {
        out.entry(c.agency_code).or_default().copies = c.n as u64;
    }
    #[derive(Deserialize)]
    struct Archived {
        agency_code: String,
        received: Option<f64>,
        at_reception: Option<f64>,
        with_result: Option<f64>,
        at_return: Option<f64>,
        copies: Option<f64>,
    }
    let metrics = [Metric::Received, Metric::AtReception, Metric::WithResult, Metric::AtReturn, Metric::Copies];
    for a in archived::<Archived>(d1, &metrics, period.from, period.to, false).await? {
        let n = |v: Option<f64>| v.unwrap_or(0.0) as u64;
        let e = out.entry(a.agency_code).or_default();
        e.received += n(a.received);
        e.at_reception += n(a.at_reception);
        e.with_result += n(a.with_result);
        e.at_return += n(a.at_return);
        e.copies += n(a.copies);
    }
    Ok(out)
}
