"""Search and the lazily loaded PyTorch script, in a real browser.

The layer tables stay out of the search index (issue 13): a layer's name and a number a source
states must still find their page.
"""

from __future__ import annotations

import pytest

from tests.browser_support import Watched, artifacts, browser, server, watched

__all__ = ["artifacts", "browser", "server", "watched"]  # fixtures used by name


@pytest.mark.parametrize(
    ("query", "page"),
    [("inception_4e", "architectures/googlenet/"), ("253,440", "architectures/alexnet-2012/")],
)
def test_search_finds_a_layer_name_and_a_stated_number(
    watched: Watched, server: str, query: str, page: str
) -> None:
    browser_page = watched.page
    browser_page.goto(server)
    field = browser_page.locator("input.md-search__input")
    field.click(force=True)
    field.press_sequentially(query)
    results = browser_page.locator(".md-search-result__item a")
    results.first.wait_for(timeout=30_000)
    hrefs = [results.nth(i).get_attribute("href") or "" for i in range(results.count())]
    assert any(page in href for href in hrefs), hrefs
    watched.clean()


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
