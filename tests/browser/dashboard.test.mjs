// The leaders' dashboard at 360×740 and 1280×800: Đồng Tháp's seed 002 figures imported as CSV,
// the bar chart with the 30 % target line, districts below the target marked, the CSV download
// equal to the table, and an axe check.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startServer, startBrowser, axeViolations, screenshot, hasNoHorizontalScroll, checkPage, apiLogin, apiCall, staffLogin, ROOT } from "./support.mjs";

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

    // A unit below its target is told how many more online payments would reach it; one that
    // meets it is not.
    assert.match(await page.locator('#rates tr[data-code="000.00.57.H20"] .to-target').textContent(), /^thiếu \d{1,3}(\.\d{3})*$/);
    assert.equal(await page.locator('#rates tr[data-code="000.00.56.H20"] .to-target').count(), 0);

    // The CSV download equals the table (numbers without the Vietnamese thousands dots; a cell's
    // own text, without the note under the rate).
    const table = await page.locator("#rates tbody tr, #rates tfoot tr").evaluateAll((trs) =>
      trs.map((tr) => [tr.dataset.code, ...[...tr.querySelectorAll("td")].slice(0, 4).map((td) =>
        [...td.childNodes].filter((n) => n.nodeType !== 1 || n.tagName === "A").map((n) => n.textContent).join("").trim())]));
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

// Issue #18: how dossiers arrive beside the payment rate, each unit against its own target (set
// by the province's admin from the staff app), and the ratings table; the desk's walk-in page
// takes a dossier that came by post with its item number.
test("intake beside payments, each unit's own target, postal walk-in and ratings at 360×740", async () => {
  const NGOC_KY = "000.04.51.H23";
  const year = new Date(Date.now() + 7 * 3600_000).getUTCFullYear();
  // The same browser context as the tests above (they are done with Đồng Tháp's session).
  const staffPage = await browser.newPage();
  await staffPage.setViewportSize({ width: 360, height: 740 });

  // An online submission at Ngọc Kỳ, and a counter walk-in through the API.
  const phone = "0911001801";
  const citizen = await apiLogin(server.base, { phone });
  await apiCall(server.base, citizen, "POST", "/api/dossiers", {
    agency: NGOC_KY, procedure: "2.000815",
    applicant: { full_name: "Đinh Văn Mạng", id_number: "042090001801", phone, address: "Thôn 2, xã Ngọc Kỳ" },
    inputs: { pages: 1, copies: 1 },
  });
  const officer = await apiLogin(server.base, { username: "ngocky.motcua" });
  const walkIn = await apiCall(server.base, officer, "POST", "/api/staff/dossiers", {
    agency: NGOC_KY, procedure: "2.000815", channel: "counter",
    applicant: { full_name: "Đinh Thị Quầy", id_number: "042090001802", phone: "0911001802", address: "Thôn 3, xã Ngọc Kỳ" },
    inputs: { pages: 1, copies: 1 },
  });
  // The desk scans the walk-in's original at reception (the digitization indicator counts it).
  const scanned = await fetch(
    `${server.base}/api/staff/dossiers/${walkIn.id}/files?type=${encodeURIComponent(walkIn.documents[0])}&name=ban-chinh.jpg`,
    { method: "POST", headers: { cookie: `${officer.name}=${officer.value}` }, body: readFileSync(new URL("../fixtures/minimal.jpg", import.meta.url)) },
  );
  assert.equal(scanned.status, 201, await scanned.text());

  // The postal one through the desk's walk-in page.
  await staffLogin(staffPage, "ngocky.motcua", server.base);
  await staffPage.goto(server.base + "/can-bo/tiep-nhan");
  await staffPage.getByRole("heading", { name: "Tiếp nhận hồ sơ trực tiếp" }).waitFor();
  await staffPage.locator("#f-procedure option[value='2.000815']").waitFor({ state: "attached" });
  await staffPage.locator("#f-procedure").selectOption("2.000815");
  // Choosing the procedure reloads its fee inputs: let that land before typing into them.
  await staffPage.waitForLoadState("networkidle");
  await staffPage.getByLabel("Số trang của bản chính").waitFor();
  const channels = staffPage.getByRole("group", { name: "Hình thức tiếp nhận" });
  assert.equal(await channels.getByRole("radio", { name: "Tại quầy" }).isChecked(), true, "counter by default");
  await channels.getByRole("radio", { name: "Qua dịch vụ bưu chính công ích" }).check();
  await staffPage.getByLabel("Họ và tên người nộp").fill("Đinh Văn Bưu");
  await staffPage.getByLabel("Số CCCD").fill("042090001803");
  await staffPage.getByLabel("Số điện thoại (nhận tin nhắn thanh toán)").fill("0911001803");
  await staffPage.getByLabel("Địa chỉ liên hệ").fill("Thôn 4, xã Ngọc Kỳ");
  await staffPage.getByLabel("Số trang của bản chính").fill("1");
  await staffPage.getByLabel("Số bản sao cần chứng thực").fill("1");
  // A bad item number is refused at its field.
  await staffPage.getByLabel("Số hiệu bưu gửi", { exact: false }).fill("RR-12#45");
  await staffPage.getByRole("button", { name: "Tiếp nhận và cấp mã hồ sơ" }).click();
  await staffPage.locator("#e-postal_item").getByText("chữ cái và chữ số", { exact: false }).waitFor();
  await checkPage(staffPage, "desk-walk-in-post-error");
  await staffPage.getByLabel("Số hiệu bưu gửi", { exact: false }).fill("RR123456789VN");
  await staffPage.getByRole("button", { name: "Tiếp nhận và cấp mã hồ sơ" }).click();
  await staffPage.locator(".postal-item").getByText("RR123456789VN").waitFor();
  await staffPage.getByText("Qua dịch vụ bưu chính công ích").first().waitFor();

  // The province's admin gives Ngọc Kỳ its own targets from the admin page.
  await staffLogin(staffPage, "haiduong.admin", server.base);
  await staffPage.goto(server.base + "/can-bo/quan-tri");
  await staffPage.locator(`#a-agency option[value='${NGOC_KY}']`).waitFor({ state: "attached" });
  await staffPage.locator("#a-agency").selectOption(NGOC_KY);
  const form = staffPage.locator("#targets-form");
  await form.getByRole("heading", { name: "Chỉ tiêu được giao" }).waitFor();
  await form.locator("#targets-effective").getByText("thanh toán trực tuyến 30,00% (chỉ tiêu chung)", { exact: false }).waitFor();
  await form.getByLabel("Tỷ lệ thanh toán trực tuyến (%)").fill("120");
  await form.getByRole("button", { name: "Lưu chỉ tiêu" }).click();
  await form.locator("#e-t-pay").getByText("từ 0 đến 100", { exact: false }).waitFor();
  await form.getByLabel("Tỷ lệ thanh toán trực tuyến (%)").fill("45");
  await form.getByLabel("Tỷ lệ hồ sơ nộp trực tuyến (%)").fill("30");
  await form.getByRole("button", { name: "Lưu chỉ tiêu" }).click();
  await form.getByRole("status").getByText("Đã lưu chỉ tiêu.").waitFor();
  await form.locator("#targets-effective").getByText("thanh toán trực tuyến 45,00% (giao riêng cho đơn vị)", { exact: false }).waitFor();
  await checkPage(staffPage, "admin-targets");

  // The district's leader: Ngọc Kỳ against its own 45 % / 30 %, the others against 30 %.
  await staffLogin(staffPage, "tuky.lanhdao", server.base);
  await staffPage.goto(server.base + `/lanh-dao?period=${year}`);
  const rates = staffPage.locator(`#rates tbody tr[data-code='${NGOC_KY}']`);
  await rates.locator(".target-cell").getByText("45,00%", { exact: false }).waitFor();
  assert.equal(await rates.locator(".target-cell").getAttribute("data-source"), "own");
  assert.equal(await staffPage.locator("#rates tbody tr:not([data-code='000.04.51.H23']) .target-cell[data-source=default]").count(), 22);
  await rates.locator(".intake-rate").getByText("33,33%").waitFor();
  assert.equal(await staffPage.locator("#target-line").count(), 0, "targets differ: no single line for all");
  assert.equal(await staffPage.locator(`#rate-chart .bar-row[data-code='${NGOC_KY}'] .unit-target`).getAttribute("data-target"), "0.45");
  const intake = staffPage.locator(`#intake tbody tr[data-code='${NGOC_KY}']`);
  const cells = await intake.locator("td").allInnerTexts();
  assert.deepEqual(cells.map((c) => c.trim()), ["1", "1", "1", "33,33%", "30,00% · Đạt"]);
  assert.ok((await staffPage.locator("#intake-trend tbody tr").count()) >= 1);
  // Digitized at reception: the scanned walk-in, not the online dossier without files nor the post.
  const digitized = await staffPage.locator(`#digitization tbody tr[data-code='${NGOC_KY}'] td`).allInnerTexts();
  assert.deepEqual(digitized.slice(0, 3).map((c) => c.trim()), ["3", "1", "33,3 %"]);
  await staffPage.locator("#copy-units").getByText("chỉ tiêu 35 %", { exact: false }).waitFor();
  await staffPage.locator("#ratings-summary").waitFor();
  await staffPage.getByRole("heading", { name: "Đánh giá của người dân" }).waitFor();
  // The intake CSV equals the table.
  const [download] = await Promise.all([staffPage.waitForEvent("download"), staffPage.locator("#intake-csv").click()]);
  const csv = parseCsv(readFileSync(await download.path(), "utf8"));
  assert.deepEqual(csv[0], ["ma_co_quan", "co_quan", "truc_tuyen", "tai_quay", "buu_chinh", "tong", "ty_le_truc_tuyen", "chi_tieu", "dat_chi_tieu"]);
  assert.deepEqual(csv.find((r) => r[0] === NGOC_KY).slice(2), ["1", "1", "1", "3", "33,33%", "30,00%", "Đạt"]);
  await checkPage(staffPage, "dashboard-intake-targets");
  await staffPage.close();
});
