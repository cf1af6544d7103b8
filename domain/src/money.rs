//! Money. VND has no minor unit: every amount a citizen pays is a whole number of đồng. `Vnd` is
//! built on `rust_decimal` (never floats) and can only hold a whole, non-negative amount below
//! [`Vnd::MAX`]; percentages are applied through [`Vnd::percent_of`], which rounds half up.

use std::fmt;
use std::ops::Add;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::validation::FieldError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Vnd(Decimal);

/// On the wire an amount is a whole number of đồng (`7000`), never negative.
#[cfg(feature = "openapi")]
impl schemars::JsonSchema for Vnd {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Vnd".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "integer", "minimum": 0, "maximum": Vnd::MAX_DONG, "description": "A whole amount of đồng."})
    }
}

impl Vnd {
    pub const ZERO: Vnd = Vnd(Decimal::ZERO);
    /// 10^15 đ: far above any fee or declared asset value, low enough that sums of many
    /// amounts stay exact and fit an i64 (and a JS number) with room to spare.
    pub const MAX_DONG: i64 = 1_000_000_000_000_000;

    /// A whole amount of đồng, rejecting negatives and absurd sizes.
    pub fn from_dong(field: &str, dong: i64) -> Result<Vnd, FieldError> {
        if dong < 0 {
            return Err(FieldError::new(
                field,
                "negative",
                "Số tiền không được âm.",
                "The amount cannot be negative.",
            ));
        }
        if dong > Self::MAX_DONG {
            return Err(too_large(field));
        }
        Ok(Vnd(Decimal::from(dong)))
    }

    /// For amounts written in the code or coming from trusted storage.
    ///
    /// # Panics
    /// When `dong` is negative or above [`Vnd::MAX_DONG`].
    pub fn dong(dong: i64) -> Vnd {
        Self::from_dong("amount", dong).expect("a valid constant amount of đồng")
    }

    /// From a decimal that must already be a whole number of đồng.
    pub fn from_decimal(field: &str, value: Decimal) -> Result<Vnd, FieldError> {
        if value.fract() != Decimal::ZERO {
            return Err(FieldError::new(
                field,
                "fraction",
                "Số tiền phải là số nguyên đồng (không có phần lẻ).",
                "The amount must be a whole number of đồng.",
            ));
        }
        let whole = value.to_i64().ok_or_else(|| too_large(field))?;
        Self::from_dong(field, whole)
    }

    /// Parses what a person types: `1234567`, `1.234.567`, `1 234 567`, optionally followed
    /// by `đ`, `đồng` or `VND`. A decimal comma (`1234,5`) is a fraction of a đồng: refused.
    pub fn parse(field: &str, input: &str) -> Result<Vnd, FieldError> {
        let trimmed = input.trim();
        let number = ["đồng", "đ", "VND", "vnd", "VNĐ", "vnđ"]
            .iter()
            .find_map(|suffix| trimmed.strip_suffix(suffix))
            .unwrap_or(trimmed)
            .trim();
        if number.is_empty() {
            return Err(FieldError::required(field));
        }
        if number.starts_with('-') {
            return Err(Self::from_dong(field, -1).unwrap_err());
        }
        if number.contains(',') {
            return Err(Self::from_decimal(field, Decimal::new(1, 1)).unwrap_err());
        }
        let digits: String = number.chars().filter(|c| *c != '.' && *c != ' ').collect();
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(FieldError::new(
                field,
                "invalid_format",
                "Số tiền chỉ gồm chữ số, ví dụ 1.234.567.",
                "The amount must be digits, e.g. 1.234.567.",
            ));
        }
        if digits.len() > 16 {
            return Err(too_large(field));
        }
        let dong: i64 = digits.parse().map_err(|_| too_large(field))?;
        Self::from_dong(field, dong)
    }

    pub fn as_decimal(self) -> Decimal {
        self.0
    }

    pub fn as_dong(self) -> i64 {
        // Invariant: whole and within MAX_DONG, so this never fails.
        self.0.to_i64().unwrap_or(i64::MAX)
    }

    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// `rate_percent` % of this amount, rounded half up to the whole đồng
    /// (0,5 % of 2.000.000.001 đ = 10.000.005 đ).
    pub fn percent_of(self, rate_percent: Decimal) -> Vnd {
        let raw = self.0 * rate_percent / Decimal::ONE_HUNDRED;
        Vnd(raw.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero).min(Decimal::from(Self::MAX_DONG)))
    }

    /// Multiplies by a count, saturating at [`Vnd::MAX_DONG`] so a hostile count cannot overflow.
    pub fn times(self, count: u64) -> Vnd {
        let product = self.0.checked_mul(Decimal::from(count)).unwrap_or(Decimal::MAX);
        Vnd(product.min(Decimal::from(Self::MAX_DONG)))
    }

    pub fn min(self, other: Vnd) -> Vnd {
        Vnd(self.0.min(other.0))
    }

    pub fn max(self, other: Vnd) -> Vnd {
        Vnd(self.0.max(other.0))
    }

    /// `self - other`, or zero when `other` is larger (an amount left to pay is never negative).
    pub fn saturating_sub(self, other: Vnd) -> Vnd {
        Vnd((self.0 - other.0).max(Decimal::ZERO))
    }

    /// Grouped with dots, without the currency sign: `1.234.567`.
    pub fn grouped(self) -> String {
        let digits = self.as_dong().to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push('.');
            }
            out.push(c);
        }
        out
    }
}

fn too_large(field: &str) -> FieldError {
    FieldError::new(
        field,
        "too_large",
        "Số tiền quá lớn.",
        "The amount is too large.",
    )
}

impl fmt::Display for Vnd {
    /// Vietnamese form: `1.234.567 đ`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} đ", self.grouped())
    }
}

impl Add for Vnd {
    type Output = Vnd;
    /// Saturates at [`Vnd::MAX_DONG`].
    fn add(self, rhs: Vnd) -> Vnd {
        Vnd((self.0 + rhs.0).min(Decimal::from(Self::MAX_DONG)))
    }
}

impl std::iter::Sum for Vnd {
    fn sum<I: Iterator<Item = Vnd>>(iter: I) -> Vnd {
        iter.fold(Vnd::ZERO, |a, b| a + b)
    }
}

/// On the wire an amount is an integer number of đồng (`{"total": 7000}`).
impl Serialize for Vnd {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.as_dong())
    }
}

impl<'de> Deserialize<'de> for Vnd {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Vnd, D::Error> {
        let dong = i64::deserialize(d)?;
        Vnd::from_dong("amount", dong).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn displays_in_vietnamese_form() {
        assert_eq!(Vnd::dong(1_234_567).to_string(), "1.234.567 đ");
        assert_eq!(Vnd::dong(7_000).to_string(), "7.000 đ");
        assert_eq!(Vnd::dong(0).to_string(), "0 đ");
        assert_eq!(Vnd::dong(999).to_string(), "999 đ");
        assert_eq!(Vnd::dong(1_000_000).to_string(), "1.000.000 đ");
    }

    #[test]
    fn parses_what_people_type() {
        assert_eq!(Vnd::parse("value", "1.234.567").unwrap(), Vnd::dong(1_234_567));
        assert_eq!(Vnd::parse("value", "1234567 đ").unwrap(), Vnd::dong(1_234_567));
        assert_eq!(Vnd::parse("value", " 2 000 000 000 VND").unwrap(), Vnd::dong(2_000_000_000));
    }

    #[test]
    fn refuses_negative_fraction_garbage_and_absurd() {
        assert_eq!(Vnd::parse("value", "-5").unwrap_err().code, "negative");
        assert_eq!(Vnd::parse("value", "1234,5").unwrap_err().code, "fraction");
        assert_eq!(Vnd::parse("value", "12a").unwrap_err().code, "invalid_format");
        assert_eq!(Vnd::parse("value", "").unwrap_err().code, "required");
        assert_eq!(Vnd::parse("value", "99999999999999999999").unwrap_err().code, "too_large");
        assert_eq!(Vnd::from_dong("value", Vnd::MAX_DONG + 1).unwrap_err().code, "too_large");
        assert_eq!(Vnd::from_decimal("value", Decimal::new(15, 1)).unwrap_err().code, "fraction");
        let err = Vnd::parse("inputs.value", "-1").unwrap_err();
        assert_eq!(err.field, "inputs.value");
    }

    #[test]
    fn percentage_rounds_half_up_to_the_dong() {
        // lệ phí trước bạ 0,5 % of 2.000.000.000 đ (NĐ 10/2022/NĐ-CP Điều 8)
        assert_eq!(Vnd::dong(2_000_000_000).percent_of(Decimal::new(5, 1)), Vnd::dong(10_000_000));
        assert_eq!(Vnd::dong(2_000_000_100).percent_of(Decimal::new(5, 1)), Vnd::dong(10_000_001)); // .5 up
        assert_eq!(Vnd::dong(2_000_000_099).percent_of(Decimal::new(5, 1)), Vnd::dong(10_000_000)); // .495 down
    }

    #[test]
    fn serializes_as_integer_dong() {
        assert_eq!(serde_json::to_string(&Vnd::dong(7000)).unwrap(), "7000");
        assert_eq!(serde_json::from_str::<Vnd>("21000").unwrap(), Vnd::dong(21_000));
        assert!(serde_json::from_str::<Vnd>("-1").is_err());
    }

    proptest! {
        #[test]
        fn display_round_trips_through_parse(d in 0i64..Vnd::MAX_DONG) {
            let v = Vnd::dong(d);
            prop_assert_eq!(Vnd::parse("v", &v.to_string()).unwrap(), v);
        }

        #[test]
        fn sums_and_percentages_stay_whole_and_non_negative(a in 0i64..1_000_000_000_000, b in 0i64..1_000_000_000_000, r in 0u32..10_000) {
            let s = Vnd::dong(a) + Vnd::dong(b);
            prop_assert!(s.as_decimal().fract().is_zero() && s.as_dong() >= 0);
            let p = s.percent_of(Decimal::new(r as i64, 2));
            prop_assert!(p.as_decimal().fract().is_zero() && p.as_dong() >= 0 && p <= s);
        }
    }
}
