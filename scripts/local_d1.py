"""What the scripts that write a local D1 file directly share (gen_province.py, gen_activity.py):
finding miniflare's SQLite file in a state directory, and rebuilding the dashboard's counters
from the dossiers with the Worker's own rules."""
import glob
import os
import sqlite3
import sys


def d1_file(state):
    """The state's national D1 file (`DB`): the only one, or the one with the agency tree when
    provinces have databases of their own (scripts/shard-config.sh)."""
    files = [f for f in glob.glob(os.path.join(state, "v3", "d1", "*", "*.sqlite")) if not f.endswith("metadata.sqlite")]
    if len(files) > 1:
        def national(f):
            db = sqlite3.connect(f)
            try:
                return db.execute("SELECT 1 FROM sqlite_master WHERE name = 'agencies'").fetchone() is not None
            finally:
                db.close()
        files = [f for f in files if national(f)]
    if len(files) != 1:
        sys.exit(f"expected one national D1 SQLite file under {state}/v3/d1, found {files}")
    return files[0]


def rebuild_counters(db):
    """Both counters from scratch, so the state is exactly what the Worker's writes would leave."""
    # The rule of motcua_domain::dashboard::counted: fee-bearing, settled, month of paid_at (UTC+7).
    db.execute("DELETE FROM payment_counters")
    db.execute(
        "INSERT INTO payment_counters (agency_code, procedure_code, month, online, other) "
        "SELECT agency_code, procedure_code, strftime('%Y-%m', paid_at, '+7 hours'), SUM(paid_online), SUM(1 - paid_online) "
        "FROM dossiers WHERE has_fees = 1 AND paid_at IS NOT NULL AND paid_online IS NOT NULL GROUP BY 1, 2, 3")
    # The rule of motcua_domain::dashboard::intake_month: Vietnamese month of submitted_at, every
    # non-draft dossier by its channel, as the dossier store keeps them.
    db.execute("DELETE FROM intake_counters")
    db.execute(
        "INSERT INTO intake_counters (agency_code, procedure_code, month, online, counter, post) "
        "SELECT agency_code, procedure_code, strftime('%Y-%m', submitted_at, '+7 hours'), "
        "SUM(channel = 'online'), SUM(channel = 'counter'), SUM(channel = 'post') "
        "FROM dossiers WHERE submitted_at IS NOT NULL AND status != 'draft' GROUP BY 1, 2, 3")
