"""The picture of conv1's windows (generator.render.windows): what it draws for the paper's
numbers, worked out by hand.

- 224 pixels, 11-pixel windows every 4, rounded up (cuda-convnet): ⌈213 / 4⌉ + 1 = 55 windows,
  the last from pixel 54·4 + 1 = 217 to 227, 3 pixels past the edge;
- rounded down: ⌊213 / 4⌋ + 1 = 54 windows, the last ending at 223, pixel 224 never read, and the
  55th (dropped) drawn dashed;
- 227 pixels: 216 / 4 + 1 = 55 exactly, the last window ending on pixel 227.

The browser half (``test_pages_browser.py``) checks that ``windows.js`` draws the same markup.
"""

from __future__ import annotations

import re
from fractions import Fraction

import pytest

from generator.analysis.calculator import example
from generator.render import windows


def row(n: int, rule: str, pb: int = 0, pa: int = 0) -> windows.Row:
    return windows.from_example(example((n, 11, 4, pb, pa, 1)), rule)


def test_rounded_up_the_last_window_hangs_three_pixels_past_the_edge() -> None:
    r = row(224, "ceil_unclipped")
    assert (r.out, r.exact, r.last_end, r.overhang, r.unused, r.dropped) == (
        55,
        Fraction(217, 4),
        227,
        3,
        0,
        False,
    )
    assert windows.sentence(r) == (
        "x = 54.25, rounded up to 55 windows: the last, window 55, covers pixels 217 to 227 of a "
        "row of 224, 3 pixels past the edge, read as zeros."
    )
    drawn = windows.svg(r)
    assert drawn.count('class="cw-win cw-win--last"') == 2  # in the overview and the close-up
    assert drawn.count('class="cw-beyond"') == 1 + 3  # the overview's strip, three pixels
    assert ">227</text>" in drawn and ">224</text>" in drawn


def test_rounded_down_one_pixel_is_never_read() -> None:
    r = row(224, "floor")
    assert (r.out, r.last_end, r.overhang, r.unused, r.dropped) == (54, 223, 0, 1, True)
    assert windows.sentence(r).endswith("of a row of 224, 1 pixel at the edge never read.")
    drawn = windows.svg(r)
    assert drawn.count('class="cw-unused"') == 1
    assert drawn.count("cw-win--dropped") == 2


def test_227_pixels_tile() -> None:
    r = row(227, "floor")
    assert (r.out, r.exact, r.overhang, r.unused) == (55, 55, 0, 0)
    assert windows.sentence(r) == (
        "x = 55: 55 windows tile the row exactly; the last, window 55, covers pixels 217 to 227 "
        "of a row of 227, ending on its last pixel."
    )


def test_pooling_drops_a_window_that_would_start_in_the_padding() -> None:
    """A 2-pixel window every 2 on 5 pixels padded 1 + 1: ⌈5 / 2⌉ + 1 = 4, but the 4th would
    start at 6, in the right padding (5 + 1 = 6 on), so PyTorch and Caffe pooling keep 3."""
    r = windows.from_example(example((5, 2, 2, 1, 1, 1)), "ceil")
    assert r.out == 3
    assert "then one less, as the last window would start in the padding: 3 windows" in (
        windows.sentence(r)
    )


def test_no_window_fits() -> None:
    r = windows.from_example(example((5, 11, 4, 0, 0, 1)), "floor")
    assert r.out == 0
    assert windows.sentence(r).startswith("No window fits")
    assert "cw-win" not in windows.svg(r)


@pytest.mark.parametrize("width", [200, 390, 640, 1200])
def test_every_shape_lies_inside_the_picture(width: int) -> None:
    for r in (row(224, "ceil_unclipped"), row(224, "floor"), row(227, "floor", 3, 2)):
        drawn = windows.svg(r, width)
        xs = [int(v) for v in re.findall(r' x="(-?\d+)"', drawn)]
        assert xs and min(xs) >= 0 and max(xs) <= width
