// The body chart in the form: choose pain / pins and needles / numbness (and an intensity),
// tap an area to mark it, tap again to remove it. Marks are hidden `pain-body_chart` inputs
// ("region:symptom[:intensity]", see physio/clinical/body_chart.py). An area marked with pain
// ticks its "Where is the pain?" chip; unticking that chip removes the pain marks under it.
(function () {
  "use strict";
  const form = document.getElementById("assessment-form");
  const chart = document.querySelector("[data-body-chart]");
  if (!form || !chart) return;
  const svg = chart.querySelector(".bc-now svg");
  const inputs = chart.querySelector("[data-bc-inputs]");
  const list = chart.querySelector("[data-bc-list]");
  const FILL = { pain: "#d92d20", pins_needles: "url(#bc-hatch)", numbness: "url(#bc-dots)" };
  const WORDS = { pain: "pain", pins_needles: "pins and needles", numbness: "numbness" };
  const SVGNS = "http://www.w3.org/2000/svg";
  let marks = [];

  function parse(text) {
    const parts = String(text).split(":");
    return { region: parts[0], symptom: parts[1], intensity: parts[2] === undefined || parts[2] === "" ? null : Number(parts[2]) };
  }
  function posted(m) { return m.region + ":" + m.symptom + (m.intensity === null ? "" : ":" + m.intensity); }
  function regionEl(code) { return svg.querySelector('[data-region="' + code + '"]'); }

  function draw() {
    inputs.textContent = "";
    list.textContent = "";
    svg.querySelectorAll(".bc-mark, .bc-level").forEach(function (el) { el.remove(); });
    marks.forEach(function (m) {
      const input = document.createElement("input");
      input.type = "hidden"; input.name = "pain-body_chart"; input.value = posted(m);
      inputs.appendChild(input);
      const g = regionEl(m.region);
      if (!g) return;
      const base = g.querySelector("polygon");
      const poly = document.createElementNS(SVGNS, "polygon");
      poly.setAttribute("points", base.getAttribute("points"));
      poly.setAttribute("class", "bc-mark bc-" + m.symptom);
      poly.setAttribute("fill", FILL[m.symptom]);
      poly.setAttribute("fill-opacity", m.intensity === null ? "0.7" : String(Math.min(1, 0.35 + 0.065 * m.intensity)));
      poly.setAttribute("stroke", "#344054");
      g.appendChild(poly);
      const item = document.createElement("li");
      item.textContent = g.dataset.label + ": " + WORDS[m.symptom] + (m.intensity === null ? "" : " " + m.intensity + "/10") + " ";
      const remove = document.createElement("button");
      remove.type = "button"; remove.className = "btn-link";
      remove.textContent = "Remove";
      remove.setAttribute("aria-label", "Remove " + item.textContent.trim());
      remove.addEventListener("click", function () { toggle(m.region, m.symptom, true); });
      item.appendChild(remove);
      list.appendChild(item);
    });
    svg.querySelectorAll("[data-region]").forEach(function (g) {
      const here = marks.filter(function (m) { return m.region === g.dataset.region; });
      g.setAttribute("aria-pressed", here.length ? "true" : "false");
      const levels = here.filter(function (m) { return m.intensity !== null; }).map(function (m) { return m.intensity; });
      if (levels.length) {
        const box = g.querySelector("polygon").getBBox();
        const text = document.createElementNS(SVGNS, "text");
        text.setAttribute("x", box.x + box.width / 2); text.setAttribute("y", box.y + box.height / 2 + 4);
        text.setAttribute("class", "bc-level"); text.setAttribute("text-anchor", "middle");
        text.textContent = levels.join("/");
        g.appendChild(text);
      }
    });
  }

  function locationChip(code) {
    return form.querySelector('input[name="pain-location"][value="' + code + '"]');
  }
  function syncLocation(region) {
    const g = regionEl(region);
    const code = g && g.dataset.location;
    if (!code) return;
    const chip = locationChip(code);
    const painThere = marks.some(function (m) {
      const other = regionEl(m.region);
      return m.symptom === "pain" && other && other.dataset.location === code;
    });
    if (chip && painThere && !chip.checked) { chip.checked = true; PhysioForm.changed(chip); }
  }

  function changed() {
    const first = inputs.querySelector("input");
    form.dispatchEvent(new Event("change", { bubbles: true }));
    if (first) first.dispatchEvent(new Event("input", { bubbles: true }));
    else form.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function toggle(region, symptom, removeOnly) {
    const raw = chart.querySelector('input[name="_chart_intensity"]').value;
    const intensity = raw === "" ? null : Math.max(0, Math.min(10, Math.round(Number(raw))));
    const at = marks.findIndex(function (m) { return m.region === region && m.symptom === symptom; });
    if (at !== -1 && (removeOnly || marks[at].intensity === intensity)) marks.splice(at, 1);
    else if (at !== -1) marks[at].intensity = intensity;
    else if (!removeOnly) marks.push({ region: region, symptom: symptom, intensity: intensity });
    draw();
    syncLocation(region);
    changed();
  }

  function chosenSymptom() {
    const el = chart.querySelector('input[name="_chart_symptom"]:checked');
    return el ? el.value : "pain";
  }
  svg.addEventListener("click", function (event) {
    const g = event.target.closest("[data-region]");
    if (g) toggle(g.dataset.region, chosenSymptom(), false);
  });
  svg.addEventListener("keydown", function (event) {
    const g = event.target.closest("[data-region]");
    if (g && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      toggle(g.dataset.region, chosenSymptom(), false);
    }
  });
  // Unticking a location removes the pain marks that ticked it (the two stay consistent).
  form.addEventListener("change", function (event) {
    const el = event.target;
    if (el.name !== "pain-location" || el.checked) return;
    const before = marks.length;
    marks = marks.filter(function (m) {
      const g = regionEl(m.region);
      return !(m.symptom === "pain" && g && g.dataset.location === el.value);
    });
    if (marks.length !== before) { draw(); changed(); }
  });
  form.addEventListener("physio:body-chart-set", function (event) {
    marks = (event.detail || []).map(parse);
    draw();
    marks.forEach(function (m) { syncLocation(m.region); });
    changed();
  });
  marks = Array.prototype.map.call(inputs.querySelectorAll("input"), function (el) { return parse(el.value); });
  draw();
})();
