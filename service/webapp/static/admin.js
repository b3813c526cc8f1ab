// Warns before leaving a form with changes that are not saved (the editor's forms carry
// data-warn-unsaved). A real submit (not one HTMX takes over) leaves on purpose; an HTMX save
// whose answer shows the "Saved" notice (#saved) makes the form clean again. List buttons and
// errors keep it dirty: nothing was stored.
(function () {
  "use strict";
  var dirty = false;
  function watched(target) {
    return target instanceof Element && target.closest("form[data-warn-unsaved]") !== null;
  }
  function mark(event) {
    if (watched(event.target)) { dirty = true; }
  }
  document.addEventListener("input", mark);
  document.addEventListener("change", mark);
  document.addEventListener("submit", function (event) {
    // HTMX cancels the browser's own submit on its forms; only an uncancelled one navigates.
    if (watched(event.target) && !event.defaultPrevented) { dirty = false; }
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    // Only the form's own answer counts, not a Markdown preview swapped in after the notice.
    var form = event.target;
    if (form instanceof Element && form.matches("form[data-warn-unsaved]") &&
        form.querySelector("#saved")) { dirty = false; }
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) {
      event.preventDefault();
      event.returnValue = "";  // older Chromium wants this set to show the prompt
    }
  });
})();
