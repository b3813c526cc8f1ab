// The reader's own time zone beside the server's UTC times, and schedule fields read in it.
// Without this script the pages still work: times say UTC, and so does the schedule field.
(function () {
  "use strict";
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "local time";
  var format = new Intl.DateTimeFormat(undefined, {
    year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit",
    timeZoneName: "short",
  });

  function addLocalTimes(root) {
    root.querySelectorAll("time[datetime]:not([data-local])").forEach(function (time) {
      var when = new Date(time.getAttribute("datetime"));
      if (isNaN(when.getTime())) return;
      time.setAttribute("data-local", "");
      var local = document.createElement("span");
      local.className = "local-time";
      local.textContent = " (" + format.format(when) + ", your time)";
      time.after(local);
    });
  }

  // A schedule field is labelled with the browser's zone, and the form sends that zone's UTC
  // offset at the chosen time (summer time included) in the hidden field named by data-offset.
  function readInLocalTime(root) {
    root.querySelectorAll("input[type=datetime-local][data-offset]:not([data-local])")
      .forEach(function (input) {
        input.setAttribute("data-local", "");
        var label = document.querySelector('label[for="' + input.id + '"]');
        if (label) label.textContent = "Publish at (your time, " + zone + ")";
        var offset = input.form.querySelector('input[name="' + input.dataset.offset + '"]');
        input.form.addEventListener("submit", function () {
          var chosen = new Date(input.value);
          offset.value = isNaN(chosen.getTime()) ? "" : String(-chosen.getTimezoneOffset());
        });
      });
  }

  function enhance(root) {
    addLocalTimes(root);
    readInLocalTime(root);
  }

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:afterSwap", function (event) { enhance(event.target); });
})();
