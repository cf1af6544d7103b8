"""Logs in a demo citizen (OTP read from the SANDBOX outbox) and a demo staff member on the
server at BASE, gives the citizen a submitted dossier and a multipart upload, and writes a
schemathesis config (TOML) to OUT: the `Cookie` header carrying both sessions, and real
identifiers for the operations whose path names one, so they are fuzzed past the 404.
Usage: python3 tests/schema/login.py BASE STAFF_USERNAME CITIZEN_PHONE OUT"""

import json
import re
import sys
import time
import urllib.request

base, username, phone, out = sys.argv[1:5]


def call(method, path, body=None, cookie=None):
    data = None if body is None else json.dumps(body).encode()
    headers = {"content-type": "application/json"}
    if cookie:
        headers["cookie"] = cookie
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers)
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
both = f"{cookie(citizen_cookies, 'motcua_session')}; {cookie(staff_cookies, 'motcua_staff')}"


def find(nodes, name):
    for n in nodes:
        if n["name"] == name:
            return n["code"]
        found = find(n.get("children", []), name)
        if found:
            return found
    return None


_, tree = call("GET", "/api/agencies")
agency = find(tree, "UBND xã Sơn Tây")
procedure = "2.000815"
_, dossier = call("POST", "/api/dossiers", {
    "agency": agency,
    "procedure": procedure,
    "applicant": {"full_name": "Nguyễn Văn Thử", "id_number": "042090001234", "phone": phone, "address": "Thôn 1"},
    "inputs": {"pages": 5, "copies": 3},
}, cookie=both)
_, upload = call("POST", "/api/uploads/multipart", {"name": "scan.pdf", "size": 12000000, "content_type": "application/pdf"}, cookie=both)


def operations(regex, **params):
    pairs = ", ".join(f'"path.{k}" = {json.dumps(v)}' for k, v in params.items())
    return f"[[operations]]\ninclude-path-regex = {json.dumps(regex)}\nparameters = {{ {pairs} }}\n\n"


with open(out, "w") as f:
    f.write(f"[headers]\nCookie = {json.dumps(both)}\n\n")
    f.write(operations(r"^/api/(staff/)?dossiers/\{id\}", id=dossier["id"]))
    f.write(operations(r"^/api/uploads/multipart/\{id\}", id=upload["id"]))
    f.write(operations(r"^/api/procedures/\{code\}$|^/api/admin/procedures/\{code\}", code=procedure))
    f.write(operations(r"^/api/admin/agencies/\{code\}(/[a-z-]+)?$", code=agency))
    f.write(operations(r"^/api/admin/agencies/\{code\}/procedures/", code=agency, procedure=procedure))
