// With the screen's own clock (a bundle outlives the day it was built):
// - marks today's events and hides what has ended or not begun;
// - shows each place's open state from now.js (P2F_NOW, written by p2f_kiosk/now_data.py: the
//   words are the build's, this only picks the phase that holds now), puts the places open now
//   first (the build's order, by distance from this screen, is kept within each group), and
//   lets the "open now" button hide the others;
// - fills in what an item page cannot say itself, being the same file on every site: the
//   place's distance from this screen and this screen's deep link (now.js has both).
(function () {
  var now = Date.now();
  var midnight = new Date(); midnight.setHours(24, 0, 0, 0);
  document.querySelectorAll("[data-until]").forEach(function (node) {
    var from = Date.parse(node.getAttribute("data-from") || "");
    var until = Date.parse(node.getAttribute("data-until"));
    if (until <= now || (node.hasAttribute("data-offer") && from > now)) { node.hidden = true; }
    else if (from < midnight.getTime()) { node.classList.add("today"); }
  });

  var data = window.P2F_NOW;
  if (!data) { return; }
  var minute = Math.floor((now - Date.parse(data.start)) / 60000);
  var places = {};
  (data.places || []).forEach(function (p) { places[p.slug] = p; });
  document.querySelectorAll("[data-distance]").forEach(function (node) {
    var place = places[node.getAttribute("data-distance")];
    if (place && place.d) { node.textContent = place.d; }
  });
  if (data.link) {
    document.querySelectorAll("[data-link]").forEach(function (node) {
      node.textContent = data.link[0] + node.getAttribute("data-link") + data.link[1];
    });
  }

  // [open, text] of the phase holding now; null before, after or without hours
  function phase(rows) {
    if (!rows || minute < 0 || minute >= data.end) { return null; }
    var found = null;
    rows.forEach(function (row) { if (row[0] <= minute) { found = row; } });
    return found && [found[1] === 1, data.texts[found[2]]];
  }

  function mark(node, slug) {
    var state = phase(places[slug] && places[slug].s);
    if (!state) { return null; }
    node.textContent = state[1];
    node.classList.add(state[0] ? "open" : "closed");
    return state[0];
  }

  document.querySelectorAll("[data-state][data-slug]").forEach(function (node) {
    mark(node, node.getAttribute("data-slug"));
  });

  var list = document.querySelector("[data-places]");
  if (!list) { return; }
  var rows = Array.prototype.slice.call(list.children);
  var rank = { "true": 0, "null": 1, "false": 2 };  // open, no hours, closed
  rows.forEach(function (li, order) {
    var open = mark(li.querySelector("[data-state]"), li.getAttribute("data-slug"));
    li.setAttribute("data-open", String(open));
    li.p2fKey = rank[String(open)] * 100000 + order;
  });
  rows.sort(function (a, b) { return a.p2fKey - b.p2fKey; })
    .forEach(function (li) { list.appendChild(li); });

  var toggle = document.querySelector("[data-open-filter]");
  if (toggle) {
    toggle.addEventListener("click", function () {
      var on = toggle.getAttribute("aria-pressed") !== "true";
      toggle.setAttribute("aria-pressed", on ? "true" : "false");
      rows.forEach(function (li) { li.hidden = on && li.getAttribute("data-open") !== "true"; });
    });
  }
})();
