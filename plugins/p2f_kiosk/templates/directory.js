// Marks today's events and hides what has ended or not begun, with the screen's own clock.
(function () {
  var now = Date.now();
  var midnight = new Date(); midnight.setHours(24, 0, 0, 0);
  document.querySelectorAll("[data-until]").forEach(function (node) {
    var from = Date.parse(node.getAttribute("data-from") || "");
    var until = Date.parse(node.getAttribute("data-until"));
    if (until <= now || (node.hasAttribute("data-offer") && from > now)) { node.hidden = true; }
    else if (from < midnight.getTime()) { node.classList.add("today"); }
  });
})();
