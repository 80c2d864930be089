/* The long admin forms: focus the error summary, make the unit checklists searchable with "select
   all of a kind" per group, and say "đang xử lý" on slow posts. Without this file the checklists still
   work as plain checkboxes. */
(function () {
  "use strict";

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }

  function setUp(picker) {
    picker.querySelectorAll("[data-js-only]").forEach(function (el) { el.hidden = false; });
    var search = picker.querySelector("[data-search]");
    var empty = picker.querySelector("[data-empty]");
    var groups = Array.prototype.slice.call(picker.querySelectorAll("[data-group]"));

    function boxes(scope) { return Array.prototype.slice.call(scope.querySelectorAll("input[type=checkbox]")); }

    function refreshCounts() {
      var total = 0;
      groups.forEach(function (group) {
        var all = boxes(group);
        var checked = all.filter(function (b) { return b.checked; }).length;
        total += checked;
        var count = group.querySelector("[data-group-count]");
        var size = group.dataset.total ? Number(group.dataset.total) : all.length;  // a large group: not all loaded
        count.textContent = "(" + size.toLocaleString("vi-VN") + " đơn vị" + (checked ? ", đã chọn " + checked : "") + ")";
        group.querySelectorAll("[data-select-kind]").forEach(function (button) {
          var ofKind = all.filter(function (b) { return b.dataset.kind === button.dataset.selectKind; });
          var allOn = ofKind.every(function (b) { return b.checked; });
          if (!button.dataset.label) { button.dataset.label = button.textContent; }
          button.textContent = allOn ? button.dataset.label.replace("Chọn tất cả", "Bỏ chọn cả") : button.dataset.label;
        });
      });
      picker.querySelector("[data-count]").textContent = "đã chọn " + total;
    }

    picker.addEventListener("change", function (event) {
      if (event.target.type === "checkbox") { refreshCounts(); }
    });
    picker.addEventListener("click", function (event) {
      var button = event.target.closest("[data-select-kind]");
      if (!button) { return; }
      var group = button.closest("[data-group]");
      var ofKind = boxes(group).filter(function (b) {
        return b.dataset.kind === button.dataset.selectKind && !b.closest("li").hidden;
      });
      var turnOn = !ofKind.every(function (b) { return b.checked; });
      ofKind.forEach(function (b) { b.checked = turnOn; });
      refreshCounts();
    });
    if (search) {
      search.addEventListener("input", function () {
        var words = fold(search.value).split(/\s+/).filter(Boolean);
        var anyShown = false;
        groups.forEach(function (group) {
          var shown = 0;
          group.querySelectorAll("li[data-name]").forEach(function (li) {
            var name = fold(li.dataset.name);
            var title = fold(group.querySelector("summary").textContent);
            var match = words.every(function (w) { return name.indexOf(w) >= 0 || title.indexOf(w) >= 0; });
            li.hidden = !match;
            if (match) { shown += 1; }
          });
          var lazy = group.hasAttribute("data-lazy");
          // A large group asks the server for its matches (picker-search, below): never hidden.
          group.hidden = shown === 0 && !lazy;
          if (words.length && (shown || lazy)) { group.open = true; }
          anyShown = anyShown || shown > 0 || lazy;
        });
        empty.hidden = anyShown;
        picker.dispatchEvent(new CustomEvent("picker-search"));
      });
      // Enter in the search box filters; it must not send the whole form.
      search.addEventListener("keydown", function (event) {
        if (event.key === "Enter") { event.preventDefault(); }
      });
    }
    refreshCounts();
  }

  // A slow post (reading a directive, saving a long one): say so, and keep the button from being
  // pressed twice. The button is disabled only after the browser has taken its name and value.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (!button || !button.hasAttribute("data-busy") || button.hasAttribute("hx-post")) { return; }
    var note = event.target.querySelector("[data-busy-note]");
    if (note) { note.hidden = false; }
    setTimeout(function () { button.disabled = true; }, 0);
  });
  // Back to a page the browser kept as it was left: its buttons work again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("[data-busy]").forEach(function (b) { b.disabled = false; });
    document.querySelectorAll("[data-busy-note]").forEach(function (n) { n.hidden = true; });
  });

  function start() {
    document.querySelectorAll("[data-unit-picker]").forEach(setUp);
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
