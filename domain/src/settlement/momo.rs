//! MoMo's reconciliation file.
//!
//! ASSUMED LAYOUT: MoMo publishes no reconciliation-file specification (FACTS.md §5: "No
//! reconciliation-file spec found"). This one is ours, named after the IPN's fields:
//! `orderId` is our reference, `transId` MoMo's transaction number, `amount` in đồng,
//! `resultCode` `0` for a payment made (any other code is not money received), `responseTime`
//! in milliseconds since the epoch as the IPN sends it. Only this file changes when the real
//! layout is known.

use super::table::{self, Layout};
use super::{FileError, SettlementRow};

pub const HEADER: [&str; 6] = ["partnerCode", "orderId", "transId", "amount", "resultCode", "responseTime"];

const LAYOUT: Layout = Layout { reference: 1, txn: 2, amount: 3, at: 5, status: 4, success: "0" };

pub fn parse(text: &str) -> Result<Vec<SettlementRow>, FileError> {
    table::paid_rows(text, &HEADER, &LAYOUT, str::to_string)
}

/// The partner code is not kept in a [`SettlementRow`], so it is left blank.
pub fn write(rows: &[SettlementRow]) -> String {
    let lines = rows
        .iter()
        .map(|r| vec![String::new(), r.reference.clone(), r.provider_txn.clone(), r.amount.as_dong().to_string(), LAYOUT.success.to_string(), r.at.clone()])
        .collect();
    table::write(&HEADER, lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Vnd;
    use crate::settlement::testkit;
    use proptest::prelude::*;

    #[test]
    fn reads_paid_orders_only() {
        let text = "partnerCode,orderId,transId,amount,resultCode,responseTime\n\
            MOMOXXX,MC00000000TEST1,4088878653,50000,0,1714532760000\n\
            MOMOXXX,MC00000000TEST2,4088878654,70000,1006,1714532770000\n\n";
        assert_eq!(
            parse(text).unwrap(),
            vec![SettlementRow { reference: "MC00000000TEST1".into(), provider_txn: "4088878653".into(), amount: Vnd::dong(50_000), at: "1714532760000".into(), line: 2 }]
        );
        let e = parse("partnerCode,orderId,transId,amount,resultCode,responseTime\nM,R,T,5đ,0,1\n").unwrap_err();
        assert_eq!((e.line, e.column.as_deref(), e.code.as_str()), (2, Some("amount"), "invalid_amount"));
        let e = parse("partnerCode,orderId,transId,amount,resultCode\n").unwrap_err();
        assert_eq!((e.line, e.column.as_deref(), e.code.as_str()), (1, Some("responseTime"), "invalid_header"));
    }

    proptest! {
        #[test]
        fn write_then_parse_gives_the_same_rows(rows in testkit::rows(testkit::cell(), testkit::cell(), 0)) {
            prop_assert_eq!(parse(&write(&rows)).unwrap(), rows);
        }
    }
}
