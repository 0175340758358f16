// Tables read as stacked cards on phones: each cell is shown under its column's name. This copies
// every column header's text into a data-label attribute on that column's cells (keeping labels a
// template set itself) and marks the table; the stylesheet does the rest below 640 px. Without
// this script tables keep scrolling sideways.
(function () {
  function headerLabels(table) {
    var rows = table.tHead ? table.tHead.rows : [];
    if (!rows.length) return null;
    var labels = [];
    var last = rows[rows.length - 1];
    for (var i = 0; i < last.cells.length; i++) {
      var cell = last.cells[i];
      // A header only screen readers see names a column whose cells speak for themselves (a link).
      var hidden = cell.querySelector(".visually-hidden") && !cell.getAttribute("data-label");
      var text = hidden ? "" : (cell.getAttribute("data-label") || cell.textContent).replace(/\s+/g, " ").trim();
      for (var span = 0; span < (cell.colSpan || 1); span++) labels.push(text);
    }
    return labels;
  }

  function stack(table) {
    if (table.hasAttribute("data-no-stack")) return;
    var labels = headerLabels(table);
    if (!labels) return;
    var sections = Array.prototype.slice.call(table.tBodies);
    if (table.tFoot) sections.push(table.tFoot);
    for (var b = 0; b < sections.length; b++) {
      var rows = sections[b].rows;
      for (var r = 0; r < rows.length; r++) {
        var column = 0;
        for (var c = 0; c < rows[r].cells.length; c++) {
          var cell = rows[r].cells[c];
          // A row's leading header cell names the card; it needs no label of its own.
          var rowHeader = column === 0 && cell.tagName === "TH";
          if (!rowHeader && !cell.hasAttribute("data-label") && labels[column]) {
            cell.setAttribute("data-label", labels[column]);
          }
          column += cell.colSpan || 1;
        }
      }
    }
    table.classList.add("stacked");
  }

  function stackAll(root) {
    var tables = (root || document).querySelectorAll("table.table");
    for (var i = 0; i < tables.length; i++) stack(tables[i]);
  }

  document.addEventListener("DOMContentLoaded", function () { stackAll(document); });
  // Tables that HTMX swaps in get their labels too.
  document.addEventListener("htmx:afterSettle", function (event) { stackAll(event.target); });
})();
