// Friction found on a 360 px phone (issue #19): "Gửi lại mã" refused says why and leaves the
// lock-out in place; logging in from the form's "đăng nhập" link comes back to the form with its
// draft (and never leaves the site), and from "Hồ sơ của tôi", "Giấy tờ của tôi" and a dossier's
// page back to that page; an open dossier shows the officer's fee notice without a
// reload, asking nothing while the tab is hidden; the procedure search knows the lĩnh vực and
// matches at word starts.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, startBrowser, checkPage, codeFor, apiLogin, apiCall, SON_TAY } from "./support.mjs";

let server, browser;
before(async () => {
  server = await startServer();
  browser = await startBrowser();
});
after(async () => {
  await browser?.close();
  server?.stop();
});

/// Asks for a code on the account page and waits until it is sent; answers the code.
async function askCode(page, phone) {
  await page.getByLabel("Số điện thoại").fill(phone);
  await page.getByRole("button", { name: "Nhận mã xác thực" }).click();
  await page.getByText(`Mã xác thực đã được gửi đến ${phone}`, { exact: false }).waitFor();
  return codeFor(server.base, phone);
}

test("Gửi lại mã inside the minute or on a locked number says why, and the lock-out stays", async () => {
  await browser.clearCookies();
  const phone = "0911000601";
  const page = await browser.newPage();
  await page.goto(server.base + "/tai-khoan");
  const code = await askCode(page, phone);

  // At once: 429, with the seconds left to wait.
  await page.getByRole("button", { name: "Gửi lại mã" }).click();
  const note = page.locator(".resend-note");
  await note.getByText("Mã xác thực vừa được gửi. Vui lòng chờ", { exact: false }).waitFor();
  const seconds = Number((await note.textContent()).match(/chờ (\d+) giây/)?.[1]);
  assert.ok(seconds > 0 && seconds <= 60, `wait of ${seconds} s`);
  assert.equal(await note.getAttribute("role"), "alert");
  await checkPage(page, "friction-resend-too-soon");

  // Five wrong codes lock the number (the fifth says so at the code field).
  const wrong = code === "000000" ? "111111" : "000000";
  const codeError = page.locator("#e-code");
  for (let left = 4; left >= 0; left--) {
    await page.getByLabel("Mã xác thực").fill(wrong);
    await page.getByRole("button", { name: "Đăng nhập" }).click();
    const expected = left > 0 ? `Bạn còn ${left} lần thử` : "Số điện thoại tạm bị khóa";
    await codeError.getByText(expected, { exact: false }).waitFor();
  }

  // Locked: 423, said beside the button; the lock-out message at the code stays.
  await page.getByRole("button", { name: "Gửi lại mã" }).click();
  await note.getByText("Số điện thoại tạm bị khóa", { exact: false }).waitFor();
  assert.match(await note.textContent(), /thử lại sau \d+ phút/);
  assert.match(await codeError.textContent(), /Số điện thoại tạm bị khóa do nhập sai mã xác thực quá 5 lần/);
  await checkPage(page, "friction-resend-locked");
  await page.close();
});

test("logging in from the form's đăng nhập link comes back to the form with the draft", async () => {
  await browser.clearCookies();
  const phone = "0911000602";
  const page = await browser.newPage();
  const form = `/thu-tuc/2.000815/nop?agency=${SON_TAY}`;
  await page.goto(server.base + form);
  await page.getByLabel("Họ tên người nộp *").fill("Trần Thị Mai");
  await page.getByLabel("Địa chỉ liên hệ *").fill("Xóm 3, xã Sơn Tây, Hà Tĩnh");
  await page.getByRole("link", { name: "đăng nhập", exact: true }).click();
  await page.waitForURL((u) => u.pathname === "/tai-khoan");
  assert.equal(new URL(page.url()).searchParams.get("tiep"), form);

  // The first log-in asks for the profile, then goes back to the form.
  const code = await askCode(page, phone);
  await page.getByLabel("Mã xác thực").fill(code);
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await page.getByLabel("Họ và tên *").fill("Trần Thị Mai");
  await page.getByLabel("Số định danh cá nhân (CCCD) *").fill("042090007788");
  await page.getByRole("button", { name: "Lưu thông tin" }).click();
  await page.waitForURL((u) => u.pathname + u.search === form);
  await page.getByText("Đã khôi phục bản nháp lưu trên máy.").waitFor();
  assert.equal(await page.getByLabel("Họ tên người nộp *").inputValue(), "Trần Thị Mai");
  assert.equal(await page.getByLabel("Địa chỉ liên hệ *").inputValue(), "Xóm 3, xã Sơn Tây, Hà Tĩnh");
  assert.equal(await page.getByRole("link", { name: "đăng nhập", exact: true }).count(), 0, "logged in now");
  await checkPage(page, "friction-back-on-the-form");

  // Already logged in: a same-site `tiep` is followed at once; another site's never.
  await page.goto(server.base + "/tai-khoan?tiep=" + encodeURIComponent("/ho-so"));
  await page.waitForURL((u) => u.pathname === "/ho-so");
  for (const evil of ["//evil.example/x", "https://evil.example/x", "/\\evil.example/x"]) {
    await page.goto(server.base + "/tai-khoan?tiep=" + encodeURIComponent(evil));
    await page.getByRole("button", { name: "Đăng xuất" }).waitFor();
    assert.equal(new URL(page.url()).origin, server.base, evil);
    assert.equal(new URL(page.url()).pathname, "/tai-khoan", evil);
  }
  await page.close();
});

/// Follows the page's "đăng nhập" link, checks it names `path` to come back to, logs in with a
/// new number (code, then the first log-in's profile) and waits to be back on `path`.
async function logInFrom(page, path, phone, name) {
  await page.getByRole("link", { name: "đăng nhập", exact: true }).click();
  await page.waitForURL((u) => u.pathname === "/tai-khoan");
  assert.equal(new URL(page.url()).searchParams.get("tiep"), path);
  const code = await askCode(page, phone);
  await page.getByLabel("Mã xác thực").fill(code);
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await page.getByLabel("Họ và tên *").fill(name);
  await page.getByLabel("Số định danh cá nhân (CCCD) *").fill(`0420900${phone.slice(-5)}`);
  await page.getByRole("button", { name: "Lưu thông tin" }).click();
  await page.waitForURL((u) => u.pathname + u.search === path);
}

test("logging in from Hồ sơ của tôi, Giấy tờ của tôi or a dossier's page comes back to that page", async () => {
  await browser.clearCookies();
  const page = await browser.newPage();
  await page.goto(server.base + "/ho-so");
  await logInFrom(page, "/ho-so", "0911000604", "Phạm Văn Bình");
  await page.getByText("Bạn chưa nộp hồ sơ nào.").waitFor();
  assert.equal(await page.getByRole("link", { name: "đăng nhập", exact: true }).count(), 0, "logged in now");
  await checkPage(page, "friction-back-on-my-dossiers");

  await browser.clearCookies();
  await page.goto(server.base + "/giay-to");
  await logInFrom(page, "/giay-to", "0911000605", "Đỗ Thị Hoa");
  await page.getByText("Bạn chưa có giấy tờ nào.").waitFor();
  assert.equal(await page.getByRole("link", { name: "đăng nhập", exact: true }).count(), 0, "logged in now");

  // A dossier's page asks to come back to that very dossier.
  await browser.clearCookies();
  await page.goto(server.base + "/ho-so/hs-khong-co");
  const link = page.getByRole("link", { name: "đăng nhập", exact: true });
  await link.waitFor();
  assert.equal(new URL(await link.getAttribute("href"), server.base).searchParams.get("tiep"), "/ho-so/hs-khong-co");
  // The form's wallet chooser asks to come back to the form, as the form's own link does.
  const form = `/thu-tuc/2.000815/nop?agency=${SON_TAY}`;
  await page.goto(server.base + form);
  await page.getByRole("button", { name: "Chọn từ Giấy tờ của tôi" }).click();
  await page.getByText("để dùng giấy tờ đã có.", { exact: false }).waitFor();
  const links = page.getByRole("link", { name: "đăng nhập", exact: true });
  assert.equal(await links.count(), 2);
  for (const href of await links.evaluateAll((as) => as.map((a) => a.getAttribute("href")))) {
    assert.equal(new URL(href, server.base).searchParams.get("tiep"), form, href);
  }
  // The bottom bar's "Tài khoản" stays the plain account page.
  assert.equal(await page.getByRole("link", { name: "Tài khoản", exact: true }).getAttribute("href"), "/tai-khoan");
  await page.close();
});

test("an open dossier shows the officer's fee notice without a reload, and asks nothing while hidden", async () => {
  const phone = "0911000603";
  const citizen = await apiLogin(server.base, { phone });
  const dossier = await apiCall(server.base, citizen, "POST", "/api/dossiers", {
    agency: SON_TAY,
    procedure: "2.000815",
    applicant: { full_name: "Lê Văn Hùng", id_number: "042090003344", phone, address: "Thôn Trung, xã Sơn Tây" },
    inputs: { pages: 5, copies: 3 },
  });
  const officer = await apiLogin(server.base, { username: "sontay.motcua" });
  const { documents } = await (await fetch(`${server.base}/api/procedures/2.000815`)).json();
  await apiCall(server.base, officer, "POST", `/api/staff/dossiers/${dossier.id}/actions`, { action: "receive", documents });

  await browser.clearCookies();
  const url = new URL(server.base);
  await browser.addCookies([{ name: citizen.name, value: citizen.value, domain: url.hostname, path: "/", httpOnly: true, secure: true, sameSite: "Lax" }]);
  const page = await browser.newPage();
  let loads = 0;
  page.on("load", () => loads++);
  const asks = [];
  page.on("request", (r) => {
    if (new URL(r.url()).pathname === `/api/dossiers/${dossier.id}`) asks.push(Date.now());
  });
  await page.goto(`${server.base}/ho-so/${dossier.id}`);
  await page.locator(".status-label").getByText("Đã tiếp nhận").waitFor();
  assert.equal(await page.locator(".fee-total").count(), 0);
  // Received, with fees to come: the page asks again by itself.
  await page.waitForRequest((r) => new URL(r.url()).pathname === `/api/dossiers/${dossier.id}`, { timeout: 5000 });

  // Hidden (another app in front): at most the request already scheduled, then nothing.
  await page.evaluate(() => {
    Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
    document.dispatchEvent(new Event("visibilitychange", { bubbles: true }));
  });
  const hiddenAt = Date.now();
  await page.waitForTimeout(7000);
  const whileHidden = asks.filter((t) => t > hiddenAt).length;
  assert.ok(whileHidden <= 1, `${whileHidden} requests while hidden`);
  // Back in front: asks at once.
  const back = page.waitForRequest((r) => new URL(r.url()).pathname === `/api/dossiers/${dossier.id}`, { timeout: 1500 });
  await page.evaluate(() => {
    delete document.hidden;
    document.dispatchEvent(new Event("visibilitychange", { bubbles: true }));
  });
  await back;

  // The officer sends the fee notice; within 5 s the page shows the amount and the pay buttons.
  const sent = Date.now();
  const notified = await apiCall(server.base, officer, "POST", `/api/staff/dossiers/${dossier.id}/fee-notice`, {});
  assert.equal(notified.fee_notice.total, 21000);
  await page.locator(".fee-total").getByText("21.000 đ").waitFor({ timeout: 5000 });
  await page.getByRole("button", { name: "VNPAY" }).waitFor({ timeout: Math.max(1, 5000 - (Date.now() - sent)) });
  assert.ok(Date.now() - sent <= 5000, `shown after ${Date.now() - sent} ms`);
  assert.equal(loads, 1, "the page was not reloaded");
  await checkPage(page, "friction-fee-notice-live");
  await page.close();
});

/// Waits until the home page's list shows exactly `expected` (procedure names, any order).
async function listShows(page, expected) {
  const titles = page.getByRole("list", { name: "Danh sách thủ tục" }).locator("li:not([hidden]) .card-title");
  let got = [];
  for (let i = 0; i < 50; i++) {
    got = (await titles.allTextContents()).map((s) => s.trim()).sort();
    if (JSON.stringify(got) === JSON.stringify([...expected].sort())) return;
    await page.waitForTimeout(200);
  }
  assert.deepEqual(got, [...expected].sort());
}

test("the home page's search knows the field and matches at word starts", async () => {
  const page = await browser.newPage();
  await page.goto(server.base + "/");
  const search = page.getByPlaceholder("Tìm thủ tục", { exact: false });
  const civilStatus = [
    "Thủ tục đăng ký khai sinh",
    "Thủ tục đăng ký khai tử",
    "Thủ tục đăng ký kết hôn",
    "Thủ tục cấp bản sao Trích lục hộ tịch",
    "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân",
  ];
  await search.fill("hộ tịch");
  await listShows(page, civilStatus);
  await checkPage(page, "friction-search-field");
  await search.fill("ho tich");
  await listShows(page, civilStatus);
  // "tử" begins no word of "Thủ tục …" (folded "tu" would begin "tuc").
  await search.fill("khai tử");
  await listShows(page, ["Thủ tục đăng ký khai tử"]);
  await search.fill("uc");
  await page.getByText("Không tìm thấy thủ tục phù hợp.").waitFor();
  await page.close();
});
