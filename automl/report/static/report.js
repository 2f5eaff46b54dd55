/* automl-studio report: sortable tables, the leaderboard's status filters and trial details,
   the section highlighted in the side navigation. Data is only ever written with textContent. */
(function () {
  "use strict";

  function sortValue(cell) {
    var raw = cell.getAttribute("data-sort");
    if (raw === null || raw === "None") { return null; }
    var number = Number(raw);
    return raw.trim() !== "" && isFinite(number) ? number : raw.toLowerCase();
  }

  function compare(a, b, direction) {
    if (a === null && b === null) { return 0; }
    if (a === null) { return 1; }
    if (b === null) { return -1; }
    if (typeof a === typeof b) { return (a < b ? -1 : a > b ? 1 : 0) * direction; }
    return (typeof a === "number" ? -1 : 1) * direction;
  }

  function sortTable(table, header) {
    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var index = headers.indexOf(header);
    var direction = header.getAttribute("aria-sort") === "ascending" ? -1 : 1;
    headers.forEach(function (h) { h.setAttribute("aria-sort", "none"); });
    header.setAttribute("aria-sort", direction === 1 ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows).map(function (row, position) {
      return { row: row, value: sortValue(row.cells[index]), position: position };
    });
    rows.sort(function (x, y) { return compare(x.value, y.value, direction) || x.position - y.position; });
    rows.forEach(function (item) { body.appendChild(item.row); });
  }

  function initSorting() {
    document.querySelectorAll("table[data-sortable]").forEach(function (table) {
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header) {
        header.addEventListener("click", function () { sortTable(table, header); });
        header.addEventListener("keydown", function (event) {
          if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sortTable(table, header); }
        });
      });
    });
  }

  function fillList(list, values) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    Object.keys(values || {}).forEach(function (key) {
      var term = document.createElement("dt");
      var value = document.createElement("dd");
      term.textContent = key;
      var item = values[key];
      value.textContent = typeof item === "number" ? String(Math.round(item * 1e6) / 1e6)
        : (item !== null && typeof item === "object") ? JSON.stringify(item) : String(item);
      list.appendChild(term);
      list.appendChild(value);
    });
    if (!list.firstChild) {
      var none = document.createElement("dd");
      none.textContent = "none";
      list.appendChild(none);
    }
  }

  function initTrialDetails() {
    var source = document.getElementById("trial-data");
    var panel = document.getElementById("trial-detail");
    var table = document.getElementById("leaderboard");
    if (!source || !panel || !table) { return; }
    var trials = JSON.parse(source.textContent);
    function show(row) {
      var trial = trials[row.getAttribute("data-key")];
      if (!trial) { return; }
      table.querySelectorAll("tr.selected").forEach(function (r) { r.classList.remove("selected"); });
      row.classList.add("selected");
      panel.querySelector('[data-field="name"]').textContent = row.getAttribute("data-key");
      panel.querySelector('[data-field="algorithm"]').textContent = trial.algorithm + " \u00b7 " + trial.status;
      panel.querySelector('[data-field="error"]').textContent = trial.error || "";
      fillList(panel.querySelector('[data-field="params"]'), trial.params);
      fillList(panel.querySelector('[data-field="metrics"]'), trial.metrics);
      panel.hidden = false;
    }
    table.tBodies[0].addEventListener("click", function (event) {
      var row = event.target.closest("tr[data-key]");
      if (row) { show(row); }
    });
    table.tBodies[0].addEventListener("keydown", function (event) {
      var row = event.target.closest("tr[data-key]");
      if (row && event.key === "Enter") { show(row); }
    });
  }

  function initFilters() {
    var table = document.getElementById("leaderboard");
    if (!table) { return; }
    document.querySelectorAll(".filters input[data-status]").forEach(function (box) {
      box.addEventListener("change", function () {
        var status = box.getAttribute("data-status");
        table.querySelectorAll("tbody tr.row-" + status).forEach(function (row) { row.hidden = !box.checked; });
      });
    });
  }

  function initNavigation() {
    var links = {};
    document.querySelectorAll(".sidenav a").forEach(function (a) { links[a.getAttribute("href").slice(1)] = a; });
    if (!("IntersectionObserver" in window)) { return; }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting && links[entry.target.id]) {
          Object.keys(links).forEach(function (id) { links[id].classList.remove("active"); });
          links[entry.target.id].classList.add("active");
        }
      });
    }, { rootMargin: "-60px 0px -70% 0px" });
    document.querySelectorAll("main > section").forEach(function (section) { observer.observe(section); });
  }

  initSorting();
  initTrialDetails();
  initFilters();
  initNavigation();
  document.documentElement.setAttribute("data-report-ready", "true");
}());
