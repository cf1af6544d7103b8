// Digitized, signed and reusable documents (issue 17) on a phone (360×740). Sơn Tây's officer
// digitizes a document at reception, attaches the copy certified from the original, is refused
// until they state that they compared it, then certifies and signs it; the control sheet marks
// the dossier digitized at reception and at return. The citizen downloads the signed PDF (not the
// bytes uploaded), finds it in "Giấy tờ của tôi" and reuses it in a second dossier, where the desk
// sees it signed and verified. /kiem-tra (a static page) finds it valid by its code and by the
// file itself (hashed in the browser), and revoked, with the agency's reason, once the officer
// revokes it; a dossier referencing it then is refused at that document. Also: an earlier upload
// reused from the wallet (marked as the citizen's upload at the desk), and a plain result signed
// with "Ký số" (no comparison, no certification number). axe on every page; screenshots in
// tests/browser/artifacts.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, startBrowser, apiLogin, apiCall, checkPage, dossierAwaitingPayment, staffLogin, SON_TAY } from "./support.mjs";

let server, browser;
before(async () => {
  server = await startServer();
  browser = await startBrowser();
});
after(async () => {
  await browser?.close();
  server?.stop();
});

/// A one-page PDF with `text` on it and a correct cross-reference table (what a scanner or an
/// office suite would hand the desk; the signer appends to it).
function makePdf(text) {
  const content = `BT /F1 18 Tf 72 760 Td (${text}) Tj ET`;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let out = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n";
  const offsets = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, "latin1"));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, "latin1");
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, "latin1");
}

/// The citizen's session, logged in once (a second code to the same phone within a minute is
/// refused, 429).
let citizenSession;
async function citizenLogin(base, phone) {
  citizenSession ??= await apiLogin(base, { phone });
  return citizenSession;
}

const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");

async function status(page, label) {
  await page.locator(".status-label", { hasText: label }).first().waitFor({ timeout: 20_000 });
}

test("a document the citizen uploaded before is in “Giấy tờ của tôi” and reused in a new dossier; the desk sees it", async () => {
  const base = server.base;
  const phone = "0912345678";
  const citizen = await citizenLogin(base, phone);
  const cookie = `${citizen.name}=${citizen.value}`;
  // Arrange (API): an earlier dossier filed with a scan.
  const bytes = makePdf("Giay khai sinh");
  const up = await fetch(`${base}/api/uploads`, {
    method: "POST",
    headers: { cookie, "content-type": "application/pdf", "x-file-name": "giay-khai-sinh.pdf" },
    body: bytes,
  });
  assert.equal(up.status, 201, await up.clone().text());
  const upload = await up.json();
  await apiCall(base, citizen, "POST", "/api/dossiers", {
    agency: SON_TAY,
    procedure: "2.000815",
    applicant: { full_name: "Nguyễn Văn An", id_number: "042090001234", phone, address: "Thôn Tân Hương, xã Sơn Tây" },
    inputs: { pages: 1, copies: 1 },
    files: [upload.id],
  });

  await browser.addCookies([{ name: citizen.name, value: citizen.value, url: base }]);
  const me = await browser.newPage();
  await me.goto(`${base}/giay-to`);
  await me.getByRole("heading", { name: "Giấy tờ của tôi" }).waitFor();
  const card = me.locator(".wallet-document", { hasText: "giay-khai-sinh.pdf" });
  await card.waitFor({ timeout: 20_000 });
  assert.ok((await card.innerText()).includes("Giấy tờ bạn đã tải lên"));
  await checkPage(me, "reuse-1-wallet");
  const href = await card.locator("a.download").getAttribute("href");
  const got = await fetch(base + href, { headers: { cookie } });
  assert.equal(got.status, 200);
  assert.ok(Buffer.from(await got.arrayBuffer()).equals(bytes), "the wallet serves the bytes uploaded");
  const held = (await apiCall(base, citizen, "GET", "/api/me/documents")).documents.find((d) => d.name === "giay-khai-sinh.pdf");

  // The form's chooser adds it; the choice is part of the draft and survives a reload.
  await me.goto(`${base}/thu-tuc/2.000815/nop?agency=${SON_TAY}`);
  await me.waitForFunction(() => document.getElementById("f-applicant-full_name")?.value !== "");
  await me.getByLabel("Số trang của bản chính").fill("1");
  await me.getByLabel("Số bản sao cần chứng thực").fill("2");
  await me.getByRole("button", { name: "Chọn từ Giấy tờ của tôi" }).click();
  await me.locator(`#reuse-${held.id}`).check();
  await checkPage(me, "reuse-2-chooser");
  await me.getByRole("button", { name: "Xong" }).click();
  await me.locator(`.chosen-document[data-id="${held.id}"]`).waitFor();
  await me.reload();
  await me.locator(`.chosen-document[data-id="${held.id}"]`).waitFor();
  await me.getByRole("button", { name: "Gửi hồ sơ" }).click();
  await me.waitForURL(/\/ho-so\/s\d{2}[0-9a-f]{30}$/, { timeout: 20_000 });
  const id = me.url().split("/").pop();
  await me.getByRole("heading", { name: "Giấy tờ dùng lại" }).waitFor();
  const detail = await apiCall(base, citizen, "GET", `/api/dossiers/${id}`);
  assert.deepEqual(detail.wallet_documents.map((d) => d.id), [held.id]);
  await checkPage(me, "reuse-3-dossier");
  await me.close();
  await browser.clearCookies({ name: citizen.name });

  // The desk sees it as the citizen's upload (not signed), and can open it.
  const desk = await browser.newPage();
  await staffLogin(desk, "sontay.motcua", base);
  await desk.goto(`${base}/can-bo/ho-so/${id}`);
  const mark = desk.locator('.wallet-doc[data-state="upload"]', { hasText: "Bản tải lên của công dân" });
  await mark.waitFor({ timeout: 20_000 });
  const officer = await apiLogin(base, { username: "sontay.motcua" });
  const opened = await fetch(base + (await mark.locator("a").first().getAttribute("href")), { headers: { cookie: `${officer.name}=${officer.value}` } });
  assert.equal(opened.status, 200);
  await checkPage(desk, "reuse-4-desk");
  await desk.close();
});

test("the officer certifies and signs a copy; the citizen downloads, keeps and reuses it; anyone verifies it, and sees it revoked", async () => {
  const base = server.base;
  const phone = "0912345678";
  const dir = mkdtempSync(join(tmpdir(), "motcua-signed-"));

  // Arrange (API): the citizen's certified-copy dossier, received, paid at the counter, in
  // processing.
  const citizen = await citizenLogin(base, phone);
  const dossier = await dossierAwaitingPayment(base, citizen, phone);
  const officer = await apiLogin(base, { username: "sontay.motcua" });
  await apiCall(base, officer, "POST", `/api/staff/dossiers/${dossier.id}/counter-payment`);
  await apiCall(base, officer, "POST", `/api/staff/dossiers/${dossier.id}/actions`, { action: "start_processing", reason: "", documents: [] });
  const { documents } = await (await fetch(`${base}/api/procedures/2.000815`)).json();
  assert.ok(documents.length > 0, "the procedure lists its documents");

  // 1. The desk digitizes a document at reception.
  const desk = await browser.newPage();
  await staffLogin(desk, "sontay.motcua", base);
  await desk.goto(`${base}/can-bo/ho-so/${dossier.id}`);
  await status(desk, "Đang xử lý");
  await desk.getByRole("heading", { name: "Số hóa khi tiếp nhận" }).waitFor();
  const scanButton = desk.getByRole("button", { name: "Tải lên bản số hóa" });
  await scanButton.click();
  await desk.getByRole("alert").getByText("Vui lòng chọn giấy tờ được số hóa.").waitFor();
  await desk.locator("#scan-type").selectOption(documents[0]);
  const original = makePdf("Ban chinh - giay to goc");
  await desk.locator("#scan-file").setInputFiles({ name: "ban-chinh.pdf", mimeType: "application/pdf", buffer: original });
  await scanButton.click();
  const scan = desk.locator(".scan", { hasText: "ban-chinh.pdf" });
  await scan.waitFor({ timeout: 20_000 });
  assert.equal((await scan.locator(".scan-type").textContent()).trim(), documents[0]);
  const scanUrl = await scan.locator("a").getAttribute("href");
  const scanned = await fetch(base + scanUrl, { headers: { cookie: `${officer.name}=${officer.value}` } });
  assert.equal(scanned.status, 200);
  assert.ok(Buffer.from(await scanned.arrayBuffer()).equals(original), "the scan downloads as uploaded");
  await checkPage(desk, "signed-1-desk-scan");

  // 2. The copy is attached, refused until compared with the original, then certified and signed.
  const unsigned = makePdf("Ban sao chung thuc tu ban chinh");
  await desk.locator("#result-file").setInputFiles({ name: "ban-sao.pdf", mimeType: "application/pdf", buffer: unsigned });
  await desk.getByRole("button", { name: "Đính kèm kết quả" }).click();
  await status(desk, "Có kết quả, chờ trả");
  const certify = desk.getByRole("button", { name: "Chứng thực và ký số" });
  await certify.click();
  await desk.getByRole("alert").getByText("Vui lòng xác nhận đã đối chiếu bản sao với bản chính.").waitFor();
  // The copy's page count starts from the original's, as the citizen declared it.
  assert.equal(await desk.getByLabel("Số trang của bản sao").inputValue(), "5");
  await desk.getByLabel("Đã đối chiếu bản sao với bản chính").check();
  await checkPage(desk, "signed-2-desk-certify");
  await certify.click();
  const signature = desk.locator(".signature");
  await signature.locator(".verify-code").waitFor({ timeout: 30_000 });
  const code = (await signature.locator(".verify-code").textContent()).trim();
  assert.ok(code.length >= 4, `verification code ${code}`);
  assert.match(await signature.locator(".book-number").textContent(), /\d+\/\d{4}/);
  assert.notEqual((await signature.locator(".signer").textContent()).trim(), "");
  assert.equal(await signature.locator("a.verify-link").getAttribute("href"), `/kiem-tra?ma=${encodeURIComponent(code)}`);
  assert.equal(await desk.getByRole("button", { name: "Chứng thực và ký số" }).count(), 0, "a signed copy is not signed again");
  await checkPage(desk, "signed-3-desk-signed");
  await desk.getByRole("button", { name: "Trả kết quả" }).click();
  await status(desk, "Đã trả kết quả");

  // The control sheet marks the digitization at reception (with the document) and at return.
  await desk.getByRole("link", { name: "Phiếu kiểm soát quá trình giải quyết hồ sơ" }).click();
  await desk.locator('.digitized-reception[data-done="true"]').waitFor();
  await desk.locator('.digitized-return[data-done="true"]').waitFor();
  assert.ok((await desk.locator(".digitized-documents").innerText()).includes(documents[0]));
  await checkPage(desk, "signed-4-control-sheet");

  // 3. The citizen downloads the signed copy: a PDF, not the bytes the desk uploaded.
  await browser.addCookies([{ name: citizen.name, value: citizen.value, url: base }]);
  const me = await browser.newPage();
  await me.goto(`${base}/ho-so/${dossier.id}`);
  const result = me.locator(".signed-result");
  await result.getByText("Bản sao điện tử có chứng thực, có chữ ký số").waitFor({ timeout: 20_000 });
  assert.equal((await result.locator(".verify-code").textContent()).trim(), code);
  await checkPage(me, "signed-5-citizen-dossier");
  const [download] = await Promise.all([me.waitForEvent("download"), result.locator("a.download").click()]);
  const signedPath = join(dir, "ban-sao-ky-so.pdf");
  await download.saveAs(signedPath);
  const signed = readFileSync(signedPath);
  assert.equal(signed.subarray(0, 4).toString("latin1"), "%PDF");
  assert.ok(!signed.equals(unsigned), "the download is the signed PDF, not the upload");
  const href = await result.locator("a.download").getAttribute("href");
  const fetched = await fetch(base + href, { headers: { cookie: `${citizen.name}=${citizen.value}` } });
  assert.equal(fetched.status, 200);
  assert.ok(Buffer.from(await fetched.arrayBuffer()).equals(signed));

  // 4. "Giấy tờ của tôi" lists it.
  await me.getByRole("link", { name: "Giấy tờ", exact: true }).click();
  await me.getByRole("heading", { name: "Giấy tờ của tôi" }).waitFor();
  const card = me.locator(".wallet-document", { hasText: code });
  await card.waitFor({ timeout: 20_000 });
  await card.locator("a.download").waitFor();
  await checkPage(me, "signed-6-wallet");
  const wallet = await apiCall(base, citizen, "GET", "/api/me/documents");
  const held = wallet.documents.find((d) => d.signature?.code === code);
  assert.ok(held, "the wallet holds the signed copy");

  // 5. A second dossier reuses it instead of an upload; the choice survives a reload (draft).
  await me.goto(`${base}/thu-tuc/2.000815/nop?agency=${SON_TAY}`);
  await me.waitForFunction(() => document.getElementById("f-applicant-full_name")?.value !== "");
  await me.getByLabel("Số trang của bản chính").fill("2");
  await me.getByLabel("Số bản sao cần chứng thực").fill("1");
  await me.getByRole("button", { name: "Chọn từ Giấy tờ của tôi" }).click();
  await me.locator(`#reuse-${held.id}`).check();
  await me.getByRole("button", { name: "Xong" }).click();
  await me.locator(`.chosen-document[data-id="${held.id}"]`).waitFor();
  await me.reload();
  await me.locator(`.chosen-document[data-id="${held.id}"]`).waitFor();
  await checkPage(me, "signed-7-reuse-form");
  await me.getByRole("button", { name: "Gửi hồ sơ" }).click();
  await me.waitForURL(/\/ho-so\/s\d{2}[0-9a-f]{30}$/, { timeout: 20_000 });
  const second = me.url().split("/").pop();
  await me.getByRole("heading", { name: "Giấy tờ dùng lại" }).waitFor();
  const secondDetail = await apiCall(base, citizen, "GET", `/api/dossiers/${second}`);
  assert.deepEqual(secondDetail.wallet_documents.map((d) => d.id), [held.id]);

  // The desk sees it signed and verified.
  await desk.goto(`${base}/can-bo/ho-so/${second}`);
  await desk.locator('.wallet-doc[data-state="verified"]', { hasText: "Đã ký số · đã kiểm tra" }).waitFor({ timeout: 20_000 });
  await checkPage(desk, "signed-8-desk-reused");

  // 6. /kiem-tra: valid by the code (from the link on the document) and by the file itself.
  const check = await browser.newPage();
  await check.goto(`${base}/kiem-tra?ma=${encodeURIComponent(code)}`);
  const valid = check.locator('[data-outcome="valid"]');
  await valid.waitFor({ timeout: 20_000 });
  assert.equal(await check.locator("#ma").inputValue(), code);
  const shown = await valid.innerText();
  assert.ok(shown.includes("Giấy tờ hợp lệ") && shown.includes(dossier.code), shown);
  assert.match(shown, /\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
  await checkPage(check, "signed-9-verify-code");
  await check.goto(`${base}/kiem-tra`);
  await check.locator("#tep").setInputFiles(signedPath);
  await valid.waitFor({ timeout: 20_000 });
  assert.ok((await valid.innerText()).includes(sha256(signed)), "the hash computed in the browser is the signed file's");
  await checkPage(check, "signed-10-verify-file");
  // The upload before signing is not a document anyone signed.
  await check.locator("#tep").setInputFiles({ name: "ban-sao.pdf", mimeType: "application/pdf", buffer: unsigned });
  await check.locator('[data-outcome="unknown"]').waitFor({ timeout: 20_000 });
  // A code mistyped (not 10 characters): said at the field; a well-formed one matching nothing.
  await check.locator("#ma").fill("7K3QX");
  await check.getByRole("button", { name: "Kiểm tra" }).click();
  await check.locator("#ma-error").getByText("10 ký tự", { exact: false }).waitFor({ timeout: 20_000 });
  assert.equal(await check.locator("#ma").getAttribute("aria-invalid"), "true");
  await check.locator("#ma").fill(code === "7K3QX-M9P2D" ? "7K3QX-M9P2E" : "7K3QX-M9P2D");
  await check.getByRole("button", { name: "Kiểm tra" }).click();
  await check.locator('[data-outcome="unknown"]', { hasText: "Không tìm thấy giấy tờ" }).waitFor({ timeout: 20_000 });
  await checkPage(check, "signed-11-verify-unknown");

  // 7. The officer revokes it with a reason; /kiem-tra shows it revoked with that reason.
  const reason = "Cấp nhầm bản sao của hồ sơ khác";
  await desk.goto(`${base}/can-bo/ho-so/${dossier.id}`);
  await desk.getByRole("button", { name: "Thu hồi" }).click();
  await desk.getByRole("button", { name: "Xác nhận thu hồi" }).click();
  await desk.getByRole("alert").getByText("Vui lòng nhập lý do thu hồi.").waitFor();
  await desk.getByLabel("Lý do thu hồi", { exact: false }).fill(reason);
  await desk.getByRole("button", { name: "Xác nhận thu hồi" }).click();
  await desk.locator('.signature[data-revoked="true"] .revocation', { hasText: reason }).waitFor({ timeout: 20_000 });
  await checkPage(desk, "signed-12-desk-revoked");
  await check.goto(`${base}/kiem-tra?ma=${encodeURIComponent(code)}`);
  const revoked = check.locator('[data-outcome="revoked"]');
  await revoked.waitFor({ timeout: 20_000 });
  assert.ok((await revoked.innerText()).includes(reason));
  assert.equal(await check.locator('[data-outcome="valid"]').count(), 0);
  await checkPage(check, "signed-13-verify-revoked");
  await check.close();

  // 8. A dossier referencing the revoked copy is refused at that document.
  await me.goto(`${base}/thu-tuc/2.000815/nop?agency=${SON_TAY}`);
  await me.waitForFunction(() => document.getElementById("f-applicant-full_name")?.value !== "");
  await me.getByLabel("Số trang của bản chính").fill("3");
  await me.getByLabel("Số bản sao cần chứng thực").fill("1");
  const key = `motcua.draft.2.000815.${SON_TAY}`;
  await me.waitForFunction((k) => {
    const d = JSON.parse(localStorage.getItem(k) || "null");
    return d && String(d.inputs.pages) === "3" && String(d.inputs.copies) === "1";
  }, key);
  // Chosen before it was revoked (the chooser no longer offers it): put in the saved draft.
  await me.evaluate(([k, doc]) => {
    const d = JSON.parse(localStorage.getItem(k));
    d.documents = [doc];
    localStorage.setItem(k, JSON.stringify(d));
  }, [key, { id: held.id, title: held.title }]);
  await me.reload();
  const item = me.locator(`.chosen-document[data-id="${held.id}"]`);
  await item.waitFor();
  await me.getByRole("button", { name: "Gửi hồ sơ" }).click();
  await item.locator(".field-error").filter({ hasText: /\S/ }).waitFor({ timeout: 20_000 });
  assert.match(me.url(), /\/nop\?/, "the dossier was not sent");
  await checkPage(me, "signed-14-reuse-refused");

  // The English switch reaches the new page.
  await me.evaluate(() => localStorage.setItem("motcua.lang", "en"));
  await me.goto(`${base}/giay-to`);
  await me.getByRole("heading", { name: "My documents" }).waitFor();
  await me.getByRole("link", { name: "Documents", exact: true }).waitFor();
  await me.evaluate(() => localStorage.removeItem("motcua.lang"));
  await me.close();
  await desk.close();
});

test("a result of a procedure without copies is signed with “Ký số” alone", async () => {
  const base = server.base;
  const phone = "0912000817";
  const citizen = await apiLogin(base, { phone });
  // Arrange (API): a marriage registration (no fees) received and in processing.
  const dossier = await apiCall(base, citizen, "POST", "/api/dossiers", {
    agency: SON_TAY,
    procedure: "1.000894",
    applicant: { full_name: "Phạm Thị Thu", id_number: "042190003333", phone, address: "Thôn Tân Hương, xã Sơn Tây" },
  });
  const officer = await apiLogin(base, { username: "sontay.motcua" });
  const { documents } = await (await fetch(`${base}/api/procedures/1.000894`)).json();
  await apiCall(base, officer, "POST", `/api/staff/dossiers/${dossier.id}/actions`, { action: "receive", reason: "", documents });
  await apiCall(base, officer, "POST", `/api/staff/dossiers/${dossier.id}/actions`, { action: "start_processing", reason: "", documents: [] });

  const desk = await browser.newPage();
  await staffLogin(desk, "sontay.motcua", base);
  await desk.goto(`${base}/can-bo/ho-so/${dossier.id}`);
  await status(desk, "Đang xử lý");
  await desk.locator("#result-file").setInputFiles({ name: "giay-chung-nhan-ket-hon.pdf", mimeType: "application/pdf", buffer: makePdf("Giay chung nhan ket hon") });
  await desk.getByRole("button", { name: "Đính kèm kết quả" }).click();
  await status(desk, "Có kết quả, chờ trả");
  // No comparison with an original to state here.
  assert.equal(await desk.getByLabel("Đã đối chiếu bản sao với bản chính").count(), 0);
  await desk.getByRole("button", { name: "Ký số", exact: true }).click();
  const signature = desk.locator(".signature");
  await signature.getByText("Đã ký số", { exact: true }).waitFor({ timeout: 30_000 });
  assert.equal(await signature.locator(".book-number").count(), 0, "a result has no certification number");
  const code = (await signature.locator(".verify-code").textContent()).trim();
  const v = await (await fetch(`${base}/api/verify/${encodeURIComponent(code)}`)).json();
  assert.equal(v.valid, true);
  assert.equal(v.kind, "result");
  await checkPage(desk, "signed-15-desk-result");
  await desk.close();
});
