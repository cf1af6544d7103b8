// Shared set-up for browser tests: a throw-away `wrangler dev` (fresh state, demo data) on a free
// loopback port, and headless Debian Chromium at the phone viewport (360×740). Everything
// started here is stopped by its own process group.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const ARTIFACTS = join(ROOT, "tests", "browser", "artifacts");
export const PHONE = { width: 360, height: 740 };

function freePort() {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/// `vars`: more `NAME:VALUE` settings for this server (`scripts/serve-test.sh`), e.g.
/// `["DVCQG_BASE_URL:"]` for a deployment without the national portal's account.
export async function startServer(vars = []) {
  const dir = mkdtempSync(join(tmpdir(), "motcua-browser-"));
  const port = await freePort();
  const child = spawn(join(ROOT, "scripts", "serve-test.sh"), [String(process.pid), String(port), join(dir, "state"), ...vars], {
    cwd: ROOT,
    detached: true,
    stdio: "ignore",
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      const r = await fetch(`${base}/api/health`);
      if (r.ok) break;
    } catch {}
    if (Date.now() > deadline) throw new Error(`wrangler dev did not start on ${base}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    base,
    // The server's local state (D1, R2 files): read, never written, while it runs.
    state: join(dir, "state"),
    stop() {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {}
    },
  };
}

export async function startBrowser() {
  mkdirSync(ARTIFACTS, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), "motcua-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    viewport: PHONE,
    locale: "vi-VN",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return context;
}

/// Runs axe-core on the page and returns the serious and critical violations.
export async function axeViolations(page) {
  await page.addScriptTag({ content: readFileSync(join(ROOT, "node_modules", "axe-core", "axe.min.js"), "utf8") });
  const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ["violations"] }));
  return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}

export async function screenshot(page, name) {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/// True when nothing is wider than the phone's screen.
export async function hasNoHorizontalScroll(page) {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

/// What every journey asserts of a page it reaches: no serious or critical axe violation, nothing
/// wider than the phone; then a screenshot for the artifacts.
export async function checkPage(page, name) {
  assert.deepEqual(await axeViolations(page), [], `axe on ${name}`);
  assert.ok(await hasNoHorizontalScroll(page), `no horizontal scrolling on ${name}`);
  await screenshot(page, name);
}

/// The pending uploads IndexedDB holds on this page's origin.
export function pendingCount(page) {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open("motcua");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains("pending_uploads")) return resolve(0);
          const count = db.transaction("pending_uploads").objectStore("pending_uploads").count();
          count.onsuccess = () => resolve(count.result);
        };
      }),
  );
}

/// The sandbox bank transfers `amount` into `account` with `content` and calls our webhook
/// (signed); asserts the webhook took it.
export async function bankTransfer(base, account, amount, content) {
  const r = await fetch(`${base}/sandbox/bank/transfer`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ account, amount, content }),
  });
  assert.equal((await r.json()).webhook_status, 200);
}

/// The newest one-time code sent to `phone` (read from the development outbox), waiting up to
/// 20 s for it; with `after`, only one in a message newer than that outbox id.
export async function codeFor(base, phone, after = 0) {
  for (let i = 0; i < 100; i++) {
    const list = await (await fetch(`${base}/dev/outbox.json?to=${phone}`)).json();
    const m = list.find((x) => x.id > after && /Mã xác thực/.test(x.body))?.body.match(/\d{6}/);
    if (m) return m[0];
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no code in the outbox for ${phone}`);
}

/// Logs in through the API as a citizen (code from the dev outbox) or a staff member, and
/// returns the session cookie `{ name, value }` for fetch and for a browser context.
export async function apiLogin(base, who) {
  if (who.username) {
    const r = await fetch(`${base}/api/staff/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: who.username, password: "MotCua@2026" }),
    });
    if (!r.ok) throw new Error(`staff login ${r.status}`);
    return cookieOf(r);
  }
  const headers = { "content-type": "application/json", "cf-connecting-ip": `10.77.${who.phone.slice(-4, -2)}.${who.phone.slice(-2)}` };
  // Only a code sent after this request counts (an earlier log-in may have left one).
  const before = (await (await fetch(`${base}/dev/outbox.json?to=${who.phone}`)).json())[0]?.id ?? 0;
  const asked = await fetch(`${base}/api/auth/otp/request`, { method: "POST", headers, body: JSON.stringify({ phone: who.phone }) });
  if (asked.status !== 202) throw new Error(`code request ${asked.status}`);
  const code = await codeFor(base, who.phone, before);
  const r = await fetch(`${base}/api/auth/otp/verify`, { method: "POST", headers, body: JSON.stringify({ phone: who.phone, code }) });
  if (!r.ok) throw new Error(`code verify ${r.status}`);
  return cookieOf(r);
}

function cookieOf(resp) {
  const [pair] = resp.headers.get("set-cookie").split(";");
  const [name, value] = pair.split("=");
  return { name, value };
}

export async function apiCall(base, cookie, method, path, body) {
  const r = await fetch(base + path, {
    method,
    headers: { "content-type": "application/json", cookie: `${cookie.name}=${cookie.value}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

export const SON_TAY = "000.10.51.H27";

/// A dossier of the citizen with session `citizen` (certified copies, 3 copies of 5 pages at Sơn
/// Tây), received and fee-notified (21.000 đ) by Sơn Tây's officer through the API.
export async function dossierAwaitingPayment(base, citizen, phone) {
  const dossier = await apiCall(base, citizen, "POST", "/api/dossiers", {
    agency: SON_TAY,
    procedure: "2.000815",
    applicant: { full_name: "Nguyễn Văn An", id_number: "042090001234", phone, address: "Thôn Tân Hương, xã Sơn Tây" },
    inputs: { pages: 5, copies: 3 },
  });
  const officer = await apiLogin(base, { username: "sontay.motcua" });
  // Receiving ticks the procedure's required documents (the desk's checklist).
  const { documents } = await (await fetch(`${base}/api/procedures/2.000815`)).json();
  await apiCall(base, officer, "POST", `/api/staff/dossiers/${dossier.id}/actions`, { action: "receive", documents });
  const notified = await apiCall(base, officer, "POST", `/api/staff/dossiers/${dossier.id}/fee-notice`, {});
  if (notified.fee_notice.total !== 21000) throw new Error(`fee notice of ${notified.fee_notice.total}, expected 21000`);
  return dossier;
}

/// Logs a staff member in through the log-in page of the server at `base` and waits for the inbox.
export async function staffLogin(page, username, base) {
  await page.goto(base + "/can-bo/dang-nhap");
  // A click that lands before the staff bundle has taken over the form sends nothing: fill and
  // click again then (at most three times), and say what the log-in answered if it was refused.
  let answer = null;
  for (let attempt = 0; attempt < 3 && !answer; attempt++) {
    await page.getByLabel("Tên đăng nhập").fill(username);
    await page.getByLabel("Mật khẩu").fill("MotCua@2026");
    const sent = page.waitForResponse((r) => r.url().endsWith("/api/staff/login"), { timeout: 10_000 }).catch(() => null);
    await page.getByRole("button", { name: "Đăng nhập" }).click();
    answer = await sent;
  }
  assert.ok(answer, "the log-in request was never sent");
  assert.equal(answer.status(), 200, `log-in of ${username}: ${await answer.text()}`);
  await page.getByRole("heading", { name: "Hồ sơ cần xử lý" }).waitFor({ timeout: 30_000 });
}
