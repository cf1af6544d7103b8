// An archived month at 360×740 (#20): Hà Tĩnh's admin closes a month of the living demo's year
// (scripts/gen_activity.py), then the desk and the citizen still open a dossier of that month.
// Both pages say it is archived and read-only, offer nothing to do, and pass axe.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { startServer, startBrowser, apiLogin, apiCall, staffLogin, checkPage, PHONE } from "./support.mjs";

let server, browser;

/// The Vietnamese month `back` months before today's, `YYYY-MM` (the archive closes a month
/// once three full months have passed since its end).
function monthBack(back) {
  const today = new Date(Date.now() + 7 * 3600 * 1000);
  const i = today.getUTCFullYear() * 12 + today.getUTCMonth() - back;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, "0")}`;
}

/// One row of a read-only query on the server's national D1 file (WAL: reading beside the
/// server is safe), its columns joined by `|`.
function d1Row(sql) {
  const dir = join(server.state, "v3", "d1", "miniflare-D1DatabaseObject");
  const script = `import glob, os, sqlite3, sys
for f in glob.glob(os.path.join(sys.argv[1], '*.sqlite')):
\tif os.path.basename(f) == 'metadata.sqlite': continue
\tc = sqlite3.connect(f)
\tif not c.execute("SELECT 1 FROM sqlite_master WHERE name = 'archived_dossiers'").fetchone(): continue
\tfor row in c.execute(sys.argv[2]): print('|'.join('' if v is None else str(v) for v in row)); sys.exit(0)
`;
  return execFileSync("python3", ["-c", script, dir, sql], { encoding: "utf8" }).trim();
}

let id, phone;

before(async () => {
  server = await startServer(["ACTIVITY:1"]);
  browser = await startBrowser();
  const admin = await apiLogin(server.base, { username: "hatinh.admin" });
  let run;
  for (let step = 0; step < 40; step++) {
    run = await apiCall(server.base, admin, "POST", `/api/admin/archive/42/${monthBack(4)}`);
    if (run.state === "done") break;
  }
  assert.equal(run.state, "done", JSON.stringify(run));
  assert.ok(run.dossiers > 0, JSON.stringify(run));
  [id, phone] = d1Row(
    "SELECT a.id, c.phone FROM archived_dossiers a JOIN citizens c ON c.id = a.owner_citizen_id " +
      "WHERE a.status = 'completed' AND c.phone IS NOT NULL ORDER BY a.id LIMIT 1",
  ).split("|");
  assert.ok(id && phone, "an archived dossier of a citizen with a phone");
});
after(async () => {
  await browser?.close();
  server?.stop();
});

test("the desk opens an archived dossier: marked archived, nothing to act on, its control sheet kept", async () => {
  const page = await browser.newPage();
  await page.setViewportSize(PHONE);
  await staffLogin(page, "hatinh.admin", server.base);
  await page.goto(`${server.base}/can-bo/ho-so/${id}`);
  await page.locator(".notice.archived").waitFor();
  assert.match(await page.locator(".notice.archived").innerText(), /lưu trữ/);
  assert.equal(await page.locator(".status-label").innerText(), "Hoàn thành");
  assert.equal(await page.locator("button", { hasText: /Tiếp nhận|Thông báo phí|Trả kết quả|Kết thúc/ }).count(), 0, "no action on an archived dossier");
  await checkPage(page, "archive-desk-360");
  await page.goto(`${server.base}/can-bo/ho-so/${id}/phieu-kiem-soat`);
  await page.getByText("Kết thúc hồ sơ", { exact: false }).first().waitFor();
  await checkPage(page, "archive-control-sheet-360");
  await page.close();
});

test("the citizen lists and opens an archived dossier, read-only", async () => {
  const cookie = await apiLogin(server.base, { phone });
  await browser.addCookies([{ name: cookie.name, value: cookie.value, url: server.base }]);
  const page = await browser.newPage();
  await page.setViewportSize(PHONE);
  await page.goto(`${server.base}/ho-so`);
  const card = page.locator(`a[href="/ho-so/${id}"]`);
  await card.waitFor();
  assert.match(await card.innerText(), /Đã lưu trữ/);
  await checkPage(page, "archive-citizen-list-360");
  await card.click();
  await page.locator(".notice.archived").waitFor();
  assert.match(await page.locator(".notice.archived").innerText(), /không thể thay đổi/);
  assert.equal(await page.locator("section.pay").count(), 0, "nothing to pay");
  await checkPage(page, "archive-citizen-dossier-360");
  await page.close();
});
