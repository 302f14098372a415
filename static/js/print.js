document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
// Right after intake, when the clerk asked for it: the print dialog opens by itself (once;
// the server sets data-autoprint only on the first view after registering).
if (document.querySelector("[data-autoprint]")) {
  window.addEventListener("load", function () { window.print(); });
}
