//! The dashboard's bills: paid online and otherwise per kind, what is still open, and the land
//! obligations' online share against seed 001 (2.b): "tối thiểu 50% số hồ sơ giải quyết thủ tục
//! hành chính về đất đai hộ gia đình, cá nhân/cấp huyện được thanh toán trực tuyến nghĩa vụ tài
//! chính" (the 2021 target; kept until a province sets a later one).

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::Kind;
use crate::stats::{format_percent_vi, meets_target, PaymentCounts};

/// 50 %, seed 001 2.b.
pub const LAND_ONLINE_TARGET: Decimal = Decimal::from_parts(50, 0, 0, false, 2);

/// One kind's row.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindRow {
    pub kind: Kind,
    pub label: String,
    pub paid_online: u64,
    pub paid_other: u64,
    /// "—" when nothing was paid.
    pub rate_display: String,
    /// The target this kind is held to (land obligations only), as a percentage text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_display: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meets_target: Option<bool>,
    /// Still open now (not paid, cancelled or expired): how many and how much.
    pub open_count: u64,
    pub open_amount: i64,
}

/// Every kind, in the catalog's order, whether or not anything happened (a leader reads a zero).
pub fn kind_rows(paid: &BTreeMap<Kind, PaymentCounts>, open: &BTreeMap<Kind, (u64, i64)>) -> Vec<KindRow> {
    Kind::ALL
        .into_iter()
        .map(|kind| {
            let counts = paid.get(&kind).copied().unwrap_or_default();
            let rate = counts.rate();
            let target = (kind == Kind::LandObligation).then_some(LAND_ONLINE_TARGET);
            let (open_count, open_amount) = open.get(&kind).copied().unwrap_or((0, 0));
            KindRow {
                kind,
                label: kind.label_vi().to_string(),
                paid_online: counts.online,
                paid_other: counts.other,
                rate_display: rate.map(format_percent_vi).unwrap_or_else(|| "—".into()),
                target_display: target.map(format_percent_vi),
                meets_target: target.map(|t| rate.is_some_and(|r| meets_target(r, t))),
                open_count,
                open_amount,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn land_obligations_are_held_to_half_online_and_every_kind_is_listed() {
        let mut paid = BTreeMap::new();
        paid.insert(Kind::LandObligation, PaymentCounts::new(5, 5));
        paid.insert(Kind::Fine, PaymentCounts::new(1, 3));
        let mut open = BTreeMap::new();
        open.insert(Kind::Fine, (2, 3_000_000));
        let rows = kind_rows(&paid, &open);
        assert_eq!(rows.len(), Kind::ALL.len());
        let land = rows.iter().find(|r| r.kind == Kind::LandObligation).unwrap();
        assert_eq!((land.rate_display.as_str(), land.target_display.as_deref(), land.meets_target), ("50,00%", Some("50,00%"), Some(true)));
        let fine = rows.iter().find(|r| r.kind == Kind::Fine).unwrap();
        assert_eq!((fine.rate_display.as_str(), fine.meets_target, fine.open_count, fine.open_amount), ("25,00%", None, 2, 3_000_000));
        let none = rows.iter().find(|r| r.kind == Kind::Insurance).unwrap();
        assert_eq!((none.rate_display.as_str(), none.paid_online), ("—", 0));
        paid.insert(Kind::LandObligation, PaymentCounts::new(4, 5));
        assert_eq!(kind_rows(&paid, &open)[1].meets_target, Some(false), "44,44 % misses 50 %");
    }
}
