//! The rules behind the leaders' dashboard that are not arithmetic on counts (that is
//! [`crate::stats`]): which periods a leader may ask for and how one is answered from monthly
//! counters plus the raw dossiers of partial months at its edges; which dossier counts where (the
//! one function both the Worker's counter maintenance and the tests use); the CSV of historical
//! counts imported from other systems, with errors named by line and field; and CSV output.
//!
//! Times: a dossier counts in the Vietnamese calendar day (UTC+7) of its settlement, so a fee paid
//! at 2023-10-31T18:00Z counts in November.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::{Date, Duration, Month};

use crate::calendar::{format_iso_date, parse_iso_date};
use crate::stats::{format_percent_vi, PaymentCounts};
use crate::validation::FieldError;

// ---------------------------------------------------------------------------------------------
// Periods

/// A closed range of Vietnamese calendar days, as a leader names it: `2023`, `2023-Q4`,
/// `2023-10` or `2023-01-01..2023-10-23`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    #[serde(with = "crate::calendar::iso_date")]
    pub from: Date,
    #[serde(with = "crate::calendar::iso_date")]
    pub to: Date,
    /// The canonical text (`2023-Q4`), what `parse` reads back.
    pub key: String,
    /// Vietnamese label: `Năm 2023`, `Quý IV/2023`, `Tháng 10/2023`, `01/01/2023 – 23/10/2023`.
    pub label: String,
}

/// Longest range accepted (a guard against accidental decade-long scans; counters make it cheap
/// anyway).
pub const MAX_PERIOD_DAYS: i64 = 366 * 10;

/// The dashboard's node above the provinces when a scope holds several (the national role): the
/// country's figures, each province a row under it. Not an agency of the catalog: it has no
/// rows of its own and no database, only the sum of its children's.
pub const NATIONAL_ROOT: &str = "toan-quoc";
pub const NATIONAL_ROOT_NAME: &str = "Toàn quốc";
pub const NATIONAL_LEVEL: &str = "national";

fn period_error(field: &str) -> FieldError {
    FieldError::new(
        field,
        "invalid_period",
        "Kỳ báo cáo không hợp lệ: dùng năm (2023), quý (2023-Q4), tháng (2023-10) hoặc khoảng ngày (2023-01-01..2023-10-23).",
        "Invalid period: use a year (2023), a quarter (2023-Q4), a month (2023-10) or a date range (2023-01-01..2023-10-23).",
    )
}

fn parse_year(s: &str) -> Option<i32> {
    (s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten().filter(|y| (1990..=2100).contains(y))
}

fn last_day(year: i32, month: Month) -> Date {
    let first_next = if month == Month::December {
        Date::from_calendar_date(year + 1, Month::January, 1)
    } else {
        Date::from_calendar_date(year, month.next(), 1)
    }
    .expect("valid");
    first_next - Duration::days(1)
}

fn dmy(d: Date) -> String {
    format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year())
}

impl Period {
    /// Parses a period; every failure names `field`.
    pub fn parse(field: &str, input: &str) -> Result<Period, FieldError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(FieldError::required(field));
        }
        if let Some((a, b)) = s.split_once("..") {
            let from = parse_iso_date(field, a).map_err(|_| period_error(field))?;
            let to = parse_iso_date(field, b).map_err(|_| period_error(field))?;
            if to < from {
                return Err(FieldError::new(
                    field,
                    "period_reversed",
                    "Ngày kết thúc phải sau ngày bắt đầu.",
                    "The end date must not be before the start date.",
                ));
            }
            if (to - from).whole_days() > MAX_PERIOD_DAYS {
                return Err(FieldError::new(field, "period_too_long", "Kỳ báo cáo dài tối đa 10 năm.", "A period spans at most 10 years."));
            }
            return Ok(Period::range(from, to));
        }
        if let Some((y, q)) = s.split_once("-Q").or_else(|| s.split_once("-q")) {
            let year = parse_year(y).ok_or_else(|| period_error(field))?;
            let q: u8 = match q {
                "1" => 1,
                "2" => 2,
                "3" => 3,
                "4" => 4,
                _ => return Err(period_error(field)),
            };
            return Ok(Period::quarter(year, q));
        }
        if let Some((y, m)) = s.split_once('-') {
            let year = parse_year(y).ok_or_else(|| period_error(field))?;
            let m: u8 = (m.len() == 2).then(|| m.parse().ok()).flatten().ok_or_else(|| period_error(field))?;
            let month = Month::try_from(m).map_err(|_| period_error(field))?;
            return Ok(Period::month(year, month));
        }
        let year = parse_year(s).ok_or_else(|| period_error(field))?;
        Ok(Period::year(year))
    }

    pub fn year(year: i32) -> Period {
        Period {
            from: Date::from_calendar_date(year, Month::January, 1).expect("valid"),
            to: Date::from_calendar_date(year, Month::December, 31).expect("valid"),
            key: format!("{year}"),
            label: format!("Năm {year}"),
        }
    }

    pub fn quarter(year: i32, q: u8) -> Period {
        let first = Month::try_from(3 * (q - 1) + 1).expect("1..=4");
        let last = Month::try_from(3 * q).expect("1..=4");
        let roman = ["I", "II", "III", "IV"][(q - 1) as usize];
        Period {
            from: Date::from_calendar_date(year, first, 1).expect("valid"),
            to: last_day(year, last),
            key: format!("{year}-Q{q}"),
            label: format!("Quý {roman}/{year}"),
        }
    }

    pub fn month(year: i32, month: Month) -> Period {
        Period {
            from: Date::from_calendar_date(year, month, 1).expect("valid"),
            to: last_day(year, month),
            key: format!("{year}-{:02}", u8::from(month)),
            label: format!("Tháng {:02}/{year}", u8::from(month)),
        }
    }

    pub fn range(from: Date, to: Date) -> Period {
        Period {
            from,
            to,
            key: format!("{}..{}", format_iso_date(from), format_iso_date(to)),
            label: format!("{} – {}", dmy(from), dmy(to)),
        }
    }

    /// Whether `other` lies entirely inside this period (how imported counts are attributed: a
    /// row for 01/01–23/10/2023 counts in "2023", not in "2023-10").
    pub fn contains(&self, other: &Period) -> bool {
        self.from <= other.from && other.to <= self.to
    }

    /// The year whose target applies: the year the period ends in.
    pub fn target_year(&self) -> i32 {
        self.to.year()
    }

    /// How to answer this period: whole months from the counters, the rest from raw dossiers.
    pub fn plan(&self) -> Plan {
        let mut months = Vec::new();
        let mut edges = Vec::new();
        let mut day = self.from;
        while day <= self.to {
            let month_end = last_day(day.year(), day.month());
            let end = month_end.min(self.to);
            if day.day() == 1 && end == month_end {
                months.push(month_key(day));
            } else {
                edges.push((day, end));
            }
            day = end + Duration::days(1);
        }
        Plan { months, edges }
    }

    /// The months this period touches, `YYYY-MM`, for a trend.
    pub fn months(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut day = Date::from_calendar_date(self.from.year(), self.from.month(), 1).expect("valid");
        while day <= self.to {
            out.push(month_key(day));
            day = last_day(day.year(), day.month()) + Duration::days(1);
        }
        out
    }
}

/// Whole months (`YYYY-MM`, read from the counters) and partial-month day ranges at the edges
/// (read from the dossiers, see [`utc_bounds`]). Together they cover the period exactly once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub months: Vec<String>,
    pub edges: Vec<(Date, Date)>,
}

pub fn month_key(d: Date) -> String {
    format!("{:04}-{:02}", d.year(), u8::from(d.month()))
}

/// The UTC timestamps `[lo, hi)` (as stored in `paid_at`, without the zone letter so that
/// fractional seconds compare right) of the Vietnamese days `from..=to`.
pub fn utc_bounds(from: Date, to: Date) -> (String, String) {
    let lo = from - Duration::days(1);
    (format!("{}T17:00:00", format_iso_date(lo)), format!("{}T17:00:00", format_iso_date(to)))
}

/// The Vietnamese calendar day of an RFC 3339 UTC instant (`2023-10-31T18:00:00Z` → 2023-11-01).
pub fn vn_day(utc: &str) -> Option<Date> {
    let date = parse_iso_date("at", utc.get(0..10)?).ok()?;
    if utc.as_bytes().get(10) != Some(&b'T') {
        return None;
    }
    let hour: u8 = utc.get(11..13)?.parse().ok()?;
    if !utc.ends_with('Z') || hour > 23 {
        return None;
    }
    Some(if hour >= 17 { date + Duration::days(1) } else { date })
}

// ---------------------------------------------------------------------------------------------
// Which dossiers count

/// A dossier as the counters see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountedDossier {
    pub agency: String,
    pub procedure: String,
    pub has_fees: bool,
    /// `None` until settled; then whether it was settled online (gateway, VietQR).
    pub paid_online: Option<bool>,
    /// RFC 3339 UTC instant of the settlement.
    pub paid_at: Option<String>,
}

/// One counter cell: agency × procedure × month.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct CounterKey {
    pub agency: String,
    pub procedure: String,
    pub month: String,
}

/// Where a dossier counts, if anywhere: fee-bearing dossiers whose fee notice was settled, in
/// the Vietnamese month of the settlement, as online or other. The Worker calls this when it
/// settles a notice and adds the answer to `payment_counters` in the same D1 batch.
pub fn counted(d: &CountedDossier) -> Option<(CounterKey, bool)> {
    if !d.has_fees {
        return None;
    }
    let online = d.paid_online?;
    let month = settlement_month(d.paid_at.as_deref()?)?;
    Some((CounterKey { agency: d.agency.clone(), procedure: d.procedure.clone(), month }, online))
}

/// The counter month (`YYYY-MM`, Vietnamese calendar) of a settlement at `paid_at` (RFC 3339 UTC).
pub fn settlement_month(paid_at: &str) -> Option<String> {
    vn_day(paid_at).map(month_key)
}

/// The intake counter month (`YYYY-MM`, Vietnamese calendar) of a dossier submitted at
/// `submitted_at` (RFC 3339 UTC): the month an online submission, a walk-in or a postal intake
/// counts in (`intake_counters`). A dossier submitted at 2023-10-31T18:00Z counts in November.
pub fn intake_month(submitted_at: &str) -> Option<String> {
    vn_day(submitted_at).map(month_key)
}

/// Dossier statuses that are no longer waiting on the agency (never overdue).
pub const NOT_OVERDUE_SQL: &str = "('completed', 'returned', 'result_ready', 'rejected', 'withdrawn', 'draft')";

/// In-memory counters (what the tests and the generator use; the Worker keeps them in D1).
pub type Counters = BTreeMap<CounterKey, PaymentCounts>;

/// Adds one counted dossier.
pub fn add_to(counters: &mut Counters, key: CounterKey, online: bool) {
    let c = counters.entry(key).or_default();
    if online {
        c.online += 1;
    } else {
        c.other += 1;
    }
}

/// Per-agency counts of a plan's whole months from counters.
pub fn from_counters(counters: &Counters, months: &[String]) -> BTreeMap<String, PaymentCounts> {
    let mut out: BTreeMap<String, PaymentCounts> = BTreeMap::new();
    for (k, c) in counters {
        if months.contains(&k.month) {
            let e = out.entry(k.agency.clone()).or_default();
            *e = *e + *c;
        }
    }
    out
}

/// Per-agency counts straight from dossiers settled within the Vietnamese days `from..=to`.
pub fn from_dossiers(dossiers: &[CountedDossier], from: Date, to: Date) -> BTreeMap<String, PaymentCounts> {
    let mut out: BTreeMap<String, PaymentCounts> = BTreeMap::new();
    for d in dossiers {
        if !d.has_fees {
            continue;
        }
        let (Some(online), Some(day)) = (d.paid_online, d.paid_at.as_deref().and_then(vn_day)) else { continue };
        if day < from || day > to {
            continue;
        }
        let c = out.entry(d.agency.clone()).or_default();
        if online {
            c.online += 1;
        } else {
            c.other += 1;
        }
    }
    out
}

pub fn merge(a: &mut BTreeMap<String, PaymentCounts>, b: BTreeMap<String, PaymentCounts>) {
    for (k, v) in b {
        let e = a.entry(k).or_default();
        *e = *e + v;
    }
}

// ---------------------------------------------------------------------------------------------
// Import of historical counts

/// One imported line: counts another system kept for an agency and a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRow {
    pub line: usize,
    pub agency: String,
    pub period: Period,
    pub counts: PaymentCounts,
}

/// A rejected line of an import, named by line number (1-based, as an editor shows it) and field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    pub line: usize,
    pub field: String,
    pub code: String,
    pub message: String,
    pub message_vi: String,
}

impl RowError {
    fn new(line: usize, e: FieldError) -> RowError {
        RowError { line, field: e.field, code: e.code, message: e.message_en, message_vi: e.message_vi }
    }
}

pub const IMPORT_HEADER: [&str; 4] = ["agency", "period", "online", "other"];
pub const MAX_IMPORT_ROWS: usize = 5_000;

/// Splits one CSV line (RFC 4180 quotes, comma separated).
pub fn split_csv_line(line: &str) -> Result<Vec<String>, ()> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    cur.push('"');
                } else {
                    quoted = false;
                }
            } else {
                cur.push(c);
            }
        } else if c == '"' && at_start {
            quoted = true;
            at_start = false;
        } else if c == ',' {
            out.push(std::mem::take(&mut cur));
            at_start = true;
        } else {
            cur.push(c);
            at_start = false;
        }
    }
    if quoted {
        return Err(());
    }
    out.push(cur);
    Ok(out)
}

/// A count as people write it: `43109` or `43.109` (Vietnamese thousands separator).
pub fn parse_count(field: &str, s: &str) -> Result<u64, FieldError> {
    let s = s.trim();
    let bad = || FieldError::new(field, "invalid_number", "Số lượng phải là số nguyên không âm (ví dụ 43109 hoặc 43.109).", "A count must be a whole number ≥ 0 (e.g. 43109 or 43.109).");
    if s.is_empty() {
        return Err(FieldError::required(field));
    }
    let groups: Vec<&str> = s.split('.').collect();
    let well_grouped = groups.len() == 1
        || (!groups[0].is_empty() && groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3));
    if !well_grouped || !groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit())) {
        return Err(bad());
    }
    let v: u64 = groups.concat().parse().map_err(|_| bad())?;
    if v > 1_000_000_000 {
        return Err(FieldError::new(field, "too_large", "Số lượng quá lớn.", "The count is too large."));
    }
    Ok(v)
}

/// Parses an import: header `agency,period,online,other` (blank lines and lines starting with
/// `#` are skipped), then one row per agency and period. Either every row is good, or every bad
/// row is reported (field names `agency`, `period`, `online`, `other`, `header`, `row`).
pub fn parse_import(text: &str) -> Result<Vec<ImportRow>, Vec<RowError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut header_seen = false;
    let mut seen: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let Ok(cells) = split_csv_line(trimmed) else {
            errors.push(RowError::new(line, FieldError::new("row", "unbalanced_quote", "Dòng có dấu ngoặc kép chưa đóng.", "A quote is not closed.")));
            continue;
        };
        let cells: Vec<&str> = cells.iter().map(|c| c.trim()).collect();
        if !header_seen {
            header_seen = true;
            let lower: Vec<String> = cells.iter().map(|c| c.to_lowercase()).collect();
            if lower != IMPORT_HEADER {
                errors.push(RowError::new(
                    line,
                    FieldError::new(
                        "header",
                        "invalid_header",
                        "Dòng tiêu đề phải là: agency,period,online,other",
                        "The header must be: agency,period,online,other",
                    ),
                ));
                return Err(errors);
            }
            continue;
        }
        if cells.len() != 4 {
            errors.push(RowError::new(
                line,
                FieldError::new("row", "wrong_column_count", "Mỗi dòng cần đúng 4 cột: agency,period,online,other.", "Each row needs exactly 4 columns: agency,period,online,other."),
            ));
            continue;
        }
        let mut row_errors = Vec::new();
        let agency = cells[0].to_string();
        if agency.is_empty() {
            row_errors.push(FieldError::required("agency"));
        } else if agency.len() > 32 || !agency.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.') {
            row_errors.push(FieldError::new("agency", "invalid_agency_code", "Mã cơ quan không hợp lệ.", "Invalid agency code."));
        }
        let period = Period::parse("period", cells[1]).map_err(|e| row_errors.push(e)).ok();
        let online = parse_count("online", cells[2]).map_err(|e| row_errors.push(e)).ok();
        let other = parse_count("other", cells[3]).map_err(|e| row_errors.push(e)).ok();
        if !row_errors.is_empty() {
            errors.extend(row_errors.into_iter().map(|e| RowError::new(line, e)));
            continue;
        }
        let period = period.expect("checked");
        if let Some(first) = seen.insert((agency.clone(), period.key.clone()), line) {
            errors.push(RowError::new(
                line,
                FieldError::new(
                    "period",
                    "duplicate_row",
                    format!("Trùng cơ quan và kỳ với dòng {first}."),
                    format!("Same agency and period as line {first}."),
                ),
            ));
            continue;
        }
        rows.push(ImportRow { line, agency, period, counts: PaymentCounts::new(online.expect("checked"), other.expect("checked")) });
    }
    if !header_seen {
        errors.push(RowError::new(1, FieldError::new("header", "empty_file", "Tệp CSV không có dữ liệu.", "The CSV file is empty.")));
    }
    if rows.len() > MAX_IMPORT_ROWS {
        errors.push(RowError::new(1, FieldError::new("row", "too_many_rows", "Tối đa 5.000 dòng mỗi lần nhập.", "At most 5,000 rows per import.")));
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// Formats the import's own format back (what an export of imported counts looks like).
pub fn format_import(rows: &[ImportRow]) -> String {
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|r| vec![r.agency.clone(), r.period.key.clone(), r.counts.online.to_string(), r.counts.other.to_string()])
        .collect();
    to_csv(&IMPORT_HEADER, &body)
}

fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// A CSV table (CRLF line ends, RFC 4180 quoting).
pub fn to_csv<S: AsRef<str>>(header: &[S], rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    out.push_str(&header.iter().map(|h| csv_cell(h.as_ref())).collect::<Vec<_>>().join(","));
    out.push_str("\r\n");
    for r in rows {
        out.push_str(&r.iter().map(|c| csv_cell(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Wire types

/// One agency's line of the rate table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RateRow {
    pub code: String,
    pub name: String,
    pub level: String,
    pub online: u64,
    pub other: u64,
    pub total: u64,
    /// online / total, `None` without fee-bearing dossiers.
    pub rate: Option<Decimal>,
    /// "16,78%" or "—".
    pub rate_display: String,
    pub below_target: bool,
    /// Counts imported from other systems included in online/other.
    pub imported: u64,
    pub has_children: bool,
    /// Dossiers whose latest state the national portal has acknowledged, of those with a
    /// message in the period (seed 001: "100% … được đồng bộ đầy đủ").
    #[serde(default)]
    pub national_synced: u64,
    #[serde(default)]
    pub national_total: u64,
    /// "98,5%" or "—".
    #[serde(default)]
    pub national_rate_display: String,
    /// This unit's own online-payment target for the period's year (a fraction), resolved up
    /// the tree (`motcua_domain::indicators::resolve`): its own, an ancestor's, else 30 %.
    #[serde(default)]
    pub target: Option<Decimal>,
    /// "30,00%" or "—".
    #[serde(default)]
    pub target_display: String,
    /// `own`, `inherited`, `default` or `none`.
    #[serde(default)]
    pub target_source: String,
    /// Whether the rate meets this unit's target; `None` without a rate.
    #[serde(default)]
    pub meets_target: Option<bool>,
    /// How many more fee payments made online would bring the unit to its target, were every
    /// next one online ([`online_payments_to_target`]): what a commune chairman can aim the desk
    /// at this quarter. 0 once met; `None` without a target it can reach.
    #[serde(default)]
    pub to_target: Option<u64>,
}

/// The fewest further online payments `n` after which `(online + n) / (total + n)` meets
/// `target` (by [`crate::stats::meets_target`]'s rounding); `None` for a target of 100 % or more
/// that other payments already make unreachable.
pub fn online_payments_to_target(online: u64, total: u64, target: Decimal) -> Option<u64> {
    let meets = |n: u64| crate::stats::meets_target(Decimal::from(online + n) / Decimal::from(total + n), target);
    if total > 0 && meets(0) || target <= Decimal::ZERO {
        return Some(0);
    }
    if target >= Decimal::ONE {
        return (online == total).then_some(if total == 0 { 1 } else { 0 });
    }
    // (online + n) / (total + n) >= t  ⇔  n >= (t·total − online) / (1 − t); then step past the
    // rounding of the percent.
    let exact = (target * Decimal::from(total) - Decimal::from(online)) / (Decimal::ONE - target);
    let mut n = exact.ceil().max(Decimal::ONE).try_into().unwrap_or(u64::MAX / 2);
    while n > 1 && meets(n - 1) {
        n -= 1;
    }
    while !meets(n) {
        n += 1;
    }
    Some(n)
}

impl RateRow {
    /// The row with the national portal's acknowledged share.
    pub fn with_national(mut self, synced: u64, total: u64) -> RateRow {
        self.national_synced = synced.min(total);
        self.national_total = total;
        self.national_rate_display = match total {
            0 => "—".into(),
            t => format_percent_vi(Decimal::from(self.national_synced) / Decimal::from(t)),
        };
        self
    }

    /// The row compared with the unit's own target instead of the common one.
    pub fn with_target(mut self, t: &crate::indicators::ResolvedTarget) -> RateRow {
        self.target = t.value;
        self.target_display = t.display();
        self.target_source = t.source.key().into();
        self.meets_target = t.meets(self.rate);
        self.below_target = self.meets_target == Some(false);
        self.to_target = t.value.and_then(|v| online_payments_to_target(self.online, self.total, v));
        self
    }

    pub fn new(code: &str, name: &str, level: &str, counts: PaymentCounts, imported: u64, target: Decimal, has_children: bool) -> RateRow {
        let rate = counts.rate();
        RateRow {
            code: code.into(),
            name: name.into(),
            level: level.into(),
            online: counts.online,
            other: counts.other,
            total: counts.total(),
            rate,
            rate_display: rate.map(format_percent_vi).unwrap_or_else(|| "—".into()),
            below_target: rate.is_some_and(|r| !crate::stats::meets_target(r, target)),
            imported,
            has_children,
            national_synced: 0,
            national_total: 0,
            national_rate_display: "—".into(),
            target: Some(target),
            target_display: format_percent_vi(target),
            target_source: "default".into(),
            meets_target: rate.map(|r| crate::stats::meets_target(r, target)),
            to_target: online_payments_to_target(counts.online, counts.total(), target),
        }
    }

    pub const CSV_HEADER: [&'static str; 8] = ["ma_co_quan", "co_quan", "truc_tuyen", "khac", "tong", "ty_le", "chi_tieu", "dat_chi_tieu"];

    pub fn csv_cells(&self) -> Vec<String> {
        vec![
            self.code.clone(),
            self.name.clone(),
            self.online.to_string(),
            self.other.to_string(),
            self.total.to_string(),
            self.rate_display.clone(),
            self.target_display.clone(),
            if self.rate.is_none() { "—".into() } else if self.below_target { "Chưa đạt".into() } else { "Đạt".into() },
        ]
    }
}

/// `GET /api/dashboard/rates`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RatesView {
    pub period: Period,
    pub target: Decimal,
    /// "30,00%"
    pub target_display: String,
    /// The agency asked for, rolled up over its subtree.
    pub summary: RateRow,
    /// Its direct children, highest rate first.
    pub rows: Vec<RateRow>,
    /// The agency's parent when it is also in scope (the way back up a drill-down).
    pub parent: Option<String>,
    /// Seed 000's "08/23": children with any online payment / children.
    pub with_online: usize,
    pub units: usize,
    pub with_online_display: String,
}

/// Sorts rate rows as the chart shows them: highest rate first, agencies without dossiers last,
/// ties by name.
pub fn sort_by_rate(rows: &mut [RateRow]) {
    rows.sort_by(|a, b| match (a.rate, b.rate) {
        (Some(x), Some(y)) => y.cmp(&x).then_with(|| a.name.cmp(&b.name)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.name.cmp(&b.name),
    });
}

/// "08/23" as seed 000 writes it.
pub fn fraction_display(n: usize, of: usize) -> String {
    format!("{n:02}/{of:02}")
}

/// One month of a trend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendPoint {
    pub month: String,
    pub online: u64,
    pub other: u64,
    pub rate: Option<Decimal>,
    pub rate_display: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendView {
    pub agency: String,
    pub name: String,
    pub target: Decimal,
    pub points: Vec<TrendPoint>,
}

/// One procedure of an agency's drill-down.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcedureRate {
    pub code: String,
    pub name: String,
    pub online: u64,
    pub other: u64,
    pub rate: Option<Decimal>,
    pub rate_display: String,
    pub below_target: bool,
}

/// Fee-bearing procedures with online payment, per agency (seed 001's 50 %, 100 % the goal).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoverageRow {
    pub code: String,
    pub name: String,
    pub with_fees: u64,
    pub with_online_payment: u64,
    pub rate_display: String,
    /// Both beneficiary accounts are configured (phí and the treasury's for lệ phí).
    pub has_account: bool,
    pub has_phi_account: bool,
    pub has_le_phi_account: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoverageView {
    pub with_fees: u64,
    pub with_online_payment: u64,
    pub rate_display: String,
    pub meets_2021_target: bool,
    pub complete: bool,
    pub agencies_without_account: usize,
    pub rows: Vec<CoverageRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DormantRow {
    pub agency: String,
    pub agency_name: String,
    pub procedure: String,
    pub procedure_name: String,
    /// Date of the latest dossier ever, if any.
    pub last_dossier: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverdueRow {
    pub code: String,
    pub name: String,
    pub overdue: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportResult {
    pub imported: usize,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    #[test]
    fn parses_the_four_period_forms() {
        let y = Period::parse("period", "2023").unwrap();
        assert_eq!((y.from, y.to, y.label.as_str()), (date!(2023 - 01 - 01), date!(2023 - 12 - 31), "Năm 2023"));
        let q = Period::parse("period", "2023-Q4").unwrap();
        assert_eq!((q.from, q.to, q.label.as_str()), (date!(2023 - 10 - 01), date!(2023 - 12 - 31), "Quý IV/2023"));
        let m = Period::parse("period", "2024-02").unwrap();
        assert_eq!((m.from, m.to, m.label.as_str()), (date!(2024 - 02 - 01), date!(2024 - 02 - 29), "Tháng 02/2024"));
        let r = Period::parse("period", "2023-01-01..2023-10-23").unwrap();
        assert_eq!((r.from, r.to), (date!(2023 - 01 - 01), date!(2023 - 10 - 23)));
        assert_eq!(r.label, "01/01/2023 – 23/10/2023");
        for p in [y, q, m, r] {
            assert_eq!(Period::parse("period", &p.key).unwrap(), p, "key reads back");
        }
    }

    #[test]
    fn rejects_bad_periods_at_the_field() {
        for bad in ["", "23", "2023-13", "2023-Q5", "2023-1", "2023-10-23..2023-01-01", "abc", "2023-02-30..2023-03-01", "2000-01-01..2020-01-01"] {
            let e = Period::parse("period", bad).unwrap_err();
            assert_eq!(e.field, "period", "{bad}");
        }
        assert_eq!(Period::parse("period", "2023-10-23..2023-01-01").unwrap_err().code, "period_reversed");
    }

    #[test]
    fn plans_whole_months_and_edges() {
        let p = Period::parse("p", "2023-01-15..2023-04-10").unwrap().plan();
        assert_eq!(p.months, ["2023-02", "2023-03"]);
        assert_eq!(p.edges, [(date!(2023 - 01 - 15), date!(2023 - 01 - 31)), (date!(2023 - 04 - 01), date!(2023 - 04 - 10))]);
        let y = Period::year(2023).plan();
        assert_eq!(y.months.len(), 12);
        assert!(y.edges.is_empty());
        let seed002 = Period::parse("p", "2023-01-01..2023-10-23").unwrap().plan();
        assert_eq!(seed002.months.len(), 9);
        assert_eq!(seed002.edges, [(date!(2023 - 10 - 01), date!(2023 - 10 - 23))]);
        assert!(Period::year(2023).contains(&Period::parse("p", "2023-01-01..2023-10-23").unwrap()));
        assert!(!Period::month(2023, Month::October).contains(&Period::parse("p", "2023-01-01..2023-10-23").unwrap()));
    }

    #[test]
    fn vietnamese_day_of_a_utc_instant() {
        assert_eq!(vn_day("2023-10-31T16:59:59Z"), Some(date!(2023 - 10 - 31)));
        assert_eq!(vn_day("2023-10-31T17:00:00.123Z"), Some(date!(2023 - 11 - 01)));
        assert_eq!(vn_day("2023-12-31T20:00:00Z"), Some(date!(2024 - 01 - 01)));
        assert_eq!(vn_day("garbage"), None);
        assert_eq!(utc_bounds(date!(2023 - 11 - 01), date!(2023 - 11 - 30)), ("2023-10-31T17:00:00".into(), "2023-11-30T17:00:00".into()));
        // The stored instant falls inside its own day's bounds, fractional seconds included.
        let (lo, hi) = utc_bounds(date!(2023 - 11 - 01), date!(2023 - 11 - 01));
        let at = "2023-10-31T17:00:00.5Z";
        assert!(at >= lo.as_str() && at < hi.as_str());
    }

    #[test]
    fn only_settled_fee_bearing_dossiers_count() {
        let d = |fees, online: Option<bool>, at: Option<&str>| CountedDossier {
            agency: "A".into(),
            procedure: "P".into(),
            has_fees: fees,
            paid_online: online,
            paid_at: at.map(str::to_string),
        };
        assert_eq!(counted(&d(true, None, None)), None);
        assert_eq!(counted(&d(false, Some(true), Some("2023-01-01T00:00:00Z"))), None);
        let (k, online) = counted(&d(true, Some(false), Some("2023-01-31T18:00:00Z"))).unwrap();
        assert_eq!((k.month.as_str(), online), ("2023-02", false));
    }

    #[test]
    fn intake_counts_in_the_vietnamese_month_of_submission() {
        assert_eq!(intake_month("2023-10-31T16:59:59.999Z").as_deref(), Some("2023-10"));
        assert_eq!(intake_month("2023-10-31T17:00:00.000Z").as_deref(), Some("2023-11"));
        assert_eq!(intake_month("2023-12-31T20:00:00Z").as_deref(), Some("2024-01"));
        assert_eq!(intake_month("2024-02-29T03:00:00Z").as_deref(), Some("2024-02"));
        assert_eq!(intake_month("31/10/2023"), None);
        assert_eq!(intake_month("2023-10-31T18:00:00+07:00"), None, "only UTC instants are stored");
    }

    #[test]
    fn import_reads_the_seed_002_shape() {
        let csv = "# comment\nagency,period,online,other\n000.00.00.H20,2023-01-01..2023-10-23,43.109,213830\n\n";
        let rows = parse_import(csv).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].counts, PaymentCounts::new(43_109, 213_830));
        assert_eq!(rows[0].line, 3);
        assert_eq!(format_percent_vi(rows[0].counts.rate().unwrap()), "16,78%");
        assert_eq!(parse_import(&format_import(&rows)).unwrap()[0].counts, rows[0].counts);
    }

    #[test]
    fn import_names_every_bad_field_with_its_line() {
        let csv = "agency,period,online,other\nA.1,2023,1,2\nA 2,2023-13,x,\nA.3,2023,1,2,3\nA.1,2023,5,5\n\"A.5,2023,1,1\n";
        let errs = parse_import(csv).unwrap_err();
        let got: Vec<(usize, &str, &str)> = errs.iter().map(|e| (e.line, e.field.as_str(), e.code.as_str())).collect();
        assert_eq!(
            got,
            [
                (3, "agency", "invalid_agency_code"),
                (3, "period", "invalid_period"),
                (3, "online", "invalid_number"),
                (3, "other", "required"),
                (4, "row", "wrong_column_count"),
                (5, "period", "duplicate_row"),
                (6, "row", "unbalanced_quote"),
            ]
        );
        assert!(errs.iter().all(|e| !e.message_vi.is_empty() && !e.message.is_empty()));
        assert_eq!(parse_import("ma,ky\n").unwrap_err()[0].field, "header");
        assert_eq!(parse_import("").unwrap_err()[0].code, "empty_file");
    }

    #[test]
    fn counts_accept_vietnamese_grouping_only_when_well_formed() {
        assert_eq!(parse_count("n", "213.830").unwrap(), 213_830);
        assert_eq!(parse_count("n", "1.000.000").unwrap(), 1_000_000);
        assert!(parse_count("n", "21.38").is_err());
        assert!(parse_count("n", "-5").is_err());
        assert!(parse_count("n", ".100").is_err());
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let s = to_csv(&["a", "b"], &[vec!["UBND huyện Tứ Kỳ".into(), "x,\"y\"".into()]]);
        assert_eq!(s, "a,b\r\nUBND huyện Tứ Kỳ,\"x,\"\"y\"\"\"\r\n");
        assert_eq!(split_csv_line("UBND huyện Tứ Kỳ,\"x,\"\"y\"\"\"").unwrap(), ["UBND huyện Tứ Kỳ", "x,\"y\""]);
    }

    #[test]
    fn rows_sort_by_rate_and_flag_the_target() {
        let t = Decimal::new(30, 2);
        let mut rows = vec![
            RateRow::new("a", "A", "d", PaymentCounts::new(1, 9), 0, t, false),
            RateRow::new("b", "B", "d", PaymentCounts::default(), 0, t, false),
            RateRow::new("c", "C", "d", PaymentCounts::new(3, 7), 0, t, false),
        ];
        sort_by_rate(&mut rows);
        assert_eq!(rows.iter().map(|r| r.code.as_str()).collect::<Vec<_>>(), ["c", "a", "b"]);
        assert_eq!(rows.iter().map(|r| r.below_target).collect::<Vec<_>>(), [false, true, false]);
        assert_eq!(fraction_display(8, 23), "08/23");
    }

    fn arb_dossier() -> impl Strategy<Value = (usize, usize, bool, Option<bool>, i64)> {
        // agency, procedure, has_fees, paid_online, minutes after 2022-12-01T00:00Z (≈ 14 months)
        (0usize..4, 0usize..3, prop::bool::weighted(0.8), prop::option::weighted(0.7, any::<bool>()), 0i64..(60 * 24 * 430))
    }

    proptest! {
        /// Counters maintained one settlement at a time with `counted` (as the Worker does) give
        /// the same per-agency counts, hence the same rates, as counting the raw dossiers, for
        /// any period: whole months from counters, edge days from dossiers.
        #[test]
        fn counters_agree_with_raw_dossiers(
            history in proptest::collection::vec(arb_dossier(), 0..200),
            start in 0i64..400, len in 0i64..400,
        ) {
            let base = time::macros::datetime!(2022-12-01 00:00 UTC);
            let mut counters = Counters::new();
            let mut dossiers = Vec::new();
            for (a, p, fees, online, minutes) in history {
                let paid_at = online.map(|_| crate::calendar::format_iso_date((base + Duration::minutes(minutes)).date()) + &format!(
                    "T{:02}:{:02}:00Z", (base + Duration::minutes(minutes)).hour(), (base + Duration::minutes(minutes)).minute()));
                let d = CountedDossier { agency: format!("A{a}"), procedure: format!("P{p}"), has_fees: fees, paid_online: online, paid_at };
                // The settlement is the state change that counts; a dossier is settled at most once.
                if let Some((k, on)) = counted(&d) { add_to(&mut counters, k, on); }
                dossiers.push(d);
            }
            let from = date!(2022 - 12 - 01) + Duration::days(start);
            let period = Period::range(from, from + Duration::days(len));
            let plan = period.plan();
            let mut fast = from_counters(&counters, &plan.months);
            for (f, t) in &plan.edges { merge(&mut fast, from_dossiers(&dossiers, *f, *t)); }
            let slow = from_dossiers(&dossiers, period.from, period.to);
            let nonzero = |m: BTreeMap<String, PaymentCounts>| m.into_iter().filter(|(_, c)| c.total() > 0).collect::<BTreeMap<_, _>>();
            let (fast, slow) = (nonzero(fast), nonzero(slow));
            prop_assert_eq!(&fast, &slow);
            for (k, c) in &fast {
                prop_assert_eq!(c.rate(), slow[k].rate());
            }
        }

        #[test]
        fn plan_covers_each_day_once(start in 0i64..2000, len in 0i64..800) {
            let from = date!(2020 - 01 - 01) + Duration::days(start);
            let p = Period::range(from, from + Duration::days(len));
            let plan = p.plan();
            let mut days = 0i64;
            for m in &plan.months { let mp = Period::parse("m", m).unwrap(); prop_assert!(p.contains(&mp)); days += (mp.to - mp.from).whole_days() + 1; }
            for (f, t) in &plan.edges { prop_assert!(f <= t); days += (*t - *f).whole_days() + 1; }
            prop_assert_eq!(days, len + 1);
        }

        #[test]
        fn import_roundtrips(rows in proptest::collection::vec(("[A-Z0-9]{1,4}\\.[0-9]{2}", 2000i32..2030, 0u64..1_000_000, 0u64..1_000_000), 1..20)) {
            let mut seen = std::collections::BTreeSet::new();
            let rows: Vec<ImportRow> = rows.into_iter().filter(|(a, y, _, _)| seen.insert((a.clone(), *y))).enumerate()
                .map(|(i, (a, y, on, off))| ImportRow { line: i + 2, agency: a, period: Period::year(y), counts: PaymentCounts::new(on, off) }).collect();
            let back = parse_import(&format_import(&rows)).unwrap();
            prop_assert_eq!(back, rows);
        }
    }
}

#[cfg(test)]
mod to_target_tests {
    use super::*;
    use proptest::prelude::*;

    fn pct(n: i64) -> Decimal {
        Decimal::new(n, 2)
    }

    #[test]
    fn a_commune_at_a_fifth_needs_this_many_more_online_payments() {
        // 20 of 100 online; to reach 30 %: (20 + n) / (100 + n) ≥ 0,3 ⇔ n ≥ 14,29 → 15.
        assert_eq!(online_payments_to_target(20, 100, pct(30)), Some(15));
        assert_eq!(online_payments_to_target(30, 100, pct(30)), Some(0));
        assert_eq!(online_payments_to_target(0, 0, pct(30)), Some(1));
        assert_eq!(online_payments_to_target(5, 10, pct(100)), None);
    }

    proptest! {
        #[test]
        fn the_count_is_the_fewest_that_meets_the_target(online in 0u64..5_000, extra in 0u64..5_000, p in 1i64..100) {
            let total = online + extra;
            let target = pct(p);
            let n = online_payments_to_target(online, total, target).expect("reachable below 100 %");
            let meets = |n: u64| crate::stats::meets_target(Decimal::from(online + n) / Decimal::from(total + n), target);
            prop_assert!(total + n > 0 && meets(n));
            if n > 0 && total + n > 1 {
                prop_assert!(!meets(n - 1), "{} would do", n - 1);
            }
        }
    }
}
