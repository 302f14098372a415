// Intake form: show the panel of the chosen outcome; look up the visitor and the department card
// through htmx (attributes set here so the template stays free of inline script).
(function () {
  const form = document.getElementById("intake-form");
  if (!form) return;
  const phone = form.querySelector("[name=phone]");
  // POST keeps the phone number out of URLs and access logs; CSRF comes from hx-headers.
  phone.setAttribute("hx-post", phone.dataset.lookupUrl || "/cases/visitor-lookup/");
  phone.setAttribute("hx-trigger", "keyup changed delay:400ms, change, load");
  phone.setAttribute("hx-target", "#visitor-history");
  // A 429 (too many lookups) carries the message to show: swap it in like a page.
  phone.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 429) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  const dept = form.querySelector("[name=department]");
  dept.setAttribute("hx-get", "/cases/department-card/");
  dept.setAttribute("hx-trigger", "change, load");
  dept.setAttribute("hx-target", "#department-card");
  htmx.process(form);

  // Picking a person on file whose name the clerk may see fills the name field with it.
  form.addEventListener("change", function (event) {
    const picked = event.target;
    if (picked.name === "visitor" && picked.dataset.name) {
      form.querySelector("[name=visitor_name]").value = picked.dataset.name;
    }
  });

  function showPanels() {
    const chosen = (form.querySelector("[name=outcome]:checked") || {}).value;
    form.querySelectorAll("[data-outcome-panel]").forEach(function (panel) {
      const which = panel.dataset.outcomePanel;
      const visible = which === "deadline" ? chosen && chosen !== "on_the_spot" : which === chosen;
      panel.hidden = !visible;
    });
  }
  form.querySelectorAll("[name=outcome]").forEach(function (radio) {
    radio.addEventListener("change", showPanels);
  });
  showPanels();

  // The first field to type in: the first one in error after a refused post, else the
  // visitor's name (it also carries the autofocus attribute, for a page without script).
  const first = form.querySelector(".is-invalid") || form.querySelector("[autofocus]");
  if (first) first.focus();

  // Enter moves on to the next field instead of posting half a form; on the last field (or
  // the submit button) it registers the visit. A text area keeps its new lines, and Enter that
  // ends an input-method composition (pinyin) is the method's, not ours.
  function fields() {
    return Array.from(form.querySelectorAll("input, select, textarea, button[type=submit]")).filter(function (el) {
      return !el.disabled && el.type !== "hidden" && !el.closest("[hidden]") && el.offsetParent !== null;
    });
  }
  form.addEventListener("keydown", function (event) {
    const el = event.target;
    if (event.key !== "Enter" || event.isComposing || event.keyCode === 229) return;
    if (event.ctrlKey || event.altKey || event.metaKey || event.shiftKey) return;
    if (el.tagName === "TEXTAREA" || el.tagName === "BUTTON" || el.type === "file") return;
    if (el.tagName !== "INPUT" && el.tagName !== "SELECT") return;
    event.preventDefault();
    if (el.type === "search") {  // the canned-answer search: Enter searches, never submits
      el.dispatchEvent(new Event("search"));
      return;
    }
    const all = fields();
    // A radio group is one stop: move past its other buttons.
    const next = all.slice(all.indexOf(el) + 1).find(function (other) {
      return !(el.type === "radio" && other.name === el.name);
    });
    if (!next || next.type === "submit") {
      form.requestSubmit();
    } else {
      next.focus();
    }
  });
})();
