// Shared by the pages that draw charts: the figures they embed with json_script, and one look.
window.gfCharts = {
  // The embedded figures, or null when the page has none or the chart library did not load.
  data: function (id) {
    var source = document.getElementById(id);
    return source && typeof Chart !== "undefined" ? JSON.parse(source.textContent) : null;
  },
  options: function (extra) {
    return Object.assign(
      {
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        // No growing bars for readers who asked their system for less motion.
        animation: window.matchMedia("(prefers-reduced-motion: reduce)").matches ? false : {},
        plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
      },
      extra || {}
    );
  },
};
