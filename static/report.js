// The "In báo cáo" button: the only script the app needs beyond htmx (htmx has no print action).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) { window.print(); }
});
