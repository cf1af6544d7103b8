//! The CSV plumbing the four adapters share: the header is checked once, then each data line
//! becomes a [`Record`] whose cells are read by column, so that every error names its line and
//! column. Splitting and quoting are the dashboard import's ([`split_csv_line`], [`to_csv`]):
//! one CSV dialect in the domain.
//!
//! Tolerated, because spreadsheets and bank portals produce them: a UTF-8 BOM, CRLF, quoted
//! cells with commas, blank lines and lines of empty cells (`,,,,`), spaces around cells, and a
//! header with diacritics or another case (`Số tiền` for `So tien`). A cell cannot span lines.

use crate::dashboard::{split_csv_line, to_csv};
use crate::money::Vnd;
use crate::text::fold;

use super::{FileError, SettlementRow};

/// Where a provider's file keeps what a [`SettlementRow`] needs, and the status that means the
/// money was received (other rows are not money and are skipped).
pub(crate) struct Layout {
    pub reference: usize,
    pub txn: usize,
    pub amount: usize,
    pub at: usize,
    pub status: usize,
    pub success: &'static str,
}

/// The paid rows of a provider's file; `reference` turns the reference cell into ours.
pub(crate) fn paid_rows(
    text: &str,
    header: &'static [&'static str],
    layout: &Layout,
    reference: impl Fn(&str) -> String,
) -> Result<Vec<SettlementRow>, FileError> {
    records(text, header)?
        .into_iter()
        .filter(|r| r.cell(layout.status) == layout.success)
        .map(|r| {
            Ok(SettlementRow {
                reference: reference(r.required(layout.reference)?),
                provider_txn: r.required(layout.txn)?.to_string(),
                amount: r.amount(layout.amount)?,
                at: r.cell(layout.at).to_string(),
                line: r.line,
            })
        })
        .collect()
}

/// One data line of a file, its cells trimmed; as many cells as the header has.
pub(crate) struct Record {
    pub line: usize,
    cells: Vec<String>,
    header: &'static [&'static str],
}

impl Record {
    pub fn cell(&self, column: usize) -> &str {
        &self.cells[column]
    }

    pub fn required(&self, column: usize) -> Result<&str, FileError> {
        let value = self.cell(column);
        if value.is_empty() {
            return Err(self.error(column, "required", "Ô này không được để trống.", "This cell must not be empty."));
        }
        Ok(value)
    }

    /// Whole đồng written as plain digits. Grouping or decimals (`50.000`, `50000.00`) are
    /// refused rather than guessed: `50000.00` read as grouping would be a hundred times too much.
    pub fn amount(&self, column: usize) -> Result<Vnd, FileError> {
        let value = self.required(column)?;
        if !value.bytes().all(|b| b.is_ascii_digit()) {
            return Err(self.error(
                column,
                "invalid_amount",
                "Số tiền phải là số nguyên đồng, chỉ gồm chữ số (ví dụ 50000).",
                "The amount must be whole đồng, digits only (e.g. 50000).",
            ));
        }
        // Longer than i64 digits: the same answer Vnd gives to anything above its maximum.
        let dong = value.parse::<i64>().unwrap_or(i64::MAX);
        Vnd::from_dong(self.header[column], dong).map_err(|e| self.error(column, &e.code, &e.message_vi, &e.message_en))
    }

    /// An amount a statement may leave blank on the side that does not apply.
    pub fn amount_or_zero(&self, column: usize) -> Result<Vnd, FileError> {
        if self.cell(column).is_empty() {
            Ok(Vnd::ZERO)
        } else {
            self.amount(column)
        }
    }

    fn error(&self, column: usize, code: &str, vi: &str, en: &str) -> FileError {
        FileError::new(self.line, Some(self.header[column]), code, vi, en)
    }
}

/// The data lines of `text` after a header equal to `header`.
pub(crate) fn records(text: &str, header: &'static [&'static str]) -> Result<Vec<Record>, FileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    let mut header_seen = false;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let cells = split_csv_line(raw).map_err(|()| {
            FileError::new(line, None, "unbalanced_quote", "Dòng có dấu ngoặc kép chưa đóng.", "A quote is not closed.")
        })?;
        let cells: Vec<String> = cells.iter().map(|c| c.trim().to_string()).collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        if !header_seen {
            check_header(line, &cells, header)?;
            header_seen = true;
            continue;
        }
        if cells.len() != header.len() {
            return Err(FileError::new(
                line,
                None,
                "wrong_column_count",
                &format!("Dòng có {} cột, cần {} cột như dòng tiêu đề.", cells.len(), header.len()),
                &format!("The line has {} columns; the header has {}.", cells.len(), header.len()),
            ));
        }
        out.push(Record { line, cells, header });
    }
    if !header_seen {
        return Err(FileError::new(1, None, "empty_file", "Tệp không có dữ liệu (thiếu dòng tiêu đề).", "The file is empty (no header line)."));
    }
    Ok(out)
}

fn check_header(line: usize, found: &[String], header: &'static [&'static str]) -> Result<(), FileError> {
    let mismatch = header.iter().zip(found).position(|(want, got)| fold(want) != fold(got));
    let column = match mismatch {
        Some(i) => header[i].to_string(),
        None if found.len() < header.len() => header[found.len()].to_string(),
        None if found.len() > header.len() => found[header.len()].clone(),
        None => return Ok(()),
    };
    let expected = header.join(",");
    Err(FileError::new(
        line,
        Some(&column),
        "invalid_header",
        &format!("Dòng tiêu đề không đúng định dạng, cần: {expected}"),
        &format!("The header does not match the format; expected: {expected}"),
    ))
}

/// The file `parse` reads back: the header, then one line per row (CRLF, RFC 4180 quoting).
pub(crate) fn write(header: &[&str], rows: Vec<Vec<String>>) -> String {
    to_csv(header, &rows)
}
