// Offline search of the touch directory: an on-screen keyboard over the index P2F_SEARCH
// (directory/<lang>/search-index.js, rows [slug, title, meta, words, from, until]).
// Every typed word must begin a word of the item; accents and case do not matter.
(function () {
  var LIMIT = 20, MAX_LENGTH = 40;
  var field = document.getElementById("q");
  var status = document.getElementById("search-status");
  var list = document.querySelector("[data-results]");
  var now = Date.now();

  // The same as normalize() in p2f_kiosk/search_index.py.
  function normalize(text) {
    return text.toLowerCase().replace(/œ/g, "oe").replace(/æ/g, "ae").replace(/ß/g, "ss")
      .normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }
  function wordsOf(text) { return normalize(text).match(/[a-z0-9]+/g) || []; }

  var entries = (window.P2F_SEARCH || []).filter(function (row) {
    var from = row[4] ? Date.parse(row[4]) : NaN, until = row[5] ? Date.parse(row[5]) : NaN;
    return !(until <= now || from > now);
  }).map(function (row, order) {
    var title = " " + wordsOf(row[1]).join(" ") + " ";
    return { slug: row[0], title: row[1], meta: row[2], order: order,
             inTitle: title, all: title + row[3] + " " };
  });

  function search(query) {
    var words = wordsOf(query);
    if (!words.length) { return null; }
    var found = [];
    entries.forEach(function (entry) {
      var score = 0;
      for (var i = 0; i < words.length; i++) {
        var key = " " + words[i];
        if (entry.inTitle.indexOf(key) >= 0) { score += 2; }
        else if (entry.all.indexOf(key) >= 0) { score += 1; }
        else { return; }
      }
      found.push({ entry: entry, score: score });
    });
    found.sort(function (a, b) { return b.score - a.score || a.entry.order - b.entry.order; });
    return found.map(function (hit) { return hit.entry; });
  }

  function show() {
    var query = field.value, hits = search(query);
    list.textContent = "";
    if (hits === null) {
      status.textContent = status.getAttribute("data-hint");
    } else if (!hits.length) {
      status.textContent = status.getAttribute("data-none").replace("{q}", query.trim());
    } else {
      var count = hits.length === 1 ? "data-one" : hits.length > LIMIT ? "data-many" : "data-count";
      status.textContent = status.getAttribute(count).replace("{n}", hits.length);
      hits.slice(0, LIMIT).forEach(function (entry) {
        var item = document.createElement("li"), link = document.createElement("a");
        var meta = document.createElement("span");
        link.href = "items/" + entry.slug + ".html";
        link.textContent = entry.title;
        if (entry.meta) {
          meta.className = "meta"; meta.textContent = entry.meta;
          link.appendChild(document.createTextNode(" ")); link.appendChild(meta);
        }
        item.appendChild(link); list.appendChild(item);
      });
    }
  }

  function type(text) {
    if (text === " " && (!field.value || field.value.slice(-1) === " ")) { return; }
    field.value = (field.value + text).slice(0, MAX_LENGTH);
    show();
  }
  function erase(all) { field.value = all ? "" : field.value.slice(0, -1); show(); }

  document.querySelector(".keyboard").addEventListener("click", function (event) {
    var key = event.target.closest("button");
    if (!key) { return; }
    if (key.hasAttribute("data-key")) { type(key.getAttribute("data-key")); }
    else { erase(key.hasAttribute("data-clear")); }
  });
  // A technician's keyboard works too.
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.altKey || event.metaKey) { return; }
    if (event.key === "Backspace") { erase(false); event.preventDefault(); }
    else if (event.key.length === 1 && /[\p{L}\p{N} ]/u.test(event.key)) {
      if (event.key === " " && event.target.closest && event.target.closest("button, a")) { return; }
      type(event.key);
    }
  });
  show();
})();
