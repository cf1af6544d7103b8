// The landing pages the Worker writes (/, /co-quan, /thu-tuc/{code}; functions/src/pages): their
// live search answers as the API does, they work without JavaScript, they do not move once
// painted, the whole app draws the same cards, and a visited page opens offline.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { startServer, startBrowser, axeViolations, screenshot, PHONE, SON_TAY } from "./support.mjs";

let server, browser;
before(async () => {
  server = await startServer();
  browser = await startBrowser();
});
after(async () => {
  await browser?.close();
  server?.stop();
});

const visibleCodes = (page) =>
  page.$$eval(".cards > li:not([hidden]) a", (as) => as.map((a) => decodeURIComponent(a.getAttribute("href").replace("/thu-tuc/", ""))).sort());

test("the page's search finds exactly what the API's search finds, for the same words", async () => {
  const page = await browser.newPage();
  await page.goto(server.base + "/");
  const input = page.getByPlaceholder("Tìm thủ tục, ví dụ: chứng thực");
  // Marks typed or not, a field's name, a code, word starts only, punctuation, nothing found.
  const queries = ["hộ tịch", "ho tich", "khai tử", "khai tu", "chung thuc", "Chứng Thực bản", "2.000815", "000815", "thủ", "hu tuc", "đăng ký", "dang  ky, ket hon", "xyzzy", ""];
  for (const q of queries) {
    await input.fill(q);
    const shown = await visibleCodes(page);
    const api = await (await fetch(`${server.base}/api/procedures?q=${encodeURIComponent(q)}`)).json();
    assert.deepEqual(shown, api.map((p) => p.code).sort(), `"${q}"`);
    assert.equal(await page.locator("[data-empty]").isVisible(), api.length === 0, `empty message for "${q}"`);
  }
  assert.ok((await (await fetch(`${server.base}/api/procedures?q=ho%20tich`)).json()).length >= 3, "the comparison covers real matches");
  // The address keeps the search, so a reload or a shared link shows the same list.
  await input.fill("khai tu");
  await page.reload();
  assert.deepEqual(await visibleCodes(page), (await (await fetch(`${server.base}/api/procedures?q=khai%20tu`)).json()).map((p) => p.code).sort());
  await page.close();
});

test("the agency chooser's typed search lists what the page written for that search lists", async () => {
  const page = await browser.newPage();
  await page.goto(server.base + "/co-quan");
  for (const q of ["son tay", "Hà Tĩnh", "huong son", "xyzzy"]) {
    await page.getByPlaceholder("Tìm theo tên, ví dụ: son tay").fill(q);
    const typed = await page.locator("form.choose ul.cards li").allInnerTexts();
    const written = await browser.newPage();
    await written.goto(`${server.base}/co-quan?q=${encodeURIComponent(q)}`);
    assert.deepEqual(typed, await written.locator("form.choose ul.cards li").allInnerTexts(), `"${q}"`);
    await written.close();
    if (q === "xyzzy") await page.getByText("Không tìm thấy cơ quan phù hợp.").waitFor();
    else assert.ok(typed.length > 0, `"${q}" finds something`);
  }
  // Emptying the search brings the tree back.
  await page.getByPlaceholder("Tìm theo tên, ví dụ: son tay").fill("");
  await page.getByRole("list", { name: "Cây cơ quan" }).waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await page.close();
});

test("without JavaScript: search, choosing the agency, the fee and the language still work", async () => {
  const plain = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ["--no-sandbox", "--disable-gpu"] });
  try {
    const context = await plain.newContext({ javaScriptEnabled: false, viewport: PHONE, locale: "vi-VN" });
    const page = await context.newPage();
    await page.goto(server.base + "/");
    await page.getByPlaceholder("Tìm thủ tục, ví dụ: chứng thực").fill("ho tich");
    await page.keyboard.press("Enter");
    await page.waitForURL(/\?q=ho\+tich/);
    const api = await (await fetch(`${server.base}/api/procedures?q=ho%20tich`)).json();
    assert.deepEqual(await visibleCodes(page), api.map((p) => p.code).sort());

    // Choose the agency through the tree (native <details>), then submit for a procedure.
    await page.goto(server.base + "/thu-tuc/2.000815");
    await page.getByRole("link", { name: "Chọn cơ quan để nộp hồ sơ" }).click();
    await page.getByPlaceholder("Tìm theo tên, ví dụ: son tay").fill("son tay");
    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: /UBND xã Sơn Tây/ }).click();
    await page.waitForURL((u) => u.pathname === "/thu-tuc/2.000815" && u.searchParams.get("agency") === SON_TAY);
    await page.getByText("Nộp tại: UBND xã Sơn Tây").waitFor();
    assert.equal(await page.locator("header .header-agency").textContent(), "UBND xã Sơn Tây");

    // The fee: the form's button asks the Worker for the new figure.
    await page.getByLabel("Số trang của bản chính").fill("5");
    await page.getByLabel("Số bản sao cần chứng thực").fill("3");
    await page.getByRole("button", { name: "Tính lại phí" }).click();
    await page.waitForURL(/pages=5/);
    assert.equal(await page.locator(".fee-total").textContent(), "21.000 đ");

    // The language, remembered by the Worker for the next page.
    await page.getByRole("button", { name: "English", exact: true }).click();
    await page.getByRole("heading", { level: 2, name: "Required documents" }).waitFor();
    await page.goto(server.base + "/");
    assert.equal(await page.getByRole("heading", { level: 1 }).textContent(), "Administrative procedures");
    assert.equal(await page.locator(".agency-name").textContent(), "UBND xã Sơn Tây", "the agency is remembered too");
    await screenshot(page, "server-pages-no-js");
    await context.close();
  } finally {
    await plain.close();
  }
});

test("the written pages load no wasm and nothing moves after the first paint", async () => {
  const page = await browser.newPage();
  const wasm = [];
  page.on("request", (r) => new URL(r.url()).pathname.endsWith(".wasm") && wasm.push(r.url()));
  for (const path of ["/", "/co-quan", "/thu-tuc/2.000815", `/thu-tuc/2.000815?agency=${SON_TAY}`]) {
    await page.addInitScript(() => {
      window.__shift = 0;
      new PerformanceObserver((list) => list.getEntries().forEach((e) => (window.__shift += e.hadRecentInput ? 0 : e.value))).observe({ type: "layout-shift", buffered: true });
    });
    await page.goto(server.base + path, { waitUntil: "load" });
    await page.waitForTimeout(500);
    assert.equal(await page.evaluate(() => window.__shift), 0, `layout shift on ${path}`);
  }
  assert.deepEqual(wasm, []);
  // An unknown procedure is a page that says so, with a 404.
  const missing = await page.goto(server.base + "/thu-tuc/9.999999");
  assert.equal(missing.status(), 404);
  await page.getByRole("heading", { level: 1, name: "Không tìm thấy thủ tục" }).waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await page.close();
});

test("the whole app draws the same cards and fee table as the Worker's pages", async () => {
  const page = await browser.newPage();
  await page.goto(`${server.base}/?agency=${SON_TAY}`);
  const written = await page.locator(".cards > li").allInnerTexts();
  const writtenFacts = await (async () => {
    await page.goto(`${server.base}/thu-tuc/2.000815?pages=5&copies=3`);
    return [await page.locator("dl.facts").innerText(), await page.locator("table.lines").innerText()];
  })();
  // The whole app (any other page), then client-side to the home page and a procedure.
  await page.goto(server.base + "/ho-so");
  await page.getByRole("navigation", { name: "Điều hướng chính" }).getByRole("link", { name: "Thủ tục" }).click();
  await page.locator(".cards > li").first().waitFor();
  assert.equal(await page.evaluate(() => typeof window.motcuaMatches), "undefined", "drawn by the app, not the page script");
  assert.deepEqual(await page.locator(".cards > li").allInnerTexts(), written);
  await page.locator('.cards a[href="/thu-tuc/2.000815"]').click();
  await page.getByLabel("Số trang của bản chính").fill("5");
  await page.getByLabel("Số bản sao cần chứng thực").fill("3");
  await page.waitForFunction(() => document.querySelector(".fee-total")?.textContent === "21.000 đ");
  assert.deepEqual([await page.locator("dl.facts").innerText(), await page.locator("table.lines").innerText()], writtenFacts);
  await page.close();
});

test("a visited page opens without a network", async () => {
  const page = await browser.newPage();
  await page.goto(server.base + "/");
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.goto(server.base + "/thu-tuc/2.000815");
  await page.getByRole("heading", { level: 1 }).waitFor();
  await page.context().setOffline(true);
  try {
    await page.goto(server.base + "/thu-tuc/2.000815");
    await page.getByText("1 ngày làm việc").waitFor();
    await page.getByRole("status").getByText("Mất kết nối mạng", { exact: false }).waitFor();
    // A page never visited opens in the whole app, from the catalogue it kept.
    await page.goto(server.base + "/");
    await page.getByRole("list", { name: "Danh sách thủ tục" }).getByRole("listitem").first().waitFor();
  } finally {
    await page.context().setOffline(false);
  }
  await page.close();
});
