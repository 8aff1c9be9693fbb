/* The map page: Leaflet with OpenStreetMap tiles, one coloured marker per place and category.
 * Markers come from the list on the page (same words, same language), so the list is the
 * fallback: when tiles cannot load, a notice says so and the list stays the way to browse.
 * ?p=<slug> selects a place (the "see on the map" link of a place page).
 */
(function () {
  "use strict";
  var box = document.querySelector("[data-map]");
  var notice = document.querySelector("[data-tiles-failed]");
  var selected = new URLSearchParams(location.search).get("p");
  var card = selected && document.getElementById("p-" + selected);
  if (card) { card.classList.add("selected"); }
  if (!box || !window.L) { if (notice) { notice.hidden = false; } return; }

  var map = L.map(box, { scrollWheelZoom: false }).setView([43.25, 3.45], 11);
  var loaded = 0, failed = 0;
  // the tile URL comes from the page (p2f_web/csp.py), the one outside origin the CSP allows
  // provider, credit line and terms come from the page too (P2F_MAP_TILES)
  var credit = document.createElement("a");
  credit.href = box.dataset.terms;
  credit.textContent = box.dataset.attribution;
  L.tileLayer(box.dataset.tiles, {
    maxZoom: +box.dataset.maxZoom || 19,
    attribution: credit.outerHTML
  }).on("tileload", function () { loaded += 1; notice.hidden = true; })
    .on("tileerror", function () { failed += 1; if (!loaded) { notice.hidden = false; } })
    .addTo(map);
  // no answer at all (offline, blocked): say so after a while too
  setTimeout(function () { if (!loaded) { notice.hidden = false; } }, 4000);

  var bounds = [], markers = {};
  Array.prototype.forEach.call(document.querySelectorAll("[data-map-list] > li[data-lat]"), function (li) {
    var link = li.querySelector("a");
    var icon = L.divIcon({ className: "", html: '<span class="marker cat-' + li.dataset.cat + '"></span>', iconSize: [24, 24] });  // a 24 px target (WCAG 2.2, 2.5.8)
    var ll = [+li.dataset.lat, +li.dataset.lon];
    var marker = L.marker(ll, { icon: icon, title: link.textContent, alt: link.textContent, keyboard: true })
      .bindPopup('<a href="' + link.getAttribute("href") + '">' + link.innerHTML + "</a>")
      .addTo(map);
    markers[li.dataset.slug] = marker;
    bounds.push(ll);
  });
  if (selected && markers[selected]) {
    map.setView(markers[selected].getLatLng(), 16);
    markers[selected].openPopup();
  } else if (bounds.length) {
    map.fitBounds(bounds, { padding: [20, 20] });
  }
})();
