//! The national (and any multi-province) dashboard as a pure merge of the provinces' answers
//! (issue #20). With one D1 per province, `quocgia.admin`'s view is asked of every shard in
//! parallel; each shard answers the *same* question (the same agency, period and targets) over
//! the part of the tree it holds — for the national root, its province as the root's only
//! child — and this module merges the answers into the one the single database would give.
//!
//! Rules, the same for every view:
//! - counts and money are summed; every rate is recomputed from the summed numerator and
//!   denominator (a province with 1 of 1 payments online and one with 0 of 99 make 1 %, not the
//!   50 % an average of rates would say), and so are the displays and target checks;
//! - per-agency (per-procedure, per-month, per-kind) rows are merged by their key — shards hold
//!   disjoint agencies, so for agencies this is a concatenation — and put in a canonical order:
//!   by key first, then stably by the order the route shows (highest rate first, …), so that
//!   the answer does not depend on which shard answered first;
//! - the header (period, agency, name, target, parent) is the question's, taken from the left
//!   answer: both answers must be to the same question (checked in debug builds).
//!
//! Each merge is associative and commutative and has an empty answer as identity (property
//! tests below), so the Worker may fold the shards' answers in any order as they arrive.
//!
//! Not here: ratings, whose view keeps only the top three reasons and so cannot be merged
//! exactly — shards answer with [`crate::indicators::RatingTally`], merged by
//! `RatingTally::merge`, then rendered once; and the digitization view (f64 rates) — its
//! shards should answer with `DigitizedCounts`, which already add up.

use std::collections::BTreeMap;

mod keyed;

pub use keyed::{merge_keyed, merge_keyed_by, merge_top};

use rust_decimal::Decimal;

use crate::bill::report::{kind_rows, KindRow};
use crate::bill::Kind;
use crate::dashboard::{
    fraction_display, online_payments_to_target, sort_by_rate, CoverageRow, CoverageView, DormantRow, OverdueRow,
    ProcedureRate, RateRow, RatesView, TrendPoint, TrendView,
};
use crate::indicators::{sort_intake, IntakeCounts, IntakePoint, IntakeProcedure, IntakeRow, IntakeView, ResolvedTarget, TargetSource};
use crate::stats::{format_percent_vi, meets_target, OnlinePaymentCoverage, PaymentCounts};

fn display(rate: Option<Decimal>) -> String {
    rate.map(format_percent_vi).unwrap_or_else(|| "—".into())
}

/// Merges rows by key with `add`, then orders them canonically: by key, then stably by `order`.
fn merge_by<T: Clone, K: Ord>(
    a: &[T],
    b: &[T],
    key: impl Fn(&T) -> K,
    add: impl Fn(&T, &T) -> T,
    order: impl Fn(&mut Vec<T>),
) -> Vec<T> {
    let mut by: BTreeMap<K, T> = BTreeMap::new();
    for r in a.iter().chain(b) {
        let k = key(r);
        let merged = match by.get(&k) {
            Some(prev) => add(prev, r),
            None => r.clone(),
        };
        by.insert(k, merged);
    }
    let mut rows: Vec<T> = by.into_values().collect();
    order(&mut rows);
    rows
}

// ---------------------------------------------------------------------------------------------
// Rates (`GET /api/dashboard/rates`)

/// A rate row with new counts, everything derived recomputed against the row's own target.
fn recount_rate_row(row: &RateRow, online: u64, other: u64, imported: u64, synced: u64, national: u64, has_children: bool) -> RateRow {
    let counts = PaymentCounts::new(online, other);
    let rate = counts.rate();
    let meets = row.target.and_then(|t| rate.map(|r| meets_target(r, t)));
    RateRow {
        online,
        other,
        total: counts.total(),
        rate,
        rate_display: display(rate),
        below_target: meets == Some(false),
        imported,
        has_children,
        meets_target: meets,
        to_target: row.target.and_then(|t| online_payments_to_target(online, counts.total(), t)),
        ..row.clone()
    }
    .with_national(synced, national)
}

/// Two rows of the same agency (or the same question's summary), summed.
pub fn add_rate_rows(a: &RateRow, b: &RateRow) -> RateRow {
    recount_rate_row(
        a,
        a.online.saturating_add(b.online),
        a.other.saturating_add(b.other),
        a.imported.saturating_add(b.imported),
        a.national_synced.saturating_add(b.national_synced),
        a.national_total.saturating_add(b.national_total),
        a.has_children || b.has_children,
    )
}

/// The answer of a shard that holds nothing of the agency asked for (the merge's identity).
pub fn empty_rates(period: crate::dashboard::Period, code: &str, name: &str, level: &str, target: Decimal, own: &ResolvedTarget) -> RatesView {
    let summary = RateRow::new(code, name, level, PaymentCounts::default(), 0, target, false).with_national(0, 0).with_target(own);
    RatesView {
        period,
        target,
        target_display: format_percent_vi(target),
        summary,
        rows: Vec::new(),
        parent: None,
        with_online: 0,
        units: 0,
        with_online_display: fraction_display(0, 0),
    }
}

pub fn merge_rates(a: &RatesView, b: &RatesView) -> RatesView {
    debug_assert_eq!((&a.period, &a.summary.code), (&b.period, &b.summary.code), "answers to different questions");
    let rows = merge_by(&a.rows, &b.rows, |r| r.code.clone(), add_rate_rows, |rows| sort_by_rate(rows));
    let with_online = rows.iter().filter(|r| r.online > 0).count();
    RatesView {
        summary: add_rate_rows(&a.summary, &b.summary),
        with_online,
        units: rows.len(),
        with_online_display: fraction_display(with_online, rows.len()),
        rows,
        parent: a.parent.clone().or_else(|| b.parent.clone()),
        ..a.clone()
    }
}

// ---------------------------------------------------------------------------------------------
// Trend (`GET /api/dashboard/trend`)

fn trend_point(month: &str, c: PaymentCounts) -> TrendPoint {
    TrendPoint { month: month.into(), online: c.online, other: c.other, rate: c.rate(), rate_display: display(c.rate()) }
}

pub fn merge_trend(a: &TrendView, b: &TrendView) -> TrendView {
    debug_assert_eq!(a.agency, b.agency, "answers to different questions");
    let add = |x: &TrendPoint, y: &TrendPoint| trend_point(&x.month, PaymentCounts::new(x.online, x.other) + PaymentCounts::new(y.online, y.other));
    TrendView { points: merge_by(&a.points, &b.points, |p| p.month.clone(), add, |_| ()), ..a.clone() }
}

// ---------------------------------------------------------------------------------------------
// Procedures (`GET /api/dashboard/procedures`): the route answers a bare list, so the target
// its `below_target` is measured against comes in.

pub fn merge_procedures(a: &[ProcedureRate], b: &[ProcedureRate], target: Decimal) -> Vec<ProcedureRate> {
    let add = |x: &ProcedureRate, y: &ProcedureRate| {
        let c = PaymentCounts::new(x.online, x.other) + PaymentCounts::new(y.online, y.other);
        ProcedureRate {
            code: x.code.clone(),
            // A shard that never saw the procedure in its catalog answers an empty name.
            name: if x.name.is_empty() { y.name.clone() } else { x.name.clone() },
            online: c.online,
            other: c.other,
            rate: c.rate(),
            rate_display: display(c.rate()),
            below_target: c.rate().is_some_and(|r| !meets_target(r, target)),
        }
    };
    merge_by(a, b, |p| p.code.clone(), add, |rows| rows.sort_by(|x, y| y.rate.cmp(&x.rate).then_with(|| x.name.cmp(&y.name))))
}

// ---------------------------------------------------------------------------------------------
// Intake (`GET /api/dashboard/intake`)

fn intake_counts(online: u64, counter: u64, post: u64) -> IntakeCounts {
    IntakeCounts::new(online, counter, post)
}

/// Two intake rows of the same agency, summed; the target stays the row's own.
pub fn add_intake_rows(a: &IntakeRow, b: &IntakeRow) -> IntakeRow {
    let c = intake_counts(a.online, a.counter, a.post) + intake_counts(b.online, b.counter, b.post);
    let target = ResolvedTarget { value: a.target, source: TargetSource::None };
    IntakeRow {
        target_source: a.target_source.clone(),
        target_display: a.target_display.clone(),
        ..IntakeRow::new(&a.code, &a.name, &a.level, c, &target, a.has_children || b.has_children)
    }
}

pub fn empty_intake(period: crate::dashboard::Period, code: &str, name: &str, level: &str, own: &ResolvedTarget) -> IntakeView {
    IntakeView {
        period,
        summary: IntakeRow::new(code, name, level, IntakeCounts::default(), own, false),
        rows: Vec::new(),
        procedures: Vec::new(),
        trend: Vec::new(),
        parent: None,
    }
}

pub fn merge_intake(a: &IntakeView, b: &IntakeView) -> IntakeView {
    debug_assert_eq!((&a.period, &a.summary.code), (&b.period, &b.summary.code), "answers to different questions");
    let add_proc = |x: &IntakeProcedure, y: &IntakeProcedure| {
        let name = if x.name.is_empty() { &y.name } else { &x.name };
        IntakeProcedure::new(&x.code, name, intake_counts(x.online, x.counter, x.post) + intake_counts(y.online, y.counter, y.post))
    };
    let add_point = |x: &IntakePoint, y: &IntakePoint| {
        IntakePoint::new(&x.month, intake_counts(x.online, x.counter, x.post) + intake_counts(y.online, y.counter, y.post))
    };
    IntakeView {
        summary: add_intake_rows(&a.summary, &b.summary),
        rows: merge_by(&a.rows, &b.rows, |r| r.code.clone(), add_intake_rows, |rows| sort_intake(rows)),
        procedures: merge_by(&a.procedures, &b.procedures, |p| p.code.clone(), add_proc, |rows| {
            rows.sort_by(|x, y| y.total.cmp(&x.total).then_with(|| x.name.cmp(&y.name)))
        }),
        trend: merge_by(&a.trend, &b.trend, |p| p.month.clone(), add_point, |_| ()),
        parent: a.parent.clone().or_else(|| b.parent.clone()),
        period: a.period.clone(),
    }
}

// ---------------------------------------------------------------------------------------------
// Bills (`GET /api/dashboard/bills`): counts and money per kind.

pub fn merge_bills(a: &[KindRow], b: &[KindRow]) -> Vec<KindRow> {
    let mut paid: BTreeMap<Kind, PaymentCounts> = BTreeMap::new();
    let mut open: BTreeMap<Kind, (u64, i64)> = BTreeMap::new();
    for r in a.iter().chain(b) {
        let p = paid.entry(r.kind).or_default();
        *p = *p + PaymentCounts::new(r.paid_online, r.paid_other);
        let o = open.entry(r.kind).or_default();
        *o = (o.0.saturating_add(r.open_count), o.1.saturating_add(r.open_amount));
    }
    kind_rows(&paid, &open)
}

// ---------------------------------------------------------------------------------------------
// Overdue, coverage, dormant procedures

pub fn merge_overdue(a: &[OverdueRow], b: &[OverdueRow]) -> Vec<OverdueRow> {
    let add = |x: &OverdueRow, y: &OverdueRow| OverdueRow { overdue: x.overdue.saturating_add(y.overdue), ..x.clone() };
    merge_by(a, b, |r| r.code.clone(), add, |rows| rows.sort_by(|x, y| y.overdue.cmp(&x.overdue).then_with(|| x.name.cmp(&y.name))))
}

pub fn empty_coverage() -> CoverageView {
    coverage_of(Vec::new())
}

/// The view's totals are its rows' (each row is an agency of the subtree).
fn coverage_of(rows: Vec<CoverageRow>) -> CoverageView {
    let total = OnlinePaymentCoverage {
        with_fees: rows.iter().map(|r| r.with_fees).sum(),
        with_online_payment: rows.iter().map(|r| r.with_online_payment).sum(),
    };
    CoverageView {
        with_fees: total.with_fees,
        with_online_payment: total.with_online_payment,
        rate_display: display(total.rate()),
        meets_2021_target: total.rate().is_some_and(|r| r >= OnlinePaymentCoverage::TARGET_2021),
        complete: total.complete(),
        agencies_without_account: rows.iter().filter(|r| !r.has_account).count(),
        rows,
    }
}

pub fn merge_coverage(a: &CoverageView, b: &CoverageView) -> CoverageView {
    let add = |x: &CoverageRow, y: &CoverageRow| {
        let c = OnlinePaymentCoverage {
            with_fees: x.with_fees.saturating_add(y.with_fees),
            with_online_payment: x.with_online_payment.saturating_add(y.with_online_payment),
        };
        let (phi, le_phi) = (x.has_phi_account || y.has_phi_account, x.has_le_phi_account || y.has_le_phi_account);
        CoverageRow {
            with_fees: c.with_fees,
            with_online_payment: c.with_online_payment,
            rate_display: display(c.rate()),
            has_account: phi && le_phi,
            has_phi_account: phi,
            has_le_phi_account: le_phi,
            ..x.clone()
        }
    };
    coverage_of(merge_by(&a.rows, &b.rows, |r| r.code.clone(), add, |_| ()))
}

pub fn merge_dormant(a: &[DormantRow], b: &[DormantRow]) -> Vec<DormantRow> {
    // One (agency, procedure) lives in one shard; were it in two, the later dossier wins.
    let add = |x: &DormantRow, y: &DormantRow| if y.last_dossier > x.last_dossier { y.clone() } else { x.clone() };
    merge_by(a, b, |r| (r.agency.clone(), r.procedure.clone()), add, |_| ())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dashboard::Period;
    use crate::indicators::IntakeCounts;
    use proptest::prelude::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn period() -> Period {
        Period::parse("period", "2026").unwrap()
    }

    fn default_target() -> ResolvedTarget {
        ResolvedTarget { value: Some(d("0.30")), source: TargetSource::Default }
    }

    const NATIONAL: &str = "000.00.00.QG";

    fn empty() -> RatesView {
        empty_rates(period(), NATIONAL, "Toàn quốc", "national", d("0.30"), &default_target())
    }

    /// A shard's answer for the national root: its province as the one row, summed into the
    /// summary (what the route computes over a tree holding one province).
    fn province(code: &str, online: u64, other: u64, imported: u64, synced: u64, national: u64) -> RatesView {
        let row = RateRow::new(code, &format!("Tỉnh {code}"), "province", PaymentCounts::new(online, other), imported, d("0.30"), true)
            .with_national(synced, national)
            .with_target(&default_target());
        let e = empty();
        let summary = recount_rate_row(&e.summary, online, other, imported, row.national_synced, national, true);
        let with_online = usize::from(online > 0);
        RatesView { summary, rows: vec![row], with_online, units: 1, with_online_display: fraction_display(with_online, 1), ..e }
    }

    #[test]
    fn the_national_rate_is_recomputed_never_averaged() {
        let n = merge_rates(&province("000.00.00.H27", 1, 0, 0, 1, 1), &province("000.00.00.H24", 0, 99, 0, 0, 99));
        assert_eq!((n.summary.online, n.summary.other, n.summary.total), (1, 99, 100));
        assert_eq!(n.summary.rate, Some(d("0.01")));
        assert_eq!(n.summary.rate_display, "1,00%");
        assert_eq!(n.summary.national_rate_display, "1,00%");
        assert_eq!(n.summary.meets_target, Some(false));
        assert!(n.summary.has_children);
        // Rows: both provinces, highest rate first; one of two with an online payment.
        assert_eq!(n.rows.iter().map(|r| r.code.as_str()).collect::<Vec<_>>(), ["000.00.00.H27", "000.00.00.H24"]);
        assert_eq!((n.with_online, n.units, n.with_online_display.as_str()), (1, 2, "01/02"));
        assert_eq!(n.summary.to_target, online_payments_to_target(1, 100, d("0.30")));
    }

    #[test]
    fn bills_sum_counts_and_money_per_kind() {
        let mut paid = BTreeMap::new();
        paid.insert(Kind::LandObligation, PaymentCounts::new(3, 1));
        let mut open = BTreeMap::new();
        open.insert(Kind::Fine, (2, 150_000));
        let a = kind_rows(&paid, &open);
        paid.insert(Kind::LandObligation, PaymentCounts::new(0, 4));
        open.insert(Kind::Fine, (1, 2_500_000));
        let b = kind_rows(&paid, &open);
        let n = merge_bills(&a, &b);
        let land = n.iter().find(|r| r.kind == Kind::LandObligation).unwrap();
        assert_eq!((land.paid_online, land.paid_other, land.rate_display.as_str(), land.meets_target), (3, 5, "37,50%", Some(false)));
        let fine = n.iter().find(|r| r.kind == Kind::Fine).unwrap();
        assert_eq!((fine.open_count, fine.open_amount), (3, 2_650_000));
        assert_eq!(merge_bills(&kind_rows(&BTreeMap::new(), &BTreeMap::new()), &a), a);
    }

    #[test]
    fn procedures_of_two_provinces_add_up_by_code() {
        let p = |code: &str, name: &str, online, other| {
            let c = PaymentCounts::new(online, other);
            ProcedureRate { code: code.into(), name: name.into(), online, other, rate: c.rate(), rate_display: display(c.rate()), below_target: false }
        };
        let n = merge_procedures(&[p("1.001193", "Chứng thực", 1, 1)], &[p("1.001193", "", 1, 0), p("2.000815", "Khai sinh", 0, 2)], d("0.70"));
        assert_eq!(n.len(), 2);
        assert_eq!((n[0].code.as_str(), n[0].name.as_str(), n[0].online, n[0].other), ("1.001193", "Chứng thực", 2, 1));
        assert_eq!(n[0].rate_display, "66,67%");
        assert!(n[0].below_target);
        assert_eq!(n[1].rate, Some(Decimal::ZERO));
    }

    // --- property tests -----------------------------------------------------------------------

    fn provinces() -> impl Strategy<Value = Vec<RatesView>> {
        // Codes drawn from a small set so that parts sometimes share an agency (summed).
        let one = (0u8..6, 0u64..500, 0u64..500, 0u64..50, 0u64..300, 0u64..300)
            .prop_map(|(i, on, ot, im, s, n)| province(&format!("000.00.00.H{:02}", 20 + i), on, ot, im, s.min(n), n));
        prop::collection::vec(prop::collection::vec(one, 0..4).prop_map(|ps| ps.iter().fold(empty(), |acc, p| merge_rates(&acc, p))), 3)
    }

    fn trend_part() -> impl Strategy<Value = TrendView> {
        prop::collection::btree_map(1u8..=12, (0u64..100, 0u64..100), 0..6).prop_map(|m| TrendView {
            agency: NATIONAL.into(),
            name: "Toàn quốc".into(),
            target: d("0.30"),
            points: m.into_iter().map(|(mo, (on, ot))| trend_point(&format!("2026-{mo:02}"), PaymentCounts::new(on, ot))).collect(),
        })
    }

    fn intake_part() -> impl Strategy<Value = IntakeView> {
        let counts = (0u64..100, 0u64..100, 0u64..100).prop_map(|(a, b, c)| IntakeCounts::new(a, b, c));
        (
            prop::collection::btree_map(0u8..5, counts.clone(), 0..3),
            prop::collection::btree_map(0u8..4, counts.clone(), 0..3),
            prop::collection::btree_map(1u8..=12, counts, 0..3),
        )
            .prop_map(|(rows, procs, months)| {
                let mut v = empty_intake(period(), NATIONAL, "Toàn quốc", "national", &default_target());
                for (i, c) in rows {
                    let row = IntakeRow::new(&format!("000.00.00.H{:02}", 20 + i), &format!("Tỉnh {i}"), "province", c, &default_target(), true);
                    let part = IntakeView { summary: IntakeRow::new(NATIONAL, "Toàn quốc", "national", c, &default_target(), true), rows: vec![row], ..empty_intake(period(), NATIONAL, "Toàn quốc", "national", &default_target()) };
                    v = merge_intake(&v, &part);
                }
                let e = empty_intake(period(), NATIONAL, "Toàn quốc", "national", &default_target());
                for (i, c) in procs {
                    v = merge_intake(&v, &IntakeView { procedures: vec![IntakeProcedure::new(&format!("1.00000{i}"), &format!("Thủ tục {i}"), c)], ..e.clone() });
                }
                for (m, c) in months {
                    v = merge_intake(&v, &IntakeView { trend: vec![IntakePoint::new(&format!("2026-{m:02}"), c)], ..e.clone() });
                }
                v
            })
    }

    fn kinds() -> impl Strategy<Value = Vec<KindRow>> {
        (prop::collection::vec((0u64..50, 0u64..50, 0u64..9, 0i64..10_000_000), 5)).prop_map(|v| {
            let paid = Kind::ALL.iter().zip(&v).map(|(k, (on, ot, _, _))| (*k, PaymentCounts::new(*on, *ot))).collect();
            let open = Kind::ALL.iter().zip(&v).map(|(k, (_, _, n, amount))| (*k, (*n, *amount))).collect();
            kind_rows(&paid, &open)
        })
    }

    fn overdue() -> impl Strategy<Value = Vec<OverdueRow>> {
        prop::collection::btree_map(0u8..6, 0u64..40, 0..4).prop_map(|m| {
            let rows: Vec<OverdueRow> = m.into_iter().map(|(i, n)| OverdueRow { code: format!("c{i}"), name: format!("Đơn vị {}", i % 3), overdue: n }).collect();
            merge_overdue(&[], &rows)
        })
    }

    fn coverage() -> impl Strategy<Value = CoverageView> {
        prop::collection::btree_map(0u8..6, (0u64..20, 0u64..20, any::<bool>(), any::<bool>()), 0..4).prop_map(|m| {
            let rows = m
                .into_iter()
                .map(|(i, (f, o, phi, le))| {
                    let c = OnlinePaymentCoverage { with_fees: f.max(o), with_online_payment: o };
                    CoverageRow { code: format!("c{i}"), name: format!("Đơn vị {i}"), with_fees: c.with_fees, with_online_payment: o, rate_display: display(c.rate()), has_account: phi && le, has_phi_account: phi, has_le_phi_account: le }
                })
                .collect();
            coverage_of(rows)
        })
    }

    proptest! {
        #[test]
        fn rates_merge_is_a_commutative_monoid(v in provinces()) {
            let (a, b, c) = (&v[0], &v[1], &v[2]);
            prop_assert_eq!(merge_rates(a, b), merge_rates(b, a));
            prop_assert_eq!(merge_rates(&merge_rates(a, b), c), merge_rates(a, &merge_rates(b, c)));
            prop_assert_eq!(&merge_rates(&empty(), a), a);
            prop_assert_eq!(&merge_rates(a, &empty()), a);
        }

        #[test]
        fn the_national_dashboard_equals_the_sum_of_the_provinces(v in provinces()) {
            let n = v.iter().fold(empty(), |acc, p| merge_rates(&acc, p));
            let sum = |f: fn(&RateRow) -> u64| v.iter().map(|p| f(&p.summary)).sum::<u64>();
            prop_assert_eq!(n.summary.online, sum(|r| r.online));
            prop_assert_eq!(n.summary.other, sum(|r| r.other));
            prop_assert_eq!(n.summary.total, sum(|r| r.total));
            prop_assert_eq!(n.summary.imported, sum(|r| r.imported));
            prop_assert_eq!(n.summary.national_synced, sum(|r| r.national_synced));
            prop_assert_eq!(n.summary.national_total, sum(|r| r.national_total));
            prop_assert_eq!(n.summary.rate, PaymentCounts::new(n.summary.online, n.summary.other).rate());
            // The rows add up to the summary too, and each agency appears once.
            prop_assert_eq!(n.rows.iter().map(|r| r.total).sum::<u64>(), n.summary.total);
            let codes: std::collections::BTreeSet<&str> = n.rows.iter().map(|r| r.code.as_str()).collect();
            prop_assert_eq!(codes.len(), n.rows.len());
            prop_assert_eq!(n.units, n.rows.len());
        }

        #[test]
        fn trend_merge_is_a_commutative_monoid_that_sums_each_month(a in trend_part(), b in trend_part(), c in trend_part()) {
            let e = TrendView { points: vec![], ..a.clone() };
            prop_assert_eq!(merge_trend(&a, &b), merge_trend(&b, &a));
            prop_assert_eq!(merge_trend(&merge_trend(&a, &b), &c), merge_trend(&a, &merge_trend(&b, &c)));
            prop_assert_eq!(&merge_trend(&e, &a), &a);
            let n = merge_trend(&a, &b);
            let online = |v: &TrendView| v.points.iter().map(|p| p.online + p.other).sum::<u64>();
            prop_assert_eq!(online(&n), online(&a) + online(&b));
        }

        #[test]
        fn intake_merge_is_a_commutative_monoid_that_sums(a in intake_part(), b in intake_part(), c in intake_part()) {
            let e = empty_intake(period(), NATIONAL, "Toàn quốc", "national", &default_target());
            prop_assert_eq!(merge_intake(&a, &b), merge_intake(&b, &a));
            prop_assert_eq!(merge_intake(&merge_intake(&a, &b), &c), merge_intake(&a, &merge_intake(&b, &c)));
            prop_assert_eq!(&merge_intake(&e, &a), &a);
            prop_assert_eq!(&merge_intake(&a, &e), &a);
            let n = merge_intake(&a, &b);
            prop_assert_eq!(n.summary.total, a.summary.total + b.summary.total);
            prop_assert_eq!(n.summary.online, a.summary.online + b.summary.online);
            prop_assert_eq!(n.procedures.iter().map(|p| p.total).sum::<u64>(), a.procedures.iter().chain(&b.procedures).map(|p| p.total).sum::<u64>());
        }

        #[test]
        fn bills_overdue_and_coverage_merge_as_commutative_monoids(
            (ka, kb, kc) in (kinds(), kinds(), kinds()),
            (oa, ob, oc) in (overdue(), overdue(), overdue()),
            (ca, cb, cc) in (coverage(), coverage(), coverage()),
        ) {
            let ke = kind_rows(&BTreeMap::new(), &BTreeMap::new());
            prop_assert_eq!(merge_bills(&ka, &kb), merge_bills(&kb, &ka));
            prop_assert_eq!(merge_bills(&merge_bills(&ka, &kb), &kc), merge_bills(&ka, &merge_bills(&kb, &kc)));
            prop_assert_eq!(&merge_bills(&ke, &ka), &ka);
            let money = |v: &[KindRow]| v.iter().map(|r| r.open_amount).sum::<i64>();
            prop_assert_eq!(money(&merge_bills(&ka, &kb)), money(&ka) + money(&kb));

            prop_assert_eq!(merge_overdue(&oa, &ob), merge_overdue(&ob, &oa));
            prop_assert_eq!(merge_overdue(&merge_overdue(&oa, &ob), &oc), merge_overdue(&oa, &merge_overdue(&ob, &oc)));
            prop_assert_eq!(&merge_overdue(&[], &oa), &oa);
            let n = |v: &[OverdueRow]| v.iter().map(|r| r.overdue).sum::<u64>();
            prop_assert_eq!(n(&merge_overdue(&oa, &ob)), n(&oa) + n(&ob));

            prop_assert_eq!(merge_coverage(&ca, &cb), merge_coverage(&cb, &ca));
            prop_assert_eq!(merge_coverage(&merge_coverage(&ca, &cb), &cc), merge_coverage(&ca, &merge_coverage(&cb, &cc)));
            prop_assert_eq!(&merge_coverage(&empty_coverage(), &ca), &ca);
            prop_assert_eq!(merge_coverage(&ca, &cb).with_fees, ca.with_fees + cb.with_fees);
        }

        #[test]
        fn dormant_rows_concatenate_in_one_order(a in prop::collection::btree_set((0u8..4, 0u8..4), 0..5), b in prop::collection::btree_set((4u8..8, 0u8..4), 0..5)) {
            let rows = |s: &std::collections::BTreeSet<(u8, u8)>| s.iter().map(|(ag, p)| DormantRow {
                agency: format!("a{ag}"), agency_name: String::new(), procedure: format!("p{p}"), procedure_name: String::new(), last_dossier: None,
            }).collect::<Vec<_>>();
            let (ra, rb) = (rows(&a), rows(&b));
            let n = merge_dormant(&ra, &rb);
            prop_assert_eq!(n.len(), ra.len() + rb.len());
            prop_assert_eq!(&n, &merge_dormant(&rb, &ra));
            prop_assert_eq!(merge_dormant(&[], &ra), ra);
        }
    }
}
