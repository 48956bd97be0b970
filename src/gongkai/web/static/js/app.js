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
      // a bar that carries a link opens the reports behind it
      chart.on("click", function (params) {
        if (params.data && params.data.url) window.location.href = params.data.url;
      });
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

  // Upload errors: htmx swaps nothing on a 4xx/5xx, which left a full progress bar and no word.
  // The upload's target (#job) shows the server's message instead, HTML fragment or JSON error alike.
  function alertHtml(message) {
    var div = document.createElement("div");
    div.className = "alert alert-error";
    div.setAttribute("role", "alert");
    div.textContent = message;
    return div.outerHTML;
  }

  function uploadTarget(event) {
    var target = event.detail.target;
    return target && target.id === "job" ? target : null;
  }

  function resetProgress() {
    var bar = document.getElementById("upload-progress");
    if (bar) { bar.hidden = true; bar.value = 0; }
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (!uploadTarget(event) || xhr.status < 400) return;
    event.detail.shouldSwap = true;
    event.detail.isError = false;
    var type = xhr.getResponseHeader("Content-Type") || "";
    if (type.indexOf("json") >= 0) {
      var message = "上传失败（HTTP " + xhr.status + "）";
      try { message = JSON.parse(xhr.responseText).error.message || message; } catch (e) { /* keep the status */ }
      event.detail.serverResponse = alertHtml(message);
    } else if (!xhr.responseText) {
      event.detail.serverResponse = alertHtml("上传失败（HTTP " + xhr.status + "）");
    }
  });

  function networkError(event) {
    var target = uploadTarget(event);
    if (!target) return;
    target.innerHTML = alertHtml("上传失败：与服务器的连接中断或超时，请检查网络与文件大小后重试。");
  }
  document.addEventListener("htmx:sendError", networkError);
  document.addEventListener("htmx:timeout", networkError);

  document.addEventListener("htmx:afterRequest", function (event) {
    if (uploadTarget(event)) resetProgress();
  });

  // A finished upload job refreshes the upload history beside it.
  document.addEventListener("htmx:afterSettle", function (event) {
    var done = event.target.querySelector ? event.target.querySelector("[data-finished]") : null;
    if (done || (event.target.dataset && event.target.dataset.finished)) {
      htmx.trigger(document.body, "gongkai:uploaded");
    }
  });

  document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });
  document.addEventListener("htmx:afterSettle", function (event) { drawCharts(event.target); });
})();
