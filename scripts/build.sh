#!/usr/bin/env bash
# Builds the app into dist/ and the worker into functions/build/ (release, size-optimized).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

# The app: cargo -> wasm-bindgen -> wasm-opt (no trunk: a plain pipeline is faster and needs no
# downloads), one crate built once per bundle. Usage: bundle OUT_NAME [cargo feature flags...]
bundle() {
  local name="$1"; shift
  cargo build --profile app --target wasm32-unknown-unknown -p motcua-app "$@"
  wasm-bindgen --target web --no-typescript --out-dir dist.tmp/pkg --out-name "$name" \
    target/wasm32-unknown-unknown/app/motcua_app.wasm
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "dist.tmp/pkg/${name}_bg.wasm" -o "dist.tmp/pkg/${name}_bg.wasm"
}
rm -rf dist.tmp && mkdir -p dist.tmp/pkg
# The whole citizen app.
bundle motcua
# The staff bundle (/can-bo, /lanh-dao): the same crate with the `staff` feature, so the
# citizen's first load never carries the desk and the dashboard.
bundle motcua_staff --no-default-features --features staff
cp -r public/. dist.tmp/
cp style/*.css dist.tmp/
# The font receipts are drawn with (Vietnamese needs a Unicode font), read by the Worker.
mkdir -p dist.tmp/fonts && cp node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf dist.tmp/fonts/
# The API's OpenAPI document (functions/openapi.json, `make openapi`), served by the Worker at
# /api/openapi.json from the assets rather than from its own bundle.
cp functions/openapi.json dist.tmp/openapi.json
# Version the shell by content so browsers and the service worker never mix two releases. The
# landing pages the Worker writes (functions/src/pages) link the same versioned CSS and page.js:
# the Worker is built with the version below.
version="$(cat dist.tmp/pkg/*.wasm dist.tmp/pkg/*.js dist.tmp/*.css dist.tmp/page.js | sha256sum | cut -c1-12)"
sed -i "s/__VERSION__/$version/g" dist.tmp/index.html dist.tmp/can-bo/index.html
[ -f dist.tmp/sw.js ] && sed -i "s/__VERSION__/$version/g" dist.tmp/sw.js
rm -rf dist && mv dist.tmp dist

# The worker. Development and tests build the providers' sandbox in (`sandbox` feature, still
# routed only with SANDBOX=1); `make deploy` sets PRODUCTION=1 and the sandbox is not compiled.
# The back-office Worker (backoffice/wrangler.toml) is the same crate with the `backoffice`
# feature, built into functions/build-backoffice/.
export MOTCUA_ASSET_VERSION="$version"
if [ "${PRODUCTION:-0}" = 1 ]; then
  worker-build --release functions >/dev/null
  worker-build --release -d build-backoffice functions --features backoffice >/dev/null
else
  worker-build --release functions --features sandbox >/dev/null
  worker-build --release -d build-backoffice functions --features sandbox,backoffice >/dev/null
fi
# The signing Worker (signer/wrangler.toml), bound to the main one as SIGNER: the same build for
# development and production (it has no sandbox; the sandbox CA is the main Worker's).
worker-build --release signer --features worker >/dev/null
echo "built app $version and workers"
