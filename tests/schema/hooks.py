"""schemathesis hooks for motcua (scripts/schemathesis.sh): the error envelope check.

Every 4xx of the API answers `{"error": {"code", "message", "message_vi", "field"}}`; a 400 is
always about an input, so it names that input in `field`. The payment providers' callbacks
(`/api/payments/...`) answer in each provider's own format instead, and are only held to "no 5xx".
"""

import json

import schemathesis

PROVIDER_CALLBACKS = "/api/payments/"


@schemathesis.check
def error_envelope(ctx, response, case):
    """Every 4xx is the JSON error envelope, naming the field on a 400."""
    status = response.status_code
    if not 400 <= status < 500 or case.path.startswith(PROVIDER_CALLBACKS):
        return None
    try:
        body = json.loads(response.content)
    except ValueError:
        raise AssertionError(f"{status} answer is not JSON: {response.content[:200]!r}")
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        raise AssertionError(f"{status} answer has no `error` object: {body!r}"[:400])
    for key in ("code", "message", "message_vi"):
        if not isinstance(error.get(key), str) or not error[key]:
            raise AssertionError(f"{status} envelope without `error.{key}`: {error!r}"[:400])
    if status == 400 and (not isinstance(error.get("field"), str) or not error["field"]):
        raise AssertionError(f"400 envelope does not name the field: {error!r}"[:400])
    return None
