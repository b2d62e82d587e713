"""A 3D view as Plotly's JSON: its traces, packed as a view's file holds them, and the figure's
layout with the controls' data. Plain data (dicts and lists): no plotly import.

Plotly's own ``go.Figure`` validates every attribute and costs tens of milliseconds per figure;
these are plain JSON that the site script (``assets/figures.js``) hands to Plotly. Each box goes
out as its extents, one row of six numbers (:func:`packed`); the site script, like
:func:`unpacked`, makes the corners of the mesh Plotly draws from them (:func:`box_trace`), and the
boxes' wireframes. What the boxes share is in the layout's template, and the controls' data sits
in ``layout.meta`` (:func:`figure_layout`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import pairwise
from typing import Any

from generator.render.figure_graphs import block_name, shape_text
from generator.render.layout3d import Box, Layout, Scene, spatial_side
from generator.spec.models import Conv

#: Camera directions; the site script scales and centres them to frame the network.
CAMERAS = {
    "3D": {"eye": {"x": -0.8, "y": -2.6, "z": 1.1}, "up": {"x": 0, "y": 0, "z": 1}},
    "Side": {"eye": {"x": 0.0, "y": -2.9, "z": 0.25}, "up": {"x": 0, "y": 0, "z": 1}},
    "Top": {"eye": {"x": 0.0, "y": -0.35, "z": 2.9}, "up": {"x": 0, "y": 0, "z": 1}},
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
SHORTCUT_COLOUR = "#8e5cc2"
#: The kernels' colour: the site script draws them (and their key's swatch) in the page's text
#: colour, which reads on the light and the dark palette alike; this is what plotly alone draws.
INK = "#111111"
#: Points along a shortcut's arc.
ARC_POINTS = 13
#: Label priorities: the site script shows as many labels as fit without overlapping, highest
#: first; the input, the first box after it (AlexNet's conv1, the layer this site is about) and
#: the output are always labelled.
MUST, MODULE, MAIN, BRANCH, ASIDE = 4, 3, 2, 1, 0
#: Room above the boxes (and behind them, seen from the top) into which the site script may lift
#: a label over another, as a share of the network's length: Plotly draws no text outside the
#: scene's axis ranges. A long network drawn on a phone has the fewest pixels to a unit, and two
#: rows of labels there take about this share of its length.
LABEL_ROOM = 0.3

#: A lines trace's coordinates, ``None`` where the pen lifts.
Points = dict[str, list[int | None]]


def _num(value: float) -> int:
    """A coordinate in whole units (a network is hundreds to thousands long): the JSON stays small."""
    return round(value)


# --- Boxes: extents out, corners only for Plotly ---------------------------------------------------


def _extents(box: Box) -> list[int]:
    """``[x0, x1, y0, y1, z0, z1]`` in whole units."""
    return [_num(v) for v in (box.x0, box.x1, box.y0, box.y1, box.z0, box.z1)]


#: A box's corners, as the indices of their x, y and z in its extents ``[x0, x1, y0, y1, z0,
#: z1]``: round the bottom face, then round the top (the site script's ``CORNERS``).
_CORNERS = ((0, 2, 4), (1, 2, 4), (1, 3, 4), (0, 3, 4), (0, 2, 5), (1, 2, 5), (1, 3, 5), (0, 3, 5))


def _corners(extents: Sequence[int]) -> dict[str, list[int]]:
    """The eight corners of a box of ``extents``, axis by axis, as a Plotly trace lists them."""
    return {name: [extents[corner[axis]] for corner in _CORNERS] for axis, name in enumerate("xyz")}


#: The twelve edges of a box (corners as :data:`_CORNERS` lists them) drawn as four strokes:
#: round the bottom, up, round the top, then the three other uprights (the site script draws the
#: boxes' wireframes this way).
_WIRE = ((0, 1, 2, 3, 0, 4, 5, 6, 7, 4), (1, 5), (2, 6), (3, 7))


def _wireframe(extents: Sequence[int], into: Points) -> None:
    """Append a box's edges to a lines trace's coordinates (``None`` lifts the pen)."""
    corners = _corners(extents)
    for stroke in _WIRE:
        for axis in "xyz":
            into[axis] += [corners[axis][corner] for corner in stroke]
            into[axis].append(None)


def box_trace(node: Sequence[str], row: Sequence[int]) -> dict[str, Any]:
    """The mesh3d trace of a packed box, ``row`` being ``[node, x0, x1, y0, y1, z0, z1]`` and
    ``node`` its name, colour and hover text (the site script's ``boxTrace`` does the same)."""
    return {
        "type": "mesh3d",
        "name": node[0],
        **_corners(row[1:]),
        "color": node[1],
        "hovertext": node[2],
    }


def unpacked(view: dict[str, Any]) -> list[dict[str, Any]]:
    """The Plotly traces of a packed view (a view file, or the one in ``figure.json``)."""
    nodes = view["nodes"]
    rest: list[dict[str, Any]] = view["traces"]
    return [box_trace(nodes[row[0]], row) for row in view["boxes"]] + rest


def _packed_boxes(scene: Scene) -> tuple[list[list[str]], list[list[int]]]:
    """One row per box, ``[node, x0, x1, y0, y1, z0, z1]``, and what boxes share (a layer's
    towers: its name, colour and hover text) once per node."""
    nodes: list[list[str]] = []
    node_of: dict[tuple[str, str, str], int] = {}
    rows: list[list[int]] = []
    for index, row in enumerate(scene.compressed.boxes):
        drawn = scene.graph.nodes[index]
        key = (drawn.name, drawn.colour, drawn.hover)
        node = node_of.setdefault(key, len(nodes))
        if node == len(nodes):
            nodes.append(list(key))
        rows += [[node, *_extents(box)] for box in row]
    return nodes, rows


# --- Lines: connections, shortcuts, kernels -------------------------------------------------------


def _lines(name: str, points: Points, line: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "scatter3d",
        "mode": "lines",
        "name": name,
        **points,
        "hoverinfo": "skip",
        "line": line,
        "showlegend": False,
    }


def _segment(into: Points, start: Sequence[float], end: Sequence[float]) -> None:
    for axis, a, b in zip("xyz", start, end, strict=True):
        into[axis] += [_num(a), _num(b), None]


def _arc(into: Points, start: Sequence[float], end: Sequence[float], apex: float) -> None:
    for step in range(ARC_POINTS):
        t = step / (ARC_POINTS - 1)
        base = start[2] + (end[2] - start[2]) * t
        into["x"].append(_num(start[0] + (end[0] - start[0]) * t))
        into["y"].append(0)
        into["z"].append(_num(base + (apex - base) * math.sin(math.pi * t)))
    for axis in "xyz":
        into[axis].append(None)


def _connections(scene: Scene) -> list[dict[str, Any]]:
    """Lines from each box to those that read it, and arcs for the shortcuts."""
    graph, boxes = scene.graph, scene.compressed.boxes
    own: Points = {"x": [], "y": [], "z": []}
    cross: Points = {"x": [], "y": [], "z": []}
    arcs: Points = {"x": [], "y": [], "z": []}
    shortcuts = {(a, b): apex for a, b, apex in scene.arcs}
    for target, preds in enumerate(graph.preds):
        after = boxes[target]
        reads_all = graph.nodes[target].cross_tower
        for pred in preds:
            before = boxes[pred]
            if (pred, target) in shortcuts:
                source, sink = before[0], after[0]
                _arc(
                    arcs, (source.x1, 0, source.z1), (sink.x0, 0, sink.z1), shortcuts[pred, target]
                )
                continue
            for t, after_box in enumerate(after):
                for s, before_box in enumerate(before):
                    same = s == t or len(before) == 1 or len(after) == 1
                    if not (same or reads_all):
                        continue
                    bucket = own if same and not (reads_all and len(before) > 1) else cross
                    start, end = before_box.centre, after_box.centre
                    _segment(bucket, (before_box.x1, start[1], start[2]), (after_box.x0, *end[1:]))
    traces = [_lines("connections", own, {"color": "rgba(120,120,120,0.8)", "width": 3})]
    if cross["x"]:
        traces.append(
            _lines("across towers", cross, {"color": "#c2185b", "width": 4, "dash": "dash"})
        )
    if arcs["x"]:
        traces.append(_lines("shortcuts", arcs, {"color": SHORTCUT_COLOUR, "width": 5}))
    return traces


def _kernels(scene: Scene) -> list[dict[str, Any]]:
    """Each convolution on the main line: its kernel inside its input volume, with lines to the
    output position it makes."""
    kernels: Points = {"x": [], "y": [], "z": []}
    rays: Points = {"x": [], "y": [], "z": []}
    graph, boxes = scene.graph, scene.compressed.boxes
    for before, after in pairwise(scene.structure.spine):
        result = graph.nodes[after].result
        if (
            result is None
            or not isinstance(result.layer, Conv)
            or graph.preds[after] != (before,)
            or len(graph.nodes[before].shape) != 3
        ):
            continue
        source, target = boxes[before][0], boxes[after][0]
        kernel_h, kernel_w = result.layer.kernel
        kh = min(spatial_side(kernel_h), (source.z1 - source.z0) - 2)
        kw = min(spatial_side(kernel_w), (source.y1 - source.y0) - 2)
        ratio = 1 / max(len(boxes[before]), 1) if result.layer.groups == 1 else 1.0
        kdx = max((source.x1 - source.x0) * min(1.0, ratio), 2.0)
        kernel = _extents(
            Box.sized(source.x1 - kdx, source.y0 + 1, source.z1 - kh - 1, kdx, kw, kh)
        )
        _wireframe(kernel, kernels)
        _, x1, y0, y1, z0, z1 = kernel
        point = (_num(target.x0 + 0.5), _num(target.y0 + 1.5), _num(target.z1 - 1.5))
        # From the corners of the kernel's face towards the output.
        for corner in ((x1, y0, z1), (x1, y1, z1), (x1, y0, z0), (x1, y1, z0)):
            for axis, start, end in zip("xyz", corner, point, strict=True):
                rays[axis] += [start, end, None]
    if not kernels["x"]:
        return []
    return [
        {**_lines("kernel", kernels, {"color": INK, "width": 4}), "meta": "ink"},
        _lines("kernel → output position", rays, {"color": "#6a1b9a", "width": 2}),
    ]


# --- Labels -------------------------------------------------------------------------------------


def priorities(scene: Scene) -> list[int]:
    """Each box's label priority (:data:`MUST` … :data:`ASIDE`), in the order of the boxes."""
    graph = scene.graph
    on_line, side = set(scene.structure.spine), scene.structure.side
    first = next((i for i, preds in enumerate(graph.preds) if 0 in preds), 0)
    found = []
    for index, box in enumerate(graph.nodes):
        if index in (0, first, graph.sink):
            found.append(MUST)
        elif box.block or index in scene.anchors:
            found.append(MODULE)
        elif index in side:
            found.append(ASIDE)
        elif index in on_line:
            found.append(MAIN)
        else:
            found.append(BRANCH)
    return found


def _label_trace(scene: Scene) -> dict[str, Any]:
    """A label over each box (a module's name over the whole module), before the site script
    picks the ones that fit."""
    graph = scene.graph
    texts = {
        index: f"{box.title}<br>{shape_text(box.shape)}" for index, box in enumerate(graph.nodes)
    }
    for module in scene.structure.main.modules:
        name = block_name(graph, module)
        if len(name) >= 3:
            texts[module.sink] = f"{name}<br>{shape_text(graph.nodes[module.sink].shape)}"
    labels: dict[str, list[Any]] = {"x": [], "y": [], "z": [], "text": []}
    for index, row in enumerate(scene.compressed.boxes):
        # Over the box's back top edge: the label sits above the box as drawn.
        top = row[0]
        labels["x"].append(_num(top.centre[0]))
        labels["y"].append(_num(top.y1))
        labels["z"].append(_num(max(top.z1, scene.anchors.get(index, -math.inf))))
        labels["text"].append(texts[index])
    return {
        "type": "scatter3d",
        "mode": "text",
        "name": "labels",
        **labels,
        "textposition": "top center",
        "hoverinfo": "skip",
        "textfont": {"size": 11},
        "showlegend": False,
    }


# --- A view's file, and the figure's layout -------------------------------------------------------


def depth_map(source: Layout, target: Layout) -> list[list[int]]:
    """Where each column's extent along the network axis goes when the depth scale changes.

    One ``[from_start, from_end, to_start, to_end]`` per column, in order; the site script maps a
    point inside a box with that box's own extents (``proportional.boxes`` in the view's file) and
    any other point linearly within its column, or by its column's shift in a gap between columns.
    """
    return [
        [_num(a), _num(b), _num(c), _num(d)]
        for (a, b), (c, d) in zip(source.columns, target.columns, strict=True)
    ]


def packed(scene: Scene, *, kernels: bool) -> dict[str, Any]:
    """One view as its file holds it: its boxes packed (:func:`_packed_boxes`), its other traces
    in the order the site script relies on (a ``wire`` trace it fills with the boxes' edges, the
    connections and shortcuts, kernels when ``kernels``, and the labels last), and what the site
    script needs to switch its channel scale (each box's and column's extent along the network)
    and to place its labels."""
    nodes, boxes = _packed_boxes(scene)
    wire = _lines("wire", {"x": [], "y": [], "z": []}, {"color": "#888", "width": 2})
    traces = [
        {**wire, "meta": "wire"},
        *_connections(scene),
        *(_kernels(scene) if kernels else []),
        _label_trace(scene),
    ]
    return {
        "nodes": nodes,
        "boxes": boxes,
        "traces": traces,
        "proportional": {
            "boxes": [
                [_num(box.x0), _num(box.x1)] for row in scene.proportional.boxes for box in row
            ],
            "columns": depth_map(scene.compressed, scene.proportional),
        },
        "labels": priorities(scene),
    }


def axis_ranges(scenes: Sequence[Scene]) -> list[list[int]]:
    """Each axis' range over every view and depth scale, with a margin: the scene never rescales.
    Above the boxes (and behind them) :data:`LABEL_ROOM` more, for labels lifted over others."""
    lows, highs = [math.inf] * 3, [-math.inf] * 3
    for scene in scenes:
        for placed in (scene.compressed, scene.proportional):
            for row in placed.boxes:
                for box in row:
                    for axis, (a, b) in enumerate(
                        ((box.x0, box.x1), (box.y0, box.y1), (box.z0, box.z1))
                    ):
                        lows[axis] = min(lows[axis], a)
                        highs[axis] = max(highs[axis], b)
        highs[2] = max([highs[2]] + [apex for _, _, apex in scene.arcs])
    longest = max(high - low for low, high in zip(lows, highs, strict=True))
    ranges = []
    for axis, (low, high) in enumerate(zip(lows, highs, strict=True)):
        pad = (high - low) * 0.02 + 4
        room = longest * LABEL_ROOM if axis else 0.0
        ranges.append([_num(low - pad), _num(high + pad + room)])
    return ranges


_LINES = (
    ("connections", "reads"),
    ("across towers", "reads across towers"),
    ("shortcuts", "shortcut (added back at the merge)"),
    ("kernel", "kernel, and the output position it makes"),
)


def colour_key(scenes: Sequence[Scene], views: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The colour key the site script draws under the figure: each item with the views it is in
    (and ``ink`` for one it draws in the page's text colour). ``views`` are the scenes
    :func:`packed`."""
    items: dict[tuple[str, str, str], list[int]] = {}
    for index, (scene, view) in enumerate(zip(scenes, views, strict=True)):
        kinds: dict[str, list[str]] = {}
        for node in scene.graph.nodes:
            names = kinds.setdefault(node.colour, [])
            label = f"block ending in {node.joined}" if node.joined else " / ".join(node.kinds)
            if label not in names:
                names.append(label)
        for colour, names in kinds.items():
            items.setdefault((" / ".join(names), colour, "box"), []).append(index)
        lines = {t["name"]: t for t in view["traces"] if t["type"] == "scatter3d"}
        for name, label in _LINES:
            if name in lines:
                colour = lines[name]["line"]["color"]
                items.setdefault((label, colour, "line"), []).append(index)
    return [
        {"label": label, "colour": colour, "mark": mark, "views": views}
        | ({"ink": True} if colour == INK else {})
        for (label, colour, mark), views in items.items()
    ]


def figure_layout(
    scenes: Sequence[Scene], meta_views: list[dict[str, Any]], default: int, key: list[Any]
) -> dict[str, Any]:
    """The figure's Plotly layout: a fixed scene over every view, and in ``meta`` what the site
    script makes the controls from (``meta_views``, the view drawn first, the cameras, the colour
    ``key`` and the depth scales' captions)."""
    ranges = axis_ranges(scenes)
    spans = [r[1] - r[0] for r in ranges]
    axis = {"visible": False, "autorange": False}
    return {
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "showlegend": False,
        "scene": {
            "aspectmode": "manual",
            # The site script sets the aspect ratio and camera that frame the network.
            "aspectratio": {
                a: round(s / max(spans) * 3, 3) for a, s in zip("xyz", spans, strict=True)
            },
            "camera": {**CAMERAS["3D"], "projection": {"type": "orthographic"}},
            "xaxis": {**axis, "range": ranges[0]},
            "yaxis": {**axis, "range": ranges[1]},
            "zaxis": {**axis, "range": ranges[2]},
        },
        "hoverlabel": {"align": "left"},
        "template": {"data": {"mesh3d": [BOX_STYLE]}},
        "meta": {
            "views": meta_views,
            "view": default,
            "cameras": CAMERAS,
            "camera": "3D",
            "key": key,
            "scales": {
                "log": "Box sides grow as the square root of a map's height and width, "
                "depth as the logarithm of its channels.",
                "proportional": "Box sides grow as the square root of a map's height and "
                "width, depth in proportion to its channels.",
            },
        },
    }
