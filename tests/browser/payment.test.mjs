// Paying a fee notice on a phone: through the VNPay sandbox's hosted page, and by VietQR bank
// transfer confirmed by the bank's signed webhook. Either way the page ends on "Đã thanh toán"
// with the receipt, because the ledger says so (never because the return URL does).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, startBrowser, axeViolations, screenshot, apiLogin, bankTransfer, dossierAwaitingPayment as awaitingPayment } from "./support.mjs";

let server, browser;
before(async () => {
  server = await startServer();
  browser = await startBrowser();
});
after(async () => {
  await browser?.close();
  server?.stop();
});

/// A citizen's dossier awaiting payment, and the browser logged in as that citizen.
async function dossierAwaitingPayment(phone) {
  const citizen = await apiLogin(server.base, { phone });
  const dossier = await awaitingPayment(server.base, citizen, phone);
  const url = new URL(server.base);
  await browser.addCookies([{ name: citizen.name, value: citizen.value, domain: url.hostname, path: "/", httpOnly: true, secure: true, sameSite: "Lax" }]);
  return dossier;
}

test("a citizen pays through the VNPay sandbox and sees the receipt", async () => {
  const dossier = await dossierAwaitingPayment("0911000401");
  const page = await browser.newPage();
  await page.goto(`${server.base}/ho-so/${dossier.id}`);
  await page.locator(".fee-total").getByText("21.000 đ").waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, "payment-fee-notice");
  await page.getByRole("button", { name: "VNPAY" }).click();
  await page.getByRole("heading", { name: "VNPAY" }).waitFor();
  await page.getByText("21.000 đ").waitFor();
  await screenshot(page, "payment-vnpay-sandbox");
  await page.getByRole("button", { name: "Thanh toán" }).click();
  await page.waitForURL((u) => u.pathname === `/ho-so/${dossier.id}`);
  await page.getByRole("status").getByText("Đã thanh toán", { exact: true }).waitFor();
  const receipt = page.getByRole("region", { name: "Biên lai điện tử" });
  await receipt.locator("tfoot").getByText("21.000 đ").waitFor();
  // The legal form (NĐ 254/2026): a number of at most 8 digits, the collector's tax code, the
  // amount in words.
  assert.match(await receipt.locator(".receipt-number").textContent(), /^\d{1,8}$/);
  await receipt.getByText("0800018172").waitFor();
  await receipt.getByText("Hai mươi mốt nghìn đồng").waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, "payment-vnpay-paid");
});

test("a citizen pays by VietQR and the bank's webhook marks it paid", async () => {
  const dossier = await dossierAwaitingPayment("0911000402");
  const page = await browser.newPage();
  await page.goto(`${server.base}/ho-so/${dossier.id}`);
  await page.getByRole("button", { name: "Chuyển khoản VietQR" }).click();
  const qr = page.getByRole("img", { name: "Mã VietQR để chuyển khoản" });
  await qr.locator("svg").waitFor();
  const purpose = (await page.locator(".purpose").textContent()).trim();
  const account = (await page.locator(".account-no").textContent()).trim();
  assert.match(purpose, /^MC[0-9A-Z]{13}$/);
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, "payment-vietqr");
  // The citizen's bank app transfers; the bank notifies our webhook (signed) through the sandbox.
  await bankTransfer(server.base, account, 21000, `NGUYEN VAN AN CK ${purpose}`);
  await page.getByRole("status").getByText("Đã thanh toán", { exact: true }).waitFor({ timeout: 15000 });
  await page.getByRole("region", { name: "Biên lai điện tử" }).getByText("Chuyển khoản VietQR").waitFor();
  await screenshot(page, "payment-vietqr-paid");
});
