/* The picture of a layer's windows along one side of its input (generator/render/windows.py).
 *
 * The page holds a <figure data-conv-windows> with the numbers as data attributes and the SVG the
 * generator drew at 640 pixels. This script is that module's twin: it draws the same SVG again,
 * at the figure's own width (so its text stays 12 pixels tall on a phone), and again whenever the
 * reader changes the input size, the padding or the rounding rule, in the figure's own boxes or,
 * with data-source, in the calculator it belongs to. Output sizes come from the calculator's rules
 * (calculator.js, window.ConvArithmetic); integer arithmetic only, so for the same numbers and
 * width Python and this script draw the same markup (a browser test compares them).
 */
(function () {
  "use strict";

  var WIDTH = 640;
  var MARGIN = 14;
  var CELL = 14;
  var LANES = 4;
  var MANY = 600;
  var FIELDS = ["n", "k", "s", "p_before", "p_after", "d"];

  var A = function () { return window.ConvArithmetic; };

  function grouped(value) {
    return A().grouped(value);
  }

  function plural(value, noun) {
    return grouped(value) + " " + noun + (value === 1 ? "" : "s");
  }

  // A row of the picture from the numbers: generator.render.windows.row.
  function makeRow(v, rule) {
    var k = v.d * (v.k - 1) + 1;
    var padded = v.n + v.p_before + v.p_after;
    var span = padded - k;
    var out = k <= padded ? A().outputSize(v.n, span, v.s, v.p_before, rule) : 0;
    var r = { n: v.n, k: k, s: v.s, pb: v.p_before, pa: v.p_after, out: out, padded: padded };
    r.lastEnd = out ? (out - 1) * v.s + k : 0;
    r.overhang = Math.max(r.lastEnd - padded, 0);
    r.unused = out ? Math.max(padded - r.lastEnd, 0) : 0;
    r.dropped = out > 0 && r.unused > 0 && out * v.s < padded;
    r.extent = Math.max(padded, r.lastEnd, r.dropped ? out * v.s + k : 0);
    r.span = span;
    return r;
  }

  // generator.render.windows.sentence.
  function sentence(r, rule) {
    if (!r.out) {
      return "No window fits: a window spans " + grouped(r.k) + " pixels, the padded row has only " +
        grouped(r.padded) + ".";
    }
    var x = A().exactText(r.span + r.s, r.s);
    var rowText = r.padded === r.n ? "a row of " + grouped(r.n) : "a padded row of " + grouped(r.padded);
    var first = (r.out - 1) * r.s + 1;
    var last = "the last, window " + grouped(r.out) + ", covers pixels " + grouped(first) + " to " +
      grouped(r.lastEnd) + " of " + rowText;
    if (r.span % r.s === 0) {
      return "x = " + x + ": " + plural(r.out, "window") + " tile the row exactly; " + last +
        ", ending on its last pixel.";
    }
    var how;
    if (r.out * r.s > r.span + r.s) how = "rounded up to " + plural(r.out, "window");
    else if (rule === "floor") how = "rounded down to " + plural(r.out, "window");
    else how = "rounded up, then one less, as the last window would start in the padding: " +
      plural(r.out, "window");
    var tail = r.overhang
      ? plural(r.overhang, "pixel") + " past the edge, read as zeros"
      : plural(r.unused, "pixel") + " at the edge never read";
    return "x = " + x + ", " + how + ": " + last + ", " + tail + ".";
  }

  function rect(cls, x, y, w, h) {
    return '<rect class="' + cls + '" x="' + x + '" y="' + y + '" width="' + Math.max(w, 1) +
      '" height="' + h + '"/>';
  }

  function text(cls, x, y, value) {
    return '<text class="' + cls + '" x="' + x + '" y="' + y + '">' + value + "</text>";
  }

  // generator.render.windows.svg, line for line.
  function svg(r, width) {
    var floorDiv = A().floorDiv;
    var usable = width - 2 * MARGIN;
    var extent = Math.max(r.extent, 1);
    var lanes = r.out ? Math.min(A().ceilDiv(r.k, r.s), LANES) : 1;
    var parts = [];
    var i, y, lane;
    function x(pos) { return MARGIN + floorDiv(pos * usable, extent); }

    var top = 2;
    parts.push(r.pb ? rect("cw-pad", x(0), top, x(r.pb) - x(0), 10) : "");
    parts.push(rect("cw-input", x(r.pb), top, x(r.pb + r.n) - x(r.pb), 10));
    if (r.pa) parts.push(rect("cw-pad", x(r.pb + r.n), top, x(r.padded) - x(r.pb + r.n), 10));
    if (r.overhang) parts.push(rect("cw-beyond", x(r.padded), top, x(r.lastEnd) - x(r.padded), 10));
    var laneTop = top + 13;
    if (r.out > MANY) {
      for (lane = 0; lane < Math.min(lanes, r.out - 1); lane++) {
        var end = (lane + floorDiv(r.out - 2 - lane, lanes) * lanes) * r.s + r.k;
        parts.push(rect("cw-win", x(lane * r.s), laneTop + lane * 6, x(end) - x(lane * r.s), 4));
      }
    } else {
      for (i = 0; i < Math.max(r.out - 1, 0); i++) {
        y = laneTop + (i % lanes) * 6;
        parts.push(rect("cw-win", x(i * r.s), y, x(i * r.s + r.k) - x(i * r.s) - 1, 4));
      }
    }
    if (r.out) {
      i = r.out - 1;
      y = laneTop + (i % lanes) * 6;
      parts.push(rect("cw-win cw-win--last", x(i * r.s), y, x(r.lastEnd) - x(i * r.s), 4));
    }
    if (r.dropped) {
      i = r.out;
      y = laneTop + (i % lanes) * 6;
      parts.push(rect("cw-win cw-win--dropped", x(i * r.s), y, x(i * r.s + r.k) - x(i * r.s), 4));
    }

    var span = Math.min(extent, Math.max(floorDiv(usable, CELL), 1));
    var z0 = extent - span;
    var overviewBottom = laneTop + lanes * 6;
    parts.push('<rect class="cw-focus" x="' + x(z0) + '" y="0" width="' +
      Math.max(x(extent) - x(z0), 1) + '" height="' + overviewBottom + '"/>');
    function zx(pos) { return MARGIN + floorDiv((pos - z0) * usable, span); }

    var zoomTop = overviewBottom + 14;
    var cellsTop = zoomTop + lanes * 19;
    for (var pos = z0; pos < extent; pos++) {
      var cls;
      if (pos >= r.padded) cls = r.overhang ? "cw-beyond" : "cw-outside";
      else if (r.out && pos >= r.lastEnd) cls = "cw-unused";
      else if (pos < r.pb || pos >= r.pb + r.n) cls = "cw-pad";
      else cls = "cw-input";
      parts.push(rect(cls, zx(pos), cellsTop, zx(pos + 1) - zx(pos) - 1, 14));
    }
    var shown = r.out + (r.dropped ? 1 : 0);
    for (i = Math.max(0, floorDiv(z0 - r.k, r.s) + 1); i < shown; i++) {
      var start = Math.max(i * r.s, z0);
      var stop = i * r.s + r.k;
      var winClass = "cw-win";
      if (i === r.out - 1) winClass += " cw-win--last";
      else if (i === r.out) winClass += " cw-win--dropped";
      y = zoomTop + (i % lanes) * 19;
      var w = zx(stop) - zx(start) - 1;
      parts.push(rect(winClass, zx(start), y, w, 16));
      var number = grouped(i + 1);
      if (w >= 8 * number.length + 6) {
        parts.push(text("cw-number", zx(start) + floorDiv(w, 2), y + 12, number));
      }
    }

    var marks = [r.pb + r.n, r.padded];
    if (r.out) marks.push(r.lastEnd);
    marks = marks.filter(function (m, index) { return marks.indexOf(m) === index; });
    marks.sort(function (a, b) { return a - b; });
    var previous = -width;
    var base = cellsTop + 14;
    marks.forEach(function (m) {
      if (!(z0 <= m && m <= extent) || zx(m) - previous < 36) return;
      previous = zx(m);
      parts.push('<line class="cw-tick" x1="' + zx(m) + '" y1="' + (cellsTop - 3) + '" x2="' +
        zx(m) + '" y2="' + (base + 4) + '"/>');
      parts.push(text("cw-mark", zx(m), base + 17, grouped(m)));
    });
    var height = base + 21;
    return '<svg class="conv-windows__svg" xmlns="http://www.w3.org/2000/svg" width="' + width +
      '" height="' + height + '" viewBox="0 0 ' + width + " " + height +
      '" aria-hidden="true" focusable="false">' + parts.join("") + "</svg>";
  }

  // The numbers a figure draws: its data attributes, its own boxes, or its calculator's boxes.
  // Null when a box does not hold a whole number in its range.
  function numbers(figure) {
    var v = {};
    var source = figure.dataset.source ? document.getElementById(figure.dataset.source) : null;
    for (var i = 0; i < FIELDS.length; i++) {
      var field = FIELDS[i];
      var box = (source || figure).querySelector('input[data-field="' + field + '"]');
      if (box) {
        var value = A().parseWhole(box.value);
        var low = parseInt(box.dataset.min || box.min || "0", 10);
        var high = parseInt(box.dataset.max || box.max, 10);
        if (value === null || value < low || value > high) return null;
        v[field] = value;
      } else {
        v[field] = parseInt(figure.dataset[field], 10);
      }
    }
    return v;
  }

  function draw(figure) {
    if (!window.ConvArithmetic) return;
    var plot = figure.querySelector(".conv-windows__plot");
    var caption = figure.querySelector(".conv-windows__text");
    var menu = figure.querySelector('select[data-field="rule"]');
    var rule = menu ? menu.value : figure.dataset.rule;
    var v = numbers(figure);
    if (!v) {
      if (caption) caption.textContent = "Type whole numbers to see the windows.";
      figure.dataset.state = "invalid";
      return;
    }
    var r = makeRow(v, rule);
    var width = Math.max(Math.floor(plot.clientWidth), 2 * MARGIN + CELL);
    var markup = svg(r, width);
    if (plot.dataset.drawn !== markup) {
      plot.innerHTML = markup;
      plot.dataset.drawn = markup;
    }
    var said = sentence(r, rule);
    if (caption && caption.textContent !== said) caption.textContent = said;
    figure.dataset.state = "drawn";
  }

  function setUp() {
    document.querySelectorAll("[data-conv-windows]:not([data-ready])").forEach(function (figure) {
      figure.dataset.ready = "true";
      var redraw = function () { draw(figure); };
      figure.addEventListener("input", redraw);
      figure.addEventListener("change", redraw);
      var form = figure.querySelector("form");
      if (form) form.addEventListener("submit", function (event) { event.preventDefault(); });
      var source = figure.dataset.source ? document.getElementById(figure.dataset.source) : null;
      if (source) source.addEventListener("input", redraw);
      if (window.ResizeObserver) {
        var plot = figure.querySelector(".conv-windows__plot");
        var seen = 0;
        new ResizeObserver(function () {
          if (plot.clientWidth !== seen) {
            seen = plot.clientWidth;
            redraw();
          }
        }).observe(plot);
      }
      redraw();
    });
  }

  // For the browser tests, which compare this script's drawing with the generator's.
  window.ConvWindows = {
    draw: function (v, rule, width) {
      var r = makeRow(v, rule);
      return { svg: svg(r, width || WIDTH), sentence: sentence(r, rule) };
    },
  };

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setUp);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
