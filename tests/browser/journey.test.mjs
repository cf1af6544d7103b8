// The citizen journey on a phone (issue 5, "Done when"): a new citizen logs in with the code from
// the outbox, finds "chứng thực" at Sơn Tây typing without diacritics, fills the dossier form
// (3 copies of 5 pages: 21.000 đ), attaches two photos (one over 3 MB, sent smaller), sends and
// gets a dossier code; the officer sends the fee notice through the API; the citizen pays in the
// VNPay sandbox and sees "Đã thanh toán" and the receipt. Then: a draft survives a reload with
// the network cut. Screenshots of each step land in tests/browser/artifacts/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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


/// Each page of the journey: accessible, no sideways scrolling, kept as a screenshot.
async function check(page, name) {
  assert.ok(await hasNoHorizontalScroll(page), `${name}: no horizontal scrolling at 360 px`);
  assert.deepEqual(await axeViolations(page), [], `${name}: axe`);
  await screenshot(page, `journey-${name}`);
}

/// A noisy photo drawn on a canvas in the browser (noise does not compress: a big JPEG).
async function makePhoto(page, width, height, quality) {
  const b64 = await page.evaluate(
    async ([w, h, q]) => {
      const c = document.createElement("canvas");
      c.width = w;
      c.height = h;
      const ctx = c.getContext("2d");
      const img = ctx.createImageData(w, h);
      for (let i = 0; i < img.data.length; i++) img.data[i] = i % 4 === 3 ? 255 : (Math.random() * 256) | 0;
      ctx.putImageData(img, 0, 0);
      const blob = await new Promise((r) => c.toBlob(r, "image/jpeg", q));
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let s = "";
      for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return btoa(s);
    },
    [width, height, quality],
  );
  return Buffer.from(b64, "base64");
}

async function staffFetch(path, body, cookie) {
  const r = await fetch(server.base + path, {
    method: "POST",
    headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
  return r;
}

test("a new citizen finds the procedure, sends a dossier with photos, and pays through VNPay", async () => {
  const phone = "0911000500";
  const page = await browser.newPage();

  // 1. Log in with the code from the outbox; the first log-in asks for the profile.
  await page.goto(server.base + "/tai-khoan");
  await page.getByLabel("Số điện thoại").fill(phone);
  await page.getByRole("button", { name: "Nhận mã xác thực" }).click();
  await page.getByLabel("Mã xác thực").fill(await codeFor(server.base, phone));
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await page.getByLabel("Họ và tên *").fill("Phạm Văn Bình");
  await page.getByLabel("Số định danh cá nhân (CCCD) *").fill("042090005678");
  await page.getByRole("button", { name: "Lưu thông tin" }).click();
  await page.getByRole("definition").getByText("Phạm Văn Bình").waitFor();
  await check(page, "1-logged-in");

  // 2. Choose the agency by typing without diacritics.
  await page.getByRole("link", { name: "Thủ tục" }).click();
  await page.getByRole("link", { name: "Chọn cơ quan giải quyết" }).click();
  await page.getByPlaceholder("Tìm theo tên", { exact: false }).fill("son tay");
  await check(page, "2-agency-search");
  await page.getByRole("button", { name: /UBND xã Sơn Tây/ }).first().click();
  await page.locator("header .header-agency").getByText("UBND xã Sơn Tây").waitFor();
  assert.match(page.url(), /\?agency=000\.10\.51\.H27/);

  // 3. Find "chứng thực" without diacritics in that agency's procedures.
  await page.getByPlaceholder("Tìm thủ tục", { exact: false }).fill("chung thuc ban sao");
  const card = page.getByRole("link", { name: /Thủ tục chứng thực bản sao từ bản chính/ });
  await card.waitFor();
  await check(page, "3-procedures");
  await card.click();
  await page.getByRole("link", { name: "Nộp hồ sơ trực tuyến" }).click();

  // 4. The form, pre-filled from the profile; inline errors from the domain while typing.
  const name = page.getByLabel("Họ tên người nộp *");
  await name.waitFor();
  // The profile arrives on its own request, maybe after the form is drawn.
  await page.waitForFunction(() => document.getElementById("f-applicant-full_name")?.value !== "");
  assert.equal(await name.inputValue(), "Phạm Văn Bình");
  assert.equal(await page.getByLabel("Số CMND/CCCD *").first().inputValue(), "042090005678");
  await page.getByLabel("Số điện thoại *").fill("0123");
  await page.locator("#e-applicant-phone").getByText("không hợp lệ", { exact: false }).waitFor();
  assert.equal(await page.getByLabel("Số điện thoại *").getAttribute("aria-invalid"), "true");
  await page.getByLabel("Số điện thoại *").fill(phone);
  await page.waitForFunction(() => document.querySelector("#e-applicant-phone").textContent === "");
  assert.equal(await page.getByLabel("Số điện thoại *").getAttribute("aria-invalid"), "false");
  await page.getByLabel("Địa chỉ liên hệ *").fill("Thôn Tân Hương, xã Sơn Tây, Hà Tĩnh");
  await page.getByLabel("Số trang của bản chính").fill("5");
  await page.getByLabel("Số bản sao cần chứng thực").fill("3");
  await page.locator(".fee-total").getByText("21.000 đ").waitFor();

  // 5. Two photos, one over 3 MB: downscaled and recompressed in the browser before upload.
  const dir = mkdtempSync(join(tmpdir(), "motcua-photos-"));
  const big = join(dir, "giay-to-goc.jpg");
  const small = join(dir, "cccd.jpg");
  writeFileSync(big, await makePhoto(page, 2600, 2000, 0.92));
  writeFileSync(small, await makePhoto(page, 640, 480, 0.8));
  const bigSize = statSync(big).size;
  assert.ok(bigSize > 3 * 1024 * 1024, `the big photo is ${bigSize} bytes`);
  await page.locator("#pick-files").setInputFiles([big, small]);
  await page.locator('.file[data-state="done"]').nth(1).waitFor({ timeout: 60_000 });
  const bigItem = page.locator(".file", { hasText: "giay-to-goc.jpg" });
  assert.match(await bigItem.locator(".file-size").textContent(), /MB → /);
  await check(page, "4-form-filled");

  // 6. Send: the dossier page shows its national code.
  await page.getByRole("button", { name: "Gửi hồ sơ" }).click();
  await page.waitForURL(/\/ho-so\/s\d{2}[0-9a-f]{30}$/);
  const dossierId = page.url().split("/").pop();
  const code = await page.locator(".code strong").textContent();
  assert.match(code, /^000\.10\.51\.H27-\d{6}-\d{4}$/);
  const detail = await page.evaluate(async (id) => (await fetch(`/api/dossiers/${id}`)).json(), dossierId);
  assert.equal(detail.files.length, 2);
  const sent = detail.files.find((f) => f.name === "giay-to-goc.jpg");
  assert.ok(sent.size < bigSize, `uploaded ${sent.size} bytes, picked ${bigSize}`);
  assert.equal(sent.content_type, "image/jpeg");
  await page.getByText("Đã nộp, chờ tiếp nhận").waitFor();
  await check(page, "5-sent");

  // 7. The officer receives the dossier and sends the fee notice (desk screens: issue 6).
  const login = await staffFetch("/api/staff/login", { username: "sontay.motcua", password: "MotCua@2026" });
  assert.equal(login.status, 200);
  const cookie = login.headers.getSetCookie().find((c) => c.startsWith("motcua_staff=")).split(";")[0];
  const { documents } = await (await fetch(`${server.base}/api/procedures/2.000815`)).json();
  assert.equal((await staffFetch(`/api/staff/dossiers/${dossierId}/actions`, { action: "receive", documents }, cookie)).status, 200);
  const notice = await staffFetch(`/api/staff/dossiers/${dossierId}/fee-notice`, {}, cookie);
  assert.equal(notice.status, 200);
  assert.equal((await notice.json()).fee_notice.total, 21000);

  // 8. Pay through the VNPay sandbox; back on the dossier: "Đã thanh toán" and the receipt.
  await page.reload();
  await page.locator(".fee-total").getByText("21.000 đ").waitFor();
  await check(page, "6-fee-notice");
  await page.getByRole("button", { name: "VNPAY" }).click();
  await page.waitForURL(/\/sandbox\/vnpay\//);
  await screenshot(page, "journey-7-vnpay-sandbox");
  await page.getByRole("button", { name: "Thanh toán", exact: true }).click();
  await page.waitForURL(new RegExp(`/ho-so/${dossierId}`));
  await page.getByText("Đã thanh toán", { exact: true }).first().waitFor({ timeout: 30_000 });
  await page.locator(".receipt .receipt-number").waitFor();
  await check(page, "8-paid-receipt");

  // "Hồ sơ của tôi" lists it with its status; the draft is gone.
  await page.getByRole("link", { name: "Hồ sơ của tôi" }).click();
  await page.getByRole("list", { name: "Danh sách hồ sơ" }).getByText(code, { exact: false }).waitFor();
  assert.equal(await page.getByRole("list", { name: "Bản nháp chưa gửi" }).count(), 0);
  await page.close();
});

test("a draft survives a reload with the network cut and is listed in Hồ sơ của tôi", async () => {
  const page = await browser.newPage();
  await page.goto(server.base + "/");
  // The service worker must control the page before the network goes.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) await new Promise((r) => navigator.serviceWorker.addEventListener("controllerchange", r, { once: true }));
  });
  await page.goto(server.base + "/thu-tuc/2.000815/nop?agency=000.10.51.H27");
  // Still logged in from the journey: let the profile's pre-fill land before typing over it.
  await page.waitForFunction(() => document.getElementById("f-applicant-full_name")?.value !== "");
  await page.getByLabel("Họ tên người nộp *").fill("Trần Văn Cường");
  await page.getByLabel("Địa chỉ liên hệ *").fill("Xóm 3, xã Sơn Tây");
  await page.getByLabel("Số trang của bản chính").fill("7");
  await page.getByLabel("Nội dung").fill("Chứng thực 7 trang học bạ");

  await browser.setOffline(true);
  try {
    await page.reload();
    await page.getByText("Mất kết nối mạng", { exact: false }).waitFor();
    await page.getByText("Đã khôi phục bản nháp", { exact: false }).waitFor();
    assert.equal(await page.getByLabel("Họ tên người nộp *").inputValue(), "Trần Văn Cường");
    assert.equal(await page.getByLabel("Địa chỉ liên hệ *").inputValue(), "Xóm 3, xã Sơn Tây");
    assert.equal(await page.getByLabel("Số trang của bản chính").inputValue(), "7");
    assert.equal(await page.getByLabel("Nội dung").inputValue(), "Chứng thực 7 trang học bạ");
    await check(page, "9-offline-draft");

    await page.getByRole("link", { name: "Hồ sơ của tôi" }).click();
    const drafts = page.getByRole("list", { name: "Bản nháp chưa gửi" });
    await drafts.getByText("chứng thực bản sao", { exact: false }).waitFor();
    await screenshot(page, "journey-10-drafts");
    await drafts.getByRole("link").first().click();
    assert.equal(await page.getByLabel("Họ tên người nộp *").inputValue(), "Trần Văn Cường");
  } finally {
    await browser.setOffline(false);
  }
  await page.close();
});
