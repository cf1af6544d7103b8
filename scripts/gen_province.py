#!/usr/bin/env python3
"""Fills a local D1 state (miniflare's SQLite files) with a province's worth of dossiers for the
dashboard's scale test: N dossiers (default 1.000.000) over the 3 years up to today across the
demo agencies and the procedures each handles, with a realistic mix of channels (online, counter,
post), statuses (mostly completed; some open, some overdue) and payments (online share rising
over time and differing by agency, seed 000's communes and seed 002's districts ahead), then
rebuilds the dashboard's counters from the dossiers with the same rule the Worker applies on
settlement (Vietnamese month of paid_at, fee-bearing dossiers only) and checks they agree.

Two modes:
- one database (the state has only `DB`): the dossiers of every demo agency go into it;
- provinces on databases of their own (`--shard NN:HNN:FILE ...`, as
  scripts/gen-province.sh --shards runs it): N dossiers per province, each into its shard's file
  (the shard schema, functions/migrations_shard), among the agencies whose code ends in `.HNN`,
  with ids that name the shard (`s31` + 30 hex, as `sharded_id` makes them). The national file
  keeps the catalog and staff; for the national roll-up it gets a root "Toàn quốc" above the
  provinces (the demo tree has none, so no single dashboard request would span two shards) and
  an admin for each province without one (`khanhhoa.admin`, the demo password).

Writes the SQLite files directly (much faster than `wrangler d1 execute`); no `wrangler dev` may
be running on the state while it runs. Usage (through scripts/gen-province.sh):
  python3 scripts/gen_province.py STATE_DIR [--dossiers N] [--seed S]
  python3 scripts/gen_province.py STATE_DIR --shard 31:H23:FILE --shard 56:H32:FILE [--dossiers N]
"""
import argparse
import datetime as dt
import os
import random
import sqlite3
import sys
import time

from local_d1 import d1_file, rebuild_counters

STATUSES_OPEN = ["received", "processing", "fee_notified", "paid", "result_ready"]


# The national roll-up's root in the bench state (the code domain::rollup's tests use) and the
# provinces' admins the demo lacks (same password as the demo's, its hash copied).
NATIONAL_ROOT = "000.00.00.QG"
PROVINCE_ADMINS = {"H32": ("stf-khanhhoa", "khanhhoa.admin", "Phan Thị Hòa (Quản trị tỉnh Khánh Hòa)")}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("state")
    ap.add_argument("--dossiers", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=2023)
    ap.add_argument("--today", default=dt.date.today().isoformat())
    ap.add_argument("--shard", action="append", default=[], metavar="NN:HNN:FILE",
                    help="a province's database: its 2025 code, the agency codes' suffix, its SQLite file")
    a = ap.parse_args()
    today = dt.date.fromisoformat(a.today)
    if not a.shard:
        path = d1_file(a.state)
        db = open_db(path)
        catalog = pairs_of(db, None)
        generate(db, catalog, a.dossiers, random.Random(a.seed), today, lambda i: f"gen-{i:07d}")
        finish(db, path)
        return
    national = open_db(d1_file(a.state))
    add_national_root(national)
    for spec in a.shard:
        code, suffix, path = spec.split(":", 2)
        catalog = pairs_of(national, suffix)
        add_province_admin(national, suffix)
        db = open_db(path)
        if db.execute("SELECT COUNT(*) FROM dossiers").fetchone()[0]:
            sys.exit(f"{path} already holds dossiers: generate into a fresh state")
        print(f"shard {code} ({suffix}): {len(catalog)} agency × procedure pairs -> {path}", flush=True)
        # A seed of its own per province, so the two do not mirror each other.
        generate(db, catalog, a.dossiers, random.Random(a.seed * 100 + int(code)), today, lambda i, c=int(code): f"s{c:02d}{i:030x}")
        finish(db, path)
    national.commit()
    national.close()


def open_db(path):
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")
    return db


def pairs_of(db, suffix):
    """(agency, procedure, online payment wired, fee-bearing, processing days, unit) of every
    agency, or of those whose code ends in `.suffix`."""
    pairs = db.execute(
        "SELECT ap.agency_code, ap.procedure_code, ap.online_payment, COALESCE(f.has_fees, 0), p.processing_days, a.unit_code "
        "FROM agency_procedures ap JOIN procedures p ON p.code = ap.procedure_code JOIN agencies a ON a.code = ap.agency_code "
        "LEFT JOIN fee_schedules f ON f.procedure_code = ap.procedure_code"
        + (" WHERE ap.agency_code LIKE ?" if suffix else ""),
        (f"%.{suffix}",) if suffix else (),
    ).fetchall()
    if not pairs:
        sys.exit(f"no agency_procedures{' for .' + suffix if suffix else ''}: load the demo data first")
    return pairs


def add_national_root(db):
    # Idempotent; parents only the provinces that have none (the demo's four).
    db.execute(
        "INSERT OR IGNORE INTO agencies (code, name, level, parent_code, unit_code, name_folded, sort_order) "
        "VALUES (?, 'Toàn quốc', 'national', NULL, NULL, 'toan quoc', -1)", (NATIONAL_ROOT,))
    db.execute("UPDATE agencies SET parent_code = ? WHERE level = 'province' AND parent_code IS NULL", (NATIONAL_ROOT,))


def add_province_admin(db, suffix):
    if suffix not in PROVINCE_ADMINS:
        return
    sid, username, name = PROVINCE_ADMINS[suffix]
    db.execute(
        "INSERT OR IGNORE INTO staff (id, username, display_name, role, password_hash, created_at) "
        "SELECT ?, ?, ?, 'admin', password_hash, created_at FROM staff WHERE username = 'haiduong.admin'", (sid, username, name))
    db.execute("INSERT OR IGNORE INTO staff_scopes (staff_id, agency_code) VALUES (?, ?)", (sid, f"000.00.00.{suffix}"))


def generate(db, pairs, n, rnd, today, id_of):
    start = today - dt.timedelta(days=3 * 365)
    span = (today - start).days
    agencies = sorted({p[0] for p in pairs})
    by_agency = {ag: [p for p in pairs if p[0] == ag] for ag in agencies}
    # Agency size (population served) and its propensity to pay online.
    size = {ag: rnd.lognormvariate(0, 0.6) for ag in agencies}
    lean = {ag: rnd.uniform(0.02, 0.25) for ag in agencies}
    for ag in agencies:
        if by_agency[ag][0][2]:  # online payment wired there (seed 000's communes, other provinces)
            lean[ag] += rnd.uniform(0.05, 0.35)
    # Some procedures dormant at some agencies (seed 001): skip ~10 % of pairs entirely.
    live = {ag: [p for p in by_agency[ag] if rnd.random() > 0.10] or by_agency[ag][:1] for ag in agencies}
    weights = [size[ag] for ag in agencies]
    proc_weight = {"1.001193": 5, "2.000815": 8, "1.004222": 3, "1.000894": 2, "1.000656": 1, "2.000884": 3, "2.001035": 2, "2.000635": 2, "1.004873": 2, "1.013831": 4}

    t0 = time.time()
    cols = ("id, code, agency_code, procedure_code, owner_citizen_id, channel, status, has_fees, applicant_json, inputs_json, "
            "submitted_at, deadline, paid_online, paid_at, created_at, updated_at")
    sql = f"INSERT INTO dossiers ({cols}) VALUES (?, ?, ?, ?, NULL, ?, ?, ?, '{{}}', '{{}}', ?, ?, ?, ?, ?, ?)"
    batch = []
    chosen_agencies = rnd.choices(agencies, weights=weights, k=n)
    for i in range(n):
        ag = chosen_agencies[i]
        ps = live[ag]
        _, proc, online_ok, has_fees, days, _ = rnd.choices(ps, weights=[proc_weight.get(p[1], 1) for p in ps])[0]
        day = start + dt.timedelta(days=rnd.randrange(span))
        progress = (day - start).days / span  # 0 → 1 over the three years: online grows
        created = dt.datetime(day.year, day.month, day.day, rnd.randrange(0, 11), rnd.randrange(60), rnd.randrange(60))  # 07:00–17:59 VN
        channel = "online" if rnd.random() < 0.25 + 0.3 * progress else ("post" if rnd.random() < 0.05 else "counter")
        deadline = day + dt.timedelta(days=max(1, days) + 2 * (max(1, days) // 5))
        age = (today - day).days
        if age > 30 or rnd.random() < 0.5:
            status = "completed"
        else:
            status = rnd.choice(STATUSES_OPEN)
        paid_online = paid_at = None
        if has_fees and status not in ("received", "fee_notified"):
            p_online = min(0.95, lean[ag] * (0.4 + 1.4 * progress) + (0.25 if channel == "online" else 0.0)) if online_ok else 0.0
            paid_online = 1 if rnd.random() < p_online else 0
            paid = created + dt.timedelta(minutes=rnd.randrange(5, 60 * 24 * 2))
            paid_at = paid.strftime("%Y-%m-%dT%H:%M:%SZ")
        stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
        batch.append((id_of(i), f"G{ag[-3:]}-{i:07d}", ag, proc, channel, status, has_fees, stamp, deadline.isoformat(),
                      paid_online, paid_at, stamp, stamp))
        if len(batch) == 50_000:
            db.executemany(sql, batch)
            batch.clear()
            print(f"  {i + 1:>9} dossiers  {time.time() - t0:6.1f} s", flush=True)
    db.executemany(sql, batch)
    db.commit()
    t1 = time.time()
    rebuild_counters(db)
    db.commit()
    check = db.execute(
        "SELECT (SELECT SUM(online) FROM payment_counters), (SELECT SUM(paid_online) FROM dossiers WHERE has_fees = 1 AND paid_at IS NOT NULL)"
    ).fetchone()
    assert check[0] == check[1], check
    print(f"{n} dossiers in {t1 - t0:.1f} s, counters rebuilt in {time.time() - t1:.1f} s", flush=True)


def finish(db, path):
    db.execute("ANALYZE")
    db.commit()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("PRAGMA journal_mode=DELETE")
    db.close()
    print(f"{path}: {os.path.getsize(path) / 1e6:.0f} MB", flush=True)


if __name__ == "__main__":
    main()
