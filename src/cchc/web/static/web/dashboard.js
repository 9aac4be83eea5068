// CCHC dashboard: the stacked bar charts of timeliness by area and by unit (Chart.js).
// The figures are the page's own tables' (json_script "dashboard-chart-data"); each segment
// opens the task list behind it. Without this file the tables still say everything.
(function () {
  "use strict";

  var ROW_HEIGHT = 34; // px per bar
  var CHROME = 90; // px for the legend and the axis

  function cssColour(name) {
    var value = getComputedStyle(document.documentElement).getPropertyValue("--bs-" + name);
    return value.trim() || "#6c757d";
  }

  function shorten(text, max) {
    return text.length > max ? text.slice(0, max - 1).trimEnd() + "…" : text;
  }

  function datasets(data, rows) {
    return data.categories.map(function (category, i) {
      return {
        label: category.label,
        data: rows.map(function (row) { return row.counts[i]; }),
        backgroundColor: cssColour(category.colour),
        borderColor: "#fff",
        borderWidth: 1,
      };
    });
  }

  function draw(canvas, data) {
    var rows = data[canvas.getAttribute("data-chart")] || [];
    var figure = canvas.closest("[data-chart-figure]");
    var box = canvas.closest("[data-chart-box]");
    if (!rows.length || !window.Chart) return;
    figure.classList.remove("d-none");
    // A property set through the CSSOM, which the CSP allows (an inline style= it does not).
    box.style.height = rows.length * ROW_HEIGHT + CHROME + "px";
    var labels = rows.map(function (row) { return row.label; });
    var chart = new window.Chart(canvas, {
      type: "bar",
      data: { labels: labels, datasets: datasets(data, rows) },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
          y: {
            stacked: true,
            ticks: {
              autoSkip: false,
              callback: function (value) {
                // Long names shortened to fit; the tooltip and the table give them whole.
                var max = Math.max(12, Math.floor(canvas.clientWidth / 22));
                return shorten(labels[value] || "", max);
              },
            },
          },
        },
        plugins: {
          legend: { position: "top", labels: { boxWidth: 14 } },
          tooltip: {
            mode: "index",
            axis: "y",
            intersect: false,
            filter: function (item) { return item.raw > 0; },
          },
        },
        onHover: function (event, elements) {
          canvas.style.cursor = elements.length ? "pointer" : "default";
        },
        onClick: function (event) {
          var hit = chart.getElementsAtEventForMode(event, "nearest", { intersect: true }, false);
          if (!hit.length) return;
          var link = rows[hit[0].index].links[hit[0].datasetIndex];
          if (link) window.location.assign(link);
        },
      },
    });
  }

  function start() {
    var source = document.getElementById("dashboard-chart-data");
    if (!source) return;
    var data = JSON.parse(source.textContent);
    if (window.Chart) {
      window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    }
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      draw(canvas, data);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
