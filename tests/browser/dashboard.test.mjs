// The leaders' dashboard at 360×740 and 1280×800: Đồng Tháp's seed 002 figures imported as CSV,
// the bar chart with the 30 % target line, districts below the target marked, the CSV download
// equal to the table, and an axe check.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startServer, startBrowser, axeViolations, screenshot, hasNoHorizontalScroll, ROOT } from "./support.mjs";

let server, browser, page;
const PERIOD = "2023-01-01..2023-10-23";
const URL_PATH = `/lanh-dao?agency=000.00.00.H20&period=${PERIOD}`;

before(async () => {
  server = await startServer();
  browser = await startBrowser();
  page = await browser.newPage();
  await page.goto(server.base + "/can-bo/dang-nhap");
  await page.getByLabel("Tên đăng nhập").fill("dongthap.admin");
  await page.getByLabel("Mật khẩu").fill("MotCua@2026");
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  // Signed in: the header names the person (the inbox is the staff home).
  await page.locator("header .who").getByText("Đồng Tháp", { exact: false }).waitFor();
  const csv = readFileSync(join(ROOT, "tests", "fixtures", "seed002_dong_thap_2023.csv"), "utf8");
  const status = await page.evaluate(async (body) => (await fetch("/api/dashboard/import", { method: "POST", headers: { "content-type": "text/csv" }, body })).status, csv);
  assert.equal(status, 200);
});
after(async () => {
  await browser?.close();
  server?.stop();
});

function parseCsv(text) {
  return text.trim().split(/\r?\n/).map((line) => {
    const cells = [];
    let cur = "", q = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (q) { if (c === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (c === '"') q = false; else cur += c; }
      else if (c === '"') q = true; else if (c === ",") { cells.push(cur); cur = ""; } else cur += c;
    }
    cells.push(cur);
    return cells;
  });
}

for (const [w, h] of [[360, 740], [1280, 800]]) {
  test(`the rate chart, target line, marks and CSV at ${w}×${h}`, async () => {
    await page.setViewportSize({ width: w, height: h });
    await page.goto(server.base + URL_PATH);
    await page.locator("#rate-chart .bar-row").first().waitFor();
    await page.getByText("16,78%", { exact: true }).first().waitFor();

    // Twelve districts, sorted by rate, highest first.
    const rows = await page.locator("#rate-chart .bar-row").evaluateAll((gs) => gs.map((g) => ({ code: g.dataset.code, rate: g.dataset.rate, below: g.classList.contains("below") })));
    assert.equal(rows.length, 12);
    assert.equal(rows[0].code, "000.00.53.H20", "Hồng Ngự city first (62,59 %)");
    const rated = rows.filter((r) => r.rate !== "").map((r) => Number(r.rate));
    assert.deepEqual(rated, [...rated].sort((a, b) => b - a));
    // Below target marked: Tháp Mười (5,99 %) yes, Tam Nông (35,29 %) no.
    assert.equal(rows.find((r) => r.code === "000.00.57.H20").below, true);
    assert.equal(rows.find((r) => r.code === "000.00.56.H20").below, false);
    assert.equal(rows.filter((r) => r.below).length, 7);
    assert.match(await page.locator('#rate-chart .bar-row[data-code="000.00.57.H20"] .value').textContent(), /5,99% ▼/);

    // The target line sits at 30 % of the bar axis, in the drawing and on screen.
    const line = page.locator("#target-line");
    assert.equal(await line.getAttribute("data-target"), "0.30");
    const svg = page.locator("#rate-chart");
    const x0 = Number(await svg.getAttribute("data-x0"));
    const width = Number(await svg.getAttribute("data-width"));
    assert.equal(Number(await line.getAttribute("x1")), x0 + 0.3 * width);
    const sb = await svg.boundingBox();
    const lb = await line.boundingBox();
    const drawn = ((lb.x + lb.width / 2 - sb.x) / sb.width) * 600;
    assert.ok(Math.abs(drawn - (x0 + 0.3 * width)) < 2, `target line at ${drawn}`);

    // The CSV download equals the table (numbers without the Vietnamese thousands dots).
    const table = await page.locator("#rates tbody tr, #rates tfoot tr").evaluateAll((trs) =>
      trs.map((tr) => [tr.dataset.code, ...[...tr.querySelectorAll("td")].slice(0, 4).map((td) => td.textContent.trim())]));
    const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#rates-csv").click()]);
    const csv = parseCsv(readFileSync(await download.path(), "utf8"));
    assert.deepEqual(csv[0], ["ma_co_quan", "co_quan", "truc_tuyen", "khac", "tong", "ty_le", "chi_tieu", "dat_chi_tieu"]);
    const fromCsv = csv.slice(1).map((c) => [c[0], c[2], c[3], c[4], c[5]]);
    const fromTable = table.map(([code, on, other, total, rate]) => [code, on.replaceAll(".", ""), other.replaceAll(".", ""), total.replaceAll(".", ""), rate]);
    assert.deepEqual(fromCsv, fromTable);
    assert.deepEqual(fromCsv.at(-1), ["000.00.00.H20", "43109", "213830", "256939", "16,78%"]);

    // Every count links to the dossiers behind it.
    const href = await page.locator('#rates tr[data-code="000.00.53.H20"] td a').first().getAttribute("href");
    assert.match(href, /^\/can-bo\?agency=000\.00\.53\.H20&from=2023-01-01&to=2023-10-23&paid=online$/);

    if (w === 360) assert.ok(await hasNoHorizontalScroll(page), "no horizontal scrolling at 360 px");
    assert.deepEqual(await axeViolations(page), []);
    await screenshot(page, `dashboard-${w}x${h}`);
  });
}
