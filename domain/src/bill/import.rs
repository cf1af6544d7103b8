//! Bills imported as CSV from the tax office's notices or a fine system: every row is checked
//! with the same rules as a bill typed at the desk, every bad row is named by its line and
//! column, and the file is taken whole or not at all.
//!
//! One row is one line of a bill. Consecutive rows with the same kind, agency, payer, document
//! number and due date are the lines of one bill (a land notice with lệ phí trước bạ and tiền
//! sử dụng đất); their other bill cells must agree. A fine paid in instalments is one bill per
//! instalment: the same decision number with different due dates.

use time::Date;

use super::{DocumentInput, LineInput, NewBill, NewBillInput, PayerInput};
use crate::settlement::table::{records, Record};
use crate::settlement::FileError;
use crate::validation::FieldError;

pub const HEADER: &[&str] = &[
    "kind",
    "agency",
    "payer_name",
    "payer_id",
    "payer_phone",
    "document_number",
    "document_date",
    "violation",
    "issued_by",
    "line_name",
    "amount",
    "beneficiary",
    "budget_item",
    "due_date",
];
const BILL_COLUMNS: std::ops::Range<usize> = 0..9;
const DUE: usize = 13;

/// At most this many rows in one file (a district tax office's day of land notices fits).
pub const MAX_ROWS: usize = 2000;
/// Errors reported at most (the file is refused at the first anyway; these help fix it at once).
pub const MAX_ERRORS: usize = 50;

/// A bill of the file and the line it starts on.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedBill {
    pub line: usize,
    pub bill: NewBill,
}

/// Every bill of the file, or every error found (at most [`MAX_ERRORS`]).
pub fn parse(text: &str, today: Date) -> Result<Vec<ImportedBill>, Vec<FileError>> {
    let rows = records(text, HEADER).map_err(|e| vec![e])?;
    if rows.is_empty() {
        return Err(vec![FileError::new(2, None, "empty_file", "Tệp không có dòng dữ liệu nào.", "The file has no data lines.")]);
    }
    if rows.len() > MAX_ROWS {
        return Err(vec![FileError::new(
            MAX_ROWS + 2,
            None,
            "too_many_rows",
            &format!("Tệp có {} dòng dữ liệu; mỗi lần nhập tối đa {MAX_ROWS} dòng.", rows.len()),
            &format!("The file has {} data lines; at most {MAX_ROWS} per import.", rows.len()),
        )]);
    }
    let mut bills = Vec::new();
    let mut errors = Vec::new();
    for group in &groups(&rows) {
        if let Err(e) = agree(group) {
            errors.push(e);
            continue;
        }
        let first = group[0];
        let input = NewBillInput {
            kind: first.cell(0).into(),
            agency: first.cell(1).into(),
            payer: PayerInput { name: first.cell(2).into(), id_number: first.cell(3).into(), phone: Some(first.cell(4).into()) },
            document: DocumentInput {
                number: first.cell(5).into(),
                date: first.cell(6).into(),
                violation: Some(first.cell(7).into()),
                issued_by: Some(first.cell(8).into()),
            },
            lines: match group.iter().map(|r| line_input(r)).collect::<Result<Vec<_>, _>>() {
                Ok(lines) => lines,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            },
            due_date: first.cell(DUE).into(),
        };
        match input.validate(today) {
            Ok(bill) => bills.push(ImportedBill { line: first.line, bill }),
            Err(e) => errors.push(at_row(group, e)),
        }
        if errors.len() >= MAX_ERRORS {
            break;
        }
    }
    if errors.is_empty() {
        Ok(bills)
    } else {
        Err(errors)
    }
}

/// Consecutive rows of one bill.
fn groups(rows: &[Record]) -> Vec<Vec<&Record>> {
    let key = |r: &Record| [0, 1, 3, 5, DUE].map(|c| r.cell(c).to_string());
    let mut out: Vec<Vec<&Record>> = Vec::new();
    for r in rows {
        match out.last_mut() {
            Some(g) if key(g[0]) == key(r) => g.push(r),
            _ => out.push(vec![r]),
        }
    }
    out
}

/// The bill cells of every row of a group are the first row's.
fn agree(group: &[&Record]) -> Result<(), FileError> {
    let first = group[0];
    for r in &group[1..] {
        if let Some(c) = BILL_COLUMNS.clone().find(|c| r.cell(*c) != first.cell(*c)) {
            return Err(FileError::new(
                r.line,
                Some(HEADER[c]),
                "differs_within_bill",
                &format!("Các dòng của cùng một khoản phải nộp (bắt đầu ở dòng {}) phải có cùng giá trị ở cột này.", first.line),
                &format!("The lines of one bill (starting on line {}) must agree in this column.", first.line),
            ));
        }
    }
    Ok(())
}

fn line_input(r: &Record) -> Result<LineInput, FileError> {
    let amount = r.cell(10).replace(['.', ',', ' '], "");
    let amount: i64 = amount.parse().map_err(|_| {
        FileError::new(
            r.line,
            Some("amount"),
            "invalid_amount",
            "Số tiền là số đồng nguyên (ví dụ 1500000 hoặc 1.500.000).",
            "The amount is a whole number of đồng (e.g. 1500000).",
        )
    })?;
    Ok(LineInput {
        name: r.cell(9).into(),
        amount,
        beneficiary: Some(r.cell(11).into()),
        budget_item: Some(r.cell(12).into()),
    })
}

/// A field error of the bill's checks, placed at its row and column.
fn at_row(group: &[&Record], e: FieldError) -> FileError {
    let (line, column) = match e.field.as_str() {
        "kind" => (group[0].line, "kind"),
        "agency" => (group[0].line, "agency"),
        "payer.name" => (group[0].line, "payer_name"),
        "payer.id_number" => (group[0].line, "payer_id"),
        "payer.phone" => (group[0].line, "payer_phone"),
        "document.number" => (group[0].line, "document_number"),
        "document.date" => (group[0].line, "document_date"),
        "document.violation" => (group[0].line, "violation"),
        "document.issued_by" => (group[0].line, "issued_by"),
        "due_date" => (group[0].line, "due_date"),
        f => match f.strip_prefix("lines.").and_then(|rest| rest.split_once('.')) {
            Some((i, col)) => {
                let row = i.parse::<usize>().ok().and_then(|i| group.get(i)).unwrap_or(&group[0]);
                let column = match col {
                    "name" => "line_name",
                    "amount" => "amount",
                    "beneficiary" => "beneficiary",
                    _ => "budget_item",
                };
                (row.line, column)
            }
            None => (group[0].line, "line_name"),
        },
    };
    FileError { line, column: Some(column.to_string()), code: e.code, message_vi: e.message_vi, message_en: e.message_en }
}
