// The language switch on a phone: Vietnamese by default; "English" in the header reloads the app
// in English (navigation, a procedure's headings, the domain's validation and the server's
// errors), the choice survives a new page, the English pages pass axe, and "Tiếng Việt" brings
// the Vietnamese back.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, startBrowser, axeViolations, screenshot, hasNoHorizontalScroll, apiLogin, dossierAwaitingPayment, codeFor } from "./support.mjs";

let server, browser;
before(async () => {
  server = await startServer();
  browser = await startBrowser();
});
after(async () => {
  await browser?.close();
  server?.stop();
});


const htmlLang = (page) => page.evaluate(() => document.documentElement.getAttribute("lang"));

/// Clicks the header's language button and waits for the reload it triggers.
async function switchTo(page, name) {
  await Promise.all([page.waitForEvent("load"), page.getByRole("button", { name, exact: true }).click()]);
}

test("Vietnamese by default, English after the switch, Vietnamese again after switching back", async () => {
  const page = await browser.newPage();
  await page.goto(server.base + "/");
  const viNav = page.getByRole("navigation", { name: "Điều hướng chính" });
  await viNav.getByRole("link", { name: "Hồ sơ của tôi" }).waitFor();
  assert.equal(await htmlLang(page), "vi");
  assert.equal(await page.getByRole("heading", { level: 1 }).textContent(), "Thủ tục hành chính");
  assert.equal(await page.title(), "Dịch vụ công Một cửa");

  await switchTo(page, "English");
  const enNav = page.getByRole("navigation", { name: "Main navigation" });
  await enNav.getByRole("link", { name: "My dossiers" }).waitFor();
  assert.equal(await htmlLang(page), "en");
  assert.deepEqual(await enNav.getByRole("link").allInnerTexts(), ["Procedures", "My dossiers", "Documents", "Account"]);
  assert.equal(await page.getByRole("heading", { level: 1 }).textContent(), "Administrative procedures");
  assert.equal(await page.title(), "One-Stop Public Services");
  // Procedure names are the agencies' data and stay Vietnamese; the words around them do not.
  const list = page.getByRole("list", { name: "Procedures" });
  await list.getByText("Thủ tục đăng ký khai sinh").waitFor();
  const metas = await list.locator(".card-meta").allInnerTexts();
  assert.ok(metas.length >= 10, metas.join("\n"));
  assert.ok(metas.every((m) => m.startsWith("Code ") && m.includes("working day")), metas.join("\n"));
  assert.ok(metas.every((m) => !m.includes("ngày làm việc")), metas.join("\n"));
  assert.ok(await hasNoHorizontalScroll(page), "no horizontal scrolling at 360 px");
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, "i18n-home-en");

  // A procedure's page: its headings, facts and fee lines in English; the choice survives a
  // new page in the same browser.
  const proc = await browser.newPage();
  await proc.goto(server.base + "/thu-tuc/2.000815");
  await proc.getByRole("heading", { level: 2, name: "Required documents" }).waitFor();
  assert.equal(await htmlLang(proc), "en");
  assert.deepEqual(await proc.getByRole("heading", { level: 2 }).allInnerTexts(), ["Required documents", "Fees and charges"]);
  assert.deepEqual(await proc.locator("dl.facts dt").allInnerTexts(), ["Procedure code", "Level of government", "Processing time", "Legal basis"]);
  assert.equal(await proc.locator("dl.facts dd").nth(2).textContent(), "1 working day");
  await proc.getByText("Legal basis: Thông tư 226/2016/TT-BTC", { exact: false }).first().waitFor();
  assert.equal(await proc.getByText("Thành phần hồ sơ").count(), 0);
  assert.equal(await proc.getByText("Căn cứ:", { exact: false }).count(), 0);
  // The fee input's label is the schedule's data; its error comes from the domain, in English.
  await proc.getByLabel("Số trang của bản chính").fill("");
  const feeError = proc.locator(".fee-calculator .error");
  await feeError.waitFor();
  assert.equal(await feeError.textContent(), "This field is required.");
  assert.ok(await hasNoHorizontalScroll(proc), "no horizontal scrolling at 360 px");
  assert.deepEqual(await axeViolations(proc), []);
  await screenshot(proc, "i18n-procedure-en");
  await proc.close();

  // The account page: the domain's validation and the server's error, both in English.
  await page.goto(server.base + "/tai-khoan");
  await page.getByRole("heading", { level: 1, name: "Account" }).waitFor();
  const phoneInput = page.getByLabel("Phone number");
  await phoneInput.fill("12345");
  await page.getByRole("button", { name: "Get a verification code" }).click();
  await page.locator("#e-phone").getByText("Invalid mobile number", { exact: false }).waitFor();
  assert.equal(await phoneInput.getAttribute("aria-invalid"), "true");
  const phone = "0911000500";
  await phoneInput.fill(phone);
  await page.getByRole("button", { name: "Get a verification code" }).click();
  await page.getByText(`A verification code was sent to ${phone}`, { exact: false }).waitFor();
  const code = await codeFor(server.base, phone);
  await page.getByLabel("Verification code").fill(code === "000000" ? "111111" : "000000");
  await page.getByRole("button", { name: "Log in", exact: true }).click();
  const codeError = page.locator("#e-code");
  await codeError.getByText("Wrong code.", { exact: false }).waitFor();
  assert.match(await codeError.textContent(), /^Wrong code\. \d+ tries left\.$/);
  assert.ok(await hasNoHorizontalScroll(page), "no horizontal scrolling at 360 px");
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, "i18n-account-error-en");

  // Back to Vietnamese.
  await switchTo(page, "Tiếng Việt");
  await page.getByRole("navigation", { name: "Điều hướng chính" }).getByRole("link", { name: "Hồ sơ của tôi" }).waitFor();
  assert.equal(await htmlLang(page), "vi");
  assert.equal(await page.getByRole("heading", { level: 1 }).textContent(), "Tài khoản");
  assert.equal(await page.getByRole("link", { name: "My dossiers" }).count(), 0);
  assert.equal(await page.getByRole("button", { name: "English", exact: true }).count(), 1);
  await screenshot(page, "i18n-back-vi");
});

test("a dossier awaiting payment reads in English: status, fees, providers, timeline, VietQR", async () => {
  const phone = "0911000501";
  const citizen = await apiLogin(server.base, { phone });
  const dossier = await dossierAwaitingPayment(server.base, citizen, phone);
  const url = new URL(server.base);
  await browser.addCookies([{ name: citizen.name, value: citizen.value, domain: url.hostname, path: "/", httpOnly: true, secure: true, sameSite: "Lax" }]);

  const page = await browser.newPage();
  await page.goto(`${server.base}/ho-so/${dossier.id}`);
  await page.locator(".status-label").getByText("Chờ thanh toán").waitFor();
  await switchTo(page, "English");
  const status = page.locator(".status-label");
  await status.getByText("Awaiting payment").waitFor();
  assert.equal(await status.textContent(), "Awaiting payment");
  assert.deepEqual(await page.getByRole("heading", { level: 2 }).allInnerTexts(), ["Fees and charges", "Payment", "Processing history", "Withdraw the dossier"]);
  // Amounts keep the Vietnamese format in English.
  assert.equal(await page.locator(".fee-total").textContent(), "21.000 đ");
  const providers = await page.locator(".providers button").allInnerTexts();
  assert.deepEqual(providers, ["VNPAY", "MoMo e-wallet", "ZaloPay", "VietQR bank transfer", "National Public Service Portal"]);
  const steps = await page.locator(".timeline li").allInnerTexts();
  assert.ok(["Dossier submitted", "Dossier received", "Fees notified"].every((a) => steps.some((s) => s.endsWith(a))), steps.join("\n"));
  assert.ok(await hasNoHorizontalScroll(page), "no horizontal scrolling at 360 px");
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, "i18n-dossier-en");

  await page.getByRole("button", { name: "VietQR bank transfer" }).click();
  await page.getByRole("img", { name: "VietQR code for the bank transfer" }).waitFor();
  assert.deepEqual(await page.locator(".vietqr dt").allInnerTexts(), ["Bank (BIN)", "Account number", "Account holder", "Transfer description"]);
  await page.getByText("Waiting for the bank or e-wallet to confirm the payment…").waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, "i18n-vietqr-en");

  await page.goto(`${server.base}/ho-so`);
  const mine = page.getByRole("list", { name: "Dossiers" });
  await mine.locator(".badge").first().waitFor();
  assert.deepEqual(await mine.locator(".badge").allInnerTexts(), ["Awaiting payment"]);
  assert.deepEqual(await axeViolations(page), []);
  await switchTo(page, "Tiếng Việt");
  await page.getByRole("list", { name: "Danh sách hồ sơ" }).locator(".badge").getByText("Chờ thanh toán").waitFor();
});
