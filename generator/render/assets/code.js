/*
 * The "Reproduce in PyTorch" script of an architecture page, loaded when its section is opened.
 *
 * The page holds a <details class="arch-code" data-src="…py.html"> (src relative to the site
 * root) with a download link; opening it fetches the script's highlighted HTML, which the
 * generator wrote with the same Pygments classes as the site's other code blocks, and shows it.
 * Without this script the download link still gives the script.
 */
(function () {
  "use strict";
  var root = new URL("../../", document.currentScript.src);

  function load(details) {
    if (details.dataset.state) return;
    details.dataset.state = "loading";
    var status = details.querySelector(".arch-code__status");
    if (status) status.textContent = "Loading the script…";
    var source = new URL(details.dataset.src, root).href;
    fetch(source)
      .then(function (response) {
        if (!response.ok) throw new Error(source + ": HTTP " + response.status);
        return response.text();
      })
      .then(function (text) {
        var holder = document.createElement("div");
        holder.className = "arch-code__body";
        // Written by the generator from the page's own script: Pygments escapes the code.
        holder.innerHTML = text;
        // As Material does for the code blocks it renders: a block that scrolls sideways takes
        // the keyboard focus, so it can be scrolled without a mouse.
        holder.querySelectorAll("pre > code").forEach(function (code) {
          code.setAttribute("tabindex", "0");
        });
        details.appendChild(holder);
        details.dataset.state = "loaded";
        if (status) status.remove();
      })
      .catch(function (error) {
        details.dataset.state = "failed";
        if (status) status.textContent = "The script could not be loaded (" + error.message +
          "); the download link above gives it.";
      });
  }

  // "toggle" does not bubble: listen in the capture phase, which also holds across Material's
  // instant navigation (the document stays, its content changes).
  document.addEventListener("toggle", function (event) {
    var target = event.target;
    if (target instanceof HTMLDetailsElement && target.open && target.matches(".arch-code[data-src]")) {
      load(target);
    }
  }, true);
})();
