// The national portal's sync on a phone (360×740). (1) Hà Tĩnh's admin opens "Đồng bộ Cổng
// DVCQG" from the staff navigation and sees two messages the portal refused (the sandbox portal
// is told to refuse dossiers of one applicant), with the portal's reason in full; once the portal
// accepts again, a message already sent again elsewhere answers "Gửi lại" with the server's
// Vietnamese refusal, and the other leaves the failed list when sent again and is acknowledged.
// (2) The leaders' dashboard shows the acknowledged share beside the payment rate. (3) A citizen
// rates a returned dossier 1–5 with reasons and is thanked; the desk sees the rating. (4) A deployment without the
// portal's account says its messages wait. axe on each page; screenshots in tests/browser/artifacts.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { startServer, startBrowser, screenshot, apiLogin, apiCall, SON_TAY, ARTIFACTS, staffLogin, checkPage } from "./support.mjs";

let server, browser;
before(async () => {
  server = await startServer();
  browser = await startBrowser();
});
after(async () => {
  await browser?.close();
  server?.stop();
});

const CRON = "/cdn-cgi/handler/scheduled?cron=*/5+*+*+*+*";
const REFUSED_NAME = "Phạm Thị Đồng Bộ Trình Duyệt";
const REASON = "MaTTHC chưa được công bố";

async function phonePage() {
  const page = await browser.newPage();
  await page.setViewportSize({ width: 360, height: 740 });
  return page;
}


/// Tells the sandbox portal how to treat messages naming `matching`.
async function control(body) {
  const r = await fetch(`${server.base}/sandbox/dvcqg/control`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  assert.equal(r.status, 200, await r.text());
}

/// Polls `probe` (running the cron's sweep between tries) until it answers something.
async function eventually(what, probe) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await fetch(server.base + CRON).catch(() => {});
    await new Promise((r) => setTimeout(r, 400));
  }
}

/// A dossier at Sơn Tây (Hà Tĩnh) for `name`, submitted by the citizen with session `citizen`.
async function submit(citizen, phone, name, idNumber) {
  return apiCall(server.base, citizen, "POST", "/api/dossiers", {
    agency: SON_TAY,
    procedure: "2.000815",
    applicant: { full_name: name, id_number: idNumber, phone, address: "Thôn Tân Hương, xã Sơn Tây" },
    inputs: { pages: 2, copies: 1 },
  });
}

async function syncItems(admin, code) {
  return (await apiCall(server.base, admin, "GET", `/api/admin/national-sync?dossier=${encodeURIComponent(code)}`)).items;
}

test("an admin sees what the portal refused and why, and sends it again", async () => {
  await control({ mode: "refuse", matching: REFUSED_NAME, message: REASON });
  const phone = "0911001501";
  const citizen = await apiLogin(server.base, { phone });
  const first = await submit(citizen, phone, REFUSED_NAME, "042090007001");
  const second = await submit(citizen, phone, REFUSED_NAME, "042090007001");
  const admin = await apiLogin(server.base, { username: "hatinh.admin" });
  const failedOf = async (d) => (await syncItems(admin, d.code)).find((i) => i.state === "failed");
  const a = await eventually("the first refusal", () => failedOf(first));
  const b = await eventually("the second refusal", () => failedOf(second));

  const page = await phonePage();
  await staffLogin(page, "hatinh.admin", server.base);
  await page.getByRole("navigation", { name: "Điều hướng cán bộ" }).getByRole("link", { name: "Đồng bộ Cổng DVCQG" }).click();
  await page.getByRole("heading", { name: "Đồng bộ Cổng DVCQG", level: 1 }).waitFor();
  // Failed ones are what the page opens on, with their count.
  assert.equal(await page.locator(".tabs [data-state=failed]").getAttribute("aria-pressed"), "true");
  await page.locator(".tabs [data-state=failed] .count", { hasText: /^2$/ }).waitFor();
  const cardA = page.locator(`li.sync-item[data-id="${a.id}"]`);
  const cardB = page.locator(`li.sync-item[data-id="${b.id}"]`);
  await cardB.waitFor();
  for (const [card, d] of [[cardA, first], [cardB, second]]) {
    const text = await card.innerText();
    assert.ok(text.includes(`Hồ sơ ${d.code}`), text);
    assert.ok(text.includes("UBND xã Sơn Tây"), text);
    assert.ok(text.includes("Gửi không thành công"), text);
    assert.ok(text.includes("Cổng DVCQG từ chối bản tin") && text.includes("(refused)"), text);
    assert.ok(text.includes(REASON), `the portal's reason in full: ${text}`);
    assert.match(text, /mã 1 trên Cổng DVCQG/);
    assert.match(text, /Số lần gửi\s*1/);
  }
  // The deployment has the portal's account: no warning that messages wait.
  assert.equal(await page.locator("#not-configured").count(), 0);
  await checkPage(page, "national-sync-failed");

  // The portal accepts again. The first message is sent again by someone else meanwhile: its
  // button answers with the server's refusal, in Vietnamese.
  await control({ mode: "ok", matching: REFUSED_NAME });
  await apiCall(server.base, admin, "POST", `/api/admin/national-sync/${a.id}/retry`, {});
  await cardA.getByRole("button", { name: "Gửi lại" }).click();
  await page.getByRole("alert").getByText(`Không gửi lại được bản tin của hồ sơ ${first.code}: Chỉ gửi lại được tin chưa gửi thành công`, { exact: false }).waitFor();
  await cardA.waitFor({ state: "detached" });
  await checkPage(page, "national-sync-not-failed");

  // The second is sent again from the page: it leaves the failed list.
  await cardB.getByRole("button", { name: "Gửi lại" }).click();
  await page.getByRole("status").getByText(`Đã gửi lại bản tin của hồ sơ ${second.code}`, { exact: false }).waitFor();
  await cardB.waitFor({ state: "detached" });
  await page.getByText("Không có bản tin nào gửi không thành công.").waitFor();
  await page.locator(".tabs [data-state=failed] .count", { hasText: /^0$/ }).waitFor();

  // Under "Tất cả" it is pending or already acknowledged, and acknowledged in the end.
  await page.locator(".tabs [data-state=all]").click();
  await cardB.waitFor();
  assert.match(await cardB.getAttribute("data-state"), /^(pending|sent|acknowledged)$/);
  await eventually("the portal's acknowledgement on the page", async () => {
    if ((await cardB.getAttribute("data-state").catch(() => null)) === "acknowledged") return true;
    await fetch(server.base + CRON).catch(() => {});
    await page.getByRole("button", { name: "Tải lại danh sách" }).click();
    await new Promise((r) => setTimeout(r, 500));
    return (await cardB.getAttribute("data-state").catch(() => null)) === "acknowledged";
  });
  await cardB.getByText("Cổng DVCQG đã nhận", { exact: true }).waitFor();
  await checkPage(page, "national-sync-all");
  await page.close();
});

test("the dashboard shows the portal's acknowledged share beside the payment rate", async () => {
  const page = await phonePage();
  await staffLogin(page, "hatinh.admin", server.base);
  await page.getByRole("navigation", { name: "Điều hướng cán bộ" }).getByRole("link", { name: "Thống kê" }).click();
  const head = page.locator("#rates thead th", { hasText: "Đồng bộ Cổng DVCQG" });
  await head.waitFor();
  // Right after the payment rate and its target.
  const heads = await page.locator("#rates thead th").allInnerTexts();
  const names = heads.map((h) => h.replace(/\s+/g, " ").trim());
  const at = names.indexOf("Tỷ lệ");
  assert.deepEqual(names.slice(at, at + 3), ["Tỷ lệ", "Chỉ tiêu", "Đồng bộ Cổng DVCQG"]);
  // The province's total: the first test's dossiers have messages this year.
  const total = page.locator("#rates tfoot td.national");
  assert.match((await total.innerText()).trim(), /^\d{1,3},\d{1,2}%\s+\d+\/\d+$/);
  assert.match(await total.getAttribute("title"), /hồ sơ có trạng thái mới nhất đã được Cổng DVCQG tiếp nhận/);
  assert.match(await page.locator("#national-summary").innerText(), /^Đồng bộ Cổng DVCQG: \d{1,3},\d{1,2}% \(\d+ \/ \d+ hồ sơ/);
  await checkPage(page, "national-sync-dashboard");
  await page.locator(".table-wrap", { has: page.locator("#rates") }).screenshot({ path: join(ARTIFACTS, "national-sync-dashboard-table.png") });
  await page.close();
});

test("a citizen rates a returned dossier and is thanked", async () => {
  const phone = "0911001503";
  const citizen = await apiLogin(server.base, { phone });
  const dossier = await submit(citizen, phone, "Nguyễn Văn Đánh Giá", "042090007003");
  const officer = await apiLogin(server.base, { username: "sontay.motcua" });
  const { documents } = await (await fetch(`${server.base}/api/procedures/2.000815`)).json();
  const act = (action) => apiCall(server.base, officer, "POST", `/api/staff/dossiers/${dossier.id}/actions`, { action, documents });
  await act("receive");
  await apiCall(server.base, officer, "POST", `/api/staff/dossiers/${dossier.id}/fee-notice`, {});
  await apiCall(server.base, officer, "POST", `/api/staff/dossiers/${dossier.id}/counter-payment`, {});
  await act("start_processing");
  const uploaded = await fetch(`${server.base}/api/staff/dossiers/${dossier.id}/results?name=ket-qua.pdf`, {
    method: "POST",
    headers: { "content-type": "application/pdf", cookie: `${officer.name}=${officer.value}` },
    body: "%PDF-1.4\n%%EOF\n",
  });
  assert.equal(uploaded.status, 201, await uploaded.text());
  await act("return_result");

  const url = new URL(server.base);
  await browser.addCookies([{ name: citizen.name, value: citizen.value, domain: url.hostname, path: "/", httpOnly: true, secure: true, sameSite: "Lax" }]);
  const page = await phonePage();
  await page.goto(`${server.base}/ho-so/${dossier.id}`);
  const section = page.locator("section.rating");
  await section.getByRole("heading", { name: "Đánh giá mức độ hài lòng" }).waitFor();
  // A score 1–5 as a radio group (not only stars) and the reasons as checkboxes.
  const scores = section.getByRole("radiogroup");
  for (const label of ["5 – Rất hài lòng", "4 – Hài lòng", "3 – Bình thường", "2 – Không hài lòng", "1 – Rất không hài lòng"]) {
    assert.equal(await scores.getByRole("radio", { name: label, exact: true }).count(), 1, label);
  }
  assert.equal(await section.getByRole("checkbox").count(), 8, "the fixed list of reasons");
  await checkPage(page, "rating-form");

  // Nothing chosen: said at the choices.
  await section.getByRole("button", { name: "Gửi đánh giá" }).click();
  await page.locator("#e-score").getByText("Vui lòng chọn mức đánh giá từ 1 đến 5.").waitFor();
  await scores.getByRole("radio", { name: "4 – Hài lòng", exact: true }).check();
  await section.getByRole("checkbox", { name: "Thái độ phục vụ của cán bộ" }).check();
  await section.getByRole("checkbox", { name: "Thời gian giải quyết, trả kết quả đúng hẹn" }).check();
  await section.getByLabel("Góp ý (không bắt buộc)").fill("Cán bộ hướng dẫn tận tình, trả kết quả đúng hẹn");
  await section.getByRole("button", { name: "Gửi đánh giá" }).click();
  await page.getByRole("status").getByText("Cảm ơn bạn đã đánh giá.", { exact: false }).waitFor();
  // 4 is the portal's "hài lòng" (what the national sync sends).
  await section.locator(".rating-given[data-rating=hai_long][data-score='4']").getByText("4/5 – Hài lòng", { exact: true }).waitFor();
  await section.locator(".rating-given", { hasText: "Thái độ phục vụ của cán bộ" }).waitFor();
  assert.equal(await page.locator("#rating-form").count(), 0, "rated once: no form any more");
  await checkPage(page, "rating-thanks");

  // Read again, the page shows the rating given and no form.
  await page.reload();
  await section.locator(".rating-given", { hasText: "Cán bộ hướng dẫn tận tình" }).waitFor();
  assert.equal(await page.locator("#rating-form").count(), 0);
  const again = await fetch(`${server.base}/api/dossiers/${dossier.id}/rating`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie: `${citizen.name}=${citizen.value}` },
    body: JSON.stringify({ rating: "rat_hai_long" }),
  });
  assert.equal(again.status, 409);
  await page.close();

  // The desk sees the citizen's rating on the dossier.
  const desk = await phonePage();
  await staffLogin(desk, "sontay.motcua", server.base);
  await desk.goto(`${server.base}/can-bo/ho-so/${dossier.id}`);
  await desk.getByRole("heading", { name: "Đánh giá của người dân" }).waitFor();
  await desk.locator(".rating-given[data-rating=hai_long][data-score='4']", { hasText: "Cán bộ hướng dẫn tận tình" }).waitFor();
  await desk.locator(".rating-given", { hasText: "4/5 – Hài lòng" }).waitFor();
  await desk.close();
});

test("without the portal's account the screen says that messages wait", async () => {
  const bare = await startServer(["DVCQG_BASE_URL:"]);
  try {
    const phone = "0911001504";
    const citizen = await apiLogin(bare.base, { phone });
    await apiCall(bare.base, citizen, "POST", "/api/dossiers", {
      agency: SON_TAY,
      procedure: "2.000815",
      applicant: { full_name: "Lê Văn Chờ Cấu Hình", id_number: "042090007004", phone, address: "Thôn Tân Hương, xã Sơn Tây" },
      inputs: { pages: 2, copies: 1 },
    });
    // Same host as the other server: this log-in's cookie replaces the earlier one, so it runs last.
    const page = await phonePage();
    await staffLogin(page, "hatinh.admin", bare.base);
    await page.goto(bare.base + "/can-bo/dong-bo-dvcqg");
    await page.getByRole("status").getByText("Chưa cấu hình kết nối Cổng DVCQG: các bản tin đang chờ.", { exact: true }).waitFor();
    await page.locator(".tabs [data-state=pending] .count", { hasText: /^1$/ }).waitFor();
    await page.getByText("Không có bản tin nào gửi không thành công.").waitFor();
    await checkPage(page, "national-sync-not-configured");
    await page.close();
  } finally {
    bare.stop();
  }
});
