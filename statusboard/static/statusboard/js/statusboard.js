/*
 * Small enhancements of statusboard's pages; every page works without them.
 *
 * - <time data-statusboard-relative> elements keep their relative text
 *   ("3 hours ago") up to date while the page stays open.
 * - A button with data-statusboard-add-form="PREFIX" adds a form to the
 *   Django formset PREFIX, from the <template id="PREFIX-empty-form">.
 */
(function () {
  "use strict";

  var UNITS = [
    ["year", 365 * 24 * 3600],
    ["month", 30 * 24 * 3600],
    ["week", 7 * 24 * 3600],
    ["day", 24 * 3600],
    ["hour", 3600],
    ["minute", 60],
  ];

  function relativeText(formatter, date, now) {
    var seconds = (date.getTime() - now) / 1000;
    var absolute = Math.abs(seconds);
    for (var i = 0; i < UNITS.length; i++) {
      if (absolute >= UNITS[i][1]) {
        var value = Math.floor(absolute / UNITS[i][1]);
        return formatter.format(seconds < 0 ? -value : value, UNITS[i][0]);
      }
    }
    return formatter.format(0, "second");
  }

  function refreshRelativeTimes() {
    if (!window.Intl || !Intl.RelativeTimeFormat) {
      return;
    }
    var formatter = new Intl.RelativeTimeFormat(document.documentElement.lang || undefined, {
      numeric: "auto",
    });
    var now = Date.now();
    var elements = document.querySelectorAll("time[data-statusboard-relative]");
    for (var i = 0; i < elements.length; i++) {
      var date = new Date(elements[i].getAttribute("datetime"));
      if (!isNaN(date.getTime())) {
        elements[i].textContent = relativeText(formatter, date, now);
      }
    }
  }

  function addForm(event) {
    var prefix = event.currentTarget.getAttribute("data-statusboard-add-form");
    var template = document.getElementById(prefix + "-empty-form");
    var container = document.getElementById(prefix + "-forms");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    if (!template || !container || !total) {
      return;
    }
    var index = parseInt(total.value, 10);
    var wrapper = document.createElement("div");
    wrapper.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
    var form = wrapper.firstElementChild;
    container.appendChild(form);
    total.value = String(index + 1);
    var first = form.querySelector("select, input:not([type=hidden]), textarea");
    if (first) {
      first.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var buttons = document.querySelectorAll("[data-statusboard-add-form]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = false;
      buttons[i].addEventListener("click", addForm);
    }
    window.setInterval(refreshRelativeTimes, 60 * 1000);
  });
})();
