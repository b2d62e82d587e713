"""Search and the lazily loaded PyTorch script, in a real browser.

The layer tables stay out of the search index (issue 13): a layer's name and a number a source
states must still find their page.
"""

from __future__ import annotations

import pytest

from tests.browser_support import Watched, sync_api

# Chromium on a built site: the full suite's, not the quick loop's (see pyproject.toml).
pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("query", "page"),
    [("inception_4e", "architectures/googlenet/"), ("253,440", "architectures/alexnet-2012/")],
)
def test_search_finds_a_layer_name_and_a_stated_number(
    watched: Watched, server: str, query: str, page: str
) -> None:
    search(watched, server, query, page)


def test_search_finds_the_prose_of_a_site_wide_page(watched: Watched, server: str) -> None:
    """The site-wide pages keep their prose and headings searchable, their number tables not."""
    search(watched, server, "projection shortcut", "successors/")


def search(watched: Watched, server: str, query: str, page: str) -> None:
    """Types ``query`` into Material's search, key by key, until a result leads to ``page``."""
    browser_page = watched.page
    browser_page.goto(server)
    field = browser_page.locator("input.md-search__input")
    field.click(force=True)
    field.press_sequentially(query)
    # Material redraws the results as each key arrives: wait for the list to hold the page,
    # rather than read a list that may be redrawn under the reader.
    try:
        browser_page.wait_for_function(FOUND, arg=page, timeout=30_000)
    except sync_api.TimeoutError:
        pytest.fail(f"{query!r} did not find {page}: {browser_page.evaluate(RESULTS)}")
    watched.clean()


#: The addresses of the search results shown now.
RESULTS = "() => [...document.querySelectorAll('.md-search-result__item a')].map((a) => a.href)"
#: Whether a search result shown now leads to the page.
FOUND = f"(page) => ({RESULTS})().some((href) => href.includes(page))"


def test_the_script_loads_highlighted_when_opened(watched: Watched, server: str) -> None:
    page = watched.page
    page.goto(server + "architectures/alexnet-2012/")
    details = page.locator("details.arch-code")
    assert details.locator("code").count() == 0  # not in the page until asked for
    details.locator("summary").click()
    code = details.locator(".highlight code")
    code.wait_for(timeout=20_000)
    assert "import torch" in code.inner_text()
    assert details.locator(".highlight .kn").count() >= 1  # highlighted (keywords have classes)
    watched.clean()
