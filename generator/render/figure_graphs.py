"""What each 3D view draws: its boxes, and which box reads which.

The view of every layer has a box per layer that makes a map of its own (and one for the input);
the layers of a kind without a colour (relu, lrn, dropout, batch norm…) keep their input's shape
and are named in the hover text of the box they follow. The coarser views collapse boxes: each
module of the main line into one ("Blocks"), and runs of alike blocks or layers into one
("Stages"). Where the graphs split and meet is :func:`generator.analysis.graph.structure`'s to
find; a block is named by the prefix its layers' names share
(:func:`generator.analysis.hypotheses.common_prefix`, the project's one rule for it). Pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from generator.analysis.graph import Module, Structure
from generator.analysis.hypotheses import common_prefix
from generator.core import formatting
from generator.core.kinds import kind_of
from generator.core.results import Analysis, LayerResult, Shape, Totals

#: The input's box; each drawn kind's colour is in its registry entry (``LayerKind.colour``).
INPUT_COLOUR = "#9e9e9e"


@dataclass(frozen=True, slots=True)
class ViewNode:
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
    """Every layer it stands for, in network order: those named only in its hover, and a
    pre-activation that opens its layer (:func:`layer_graph`), included."""
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

    nodes: tuple[ViewNode, ...]
    preds: tuple[tuple[int, ...], ...]
    sink: int

    def succs(self) -> list[list[int]]:
        """What reads each box, in order."""
        found: list[list[int]] = [[] for _ in self.nodes]
        for node, preds in enumerate(self.preds):
            for pred in preds:
                found[pred].append(node)
        return found


def shape_text(shape: Shape) -> str:
    """A box's output as its label and hover text give it: ``256×13×13``, or ``4,096``."""
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


def _own_params(result: LayerResult | None) -> bool:
    """Whether a box's layer has parameters of its own (the input has none)."""
    return result is not None and result.params > 0


def _colour(result: LayerResult) -> str:
    return kind_of(result.layer).colour or INPUT_COLOUR


def layer_graph(analysis: Analysis) -> Graph:
    """Every drawn layer; kinds without a colour (relu, lrn, dropout, batch norm…) keep their
    input's shape and are named in the hover text of the box they follow.

    Each box stands for its layer and those that follow it, except a pre-activation: a layer
    without a colour but with parameters (a batch norm) right after a box without any (a merge,
    a pooling, the input) opens the layer it feeds, as DenseNet's and pre-activation ResNet's
    blocks do; it and the layers after it up to that layer count with that layer's box (in the
    blocks and stages they sum), though the hover still names them where they are drawn."""
    drawn: list[LayerResult | None] = [None]
    preds: list[tuple[int, ...]] = [()]
    followers: list[list[LayerResult]] = [[]]
    leaders: list[list[LayerResult]] = [[]]
    opening: dict[str, list[LayerResult]] = {}
    """A pre-activation not yet read by a drawn layer, by the name of its last layer."""
    box_of: dict[str, int] = {"input": 0}
    for result in analysis.layers:
        names = result.inputs or (
            analysis.layers[result.index - 1].name if result.index else "input",
        )
        sources = tuple(dict.fromkeys(box_of[n] for n in names if n in box_of))
        if kind_of(result.layer).colour is None:
            box_of[result.name] = sources[0]
            followers[sources[0]].append(result)
            chain = next((opening.pop(n) for n in names if n in opening), None)
            if chain is not None:
                opening[result.name] = [*chain, result]
            elif result.params and not _own_params(drawn[sources[0]]):
                opening[result.name] = [result]
            continue
        box_of[result.name] = len(drawn)
        drawn.append(result)
        preds.append(sources)
        followers.append([])
        leaders.append([r for n in names if n in opening for r in opening.pop(n)])
    led = {r.name for found in leaders for r in found}
    nodes = [
        ViewNode(
            name="input",
            title="input",
            kinds=("input",),
            colour=INPUT_COLOUR,
            shape=analysis.input,
            towers=1,
            cross_tower=False,
            hover=_hover(analysis, None, followers[0]),
            layers=tuple(f for f in followers[0] if f.name not in led),
        )
    ]
    for index, shown in enumerate(drawn[1:], start=1):
        assert shown is not None
        nodes.append(
            ViewNode(
                name=shown.name,
                title=shown.name,
                kinds=(shown.kind,),
                colour=_colour(shown),
                shape=shown.output,
                towers=shown.towers,
                cross_tower=shown.cross_tower,
                hover=_hover(analysis, shown, followers[index]),
                layers=(
                    *leaders[index],
                    shown,
                    *(f for f in followers[index] if f.name not in led),
                ),
                result=shown,
                slab=kind_of(shown.layer).merge is not None,
            )
        )
    sink = box_of[analysis.layers[-1].name] if analysis.layers else 0
    return Graph(tuple(nodes), tuple(preds), sink)


# --- Coarser views: blocks and stages -------------------------------------------------------------


def block_name(graph: Graph, module: Module) -> str:
    """The prefix the names of a module's boxes share (``inception_3a``), or ``""``."""
    return _name(_box_names(graph, module))


def _box_names(graph: Graph, module: Module) -> list[str]:
    return [graph.nodes[n].name for n in sorted(module.inner)] + [graph.nodes[module.sink].name]


def _name(names: list[str]) -> str:
    return common_prefix(names).rstrip(".")


def range_name(names: Sequence[str]) -> str:
    """``res3a … res3d → res3a–d``; ``conv3_1 … conv3_3 → conv3_1–3``; ``pw12 … pw13 →
    pw12–13`` (a number is never cut in two); ``e1_cat … e2_cat → e1_cat–e2_cat``."""
    first, last = names[0], names[-1]
    size = 0
    while size < min(len(first), len(last)) - 1 and first[size] == last[size]:
        size += 1
    while size and last[size - 1].isdigit() and last[size].isdigit():
        size -= 1
    if first[-1] == last[-1] and first[size:] != last[size:]:
        return f"{first}–{last}"  # they differ inside the name (e1_cat, e2_cat): both in full
    return f"{first}–{last[size:]}" if size else f"{first}–{last}"


def _group_hover(
    title: str, what: str, node: ViewNode, layers: Sequence[LayerResult], reads: str
) -> str:
    lines = [f"<b>{title}</b>: {what}", f"output {formatting.shape(node.shape)}"]
    if node.towers > 1:
        lines[-1] += f" in {node.towers} towers"
    totals = Totals.of(layers)
    params, macs = totals.params, totals.macs
    if params:
        lines.append(f"parameters {formatting.count(params)}")
    if macs:
        lines.append(f"MACs {formatting.count(macs)}")
    if reads:
        lines.append(f"reads {reads}")
    return "<br>".join(lines)


def _collapse(graph: Graph, groups: Sequence[tuple[frozenset[int], ViewNode]]) -> Graph:
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
    groups: list[tuple[frozenset[int], ViewNode]] = []
    taken: set[int] = set()
    on_line = found.spine
    for module in found.main.modules:
        sink = graph.nodes[module.sink]
        names = _box_names(graph, module)
        prefix = _name(names)
        title = prefix if len(prefix) >= 3 else sink.name
        members = set(module.inner) | {module.sink}
        # The boxes before it on the line that its name takes in too (a fire module's squeeze).
        at = on_line.index(module.source)
        while (
            at > 0
            and on_line[at] not in taken
            and prefix
            and _name([*names, graph.nodes[on_line[at]].name]) == prefix
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
        what = f"{drawn} layers in {module.ways} branches"
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
                ViewNode(
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


def _alike(a: ViewNode, b: ViewNode) -> bool:
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
    groups: list[tuple[frozenset[int], ViewNode]] = []
    for run in runs:
        if len(run) < 2:
            continue
        nodes = [graph.nodes[n] for n in run]
        last = nodes[-1]
        title = range_name([n.title for n in nodes])
        layers = [r for n in nodes for r in n.layers]
        what = f"{len(run)} {'blocks' if last.block else 'layers'}: " + ", ".join(
            n.title for n in nodes
        )
        reads = ", ".join(graph.nodes[p].title for p in graph.preds[run[0]])
        groups.append(
            (
                frozenset(run),
                ViewNode(
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
