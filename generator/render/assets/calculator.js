/* The convolution arithmetic calculator (the page "Convolution arithmetic").
 *
 * The page holds a <div data-conv-calc> written by the generator: six text boxes (data-field) and
 * result cells (data-cell), pre-filled by Python for the boxes' first values. This script
 * recomputes the cells as the reader types. It is the twin of generator/arithmetic.py
 * (`calculate`): same rules, same sentences, integer arithmetic only. Every number stays below
 * 2^53, and divisions go through floorDiv, which divides an exact multiple, so no float ever
 * rounds a result. Material's instant navigation swaps pages without reloading scripts, so the
 * set-up runs on every page Material's `document$` announces and does nothing where there is no
 * calculator.
 */
(function () {
  "use strict";

  var MINUS = "\u2212";
  var NOTHING = "\u2014";
  var NO_OUTPUT = "no output";
  var FIELDS = ["n", "k", "s", "p_before", "p_after", "d"];
  var ROUNDED = ["floor", "ceil", "ceil_unclipped"];
  var RULES = ROUNDED.concat(["tf_valid", "tf_same"]);

  // Floor of a / b for integers a and b > 0: a − r is an exact multiple of b.
  function floorDiv(a, b) {
    var r = a % b;
    var q = (a - r) / b;
    return r < 0 ? q - 1 : q;
  }

  function ceilDiv(a, b) {
    return -floorDiv(-a, b);
  }

  function gcd(a, b) {
    a = Math.abs(a);
    b = Math.abs(b);
    while (b) {
      var t = a % b;
      a = b;
      b = t;
    }
    return a;
  }

  function grouped(value) {
    return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  // The exact value num / den (den > 0) as generator.arithmetic.exact_text writes it.
  function exactText(num, den) {
    var g = gcd(num, den);
    num /= g;
    den /= g;
    var sign = num < 0 ? MINUS : "";
    var p = Math.abs(num);
    if (den === 1) return sign + p;
    var rest = den;
    while (rest % 2 === 0) rest /= 2;
    while (rest % 5 === 0) rest /= 5;
    if (rest === 1) {
      var whole = floorDiv(p, den);
      var remainder = p - whole * den;
      var digits = "";
      while (remainder) {
        remainder *= 10;
        var digit = floorDiv(remainder, den);
        digits += digit;
        remainder -= digit * den;
      }
      return sign + whole + "." + digits;
    }
    var thousandths = floorDiv(2000 * p + den, 2 * den);
    var fraction = String(thousandths % 1000);
    while (fraction.length < 3) fraction = "0" + fraction;
    return sign + p + "/" + den + " \u2248 " + sign + floorDiv(thousandths, 1000) + "." + fraction;
  }

  // generator.rules.output_size, with span = n + p_before + p_after − k_eff.
  function outputSize(n, span, s, before, rule) {
    if (rule === "floor") return floorDiv(span, s) + 1;
    var out = ceilDiv(span, s) + 1;
    if (rule === "ceil" && (out - 1) * s >= n + before) out -= 1;
    return out;
  }

  function parseWhole(text) {
    return /^\s*[0-9]+\s*$/.test(text) ? parseInt(text, 10) : null;
  }

  function invalid(message) {
    var cells = { message: message, note: "", exact: NOTHING, "pad-exact": NOTHING };
    RULES.forEach(function (rule) {
      cells[rule] = NOTHING;
      cells["pad-" + rule] = NOTHING;
    });
    return cells;
  }

  // Whether pooling would accept this padding: PyTorch up to ⌊k / 2⌋, Caffe below k.
  function note(k, pad) {
    var most = floorDiv(k, 2);
    if (pad <= most) return "";
    if (pad < k) {
      return "PyTorch pooling allows at most \u230Ak / 2\u230B = " + most + " pixels of padding on " +
        "each side and would refuse these numbers; Caffe pooling accepts them.";
    }
    return "Pooling would refuse these numbers: PyTorch allows at most \u230Ak / 2\u230B = " + most +
      " pixels of padding on each side, Caffe less than the kernel, " + k +
      ". The ceil row applies the rule anyway.";
  }

  function pair(before, after) {
    return before + " + " + after;
  }

  // Every cell's text for the boxes' text, as generator.arithmetic.calculate_text(...).cells().
  function calculate(inputs) {
    var v = {};
    for (var i = 0; i < inputs.length; i++) {
      var box = inputs[i];
      var value = parseWhole(box.value);
      var low = parseInt(box.dataset.min, 10);
      var high = parseInt(box.dataset.max, 10);
      if (value === null || value < low || value > high) {
        return invalid(box.dataset.label + " must be a whole number from " + low + " to " +
          grouped(high) + ".");
      }
      v[box.dataset.field] = value;
    }
    var n = v.n, s = v.s, before = v.p_before, after = v.p_after;
    var kEff = v.d * (v.k - 1) + 1;
    var padded = n + before + after;
    var span = padded - kEff;
    var out = {};
    var fits = kEff <= padded;
    ROUNDED.forEach(function (rule) {
      out[rule] = fits ? outputSize(n, span, s, before, rule) : null;
    });
    out.tf_valid = kEff <= n ? floorDiv(n - kEff, s) + 1 : null;
    out.tf_same = ceilDiv(n, s);
    var sameTotal = Math.max((out.tf_same - 1) * s + kEff - n, 0);
    var sameBefore = floorDiv(sameTotal, 2);
    var x = exactText(span + s, s);

    var cells = { exact: x, "pad-exact": pair(before, after), note: note(v.k, Math.max(before, after)) };
    ROUNDED.forEach(function (rule) {
      cells["pad-" + rule] = pair(before, after);
    });
    cells["pad-tf_valid"] = pair(0, 0);
    cells["pad-tf_same"] = pair(sameBefore, sameTotal - sameBefore);
    RULES.forEach(function (rule) {
      cells[rule] = out[rule] === null ? NO_OUTPUT : String(out[rule]);
    });

    if (!fits) {
      cells.message = "No window fits: the kernel spans " + kEff + " pixels but the padded input " +
        "has only " + padded + ". Only TensorFlow SAME, which pads as much as it needs, gives an output.";
    } else if (kEff > n) {
      cells.message = "TensorFlow VALID gives no output: the kernel spans " + kEff +
        " pixels but the input without padding has only " + n + ".";
    } else if (span % s === 0) {
      cells.message = "x = " + x + " is a whole number: the windows tile the padded input exactly, " +
        "so floor and both ceil rules agree.";
    } else if (out.ceil !== out.ceil_unclipped) {
      cells.message = "x = " + x + " is not a whole number: floor drops the last, partial window (" +
        out.floor + "); cuda-convnet keeps it (" + out.ceil_unclipped + "); PyTorch and Caffe drop it " +
        "too (" + out.ceil + "), because it would start in the right padding.";
    } else {
      cells.message = "x = " + x + " is not a whole number: floor drops the last, partial window (" +
        out.floor + "); the ceil rules keep it (" + out.ceil + ").";
    }
    return cells;
  }

  // The results in one line, above the boxes: generator.render.arithmetic.summary.
  var SUMMARY = [["floor", "floor"], ["ceil", "ceil"], ["ceil_unclipped", "unclipped"],
    ["tf_valid", "VALID"], ["tf_same", "SAME"]];

  function summary(cells) {
    return "x = " + cells.exact + " \u2192 " + SUMMARY.map(function (pair) {
      return pair[1] + " " + cells[pair[0]];
    }).join(" \u00b7 ");
  }

  function update(root) {
    var inputs = FIELDS.map(function (field) {
      return root.querySelector('input[data-field="' + field + '"]');
    });
    if (inputs.some(function (box) { return !box; })) return;
    var cells = calculate(inputs);
    root.querySelectorAll("[data-cell]").forEach(function (cell) {
      var text = cells[cell.dataset.cell];
      if (text !== undefined && cell.textContent !== text) cell.textContent = text;
    });
    var line = root.querySelector("[data-summary]");
    if (line && line.textContent !== summary(cells)) line.textContent = summary(cells);
    inputs.forEach(function (box) {
      var value = parseWhole(box.value);
      var bad = value === null || value < parseInt(box.dataset.min, 10) ||
        value > parseInt(box.dataset.max, 10);
      box.setAttribute("aria-invalid", bad ? "true" : "false");
    });
  }

  // The rules, for the picture of a layer's windows (windows.js), which draws what they give.
  window.ConvArithmetic = {
    floorDiv: floorDiv,
    ceilDiv: ceilDiv,
    exactText: exactText,
    grouped: grouped,
    outputSize: outputSize,
    parseWhole: parseWhole,
  };

  function setUp() {
    document.querySelectorAll("[data-conv-calc]:not([data-ready])").forEach(function (root) {
      root.dataset.ready = "true";
      root.addEventListener("input", function () { update(root); });
      var form = root.querySelector("form");
      if (form) form.addEventListener("submit", function (event) { event.preventDefault(); });
      // The browser may have restored other values (back navigation): show what the boxes hold.
      update(root);
    });
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setUp);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
