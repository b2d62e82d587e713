"""A picture of a layer's windows along one side of its input: why 224 pixels do not tile with
11-pixel windows every 4 pixels, and 227 do. Pure: returns text, writes nothing.

The figure is SVG drawn here from what the site model holds of one axis of a layer (the engine's
:class:`~generator.core.results.Axis`, or a calculator :class:`~generator.analysis.calculator.Example`),
so it is on the page without JavaScript;
``assets/windows.js`` is its twin and draws the same SVG again when a reader changes the numbers
or the figure's width changes. Both use integer arithmetic only, so for the same numbers and
width they draw the same picture, byte for byte (a browser test compares them).

Two panels: the whole row, each window a bar (overlapping windows in lanes), and a close-up of the
row's far end, pixel by pixel, where a rounding rule decides: the last window hangs past the edge
(read as zeros), ends on it, or stops short of it (pixels never read). Colours come from classes
(``windows.css``), which follow the site's light and dark palettes.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from fractions import Fraction

from markupsafe import Markup

from generator.analysis.calculator import MAX_VALUE, Example, exact_text
from generator.core.formatting import count
from generator.core.results import Axis
from generator.spec.models import Rounding

#: Width drawn on the server; the script redraws at the figure's own width.
WIDTH = 640
#: Left and right margins.
MARGIN = 14
#: Least width of one pixel in the close-up.
CELL = 14
#: Most lanes of windows (windows that overlap go to different lanes).
LANES = 4
#: Past this many windows the overview draws each lane as one band.
MANY = 600
#: The rounding rules the figure draws, with their names in its menu and sentence.
RULES = {
    "floor": "round down: PyTorch, Caffe",
    "ceil": "round up, the last window inside: pooling",
    "ceil_unclipped": "round up: cuda-convnet",
}
#: The boxes of a figure with controls: key, label, least value.
BOXES = (("n", "Input size", 1), ("p_before", "Padding before", 0), ("p_after", "Padding after", 0))


@dataclass(frozen=True, slots=True)
class Row:
    """One side of a layer's input and its windows: ``n`` pixels, ``pb`` and ``pa`` of padding,
    a kernel of ``kernel`` taps ``d`` apart every ``s`` pixels, rounded by ``rule``: ``out``
    windows, ``exact`` before rounding (None when no window fits)."""

    n: int
    kernel: int
    d: int
    k: int
    """The effective kernel: the pixels one window spans."""
    s: int
    pb: int
    pa: int
    rule: str
    out: int
    exact: Fraction | None

    @property
    def padded(self) -> int:
        return self.n + self.pb + self.pa

    @property
    def last_end(self) -> int:
        """Where the last window ends in the padded row (0 when no window fits)."""
        return (self.out - 1) * self.s + self.k if self.out else 0

    @property
    def overhang(self) -> int:
        return max(self.last_end - self.padded, 0)

    @property
    def unused(self) -> int:
        return max(self.padded - self.last_end, 0) if self.out else 0

    @property
    def dropped(self) -> bool:
        """Whether a partial window was dropped: pixels are left and the next window would
        start inside the padded row."""
        return self.out > 0 and self.unused > 0 and self.out * self.s < self.padded

    @property
    def extent(self) -> int:
        """The pixels the picture spans: the padded row, the overhang, a dropped window."""
        end = self.out * self.s + self.k if self.dropped else 0
        return max(self.padded, self.last_end, end)


def from_axis(axis: Axis) -> Row:
    """The windows of one axis of a layer, as the engine worked them out."""
    rule = axis.rounding.value if axis.rounding else Rounding.FLOOR.value
    return Row(
        axis.size,
        axis.kernel,
        axis.dilation,
        axis.effective_kernel,
        axis.stride,
        axis.pad_before,
        axis.pad_after,
        rule,
        axis.output,
        axis.exact,
    )


def from_example(ex: Example, rule: str) -> Row:
    """The windows of a calculator example under one of its rules (a :class:`Rounding` value)."""
    out = ex.calc.outputs.get(rule)
    return Row(
        ex.n, ex.k, ex.d, ex.k_eff, ex.s, ex.p_before, ex.p_after, rule, out or 0, ex.calc.exact
    )


def _plural(value: int, noun: str) -> str:
    return f"{count(value)} {noun}{'' if value == 1 else 's'}"


def sentence(r: Row) -> str:
    """What the picture shows, in a sentence; ``windows.js`` builds the same sentences."""
    if not r.out or r.exact is None:
        return (
            f"No window fits: a window spans {count(r.k)} pixels, the padded row has only "
            f"{count(r.padded)}."
        )
    exact = r.exact
    x = exact_text(exact)
    row_text = f"a row of {count(r.n)}" if r.padded == r.n else f"a padded row of {count(r.padded)}"
    first = (r.out - 1) * r.s + 1
    last = f"the last, window {count(r.out)}, covers pixels {count(first)} to {count(r.last_end)} of {row_text}"
    if exact.denominator == 1:
        return f"x = {x}: {_plural(r.out, 'window')} tile the row exactly; {last}, ending on its last pixel."
    if r.out > exact:
        how = f"rounded up to {_plural(r.out, 'window')}"
    elif r.rule == Rounding.FLOOR.value:
        how = f"rounded down to {_plural(r.out, 'window')}"
    else:
        how = (
            f"rounded up, then one less, as the last window would start in the padding: "
            f"{_plural(r.out, 'window')}"
        )
    if r.overhang:
        tail = f"{_plural(r.overhang, 'pixel')} past the edge, read as zeros"
    else:
        tail = f"{_plural(r.unused, 'pixel')} at the edge never read"
    return f"x = {x}, {how}: {last}, {tail}."


def _rect(cls: str, x: int, y: int, w: int, h: int) -> str:
    return f'<rect class="{cls}" x="{x}" y="{y}" width="{max(w, 1)}" height="{h}"/>'


def _text(cls: str, x: int, y: int, text: str) -> str:
    return f'<text class="{cls}" x="{x}" y="{y}">{text}</text>'


def svg(r: Row, width: int = WIDTH) -> str:
    """The picture of a row, ``width`` pixels wide. ``windows.js`` draws the same markup."""
    usable = width - 2 * MARGIN
    extent = max(r.extent, 1)
    lanes = min(-(-r.k // r.s), LANES) if r.out else 1
    parts: list[str] = []

    def x(pos: int) -> int:
        return MARGIN + pos * usable // extent

    # The whole row: padding, input, overhang; the windows in lanes below it.
    top = 2
    parts.append(_rect("cw-pad", x(0), top, x(r.pb) - x(0), 10) if r.pb else "")
    parts.append(_rect("cw-input", x(r.pb), top, x(r.pb + r.n) - x(r.pb), 10))
    if r.pa:
        parts.append(_rect("cw-pad", x(r.pb + r.n), top, x(r.padded) - x(r.pb + r.n), 10))
    if r.overhang:
        parts.append(_rect("cw-beyond", x(r.padded), top, x(r.last_end) - x(r.padded), 10))
    lane_top = top + 13
    if r.out > MANY:
        # One band per lane, from its first window's start to the end of its last but the last.
        for lane in range(min(lanes, r.out - 1)):
            end = (lane + (r.out - 2 - lane) // lanes * lanes) * r.s + r.k
            parts.append(
                _rect("cw-win", x(lane * r.s), lane_top + lane * 6, x(end) - x(lane * r.s), 4)
            )
    else:
        for i in range(max(r.out - 1, 0)):
            y = lane_top + i % lanes * 6
            parts.append(_rect("cw-win", x(i * r.s), y, x(i * r.s + r.k) - x(i * r.s) - 1, 4))
    if r.out:
        i = r.out - 1
        y = lane_top + i % lanes * 6
        parts.append(_rect("cw-win cw-win--last", x(i * r.s), y, x(r.last_end) - x(i * r.s), 4))
    if r.dropped:
        i = r.out
        y = lane_top + i % lanes * 6
        parts.append(
            _rect("cw-win cw-win--dropped", x(i * r.s), y, x(i * r.s + r.k) - x(i * r.s), 4)
        )

    # The far end, pixel by pixel.
    span = min(extent, max(usable // CELL, 1))
    z0 = extent - span
    overview_bottom = lane_top + lanes * 6
    parts.append(
        f'<rect class="cw-focus" x="{x(z0)}" y="0" width="{max(x(extent) - x(z0), 1)}" '
        f'height="{overview_bottom}"/>'
    )

    def zx(pos: int) -> int:
        return MARGIN + (pos - z0) * usable // span

    zoom_top = overview_bottom + 14
    cells_top = zoom_top + lanes * 19
    for pos in range(z0, extent):
        if pos >= r.padded:
            cls = "cw-beyond" if r.overhang else "cw-outside"
        elif r.out and pos >= r.last_end:
            cls = "cw-unused"
        elif pos < r.pb or pos >= r.pb + r.n:
            cls = "cw-pad"
        else:
            cls = "cw-input"
        parts.append(_rect(cls, zx(pos), cells_top, zx(pos + 1) - zx(pos) - 1, 14))
    shown = r.out + (1 if r.dropped else 0)
    for i in range(max(0, (z0 - r.k) // r.s + 1), shown):
        start, end = max(i * r.s, z0), i * r.s + r.k
        cls = "cw-win"
        if i == r.out - 1:
            cls += " cw-win--last"
        elif i == r.out:
            cls += " cw-win--dropped"
        y = zoom_top + i % lanes * 19
        w = zx(end) - zx(start) - 1
        parts.append(_rect(cls, zx(start), y, w, 16))
        number = count(i + 1)
        if w >= 8 * len(number) + 6:
            parts.append(_text("cw-number", zx(start) + w // 2, y + 12, number))

    # Where the input, the padded row and the last window end, marked under the pixels.
    marks = sorted({r.pb + r.n, r.padded, *([r.last_end] if r.out else [])})
    previous = -width
    base = cells_top + 14
    for pos in marks:
        if not z0 <= pos <= extent or zx(pos) - previous < 36:
            continue
        previous = zx(pos)
        parts.append(
            f'<line class="cw-tick" x1="{zx(pos)}" y1="{cells_top - 3}" x2="{zx(pos)}" y2="{base + 4}"/>'
        )
        parts.append(_text("cw-mark", zx(pos), base + 17, count(pos)))
    height = base + 21
    body = "".join(parts)
    return (
        f'<svg class="conv-windows__svg" xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" aria-hidden="true" '
        f'focusable="false">{body}</svg>'
    )


LEGEND = Markup(
    '<ul class="conv-windows__legend" aria-hidden="true">'
    '<li><span class="cw-key cw-input"></span>input</li>'
    '<li><span class="cw-key cw-pad"></span>padding</li>'
    '<li><span class="cw-key cw-win"></span>windows</li>'
    '<li><span class="cw-key cw-win--last"></span>the last</li>'
    '<li><span class="cw-key cw-beyond"></span>past the edge, read as zeros</li>'
    '<li><span class="cw-key cw-unused"></span>never read</li>'
    "</ul>"
)


def figure(
    r: Row,
    *,
    element_id: str,
    title: str,
    controls: bool = False,
    source: str | None = None,
) -> Markup:
    """The figure: a title, optional controls (input size, padding, rounding rule), the picture,
    its sentence and a legend. ``source`` is the id of a calculator whose boxes give the numbers
    (the arithmetic page): the figure then has only the rule menu."""
    said = sentence(r)
    data = (
        f'data-n="{r.n}" data-k="{r.kernel}" data-s="{r.s}" data-p_before="{r.pb}" '
        f'data-p_after="{r.pa}" data-d="{r.d}" data-rule="{r.rule}"'
    )
    if source:
        data += f' data-source="{html.escape(source)}"'
    parts = [
        f'<figure class="conv-windows" id="{html.escape(element_id)}" data-conv-windows {data}>',
        f'<p class="conv-windows__title">{html.escape(title)}</p>',
    ]
    if controls or source:
        parts.append('<form class="conv-windows__form" autocomplete="off">')
        if not source:
            for key, name, least in BOXES:
                value = {"n": r.n, "p_before": r.pb, "p_after": r.pa}[key]
                parts.append(
                    f'<label for="{element_id}-{key}">{name}<input id="{element_id}-{key}" '
                    f'type="number" inputmode="numeric" min="{least}" max="{MAX_VALUE}" '
                    f'step="1" data-field="{key}" value="{value}"></label>'
                )
        options = "".join(
            f'<option value="{key}"{" selected" if key == r.rule else ""}>{html.escape(name)}</option>'
            for key, name in RULES.items()
        )
        parts.append(
            f'<label for="{element_id}-rule">Rounding<select id="{element_id}-rule" '
            f'data-field="rule">{options}</select></label>'
        )
        parts.append("</form>")
    parts.append(f'<div class="conv-windows__plot">{svg(r)}</div>')
    parts.append(
        f'<figcaption class="conv-windows__text" aria-live="polite">{html.escape(said)}</figcaption>'
    )
    parts.append(LEGEND)
    parts.append("</figure>")
    return Markup("\n".join(parts))
