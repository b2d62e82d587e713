"""Results drawn as Plotly figures, as plain data (dicts and lists). Pure: no plotly import.

Plotly's own ``go.Figure`` validates every attribute and costs tens of milliseconds per figure;
these figures are plain JSON that the site script (``assets/figures.js``) hands to Plotly. Each
page fetches its own, so they are kept small: a page fetches the data of the view it draws, not
of every view; each box is one row of six numbers that the site script turns into a Plotly trace;
what the boxes share is in the layout's template, the boxes' wireframes are drawn by the site
script from the boxes themselves, and the controls' data sits in ``layout.meta`` (see
:func:`network_files`).

The 3D view follows the paper's Figure 2: each layer whose output is a volume is a box
(width × height × channels) laid out along the network; a multi-GPU spec draws one stack per
tower, with lines between towers where a layer reads across them; a convolution on the network's
main line draws its kernel inside its input volume and the lines to the output position it makes.

A branching network is laid out in layers: a box's place along the network is the longest path
to it from the input, and where the network splits (an inception module, a residual block) its
branches are drawn side by side, one above the other, between the split and the merge; a branch
with no layer of its own (an identity shortcut) is an arc over the others. Branches that lead to
no output of the network (GoogLeNet's training-only classifiers) run below it. Long networks get
coarser views too: each module collapsed into one box ("Blocks"), and runs of alike blocks or
layers into one box ("Stages").
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from generator.core import formatting
from generator.core.kinds import kind_of
from generator.core.results import Analysis, LayerResult, Shape
from generator.spec.models import Conv

#: The input's box; each drawn kind's colour is in its registry entry (``LayerKind.colour``).
INPUT_COLOUR = "#9e9e9e"
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
ARC_POINTS = 13
#: Between the network and the branches drawn below it.
SIDE_GAP = 40.0
#: A coarser view is offered only when it saves at least this share of the columns.
COARSER = 0.8
#: The view drawn first (before the site script picks one for the page's width): the most
#: detailed with at most this many columns.
DEFAULT_COLUMNS = 30
SHORTCUT_COLOUR = "#8e5cc2"
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
#: Label priorities: the site script shows as many labels as fit without overlapping, highest
#: first; the first and last box are always labelled.
MUST, MODULE, MAIN, BRANCH, ASIDE = 4, 3, 2, 1, 0


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


# --- The graph of drawn boxes ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Node:
    """One box of a view (one per tower): a drawn layer, the input, a block or a stage."""

    name: str
    """Its trace name: a layer's name (a block's: its merge's), or ``input``."""
    title: str
    """What its label and a stage's name call it: the layer's name, or a block's common prefix."""
    kinds: tuple[str, ...]
    colour: str
    shape: Shape
    towers: int
    cross_tower: bool
    hover: str
    layers: tuple[LayerResult, ...]
    """Every layer it stands for, those named only in its hover included."""
    result: LayerResult | None = None
    """The layer it draws (its kernel, for a convolution); ``None`` for the input and groups."""
    slab: bool = False
    """A merge in the view of every layer: drawn thin, a joint rather than a volume."""
    block: bool = False
    """It stands for several layers: a module, or a run of alike boxes (coarser views)."""
    joined: str = ""
    """For a block, or a stage of blocks: the kind of the merge that ends it."""


@dataclass(frozen=True, slots=True)
class Graph:
    """Boxes in a topological order and what each reads; ``sink`` is the network's output."""

    nodes: tuple[Node, ...]
    preds: tuple[tuple[int, ...], ...]
    sink: int

    def succs(self) -> list[list[int]]:
        found: list[list[int]] = [[] for _ in self.nodes]
        for node, preds in enumerate(self.preds):
            for pred in preds:
                found[pred].append(node)
        return found


def _shape_text(shape: Shape) -> str:
    return formatting.shape(shape) if len(shape) == 3 else formatting.count(shape[0])


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
    previous = analysis.layers[result.index - 1].name if result.index else "input"
    if result.inputs and result.inputs != (previous,):
        lines.append("reads " + ", ".join(result.inputs))
    if followers:
        lines.append("then " + ", ".join(f"{f.name} ({f.kind})" for f in followers))
    return "<br>".join(lines)


def _colour(result: LayerResult) -> str:
    return kind_of(result.layer).colour or INPUT_COLOUR


def layer_graph(analysis: Analysis) -> Graph:
    """Every drawn layer; kinds without a colour (relu, lrn, dropout, batch norm…) keep their
    input's shape and are named in the hover text of the box they follow."""
    drawn: list[LayerResult | None] = [None]
    preds: list[tuple[int, ...]] = [()]
    followers: list[list[LayerResult]] = [[]]
    box_of: dict[str, int] = {"input": 0}
    for result in analysis.layers:
        sources = tuple(dict.fromkeys(box_of[n] for n in result.inputs if n in box_of))
        sources = sources or (box_of[analysis.layers[result.index - 1].name],)
        if kind_of(result.layer).colour is None:
            box_of[result.name] = sources[0]
            followers[sources[0]].append(result)
            continue
        box_of[result.name] = len(drawn)
        drawn.append(result)
        preds.append(sources)
        followers.append([])
    nodes = [
        Node(
            name="input",
            title="input",
            kinds=("input",),
            colour=INPUT_COLOUR,
            shape=analysis.input,
            towers=1,
            cross_tower=False,
            hover=_hover(analysis, None, followers[0]),
            layers=tuple(followers[0]),
        )
    ]
    for index, shown in enumerate(drawn[1:], start=1):
        assert shown is not None
        nodes.append(
            Node(
                name=shown.name,
                title=shown.name,
                kinds=(shown.kind,),
                colour=_colour(shown),
                shape=shown.output,
                towers=shown.towers,
                cross_tower=shown.cross_tower,
                hover=_hover(analysis, shown, followers[index]),
                layers=(shown, *followers[index]),
                result=shown,
                slab=kind_of(shown.layer).merge is not None,
            )
        )
    sink = box_of[analysis.layers[-1].name] if analysis.layers else 0
    return Graph(tuple(nodes), tuple(preds), sink)


# --- Structure: the main line, its modules and their branches -----------------------------------


@dataclass(frozen=True, slots=True)
class Module:
    """Where the network splits after ``source`` and meets again at ``sink``."""

    source: int
    sink: int
    inner: frozenset[int]
    branches: int
    shortcut: bool


@dataclass(slots=True)
class Band:
    """Vertical offsets of boxes from a line, and how far above and below it they reach."""

    offsets: dict[int, float] = field(default_factory=dict)
    top: float = 0.0
    bottom: float = 0.0
    arcs: list[tuple[int, int, float]] = field(default_factory=list)
    modules: list[Module] = field(default_factory=list)
    spine: list[int] = field(default_factory=list)

    def add(self, other: Band, offset: float) -> None:
        for node, z in other.offsets.items():
            self.offsets[node] = z + offset
        self.arcs += [(a, b, apex + offset) for a, b, apex in other.arcs]
        self.top = max(self.top, other.top + offset)
        self.bottom = min(self.bottom, other.bottom + offset)


def _reach(
    neighbours: Sequence[Sequence[int]], start: int, allowed: Iterable[int], goal: int | None = None
) -> set[int]:
    """Nodes reached from ``start`` through ``allowed`` ones (and ``goal``, not passed through)."""
    allowed = set(allowed)
    seen: set[int] = set()
    stack = [start]
    while stack:
        for nxt in neighbours[stack.pop()]:
            if nxt in seen:
                continue
            if nxt == goal:
                seen.add(nxt)
            elif nxt in allowed:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def _components(graph: Graph, members: set[int]) -> list[frozenset[int]]:
    links: dict[int, set[int]] = {m: set() for m in members}
    for node in members:
        for pred in graph.preds[node]:
            if pred in members:
                links[node].add(pred)
                links[pred].add(node)
    found: list[frozenset[int]] = []
    left = set(members)
    while left:
        start = min(left)
        part = {start}
        stack = [start]
        while stack:
            for nxt in links[stack.pop()]:
                if nxt not in part:
                    part.add(nxt)
                    stack.append(nxt)
        left -= part
        found.append(frozenset(part))
    return sorted(found, key=min)


@dataclass(frozen=True, slots=True)
class Sizes:
    """Half the height each box reaches above and below its line, towers included."""

    half: tuple[float, ...]
    pitch: float
    depth: tuple[int, ...]


def _box_height(node: Node) -> float:
    if node.shape and len(node.shape) == 3:
        return spatial_side(node.shape[1])
    return vector_height(node.shape[0] // node.towers)


def _sizes(graph: Graph) -> Sizes:
    split = [_box_height(n) for n in graph.nodes if n.towers > 1]
    pitch = (max(split) if split else 0.0) + TOWER_GAP
    half = tuple(_box_height(n) / 2 + (n.towers - 1) / 2 * pitch for n in graph.nodes)
    depth: list[int] = []
    for preds in graph.preds:
        depth.append(max((depth[p] for p in preds), default=-1) + 1)
    return Sizes(half, pitch, tuple(depth))


def _stack(members: Iterable[int], sizes: Sizes) -> Band:
    """Boxes with no structure found: those of one column stacked, centred on the line."""
    band = Band()
    columns: dict[int, list[int]] = {}
    for node in sorted(members):
        columns.setdefault(sizes.depth[node], []).append(node)
    for nodes in columns.values():
        total = sum(2 * sizes.half[n] for n in nodes) + LANE_GAP * (len(nodes) - 1)
        top = total / 2
        for node in nodes:
            band.offsets[node] = top - sizes.half[node]
            top -= 2 * sizes.half[node] + LANE_GAP
        band.top = max(band.top, total / 2)
        band.bottom = min(band.bottom, -total / 2)
    return band


def _arrange(graph: Graph, sizes: Sizes, source: int, sink: int, members: frozenset[int]) -> Band:
    """Offsets of ``members``, the boxes between ``source`` and ``sink`` (both on the line).

    The boxes every path from ``source`` to ``sink`` passes are the region's main line; between
    two of them, each group of connected boxes is a branch, arranged the same way in turn. The
    branch with the most boxes stays on the line, the others are stacked above and below it in
    the order they are declared, and a branch with no box (a shortcut) is an arc over them all.
    """
    succs = graph.succs()
    band = Band()
    # Paths through the region only: a shortcut from source to sink passes no box.
    band.spine = [
        m
        for m in sorted(members)
        if not any(
            sink in _reach(succs, first, members - {m}, sink) or sink in succs[first]
            for first in succs[source]
            if first in members - {m}
        )
    ]
    on_line = set(band.spine)
    for node in band.spine:
        band.offsets[node] = 0.0
        band.top = max(band.top, sizes.half[node])
        band.bottom = min(band.bottom, -sizes.half[node])
    free = members - on_line
    for a, b in pairwise([source, *band.spine, sink]):
        inner = _reach(succs, a, free) & _reach(graph.preds, b, free)
        if not inner:
            continue
        parts = _components(graph, inner)
        shortcut = a in graph.preds[b]
        if parts == [members] and (a, b) == (source, sink):
            # No main line and no separate branches: nothing more to find here.
            lanes = [_stack(inner, sizes)]
        else:
            lanes = [_arrange(graph, sizes, a, b, part) for part in parts]
        main = max(range(len(parts)), key=lambda i: (len(parts[i]), -i))
        offsets = {main: 0.0}
        edge = lanes[main].top
        for i in range(main - 1, -1, -1):
            offsets[i] = edge + LANE_GAP - lanes[i].bottom
            edge = offsets[i] + lanes[i].top
        edge = lanes[main].bottom
        for i in range(main + 1, len(lanes)):
            offsets[i] = edge - LANE_GAP - lanes[i].top
            edge = offsets[i] + lanes[i].bottom
        module = Band()
        for i, lane in enumerate(lanes):
            module.add(lane, offsets[i])
        band.add(module, 0.0)
        if shortcut:
            apex = max(module.top, sizes.half[a], sizes.half[b]) + ARC_RISE
            band.arcs.append((a, b, apex))
            band.top = max(band.top, apex)
        band.modules.append(Module(a, b, frozenset(inner), len(parts) + shortcut, shortcut))
    return band


@dataclass(frozen=True, slots=True)
class Structure:
    """A graph's layout across the network axis: every box's offset from the main line."""

    sizes: Sizes
    offsets: dict[int, float]
    arcs: list[tuple[int, int, float]]
    modules: list[Module]
    spine: list[int]
    """The input, the boxes on the main line and the output, in order."""
    side: frozenset[int]


def structure(graph: Graph) -> Structure:
    sizes = _sizes(graph)
    main = _reach(graph.preds, graph.sink, range(len(graph.nodes))) | {graph.sink}
    if graph.sink == 0:
        band = Band(offsets={0: 0.0})
    else:
        band = _arrange(graph, sizes, 0, graph.sink, frozenset(main - {0, graph.sink}))
        band.offsets[0] = band.offsets[graph.sink] = 0.0
    band.top = max(band.top, sizes.half[0], sizes.half[graph.sink])
    band.bottom = min(band.bottom, -sizes.half[0], -sizes.half[graph.sink])
    # Branches that lead to no output (auxiliary classifiers) run below the network.
    side = frozenset(range(len(graph.nodes))) - main
    floors: list[tuple[int, int, float]] = []
    for part in _components(graph, set(side)):
        lane = _stack(part, sizes)
        lo, hi = min(sizes.depth[n] for n in part), max(sizes.depth[n] for n in part)
        floor = min([band.bottom] + [f for a, b, f in floors if a <= hi and lo <= b])
        offset = floor - SIDE_GAP - lane.top
        for node, z in lane.offsets.items():
            band.offsets[node] = z + offset
        floors.append((lo, hi, offset + lane.bottom))
    return Structure(
        sizes,
        band.offsets,
        band.arcs,
        band.modules,
        [0, *band.spine, graph.sink] if graph.sink else [0],
        side,
    )


# --- Coarser views: blocks and stages -------------------------------------------------------------

_SEPARATORS = "._-/ "


def _prefix(names: Sequence[str]) -> str:
    """The common start of ``names`` that ends where a name part ends: ``inception_3a``, ``res2a``.

    ``""`` when they share no whole part (``block1`` and ``block12`` share none).
    """
    first, last = min(names), max(names)
    size = 0
    while size < min(len(first), len(last)) and first[size] == last[size]:
        size += 1
    while size > 0 and not all(
        len(n) == size or n[size] in _SEPARATORS or n[size - 1] in _SEPARATORS for n in names
    ):
        size -= 1
    return first[:size].rstrip(_SEPARATORS)


def _belongs(name: str, prefix: str) -> bool:
    return name == prefix or (name.startswith(prefix) and name[len(prefix)] in _SEPARATORS)


def _range_name(names: Sequence[str]) -> str:
    """``res3a … res3d → res3a–d``; ``conv3_1 … conv3_3 → conv3_1–3``."""
    first, last = names[0], names[-1]
    size = 0
    while size < min(len(first), len(last)) - 1 and first[size] == last[size]:
        size += 1
    return f"{first}–{last[size:]}" if size else f"{first}–{last}"


def _sum(layers: Iterable[LayerResult], what: str) -> int:
    return sum(getattr(r, what) for r in layers)


def _group_hover(
    title: str, what: str, node: Node, layers: Sequence[LayerResult], reads: str
) -> str:
    lines = [f"<b>{title}</b>: {what}", f"output {formatting.shape(node.shape)}"]
    if node.towers > 1:
        lines[-1] += f" in {node.towers} towers"
    params, macs = _sum(layers, "params"), _sum(layers, "macs")
    if params:
        lines.append(f"parameters {formatting.count(params)}")
    if macs:
        lines.append(f"MACs {formatting.count(macs)}")
    if reads:
        lines.append(f"reads {reads}")
    return "<br>".join(lines)


def _collapse(graph: Graph, groups: Sequence[tuple[frozenset[int], Node]]) -> Graph:
    """``graph`` with each group of boxes replaced by one box, in a topological order."""
    owner = {m: g for g, (members, _) in enumerate(groups) for m in members}

    def key(node: int) -> tuple[str, int]:
        return ("g", owner[node]) if node in owner else ("n", node)

    keys: dict[tuple[str, int], int] = {}
    for node in range(len(graph.nodes)):
        keys[key(node)] = max(keys.get(key(node), node), node)
    reads: dict[tuple[str, int], list[tuple[str, int]]] = {k: [] for k in keys}
    for node, preds in enumerate(graph.preds):
        for pred in preds:
            if key(pred) != key(node) and key(pred) not in reads[key(node)]:
                reads[key(node)].append(key(pred))
    order: list[tuple[str, int]] = []
    done: set[tuple[str, int]] = set()
    waiting = sorted(keys, key=lambda k: keys[k])
    while waiting:
        ready = next(k for k in waiting if all(r in done for r in reads[k]))
        waiting.remove(ready)
        done.add(ready)
        order.append(ready)
    index = {k: i for i, k in enumerate(order)}
    nodes = tuple(groups[k[1]][1] if k[0] == "g" else graph.nodes[k[1]] for k in order)
    return Graph(
        nodes, tuple(tuple(index[r] for r in reads[k]) for k in order), index[key(graph.sink)]
    )


def block_graph(graph: Graph, found: Structure) -> Graph:
    """Each module of the main line, with the boxes before it that share its name, as one box."""
    groups: list[tuple[frozenset[int], Node]] = []
    taken: set[int] = set()
    on_line = found.spine
    for module in found.modules:
        sink = graph.nodes[module.sink]
        names = [graph.nodes[n].name for n in module.inner] + [sink.name]
        prefix = _prefix(names)
        title = prefix if len(prefix) >= 3 else sink.name
        members = set(module.inner) | {module.sink}
        at = on_line.index(module.source)
        while (
            at > 0 and on_line[at] not in taken and _belongs(graph.nodes[on_line[at]].name, prefix)
        ):
            members.add(on_line[at])
            at -= 1
        taken |= members
        layers = [r for m in sorted(members) for r in graph.nodes[m].layers]
        drawn = len(members) - 1
        reads = ", ".join(
            dict.fromkeys(
                graph.nodes[p].title
                for m in sorted(members)
                for p in graph.preds[m]
                if p not in members
            )
        )
        what = f"{drawn} layers in {module.branches} branches"
        if module.shortcut:
            what += ", one of them a shortcut"
        what += f", joined by {sink.name} ({', '.join(sink.kinds)})"
        then = sink.layers[1:]
        hover = _group_hover(title, what, sink, layers, reads)
        if then:
            hover += "<br>then " + ", ".join(f"{r.name} ({r.kind})" for r in then)
        groups.append(
            (
                frozenset(members),
                Node(
                    name=sink.name,
                    title=title,
                    kinds=tuple(
                        dict.fromkeys(k for m in sorted(members) for k in graph.nodes[m].kinds)
                    ),
                    colour=sink.colour,
                    shape=sink.shape,
                    towers=sink.towers,
                    cross_tower=False,
                    hover=hover,
                    layers=tuple(layers),
                    block=True,
                    joined=", ".join(sink.kinds),
                ),
            )
        )
    return _collapse(graph, groups)


def _alike(a: Node, b: Node) -> bool:
    if a.block and b.block:
        return a.shape[1:] == b.shape[1:]
    return not a.block and not b.block and a.kinds == b.kinds and a.shape == b.shape


def stage_graph(graph: Graph, found: Structure) -> Graph:
    """Runs of alike boxes on the main line (blocks at one map size, or layers of one kind and
    shape, such as VGG's stacks of convolutions) as one box each."""
    succs = graph.succs()
    runs: list[list[int]] = []
    for node in found.spine[1:]:
        run = runs[-1] if runs else []
        if (
            run
            and graph.preds[node] == (run[-1],)
            and succs[run[-1]] == [node]
            and _alike(graph.nodes[run[-1]], graph.nodes[node])
        ):
            run.append(node)
        else:
            runs.append([node])
    groups: list[tuple[frozenset[int], Node]] = []
    for run in runs:
        if len(run) < 2:
            continue
        nodes = [graph.nodes[n] for n in run]
        last = nodes[-1]
        title = _range_name([n.title for n in nodes])
        layers = [r for n in nodes for r in n.layers]
        what = f"{len(run)} {'blocks' if last.block else 'layers'}: " + ", ".join(
            n.title for n in nodes
        )
        reads = ", ".join(graph.nodes[p].title for p in graph.preds[run[0]])
        groups.append(
            (
                frozenset(run),
                Node(
                    name=last.name,
                    title=f"{title} ×{len(run)}",
                    kinds=last.kinds,
                    colour=last.colour,
                    shape=last.shape,
                    towers=last.towers,
                    cross_tower=nodes[0].cross_tower,
                    hover=_group_hover(title, what, last, layers, reads),
                    layers=tuple(layers),
                    block=True,
                    joined=last.joined,
                ),
            )
        )
    return _collapse(graph, groups)


# --- Placing boxes --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Placed:
    node: int
    tower: int
    x: float
    y: float
    z: float
    dx: float
    dy: float
    dz: float

    @property
    def centre(self) -> tuple[float, float, float]:
        return (self.x + self.dx / 2, self.y + self.dy / 2, self.z + self.dz / 2)

    @property
    def end(self) -> float:
        return self.x + self.dx


def _dims(node: Node, compressed: bool) -> tuple[float, float, float]:
    if len(node.shape) != 3:
        return VECTOR_SIDE, VECTOR_SIDE, vector_height(node.shape[0] // node.towers)
    channels, height, width = node.shape
    depth = SLAB if node.slab else channel_depth(channels // node.towers, compressed)
    return depth, spatial_side(width), spatial_side(height)


@dataclass(frozen=True, slots=True)
class Layout:
    boxes: list[list[Placed]]
    """One list per node: its boxes, tower 0 on top."""
    columns: list[tuple[float, float]]


def layout(graph: Graph, found: Structure, compressed: bool) -> Layout:
    """Every box's position: columns along x by depth, lines and towers along z."""
    sizes = found.sizes
    dims = [_dims(n, compressed) for n in graph.nodes]
    widths: dict[int, float] = {}
    for node, depth in enumerate(sizes.depth):
        widths[depth] = max(widths.get(depth, 0.0), dims[node][0])
    columns: list[tuple[float, float]] = []
    x = 0.0
    for depth in range(len(widths)):
        columns.append((x, x + widths[depth]))
        x += widths[depth] + GAP
    boxes: list[list[Placed]] = []
    for node, (dx, dy, dz) in enumerate(dims):
        start, end = columns[sizes.depth[node]]
        x0 = (start + end - dx) / 2
        towers = graph.nodes[node].towers
        row = []
        for tower in range(towers):
            centre = found.offsets.get(node, 0.0) + ((towers - 1) / 2 - tower) * sizes.pitch
            row.append(Placed(node, tower, x0, -dy / 2, centre - dz / 2, dx, dy, dz))
        boxes.append(row)
    return Layout(boxes, columns)


# --- Traces ---------------------------------------------------------------------------------------


#: A lines trace's coordinates, ``None`` where the pen lifts.
Points = dict[str, list[int | None]]


def _num(value: float) -> int:
    """A coordinate in whole units (a network is hundreds to thousands long): the JSON stays small."""
    return round(value)


def _box(x0: float, y0: float, z0: float, dx: float, dy: float, dz: float) -> dict[str, list[int]]:
    xs = [x0, x0 + dx, x0 + dx, x0, x0, x0 + dx, x0 + dx, x0]
    ys = [y0, y0, y0 + dy, y0 + dy, y0, y0, y0 + dy, y0 + dy]
    zs = [z0, z0, z0, z0, z0 + dz, z0 + dz, z0 + dz, z0 + dz]
    return {
        "x": [_num(v) for v in xs],
        "y": [_num(v) for v in ys],
        "z": [_num(v) for v in zs],
    }


#: The twelve edges of a box (corners as _box lists them) drawn as four strokes: round the bottom,
#: up, round the top, then the three other uprights (the site script draws the boxes' wireframes
#: this way).
_WIRE = ((0, 1, 2, 3, 0, 4, 5, 6, 7, 4), (1, 5), (2, 6), (3, 7))


def _wireframe(box: dict[str, list[int]], into: Points) -> None:
    """Append a box's edges to a lines trace's coordinates (``None`` lifts the pen)."""
    for stroke in _WIRE:
        for axis in "xyz":
            into[axis] += [box[axis][corner] for corner in stroke]
            into[axis].append(None)


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


def _arc(
    into: Points,
    start: Sequence[float],
    end: Sequence[float],
    apex: float,
) -> None:
    for step in range(ARC_POINTS):
        t = step / (ARC_POINTS - 1)
        base = start[2] + (end[2] - start[2]) * t
        into["x"].append(_num(start[0] + (end[0] - start[0]) * t))
        into["y"].append(0)
        into["z"].append(_num(base + (apex - base) * math.sin(math.pi * t)))
    for axis in "xyz":
        into[axis].append(None)


@dataclass(frozen=True, slots=True)
class View:
    label: str
    graph: Graph
    found: Structure
    compressed: Layout
    proportional: Layout
    labels: dict[int, str]
    priorities: dict[int, int]
    anchors: dict[int, float]
    """Heights of labels not on their box's top: a module's name, over the whole module."""
    kernels: bool

    @property
    def columns(self) -> int:
        return len(self.compressed.columns)


def _view(label: str, graph: Graph, found: Structure, *, kernels: bool) -> View:
    labels: dict[int, str] = {}
    priorities: dict[int, int] = {}
    anchors: dict[int, float] = {}
    arcs = {(a, b): apex for a, b, apex in found.arcs}
    for module in found.modules:
        prefix = _prefix(
            [graph.nodes[n].name for n in module.inner] + [graph.nodes[module.sink].name]
        )
        if len(prefix) >= 3:
            labels[module.sink] = f"{prefix}<br>{_shape_text(graph.nodes[module.sink].shape)}"
        anchors[module.sink] = max(
            [found.offsets[n] + found.sizes.half[n] for n in (*module.inner, module.sink)]
            + [arcs.get((module.source, module.sink), -math.inf)]
        )
    on_line = set(found.spine)
    for index, box in enumerate(graph.nodes):
        labels.setdefault(index, f"{box.title}<br>{_shape_text(box.shape)}")
        if index in (0, graph.sink):
            priorities[index] = MUST
        elif box.block or index in anchors:
            priorities[index] = MODULE
        elif index in found.side:
            priorities[index] = ASIDE
        elif index in on_line:
            priorities[index] = MAIN
        else:
            priorities[index] = BRANCH
    return View(
        label,
        graph,
        found,
        layout(graph, found, compressed=True),
        layout(graph, found, compressed=False),
        labels,
        priorities,
        anchors,
        kernels,
    )


def views(analysis: Analysis) -> list[View]:
    """The view of every layer, then the coarser ones that save columns."""
    graph = layer_graph(analysis)
    found = structure(graph)
    found_views = [_view("Every layer", graph, found, kernels=True)]
    if found.modules:
        graph = block_graph(graph, found)
        found = structure(graph)
        found_views.append(_view("Blocks", graph, found, kernels=False))
    staged = stage_graph(graph, found)
    if len(staged.nodes) < len(graph.nodes):
        view = _view("Stages", staged, structure(staged), kernels=False)
        if view.columns <= COARSER * found_views[-1].columns:
            found_views.append(view)
    return found_views


def _box_traces(view: View) -> list[dict[str, Any]]:
    traces = []
    for row in view.compressed.boxes:
        for p in row:
            node = view.graph.nodes[p.node]
            traces.append(
                {
                    "type": "mesh3d",
                    "name": node.name,
                    **_box(p.x, p.y, p.z, p.dx, p.dy, p.dz),
                    "color": node.colour,
                    "hovertext": node.hover,
                }
            )
    return traces


def _connections(view: View) -> list[dict[str, Any]]:
    """Lines from each box to those that read it, and arcs for the shortcuts."""
    graph, boxes = view.graph, view.compressed.boxes
    own: Points = {"x": [], "y": [], "z": []}
    cross: Points = {"x": [], "y": [], "z": []}
    arcs: Points = {"x": [], "y": [], "z": []}
    shortcuts = {(a, b): apex for a, b, apex in view.found.arcs}
    for target, preds in enumerate(graph.preds):
        after = boxes[target]
        reads_all = graph.nodes[target].cross_tower
        for pred in preds:
            before = boxes[pred]
            if (pred, target) in shortcuts:
                source, sink = before[0], after[0]
                _arc(
                    arcs,
                    (source.end, 0, source.z + source.dz),
                    (sink.x, 0, sink.z + sink.dz),
                    shortcuts[pred, target],
                )
                continue
            for t in after:
                for s in before:
                    same = s.tower == t.tower or len(before) == 1 or len(after) == 1
                    if not (same or reads_all):
                        continue
                    bucket = own if same and not (reads_all and len(before) > 1) else cross
                    _segment(
                        bucket, (s.end, s.centre[1], s.centre[2]), (t.x, t.centre[1], t.centre[2])
                    )
    traces = [_lines("connections", own, {"color": "rgba(120,120,120,0.8)", "width": 3})]
    if cross["x"]:
        traces.append(
            _lines("across towers", cross, {"color": "#c2185b", "width": 4, "dash": "dash"})
        )
    if arcs["x"]:
        traces.append(_lines("shortcuts", arcs, {"color": SHORTCUT_COLOUR, "width": 5}))
    return traces


def _kernels(view: View) -> list[dict[str, Any]]:
    """Each convolution on the main line: its kernel inside its input volume, with lines to the
    output position it makes."""
    kernels: Points = {"x": [], "y": [], "z": []}
    rays: Points = {"x": [], "y": [], "z": []}
    graph, boxes, spine = view.graph, view.compressed.boxes, view.found.spine
    for before, after in pairwise(spine):
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
        kh = min(spatial_side(kernel_h), source.dz - 2)
        kw = min(spatial_side(kernel_w), source.dy - 2)
        ratio = 1 / max(len(boxes[before]), 1) if result.layer.groups == 1 else 1.0
        kdx = max(source.dx * min(1.0, ratio), 2.0)
        k_box = _box(source.end - kdx, source.y + 1, source.z + source.dz - kh - 1, kdx, kw, kh)
        _wireframe(k_box, kernels)
        point = (target.x + 0.5, target.y + 1.5, target.z + target.dz - 1.5)
        for corner in (5, 6, 1, 2):
            for axis, value in zip("xyz", point, strict=True):
                rays[axis] += [k_box[axis][corner], _num(value), None]
    if not kernels["x"]:
        return []
    return [
        _lines("kernel", kernels, {"color": "#111111", "width": 4}),
        _lines("kernel → output position", rays, {"color": "#6a1b9a", "width": 2}),
    ]


def _label_trace(view: View) -> tuple[dict[str, Any], list[int]]:
    labels: dict[str, list[Any]] = {"x": [], "y": [], "z": [], "text": []}
    priorities: list[int] = []
    for index, row in enumerate(view.compressed.boxes):
        # Over the box's back top edge: the label sits above the box as drawn.
        top = row[0]
        labels["x"].append(_num(top.centre[0]))
        labels["y"].append(_num(top.y + top.dy))
        labels["z"].append(_num(max(top.z + top.dz, view.anchors.get(index, -math.inf))))
        labels["text"].append(view.labels[index])
        priorities.append(view.priorities[index])
    trace = {
        "type": "scatter3d",
        "mode": "text",
        "name": "labels",
        **labels,
        "textposition": "top center",
        "hoverinfo": "skip",
        "textfont": {"size": 11},
        "showlegend": False,
    }
    return trace, priorities


def depth_map(source: Layout, target: Layout) -> list[list[int]]:
    """Where each column's extent along the network axis goes when the depth scale changes.

    One ``[from_start, from_end, to_start, to_end]`` per column, in order; the site script maps a
    point inside a box with that box's own extents (``boxes`` in the view's ``meta``) and any
    other point linearly within its column, or by its column's shift in a gap between columns.
    """
    return [
        [_num(a), _num(b), _num(c), _num(d)]
        for (a, b), (c, d) in zip(source.columns, target.columns, strict=True)
    ]


def _extent(found: Sequence[View]) -> list[list[int]]:
    """Each axis' range over every view and depth scale, with a margin: the scene never rescales."""
    lows, highs = [math.inf] * 3, [-math.inf] * 3
    for view in found:
        for placed in (view.compressed, view.proportional):
            for row in placed.boxes:
                for p in row:
                    for axis, (a, d) in enumerate(((p.x, p.dx), (p.y, p.dy), (p.z, p.dz))):
                        lows[axis] = min(lows[axis], a)
                        highs[axis] = max(highs[axis], a + d)
        highs[2] = max([highs[2]] + [apex for _, _, apex in view.found.arcs])
    ranges = []
    for low, high in zip(lows, highs, strict=True):
        pad = (high - low) * 0.02 + 4
        ranges.append([_num(low - pad), _num(high + pad)])
    return ranges


_LINES = (
    ("connections", "reads"),
    ("across towers", "reads across towers"),
    ("shortcuts", "shortcut (added back at the merge)"),
    ("kernel", "kernel, and the output position it makes"),
)


def _key(found: Sequence[View], traces: Sequence[Sequence[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The colour key the site script draws under the figure: each item with the views it is in."""
    items: dict[tuple[str, str, str], list[int]] = {}
    for index, view in enumerate(found):
        kinds: dict[str, list[str]] = {}
        for node in view.graph.nodes:
            names = kinds.setdefault(node.colour, [])
            label = f"block ending in {node.joined}" if node.joined else " / ".join(node.kinds)
            if label not in names:
                names.append(label)
        for colour, names in kinds.items():
            items.setdefault((" / ".join(names), colour, "box"), []).append(index)
        lines = {t["name"]: t for t in traces[index] if t["type"] == "scatter3d"}
        for name, label in _LINES:
            if name in lines:
                colour = lines[name]["line"]["color"]
                items.setdefault((label, colour, "line"), []).append(index)
    return [
        {"label": label, "colour": colour, "mark": mark, "views": views}
        for (label, colour, mark), views in items.items()
    ]


def view_traces(view: View) -> list[dict[str, Any]]:
    """One view's Plotly traces, in the order the site script relies on: its boxes (one mesh3d
    per box and tower), a ``wire`` trace it fills with the boxes' edges, the connections and
    shortcuts, kernels, and the labels last."""
    wire = _lines("wire", {"x": [], "y": [], "z": []}, {"color": "#888", "width": 2})
    labels, _ = _label_trace(view)
    return [
        *_box_traces(view),
        {**wire, "meta": "wire"},
        *_connections(view),
        *(_kernels(view) if view.kernels else []),
        labels,
    ]


#: Corners of a box trace (as :func:`_box` lists them) that hold its low and high x, y and z.
_EXTENTS = (("x", 0, 1), ("y", 0, 2), ("z", 0, 4))


def _packed_boxes(
    traces: Sequence[dict[str, Any]],
) -> tuple[list[list[str]], list[list[Any]], list[dict[str, Any]]]:
    """A view's box traces as one row per box, ``[node, x0, x1, y0, y1, z0, z1]``, and what
    boxes share (a layer's towers, its name, colour and hover text) once per node; then the
    other traces as they are.

    Eight corners of three coordinates per box, with each name and hover text once per tower,
    were most of a figure's bytes; :func:`unpacked` (and the site script) rebuild the traces.
    """
    nodes: list[list[str]] = []
    node_of: dict[tuple[str, str, str], int] = {}
    rows: list[list[Any]] = []
    rest = []
    for trace in traces:
        if trace["type"] != "mesh3d":
            rest.append(trace)
            continue
        key = (trace["name"], trace["color"], trace["hovertext"])
        node = node_of.setdefault(key, len(nodes))
        if node == len(nodes):
            nodes.append(list(key))
        rows.append([node, *(trace[axis][i] for axis, low, high in _EXTENTS for i in (low, high))])
    return nodes, rows, rest


def _box_trace(node: Sequence[str], row: Sequence[int]) -> dict[str, Any]:
    """A box trace of a packed view (the site script's ``boxTrace`` does the same)."""
    x0, x1, y0, y1, z0, z1 = row[1:]
    return {
        "type": "mesh3d",
        "name": node[0],
        "x": [x0, x1, x1, x0, x0, x1, x1, x0],
        "y": [y0, y0, y1, y1, y0, y0, y1, y1],
        "z": [z0, z0, z0, z0, z1, z1, z1, z1],
        "color": node[1],
        "hovertext": node[2],
    }


def unpacked(view: dict[str, Any]) -> list[dict[str, Any]]:
    """The Plotly traces of a packed view (a view file, or the one in ``figure.json``)."""
    nodes = view["nodes"]
    rest: list[dict[str, Any]] = view["traces"]
    return [_box_trace(nodes[row[0]], row) for row in view["boxes"]] + rest


def _packed(view: View, traces: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """One view as its file holds it: packed boxes, other traces, and what the site script needs
    to switch its channel scale (each box's and column's extent) and to place its labels."""
    nodes, boxes, rest = _packed_boxes(traces)
    return {
        "nodes": nodes,
        "boxes": boxes,
        "traces": rest,
        "proportional": {
            "boxes": [[_num(p.x), _num(p.end)] for row in view.proportional.boxes for p in row],
            "columns": depth_map(view.compressed, view.proportional),
        },
        "labels": [view.priorities[i] for i in range(len(view.compressed.boxes))],
    }


def view_file(index: int) -> str:
    """The file name of a view that ``figure.json`` does not hold (next to it in the site)."""
    return f"figure-{index + 1}.json"


def network_files(analysis: Analysis) -> dict[str, dict[str, Any]]:
    """The 3D view of one architecture: ``figure.json`` and a file per other view, by file name.

    ``figure.json`` holds the layout (``layout.meta`` gives the views, depth scales, cameras and
    colour key, which the site script turns into the controls above the figure) and, under
    ``view``, the view drawn first, packed (:func:`_packed`). The other views, each in its own
    :func:`view_file`, are fetched only when the reader (or a narrow window) asks for them: a
    page loads one view's data, not all of them.
    """
    found = views(analysis)
    default = next((i for i, v in enumerate(found) if v.columns <= DEFAULT_COLUMNS), len(found) - 1)
    traces = [view_traces(view) for view in found]
    meta_views = []
    for index, view in enumerate(found):
        entry: dict[str, Any] = {"label": view.label, "columns": view.columns}
        if index != default:
            entry["src"] = view_file(index)
        meta_views.append(entry)
    ranges = _extent(found)
    spans = [r[1] - r[0] for r in ranges]
    axis = {"visible": False, "autorange": False}
    layout = {
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
            "key": _key(found, traces),
            "scales": {
                "log": "Box sides grow as the square root of a map's height and width, "
                "depth as the logarithm of its channels.",
                "proportional": "Box sides grow as the square root of a map's height and "
                "width, depth in proportion to its channels.",
            },
        },
    }
    files = {"figure.json": {"layout": layout, "view": _packed(found[default], traces[default])}}
    for index, view in enumerate(found):
        if index != default:
            files[view_file(index)] = _packed(view, traces[index])
    return files


def plotly_figure(files: dict[str, dict[str, Any]], index: int | None = None) -> dict[str, Any]:
    """One view of :func:`network_files` (the one drawn first by default) as a plain Plotly
    figure, before the site script frames it: what plotly alone would draw."""
    main = files["figure.json"]
    meta = main["layout"]["meta"]
    chosen = meta["view"] if index is None else index
    src = meta["views"][chosen].get("src")
    view = files[src] if src else main["view"]
    return {"data": unpacked(view), "layout": main["layout"]}


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
