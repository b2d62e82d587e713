"""The site-wide pages that grow with the site (lineage, audit, successors, comparison) stay one page
while they fit the page budget, and past it become an overview and parts that each fit (issue 13).

The shipped specs fit, so the shipped site is one page each. A thousand specs take minutes to
analyse, so the split is shown on the shipped specs with a budget smaller than their pages.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from mkdocs.commands import build as mkdocs_build
from mkdocs.config import load_config

from generator.analysis.model import SiteModel, build_site_model
from generator.core.results import Analysis
from generator.edges import plugin
from generator.render import chapters, pages
from tests.helpers import ROOT, build


@pytest.fixture(scope="module")
def site(analyses: dict[str, Analysis]) -> SiteModel:
    return build_site_model(list(analyses.values()))


@pytest.fixture(scope="module")
def small(site: SiteModel) -> int:
    """A budget half the size of the shortest book as one page: every book must split."""
    return min(len(text.encode()) for text in whole_books(site).values()) // 2


def whole_books(site: SiteModel) -> dict[str, str]:
    """Each book as one page, by stem."""
    found = {
        pages.LINEAGE: pages.lineage_page(site),
        pages.AUDIT: pages.audit_page(site),
        pages.SUCCESSORS: pages.successors_page(site),
        pages.COMPARE: pages.compare_page(site),
    }
    return {stem: text for stem, text in found.items() if text is not None}


def links(markdown: str) -> list[str]:
    return re.findall(r"\]\(([^)#]+\.md)", markdown)


def test_the_shipped_books_are_one_page_each(site: SiteModel) -> None:
    written = pages.site_pages(site)
    for stem in pages.BOOKS:
        assert f"{stem}.md" in written, stem
        assert not [p for p in written if p.startswith(f"{stem}/") and p.endswith(".md")], stem


def test_the_budget_keeps_a_page_under_the_html_ceiling() -> None:
    """A wide table of right-aligned numbers grows about three times into HTML; the budget leaves
    room for four times, and for the header and sidebar around it."""
    assert chapters.PAGE_BUDGET * chapters.HTML_PER_MARKDOWN < chapters.HTML_LIMIT


def test_past_the_budget_each_book_is_an_overview_and_parts_that_fit(
    site: SiteModel, small: int
) -> None:
    written = pages.site_pages(site, budget=small)
    for stem in pages.BOOKS:
        assert f"{stem}.md" not in written, stem
        overview = written[f"{stem}/index.md"]
        parts = {p for p in written if p.startswith(f"{stem}/") and p != f"{stem}/index.md"}
        parts = {p for p in parts if p.endswith(".md")}
        # The overview links every part, and nothing else of the book.
        assert {f"{stem}/{target}" for target in links(overview) if "/" not in target} == parts
        for path in parts:
            # A wide book's parts hide the site's navigation, as its one page does.
            text = written[path].removeprefix("---\nhide:\n  - navigation\n---\n\n")
            assert text.startswith("# "), path
            assert "](index.md)" in written[path], f"{path} links back to its overview"


def test_a_part_holds_at_most_the_budget_unless_it_is_one_item() -> None:
    rows = tuple(chapters.Item(f"net-{i}", f"| net-{i} | {i} |\n") for i in range(40))
    head = "| Network | Count |\n|---|--:|\n"
    chapter = chapters.Chapter("t", "T", "An intro.\n", (chapters.Block(rows, head=head),))
    budget = 200
    found = chapters.parts_of(chapter, budget)
    assert len(found) > 1
    # In order, each row once, and the table's head again on every page it continues on.
    assert "".join(p.text.replace(head, "") for p in found) == "".join(r.text for r in rows)
    assert all(p.text.startswith(head) and len(p.text.encode()) <= budget for p in found)
    assert [found[0].first, found[-1].last] == ["net-0", "net-39"]
    big = chapters.Chapter("b", "B", "", (chapters.Block((chapters.Item("x", "y" * 500),)),))
    assert [p.text for p in chapters.parts_of(big, budget)] == ["y" * 500]


def test_every_network_with_differences_is_on_one_lineage_part(site: SiteModel, small: int) -> None:
    written = pages.site_pages(site, budget=small)
    parts = [t for p, t in written.items() if p.startswith("lineage/") and p != "lineage/index.md"]
    for lineage in site.families:
        for variant in lineage.variants:
            anchor = f"{{ #{variant.analysis.name} data-search-exclude }}"
            assert sum(anchor in t for t in parts) == 1, variant.analysis.name


def test_the_home_page_lists_families_when_every_network_would_not_fit(
    site: SiteModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    every = pages.home_page(site)
    assert "](architectures/vgg-19.md)" in every
    monkeypatch.setattr(chapters, "PAGE_BUDGET", len(every.encode()) - 1)
    families = pages.home_page(site)
    assert "](architectures/vgg-19.md)" not in families
    assert "[the architectures index](architectures/index.md)" in families
    for lineage in site.families:
        assert f"| {lineage.family.name} | {len(lineage.members)} |" in families


@pytest.mark.slow
def test_split_books_build_with_plain_mkdocs_strict(
    tmp_path: Path, site: SiteModel, small: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every link and anchor of the overviews and parts resolves (``--strict`` fails otherwise)."""
    monkeypatch.setattr(chapters, "PAGE_BUDGET", small)
    out = tmp_path / "pages"
    plugin.write_pages(ROOT, out)
    built = build(out, tmp_path / "site")
    assert built.returncode == 0, built.stderr
    for stem in pages.BOOKS:
        assert (tmp_path / "site" / stem / "index.html").is_file(), stem


@pytest.mark.slow
def test_the_sidebar_shows_a_split_book_by_its_overview_only(
    tmp_path: Path, small: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A split book's parts grow with the site; Material writes the sidebar into every page."""
    monkeypatch.setattr(chapters, "PAGE_BUDGET", small)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    site_dir = tmp_path / "site"
    config = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(site_dir))
    mkdocs_build.build(config)
    home = (site_dir / "index.html").read_text("utf-8")
    sidebar = home[home.index('data-md-type="navigation"') : home.index('data-md-type="toc"')]
    for stem in pages.BOOKS:
        assert f'href="{stem}/"' in sidebar, stem
        assert not re.search(rf'href="{stem}/[^"]+/"', sidebar), stem


@pytest.mark.slow
def test_the_books_keep_prose_and_headings_in_search_but_no_table(built_site: Path) -> None:
    """Material indexes a page by its sections; the books' number tables are left out."""
    index = json.loads((built_site / "search" / "search_index.json").read_text("utf-8"))
    docs = [d for d in index["docs"] if d["location"].split("/")[0] in pages.BOOKS]
    assert {d["location"].split("/")[0] for d in docs} == set(pages.BOOKS)
    # Material flattens a table to its cells' text: a header row shows as its words in a row.
    heads = ("Paper's layer Variant's layer What differs", "Stated number Stated Computed Verdict")
    assert not [d["location"] for d in docs for head in heads if head in d["text"]]
    titles = {d["title"] for d in docs}
    assert "VGG-19 (Simonyan and Zisserman, 2014), configuration E" in titles  # a lineage section
    assert any("projection shortcut" in d["text"] for d in docs)  # the successors' prose
