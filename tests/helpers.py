"""What the tests share that is not a fixture: where things are, the minimal spec, and how a test
runs the generator (its CLI, MkDocs, the files it adds to a site). Fixtures are in ``conftest.py``.

Every test that needs "a valid spec plus these layers" starts from :data:`MINIMAL`, written once
here: as YAML text (:func:`spec_text`, :func:`write_spec`) for tests that read line numbers, as
data (:func:`spec_data`) for tests that build a :class:`~generator.spec.models.Spec` directly.

Every test that needs the generated site files (pages, figure JSON, exports) gets them from
:func:`generated_files`, the one place the tests call the site renderer.
"""

from __future__ import annotations

import atexit
import copy
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.analysis.model import build_site_model
from generator.core.results import Analysis
from generator.load import loader
from generator.render import site
from generator.spec import schema
from generator.spec.errors import SpecError

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "docs" / "architectures"
SHIPPED = [p.name.removesuffix(".yml") for p in loader.spec_paths(SPECS)]
GOLDENS = Path(__file__).resolve().parent / "goldens"

#: MkDocs 1.6 prints a notice about MkDocs 2 on every run unless told not to.
#: Builds run as a contributor's do, but with the build cache off (mkdocs.yml reads the variable):
#: a test never reads or writes the developer's ``.cache``; the cache's own tests turn it on.
BUILD_ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "ARCHITECTURES_CACHE": "false"}


# --- The minimal spec ------------------------------------------------------------------------

#: The smallest valid spec but for its layers: line 6 is ``layers:``, so the first layer a test
#: appends is on line 7.
MINIMAL = """\
title: Tiny
summary: A tiny network for tests.
input: [3, 32, 32]
sources:
  src: {citation: A source, url: "https://tiny.test/", states: Everything.}
layers:
"""


_MINIMAL_DATA: dict[str, Any] = yaml.safe_load(MINIMAL)


def spec_data(*layers: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """:data:`MINIMAL` as data, with ``layers`` and any top-level field replaced.

    A deep copy: a test may change what it gets without changing what it passed in.
    """
    return copy.deepcopy({**_MINIMAL_DATA, "layers": list(layers), **fields})


#: :data:`MINIMAL`'s one source, for specs that need it as data.
SOURCES: dict[str, Any] = spec_data()["sources"]


def spec_text(layers: str = "") -> str:
    """:data:`MINIMAL` with ``layers`` (YAML list items, as indented in the test) under ``layers:``."""
    return MINIMAL + textwrap.indent(textwrap.dedent(layers), "  ")


def write_spec(
    folder: Path, layers: str = "", *, text: str | None = None, name: str = "tiny"
) -> Path:
    """Write ``folder/NAME.yml``: :func:`spec_text` of ``layers``, or ``text`` (dedented) instead."""
    path = folder / f"{name}.yml"
    path.write_text(textwrap.dedent(text) if text is not None else spec_text(layers), "utf-8")
    return path


def fill_in(path: Path) -> Path:
    """A scaffold (``generator new``) or a draft (``generator import``) with its placeholders
    replaced, as its contributor replaces them before ``check`` accepts it."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"https://example\.org/[^\s\"']*", "https://tiny.test/source", text)
    path.write_text(text.replace("TODO", "Filled in"), encoding="utf-8")
    return path


def load_spec(path: Path) -> Analysis:
    """A spec file loaded and analysed, as ``mkdocs build`` does it."""
    return loader.analyse(loader.load(path))


def problems(path: Path) -> list[str]:
    """The lines of the report of a spec file that must be rejected."""
    with pytest.raises(SpecError) as caught:
        load_spec(path)
    return caught.value.report().splitlines()


# --- Running the generator -------------------------------------------------------------------


def generated_files(analyses: Sequence[Analysis]) -> dict[str, str]:
    """Every file the generator adds to a site of ``analyses``, by its path in the docs tree.

    The one call of the site renderer in the tests: when its signature changes, change this line.
    """
    return site.site_files(build_site_model(list(analyses)))


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """``python -m generator ARGS`` as a reader runs it in a terminal."""
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )


@functools.cache
def _own_config() -> Path:
    """A ``mkdocs.yml`` of this process's own that builds the working tree's ``docs/``.

    The generator keeps its build cache next to ``mkdocs.yml`` (``.cache/architectures/``). Built
    from this configuration, the working tree gets a cache of this test process's own, which no
    other process writes into, prunes or reads pages from while a build runs: neither the other
    workers of ``pytest -n auto`` nor anyone's ``mkdocs build`` or ``mkdocs serve`` in the tree.
    """
    folder = Path(tempfile.mkdtemp(prefix="alexnet-tests-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    config = folder / "mkdocs.yml"
    config.write_text(
        f"INHERIT: {json.dumps(str(ROOT / 'mkdocs.yml'))}\n"
        f"docs_dir: {json.dumps(str(ROOT / 'docs'))}\n",
        "utf-8",
    )
    return config


def _last_commit_time() -> str | None:
    """The time of the working tree's last commit, by which the plugin dates a build of it."""
    try:
        found = subprocess.run(
            ["git", "log", "-1", "--format=%ct"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return None
    return found.stdout.strip() if found.returncode == 0 and found.stdout.strip() else None


def build(
    project: Path, site: Path, *extra: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict`` of ``project`` into ``site``, as a contributor runs it.

    A build of the working tree itself (:data:`ROOT`) reads its ``mkdocs.yml`` and ``docs/``
    through :func:`_own_config`, so that its build cache is this process's, and is dated, as
    in the tree, by the last commit (the plugin reads it from the configuration's folder).
    """
    config = project / "mkdocs.yml"
    if project.resolve() == ROOT:
        config = _own_config()
        epoch = _last_commit_time()
        if epoch is not None and "SOURCE_DATE_EPOCH" not in os.environ:
            env = {"SOURCE_DATE_EPOCH": epoch, **(env or {})}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-f",
            str(config),
            "-d",
            str(site),
            *extra,
        ],
        capture_output=True,
        text=True,
        env={**BUILD_ENV, **(env or {})},
        check=False,
    )


def copy_project(folder: Path, *, with_schema: bool = False) -> Path:
    """The project's specs and ``mkdocs.yml`` (and its schema, if asked) copied into ``folder``."""
    shutil.copytree(SPECS, folder / "docs" / "architectures")
    shutil.copy(ROOT / "mkdocs.yml", folder / "mkdocs.yml")
    if with_schema:
        (folder / schema.SCHEMA_PATH).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / schema.SCHEMA_PATH, folder / schema.SCHEMA_PATH)
    return folder


# --- Reading the built HTML ------------------------------------------------------------------


@dataclass
class Table:
    """One HTML table as text: its header cells and the cells of each body row."""

    headers: list[str]
    rows: list[list[str]]


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: list[Table] = []
        self._cell: list[str] | None = None
        self._row: list[str] = []
        self._header = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append(Table([], []))
        elif tag == "tr":
            self._row, self._header = [], False
        elif tag in ("td", "th"):
            self._cell, self._header = [], tag == "th"

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self.tables:
            table = self.tables[-1]
            if self._header:
                table.headers = self._row
            else:
                table.rows.append(self._row)

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def html_tables(html: str) -> list[Table]:
    """Every table of a page, in page order, as the reader sees its text."""
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def number(cell: str) -> int:
    """A count as a page prints it: ``60,965,224``, or ``—`` (or nothing) for none."""
    cell = cell.strip()
    return 0 if cell in ("—", "") else int(cell.replace(",", ""))
