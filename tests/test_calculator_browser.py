"""The calculator of the convolution arithmetic page, typed into in a real browser.

Every result the page's script shows is compared to :func:`generator.render.arithmetic.calculate_text`,
its Python twin, on a few hundred seeded random configurations, impossible ones included. The
browser, the served site and the console-watching page are the shared ones of
``tests/browser_support.py`` (importing it skips this module too when chromium or Playwright is
missing).
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from generator.analysis.calculator import FIELDS, MAX_VALUE, calculate_text
from tests.browser_support import Watched

# Chromium on a built site: the full suite's, not the quick loop's (see pyproject.toml).
pytestmark = pytest.mark.slow


CONFIGURATIONS = 400
#: Configurations typed with Playwright's fill, box by box; the rest set each box and fire its
#: input event in one round trip, which keeps the test well under a minute on two cores.
FILLED = 60
SEED = 4
PAGE = "arithmetic/"


def configurations(count: int, seed: int) -> list[list[str]]:
    """Box texts in the order of :data:`FIELDS`: ordinary layers, kernels too large for the
    input, numbers out of range, text that is no number, and numbers near the limit."""
    rng = random.Random(seed)
    found: list[list[str]] = []
    while len(found) < count:
        kind = rng.random()
        if kind < 0.5:  # an ordinary layer
            values = [
                rng.randint(1, 300),
                rng.randint(1, 13),
                rng.randint(1, 8),
                rng.randint(0, 6),
                rng.randint(0, 6),
                rng.choice((1, 1, 1, 2, 3, 4)),
            ]
        elif kind < 0.65:  # a kernel as large as, or larger than, the (padded) input
            values = [
                rng.randint(1, 20),
                rng.randint(5, 15),
                rng.randint(1, 5),
                rng.randint(0, 3),
                rng.randint(0, 3),
                rng.randint(1, 3),
            ]
        elif kind < 0.8:  # one box out of range
            values = [rng.randint(1, 300), rng.randint(1, 13), rng.randint(1, 8), 1, 1, 1]
            box = rng.randrange(len(FIELDS))
            values[box] = rng.choice((0, -1, -rng.randint(2, 50), MAX_VALUE + rng.randint(1, 99)))
        elif kind < 0.9:  # near the limit: products reach 10^10, still exact
            values = [rng.randint(1, MAX_VALUE) for _ in FIELDS]
            values[3] = rng.randint(0, MAX_VALUE)
            values[4] = rng.randint(0, MAX_VALUE)
        else:  # not a whole number at all
            values = [rng.randint(1, 300), rng.randint(1, 13), rng.randint(1, 8), 0, 0, 1]
            texts = [str(v) for v in values]
            texts[rng.randrange(len(FIELDS))] = rng.choice(
                ("", "abc", "2.5", "1e3", "-", "4 4", " 7 ", "007", "+3", "99999999999999999999")
            )
            found.append(texts)
            continue
        found.append([str(v) for v in values])
    return found


READ_CELLS = """() => Object.fromEntries(
    Array.from(document.querySelectorAll('[data-conv-calc] [data-cell]'),
               (cell) => [cell.dataset.cell, cell.textContent]))"""


# Sets each box as typing would (its value, then a bubbling input event), then reads every cell.
SET_AND_READ = (
    """(texts) => {
    const boxes = Array.from(document.querySelectorAll('[data-conv-calc] input[data-field]'));
    boxes.forEach((box, i) => {
        box.value = texts[i];
        box.dispatchEvent(new InputEvent('input', {bubbles: true, inputType: 'insertText'}));
    });
    return ("""
    + READ_CELLS
    + """)();
}"""
)


def _cells(page: Any) -> dict[str, str]:
    cells: dict[str, str] = page.evaluate(READ_CELLS)
    return cells


def _boxes(page: Any) -> list[Any]:
    return [page.locator(f'[data-conv-calc] input[data-field="{f.key}"]') for f in FIELDS]


def test_the_configurations_cover_every_case() -> None:
    found = [calculate_text(texts) for texts in configurations(CONFIGURATIONS, SEED)]
    assert sum(not c.valid for c in found) >= 30
    assert sum(c.valid and c.outputs["floor"] is None for c in found) >= 10
    assert sum(c.valid and c.outputs["tf_valid"] is None for c in found) >= 15
    assert sum(c.valid and c.outputs["ceil"] != c.outputs["ceil_unclipped"] for c in found) >= 5
    assert sum(c.valid and c.exact is not None and c.exact.denominator == 1 for c in found) >= 10
    assert sum(bool(c.note) for c in found) >= 10


def test_typed_configurations_match_the_python_engine(watched: Watched, server: str) -> None:
    page = watched.page
    page.goto(server + PAGE)
    page.wait_for_selector("[data-conv-calc][data-ready]")
    boxes = _boxes(page)
    # The page as served: Python's results for the boxes' first values, which the script keeps.
    first = [box.input_value() for box in boxes]
    assert _cells(page) == calculate_text(first).cells()
    mismatches = []
    compared = 0
    for index, texts in enumerate(configurations(CONFIGURATIONS, SEED)):
        if index < FILLED:
            for box, text in zip(boxes, texts, strict=True):
                box.fill(
                    text
                )  # focuses, replaces the text and fires an input event, as typing does
            shown = _cells(page)
        else:  # the same events, one round trip per configuration
            shown = page.evaluate(SET_AND_READ, texts)
        expected = calculate_text(texts).cells()
        compared += 1
        if shown != expected:
            wrong = {k: (shown.get(k), v) for k, v in expected.items() if shown.get(k) != v}
            mismatches.append((texts, wrong))
    assert mismatches == []
    assert compared == CONFIGURATIONS
    watched.clean()


def test_typing_key_by_key_updates_every_cell(watched: Watched, server: str) -> None:
    page = watched.page
    page.goto(server + PAGE)
    page.wait_for_selector("[data-conv-calc][data-ready]")
    boxes = _boxes(page)
    boxes[0].fill("")
    boxes[0].press_sequentially("227")
    assert _cells(page) == calculate_text(["227", "11", "4", "0", "0", "1"]).cells()
    assert _cells(page)["floor"] == "55"
    boxes[1].press("End")
    boxes[1].press("Backspace")
    boxes[1].press("Backspace")
    assert _cells(page)["message"] == "Kernel k must be a whole number from 1 to 100,000."
    assert boxes[1].get_attribute("aria-invalid") == "true"
    boxes[1].press_sequentially("300")
    assert _cells(page) == calculate_text(["227", "300", "4", "0", "0", "1"]).cells()
    assert _cells(page)["floor"] == "no output"
    # Enter does not submit the form away from the page.
    boxes[2].press("Enter")
    assert page.url.endswith(PAGE)
    watched.clean()


def test_instant_navigation_sets_the_calculator_up(watched: Watched, server: str) -> None:
    page = watched.page
    page.goto(server)
    page.evaluate("window.__sameDocument = true")
    page.locator(f'nav a[href$="{PAGE}"]').first.click()
    page.wait_for_url(f"**/{PAGE}")
    page.wait_for_selector("[data-conv-calc][data-ready]")
    assert page.evaluate("window.__sameDocument === true")  # swapped in, not reloaded
    boxes = _boxes(page)
    boxes[3].fill("2")
    boxes[4].fill("2")
    assert _cells(page) == calculate_text(["224", "11", "4", "2", "2", "1"]).cells()
    # Away and back again: one set-up per page, and no console errors on pages without it.
    page.go_back()
    page.wait_for_url(server)
    # The URL changes before Material swaps the content in: wait for the calculator to go, or
    # the next steps would find the old one, about to be replaced.
    page.wait_for_selector("[data-conv-calc]", state="detached")
    page.go_forward()
    page.wait_for_url(f"**/{PAGE}")
    page.wait_for_selector("[data-conv-calc][data-ready]")
    _boxes(page)[0].fill("227")
    assert _cells(page) == calculate_text([b.input_value() for b in _boxes(page)]).cells()
    watched.clean()


def test_without_javascript_the_results_are_there(browser: Any, server: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + PAGE)
    assert _text_cells(page) == calculate_text(["224", "11", "4", "0", "0", "1"]).cells()
    context.close()


def _text_cells(page: Any) -> dict[str, str]:
    cells = page.locator("[data-conv-calc] [data-cell]")
    return {
        cells.nth(i).get_attribute("data-cell"): cells.nth(i).text_content()
        for i in range(cells.count())
    }
