/* One date field everywhere: <input type="text" class="date-input" placeholder="dd/mm/yyyy">, read and
   shown as dd/mm/yyyy whatever the browser's language. What is typed is tidied when the field is
   left or Enter is pressed (15032024, 15/3/2024, 15-03-24, 15.03.2024 and 2024-03-15 all become
   15/03/2024); anything else is left as typed for the server to explain. A calendar opens from the
   button beside the field or with Alt+↓: a help, never a requirement. The field works without this
   script, since the server reads the same text. */
(function () {
  "use strict";
  var WEEKDAYS = ["T2", "T3", "T4", "T5", "T6", "T7", "CN"];
  var popup = null;

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function format(d) { return pad(d.getDate()) + "/" + pad(d.getMonth() + 1) + "/" + d.getFullYear(); }

  function valid(y, m, d) {
    if (y < 1900 || y > 2100) { return null; }
    var date = new Date(y, m - 1, d);
    return date.getMonth() === m - 1 && date.getDate() === d ? date : null;
  }

  function parse(text) {
    var m;
    text = (text || "").trim();
    if ((m = /^(\d{1,2})\s*[\/.\- ]\s*(\d{1,2})\s*[\/.\- ]\s*(\d{4}|\d{2})$/.exec(text))) {
      return valid(m[3].length === 2 ? 2000 + Number(m[3]) : Number(m[3]), Number(m[2]), Number(m[1]));
    }
    if ((m = /^(\d{2})(\d{2})(\d{4})$/.exec(text))) { return valid(Number(m[3]), Number(m[2]), Number(m[1])); }
    if ((m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text))) { return valid(Number(m[1]), Number(m[2]), Number(m[3])); }
    return null;
  }

  function tidy(input) {
    var date = parse(input.value);
    if (date) { input.value = format(date); }
  }

  function makeButton(label, text, className) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = className;
    b.textContent = text;
    b.setAttribute("aria-label", label);
    b.title = label;
    return b;
  }

  function close(focusInput) {
    if (!popup) { return; }
    var input = popup.input;
    popup.el.parentNode.removeChild(popup.el);
    popup = null;
    if (focusInput) { input.focus(); }
  }

  function choose(date) {
    var input = popup.input;
    input.value = format(date);
    close(true);
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function show(date) {
    popup.year = date.getFullYear();
    popup.month = date.getMonth();
    popup.day = date.getDate();
    render();
  }

  function render() {
    var p = popup, el = p.el;
    el.textContent = "";
    var head = document.createElement("div");
    head.className = "date-popup-head";
    var prev = makeButton("Tháng trước", "‹", "date-popup-nav");
    var next = makeButton("Tháng sau", "›", "date-popup-nav");
    var title = document.createElement("span");
    title.textContent = "Tháng " + pad(p.month + 1) + "/" + p.year;
    title.setAttribute("aria-live", "polite");
    prev.addEventListener("click", function () { show(new Date(p.year, p.month - 1, 1)); });
    next.addEventListener("click", function () { show(new Date(p.year, p.month + 1, 1)); });
    head.appendChild(prev);
    head.appendChild(title);
    head.appendChild(next);
    el.appendChild(head);

    var table = document.createElement("table");
    table.setAttribute("role", "grid");
    var row = document.createElement("tr");
    WEEKDAYS.forEach(function (name) {
      var th = document.createElement("th");
      th.textContent = name;
      th.scope = "col";
      row.appendChild(th);
    });
    var thead = document.createElement("thead");
    thead.appendChild(row);
    table.appendChild(thead);
    var tbody = document.createElement("tbody");
    var offset = (new Date(p.year, p.month, 1).getDay() + 6) % 7;  // Monday first
    var days = new Date(p.year, p.month + 1, 0).getDate();
    var today = format(new Date()), selected = p.selected ? format(p.selected) : "";
    var focusTarget = null;
    row = document.createElement("tr");
    for (var i = 0; i < offset; i++) { row.appendChild(document.createElement("td")); }
    for (var day = 1; day <= days; day++) {
      var date = new Date(p.year, p.month, day), text = format(date);
      var cell = document.createElement("td");
      var b = makeButton(text, String(day), "date-popup-day");
      if (text === today) { b.className += " today"; }
      if (text === selected) { b.className += " selected"; b.setAttribute("aria-pressed", "true"); }
      b.tabIndex = day === p.day ? 0 : -1;
      if (day === p.day) { focusTarget = b; }
      b.addEventListener("click", choose.bind(null, date));
      cell.appendChild(b);
      row.appendChild(cell);
      if ((offset + day) % 7 === 0 || day === days) {
        tbody.appendChild(row);
        row = document.createElement("tr");
      }
    }
    table.appendChild(tbody);
    el.appendChild(table);
    if (focusTarget && p.focusDays) { focusTarget.focus(); }
  }

  function open(input) {
    close(false);
    var selected = parse(input.value);
    var shown = selected || new Date();
    var el = document.createElement("div");
    el.className = "date-popup";
    el.setAttribute("role", "dialog");
    el.setAttribute("aria-label", "Chọn ngày");
    input.parentNode.appendChild(el);
    popup = { el: el, input: input, selected: selected, focusDays: true };
    el.addEventListener("keydown", onPopupKey);
    // A click inside (a day, ‹ ›) is the calendar's own: it must not reach the "click outside" below.
    el.addEventListener("click", function (e) { e.stopPropagation(); });
    show(shown);
  }

  function onPopupKey(e) {
    var p = popup, moves = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7 };
    if (e.key === "Escape") { e.preventDefault(); close(true); return; }
    if (!e.target.classList.contains("date-popup-day")) { return; }
    if (e.key in moves) {
      e.preventDefault();
      show(new Date(p.year, p.month, p.day + moves[e.key]));
    } else if (e.key === "PageUp" || e.key === "PageDown") {
      e.preventDefault();
      var target = new Date(p.year, p.month + (e.key === "PageUp" ? -1 : 1), 1);
      var last = new Date(target.getFullYear(), target.getMonth() + 1, 0).getDate();
      show(new Date(target.getFullYear(), target.getMonth(), Math.min(p.day, last)));
    }
  }

  function enhance(input) {
    if (input.dataset.dateInput) { return; }
    input.dataset.dateInput = "on";
    // Moving a field into its wrapper takes the focus away: give it back (htmx has just restored it
    // to the field being typed in after a swap).
    var focused = document.activeElement === input, start = input.selectionStart, end = input.selectionEnd;
    var wrap = document.createElement("span");
    wrap.className = "date-field";
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    if (focused) {
      input.focus();
      try { input.setSelectionRange(start, end); } catch (e) { /* not a text selection */ }
    }
    var button = makeButton("Chọn ngày trên lịch", "", "date-picker-button");
    button.tabIndex = -1;  // the keyboard types the date (or opens the calendar with Alt+↓)
    wrap.appendChild(button);
    var entering = false;
    // On the field itself, so the text is tidied before a form listening for "change" reads it.
    // Enter both changes the field and submits its form: let only the submit through, so a form
    // refreshing on either does so once.
    input.addEventListener("change", function (e) {
      tidy(input);
      if (entering) { e.stopPropagation(); }
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter") {
        tidy(input);
        entering = true;
        setTimeout(function () { entering = false; }, 0);
        // A form with two text fields and no submit button is not submitted by Enter (implicit
        // submission): submit it here, as Enter does in a form with one field.
        var form = input.form;
        if (form && !form.querySelector("button:not([type=button]), input[type=submit]")) {
          e.preventDefault();
          if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
        }
      }
      if (e.key === "ArrowDown" && e.altKey) { e.preventDefault(); open(input); }
      if (e.key === "Escape") { close(false); }
    });
    button.addEventListener("click", function () {
      if (popup && popup.input === input) { close(true); } else { open(input); }
    });
  }

  function scan(root) {
    if (root && root.querySelectorAll) {
      Array.prototype.forEach.call(root.querySelectorAll("input.date-input"), enhance);
    }
  }

  document.addEventListener("click", function (e) {
    if (popup && !popup.el.parentNode.contains(e.target)) { close(false); }
  });
  document.addEventListener("htmx:load", function (e) { scan(e.target); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { scan(document); });
  } else {
    scan(document);
  }
})();
