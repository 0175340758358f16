// Draws a baseline's CUSUM and expected-vs-actual charts from the figures the page embeds (json_script).
document.addEventListener("DOMContentLoaded", function () {
  var data = window.gfCharts.data("baseline-chart-data");
  if (!data) {
    return;
  }
  new Chart(document.getElementById("chart-cusum"), {
    type: "line",
    data: {
      labels: data.labels,
      datasets: [
        {
          label: data.names.cusum,
          data: data.cusum,
          borderColor: "#1f7a4d",
          backgroundColor: "rgba(31, 122, 77, 0.15)",
          fill: "origin",
          pointRadius: 2,
          spanGaps: true,
        },
      ],
    },
    options: window.gfCharts.options(),
  });
  new Chart(document.getElementById("chart-expected"), {
    type: "line",
    data: {
      labels: data.labels,
      datasets: [
        { label: data.names.actual, data: data.actual, borderColor: "#2f6f9f", backgroundColor: "#2f6f9f", pointRadius: 2 },
        { label: data.names.expected, data: data.expected, borderColor: "#b26b00", backgroundColor: "#b26b00", borderDash: [6, 4], pointRadius: 0 },
      ],
    },
    options: window.gfCharts.options(),
  });
});
