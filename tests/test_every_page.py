"""Every page of the site, opened once in Debian's chromium, as a reader opens it.

Each page the sitemap lists (and the 404 page) is opened, its code sections are opened and its
figures drawn (a figure's controls and Plotly's mode bar only exist once it is), and then:

- every figure drew (not ``failed``, not ``no-webgl``);
- axe-core's WCAG 2 A/AA rules, bundled by ``axe-playwright-python`` and injected from that file
  (no network), find no serious or critical violation in the palette the page opens in and,
  after the header's toggle as a reader switches it, none of the colour rules in the other;
- no article shows a literal backtick outside code (text from specs is Markdown);
- nothing was written to the console as an error and no request left 127.0.0.1.

The pages are opened once and every check reads what that visit found (:func:`visit`): opening
them once per check took most of the browser tests' time. ``SCREENSHOTS=folder`` keeps a
full-page screenshot of each page, in each palette, at 1280 px and on a 390 px phone, for a reader
to look at.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.request import urlopen

import pytest

from generator.analysis.model import SiteModel, build_site_model
from generator.edges import plugin
from generator.load import loader
from generator.render import chapters
from generator.render import pages as site_pages
from tests.browser_support import DRAW_TIMEOUT, Watched, serve_built
from tests.helpers import ROOT, SPECS
from tests.requirements import require

# Chromium on a built site: the full suite's, not the quick loop's (see pyproject.toml).
pytestmark = pytest.mark.slow

axe_playwright = require(
    "axe_playwright_python.sync_playwright", "pip install axe-playwright-python"
)

#: The WCAG 2.0, 2.1 and 2.2 level A and AA rules.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
OPTIONS = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}
#: After the toggle only colours have changed: the rules that read colours, run again. (The
#: others, names, roles, structure, would find what they found in the first palette; skipping
#: them takes a third off the second pass.)
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
COLOUR_OPTIONS = {
    "runOnly": {"type": "rule", "values": COLOUR_RULES},
    "resultTypes": ["violations"],
}
FAILING = ("serious", "critical")
PALETTES = {"default": "light", "slate": "dark"}
PALETTE_OF = {name: scheme for scheme, name in PALETTES.items()}

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

#: Back at the top, the header's title is done fading from the page's title to the site's:
#: Material has dropped the title's active class (it does so on a scroll event, after the
#: scroll: until then the topics' opacities are still the old state's 0 and 1, and axe would run
#: on the fade that follows), and no topic is part-way through the fade.
SETTLED = """
() => window.scrollY === 0
  && !document.querySelector('.md-header__title')?.classList.contains('md-header__title--active')
  && [...document.querySelectorAll('.md-header__topic')].every(
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


#: The article's text with its code, scripts and styles taken out.
PROSE = """() => {
  const article = document.querySelector('article');
  if (!article) return '';
  const copy = article.cloneNode(true);
  copy.querySelectorAll('code, pre, script, style, svg').forEach((e) => e.remove());
  return copy.textContent;
}"""


@dataclass
class Visit:
    """What opening the pages found, page by page (by their address below the site's)."""

    pages: list[str] = field(default_factory=list)
    states: dict[str, list[str]] = field(default_factory=dict)
    """Each page's figures' ``data-state`` once drawn."""
    palettes: set[tuple[str, str]] = field(default_factory=set)
    """(page, palette) for every palette a page was checked in."""
    violations: list[str] = field(default_factory=list)
    backticks: dict[str, str] = field(default_factory=dict)
    """A page whose prose shows a backtick, with the text around the first."""
    errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)


def summary(url: str, palette: str, violations: list[dict[str, Any]]) -> list[str]:
    lines = []
    for violation in violations:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
        lines.append(
            f"{url} [{palette}] {violation['id']} ({violation['impact']}): "
            f"{len(violation['nodes'])} elements, e.g. {'; '.join(targets)}"
        )
    return lines


def check(page: Any, axe: Any, where: str, options: dict[str, Any]) -> list[str]:
    """axe-core's serious and critical violations of the rules ``options`` run on the page as
    it is shown now."""
    page.wait_for_function(SETTLED)
    scheme = page.evaluate("document.body.dataset.mdColorScheme")
    results = axe.run(page, options=options).response
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


def visit(browser: Any, server: str, urls: list[str], artifacts: Path | None = None) -> Visit:
    """Opens each page in one context, draws its figures, reads its prose and checks it in the
    palette it opens in and again after the toggle. Material remembers the choice, so pages
    open alternately light and dark, and each is seen in both; toggling on the page draws its
    figures once for both palettes."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
    watched = Watched(context.new_page())
    page = watched.page
    page.set_default_timeout(DRAW_TIMEOUT)
    axe = axe_playwright.Axe()
    found = Visit()
    for url in urls:
        where = url.removeprefix(server) or "/"
        found.pages.append(where)
        page.goto(url)
        found.states[where] = page.evaluate(DRAW_ALL)
        prose = page.evaluate(PROSE)
        if "`" in prose:
            at = prose.index("`")
            found.backticks[where] = prose[max(at - 60, 0) : at + 40]
        for turn in range(len(PALETTES)):
            if turn:
                switch_palette(page)
            scheme = page.evaluate("document.body.dataset.mdColorScheme")
            found.palettes.add((where, PALETTES[scheme]))
            found.violations += check(page, axe, where, COLOUR_OPTIONS if turn else OPTIONS)
            if artifacts is not None:
                name = where.strip("/").replace("/", "_") or "home"
                page.screenshot(path=artifacts / f"{name}-{PALETTES[scheme]}.png", full_page=True)
    found.errors, found.outside = watched.errors, watched.outside
    context.close()
    return found


#: The phone the screenshots are taken on: an iPhone 12's viewport, touch, as a reader holds it.
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def photograph_on_a_phone(browser: Any, server: str, urls: list[str], artifacts: Path) -> None:
    """A full-page screenshot of each page on a phone in each palette (``NAME-phone-dark.png``),
    its figures drawn: only with ``SCREENSHOTS``, for a reader to look at; nothing is checked."""
    for scheme, palette in (("light", "light"), ("dark", "dark")):
        context = browser.new_context(**PHONE, color_scheme=scheme)
        page = context.new_page()
        page.set_default_timeout(DRAW_TIMEOUT)
        for url in urls:
            page.goto(url)
            if page.evaluate("document.body.dataset.mdColorScheme") != PALETTE_OF[palette]:
                switch_palette(page)
            page.evaluate(DRAW_ALL)
            page.wait_for_function(SETTLED)
            name = url.removeprefix(server).strip("/").replace("/", "_") or "home"
            page.screenshot(path=artifacts / f"{name}-phone-{palette}.png", full_page=True)
        context.close()


@pytest.fixture(scope="module")
def site(browser: Any, server: str, artifacts: Path | None) -> Visit:
    """Every page of the shipped site, visited once."""
    urls = pages(server)
    assert len(urls) >= 25, urls
    found = visit(browser, server, urls, artifacts)
    if artifacts is not None:
        photograph_on_a_phone(browser, server, urls, artifacts)
    return found


def test_every_figure_on_every_page_draws(site: Visit) -> None:
    assert sum(len(states) for states in site.states.values()) >= 20
    undrawn = {page: s for page, s in site.states.items() if any(x != "drawn" for x in s)}
    assert undrawn == {}


def test_no_serious_or_critical_violation_on_any_page_in_either_palette(site: Visit) -> None:
    assert site.palettes == {(page, p) for page in site.pages for p in PALETTES.values()}
    assert not site.violations, "axe-core (WCAG 2 A/AA) found:\n" + "\n".join(site.violations)


def test_no_article_shows_a_literal_backtick(site: Visit) -> None:
    assert site.backticks == {}


def test_no_console_error_and_no_request_leaves_the_site(site: Visit) -> None:
    assert site.errors == []
    assert site.outside == []


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


def test_the_overview_and_a_part_of_every_split_book_too(browser: Any, split_server: str) -> None:
    """The pages a large site splits its books into: each book's overview and its first part
    (the parts of a book share their template and their tables' kinds)."""
    urls = [
        url
        for url in pages(split_server)
        if url.removeprefix(split_server).split("/")[0] in site_pages.BOOKS
    ]
    chosen: dict[str, list[str]] = {}
    for url in urls:
        book = url.removeprefix(split_server).split("/")[0]
        chosen.setdefault(book, [])
        if len(chosen[book]) < 2:
            chosen[book].append(url)
    assert set(chosen) == set(site_pages.BOOKS) and all(len(c) == 2 for c in chosen.values())
    found = visit(browser, split_server, [url for c in chosen.values() for url in c])
    assert all(state == "drawn" for s in found.states.values() for state in s), found.states
    assert not found.violations, "axe-core (WCAG 2 A/AA) found:\n" + "\n".join(found.violations)
    assert found.backticks == {}
    assert (found.errors, found.outside) == ([], [])
