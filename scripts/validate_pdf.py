#!/usr/bin/env python3
"""Validates the last signature of a PDF with pyHanko (an independent validator), trusting only
the given root: prints {"intact", "valid", "trusted", "coverage", "summary"} as JSON and exits 0
only when the signature is intact, valid, trusted and covers the entire file.

Usage: .tools/pyhanko/bin/python scripts/validate_pdf.py --trust CA.pem FILE.pdf
(scripts/ensure-pyhanko.sh installs the venv). No revocation check: the test CA has none.
"""
import argparse
import json
import sys
import warnings

warnings.simplefilter("ignore")  # cryptography's deprecation notes are not verdicts

from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trust", required=True, help="PEM or DER root certificate to trust")
    parser.add_argument("pdf")
    args = parser.parse_args()
    result = {"intact": False, "valid": False, "trusted": False, "coverage": None, "summary": None}
    try:
        root = load_cert_from_pemder(args.trust)
        context = ValidationContext(trust_roots=[root], allow_fetching=False, revocation_mode="soft-fail")
        with open(args.pdf, "rb") as f:
            signatures = PdfFileReader(f, strict=False).embedded_signatures
            if not signatures:
                result["summary"] = "no signature"
            else:
                status = validate_pdf_signature(signatures[-1], context)
                result.update(
                    intact=bool(status.intact),
                    valid=bool(status.valid),
                    trusted=bool(status.trusted),
                    coverage=status.coverage.name if status.coverage else None,
                    summary=status.summary(),
                )
    except Exception as e:  # noqa: BLE001 - any failure is a refusal
        result["summary"] = f"error: {type(e).__name__}: {e}"
    print(json.dumps(result))
    ok = result["intact"] and result["valid"] and result["trusted"] and result["coverage"] == "ENTIRE_FILE"
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
