"""A page MkDocs converted in the last build is not converted again, and nothing it reported is lost.

The build cache keeps each page's HTML (see ``generator.edges.rendered``). These builds check what
a reader and a contributor would notice if it kept too much: a link to a page that is gone, an
anchor that is gone, a broken link reported once and then never again.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.edges.cache import FOLDER
from generator.edges.rendered import KIND
from tests.helpers import build, copy_project


@pytest.fixture
def project(tmp_path: Path) -> Path:
    project = copy_project(tmp_path / "project")
    write(project, "notes.md", "# Notes\n\nSee [the part](other.md#the-part).\n")
    write(project, "other.md", "# Other\n\n## The part\n\nText.\n")
    return project


def write(project: Path, page: str, text: str) -> None:
    (project / "docs" / page).write_text(text, "utf-8")


def kept(project: Path) -> set[str]:
    return {p.name for p in (project / FOLDER / KIND).glob("*.pickle")}


def test_a_second_build_converts_no_page_again_and_writes_the_same_html(
    project: Path, tmp_path: Path
) -> None:
    first = build(project, tmp_path / "site-1")
    assert first.returncode == 0, first.stderr
    entries = kept(project)
    assert len(entries) > 20, "every page's conversion is kept"

    second = build(project, tmp_path / "site-2")
    assert second.returncode == 0, second.stderr
    assert kept(project) == entries
    # The build's log says so, with the generator's own time.
    assert f"of {len(entries)} pages, 0 converted to HTML and {len(entries)} kept" in second.stderr
    assert re.search(r"Architectures: \d+ specs, [\d.]+ s in the generator", second.stderr)
    page = "notes/index.html"
    assert (tmp_path / "site-2" / page).read_bytes() == (tmp_path / "site-1" / page).read_bytes()


def test_an_anchor_gone_from_another_page_is_reported_by_the_page_that_links_to_it(
    project: Path, tmp_path: Path
) -> None:
    assert build(project, tmp_path / "site-1").returncode == 0
    write(project, "other.md", "# Other\n\n## Another part\n\nText.\n")
    # notes.md is unchanged, so its HTML comes from the cache: its link is checked all the same.
    result = build(project, tmp_path / "site-2")
    assert result.returncode != 0
    assert "'notes.md' contains a link 'other.md#the-part'" in result.stderr


def test_a_page_gone_is_reported_by_the_page_that_links_to_it(
    project: Path, tmp_path: Path
) -> None:
    assert build(project, tmp_path / "site-1").returncode == 0
    (project / "docs" / "other.md").unlink()
    result = build(project, tmp_path / "site-2")
    assert result.returncode != 0
    assert "notes.md" in result.stderr and "other.md" in result.stderr


def test_a_broken_link_is_reported_at_every_build(project: Path, tmp_path: Path) -> None:
    write(project, "broken.md", "# Broken\n\nSee [nowhere](missing.md).\n")
    for run in range(2):
        result = build(project, tmp_path / f"site-{run}")
        assert result.returncode != 0, f"build {run} passed --strict"
        assert "'broken.md' contains a link 'missing.md'" in result.stderr
