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
      var gl = window.WebGLRenderingContext &&
        (canvas.getContext("webgl") || canvas.getContext("experimental-webgl"));
      // Give the probe's context back at once: browsers allow a page only a few.
      var lose = gl && gl.getExtension("WEBGL_lose_context");
      if (lose) lose.loseContext();
      return !!gl;
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

  // Sets "a.b.c" paths (as Plotly.relayout takes them) in a layout object before the first draw.
  function applyUpdate(layout, update) {
    Object.keys(update).forEach(function (path) {
      var keys = path.split(".");
      var target = layout;
      keys.slice(0, -1).forEach(function (key) {
        if (typeof target[key] !== "object" || target[key] === null) target[key] = {};
        target = target[key];
      });
      target[keys[keys.length - 1]] = update[path];
    });
    return layout;
  }

  // x through a depth map: [from_start, from_end, to_start, to_end] per column, in order;
  // linear within a column, shifted in the gaps between columns (see generator/figures.py).
  function depthMapper(columns) {
    return function (x) {
      if (typeof x !== "number") return x;
      var shift = columns[0][2] - columns[0][0];
      for (var i = 0; i < columns.length; i++) {
        var c = columns[i];
        if (x < c[0]) break;
        if (x <= c[1]) {
          return c[1] > c[0] ? c[2] + (x - c[0]) * (c[3] - c[2]) / (c[1] - c[0]) : c[2];
        }
        shift = c[3] - c[1];
      }
      return x + shift;
    };
  }

  // The depth buttons' arguments are written once (see generator/figures.py): "@data.x" stands
  // for the traces' own x arrays and "@map" for a depth map to pass them through.
  function expandButtons(spec) {
    ((spec.layout && spec.layout.updatemenus) || []).forEach(function (menu) {
      (menu.buttons || []).forEach(function (button) {
        var update = button.args && button.args[0];
        if (!update || update.x !== "@data.x") return;
        var map = update["@map"] ? depthMapper(update["@map"]) : function (x) { return x; };
        delete update["@map"];
        update.x = spec.data.map(function (trace) { return (trace.x || []).map(map); });
      });
    });
    return spec;
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
      var spec = expandButtons(loaded[1]);
      var plot = figure.querySelector(".arch-figure__plot");
      // Drawn once, in the page's colours: a relayout after newPlot would draw a 3D scene twice.
      var layout = applyUpdate(spec.layout || {}, themeUpdate(figure.dataset.kind));
      return Plotly.newPlot(plot, spec.data, layout, {
        responsive: true,
        displaylogo: false,
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

  // Runs fn after the next frame is painted: the text first, then the figure machinery (a WebGL
  // probe and plotly.js's 4.8 MB of script both hold the main thread).
  function afterPaint(fn) {
    if (!window.requestAnimationFrame) return setTimeout(fn, 0);
    requestAnimationFrame(function () { setTimeout(fn, 0); });
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

  function setUpAfterPaint() { afterPaint(setUp); }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setUpAfterPaint);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAfterPaint);
  } else {
    setUpAfterPaint();
  }
})();
