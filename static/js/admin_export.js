/* django-import-export's export page: its "select all" box calls onSelectToggleChange from an inline
   onchange attribute, which the Content-Security-Policy blocks. Bind the same handler from this file. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    if (event.target.matches(".select-toggle") && typeof window.onSelectToggleChange === "function") {
      window.onSelectToggleChange(event);
    }
  });
})();
