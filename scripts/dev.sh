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
# Issue #20: the demo's provinces on databases of their own, as a deployment has them: Hải Phòng
# (31, with Hải Dương's communes), Khánh Hòa (56) and Đồng Tháp (82); Hà Tĩnh (42) is the legacy
# shard and stays in DB. The first start moves their rows out of DB (scripts/shard_migrate.py:
# verified, then cleaned up); later starts find nothing to do. `SHARDS= make dev` keeps one D1.
IFS=, read -r -a shards <<< "${SHARDS-31,56,82}"
main_config=wrangler.toml
backoffice_config=backoffice/wrangler.toml
if [ ${#shards[@]} -gt 0 ]; then
  source scripts/shard-config.sh
  # Beside the committed configs, so that their relative paths hold (gitignored).
  main_config=.wrangler.shards-dev.toml
  backoffice_config=backoffice/.wrangler.shards-dev.toml
  { cat wrangler.toml; shard_bindings functions/migrations_shard "${shards[@]}"; } > "$main_config"
  { cat backoffice/wrangler.toml; shard_bindings ../functions/migrations_shard "${shards[@]}"; } > "$backoffice_config"
  mapfile -t specs < <(shard_files "$state" "$main_config" "${shards[@]}")
  [ ${#specs[@]} = ${#shards[@]} ] || exit 1
  national="$(python3 -c 'import sys; sys.path.insert(0, "scripts"); import local_d1; print(local_d1.d1_file(sys.argv[1]))' "$state")"
  python3 scripts/shard_migrate.py --source "$national" $(printf -- '--shard %s ' "${specs[@]}") --legacy 42 \
    --manifests "$state/shard-manifests" --cleanup | grep -v '^  '
fi
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
exec "$NODE22" node_modules/wrangler/bin/wrangler.js dev -c "$main_config" -c signer/wrangler.toml -c "$backoffice_config" --ip 127.0.0.1 --port "${PORT:-8787}" \
  --show-interactive-dev-session=false --persist-to "$state"
