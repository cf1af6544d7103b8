// The one-stop desk in a browser. (1) On a phone (360×740): an officer of Sơn Tây logs in at
// /can-bo/dang-nhap, receives a citizen's dossier with the checklist, sends the fee notice; the
// citizen pays in the VNPay sandbox; the officer starts processing, attaches the digitized
// result, returns it and completes; the progress-control sheet lists every step. (2) On a
// desktop (1280×800): an officer takes a walk-in dossier, texts the pay link, and the citizen
// pays by VietQR (the sandbox bank calls the signed webhook); it counts as online. axe on each
// page; screenshots in tests/browser/artifacts.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, startBrowser, screenshot, apiLogin, checkPage } from "./support.mjs";

let server, browser;
before(async () => {
  server = await startServer();
  browser = await startBrowser();
});
after(async () => {
  await browser?.close();
  server?.stop();
});

const DESKTOP = { width: 1280, height: 800 };

async function api(path, { method = "GET", body, cookie } = {}) {
  const r = await fetch(server.base + path, {
    method,
    headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, json: await r.json().catch(() => null), headers: r.headers };
}

/// A citizen session by the code flow (the code comes from the development outbox).
async function citizenCookie(phone) {
  const { name, value } = await apiLogin(server.base, { phone });
  return `${name}=${value}`;
}

async function addCookie(pair) {
  const [name, value] = pair.split("=");
  await browser.addCookies([{ name, value, url: server.base }]);
}

async function staffLogin(page, username) {
  await page.goto(server.base + "/can-bo/dang-nhap");
  await page.getByLabel("Tên đăng nhập").fill(username);
  await page.getByLabel("Mật khẩu").fill("MotCua@2026");
  await checkPage(page, `desk-login-${page.viewportSize().width}`);
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await page.getByRole("heading", { name: "Hồ sơ cần xử lý" }).waitFor();
}

async function status(page, label) {
  await page.locator(".status-label", { hasText: label }).first().waitFor({ timeout: 20_000 });
}

test("an officer of Sơn Tây receives, notifies, the citizen pays by VNPay, the officer processes and completes", async () => {
  const phone = "0911000701";
  const cookie = await citizenCookie(phone);
  const agencies = (await api("/api/agencies")).json;
  const find = (nodes) => nodes.flatMap((n) => (n.name === "UBND xã Sơn Tây" ? [n.code] : find(n.children ?? [])));
  const agency = find(agencies)[0];
  const submitted = await api("/api/dossiers", {
    method: "POST",
    cookie,
    body: {
      agency,
      procedure: "2.000815",
      applicant: { full_name: "Lương Thị Trình Duyệt", id_number: "042090001111", phone, address: "Thôn 2, xã Sơn Tây" },
      inputs: { pages: 5, copies: 3 },
    },
  });
  assert.equal(submitted.status, 201);
  const { id, code } = submitted.json;

  const page = await browser.newPage();
  await page.setViewportSize({ width: 360, height: 740 });
  await staffLogin(page, "sontay.motcua");
  await page.getByRole("button", { name: /^Mới/ }).waitFor();
  const card = page.getByRole("link", { name: new RegExp(code.replace(/\./g, "\\.")) });
  await card.waitFor();
  await checkPage(page, "desk-inbox-phone");
  await card.click();

  await status(page, "Đã nộp, chờ tiếp nhận");
  // Receiving without ticking the documents is refused with the domain's message.
  await page.getByRole("button", { name: "Tiếp nhận hồ sơ" }).click();
  await page.getByRole("alert").getByText("Chưa kiểm tra đủ thành phần hồ sơ", { exact: false }).waitFor();
  await checkPage(page, "desk-dossier-submitted");
  for (const box of await page.locator(".checklist input[type=checkbox]").all()) await box.check();
  await page.getByRole("button", { name: "Tiếp nhận hồ sơ" }).click();
  await status(page, "Đã tiếp nhận");
  await page.getByRole("button", { name: "Gửi thông báo phí" }).waitFor();
  await checkPage(page, "desk-dossier-received");
  await page.getByRole("button", { name: "Gửi thông báo phí" }).click();
  await status(page, "Chờ thanh toán");
  await page.locator(".fee-total", { hasText: "21.000" }).waitFor();

  // The citizen pays on their own phone in the VNPay sandbox.
  await addCookie(cookie);
  const citizen = await browser.newPage();
  await citizen.setViewportSize({ width: 360, height: 740 });
  await citizen.goto(`${server.base}/ho-so/${id}`);
  await citizen.getByRole("button", { name: "VNPAY" }).click();
  await citizen.getByRole("button", { name: "Thanh toán", exact: true }).click();
  await citizen.getByRole("status").getByText("Đã thanh toán").waitFor({ timeout: 20_000 });

  await page.reload();
  await status(page, "Đã thanh toán");
  await page.locator(".paid-channel", { hasText: "Trực tuyến" }).waitFor();
  await page.getByRole("button", { name: "Chuyển xử lý" }).click();
  await status(page, "Đang xử lý");
  await page.locator("#result-file").setInputFiles({ name: "ket-qua.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4 kết quả") });
  await checkPage(page, "desk-dossier-processing");
  await page.getByRole("button", { name: "Đính kèm kết quả" }).click();
  await status(page, "Có kết quả, chờ trả");
  await page.locator(".result-link", { hasText: "ket-qua.pdf" }).waitFor();
  await page.getByRole("button", { name: "Trả kết quả" }).click();
  await status(page, "Đã trả kết quả");
  await page.getByRole("button", { name: "Kết thúc hồ sơ" }).click();
  await status(page, "Hoàn thành");
  await checkPage(page, "desk-dossier-completed");

  await page.getByRole("link", { name: "Phiếu kiểm soát quá trình giải quyết hồ sơ" }).click();
  const rows = page.locator("table.steps tbody tr");
  await rows.first().waitFor();
  const texts = await rows.allInnerTexts();
  assert.equal(texts.length, 8, texts.join("\n")); // submit, receive, fee notice, paid, processing, result, returned, completed
  assert.ok(texts.some((t) => t.includes("Kết thúc hồ sơ") && t.includes("sontay.motcua")), texts.join("\n"));
  assert.ok(texts.every((t) => t.includes("Đúng hạn")), texts.join("\n"));
  await checkPage(page, "desk-control-sheet");
  await page.emulateMedia({ media: "print" });
  assert.equal(await page.locator("nav.bottom").isVisible(), false, "the sheet prints without the navigation");
  await screenshot(page, "desk-control-sheet-print");
  await page.emulateMedia({ media: "screen" });

  // The citizen sees the result for reuse.
  await citizen.reload();
  await citizen.getByRole("link", { name: "ket-qua.pdf" }).waitFor();
  await citizen.close();
  await page.close();
  // The citizen's session belongs to their phone, not to the desk's browser.
  await browser.clearCookies({ name: "motcua_session" });
});

test("a walk-in dossier at the counter is paid by VietQR through the bank webhook and counts as online", async () => {
  await browser.clearCookies({ name: "motcua_session" });
  const page = await browser.newPage();
  await page.setViewportSize(DESKTOP);
  await staffLogin(page, "sontay.motcua");
  await checkPage(page, "desk-inbox-desktop");
  await page.getByRole("link", { name: "Tiếp nhận" }).click();
  await page.getByRole("heading", { name: "Tiếp nhận hồ sơ trực tiếp" }).waitFor();
  await page.locator("#f-procedure option[value='2.000815']").waitFor({ state: "attached" });
  await page.locator("#f-procedure").selectOption("2.000815");
  await page.getByLabel("Số trang của bản chính").waitFor();
  await page.getByLabel("Họ và tên người nộp").fill("Mai Văn Quầy");
  await page.getByLabel("Số CCCD").fill("042090002222");
  await page.getByLabel("Số điện thoại (nhận tin nhắn thanh toán)").fill("12");
  await page.getByLabel("Địa chỉ liên hệ").fill("Thôn 4, xã Sơn Tây");
  await page.getByLabel("Số trang của bản chính").fill("5");
  await page.getByLabel("Số bản sao cần chứng thực").fill("3");
  await page.getByRole("button", { name: "Tiếp nhận và cấp mã hồ sơ" }).click();
  // The server's error shows at the field.
  await page.locator("#e-applicant-phone").getByText("điện thoại", { exact: false }).waitFor();
  assert.equal(await page.getByLabel("Số điện thoại (nhận tin nhắn thanh toán)").getAttribute("aria-invalid"), "true");
  await checkPage(page, "desk-walk-in-error");
  const phone = "0911000702";
  await page.getByLabel("Số điện thoại (nhận tin nhắn thanh toán)").fill(phone);
  await page.getByRole("button", { name: "Tiếp nhận và cấp mã hồ sơ" }).click();

  await status(page, "Chờ thanh toán");
  await page.locator(".dossier-code").waitFor();
  const code = await page.locator(".dossier-code").innerText();
  assert.match(code, /H27/);
  await page.getByRole("button", { name: "Gửi SMS đường dẫn thanh toán" }).click();
  const link = await page.locator("a.pay-link").getAttribute("href");
  let sms;
  for (let i = 0; i < 100 && !sms; i++) {
    sms = (await api(`/dev/outbox.json?to=${phone}`)).json.find((m) => m.body.includes(link));
    if (!sms) await new Promise((r) => setTimeout(r, 200));
  }
  assert.ok(sms, "the pay link reached the citizen's phone by SMS");
  await page.getByRole("button", { name: "Hiện mã VietQR" }).click();
  await page.locator(".vietqr svg").waitFor();
  await checkPage(page, "desk-walk-in-slip");

  // The citizen opens the link on their phone: no account, no personal data shown.
  const phonePage = await browser.newPage();
  await phonePage.setViewportSize({ width: 360, height: 740 });
  await phonePage.goto(link);
  await phonePage.getByText("M. V. Q.").waitFor();
  assert.equal(await phonePage.getByText(phone).count(), 0);
  await checkPage(phonePage, "desk-pay-link-phone");

  const account = await page.locator(".account-no").innerText();
  const purpose = await page.locator(".purpose").innerText();
  const sent = await api("/sandbox/bank/transfer", { method: "POST", body: { account, amount: 21000, content: `CK ${purpose}` } });
  assert.equal(sent.status, 200);
  assert.equal(sent.json.webhook_status, 200);
  await status(page, "Đã thanh toán");
  await page.locator(".paid-channel", { hasText: "Trực tuyến" }).waitFor();
  await page.locator(".receipt-number").waitFor();
  await checkPage(page, "desk-walk-in-paid");
  await phonePage.reload();
  await phonePage.getByRole("status").getByText("Đã thanh toán").waitFor();
  await phonePage.close();
  await page.close();
});
