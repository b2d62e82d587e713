/*
 * Sections of an architecture page loaded when they are opened: the "Reproduce in PyTorch"
 * script, and a long network's full layer table.
 *
 * The page holds a <details class="arch-code" data-src="…html" data-what="script|table"> (src
 * relative to the site root) next to a link to the same content as a file; opening it fetches
 * the HTML the generator wrote (the script highlighted with the same Pygments classes as the
 * site's other code blocks, or the table as Material wraps a page's tables) and shows it.
 * Without this script the link still gives the content.
 */
(function () {
  "use strict";
  var root = new URL("../../", document.currentScript.src);

  function load(details) {
    if (details.dataset.state) return;
    details.dataset.state = "loading";
    var what = details.dataset.what || "script";
    var status = details.querySelector(".arch-code__status");
    if (status) status.textContent = "Loading the " + what + "…";
    var source = new URL(details.dataset.src, root).href;
    fetch(source)
      .then(function (response) {
        if (!response.ok) throw new Error(source + ": HTTP " + response.status);
        return response.text();
      })
      .then(function (text) {
        var holder = document.createElement("div");
        holder.className = "arch-code__body";
        // Written by the generator: Pygments escapes the code, the table's cells are escaped.
        holder.innerHTML = text;
        // As Material does for the code blocks it renders: a block that scrolls sideways takes
        // the keyboard focus, so it can be scrolled without a mouse.
        holder.querySelectorAll("pre > code").forEach(function (code) {
          code.setAttribute("tabindex", "0");
        });
        details.appendChild(holder);
        details.dataset.state = "loaded";
        if (status) status.remove();
        // The site's figure script makes a table that scrolls sideways focusable (it listens).
        document.dispatchEvent(new CustomEvent("arch:loaded", { detail: details }));
      })
      .catch(function (error) {
        details.dataset.state = "failed";
        if (status) status.textContent = "The " + what + " could not be loaded (" + error.message +
          "); the link above gives it as a file.";
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
