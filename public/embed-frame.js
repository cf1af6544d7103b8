// Inside the frame only: the Worker's embed page (/nhung/{agency}) loads this after setting
// window.motcuaEmbed = {agency, name, parent, color}, where `parent` is the portal's origin,
// already checked against the agency's list (and enforced by frame-ancestors). It
//  - applies the portal's theme colour (already validated as #rgb/#rrggbb by the Worker),
//  - makes the agency the chosen one and starts on its procedures ("/?agency=CODE"),
//  - tells the portal the page's height whenever it changes, posting only to `parent`,
//    so the portal's iframe is exactly as tall as the content and never scrolls inside,
//  - tells the portal when the app moves to another page, so the portal can bring the top of
//    the frame into view (otherwise a new page opens wherever the person had scrolled to).
(function () {
  "use strict";
  var cfg = window.motcuaEmbed;
  if (!cfg || window.parent === window) return;
  var root = document.documentElement;
  root.classList.add("embed");
  if (cfg.color) {
    root.style.setProperty("--red", cfg.color);
    root.style.setProperty("--red-dark", cfg.color);
    var meta = document.querySelector('meta[name="theme-color"]');
    if (meta) meta.setAttribute("content", cfg.color);
  }
  try {
    localStorage.setItem("motcua.agency", JSON.stringify({ code: cfg.agency, name: cfg.name }));
  } catch (e) {
    /* storage blocked: the app asks for the agency instead */
  }
  // The app's router knows "/?agency=", not /nhung/...; the page stays the embed page (no reload).
  history.replaceState(null, "", "/?agency=" + encodeURIComponent(cfg.agency));

  var last = -1;
  function report() {
    var height = Math.ceil(root.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    window.parent.postMessage({ type: "motcua:height", height: height }, cfg.parent);
  }
  // The app's router moves between pages with history.pushState (and back with popstate).
  var shown = location.href;
  function navigated() {
    if (location.href === shown) return;
    shown = location.href;
    window.parent.postMessage({ type: "motcua:navigated" }, cfg.parent);
  }
  var pushState = history.pushState;
  history.pushState = function () {
    var result = pushState.apply(history, arguments);
    navigated();
    return result;
  };
  window.addEventListener("popstate", navigated);

  if ("ResizeObserver" in window) new ResizeObserver(report).observe(root);
  window.addEventListener("load", report);
  setInterval(report, 1000); // fonts, images and anything the observer misses
})();
