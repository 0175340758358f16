// Draws each budgeted quantity's months: budget as bars, actual as a line, months over budget in red.
document.addEventListener("DOMContentLoaded", function () {
  var data = window.gfCharts.data("budget-chart-data");
  if (!data) {
    return;
  }
  data.series.forEach(function (s) {
    var canvas = document.getElementById("chart-" + s.key);
    if (!canvas) {
      return;
    }
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.months,
        datasets: [
          { type: "bar", label: data.names.budget, data: s.budget, backgroundColor: "rgba(47, 111, 159, 0.35)" },
          {
            type: "line",
            label: data.names.actual,
            data: s.actual,
            borderColor: "#1f7a4d",
            backgroundColor: "#1f7a4d",
            pointRadius: 4,
            pointBackgroundColor: s.over.map(function (o) { return o ? "#b00020" : "#1f7a4d"; }),
            spanGaps: false,
          },
        ],
      },
      options: window.gfCharts.options(),
    });
  });
});
