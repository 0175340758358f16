// Method fields: a form with data-method-select="<id of the method's select>" shows only the
// fieldsets (data-method="<method id>") of the chosen method. Without JavaScript every method's
// fields show, and the server reads only the chosen method's.
(function () {
  "use strict";

  function setUp(form) {
    var select = document.getElementById(form.dataset.methodSelect);
    if (!select) return;
    function show() {
      form.querySelectorAll("[data-method]").forEach(function (group) {
        group.hidden = group.dataset.method !== select.value;
      });
    }
    select.addEventListener("change", show);
    show();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-method-select]").forEach(setUp);
  });
})();
