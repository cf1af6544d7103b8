//! The indicators issue #18 adds beside the online payment rate, as pure rules: how a dossier
//! arrives (online, at the counter, by public post — seed 004's "tỷ lệ … có phát sinh hồ sơ trực
//! tuyến"), the citizens' 1–5 ratings per agency, and each unit's own yearly targets (seed 002's
//! "chỉ tiêu được giao"), resolved up the agency tree. The Worker parses, loads and stores; the
//! decisions and the wire types are here.
//!
//! Targets are written as percents ("30", "32.5") and compared as fractions (0.30), like
//! [`crate::stats::meets_target`].

use std::collections::BTreeMap;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::dashboard::Period;
use crate::stats::format_percent_vi;
use crate::validation::FieldError;

// ---------------------------------------------------------------------------------------------
// Intake channels

/// How a dossier reached the agency (`dossiers.channel`).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Online,
    Counter,
    Post,
}

impl Channel {
    pub fn key(self) -> &'static str {
        match self {
            Channel::Online => "online",
            Channel::Counter => "counter",
            Channel::Post => "post",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Channel::Online => "Trực tuyến",
            Channel::Counter => "Tại quầy",
            Channel::Post => "Qua dịch vụ bưu chính công ích",
        }
    }
}

/// The longest postal item number accepted. VNPost's items carry the UPU S10 identifier (two
/// letters, nine digits, two letters, e.g. `RR123456789VN`: 13 characters); domestic items
/// may carry a longer number of the post office's own, hence some room.
pub const POSTAL_ITEM_MAX: usize = 20;
pub const POSTAL_ITEM_MIN: usize = 6;

/// A postal item number as the officer types it: spaces and dashes dropped, upper-cased,
/// letters and digits only, 6–20 characters.
pub fn parse_postal_item(field: &str, input: &str) -> Result<String, FieldError> {
    let s: String = input.chars().filter(|c| !c.is_whitespace() && *c != '-').collect::<String>().to_ascii_uppercase();
    if s.is_empty() {
        return Err(FieldError::new(
            field,
            "required",
            "Vui lòng nhập số hiệu bưu gửi của hồ sơ nhận qua bưu chính.",
            "Enter the postal item number of a dossier received by post.",
        ));
    }
    if !s.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(FieldError::new(
            field,
            "invalid_format",
            "Số hiệu bưu gửi chỉ gồm chữ cái và chữ số (ví dụ RR123456789VN).",
            "A postal item number has letters and digits only (e.g. RR123456789VN).",
        ));
    }
    if s.len() < POSTAL_ITEM_MIN || s.len() > POSTAL_ITEM_MAX {
        return Err(FieldError::new(
            field,
            "invalid_length",
            format!("Số hiệu bưu gửi dài từ {POSTAL_ITEM_MIN} đến {POSTAL_ITEM_MAX} ký tự."),
            format!("A postal item number has {POSTAL_ITEM_MIN} to {POSTAL_ITEM_MAX} characters."),
        ));
    }
    Ok(s)
}

/// How a dossier taken in at the desk arrived: handed in at the counter (the default) or
/// received by public post with its item number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskIntake {
    pub channel: Channel,
    pub postal_item: Option<String>,
}

/// The desk's intake channel from the walk-in body's `channel` and `postal_item`: `counter`
/// (default) or `post` (then the item number is required); `online` is not a desk channel.
pub fn desk_intake(channel: Option<&str>, postal_item: Option<&str>) -> Result<DeskIntake, FieldError> {
    let item = postal_item.map(str::trim).filter(|s| !s.is_empty());
    match channel.map(str::trim).unwrap_or("") {
        "" | "counter" => match item {
            None => Ok(DeskIntake { channel: Channel::Counter, postal_item: None }),
            Some(_) => Err(FieldError::new(
                "postal_item",
                "not_post",
                "Số hiệu bưu gửi chỉ dùng cho hồ sơ nhận qua bưu chính.",
                "A postal item number is only for a dossier received by post.",
            )),
        },
        "post" => Ok(DeskIntake { channel: Channel::Post, postal_item: Some(parse_postal_item("postal_item", item.unwrap_or(""))?) }),
        _ => Err(FieldError::new(
            "channel",
            "invalid_value",
            "Hình thức tiếp nhận chỉ có thể là tại quầy (counter) hoặc qua bưu chính (post).",
            "channel must be counter or post.",
        )),
    }
}

/// Submissions of one agency (or subtree) in one period, by channel.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntakeCounts {
    pub online: u64,
    pub counter: u64,
    pub post: u64,
}

impl IntakeCounts {
    pub fn new(online: u64, counter: u64, post: u64) -> Self {
        IntakeCounts { online, counter, post }
    }

    pub fn of(channel: Channel) -> Self {
        match channel {
            Channel::Online => IntakeCounts::new(1, 0, 0),
            Channel::Counter => IntakeCounts::new(0, 1, 0),
            Channel::Post => IntakeCounts::new(0, 0, 1),
        }
    }

    pub fn total(self) -> u64 {
        self.online.saturating_add(self.counter).saturating_add(self.post)
    }

    /// Online submissions / all submissions, `None` without any.
    pub fn rate(self) -> Option<Decimal> {
        let t = self.total();
        (t > 0).then(|| Decimal::from(self.online) / Decimal::from(t))
    }
}

impl std::ops::Add for IntakeCounts {
    type Output = IntakeCounts;
    fn add(self, r: IntakeCounts) -> IntakeCounts {
        IntakeCounts {
            online: self.online.saturating_add(r.online),
            counter: self.counter.saturating_add(r.counter),
            post: self.post.saturating_add(r.post),
        }
    }
}

impl std::iter::Sum for IntakeCounts {
    fn sum<I: Iterator<Item = IntakeCounts>>(iter: I) -> IntakeCounts {
        iter.fold(IntakeCounts::default(), |a, b| a + b)
    }
}

fn rate_display(rate: Option<Decimal>) -> String {
    rate.map(format_percent_vi).unwrap_or_else(|| "—".into())
}

/// One agency's line of the intake table (its subtree's submissions).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntakeRow {
    pub code: String,
    pub name: String,
    pub level: String,
    pub online: u64,
    pub counter: u64,
    pub post: u64,
    pub total: u64,
    /// online / total, `None` without submissions.
    pub rate: Option<Decimal>,
    /// "42,50%" or "—".
    pub rate_display: String,
    /// The unit's own online-submission target for the period's year (a fraction), resolved
    /// up the tree; `None` when no unit above it set one and there is no default.
    pub target: Option<Decimal>,
    pub target_display: String,
    /// `own`, `inherited`, `default` or `none`.
    pub target_source: String,
    /// Whether the rate meets the unit's target; `None` without a rate or a target.
    pub meets_target: Option<bool>,
    pub has_children: bool,
}

impl IntakeRow {
    pub fn new(code: &str, name: &str, level: &str, c: IntakeCounts, target: &ResolvedTarget, has_children: bool) -> IntakeRow {
        let rate = c.rate();
        IntakeRow {
            code: code.into(),
            name: name.into(),
            level: level.into(),
            online: c.online,
            counter: c.counter,
            post: c.post,
            total: c.total(),
            rate,
            rate_display: rate_display(rate),
            target: target.value,
            target_display: target.display(),
            target_source: target.source.key().into(),
            meets_target: target.meets(rate),
            has_children,
        }
    }

    pub const CSV_HEADER: [&'static str; 9] =
        ["ma_co_quan", "co_quan", "truc_tuyen", "tai_quay", "buu_chinh", "tong", "ty_le_truc_tuyen", "chi_tieu", "dat_chi_tieu"];

    pub fn csv_cells(&self) -> Vec<String> {
        vec![
            self.code.clone(),
            self.name.clone(),
            self.online.to_string(),
            self.counter.to_string(),
            self.post.to_string(),
            self.total.to_string(),
            self.rate_display.clone(),
            self.target_display.clone(),
            verdict(self.meets_target).into(),
        ]
    }
}

/// "Đạt", "Chưa đạt" or "—" (no rate or no target).
pub fn verdict(meets: Option<bool>) -> &'static str {
    match meets {
        Some(true) => "Đạt",
        Some(false) => "Chưa đạt",
        None => "—",
    }
}

/// One procedure of the intake drill-down.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntakeProcedure {
    pub code: String,
    pub name: String,
    pub online: u64,
    pub counter: u64,
    pub post: u64,
    pub total: u64,
    pub rate: Option<Decimal>,
    pub rate_display: String,
}

impl IntakeProcedure {
    pub fn new(code: &str, name: &str, c: IntakeCounts) -> IntakeProcedure {
        IntakeProcedure {
            code: code.into(),
            name: name.into(),
            online: c.online,
            counter: c.counter,
            post: c.post,
            total: c.total(),
            rate: c.rate(),
            rate_display: rate_display(c.rate()),
        }
    }
}

/// One month of the intake trend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntakePoint {
    pub month: String,
    pub online: u64,
    pub counter: u64,
    pub post: u64,
    pub rate: Option<Decimal>,
    pub rate_display: String,
}

impl IntakePoint {
    pub fn new(month: &str, c: IntakeCounts) -> IntakePoint {
        IntakePoint { month: month.into(), online: c.online, counter: c.counter, post: c.post, rate: c.rate(), rate_display: rate_display(c.rate()) }
    }
}

/// `GET /api/dashboard/intake`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntakeView {
    pub period: Period,
    /// The agency asked for, its subtree rolled up.
    pub summary: IntakeRow,
    /// Its direct children, highest online rate first.
    pub rows: Vec<IntakeRow>,
    /// The subtree by procedure, most submissions first.
    pub procedures: Vec<IntakeProcedure>,
    /// Month by month for the subtree.
    pub trend: Vec<IntakePoint>,
    pub parent: Option<String>,
}

/// Sorts like the payment table: highest rate first, units without submissions last.
pub fn sort_intake(rows: &mut [IntakeRow]) {
    rows.sort_by(|a, b| match (a.rate, b.rate) {
        (Some(x), Some(y)) => y.cmp(&x).then_with(|| a.name.cmp(&b.name)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.name.cmp(&b.name),
    });
}

// ---------------------------------------------------------------------------------------------
// Targets

/// What a target measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Indicator {
    /// Fee-bearing dossiers paid online / all paid (the dashboard's rates).
    OnlinePayment,
    /// Dossiers submitted online / all submitted (the intake).
    OnlineSubmission,
}

impl Indicator {
    /// The default when no unit up the tree set one: 30 % for online payment (Nghị quyết
    /// 01/NQ-CP of 06/01/2023, seed 002's footnote 1, also seed 000); none for online
    /// submission — seed 004 says the rate "chưa đạt chỉ tiêu giao" without giving the figure,
    /// and no other seed states one, so a unit compares with a submission target only where a
    /// province, district or the unit itself set it.
    pub fn default_target(self) -> Option<Decimal> {
        match self {
            Indicator::OnlinePayment => Some(Decimal::new(30, 2)),
            Indicator::OnlineSubmission => None,
        }
    }
}

/// Where a unit's target comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "source", content = "agency", rename_all = "snake_case")]
pub enum TargetSource {
    Own,
    /// The nearest ancestor that set one.
    Inherited(String),
    Default,
    None,
}

impl TargetSource {
    pub fn key(&self) -> &'static str {
        match self {
            TargetSource::Own => "own",
            TargetSource::Inherited(_) => "inherited",
            TargetSource::Default => "default",
            TargetSource::None => "none",
        }
    }
}

/// A unit's effective target for one indicator and year (a fraction).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedTarget {
    pub value: Option<Decimal>,
    pub source: TargetSource,
}

impl ResolvedTarget {
    /// "30,00%" or "—".
    pub fn display(&self) -> String {
        self.value.map(format_percent_vi).unwrap_or_else(|| "—".into())
    }

    /// Whether `rate` meets the target (as shown with two decimals); `None` without either.
    pub fn meets(&self, rate: Option<Decimal>) -> Option<bool> {
        Some(crate::stats::meets_target(rate?, self.value?))
    }
}

/// The effective target of a unit: its own when set, else the nearest ancestor's, else the
/// indicator's default. `chain` is the unit first, then its parent, up to the root, each with
/// the target it set itself for the year (a fraction) or `None`.
pub fn resolve(chain: &[(String, Option<Decimal>)], indicator: Indicator) -> ResolvedTarget {
    for (i, (code, own)) in chain.iter().enumerate() {
        if let Some(v) = own {
            let source = if i == 0 { TargetSource::Own } else { TargetSource::Inherited(code.clone()) };
            return ResolvedTarget { value: Some(*v), source };
        }
    }
    match indicator.default_target() {
        Some(v) => ResolvedTarget { value: Some(v), source: TargetSource::Default },
        None => ResolvedTarget { value: None, source: TargetSource::None },
    }
}

/// Targets may be set for these years (a sanity range: the national scorecard starts in 2022,
/// older years are history imported as counts, not targets).
pub const TARGET_YEARS: std::ops::RangeInclusive<i64> = 2020..=2100;

/// `PUT /api/admin/agencies/{code}/targets`: percents as decimal strings; `null` or absent =
/// inherit from the unit above.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TargetsInput {
    pub year: i64,
    #[serde(default)]
    pub online_payment_rate: Option<String>,
    #[serde(default)]
    pub online_submission_rate: Option<String>,
    /// The version the admin read (optional): a change made meanwhile answers 409.
    #[serde(default)]
    pub version: Option<i64>,
}

/// A unit's own targets for a year, as stored (fractions; `None` = inherit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitTargets {
    pub year: i32,
    pub online_payment: Option<Decimal>,
    pub online_submission: Option<Decimal>,
}

/// A percent as people write it (`30`, `32.5`, `32,5`, `30%`) → a fraction in [0, 1], at most
/// two decimals of a percent; every failure names `field`.
pub fn parse_percent(field: &str, input: &str) -> Result<Decimal, FieldError> {
    let s = input.trim().trim_end_matches('%').trim().replace(',', ".");
    let bad = || {
        FieldError::new(
            field,
            "invalid_percent",
            "Chỉ tiêu là tỷ lệ phần trăm từ 0 đến 100, tối đa 2 chữ số thập phân (ví dụ 30 hoặc 32,5).",
            "A target is a percent from 0 to 100 with at most 2 decimals (e.g. 30 or 32.5).",
        )
    };
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return Err(bad());
    }
    let p = Decimal::from_str(&s).map_err(|_| bad())?;
    if p < Decimal::ZERO || p > Decimal::ONE_HUNDRED || p.normalize().scale() > 2 {
        return Err(bad());
    }
    Ok(p / Decimal::ONE_HUNDRED)
}

/// A fraction as the stored/wire percent string: 0.325 → "32.5", 0.3 → "30".
pub fn percent_string(fraction: Decimal) -> String {
    (fraction * Decimal::ONE_HUNDRED).normalize().to_string()
}

/// Parses a targets body: the year in range, each rate a percent or null.
pub fn parse_targets(input: &TargetsInput) -> Result<UnitTargets, FieldError> {
    if !TARGET_YEARS.contains(&input.year) {
        return Err(FieldError::new(
            "year",
            "invalid_year",
            format!("Năm giao chỉ tiêu phải từ {} đến {}.", TARGET_YEARS.start(), TARGET_YEARS.end()),
            format!("The year must be from {} to {}.", TARGET_YEARS.start(), TARGET_YEARS.end()),
        ));
    }
    let opt = |field: &str, v: &Option<String>| -> Result<Option<Decimal>, FieldError> {
        match v.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(s) => parse_percent(field, s).map(Some),
        }
    };
    Ok(UnitTargets {
        year: input.year as i32,
        online_payment: opt("online_payment_rate", &input.online_payment_rate)?,
        online_submission: opt("online_submission_rate", &input.online_submission_rate)?,
    })
}

/// One indicator's effective target as `GET …/targets` shows it.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EffectiveTarget {
    /// Percent string ("30") or null when there is none.
    pub rate: Option<String>,
    /// "30,00%" or "—".
    pub display: String,
    /// `own`, `inherited`, `default` or `none`.
    pub source: String,
    /// The ancestor it is inherited from.
    pub from_agency: Option<String>,
}

impl From<&ResolvedTarget> for EffectiveTarget {
    fn from(t: &ResolvedTarget) -> Self {
        EffectiveTarget {
            rate: t.value.map(percent_string),
            display: t.display(),
            source: t.source.key().into(),
            from_agency: match &t.source {
                TargetSource::Inherited(a) => Some(a.clone()),
                _ => None,
            },
        }
    }
}

/// `GET|PUT /api/admin/agencies/{code}/targets`.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetsView {
    pub agency: String,
    pub year: i32,
    /// The unit's own targets (percent strings), null where it inherits.
    pub online_payment_rate: Option<String>,
    pub online_submission_rate: Option<String>,
    /// What applies to the unit after inheritance.
    pub effective_online_payment: EffectiveTarget,
    pub effective_online_submission: EffectiveTarget,
    /// 0 when the unit never set targets for the year.
    pub version: i64,
    pub set_by: Option<String>,
    pub set_at: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Ratings per agency

/// Ratings tallied for one agency (or subtree).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RatingTally {
    /// Ratings with score 1..=5 at index 0..=4.
    pub distribution: [u64; 5],
    pub reasons: BTreeMap<String, u64>,
}

impl RatingTally {
    pub fn add(&mut self, score: u8, reasons: &[String], times: u64) {
        if (1..=5).contains(&score) {
            self.distribution[(score - 1) as usize] += times;
        }
        for r in reasons {
            *self.reasons.entry(r.clone()).or_default() += times;
        }
    }

    pub fn merge(&mut self, other: &RatingTally) {
        for i in 0..5 {
            self.distribution[i] += other.distribution[i];
        }
        for (k, v) in &other.reasons {
            *self.reasons.entry(k.clone()).or_default() += v;
        }
    }

    pub fn count(&self) -> u64 {
        self.distribution.iter().sum()
    }

    /// The mean score with two decimals, `None` without ratings.
    pub fn average(&self) -> Option<Decimal> {
        let n = self.count();
        (n > 0).then(|| {
            let sum: u64 = self.distribution.iter().enumerate().map(|(i, c)| (i as u64 + 1) * c).sum();
            (Decimal::from(sum) / Decimal::from(n)).round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
        })
    }

    /// The most chosen reasons, most first (ties by code), at most `n`.
    pub fn top_reasons(&self, n: usize) -> Vec<(String, u64)> {
        let mut v: Vec<(String, u64)> = self.reasons.iter().map(|(k, c)| (k.clone(), *c)).filter(|(_, c)| *c > 0).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        v.truncate(n);
        v
    }
}

/// A reason with how often it was chosen.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReasonCount {
    pub code: String,
    pub label: String,
    pub count: u64,
}

/// One agency's line of `GET /api/dashboard/ratings`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RatingsRow {
    pub code: String,
    pub name: String,
    pub count: u64,
    /// Mean score 1–5 (two decimals), null without ratings.
    pub average: Option<Decimal>,
    /// "4,25" or "—".
    pub average_display: String,
    /// How many ratings gave 1, 2, 3, 4, 5.
    pub distribution: [u64; 5],
    /// Share of ratings at 4 or 5, "75,00%" or "—".
    pub satisfied_display: String,
    /// The three most chosen reasons.
    pub top_reasons: Vec<ReasonCount>,
    pub has_children: bool,
}

/// Number with a decimal comma (4.25 → "4,25").
pub fn decimal_vi(d: Decimal) -> String {
    format!("{d:.2}").replace('.', ",")
}

impl RatingsRow {
    pub fn new(code: &str, name: &str, t: &RatingTally, label: impl Fn(&str) -> String, has_children: bool) -> RatingsRow {
        let n = t.count();
        let satisfied = t.distribution[3] + t.distribution[4];
        RatingsRow {
            code: code.into(),
            name: name.into(),
            count: n,
            average: t.average(),
            average_display: t.average().map(decimal_vi).unwrap_or_else(|| "—".into()),
            distribution: t.distribution,
            satisfied_display: if n == 0 { "—".into() } else { format_percent_vi(Decimal::from(satisfied) / Decimal::from(n)) },
            top_reasons: t.top_reasons(3).into_iter().map(|(code, count)| ReasonCount { label: label(&code), code, count }).collect(),
            has_children,
        }
    }

    pub const CSV_HEADER: [&'static str; 11] =
        ["ma_co_quan", "co_quan", "so_danh_gia", "diem_trung_binh", "1", "2", "3", "4", "5", "ty_le_hai_long", "ly_do_nhieu_nhat"];

    pub fn csv_cells(&self) -> Vec<String> {
        let mut v = vec![self.code.clone(), self.name.clone(), self.count.to_string(), self.average_display.clone()];
        v.extend(self.distribution.iter().map(|c| c.to_string()));
        v.push(self.satisfied_display.clone());
        v.push(self.top_reasons.iter().map(|r| format!("{} ({})", r.label, r.count)).collect::<Vec<_>>().join("; "));
        v
    }
}

/// `GET /api/dashboard/ratings`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RatingsView {
    pub period: Period,
    pub summary: RatingsRow,
    /// Direct children, most ratings first.
    pub rows: Vec<RatingsRow>,
    pub parent: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn the_desk_takes_counter_by_default_and_post_with_its_item() {
        assert_eq!(desk_intake(None, None).unwrap(), DeskIntake { channel: Channel::Counter, postal_item: None });
        assert_eq!(desk_intake(Some("counter"), Some("  ")).unwrap().channel, Channel::Counter);
        let post = desk_intake(Some("post"), Some(" rr 123456789-vn ")).unwrap();
        assert_eq!((post.channel, post.postal_item.as_deref()), (Channel::Post, Some("RR123456789VN")));
        assert_eq!(desk_intake(Some("post"), None).unwrap_err().field, "postal_item");
        assert_eq!(desk_intake(Some("post"), Some("RR12345<script>")).unwrap_err().code, "invalid_format");
        assert_eq!(desk_intake(Some("post"), Some("RR1")).unwrap_err().code, "invalid_length");
        assert_eq!(desk_intake(Some("post"), Some(&"9".repeat(21))).unwrap_err().code, "invalid_length");
        assert_eq!(desk_intake(Some("online"), None).unwrap_err().field, "channel");
        assert_eq!(desk_intake(Some("counter"), Some("RR123456789VN")).unwrap_err().code, "not_post");
    }

    #[test]
    fn intake_rate_is_online_over_all_channels() {
        let c = IntakeCounts::new(3, 4, 1);
        assert_eq!(c.total(), 8);
        assert_eq!(format_percent_vi(c.rate().unwrap()), "37,50%");
        assert_eq!(IntakeCounts::default().rate(), None);
        assert_eq!(IntakeCounts::of(Channel::Post) + IntakeCounts::of(Channel::Online), IntakeCounts::new(1, 0, 1));
    }

    #[test]
    fn a_unit_uses_its_own_target_else_the_nearest_ancestors_else_the_default() {
        let chain = |own: Option<&str>, district: Option<&str>, province: Option<&str>| {
            vec![
                ("XA".to_string(), own.map(d)),
                ("HUYEN".to_string(), district.map(d)),
                ("TINH".to_string(), province.map(d)),
            ]
        };
        let own = resolve(&chain(Some("0.45"), Some("0.40"), Some("0.35")), Indicator::OnlinePayment);
        assert_eq!((own.value, own.source.clone()), (Some(d("0.45")), TargetSource::Own));
        let up = resolve(&chain(None, None, Some("0.35")), Indicator::OnlinePayment);
        assert_eq!((up.value, up.source.clone()), (Some(d("0.35")), TargetSource::Inherited("TINH".into())));
        let nearest = resolve(&chain(None, Some("0.40"), Some("0.35")), Indicator::OnlineSubmission);
        assert_eq!(nearest.source, TargetSource::Inherited("HUYEN".into()));
        let default = resolve(&chain(None, None, None), Indicator::OnlinePayment);
        assert_eq!((default.value, default.source.key(), default.display().as_str()), (Some(d("0.30")), "default", "30,00%"));
        let none = resolve(&chain(None, None, None), Indicator::OnlineSubmission);
        assert_eq!((none.value, none.source.key(), none.meets(Some(Decimal::ONE))), (None, "none", None));
        assert_eq!(own.meets(Some(d("0.45"))), Some(true));
        assert_eq!(own.meets(Some(d("0.4499"))), Some(false));
        assert_eq!(own.meets(None), None);
        // A unit's own zero is a target, not "inherit".
        assert_eq!(resolve(&chain(Some("0"), Some("0.4"), None), Indicator::OnlinePayment).source, TargetSource::Own);
    }

    #[test]
    fn targets_are_percents_from_0_to_100_in_a_sane_year() {
        let ok = parse_targets(&TargetsInput {
            year: 2026,
            online_payment_rate: Some("32,5".into()),
            online_submission_rate: Some("50%".into()),
            version: None,
        })
        .unwrap();
        assert_eq!((ok.online_payment, ok.online_submission), (Some(d("0.325")), Some(d("0.5"))));
        assert_eq!(percent_string(d("0.325")), "32.5");
        assert_eq!(percent_string(d("0.30")), "30");
        let inherit = parse_targets(&TargetsInput { year: 2026, online_payment_rate: None, online_submission_rate: Some(" ".into()), version: None }).unwrap();
        assert_eq!((inherit.online_payment, inherit.online_submission), (None, None));
        for (year, pay, sub, field) in [
            (1999, "30", "50", "year"),
            (2101, "30", "50", "year"),
            (2026, "101", "50", "online_payment_rate"),
            (2026, "-1", "50", "online_payment_rate"),
            (2026, "30", "abc", "online_submission_rate"),
            (2026, "30", "12.345", "online_submission_rate"),
            (2026, "1e2", "50", "online_payment_rate"),
        ] {
            let e = parse_targets(&TargetsInput { year, online_payment_rate: Some(pay.into()), online_submission_rate: Some(sub.into()), version: None })
                .unwrap_err();
            assert_eq!(e.field, field, "{year} {pay} {sub}");
        }
        assert_eq!(parse_percent("p", "100").unwrap(), Decimal::ONE);
        assert_eq!(parse_percent("p", "0").unwrap(), Decimal::ZERO);
    }

    #[test]
    fn ratings_tally_average_distribution_and_top_reasons() {
        let mut t = RatingTally::default();
        t.add(5, &["thai_do_can_bo".into(), "dung_hen".into()], 1);
        t.add(4, &["thai_do_can_bo".into()], 1);
        t.add(2, &["thu_tuc_giay_to".into()], 1);
        t.add(9, &[], 1); // out of range: ignored
        let mut other = RatingTally::default();
        other.add(5, &["dung_hen".into(), "thai_do_can_bo".into()], 1);
        t.merge(&other);
        assert_eq!(t.distribution, [0, 1, 0, 1, 2]);
        assert_eq!(t.count(), 4);
        assert_eq!(t.average(), Some(d("4")));
        assert_eq!(t.top_reasons(2), vec![("thai_do_can_bo".to_string(), 3), ("dung_hen".to_string(), 2)]);
        let row = RatingsRow::new("A", "Xã A", &t, |c| c.to_uppercase(), false);
        assert_eq!((row.average_display.as_str(), row.satisfied_display.as_str()), ("4,00", "75,00%"));
        assert_eq!(row.top_reasons[0].label, "THAI_DO_CAN_BO");
        let empty = RatingsRow::new("B", "B", &RatingTally::default(), |c| c.into(), false);
        assert_eq!((empty.average, empty.average_display.as_str(), empty.satisfied_display.as_str()), (None, "—", "—"));
    }

    proptest! {
        /// Whatever the chain, the resolved target is the first one set walking up, and its
        /// source says where it came from.
        #[test]
        fn resolution_takes_the_first_set_target_up_the_tree(own in proptest::collection::vec(proptest::option::of(0u32..=10_000), 0..6)) {
            let chain: Vec<(String, Option<Decimal>)> = own.iter().enumerate().map(|(i, v)| (format!("A{i}"), v.map(|x| Decimal::new(x as i64, 4)))).collect();
            let r = resolve(&chain, Indicator::OnlinePayment);
            match chain.iter().position(|(_, v)| v.is_some()) {
                Some(0) => prop_assert_eq!(r.source, TargetSource::Own),
                Some(i) => { prop_assert_eq!(r.value, chain[i].1); prop_assert_eq!(r.source, TargetSource::Inherited(format!("A{i}"))); }
                None => prop_assert_eq!(r.value, Some(Decimal::new(30, 2))),
            }
        }

        #[test]
        fn percent_strings_read_back(p in 0u32..=10_000) {
            let f = Decimal::new(p as i64, 4);
            prop_assert_eq!(parse_percent("p", &percent_string(f)).unwrap(), f);
        }
    }
}
