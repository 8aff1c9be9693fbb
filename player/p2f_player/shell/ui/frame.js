// Runs in every frame of the kiosk page (slides, directory pages), injected by the window
// (guard.py) in a script world of its own: the frame's scripts can neither see nor change it.
// It hides what the kiosk page replaces (a slide's link footer, a directory page's header) and,
// in the directory, tells the kiosk page which page is shown, that the visitor is active, and
// which outside link was touched. A page's own script could post the same messages: the kiosk
// page takes from them only a path, an href or a ping, and Python answers a path with the
// signed manifest's link and an href only if the verified page carries it (handoff.py).
(function (shellOrigin) {
  "use strict";
  if (window === window.top || location.protocol !== "http:") { return; }
  var directory = location.pathname.indexOf("/directory/") > 0;
  var css = directory
    ? "*{cursor:none!important;user-select:none!important}body>header{display:none}" +
      "main{padding-bottom:380px}"  // room to scroll the text out from under the QR box
    : "*{cursor:none!important}footer.handoff{display:none}";  // the shell's QR box has the link
  try {
    var sheet = new CSSStyleSheet();  // a constructed sheet: the frame's CSP refuses <style>
    sheet.replaceSync(css);
    document.adoptedStyleSheets = document.adoptedStyleSheets.concat([sheet]);
  } catch (e) { /* cosmetic only */ }
  if (!directory) { return; }

  function tell(message) { window.parent.postMessage(message, shellOrigin); }
  var last = -1000;
  function active() {
    var t = performance.now();
    if (t - last > 200) { last = t; tell({ p2f: "activity" }); }
  }
  ["pointerdown", "keydown", "wheel", "scroll"].forEach(function (kind) {
    document.addEventListener(kind, active, true);
  });
  document.addEventListener("click", function (e) {
    var a = e.target.closest ? e.target.closest("a[href]") : null;
    if (!a) { return; }
    var href = a.getAttribute("href").trim();
    var url = new URL(href, document.baseURI);
    if (url.origin !== location.origin || url.pathname.indexOf("/bundle/") !== 0) {
      e.preventDefault();  // outside links go to the phone, never on screen
      tell({ p2f: "handoff", href: href });
    }
  }, true);
  tell({ p2f: "page", path: location.pathname });
})(%s);
