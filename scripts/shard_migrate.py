"""Moves a single motcua database's province rows into the provinces' own databases
(issue #20 part 4; docs/SHARDING.md §5.2), resumably and verifiably.

    python3 scripts/shard_migrate.py --source NATIONAL.sqlite --shard 31=P31.sqlite --shard 56=P56.sqlite \\
        [--manifests DIR] [--stop-after N] [--verify-only] [--cleanup]

Local backend: SQLite files (a `wrangler dev` state's D1 files, or copies). Each shard file must
have the shard schema (functions/migrations_shard/*.sql); its triggers are set
aside during the copy and put back after it, or every copied dossier event would queue a second
national-portal message.

What goes where is the domain's decision, not this script's: `motcua-demo shard-of` answers each
agency's shard and `motcua-demo audit-home` each audit action's home (domain/src/shard). A row
goes to the shard of its agency (a child row through its parent's); rows of provinces not listed
stay in the source (the legacy shard keeps them), as do rows with no agency (uploads not yet
attached, upload sessions, the cron's settlement reports) and national audit rows.

Resumable: chunks of at most 500 rows ordered by rowid, `INSERT OR IGNORE` with the rows' own
ids (a chunk copied twice adds nothing), a cursor per (table, shard) in the source's
`shard_migration` table written after each chunk. `--stop-after N` stops after N chunks (exit 3),
as an interrupted run would.

Verified: per table and shard, the rows the source holds for that shard and the rows the shard
holds are counted and hashed (SHA-256 of canonical NDJSON: keys sorted, rows in key order); any
difference names the table and shard and exits 1. A manifest per shard (table → rows, sha256) is
written to --manifests. Without --cleanup the source is never changed except for the cursor
table.

--cleanup (SHARDING.md §5.2 step 8): once everything verifies, the moved rows are deleted from the
source in one transaction, children before parents, the append-only guards of `payment_events` and
`audit_log` set aside for it (the rows live on, verified, in their shard) and put back. The Worker
already reads around rows left behind (a database answers only for the agencies it is the home
of), but a cron on the source would still act on them, so the clean-up belongs to the cut-over.
A shard cleaned up is marked in the cursor table; a later run for it does nothing.
"""
import argparse
import glob
import hashlib
import json
import os
import sqlite3
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHUNK = 500

# (table, the SQL expression of a row's agency code in the source, alias `t`), in foreign-key
# order: parents before children.
DOSSIER = "(SELECT agency_code FROM dossiers d WHERE d.id = t.dossier_id)"
PAYMENT = "(SELECT agency_code FROM payments p WHERE p.id = t.payment_id)"
PLAN = [
    ("dossiers", "t.agency_code"),
    ("dossier_events", DOSSIER),
    ("dossier_results", DOSSIER),
    ("dossier_scans", DOSSIER),
    ("dossier_documents", DOSSIER),
    ("dossier_ratings", DOSSIER),
    ("signed_documents", "t.agency_code"),
    ("national_sync", "t.agency_code"),
    ("bills", "t.agency_code"),
    ("payments", "t.agency_code"),
    ("payment_events", PAYMENT),
    ("callback_copies", PAYMENT),
    ("refunds", PAYMENT),
    ("settlements", "(SELECT agency_code FROM bills b WHERE b.id = t.bill_id)"),
    ("receipts", "t.agency_code"),
    ("payment_counters", "t.agency_code"),
    ("intake_counters", "t.agency_code"),
    ("bill_counters", "t.agency_code"),
    ("settlement_imports", "t.agency_code"),
    ("settlement_findings", "t.agency_code"),
    ("assist_codes", "t.agency_code"),
    ("uploads", DOSSIER),
    # Archived months (0027): what stays in D1 of the rows moved to R2.
    ("archive_summaries", "t.agency_code"),
    ("archived_dossiers", "t.agency_code"),
    ("archived_receipts", "t.agency_code"),
    # Audit rows: only those of shard actions (the temp table `mig_shard_actions`), by agency.
    ("audit_log", "CASE WHEN t.action IN (SELECT action FROM temp.mig_shard_actions) THEN t.agency_code END"),
]
# Tables of the shard schema that stay in the source: no agency to route them by.
# (`archive_runs` is keyed by shard and month: a province's runs before its cut-over stay with
# the source; the rows they archived left D1 already, so a run again on the new database finds
# nothing left of them.)
STAY = {"upload_sessions", "upload_session_parts", "settlement_reports", "legacy_routes", "archive_runs"}
# Identifiers made before sharding name no shard: each moved one gets a `legacy_routes` row in the
# legacy shard, which the Worker opens for an old identifier (SHARDING.md §3.2).
ROUTE_KEYS = [
    ("dossiers", "id"), ("dossier_results", "id"), ("dossier_scans", "id"),
    ("signed_documents", "id"), ("signed_documents", "code"),
    ("bills", "id"), ("payments", "id"), ("payments", "reference"), ("refunds", "id"),
    ("receipts", "verify_code"), ("uploads", "id"),
    ("archived_dossiers", "id"), ("archived_receipts", "verify_code"),
]


def fail(message):
    print(f"shard_migrate: {message}", file=sys.stderr)
    sys.exit(1)


def domain(command, lines):
    """The domain's answer for each line (motcua-demo shard-of | audit-home)."""
    if not lines:
        return {}
    binary = os.environ.get("MOTCUA_DEMO_BIN")
    cmd = [binary, command] if binary else ["cargo", "run", "-q", "-p", "motcua-demo", "--", command]
    out = subprocess.run(cmd, input="\n".join(lines) + "\n", capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        fail(f"motcua-demo {command}: {out.stderr.strip()}")
    return dict(line.split("\t", 1) for line in out.stdout.splitlines())


def key_columns(db, table):
    """The primary key's columns, in key order (rowid for a table without one)."""
    info = db.execute(f"PRAGMA table_info({table})").fetchall()
    pk = sorted((r[5], r[1]) for r in info if r[5])
    return [c for (_, c) in pk] or ["rowid"]


def columns(db, table):
    return [r[1] for r in db.execute(f"PRAGMA table_info({table})")]


def without_rowid(db, table):
    sql = db.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    return "WITHOUT ROWID" in sql.upper()


def digest(rows, cols):
    h = hashlib.sha256()
    n = 0
    for row in rows:
        h.update((json.dumps(dict(sorted(zip(cols, row))), ensure_ascii=False, separators=(",", ":")) + "\n").encode())
        n += 1
    return n, h.hexdigest()


def prepare(source):
    source.execute("CREATE TABLE IF NOT EXISTS shard_migration (tbl TEXT NOT NULL, shard TEXT NOT NULL, last_rowid INTEGER NOT NULL, rows INTEGER NOT NULL, PRIMARY KEY (tbl, shard))")
    codes = {r[0] for r in source.execute("SELECT code FROM agencies")}
    for (table, _) in PLAN:
        if "agency_code" in columns(source, table):
            codes |= {r[0] for r in source.execute(f"SELECT DISTINCT agency_code FROM {table} WHERE agency_code IS NOT NULL")}
    shard_of = domain("shard-of", sorted(codes))
    actions = sorted(r[0] for r in source.execute("SELECT DISTINCT action FROM audit_log"))
    homes = domain("audit-home", actions)
    unplaced = [a for a in actions if homes.get(a) == "-"]
    if unplaced:
        fail(f"audit actions without a home in domain/src/shard/home.rs: {unplaced}")
    source.execute("CREATE TEMP TABLE mig_agencies (code TEXT PRIMARY KEY, shard TEXT NOT NULL)")
    source.executemany("INSERT INTO temp.mig_agencies VALUES (?, ?)", [(c, s) for (c, s) in shard_of.items() if s != "-"])
    source.execute("CREATE TEMP TABLE mig_shard_actions (action TEXT PRIMARY KEY)")
    source.executemany("INSERT INTO temp.mig_shard_actions VALUES (?)", [(a,) for a in actions if homes[a] == "shard"])


def selected(table, rule):
    """The source rows of one shard: `?1` the shard."""
    return f"FROM {table} t WHERE ({rule}) IN (SELECT code FROM temp.mig_agencies WHERE shard = ?1)"


def shard_triggers():
    """(name, sql) of every trigger the shard schema has."""
    db = sqlite3.connect(":memory:")
    for path in sorted(glob.glob(os.path.join(ROOT, "functions", "migrations_shard", "*.sql"))):
        db.executescript(open(path, encoding="utf-8").read())
    return db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name").fetchall()


def copy(source, shards, stop_after):
    chunks = 0
    triggers = shard_triggers()
    for shard, dest in shards.items():
        # Set aside while rows come in (put back below, and by a rerun after an interruption).
        for (name, _) in triggers:
            dest.execute(f"DROP TRIGGER IF EXISTS {name}")
        dest.commit()
    for (table, rule) in PLAN:
        cols = columns(source, table)
        col_list = ", ".join(cols)
        marks = ", ".join("?" for _ in cols)
        for shard, dest in shards.items():
            cursor = source.execute("SELECT last_rowid, rows FROM shard_migration WHERE tbl = ? AND shard = ?", (table, shard)).fetchone()
            last, copied = cursor if cursor else (-1, 0)
            while True:
                if without_rowid(source, table):
                    # Counters: a few rows per agency, copied whole (idempotent).
                    if last >= 0:
                        break
                    rows = source.execute(f"SELECT -1, {col_list} {selected(table, rule)}", (shard,)).fetchall()
                else:
                    rows = source.execute(f"SELECT t.rowid, {col_list} {selected(table, rule)} AND t.rowid > ?2 ORDER BY t.rowid LIMIT {CHUNK}", (shard, last)).fetchall()
                if not rows:
                    break
                dest.executemany(f"INSERT OR IGNORE INTO {table} ({col_list}) VALUES ({marks})", [r[1:] for r in rows])
                dest.commit()
                last = max(r[0] for r in rows) if rows[0][0] != -1 else 0
                copied += len(rows)
                source.execute("INSERT INTO shard_migration (tbl, shard, last_rowid, rows) VALUES (?, ?, ?, ?) ON CONFLICT (tbl, shard) DO UPDATE SET last_rowid = excluded.last_rowid, rows = excluded.rows", (table, shard, last, copied))
                source.commit()
                chunks += 1
                if stop_after is not None and chunks >= stop_after:
                    print(f"shard_migrate: stopped after {chunks} chunks (at {table}, shard {shard}); run again to go on")
                    sys.exit(3)
                if without_rowid(source, table):
                    break
    for shard, dest in shards.items():
        for (name, sql) in triggers:
            dest.execute(sql)
        dest.commit()
    return chunks


def write_routes(shards, legacy_db):
    """A `legacy_routes` row for every identifier each shard received (idempotent)."""
    for shard, dest in shards.items():
        for (table, column) in ROUTE_KEYS:
            keys = dest.execute(f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL").fetchall()
            legacy_db.executemany("INSERT OR IGNORE INTO legacy_routes (key, shard) VALUES (?, ?)", [(k, shard) for (k,) in keys])
    legacy_db.commit()


def verify_routes(shards, legacy_db):
    problems = []
    for shard, dest in shards.items():
        for (table, column) in ROUTE_KEYS:
            keys = [k for (k,) in dest.execute(f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL")]
            routed = sum(1 for k in keys if legacy_db.execute("SELECT 1 FROM legacy_routes WHERE key = ? AND shard = ?", (k, shard)).fetchone())
            if routed != len(keys):
                problems.append(f"legacy_routes: {len(keys) - routed} of {table}.{column} in shard {shard} have no route")
    return problems


def verify(source, shards, manifests):
    problems = []
    for shard, dest in shards.items():
        manifest = {"shard": shard, "tables": {}}
        for (table, rule) in PLAN:
            cols = columns(source, table)
            col_list = ", ".join(f"t.{c}" for c in cols)
            order = ", ".join(f"t.{c}" for c in key_columns(source, table))
            want = digest(source.execute(f"SELECT {col_list} {selected(table, rule)} ORDER BY {order}", (shard,)), cols)
            have = digest(dest.execute(f"SELECT {col_list} FROM {table} t ORDER BY {order}"), cols)
            if want != have:
                problems.append(f"{table} in shard {shard}: source {want[0]} rows {want[1][:12]}…, shard {have[0]} rows {have[1][:12]}…")
            manifest["tables"][table] = {"rows": have[0], "sha256": have[1]}
        broken = dest.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            problems.append(f"shard {shard}: rows whose parent is missing: {broken[:5]}")
        if manifests:
            os.makedirs(manifests, exist_ok=True)
            with open(os.path.join(manifests, f"manifest-{shard}.json"), "w", encoding="utf-8") as f:
                json.dump(manifest, f, ensure_ascii=False, indent=1, sort_keys=True)
                f.write("\n")
    # Every source row of a routed table is in exactly one place: one shard, or left behind.
    for (table, rule) in PLAN:
        total = source.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        routed = source.execute(f"SELECT count(*) FROM {table} t WHERE ({rule}) IN (SELECT code FROM temp.mig_agencies WHERE shard IN ({', '.join('?' for _ in shards)}))", list(shards)).fetchone()[0]
        moved = sum(dest.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for dest in shards.values())
        if routed != moved:
            problems.append(f"{table}: {routed} rows routed to the listed shards, {moved} in them")
        if routed > total:
            problems.append(f"{table}: more rows routed than the source has")
    return problems


APPEND_ONLY = ("payment_events_append_only_delete", "audit_log_append_only_delete")
CLEANED = "__cleaned_up__"


def cleanup(source, shards):
    """Deletes the verified rows of `shards` from the source, in one transaction."""
    guards = source.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({', '.join('?' for _ in APPEND_ONLY)})", APPEND_ONLY).fetchall()
    deleted = {}
    try:
        for (name, _) in guards:
            source.execute(f"DROP TRIGGER {name}")
        # Children first: their rule finds the agency through the parent, which must still be there.
        for (table, rule) in reversed(PLAN):
            keys = ", ".join(key_columns(source, table))
            tkeys = ", ".join(f"t.{c}" for c in key_columns(source, table))
            for shard in shards:
                n = source.execute(f"DELETE FROM {table} WHERE ({keys}) IN (SELECT {tkeys} {selected(table, rule)})", (shard,)).rowcount
                deleted[table] = deleted.get(table, 0) + n
        for (_, sql) in guards:
            source.execute(sql)
        for shard in shards:
            source.execute("INSERT OR REPLACE INTO shard_migration (tbl, shard, last_rowid, rows) VALUES (?, ?, 0, ?)", (CLEANED, shard, sum(deleted.values())))
        source.commit()
    except BaseException:
        source.rollback()
        raise
    return deleted


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--source", required=True, help="the single database (SQLite file)")
    ap.add_argument("--shard", action="append", default=[], metavar="NN=FILE", help="a province's database (repeat)")
    ap.add_argument("--manifests", help="where to write manifest-NN.json")
    ap.add_argument("--stop-after", type=int, help="stop after this many chunks (exit 3), as an interruption would")
    ap.add_argument("--verify-only", action="store_true")
    ap.add_argument("--cleanup", action="store_true", help="after verifying, delete the moved rows from the source (the cut-over's last step)")
    ap.add_argument("--legacy", default="42", help="the legacy shard (SHARD_LEGACY): where old identifiers are looked up; "
                    "when it is not among --shard, the source stands in for it (its rows stay there)")
    args = ap.parse_args()
    if not args.shard:
        fail("name at least one --shard NN=FILE")
    source = sqlite3.connect(args.source)
    shards = {}
    for spec in args.shard:
        shard, _, path = spec.partition("=")
        if not os.path.exists(path):
            fail(f"--shard {spec}: no such file")
        dest = sqlite3.connect(path)
        missing = [t for (t, _) in PLAN if not dest.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (t,)).fetchone()]
        if missing:
            fail(f"shard {shard} lacks the shard schema (functions/migrations_shard): {missing[:3]}")
        unplanned = {r[0] for r in dest.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name != 'd1_migrations'")} - {t for (t, _) in PLAN} - STAY
        if unplanned:
            fail(f"shard tables this script does not route (add them to PLAN or STAY): {sorted(unplanned)}")
        if dest.execute("SELECT 1 FROM sqlite_master WHERE name = 'agencies'").fetchone():
            fail(f"shard {shard}: {path} is a national database, not a province's")
        shards[shard] = dest
    prepare(source)
    cleaned = {r[0] for r in source.execute("SELECT shard FROM shard_migration WHERE tbl = ?", (CLEANED,))}
    if cleaned & set(shards):
        if not set(shards) <= cleaned:
            fail(f"shards {sorted(cleaned & set(shards))} were cleaned up already: run the others on their own")
        print(f"shard_migrate: shards {', '.join(sorted(shards))} were moved and cleaned up already; nothing to do")
        return
    unknown = [s for s in shards if not source.execute("SELECT 1 FROM temp.mig_agencies WHERE shard = ?", (s,)).fetchone()]
    if unknown:
        fail(f"no agency of the source belongs to shard {unknown}")
    legacy_db = shards.get(args.legacy, source)
    if not args.verify_only:
        copy(source, shards, args.stop_after)
        write_routes(shards, legacy_db)
    problems = verify(source, shards, args.manifests) + verify_routes(shards, legacy_db)
    for p in problems:
        print(f"shard_migrate: DIFFERENT {p}", file=sys.stderr)
    if problems:
        sys.exit(1)
    for (table, _) in PLAN:
        counts = {s: d.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for s, d in shards.items()}
        if any(counts.values()):
            print(f"  {table}: " + ", ".join(f"{s}: {n}" for s, n in counts.items()))
    print(f"shard_migrate: verified {len(PLAN)} tables in {len(shards)} shard(s)" + (f"; manifests in {args.manifests}" if args.manifests else ""))
    if args.cleanup:
        deleted = cleanup(source, shards)
        print(f"shard_migrate: cleaned up the source: {sum(deleted.values())} rows deleted (" + ", ".join(f"{t} {n}" for t, n in deleted.items() if n) + ")")


if __name__ == "__main__":
    main()
