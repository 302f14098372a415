// The visitor's signing screen: signature_pad on the canvas; the PNG data URL goes into the
// hidden field on submit. The reasons box appears for the two lowest ratings or "not solved".
(function () {
  "use strict";
  const form = document.getElementById("sign-form");
  if (!form || typeof SignaturePad === "undefined") return;
  const canvas = document.getElementById("signature-canvas");
  const pad = new SignaturePad(canvas, { penColor: "#111", minWidth: 1, maxWidth: 3 });

  function resize() {
    // Cap the pixel ratio so the PNG stays within the server's bounds on any screen.
    const ratio = Math.min(window.devicePixelRatio || 1, 2);
    const strokes = pad.toData();
    canvas.width = canvas.offsetWidth * ratio;
    canvas.height = canvas.offsetHeight * ratio;
    canvas.getContext("2d").scale(ratio, ratio);
    pad.clear();
    pad.fromData(strokes);
  }
  window.addEventListener("resize", resize);
  resize();
  // A post the server refused (a missing rating, say) comes back with the signature drawn.
  const kept = document.getElementById("signature-data").value;
  if (kept.indexOf("data:image/png;base64,") === 0) {
    pad.fromDataURL(kept, { ratio: 1, width: canvas.offsetWidth, height: canvas.offsetHeight });
  }

  const error = document.getElementById("signature-error");
  pad.addEventListener("endStroke", function () { error.hidden = true; });
  document.getElementById("signature-clear").addEventListener("click", function () { pad.clear(); });

  const reasons = form.querySelector("[data-dissatisfied]");
  const notSolved = form.querySelector("[name=not_solved]");
  function toggleReasons() {
    const rating = form.querySelector("[name=rating]:checked");
    reasons.hidden = !(notSolved.checked || (rating && Number(rating.value) <= 2));
  }
  form.querySelectorAll("[name=rating]").forEach(function (radio) {
    radio.addEventListener("change", toggleReasons);
  });
  notSolved.addEventListener("change", toggleReasons);
  toggleReasons();

  form.addEventListener("submit", function (event) {
    if (pad.isEmpty()) {
      event.preventDefault();
      error.hidden = false;
      return;
    }
    document.getElementById("signature-data").value = pad.toDataURL("image/png");
  });
})();
