/* Search-as-you-type fields (templates/_macros.html pick_field, unit_pick).
   A filter field: leaving it, or clicking one of the matches listed under it, must not send the
   filter form with the half-typed text; Enter still does (the server then takes the one match or
   lists them). A form's unit field: a match clicked goes into the hidden id and the box, and the
   list closes. Without this script both work through the server alone. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.matches && target.matches(".pick input[type=search]")) {
      event.stopPropagation();
    }
  }, true);
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-pick-value]");
    if (!button) { return; }
    var field = button.closest("[data-unit-pick]");
    field.querySelector("[data-pick-id]").value = button.dataset.pickValue;
    var text = field.querySelector("[data-pick-text]");
    text.value = button.dataset.pickLabel;
    field.querySelector(".pick-options").innerHTML = "";
    text.focus();
  });
}());
