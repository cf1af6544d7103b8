// The app shell on a phone: the home page lists the demo procedures in Vietnamese, search works
// without diacritics, the bottom navigation is there, and the page passes axe.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, startBrowser, axeViolations, screenshot, hasNoHorizontalScroll } from "./support.mjs";

let server, browser;
before(async () => {
  server = await startServer();
  browser = await startBrowser();
});
after(async () => {
  await browser?.close();
  server?.stop();
});

test("home page lists procedures and filters them without diacritics", async () => {
  const page = await browser.newPage();
  await page.goto(server.base + "/");
  const list = page.getByRole("list", { name: "Danh sách thủ tục" });
  await list.getByText("Thủ tục đăng ký khai sinh").waitFor();
  assert.ok((await list.getByRole("listitem").count()) >= 10);
  await screenshot(page, "shell-home");

  await page.getByPlaceholder("Tìm thủ tục, ví dụ: chứng thực").fill("chung thuc");
  // The Worker wrote every card into the page: the search hides those it does not match.
  await list.getByText("Thủ tục đăng ký khai sinh").waitFor({ state: "hidden" });
  await list.getByText("Thủ tục chứng thực chữ ký", { exact: false }).waitFor();
  const titles = await list.locator("li:not([hidden]) .card-title").allInnerTexts();
  assert.ok(titles.length >= 3, titles.join("\n"));
  assert.ok(titles.every((t) => t.toLowerCase().includes("chứng thực")), titles.join("\n"));
  await screenshot(page, "shell-search");

  const nav = page.getByRole("navigation", { name: "Điều hướng chính" });
  for (const label of ["Thủ tục", "Hồ sơ của tôi", "Giấy tờ", "Tài khoản"]) {
    await nav.getByRole("link", { name: label }).waitFor();
  }
  assert.ok(await hasNoHorizontalScroll(page), "no horizontal scrolling at 360 px");
  assert.deepEqual(await axeViolations(page), []);
});

test("a procedure page shows its facts and recomputes the fee as inputs change", async () => {
  const page = await browser.newPage();
  await page.goto(server.base + "/thu-tuc/2.000815");
  await page.getByRole("heading", { level: 1 }).getByText("chứng thực bản sao", { exact: false }).waitFor();
  await page.getByText("1 ngày làm việc").waitFor();
  await page.getByLabel("Số trang của bản chính").fill("5");
  const total = page.locator(".fee-total");
  await page.waitForFunction(() => document.querySelector(".fee-total")?.textContent === "7.000 đ");
  await page.getByLabel("Số bản sao cần chứng thực").fill("3");
  await page.waitForFunction(() => document.querySelector(".fee-total")?.textContent === "21.000 đ");
  assert.equal(await total.textContent(), "21.000 đ");
  await page.getByText("Căn cứ: Thông tư 226/2016/TT-BTC", { exact: false }).first().waitFor();
  await page.getByLabel("Số trang của bản chính").fill("");
  await page.getByRole("alert").waitFor();
  await screenshot(page, "shell-procedure");
  assert.deepEqual(await axeViolations(page), []);
});

test("a first visit paints the Worker's page with its data and no wasm; the form opens with the whole app", async () => {
  const page = await browser.newPage();
  const wasm = [];
  const api = [];
  page.on("request", (r) => {
    const path = new URL(r.url()).pathname;
    if (path.endsWith(".wasm")) wasm.push(path);
    if (path.startsWith("/api/")) api.push(path);
  });
  // The HTML itself carries the procedures: no second request before the first paint.
  const html = await (await fetch(server.base + "/?agency=000.10.51.H27")).text();
  assert.match(html, /Thủ tục chứng thực bản sao từ bản chính/);
  await page.goto(server.base + "/?agency=000.10.51.H27");
  const list = page.getByRole("list", { name: "Danh sách thủ tục" });
  await list.getByText("Thủ tục chứng thực bản sao từ bản chính", { exact: false }).first().click();
  await page.getByRole("link", { name: "Nộp hồ sơ trực tuyến" }).waitFor();
  assert.deepEqual(wasm, [], "home and procedure pages need no wasm");
  assert.deepEqual(api, [], "nor a request to the API");

  await page.getByRole("link", { name: "Nộp hồ sơ trực tuyến" }).click();
  await page.getByLabel("Họ tên người nộp *").waitFor();
  assert.deepEqual(wasm, ["/pkg/motcua_bg.wasm"], "the form came with the whole app");
  assert.match(new URL(page.url()).pathname, /^\/thu-tuc\/[^/]+\/nop$/);
  // In the whole app, going back home stays in the page (no new load) and shows the same cards.
  await page.getByRole("navigation", { name: "Điều hướng chính" }).getByRole("link", { name: "Thủ tục" }).click();
  await list.getByRole("listitem").first().waitFor();
  assert.equal(wasm.length, 1);
});
