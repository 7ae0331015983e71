/* Thaksa: progressive enhancement only; every page works without this script.
 * - focuses the error summary after a failed submit;
 * - autosaves forms marked data-autosave, and keeps a copy in this browser (localStorage)
 *   so that nothing typed is lost when the session expires or the network drops;
 * - suggests people by name while a person is typed into a field marked data-person-picker
 *   (without it, the field takes an employee number, an e-mail or a whole name). */
(function () {
  "use strict";

  function fieldState(form) {
    var state = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrf_token" || el.name === "action") return;
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) state[el.name] = el.value;
        else if (!(el.name in state)) state[el.name] = "";
      } else if (el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.type === "text") {
        state[el.name] = el.value;
      }
    });
    return state;
  }

  function applyState(form, state) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !(el.name in state)) return;
      if (el.type === "radio" || el.type === "checkbox") el.checked = el.value === state[el.name];
      else el.value = state[el.name];
    });
  }

  function sameState(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  function setupAutosave(form) {
    var key = form.dataset.storageKey;
    var status = form.querySelector("[data-autosave-status]");
    var timer = null;
    var storage = null;
    try { storage = window.localStorage; } catch (e) { storage = null; }

    function say(text) { if (status) status.textContent = text; }

    // Bring back answers typed on top of the version the server still has.
    if (storage && key) {
      try {
        var backup = JSON.parse(storage.getItem(key) || "null");
        if (backup && backup.base === form.dataset.savedAt && !sameState(backup.state, fieldState(form))) {
          applyState(form, backup.state);
          say(form.dataset.msgRestored);
        } else if (backup && backup.base !== form.dataset.savedAt) {
          storage.removeItem(key);
        }
      } catch (e) { /* a broken backup is ignored */ }
    }

    function keepCopy() {
      if (!storage || !key) return;
      try {
        storage.setItem(key, JSON.stringify({ base: form.dataset.savedAt, state: fieldState(form) }));
      } catch (e) { /* storage full or disabled: the server copy still counts */ }
    }

    function save() {
      var data = new FormData(form);
      data.set("action", "autosave");
      say(form.dataset.msgSaving);
      fetch(form.getAttribute("action") || window.location.href, {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "X-Autosave": "1", "Accept": "application/json" }
      }).then(function (response) {
        var isJson = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
        if (!isJson || response.redirected) throw new Error("not saved");
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      }).then(function (result) {
        if (result.ok && result.body.ok) {
          form.dataset.savedAt = result.body.saved_at_iso;
          if (storage && key) storage.removeItem(key);
          say(form.dataset.msgSaved + " " + result.body.saved_at);
        } else {
          say(result.body.message || form.dataset.msgOffline);
        }
      }).catch(function () { say(form.dataset.msgOffline); });
    }

    function changed() {
      keepCopy();
      window.clearTimeout(timer);
      timer = window.setTimeout(save, 1200);
    }

    form.addEventListener("change", changed);
    form.addEventListener("input", changed);
    form.addEventListener("submit", function () { window.clearTimeout(timer); keepCopy(); });
  }

  function setupPersonPicker(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var timer = null;
    var asked = "";
    if (!list) return;
    function fill(people) {
      while (list.firstChild) list.removeChild(list.firstChild);
      people.forEach(function (p) {
        var option = document.createElement("option");
        option.value = p.employee_no;
        option.label = p.name + " · " + p.unit;
        option.textContent = p.name + " · " + p.unit;
        list.appendChild(option);
      });
    }
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var text = input.value.trim();
        if (text.length < 2 || text === asked) return;
        asked = text;
        fetch(input.dataset.personPicker + "?q=" + encodeURIComponent(text), {
          credentials: "same-origin", headers: { "Accept": "application/json" }
        }).then(function (r) { return r.ok ? r.json() : { people: [] }; })
          .then(function (data) { if (input.value.trim() === text) fill(data.people || []); })
          .catch(function () { /* no suggestions: the field still works as typed */ });
      }, 200);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-person-picker]"), setupPersonPicker);
    var summary = document.querySelector("[data-focus]");
    if (summary) summary.focus();
    Array.prototype.forEach.call(document.querySelectorAll("form[data-autosave]"), setupAutosave);
    // Destructive buttons ask once before they act (the server needs no script to work).
    Array.prototype.forEach.call(document.querySelectorAll("form[data-confirm]"), function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.dataset.confirm)) event.preventDefault();
      });
    });
    // A button that asks before it acts, in a form with other buttons.
    Array.prototype.forEach.call(document.querySelectorAll("button[data-confirm]"), function (button) {
      button.addEventListener("click", function (event) {
        if (!window.confirm(button.dataset.confirm)) event.preventDefault();
      });
    });
  });
})();
