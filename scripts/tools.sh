#!/usr/bin/env bash
# Installs whatever is missing for building and testing, from the package registries only.
# Idempotent and quick when everything is there. `tools.sh browser` also installs Chromium,
# `tools.sh bench` also wrk.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

rustup target list --installed | grep -q wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

if ! "$WASM_BINDGEN_BIN" --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\$"; then
  # No --locked: the CLI's own lock file pins a webpki-roots the registry does not serve.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi
if ! worker-build --version 2>/dev/null | grep -q "$WORKER_BUILD_VERSION"; then
  cargo install worker-build --version "$WORKER_BUILD_VERSION" --locked --force
fi
if [ ! -x node_modules/.bin/wrangler ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # `npm ci` refuses this lock file when the registry does not serve workerd's macOS/Windows
  # builds (the lock cannot list them); `npm install` then installs the same pinned tree.
  if ! npm ci --no-audit --no-fund >.npm-ci.log 2>&1; then
    echo "npm ci refused the lock file ($(grep -m1 'Missing:' .npm-ci.log || echo 'see npm log')); using npm install" >&2
    npm install --no-audit --no-fund
    touch node_modules/.package-lock.json
  fi
  rm -f .npm-ci.log
fi

# schemathesis (scripts/schemathesis.sh) in a venv of the repository's own, pinned.
SCHEMATHESIS_VERSION="4.32.5"
if ! .tools/venv/bin/schemathesis --version 2>/dev/null | grep -q " $SCHEMATHESIS_VERSION\$"; then
  python3 -m venv .tools/venv
  .tools/venv/bin/pip install -q "schemathesis==$SCHEMATHESIS_VERSION"
fi

need_apt=()
for extra in "$@"; do
  case "$extra" in
    browser) command -v chromium >/dev/null || need_apt+=(chromium) ;;
    bench) command -v wrk >/dev/null || need_apt+=(wrk) ;;
  esac
done
if [ ${#need_apt[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
fi
