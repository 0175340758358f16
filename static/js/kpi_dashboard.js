// Draws the dashboard's charts from the figures the page embeds (json_script); the tables hold the same.
document.addEventListener("DOMContentLoaded", function () {
  var data = window.gfCharts.data("kpi-chart-data");
  if (!data) {
    return;
  }
  new Chart(document.getElementById("chart-emissions"), {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { label: data.names.scope1, data: data.scope1, backgroundColor: "#1f7a4d", stack: "location" },
        { label: data.names.scope2_location, data: data.scope2_location, backgroundColor: "#7cc49a", stack: "location" },
        { label: data.names.other, data: data.other, backgroundColor: "#c9e7d5", stack: "location" },
        { label: data.names.scope2_market, data: data.scope2_market, type: "line", borderColor: "#b26b00", backgroundColor: "#b26b00", pointRadius: 2 },
      ],
    },
    options: window.gfCharts.options({ scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } }),
  });
  new Chart(document.getElementById("chart-tce"), {
    type: "bar",
    data: { labels: data.labels, datasets: [{ label: data.names.tce, data: data.tce, backgroundColor: "#2f6f9f" }] },
    options: window.gfCharts.options({ scales: { y: { beginAtZero: true } } }),
  });
});
