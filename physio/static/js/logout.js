// Typing kept in this tab for an assessment (session-keeper.js) is cleared when logging out.
(function () {
  "use strict";
  document.querySelectorAll("form[data-logout]").forEach(function (form) {
    form.addEventListener("submit", function () {
      try { sessionStorage.clear(); } catch (e) { /* ignore */ }
    });
  });
})();
