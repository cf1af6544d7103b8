//! VNPAY's day-T settlement file (sent by e-mail or S-FTP; FACTS.md §4, "Settlement").
//!
//! ASSUMED LAYOUT: VNPAY does not publish the file's columns (FACTS.md §4: "File columns not
//! public"). This one is ours, named after the payment API's fields: `Ma GD VNPAY` is
//! `vnp_TransactionNo`, `Ma GD Merchant` our `vnp_TxnRef`, `So tien` in đồng (not ×100 as the
//! API sends it), `Thoi gian GD` as `vnp_PayDate` (`yyyyMMddHHmmss`, GMT+7), and `Trang thai`
//! the `vnp_TransactionStatus`, of which only `00` is money received. Only this file changes
//! when the real layout is known.

use super::table::{self, Layout};
use super::{FileError, SettlementRow};

pub const HEADER: [&str; 7] = ["STT", "Ma GD VNPAY", "Ma GD Merchant", "Ma ngan hang", "So tien", "Thoi gian GD", "Trang thai"];

const LAYOUT: Layout = Layout { reference: 2, txn: 1, amount: 4, at: 5, status: 6, success: "00" };

pub fn parse(text: &str) -> Result<Vec<SettlementRow>, FileError> {
    table::paid_rows(text, &HEADER, &LAYOUT, str::to_string)
}

/// The bank code is not kept in a [`SettlementRow`], so it is left blank.
pub fn write(rows: &[SettlementRow]) -> String {
    let lines = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            vec![(i + 1).to_string(), r.provider_txn.clone(), r.reference.clone(), String::new(), r.amount.as_dong().to_string(), r.at.clone(), LAYOUT.success.to_string()]
        })
        .collect();
    table::write(&HEADER, lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Vnd;
    use crate::settlement::testkit;
    use proptest::prelude::*;

    /// What a spreadsheet does to a file: BOM, CRLF, a header with diacritics, quoted cells
    /// with commas, a failed transaction, blank lines and a line of empty cells at the end.
    const SAMPLE: &str = "\u{feff}STT,Mã GD VNPAY,Mã GD Merchant,Mã ngân hàng,Số tiền,Thời gian GD,Trạng thái\r\n\
        1,14012345,MC00000000TEST1,NCB,50000,20240501100600,00\r\n\
        2,14012346,\"MC00000000TEST2\",\"NCB, chi nhánh 1\",70000,\"20240501 10:07:00\",00\r\n\
        3,14012347,MC00000000TEST3,VCB,90000,20240501100800,02\r\n\
        \r\n\
        ,,,,,,\r\n\
        \r\n";

    #[test]
    fn reads_success_rows_of_a_spreadsheet_export() {
        let rows = parse(SAMPLE).unwrap();
        assert_eq!(
            rows,
            vec![
                SettlementRow { reference: "MC00000000TEST1".into(), provider_txn: "14012345".into(), amount: Vnd::dong(50_000), at: "20240501100600".into(), line: 2 },
                SettlementRow { reference: "MC00000000TEST2".into(), provider_txn: "14012346".into(), amount: Vnd::dong(70_000), at: "20240501 10:07:00".into(), line: 3 },
            ]
        );
    }

    #[test]
    fn names_the_line_and_column_of_a_bad_file() {
        let err = |text: &str| {
            let e = parse(text).unwrap_err();
            (e.line, e.column, e.code)
        };
        let head = "STT,Ma GD VNPAY,Ma GD Merchant,Ma ngan hang,So tien,Thoi gian GD,Trang thai\n";
        assert_eq!(err("STT,Ma GD,Ma GD Merchant\n"), (1, Some("Ma GD VNPAY".into()), "invalid_header".into()));
        assert_eq!(err(&format!("\n{head}1,T,R,B,50.000,t,00\n")), (3, Some("So tien".into()), "invalid_amount".into()));
        assert_eq!(err(&format!("{head}1,T,R,B,50000.00,t,00\n")), (2, Some("So tien".into()), "invalid_amount".into()));
        assert_eq!(err(&format!("{head}1,T,R,B,-5,t,00\n")), (2, Some("So tien".into()), "invalid_amount".into()));
        assert_eq!(err(&format!("{head}1,T,R,B,99999999999999999999,t,00\n")), (2, Some("So tien".into()), "too_large".into()));
        assert_eq!(err(&format!("{head}1,T,,B,5,t,00\n")), (2, Some("Ma GD Merchant".into()), "required".into()));
        assert_eq!(err(&format!("{head}1,T,R,B,5,t\n")), (2, None, "wrong_column_count".into()));
        assert_eq!(err(&format!("{head}1,\"T,R,B,5,t,00\n")), (2, None, "unbalanced_quote".into()));
        assert_eq!(err("\u{feff}\r\n\r\n"), (1, None, "empty_file".into()));
    }

    proptest! {
        #[test]
        fn write_then_parse_gives_the_same_rows(rows in testkit::rows(testkit::cell(), testkit::cell(), 0)) {
            prop_assert_eq!(parse(&write(&rows)).unwrap(), rows);
        }
    }
}
