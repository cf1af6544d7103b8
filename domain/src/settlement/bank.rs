//! A bank statement of the agency's VietQR account or of its treasury (KBNN) account: VietQR
//! payments arrive as plain credits, matched by the bill code the citizen kept in the transfer
//! content (FACTS.md §7).
//!
//! ASSUMED LAYOUT: there is no national statement format and VietQR publishes none (FACTS.md
//! §7). This one is ours: `ngay` the booking time as the bank writes it, `so_tham_chieu` the
//! bank's transaction number (the webhook's `id`), `so_tai_khoan` the statement's account
//! (informational), `ghi_co`/`ghi_no` credit/debit in đồng (either may be blank), `noi_dung` the
//! transfer content. Only credits are money received. Only this file changes when a bank's
//! real export is known.

use super::table::{self, Record};
use super::{FileError, SettlementRow};
use crate::gateway::vietqr::candidate_references;

pub const HEADER: [&str; 6] = ["ngay", "so_tham_chieu", "so_tai_khoan", "ghi_co", "ghi_no", "noi_dung"];

const AT: usize = 0;
const TXN: usize = 1;
const CREDIT: usize = 3;
const DEBIT: usize = 4;
const CONTENT: usize = 5;

/// Reads the reference with [`our_reference`].
pub fn parse(text: &str) -> Result<Vec<SettlementRow>, FileError> {
    parse_with(text, our_reference)
}

/// Reads the reference out of each credit's content with `find_reference` (for bill codes not
/// of our making, e.g. a treasury's own); a credit without one keeps an empty reference and is
/// matched on its transaction number.
pub fn parse_with(text: &str, find_reference: impl Fn(&str) -> Option<String>) -> Result<Vec<SettlementRow>, FileError> {
    let mut rows = Vec::new();
    for r in table::records(text, &HEADER)? {
        if let Some(row) = credit(&r, &find_reference)? {
            rows.push(row);
        }
    }
    Ok(rows)
}

fn credit(r: &Record, find_reference: &impl Fn(&str) -> Option<String>) -> Result<Option<SettlementRow>, FileError> {
    let amount = r.amount_or_zero(CREDIT)?;
    // Checked although unused: a bad debit cell means the columns are not what we think.
    r.amount_or_zero(DEBIT)?;
    if amount.is_zero() {
        return Ok(None);
    }
    Ok(Some(SettlementRow {
        reference: find_reference(r.cell(CONTENT)).unwrap_or_default(),
        provider_txn: r.required(TXN)?.to_string(),
        amount,
        at: r.cell(AT).to_string(),
        line: r.line,
    }))
}

/// Our reference in a transfer content, found as the bank webhook finds it (whatever the bank
/// did to spacing, case and punctuation); the first one when there are several.
pub fn our_reference(content: &str) -> Option<String> {
    candidate_references(content).into_iter().next().map(String::from)
}

/// [`write_for_account`] with the account left blank.
pub fn write(rows: &[SettlementRow]) -> String {
    write_for_account("", rows)
}

/// A statement of `account` with each row as a credit whose content is its reference. Rows
/// of 0 đ are not credits and do not read back.
pub fn write_for_account(account: &str, rows: &[SettlementRow]) -> String {
    let lines = rows
        .iter()
        .map(|r| vec![r.at.clone(), r.provider_txn.clone(), account.to_string(), r.amount.as_dong().to_string(), String::new(), r.reference.clone()])
        .collect();
    table::write(&HEADER, lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Vnd;
    use crate::settlement::testkit;
    use proptest::prelude::*;

    const SAMPLE: &str = "ngay,so_tham_chieu,so_tai_khoan,ghi_co,ghi_no,noi_dung\r\n\
        01/05/2024 10:06,FT24122000001,0011001932418,50000,,\"MBVCB.5012.mc00000000test1.CT tu 0123 NGUYEN VAN A, le phi\"\r\n\
        01/05/2024 10:07,FT24122000002,0011001932418,,20000,Phí dịch vụ SMS\r\n\
        01/05/2024 10:08,FT24122000003,0011001932418,70000,0,chuyen tien le phi\r\n";

    #[test]
    fn reads_credits_and_the_reference_in_their_content() {
        let rows = parse(SAMPLE).unwrap();
        assert_eq!(
            rows,
            vec![
                SettlementRow { reference: "MC00000000TEST1".into(), provider_txn: "FT24122000001".into(), amount: Vnd::dong(50_000), at: "01/05/2024 10:06".into(), line: 2 },
                SettlementRow { reference: String::new(), provider_txn: "FT24122000003".into(), amount: Vnd::dong(70_000), at: "01/05/2024 10:08".into(), line: 4 },
            ]
        );
    }

    #[test]
    fn the_caller_may_bring_its_own_bill_code() {
        let treasury = |content: &str| content.split_whitespace().find(|w| w.starts_with("KB")).map(str::to_string);
        let rows = parse_with(&SAMPLE.replace("chuyen tien le phi", "nop NSNN KB2024001"), treasury).unwrap();
        assert_eq!(rows.iter().map(|r| r.reference.as_str()).collect::<Vec<_>>(), ["", "KB2024001"]);
    }

    #[test]
    fn a_bad_debit_cell_is_an_error_too() {
        let e = parse(&SAMPLE.replace(",,20000,", ",,20.000đ,")).unwrap_err();
        assert_eq!((e.line, e.column.as_deref(), e.code.as_str()), (3, Some("ghi_no"), "invalid_amount"));
    }

    proptest! {
        #[test]
        fn write_then_parse_gives_the_same_rows(
            rows in testkit::rows(prop_oneof![testkit::our_reference(), Just(String::new())], testkit::cell(), 1),
            account in "[0-9]{0,19}",
        ) {
            prop_assert_eq!(parse(&write_for_account(&account, &rows)).unwrap(), rows);
        }
    }
}
