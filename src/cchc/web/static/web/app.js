// CCHC: small behaviours. Every page works without this file; it only saves clicks.
// No inline scripts are allowed (CSP), so everything binds here by delegation, which also
// covers content that htmx swaps in later.
(function () {
  "use strict";

  // Submit a form as soon as one of its [data-autosubmit] fields changes (plan switcher).
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("[data-autosubmit]") && field.form) {
      if (field.form.requestSubmit) {
        field.form.requestSubmit();
      } else {
        field.form.submit();
      }
    }
  });

  function updateSelectedCount(form) {
    if (!form) return;
    var boxes = form.querySelectorAll("input[name=ids]");
    var checked = 0;
    boxes.forEach(function (box) { if (box.checked) checked += 1; });
    // The counter sits beside the bulk controls, outside the swapped list.
    document.querySelectorAll("[data-selected-count]").forEach(function (counter) {
      counter.textContent = String(checked);
    });
    var all = form.querySelector("[data-check-all]");
    if (all) {
      all.checked = boxes.length > 0 && checked === boxes.length;
      all.indeterminate = checked > 0 && checked < boxes.length;
    }
  }

  // "Select all" checkbox of the bulk-action table.
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches) return;
    if (box.matches("[data-check-all]")) {
      var form = box.form;
      if (!form) return;
      form.querySelectorAll("input[name=ids]").forEach(function (item) {
        item.checked = box.checked;
      });
      updateSelectedCount(form);
    } else if (box.matches("input[name=ids]")) {
      updateSelectedCount(box.form);
    }
  });

  // A new page of results starts with nothing selected.
  document.addEventListener("htmx:afterSwap", function () {
    updateSelectedCount(document.getElementById("bulk-form"));
  });

  // A form marked [data-submit-once] is sent once: a second click while the page is
  // leaving does nothing (the server also knows the form's submission key).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-submit-once]") || event.defaultPrevented) return;
    if (form.hasAttribute("data-sent")) {
      event.preventDefault();
    } else {
      form.setAttribute("data-sent", "");
    }
  });

  // Coming back to a page kept by the browser (Back button): its forms may be sent again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sent]").forEach(function (form) {
      form.removeAttribute("data-sent");
    });
  });

  // Ask before a bulk change: the button carries the question in data-confirm.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-confirm]") : null;
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
})();
