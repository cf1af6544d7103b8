// A commune portal embeds motcua with one script tag (public/embed-demo.html, the mock portal of
// Sơn Tây). The portal is served by a small http server of this test: as http://localhost:PORT,
// a listed origin and another site than the app at http://127.0.0.1:APP_PORT (so the session
// cookie is a third-party one in the frame), and as http://127.0.0.1:PORT, an unlisted origin.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startServer, startBrowser, screenshot, apiLogin, apiCall, dossierAwaitingPayment, SON_TAY, ROOT, codeFor } from "./support.mjs";

const FRAME = 'iframe[title="Dịch vụ công trực tuyến"]';
let server, browser, portal, portalPort;

function startPortal(appBase) {
  const demo = readFileSync(join(ROOT, "public", "embed-demo.html"), "utf8").replaceAll("http://127.0.0.1:8787", appBase);
  const pages = () => ({
    "/embed-demo.html": demo,
    // The same portal page, but its iframe claims to be framed by the listed origin.
    "/spoof.html": `<!doctype html><html lang="vi"><title>x</title><iframe title="spoof" src="${appBase}/nhung/${SON_TAY}?parent=${encodeURIComponent(`http://localhost:${portalPort}`)}"></iframe>`,
    // A foreign window that tries to resize the portal's motcua frame.
    "/foreign.html": `<!doctype html><html lang="vi"><title>x</title><script>parent.postMessage({ type: "motcua:height", height: 7 }, "*");</script>`,
  });
  const handler = (req, res) => {
    const body = pages()[new URL(req.url, "http://x").pathname];
    res.writeHead(body ? 200 : 404, { "content-type": "text/html; charset=utf-8" });
    res.end(body || "");
  };
  // localhost may resolve to ::1 or 127.0.0.1: listen on both loopbacks, nothing else.
  const servers = [createServer(handler), createServer(handler)];
  return new Promise((resolve) => {
    servers[0].listen(0, "127.0.0.1", () => {
      portalPort = servers[0].address().port;
      servers[1].on("error", () => {});
      servers[1].listen(portalPort, "::1", () => {});
      resolve({ close: () => servers.forEach((s) => s.close()) });
    });
  });
}

before(async () => {
  server = await startServer();
  browser = await startBrowser();
  portal = await startPortal(server.base);
  const admin = await apiLogin(server.base, { username: "hatinh.admin" });
  const set = await apiCall(server.base, admin, "PUT", `/api/admin/agencies/${SON_TAY}/embed-origins`, {
    origins: [`http://localhost:${portalPort}`],
  });
  assert.deepEqual(set.origins, [`http://localhost:${portalPort}`]);
});
after(async () => {
  await browser?.close();
  portal?.close();
  server?.stop();
});


/// Waits until the iframe is as tall as the app's content, and returns both heights.
async function settledHeights(page, frame) {
  let last;
  for (let i = 0; i < 40; i++) {
    const content = await frame.evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height));
    const box = await page.locator(FRAME).evaluate((el) => el.getBoundingClientRect().height);
    last = { content, box };
    if (Math.abs(content - box) <= 1) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  return last;
}

/// Waits until the frame has its final height and the portal has stopped scrolling.
async function settle(page, frame) {
  await settledHeights(page, frame);
  let last = -1;
  for (let i = 0; i < 20; i++) {
    const y = await page.evaluate(() => window.scrollY);
    if (y === last) break;
    last = y;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/// Follows a link in the frame once the frame has its final height and the portal has stopped
/// scrolling. The frame resizes as a page's data arrives, so a click can still land where the
/// link was a moment before: it is repeated (at most three times) until the frame's address
/// changes.
async function clickSettled(page, frame, locator) {
  const before = frame.url();
  for (let attempt = 0; attempt < 3; attempt++) {
    await locator.waitFor();
    await settle(page, frame);
    await locator.click();
    for (let i = 0; i < 30 && frame.url() === before; i++) await new Promise((r) => setTimeout(r, 100));
    if (frame.url() !== before) return;
  }
  throw new Error(`the frame stayed at ${before}`);
}

test("the portal shows Sơn Tây's procedures in a frame of the right height; log-in and payment work inside", async () => {
  const page = await browser.newPage();
  await page.goto(`http://localhost:${portalPort}/embed-demo.html`);
  const frameEl = page.locator(FRAME);
  await frameEl.waitFor();
  const frame = await (await frameEl.elementHandle()).contentFrame();
  const inside = page.frameLocator(FRAME);
  await inside.locator("header .header-agency").getByText("UBND xã Sơn Tây").waitFor();
  await inside.getByRole("link", { name: /Thủ tục chứng thực bản sao từ bản chính/ }).waitFor();
  assert.ok(frame.url().startsWith(`${server.base}/?agency=${SON_TAY}`), frame.url());

  // Sized to its content: no inner scrollbar, and not the script's initial 640 px.
  const { content, box } = await settledHeights(page, frame);
  assert.ok(Math.abs(content - box) <= 1, `iframe ${box}px for content ${content}px`);
  assert.ok(content > 700, `the procedure list is long (${content}px)`);
  assert.ok(await frame.evaluate(() => document.documentElement.scrollHeight <= window.innerHeight + 1), "no inner scrolling");
  // The portal's colour (data-color="#0a5") themes the app.
  assert.equal(await frame.evaluate(() => getComputedStyle(document.querySelector("header.top")).backgroundColor), "rgb(0, 170, 85)");
  await screenshot(page, "embed-portal");

  // A foreign window's message and the portal's own are ignored; only the frame sizes itself.
  await page.evaluate(() => window.postMessage({ type: "motcua:height", height: 5 }, "*"));
  await page.evaluate((src) => {
    const f = document.createElement("iframe");
    f.src = src;
    f.title = "foreign";
    document.body.appendChild(f);
  }, `http://127.0.0.1:${portalPort}/foreign.html`);
  await page.frameLocator('iframe[title="foreign"]').locator("script").waitFor({ state: "attached" });
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(await frameEl.evaluate((el) => el.getBoundingClientRect().height), box, "height unchanged by foreign messages");

  // Opening another page inside the frame brings the frame's top back into view when the visitor
  // had scrolled below it (room below the frame so the portal could stay scrolled).
  await page.evaluate(() => (document.body.style.paddingBottom = "3000px"));
  await page.evaluate((sel) => window.scrollTo(0, document.querySelector(sel).getBoundingClientRect().top + window.scrollY + 400), FRAME);
  assert.ok((await frameEl.evaluate((el) => el.getBoundingClientRect().top)) < -300, "scrolled below the frame's top");
  await frame.evaluate(() => [...document.querySelectorAll('main a[href^="/thu-tuc/"]')].pop().click());
  await inside.getByRole("link", { name: "Nộp hồ sơ trực tuyến" }).waitFor();
  let top;
  for (let i = 0; i < 20 && !(Math.abs(top) <= 1); i++) {
    top = await frameEl.evaluate((el) => el.getBoundingClientRect().top);
    if (!(Math.abs(top) <= 1)) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(Math.abs(top) <= 1, `the frame's top is in view after navigating (top ${top}px)`);
  await page.evaluate(() => (document.body.style.paddingBottom = ""));

  // Log in inside the frame (the partitioned cookie of embed mode; a Lax one is never sent here).
  const phone = "0912345678";
  await clickSettled(page, frame, inside.getByRole("link", { name: "Tài khoản", exact: true }));
  // The page settles (its session check answered, the frame resized) before the number is typed.
  await inside.getByLabel("Số điện thoại").waitFor();
  await settle(page, frame);
  await inside.getByLabel("Số điện thoại").fill(phone);
  assert.equal(await inside.getByLabel("Số điện thoại").inputValue(), phone);
  await inside.getByRole("button", { name: "Nhận mã xác thực" }).click();
  await inside.getByText(`Mã xác thực đã được gửi đến ${phone}`, { exact: false }).waitFor();
  await inside.getByLabel("Mã xác thực").fill(await codeFor(server.base, phone));
  await inside.getByRole("button", { name: "Đăng nhập" }).click();
  await inside.getByRole("definition").getByText("Nguyễn Văn An").waitFor();
  const cookies = await browser.cookies(server.base);
  const session = cookies.find((c) => c.name === "motcua_session");
  assert.ok(session, "a session cookie for the app");
  assert.equal(session.sameSite, "None");
  assert.ok(session.partitionKey, `partitioned: ${JSON.stringify(session)}`);

  // Start a dossier: the form, pre-filled from the profile the session returns.
  await clickSettled(page, frame, inside.getByRole("link", { name: "Thủ tục", exact: true }));
  await clickSettled(page, frame, inside.getByRole("link", { name: /Thủ tục chứng thực bản sao từ bản chính/ }));
  await clickSettled(page, frame, inside.getByRole("link", { name: "Nộp hồ sơ trực tuyến" }));
  const name = inside.getByLabel("Họ tên người nộp *");
  await name.waitFor().catch(async (e) => {
    await screenshot(page, "embed-form-failed");
    throw e;
  });
  // The pre-fill arrives with the profile request.
  for (let i = 0; i < 50 && (await name.inputValue()) === ""; i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(await name.inputValue(), "Nguyễn Văn An");
  await screenshot(page, "embed-form");

  // A dossier of this citizen with a fee notice (submitted through the API with the frame's
  // session, received and fee-notified by the officer).
  const citizen = { name: session.name, value: session.value };
  const dossier = await dossierAwaitingPayment(server.base, citizen, phone);

  // Pay: the gateway opens in a window of its own; the frame stays and learns from the ledger.
  await clickSettled(page, frame, inside.getByRole("link", { name: "Hồ sơ của tôi", exact: true }));
  await clickSettled(page, frame, inside.locator(`a[href="/ho-so/${dossier.id}"]`));
  await inside.locator(".fee-total").getByText("21.000 đ").waitFor();
  await settledHeights(page, frame);
  const [popup] = await Promise.all([page.waitForEvent("popup"), inside.getByRole("button", { name: "VNPAY" }).click()]);
  await popup.waitForURL(/\/sandbox\/vnpay\//);
  await popup.getByText("21.000 đ").waitFor();
  await popup.getByRole("button", { name: "Thanh toán", exact: true }).click();
  await popup.waitForURL((u) => u.pathname === `/ho-so/${dossier.id}`);
  await popup.getByRole("status").getByText("bạn có thể đóng cửa sổ này", { exact: false }).waitFor();
  await popup.close();
  assert.equal(frame.url(), `${server.base}/ho-so/${dossier.id}`, "the frame never left the app");
  await inside.getByRole("status").getByText("Đã thanh toán", { exact: true }).waitFor({ timeout: 20_000 });
  await inside.locator(".receipt .receipt-number").waitFor();
  await screenshot(page, "embed-paid");
  await page.close();
});

test("a portal that is not listed gets a refused frame and the plain link", async () => {
  const page = await browser.newPage();
  const statuses = [];
  page.on("response", (r) => r.url().includes("/nhung/") && statuses.push(r.status()));
  await page.goto(`http://127.0.0.1:${portalPort}/embed-demo.html`);
  const frameEl = page.locator(FRAME);
  await frameEl.waitFor();
  const link = page.getByRole("link", { name: "Nộp hồ sơ trực tuyến tại Cổng dịch vụ công Một cửa" });
  await link.waitFor({ timeout: 15_000 });
  assert.equal(await link.getAttribute("href"), `${server.base}/?agency=${SON_TAY}`);
  assert.equal(await frameEl.isVisible(), false, "the refused frame is hidden");
  assert.deepEqual(statuses, [403], "the Worker refused the unlisted parent");
  const frame = await (await frameEl.elementHandle()).contentFrame();
  assert.equal(await frame.locator("header.top").count(), 0, "the frame's content is not the app");
  await screenshot(page, "embed-refused");

  // Lying about the parent does not help: the Worker serves the page, the browser refuses it
  // because this origin is not in frame-ancestors.
  statuses.length = 0;
  await page.goto(`http://127.0.0.1:${portalPort}/spoof.html`);
  await page.waitForFunction(() => document.querySelector("iframe"));
  for (let i = 0; i < 40 && statuses.length === 0; i++) await new Promise((r) => setTimeout(r, 250));
  await new Promise((r) => setTimeout(r, 2000));
  assert.deepEqual(statuses, [200], "served with the listed origins' policy");
  const spoofed = await (await page.locator('iframe[title="spoof"]').elementHandle()).contentFrame();
  assert.equal(await spoofed.locator("header.top").count(), 0, "blocked by frame-ancestors");
  assert.ok(!spoofed.url().startsWith(server.base), spoofed.url());
  await page.close();
});
