// Small behaviours shared by every page. Pages work without it; it only saves a click.
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target.matches && target.matches("[data-autosubmit]")) {
    target.form.submit();
  }
});

// On phones the main menu folds behind a button; without this script it wraps onto more lines.
document.addEventListener("DOMContentLoaded", function () {
  var toggle = document.querySelector("[data-menu-toggle]");
  var nav = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
  if (nav) {
    document.documentElement.classList.add("js-menu");
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("open", open);
    });
  }
  // Filter blocks fold behind "Filters" on phones (a <details>, open when a filter is set); on wider
  // screens they stay open.
  if (window.matchMedia && window.matchMedia("(min-width: 641px)").matches) {
    document.documentElement.classList.add("js-wide");
    document.querySelectorAll("details[data-filter-fold]").forEach(function (fold) { fold.open = true; });
  }
});
