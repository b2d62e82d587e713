"""The compare page's chart (``figures.comparison_figure``, ``compare/figure.json``): neurons and
parameters of AlexNet's variants, layer by layer.

One colour per architecture, set on every trace (Plotly would otherwise colour traces in order,
and the parameters panel's colours would be shifted one place from the legend's); columns that
line up layers of one kind (TF-slim's fully connected layers, written as convolutions, with the
others' fc layers); a layer's own name only where the column does not already say it. In a
browser, every bar's colour is its legend entry's.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from generator.analysis.model import build_site_model
from generator.core.results import Analysis
from generator.render import figures
from generator.render.phrasing import short_title
from tests.browser_support import Watched, wait_drawn
from tests.helpers import SHIPPED


@pytest.fixture(scope="module")
def alexnets(analyses: dict[str, Analysis]) -> tuple[Analysis, ...]:
    """The architectures the compare page charts, in its order."""
    return build_site_model([analyses[name] for name in SHIPPED]).side_by_side.alexnets


@pytest.fixture(scope="module")
def chart(alexnets: tuple[Analysis, ...]) -> dict[str, Any]:
    return figures.comparison_figure(alexnets)


def test_every_trace_has_its_architectures_colour(
    chart: dict[str, Any], alexnets: tuple[Analysis, ...]
) -> None:
    traces = chart["data"]
    assert len(traces) == 2 * len(alexnets)
    colour_of: dict[str, str] = {}
    for trace in traces:
        colour = trace["marker"]["color"]
        assert colour.startswith("#"), trace["name"]
        assert colour_of.setdefault(trace["name"], colour) == colour, trace["name"]
    # One colour per architecture: no two share one.
    assert len(set(colour_of.values())) == len(alexnets)
    # The legend lists each architecture once, from the first panel, by its title as pages name it.
    assert [t["legendgroup"] for t in traces if t["showlegend"]] == [a.name for a in alexnets]
    assert [t["name"] for t in traces if t["showlegend"]] == [
        short_title(a.spec.title) for a in alexnets
    ]


def test_colours_stay_apart_past_the_palette() -> None:
    """Past the palette's ten colours, a hatching keeps architectures apart."""
    looks = {figures.architecture_colour(i) for i in range(3 * len(figures.PALETTE))}
    assert len(looks) == 3 * len(figures.PALETTE)


def test_layers_line_up_by_kind(chart: dict[str, Any]) -> None:
    """Convolutions with convolutions, fully connected layers with fully connected layers: TF-slim's
    fc6, fc7 and fc8 (1-pixel convolutions over the whole map) sit in the fc columns."""
    by_name = {t["legendgroup"]: t for t in chart["data"] if t["yaxis"] == "y"}
    assert by_name["tf-slim-alexnet-v2"]["x"] == by_name["alexnet-2012"]["x"]
    assert by_name["alexnet-2012"]["x"] == [
        *(f"conv {n}" for n in range(1, 6)),
        "fc 6",
        "fc 7",
        "fc 8",
    ]
    for axis in ("xaxis", "xaxis2"):
        assert chart["layout"][axis]["categoryarray"] == by_name["alexnet-2012"]["x"]


def test_a_layer_is_named_only_where_its_column_does_not_say_it(chart: dict[str, Any]) -> None:
    """No "conv1:" in every bar: the hover gives the count, and a layer's own name only where it
    differs from its column's (one weird trick's fc4096a in column "fc 6")."""
    by_name = {t["legendgroup"]: t for t in chart["data"] if t["yaxis"] == "y"}
    assert by_name["alexnet-2012"]["customdata"] == [""] * 8
    assert by_name["one-weird-trick"]["customdata"][5] == " (fc4096a)"
    for trace in chart["data"]:
        assert "text" not in trace
        assert trace["name"] in trace["hovertemplate"]


@pytest.fixture
def phone_or_laptop(browser: Any, request: pytest.FixtureRequest) -> Iterator[Watched]:
    width = request.param
    phone = width < 600
    context = browser.new_context(
        viewport={"width": width, "height": 844 if phone else 800}, is_mobile=phone, has_touch=phone
    )
    yield Watched(context.new_page())
    context.close()


#: Each trace's colour as given (its input data), as Plotly drew it (its full data), and each
#: legend entry's swatch colour, by name.
COLOURS = """
() => {
  const plot = document.querySelector('#figure-compare .arch-figure__plot');
  const legend = {};
  plot.querySelectorAll('.legend .traces').forEach((entry) => {
    const name = entry.querySelector('.legendtext').textContent;
    const swatch = entry.querySelector('.legendpoints path');
    legend[name] = getComputedStyle(swatch).fill;
  });
  const bars = {};
  plot.querySelectorAll('.barlayer .trace').forEach((trace, i) => {
    const fills = [...trace.querySelectorAll('.point path')].map((p) => getComputedStyle(p).fill);
    bars[i] = [...new Set(fills)];
  });
  return {
    given: plot.data.map((t) => [t.name, t.marker && t.marker.color]),
    drawn: plot._fullData.map((t) => [t.name, t.marker.color]),
    legend, bars,
  };
}
"""


def rgb(colour: str) -> str:
    """``#4e79a7`` as the browser writes it, ``rgb(78, 121, 167)``."""
    value = colour.lstrip("#")
    red, green, blue = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgb({red}, {green}, {blue})"


@pytest.mark.slow
@pytest.mark.parametrize("phone_or_laptop", [1280, 390], indirect=True, ids=["1280px", "390px"])
def test_every_bar_is_drawn_in_its_legend_entrys_colour(
    phone_or_laptop: Watched, server: str
) -> None:
    page = phone_or_laptop.page
    page.goto(server + "compare/")
    wait_drawn(page, "#figure-compare")
    found = page.evaluate(COLOURS)
    assert len(found["given"]) >= 2 and len(found["legend"]) >= 2
    for (name, given), (_, drawn) in zip(found["given"], found["drawn"], strict=True):
        # Set on every trace, not left for Plotly to pick in order.
        assert given, f"{name}: no colour set"
        assert rgb(drawn) == found["legend"][name], name
    # And on the screen: each trace's bars in one colour, its legend entry's.
    for index, fills in found["bars"].items():
        name = found["given"][int(index)][0]
        assert fills == [found["legend"][name]], (name, fills)
    phone_or_laptop.clean()
