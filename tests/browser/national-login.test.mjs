// Log-in with the national public-service portal's account on a phone (360×740): the button comes
// first on "Tài khoản" (seed 004), the sandbox provider's page lists test identities, the citizen
// lands logged in and confirms the profile the portal filled, and log-out goes through the
// provider. A refused log-in shows its reason in Vietnamese.
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

const BUTTON = "Đăng nhập bằng tài khoản Cổng Dịch vụ công quốc gia";

test("a citizen logs in with the national account through the provider's page and logs out there", async () => {
  const page = await browser.newPage();
  await page.goto(server.base + "/tai-khoan");
  const button = page.getByRole("link", { name: BUTTON });
  await button.waitFor();
  // The national account first, the phone below it.
  const [b, p] = await Promise.all([button.boundingBox(), page.getByLabel("Số điện thoại").boundingBox()]);
  assert.ok(b.y < p.y, "the national account is offered above the phone log-in");
  assert.ok(await hasNoHorizontalScroll(page), "no horizontal scrolling at 360 px");
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, "national-login-offer");

  await button.click();
  await page.waitForURL(/\/sandbox\/idp\/oauth2\/authorize/);
  await page.getByText("Lê Văn Cường").click();
  assert.ok(await hasNoHorizontalScroll(page), "the provider's page fits 360 px");
  await screenshot(page, "national-login-provider");
  await page.getByRole("button", { name: "Đăng nhập", exact: true }).click();

  // Back on the app, logged in: the profile the portal filled, to confirm.
  await page.waitForURL(/\/tai-khoan$/);
  await page.getByText("lấy từ tài khoản Cổng Dịch vụ công quốc gia", { exact: false }).waitFor();
  assert.equal(await page.getByLabel("Họ và tên *").inputValue(), "Lê Văn Cường");
  assert.equal(await page.getByLabel("Số định danh cá nhân (CCCD) *").inputValue(), "001090012345");
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, "national-login-confirm");
  await page.getByRole("button", { name: "Lưu thông tin" }).click();
  await page.getByRole("definition").getByText("Lê Văn Cường").waitFor();
  await page.getByText("đã xác thực qua Cổng Dịch vụ công quốc gia", { exact: false }).waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, "national-login-done");

  // Log-out ends the session here and at the provider, which sends the browser back.
  await page.getByRole("button", { name: "Đăng xuất" }).click();
  await page.waitForURL(/\/tai-khoan\?state=/);
  await page.getByRole("link", { name: BUTTON }).waitFor();
  const me = await page.evaluate(async () => (await fetch("/api/me")).status);
  assert.equal(me, 401);
});

test("a refused log-in comes back with its reason in Vietnamese", async () => {
  const page = await browser.newPage();
  await page.goto(server.base + "/tai-khoan");
  await page.getByRole("link", { name: BUTTON }).click();
  await page.waitForURL(/\/sandbox\/idp\/oauth2\/authorize/);
  await page.getByLabel("Lỗi giả lập (dùng cho kiểm thử)").selectOption("expired");
  await page.getByRole("button", { name: "Đăng nhập", exact: true }).click();
  await page.waitForURL(/\/tai-khoan\?loi=token_expired/);
  await page.getByRole("alert").getByText("Thông tin đăng nhập đã hết hạn", { exact: false }).waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, "national-login-refused");
  const me = await page.evaluate(async () => (await fetch("/api/me")).status);
  assert.equal(me, 401);
});
