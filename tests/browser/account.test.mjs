// "Tài khoản" on a phone: a new citizen logs in with the code from the dev outbox, the first-log-in
// profile shows the domain's errors at the field, then the profile is shown, and log-out ends it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, startBrowser, axeViolations, screenshot, hasNoHorizontalScroll, codeFor } from "./support.mjs";

let server, browser;
before(async () => {
  server = await startServer();
  browser = await startBrowser();
});
after(async () => {
  await browser?.close();
  server?.stop();
});


test("a new citizen logs in by code, fills the profile once and logs out", async () => {
  const phone = "0911000300";
  const page = await browser.newPage();
  await page.goto(server.base + "/tai-khoan");
  const phoneInput = page.getByLabel("Số điện thoại");
  await phoneInput.fill("12345");
  await page.getByRole("button", { name: "Nhận mã xác thực" }).click();
  await page.locator("#e-phone").getByText("Số điện thoại di động không hợp lệ", { exact: false }).waitFor();
  assert.equal(await phoneInput.getAttribute("aria-invalid"), "true");

  await phoneInput.fill(phone);
  await page.getByRole("button", { name: "Nhận mã xác thực" }).click();
  await page.getByText(`Mã xác thực đã được gửi đến ${phone}`, { exact: false }).waitFor();
  await page.getByLabel("Mã xác thực").fill("000000" === (await codeFor(server.base, phone)) ? "111111" : "000000");
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await page.locator("#e-code").getByText("Bạn còn 4 lần thử", { exact: false }).waitFor();
  await screenshot(page, "account-wrong-code");

  await page.getByLabel("Mã xác thực").fill(await codeFor(server.base, phone));
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await page.getByLabel("Họ và tên *").fill("Đỗ Thị Hạnh");
  await page.getByLabel("Số định danh cá nhân (CCCD) *").fill("0301");
  await page.getByRole("button", { name: "Lưu thông tin" }).click();
  await page.locator("#e-citizen_id").getByText("12 chữ số", { exact: false }).waitFor();
  assert.ok(await hasNoHorizontalScroll(page), "no horizontal scrolling at 360 px");
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, "account-profile-error");

  await page.getByLabel("Số định danh cá nhân (CCCD) *").fill("030185004399");
  await page.getByRole("button", { name: "Lưu thông tin" }).click();
  await page.getByRole("definition").getByText("Đỗ Thị Hạnh").waitFor();
  await screenshot(page, "account-done");

  // Still logged in after a reload (the session cookie), then log out.
  await page.reload();
  await page.getByRole("definition").getByText("Đỗ Thị Hạnh").waitFor();
  await page.getByRole("button", { name: "Đăng xuất" }).click();
  await page.getByRole("button", { name: "Nhận mã xác thực" }).waitFor();
  const me = await page.evaluate(async () => (await fetch("/api/me")).status);
  assert.equal(me, 401);
});
