// Plan page: edits are saved as they are made (no reload), rows move up and down in place,
// and leaving the page with changes not saved yet asks first. Adding from the library and the
// cap swap post the form as usual (they add rows).
(function () {
  "use strict";
  const form = document.getElementById("plan-form");
  if (!form) return;
  const url = form.dataset.autosaveUrl;
  const statusEl = document.getElementById("plan-status");
  const errorsEl = document.getElementById("plan-live-errors");
  const tbody = form.querySelector("tbody");
  const QUIET_MS = 1000;
  let timer = null, inFlight = false, pending = false, dirty = false, submitting = false;

  function setStatus(text, kind) { statusEl.textContent = text; statusEl.className = kind || "muted"; }

  function body() {
    const data = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (key.indexOf("add_") === 0 || key === "swap") return;  // only with their own button
      data.append(key, value);
    });
    return data;
  }

  function clock() {
    return new Date().toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", hour12: false });
  }

  function showErrors(errors, heading) {
    errorsEl.textContent = "";
    if (!errors || !errors.length) { errorsEl.hidden = true; return; }
    const p = document.createElement("p");
    p.textContent = heading || "Not saved yet — change this first (everything on the page is kept):";
    const ul = document.createElement("ul");
    errors.forEach(function (e) { const li = document.createElement("li"); li.textContent = e; ul.appendChild(li); });
    errorsEl.appendChild(p); errorsEl.appendChild(ul);
    errorsEl.hidden = false;
  }

  async function save() {
    if (inFlight) { pending = true; return; }
    inFlight = true;
    dirty = false;
    setStatus("Saving…");
    try {
      const response = await fetch(url, {
        method: "POST", body: body(), credentials: "same-origin", redirect: "manual",
        headers: { "X-Requested-With": "fetch" },
      });
      if (response.type === "opaqueredirect" || response.status === 400 || response.status === 401) {
        dirty = true;
        setStatus("Not saved: your session has ended. Sign in again above; nothing on the page is lost.", "error-text");
        sessionEnded();
        return;
      }
      const result = await response.json();
      if (result.ok && result.unticked) {
        // Saved; the exercises ticked beyond the cap were kept unticked: show that here too.
        result.unticked.forEach(function (code) {
          const row = tbody.querySelector('tr[data-code="' + CSS.escape(code) + '"]');
          const box = row && row.querySelector('input[name$="-included"]');
          if (box) { box.checked = false; row.classList.add("excluded"); }
          if (box && !row.querySelector(".cap-row-note")) {
            // Said at the row too: the message above the plan may be screens away.
            const note = document.createElement("p");
            note.className = "warn-text cap-row-note";
            note.setAttribute("role", "status");
            note.textContent = "Not ticked: the plan already holds as many exercises as it may. Untick one first, or use the swap at the top.";
            box.closest("label, .field, td").after(note);
          }
        });
        showErrors(result.notes, "Saved, except:");
        if (!dirty) setStatus("Saved " + clock() + "; a tick beyond the cap was not kept (see the message above the plan and at its row).", "warn-text");
      } else if (result.ok) {
        showErrors([]);
        if (!dirty) setStatus("All changes saved " + clock(), "ok-text");
      } else {
        dirty = true;
        showErrors(result.errors);
        setStatus("Not saved yet: see the message above the plan.", "error-text");
      }
    } catch (err) {
      dirty = true;
      setStatus("Offline? Not saved yet — retrying.", "error-text");
      setTimeout(function () { if (dirty) save(); }, 5000);
    } finally {
      inFlight = false;
      if (pending) { pending = false; save(); }
    }
  }

  function schedule() {
    dirty = true;
    setStatus("Unsaved changes…", "warn-text");
    clearTimeout(timer);
    timer = setTimeout(save, QUIET_MS);
  }

  function renumber() {
    const rows = Array.prototype.slice.call(tbody.querySelectorAll("tr[data-code]"));
    rows.forEach(function (row, i) {
      row.querySelectorAll("[name^='items-']").forEach(function (el) {
        el.name = el.name.replace(/^items-\d+-/, "items-" + i + "-");
        if (el.id) el.id = el.id.replace(/^items-\d+-/, "items-" + i + "-");
      });
      row.querySelectorAll("[data-move]").forEach(function (button) {
        button.value = i + ":" + button.dataset.move;
        button.hidden = (button.dataset.move === "up" && i === 0) ||
          (button.dataset.move === "down" && i === rows.length - 1);
      });
    });
  }

  form.addEventListener("click", function (event) {
    const button = event.target.closest("[data-move]");
    if (!button) return;
    event.preventDefault();
    const row = button.closest("tr");
    const other = button.dataset.move === "up" ? row.previousElementSibling : row.nextElementSibling;
    if (!other) return;
    if (button.dataset.move === "up") tbody.insertBefore(row, other);
    else tbody.insertBefore(other, row);
    renumber();
    button.focus();
    schedule();
  });
  form.addEventListener("input", function (event) {
    if ((event.target.name || "").indexOf("items-") === 0) schedule();
  });
  form.addEventListener("change", function (event) {
    const el = event.target;
    if ((el.name || "").indexOf("items-") !== 0) return;
    if (/-included$/.test(el.name)) {
      const row = el.closest("tr");
      row.classList.toggle("excluded", !el.checked);
      const stale = row.querySelector(".cap-row-note");
      if (stale && !el.checked) stale.remove();
    }
    schedule();
  });
  // An ended session: sign in again right here (as on the assessment form), then save.
  const expired = document.getElementById("plan-session-expired");
  const relogin = document.getElementById("plan-relogin-form");
  function sessionEnded() {
    if (!expired || !expired.hidden) return;
    expired.hidden = false;
    expired.scrollIntoView({ block: "start" });
    document.getElementById("plan-relogin-password").focus();
  }
  function tokenFrom(html) {
    const input = new DOMParser().parseFromString(html, "text/html").querySelector('input[name="csrf_token"]');
    return input ? input.value : null;
  }
  async function signIn(event) {
    event.preventDefault();
    const problem = document.getElementById("plan-relogin-error");
    problem.hidden = true;
    const loginUrl = relogin.dataset.loginUrl;
    const loginPage = await fetch(loginUrl, { credentials: "same-origin", redirect: "manual" });
    const data = new URLSearchParams();
    data.append("csrf_token", (loginPage.ok ? tokenFrom(await loginPage.text()) : null) || "");
    data.append("email", document.getElementById("plan-relogin-email").value);
    data.append("password", document.getElementById("plan-relogin-password").value);
    const answer = await fetch(loginUrl, { method: "POST", body: data, credentials: "same-origin", redirect: "manual" });
    let token = null;
    if (answer.type === "opaqueredirect") {
      const fresh = await fetch(url, { credentials: "same-origin", redirect: "manual" });
      token = fresh.ok ? tokenFrom(await fresh.text()) : null;
    }
    if (!token) {
      problem.textContent = answer.status === 429
        ? "Too many attempts: wait a minute, then try again. Your changes are still on this page."
        : "That did not work: check your email and password. Your changes are still on this page.";
      problem.hidden = false;
      return;
    }
    document.querySelectorAll('input[name="csrf_token"]').forEach(function (el) { el.value = token; });
    document.getElementById("plan-relogin-password").value = "";
    expired.hidden = true;
    save();
  }
  if (relogin) relogin.addEventListener("submit", signIn);

  document.addEventListener("submit", function (event) {
    if (event.target === relogin) return;  // signing in again is not leaving the page
    submitting = true;
    clearTimeout(timer);
  }, true);
  window.addEventListener("beforeunload", function (event) {
    if ((dirty || inFlight) && !submitting) { event.preventDefault(); event.returnValue = ""; }
  });
})();
