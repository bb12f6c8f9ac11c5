// Assessment form: autosave every few seconds of quiet typing and show the server's computed
// values (scores, load, asymmetries, red-flag tier). The clinical rules stay on the server;
// red-flags.js shows a flag's tier from the server's own rules table at once.
// Posts are application/x-www-form-urlencoded (cheaper to parse than multipart).
(function () {
  "use strict";
  const form = document.getElementById("assessment-form");
  if (!form) return;
  const url = form.dataset.autosaveUrl;
  const statusEl = document.getElementById("save-status");
  const invalidEl = document.getElementById("invalid-list");
  const panel = document.getElementById("live-panel");
  const lockInput = form.querySelector('input[name="lock_version"]');
  const QUIET_MS = 1500;
  let timer = null;
  let inFlight = false;
  let pending = false;
  let dirty = false;
  let stopped = false;
  let waitingForLogin = false;
  let submitter = null;  // a submit waiting for the in-flight autosave's answer

  function setStatus(text, kind) {
    statusEl.textContent = text;
    statusEl.className = kind || "muted";
  }

  function body() {
    const data = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (key === "password" || key.charAt(0) === "_") return;  // never the password; UI-only
      data.append(key, value);
    });
    return data;
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

  // The bar names each value that is not valid yet, with a link to it.
  function goTo(link, field) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      const target = document.getElementById(field) || PhysioForm.box(form, field);
      if (target) {
        const section = target.closest(".form-section");
        if (section) section.dispatchEvent(new CustomEvent("physio:expand", { bubbles: true }));
        target.scrollIntoView({ block: "center" });
        if (target.focus) target.focus();
      }
    });
  }
  function showInvalid(invalid) {
    invalidEl.textContent = "";
    if (!invalid.length) { invalidEl.hidden = true; return; }
    invalid.forEach(function (item, i) {
      const link = document.createElement("a");
      link.href = "#" + item.field;
      link.textContent = item.label;
      link.title = item.message;
      goTo(link, item.field);
      if (i) invalidEl.appendChild(document.createTextNode(" · "));
      invalidEl.appendChild(link);
    });
    invalidEl.hidden = false;
  }
  // Named by the server when the page opens with kept-aside typing that is not valid.
  if (invalidEl) {
    invalidEl.querySelectorAll("a[href^='#']").forEach(function (link) {
      goTo(link, link.getAttribute("href").slice(1));
    });
  }

  function sessionEnded() {
    waitingForLogin = true;
    dirty = true;
    setStatus("Not saved: your session has ended. Your typing is kept in this tab.", "error-text");
    document.dispatchEvent(new CustomEvent("physio:session-ended"));
  }

  async function save(useBeacon) {
    if (stopped || waitingForLogin) return;
    if (inFlight) { pending = true; return; }
    const data = body();
    if (useBeacon && navigator.sendBeacon) {
      navigator.sendBeacon(url, new Blob([data.toString()], { type: "application/x-www-form-urlencoded" }));
      return;
    }
    inFlight = true;
    dirty = false;
    setStatus("Saving…");
    try {
      const response = await fetch(url, {
        method: "POST", body: data, credentials: "same-origin", redirect: "manual",
        headers: { "X-Requested-With": "fetch" },
      });
      if (response.status === 409) {
        stopped = true;
        setStatus("Not saved: this draft was changed elsewhere (or signed). Your typing stays on this page; reload to see the latest version.", "error-text");
        return;
      }
      // An ended session: the login redirect, or the CSRF check failing without a session.
      if (response.type === "opaqueredirect" || response.status === 401 || response.status === 400) {
        if (await PhysioSession.isLoggedOut()) { sessionEnded(); return; }
        if (response.status === 400) {
          await PhysioSession.refreshToken();  // the page's token had expired; the session had not
          dirty = true; pending = true;
          return;
        }
      }
      if (response.status === 429) {  // the per-user autosave limit: wait, then send it all
        dirty = true;
        setStatus("Saving paused for a moment (many saves in a minute); it will resume.", "warn-text");
        setTimeout(function () { if (dirty) save(false); }, 15000);
        return;
      }
      if (!response.ok) throw new Error("HTTP " + response.status);
      const result = await response.json();
      if (lockInput && result.lock_version) lockInput.value = result.lock_version;
      if (result.panel && panel) panel.innerHTML = result.panel;
      document.dispatchEvent(new CustomEvent("physio:server-tier", { detail: result.tier || null }));
      showErrors(result.errors || {});
      showInvalid(result.invalid || []);
      const now = new Date().toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", hour12: false });
      const count = (result.invalid || []).length;
      if (result.saved) setStatus("Saved " + now, "ok-text");
      else setStatus("Saved " + now + " except " + count + " value(s) to correct:", "warn-text");
      if (!dirty) document.dispatchEvent(new CustomEvent("physio:saved"));
    } catch (err) {
      dirty = true;
      setStatus("Offline? Not saved yet — keep this tab open; retrying.", "error-text");
      setTimeout(function () { if (dirty) save(false); }, 5000);
    } finally {
      inFlight = false;
      if (submitter && !waitingForLogin) {
        // The answer carried the new lock_version; now the waiting submit can go.
        const button = submitter;
        submitter = null;
        stopped = true;
        form.requestSubmit(button);
      } else if (pending) { pending = false; save(false); }
    }
  }

  function schedule(ms) {
    dirty = true;
    clearTimeout(timer);
    timer = setTimeout(function () { save(false); }, ms == null ? QUIET_MS : ms);
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
    if (event.target === password || (event.target.name || "").charAt(0) === "_") return;
    schedule();
  });
  form.addEventListener("change", function (event) {
    if (event.target !== password && (event.target.name || "").charAt(0) !== "_") schedule();
  });
  // A closing tab or a tablet going to sleep: send what we have.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && dirty && !waitingForLogin) save(true);
  });
  document.addEventListener("physio:signed-in", function () {
    waitingForLogin = false;
    save(false);
  });
  form.addEventListener("submit", function (event) {
    clearTimeout(timer);
    if (waitingForLogin || ((inFlight || dirty) && !stopped)) {
      // Saving or signing now would post the lock_version the pending answer is replacing; and
      // typing not autosaved yet goes first, so an ended session is found here (sign in again
      // in place, then the submit goes) instead of on a "security token expired" page.
      event.preventDefault();
      submitter = event.submitter || null;
      if (!submitter) submitter = form.querySelector('button[type="submit"]');
      if (waitingForLogin) { document.dispatchEvent(new CustomEvent("physio:session-ended")); return; }
      setStatus("Finishing the autosave…");
      if (!inFlight) save(false);
      return;
    }
    stopped = true;
  });
  window.PhysioAutosave = { saveSoon: schedule, saveNow: function () { save(false); } };
})();
