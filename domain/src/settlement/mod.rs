//! Daily settlement reconciliation. Each provider (and the bank, for VietQR transfers and the
//! treasury account) sends a file of the day's transactions; the accountant uploads it and we
//! compare it with our ledger, line by line, before the provider pays out (VNPAY pays only
//! matched amounts, FACTS.md §4). This module owns the parsing of those files into one
//! [`SettlementRow`] shape, their writing (the dev sandbox produces each provider's file for a
//! day with it), and the matching ([`reconcile`]) into [`Finding`]s the shell stores
//! idempotently by [`finding_key`].
//!
//! No provider publishes its file's columns (FACTS.md §4–7), so each adapter module holds one
//! assumed layout and nothing else: when a real specification arrives, only that file changes.

pub mod bank;
mod matcher;
pub mod momo;
pub(crate) mod table;
pub mod vnpay;
pub mod zalopay;

use serde::{Deserialize, Serialize};

use crate::money::Vnd;
use crate::validation::FieldError;

pub use matcher::{finding_key, reconcile, Finding, FindingKind, LedgerEntry};

/// One money-received line of a settlement file, in the same shape whatever the provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettlementRow {
    /// Our order reference: `vnp_TxnRef`, MoMo `orderId`, our part of ZaloPay's `app_trans_id`,
    /// or the bill code found in a bank transfer's content (empty when none was found).
    pub reference: String,
    /// The provider's (or bank's) transaction number.
    pub provider_txn: String,
    pub amount: Vnd,
    /// The transaction time as the file writes it; informational, never parsed.
    pub at: String,
    /// 1-based line in the file, for the accountant to find it.
    pub line: usize,
}

/// A file that cannot be read, named by line (1-based) and, when one cell is at fault, column
/// (as the header names it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("line {line}{}: {message_en}", column.as_ref().map(|c| format!(", column \"{c}\"")).unwrap_or_default())]
pub struct FileError {
    pub line: usize,
    pub column: Option<String>,
    /// `empty_file`, `invalid_header`, `wrong_column_count`, `unbalanced_quote`, `required`,
    /// `invalid_amount`, `too_large`.
    pub code: String,
    pub message_vi: String,
    pub message_en: String,
}

impl FileError {
    pub(crate) fn new(line: usize, column: Option<&str>, code: &str, message_vi: &str, message_en: &str) -> FileError {
        FileError {
            line,
            column: column.map(str::to_string),
            code: code.to_string(),
            message_vi: message_vi.to_string(),
            message_en: message_en.to_string(),
        }
    }
}

/// The upload is one form field, `file`; the position goes into the message so that the 400
/// answer names the line.
impl From<FileError> for FieldError {
    fn from(e: FileError) -> FieldError {
        let (vi, en) = match &e.column {
            Some(c) => (format!("Dòng {}, cột \"{c}\": {}", e.line, e.message_vi), format!("Line {}, column \"{c}\": {}", e.line, e.message_en)),
            None => (format!("Dòng {}: {}", e.line, e.message_vi), format!("Line {}: {}", e.line, e.message_en)),
        };
        FieldError::new("file", e.code, vi, en)
    }
}

/// Which layout an uploaded file has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileFormat {
    Vnpay,
    Momo,
    Zalopay,
    /// A bank statement: the agency's VietQR account or the treasury account.
    Bank,
}

impl FileFormat {
    pub const ALL: [FileFormat; 4] = [FileFormat::Vnpay, FileFormat::Momo, FileFormat::Zalopay, FileFormat::Bank];

    /// From the words of the query string: `vnpay`, `momo`, `zalopay`, and `vietqr`, `bank` or
    /// `treasury` for a bank statement (VietQR money arrives as plain bank credits).
    pub fn parse(field: &str, input: &str) -> Result<FileFormat, FieldError> {
        match input.trim().to_ascii_lowercase().as_str() {
            "vnpay" => Ok(FileFormat::Vnpay),
            "momo" => Ok(FileFormat::Momo),
            "zalopay" => Ok(FileFormat::Zalopay),
            "vietqr" | "bank" | "treasury" => Ok(FileFormat::Bank),
            _ => Err(FieldError::new(
                field,
                "unknown_format",
                "Loại tệp đối soát không được hỗ trợ.",
                "Unknown settlement file format; use vnpay, momo, zalopay, vietqr, bank or treasury.",
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            FileFormat::Vnpay => "vnpay",
            FileFormat::Momo => "momo",
            FileFormat::Zalopay => "zalopay",
            FileFormat::Bank => "bank",
        }
    }

    pub fn parse_file(self, text: &str) -> Result<Vec<SettlementRow>, FileError> {
        match self {
            FileFormat::Vnpay => vnpay::parse(text),
            FileFormat::Momo => momo::parse(text),
            FileFormat::Zalopay => zalopay::parse(text),
            FileFormat::Bank => bank::parse(text),
        }
    }

    pub fn write_file(self, rows: &[SettlementRow]) -> String {
        match self {
            FileFormat::Vnpay => vnpay::write(rows),
            FileFormat::Momo => momo::write(rows),
            FileFormat::Zalopay => zalopay::write(rows),
            FileFormat::Bank => bank::write(rows),
        }
    }
}

/// Strategies for the round-trip property tests of every adapter.
#[cfg(test)]
pub(crate) mod testkit {
    use proptest::prelude::*;

    use super::SettlementRow;
    use crate::gateway::Reference;
    use crate::money::Vnd;

    /// A non-empty cell with commas and quotes (to exercise quoting) but no `_` (so that it is
    /// never mistaken for a ZaloPay `yyMMdd_ref`) and no space at either end (cells are trimmed).
    pub fn cell() -> impl Strategy<Value = String> {
        "[A-Za-z0-9]([A-Za-z0-9 ,\".:/-]{0,14}[A-Za-z0-9])?"
    }

    pub fn our_reference() -> impl Strategy<Value = String> {
        any::<u64>().prop_map(|n| Reference::from_random(n).to_string())
    }

    /// Rows as `parse` would return them from `write`'s output: row i on line i + 2.
    pub fn rows(
        reference: impl Strategy<Value = String>,
        at: impl Strategy<Value = String>,
        min_amount: i64,
    ) -> impl Strategy<Value = Vec<SettlementRow>> {
        prop::collection::vec((reference, cell(), min_amount..=Vnd::MAX_DONG, at), 0..12).prop_map(|v| {
            v.into_iter()
                .enumerate()
                .map(|(i, (reference, provider_txn, amount, at))| SettlementRow { reference, provider_txn, amount: Vnd::dong(amount), at, line: i + 2 })
                .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_from_the_query_words() {
        for (word, format) in [("vnpay", FileFormat::Vnpay), ("MoMo", FileFormat::Momo), (" zalopay ", FileFormat::Zalopay), ("vietqr", FileFormat::Bank), ("bank", FileFormat::Bank), ("treasury", FileFormat::Bank)] {
            assert_eq!(FileFormat::parse("format", word).unwrap(), format, "{word}");
        }
        let e = FileFormat::parse("format", "paygov").unwrap_err();
        assert_eq!((e.field.as_str(), e.code.as_str()), ("format", "unknown_format"));
    }

    #[test]
    fn dispatch_round_trips_every_format() {
        let rows = vec![SettlementRow { reference: "MC00000000TEST1".into(), provider_txn: "14012345".into(), amount: Vnd::dong(50_000), at: "1714532760000".into(), line: 2 }];
        for format in FileFormat::ALL {
            assert_eq!(format.parse_file(&format.write_file(&rows)).unwrap(), rows, "{format:?}");
        }
    }

    #[test]
    fn a_file_error_becomes_a_field_error_naming_the_line() {
        let e: FieldError = FileFormat::Vnpay.parse_file("STT,Ma GD VNPAY\r\n").unwrap_err().into();
        assert_eq!((e.field.as_str(), e.code.as_str()), ("file", "invalid_header"));
        assert!(e.message_vi.starts_with("Dòng 1, cột \"Ma GD Merchant\": "), "{}", e.message_vi);
        assert!(e.message_en.starts_with("Line 1, column \"Ma GD Merchant\": "), "{}", e.message_en);
        let e: FieldError = FileFormat::Momo.parse_file("").unwrap_err().into();
        assert_eq!(e.message_vi, "Dòng 1: Tệp không có dữ liệu (thiếu dòng tiêu đề).");
    }
}
