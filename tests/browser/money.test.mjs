// Money administration in a browser, on a phone (360×740). (1) The provincial admin of Hải
// Dương sees Ngọc Kỳ's beneficiary accounts for phí and lệ phí (a bad chương is refused at the
// field), and Đại Sơn's VNPay merchant as saved without its secret; a new MoMo merchant is saved
// and its secrets are never shown again. (2) On /can-bo/doi-soat the admin imports a VNPay
// settlement file with an unknown reference, sees one "Thiếu trong sổ" difference, imports it
// again without change, and resolves it with a note; the day's statement downloads as CSV.
// (3) An officer's VietQR refund request is approved and
// marked transferred by an admin (never by the requester); the citizen's dossier shows it as
// transferred. axe on each page; screenshots in tests/browser/artifacts.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, startBrowser, apiLogin, apiCall, dossierAwaitingPayment, staffLogin, checkPage, bankTransfer } from "./support.mjs";

let server, browser;
before(async () => {
  server = await startServer();
  browser = await startBrowser();
});
after(async () => {
  await browser?.close();
  server?.stop();
});

const NGOC_KY = "000.04.51.H23";
const DAI_SON = "000.02.51.H23";

/// Today in Vietnam (UTC+7), as the pages default to.
function todayVn() {
  return new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10);
}


/// Waits until the input matched by `selector` holds `value`.
async function hasValue(page, selector, value) {
  await page.waitForFunction(([s, v]) => document.querySelector(s)?.value === v, [selector, value], { timeout: 15_000 });
}

async function phonePage() {
  const page = await browser.newPage();
  await page.setViewportSize({ width: 360, height: 740 });
  return page;
}

test("an admin sees an agency's accounts per purpose and its merchants with write-only secrets", async () => {
  const page = await phonePage();
  await staffLogin(page, "haiduong.admin", server.base);
  await page.getByRole("navigation", { name: "Điều hướng cán bộ" }).getByRole("link", { name: "Quản trị" }).click();
  await page.getByRole("heading", { name: "Quản trị danh mục" }).waitFor();
  await page.locator(`#a-agency option[value='${NGOC_KY}']`).waitFor({ state: "attached" });
  await page.locator("#a-agency").selectOption(NGOC_KY);

  await page.getByRole("heading", { name: "Tài khoản thụ hưởng" }).waitFor();
  await page.getByRole("heading", { name: "Phí — tài khoản thu phí của cơ quan" }).waitFor();
  await page.getByRole("heading", { name: "Lệ phí — tài khoản Kho bạc Nhà nước" }).waitFor();
  await hasValue(page, "#acc-phi-holder_name", "UBND xã Ngọc Kỳ");
  await hasValue(page, "#acc-phi-account_number", "371300011089");
  await hasValue(page, "#acc-le_phi-holder_name", "Kho bạc Nhà nước Tứ Kỳ");
  await hasValue(page, "#acc-le_phi-treasury_code", "0298");
  await hasValue(page, "#acc-le_phi-chapter", "805");
  await hasValue(page, "#acc-le_phi-budget_item", "2771");
  await hasValue(page, "#acc-le_phi-account_number", "711100000298");
  // Ngọc Kỳ has no VNPay merchant of its own: its payments use the deployment's.
  await page.locator(".gateway-form[data-provider=vnpay] .gateway-source", { hasText: "Dùng cấu hình của: triển khai chung" }).waitFor();
  await checkPage(page, "money-admin-accounts");

  // The server's refusal shows at the field; corrected, it is saved.
  const lePhi = page.locator("form.account-form", { has: page.getByRole("heading", { name: "Lệ phí — tài khoản Kho bạc Nhà nước" }) });
  await lePhi.getByLabel("Chương (3 chữ số)").fill("80");
  await lePhi.getByRole("button", { name: "Lưu tài khoản lệ phí" }).click();
  await page.locator("#e-acc-le_phi-chapter").getByText("Chương", { exact: false }).waitFor();
  assert.equal(await lePhi.getByLabel("Chương (3 chữ số)").getAttribute("aria-invalid"), "true");
  await checkPage(page, "money-admin-accounts-error");
  await lePhi.getByLabel("Chương (3 chữ số)").fill("805");
  await lePhi.getByRole("button", { name: "Lưu tài khoản lệ phí" }).click();
  await lePhi.getByRole("status").getByText("Đã lưu tài khoản Kho bạc nhận lệ phí.").waitFor();

  // Đại Sơn's own VNPay merchant: the code shown, the secret only as saved with its length.
  await page.locator("#a-agency").selectOption(DAI_SON);
  const vnpay = page.locator(".gateway-form[data-provider=vnpay]");
  await hasValue(page, "#gw-vnpay-tmn_code", "DAISON01");
  await vnpay.locator(".gateway-source", { hasText: "Cơ quan đã có cấu hình riêng." }).waitFor();
  await vnpay.locator("#h-gw-vnpay-hash_secret", { hasText: "Đã lưu (32 ký tự)" }).waitFor();
  assert.equal(await page.locator("#gw-vnpay-hash_secret").getAttribute("type"), "password");
  assert.equal(await page.locator("#gw-vnpay-hash_secret").inputValue(), "");
  await checkPage(page, "money-admin-gateways");

  // A new MoMo merchant: once saved, its secrets are gone from the page, shown by length only.
  const momo = page.locator(".gateway-form[data-provider=momo]");
  await momo.getByLabel("Mã đối tác (partnerCode)").fill("MOMODAISON");
  await momo.getByLabel("Access key").fill("AccessKeyDaiSon1");
  await momo.getByLabel("Secret key").fill("SecretKeyDaiSonMoMo2026");
  await momo.getByRole("button", { name: "Lưu cấu hình Ví MoMo" }).click();
  await momo.getByRole("status").getByText("Đã lưu cấu hình Ví MoMo", { exact: false }).waitFor();
  await momo.locator("#h-gw-momo-secret_key", { hasText: "Đã lưu (23 ký tự)" }).waitFor();
  assert.equal(await page.locator("#gw-momo-secret_key").inputValue(), "");
  assert.equal(await page.locator("#gw-momo-access_key").inputValue(), "");
  await hasValue(page, "#gw-momo-partner_code", "MOMODAISON");
  const html = await page.content();
  assert.ok(!html.includes("SecretKeyDaiSonMoMo2026") && !html.includes("AccessKeyDaiSon1"), "no secret left in the page");
  await page.close();
});

test("an admin imports a VNPay settlement file, sees the difference and resolves it", async () => {
  const page = await phonePage();
  await staffLogin(page, "haiduong.admin", server.base);
  await page.getByRole("navigation", { name: "Điều hướng cán bộ" }).getByRole("link", { name: "Đối soát" }).click();
  await page.getByRole("heading", { name: "Đối soát thanh toán", level: 1 }).waitFor();
  await page.locator(`#d-agency option[value='${NGOC_KY}']`).waitFor({ state: "attached" });
  await page.locator("#d-agency").selectOption(NGOC_KY);
  const today = todayVn();
  assert.equal(await page.locator("#d-date").inputValue(), today);
  assert.equal(await page.locator("#d-provider").inputValue(), "vnpay");
  await checkPage(page, "money-reconcile");

  // A file that is not VNPay's is refused at the file, naming the line.
  await page.locator("#d-file").setInputFiles({ name: "sai.csv", mimeType: "text/csv", buffer: Buffer.from("a,b\n1,2\n") });
  await page.getByRole("button", { name: "Nhập và đối soát" }).click();
  await page.locator("#e-d-file").getByText("Dòng", { exact: false }).waitFor();

  const compact = today.replaceAll("-", "");
  const csv = `STT,Ma GD VNPAY,Ma GD Merchant,Ma ngan hang,So tien,Thoi gian GD,Trang thai\n1,14099999,MCZZZZZZZZZZZZZ,NCB,5000,${compact}100000,00\n`;
  const file = { name: "vnpay.csv", mimeType: "text/csv", buffer: Buffer.from(csv) };
  await page.locator("#d-file").setInputFiles(file);
  await page.getByRole("button", { name: "Nhập và đối soát" }).click();
  await page.locator(".import-result").getByText("Đã đối soát tệp VNPAY", { exact: false }).waitFor();
  assert.equal((await page.locator(".counts dd[data-kind=missing_from_ledger]").innerText()).trim(), "1");
  const row = page.locator(".findings-table tbody tr", { hasText: "MCZZZZZZZZZZZZZ" });
  await row.getByText("Thiếu trong sổ").waitFor();
  assert.match(await row.innerText(), /5\.000/);
  const card = page.locator("li.finding", { hasText: "MCZZZZZZZZZZZZZ" });
  await card.getByText("Thiếu trong sổ").waitFor();
  assert.equal(await page.locator("li.finding[data-kind=missing_from_ledger]").count(), 1);
  await checkPage(page, "money-reconcile-imported");

  // The same file again changes nothing.
  await page.locator("#d-file").setInputFiles(file);
  await page.getByRole("button", { name: "Nhập và đối soát" }).click();
  await page.locator(".import-result").getByText("Tệp này đã được nhập trước đây", { exact: false }).waitFor();
  assert.equal(await page.locator("li.finding[data-kind=missing_from_ledger]").count(), 1);

  // Resolved with a note, it leaves the open list and shows in the full one.
  await card.getByLabel("Cách đã xử lý").fill("Tra soát với VNPAY: giao dịch thử nghiệm, không thuộc cơ quan.");
  await card.getByRole("button", { name: "Đã xử lý" }).click();
  await page.getByRole("status").getByText("Đã ghi nhận xử lý chênh lệch MCZZZZZZZZZZZZZ.").waitFor();
  await page.getByText("Không có chênh lệch nào cần xử lý.").waitFor();
  await page.getByLabel("Hiện cả chênh lệch đã xử lý").check();
  await page.locator("li.finding", { hasText: "MCZZZZZZZZZZZZZ" }).getByText("Đã xử lý bởi haiduong.admin", { exact: false }).waitFor();
  await checkPage(page, "money-reconcile-resolved");

  // The day's statement downloads as CSV with the admin's session.
  const link = page.getByRole("link", { name: /^Tải sao kê ngày/ });
  const href = await link.getAttribute("href");
  assert.equal(href, `/api/staff/statements?agency=${encodeURIComponent(NGOC_KY)}&date=${today}&format=csv`);
  const statement = await page.request.get(server.base + href);
  assert.equal(statement.status(), 200);
  assert.match(statement.headers()["content-type"], /text\/csv/);
  await page.close();
});

test("a refund paid back by hand is approved and marked transferred by someone else than the requester", async () => {
  const admin = await apiLogin(server.base, { username: "hatinh.admin" });
  // A citizen pays 21.000 đ at Sơn Tây by VietQR; Sơn Tây's officer asks for the money back.
  const phone = "0911000901";
  const citizen = await apiLogin(server.base, { phone });
  const dossier = await dossierAwaitingPayment(server.base, citizen, phone);
  const started = await apiCall(server.base, citizen, "POST", `/api/dossiers/${dossier.id}/payments`, { provider: "vietqr" });
  await bankTransfer(server.base, started.next.account_no, 21000, `CK ${started.next.purpose}`);
  const officer = await apiLogin(server.base, { username: "sontay.motcua" });
  const asked = await apiCall(server.base, officer, "POST", `/api/staff/payments/${started.payment.id}/refunds`, { amount: 21000, reason: "Công dân nộp thừa lệ phí" });
  assert.equal(asked.status, "requested");
  // The requester cannot decide their own request.
  const own = await apiCall(server.base, officer, "GET", "/api/staff/refunds?status=open");
  assert.equal(own.find((r) => r.id === asked.id)?.can_decide, false);

  const page = await phonePage();
  await staffLogin(page, "hatinh.admin", server.base);
  await page.getByRole("navigation", { name: "Điều hướng cán bộ" }).getByRole("link", { name: "Hoàn tiền" }).click();
  await page.getByRole("heading", { name: "Hoàn tiền", level: 1 }).waitFor();
  const card = page.locator("li.refund", { hasText: dossier.code });
  await card.locator(".refund-status", { hasText: "Chờ duyệt" }).waitFor();
  await checkPage(page, "money-refunds-requested");
  await card.getByRole("button", { name: "Duyệt" }).click();
  await page.getByRole("status").getByText("Đã duyệt hoàn 21.000 đ", { exact: false }).waitFor();
  await card.locator(".refund-status", { hasText: "Đã duyệt, chờ chuyển khoản" }).waitFor();
  // Marked transferred only with the bank's reference, shown at its field.
  await card.getByRole("button", { name: "Đã chuyển khoản" }).click();
  await card.locator(`#e-ref-${asked.id}`).getByText("tham chiếu", { exact: false }).waitFor();
  await checkPage(page, "money-refunds-approved");
  await card.getByLabel("Mã giao dịch chuyển khoản của ngân hàng").fill("FT26340123456");
  await card.getByRole("button", { name: "Đã chuyển khoản" }).click();
  await page.getByRole("status").getByText("Đã ghi nhận chuyển khoản", { exact: false }).waitFor();
  await page.getByRole("button", { name: "Tất cả" }).click();
  const done = page.locator("li.refund", { hasText: dossier.code });
  await done.locator(".refund-status", { hasText: "Đã chuyển khoản" }).waitFor();
  await done.getByText("FT26340123456", { exact: false }).waitFor();
  await checkPage(page, "money-refunds-paid");
  await page.close();

  // The citizen sees the refund's status on the dossier, in the same words.
  await browser.addCookies([{ name: citizen.name, value: citizen.value, url: server.base }]);
  const mine = await phonePage();
  await mine.goto(`${server.base}/ho-so/${dossier.id}`);
  await mine.locator(".refund-status", { hasText: "Đã chuyển khoản" }).waitFor();
  await checkPage(mine, "money-refund-citizen");
  await mine.close();
  await browser.clearCookies({ name: citizen.name });
});
