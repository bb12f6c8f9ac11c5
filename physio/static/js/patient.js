// Patient pages: a pause button for each moving exercise figure (SMIL animation in the SVG).
// With "reduce motion" on, the page's CSS shows the still drawing instead and the animations
// are paused here too, so nothing keeps running unseen. No inline script anywhere (CSP).
(function () {
  "use strict";
  var reduce = window.matchMedia ? window.matchMedia("(prefers-reduced-motion: reduce)") : null;

  function svgOf(figure) {
    return figure.querySelector("svg.exercise-animation");
  }

  function setPaused(figure, paused) {
    var svg = svgOf(figure);
    var button = figure.querySelector("[data-pause]");
    if (!svg || !svg.pauseAnimations) { return; }
    if (paused) { svg.pauseAnimations(); } else { svg.unpauseAnimations(); }
    if (button) {
      button.setAttribute("aria-pressed", paused ? "true" : "false");
      button.textContent = paused ? "Play" : "Pause";
    }
  }

  function applyMotionPreference() {
    var still = reduce && reduce.matches;
    document.querySelectorAll("[data-figure]").forEach(function (figure) {
      var button = figure.querySelector("[data-pause]");
      if (still) { setPaused(figure, true); }
      else if (button && button.getAttribute("aria-pressed") !== "true") { setPaused(figure, false); }
    });
  }

  document.querySelectorAll("[data-figure]").forEach(function (figure) {
    var button = figure.querySelector("[data-pause]");
    if (!button || !svgOf(figure)) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      setPaused(figure, button.getAttribute("aria-pressed") !== "true");
    });
  });
  applyMotionPreference();
  if (reduce && reduce.addEventListener) { reduce.addEventListener("change", applyMotionPreference); }
})();
