//! The two merges of a fan-out read (docs/SHARDING.md §4): shards answer the dashboard with
//! maps keyed by agency (counts, sums), summed here before the route runs once, and lists
//! (inbox, bills, refunds, the audit trail, a citizen's dossiers) with their own top k, merged
//! here into the top k of the union. Both are associative and commutative with an empty
//! answer as identity, so the Worker folds the shards' answers in whatever order they arrive.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::ops::Add;

/// The sum of two answers keyed by agency (or by (agency, procedure), month, kind…): a key in
/// both is added, never replaced, because an agency's rows may sit in two databases while it
/// moves to a further part of its province (SHARDING.md §6).
pub fn merge_keyed<K: Ord, V: Add<Output = V>>(a: BTreeMap<K, V>, b: BTreeMap<K, V>) -> BTreeMap<K, V> {
    merge_keyed_by(a, b, V::add)
}

/// [`merge_keyed`] with the sum given, for values that are plain tuples (the portal-sync
/// `(synced, total)` counts). `add` must be associative and commutative.
pub fn merge_keyed_by<K: Ord, V>(a: BTreeMap<K, V>, b: BTreeMap<K, V>, add: impl Fn(V, V) -> V) -> BTreeMap<K, V> {
    // Fold the smaller map into the larger: a province's answer into the running national one.
    let (mut into, from, from_is_left) = if a.len() >= b.len() { (a, b, false) } else { (b, a, true) };
    for (k, v) in from {
        let merged = match into.remove(&k) {
            // Keep a + b in argument order, so a non-commutative `add` still shows as such in tests.
            Some(prev) if from_is_left => add(v, prev),
            Some(prev) => add(prev, v),
            None => v,
        };
        into.insert(k, merged);
    }
    into
}

/// The first `limit` rows of two lists, each sorted by `key` ascending (reverse the key for a
/// newest-first list), in the same order. Equal keys keep `a`'s rows first, exactly as a stable
/// sort of `a` then `b` would; give rows of different shards different keys (end the key with
/// the shard and the row's id, never a per-database autoincrement alone) and the answer does
/// not depend on which shard answered first.
pub fn merge_top<T, K: Ord>(a: Vec<T>, b: Vec<T>, key: impl Fn(&T) -> K, limit: usize) -> Vec<T> {
    debug_assert!(a.windows(2).all(|w| key(&w[0]) <= key(&w[1])), "merge_top: the left list is not sorted by its key");
    debug_assert!(b.windows(2).all(|w| key(&w[0]) <= key(&w[1])), "merge_top: the right list is not sorted by its key");
    let mut out = Vec::with_capacity(limit.min(a.len() + b.len()));
    let (mut a, mut b) = (a.into_iter().peekable(), b.into_iter().peekable());
    while out.len() < limit {
        let take_a = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => key(x).cmp(&key(y)) != Ordering::Greater,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        out.push(if take_a { a.next() } else { b.next() }.expect("peeked"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::IntakeCounts;
    use crate::stats::PaymentCounts;
    use proptest::prelude::*;
    use std::cmp::Reverse;

    #[test]
    fn keyed_answers_add_up_per_agency() {
        let a = BTreeMap::from([("000.00.00.H27", PaymentCounts::new(1, 2)), ("000.10.51.H27", PaymentCounts::new(3, 0))]);
        let b = BTreeMap::from([("000.00.00.H23", PaymentCounts::new(5, 5)), ("000.10.51.H27", PaymentCounts::new(1, 1))]);
        let m = merge_keyed(a, b);
        assert_eq!(m.len(), 3);
        assert_eq!(m["000.10.51.H27"], PaymentCounts::new(4, 1), "added, not replaced");
        assert_eq!(m["000.00.00.H23"], PaymentCounts::new(5, 5));
        let sync = merge_keyed_by(BTreeMap::from([("a", (1u64, 2u64))]), BTreeMap::from([("a", (3, 4)), ("b", (0, 1))]), |x, y| (x.0 + y.0, x.1 + y.1));
        assert_eq!(sync, BTreeMap::from([("a", (4, 6)), ("b", (0, 1))]));
        // The sum keeps argument order for a non-commutative add, whichever map is larger.
        let cat = |x: String, y: String| x + &y;
        let left = BTreeMap::from([(1, "a".to_string())]);
        let right = BTreeMap::from([(1, "b".to_string()), (2, "c".to_string())]);
        assert_eq!(merge_keyed_by(left.clone(), right.clone(), cat)[&1], "ab");
        assert_eq!(merge_keyed_by(right, left, cat)[&1], "ba");
    }

    #[test]
    fn the_top_of_two_lists_newest_first_with_shard_tie_breaks() {
        // (created_at, shard, id), newest first: equal times are ordered by shard, then id.
        let key = |r: &(u32, &'static str, u32)| (Reverse(r.0), r.1, r.2);
        let h27 = vec![(9, "42", 1), (7, "42", 2), (7, "42", 3), (1, "42", 4)];
        let h23 = vec![(8, "31", 1), (7, "31", 9), (2, "31", 2)];
        let top = merge_top(h27.clone(), h23.clone(), key, 4);
        assert_eq!(top, [(9, "42", 1), (8, "31", 1), (7, "31", 9), (7, "42", 2)]);
        assert_eq!(merge_top(h23, h27, key, 4), top);
        assert!(merge_top(vec![1, 2], vec![3], |x| *x, 0).is_empty());
        assert_eq!(merge_top(vec![1, 2], vec![3], |x| *x, 10), [1, 2, 3]);
    }

    fn counts() -> impl Strategy<Value = BTreeMap<u8, PaymentCounts>> {
        prop::collection::btree_map(0u8..12, (0u64..1_000_000, 0u64..1_000_000).prop_map(|(o, x)| PaymentCounts::new(o, x)), 0..8)
    }

    fn intake() -> impl Strategy<Value = BTreeMap<(u8, u8), IntakeCounts>> {
        prop::collection::btree_map(
            (0u8..4, 0u8..4),
            (0u64..1000, 0u64..1000, 0u64..1000).prop_map(|(online, counter, post)| IntakeCounts::new(online, counter, post)),
            0..8,
        )
    }

    /// A shard's answer: rows sorted by (key, shard, id), unique per shard because the id is.
    fn list(shard: u8) -> impl Strategy<Value = Vec<(u8, u8, u16)>> {
        prop::collection::btree_set((0u8..6, 0u16..500), 0..12)
            .prop_map(move |s| {
                let mut v: Vec<(u8, u8, u16)> = s.into_iter().map(|(k, id)| (k, shard, id)).collect();
                v.sort();
                v
            })
    }

    proptest! {
        #[test]
        fn merge_keyed_is_a_commutative_monoid_that_sums(a in counts(), b in counts(), c in counts()) {
            prop_assert_eq!(merge_keyed(a.clone(), b.clone()), merge_keyed(b.clone(), a.clone()));
            prop_assert_eq!(merge_keyed(merge_keyed(a.clone(), b.clone()), c.clone()), merge_keyed(a.clone(), merge_keyed(b.clone(), c.clone())));
            prop_assert_eq!(merge_keyed(a.clone(), BTreeMap::new()), a.clone());
            prop_assert_eq!(merge_keyed(BTreeMap::new(), a.clone()), a.clone());
            // Every key's value is the sum of its values in the parts; no key is lost or made up.
            let m = merge_keyed(merge_keyed(a.clone(), b.clone()), c.clone());
            for (k, v) in &m {
                let parts: PaymentCounts = [&a, &b, &c].iter().filter_map(|p| p.get(k).copied()).sum();
                prop_assert_eq!(*v, parts);
            }
            prop_assert!(a.keys().chain(b.keys()).chain(c.keys()).all(|k| m.contains_key(k)));
        }

        #[test]
        fn merge_keyed_sums_intake_by_agency_and_procedure(a in intake(), b in intake(), c in intake()) {
            prop_assert_eq!(merge_keyed(a.clone(), b.clone()), merge_keyed(b.clone(), a.clone()));
            prop_assert_eq!(merge_keyed(merge_keyed(a.clone(), b.clone()), c.clone()), merge_keyed(a.clone(), merge_keyed(b.clone(), c.clone())));
            let total: u64 = merge_keyed(a.clone(), b.clone()).values().map(|v| v.online + v.counter + v.post).sum();
            let parts: u64 = a.values().chain(b.values()).map(|v| v.online + v.counter + v.post).sum();
            prop_assert_eq!(total, parts);
        }

        #[test]
        fn merge_top_is_the_top_of_the_sorted_union(a in list(1), b in list(2), c in list(3), k in 0usize..30) {
            let key = |r: &(u8, u8, u16)| *r;
            let oracle = |parts: &[&Vec<(u8, u8, u16)>]| {
                let mut all: Vec<_> = parts.iter().flat_map(|p| p.iter().copied()).collect();
                all.sort_by_key(key);
                all.truncate(k);
                all
            };
            prop_assert_eq!(merge_top(a.clone(), b.clone(), key, k), oracle(&[&a, &b]));
            prop_assert_eq!(merge_top(a.clone(), b.clone(), key, k), merge_top(b.clone(), a.clone(), key, k));
            prop_assert_eq!(
                merge_top(merge_top(a.clone(), b.clone(), key, k), c.clone(), key, k),
                merge_top(a.clone(), merge_top(b.clone(), c.clone(), key, k), key, k)
            );
            let mut a_k = a.clone();
            a_k.truncate(k);
            prop_assert_eq!(merge_top(a.clone(), vec![], key, k), a_k.clone());
            prop_assert_eq!(merge_top(vec![], a.clone(), key, k), a_k);
            // Each shard sends only its own top k: the national top k is still exact.
            let firsts = |v: &Vec<(u8, u8, u16)>| v.iter().take(k).copied().collect::<Vec<_>>();
            let folded = [&a, &b, &c].iter().fold(vec![], |acc, p| merge_top(acc, firsts(p), key, k));
            prop_assert_eq!(folded, oracle(&[&a, &b, &c]));
        }

        #[test]
        fn merge_top_with_equal_keys_is_the_stable_sort(a in prop::collection::vec(0u8..4, 0..10), b in prop::collection::vec(0u8..4, 0..10), k in 0usize..25) {
            // Rows tagged by origin; the key ignores the tag, so ties are real.
            let mut a: Vec<(u8, char)> = a.into_iter().map(|x| (x, 'a')).collect();
            let mut b: Vec<(u8, char)> = b.into_iter().map(|x| (x, 'b')).collect();
            a.sort();
            b.sort();
            let mut all: Vec<_> = a.iter().chain(&b).copied().collect();
            all.sort_by_key(|r| r.0); // stable: a's rows first among equals
            all.truncate(k);
            prop_assert_eq!(merge_top(a.clone(), b.clone(), |r| r.0, k), all);
            // Swapping the answers changes only which tag comes first among equal keys.
            let keys = |v: Vec<(u8, char)>| v.into_iter().map(|r| r.0).collect::<Vec<_>>();
            prop_assert_eq!(keys(merge_top(a.clone(), b.clone(), |r| r.0, k)), keys(merge_top(b, a, |r| r.0, k)));
        }
    }
}
