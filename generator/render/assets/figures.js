/* Draws the site's Plotly figures.
 *
 * Each figure is a <figure class="arch-figure" data-src="…json"> written by the generator.
 * plotly.js (from the installed plotly package, one copy in the site) is loaded only on a page
 * that has a figure, and only once a figure comes near the viewport, so the text and tables are
 * readable first. Material's instant navigation swaps pages without reloading scripts: Material's
 * `document$` observable tells us when a new page is in place.
 *
 * A network's 3D view (generator/render/figures.py, its JSON made by plotly_json.py) carries its
 * controls' data in layout.meta: its views (every layer, blocks, stages), camera directions and a
 * colour key. figure.json holds the data of the view drawn first; each other view is a file of its
 * own, fetched when the reader (or a narrower window) asks for it. A view's boxes come as their
 * extents, [x0, x1, y0, y1, z0, z1] each, and stay so here: the corners of the meshes Plotly
 * draws, and of the boxes' wireframes, are made from them. This script draws the controls, frames
 * the network for the figure's width (an orthographic camera, scaled and centred so that every box
 * is in view), and shows as many labels as fit without overlapping, most important first.
 *
 * Plotly's toolbar (its mode bar) keeps only buttons that act on the figure here: download a PNG,
 * pan or turn, reset the view. None sends the figure anywhere (no "Share chart…" upload, no link
 * to Plotly's site). On a touch screen it shows only when the reader asks for it (the 3D view's
 * "Toolbar" button; a chart has none there); wherever it shows, the plot keeps a band free for it
 * at its top, so that it never covers a label.
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

  // A Material colour variable as the browser resolves it (rgb()/rgba(), which Plotly reads).
  function resolved(variable, fallback) {
    var probe = document.createElement("span");
    probe.style.color = "var(" + variable + ", " + fallback + ")";
    probe.style.display = "none";
    document.body.appendChild(probe);
    var colour = getComputedStyle(probe).color;
    probe.remove();
    return colour || fallback;
  }

  function colours() {
    return {
      fg: resolved("--md-default-fg-color", "#222"),
      bg: resolved("--md-default-bg-color", "#fff"),
      grid: resolved("--md-default-fg-color--lightest", "#ddd"),
    };
  }

  // The same colour with another opacity: "rgb(1, 2, 3)" or "rgba(1, 2, 3, 0.5)" in, rgba out.
  function withAlpha(colour, alpha) {
    var parts = colour.match(/[\d.]+/g);
    if (!parts || parts.length < 3) return colour;
    return "rgba(" + parts[0] + "," + parts[1] + "," + parts[2] + "," + alpha + ")";
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
    // The toolbar in the page's colours: its icons as readable in the dark palette as in the light.
    update["modebar.bgcolor"] = "rgba(0,0,0,0)";
    update["modebar.color"] = withAlpha(c.fg, 0.6);
    update["modebar.activecolor"] = c.fg;
    if (kind !== "3d") {
      // A chart's hover box lists several traces: in the page's colours, not the first trace's.
      update["hoverlabel.bgcolor"] = c.bg;
      update["hoverlabel.bordercolor"] = c.grid;
      update["hoverlabel.font.color"] = c.fg;
    }
    return update;
  }

  // Sets "a.b.c" paths (as Plotly.relayout takes them) in a layout object before a draw.
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

  function status(figure, text) {
    var note = figure.querySelector(".arch-figure__status");
    if (note) note.textContent = text;
  }

  // --- Plotly's toolbar ------------------------------------------------------------------------

  // A touch screen (no hover): the toolbar would always show, over the figure, so it shows only
  // when asked for.
  var TOUCH = !!(window.matchMedia && window.matchMedia("(hover: none)").matches);
  // The band kept free at the top of a plot while its toolbar may show (figures.css sizes the
  // buttons: 28 pixels, 40 on a touch screen).
  var BAND = TOUCH ? 48 : 34;

  // Plotly's configuration for a figure: the toolbar's `buttons` (Plotly's names, or buttons of
  // our own), shown or not; nothing that links or uploads anywhere.
  function plotConfig(figure, buttons, shown) {
    return {
      displaylogo: false,
      showSendToCloud: false,
      plotlyServerURL: "",
      displayModeBar: shown ? (TOUCH ? true : "hover") : false,
      modeBarButtons: [buttons],
      toImageButtonOptions: { filename: figure.id || "figure", scale: 2 },
      showTips: false,
    };
  }

  // The "Toolbar" toggle a touch screen gets at the end of a 3D view's controls.
  function toolbarToggle(bar, onToggle) {
    var element = document.createElement("button");
    element.type = "button";
    element.className = "arch-figure__button arch-figure__button--toolbar";
    element.textContent = "Toolbar";
    element.setAttribute("aria-pressed", "false");
    element.addEventListener("click", function () {
      var on = element.getAttribute("aria-pressed") !== "true";
      element.setAttribute("aria-pressed", on ? "true" : "false");
      onToggle(on);
    });
    bar.appendChild(element);
    return element;
  }

  // --- A network's 3D view ---------------------------------------------------------------------

  var FONT = '"Open Sans", verdana, arial, sans-serif';
  var LABEL_PX = 11;
  var LINE_PX = 13;
  // Label priorities, as plotly_json.py writes them.
  var MUST = 4;
  var MAIN = 2;
  // How far a label may be lifted over one already placed, in its own heights.
  var LIFT_ROWS = 2;
  // The most detailed view a figure opens on has at least this many pixels per column; on a
  // wide figure, a view that draws a network's branches needs only BRANCH_COLUMN_PX.
  var COLUMN_PX = 25;
  var BRANCH_COLUMN_PX = 12;
  var WIDE_PX = 600;
  // A box's corners, as the indices of their x, y and z in its extents [x0, x1, y0, y1, z0, z1]:
  // round the bottom face, then round the top (plotly_json.py's _CORNERS).
  var CORNERS = [[0, 2, 4], [1, 2, 4], [1, 3, 4], [0, 3, 4], [0, 2, 5], [1, 2, 5], [1, 3, 5], [0, 3, 5]];
  // A box's twelve edges as four strokes through its corners: round the bottom, up, round the
  // top, then the three other uprights (plotly_json.py's _WIRE draws a kernel's the same way).
  var WIRE = [[0, 1, 2, 3, 0, 4, 5, 6, 7, 4], [1, 5], [2, 6], [3, 7]];

  function vec(o) { return [o.x, o.y, o.z]; }
  function dot(a, b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }
  function cross(a, b) {
    return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
  }
  function unit(a) {
    var n = Math.sqrt(dot(a, a)) || 1;
    return [a[0] / n, a[1] / n, a[2] / n];
  }
  function clamp(value, low, high) { return Math.max(low, Math.min(high, value)); }

  // The screen's right and up directions for a camera looking from its eye at its centre (as
  // gl-matrix's lookAt, which Plotly's camera uses).
  function screenAxes(camera) {
    var centre = camera.center ? vec(camera.center) : [0, 0, 0];
    var eye = vec(camera.eye);
    var forward = unit([centre[0] - eye[0], centre[1] - eye[1], centre[2] - eye[2]]);
    var right = unit(cross(forward, vec(camera.up)));
    return { right: right, up: cross(right, forward) };
  }

  var measure = null;
  // A label's size in pixels: its widest line and its lines, as Plotly draws 11px text.
  function textSize(text) {
    if (!measure) {
      measure = document.createElement("canvas").getContext("2d");
      measure.font = LABEL_PX + "px " + FONT;
    }
    var lines = String(text).split("<br>");
    var width = 0;
    lines.forEach(function (line) {
      width = Math.max(width, measure.measureText(line.replace(/<[^>]*>/g, "")).width);
    });
    return { width: width * 1.05 + 4, height: lines.length * LINE_PX + 2, lines: lines.length, lift: 8 };
  }

  // Where a label sits on the screen: Plotly's "top center" puts its last line's foot about 8
  // pixels above its anchor (measured with this site's 11px labels).
  function labelRect(x, y, size) {
    var bottom = y - size.lift;
    return { left: x - size.width / 2, right: x + size.width / 2, top: bottom - size.height, bottom: bottom };
  }

  function overlaps(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }

  // The corners of a box of `extents` along one axis (0: x, 1: y, 2: z).
  function corners(extents, axis) {
    return CORNERS.map(function (corner) { return extents[corner[axis]]; });
  }

  // A packed box, [node, x0, x1, y0, y1, z0, z1], as the mesh Plotly draws (plotly_json.py's
  // box_trace does the same).
  function boxTrace(node, row) {
    var extents = row.slice(1);
    return {
      type: "mesh3d",
      name: node[0],
      x: corners(extents, 0),
      y: corners(extents, 1),
      z: corners(extents, 2),
      color: node[1],
      hovertext: node[2],
    };
  }

  // A view's file as this script draws it: its traces (boxes first, labels last), the number of
  // boxes, their extents at each channel scale, and the labels' priorities.
  function unpack(packed, entry) {
    var traces = packed.boxes.map(function (row) { return boxTrace(packed.nodes[row[0]], row); })
      .concat(packed.traces);
    return {
      label: entry.label,
      columns: entry.columns,
      traces: traces,
      boxes: packed.boxes.length,
      extents: packed.boxes.map(function (row) { return row.slice(1); }),
      proportional: packed.proportional,
      labels: packed.labels,
      base: traces.map(function (trace) { return { x: trace.x, y: trace.y, z: trace.z, text: trace.text }; }),
    };
  }

  // A view's boxes at a channel scale: at the proportional one, each box's extent along the
  // network is its own in the view's file.
  function extentsAt(view, depth) {
    if (depth !== "proportional") return view.extents;
    return view.extents.map(function (extents, k) {
      return view.proportional.boxes[k].concat(extents.slice(2));
    });
  }

  function Network(figure, plot, spec, source) {
    this.figure = figure;
    this.plot = plot;
    this.source = source;
    this.layout = spec.layout;
    this.meta = spec.layout.meta;
    delete this.layout.meta;
    this.views = [];
    this.views[this.meta.view] = unpack(spec.view, this.meta.views[this.meta.view]);
    var scene = this.layout.scene;
    this.mid = [];
    this.span = [];
    var self = this;
    ["xaxis", "yaxis", "zaxis"].forEach(function (axis) {
      var range = scene[axis].range;
      self.mid.push((range[0] + range[1]) / 2);
      self.span.push(range[1] - range[0]);
    });
    this.norm = Math.max.apply(null, this.span);
    this.top = [scene.yaxis.range[1], scene.zaxis.range[1]];
    this.state = { view: this.meta.view, depth: "log", camera: this.meta.camera };
    this.width = 0;
    this.toolbar = !TOUCH;
  }

  // The view a figure this wide opens on: the most detailed one with boxes still legible, at
  // least COLUMN_PX pixels a column (the coarsest when none has). On a wide figure a view that
  // draws the network's branches, as its caption promises, may have columns as narrow as
  // BRANCH_COLUMN_PX; on a phone a coarser view keeps its labels readable.
  Network.prototype.pickView = function (width) {
    var views = this.meta.views;
    for (var i = 0; i < views.length; i++) {
      var pixels = width >= WIDE_PX && views[i].branches ? BRANCH_COLUMN_PX : COLUMN_PX;
      if (views[i].columns * pixels <= width) return i;
    }
    return views.length - 1;
  };

  Network.prototype.view = function () { return this.views[this.state.view]; };

  // The view `index`, fetched the first time it is asked for (its file sits next to figure.json).
  Network.prototype.load = function (index) {
    var self = this;
    if (this.views[index]) return Promise.resolve(this.views[index]);
    var entry = this.meta.views[index];
    var source = new URL(entry.src, this.source).href;
    return fetch(source).then(function (response) {
      if (!response.ok) throw new Error(source + ": HTTP " + response.status);
      return response.json();
    }).then(function (packed) {
      self.views[index] = unpack(packed, entry);
      return self.views[index];
    });
  };

  // x through the proportional channel scale: a point inside a box moves with that box's own
  // extent; any other point linearly within its column, or with its column in a gap.
  Network.prototype.mapper = function (view) {
    var boxes = view.extents.map(function (b, k) {
      return { x0: b[0], x1: b[1], y0: b[2], y1: b[3], z0: b[4], z1: b[5], to: view.proportional.boxes[k] };
    });
    var columns = view.proportional.columns;
    var e = 0.6;
    return function (x, y, z) {
      if (typeof x !== "number") return x;
      for (var i = 0; i < boxes.length; i++) {
        var b = boxes[i];
        if (x >= b.x0 - e && x <= b.x1 + e && y >= b.y0 - e && y <= b.y1 + e && z >= b.z0 - e && z <= b.z1 + e) {
          var t = b.x1 > b.x0 ? clamp((x - b.x0) / (b.x1 - b.x0), 0, 1) : 0;
          return b.to[0] + t * (b.to[1] - b.to[0]);
        }
      }
      var shift = columns[0][2] - columns[0][0];
      for (var c = 0; c < columns.length; c++) {
        var col = columns[c];
        if (x < col[0]) break;
        if (x <= col[1]) {
          return col[1] > col[0] ? col[2] + (x - col[0]) * (col[3] - col[2]) / (col[1] - col[0]) : col[2];
        }
        shift = col[3] - col[1];
      }
      return x + shift;
    };
  };

  // The model coordinates Plotly's scene gives a point (before the aspect ratio's scale).
  Network.prototype.model = function (x, y, z) {
    return [(x - this.mid[0]) / this.norm, (y - this.mid[1]) / this.norm, (z - this.mid[2]) / this.norm];
  };

  Network.prototype.labelTrace = function () {
    var traces = this.view().traces;
    return traces[traces.length - 1];
  };

  // Every point the frame must hold (boxes, connections, kernels) and the labels that must show,
  // `lifts` pixels higher where one is lifted over another.
  Network.prototype.framePoints = function (axes, lifts) {
    var view = this.view();
    var points = [];
    for (var i = 0; i < view.traces.length - 1; i++) {
      var trace = view.traces[i];
      if (trace.meta === "wire") continue;
      for (var k = 0; k < trace.x.length; k++) {
        if (typeof trace.x[k] !== "number") continue;
        var m = this.model(trace.x[k], trace.y[k], trace.z[k]);
        points.push({ a: dot(axes.right, m), b: dot(axes.up, m), l: 4, r: 4, t: 4, d: 4 });
      }
    }
    var labels = this.labelTrace();
    var base = view.base[view.traces.length - 1];
    view.labels.forEach(function (priority, k) {
      if (priority < MUST) return;
      var size = textSize(base.text[k]);
      var m = this.model(labels.x[k], base.y[k], base.z[k]);
      points.push({
        a: dot(axes.right, m), b: dot(axes.up, m),
        l: size.width / 2 + 2, r: size.width / 2 + 2,
        t: size.height + size.lift + 2 + ((lifts && lifts[k]) || 0), d: 2,
      });
    }, this);
    return points;
  };

  // Pixels from the least to the most of `points` along one screen axis at scale s, margins
  // included (a point's coordinate `key` times s times `pixels` per model unit).
  function extent(points, key, low, high, s, pixels) {
    var lo = Infinity, hi = -Infinity;
    points.forEach(function (p) {
      lo = Math.min(lo, s * p[key] * pixels - p[low]);
      hi = Math.max(hi, s * p[key] * pixels + p[high]);
    });
    return { lo: lo, hi: hi };
  }

  function centreAt(points, key, low, high, s, pixels) {
    var found = extent(points, key, low, high, s, pixels);
    return (found.lo + found.hi) / 2;
  }

  // The largest scale at which the points fit in `size` pixels along one axis (the extent only
  // grows with the scale, so a bisection finds it).
  function largest(points, key, low, high, size, pixels) {
    function fits(s) {
      var found = extent(points, key, low, high, s, pixels);
      return found.hi - found.lo <= size;
    }
    var top = 1;
    while (fits(top) && top < 1e6) top *= 2;
    var bottom = 0;
    for (var i = 0; i < 40; i++) {
      var s = (top + bottom) / 2;
      if (fits(s)) bottom = s; else top = s;
    }
    return bottom;
  }

  // Height, aspect ratio and camera that frame the current view for a figure `width` wide (the
  // scene's height: the toolbar's band comes on top), with labels that must show `lifts` pixels
  // over their place.
  Network.prototype.frame = function (width, lifts) {
    var preset = this.meta.cameras[this.state.camera];
    var direction = unit(vec(preset.eye));
    var axes = screenAxes({ eye: preset.eye, up: preset.up });
    var points = this.framePoints(axes, lifts);
    var lo = [Infinity, Infinity], hi = [-Infinity, -Infinity];
    points.forEach(function (p) {
      lo[0] = Math.min(lo[0], p.a); hi[0] = Math.max(hi[0], p.a);
      lo[1] = Math.min(lo[1], p.b); hi[1] = Math.max(hi[1], p.b);
    });
    var low = width < 600 ? 220 : 260;
    var high = Math.max(low, Math.min(640, Math.round(window.innerHeight * 0.8)));
    var ratio = (hi[1] - lo[1]) / Math.max(hi[0] - lo[0], 1e-9);
    var height = Math.round(clamp((width - 60) * ratio + 80, low, high));
    var pixels = height / 2;
    var s = Math.min(
      largest(points, "a", "l", "r", width, pixels),
      largest(points, "b", "d", "t", height, pixels)
    );
    // Centred at that scale, along both screen axes; the camera looks at that point.
    var along = centreAt(points, "a", "l", "r", s, pixels) / pixels;
    var upward = centreAt(points, "b", "d", "t", s, pixels) / pixels;
    var centre = [0, 1, 2].map(function (i) { return axes.right[i] * along + axes.up[i] * upward; });
    var distance = 4 + 2 * s;
    return {
      height: height,
      aspectratio: { x: s * this.span[0] / this.norm, y: s * this.span[1] / this.norm, z: s * this.span[2] / this.norm },
      camera: {
        center: { x: centre[0], y: centre[1], z: centre[2] },
        eye: {
          x: centre[0] + direction[0] * distance,
          y: centre[1] + direction[1] * distance,
          z: centre[2] + direction[2] * distance,
        },
        up: preset.up,
        projection: { type: "orthographic" },
      },
    };
  };

  // Pixel position of a data point in the plot, for a camera and aspect ratio (orthographic).
  Network.prototype.projector = function (camera, aspect, width, height) {
    var axes = screenAxes(camera);
    var eye = vec(camera.eye);
    var scale = [aspect.x / (this.span[0] / this.norm), aspect.y / (this.span[1] / this.norm), aspect.z / (this.span[2] / this.norm)];
    var self = this;
    return function (x, y, z) {
      var m = self.model(x, y, z);
      var p = [m[0] * scale[0] - eye[0], m[1] * scale[1] - eye[1], m[2] * scale[2] - eye[2]];
      return { x: width / 2 + dot(axes.right, p) * height / 2, y: height / 2 - dot(axes.up, p) * height / 2 };
    };
  };

  // Label texts, with those that would overlap a more important one (or leave the plot)
  // blanked, and where each goes: a label may sit just over another one above its box, lifted
  // up the screen along z (or along y, seen from the top) but never past the scene's ranges,
  // outside which Plotly draws no text. A label that must show takes the first free row, or its
  // own place when none is free; `lifts` says how far such labels were lifted, in pixels, for
  // the frame to hold them. A branch's label must not hide another box either.
  Network.prototype.labels = function (project, width, height) {
    var view = this.view();
    var trace = this.labelTrace();
    var base = view.base[view.traces.length - 1];
    var texts = base.text;
    var order = view.labels.map(function (priority, k) { return k; });
    order.sort(function (i, j) { return (view.labels[j] - view.labels[i]) || (i - j); });
    var boxes = [];
    for (var b = 0; b < view.boxes; b++) {
      var box = view.traces[b];
      var rect = { left: Infinity, right: -Infinity, top: Infinity, bottom: -Infinity };
      for (var c = 0; c < box.x.length; c++) {
        var corner = project(box.x[c], box.y[c], box.z[c]);
        rect.left = Math.min(rect.left, corner.x); rect.right = Math.max(rect.right, corner.x);
        rect.top = Math.min(rect.top, corner.y); rect.bottom = Math.max(rect.bottom, corner.y);
      }
      boxes.push(rect);
    }
    var top = this.top;
    var placed = [];
    var shown = texts.map(function () { return ""; });
    var ys = base.y.slice();
    var zs = base.z.slice();
    var lifts = {};
    order.forEach(function (k) {
      var x = trace.x[k], y = base.y[k], z = base.z[k];
      var at = project(x, y, z);
      // Pixels up the screen per unit along z, and along y: what lifting the label costs.
      var riseZ = at.y - project(x, y, z + 1).y;
      var riseY = at.y - project(x, y + 1, z).y;
      var alongZ = riseZ >= riseY;
      var rise = Math.max(riseZ, riseY);
      var room = alongZ ? top[1] - z : top[0] - y;
      var size = textSize(texts[k]);
      var must = view.labels[k] >= MUST;
      // Its own place, or just over a label in the way, up to LIFT_ROWS of its own height.
      var home = labelRect(at.x, at.y, size);
      var candidates = [0];
      if (rise >= 0.05) {
        placed.forEach(function (other) {
          if (other.right > home.left && home.right > other.left) candidates.push(home.bottom - other.top + 1);
        });
      }
      candidates = candidates.filter(function (lift) {
        return lift >= 0 && lift <= LIFT_ROWS * size.height && lift / rise <= room - 1;
      }).sort(function (a, b) { return a - b; });
      for (var r = 0; r < candidates.length; r++) {
        var lift = candidates[r];
        var rect = labelRect(at.x, at.y - lift, size);
        var inside = rect.left >= -1 && rect.right <= width + 1 && rect.top >= -1 && rect.bottom <= height + 1;
        var free = placed.every(function (other) { return !overlaps(rect, other); });
        var clear = view.labels[k] >= MAIN || boxes.every(function (other) {
          var own = at.x >= other.left - 1 && at.x <= other.right + 1 && at.y >= other.top - 1 && at.y <= other.bottom + 1;
          return own || !overlaps(rect, other);
        });
        // One that must show may leave the frame: the frame is made again to hold it.
        if ((inside || must) && free && clear) {
          placed.push(rect);
          shown[k] = texts[k];
          if (lift) {
            if (alongZ) zs[k] = z + lift / rise; else ys[k] = y + lift / rise;
            if (must) lifts[k] = lift;
          }
          return;
        }
      }
      if (must) {
        placed.push(labelRect(at.x, at.y, size));
        shown[k] = texts[k];
      }
    });
    return { text: shown, y: ys, z: zs, lifts: lifts };
  };

  // Label texts Plotly has made glyphs of in a trace of its own. Plotly keeps one glyph per text
  // for the page and makes it half size (at its WebGL pixel ratio) when the text first comes in
  // an update of a trace rather than with a new one: so labels with a text not seen before go
  // out as a new trace (a new uid), and every label stays 11 pixels.
  var glyphs = {};
  var labelTraces = 0;

  function freshGlyphs(trace) {
    var fresh = trace.text.some(function (text) { return text && !glyphs[text]; });
    if (!fresh && trace.uid) return false;
    labelTraces += 1;
    trace.uid = "labels-" + labelTraces;
    trace.text.forEach(function (text) { if (text) glyphs[text] = true; });
    return true;
  }

  // Brings data and layout to the current state: visible view, channel scale, wireframe, frame
  // and labels. Returns nothing; the caller draws.
  Network.prototype.compose = function () {
    var view = this.view();
    var base = view.base;
    var boxes = extentsAt(view, this.state.depth);
    var map = this.state.depth === "proportional" ? this.mapper(view) : null;
    view.traces.forEach(function (trace, i) {
      if (i < view.boxes) {
        trace.x = corners(boxes[i], 0);
        return;
      }
      if (!base[i].x) return;
      var y = base[i].y;
      var z = base[i].z;
      trace.x = map ? base[i].x.map(function (x, k) { return map(x, y[k], z[k]); }) : base[i].x;
    });
    var wire = view.traces[view.boxes];
    var edges = { x: [], y: [], z: [] };
    boxes.forEach(function (extents) {
      var points = [0, 1, 2].map(function (axis) { return corners(extents, axis); });
      WIRE.forEach(function (stroke) {
        stroke.forEach(function (corner) {
          edges.x.push(points[0][corner]);
          edges.y.push(points[1][corner]);
          edges.z.push(points[2][corner]);
        });
        edges.x.push(null); edges.y.push(null); edges.z.push(null);
      });
    });
    wire.x = edges.x; wire.y = edges.y; wire.z = edges.z;
    this.ink();

    var width = Math.max(this.plot.clientWidth || this.figure.clientWidth || 600, 200);
    // Framed, then labelled; framed again while a label that must show was lifted higher.
    var lifts = {};
    var framed, project, labels;
    for (var round = 0; round < 3; round++) {
      framed = this.frame(width, lifts);
      project = this.projector(framed.camera, framed.aspectratio, width, framed.height);
      labels = this.labels(project, width, framed.height);
      var higher = Object.keys(labels.lifts).filter(function (k) {
        return labels.lifts[k] > (lifts[k] || 0);
      });
      if (!higher.length) break;
      higher.forEach(function (k) { lifts[k] = labels.lifts[k]; });
    }
    var band = this.toolbar ? BAND : 0;
    this.width = width;
    this.layout.width = width;
    this.layout.height = framed.height + band;
    this.layout.margin = { l: 0, r: 0, b: 0, t: band };
    this.plot.style.height = this.layout.height + "px";
    this.layout.scene.aspectmode = "manual";
    this.layout.scene.aspectratio = framed.aspectratio;
    this.layout.scene.camera = framed.camera;
    var trace = this.labelTrace();
    trace.text = labels.text;
    trace.y = labels.y;
    trace.z = labels.z;
    freshGlyphs(trace);
    applyUpdate(this.layout, themeUpdate("3d"));
    this.figure.dataset.view = view.label;
    this.figure.dataset.camera = this.state.camera;
    this.figure.dataset.depth = this.state.depth;
    this.syncControls();
  };

  // After the reader turns or zooms the scene: labels for the new camera.
  Network.prototype.relabel = function () {
    var scene = this.plot.layout && this.plot.layout.scene;
    if (!scene || !scene.camera || !scene.camera.eye || !scene.aspectratio) return;
    var camera = { eye: scene.camera.eye, up: scene.camera.up || { x: 0, y: 0, z: 1 }, center: scene.camera.center || { x: 0, y: 0, z: 0 } };
    var height = this.layout.height - (this.toolbar ? BAND : 0);
    var project = this.projector(camera, scene.aspectratio, this.layout.width, height);
    var labels = this.labels(project, this.layout.width, height);
    var trace = this.labelTrace();
    if (labels.text.join("\u0000") === (trace.text || []).join("\u0000") &&
        labels.y.join() === (trace.y || []).join() &&
        labels.z.join() === (trace.z || []).join()) return;
    trace.text = labels.text;
    trace.y = labels.y;
    trace.z = labels.z;
    if (freshGlyphs(trace)) {
      window.Plotly.react(this.plot, this.view().traces, this.layout, this.config());
    } else {
      window.Plotly.restyle(this.plot, { text: [labels.text], y: [labels.y], z: [labels.z] }, [this.view().traces.length - 1]);
    }
  };

  // Counts finished draws in data-frames: tests (and scripts) wait on it after a control.
  Network.prototype.countDraw = function () {
    this.frames = (this.frames || 0) + 1;
    this.figure.dataset.frames = String(this.frames);
  };

  // Draws the state's view (fetching it first if need be); only that view's traces are drawn.
  Network.prototype.redraw = function () {
    var self = this;
    return this.load(this.state.view).then(function (view) {
      self.compose();
      return window.Plotly.react(self.plot, view.traces, self.layout, self.config());
    }).then(function () { self.countDraw(); });
  };

  // Plotly's configuration: the toolbar (download, pan, turn, and a reset that frames the view
  // again), shown while this.toolbar is set.
  Network.prototype.config = function () {
    var self = this;
    if (!this.reset) {
      this.reset = {
        name: "resetView",
        title: "Reset the view",
        icon: window.Plotly.Icons.home,
        click: function () {
          if (self.busy) return;
          self.busy = true;
          var done = function () { self.busy = false; };
          self.redraw().then(done, done);
        },
      };
    }
    return plotConfig(this.figure, ["toImage", "pan3d", "tableRotation", this.reset], this.toolbar);
  };

  function button(label, pressed, onClick) {
    var element = document.createElement("button");
    element.type = "button";
    element.className = "arch-figure__button";
    element.textContent = label;
    element.setAttribute("aria-pressed", pressed ? "true" : "false");
    element.addEventListener("click", onClick);
    return element;
  }

  Network.prototype.group = function (name, options, key) {
    var self = this;
    var group = document.createElement("div");
    group.className = "arch-figure__group";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", name);
    var title = document.createElement("span");
    title.className = "arch-figure__group-name";
    title.textContent = name;
    group.appendChild(title);
    options.forEach(function (option) {
      var element = button(option.label, false, function () {
        if (self.busy) return;
        var before = self.state[key];
        self.state[key] = option.value;
        self.busy = true;
        self.redraw().then(function () { self.busy = false; }, function (error) {
          // A view that could not be fetched: stay on the one drawn, and say why.
          self.busy = false;
          self.state[key] = before;
          self.syncControls();
          status(self.figure, "That view could not be loaded (" + error.message + ").");
        });
      });
      element.dataset.key = key;
      element.dataset.value = String(option.value);
      group.appendChild(element);
    });
    return group;
  };

  Network.prototype.controls = function () {
    var bar = document.createElement("div");
    bar.className = "arch-figure__controls";
    var views = this.meta.views;
    if (views.length > 1) {
      bar.appendChild(this.group("Detail", views.map(function (view, i) {
        return { label: view.label, value: i };
      }), "view"));
    }
    bar.appendChild(this.group("Channels", [
      { label: "log", value: "log" },
      { label: "proportional", value: "proportional" },
    ], "depth"));
    bar.appendChild(this.group("View", Object.keys(this.meta.cameras).map(function (name) {
      return { label: name, value: name };
    }), "camera"));
    this.plot.parentNode.insertBefore(bar, this.plot);
    this.bar = bar;
    if (TOUCH) {
      var self = this;
      toolbarToggle(bar, function (on) {
        self.toolbar = on;
        if (self.busy) return;
        self.busy = true;
        var done = function () { self.busy = false; };
        self.redraw().then(done, done);
      });
    }

    var key = document.createElement("ul");
    key.className = "arch-figure__key";
    this.meta.key.forEach(function (item) {
      var entry = document.createElement("li");
      var swatch = document.createElement("span");
      swatch.className = "arch-figure__swatch arch-figure__swatch--" + (item.mark === "line" ? "line" : "box");
      swatch.style.setProperty("--swatch", item.ink ? "var(--md-default-fg-color)" : item.colour);
      entry.appendChild(swatch);
      entry.appendChild(document.createTextNode(item.label));
      key.appendChild(entry);
    });
    this.plot.parentNode.insertBefore(key, this.plot.nextSibling);
    this.key = key;
    var scales = document.createElement("p");
    scales.className = "arch-figure__scales";
    key.parentNode.insertBefore(scales, key.nextSibling);
    this.scales = scales;
  };

  Network.prototype.syncControls = function () {
    var state = this.state;
    if (this.key) {
      var items = this.key.children;
      this.meta.key.forEach(function (item, i) {
        items[i].hidden = item.views.indexOf(state.view) < 0;
      });
    }
    if (this.scales && this.meta.scales) this.scales.textContent = this.meta.scales[state.depth] || "";
    if (!this.bar) return;
    this.bar.querySelectorAll("button[data-key]").forEach(function (element) {
      var on = String(state[element.dataset.key]) === element.dataset.value;
      element.setAttribute("aria-pressed", on ? "true" : "false");
    });
  };

  Network.prototype.draw = function (Plotly) {
    var self = this;
    var width = Math.max(this.plot.clientWidth || 600, 200);
    var picked = this.pickView(width);
    // A view other than figure.json's is fetched first; if it cannot be, figure.json's is drawn.
    return this.load(picked).then(function () { self.state.view = picked; }, function () {})
      .then(function () {
        self.controls();
        self.compose();
        return Plotly.newPlot(self.plot, self.view().traces, self.layout, self.config());
      }).then(function () {
        self.countDraw();
        self.plot.on("plotly_relayout", function (update) {
          var keys = Object.keys(update || {});
          if (keys.some(function (k) { return k.indexOf("scene.camera") === 0 || k.indexOf("scene.aspectratio") === 0; })) {
            self.relabel();
          }
        });
        if ("ResizeObserver" in window) {
          var pending = null;
          self.observer = new ResizeObserver(function () {
            var now = Math.max(self.plot.clientWidth || 0, 200);
            if (Math.abs(now - self.width) < 2) return;
            clearTimeout(pending);
            pending = setTimeout(function () { if (self.plot.isConnected) self.redraw(); }, 150);
          });
          self.observer.observe(self.figure);
        }
      });
  };

  // The boxes' edges and the kernels ("ink" traces) in the page's text colour.
  Network.prototype.ink = function () {
    var view = this.view();
    var fg = colours().fg;
    view.traces[view.boxes].line = { color: withAlpha(fg, 0.3), width: 2 };
    view.traces.forEach(function (trace) {
      if (trace.meta === "ink") trace.line = { color: fg, width: trace.line.width };
    });
  };

  Network.prototype.retheme = function () {
    if (this.busy) return;
    var view = this.view();
    this.ink();
    // The reader's camera stays (Plotly keeps it in this same layout); only colours change.
    applyUpdate(this.layout, themeUpdate("3d"));
    window.Plotly.react(this.plot, view.traces, this.layout, this.config());
  };

  Network.prototype.dispose = function () {
    if (this.observer) this.observer.disconnect();
  };

  // --- Drawing figures -------------------------------------------------------------------------

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
      // Until drawn, the plot is an image whose label is the figure's text alternative; drawn,
      // it holds Plotly's mode bar buttons, and an image may not contain controls: a group, with
      // the same label, does.
      plot.setAttribute("role", "group");
      var ready;
      if (figure.dataset.kind === "3d" && spec.layout && spec.layout.meta && spec.view) {
        var network = new Network(figure, plot, spec, source);
        figure.__network = network;
        ready = network.draw(Plotly);
      } else {
        ready = drawChart(Plotly, figure, plot, spec);
      }
      return ready.then(function () {
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

  // A 2D chart, drawn once in the page's colours (a relayout after newPlot would draw twice).
  // Its toolbar only downloads it: shown over a band of its own, and not on a touch screen.
  function drawChart(Plotly, figure, plot, spec) {
    var layout = applyUpdate(spec.layout || {}, themeUpdate(figure.dataset.kind));
    var config = plotConfig(figure, ["toImage"], !TOUCH);
    config.responsive = true;
    if (!TOUCH) {
      layout.margin = Object.assign({}, layout.margin);
      layout.margin.t = (layout.margin.t || 0) + BAND;
    }
    return Plotly.newPlot(plot, spec.data, layout, config);
  }

  function retheme() {
    drawn.forEach(function (figure) {
      var plot = figure.querySelector(".arch-figure__plot");
      if (!figure.isConnected || !window.Plotly) return;
      if (figure.__network) figure.__network.retheme();
      else window.Plotly.relayout(plot, themeUpdate(figure.dataset.kind));
    });
  }

  // Runs fn after the next frame is painted: the text first, then the figure machinery (a WebGL
  // probe and plotly.js's 4.8 MB of script both hold the main thread).
  function afterPaint(fn) {
    if (!window.requestAnimationFrame) return setTimeout(fn, 0);
    requestAnimationFrame(function () { setTimeout(fn, 0); });
  }

  // A wide table scrolls sideways in Material's scroll box: make the box focusable, so that a
  // keyboard reader can scroll it too (WCAG 2.1.1), and name it after the section it is in.
  function focusableScrollers() {
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (box) {
      if (box.scrollWidth <= box.clientWidth + 1) {
        if (box.dataset.scroller) {
          box.removeAttribute("tabindex");
          box.removeAttribute("role");
          box.removeAttribute("aria-label");
          delete box.dataset.scroller;
        }
        return;
      }
      if (box.dataset.scroller) return;
      box.dataset.scroller = "true";
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      // Named after the section it is in: a loaded section's summary, else the heading above.
      var section = box.closest("details");
      var heading = section ? section.querySelector("summary") : null;
      for (var at = box.previousElementSibling; at && !heading; at = at.previousElementSibling) {
        if (/^H[1-6]$/.test(at.tagName)) heading = at;
      }
      var name = heading ? heading.textContent.replace(/\u00b6/g, "").trim() : "";
      box.setAttribute("aria-label", (name ? name + ": " : "") + "table, scrolls sideways");
    });
  }

  // A section loaded when opened (code.js) may hold a wide table.
  document.addEventListener("arch:loaded", focusableScrollers);

  var resizing = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(focusableScrollers, 200);
  });

  function setUp() {
    focusableScrollers();
    // Figures of pages left behind by instant navigation still hold WebGL contexts: free them.
    drawn = drawn.filter(function (figure) {
      if (figure.isConnected) return true;
      if (figure.__network) figure.__network.dispose();
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
