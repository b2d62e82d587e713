"""A long network's full layer table in a real browser: not in the page until its section is
opened, then loaded, whole, and scrollable from the keyboard when it is wider than the page."""

from __future__ import annotations

import pytest

from generator.core.results import Analysis
from tests.browser_support import Watched

# Chromium on a built site: the full suite's, not the quick loop's (see pyproject.toml).
pytestmark = pytest.mark.slow


def test_the_full_table_loads_when_opened(
    watched: Watched, server: str, analyses: dict[str, Analysis]
) -> None:
    page = watched.page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server + "architectures/googlenet/")
    details = page.locator("details.arch-code--table")
    assert page.locator(".arch-table--graph").count() == 0  # not in the page until asked for
    assert page.locator(".arch-table--blocks tbody tr").count() >= 10  # the summary is
    details.locator("summary").click()
    rows = details.locator(".arch-table--graph tbody tr")
    rows.first.wait_for(timeout=20_000)
    assert rows.count() == len(analyses["googlenet"].layers) + 1  # and the totals
    # Wider than a phone: its scroll box takes the focus, named after the section.
    box = details.locator(".md-typeset__scrollwrap")
    page.wait_for_function(
        "() => document.querySelector('details.arch-code--table .md-typeset__scrollwrap')"
        ".getAttribute('tabindex') === '0'",
        timeout=5_000,
    )
    assert (box.get_attribute("aria-label") or "").startswith("Show all")
    watched.clean()
