// The script of the pages the Worker writes (/, /co-quan, /thu-tuc/{code}: functions/src/pages).
// Each page works without it (its search and fee are GET forms the Worker answers); with it:
//  - the home page's search filters the cards as the citizen types, by the domain's rule
//    (motcua_domain::text::matches_any, mirrored below; tests/browser/server-pages.test.mjs
//    checks both answer the same for the same words);
//  - the agency chooser's search lists matches as it is typed;
//  - the fee is recomputed as its inputs change (the Worker renders the new table; no second
//    copy of the fee rules lives here);
//  - the choices the page was written with (agency, language) are kept where the wasm app reads
//    them (localStorage), and an older phone's choices, kept only there, reach the Worker once;
//  - the service worker is registered, and an offline banner shows without a network.
(function () {
  "use strict";
  var doc = document;
  var body = doc.body;
  var en = doc.documentElement.lang === "en";
  var t = function (vi, enText) {
    return en ? enText : vi;
  };

  // ---- choices: cookies for the Worker, localStorage for the app -----------------------------
  var YEAR = 365 * 24 * 3600;
  function cookie(name) {
    var m = doc.cookie.match(new RegExp("(?:^|; )" + name.replace(/\./g, "\\.") + "=([^;]*)"));
    return m ? decodeURIComponent(m[1]) : null;
  }
  function setCookie(name, value) {
    doc.cookie = name + "=" + encodeURIComponent(value) + "; Path=/; Max-Age=" + YEAR + "; SameSite=Lax";
  }
  function stored(key) {
    try {
      return localStorage.getItem(key);
    } catch (e) {
      return null;
    }
  }
  function store(key, value) {
    try {
      localStorage.setItem(key, value);
    } catch (e) {
      /* storage blocked: the cookie still carries the choice */
    }
  }
  var resend = false;
  var savedLang = stored("motcua.lang");
  if (cookie("motcua.lang") === null && (savedLang === "en" || savedLang === "vi") && savedLang !== doc.documentElement.lang) {
    setCookie("motcua.lang", savedLang);
    resend = true;
  } else {
    store("motcua.lang", doc.documentElement.lang);
  }
  var code = body.dataset.agencyCode;
  if (code) {
    store("motcua.agency", JSON.stringify({ code: code, name: body.dataset.agencyName }));
  } else if (cookie("motcua.agency") === null) {
    try {
      var saved = JSON.parse(stored("motcua.agency") || "null");
      if (saved && typeof saved.code === "string" && saved.code) {
        setCookie("motcua.agency", saved.code);
        resend = true;
      }
    } catch (e) {
      /* not ours: ignore */
    }
  }
  // Once per tab, so a browser that refuses cookies is not reloaded forever.
  if (resend && !sessionStorage.getItem("motcua.page-resent")) {
    sessionStorage.setItem("motcua.page-resent", "1");
    location.reload();
    return;
  }
  // `?lang=` has done its work (the Worker set the cookie): keep it out of links and reloads.
  var url = new URL(location.href);
  if (url.searchParams.has("lang")) {
    url.searchParams.delete("lang");
    history.replaceState(null, "", url.pathname + url.search + url.hash);
  }

  // ---- search at word starts, as motcua_domain::text::matches_any --------------------------------
  var VOWELS = ["aàáảãạ", "ăằắẳẵặ", "âầấẩẫậ", "eèéẻẽẹ", "êềếểễệ", "iìíỉĩị", "oòóỏõọ", "ôồốổỗộ", "ơờớởỡợ", "uùúủũụ", "ưừứửữự", "yỳýỷỹỵ"];
  var BASE = "aaaeeiooouuy";
  var MARKED = { 1: 1, 2: 1, 4: 1, 7: 1, 8: 1, 10: 1 };
  function parts(c) {
    c = c.toLowerCase();
    if (c.charCodeAt(0) < 128) return [c, 0, 0];
    if (c === "đ") return ["d", 1, 0];
    for (var row = 0; row < VOWELS.length; row++) {
      var tone = Array.from(VOWELS[row]).indexOf(c);
      if (tone >= 0) return [BASE[row], MARKED[row] ? row : 0, tone];
    }
    return [c, 0, 0];
  }
  function accepts(q, h) {
    var a = parts(q);
    var b = parts(h);
    return a[0] === b[0] && (a[1] === 0 || a[1] === b[1]) && (a[2] === 0 || a[2] === b[2]);
  }
  var SPLIT = /[\s!-\/:-@\[-`{-~–—“”‘’…]+/;
  var MARK = /[\u0300-\u036f]/g;
  function words(s) {
    return s.split(SPLIT).filter(Boolean);
  }
  function begins(word, prefix) {
    var w = Array.from(word.replace(MARK, ""));
    var p = Array.from(prefix.replace(MARK, ""));
    if (p.length > w.length) return false;
    for (var i = 0; i < p.length; i++) if (!accepts(p[i], w[i])) return false;
    return true;
  }
  function matches(text, query) {
    var tw = words(text);
    return words(query).every(function (q) {
      return tw.some(function (w) {
        return begins(w, q);
      });
    });
  }
  window.motcuaMatches = matches; // for the test that compares it with the Worker's answers

  function searchBox(onChange) {
    var form = doc.querySelector("form.search-form");
    if (!form) return;
    var input = form.querySelector('input[name="q"]');
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      input.blur(); // closes the phone's keyboard over the results
    });
    input.addEventListener("input", function () {
      onChange(input.value);
      var u = new URL(location.href);
      if (input.value.trim()) u.searchParams.set("q", input.value);
      else u.searchParams.delete("q");
      history.replaceState(null, "", u.pathname + u.search);
    });
  }

  var empty = doc.querySelector("[data-empty]");
  if (body.dataset.page === "home") {
    var cards = Array.from(doc.querySelectorAll(".cards > li[data-search]"));
    searchBox(function (q) {
      var shown = 0;
      cards.forEach(function (li) {
        var hit = matches(li.dataset.search, q);
        li.hidden = !hit;
        if (hit) shown++;
      });
      empty.hidden = shown > 0;
    });
  }

  if (body.dataset.page === "agencies") {
    var tree = doc.querySelector("ul.tree");
    var results = doc.querySelector("form.choose ul.cards");
    var all = Array.from(tree.querySelectorAll("button[name=agency]")).map(function (b) {
      return { code: b.value, name: b.dataset.name, path: b.dataset.path };
    });
    searchBox(function (q) {
      var searching = q.trim() !== "";
      var hits = searching
        ? all.filter(function (a) {
            return matches(a.name + " " + a.path, q);
          }).slice(0, 30)
        : [];
      // The same markup as motcua_domain::pages::agencies::result.
      results.replaceChildren.apply(
        results,
        hits.map(function (a) {
          var li = doc.createElement("li");
          li.className = "card";
          var b = doc.createElement("button");
          b.type = "submit";
          b.name = "agency";
          b.value = a.code;
          b.className = "choice";
          var title = doc.createElement("span");
          title.className = "card-title";
          title.textContent = a.name;
          var meta = doc.createElement("span");
          meta.className = "card-meta";
          meta.textContent = a.path;
          b.append(title, meta);
          li.append(b);
          return li;
        }),
      );
      tree.hidden = searching;
      results.hidden = hits.length === 0;
      empty.hidden = !searching || hits.length > 0;
    });
  }

  // ---- the fee, recomputed by the Worker as the inputs change -----------------------------------
  var fee = doc.querySelector("form[data-fee]");
  if (fee) {
    // Hidden from the first paint by the stylesheet (html.js), so nothing moves when this runs.
    var button = fee.querySelector("[data-recompute]");
    var lines = fee.querySelector(".fee-lines");
    var asked = 0;
    var timer = 0;
    var recompute = function () {
      var n = ++asked;
      var query = new URLSearchParams(new FormData(fee)).toString();
      fetch(location.pathname + "?" + query, { headers: { Accept: "text/html" }, credentials: "same-origin" })
        .then(function (r) {
          return r.ok ? r.text() : Promise.reject(r.status);
        })
        .then(function (html) {
          if (n !== asked) return; // a later change already asked again
          var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("form[data-fee] .fee-lines");
          if (fresh) lines.innerHTML = fresh.innerHTML;
          history.replaceState(null, "", location.pathname + "?" + query);
        })
        .catch(function () {
          /* offline: the last figure stays; the form still sends when the network is back */
          if (button) button.style.display = "inline-flex";
        });
    };
    fee.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(recompute, 250);
    });
    fee.addEventListener("submit", function (ev) {
      ev.preventDefault();
      clearTimeout(timer);
      recompute();
    });
  }

  // ---- offline banner and the service worker (as the app's shell, public/index.html) -------------
  function offline() {
    if (doc.querySelector("p.offline")) return;
    var p = doc.createElement("p");
    p.className = "offline";
    p.setAttribute("role", "status");
    p.textContent = t("Mất kết nối mạng. Trang này vẫn xem được; thao tác cần mạng sẽ chờ đến khi có mạng trở lại.", "You are offline. This page can still be read; what needs the network waits until it is back.");
    doc.querySelector("header.top").after(p);
  }
  window.addEventListener("offline", offline);
  window.addEventListener("online", function () {
    var p = doc.querySelector("p.offline");
    if (p) p.remove();
  });
  if (!navigator.onLine) offline();

  if ("serviceWorker" in navigator) {
    var hadController = !!navigator.serviceWorker.controller;
    navigator.serviceWorker.register("/sw.js").catch(function () {});
    navigator.serviceWorker.addEventListener("controllerchange", function () {
      if (!hadController || doc.getElementById("update")) return;
      var bar = doc.createElement("p");
      bar.id = "update";
      bar.className = "update";
      bar.setAttribute("role", "status");
      bar.textContent = t("Đã có phiên bản mới của ứng dụng. ", "A new version of the app is available. ");
      var btn = doc.createElement("button");
      btn.type = "button";
      btn.textContent = t("Tải lại", "Reload");
      btn.onclick = function () {
        location.reload();
      };
      bar.appendChild(btn);
      body.prepend(bar);
    });
  }
})();
