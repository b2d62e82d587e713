"""The build cache: what one architecture alone produces, kept between builds, never stale.

The cache is the plugin's option ``cache`` (mkdocs.yml sets it from ``ARCHITECTURES_CACHE``; every
other test builds with it off). A build with it on writes the very site a build with it off writes,
whatever the edits before it: these tests build with MkDocs in-process, through its public API,
after each kind of edit a contributor makes.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

from generator.edges.cache import FOLDER, BuildCache
from tests.helpers import copy_project


def site_of(project: Path, out: Path, *, cache: bool, monkeypatch: pytest.MonkeyPatch) -> str:
    """Build ``project`` into ``out`` with the cache on or off; the build's log line."""
    monkeypatch.setenv("ARCHITECTURES_CACHE", "true" if cache else "false")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(out), strict=True)
    plugin = config.plugins["architectures"]
    mkdocs_build(config)
    return plugin.report()  # type: ignore[attr-defined, no-any-return]


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{path.name} no longer holds {old!r}: update the edit"
    path.write_text(text.replace(old, new, 1), "utf-8")


def specs(project: Path) -> Path:
    return project / "docs" / "architectures"


#: The edits a contributor makes, each followed by a cached build that must equal an uncached one.
EDITS: dict[str, Callable[[Path], None]] = {
    "a title": lambda p: replace(specs(p) / "zfnet.yml", "title: ", "title: Edited "),
    # The paper's network: every comparison against "AlexNet" reads it.
    "a layer's width": lambda p: replace(
        specs(p) / "alexnet-2012.yml",
        "{name: conv1, kind: conv, out_channels: 96",
        "{name: conv1, kind: conv, out_channels: 64",
    ),
    # squeezenet-1.1 extends squeezenet-1.0, and states a difference against it.
    "an extends parent": lambda p: replace(
        specs(p) / "squeezenet-1.0.yml",
        "{name: fire2.squeeze1x1, kind: conv, out_channels: 16",
        "{name: fire2.squeeze1x1, kind: conv, out_channels: 24",
    ),
    # resnet-34 compares itself with vgg-19, which extends vgg-16.
    "a compared target's parent": lambda p: replace(
        specs(p) / "vgg-16.yml",
        "{name: conv1_1, kind: conv, out_channels: 64",
        "{name: conv1_1, kind: conv, out_channels: 32",
    ),
    # A new member of AlexNet's family: comparisons against "AlexNet" may read it.
    "a spec added": lambda p: shutil.copy(specs(p) / "zfnet.yml", specs(p) / "zfnet-copy.yml"),
    "a spec removed": lambda p: (specs(p) / "tf-slim-alexnet-v2.yml").unlink(),
}


@pytest.mark.slow
def test_after_every_kind_of_edit_a_cached_build_writes_the_site_an_uncached_build_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = copy_project(tmp_path / "project")
    first = site_of(project, tmp_path / "cold", cache=True, monkeypatch=monkeypatch)
    assert "0 kept from the cache" in first, first
    for step, (name, edit) in enumerate(EDITS.items()):
        edit(project)
        cached = tmp_path / f"cached-{step}"
        report = site_of(project, cached, cache=True, monkeypatch=monkeypatch)
        plain = tmp_path / f"plain-{step}"
        site_of(project, plain, cache=False, monkeypatch=monkeypatch)
        assert tree(cached) == tree(plain), f"after {name}, the cached build differs"
        # The edit changed some architectures' files, not all of them.
        assert " 0 kept" not in report and " 0 made" not in report, (name, report)


@pytest.mark.slow
def test_with_the_cache_off_a_build_writes_nothing_under_dot_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = copy_project(tmp_path / "project")
    report = site_of(project, tmp_path / "site", cache=False, monkeypatch=monkeypatch)
    assert not (project / ".cache").exists()
    assert "kept from the cache" not in report


@pytest.mark.slow
def test_a_second_build_makes_nothing_and_keeps_one_entry_per_architecture(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = copy_project(tmp_path / "project")
    site_of(project, tmp_path / "one", cache=True, monkeypatch=monkeypatch)
    report = site_of(project, tmp_path / "two", cache=True, monkeypatch=monkeypatch)
    count = len(list(specs(project).glob("*.yml")))
    assert report.endswith(f"{count} kept from the cache, 0 made"), report
    assert len(list((project / FOLDER).iterdir())) == count
    assert tree(tmp_path / "one") == tree(tmp_path / "two")


# --- the cache folder itself, without MkDocs -------------------------------------------------


def make() -> dict[str, str]:
    return {"architectures/net.md": "# Net\n", "architectures/net/figure.json": "{}"}


def test_an_entry_is_made_once_then_read_back(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path)
    calls: list[int] = []

    def counted() -> dict[str, str]:
        calls.append(1)
        return make()

    assert cache.files("k1", counted) == make()
    assert cache.files("k1", counted) == make()
    assert len(calls) == 1 and (cache.hits, cache.misses) == (1, 1)


@pytest.mark.parametrize(
    "text",
    [
        "not json {",
        json.dumps(["a list"]),
        json.dumps({"key": "another key", "files": make()}),
        json.dumps({"key": "k1", "files": {"a.md": 3}}),
        json.dumps({"key": "k1"}),
    ],
    ids=["unparsable", "not an object", "another key", "a value not text", "no files"],
)
def test_an_entry_that_does_not_parse_or_match_is_ignored_and_made_again(
    tmp_path: Path, text: str
) -> None:
    (tmp_path / "k1.json").write_text(text, "utf-8")
    cache = BuildCache(tmp_path)
    assert cache.files("k1", make) == make()
    assert cache.misses == 1
    assert json.loads((tmp_path / "k1.json").read_text("utf-8"))["files"] == make()


def test_pruning_removes_what_the_build_did_not_use(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path)
    cache.files("old", make)
    (tmp_path / "left-by-a-cut-write.tmp").write_text("", "utf-8")
    cache.start()
    cache.files("new", make)
    cache.prune()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.json"]


def test_a_folder_that_cannot_be_written_only_makes_the_build_slower(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("", "utf-8")
    cache = BuildCache(blocked / "cache")
    assert cache.files("k1", make) == make()
    assert cache.files("k1", make) == make()
    assert cache.misses == 2
