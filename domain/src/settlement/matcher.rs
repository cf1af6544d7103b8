//! The matching of a day's settlement file against our ledger. Every file row and every ledger
//! entry ends up in exactly one finding (a repeated file row in a `Duplicate` one), and the
//! output is sorted, so the same inputs always give the same findings and re-importing a file
//! stores nothing new (see [`finding_key`]).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::SettlementRow;
use crate::money::Vnd;

/// A payment our ledger holds as settled, for the day and provider being reconciled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEntry {
    pub reference: String,
    pub provider_txn: String,
    pub amount: Vnd,
    pub payment_id: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    Matched,
    /// In the provider's file, not in our ledger: money we may have received but not recorded.
    MissingFromLedger,
    /// In our ledger, not in the file: a payment the provider will not pay out as it stands.
    MissingFromFile,
    AmountMismatch,
    /// A further file row for a reference (or transaction) an earlier row already stands for.
    Duplicate,
}

impl FindingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::Matched => "matched",
            FindingKind::MissingFromLedger => "missing_from_ledger",
            FindingKind::MissingFromFile => "missing_from_file",
            FindingKind::AmountMismatch => "amount_mismatch",
            FindingKind::Duplicate => "duplicate",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            FindingKind::Matched => "Khớp",
            FindingKind::MissingFromLedger => "Thiếu trong sổ",
            FindingKind::MissingFromFile => "Thiếu trong tệp",
            FindingKind::AmountMismatch => "Lệch số tiền",
            FindingKind::Duplicate => "Trùng lặp",
        }
    }
}

/// One line of the reconciliation report. `file_amount` and `line` come from the file row,
/// `ledger_amount` and `payment_id` from the ledger entry; each is `None` when that side is
/// missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub kind: FindingKind,
    pub reference: String,
    pub provider_txn: String,
    pub file_amount: Option<Vnd>,
    pub ledger_amount: Option<Vnd>,
    pub payment_id: Option<String>,
    pub line: Option<usize>,
}

/// What a file row is matched on: our reference, or the provider's transaction number when the
/// row has no reference (a bank credit whose content held no bill code).
fn row_key(row: &SettlementRow) -> (&str, &str) {
    if row.reference.is_empty() {
        ("", &row.provider_txn)
    } else {
        (&row.reference, "")
    }
}

/// Matches `file` against `ledger` by reference, falling back to the provider's transaction
/// number for a row without one. The first row for a reference is matched; later ones are
/// `Duplicate`. Sorted by kind, reference, transaction, line and payment.
pub fn reconcile(file: &[SettlementRow], ledger: &[LedgerEntry]) -> Vec<Finding> {
    let mut by_reference: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_txn: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, entry) in ledger.iter().enumerate().rev() {
        // Reversed so that the first entry wins if the ledger ever holds a reference twice.
        if !entry.reference.is_empty() {
            by_reference.insert(&entry.reference, i);
        }
        if !entry.provider_txn.is_empty() {
            by_txn.insert(&entry.provider_txn, i);
        }
    }
    let mut claimed = vec![false; ledger.len()];
    let mut unknown_seen = BTreeSet::new();
    let mut findings = Vec::with_capacity(file.len() + ledger.len());
    for row in file {
        let target = match row_key(row) {
            ("", txn) => by_txn.get(txn),
            (reference, _) => by_reference.get(reference),
        };
        let from_file = |kind, entry: Option<&LedgerEntry>| Finding {
            kind,
            reference: entry.map_or(&row.reference, |e| &e.reference).clone(),
            provider_txn: if row.provider_txn.is_empty() { entry.map(|e| e.provider_txn.clone()).unwrap_or_default() } else { row.provider_txn.clone() },
            file_amount: Some(row.amount),
            ledger_amount: entry.map(|e| e.amount),
            payment_id: entry.map(|e| e.payment_id.clone()),
            line: Some(row.line),
        };
        findings.push(match target {
            Some(&i) if claimed[i] => from_file(FindingKind::Duplicate, Some(&ledger[i])),
            Some(&i) => {
                claimed[i] = true;
                let kind = if ledger[i].amount == row.amount { FindingKind::Matched } else { FindingKind::AmountMismatch };
                from_file(kind, Some(&ledger[i]))
            }
            None if unknown_seen.insert(row_key(row)) => from_file(FindingKind::MissingFromLedger, None),
            None => from_file(FindingKind::Duplicate, None),
        });
    }
    for (entry, _) in ledger.iter().zip(&claimed).filter(|(_, c)| !**c) {
        findings.push(Finding {
            kind: FindingKind::MissingFromFile,
            reference: entry.reference.clone(),
            provider_txn: entry.provider_txn.clone(),
            file_amount: None,
            ledger_amount: Some(entry.amount),
            payment_id: Some(entry.payment_id.clone()),
            line: None,
        });
    }
    findings.sort_by(|a, b| {
        (a.kind, &a.reference, &a.provider_txn, a.line, &a.payment_id).cmp(&(b.kind, &b.reference, &b.provider_txn, b.line, &b.payment_id))
    });
    findings
}

/// A stable key per finding, for `INSERT OR IGNORE`: the same file imported again yields the
/// same keys. A duplicate also carries its line, since that is all that tells two identical
/// repeated rows apart.
pub fn finding_key(f: &Finding) -> String {
    let base = format!("{}|{}|{}", f.kind.as_str(), f.reference, f.provider_txn);
    match (f.kind, f.line) {
        (FindingKind::Duplicate, Some(line)) => format!("{base}|{line}"),
        _ => base,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::Reference;
    use proptest::prelude::*;

    fn row(reference: &str, txn: &str, amount: i64, line: usize) -> SettlementRow {
        SettlementRow { reference: reference.into(), provider_txn: txn.into(), amount: Vnd::dong(amount), at: String::new(), line }
    }

    fn entry(reference: &str, txn: &str, amount: i64, payment_id: &str) -> LedgerEntry {
        LedgerEntry { reference: reference.into(), provider_txn: txn.into(), amount: Vnd::dong(amount), payment_id: payment_id.into() }
    }

    #[test]
    fn one_finding_of_each_kind() {
        let ledger = [entry("REF001", "T1", 50_000, "p1"), entry("REF002", "T2", 70_000, "p2"), entry("REF003", "T3", 90_000, "p3")];
        let file = [row("REF001", "T1", 50_000, 2), row("REF002", "T2", 75_000, 3), row("REF009", "T9", 10_000, 4), row("REF001", "T1b", 50_000, 5)];
        let found = reconcile(&file, &ledger);
        let summary: Vec<_> = found.iter().map(|f| (f.kind, f.reference.as_str(), f.payment_id.as_deref(), f.line)).collect();
        assert_eq!(
            summary,
            [
                (FindingKind::Matched, "REF001", Some("p1"), Some(2)),
                (FindingKind::MissingFromLedger, "REF009", None, Some(4)),
                (FindingKind::MissingFromFile, "REF003", Some("p3"), None),
                (FindingKind::AmountMismatch, "REF002", Some("p2"), Some(3)),
                (FindingKind::Duplicate, "REF001", Some("p1"), Some(5)),
            ]
        );
        assert_eq!((found[3].file_amount, found[3].ledger_amount), (Some(Vnd::dong(75_000)), Some(Vnd::dong(70_000))));
        assert_eq!((found[1].file_amount, found[1].ledger_amount), (Some(Vnd::dong(10_000)), None));
        assert_eq!((found[2].file_amount, found[2].ledger_amount), (None, Some(Vnd::dong(90_000))));
    }

    #[test]
    fn a_row_without_reference_matches_on_the_transaction() {
        let ledger = [entry("REF001", "FT1", 50_000, "p1")];
        let found = reconcile(&[row("", "FT1", 50_000, 2), row("", "FT1", 50_000, 3), row("", "FT7", 1, 4), row("", "FT7", 1, 5)], &ledger);
        let summary: Vec<_> = found.iter().map(|f| (f.kind, f.reference.as_str(), f.provider_txn.as_str(), f.line)).collect();
        assert_eq!(
            summary,
            [
                (FindingKind::Matched, "REF001", "FT1", Some(2)),
                (FindingKind::MissingFromLedger, "", "FT7", Some(4)),
                (FindingKind::Duplicate, "", "FT7", Some(5)),
                (FindingKind::Duplicate, "REF001", "FT1", Some(3)),
            ]
        );
    }

    #[test]
    fn keys_and_labels() {
        let found = reconcile(&[row("REF001", "T1", 5, 2), row("REF001", "T1", 5, 3), row("REF001", "T1", 5, 4)], &[entry("REF001", "T1", 5, "p1")]);
        let keys: Vec<_> = found.iter().map(finding_key).collect();
        assert_eq!(keys, ["matched|REF001|T1", "duplicate|REF001|T1|3", "duplicate|REF001|T1|4"]);
        assert_eq!(serde_json::to_string(&FindingKind::MissingFromLedger).unwrap(), "\"missing_from_ledger\"");
        let labels: Vec<_> = [FindingKind::Matched, FindingKind::MissingFromLedger, FindingKind::MissingFromFile, FindingKind::AmountMismatch, FindingKind::Duplicate]
            .into_iter()
            .map(|k| {
                assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
                k.label_vi()
            })
            .collect();
        assert_eq!(labels, ["Khớp", "Thiếu trong sổ", "Thiếu trong tệp", "Lệch số tiền", "Trùng lặp"]);
    }

    /// A ledger of distinct references (the payments table makes them unique) and a file drawn
    /// from it: exact copies, changed amounts, strangers, rows that only carry the transaction
    /// number, repeated as chance has it.
    fn case() -> impl Strategy<Value = (Vec<SettlementRow>, Vec<LedgerEntry>)> {
        let ledger = prop::collection::btree_map(any::<u64>(), 1i64..10_000_000, 0..16).prop_map(|m| {
            m.into_iter()
                .enumerate()
                .map(|(i, (n, amount))| LedgerEntry { reference: Reference::from_random(n).to_string(), provider_txn: format!("T{i}"), amount: Vnd::dong(amount), payment_id: format!("p{i}") })
                .collect::<Vec<_>>()
        });
        let picks = prop::collection::vec((any::<prop::sample::Index>(), 0u8..4, 1i64..1_000), 0..24);
        (ledger, picks).prop_map(|(ledger, picks)| {
            let file = picks
                .into_iter()
                .enumerate()
                .map(|(i, (pick, how, n))| {
                    let line = i + 2;
                    let Some(e) = (!ledger.is_empty()).then(|| &ledger[pick.index(ledger.len())]) else {
                        return row(&format!("X{n}"), &format!("S{n}"), n, line);
                    };
                    match how {
                        0 => row(&e.reference, &e.provider_txn, e.amount.as_dong(), line),
                        1 => row(&e.reference, &e.provider_txn, e.amount.as_dong() + n, line),
                        2 => row(&format!("X{n}"), &format!("S{n}"), n, line),
                        _ => row("", &e.provider_txn, e.amount.as_dong(), line),
                    }
                })
                .collect();
            (file, ledger)
        })
    }

    proptest! {
        #[test]
        fn a_file_equal_to_the_ledger_all_matches(ledger in case().prop_map(|(_, l)| l)) {
            let file: Vec<_> = ledger.iter().enumerate().map(|(i, e)| row(&e.reference, &e.provider_txn, e.amount.as_dong(), i + 2)).collect();
            let found = reconcile(&file, &ledger);
            prop_assert_eq!(found.len(), ledger.len());
            prop_assert!(found.iter().all(|f| f.kind == FindingKind::Matched));
        }

        #[test]
        fn every_row_and_entry_is_accounted_for_once((file, ledger) in case()) {
            let found = reconcile(&file, &ledger);
            for e in &ledger {
                let n = found.iter().filter(|f| f.kind != FindingKind::Duplicate && f.payment_id.as_ref() == Some(&e.payment_id)).count();
                prop_assert_eq!(n, 1, "ledger entry {}", e.payment_id);
            }
            for r in &file {
                prop_assert_eq!(found.iter().filter(|f| f.line == Some(r.line)).count(), 1, "file line {}", r.line);
            }
            prop_assert_eq!(found.len(), file.len() + found.iter().filter(|f| f.kind == FindingKind::MissingFromFile).count());
        }

        #[test]
        fn reconcile_is_deterministic(((file, ledger), shuffled) in case().prop_flat_map(|(f, l)| (Just((f, l.clone())), Just(l).prop_shuffle()))) {
            let found = reconcile(&file, &ledger);
            prop_assert_eq!(&reconcile(&file, &ledger), &found);
            // The ledger's order (a query's) does not matter.
            prop_assert_eq!(&reconcile(&file, &shuffled), &found);
            let mut sorted = found.clone();
            sorted.sort_by(|a, b| (a.kind, &a.reference).cmp(&(b.kind, &b.reference)));
            prop_assert_eq!(&sorted, &found);
            let keys: BTreeSet<_> = found.iter().map(finding_key).collect();
            prop_assert_eq!(keys.len(), found.len());
        }
    }
}
