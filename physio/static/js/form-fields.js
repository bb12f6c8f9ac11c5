// Reading and setting the assessment form's fields by their posted name, for the other
// modules (same as last visit, all normal, restored typing, the body chart).
(function () {
  "use strict";
  function inputs(form, name) {
    return Array.prototype.slice.call(form.querySelectorAll('[name="' + CSS.escape(name) + '"]'));
  }
  function isEmpty(form, name) {
    const els = inputs(form, name);
    if (!els.length) return true;
    const first = els[0];
    if (first.type === "radio" || first.type === "checkbox") {
      if (first.type === "checkbox" && els.length === 1 && !first.dataset.multi) return !first.checked;
      return !els.some(function (el) { return el.checked; });
    }
    return first.value === "";
  }
  function changed(el) {
    el.dispatchEvent(new Event("input", { bubbles: true }));
    el.dispatchEvent(new Event("change", { bubbles: true }));
  }
  // value: a string, a list of strings (checkbox groups), "y"/"" for a lone box.
  function setField(form, name, value) {
    if (name === "pain-body_chart") {
      form.dispatchEvent(new CustomEvent("physio:body-chart-set", { detail: value || [] }));
      return;
    }
    const els = inputs(form, name);
    if (!els.length) return;
    const first = els[0];
    if (first.type === "radio") {
      els.forEach(function (el) { el.checked = el.value === value; });
      changed(first);
    } else if (first.type === "checkbox") {
      const wanted = Array.isArray(value) ? value : (value ? [first.value] : []);
      els.forEach(function (el) { el.checked = wanted.indexOf(el.value) !== -1; });
      changed(first);
    } else {
      first.value = value == null ? "" : value;
      changed(first);
    }
  }
  function box(form, name) {
    return form.querySelector('.field[data-field="' + CSS.escape(name) + '"]');
  }
  window.PhysioForm = { inputs: inputs, isEmpty: isEmpty, setField: setField, box: box, changed: changed };
})();

// RMDQ: "None of these statements apply" and a ticked sentence exclude each other (with neither,
// the RMDQ is recorded as not asked).
(function () {
  "use strict";
  const box = document.querySelector("[data-rmdq]");
  if (!box) return;
  const none = box.querySelector('input[name="outcomes-rmdq_none"]');
  if (!none) return;
  box.addEventListener("change", function (event) {
    const el = event.target;
    if (el.type !== "checkbox" || !el.checked) return;
    if (el === none) {
      box.querySelectorAll('input[type="checkbox"]:checked').forEach(function (other) {
        if (other !== none) { other.checked = false; }
      });
    } else if (none.checked) {
      none.checked = false;
    }
  });
})();

// A "Not signed. Still needed:" entry goes once its field is answered (no stale messages).
(function () {
  "use strict";
  const form = document.getElementById("assessment-form");
  const box = document.getElementById("sign-problems");
  if (!form || !box) return;
  form.addEventListener("change", function (event) {
    const name = event.target.name;
    if (!name || PhysioForm.isEmpty(form, name)) return;
    box.querySelectorAll('a[href="#' + CSS.escape(name) + '"]').forEach(function (link) {
      link.closest("li").remove();
      // …and so does the same message at the field.
      const fieldBox = PhysioForm.box(form, name);
      const message = document.getElementById(name + "-error");
      if (message) message.remove();
      if (fieldBox) fieldBox.classList.remove("has-error");
    });
    if (!box.querySelector("li")) box.hidden = true;
  });
})();
