"""Pages that answer first (issue 22), read in a real browser at a desktop's and a phone's size.

- the flagship's answer, its three points, is on the first screen at 1280×800 and at 390×844;
- the picture of conv1's windows: ``windows.js`` draws what ``generator.render.windows`` draws, to
  the byte, for the same numbers and width, and redraws when a reader changes them;
- the lineage page names no internal value (``ceil_unclipped``, ``None``, ``k 2.0``);
- searching "receptive field" finds the concepts page first;
- on a phone, the calculator's results stay in view while the reader types.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from generator.analysis.calculator import example
from generator.render import windows
from tests.browser_support import Watched, sync_api

# Chromium on a built site: the full suite's, not the quick loop's (see pyproject.toml).
pytestmark = pytest.mark.slow


FLAGSHIP = "where-does-253440-come-from/"
SIZES = [(1280, 800), (390, 844)]


@pytest.fixture
def sized(browser: Any, request: pytest.FixtureRequest) -> Any:
    """A page in a fresh context of the parametrised viewport size."""
    width, height = request.param
    context = browser.new_context(viewport={"width": width, "height": height})
    page = Watched(context.new_page())
    yield page
    context.close()


@pytest.mark.parametrize("sized", SIZES, indirect=True, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_flagship_answers_on_its_first_screen(sized: Watched, server: str) -> None:
    page = sized.page
    page.goto(server + FLAGSHIP)
    points = page.locator(".flagship-answer li")
    assert points.count() == 3
    height = page.viewport_size["height"]
    for index in range(3):
        box = points.nth(index).bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height, index
    said = [points.nth(i).inner_text() for i in range(3)]
    assert "55 is 54.25 rounded up" in said[0] and "227" in said[0]
    assert "253,440 = 2 × 48 × 48 × 55 is most likely a slip" in said[1]
    assert "650,000" in said[2] and "290,400" in said[2]
    # The verdict comes right after the answer, the sources last and folded.
    headings = page.locator("article h2").all_inner_texts()
    assert headings[0].startswith("Verdict") and headings[-1].startswith("Sources")
    assert page.locator("article details").last.get_attribute("open") is None
    sized.clean()


#: Draws a row with the page's script: its markup and sentence.
DRAW = "([v, rule, width]) => window.ConvWindows.draw(v, rule, width)"


def configurations(count: int, seed: int) -> list[tuple[tuple[int, ...], str, int]]:
    rng = random.Random(seed)
    found: list[tuple[tuple[int, ...], str, int]] = [
        ((224, 11, 4, 0, 0, 1), "ceil_unclipped", 640),
        ((224, 11, 4, 0, 0, 1), "floor", 640),
        ((227, 11, 4, 0, 0, 1), "floor", 358),
        ((5, 2, 2, 1, 1, 1), "ceil", 640),
        ((5, 11, 4, 0, 0, 1), "floor", 640),
        ((5000, 3, 2, 1, 1, 1), "ceil_unclipped", 900),
    ]
    while len(found) < count:
        numbers = (
            rng.randint(1, 400),
            rng.randint(1, 13),
            rng.randint(1, 8),
            rng.randint(0, 5),
            rng.randint(0, 5),
            rng.choice((1, 1, 2, 3)),
        )
        rule = rng.choice(tuple(windows.RULES))
        found.append((numbers, rule, rng.choice((300, 358, 640, 745))))
    return found


def test_the_script_draws_what_the_generator_draws(watched: Watched, server: str) -> None:
    page = watched.page
    page.goto(server + FLAGSHIP)
    page.wait_for_selector("#windows-stated[data-state='drawn']")
    names = ("n", "k", "s", "p_before", "p_after", "d")
    wrong = []
    for numbers, rule, width in configurations(80, 22):
        row = windows.from_example(example(numbers), rule)  # type: ignore[arg-type]
        drawn = page.evaluate(DRAW, [dict(zip(names, numbers, strict=True)), rule, width])
        expected = {"svg": windows.svg(row, width), "sentence": windows.sentence(row)}
        if drawn != expected:
            wrong.append((numbers, rule, width))
    assert wrong == []
    watched.clean()


def test_the_picture_follows_the_readers_numbers(watched: Watched, server: str) -> None:
    page = watched.page
    page.goto(server + FLAGSHIP)
    figure = page.locator("#windows-stated")
    figure.locator("input[data-field='n']").fill("227")
    caption = figure.locator("figcaption")
    assert caption.inner_text().startswith("x = 55: 55 windows tile the row exactly")
    figure.locator("input[data-field='n']").fill("224")
    figure.locator("select").select_option("floor")
    assert "1 pixel at the edge never read" in caption.inner_text()
    assert figure.locator("svg .cw-unused").count() == 1
    # The arithmetic page's picture draws the calculator's numbers.
    page.goto(server + "arithmetic/")
    page.locator("#calc-n").fill("227")
    assert page.locator("#calc-windows figcaption").inner_text().startswith("x = 55: 55 windows")
    watched.clean()


#: The article's text with its code, scripts and styles taken out.
PROSE = """() => {
  const article = document.querySelector('article').cloneNode(true);
  article.querySelectorAll('code, pre, script, style, svg').forEach((e) => e.remove());
  return article.textContent;
}"""


def test_lineage_names_no_internal_value(watched: Watched, server: str) -> None:
    page = watched.page
    page.goto(server + "lineage/")
    text = page.evaluate(PROSE)
    for internal in ("ceil_unclipped", "None", "→", "k 2.0", "towers 1", "True", "False"):
        assert internal not in text, internal
    assert "pooling before normalisation instead of after" in text
    assert "one tower instead of two" in text
    assert "rounds down instead of up" in text


#: The addresses of the search results shown now, in order.
RESULTS = "() => [...document.querySelectorAll('.md-search-result__item > a')].map((a) => a.href)"


def test_receptive_field_finds_the_concepts_page_first(watched: Watched, server: str) -> None:
    page = watched.page
    page.goto(server)
    field = page.locator("input.md-search__input")
    field.click(force=True)
    field.press_sequentially("receptive field")
    try:
        page.wait_for_function(
            f"() => ({RESULTS})().length > 0 && ({RESULTS})()[0].includes('/concepts/')",
            timeout=30_000,
        )
    except sync_api.TimeoutError:
        pytest.fail(f"the first result is not the concepts page: {page.evaluate(RESULTS)}")
    watched.clean()


def test_the_calculators_results_stay_in_view_while_typing_on_a_phone(
    browser: Any, server: str
) -> None:
    """On a phone the keyboard covers the lower part of the screen (some 40 %): the line of
    results sits above the boxes, in the upper part, and follows the typing."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True)
    page = Watched(context.new_page())
    page.page.goto(server + "arithmetic/")
    # The page's first screen names the calculator, and shows its boxes and results.
    assert page.page.locator("article h1").inner_text().startswith("Output-size calculator")
    summary = page.page.locator("[data-summary]")
    keyboard = 0.6 * 844  # where the keyboard's top edge is
    for field in ("n", "d"):
        box = page.page.locator(f"#calc-{field}")
        box.tap()
        # A phone scrolls the box it types into above the keyboard: so does the test.
        typed = box.bounding_box()
        assert typed is not None
        below = typed["y"] + typed["height"] - keyboard + 8
        if below > 0:
            page.page.mouse.wheel(0, below)
            page.page.wait_for_function(
                "([id, y]) => document.querySelector(id).getBoundingClientRect().bottom < y",
                arg=[f"#calc-{field}", keyboard],
            )
        box.fill("")
        box.press_sequentially("230")
        line = summary.bounding_box()
        assert line is not None
        assert line["y"] >= 0 and line["y"] + line["height"] <= keyboard, field
        assert summary.inner_text().startswith("x = ")
    assert "SAME" in summary.inner_text()
    page.clean()
    context.close()
