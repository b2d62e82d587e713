"""axe-core's WCAG 2 A/AA rules on every page of the site, in the light and the dark palette.

Every page the sitemap lists (and the 404 page) is opened in Debian's chromium, its figures are
drawn (a figure's controls and Plotly's mode bar only exist once it is), and axe-core, bundled by
``axe-playwright-python`` and injected from that file (no network), checks it. No serious or
critical violation may remain. The palette is switched as a reader switches it: with the header's
toggle, which Material remembers for the following pages.

One browser context, pages in sequence, each checked in both palettes.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from typing import Any
from urllib.request import urlopen

import pytest

from generator.analysis.model import SiteModel, build_site_model
from generator.edges import plugin
from generator.load import loader
from generator.render import chapters
from generator.render import pages as site_pages
from tests.browser_support import DRAW_TIMEOUT, Watched, browser, serve_built, server
from tests.helpers import ROOT, SPECS
from tests.requirements import require

# Chromium on a built site: the full suite's, not the quick loop's (see pyproject.toml).
pytestmark = pytest.mark.slow

axe_playwright = require(
    "axe_playwright_python.sync_playwright", "pip install axe-playwright-python"
)
__all__ = ["browser", "server"]  # fixtures used by name

#: The WCAG 2.0, 2.1 and 2.2 level A and AA rules.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
OPTIONS = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}
FAILING = ("serious", "critical")
PALETTES = {"default": "light", "slate": "dark"}

#: Scrolls every figure into view (they draw when near the viewport) and waits until each is
#: drawn, or says why not; then back to the top.
DRAW_ALL = """
async () => {
  // The PyTorch script arrives when its section is opened: open it, so axe sees the code too.
  for (const details of document.querySelectorAll('details.arch-code')) {
    details.open = true;
    while (!['loaded', 'failed'].includes(details.dataset.state)) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  const figures = [...document.querySelectorAll('.arch-figure[data-src]')];
  for (const figure of figures) {
    figure.scrollIntoView();
    while (!['drawn', 'failed', 'no-webgl'].includes(figure.dataset.state)) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  window.scrollTo(0, 0);
  return figures.map((f) => f.dataset.state);
}
"""

#: Back at the top, the header's title is done fading from the page's title to the site's.
SETTLED = """
() => [...document.querySelectorAll('.md-header__topic')].every(
  (topic) => ['0', '1'].includes(getComputedStyle(topic).opacity))
"""


def pages(address: str) -> list[str]:
    """Every page the sitemap lists, and the 404 page."""
    with urlopen(address + "sitemap.xml") as response:
        tree = ElementTree.parse(response)
    namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    found = [loc.text or "" for loc in tree.iter(namespace + "loc")]
    assert all(url.startswith(address) for url in found), found
    return [*found, address + "404.html"]


@pytest.fixture
def reader(browser: Any) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
    yield Watched(context.new_page())
    context.close()


def summary(url: str, palette: str, violations: list[dict[str, Any]]) -> list[str]:
    lines = []
    for violation in violations:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
        lines.append(
            f"{url} [{palette}] {violation['id']} ({violation['impact']}): "
            f"{len(violation['nodes'])} elements, e.g. {'; '.join(targets)}"
        )
    return lines


def check(page: Any, axe: Any, where: str) -> list[str]:
    """axe-core's serious and critical WCAG 2 A/AA violations on the page as it is shown now."""
    page.wait_for_function(SETTLED)
    scheme = page.evaluate("document.body.dataset.mdColorScheme")
    results = axe.run(page, options=OPTIONS).response
    failing = [v for v in results["violations"] if v["impact"] in FAILING]
    return summary(where, PALETTES[scheme], failing)


def switch_palette(page: Any) -> None:
    """Clicks the header's palette toggle, as a reader does, and waits for the other palette."""
    before = page.evaluate("document.body.dataset.mdColorScheme")
    page.locator("form[data-md-component=palette] label:visible").first.click()
    page.wait_for_function(
        "(before) => document.body.dataset.mdColorScheme !== before"
        " && !document.body.hasAttribute('data-md-color-switching')",
        arg=before,
    )


def test_no_serious_or_critical_violation_on_any_page_in_either_palette(
    reader: Watched, server: str
) -> None:
    """Each page is checked in the palette it opens in, then again after the toggle: the choice is
    remembered, so pages open alternately light and dark, and each is seen in both. Toggling on
    the page draws its figures once for both palettes, about half the time of a pass per palette.
    """
    urls = pages(server)
    assert len(urls) >= 25, urls
    check_in_both_palettes(reader, server, urls)


def check_in_both_palettes(reader: Watched, server: str, urls: list[str]) -> None:
    """Opens each page, draws its figures and checks it in the palette it opens in and again
    after the toggle; fails with every serious or critical violation found."""
    page = reader.page
    page.set_default_timeout(DRAW_TIMEOUT)
    axe = axe_playwright.Axe()
    failures: list[str] = []
    seen: set[tuple[str, str]] = set()
    for url in urls:
        page.goto(url)
        where = url.removeprefix(server) or "/"
        states = page.evaluate(DRAW_ALL)
        assert all(state == "drawn" for state in states), (where, states)
        for turn in range(len(PALETTES)):
            if turn:
                switch_palette(page)
            seen.add((where, page.evaluate("document.body.dataset.mdColorScheme")))
            failures += check(page, axe, where)
    assert len(seen) == 2 * len(urls), sorted(seen)
    assert not failures, "axe-core (WCAG 2 A/AA) found:\n" + "\n".join(failures)
    reader.clean()


@pytest.fixture(scope="module")
def split_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The shipped site with a page budget half its shortest book's page, so that every book is
    an overview and parts (as at a thousand specs), written as plain files and served."""
    site = build_site_model(loader.load_folder(SPECS))
    budget = min(len(chapters.whole(b).encode()) for b in books(site)) // 2
    out = tmp_path_factory.mktemp("split-pages")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(chapters, "PAGE_BUDGET", budget)
        plugin.write_pages(ROOT, out)
    with serve_built(out, tmp_path_factory.mktemp("split-site")) as address:
        yield address


def books(site: SiteModel) -> list[chapters.Book]:
    """Every site-wide book of the site, as one page would show it."""
    found = [
        site_pages.lineage_book(site, split=False),
        site_pages.audit_book(site, split=False),
        site_pages.successors_book(site, split=False),
        site_pages.compare_book(site, split=False),
    ]
    return [b for b in found if b is not None]


def test_the_overviews_and_parts_of_split_books_too(reader: Watched, split_server: str) -> None:
    """The pages a large site splits its books into: each book's overview and every part."""
    urls = [
        url
        for url in pages(split_server)
        if url.removeprefix(split_server).split("/")[0] in site_pages.BOOKS
    ]
    assert len(urls) > 2 * len(site_pages.BOOKS), urls
    check_in_both_palettes(reader, split_server, urls)
