"""Logs in a demo citizen (OTP read from the SANDBOX outbox) and a demo staff member on the
server at BASE; prints one `Cookie:` header value carrying both sessions.
Usage: python3 tests/schema/login.py BASE STAFF_USERNAME CITIZEN_PHONE"""

import json
import re
import sys
import time
import urllib.request

base, username, phone = sys.argv[1:4]


def call(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method, headers={"content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return resp.headers.get_all("Set-Cookie") or [], json.loads(resp.read() or b"null")


def cookie(set_cookies, name):
    for c in set_cookies:
        if c.startswith(name + "="):
            return c.split(";", 1)[0]
    raise SystemExit(f"no {name} cookie in {set_cookies}")


staff_cookies, _ = call("POST", "/api/staff/login", {"username": username, "password": "MotCua@2026"})
_, before = call("GET", f"/dev/outbox.json?to={phone}")
last = max([m["id"] for m in before], default=0)
call("POST", "/api/auth/otp/request", {"phone": phone})
deadline = time.time() + 30
code = None
while code is None:
    _, outbox = call("GET", f"/dev/outbox.json?to={phone}")
    fresh = [m for m in outbox if m["id"] > last]
    if fresh:
        code = re.search(r"\d{6}", fresh[0]["body"]).group(0)
    elif time.time() > deadline:
        raise SystemExit(f"no code reached the outbox for {phone}")
    else:
        time.sleep(0.3)
citizen_cookies, _ = call("POST", "/api/auth/otp/verify", {"phone": phone, "code": code})
print(f"{cookie(citizen_cookies, 'motcua_session')}; {cookie(staff_cookies, 'motcua_staff')}")
