//! What leaders measure (seeds 000, 001, 002): the online payment rate of fee-bearing dossiers
//! per agency and period, rolled up through an agency tree of any depth and compared with a
//! yearly target; the share of fee-bearing procedures that offer online payment; and the
//! procedures that had no dossier in the last three years.
//!
//! Rate = dossiers whose fees were paid online / all dossiers with fees, counter-submitted ones
//! included — the national scorecard's definition as Đồng Tháp's 2023 letter applies it:
//! 43.109 online against 213.830 paid directly or otherwise gives 16,78 % (seed 002). Counts
//! kept by other systems (e.g. the land registry's) are added as plain numbers. Targets: 30 %
//! of payment transactions (Nghị quyết 01/NQ-CP of 06/01/2023, footnote 1 of seed 002);
//! at least 50 % of fee-bearing procedures with online payment in 2021 (seed 001), 100 % as the
//! goal (seed 002).

use std::collections::BTreeMap;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use time::Date;

use crate::api::{AgencyNode, ProcedureSummary};

/// Fee-bearing dossiers of one agency (or subtree) in one period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentCounts {
    /// Fees paid online (a verified gateway payment).
    pub online: u64,
    /// Fees paid at the counter or by any other means.
    pub other: u64,
}

impl PaymentCounts {
    pub fn new(online: u64, other: u64) -> Self {
        PaymentCounts { online, other }
    }

    pub fn total(self) -> u64 {
        self.online.saturating_add(self.other)
    }

    /// online / total in [0, 1]; `None` when there is no fee-bearing dossier at all.
    pub fn rate(self) -> Option<Decimal> {
        let total = self.total();
        (total > 0).then(|| Decimal::from(self.online) / Decimal::from(total))
    }
}

impl std::ops::Add for PaymentCounts {
    type Output = PaymentCounts;
    fn add(self, rhs: PaymentCounts) -> PaymentCounts {
        PaymentCounts { online: self.online.saturating_add(rhs.online), other: self.other.saturating_add(rhs.other) }
    }
}

impl std::iter::Sum for PaymentCounts {
    fn sum<I: Iterator<Item = PaymentCounts>>(iter: I) -> PaymentCounts {
        iter.fold(PaymentCounts::default(), |a, b| a + b)
    }
}

/// One dossier as the statistics need it (the functions project stored dossiers onto this).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentRecord {
    pub agency: String,
    #[serde(with = "crate::calendar::iso_date")]
    pub paid_on: Date,
    pub paid_online: bool,
}

/// Counts per agency code of the records paid within `[from, to]` (both included).
pub fn count_by_agency(records: &[PaymentRecord], from: Date, to: Date) -> BTreeMap<String, PaymentCounts> {
    let mut out: BTreeMap<String, PaymentCounts> = BTreeMap::new();
    for r in records.iter().filter(|r| r.paid_on >= from && r.paid_on <= to) {
        let c = out.entry(r.agency.clone()).or_default();
        if r.paid_online {
            c.online += 1;
        } else {
            c.other += 1;
        }
    }
    out
}

/// The target online-payment rate per year, 30 % unless a year says otherwise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Targets {
    pub default: Decimal,
    #[serde(default)]
    pub by_year: BTreeMap<i32, Decimal>,
}

impl Default for Targets {
    fn default() -> Self {
        Targets { default: Decimal::new(30, 2), by_year: BTreeMap::new() }
    }
}

impl Targets {
    pub fn for_year(&self, year: i32) -> Decimal {
        self.by_year.get(&year).copied().unwrap_or(self.default)
    }
}

/// One node of the rate report: own counts, counts from other systems, the subtree's total.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RateReport {
    pub code: String,
    pub name: String,
    pub own: PaymentCounts,
    pub external: PaymentCounts,
    /// own + external + the children's totals.
    pub total: PaymentCounts,
    pub rate: Option<Decimal>,
    /// "16,78%", or "—" without fee-bearing dossiers.
    pub rate_display: String,
    pub target: Decimal,
    pub meets_target: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<RateReport>,
}

/// Rolls counts up `tree`: every node's total is its own and external counts plus the sum of
/// its children's totals. Codes missing from the maps count zero.
pub fn roll_up(
    tree: &AgencyNode,
    own: &BTreeMap<String, PaymentCounts>,
    external: &BTreeMap<String, PaymentCounts>,
    target: Decimal,
) -> RateReport {
    let children: Vec<RateReport> = tree.children.iter().map(|c| roll_up(c, own, external, target)).collect();
    let own_c = own.get(&tree.code).copied().unwrap_or_default();
    let ext_c = external.get(&tree.code).copied().unwrap_or_default();
    let total = own_c + ext_c + children.iter().map(|c| c.total).sum();
    let rate = total.rate();
    RateReport {
        code: tree.code.clone(),
        name: tree.name.clone(),
        own: own_c,
        external: ext_c,
        total,
        rate,
        rate_display: rate.map(format_percent_vi).unwrap_or_else(|| "—".to_string()),
        target,
        meets_target: rate.is_some_and(|r| meets_target(r, target)),
        children,
    }
}

/// A rate meets the target when, shown with two decimals, it is not below it (what a reader of
/// the report checks).
pub fn meets_target(rate: Decimal, target: Decimal) -> bool {
    round_percent(rate) >= target * Decimal::ONE_HUNDRED
}

fn round_percent(rate: Decimal) -> Decimal {
    (rate * Decimal::ONE_HUNDRED).round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// A rate in [0, 1] as Vietnamese readers write it: `16,78%` (decimal comma, two decimals).
pub fn format_percent_vi(rate: Decimal) -> String {
    let p = round_percent(rate);
    format!("{:.2}%", p).replace('.', ",")
}

/// How many units of a list did any online payment at all (seed 000: "08/23 xã").
pub fn units_with_online_payment(reports: &[RateReport]) -> (usize, usize) {
    (reports.iter().filter(|r| r.total.online > 0).count(), reports.len())
}

/// Procedures with financial obligations, and how many of them accept online payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnlinePaymentCoverage {
    pub with_fees: u64,
    pub with_online_payment: u64,
}

impl OnlinePaymentCoverage {
    /// At least 50 % (Hải Dương 2021, seed 001).
    pub const TARGET_2021: Decimal = Decimal::from_parts(50, 0, 0, false, 2);

    pub fn rate(self) -> Option<Decimal> {
        (self.with_fees > 0).then(|| Decimal::from(self.with_online_payment) / Decimal::from(self.with_fees))
    }

    /// The goal is every fee-bearing procedure (seed 002: "100% TTHC có yêu cầu nghĩa vụ tài chính").
    pub fn complete(self) -> bool {
        self.with_online_payment == self.with_fees
    }
}

pub fn online_payment_coverage(procedures: &[ProcedureSummary]) -> OnlinePaymentCoverage {
    let with_fees: Vec<&ProcedureSummary> = procedures.iter().filter(|p| p.has_fees).collect();
    OnlinePaymentCoverage {
        with_fees: with_fees.len() as u64,
        with_online_payment: with_fees.iter().filter(|p| p.online_payment).count() as u64,
    }
}

/// Procedure codes without any dossier in the three years up to `today` (seed 001: "trong ba
/// (03) năm gần nhất không có hồ sơ phát sinh"), counter, online and postal dossiers alike.
/// `last_dossier` maps a procedure code to the date of its latest dossier.
pub fn procedures_without_dossiers(procedure_codes: &[String], last_dossier: &BTreeMap<String, Date>, today: Date) -> Vec<String> {
    let since = three_years_before(today);
    procedure_codes
        .iter()
        .filter(|code| last_dossier.get(*code).is_none_or(|d| *d < since))
        .cloned()
        .collect()
}

/// Same day three years earlier (29/02 → 28/02).
pub fn three_years_before(today: Date) -> Date {
    let year = today.year() - 3;
    Date::from_calendar_date(year, today.month(), today.day())
        .or_else(|_| Date::from_calendar_date(year, today.month(), today.day() - 1))
        .expect("a valid day")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    fn node(code: &str, children: Vec<AgencyNode>) -> AgencyNode {
        AgencyNode { code: code.into(), name: code.into(), level: "x".into(), children }
    }

    #[test]
    fn reproduces_dong_thap_2023() {
        // Seed 002: 43.109 online vs 213.830 directly/other → 16,78 % (and 83,22 % other).
        let c = PaymentCounts::new(43_109, 213_830);
        assert_eq!(format_percent_vi(c.rate().unwrap()), "16,78%");
        assert_eq!(format_percent_vi(Decimal::ONE - c.rate().unwrap()), "83,22%");
        let tree = node("000.00.00.H20", vec![]);
        let mut external = BTreeMap::new();
        external.insert("000.00.00.H20".to_string(), c);
        let r = roll_up(&tree, &BTreeMap::new(), &external, Targets::default().for_year(2023));
        assert_eq!(r.rate_display, "16,78%");
        assert!(!r.meets_target);
    }

    #[test]
    fn dong_thap_districts_against_the_target() {
        // Seed 002 gives only the districts' rates, not their counts: check the verdicts.
        // "03/12 huyện, thành phố đạt và vượt chỉ tiêu".
        let rates = [
            ("Hồng Ngự (TP)", "62.59"),
            ("Cao Lãnh (TP)", "36.02"),
            ("Tam Nông", "35.29"),
            ("Châu Thành", "20.51"),
            ("Tân Hồng", "13.52"),
            ("Cao Lãnh (huyện)", "10.58"),
            ("Thanh Bình", "7.11"),
            ("Lấp Vò", "7.45"),
            ("Lai Vung", "7.46"),
            ("Tháp Mười", "5.99"),
        ];
        let target = Targets::default().for_year(2023);
        let meeting: Vec<&str> = rates
            .iter()
            .filter(|(_, p)| meets_target(p.parse::<Decimal>().unwrap() / Decimal::ONE_HUNDRED, target))
            .map(|(n, _)| *n)
            .collect();
        assert_eq!(meeting, ["Hồng Ngự (TP)", "Cao Lãnh (TP)", "Tam Nông"]);
        assert_eq!(format_percent_vi(Decimal::new(6259, 4)), "62,59%");
    }

    #[test]
    fn rolls_up_a_three_level_tree_with_external_counts() {
        let tree = node("P", vec![node("D1", vec![node("C1", vec![]), node("C2", vec![])]), node("S1", vec![])]);
        let own: BTreeMap<String, PaymentCounts> = [
            ("C1", PaymentCounts::new(3, 7)),
            ("C2", PaymentCounts::new(0, 10)),
            ("D1", PaymentCounts::new(1, 1)),
            ("S1", PaymentCounts::new(5, 5)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let external: BTreeMap<String, PaymentCounts> = [("S1".to_string(), PaymentCounts::new(10, 0))].into();
        let r = roll_up(&tree, &own, &external, Decimal::new(30, 2));
        assert_eq!(r.total, PaymentCounts::new(19, 23));
        assert_eq!(r.children[0].total, PaymentCounts::new(4, 18));
        assert_eq!(r.children[1].total, PaymentCounts::new(15, 5));
        assert!(r.children[1].meets_target);
        assert!(!r.children[0].meets_target);
        assert_eq!(r.children[0].children[0].rate_display, "30,00%");
        assert!(r.children[0].children[0].meets_target); // exactly 30 %
        assert_eq!(units_with_online_payment(&r.children[0].children), (1, 2));
        let empty = roll_up(&node("X", vec![]), &BTreeMap::new(), &BTreeMap::new(), Decimal::new(30, 2));
        assert_eq!((empty.rate, empty.rate_display.as_str(), empty.meets_target), (None, "—", false));
    }

    #[test]
    fn counts_records_in_a_period() {
        let rec = |a: &str, d: Date, o: bool| PaymentRecord { agency: a.into(), paid_on: d, paid_online: o };
        let records = [
            rec("A", date!(2023 - 01 - 01), true),
            rec("A", date!(2023 - 10 - 23), false),
            rec("A", date!(2023 - 10 - 24), true),
            rec("B", date!(2022 - 12 - 31), true),
        ];
        let c = count_by_agency(&records, date!(2023 - 01 - 01), date!(2023 - 10 - 23));
        assert_eq!(c.get("A"), Some(&PaymentCounts::new(1, 1)));
        assert_eq!(c.get("B"), None);
    }

    #[test]
    fn targets_per_year() {
        let mut t = Targets::default();
        t.by_year.insert(2025, Decimal::new(45, 2));
        assert_eq!(t.for_year(2023), Decimal::new(30, 2));
        assert_eq!(t.for_year(2025), Decimal::new(45, 2));
    }

    #[test]
    fn procedure_coverage_and_dormant_procedures() {
        let p = |code: &str, has_fees: bool, online: bool| ProcedureSummary {
            code: code.into(),
            name: code.into(),
            level: "xa".into(),
            processing_days: 1,
            has_fees,
            online_payment: online,
        };
        let cov = online_payment_coverage(&[p("a", true, true), p("b", true, false), p("c", false, false), p("d", true, true)]);
        assert_eq!((cov.with_fees, cov.with_online_payment), (3, 2));
        assert!(cov.rate().unwrap() >= OnlinePaymentCoverage::TARGET_2021);
        assert!(!cov.complete());
        let codes: Vec<String> = ["1", "2", "3"].iter().map(|s| s.to_string()).collect();
        let last: BTreeMap<String, Date> = [("1".to_string(), date!(2018 - 07 - 10)), ("2".to_string(), date!(2018 - 07 - 09))].into();
        assert_eq!(procedures_without_dossiers(&codes, &last, date!(2021 - 07 - 10)), ["2", "3"]);
        assert_eq!(three_years_before(date!(2024 - 02 - 29)), date!(2021 - 02 - 28));
    }

    fn arb_tree(depth: u32) -> impl Strategy<Value = AgencyNode> {
        let leaf = "[a-z]{1,6}".prop_map(|c| node(&c, vec![]));
        leaf.prop_recursive(depth, 40, 5, |inner| {
            ("[a-z]{1,6}", proptest::collection::vec(inner, 0..5)).prop_map(|(c, ch)| node(&c, ch))
        })
    }

    fn codes(n: &AgencyNode, out: &mut Vec<String>) {
        out.push(n.code.clone());
        n.children.iter().for_each(|c| codes(c, out));
    }

    fn check(r: &RateReport) -> Result<(), TestCaseError> {
        let sum: PaymentCounts = r.children.iter().map(|c| c.total).sum();
        prop_assert_eq!(r.total, r.own + r.external + sum);
        if let Some(rate) = r.rate {
            prop_assert!(rate >= Decimal::ZERO && rate <= Decimal::ONE);
        }
        r.children.iter().try_for_each(check)
    }

    proptest! {
        #[test]
        fn parents_equal_own_plus_children_and_rates_stay_in_range(
            tree in arb_tree(4),
            counts in proptest::collection::vec((0u64..1_000, 0u64..1_000), 60),
        ) {
            let mut all = Vec::new();
            codes(&tree, &mut all);
            let own: BTreeMap<String, PaymentCounts> = all.iter().zip(&counts).map(|(c, (o, x))| (c.clone(), PaymentCounts::new(*o, *x))).collect();
            let r = roll_up(&tree, &own, &BTreeMap::new(), Decimal::new(30, 2));
            check(&r)?;
        }

        #[test]
        fn rate_is_a_fraction(online in 0u64..10_000_000, other in 0u64..10_000_000) {
            let c = PaymentCounts::new(online, other);
            match c.rate() {
                None => prop_assert_eq!(c.total(), 0),
                Some(r) => {
                    prop_assert!(r >= Decimal::ZERO && r <= Decimal::ONE);
                    let shown = format_percent_vi(r);
                    prop_assert!(shown.ends_with('%') && shown.contains(','));
                }
            }
        }
    }
}
