"""The migration of issue #20 part 4 on a copy of the demo state (docs/SHARDING.md §5.2 tests):
the demo's single database moved into Hải Phòng's (31) and Khánh Hòa's (56) databases; every
manifest verifies; a run interrupted after a few chunks and run again ends with the same
manifests as an uninterrupted one; a row changed in a shard fails verification naming the table
and the shard; the sync triggers are back afterwards and copying queued nothing.

    python3 scripts/test_shard_migrate.py   (make test-domain runs it)"""
import glob
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_activity  # noqa: E402
import local_d1  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, "scripts", "shard_migrate.py")


def schema(path, directory):
    db = sqlite3.connect(path)
    for f in sorted(glob.glob(os.path.join(ROOT, "functions", directory, "*.sql"))):
        db.executescript(open(f, encoding="utf-8").read())
    return db


def demo_state(dir):
    national = os.path.join(dir, "national.sqlite")
    db = schema(national, "migrations")
    db.executescript(open(os.path.join(ROOT, "functions", "seed", "demo.sql"), encoding="utf-8").read())
    # The living demo of `make dev` (scripts/gen_activity.py): a year of dossiers, payments,
    # receipts and ratings in every demo province, from a fixed seed and day.
    cat = gen_activity.catalog(db)
    gen = subprocess.run([os.environ["MOTCUA_DEMO_BIN"], "--seed", "2026", "--today", "2026-12-01"], input=json.dumps(cat).encode(), capture_output=True, check=True)
    db.executescript("BEGIN;\n" + gen.stdout.decode() + "\nCOMMIT;")
    local_d1.rebuild_counters(db)
    db.commit()
    for p in ("31", "56"):
        schema(os.path.join(dir, f"p{p}.sqlite"), "migrations_shard").commit()
    return national


def run(dir, *extra):
    args = [sys.executable, SCRIPT, "--source", os.path.join(dir, "national.sqlite"),
            "--shard", f"31={os.path.join(dir, 'p31.sqlite')}", "--shard", f"56={os.path.join(dir, 'p56.sqlite')}", *extra]
    return subprocess.run(args, capture_output=True, text=True)


def manifests(dir):
    return {os.path.basename(f): json.load(open(f)) for f in sorted(glob.glob(os.path.join(dir, "m", "*.json")))}


def check(condition, message):
    if not condition:
        sys.exit(f"test_shard_migrate: FAILED: {message}")


def main():
    # The domain's answers from the built binary (one compile, not one per call).
    subprocess.run(["cargo", "build", "-q", "-p", "motcua-demo"], cwd=ROOT, check=True)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    os.environ["MOTCUA_DEMO_BIN"] = os.path.join(target, "debug", "motcua-demo")
    with tempfile.TemporaryDirectory() as whole, tempfile.TemporaryDirectory() as halted:
        for d in (whole, halted):
            demo_state(d)
        first = run(whole, "--manifests", os.path.join(whole, "m"))
        check(first.returncode == 0, f"an uninterrupted run verifies:\n{first.stdout}{first.stderr}")
        p31 = sqlite3.connect(os.path.join(whole, "p31.sqlite"))
        source = sqlite3.connect(os.path.join(whole, "national.sqlite"))
        moved = p31.execute("SELECT count(*) FROM dossiers").fetchone()[0]
        expected = source.execute("SELECT count(*) FROM dossiers WHERE agency_code LIKE '%.H23'").fetchone()[0]
        check(moved == expected and moved > 0, f"Hải Dương's {expected} dossiers are in 31's database ({moved})")
        check(p31.execute("SELECT count(*) FROM dossiers WHERE agency_code NOT LIKE '%.H23'").fetchone()[0] == 0, "only Hải Dương's dossiers in 31")
        events = source.execute("SELECT count(*) FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id WHERE d.agency_code LIKE '%.H23'").fetchone()[0]
        check(p31.execute("SELECT count(*) FROM dossier_events").fetchone()[0] == events, "their events went with them")
        sync_before = source.execute("SELECT count(*) FROM national_sync WHERE agency_code LIKE '%.H23'").fetchone()[0]
        check(p31.execute("SELECT count(*) FROM national_sync").fetchone()[0] == sync_before, "copying queued no portal message of its own")
        triggers = {r[0] for r in p31.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        check("dossier_events_to_national_sync" in triggers, f"the sync triggers are back: {triggers}")
        check(source.execute("SELECT count(*) FROM dossiers").fetchone()[0] >= moved, "the source is not emptied (cleanup is a later step)")
        # Every moved old identifier has its route in the legacy shard (here the source stands in).
        route = lambda key: source.execute("SELECT shard FROM legacy_routes WHERE key = ?", (key,)).fetchone()
        some_dossier = p31.execute("SELECT id FROM dossiers LIMIT 1").fetchone()[0]
        some_reference = p31.execute("SELECT reference FROM payments LIMIT 1").fetchone()[0]
        check(route(some_dossier) == ("31",) and route(some_reference) == ("31",), "old ids and references route to 31")
        check(source.execute("SELECT count(*) FROM legacy_routes WHERE shard = '56'").fetchone()[0] > 0, "and 56's to 56")

        # Interrupted after 3 chunks, then run again: the same manifests.
        stopped = run(halted, "--stop-after", "3")
        check(stopped.returncode == 3, f"--stop-after stops with 3: {stopped.returncode} {stopped.stderr}")
        again = run(halted, "--manifests", os.path.join(halted, "m"))
        check(again.returncode == 0, f"the rerun verifies:\n{again.stdout}{again.stderr}")
        check(manifests(whole) == manifests(halted) and manifests(whole), "an interrupted run ends as an uninterrupted one")
        # A third run changes nothing.
        third = run(halted, "--manifests", os.path.join(halted, "m"))
        check(third.returncode == 0 and manifests(whole) == manifests(halted), "a finished migration run again adds nothing")

        # One changed byte in a shard: verification names the table and the shard.
        p31.execute("UPDATE dossiers SET applicant_json = applicant_json || ' ' WHERE rowid = (SELECT min(rowid) FROM dossiers)")
        p31.commit()
        tampered = run(whole, "--verify-only")
        check(tampered.returncode == 1 and "dossiers in shard 31" in tampered.stderr, f"a changed row is found:\n{tampered.stderr}")

        # The cut-over's last step: the moved rows leave the source, nothing else does, the
        # append-only guards are back, and a later run does nothing.
        src = sqlite3.connect(os.path.join(halted, "national.sqlite"))
        count = lambda db, sql: db.execute(sql).fetchone()[0]
        moved = count(sqlite3.connect(os.path.join(halted, "p31.sqlite")), "SELECT count(*) FROM dossiers") + count(sqlite3.connect(os.path.join(halted, "p56.sqlite")), "SELECT count(*) FROM dossiers")
        total = count(src, "SELECT count(*) FROM dossiers")
        legacy_events = count(src, "SELECT count(*) FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id WHERE d.agency_code LIKE '%.H27'")
        src.close()
        cleaned = run(halted, "--cleanup")
        check(cleaned.returncode == 0 and "cleaned up the source" in cleaned.stdout, f"--cleanup:\n{cleaned.stdout}{cleaned.stderr}")
        src = sqlite3.connect(os.path.join(halted, "national.sqlite"))
        check(count(src, "SELECT count(*) FROM dossiers") == total - moved, "exactly the moved dossiers left the source")
        check(count(src, "SELECT count(*) FROM dossiers WHERE agency_code LIKE '%.H23' OR agency_code LIKE '%.H32'") == 0, "none of 31's or 56's is left")
        check(count(src, "SELECT count(*) FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id WHERE d.agency_code LIKE '%.H27'") == legacy_events, "Hà Tĩnh's rows stay")
        check(count(src, "SELECT count(*) FROM dossier_events WHERE dossier_id NOT IN (SELECT id FROM dossiers)") == 0, "no child is left without its parent")
        check(count(src, "SELECT count(*) FROM sqlite_master WHERE name IN ('payment_events_append_only_delete', 'audit_log_append_only_delete')") == 2, "the append-only guards are back")
        src.close()
        again = run(halted, "--cleanup")
        check(again.returncode == 0 and "nothing to do" in again.stdout, f"a cleaned-up migration run again does nothing:\n{again.stdout}{again.stderr}")
    print("test_shard_migrate: ok")


if __name__ == "__main__":
    main()
