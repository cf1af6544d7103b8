// Bills without a dossier, in a browser at 360×740. (1) Sơn Tây's officer issues a fine on the desk
// screen (/can-bo/khoan-phai-nop): a missing due date shows at its field first, then the fine is
// created and listed as unpaid. The payer, with no account, looks it up at /nop-phi by its code
// and CCCD: another person's number gets the server's "not found" at the form; the right one shows
// the fine (kind, violation, total). They pay by VietQR (the sandbox bank calls the signed
// webhook) and the page, polling the look-up, shows "Đã nộp" with the receipt link; a reload
// finds the bill again from the number kept in the tab. (2) The desk imports bills from a CSV
// (a refused file lists every bad line and column in Vietnamese, and imports nothing), cancels one
// with a reason, records one paid at the counter, and publishes a payment link with a range; a
// payer pays through the link by VietQR; Nguyễn Văn An sees the bill issued to his CCCD under
// "Khoản phải nộp của tôi" (beside the demo data's fine and land notice) and opens it. axe and no
// horizontal scrolling on each page.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, startBrowser, staffLogin, apiLogin, SON_TAY, checkPage, bankTransfer } from "./support.mjs";

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
  await form.getByLabel("Số văn bản").fill("215/QĐ-XPHC");
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
  await bankTransfer(server.base, account, 500000, `TRAN VAN PHAT CK ${purpose}`);
  await page.getByRole("status").getByText("Đã nộp", { exact: true }).waitFor({ timeout: 20_000 });
  const receipt = page.getByRole("link", { name: "Xem biên lai điện tử" });
  await receipt.waitFor();
  assert.ok(await receipt.getAttribute("href"));
  await checkPage(page, "bills-paid");
  // The receipt opens at its public address, for anyone holding it to check.
  await receipt.click();
  await page.waitForURL((u) => u.pathname.startsWith("/bien-lai/"));
  const printed = page.getByRole("region", { name: "Biên lai điện tử" });
  await printed.locator("tfoot").getByText("500.000 đ").waitFor();
  await printed.getByText("Năm trăm nghìn đồng").waitFor();
  await printed.getByText("Phạt vi phạm hành chính — 215/QĐ-XPHC").waitFor();
  assert.equal(await printed.locator("dt", { hasText: "Khoản phải nộp" }).count(), 1);
  await checkPage(page, "bills-receipt");

  // Back on the page later in the same tab (as after a provider's return): the number kept in
  // the tab finds the bill again.
  await page.goto(`${server.base}/nop-phi?ma=${encodeURIComponent(bill.code)}`);
  await page.getByRole("status").getByText("Đã nộp", { exact: true }).waitFor();
  await page.close();
});

const HEADER = "kind,agency,payer_name,payer_id,payer_phone,document_number,document_date,violation,issued_by,line_name,amount,beneficiary,budget_item,due_date";

/// Chooses `text` as the file of the import form.
async function chooseCsv(page, text) {
  await page.getByLabel("Tệp CSV (UTF-8)").setInputFiles({ name: "khoan-phai-nop.csv", mimeType: "text/csv", buffer: Buffer.from(text) });
}

/// Waits for the VietQR code and has the sandbox bank transfer `amount` with its description.
async function payByVietQr(page, amount) {
  await page.getByRole("img", { name: "Mã VietQR để chuyển khoản" }).locator("svg").waitFor();
  const purpose = (await page.locator(".purpose").textContent()).trim();
  const account = (await page.locator(".account-no").textContent()).trim();
  await bankTransfer(server.base, account, amount, `CK ${purpose}`);
}

test("the desk imports, cancels, takes at the counter and publishes a payment link; a payer pays through it; a citizen sees their bills", async () => {
  const desk = await browser.newPage();
  await staffLogin(desk, "sontay.motcua", server.base);
  await desk.goto(server.base + "/can-bo/khoan-phai-nop");
  await desk.getByRole("heading", { name: "Khoản phải nộp", level: 1 }).waitFor();
  await desk.locator(`#b-agency option[value='${SON_TAY}']`).waitFor({ state: "attached" });

  // A file with two bad lines: nothing is imported, each line is named with its column.
  const [today, due] = [dayFromNow(0), dayFromNow(30)];
  const insurance = `insurance,${SON_TAY},Nguyễn Văn An,042090001234,,BHYT-2027-17,${today},,,Bảo hiểm y tế hộ gia đình năm 2027,1.105.650,,,${due}`;
  const fine = (payer, number, amount) =>
    `fine,${SON_TAY},Lê Văn Cường,${payer},,${number},${today},Lấn chiếm vỉa hè để kinh doanh,"Nguyễn Văn Hùng, Chủ tịch UBND xã",Tiền phạt vi phạm hành chính,${amount},,,${due}`;
  await desk.getByRole("button", { name: "Nhập từ tệp CSV" }).click();
  await chooseCsv(desk, [HEADER, insurance, fine("042090007777", "216/QĐ-XPHC", "hai triệu"), fine("12345", "217/QĐ-XPHC", "2000000")].join("\n"));
  await desk.getByRole("button", { name: "Nhập tệp" }).click();
  const rows = desk.locator("table.import-errors tbody tr");
  await rows.first().waitFor();
  const listed = await rows.evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.deepEqual(listed.map(([line, column]) => [line, column]), [["3", "amount"], ["4", "payer_id"]]);
  assert.ok(listed.every(([, , message]) => /[ăâđêôơưạ-ỹ]/.test(message)), JSON.stringify(listed));
  await checkPage(desk, "bills-desk-import-errors");

  const counterPayer = "042090008888";
  await chooseCsv(desk, [HEADER, insurance, fine("042090007777", "216/QĐ-XPHC", "2000000"), fine(counterPayer, "218/QĐ-XPHC", "1500000")].join("\n"));
  await desk.getByRole("button", { name: "Nhập tệp" }).click();
  await desk.locator(".done-msg").getByText("Đã nhập 3 khoản phải nộp").waitFor();

  // Cancel the fine of 042090007777, with a reason.
  await desk.getByRole("button", { name: "Danh sách" }).click();
  const cancelled = desk.locator(".bill-card", { hasText: "216/QĐ-XPHC" });
  await cancelled.getByRole("button", { name: "Hủy khoản phải nộp" }).click();
  await cancelled.getByRole("button", { name: "Xác nhận hủy" }).click();
  await cancelled.getByText("Vui lòng ghi lý do hủy.").waitFor();
  await cancelled.getByLabel("Lý do hủy").fill("Quyết định xử phạt đã được thu hồi theo kết quả giải quyết khiếu nại");
  await cancelled.getByRole("button", { name: "Xác nhận hủy" }).click();
  await desk.locator(".done-msg").getByText("Đã hủy khoản phải nộp").waitFor();
  await desk.locator(".bill-card", { hasText: "216/QĐ-XPHC" }).locator(".status-label").getByText("Đã hủy").waitFor();

  // The fine of 042090008888 was paid in cash at the desk.
  const counter = desk.locator(".bill-card", { hasText: "218/QĐ-XPHC" });
  await counter.getByRole("button", { name: "Thu tại quầy" }).click();
  await counter.getByRole("button", { name: "Xác nhận đã thu tiền" }).click();
  await desk.locator(".done-msg").getByText(/Đã ghi nhận khoản .* đã nộp/).waitFor();
  await desk.locator(".bill-card", { hasText: "218/QĐ-XPHC" }).locator(".status-label").getByText("Đã nộp").waitFor();
  await desk.getByRole("button", { name: /^Đã hủy/ }).click();
  await desk.locator(".bill-card:not([data-state='cancelled'])").first().waitFor({ state: "detached" });
  assert.equal(await desk.locator(".bill-card").count(), 1);
  await desk.locator(".bill-card", { hasText: "216/QĐ-XPHC" }).getByText("Lý do hủy: Quyết định xử phạt đã được thu hồi", { exact: false }).waitFor();
  await checkPage(desk, "bills-desk-cancelled");

  // A payment link where the payer enters the amount, within a range.
  await desk.getByRole("button", { name: "Đường dẫn nộp tiền" }).click();
  // The demo data's link of the commune is listed.
  await desk.getByRole("heading", { name: "Phí trông giữ xe tại UBND xã Sơn Tây" }).waitFor();
  await desk.getByLabel("Tên khoản thu (tiêu đề trang)").fill("Phí trông giữ xe đạp tại Trường THCS Sơn Tây");
  await desk.getByLabel("Đường dẫn (chữ thường không dấu, số, dấu gạch ngang)").fill("Trong Giu Xe");
  await desk.getByLabel("Người nộp ghi thông tin gì").fill("Họ tên học sinh, lớp");
  await desk.getByLabel("Người nộp tự nhập trong khoảng").check();
  await desk.getByLabel("Số tiền tối thiểu (đồng)").fill("50000");
  await desk.getByLabel("Số tiền tối đa (đồng)").fill("200000");
  await desk.getByLabel("Tên khoản trên biên lai").fill("Phí trông giữ xe đạp");
  await desk.getByRole("button", { name: "Tạo đường dẫn" }).click();
  await desk.locator("#e-l-slug").getByText("chữ thường").waitFor();
  await desk.getByLabel("Đường dẫn (chữ thường không dấu, số, dấu gạch ngang)").fill("trong-giu-xe");
  await desk.getByRole("button", { name: "Tạo đường dẫn" }).click();
  const linkUrl = `${server.base}/nop-tien/trong-giu-xe`;
  await desk.getByRole("link", { name: linkUrl }).waitFor();
  await checkPage(desk, "bills-desk-links");
  await desk.close();

  // A parent pays through the link on their phone.
  const page = await browser.newPage();
  await page.goto(linkUrl);
  await page.getByRole("heading", { name: "Phí trông giữ xe đạp tại Trường THCS Sơn Tây", level: 1 }).waitFor();
  await page.getByLabel("Họ tên học sinh, lớp").fill("Nguyễn Minh Khoa, lớp 6A");
  await page.getByLabel("Họ và tên người nộp").fill("Nguyễn Văn Khải");
  await page.getByLabel("Số CCCD hoặc mã số thuế của người nộp").fill("042090005555");
  await page.getByLabel("Số tiền (đồng)").fill("300000");
  await page.getByLabel("Chuyển khoản VietQR").check();
  await page.getByRole("button", { name: "Thanh toán" }).click();
  await page.locator("#e-amount").getByText("200.000").waitFor();
  await checkPage(page, "bills-link-error");
  await page.getByLabel("Số tiền (đồng)").fill("150.000");
  await page.getByRole("button", { name: "Thanh toán" }).click();
  await payByVietQr(page, 150000);
  await page.getByRole("status").getByText("Đã nộp", { exact: true }).waitFor({ timeout: 20_000 });
  await page.getByRole("link", { name: "Xem biên lai điện tử" }).waitFor();
  await checkPage(page, "bills-link-paid");
  await page.close();

  // Nguyễn Văn An, logged in, finds the insurance bill issued to his CCCD and opens it.
  const an = await apiLogin(server.base, { phone: "0912345678" });
  await browser.addCookies([{ name: an.name, value: an.value, url: server.base }]);
  const account = await browser.newPage();
  await account.goto(server.base + "/tai-khoan");
  const mine = account.getByRole("region", { name: "Khoản phải nộp của tôi" });
  const item = mine.getByRole("link", { name: /Bảo hiểm xã hội, bảo hiểm y tế — 1\.105\.650 đ/ });
  await item.waitFor();
  // The demo data's fine and land notice are his too; the fines of other people are not.
  await mine.getByRole("link", { name: /Nghĩa vụ tài chính về đất đai/ }).waitFor();
  assert.equal(await mine.getByRole("link", { name: /1\.500\.000 đ/ }).count(), 0, "another person's fine is not his");
  await checkPage(account, "bills-mine");
  await item.click();
  await account.waitForURL((u) => u.pathname === "/nop-phi");
  await account.locator(".bill .bill-total").getByText("1.105.650 đ").waitFor();
  await account.getByRole("button", { name: "VNPAY" }).waitFor();
  await checkPage(account, "bills-mine-open");
  await account.close();
});
