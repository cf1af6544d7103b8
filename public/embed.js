/*! motcua embed.js: a commune's procedures and online payment on the commune's own website.
 *
 * Paste where the service should appear:
 *
 *   <script src="https://MOTCUA-HOST/embed.js" data-agency="000.10.51.H27" data-color="#0a5" async></script>
 *   <noscript><a href="https://MOTCUA-HOST/?agency=000.10.51.H27">Nộp hồ sơ trực tuyến tại Cổng dịch vụ công Một cửa</a></noscript>
 *
 * - data-agency (required): the agency's code. The site's origin (https://its-domain) must be on
 *   the agency's list, set by the province's admin; any other site gets a refused frame.
 * - data-color (optional): the site's theme colour, #rgb or #rrggbb.
 * - data-page="huong-dan" (optional): shows the citizen guide (create an account, file a
 *   dossier, pay) instead of the agency's services; data-agency is then not needed:
 *     <script src="https://MOTCUA-HOST/embed.js" data-page="huong-dan" async></script>
 * - The <noscript> link is for visitors without JavaScript; when the frame cannot load (blocked,
 *   offline, site not listed), this script shows the same plain link in its place.
 *
 * The frame reports its content height, and each move to another page, with postMessage; this script accepts a message only
 * from its own frame (event.source) and from the motcua origin (event.origin), and the frame
 * posts only to this site's origin, checked by the server. No dependencies; the page's own
 * scripts and styles are untouched. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) return;
  var origin = new URL(script.src, location.href).origin;
  var agency = (script.getAttribute("data-agency") || "").trim();
  var color = (script.getAttribute("data-color") || "").trim();
  var guide = (script.getAttribute("data-page") || "").trim() === "huong-dan";
  var home = origin + "/" + (/^[A-Za-z0-9.]{1,40}$/.test(agency) ? "?agency=" + agency : "");

  var box = document.createElement("div");
  box.className = "motcua-embed";
  var link = document.createElement("a");
  link.href = home;
  link.target = "_blank";
  link.rel = "noopener";
  link.textContent = "Nộp hồ sơ trực tuyến tại Cổng dịch vụ công Một cửa";
  box.appendChild(link);
  script.parentNode.insertBefore(box, script.nextSibling);
  if (guide) {
    link.href = origin + "/huong-dan";
    link.textContent = "Hướng dẫn nộp hồ sơ và nộp phí trực tuyến";
  }

  if (!guide && !/^[A-Za-z0-9.]{1,40}$/.test(agency)) {
    if (window.console) console.warn("motcua embed.js: data-agency is missing or not an agency code");
    return;
  }
  if (color && !/^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(color)) {
    if (window.console) console.warn("motcua embed.js: data-color must be #rgb or #rrggbb; ignored");
    color = "";
  }

  var frame = document.createElement("iframe");
  frame.title = guide ? "Hướng dẫn sử dụng dịch vụ công trực tuyến" : "Dịch vụ công trực tuyến";
  // The guide is a static page any site may frame; the services page checks this site's origin.
  frame.src = guide
    ? origin + "/huong-dan"
    : origin + "/nhung/" + encodeURIComponent(agency) + "?parent=" + encodeURIComponent(location.origin) +
      (color ? "&color=" + encodeURIComponent(color) : "");
  frame.style.cssText = "display:block;width:100%;height:640px;border:0;overflow:hidden";
  link.style.display = "none";
  box.insertBefore(frame, link);

  var alive = false;
  window.addEventListener("message", function (event) {
    if (event.source !== frame.contentWindow || event.origin !== origin) return;
    var data = event.data;
    if (data && data.type === "motcua:navigated") {
      // A new page starts at its top: scroll back up to the frame if the visitor is below it.
      if (frame.getBoundingClientRect().top < 0) frame.scrollIntoView({ block: "start" });
      return;
    }
    if (!data || data.type !== "motcua:height") return;
    var height = Number(data.height);
    if (!isFinite(height) || height < 1 || height > 100000) return;
    if (!alive) {
      alive = true;
      frame.setAttribute("scrolling", "no");
    }
    frame.style.height = Math.ceil(height) + "px";
  });
  // Never heard from the frame (refused, offline): the plain link instead.
  setTimeout(function () {
    if (alive) return;
    frame.style.display = "none";
    link.style.display = "";
  }, 10000);
})();
