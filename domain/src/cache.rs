//! A memo of reference data kept in a Worker's isolate under the version of the data it was read
//! from (the agency tree, the procedures, the fee schedules: `catalog_version` in D1, which every
//! change of those tables moves). Pure: the caller reads the clock and the version and loads the
//! values; this decides when the version must be read again, which entries still hold and what
//! fits.
//!
//! How stale an isolate can be: it serves what it holds for at most `ttl_ms` after the start of
//! its last version read; the first request after that reads the version again (one single-row
//! read) and, if it moved, drops everything. [`VersionedCache::invalidate`] (after a change made
//! through this isolate) makes the very next request read it. A read that began before an
//! invalidation never marks the cache fresh, since it may have seen the catalog before the change.

use std::collections::HashMap;

/// Entries of one version of the reference data, each under a key the caller chooses.
#[derive(Debug)]
pub struct VersionedCache<V> {
    ttl_ms: u64,
    capacity: usize,
    /// The version the entries were read under (`None`: never read).
    version: Option<i64>,
    /// When the version read that confirmed `version` started (`None`: never, or invalidated).
    checked_at_ms: Option<u64>,
    /// Moved by every invalidation: a version read that began under another generation is late.
    generation: u64,
    entries: HashMap<String, V>,
}

/// A version read under way: where the clock stood and which generation it began in.
#[derive(Debug, Clone, Copy)]
pub struct VersionCheck {
    started_ms: u64,
    generation: u64,
}

impl<V: Clone> VersionedCache<V> {
    /// An empty cache whose version is trusted `ttl_ms` after each read, holding at most
    /// `capacity` entries.
    pub fn new(ttl_ms: u64, capacity: usize) -> Self {
        VersionedCache { ttl_ms, capacity: capacity.max(1), version: None, checked_at_ms: None, generation: 0, entries: HashMap::new() }
    }

    /// The version to serve under at `now_ms`, or `None` when it must be read first: never read,
    /// invalidated, read `ttl_ms` or longer ago, or the clock is behind the last read.
    pub fn current(&self, now_ms: u64) -> Option<i64> {
        let (version, at) = (self.version?, self.checked_at_ms?);
        within(at, now_ms, self.ttl_ms).then_some(version)
    }

    /// Marks the start of a version read at `now_ms`; hand it back to [`Self::observe`].
    pub fn begin_check(&self, now_ms: u64) -> VersionCheck {
        VersionCheck { started_ms: now_ms, generation: self.generation }
    }

    /// Records the version a read returned. Another version than the one held drops every entry
    /// (a lower one too: a database restored from a backup is a change). A read that began
    /// before an [`Self::invalidate`] changes nothing.
    pub fn observe(&mut self, check: VersionCheck, version: i64) {
        if check.generation != self.generation {
            return;
        }
        if self.version != Some(version) {
            self.entries.clear();
            self.version = Some(version);
        }
        self.checked_at_ms = Some(check.started_ms);
    }

    /// The entry under `key`, when it belongs to `version`.
    pub fn get(&self, version: i64, key: &str) -> Option<V> {
        if self.version != Some(version) {
            return None;
        }
        self.entries.get(key).cloned()
    }

    /// Keeps `value`, read under `version`, unless the cache has moved to another version
    /// meanwhile (then the value may be older than what the cache now holds). When full, one
    /// other entry makes room.
    pub fn put(&mut self, version: i64, key: &str, value: V) {
        if self.version != Some(version) {
            return;
        }
        if self.entries.len() >= self.capacity && !self.entries.contains_key(key) {
            if let Some(victim) = self.entries.keys().next().cloned() {
                self.entries.remove(&victim);
            }
        }
        self.entries.insert(key.to_string(), value);
    }

    /// The catalog was changed through this isolate: the next request reads the version again.
    pub fn invalidate(&mut self) {
        self.checked_at_ms = None;
        self.generation += 1;
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Whether something learnt at `at_ms` may still be relied on at `now_ms`: less than `ttl_ms`
/// later, and never when the clock is behind it.
pub fn within(at_ms: u64, now_ms: u64, ttl_ms: u64) -> bool {
    now_ms >= at_ms && now_ms - at_ms < ttl_ms
}

/// A key for an entry of `kind` naming `parts` without ambiguity: each part's length comes first,
/// since the parts are what a request names (free text).
pub fn key(kind: &str, parts: &[&str]) -> String {
    let mut k = kind.to_string();
    for p in parts {
        k.push_str(&format!(" {}:{p}", p.len()));
    }
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    const TTL: u64 = 15_000;

    /// A cache that read version `v` at time 0.
    fn read_at_zero(v: i64) -> VersionedCache<&'static str> {
        let mut c = VersionedCache::new(TTL, 4);
        let check = c.begin_check(0);
        c.observe(check, v);
        c
    }

    #[test]
    fn a_new_cache_must_read_the_version_first() {
        let c: VersionedCache<u8> = VersionedCache::new(TTL, 4);
        assert_eq!(c.current(0), None);
        assert_eq!(c.get(1, "k"), None);
    }

    #[test]
    fn the_version_is_trusted_until_the_ttl_from_the_start_of_its_read() {
        let c = read_at_zero(7);
        assert_eq!(c.current(0), Some(7));
        assert_eq!(c.current(TTL - 1), Some(7));
        assert_eq!(c.current(TTL), None);
        // A clock behind the read is not trusted either.
        let mut later = VersionedCache::<u8>::new(TTL, 4);
        let check = later.begin_check(1_000);
        later.observe(check, 7);
        assert_eq!(later.current(999), None);
    }

    #[test]
    fn entries_are_served_only_under_their_version() {
        let mut c = read_at_zero(7);
        c.put(7, "procedures:A", "rows of A");
        assert_eq!(c.get(7, "procedures:A"), Some("rows of A"));
        assert_eq!(c.get(8, "procedures:A"), None);
        assert_eq!(c.get(7, "procedures:B"), None);
    }

    #[test]
    fn the_same_version_read_again_keeps_the_entries_and_restarts_the_ttl() {
        let mut c = read_at_zero(7);
        c.put(7, "k", "v");
        let check = c.begin_check(TTL + 5);
        assert_eq!(c.current(TTL + 5), None);
        c.observe(check, 7);
        assert_eq!(c.current(TTL + 5), Some(7));
        assert_eq!(c.get(7, "k"), Some("v"));
    }

    #[test]
    fn another_version_drops_every_entry_even_a_lower_one() {
        let mut c = read_at_zero(7);
        c.put(7, "k", "v");
        let check = c.begin_check(TTL);
        c.observe(check, 8);
        assert!(c.is_empty());
        assert_eq!(c.current(TTL), Some(8));
        c.put(8, "k", "w");
        // A database restored from a backup goes back: that is a change too.
        let check = c.begin_check(2 * TTL);
        c.observe(check, 3);
        assert!(c.is_empty());
        assert_eq!(c.get(3, "k"), None);
    }

    #[test]
    fn a_value_read_under_an_older_version_is_not_kept() {
        let mut c = read_at_zero(7);
        // Another request saw version 8 while this one was loading under 7.
        let check = c.begin_check(10);
        c.observe(check, 8);
        c.put(7, "k", "old");
        assert_eq!(c.get(8, "k"), None);
        assert!(c.is_empty());
    }

    #[test]
    fn after_an_invalidation_the_next_request_reads_the_version() {
        let mut c = read_at_zero(7);
        c.put(7, "k", "v");
        c.invalidate();
        assert_eq!(c.current(1), None);
        let check = c.begin_check(2);
        c.observe(check, 8);
        assert_eq!(c.current(2), Some(8));
        assert_eq!(c.get(8, "k"), None);
    }

    #[test]
    fn a_read_that_began_before_an_invalidation_does_not_make_the_cache_fresh() {
        let mut c = read_at_zero(7);
        c.put(7, "k", "v");
        // A request starts reading the version; meanwhile a change is made through this isolate.
        let early = c.begin_check(TTL + 1);
        c.invalidate();
        c.observe(early, 7);
        assert_eq!(c.current(TTL + 2), None, "the next request must read the version itself");
        let check = c.begin_check(TTL + 3);
        c.observe(check, 8);
        assert_eq!(c.current(TTL + 3), Some(8));
        assert!(c.is_empty());
    }

    #[test]
    fn a_full_cache_makes_room_and_never_exceeds_its_capacity() {
        let mut c = read_at_zero(1);
        for key in ["a", "b", "c", "d", "e", "f"] {
            c.put(1, key, "v");
            assert!(c.len() <= 4);
        }
        assert_eq!(c.len(), 4);
        assert_eq!(c.get(1, "f"), Some("v"), "the newest entry is kept");
        // Replacing a key that is there evicts nothing.
        c.put(1, "f", "w");
        assert_eq!(c.len(), 4);
        assert_eq!(c.get(1, "f"), Some("w"));
    }

    #[test]
    fn keys_do_not_run_into_each_other() {
        assert_ne!(key("quote", &["a:1", "b"]), key("quote", &["a", "1:b"]));
        assert_ne!(key("quote", &["ab", "c"]), key("quote", &["a", "bc"]));
        assert_ne!(key("quote", &["a b"]), key("quote", &["a", "b"]));
        assert_eq!(key("quote", &["000.10.51.H27", "2.000815"]), key("quote", &["000.10.51.H27", "2.000815"]));
    }

    #[test]
    fn within_holds_until_the_ttl_and_never_behind_the_clock() {
        assert!(within(100, 100, 10));
        assert!(within(100, 109, 10));
        assert!(!within(100, 110, 10));
        assert!(!within(100, 99, 10));
    }
}
