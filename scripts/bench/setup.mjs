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
//   otp BASE N OUTDIR [CPU_N]    one-time codes for N + CPU_N + 1 distinct numbers (each asked for
//                                from a client address of its own, read from the development
//                                outbox); writes OUTDIR/otp-first.json (the smoke request's body and
//                                address), OUTDIR/otp.lua (wrk: each number's right code once, from
//                                its own CF-Connecting-IP, before any repeats; answers counted by
//                                status and error code) and OUTDIR/otp-cpu.txt (CPU_N fresh codes)
//   fee-notice BASE N OUTDIR [CPU_N]
//                                N + CPU_N + 1 dossiers submitted by a citizen and received with the
//                                procedure's documents by the commune's officer; writes
//                                OUTDIR/fee-cookie.txt (the officer's session), fee-first.txt (the
//                                smoke request's path), fee.lua (each fee notice once, then repeats:
//                                409) and fee-cpu.txt (CPU_N fee notices for the CPU figure)
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

// The address a set-up's requests for a number come from (miniflare keeps the CF-Connecting-IP a
// client sends): one of its own per number, in 198.18.0.0/16 (set aside for benchmarks), so the
// per-address limits of one set-up never hit another's, as tests/api/support.rs's `ip_for`.
const ipFor = (phone) => {
  const n = [...String(phone)].reduce((a, c) => (a * 31 + Number(c)) >>> 0, 7);
  return `198.18.${(n >>> 8) & 0xff}.${n & 0xff}`;
};

// Asks for a code for `phone` from the address `ip` and returns it once it is in the outbox.
async function citizenCode(base, phone, ip) {
  const outbox = async () => (await expect(base, "GET", `/dev/outbox.json?to=${phone}`, 200)).json;
  const before = (await outbox())[0]?.id ?? 0;
  await expect(base, "POST", "/api/auth/otp/request", 202, { body: { phone }, headers: { "CF-Connecting-IP": ip } });
  // The outbox queue delivers in order, so the code waits behind any status SMS still queued by
  // an earlier route's load (some thousands take minutes).
  const deadline = Date.now() + 300_000;
  for (;;) {
    const m = (await outbox()).find((m) => (m.id ?? 0) > before);
    if (m) {
      const code = /\d{6}/.exec(m.body)?.[0];
      if (!code) throw new Error(`no code in SMS ${m.body}`);
      return code;
    }
    if (Date.now() > deadline) throw new Error(`no SMS reached the outbox for ${phone}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function citizenLogin(base, phone) {
  const headers = { "CF-Connecting-IP": ipFor(phone) };
  const code = await citizenCode(base, phone, headers["CF-Connecting-IP"]);
  const r = await expect(base, "POST", "/api/auth/otp/verify", 200, { body: { phone, code }, headers });
  return cookieOf(r.resp, "motcua_session");
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


// ---- routes whose first request does the work and whose repeats are refused ---------------------
// A wrk script over prepared attempts ({path, body?, ip?}): thread k of T sends attempts k, k+T,
// k+2T, … in turn, so every attempt is sent once before any is repeated. Each request is formatted
// once in init() (wrk.headers, e.g. a session cookie, plus the attempt's own CF-Connecting-IP).
// Answers are counted by status, and by the error envelope's code for a non-2xx one; the report
// reads them from bench_extra() (`first` is the answer to a first attempt, `repeat` the answers a
// repeat may get: "STATUS" or "STATUS error_code").
const luaString = (s) => `[==[${s}]==]`;
function attemptsLua(attempts, { first, repeat }) {
  const threads = Number(process.env.BENCH_THREADS || 2);
  return `attempts = {
${attempts.map((a) => `  { path = ${luaString(a.path)}${a.body ? `, body = ${luaString(a.body)}` : ""}${a.ip ? `, ip = "${a.ip}"` : ""} },`).join("\n")}
}
local threads = {}
local thread_count = 0
setup = function(thread)
  thread:set("tid", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end
init = function(args)
  i = tid
  answers = {}
  prepared = {}
  for k, a in ipairs(attempts) do
    local h = {}
    for name, value in pairs(wrk.headers) do h[name] = value end
    if a.ip then h["CF-Connecting-IP"] = a.ip end
    prepared[k] = wrk.format(nil, a.path, h, a.body)
  end
end
request = function()
  local r = prepared[(i % #prepared) + 1]
  i = i + ${threads}
  return r
end
response = function(status, headers, body)
  local key = tostring(status)
  if status >= 300 and body then
    local code = body:match('"code"%s*:%s*"([%w_%.%-]+)"')
    if code then key = key .. " " .. code end
  end
  answers[key] = (answers[key] or 0) + 1
end
bench_extra = function()
  local total = {}
  for _, t in ipairs(threads) do
    for k, n in pairs(t:get("answers") or {}) do total[k] = (total[k] or 0) + n end
  end
  local parts = {}
  for k, n in pairs(total) do table.insert(parts, string.format('"%s":%d', k, n)) end
  table.sort(parts)
  return string.format('"distinct":%d,"first_answer":"${first}","repeat_answers":[${repeat.map((r) => `"${r}"`).join(",")}],"answers":{%s}', #attempts, table.concat(parts, ","))
end
`;
}

// Runs job(i) for i in 0..total-1 on `width` concurrent workers.
async function pool(total, width, job) {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    for (let i = next++; i < total; i = next++) await job(i);
  }));
}

// ---- OTP verify ------------------------------------------------------------------------------------
// Numbers 0966 1xx xxx: none is in the demo data or used by another set-up.
const otpPhone = (i) => `0966${String(100000 + i).padStart(6, "0")}`;
// A distinct address per number (198.19.0.0/16, up to 65 536 numbers).
const otpIp = (i) => `198.19.${(i >>> 8) & 0xff}.${i & 0xff}`;

async function otpSetup(base, n, outdir, cpuN = 0) {
  n = Number(n);
  cpuN = Number(cpuN);
  const total = 1 + n + cpuN;
  const t0 = Date.now();
  // Every code is asked for from its number's own address (the per-address send limit is 20 an
  // hour), and the same address sends that number's verify. Only an SMS newer than the ones
  // already in the outbox for the number carries its code (a reused state may hold older ones).
  const before = new Array(total).fill(0);
  // The first code alone, once it has arrived: the queue has delivered whatever was ahead of it
  // (the status SMS of an earlier route's load), so the others arrive well within their 5 minutes.
  const tq = Date.now();
  const code0 = await citizenCode(base, otpPhone(0), otpIp(0));
  const queued = (Date.now() - tq) / 1000;
  await pool(total - 1, 8, async (k) => {
    const i = k + 1;
    const phone = otpPhone(i);
    before[i] = (await expect(base, "GET", `/dev/outbox.json?to=${phone}`, 200)).json[0]?.id ?? 0;
    await expect(base, "POST", "/api/auth/otp/request", 202, { body: { phone }, headers: { "CF-Connecting-IP": otpIp(i) } });
  });
  const codes = new Array(total);
  codes[0] = code0;
  const deadline = Date.now() + 120_000;
  for (;;) {
    const missing = [...codes.keys()].filter((i) => !codes[i]);
    if (!missing.length) break;
    if (Date.now() > deadline) throw new Error(`no SMS reached the outbox for ${missing.length} numbers, e.g. ${otpPhone(missing[0])}`);
    await pool(missing.length, 8, async (k) => {
      const i = missing[k];
      const m = (await expect(base, "GET", `/dev/outbox.json?to=${otpPhone(i)}`, 200)).json[0];
      const code = m && (m.id ?? 0) > before[i] && /\d{6}/.exec(m.body)?.[0];
      if (code) codes[i] = code;
    });
    if (codes.filter(Boolean).length < total) await new Promise((r) => setTimeout(r, 500));
  }
  const attempt = (i) => ({ path: "/api/auth/otp/verify", body: JSON.stringify({ phone: otpPhone(i), code: codes[i] }), ip: otpIp(i) });
  const all = Array.from({ length: total }, (_, i) => attempt(i));
  writeFileSync(join(outdir, "otp-first.json"), JSON.stringify(all[0]) + "\n");
  writeFileSync(join(outdir, "otp-cpu.txt"), all.slice(1 + n).map((a) => JSON.stringify({ path: a.path, body: a.body, headers: { "CF-Connecting-IP": a.ip } })).join("\n") + "\n");
  // A repeat of a used code is refused (400 no_code); a per-address limit on verification may
  // answer 429 once an address has sent too many. Any other answer (a wrong code, a lock) is
  // unexpected.
  writeFileSync(join(outdir, "otp.lua"), attemptsLua(all.slice(1, 1 + n), { first: "200", repeat: ["400 no_code", "429"] }));
  console.error(`otp set-up: ${total} codes asked for and read in ${((Date.now() - t0) / 1000).toFixed(1)} s (the first waited ${queued.toFixed(1)} s for the queue)`);
}

// ---- fee notice ------------------------------------------------------------------------------------
async function feeNoticeSetup(base, n, outdir, cpuN = 0) {
  n = Number(n);
  cpuN = Number(cpuN);
  const phone = "0977000013";
  const citizen = await citizenLogin(base, phone);
  const officer = await staffLogin(base, OFFICER);
  const documents = (await expect(base, "GET", `/api/procedures/${PROCEDURE}`, 200)).json.documents;
  const total = 1 + n + cpuN;
  const paths = new Array(total);
  const t0 = Date.now();
  await pool(total, 8, async (i) => {
    const d = (await expect(base, "POST", "/api/dossiers", 201, { cookie: citizen, body: dossierBody(phone) })).json;
    await expect(base, "POST", `/api/staff/dossiers/${d.id}/actions`, 200, { cookie: officer, body: { action: "receive", documents } });
    paths[i] = `/api/staff/dossiers/${d.id}/fee-notice`;
  });
  writeFileSync(join(outdir, "fee-cookie.txt"), officer + "\n");
  writeFileSync(join(outdir, "fee-first.txt"), paths[0] + "\n");
  writeFileSync(join(outdir, "fee-cpu.txt"), paths.slice(1 + n).join("\n") + "\n");
  // A second fee notice for the same dossier is refused: 409, the dossier is already notified.
  writeFileSync(join(outdir, "fee.lua"), attemptsLua(paths.slice(1, 1 + n).map((path) => ({ path })), { first: "200", repeat: ["409"] }));
  const secs = (Date.now() - t0) / 1000;
  console.error(`fee-notice set-up: ${total} dossiers received in ${secs.toFixed(1)} s (${((total * 2) / secs).toFixed(0)} req/s)`);
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
  case "otp":
    await otpSetup(...args);
    break;
  case "fee-notice":
    await feeNoticeSetup(...args);
    break;
  case "dossier-body":
    console.log(JSON.stringify(dossierBody(args[0])));
    break;
  default:
    console.error("usage: setup.mjs citizen-login|staff-login|ipn|otp|fee-notice|dossier-body ...");
    process.exit(2);
}
