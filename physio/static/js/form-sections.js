// Fewer taps, nothing lost: sections fold to a one-line summary; "All normal" answers a
// section's unanswered observations with their normal finding; "Same as last visit" fills a
// review section's empty fields with last visit's values (the tick is posted and recorded as
// confirmed today; unticking takes the values back out); "last visit" hints can be tapped to
// use a value; radio choices can be cleared; the keyboard's Next key (Enter) moves on.
(function () {
  "use strict";
  const form = document.getElementById("assessment-form");
  if (!form) return;

  function labelOf(box) {
    const legend = box.querySelector("legend");
    const label = legend || box.querySelector("label");
    return label ? label.textContent.replace(/\s+/g, " ").trim() : "";
  }
  function valueOf(box) {
    const checked = Array.prototype.slice.call(box.querySelectorAll("input:checked"));
    const single = box.querySelector('input[type="checkbox"]');
    if (single && box.querySelectorAll("input").length === 1) return single.checked ? "yes" : "";
    if (checked.length) {
      return checked.map(function (el) { return el.parentNode.textContent.trim(); }).join(", ");
    }
    const input = box.querySelector("input:not([type=radio]):not([type=checkbox]), textarea");
    return input ? input.value : "";
  }
  function summary(section) {
    const parts = [];
    section.querySelectorAll(".section-body .field[data-field]").forEach(function (box) {
      const value = valueOf(box);
      if (value) parts.push(labelOf(box).replace(/\s*\(.*?\)\s*$/, "") + ": " + value);
    });
    return parts.length ? parts.join(" · ") : "Nothing entered yet.";
  }
  function fold(section, folded) {
    const body = section.querySelector(".section-body");
    const line = section.querySelector(".section-summary");
    const toggle = section.querySelector(".section-toggle");
    body.hidden = folded;
    line.hidden = !folded;
    if (folded) line.textContent = summary(section);
    toggle.textContent = folded ? "Show" : "Hide";
    toggle.setAttribute("aria-expanded", String(!folded));
    section.classList.toggle("is-folded", folded);
  }

  form.querySelectorAll(".form-section").forEach(function (section) {
    const toggle = section.querySelector(".section-toggle");
    toggle.addEventListener("click", function () { fold(section, !section.classList.contains("is-folded")); });
    section.querySelector(".section-summary").addEventListener("click", function () { fold(section, false); });
    section.addEventListener("physio:expand", function () { fold(section, false); });

    // All normal: only the observations not answered yet; then the section folds.
    const normalButton = section.querySelector("[data-all-normal]");
    if (normalButton) {
      const normal = JSON.parse(section.dataset.normal);
      normalButton.addEventListener("click", function () {
        Object.keys(normal).forEach(function (field) {
          const name = section.dataset.section + "-" + field;
          if (PhysioForm.isEmpty(form, name)) PhysioForm.setField(form, name, normal[field]);
        });
        fold(section, true);
      });
      // A section left at normal starts folded.
      const atNormal = Object.keys(normal).every(function (field) {
        const el = form.querySelector('input[name="' + section.dataset.section + "-" + field + '"]:checked');
        return el && el.value === normal[field];
      });
      if (atNormal && !section.querySelector(".has-error")) fold(section, true);
    }

    // Same as last visit (reviews): fill the empty fields; untick takes them back out.
    const same = section.querySelector("[data-same-as-last]");
    if (same) {
      let filled = [];
      const values = JSON.parse(same.dataset.values || "{}");
      same.addEventListener("change", function () {
        same.parentNode.classList.toggle("is-on", same.checked);
        if (same.checked) {
          filled = [];
          Object.keys(values).forEach(function (name) {
            if (name === "pain-body_chart" || PhysioForm.isEmpty(form, name)) {
              PhysioForm.setField(form, name, values[name]);
              filled.push(name);
            }
          });
          fold(section, true);
        } else {
          filled.forEach(function (name) {
            PhysioForm.setField(form, name, Array.isArray(values[name]) ? [] : "");
          });
          filled = [];
          fold(section, false);
        }
      });
      if (same.checked && !section.querySelector(".has-error")) fold(section, true);
    }
    // A review carries the history over: it starts folded to its summary.
    if (form.hasAttribute("data-review") && section.dataset.section === "history" &&
        !section.querySelector(".has-error")) fold(section, true);
  });

  // Tap "last visit: …" or a shoe estimate to use that value.
  form.addEventListener("click", function (event) {
    const use = event.target.closest("[data-use-last], [data-use-estimate]");
    if (use) {
      const name = use.dataset.useLast || use.dataset.useEstimate;
      PhysioForm.setField(form, name, JSON.parse(use.dataset.value));
      return;
    }
    const clear = event.target.closest("[data-clear]");
    if (clear) {
      const els = PhysioForm.inputs(form, clear.dataset.clear);
      els.forEach(function (el) { el.checked = false; });
      if (els.length) PhysioForm.changed(els[0]);
    }
  });

  // The keyboard's Next key: Enter in a text, number or date field moves to the next one.
  const TYPED = 'input[type=text], input[type=number], input[type=date], input[type=email], ' +
    'input[type=datetime-local], input:not([type])';
  function typedFields() {
    // Textareas can be moved into (Enter in a textarea is a new line, so not out of them).
    return Array.prototype.slice.call(form.querySelectorAll(TYPED + ", textarea")).filter(function (el) {
      return !el.disabled && el.offsetParent !== null && !el.hasAttribute("data-no-enter-next") &&
        el.id !== "sign-password";
    });
  }
  form.querySelectorAll(TYPED).forEach(function (el) {
    if (el.id !== "sign-password") el.setAttribute("enterkeyhint", "next");
  });
  form.addEventListener("keydown", function (event) {
    const el = event.target;
    if (event.key !== "Enter" || !el.matches(TYPED) || el.id === "sign-password") return;
    event.preventDefault();
    const fields = typedFields();
    const next = fields[fields.indexOf(el) + 1];
    if (next) next.focus(); else el.blur();
  });
})();
