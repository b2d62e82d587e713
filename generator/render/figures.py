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
from generator.render.phrasing import short_title

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

    @property
    def branches(self) -> bool:
        """Whether it draws where the network splits and meets again (its modules' branches side
        by side): what a branching network's caption promises, and the site script opens on a
        wide screen."""
        return bool(self.scene.structure.main.modules)


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


def network_files(found: Sequence[View]) -> dict[str, dict[str, Any]]:
    """The 3D views of one architecture (its :func:`views`): ``figure.json`` and a file per
    other view, by file name.

    ``figure.json`` holds the layout (``layout.meta`` gives the views, whether each draws the
    network's branches, depth scales, cameras and colour key, which the site script turns into
    the controls above the figure) and, under
    ``view``, the view drawn first, packed (:func:`plotly_json.packed`). The other views, each in
    its own :func:`view_file`, are fetched only when the reader (or a narrow window) asks for
    them: a page loads one view's data, not all of them.
    """
    default = next((i for i, v in enumerate(found) if v.columns <= DEFAULT_COLUMNS), len(found) - 1)
    packed = [plotly_json.packed(view.scene, kernels=view.kernels) for view in found]
    meta_views = []
    for index, view in enumerate(found):
        entry: dict[str, Any] = {"label": view.label, "columns": view.columns}
        if view.branches:
            entry["branches"] = True
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


#: One colour per architecture on the compare chart, in site order: Tableau's ten, which read on
#: the light and the dark palette alike. Past ten, colours repeat with a hatching of their own
#: (:data:`HATCHES`), so that no two architectures look the same.
PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)
HATCHES = ("", "/", "x", ".", "-", "|", "+", "\\")
#: The compare chart's panels: what each counts, and its axis title.
MEASURES = (("neurons", "neurons"), ("params", "parameters"))


def architecture_colour(index: int) -> tuple[str, str]:
    """The colour and hatching (``""``: solid) of the ``index``-th architecture of the chart."""
    return PALETTE[index % len(PALETTE)], HATCHES[(index // len(PALETTE)) % len(HATCHES)]


def fully_connected(result: LayerResult) -> bool:
    """Every output of the layer reads every input value: a fully connected layer, or a
    convolution whose one window covers its whole input (TF-slim's fc6, fc7 and fc8)."""
    if kind_of(result.layer).dense:
        return True
    axes = result.axes
    return (
        axes is not None
        and getattr(result.layer, "groups", 1) == 1
        and all(a.output == 1 and a.effective_kernel - a.pad_before >= a.size for a in axes)
    )


#: A chart column's label: its kind of layer, then its number (``conv 1``, ``fc 6``).
CONV_COLUMN = "conv"
FC_COLUMN = "fc"


def columns_by_kind(analyses: Sequence[Analysis]) -> dict[str, list[tuple[bool, int]]]:
    """Each architecture's conv and fc layers (``counts_as_neurons``) → their column, as
    (fully connected, number): the n-th convolution of every network in column n, the n-th fully
    connected layer after the most convolutions any of them has. With AlexNet's five
    convolutions, the n-th conv or fc layer is in column n (``conv 1`` … ``fc 8``)."""
    connected = {
        a.name: [fully_connected(r) for r in a.layers if r.counts_as_neurons] for a in analyses
    }
    convs = max((order.count(False) for order in connected.values()), default=0)
    found: dict[str, list[tuple[bool, int]]] = {}
    for name, order in connected.items():
        seen = {False: 0, True: convs}
        columns = []
        for fc in order:
            seen[fc] += 1
            columns.append((fc, seen[fc]))
        found[name] = columns
    return found


def column_name(column: tuple[bool, int]) -> str:
    """``(True, 6)`` → ``fc 6``."""
    fc, number = column
    return f"{FC_COLUMN if fc else CONV_COLUMN} {number}"


def comparison_figure(analyses: Sequence[Analysis]) -> dict[str, Any]:
    """Neurons and parameters of the conv and fc layers of every architecture, side by side.

    One bar chart per measure, one colour per architecture set on every trace (the legend shows
    the first panel's); columns line up layers of one kind (:func:`columns_by_kind`). Hovering a
    column lists every architecture's count there, with a layer's own name only where it is not
    the column's.
    """
    found = columns_by_kind(analyses)
    columns = {name: [column_name(c) for c in cs] for name, cs in found.items()}
    order = [column_name(c) for c in sorted({c for cs in found.values() for c in cs})]
    traces: list[dict[str, Any]] = []
    for row, (measure, _) in enumerate(MEASURES):
        for index, analysis in enumerate(analyses):
            layers = [r for r in analysis.layers if r.counts_as_neurons]
            colour, hatch = architecture_colour(index)
            marker: dict[str, Any] = {"color": colour}
            if hatch:
                marker["pattern"] = {"shape": hatch}
            x = columns[analysis.name]
            title = short_title(analysis.spec.title)
            traces.append(
                {
                    "type": "bar",
                    "name": title,
                    "legendgroup": analysis.name,
                    "showlegend": row == 0,
                    "marker": marker,
                    "x": x,
                    "y": [getattr(r, measure) for r in layers],
                    # A layer's own name where it is not its column's (fc4096a in "fc 6").
                    "customdata": [
                        "" if r.name == c.replace(" ", "") else f" ({r.name})"
                        for r, c in zip(layers, x, strict=True)
                    ],
                    "hovertemplate": f"%{{y:,}}%{{customdata}}<extra>{title}</extra>",
                    "xaxis": "x" if row == 0 else "x2",
                    "yaxis": "y" if row == 0 else "y2",
                }
            )
    # Each column named on two lines (``conv`` over ``1``): eight fit side by side on a phone.
    axis = {
        "categoryorder": "array",
        "categoryarray": order,
        "tickvals": order,
        "ticktext": [c.replace(" ", "<br>") for c in order],
        "tickangle": 0,
        "fixedrange": True,
    }
    # A tick a decade (none at 2 and 5 in between), numbers as 10k, 1M.
    counts = {"type": "log", "dtick": 1, "fixedrange": True}
    return {
        "data": traces,
        "layout": {
            "barmode": "group",
            "bargap": 0.18,
            "hovermode": "x unified",
            "margin": {"l": 64, "r": 8, "t": 8, "b": 8},
            "grid": {"rows": 2, "columns": 1, "pattern": "independent", "ygap": 0.18},
            "xaxis": axis,
            "xaxis2": axis,
            "yaxis": {**counts, "title": {"text": MEASURES[0][1]}},
            "yaxis2": {**counts, "title": {"text": MEASURES[1][1]}},
            "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": -0.1, "yanchor": "top"},
        },
    }
