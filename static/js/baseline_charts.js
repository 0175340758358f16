// Draws a baseline's CUSUM and expected-vs-actual charts from the figures the page embeds (json_script).
document.addEventListener("DOMContentLoaded", function () {
  var source = document.getElementById("baseline-chart-data");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var common = {
    responsive: true,
    maintainAspectRatio: false,
    interaction: { mode: "index", intersect: false },
    plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
  };
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
    options: common,
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
    options: common,
  });
});
