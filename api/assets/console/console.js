// Shaobao console: the little the server cannot do. No inline scripts anywhere (CSP); everything
// works without this file except ticking countdowns and narrowing the intake pickers.
(function () {
  "use strict";

  // Countdowns: <span class="countdown" data-due="RFC3339">.
  function remaining(due, now, overdueWord) {
    var s = Math.round((due - now) / 1000), a = Math.abs(s);
    var d = Math.floor(a / 86400), h = Math.floor((a % 86400) / 3600), m = Math.floor((a % 3600) / 60);
    var span = d > 0 ? d + "d " + h + "h" : h > 0 ? h + "h " + (m < 10 ? "0" : "") + m + "m" : m + "m";
    return s < 0 ? overdueWord + " " + span : span;
  }
  // The server's clock decides what is overdue (drills run it fast, browsers drift): each countdown
  // carries the server's time of rendering, advanced by the time the element has been on screen.
  function tick() {
    var overdue = document.documentElement.lang === "en" ? "overdue" : "已超";
    document.querySelectorAll(".countdown[data-due]").forEach(function (el) {
      var due = Date.parse(el.getAttribute("data-due"));
      var rendered = Date.parse(el.getAttribute("data-now"));
      if (el.seenAt === undefined) el.seenAt = Date.now();
      var now = isNaN(rendered) ? Date.now() : rendered + (Date.now() - el.seenAt);
      if (!isNaN(due)) {
        el.textContent = remaining(due, now, overdue);
        el.classList.toggle("overdue", due < now);
      }
    });
  }

  // Intake: category defaults, and communities/grids of the chosen street/community only.
  function narrow(select, attr, value) {
    if (!select) return;
    Array.prototype.forEach.call(select.options, function (opt) {
      var owner = opt.getAttribute(attr);
      var show = !owner || !value || owner === value;
      opt.hidden = !show;
      if (!show && opt.selected) select.value = "";
    });
  }
  function intake() {
    var category = document.getElementById("category");
    var street = document.getElementById("street");
    var community = document.getElementById("community");
    var grid = document.getElementById("grid");
    function showDefaults() {
      if (!category) return;
      var opt = category.options[category.selectedIndex];
      var u = document.getElementById("default-urgency"), d = document.getElementById("default-department");
      if (u) u.textContent = (opt && opt.getAttribute("data-urgency")) || "—";
      if (d) d.textContent = (opt && opt.getAttribute("data-department")) || "—";
    }
    if (category) { category.addEventListener("change", showDefaults); showDefaults(); }
    if (street) {
      street.addEventListener("change", function () { narrow(community, "data-street", street.value); narrow(grid, "data-community", community && community.value); });
      narrow(community, "data-street", street.value);
    }
    if (community) {
      community.addEventListener("change", function () { narrow(grid, "data-community", community.value); });
      narrow(grid, "data-community", community.value);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    tick();
    setInterval(tick, 1000);
    intake();
  });
  // Rows swapped in by htmx get their countdowns right away.
  document.addEventListener("htmx:afterSwap", tick);
})();
