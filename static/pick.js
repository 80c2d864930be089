/* Search-as-you-type filters (templates/_macros.html pick_field): leaving the search field, or
   clicking one of the matches listed under it, must not send the filter form with the half-typed
   text; Enter still does (the server then picks the one match or lists them). Without this script
   the form is sent with its button and works the same way. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.matches && target.matches(".pick input[type=search]")) {
      event.stopPropagation();
    }
  }, true);
}());
