// motcua's service worker: the app shell of one release (__VERSION__, put in by scripts/build.sh)
// is precached so the app opens without a network; drafts live in localStorage, so the dossier
// form works offline, and the page shows its own "offline" banner.
//
// Updates: a new release has a new sw.js (its version string differs), so the browser installs
// it beside the old one. We call skipWaiting() + clients.claim() so the new shell serves the very
// next navigation, and delete the old release's cache. A page already open keeps running the
// code it loaded (the app is one wasm module loaded at start, nothing is fetched lazily from the
// old release), and index.html shows "Đã có phiên bản mới — Tải lại" when the controller changes,
// so the person reloads when it suits them; a draft being typed is saved on every keystroke, so
// reloading loses nothing. Waiting for every tab to close (the default) would leave a phone's
// single standalone window on the old release for days.
//
// Never cached: the API (except the catalogue, kept network-first as an offline fallback so a
// draft can be reopened), payments, the sandbox, the dev outbox and the staff app.
const VERSION = "__VERSION__";
const SHELL = `motcua-shell-${VERSION}`;
const DATA = "motcua-data";
// The landing pages (/, /co-quan, /thu-tuc/{code}) are written by the Worker with their data
// (functions/src/pages): each is asked for afresh and its last copy kept (by path) for when there
// is no network; one never visited opens in the whole app, which draws it from the cached
// catalogue. "/ho-so" answers the whole app's page (every other page, client-side routes); it is
// kept from the first visit, so the form opens offline after a visit of the home page alone.
const HOME_PAGE = "/";
const APP_PAGE = "/ho-so";
const SERVER_PAGE = /^\/(co-quan\/?|thu-tuc\/[^/]+\/?)?$/;
const PAGES = "motcua-pages";
const PAGES_KEPT = 40;
const SHELL_FILES = [
  HOME_PAGE,
  APP_PAGE,
  `/main.css?v=${VERSION}`,
  `/page.js?v=${VERSION}`,
  `/pkg/motcua.js?v=${VERSION}`,
  `/pkg/motcua_bg.wasm?v=${VERSION}`,
  "/manifest.webmanifest",
  "/icons/icon-192.png",
];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(SHELL)
      .then((c) => c.addAll(SHELL_FILES.map((u) => new Request(u, { cache: "reload" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("motcua-shell-") && k !== SHELL).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

// /nhung/* is the embed page: its frame-ancestors and settings come from the Worker every time.
// /huong-dan (the guide) and /kiem-tra (the public verification of signed documents), static
// pages, and /ap-phich/* (posters) are pages of their own, not the app's: a navigation to them
// must never be cached as the app's page.
const PASS = /^\/(api|sandbox|dev|can-bo|lanh-dao|nhung|huong-dan|kiem-tra|ap-phich)(\/|\.|$)/;
const CATALOGUE = /^\/api\/(agencies|procedures)(\/|$)/;

async function networkFirst(request, cacheName, fallbackUrl) {
  try {
    const response = await fetch(request);
    if (response.ok) {
      const cache = await caches.open(cacheName);
      cache.put(fallbackUrl || request, response.clone());
    }
    return response;
  } catch (err) {
    const cached = await caches.match(fallbackUrl || request);
    if (cached) return cached;
    throw err;
  }
}

async function serverPage(request) {
  const key = new URL(request.url);
  key.search = "";
  try {
    const response = await fetch(request);
    if (response.ok) {
      const cache = await caches.open(PAGES);
      await cache.put(key.href, response.clone());
      const keys = await cache.keys();
      // The oldest first (insertion order): a phone keeps the pages it visited last.
      for (const old of keys.slice(0, Math.max(0, keys.length - PAGES_KEPT))) await cache.delete(old);
    }
    return response;
  } catch (err) {
    const cached = (await caches.match(key.href)) || (await caches.match(APP_PAGE));
    if (cached) return cached;
    throw err;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (CATALOGUE.test(url.pathname)) {
    event.respondWith(networkFirst(request, DATA));
    return;
  }
  if (PASS.test(url.pathname)) return;
  if (request.mode === "navigate") {
    if (SERVER_PAGE.test(url.pathname)) {
      event.respondWith(serverPage(request));
      return;
    }
    // Every other page of the citizen app is the whole app's page (client-side routes).
    event.respondWith(networkFirst(request, SHELL, APP_PAGE));
    return;
  }
  event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
});
