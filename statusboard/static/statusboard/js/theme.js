/*
 * Follow the browser's light or dark preference with Bootstrap's colour modes.
 * Loaded in <head>, before the page is drawn, so that it never flashes light.
 */
(function () {
  "use strict";
  var query = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function apply() {
    var dark = query !== null && query.matches;
    document.documentElement.setAttribute("data-bs-theme", dark ? "dark" : "light");
  }

  apply();
  if (query !== null) {
    if (query.addEventListener) {
      query.addEventListener("change", apply);
    } else if (query.addListener) {
      query.addListener(apply);
    }
  }
})();
