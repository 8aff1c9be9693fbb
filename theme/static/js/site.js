/* livep2f.com: what is true *now*, in the browser, without a rebuild.
 *
 * - [data-ends] disappears at its end time, [data-from] appears at its start time,
 *   [data-after] appears once its time has passed ("this offer has ended").
 * - [data-open] (open windows computed at build time) or [data-oh] (OpenStreetMap syntax,
 *   evaluated by opening_hours.js where the page loads it) give "open now".
 * - home and agenda: [data-when=today|weekend] lists are filled from [data-pool] events.
 * - ranking by audience: cards whose audiences match the moment come first; who is around
 *   when comes from the content (content/reglages/ecrans.md, written by the build to
 *   /data/audiences.json and judged by P2FRules.audiencesAt, as on the kiosks).
 * - "near me": sorts [data-sortable] lists by distance once the visitor allows geolocation.
 * - places directory: filters by category, open now, accessibility, language spoken.
 * - agenda: filters by date range, theme and audience ([data-agenda-filters]).
 * - evening: the home page's "tonight" button from 18:00 to 06:00 ([data-evening]); the
 *   Tonight page keeps the lodgings reachable now ([data-reachable]: late arrival possible or
 *   reception open), the places open after 21:00 ([data-open-late]) and tonight's events.
 * Everything runs before the first paint (blocking="render"): no block moves once drawn.
 * All times come from `new Date()`, so a test can move the page clock.
 */
(function () {
  "use strict";
  var $$ = function (sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); };
  var time = function (iso) { return iso ? Date.parse(iso) : NaN; };
  var PARIS = "Europe/Paris";

  function parisParts(now) {
    // weekday (0 = Monday), hour and day key of a moment in Paris time, whatever the device zone
    var f = new Intl.DateTimeFormat("en-GB", { timeZone: PARIS, weekday: "short", hour: "numeric", hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit" });
    var p = {};
    f.formatToParts(now).forEach(function (x) { p[x.type] = x.value; });
    var days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    return { weekday: days.indexOf(p.weekday), hour: parseInt(p.hour, 10), day: p.year + "-" + p.month + "-" + p.day };
  }
  function dayKey(ms) { return parisParts(new Date(ms)).day; }

  /* --- appear and disappear on time -------------------------------------------------- */
  function applyTime(now) {
    var t = now.getTime();
    $$("[data-ends]").forEach(function (el) {
      var gone = time(el.dataset.ends) <= t || (el.dataset.from && time(el.dataset.from) > t);
      el.hidden = !!gone;
    });
    $$("[data-after]").forEach(function (el) { el.hidden = time(el.dataset.after) > t; });
  }

  /* --- open now ------------------------------------------------------------------------ */
  function isOpen(el, now) {
    if (el.dataset.oh && window.opening_hours) {
      try {
        var nominatim = { lat: +el.dataset.lat || 43.2, lon: +el.dataset.lon || 3.5, address: { country_code: "fr", state: "Occitanie" } };
        return new window.opening_hours(el.dataset.oh, nominatim).getState(now);
      } catch (e) { /* fall back to the windows written by the build */ }
    }
    var t = now.getTime();
    return (el.dataset.open || "").split(" ").some(function (w) {
      var pair = w.split("/");
      return pair.length === 2 && time(pair[0]) <= t && t < time(pair[1]);
    });
  }
  function applyOpen(now) {
    $$("[data-open], [data-oh]").forEach(function (el) {
      var open = isOpen(el, now);
      el.dataset.isOpen = open ? "1" : "0";
      $$("[data-state]", el).forEach(function (s) {
        s.textContent = open ? s.dataset.openLabel : s.dataset.closedLabel;
        s.className = "state " + (open ? "open" : "closed");
      });
    });
    $$("[data-open-now]").forEach(function (list) {
      $$(":scope > li", list).forEach(function (li) { li.hidden = li.dataset.isOpen !== "1"; });
    });
  }

  /* --- today / this weekend ------------------------------------------------------------ */
  function weekendDays(now) {
    // the coming (or current) Saturday and Sunday, as Paris day keys
    var p = parisParts(now), start = now.getTime(), day = 86400000;
    var toSat = (5 - p.weekday + 7) % 7;
    if (p.weekday === 6) { toSat = -1; }
    return [dayKey(start + toSat * day), dayKey(start + (toSat + 1) * day)];
  }
  function applyWhen(now) {
    var today = parisParts(now).day, weekend = weekendDays(now), t = now.getTime();
    var pool = $$("[data-pool] > li[data-starts]");
    var night = t + hoursUntil(now, 6) * 3600000; // tonight: from now until 06:00
    $$("[data-when]").forEach(function (list) {
      var days = list.dataset.when === "today" ? [today] : weekend;
      list.textContent = "";
      var seen = {};
      pool.forEach(function (li) {
        var s = time(li.dataset.starts), e = time(li.dataset.ends);
        if (e <= t) { return; }
        var first = dayKey(Math.max(s, t)), last = dayKey(e - 60000);
        var hit = list.dataset.when === "tonight" ? s < night :
          days.some(function (d) { return first <= d && d <= last; });
        var key = li.querySelector("a").getAttribute("href");
        if (hit && !seen[key]) {
          seen[key] = true;
          var copy = li.cloneNode(true);
          copy.removeAttribute("id");
          copy.hidden = false; // the pool may be hidden (Tonight page) or filtered (agenda)
          list.appendChild(copy);
        }
      });
    });
  }

  /* --- the evening ---------------------------------------------------------------------- */
  function hoursUntil(now, hour) {
    // whole hours from the start of the current Paris hour to the next `hour`:00 (1..24),
    // minus the minutes already gone, as a fraction
    var p = parisParts(now), n = (hour - p.hour + 24) % 24 || 24;
    return n - (now.getUTCMinutes() * 60 + now.getUTCSeconds()) / 3600;
  }
  function applyEvening(now) {
    var h = parisParts(now).hour, evening = h >= 18 || h < 6;
    $$("[data-evening]").forEach(function (el) { el.hidden = !evening; });
    $$("[data-reachable] > li").forEach(function (li) {
      li.hidden = !(li.dataset.tonight === "1" || li.dataset.isOpen === "1");
    });
    // open after 21:00: at 21:00 today, or now once it is later
    var late = (h >= 21 || h < 6) ? now : new Date(now.getTime() + hoursUntil(now, 21) * 3600000);
    $$("[data-open-late] > li").forEach(function (li) { li.hidden = !isOpen(li, late); });
  }

  /* --- agenda filters ------------------------------------------------------------------ */
  function has(list, word) { return (" " + (list || "") + " ").indexOf(" " + word + " ") >= 0; }
  function applyAgendaFilters() {
    var form = document.querySelector("[data-agenda-filters]");
    if (!form) { return; }
    var from = form.from.value, to = form.to.value, theme = form.theme.value, aud = form.audience.value;
    var total = 0;
    $$("[data-pool]").forEach(function (list) {
      var visible = 0;
      $$(":scope > li[data-starts]", list).forEach(function (li) {
        var first = dayKey(time(li.dataset.starts)), last = dayKey(time(li.dataset.ends) - 60000);
        var ok = (!from || last >= from) && (!to || first <= to) &&
          (!theme || has(li.dataset.themes, theme)) && (!aud || has(li.dataset.audiences, aud));
        if (!ok) { li.hidden = true; }
        if (!li.hidden) { visible += 1; }
      });
      var section = list.closest("section");
      if (section) { section.hidden = visible === 0; }
      total += visible;
    });
    form.querySelector("[data-count]").textContent = total;
  }
  function setupAgendaFilters() {
    var form = document.querySelector("[data-agenda-filters]");
    if (!form) { return; }
    var params = new URLSearchParams(location.search);
    ["from", "to", "theme", "audience"].forEach(function (name) {
      if (params.get(name)) { form[name].value = params.get(name); }
    });
    form.addEventListener("change", function () {
      var q = new URLSearchParams();
      ["from", "to", "theme", "audience"].forEach(function (name) {
        if (form[name].value) { q.set(name, form[name].value); }
      });
      history.replaceState(null, "", location.pathname + (q.toString() ? "?" + q : ""));
      refresh();
    });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
  }

  /* --- ranking by audience ------------------------------------------------------------- */
  var audienceTable = null;  // {audiences, audience_hours}: /data/audiences.json
  function audiencesAt(now) {
    // the audiences at this moment (P2FRules.audiencesAt), in the order the matching blocks
    // list them: the block listed first, and its first audience, rank first
    if (!audienceTable || !window.P2FRules || !window.P2FRules.audiencesAt) { return []; }
    var rules = window.P2FRules, table = audienceTable.audience_hours || [];
    var order = [];
    var matching = table.filter(function (b) { return rules.audiencesAt([b], [], now).length; });
    (matching.length ? matching : [{ audiences: audienceTable.audiences || [] }]).forEach(function (block) {
      block.audiences.forEach(function (a) { if (order.indexOf(a) < 0) { order.push(a); } });
    });
    return order;
  }
  function loadAudiences() {
    if (!document.querySelector("[data-ranked]") || !window.fetch) { return; }
    fetch("/data/audiences.json").then(function (r) { return r.ok ? r.json() : null; })
      .then(function (table) { if (table) { audienceTable = table; refresh(); } })
      .catch(function () { /* no table: the build order stays */ });
  }
  function score(li, audiences, now) {
    var mine = (li.dataset.audiences || "").split(" ").filter(Boolean);
    var best = mine.length ? Math.min.apply(null, mine.map(function (a) {
      var i = audiences.indexOf(a); return i < 0 ? 9 : i;
    })) : 5;
    if (li.dataset.rules && window.P2FRules && window.P2FRules.matches) {
      try {
        var ok = window.P2FRules.matches(JSON.parse(li.dataset.rules), { now: now, audiences: audiences, language: document.documentElement.lang });
        if (!ok) { best += 10; }
      } catch (e) { /* a rule the engine does not read: keep the build order */ }
    }
    return best;
  }
  function applyRanking(now) {
    if (!audienceTable) { return; }  // keep the build order until the table is there
    var audiences = audiencesAt(now);
    $$("[data-ranked]").forEach(function (list) {
      var items = $$(":scope > li", list);
      var ranked = items.map(function (li, i) { return { li: li, s: score(li, audiences, now), i: i }; });
      ranked.sort(function (a, b) { return a.s - b.s || a.i - b.i; });
      ranked.forEach(function (r) { list.appendChild(r.li); });
    });
  }

  /* --- limits and empty states --------------------------------------------------------- */
  function applyLimits() {
    $$("[data-limit]").forEach(function (list) {
      var n = parseInt(list.dataset.limit, 10), shown = 0;
      $$(":scope > li:not([hidden])", list).forEach(function (li) {
        if (shown >= n) { li.hidden = true; li.dataset.cut = "1"; } else { shown += 1; }
      });
    });
    $$("[data-empty]").forEach(function (p) {
      var list = p.previousElementSibling;
      if (list) { p.hidden = $$(":scope > li:not([hidden])", list).length > 0; }
    });
  }

  /* --- near me ------------------------------------------------------------------------- */
  function km(a, b, c, d) {
    var r = Math.PI / 180, x = (d - b) * r * Math.cos((a + c) * r / 2), y = (c - a) * r;
    return 6371 * Math.sqrt(x * x + y * y);
  }
  function sortByDistance(lat, lon) {
    $$("[data-sortable]").forEach(function (list) {
      var items = $$(":scope > li[data-lat]", list).map(function (li) {
        var d = km(lat, lon, +li.dataset.lat, +li.dataset.lon);
        var label = li.querySelector("[data-distance]");
        if (label) { label.textContent = d < 1 ? Math.round(d * 1000) + " m" : d.toFixed(1) + " km"; }
        return { li: li, d: d };
      });
      items.sort(function (a, b) { return a.d - b.d; });
      items.forEach(function (x) { list.appendChild(x.li); });
    });
    refresh();
  }
  function setupNearMe() {
    $$("[data-near-me]").forEach(function (button) {
      var status = button.parentNode.querySelector("[data-near-status]");
      button.addEventListener("click", function () {
        if (!navigator.geolocation) { status.textContent = status.dataset.fail; return; }
        navigator.geolocation.getCurrentPosition(function (pos) {
          sortByDistance(pos.coords.latitude, pos.coords.longitude);
          status.textContent = status.dataset.ok;
        }, function () { status.textContent = status.dataset.fail; }, { timeout: 10000, maximumAge: 300000 });
      });
    });
  }

  /* --- places directory filters -------------------------------------------------------- */
  function applyFilters(now) {
    var form = document.querySelector("[data-filters]");
    if (!form) { return; }
    var cat = form.cat.value, spoken = form.spoken.value, open = form.open.checked, access = form.access.checked;
    var total = 0;
    $$("[data-category]").forEach(function (section) {
      var visible = 0;
      if (cat && section.dataset.category !== cat) { section.hidden = true; return; }
      $$("li[data-slug]", section).forEach(function (li) {
        var ok = (!spoken || (" " + li.dataset.langs + " ").indexOf(" " + spoken + " ") >= 0) &&
          (!access || (" " + li.dataset.access + " ").indexOf(" fauteuil ") >= 0) &&
          (!open || li.dataset.isOpen === "1");
        li.hidden = !ok;
        if (ok) { visible += 1; }
      });
      section.hidden = visible === 0;
      total += visible;
    });
    form.querySelector("[data-count]").textContent = total;
    var empty = document.querySelector("[data-empty-all]");
    if (empty) { empty.hidden = total > 0; }
  }
  function setupFilters() {
    var form = document.querySelector("[data-filters]");
    if (!form) { return; }
    var params = new URLSearchParams(location.search);
    if (params.get("cat")) { form.cat.value = params.get("cat"); }
    if (params.get("spoken")) { form.spoken.value = params.get("spoken"); }
    form.open.checked = params.get("open") === "1";
    form.access.checked = params.get("access") === "fauteuil";
    form.addEventListener("change", function () {
      var q = new URLSearchParams(new FormData(form)).toString().replace(/(^|&)[a-z]+=(?=&|$)/g, "");
      history.replaceState(null, "", location.pathname + (q ? "?" + q.replace(/^&/, "") : ""));
      refresh();
    });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
  }

  function refresh() {
    var now = new Date();
    $$("[data-cut='1']").forEach(function (li) { li.hidden = false; li.dataset.cut = "0"; });
    applyTime(now);
    applyOpen(now);
    applyWhen(now);
    applyRanking(now);
    applyFilters(now);
    applyEvening(now);
    applyTime(now); // cards copied into "today" follow the same clock
    applyAgendaFilters();
    applyLimits();
    needOpeningHours(now);
  }

  /* opening_hours.js (1.2 MB, 160 KB compressed) is fetched only when it is the authority:
   * the visitor filters on "open now", or the build's windows no longer cover this moment. */
  var ohRequested = false;
  function needOpeningHours(now) {
    if (ohRequested || window.opening_hours || !document.querySelector("[data-oh]")) { return; }
    var until = document.querySelector("meta[name=p2f-hours-until]");
    var stale = until && time(until.content) <= now.getTime();
    var form = document.querySelector("[data-filters]");
    if (!stale && !(form && form.open.checked)) { return; }
    ohRequested = true;
    var load = function (src, then) {
      var s = document.createElement("script");
      s.src = src; s.onload = then; document.head.appendChild(s);
    };
    load("/theme/vendor/suncalc.js", function () { load("/theme/vendor/opening_hours.js", refresh); });
  }

  function start() {
    $$(".js-only").forEach(function (el) { el.hidden = false; });
    setupFilters();
    setupAgendaFilters();
    setupNearMe();
    loadAudiences();
    refresh();
    // once a minute: what ended disappears, what opened appears
    setInterval(refresh, 60000);
  }
  window.P2FSite = { refresh: refresh, isOpen: isOpen, audiencesAt: audiencesAt };
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
