// Clause picker: turns <select multiple data-clause-picker> into a search box, the chosen clauses
// as removable chips, and checkboxes grouped like the select's optgroups. The select stays in the
// form (hidden) and is what is submitted, so the page works the same without JavaScript.
(function () {
  "use strict";

  function normalise(text) {
    return text.toLocaleLowerCase().replace(/\s+/g, " ").trim();
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function build(select) {
    var data = select.dataset;
    var picker = element("div", "clause-picker");
    var search = element("input", "clause-picker-search");
    search.type = "search";
    search.id = select.id + "-search";
    search.placeholder = data.searchPlaceholder || "";
    search.setAttribute("aria-controls", select.id + "-list");
    search.setAttribute("autocomplete", "off");
    var chips = element("ul", "clause-picker-chips");
    chips.setAttribute("aria-label", data.chosenLabel || "");
    var status = element("p", "clause-picker-status");
    status.setAttribute("aria-live", "polite");
    var list = element("div", "clause-picker-list");
    list.id = select.id + "-list";
    var rows = [];
    var byValue = {};

    Array.prototype.forEach.call(select.children, function (node) {
      var grouped = node.tagName === "OPTGROUP";
      var fieldset = element("fieldset");
      var title = grouped ? node.label : "";
      if (title) fieldset.appendChild(element("legend", "", title));
      Array.prototype.forEach.call(grouped ? node.children : [node], function (option) {
        var label = element("label");
        var box = element("input");
        box.type = "checkbox";
        box.checked = option.selected;
        label.appendChild(box);
        label.appendChild(document.createTextNode(" " + option.textContent));
        var row = {
          label: label,
          box: box,
          option: option,
          fieldset: fieldset,
          group: title,
          text: normalise(title + " " + option.textContent),
          members: option.dataset.members ? option.dataset.members.split(",") : [],
        };
        box.addEventListener("change", function () {
          choose(row, box.checked);
        });
        rows.push(row);
        byValue[option.value] = row;
        fieldset.appendChild(label);
      });
      list.appendChild(fieldset);
    });

    function choose(row, on) {
      row.option.selected = on;
      row.box.checked = on;
      // A shared clause stands for its members: tick (or untick) them with it.
      row.members.forEach(function (value) {
        var member = byValue[value];
        if (member) {
          member.option.selected = on;
          member.box.checked = on;
        }
      });
      refresh();
    }

    function refresh() {
      var terms = normalise(search.value).split(" ").filter(Boolean);
      var shown = 0;
      var chosen = [];
      rows.forEach(function (row) {
        var match = terms.every(function (term) {
          return row.text.indexOf(term) !== -1;
        });
        row.label.hidden = !match;
        if (match && !row.members.length) shown += 1;
        if (row.option.selected && !row.members.length) chosen.push(row);
      });
      Array.prototype.forEach.call(list.children, function (fieldset) {
        fieldset.hidden = !fieldset.querySelector("label:not([hidden])");
      });
      chips.textContent = "";
      chosen.forEach(function (row) {
        var chip = element("li", "chip");
        chip.appendChild(document.createTextNode(row.group + " " + row.option.textContent.split(" ")[0] + " "));
        var remove = element("button", "chip-remove", "×");
        remove.type = "button";
        remove.setAttribute("aria-label", (data.removeLabel || "") + " " + row.group + " " + row.option.textContent);
        remove.addEventListener("click", function () {
          choose(row, false);
        });
        chip.appendChild(remove);
        chips.appendChild(chip);
      });
      chips.hidden = !chosen.length;
      status.textContent = (data.statusText || "{chosen} / {shown}")
        .replace("{chosen}", chosen.length)
        .replace("{shown}", shown);
    }

    search.addEventListener("input", refresh);
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault(); // searching never submits the form
    });
    var label = select.id && document.querySelector("label[for='" + select.id + "']");
    if (label) label.setAttribute("for", search.id);
    picker.appendChild(search);
    picker.appendChild(chips);
    picker.appendChild(status);
    picker.appendChild(list);
    select.hidden = true;
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;
    select.parentNode.insertBefore(picker, select.nextSibling);
    refresh();
  }

  function init() {
    document.querySelectorAll("select[multiple][data-clause-picker]").forEach(build);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
