/* KPI charts (KPI-1): trend by month and department comparison, drawn with the vendored
   Chart.js from the data the page embeds with json_script. */
(function () {
  "use strict";
  var source = document.getElementById("kpi-chart-data");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var labels = data.labels;
  var percentAxis = { beginAtZero: true, max: 100, position: "right", grid: { drawOnChartArea: false } };

  var trendCanvas = document.getElementById("kpi-trend-chart");
  if (trendCanvas) {
    new Chart(trendCanvas, {
      data: {
        labels: data.trend.months,
        datasets: [
          { type: "bar", label: labels.received, data: data.trend.received, yAxisID: "count" },
          { type: "line", label: labels.on_time_rate, data: data.trend.on_time_rate, yAxisID: "percent", spanGaps: true },
          { type: "line", label: labels.satisfaction_rate, data: data.trend.satisfaction_rate, yAxisID: "percent", spanGaps: true }
        ]
      },
      options: {
        maintainAspectRatio: false,
        scales: { count: { beginAtZero: true, position: "left", ticks: { precision: 0 } }, percent: percentAxis }
      }
    });
  }

  var departmentCanvas = document.getElementById("kpi-department-chart");
  if (departmentCanvas) {
    new Chart(departmentCanvas, {
      type: "bar",
      data: {
        labels: data.departments.names,
        datasets: [
          { label: labels.on_time_rate, data: data.departments.on_time_rate },
          { label: labels.satisfaction_rate, data: data.departments.satisfaction_rate }
        ]
      },
      options: { maintainAspectRatio: false, scales: { y: { beginAtZero: true, max: 100 } } }
    });
  }
})();
