/* Junheng: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  // Formset tables: "添加一行" clones the empty-row template and bumps the management form's TOTAL_FORMS.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-add-row]");
    if (!button) return;
    var prefix = button.getAttribute("data-add-row");
    var template = document.querySelector('template[data-formset-template="' + prefix + '"]');
    var body = document.querySelector('[data-formset-body="' + prefix + '"]');
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    if (!template || !body || !total) return;
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    body.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var row = body.lastElementChild;
    var first = row && row.querySelector("input:not([type=hidden]), select");
    if (first) first.focus();
  });

  // Destructive forms ask first.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  });

  // Warn before leaving a form with unsaved changes.
  var dirty = false;
  document.addEventListener("input", function (event) {
    if (event.target.form && event.target.form.method === "post") dirty = true;
  });
  document.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });

  // The first field with an error gets the focus, so a phone user lands where the fix is needed.
  var firstError = document.querySelector(".has-error input, .has-error select, .has-error textarea");
  if (firstError) firstError.focus({ preventScroll: false });

  // Uploads: a file that takes more than a second to send shows how far it has got (the server's own checks then
  // show their progress on the batch page). Without XMLHttpRequest upload events the form posts as usual.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.hasAttribute("data-upload-progress")) return;
    if (!window.FormData || !window.XMLHttpRequest || !("upload" in new XMLHttpRequest())) return;
    event.preventDefault();
    var box = form.querySelector("[data-upload-status]");
    var bar = box && box.querySelector("progress");
    var text = box && box.querySelector("[data-upload-text]");
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    var timer = window.setTimeout(function () { if (box) box.hidden = false; }, 1000);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    xhr.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable || !bar) return;
      var percent = Math.round((100 * e.loaded) / e.total);
      bar.value = percent;
      if (text) text.textContent = percent + "%";
    });
    xhr.upload.addEventListener("load", function () {
      if (bar) bar.removeAttribute("value");  // sent: the server is checking the file (indeterminate)
      if (text) text.textContent = box.getAttribute("data-checking") || "";
    });
    xhr.addEventListener("load", function () {
      window.clearTimeout(timer);
      var landed = xhr.responseURL || "";
      if (xhr.status < 400 && landed && landed.split("?")[0] !== (form.action || window.location.href).split("?")[0]) {
        window.location.assign(landed);  // the batch page: preview or problems
      } else {
        document.open();
        document.write(xhr.responseText);  // the form with its errors, as a plain post would show it
        document.close();
      }
    });
    xhr.addEventListener("error", function () {
      window.clearTimeout(timer);
      if (button) button.disabled = false;
      if (box) box.hidden = true;
      form.removeAttribute("data-upload-progress");
      form.submit();
    });
    xhr.send(new FormData(form));
  });
})();
