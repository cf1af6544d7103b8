// Set-ups of the routes in scripts/bench.sh that need state, on the machine's Node 20 (no
// dependencies). They drive the API as tests/api/support.rs and tests/api/payments.rs do and
// print what the harness needs on stdout.
//
//   citizen-login BASE PHONE     a citizen session by the one-time code read from the development
//                                outbox; prints "motcua_session=…" (the Cookie value)
//   staff-login BASE USERNAME    a staff session with the demo password; prints "motcua_staff=…"
//   ipn BASE N OUTDIR [CPU_N]    N + CPU_N + 1 VNPay payment attempts (submit as a citizen, receive
//                                and fee-notice as the commune's officer, start the payment as the
//                                citizen), each with a valid signed success IPN; writes
//                                OUTDIR/ipn-first.txt (one IPN for the smoke request),
//                                OUTDIR/ipn.lua (wrk: the N others, each sent once before any
//                                repeats, and a count of RspCode 00 / 02 / other) and
//                                OUTDIR/ipn-cpu.txt (CPU_N more IPN paths, for the CPU figure)
import { readFileSync, writeFileSync } from "node:fs";
import { createHmac } from "node:crypto";
import { join } from "node:path";

const [cmd, ...args] = process.argv.slice(2);
const PASSWORD = "MotCua@2026";
const AGENCY = "000.10.51.H27"; // UBND xã Sơn Tây
const OFFICER = "sontay.motcua";
const PROCEDURE = "2.000815";

export const dossierBody = (phone) => ({
  agency: AGENCY,
  procedure: PROCEDURE,
  applicant: { full_name: "Nguyễn Văn An", id_number: "042090001234", phone, address: "Thôn Tân Hương, xã Sơn Tây" },
  inputs: { pages: 5, copies: 3 },
});

const cookieOf = (resp, name) => {
  for (const v of resp.headers.getSetCookie()) {
    const pair = v.split(";")[0].trim();
    if (pair.startsWith(`${name}=`)) return pair;
  }
  throw new Error(`no ${name} cookie (HTTP ${resp.status})`);
};

async function call(base, method, path, { cookie, body, headers = {} } = {}) {
  const h = { ...headers };
  if (cookie) h.cookie = cookie;
  if (body !== undefined) h["content-type"] = "application/json";
  const resp = await fetch(base + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await resp.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return { resp, status: resp.status, json, text };
}

async function expect(base, method, path, status, opts) {
  const r = await call(base, method, path, opts);
  if (r.status !== status) throw new Error(`${method} ${path}: HTTP ${r.status}, expected ${status}: ${r.text.slice(0, 300)}`);
  return r;
}

async function citizenLogin(base, phone) {
  const outbox = async () => (await expect(base, "GET", `/dev/outbox.json?to=${phone}`, 200)).json;
  const before = (await outbox())[0]?.id ?? 0;
  await expect(base, "POST", "/api/auth/otp/request", 202, { body: { phone }, headers: { "CF-Connecting-IP": "127.0.0.9" } });
  const deadline = Date.now() + 20_000;
  for (;;) {
    const m = (await outbox()).find((m) => (m.id ?? 0) > before);
    if (m) {
      const code = /\d{6}/.exec(m.body)?.[0];
      if (!code) throw new Error(`no code in SMS ${m.body}`);
      const r = await expect(base, "POST", "/api/auth/otp/verify", 200, { body: { phone, code } });
      return cookieOf(r.resp, "motcua_session");
    }
    if (Date.now() > deadline) throw new Error(`no SMS reached the outbox for ${phone}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function staffLogin(base, username) {
  const r = await expect(base, "POST", "/api/staff/login", 200, { body: { username, password: PASSWORD } });
  return cookieOf(r.resp, "motcua_staff");
}

// ---- VNPay IPN, signed as tests/api/callbacks.rs does with the sandbox's `callback_query` --------
const devVars = () =>
  Object.fromEntries(
    readFileSync(".dev.vars.example", "utf8")
      .split("\n")
      .map((l) => /^([A-Z0-9_]+)=(.*)$/.exec(l.trim()))
      .filter(Boolean)
      .map((m) => [m[1], m[2].replace(/^"|"$/g, "")]),
  );

// PHP's urlencode, as `motcua_domain::gateway::form_encode`: A-Z a-z 0-9 - _ . kept, space as +,
// every other byte %XX in upper case.
const formEncode = (s) =>
  [...Buffer.from(String(s), "utf8")]
    .map((b) => {
      const c = String.fromCharCode(b);
      if (/[A-Za-z0-9\-_.]/.test(c)) return c;
      if (b === 0x20) return "+";
      return "%" + b.toString(16).toUpperCase().padStart(2, "0");
    })
    .join("");

const gmt7Compact = (d) => new Date(d.getTime() + 7 * 3600_000).toISOString().replace(/[-:T]/g, "").slice(0, 14);

function ipnPath(vars, reference, total, i) {
  const p = {
    vnp_Amount: String(total * 100),
    vnp_BankCode: "NCB",
    vnp_BankTranNo: `VNP${14500000 + i}`,
    vnp_CardType: "ATM",
    vnp_OrderInfo: `Thanh toan ho so ${reference}`,
    vnp_PayDate: gmt7Compact(new Date()),
    vnp_ResponseCode: "00",
    vnp_TmnCode: vars.VNPAY_TMN_CODE,
    vnp_TransactionNo: String(14500000 + i),
    vnp_TransactionStatus: "00",
    vnp_TxnRef: reference,
  };
  const data = Object.keys(p)
    .sort()
    .map((k) => `${formEncode(k)}=${formEncode(p[k])}`)
    .join("&");
  const hash = createHmac("sha512", vars.VNPAY_HASH_SECRET).update(data).digest("hex");
  return `/api/payments/vnpay/ipn?${data}&vnp_SecureHash=${hash}`;
}

async function ipn(base, n, outdir, cpuN = 0) {
  n = Number(n);
  cpuN = Number(cpuN);
  const vars = devVars();
  const phone = "0987654321";
  const citizen = await citizenLogin(base, phone);
  const officer = await staffLogin(base, OFFICER);
  const documents = (await expect(base, "GET", `/api/procedures/${PROCEDURE}`, 200)).json.documents;
  const total = 1 + n + cpuN;
  const paths = new Array(total);
  let next = 0;
  const t0 = Date.now();
  const worker = async () => {
    for (let i = next++; i < total; i = next++) {
      const d = (await expect(base, "POST", "/api/dossiers", 201, { cookie: citizen, body: dossierBody(phone) })).json;
      await expect(base, "POST", `/api/staff/dossiers/${d.id}/actions`, 200, { cookie: officer, body: { action: "receive", documents } });
      const fee = (await expect(base, "POST", `/api/staff/dossiers/${d.id}/fee-notice`, 200, { cookie: officer, body: {} })).json;
      const pay = (await expect(base, "POST", `/api/dossiers/${d.id}/payments`, 201, { cookie: citizen, body: { provider: "vnpay" } })).json;
      paths[i] = ipnPath(vars, pay.payment.reference, fee.fee_notice.total, i);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  const secs = (Date.now() - t0) / 1000;
  writeFileSync(join(outdir, "ipn-first.txt"), paths[0] + "\n");
  writeFileSync(join(outdir, "ipn-cpu.txt"), paths.slice(1 + n).join("\n") + "\n");
  const load = paths.slice(1, 1 + n);
  // Each wrk thread has its own Lua state: thread k of T sends the IPNs k, k+T, k+2T, … in turn,
  // so every IPN is sent once before any is repeated (a repeat answers 02, already confirmed).
  writeFileSync(
    join(outdir, "ipn.lua"),
    `ipn_paths = {\n${load.map((p) => `  "${p}",`).join("\n")}\n}
local threads = {}
local thread_count = 0
setup = function(thread)
  thread:set("tid", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end
init = function(args)
  i = tid
  settled, duplicate, other = 0, 0, 0
end
request = function()
  local p = ipn_paths[(i % #ipn_paths) + 1]
  i = i + ${Number(process.env.BENCH_THREADS || 2)}
  return wrk.format(nil, p)
end
response = function(status, headers, body)
  if body:find('"RspCode":"00"', 1, true) then settled = settled + 1
  elseif body:find('"RspCode":"02"', 1, true) then duplicate = duplicate + 1
  else other = other + 1 end
end
bench_extra = function()
  local s, d, o = 0, 0, 0
  for _, t in ipairs(threads) do
    s = s + (t:get("settled") or 0); d = d + (t:get("duplicate") or 0); o = o + (t:get("other") or 0)
  end
  return string.format('"distinct":%d,"rsp00":%d,"rsp02":%d,"rsp_other":%d', #ipn_paths, s, d, o)
end
`,
  );
  console.error(`ipn set-up: ${total} payment attempts in ${secs.toFixed(1)} s (${((total * 4) / secs).toFixed(0)} req/s)`);
}

switch (cmd) {
  case "citizen-login":
    console.log(await citizenLogin(args[0], args[1]));
    break;
  case "staff-login":
    console.log(await staffLogin(args[0], args[1]));
    break;
  case "ipn":
    await ipn(...args);
    break;
  case "dossier-body":
    console.log(JSON.stringify(dossierBody(args[0])));
    break;
  default:
    console.error("usage: setup.mjs citizen-login|staff-login|ipn|dossier-body ...");
    process.exit(2);
}
