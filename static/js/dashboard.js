/* Junheng dashboards: sortable and filterable school tables, the "how computed" drawer and the progress of a
 * running recompute. No inline script (CSP): the county dashboard and the school page load this file. Every
 * feature degrades to plain HTML: tables stay in the server's order, "how computed" links open their own page,
 * the recompute notice links to the run's page.
 */
(function () {
  "use strict";

  var zh = (document.documentElement.lang || "").toLowerCase().indexOf("zh") === 0;
  var TEXT = zh
    ? { loading: "正在加载…", failed: "无法加载计算说明，请打开链接查看。", done: "重新计算已完成，正在刷新…" }
    : { loading: "Loading…", failed: "Could not load the explanation; open the link instead.", done: "Recompute finished, reloading…" };

  // ---------------------------------------------------------------- sorting
  function cellValue(row, index, numeric) {
    var cell = row.children[index];
    if (!cell) return numeric ? -Infinity : "";
    var raw = cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent.trim();
    if (!numeric) return raw;
    var number = parseFloat(raw);
    return isNaN(number) ? -Infinity : number;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("table.sortable button.sort");
    if (!button) return;
    var th = button.closest("th");
    var table = th.closest("table");
    var index = Array.prototype.indexOf.call(th.parentNode.children, th);
    var numeric = button.getAttribute("data-sort") === "num";
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(th.parentNode.children, function (other) { other.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = cellValue(a, index, numeric), y = cellValue(b, index, numeric);
      var order = numeric ? x - y : String(x).localeCompare(String(y), zh ? "zh-Hans-CN" : "en");
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  });

  // ---------------------------------------------------------------- "failing only"
  document.addEventListener("change", function (event) {
    var box = event.target.closest("[data-filter-failing]");
    if (!box) return;
    var table = document.getElementById(box.getAttribute("data-filter-failing"));
    if (!table) return;
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      row.hidden = box.checked && !row.hasAttribute("data-failing");
    });
  });

  // ---------------------------------------------------------------- the "how computed" drawer
  var drawer = document.getElementById("explain-drawer");
  var opener = null;

  function closeDrawer() {
    if (!drawer || drawer.hidden) return;
    drawer.hidden = true;
    document.body.classList.remove("drawer-open");
    if (opener) opener.focus();
  }

  function openDrawer(link) {
    var body = drawer.querySelector("[data-drawer-body]");
    opener = link;
    body.textContent = TEXT.loading;
    drawer.hidden = false;
    document.body.classList.add("drawer-open");
    drawer.focus();
    var url = link.href + (link.href.indexOf("?") < 0 ? "?" : "&") + "partial=1";
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        body.innerHTML = html;  // the portal's own escaped template output
        var more = document.createElement("p");
        var a = document.createElement("a");
        a.href = link.href;
        a.textContent = zh ? "在新页面中打开（可分享的链接）" : "Open as a page (a link to share)";
        more.appendChild(a);
        body.appendChild(more);
      })
      .catch(function () { body.textContent = TEXT.failed; });
  }

  if (drawer) {
    document.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-explain]");
      if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      openDrawer(link);
    });
    drawer.querySelector("[data-drawer-close]").addEventListener("click", closeDrawer);
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") closeDrawer();
    });
  }

  // ---------------------------------------------------------------- a recompute under way
  var notice = document.querySelector("[data-progress-url]");
  if (notice && window.fetch) {
    var text = notice.querySelector("[data-progress-text]");
    var bar = notice.querySelector("progress");
    var poll = function () {
      fetch(notice.getAttribute("data-progress-url"), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (run) {
          if (!run) return;
          if (run.status !== "running" && run.status !== "queued") {
            if (text) text.textContent = TEXT.done;
            window.location.reload();
            return;
          }
          if (bar && run.percent !== null) bar.value = run.percent;
          window.setTimeout(poll, 2000);
        })
        .catch(function () { /* the link to the run's page stays */ });
    };
    window.setTimeout(poll, 2000);
  }
})();
