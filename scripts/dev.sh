#!/usr/bin/env bash
# `make dev`: the whole product on http://127.0.0.1:8787 with demo data.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
state=".wrangler/state"
scripts/prepare-state.sh "$state"
# A year of activity up to yesterday, so the dashboard, the desk and the statements have a
# current year to show (once per state; about 15 s the first time, see README).
python3 scripts/gen_activity.py "$state"
cat <<'TXT'

  motcua is starting on http://127.0.0.1:8787

  Citizens (log in with the phone number; the one-time code appears at
  http://127.0.0.1:8787/dev/outbox):
    0912345678  Nguyễn Văn An   (Sơn Tây, Hà Tĩnh)
    0987654321  Trần Thị Bình   (An Thanh, Tứ Kỳ)
  Staff (password MotCua@2026, at http://127.0.0.1:8787/can-bo):
    sontay.motcua   officer, UBND xã Sơn Tây
    daison.motcua   officer, UBND xã Đại Sơn
    ngocky.motcua   officer, UBND xã Ngọc Kỳ
    tuky.lanhdao    leader,  UBND huyện Tứ Kỳ
    haiduong.admin  admin,   tỉnh Hải Dương
    dongthap.admin  admin,   tỉnh Đồng Tháp  (dashboard: http://127.0.0.1:8787/lanh-dao)
    hatinh.admin    admin,   tỉnh Hà Tĩnh    (embedding demo: http://localhost:8787/embed-demo)

TXT
# Three configs, one session: the public Worker (first: served on the port), the signing Worker
# it reaches through its service binding SIGNER, and the back-office Worker (binding BACKOFFICE:
# /api/staff, /api/admin, /api/dashboard), which reads the same .dev.vars through this link.
ln -sfn ../.dev.vars backoffice/.dev.vars
exec "$NODE22" node_modules/wrangler/bin/wrangler.js dev -c wrangler.toml -c signer/wrangler.toml -c backoffice/wrangler.toml --ip 127.0.0.1 --port "${PORT:-8787}" \
  --show-interactive-dev-session=false --persist-to "$state"
