/* Draws the site's Plotly figures.
 *
 * Each figure is a <div class="arch-figure" data-src="…json"> written by the generator. plotly.js
 * (from the installed plotly package, one copy in the site) is loaded only on a page that has a
 * figure, and only once a figure comes near the viewport, so the text and tables are readable
 * first. Material's instant navigation swaps pages without reloading scripts: Material's
 * `document$` observable tells us when a new page is in place.
 */
(function () {
  "use strict";

  var root = new URL("../../", document.currentScript.src);
  var plotlyUrl = new URL("assets/javascripts/plotly.min.js", root).href;
  var plotlyPromise = null;
  var drawn = [];

  function loadPlotly() {
    if (window.Plotly) return Promise.resolve(window.Plotly);
    if (!plotlyPromise) {
      plotlyPromise = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = plotlyUrl;
        tag.async = true;
        tag.onload = function () { resolve(window.Plotly); };
        tag.onerror = function () {
          plotlyPromise = null;
          reject(new Error("could not load " + plotlyUrl));
        };
        document.head.appendChild(tag);
      });
    }
    return plotlyPromise;
  }

  function hasWebGL() {
    try {
      var canvas = document.createElement("canvas");
      return !!(window.WebGLRenderingContext &&
        (canvas.getContext("webgl") || canvas.getContext("experimental-webgl")));
    } catch (e) {
      return false;
    }
  }

  function colours() {
    var style = getComputedStyle(document.body);
    return {
      fg: style.getPropertyValue("--md-default-fg-color").trim() || "#222",
      grid: style.getPropertyValue("--md-default-fg-color--lightest").trim() || "#ddd",
    };
  }

  // Plotly attribute paths that carry the page's colours, for a 3D scene or a 2D chart.
  function themeUpdate(kind) {
    var c = colours();
    var update = { "font.color": c.fg, paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)" };
    var axes = kind === "3d" ? ["scene.xaxis", "scene.yaxis", "scene.zaxis"] : ["xaxis", "yaxis", "xaxis2", "yaxis2"];
    axes.forEach(function (axis) {
      update[axis + ".color"] = c.fg;
      if (kind !== "3d") update[axis + ".gridcolor"] = c.grid;
    });
    return update;
  }

  function status(figure, text) {
    var note = figure.querySelector(".arch-figure__status");
    if (note) note.textContent = text;
  }

  function render(figure) {
    if (figure.dataset.state) return;
    if (figure.dataset.kind === "3d" && !hasWebGL()) {
      figure.dataset.state = "no-webgl";
      status(figure, "This browser has no WebGL, so the 3D view cannot be drawn. " +
        "The layer table below gives the same numbers.");
      return;
    }
    figure.dataset.state = "loading";
    status(figure, "Loading the figure…");
    var source = new URL(figure.dataset.src, root).href;
    Promise.all([
      loadPlotly(),
      fetch(source).then(function (response) {
        if (!response.ok) throw new Error(source + ": HTTP " + response.status);
        return response.json();
      }),
    ]).then(function (loaded) {
      var Plotly = loaded[0];
      var spec = loaded[1];
      var plot = figure.querySelector(".arch-figure__plot");
      return Plotly.newPlot(plot, spec.data, spec.layout, {
        responsive: true,
        displaylogo: false,
      }).then(function () {
        return Plotly.relayout(plot, themeUpdate(figure.dataset.kind));
      }).then(function () {
        drawn.push(figure);
        figure.dataset.state = "drawn";
        status(figure, figure.dataset.hint || "");
        plot.on("plotly_hover", function (event) {
          var point = event.points && event.points[0];
          if (!point) return;
          var name = point.data.meta || point.data.name;
          figure.dataset.hovered = name;
        });
      });
    }).catch(function (error) {
      figure.dataset.state = "failed";
      status(figure, "The figure could not be drawn (" + error.message + "). " +
        "The tables on this page give the same numbers.");
      console.warn(error);
    });
  }

  function retheme() {
    drawn.forEach(function (figure) {
      var plot = figure.querySelector(".arch-figure__plot");
      if (figure.isConnected && window.Plotly) window.Plotly.relayout(plot, themeUpdate(figure.dataset.kind));
    });
  }

  function setUp() {
    // Figures of pages left behind by instant navigation still hold WebGL contexts: free them.
    drawn = drawn.filter(function (figure) {
      if (figure.isConnected) return true;
      if (window.Plotly) window.Plotly.purge(figure.querySelector(".arch-figure__plot"));
      return false;
    });
    var figures = document.querySelectorAll(".arch-figure[data-src]:not([data-state])");
    if (!figures.length) return;
    if (!("IntersectionObserver" in window)) {
      figures.forEach(render);
      return;
    }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          observer.unobserve(entry.target);
          render(entry.target);
        }
      });
    }, { rootMargin: "400px 0px" });
    figures.forEach(function (figure) { observer.observe(figure); });
  }

  new MutationObserver(retheme).observe(document.body, {
    attributes: true,
    attributeFilter: ["data-md-color-scheme"],
  });

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setUp);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
