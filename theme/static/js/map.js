/* The map page: Leaflet with the configured tiles, one coloured marker per place and category.
 * Markers come from the list on the page (same words, same language), so the list is the
 * fallback: when tiles (or Leaflet itself) cannot load, a notice says so and the list stays the
 * way to browse. ?p=<slug> selects a place (the "see on the map" link of a place page).
 *
 * Nothing here delays the first paint: this script only asks for Leaflet's stylesheet and
 * script (a script-inserted stylesheet does not block rendering, a script-inserted script runs
 * when it arrives), and the markers are added a few at a time, each batch its own short task,
 * so the page answers taps while they appear. The map box keeps its size throughout (no shift).
 */
(function () {
  "use strict";
  var box = document.querySelector("[data-map]");
  var notice = document.querySelector("[data-tiles-failed]");
  var selected = new URLSearchParams(location.search).get("p");
  var card = selected && document.getElementById("p-" + selected);
  if (card) { card.classList.add("selected"); }
  function failed() { if (notice) { notice.hidden = false; } }
  if (!box) { return; }

  var BATCH_MS = 8;  // main-thread time per batch of markers (a slow phone takes ~4x longer)
  var vendor = box.dataset.leaflet;  // "/theme/vendor/leaflet/"
  var css = document.createElement("link");
  var js = document.createElement("script");
  var waiting = 2;
  function arrived() { waiting -= 1; if (!waiting) { if (window.L) { start(); } else { failed(); } } }
  css.rel = "stylesheet";
  css.href = vendor + "leaflet.css";
  css.addEventListener("load", arrived);
  css.addEventListener("error", arrived);  // unstyled, the map still works
  js.src = vendor + "leaflet.js";
  js.addEventListener("load", arrived);
  js.addEventListener("error", failed);
  document.head.appendChild(css);
  document.head.appendChild(js);

  function start() {
    var items = Array.prototype.slice.call(document.querySelectorAll("[data-map-list] > li[data-lat]"));
    var bounds = items.map(function (li) { return [+li.dataset.lat, +li.dataset.lon]; });
    var map = L.map(box, { scrollWheelZoom: false });
    // the view first, then the tiles: only the tiles of that view are fetched
    if (card && card.dataset.lat) {
      map.setView([+card.dataset.lat, +card.dataset.lon], 16);
      items.sort(function (a, b) { return (b === card) - (a === card); });  // its marker first
    } else if (bounds.length) {
      map.fitBounds(bounds, { padding: [20, 20] });
    } else {
      map.setView([43.25, 3.45], 11);
    }
    var loaded = 0;
    // the tile URL comes from the page (p2f_web/csp.py), the one outside origin the CSP allows;
    // provider, credit line and terms come from the page too (P2F_MAP_TILES)
    var credit = document.createElement("a");
    credit.href = box.dataset.terms;
    credit.textContent = box.dataset.attribution;
    L.tileLayer(box.dataset.tiles, {
      maxZoom: +box.dataset.maxZoom || 19,
      // P2F_MAP_TILES' high_density: "next_zoom" = sharper tiles of the next zoom level on
      // high-density screens (a provider with @2x tiles uses {r} in its url instead)
      detectRetina: box.dataset.highDensity === "next_zoom",
      attribution: credit.outerHTML
    }).on("tileload", function () { loaded += 1; notice.hidden = true; })
      .on("tileerror", function () { if (!loaded) { failed(); } })
      .addTo(map);
    // no answer at all (offline, blocked): say so after a while too
    setTimeout(function () { if (!loaded) { failed(); } }, 4000);
    addMarkers(map, items, 0);
  }

  function addMarkers(map, items, from) {
    var until = performance.now() + BATCH_MS;
    var i = from;
    for (; i < items.length && (i === from || performance.now() < until); i += 1) {
      addMarker(map, items[i]);
    }
    if (i < items.length) { setTimeout(function () { addMarkers(map, items, i); }, 0); }
  }

  function addMarker(map, li) {
    var link = li.querySelector("a");
    var icon = L.divIcon({ className: "", html: '<span class="marker cat-' + li.dataset.cat + '"></span>', iconSize: [24, 24] });  // a 24 px target (WCAG 2.2, 2.5.8)
    var marker = L.marker([+li.dataset.lat, +li.dataset.lon], { icon: icon, title: link.textContent, alt: link.textContent, keyboard: true })
      .bindPopup('<a href="' + link.getAttribute("href") + '">' + link.innerHTML + "</a>")
      .addTo(map);
    if (li === card) { marker.openPopup(); }
  }
})();
