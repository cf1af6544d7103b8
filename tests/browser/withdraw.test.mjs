// Withdrawing a dossier on a phone: "Rút hồ sơ" asks for a confirmation with an optional reason,
// then the page shows the new status and no longer offers to withdraw or to pay. A withdrawal
// the server refuses (the dossier was closed meanwhile) shows the server's Vietnamese message and
// the dossier as it is now.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  startServer,
  startBrowser,
  axeViolations,
  screenshot,
  hasNoHorizontalScroll,
  apiLogin,
  apiCall,
  dossierAwaitingPayment,
  SON_TAY,
} from "./support.mjs";

let server, browser;
before(async () => {
  server = await startServer();
  browser = await startBrowser();
});
after(async () => {
  await browser?.close();
  server?.stop();
});

/// Logs the browser in as the citizen with session `citizen`.
async function useSession(citizen) {
  const url = new URL(server.base);
  await browser.addCookies([{ name: citizen.name, value: citizen.value, domain: url.hostname, path: "/", httpOnly: true, secure: true, sameSite: "Lax" }]);
}

test("a citizen withdraws a fee-notified dossier and the page offers neither withdrawal nor payment any more", async () => {
  const phone = "0911000501";
  const citizen = await apiLogin(server.base, { phone });
  const dossier = await dossierAwaitingPayment(server.base, citizen, phone);
  await useSession(citizen);
  const page = await browser.newPage();
  await page.goto(`${server.base}/ho-so/${dossier.id}`);
  await page.locator(".fee-total").getByText("21.000 đ").waitFor();
  await page.getByRole("button", { name: "VNPAY" }).waitFor();

  await page.getByRole("button", { name: "Rút hồ sơ", exact: true }).click();
  const form = page.locator("#withdraw-form");
  await form.getByText("Bạn có chắc muốn rút hồ sơ này? Hồ sơ đã rút không thể tiếp tục xử lý; khoản phí đã nộp (nếu có) sẽ được cơ quan hoàn trả.").waitFor();
  const reason = page.getByLabel("Lý do (không bắt buộc)");
  // The confirmation takes the focus, on its reason field.
  assert.equal(await reason.evaluate((el) => el === document.activeElement), true);
  assert.deepEqual(await axeViolations(page), []);
  assert.equal(await hasNoHorizontalScroll(page), true);
  await screenshot(page, "withdraw-confirm");

  await reason.fill("Nộp nhầm thủ tục");
  await page.getByRole("button", { name: "Xác nhận rút hồ sơ" }).click();
  await page.locator(".status-label").getByText("Đã rút hồ sơ", { exact: true }).waitFor();
  await page.getByRole("status").getByText(/^Đã rút hồ sơ\./).waitFor();
  assert.equal(await page.getByRole("button", { name: "Rút hồ sơ", exact: true }).count(), 0);
  assert.equal(await page.getByRole("button", { name: "VNPAY" }).count(), 0);
  await page.locator(".timeline").getByText("(Nộp nhầm thủ tục)").waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, "withdraw-done");

  // The server agrees, and a fresh load shows the same.
  const now = await apiCall(server.base, citizen, "GET", `/api/dossiers/${dossier.id}`);
  assert.equal(now.status, "withdrawn");
  assert.equal(now.payable, false);
  await page.reload();
  await page.locator(".status-label").getByText("Đã rút hồ sơ", { exact: true }).waitFor();
  assert.equal(await page.getByRole("button", { name: "Rút hồ sơ", exact: true }).count(), 0);
  await page.close();
});

test("a submitted dossier: 'Không rút' keeps it; a withdrawal refused because the agency closed it meanwhile shows why", async () => {
  const phone = "0911000502";
  const citizen = await apiLogin(server.base, { phone });
  const dossier = await apiCall(server.base, citizen, "POST", "/api/dossiers", {
    agency: SON_TAY,
    procedure: "2.000815",
    applicant: { full_name: "Trần Thị Bình", id_number: "042090005678", phone, address: "Thôn Đông, xã Sơn Tây" },
    inputs: { pages: 2, copies: 1 },
  });
  await useSession(citizen);
  const page = await browser.newPage();
  await page.goto(`${server.base}/ho-so/${dossier.id}`);
  await page.locator(".status-label").getByText("Đã nộp, chờ tiếp nhận").waitFor();

  // Cancelling closes the confirmation, gives the focus back to the button, and changes nothing.
  const open = page.getByRole("button", { name: "Rút hồ sơ", exact: true });
  await open.click();
  await page.getByRole("button", { name: "Không rút" }).click();
  await open.waitFor();
  assert.equal(await open.evaluate((el) => el === document.activeElement), true);
  assert.equal((await apiCall(server.base, citizen, "GET", `/api/dossiers/${dossier.id}`)).status, "submitted");

  // The officer rejects the dossier while the citizen is deciding.
  await open.click();
  const officer = await apiLogin(server.base, { username: "sontay.motcua" });
  await apiCall(server.base, officer, "POST", `/api/staff/dossiers/${dossier.id}/actions`, { action: "reject", reason: "Hồ sơ không thuộc thẩm quyền" });
  await page.getByRole("button", { name: "Xác nhận rút hồ sơ" }).click();
  const alert = page.getByRole("alert").filter({ hasText: "không thể thay đổi thêm" });
  await alert.waitFor();
  assert.match(await alert.textContent(), /^Hồ sơ đã ở trạng thái/);
  // The page shows the dossier as it is now, with nothing left to withdraw.
  await page.locator(".status-label").getByText("Từ chối tiếp nhận / giải quyết").waitFor();
  assert.equal(await page.getByRole("button", { name: "Rút hồ sơ", exact: true }).count(), 0);
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, "withdraw-refused");
  await page.close();
});

test("the desk: an action refused because the citizen withdrew meanwhile shows why and the dossier as it is now", async () => {
  const phone = "0911000503";
  const citizen = await apiLogin(server.base, { phone });
  const dossier = await dossierAwaitingPayment(server.base, citizen, phone);
  const officer = await apiLogin(server.base, { username: "sontay.motcua" });
  await useSession(officer);
  const page = await browser.newPage();
  await page.goto(`${server.base}/can-bo/ho-so/${dossier.id}`);
  const cash = page.getByRole("button", { name: "Thu tiền mặt tại quầy" });
  await cash.waitFor();

  await apiCall(server.base, citizen, "POST", `/api/dossiers/${dossier.id}/withdraw`, { reason: "Đã nộp ở nơi khác" });
  await cash.click();
  const alert = page.getByRole("alert").filter({ hasText: "không thể thay đổi thêm" });
  await alert.waitFor();
  assert.match(await alert.textContent(), /Đã rút hồ sơ/);
  // Read again: the withdrawn state, and no payment action left.
  await page.locator(".status-label").getByText("Đã rút hồ sơ", { exact: true }).waitFor();
  assert.equal(await cash.count(), 0);
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, "withdraw-desk-refused");
  await page.close();
});
