// Draws the audits dashboard's findings per class and year, one stacked bar chart per standard,
// from the figures the page embeds (json_script). Each chart has a table beside it for readers
// without the chart.
document.addEventListener("DOMContentLoaded", function () {
  var data = window.gfCharts.data("audit-trend-data");
  if (!data) {
    return;
  }
  var colours = { major: "#b3261e", minor: "#b26b00", observation: "#2f6f9f", improvement: "#1f7a4d" };
  data.standards.forEach(function (standard, index) {
    var canvas = document.getElementById("trend-" + index);
    if (!canvas) {
      return;
    }
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.years,
        datasets: data.classes.map(function (c) {
          return { label: c.label, data: standard.counts[c.key], backgroundColor: colours[c.key] };
        }),
      },
      options: window.gfCharts.options({
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
      }),
    });
  });
});
