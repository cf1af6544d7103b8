// Paperless days and reports upward in a browser, on a phone (360×740). (1) Hà Tĩnh's admin
// makes today a paperless day at xã Sơn Tây for certified copies on the catalog page (a bad
// date refused at its field first); the citizen's procedure page says so; the officer's walk-in of one
// is refused with the message and the assisted-filing QR opens by itself, with the link to the
// online form carrying the officer's code. (2) The officer reports a wrong fee upward; the
// province's admin answers it on the reports page; the officer sees the answer and closes it.
// axe on each page; screenshots in tests/browser/artifacts.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, startBrowser, apiLogin, apiCall, checkPage, staffLogin, SON_TAY } from "./support.mjs";

let server, browser;
before(async () => {
  server = await startServer();
  browser = await startBrowser();
});
after(async () => {
  await browser?.close();
  server?.stop();
});

/// ISO weekday (1 = Monday) of today and tomorrow in Vietnam (UTC+7).
function vnWeekdays() {
  const now = new Date(Date.now() + 7 * 3600 * 1000);
  const iso = (d) => ((d.getUTCDay() + 6) % 7) + 1;
  return [iso(now), iso(new Date(now.getTime() + 86_400_000))];
}

test("a walk-in on a paperless day is refused and the desk shows the assisted-filing QR", async () => {
  // The province's admin sets the paperless days on the catalog page.
  const page = await browser.newPage();
  await page.setViewportSize({ width: 360, height: 740 });
  await staffLogin(page, "hatinh.admin", server.base);
  await page.goto(server.base + "/can-bo/quan-tri");
  await page.locator(`#a-agency option[value='${SON_TAY}']`).waitFor({ state: "attached" });
  await page.locator("#a-agency").selectOption(SON_TAY);
  await page.getByRole("heading", { name: "Ngày không nhận hồ sơ giấy" }).waitFor();
  await page.locator("#pl-p-2\\.000815").check();
  for (const w of vnWeekdays()) await page.locator(`#pl-w-${w}`).check();
  await page.locator("#pl-except").fill("2026-13-01");
  await page.getByRole("button", { name: "Lưu lịch" }).click();
  await page.getByText("Ngày không hợp lệ", { exact: false }).first().waitFor();
  await page.locator("#pl-except").fill("");
  await page.getByRole("button", { name: "Lưu lịch" }).click();
  await page.getByText("Đã lưu lịch ngày không nhận hồ sơ giấy.").waitFor();
  await checkPage(page, "paperless-admin-saved");
  const admin = await apiLogin(server.base, { username: "hatinh.admin" });
  const rule = await apiCall(server.base, admin, "GET", `/api/admin/agencies/${SON_TAY}/paperless`);
  assert.deepEqual(rule.procedures, ["2.000815"]);
  assert.deepEqual(rule.weekdays, [...new Set(vnWeekdays())].sort((a, b) => a - b));

  await staffLogin(page, "sontay.motcua", server.base);
  await page.goto(server.base + "/can-bo/tiep-nhan");
  await page.locator("#f-procedure option[value='2.000815']").waitFor({ state: "attached" });
  await page.locator("#f-procedure").selectOption("2.000815");
  await page.getByLabel("Họ và tên người nộp").fill("Hồ Thị Giấy");
  await page.getByLabel("Số CCCD").fill("042090003333");
  await page.getByLabel(/Số điện thoại/).fill("0912000333");
  await page.getByLabel("Địa chỉ liên hệ").fill("Thôn 3, xã Sơn Tây");
  const answered = page.waitForResponse((r) => r.url().endsWith("/api/staff/dossiers") && r.request().method() === "POST");
  await page.getByRole("button", { name: "Tiếp nhận và cấp mã hồ sơ" }).click();
  assert.equal((await answered).status(), 409);
  await page.getByText(/chỉ nhận hồ sơ trực tuyến/).first().waitFor();

  // The panel opens by itself with the QR and the link for the citizen's phone.
  await page.getByRole("heading", { name: "Hỗ trợ công dân nộp hồ sơ trực tuyến" }).waitFor();
  await page.locator(".assist-qr svg").waitFor();
  const href = await page.locator("a.assist-url").getAttribute("href");
  const code = (await page.locator(".assist-code").textContent()).trim();
  assert.match(href, new RegExp(`/thu-tuc/2\\.000815/nop\\?agency=${SON_TAY.replace(/\./g, "\\.")}&ho-tro=${code}$`));
  await checkPage(page, "paperless-walk-in-refused");

  // The citizen's procedure page says which days are online only.
  const citizenPage = await browser.newPage();
  await citizenPage.setViewportSize({ width: 360, height: 740 });
  await citizenPage.goto(server.base + "/co-quan");
  await citizenPage.evaluate((code) => localStorage.setItem("motcua.agency", JSON.stringify({ code, name: "UBND xã Sơn Tây" })), SON_TAY);
  await citizenPage.goto(server.base + "/thu-tuc/2.000815");
  await citizenPage.getByRole("heading", { name: "Ngày chỉ nhận hồ sơ trực tuyến" }).waitFor();
  await citizenPage.getByText("Hôm nay cơ quan chỉ nhận hồ sơ này trực tuyến.").waitFor();
  await checkPage(citizenPage, "paperless-procedure-page");
  await citizenPage.close();
  await page.close();
});

test("an officer's wrong-fee report is answered by the province and the officer sees the answer", async () => {
  const page = await browser.newPage();
  await page.setViewportSize({ width: 360, height: 740 });
  await staffLogin(page, "sontay.motcua", server.base);
  await page.getByRole("link", { name: "Phản ánh lên cấp trên" }).click();
  await page.getByRole("heading", { name: "Phản ánh, kiến nghị lên cấp trên" }).waitFor();
  await page.locator("#r-procedure option[value='2.000815']").waitFor({ state: "attached" });
  await page.locator("#r-kind").selectOption("wrong_fee");
  await page.locator("#r-procedure").selectOption("2.000815");
  const text = "Lệ phí chứng thực đang công bố 3.000 đồng/trang; đúng là 2.000 đồng/trang.";
  await page.getByLabel(/Mô tả/).fill(text);
  await page.getByRole("button", { name: "Gửi phản ánh" }).click();
  await page.getByText("Đã gửi phản ánh lên quản trị cấp tỉnh.").waitFor();
  await page.locator(".my-reports .report", { hasText: text }).getByText("Chờ trả lời").waitFor();
  await checkPage(page, "reports-officer-sent");

  // The province's admin answers it (a new log-in replaces the officer's session cookie).
  await staffLogin(page, "hatinh.admin", server.base);
  await page.goto(server.base + "/can-bo/phan-anh");
  const card = page.locator(".admin-reports .report", { hasText: text });
  await card.waitFor();
  assert.equal(await card.getByRole("link", { name: "Xem mức phí đang công bố" }).getAttribute("href"), `/thu-tuc/2.000815?agency=${SON_TAY}`);
  await checkPage(page, "reports-admin-open");
  const answer = "Đã thêm phiên bản phí 2.000 đồng/trang từ ngày 01/01/2027.";
  await card.getByLabel("Trả lời").fill(answer);
  await card.getByRole("button", { name: "Gửi trả lời" }).click();
  await page.getByText("Không có phản ánh nào trong mục này.").waitFor();

  // The officer sees the answer and closes the report.
  await staffLogin(page, "sontay.motcua", server.base);
  await page.goto(server.base + "/can-bo/phan-anh");
  const mine = page.locator(".my-reports .report", { hasText: text });
  await mine.locator(".report-answer", { hasText: answer }).waitFor();
  await mine.getByText("Đã trả lời").waitFor();
  await checkPage(page, "reports-officer-answered");
  await mine.getByRole("button", { name: "Đã rõ, đóng phản ánh" }).click();
  await mine.getByText("Đã đóng").waitFor();
  await page.close();
});
