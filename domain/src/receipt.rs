//! Legal electronic fee receipts (biên lai điện tử) with the content Nghị định 254/2026/NĐ-CP
//! Điều 23.2 requires: ký hiệu mẫu biên lai and ký hiệu biên lai, a số biên lai of at most 8
//! digits that restarts each 1 January, the collector's name and tax code, the items collected,
//! the amount in figures and in words, the date and the collector's digital signature, all in
//! Vietnamese and in đồng. This module only builds that content; the shell keeps the yearly
//! sequence and, once connected, the signing service.
//!
//! The ký-hiệu formats are set by the Finance Minister and have not been checked (marked as an
//! assumption in shared/money/FACTS.md §2). Everything we assume about them is in [`assumed`],
//! so the real rules change that module only.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::calendar::vietnam_local;
use crate::fee::FeeKind;
use crate::money::Vnd;
use crate::validation::FieldError;

const DIGITS: [&str; 10] = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"];

/// The amount in words as Vietnamese invoices print it: "Một triệu không trăm linh năm nghìn
/// đồng". Inner groups keep their "không trăm", a zero tens digit after hundreds reads "linh",
/// empty groups are skipped, and past a thousand billion the scales stack ("một nghìn tỷ").
pub fn amount_in_words(amount: Vnd) -> String {
    // Within MAX_DONG = 10^15, so never negative.
    let dong = amount.as_dong().unsigned_abs();
    let mut words = Vec::new();
    if dong == 0 {
        words.push("không");
    } else {
        let mut leading = true;
        let (billions, rest) = (dong / 1_000_000_000, dong % 1_000_000_000);
        if billions > 0 {
            below_billion(billions, &mut leading, &mut words);
            words.push("tỷ");
        }
        below_billion(rest, &mut leading, &mut words);
    }
    words.push("đồng");
    let text = words.join(" ");
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}

/// `n < 10^9` by groups of three. `leading` stays true until the amount's first non-empty group,
/// the only one read without its zero hundreds.
fn below_billion(n: u64, leading: &mut bool, words: &mut Vec<&'static str>) {
    for (value, scale) in [(n / 1_000_000, Some("triệu")), (n / 1_000 % 1_000, Some("nghìn")), (n % 1_000, None)] {
        if value == 0 {
            continue;
        }
        group(value, !*leading, words);
        *leading = false;
        words.extend(scale);
    }
}

fn group(n: u64, inner: bool, words: &mut Vec<&'static str>) {
    let (h, t, u) = ((n / 100) as usize, (n / 10 % 10) as usize, (n % 10) as usize);
    let hundreds = h > 0 || inner;
    if hundreds {
        words.extend([DIGITS[h], "trăm"]);
    }
    // "bốn" everywhere, never the optional "tư" ("hai mươi bốn"): one amount, one spelling.
    let units = match (t, u) {
        (_, 0) => None,
        (2.., 1) => Some("mốt"),
        (1.., 5) => Some("lăm"),
        _ => Some(DIGITS[u]),
    };
    match t {
        0 if hundreds && u > 0 => words.push("linh"),
        0 => {}
        1 => words.push("mười"),
        _ => words.extend([DIGITS[t], "mươi"]),
    }
    words.extend(units);
}

/// Số biên lai: 1 to 99 999 999 (Đ23.2: at most 8 digits), restarting at 1 each 1 January,
/// Vietnam time (see [`receipt_year`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ReceiptNo(u32);

impl ReceiptNo {
    pub const MAX: u32 = 99_999_999;

    pub fn new(seq: u64) -> Result<ReceiptNo, ReceiptError> {
        match u32::try_from(seq) {
            Ok(n) if (1..=Self::MAX).contains(&n) => Ok(ReceiptNo(n)),
            _ => Err(ReceiptError::NumberOutOfRange { seq }),
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

impl fmt::Display for ReceiptNo {
    /// Padding to 7 digits (0000042) copies how e-invoice numbers are printed; it is only
    /// presentation: the legal limit is 8 digits, and numbers from 10 000 000 show all 8.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:07}", self.0)
    }
}

/// The numbering year of a receipt issued at `issued_at`: the year in Vietnam, so a receipt at
/// 00:30 on 1 January (17:30 UTC the day before) starts the new sequence.
pub fn receipt_year(issued_at: OffsetDateTime) -> i32 {
    vietnam_local(issued_at).year()
}

/// The receipt's ký hiệu mẫu and ký hiệu, configured per collecting agency.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptSeries {
    pub form_symbol: String,
    pub symbol: String,
}

impl ReceiptSeries {
    /// Checks an agency's configured symbols against the [`assumed`] shape (input upper-cased).
    pub fn parse(form_symbol: &str, symbol: &str) -> Result<Self, FieldError> {
        Ok(Self { form_symbol: assumed::symbol("form_symbol", form_symbol)?, symbol: assumed::symbol("symbol", symbol)? })
    }

    /// Our placeholder until the agency's own symbols are configured; see [`assumed`].
    pub fn default_for_year(year: i32) -> Self {
        assumed::placeholder_series(year)
    }
}

/// **ASSUMED FORMATS.** What we suppose about ký hiệu mẫu biên lai and ký hiệu biên lai, whose
/// format the Finance Minister sets (NĐ 254/2026 Đ23.2) and which we have not verified
/// (TT 78/2021 → TT 32/2025 → ?). When the real rules are known, change these functions only.
pub mod assumed {
    use super::ReceiptSeries;
    use crate::validation::FieldError;

    /// Both symbols: 1–11 characters of `0-9 A-Z / -`, the alphabet and length of the e-invoice
    /// symbols we know (e.g. `01BLP0-001`). Lower case is accepted and upper-cased.
    pub fn symbol(field: &str, input: &str) -> Result<String, FieldError> {
        let value = input.trim().to_uppercase();
        if value.is_empty() {
            return Err(FieldError::required(field));
        }
        if value.chars().count() > 11 {
            let (vi, en) = ("Ký hiệu dài tối đa 11 ký tự.", "The symbol is at most 11 characters.");
            return Err(FieldError::new(field, "too_long", vi, en));
        }
        if !value.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase() || b == b'/' || b == b'-') {
            let vi = "Ký hiệu chỉ gồm chữ in hoa không dấu, chữ số, dấu \"/\" và \"-\".";
            let en = "The symbol may contain only A–Z, digits, \"/\" and \"-\".";
            return Err(FieldError::new(field, "invalid_format", vi, en));
        }
        Ok(value)
    }

    /// Our deployment default, not a Ministry format: form `BLP` (biên lai phí) and symbol
    /// `<yy>E` (the year's last two digits, E for electronic: `26E`), chosen only to be short and
    /// to change with the numbering year.
    pub fn placeholder_series(year: i32) -> ReceiptSeries {
        ReceiptSeries { form_symbol: "BLP".into(), symbol: format!("{:02}E", year.rem_euclid(100)) }
    }
}

/// The collecting agency, whose name and MST the receipt carries even when a third party
/// issues it on the agency's behalf.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Collector {
    pub name: String,
    /// Mã số thuế: 10 digits, or 10 digits, `-` and 3 digits for a dependent unit.
    pub tax_code: String,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptItem {
    pub name: String,
    /// `phi` or `le_phi` on the wire.
    pub kind: FeeKind,
    pub amount: Vnd,
    pub beneficiary: String,
}

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SignatureState {
    /// Shown on the receipt so nobody takes an unsigned one for the legal document.
    Pending { reason: String },
    /// `at` is RFC 3339.
    Signed { by: String, at: String },
}

pub const UNSIGNED_REASON: &str = "Chưa ký số: dịch vụ ký số của cơ quan thu chưa được kết nối.";

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegalReceipt {
    pub form_symbol: String,
    pub symbol: String,
    /// The số biên lai as printed (`0000042`).
    pub number: String,
    pub collector: Collector,
    pub payer_name: String,
    pub items: Vec<ReceiptItem>,
    pub amount: Vnd,
    pub amount_in_words: String,
    /// RFC 3339 in Vietnam time (`2027-01-01T00:30:00+07:00`): the date printed is the local one.
    pub issued_at: String,
    pub signature: SignatureState,
}

impl LegalReceipt {
    /// Builds an unsigned receipt. The amount and its words are computed from the items, never
    /// passed in, so figures and words cannot disagree.
    pub fn issue(
        series: &ReceiptSeries,
        seq: ReceiptNo,
        collector: Collector,
        payer_name: &str,
        items: Vec<ReceiptItem>,
        issued_at: OffsetDateTime,
    ) -> Result<LegalReceipt, ReceiptError> {
        if collector.name.trim().is_empty() {
            return Err(ReceiptError::Required { field: "collector.name".into() });
        }
        if !is_tax_code(&collector.tax_code) {
            return Err(ReceiptError::InvalidTaxCode { tax_code: collector.tax_code });
        }
        let payer_name = payer_name.trim();
        if payer_name.is_empty() {
            return Err(ReceiptError::Required { field: "payer_name".into() });
        }
        if items.is_empty() {
            return Err(ReceiptError::NoItems);
        }
        if let Some(index) = items.iter().position(|item| item.name.trim().is_empty()) {
            return Err(ReceiptError::Required { field: format!("items.{index}.name") });
        }
        // Vnd's `+` saturates; a receipt must refuse rather than print a capped total.
        let total = items.iter().try_fold(0i64, |sum, item| sum.checked_add(item.amount.as_dong()));
        let amount = total.and_then(|t| Vnd::from_dong("amount", t).ok()).ok_or(ReceiptError::AmountTooLarge)?;
        Ok(LegalReceipt {
            form_symbol: series.form_symbol.clone(),
            symbol: series.symbol.clone(),
            number: seq.to_string(),
            collector,
            payer_name: payer_name.to_string(),
            items,
            amount,
            amount_in_words: amount_in_words(amount),
            issued_at: rfc3339_vietnam(issued_at),
            signature: SignatureState::Pending { reason: UNSIGNED_REASON.to_string() },
        })
    }
}

fn is_tax_code(s: &str) -> bool {
    let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    match s.split_once('-') {
        None => digits(s, 10),
        Some((head, branch)) => digits(head, 10) && digits(branch, 3),
    }
}

fn rfc3339_vietnam(instant: OffsetDateTime) -> String {
    let t = vietnam_local(instant);
    let (d, h) = (t.date(), t.time());
    let (year, month, day) = (d.year(), u8::from(d.month()), d.day());
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}+07:00", h.hour(), h.minute(), h.second())
}

/// Why a receipt could not be made; the English message is the `Display`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReceiptError {
    #[error("the receipt number {seq} is outside 1..=99999999")]
    NumberOutOfRange { seq: u64 },
    #[error("{field} is required")]
    Required { field: String },
    #[error("the collector's tax code {tax_code:?} is not 10 digits or 10 digits-3 digits")]
    InvalidTaxCode { tax_code: String },
    #[error("a receipt needs at least one item")]
    NoItems,
    #[error("the total is too large")]
    AmountTooLarge,
}

/// The API's shape: the field as named in [`LegalReceipt`], a stable code, both messages.
impl From<ReceiptError> for FieldError {
    fn from(e: ReceiptError) -> FieldError {
        let (field, code, vi): (String, _, String) = match &e {
            ReceiptError::NumberOutOfRange { .. } => {
                ("number".into(), "out_of_range", "Số biên lai phải từ 1 đến 99.999.999 (tối đa 8 chữ số).".into())
            }
            ReceiptError::Required { field } => (field.clone(), "required", "Vui lòng nhập thông tin này.".into()),
            ReceiptError::InvalidTaxCode { .. } => {
                let vi = "Mã số thuế phải gồm 10 chữ số, hoặc 10 chữ số, \"-\" và 3 chữ số.";
                ("collector.tax_code".into(), "invalid_format", vi.into())
            }
            ReceiptError::NoItems => ("items".into(), "empty", "Biên lai phải có ít nhất một khoản thu.".into()),
            ReceiptError::AmountTooLarge => ("items".into(), "too_large", "Tổng số tiền quá lớn.".into()),
        };
        FieldError::new(field, code, vi, e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::datetime;

    #[test]
    fn amounts_in_words() {
        let golden: &[(i64, &str)] = &[
            (0, "Không đồng"), (1, "Một đồng"), (5, "Năm đồng"), (10, "Mười đồng"), (11, "Mười một đồng"),
            (14, "Mười bốn đồng"), (15, "Mười lăm đồng"), (20, "Hai mươi đồng"), (21, "Hai mươi mốt đồng"),
            (24, "Hai mươi bốn đồng"), (25, "Hai mươi lăm đồng"), (100, "Một trăm đồng"),
            (101, "Một trăm linh một đồng"), (105, "Một trăm linh năm đồng"), (110, "Một trăm mười đồng"),
            (111, "Một trăm mười một đồng"), (1_001, "Một nghìn không trăm linh một đồng"),
            (1_050, "Một nghìn không trăm năm mươi đồng"), (7_000, "Bảy nghìn đồng"), (10_000, "Mười nghìn đồng"),
            (15_500, "Mười lăm nghìn năm trăm đồng"), (21_000, "Hai mươi mốt nghìn đồng"),
            (115_000, "Một trăm mười lăm nghìn đồng"), (250_000, "Hai trăm năm mươi nghìn đồng"),
            (1_000_000, "Một triệu đồng"), (1_000_050, "Một triệu không trăm năm mươi đồng"),
            (1_005_000, "Một triệu không trăm linh năm nghìn đồng"), (2_000_000_000, "Hai tỷ đồng"),
            (1_000_000_005, "Một tỷ không trăm linh năm đồng"), (1_000_000_000_000, "Một nghìn tỷ đồng"),
            (5_000_000_001_000, "Năm nghìn tỷ không trăm linh một nghìn đồng"),
            (1_234_567_890_123, "Một nghìn hai trăm ba mươi bốn tỷ năm trăm sáu mươi bảy triệu tám trăm chín mươi nghìn một trăm hai mươi ba đồng"),
            (Vnd::MAX_DONG, "Một triệu tỷ đồng"),
            (Vnd::MAX_DONG - 1, "Chín trăm chín mươi chín nghìn chín trăm chín mươi chín tỷ chín trăm chín mươi chín triệu chín trăm chín mươi chín nghìn chín trăm chín mươi chín đồng"),
        ];
        for (dong, words) in golden {
            assert_eq!(amount_in_words(Vnd::dong(*dong)), *words, "{dong}");
        }
    }

    #[test]
    fn numbers_have_at_most_eight_digits() {
        for seq in [0, 100_000_000, u64::from(u32::MAX) + 1, u64::MAX] {
            assert_eq!(ReceiptNo::new(seq), Err(ReceiptError::NumberOutOfRange { seq }));
        }
        assert_eq!(ReceiptNo::new(1).unwrap().get(), 1);
        assert_eq!(ReceiptNo::new(42).unwrap().to_string(), "0000042");
        assert_eq!(ReceiptNo::new(99_999_999).unwrap().to_string(), "99999999");
        let e = FieldError::from(ReceiptNo::new(0).unwrap_err());
        assert_eq!((e.field.as_str(), e.code.as_str()), ("number", "out_of_range"));
    }

    #[test]
    fn the_numbering_year_is_vietnamese() {
        assert_eq!(receipt_year(datetime!(2026-12-31 17:30 UTC)), 2027);
        assert_eq!(receipt_year(datetime!(2026-12-31 16:59:59 UTC)), 2026);
    }

    #[test]
    fn series_symbols_are_checked_and_upper_cased() {
        let s = ReceiptSeries::parse(" 01blp0-001 ", "c26tyy").unwrap();
        assert_eq!((s.form_symbol.as_str(), s.symbol.as_str()), ("01BLP0-001", "C26TYY"));
        assert_eq!(ReceiptSeries::parse("", "A").unwrap_err().code, "required");
        assert_eq!(ReceiptSeries::parse("A", "ABCDEFGHIJKL").unwrap_err().code, "too_long");
        let e = ReceiptSeries::parse("A", "BL P").unwrap_err();
        assert_eq!((e.field.as_str(), e.code.as_str()), ("symbol", "invalid_format"));
        assert_eq!(ReceiptSeries::parse("BLĐ", "A").unwrap_err().code, "invalid_format");
        let d = ReceiptSeries::default_for_year(2026);
        assert_eq!((d.form_symbol.as_str(), d.symbol.as_str()), ("BLP", "26E"));
        assert_eq!(ReceiptSeries::parse(&d.form_symbol, &d.symbol).unwrap(), d);
        assert_eq!(ReceiptSeries::default_for_year(2105).symbol, "05E");
    }

    fn item(kind: FeeKind, dong: i64) -> ReceiptItem {
        ReceiptItem { name: "Lệ phí chứng thực".into(), kind, amount: Vnd::dong(dong), beneficiary: "treasury".into() }
    }

    fn issue_with(tax_code: &str, items: Vec<ReceiptItem>) -> Result<LegalReceipt, ReceiptError> {
        let collector = Collector { name: "UBND phường Hàng Bạc".into(), tax_code: tax_code.into() };
        let series = ReceiptSeries::default_for_year(2027);
        LegalReceipt::issue(&series, ReceiptNo::new(42).unwrap(), collector, " Nguyễn Văn An ", items, datetime!(2026-12-31 17:30 UTC))
    }

    #[test]
    fn tax_codes_are_vietnamese_msts() {
        assert!(issue_with("0101234567", vec![item(FeeKind::LePhi, 1)]).is_ok());
        assert!(issue_with("0101234567-001", vec![item(FeeKind::LePhi, 1)]).is_ok()); // a dependent unit
        for bad in ["", "010123456", "01012345678", "0101234567-01", "0101234567-0011", "0101234567001", "A101234567", "0101234567-", " 0101234567"] {
            let e = FieldError::from(issue_with(bad, vec![item(FeeKind::LePhi, 1)]).unwrap_err());
            assert_eq!((e.field.as_str(), e.code.as_str()), ("collector.tax_code", "invalid_format"), "{bad}");
        }
    }

    #[test]
    fn the_amount_is_the_sum_of_the_items() {
        let r = issue_with("0101234567", vec![item(FeeKind::LePhi, 100_000), item(FeeKind::Phi, 15_000)]).unwrap();
        assert_eq!(r.amount, Vnd::dong(115_000));
        assert_eq!(r.amount_in_words, "Một trăm mười lăm nghìn đồng");
        assert_eq!((r.form_symbol.as_str(), r.symbol.as_str(), r.number.as_str()), ("BLP", "27E", "0000042"));
        assert_eq!(r.payer_name, "Nguyễn Văn An");
        assert_eq!(r.issued_at, "2027-01-01T00:30:00+07:00");
        assert_eq!(r.signature, SignatureState::Pending { reason: UNSIGNED_REASON.into() });
        let huge = vec![item(FeeKind::Phi, Vnd::MAX_DONG), item(FeeKind::Phi, 1)];
        assert_eq!(issue_with("0101234567", huge), Err(ReceiptError::AmountTooLarge));
    }

    #[test]
    fn items_are_checked() {
        assert_eq!(issue_with("0101234567", vec![]), Err(ReceiptError::NoItems));
        let unnamed = ReceiptItem { name: " ".into(), ..item(FeeKind::Phi, 1) };
        let e = FieldError::from(issue_with("0101234567", vec![item(FeeKind::Phi, 1), unnamed]).unwrap_err());
        assert_eq!((e.field.as_str(), e.code.as_str(), e.message_vi.as_str()), ("items.1.name", "required", "Vui lòng nhập thông tin này."));
    }

    #[test]
    fn serializes_the_signature_state_with_a_tag() {
        let r = issue_with("0101234567-001", vec![item(FeeKind::LePhi, 7_000)]).unwrap();
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["signature"], serde_json::json!({"state": "pending", "reason": UNSIGNED_REASON}));
        assert_eq!((json["amount"].clone(), json["items"][0]["kind"].clone()), (7000.into(), "le_phi".into()));
        assert_eq!(serde_json::from_value::<LegalReceipt>(json).unwrap(), r);
        let signed = SignatureState::Signed { by: "UBND phường Hàng Bạc".into(), at: "2027-01-01T00:31:00+07:00".into() };
        assert_eq!(serde_json::to_value(&signed).unwrap()["state"], "signed");
    }

    proptest! {
        #[test]
        fn words_are_well_formed(dong in 0i64..=Vnd::MAX_DONG) {
            let w = amount_in_words(Vnd::dong(dong));
            prop_assert!(!w.is_empty());
            prop_assert!(w.chars().next().is_some_and(char::is_uppercase), "{}", w);
            prop_assert!(w.ends_with("đồng"), "{}", w);
            prop_assert!(!w.contains("  "), "{}", w);
        }
    }
}
