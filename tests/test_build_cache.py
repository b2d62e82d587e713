"""The build cache: a save under `mkdocs serve` recomputes only what it changed, never less.

Whatever the edits before it, a build with the cache writes the very files a build without it
writes. Most tests here run the pipeline in-process (the loader, the model, the site's files) the
way the plugin does, with and without a cache; the last ones build with MkDocs.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from generator.analysis.model import build_site_model
from generator.core.memo import Key
from generator.edges import cache as cache_module
from generator.edges.cache import FOLDER, BuildCache, PageFolder
from generator.load import loader
from generator.render import site
from tests.helpers import SHIPPED, build, copy_project


def files_without_cache(specs: Path) -> dict[str, str]:
    return site.site_files(build_site_model(loader.load_folder(specs)))


def files_with(cache: BuildCache, specs: Path) -> dict[str, str]:
    """What the plugin adds to the site, built through ``cache`` as the plugin builds it."""
    found = loader.load_folder_partially(specs, cache.loader(loader.load_analysed))
    assert not found.problems, found.problems
    files = site.site_files(build_site_model(found.analyses, cache), cache)
    cache.prune()
    return files


def edit(path: Path, change: Callable[[dict[str, object]], None]) -> None:
    data = yaml.safe_load(path.read_text("utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")


@pytest.fixture
def specs(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project") / "docs" / "architectures"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def test_a_second_build_computes_nothing_again_and_gives_the_same_files(
    specs: Path, folder: Path
) -> None:
    first = BuildCache(folder)
    assert files_with(first, specs) == files_without_cache(specs)
    assert not first.hits, "a cold build finds nothing"

    second = BuildCache(folder)
    assert files_with(second, specs) == files_without_cache(specs)
    assert not second.misses, "a warm build computes nothing it kept"
    for kind in ("specs", "own", "architecture"):
        assert second.hits[kind] == len(SHIPPED), kind


def test_an_edited_spec_is_worked_out_again_and_only_it(specs: Path, folder: Path) -> None:
    files_with(BuildCache(folder), specs)
    edit(specs / "zfnet.yml", lambda d: d.update(title="ZFNet, edited"))

    after = BuildCache(folder)
    files = files_with(after, specs)
    assert files == files_without_cache(specs)
    assert "ZFNet, edited" in files["architectures/zfnet.md"]
    assert after.misses["specs"] == after.misses["own"] == after.misses["architecture"] == 1


def test_an_edited_parent_is_seen_in_every_spec_that_extends_it(specs: Path, folder: Path) -> None:
    files_with(BuildCache(folder), specs)

    def narrower(data: dict[str, object]) -> None:
        layers = data["layers"]
        assert isinstance(layers, list)
        conv = next(layer for layer in layers if layer.get("kind") == "conv")
        conv["out_channels"] = 32

    edit(specs / "vgg-16.yml", narrower)
    after = BuildCache(folder)
    assert files_with(after, specs) == files_without_cache(specs)
    # VGG-16 and VGG-19, which extends it, are loaded again; nothing else is.
    assert after.misses["specs"] == 1, "vgg-19's own text did not change: its entry is found"
    assert after.misses["own"] == 2, "but its analysis is worked out again from its parent"


def test_a_copy_of_a_spec_under_another_name_gets_its_own_files(specs: Path, folder: Path) -> None:
    files_with(BuildCache(folder), specs)
    (specs / "zfnet-copy.yml").write_text((specs / "zfnet.yml").read_text("utf-8"), "utf-8")
    files = files_with(BuildCache(folder), specs)
    assert files == files_without_cache(specs)
    assert "architectures/zfnet-copy/zfnet-copy.json" in files


def test_a_spec_removed_from_under_a_comparison_is_reported_not_served_from_the_cache(
    specs: Path, folder: Path
) -> None:
    files_with(BuildCache(folder), specs)
    (specs / "d2l-alexnet.yml").unlink()  # nothing names it: the others load from the cache
    assert files_with(BuildCache(folder), specs) == files_without_cache(specs)

    (specs / "alexnet-2012.yml").unlink()  # googlenet, vgg-16, squeezenet... compare with it
    found = loader.load_folder_partially(specs, BuildCache(folder).loader(loader.load_analysed))
    reported = {Path(p.location.path).name for p in found.problems}
    assert {"googlenet.yml", "vgg-16.yml", "squeezenet-1.0.yml"} <= reported


def test_new_code_finds_nothing(specs: Path, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files_with(BuildCache(folder), specs)
    monkeypatch.setattr(cache_module, "code_version", lambda: "another version")
    later = BuildCache(folder)
    assert files_with(later, specs) == files_without_cache(specs)
    assert not later.hits
    # The entries of the old code were pruned: one site's worth is kept.
    assert len(list((folder / "specs").glob("*.pickle"))) == len(SHIPPED)


def test_an_unreadable_entry_is_a_miss(specs: Path, folder: Path) -> None:
    files_with(BuildCache(folder), specs)
    for entry in (folder / "architecture").glob("*.pickle"):
        entry.write_bytes(b"not a pickle")
    later = BuildCache(folder)
    assert files_with(later, specs) == files_without_cache(specs)
    assert later.misses["architecture"] == len(SHIPPED)


def test_a_result_of_a_spec_the_cache_did_not_load_is_computed_and_not_kept(
    folder: Path,
) -> None:
    memo = BuildCache(folder)
    calls: list[int] = []

    def work() -> int:
        calls.append(1)
        return 42

    assert memo(Key("own", "never-loaded"), work) == 42
    assert memo(Key("own", "never-loaded"), work) == 42
    assert len(calls) == 2
    assert not (folder / "own").exists()
    # A result of the code alone, or of a text the key carries, is kept.
    assert memo(Key("schema"), work) == memo(Key("schema"), work) == 42
    assert memo(Key("highlight", text="x = 1\n"), work) == 42
    assert memo(Key("highlight", text="x = 1\n"), work) == 42
    assert len(calls) == 4


def test_a_second_mkdocs_build_rewrites_no_entry_and_builds_the_same_site(
    tmp_path: Path,
) -> None:
    project = copy_project(tmp_path / "project")
    assert build(project, tmp_path / "site-1").returncode == 0
    kept = {p: p.stat().st_mtime_ns for p in (project / FOLDER).rglob("*") if p.is_file()}
    assert any(p.parent.name == "templates" for p in kept), "Jinja's compiled templates"

    second = build(project, tmp_path / "site-2")
    assert second.returncode == 0, second.stderr
    now = {p: p.stat().st_mtime_ns for p in (project / FOLDER).rglob("*") if p.is_file()}
    assert now.items() <= kept.items(), "nothing worked out again, nothing rewritten"
    # Only entries used inside others go (a page's highlighted script, a network's counts for
    # the readings of a claim): each is used only when the entry around it is made again.
    assert {p.parent.name for p in kept.keys() - now.keys()} <= {"highlight", "counts"}
    assert site_tree(tmp_path / "site-2") == site_tree(tmp_path / "site-1")

    shutil.rmtree(project / ".cache")
    assert build(project, tmp_path / "site-3").returncode == 0
    assert site_tree(tmp_path / "site-3") == site_tree(tmp_path / "site-1")


def test_a_cache_folder_that_cannot_be_made_only_makes_the_build_slower(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    (project / ".cache").write_text("a file where the cache folder would go", "utf-8")
    result = build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "architectures" / "zfnet" / "script.html").is_file()


def test_the_page_folder_writes_what_changed_and_removes_the_pages_no_longer_made(
    tmp_path: Path,
) -> None:
    first = PageFolder(tmp_path / "pages")
    kept = first.write("architectures/zfnet.md", "# ZFNet\n")
    first.write("architectures/gone.md", "# Gone\n")
    first.remove_others()
    written = kept.stat().st_mtime_ns

    second = PageFolder(tmp_path / "pages")
    assert second.write("architectures/zfnet.md", "# ZFNet\n") == kept
    changed = second.write("lineage/index.md", "# Lineage\n")
    second.remove_others()
    assert kept.stat().st_mtime_ns == written, "a page that did not change is not written again"
    assert changed.read_text("utf-8") == "# Lineage\n"
    pages = {p.relative_to(tmp_path / "pages").as_posix() for p in (tmp_path / "pages").rglob("*")}
    assert pages == {"architectures", "architectures/zfnet.md", "lineage", "lineage/index.md"}


def test_a_page_that_cannot_be_written_is_handed_over_as_text(tmp_path: Path) -> None:
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "architectures").write_text("a file where a folder would go", "utf-8")
    # None tells the plugin to hand MkDocs the page's text instead.
    assert PageFolder(tmp_path / "pages").write("architectures/zfnet.md", "# ZFNet\n") is None
    assert [p.name for p in (tmp_path / "pages").iterdir()] == ["architectures"]


def site_tree(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in site.rglob("*") if p.is_file()}
