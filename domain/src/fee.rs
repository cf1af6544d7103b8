//! Fee schedules: what a procedure costs, as data. A schedule lists the inputs it needs (page
//! count, copies, declared value...) and dated versions, each with its legal basis and its
//! lines (fixed, per unit with tiers and a per-copy cap, percentage of a declared value), each
//! line possibly zeroed by an exemption that says why and on which legal basis. [`evaluate`]
//! turns a schedule, a date and the dossier's inputs into the itemized breakdown the fee notice
//! shows and `POST /api/fees/quote` answers. A missing or invalid input is a [`FieldError`]
//! naming it, never a silent zero. The schedules of the demo procedures live in
//! `domain/data/fee_schedules.json` ([`demo_schedules`]).
//!
//! Beneficiary (who receives a line's money) is symbolic:
//! - `"agency"`: the handling agency's own fee-collection account. Used for *phí* (chứng thực,
//!   bản sao trích lục), of which the collecting agency may keep a share under the circular.
//! - `"treasury"`: the State Treasury (Kho bạc Nhà nước) budget account. Used for *lệ phí*
//!   (hộ tịch, cư trú, trước bạ), which are paid in full to the state budget.
//!
//! The functions resolve the symbol to a real account of the handling agency.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::Date;

use crate::calendar::{self, iso_date};
use crate::money::Vnd;
use crate::validation::FieldError;

/// Phí (a charge for a service, partly kept by the agency) or lệ phí (a state charge paid in
/// full to the budget), as Luật Phí và lệ phí 2015 distinguishes them.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeeKind {
    Phi,
    LePhi,
}

impl FeeKind {
    pub fn label_vi(self) -> &'static str {
        match self {
            FeeKind::Phi => "Phí",
            FeeKind::LePhi => "Lệ phí",
        }
    }

    /// The English terms of the Law on Fees and Charges' official translation.
    pub fn label_en(self) -> &'static str {
        match self {
            FeeKind::Phi => "Fee",
            FeeKind::LePhi => "Charge",
        }
    }
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeeSchedule {
    /// National base procedure code (mã TTHC), e.g. `2.000815`.
    pub procedure: String,
    pub name: String,
    #[serde(default)]
    pub inputs: Vec<InputDef>,
    pub versions: Vec<FeeVersion>,
}

/// One input a schedule needs, as the form asks for it.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputDef {
    /// The key in `inputs` (`pages`, `copies`, `value`, `birth_date`...).
    pub name: String,
    pub label_vi: String,
    pub kind: InputKind,
    /// Smallest count accepted (counts only; 1 unless said otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<u64>,
    /// Used when the input is absent; without a default the input is required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    /// A whole number (pages, copies, cases).
    Count,
    /// An amount of đồng (declared value); integer or "1.234.567".
    Money,
    /// A yes/no fact (poor household, submitted online).
    Flag,
    /// A `YYYY-MM-DD` date that cannot be after the evaluation date (date of birth, of death).
    Date,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeeVersion {
    #[serde(with = "iso_date")]
    #[cfg_attr(feature = "openapi", schemars(with = "String"))]
    pub effective_from: Date,
    /// The documents that set this version, e.g. "Thông tư 226/2016/TT-BTC".
    pub legal_basis: String,
    /// What is assumed or unverified about this version, for the admin who maintains it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default)]
    pub lines: Vec<FeeLine>,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeeLine {
    /// Stable key of the line within the schedule (`copy_fee`, `registration_fee`...).
    pub code: String,
    pub name: String,
    pub kind: FeeKind,
    pub beneficiary: String,
    /// Article-level legal basis of this amount, e.g. "Thông tư 226/2016/TT-BTC, Điều 4".
    pub legal_basis: String,
    pub rule: Rule,
    /// The line is charged only when this holds (e.g. registration submitted at the counter).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applies_if: Option<Condition>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exemptions: Vec<Exemption>,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Rule {
    /// `amount` per unit, times the count input `per` when given (otherwise once).
    Fixed {
        amount: Vnd,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        per: Option<String>,
    },
    /// Priced per unit (`unit_input`, e.g. pages) with tiers, capped per group, times the
    /// count input `groups` (e.g. copies).
    PerUnit {
        unit_input: String,
        tiers: Vec<Tier>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cap_per_group: Option<Vnd>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        groups: Option<String>,
        /// Display words for the unit and the group ("trang", "bản").
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit_vi: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        group_vi: Option<String>,
    },
    /// `rate_percent` % of the money input `value_input`, rounded half up to the đồng, then
    /// held between `min` and `max` when given.
    Percentage {
        value_input: String,
        #[cfg_attr(feature = "openapi", schemars(with = "String"))]
        rate_percent: Decimal,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<Vnd>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<Vnd>,
    },
}

/// Units numbered `from` (1-based) onwards cost `unit_price`, until the next tier starts.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tier {
    pub from: u64,
    pub unit_price: Vnd,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Exemption {
    pub when: Condition,
    pub reason_vi: String,
    pub reason_en: String,
    pub legal_basis: String,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Condition {
    /// The flag input is true.
    Flag { input: String },
    /// The flag input is false.
    NotFlag { input: String },
    /// The date input lies at most `days` days before the evaluation date.
    WithinDays { input: String, days: u32 },
}

/// The itemized answer: also the body of `POST /api/fees/quote`.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeeBreakdown {
    pub procedure: String,
    pub total: Vnd,
    pub lines: Vec<FeeLineAmount>,
    #[serde(with = "iso_date")]
    #[cfg_attr(feature = "openapi", schemars(with = "String"))]
    pub effective_from: Date,
    pub legal_basis: String,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeeLineAmount {
    pub code: String,
    pub name: String,
    pub kind: FeeKind,
    pub quantity: u64,
    pub unit_price: Vnd,
    pub amount: Vnd,
    pub beneficiary: String,
    pub legal_basis: String,
    /// How the amount was reached, in Vietnamese ("5 trang: 2 × 2.000 đ + 3 × 1.000 đ").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail_vi: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exemption: Option<AppliedExemption>,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedExemption {
    pub reason_vi: String,
    pub reason_en: String,
    pub legal_basis: String,
}

/// An input after checking, by kind.
#[derive(Debug, Clone, PartialEq)]
enum InputValue {
    Count(u64),
    Money(Vnd),
    Flag(bool),
    Date(Date),
}

/// The version in force on `date`: the latest whose `effective_from` is not after it.
pub fn version_on(schedule: &FeeSchedule, date: Date) -> Option<&FeeVersion> {
    schedule.versions.iter().filter(|v| v.effective_from <= date).max_by_key(|v| v.effective_from)
}

/// The schedule that applies in one province on `date`. The law lets the provincial People's
/// Council (HĐND tỉnh) set many phí and lệ phí, so a province may have versions of its own
/// (`provincial`, that province's only): when one of them is in force on `date` the province's
/// versions apply, otherwise the national ones. Another province's quote never sees them.
pub fn for_province(national: &FeeSchedule, provincial: &[FeeVersion], date: Date) -> FeeSchedule {
    let mut schedule = national.clone();
    if provincial.iter().any(|v| v.effective_from <= date) {
        schedule.versions = provincial.to_vec();
        schedule.versions.sort_by_key(|v| v.effective_from);
    }
    schedule
}

pub fn find_schedule<'a>(schedules: &'a [FeeSchedule], procedure: &str) -> Option<&'a FeeSchedule> {
    schedules.iter().find(|s| s.procedure == procedure)
}

/// Evaluates `schedule` on `date` (the submission/registration date, which also anchors
/// "within N days" exemptions) with the dossier's `inputs`. Errors name the input.
pub fn evaluate(schedule: &FeeSchedule, date: Date, inputs: &Map<String, Value>) -> Result<FeeBreakdown, FieldError> {
    let version = version_on(schedule, date).ok_or_else(|| {
        FieldError::new(
            "date",
            "no_fee_schedule",
            format!("Chưa có biểu phí, lệ phí áp dụng cho ngày {}.", calendar::format_iso_date(date)),
            format!("No fee schedule is in force on {}.", calendar::format_iso_date(date)),
        )
    })?;
    let values = read_inputs(&schedule.inputs, date, inputs)?;
    let mut lines = Vec::with_capacity(version.lines.len());
    for line in &version.lines {
        if let Some(cond) = &line.applies_if {
            if !holds(cond, &values, date)? {
                continue;
            }
        }
        let mut amount = line_amount(&line.rule, &values)?;
        if amount.quantity == 0 {
            continue; // an optional extra not asked for (e.g. no extra copies)
        }
        for ex in &line.exemptions {
            if holds(&ex.when, &values, date)? {
                amount.amount = Vnd::ZERO;
                amount.exemption = Some(AppliedExemption {
                    reason_vi: ex.reason_vi.clone(),
                    reason_en: ex.reason_en.clone(),
                    legal_basis: ex.legal_basis.clone(),
                });
                break;
            }
        }
        lines.push(FeeLineAmount {
            code: line.code.clone(),
            name: line.name.clone(),
            kind: line.kind,
            quantity: amount.quantity,
            unit_price: amount.unit_price,
            amount: amount.amount,
            beneficiary: line.beneficiary.clone(),
            legal_basis: line.legal_basis.clone(),
            detail_vi: amount.detail_vi,
            exemption: amount.exemption,
        });
    }
    let total = lines.iter().map(|l| l.amount).sum();
    Ok(FeeBreakdown {
        procedure: schedule.procedure.clone(),
        total,
        lines,
        effective_from: version.effective_from,
        legal_basis: version.legal_basis.clone(),
    })
}

struct Computed {
    quantity: u64,
    unit_price: Vnd,
    amount: Vnd,
    detail_vi: Option<String>,
    exemption: Option<AppliedExemption>,
}

fn line_amount(rule: &Rule, values: &[(String, InputValue)]) -> Result<Computed, FieldError> {
    match rule {
        Rule::Fixed { amount, per } => {
            let quantity = match per {
                Some(name) => count(values, name)?,
                None => 1,
            };
            Ok(Computed {
                quantity,
                unit_price: *amount,
                amount: amount.times(quantity),
                detail_vi: None,
                exemption: None,
            })
        }
        Rule::PerUnit { unit_input, tiers, cap_per_group, groups, unit_vi, group_vi } => {
            let units = count(values, unit_input)?;
            let groups_n = match groups {
                Some(name) => count(values, name)?,
                None => 1,
            };
            let (raw, parts) = tiered(units, tiers);
            let per_group = match cap_per_group {
                Some(cap) => raw.min(*cap),
                None => raw,
            };
            let unit = unit_vi.as_deref().unwrap_or("đơn vị");
            let group = group_vi.as_deref().unwrap_or("lần");
            let mut detail = format!("{units} {unit}: {} = {raw}", parts.join(" + "));
            if per_group < raw {
                detail.push_str(&format!(", tối đa {per_group}/{group}"));
            }
            Ok(Computed {
                quantity: groups_n,
                unit_price: per_group,
                amount: per_group.times(groups_n),
                detail_vi: Some(detail),
                exemption: None,
            })
        }
        Rule::Percentage { value_input, rate_percent, min, max } => {
            let value = money(values, value_input)?;
            let mut amount = value.percent_of(*rate_percent);
            if let Some(min) = min {
                amount = amount.max(*min);
            }
            if let Some(max) = max {
                amount = amount.min(*max);
            }
            let rate = rate_percent.normalize().to_string().replace('.', ",");
            Ok(Computed {
                quantity: 1,
                unit_price: amount,
                amount,
                detail_vi: Some(format!("{rate} % × {value}")),
                exemption: None,
            })
        }
    }
}

/// Price of `units` units under `tiers`, with the parts for display ("2 × 2.000 đ").
fn tiered(units: u64, tiers: &[Tier]) -> (Vnd, Vec<String>) {
    let mut sorted: Vec<&Tier> = tiers.iter().collect();
    sorted.sort_by_key(|t| t.from);
    let mut total = Vnd::ZERO;
    let mut parts = Vec::new();
    for (i, tier) in sorted.iter().enumerate() {
        let start = tier.from.max(1);
        if units < start {
            break;
        }
        let end = sorted.get(i + 1).map(|next| next.from.saturating_sub(1)).unwrap_or(u64::MAX).min(units);
        if end < start {
            continue;
        }
        let n = end - start + 1;
        total = total + tier.unit_price.times(n);
        parts.push(format!("{n} × {}", tier.unit_price));
    }
    (total, parts)
}

fn lookup<'a>(values: &'a [(String, InputValue)], name: &str) -> Result<&'a InputValue, FieldError> {
    values.iter().find(|(n, _)| n == name).map(|(_, v)| v).ok_or_else(|| {
        // A schedule that uses an input it does not declare is a data error; report it at the input.
        FieldError::new(
            name,
            "undeclared_input",
            "Biểu phí dùng một thông tin không được khai báo.",
            "The fee schedule uses an input it does not declare.",
        )
    })
}

fn count(values: &[(String, InputValue)], name: &str) -> Result<u64, FieldError> {
    match lookup(values, name)? {
        InputValue::Count(n) => Ok(*n),
        _ => Err(wrong_kind(name)),
    }
}

fn money(values: &[(String, InputValue)], name: &str) -> Result<Vnd, FieldError> {
    match lookup(values, name)? {
        InputValue::Money(v) => Ok(*v),
        _ => Err(wrong_kind(name)),
    }
}

fn wrong_kind(name: &str) -> FieldError {
    FieldError::new(
        name,
        "wrong_input_kind",
        "Biểu phí dùng thông tin này sai kiểu.",
        "The fee schedule uses this input with the wrong kind.",
    )
}

fn holds(cond: &Condition, values: &[(String, InputValue)], date: Date) -> Result<bool, FieldError> {
    match cond {
        Condition::Flag { input } | Condition::NotFlag { input } => {
            let flag = match lookup(values, input)? {
                InputValue::Flag(b) => *b,
                _ => return Err(wrong_kind(input)),
            };
            Ok(if matches!(cond, Condition::Flag { .. }) { flag } else { !flag })
        }
        Condition::WithinDays { input, days } => match lookup(values, input)? {
            InputValue::Date(d) => Ok(calendar::days_between(*d, date) <= i64::from(*days)),
            _ => Err(wrong_kind(input)),
        },
    }
}

fn read_inputs(defs: &[InputDef], date: Date, inputs: &Map<String, Value>) -> Result<Vec<(String, InputValue)>, FieldError> {
    defs.iter()
        .map(|def| {
            let raw = match inputs.get(&def.name) {
                Some(Value::Null) | None => def.default.as_ref(),
                Some(v) => Some(v),
            };
            let raw = raw.ok_or_else(|| FieldError::required(&def.name))?;
            read_one(def, date, raw).map(|v| (def.name.clone(), v))
        })
        .collect()
}

fn read_one(def: &InputDef, date: Date, raw: &Value) -> Result<InputValue, FieldError> {
    let field = def.name.as_str();
    match def.kind {
        InputKind::Count => {
            let n = match raw {
                Value::Number(n) => {
                    if let Some(u) = n.as_u64() {
                        u
                    } else if n.as_i64().is_some_and(|i| i < 0) || n.as_f64().is_some_and(|f| f < 0.0) {
                        return Err(FieldError::new(field, "negative", "Số lượng không được âm.", "The count cannot be negative."));
                    } else {
                        return Err(not_whole(field));
                    }
                }
                Value::String(s) => {
                    let t = s.trim();
                    if t.starts_with('-') {
                        return Err(FieldError::new(field, "negative", "Số lượng không được âm.", "The count cannot be negative."));
                    }
                    t.parse::<u64>().map_err(|_| not_whole(field))?
                }
                _ => return Err(not_whole(field)),
            };
            let min = def.min.unwrap_or(1);
            if n < min {
                return Err(FieldError::new(
                    field,
                    "too_small",
                    format!("{} phải từ {min} trở lên.", def.label_vi),
                    format!("{field} must be at least {min}."),
                ));
            }
            // A hostile count would only saturate the amount; refuse it openly instead.
            if n > 1_000_000 {
                return Err(FieldError::new(field, "too_large", "Số lượng quá lớn.", "The count is too large."));
            }
            Ok(InputValue::Count(n))
        }
        InputKind::Money => match raw {
            Value::Number(n) => match n.as_i64() {
                Some(i) => Vnd::from_dong(field, i).map(InputValue::Money),
                None if n.as_f64().is_some_and(|f| f < 0.0) => Vnd::from_dong(field, -1).map(InputValue::Money),
                None => Err(FieldError::new(
                    field,
                    "fraction",
                    "Số tiền phải là số nguyên đồng (không có phần lẻ).",
                    "The amount must be a whole number of đồng.",
                )),
            },
            Value::String(s) => Vnd::parse(field, s).map(InputValue::Money),
            _ => Err(Vnd::parse(field, "?").unwrap_err()),
        },
        InputKind::Flag => match raw {
            Value::Bool(b) => Ok(InputValue::Flag(*b)),
            _ => Err(FieldError::new(field, "invalid_flag", "Cần chọn có hoặc không.", "Expected true or false.")),
        },
        InputKind::Date => {
            let s = raw.as_str().ok_or_else(|| calendar::parse_iso_date(field, "?").unwrap_err())?;
            let d = calendar::parse_iso_date(field, s)?;
            if d > date {
                return Err(FieldError::new(
                    field,
                    "in_future",
                    "Ngày này không thể sau ngày nộp hồ sơ.",
                    "This date cannot be after the submission date.",
                ));
            }
            Ok(InputValue::Date(d))
        }
    }
}

fn not_whole(field: &str) -> FieldError {
    FieldError::new(
        field,
        "invalid_count",
        "Số lượng phải là số nguyên dương.",
        "The count must be a whole positive number.",
    )
}

const DEMO_SCHEDULES_JSON: &str = include_str!("../data/fee_schedules.json");

/// The schedules of the ten demo procedures (`domain/data/fee_schedules.json`), keyed by
/// national procedure code.
pub fn demo_schedules() -> Vec<FeeSchedule> {
    serde_json::from_str(DEMO_SCHEDULES_JSON).expect("domain/data/fee_schedules.json is valid (tested)")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;
    use time::macros::date;

    #[test]
    fn fee_kinds_have_english_labels() {
        for k in [FeeKind::Phi, FeeKind::LePhi] {
            assert!(!k.label_en().is_empty());
            assert_ne!(k.label_en(), k.label_vi());
        }
        assert_ne!(FeeKind::Phi.label_en(), FeeKind::LePhi.label_en());
    }

    fn schedule(code: &str) -> FeeSchedule {
        find_schedule(&demo_schedules(), code).unwrap_or_else(|| panic!("no schedule {code}")).clone()
    }

    fn inputs(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    fn total(code: &str, on: Date, v: Value) -> i64 {
        evaluate(&schedule(code), on, &inputs(v)).unwrap().total.as_dong()
    }

    const TODAY: Date = date!(2024 - 04 - 10);

    #[test]
    fn certified_copy_real_figures() {
        // Thông tư 226/2016/TT-BTC: 2.000 đ/page for pages 1–2, 1.000 đ from page 3, ≤ 200.000 đ/copy.
        assert_eq!(total("2.000815", TODAY, json!({"pages": 5, "copies": 1})), 7_000);
        assert_eq!(total("2.000815", TODAY, json!({"pages": 198, "copies": 1})), 200_000);
        assert_eq!(total("2.000815", TODAY, json!({"pages": 250, "copies": 1})), 200_000);
        assert_eq!(total("2.000815", TODAY, json!({"pages": 5, "copies": 3})), 21_000);
        assert_eq!(total("2.000815", TODAY, json!({"pages": 1, "copies": 1})), 2_000);
        assert_eq!(total("2.000815", TODAY, json!({"pages": 2, "copies": 2})), 8_000);
        assert_eq!(total("2.000815", TODAY, json!({"pages": "3"})), 5_000); // copies default 1
    }

    #[test]
    fn certified_copy_line_is_itemized() {
        let b = evaluate(&schedule("2.000815"), TODAY, &inputs(json!({"pages": 5, "copies": 3}))).unwrap();
        assert_eq!(b.lines.len(), 1);
        let line = &b.lines[0];
        assert_eq!((line.quantity, line.unit_price.as_dong(), line.amount.as_dong()), (3, 7_000, 21_000));
        assert_eq!(line.kind, FeeKind::Phi);
        assert_eq!(line.beneficiary, "agency");
        assert!(line.legal_basis.contains("226/2016/TT-BTC"));
        assert_eq!(line.detail_vi.as_deref(), Some("5 trang: 2 × 2.000 đ + 3 × 1.000 đ = 7.000 đ"));
        let capped = evaluate(&schedule("2.000815"), TODAY, &inputs(json!({"pages": 250}))).unwrap();
        assert!(capped.lines[0].detail_vi.as_deref().unwrap().ends_with("= 252.000 đ, tối đa 200.000 đ/bản"));
    }

    #[test]
    fn land_registration_fee_is_half_a_percent() {
        // Nghị định 10/2022/NĐ-CP Điều 8: 0,5 % of 2.000.000.000 đ.
        let b = evaluate(&schedule("1.013831"), TODAY, &inputs(json!({"value": 2_000_000_000i64}))).unwrap();
        assert_eq!(b.total.as_dong(), 10_000_000);
        assert_eq!(b.lines[0].beneficiary, "treasury");
        assert_eq!(b.lines[0].kind, FeeKind::LePhi);
        assert!(b.legal_basis.contains("10/2022/NĐ-CP"));
        // Before 01/03/2022 the older decree applies, same rate.
        let old = evaluate(&schedule("1.013831"), date!(2021 - 06 - 01), &inputs(json!({"value": "2.000.000.000"}))).unwrap();
        assert_eq!(old.total.as_dong(), 10_000_000);
        assert!(old.legal_basis.contains("140/2016/NĐ-CP"));
        let family = evaluate(&schedule("1.013831"), TODAY, &inputs(json!({"value": 2_000_000_000i64, "family_transfer": true}))).unwrap();
        assert_eq!(family.total.as_dong(), 0);
    }

    #[test]
    fn missing_or_invalid_inputs_name_the_input() {
        let s = schedule("2.000815");
        let err = evaluate(&s, TODAY, &inputs(json!({"copies": 1}))).unwrap_err();
        assert_eq!((err.field.as_str(), err.code.as_str()), ("pages", "required"));
        let err = evaluate(&s, TODAY, &inputs(json!({"pages": 5, "copies": 0}))).unwrap_err();
        assert_eq!((err.field.as_str(), err.code.as_str()), ("copies", "too_small"));
        let err = evaluate(&s, TODAY, &inputs(json!({"pages": -2}))).unwrap_err();
        assert_eq!((err.field.as_str(), err.code.as_str()), ("pages", "negative"));
        let err = evaluate(&s, TODAY, &inputs(json!({"pages": 2.5}))).unwrap_err();
        assert_eq!((err.field.as_str(), err.code.as_str()), ("pages", "invalid_count"));
        let err = evaluate(&s, TODAY, &inputs(json!({"pages": null}))).unwrap_err();
        assert_eq!(err.code, "required");
        let land = schedule("1.013831");
        let err = evaluate(&land, TODAY, &inputs(json!({"value": -1}))).unwrap_err();
        assert_eq!((err.field.as_str(), err.code.as_str()), ("value", "negative"));
        let err = evaluate(&land, TODAY, &inputs(json!({}))).unwrap_err();
        assert_eq!((err.field.as_str(), err.code.as_str()), ("value", "required"));
        assert!(!err.message_vi.is_empty() && !err.message_en.is_empty());
    }

    #[test]
    fn free_procedure_totals_zero() {
        let b = evaluate(&schedule("1.000894"), TODAY, &Map::new()).unwrap();
        assert!(b.lines.is_empty());
        assert_eq!(b.total, Vnd::ZERO);
    }

    #[test]
    fn birth_registration_on_time_is_exempt_late_is_charged() {
        let s = schedule("1.001193");
        let on_time = evaluate(&s, TODAY, &inputs(json!({"birth_date": "2024-02-15"}))).unwrap();
        assert_eq!(on_time.total, Vnd::ZERO);
        let ex = on_time.lines[0].exemption.as_ref().unwrap();
        assert!(ex.legal_basis.contains("Luật Hộ tịch"));
        assert!(ex.reason_vi.contains("60 ngày"));
        let late = evaluate(&s, TODAY, &inputs(json!({"birth_date": "2023-12-01"}))).unwrap();
        assert_eq!(late.total.as_dong(), 10_000);
        assert!(late.lines[0].legal_basis.contains("253/2020/NQ-HĐND"));
        let poor = evaluate(&s, TODAY, &inputs(json!({"birth_date": "2023-12-01", "poor_household": true}))).unwrap();
        assert_eq!(poor.total, Vnd::ZERO);
        assert!(poor.lines[0].exemption.as_ref().unwrap().reason_vi.contains("hộ nghèo"));
        // Two extra copies of the birth certificate: 8.000 đ each, not exempt.
        let copies = evaluate(&s, TODAY, &inputs(json!({"birth_date": "2024-02-15", "extra_copies": 2}))).unwrap();
        assert_eq!(copies.total.as_dong(), 16_000);
        assert_eq!(copies.lines.len(), 2);
        let err = evaluate(&s, TODAY, &inputs(json!({"birth_date": "2024-05-01"}))).unwrap_err();
        assert_eq!((err.field.as_str(), err.code.as_str()), ("birth_date", "in_future"));
    }

    #[test]
    fn death_registration_within_15_days_is_free() {
        let s = schedule("1.000656");
        assert_eq!(total("1.000656", TODAY, json!({"death_date": "2024-03-27"})), 0); // 14 days
        assert_eq!(total("1.000656", TODAY, json!({"death_date": "2024-03-26"})), 0); // 15 days
        assert_eq!(total("1.000656", TODAY, json!({"death_date": "2024-03-25"})), 10_000);
        let err = evaluate(&s, TODAY, &Map::new()).unwrap_err();
        assert_eq!(err.field, "death_date");
    }

    #[test]
    fn residence_registration_costs_less_online() {
        assert_eq!(total("1.004222", TODAY, json!({"online": true})), 10_000);
        assert_eq!(total("1.004222", TODAY, json!({"online": false})), 20_000);
        assert_eq!(total("1.004222", TODAY, json!({})), 20_000);
    }

    #[test]
    fn other_demo_fees() {
        assert_eq!(total("2.000884", TODAY, json!({})), 10_000);
        assert_eq!(total("2.001035", TODAY, json!({"contracts": 2})), 100_000);
        assert_eq!(total("2.000635", TODAY, json!({"copies": 3})), 24_000);
        assert_eq!(total("1.004873", TODAY, json!({})), 10_000);
        assert_eq!(total("1.004873", TODAY, json!({"disability": true})), 0);
    }

    #[test]
    fn no_version_in_force_is_an_error() {
        let err = evaluate(&schedule("2.000815"), date!(2010 - 01 - 01), &inputs(json!({"pages": 1}))).unwrap_err();
        assert_eq!(err.code, "no_fee_schedule");
    }

    #[test]
    fn demo_schedules_cover_the_ten_procedures_consistently() {
        let all = demo_schedules();
        let codes: Vec<&str> = all.iter().map(|s| s.procedure.as_str()).collect();
        for code in ["2.000815", "2.000884", "2.001035", "1.001193", "1.000894", "1.000656", "2.000635", "1.004873", "1.004222", "1.013831"] {
            assert!(codes.contains(&code), "{code} missing");
        }
        assert_eq!(all.len(), 10);
        for s in &all {
            assert!(!s.versions.is_empty());
            for v in &s.versions {
                for l in &v.lines {
                    assert!(l.beneficiary == "agency" || l.beneficiary == "treasury", "{}", l.code);
                    assert!(!l.legal_basis.is_empty());
                    // lệ phí go to the budget, phí to the agency
                    assert_eq!(l.kind == FeeKind::LePhi, l.beneficiary == "treasury", "{} {}", s.procedure, l.code);
                }
            }
        }
    }

    #[test]
    fn quote_serializes_amounts_as_integer_dong() {
        let b = evaluate(&schedule("2.000815"), TODAY, &inputs(json!({"pages": 5, "copies": 1}))).unwrap();
        let v = serde_json::to_value(&b).unwrap();
        assert_eq!(v["total"], json!(7000));
        assert_eq!(v["lines"][0]["amount"], json!(7000));
        assert_eq!(v["lines"][0]["kind"], json!("phi"));
        assert_eq!(v["effective_from"], json!("2017-01-01"));
        let back: FeeBreakdown = serde_json::from_value(v).unwrap();
        assert_eq!(back, b);
    }

    #[test]
    fn percentage_min_and_max_hold() {
        let s: FeeSchedule = serde_json::from_value(json!({
            "procedure": "x", "name": "x",
            "inputs": [{"name": "value", "label_vi": "Giá trị", "kind": "money"}],
            "versions": [{"effective_from": "2020-01-01", "legal_basis": "test", "lines": [
                {"code": "p", "name": "p", "kind": "le_phi", "beneficiary": "treasury", "legal_basis": "t",
                 "rule": {"type": "percentage", "value_input": "value", "rate_percent": "0.5", "min": 50000, "max": 500000}}
            ]}]
        })).unwrap();
        assert_eq!(evaluate(&s, TODAY, &inputs(json!({"value": 1_000}))).unwrap().total.as_dong(), 50_000);
        assert_eq!(evaluate(&s, TODAY, &inputs(json!({"value": 20_000_000}))).unwrap().total.as_dong(), 100_000);
        assert_eq!(evaluate(&s, TODAY, &inputs(json!({"value": 1_000_000_000}))).unwrap().total.as_dong(), 500_000);
    }

    proptest! {
        #[test]
        fn copy_fee_caps_hold_and_never_negative(pages in 1u64..5_000, copies in 1u64..100) {
            let b = evaluate(&schedule("2.000815"), TODAY, &inputs(json!({"pages": pages, "copies": copies}))).unwrap();
            let per_copy = b.lines[0].unit_price.as_dong();
            prop_assert!(per_copy <= 200_000);
            prop_assert!(per_copy >= 2_000);
            let expected = (if pages <= 2 { 2_000 * pages } else { 4_000 + (pages - 2) * 1_000 }).min(200_000);
            prop_assert_eq!(per_copy as u64, expected);
            prop_assert_eq!(b.total.as_dong() as u64, expected * copies);
        }

        #[test]
        fn land_fee_is_half_percent_rounded(value in 0i64..100_000_000_000_000) {
            let b = evaluate(&schedule("1.013831"), TODAY, &inputs(json!({"value": value}))).unwrap();
            let t = b.total.as_dong();
            prop_assert!(t >= 0);
            prop_assert!((t * 200 - value).abs() <= 100);
        }

        #[test]
        fn totals_equal_sum_of_lines(pages in 1u64..300, extra in 0u64..5, late in proptest::bool::ANY) {
            let birth = if late { "2023-01-01" } else { "2024-04-01" };
            for (code, v) in [
                ("2.000815", json!({"pages": pages})),
                ("1.001193", json!({"birth_date": birth, "extra_copies": extra})),
            ] {
                let b = evaluate(&schedule(code), TODAY, &inputs(v)).unwrap();
                let sum: i64 = b.lines.iter().map(|l| l.amount.as_dong()).sum();
                prop_assert_eq!(b.total.as_dong(), sum);
                prop_assert!(b.total.as_dong() >= 0);
            }
        }
    }

    #[test]
    fn a_province_uses_its_own_version_once_in_force_and_the_national_one_otherwise() {
        use time::macros::date;
        let national = demo_schedules().into_iter().find(|s| s.procedure == "2.000815").expect("demo schedule");
        let mut own = national.versions.last().unwrap().clone();
        own.effective_from = date!(2027 - 01 - 01);
        own.legal_basis = "Nghị quyết HĐND tỉnh".into();
        let provincial = vec![own.clone()];
        // Before the province's version takes effect, and for any province without one: national.
        assert_eq!(for_province(&national, &provincial, date!(2026 - 12 - 31)), national);
        assert_eq!(for_province(&national, &[], date!(2027 - 06 - 01)), national);
        // From its effective date, the province's own.
        let s = for_province(&national, &provincial, date!(2027 - 01 - 01));
        assert_eq!(version_on(&s, date!(2027 - 01 - 01)).unwrap().legal_basis, "Nghị quyết HĐND tỉnh");
        assert_eq!((s.procedure.as_str(), s.inputs.len()), (national.procedure.as_str(), national.inputs.len()));
    }
}
