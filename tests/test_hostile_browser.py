"""The hostile spec's site in a real browser: nothing runs, nothing leaves 127.0.0.1.

The site is built from the project plus ``tests/test_hostile_spec.py``'s hostile spec and served
on 127.0.0.1. ``alert``, ``confirm`` and ``prompt`` are replaced before any page script runs, so
any script the spec text smuggled in would leave a mark; the figure is drawn and hovered, and the
search (which puts results into the page as HTML) is used, since those show spec-derived text too.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser_support import Watched, serve_built, sync_api, wait_drawn
from tests.test_hostile_spec import NAME, SHOWN, TITLE, collapse, write_project

# Chromium on a built site: the full suite's, not the quick loop's (see pyproject.toml).
pytestmark = pytest.mark.slow


TRAP = """
window.__alerted = [];
window.alert = window.confirm = window.prompt = (message) => { window.__alerted.push(String(message)); };
"""
#: Pages that show text from the hostile spec: its own, and the site-wide ones.
PAGES = [f"architectures/{NAME}/", "", "architectures/", "audit/", "lineage/", "compare/"]


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The hostile project's site, built for and served at a free port on 127.0.0.1."""
    project = write_project(tmp_path_factory.mktemp("hostile-served-project"))
    with serve_built(project, Path(tmp_path_factory.mktemp("hostile-served-site"))) as address:
        yield address


def alerts(page: Any) -> list[str]:
    found: list[str] = page.evaluate("window.__alerted")
    return found


def hover_a_box(page: Any) -> str | None:
    """Sweep the pointer over the figure until a box reports its layer."""
    plot = page.locator(".arch-figure__plot").bounding_box()
    for fy in (0.45, 0.55, 0.35, 0.65, 0.25, 0.75):
        for fx in (0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85):
            page.mouse.move(plot["x"] + plot["width"] * fx, plot["y"] + plot["height"] * fy)
            page.wait_for_timeout(150)
            hovered: str | None = page.locator(".arch-figure").get_attribute("data-hovered")
            if hovered:
                return hovered
    return None


def test_the_hostile_page_draws_and_hovers_without_running_anything(
    watched: Watched, hostile_server: str
) -> None:
    page = watched.page
    page.add_init_script(TRAP)
    page.goto(hostile_server + f"architectures/{NAME}/")
    assert page.title() == f"{collapse(TITLE)} - AlexNet, layer by layer"
    text = collapse(page.locator("article").inner_text())
    for fragment in SHOWN:
        assert collapse(fragment) in text, fragment
    wait_drawn(page)
    hovered = hover_a_box(page)
    assert hovered
    label = page.locator(".hovertext").first.text_content(timeout=10_000) or ""
    assert hovered in label
    assert alerts(page) == []
    watched.clean()


def test_every_page_showing_hostile_text_runs_nothing(
    watched: Watched, hostile_server: str
) -> None:
    page = watched.page
    page.add_init_script(TRAP)
    for path in PAGES:
        page.goto(hostile_server + path)
        page.wait_for_load_state("load")
        assert alerts(page) == [], path
    watched.clean()


def test_search_results_show_hostile_text_as_text(watched: Watched, hostile_server: str) -> None:
    page = watched.page
    page.add_init_script(TRAP)
    page.goto(hostile_server + f"architectures/{NAME}/")
    search = page.locator("input.md-search__input")
    search.click()
    results = page.locator(".md-search-result__item")
    # Typed key by key, as a reader does: Material's search reacts to key events, not to a value
    # set at once. Its worker builds the index after the page loads; on a busy machine a query
    # typed before that may stay unanswered, so it is typed again until results come.
    for _attempt in range(6):
        search.press("Control+a")
        search.press("Backspace")
        # Search splits words at white space: "onerror=alert(3)>" starts with "onerror".
        search.press_sequentially("onerror", delay=30)
        try:
            results.first.wait_for(timeout=10_000)
            break
        except sync_api.TimeoutError:
            continue
    results.first.wait_for(timeout=10_000)

    found = page.locator(".md-search-result")
    assert "<img src=x onerror=alert(3)>" in collapse(found.inner_text())
    assert found.locator("script, img, iframe, object, embed, style").count() == 0
    # Open a result: instant navigation puts the page in place without a reload.
    results.first.locator("a").first.click()
    page.wait_for_load_state("load")
    assert alerts(page) == []
    watched.clean()
