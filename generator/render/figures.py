"""The site's figures as the data files it serves: a network's 3D view, and the chart that
compares AlexNet's variants. Pure: plain JSON, no plotly import.

A network's 3D view comes in views: the view of every layer and, for a long network, coarser ones
that collapse each module into a box ("Blocks") and runs of alike boxes into one ("Stages").
Three modules make a view, in order: what it draws (``figure_graphs.py``, its structure found by
:func:`generator.analysis.graph.structure`), where each box goes (``layout3d.py``), and Plotly's
JSON (``plotly_json.py``). Each page fetches its own files, kept small: a page fetches the data
of the view it draws, not of every view (see :func:`network_files`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from generator.analysis.graph import structure
from generator.core.kinds import kind_of
from generator.core.results import Analysis, LayerResult
from generator.render import plotly_json
from generator.render.figure_graphs import Graph, block_graph, layer_graph, stage_graph
from generator.render.layout3d import Scene, scene

#: A coarser view is offered only when it saves at least this share of the columns.
COARSER = 0.8
#: The view drawn first (before the site script picks one for the page's width): the most
#: detailed with at most this many columns.
DEFAULT_COLUMNS = 30


@dataclass(frozen=True, slots=True)
class View:
    """One view of a network's 3D figure: its boxes, laid out."""

    label: str
    """Its name on the figure's controls: ``Every layer``, ``Blocks``, ``Stages``."""
    scene: Scene
    kernels: bool
    """Whether it draws each convolution's kernel (the view of every layer does)."""

    @property
    def graph(self) -> Graph:
        """Its boxes, and which box reads which."""
        return self.scene.graph

    @property
    def columns(self) -> int:
        return self.scene.columns


def _view(label: str, graph: Graph, *, kernels: bool) -> View:
    return View(label, scene(graph, structure(graph.preds, graph.sink)), kernels)


def views(analysis: Analysis) -> list[View]:
    """The view of every layer, then the coarser ones that save columns."""
    every = _view("Every layer", layer_graph(analysis), kernels=True)
    found = [every]
    if every.scene.structure.main.modules:
        blocks = block_graph(every.graph, every.scene.structure)
        found.append(_view("Blocks", blocks, kernels=False))
    last = found[-1]
    staged = stage_graph(last.graph, last.scene.structure)
    if len(staged.nodes) < len(last.graph.nodes):
        view = _view("Stages", staged, kernels=False)
        if view.columns <= COARSER * last.columns:
            found.append(view)
    return found


def view_file(index: int) -> str:
    """The file name of a view that ``figure.json`` does not hold (next to it in the site)."""
    return f"figure-{index + 1}.json"


def network_files(analysis: Analysis) -> dict[str, dict[str, Any]]:
    """The 3D view of one architecture: ``figure.json`` and a file per other view, by file name.

    ``figure.json`` holds the layout (``layout.meta`` gives the views, depth scales, cameras and
    colour key, which the site script turns into the controls above the figure) and, under
    ``view``, the view drawn first, packed (:func:`plotly_json.packed`). The other views, each in
    its own :func:`view_file`, are fetched only when the reader (or a narrow window) asks for
    them: a page loads one view's data, not all of them.
    """
    found = views(analysis)
    default = next((i for i, v in enumerate(found) if v.columns <= DEFAULT_COLUMNS), len(found) - 1)
    packed = [plotly_json.packed(view.scene, kernels=view.kernels) for view in found]
    meta_views = []
    for index, view in enumerate(found):
        entry: dict[str, Any] = {"label": view.label, "columns": view.columns}
        if index != default:
            entry["src"] = view_file(index)
        meta_views.append(entry)
    scenes = [view.scene for view in found]
    key = plotly_json.colour_key(scenes, packed)
    layout = plotly_json.figure_layout(scenes, meta_views, default, key)
    files = {"figure.json": {"layout": layout, "view": packed[default]}}
    for index in range(len(found)):
        if index != default:
            files[view_file(index)] = packed[index]
    return files


def plotly_figure(files: dict[str, dict[str, Any]], index: int | None = None) -> dict[str, Any]:
    """One view of :func:`network_files` (the one drawn first by default) as a plain Plotly
    figure, before the site script frames it: what plotly alone would draw."""
    main = files["figure.json"]
    meta = main["layout"]["meta"]
    chosen = meta["view"] if index is None else index
    src = meta["views"][chosen].get("src")
    view = files[src] if src else main["view"]
    return {"data": plotly_json.unpacked(view), "layout": main["layout"]}


def comparison_figure(analyses: Sequence[Analysis]) -> dict[str, Any]:
    """Neurons and parameters of the conv and fc layers of every architecture, side by side."""
    traces: list[dict[str, Any]] = []
    for row, measure in enumerate(("neurons", "params")):
        for analysis in analyses:
            layers = [r for r in analysis.layers if r.counts_as_neurons]
            traces.append(
                {
                    "type": "bar",
                    "name": analysis.name,
                    "legendgroup": analysis.name,
                    "showlegend": row == 0,
                    "x": [f"{kind} {i + 1}" for i, kind in enumerate(_positions(layers))],
                    "y": [getattr(r, measure) for r in layers],
                    "text": [r.name for r in layers],
                    "hovertemplate": f"%{{text}}: %{{y:,}} {measure}<extra>{analysis.name}</extra>",
                    "xaxis": "x" if row == 0 else "x2",
                    "yaxis": "y" if row == 0 else "y2",
                }
            )
    return {
        "data": traces,
        "layout": {
            "barmode": "group",
            "margin": {"l": 70, "r": 10, "t": 20, "b": 40},
            "grid": {"rows": 2, "columns": 1, "pattern": "independent"},
            "yaxis": {"type": "log", "title": {"text": "neurons"}},
            "yaxis2": {"type": "log", "title": {"text": "parameters"}},
            "legend": {"orientation": "h", "y": -0.12},
        },
    }


def _positions(layers: Sequence[LayerResult]) -> list[str]:
    """``conv``, ``conv``, …, ``fc``: layers are compared by their position among their kind."""
    return ["conv" if kind_of(r.layer).windowed else "fc" for r in layers]
