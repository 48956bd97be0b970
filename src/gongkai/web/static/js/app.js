// gongkai workbench: charts from server-built options, cell selection, upload progress.
(function () {
  "use strict";

  function drawCharts(root) {
    if (typeof echarts === "undefined") return;
    root.querySelectorAll(".chart[data-options]").forEach(function (el) {
      if (el.dataset.drawn) return;
      el.dataset.drawn = "1";
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(JSON.parse(el.dataset.options));
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  // Clicking a cell (or Enter on it) loads where it came from into #source
  // and marks the findings that concern it. One listener for every cell keeps the page small.
  function showSource(cell) {
    var table = cell.closest("table[data-source]");
    if (!table || typeof htmx === "undefined") return;
    htmx.ajax("GET", table.dataset.source + encodeURIComponent(cell.dataset.cell), { target: "#source" });
  }

  document.addEventListener("keyup", function (event) {
    var cell = event.target.closest && event.target.closest("td.cell[data-cell]");
    if (cell && event.key === "Enter") { cell.click(); }
  });

  document.addEventListener("click", function (event) {
    var cell = event.target.closest("td.cell[data-cell]");
    if (!cell) return;
    showSource(cell);
    document.querySelectorAll("td.cell.selected").forEach(function (c) { c.classList.remove("selected"); });
    cell.classList.add("selected");
    var id = cell.dataset.cell;
    document.querySelectorAll(".finding").forEach(function (f) {
      f.classList.toggle("related", (f.dataset.cells || "").split(" ").indexOf(id) >= 0);
    });
  });

  // Hovering a finding outlines its cells.
  document.addEventListener("mouseover", function (event) {
    var finding = event.target.closest(".finding");
    document.querySelectorAll("td.cell.hinted").forEach(function (c) { c.classList.remove("hinted"); });
    if (!finding) return;
    (finding.dataset.cells || "").split(" ").forEach(function (id) {
      var c = document.querySelector('td.cell[data-cell="' + CSS.escape(id) + '"]');
      if (c) c.classList.add("hinted");
    });
  });

  document.addEventListener("htmx:xhr:progress", function (event) {
    var bar = document.getElementById("upload-progress");
    if (!bar || !event.detail.lengthComputable) return;
    bar.hidden = false;
    bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
  });

  document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });
  document.addEventListener("htmx:afterSettle", function (event) { drawCharts(event.target); });
})();
