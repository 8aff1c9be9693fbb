"""The one executable inline script of the website: the deep-link landing page's redirect.

It lives apart from ``landing`` so that ``csp`` can hash it (the policy allows exactly this
script, by its SHA-256) while ``landing`` writes the policy into the page, with no import cycle.
It reads ``l`` and ``k`` from the address, picks the item's page in that language and forwards
the kiosk as campaign parameters; an item already over shows the "it is over" block instead.
"""

from __future__ import annotations

CAMPAIGN = "utm_source=kiosk&utm_medium=deeplink&utm_campaign="

# Kept short, inline and dependency-free: it runs before anything else on a phone that just
# tapped (no extra request before the redirect). No eval, no inline handler.
SCRIPT = """(function () {
  var root = document.documentElement, q = new URLSearchParams(location.search);
  var targets = JSON.parse(root.getAttribute("data-targets") || "{}");
  var lang = targets[q.get("l")] ? q.get("l") : "fr";
  var until = root.getAttribute("data-until");
  if (until && Date.now() >= Date.parse(until)) {
    root.lang = lang;
    document.addEventListener("DOMContentLoaded", function () {
      var go = document.getElementById("go");
      if (go) go.hidden = true;
      document.getElementById("over").hidden = false;
      var parts = document.querySelectorAll("#over [data-lang]");
      for (var i = 0; i < parts.length; i++) {
        parts[i].hidden = parts[i].getAttribute("data-lang") !== lang;
      }
    });
    return;
  }
  if (!targets[lang]) return;
  var k = q.get("k"), url = targets[lang];
  if (k && /^[a-z0-9][a-z0-9-]{0,59}$/.test(k)) url += "?CAMPAIGN" + k;
  location.replace(url);
})();""".replace("CAMPAIGN", CAMPAIGN)
