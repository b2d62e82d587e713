"""Shared fixtures: the shipped specs, analysed once, and a way to write specs for error tests."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.core.results import Analysis
from generator.load import loader

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "docs" / "architectures"
SHIPPED = [p.name.removesuffix(".yml") for p in loader.spec_paths(SPECS)]


BUILD_ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def build(
    project: Path, site: Path, *extra: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict`` of ``project`` into ``site``, as a contributor runs it."""
    config = project / "mkdocs.yml"
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


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's site, built once per test run."""
    out = tmp_path_factory.mktemp("site")
    result = build(ROOT, out)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return out


@pytest.fixture(scope="session")
def analyses() -> dict[str, Analysis]:
    return {a.name: a for a in loader.load_folder(SPECS)}


MINIMAL = """\
title: Tiny
summary: A tiny network for tests.
input: [3, 32, 32]
sources:
  src: {citation: A source, url: "https://example.org/", states: Everything.}
layers:
"""


@pytest.fixture
def write_spec(tmp_path: Path) -> Callable[..., Path]:
    """Write a spec file; ``layers`` is YAML appended under ``MINIMAL``'s ``layers:``."""

    def write(layers: str = "", *, text: str | None = None, name: str = "tiny") -> Path:
        path = tmp_path / f"{name}.yml"
        body = (
            text if text is not None else MINIMAL + textwrap.indent(textwrap.dedent(layers), "  ")
        )
        path.write_text(textwrap.dedent(body) if text is not None else body, encoding="utf-8")
        return path

    return write


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """``python -m generator ARGS`` as a reader runs it in a terminal."""
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )
