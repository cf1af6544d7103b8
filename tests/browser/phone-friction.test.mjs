// Friction found on a phone (issue 19, "Friction found on the phone"): at 320×256 CSS px nothing
// scrolls sideways and the header and bottom bar stop covering the page (WCAG 1.4.10 reflow);
// the pay buttons are on the first screen of the payment page even for the longest official
// name; focus moves to what comes next, shows on the file buttons and never hides under the
// bottom bar; a file refused for its type offers "Chọn tệp khác", while a dropped upload keeps
// "Thử lại". Screenshots land in tests/browser/artifacts/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  startServer,
  startBrowser,
  axeViolations,
  screenshot,
  apiLogin,
  apiCall,
  dossierAwaitingPayment,
  pendingCount,
  SON_TAY,
  PHONE,
  ROOT,
} from "./support.mjs";
import { readFileSync } from "node:fs";
import { join } from "node:path";

let server, browser;
before(async () => {
  server = await startServer();
  browser = await startBrowser();
});
after(async () => {
  await browser?.close();
  server?.stop();
});

/// Logs the browser in as the citizen with this session cookie.
async function asCitizen(cookie) {
  const url = new URL(server.base);
  await browser.addCookies([{ name: cookie.name, value: cookie.value, domain: url.hostname, path: "/", httpOnly: true, secure: true, sameSite: "Lax" }]);
}

/// What overflows the viewport sideways: the page's scroll width, and every visible element whose
/// box reaches past the right edge (a clipped overflow does not widen the scroll width, but it
/// still hides text).
function sidewaysOverflow(page) {
  return page.evaluate(() => {
    const width = window.innerWidth;
    const offenders = [];
    for (const el of document.body.querySelectorAll("*")) {
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      const hidden = r.width <= 1 || style.visibility === "hidden" || style.clip === "rect(0px, 0px, 0px, 0px)" || el.closest(".visually-hidden");
      if (!hidden && r.right > width + 0.5) offenders.push(`${el.tagName.toLowerCase()}.${el.className} (${Math.round(r.right)} px)`);
    }
    return { scrollWidth: document.scrollingElement.scrollWidth, width, offenders: offenders.slice(0, 5) };
  });
}

/// The header and the bottom bar: their position and how much of the viewport they keep covered
/// (what is fixed or sticky stays on the screen while the page scrolls).
function bars(page) {
  return page.evaluate(() => {
    const of = (sel) => {
      const el = document.querySelector(sel);
      const { position } = getComputedStyle(el);
      return { position, covers: position === "fixed" || position === "sticky" ? el.getBoundingClientRect().height : 0 };
    };
    return { header: of("header.top"), nav: of("nav.bottom"), height: window.innerHeight };
  });
}

test("at 320×256 CSS px the citizen's pages reflow: nothing sideways, the bars scroll with the page", async () => {
  const phone = "0911001901";
  const citizen = await apiLogin(server.base, { phone });
  await asCitizen(citizen);
  const awaiting = await dossierAwaitingPayment(server.base, citizen, phone);
  // A dossier just sent (no fee notice yet): the plain dossier page.
  const sent = await apiCall(server.base, citizen, "POST", "/api/dossiers", {
    agency: SON_TAY,
    procedure: "2.000884",
    applicant: { full_name: "Nguyễn Văn An", id_number: "042090001234", phone, address: "Thôn Tân Hương, xã Sơn Tây" },
    inputs: { cases: 2 },
  });
  const page = await browser.newPage();
  await page.setViewportSize({ width: 320, height: 256 });
  const pages = [
    ["home", "/", page.getByRole("heading", { name: "Thủ tục hành chính" })],
    // The longest official name in the demo data and its fee table.
    ["procedure", "/thu-tuc/1.013831", page.locator("h1")],
    ["submit", `/thu-tuc/2.000815/nop?agency=${SON_TAY}`, page.getByRole("heading", { name: "Nộp hồ sơ trực tuyến" })],
    ["dossier", `/ho-so/${sent.id}`, page.locator(".code strong")],
    ["payment", `/ho-so/${awaiting.id}`, page.getByRole("button", { name: "VNPAY" })],
  ];
  for (const [name, path, ready] of pages) {
    await page.goto(server.base + path);
    await ready.first().waitFor();
    const o = await sidewaysOverflow(page);
    assert.ok(o.scrollWidth <= o.width, `${name}: scroll width ${o.scrollWidth} > ${o.width}`);
    assert.deepEqual(o.offenders, [], `${name}: elements past the right edge`);
    const b = await bars(page);
    assert.equal(b.header.position, "static", `${name}: the header scrolls with the page`);
    assert.equal(b.nav.position, "static", `${name}: the bottom bar scrolls with the page`);
    assert.ok(b.header.covers + b.nav.covers <= b.height / 2, `${name}: the bars cover at most half of ${b.height} px`);
    assert.deepEqual(await axeViolations(page), [], `${name}: axe at 320×256`);
    await screenshot(page, `reflow-320x256-${name}`);
  }
  // A long dossier code and a fee line's long word (no place to break a line) wrap inside the
  // page rather than widening it.
  const long = { code: "000.10.51.H27.261207.0001.000.10.51.H27.261207.0002", fee: "Phí_chứng_thực_bản_sao_từ_bản_chính_giấy_tờ" };
  await page.route(`**/api/dossiers/${awaiting.id}`, async (route) => {
    const answer = await route.fetch();
    const body = await answer.json();
    body.code = long.code;
    body.fee_notice.lines[0].name = long.fee;
    await route.fulfill({ response: answer, json: body });
  });
  await page.goto(`${server.base}/ho-so/${awaiting.id}`);
  await page.getByText(long.fee).waitFor();
  await page.getByText(long.code).waitFor();
  const o = await sidewaysOverflow(page);
  assert.ok(o.scrollWidth <= o.width, `long words: scroll width ${o.scrollWidth} > ${o.width}`);
  assert.deepEqual(o.offenders, [], "long words: elements past the right edge");
  await screenshot(page, "reflow-320x256-long-words");

  // On a phone held upright the bars are back: fixed bottom bar, sticky header, together well
  // under half the screen.
  await page.setViewportSize(PHONE);
  const b = await bars(page);
  assert.deepEqual([b.header.position, b.nav.position], ["sticky", "fixed"]);
  assert.ok(b.header.covers + b.nav.covers <= b.height / 2);
});

test("the pay buttons are on the first screen of the payment page at 360×740, for the longest official name", async () => {
  const phone = "0911001902";
  const citizen = await apiLogin(server.base, { phone });
  await asCitizen(citizen);
  const dossier = await dossierAwaitingPayment(server.base, citizen, phone);
  // The longest official name in the demo data (1.013831, 569 characters), shown for this dossier
  // (no officer of the demo data handles that procedure: the page gets the name from the route).
  const longest = (await (await fetch(`${server.base}/api/procedures/1.013831`)).json()).name;
  assert.ok(longest?.length > 500, `the longest name: ${longest?.length}`);
  const page = await browser.newPage();
  await page.route(`**/api/dossiers/${dossier.id}`, async (route) => {
    const answer = await route.fetch();
    const body = await answer.json();
    body.procedure_name = longest;
    await route.fulfill({ response: answer, json: body });
  });
  await page.goto(`${server.base}/ho-so/${dossier.id}`);
  const first = page.getByRole("button", { name: "VNPAY" });
  await first.waitFor();
  assert.equal(await page.evaluate(() => window.scrollY), 0);
  const [top, barTop] = await Promise.all([first.evaluate((el) => el.getBoundingClientRect().top), page.locator("nav.bottom").evaluate((el) => el.getBoundingClientRect().top)]);
  const bottom = await first.evaluate((el) => el.getBoundingClientRect().bottom);
  assert.ok(top >= 0 && bottom <= barTop, `the first pay button (${top}–${bottom} px) is above the bottom bar (${barTop} px) without scrolling`);
  // The name is shortened on the screen, whole for screen readers and in the title.
  const h1 = page.getByRole("heading", { level: 1, name: longest });
  assert.equal(await h1.getAttribute("title"), longest);
  const lines = await h1.evaluate((el) => el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight));
  assert.ok(lines <= 2.05, `the name takes ${lines.toFixed(2)} lines`);
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, "payment-first-screen-longest-name");
});

test("after \"Nhận mã xác thực\" the focus is in the code field", async () => {
  await browser.clearCookies();
  const page = await browser.newPage();
  await page.goto(server.base + "/tai-khoan");
  await page.getByLabel("Số điện thoại").fill("0911001903");
  await page.getByLabel("Số điện thoại").press("Enter");
  await page.getByText("Mã xác thực đã được gửi đến 0911001903", { exact: false }).waitFor();
  await page.waitForFunction(() => document.activeElement?.id === "f-code", null, { timeout: 5_000 });
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute("autocomplete")), "one-time-code");
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, "focus-code-field");
});

/// The submit form of Sơn Tây's certified copies, for the citizen with this phone, logged in.
async function submitForm(phone) {
  await asCitizen(await apiLogin(server.base, { phone }));
  const page = await browser.newPage();
  await page.goto(`${server.base}/thu-tuc/2.000815/nop?agency=${SON_TAY}`);
  await page.locator(".pickers").waitFor();
  return page;
}

test("the file buttons show keyboard focus, and a focused one is never under the bottom bar", async () => {
  const page = await submitForm("0911001904");
  // The row of file buttons just under the bottom bar, the focus on what comes before them.
  await page.evaluate(() => {
    const row = document.querySelector(".pickers").getBoundingClientRect();
    window.scrollTo(0, window.scrollY + row.top - window.innerHeight + 30);
    const focusable = [...document.querySelectorAll("a[href], button, input, select, textarea")].filter((el) => !el.disabled);
    focusable[focusable.indexOf(document.getElementById("pick-camera")) - 1].focus({ preventScroll: true });
  });
  const barTop = await page.locator("nav.bottom").evaluate((el) => el.getBoundingClientRect().top);
  assert.ok(barTop < PHONE.height, "the bottom bar is on the screen");
  for (const id of ["pick-camera", "pick-files"]) {
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement.id), id);
    const label = page.locator(`label[for="${id}"]`);
    const look = await label.evaluate((el) => {
      const s = getComputedStyle(el);
      const r = el.getBoundingClientRect();
      return { style: s.outlineStyle, width: parseFloat(s.outlineWidth), top: r.top, bottom: r.bottom };
    });
    assert.notEqual(look.style, "none", `${id}: the focus shows on its button`);
    assert.ok(look.width >= 2, `${id}: an outline of ${look.width} px`);
    const headerBottom = await page.locator("header.top").evaluate((el) => el.getBoundingClientRect().bottom);
    assert.ok(look.top >= headerBottom && look.bottom <= barTop, `${id}: the button (${look.top}–${look.bottom} px) is between the header (${headerBottom}) and the bottom bar (${barTop})`);
  }
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, "focus-file-button");
});

test("a file refused for its type offers \"Chọn tệp khác\"; a dropped upload offers \"Thử lại\"", async () => {
  const page = await submitForm("0911001905");
  const refused = [
    { name: "ghi-chu.txt", mimeType: "text/plain", buffer: Buffer.from("Giấy tờ: bản sao CCCD\n") },
    { name: "setup.exe", mimeType: "application/x-msdownload", buffer: Buffer.concat([Buffer.from("MZ\x90\x00\x03\x00"), Buffer.alloc(2000)]) },
  ];
  await page.locator("#pick-files").setInputFiles(refused);
  for (const { name } of refused) {
    const row = page.locator('.file[data-state="failed"]', { hasText: name });
    await row.waitFor({ timeout: 30_000 });
    assert.match(await row.locator(".field-error").first().textContent(), /không phải ảnh JPEG, PNG hoặc tệp PDF/);
    assert.equal(await row.getByRole("button", { name: "Chọn tệp khác" }).count(), 1, `${name}: another file`);
    assert.equal(await row.getByRole("button", { name: "Thử lại" }).count(), 0, `${name}: no retry`);
  }
  assert.equal(await pendingCount(page), 0, "a refused file is not kept on the phone to be sent again");
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, "upload-refused-type");

  // "Chọn tệp khác" drops the refused file and opens the picker for the one to send instead.
  const chooser = page.waitForEvent("filechooser");
  await page.locator(".file", { hasText: "ghi-chu.txt" }).getByRole("button", { name: "Chọn tệp khác" }).click();
  await (await chooser).setFiles(join(ROOT, "tests", "fixtures", "minimal.pdf"));
  await page.locator('.file[data-state="done"]', { hasText: "minimal.pdf" }).waitFor({ timeout: 30_000 });
  assert.equal(await page.locator(".file", { hasText: "ghi-chu.txt" }).count(), 0);

  // A dropped connection is worth retrying.
  const drop = (route) => route.abort("internetdisconnected");
  await page.route("**/api/uploads", drop);
  await page.locator("#pick-files").setInputFiles({ name: "ban-sao.pdf", mimeType: "application/pdf", buffer: readFileSync(join(ROOT, "tests", "fixtures", "minimal.pdf")) });
  const dropped = page.locator('.file[data-state="failed"]', { hasText: "ban-sao.pdf" });
  await dropped.waitFor({ timeout: 30_000 });
  assert.equal(await dropped.getByRole("button", { name: "Chọn tệp khác" }).count(), 0);
  await page.unroute("**/api/uploads", drop);
  await dropped.getByRole("button", { name: "Thử lại" }).click();
  await page.locator('.file[data-state="done"]', { hasText: "ban-sao.pdf" }).waitFor({ timeout: 30_000 });
});
