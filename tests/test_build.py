"""The whole site built by plain ``mkdocs build --strict``, as a contributor and CI run it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import ROOT, SHIPPED, build, copy_project

# Builds of the whole site: the full suite's, not the quick loop's (see pyproject.toml).
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(built_site: Path) -> Path:
    return built_site


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


def test_a_bad_spec_stops_the_build_with_a_located_message(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
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


def test_plotly_js_is_written_once_and_never_inlined(site: Path) -> None:
    copies = list(site.rglob("plotly*.js"))
    assert [p.relative_to(site).as_posix() for p in copies] == ["assets/javascripts/plotly.min.js"]
    marker = "plotly.js v"  # the banner at the top of the bundle
    assert marker in copies[0].read_text(encoding="utf-8")[:400]
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert marker not in text, page
        assert "plotly.min.js" not in text, f"{page} loads plotly.js itself; the site script does"


@pytest.mark.parametrize("name", SHIPPED)
def test_each_architecture_page_has_one_figure_naming_every_layer(
    site: Path, name: str, analyses: dict[str, Any]
) -> None:
    html = (site / "architectures" / name / "index.html").read_text(encoding="utf-8")
    assert html.count('class="arch-figure"') == 1
    assert f'data-src="architectures/{name}/figure.json"' in html
    folder = site / "architectures" / name
    figure = json.loads((folder / "figure.json").read_text(encoding="utf-8"))
    # figure.json holds the view drawn first; each other view is a file next to it.
    packed = [figure["view"]] + [
        json.loads((folder / v["src"]).read_text(encoding="utf-8"))
        for v in figure["layout"]["meta"]["views"]
        if "src" in v
    ]
    nodes = [node for view in packed for node in view["nodes"]]  # name, colour, hover text
    hovers = " ".join(node[2] for node in nodes)
    for layer in analyses[name].layers:
        assert re.search(rf"(^|[> ]){re.escape(layer.name)}\b", hovers), layer.name
    assert {node[0] for node in nodes} >= {
        r.name for r in analyses[name].layers if r.counts_as_neurons
    }


def test_exports_hold_the_same_numbers_as_the_cli(site: Path, analyses: dict[str, Any]) -> None:
    for name, analysis in analyses.items():
        data = json.loads(
            (site / "architectures" / name / f"{name}.json").read_text(encoding="utf-8")
        )
        assert data["totals"]["params"] == analysis.totals.params
        rows = (
            (site / "architectures" / name / f"{name}.csv").read_text(encoding="utf-8").splitlines()
        )
        assert len(rows) == len(analysis.layers) + 1
