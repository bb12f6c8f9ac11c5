// Nothing typed is lost when the session ends: every change is kept in this tab
// (sessionStorage, cleared at logout) until the server has it; when the session has ended the
// page says so and offers to sign in again right here, then sends the typing.
(function () {
  "use strict";
  const form = document.getElementById("assessment-form");
  if (!form) return;
  const key = form.dataset.draftKey;
  const banner = document.getElementById("session-expired");
  const relogin = document.getElementById("relogin-form");
  const reloginError = document.getElementById("relogin-error");

  function keep() {
    const pairs = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "password" && name !== "csrf_token" && name.charAt(0) !== "_") pairs.push([name, value]);
    });
    try { sessionStorage.setItem(key, JSON.stringify({ at: Date.now(), pairs: pairs })); } catch (e) { /* full */ }
  }
  function forget() { try { sessionStorage.removeItem(key); } catch (e) { /* ignore */ } }

  function restore() {
    let kept = null;
    try { kept = JSON.parse(sessionStorage.getItem(key) || "null"); } catch (e) { kept = null; }
    if (!kept || !kept.pairs) return;
    const saved = Date.parse(form.dataset.savedAt || "") || 0;
    if (kept.at <= saved) { forget(); return; }
    const values = {};
    kept.pairs.forEach(function (pair) {
      if (pair[0] === "lock_version") return;
      (values[pair[0]] = values[pair[0]] || []).push(pair[1]);
    });
    Object.keys(values).forEach(function (name) {
      const els = PhysioForm.inputs(form, name);
      if (!els.length && name !== "pain-body_chart") return;
      const multi = name === "pain-body_chart" || (els[0].type === "checkbox" && els.length > 1) || name === "confirmed_sections";
      PhysioForm.setField(form, name, multi ? values[name] : values[name][0]);
    });
    const note = document.createElement("div");
    note.className = "flash flash-info";
    note.setAttribute("role", "status");
    note.id = "restored-from-tab";
    note.textContent = "Restored the typing kept in this tab while you were signed out; it is being saved now.";
    form.parentNode.insertBefore(note, form);
  }

  async function getPage(url) {
    const response = await fetch(url, { credentials: "same-origin", redirect: "manual" });
    return response;
  }
  async function isLoggedOut() {
    const response = await getPage(form.dataset.editUrl);
    return response.type === "opaqueredirect" || response.status === 401;
  }
  function tokenFrom(html) {
    const doc = new DOMParser().parseFromString(html, "text/html");
    const input = doc.querySelector('input[name="csrf_token"]');
    return input ? input.value : null;
  }
  async function refreshToken() {
    const response = await getPage(form.dataset.editUrl);
    if (!response.ok) return false;
    const token = tokenFrom(await response.text());
    if (!token) return false;
    form.querySelectorAll('input[name="csrf_token"]').forEach(function (el) { el.value = token; });
    document.querySelectorAll('form input[name="csrf_token"]').forEach(function (el) { el.value = token; });
    return true;
  }

  async function signIn(event) {
    event.preventDefault();
    reloginError.hidden = true;
    const loginUrl = form.dataset.loginUrl;
    const page = await fetch(loginUrl, { credentials: "same-origin", redirect: "manual" });
    const token = page.ok ? tokenFrom(await page.text()) : null;
    const data = new URLSearchParams();
    data.append("csrf_token", token || "");
    data.append("email", document.getElementById("relogin-email").value);
    data.append("password", document.getElementById("relogin-password").value);
    const answer = await fetch(loginUrl, {
      method: "POST", body: data, credentials: "same-origin", redirect: "manual",
    });
    if (answer.type !== "opaqueredirect" || !(await refreshToken())) {
      reloginError.textContent = answer.status === 429
        ? "Too many attempts: wait a minute, then try again. Your typing is still kept in this tab."
        : "That did not work: check your email and password. Your typing is still kept in this tab.";
      reloginError.hidden = false;
      return;
    }
    document.getElementById("relogin-password").value = "";
    banner.hidden = true;
    document.dispatchEvent(new CustomEvent("physio:signed-in"));
  }

  form.addEventListener("input", keep);
  form.addEventListener("change", keep);
  document.addEventListener("physio:saved", forget);
  document.addEventListener("physio:session-ended", function () {
    keep();
    banner.hidden = false;
    banner.scrollIntoView({ block: "start" });
    document.getElementById("relogin-password").focus();
  });
  if (relogin) relogin.addEventListener("submit", signIn);
  window.PhysioSession = { isLoggedOut: isLoggedOut, refreshToken: refreshToken, keep: keep };
  document.addEventListener("DOMContentLoaded", restore);
})();
