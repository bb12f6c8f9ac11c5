// The copy button beside a patient link made just now (physio pages). No inline script (CSP).
(function () {
  "use strict";
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("data-copy"));
    var status = button.parentElement.querySelector("[data-copy-status]");
    if (!input) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      function done(ok) {
        if (status) { status.textContent = ok ? "Copied." : "Select the link and copy it."; }
      }
      input.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(function () { done(true); }, function () {
          done(document.execCommand && document.execCommand("copy"));
        });
      } else {
        done(document.execCommand && document.execCommand("copy"));
      }
    });
  });
})();
