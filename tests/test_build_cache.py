"""The build cache: a save under `mkdocs serve` recomputes only what it changed, never less.

The plugin keeps the highlighted PyTorch scripts (by their text) and Jinja's compiled templates in
``.cache/architectures/`` next to ``mkdocs.yml``. These tests build a copy of the project the way
a contributor does and look at the site and the cache folder.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator.edges.cache import FOLDER, BuildCache
from generator.render import highlight
from tests.helpers import SHIPPED, build, copy_project

SCRIPT = "print('hello')\n"


def site_files(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def cached_scripts(project: Path) -> dict[str, float]:
    """The cache's highlighted scripts, by file name, with their modification times."""
    return {p.name: p.stat().st_mtime_ns for p in (project / FOLDER / "scripts").glob("*.html")}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("cached"))


def test_a_second_build_reuses_every_script_and_builds_the_same_site(project: Path) -> None:
    first = build(project, project / "site-1")
    assert first.returncode == 0, first.stderr
    kept = cached_scripts(project)
    assert len(kept) == len(SHIPPED), "one highlighted script per spec"

    second = build(project, project / "site-2")
    assert second.returncode == 0, second.stderr
    assert cached_scripts(project) == kept, "nothing highlighted again, nothing rewritten"
    assert site_files(project / "site-2") == site_files(project / "site-1")


def test_an_edited_spec_is_highlighted_again_and_its_old_script_dropped(project: Path) -> None:
    assert build(project, project / "site-before").returncode == 0
    before = cached_scripts(project)
    spec = project / "docs" / "architectures" / "zfnet.yml"
    data = yaml.safe_load(spec.read_text("utf-8"))
    data["title"] = "ZFNet, edited"
    spec.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")

    result = build(project, project / "site-after")
    assert result.returncode == 0, result.stderr
    after = cached_scripts(project)
    assert len(after) == len(before)
    assert len(set(after) - set(before)) == 1, "only the edited spec's script is new"
    shown = (project / "site-after" / "architectures" / "zfnet" / "script.html").read_text("utf-8")
    assert "ZFNet, edited" in shown


def test_a_cache_folder_that_cannot_be_made_only_makes_the_build_slower(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    (project / ".cache").write_text("a file where the cache folder would go", "utf-8")
    result = build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "architectures" / "zfnet" / "script.html").is_file()


def test_the_cache_gives_what_pygments_gives_and_counts_its_hits(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path / "cache")
    cached = cache.highlighter(highlight.python_html)
    assert cached(SCRIPT) == highlight.python_html(SCRIPT)
    assert (cache.hits, cache.misses) == (0, 1)
    assert BuildCache(tmp_path / "cache").highlighter(highlight.python_html)(SCRIPT) == cached(
        SCRIPT
    )
    assert cache.hits == 1


def test_pruning_keeps_only_what_the_build_used(tmp_path: Path) -> None:
    earlier = BuildCache(tmp_path / "cache")
    earlier.highlighter(highlight.python_html)("old = 1\n")
    later = BuildCache(tmp_path / "cache")
    later.highlighter(highlight.python_html)(SCRIPT)
    later.prune()
    assert len(list((tmp_path / "cache" / "scripts").glob("*.html"))) == 1
    assert later.highlighter(highlight.python_html)(SCRIPT) and later.hits == 1
