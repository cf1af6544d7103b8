//! A closed month leaves a province's database (#20 part 3, docs/SCALE.md §5): which dossiers
//! go, which rows of the other tables go with them, in which order they are deleted, and what
//! the dashboard keeps of them. The unit is a Vietnamese calendar month; a year is its twelve
//! months. A dossier goes with the month it *finished* in (its final state), once that month
//! ended at least [`CLOSED_AFTER_MONTHS`] full months ago and nothing about it is still open
//! (a payment waiting for its provider or an officer, a refund not yet paid).
//!
//! The reports must read the same after a month leaves: every count the dashboard takes from
//! the rows themselves (docs: functions/src/dashboard/repo.rs, the edge days of settlements and
//! intake, ratings, digitization) is kept per agency, procedure and Vietnamese *day*, because
//! a dashboard period has day edges; [`summarize`] computes them from the very rows being
//! removed, and the test below checks "live rows before = live rows after + summaries" for any
//! period, with the bounds compared as D1 compares them ([`crate::dashboard::utc_bounds`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::calendar::format_iso_date;
use crate::dashboard::{month_key, utc_bounds, vn_day};
use crate::dossier::DossierStatus;
use crate::validation::FieldError;

/// Full months that must have passed since a month's end before it may be archived: appeals,
/// late refunds and the portal's acknowledgements come within weeks (docs/SCALE.md §5).
pub const CLOSED_AFTER_MONTHS: i32 = 3;

/// Dossiers per archive step: with their child rows some 10–20 statements per dossier fit
/// D1's 1 000 queries and 30 s per invocation only in chunks.
pub const STEP_DOSSIERS: usize = 500;

/// `YYYY-MM` as a count of months (year × 12 + month − 1), `None` unless well formed.
pub fn month_index(month: &str) -> Option<i32> {
    let b = month.as_bytes();
    if b.len() != 7 || b[4] != b'-' || !b[..4].iter().chain(&b[5..]).all(u8::is_ascii_digit) {
        return None;
    }
    let (y, m): (i32, i32) = (month[..4].parse().ok()?, month[5..].parse().ok()?);
    (1..=12).contains(&m).then_some(y * 12 + m - 1)
}

/// Whether `month` may be archived on `today` (Vietnamese calendar): at least
/// [`CLOSED_AFTER_MONTHS`] full months lie between its end and today. A refusal names `month`.
pub fn closable(month: &str, today: Date) -> Result<(), FieldError> {
    let Some(m) = month_index(month) else {
        return Err(FieldError::new("month", "invalid_format", "Tháng có dạng YYYY-MM, ví dụ 2025-03.", "A month looks like YYYY-MM, e.g. 2025-03."));
    };
    let now = month_index(&month_key(today)).expect("a date's month is well formed");
    if m + CLOSED_AFTER_MONTHS >= now {
        let first = now - CLOSED_AFTER_MONTHS - 1;
        let last = format!("{:04}-{:02}", first.div_euclid(12), first.rem_euclid(12) + 1);
        return Err(FieldError::new(
            "month",
            "month_not_closed",
            format!("Tháng {month} chưa đủ {CLOSED_AFTER_MONTHS} tháng kể từ khi kết thúc; hôm nay chỉ lưu trữ được đến tháng {last}."),
            format!("Month {month} ended less than {CLOSED_AFTER_MONTHS} full months ago; today the latest month that can be archived is {last}."),
        ));
    }
    Ok(())
}

/// The UTC bounds `[lo, hi)` of a Vietnamese month as D1 compares stored instants.
pub fn month_bounds(month: &str) -> Option<(String, String)> {
    let i = month_index(month)?;
    let first = Date::from_calendar_date(i.div_euclid(12), time::Month::try_from((i.rem_euclid(12) + 1) as u8).ok()?, 1).ok()?;
    let next = i + 1;
    let next_first = Date::from_calendar_date(next.div_euclid(12), time::Month::try_from((next.rem_euclid(12) + 1) as u8).ok()?, 1).ok()?;
    Some(utc_bounds(first, next_first.previous_day()?))
}

/// Payment states still waiting for something (`payments.state`): the provider's answer, or an
/// officer's refund of a wrong amount. A dossier with one stays in D1.
pub const OPEN_PAYMENT_STATES: &[&str] = &["created", "redirected", "amount_mismatch"];

/// Refund statuses not yet final (`refunds.status`).
pub const OPEN_REFUND_STATUSES: &[&str] = &["requested", "approved"];

/// A dossier finished (or not) in the month being archived, as the step reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub status: DossierStatus,
    /// RFC 3339 UTC instant of its final state (its last event), `None` if it has no event.
    pub finished_at: Option<String>,
    /// Its payments in an [`OPEN_PAYMENT_STATES`] state.
    pub open_payments: u32,
    /// Refunds of its payments in an [`OPEN_REFUND_STATUSES`] status.
    pub open_refunds: u32,
}

/// Why a dossier stays in D1 this time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kept {
    NotFinal,
    OtherMonth,
    OpenPayment,
    OpenRefund,
}

/// Whether the dossier leaves D1 with `month`: final, finished in that Vietnamese month, no
/// payment or refund open.
pub fn archivable(c: &Candidate, month: &str) -> Result<(), Kept> {
    if !c.status.is_final() {
        return Err(Kept::NotFinal);
    }
    if c.finished_at.as_deref().and_then(vn_day).map(month_key).as_deref() != Some(month) {
        return Err(Kept::OtherMonth);
    }
    if c.open_payments > 0 {
        return Err(Kept::OpenPayment);
    }
    if c.open_refunds > 0 {
        return Err(Kept::OpenRefund);
    }
    Ok(())
}

/// An archive run's progress (`archive_runs`), as `/api/admin/archive/{shard}/{month}` answers.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub shard: String,
    /// `YYYY-MM`, Vietnamese calendar.
    pub month: String,
    /// `running` (call the step again) or `done`.
    pub state: String,
    /// The last dossier id the steps have passed.
    pub cursor: String,
    pub steps: i64,
    /// Dossiers archived so far.
    pub dossiers: i64,
    /// Rows of every table removed from the database so far.
    pub rows: i64,
    /// Dossiers finished in the month but kept: a payment or refund still open.
    pub skipped: i64,
    /// The month's manifest in the archive bucket, once done.
    pub manifest_key: Option<String>,
    pub error: Option<String>,
    pub requested_by: String,
    pub started_at: String,
    pub finished_at: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// The rows that go with a dossier

/// How a table's rows belong to an archived dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// A column holding the dossier's id (`dossiers` itself: `id`).
    Dossier(&'static str),
    /// `bill_id`: a bill of the dossier (its fee notice).
    Bill,
    /// `payment_id`: a payment of one of the dossier's bills.
    Payment,
}

/// A table archived with its dossiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rows {
    pub table: &'static str,
    pub link: Link,
}

const fn rows(table: &'static str, link: Link) -> Rows {
    Rows { table, link }
}

/// Every table whose rows leave with a dossier, in delete order: a row before the row it
/// references (D1 enforces foreign keys on every statement). Kept in D1: `audit_log` (the
/// record of who did what outlives the data), `legacy_routes` (an old id must still find its
/// database), the counters (already summaries), uploads' and results' bytes in R2.
pub const ROWS: &[Rows] = &[
    rows("payment_events", Link::Payment),
    rows("callback_copies", Link::Payment),
    rows("refunds", Link::Payment),
    rows("receipts", Link::Bill),
    rows("settlements", Link::Bill),
    rows("payments", Link::Bill),
    rows("national_sync", Link::Dossier("dossier_id")),
    rows("dossier_events", Link::Dossier("dossier_id")),
    rows("dossier_ratings", Link::Dossier("dossier_id")),
    rows("dossier_documents", Link::Dossier("dossier_id")),
    rows("signed_documents", Link::Dossier("dossier_id")),
    rows("dossier_results", Link::Dossier("dossier_id")),
    rows("dossier_scans", Link::Dossier("dossier_id")),
    rows("uploads", Link::Dossier("dossier_id")),
    rows("bills", Link::Dossier("dossier_id")),
    rows("dossiers", Link::Dossier("id")),
];

/// The name of the column every archived row carries in its part: the dossier it left with
/// (a citizen's detail picks its rows by it; a restore drops it).
pub const DOSSIER_FIELD: &str = "_dossier";

impl Rows {
    /// `FROM … WHERE …` of this table's rows of the dossiers in the JSON array `?1`, with
    /// the dossier's id as `owner`.
    fn from_where(&self) -> (String, &'static str) {
        let ids = "(SELECT value FROM json_each(?1))";
        let t = self.table;
        match self.link {
            Link::Dossier(col) => (format!("{t} c WHERE c.{col} IN {ids}"), if col == "id" { "c.id" } else { "c.dossier_id" }),
            Link::Bill => (format!("{t} c JOIN bills b ON b.id = c.bill_id WHERE b.dossier_id IN {ids}"), "b.dossier_id"),
            Link::Payment => (
                format!("{t} c JOIN payments p ON p.id = c.payment_id JOIN bills b ON b.id = p.bill_id WHERE b.dossier_id IN {ids}"),
                "b.dossier_id",
            ),
        }
    }

    /// The rows to archive, each with [`DOSSIER_FIELD`], in a stable order.
    pub fn select_sql(&self) -> String {
        let (from, owner) = self.from_where();
        format!("SELECT c.*, {owner} AS {DOSSIER_FIELD} FROM {from} ORDER BY {owner}, c.rowid")
    }

    /// The guard before the delete: aborts the batch (`stale_state`) unless the table still
    /// holds `?2` rows of those dossiers, the number archived (a rating given since the read
    /// would otherwise be deleted unarchived).
    pub fn guard_sql(&self) -> String {
        let (from, _) = self.from_where();
        format!("INSERT INTO state_guard (ok) SELECT count(*) = ?2 FROM {from}")
    }

    pub fn delete_sql(&self) -> String {
        let (from, _) = self.from_where();
        format!("DELETE FROM {} WHERE rowid IN (SELECT c.rowid FROM {from})", self.table)
    }
}

// ---------------------------------------------------------------------------------------------
// What the dashboard keeps

/// A count the dashboard takes from rows (functions/src/dashboard/repo.rs), by the Vietnamese
/// day of its instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Fee-bearing dossiers settled online / otherwise (`paid_at`): settled_counts' edges.
    PaidOnline,
    PaidOther,
    /// Submissions by channel (`submitted_at`): intake_counts' edges.
    IntakeOnline,
    IntakeCounter,
    IntakePost,
    /// Digitization by `submitted_at`: received, with a document at reception, with a
    /// result, with an unrevoked signed result.
    Received,
    AtReception,
    WithResult,
    AtReturn,
    /// Unrevoked certified copies by `signed_at`, in the signing agency (procedure "").
    Copies,
    /// Ratings by `created_at`, procedure "", detail `[score, [reasons]]`.
    Rating,
}

impl Metric {
    pub const ALL: [Metric; 11] = [
        Metric::PaidOnline,
        Metric::PaidOther,
        Metric::IntakeOnline,
        Metric::IntakeCounter,
        Metric::IntakePost,
        Metric::Received,
        Metric::AtReception,
        Metric::WithResult,
        Metric::AtReturn,
        Metric::Copies,
        Metric::Rating,
    ];

    /// The `archive_summaries.metric` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Metric::PaidOnline => "paid_online",
            Metric::PaidOther => "paid_other",
            Metric::IntakeOnline => "intake_online",
            Metric::IntakeCounter => "intake_counter",
            Metric::IntakePost => "intake_post",
            Metric::Received => "received",
            Metric::AtReception => "at_reception",
            Metric::WithResult => "with_result",
            Metric::AtReturn => "at_return",
            Metric::Copies => "copies",
            Metric::Rating => "rating",
        }
    }
}

/// A rating as the dashboard groups it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    pub created_at: String,
    /// `score`, or the level's score for an older rating without one.
    pub score: u8,
    pub reasons: Vec<String>,
}

/// One archived dossier as the dashboard's row-based reads see it (read with its rows).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    pub agency: String,
    pub procedure: String,
    /// `online` | `counter` | `post`.
    pub channel: String,
    pub has_fees: bool,
    pub paid_online: Option<bool>,
    pub paid_at: Option<String>,
    pub submitted_at: Option<String>,
    /// A scan, an upload or a referenced document at reception.
    pub at_reception: bool,
    pub with_result: bool,
    /// An unrevoked signed document.
    pub at_return: bool,
    pub rating: Option<Rating>,
    /// Unrevoked certified copies: (signing agency, `signed_at`).
    pub copies: Vec<(String, String)>,
}

/// One `archive_summaries` row's key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SummaryKey {
    pub metric: Metric,
    /// `YYYY-MM-DD`, Vietnamese calendar.
    pub day: String,
    pub agency: String,
    pub procedure: String,
    pub detail: String,
}

/// The `detail` of a rating's summary: `[score, [reasons]]`.
pub fn rating_detail(score: u8, reasons: &[String]) -> String {
    serde_json::to_string(&(score, reasons)).expect("plain data")
}

/// What the dashboard keeps of `dossiers` once their rows leave D1. An instant that is not
/// RFC 3339 UTC is refused (named `dossiers[i].<field>`), not dropped: a count would change.
pub fn summarize(dossiers: &[Facts]) -> Result<BTreeMap<SummaryKey, u64>, FieldError> {
    let mut out = BTreeMap::new();
    for (i, f) in dossiers.iter().enumerate() {
        let day = |field: &str, at: &str| {
            vn_day(at).map(format_iso_date).ok_or_else(|| {
                FieldError::new(format!("dossiers[{i}].{field}"), "invalid_format", "Thời điểm phải là RFC 3339 UTC (…Z).", "The instant must be RFC 3339 UTC (…Z).")
            })
        };
        let mut add = |metric: Metric, day: String, agency: &str, procedure: &str, detail: String| {
            *out.entry(SummaryKey { metric, day, agency: agency.into(), procedure: procedure.into(), detail }).or_insert(0) += 1;
        };
        if let (true, Some(online), Some(at)) = (f.has_fees, f.paid_online, &f.paid_at) {
            add(if online { Metric::PaidOnline } else { Metric::PaidOther }, day("paid_at", at)?, &f.agency, &f.procedure, String::new());
        }
        if let Some(at) = &f.submitted_at {
            let d = day("submitted_at", at)?;
            let channel = match f.channel.as_str() {
                "online" => Some(Metric::IntakeOnline),
                "counter" => Some(Metric::IntakeCounter),
                "post" => Some(Metric::IntakePost),
                _ => None,
            };
            if let Some(m) = channel {
                add(m, d.clone(), &f.agency, &f.procedure, String::new());
            }
            let digitized = [(true, Metric::Received), (f.at_reception, Metric::AtReception), (f.with_result, Metric::WithResult), (f.at_return, Metric::AtReturn)];
            for (yes, m) in digitized {
                if yes {
                    add(m, d.clone(), &f.agency, &f.procedure, String::new());
                }
            }
        }
        if let Some(r) = &f.rating {
            add(Metric::Rating, day("rating.created_at", &r.created_at)?, &f.agency, "", rating_detail(r.score, &r.reasons));
        }
        for (agency, at) in &f.copies {
            add(Metric::Copies, day("copies.signed_at", at)?, agency, "", String::new());
        }
    }
    Ok(out)
}

/// The summaries of `metric` over the Vietnamese days `from..=to`, per (agency, procedure,
/// detail): what the dashboard adds to its live rows' counts.
pub fn summed(summaries: &BTreeMap<SummaryKey, u64>, metric: Metric, from: Date, to: Date) -> BTreeMap<(String, String, String), u64> {
    let (lo, hi) = (format_iso_date(from), format_iso_date(to));
    let mut out = BTreeMap::new();
    for (k, n) in summaries {
        if k.metric == metric && k.day >= lo && k.day <= hi {
            *out.entry((k.agency.clone(), k.procedure.clone(), k.detail.clone())).or_insert(0) += n;
        }
    }
    out
}

/// The distinct Vietnamese days of a dossier's messages to the national portal
/// (`archived_dossiers.sync_days`): the dashboard counts a dossier in a period with any.
pub fn sync_days(created_at: &[String]) -> Result<Vec<String>, FieldError> {
    let mut days: Vec<String> = created_at
        .iter()
        .enumerate()
        .map(|(i, at)| {
            vn_day(at).map(format_iso_date).ok_or_else(|| {
                FieldError::new(format!("national_sync[{i}].created_at"), "invalid_format", "Thời điểm phải là RFC 3339 UTC (…Z).", "The instant must be RFC 3339 UTC (…Z).")
            })
        })
        .collect::<Result<_, _>>()?;
    days.sort();
    days.dedup();
    Ok(days)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::parse_iso_date;
    use proptest::prelude::*;

    fn day(s: &str) -> Date {
        parse_iso_date("d", s).unwrap()
    }

    #[test]
    fn a_month_is_closable_three_full_months_after_its_end() {
        // 7 December: September, October and November have passed since August ended.
        let today = day("2026-12-07");
        closable("2026-08", today).unwrap();
        closable("2025-12", today).unwrap();
        let e = closable("2026-09", today).unwrap_err();
        assert_eq!((e.field.as_str(), e.code.as_str()), ("month", "month_not_closed"));
        assert!(e.message_vi.contains("2026-08") && e.message_en.contains("2026-08"), "{}", e.message_vi);
        assert_eq!(closable("2026-12", today).unwrap_err().code, "month_not_closed");
        assert_eq!(closable("2027-01", today).unwrap_err().code, "month_not_closed");
        // January's answer crosses the year.
        assert!(closable("2026-10", day("2027-01-31")).unwrap_err().message_en.contains("2026-09"));
        closable("2026-09", day("2027-01-01")).unwrap();
        for bad in ["2026-13", "2026-8", "26-08", "2026/08", "", "2026-00"] {
            assert_eq!(closable(bad, today).unwrap_err().code, "invalid_format", "{bad}");
        }
    }

    #[test]
    fn month_bounds_are_vietnamese() {
        assert_eq!(month_bounds("2025-03").unwrap(), ("2025-02-28T17:00:00".into(), "2025-03-31T17:00:00".into()));
        assert_eq!(month_bounds("2024-12").unwrap(), ("2024-11-30T17:00:00".into(), "2024-12-31T17:00:00".into()));
        assert_eq!(month_bounds("2024-13"), None);
    }

    fn candidate(status: DossierStatus, at: &str) -> Candidate {
        Candidate { status, finished_at: Some(at.into()), open_payments: 0, open_refunds: 0 }
    }

    #[test]
    fn only_final_dossiers_of_the_month_without_open_money_go() {
        use DossierStatus as S;
        for s in [S::Completed, S::Rejected, S::Withdrawn] {
            archivable(&candidate(s, "2025-03-10T02:00:00Z"), "2025-03").unwrap();
        }
        assert_eq!(archivable(&candidate(S::Received, "2025-03-10T02:00:00Z"), "2025-03"), Err(Kept::NotFinal));
        // Finished at 00:30 on 1 April in Việt Nam: April's, not March's.
        assert_eq!(archivable(&candidate(S::Completed, "2025-03-31T17:30:00Z"), "2025-03"), Err(Kept::OtherMonth));
        assert_eq!(archivable(&Candidate { finished_at: None, ..candidate(S::Completed, "") }, "2025-03"), Err(Kept::OtherMonth));
        let open = Candidate { open_payments: 1, ..candidate(S::Completed, "2025-03-10T02:00:00Z") };
        assert_eq!(archivable(&open, "2025-03"), Err(Kept::OpenPayment));
        let refund = Candidate { open_refunds: 1, ..candidate(S::Rejected, "2025-03-10T02:00:00Z") };
        assert_eq!(archivable(&refund, "2025-03"), Err(Kept::OpenRefund));
    }

    #[test]
    fn open_payment_states_are_the_unfinished_and_the_wrong_amount() {
        use crate::payment::State;
        for s in State::ALL {
            let name = serde_json::to_value(s).unwrap().as_str().unwrap().to_string();
            let open = !s.view().finished || s == State::AmountMismatch;
            assert_eq!(OPEN_PAYMENT_STATES.contains(&name.as_str()), open, "{name}");
        }
    }

    /// The `CREATE TABLE` body of each table in the shard schema.
    fn shard_tables() -> BTreeMap<String, String> {
        // The baseline and every later shard migration (scripts/gen_shard_schema.py), in order.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../functions/migrations_shard");
        let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|x| x == "sql")).collect();
        files.sort();
        let sql = files.iter().map(|p| std::fs::read_to_string(p).unwrap()).collect::<Vec<_>>().join("\n");
        let mut out = BTreeMap::new();
        for stmt in sql.split(";\n") {
            let s = stmt.trim_start_matches(|c: char| c.is_whitespace());
            let s = s.lines().filter(|l| !l.trim_start().starts_with("--")).collect::<Vec<_>>().join("\n");
            if let Some(rest) = s.trim().strip_prefix("CREATE TABLE ") {
                let name = rest.split(|c: char| c == ' ' || c == '(').next().unwrap().trim_matches('"');
                out.insert(name.to_string(), rest.to_string());
            }
        }
        out
    }

    #[test]
    fn every_table_with_a_dossier_goes_and_children_are_deleted_first() {
        let tables = shard_tables();
        assert!(tables.len() >= 30, "{}", tables.len());
        // A shard table with a `dossier_id` column goes with its dossier, or is kept on purpose.
        let kept_on_purpose = ["audit_log", "archived_dossiers", "archived_receipts"];
        for (name, body) in &tables {
            if body.contains("dossier_id ") && !kept_on_purpose.contains(&name.as_str()) {
                assert!(ROWS.iter().any(|r| r.table == name), "{name} has dossier_id but is not archived");
            }
        }
        // Each archived table's references to another archived table point further down the
        // list: deleting in list order never leaves a row pointing at a deleted one.
        for (i, r) in ROWS.iter().enumerate() {
            let body = &tables[r.table];
            for (j, other) in ROWS.iter().enumerate() {
                if other.table != r.table && body.contains(&format!("REFERENCES {}(", other.table)) {
                    assert!(j > i, "{} references {} but is deleted after it", r.table, other.table);
                }
            }
            // And a table's link column exists.
            let col = match r.link {
                Link::Dossier(c) => c,
                Link::Bill => "bill_id",
                Link::Payment => "payment_id",
            };
            assert!(body.contains(&format!("{col} ")), "{} has no {col}", r.table);
        }
        // Every shard table referencing payments or bills is archived (settlement rows of
        // another kind of bill are not linked to a dossier and stay with their bill).
        for (name, body) in &tables {
            if body.contains("REFERENCES payments(") {
                assert!(ROWS.iter().any(|r| r.table == name), "{name} references payments");
            }
        }
        assert_eq!(ROWS.last().unwrap().table, "dossiers");
    }

    #[test]
    fn the_statements_name_the_dossiers_and_the_count() {
        let ev = ROWS.iter().find(|r| r.table == "payment_events").unwrap();
        assert_eq!(
            ev.select_sql(),
            "SELECT c.*, b.dossier_id AS _dossier FROM payment_events c JOIN payments p ON p.id = c.payment_id JOIN bills b ON b.id = p.bill_id \
             WHERE b.dossier_id IN (SELECT value FROM json_each(?1)) ORDER BY b.dossier_id, c.rowid"
        );
        let d = ROWS.last().unwrap();
        assert_eq!(d.delete_sql(), "DELETE FROM dossiers WHERE rowid IN (SELECT c.rowid FROM dossiers c WHERE c.id IN (SELECT value FROM json_each(?1)))");
        assert_eq!(d.guard_sql(), "INSERT INTO state_guard (ok) SELECT count(*) = ?2 FROM dossiers c WHERE c.id IN (SELECT value FROM json_each(?1))");
        let s = ROWS.iter().find(|r| r.table == "settlements").unwrap();
        assert!(s.select_sql().contains("JOIN bills b ON b.id = c.bill_id"), "{}", s.select_sql());
    }

    fn facts() -> Facts {
        Facts {
            agency: "000.10.51.H27".into(),
            procedure: "1.001".into(),
            channel: "online".into(),
            has_fees: true,
            paid_online: Some(true),
            paid_at: Some("2025-03-31T17:00:00Z".into()),
            submitted_at: Some("2025-03-30T03:00:00Z".into()),
            at_reception: true,
            with_result: true,
            at_return: false,
            rating: Some(Rating { created_at: "2025-04-02T01:00:00Z".into(), score: 4, reasons: vec!["nhanh".into()] }),
            copies: vec![("000.20.51.H27".into(), "2025-04-01T00:00:00Z".into())],
        }
    }

    #[test]
    fn summaries_count_each_thing_on_its_vietnamese_day() {
        let s = summarize(&[facts(), Facts { channel: "counter".into(), paid_online: Some(false), at_reception: false, rating: None, copies: vec![], ..facts() }]).unwrap();
        let got: Vec<(&str, &str, &str, &str, u64)> =
            s.iter().map(|(k, n)| (k.metric.as_str(), k.day.as_str(), k.agency.as_str(), k.detail.as_str(), *n)).collect();
        assert_eq!(
            got,
            [
                ("paid_online", "2025-04-01", "000.10.51.H27", "", 1),
                ("paid_other", "2025-04-01", "000.10.51.H27", "", 1),
                ("intake_online", "2025-03-30", "000.10.51.H27", "", 1),
                ("intake_counter", "2025-03-30", "000.10.51.H27", "", 1),
                ("received", "2025-03-30", "000.10.51.H27", "", 2),
                ("at_reception", "2025-03-30", "000.10.51.H27", "", 1),
                ("with_result", "2025-03-30", "000.10.51.H27", "", 2),
                ("copies", "2025-04-01", "000.20.51.H27", "", 1),
                ("rating", "2025-04-02", "000.10.51.H27", "[4,[\"nhanh\"]]", 1),
            ]
        );
        // No fees, no count; a bad instant is refused by name, never dropped.
        assert!(summarize(&[Facts { has_fees: false, ..facts() }]).unwrap().keys().all(|k| k.metric != Metric::PaidOnline));
        let e = summarize(&[facts(), Facts { paid_at: Some("2025-03-31 17:00".into()), ..facts() }]).unwrap_err();
        assert_eq!(e.field, "dossiers[1].paid_at");
        assert_eq!(sync_days(&["2025-03-31T17:00:00Z".into(), "2025-04-01T02:00:00Z".into(), "2025-03-02T00:00:00Z".into()]).unwrap(), ["2025-03-02", "2025-04-01"]);
        assert_eq!(sync_days(&["x".into()]).unwrap_err().field, "national_sync[0].created_at");
        let names: std::collections::BTreeSet<_> = Metric::ALL.iter().map(|m| m.as_str()).collect();
        assert_eq!(names.len(), Metric::ALL.len());
    }

    /// The dashboard's reads over live rows, as repo.rs writes them in SQL: an instant counts in
    /// the days `from..=to` when `lo <= at < hi` as strings ([`utc_bounds`]).
    fn live(dossiers: &[Facts], metric: Metric, from: Date, to: Date) -> BTreeMap<(String, String, String), u64> {
        let (lo, hi) = utc_bounds(from, to);
        let inside = |at: &str| at >= lo.as_str() && at < hi.as_str();
        let mut out = BTreeMap::new();
        let mut add = |a: &str, p: &str, d: String| *out.entry((a.to_string(), p.to_string(), d)).or_insert(0) += 1;
        for f in dossiers {
            let submitted = f.submitted_at.as_deref().filter(|at| inside(at)).is_some();
            match metric {
                Metric::PaidOnline | Metric::PaidOther => {
                    let want = metric == Metric::PaidOnline;
                    if f.has_fees && f.paid_online == Some(want) && f.paid_at.as_deref().is_some_and(inside) {
                        add(&f.agency, &f.procedure, String::new());
                    }
                }
                Metric::IntakeOnline | Metric::IntakeCounter | Metric::IntakePost => {
                    let want = &metric.as_str()["intake_".len()..];
                    if submitted && f.channel == want {
                        add(&f.agency, &f.procedure, String::new());
                    }
                }
                Metric::Received | Metric::AtReception | Metric::WithResult | Metric::AtReturn => {
                    let yes = match metric {
                        Metric::Received => true,
                        Metric::AtReception => f.at_reception,
                        Metric::WithResult => f.with_result,
                        _ => f.at_return,
                    };
                    if submitted && yes {
                        add(&f.agency, &f.procedure, String::new());
                    }
                }
                Metric::Copies => {
                    for (agency, at) in &f.copies {
                        if inside(at) {
                            add(agency, "", String::new());
                        }
                    }
                }
                Metric::Rating => {
                    if let Some(r) = f.rating.as_ref().filter(|r| inside(&r.created_at)) {
                        add(&f.agency, "", rating_detail(r.score, &r.reasons));
                    }
                }
            }
        }
        out
    }

    fn instant() -> impl Strategy<Value = String> {
        // Days around a month's edges, hours around 17:00 UTC (Vietnamese midnight), with and
        // without fractional seconds.
        (0u8..4, 27u8..=31, prop_oneof![Just(0u8), Just(16), Just(17), Just(23)], 0u8..60, prop::option::of(0u16..1000)).prop_map(|(m, d, h, min, frac)| {
            let (y, mo) = [(2024, 12), (2025, 1), (2025, 2), (2025, 3)][m as usize];
            let last = [31, 31, 28, 31][m as usize];
            let frac = frac.map(|f| format!(".{f:03}")).unwrap_or_default();
            format!("{y:04}-{mo:02}-{:02}T{h:02}:{min:02}:00{frac}Z", d.min(last))
        })
    }

    fn any_facts() -> impl Strategy<Value = Facts> {
        let agency = prop_oneof![Just("000.10.51.H27".to_string()), Just("000.20.51.H27".to_string())];
        let rating = prop::option::of((instant(), 1u8..=5, prop::collection::vec(prop_oneof![Just("nhanh".to_string()), Just("thái độ".to_string())], 0..2)))
            .prop_map(|r| r.map(|(created_at, score, reasons)| Rating { created_at, score, reasons }));
        (
            (agency.clone(), prop_oneof![Just("1.001".to_string()), Just("2.002".to_string())], prop_oneof![Just("online"), Just("counter"), Just("post")]),
            (any::<bool>(), prop::option::of(any::<bool>()), prop::option::of(instant()), prop::option::of(instant())),
            (any::<[bool; 3]>(), rating, prop::collection::vec((agency, instant()), 0..3)),
        )
            .prop_map(|((agency, procedure, channel), (has_fees, paid_online, paid_at, submitted_at), ([a, b, c], rating, copies))| Facts {
                agency,
                procedure,
                channel: channel.into(),
                has_fees,
                paid_online,
                paid_at,
                submitted_at,
                at_reception: a,
                with_result: b,
                at_return: c,
                rating,
                copies,
            })
    }

    fn any_day() -> impl Strategy<Value = Date> {
        (0i64..130).prop_map(|n| day("2024-12-01") + time::Duration::days(n))
    }

    proptest! {
        /// Archive → remove → the reports read the same, for any period: what stays live plus
        /// the summaries of what left equals what was live before.
        #[test]
        fn reports_are_unchanged_by_archiving(all in prop::collection::vec(any_facts(), 0..25), leave in prop::collection::vec(any::<bool>(), 25), a in any_day(), b in any_day()) {
            let (from, to) = if a <= b { (a, b) } else { (b, a) };
            let (gone, kept): (Vec<_>, Vec<_>) = all.iter().cloned().zip(&leave).partition(|(_, l)| **l);
            let gone: Vec<Facts> = gone.into_iter().map(|(f, _)| f).collect();
            let kept: Vec<Facts> = kept.into_iter().map(|(f, _)| f).collect();
            let summaries = summarize(&gone).unwrap();
            for metric in Metric::ALL {
                let before = live(&all, metric, from, to);
                let after = crate::rollup::merge_keyed_by(live(&kept, metric, from, to), summed(&summaries, metric, from, to), |x, y| x + y);
                prop_assert_eq!(before, after, "{:?} {}..{}", metric, from, to);
            }
        }

        /// A dossier counts in a period's portal-sync figures when a message of it falls in the
        /// period; its archived days say the same.
        #[test]
        fn sync_days_answer_like_the_messages(messages in prop::collection::vec(instant(), 0..5), a in any_day(), b in any_day()) {
            let (from, to) = if a <= b { (a, b) } else { (b, a) };
            let (lo, hi) = utc_bounds(from, to);
            let live = messages.iter().any(|at| at.as_str() >= lo.as_str() && at.as_str() < hi.as_str());
            let (f, t) = (format_iso_date(from), format_iso_date(to));
            let archived = sync_days(&messages).unwrap().iter().any(|d| *d >= f && *d <= t);
            prop_assert_eq!(live, archived);
        }
    }
}
