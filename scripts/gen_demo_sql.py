#!/usr/bin/env python3
"""Generates functions/seed/demo.sql, the demo data that `make dev` and the tests load.

Inputs are the real reference data in functions/seed/data/ (administrative units with GSO codes,
procedures with national codes, bank BINs; see SOURCES.md and NOTES.md there) and the fee
schedules in domain/data/fee_schedules.json. The output only uses INSERT OR IGNORE / INSERT OR
IGNORE, so loading it twice changes nothing. Run: python3 scripts/gen_demo_sql.py
"""
import base64
import csv
import hashlib
import json
import os
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "functions", "seed", "data")
OUT = os.path.join(ROOT, "functions", "seed", "demo.sql")
SCHEDULES = os.path.join(ROOT, "domain", "data", "fee_schedules.json")

# Provinces of the seed documents and their letter-number part of the agency identifier code
# (QCVN 102:2016/BTTTT); see domain/src/codes.rs for the source of these values.
PROVINCE_SUFFIX = {"30": "H23", "87": "H20", "56": "H32", "42": "H27"}

# The communes seed 000 names as already paying online (GSO spells Bình Lãng "Bình Lăng").
SEED000_ONLINE = {"11083", "11089", "11092", "11101", "11095", "11116", "11125", "11134"}
SON_TAY = "18172"
DEMO_PASSWORD = "MotCua@2026"  # development only; printed by `make dev`, documented in README


def fold(s):
    s = s.replace("đ", "d").replace("Đ", "D")
    s = "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn")
    return " ".join(s.lower().split())


def q(v):
    if v is None:
        return "NULL"
    if isinstance(v, (int, float)):
        return str(v)
    return "'" + str(v).replace("'", "''") + "'"


def upsert(table, values, key):
    """INSERT ... ON CONFLICT DO UPDATE: re-running updates rows in place (no delete, so the
    foreign keys of rows that point at them stay valid)."""
    cols = list(values)
    updates = ", ".join(f"{c} = excluded.{c}" for c in cols if c not in key)
    action = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
    return (f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join(q(values[c]) for c in cols)}) "
            f"ON CONFLICT ({', '.join(key)}) {action};")


def agency_name(level, name):
    """'Xã Sơn Tây' -> 'UBND xã Sơn Tây': the agency is the People's Committee of the unit."""
    kind, _, rest = name.partition(" ")
    if name.startswith("Thị trấn") or name.startswith("Thị xã") or name.startswith("Thành phố"):
        kind, rest = name.split(" ", 2)[0] + " " + name.split(" ", 2)[1], name.split(" ", 2)[2]
    return f"UBND {kind[0].lower() + kind[1:]} {rest}"


DEV_KEK = "dev-2026:bW90Y3VhLWRldi1jcmVkZW50aWFscy1rZWstMDAwMDE="  # .dev.vars.example CREDENTIALS_KEK
SECRET_FIELDS = {"hash_secret", "access_key", "secret_key", "key1", "key2", "secret", "webhook_secret"}


def sealed_merchants(agency, merchants):
    """Rows of gateway_credentials as functions/src/payment/merchants.rs seals them: AES-256-GCM,
    iv || ciphertext || tag in base64, associated data motcua/gateway/{agency}/{provider}."""
    try:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    except ImportError:
        raise SystemExit("make demo-sql needs the Python package cryptography: pip install cryptography")
    key_id, key_b64 = DEV_KEK.split(":", 1)
    aead = AESGCM(base64.b64decode(key_b64))
    rows = []
    for provider, values in merchants.items():
        plain = json.dumps(values, separators=(",", ":")).encode()
        # A distinct IV per (agency, provider) keeps the file stable between runs.
        iv = hashlib.sha256(f"demo-iv:{agency}:{provider}".encode()).digest()[:12]
        sealed = base64.b64encode(iv + aead.encrypt(iv, plain, f"motcua/gateway/{agency}/{provider}".encode())).decode()
        masked = {k: ({"set": True, "length": len(v)} if k in SECRET_FIELDS else v) for k, v in values.items()}
        merchant_id = next((v for k, v in values.items() if k not in SECRET_FIELDS), "webhook")
        rows.append(upsert("gateway_credentials", {"agency_code": agency, "provider": provider, "merchant_id": merchant_id,
                                                   "masked_json": json.dumps(masked, separators=(",", ":")), "sealed": sealed,
                                                   "key_id": key_id, "updated_at": "2026-12-06T00:00:00Z",
                                                   "updated_by": "demo-data"}, ["agency_code", "provider"]))
    return rows


def main():
    units = list(csv.DictReader(open(os.path.join(DATA, "units_2023.csv"), encoding="utf-8")))
    procs = list(csv.DictReader(open(os.path.join(DATA, "procedures.csv"), encoding="utf-8")))
    schedules = json.load(open(SCHEDULES, encoding="utf-8")) if os.path.exists(SCHEDULES) else []

    # Agency identifier codes, the convention of motcua_domain::codes::agency_code_for_unit:
    # province 000.00.00.Hnn, district 000.00.(50+ordinal).Hnn, commune 000.(ordinal).Y.Hnn,
    # ordinals in GSO order within the parent (a test checks every code parses).
    code_of, province_of = {}, {}
    child_counter = {}
    for u in units:
        if u["level"] == "province":
            province_of[u["code"]] = u["code"]
            code_of[u["code"]] = f"000.00.00.{PROVINCE_SUFFIX[u['code']]}"
        else:
            parent = u["parent_code"]
            province_of[u["code"]] = province_of[parent]
            n = child_counter[parent] = child_counter.get(parent, 0) + 1
            suffix = PROVINCE_SUFFIX[province_of[u["code"]]]
            if u["level"] == "district":
                code_of[u["code"]] = f"000.00.{50 + n:02d}.{suffix}"
            else:
                district_part = code_of[parent].split(".")[2]
                code_of[u["code"]] = f"000.{n:02d}.{district_part}.{suffix}"

    out = ["-- Generated by scripts/gen_demo_sql.py from functions/seed/data and domain/data. Do not edit.",
           "PRAGMA foreign_keys = ON;"]
    for i, u in enumerate(units):
        parent = code_of.get(u["parent_code"]) if u["parent_code"] else None
        name = agency_name(u["level"], u["name"])
        # Tax codes (MST) are made up (SOURCES.md): 10 digits from the unit code, for receipts.
        out.append(upsert("agencies", {"code": code_of[u["code"]], "name": name, "level": u["level"], "parent_code": parent,
                                       "unit_code": u["code"], "name_folded": fold(name + " " + u["name"]), "sort_order": i,
                                       "tax_code": "08" + u["code"].rjust(8, "0")}, ["code"]))

    documents = {
        "2.000815": ["Bản chính giấy tờ, văn bản làm cơ sở để chứng thực bản sao", "Bản sao cần chứng thực (nếu người yêu cầu tự chuẩn bị)"],
        "2.000884": ["Giấy tờ tùy thân còn giá trị sử dụng (CCCD/CMND/Hộ chiếu)", "Giấy tờ, văn bản mà mình sẽ ký"],
        "2.001035": ["Dự thảo hợp đồng, giao dịch", "Bản sao giấy tờ tùy thân của người yêu cầu chứng thực", "Bản sao giấy chứng nhận quyền sở hữu, quyền sử dụng"],
        "1.001193": ["Tờ khai đăng ký khai sinh theo mẫu", "Giấy chứng sinh (hoặc văn bản của người làm chứng)"],
        "1.000894": ["Tờ khai đăng ký kết hôn theo mẫu", "Giấy xác nhận tình trạng hôn nhân (nếu đăng ký tại nơi không thường trú)"],
        "1.000656": ["Tờ khai đăng ký khai tử theo mẫu", "Giấy báo tử hoặc giấy tờ thay thế Giấy báo tử"],
        "2.000635": ["Tờ khai cấp bản sao trích lục hộ tịch theo mẫu"],
        "1.004873": ["Tờ khai cấp Giấy xác nhận tình trạng hôn nhân theo mẫu"],
        "1.004222": ["Tờ khai thay đổi thông tin cư trú (mẫu CT01)", "Giấy tờ, tài liệu chứng minh chỗ ở hợp pháp"],
        "1.013831": ["Đơn đăng ký biến động đất đai, tài sản gắn liền với đất", "Hợp đồng, văn bản về chuyển nhượng, thừa kế, tặng cho", "Bản gốc Giấy chứng nhận đã cấp", "Tờ khai lệ phí trước bạ"],
    }
    for p in procs:
        level = "district" if p["level"].startswith("Cấp huyện") else "commune"
        out.append(upsert("procedures", {"code": p["code"], "name": p["name"], "name_folded": fold(p["name"]), "level": level,
                                         "level_label": p["level"], "processing_days": int(p["processing_days"]),
                                         "documents": json.dumps(documents.get(p["code"], []), ensure_ascii=False),
                                         "legal_basis": p["legal_basis"], "fee_text": p["fee_text"], "field": p["field"]}, ["code"]))

    for s in schedules:
        code = s["procedure"]
        has_fees = any(v.get("lines") for v in s.get("versions", []))
        out.append(upsert("fee_schedules", {"procedure_code": code, "has_fees": 1 if has_fees else 0,
                                            "schedule_json": json.dumps(s, ensure_ascii=False, separators=(",", ":"))}, ["procedure_code"]))

    for u in units:
        level = u["level"]
        online = u["code"] in SEED000_ONLINE or province_of[u["code"]] in ("42", "87", "56")
        for p in procs:
            plevel = "district" if p["level"].startswith("Cấp huyện") else "commune"
            if plevel != level:
                continue
            out.append(upsert("agency_procedures", {"agency_code": code_of[u["code"]], "procedure_code": p["code"],
                                                    "online_payment": 1 if online else 0}, ["agency_code", "procedure_code"]))

    # Beneficiary accounts (demo numbers, SOURCES.md) for the agencies that pay online; the other
    # Tứ Kỳ communes deliberately have none, as seed 000 reports. Each gets its collection
    # account for phí and, for lệ phí, the account of its district's State Treasury (Kho bạc Nhà
    # nước): a district treasury serves the communes of its district.
    bins = {r["short_name"]: r["bin"] for r in csv.DictReader(open(os.path.join(DATA, "banks.csv"), encoding="utf-8"))}
    unit_by_code = {u["code"]: u for u in units}
    for u in units:
        if u["level"] == "province":
            continue
        if u["code"] in SEED000_ONLINE or u["code"] == SON_TAY or u["level"] == "district":
            bank = "Agribank" if province_of[u["code"]] == "42" else "VietinBank"
            name = agency_name(u["level"], u["name"])
            out.append(upsert("agency_accounts", {"agency_code": code_of[u["code"]], "purpose": "phi", "holder_name": name,
                                                  "bank_bin": bins[bank], "account_number": "3713" + u["code"].rjust(8, "0"),
                                                  "account_name": fold(name).upper(), "budget_items": "{}",
                                                  "updated_at": "2026-12-06T00:00:00Z"}, ["agency_code", "purpose"]))
            district = u if u["level"] == "district" else unit_by_code[u["parent_code"]]
            treasury = "Kho bạc Nhà nước " + district["name"].replace("Huyện ", "").replace("Thị xã ", "").replace("Thành phố ", "")
            # Tiểu mục 2771 (lệ phí hộ tịch) and chương 805 are assumptions (money/FACTS.md §3):
            # a province sets its own through PUT /api/admin/agencies/{code}/accounts.
            out.append(upsert("agency_accounts", {"agency_code": code_of[u["code"]], "purpose": "le_phi", "holder_name": treasury,
                                                  "treasury_code": f"{int(district['code']) % 10000:04d}", "bank_bin": bins["BIDV"],
                                                  "account_number": "7111" + district["code"].rjust(8, "0"),
                                                  "account_name": fold(treasury).upper(), "chapter": "805",
                                                  "budget_items": json.dumps({"le_phi": "2771"}), "updated_at": "2026-12-06T00:00:00Z"},
                              ["agency_code", "purpose"]))

    # Đại Sơn's own sandbox merchant at every provider (Sơn Tây and Ngọc Kỳ use the deployment's
    # from .dev.vars.example), sealed like PUT /api/admin/agencies/{code}/gateways/{provider}
    # does, under the development key-encryption key of .dev.vars.example.
    out.extend(sealed_merchants(code_of["11083"], {
        "vnpay": {"tmn_code": "DAISON01", "hash_secret": "DAISONDEVVNPAYHASHSECRET00000001"},
        "momo": {"partner_code": "MOMODAISON", "access_key": "DAISONMOMOACCESS", "secret_key": "daison-dev-momo-secret-key-000001"},
        "zalopay": {"app_id": "2554", "key1": "daison-dev-zalopay-key1-00000001", "key2": "daison-dev-zalopay-key2-00000001"},
        "paygov": {"partner_code": "DAISON", "secret": "daison-dev-paygov-secret"},
        "vietqr": {"webhook_secret": "daison-dev-bank-webhook-secret"},
    }))

    citizens = [("cit-an", "0912345678", "Nguyễn Văn An", "042090001234", "an.nguyen@example.vn", "Thôn Tân Hương, xã Sơn Tây, huyện Hương Sơn, tỉnh Hà Tĩnh"),
                ("cit-binh", "0987654321", "Trần Thị Bình", "030185004321", None, "Thôn An Thanh, xã An Thanh, huyện Tứ Kỳ, tỉnh Hải Dương")]
    for c in citizens:
        out.append("INSERT OR IGNORE INTO citizens (id, phone, full_name, citizen_id, email, address, created_at) VALUES "
                   f"({', '.join(q(v) for v in c)}, '2026-01-01T00:00:00Z');")

    staff = [("stf-sontay", "sontay.motcua", "Lê Thị Hoa (Một cửa xã Sơn Tây)", "officer", [SON_TAY]),
             ("stf-daison", "daison.motcua", "Phạm Văn Đức (Một cửa xã Đại Sơn)", "officer", ["11083"]),
             ("stf-ngocky", "ngocky.motcua", "Vũ Thị Lan (Một cửa xã Ngọc Kỳ)", "officer", ["11089"]),
             ("stf-tuky", "tuky.lanhdao", "Nguyễn Văn Hùng (Lãnh đạo UBND huyện Tứ Kỳ)", "leader", ["298"]),
             ("stf-haiduong", "haiduong.admin", "Trần Minh Quân (Quản trị tỉnh Hải Dương)", "admin", ["30"]),
             ("stf-dongthap", "dongthap.admin", "Lê Văn Tâm (Quản trị tỉnh Đồng Tháp)", "admin", ["87"]),
             ("stf-hatinh", "hatinh.admin", "Nguyễn Thị Hà (Quản trị tỉnh Hà Tĩnh)", "admin", ["42"]),
             # The national admin: the national catalog (procedures, national fee versions), and
             # every province's agencies (the Worker gives the role every agency, so a province
             # added later is in scope too; the rows say so for a reader of the table).
             ("stf-quocgia", "quocgia.admin", "Đỗ Quốc Gia (Quản trị cấp quốc gia)", "national",
              [u["code"] for u in units if u["level"] == "province"])]
    for sid, username, display, role, scopes in staff:
        # Deterministic salt so the file is stable; real accounts get random salts.
        salt = hashlib.sha256(("motcua-demo-salt:" + username).encode()).digest()[:16]
        digest = hashlib.pbkdf2_hmac("sha256", DEMO_PASSWORD.encode(), salt, 100_000)
        pw = f"pbkdf2-sha256$100000${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"
        out.append("INSERT OR IGNORE INTO staff (id, username, display_name, role, password_hash, created_at) VALUES "
                   f"({q(sid)}, {q(username)}, {q(display)}, {q(role)}, {q(pw)}, '2026-01-01T00:00:00Z');")
        for s in scopes:
            out.append(f"INSERT OR IGNORE INTO staff_scopes (staff_id, agency_code) VALUES ({q(sid)}, {q(code_of[s])});")

    # Bills without a dossier (issue #16) for the demo citizen Nguyễn Văn An (CCCD 042090001234):
    # a traffic fine and a land notice of xã Sơn Tây, open and due 20 days after the seed runs (so
    # "Khoản phải nộp của tôi" and /nop-phi show them whenever `make dev` starts), and a payment
    # link. Their codes carry 1 December 2026: the sequences of later days never meet them.
    st = code_of[SON_TAY]
    def line(i, name, amount, kind, item):
        return {"code": f"tm{item}" if item else f"line{i + 1}", "name": name, "kind": kind, "quantity": 1, "unit_price": amount,
                "amount": amount, "beneficiary": "Ngân sách nhà nước (Kho bạc Nhà nước)" if kind == "le_phi" else "Tài khoản của cơ quan thu",
                "legal_basis": "", **({"detail_vi": f"Tiểu mục {item}"} if item else {})}
    demo_bills = [
        ("bill-demo-fine", "fine", f"{st}-P261201-0001", "Nguyễn Văn An", "042090001234", "0912345678",
         {"number": "15/QĐ-XPHC", "date": "2026-12-01", "violation": "Điều khiển xe mô tô không đội mũ bảo hiểm (điểm i khoản 2 Điều 6 NĐ 100/2019/NĐ-CP)", "issued_by": "Trần Văn Bình"},
         [line(0, "Tiền phạt vi phạm hành chính", 400000, "le_phi", "4254")]),
        ("bill-demo-land", "land_obligation", f"{st}-D261201-0001", "Nguyễn Văn An", "042090001234", "0912345678",
         {"number": "TB-1203/CCT-HS", "date": "2026-12-01"},
         [line(0, "Lệ phí trước bạ nhà, đất", 1800000, "le_phi", "2801"), line(1, "Tiền sử dụng đất", 24000000, "le_phi", "1401")]),
    ]
    for bid, kind, bcode, name, pid, phone, doc, lines in demo_bills:
        total = sum(l["amount"] for l in lines)
        out.append("INSERT OR IGNORE INTO bills (id, kind, code, agency_code, payer_name, payer_id, payer_phone, document_number, document_json, "
                   "total, lines_json, due_date, status, created_by, created_at) VALUES "
                   f"({q(bid)}, {q(kind)}, {q(bcode)}, {q(st)}, {q(name)}, {q(pid)}, {q(phone)}, {q(doc['number'])}, "
                   f"{q(json.dumps(doc, ensure_ascii=False))}, {total}, {q(json.dumps(lines, ensure_ascii=False))}, "
                   "date('now', '+7 hours', '+20 days'), 'open', 'staff:stf-sontay', '2026-12-01T02:00:00Z');")
    out.append(upsert("payment_links", {"slug": "phi-trong-giu-xe-son-tay", "agency_code": st, "title": "Phí trông giữ xe tại UBND xã Sơn Tây",
                                        "description": "Người gửi xe nhập biển số và số tiền theo vé được phát.", "reference_label": "Biển số xe",
                                        "amount": None, "min_amount": 2000, "max_amount": 200000, "line_name": "Phí trông giữ xe",
                                        "beneficiary": "co_quan", "budget_item": None, "active": 1, "created_by": "staff:stf-sontay",
                                        "created_at": "2026-12-01T02:00:00Z"}, ["slug"]))

    # The mock commune portal public/embed-demo.html, opened as http://localhost:8787/...: a
    # different origin (and site) from the app's http://127.0.0.1:8787, as a real portal is.
    out.append("INSERT OR IGNORE INTO embed_origins (agency_code, origin) VALUES "
               f"({q(code_of[SON_TAY])}, 'http://localhost:8787');")

    with open(OUT, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    print(f"wrote {OUT}: {len(out)} statements")


if __name__ == "__main__":
    main()
