// The kiosk page: attract loop (two iframes, the next slide preloaded, then cross-faded: never a
// blank frame), the clock, the hot strip (or the warning strip while a warning alert runs), the
// FR marker of a slide played in French in another language's turn, the open-now chip of a
// place, the QR hand-off, and touch mode over the bundle's directory with an idle countdown
// back to the loop. What plays is decided in Python (window.shell.play); what is shown is
// reported back (api.shown) for the QR code and NFC.
// Slides and directory pages come from another origin, in sandboxed frames: this page cannot
// reach into them, nor they into it. The directory frame talks through postMessage (frame.js).
// Durations (idle countdown, settling) run on performance.now(): a step of the wall clock
// must neither hold touch mode open for an hour nor end it at once.
(function () {
  "use strict";

  var LABELS = {
    fr: { invite: "Touchez l’écran pour explorer", home: "Accueil", back: "Retour à l’accueil dans %s s", phone: "Sur votre téléphone : scannez ou touchez le lecteur NFC" },
    en: { invite: "Touch the screen to explore", home: "Home", back: "Back to start in %s s", phone: "On your phone: scan, or tap the NFC reader" },
    de: { invite: "Bildschirm berühren zum Entdecken", home: "Start", back: "Zurück zum Start in %s s", phone: "Aufs Handy: scannen oder NFC-Leser berühren" },
    es: { invite: "Toque la pantalla para explorar", home: "Inicio", back: "Vuelta al inicio en %s s", phone: "En su móvil: escanee o toque el lector NFC" }
  };
  var $ = function (id) { return document.getElementById(id); };
  var frames = [$("frame-a"), $("frame-b")];
  var api = null;
  var config = { languages: [{ code: "fr", name: "Français" }], directory: {}, idle_s: 60, heartbeat_s: 5, site: "" };
  var s = {
    mode: "loop", current: null, pending: null, front: 0, token: 0, lang: "fr", release: null,
    lastActivity: 0, pages: 0, baseMs: Date.now(), basePerf: performance.now(), shown: null, shownId: null,
    revealedAt: 0, link: null, touchPath: null, touchLink: null, strip: [], stripKey: "[]"
  };

  function label(key, lang) { return (LABELS[lang] || LABELS.en)[key]; }
  // the player's clock (now_ms of the last play), carried on by the page's monotonic clock
  function now() { return new Date(s.baseMs + performance.now() - s.basePerf); }

  // -- the loop -------------------------------------------------------------------------------

  function play(item) {
    if (item.now_ms) { s.baseMs = item.now_ms; s.basePerf = performance.now(); }
    if (item.release) { s.release = item.release; }
    renderHot(item.hot || []);
    renderStrip(item.strip || []);
    if (s.mode === "touch" && !item.interrupt) { s.pending = item; return true; }
    if (s.mode === "touch") { endTouch("alert"); }
    show(item);
    return true;
  }

  function show(item) {
    s.current = item; s.pending = null;
    var token = ++s.token;
    document.body.classList.toggle("alert", !!item.interrupt);
    $("alert-flag").hidden = !item.interrupt;
    if (!item.path) { reveal(null, item, token); return; }
    var back = frames[1 - s.front];
    back.onload = function () {   // (the slide's own link footer is hidden by frame.js)
      if (token === s.token) { reveal(back, item, token); }
    };
    load(back, item.url);
  }

  // replace(), not src=: a new src adds a session-history entry at every slide, for months
  function load(frame, url) {
    try { frame.contentWindow.location.replace(url); } catch (e) { frame.src = url; }
  }

  function reveal(frame, item, token) {
    var card = $("default-card");
    if (frame) {
      var old = frames[s.front];
      frame.classList.add("top", "on");   // fades in over the old slide, still opaque beneath
      old.classList.remove("top");
      s.front = 1 - s.front;
      setTimeout(function () {
        if (frames[s.front] === old) { return; }
        old.classList.remove("on");
        // the fade is over: the hidden frame lets its slide go (one document, not two, in the
        // renderer) unless the next slide is already loading into it
        if (config.single_frame && token === s.token) { old.onload = null; load(old, "about:blank"); }
      }, 800);
      setTimeout(function () { if (token === s.token) { card.hidden = true; } }, 650);
    } else {
      $("default-site").textContent = config.site;
      card.hidden = false;
    }
    s.shown = item.path; s.shownId = item.id; s.revealedAt = performance.now();
    setFrench(item.in_french);
    setOpenNow(item.open_now);
    setHandoff($("handoff"), $("qr"), $("handoff-caption"), item.link, item.qr, item.lang);
    s.link = item.link;
    $("invite").textContent = config.languages.map(function (l) { return label("invite", l.code); })
      .filter(function (t, i, all) { return all.indexOf(t) === i; }).join(" · ");
    if (api) { api.shown(item.path, "loop"); }
  }

  function setHandoff(box, img, caption, link, qr, lang) {
    box.hidden = !qr;
    if (qr) {
      img.src = qr; img.alt = link;
      caption.textContent = label("phone", lang) + " — " + link.replace(/^https?:\/\//, "");
    }
    box.setAttribute("data-link", link || "");
  }

  function renderHot(hot) {
    var list = $("hot-list");
    list.textContent = "";
    hot.forEach(function (h) {
      var li = document.createElement("li");
      li.className = h.kind; li.textContent = h.title;
      list.appendChild(li);
    });
  }

  // the running alerts of a strip level, in their level's colour (the most severe first); an
  // alert leaves the strip at its end (until_ms, on the player's clock), even mid-slide
  function renderStrip(strip) {
    s.strip = strip;
    var t = now().getTime();
    var live = strip.filter(function (a) { return !a.until_ms || t < a.until_ms; });
    var key = JSON.stringify(live);
    if (key === s.stripKey) { return; }
    s.stripKey = key;
    var list = $("strip-list"), box = $("strip");
    list.textContent = "";
    live.forEach(function (a) {
      var li = document.createElement("li");
      li.textContent = a.title; li.lang = a.lang;
      list.appendChild(li);
    });
    box.className = live.length ? "level-" + live[0].level : "";
    box.hidden = !live.length;
    document.body.classList.toggle("strip", live.length > 0);
  }

  // "FR" on a slide whose text is French in another language's turn, said in that language
  function setFrench(french) {
    var badge = $("fr-badge");
    badge.hidden = !french;
    if (french) { badge.setAttribute("aria-label", french.label); badge.setAttribute("title", french.label); }
    else { badge.removeAttribute("aria-label"); badge.removeAttribute("title"); }
  }

  // on a place's slide, its phrase at this moment ("Ouvert · ferme à 19 h"), from Python: the
  // slide is static, it cannot know the time; in the top bar, which every slide keeps free
  function setOpenNow(open) {
    var chip = $("open-now");
    chip.hidden = !open;
    chip.textContent = open ? open.text : "";
    chip.className = open ? (open.open ? "open" : "closed") : "";
    if (open) { chip.lang = open.lang; } else { chip.removeAttribute("lang"); }
  }

  function tick() {
    var lang = (s.mode === "touch" ? s.lang : (s.current && s.current.lang)) || "fr";
    var t = now();
    var opts = { timeZone: "Europe/Paris" };
    $("clock").textContent = t.toLocaleTimeString(lang, Object.assign({ hour: "2-digit", minute: "2-digit" }, opts));
    $("date").textContent = t.toLocaleDateString(lang, Object.assign({ weekday: "long", day: "numeric", month: "long" }, opts));
    $("default-time").textContent = $("clock").textContent;
    if (s.strip.length) { renderStrip(s.strip); }
    if (s.mode === "touch") {
      var left = Math.max(0, Math.ceil(config.idle_s - (performance.now() - s.lastActivity) / 1000));
      $("countdown").textContent = label("back", s.lang).replace("%s", left);
      if (left <= 0) { endTouch("idle"); }
    }
  }

  // -- touch mode -----------------------------------------------------------------------------

  function dirUrl(lang, page) {
    return config.content + "/bundle/" + s.release + "/directory/" + lang + "/" + (page || "index.html");
  }

  function startTouch() {
    if (s.mode === "touch" || !s.release || !config.directory[config.languages[0].code]) { return; }
    s.mode = "touch"; s.pages = 0; s.lastActivity = performance.now();
    var lang = (s.current && s.current.lang) || config.languages[0].code;
    document.body.classList.add("touch"); document.body.classList.remove("loop");
    $("touch").hidden = false;
    setLang(lang, "index.html");
    if (api) { api.touch("start", {}); }
  }

  function endTouch(reason) {
    if (s.mode !== "touch") { return; }
    s.mode = "loop";
    document.body.classList.remove("touch"); document.body.classList.add("loop");
    $("touch").hidden = true;
    var last = s.touchPath;
    load($("dir"), "about:blank");
    s.touchPath = null; s.touchLink = null;
    if (api) { api.touch("end", { reason: reason, pages: s.pages, lang: s.lang, last: last || "" }); }
    if (s.pending) { show(s.pending); }
    else if (api && s.current) { api.shown(s.current.path, "loop"); }
  }

  function setLang(lang, page) {
    s.lang = lang;
    document.documentElement.lang = lang;
    $("home").textContent = label("home", lang);
    Array.prototype.forEach.call($("langs").children, function (b) {
      b.setAttribute("aria-pressed", b.getAttribute("data-lang") === lang ? "true" : "false");
    });
    load($("dir"), dirUrl(lang, page));
  }

  function activity() { s.lastActivity = performance.now(); }

  // What the directory frame says (frame.js; its own scripts could say the same): only a path,
  // a ping or an href is taken, and Python checks each against the signed release.
  function onDirectoryMessage(e) {
    var m = e.data;
    if (e.source !== $("dir").contentWindow || s.mode !== "touch" || !m || typeof m !== "object") { return; }
    if (m.p2f === "activity") { activity(); }
    else if (m.p2f === "page" && typeof m.path === "string") { onDirectoryPage(m.path); }
    else if (m.p2f === "handoff" && typeof m.href === "string" && api) {
      activity();
      api.handoff(m.href.slice(0, 300)).then(function (answer) { if (answer && answer.link) { showTouchHandoff(answer); } });
    }
  }

  function onDirectoryPage(path) {
    if (path.indexOf("/bundle/") !== 0) { setLang(s.lang, "index.html"); return; }
    s.pages += 1; s.touchPath = path; activity();
    if (api) { api.shown(path, "touch").then(showTouchHandoff); }
  }

  function showTouchHandoff(answer) {
    s.touchLink = answer && answer.link;
    setHandoff($("touch-handoff"), $("touch-qr"), $("touch-caption"), answer && answer.link, answer && answer.qr, s.lang);
  }

  function buildLanguages() {
    var box = $("langs");
    box.textContent = "";
    config.languages.forEach(function (l) {
      var b = document.createElement("button");
      b.type = "button"; b.textContent = l.name; b.lang = l.code; b.setAttribute("data-lang", l.code);
      b.addEventListener("click", function () {
        var page = (s.touchPath || "").replace(/^.*\/directory\/[a-z]+\//, "") || "index.html";
        setLang(l.code, page);
      });
      box.appendChild(b);
    });
  }

  // -- start ----------------------------------------------------------------------------------

  function init() {
    api = window.pywebview.api;
    api.ready().then(function (cfg) {
      config = cfg;
      buildLanguages();
      document.body.classList.add(cfg.orientation || "portrait");
      setInterval(function () { api.heartbeat(); }, cfg.heartbeat_s * 1000);
      api.heartbeat();
      if (cfg.play) { play(cfg.play); }
    });
  }

  document.addEventListener("pointerdown", function (e) {
    if (s.mode === "loop") { e.preventDefault(); startTouch(); } else { activity(); }
  }, true);
  document.addEventListener("contextmenu", function (e) { e.preventDefault(); }, true);
  $("home").addEventListener("click", function () { setLang(s.lang, "index.html"); });
  $("close").addEventListener("click", function () { endTouch("button"); });
  window.addEventListener("message", onDirectoryMessage);
  setInterval(tick, 250);
  tick();

  window.shell = {
    play: play,
    state: function () {
      return {
        mode: s.mode, shown: s.shown, shownId: s.shownId, link: s.link,
        current: s.current && s.current.id,
        pending: s.pending && s.pending.id, lang: s.lang, touchPath: s.touchPath,
        touchLink: s.touchLink, pages: s.pages, countdown: $("countdown").textContent,
        alert: document.body.classList.contains("alert"),
        settledMs: s.revealedAt ? performance.now() - s.revealedAt : 0,
        visibleFrames: frames.filter(function (f) { return f.classList.contains("on"); }).length,
        qr: !$("handoff").hidden, hot: $("hot-list").children.length,
        strip: Array.prototype.map.call($("strip-list").children, function (li) { return li.textContent; }),
        stripLevel: $("strip").className, stripShown: !$("strip").hidden && getComputedStyle($("strip")).display !== "none",
        stripBox: (function (r) { return [r.left, r.top, r.width, r.height]; })($("strip").getBoundingClientRect()),
        openNow: $("open-now").hidden ? null : (function (c, r) {
          return { text: c.textContent, lang: c.lang, open: c.className === "open", box: [r.left, r.top, r.width, r.height] };
        })($("open-now"), $("open-now").getBoundingClientRect()),
        french: $("fr-badge").hidden ? null : { text: $("fr-badge").textContent, label: $("fr-badge").getAttribute("aria-label") }
      };
    }
  };
  if (window.pywebview && window.pywebview.api && window.pywebview.api.ready) { init(); }
  else { window.addEventListener("pywebviewready", init); }
})();
