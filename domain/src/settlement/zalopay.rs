//! ZaloPay's reconciliation file.
//!
//! ASSUMED LAYOUT: ZaloPay publishes no reconciliation-file specification (FACTS.md §6: "No
//! reconciliation-file spec found"). This one is ours, named after the callback's fields:
//! `app_trans_id` is `yyMMdd_<our reference>` (the date part in GMT+7, as ZaloPay reconciles
//! by Vietnamese date, FACTS.md §6), `zp_trans_id` ZaloPay's transaction number, `amount` in
//! đồng, `status` `1` for a payment made (any other value is not money received), `server_time`
//! in milliseconds since the epoch. Only this file changes when the real layout is known.

use time::OffsetDateTime;

use super::table::{self, Layout};
use super::{FileError, SettlementRow};
use crate::gateway::zalopay::{app_trans_id, reference_of};
use crate::gateway::Reference;

pub const HEADER: [&str; 6] = ["app_id", "app_trans_id", "zp_trans_id", "amount", "status", "server_time"];

const LAYOUT: Layout = Layout { reference: 1, txn: 2, amount: 3, at: 5, status: 4, success: "1" };

pub fn parse(text: &str) -> Result<Vec<SettlementRow>, FileError> {
    // An id not of our making stays whole: it cannot match the ledger, and the accountant
    // sees it as the provider wrote it.
    table::paid_rows(text, &HEADER, &LAYOUT, |raw| reference_of(raw).map_or_else(|_| raw.to_string(), String::from))
}

/// The `app_trans_id` date is taken from `at` (the order's own creation date is not kept in a
/// [`SettlementRow`]); a reference that is not ours, or an `at` that is not a timestamp, is
/// written as it is, which `parse` reads back unchanged. The app id is left blank.
pub fn write(rows: &[SettlementRow]) -> String {
    let lines = rows
        .iter()
        .map(|r| vec![String::new(), app_trans_id_of(r), r.provider_txn.clone(), r.amount.as_dong().to_string(), LAYOUT.success.to_string(), r.at.clone()])
        .collect();
    table::write(&HEADER, lines)
}

fn app_trans_id_of(r: &SettlementRow) -> String {
    let at = r.at.parse::<i64>().ok().and_then(|ms| OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok());
    match (Reference::parse("reference", &r.reference), at) {
        (Ok(reference), Some(at)) => app_trans_id(&reference, at),
        _ => r.reference.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Vnd;
    use crate::settlement::testkit;
    use proptest::prelude::*;

    #[test]
    fn reads_our_reference_out_of_app_trans_id() {
        let text = "app_id,app_trans_id,zp_trans_id,amount,status,server_time\r\n\
            2553,240501_MC00000000TEST1,240501000000123,50000,1,1714532760000\r\n\
            2553,240501_MC00000000TEST2,240501000000124,70000,2,1714532770000\r\n\
            2553,240501_foreign,240501000000125,90000,1,1714532780000\r\n";
        let rows = parse(text).unwrap();
        assert_eq!(rows.iter().map(|r| (r.reference.as_str(), r.line)).collect::<Vec<_>>(), [("MC00000000TEST1", 2), ("240501_foreign", 4)]);
        assert_eq!(rows[0].amount, Vnd::dong(50_000));
        let e = parse("app_id,app_trans_id,zp_trans_id,amount,status,server_time\r\n1,A,B,,1,2\r\n").unwrap_err();
        assert_eq!((e.line, e.column.as_deref(), e.code.as_str()), (2, Some("amount"), "required"));
    }

    #[test]
    fn writes_the_vietnamese_date_before_the_reference() {
        // 2024-04-30T17:30:00Z is already 1 May in Vietnam.
        let row = SettlementRow { reference: "MC00000000TEST1".into(), provider_txn: "1".into(), amount: Vnd::dong(1), at: "1714498200000".into(), line: 2 };
        assert!(write(&[row]).contains(",240501_MC00000000TEST1,"));
    }

    proptest! {
        #[test]
        fn write_then_parse_gives_the_same_rows(rows in testkit::rows(
            prop_oneof![testkit::our_reference(), testkit::cell()],
            prop_oneof!["1[0-9]{12}", testkit::cell()],
            0,
        )) {
            prop_assert_eq!(parse(&write(&rows)).unwrap(), rows);
        }
    }
}
