// The account page's choice of channels (e-mail needs its address; the choice is saved and
// shown). Guides and posters (issue #18, seed 003 Phụ lục 1–2): the citizen guide at /huong-dan, a static
// page with the app's screens, at the phone viewport with axe, linked from the home page and shown
// on a portal by embed.js (data-page="huong-dan"); and an agency's poster, which prints on exactly
// one A4 page.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { startServer, startBrowser, checkPage, screenshot, apiLogin, SON_TAY, ROOT } from "./support.mjs";

let server, browser;

before(async () => {
  server = await startServer();
  browser = await startBrowser();
});
after(async () => {
  await browser?.close();
  server?.stop();
});

test("the agency's poster prints on exactly one A4 page, with its name, QR code and ways to pay", async () => {
  const page = await browser.newPage();
  const resp = await page.goto(`${server.base}/ap-phich/${SON_TAY}`);
  assert.equal(resp.status(), 200);
  await page.getByRole("heading", { level: 1, name: "UBND xã Sơn Tây" }).waitFor();
  assert.equal(await page.locator("svg").count(), 1, "one QR code");
  await page.getByText(`/?agency=${SON_TAY}`).waitFor();
  assert.ok((await page.getByRole("listitem").filter({ hasText: "VietQR" }).count()) >= 1, "the ways to pay Sơn Tây accepts");
  await checkPage(page, "outreach-poster-phone");
  const pdf = await page.pdf({ format: "A4", printBackground: true });
  const text = pdf.toString("latin1");
  const pages = (text.match(/\/Type\s*\/Page(?![a-zA-Z])/g) || []).length;
  assert.equal(pages, 1, "the poster is one A4 page");
  // The QR code prints large enough to scan from a metre (78 mm).
  await page.emulateMedia({ media: "print" });
  const qr = await page.locator("svg").boundingBox();
  assert.ok(qr.width > 250, `QR ${qr.width}px wide in print`);
  assert.equal(await page.getByRole("button", { name: "In áp phích" }).isVisible(), false, "the print button does not print");
  await page.close();
  const unknown = await (await browser.newPage()).goto(`${server.base}/ap-phich/000.99.99.Z99`);
  assert.equal(unknown.status(), 404);
});

test("the guide is a light static page with the app's screens, fine at 360×740", async () => {
  const page = await browser.newPage();
  const wasm = [];
  page.on("request", (r) => r.url().includes("/pkg/") && wasm.push(r.url()));
  // Reached from the home page's link.
  await page.goto(`${server.base}/?agency=${SON_TAY}`);
  const link = page.getByRole("link", { name: "Hướng dẫn sử dụng: tạo tài khoản, nộp hồ sơ, nộp phí" });
  await link.click();
  await page.waitForURL((u) => u.pathname === "/huong-dan");
  await page.getByRole("heading", { level: 1, name: "Hướng dẫn sử dụng dịch vụ công trực tuyến" }).waitFor();
  wasm.length = 0;
  await page.reload();
  await page.getByRole("heading", { level: 1 }).waitFor();
  const images = page.locator("main img");
  assert.ok((await images.count()) >= 4, "a screen for each step");
  for (const img of await images.all()) {
    await img.scrollIntoViewIfNeeded();
    await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle());
    const alt = await img.getAttribute("alt");
    assert.ok(alt && alt.length > 20 && /[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/i.test(alt), `Vietnamese alt text: ${alt}`);
  }
  assert.deepEqual(wasm, [], "no wasm for the guide");
  await checkPage(page, "outreach-guide");
  const dir = join(ROOT, "public", "huong-dan");
  const total = readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
  assert.ok(total < 250 * 1024, `the screens weigh ${total} bytes`);
  await page.close();
});

test("embed.js shows the guide on a portal with data-page=\"huong-dan\"", async () => {
  const html = `<!doctype html><html lang="vi"><head><title>Cổng thông tin xã</title></head><body><main><h1>Xã Sơn Tây</h1>
    <script src="${server.base}/embed.js" data-page="huong-dan" async></script></main></body></html>`;
  const portal = createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(html);
  });
  await new Promise((r) => portal.listen(0, "127.0.0.1", r));
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${portal.address().port}/`);
    const frameEl = page.locator('iframe[title="Hướng dẫn sử dụng dịch vụ công trực tuyến"]');
    await frameEl.waitFor();
    const frame = page.frameLocator('iframe[title="Hướng dẫn sử dụng dịch vụ công trực tuyến"]');
    await frame.getByRole("heading", { level: 1, name: "Hướng dẫn sử dụng dịch vụ công trực tuyến" }).waitFor();
    // The frame grows to the guide's height (the guide reports it), the app's chrome hidden.
    await page.waitForFunction(() => document.querySelector("iframe").getBoundingClientRect().height > 1000);
    assert.equal(await frame.locator("nav.bottom").isVisible(), false);
    await screenshot(page, "outreach-embed-guide");
  } finally {
    portal.close();
  }
});

test("the citizen chooses e-mail and Zalo in the account page; e-mail without an address is refused at the choice", async () => {
  const phone = "0911818102";
  const citizen = await apiLogin(server.base, { phone });
  const context = await startBrowser();
  try {
    await context.addCookies([{ name: citizen.name, value: citizen.value, url: server.base }]);
    const page = await context.newPage();
    await page.goto(`${server.base}/tai-khoan`);
    await page.getByLabel("Họ và tên *").fill("Lê Thị Mai");
    await page.getByLabel("Số định danh cá nhân (CCCD) *").fill("042090008183");
    const choice = page.getByRole("group", { name: "Nhận thông báo về hồ sơ và phí, lệ phí qua" });
    assert.equal(await choice.getByLabel("Tin nhắn SMS").isChecked(), true, "SMS by default");
    await choice.getByLabel("Tin nhắn SMS").uncheck();
    await choice.getByLabel("Thư điện tử (cần địa chỉ ở trên)").check();
    await choice.getByLabel("Zalo", { exact: false }).check();
    await page.getByRole("button", { name: "Lưu thông tin" }).click();
    await page.locator("#e-notify_channels").getByText("vui lòng nhập địa chỉ thư điện tử", { exact: false }).waitFor();
    await checkPage(page, "outreach-account-channels");
    await page.getByLabel("Thư điện tử", { exact: true }).fill("mai.le@example.vn");
    await page.getByRole("button", { name: "Lưu thông tin" }).click();
    await page.getByRole("definition").getByText("Thư điện tử, Zalo").waitFor();
    const me = await (await fetch(`${server.base}/api/me`, { headers: { cookie: `${citizen.name}=${citizen.value}` } })).json();
    assert.deepEqual(me.notify_channels, ["email", "zalo"]);
  } finally {
    await context.close();
  }
});
