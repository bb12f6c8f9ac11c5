// Assessment form: autosave every few seconds of quiet typing and show the server's computed
// values (scores, load, asymmetries, red-flag tier). All clinical rules stay on the server.
(function () {
  "use strict";
  const form = document.getElementById("assessment-form");
  if (!form) return;
  const url = form.dataset.autosaveUrl;
  const statusEl = document.getElementById("save-status");
  const panel = document.getElementById("live-panel");
  const lockInput = form.querySelector('input[name="lock_version"]');
  const QUIET_MS = 1500;
  let timer = null;
  let inFlight = false;
  let pending = false;
  let dirty = false;
  let stopped = false;
  let submitter = null;  // a submit waiting for the in-flight autosave's answer

  function setStatus(text, kind) {
    statusEl.textContent = text;
    statusEl.className = kind || "muted";
  }

  function showErrors(errors) {
    form.querySelectorAll(".field[data-field]").forEach(function (box) {
      const name = box.dataset.field;
      let msg = box.querySelector("p.error.live");
      const serverMsg = box.querySelector("p.error:not(.live)");
      if (errors[name]) {
        if (serverMsg) serverMsg.remove();
        if (!msg) {
          msg = document.createElement("p");
          msg.className = "error live";
          msg.setAttribute("role", "alert");
          box.appendChild(msg);
        }
        msg.textContent = errors[name];
        box.classList.add("has-error");
      } else {
        if (msg) msg.remove();
        if (!serverMsg) box.classList.remove("has-error");
      }
    });
  }

  async function save(useBeacon) {
    if (stopped) return;
    if (inFlight) { pending = true; return; }
    const fields = new FormData(form);
    fields.delete("password");
    // Posted urlencoded: the server parses it in a fraction of multipart's time (no files here).
    const data = new URLSearchParams(fields);
    if (useBeacon && navigator.sendBeacon) {
      navigator.sendBeacon(url, data);
      return;
    }
    inFlight = true;
    dirty = false;
    setStatus("Saving…");
    try {
      const response = await fetch(url, { method: "POST", body: data, credentials: "same-origin",
                                          headers: { "X-Requested-With": "fetch" } });
      if (response.status === 409) {
        stopped = true;
        setStatus("Not saved: this draft was changed elsewhere (or signed). Your typing stays on this page; reload to see the latest version.", "error-text");
        return;
      }
      if (!response.ok) throw new Error("HTTP " + response.status);
      const result = await response.json();
      if (lockInput && result.lock_version) lockInput.value = result.lock_version;
      if (result.panel && panel) panel.innerHTML = result.panel;
      const chip = document.getElementById("tier-chip");
      if (chip) {
        chip.textContent = result.tier ? "Red flags: " + result.tier : "No red flag";
        chip.className = "badge tier-chip tier-" + (result.tier || "none");
      }
      showErrors(result.errors || {});
      const now = new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
      const count = Object.keys(result.errors || {}).length;
      if (result.saved) setStatus("Saved " + now, "ok-text");
      else setStatus("Typing kept " + now + " — " + count + " field(s) to correct before it is saved", "warn-text");
    } catch (err) {
      dirty = true;
      setStatus("Offline? Not saved yet — keep this tab open; retrying.", "error-text");
      setTimeout(function () { if (dirty) save(false); }, 5000);
    } finally {
      inFlight = false;
      if (submitter) {
        // The answer carried the new lock_version; now the waiting submit can go.
        const button = submitter;
        submitter = null;
        stopped = true;
        form.requestSubmit(button);
      } else if (pending) { pending = false; save(false); }
    }
  }

  function schedule() {
    dirty = true;
    clearTimeout(timer);
    timer = setTimeout(function () { save(false); }, QUIET_MS);
  }

  // Enter in the password box signs (it would otherwise press the first button: Save draft).
  const password = document.getElementById("sign-password");
  const signButton = document.getElementById("sign-button");
  if (password && signButton) {
    password.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); form.requestSubmit(signButton); }
    });
  }

  form.addEventListener("input", function (event) {
    if (event.target === password) return;  // the password is never autosaved
    schedule();
  });
  form.addEventListener("change", function (event) {
    if (event.target !== password) schedule();
  });
  // A closing tab or a tablet going to sleep: send what we have.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && dirty) save(true);
  });
  form.addEventListener("submit", function (event) {
    clearTimeout(timer);
    if (inFlight && !stopped) {
      // Saving or signing now would post the lock_version the pending answer is replacing.
      event.preventDefault();
      submitter = event.submitter || null;
      if (!submitter) submitter = form.querySelector('button[type="submit"]');
      setStatus("Finishing the autosave…");
      return;
    }
    stopped = true;
  });
})();
