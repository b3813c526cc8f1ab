// The preview page: bring the first section the draft changes into view once the page loads.
// A frame opens at that section by its URL's fragment; this scrolls the page to the frame, or
// to the section in the plain text. Nothing here is needed to read the page.
(function () {
  "use strict";
  function jump() {
    if (window.location.hash) {
      return;
    }
    var marked = document.querySelector("[data-first-change]");
    var target = marked && document.getElementById(marked.getAttribute("data-first-change"));
    if (target) {
      target.scrollIntoView({ block: "start" });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", jump);
  } else {
    jump();
  }
})();
