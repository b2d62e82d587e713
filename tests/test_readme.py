"""The README's layout table is the map of the folders: it names each one, and only real ones."""

from __future__ import annotations

import re

from tests.helpers import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _layout_paths() -> list[str]:
    section = README.split("## Layout", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([^`]+)` \|", section, flags=re.MULTILINE)


def test_every_path_in_the_layout_table_exists() -> None:
    paths = _layout_paths()
    assert len(paths) > 5
    missing = [path for path in paths if not (ROOT / path).exists()]
    assert missing == []


def test_every_stage_of_the_generator_is_in_the_layout_table() -> None:
    listed = set(_layout_paths())
    stages = sorted(
        f"{p.parent.relative_to(ROOT).as_posix()}/"
        for p in (ROOT / "generator").rglob("__init__.py")
        if p.parent != ROOT / "generator"
    )
    assert [stage for stage in stages if stage not in listed] == []
