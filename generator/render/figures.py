"""Results drawn as Plotly figures, as plain data (dicts and lists). Pure: no plotly import.

Plotly's own ``go.Figure`` validates every attribute and costs tens of milliseconds per figure;
these figures are plain JSON that the site script hands to ``Plotly.newPlot``. Each page fetches
its own, so they are kept small: what the boxes share is in the layout's template, wireframes are
drawn as strokes, and the depth buttons' arguments are filled in by the site script (see
:func:`network_figure`).

The 3D view follows the paper's Figure 2: each layer whose output is a volume is a box
(width × height × channels) laid out along the network; a multi-GPU spec draws one stack per
tower, with lines between towers where a layer reads across them; each convolution draws its
kernel inside its input volume and the lines to the output position it produces.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from generator.core import formatting
from generator.core.kinds import kind_of
from generator.core.results import Analysis, LayerResult
from generator.spec.models import Conv

#: The input's box; each drawn kind's colour is in its registry entry (``LayerKind.colour``).
INPUT_COLOUR = "#9e9e9e"
GAP = 36.0
TOWER_GAP = 24.0
#: Width and depth of a fully connected layer's bar, which has no spatial extent.
VECTOR_SIDE = 8.0
CAMERAS = {
    "3D": {"eye": {"x": -0.9, "y": -2.7, "z": 1.0}, "up": {"x": 0, "y": 0, "z": 1}},
    "Side (as Figure 2)": {"eye": {"x": 0.0, "y": -2.9, "z": 0.3}, "up": {"x": 0, "y": 0, "z": 1}},
    "Top": {"eye": {"x": 0.0, "y": -0.01, "z": 2.8}, "up": {"x": 0, "y": 1, "z": 0}},
    "Front": {"eye": {"x": -2.6, "y": 0.0, "z": 0.3}, "up": {"x": 0, "y": 0, "z": 1}},
}
#: What every box (a mesh3d trace) shares, given once in the figure's template rather than in
#: each box. Its faces are the convex hull of its corners (alphahull 0): no triangle indices.
BOX_STYLE = {
    "alphahull": 0,
    "opacity": 0.55,
    "flatshading": True,
    "hoverinfo": "text",
    "showlegend": False,
}


@dataclass(frozen=True, slots=True)
class Block:
    """One box of the 3D view: a drawn layer (or the input) in one tower."""

    name: str
    kind: str
    channels: int
    height: int
    width: int
    tower: int
    towers: int
    hover: str
    result: LayerResult | None


def channel_depth(channels: int, compressed: bool) -> float:
    """Box depth for a channel count: ``C / 4`` (proportional) or ``14·log2(C + 1)`` (compressed)."""
    return 14.0 * math.log2(channels + 1) if compressed else channels / 4.0


def vector_height(size: int) -> float:
    """Bar height of an fc layer of ``N`` outputs: ``10·log2(N + 1)``.

    Always compressed: the depth toggle is about channels, and keeping heights fixed means a
    toggle only has to move boxes along the network axis.
    """
    return 10.0 * math.log2(size + 1)


def _hover(analysis: Analysis, result: LayerResult | None, followers: Sequence[LayerResult]) -> str:
    if result is None:
        c, h, w = analysis.input
        return f"<b>input</b><br>{formatting.shape(analysis.input)} = {formatting.count(c * h * w)} values"
    lines = [f"<b>{result.name}</b> ({result.kind})", f"output {formatting.shape(result.output)}"]
    if result.towers > 1:
        lines[-1] += f" in {result.towers} towers"
    if result.counts_as_neurons:
        lines.append(f"neurons {formatting.count(result.neurons)}")
    if result.params:
        lines.append(f"parameters {formatting.count(result.params)}")
    if result.macs:
        lines.append(f"MACs {formatting.count(result.macs)}")
    formula = formatting.size_formula(result)
    if formula:
        lines.append(f"size: {formula}")
    if result.cross_tower:
        lines.append("reads every tower")
    if followers:
        lines.append("then " + ", ".join(f"{f.name} ({f.kind})" for f in followers))
    return "<br>".join(lines)


def blocks(analysis: Analysis) -> list[list[Block]]:
    """The drawn layers in order, each as one block per tower."""
    columns: list[list[Block]] = []
    drawn: list[tuple[LayerResult | None, list[LayerResult]]] = [(None, [])]
    for layer_result in analysis.layers:
        # Kinds without a colour (relu, lrn, dropout, flatten, softmax...) keep their input's
        # shape and are named in the hover text of the box before them.
        if kind_of(layer_result.layer).colour is not None:
            drawn.append((layer_result, []))
        else:
            drawn[-1][1].append(layer_result)
    for result, followers in drawn:
        shape = analysis.input if result is None else result.output
        towers = 1 if result is None else result.towers
        c, h, w = (shape[0], shape[1], shape[2]) if len(shape) == 3 else (shape[0], 0, 0)
        kind = "input" if result is None else result.kind
        name = "input" if result is None else result.name
        hover = _hover(analysis, result, followers)
        columns.append(
            [Block(name, kind, c // towers, h, w, t, towers, hover, result) for t in range(towers)]
        )
    return columns


def _colour(block: Block) -> str:
    if block.result is None:
        return INPUT_COLOUR
    return kind_of(block.result.layer).colour or INPUT_COLOUR


def _num(value: float) -> float | int:
    """A coordinate to one decimal, written without ``.0`` when whole: the JSON stays small."""
    rounded = round(value, 1)
    return int(rounded) if rounded.is_integer() else rounded


def _box(
    x0: float, y0: float, z0: float, dx: float, dy: float, dz: float
) -> dict[str, list[float]]:
    xs = [x0, x0 + dx, x0 + dx, x0, x0, x0 + dx, x0 + dx, x0]
    ys = [y0, y0, y0 + dy, y0 + dy, y0, y0, y0 + dy, y0 + dy]
    zs = [z0, z0, z0, z0, z0 + dz, z0 + dz, z0 + dz, z0 + dz]
    return {
        "x": [_num(v) for v in xs],
        "y": [_num(v) for v in ys],
        "z": [_num(v) for v in zs],
    }


#: The twelve edges of a box (corners as _box lists them) drawn as four strokes: round the bottom,
#: up, round the top, then the three other uprights. 16 points and 4 breaks where 12 separate
#: segments take 24 points and 12 breaks.
_WIRE = ((0, 1, 2, 3, 0, 4, 5, 6, 7, 4), (1, 5), (2, 6), (3, 7))


def _wireframe(box: dict[str, list[float]], into: dict[str, list[float | None]]) -> None:
    """Append a box's edges to a lines trace's coordinates (``None`` lifts the pen)."""
    for stroke in _WIRE:
        for axis in "xyz":
            into[axis] += [box[axis][corner] for corner in stroke]
            into[axis].append(None)


@dataclass(frozen=True, slots=True)
class Placed:
    block: Block
    x: float
    y: float
    z: float
    dx: float
    dy: float
    dz: float

    @property
    def centre(self) -> tuple[float, float, float]:
        return (self.x + self.dx / 2, self.y + self.dy / 2, self.z + self.dz / 2)


def layout(columns: list[list[Block]], compressed: bool) -> list[list[Placed]]:
    """Positions of every block: columns left to right, towers stacked top to bottom."""
    # Towers sit one above the other, spaced by their tallest split block (the unsplit input
    # is often much taller and would push the towers apart).
    split = [
        float(b.height) if b.height else vector_height(b.channels)
        for column in columns
        for b in column
        if b.towers > 1
    ]
    pitch = (max(split) if split else 0.0) + TOWER_GAP
    placed: list[list[Placed]] = []
    x = 0.0
    for column in columns:
        row: list[Placed] = []
        depth = 0.0
        for block in column:
            if block.height:
                dx, dy, dz = (
                    channel_depth(block.channels, compressed),
                    float(block.width),
                    float(block.height),
                )
            else:
                dx, dy, dz = VECTOR_SIDE, VECTOR_SIDE, vector_height(block.channels)
            # Tower 0 on top, as GPU 1 in Figure 2; a single tower sits across the middle.
            centre = ((block.towers - 1) / 2 - block.tower) * pitch
            row.append(Placed(block, x, -dy / 2, centre - dz / 2, dx, dy, dz))
            depth = max(depth, dx)
        placed.append(row)
        x += depth + GAP
    return placed


def _traces(placed: list[list[Placed]], name: str) -> list[dict[str, Any]]:
    traces: list[dict[str, Any]] = []
    edges: dict[str, list[float | None]] = {"x": [], "y": [], "z": []}
    labels: dict[str, list[Any]] = {"x": [], "y": [], "z": [], "text": []}
    for column in placed:
        for p in column:
            box = _box(p.x, p.y, p.z, p.dx, p.dy, p.dz)
            traces.append(
                {
                    "type": "mesh3d",
                    "name": p.block.name,
                    **box,
                    "color": _colour(p.block),
                    "hovertext": p.block.hover,
                }
            )
            _wireframe(box, edges)
        top = column[0]
        shape = (
            formatting.shape(
                (top.block.channels * top.block.towers, top.block.height, top.block.width)
            )
            if top.block.height
            else formatting.count(top.block.channels * top.block.towers)
        )
        labels["x"].append(_num(top.x + top.dx / 2))
        labels["y"].append(_num(top.y))
        # Alternate label heights so that neighbouring thin columns (fc layers) stay legible.
        labels["z"].append(_num(top.z + top.dz + (12 if len(labels["z"]) % 2 else 30)))
        labels["text"].append(f"{top.block.name}<br>{shape}")
    traces.append(
        {
            "type": "scatter3d",
            "mode": "lines",
            "name": "edges",
            **edges,
            "hoverinfo": "skip",
            "line": {"color": "rgba(60,60,60,0.55)", "width": 2},
            "showlegend": False,
        }
    )
    traces.append(
        {
            "type": "scatter3d",
            "mode": "text",
            "name": "labels",
            **labels,
            "hoverinfo": "skip",
            "textfont": {"size": 11},
            "showlegend": False,
        }
    )
    traces.extend(_connections(placed))
    traces.extend(_kernels(placed))
    del name
    return traces


def _connections(placed: list[list[Placed]]) -> list[dict[str, Any]]:
    """Lines from each tower of a column to the towers of the next one that read it."""
    own: dict[str, list[float | None]] = {"x": [], "y": [], "z": []}
    cross: dict[str, list[float | None]] = {"x": [], "y": [], "z": []}
    for before, after in pairwise(placed):
        reads_all = after[0].block.result is not None and after[0].block.result.cross_tower
        for target in after:
            for source in before:
                same = (
                    source.block.tower == target.block.tower or len(before) == 1 or len(after) == 1
                )
                if not (same or reads_all):
                    continue
                bucket = own if same and not (reads_all and len(before) > 1) else cross
                start = (source.x + source.dx, source.centre[1], source.centre[2])
                end = (target.x, target.centre[1], target.centre[2])
                for axis, a, b in zip("xyz", start, end, strict=True):
                    bucket[axis] += [_num(a), _num(b), None]
    return [
        {
            "type": "scatter3d",
            "mode": "lines",
            "name": "within a tower",
            **own,
            "hoverinfo": "skip",
            "line": {"color": "rgba(120,120,120,0.8)", "width": 3},
            "showlegend": True,
        },
        {
            "type": "scatter3d",
            "mode": "lines",
            "name": "across towers",
            **cross,
            "hoverinfo": "skip",
            "line": {"color": "#c2185b", "width": 4, "dash": "dash"},
            "showlegend": True,
        },
    ]


def _kernels(placed: list[list[Placed]]) -> list[dict[str, Any]]:
    """Each convolution's kernel inside its input volume, with lines to the output it makes."""
    kernels: dict[str, list[float | None]] = {"x": [], "y": [], "z": []}
    rays: dict[str, list[float | None]] = {"x": [], "y": [], "z": []}
    for before, after in pairwise(placed):
        result = after[0].block.result
        if result is None or not isinstance(result.layer, Conv) or not before[0].block.height:
            continue
        source, target = before[0], after[0]
        kh, kw = result.layer.kernel
        ratio = 1 / max(len(before), 1) if result.layer.groups == 1 else 1.0
        kdx = max(source.dx * min(1.0, ratio), 2.0)
        k_box = _box(
            source.x + source.dx - kdx, source.y + 2, source.z + source.dz - kh - 2, kdx, kw, kh
        )
        _wireframe(k_box, kernels)
        point = (target.x + 0.5, target.y + 2 + 0.5, target.z + target.dz - 2.5)
        for corner in (5, 6, 1, 2):
            for axis, value in zip("xyz", point, strict=True):
                rays[axis] += [k_box[axis][corner], _num(value), None]
    return [
        {
            "type": "scatter3d",
            "mode": "lines",
            "name": "kernel",
            **kernels,
            "hoverinfo": "skip",
            "line": {"color": "#111111", "width": 4},
            "showlegend": True,
        },
        {
            "type": "scatter3d",
            "mode": "lines",
            "name": "kernel → output position",
            **rays,
            "hoverinfo": "skip",
            "line": {"color": "#6a1b9a", "width": 2},
            "showlegend": True,
        },
    ]


def depth_map(source: list[list[Placed]], target: list[list[Placed]]) -> list[list[float | int]]:
    """Where each column's extent along the network axis goes when the depth scale changes.

    One ``[from_start, from_end, to_start, to_end]`` per column, in order. Every x coordinate of
    the figure lies in a column or in a gap between columns; the site script maps it linearly
    within a column and shifts it in a gap, which turns the drawn (compressed) figure into the
    proportional one without writing every x array twice.
    """
    found: list[list[float | int]] = []
    for before, after in zip(source, target, strict=True):
        start, end = before[0].x, before[0].x + max(p.dx for p in before)
        new_start, new_end = after[0].x, after[0].x + max(p.dx for p in after)
        found.append([_num(start), _num(end), _num(new_start), _num(new_end)])
    return found


def network_figure(analysis: Analysis) -> dict[str, Any]:
    """The 3D view of one architecture, with depth and camera controls.

    The depth buttons restyle every trace's x. Their arguments are written for the site script
    (``assets/figures.js``), which fills them in before drawing: ``"@data.x"`` stands for the
    traces' own x arrays, and ``"@map"`` for a :func:`depth_map` to pass them through.
    """
    columns = blocks(analysis)
    compressed_layout = layout(columns, compressed=True)
    compressed = _traces(compressed_layout, analysis.name)
    depth_buttons = [
        {
            "label": "Channels: proportional",
            "method": "restyle",
            "args": [
                {
                    "x": "@data.x",
                    "@map": depth_map(compressed_layout, layout(columns, compressed=False)),
                }
            ],
        },
        {"label": "Channels: compressed (log)", "method": "restyle", "args": [{"x": "@data.x"}]},
    ]
    camera_buttons = [
        {"label": label, "method": "relayout", "args": [{"scene.camera": camera}]}
        for label, camera in CAMERAS.items()
    ]
    axis = {
        "showticklabels": False,
        "showgrid": False,
        "zeroline": False,
        "showbackground": False,
        "showspikes": False,
    }
    return {
        "data": compressed,
        "layout": {
            "margin": {"l": 0, "r": 0, "t": 36, "b": 0},
            "scene": {
                "aspectmode": "data",
                "camera": CAMERAS["3D"],
                "xaxis": {**axis, "title": {"text": "layers in order →"}},
                "yaxis": {**axis, "title": {"text": "width"}},
                "zaxis": {**axis, "title": {"text": "height"}},
            },
            "legend": {"orientation": "h", "y": 0.02, "x": 0.01},
            "updatemenus": [
                {
                    "type": "buttons",
                    "direction": "right",
                    "x": 0.0,
                    "y": 1.08,
                    "xanchor": "left",
                    "buttons": depth_buttons[::-1],
                    "showactive": True,
                    "active": 0,
                },
                {
                    "type": "buttons",
                    "direction": "right",
                    "x": 1.0,
                    "y": 1.08,
                    "xanchor": "right",
                    "buttons": camera_buttons,
                    "showactive": False,
                },
            ],
            "hoverlabel": {"align": "left"},
            "template": {"data": {"mesh3d": [BOX_STYLE]}},
        },
    }


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
