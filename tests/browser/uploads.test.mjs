// Large scans on a bad network (issue 5: "large PDFs go up in parts so a dropped connection
// resumes instead of restarting"; "nothing lost on a bad network"): a PDF over one part (5 MiB)
// goes up in parts; the connection drops in the middle, the row says so with "Thử lại", and the
// retry sends only the parts the server does not have (counted at the network). A file still
// pending when the page reloads comes back from IndexedDB and completes; the dossier is sent
// with both. Screenshots land in tests/browser/artifacts/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, startBrowser, apiLogin, axeViolations, screenshot, hasNoHorizontalScroll, pendingCount } from "./support.mjs";

const MIB = 1024 * 1024;
let server, browser;
before(async () => {
  server = await startServer();
  browser = await startBrowser();
});
after(async () => {
  await browser?.close();
  server?.stop();
});

/// A PDF of `size` bytes (a PDF header, noise, and the end marker the server looks for),
/// written to a temporary file.
function pdfFile(name, size) {
  const path = join(mkdtempSync(join(tmpdir(), "motcua-pdf-")), name);
  const head = Buffer.from("%PDF-1.7\n");
  const tail = Buffer.from("\n%%EOF\n");
  writeFileSync(path, Buffer.concat([head, randomBytes(size - head.length - tail.length), tail]));
  return path;
}

test("a large PDF resumes after a dropped connection and after a reload, sending only missing parts", async () => {
  const phone = "0911001100";
  const cookie = await apiLogin(server.base, { phone });
  const url = new URL(server.base);
  await browser.addCookies([{ name: cookie.name, value: cookie.value, domain: url.hostname, path: "/", httpOnly: true, secure: true, sameSite: "Lax" }]);
  const page = await browser.newPage();

  // Every part sent, by session and number, and each session's file name.
  const sent = new Map();
  const sessions = new Map();
  const asked = [];
  page.on("request", (r) => {
    const m = r.url().match(/\/api\/uploads\/multipart\/([0-9a-z]+)(\/parts\/(\d+))?$/);
    if (!m) return;
    if (r.method() === "PUT") sent.set(`${m[1]}/${m[3]}`, (sent.get(`${m[1]}/${m[3]}`) ?? 0) + 1);
    if (r.method() === "GET") asked.push(m[1]);
  });
  page.on("response", async (r) => {
    if (r.request().method() === "POST" && r.url().endsWith("/api/uploads/multipart") && r.status() === 201) {
      const s = await r.json();
      sessions.set(s.name, s.id);
    }
  });
  const times = (name, n) => sent.get(`${sessions.get(name)}/${n}`) ?? 0;

  await page.goto(server.base + "/thu-tuc/2.000815/nop?agency=000.10.51.H27");
  await page.getByLabel("Họ tên người nộp *").fill("Đỗ Thị Hoa");
  await page.getByLabel("Số CMND/CCCD *").first().fill("042190007777");
  await page.getByLabel("Số điện thoại *").fill(phone);
  await page.getByLabel("Địa chỉ liên hệ *").fill("Thôn 2, xã Sơn Tây");
  await page.getByLabel("Số trang của bản chính").fill("30");
  await page.getByLabel("Số bản sao cần chứng thực").fill("1");

  // 1. An 11 MB PDF: three parts. The connection drops while part 2 goes up.
  const big = pdfFile("ho-so-dat-dai.pdf", 11 * MIB);
  const drop = (route) => route.abort("internetdisconnected");
  await page.route("**/api/uploads/multipart/*/parts/2", drop);
  await page.locator("#pick-files").setInputFiles(big);
  const row = page.locator(".file", { hasText: "ho-so-dat-dai.pdf" });
  await page.locator('.file[data-state="failed"]', { hasText: "ho-so-dat-dai.pdf" }).waitFor({ timeout: 60_000 });
  assert.match(await row.locator(".field-error").first().textContent(), /Mất kết nối/);
  assert.equal(await row.getByRole("button", { name: "Thử lại" }).count(), 1);
  assert.deepEqual([times("ho-so-dat-dai.pdf", 1), times("ho-so-dat-dai.pdf", 2), times("ho-so-dat-dai.pdf", 3)], [1, 1, 0]);
  assert.equal(await pendingCount(page), 1, "the pending file waits in IndexedDB");
  assert.ok(await hasNoHorizontalScroll(page));
  assert.deepEqual(await axeViolations(page), [], "axe with a failed upload");
  await screenshot(page, "uploads-1-connection-dropped");

  // 2. Back online, "Thử lại" asks the server what it has and sends only parts 2 and 3.
  await page.unroute("**/api/uploads/multipart/*/parts/2", drop);
  await row.getByRole("button", { name: "Thử lại" }).click();
  await page.locator('.file[data-state="done"]', { hasText: "ho-so-dat-dai.pdf" }).waitFor({ timeout: 60_000 });
  assert.ok(asked.includes(sessions.get("ho-so-dat-dai.pdf")), "the retry asked which parts arrived");
  assert.deepEqual([times("ho-so-dat-dai.pdf", 1), times("ho-so-dat-dai.pdf", 2), times("ho-so-dat-dai.pdf", 3)], [1, 2, 1]);
  assert.equal(await pendingCount(page), 0, "an uploaded file is forgotten on the phone");
  await screenshot(page, "uploads-2-resumed");

  // 3. A second PDF fails at part 2, and the page reloads before anyone retries.
  const second = pdfFile("ban-do-thua.pdf", 7 * MIB);
  await page.route("**/api/uploads/multipart/*/parts/2", drop);
  await page.locator("#pick-files").setInputFiles(second);
  await page.locator('.file[data-state="failed"]', { hasText: "ban-do-thua.pdf" }).waitFor({ timeout: 60_000 });
  assert.equal(times("ban-do-thua.pdf", 1), 1);
  await page.unroute("**/api/uploads/multipart/*/parts/2", drop);
  await page.reload();
  // Back from IndexedDB, it resumes on its own: part 1 is not sent again.
  await page.locator('.file[data-state="done"]', { hasText: "ban-do-thua.pdf" }).waitFor({ timeout: 60_000 });
  await page.locator('.file[data-state="done"]', { hasText: "ho-so-dat-dai.pdf" }).waitFor();
  assert.deepEqual([times("ban-do-thua.pdf", 1), times("ban-do-thua.pdf", 2)], [1, 2]);
  assert.equal(await pendingCount(page), 0);
  assert.deepEqual(await axeViolations(page), [], "axe after the reload");
  await screenshot(page, "uploads-3-after-reload");

  // 4. The dossier goes with both files, byte sizes intact.
  await page.getByRole("button", { name: "Gửi hồ sơ" }).click();
  await page.waitForURL(/\/ho-so\/s\d{2}[0-9a-f]{30}$/, { timeout: 30_000 });
  const id = page.url().split("/").pop();
  const detail = await page.evaluate(async (id) => (await fetch(`/api/dossiers/${id}`)).json(), id);
  const sizes = Object.fromEntries(detail.files.map((f) => [f.name, [f.size, f.content_type]]));
  assert.deepEqual(sizes, { "ho-so-dat-dai.pdf": [11 * MIB, "application/pdf"], "ban-do-thua.pdf": [7 * MIB, "application/pdf"] });
  await screenshot(page, "uploads-4-sent");
  await page.close();
});
