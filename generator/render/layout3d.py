"""Where each box of a 3D view goes: pure geometry over a view's boxes and their structure.

The view follows the paper's Figure 2: each layer whose output is a volume is a box (width ×
height × channels) laid out along the network (x); a multi-GPU spec draws one stack per tower,
one above the other (z). A box's place along the network is its column, the longest path to it
from the input; where the network splits (an inception module, a residual block) its branches are
drawn side by side, one above the other, between the split and the merge, and a shortcut (a
branch with no box of its own) is an arc over them. Parts that lead to no output (GoogLeNet's
training-only classifiers) run below the network.

A box is its extents (:class:`Box`) from here to the figure's data; its corners are made only
where Plotly needs them (:mod:`generator.render.plotly_json`, and ``assets/figures.js``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from generator.analysis.graph import Line, Structure
from generator.render.figure_graphs import Graph, ViewNode

#: A map of n × n pixels is drawn ``SIDE·√n`` a side: the 7×7 maps at the end of a deep network
#: stay visible beside its 224×224 input.
SIDE = 12.0
#: Channel depth: ``CHANNEL_LOG·log2(C + 1)`` (compressed) or ``C·CHANNEL_PROPORTIONAL``.
CHANNEL_LOG = 8.0
CHANNEL_PROPORTIONAL = 0.25
#: Depth of a merge (add, concat) in the view of every layer: a joint, not a volume of its own.
SLAB = 4.0
#: Width and depth of a fully connected layer's bar, which has no spatial extent.
VECTOR_SIDE = 8.0
GAP = 24.0
LANE_GAP = 14.0
TOWER_GAP = 16.0
#: How far a shortcut's arc rises over the branches it passes.
ARC_RISE = 18.0
#: Between the network and the branches drawn below it.
SIDE_GAP = 40.0


def channel_depth(channels: int, compressed: bool) -> float:
    """Box depth for a channel count: ``8·log2(C + 1)`` (compressed) or ``C / 4`` (proportional)."""
    if compressed:
        return CHANNEL_LOG * math.log2(channels + 1)
    return channels * CHANNEL_PROPORTIONAL


def spatial_side(size: int) -> float:
    """Box side for a map of ``size`` pixels: ``12·√size``."""
    return SIDE * math.sqrt(size)


def vector_height(size: int) -> float:
    """Bar height of an fc layer of ``N`` outputs: ``10·log2(N + 1)``.

    Always compressed: the depth toggle is about channels, and keeping heights fixed means a
    toggle only has to move boxes along the network axis.
    """
    return 10.0 * math.log2(size + 1)


@dataclass(frozen=True, slots=True)
class Box:
    """A box by its extents: from ``x0`` to ``x1`` along the network, ``y0`` to ``y1`` across
    it, ``z0`` to ``z1`` upwards."""

    x0: float
    x1: float
    y0: float
    y1: float
    z0: float
    z1: float

    @classmethod
    def sized(cls, x: float, y: float, z: float, dx: float, dy: float, dz: float) -> Box:
        """The box from ``(x, y, z)`` that is ``dx`` long, ``dy`` wide and ``dz`` high."""
        return cls(x, x + dx, y, y + dy, z, z + dz)

    @property
    def centre(self) -> tuple[float, float, float]:
        return ((self.x0 + self.x1) / 2, (self.y0 + self.y1) / 2, (self.z0 + self.z1) / 2)


@dataclass(frozen=True, slots=True)
class Layout:
    """Every box of a view at one channel scale."""

    boxes: tuple[tuple[Box, ...], ...]
    """One row per node of the view's graph: its boxes, one per tower, tower 0 on top."""
    columns: tuple[tuple[float, float], ...]
    """Each column's extent along the network, in order."""


@dataclass(frozen=True, slots=True)
class Scene:
    """A view's boxes laid out: at both channel scales, with its shortcuts' arcs and where the
    labels of its modules go."""

    graph: Graph
    structure: Structure
    compressed: Layout
    """Channels at a logarithmic depth: the scale a view is drawn at first."""
    proportional: Layout
    """Channels at a depth in proportion to their number."""
    arcs: tuple[tuple[int, int, float], ...]
    """Each shortcut as ``(source, sink, apex)``: the height its arc rises to."""
    anchors: Mapping[int, float]
    """Heights of labels not on their box's top: a module's name, over the whole module."""

    @property
    def columns(self) -> int:
        return len(self.compressed.columns)


def scene(graph: Graph, found: Structure) -> Scene:
    """``graph``'s boxes laid out by their structure ``found``."""
    half, pitch = _sizes(graph)
    band = _main_band(found, half)
    anchors: dict[int, float] = {}
    apexes = {(a, b): apex for a, b, apex in band.arcs}
    for module in found.main.modules:
        anchors[module.sink] = max(
            [band.offsets[n] + half[n] for n in (*module.inner, module.sink)]
            + [apexes.get((module.source, module.sink), -math.inf)]
        )
    return Scene(
        graph,
        found,
        _layout(graph, found, band.offsets, pitch, compressed=True),
        _layout(graph, found, band.offsets, pitch, compressed=False),
        band.arcs,
        anchors,
    )


# --- Across the network: lines, branches and towers ---------------------------------------------


def _box_height(node: ViewNode) -> float:
    if node.shape and len(node.shape) == 3:
        return spatial_side(node.shape[1])
    return vector_height(node.shape[0] // node.towers)


def _sizes(graph: Graph) -> tuple[tuple[float, ...], float]:
    """Half the height each box reaches above and below its line, towers included, and the
    distance between towers."""
    split = [_box_height(n) for n in graph.nodes if n.towers > 1]
    pitch = (max(split) if split else 0.0) + TOWER_GAP
    half = tuple(_box_height(n) / 2 + (n.towers - 1) / 2 * pitch for n in graph.nodes)
    return half, pitch


@dataclass(frozen=True, slots=True)
class _Band:
    """Offsets of boxes from a line, how far above and below it they reach, and arcs' apexes."""

    offsets: dict[int, float]
    top: float = 0.0
    bottom: float = 0.0
    arcs: tuple[tuple[int, int, float], ...] = ()


def _joined(bands: list[tuple[_Band, float]]) -> _Band:
    """Bands laid over one another, each moved up by its offset."""
    offsets: dict[int, float] = {}
    top = bottom = 0.0
    arcs: list[tuple[int, int, float]] = []
    for band, offset in bands:
        for node, z in band.offsets.items():
            offsets[node] = z + offset
        arcs += [(a, b, apex + offset) for a, b, apex in band.arcs]
        top = max(top, band.top + offset)
        bottom = min(bottom, band.bottom + offset)
    return _Band(offsets, top, bottom, tuple(arcs))


def _main_band(found: Structure, half: tuple[float, ...]) -> _Band:
    """Every box's offset: the main line at 0, the parts aside below it."""
    sink = found.main.sink
    band = _line(found.main, found.steps, half) if sink else _Band({})
    offsets = {**band.offsets, 0: 0.0, sink: 0.0}
    bottom = min(band.bottom, -half[0], -half[sink])
    # Parts that lead to no output (auxiliary classifiers) run below the network.
    floors: list[tuple[int, int, float]] = []
    for part in found.aside:
        lane = _stack(part, found.steps, half)
        lo, hi = min(found.steps[n] for n in part), max(found.steps[n] for n in part)
        floor = min([bottom] + [f for a, b, f in floors if a <= hi and lo <= b])
        offset = floor - SIDE_GAP - lane.top
        for node, z in lane.offsets.items():
            offsets[node] = z + offset
        floors.append((lo, hi, offset + lane.bottom))
    return _Band(offsets, max(band.top, half[0], half[sink]), bottom, band.arcs)


def _line(line: Line, steps: tuple[int, ...], half: tuple[float, ...]) -> _Band:
    """Offsets of a line's boxes: its spine on the line; in each module, the branch with the
    most boxes on the line and the others stacked above and below it in the order they are
    declared; a shortcut an arc over them all."""
    if line.knot:
        return _stack(line.knot, steps, half)
    offsets = dict.fromkeys(line.spine, 0.0)
    top = max([0.0, *(half[n] for n in line.spine)])
    bottom = min([0.0, *(-half[n] for n in line.spine)])
    arcs: list[tuple[int, int, float]] = []
    for module in line.modules:
        lanes = [_line(branch, steps, half) for branch in module.branches]
        sizes = [len(branch.nodes) for branch in module.branches]
        main = max(range(len(lanes)), key=lambda i: (sizes[i], -i))
        shifts = {main: 0.0}
        edge = lanes[main].top
        for i in range(main - 1, -1, -1):
            shifts[i] = edge + LANE_GAP - lanes[i].bottom
            edge = shifts[i] + lanes[i].top
        edge = lanes[main].bottom
        for i in range(main + 1, len(lanes)):
            shifts[i] = edge - LANE_GAP - lanes[i].top
            edge = shifts[i] + lanes[i].bottom
        joined = _joined([(lane, shifts[i]) for i, lane in enumerate(lanes)])
        offsets.update(joined.offsets)
        arcs += joined.arcs
        top, bottom = max(top, joined.top), min(bottom, joined.bottom)
        if module.shortcut:
            apex = max(joined.top, half[module.source], half[module.sink]) + ARC_RISE
            arcs.append((module.source, module.sink, apex))
            top = max(top, apex)
    return _Band(offsets, top, bottom, tuple(arcs))


def _stack(members: frozenset[int], steps: tuple[int, ...], half: tuple[float, ...]) -> _Band:
    """Boxes with no structure found: those of one column stacked, centred on the line."""
    offsets: dict[int, float] = {}
    columns: dict[int, list[int]] = {}
    for node in sorted(members):
        columns.setdefault(steps[node], []).append(node)
    top = bottom = 0.0
    for nodes in columns.values():
        total = sum(2 * half[n] for n in nodes) + LANE_GAP * (len(nodes) - 1)
        edge = total / 2
        for node in nodes:
            offsets[node] = edge - half[node]
            edge -= 2 * half[node] + LANE_GAP
        top = max(top, total / 2)
        bottom = min(bottom, -total / 2)
    return _Band(offsets, top, bottom)


# --- Along the network: columns ------------------------------------------------------------------


def _dims(node: ViewNode, compressed: bool) -> tuple[float, float, float]:
    if len(node.shape) != 3:
        return VECTOR_SIDE, VECTOR_SIDE, vector_height(node.shape[0] // node.towers)
    channels, height, width = node.shape
    depth = SLAB if node.slab else channel_depth(channels // node.towers, compressed)
    return depth, spatial_side(width), spatial_side(height)


def _layout(
    graph: Graph, found: Structure, offsets: dict[int, float], pitch: float, *, compressed: bool
) -> Layout:
    """Every box's extents: columns along x by step, lines and towers along z."""
    dims = [_dims(n, compressed) for n in graph.nodes]
    widths: dict[int, float] = {}
    for node, step in enumerate(found.steps):
        widths[step] = max(widths.get(step, 0.0), dims[node][0])
    columns: list[tuple[float, float]] = []
    x = 0.0
    for step in range(len(widths)):
        columns.append((x, x + widths[step]))
        x += widths[step] + GAP
    boxes: list[tuple[Box, ...]] = []
    for node, (dx, dy, dz) in enumerate(dims):
        start, end = columns[found.steps[node]]
        x0 = (start + end - dx) / 2
        towers = graph.nodes[node].towers
        row = []
        for tower in range(towers):
            centre = offsets.get(node, 0.0) + ((towers - 1) / 2 - tower) * pitch
            row.append(Box.sized(x0, -dy / 2, centre - dz / 2, dx, dy, dz))
        boxes.append(tuple(row))
    return Layout(tuple(boxes), tuple(columns))
