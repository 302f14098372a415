// Intake: a canned answer's "Insert" posts its use (counted by the server), whose answer
// triggers "canned-answer-insert" with the text; it goes into the on-the-spot answer field.
(function () {
  "use strict";
  if (window.cannedAnswersReady) return;
  window.cannedAnswersReady = true;
  document.body.addEventListener("canned-answer-insert", function (event) {
    const field = document.querySelector("#intake-form [name=answer]");
    if (!field) return;
    const text = event.detail.text || "";
    field.value = field.value.trim() ? field.value.trim() + "\n" + text : text;
    field.focus();
  });
})();
