// Staff keyboard shortcuts: N opens a new visit, / goes to the case search, ? lists them.
// Active only on pages whose navigation carries #shortcuts (staff pages; not kiosk or public
// pages). Never fires while the user types in a field or holds a modifier key.
(function () {
  const config = document.getElementById("shortcuts");
  if (!config) return;
  const SEARCH = "#case-search [name=q]";

  function typing(target) {
    if (!target || !target.closest) return false;
    return Boolean(target.closest("input, textarea, select, [contenteditable]:not([contenteditable=false])"));
  }

  function focusSearch() {
    const box = document.querySelector(SEARCH);
    if (!box) return false;
    box.focus();
    box.select();
    return true;
  }

  // Arriving from another page with "/": the list opens with its search box focused.
  if (window.location.hash === "#search") focusSearch();

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.altKey || event.metaKey || event.isComposing) return;
    if (typing(event.target)) return;
    if (document.querySelector(".modal.show") && event.key !== "?") return;
    if ((event.key === "n" || event.key === "N") && config.dataset.newVisitUrl) {
      event.preventDefault();
      window.location.assign(config.dataset.newVisitUrl);
    } else if (event.key === "/") {
      event.preventDefault();
      if (!focusSearch()) window.location.assign(config.dataset.searchUrl + "#search");
    } else if (event.key === "?") {
      event.preventDefault();
      const help = document.getElementById("shortcuts-help");
      if (help && window.bootstrap) window.bootstrap.Modal.getOrCreateInstance(help).toggle();
    }
  });
})();
