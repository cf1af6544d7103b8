// Takes the screenshots of the citizen guide (public/huong-dan.html) from the real app: a
// throw-away `wrangler dev` with the demo data (tests/browser/support.mjs), headless Chromium at
// the phone viewport (360×740), each screen saved as a small JPEG in public/huong-dan/. Run after
// scripts/build.sh whenever the screens change:
//   source scripts/env.sh && node scripts/guide-screens.mjs
import { statSync } from "node:fs";
import { join } from "node:path";
import { ROOT, SON_TAY, apiCall, apiLogin, dossierAwaitingPayment, startBrowser, startServer } from "../tests/browser/support.mjs";

const OUT = join(ROOT, "public", "huong-dan");
const PHONE_NUMBER = "0911818101";

async function shot(page, name) {
  // Settled: fonts and images in, no spinner moving.
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(300);
  const path = join(OUT, `${name}.jpg`);
  await page.screenshot({ path, type: "jpeg", quality: 55 });
  console.log(`${name}.jpg ${Math.round(statSync(path).size / 1024)} KB`);
}

const server = await startServer();
const browser = await startBrowser();
try {
  const page = await browser.newPage();
  // 1. The account page, before log-in.
  await page.goto(`${server.base}/tai-khoan`);
  await page.getByLabel("Số điện thoại").waitFor();
  await page.getByLabel("Số điện thoại").fill("0912 345 678");
  await shot(page, "1-tai-khoan");

  // 2. The procedures of an agency (the poster's QR code opens this).
  await page.goto(`${server.base}/?agency=${SON_TAY}`);
  await page.locator("ul.cards li").first().waitFor();
  await shot(page, "2-thu-tuc");

  // 3. The form, with the profile filled in once.
  const citizen = await apiLogin(server.base, { phone: PHONE_NUMBER });
  await apiCall(server.base, citizen, "PUT", "/api/me", {
    full_name: "Nguyễn Văn An",
    citizen_id: "042090001234",
    email: "",
    address: "Thôn Tân Hương, xã Sơn Tây",
  });
  await browser.addCookies([{ name: citizen.name, value: citizen.value, url: server.base }]);
  await page.goto(`${server.base}/thu-tuc/2.000815/nop`);
  await page.getByRole("group", { name: "Thông tin người nộp" }).waitFor();
  await shot(page, "3-to-khai");

  // 4. A dossier with its fee notice, at the ways to pay.
  const dossier = await dossierAwaitingPayment(server.base, citizen, PHONE_NUMBER);
  await page.goto(`${server.base}/ho-so/${dossier.id}`);
  await page.locator(".fee-total").getByText("21.000 đ").waitFor();
  // The fee and the ways to pay in view, below the sticky header.
  await page.getByRole("heading", { name: "Phí, lệ phí" }).evaluate((el) => el.scrollIntoView({ block: "start" }));
  await page.evaluate(() => window.scrollBy(0, -document.querySelector("header.top").offsetHeight - 8));
  await shot(page, "4-ho-so");
} finally {
  await browser.close();
  server.stop();
}
