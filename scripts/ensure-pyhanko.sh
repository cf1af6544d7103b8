#!/usr/bin/env bash
# pyHanko, the independent PDF-signature validator the signing tests use (scripts/validate_pdf.py),
# in a venv of the repository's own under .tools/, pinned. Idempotent: quick when present.
set -euo pipefail
cd "$(dirname "$0")/.."
PYHANKO_VERSION="0.38.0"
venv=".tools/pyhanko"
if ! "$venv/bin/python" -c "import pyhanko, sys; sys.exit(pyhanko.__version__ != '$PYHANKO_VERSION')" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "pyHanko==$PYHANKO_VERSION"
fi
