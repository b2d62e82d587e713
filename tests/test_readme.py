"""The README's set-up commands are the ones CI runs, and its layout table is the map of the
folders: it names each one, and only real ones."""

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


def _set_up() -> str:
    return README.split("## Set up", 1)[1].split("\n## ", 1)[0]


def _commands(text: str) -> list[str]:
    """The lines of a shell script or of the README's ``sh`` blocks that are not comments."""
    return [
        line.strip()
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def test_the_set_up_is_two_commands_one_to_serve_and_one_to_test() -> None:
    blocks = re.findall(r"^```sh\n(.*?)^```", _set_up(), flags=re.MULTILINE | re.DOTALL)
    commands = [_commands(block) for block in blocks]
    assert [len(c) for c in commands] == [1, 1]
    (serve,), (test,) = commands
    assert serve.endswith("mkdocs serve")
    assert test.startswith("pip install -e '.[test]' && pytest")


def test_ci_runs_the_readmes_test_command_and_the_readme_names_the_quick_loop() -> None:
    test = re.findall(r"^```sh\n(.*?)^```", _set_up(), flags=re.MULTILINE | re.DOTALL)[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert _commands(ci)[-1] == _commands(test)[0]
    assert '`pytest -m "not slow"`' in _set_up()
