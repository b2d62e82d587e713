"""The whole site built by plain ``mkdocs build --strict``, as a contributor and CI run it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SHIPPED, SPECS

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def build(project: Path, site: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-f",
            str(project / "mkdocs.yml"),
            "-d",
            str(site),
        ],
        capture_output=True,
        text=True,
        env=ENV,
        check=False,
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    result = build(ROOT, out)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr
    return out


def test_every_spec_gets_a_page(site: Path) -> None:
    for name in SHIPPED:
        page = site / "architectures" / name / "index.html"
        assert page.is_file(), name
        assert "Layer by layer" in page.read_text(encoding="utf-8")


def test_the_home_page_links_every_architecture(site: Path) -> None:
    home = (site / "index.html").read_text(encoding="utf-8")
    for name in SHIPPED:
        assert f'href="architectures/{name}/"' in home


def test_no_generated_markdown_is_written_into_docs(site: Path) -> None:
    assert sorted(p.name for p in (ROOT / "docs").rglob("*.md")) == []


def test_the_site_asks_for_no_web_fonts(site: Path) -> None:
    for page in site.rglob("*.html"):
        assert "fonts.googleapis" not in page.read_text(encoding="utf-8"), page


def copy_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(SPECS, project / "docs" / "architectures")
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    return project


def test_a_bad_spec_stops_the_build_with_a_located_message(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    spec = project / "docs" / "architectures" / "alexnet-2012.yml"
    spec.write_text(
        spec.read_text(encoding="utf-8").replace("stride: 4", "stride: -4"), encoding="utf-8"
    )
    site = tmp_path / "site"
    result = build(project, site)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert f"{spec}:" in result.stderr
    assert "layer 'conv1': field 'stride': must be greater than 0, got -4" in result.stderr
    assert not (site / "index.html").exists()
