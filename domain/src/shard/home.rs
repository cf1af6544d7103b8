//! Where each table lives once there is one D1 per province (docs/SHARDING.md §1): the
//! national database or a province's shard. A table's home is code, not a convention, so that
//! the Worker's two handles (`NationalDb`, `ShardDb`) can refuse SQL naming a table of the
//! other home, the shard schema can be generated from `functions/migrations`, and the test
//! below fails when a migration adds a table nobody placed, or a foreign key that would make
//! every insert in a shard fail (D1 enforces foreign keys on every statement).

/// The database a table's rows live in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Home {
    /// The one national D1 (binding `DB`): the agency tree, catalog, staff, log-ins and
    /// per-agency configuration; small, read by every province.
    National,
    /// A province's D1 (`DB_Pnn`): rows that grow with dossiers and payments, reached from an
    /// agency code or an identifier that names its shard.
    Shard,
    /// Both schemas have it and a row goes where the batch that writes it runs (`audit_log`,
    /// the `state_guard` view).
    Both,
}

/// One table (or view) of `functions/migrations/*.sql`: its name, its home, and the migration
/// whose `CREATE` (or `RENAME TO`) gave the table its current definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Table {
    pub name: &'static str,
    pub home: Home,
    pub migration: u16,
}

const fn t(name: &'static str, home: Home, migration: u16) -> Table {
    Table { name, home, migration }
}

use Home::{Both, National, Shard};

/// Every table and view of `functions/migrations`, by home (SHARDING.md §1.1–§1.4). A new
/// migration's table must be added here (the test below reads the migrations).
pub const TABLES: &[Table] = &[
    // §1.1 National: written by administrators or at log-in, read by every province.
    t("agencies", National, 1),
    t("procedures", National, 1),
    t("agency_procedures", National, 1),
    t("fee_schedules", National, 1),
    t("province_fee_versions", National, 10),
    t("catalog_version", National, 25),
    t("national_fee_codes", National, 16),
    t("national_catalog_pulls", National, 16),
    t("national_catalog_differences", National, 16),
    t("staff", National, 10),
    t("staff_scopes", National, 1),
    t("staff_logins", National, 3),
    t("agency_accounts", National, 13),
    t("gateway_credentials", National, 13),
    t("agency_signing_accounts", National, 23),
    t("embed_origins", National, 7),
    t("paperless_rules", National, 20),
    t("payment_links", National, 17),
    t("agency_targets", National, 19),
    t("staff_reports", National, 20),
    t("imported_counts", National, 6),
    t("national_portal_session", National, 14),
    t("zalo_oa_tokens", National, 21),
    // §1.3 decided national: a person, a log-in or an address comes before any province.
    t("citizens", National, 15),
    t("sessions", National, 3),
    t("otp_codes", National, 3),
    t("otp_guards", National, 3),
    t("otp_verify_failures", National, 10),
    t("national_logins", National, 15),
    t("bill_lookup_misses", National, 17),
    t("link_bill_starts", National, 18),
    t("message_deliveries", National, 21),
    // §1.4 Development and sandbox tables: one simulated provider per deployment.
    t("dev_outbox", National, 1),
    t("dev_dvcqg_control", National, 14),
    t("dev_dvcqg_received", National, 14),
    t("dev_idp_codes", National, 15),
    t("dev_idp_keys", National, 15),
    t("dev_provider_refusals", National, 21),
    t("dev_signing_ca", National, 23),
    t("dev_signing_keys", National, 23),
    t("dev_signing_transactions", National, 23),
    t("dev_zalo_tokens", National, 21),
    t("sandbox_transactions", National, 2),
    // §1.2 Shard: grows with dossiers and payments; its agency (or its parent row's) picks it.
    t("dossiers", Shard, 2),
    t("dossier_events", Shard, 2),
    t("dossier_results", Shard, 5),
    t("dossier_scans", Shard, 22),
    t("dossier_documents", Shard, 22),
    t("dossier_ratings", Shard, 14),
    t("signed_documents", Shard, 22),
    t("national_sync", Shard, 14),
    t("bills", Shard, 17),
    t("payments", Shard, 17),
    t("payment_events", Shard, 2),
    t("callback_copies", Shard, 12),
    t("refunds", Shard, 2),
    t("settlements", Shard, 17),
    t("receipts", Shard, 17),
    t("payment_counters", Shard, 6),
    t("intake_counters", Shard, 19),
    t("bill_counters", Shard, 17),
    t("settlement_imports", Shard, 13),
    t("settlement_findings", Shard, 13),
    t("settlement_reports", Shard, 13),
    t("assist_codes", Shard, 20),
    t("uploads", Shard, 4),
    t("upload_sessions", Shard, 8),
    t("upload_session_parts", Shard, 8),
    // Old identifiers' shards, in the legacy shard (written by the migration, §3.2).
    t("legacy_routes", Shard, 26),
    // Archived months (#20 part 3): what stays in D1 of the rows moved to R2.
    t("archive_runs", Shard, 27),
    t("archive_summaries", Shard, 27),
    t("archived_dossiers", Shard, 27),
    t("archived_receipts", Shard, 27),
    // §1.3 both: an audit row is written in the batch of the change it records.
    t("audit_log", Both, 5),
    t("state_guard", Both, 12),
];

/// The home of a table, `None` for a name no migration creates.
pub fn home_of(table: &str) -> Option<Home> {
    TABLES.iter().find(|t| t.name == table).map(|t| t.home)
}

/// A shard column that references a national table (table, column, referenced table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct CrossReference {
    pub table: &'static str,
    pub column: &'static str,
    pub references: &'static str,
}

const fn r(table: &'static str, column: &'static str, references: &'static str) -> CrossReference {
    CrossReference { table, column, references }
}

/// The foreign keys from shard tables to national ones in today's schema (SHARDING.md §1.5).
/// The shard schema drops exactly these: a shard does not hold the national row, so D1 would
/// refuse every insert. The Worker checks each of them before writing (the quote checks agency
/// and procedure, the session the citizen, the scope the staff). Any other reference across
/// homes fails the test below, so a new one is a decision, not an accident.
pub const CROSS_HOME_REFERENCES: &[CrossReference] = &[
    r("dossiers", "agency_code", "agencies"),
    r("dossiers", "procedure_code", "procedures"),
    r("dossiers", "owner_citizen_id", "citizens"),
    r("dossiers", "assisted_by", "staff"),
    r("uploads", "owner_citizen_id", "citizens"),
    r("upload_sessions", "owner_citizen_id", "citizens"),
    r("assist_codes", "staff_id", "staff"),
    r("assist_codes", "agency_code", "agencies"),
    r("assist_codes", "procedure_code", "procedures"),
    r("signed_documents", "owner_citizen_id", "citizens"),
    r("signed_documents", "agency_code", "agencies"),
];

/// Where an audit row is written, by its action (SHARDING.md §1.3): in the database of the
/// batch whose change it records. An entry ending in `.` is a prefix (`bill.` covers
/// `bill.create`, `bill.cancel`, …); any other is an exact action name. Dossier commands are
/// audited under their bare state-machine names (`receive`, `notify_fee`, …), listed in
/// [`DOSSIER_AUDIT_ACTIONS`].
pub const AUDIT_HOMES: &[(&str, Home)] = &[
    // Shard: a dossier, its documents and payments, bills, refunds, reconciliation, portal sync.
    ("walk_in", Shard),
    ("send_pay_link", Shard),
    ("attach_result", Shard),
    ("refund", Shard),
    ("dossier.", Shard),
    ("document.", Shard),
    ("bill.", Shard),
    ("refund.", Shard),
    ("settlement.", Shard),
    ("national_sync.", Shard),
    ("assist.", Shard),
    // An archived month's step: filed in the province's database with the run it records.
    ("archive.", Shard),
    // National: the catalog, agency configuration, gateways and accounts, targets, reports.
    ("agency.", National),
    ("handling.", National),
    ("procedure.", National),
    ("fee_version.", National),
    ("national_mapping.", National),
    ("national_catalog.", National),
    ("gateway.", National),
    ("accounts.", National),
    ("bank_account.", National),
    ("targets.", National),
    ("paperless.", National),
    ("signing_account.", National),
    ("payment_link.", National),
    ("embed_origins.", National),
    ("report.", National),
];

/// The audit names of dossier commands (`decide::AuditValues::action`): the state machine's
/// wire names, which have no prefix of their own. Every one is a shard action.
pub const DOSSIER_AUDIT_ACTIONS: &[&str] = &[
    "submit",
    "request_supplement",
    "receive",
    "reject",
    "notify_fee",
    "pay_online",
    "pay_at_counter",
    "start_processing",
    "mark_result_ready",
    "return_result",
    "complete",
    "withdraw",
];

/// The home of an audit row with this action; `None` for an action nobody placed (the shell
/// treats it as a bug: every audited change must know its database).
pub fn audit_home(action: &str) -> Option<Home> {
    if DOSSIER_AUDIT_ACTIONS.contains(&action) {
        return Some(Shard);
    }
    AUDIT_HOMES
        .iter()
        .find(|(key, _)| match key.strip_suffix('.') {
            Some(prefix) => action.strip_prefix(prefix).is_some_and(|rest| rest.len() > 1 && rest.starts_with('.')),
            None => action == *key,
        })
        .map(|(_, home)| *home)
}

/// The tables a statement names, in order of first mention: every word of the SQL that is a
/// table of [`TABLES`], outside string literals and comments, and not a column written after a
/// `.` (`d.staff` is a column, `staff s` a table). A column named like a table and written
/// bare would count too; no column of today's schema is named like a table.
pub fn tables_named(sql: &str) -> Vec<&'static str> {
    let bytes = sql.as_bytes();
    let mut found: Vec<&'static str> = Vec::new();
    let mut i = 0;
    let mut after_dot = false;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'\'' {
            i += 1;
            while i < bytes.len() {
                if bytes[i] == b'\'' {
                    if bytes.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    break;
                }
                i += 1;
            }
            i += 1;
            after_dot = false;
        } else if c == b'-' && bytes.get(i + 1) == Some(&b'-') {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
        } else if c == b'/' && bytes.get(i + 1) == Some(&b'*') {
            i += 2;
            while i + 1 < bytes.len() && !(bytes[i] == b'*' && bytes[i + 1] == b'/') {
                i += 1;
            }
            i += 2;
        } else if c.is_ascii_alphabetic() || c == b'_' || c == b'"' || c == b'`' || c == b'[' {
            let (start, end, next) = match c {
                b'"' | b'`' | b'[' => {
                    let close = if c == b'[' { b']' } else { c };
                    let end = bytes[i + 1..]
                        .iter()
                        .position(|b| *b == close)
                        .map(|p| i + 1 + p)
                        .unwrap_or(bytes.len());
                    (i + 1, end, end + 1)
                }
                _ => {
                    let end = bytes[i..]
                        .iter()
                        .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
                        .map(|p| i + p)
                        .unwrap_or(bytes.len());
                    (i, end, end)
                }
            };
            let word = &sql[start..end.min(sql.len())];
            if !after_dot {
                if let Some(t) = TABLES.iter().find(|t| t.name.eq_ignore_ascii_case(word)) {
                    if !found.contains(&t.name) {
                        found.push(t.name);
                    }
                }
            }
            after_dot = false;
            i = next;
        } else {
            if !c.is_ascii_whitespace() {
                after_dot = c == b'.';
            }
            i += 1;
        }
    }
    found
}

/// The first table `sql` names that does not live in `home` (a table of [`Home::Both`] lives in
/// either): what the Worker's handle of that home refuses to prepare.
pub fn misplaced(sql: &str, home: Home) -> Option<&'static str> {
    if home == Both {
        return None;
    }
    tables_named(sql)
        .into_iter()
        .find(|t| home_of(t).is_some_and(|h| h != Both && h != home))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    /// A token of SQLite's grammar, enough to find tables and their references.
    #[derive(Debug, Clone, PartialEq)]
    enum Tok {
        Word(String),
        Quoted(String),
        Str,
        Punct(char),
    }

    impl Tok {
        fn is(&self, keyword: &str) -> bool {
            matches!(self, Tok::Word(w) if w.eq_ignore_ascii_case(keyword))
        }
        fn name(&self) -> Option<String> {
            match self {
                Tok::Word(w) | Tok::Quoted(w) => Some(w.to_ascii_lowercase()),
                _ => None,
            }
        }
    }

    /// Comments and string literals are skipped, so a `REFERENCES` in a comment or a CHECK's
    /// text is not taken for a foreign key.
    fn tokens(sql: &str) -> Vec<Tok> {
        let b: Vec<char> = sql.chars().collect();
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            if c.is_whitespace() {
                i += 1;
            } else if c == '-' && b.get(i + 1) == Some(&'-') {
                while i < b.len() && b[i] != '\n' {
                    i += 1;
                }
            } else if c == '/' && b.get(i + 1) == Some(&'*') {
                i += 2;
                while i + 1 < b.len() && !(b[i] == '*' && b[i + 1] == '/') {
                    i += 1;
                }
                i += 2;
            } else if c == '\'' {
                i += 1;
                loop {
                    if i >= b.len() {
                        break;
                    }
                    if b[i] == '\'' {
                        if b.get(i + 1) == Some(&'\'') {
                            i += 2;
                            continue;
                        }
                        i += 1;
                        break;
                    }
                    i += 1;
                }
                out.push(Tok::Str);
            } else if c == '"' || c == '`' || c == '[' {
                let close = if c == '[' { ']' } else { c };
                let start = i + 1;
                i = start;
                while i < b.len() && b[i] != close {
                    i += 1;
                }
                out.push(Tok::Quoted(b[start..i].iter().collect()));
                i += 1;
            } else if c.is_alphanumeric() || c == '_' {
                let start = i;
                while i < b.len() && (b[i].is_alphanumeric() || b[i] == '_') {
                    i += 1;
                }
                out.push(Tok::Word(b[start..i].iter().collect()));
            } else {
                out.push(Tok::Punct(c));
                i += 1;
            }
        }
        out
    }

    /// The `REFERENCES x` of one column definition or table constraint: (column, x).
    fn references_in(def: &[Tok]) -> Vec<(String, String)> {
        let Some(first) = def.first() else { return vec![] };
        let constraint = ["primary", "unique", "check", "foreign", "constraint"].iter().any(|k| first.is(k));
        let column = if constraint {
            // FOREIGN KEY (col, …) REFERENCES t: the first column names it.
            def.iter().position(|t| t.is("key")).and_then(|k| def.get(k + 2)).and_then(Tok::name)
        } else {
            first.name()
        };
        def.windows(2)
            .filter(|w| w[0].is("references"))
            .filter_map(|w| Some((column.clone()?, w[1].name()?)))
            .collect()
    }

    #[derive(Debug, Default)]
    struct Schema {
        /// table → migration of its current definition
        tables: BTreeMap<String, u16>,
        /// (table, column, referenced table)
        references: BTreeSet<(String, String, String)>,
    }

    impl Schema {
        fn apply(&mut self, migration: u16, sql: &str) {
            let toks = tokens(sql);
            let name_after = |mut i: usize| -> (usize, String) {
                if toks[i].is("if") {
                    i += if toks[i + 1].is("not") { 3 } else { 2 };
                }
                (i + 1, toks[i].name().expect("a table name"))
            };
            let mut i = 0;
            while i < toks.len() {
                if toks[i].is("create") {
                    let mut j = i + 1;
                    if toks[j].is("temp") || toks[j].is("temporary") {
                        j += 1;
                    }
                    if toks[j].is("table") || toks[j].is("view") {
                        let (next, name) = name_after(j + 1);
                        self.forget(&name);
                        self.tables.insert(name.clone(), migration);
                        if toks[next] == Tok::Punct('(') {
                            let mut depth = 0;
                            let mut def = Vec::new();
                            let mut k = next;
                            loop {
                                match &toks[k] {
                                    Tok::Punct('(') => {
                                        depth += 1;
                                        if depth > 1 {
                                            def.push(toks[k].clone());
                                        }
                                    }
                                    Tok::Punct(')') => {
                                        depth -= 1;
                                        if depth == 0 {
                                            break;
                                        }
                                        def.push(toks[k].clone());
                                    }
                                    Tok::Punct(',') if depth == 1 => {
                                        self.add_references(&name, &std::mem::take(&mut def));
                                    }
                                    t => def.push(t.clone()),
                                }
                                k += 1;
                            }
                            self.add_references(&name, &def);
                            i = k;
                        } else {
                            i = next;
                        }
                    } else {
                        i = j; // an index or a trigger: nothing to learn
                    }
                } else if toks[i].is("drop") && (toks[i + 1].is("table") || toks[i + 1].is("view")) {
                    let (next, name) = name_after(i + 2);
                    assert!(self.tables.contains_key(&name), "{migration:04}: DROP of unknown {name}");
                    self.forget(&name);
                    i = next;
                } else if toks[i].is("alter") && toks[i + 1].is("table") {
                    let table = toks[i + 2].name().expect("a table name");
                    if toks[i + 3].is("rename") && toks[i + 4].is("to") {
                        let to = toks[i + 5].name().expect("a new name");
                        let refs: Vec<_> = self.references.iter().filter(|r| r.0 == table).cloned().collect();
                        self.forget(&table);
                        for (_, c, x) in refs {
                            self.references.insert((to.clone(), c, x));
                        }
                        self.tables.insert(to, migration);
                        i += 6;
                    } else if toks[i + 3].is("add") {
                        let start = if toks[i + 4].is("column") { i + 5 } else { i + 4 };
                        let end = (start..toks.len()).find(|&k| toks[k] == Tok::Punct(';')).unwrap_or(toks.len());
                        self.add_references(&table, &toks[start..end]);
                        i = end;
                    } else {
                        i += 3;
                    }
                } else {
                    i += 1;
                }
            }
        }

        fn add_references(&mut self, table: &str, def: &[Tok]) {
            for (column, target) in references_in(def) {
                self.references.insert((table.to_string(), column, target));
            }
        }

        fn forget(&mut self, table: &str) {
            self.tables.remove(table);
            self.references.retain(|r| r.0 != table);
        }
    }

    fn migrations() -> Schema {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../functions/migrations");
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .expect("functions/migrations")
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "sql"))
            .collect();
        files.sort();
        assert!(files.len() >= 24, "{files:?}");
        let mut schema = Schema::default();
        for path in files {
            let file = path.file_name().unwrap().to_string_lossy().to_string();
            let migration: u16 = file[..4].parse().unwrap_or_else(|_| panic!("{file}: NNNN_name.sql"));
            schema.apply(migration, &std::fs::read_to_string(&path).unwrap());
        }
        schema
    }

    #[test]
    fn the_reader_finds_tables_columns_and_references() {
        let mut s = Schema::default();
        s.apply(
            1,
            "-- CREATE TABLE nope (x REFERENCES a)\nCREATE TABLE a (code TEXT PRIMARY KEY, note TEXT CHECK (note != 'REFERENCES b(x)'));\n\
             CREATE TABLE IF NOT EXISTS b (id TEXT, a_code TEXT NOT NULL REFERENCES a(code), k TEXT, FOREIGN KEY (k) REFERENCES \"c\"(id));\n\
             CREATE TABLE c (id TEXT); CREATE VIEW v AS SELECT 1;",
        );
        s.apply(2, "CREATE TABLE b_new (id TEXT, a_code TEXT REFERENCES a(code)); DROP TABLE b; ALTER TABLE b_new RENAME TO b;\n\
                    ALTER TABLE c ADD COLUMN by_a TEXT REFERENCES a(code); ALTER TABLE c ADD note TEXT;");
        assert_eq!(s.tables.iter().map(|(t, m)| (t.as_str(), *m)).collect::<Vec<_>>(), [("a", 1), ("b", 2), ("c", 1), ("v", 1)]);
        let refs: Vec<(&str, &str, &str)> = s.references.iter().map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str())).collect();
        assert_eq!(refs, [("b", "a_code", "a"), ("c", "by_a", "a")]);
    }

    #[test]
    fn every_table_of_the_migrations_has_exactly_one_home() {
        let schema = migrations();
        let mut listed = BTreeMap::new();
        for t in TABLES {
            assert!(listed.insert(t.name.to_string(), t.migration).is_none(), "{} listed twice", t.name);
        }
        let missing: Vec<_> = schema.tables.keys().filter(|t| !listed.contains_key(*t)).collect();
        assert!(missing.is_empty(), "tables without a home (add them to shard::home::TABLES): {missing:?}");
        let gone: Vec<_> = listed.keys().filter(|t| !schema.tables.contains_key(*t)).collect();
        assert!(gone.is_empty(), "listed but created by no migration: {gone:?}");
        assert_eq!(listed, schema.tables, "the migration of each table's current definition");
        // SHARDING.md §1: 32 national + 11 development, 25 shard (+ legacy_routes, 0026), audit_log
        // and the view in both.
        let count = |h: Home| TABLES.iter().filter(|t| t.home == h).count();
        assert_eq!((count(National), count(Shard), count(Both)), (43, 30, 2));
        assert_eq!(home_of("dossiers"), Some(Shard));
        assert_eq!(home_of("agencies"), Some(National));
        assert_eq!(home_of("fee_notices"), None, "dropped in 0017");
    }

    #[test]
    fn no_shard_table_references_a_national_one_but_the_eleven_listed() {
        let schema = migrations();
        let home = |t: &str| home_of(t).unwrap_or_else(|| panic!("{t} has no home"));
        let mut crossing = BTreeSet::new();
        for (table, column, target) in &schema.references {
            assert!(schema.tables.contains_key(target), "{table}.{column} references {target}, which no longer exists");
            match (home(table), home(target)) {
                (Shard, National) => {
                    crossing.insert((table.as_str(), column.as_str(), target.as_str()));
                }
                (National, Shard) => panic!("national {table}.{column} references shard table {target}"),
                (Both, _) | (_, Both) => panic!("{table}.{column} → {target}: a table of both homes must not take part in foreign keys"),
                _ => {}
            }
        }
        let listed: BTreeSet<_> = CROSS_HOME_REFERENCES.iter().map(|r| (r.table, r.column, r.references)).collect();
        assert_eq!(listed.len(), CROSS_HOME_REFERENCES.len(), "no duplicates");
        assert_eq!(crossing, listed, "shard → national foreign keys (SHARDING.md §1.5)");
        assert_eq!(listed.len(), 11);
    }

    /// Every action the Worker audits today (functions/src: `audit::stmt`/`stmt_in` callers).
    const AUDITED: &[(&str, Home)] = &[
        ("walk_in", Shard),
        ("send_pay_link", Shard),
        ("attach_result", Shard),
        ("dossier.scan", Shard),
        ("document.sign", Shard),
        ("document.revoke", Shard),
        ("refund", Shard),
        ("refund.approve", Shard),
        ("refund.paid", Shard),
        ("refund.rejected", Shard),
        ("bill.create", Shard),
        ("bill.counter_payment", Shard),
        ("bill.cancel", Shard),
        ("bill.expire", Shard),
        ("bill.paid", Shard),
        ("settlement.import", Shard),
        ("settlement.resolve", Shard),
        ("national_sync.retry", Shard),
        ("national_sync.backfill", Shard),
        ("assist.create", Shard),
        ("archive.step", Shard),
        ("agency.create", National),
        ("agency.update", National),
        ("handling.put", National),
        ("procedure.create", National),
        ("procedure.update", National),
        ("fee_version.add", National),
        ("national_mapping.put", National),
        ("national_catalog.pull", National),
        ("national_catalog.resolve", National),
        ("gateway.put", National),
        ("accounts.put", National),
        ("bank_account.put", National),
        ("targets.put", National),
        ("paperless.put", National),
        ("signing_account.put", National),
        ("payment_link.create", National),
        ("embed_origins.put", National),
        ("report.create", National),
        ("report.answer", National),
        ("report.close", National),
    ];

    /// The action argument of every `audit::stmt(d1, staff, at, ACTION, …)` and
    /// `audit::stmt_in(d1, staff, agency, at, ACTION, …)` call in functions/src, as written.
    fn audit_calls_in_the_worker() -> Vec<(String, String)> {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    walk(&p, out);
                } else if p.extension().is_some_and(|e| e == "rs") {
                    out.push(p);
                }
            }
        }
        let mut files = Vec::new();
        walk(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../functions/src")), &mut files);
        let mut calls = Vec::new();
        for path in files {
            let src = std::fs::read_to_string(&path).unwrap();
            for (call, index) in [("audit::stmt(", 3), ("audit::stmt_in(", 4)] {
                for (at, _) in src.match_indices(call) {
                    // Split the arguments at depth-1 commas (strings here hold no parentheses
                    // or commas that matter: the action is a plain literal or an expression).
                    let mut depth = 1;
                    let mut args = vec![String::new()];
                    for c in src[at + call.len()..].chars() {
                        match c {
                            '(' | '[' | '{' => depth += 1,
                            ')' | ']' | '}' => depth -= 1,
                            ',' if depth == 1 => {
                                args.push(String::new());
                                continue;
                            }
                            _ => {}
                        }
                        if depth == 0 {
                            break;
                        }
                        args.last_mut().unwrap().push(c);
                    }
                    let file = path.strip_prefix(concat!(env!("CARGO_MANIFEST_DIR"), "/../functions/src")).unwrap().display().to_string();
                    calls.push((file, args.get(index).map(|a| a.trim().to_string()).unwrap_or_default()));
                }
            }
        }
        calls
    }

    #[test]
    fn every_literal_action_the_worker_audits_has_a_home() {
        let calls = audit_calls_in_the_worker();
        assert!(calls.len() >= 30, "found {} audit calls: is the scan still right?", calls.len());
        let mut literals = 0;
        for (file, action) in &calls {
            if let Some(name) = action.strip_prefix('"').and_then(|a| a.strip_suffix('"')) {
                literals += 1;
                assert!(audit_home(name).is_some(), "{file}: audit action {name:?} has no home (add it to shard::home::AUDIT_HOMES)");
                assert!(AUDITED.iter().any(|(a, _)| a == &name), "{file}: {name:?} is missing from AUDITED below");
            }
        }
        // The rest are computed: dossier commands, bill and report decisions, `refund.{status}`.
        assert!(literals >= 25, "{literals} literal actions");
    }

    #[test]
    fn every_audited_action_has_one_home() {
        for (action, home) in AUDITED {
            assert_eq!(audit_home(action), Some(*home), "{action}");
            let matches = AUDIT_HOMES.iter().filter(|(k, _)| *k == *action || (k.ends_with('.') && action.starts_with(k))).count();
            assert!(matches + usize::from(DOSSIER_AUDIT_ACTIONS.contains(action)) == 1, "{action} matched {matches} entries");
        }
        // The dossier state machine's actions, under the names decide() audits them by.
        let wire: Vec<String> = crate::dossier::DossierAction::ALL.iter().map(|a| serde_json::to_value(a).unwrap().as_str().unwrap().to_string()).collect();
        assert_eq!(wire, DOSSIER_AUDIT_ACTIONS);
        assert!(wire.iter().all(|a| audit_home(a) == Some(Shard)));
        // Unknown actions have no home: the shell must place them before writing.
        for unknown in ["", "bill", "bill.", "billing.create", "agency", "drop_everything", "Receive", "refunds"] {
            assert_eq!(audit_home(unknown), None, "{unknown:?}");
        }
        // Each table an audited entity lives in is in the home its actions say.
        assert_eq!(home_of("audit_log"), Some(Both));
    }

    #[test]
    fn tables_named_skips_strings_comments_and_qualified_columns() {
        let sql = "SELECT d.id, s.staff, 'dossiers' AS x FROM payments p -- staff\n JOIN \"bills\" b ON b.id = p.bill_id /* agencies */";
        assert_eq!(tables_named(sql), vec!["payments", "bills"]);
        assert_eq!(
            tables_named("INSERT INTO audit_log (action) VALUES ('it''s agencies')"),
            vec!["audit_log"]
        );
        assert_eq!(
            tables_named("SELECT name FROM agencies a JOIN dossiers d ON d.agency_code = a.code"),
            vec!["agencies", "dossiers"]
        );
        assert!(tables_named("SELECT platform_bill, agency_code FROM x").is_empty());
    }

    #[test]
    fn misplaced_names_the_table_of_the_other_home() {
        let join = "SELECT a.name FROM dossiers d JOIN agencies a ON a.code = d.agency_code";
        assert_eq!(misplaced(join, Shard), Some("agencies"));
        assert_eq!(misplaced(join, National), Some("dossiers"));
        assert_eq!(misplaced(join, Both), None);
        assert_eq!(
            misplaced("INSERT INTO audit_log (action) VALUES (?1)", Shard),
            None
        );
        assert_eq!(
            misplaced("INSERT INTO audit_log (action) VALUES (?1)", National),
            None
        );
        assert_eq!(misplaced("SELECT 1", National), None);
    }
}
