// Red flags: the tier shows beside a flag the moment it is tapped, computed from the rules
// table the server serves from physio/clinical/red_flags.py (one source of truth); the
// server's own screen replaces the overall tier on the next autosave (a fraction of a second).
// "None of these" answers "no" for every unanswered flag of a group, visibly and undoably; in a
// group with a "yes" it offers "Not asked for the rest" instead (never a false "no").
// At tier E or U the decision block moves to the flags that need it.
(function () {
  "use strict";
  const form = document.getElementById("assessment-form");
  const section = document.getElementById("sec-red_flags");
  if (!form || !section || !section.dataset.rules) return;
  const rules = JSON.parse(section.dataset.rules);
  const chip = document.getElementById("tier-chip");
  const note = document.getElementById("tier-note");
  const decision = document.getElementById("decision-block");
  const emergencySign = document.querySelector("[data-emergency-sign]");
  const flagNames = Object.keys(rules.tiers);
  const ACTIONS = {
    E: "E — emergency: same-day emergency department. Record the decision here before signing.",
    U: "U — urgent: doctor within days (≤ 2 weeks). Record the decision here before signing.",
    R: "R — routine: inform the GP.",
    C: "C — context: counts only in combination.",
  };
  let serverTier = chip && /tier-([EURC])\b/.test(chip.className) ? RegExp.$1 : null;
  let lastYes = null;

  function answer(name) {
    const checked = form.querySelector('input[name="red_flags-' + name + '"]:checked');
    return checked ? checked.value : null;
  }
  function neuroSigns() {
    return rules.neuro_signs.some(function (sign) {
      const els = PhysioForm.inputs(form, sign[0] + "-" + sign[1]);
      return els.some(function (el) {
        if (!el.checked) return false;
        return sign[2] === null ? true : sign[2].indexOf(el.value) !== -1;
      });
    });
  }
  function flagTier(name) {
    if (rules.neuro_raises[name] && neuroSigns()) return rules.neuro_raises[name];
    return rules.tiers[name];
  }
  function highest(tiers) {
    let best = null;
    tiers.forEach(function (t) { if (t && (!best || rules.rank[t] > rules.rank[best])) best = t; });
    return best;
  }
  function clientTier() {
    const tiers = [];
    let context = 0;
    flagNames.forEach(function (name) {
      if (answer(name) === "yes") {
        const t = flagTier(name);
        tiers.push(t);
        if (t === "C") context += 1;
      }
    });
    if (context >= rules.context_for_urgent) tiers.push("U");
    const override = form.querySelector('input[name="red_flags-tier_override"]:checked');
    if (override) tiers.push(override.value);
    return highest(tiers);
  }

  function showTier(tier) {
    if (chip) {
      chip.textContent = tier ? "Red flags: " + tier : "No red flag";
      chip.className = "badge tier-chip tier-" + (tier || "none");
    }
    note.className = "tier-note tier tier-" + (tier || "none");
    note.textContent = tier ? "Suggested tier " + ACTIONS[tier] : "";
    note.hidden = !tier;
    const needsDecision = rules.decision_tiers.indexOf(tier) !== -1;
    decision.classList.toggle("is-needed", needsDecision);
    decision.hidden = !needsDecision && !decisionAnswered();
    if (needsDecision && lastYes) {
      const group = lastYes.closest(".rf-group");
      if (group && group.nextElementSibling !== decision) group.after(decision);
    }
    if (emergencySign) emergencySign.hidden = tier !== "E";
  }
  function decisionAnswered() {
    return !!form.querySelector('input[name="red_flags-decision"]:checked');
  }

  function refreshFlags() {
    flagNames.forEach(function (name) {
      const slot = section.querySelector('[data-tier-for="red_flags-' + name + '"]');
      if (!slot) return;
      const yes = answer(name) === "yes";
      const t = yes ? flagTier(name) : null;
      slot.textContent = t ? t : "";
      slot.className = "flag-tier" + (t ? " tier-chip tier-" + t : "");
      slot.title = t ? ACTIONS[t] : "";
    });
    showTier(highest([clientTier(), null]));
  }

  // "None of these": every unanswered flag of the group → "no"; the button then undoes it.
  // In a group that holds a "yes" it never writes "no" to items nobody asked about: it becomes
  // "Not asked for the rest" (recorded as "not asked"), and the group is not tinted as clear.
  function groupHasYes(group) {
    return !!group.querySelector('.field.tri input[value="yes"]:checked');
  }
  const groupButtons = [];
  section.querySelectorAll("[data-none-of-these]").forEach(function (button) {
    const group = button.closest(".rf-group");
    const done = group.querySelector(".rf-group-done");
    let setByUs = [];
    function label() {
      const yes = groupHasYes(group);
      if (yes) group.classList.remove("is-none");  // never tinted "clear" while it holds a yes
      if (setByUs.length) { button.textContent = "Undo"; return; }
      button.textContent = yes ? "Not asked for the rest" : "None of these";
    }
    button.addEventListener("click", function () {
      if (setByUs.length) {
        setByUs.forEach(function (el) { el.checked = false; });
        PhysioForm.changed(setByUs[0]);
        setByUs = [];
        group.classList.remove("is-none", "is-rest-not-asked");
        done.textContent = "";
        label();
        return;
      }
      const withYes = groupHasYes(group);
      const value = withYes ? "not_asked" : "no";
      group.querySelectorAll(".field.tri").forEach(function (box) {
        if (box.querySelector("input:checked")) return;
        const input = box.querySelector('input[value="' + value + '"]');
        if (input) { input.checked = true; setByUs.push(input); }
      });
      if (!setByUs.length) return;
      PhysioForm.changed(setByUs[0]);
      group.classList.add(withYes ? "is-rest-not-asked" : "is-none");
      done.textContent = setByUs.length + (withYes ? " recorded as “not asked”." : " answered “no”.");
      label();
      if (window.PhysioAutosave) PhysioAutosave.saveSoon(300);
    });
    groupButtons.push(label);
  });
  function relabelGroups() { groupButtons.forEach(function (label) { label(); }); }

  form.addEventListener("change", function (event) {
    const name = event.target.name || "";
    if (name.indexOf("red_flags-") === 0 && event.target.value === "yes" && event.target.checked) {
      lastYes = event.target;
    }
    if (name.indexOf("red_flags-") === 0) relabelGroups();
    if (name.indexOf("red_flags-") === 0 || name === "pain-location" ||
        name.indexOf("physical-") === 0) {
      refreshFlags();
      if (name.indexOf("red_flags-") === 0 && window.PhysioAutosave) PhysioAutosave.saveSoon(250);
    }
  });
  // The server's answer is the one that counts (it also knows the patient's age at onset).
  document.addEventListener("physio:server-tier", function (event) {
    serverTier = event.detail;
    const local = clientTier();
    showTier(highest([serverTier, local]));
  });
  refreshFlags();
  relabelGroups();
  if (serverTier) showTier(highest([serverTier, clientTier()]));
})();
