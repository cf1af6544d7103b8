// Bills without a dossier, in a browser at 360×740. Sơn Tây's officer issues a fine on the desk
// screen (/can-bo/khoan-phai-nop): a missing due date shows at its field first, then the fine is
// created and listed as unpaid. The payer, with no account, looks it up at /nop-phi by its code
// and CCCD: another person's number gets the server's "not found" at the form; the right one shows
// the fine (kind, violation, total). They pay by VietQR (the sandbox bank calls the signed
// webhook) and the page, polling the look-up, shows "Đã nộp" with the receipt link; a reload
// finds the bill again from the number kept in the tab. axe and no horizontal scrolling on each.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, startBrowser, axeViolations, screenshot, hasNoHorizontalScroll, staffLogin } from "./support.mjs";

let server, browser;
before(async () => {
  server = await startServer();
  browser = await startBrowser();
});
after(async () => {
  await browser?.close();
  server?.stop();
});

const PAYER = "042090003456";
const SOMEONE_ELSE = "042090009999";

async function checkPage(page, name) {
  assert.deepEqual(await axeViolations(page), [], `axe on ${name}`);
  assert.ok(await hasNoHorizontalScroll(page), `no horizontal scrolling on ${name}`);
  await screenshot(page, name);
}

/// A day `days` after today in Vietnam, as `YYYY-MM-DD` (what a date input takes).
function dayFromNow(days) {
  return new Date(Date.now() + 7 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

test("an officer issues a fine; the payer looks it up by code and CCCD, pays by VietQR and gets the receipt", async () => {
  // The desk: Sơn Tây's officer issues the fine.
  const desk = await browser.newPage();
  await staffLogin(desk, "sontay.motcua", server.base);
  await desk.getByRole("navigation", { name: "Điều hướng cán bộ" }).getByRole("link", { name: "Khoản thu" }).click();
  await desk.getByRole("heading", { name: "Khoản phải nộp", level: 1 }).waitFor();
  await desk.locator("#b-agency option[value='000.10.51.H27']").waitFor({ state: "attached" });
  await desk.getByRole("button", { name: "Tạo mới" }).click();
  const form = desk.locator("form.bill-form");
  await form.getByLabel("Loại khoản phải nộp").selectOption("fine");
  await form.getByLabel("Họ và tên người nộp (hoặc tên tổ chức)").fill("Trần Văn Phạt");
  await form.getByLabel("Số CCCD hoặc mã số thuế").fill(PAYER);
  await form.getByLabel("Số văn bản").fill("15/QĐ-XPHC");
  await form.getByLabel("Hành vi vi phạm (như ghi trong quyết định)").fill("Đổ rác thải sinh hoạt không đúng nơi quy định");
  await form.getByLabel("Người ra quyết định xử phạt").fill("Nguyễn Văn Hùng, Chủ tịch UBND xã");
  await form.getByLabel("Nội dung khoản").fill("Tiền phạt vi phạm hành chính");
  await form.getByLabel("Số tiền (đồng)").fill("500000");
  // No due date yet: the domain's check names the field, in Vietnamese.
  await form.getByRole("button", { name: "Tạo khoản phải nộp" }).click();
  await desk.locator("#e-due_date").waitFor();
  assert.equal(await form.getByLabel("Hạn nộp").getAttribute("aria-invalid"), "true");
  assert.match(await desk.locator("#e-due_date").innerText(), /[a-zà-ỹ]/i);
  await checkPage(desk, "bills-desk-form");

  await form.getByLabel("Hạn nộp").fill(dayFromNow(10));
  const created = desk.waitForResponse((r) => r.url().endsWith("/api/staff/bills") && r.request().method() === "POST");
  await form.getByRole("button", { name: "Tạo khoản phải nộp" }).click();
  const answer = await created;
  assert.equal(answer.status(), 201, await answer.text());
  const bill = await answer.json();
  assert.match(bill.code, /^000\.10\.51\.H27-P\d{6}-\d{4}$/);
  assert.equal(bill.total, 500000);
  await desk.locator(".done-msg").getByText(bill.code).waitFor();

  await desk.getByRole("button", { name: "Danh sách" }).click();
  const card = desk.locator(".bill-card", { hasText: bill.code });
  await card.getByText("Chưa nộp").waitFor();
  await card.getByText("500.000 đ").first().waitFor();
  await checkPage(desk, "bills-desk-list");
  await desk.close();

  // The payer, on their phone, with no account.
  const page = await browser.newPage();
  await page.goto(server.base + "/nop-phi");
  await page.getByRole("heading", { name: "Tra cứu và nộp khoản phải nộp", level: 1 }).waitFor();
  await checkPage(page, "bills-lookup");
  await page.getByLabel("Mã khoản phải nộp").fill(bill.code);
  await page.getByLabel("Số CCCD hoặc mã số thuế của người nộp").fill(SOMEONE_ELSE);
  let looked = page.waitForResponse((r) => r.url().includes("/api/bills/lookup"));
  await page.getByRole("button", { name: "Tra cứu" }).click();
  const miss = await looked;
  assert.equal(miss.status(), 404);
  const notFound = (await miss.json()).error;
  assert.equal(notFound.code, "not_found");
  await page.getByText(notFound.message_vi).waitFor();
  assert.equal(await page.locator(".bill").count(), 0, "nothing of the bill is shown to another number");
  await checkPage(page, "bills-lookup-not-found");

  await page.getByLabel("Số CCCD hoặc mã số thuế của người nộp").fill(PAYER);
  looked = page.waitForResponse((r) => r.url().includes("/api/bills/lookup"));
  await page.getByRole("button", { name: "Tra cứu" }).click();
  assert.equal((await looked).status(), 200);
  const shown = page.locator(".bill");
  await shown.getByRole("heading", { name: "Phạt vi phạm hành chính" }).waitFor();
  await shown.getByText("Đổ rác thải sinh hoạt không đúng nơi quy định").waitFor();
  await shown.locator(".bill-total").getByText("500.000 đ").waitFor();
  await shown.locator(".status-label").getByText("Chưa nộp").waitFor();
  // The payer's number is never shown in full.
  assert.equal(await page.getByText(PAYER).count(), 0);
  await checkPage(page, "bills-lookup-found");

  await page.getByRole("button", { name: "Chuyển khoản VietQR" }).click();
  await page.getByRole("img", { name: "Mã VietQR để chuyển khoản" }).locator("svg").waitFor();
  const purpose = (await page.locator(".purpose").textContent()).trim();
  const account = (await page.locator(".account-no").textContent()).trim();
  await checkPage(page, "bills-vietqr");
  // The payer's bank app transfers; the bank notifies our webhook (signed) through the sandbox.
  const r = await fetch(`${server.base}/sandbox/bank/transfer`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ account, amount: 500000, content: `TRAN VAN PHAT CK ${purpose}` }),
  });
  assert.equal((await r.json()).webhook_status, 200);
  await page.getByRole("status").getByText("Đã nộp", { exact: true }).waitFor({ timeout: 20_000 });
  const receipt = page.getByRole("link", { name: "Xem biên lai điện tử" });
  await receipt.waitFor();
  assert.ok(await receipt.getAttribute("href"));
  await checkPage(page, "bills-paid");

  // Back on the page later in the same tab (as after a provider's return): the number kept in
  // the tab finds the bill again.
  await page.goto(`${server.base}/nop-phi?ma=${encodeURIComponent(bill.code)}`);
  await page.getByRole("status").getByText("Đã nộp", { exact: true }).waitFor();
  await page.close();
});
